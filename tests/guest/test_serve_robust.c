/*
 * edu-tb serve against a peer that is not a well-behaved QEMU: each test
 * starts the server on one end of a socketpair and plays QEMU's proxy on
 * the other.  A bad message is logged and serving goes on, or the server
 * closes the connection and exits 1 with a message; it never crashes and
 * never leaves the peer waiting for an answer it will not send.  The DMA
 * path through a memfd, and the order of INTx and answers with a qtest
 * peer (set_irq_in, then the RET; none waited for on DEVICE_RESET), are
 * checked here too, without QEMU.
 *
 *     test_serve_robust EDU_TB
 */
#define _GNU_SOURCE /* memfd_create, mkdtemp */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mpqemu.h"

#define BAR0 0xc0000000ull
#define WAIT_MS 10000

static const char *edu_tb; /* argv[1] */

typedef struct Srv {
    pid_t pid;
    int fd;
    char log[64]; /* its stderr */
} Srv;

static void srv_start_with(Srv *s, const char *opt, const char *val)
{
    int sv[2];
    int log;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    snprintf(s->log, sizeof(s->log), "/tmp/serve-robust-XXXXXX");
    log = mkstemp(s->log);
    assert_true(log >= 0);
    s->pid = fork();
    assert_true(s->pid >= 0);
    if (s->pid == 0) {
        char fd[16];

        close(sv[1]);
        dup2(log, 2);
        snprintf(fd, sizeof(fd), "%d", sv[0]);
        execl(edu_tb, edu_tb, "serve", "--backend", "cmodel", "--fd", fd,
              "--quiet", opt, val, (char *)NULL);
        _exit(127);
    }
    close(log);
    close(sv[0]);
    s->fd = sv[1];
}

static void srv_start(Srv *s)
{
    srv_start_with(s, NULL, NULL);
}

/* Its exit status once the peer is gone (a signal fails the test). */
static int srv_end(Srv *s)
{
    struct timespec t0, t;
    int st;

    close(s->fd);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (waitpid(s->pid, &st, WNOHANG) == 0) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (t.tv_sec - t0.tv_sec > WAIT_MS / 1000) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &st, 0);
            fail_msg("edu-tb serve did not end when its peer went");
        }
        usleep(10000);
    }
    if (WIFSIGNALED(st)) {
        fail_msg("edu-tb serve died on signal %d", WTERMSIG(st));
    }
    return WEXITSTATUS(st);
}

/* What it said on stderr (freed by the caller); the file goes. */
static char *srv_said(Srv *s)
{
    FILE *f = fopen(s->log, "r");
    char *text = calloc(1, 65536);

    assert_non_null(f);
    assert_non_null(text);
    fread(text, 1, 65535, f);
    fclose(f);
    unlink(s->log);
    return text;
}

static void srv_said_has(Srv *s, const char *want)
{
    char *text = srv_said(s);

    if (!strstr(text, want)) {
        fail_msg("stderr has no '%s':\n%s", want, text);
    }
    free(text);
}

/* Readable within ms: an answer or the end. */
static bool srv_ready(Srv *s, int ms)
{
    struct pollfd pfd = {.fd = s->fd, .events = POLLIN};

    return poll(&pfd, 1, ms) == 1;
}

static uint64_t srv_ret(Srv *s)
{
    MpqemuMsg m;
    char err[256];

    if (!srv_ready(s, WAIT_MS)) {
        fail_msg("no answer from edu-tb serve");
    }
    assert_int_equal(mpqemu_recv(s->fd, &m, err, sizeof(err)), 1);
    assert_int_equal(m.cmd, MPQEMU_CMD_RET);
    assert_int_equal(m.size, 8);
    return *(uint64_t *)m.data;
}

/* The server closed its end, without a word to the peer. */
static void srv_closed(Srv *s)
{
    char c;

    if (!srv_ready(s, WAIT_MS)) {
        fail_msg("edu-tb serve left its peer waiting");
    }
    assert_int_equal(recv(s->fd, &c, 1, 0), 0);
}

static void send_msg(Srv *s, int32_t cmd, const void *data, uint64_t size,
                     const int *fds, unsigned n_fds)
{
    assert_int_equal(mpqemu_send(s->fd, cmd, data, size, fds, n_fds), 0);
}

static uint64_t cfg(Srv *s, bool write, uint32_t addr, uint32_t val, int len)
{
    MpqemuConf c = {.addr = addr, .val = val, .len = len};
    uint8_t b[MPQEMU_CONF_SIZE];

    mpqemu_pack_conf(&c, b);
    send_msg(s, write ? MPQEMU_CMD_PCI_CFGWRITE : MPQEMU_CMD_PCI_CFGREAD, b,
             sizeof(b), NULL, 0);
    return srv_ret(s);
}

static uint64_t bar(Srv *s, bool write, uint64_t addr, uint64_t val,
                    unsigned size, bool memory)
{
    MpqemuBar m = {.addr = addr, .val = val, .size = size, .memory = memory};
    uint8_t b[MPQEMU_BAR_SIZE];

    mpqemu_pack_bar(&m, b);
    send_msg(s, write ? MPQEMU_CMD_BAR_WRITE : MPQEMU_CMD_BAR_READ, b,
             sizeof(b), NULL, 0);
    return srv_ret(s);
}

/* A BAR access sent, its answer not read. */
static void bar_send(Srv *s, bool write, uint64_t addr, uint64_t val,
                     unsigned size)
{
    MpqemuBar m = {.addr = addr, .val = val, .size = size, .memory = true};
    uint8_t b[MPQEMU_BAR_SIZE];

    mpqemu_pack_bar(&m, b);
    send_msg(s, write ? MPQEMU_CMD_BAR_WRITE : MPQEMU_CMD_BAR_READ, b,
             sizeof(b), NULL, 0);
}

static void map_bar0(Srv *s)
{
    assert_int_equal(cfg(s, true, 0x10, (uint32_t)BAR0, 4), 0);
    assert_int_equal(cfg(s, true, 0x04, 0x6, 2), 0);
}

static void sync_sysmem(Srv *s, uint64_t gpa, uint64_t size, int fd)
{
    MpqemuSysmem m = {.gpa = {gpa}, .size = {size}, .offset = {0}};
    uint8_t b[MPQEMU_SYSMEM_SIZE];

    memcpy(b, m.gpa, 64);
    memcpy(b + 64, m.size, 64);
    memcpy(b + 128, m.offset, 64);
    send_msg(s, MPQEMU_CMD_SYNC_SYSMEM, b, sizeof(b), &fd, 1);
}

/* RAM at src -> the device's buffer -> RAM at dst, n bytes. */
static void dma_copy(Srv *s, uint64_t src, uint64_t dst, uint64_t n)
{
    bar(s, true, BAR0 + 0x80, src, 4, true);
    bar(s, true, BAR0 + 0x88, 0x40000, 4, true);
    bar(s, true, BAR0 + 0x90, n, 4, true);
    bar(s, true, BAR0 + 0x98, 1, 4, true);
    bar(s, true, BAR0 + 0x80, 0x40000, 4, true);
    bar(s, true, BAR0 + 0x88, dst, 4, true);
    bar(s, true, BAR0 + 0x98, 3, 4, true);
}

/* --- tests ------------------------------------------------------------- */

static void test_config_reads_give_the_edu_and_the_end_is_status_0(void **st)
{
    Srv s;

    (void)st;
    srv_start(&s);
    assert_int_equal(cfg(&s, false, 0x00, 0, 4), 0x11e81234);
    assert_int_equal(cfg(&s, false, 0x02, 0, 2), 0x11e8);
    assert_int_equal(cfg(&s, false, 0x3d, 0, 1), 1);
    /* Across a dword: byte by byte. */
    assert_int_equal(cfg(&s, false, 0x03, 0, 2), 0x0011);
    assert_int_equal(srv_end(&s), 0);
    free(srv_said(&s));
}

static void test_truncated_header_ends_with_a_message(void **st)
{
    Srv s;

    (void)st;
    srv_start(&s);
    assert_int_equal(send(s.fd, "\x03\0\0\0\0\0\0", 7, 0), 7);
    shutdown(s.fd, SHUT_WR);
    srv_closed(&s);
    assert_int_equal(srv_end(&s), 1);
    srv_said_has(&s, "truncated header: 7 of 16 bytes");
}

static void test_oversize_message_closes_the_connection(void **st)
{
    uint8_t hdr[16] = {MPQEMU_CMD_BAR_READ};
    uint64_t size = 1ull << 40;
    Srv s;

    (void)st;
    memcpy(hdr + 8, &size, 8);
    srv_start(&s);
    assert_int_equal(send(s.fd, hdr, sizeof(hdr), 0), 16);
    srv_closed(&s);
    assert_int_equal(srv_end(&s), 1);
    srv_said_has(&s, "no message is longer than 192");
}

static void test_unknown_command_closes_the_connection(void **st)
{
    Srv s;

    (void)st;
    srv_start(&s);
    send_msg(&s, 42, NULL, 0, NULL, 0);
    srv_closed(&s);
    assert_int_equal(srv_end(&s), 1);
    srv_said_has(&s, "command 42 (unknown, 0 bytes) is not one QEMU's proxy "
                     "sends");
}

static void test_extra_fds_are_closed_and_answered(void **st)
{
    MpqemuConf c = {.addr = 0, .len = 4};
    uint8_t b[MPQEMU_CONF_SIZE];
    int p[2];
    Srv s;

    (void)st;
    srv_start(&s);
    assert_int_equal(pipe2(p, O_CLOEXEC), 0); /* the server's: only sent */
    mpqemu_pack_conf(&c, b);
    send_msg(&s, MPQEMU_CMD_PCI_CFGREAD, b, sizeof(b), &p[0], 1);
    close(p[0]);
    assert_int_equal(srv_ret(&s), 0x11e81234);
    /* Its copy is closed: nobody reads the pipe any more. */
    assert_int_equal(write(p[1], "x", 1), -1);
    assert_int_equal(errno, EPIPE);
    close(p[1]);
    assert_int_equal(srv_end(&s), 0);
    srv_said_has(&s, "PCI_CFGREAD with 1 fds: closed them");
}

static void test_too_many_fds_close_the_connection(void **st)
{
    int fds[MPQEMU_MAX_FDS + 1];
    Srv s;

    (void)st;
    for (unsigned i = 0; i < MPQEMU_MAX_FDS + 1; i++) {
        fds[i] = 0; /* stdin, nine times */
    }
    srv_start(&s);
    send_msg(&s, MPQEMU_CMD_SET_IRQFD, NULL, 0, fds, MPQEMU_MAX_FDS + 1);
    srv_closed(&s);
    assert_int_equal(srv_end(&s), 1);
    srv_said_has(&s, "SET_IRQFD with more than 8 file descriptors");
}

static void test_messages_without_their_fds_are_ignored(void **st)
{
    uint8_t b[MPQEMU_SYSMEM_SIZE] = {0};
    int one = 0;
    Srv s;

    (void)st;
    srv_start(&s);
    send_msg(&s, MPQEMU_CMD_SYNC_SYSMEM, b, sizeof(b), NULL, 0);
    send_msg(&s, MPQEMU_CMD_SET_IRQFD, NULL, 0, &one, 1);
    assert_false(srv_ready(&s, 200)); /* neither wants an answer */
    assert_int_equal(cfg(&s, false, 0x00, 0, 4), 0x11e81234);
    assert_int_equal(srv_end(&s), 0);
    srv_said_has(&s, "SYNC_SYSMEM of 192 bytes with 0 fds: ignored");
}

static void test_config_access_of_bad_size_or_place_answers_all_ones(void **st)
{
    uint8_t b[8] = {0};
    Srv s;

    (void)st;
    srv_start(&s);
    assert_int_equal(cfg(&s, false, 0x00, 0, 3), 0xffffffff);
    assert_int_equal(cfg(&s, false, 0xfe, 0, 4), 0xffffffff);
    assert_int_equal(cfg(&s, false, 0x100, 0, 1), 0xffffffff);
    assert_int_equal(cfg(&s, true, 0x10, 0, 8), 0);
    send_msg(&s, MPQEMU_CMD_PCI_CFGREAD, b, sizeof(b), NULL, 0);
    assert_int_equal(srv_ret(&s), UINT64_MAX);
    assert_int_equal(cfg(&s, false, 0x00, 0, 4), 0x11e81234);
    assert_int_equal(srv_end(&s), 0);
    srv_said_has(&s, "configuration read of 3 bytes at 0x0: not in the "
                     "function's 256 bytes");
}

static void test_bar_access_of_bad_size_or_outside_bar0(void **st)
{
    Srv s;

    (void)st;
    srv_start(&s);
    map_bar0(&s);
    assert_int_equal(bar(&s, false, BAR0, 0, 3, true), UINT64_MAX);
    assert_int_equal(bar(&s, false, 0x1000, 0, 4, true), UINT64_MAX);
    assert_int_equal(bar(&s, false, 0xc000, 0, 4, false), UINT64_MAX);
    assert_int_equal(bar(&s, false, UINT64_MAX - 1, 0, 4, true), UINT64_MAX);
    /* Past BAR0: a master abort on the view's bus, all ones. */
    assert_int_equal(bar(&s, false, 0xd0000000, 0, 4, true), 0xffffffff);
    assert_int_equal(bar(&s, false, BAR0, 0, 4, true), 0x010000ed);
    assert_int_equal(srv_end(&s), 0);
    srv_said_has(&s, "BAR read of 3 bytes at 0xc0000000: not 1, 2, 4 or 8");
}

static void test_device_reset_in_the_middle_starts_the_device_again(void **st)
{
    Srv s;

    (void)st;
    srv_start(&s);
    map_bar0(&s);
    bar(&s, true, BAR0 + 4, 0x1234, 4, true);
    assert_int_equal(bar(&s, false, BAR0 + 4, 0, 4, true), 0xffffedcb);
    bar(&s, true, BAR0 + 0x60, 1, 4, true); /* INTx up */
    assert_int_equal(cfg(&s, false, 0x06, 0, 2) & 0x8, 8);
    send_msg(&s, MPQEMU_CMD_DEVICE_RESET, NULL, 0, NULL, 0);
    assert_int_equal(srv_ret(&s), 0);
    assert_int_equal(cfg(&s, false, 0x10, 0, 4), 0);
    assert_int_equal(cfg(&s, false, 0x06, 0, 2) & 0x8, 0);
    map_bar0(&s);
    assert_int_equal(bar(&s, false, BAR0 + 4, 0, 4, true), 0);
    assert_int_equal(srv_end(&s), 0);
    free(srv_said(&s));
}

static void test_dma_reads_and_writes_the_shared_memory(void **st)
{
    const size_t size = 2 << 20;
    int a = memfd_create("guest-a", MFD_CLOEXEC);
    int b = memfd_create("guest-b", MFD_CLOEXEC);
    uint8_t *ra, *rb;
    Srv s;

    (void)st;
    assert_int_equal(ftruncate(a, (off_t)size), 0);
    assert_int_equal(ftruncate(b, (off_t)size), 0);
    ra = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, a, 0);
    rb = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, b, 0);
    assert_ptr_not_equal(ra, MAP_FAILED);
    assert_ptr_not_equal(rb, MAP_FAILED);
    memcpy(ra + 0x1000, "guest RAM A", 12);
    memcpy(rb + 0x1000, "guest RAM B", 12);
    srv_start(&s);
    sync_sysmem(&s, 0, size, a);
    map_bar0(&s);
    dma_copy(&s, 0x1000, 0x2000, 12);
    assert_string_equal((char *)ra + 0x2000, "guest RAM A");
    /* A new map replaces the old one. */
    sync_sysmem(&s, 0, size, b);
    dma_copy(&s, 0x1000, 0x3000, 12);
    assert_string_equal((char *)rb + 0x3000, "guest RAM B");
    assert_int_equal(ra[0x3000], 0);
    assert_int_equal(srv_end(&s), 0);
    free(srv_said(&s));
    munmap(ra, size);
    munmap(rb, size);
    close(a);
    close(b);
}

static void test_a_region_past_its_file_is_not_mapped(void **st)
{
    int small = memfd_create("small", MFD_CLOEXEC);
    Srv s;

    (void)st;
    assert_int_equal(ftruncate(small, 4096), 0);
    srv_start(&s);
    sync_sysmem(&s, 0, 1 << 20, small);
    map_bar0(&s);
    dma_copy(&s, 0x8000, 0x9000, 16); /* would be SIGBUS in the file */
    assert_int_equal(bar(&s, false, BAR0, 0, 4, true), 0x010000ed);
    assert_int_equal(srv_end(&s), 0);
    srv_said_has(&s, "is not inside its file; not mapped");
    close(small);
}

/* QEMU's end of --qtest-socket: connected once the server listens. */
static int qtest_connect(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    assert_true(fd >= 0);
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    for (int i = 0; i < 500; i++) {
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
            return fd;
        }
        usleep(10000);
    }
    fail_msg("edu-tb serve never listened on %s", path);
    return -1;
}

/* One line the server sent on the qtest socket. */
static void qtest_expect(int fd, const char *want)
{
    char line[256];
    size_t n = 0;

    while (n < sizeof(line) - 1) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};

        if (poll(&pfd, 1, WAIT_MS) != 1 || read(fd, line + n, 1) != 1) {
            fail_msg("no qtest request from edu-tb serve");
        }
        if (line[n++] == '\n') {
            break;
        }
    }
    line[n] = '\0';
    assert_string_equal(line, want);
}

static void test_intx_is_set_before_the_answer_but_not_on_reset(void **st)
{
    char dir[] = "/tmp/serve-qtest-XXXXXX";
    char path[64];
    int qt;
    Srv s;

    (void)st;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/qt.sock", dir);
    srv_start_with(&s, "--qtest-socket", path);
    qt = qtest_connect(path);
    map_bar0(&s);
    /* A raise: the IOAPIC's input first, QEMU's answer after its OK. */
    bar_send(&s, true, BAR0 + 0x60, 1, 4);
    qtest_expect(qt, "set_irq_in /machine/q35/ioapic unnamed-gpio-in 20 1\n");
    assert_false(srv_ready(&s, 300));
    assert_int_equal(write(qt, "OK\n", 3), 3);
    assert_int_equal(srv_ret(&s), 0);
    /* A reset: QEMU's main loop waits for the answer, so no wait on qtest
     * (its OK comes later and is taken then). */
    send_msg(&s, MPQEMU_CMD_DEVICE_RESET, NULL, 0, NULL, 0);
    assert_int_equal(srv_ret(&s), 0);
    qtest_expect(qt, "set_irq_in /machine/q35/ioapic unnamed-gpio-in 20 0\n");
    assert_int_equal(write(qt, "OK\n", 3), 3);
    assert_int_equal(cfg(&s, false, 0x00, 0, 4), 0x11e81234);
    close(qt);
    assert_int_equal(srv_end(&s), 0);
    free(srv_said(&s));
    /* The server removed its socket; the directory is ours. */
    assert_int_equal(rmdir(dir), 0);
}

static void test_unwritable_record_is_refused_before_serving(void **st)
{
    Srv s;

    (void)st;
    srv_start_with(&s, "--record", "/nonexistent-dir/r.qtest");
    srv_closed(&s);
    assert_int_equal(srv_end(&s), 1);
    srv_said_has(&s, "--record: cannot write '/nonexistent-dir/r.qtest'");
}

/* A path that is already something (a file here; /dev/null on a careless
 * command line) is refused, and left as it was: the server removes only a
 * socket it made itself. */
static void test_qtest_socket_in_use_is_refused_and_left_alone(void **st)
{
    char path[] = "/tmp/test_serve_robust_XXXXXX";
    char said[128];
    struct stat sb;
    Srv s;
    int fd = mkstemp(path);

    (void)st;
    assert_true(fd >= 0);
    close(fd);
    srv_start_with(&s, "--qtest-socket", path);
    srv_closed(&s);
    assert_int_equal(srv_end(&s), 1);
    snprintf(said, sizeof(said), "--qtest-socket: cannot listen on %s", path);
    srv_said_has(&s, said);
    assert_int_equal(stat(path, &sb), 0);
    assert_true(S_ISREG(sb.st_mode));
    unlink(path);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_config_reads_give_the_edu_and_the_end_is_status_0),
        cmocka_unit_test(test_truncated_header_ends_with_a_message),
        cmocka_unit_test(test_oversize_message_closes_the_connection),
        cmocka_unit_test(test_unknown_command_closes_the_connection),
        cmocka_unit_test(test_extra_fds_are_closed_and_answered),
        cmocka_unit_test(test_too_many_fds_close_the_connection),
        cmocka_unit_test(test_messages_without_their_fds_are_ignored),
        cmocka_unit_test(
            test_config_access_of_bad_size_or_place_answers_all_ones),
        cmocka_unit_test(test_bar_access_of_bad_size_or_outside_bar0),
        cmocka_unit_test(
            test_device_reset_in_the_middle_starts_the_device_again),
        cmocka_unit_test(test_dma_reads_and_writes_the_shared_memory),
        cmocka_unit_test(test_a_region_past_its_file_is_not_mapped),
        cmocka_unit_test(test_intx_is_set_before_the_answer_but_not_on_reset),
        cmocka_unit_test(test_unwritable_record_is_refused_before_serving),
        cmocka_unit_test(test_qtest_socket_in_use_is_refused_and_left_alone),
    };

    if (argc != 2) {
        fprintf(stderr, "usage: test_serve_robust EDU_TB\n");
        return 2;
    }
    edu_tb = argv[1];
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}

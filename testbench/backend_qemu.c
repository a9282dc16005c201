/*
 * The 'qemu' backend: QEMU's own edu device, the reference, driven over
 * the qtest protocol.
 *
 * It starts qemu-system-x86_64 (from $EDU_QEMU, else PATH) with pipes on
 * its stdin and stdout, -qtest stdio, one -device edu per configured
 * device, and a BIOS of its own: 64 KiB of HLT whose reset vector is
 * "cli; hlt; jmp back", so that no firmware programs the PCI devices and
 * the platform starts as the qtest platform of docs/edu-tb.md: nothing set
 * up.
 * Every operation is one or more qtest commands; any answer but OK is an
 * error (-EIO) with QEMU's text.  Every read from QEMU has a time limit, so
 * a hung QEMU cannot hang the testbench.
 *
 * Time is real time: QEMU 7.2 as Debian ships it has no qtest accelerator,
 * so clock_step is refused and QEMU's virtual clock follows the wall clock
 * (edu's DMA completes about 100 ms after its command, the factorial runs
 * in a thread).  advance(ns) sleeps that long; now_ns() is the wall time
 * since the start.
 *
 * INTA# is QEMU's own pin, as its interrupt controller sees it.  With no
 * firmware, the PIIX3's PIRQ route registers (0x60..0x63 of 00:01.0) read
 * 0x80, routing disabled, and no PCI interrupt reaches anything; so at
 * start the backend routes all four PIRQs to ISA IRQ 11 (as SeaBIOS routes
 * slot 4's INTA#, PIRQD; all four so that several devices share one
 * wired-OR line, as on the other views), puts the CONFIG_ADDRESS latch
 * back to 0 and sends "irq_intercept_in ioapic".  QEMU then writes
 * "IRQ raise N" / "IRQ lower N" lines on the qtest channel whenever an
 * input of the I/O APIC changes; intx() is the level of input 11 as of
 * the last answer read (the lines of other inputs, the PIT's 0, are
 * skipped).  A line caused by a command comes before its answer; one
 * from QEMU's factorial thread or DMA timer comes before the answer to
 * the first command that sees the result.
 *
 * Other lines QEMU itself prints on its stdout, which is also the qtest
 * channel (edu 7.2's "EDU: clamping DMA ..."), are skipped and counted as
 * guest errors (printed on stderr unless quiet); that is the only count
 * there is.  Not available: waveforms.
 */
#define _DEFAULT_SOURCE /* mkdtemp, prctl's PR_ constants, sigtimedwait */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "hex.h"
#include "edu/pci_regs.h"
#include "edu/regs.h"

#define QEMU_BINARY       "qemu-system-x86_64"
#define QEMU_INSTALL_HINT "apt-get install qemu-system-x86"
#define QEMU_TIMEOUT_MS   10000   /* for any one answer, start-up included */
#define QEMU_STOP_MS      2000    /* for QEMU to exit on SIGTERM */
#define QEMU_CHUNK        32768   /* bytes per read/write command */
#define QEMU_MAX_ARGS     32
#define QEMU_IDLE_MS      10000   /* for the edus to finish their work */
#define QEMU_IRQ_GRACE_MS 50      /* for a finished factorial's interrupt */

/* The BIOS: 64 KiB of HLT, reset vector at 0xfff0 "cli; hlt; jmp $-3". */
#define HALT_BIOS_SIZE    0x10000
#define HALT_BIOS_VECTOR  0xfff0

/* Where the PIIX3's PIRQ route registers are, and the IRQ they get. */
#define QEMU_PIIX3_DEVFN  PCI_DEVFN(1, 0)
#define QEMU_PIIX_PIRQC   0x60
#define QEMU_INTX_GSI     11

typedef struct QemuBackend {
    EduPlatform base;           /* first: the interface's view of it */
    pid_t pid;                  /* 0: not running (any more) */
    int to_qemu;                /* QEMU's stdin, -1 when closed */
    int from_qemu;              /* QEMU's stdout */
    char dir[PATH_MAX - 32];    /* private temporary directory */
    char bios_path[PATH_MAX];
    char log_path[PATH_MAX];    /* QEMU's stderr */
    char *in;                   /* bytes from QEMU not yet consumed */
    size_t in_len;
    size_t in_cap;
    size_t in_skip;             /* the answer last returned, to drop */
    char *cmd;                  /* scratch for long commands */
    size_t cmd_cap;
    struct timespec start;
    unsigned n_edu;
    unsigned slot[EDU_PLATFORM_MAX_EDU];
    uint64_t ram_size;
    bool dead;                  /* QEMU exited or stopped answering */
    bool quiet;                 /* do not print QEMU's own messages */
    unsigned long messages;     /* lines of QEMU's own on the qtest pipe */
    int intx;                   /* I/O APIC input QEMU_INTX_GSI, as last
                                 * reported by an "IRQ raise/lower" line */
} QemuBackend;

static const uint8_t halt_bios_vector[] = {0xfa, 0xf4, 0xeb, 0xfd};

static QemuBackend *qemu_state(EduPlatform *b)
{
    return (QemuBackend *)b;
}

/* Milliseconds left until 'deadline' (CLOCK_MONOTONIC), at least 0. */
static int qemu_ms_left(const struct timespec *deadline)
{
    struct timespec now;
    int64_t ms;

    clock_gettime(CLOCK_MONOTONIC, &now);
    ms = (int64_t)(deadline->tv_sec - now.tv_sec) * 1000 +
         (deadline->tv_nsec - now.tv_nsec) / 1000000;
    return ms < 0 ? 0 : ms > INT_MAX ? INT_MAX : (int)ms;
}

static void qemu_deadline(struct timespec *deadline, int ms)
{
    clock_gettime(CLOCK_MONOTONIC, deadline);
    deadline->tv_sec += ms / 1000;
    deadline->tv_nsec += (long)(ms % 1000) * 1000000;
    if (deadline->tv_nsec >= 1000000000) {
        deadline->tv_sec++;
        deadline->tv_nsec -= 1000000000;
    }
}

/* A file that can be run: a directory passes access(X_OK) too. */
static bool qemu_is_executable(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
           access(path, X_OK) == 0;
}

/* The executable to run: $EDU_QEMU (a path or a name in PATH), else
 * qemu-system-x86_64 in PATH.  0, or -ENOENT with the reason in b. */
static int qemu_find_binary(EduPlatform *b, char *path, size_t len)
{
    const char *want = getenv("EDU_QEMU");
    const char *dirs = getenv("PATH");
    const char *p;

    if (!want || !*want) {
        want = QEMU_BINARY;
    }
    if (strchr(want, '/')) {
        if (qemu_is_executable(want) && strlen(want) < len) {
            snprintf(path, len, "%s", want);
            return 0;
        }
        return edu_platform_fail(
            b, -ENOENT, "qemu backend: EDU_QEMU=%s is not an executable", want);
    }
    for (p = dirs ? dirs : "/usr/bin:/bin"; *p;) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        int w = snprintf(path, len, "%.*s%s%s", (int)n, p, n ? "/" : "",
                         want);

        if (w > 0 && (size_t)w < len && qemu_is_executable(path)) {
            return 0;
        }
        p += n + (end != NULL);
    }
    if (strcmp(want, QEMU_BINARY) == 0) {
        return edu_platform_fail(
            b, -ENOENT,
            "qemu backend: %s is not installed (install it: "
            "%s; or set EDU_QEMU to its path)",
            want, QEMU_INSTALL_HINT);
    }
    return edu_platform_fail(
        b, -ENOENT, "qemu backend: EDU_QEMU=%s is not found in PATH", want);
}

static int qemu_write_bios(EduPlatform *b, const char *path)
{
    uint8_t *image = malloc(HALT_BIOS_SIZE);
    size_t done = 0;
    int fd;

    if (!image) {
        return edu_platform_fail(b, -ENOMEM, "qemu backend: out of memory");
    }
    memset(image, 0xf4, HALT_BIOS_SIZE);
    memcpy(image + HALT_BIOS_VECTOR, halt_bios_vector,
           sizeof(halt_bios_vector));
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    while (fd >= 0 && done < HALT_BIOS_SIZE) {
        ssize_t n = write(fd, image + done, HALT_BIOS_SIZE - done);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        done += (size_t)n;
    }
    free(image);
    if (fd < 0 || done < HALT_BIOS_SIZE || close(fd) < 0) {
        int err = errno ? errno : EIO;

        if (fd >= 0 && done < HALT_BIOS_SIZE) {
            close(fd);
        }
        return edu_platform_fail(b, -err, "qemu backend: cannot write %s: %s",
                                 path, strerror(err));
    }
    return 0;
}

/* The first line of QEMU's stderr that says something, for messages. */
static void qemu_stderr_line(QemuBackend *qb, char *buf, size_t len)
{
    FILE *f = fopen(qb->log_path, "r");
    char line[512];

    buf[0] = '\0';
    if (!f) {
        return;
    }
    while (fgets(line, sizeof(line), f)) {
        bool says = false;

        line[strcspn(line, "\r\n")] = '\0';
        for (const char *c = line; *c && !says; c++) {
            says = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z');
        }
        if (says) {
            snprintf(buf, len, ": %.200s", line);
            break;
        }
    }
    fclose(f);
}

/* Waits up to 'ms' for the child to end; true (and pid 0) once it has. */
static bool qemu_reap(QemuBackend *qb, int ms, int *status)
{
    struct timespec deadline;

    *status = 0;
    qemu_deadline(&deadline, ms);
    for (;;) {
        pid_t r = waitpid(qb->pid, status, WNOHANG);

        if (r == qb->pid || (r < 0 && errno != EINTR)) {
            qb->pid = 0;
            return true;
        }
        if (qemu_ms_left(&deadline) == 0) {
            return false;
        }
        nanosleep(&(struct timespec){.tv_nsec = 5000000}, NULL);
    }
}

/* Ends the child, however it is: its input closed, TERM, then KILL. */
static void qemu_stop(QemuBackend *qb)
{
    int status;

    if (qb->to_qemu >= 0) {
        close(qb->to_qemu);
        qb->to_qemu = -1;
    }
    if (qb->pid > 0) {
        kill(qb->pid, SIGTERM);
        if (!qemu_reap(qb, QEMU_STOP_MS, &status)) {
            kill(qb->pid, SIGKILL);
            qemu_reap(qb, QEMU_STOP_MS, &status);
        }
    }
}

/* QEMU closed its stdout: reap it and say how it ended.  Returns -EIO. */
static int qemu_exited(EduPlatform *b, const char *doing)
{
    QemuBackend *qb = qemu_state(b);
    char how[64] = "";
    char said[300];
    int status = 0;

    if (qb->pid > 0) {
        if (qemu_reap(qb, QEMU_STOP_MS, &status)) {
            if (WIFEXITED(status)) {
                snprintf(how, sizeof(how), " with status %d",
                         WEXITSTATUS(status));
            } else if (WIFSIGNALED(status)) {
                snprintf(how, sizeof(how), " on signal %d",
                         WTERMSIG(status));
            }
        } else {
            qemu_stop(qb);
        }
    }
    qb->dead = true;
    qemu_stderr_line(qb, said, sizeof(said));
    return edu_platform_fail(b, -EIO, "qemu backend: QEMU exited%s%s%s", how,
                             doing, said);
}

/* Sends 'len' bytes of request 'what'; QEMU's end gone is "QEMU exited". */
static int qemu_send(EduPlatform *b, const char *what, const char *data,
                     size_t len)
{
    QemuBackend *qb = qemu_state(b);
    struct timespec deadline;
    sigset_t pipe_set;
    sigset_t old_set;
    sigset_t pending;
    bool was_pending;
    int rc = 0;

    /* A write to a closed pipe must give EPIPE, not kill the testbench;
     * SIGPIPE is held for the write and a new one taken back after. */
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigprocmask(SIG_BLOCK, &pipe_set, &old_set);
    sigpending(&pending);
    was_pending = sigismember(&pending, SIGPIPE);
    qemu_deadline(&deadline, QEMU_TIMEOUT_MS);
    while (len && rc == 0) {
        struct pollfd pfd = {.fd = qb->to_qemu, .events = POLLOUT};
        ssize_t n;
        int ready = poll(&pfd, 1, qemu_ms_left(&deadline));

        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready == 0) {
            qb->dead = true;
            qemu_stop(qb);
            rc = edu_platform_fail(b, -EIO,
                                   "qemu backend: QEMU took no input "
                                   "for %d s; stopped it",
                                   QEMU_TIMEOUT_MS / 1000);
            break;
        }
        n = write(qb->to_qemu, data, len);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
            continue;
        }
        if (n < 0 && errno == EPIPE) {
            char doing[96];

            snprintf(doing, sizeof(doing), " (asked '%.60s')", what);
            rc = qemu_exited(b, doing);
            break;
        }
        if (n < 0) {
            rc = edu_platform_fail(b, -EIO, "qemu backend: write to QEMU: %s",
                                   strerror(errno));
            break;
        }
        data += n;
        len -= (size_t)n;
    }
    if (!was_pending) {
        sigpending(&pending);
        if (sigismember(&pending, SIGPIPE)) {
            sigtimedwait(&pipe_set, NULL, &(struct timespec){0});
        }
    }
    sigprocmask(SIG_SETMASK, &old_set, NULL);
    return rc;
}

/* The next line from QEMU, without its newline, valid until the next
 * call; waits at most QEMU_TIMEOUT_MS for it. */
static int qemu_recv_line(EduPlatform *b, const char *what, char **line)
{
    QemuBackend *qb = qemu_state(b);
    struct timespec deadline;
    size_t scanned = 0;

    if (qb->in_skip) {
        memmove(qb->in, qb->in + qb->in_skip, qb->in_len - qb->in_skip);
        qb->in_len -= qb->in_skip;
        qb->in_skip = 0;
    }
    qemu_deadline(&deadline, QEMU_TIMEOUT_MS);
    for (;;) {
        char *nl = qb->in_len > scanned
                       ? memchr(qb->in + scanned, '\n', qb->in_len - scanned)
                       : NULL;
        struct pollfd pfd = {.fd = qb->from_qemu, .events = POLLIN};
        ssize_t n;
        int ready;

        if (nl) {
            *nl = '\0';
            qb->in_skip = (size_t)(nl - qb->in) + 1;
            *line = qb->in;
            return 0;
        }
        scanned = qb->in_len;
        if (qb->in_cap - qb->in_len < 4096) {
            size_t cap = qb->in_cap ? qb->in_cap * 2 : 65536;
            char *in = realloc(qb->in, cap);

            if (!in) {
                return edu_platform_fail(b, -ENOMEM,
                                         "qemu backend: out of "
                                         "memory");
            }
            qb->in = in;
            qb->in_cap = cap;
        }
        ready = poll(&pfd, 1, qemu_ms_left(&deadline));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready == 0) {
            qb->dead = true;
            qemu_stop(qb);
            return edu_platform_fail(b, -EIO,
                                     "qemu backend: QEMU did not answer "
                                     "'%s' within %d s; stopped it",
                                     what, QEMU_TIMEOUT_MS / 1000);
        }
        n = read(qb->from_qemu, qb->in + qb->in_len,
                 qb->in_cap - qb->in_len);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
            continue;
        }
        if (n <= 0) {
            char doing[96];

            snprintf(doing, sizeof(doing), " (asked '%.60s')", what);
            return qemu_exited(b, doing);
        }
        qb->in_len += (size_t)n;
    }
}

/* Whether a line from QEMU is a qtest answer: OK, FAIL or ERR. */
static bool qemu_is_answer(const char *line)
{
    static const char *const words[] = {"OK", "FAIL", "ERR"};

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        size_t n = strlen(words[i]);

        /* Never NULL: see qemu_command. */
        /* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
        if (strncmp(line, words[i], n) == 0 &&
            (line[n] == '\0' || line[n] == ' ')) {
            return true;
        }
    }
    return false;
}

/* An "IRQ raise N" / "IRQ lower N" line of the intercepted I/O APIC:
 * noted (input QEMU_INTX_GSI) or skipped (the others).  False for any
 * other line. */
static bool qemu_irq_line(QemuBackend *qb, const char *line)
{
    static const char *const words[] = {"IRQ lower ", "IRQ raise "};

    for (int level = 0; level < 2; level++) {
        size_t n = strlen(words[level]);
        char *end;
        long gsi;

        if (strncmp(line, words[level], n) != 0) {
            continue;
        }
        gsi = strtol(line + n, &end, 10);
        if (end == line + n || *end) {
            return false;
        }
        if (gsi == QEMU_INTX_GSI) {
            qb->intx = level;
        }
        return true;
    }
    return false;
}

/*
 * Sends one command (a whole line, newline included) and reads QEMU's
 * answer; *rest is what follows "OK " (or "" after a bare "OK").
 */
static int qemu_command(EduPlatform *b, const char *cmd, size_t len,
                        char **rest)
{
    QemuBackend *qb = qemu_state(b);
    char what[64];
    char *line = NULL;
    int rc;

    snprintf(what, sizeof(what), "%.*s", (int)(len > 48 ? 48 : len - 1),
             cmd);
    if (qb->dead) {
        return edu_platform_fail(b, -EIO,
                                 "qemu backend: QEMU is gone (asked "
                                 "'%s')",
                                 what);
    }
    rc = qemu_send(b, what, cmd, len);
    if (rc == 0) {
        rc = qemu_recv_line(b, what, &line);
    }
    /*
     * QEMU's stdout is also the qtest channel, and some devices print
     * there (edu 7.2: "EDU: clamping DMA ...!" with printf).  A line
     * that is no qtest answer is such a message: a guest error, not the
     * answer.
     */
    /* (line is the last qemu_recv_line's, as the analyzer cannot see: it
     * takes edu_platform_fail() for one that may return 0.) */
    /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
    while (rc == 0 && !qemu_is_answer(line)) {
        if (!qemu_irq_line(qb, line)) {
            qb->messages++;
            if (!qb->quiet) {
                fprintf(stderr, "qemu: %s\n", line);
            }
        }
        rc = qemu_recv_line(b, what, &line);
    }
    if (rc < 0) {
        return rc;
    }
    /* qemu_recv_line sets line whenever it returns 0; clang's analyzer
     * takes edu_platform_fail() (another file, never 0) for 0 and line NULL. */
    /* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
    if (strncmp(line, "OK", 2) == 0 && (line[2] == '\0' || line[2] == ' ')) {
        *rest = line + 2 + (line[2] == ' ');
        return 0;
    }
    return edu_platform_fail(b, -EIO,
                             "qemu backend: QEMU answered '%.100s' to "
                             "'%s'",
                             line, what);
}

/* A command of at most one short line, printf-style. */
static int qemu_commandf(EduPlatform *b, char **rest, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int qemu_commandf(EduPlatform *b, char **rest, const char *fmt, ...)
{
    char cmd[128];
    char *ignored;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(cmd, sizeof(cmd) - 1, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(cmd) - 1) {
        return edu_platform_fail(b, -EINVAL, "qemu backend: command too long");
    }
    cmd[n++] = '\n';
    return qemu_command(b, cmd, (size_t)n, rest ? rest : &ignored);
}

/* "0x<hex>" that QEMU prints for a number. */
static int qemu_parse_number(EduPlatform *b, const char *text, uint64_t *val)
{
    char *end;

    *val = 0;
    if (strncmp(text, "0x", 2) != 0) {
        return edu_platform_fail(b, -EIO,
                                 "qemu backend: QEMU answered '%.40s' "
                                 "for a number",
                                 text);
    }
    errno = 0;
    *val = strtoull(text + 2, &end, 16);
    if (errno || end == text + 2 || *end) {
        return edu_platform_fail(b, -EIO,
                                 "qemu backend: QEMU answered '%.40s' "
                                 "for a number",
                                 text);
    }
    return 0;
}


static const char *qemu_size_suffix(unsigned size)
{
    switch (size) {
    case 1:
        return "b";
    case 2:
        return "w";
    case 4:
        return "l";
    case 8:
        return "q";
    default:
        return NULL;
    }
}

static int qemu_io_read(EduPlatform *b, uint16_t port, unsigned size,
                        uint32_t *val)
{
    const char *sfx = size <= 4 ? qemu_size_suffix(size) : NULL;
    uint64_t v;
    char *rest;
    int rc;

    if (!sfx) {
        return edu_platform_fail(b, -EINVAL,
                                 "qemu backend: no %u-byte port "
                                 "read",
                                 size);
    }
    rc = qemu_commandf(b, &rest, "in%s 0x%x", sfx, port);
    if (rc == 0) {
        rc = qemu_parse_number(b, rest, &v);
    }
    if (rc == 0) {
        *val = (uint32_t)v;
    }
    return rc;
}

static int qemu_io_write(EduPlatform *b, uint16_t port, uint32_t val,
                         unsigned size)
{
    const char *sfx = size <= 4 ? qemu_size_suffix(size) : NULL;

    if (!sfx) {
        return edu_platform_fail(b, -EINVAL,
                                 "qemu backend: no %u-byte port "
                                 "write",
                                 size);
    }
    return qemu_commandf(b, NULL, "out%s 0x%x 0x%" PRIx32, sfx, port, val);
}

static int qemu_mem_read(EduPlatform *b, uint64_t addr, unsigned size,
                         uint64_t *val)
{
    const char *sfx = qemu_size_suffix(size);
    char *rest;
    int rc;

    if (!sfx) {
        return edu_platform_fail(b, -EINVAL,
                                 "qemu backend: no %u-byte memory "
                                 "read",
                                 size);
    }
    rc = qemu_commandf(b, &rest, "read%s 0x%" PRIx64, sfx, addr);
    return rc ? rc : qemu_parse_number(b, rest, val);
}

static int qemu_mem_write(EduPlatform *b, uint64_t addr, uint64_t val,
                          unsigned size)
{
    const char *sfx = qemu_size_suffix(size);

    if (!sfx) {
        return edu_platform_fail(b, -EINVAL,
                                 "qemu backend: no %u-byte memory "
                                 "write",
                                 size);
    }
    return qemu_commandf(b, NULL, "write%s 0x%" PRIx64 " 0x%" PRIx64, sfx,
                         addr, val);
}

/* Bytes of the next read or write command at 'addr': at most QEMU_CHUNK,
 * ending 8-aligned, so that QEMU cuts the pieces as for one command. */
static size_t qemu_chunk(uint64_t addr, size_t len)
{
    size_t n = QEMU_CHUNK - (size_t)(addr & 7);

    return len < n ? len : n;
}

/* QEMU's read answers 0x and two hex digits per byte. */
static int qemu_mem_read_buf(EduPlatform *b, uint64_t addr, void *buf,
                             size_t len)
{
    uint8_t *out = buf;

    /* QEMU asserts on a read of 0 bytes: never send one. */
    while (len) {
        size_t n = qemu_chunk(addr, len);
        char *rest;
        int rc = qemu_commandf(b, &rest, "read 0x%" PRIx64 " 0x%zx", addr, n);

        if (rc) {
            return rc;
        }
        if (strncmp(rest, "0x", 2) != 0 || strlen(rest) != 2 + 2 * n) {
            return edu_platform_fail(b, -EIO,
                                     "qemu backend: QEMU answered "
                                     "'%.40s...' to a read of %zu bytes",
                                     rest, n);
        }
        for (size_t i = 0; i < n; i++) {
            int hi = hex_digit(rest[2 + 2 * i]);
            int lo = hex_digit(rest[3 + 2 * i]);

            if (hi < 0 || lo < 0) {
                return edu_platform_fail(b, -EIO,
                                         "qemu backend: QEMU answered "
                                         "bad hex to a read");
            }
            out[i] = (uint8_t)(hi << 4 | lo);
        }
        addr += n;
        out += n;
        len -= n;
    }
    return 0;
}

static int qemu_mem_write_buf(EduPlatform *b, uint64_t addr, const void *buf,
                              size_t len)
{
    static const char hex[] = "0123456789abcdef";
    QemuBackend *qb = qemu_state(b);
    const uint8_t *in = buf;

    if (!qb->cmd) {
        qb->cmd_cap = 2 * QEMU_CHUNK + 128;
        qb->cmd = malloc(qb->cmd_cap);
        if (!qb->cmd) {
            return edu_platform_fail(b, -ENOMEM, "qemu backend: out of memory");
        }
    }
    /* QEMU refuses a write with no data digits: never send 0 bytes. */
    while (len) {
        size_t n = qemu_chunk(addr, len);
        int pos = snprintf(qb->cmd, qb->cmd_cap, "write 0x%" PRIx64
                           " 0x%zx 0x", addr, n);
        char *rest;
        int rc;

        for (size_t i = 0; i < n; i++) {
            qb->cmd[pos++] = hex[in[i] >> 4];
            qb->cmd[pos++] = hex[in[i] & 15];
        }
        qb->cmd[pos++] = '\n';
        rc = qemu_command(b, qb->cmd, (size_t)pos, &rest);
        if (rc) {
            return rc;
        }
        addr += n;
        in += n;
        len -= n;
    }
    return 0;
}

static int qemu_drain(EduPlatform *b);

static int qemu_advance(EduPlatform *b, uint64_t ns)
{
    struct timespec left = {
        .tv_sec = (time_t)(ns / 1000000000u),
        .tv_nsec = (long)(ns % 1000000000u),
    };

    while (nanosleep(&left, &left) < 0 && errno == EINTR) {
    }
    /* What QEMU did meanwhile (an IRQ line) is seen at once. */
    return qemu_drain(b);
}

static uint64_t qemu_now_ns(EduPlatform *b)
{
    QemuBackend *qb = qemu_state(b);
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)(now.tv_sec - qb->start.tv_sec) * 1000000000u +
           (uint64_t)now.tv_nsec - (uint64_t)qb->start.tv_nsec;
}

/* Takes in the lines QEMU wrote since the last answer, without waiting:
 * IRQ lines of its own threads and timers, and its messages. */
static int qemu_drain(EduPlatform *b)
{
    QemuBackend *qb = qemu_state(b);

    while (!qb->dead) {
        size_t from = qb->in_skip;
        bool buffered = qb->in_len > from &&
                        memchr(qb->in + from, '\n', qb->in_len - from);
        struct pollfd pfd = {.fd = qb->from_qemu, .events = POLLIN};
        char *line;
        int rc;

        if (!buffered && poll(&pfd, 1, 0) <= 0) {
            break;
        }
        /* QEMU writes whole lines: the rest of this one is on its way. */
        rc = qemu_recv_line(b, "(nothing: its own lines)", &line);
        if (rc < 0) {
            return rc;
        }
        if (!qemu_irq_line(qb, line)) {
            qb->messages++;
            if (!qb->quiet) {
                fprintf(stderr, "qemu: %s\n", line);
            }
        }
    }
    return 0;
}

/* Reads a dword of slot's configuration space, through 0xCF8/0xCFC. */
static int qemu_cfg_read(EduPlatform *b, unsigned slot, uint8_t off,
                         uint32_t *val)
{
    int rc = qemu_io_write(b, PCI_CONFIG_ADDRESS_PORT,
                           PCI_CONFIG_ENABLE | slot << 11 | off, 4);

    return rc ? rc : qemu_io_read(b, PCI_CONFIG_DATA_PORT, 4, val);
}

/* What the edu with its registers at bar still does: work (a factorial
 * computing, a DMA running), and whether a factorial's interrupt is owed
 * (STATUS.IRQFACT without IRQ_STATUS's factorial bit: QEMU's thread clears
 * COMPUTING first, then raises it once it has the big lock). */
static int qemu_edu_state(EduPlatform *b, uint64_t bar, bool *work,
                          bool *irq_owed)
{
    uint64_t st, cmd, irq;
    int rc = qemu_mem_read(b, bar + EDU_REG_STATUS, 4, &st);

    if (rc == 0) {
        rc = qemu_mem_read(b, bar + EDU_REG_DMA_CMD, 4, &cmd);
    }
    if (rc == 0) {
        rc = qemu_mem_read(b, bar + EDU_REG_IRQ_STATUS, 4, &irq);
    }
    if (rc == 0) {
        *work |= (st & EDU_STATUS_COMPUTING) || (cmd & EDU_DMA_CMD_RUN);
        *irq_owed |= (st & EDU_STATUS_IRQFACT) && !(irq & EDU_IRQ_FACT);
    }
    return rc;
}

int backend_qemu_wait_idle(EduPlatform *b)
{
    QemuBackend *qb = qemu_state(b);
    uint64_t bar[EDU_PLATFORM_MAX_EDU];
    unsigned n = 0;
    uint32_t latch, cmd, bar0 = 0;
    struct timespec deadline, idle_at = {0};
    bool idle_seen = false;
    int rc;

    /* Where the script put each edu's BAR0, the latch left as it was. */
    rc = qemu_io_read(b, PCI_CONFIG_ADDRESS_PORT, 4, &latch);
    for (unsigned i = 0; rc == 0 && i < qb->n_edu; i++) {
        rc = qemu_cfg_read(b, qb->slot[i], PCI_COMMAND, &cmd);
        if (rc == 0) {
            rc = qemu_cfg_read(b, qb->slot[i], PCI_BASE_ADDRESS_0, &bar0);
        }
        bar0 &= ~(EDU_BAR0_SIZE - 1);
        if (rc == 0 && (cmd & PCI_COMMAND_MEMORY) && bar0 &&
            bar0 != (uint32_t)-EDU_BAR0_SIZE) {
            bar[n++] = bar0;
        }
    }
    if (rc == 0) {
        rc = qemu_io_write(b, PCI_CONFIG_ADDRESS_PORT, latch, 4);
    }
    qemu_deadline(&deadline, QEMU_IDLE_MS);
    while (rc == 0) {
        bool work = false, irq_owed = false;

        for (unsigned i = 0; rc == 0 && i < n; i++) {
            rc = qemu_edu_state(b, bar[i], &work, &irq_owed);
        }
        if (rc < 0) {
            break;
        }
        if (!work && !idle_seen) {
            /* An interrupt still owed comes within QEMU_IRQ_GRACE_MS, or
             * the guest had acknowledged it before: no longer owed. */
            idle_seen = true;
            qemu_deadline(&idle_at, QEMU_IRQ_GRACE_MS);
        }
        if (!work && (!irq_owed || qemu_ms_left(&idle_at) == 0)) {
            break;
        }
        if (qemu_ms_left(&deadline) == 0) {
            return edu_platform_fail(b, -ETIMEDOUT,
                                     "qemu backend: the edu is still busy "
                                     "after %d ms",
                                     QEMU_IDLE_MS);
        }
        nanosleep(&(struct timespec){.tv_nsec = 200000}, NULL);
    }
    return rc ? rc : qemu_drain(b);
}

/* INTA#: the I/O APIC's input 11 (see the top of the file), now. */
static int qemu_intx(EduPlatform *b)
{
    int rc = qemu_drain(b);

    return rc < 0 ? rc : qemu_state(b)->intx;
}

/* Routes every PIRQ to IRQ QEMU_INTX_GSI and watches the I/O APIC's
 * inputs; the latch is left as QEMU starts it, 0. */
static int qemu_watch_intx(EduPlatform *b)
{
    int rc = qemu_io_write(b, PCI_CONFIG_ADDRESS_PORT,
                           PCI_CONFIG_ENABLE |
                           (uint32_t)QEMU_PIIX3_DEVFN << 8 | QEMU_PIIX_PIRQC,
                           4);

    if (rc == 0) {
        rc = qemu_io_write(b, PCI_CONFIG_DATA_PORT,
                           QEMU_INTX_GSI * 0x01010101u, 4);
    }
    if (rc == 0) {
        rc = qemu_io_write(b, PCI_CONFIG_ADDRESS_PORT, 0, 4);
    }
    if (rc == 0) {
        rc = qemu_commandf(b, NULL, "irq_intercept_in ioapic");
    }
    return rc;
}

static unsigned long qemu_guest_errors(EduPlatform *b)
{
    return qemu_state(b)->messages;
}

static int qemu_spawn(EduPlatform *b, const char *binary, char **argv)
{
    QemuBackend *qb = qemu_state(b);
    int in_pipe[2] = {-1, -1};
    int out_pipe[2] = {-1, -1};
    int log_fd;
    pid_t parent = getpid();
    pid_t pid;

    log_fd = open(qb->log_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                  0600);
    if (log_fd < 0 || pipe(in_pipe) < 0 || pipe(out_pipe) < 0) {
        int err = errno;

        if (log_fd >= 0) {
            close(log_fd);
        }
        for (int i = 0; i < 2; i++) {
            if (in_pipe[i] >= 0) {
                close(in_pipe[i]);
            }
        }
        return edu_platform_fail(b, -err,
                                 "qemu backend: cannot set up QEMU's "
                                 "pipes: %s",
                                 strerror(err));
    }
    for (int i = 0; i < 2; i++) {
        fcntl(in_pipe[i], F_SETFD, FD_CLOEXEC);
        fcntl(out_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    pid = fork();
    if (pid == 0) {
        /* The child: only async-signal-safe calls from here on. */
        static const char failed[] = "edu-tb: cannot run QEMU\n";

        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) {
            _exit(127);
        }
        if (dup2(in_pipe[0], 0) < 0 || dup2(out_pipe[1], 1) < 0 ||
            dup2(log_fd, 2) < 0) {
            _exit(127);
        }
        execv(binary, argv);
        if (write(2, failed, sizeof(failed) - 1) < 0) {
            _exit(127);
        }
        _exit(127);
    }
    close(log_fd);
    close(in_pipe[0]);
    close(out_pipe[1]);
    if (pid < 0) {
        int err = errno;

        close(in_pipe[1]);
        close(out_pipe[0]);
        return edu_platform_fail(b, -err, "qemu backend: cannot fork: %s",
                                 strerror(err));
    }
    /* Our end never blocks: every wait is a poll with a time limit. */
    fcntl(in_pipe[1], F_SETFL, fcntl(in_pipe[1], F_GETFL) | O_NONBLOCK);
    qb->pid = pid;
    qb->to_qemu = in_pipe[1];
    qb->from_qemu = out_pipe[0];
    return 0;
}

/* Starts QEMU for the backend 'b' that qemu_create() made. */
static int qemu_start(EduPlatform *b, const EduPlatformConfig *cfg)
{
    char binary[PATH_MAX];
    char mem[32];
    char devices[EDU_PLATFORM_MAX_EDU][64];
    char *argv[QEMU_MAX_ARGS];
    const char *tmp = getenv("TMPDIR");
    QemuBackend *qb = qemu_state(b);
    char *rest;
    int argc = 0;
    int rc;

    if (cfg->vcd_path) {
        return edu_platform_fail(b, -ENOTSUP,
                                 "qemu backend: QEMU draws no "
                                 "waveforms (VCD %s)",
                                 cfg->vcd_path);
    }
    if (cfg->ram_size % (1u << 20)) {
        return edu_platform_fail(b, -EINVAL,
                                 "qemu backend: RAM size must be "
                                 "whole MiB");
    }
    rc = qemu_find_binary(b, binary, sizeof(binary));
    if (rc < 0) {
        return rc;
    }
    qb->n_edu = cfg->n_edu;
    qb->ram_size = cfg->ram_size;
    qb->quiet = cfg->quiet;
    memcpy(qb->slot, cfg->edu_slot, sizeof(qb->slot));
    rc = snprintf(qb->dir, sizeof(qb->dir), "%s/edu-tb-qemu-XXXXXX",
                  tmp && *tmp ? tmp : "/tmp");
    if (rc < 0 || (size_t)rc >= sizeof(qb->dir)) {
        qb->dir[0] = '\0';
        return edu_platform_fail(b, -ENAMETOOLONG,
                                 "qemu backend: TMPDIR is too "
                                 "long");
    }
    if (!mkdtemp(qb->dir)) {
        int err = errno;

        qb->dir[0] = '\0';
        return edu_platform_fail(b, -err,
                                 "qemu backend: cannot make a "
                                 "temporary directory: %s",
                                 strerror(err));
    }
    snprintf(qb->bios_path, sizeof(qb->bios_path), "%s/halt.bin", qb->dir);
    snprintf(qb->log_path, sizeof(qb->log_path), "%s/stderr.log", qb->dir);
    rc = qemu_write_bios(b, qb->bios_path);
    if (rc < 0) {
        return rc;
    }

    snprintf(mem, sizeof(mem), "%lluM",
             (unsigned long long)(cfg->ram_size >> 20));
    argv[argc++] = binary;
    argv[argc++] = "-machine";
    argv[argc++] = "pc";
    argv[argc++] = "-m";
    argv[argc++] = mem;
    argv[argc++] = "-display";
    argv[argc++] = "none";
    argv[argc++] = "-nodefaults";
    argv[argc++] = "-bios";
    argv[argc++] = qb->bios_path;
    argv[argc++] = "-qtest";
    argv[argc++] = "stdio";
    argv[argc++] = "-qtest-log";
    argv[argc++] = "/dev/null";
    for (unsigned i = 0; i < cfg->n_edu; i++) {
        snprintf(devices[i], sizeof(devices[i]),
                 "edu,addr=%02x.0,dma_mask=0x%" PRIx64, cfg->edu_slot[i],
                 cfg->dma_mask);
        argv[argc++] = "-device";
        argv[argc++] = devices[i];
    }
    argv[argc] = NULL;

    clock_gettime(CLOCK_MONOTONIC, &qb->start);
    rc = qemu_spawn(b, binary, argv);
    if (rc < 0) {
        return rc;
    }
    /* Start-up: QEMU answers once its machine is up. */
    rc = qemu_commandf(b, &rest, "endianness");
    if (rc == 0 && strcmp(rest, "little") != 0) {
        rc = edu_platform_fail(b, -EIO,
                               "qemu backend: QEMU says its CPU is %s "
                               "endian",
                               rest);
    }
    if (rc == 0) {
        rc = qemu_watch_intx(b);
    }
    if (rc == 0) {
        clock_gettime(CLOCK_MONOTONIC, &qb->start);
    }
    return rc;
}

static void qemu_destroy(EduPlatform *b)
{
    QemuBackend *qb = qemu_state(b);

    qemu_stop(qb);
    if (qb->from_qemu >= 0) {
        close(qb->from_qemu);
    }
    if (qb->dir[0]) {
        unlink(qb->bios_path);
        unlink(qb->log_path);
        rmdir(qb->dir);
    }
    free(qb->in);
    free(qb->cmd);
    free(qb);
}

extern const EduPlatformOps backend_qemu_ops;

static EduPlatform *qemu_create(const EduPlatformConfig *in, char *err,
                                size_t errlen)
{
    EduPlatformConfig cfg;
    QemuBackend *qb;

    if (edu_platform_config_resolve(in, &cfg, err, errlen) < 0) {
        return NULL;
    }
    qb = calloc(1, sizeof(*qb));
    if (!qb) {
        snprintf(err, errlen, "qemu backend: out of memory");
        return NULL;
    }
    qb->base.ops = &backend_qemu_ops;
    qb->to_qemu = -1;
    qb->from_qemu = -1;
    if (qemu_start(&qb->base, &cfg) < 0) {
        snprintf(err, errlen, "%s", qb->base.error);
        qemu_destroy(&qb->base);
        return NULL;
    }
    return &qb->base;
}

/* RAM alone: QEMU's RAM through qtest, in the platform's RAM only. */
static int qemu_ram_check(EduPlatform *b, uint64_t addr, size_t len)
{
    uint64_t size = qemu_state(b)->ram_size;

    if (addr > size || len > size - addr) {
        return edu_platform_fail(b, -ERANGE,
                                 "qemu backend: 0x%" PRIx64 "+0x%zx "
                                 "is not all RAM",
                                 addr, len);
    }
    return 0;
}

static int qemu_ram_read(EduPlatform *b, uint64_t addr, void *buf, size_t len)
{
    int rc = qemu_ram_check(b, addr, len);

    return rc < 0 ? rc : qemu_mem_read_buf(b, addr, buf, len);
}

static int qemu_ram_write(EduPlatform *b, uint64_t addr, const void *buf,
                          size_t len)
{
    int rc = qemu_ram_check(b, addr, len);

    return rc < 0 ? rc : qemu_mem_write_buf(b, addr, buf, len);
}

const EduPlatformOps backend_qemu_ops = {
    .name = "qemu",
    .summary = "QEMU's own edu over qtest, the reference (real time)",
    .create = qemu_create,
    .destroy = qemu_destroy,
    .io_read = qemu_io_read,
    .io_write = qemu_io_write,
    .mem_read = qemu_mem_read,
    .mem_write = qemu_mem_write,
    .mem_read_buf = qemu_mem_read_buf,
    .mem_write_buf = qemu_mem_write_buf,
    .ram_read = qemu_ram_read,
    .ram_write = qemu_ram_write,
    .advance = qemu_advance,
    .now_ns = qemu_now_ns,
    .next_event_ns = NULL,
    .intx = qemu_intx,
    .guest_errors = qemu_guest_errors,
};

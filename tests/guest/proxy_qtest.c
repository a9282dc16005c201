/*
 * edu-tb serve behind QEMU's x-pci-proxy-dev, without a guest kernel:
 * QEMU runs under -accel tcg -S -qtest stdio and this program is the CPU,
 * as tests/integration's scripts are for QEMU's own edu.  It checks the
 * IDs through QEMU's configuration mechanism, BAR0 sizing and mapping, the
 * registers and a factorial through the BAR, and a DMA both ways through
 * the guest RAM QEMU shares as a memfd.
 *
 *     proxy_qtest EDU_TB BACKEND [RECORD]
 *
 * RECORD: the server's --record file (what the guest did, as qtest).
 * Exit 0 when every check passes, 1 when one fails, 77 without QEMU.
 */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define BAR0 0xc0000000ull
#define CF8_EDU(off) (0x80000000u | (4u << 11) | (off))
#define ANSWER_MS 30000

typedef struct Qemu {
    pid_t pid;
    FILE *in;
    int out;
    char buf[8192];
    size_t len;
} Qemu;

static int failures;

static bool in_path(const char *name)
{
    const char *path = getenv("PATH");
    char full[4096];

    if (strchr(name, '/')) {
        return access(name, X_OK) == 0;
    }
    while (path && *path) {
        size_t n = strcspn(path, ":");

        snprintf(full, sizeof(full), "%.*s/%s", (int)n, path, name);
        if (access(full, X_OK) == 0) {
            return true;
        }
        path += n + (path[n] == ':');
    }
    return false;
}

/* One request, its answer line (OK, FAIL or ERR) in ans. */
static void q(Qemu *qm, char *ans, size_t anslen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(qm->in, fmt, ap);
    va_end(ap);
    fputc('\n', qm->in);
    fflush(qm->in);
    for (;;) {
        char *nl = memchr(qm->buf, '\n', qm->len);
        struct pollfd pfd = {.fd = qm->out, .events = POLLIN};
        ssize_t n;

        if (nl) {
            size_t l = (size_t)(nl - qm->buf);

            snprintf(ans, anslen, "%.*s", (int)l, qm->buf);
            memmove(qm->buf, nl + 1, qm->len - l - 1);
            qm->len -= l + 1;
            if (!strncmp(ans, "OK", 2) || !strncmp(ans, "FAIL", 4) ||
                !strncmp(ans, "ERR", 3)) {
                return;
            }
            continue; /* IRQ lines and the like */
        }
        if (poll(&pfd, 1, ANSWER_MS) <= 0 ||
            (n = read(qm->out, qm->buf + qm->len, sizeof(qm->buf) - qm->len)) <=
                0) {
            fprintf(stderr, "proxy_qtest: no answer from QEMU (hung or "
                            "dead)\n");
            kill(qm->pid, SIGKILL);
            exit(1);
        }
        qm->len += (size_t)n;
    }
}

static uint64_t qv(Qemu *qm, const char *fmt, uint64_t arg)
{
    char ans[256];

    q(qm, ans, sizeof(ans), fmt, arg);
    return strncmp(ans, "OK ", 3) == 0 ? strtoull(ans + 3, NULL, 16)
                                       : UINT64_MAX;
}

static void check(const char *what, uint64_t got, uint64_t want)
{
    bool ok = got == want;

    printf("%-44s got 0x%llx want 0x%llx  %s\n", what, (unsigned long long)got,
           (unsigned long long)want, ok ? "ok" : "FAIL");
    failures += !ok;
}

static uint32_t cfg_read(Qemu *qm, unsigned off)
{
    char ans[64];

    q(qm, ans, sizeof(ans), "outl 0xcf8 0x%x", CF8_EDU(off & 0xfc));
    return (uint32_t)qv(qm, "inl 0xcfc%.0llu", 0);
}

static void cfg_write(Qemu *qm, unsigned off, uint32_t val)
{
    char ans[64];

    q(qm, ans, sizeof(ans), "outl 0xcf8 0x%x", CF8_EDU(off));
    q(qm, ans, sizeof(ans), "outl 0xcfc 0x%x", val);
}

int main(int argc, char **argv)
{
    const char *qemu =
        getenv("EDU_QEMU") ? getenv("EDU_QEMU") : "qemu-system-x86_64";
    int sv[2], in[2], out[2], st;
    char fdarg[16], dev[96], ans[256];
    pid_t server;
    Qemu qm = {0};

    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: proxy_qtest EDU_TB BACKEND [RECORD]\n");
        return 2;
    }
    if (!in_path(qemu)) {
        printf("proxy_qtest: %s is not installed: skipped\n", qemu);
        return 77;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 || pipe2(in, O_CLOEXEC) ||
        pipe2(out, O_CLOEXEC)) {
        perror("proxy_qtest");
        return 1;
    }
    server = fork();
    if (server == 0) {
        close(sv[1]);
        snprintf(fdarg, sizeof(fdarg), "%d", sv[0]);
        execl(argv[1], argv[1], "serve", "--backend", argv[2], "--fd", fdarg,
              "--quiet", argc > 3 ? "--record" : NULL, argv[3], (char *)NULL);
        _exit(127);
    }
    close(sv[0]);
    snprintf(dev, sizeof(dev), "x-pci-proxy-dev,id=edu0,fd=%d,addr=04.0",
             sv[1]);
    qm.pid = fork();
    if (qm.pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        execlp(qemu, qemu, "-machine", "q35", "-accel", "tcg", "-S", "-qtest",
               "stdio", "-qtest-log", "/dev/null", "-m", "128M", "-object",
               "memory-backend-memfd,id=mem,size=128M,share=on", "-machine",
               "memory-backend=mem", "-device", dev, "-display", "none",
               "-nodefaults", "-serial", "none", "-monitor", "none",
               (char *)NULL);
        _exit(127);
    }
    close(sv[1]);
    close(in[0]);
    close(out[1]);
    qm.in = fdopen(in[1], "w");
    qm.out = out[0];

    q(&qm, ans, sizeof(ans), "endianness");
    check("config 0x00: vendor and device", cfg_read(&qm, 0x00), 0x11e81234);
    check("config 0x08: class and revision", cfg_read(&qm, 0x08), 0x00ff0010);
    check("config 0x3c: interrupt pin A", (cfg_read(&qm, 0x3c) >> 8) & 0xff, 1);
    check("config 0x34: no capability (MSI hidden)", cfg_read(&qm, 0x34) & 0xff,
          0);
    check("config 0x06: no capability list", (cfg_read(&qm, 0x04) >> 20) & 1,
          0);
    cfg_write(&qm, 0x10, 0xffffffff);
    check("BAR0 sized: 1 MiB of memory", cfg_read(&qm, 0x10), 0xfff00000);
    cfg_write(&qm, 0x10, (uint32_t)BAR0);
    check("BAR0 placed", cfg_read(&qm, 0x10), BAR0);
    cfg_write(&qm, 0x04, 0x0006);
    check("COMMAND: memory and bus master", cfg_read(&qm, 0x04) & 0xffff, 6);

    check("BAR0 0x00: ID", qv(&qm, "readl 0x%llx", BAR0), 0x010000ed);
    q(&qm, ans, sizeof(ans), "writel 0x%llx 0x12345678", BAR0 + 4);
    check("BAR0 0x04: liveness", qv(&qm, "readl 0x%llx", BAR0 + 4), 0xedcba987);
    q(&qm, ans, sizeof(ans), "writel 0x%llx 10", BAR0 + 8);
    check("BAR0 0x20: factorial done at once",
          qv(&qm, "readl 0x%llx", BAR0 + 0x20) & 1, 0);
    check("BAR0 0x08: 10!", qv(&qm, "readl 0x%llx", BAR0 + 8), 3628800);

    /* RAM -> the device's buffer -> elsewhere in RAM, through the memfd. */
    q(&qm, ans, sizeof(ans), "write 0x100000 16 0x%s",
      "00112233445566778899aabbccddeeff");
    q(&qm, ans, sizeof(ans), "writeq 0x%llx 0x100000", BAR0 + 0x80);
    q(&qm, ans, sizeof(ans), "writeq 0x%llx 0x40000", BAR0 + 0x88);
    q(&qm, ans, sizeof(ans), "writeq 0x%llx 16", BAR0 + 0x90);
    q(&qm, ans, sizeof(ans), "writeq 0x%llx 1", BAR0 + 0x98);
    /* QEMU cuts 8-byte accesses to the proxy in two 4-byte ones (its
     * region declares no valid.max_access_size): 0x9c is no register. */
    check("readq of DMA CMD: two readl", qv(&qm, "readq 0x%llx", BAR0 + 0x98),
          0xffffffff00000000ull);
    check("DMA to the device: done", qv(&qm, "readl 0x%llx", BAR0 + 0x98), 0);
    q(&qm, ans, sizeof(ans), "writeq 0x%llx 0x40000", BAR0 + 0x80);
    q(&qm, ans, sizeof(ans), "writeq 0x%llx 0x200000", BAR0 + 0x88);
    q(&qm, ans, sizeof(ans), "writeq 0x%llx 3", BAR0 + 0x98);
    check("DMA to RAM: done (RUN clear)", qv(&qm, "readl 0x%llx", BAR0 + 0x98),
          2);
    check("RAM 0x200000: the bytes, back", qv(&qm, "readq 0x%llx", 0x200000),
          0x7766554433221100ull);
    check("RAM 0x200008: the bytes, back", qv(&qm, "readq 0x%llx", 0x200008),
          0xffeeddccbbaa9988ull);

    /* The device's interrupt: raised, visible in STATUS, acknowledged. */
    q(&qm, ans, sizeof(ans), "writel 0x%llx 0x100", BAR0 + 0x60);
    check("STATUS.interrupt after a raise", (cfg_read(&qm, 0x04) >> 19) & 1, 1);
    q(&qm, ans, sizeof(ans), "writel 0x%llx 0x100", BAR0 + 0x64);
    check("STATUS.interrupt after the ack", (cfg_read(&qm, 0x04) >> 19) & 1, 0);

    fclose(qm.in); /* QEMU stays; it is stopped, the server sees the end */
    kill(qm.pid, SIGTERM);
    waitpid(qm.pid, &st, 0);
    waitpid(server, &st, 0);
    check("edu-tb serve exits 0 when QEMU is gone",
          WIFEXITED(st) ? (uint64_t)WEXITSTATUS(st) : 1000u + WTERMSIG(st), 0);
    printf("proxy_qtest %s: %d failed\n", argv[2], failures);
    return failures ? 1 : 0;
}

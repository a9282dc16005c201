/*
 * bench-guest: the Linux guest's view of each edu, in figures.
 *
 *   bench-guest [--backends LIST] [--reads N] [--seconds S] [--timeout SEC]
 *               [--repeat N] [--logs DIR] [--edu-tb PATH] [--table FILE]
 *               [--quick]
 *
 * Boots the guest image once per backend (QEMU's own edu, then each view
 * served through x-pci-proxy-dev) with `edu-tb guest --no-icount --append
 * edu_test.bench=1`: without -icount the guest's clock follows the host's,
 * so the guest's own times are wall time (under -icount, what edu-tb guest
 * runs by default, they count instructions and mean nothing here).  The
 * guest's /init then runs `edu-test --bench` instead of the test: the
 * driver reads the ID register N times, each read timed with ktime_get_ns
 * (EDU_IOC_BENCH_MMIO), then 4 KiB DMA round trips (4095 bytes, the
 * driver's default: a 4096-byte DMA would abort QEMU 7.2) for S seconds;
 * last the driver's probe message with its kernel time stamp.
 *
 * Each figure says its clock: "guest" (ktime / CLOCK_MONOTONIC / printk
 * inside the guest, host time by way of TCG without -icount) or "host"
 * (this program's CLOCK_MONOTONIC, when a console line arrives: the
 * guest's markers around each phase, so a mean, not percentiles; boot to
 * probe from starting edu-tb guest, QEMU's and the server's start-up
 * included, to /init's line after insmod).  A first row gives the
 * floor of a served view's MMIO round trip on this machine: a message to
 * another process over a UNIX socket and back, as QEMU's proxy does for
 * each access (bench_socket_floor).  Prints one table: figure,
 * value, target, ok or MISSED.  Exit status 0 when every boot ran (targets
 * missed or not), 1 when one failed, 2 for bad usage.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_cli.h"

#ifndef EDU_TB_PATH
#define EDU_TB_PATH "edu-tb"
#endif

#define BENCH_MAX_BACKENDS 8
#define BENCH_MAX_REPEAT 9
#define BENCH_MMIO_RATIO 3.0  /* cmodel's p50 / QEMU's edu's, at most */
#define BENCH_BOOT_RATIO 1.10 /* rtl's boot to probe / cmodel's, at most */

/* What one boot measured; a figure is < 0 when the console lacked it. */
typedef struct BenchBoot {
    const char *backend;
    int status; /* edu-tb guest's exit status, -1 if it did not exit */
    double probe_guest_s, probe_host_s;
    double mmio_p50_ns, mmio_p99_ns, mmio_mean_ns, mmio_host_mean_ns;
    double mmio_reads;
    double dma_per_s, dma_host_per_s;
    double t_mmio_begin, t_mmio_end, t_dma_begin, t_dma_end;
    double dma_n;
    unsigned rep;      /* which of --repeat */
    char tail[4][256]; /* the console's last lines, said on a failure */
    unsigned n_lines;
} BenchBoot;

typedef struct BenchOptions {
    const char *backends[BENCH_MAX_BACKENDS];
    unsigned n_backends;
    unsigned long reads;
    unsigned seconds;
    unsigned timeout;
    unsigned repeat;
    const char *logs;
    const char *edu_tb;
    const char *table; /* --table FILE (bench_cli.h's convention) */
    bool quick;
    bool reads_given, seconds_given;
} BenchOptions;

static void bench_usage(FILE *f)
{
    fputs("usage: bench-guest [--backends LIST] [--reads N] [--seconds S]\n"
          "                   [--timeout SEC] [--repeat N] [--logs DIR]\n"
          "                   [--edu-tb PATH]\n"
          "\n"
          "Boots the guest image (scripts/guest-image.sh, where edu-tb "
          "guest looks\n"
          "by default) on each backend without -icount and prints, from "
          "inside the\n"
          "guest: the MMIO round trip (p50, p99 of N 4-byte reads of the "
          "ID\n"
          "register), boot to driver probe, 4 KiB DMA round trips per "
          "second; one\n"
          "table with each figure's clock, target, ok or MISSED.\n"
          "\n"
          "options:\n"
          "  --backends LIST  comma-separated (default qemu,cmodel,tlm,rtl)\n"
          "  --reads N        MMIO reads (default 100000)\n"
          "  --seconds S      seconds of DMA round trips (default 3)\n"
          "  --timeout SEC    per boot (default 300)\n"
          "  --repeat N       boot each backend N times (round robin), "
          "each\n"
          "                   figure the median of its N (default 1, at "
          "most 9)\n"
          "  --logs DIR       keep each boot's console as DIR/BACKEND.N.log\n"
          "  --edu-tb PATH    default: " EDU_TB_PATH "\n"
          "  --table FILE     also append the figures to FILE (\"-\": "
          "stdout), one a\n"
          "                   line: FIGURE<TAB>VALUE<TAB>UNIT<TAB>TARGET<TAB>"
          "ok|MISSED|-\n"
          "                   (docs/performance.md)\n"
          "  --quick          a short run: 20000 reads, 1 s of DMA unless "
          "given\n"
          "  -h, --help       this help\n",
          f);
}

static double bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One console line, seen at host time t (s since edu-tb guest started). */
static void bench_line(BenchBoot *r, const char *line, double t)
{
    const char *p;
    double a, b, c, d;

    if (strstr(line, "edu-guest: insmod done") && r->probe_host_s < 0) {
        r->probe_host_s = t;
    } else if (strstr(line, "edu-bench: mmio begin")) {
        r->t_mmio_begin = t;
    } else if (strstr(line, "edu-bench: mmio end")) {
        r->t_mmio_end = t;
    } else if (strstr(line, "edu-bench: dma begin")) {
        r->t_dma_begin = t;
    } else if (strstr(line, "edu-bench: dma end")) {
        r->t_dma_end = t;
    } else if ((p = strstr(line, "edu-bench: mmio reads")) &&
               sscanf(p,
                      "edu-bench: mmio reads %lf p50_ns %lf p99_ns %lf "
                      "mean_ns %lf",
                      &a, &b, &c, &d) == 4) {
        r->mmio_reads = a;
        r->mmio_p50_ns = b;
        r->mmio_p99_ns = c;
        r->mmio_mean_ns = d;
    } else if ((p = strstr(line, "edu-bench: dma round_trips")) &&
               sscanf(p, "edu-bench: dma round_trips %lf bytes %lf ns %lf", &a,
                      &b, &c) == 3 &&
               c > 0) {
        r->dma_n = a;
        r->dma_per_s = a / (c / 1e9);
    } else if ((p = strchr(line, '[')) && strstr(line, "] edu ") &&
               strstr(line, ": id 0x") && sscanf(p, "[%lf]", &a) == 1) {
        r->probe_guest_s = a;
    }
}

/* Boots the guest on r->backend; the console goes through bench_line. */
static int bench_boot(const BenchOptions *o, BenchBoot *r)
{
    char append[256], timeout[32], logpath[4096];
    const char *argv[16];
    FILE *in, *log = NULL;
    char *line = NULL;
    size_t cap = 0;
    int pfd[2], n = 0, wst;
    double t0;
    pid_t pid;

    snprintf(append, sizeof(append),
             "quiet edu_test.bench=1 edu_test.bench_reads=%lu "
             "edu_test.bench_seconds=%u edu.timeout_ms=30000",
             o->reads, o->seconds);
    snprintf(timeout, sizeof(timeout), "%u", o->timeout);
    argv[n++] = o->edu_tb;
    argv[n++] = "guest";
    argv[n++] = "--backend";
    argv[n++] = r->backend;
    argv[n++] = "--no-icount";
    argv[n++] = "--quiet";
    argv[n++] = "--timeout";
    argv[n++] = timeout;
    argv[n++] = "--append";
    argv[n++] = append;
    argv[n] = NULL;
    if (o->logs) {
        snprintf(logpath, sizeof(logpath), "%s/%s.%u.log", o->logs, r->backend,
                 r->rep + 1);
        log = fopen(logpath, "w");
        if (!log) {
            fprintf(stderr, "bench-guest: cannot write %s: %s\n", logpath,
                    strerror(errno));
            return -1;
        }
    }
    if (pipe(pfd) < 0) {
        perror("bench-guest: pipe");
        return -1;
    }
    t0 = bench_now();
    pid = fork();
    if (pid < 0) {
        perror("bench-guest: fork");
        return -1;
    }
    if (pid == 0) {
        dup2(pfd[1], STDOUT_FILENO);
        dup2(pfd[1], STDERR_FILENO);
        close(pfd[0]);
        close(pfd[1]);
        execvp(argv[0], (char **)argv);
        fprintf(stderr, "bench-guest: cannot run %s: %s\n", argv[0],
                strerror(errno));
        _exit(127);
    }
    close(pfd[1]);
    in = fdopen(pfd[0], "r");
    while (in && getline(&line, &cap, in) >= 0) {
        double t = bench_now() - t0;

        if (log) {
            fprintf(log, "[host %10.6f] %s", t, line);
        }
        bench_line(r, line, t);
        snprintf(r->tail[r->n_lines++ % 4], sizeof(r->tail[0]), "%s", line);
    }
    free(line);
    if (in) {
        fclose(in);
    }
    if (log) {
        fclose(log);
    }
    if (waitpid(pid, &wst, 0) < 0) {
        return -1;
    }
    r->status = WIFEXITED(wst) ? WEXITSTATUS(wst) : -1;
    if (r->mmio_reads > 0 && r->t_mmio_end > r->t_mmio_begin) {
        r->mmio_host_mean_ns =
            (r->t_mmio_end - r->t_mmio_begin) * 1e9 / r->mmio_reads;
    }
    if (r->dma_n > 0 && r->t_dma_end > r->t_dma_begin) {
        r->dma_host_per_s = r->dma_n / (r->t_dma_end - r->t_dma_begin);
    }
    return r->status == 0 ? 0 : -1;
}

static int bench_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/*
 * The floor of any served view's MMIO round trip: QEMU's proxy sends each
 * access over a UNIX socket to another process and sleeps until the
 * answer comes back.  Here the same, without QEMU or a view: a 24-byte
 * message to a child process that answers with 24 bytes, n times, each
 * round trip timed (host CLOCK_MONOTONIC).  p50 and p99 in ns, or < 0.
 */
static void bench_socket_floor(unsigned long n, double *p50, double *p99)
{
    char msg[24] = {0};
    double *t = calloc(n, sizeof(*t));
    int sv[2];
    pid_t pid;

    *p50 = *p99 = -1;
    if (!t || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
        free(t);
        return;
    }
    pid = fork();
    if (pid == 0) {
        close(sv[0]);
        while (read(sv[1], msg, sizeof(msg)) == (ssize_t)sizeof(msg) &&
               write(sv[1], msg, sizeof(msg)) == (ssize_t)sizeof(msg)) {
        }
        _exit(0);
    }
    close(sv[1]);
    for (unsigned long i = 0; pid > 0 && i < n; i++) {
        double t0 = bench_now();

        if (write(sv[0], msg, sizeof(msg)) != (ssize_t)sizeof(msg) ||
            read(sv[0], msg, sizeof(msg)) != (ssize_t)sizeof(msg)) {
            n = 0;
            break;
        }
        t[i] = (bench_now() - t0) * 1e9;
    }
    close(sv[0]);
    if (pid > 0) {
        waitpid(pid, NULL, 0);
    }
    if (pid > 0 && n) {
        qsort(t, n, sizeof(*t), bench_cmp);
        *p50 = t[n / 2];
        *p99 = t[n * 99 / 100];
    }
    free(t);
}

/* The median of the figure at offset off over boots b[0..n), ignoring
 * the boots that lack it; < 0 when all do. */
static double bench_median(const BenchBoot *b, unsigned n, size_t off)
{
    double v[BENCH_MAX_REPEAT];
    unsigned k = 0;

    for (unsigned i = 0; i < n; i++) {
        double x;

        memcpy(&x, (const char *)&b[i] + off, sizeof(x));
        if (x >= 0 && b[i].status == 0) {
            v[k++] = x;
        }
    }
    if (!k) {
        return -1;
    }
    qsort(v, k, sizeof(v[0]), bench_cmp);
    return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
}

static void bench_row(const char *figure, const char *backend,
                      const char *clock, double v, const char *unit,
                      const char *target, const char *verdict)
{
    char value[64];

    if (v < 0) {
        snprintf(value, sizeof(value), "(none)");
    } else {
        snprintf(value, sizeof(value), "%.*f %s", v < 100 ? 2 : 0, v, unit);
    }
    printf("%-28s %-8s %-22s %14s  %-18s %s\n", figure, backend, clock, value,
           target, verdict);
}

static const BenchBoot *bench_find(const BenchBoot *r, unsigned n,
                                   const char *backend)
{
    for (unsigned i = 0; i < n; i++) {
        if (!strcmp(r[i].backend, backend) && r[i].status == 0) {
            return &r[i];
        }
    }
    return NULL;
}

/* A target row: a / b against the limit; with --table also its line
 * (not measured: no line, the run fails anyway). */
static void bench_ratio(FILE *table, const char *figure, const char *clock,
                        double a, double b, double limit, const char *target)
{
    double q = a > 0 && b > 0 ? a / b : -1;
    char name[128];

    snprintf(name, sizeof(name), "Guest %s (%s)", figure, clock);
    bench_row(figure, "-", clock, q, "x", target,
              q < 0 ? "(not measured)"
                    : bench_figure(table, name, q, "x", "<=", limit));
}

/* With --table, a figure without a target ("Guest FIGURE, BACKEND"). */
static void bench_plain(FILE *table, const char *figure, const char *backend,
                        double v, const char *unit)
{
    char name[128];

    if (v >= 0) {
        snprintf(name, sizeof(name), "Guest %s, %s", figure, backend);
        bench_figure(table, name, v, unit, NULL, 0);
    }
}

static bool guest_parse(BenchOptions *o, int argc, char **argv, int *status)
{
    static char list[256];

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end;

        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            bench_usage(stdout);
            *status = 0;
            return false;
        }
        if (!strcmp(a, "--quick")) {
            o->quick = true;
            continue;
        }
        if (strcmp(a, "--backends") && strcmp(a, "--reads") &&
            strcmp(a, "--seconds") && strcmp(a, "--timeout") &&
            strcmp(a, "--repeat") && strcmp(a, "--logs") &&
            strcmp(a, "--edu-tb") && strcmp(a, "--table")) {
            fprintf(stderr, "bench-guest: %s '%s' (see bench-guest --help)\n",
                    a[0] == '-' ? "unknown option" : "unexpected argument", a);
            *status = 2;
            return false;
        }
        if (!v || !*v) {
            fprintf(stderr,
                    "bench-guest: %s needs a %s (see bench-guest --help)\n", a,
                    strcmp(a, "--table") ? "value" : "FILE");
            *status = 2;
            return false;
        }
        i++;
        if (!strcmp(a, "--backends")) {
            snprintf(list, sizeof(list), "%s", v);
            o->n_backends = 0;
            for (char *save, *t = strtok_r(list, ",", &save); t;
                 t = strtok_r(NULL, ",", &save)) {
                if (o->n_backends == BENCH_MAX_BACKENDS) {
                    fprintf(stderr, "bench-guest: at most %d backends\n",
                            BENCH_MAX_BACKENDS);
                    *status = 2;
                    return false;
                }
                o->backends[o->n_backends++] = t;
            }
        } else if (!strcmp(a, "--logs")) {
            o->logs = v;
        } else if (!strcmp(a, "--table")) {
            o->table = v;
        } else if (!strcmp(a, "--edu-tb")) {
            o->edu_tb = v;
        } else {
            unsigned long n = strtoul(v, &end, 0);

            if (!*v || *end || n == 0 || n > 1000000) {
                fprintf(stderr,
                        "bench-guest: %s '%s' is not a number from "
                        "1 to 1000000\n",
                        a, v);
                *status = 2;
                return false;
            }
            if (!strcmp(a, "--reads")) {
                o->reads = n;
                o->reads_given = true;
            } else if (!strcmp(a, "--repeat")) {
                if (n > BENCH_MAX_REPEAT) {
                    fprintf(stderr,
                            "bench-guest: --repeat %lu: at most "
                            "%d\n",
                            n, BENCH_MAX_REPEAT);
                    *status = 2;
                    return false;
                }
                o->repeat = (unsigned)n;
            } else if (!strcmp(a, "--seconds")) {
                o->seconds = (unsigned)n;
                o->seconds_given = true;
            } else {
                o->timeout = (unsigned)n;
            }
        }
    }
    if (o->n_backends == 0) {
        fprintf(stderr, "bench-guest: --backends needs a backend\n");
        *status = 2;
        return false;
    }
    if (o->quick && !o->reads_given) {
        o->reads = 20000;
    }
    if (o->quick && !o->seconds_given) {
        o->seconds = 1;
    }
    return true;
}

int main(int argc, char **argv)
{
    BenchOptions o = {
        .backends = {"qemu", "cmodel", "tlm", "rtl"},
        .n_backends = 4,
        .reads = 100000,
        .seconds = 3,
        .timeout = 300,
        .repeat = 1,
        .edu_tb = EDU_TB_PATH,
    };
    static BenchBoot runs[BENCH_MAX_BACKENDS][BENCH_MAX_REPEAT];
    BenchBoot r[BENCH_MAX_BACKENDS];
    double floor50, floor99;
    const BenchBoot *q, *c, *v;
    int status = 0;
    FILE *table;

    if (!guest_parse(&o, argc, argv, &status)) {
        return status;
    }
    {
        static const BenchCli cli = {"bench-guest", bench_usage, NULL};
        BenchArgs args = {.table = o.table, .quick = o.quick};

        table = bench_table_open(&cli, &args);
    }
    for (unsigned rep = 0; rep < o.repeat; rep++) {
        for (unsigned i = 0; i < o.n_backends; i++) {
            BenchBoot *b = &runs[i][rep];

            *b = (BenchBoot){
                .backend = o.backends[i],
                .rep = rep,
                .status = -1,
                .probe_guest_s = -1,
                .probe_host_s = -1,
                .mmio_p50_ns = -1,
                .mmio_p99_ns = -1,
                .mmio_mean_ns = -1,
                .mmio_host_mean_ns = -1,
                .dma_per_s = -1,
                .dma_host_per_s = -1,
            };
            fprintf(stderr, "bench-guest: booting on %s (%u of %u) ...\n",
                    b->backend, rep + 1, o.repeat);
            if (bench_boot(&o, b) == 0) {
                continue;
            }
            fprintf(stderr,
                    "bench-guest: the boot on %s failed (edu-tb guest exit "
                    "status %d)%s\n",
                    b->backend, b->status,
                    o.logs ? "; its console is in --logs"
                           : ", the end of its "
                             "console:");
            for (unsigned k = b->n_lines > 4 ? b->n_lines - 4 : 0;
                 !o.logs && k < b->n_lines; k++) {
                fprintf(stderr, "  %s", b->tail[k % 4]);
            }
            status = 1;
        }
    }
    /* Each backend's figures: the median of its boots that ran. */
    for (unsigned i = 0; i < o.n_backends; i++) {
        const BenchBoot *b = runs[i];

        r[i] = b[0];
        r[i].status =
            bench_median(b, o.repeat, offsetof(BenchBoot, probe_host_s)) >= 0
                ? 0
                : -1;
#define BENCH_MEDIAN(f)                                                        \
    r[i].f = bench_median(b, o.repeat, offsetof(BenchBoot, f))
        BENCH_MEDIAN(probe_guest_s);
        BENCH_MEDIAN(probe_host_s);
        BENCH_MEDIAN(mmio_p50_ns);
        BENCH_MEDIAN(mmio_p99_ns);
        BENCH_MEDIAN(mmio_mean_ns);
        BENCH_MEDIAN(mmio_host_mean_ns);
        BENCH_MEDIAN(dma_per_s);
        BENCH_MEDIAN(dma_host_per_s);
#undef BENCH_MEDIAN
    }

    bench_socket_floor(o.reads, &floor50, &floor99);
    printf("%-28s %-8s %-22s %14s  %-18s %s\n", "figure", "backend", "clock",
           "value", "target", "verdict");
    bench_row("socket round trip p50", "(floor)", "host CLOCK_MONOTONIC",
              floor50, "ns", "-", "");
    bench_row("socket round trip p99", "(floor)", "host CLOCK_MONOTONIC",
              floor99, "ns", "-", "");
    bench_plain(table, "socket round trip p50", "the floor of a served read",
                floor50, "ns");
    for (unsigned i = 0; i < o.n_backends; i++) {
        const BenchBoot *b = &r[i];

        bench_row("mmio read p50", b->backend, "guest ktime_get_ns",
                  b->mmio_p50_ns, "ns", "-", "");
        bench_row("mmio read p99", b->backend, "guest ktime_get_ns",
                  b->mmio_p99_ns, "ns", "-", "");
        bench_row("mmio read mean", b->backend, "host, console marks",
                  b->mmio_host_mean_ns, "ns", "-", "");
        bench_row("boot to probe", b->backend, "guest printk stamp",
                  b->probe_guest_s, "s", "-", "");
        bench_row("boot to probe", b->backend, "host, from start",
                  b->probe_host_s, "s", "-", "");
        bench_row("4 KiB DMA round trips", b->backend, "guest CLOCK_MONOTONIC",
                  b->dma_per_s, "/s", "-", "");
        bench_row("4 KiB DMA round trips", b->backend, "host, console marks",
                  b->dma_host_per_s, "/s", "-", "");
        bench_plain(table, "MMIO read p50", b->backend, b->mmio_p50_ns, "ns");
        bench_plain(table, "boot to probe", b->backend, b->probe_guest_s, "s");
        bench_plain(table, "4 KiB DMA round trips", b->backend, b->dma_per_s,
                    "/s");
    }
    q = bench_find(r, o.n_backends, "qemu");
    c = bench_find(r, o.n_backends, "cmodel");
    v = bench_find(r, o.n_backends, "rtl");
    bench_ratio(table, "mmio p50 cmodel / qemu", "guest ktime_get_ns",
                c ? c->mmio_p50_ns : -1, q ? q->mmio_p50_ns : -1,
                BENCH_MMIO_RATIO, "<= 3x");
    bench_ratio(table, "boot to probe rtl / cmodel", "guest printk stamp",
                v ? v->probe_guest_s : -1, c ? c->probe_guest_s : -1,
                BENCH_BOOT_RATIO, "<= 1.10x");
    bench_ratio(table, "boot to probe rtl / cmodel", "host, from start",
                v ? v->probe_host_s : -1, c ? c->probe_host_s : -1,
                BENCH_BOOT_RATIO, "<= 1.10x");
    bench_table_close(table);
    return status;
}

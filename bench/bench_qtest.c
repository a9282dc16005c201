/*
 * bench-qtest: how fast `edu-tb qtest` answers a piped script.
 *
 *   bench-qtest [--table FILE] [--quick] [EDU_TB]
 *
 * Generates a script of 1,000,000 requests (100,000 with --quick) (BAR0 mapped once, then edu
 * register reads and writes and config-space accesses through 0xCF8/0xCFC),
 * pipes it through `edu-tb qtest --backend cmodel` and prints requests per
 * second; then the first 2000 lines through `--backend qemu` (skipped with
 * a note when QEMU is not installed) and the ratio of the two rates.  The
 * clock starts after the first answer, so start-up is not counted.  Every
 * answer is counted and checked to be OK.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_cli.h"

#ifndef EDU_TB_PATH
#define EDU_TB_PATH "edu-tb"
#endif

#define BENCH_LINES 1000000
#define BENCH_QEMU_LINES 2000

typedef struct BenchScript {
    char *text;
    size_t len;
    size_t cap;
    size_t *line_end; /* offset just past each line */
    size_t lines;
} BenchScript;

typedef struct BenchResult {
    size_t answers;
    size_t not_ok;
    double seconds; /* from the first answer to the last */
    int status;     /* edu-tb's exit status, -1 if it did not exit */
} BenchResult;

static void bench_add(BenchScript *s, const char *fmt, unsigned v)
{
    int n;

    if (s->cap - s->len < 64) {
        s->cap = s->cap ? s->cap * 2 : 1 << 20;
        s->text = realloc(s->text, s->cap);
        if (!s->text) {
            perror("bench-qtest");
            exit(1);
        }
    }
    n = snprintf(s->text + s->len, s->cap - s->len, fmt, v);
    s->len += (size_t)n;
    s->text[s->len++] = '\n';
    s->line_end[s->lines++] = s->len;
}

static void bench_make_script(BenchScript *s, size_t lines)
{
    static const char *const setup[] = {
        "endianness", /* the first answer starts the clock */
        "outl 0xcf8 0x80002010",
        "outl 0xcfc 0xfe000000",
        "outl 0xcf8 0x80002004",
        "outw 0xcfc 0x6",
    };
    /* A driver-like mix: register reads and writes, config accesses. */
    static const char *const loop[] = {
        "readl 0xfe000000",       "writel 0xfe000004 0x%x", "readl 0xfe000004",
        "readl 0xfe000020",       "outl 0xcf8 0x80002000",  "inl 0xcfc",
        "readl 0xfe000024",       "outl 0xcf8 0x80002004",  "inw 0xcfe",
        "writeq 0xfe000080 0x%x", "readq 0xfe000080",       "inl 0xcf8",
    };
    size_t n_setup = sizeof(setup) / sizeof(setup[0]);
    size_t n_loop = sizeof(loop) / sizeof(loop[0]);

    *s = (BenchScript){0};
    s->line_end = malloc(lines * sizeof(*s->line_end));
    if (!s->line_end) {
        perror("bench-qtest");
        exit(1);
    }
    for (size_t i = 0; i < lines; i++) {
        if (i < n_setup) {
            bench_add(s, setup[i], 0);
        } else {
            bench_add(s, loop[(i - n_setup) % n_loop],
                      (unsigned)(i * 2654435761u));
        }
    }
}

static double bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Whether 'name' is an executable path or found in PATH. */
static bool bench_have(const char *name)
{
    const char *path = getenv("PATH");
    char buf[4096];

    if (strchr(name, '/')) {
        return access(name, X_OK) == 0;
    }
    while (path && *path) {
        const char *end = strchr(path, ':');
        size_t n = end ? (size_t)(end - path) : strlen(path);

        snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, name);
        if (access(buf, X_OK) == 0) {
            return true;
        }
        path = end ? end + 1 : path + n;
    }
    return false;
}

/* Pipes the first 'lines' lines of the script through edu-tb. */
static int bench_run(const char *tb, const char *backend, const BenchScript *s,
                     size_t lines, BenchResult *r)
{
    size_t total = s->line_end[lines - 1];
    size_t sent = 0;
    int in[2];
    int out[2];
    char buf[1 << 16];
    bool line_start = true;
    double start = 0;
    pid_t pid;
    int status;

    *r = (BenchResult){.status = -1};
    if (pipe(in) < 0 || pipe(out) < 0) {
        perror("bench-qtest: pipe");
        return -1;
    }
    pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        execl(tb, tb, "qtest", "--backend", backend, (char *)NULL);
        fprintf(stderr, "bench-qtest: cannot run %s: %s\n", tb,
                strerror(errno));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    /* Never block on a full pipe while edu-tb waits for us to read. */
    fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
    if (pid < 0) {
        perror("bench-qtest: fork");
        return -1;
    }
    /* The first line alone: its answer starts the clock. */
    for (;;) {
        /* Send while the first answer is in or it is the first line. */
        size_t limit = r->answers ? total : s->line_end[0];
        struct pollfd pfd[2] = {
            {.fd = out[0], .events = POLLIN},
            {.fd = sent < limit ? in[1] : -1, .events = POLLOUT},
        };

        if (poll(pfd, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("bench-qtest: poll");
            break;
        }
        if (pfd[1].revents & (POLLOUT | POLLERR | POLLHUP)) {
            size_t chunk = limit - sent < 65536 ? limit - sent : 65536;
            ssize_t n = write(in[1], s->text + sent, chunk);

            if (n < 0 && errno == EAGAIN) {
                continue;
            }
            if (n < 0) {
                break;
            }
            sent += (size_t)n;
            if (sent == total) {
                close(in[1]);
                in[1] = -1;
            }
        }
        if (pfd[0].revents & (POLLIN | POLLHUP)) {
            ssize_t n = read(out[0], buf, sizeof(buf));

            if (n <= 0) {
                break;
            }
            for (ssize_t i = 0; i < n; i++) {
                if (line_start && buf[i] != 'O') {
                    r->not_ok++;
                }
                line_start = buf[i] == '\n';
                if (line_start && r->answers++ == 0) {
                    start = bench_now();
                }
            }
        }
    }
    r->seconds = bench_now() - start;
    if (in[1] >= 0) {
        close(in[1]);
    }
    close(out[0]);
    if (waitpid(pid, &status, 0) == pid && WIFEXITED(status)) {
        r->status = WEXITSTATUS(status);
    }
    return 0;
}

static double bench_report(const char *backend, size_t lines,
                           const BenchResult *r)
{
    /* The first answer starts the clock: it is not timed. */
    double rate = r->seconds > 0 ? (double)(r->answers - 1) / r->seconds : 0;

    printf("%-7s %8zu requests, %8zu answers (%zu not OK), %8.3f s: "
           "%10.0f requests/s\n",
           backend, lines, r->answers, r->not_ok, r->seconds, rate);
    if (r->answers != lines || r->not_ok || r->status != 0) {
        printf("%-7s FAILED: edu-tb exited with status %d\n", backend,
               r->status);
    }
    return rate;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bench-qtest [--table FILE] [--quick] [EDU_TB]\n"
            "Pipes a script of %d qtest requests (a tenth with --quick) "
            "through\n'EDU_TB qtest --backend cmodel' and prints requests "
            "per second; then its\nfirst %d lines through --backend qemu "
            "(EDU_QEMU; skipped when QEMU is not\ninstalled) and the ratio "
            "of the two rates.  EDU_TB: the edu-tb program\n(default: the "
            "one built alongside, %s).\n" BENCH_COMMON_USAGE,
            BENCH_LINES, BENCH_QEMU_LINES, EDU_TB_PATH);
}

int main(int argc, char **argv)
{
    static const BenchCli cli = {"bench-qtest", usage, "EDU_TB"};
    const char *tb;
    const char *qemu = getenv("EDU_QEMU");
    size_t lines = BENCH_LINES;
    BenchArgs args;
    FILE *table;
    BenchScript script;
    BenchResult r;
    double cmodel_rate;
    double qemu_rate;
    int failed = 0;
    int status;

    if (!bench_args(&cli, argc, argv, &args, &status)) {
        return status;
    }
    tb = args.operand;
    if (args.quick) {
        lines /= 10;
    }
    if (!tb) {
        tb = EDU_TB_PATH;
    }
    if (access(tb, X_OK) != 0) {
        fprintf(stderr,
                "bench-qtest: EDU_TB '%s' is not an executable "
                "(see bench-qtest --help)\n",
                tb);
        return 2;
    }

    table = bench_table_open(&cli, &args);
    signal(SIGPIPE, SIG_IGN);
    bench_make_script(&script, lines);
    printf("bench-qtest: %s qtest, a script of %zu lines (%.1f MiB)\n", tb,
           lines, (double)script.len / (1 << 20));

    if (bench_run(tb, "cmodel", &script, lines, &r) < 0) {
        return 1;
    }
    cmodel_rate = bench_report("cmodel", lines, &r);
    failed |= r.answers != lines || r.not_ok || r.status != 0;
    if (!failed) {
        bench_figure(table, "edu-tb qtest, cmodel, piped script",
                     cmodel_rate / 1e3, "k requests/s", NULL, 0);
    }

    if (!qemu || !*qemu) {
        qemu = "qemu-system-x86_64";
    }
    if (!bench_have(qemu)) {
        printf("qemu    skipped: %s is not installed (apt-get install "
               "qemu-system-x86)\n",
               qemu);
    } else if (bench_run(tb, "qemu", &script, BENCH_QEMU_LINES, &r) == 0) {
        qemu_rate = bench_report("qemu", BENCH_QEMU_LINES, &r);
        failed |= r.answers != BENCH_QEMU_LINES || r.not_ok || r.status != 0;
        if (qemu_rate > 0 && !failed) {
            printf("ratio   cmodel / qemu = %.1f\n", cmodel_rate / qemu_rate);
            bench_figure(table, "edu-tb qtest, qemu, piped script",
                         qemu_rate / 1e3, "k requests/s", NULL, 0);
            bench_figure(table, "edu-tb qtest, cmodel / qemu",
                         cmodel_rate / qemu_rate, "x", NULL, 0);
        }
    }
    bench_table_close(table);
    free(script.text);
    free(script.line_end);
    return failed;
}

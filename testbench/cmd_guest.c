/*
 * edu-tb guest: QEMU (TCG, q35) booting the guest image with the edu at
 * 00:04.0: a view served through x-pci-proxy-dev by a child running
 * serve_run(), or QEMU's own edu (--backend qemu).  The console goes to
 * stdout; the exit status is the guest test's verdict.  It does not build
 * the guest image (scripts/guest-image.sh does).
 */
#define _GNU_SOURCE /* pipe2, mkdtemp */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "cli.h"
#include "guest.h"
#include "output.h"
#include "serve.h"

#ifndef EDU_GUEST_DIR
#define EDU_GUEST_DIR "guest"
#endif

#define GUEST_SLOT 4
#define GUEST_MAX_QEMU_ARGS 64

typedef struct Guest {
    const char *backend;
    const char *kernel;
    const char *initrd;
    const char *append;
    const char *vcd_path;
    const char *record_path;
    unsigned timeout_s;
    bool quiet;
    bool no_icount; /* guest time is the host's: for benchmarks */
    char **qemu_args; /* after -- */
    int n_qemu_args;
    char dir[64]; /* private: the qtest socket */
    char sock_path[128];
    char kernel_buf[PATH_MAX];
    char initrd_buf[PATH_MAX];
} Guest;

void guest_help(FILE *f)
{
    fputs("usage: edu-tb guest [--backend VIEW] [--kernel FILE] [--initrd "
          "FILE]\n"
          "                    [--machine q35] [--append TEXT] [--timeout "
          "SEC]\n"
          "                    [--vcd FILE] [--record FILE] [--no-icount] "
          "[--quiet]\n"
          "                    [-- QEMU ARGS]\n"
          "\n"
          "Boots the guest image on qemu-system-x86_64 (TCG, q35, 256 MiB "
          "of memfd\n"
          "RAM) with the edu at 00:04.0: a view served by edu-tb serve "
          "through\n"
          "x-pci-proxy-dev, or QEMU's own edu (--backend qemu).  The guest's "
          "console\n"
          "goes to stdout.  Exit status 0 when it shows lines 'N passed, 0 "
          "failed'\n"
          "with N > 0 and no other verdict, 1 otherwise, 2 for bad usage.\n"
          "\n"
          "options:\n"
          "  --backend VIEW  cmodel, tlm, rtl, rtl-stress or qemu (default: "
          "cmodel)\n"
          "  --kernel FILE   default: " EDU_GUEST_DIR "/vmlinuz\n"
          "  --initrd FILE   default: " EDU_GUEST_DIR "/initramfs.cpio.gz\n"
          "  --machine q35   the only machine (its INTx routing is fixed)\n"
          "  --append TEXT   more kernel command line\n"
          "  --timeout SEC   stop QEMU after SEC seconds (default 600)\n"
          "  --vcd FILE      the view's waveforms\n"
          "  --record FILE   the guest's accesses as qtest lines (edu-tb "
          "serve)\n"
          "  --no-icount     no -icount: the guest's clock follows the "
          "host's (for\n"
          "                  timing; QEMU's own edu then takes 100 ms of "
          "it per DMA)\n"
          "  --quiet         the server counts guest errors, says less\n"
          "  -- QEMU ARGS    passed to QEMU after its own\n"
          "  -h, --help      this help\n"
          "\n"
          "QEMU: $EDU_QEMU, else qemu-system-x86_64 in PATH.  See "
          "docs/guest.md.\n",
          f);
}

/* A count at 'p' followed by 'word' ("N passed, "): true with *n, and
 * *after past the word. */
static bool guest_count(const char *p, const char *word, unsigned *n,
                        const char **after)
{
    char *end;
    unsigned long v;

    if (!isdigit((unsigned char)*p)) {
        return false;
    }
    errno = 0;
    v = strtoul(p, &end, 10);
    if (errno || v > UINT_MAX || strncmp(end, word, strlen(word)) != 0) {
        return false;
    }
    *n = (unsigned)v;
    *after = end + strlen(word);
    return true;
}

bool guest_verdict(const char *line, unsigned *passed, unsigned *failed)
{
    for (const char *p = line; *p; p++) {
        const char *rest;

        if ((p == line || !isdigit((unsigned char)p[-1])) &&
            guest_count(p, " passed, ", passed, &rest) &&
            guest_count(rest, " failed", failed, &rest)) {
            return true;
        }
    }
    return false;
}

static bool guest_readable(const char *path)
{
    struct stat st;

    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        errno = EISDIR;
        return false;
    }
    return access(path, R_OK) == 0;
}

static const char *guest_qemu_binary(void)
{
    const char *want = getenv("EDU_QEMU");

    return want && *want ? want : "qemu-system-x86_64";
}

/* QEMU's executable: a path, or a name found in PATH. */
static bool guest_have_qemu(const char *name)
{
    const char *path = getenv("PATH");
    char full[PATH_MAX];

    if (strchr(name, '/')) {
        return access(name, X_OK) == 0 && guest_readable(name);
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

static int guest_usage(const char *fmt, const char *arg)
{
    fputs("edu-tb guest: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return 2;
}

static int guest_set_backend(void *opts, const char *v)
{
    ((Guest *)opts)->backend = v;
    return 0;
}

static int guest_set_kernel(void *opts, const char *v)
{
    ((Guest *)opts)->kernel = v;
    return 0;
}

static int guest_set_initrd(void *opts, const char *v)
{
    ((Guest *)opts)->initrd = v;
    return 0;
}

static int guest_set_append(void *opts, const char *v)
{
    ((Guest *)opts)->append = v;
    return 0;
}

static int guest_set_vcd(void *opts, const char *v)
{
    if (!*v) {
        return guest_usage("--vcd needs a file name, not ''%s", "");
    }
    ((Guest *)opts)->vcd_path = v;
    return 0;
}

static int guest_set_record(void *opts, const char *v)
{
    if (!*v) {
        return guest_usage("--record needs a file name, not ''%s", "");
    }
    ((Guest *)opts)->record_path = v;
    return 0;
}

static int guest_set_machine(void *opts, const char *v)
{
    (void)opts;
    if (strcmp(v, "q35") != 0) {
        return guest_usage("--machine %s: only q35 (on pc the firmware "
                           "routes PCI interrupts, so the server cannot know "
                           "the line)",
                           v);
    }
    return 0;
}

static int guest_set_timeout(void *opts, const char *v)
{
    uint64_t n;

    if (!cli_u64(v, 1, 86400, &n)) {
        return guest_usage("--timeout needs seconds (1 to 86400), not '%s'", v);
    }
    ((Guest *)opts)->timeout_s = (unsigned)n;
    return 0;
}

static const CliOption guest_options[] = {
    CLI_VALUE("backend", guest_set_backend),
    CLI_VALUE("kernel", guest_set_kernel),
    CLI_VALUE("initrd", guest_set_initrd),
    CLI_VALUE("append", guest_set_append),
    CLI_VALUE("vcd", guest_set_vcd),
    CLI_VALUE("record", guest_set_record),
    CLI_VALUE("machine", guest_set_machine),
    CLI_VALUE("timeout", guest_set_timeout),
    CLI_FLAG("quiet", Guest, quiet),
    CLI_FLAG("no-icount", Guest, no_icount),
};

static const CliCommand guest_cli = {
    .name = "guest",
    CLI_OPTIONS(guest_options),
    .help = guest_help,
};

/* The options, and QEMU's after the first "--": 0 to go on, 2 for bad
 * usage (said on stderr), 1 after --help. */
static int guest_parse(Guest *g, int argc, char **argv)
{
    char err[512];
    int rc, n_opts = argc;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            n_opts = i;
            g->qemu_args = argv + i + 1;
            g->n_qemu_args = argc - i - 1;
            break;
        }
    }
    if (g->n_qemu_args > GUEST_MAX_QEMU_ARGS) {
        return guest_usage("too many QEMU arguments (at most 64)%s", "");
    }
    rc = cli_parse(&guest_cli, n_opts, argv, g);
    if (rc) {
        return rc;
    }
    if (!backend_find(g->backend)) {
        backend_open(g->backend, NULL, err, sizeof(err));
        return guest_usage("%s", err);
    }
    if (!g->kernel) {
        snprintf(g->kernel_buf, sizeof(g->kernel_buf), "%s/vmlinuz",
                 EDU_GUEST_DIR);
        g->kernel = g->kernel_buf;
    }
    if (!g->initrd) {
        snprintf(g->initrd_buf, sizeof(g->initrd_buf), "%s/initramfs.cpio.gz",
                 EDU_GUEST_DIR);
        g->initrd = g->initrd_buf;
    }
    if (!guest_readable(g->kernel)) {
        fprintf(stderr,
                "edu-tb guest: cannot read the kernel %s: %s "
                "(build the guest image: scripts/guest-image.sh; or "
                "give --kernel)\n",
                g->kernel, strerror(errno));
        return 2;
    }
    if (!guest_readable(g->initrd)) {
        fprintf(stderr,
                "edu-tb guest: cannot read the initrd %s: %s "
                "(build the guest image: scripts/guest-image.sh; or "
                "give --initrd)\n",
                g->initrd, strerror(errno));
        return 2;
    }
    return 0;
}

/* What can only fail at run time: 0, or 1 (said on stderr). */
static int guest_check(const Guest *g)
{
    char err[512];

    if ((g->vcd_path || g->record_path) && strcmp(g->backend, "qemu") == 0) {
        fprintf(stderr,
                "edu-tb guest: --%s: QEMU's own edu is not served "
                "by edu-tb (it draws no waveforms, records nothing)\n",
                g->vcd_path ? "vcd" : "record");
        return 1;
    }
    if (g->record_path && output_check(g->record_path, err, sizeof(err)) < 0) {
        fprintf(stderr, "edu-tb guest: --record: %s\n", err);
        return 1;
    }
    if (g->vcd_path && output_check(g->vcd_path, err, sizeof(err)) < 0) {
        fprintf(stderr, "edu-tb guest: --vcd: %s\n", err);
        return 1;
    }
    if (!guest_have_qemu(guest_qemu_binary())) {
        fprintf(stderr,
                "edu-tb guest: %s is not installed (install it: "
                "apt-get install qemu-system-x86; or set EDU_QEMU "
                "to its path)\n",
                guest_qemu_binary());
        return 1;
    }
    return 0;
}

/* The private directory and the qtest socket the server listens on. */
static int guest_qtest_listen(Guest *g)
{
    const char *tmp = getenv("TMPDIR");
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd;

    snprintf(g->dir, sizeof(g->dir), "%s/edu-guest-XXXXXX",
             tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
    if (!mkdtemp(g->dir)) { /* mode 0700: the socket drives the machine */
        fprintf(stderr, "edu-tb guest: cannot make a directory in %s: %s\n",
                tmp ? tmp : "/tmp", strerror(errno));
        g->dir[0] = '\0';
        return -1;
    }
    snprintf(g->sock_path, sizeof(g->sock_path), "%s/qtest.sock", g->dir);
    if (strlen(g->sock_path) >= sizeof(sa.sun_path)) {
        fprintf(stderr, "edu-tb guest: %s is too long for a socket\n",
                g->sock_path);
        return -1;
    }
    memcpy(sa.sun_path, g->sock_path, strlen(g->sock_path) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(fd, 1) < 0) {
        fprintf(stderr, "edu-tb guest: cannot listen on %s: %s\n", g->sock_path,
                strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

/* QEMU's command line; fd: the proxy's socket, -1 for QEMU's own edu. */
static void guest_qemu_argv(const Guest *g, int fd, char *bufs[4],
                            const char **argv)
{
    int n = 0;

    argv[n++] = guest_qemu_binary();
    argv[n++] = "-machine";
    argv[n++] = "q35";
    argv[n++] = "-accel";
    argv[n++] = "tcg";
    argv[n++] = "-m";
    argv[n++] = "256M";
    argv[n++] = "-nographic";
    argv[n++] = "-no-reboot";
    /* The guest's clock runs on instructions and jumps over idle time:
     * QEMU's own edu spends 100 ms of it on each DMA. */
    if (!g->no_icount) {
        argv[n++] = "-icount";
        argv[n++] = "shift=auto,sleep=off";
    }
    argv[n++] = "-object";
    argv[n++] = "memory-backend-memfd,id=mem,size=256M,share=on";
    argv[n++] = "-machine";
    argv[n++] = "memory-backend=mem";
    argv[n++] = "-device";
    if (fd >= 0) {
        snprintf(bufs[0], 128, "x-pci-proxy-dev,id=edu0,fd=%d,addr=%02x.0", fd,
                 GUEST_SLOT);
        argv[n++] = bufs[0];
        snprintf(bufs[1], 160, "unix:%s", g->sock_path);
        argv[n++] = "-qtest";
        argv[n++] = bufs[1];
        argv[n++] = "-qtest-log";
        argv[n++] = "/dev/null";
    } else {
        snprintf(bufs[0], 128, "edu,id=edu0,addr=%02x.0", GUEST_SLOT);
        argv[n++] = bufs[0];
    }
    argv[n++] = "-kernel";
    argv[n++] = g->kernel;
    argv[n++] = "-initrd";
    argv[n++] = g->initrd;
    snprintf(bufs[2], 1024, "console=ttyS0 panic=-1%s%s", g->append ? " " : "",
             g->append ? g->append : "");
    argv[n++] = "-append";
    argv[n++] = bufs[2];
    for (int i = 0; i < g->n_qemu_args; i++) {
        argv[n++] = g->qemu_args[i];
    }
    argv[n] = NULL;
}

/* The server in a child of its own (a view is not thread-safe, QEMU's
 * output is ours to read); close: what the child must not hold open. */
static pid_t guest_start_server(const Guest *g, int sock, int listen_fd,
                                const int close_fds[3])
{
    pid_t pid;

    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 3; i++) {
            close(close_fds[i]);
        }
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        ServeConfig cfg = {.backend = g->backend,
                           .fd = sock,
                           .qtest_listen_fd = listen_fd,
                           .slot = GUEST_SLOT,
                           .vcd_path = g->vcd_path,
                           .record_path = g->record_path,
                           .quiet = g->quiet};

        _exit(serve_run(&cfg));
    }
    return pid;
}

static pid_t guest_start_qemu(const char **argv, int keep_fd, int out_fd)
{
    pid_t pid;

    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);

        if (null >= 0) {
            dup2(null, 0);
        }
        dup2(out_fd, 1);
        if (keep_fd >= 0) {
            fcntl(keep_fd, F_SETFD, 0); /* QEMU inherits it: fd=N */
        }
        execvp(argv[0], (char *const *)argv);
        fprintf(stderr,
                "edu-tb guest: cannot run %s: %s (install it: "
                "apt-get install qemu-system-x86; or set EDU_QEMU)\n",
                argv[0], strerror(errno));
        _exit(127);
    }
    return pid;
}

static double guest_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The children and how the run ended. */
typedef struct GuestRun {
    pid_t qemu;
    pid_t server;      /* -1: QEMU's own edu */
    int server_status; /* once it ended early (-1: still running) */
    bool timed_out;
    int signal; /* the SIGINT, SIGTERM or SIGHUP that stopped the run */
} GuestRun;

static volatile sig_atomic_t guest_signal;

static void guest_on_signal(int sig)
{
    guest_signal = sig;
}

/* Whether the run must stop before the console ends: the time is up, a
 * signal came, or the server ended under QEMU (which would wait for it
 * forever).  QEMU is stopped then. */
static bool guest_must_stop(GuestRun *r, double end)
{
    int st;

    if (guest_now() >= end) {
        r->timed_out = true;
    } else if (guest_signal) {
        r->signal = guest_signal;
    } else if (r->server > 0 && r->server_status < 0 &&
               waitpid(r->server, &st, WNOHANG) == r->server) {
        r->server_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        r->server = -1;
        fprintf(stderr,
                "edu-tb guest: the server ended (status %d) while "
                "QEMU ran; QEMU stopped\n",
                r->server_status);
    } else {
        return false;
    }
    kill(r->qemu, SIGTERM);
    return true;
}

/* Copies QEMU's console to stdout until it ends or the run must stop; the
 * verdict it showed.  0: passed; 1 otherwise. */
static int guest_console(const Guest *g, int fd, GuestRun *r)
{
    double end = guest_now() + g->timeout_s;
    char line[4096];
    size_t len = 0;
    bool seen = false, stopped = false;
    unsigned passed = 0, failed = 0;

    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        char buf[4096];
        ssize_t n;

        if (guest_must_stop(r, end)) {
            stopped = true;
            break;
        }
        if (poll(&pfd, 1, 200) <= 0) {
            continue;
        }
        n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        fwrite(buf, 1, (size_t)n, stdout);
        for (ssize_t i = 0; i < n; i++) {
            unsigned p, f;

            if (buf[i] != '\n' && len < sizeof(line) - 1) {
                line[len++] = buf[i];
                continue;
            }
            line[len] = '\0';
            len = 0;
            /* Every verdict counts (one per device tested): the first
             * that is not a pass is kept. */
            if (guest_verdict(line, &p, &f) && (!seen || (!failed && passed))) {
                seen = true;
                passed = p;
                failed = f;
            }
        }
        fflush(stdout);
    }
    fflush(stdout);
    if (r->timed_out) {
        fprintf(stderr, "edu-tb guest: no end after %u s; QEMU stopped\n",
                g->timeout_s);
    } else if (r->signal) {
        fprintf(stderr, "edu-tb guest: stopped by signal %d\n", r->signal);
    }
    if (stopped) {
        return 1;
    }
    if (!seen) {
        fprintf(stderr, "edu-tb guest: the console showed no 'N passed, M "
                        "failed' line\n");
        return 1;
    }
    if (failed || !passed) {
        fprintf(stderr, "edu-tb guest: %u passed, %u failed\n", passed, failed);
        return 1;
    }
    return 0;
}

/* The child's end: its exit status, or 1 (waiting at most wait_s). */
static int guest_reap(pid_t pid, unsigned wait_s, const char *what)
{
    double end = guest_now() + wait_s;
    int st;

    for (;;) {
        pid_t r = waitpid(pid, &st, WNOHANG);

        if (r == pid) {
            break;
        }
        if (r < 0) {
            return 1;
        }
        if (guest_now() > end) {
            fprintf(stderr, "edu-tb guest: %s did not end; killed\n", what);
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            return 1;
        }
        usleep(20000);
    }
    if (WIFSIGNALED(st)) {
        fprintf(stderr, "edu-tb guest: %s ended on signal %d\n", what,
                WTERMSIG(st));
        return 1;
    }
    return WEXITSTATUS(st);
}

int guest_main(int argc, char **argv)
{
    Guest g = {.backend = "cmodel", .timeout_s = 600};
    GuestRun run = {.server = -1, .server_status = -1};
    struct sigaction sa = {.sa_handler = guest_on_signal};
    bool proxy;
    int rc = guest_parse(&g, argc, argv);
    int sv[2] = {-1, -1}, out[2] = {-1, -1}, listen_fd = -1;
    char b0[128], b1[160], b2[1024], b3[8];
    char *bufs[4] = {b0, b1, b2, b3};
    const char *qargv[GUEST_MAX_QEMU_ARGS + 40];
    pid_t server = -1, qemu;
    int status;

    if (rc) {
        return rc == 1 ? 0 : rc;
    }
    if (guest_check(&g)) {
        return 1;
    }
    proxy = strcmp(g.backend, "qemu") != 0;
    /* A stop from the terminal reaches QEMU and the server too; this
     * process stays to clean up (the private directory). */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    if (pipe2(out, O_CLOEXEC) < 0) {
        fprintf(stderr, "edu-tb guest: pipe: %s\n", strerror(errno));
        return 1;
    }
    if (proxy) {
        listen_fd = guest_qtest_listen(&g);
        if (listen_fd < 0 ||
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
            status = 1;
            goto out;
        }
        server = guest_start_server(&g, sv[0], listen_fd,
                                    (const int[3]){sv[1], out[0], out[1]});
        close(sv[0]);
        close(listen_fd);
        listen_fd = -1;
        if (server < 0) {
            fprintf(stderr, "edu-tb guest: fork: %s\n", strerror(errno));
            status = 1;
            goto out;
        }
    }
    guest_qemu_argv(&g, proxy ? sv[1] : -1, bufs, qargv);
    qemu = guest_start_qemu(qargv, proxy ? sv[1] : -1, out[1]);
    close(out[1]);
    out[1] = -1;
    if (proxy) {
        close(sv[1]); /* QEMU's now: the server sees the end when it ends */
    }
    if (qemu < 0) {
        fprintf(stderr, "edu-tb guest: fork: %s\n", strerror(errno));
        status = 1;
        goto out;
    }
    run.qemu = qemu;
    run.server = server;
    status = guest_console(&g, out[0], &run);
    rc = guest_reap(qemu, 10, "QEMU");
    if (rc != 0 && !run.timed_out && !run.signal && run.server_status < 0) {
        fprintf(stderr, "edu-tb guest: QEMU exited with status %d\n", rc);
        status = 1;
    }
    if (run.server > 0 && guest_reap(run.server, 10, "the server") != 0) {
        fprintf(stderr, "edu-tb guest: the server failed (see above)\n");
        status = 1;
    }
    if (run.server_status > 0) {
        status = 1;
    }
out:
    if (out[0] >= 0) {
        close(out[0]);
    }
    if (listen_fd >= 0) {
        close(listen_fd);
    }
    if (g.sock_path[0]) {
        unlink(g.sock_path);
    }
    if (g.dir[0]) {
        rmdir(g.dir);
    }
    return status;
}

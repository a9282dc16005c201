/*
 * edu-tb regress: a seed range split into shards, each an `edu-tb compare
 * --no-scenarios` of its own, run here in parallel (-j N) or submitted as
 * a Slurm job array (--slurm); then every shard's JUnit (and coverage) is
 * merged into one and one summary printed.  Nothing here schedules work
 * across machines: Slurm does.  docs/regress.md.
 *
 * A shard's files are DIR/shard-I.{xml,json,qtest,log,exit} (and .cov):
 * its JUnit, its JSON summary, its replay (only when it diverged), its
 * output, and its exit status, written once the shard ended.  A shard
 * without its JUnit file did not run; one with a non-zero exit status
 * failed.  The merge reads the files, whichever way the shards ran.
 */
#define _GNU_SOURCE /* getline, strdup, kill */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "cli.h"
#include "cmd_regress.h"
#include "lockstep.h"
#include "output.h"
#include "report.h"

#define RG_DEFAULT_SEEDS 20
#define RG_DEFAULT_COUNT 300
#define RG_DEFAULT_SLURM_SHARDS 10
#define RG_MAX_SHARDS 100000
#define RG_MAX_SBATCH_ARGS 32
/* The most seeds one compare takes (its --seeds). */
#define RG_MAX_SHARD_SEEDS 1000000
/* Seconds between two looks at the job array (squeue). */
#define RG_POLL_S 2
/* squeue failing this many times in a row (the controller gone): stop. */
#define RG_SQUEUE_TRIES 30
/* The most arguments a shard's compare takes. */
#define RG_MAX_ARGV 32

typedef struct RegressOptions {
    char backends[256]; /* as given, checked */
    uint64_t seed;
    uint64_t seeds;
    uint64_t shards; /* 0: the default */
    uint64_t jobs;   /* 0: the default */
    uint64_t count;
    uint64_t devices;
    bool seeded;
    bool slurm;
    bool timing;
    bool keep_going;
    bool coverage;
    const char *partition;
    const char *sbatch_args[RG_MAX_SBATCH_ARGS];
    unsigned n_sbatch_args;
    const char *out;
} RegressOptions;

typedef struct Shard {
    uint64_t first; /* its first seed */
    uint64_t n;     /* its seeds */
    pid_t pid;      /* running here: its process, else 0 */
    double t0;
    int status; /* its exit status; -1: unknown (it did not end) */
} Shard;

typedef struct Regress {
    RegressOptions o;
    char self[PATH_MAX]; /* this edu-tb, absolute */
    char dir[PATH_MAX];  /* --out, absolute */
    Shard *shard;
    unsigned n;
    char job_id[64]; /* Slurm's, or "" */
} Regress;

static volatile sig_atomic_t regress_signal;

static void regress_on_signal(int sig)
{
    regress_signal = sig;
}

void regress_help(FILE *f)
{
    fprintf(f,
            "usage: edu-tb regress --out DIR [--backends A,B[,...]] "
            "[--seed S] [--seeds N]\n"
            "                      [--shards K] [-j J | --slurm "
            "[--partition P]\n"
            "                      [--sbatch-arg ARG]...] [--count M] "
            "[--devices D]\n"
            "                      [--timing] [--keep-going] [--coverage]\n"
            "\n"
            "Splits the seeds S..S+N-1 into K shards, each an 'edu-tb "
            "compare\n"
            "--no-scenarios' of its own, runs them here J at a time or "
            "as a Slurm\n"
            "job array, then merges every shard's JUnit into DIR/junit.xml "
            "and writes\n"
            "DIR/summary.json.  A failing shard's replay file is kept "
            "(DIR/shard-I.qtest)\n"
            "and its again: command printed.\n"
            "\n"
            "options:\n"
            "  --out DIR          where the shards' files and the merged "
            "results go\n"
            "                     (made if missing; on Slurm, on a file "
            "system every\n"
            "                     node sees)\n"
            "  --backends LIST    the views, the reference first (default "
            "cmodel,qemu)\n"
            "  --seed S           the first seed (default: from the clock; "
            "printed)\n"
            "  --seeds N          how many seeds in all (default %d)\n"
            "  --shards K         how many shards (default: J here, %d "
            "on Slurm; at\n"
            "                     most N)\n"
            "  -j, --jobs J       shards run at once here (default: the "
            "CPUs online)\n"
            "  --slurm            submit the shards as a Slurm job array "
            "(sbatch) and\n"
            "                     wait for it\n"
            "  --partition P      the Slurm partition\n"
            "  --sbatch-arg ARG   one more sbatch option, as it is "
            "(repeatable):\n"
            "                     --sbatch-arg=--time=30 "
            "--sbatch-arg=--mem=1G\n"
            "  --count M, --devices D, --timing, --keep-going\n"
            "                     as for edu-tb compare, in every shard\n"
            "  --coverage         each shard records functional coverage; "
            "merged into\n"
            "                     DIR/coverage.cov (needs edu-tb cover)\n"
            "  -h, --help         this help\n"
            "\n"
            "Exit status: 0 when every shard ran and passed, 1 when one "
            "failed or did\n"
            "not run, 2 bad usage.  See docs/regress.md.\n",
            RG_DEFAULT_SEEDS, RG_DEFAULT_SLURM_SHARDS);
}

static const CliCommand regress_cli;

static int regress_set_backends(void *opts, const char *list)
{
    RegressOptions *o = opts;
    char copy[256];
    char *save = NULL;
    unsigned n = 0;

    if (strlen(list) >= sizeof(copy)) {
        return cli_usage(&regress_cli, "%s",
                         "--backends: the list is too long");
    }
    snprintf(copy, sizeof(copy), "%s", list);
    snprintf(o->backends, sizeof(o->backends), "%s", list);
    if (!*list || list[strlen(list) - 1] == ',' || strstr(list, ",,") ||
        list[0] == ',') {
        return cli_usage(&regress_cli, "--backends '%s': an empty name", list);
    }
    for (char *name = strtok_r(copy, ",", &save); name;
         name = strtok_r(NULL, ",", &save)) {
        if (!backend_find(name)) {
            char err[256];

            backend_open(name, NULL, err, sizeof(err));
            return cli_usage(&regress_cli, "%s", err);
        }
        n++;
    }
    if (n < 2 || n > LOCKSTEP_MAX_VIEWS) {
        return cli_usage(&regress_cli, "'%s': name two to %d backends", list,
                         LOCKSTEP_MAX_VIEWS);
    }
    return 0;
}

/* A number option into the uint64_t at 'field' of the options. */
static int regress_number(const char *opt, const char *v, uint64_t min,
                          uint64_t max, uint64_t *field)
{
    if (!cli_u64(v, min, max, field)) {
        return cli_usage(&regress_cli,
                         "%s '%s' is not a number from %" PRIu64 " to %" PRIu64,
                         opt, v, min, max);
    }
    return 0;
}

static int regress_set_seed(void *opts, const char *v)
{
    RegressOptions *o = opts;

    o->seeded = true;
    return regress_number("--seed", v, 0, UINT64_MAX, &o->seed);
}

static int regress_set_seeds(void *opts, const char *v)
{
    return regress_number("--seeds", v, 1, 100000000,
                          &((RegressOptions *)opts)->seeds);
}

static int regress_set_shards(void *opts, const char *v)
{
    return regress_number("--shards", v, 1, RG_MAX_SHARDS,
                          &((RegressOptions *)opts)->shards);
}

static int regress_set_jobs(void *opts, const char *v)
{
    return regress_number("-j", v, 1, 1024, &((RegressOptions *)opts)->jobs);
}

static int regress_set_count(void *opts, const char *v)
{
    return regress_number("--count", v, 1, 100000000,
                          &((RegressOptions *)opts)->count);
}

static int regress_set_devices(void *opts, const char *v)
{
    return regress_number("--devices", v, 1, EDU_PLATFORM_MAX_EDU,
                          &((RegressOptions *)opts)->devices);
}

static int regress_set_partition(void *opts, const char *v)
{
    if (!*v) {
        return cli_usage(&regress_cli, "%s", "--partition needs a name");
    }
    ((RegressOptions *)opts)->partition = v;
    return 0;
}

static int regress_add_sbatch_arg(void *opts, const char *v)
{
    RegressOptions *o = opts;

    if (o->n_sbatch_args == RG_MAX_SBATCH_ARGS) {
        return cli_usage(&regress_cli, "more than %d --sbatch-arg",
                         RG_MAX_SBATCH_ARGS);
    }
    if (!*v) {
        return cli_usage(&regress_cli, "%s", "--sbatch-arg needs a value");
    }
    o->sbatch_args[o->n_sbatch_args++] = v;
    return 0;
}

static int regress_set_out(void *opts, const char *v)
{
    if (!*v) {
        return cli_usage(&regress_cli, "%s", "--out needs a directory");
    }
    ((RegressOptions *)opts)->out = v;
    return 0;
}

static const CliOption regress_options[] = {
    CLI_VALUE("backends", regress_set_backends),
    CLI_VALUE("seed", regress_set_seed),
    CLI_VALUE("seeds", regress_set_seeds),
    CLI_VALUE("shards", regress_set_shards),
    CLI_VALUE_SHORT("jobs", 'j', regress_set_jobs),
    CLI_FLAG("slurm", RegressOptions, slurm),
    CLI_VALUE("partition", regress_set_partition),
    CLI_VALUE_REPEAT("sbatch-arg", regress_add_sbatch_arg),
    CLI_VALUE("out", regress_set_out),
    CLI_VALUE("count", regress_set_count),
    CLI_VALUE("devices", regress_set_devices),
    CLI_FLAG("timing", RegressOptions, timing),
    CLI_FLAG("keep-going", RegressOptions, keep_going),
    CLI_FLAG("coverage", RegressOptions, coverage),
};

static const CliCommand regress_cli = {
    .name = "regress",
    CLI_OPTIONS(regress_options),
    .help = regress_help,
    .missing_hint = true,
};

static int regress_parse(int argc, char **argv, RegressOptions *o)
{
    int rc;

    *o = (RegressOptions){
        .seeds = RG_DEFAULT_SEEDS,
        .count = RG_DEFAULT_COUNT,
        .devices = 1,
    };
    snprintf(o->backends, sizeof(o->backends), "cmodel,qemu");
    rc = cli_parse(&regress_cli, argc, argv, o);
    if (rc) {
        return rc;
    }
    if (!o->out) {
        return cli_usage(&regress_cli, "%s", "--out DIR is needed");
    }
    if (o->slurm && o->jobs) {
        return cli_usage(&regress_cli, "%s",
                         "-j is for shards run here, not with --slurm");
    }
    if (!o->slurm && (o->partition || o->n_sbatch_args)) {
        return cli_usage(&regress_cli, "%s",
                         "--partition and --sbatch-arg need --slurm");
    }
    if (o->seeded && o->seeds - 1 > UINT64_MAX - o->seed) {
        return cli_usage(&regress_cli, "%s",
                         "--seed S --seeds N: the last seed, S + N - 1, is "
                         "past 2^64 - 1");
    }
    if (o->shards > o->seeds) {
        return cli_usage(&regress_cli,
                         "--shards %" PRIu64 " is more than --seeds %" PRIu64,
                         o->shards, o->seeds);
    }
    if (!o->jobs && !o->slurm) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);

        o->jobs = cpus > 0 ? (uint64_t)cpus : 1;
    }
    if (!o->shards) {
        o->shards = o->slurm ? RG_DEFAULT_SLURM_SHARDS : o->jobs;
        o->shards = o->shards < o->seeds ? o->shards : o->seeds;
    }
    if ((o->seeds + o->shards - 1) / o->shards > RG_MAX_SHARD_SEEDS) {
        return cli_usage(&regress_cli,
                         "--seeds %" PRIu64 " in %" PRIu64 " shards: a shard "
                         "of more than %d seeds (compare's limit): more "
                         "--shards",
                         o->seeds, o->shards, RG_MAX_SHARD_SEEDS);
    }
    if (!o->seeded) {
        o->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 16);
        o->seed %= 1000000000;
    }
    return 0;
}

static double regress_wall_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* DIR/shard-I.EXT */
static void regress_path(const Regress *rg, unsigned i, const char *ext,
                         char *buf, size_t len)
{
    snprintf(buf, len, "%s/shard-%u.%s", rg->dir, i, ext);
}

/* mkdir -p, then the absolute path into rg->dir: 0, or 1 said. */
static int regress_make_dir(Regress *rg)
{
    char path[PATH_MAX];
    size_t len = strlen(rg->o.out);
    struct stat st;

    if (len >= sizeof(path)) {
        fprintf(stderr, "edu-tb regress: --out: '%s' is too long\n", rg->o.out);
        return 1;
    }
    memcpy(path, rg->o.out, len + 1);
    for (char *p = path + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0777);
            *p = '/';
        }
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "edu-tb regress: --out: cannot make '%s': %s\n",
                rg->o.out, strerror(errno));
        return 1;
    }
    if (!realpath(path, rg->dir) || access(rg->dir, W_OK | X_OK) != 0) {
        fprintf(stderr,
                "edu-tb regress: --out: '%s' is not a writable "
                "directory: %s\n",
                rg->o.out, strerror(errno));
        return 1;
    }
    if (stat(rg->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "edu-tb regress: --out: '%s' is not a directory\n",
                rg->o.out);
        return 1;
    }
    return 0;
}

/* Whether the merged results can be written, before any shard runs (as
 * output.c checks a file: not a directory, not a device): 0, or 1 said. */
static int regress_outputs_writable(const Regress *rg)
{
    static const char *const names[] = {"junit.xml", "summary.json",
                                        "coverage.cov", "regress.sbatch"};
    char path[PATH_MAX + 32], err[PATH_MAX + 256];

    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        snprintf(path, sizeof(path), "%s/%s", rg->dir, names[k]);
        if (output_check(path, err, sizeof(err)) < 0) {
            fprintf(stderr, "edu-tb regress: --out: %s\n", err);
            return 1;
        }
    }
    return 0;
}

/* The shards' seed ranges; each shard's files of an earlier run removed,
 * so that nothing stale is merged.  0, or 1 said. */
static int regress_plan(Regress *rg)
{
    static const char *const exts[] = {"xml",  "json", "qtest",   "log",
                                       "exit", "cov",  "exit.tmp"};
    uint64_t base = rg->o.seeds / rg->o.shards;
    uint64_t extra = rg->o.seeds % rg->o.shards;
    uint64_t first = rg->o.seed;

    rg->n = (unsigned)rg->o.shards;
    rg->shard = calloc(rg->n, sizeof(*rg->shard));
    if (!rg->shard) {
        fprintf(stderr, "edu-tb regress: out of memory\n");
        return 1;
    }
    for (unsigned i = 0; i < rg->n; i++) {
        rg->shard[i].first = first;
        rg->shard[i].n = base + (i < extra);
        rg->shard[i].status = -1;
        first += rg->shard[i].n;
        for (size_t k = 0; k < sizeof(exts) / sizeof(exts[0]); k++) {
            char path[PATH_MAX + 64];

            regress_path(rg, i, exts[k], path, sizeof(path));
            if (unlink(path) != 0 && errno != ENOENT) {
                fprintf(stderr, "edu-tb regress: cannot remove '%s': %s\n",
                        path, strerror(errno));
                return 1;
            }
        }
    }
    return 0;
}

/* The arguments of shard i's compare (argv[0] this edu-tb), allocated:
 * regress_free_argv frees them. */
static int regress_shard_argv(const Regress *rg, unsigned i, char **argv)
{
    const RegressOptions *o = &rg->o;
    const Shard *s = &rg->shard[i];
    char num[4][32], path[4][PATH_MAX + 64];
    const char *args[RG_MAX_ARGV];
    int n = 0;

    snprintf(num[0], sizeof(num[0]), "%" PRIu64, s->first);
    snprintf(num[1], sizeof(num[1]), "%" PRIu64, s->n);
    snprintf(num[2], sizeof(num[2]), "%" PRIu64, o->count);
    snprintf(num[3], sizeof(num[3]), "%" PRIu64, o->devices);
    regress_path(rg, i, "xml", path[0], sizeof(path[0]));
    regress_path(rg, i, "json", path[1], sizeof(path[1]));
    regress_path(rg, i, "qtest", path[2], sizeof(path[2]));
    regress_path(rg, i, "cov", path[3], sizeof(path[3]));
    args[n++] = rg->self;
    args[n++] = "compare";
    args[n++] = "--no-scenarios";
    args[n++] = "--backends";
    args[n++] = o->backends;
    args[n++] = "--seed";
    args[n++] = num[0];
    args[n++] = "--seeds";
    args[n++] = num[1];
    args[n++] = "--count";
    args[n++] = num[2];
    args[n++] = "--devices";
    args[n++] = num[3];
    if (o->timing) {
        args[n++] = "--timing";
    }
    if (o->keep_going) {
        args[n++] = "--keep-going";
    }
    args[n++] = "--junit";
    args[n++] = path[0];
    args[n++] = "--json";
    args[n++] = path[1];
    args[n++] = "--replay";
    args[n++] = path[2];
    if (o->coverage) {
        args[n++] = "--coverage";
        args[n++] = path[3];
    }
    for (int k = 0; k < n; k++) {
        argv[k] = strdup(args[k]);
        if (!argv[k]) {
            while (k > 0) {
                free(argv[--k]);
            }
            return -ENOMEM;
        }
    }
    argv[n] = NULL;
    return n;
}

static void regress_free_argv(char **argv)
{
    for (char **a = argv; *a; a++) {
        free(*a);
    }
}

/* Runs argv (searched in PATH) with its stdout and stderr into buf (cut
 * to len, NUL-ended): its exit status, 127 when it could not be run, or
 * -1 when it ended on a signal. */
static int regress_capture(char *const argv[], char *buf, size_t len)
{
    int fds[2];
    size_t used = 0;
    pid_t pid;
    int status;

    buf[0] = '\0';
    if (pipe(fds) != 0) {
        snprintf(buf, len, "pipe: %s", strerror(errno));
        return 127;
    }
    pid = fork();
    if (pid < 0) {
        snprintf(buf, len, "fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return 127;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);

        if (null >= 0) {
            dup2(null, 0);
        }
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        execvp(argv[0], argv);
        dprintf(2, "cannot run %s: %s", argv[0], strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    for (;;) {
        char chunk[4096];
        ssize_t got = read(fds[0], chunk, sizeof(chunk));

        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            break;
        }
        if (used + 1 < len) {
            size_t take =
                (size_t)got < len - 1 - used ? (size_t)got : len - 1 - used;

            memcpy(buf + used, chunk, take);
            used += take;
            buf[used] = '\0';
        }
    }
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A file's first line as an exit status (0 to 255), or -1. */
static int regress_read_status(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[32];
    uint64_t v;

    if (!f) {
        return -1;
    }
    if (!fgets(line, sizeof(line), f)) {
        line[0] = '\0';
    }
    fclose(f);
    line[strcspn(line, "\n")] = '\0';
    return cli_u64(line, 0, 255, &v) ? (int)v : -1;
}

/* Shard i's exit status into DIR/shard-I.exit (as the Slurm script
 * writes it). */
static void regress_write_status(const Regress *rg, unsigned i, int status)
{
    char path[PATH_MAX + 64];
    OutputFile out;

    regress_path(rg, i, "exit", path, sizeof(path));
    if (output_open(&out, path) == 0) {
        fprintf(out.f, "%d\n", status);
        if (output_close(&out, true) != 0) {
            fprintf(stderr, "edu-tb regress: cannot write '%s'\n", path);
        }
    }
}

/* Starts shard i here, its output into DIR/shard-I.log: 0, or 1 said. */
static int regress_start(Regress *rg, unsigned i)
{
    char *argv[RG_MAX_ARGV + 1];
    char log[PATH_MAX + 64];
    Shard *s = &rg->shard[i];
    int fd;

    regress_path(rg, i, "log", log, sizeof(log));
    if (regress_shard_argv(rg, i, argv) < 0) {
        fprintf(stderr, "edu-tb regress: out of memory\n");
        return 1;
    }
    fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        fprintf(stderr, "edu-tb regress: cannot write '%s': %s\n", log,
                strerror(errno));
        regress_free_argv(argv);
        return 1;
    }
    fflush(stdout);
    s->pid = fork();
    if (s->pid == 0) {
        int null = open("/dev/null", O_RDONLY);

        if (null >= 0) {
            dup2(null, 0);
        }
        dup2(fd, 1);
        dup2(fd, 2);
        execv(argv[0], argv);
        dprintf(2, "edu-tb regress: cannot run %s: %s\n", argv[0],
                strerror(errno));
        _exit(127);
    }
    close(fd);
    regress_free_argv(argv);
    if (s->pid < 0) {
        fprintf(stderr, "edu-tb regress: fork: %s\n", strerror(errno));
        s->pid = 0;
        return 1;
    }
    s->t0 = regress_wall_s();
    printf("shard %u started: seeds %" PRIu64 "..%" PRIu64 "\n", i, s->first,
           s->first + s->n - 1);
    fflush(stdout);
    return 0;
}

/* The shards here, J at a time, each with a line when it starts and one
 * when it ends.  0, or 1 when one could not start or a signal came. */
static int regress_local(Regress *rg)
{
    unsigned next = 0, running = 0, done = 0;
    int rc = 0;

    printf("edu-tb regress: %u shards here, %" PRIu64 " at a time; output "
           "in %s\n",
           rg->n, rg->o.jobs, rg->dir);
    while (next < rg->n || running) {
        int status;
        pid_t pid;

        while (rc == 0 && !regress_signal && running < rg->o.jobs &&
               next < rg->n) {
            rc = regress_start(rg, next++);
            running += rc == 0;
        }
        if (!running) {
            break;
        }
        pid = waitpid(-1, &status, 0);
        if (pid < 0 && errno == EINTR) {
            if (regress_signal) {
                /* Stop the shards: they end, the merge says so. */
                printf("edu-tb regress: signal %d: stopping the shards\n",
                       (int)regress_signal);
                for (unsigned i = 0; i < rg->n; i++) {
                    if (rg->shard[i].pid > 0) {
                        kill(rg->shard[i].pid, SIGTERM);
                    }
                }
            }
            continue;
        }
        if (pid < 0) {
            fprintf(stderr, "edu-tb regress: waitpid: %s\n", strerror(errno));
            return 1;
        }
        for (unsigned i = 0; i < rg->n; i++) {
            Shard *s = &rg->shard[i];

            if (s->pid != pid) {
                continue;
            }
            s->pid = 0;
            s->status = WIFEXITED(status) ? WEXITSTATUS(status)
                                          : 128 + WTERMSIG(status);
            regress_write_status(rg, i, s->status);
            running--;
            done++;
            printf("shard %u %s (exit %d, %.1f s); %u of %u done\n", i,
                   s->status == 0                          ? "passed"
                   : WIFSIGNALED(status) || regress_signal ? "stopped"
                                                           : "FAILED",
                   s->status, regress_wall_s() - s->t0, done, rg->n);
            fflush(stdout);
        }
    }
    return rc || regress_signal ? 1 : 0;
}

/* 'arg' quoted for sh: '...' with each ' as '\''. */
static void regress_sh_quote(FILE *f, const char *arg)
{
    fputc('\'', f);
    for (const char *p = arg; *p; p++) {
        if (*p == '\'') {
            fputs("'\\''", f);
        } else {
            fputc(*p, f);
        }
    }
    fputc('\'', f);
}

/* DIR/regress.sbatch: an array task per shard, each working out its
 * shard from $SLURM_ARRAY_TASK_ID.  0, or 1 said. */
static int regress_write_sbatch(const Regress *rg, const char *path)
{
    OutputFile out;
    FILE *f;
    int rc = output_open(&out, path);

    if (rc < 0) {
        fprintf(stderr, "edu-tb regress: cannot write '%s': %s\n", path,
                strerror(-rc));
        return 1;
    }
    f = out.f;
    fprintf(f,
            "#!/bin/sh\n"
            "# Written by edu-tb regress: seeds %" PRIu64 "..%" PRIu64
            " of %s in %u shards,\n"
            "# one array task each (docs/regress.md).  Submitted as\n"
            "#   sbatch --parsable [--partition P] [ARG...] %s\n"
            "#SBATCH --job-name=edu-tb-regress\n"
            "#SBATCH --array=0-%u\n"
            "#SBATCH --ntasks=1\n"
            "#SBATCH --output=%s/shard-%%a.log\n"
            "#SBATCH --open-mode=truncate\n"
            "set -u\n"
            "dir=",
            rg->shard[0].first,
            rg->shard[rg->n - 1].first + rg->shard[rg->n - 1].n - 1,
            rg->o.backends, rg->n, path, rg->n - 1, rg->dir);
    regress_sh_quote(f, rg->dir);
    fputs("\ni=${SLURM_ARRAY_TASK_ID:?not run as a Slurm array task}\n"
          "case $i in\n",
          f);
    for (unsigned i = 0; i < rg->n; i++) {
        char *argv[RG_MAX_ARGV + 1];

        if (regress_shard_argv(rg, i, argv) < 0) {
            output_close(&out, false);
            fprintf(stderr, "edu-tb regress: out of memory\n");
            return 1;
        }
        fprintf(f, "%u) set --", i);
        for (char **a = argv; *a; a++) {
            fputc(' ', f);
            regress_sh_quote(f, *a);
        }
        fputs(" ;;\n", f);
        regress_free_argv(argv);
    }
    fputs("*) echo \"edu-tb regress: no shard $i\" >&2; exit 2 ;;\n"
          "esac\n"
          "\"$@\"\n"
          "status=$?\n"
          "# The shard ended: its exit status, for edu-tb regress to "
          "merge.\n"
          "echo \"$status\" >\"$dir/shard-$i.exit.tmp\" &&\n"
          "    mv -f \"$dir/shard-$i.exit.tmp\" \"$dir/shard-$i.exit\"\n"
          "exit \"$status\"\n",
          f);
    rc = output_close(&out, true);
    if (rc < 0) {
        fprintf(stderr, "edu-tb regress: cannot write '%s': %s\n", path,
                strerror(-rc));
        return 1;
    }
    return 0;
}

/* How many shards wrote their exit status. */
static unsigned regress_ended(const Regress *rg)
{
    unsigned n = 0;

    for (unsigned i = 0; i < rg->n; i++) {
        char path[PATH_MAX + 64];

        regress_path(rg, i, "exit", path, sizeof(path));
        n += access(path, F_OK) == 0;
    }
    return n;
}

static void regress_scancel(const Regress *rg)
{
    char *argv[] = {"scancel", (char *)rg->job_id, NULL};
    char out[1024];

    printf("edu-tb regress: cancelling job %s\n", rg->job_id);
    if (regress_capture(argv, out, sizeof(out)) != 0) {
        fprintf(stderr, "edu-tb regress: scancel %s: %s\n", rg->job_id, out);
    }
}

/* Waits until no task of the array is pending or running, with a line
 * whenever that changes.  0, or 1 said. */
static int regress_slurm_wait(Regress *rg)
{
    char *argv[] = {"squeue", "-h", "-r", "-j", rg->job_id, "-o", "%T", NULL};
    char last[128] = "";
    unsigned fails = 0;
    static char out[1 << 20];

    for (;;) {
        unsigned pending = 0, running = 0;
        char line[128];
        int st;

        if (regress_signal) {
            regress_scancel(rg);
            return 1;
        }
        st = regress_capture(argv, out, sizeof(out));
        if (st != 0 && strstr(out, "Invalid job id")) {
            return 0; /* ended and gone from the controller */
        }
        if (st != 0) {
            if (++fails == RG_SQUEUE_TRIES) {
                fprintf(stderr,
                        "edu-tb regress: squeue failed %d times in a row: "
                        "%s\n(the job %s may still be queued: scancel %s)\n",
                        RG_SQUEUE_TRIES, out, rg->job_id, rg->job_id);
                return 1;
            }
            sleep(RG_POLL_S);
            continue;
        }
        fails = 0;
        for (char *p = out; *p; p++) {
            if (p == out || p[-1] == '\n') {
                if (strncmp(p, "PENDING", 7) == 0) {
                    pending++;
                } else if (*p != '\n') {
                    running++;
                }
            }
        }
        snprintf(line, sizeof(line),
                 "slurm job %s: %u pending, %u running, %u of %u ended",
                 rg->job_id, pending, running, regress_ended(rg), rg->n);
        if (strcmp(line, last) != 0) {
            printf("%s\n", line);
            fflush(stdout);
            snprintf(last, sizeof(last), "%s", line);
        }
        if (!pending && !running) {
            return 0;
        }
        sleep(RG_POLL_S);
    }
}

/* Writes the array script, submits it, waits for it, reads the shards'
 * exit statuses.  0, or 1 said. */
static int regress_slurm(Regress *rg)
{
    char script[PATH_MAX + 32], out[4096], part[300];
    char *argv[RG_MAX_SBATCH_ARGS + 5];
    int n = 0, st;

    if (strpbrk(rg->dir, " \t\n%\"'\\")) {
        fprintf(stderr,
                "edu-tb regress: --out '%s': on Slurm, a directory without "
                "blanks, quotes, backslashes or %%\n",
                rg->dir);
        return 1;
    }
    snprintf(script, sizeof(script), "%s/regress.sbatch", rg->dir);
    if (regress_write_sbatch(rg, script) != 0) {
        return 1;
    }
    argv[n++] = "sbatch";
    argv[n++] = "--parsable";
    if (rg->o.partition) {
        snprintf(part, sizeof(part), "--partition=%s", rg->o.partition);
        argv[n++] = part;
    }
    for (unsigned i = 0; i < rg->o.n_sbatch_args; i++) {
        argv[n++] = (char *)rg->o.sbatch_args[i];
    }
    argv[n++] = script;
    argv[n] = NULL;
    st = regress_capture(argv, out, sizeof(out));
    out[strcspn(out, "\n")] = '\0';
    if (st != 0) {
        fprintf(stderr, "edu-tb regress: sbatch failed (exit %d): %s\n", st,
                out);
        return 1;
    }
    /* --parsable: "JOBID" or "JOBID;CLUSTER" */
    out[strcspn(out, ";")] = '\0';
    if (!*out || strspn(out, "0123456789") != strlen(out)) {
        fprintf(stderr, "edu-tb regress: sbatch answered '%s', not a job id\n",
                out);
        return 1;
    }
    if (strlen(out) >= sizeof(rg->job_id)) {
        fprintf(stderr, "edu-tb regress: sbatch answered '%s', not a job id\n",
                out);
        return 1;
    }
    memcpy(rg->job_id, out, strlen(out) + 1);
    printf("edu-tb regress: %u shards as Slurm job array %s (%s); output in "
           "%s\n",
           rg->n, rg->job_id, script, rg->dir);
    fflush(stdout);
    st = regress_slurm_wait(rg);
    for (unsigned i = 0; i < rg->n; i++) {
        char path[PATH_MAX + 64];

        regress_path(rg, i, "exit", path, sizeof(path));
        rg->shard[i].status = regress_read_status(path);
    }
    return st;
}

/* Whether this edu-tb has the coverage model's command (edu-tb cover). */
static bool regress_has_cover(const Regress *rg)
{
    char *argv[] = {(char *)rg->self, "help", "cover", NULL};
    char out[256];

    return regress_capture(argv, out, sizeof(out)) == 0;
}

/* Every shard's coverage merged into DIR/coverage.cov with `edu-tb cover
 * merge OUT IN...` (the coverage model's command, docs/coverage.md): 0,
 * or 1 said. */
static int regress_merge_coverage(const Regress *rg)
{
    char **argv = calloc(rg->n + 5, sizeof(*argv));
    char merged[PATH_MAX + 32], out[4096];
    int n = 0, st = 0;

    if (!argv) {
        return 1;
    }
    snprintf(merged, sizeof(merged), "%s/coverage.cov", rg->dir);
    argv[n++] = (char *)rg->self;
    argv[n++] = "cover";
    argv[n++] = "merge";
    argv[n++] = merged;
    for (unsigned i = 0; i < rg->n; i++) {
        char path[PATH_MAX + 64];

        regress_path(rg, i, "cov", path, sizeof(path));
        if (access(path, R_OK) == 0) {
            argv[n++] = strdup(path);
        }
    }
    if (n > 4) {
        st = regress_capture(argv, out, sizeof(out));
        if (st != 0) {
            fprintf(stderr, "edu-tb regress: edu-tb cover merge: %s\n", out);
        }
    }
    for (int k = 4; k < n; k++) {
        free(argv[k]);
    }
    free(argv);
    return st != 0;
}

/* A whole file, NUL-ended, or NULL. */
static char *regress_slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t len = 0;
    FILE *m;
    char chunk[65536];
    size_t got;

    if (!f) {
        return NULL;
    }
    m = open_memstream(&buf, &len);
    if (!m) {
        fclose(f);
        return NULL;
    }
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        fwrite(chunk, 1, got, m);
    }
    fclose(f);
    if (fclose(m) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Shard i's JSON summary into f: its members but the cases (null when it
 * wrote none); its failed cases, one a line, into failures.  The JSON is
 * ours (report.c): the cases come last, one a line. */
static void regress_shard_json(const Regress *rg, unsigned i, FILE *f,
                               FILE *failures, bool *first_failure)
{
    char path[PATH_MAX + 64];
    char *text, *cases;

    regress_path(rg, i, "json", path, sizeof(path));
    text = regress_slurp(path);
    cases = text ? strstr(text, ",\n  \"cases\": [") : NULL;
    if (!cases) {
        fputs("null", f);
        free(text);
        return;
    }
    *cases = '\0';
    for (char *line = cases + 1; line && *line;) {
        char *end = strchr(line, '\n');

        if (end) {
            *end = '\0';
        }
        if (strncmp(line, "    {", 5) == 0 &&
            (strstr(line, "\"status\": \"failed\"") ||
             strstr(line, "\"status\": \"error\""))) {
            size_t len = strlen(line);

            if (line[len - 1] == ',') {
                line[len - 1] = '\0';
            }
            fprintf(failures, "%s\n%s", *first_failure ? "" : ",", line);
            *first_failure = false;
        }
        line = end ? end + 1 : NULL;
    }
    /* Indented one level more, inside the shard's entry. */
    for (char *p = text; *p; p++) {
        fputc(*p, f);
        if (*p == '\n') {
            fputs("    ", f);
        }
    }
    fputs("\n    }", f);
    free(text);
}

/* Prints what a failed shard said (its DIVERGED and FAILED lines and
 * again: commands) and where its files are. */
static void regress_report_shard(const Regress *rg, unsigned i, bool ran)
{
    char path[PATH_MAX + 64];
    FILE *log;
    const Shard *s = &rg->shard[i];

    printf("shard %u (seeds %" PRIu64 "..%" PRIu64 ") %s", i, s->first,
           s->first + s->n - 1, ran ? "FAILED" : "did not finish");
    if (s->status >= 0) {
        printf(" (exit %d)", s->status);
    }
    printf(":\n");
    regress_path(rg, i, "log", path, sizeof(path));
    log = fopen(path, "r");
    if (log) {
        char *line = NULL;
        size_t cap = 0;

        while (getline(&line, &cap, log) > 0) {
            if (strncmp(line, "DIVERGED ", 9) == 0 ||
                strncmp(line, "FAILED ", 7) == 0 ||
                strncmp(line, "  again:  ", 10) == 0 ||
                strncmp(line, "edu-tb ", 7) == 0) {
                printf("  %s", line);
            }
        }
        free(line);
        fclose(log);
    }
    regress_path(rg, i, "qtest", path, sizeof(path));
    if (access(path, F_OK) == 0) {
        printf("    replay: %s (kept)\n", path);
    }
    regress_path(rg, i, "log", path, sizeof(path));
    printf("    log:    %s\n", path);
}

/* The merged JUnit and JSON summary, and the summary lines.  The exit
 * status: 0 only when every shard ran and passed. */
static int regress_merge(Regress *rg, const char *mode, double wall, int run_rc)
{
    char junit[PATH_MAX + 32], summary[PATH_MAX + 32];
    char **inputs = calloc(rg->n, sizeof(*inputs));
    char **names = calloc(rg->n, sizeof(*names));
    char **msgs = calloc(rg->n, sizeof(*msgs));
    unsigned passed = 0, failed = 0, missing = 0;
    char *fail_text = NULL;
    size_t fail_len = 0;
    FILE *fails;
    bool first_failure = true;
    ReportTally t;
    OutputFile out;
    int rc;

    snprintf(junit, sizeof(junit), "%s/junit.xml", rg->dir);
    snprintf(summary, sizeof(summary), "%s/summary.json", rg->dir);
    if (!inputs || !names || !msgs) {
        fprintf(stderr, "edu-tb regress: out of memory\n");
        free(inputs);
        free(names);
        free(msgs);
        return 1;
    }
    for (unsigned i = 0; i < rg->n; i++) {
        char path[PATH_MAX + 64];
        const Shard *s = &rg->shard[i];

        regress_path(rg, i, "xml", path, sizeof(path));
        inputs[i] = strdup(path);
        if (asprintf(&names[i],
                     "edu-tb regress shard %u seeds %" PRIu64 "..%" PRIu64, i,
                     s->first, s->first + s->n - 1) < 0) {
            names[i] = NULL;
        }
        regress_path(rg, i, "log", path, sizeof(path));
        if (asprintf(&msgs[i],
                     "shard %u did not run to its end (exit %d; "
                     "see %s)",
                     i, s->status, path) < 0) {
            msgs[i] = NULL;
        }
    }
    rc = report_junit_merge(
        junit, "edu-tb regress", (const char *const *)inputs,
        (const char *const *)names, (const char *const *)msgs, rg->n, &t);
    if (rc < 0) {
        fprintf(stderr, "edu-tb regress: cannot write '%s': %s\n", junit,
                strerror(-rc));
        run_rc = 1;
    }
    if (rg->o.coverage && regress_merge_coverage(rg) != 0) {
        run_rc = 1;
    }
    printf("\n");
    for (unsigned i = 0; i < rg->n; i++) {
        char path[PATH_MAX + 64];
        bool ran;

        regress_path(rg, i, "xml", path, sizeof(path));
        ran = access(path, R_OK) == 0;
        passed += ran && rg->shard[i].status == 0;
        failed += ran && rg->shard[i].status != 0;
        missing += !ran;
    }
    /* What each failed shard said; when none ran at all (sbatch refused
     * the array, say), one line is enough. */
    for (unsigned i = 0; i < rg->n && missing < rg->n; i++) {
        char path[PATH_MAX + 64];
        bool ran;

        regress_path(rg, i, "xml", path, sizeof(path));
        ran = access(path, R_OK) == 0;
        if (!ran || rg->shard[i].status != 0) {
            regress_report_shard(rg, i, ran);
        }
    }
    if (missing == rg->n) {
        printf("no shard ran: nothing to merge but their absence\n");
    }
    if (passed != rg->n || t.failures || t.errors) {
        run_rc = 1;
    }
    fails = open_memstream(&fail_text, &fail_len);
    rc = output_open(&out, summary);
    if (rc == 0 && fails) {
        FILE *f = out.f;

        fputs("{\n  \"command\": \"regress\",\n  \"mode\": ", f);
        report_json_string(f, mode);
        fputs(",\n  \"job_id\": ", f);
        if (rg->job_id[0]) {
            report_json_string(f, rg->job_id);
        } else {
            fputs("null", f);
        }
        fputs(",\n  \"backends\": ", f);
        report_json_string(f, rg->o.backends);
        fprintf(f,
                ",\n  \"seed\": %" PRIu64 ",\n  \"seeds\": %" PRIu64
                ",\n  \"shards\": %u,\n  \"count\": %" PRIu64
                ",\n  \"devices\": %" PRIu64
                ",\n  \"timing\": %s,\n  \"keep_going\": %s,"
                "\n  \"shard_results\": [",
                rg->o.seed, rg->o.seeds, rg->n, rg->o.count, rg->o.devices,
                rg->o.timing ? "true" : "false",
                rg->o.keep_going ? "true" : "false");
        for (unsigned i = 0; i < rg->n; i++) {
            const Shard *s = &rg->shard[i];
            char path[PATH_MAX + 64];
            bool ran, replay;
            const char *state;

            regress_path(rg, i, "xml", path, sizeof(path));
            ran = access(path, R_OK) == 0;
            regress_path(rg, i, "qtest", path, sizeof(path));
            replay = access(path, F_OK) == 0;
            state = !ran ? "missing" : s->status == 0 ? "passed" : "failed";
            fprintf(f,
                    "%s\n    {\"index\": %u, \"seed\": %" PRIu64
                    ", \"seeds\": %" PRIu64 ", \"status\": \"%s\", "
                    "\"exit_status\": ",
                    i ? "," : "", i, s->first, s->n, state);
            if (s->status >= 0) {
                fprintf(f, "%d", s->status);
            } else {
                fputs("null", f);
            }
            fputs(", \"replay\": ", f);
            if (replay) {
                report_json_string(f, path);
            } else {
                fputs("null", f);
            }
            regress_path(rg, i, "log", path, sizeof(path));
            fputs(", \"log\": ", f);
            report_json_string(f, path);
            fputs(",\n     \"summary\": ", f);
            regress_shard_json(rg, i, f, fails, &first_failure);
            fputc('}', f);
        }
        fclose(fails);
        fails = NULL;
        fprintf(f,
                "\n  ],\n  \"tests\": %lu,\n  \"passed\": %lu,\n"
                "  \"failures\": %lu,\n  \"errors\": %lu,\n"
                "  \"skipped\": %lu,\n  \"shards_passed\": %u,\n"
                "  \"shards_failed\": %u,\n  \"shards_missing\": %u,\n"
                "  \"result\": \"%s\",\n  \"exit_status\": %d,\n"
                "  \"wall_s\": %.3f,\n  \"junit\": ",
                t.tests, t.tests - t.failures - t.errors - t.skipped,
                t.failures, t.errors, t.skipped, passed, failed, missing,
                run_rc ? "failed" : "passed", run_rc, wall);
        report_json_string(f, junit);
        fputs(",\n  \"coverage\": ", f);
        if (rg->o.coverage) {
            char cov[PATH_MAX + 32];

            snprintf(cov, sizeof(cov), "%s/coverage.cov", rg->dir);
            report_json_string(f, cov);
        } else {
            fputs("null", f);
        }
        fprintf(f, ",\n  \"failed_cases\": [%s%s]\n}\n",
                fail_text ? fail_text : "", fail_len ? "\n  " : "");
        rc = output_close(&out, true);
    } else if (rc == 0) {
        output_close(&out, false);
        rc = -ENOMEM;
    }
    if (fails) {
        fclose(fails);
    }
    free(fail_text);
    if (rc < 0) {
        fprintf(stderr, "edu-tb regress: cannot write '%s': %s\n", summary,
                strerror(-rc));
        run_rc = 1;
    }
    printf("%lu tests: %lu passed, %lu failed, %lu errors, %lu skipped; "
           "%u shards: %u passed, %u failed, %u did not finish; %.1f s wall "
           "time\n",
           t.tests, t.tests - t.failures - t.errors - t.skipped, t.failures,
           t.errors, t.skipped, rg->n, passed, failed, missing, wall);
    printf("results: %s, %s%s%s%s\n", junit, summary,
           rg->o.coverage ? ", " : "", rg->o.coverage ? rg->dir : "",
           rg->o.coverage ? "/coverage.cov" : "");
    for (unsigned i = 0; i < rg->n; i++) {
        free(inputs[i]);
        free(names[i]);
        free(msgs[i]);
    }
    free(inputs);
    free(names);
    free(msgs);
    return run_rc;
}

int regress_main(int argc, char **argv)
{
    Regress rg = {0};
    struct sigaction sa = {.sa_handler = regress_on_signal};
    double t0 = regress_wall_s();
    ssize_t len;
    int rc = regress_parse(argc, argv, &rg.o);

    if (rc) {
        return rc == 1 ? 0 : rc;
    }
    len = readlink("/proc/self/exe", rg.self, sizeof(rg.self) - 1);
    if (len <= 0) {
        fprintf(stderr, "edu-tb regress: cannot find this edu-tb: %s\n",
                strerror(errno));
        return 1;
    }
    rg.self[len] = '\0';
    if (rg.o.coverage && !regress_has_cover(&rg)) {
        fprintf(stderr, "edu-tb regress: --coverage: this edu-tb has no "
                        "coverage model (no 'edu-tb cover')\n");
        return 2;
    }
    if (regress_make_dir(&rg) != 0 || regress_outputs_writable(&rg) != 0 ||
        regress_plan(&rg) != 0) {
        free(rg.shard);
        return 1;
    }
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    printf("edu-tb regress: %s; seeds %" PRIu64 "..%" PRIu64 ", %" PRIu64
           " operations each, in %u shards\n",
           rg.o.backends, rg.o.seed, rg.o.seed + rg.o.seeds - 1, rg.o.count,
           rg.n);
    fflush(stdout);
    rc = rg.o.slurm ? regress_slurm(&rg) : regress_local(&rg);
    rc = regress_merge(&rg, rg.o.slurm ? "slurm" : "local",
                       regress_wall_s() - t0, rc);
    free(rg.shard);
    return rc;
}

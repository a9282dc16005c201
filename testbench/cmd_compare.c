/*
 * edu-tb compare: the same operation stream on several views in lockstep.
 *
 * The directed scenarios first, then constrained-random streams, one seed
 * each, every answer compared with the first view's.  The first divergence
 * stops the run (unless --keep-going) and is written out as a qtest script
 * that replays it; the seed is always printed.  Each scenario and seed
 * starts from fresh views.
 */
#define _POSIX_C_SOURCE 200809L /* fileno, getpid */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_compare.h"
#include "cover_platform.h"
#include "lockstep.h"
#include "output.h"
#include "qtest.h"
#include "random.h"
#include "scenarios.h"

#define CMP_DEFAULT_BACKENDS "cmodel,qemu"
#define CMP_DEFAULT_SEEDS    20
#define CMP_DEFAULT_COUNT    300
#define CMP_DEFAULT_REPLAY   "edu-tb-replay.qtest"

typedef struct CompareOptions {
    const char *names[LOCKSTEP_MAX_VIEWS];
    unsigned n_views;
    uint64_t seed;
    uint64_t seeds;
    uint64_t count;
    uint64_t devices;
    bool seeded;       /* --seed given */
    bool no_scenarios; /* --no-scenarios */
    bool no_random;    /* --no-random */
    bool keep_going;
    bool timing;
    bool verbose;
    const char *replay;
    char backends[256];
    const char *coverage; /* --coverage FILE */
    bool until_covered;   /* --until-covered */
    Cover *cov;           /* the bins, with either of them */
} CompareOptions;

/* Totals over every scenario and seed. */
typedef struct CompareTotals {
    unsigned long ops;
    unsigned long compared[LOCKSTEP_MAX_VIEWS];
    unsigned long mismatches[LOCKSTEP_MAX_VIEWS];
    uint64_t sim_ns[LOCKSTEP_MAX_VIEWS];
    unsigned long guest_errors[LOCKSTEP_MAX_VIEWS];
    unsigned sessions;
    unsigned failed_checks;
    bool diverged;
    bool failed;
} CompareTotals;

void compare_help(FILE *f)
{
    fprintf(f,
            "usage: edu-tb compare [--backends A,B[,...]] [--seed N] "
            "[--seeds K]\n"
            "                      [--count M] [--devices D] "
            "[--replay FILE]\n"
            "                      [--no-scenarios | --no-random] "
            "[--timing] [--keep-going]\n"
            "                      [--verbose] [--coverage FILE] "
            "[--until-covered]\n"
            "\n"
            "Sends the same operations to every view in lockstep and "
            "compares every\n"
            "answer with the first view's: the directed scenarios, then "
            "K constrained-\n"
            "random streams of M operations (seeds N, N+1, ...).  The "
            "first divergence\n"
            "is reported and written to a qtest script that replays it.\n"
            "\n"
            "options:\n"
            "  --backends LIST  views to compare, the reference first "
            "(default %s)\n"
            "  --seed N         first seed (default: from the clock; "
            "always printed)\n"
            "  --seeds K        random streams to run (default %d)\n"
            "  --count M        operations per stream (default %d)\n"
            "  --devices D      edu devices on the bus in the random streams,\n"
            "                   in slots 4, 5, ... (1 to 8, default 1)\n"
            "  --replay FILE    where a divergence is written (default "
            "%s)\n"
            "  --no-scenarios   random streams only\n"
            "  --no-random      directed scenarios only\n"
            "  --timing         also compare how long each operation took "
            "(exactly;\n"
            "                   the end of a DMA within 2%%)\n"
            "  --keep-going     count every mismatch instead of stopping "
            "at the first\n"
            "  --verbose        a line per scenario and seed\n"
            "  --coverage FILE  add the functional coverage bins hit to "
            "FILE\n"
            "                   (the reference's answers; docs/coverage.md)\n"
            "  --until-covered  bias the random streams toward the bins "
            "not hit yet\n"
            "                   (FILE's included) and stop when all are, "
            "or after K\n"
            "                   streams (--seeds)\n"
            "  -h, --help       this help\n"
            "\n"
            "Exit status: 0 all answers equal, 1 a divergence or a view "
            "failed,\n"
            "2 bad usage.  See docs/edu-tb.md.\n",
            CMP_DEFAULT_BACKENDS, CMP_DEFAULT_SEEDS, CMP_DEFAULT_COUNT,
            CMP_DEFAULT_REPLAY);
}

static const CliCommand compare_cli;

static int compare_parse_backends(void *opts, const char *list)
{
    CompareOptions *o = opts;
    char *next = o->backends;

    if (strlen(list) >= sizeof(o->backends)) {
        return cli_usage(&compare_cli, "%s",
                         "--backends: the list is too long");
    }
    snprintf(o->backends, sizeof(o->backends), "%s", list);
    o->n_views = 0;
    while (next) {
        char *name = next;
        char *comma = strchr(name, ',');

        next = comma ? comma + 1 : NULL;
        if (comma) {
            *comma = '\0';
        }
        if (!*name) {
            return cli_usage(&compare_cli, "--backends '%s': an empty name",
                             list);
        }
        if (o->n_views == LOCKSTEP_MAX_VIEWS) {
            return cli_usage(&compare_cli, "too many backends in '%s'", list);
        }
        if (!backend_find(name)) {
            char err[256];

            backend_open(name, NULL, err, sizeof(err));
            return cli_usage(&compare_cli, "%s", err);
        }
        o->names[o->n_views++] = name;
    }
    if (o->n_views < 2) {
        return cli_usage(&compare_cli, "'%s': name at least two backends",
                         list);
    }
    return 0;
}

static int compare_set_seed(void *opts, const char *v)
{
    CompareOptions *o = opts;

    o->seeded = true;
    if (!cli_u64(v, 0, UINT64_MAX, &o->seed)) {
        return cli_usage(&compare_cli, "--seed '%s' is not a number", v);
    }
    return 0;
}

static int compare_set_seeds(void *opts, const char *v)
{
    if (!cli_u64(v, 1, 1000000, &((CompareOptions *)opts)->seeds)) {
        return cli_usage(&compare_cli,
                         "--seeds '%s' is not a number from 1 to 1000000", v);
    }
    return 0;
}

static int compare_set_count(void *opts, const char *v)
{
    if (!cli_u64(v, 1, 100000000, &((CompareOptions *)opts)->count)) {
        return cli_usage(&compare_cli,
                         "--count '%s' is not a number from 1 to 100000000", v);
    }
    return 0;
}

static int compare_set_devices(void *opts, const char *v)
{
    if (!cli_u64(v, 1, EDU_PLATFORM_MAX_EDU, &((CompareOptions *)opts)->devices)) {
        return cli_usage(&compare_cli,
                         "--devices '%s' is not a number from 1 to 8", v);
    }
    return 0;
}

static int compare_set_replay(void *opts, const char *v)
{
    ((CompareOptions *)opts)->replay = v;
    if (!*v) {
        return cli_usage(&compare_cli, "%s",
                         "--replay needs a file name, not ''");
    }
    return 0;
}

static int compare_set_coverage(void *opts, const char *v)
{
    if (!*v) {
        return cli_usage(&compare_cli, "%s", "--coverage needs a file name");
    }
    ((CompareOptions *)opts)->coverage = v;
    return 0;
}

static const CliOption compare_options[] = {
    CLI_VALUE("coverage", compare_set_coverage),
    CLI_FLAG("until-covered", CompareOptions, until_covered),
    CLI_VALUE("backends", compare_parse_backends),
    CLI_VALUE("seed", compare_set_seed),
    CLI_VALUE("seeds", compare_set_seeds),
    CLI_VALUE("count", compare_set_count),
    CLI_VALUE("devices", compare_set_devices),
    CLI_VALUE("replay", compare_set_replay),
    CLI_FLAG("no-scenarios", CompareOptions, no_scenarios),
    CLI_FLAG("no-random", CompareOptions, no_random),
    CLI_FLAG("keep-going", CompareOptions, keep_going),
    CLI_FLAG("timing", CompareOptions, timing),
    CLI_FLAG("verbose", CompareOptions, verbose),
};

static const CliCommand compare_cli = {
    .name = "compare",
    CLI_OPTIONS(compare_options),
    .help = compare_help,
    .missing_hint = true,
};

static int compare_parse(int argc, char **argv, CompareOptions *o)
{
    int rc;

    *o = (CompareOptions){
        .seeds = CMP_DEFAULT_SEEDS,
        .count = CMP_DEFAULT_COUNT,
        .devices = 1,
        .replay = CMP_DEFAULT_REPLAY,
    };
    rc = compare_parse_backends(o, CMP_DEFAULT_BACKENDS);
    if (rc == 0) {
        rc = cli_parse(&compare_cli, argc, argv, o);
    }
    if (rc == 0 && o->seeded && !o->no_random &&
        o->seeds - 1 > UINT64_MAX - o->seed) {
        rc = cli_usage(&compare_cli, "%s",
                       "--seed N --seeds K: the last seed, "
                       "N + K - 1, is past 2^64 - 1");
    }
    if (rc == 0 && o->no_scenarios && o->no_random) {
        rc = cli_usage(&compare_cli, "%s",
                       "--no-scenarios and --no-random leave "
                       "nothing to compare");
    }
    if (rc == 0 && !o->seeded) {
        o->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 16);
        o->seed %= 1000000000;
    }
    return rc;
}

static double wall_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int compare_open(const CompareOptions *o, const EduPlatformConfig *cfg,
                        EduPlatform **views)
{
    for (unsigned i = 0; i < o->n_views; i++) {
        char err[512];

        views[i] = backend_open(o->names[i], cfg, err, sizeof(err));
        if (i == 0 && views[i]) {
            /* The reference's answers are what coverage counts. */
            views[i] = cover_platform_wrap(views[i], o->cov, cfg);
            snprintf(err, sizeof(err), "out of memory");
        }
        if (!views[i]) {
            fprintf(stderr, "edu-tb compare: %s\n", err);
            while (i > 0) {
                backend_close(views[--i]);
            }
            return -EIO;
        }
    }
    return 0;
}

static void compare_close(const CompareOptions *o, EduPlatform **views,
                          const Lockstep *ls, CompareTotals *t)
{
    t->ops += ls->ops;
    for (unsigned i = 0; i < o->n_views; i++) {
        t->compared[i] += i ? ls->ops : 0;
        t->mismatches[i] += ls->mismatches[i];
        t->sim_ns[i] += views[i]->ops->now_ns(views[i]);
        t->guest_errors[i] += views[i]->ops->guest_errors(views[i]);
        backend_close(views[i]);
    }
    t->sessions++;
}

/* Reports a divergence of 'ls' and writes its replay; what == scenario
 * name or seed, again == the command line that runs it again. */
static void compare_diverged(const CompareOptions *o,
                             const EduPlatformConfig *cfg, const Lockstep *ls,
                             const char *what, const char *again)
{
    char header[1024], platform[128];
    int rc;

    qtest_platform_args(cfg, platform, sizeof(platform));
    snprintf(header, sizeof(header),
             "# edu-tb replay: %s\n"
             "# diverged at %s\n"
             "# again: %s\n"
             "# replay: edu-tb qtest --backend NAME%s < this file\n",
             what, ls->divergence, again, platform);
    printf("DIVERGED %s: %s\n", what, ls->divergence);
    rc = lockstep_write_replay(ls, o->replay, header);
    if (rc < 0) {
        printf("  (could not write the replay to %s: %s)\n", o->replay,
               strerror(-rc));
    } else {
        printf("  replay: %s (its last line is the one that differs)\n",
               o->replay);
    }
    printf("  again:  %s\n", again);
}

/* One session: fresh views, 'body' on them, then the bookkeeping.
 * Returns true to go on. */
static bool compare_session(const CompareOptions *o,
                            const EduPlatformConfig *cfg, const char *what,
                            const char *again,
                            int (*body)(Lockstep *ls, const void *arg,
                                        unsigned *failed_checks),
                            const void *arg, CompareTotals *t)
{
    EduPlatform *views[LOCKSTEP_MAX_VIEWS];
    EduPlatformConfig quiet = *cfg;
    Lockstep ls;
    unsigned failed_checks = 0;
    int rc;

    /* Guest errors are counted for the summary, not printed. */
    quiet.quiet = true;
    if (compare_open(o, &quiet, views) < 0) {
        t->failed = true;
        return false;
    }
    rc = lockstep_init(&ls, views, o->n_views);
    ls.timing = o->timing;
    if (rc == 0) {
        rc = body(&ls, arg, &failed_checks);
    }
    if (ls.error) {
        printf("FAILED %s: %s\n", what, ls.error_text);
        t->failed = true;
    } else if (rc < 0) {
        printf("FAILED %s: %s\n", what, strerror(-rc));
        t->failed = true;
    }
    if (ls.diverged) {
        if (!t->diverged) {
            compare_diverged(o, cfg, &ls, what, again);
        }
        t->diverged = true;
    } else if (o->verbose && !t->failed) {
        printf("ok %s: %lu operations\n", what, ls.ops);
    }
    t->failed_checks += failed_checks;
    compare_close(o, views, &ls, t);
    lockstep_fini(&ls);
    return !t->failed && (!t->diverged || o->keep_going);
}

static void compare_again(const CompareOptions *o, char *buf, size_t len,
                          const char *extra)
{
    snprintf(buf, len, "edu-tb compare --backends %s", o->names[0]);
    for (unsigned i = 1; i < o->n_views; i++) {
        size_t used = strlen(buf);

        snprintf(buf + used, len - used, ",%s", o->names[i]);
    }
    snprintf(buf + strlen(buf), len - strlen(buf), "%s %s",
             o->timing ? " --timing" : "", extra);
}

typedef struct RandomArg {
    RandomConfig rc;
} RandomArg;

static int compare_random_body(Lockstep *ls, const void *arg,
                               unsigned *failed_checks)
{
    (void)failed_checks;
    return random_run(ls, &((const RandomArg *)arg)->rc);
}

static int compare_scenario_body(Lockstep *ls, const void *arg,
                                 unsigned *failed_checks)
{
    const Scenario *s = arg;
    ScnReport rep = {.qemu72 = true};

    /* A view's failure is the session's error (ls->error), reported by
     * compare_session; here only the scenario's own checks count. */
    if (!scn_run(s, ls, &rep) && !ls->error) {
        printf("FAILED scenario %s: %s\n", s->name, rep.first);
        *failed_checks += (unsigned)rep.failures;
    }
    return 0;
}

static void compare_progress(const char *what, unsigned done, unsigned all)
{
    if (isatty(fileno(stderr))) {
        fprintf(stderr, "\r%-40s %u/%u", what, done, all);
        if (done == all) {
            fputc('\n', stderr);
        }
    }
}

static bool compare_scenarios(const CompareOptions *o, CompareTotals *t)
{
    size_t n;
    const Scenario *table = scn_table(&n);

    for (size_t k = 0; k < n; k++) {
        const Scenario *s = &table[k];
        bool on_qemu = true;
        char what[128], again[512];

        for (unsigned i = 0; i < o->n_views; i++) {
            on_qemu &= s->on_qemu72 || strcmp(o->names[i], "qemu") != 0;
        }
        compare_progress("scenarios", (unsigned)k + 1, (unsigned)n);
        if (!on_qemu) {
            if (o->verbose) {
                printf("skip scenario %s: QEMU 7.2 aborts on it\n",
                       s->name);
            }
            continue;
        }
        snprintf(what, sizeof(what), "scenario %s", s->name);
        compare_again(o, again, sizeof(again), "--no-random");
        if (!compare_session(o, &s->platform, what, again,
                             compare_scenario_body, s, t)) {
            return false;
        }
    }
    return true;
}

static bool compare_random(const CompareOptions *o, CompareTotals *t)
{
    EduPlatformConfig cfg = {.quiet = true, .n_edu = (unsigned)o->devices};
    bool qemu = false;

    for (unsigned i = 0; i < o->n_views; i++) {
        qemu |= strcmp(o->names[i], "qemu") == 0;
    }

    for (unsigned i = 0; i < cfg.n_edu; i++) {
        cfg.edu_slot[i] = EDU_PLATFORM_FIRST_SLOT + i;
    }
    for (uint64_t k = 0; k < o->seeds; k++) {
        RandomArg arg = {
            .rc = {.seed = o->seed + k,
                   .count = o->count,
                   .n_edu = cfg.n_edu,
                   .edu_slot = cfg.edu_slot,
                   .dma_mask = random_dma_mask(o->seed + k),
                   .beyond_qemu72 = !qemu,
                   .cover = o->until_covered ? o->cov : NULL},
        };
        char what[64], extra[160], again[512];

        if (o->until_covered && cover_hole(o->cov, 0) < 0) {
            break;
        }
        snprintf(what, sizeof(what), "seed %" PRIu64, arg.rc.seed);
        snprintf(extra, sizeof(extra),
                 "--no-scenarios --seed %" PRIu64 " --seeds 1 --count %" PRIu64
                 " --devices %" PRIu64,
                 arg.rc.seed, o->count, o->devices);
        cfg.dma_mask = arg.rc.dma_mask;
        compare_again(o, again, sizeof(again), extra);
        compare_progress("random streams", (unsigned)k + 1,
                         (unsigned)o->seeds);
        if (!compare_session(o, &cfg, what, again, compare_random_body, &arg,
                             t)) {
            return false;
        }
    }
    return true;
}

static void compare_summary(const CompareOptions *o, const CompareTotals *t,
                            double wall)
{
    printf("\n%-14s %12s %12s %11s %14s %13s\n", "view", "operations",
           "compared", "mismatches", "simulated", "guest errors");
    for (unsigned i = 0; i < o->n_views; i++) {
        char name[32];

        snprintf(name, sizeof(name), "%s%s", o->names[i], i ? "" : " (ref)");
        printf("%-14s %12lu ", name, t->ops);
        if (i) {
            printf("%12lu %11lu ", t->compared[i], t->mismatches[i]);
        } else {
            printf("%12s %11s ", "-", "-");
        }
        printf("%11.3f ms %13lu\n", (double)t->sim_ns[i] / 1e6,
               t->guest_errors[i]);
    }
    printf("%u sessions, %.1f s wall time; %s\n", t->sessions, wall,
           t->failed        ? "a view FAILED"
           : t->diverged    ? "DIVERGED"
           : t->failed_checks ? "scenario checks FAILED"
                            : "all answers equal");
}

int compare_main(int argc, char **argv)
{
    CompareOptions o;
    CompareTotals t = {0};
    Cover cov;
    double t0 = wall_s();
    int rc = compare_parse(argc, argv, &o);
    bool go = true;

    char err[4400];

    if (rc) {
        return rc == 1 ? 0 : rc;
    }
    /* A divergence is written there: found out now, not after the run. */
    if (output_check(o.replay, err, sizeof(err)) < 0) {
        fprintf(stderr, "edu-tb compare: --replay: %s\n", err);
        return 1;
    }
    if (o.coverage && cover_session_start(&cov, "compare", o.coverage)) {
        return 1;
    }
    if (!o.coverage && o.until_covered && cover_init(&cov) < 0) {
        fprintf(stderr, "edu-tb compare: out of memory\n");
        return 1;
    }
    o.cov = o.coverage || o.until_covered ? &cov : NULL;
    printf("edu-tb compare: %s", o.names[0]);
    for (unsigned i = 1; i < o.n_views; i++) {
        printf(" vs %s", o.names[i]);
    }
    if (!o.no_random) {
        printf("; seeds %" PRIu64 "..%" PRIu64 ", %" PRIu64
               " operations each",
               o.seed, o.seed + o.seeds - 1, o.count);
    }
    printf("\n");
    fflush(stdout);
    if (!o.no_scenarios) {
        go = compare_scenarios(&o, &t);
    }
    if (go && !o.no_random) {
        compare_random(&o, &t);
    }
    if (t.sessions) {
        compare_summary(&o, &t, wall_s() - t0);
    }
    if (o.cov) {
        printf("coverage: %u of %u bins hit (%.1f %%)%s%s\n",
               cover_hit_bins(o.cov), o.cov->n,
               100.0 * cover_hit_bins(o.cov) / o.cov->n,
               o.coverage ? " in " : "", o.coverage ? o.coverage : "");
        if (o.coverage && cover_session_end(o.cov, "compare", o.coverage)) {
            t.failed = true;
        } else if (!o.coverage) {
            cover_fini(o.cov);
        }
    }
    return t.failed || t.diverged || t.failed_checks ? 1 : 0;
}

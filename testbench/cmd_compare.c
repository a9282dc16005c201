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
#include "report.h"
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
    const char *junit; /* --junit FILE, or NULL */
    const char *json;  /* --json FILE, or NULL */
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
    bool stopped; /* at a divergence or failure: the rest not run */
    bool replay_written;
    Report report; /* a test case per scenario and seed */
} CompareTotals;

/* What a session's body found besides the views' answers. */
typedef struct CompareChecks {
    unsigned failed;          /* failed scenario checks */
    char first[SCN_TEXT_MAX]; /* the first one */
} CompareChecks;

void compare_help(FILE *f)
{
    fprintf(f,
            "usage: edu-tb compare [--backends A,B[,...]] [--seed N] "
            "[--seeds K]\n"
            "                      [--count M] [--devices D] "
            "[--replay FILE]\n"
            "                      [--no-scenarios | --no-random] "
            "[--timing] [--keep-going]\n"
            "                      [--junit FILE] [--json FILE] [--verbose]\n"
            "                      [--coverage FILE] [--until-covered]\n"
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
            "  --junit FILE     JUnit XML: a test case per scenario and "
            "seed\n"
            "  --json FILE      a JSON summary (docs/edu-tb.md)\n"
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

static int compare_set_junit(void *opts, const char *v)
{
    ((CompareOptions *)opts)->junit = v;
    return *v ? 0 : cli_usage(&compare_cli, "%s", "--junit needs a file name");
}

static int compare_set_json(void *opts, const char *v)
{
    ((CompareOptions *)opts)->json = v;
    return *v ? 0 : cli_usage(&compare_cli, "%s", "--json needs a file name");
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
    CLI_VALUE("junit", compare_set_junit),
    CLI_VALUE("json", compare_set_json),
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
static bool compare_diverged(const CompareOptions *o,
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
    return rc == 0;
}

/* The test cases' class: "compare.cmodel-rtl". */
static void compare_classname(const CompareOptions *o, char *buf, size_t len)
{
    snprintf(buf, len, "compare.%s", o->names[0]);
    for (unsigned i = 1; i < o->n_views; i++) {
        size_t used = strlen(buf);

        snprintf(buf + used, len - used, "-%s", o->names[i]);
    }
}

/* A test case skipped: 'what' did not run, for 'why'. */
static void compare_skip(const CompareOptions *o, CompareTotals *t,
                         const char *what, const char *why)
{
    char classname[300];

    compare_classname(o, classname, sizeof(classname));
    report_case(&t->report, classname, what, REPORT_SKIPPED, 0.0, NULL, why,
                NULL, NULL);
}

#define CMP_NOT_RUN                                                            \
    "not run: the run stopped at the first divergence or failure "             \
    "(--keep-going goes on)"

/* The test case of a session, for --junit and --json. */
static void compare_record(const CompareOptions *o, CompareTotals *t,
                           const char *what, const char *again,
                           const Lockstep *ls, int rc,
                           const CompareChecks *checks, bool replay,
                           double time_s)
{
    char classname[300], detail[2048];
    const char *message = NULL;

    compare_classname(o, classname, sizeof(classname));
    if (ls->error || rc < 0) {
        message = ls->error ? ls->error_text : strerror(-rc);
        snprintf(detail, sizeof(detail), "FAILED %s: %s\nagain: %s", what,
                 message, again);
        report_case(&t->report, classname, what, REPORT_ERROR, time_s, "view",
                    message, detail, again);
    } else if (ls->diverged) {
        snprintf(detail, sizeof(detail), "DIVERGED %s: %s\n%s%s%sagain: %s",
                 what, ls->divergence, replay ? "replay: " : "",
                 replay ? o->replay : "", replay ? "\n" : "", again);
        report_case(&t->report, classname, what, REPORT_FAILED, time_s,
                    "divergence", ls->divergence, detail, again);
    } else if (checks->failed) {
        snprintf(detail, sizeof(detail), "FAILED %s: %s\nagain: %s", what,
                 checks->first, again);
        report_case(&t->report, classname, what, REPORT_FAILED, time_s, "check",
                    checks->first, detail, again);
    } else {
        report_case(&t->report, classname, what, REPORT_PASSED, time_s, NULL,
                    NULL, NULL, again);
    }
}

/* One session: fresh views, 'body' on them, then the bookkeeping.
 * Returns true to go on. */
static bool compare_session(const CompareOptions *o,
                            const EduPlatformConfig *cfg, const char *what,
                            const char *again,
                            int (*body)(Lockstep *ls, const void *arg,
                                        CompareChecks *checks),
                            const void *arg, CompareTotals *t)
{
    EduPlatform *views[LOCKSTEP_MAX_VIEWS];
    EduPlatformConfig quiet = *cfg;
    Lockstep ls;
    CompareChecks checks = {0};
    double t0 = wall_s();
    bool replay = false;
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
        rc = body(&ls, arg, &checks);
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
            replay = compare_diverged(o, cfg, &ls, what, again);
            t->replay_written = replay;
        }
        t->diverged = true;
    } else if (o->verbose && !t->failed) {
        printf("ok %s: %lu operations\n", what, ls.ops);
    }
    t->failed_checks += checks.failed;
    compare_record(o, t, what, again, &ls, rc, &checks, replay, wall_s() - t0);
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
                               CompareChecks *checks)
{
    (void)checks;
    return random_run(ls, &((const RandomArg *)arg)->rc);
}

static int compare_scenario_body(Lockstep *ls, const void *arg,
                                 CompareChecks *checks)
{
    const Scenario *s = arg;
    ScnReport rep = {.qemu72 = true};

    /* A view's failure is the session's error (ls->error), reported by
     * compare_session; here only the scenario's own checks count. */
    if (!scn_run(s, ls, &rep) && !ls->error) {
        printf("FAILED scenario %s: %s\n", s->name, rep.first);
        checks->failed += (unsigned)rep.failures;
        snprintf(checks->first, sizeof(checks->first), "%s", rep.first);
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
        snprintf(what, sizeof(what), "scenario %s", s->name);
        if (t->stopped) {
            compare_skip(o, t, what, CMP_NOT_RUN);
            continue;
        }
        compare_progress("scenarios", (unsigned)k + 1, (unsigned)n);
        if (!on_qemu) {
            compare_skip(o, t, what, "QEMU 7.2 aborts on it");
            if (o->verbose) {
                printf("skip scenario %s: QEMU 7.2 aborts on it\n",
                       s->name);
            }
            continue;
        }
        compare_again(o, again, sizeof(again), "--no-random");
        t->stopped = !compare_session(o, &s->platform, what, again,
                                      compare_scenario_body, s, t);
    }
    return !t->stopped;
}

/* The seeds from k on did not run: one skipped test case for them all. */
static void compare_seeds_not_run(const CompareOptions *o, CompareTotals *t,
                                  uint64_t k)
{
    char what[64];

    if (k >= o->seeds) {
        return;
    }
    snprintf(what, sizeof(what), "seeds %" PRIu64 "..%" PRIu64, o->seed + k,
             o->seed + o->seeds - 1);
    compare_skip(o, t, what, CMP_NOT_RUN);
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
            t->stopped = true;
            compare_seeds_not_run(o, t, k + 1);
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

/* The views' names, comma-separated. */
static void compare_backends_text(const CompareOptions *o, char *buf,
                                  size_t len)
{
    snprintf(buf, len, "%s", o->names[0]);
    for (unsigned i = 1; i < o->n_views; i++) {
        size_t used = strlen(buf);

        snprintf(buf + used, len - used, ",%s", o->names[i]);
    }
}

/* The report's suite and its files: 0, or 1 when one cannot be written. */
static int compare_report_init(const CompareOptions *o, CompareTotals *t)
{
    char suite[512], list[256];

    compare_backends_text(o, list, sizeof(list));
    snprintf(suite, sizeof(suite), "edu-tb compare %s", list);
    if (!o->no_random) {
        size_t used = strlen(suite);

        snprintf(suite + used, sizeof(suite) - used,
                 " seeds %" PRIu64 "..%" PRIu64, o->seed,
                 o->seed + o->seeds - 1);
    }
    report_init(&t->report, suite, o->junit, o->json);
    return report_check(&t->report, "compare");
}

/* The run's settings and each view's totals, then the files: 0 or 1. */
static int compare_write_report(const CompareOptions *o, CompareTotals *t,
                                int status, double wall)
{
    Report *r = &t->report;
    char *views = NULL;
    size_t len = 0;
    char list[256];
    FILE *f;

    if (!report_wanted(r)) {
        return 0;
    }
    compare_backends_text(o, list, sizeof(list));
    report_prop_str(r, "backends", list);
    report_prop_bool(r, "scenarios", !o->no_scenarios);
    report_prop_bool(r, "random", !o->no_random);
    report_prop_u64(r, "seed", o->seed);
    report_prop_u64(r, "seeds", o->no_random ? 0 : o->seeds);
    report_prop_u64(r, "count", o->count);
    report_prop_u64(r, "devices", o->devices);
    report_prop_bool(r, "timing", o->timing);
    report_prop_bool(r, "keep_going", o->keep_going);
    if (t->replay_written) {
        report_prop_str(r, "replay", o->replay);
    } else {
        report_prop_json(r, "replay", "null");
    }
    f = open_memstream(&views, &len);
    if (!f) {
        r->oom = true;
    } else {
        fputc('[', f);
        for (unsigned i = 0; i < o->n_views; i++) {
            fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
            report_json_string(f, o->names[i]);
            fprintf(f,
                    ", \"reference\": %s, \"operations\": %lu, "
                    "\"compared\": %lu, \"mismatches\": %lu, "
                    "\"simulated_ns\": %" PRIu64 ", \"guest_errors\": %lu}",
                    i ? "false" : "true", t->ops, t->compared[i],
                    t->mismatches[i], t->sim_ns[i], t->guest_errors[i]);
        }
        fputs("\n  ]", f);
        if (fclose(f) == 0) {
            report_prop_json(r, "views", views);
        } else {
            r->oom = true;
        }
        free(views);
    }
    return report_write(r, "compare", status, wall);
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
    if (compare_report_init(&o, &t) != 0) {
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
    } else if (!o.no_random) {
        compare_seeds_not_run(&o, &t, 0);
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
    rc = t.failed || t.diverged || t.failed_checks ? 1 : 0;
    rc = compare_write_report(&o, &t, rc, wall_s() - t0) ? 1 : rc;
    report_fini(&t.report);
    return rc;
}

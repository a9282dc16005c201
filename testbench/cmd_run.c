/*
 * `edu-tb run` and `edu-tb list`.
 *
 * run: every scenario named (all when none is) on a fresh backend of its
 * own, through a one-view Lockstep; a line per scenario and a summary.
 * Scenarios that abort QEMU 7.2 are skipped on the qemu backend.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream, clock_gettime */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "cli.h"
#include "cmd_run.h"
#include "cover_platform.h"
#include "lockstep.h"
#include "output.h"
#include "report.h"
#include "scenarios.h"

/* The backend whose reference is Debian's QEMU 7.2. */
#define RUN_QEMU72_BACKEND "qemu"

typedef struct RunOptions {
    const char *backend;
    const char *vcd; /* NULL: no waveforms */
    bool fst;        /* ... written as FST (--fst) */
    const char *junit; /* --junit FILE, or NULL */
    const char *json;  /* --json FILE, or NULL */
    bool several;    /* more than one scenario: a VCD each */
    bool quiet;
    bool verbose;
    const char *coverage; /* --coverage FILE */
    Cover *cov;           /* its bins, NULL without */
} RunOptions;

typedef struct RunTally {
    unsigned passed;
    unsigned failed;
    unsigned skipped;
    unsigned opened;  /* backends opened so far */
    bool stopped;     /* the view could not start at all */
    Report report;    /* a test case per scenario */
} RunTally;

void run_help(FILE *f)
{
    fputs("usage: edu-tb run [SCENARIO...] [--backend NAME] [--vcd FILE] "
          "[--fst FILE]\n"
          "                  [--quiet] [--junit FILE] [--json FILE] [--verbose]\n"
          "                  [--coverage FILE]\n"
          "\n"
          "Runs the named scenarios (all of them when none is named), each "
          "on a fresh\n"
          "backend with the platform it needs, driving the edu device as "
          "a driver does\n"
          "and checking what it sees against the reference values "
          "(QEMU's edu).\n"
          "One line per scenario, then a summary:\n"
          "  PASS NAME (N operations, T ns simulated)\n"
          "  FAIL NAME: the first failed check (what, expected, got)\n"
          "  SKIP NAME: why\n"
          "  N passed, M failed, K skipped\n"
          "\n"
          "options:\n"
          "  --backend NAME  the view to drive (default: cmodel)\n"
          "  --vcd FILE      write the view's waveforms to FILE; with "
          "several scenarios\n"
          "                  one file each, the scenario's name inserted "
          "before the\n"
          "                  extension: out.vcd -> out-liveness.vcd, ...\n"
          "  --fst FILE      the same as FST (GTKWave's compressed format; "
          "the rtl and\n"
          "                  rtl-stress views only)\n"
          "  --quiet         do not print the guest errors the views "
          "report (the error\n"
          "                  scenarios cause some on purpose)\n"
          "  --junit FILE    JUnit XML: a test case per scenario\n"
          "  --json FILE     a JSON summary (docs/edu-tb.md)\n"
          "  --verbose       after a FAIL line, every failed check\n"
          "  --coverage FILE add the functional coverage bins hit to FILE\n"
          "                  (docs/coverage.md)\n"
          "  -h, --help      this help\n"
          "\n"
          "On the qemu backend (QEMU 7.2) the scenarios that abort it are "
          "skipped, and\n"
          "time is QEMU's real time.  Exit status: 0 when none failed, 1 "
          "when one did,\n"
          "2 for bad usage.  'edu-tb list' shows the scenarios; see "
          "docs/edu-tb.md.\n",
          f);
}

void list_help(FILE *f)
{
    fputs("usage: edu-tb list\n"
          "\n"
          "Lists the scenarios of 'edu-tb run', one a line: the name, "
          "'qemu' when it\n"
          "runs on the qemu backend (Debian's QEMU 7.2 survives it) or "
          "'-' when not,\n"
          "and what it checks.\n",
          f);
}

int run_vcd_path(char *out, size_t len, const char *path, const char *name)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t stem = dot && dot != base ? (size_t)(dot - path) : strlen(path);
    int n = snprintf(out, len, "%.*s-%s%s", (int)stem, path, name, path + stem);

    return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Every backend name, for the message about an unknown one. */
static void run_backend_names(char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (const EduPlatformOps *const *ops = backend_list(); *ops; ops++) {
        int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
                         (*ops)->name);

        if (n < 0 || (size_t)n >= len - used) {
            return;
        }
        used += (size_t)n;
    }
}

/* Prints what 'log' collected (the failed checks), then frees it. */
static void run_flush_log(FILE *log, char **text, size_t *len)
{
    if (!log) {
        return;
    }
    fclose(log);
    if (*text) {
        fwrite(*text, 1, *len, stdout);
    }
    free(*text);
}

static double run_wall_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The test case of scenario s, for --junit and --json: 'message' NULL
 * when it passed. */
static void run_record(const Scenario *s, const RunOptions *opt, RunTally *t,
                       ReportStatus status, double t0, const char *message)
{
    char classname[64], again[256], detail[1024];

    snprintf(classname, sizeof(classname), "run.%s", opt->backend);
    snprintf(again, sizeof(again), "edu-tb run --backend %s %s", opt->backend,
             s->name);
    snprintf(detail, sizeof(detail), "FAIL %s: %s\nagain: %s", s->name,
             message ? message : "", again);
    report_case(&t->report, classname, s->name, status,
                status == REPORT_SKIPPED ? 0.0 : run_wall_s() - t0,
                status == REPORT_FAILED ? "check" : "view", message,
                status == REPORT_SKIPPED ? NULL : detail, again);
}

static void run_one(const Scenario *s, const RunOptions *opt, RunTally *t)
{
    double t0 = run_wall_s();
    EduPlatformConfig cfg = s->platform;
    char vcd[4096];
    char err[512];
    char *text = NULL;
    size_t len = 0;
    FILE *log = NULL;
    ScnReport rep = {0};
    Lockstep *ls;
    EduPlatform *b;
    uint64_t start;
    bool ok;

    if (!s->on_qemu72 && strcmp(opt->backend, RUN_QEMU72_BACKEND) == 0) {
        printf("SKIP %s: QEMU 7.2 aborts on it (fixed in QEMU 8.2.1)\n",
               s->name);
        run_record(s, opt, t, REPORT_SKIPPED, t0,
                   "QEMU 7.2 aborts on it (fixed in QEMU 8.2.1)");
        t->skipped++;
        return;
    }
    cfg.quiet = opt->quiet;
    if (opt->vcd && opt->several) {
        if (run_vcd_path(vcd, sizeof(vcd), opt->vcd, s->name) < 0) {
            printf("FAIL %s: the VCD file name is too long\n", s->name);
            run_record(s, opt, t, REPORT_ERROR, t0,
                       "the VCD file name is too long");
            t->failed++;
            return;
        }
        cfg.vcd_path = vcd;
    } else {
        cfg.vcd_path = opt->vcd;
    }
    cfg.fst = opt->fst;
    b = backend_open(opt->backend, &cfg, err, sizeof(err));
    if (!b && !t->opened) {
        /* Not this scenario's doing: the view cannot start at all (QEMU
         * not installed, no waveforms there).  One line, and stop. */
        fprintf(stderr, "edu-tb run: %s\n", err);
        t->stopped = true;
        return;
    }
    if (b) {
        b = cover_platform_wrap(b, opt->cov, &cfg);
        snprintf(err, sizeof(err), "out of memory");
    }
    if (!b) {
        printf("FAIL %s: %s\n", s->name, err);
        run_record(s, opt, t, REPORT_ERROR, t0, err);
        t->failed++;
        return;
    }
    t->opened++;
    ls = malloc(sizeof(*ls));
    if (!ls || lockstep_init(ls, &b, 1) < 0) {
        printf("FAIL %s: out of memory\n", s->name);
        run_record(s, opt, t, REPORT_ERROR, t0, "out of memory");
        free(ls);
        backend_close(b);
        t->failed++;
        return;
    }
    if (opt->verbose) {
        log = open_memstream(&text, &len);
    }
    rep.log = log;
    start = b->ops->now_ns(b);
    ok = scn_run(s, ls, &rep);
    if (ok && backend_finish(b) < 0) {
        ok = scn_check(&rep, false, "%s", edu_platform_error(b));
    }
    if (ok) {
        printf("PASS %s (%lu operations, %" PRIu64 " ns simulated)\n", s->name,
               ls->ops, b->ops->now_ns(b) - start);
        run_record(s, opt, t, REPORT_PASSED, t0, NULL);
        t->passed++;
    } else {
        run_record(s, opt, t, REPORT_FAILED, t0, rep.first);
        printf("FAIL %s: %s", s->name, rep.first);
        if (rep.failures > 1) {
            printf(" (and %lu more)", rep.failures - 1);
        }
        putchar('\n');
        t->failed++;
    }
    run_flush_log(log, &text, &len);
    fflush(stdout);
    lockstep_fini(ls);
    free(ls);
    backend_close(b);
}

/* What run_parse fills in: the options, then the scenarios named. */
typedef struct RunArgs {
    RunOptions opt;
    const Scenario **chosen;
    size_t n;
} RunArgs;

static const CliCommand run_cli;

static int run_set_backend(void *args, const char *v)
{
    ((RunArgs *)args)->opt.backend = v;
    return 0;
}

static int run_set_vcd(void *args, const char *v)
{
    if (!*v) {
        return cli_usage(&run_cli, "%s", "--vcd needs a file name, not ''");
    }
    if (((RunArgs *)args)->opt.vcd) {
        return cli_usage(&run_cli, "%s", "one waveform file: --vcd or --fst");
    }
    ((RunArgs *)args)->opt.vcd = v;
    return 0;
}

static int run_set_fst(void *args, const char *v)
{
    if (!*v) {
        return cli_usage(&run_cli, "%s", "--fst needs a file name, not ''");
    }
    if (((RunArgs *)args)->opt.vcd) {
        return cli_usage(&run_cli, "%s", "one waveform file: --vcd or --fst");
    }
    ((RunArgs *)args)->opt.vcd = v;
    ((RunArgs *)args)->opt.fst = true;
    return 0;
}

static int run_add_scenario(void *args_, const char *name)
{
    RunArgs *args = args_;
    const Scenario *s = scn_find(name);

    if (!s) {
        fprintf(stderr,
                "edu-tb run: unknown scenario '%s' (edu-tb "
                "list shows them)\n",
                name);
        return 2;
    }
    for (size_t k = 0; k < args->n; k++) {
        if (args->chosen[k] == s) {
            return cli_usage(&run_cli, "scenario '%s' named twice", name);
        }
    }
    args->chosen[args->n++] = s;
    return 0;
}

static int run_set_junit(void *args, const char *v)
{
    if (!*v) {
        return cli_usage(&run_cli, "%s", "--junit needs a file name");
    }
    ((RunArgs *)args)->opt.junit = v;
    return 0;
}

static int run_set_json(void *args, const char *v)
{
    if (!*v) {
        return cli_usage(&run_cli, "%s", "--json needs a file name");
    }
    ((RunArgs *)args)->opt.json = v;
    return 0;
}

static int run_set_coverage(void *args, const char *v)
{
    if (!*v) {
        return cli_usage(&run_cli, "%s", "--coverage needs a file name");
    }
    ((RunArgs *)args)->opt.coverage = v;
    return 0;
}

static const CliOption run_options[] = {
    CLI_VALUE("coverage", run_set_coverage),
    CLI_VALUE("backend", run_set_backend),
    CLI_VALUE("vcd", run_set_vcd),
    CLI_VALUE("junit", run_set_junit),
    CLI_VALUE("json", run_set_json),
    CLI_VALUE("fst", run_set_fst),
    CLI_FLAG("quiet", RunArgs, opt.quiet),
    CLI_FLAG("verbose", RunArgs, opt.verbose),
};

static const CliCommand run_cli = {
    .name = "run",
    CLI_OPTIONS(run_options),
    .help = run_help,
    .operand = run_add_scenario,
};

/* The options and scenario names: 0, 2 for bad usage (said on stderr), or
 * 1 after --help. */
static int run_parse(int argc, char **argv, RunArgs *args)
{
    int rc = cli_parse(&run_cli, argc, argv, args);

    if (rc == 0 && !backend_find(args->opt.backend)) {
        char names[128];

        run_backend_names(names, sizeof(names));
        fprintf(stderr, "edu-tb run: unknown backend '%s' (known: %s)\n",
                args->opt.backend, names);
        return 2;
    }
    return rc;
}

/* Whether every waveform file of the run can be written, before any is:
 * one line on stderr when not. */
static bool run_vcd_writable(const RunOptions *opt, const Scenario **chosen,
                             size_t n)
{
    char path[4096];
    char err[4400];

    for (size_t i = 0; i < n; i++) {
        const char *p = opt->vcd;

        if (opt->several) {
            if (run_vcd_path(path, sizeof(path), opt->vcd,
                             chosen[i]->name) < 0) {
                fprintf(stderr, "edu-tb run: --%s: '%s' is too long\n",
                        opt->fst ? "fst" : "vcd", opt->vcd);
                return false;
            }
            p = path;
        }
        if (output_check(p, err, sizeof(err)) < 0) {
            fprintf(stderr, "edu-tb run: --%s: %s\n", opt->fst ? "fst" : "vcd",
                    err);
            return false;
        }
    }
    return true;
}

int run_main(int argc, char **argv)
{
    RunArgs args = {.opt = {.backend = "cmodel"}};
    RunOptions opt;
    RunTally tally = {0};
    double t0 = run_wall_s();
    const Scenario **chosen;
    const Scenario *all;
    size_t n_all;
    size_t n;
    int rc;

    all = scn_table(&n_all);
    /* An array of pointers to scenarios: sizeof a pointer is meant. */
    chosen = calloc((size_t)argc + n_all,
                    sizeof(*chosen)); /* NOLINT(bugprone-sizeof-expression) */
    if (!chosen) {
        fprintf(stderr, "edu-tb run: out of memory\n");
        return 1;
    }
    args.chosen = chosen;
    rc = run_parse(argc, argv, &args);
    if (rc) {
        free(chosen);
        return rc == 1 ? 0 : rc;
    }
    opt = args.opt;
    n = args.n;
    if (n == 0) {
        for (size_t i = 0; i < n_all; i++) {
            chosen[n++] = &all[i];
        }
    }
    opt.several = n > 1;
    if (opt.vcd && !run_vcd_writable(&opt, chosen, n)) {
        free(chosen);
        return 1;
    }
    report_init(&tally.report, "edu-tb run", opt.junit, opt.json);
    if (report_check(&tally.report, "run") != 0) {
        free(chosen);
        return 1;
    }
    Cover cov;

    if (opt.coverage && cover_session_start(&cov, "run", opt.coverage)) {
        free(chosen);
        return 1;
    }
    opt.cov = opt.coverage ? &cov : NULL;
    for (size_t i = 0; i < n && !tally.stopped; i++) {
        run_one(chosen[i], &opt, &tally);
    }
    if (opt.coverage && cover_session_end(&cov, "run", opt.coverage)) {
        tally.failed++;
    }
    if (!tally.stopped) {
        printf("%u passed, %u failed, %u skipped\n", tally.passed,
               tally.failed, tally.skipped);
    }
    free(chosen);
    rc = tally.failed || tally.stopped ? 1 : 0;
    if (!tally.stopped && report_wanted(&tally.report)) {
        /* (A view that cannot start leaves no file behind.) */
        report_prop_str(&tally.report, "backend", opt.backend);
        rc = report_write(&tally.report, "run", rc, run_wall_s() - t0) ? 1 : rc;
    }
    report_fini(&tally.report);
    return rc;
}

int list_main(int argc, char **argv)
{
    static const CliCommand list_cli = {.name = "list", .help = list_help};
    const Scenario *all;
    size_t n;
    int rc = cli_parse(&list_cli, argc, argv, NULL);

    if (rc) {
        return rc == 1 ? 0 : rc;
    }
    all = scn_table(&n);
    for (size_t i = 0; i < n; i++) {
        printf("%-24s %-4s %s\n", all[i].name, all[i].on_qemu72 ? "qemu" : "-",
               all[i].summary);
    }
    return 0;
}

/*
 * The command line every bench program shares: -h/--help prints the
 * program's usage on stdout, anything else it does not take is named on
 * stderr with exit status 2.  A program takes at most one operand.  With
 * bench_args() it also takes --table FILE and --quick, and bench_figure()
 * writes its figures in the one table format bench/run-all reads
 * (docs/performance.md).  Usable from C and C++.
 */
#ifndef EDU_BENCH_CLI_H
#define EDU_BENCH_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct BenchCli {
    const char *name;       /* "bench-rtl": messages start with it */
    void (*usage)(FILE *f); /* "usage: ..." and what the program prints */
    const char *operand;    /* its one operand (NULL: takes none) */
} BenchCli;

/*
 * The options every bench program takes besides -h/--help (the table
 * convention of docs/performance.md, which bench/run-all relies on):
 *   --table FILE  append one line per figure to FILE ("-": stdout):
 *                 FIGURE<TAB>VALUE<TAB>UNIT<TAB>TARGET<TAB>ok|MISSED|-
 *   --quick       a short run (the main job's), same figures
 */
typedef struct BenchArgs {
    const char *operand; /* the operand given, or NULL */
    const char *table;   /* --table FILE, or NULL */
    bool quick;          /* --quick */
} BenchArgs;

#define BENCH_COMMON_USAGE                                                     \
    "  --table FILE  also append the figures to FILE (\"-\": stdout), one a " \
    "line:\n                FIGURE<TAB>VALUE<TAB>UNIT<TAB>TARGET<TAB>ok|MISSED|- " \
    "(docs/performance.md)\n"                                                  \
    "  --quick       a short run (noisier figures)\n"                           \
    "  -h, --help    this help\n"

static inline bool bench_parse(const BenchCli *cli, int argc, char **argv,
                               BenchArgs *args, bool common, int *status)
{
    bool operands = false; /* after "--" */

    args->operand = NULL;
    args->table = NULL;
    args->quick = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];

        if (!operands && (!strcmp(arg, "-h") || !strcmp(arg, "--help"))) {
            cli->usage(stdout);
            *status = 0;
            return false;
        }
        if (!operands && !strcmp(arg, "--")) {
            operands = true;
            continue;
        }
        if (!operands && common && !strcmp(arg, "--quick")) {
            args->quick = true;
            continue;
        }
        if (!operands && common && !strcmp(arg, "--table")) {
            if (i + 1 >= argc || !argv[i + 1][0]) {
                fprintf(stderr, "%s: --table needs a FILE (see %s --help)\n",
                        cli->name, cli->name);
                *status = 2;
                return false;
            }
            args->table = argv[++i];
            continue;
        }
        if (!operands && arg[0] == '-') {
            fprintf(stderr, "%s: unknown option '%s' (see %s --help)\n",
                    cli->name, arg, cli->name);
            *status = 2;
            return false;
        }
        if (!cli->operand || args->operand) {
            fprintf(stderr, "%s: unexpected argument '%s' (see %s --help)\n",
                    cli->name, arg, cli->name);
            *status = 2;
            return false;
        }
        args->operand = arg;
    }
    return true;
}

/*
 * Reads argv: true to go on, with *operand the operand given (or NULL);
 * false to exit with *status (0 after the help, 2 after a message).
 */
static inline bool bench_cli(const BenchCli *cli, int argc, char **argv,
                             const char **operand, int *status)
{
    BenchArgs args;
    bool go = bench_parse(cli, argc, argv, &args, false, status);

    *operand = args.operand;
    return go;
}

/* The same with the common options (--table, --quick). */
static inline bool bench_args(const BenchCli *cli, int argc, char **argv,
                              BenchArgs *args, int *status)
{
    return bench_parse(cli, argc, argv, args, true, status);
}

/* Where --table goes: NULL without it; exits 1 if FILE cannot be opened. */
static inline FILE *bench_table_open(const BenchCli *cli,
                                     const BenchArgs *args)
{
    FILE *f;

    if (!args->table) {
        return NULL;
    }
    if (!strcmp(args->table, "-")) {
        return stdout;
    }
    f = fopen(args->table, "a");
    if (!f) {
        fprintf(stderr, "%s: cannot write %s\n", cli->name, args->table);
        exit(1);
    }
    return f;
}

static inline void bench_table_close(FILE *table)
{
    if (table && table != stdout) {
        fclose(table);
    }
}

/*
 * One figure: its verdict against 'target' ("ok" or "MISSED"; op ">=" or
 * "<=", NULL: no target, "-"), as a table line if 'table', and returned.
 */
static inline const char *bench_figure(FILE *table, const char *figure,
                                       double value, const char *unit,
                                       const char *op, double target)
{
    const char *verdict = "-";

    if (op) {
        bool ok = op[0] == '>' ? value >= target : value <= target;

        verdict = ok ? "ok" : "MISSED";
    }
    if (table) {
        if (op) {
            fprintf(table, "%s\t%.4g\t%s\t%s %g\t%s\n", figure, value, unit,
                    op, target, verdict);
        } else {
            fprintf(table, "%s\t%.4g\t%s\t-\t-\n", figure, value, unit);
        }
        fflush(table);
    }
    return verdict;
}

#endif /* EDU_BENCH_CLI_H */

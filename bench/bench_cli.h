/*
 * The command line every bench program shares: -h/--help prints the
 * program's usage on stdout, anything else it does not take is named on
 * stderr with exit status 2.  A program takes at most one operand.  Usable
 * from C and C++.
 */
#ifndef EDU_BENCH_CLI_H
#define EDU_BENCH_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef struct BenchCli {
    const char *name;       /* "bench-rtl": messages start with it */
    void (*usage)(FILE *f); /* "usage: ..." and what the program prints */
    const char *operand;    /* its one operand (NULL: takes none) */
} BenchCli;

/*
 * Reads argv: true to go on, with *operand the operand given (or NULL);
 * false to exit with *status (0 after the help, 2 after a message).
 */
static inline bool bench_cli(const BenchCli *cli, int argc, char **argv,
                             const char **operand, int *status)
{
    bool operands = false; /* after "--" */

    *operand = NULL;
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
        if (!operands && arg[0] == '-') {
            fprintf(stderr, "%s: unknown option '%s' (see %s --help)\n",
                    cli->name, arg, cli->name);
            *status = 2;
            return false;
        }
        if (!cli->operand || *operand) {
            fprintf(stderr, "%s: unexpected argument '%s' (see %s --help)\n",
                    cli->name, arg, cli->name);
            *status = 2;
            return false;
        }
        *operand = arg;
    }
    return true;
}

#endif /* EDU_BENCH_CLI_H */

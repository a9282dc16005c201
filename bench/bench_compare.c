/*
 * bench-compare: how fast `edu-tb compare` checks the three simulated
 * views against each other, in operations per CPU second.
 *
 * Runs `edu-tb compare --backends cmodel,tlm,rtl --timing --seed 1
 * --seeds 50` (every directed scenario, then 50 random streams of 300
 * operations; --quick: 10 streams) and divides the operations it
 * compared by the CPU time edu-tb took (its own and its children's), so
 * that other load on the machine counts as little as it can.  The run
 * must end with every answer equal.  Target (the speed issue): >= 250 k
 * operations/s.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench_cli.h"

#ifndef EDU_TB_PATH
#define EDU_TB_PATH "edu-tb"
#endif

/* CPU time of the children waited for so far, in seconds. */
static double children_cpu_s(void)
{
    struct rusage ru;

    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bench-compare [--table FILE] [--quick] [EDU_TB]\n"
            "Prints the operations per CPU second of 'EDU_TB compare "
            "--backends\ncmodel,tlm,rtl --timing' over the scenarios and 50 "
            "random streams (--quick:\n10).  EDU_TB: the edu-tb program "
            "(default: the one built alongside,\n%s).\n" BENCH_COMMON_USAGE,
            EDU_TB_PATH);
}

int main(int argc, char **argv)
{
    static const BenchCli cli = {"bench-compare", usage, "EDU_TB"};
    const char *tb;
    char cmd[4096];
    char line[512];
    char dir[] = "/tmp/bench-compare.XXXXXX";
    unsigned long ops = 0;
    bool equal = false;
    BenchArgs args;
    FILE *table;
    double t0, t, rate;
    int status;
    FILE *p;

    if (!bench_args(&cli, argc, argv, &args, &status)) {
        return status;
    }
    tb = args.operand ? args.operand : EDU_TB_PATH;
    if (access(tb, X_OK) != 0) {
        fprintf(stderr,
                "bench-compare: EDU_TB '%s' is not an executable "
                "(see bench-compare --help)\n",
                tb);
        return 2;
    }
    table = bench_table_open(&cli, &args);
    if (!mkdtemp(dir)) {
        perror("bench-compare: mkdtemp");
        return 1;
    }
    /* A divergence's replay goes to a folder of its own, kept then. */
    snprintf(cmd, sizeof(cmd),
             "'%s' compare --backends cmodel,tlm,rtl --timing --seed 1 "
             "--seeds %d --replay %s/replay.qtest 2>&1",
             tb, args.quick ? 10 : 50, dir);
    t0 = children_cpu_s();
    p = popen(cmd, "r");
    if (!p) {
        perror("bench-compare: popen");
        return 1;
    }
    while (fgets(line, sizeof(line), p)) {
        unsigned long n;

        if (sscanf(line, "cmodel (ref) %lu", &n) == 1) {
            ops = n;
        }
        if (strstr(line, "all answers equal")) {
            equal = true;
        }
    }
    status = pclose(p);
    t = children_cpu_s() - t0;
    if (status != 0 || !equal || !ops || t <= 0) {
        fprintf(stderr,
                "bench-compare: %s did not end with every answer "
                "equal\n",
                cmd);
        bench_table_close(table);
        return 1;
    }
    rmdir(dir);
    rate = (double)ops / t;
    printf("edu-tb compare --backends cmodel,tlm,rtl --timing, per CPU "
           "second:\n");
    printf("  %lu operations in %.2f s CPU: %.0f k operations/s "
           "(target >= 250 k/s) %s\n",
           ops, t, rate / 1e3,
           bench_figure(table, "edu-tb compare cmodel,tlm,rtl --timing",
                        rate / 1e3, "k operations/s", ">=", 250));
    bench_table_close(table);
    return 0;
}

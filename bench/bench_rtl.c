/*
 * bench-rtl: how fast the RTL view simulates, in PCI clocks per second.
 *
 * One driver-like workload (4 KiB DMAs both ways, polled; a factorial;
 * register reads), which keeps the bus busy every clock, run on the
 * Verilated model and its harness (edu/rtl.h):
 *   1. without tracing,
 *   2. with VCD tracing, and with FST tracing (and their ratios to 1),
 *   3. the same RTL and the same stimulus under Icarus Verilog: the host
 *      side's drivers and GNT# recorded clock by clock from a Verilator
 *      run, replayed by bench/edu_replay_tb.sv, which also checks that the
 *      bus it resolves is the one the harness saw; and the ratio of 1 to 3.
 * Targets (the speed issue): >= 3 M clocks/s without tracing, VCD at
 * most 4x slower, FST at most 3x, Verilator/Icarus >= 200x.  Rates are per second of CPU time (this process's, or Icarus's),
 * so that other load on the machine does not count.  A benchmark prints
 * figures; it asserts nothing.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "edu/pci_regs.h"
#include "edu/regs.h"
#include "edu/rtl.h"

#include "bench_cli.h"

#define BAR0 0xfe000000u
#define RAM 0x00100000u

/* CPU time of this process, in seconds. */
static double cpu_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of the children waited for so far, in seconds. */
static double children_cpu_s(void)
{
    struct rusage ru;

    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static void cfg_write(EduPlatform *rtl, unsigned off, uint32_t val)
{
    rtl->ops->io_write(rtl, PCI_CONFIG_ADDRESS_PORT,
                       PCI_CONFIG_ENABLE | PCI_DEVFN(4, 0) << 8 | off, 4);
    rtl->ops->io_write(rtl, PCI_CONFIG_DATA_PORT, val, 4);
}

static uint64_t reg_read(EduPlatform *rtl, unsigned off)
{
    uint64_t val = 0;

    rtl->ops->mem_read(rtl, BAR0 + off, 4, &val);
    return val;
}

static void reg_write(EduPlatform *rtl, unsigned off, uint64_t val,
                      unsigned size)
{
    rtl->ops->mem_write(rtl, BAR0 + off, val, size);
}

/* A platform with BAR0 mapped and bus mastering on, its waveforms in 'vcd'
 * (NULL: none; as FST if 'fst'); 'stim' (may be NULL)
 * records the host side's stimulus from its first clock. */
static EduPlatform *platform(const char *vcd, bool fst, const char *stim)
{
    const EduPlatformConfig cfg = {.vcd_path = vcd, .quiet = true, .fst = fst};
    static uint8_t pattern[EDU_DMA_BUF_SIZE];
    char err[256];
    EduPlatform *rtl = edu_rtl_create(&cfg, NULL, err, sizeof(err));

    if (!rtl) {
        fprintf(stderr, "bench-rtl: %s\n", err);
        exit(1);
    }
    if (stim && edu_rtl_record(rtl, stim) < 0) {
        fprintf(stderr, "bench-rtl: cannot write %s\n", stim);
        exit(1);
    }
    for (unsigned i = 0; i < sizeof(pattern); i++) {
        pattern[i] = (uint8_t)(i * 7);
    }
    cfg_write(rtl, PCI_BASE_ADDRESS_0, BAR0);
    cfg_write(rtl, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    rtl->ops->mem_write_buf(rtl, RAM, pattern, sizeof(pattern));
    return rtl;
}

/* One round of the workload: about 7000 clocks, the bus busy throughout. */
static void round_trip(EduPlatform *rtl)
{
    reg_write(rtl, EDU_REG_DMA_SRC, RAM, 8);
    reg_write(rtl, EDU_REG_DMA_DST, EDU_DMA_BUF_ADDR, 8);
    reg_write(rtl, EDU_REG_DMA_COUNT, EDU_DMA_BUF_SIZE, 8);
    reg_write(rtl, EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN, 8);
    while (reg_read(rtl, EDU_REG_DMA_CMD) & EDU_DMA_CMD_RUN) {
    }
    reg_write(rtl, EDU_REG_DMA_SRC, EDU_DMA_BUF_ADDR, 8);
    reg_write(rtl, EDU_REG_DMA_DST, RAM + 0x10000, 8);
    reg_write(rtl, EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM, 8);
    while (reg_read(rtl, EDU_REG_DMA_CMD) & EDU_DMA_CMD_RUN) {
    }
    reg_write(rtl, EDU_REG_FACT, 20, 4);
    while (reg_read(rtl, EDU_REG_STATUS) & EDU_STATUS_COMPUTING) {
    }
    for (unsigned i = 0; i < 16; i++) {
        reg_read(rtl, EDU_REG_ID);
    }
}

/* Runs the workload for about 'clocks' clocks; returns clocks per second.
 * Not inlined: a profile can be cut at its end (callgrind --dump-after=run). */
__attribute__((noinline))
static double run(EduPlatform *rtl, uint64_t clocks, uint64_t *done)
{
    uint64_t c0 = edu_rtl_clocks_evaluated(rtl);
    double t0 = cpu_s();
    double t;

    while (edu_rtl_clocks_evaluated(rtl) - c0 < clocks) {
        round_trip(rtl);
    }
    t = cpu_s() - t0;
    *done = edu_rtl_clocks_evaluated(rtl) - c0;
    if (edu_platform_error(rtl)[0]) {
        fprintf(stderr, "bench-rtl: %s\n", edu_platform_error(rtl));
        exit(1);
    }
    return (double)*done / t;
}

/* The Icarus run of 'stim': clocks per second (0 if it could not run). */
static double icarus(const char *dir, const char *stim, uint64_t *clocks,
                     unsigned long *mismatches)
{
    char cmd[8192];
    char line[256];
    double t0;
    double t;
    FILE *p;

    snprintf(cmd, sizeof(cmd),
             "%s -g2012 -o %s/replay.vvp %s %s %s 2>/dev/null", EDU_IVERILOG,
             dir, EDU_RTL_SV_LIST, EDU_SIM_BUS_SV, EDU_REPLAY_TB_SV);
    if (system(cmd) != 0) {
        return 0;
    }
    snprintf(cmd, sizeof(cmd), "%s -n %s/replay.vvp +stim=%s", EDU_VVP, dir,
             stim);
    t0 = children_cpu_s();
    p = popen(cmd, "r");
    if (!p) {
        return 0;
    }
    *clocks = 0;
    while (fgets(line, sizeof(line), p)) {
        uint64_t c;
        unsigned long m;

        if (sscanf(line, "replayed %" SCNu64 " clocks, %lu mismatches", &c,
                   &m) == 2) {
            *clocks = c;
            *mismatches = m;
        }
    }
    pclose(p);
    t = children_cpu_s() - t0;
    return *clocks ? (double)*clocks / t : 0;
}

/* CLOCKS: enough for the Icarus run's hundredth to be a few DMAs. */
#define BENCH_CLOCKS_DEFAULT 4000000
#define BENCH_CLOCKS_MIN 100000
#define BENCH_CLOCKS_MAX 10000000000ull

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bench-rtl [--table FILE] [--quick] [CLOCKS]\n"
            "Prints the RTL view's PCI clocks per CPU second under "
            "Verilator, without and\nwith VCD or FST tracing, and under Icarus "
            "Verilog on the same stimulus.  CLOCKS:\nthe untraced run's "
            "length (default %d, --quick a quarter; tracing runs\n1/16 of "
            "it, Icarus 1/100), from %d to %llu.  EDU_BENCH_KEEP=1 keeps "
            "the\nfiles.\n" BENCH_COMMON_USAGE,
            BENCH_CLOCKS_DEFAULT, BENCH_CLOCKS_MIN, BENCH_CLOCKS_MAX);
}

int main(int argc, char **argv)
{
    static const BenchCli cli = {"bench-rtl", usage, "CLOCKS"};
    uint64_t clocks = BENCH_CLOCKS_DEFAULT;
    const char *arg;
    BenchArgs args;
    FILE *table;
    int status;
    char dir[] = "/tmp/bench-rtl.XXXXXX";
    char vcd[64], fst[64], stim[64];
    uint64_t n_fast, n_trace, n_fst, n_rec, n_icarus = 0;
    unsigned long mismatches = 0;
    double fast, trace, fst_rate, ivl;
    EduPlatform *rtl;

    if (!bench_args(&cli, argc, argv, &args, &status)) {
        return status;
    }
    arg = args.operand;
    if (args.quick) {
        clocks /= 4;
    }
    if (arg) {
        char *end;

        clocks = strtoull(arg, &end, 0);
        if (!isdigit((unsigned char)arg[0]) || *end ||
            clocks < BENCH_CLOCKS_MIN || clocks > BENCH_CLOCKS_MAX) {
            fprintf(stderr,
                    "bench-rtl: CLOCKS '%s' is not a number from %d to %llu "
                    "(see bench-rtl --help)\n",
                    arg, BENCH_CLOCKS_MIN, BENCH_CLOCKS_MAX);
            return 2;
        }
    }
    table = bench_table_open(&cli, &args);
    if (!mkdtemp(dir)) {
        perror("bench-rtl: mkdtemp");
        return 1;
    }
    snprintf(vcd, sizeof(vcd), "%s/trace.vcd", dir);
    snprintf(fst, sizeof(fst), "%s/trace.fst", dir);
    snprintf(stim, sizeof(stim), "%s/stim.txt", dir);

    rtl = platform(NULL, false, NULL);
    fast = run(rtl, clocks, &n_fast);
    rtl->ops->destroy(rtl);

    rtl = platform(vcd, false, NULL);
    trace = run(rtl, clocks / 16, &n_trace);
    rtl->ops->finish(rtl);
    rtl->ops->destroy(rtl);

    rtl = platform(fst, true, NULL);
    fst_rate = run(rtl, clocks / 16, &n_fst);
    rtl->ops->finish(rtl);
    rtl->ops->destroy(rtl);

    rtl = platform(NULL, false, stim);
    run(rtl, clocks / 100, &n_rec);
    rtl->ops->destroy(rtl);
    ivl = icarus(dir, stim, &n_icarus, &mismatches);

    printf("RTL view (Verilated edu + harness), one run, per CPU second:\n");
    printf("  Verilator, no tracing   %8.2f M clocks/s  (%" PRIu64
           " clocks; target >= 3 M/s) %s\n",
           fast / 1e6, n_fast,
           bench_figure(table, "RTL untraced, the bench's workload",
                        fast / 1e6, "M clocks/s", ">=", 3));
    printf("  Verilator, VCD tracing  %8.2f M clocks/s  (%" PRIu64
           " clocks; %.1fx slower; target <= 4x) %s\n",
           trace / 1e6, n_trace, fast / trace,
           bench_figure(table, "RTL with VCD / untraced", fast / trace, "x",
                        "<=", 4));
    printf("  Verilator, FST tracing  %8.2f M clocks/s  (%" PRIu64
           " clocks; %.1fx slower; target <= 3x) %s\n",
           fst_rate / 1e6, n_fst, fast / fst_rate,
           bench_figure(table, "RTL with FST / untraced", fast / fst_rate,
                        "x", "<=", 3));
    if (ivl > 0) {
        printf("  Icarus, same stimulus   %8.4f M clocks/s  (%" PRIu64
               " clocks replayed, %lu bus mismatches)\n",
               ivl / 1e6, n_icarus, mismatches);
        printf("  Verilator / Icarus      %8.0fx            (target >= 200x) "
               "%s\n",
               fast / ivl,
               bench_figure(table, "Verilator / Icarus, same replay",
                            mismatches ? 0 : fast / ivl, "x", ">=", 200));
    } else {
        printf("  Icarus                  not run (%s not found or failed)\n",
               EDU_IVERILOG);
        bench_figure(table, "Verilator / Icarus, same replay", 0, "x", ">=",
                     200);
    }
    bench_table_close(table);
    if (getenv("EDU_BENCH_KEEP")) {
        printf("  (files kept in %s)\n", dir);
        return 0;
    }
    unlink(vcd);
    unlink(fst);
    unlink(stim);
    snprintf(vcd, sizeof(vcd), "%s/replay.vvp", dir);
    unlink(vcd);
    rmdir(dir);
    return 0;
}

/*
 * bench-cmodel: speed of the C model through the CPU-side API.
 *
 * Prints (1) edu register reads per second through host_mem_read() and
 * (2) a 4 KiB DMA through the model against a plain 4 KiB memcpy measured
 * in the same run: the whole driver sequence (program, run, see RUN clear),
 * the same sequence with count 0 (its register traffic alone), and the
 * difference, which is what moving the data through the model costs.
 * Targets (the speed issue): >= 80 M reads/s, the whole DMA sequence
 * <= 2x memcpy.  Times are this process's CPU time, so that other load
 * on the machine counts as little as it can.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "edu/host.h"

#include "bench_cli.h"

#define BAR0      0xfe000000u
#define RAM_SRC   0x00100000u
#define DMA_BYTES 4096u

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void cfg_write(Host *host, unsigned off, uint32_t val)
{
    host_io_write(host, PCI_CONFIG_ADDRESS_PORT,
                  PCI_CONFIG_ENABLE | PCI_DEVFN(4, 0) << 8 | off, 4);
    host_io_write(host, PCI_CONFIG_DATA_PORT, val, 4);
}

static uint8_t pattern[DMA_BYTES] = {1, 2, 3, 4};

static Host *make_host(void)
{
    Host *host = host_create(NULL);

    if (!host || host_add_edu(host, 4, 0, NULL) < 0) {
        fprintf(stderr, "bench-cmodel: cannot build the platform\n");
        exit(1);
    }
    cfg_write(host, PCI_BASE_ADDRESS_0, BAR0);
    cfg_write(host, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    host_ram_write(host, RAM_SRC, pattern, sizeof(pattern));
    return host;
}

static double bench_reads(Host *host, unsigned long n)
{
    uint64_t sum = 0, val;
    double t0 = now_s();

    for (unsigned long i = 0; i < n; i++) {
        host_mem_read(host, BAR0 + EDU_REG_ID, 4, &val);
        sum += val;
    }
    if (sum != (uint64_t)n * EDU_ID_VALUE) {
        fprintf(stderr, "bench-cmodel: wrong ID read back\n");
        exit(1);
    }
    return (now_s() - t0) / (double)n;
}

/* A DMA of 'bytes' from RAM as a driver does it: program, run, check. */
static double bench_dma(Host *host, unsigned long n, uint32_t bytes)
{
    uint64_t cmd;
    double t0 = now_s();

    for (unsigned long i = 0; i < n; i++) {
        host_mem_write(host, BAR0 + EDU_REG_DMA_SRC, RAM_SRC, 4);
        host_mem_write(host, BAR0 + EDU_REG_DMA_DST, EDU_DMA_BUF_ADDR, 4);
        host_mem_write(host, BAR0 + EDU_REG_DMA_COUNT, bytes, 4);
        host_mem_write(host, BAR0 + EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN, 4);
        host_advance(host, 4096);
        host_mem_read(host, BAR0 + EDU_REG_DMA_CMD, 4, &cmd);
        if (cmd & EDU_DMA_CMD_RUN) {
            fprintf(stderr, "bench-cmodel: DMA did not finish\n");
            exit(1);
        }
    }
    return (now_s() - t0) / (double)n;
}

static double bench_memcpy(unsigned long n)
{
    static uint8_t src[DMA_BYTES], dst[DMA_BYTES];
    double t0 = now_s();

    for (unsigned long i = 0; i < n; i++) {
        src[i % DMA_BYTES] = (uint8_t)i;
        memcpy(dst, src, sizeof(dst));
        /* Keep the copy: the compiler must assume dst is read. */
        __asm__ volatile("" : : "r"(dst) : "memory");
    }
    return (now_s() - t0) / (double)n;
}

static void usage(FILE *f)
{
    fputs("usage: bench-cmodel [--table FILE] [--quick]\nPrints C-model "
          "register reads per CPU second and the cost of a 4 KiB DMA\n"
          "against memcpy.  Build with the release preset for meaningful "
          "figures.\n" BENCH_COMMON_USAGE,
          f);
}

int main(int argc, char **argv)
{
    static const BenchCli cli = {"bench-cmodel", usage, NULL};
    unsigned long reads = 20000000, dmas = 200000;
    double t_read, t_dma, t_empty, t_copy;
    BenchArgs args;
    FILE *table;
    Host *host;
    int status;

    if (!bench_args(&cli, argc, argv, &args, &status)) {
        return status;
    }
    if (args.quick) {
        reads /= 10;
        dmas /= 10;
    }
    table = bench_table_open(&cli, &args);
    host = make_host();
    bench_reads(host, reads / 10); /* warm up */
    t_read = bench_reads(host, reads);
    bench_dma(host, dmas / 10, DMA_BYTES);
    t_dma = bench_dma(host, dmas, DMA_BYTES);
    t_empty = bench_dma(host, dmas, 0);
    t_copy = bench_memcpy(dmas * 10);

    printf("C model, one run, per CPU second:\n");
    printf("  register reads      %8.1f M/s  (%.1f ns each; target >= 80 "
           "M/s) %s\n",
           1e-6 / t_read, t_read * 1e9,
           bench_figure(table, "C model register reads", 1e-6 / t_read,
                        "M/s", ">=", 80));
    printf("  4 KiB memcpy        %8.1f ns\n", t_copy * 1e9);
    printf("  4 KiB DMA, whole    %8.1f ns   (%.2f x memcpy: 4 register "
           "writes, run, 1 read; target <= 2x) %s\n",
           t_dma * 1e9, t_dma / t_copy,
           bench_figure(table, "C model 4 KiB DMA, whole sequence / memcpy",
                        t_dma / t_copy, "x", "<=", 2));
    printf("  same with count 0   %8.1f ns   (the register traffic alone)\n",
           t_empty * 1e9);
    printf("  moving the 4 KiB    %8.1f ns   (%.2f x memcpy)\n",
           (t_dma - t_empty) * 1e9, (t_dma - t_empty) / t_copy);
    host_destroy(host);
    bench_table_close(table);
    return 0;
}

/*
 * edu-demo: drives the C model the way a driver would and prints what it
 * sees: probe bus 0, size and map BAR0, check liveness, run a factorial and
 * a DMA round trip through host RAM.  With --vcd FILE it also writes the
 * run's waveform (docs/waves.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edu/host.h"
#include "edu/timing.h"
#include "edu/vcd.h"

#define EDU_SLOT     4
#define BAR0_ADDR    0xfe000000u
#define RAM_SRC      0x00100000u
#define RAM_DST      0x00200000u
#define DMA_BYTES    4096u
#define POLL_LIMIT   100000u

static int failures;

static void check(int ok, const char *what)
{
    printf("  %-44s %s\n", what, ok ? "ok" : "FAILED");
    if (!ok) {
        failures++;
    }
}

static uint32_t cfg_read(Host *host, unsigned slot, unsigned off)
{
    uint32_t val;

    host_io_write(host, PCI_CONFIG_ADDRESS_PORT,
                  PCI_CONFIG_ENABLE | PCI_DEVFN(slot, 0) << 8 | (off & 0xfc),
                  4);
    host_io_read(host, PCI_CONFIG_DATA_PORT, 4, &val);
    return val;
}

static void cfg_write(Host *host, unsigned slot, unsigned off, uint32_t val)
{
    host_io_write(host, PCI_CONFIG_ADDRESS_PORT,
                  PCI_CONFIG_ENABLE | PCI_DEVFN(slot, 0) << 8 | (off & 0xfc),
                  4);
    host_io_write(host, PCI_CONFIG_DATA_PORT, val, 4);
}

static uint32_t reg_read(Host *host, unsigned off)
{
    uint64_t val;

    host_mem_read(host, BAR0_ADDR + off, 4, &val);
    return (uint32_t)val;
}

static void reg_write(Host *host, unsigned off, uint32_t val)
{
    host_mem_write(host, BAR0_ADDR + off, val, 4);
}

/* Polls a register until (value & mask) == 0, as a driver does. */
static int poll_clear(Host *host, unsigned off, uint32_t mask)
{
    for (unsigned i = 0; i < POLL_LIMIT; i++) {
        if (!(reg_read(host, off) & mask)) {
            return 1;
        }
    }
    return 0;
}

static void probe(Host *host)
{
    printf("probe bus 0:\n");
    for (unsigned slot = 0; slot < 32; slot++) {
        uint32_t id = cfg_read(host, slot, PCI_VENDOR_ID);

        if (id != 0xffffffffu) {
            printf("  00:%02x.0  %04x:%04x  class %06x\n", slot, id & 0xffff,
                   id >> 16, cfg_read(host, slot, PCI_REVISION_ID) >> 8);
        }
    }
    check(cfg_read(host, EDU_SLOT, PCI_VENDOR_ID) ==
              (EDU_DEVICE_ID << 16 | EDU_VENDOR_ID),
          "edu found at 00:04.0");
}

static void map_bar0(Host *host)
{
    uint32_t size_mask;

    printf("BAR0:\n");
    cfg_write(host, EDU_SLOT, PCI_BASE_ADDRESS_0, 0xffffffffu);
    size_mask = cfg_read(host, EDU_SLOT, PCI_BASE_ADDRESS_0);
    printf("  sizing write of all ones reads 0x%08" PRIx32 " -> %" PRIu32
           " KiB\n",
           size_mask, (~(size_mask & PCI_BASE_ADDRESS_MEM_MASK) + 1) >> 10);
    check(size_mask == 0xfff00000u, "BAR0 is 1 MiB of 32-bit memory");
    cfg_write(host, EDU_SLOT, PCI_BASE_ADDRESS_0, BAR0_ADDR);
    cfg_write(host, EDU_SLOT, PCI_COMMAND,
              PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    printf("  mapped at 0x%08x, memory and bus master on\n", BAR0_ADDR);
    check(reg_read(host, EDU_REG_ID) == EDU_ID_VALUE, "ID register 0x010000ed");
    reg_write(host, EDU_REG_LIVENESS, 0x12345678u);
    check(reg_read(host, EDU_REG_LIVENESS) == ~0x12345678u,
          "liveness returns the inverse");
}

static void factorial(Host *host)
{
    uint64_t t0 = host_now(host);
    uint32_t result;

    printf("factorial:\n");
    reg_write(host, EDU_REG_FACT, 10);
    check(poll_clear(host, EDU_REG_STATUS, EDU_STATUS_COMPUTING),
          "COMPUTING clears");
    result = reg_read(host, EDU_REG_FACT);
    printf("  10! = %" PRIu32 " after %" PRIu64 " PCI clocks\n", result,
           host_now(host) - t0);
    check(result == 3628800u, "10! = 3628800");
}

static int dma(Host *host, uint64_t ram, uint64_t buf, uint32_t cmd)
{
    reg_write(host, EDU_REG_DMA_SRC, (uint32_t)(cmd & EDU_DMA_CMD_TO_RAM ? buf : ram));
    reg_write(host, EDU_REG_DMA_DST, (uint32_t)(cmd & EDU_DMA_CMD_TO_RAM ? ram : buf));
    reg_write(host, EDU_REG_DMA_COUNT, DMA_BYTES);
    reg_write(host, EDU_REG_DMA_CMD, cmd | EDU_DMA_CMD_RUN);
    return poll_clear(host, EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN);
}

static void dma_round_trip(Host *host)
{
    static uint8_t pattern[DMA_BYTES], back[DMA_BYTES];
    uint64_t t0 = host_now(host);

    printf("DMA round trip of %u bytes:\n", DMA_BYTES);
    for (unsigned i = 0; i < DMA_BYTES; i++) {
        pattern[i] = (uint8_t)(i * 7 + 3);
    }
    host_ram_write(host, RAM_SRC, pattern, sizeof(pattern));
    check(dma(host, RAM_SRC, EDU_DMA_BUF_ADDR, 0), "RAM -> buffer completes");
    check(dma(host, RAM_DST, EDU_DMA_BUF_ADDR, EDU_DMA_CMD_TO_RAM),
          "buffer -> RAM completes");
    host_ram_read(host, RAM_DST, back, sizeof(back));
    printf("  0x%08x -> buffer -> 0x%08x in %" PRIu64 " PCI clocks (%" PRIu64
           " ns)\n",
           RAM_SRC, RAM_DST, host_now(host) - t0,
           (host_now(host) - t0) * host_clock_ns(host));
    check(memcmp(pattern, back, sizeof(back)) == 0, "data arrives unchanged");
}

static int usage(const char *argv0, int help)
{
    fprintf(help ? stdout : stderr,
            "usage: %s [--vcd FILE]\n"
            "Runs the edu C model as a driver would (probe, BAR0, "
            "factorial, DMA)\nand prints what it sees; exits 1 if "
            "anything is wrong.\n"
            "  --vcd FILE  also write the run's PCI waveform to FILE "
            "(VCD; open it with\n"
            "              gtkwave FILE waves/edu.gtkw)\n",
            argv0);
    return help ? 0 : 2;
}

int main(int argc, char **argv)
{
    const char *vcd_path = NULL;
    EduVcd *vcd = NULL;
    Host *host;
    int ret;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            return usage(argv[0], 1);
        } else if (!strcmp(argv[i], "--vcd") && i + 1 < argc) {
            vcd_path = argv[++i];
        } else {
            return usage(argv[0], 0);
        }
    }
    host = host_create(NULL);
    if (!host || host_add_edu(host, EDU_SLOT, 0, NULL) < 0) {
        fprintf(stderr, "edu-demo: cannot build the platform\n");
        return 1;
    }
    if (vcd_path) {
        char err[256];

        vcd = edu_vcd_open(host, vcd_path, err, sizeof(err));
        if (!vcd) {
            fprintf(stderr, "edu-demo: %s\n", err);
            host_destroy(host);
            return 1;
        }
    }
    probe(host);
    map_bar0(host);
    factorial(host);
    dma_round_trip(host);
    printf("simulated time %" PRIu64 " PCI clocks, %u guest errors; %s\n",
           host_now(host), (unsigned)host_log(host)->guest_errors,
           failures ? "FAILED" : "all ok");
    ret = edu_vcd_close(vcd);
    if (ret < 0) {
        fprintf(stderr, "edu-demo: writing %s: %s\n", vcd_path,
                strerror(-ret));
        failures++;
    }
    host_destroy(host);
    return failures ? 1 : 0;
}

/*
 * The RTL's bus master copes with every way PCI lets a target end a
 * transaction early.
 *
 * Stress: with target_stress_seed set, the harness's RAM target answers
 * the device's DMA bursts and MSI messages with wait states, retries and
 * disconnects with and without data (edu/rtl.h).  A 4 KiB transfer goes
 * from RAM to the buffer and back to another place in RAM, each with its
 * interrupt as an MSI message.  The copy must equal the pattern, both
 * messages must arrive, and every kind of early end must have happened.
 *
 * Target abort: with a target-abort range, the RAM target aborts every
 * transaction of the device that starts there.  The device treats it as
 * the C model treats a master abort (docs/rtl.md): a read burst delivers
 * all ones, a write burst and an MSI message are dropped, each is a guest
 * error, and the DMA still ends with its interrupt.
 *
 * Both run under the protocol monitor.  Exit 0 when all holds, 1 otherwise.
 */
#include <stdio.h>
#include <string.h>

#include "edu/pci_regs.h"
#include "edu/regs.h"
#include "edu/rtl.h"
#include "edu/timing.h"

#define EDU_CA (PCI_CONFIG_ENABLE | PCI_DEVFN(4, 0) << 8)
#define BAR0 0xfe000000u
#define SRC 0x100000u
#define DST 0x200000u
#define MSI_ADDR 0x300000u
#define MSI_DATA 0x4242u
#define ABORT_BASE 0x400000u /* two buffers' worth: in and out */
#define WAIT_CLOCKS 100000u

static int failed;

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "rtl_bus_master: %s\n", what);
        failed = 1;
    }
}

static void config_write(EduPlatform *rtl, unsigned reg, uint32_t val,
                         unsigned size)
{
    rtl->ops->io_write(rtl, PCI_CONFIG_ADDRESS_PORT, EDU_CA | (reg & ~3u), 4);
    rtl->ops->io_write(rtl, (uint16_t)(PCI_CONFIG_DATA_PORT + (reg & 3u)), val,
                       size);
}

static void set_msi_address(EduPlatform *rtl, uint32_t addr)
{
    config_write(rtl, EDU_MSI_CAP_OFFSET + PCI_MSI_ADDRESS_LO, addr, 4);
}

/* BAR0 mapped, MSI on (to MSI_ADDR), memory and bus mastering enabled. */
static EduPlatform *platform(const EduRtlOptions *opt)
{
    const EduPlatformConfig cfg = {.quiet = true};
    char err[256];
    EduPlatform *rtl;

    rtl = edu_rtl_create(&cfg, opt, err, sizeof(err));
    if (!rtl) {
        fprintf(stderr, "rtl_bus_master: %s\n", err);
        return NULL;
    }
    config_write(rtl, PCI_BASE_ADDRESS_0, BAR0, 4);
    set_msi_address(rtl, MSI_ADDR);
    config_write(rtl, EDU_MSI_CAP_OFFSET + PCI_MSI_DATA_64, MSI_DATA, 2);
    config_write(rtl, EDU_MSI_CAP_OFFSET + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE,
                 2);
    config_write(rtl, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    return rtl;
}

/* One 4 KiB DMA with its interrupt; true once RUN has cleared. */
static int dma(EduPlatform *rtl, uint64_t src, uint64_t dst, uint64_t cmd)
{
    uint64_t val = EDU_DMA_CMD_RUN;

    rtl->ops->mem_write(rtl, BAR0 + EDU_REG_DMA_SRC, src, 8);
    rtl->ops->mem_write(rtl, BAR0 + EDU_REG_DMA_DST, dst, 8);
    rtl->ops->mem_write(rtl, BAR0 + EDU_REG_DMA_COUNT, EDU_DMA_BUF_SIZE, 8);
    rtl->ops->mem_write(rtl, BAR0 + EDU_REG_DMA_CMD,
                        cmd | EDU_DMA_CMD_RUN | EDU_DMA_CMD_IRQ, 8);
    for (unsigned i = 0; i < WAIT_CLOCKS && (val & EDU_DMA_CMD_RUN); i++) {
        rtl->ops->advance(rtl, EDU_CLOCK_NS_DEFAULT);
        rtl->ops->mem_read(rtl, BAR0 + EDU_REG_DMA_CMD, 8, &val);
    }
    return !(val & EDU_DMA_CMD_RUN);
}

/* Whether the MSI message came to MSI_ADDR (cleared after); the DMA
 * interrupt acknowledged either way. */
static int msi_arrived(EduPlatform *rtl)
{
    uint64_t val = 0;

    for (unsigned i = 0; i < 100 && val != MSI_DATA; i++) {
        rtl->ops->advance(rtl, 10 * EDU_CLOCK_NS_DEFAULT);
        rtl->ops->mem_read(rtl, MSI_ADDR, 4, &val);
    }
    rtl->ops->mem_write(rtl, MSI_ADDR, 0, 4);
    rtl->ops->mem_write(rtl, BAR0 + EDU_REG_IRQ_ACK, EDU_IRQ_DMA, 4);
    return val == MSI_DATA;
}

/* A 4 KiB DMA that must end (RUN clears) with its MSI message. */
static void dma_done(EduPlatform *rtl, uint64_t src, uint64_t dst, uint64_t cmd,
                     const char *what)
{
    char msg[128];

    snprintf(msg, sizeof(msg), "%s: RUN stays set", what);
    check(dma(rtl, src, dst, cmd), msg);
    snprintf(msg, sizeof(msg), "%s: no MSI message", what);
    check(msi_arrived(rtl), msg);
}

/* Whether RAM at 'addr' holds the 4 KiB 'want'. */
static int ram_holds(EduPlatform *rtl, uint64_t addr, const uint8_t *want)
{
    static uint8_t got[EDU_DMA_BUF_SIZE];

    rtl->ops->mem_read_buf(rtl, addr, got, sizeof(got));
    return !memcmp(got, want, sizeof(got));
}

static void fill(uint8_t *buf, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)(i * seed + (i >> 8));
    }
}

static void test_stress(void)
{
    const EduRtlOptions opt = {.target_stress_seed = 12345};
    EduPlatform *rtl = platform(&opt);
    static uint8_t pattern[EDU_DMA_BUF_SIZE];
    EduRtlTargetStops stops;

    if (!rtl) {
        failed = 1;
        return;
    }
    fill(pattern, sizeof(pattern), 7);
    rtl->ops->mem_write_buf(rtl, SRC, pattern, sizeof(pattern));

    dma_done(rtl, SRC, EDU_DMA_BUF_ADDR, 0, "RAM to buffer");
    dma_done(rtl, EDU_DMA_BUF_ADDR, DST, EDU_DMA_CMD_TO_RAM, "buffer to RAM");
    check(ram_holds(rtl, DST, pattern), "the copy differs");
    check(!edu_platform_error(rtl)[0], edu_platform_error(rtl));

    edu_rtl_target_stops(rtl, &stops);
    printf("stress: retries %lu, disconnects with data %lu, without data "
           "%lu\n",
           stops.retries, stops.disconnects_with_data,
           stops.disconnects_without_data);
    check(stops.retries > 0, "no retry happened");
    check(stops.disconnects_with_data > 0, "no disconnect with data");
    check(stops.disconnects_without_data > 0, "no disconnect without data");
    rtl->ops->destroy(rtl);
}

static void test_target_abort(void)
{
    const EduRtlOptions opt = {.target_abort_base = ABORT_BASE,
                               .target_abort_size = 2 * EDU_DMA_BUF_SIZE};
    EduPlatform *rtl = platform(&opt);
    static uint8_t pattern[EDU_DMA_BUF_SIZE], ones[EDU_DMA_BUF_SIZE];
    const uint64_t out = ABORT_BASE + EDU_DMA_BUF_SIZE;
    EduRtlTargetStops stops;
    unsigned long errors;
    uint64_t msi = 0;

    if (!rtl) {
        failed = 1;
        return;
    }
    memset(ones, 0xff, sizeof(ones));
    fill(pattern, sizeof(pattern), 13);
    rtl->ops->mem_write_buf(rtl, ABORT_BASE, pattern, sizeof(pattern));
    rtl->ops->mem_write_buf(rtl, out, pattern, sizeof(pattern));

    /* From RAM: every burst aborted, all ones into the buffer (seen by
     * copying the buffer out to RAM outside the range: BAR0 does not show
     * it). */
    dma_done(rtl, ABORT_BASE, EDU_DMA_BUF_ADDR, 0, "aborted RAM to buffer");
    errors = rtl->ops->guest_errors(rtl);
    check(errors > 0, "aborted read bursts: no guest error");
    dma_done(rtl, EDU_DMA_BUF_ADDR, DST, EDU_DMA_CMD_TO_RAM, "buffer to RAM");
    check(ram_holds(rtl, DST, ones),
          "aborted read bursts: the buffer is not all ones");
    check(rtl->ops->guest_errors(rtl) == errors,
          "a guest error outside the range");

    /* To RAM: dropped, RAM keeps what it had. */
    dma_done(rtl, EDU_DMA_BUF_ADDR, out, EDU_DMA_CMD_TO_RAM,
             "aborted buffer to RAM");
    check(ram_holds(rtl, out, pattern), "aborted write bursts: RAM changed");
    check(rtl->ops->guest_errors(rtl) > errors,
          "aborted write bursts: no guest error");

    /* An MSI message into the range is lost, and the next one still goes
     * out: the device is not stuck. */
    set_msi_address(rtl, ABORT_BASE);
    rtl->ops->mem_write(rtl, BAR0 + EDU_REG_IRQ_RAISE, EDU_IRQ_FACT, 4);
    rtl->ops->advance(rtl, 1000 * EDU_CLOCK_NS_DEFAULT);
    rtl->ops->mem_read(rtl, ABORT_BASE, 4, &msi);
    check(msi == (uint32_t)(pattern[0] | pattern[1] << 8 | pattern[2] << 16 |
                            (uint32_t)pattern[3] << 24),
          "an aborted MSI message changed RAM");
    set_msi_address(rtl, MSI_ADDR);
    rtl->ops->mem_write(rtl, BAR0 + EDU_REG_IRQ_RAISE, EDU_IRQ_FACT, 4);
    check(msi_arrived(rtl), "no MSI message after an aborted one");
    check(!edu_platform_error(rtl)[0], edu_platform_error(rtl));

    edu_rtl_target_stops(rtl, &stops);
    printf("target abort: %lu transactions aborted, %lu guest errors\n",
           stops.target_aborts, rtl->ops->guest_errors(rtl));
    /* 4 KiB each way in 64-byte bursts, and one message. */
    check(stops.target_aborts == 2 * EDU_DMA_BUF_SIZE / 64 + 1,
          "not every transaction in the range was aborted");
    rtl->ops->destroy(rtl);
}

int main(void)
{
    test_stress();
    test_target_abort();
    return failed;
}

/*
 * The RTL's bus master copes with every early end PCI allows a target.
 *
 * With target_stress_seed set, the harness's RAM target answers the
 * device's DMA bursts and MSI messages with wait states, retries and
 * disconnects with and without data (edu/rtl.h).  Here a 4 KiB transfer
 * goes from RAM to the buffer and back to another place in RAM, each with
 * its interrupt as an MSI message, under the protocol monitor.  The copy
 * must equal the pattern, both messages must arrive, and every kind of
 * early end must have happened.  Exit 0 when all holds, 1 otherwise.
 */
#include <stdio.h>
#include <string.h>

#include "edu/pci_regs.h"
#include "edu/regs.h"
#include "edu/rtl.h"

#define EDU_CA (PCI_CONFIG_ENABLE | PCI_DEVFN(4, 0) << 8)
#define BAR0 0xfe000000u
#define SRC 0x100000u
#define DST 0x200000u
#define MSI_ADDR 0x300000u
#define MSI_DATA 0x4242u
#define WAIT_CLOCKS 100000u

static int failed;

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "rtl_target_stress: %s\n", what);
        failed = 1;
    }
}

static void config_write(EduRtl *rtl, unsigned reg, uint32_t val,
                         unsigned size)
{
    edu_rtl_io_write(rtl, PCI_CONFIG_ADDRESS_PORT, EDU_CA | (reg & ~3u), 4);
    edu_rtl_io_write(rtl, (uint16_t)(PCI_CONFIG_DATA_PORT + (reg & 3u)), val,
                     size);
}

/* One DMA with its interrupt; true once RUN has cleared. */
static int dma(EduRtl *rtl, uint64_t src, uint64_t dst, uint64_t cmd)
{
    uint64_t val = EDU_DMA_CMD_RUN;

    edu_rtl_mem_write(rtl, BAR0 + EDU_REG_DMA_SRC, src, 8);
    edu_rtl_mem_write(rtl, BAR0 + EDU_REG_DMA_DST, dst, 8);
    edu_rtl_mem_write(rtl, BAR0 + EDU_REG_DMA_COUNT, EDU_DMA_BUF_SIZE, 8);
    edu_rtl_mem_write(rtl, BAR0 + EDU_REG_DMA_CMD, cmd | EDU_DMA_CMD_RUN | EDU_DMA_CMD_IRQ, 8);
    for (unsigned i = 0; i < WAIT_CLOCKS && (val & EDU_DMA_CMD_RUN); i++) {
        edu_rtl_advance(rtl, 1);
        edu_rtl_mem_read(rtl, BAR0 + EDU_REG_DMA_CMD, 8, &val);
    }
    return !(val & EDU_DMA_CMD_RUN);
}

/* The MSI message in RAM (cleared after), once it came. */
static int msi_arrived(EduRtl *rtl)
{
    uint64_t val = 0;

    for (unsigned i = 0; i < 100 && val != MSI_DATA; i++) {
        edu_rtl_advance(rtl, 10);
        edu_rtl_mem_read(rtl, MSI_ADDR, 4, &val);
    }
    edu_rtl_mem_write(rtl, MSI_ADDR, 0, 4);
    edu_rtl_mem_write(rtl, BAR0 + EDU_REG_IRQ_ACK, EDU_IRQ_DMA, 4);
    return val == MSI_DATA;
}

int main(void)
{
    EduRtlConfig cfg = {.quiet = true, .target_stress_seed = 12345};
    char err[256];
    EduRtl *rtl = edu_rtl_create(&cfg, err, sizeof(err));
    static uint8_t pattern[EDU_DMA_BUF_SIZE], copy[EDU_DMA_BUF_SIZE];
    EduRtlTargetStops stops;

    if (!rtl) {
        fprintf(stderr, "rtl_target_stress: %s\n", err);
        return 1;
    }
    for (unsigned i = 0; i < sizeof(pattern); i++) {
        pattern[i] = (uint8_t)(i * 7 + (i >> 8));
    }
    config_write(rtl, PCI_BASE_ADDRESS_0, BAR0, 4);
    config_write(rtl, EDU_MSI_CAP_OFFSET + PCI_MSI_ADDRESS_LO, MSI_ADDR, 4);
    config_write(rtl, EDU_MSI_CAP_OFFSET + PCI_MSI_DATA_64, MSI_DATA, 2);
    config_write(rtl, EDU_MSI_CAP_OFFSET + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE,
                 2);
    config_write(rtl, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER,
                 2);
    edu_rtl_mem_write_buf(rtl, SRC, pattern, sizeof(pattern));

    check(dma(rtl, SRC, EDU_DMA_BUF_ADDR, 0), "RAM to buffer: RUN stays set");
    check(msi_arrived(rtl), "RAM to buffer: no MSI message");
    check(dma(rtl, EDU_DMA_BUF_ADDR, DST, EDU_DMA_CMD_TO_RAM),
          "buffer to RAM: RUN stays set");
    check(msi_arrived(rtl), "buffer to RAM: no MSI message");
    edu_rtl_mem_read_buf(rtl, DST, copy, sizeof(copy));
    check(!memcmp(copy, pattern, sizeof(copy)), "the copy differs");
    check(!edu_rtl_error(rtl)[0], edu_rtl_error(rtl));

    edu_rtl_target_stops(rtl, &stops);
    printf("retries %lu, disconnects with data %lu, without data %lu\n",
           stops.retries, stops.disconnects_with_data,
           stops.disconnects_without_data);
    check(stops.retries > 0, "no retry happened");
    check(stops.disconnects_with_data > 0, "no disconnect with data");
    check(stops.disconnects_without_data > 0, "no disconnect without data");
    edu_rtl_destroy(rtl);
    return failed;
}

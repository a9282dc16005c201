/*
 * A program of another project's that uses the installed C model: it
 * builds a platform with one edu device, enumerates it through
 * configuration mechanism #1, computes 10! and copies a buffer through the
 * device's DMA engine, checking QEMU's answers.  Exit 0 when all agree.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "edu/pci_regs.h"
#include "edu/platform.h"
#include "edu/regs.h"

#define SLOT 4
#define BAR0 0xfe000000u

static int failures;

static void expect(const char *what, uint64_t got, uint64_t want)
{
    printf("%-28s 0x%08llx %s\n", what, (unsigned long long)got,
           got == want ? "ok" : "WRONG");
    failures += got != want;
}

static uint32_t config_read(EduPlatform *p, unsigned reg)
{
    uint32_t val = 0;

    p->ops->io_write(p, PCI_CONFIG_ADDRESS_PORT,
                     PCI_CONFIG_ENABLE | PCI_DEVFN(SLOT, 0) << 8 | reg, 4);
    p->ops->io_read(p, PCI_CONFIG_DATA_PORT, 4, &val);
    return val;
}

static void config_write(EduPlatform *p, unsigned reg, uint32_t val)
{
    p->ops->io_write(p, PCI_CONFIG_ADDRESS_PORT,
                     PCI_CONFIG_ENABLE | PCI_DEVFN(SLOT, 0) << 8 | reg, 4);
    p->ops->io_write(p, PCI_CONFIG_DATA_PORT, val, 4);
}

static uint64_t reg_read(EduPlatform *p, unsigned reg)
{
    uint64_t val = 0;

    p->ops->mem_read(p, BAR0 + reg, 4, &val);
    return val;
}

/* Polls reg until (reg & mask) == 0, as a driver does. */
static void wait_clear(EduPlatform *p, unsigned reg, uint32_t mask)
{
    for (int i = 0; i < 100000 && (reg_read(p, reg) & mask); i++) {
        p->ops->advance(p, 1000);
    }
}

int main(void)
{
    EduPlatformConfig cfg = {.n_edu = 1, .edu_slot = {SLOT}};
    uint8_t out[256], in[256];
    char err[256];
    EduPlatform *p = edu_cmodel_platform_ops.create(&cfg, err, sizeof(err));

    if (!p) {
        fprintf(stderr, "consumer: %s\n", err);
        return 1;
    }
    expect("vendor/device", config_read(p, PCI_VENDOR_ID),
           (uint32_t)EDU_DEVICE_ID << 16 | EDU_VENDOR_ID);
    config_write(p, PCI_BASE_ADDRESS_0, BAR0);
    config_write(p, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    expect("ID register", reg_read(p, EDU_REG_ID), EDU_ID_VALUE);

    p->ops->mem_write(p, BAR0 + EDU_REG_FACT, 10, 4);
    wait_clear(p, EDU_REG_STATUS, EDU_STATUS_COMPUTING);
    expect("10!", reg_read(p, EDU_REG_FACT), 3628800);

    for (unsigned i = 0; i < sizeof(out); i++) {
        out[i] = (uint8_t)(i * 7 + 1);
    }
    p->ops->ram_write(p, 0x10000, out, sizeof(out));
    p->ops->mem_write(p, BAR0 + EDU_REG_DMA_SRC, 0x10000, 4);
    p->ops->mem_write(p, BAR0 + EDU_REG_DMA_DST, EDU_DMA_BUF_ADDR, 4);
    p->ops->mem_write(p, BAR0 + EDU_REG_DMA_COUNT, sizeof(out), 4);
    p->ops->mem_write(p, BAR0 + EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN, 4);
    wait_clear(p, EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN);
    p->ops->mem_write(p, BAR0 + EDU_REG_DMA_SRC, EDU_DMA_BUF_ADDR, 4);
    p->ops->mem_write(p, BAR0 + EDU_REG_DMA_DST, 0x20000, 4);
    p->ops->mem_write(p, BAR0 + EDU_REG_DMA_CMD,
                      EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM, 4);
    wait_clear(p, EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN);
    p->ops->ram_read(p, 0x20000, in, sizeof(in));
    expect("DMA round trip differs", (uint64_t)memcmp(in, out, sizeof(in)),
           0);
    printf("%llu ns simulated\n", (unsigned long long)p->ops->now_ns(p));
    p->ops->destroy(p);
    return failures != 0;
}

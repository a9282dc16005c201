/*
 * Driver-like steps on a Lockstep: configuration cycles through 0xCF8/0xCFC,
 * register and RAM access, polling, and a firmware-like enumerator.
 *
 * Each step is a few operations; its result is the reference view's
 * answer.  After a view fails (ls->error) the steps do nothing and return
 * zeros, so a caller checks ls->error once at the end.
 */
#ifndef EDU_TB_DRIVER_H
#define EDU_TB_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "edu/pci_regs.h"
#include "lockstep.h"

/* Where the enumerator puts BARs: the PCI hole of QEMU's pc machine with
 * 128 MiB, clear of its IOAPIC, HPET, LAPIC and BIOS ROM at 0xfec00000+. */
#define DRV_MEM_WINDOW_BASE 0xe0000000ull
#define DRV_MEM_WINDOW_END  0xfec00000ull
/* The interrupt line the enumerator writes (what QEMU's firmware picks). */
#define DRV_IRQ_LINE        11
/* QEMU's pc machine has its PIIX3 at 00:01.0; the models have nothing
 * there, so scans that are compared leave that slot out. */
#define DRV_QEMU_ONLY_SLOT  1

uint32_t drv_cfg_read(Lockstep *ls, unsigned devfn, unsigned off,
                      unsigned size);
void drv_cfg_write(Lockstep *ls, unsigned devfn, unsigned off, uint32_t val,
                   unsigned size);
uint64_t drv_read(Lockstep *ls, uint64_t addr, unsigned size);
void drv_write(Lockstep *ls, uint64_t addr, uint64_t val, unsigned size);
void drv_read_buf(Lockstep *ls, uint64_t addr, uint8_t *buf, unsigned len);
void drv_write_buf(Lockstep *ls, uint64_t addr, const uint8_t *buf,
                   unsigned len);
/* Polls addr until (value & mask) == want; false if timeout_ns passed. */
bool drv_wait(Lockstep *ls, uint64_t addr, unsigned size, uint64_t mask,
              uint64_t want, uint64_t timeout_ns, uint64_t *last);
/* The same for the end of a DMA, whose time views may differ in by
 * DRV_DMA_SLACK_PCT percent (docs/timing.md). */
#define DRV_DMA_SLACK_PCT 2
bool drv_wait_dma(Lockstep *ls, uint64_t addr, unsigned size, uint64_t mask,
                  uint64_t want, uint64_t timeout_ns, uint64_t *last);
void drv_advance(Lockstep *ls, uint64_t ns);

typedef struct DrvFunction {
    unsigned devfn;
    uint16_t vendor_id;
    uint16_t device_id;
    uint32_t class_code;
    uint32_t bar_size[PCI_NUM_BARS];    /* 0: none */
    uint64_t bar_addr[PCI_NUM_BARS];    /* where it was put */
} DrvFunction;

typedef struct DrvEnumConfig {
    uint32_t skip_slots;        /* bit per slot not to touch */
    bool bus_master;            /* also set COMMAND.bus_master */
    bool msi;                   /* set up MSI on functions that have it */
    uint64_t msi_addr;          /* ... to write msi_data here */
    uint16_t msi_data;
} DrvEnumConfig;

typedef struct DrvEnumeration {
    unsigned n;
    DrvFunction fn[256];
    uint64_t window_used;       /* next free address of the window */
} DrvEnumeration;

/*
 * Scans bus 0 like firmware: every slot's function 0, and functions 1..7
 * of multi-function devices; sizes every BAR; puts memory BARs in the PCI
 * memory window (aligned to their size, lowest first in scan order);
 * enables memory decoding (and bus mastering), writes the interrupt line
 * and optionally programs MSI.  0, -ENOSPC when the window is full, or the
 * view's error.
 */
int drv_enumerate(Lockstep *ls, const DrvEnumConfig *cfg,
                  DrvEnumeration *out);

#endif /* EDU_TB_DRIVER_H */

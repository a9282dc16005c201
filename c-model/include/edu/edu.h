/*
 * QEMU's educational PCI device ("edu"), cycle-approximate.
 *
 * Registers, the factorial unit (one multiply per clock), the DMA engine
 * with its 4 KiB buffer, INTx and MSI.  The register rules follow QEMU's
 * hw/misc/edu.c with the fixed out-of-range DMA handling (log, copy nothing);
 * time follows the timing table in edu/timing.h.
 */
#ifndef EDU_EDU_H
#define EDU_EDU_H

#include <stdbool.h>
#include <stdint.h>

#include "edu/pci.h"
#include "edu/regs.h"

typedef struct EduDevice EduDevice;

/* Device state as the waveforms show it. */
typedef struct EduState {
    uint32_t status;        /* the STATUS register */
    uint32_t irq_status;
    bool fact_busy;
    bool dma_busy;
    bool intx;              /* INTA# driven (after COMMAND's INTx disable) */
} EduState;

/* A new device at 'devfn' of 'bus'; NULL with errno set on failure. */
EduDevice *edu_create(PciBus *bus, unsigned devfn, EduLog *log);
void edu_destroy(EduDevice *edu);

PciFunction *edu_function(EduDevice *edu);
/* The DMA address mask (QEMU's dma_mask property). */
void edu_set_dma_mask(EduDevice *edu, uint64_t mask);
void edu_get_state(const EduDevice *edu, EduState *state);

#endif /* EDU_EDU_H */

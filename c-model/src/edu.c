/*
 * QEMU's educational PCI device, register by register, with time.
 *
 * Register rules follow QEMU's hw/misc/edu.c; an out-of-range DMA follows
 * the fixed semantics (log a guest error, copy nothing, finish as usual).
 * Time: the factorial unit does one multiply per clock and stops early once
 * the product is 0 (it cannot change after that); any 34 consecutive factors
 * hold 2^32, so no operand needs more than 34 multiplies.  The DMA engine
 * moves its data in bus-master bursts timed by the bus.  Not modelled:
 * QEMU's asynchronous thread and 100 ms DMA timer (results do not depend on
 * them).
 */
#include <errno.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "edu/bytes.h"
#include "edu/edu.h"
#include "edu/timing.h"

struct EduDevice {
    PciFunction pci;            /* first: the bus hands this back */
    EduLog *log;

    uint32_t liveness;
    uint32_t fact;              /* operand, then result */
    uint32_t fact_result;
    uint64_t fact_done;         /* clock the computation ends */
    uint32_t status;
    uint32_t irq_status;

    uint64_t dma_src;
    uint64_t dma_dst;
    uint64_t dma_count;
    uint64_t dma_cmd;
    uint64_t dma_mask;

    /* The transfer in flight (while dma_cmd has RUN). */
    uint64_t dma_ready;         /* clock the next burst may ask for the bus */
    uint64_t dma_ram;           /* next RAM address */
    uint64_t dma_left;          /* bytes still to move */
    uint32_t dma_buf_off;       /* next buffer offset */

    alignas(64) uint8_t dma_buf[EDU_DMA_BUF_SIZE];
};

static EduDevice *edu_of(PciFunction *fn)
{
    return (EduDevice *)fn;
}

static void edu_raise_irq(EduDevice *edu, uint32_t val, uint64_t now)
{
    edu->irq_status |= val;
    if (!edu->irq_status) {
        return;
    }
    if (pci_cfg_msi_enabled(&edu->pci.cfg)) {
        pci_bus_msi_notify(edu->pci.bus, &edu->pci, now);
    } else {
        pci_cfg_set_intx(&edu->pci.cfg, true);
    }
}

static void edu_lower_irq(EduDevice *edu, uint32_t val)
{
    edu->irq_status &= ~val;
    if (!edu->irq_status && !pci_cfg_msi_enabled(&edu->pci.cfg)) {
        pci_cfg_set_intx(&edu->pci.cfg, false);
    }
}

static void edu_reschedule(EduDevice *edu)
{
    uint64_t next = PCI_NO_EVENT;

    if (edu->status & EDU_STATUS_COMPUTING) {
        next = edu->fact_done;
    }
    if (edu->dma_cmd & EDU_DMA_CMD_RUN) {
        next = MIN(next, edu->dma_ready);
    }
    pci_bus_schedule(&edu->pci, next);
}

/* n! in 32 bits, and how many multiplies the unit needs for it. */
static uint32_t edu_factorial(uint32_t n, uint64_t *multiplies)
{
    uint32_t product = 1;
    uint64_t k = 0;

    while (n > 0 && product != 0) {
        product *= n--;
        k++;
    }
    *multiplies = k;
    return product;
}

/* Kept out of line: the register-write path stays short. */
__attribute__((noinline)) static void
edu_start_fact(EduDevice *edu, uint32_t operand, uint64_t now)
{
    uint64_t multiplies;

    edu->fact = operand;
    edu->fact_result = edu_factorial(operand, &multiplies);
    edu->fact_done = now + EDU_T_FACT_SETUP + multiplies * EDU_T_FACT_MUL;
    edu->status |= EDU_STATUS_COMPUTING;
    edu_reschedule(edu);
}

static void edu_finish_fact(EduDevice *edu)
{
    edu->fact = edu->fact_result;
    edu->status &= ~EDU_STATUS_COMPUTING;
    if (edu->status & EDU_STATUS_IRQFACT) {
        edu_raise_irq(edu, EDU_IRQ_FACT, edu->fact_done);
    }
}

static uint64_t edu_clamp_addr(EduDevice *edu, uint64_t addr)
{
    uint64_t res = addr & edu->dma_mask;

    if (res != addr) {
        EDU_LOG_GUEST_ERROR(edu->log, "edu: clamping DMA 0x%016llx to 0x%016llx",
                            (unsigned long long)addr,
                            (unsigned long long)res);
    }
    return res;
}

static bool edu_dma_in_range(EduDevice *edu, uint64_t start, uint64_t count)
{
    uint64_t end = start + count;

    if (end >= start && start >= EDU_DMA_BUF_ADDR &&
        end <= EDU_DMA_BUF_ADDR + EDU_DMA_BUF_SIZE) {
        return true;
    }
    EDU_LOG_GUEST_ERROR(edu->log,
                        "edu: DMA range 0x%016llx+0x%llx outside the buffer "
                        "(0x%x-0x%x): nothing copied",
                        (unsigned long long)start, (unsigned long long)count,
                        EDU_DMA_BUF_ADDR,
                        EDU_DMA_BUF_ADDR + EDU_DMA_BUF_SIZE - 1);
    return false;
}

/* Kept out of line: the register-write path stays short. */
__attribute__((noinline)) static void
edu_start_dma(EduDevice *edu, uint64_t cmd, uint64_t now)
{
    bool to_ram = cmd & EDU_DMA_CMD_TO_RAM;
    uint64_t buf_addr = to_ram ? edu->dma_src : edu->dma_dst;
    uint64_t ram_addr = to_ram ? edu->dma_dst : edu->dma_src;

    edu->dma_cmd = cmd;
    edu->dma_ready = now + EDU_T_DMA_START;
    edu->dma_left = 0;
    if (edu_dma_in_range(edu, buf_addr, edu->dma_count)) {
        edu->dma_buf_off = (uint32_t)(buf_addr - EDU_DMA_BUF_ADDR);
        edu->dma_ram = edu_clamp_addr(edu, ram_addr);
        edu->dma_left = edu->dma_count;
    }
    edu_reschedule(edu);
}

/* Moves the bursts that can start by 'until'; finishes when all moved. */
static void edu_dma_step(EduDevice *edu, uint64_t until)
{
    bool to_ram = edu->dma_cmd & EDU_DMA_CMD_TO_RAM;
    PciBus *bus = edu->pci.bus;
    uint64_t end;
    uint64_t n;

    if (edu->dma_left == 0) {
        edu->dma_cmd &= ~(uint64_t)EDU_DMA_CMD_RUN;
        if (edu->dma_cmd & EDU_DMA_CMD_IRQ) {
            edu_raise_irq(edu, EDU_IRQ_DMA, edu->dma_ready);
        }
        pci_bus_note(&edu->pci, edu->dma_ready);
        return;
    }
    n = pci_bus_master_bursts(bus, &edu->pci, to_ram, edu->dma_ram,
                              edu->dma_left, edu->dma_ready, until, &end,
                              edu->dma_buf + edu->dma_buf_off);
    if (n == 0) {
        /* The bus is taken past 'until': ask again when it frees. */
        edu->dma_ready = bus->bus_free;
        return;
    }
    if (to_ram) {
        pci_bus_dma_write(bus, &edu->pci, edu->dma_ram,
                          edu->dma_buf + edu->dma_buf_off, n, end);
    } else {
        pci_bus_dma_read(bus, &edu->pci, edu->dma_ram,
                         edu->dma_buf + edu->dma_buf_off, n, end);
    }
    edu->dma_ram += n;
    edu->dma_buf_off += (uint32_t)n;
    edu->dma_left -= n;
    edu->dma_ready = end;
}

static void edu_run(PciFunction *fn, uint64_t until)
{
    EduDevice *edu = edu_of(fn);

    for (;;) {
        uint64_t fact_at = (edu->status & EDU_STATUS_COMPUTING)
                               ? edu->fact_done
                               : PCI_NO_EVENT;
        uint64_t dma_at = (edu->dma_cmd & EDU_DMA_CMD_RUN) ? edu->dma_ready
                                                           : PCI_NO_EVENT;

        if (MIN(fact_at, dma_at) > until) {
            break;
        }
        if (fact_at <= dma_at) {
            edu_finish_fact(edu);
            pci_bus_note(fn, fact_at);
        } else {
            /* Bursts that start before the factorial ends come first. */
            edu_dma_step(edu, fact_at <= until ? fact_at - 1 : until);
        }
    }
    edu_reschedule(edu);
}

static uint64_t edu_bar_read(PciFunction *fn, int bar, uint64_t off,
                             unsigned size, uint64_t now)
{
    EduDevice *edu = edu_of(fn);

    (void)bar;
    (void)now;
    if (off < EDU_REG_WIDE_BASE ? size != 4 : size != 4 && size != 8) {
        return UINT64_MAX;
    }
    switch (off) {
    case EDU_REG_ID:
        return EDU_ID_VALUE;
    case EDU_REG_LIVENESS:
        return edu->liveness;
    case EDU_REG_FACT:
        return edu->fact;
    case EDU_REG_STATUS:
        return edu->status;
    case EDU_REG_IRQ_STATUS:
        return edu->irq_status;
    case EDU_REG_DMA_SRC:
        return edu->dma_src;
    case EDU_REG_DMA_DST:
        return edu->dma_dst;
    case EDU_REG_DMA_COUNT:
        return edu->dma_count;
    case EDU_REG_DMA_CMD:
        return edu->dma_cmd;
    default:
        return UINT64_MAX;
    }
}

static void edu_bar_write(PciFunction *fn, int bar, uint64_t off,
                          uint64_t val, unsigned size, uint64_t now)
{
    EduDevice *edu = edu_of(fn);
    bool dma_running = edu->dma_cmd & EDU_DMA_CMD_RUN;

    (void)bar;
    if (off < EDU_REG_WIDE_BASE ? size != 4 : size != 4 && size != 8) {
        return;
    }
    switch (off) {
    case EDU_REG_LIVENESS:
        edu->liveness = ~(uint32_t)val;
        break;
    case EDU_REG_FACT:
        if (!(edu->status & EDU_STATUS_COMPUTING)) {
            edu_start_fact(edu, (uint32_t)val, now);
        }
        break;
    case EDU_REG_STATUS:
        if (val & EDU_STATUS_IRQFACT) {
            edu->status |= EDU_STATUS_IRQFACT;
        } else {
            edu->status &= ~EDU_STATUS_IRQFACT;
        }
        break;
    case EDU_REG_IRQ_RAISE:
        edu_raise_irq(edu, (uint32_t)val, now);
        break;
    case EDU_REG_IRQ_ACK:
        edu_lower_irq(edu, (uint32_t)val);
        break;
    case EDU_REG_DMA_SRC:
        if (!dma_running) {
            edu->dma_src = val;
        }
        break;
    case EDU_REG_DMA_DST:
        if (!dma_running) {
            edu->dma_dst = val;
        }
        break;
    case EDU_REG_DMA_COUNT:
        if (!dma_running) {
            edu->dma_count = val;
        }
        break;
    case EDU_REG_DMA_CMD:
        if ((val & EDU_DMA_CMD_RUN) && !dma_running) {
            edu_start_dma(edu, val, now);
        }
        break;
    default:
        break;
    }
    pci_bus_note(fn, now);
}

static const PciFunctionOps edu_ops = {
    .bar_read = edu_bar_read,
    .bar_write = edu_bar_write,
    .run = edu_run,
};

EduDevice *edu_create(PciBus *bus, unsigned devfn, EduLog *log)
{
    static const PciIdentity id = {
        .vendor_id = EDU_VENDOR_ID,
        .device_id = EDU_DEVICE_ID,
        .revision = EDU_REVISION,
        .class_code = EDU_CLASS_CODE,
        .subsys_vendor_id = EDU_SUBSYS_VENDOR_ID,
        .subsys_id = EDU_SUBSYS_ID,
        .interrupt_pin = EDU_INTERRUPT_PIN,
    };
    EduDevice *edu = aligned_alloc(alignof(EduDevice), sizeof(*edu));
    int ret;

    if (!edu) {
        return NULL;
    }
    memset(edu, 0, sizeof(*edu));
    pci_cfg_init(&edu->pci.cfg, &id);
    pci_cfg_add_bar(&edu->pci.cfg, 0, EDU_BAR0_SIZE);
    pci_cfg_add_msi(&edu->pci.cfg, EDU_MSI_CAP_OFFSET);
    edu->pci.ops = &edu_ops;
    edu->pci.bar_access_min = 4;
    edu->pci.bar_access_max = 8;
    edu->pci.next_event = PCI_NO_EVENT;
    edu->log = log;
    edu->dma_mask = EDU_DMA_MASK_DEFAULT;
    ret = pci_bus_attach(bus, &edu->pci, devfn);
    if (ret < 0) {
        free(edu);
        errno = -ret;
        return NULL;
    }
    return edu;
}

void edu_destroy(EduDevice *edu)
{
    if (!edu) {
        return;
    }
    pci_bus_detach(edu->pci.bus, &edu->pci);
    free(edu);
}

PciFunction *edu_function(EduDevice *edu)
{
    return &edu->pci;
}

void edu_set_dma_mask(EduDevice *edu, uint64_t mask)
{
    edu->dma_mask = mask;
}

void edu_get_state(const EduDevice *edu, EduState *state)
{
    state->status = edu->status;
    state->irq_status = edu->irq_status;
    state->fact_busy = edu->status & EDU_STATUS_COMPUTING;
    state->dma_busy = edu->dma_cmd & EDU_DMA_CMD_RUN;
    state->intx = pci_cfg_intx_pin(&edu->pci.cfg);
}

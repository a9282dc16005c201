/*
 * PCI bus 0: configuration routing by device/function, memory routing by
 * the enabled BARs, bus-master access to RAM, and the bus's time.
 *
 * Time: the bus is one resource.  Every transaction books it for the clocks
 * the timing table gives, in the order the transactions are asked for, so a
 * CPU access waits for a DMA burst in flight and a DMA waits for the CPU.
 * Functions do their work in time order through pci_bus_run().  Not
 * modelled: peer-to-peer transfers (a bus master reaches RAM only), fast
 * back-to-back transactions, retries.
 */
#include <errno.h>
#include <string.h>

#include "edu/bytes.h"
#include "edu/pci.h"
#include "edu/timing.h"

void pci_bus_init(PciBus *bus, uint8_t *ram, uint64_t ram_size, EduLog *log)
{
    memset(bus, 0, sizeof(*bus));
    bus->ram = ram;
    bus->ram_size = ram_size;
    bus->log = log;
    bus->next_event = PCI_NO_EVENT;
}

static void pci_bus_update_next(PciBus *bus)
{
    uint64_t next = PCI_NO_EVENT;

    for (unsigned i = 0; i < bus->n_live; i++) {
        next = MIN(next, bus->live[i]->next_event);
    }
    bus->next_event = next;
}

/* Rebuilds the list of decoding BAR windows, in devfn and BAR order. */
static void pci_bus_remap(PciBus *bus)
{
    bus->n_window = 0;
    for (unsigned i = 0; i < bus->n_live; i++) {
        PciFunction *fn = bus->live[i];

        for (int bar = 0; bar < PCI_NUM_BARS; bar++) {
            uint64_t base = pci_cfg_bar_addr(&fn->cfg, bar);

            if (base != PCI_BAR_UNMAPPED) {
                bus->window[bus->n_window++] = (PciBarWindow){
                    .base = base,
                    .size = fn->cfg.bar_size[bar],
                    .fn = fn,
                    .bar = bar,
                };
            }
        }
    }
}

int pci_bus_attach(PciBus *bus, PciFunction *fn, unsigned devfn)
{
    unsigned i;

    if (devfn > 0xff) {
        return -EINVAL;
    }
    if (bus->fn[devfn]) {
        return -EBUSY;
    }
    fn->bus = bus;
    fn->devfn = (uint8_t)devfn;
    bus->fn[devfn] = fn;
    for (i = bus->n_live; i > 0 && bus->live[i - 1]->devfn > devfn; i--) {
        bus->live[i] = bus->live[i - 1];
    }
    bus->live[i] = fn;
    bus->n_live++;
    pci_bus_remap(bus);
    pci_bus_update_next(bus);
    return 0;
}

void pci_bus_detach(PciBus *bus, PciFunction *fn)
{
    unsigned j = 0;

    if (bus->fn[fn->devfn] != fn) {
        return;
    }
    bus->fn[fn->devfn] = NULL;
    for (unsigned i = 0; i < bus->n_live; i++) {
        if (bus->live[i] != fn) {
            bus->live[j++] = bus->live[i];
        }
    }
    bus->n_live = j;
    pci_bus_remap(bus);
    pci_bus_update_next(bus);
    fn->bus = NULL;
}

bool pci_bus_config_read(PciBus *bus, unsigned devfn, unsigned off,
                         unsigned len, uint32_t *val, uint64_t now)
{
    PciFunction *fn = devfn <= 0xff ? bus->fn[devfn] : NULL;

    if (!fn) {
        return false;
    }
    if (bus->port) {
        *val = bus->port->config_read(bus->port_opaque, fn, off, len, now);
    } else {
        *val = pci_fn_config_read(fn, off, len);
    }
    return true;
}

static bool overlaps(unsigned off, unsigned len, unsigned start, unsigned n)
{
    return off < start + n && start < off + len;
}

void pci_fn_config_write(PciFunction *fn, unsigned off, uint32_t val,
                         unsigned len, uint64_t now)
{
    pci_cfg_write(&fn->cfg, off, val, len);
    if (overlaps(off, len, PCI_COMMAND, 2) ||
        overlaps(off, len, PCI_BASE_ADDRESS_0, 4 * PCI_NUM_BARS)) {
        pci_bus_remap(fn->bus);
    }
    pci_bus_note(fn, now);
}

bool pci_bus_config_write(PciBus *bus, unsigned devfn, unsigned off,
                          uint32_t val, unsigned len, uint64_t now)
{
    PciFunction *fn = devfn <= 0xff ? bus->fn[devfn] : NULL;

    if (!fn) {
        return false;
    }
    if (bus->port) {
        bus->port->config_write(bus->port_opaque, fn, off, val, len, now);
    } else {
        pci_fn_config_write(fn, off, val, len, now);
    }
    return true;
}

uint64_t pci_bus_next_window(const PciBus *bus, uint64_t addr)
{
    uint64_t next = UINT64_MAX;

    for (unsigned i = 0; i < bus->n_window; i++) {
        if (bus->window[i].base > addr) {
            next = MIN(next, bus->window[i].base);
        }
    }
    return next;
}

void pci_bus_trace(PciBus *bus, const PciTxn *txn)
{
    if (bus->trace) {
        bus->trace(bus->trace_opaque, txn);
    }
}

void pci_bus_reschedule(PciFunction *fn, uint64_t when)
{
    uint64_t old = fn->next_event;

    fn->next_event = when;
    if (!fn->bus) {
        return;
    }
    if (when < fn->bus->next_event) {
        fn->bus->next_event = when;
    } else if (old == fn->bus->next_event && when != old) {
        pci_bus_update_next(fn->bus);
    }
}

void pci_bus_run_due(PciBus *bus, uint64_t until)
{
    /* Each pass lets the function with the earliest work run up to the
     * next function's earliest work, so all work happens in clock order. */
    for (;;) {
        PciFunction *first = NULL;
        uint64_t t1 = PCI_NO_EVENT;
        uint64_t t2 = PCI_NO_EVENT;

        for (unsigned i = 0; i < bus->n_live; i++) {
            uint64_t t = bus->live[i]->next_event;

            if (t < t1) {
                t2 = t1;
                t1 = t;
                first = bus->live[i];
            } else if (t < t2) {
                t2 = t;
            }
        }
        if (!first || t1 > until) {
            bus->next_event = t1;
            return;
        }
        first->ops->run(first, MIN(until, t2));
    }
}

/* 'data' holds the 'len' bytes moved; reads from RAM find them there. */
static void trace_burst(PciBus *bus, PciFunction *fn, bool to_ram,
                        uint64_t start, uint64_t addr, uint64_t len,
                        uint64_t wait, const uint8_t *data)
{
    uint64_t beats = edu_timing_beats(addr, len);
    PciTxn txn = {
        .kind = to_ram ? PCI_TXN_MEM_WRITE : PCI_TXN_MEM_READ,
        .master = fn->devfn,
        .start = start,
        .arb = EDU_T_ARB,
        .addr = addr & ~(uint64_t)3,
        .beats = beats,
        .wait = wait,
        .clocks = EDU_T_ARB + edu_timing_transaction(wait, beats),
        .data = data,
        .len = len,
        .lane = (unsigned)(addr & 3),
    };

    if (!to_ram && bus->ram && addr <= bus->ram_size &&
        len <= bus->ram_size - addr) {
        txn.data = bus->ram + addr;
    }
    pci_bus_trace(bus, &txn);
}

uint64_t pci_bus_master_bursts(PciBus *bus, PciFunction *fn, bool to_ram,
                               uint64_t addr, uint64_t len, uint64_t ready,
                               uint64_t until, uint64_t *end,
                               const uint8_t *src)
{
    const uint64_t wait = to_ram ? EDU_T_RAM_WRITE_WAIT : EDU_T_RAM_READ_WAIT;
    const uint64_t overhead = EDU_T_ARB + edu_timing_transaction(wait, 0);
    const uint64_t full = EDU_T_BURST_BYTES;
    uint64_t done = 0;

    *end = ready;
    if (!pci_cfg_bus_master(&fn->cfg)) {
        /* Without the bus the transfer is over at once (nothing moves). */
        return len;
    }
    while (done < len) {
        uint64_t a = addr + done;
        uint64_t n = MIN(len - done, full - (a % full));
        uint64_t start = MAX(*end, bus->bus_free);
        uint64_t beats;

        /* A burst asks for the bus when the one before it ends (the first
         * at 'ready'), and holds it in the order asked for: one asked by
         * 'until' is booked, even if the bus is taken past 'until'. */
        if (*end > until) {
            break;
        }
        if (n == full && !bus->trace) {
            /* Whole bursts back to back: take all asked for by 'until' in
             * one step (each asks as the one before ends). */
            uint64_t clocks = overhead + full / 4;
            uint64_t k = (len - done) / full;

            if (start > until) {
                k = 1;
            } else if (until - start < (k - 1) * clocks) {
                k = (until - start) / clocks + 1;
            }

            bus->bus_free = start + k * clocks;
            *end = bus->bus_free;
            done += k * full;
            continue;
        }
        beats = edu_timing_beats(a, n);
        start = pci_bus_hold(bus, start, overhead + beats);
        *end = bus->bus_free;
        if (bus->trace) {
            trace_burst(bus, fn, to_ram, start, a, n, wait,
                        to_ram && src ? src + done : NULL);
        }
        done += n;
    }
    return done;
}

void pci_bus_ram_access(PciBus *bus, bool write, uint64_t addr, void *buf,
                        size_t len)
{
    if (bus->port) {
        bus->port->ram(bus->port_opaque, write, addr, buf, len);
    } else if (write) {
        memcpy(bus->ram + addr, buf, len);
    } else {
        memcpy(buf, bus->ram + addr, len);
    }
}

int pci_bus_master_access(PciBus *bus, PciFunction *fn, bool write,
                          uint64_t addr, void *buf, size_t len)
{
    uint64_t in_ram = 0;

    if (!pci_cfg_bus_master(&fn->cfg)) {
        /* Without bus mastering nothing moves: reads give zeros. */
        if (!write) {
            memset(buf, 0, len);
        }
        return -EACCES;
    }
    if (addr < bus->ram_size) {
        in_ram = MIN(len, bus->ram_size - addr);
        pci_bus_ram_access(bus, write, addr, buf, in_ram);
    }
    if (in_ram < len) {
        EDU_LOG_GUEST_ERROR(bus->log,
                            "bus master access 0x%016llx+%zu beyond RAM: "
                            "master abort",
                            (unsigned long long)addr, len);
        if (!write) {
            memset((uint8_t *)buf + in_ram, 0xff, len - in_ram);
        }
        return -EFAULT;
    }
    return 0;
}

void pci_bus_dma_read(PciBus *bus, PciFunction *fn, uint64_t addr, void *buf,
                      size_t len, uint64_t now)
{
    if (bus->port) {
        bus->port->master(bus->port_opaque, fn, false, addr, buf, len, now);
    } else {
        pci_bus_master_access(bus, fn, false, addr, buf, len);
    }
}

void pci_bus_dma_write(PciBus *bus, PciFunction *fn, uint64_t addr,
                       const void *buf, size_t len, uint64_t now)
{
    if (bus->port) {
        bus->port->master(bus->port_opaque, fn, true, addr, (void *)buf, len,
                          now);
    } else {
        pci_bus_master_access(bus, fn, true, addr, (void *)buf, len);
    }
}

void pci_bus_msi_notify(PciBus *bus, PciFunction *fn, uint64_t now)
{
    const uint64_t clocks =
        EDU_T_ARB + edu_timing_transaction(EDU_T_RAM_WRITE_WAIT, 1);
    uint64_t addr;
    uint32_t data;
    uint8_t bytes[4];
    uint64_t start;

    if (!pci_cfg_bus_master(&fn->cfg)) {
        return;
    }
    pci_cfg_msi_message(&fn->cfg, &addr, &data);
    edu_store_le(bytes, data, sizeof(bytes));
    start = pci_bus_hold(bus, now, clocks);
    if (bus->trace) {
        trace_burst(bus, fn, true, start, addr, sizeof(bytes),
                    EDU_T_RAM_WRITE_WAIT, bytes);
    }
    pci_bus_dma_write(bus, fn, addr, bytes, sizeof(bytes), start + clocks);
}

bool pci_bus_intx(const PciBus *bus)
{
    for (unsigned i = 0; i < bus->n_live; i++) {
        if (pci_cfg_intx_pin(&bus->live[i]->cfg)) {
            return true;
        }
    }
    return false;
}

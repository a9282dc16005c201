/*
 * The host: RAM, the host bridge at 00:00.0 with configuration mechanism #1,
 * and the CPU's view of memory and I/O ports.
 *
 * CPU accesses are cut into pieces the way QEMU's memory core cuts them
 * (edu/host_cpu.h, shared with the RTL harness's host bridge): a piece
 * never crosses a region, is at most the region's widest access (8 bytes
 * for a BAR, 4 for an I/O port region) and is naturally aligned.  Each
 * piece to a BAR or to CONFIG_DATA is one PCI transaction, timed here;
 * RAM and the CONFIG_ADDRESS latch sit on the host side and take no PCI
 * clocks.  The
 * devices catch up lazily: whatever looks at their state (a transaction,
 * RAM, INTx) first runs the bus up to the host's clock.  Not modelled:
 * what the i440FX's own registers do (PAM, SMRAM: here they are plain
 * configuration storage) and anything else of the pc machine (PIIX, legacy
 * ROM areas).
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "edu/bytes.h"
#include "edu/host.h"
#include "edu/host_cpu.h"
#include "edu/timing.h"

struct Host {
    PciBus bus;
    PciFunction bridge;
    uint8_t *ram;
    uint64_t ram_size;
    bool ram_external; /* the caller's (HostConfig.ram): never unmapped */
    HostCpu cpu;                /* cutting and routing CPU accesses */
    uint64_t now;
    unsigned clock_ns;
    unsigned long master_aborts;
    uint64_t txn_clocks;        /* the last host transaction's clocks */
    EduLog log;
    EduDevice *edu[256];
};

static uint64_t host_txn_clocks(uint64_t wait, uint64_t beats)
{
    return beats ? edu_timing_transaction(wait, beats) : EDU_T_MASTER_ABORT;
}

/*
 * Books a host transaction with 'beats' data phases (0: nobody claims it,
 * master abort) after letting the devices catch up, and returns the clock
 * of its first data phase, up to which the devices have run.  The caller
 * reports it with host_trace() once its data is known.
 */
static uint64_t host_book(Host *host, uint64_t clocks, uint64_t to_data)
{
    uint64_t start;
    uint64_t data;

    pci_bus_run(&host->bus, host->now);
    start = pci_bus_hold(&host->bus, host->now, clocks);
    data = start + to_data;
    pci_bus_run(&host->bus, data);
    host->now = start + clocks;
    host->txn_clocks = clocks;
    return data;
}

static uint64_t host_txn(Host *host, uint64_t wait, uint64_t beats)
{
    uint64_t clocks = host_txn_clocks(wait, beats);

    if (!beats) {
        host->master_aborts++;
    }
    return host_book(host, clocks,
                     beats ? edu_timing_first_data(wait) : clocks - 1);
}

/* host_txn() for a transaction nobody claims that was to have 'beats' data
 * phases. */
static void host_txn_abort(Host *host, uint64_t beats)
{
    uint64_t clocks = edu_timing_master_abort(beats);

    host->master_aborts++;
    host_book(host, clocks, clocks - 1);
}

/* Reports the host transaction that has just ended, with the 'n' bytes of
 * 'val' it moved, to the bus's trace hook (waveforms only). */
static void host_trace(Host *host, PciTxnKind kind, uint64_t addr,
                       uint64_t wait, uint64_t beats, uint64_t val, size_t n)
{
    uint64_t clocks = host->txn_clocks;
    uint8_t bytes[8];
    PciTxn txn = {
        .kind = kind,
        .master = -1,
        .start = host->now - clocks,
        .addr = addr,
        .beats = beats,
        .wait = wait,
        .clocks = clocks,
        .data = bytes,
        .len = n,
        .lane = (unsigned)(addr & 3),
    };

    edu_store_le(bytes, val, n);
    pci_bus_trace(&host->bus, &txn);
}

/* Whether a BAR access of 'n' bytes at 'off' is one the function accepts. */
static bool host_bar_valid(Host *host, const PciBarWindow *w, uint64_t off,
                           size_t n, bool write)
{
    PciFunction *fn = w->fn;

    if (pci_fn_bar_access_valid(fn, (unsigned)n)) {
        return true;
    }
    EDU_LOG_GUEST_ERROR(&host->log,
                        "invalid %s of %zu bytes at 0x%llx (BAR%d takes %u "
                        "to %u)",
                        write ? "write" : "read", n,
                        (unsigned long long)(w->base + off), w->bar,
                        fn->bar_access_min, fn->bar_access_max);
    return false;
}

/* One aligned piece of a BAR: one PCI transaction (invalid sizes read 0). */
static uint64_t host_bar_read(Host *host, const PciBarWindow *w, uint64_t off,
                              size_t n)
{
    uint64_t now = host_txn(host, EDU_T_BAR_WAIT, edu_timing_beats(off, n));
    uint64_t val = 0;

    if (host_bar_valid(host, w, off, n, false)) {
        val = pci_bus_bar_read(&host->bus, w->fn, w->bar, off, (unsigned)n,
                               now);
    }
    val = n == 8 ? val : val & ((1ull << (8 * n)) - 1);
    if (host->bus.trace) {
        host_trace(host, PCI_TXN_MEM_READ, w->base + off, EDU_T_BAR_WAIT,
                   edu_timing_beats(off, n), val, n);
    }
    return val;
}

static void host_bar_write(Host *host, const PciBarWindow *w, uint64_t off,
                           uint64_t val, size_t n)
{
    uint64_t now = host_txn(host, EDU_T_BAR_WAIT, edu_timing_beats(off, n));

    if (host_bar_valid(host, w, off, n, true)) {
        pci_bus_bar_write(&host->bus, w->fn, w->bar, off, val, (unsigned)n,
                          now);
    }
    if (host->bus.trace) {
        host_trace(host, PCI_TXN_MEM_WRITE, w->base + off, EDU_T_BAR_WAIT,
                   edu_timing_beats(off, n), val, n);
    }
}

/* One piece of CONFIG_DATA: a configuration cycle on bus 0, with a data
 * phase per DWORD of configuration space it touches (QEMU lets an access
 * at a register with low bits set run into the next DWORD). */
static void host_config_data(void *opaque, uint32_t ca, unsigned port_off,
                             uint8_t *buf, size_t n, bool write)
{
    Host *host = opaque;
    HostConfigCycle c;
    unsigned bus, devfn, reg;
    PciTxnKind kind = write ? PCI_TXN_CONFIG_WRITE : PCI_TXN_CONFIG_READ;
    uint32_t val = 0;
    uint64_t beats;
    uint64_t now;

    host_cpu_config_decode(ca, port_off, n, &c);
    bus = c.bus;
    devfn = c.devfn;
    reg = c.reg;
    if (!c.enabled || bus != 0 || !host->bus.fn[devfn]) {
        /* No function claims the cycle: master abort, reads all ones.
         * With CONFIG_ADDRESS disabled it is a plain I/O cycle. */
        host_txn_abort(host, c.enabled ? edu_timing_beats(reg, c.len) : 1);
        if (!write) {
            memset(buf, 0xff, n);
        }
        if (host->bus.trace) {
            uint64_t addr = ca | port_off;

            if (!(ca & PCI_CONFIG_ENABLE)) {
                kind = write ? PCI_TXN_IO_WRITE : PCI_TXN_IO_READ;
                addr = PCI_CONFIG_DATA_PORT + port_off;
            }
            host_trace(host, kind, addr, 0, 0, edu_load_le(buf, n), n);
        }
        return;
    }
    beats = edu_timing_beats(reg, c.len);
    now = host_txn(host, EDU_T_CFG_WAIT, beats);
    if (write) {
        pci_bus_config_write(&host->bus, devfn, reg,
                             (uint32_t)edu_load_le(buf, n), (unsigned)n, now);
    } else {
        pci_bus_config_read(&host->bus, devfn, reg, (unsigned)n, &val, now);
        edu_store_le(buf, val, n);
    }
    if (host->bus.trace) {
        host_trace(host, kind, ca | port_off, EDU_T_CFG_WAIT, beats,
                   edu_load_le(buf, n), n);
    }
}

/* The ops edu/host_cpu.h cuts and routes CPU accesses through. */

static bool host_find_window(void *opaque, uint64_t addr, HostWindow *w)
{
    Host *host = opaque;
    const PciBarWindow *pw = pci_bus_find_window(&host->bus, addr);

    if (!pw) {
        return false;
    }
    w->base = pw->base;
    w->size = pw->size;
    w->access_max = pw->fn->bar_access_max;
    w->handle = pw;
    return true;
}

static uint64_t host_next_window(void *opaque, uint64_t addr)
{
    return pci_bus_next_window(&((Host *)opaque)->bus, addr);
}

static uint64_t host_piece_read(void *opaque, const HostWindow *w,
                                uint64_t off, unsigned n)
{
    return host_bar_read(opaque, w->handle, off, n);
}

static void host_piece_write(void *opaque, const HostWindow *w, uint64_t off,
                             uint64_t val, unsigned n)
{
    host_bar_write(opaque, w->handle, off, val, n);
}

static void host_ram_piece(void *opaque, uint64_t addr, uint8_t *buf,
                           size_t n, bool write)
{
    Host *host = opaque;

    host_sync(host);
    pci_bus_ram_access(&host->bus, write, addr, buf, n);
}

/* A piece nobody claims: master abort, reads all ones. */
static void host_unclaimed(Host *host, PciTxnKind kind, uint64_t addr,
                           uint8_t *buf, size_t n, bool write)
{
    host_txn(host, 0, 0);
    if (!write) {
        memset(buf, 0xff, n);
    }
    if (host->bus.trace) {
        host_trace(host, kind, addr, 0, 0, edu_load_le(buf, n), n);
    }
}

static void host_mem_unclaimed(void *opaque, uint64_t addr, uint8_t *buf,
                               size_t n, bool write)
{
    host_unclaimed(opaque, write ? PCI_TXN_MEM_WRITE : PCI_TXN_MEM_READ, addr,
                   buf, n, write);
}

static void host_io_unclaimed(void *opaque, uint16_t port, uint8_t *buf,
                              size_t n, bool write)
{
    host_unclaimed(opaque, write ? PCI_TXN_IO_WRITE : PCI_TXN_IO_READ, port,
                   buf, n, write);
}

static const HostCpuOps host_cpu_ops = {
    .find_window = host_find_window,
    .next_window = host_next_window,
    .bar_read = host_piece_read,
    .bar_write = host_piece_write,
    .ram = host_ram_piece,
    .mem_unclaimed = host_mem_unclaimed,
    .config_data = host_config_data,
    .io_unclaimed = host_io_unclaimed,
};

int host_io_read(Host *host, uint16_t port, unsigned size, uint32_t *val)
{
    return host_cpu_io_read(&host->cpu, port, size, val);
}

int host_io_write(Host *host, uint16_t port, uint32_t val, unsigned size)
{
    return host_cpu_io_write(&host->cpu, port, val, size);
}

int host_mem_read(Host *host, uint64_t addr, unsigned size, uint64_t *val)
{
    return host_cpu_mem_read_with(&host->cpu, &host_cpu_ops, addr, size, val);
}

int host_mem_write(Host *host, uint64_t addr, uint64_t val, unsigned size)
{
    return host_cpu_mem_write_with(&host->cpu, &host_cpu_ops, addr, val,
                                   size);
}

void host_mem_read_buf(Host *host, uint64_t addr, void *buf, size_t len)
{
    host_cpu_mem_access(&host->cpu, addr, buf, len, false);
}

void host_mem_write_buf(Host *host, uint64_t addr, const void *buf,
                        size_t len)
{
    host_cpu_mem_access(&host->cpu, addr, (void *)buf, len, true);
}

static bool in_ram(const Host *host, uint64_t addr, size_t len)
{
    return addr <= host->ram_size && len <= host->ram_size - addr;
}

int host_ram_read(Host *host, uint64_t addr, void *buf, size_t len)
{
    if (!in_ram(host, addr, len)) {
        return -ERANGE;
    }
    host_sync(host);
    pci_bus_ram_access(&host->bus, false, addr, buf, len);
    return 0;
}

int host_ram_write(Host *host, uint64_t addr, const void *buf, size_t len)
{
    if (!in_ram(host, addr, len)) {
        return -ERANGE;
    }
    host_sync(host);
    pci_bus_ram_access(&host->bus, true, addr, (void *)buf, len);
    return 0;
}

uint64_t host_ram_size(const Host *host)
{
    return host->ram_size;
}

HostRegion host_mem_region(const Host *host, uint64_t addr, uint64_t *first,
                           uint64_t *last)
{
    const PciBarWindow *w = pci_bus_find_window(&host->bus, addr);
    uint64_t lo = 0;
    uint64_t hi;

    if (w) {
        *first = w->base;
        *last = w->base + w->size - 1;
        return HOST_REGION_BAR;
    }
    /* Between the windows around 'addr', and inside or past RAM. */
    for (unsigned i = 0; i < host->bus.n_window; i++) {
        const PciBarWindow *v = &host->bus.window[i];

        if (v->base < addr && v->base + v->size > lo) {
            lo = v->base + v->size;
        }
    }
    hi = pci_bus_next_window(&host->bus, addr);
    if (addr < host->ram_size) {
        *first = lo;
        *last = MIN(hi, host->ram_size) - 1;
        return HOST_REGION_RAM;
    }
    *first = MAX(lo, host->ram_size);
    *last = hi - (hi != UINT64_MAX);
    return HOST_REGION_NONE;
}

unsigned long host_master_aborts(const Host *host)
{
    return host->master_aborts;
}

void host_sync(Host *host)
{
    pci_bus_run(&host->bus, host->now);
}

uint64_t host_next_event(Host *host)
{
    host_sync(host);
    return host->bus.next_event;
}

void host_advance(Host *host, uint64_t clocks)
{
    host->now = clocks > UINT64_MAX - 1 - host->now ? UINT64_MAX - 1
                                                     : host->now + clocks;
    host_sync(host);
}

uint64_t host_now(const Host *host)
{
    return host->now;
}

unsigned host_clock_ns(const Host *host)
{
    return host->clock_ns;
}

bool host_intx(Host *host)
{
    host_sync(host);
    return pci_bus_intx(&host->bus);
}

EduLog *host_log(Host *host)
{
    return &host->log;
}

PciBus *host_bus(Host *host)
{
    return &host->bus;
}

void host_bridge_config_init(PciConfig *cfg)
{
    static const PciIdentity bridge_id = {
        .vendor_id = HOST_BRIDGE_VENDOR_ID,
        .device_id = HOST_BRIDGE_DEVICE_ID,
        .revision = HOST_BRIDGE_REVISION,
        .class_code = HOST_BRIDGE_CLASS,
        .subsys_vendor_id = EDU_SUBSYS_VENDOR_ID,
        .subsys_id = EDU_SUBSYS_ID,
    };

    /* The bridge's registers are plain storage with the standard masks,
     * as QEMU's i440FX shows them, at its reset values. */
    pci_cfg_init(cfg, &bridge_id);
    cfg->data[HOST_BRIDGE_DRAMC] = HOST_BRIDGE_DRAMC_RESET;
    cfg->data[HOST_BRIDGE_SMRAM] = HOST_BRIDGE_SMRAM_RESET;
}

Host *host_create(const HostConfig *cfg)
{
    HostConfig defaults = {0};
    Host *host;

    if (!cfg) {
        cfg = &defaults;
    }
    host = calloc(1, sizeof(*host));
    if (!host) {
        return NULL;
    }
    host->ram_size = cfg->ram_size ? cfg->ram_size : HOST_RAM_SIZE_DEFAULT;
    /* Page-aligned, zero-filled, backed only where the guest touches it;
     * none when the port reaches RAM. */
    host->ram = cfg->port              ? NULL
                : cfg->ram                 ? cfg->ram
                : host->ram_size <= SIZE_MAX
                    ? mmap(NULL, host->ram_size, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                    : MAP_FAILED;
    host->ram_external = !cfg->port && cfg->ram;
    if (host->ram == MAP_FAILED) {
        free(host);
        errno = ENOMEM;
        return NULL;
    }
    host->clock_ns = cfg->clock_ns ? cfg->clock_ns : EDU_CLOCK_NS_DEFAULT;
    host->log.fn = cfg->log_fn ? cfg->log_fn : edu_log_stderr;
    host->log.opaque = cfg->log_opaque;
    pci_bus_init(&host->bus, host->ram, host->ram_size, &host->log);
    host->bus.port = cfg->port;
    host->bus.port_opaque = cfg->port_opaque;

    host_cpu_init(&host->cpu, &host_cpu_ops, host, host->ram_size);
    host_bridge_config_init(&host->bridge.cfg);
    host->bridge.next_event = PCI_NO_EVENT;
    pci_bus_attach(&host->bus, &host->bridge, PCI_DEVFN(0, 0));
    return host;
}

void host_destroy(Host *host)
{
    if (!host) {
        return;
    }
    for (unsigned i = 0; i < 256; i++) {
        edu_destroy(host->edu[i]);
    }
    if (host->ram && !host->ram_external) {
        munmap(host->ram, host->ram_size);
    }
    free(host);
}

int host_add_edu(Host *host, unsigned slot, unsigned func, EduDevice **edu)
{
    EduDevice *dev;

    if (slot > 31 || func > 7) {
        return -EINVAL;
    }
    dev = edu_create(&host->bus, PCI_DEVFN(slot, func), &host->log);
    if (!dev) {
        return -errno;
    }
    host->edu[PCI_DEVFN(slot, func)] = dev;
    if (edu) {
        *edu = dev;
    }
    return 0;
}

EduDevice *host_edu(Host *host, unsigned slot, unsigned func)
{
    if (slot > 31 || func > 7) {
        return NULL;
    }
    return host->edu[PCI_DEVFN(slot, func)];
}

/*
 * The host: RAM, the host bridge at 00:00.0 with configuration mechanism #1,
 * and the CPU's view of memory and I/O ports.
 *
 * CPU accesses are cut into pieces the way QEMU's memory core cuts them: a
 * piece never crosses a region, is at most the region's widest access
 * (8 bytes for a BAR, 4 for an I/O port region) and is naturally aligned.
 * Each piece to a BAR or to CONFIG_DATA is one PCI transaction; RAM and the
 * CONFIG_ADDRESS latch sit on the host side and take no PCI clocks.  The
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

#include "edu/host.h"
#include "edu/timing.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* The I/O ports of configuration mechanism #1. */
#define CONFIG_PORTS_END (PCI_CONFIG_DATA_PORT + 4)

struct Host {
    PciBus bus;
    PciFunction bridge;
    uint8_t *ram;
    uint64_t ram_size;
    uint32_t config_address;
    uint64_t now;
    unsigned clock_ns;
    unsigned long master_aborts;
    EduLog log;
    EduDevice *edu[256];
};

static void store_le(uint8_t *p, uint64_t val, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        p[i] = (uint8_t)(val >> (8 * i));
    }
}

static uint64_t load_le(const uint8_t *p, size_t len)
{
    uint64_t val = 0;

    for (size_t i = 0; i < len; i++) {
        val |= (uint64_t)p[i] << (8 * i);
    }
    return val;
}

/* QEMU's memory_access_size(): the widest aligned piece at 'off'. */
static size_t piece_size(uint64_t off, uint64_t len, size_t max)
{
    uint64_t align = off & (~off + 1);
    size_t n = 1;

    if (align && align < max) {
        max = (size_t)align;
    }
    if (len > max) {
        len = max;
    }
    while (n * 2 <= len) {
        n *= 2;
    }
    return n;
}

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
static uint64_t host_txn(Host *host, uint64_t wait, uint64_t beats)
{
    uint64_t clocks = host_txn_clocks(wait, beats);
    uint64_t start;
    uint64_t data;

    pci_bus_run(&host->bus, host->now);
    start = pci_bus_hold(&host->bus, host->now, clocks);
    data = start + (beats ? edu_timing_first_data(wait) : clocks - 1);
    pci_bus_run(&host->bus, data);
    host->now = start + clocks;
    host->master_aborts += !beats;
    return data;
}

/* Reports the host transaction that has just ended, with the 'n' bytes of
 * 'val' it moved, to the bus's trace hook (waveforms only). */
static void host_trace(Host *host, PciTxnKind kind, uint64_t addr,
                       uint64_t wait, uint64_t beats, uint64_t val, size_t n)
{
    uint64_t clocks = host_txn_clocks(wait, beats);
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

    store_le(bytes, val, n);
    pci_bus_trace(&host->bus, &txn);
}

/* Whether a BAR access of 'n' bytes at 'off' is one the function accepts. */
static bool host_bar_valid(Host *host, const PciBarWindow *w, uint64_t off,
                           size_t n, bool write)
{
    PciFunction *fn = w->fn;

    if (pci_fn_bar_access_valid(fn, off, (unsigned)n)) {
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

/* Whether a CPU access is a single piece to window 'w' (the common case). */
static bool host_bar_whole(const PciBarWindow *w, uint64_t addr, unsigned size)
{
    return w && !(addr & (size - 1)) && size <= w->fn->bar_access_max &&
           addr - w->base <= w->size - size;
}

static void host_mem_access(Host *host, uint64_t addr, uint8_t *buf,
                            size_t len, bool write)
{
    while (len) {
        const PciBarWindow *w = pci_bus_find_window(&host->bus, addr);
        uint64_t stop;
        size_t n;

        if (w) {
            uint64_t off = addr - w->base;

            n = piece_size(off, MIN(len, w->size - off),
                           w->fn->bar_access_max);
            if (write) {
                host_bar_write(host, w, off, load_le(buf, n), n);
            } else {
                store_le(buf, host_bar_read(host, w, off, n), n);
            }
        } else if (addr < host->ram_size) {
            stop = MIN(host->ram_size, pci_bus_next_window(&host->bus, addr));
            n = (size_t)MIN(len, stop - addr);
            host_sync(host);
            pci_bus_ram_access(&host->bus, write, addr, buf, n);
        } else {
            /* Nobody claims it: master abort, reads all ones. */
            stop = pci_bus_next_window(&host->bus, addr);
            n = piece_size(addr, stop == UINT64_MAX ? len : MIN(len, stop - addr),
                           4);
            host_txn(host, 0, 0);
            if (!write) {
                memset(buf, 0xff, n);
            }
            if (host->bus.trace) {
                host_trace(host, write ? PCI_TXN_MEM_WRITE : PCI_TXN_MEM_READ,
                           addr, 0, 0, load_le(buf, n), n);
            }
        }
        if (addr + n < addr) {
            /* Past the top of the address space nothing answers. */
            if (!write) {
                memset(buf + n, 0xff, len - n);
            }
            return;
        }
        addr += n;
        buf += n;
        len -= n;
    }
}

/* One piece of CONFIG_DATA: a configuration cycle on bus 0. */
static void host_config_data(Host *host, unsigned port_off, uint8_t *buf,
                             size_t n, bool write)
{
    uint32_t ca = host->config_address;
    unsigned bus = (ca >> 16) & 0xff;
    unsigned devfn = (ca >> 8) & 0xff;
    unsigned reg = (ca | port_off) & 0xff;
    PciTxnKind kind = write ? PCI_TXN_CONFIG_WRITE : PCI_TXN_CONFIG_READ;
    uint32_t val = 0;
    uint64_t now;

    if (!(ca & PCI_CONFIG_ENABLE) || bus != 0 || !host->bus.fn[devfn]) {
        /* No function claims the cycle: master abort, reads all ones.
         * With CONFIG_ADDRESS disabled it is a plain I/O cycle. */
        host_txn(host, 0, 0);
        if (!write) {
            memset(buf, 0xff, n);
        }
        if (host->bus.trace) {
            uint64_t addr = ca | port_off;

            if (!(ca & PCI_CONFIG_ENABLE)) {
                kind = write ? PCI_TXN_IO_WRITE : PCI_TXN_IO_READ;
                addr = PCI_CONFIG_DATA_PORT + port_off;
            }
            host_trace(host, kind, addr, 0, 0, load_le(buf, n), n);
        }
        return;
    }
    now = host_txn(host, EDU_T_CFG_WAIT, 1);
    if (write) {
        pci_bus_config_write(&host->bus, devfn, reg, (uint32_t)load_le(buf, n),
                             (unsigned)n, now);
    } else {
        pci_bus_config_read(&host->bus, devfn, reg, (unsigned)n, &val, now);
        store_le(buf, val, n);
    }
    if (host->bus.trace) {
        host_trace(host, kind, ca | port_off, EDU_T_CFG_WAIT, 1,
                   load_le(buf, n), n);
    }
}

static void host_io_access(Host *host, uint16_t port, uint8_t *buf,
                           size_t len, bool write)
{
    uint32_t p = port;

    while (len) {
        size_t n;

        if (p >= PCI_CONFIG_ADDRESS_PORT && p < PCI_CONFIG_DATA_PORT) {
            /* CONFIG_ADDRESS: a 4-byte write latches it; any read returns
             * it (QEMU returns the whole latch whatever the offset). */
            unsigned off = p - PCI_CONFIG_ADDRESS_PORT;

            n = piece_size(off, MIN(len, PCI_CONFIG_DATA_PORT - p), 4);
            if (write && off == 0 && n == 4) {
                host->config_address = (uint32_t)load_le(buf, 4);
            } else if (!write) {
                store_le(buf, host->config_address, n);
            }
        } else if (p >= PCI_CONFIG_DATA_PORT && p < CONFIG_PORTS_END) {
            unsigned off = p - PCI_CONFIG_DATA_PORT;

            n = piece_size(off, MIN(len, CONFIG_PORTS_END - p), 4);
            host_config_data(host, off, buf, n, write);
        } else {
            /* An I/O cycle nobody claims: master abort, reads all ones. */
            uint32_t stop = p < PCI_CONFIG_ADDRESS_PORT ? PCI_CONFIG_ADDRESS_PORT
                                                        : 0x10000;

            n = piece_size(p, MIN(len, stop - p), 4);
            host_txn(host, 0, 0);
            if (!write) {
                memset(buf, 0xff, n);
            }
            if (host->bus.trace) {
                host_trace(host, write ? PCI_TXN_IO_WRITE : PCI_TXN_IO_READ, p,
                           0, 0, load_le(buf, n), n);
            }
        }
        p += (uint32_t)n;
        if (p > 0xffff && len > n) {
            /* Past port 0xffff nothing answers. */
            if (!write) {
                memset(buf + n, 0xff, len - n);
            }
            return;
        }
        buf += n;
        len -= n;
    }
}

static bool valid_size(unsigned size, unsigned max)
{
    return size == 1 || size == 2 || size == 4 || (size == 8 && max == 8);
}

int host_io_read(Host *host, uint16_t port, unsigned size, uint32_t *val)
{
    uint8_t buf[4];

    if (!valid_size(size, 4)) {
        return -EINVAL;
    }
    host_io_access(host, port, buf, size, false);
    *val = (uint32_t)load_le(buf, size);
    return 0;
}

int host_io_write(Host *host, uint16_t port, uint32_t val, unsigned size)
{
    uint8_t buf[4];

    if (!valid_size(size, 4)) {
        return -EINVAL;
    }
    store_le(buf, val, size);
    host_io_access(host, port, buf, size, true);
    return 0;
}

int host_mem_read(Host *host, uint64_t addr, unsigned size, uint64_t *val)
{
    const PciBarWindow *w = pci_bus_find_window(&host->bus, addr);
    uint8_t buf[8];

    if (!valid_size(size, 8)) {
        return -EINVAL;
    }
    if (host_bar_whole(w, addr, size)) {
        *val = host_bar_read(host, w, addr - w->base, size);
        return 0;
    }
    host_mem_access(host, addr, buf, size, false);
    *val = load_le(buf, size);
    return 0;
}

int host_mem_write(Host *host, uint64_t addr, uint64_t val, unsigned size)
{
    const PciBarWindow *w = pci_bus_find_window(&host->bus, addr);
    uint8_t buf[8];

    if (!valid_size(size, 8)) {
        return -EINVAL;
    }
    if (host_bar_whole(w, addr, size)) {
        host_bar_write(host, w, addr - w->base, val, size);
        return 0;
    }
    store_le(buf, val, size);
    host_mem_access(host, addr, buf, size, true);
    return 0;
}

void host_mem_read_buf(Host *host, uint64_t addr, void *buf, size_t len)
{
    host_mem_access(host, addr, buf, len, false);
}

void host_mem_write_buf(Host *host, uint64_t addr, const void *buf,
                        size_t len)
{
    host_mem_access(host, addr, (uint8_t *)buf, len, true);
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

Host *host_create(const HostConfig *cfg)
{
    static const PciIdentity bridge_id = {
        .vendor_id = HOST_BRIDGE_VENDOR_ID,
        .device_id = HOST_BRIDGE_DEVICE_ID,
        .revision = HOST_BRIDGE_REVISION,
        .class_code = HOST_BRIDGE_CLASS,
        .subsys_vendor_id = EDU_SUBSYS_VENDOR_ID,
        .subsys_id = EDU_SUBSYS_ID,
    };
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
                : host->ram_size <= SIZE_MAX
                    ? mmap(NULL, host->ram_size, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                    : MAP_FAILED;
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

    /* The bridge's registers are plain storage with the standard masks,
     * as QEMU's i440FX shows them, at its reset values. */
    pci_cfg_init(&host->bridge.cfg, &bridge_id);
    host->bridge.cfg.data[HOST_BRIDGE_DRAMC] = HOST_BRIDGE_DRAMC_RESET;
    host->bridge.cfg.data[HOST_BRIDGE_SMRAM] = HOST_BRIDGE_SMRAM_RESET;
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
    if (host->ram) {
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

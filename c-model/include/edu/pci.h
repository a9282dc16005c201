/*
 * Conventional PCI: the configuration space of one function and bus 0.
 *
 * PciConfig holds the 256 bytes of a type 0 header with per-byte writable
 * and write-1-to-clear masks, the BARs, an MSI capability and the function's
 * INTx state.  PciBus routes configuration cycles by device/function, memory
 * by the enabled BARs, and times every transaction on the one shared bus.
 * Not modelled: I/O BARs, 64-bit BARs, expansion ROMs, bridges to other
 * buses, parity errors.
 */
#ifndef EDU_PCI_H
#define EDU_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "edu/log.h"
#include "edu/pci_regs.h"

#define PCI_BAR_UNMAPPED UINT64_MAX
#define PCI_NO_EVENT     UINT64_MAX

typedef struct PciIdentity {
    uint16_t vendor_id;
    uint16_t device_id;
    uint8_t revision;
    uint32_t class_code;        /* base << 16 | sub << 8 | prog-if */
    uint16_t subsys_vendor_id;
    uint16_t subsys_id;
    uint8_t interrupt_pin;      /* 0: none, 1: INTA# */
} PciIdentity;

typedef struct PciConfig {
    uint8_t data[PCI_CONFIG_SIZE];
    uint8_t wmask[PCI_CONFIG_SIZE];
    uint8_t w1cmask[PCI_CONFIG_SIZE];
    uint32_t bar_size[PCI_NUM_BARS];    /* 0: not implemented */
    uint8_t msi_cap;                    /* 0: no MSI capability */
    bool intx_level;                    /* what the function asks for */
} PciConfig;

void pci_cfg_init(PciConfig *cfg, const PciIdentity *id);
/* A 32-bit non-prefetchable memory BAR of 'size' bytes (a power of two). */
void pci_cfg_add_bar(PciConfig *cfg, int bar, uint32_t size);
/* MSI capability: 64-bit address, one vector, no per-vector masking. */
void pci_cfg_add_msi(PciConfig *cfg, uint8_t offset);

/* 'len' bytes (1..4) little-endian; bytes past 0xff read as 0. */
uint32_t pci_cfg_read(const PciConfig *cfg, unsigned off, unsigned len);
/* Applies the write masks and the MSI rules; bytes past 0xff are dropped. */
void pci_cfg_write(PciConfig *cfg, unsigned off, uint32_t val, unsigned len);

uint16_t pci_cfg_command(const PciConfig *cfg);
/* The bus address BAR 'bar' decodes, or PCI_BAR_UNMAPPED. */
uint64_t pci_cfg_bar_addr(const PciConfig *cfg, int bar);
bool pci_cfg_bus_master(const PciConfig *cfg);
bool pci_cfg_msi_enabled(const PciConfig *cfg);
void pci_cfg_msi_message(const PciConfig *cfg, uint64_t *addr, uint32_t *data);
/* Sets the INTx level the function asks for (mirrored in STATUS bit 3). */
void pci_cfg_set_intx(PciConfig *cfg, bool level);
/* INTA# as driven on the wire: the level unless COMMAND disables INTx. */
bool pci_cfg_intx_pin(const PciConfig *cfg);

typedef struct PciBus PciBus;
typedef struct PciFunction PciFunction;

/* What a function model implements; 'now' is the clock of the data phase. */
typedef struct PciFunctionOps {
    /* An aligned access of 1, 2, 4 or 8 bytes within the BAR, already
     * checked against the function's valid access sizes. */
    uint64_t (*bar_read)(PciFunction *fn, int bar, uint64_t off,
                         unsigned size, uint64_t now);
    void (*bar_write)(PciFunction *fn, int bar, uint64_t off, uint64_t val,
                      unsigned size, uint64_t now);
    /* Does whatever falls due up to and including clock 'until'. */
    void (*run)(PciFunction *fn, uint64_t until);
} PciFunctionOps;

struct PciFunction {
    PciConfig cfg;
    const PciFunctionOps *ops;      /* NULL: config space only */
    PciBus *bus;
    uint8_t devfn;
    uint8_t bar_access_min;         /* valid BAR access sizes, bytes */
    uint8_t bar_access_max;
    uint64_t next_event;            /* clock of next pending work */
};

/* One enabled, decoding BAR. */
typedef struct PciBarWindow {
    uint64_t base;
    uint64_t size;
    PciFunction *fn;
    int bar;
} PciBarWindow;

/* What the bus reports of every transaction (for waveforms). */
typedef enum PciTxnKind {
    PCI_TXN_CONFIG_READ,
    PCI_TXN_CONFIG_WRITE,
    PCI_TXN_MEM_READ,
    PCI_TXN_MEM_WRITE,
    PCI_TXN_IO_READ,
    PCI_TXN_IO_WRITE,
} PciTxnKind;

typedef struct PciTxn {
    PciTxnKind kind;
    int master;             /* -1: the host bridge, else the devfn */
    uint64_t start;         /* clock of the arbitration or address phase */
    uint64_t arb;           /* arbitration clocks before the address phase */
    uint64_t addr;
    uint64_t beats;         /* data phases; 0: master abort */
    uint64_t wait;          /* target wait states before the first data */
    uint64_t clocks;        /* the whole transaction */
    /* The bytes the data phases carry: 'len' bytes from byte lane 'lane'
     * of the first data phase on (len 0: every lane of every phase).
     * 'data' points at them during the trace call; NULL when unknown. */
    const uint8_t *data;
    uint64_t len;
    unsigned lane;
} PciTxn;

/* The command a transaction of this kind puts on C/BE#. */
static inline uint32_t pci_txn_command(PciTxnKind kind)
{
    switch (kind) {
    case PCI_TXN_CONFIG_READ:
        return PCI_CMD_CONFIG_READ;
    case PCI_TXN_CONFIG_WRITE:
        return PCI_CMD_CONFIG_WRITE;
    case PCI_TXN_MEM_READ:
        return PCI_CMD_MEM_READ;
    case PCI_TXN_MEM_WRITE:
        return PCI_CMD_MEM_WRITE;
    case PCI_TXN_IO_READ:
        return PCI_CMD_IO_READ;
    case PCI_TXN_IO_WRITE:
        return PCI_CMD_IO_WRITE;
    }
    return 0;
}

/* Not in time order: a bus-master burst is reported when booked, a host
 * transaction once it has ended (with its data), and the devices catch up
 * lazily, so a later report may carry an earlier clock. */
typedef void (*PciTraceFn)(void *opaque, const PciTxn *txn);
/* Function 'fn' may have changed its visible state at clock 'when'. */
typedef void (*PciNoteFn)(void *opaque, PciFunction *fn, uint64_t when);

/*
 * A port: how the bus reaches its functions and RAM.  Without one (the C
 * model on its own) the bus calls the function models and copies to and
 * from its RAM directly.  A view that carries the transactions itself (the
 * TLM bridge, tlm-bridge/) sets a port: each hook gets the transaction the
 * bus would have delivered, and the far end calls pci_fn_config_read/write,
 * pci_fn_bar_read/write or pci_bus_master_access for it, so every rule
 * stays in this model.  'now' is the clock of the first data phase; for
 * bus-master data, the clock the bursts that move it end.
 */
typedef struct PciBusPort {
    uint32_t (*config_read)(void *opaque, PciFunction *fn, unsigned off,
                            unsigned len, uint64_t now);
    void (*config_write)(void *opaque, PciFunction *fn, unsigned off,
                         uint32_t val, unsigned len, uint64_t now);
    uint64_t (*bar_read)(void *opaque, PciFunction *fn, int bar,
                         uint64_t off, unsigned size, uint64_t now);
    void (*bar_write)(void *opaque, PciFunction *fn, int bar, uint64_t off,
                      uint64_t val, unsigned size, uint64_t now);
    /* fn's bus-master access (DMA data, MSI message); write: to memory. */
    void (*master)(void *opaque, PciFunction *fn, bool write, uint64_t addr,
                   void *buf, size_t len, uint64_t now);
    /* RAM as the host bridge reaches it: 'len' bytes at 'addr', in RAM. */
    void (*ram)(void *opaque, bool write, uint64_t addr, void *buf,
                size_t len);
} PciBusPort;

struct PciBus {
    PciFunction *fn[256];           /* by devfn */
    PciFunction *live[256];         /* attached functions, devfn order */
    unsigned n_live;
    PciBarWindow window[256 * PCI_NUM_BARS];
    unsigned n_window;
    uint64_t bus_free;              /* first clock the bus is idle */
    uint64_t next_event;            /* earliest next_event of any function */
    uint8_t *ram;                   /* where bus-master accesses land */
    uint64_t ram_size;
    EduLog *log;
    PciTraceFn trace;               /* optional observers (waveforms) */
    void *trace_opaque;
    PciNoteFn note;
    void *note_opaque;
    const PciBusPort *port;         /* NULL: direct calls, 'ram' */
    void *port_opaque;
};

void pci_bus_init(PciBus *bus, uint8_t *ram, uint64_t ram_size, EduLog *log);
/* 0, -EINVAL (devfn out of range) or -EBUSY (slot taken). */
int pci_bus_attach(PciBus *bus, PciFunction *fn, unsigned devfn);
void pci_bus_detach(PciBus *bus, PciFunction *fn);

/*
 * What a function does with a configuration or BAR access: the far end of
 * the bus (or of its port).  A configuration write applies the write masks
 * and the MSI rules, remaps the BARs and notes the change at 'now'.
 */
static inline uint32_t pci_fn_config_read(const PciFunction *fn, unsigned off,
                                          unsigned len)
{
    return pci_cfg_read(&fn->cfg, off, len);
}
void pci_fn_config_write(PciFunction *fn, unsigned off, uint32_t val,
                         unsigned len, uint64_t now);
/* Whether fn takes a BAR access of 'size' bytes (a naturally aligned
 * power of two, as the host cuts them); QEMU's memory core refuses the
 * others: reads give 0, writes are dropped. */
static inline bool pci_fn_bar_access_valid(const PciFunction *fn,
                                           unsigned size)
{
    return size >= fn->bar_access_min && size <= fn->bar_access_max;
}
static inline uint64_t pci_fn_bar_read(PciFunction *fn, int bar, uint64_t off,
                                       unsigned size, uint64_t now)
{
    return fn->ops->bar_read(fn, bar, off, size, now);
}
static inline void pci_fn_bar_write(PciFunction *fn, int bar, uint64_t off,
                                    uint64_t val, unsigned size, uint64_t now)
{
    fn->ops->bar_write(fn, bar, off, val, size, now);
}

/* Configuration cycles on bus 0, data phase at 'now'; false when no
 * function claims one. */
bool pci_bus_config_read(PciBus *bus, unsigned devfn, unsigned off,
                         unsigned len, uint32_t *val, uint64_t now);
bool pci_bus_config_write(PciBus *bus, unsigned devfn, unsigned off,
                          uint32_t val, unsigned len, uint64_t now);
/* A BAR access the host has checked (pci_fn_bar_access_valid), delivered
 * to fn directly or through the port. */
static inline uint64_t pci_bus_bar_read(PciBus *bus, PciFunction *fn, int bar,
                                        uint64_t off, unsigned size,
                                        uint64_t now)
{
    if (bus->port) {
        return bus->port->bar_read(bus->port_opaque, fn, bar, off, size, now);
    }
    return pci_fn_bar_read(fn, bar, off, size, now);
}
static inline void pci_bus_bar_write(PciBus *bus, PciFunction *fn, int bar,
                                     uint64_t off, uint64_t val,
                                     unsigned size, uint64_t now)
{
    if (bus->port) {
        bus->port->bar_write(bus->port_opaque, fn, bar, off, val, size, now);
    } else {
        pci_fn_bar_write(fn, bar, off, val, size, now);
    }
}
/* RAM as the host bridge reaches it (its own copy, or the port's). */
void pci_bus_ram_access(PciBus *bus, bool write, uint64_t addr, void *buf,
                        size_t len);

/* The BAR window that claims 'addr', or NULL. */
static inline const PciBarWindow *pci_bus_find_window(const PciBus *bus,
                                                      uint64_t addr)
{
    for (unsigned i = 0; i < bus->n_window; i++) {
        if (addr - bus->window[i].base < bus->window[i].size) {
            return &bus->window[i];
        }
    }
    return NULL;
}
/* The lowest window base above 'addr', or UINT64_MAX. */
uint64_t pci_bus_next_window(const PciBus *bus, uint64_t addr);

/*
 * Time.  Transactions hold the bus one after another in the order they are
 * asked for (at equal clocks, earlier work of the devices first).
 * pci_bus_hold books 'clocks' from the first idle clock at or after 'from'
 * and returns the clock it starts at.
 */
static inline uint64_t pci_bus_hold(PciBus *bus, uint64_t from,
                                    uint64_t clocks)
{
    uint64_t start = from > bus->bus_free ? from : bus->bus_free;

    bus->bus_free = start + clocks;
    return start;
}
void pci_bus_trace(PciBus *bus, const PciTxn *txn);
static inline void pci_bus_note(PciFunction *fn, uint64_t when)
{
    if (fn->bus->note) {
        fn->bus->note(fn->bus->note_opaque, fn, when);
    }
}
/* Lets every function do what falls due up to and including 'until'. */
void pci_bus_run_due(PciBus *bus, uint64_t until);
static inline void pci_bus_run(PciBus *bus, uint64_t until)
{
    if (bus->next_event <= until) {
        pci_bus_run_due(bus, until);
    }
}
/* A function calls this when its next pending work changes. */
void pci_bus_reschedule(PciFunction *fn, uint64_t when);
static inline void pci_bus_schedule(PciFunction *fn, uint64_t when)
{
    if (when != fn->next_event) {
        pci_bus_reschedule(fn, when);
    }
}

/*
 * Bus-master transfers of 'fn' to or from RAM.  pci_bus_master_bursts books
 * the bursts of a 'len'-byte transfer at RAM address 'addr', the first ready
 * at 'ready', that have asked for the bus by 'until' (each asks as the one
 * before ends; a burst holds the bus in the order asked for, so one may be
 * booked to start after 'until'); it returns how many bytes they move
 * and sets *end to the clock the last of them ends; 'src' (may be NULL)
 * holds the bytes a transfer to RAM will write, for the trace hook only,
 * as the data moves later.  Data moves through pci_bus_dma_read/write
 * ('now': the clock the bursts that move it end), through the port's
 * master hook if there is one, to pci_bus_master_access: with bus mastering
 * off reads give zeros and writes are dropped (-EACCES); outside RAM reads
 * give all ones and writes are dropped (master abort, a guest error,
 * -EFAULT); otherwise 0.
 */
uint64_t pci_bus_master_bursts(PciBus *bus, PciFunction *fn, bool to_ram,
                               uint64_t addr, uint64_t len, uint64_t ready,
                               uint64_t until, uint64_t *end,
                               const uint8_t *src);
void pci_bus_dma_read(PciBus *bus, PciFunction *fn, uint64_t addr, void *buf,
                      size_t len, uint64_t now);
void pci_bus_dma_write(PciBus *bus, PciFunction *fn, uint64_t addr,
                       const void *buf, size_t len, uint64_t now);
int pci_bus_master_access(PciBus *bus, PciFunction *fn, bool write,
                          uint64_t addr, void *buf, size_t len);
/* Sends fn's MSI message at clock 'now' (a bus-master DWORD write). */
void pci_bus_msi_notify(PciBus *bus, PciFunction *fn, uint64_t now);

/* INTA# of the whole bus: the wired-OR of every function's pin. */
bool pci_bus_intx(const PciBus *bus);

#endif /* EDU_PCI_H */

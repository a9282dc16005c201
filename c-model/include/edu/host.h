/*
 * The host: RAM at address 0, a host bridge at 00:00.0 with configuration
 * mechanism #1 on I/O ports 0xCF8..0xCFF, PCI bus 0, and the CPU-side API
 * that drives them.
 *
 * The CPU is a blocking initiator: each access returns when its PCI
 * transaction has ended, and the clock moves by that transaction's cost.
 * Accesses that never reach PCI (RAM, the CONFIG_ADDRESS latch) take no
 * clocks.  Accesses are split the way QEMU's memory core splits them
 * (natural alignment, at most 8 bytes to a BAR, 4 to an I/O port), so that
 * unaligned and odd-sized accesses give QEMU's results.
 */
#ifndef EDU_HOST_H
#define EDU_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "edu/edu.h"
#include "edu/log.h"

#define HOST_RAM_SIZE_DEFAULT (128ull << 20)

/* The host bridge's identity: QEMU's pc machine (i440FX) at 00:00.0. */
#define HOST_BRIDGE_VENDOR_ID 0x8086
#define HOST_BRIDGE_DEVICE_ID 0x1237
#define HOST_BRIDGE_REVISION  0x02
#define HOST_BRIDGE_CLASS     0x060000
/* i440FX registers with non-zero reset values (no side effects here). */
#define HOST_BRIDGE_DRAMC       0x57
#define HOST_BRIDGE_DRAMC_RESET 0x10
#define HOST_BRIDGE_SMRAM       0x72
#define HOST_BRIDGE_SMRAM_RESET 0x02

typedef struct Host Host;

typedef struct HostConfig {
    uint64_t ram_size;      /* 0: HOST_RAM_SIZE_DEFAULT */
    void *ram;              /* NULL: RAM of its own; else ram_size bytes the
                             * caller owns (EduPlatformConfig.ram) */
    unsigned clock_ns;      /* 0: EDU_CLOCK_NS_DEFAULT */
    EduLogFn log_fn;        /* NULL: edu_log_stderr; see host_log() */
    void *log_opaque;
    /* NULL: the host has its own RAM and calls the functions directly.
     * Set (the TLM bridge): no RAM of its own; RAM and the functions are
     * reached through the port (PciBusPort in edu/pci.h). */
    const PciBusPort *port;
    void *port_opaque;
} HostConfig;

/* The host bridge's configuration space as it is at reset (for a view that
 * has its own bus, as the RTL harness does). */
void host_bridge_config_init(PciConfig *cfg);

/* NULL with errno set when the RAM cannot be had. */
Host *host_create(const HostConfig *cfg);
void host_destroy(Host *host);

/* Puts an edu device at slot/function of bus 0 (0, -EINVAL, -EBUSY, -ENOMEM). */
int host_add_edu(Host *host, unsigned slot, unsigned func, EduDevice **edu);
EduDevice *host_edu(Host *host, unsigned slot, unsigned func);

/* CPU port I/O of 1, 2 or 4 bytes (-EINVAL for another size). */
int host_io_read(Host *host, uint16_t port, unsigned size, uint32_t *val);
int host_io_write(Host *host, uint16_t port, uint32_t val, unsigned size);

/* CPU memory access of 1, 2, 4 or 8 bytes (-EINVAL for another size). */
int host_mem_read(Host *host, uint64_t addr, unsigned size, uint64_t *val);
int host_mem_write(Host *host, uint64_t addr, uint64_t val, unsigned size);
/* Any length, split as the CPU would issue it. */
void host_mem_read_buf(Host *host, uint64_t addr, void *buf, size_t len);
void host_mem_write_buf(Host *host, uint64_t addr, const void *buf,
                        size_t len);

/* RAM alone, no bus and no time (-ERANGE outside RAM). */
int host_ram_read(Host *host, uint64_t addr, void *buf, size_t len);
int host_ram_write(Host *host, uint64_t addr, const void *buf, size_t len);
uint64_t host_ram_size(const Host *host);

/* What the CPU reaches at 'addr' and the extent [*first, *last] around it
 * that reaches the same (RAM between BAR windows, a window, nothing). */
typedef enum HostRegion {
    HOST_REGION_RAM,
    HOST_REGION_BAR,
    HOST_REGION_NONE,
} HostRegion;
HostRegion host_mem_region(const Host *host, uint64_t addr, uint64_t *first,
                           uint64_t *last);
/* Host transactions nobody claimed (master aborts) so far. */
unsigned long host_master_aborts(const Host *host);

/* Time, in PCI clocks.  Devices catch up with the host's clock lazily;
 * host_sync() brings them up to it (before looking at edu_get_state()). */
void host_advance(Host *host, uint64_t clocks);
void host_sync(Host *host);
/* The clock of the devices' next pending work (after host_sync()), or
 * PCI_NO_EVENT when they have none. */
uint64_t host_next_event(Host *host);
uint64_t host_now(const Host *host);
unsigned host_clock_ns(const Host *host);

/* INTA# seen by the host: any function asserting it. */
bool host_intx(Host *host);

EduLog *host_log(Host *host);
PciBus *host_bus(Host *host);

#endif /* EDU_HOST_H */

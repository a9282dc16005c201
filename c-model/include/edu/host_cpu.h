/*
 * The CPU side of the host: how a CPU access is cut into pieces and where
 * each piece goes, the way QEMU's memory core and the pc machine's host
 * bridge do it.
 *
 * Shared by every view that has a host: the C model's (host.c) and the RTL
 * harness's host bridge (rtl/sim/), so both cut and route every access
 * alike.  A piece never crosses a region and is naturally aligned: at most
 * the region's widest access for a BAR window (8 bytes for edu), at most 4
 * bytes for an I/O port and for memory nobody claims.  BAR windows come
 * before RAM.  CONFIG_ADDRESS (0xCF8..0xCFB) is a latch here: a 4-byte
 * write at 0xCF8 sets it, any read returns it (the whole latch, whatever
 * the port); RAM and the latch never reach PCI.  Past the top of the
 * address space, or past port 0xffff, nothing answers (reads all ones).
 * What a piece costs and how it is carried is the view's, through the ops.
 */
#ifndef EDU_HOST_CPU_H
#define EDU_HOST_CPU_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "edu/bytes.h"

/* A BAR window as the CPU's memory map has it. */
typedef struct HostWindow {
    uint64_t base;
    uint64_t size;
    unsigned access_max; /* widest access the region takes, bytes */
    const void *handle;  /* the view's own (the C model's window) */
} HostWindow;

typedef struct HostCpuOps {
    /* The window that claims 'addr' (false: none). */
    bool (*find_window)(void *opaque, uint64_t addr, HostWindow *w);
    /* The lowest window base above 'addr', or UINT64_MAX. */
    uint64_t (*next_window)(void *opaque, uint64_t addr);
    /* One naturally aligned piece of 1, 2, 4 or 8 bytes at 'off' in 'w':
     * one PCI memory transaction. */
    uint64_t (*bar_read)(void *opaque, const HostWindow *w, uint64_t off,
                         unsigned n);
    void (*bar_write)(void *opaque, const HostWindow *w, uint64_t off,
                      uint64_t val, unsigned n);
    /* RAM (no bus, no time): 'n' bytes at 'addr', all below ram_size. */
    void (*ram)(void *opaque, uint64_t addr, uint8_t *buf, size_t n,
                bool write);
    /* A memory piece of 1, 2 or 4 bytes that nobody claims (reads: all
     * ones into buf). */
    void (*mem_unclaimed)(void *opaque, uint64_t addr, uint8_t *buf, size_t n,
                          bool write);
    /* A piece of CONFIG_DATA: 'n' bytes at port 0xCFC + port_off with the
     * latch at 'config_address' (host_cpu_config_decode() says where). */
    void (*config_data)(void *opaque, uint32_t config_address,
                        unsigned port_off, uint8_t *buf, size_t n, bool write);
    /* An I/O piece nobody claims (reads: all ones into buf). */
    void (*io_unclaimed)(void *opaque, uint16_t port, uint8_t *buf, size_t n,
                         bool write);
} HostCpuOps;

typedef struct HostCpu {
    const HostCpuOps *ops;
    void *opaque;
    uint64_t ram_size;
    uint32_t config_address; /* the CONFIG_ADDRESS latch */
} HostCpu;

void host_cpu_init(HostCpu *cpu, const HostCpuOps *ops, void *opaque,
                   uint64_t ram_size);

/* Port I/O of 1, 2 or 4 bytes; memory of 1, 2, 4 or 8 bytes (-EINVAL for
 * another size); memory of any length. */
int host_cpu_io_read(HostCpu *cpu, uint16_t port, unsigned size, uint32_t *val);
int host_cpu_io_write(HostCpu *cpu, uint16_t port, uint32_t val, unsigned size);
int host_cpu_mem_read(HostCpu *cpu, uint64_t addr, unsigned size,
                      uint64_t *val);
int host_cpu_mem_write(HostCpu *cpu, uint64_t addr, uint64_t val,
                       unsigned size);
void host_cpu_mem_access(HostCpu *cpu, uint64_t addr, void *buf, size_t len,
                         bool write);

/* The sizes a CPU access may have (8 only where max is 8). */
static inline bool host_cpu_size_valid(unsigned size, unsigned max)
{
    return size == 1 || size == 2 || size == 4 || (size == 8 && max == 8);
}

/* Whether a CPU access is a single piece to window 'w' (the common case). */
static inline bool host_cpu_bar_whole(const HostWindow *w, uint64_t addr,
                                      unsigned size)
{
    return !(addr & (size - 1)) && size <= w->access_max &&
           addr - w->base <= w->size - size;
}

/*
 * host_cpu_mem_read()/write() with the view's ops named at compile time:
 * a view that passes its own constant table gets direct, inlinable calls
 * on the common path (one aligned piece of one window), which is most of
 * a register access's cost otherwise.  'ops' must be cpu->ops.
 */
static inline int host_cpu_mem_read_with(HostCpu *cpu, const HostCpuOps *ops,
                                         uint64_t addr, unsigned size,
                                         uint64_t *val)
{
    HostWindow w;
    uint8_t buf[8];

    if (!host_cpu_size_valid(size, 8)) {
        return -EINVAL;
    }
    if (ops->find_window(cpu->opaque, addr, &w) &&
        host_cpu_bar_whole(&w, addr, size)) {
        *val = ops->bar_read(cpu->opaque, &w, addr - w.base, size);
        return 0;
    }
    host_cpu_mem_access(cpu, addr, buf, size, false);
    *val = edu_load_le(buf, size);
    return 0;
}

static inline int host_cpu_mem_write_with(HostCpu *cpu,
                                          const HostCpuOps *ops,
                                          uint64_t addr, uint64_t val,
                                          unsigned size)
{
    HostWindow w;
    uint8_t buf[8];

    if (!host_cpu_size_valid(size, 8)) {
        return -EINVAL;
    }
    if (ops->find_window(cpu->opaque, addr, &w) &&
        host_cpu_bar_whole(&w, addr, size)) {
        ops->bar_write(cpu->opaque, &w, addr - w.base, val, size);
        return 0;
    }
    edu_store_le(buf, val, size);
    host_cpu_mem_access(cpu, addr, buf, size, true);
    return 0;
}

/* Where a piece of CONFIG_DATA goes: a configuration cycle on bus 'bus'
 * to 'devfn', register (CONFIG_ADDRESS | port offset) & 0xff, as QEMU
 * does; a function gives min(n, 256 - reg) bytes (the rest read 0). */
typedef struct HostConfigCycle {
    bool enabled; /* CONFIG_ADDRESS bit 31 */
    unsigned bus;
    unsigned devfn;
    unsigned reg;
    unsigned len;
} HostConfigCycle;
void host_cpu_config_decode(uint32_t config_address, unsigned port_off,
                            size_t n, HostConfigCycle *cycle);

#endif /* EDU_HOST_CPU_H */

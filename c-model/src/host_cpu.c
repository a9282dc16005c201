/*
 * The CPU side of the host (see edu/host_cpu.h): cutting CPU accesses into
 * pieces and routing them, shared by the C model's host and the RTL
 * harness.  No state but the CONFIG_ADDRESS latch, no time.
 */
#include <errno.h>
#include <string.h>

#include "edu/bytes.h"
#include "edu/host_cpu.h"
#include "edu/pci_regs.h"

/* The I/O ports of configuration mechanism #1. */
#define CONFIG_PORTS_END (PCI_CONFIG_DATA_PORT + 4)

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

void host_cpu_init(HostCpu *cpu, const HostCpuOps *ops, void *opaque,
                   uint64_t ram_size)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->ops = ops;
    cpu->opaque = opaque;
    cpu->ram_size = ram_size;
}

void host_cpu_config_decode(uint32_t config_address, unsigned port_off,
                            size_t n, HostConfigCycle *cycle)
{
    cycle->enabled = config_address & PCI_CONFIG_ENABLE;
    cycle->bus = (config_address >> 16) & 0xff;
    cycle->devfn = (config_address >> 8) & 0xff;
    cycle->reg = (config_address | port_off) & 0xff;
    cycle->len = (unsigned)MIN(n, (size_t)(PCI_CONFIG_SIZE - cycle->reg));
}

void host_cpu_mem_access(HostCpu *cpu, uint64_t addr, void *buf_, size_t len,
                         bool write)
{
    const HostCpuOps *ops = cpu->ops;
    uint8_t *buf = buf_;

    while (len) {
        HostWindow w;
        uint64_t stop;
        size_t n;

        if (ops->find_window(cpu->opaque, addr, &w)) {
            uint64_t off = addr - w.base;

            n = piece_size(off, MIN(len, w.size - off), w.access_max);
            if (write) {
                ops->bar_write(cpu->opaque, &w, off, edu_load_le(buf, n),
                               (unsigned)n);
            } else {
                edu_store_le(
                    buf, ops->bar_read(cpu->opaque, &w, off, (unsigned)n), n);
            }
        } else if (addr < cpu->ram_size) {
            stop = MIN(cpu->ram_size, ops->next_window(cpu->opaque, addr));
            n = (size_t)MIN(len, stop - addr);
            ops->ram(cpu->opaque, addr, buf, n, write);
        } else {
            /* Nobody claims it: a master abort per piece of at most 4. */
            stop = ops->next_window(cpu->opaque, addr);
            n = piece_size(addr,
                           stop == UINT64_MAX ? len : MIN(len, stop - addr), 4);
            ops->mem_unclaimed(cpu->opaque, addr, buf, n, write);
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

static void host_cpu_io_access(HostCpu *cpu, uint16_t port, uint8_t *buf,
                               size_t len, bool write)
{
    const HostCpuOps *ops = cpu->ops;
    uint32_t p = port;

    while (len) {
        size_t n;

        if (p >= PCI_CONFIG_ADDRESS_PORT && p < PCI_CONFIG_DATA_PORT) {
            /* CONFIG_ADDRESS: a 4-byte write latches it; any read returns
             * it (QEMU returns the whole latch whatever the offset). */
            unsigned off = p - PCI_CONFIG_ADDRESS_PORT;

            n = piece_size(off, MIN(len, PCI_CONFIG_DATA_PORT - p), 4);
            if (write && off == 0 && n == 4) {
                cpu->config_address = (uint32_t)edu_load_le(buf, 4);
            } else if (!write) {
                edu_store_le(buf, cpu->config_address, n);
            }
        } else if (p >= PCI_CONFIG_DATA_PORT && p < CONFIG_PORTS_END) {
            unsigned off = p - PCI_CONFIG_DATA_PORT;

            n = piece_size(off, MIN(len, CONFIG_PORTS_END - p), 4);
            ops->config_data(cpu->opaque, cpu->config_address, off, buf, n,
                             write);
        } else {
            /* An I/O cycle nobody claims: master abort, reads all ones. */
            uint32_t stop =
                p < PCI_CONFIG_ADDRESS_PORT ? PCI_CONFIG_ADDRESS_PORT : 0x10000;

            n = piece_size(p, MIN(len, stop - p), 4);
            ops->io_unclaimed(cpu->opaque, (uint16_t)p, buf, n, write);
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

int host_cpu_io_read(HostCpu *cpu, uint16_t port, unsigned size, uint32_t *val)
{
    uint8_t buf[8]; /* 8: see edu/bytes.h */

    if (!host_cpu_size_valid(size, 4)) {
        return -EINVAL;
    }
    host_cpu_io_access(cpu, port, buf, size, false);
    *val = (uint32_t)edu_load_le(buf, size);
    return 0;
}

int host_cpu_io_write(HostCpu *cpu, uint16_t port, uint32_t val, unsigned size)
{
    uint8_t buf[8]; /* 8: see edu/bytes.h */

    if (!host_cpu_size_valid(size, 4)) {
        return -EINVAL;
    }
    edu_store_le(buf, val, size);
    host_cpu_io_access(cpu, port, buf, size, true);
    return 0;
}

int host_cpu_mem_read(HostCpu *cpu, uint64_t addr, unsigned size, uint64_t *val)
{
    return host_cpu_mem_read_with(cpu, cpu->ops, addr, size, val);
}

int host_cpu_mem_write(HostCpu *cpu, uint64_t addr, uint64_t val, unsigned size)
{
    return host_cpu_mem_write_with(cpu, cpu->ops, addr, val, size);
}

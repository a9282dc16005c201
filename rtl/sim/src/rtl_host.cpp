// The host side of the RTL view: the CPU's accesses, cut and routed by the
// C model's own rules (edu/host_cpu.h), carried out as PCI transactions by
// the host bridge's initiator (or, for RAM, directly in host RAM).
//
// The memory map is the devices' own: a window for each BAR0 that decodes
// (edu_top's bar0 outputs).  Before the CPU touches RAM, the bus-master
// transactions asked for by its clock (DMA bursts, MSI messages) run to
// their end, without moving the CPU's clock: the C model moves their data
// when it books them, and QEMU delivers an MSI at once.
#include <cinttypes>
#include <cstring>

extern "C" {
#include "edu/bytes.h"
#include "edu/log.h"
#include "edu/regs.h"
#include "edu/timing.h"
}
#include "rtl_platform.h"

namespace edu_rtl
{

namespace
{

// QEMU's edu takes BAR0 accesses of 4 to 8 bytes (its MemoryRegionOps).
constexpr unsigned k_bar_access_min = 4;
constexpr unsigned k_bar_access_max = 8;

rtl_platform *platform(void *opaque)
{
    return static_cast<rtl_platform *>(opaque);
}

// Active-low byte enables of 'n' bytes from byte lane 'lane' (within one
// DWORD).
uint8_t be_n_of(unsigned lane, unsigned n)
{
    return (uint8_t)(~(((1u << n) - 1) << lane) & 0xf);
}

// A single data phase of 'n' bytes at 'addr' (within one DWORD).
pci_request single(uint8_t cmd, uint64_t addr, const uint8_t *buf, size_t n,
                   bool write)
{
    pci_request r;
    unsigned lane = addr & 3;

    r.cmd = cmd;
    r.addr = addr & ~(uint64_t)3;
    r.phases = 1;
    r.be_n[0] = be_n_of(lane, (unsigned)n);
    if (write) {
        for (size_t i = 0; i < n; i++) {
            r.wdata[0] |= (uint32_t)buf[i] << (8 * (lane + i));
        }
    }
    return r;
}

void bytes_of(const pci_result &res, unsigned lane, uint8_t *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        buf[i] = (uint8_t)(res.rdata[0] >> (8 * (lane + i)));
    }
}

bool rtl_find_window(void *opaque, uint64_t addr, HostWindow *w)
{
    rtl_platform *p = platform(opaque);

    p->sync();
    for (const rtl_device &d : p->devices()) {
        if (d.bar0_decode && addr - d.bar0_base < EDU_BAR0_SIZE) {
            w->base = d.bar0_base;
            w->size = EDU_BAR0_SIZE;
            w->access_max = k_bar_access_max;
            w->handle = &d;
            return true;
        }
    }
    return false;
}

uint64_t rtl_next_window(void *opaque, uint64_t addr)
{
    rtl_platform *p = platform(opaque);
    uint64_t next = UINT64_MAX;

    p->sync();
    for (const rtl_device &d : p->devices()) {
        if (d.bar0_decode && d.bar0_base > addr && d.bar0_base < next) {
            next = d.bar0_base;
        }
    }
    return next;
}

// As the C model's host does: a size the device does not take is a guest
// error (the device answers it itself: reads 0, writes ignored).
void check_size(rtl_platform *p, uint64_t addr, unsigned n, bool write)
{
    if (n < k_bar_access_min || n > k_bar_access_max) {
        EDU_LOG_GUEST_ERROR(p->log(),
                            "invalid %s of %u bytes at 0x%" PRIx64
                            " (BAR0 takes %u to %u)",
                            write ? "write" : "read", n, addr, k_bar_access_min,
                            k_bar_access_max);
    }
}

uint64_t rtl_bar_read(void *opaque, const HostWindow *w, uint64_t off,
                      unsigned n)
{
    rtl_platform *p = platform(opaque);
    uint64_t addr = w->base + off;
    pci_request r = single(k_cmd_mem_read, addr, nullptr, n < 8 ? n : 4, false);
    pci_result res;

    check_size(p, addr, n, false);
    if (n == 8) {
        r.phases = 2;
        r.be_n[0] = r.be_n[1] = 0;
    }
    if (!p->transaction(r, &res)) {
        return UINT64_MAX;
    }
    if (n == 8) {
        return res.rdata[0] | (uint64_t)res.rdata[1] << 32;
    }
    return (res.rdata[0] >> (8 * (addr & 3))) &
           (n == 4 ? 0xffffffffu : (1u << (8 * n)) - 1);
}

void rtl_bar_write(void *opaque, const HostWindow *w, uint64_t off,
                   uint64_t val, unsigned n)
{
    rtl_platform *p = platform(opaque);
    uint64_t addr = w->base + off;
    uint8_t bytes[8];
    pci_request r;
    pci_result res;

    check_size(p, addr, n, true);
    edu_store_le(bytes, val, sizeof(bytes));
    r = single(k_cmd_mem_write, addr, bytes, n < 8 ? n : 4, true);
    if (n == 8) {
        r.phases = 2;
        r.be_n[0] = r.be_n[1] = 0;
        r.wdata[0] = (uint32_t)val;
        r.wdata[1] = (uint32_t)(val >> 32);
    }
    p->transaction(r, &res);
}

void rtl_ram(void *opaque, uint64_t addr, uint8_t *buf, size_t n, bool write)
{
    rtl_platform *p = platform(opaque);

    p->settle_masters();
    if (write) {
        memcpy(p->ram() + addr, buf, n);
    } else {
        memcpy(buf, p->ram() + addr, n);
    }
}

void rtl_mem_unclaimed(void *opaque, uint64_t addr, uint8_t *buf, size_t n,
                       bool write)
{
    rtl_platform *p = platform(opaque);
    pci_request r =
        single(write ? k_cmd_mem_write : k_cmd_mem_read, addr, buf, n, write);
    pci_result res;

    if (!p->transaction(r, &res)) {
        res = pci_result{};
    }
    if (!write) {
        bytes_of(res, addr & 3, buf, n);
    }
}

void rtl_io_unclaimed(void *opaque, uint16_t port, uint8_t *buf, size_t n,
                      bool write)
{
    rtl_platform *p = platform(opaque);
    pci_request r =
        single(write ? k_cmd_io_write : k_cmd_io_read, port, buf, n, write);
    pci_result res;

    r.addr = port; // an I/O address is the byte address
    if (!p->transaction(r, &res)) {
        res = pci_result{};
    }
    if (!write) {
        bytes_of(res, port & 3, buf, n);
    }
}

// The AD line of a slot's IDSEL in a type 0 configuration address phase.
uint32_t idsel_line(unsigned slot)
{
    if (slot < 16) {
        return 1u << (16 + slot);
    }
    if (slot <= 20) {
        return 1u << (slot - 5);
    }
    return 0;
}

void rtl_config_data(void *opaque, uint32_t ca, unsigned port_off, uint8_t *buf,
                     size_t n, bool write)
{
    rtl_platform *p = platform(opaque);
    HostConfigCycle c;
    pci_request r;
    pci_result res;

    host_cpu_config_decode(ca, port_off, n, &c);
    if (!c.enabled) {
        // A plain I/O cycle to CONFIG_DATA: nobody claims it.
        rtl_io_unclaimed(opaque, (uint16_t)(PCI_CONFIG_DATA_PORT + port_off),
                         buf, n, write);
        return;
    }
    {
        // A data phase per DWORD the bytes touch, as for any burst.
        unsigned lane = c.reg & 3;
        unsigned first = c.len < 4 - lane ? c.len : 4 - lane;

        r.cmd = write ? k_cmd_cfg_write : k_cmd_cfg_read;
        r.phases = (unsigned)edu_timing_beats(c.reg, c.len);
        r.be_n[0] = be_n_of(lane, first);
        r.be_n[1] = be_n_of(0, c.len - first);
        for (unsigned i = 0; write && i < c.len; i++) {
            unsigned at = lane + i;

            r.wdata[at / 4] |= (uint32_t)buf[i] << (8 * (at % 4));
        }
    }
    if (c.bus != 0) {
        // Type 1, for a bridge to bus c.bus: there is none.
        r.addr = (ca & 0x00fffffcu) | 1;
    } else {
        // Type 0: the slot's IDSEL line, the function, the register.
        r.addr = idsel_line(c.devfn >> 3) | (c.devfn & 7) << 8 | (c.reg & 0xfc);
    }
    if (!p->transaction(r, &res)) {
        res = pci_result{};
    }
    if (write) {
        return;
    }
    if (!res.claimed || c.bus != 0) {
        memset(buf, 0xff, n); // master abort
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        unsigned at = (c.reg & 3) + i;

        // Bytes past the end of configuration space read 0, as in QEMU.
        buf[i] = i < c.len ? (uint8_t)(res.rdata[at / 4] >> (8 * (at % 4))) : 0;
    }
}

} // namespace

extern const HostCpuOps k_rtl_host_ops;
const HostCpuOps k_rtl_host_ops = {
    rtl_find_window, rtl_next_window,   rtl_bar_read,    rtl_bar_write,
    rtl_ram,         rtl_mem_unclaimed, rtl_config_data, rtl_io_unclaimed,
};

} // namespace edu_rtl

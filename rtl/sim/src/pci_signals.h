// The PCI lines of one clock, as an agent drives them and as the bus
// resolves them, for the harness's C++ agents (host bridge, arbiter,
// monitor).  Active-low lines keep their _n.
#ifndef EDU_RTL_PCI_SIGNALS_H
#define EDU_RTL_PCI_SIGNALS_H

#include <cstdint>

namespace edu_rtl
{

// What one agent drives in one clock: a value and an output enable per line.
struct pci_drive {
    uint32_t ad = 0;
    bool ad_oe = false;
    uint8_t cbe_n = 0xf;
    bool cbe_oe = false;
    bool par = false;
    bool par_oe = false;
    bool frame_n = true;
    bool frame_oe = false;
    bool irdy_n = true;
    bool irdy_oe = false;
    bool trdy_n = true;
    bool trdy_oe = false;
    bool devsel_n = true;
    bool devsel_oe = false;
    bool stop_n = true;
    bool stop_oe = false;
};

// The lines of the bus in one clock, after resolution (edu_sim_bus.sv).
struct pci_bus_state {
    uint32_t ad = 0;
    uint8_t cbe_n = 0;
    bool par = false;
    bool frame_n = true;
    bool irdy_n = true;
    bool trdy_n = true;
    bool devsel_n = true;
    bool stop_n = true;
    bool inta_n = true;
    uint32_t req_n = ~0u;   // bit per device
    uint32_t gnt_n = ~0u;   // bit per device
    uint32_t idsel = 0;     // bit per device
    uint8_t contention = 0; // bit per line: AD, C/BE#, PAR, FRAME#, IRDY#,
                            // TRDY#, DEVSEL#, STOP#

    bool idle() const
    {
        return frame_n && irdy_n;
    }
};

// Who drives which line in one clock: per line (AD, C/BE#, PAR, FRAME#,
// IRDY#, TRDY#, DEVSEL#, STOP#) a bit per agent that drives it, and for
// the control lines the values they drive.
struct pci_lines {
    uint32_t oe[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    uint32_t val[8] = {0, 0, 0, 0, 0, 0, 0, 0};
};

// PCI bus commands (C/BE# in the address phase).
enum : uint8_t {
    k_cmd_io_read = 0x2,
    k_cmd_io_write = 0x3,
    k_cmd_mem_read = 0x6,
    k_cmd_mem_write = 0x7,
    k_cmd_cfg_read = 0xa,
    k_cmd_cfg_write = 0xb,
    k_cmd_mem_read_multiple = 0xc,
    k_cmd_dac = 0xd,
    k_cmd_mem_read_line = 0xe,
    k_cmd_mem_write_invalidate = 0xf,
};

inline bool pci_cmd_is_write(uint8_t cmd)
{
    return cmd & 1;
}

inline bool pci_cmd_is_memory(uint8_t cmd)
{
    return cmd == k_cmd_mem_read || cmd == k_cmd_mem_write ||
           cmd == k_cmd_mem_read_multiple || cmd == k_cmd_mem_read_line ||
           cmd == k_cmd_mem_write_invalidate;
}

// Even parity over AD and C/BE#: what PAR carries one clock later.
inline bool pci_parity(uint32_t ad, uint8_t cbe_n)
{
    return __builtin_parity(ad ^ (cbe_n & 0xfu));
}

// Agents on the bus: the host bridge as initiator, as target, the devices.
enum : unsigned {
    k_agent_host_initiator = 0,
    k_agent_host_target = 1,
    k_agent_first_device = 2,
};

// "No clock": a request that was never made, an event that never comes.
constexpr uint64_t k_never = UINT64_MAX;

} // namespace edu_rtl

#endif

// The PCI arbiter, with the timing table's rules (docs/timing.md):
// transactions hold the bus in the order they are asked for; at equal
// clocks the devices' work goes first (lower slot first).  A device asks
// with REQ#; since one REQ# cannot say when a device's second waiting
// request was asked for (an MSI raised while a DMA burst waits), the
// device also counts its requests as it asks for them (edu_top's
// req_asks_o), and each address phase of the device serves its oldest.
// Granted at clock E (the bus's first free clock at or after the ask),
// the device sees GNT# at E+1 and drives FRAME# at E+2 (EDU_T_ARB = 2).  The
// host bridge owns the arbiter: it starts its address phase in the clock it
// wins.  The bus is free in a clock after an idle one (FRAME# and IRDY#
// deasserted) when nobody is granted.
#ifndef EDU_RTL_PCI_ARBITER_H
#define EDU_RTL_PCI_ARBITER_H

#include <cstdint>
#include <deque>

#include "edu/rtl.h"
#include "pci_signals.h"

namespace edu_rtl
{

class pci_arbiter
{
  public:
    explicit pci_arbiter(unsigned n_dev) : m_n_dev(n_dev)
    {
        for (auto &r : m_req_since) {
            r = k_never;
        }
    }

    // Learns clock 'clock' - 1 ('prev'), and the REQ# lines and the
    // requests asked for ('asks', per device) in 'clock'.
    void observe(uint64_t clock, const pci_bus_state &prev, uint32_t req_n,
                 const unsigned *asks);
    // Who wins the bus at 'clock' with the host asking at 'host_ask'
    // (k_never: not asking): -2 nobody (busy, or no request), -1 the host,
    // else the device.
    int winner(uint64_t clock, uint64_t host_ask) const;
    // Commits a winner() result for 'clock'.
    void grant(uint64_t clock, int who);
    // GNT# of every device in the current clock (bit per device).
    uint32_t gnt_n(uint64_t clock) const;

    bool idle() const
    {
        return m_granted < 0 && (~m_req_n & ((1u << m_n_dev) - 1)) == 0;
    }
    // The clock a device's oldest waiting request was asked at (k_never:
    // not asking).
    uint64_t ask(unsigned dev) const;

  private:
    unsigned m_n_dev;
    std::deque<uint64_t> m_asks[EDU_RTL_MAX_EDU]; // waiting requests
    uint64_t m_req_since[EDU_RTL_MAX_EDU];        // REQ# asserted from
    uint32_t m_req_n = ~0u;                       // REQ# in the current clock
    bool m_free = true;                           // the previous clock was idle
    int m_granted = -1; // device granted, until its address phase
    uint64_t m_grant_clock = 0;
};

} // namespace edu_rtl

#endif

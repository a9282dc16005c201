// The host bridge as PCI initiator: runs the CPU's configuration, I/O and
// memory transactions on the bus, one at a time.
//
// Clock a is the address phase (two for a dual address cycle, above 4 GiB).
// IRDY# is asserted from a+1 with the data (writes) or the byte enables
// (reads); FRAME# is deasserted as the final data phase starts.  No DEVSEL#
// by the fourth clock after the address phase is a master abort: IRDY# is
// deasserted on the fifth (EDU_T_MASTER_ABORT clocks in all) and reads
// give all ones.  A target disconnect or retry ends the transaction early;
// the caller sees how many data phases completed.
#ifndef EDU_RTL_PCI_INITIATOR_H
#define EDU_RTL_PCI_INITIATOR_H

#include <cstdint>

#include "edu/rtl.h"
#include "pci_signals.h"

namespace edu_rtl
{

struct pci_request {
    uint8_t cmd = 0;
    uint64_t addr = 0;   // AD of the address phase(s)
    unsigned phases = 1; // 1 or 2
    uint8_t be_n[2] = {0, 0};
    uint32_t wdata[2] = {0, 0};
};

struct pci_result {
    bool claimed = false; // some target asserted DEVSEL#
    unsigned done = 0;    // data phases completed
    uint32_t rdata[2] = {~0u, ~0u};
};

class pci_initiator
{
  public:
    // Starts 'req': its (first) address phase is the current clock.
    void begin(const pci_request &req);
    // At the rising edge ending the clock the bus was 'prev' in.
    void edge(const pci_bus_state &prev);
    // What the initiator drives in the current clock.
    pci_drive out() const;

    bool idle() const
    {
        return m_state == st_idle && !m_last.ad_oe;
    }
    // The transaction begun last has ended (its turnaround is over).
    bool done() const
    {
        return m_state == st_idle;
    }
    const pci_result &result() const
    {
        return m_result;
    }
    void inject(EduRtlFault fault)
    {
        m_fault = fault;
    }
    // The fault of the transaction begun last, and how many clocks ago
    // its address phase was (tests only: pci_fault_apply()).
    EduRtlFault fault() const
    {
        return m_active_fault;
    }
    unsigned clock_in_txn() const
    {
        return m_clock_in_txn;
    }

  private:
    enum state { st_idle, st_addr, st_addr2, st_data, st_last, st_turn };

    bool dac() const
    {
        return (m_req.addr >> 32) != 0;
    }
    bool write() const
    {
        return pci_cmd_is_write(m_req.cmd);
    }

    state m_state = st_idle;
    pci_request m_req;
    pci_result m_result;
    unsigned m_phase = 0; // the data phase under way
    unsigned m_wait = 0;  // data clocks without DEVSEL#
    bool m_devsel = false;
    bool m_abort = false;
    pci_drive m_last; // what was driven in the previous clock
    EduRtlFault m_fault = EDU_RTL_FAULT_NONE;
    EduRtlFault m_active_fault = EDU_RTL_FAULT_NONE;
    unsigned m_clock_in_txn = 0; // clocks since the address phase
};

} // namespace edu_rtl

#endif

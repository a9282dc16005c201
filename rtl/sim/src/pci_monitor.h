// The protocol monitor: checks the conventional PCI rules on every clock
// of the resolved bus and of every agent's drivers, and records the first
// violation (the harness then fails the run).
//
// Checked: one driver per line; the FRAME#/IRDY# handshake (FRAME#
// deasserted only with IRDY# asserted, IRDY# and FRAME# held while a data
// phase waits, no fast back-to-back: an idle clock before every address
// phase, FRAME# held through both address phases of a dual address
// cycle); TRDY# and a read's data on AD held while a data phase waits on
// IRDY#; a device starts only with GNT#; DEVSEL# with TRDY# (and STOP#,
// but for a target abort), and never in the address phase; a master abort
// when DEVSEL# has not come by the fourth clock; turnaround (no agent
// drives AD, or a control line, in the clock after another did; nobody on
// AD in the clock after a read's address phase); sustained tri-state lines
// driven high for a clock before they are released; STOP# held until
// FRAME# is deasserted, FRAME# deasserted in the clock after STOP#, STOP#
// deasserted after the last data phase; AD (writes) and C/BE# stable while
// a data phase waits; PAR one clock after the address and each data phase,
// even over AD and C/BE#.
#ifndef EDU_RTL_PCI_MONITOR_H
#define EDU_RTL_PCI_MONITOR_H

#include <cstdint>
#include <string>

#include "pci_signals.h"

namespace edu_rtl
{

class pci_monitor
{
  public:
    pci_monitor() = default;

    // Checks clock 'clock': the bus 'cur', who drives which line, GNT# of
    // the clock before.  False on the first violation (see error()).
    bool check(uint64_t clock, const pci_bus_state &cur, const pci_lines &drive,
               uint32_t prev_gnt_n);
    const std::string &error() const
    {
        return m_error;
    }
    bool idle() const
    {
        return !m_in_txn;
    }

  private:
    void fail(uint64_t clock, const std::string &what);

    std::string m_error;
    pci_bus_state m_prev;
    pci_lines m_prev_drive;
    bool m_prev_addr_phase = false; // the previous clock was an address phase
    bool m_in_txn = false;
    bool m_write = false;
    bool m_dac = false;
    uint64_t m_addr_clock = 0; // the (last) address phase
    bool m_devsel_seen = false;
};

} // namespace edu_rtl

#endif

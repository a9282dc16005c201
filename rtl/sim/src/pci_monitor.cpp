// The protocol monitor (see pci_monitor.h).
#include "pci_monitor.h"

#include <cinttypes>
#include <cstdio>

namespace edu_rtl
{

namespace
{

const char *const k_line_name[8] = {"AD",    "C/BE#", "PAR",     "FRAME#",
                                    "IRDY#", "TRDY#", "DEVSEL#", "STOP#"};

// The agent that drives 'line' (the lowest one, if several), or -1.
int owner(const pci_lines &d, unsigned line)
{
    return d.oe[line] ? __builtin_ctz(d.oe[line]) : -1;
}

// The value agent 'a' drives on control line 'line'.
bool line_val(const pci_lines &d, unsigned line, int a)
{
    return (d.val[line] >> a) & 1;
}

std::string agent_name(int a)
{
    if (a == (int)k_agent_host_initiator) {
        return "the host bridge (initiator)";
    }
    if (a == (int)k_agent_host_target) {
        return "the host bridge (target)";
    }
    return "edu device " + std::to_string(a - (int)k_agent_first_device);
}

} // namespace

void pci_monitor::fail(uint64_t clock, const std::string &what)
{
    char head[64];

    if (!m_error.empty()) {
        return;
    }
    snprintf(head, sizeof(head),
             "PCI protocol violation at clock %" PRIu64 ": ", clock);
    m_error = head + what;
}

bool pci_monitor::check(uint64_t clock, const pci_bus_state &cur,
                        const pci_lines &drive, uint32_t prev_gnt_n)
{
    const pci_bus_state &prev = m_prev;
    bool addr_phase = false;

    if (!m_error.empty()) {
        return false;
    }
    // One driver per line.
    for (unsigned l = 0; l < 8; l++) {
        if (cur.contention & (1u << l)) {
            fail(clock, std::string("two agents drive ") + k_line_name[l]);
        }
    }

    // Turnaround: a line changes hands only through a clock nobody drives
    // it; a sustained tri-state line is driven high before it is released.
    for (unsigned l = 0; l < 8; l++) {
        int was = owner(m_prev_drive, l);
        int now = owner(drive, l);

        if (was >= 0 && now >= 0 && was != now) {
            fail(clock, std::string(k_line_name[l]) + " driven by " +
                            agent_name(now) + " right after " +
                            agent_name(was) + ", without a turnaround clock");
        }
        if (l >= 3 && was >= 0 && now != was &&
            !line_val(m_prev_drive, l, was)) {
            fail(clock, std::string(k_line_name[l]) + " released by " +
                            agent_name(was) +
                            " while asserted (a sustained tri-state line is "
                            "driven high for a clock first)");
        }
    }

    // The data phase of the previous clock: did it complete?
    const bool prev_xfer = m_in_txn && !prev.irdy_n && !prev.devsel_n &&
                           (!prev.trdy_n || !prev.stop_n);
    const bool prev_target_abort = m_in_txn && !prev.irdy_n && prev.devsel_n &&
                                   !prev.stop_n && m_devsel_seen;
    const bool abort_time = !m_devsel_seen && clock - m_addr_clock >= 5;

    if (m_in_txn && !prev.devsel_n) {
        m_devsel_seen = true;
    }

    // Address phase: FRAME# asserted after an idle clock.
    if (prev.frame_n && !cur.frame_n) {
        int master = owner(drive, 3);

        // (Within a transaction FRAME# is asserted again only after it was
        // deasserted in the second address phase of a dual address cycle,
        // which fails below first.)
        if (!prev.irdy_n) {
            fail(clock, "FRAME# asserted while IRDY# is still asserted (no "
                        "fast back-to-back: an idle clock comes first)");
        }
        if (master >= (int)k_agent_first_device &&
            ((prev_gnt_n >> (master - (int)k_agent_first_device)) & 1)) {
            fail(clock,
                 agent_name(master) + " starts a transaction without GNT#");
        }
        if (owner(drive, 0) != master || owner(drive, 1) != master) {
            fail(clock, "the address phase without AD and C/BE# driven by "
                        "its master");
        }
        addr_phase = true;
        m_in_txn = true;
        m_dac = cur.cbe_n == k_cmd_dac;
        m_write = pci_cmd_is_write(cur.cbe_n);
        m_addr_clock = clock;
        m_devsel_seen = false;
    } else if (m_prev_addr_phase && m_dac) {
        // The second address phase of a dual address cycle: FRAME# held
        // through both.
        if (cur.frame_n) {
            fail(clock, "FRAME# deasserted in the second address phase of a "
                        "dual address cycle");
        }
        addr_phase = true;
        m_dac = false;
        m_write = pci_cmd_is_write(cur.cbe_n);
        m_addr_clock = clock;
    }

    if (m_in_txn && !addr_phase) {
        // FRAME# deasserted only together with IRDY#.
        if (!prev.frame_n && cur.frame_n && cur.irdy_n) {
            fail(clock, "FRAME# deasserted while IRDY# is deasserted");
        }
        // A waiting data phase keeps IRDY#, FRAME#, C/BE# (and write data).
        if (!prev.irdy_n && !prev_xfer && !prev_target_abort && !abort_time) {
            if (cur.irdy_n) {
                fail(clock, "IRDY# deasserted before the data phase "
                            "completed");
            } else if (cur.frame_n != prev.frame_n) {
                fail(clock, "FRAME# changed while the data phase waits");
            } else if (cur.cbe_n != prev.cbe_n) {
                fail(clock, "C/BE# changed while the data phase waits");
            } else if (m_write && cur.ad != prev.ad) {
                fail(clock, "write data on AD changed while the data phase "
                            "waits");
            }
        }
        // A data phase that waits on the master (TRDY# asserted, IRDY# not)
        // keeps TRDY#, and a read's data on AD, until it completes.
        if (!m_prev_addr_phase && !prev.trdy_n && !prev.devsel_n &&
            prev.irdy_n) {
            const int was = owner(m_prev_drive, 0);

            if (cur.trdy_n) {
                fail(clock, "TRDY# deasserted before the data phase "
                            "completed");
            } else if (!m_write && was >= 0 &&
                       (owner(drive, 0) != was || cur.ad != prev.ad)) {
                fail(clock, "read data on AD changed while the data phase "
                            "waits");
            }
        }
        // Master abort: FRAME# deasserted on the fifth clock, IRDY# by the
        // sixth.
        if (!m_devsel_seen && cur.devsel_n &&
            ((!cur.frame_n && clock - m_addr_clock > 4) ||
             (!cur.irdy_n && clock - m_addr_clock > 5))) {
            fail(clock, "no DEVSEL# by the fourth clock after the address "
                        "phase, and the master does not abort");
        }
        if ((!cur.frame_n || !cur.irdy_n) && owner(drive, 1) < 0) {
            fail(clock, "C/BE# not driven during the transaction");
        }
        // Read turnaround.
        if (!m_write && m_prev_addr_phase && owner(drive, 0) >= 0) {
            fail(clock, "AD driven in the turnaround clock after a read's "
                        "address phase");
        }
        // STOP#.
        if (!prev.stop_n && !prev.frame_n && cur.stop_n && !cur.devsel_n) {
            fail(clock, "STOP# deasserted before FRAME#");
        }
        if (!prev.stop_n && !prev.irdy_n && !prev.frame_n && !cur.frame_n) {
            fail(clock, "FRAME# still asserted in the clock after STOP#");
        }
    }
    if (!cur.trdy_n && cur.devsel_n) {
        fail(clock, "TRDY# asserted without DEVSEL#");
    }
    if (!cur.stop_n && cur.devsel_n && !m_devsel_seen) {
        fail(clock, "STOP# asserted without DEVSEL#");
    }
    if (addr_phase && (!cur.devsel_n || !cur.trdy_n)) {
        fail(clock, "DEVSEL# or TRDY# in the address phase");
    }
    if (!m_in_txn &&
        (!cur.devsel_n || !cur.trdy_n || !cur.stop_n || !cur.irdy_n)) {
        fail(clock, "IRDY#, TRDY#, DEVSEL# or STOP# asserted outside a "
                    "transaction");
    }

    // PAR: even over AD and C/BE# of the clock before, after an address
    // phase, a write data phase with IRDY# and a read data phase with TRDY#.
    if (m_prev_addr_phase ||
        (m_in_txn && !m_prev_addr_phase &&
         ((m_write && !prev.irdy_n) || (!m_write && !prev.trdy_n)))) {
        if (owner(drive, 2) < 0) {
            fail(clock, "PAR not driven one clock after AD");
        } else if (cur.par != pci_parity(prev.ad, prev.cbe_n)) {
            char what[96];

            snprintf(what, sizeof(what),
                     "PAR %d after AD %08x C/BE# %x (even parity needs %d)",
                     cur.par, prev.ad, prev.cbe_n,
                     pci_parity(prev.ad, prev.cbe_n));
            fail(clock, what);
        }
    }

    // The end of the transaction: its final data phase completed, or the
    // master gave up.
    if (m_in_txn && !addr_phase) {
        if (cur.idle()) {
            m_in_txn = false; // only a completed transaction goes idle
        }
    }
    if (!m_in_txn && cur.frame_n && cur.irdy_n && !prev.stop_n && !cur.stop_n) {
        fail(clock, "STOP# still asserted after the last data phase");
    }

    m_prev_addr_phase = addr_phase;
    m_prev = cur;
    m_prev_drive = drive;
    return m_error.empty();
}

} // namespace edu_rtl

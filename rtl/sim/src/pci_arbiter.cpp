// The PCI arbiter (see pci_arbiter.h).
#include "pci_arbiter.h"

extern "C" {
#include "edu/timing.h"
}

namespace edu_rtl
{

void pci_arbiter::observe(uint64_t clock, const pci_bus_state &prev,
                          uint32_t req_n, const unsigned *asks)
{
    m_free = prev.idle();
    if (m_granted >= 0) {
        if (!prev.frame_n && clock + 1 > m_grant_clock + EDU_T_ARB) {
            // The granted device's address phase: GNT# goes with the next
            // clock, and its oldest request is served.
            if (!m_asks[m_granted].empty()) {
                m_asks[m_granted].pop_front();
            }
            m_granted = -1;
        } else if ((req_n >> m_granted) & 1 && clock > m_grant_clock + 2) {
            m_granted = -1; // it no longer wants the bus
        }
    }
    for (unsigned d = 0; d < m_n_dev; d++) {
        for (unsigned k = 0; k < asks[d]; k++) {
            m_asks[d].push_back(clock);
        }
        if ((req_n >> d) & 1) {
            m_asks[d].clear(); // nothing waits
            m_req_since[d] = k_never;
        } else if (m_req_since[d] == k_never) {
            m_req_since[d] = clock;
        }
    }
    m_req_n = req_n;
}

uint64_t pci_arbiter::ask(unsigned dev) const
{
    if ((m_req_n >> dev) & 1) {
        return k_never;
    }
    return m_asks[dev].empty() ? m_req_since[dev] : m_asks[dev].front();
}

int pci_arbiter::winner(uint64_t clock, uint64_t host_ask) const
{
    int who = -2;
    uint64_t best = k_never;

    if (m_granted >= 0 || !m_free) {
        return -2;
    }
    for (unsigned d = 0; d < m_n_dev; d++) {
        uint64_t a = ask(d);

        if (a <= clock && a < best) {
            best = a;
            who = (int)d;
        }
    }
    if (host_ask <= clock && host_ask < best) {
        who = -1;
    }
    return who;
}

void pci_arbiter::grant(uint64_t clock, int who)
{
    if (who >= 0) {
        m_granted = who;
        m_grant_clock = clock;
    }
    if (who != -2) {
        m_free = false;
    }
}

uint32_t pci_arbiter::gnt_n(uint64_t clock) const
{
    // GNT# in the last clock of EDU_T_ARB; FRAME# follows it.
    if (m_granted >= 0 && clock + 2 > m_grant_clock + EDU_T_ARB) {
        return ~(1u << m_granted);
    }
    return ~0u;
}

} // namespace edu_rtl

// The host bridge as PCI initiator (see pci_initiator.h).
#include "pci_initiator.h"

extern "C" {
#include "edu/timing.h"
}

namespace edu_rtl
{

void pci_initiator::begin(const pci_request &req)
{
    m_req = req;
    m_result = pci_result{};
    m_state = st_addr;
    m_phase = 0;
    m_wait = 0;
    m_devsel = false;
    m_abort = false;
    m_clock_in_txn = 0;
    m_active_fault = m_fault;
    m_fault = EDU_RTL_FAULT_NONE;
}

void pci_initiator::edge(const pci_bus_state &prev)
{
    const bool final_phase = m_state == st_last || m_phase + 1 >= m_req.phases;
    bool completed;
    bool stopped;

    m_last = out();
    m_clock_in_txn++;
    switch (m_state) {
    case st_idle:
        break;
    case st_addr:
        m_state = dac() ? st_addr2 : st_data;
        break;
    case st_addr2:
        m_state = st_data;
        break;
    case st_data:
    case st_last:
        if (!prev.devsel_n) {
            m_devsel = true;
            m_result.claimed = true;
        }
        completed = !prev.irdy_n && !prev.trdy_n && !prev.devsel_n;
        stopped = !prev.irdy_n && !prev.stop_n;
        if (completed) {
            if (m_phase < 2) {
                m_result.rdata[m_phase] = prev.ad;
            }
            m_phase++;
            m_result.done = m_phase;
        }
        if ((completed && final_phase) || (stopped && final_phase)) {
            m_state = st_turn;
        } else if (stopped) {
            m_state = st_last; // disconnect or retry: FRAME# goes
        } else if (m_state == st_last && m_abort) {
            m_state = st_turn;
        } else if (!m_devsel && prev.devsel_n) {
            const unsigned late =
                m_active_fault == EDU_RTL_FAULT_NO_MASTER_ABORT ? 2 : 0;

            if (++m_wait == EDU_T_MASTER_ABORT - 2 + late) {
                // Master abort: nobody claimed it by the fourth clock.
                m_abort = true;
                m_state = final_phase ? st_turn : st_last;
            }
        }
        break;
    case st_turn:
        m_state = st_idle;
        break;
    }
}

pci_drive pci_initiator::out() const
{
    pci_drive d;
    const bool final_phase = m_state == st_last || m_phase + 1 >= m_req.phases;
    const unsigned ph = m_phase < 2 ? m_phase : 1;

    // PAR: one clock after whatever the initiator put on AD.
    d.par = pci_parity(m_last.ad, m_last.cbe_n);
    d.par_oe = m_last.ad_oe;
    if (m_active_fault == EDU_RTL_FAULT_BAD_PARITY && m_state == st_data &&
        m_clock_in_txn == 1) {
        d.par = !d.par;
    }
    switch (m_state) {
    case st_idle:
        break;
    case st_addr:
        d.frame_n = false;
        d.frame_oe = true;
        d.ad = (uint32_t)m_req.addr; // the low half first in a DAC
        d.ad_oe = true;
        d.cbe_n = dac() ? (uint8_t)k_cmd_dac : m_req.cmd;
        d.cbe_oe = true;
        break;
    case st_addr2:
        d.frame_n = false;
        d.frame_oe = true;
        d.ad = (uint32_t)(m_req.addr >> 32);
        d.ad_oe = true;
        d.cbe_n = m_req.cmd;
        d.cbe_oe = true;
        break;
    case st_data:
    case st_last:
        d.frame_n = final_phase;
        d.frame_oe = true;
        d.irdy_n = false;
        d.irdy_oe = true;
        d.cbe_n = m_req.be_n[ph];
        d.cbe_oe = true;
        if (write()) {
            d.ad = m_req.wdata[ph];
            d.ad_oe = true;
        }
        switch (m_active_fault) {
        case EDU_RTL_FAULT_FRAME_BEFORE_IRDY:
            if (m_clock_in_txn == 1) {
                d.frame_n = true;
                d.irdy_n = true; // asserted a clock late
            }
            break;
        case EDU_RTL_FAULT_IRDY_WITHDRAWN:
            if (m_clock_in_txn == 2 && !m_devsel) {
                d.irdy_n = true;
            }
            break;
        case EDU_RTL_FAULT_AD_UNSTABLE:
            if (m_clock_in_txn == 2 && write()) {
                d.ad ^= 1;
            }
            break;
        default:
            break;
        }
        break;
    case st_turn:
        d.irdy_n = true; // driven high once before release
        d.irdy_oe = true;
        break;
    }
    return d;
}

} // namespace edu_rtl

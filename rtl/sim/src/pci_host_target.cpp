// The host bridge as PCI target (see pci_host_target.h).
#include "pci_host_target.h"

#include <cstring>

extern "C" {
#include "edu/timing.h"
}

namespace edu_rtl
{

uint32_t pci_host_target::read_dword() const
{
    uint32_t val = 0;

    if (m_config) {
        return pci_cfg_read(m_cfg, m_addr & 0xfc, 4);
    }
    memcpy(&val, m_ram + m_addr, 4); // little-endian host
    return val;
}

void pci_host_target::write_dword(uint32_t val, uint8_t be_n)
{
    for (unsigned i = 0; i < 4; i++) {
        if (be_n & (1u << i)) {
            continue;
        }
        if (m_config) {
            pci_cfg_write(m_cfg, (m_addr & 0xfc) + i, (val >> (8 * i)) & 0xff,
                          1);
        } else {
            m_ram[m_addr + i] = (uint8_t)(val >> (8 * i));
        }
    }
}

bool pci_host_target::can_continue() const
{
    if (m_config) {
        return (m_addr & 0xfc) != 0xfc;
    }
    return (uint64_t)m_addr + 8 <= m_ram_size;
}

// 0..n-1 at random (xorshift64: the same for the same seed).
unsigned pci_host_target::stress(unsigned n)
{
    m_rnd ^= m_rnd << 13;
    m_rnd ^= m_rnd >> 7;
    m_rnd ^= m_rnd << 17;
    return (unsigned)(m_rnd % n);
}

// The coming data phase, after 'waits' wait states and any the stress
// adds (two at most: far inside PCI's 16 clocks for the first data phase
// and 8 for the others): with TRDY#, with STOP# (a retry when it is the
// first), or as the last one, with TRDY# and STOP# together; or, in a
// transaction to abort, the target abort after one wait state at least.
void pci_host_target::begin_data_phase(unsigned waits)
{
    const unsigned k_plain = 15; // the roll for TRDY# after 'waits' alone

    if (m_aborting) {
        m_stops.target_aborts++;
        m_next = st_abort;
        m_state = st_wait; // DEVSEL# for a clock at least
        m_count = waits ? waits - 1 : 0;
        return;
    }

    const unsigned roll = m_rnd && !m_config ? stress(16) : k_plain;

    m_next = roll == 0 ? st_stop : roll == 1 ? st_data_stop : st_data;
    if (m_next == st_stop) {
        (m_moved ? m_stops.disconnects_without_data : m_stops.retries)++;
    }
    if (roll == 2 || roll == 3) {
        waits += 1 + stress(2);
    }
    if (waits) {
        m_state = st_wait;
        m_count = waits - 1;
    } else {
        m_state = m_next;
    }
}

void pci_host_target::edge(const pci_bus_state &prev)
{
    const bool addr_phase = !prev.frame_n && m_idle_before;

    m_last = out();
    m_last_cbe_n = prev.cbe_n;
    m_idle_before = prev.idle();
    switch (m_state) {
    case st_idle:
        if (!addr_phase) {
            break;
        }
        if (pci_cmd_is_memory(prev.cbe_n) && prev.ad < m_ram_size &&
            (uint64_t)(prev.ad & ~3u) + 4 <= m_ram_size) {
            m_config = false;
        } else if ((prev.cbe_n == k_cmd_cfg_read ||
                    prev.cbe_n == k_cmd_cfg_write) &&
                   (prev.ad & (1u << 16)) && (prev.ad & 0x703) == 0) {
            m_config = true; // type 0, slot 0 (IDSEL on AD[16]), function 0
        } else {
            break;
        }
        m_write = pci_cmd_is_write(prev.cbe_n);
        m_moved = false;
        m_aborting = !m_config && prev.ad - m_abort.base < m_abort.size;
        m_addr = m_config ? (prev.ad & 0xfc) : (prev.ad & ~3u);
        m_state = st_decode;
        m_count = EDU_T_DECODE - 1;
        break;
    case st_decode:
        if (m_count) {
            m_count--;
            break;
        }
        begin_data_phase(m_config  ? EDU_T_CFG_WAIT
                         : m_write ? EDU_T_RAM_WRITE_WAIT
                                   : EDU_T_RAM_READ_WAIT);
        break;
    case st_wait:
        if (m_count) {
            m_count--;
        } else {
            m_state = m_next;
        }
        break;
    case st_data:
    case st_data_stop:
        if (prev.irdy_n) {
            break; // the master waits
        }
        if (m_write) {
            write_dword(prev.ad, prev.cbe_n);
        }
        m_moved = true;
        if (prev.frame_n) {
            m_state = st_turn;
        } else if (m_state == st_data_stop) {
            m_stops.disconnects_with_data++;
            m_state = st_stop;
        } else if (!can_continue()) {
            m_stops.disconnects_without_data++;
            m_state = st_stop;
        } else {
            m_addr += 4;
            begin_data_phase(0);
        }
        break;
    case st_stop:
    case st_abort:
        if (prev.frame_n && !prev.irdy_n) {
            m_state = st_turn;
        }
        break;
    case st_turn:
        m_state = st_idle;
        break;
    }
}

pci_drive pci_host_target::out() const
{
    pci_drive d;
    const bool claimed = m_state == st_wait || m_state == st_data ||
                         m_state == st_data_stop || m_state == st_stop;
    const bool data = m_state == st_data || m_state == st_data_stop;
    const bool abort = m_state == st_abort;

    d.par = pci_parity(m_last.ad, m_last_cbe_n);
    d.par_oe = m_last.ad_oe;
    if (claimed || abort || m_state == st_turn) {
        d.devsel_n = !claimed;
        d.trdy_n = !data;
        d.stop_n = m_state != st_stop && m_state != st_data_stop && !abort;
        d.devsel_oe = d.trdy_oe = d.stop_oe = true;
    }
    if (claimed && !m_write) {
        d.ad = read_dword();
        d.ad_oe = true;
    }
    return d;
}

} // namespace edu_rtl

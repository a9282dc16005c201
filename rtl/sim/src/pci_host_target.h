// The host bridge as PCI target: host RAM for the devices' DMA and MSI
// messages, and the bridge's own configuration space (00:00.0, IDSEL on
// AD[16]).
//
// Medium DEVSEL# (EDU_T_DECODE), then the table's wait states before the
// first data phase (EDU_T_RAM_READ_WAIT, EDU_T_RAM_WRITE_WAIT,
// EDU_T_CFG_WAIT) and none after it.  A burst goes on in linear order
// while the next DWORD is still RAM (or configuration space); a data phase
// past it is refused with a disconnect without data.  Memory at or above
// the RAM's size, and dual address cycles, are not claimed: the master
// gets a master abort.
//
// Stress (a non-zero seed): for the devices' memory transactions the
// target also does, at random, what PCI allows it to and a bus master has
// to cope with: wait states before any data phase, a retry (STOP# without
// TRDY# in the first data phase), a disconnect with data (STOP# with
// TRDY#) and one without (STOP# alone, after data).  The data end up the
// same; the clocks do not.
//
// Target abort (a non-empty range): a memory transaction of a device that
// starts in the range is claimed, held one wait state at least (DEVSEL#
// comes before the abort, as PCI requires), then ended with STOP# and
// DEVSEL# deasserted together.  No data moves.
#ifndef EDU_RTL_PCI_HOST_TARGET_H
#define EDU_RTL_PCI_HOST_TARGET_H

#include <cstdint>

extern "C" {
#include "edu/pci.h"
#include "edu/rtl.h"
}
#include "pci_signals.h"

namespace edu_rtl
{

class pci_host_target
{
  public:
    struct range {
        uint64_t base;
        uint64_t size;
    };

    pci_host_target(uint8_t *ram, uint64_t ram_size, PciConfig *bridge,
                    uint64_t stress_seed = 0, range abort = {0, 0})
        : m_ram(ram), m_ram_size(ram_size), m_cfg(bridge), m_rnd(stress_seed),
          m_abort(abort)
    {
    }

    // At the rising edge ending the clock the bus was 'prev' in.
    void edge(const pci_bus_state &prev);
    pci_drive out() const;

    bool idle() const
    {
        return m_state == st_idle && !m_last.ad_oe;
    }
    EduRtlTargetStops stops() const
    {
        return m_stops;
    }

  private:
    enum state {
        st_idle,
        st_decode,
        st_wait,
        st_data,      // TRDY#
        st_data_stop, // TRDY# and STOP#: the last data of the transaction
        st_stop,      // STOP# alone: no more data
        st_abort,     // STOP# with DEVSEL# deasserted: target abort
        st_turn
    };

    uint32_t read_dword() const;
    void write_dword(uint32_t val, uint8_t be_n);
    bool can_continue() const;
    void begin_data_phase(unsigned waits);
    unsigned stress(unsigned n);

    uint8_t *m_ram;
    uint64_t m_ram_size;
    PciConfig *m_cfg;
    uint64_t m_rnd; // the stress generator's state; 0: no stress
    range m_abort;  // memory transactions starting here are target-aborted

    state m_state = st_idle;
    bool m_idle_before = true; // the bus was idle the clock before 'prev'
    bool m_config = false;
    bool m_write = false;
    uint32_t m_addr = 0;  // DWORD-aligned byte address (or register)
    unsigned m_count = 0; // clocks left in decode or wait
    state m_next = st_data; // what the wait states lead to
    bool m_moved = false;   // data moved in this transaction
    bool m_aborting = false; // this transaction ends in a target abort
    EduRtlTargetStops m_stops = {};
    pci_drive m_last;
    uint8_t m_last_cbe_n = 0xf; // C/BE# on the bus the clock before
};

} // namespace edu_rtl

#endif

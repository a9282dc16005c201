/*
 * edu_tlm: one edu device of the C model (edu/edu.h) behind TLM-2.0
 * sockets, loosely timed.
 *
 *   config  target     its configuration space (address: the register,
 *                      0x00..0xff; 1, 2 or 4 bytes)
 *   bar     target     its BAR0 (address: the offset in the 1 MiB)
 *   dma     initiator  its bus-master accesses: DMA data and MSI messages
 *   inta    out        its INTA# pin (true: asserted)
 *
 * The device is the C model's: every register rule, the factorial and
 * DMA engines and their clocks live in c-model/src/edu.c.  Here a
 * transaction is checked for its shape, handed to the C function and
 * answered with a response status:
 *
 *   byte enables                          TLM_BYTE_ENABLE_ERROR_RESPONSE
 *   streaming width below the length,
 *   a size the BAR does not take (it
 *   takes 4 and 8: pci_fn_bar_access_valid), a configuration access
 *   of another size than 1, 2 or 4        TLM_BURST_ERROR_RESPONSE
 *   a misaligned BAR access, or one
 *   past the BAR; configuration past 0xff TLM_ADDRESS_ERROR_RESPONSE
 *   anything else                         TLM_OK_RESPONSE
 *
 * (QEMU answers a 1- or 2-byte BAR read with 0: that is the host's rule,
 * kept in the C model's host; it never sends such an access here.)  The
 * data phase happens at sc_time_stamp() + delay; the device takes no time
 * of its own there (the bus books every clock) and leaves delay as it is.
 * transport_dbg reads registers and configuration space with no side
 * effect at all (no catching up, no time); it writes nothing.  DMI is
 * refused on both.
 */
#ifndef EDU_TLM_EDU_TLM_H
#define EDU_TLM_EDU_TLM_H

#include <cstddef>
#include <cstdint>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "fw_calls.h"
#include "timed_queue.h"

extern "C" {
#include "edu/edu.h"
}

class pci_host_tlm;

class edu_tlm : public sc_core::sc_module
{
  public:
    tlm::tlm_target_socket<> config;
    tlm::tlm_target_socket<> bar;
    tlm_utils::simple_initiator_socket<edu_tlm> dma;
    sc_core::sc_out<bool> inta;

    SC_HAS_PROCESS(edu_tlm);
    /* A new edu at slot/func of host's bus, its sockets bound to host's.
     * Throws std::system_error when the slot is taken or invalid. */
    edu_tlm(const sc_core::sc_module_name &name, pci_host_tlm &host,
            unsigned slot, unsigned func = 0);
    edu_tlm(const edu_tlm &) = delete;
    edu_tlm &operator=(const edu_tlm &) = delete;

    /* The C model's device (edu_set_dma_mask(), edu_get_state()). */
    EduDevice *device() const
    {
        return m_edu;
    }
    PciFunction *function() const
    {
        return m_fn;
    }

    /* Waveforms: edu_status, edu_irq_status, edu_fact_busy, edu_dma_busy,
     * each name after 'prefix' ("" or "edu1." for a second device). */
    void trace_signals(sc_core::sc_trace_file *tf,
                       const std::string &prefix) const;

    /* Called by pci_host_tlm (the C model's port and note hooks). */
    void bus_master(bool write, uint64_t addr, void *buf, size_t len,
                    uint64_t clock);
    void state_changed(uint64_t clock);

  private:
    void config_b_transport(tlm::tlm_generic_payload &gp,
                            sc_core::sc_time &delay);
    unsigned int config_transport_dbg(tlm::tlm_generic_payload &gp);
    void bar_b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    unsigned int bar_transport_dbg(tlm::tlm_generic_payload &gp);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi);
    void update_signals(); /* SC_METHOD */

  public:
    /* The interfaces bound to 'config' and 'bar': pci_host_tlm finds them
     * behind its sockets and calls them directly (fw_calls.h). */
    using config_interface =
        fw_calls<edu_tlm, &edu_tlm::config_b_transport,
                 &edu_tlm::config_transport_dbg, &edu_tlm::get_direct_mem_ptr>;
    using bar_interface =
        fw_calls<edu_tlm, &edu_tlm::bar_b_transport,
                 &edu_tlm::bar_transport_dbg, &edu_tlm::get_direct_mem_ptr>;

  private:
    config_interface m_config_fw;
    bar_interface m_bar_fw;

    pci_host_tlm &m_host;
    EduDevice *m_edu;
    PciFunction *m_fn;
    uint64_t m_bar_size;
    unsigned m_bar_lens; /* bit n: an n-byte BAR access is one it takes */
    tlm::tlm_generic_payload m_dma_gp;
    sc_core::sc_event m_update_ev;
    timed_queue<EduState> m_state_q;
    sc_core::sc_signal<uint32_t> m_status;
    sc_core::sc_signal<uint32_t> m_irq_status;
    sc_core::sc_signal<bool> m_fact_busy;
    sc_core::sc_signal<bool> m_dma_busy;
};

/* The forward interfaces are instantiated in edu_tlm.cpp only, where the
 * transport functions they call can be inlined into them. */
extern template class fw_calls<edu_tlm, &edu_tlm::config_b_transport,
                               &edu_tlm::config_transport_dbg,
                               &edu_tlm::get_direct_mem_ptr>;
extern template class fw_calls<edu_tlm, &edu_tlm::bar_b_transport,
                               &edu_tlm::bar_transport_dbg,
                               &edu_tlm::get_direct_mem_ptr>;

#endif /* EDU_TLM_EDU_TLM_H */

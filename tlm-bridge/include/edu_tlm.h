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
 *
 * The module binds only through its sockets and knows no other module of
 * the bridge.  Alone (any initiator on config and bar, any memory target
 * on dma) it keeps the C model's bus for itself: its work (a factorial
 * ending, DMA bursts, the MSI) runs in its own thread process at the
 * clocks the C model gives, and its DMA data and MSI messages leave on
 * dma, from that thread or from inside a transaction on bar.  Bound to
 * pci_host_tlm it answers the host's question (pci_function_link.h) and
 * joins the host's bus, which then books its transactions among the
 * others and runs its work.
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
#include "pci_clock.h"
#include "pci_function_link.h"
#include "timed_queue.h"

extern "C" {
#include "edu/edu.h"
}

struct edu_config {
    unsigned slot = 4; /* the slot and function it is plugged in as */
    unsigned func = 0;
    unsigned clock_ns = 0;     /* 0: EDU_CLOCK_NS_DEFAULT */
    EduLog *log = nullptr;     /* guest errors: NULL, a log of its own ... */
    EduLogFn log_fn = nullptr; /* ... with this hook (NULL: edu_log_stderr) */
    void *log_opaque = nullptr;
    bool quiet = false; /* ... or counting only */
};

class edu_tlm : public sc_core::sc_module, private pci_function_link
{
  public:
    tlm::tlm_target_socket<> config;
    tlm::tlm_target_socket<> bar;
    tlm_utils::simple_initiator_socket<edu_tlm> dma;
    sc_core::sc_out<bool> inta;

    SC_HAS_PROCESS(edu_tlm);
    /* A new edu; its sockets are bound by whoever builds the platform.
     * Throws std::system_error for a slot or function out of range. */
    explicit edu_tlm(const sc_core::sc_module_name &name,
                     const edu_config &cfg = edu_config());
    ~edu_tlm() override;
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

    /* Guest errors of a device with a log of its own. */
    const EduLog *log() const
    {
        return m_log;
    }
    /* State changes reported for a clock the kernel had passed (never
     * expected; the tests check it stays 0). */
    unsigned long late_changes() const
    {
        return m_late;
    }

  private:
    /* pci_function_link: the host's question (pci_function_link.h). */
    PciFunction *pci_function() override
    {
        return m_fn;
    }
    void joined(const pci_clock &clock) override;
    void master(bool write, uint64_t addr, void *buf, size_t len,
                uint64_t clock) override;
    void note(uint64_t clock) override;

    /* Its own bus's port and note hooks (alone). */
    static const PciBusPort s_port;
    static uint32_t port_config_read(void *opaque, PciFunction *fn,
                                     unsigned off, unsigned len, uint64_t now);
    static void port_config_write(void *opaque, PciFunction *fn, unsigned off,
                                  uint32_t val, unsigned len, uint64_t now);
    static uint64_t port_bar_read(void *opaque, PciFunction *fn, int bar,
                                  uint64_t off, unsigned size, uint64_t now);
    static void port_bar_write(void *opaque, PciFunction *fn, int bar,
                               uint64_t off, uint64_t val, unsigned size,
                               uint64_t now);
    static void port_master(void *opaque, PciFunction *fn, bool write,
                            uint64_t addr, void *buf, size_t len, uint64_t now);
    static void port_ram(void *opaque, bool write, uint64_t addr, void *buf,
                         size_t len);
    static void note_hook(void *opaque, PciFunction *fn, uint64_t when);

    const sc_core::sc_time &kernel_time() const
    {
        return simcontext()->time_stamp();
    }
    /* The clock of a transaction that came with 'delay'. */
    uint64_t clock_of(const sc_core::sc_time &delay) const
    {
        return m_clk->clock_at(kernel_time() + delay);
    }
    sc_core::sc_time delay_to(uint64_t clock) const
    {
        return m_clk->delay_from(kernel_time(), clock);
    }
    uint64_t kernel_clock() const
    {
        return m_clk->clock_in(kernel_time());
    }
    void send_dma(bool write, uint64_t addr, uint8_t *buf, size_t len,
                  uint64_t clock);
    /* Alone: its work when the kernel reaches its clock. */
    void schedule_work()
    {
        const uint64_t next = m_bus.next_event;

        if (!m_joined && next < m_work_at) {
            m_work_at = next;
            m_work_ev.notify(delay_to(next));
        }
    }
    void run_work(); /* SC_THREAD: its work, in time (alone) */

    void config_b_transport(tlm::tlm_generic_payload &gp,
                            sc_core::sc_time &delay);
    unsigned int config_transport_dbg(tlm::tlm_generic_payload &gp);
    void bar_b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    unsigned int bar_transport_dbg(tlm::tlm_generic_payload &gp);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi);
    void update_signals(); /* SC_METHOD */

  public:
    /* The interfaces bound to 'config' and 'bar' (fw_calls.h): a host
     * that knows this module may call them without the virtual call. */
    using config_interface =
        fw_calls<edu_tlm, &edu_tlm::config_b_transport,
                 &edu_tlm::config_transport_dbg, &edu_tlm::get_direct_mem_ptr>;
    using bar_interface =
        fw_calls<edu_tlm, &edu_tlm::bar_b_transport,
                 &edu_tlm::bar_transport_dbg, &edu_tlm::get_direct_mem_ptr>;

  private:
    config_interface m_config_fw;
    bar_interface m_bar_fw;

    /* Its own bus (alone) and clock; on the host's, the host's clock. */
    PciBus m_bus;
    EduLog m_own_log;
    EduLog *m_log;
    pci_clock m_own_clock;
    const pci_clock *m_clk;
    bool m_joined;
    uint64_t m_master_clock; /* of the bus-master data being moved */
    sc_core::sc_event m_work_ev;
    uint64_t m_work_at; /* the clock m_work_ev is due, or PCI_NO_EVENT */
    unsigned long m_late;

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

/* Instantiated in edu_tlm.cpp only, where the transport functions can be
 * inlined into them. */
extern template class fw_calls<edu_tlm, &edu_tlm::config_b_transport,
                               &edu_tlm::config_transport_dbg,
                               &edu_tlm::get_direct_mem_ptr>;
extern template class fw_calls<edu_tlm, &edu_tlm::bar_b_transport,
                               &edu_tlm::bar_transport_dbg,
                               &edu_tlm::get_direct_mem_ptr>;

#endif /* EDU_TLM_EDU_TLM_H */

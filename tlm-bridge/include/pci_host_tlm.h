/*
 * pci_host_tlm: the host bridge and PCI bus 0 of the C model behind
 * TLM-2.0 sockets, loosely timed.
 *
 * It wraps the C model's Host (edu/host.h) built with a port (PciBusPort,
 * edu/pci.h).  The C model keeps every rule: how a CPU access is cut into
 * pieces, the CONFIG_ADDRESS latch, routing by bus/device/function and by
 * the enabled BARs, master aborts, bus-master gating, the clocks of every
 * transaction and the order in which the bus is booked.  This module
 * carries what the C model hands its port onto sockets, and time:
 *
 *   cpu     target     CPU accesses: memory, or port I/O when the payload
 *                      carries a pci_io_extension
 *   config  initiator  configuration cycles, one binding per device
 *   bar     initiator  BAR accesses (offset in the BAR), one per device
 *   dma     target     the devices' bus-master accesses (DMA, MSI)
 *   ram     initiator  host RAM (ram_tlm)
 *   inta    out        INTA# of the bus (true: asserted)
 *
 * Time: a CPU transaction starts at sc_time_stamp() + delay; the C model
 * books it on the bus and b_transport adds its PCI clocks (waiting for a
 * burst in flight included) to delay.  A configuration or BAR transaction
 * to a device carries in its delay the clock of its data phase.  The
 * devices' own work (a factorial ending, DMA bursts) runs when the kernel
 * reaches its clock, or earlier when a CPU running ahead in its quantum
 * looks at the bus; either way at the clocks the C model gives.
 *
 * Responses on cpu: TLM_ADDRESS_ERROR_RESPONSE when a transaction nobody
 * claimed (a PCI master abort) was part of the access; the data is then
 * what a PCI host bridge gives the CPU (all ones for reads), so a CPU model
 * that ignores the status sees what an x86 sees.  Byte enables are refused
 * (TLM_BYTE_ENABLE_ERROR_RESPONSE), so are streaming widths below the
 * length and port I/O of another size than 1, 2 or 4 bytes
 * (TLM_BURST_ERROR_RESPONSE).  DMI is granted for RAM, between BAR
 * windows, while no device has work pending (a DMA in flight writes RAM
 * behind a DMI pointer's back); it is revoked when that changes.
 *
 * Devices bind to config, bar and dma like any target and initiator (a
 * device's three in the same order as the others'); before the simulation
 * starts the host asks each config binding whether a C-model function is
 * behind it (pci_function_link.h) and puts it on its bus.  The devices'
 * work runs in a thread process: it sends DMA data with b_transport.
 */
#ifndef EDU_TLM_PCI_HOST_TLM_H
#define EDU_TLM_PCI_HOST_TLM_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "edu_tlm.h"
#include "fw_calls.h"
#include "pci_clock.h"
#include "pci_function_link.h"
#include "timed_queue.h"

extern "C" {
#include "edu/host.h"
}

/* Marks a payload on pci_host_tlm::cpu as port I/O (address: the port). */
class pci_io_extension : public tlm::tlm_extension<pci_io_extension>
{
  public:
    tlm::tlm_extension_base *clone() const override
    {
        return new pci_io_extension(*this);
    }
    void copy_from(const tlm::tlm_extension_base &) override
    {
    }
};

struct pci_host_config {
    uint64_t ram_size = 0;     /* 0: HOST_RAM_SIZE_DEFAULT; = ram_tlm's */
    unsigned clock_ns = 0;     /* 0: EDU_CLOCK_NS_DEFAULT */
    EduLogFn log_fn = nullptr; /* NULL: edu_log_stderr */
    void *log_opaque = nullptr;
    bool quiet = false; /* guest errors counted, not reported */
};

class pci_host_tlm : public sc_core::sc_module
{
  public:
    template <typename M>
    using initiators =
        tlm_utils::multi_passthrough_initiator_socket_optional<M>;
    template <typename M>
    using targets = tlm_utils::multi_passthrough_target_socket_optional<M>;

    tlm::tlm_target_socket<> cpu;
    initiators<pci_host_tlm> config;
    initiators<pci_host_tlm> bar;
    targets<pci_host_tlm> dma;
    tlm_utils::simple_initiator_socket<pci_host_tlm> ram;
    sc_core::sc_out<bool> inta;

    SC_HAS_PROCESS(pci_host_tlm);
    /* Throws std::bad_alloc when the C model cannot be had. */
    pci_host_tlm(const sc_core::sc_module_name &name,
                 const pci_host_config &cfg = pci_host_config());
    ~pci_host_tlm() override;
    pci_host_tlm(const pci_host_tlm &) = delete;
    pci_host_tlm &operator=(const pci_host_tlm &) = delete;

    /* The C model behind the sockets (host_log(), host_now(), ...). */
    Host *host() const
    {
        return m_host;
    }

    /* The kernel's time, inline (sc_time_stamp() is a library call, and
     * this is asked on every transaction). */
    const sc_core::sc_time &kernel_time() const
    {
        return simcontext()->time_stamp();
    }

    /* Time: clock k starts at k clock periods (pci_clock.h). */
    const pci_clock &clock() const
    {
        return m_clk;
    }
    const sc_core::sc_time &clock_period() const
    {
        return m_clk.period();
    }
    sc_core::sc_time time_of(uint64_t clock) const
    {
        return m_clk.time_of(clock);
    }
    /* The first clock edge at or after t. */
    uint64_t clock_at(const sc_core::sc_time &t) const
    {
        return m_clk.clock_at(t);
    }
    /* A delay from the kernel's time to 'clock' (zero if that is past). */
    sc_core::sc_time delay_to(uint64_t clock) const
    {
        return m_clk.delay_from(kernel_time(), clock);
    }
    /* The clock the kernel is in. */
    uint64_t kernel_clock() const
    {
        return m_clk.clock_in(kernel_time());
    }

    /* The C model's clock moves on to 't' (a CPU's time) and the devices
     * do their work up to it. */
    void catch_up(const sc_core::sc_time &t);
    /* The devices' next pending work as the CPU sees it at 'now' (after
     * catching up with it), or PCI_NO_EVENT. */
    uint64_t next_event(const sc_core::sc_time &now);
    /* Grant DMI for RAM (on by default); off also stops using DMI to RAM. */
    void set_dmi(bool on);
    /* Waveforms: pci_inta_n and the transaction marker (docs/tlm.md). */
    void trace_signals(sc_core::sc_trace_file *tf);
    /* State changes reported for a clock the kernel had passed (never
     * expected; the tests check it stays 0). */
    unsigned long late_changes() const
    {
        return m_late;
    }

  private:
    struct marker {
        uint32_t cmd;
        uint64_t addr;
    };

    /* cpu */
    void cpu_b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    void cpu_io(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    unsigned long cpu_begin(const sc_core::sc_time &delay);
    void cpu_end(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay,
                 unsigned long aborts);
    unsigned int cpu_transport_dbg(tlm::tlm_generic_payload &gp);
    bool cpu_get_direct_mem_ptr(tlm::tlm_generic_payload &gp,
                                tlm::tlm_dmi &dmi);
    /* dma */
    void dma_b_transport(int id, tlm::tlm_generic_payload &gp,
                         sc_core::sc_time &delay);
    /* ram */
    void ram_invalidate(sc_dt::uint64 start, sc_dt::uint64 end);

    /* The C model's port (static trampolines to the members below). */
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
    static void trace_hook(void *opaque, const PciTxn *txn);

    sc_core::sc_time delay_from(const sc_core::sc_time &stamp,
                                uint64_t clock) const
    {
        return m_clk.delay_from(stamp, clock);
    }
    /* Inside a CPU transaction, the delay of a clock at or after its
     * first: that one's delay and whole periods, without converting. */
    __attribute__((always_inline)) sc_core::sc_time
    cpu_delay(uint64_t clock) const
    {
        const uint64_t k = clock - m_t0;

        if (__builtin_expect(k >= n_periods, 0)) {
            return delay_from(m_stamp, clock);
        }
        const sc_core::sc_time d = m_d0 + m_periods[k];

        /* The target converts it back: keep the answer at hand. */
        m_clk.remember(m_stamp.value() + d.value(), clock);
        return d;
    }
    void advance_to(uint64_t clock);
    bool device_access(int id, tlm::tlm_command cmd, uint64_t addr,
                       uint8_t *data, unsigned len, uint64_t now, bool cfg);
    /* Whether [addr, addr + len) is RAM the CPU may have a DMI pointer to
     * (the region is looked up again only when the CPU leaves it). */
    bool dmi_hint(uint64_t addr, unsigned len)
    {
        if (!m_region_valid || addr < m_region_first || addr > m_region_last) {
            m_region =
                host_mem_region(m_host, addr, &m_region_first, &m_region_last);
            m_region_valid = true;
        }
        return m_region == HOST_REGION_RAM && len - 1 <= m_region_last - addr;
    }
    void ram_access(bool write, uint64_t addr, uint8_t *buf, size_t len);
    void port_error(const std::string &what);
    void report_port_error()
    {
        if (__builtin_expect(!m_port_error.empty(), 0)) {
            report_port_error_now();
        }
    }
    void report_port_error_now();
    /* After a CPU access: a configuration write may move a BAR over RAM,
     * pending device work may write RAM: either way a DMI pointer would
     * be wrong.  And the devices' work, if any, is due in the kernel. */
    void after_cpu_access(bool may_remap)
    {
        if (m_cpu_dmi_granted &&
            (may_remap || m_bus->next_event != PCI_NO_EVENT)) {
            revoke_dmi();
        }
        schedule_run();
    }
    void revoke_dmi();
    /* The devices' work happens when the kernel reaches its clock (unless
     * a CPU access ahead in its quantum made the C model do it earlier). */
    void schedule_run()
    {
        const uint64_t next = m_bus->next_event;

        if (next < m_run_at) {
            m_run_at = next;
            m_run_ev.notify(delay_to(next));
        }
    }
    void start_of_simulation() override;
    void join_devices();
    void run_devices();    /* SC_THREAD: the devices' work, in time */
    void update_signals(); /* SC_METHOD: INTA#, the marker */
    void schedule_update();

  public:
    /* The interface bound to 'cpu': cpu_tlm finds it behind its socket
     * and calls it directly (fw_calls.h). */
    using cpu_interface = fw_calls<pci_host_tlm, &pci_host_tlm::cpu_b_transport,
                                   &pci_host_tlm::cpu_transport_dbg,
                                   &pci_host_tlm::cpu_get_direct_mem_ptr>;

  private:
    cpu_interface m_cpu_fw;
    Host *m_host;
    PciBus *m_bus;
    unsigned long m_aborts; /* host_master_aborts() after the last access */
    uint64_t m_now;         /* host_now(): only this module moves it */
    pci_clock m_clk;
    /* Built once: k clock periods, for the delays inside a transaction. */
    static constexpr unsigned n_periods = 64;
    sc_core::sc_time m_periods[n_periods];
    /* The CPU transaction being carried: the kernel's time when it came,
     * its first clock and the delay of that clock. */
    sc_core::sc_time m_stamp;
    uint64_t m_t0;
    sc_core::sc_time m_d0;
    /* The last memory region the CPU touched (host_mem_region), for the
     * DMI hint; forgotten on port writes (BARs move by configuration). */
    bool m_region_valid;
    HostRegion m_region;
    uint64_t m_region_first;
    uint64_t m_region_last;

    /* By socket index: the function behind it and its link, and what
     * each 'config' and 'bar' socket is bound to (found at the start of
     * the simulation). */
    std::vector<pci_function_link *> m_links;
    std::vector<PciFunction *> m_fns;
    std::vector<tlm::tlm_fw_transport_if<> *> m_config_if;
    std::vector<tlm::tlm_fw_transport_if<> *> m_bar_if;
    /* Where that is an edu_tlm's own interface (no checker in between):
     * called directly, inlined, on every register access.  An
     * optimisation only, one way: the device knows nothing of the host. */
    std::vector<edu_tlm::config_interface *> m_config_edu;
    std::vector<edu_tlm::bar_interface *> m_bar_edu;
    int m_index[256];      /* socket index by devfn, or -1 */
    PciFunction *m_master; /* whose bus-master data is on its way */

    tlm::tlm_generic_payload m_dev_gp; /* config and bar */
    tlm::tlm_generic_payload m_ram_gp;
    sc_core::sc_time m_ram_delay; /* of the access reaching RAM */
    bool m_use_dmi;
    tlm::tlm_dmi m_ram_dmi;
    bool m_ram_dmi_valid;
    bool m_cpu_dmi_granted;

    sc_core::sc_event m_run_ev;
    uint64_t m_run_at; /* the clock m_run_ev is due, or PCI_NO_EVENT */
    sc_core::sc_event m_update_ev;
    timed_queue<bool> m_intx_q;
    timed_queue<marker> m_marker_q;
    sc_core::sc_signal<bool> m_inta_n;
    sc_core::sc_signal<uint32_t> m_txn;
    sc_core::sc_signal<sc_dt::sc_uint<4>> m_cmd;
    sc_core::sc_signal<uint32_t> m_addr;
    unsigned long m_late;
    std::string m_port_error;
};

/* Instantiated in pci_host_tlm.cpp only, where the transport functions
 * can be inlined into it. */
extern template class fw_calls<pci_host_tlm, &pci_host_tlm::cpu_b_transport,
                               &pci_host_tlm::cpu_transport_dbg,
                               &pci_host_tlm::cpu_get_direct_mem_ptr>;

#endif /* EDU_TLM_PCI_HOST_TLM_H */

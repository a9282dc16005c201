/*
 * cpu_tlm: the CPU side of the platform, a blocking initiator with a
 * quantum keeper, driven from outside the kernel.
 */
#include "cpu_tlm.h"

#include <cstring>

using sc_core::sc_time;
using tlm::tlm_generic_payload;
using tlm::tlm_response_status;

/* Outside any process (the shim's case) the kernel is run up to the CPU's
 * time and through the delta cycles at it, so that everything due by then
 * has happened; inside a thread process this is the usual wait(). */
void cpu_tlm::quantumkeeper::sync()
{
    const sc_time local = get_local_time();

    if (sc_core::sc_get_curr_process_kind() != sc_core::SC_NO_PROC_) {
        tlm_utils::tlm_quantumkeeper::sync();
        return;
    }
    if (local != sc_core::SC_ZERO_TIME) {
        sc_core::sc_start(local);
    }
    while (sc_core::sc_pending_activity_at_current_time()) {
        sc_core::sc_start(sc_core::SC_ZERO_TIME);
    }
    reset();
}

cpu_tlm::cpu_tlm(const sc_core::sc_module_name &name)
    : sc_core::sc_module(name), bus("bus"), m_host_if(nullptr),
      m_qk(simcontext()), m_use_qk(true), m_use_dmi(true), m_dmi_valid(false),
      m_dmi_accesses(0)
{
    bus.register_invalidate_direct_mem_ptr(this,
                                           &cpu_tlm::invalidate_direct_mem_ptr);
    m_io_gp.set_extension(new pci_io_extension);
    m_qk.reset();
}

void cpu_tlm::start_of_simulation()
{
    m_host_if = fw_calls_behind<pci_host_tlm::cpu_interface>(bus.operator->());
}

inline tlm_response_status cpu_tlm::transport(tlm_generic_payload &gp)
{
    sc_time local = m_qk.get_local_time();

    fw_b_transport(m_host_if, bus.operator->(), gp, local);
    m_qk.set(local);
    if (!m_use_qk || m_qk.need_sync()) {
        m_qk.sync();
    }
    return gp.get_response_status();
}

/* Flattened: the host's b_transport, where it is called directly, is
 * inlined here, where the payload's attributes are known (its checks fold
 * away); the C model's access stays one call (host_cpu.c). */
__attribute__((flatten)) tlm_response_status
cpu_tlm::mem(bool write, uint64_t addr, uint8_t *data, unsigned len)
{
    tlm_generic_payload &gp = m_mem_gp;
    tlm_response_status status;

    if (m_dmi_valid && len && addr >= m_dmi.get_start_address() &&
        addr <= m_dmi.get_end_address() &&
        len - 1 <= m_dmi.get_end_address() - addr &&
        (write ? m_dmi.is_write_allowed() : m_dmi.is_read_allowed())) {
        uint8_t *p = m_dmi.get_dmi_ptr() + (addr - m_dmi.get_start_address());

        if (write) {
            std::memcpy(p, data, len);
        } else {
            std::memcpy(data, p, len);
        }
        m_dmi_accesses++;
        m_qk.inc(write ? m_dmi.get_write_latency() : m_dmi.get_read_latency());
        if (!m_use_qk || m_qk.need_sync()) {
            m_qk.sync();
        }
        return tlm::TLM_OK_RESPONSE;
    }
    gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    gp.set_address(addr);
    gp.set_data_ptr(data);
    gp.set_data_length(len);
    gp.set_streaming_width(len);
    /* Reused: what a target may set is set again (14.16, 14.17; byte
     * enables are never set in this one). */
    gp.set_dmi_allowed(false);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    status = transport(gp);
    if (m_use_dmi && !m_dmi_valid && gp.is_dmi_allowed()) {
        m_dmi.init(); /* reused: as new for every request (11.2.5) */
        m_dmi_valid = bus->get_direct_mem_ptr(gp, m_dmi);
    }
    return status;
}

tlm_response_status cpu_tlm::io(bool write, uint16_t port, uint8_t *data,
                                unsigned len)
{
    tlm_generic_payload &gp = m_io_gp;

    gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    gp.set_address(port);
    gp.set_data_ptr(data);
    gp.set_data_length(len);
    gp.set_streaming_width(len);
    gp.set_byte_enable_ptr(nullptr);
    gp.set_dmi_allowed(false);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    return transport(gp);
}

void cpu_tlm::advance(const sc_time &t)
{
    m_qk.inc(t);
    if (!m_use_qk || m_qk.need_sync()) {
        m_qk.sync();
    }
}

void cpu_tlm::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end)
{
    if (m_dmi_valid && start <= m_dmi.get_end_address() &&
        end >= m_dmi.get_start_address()) {
        m_dmi_valid = false;
    }
}

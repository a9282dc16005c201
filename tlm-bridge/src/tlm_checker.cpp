/*
 * tlm_checker: the base protocol's rules on one binding, checked as the
 * calls go through (tlm_checker.h lists them).
 */
#include "tlm_checker.h"

#include <algorithm>
#include <cstring>

using sc_core::sc_time;
using tlm::tlm_generic_payload;

namespace
{

/* The bytes a snapshot copies (a DMA moves at most 4 KiB; a CPU buffer
 * access may be larger: then only its first bytes are compared). */
constexpr unsigned max_copy = 64 * 1024;

std::string hex(uint64_t v)
{
    char buf[24];

    std::snprintf(buf, sizeof(buf), "0x%llx",
                  static_cast<unsigned long long>(v));
    return buf;
}

} // namespace

void tlm_rule_log::violation(const std::string &where, const std::string &rule)
{
    m_count++;
    if (m_messages.size() < max_messages) {
        const std::string msg = where + ": " + rule;

        m_messages.push_back(msg);
        SC_REPORT_WARNING("tlm_checker", msg.c_str());
    }
}

tlm_checker::tlm_checker(const sc_core::sc_module_name &name, tlm_rule_log &log)
    : sc_core::sc_module(name), in("in"), out("out"), m_log(log),
      m_violations(0), m_depth(0)
{
    in.bind(*this);
    out.bind(*this);
}

void tlm_checker::violation(const char *call, const std::string &rule)
{
    m_violations++;
    m_log.violation(std::string(name()) + ": " + call, rule);
}

void tlm_checker::take(const tlm_generic_payload &gp, snapshot &s, bool data)
{
    s.cmd = gp.get_command();
    s.addr = gp.get_address();
    s.data = gp.get_data_ptr();
    s.len = gp.get_data_length();
    s.be = gp.get_byte_enable_ptr();
    s.be_len = gp.get_byte_enable_length();
    s.width = gp.get_streaming_width();
    s.write_data.clear();
    s.be_data.clear();
    if (data && s.cmd == tlm::TLM_WRITE_COMMAND && s.data) {
        s.write_data.assign(s.data, s.data + std::min(s.len, max_copy));
    }
    if (data && s.be) {
        s.be_data.assign(s.be, s.be + std::min(s.be_len, max_copy));
    }
}

void tlm_checker::compare(const char *call, const tlm_generic_payload &gp,
                          const snapshot &s)
{
    if (gp.get_command() != s.cmd) {
        violation(
            call,
            "the callee changed the command (modifiability of attributes)");
    }
    if (gp.get_address() != s.addr) {
        violation(call, "the callee changed the address " + hex(s.addr) +
                            " to " + hex(gp.get_address()) +
                            " (modifiability of attributes)");
    }
    if (gp.get_data_ptr() != s.data) {
        violation(call, "the callee changed the data pointer (modifiability of "
                        "attributes)");
    }
    if (gp.get_data_length() != s.len) {
        violation(
            call,
            "the callee changed the data length (modifiability of attributes)");
    }
    if (gp.get_byte_enable_ptr() != s.be ||
        gp.get_byte_enable_length() != s.be_len) {
        violation(call, "the callee changed the byte enables (modifiability of "
                        "attributes)");
    }
    if (gp.get_streaming_width() != s.width) {
        violation(call, "the callee changed the streaming width (modifiability "
                        "of attributes)");
    }
    if (!s.write_data.empty() && gp.get_data_ptr() == s.data &&
        std::memcmp(s.data, s.write_data.data(), s.write_data.size()) != 0) {
        violation(call, "the callee changed the data of a write (modifiability "
                        "of attributes)");
    }
    if (!s.be_data.empty() && gp.get_byte_enable_ptr() == s.be &&
        std::memcmp(s.be, s.be_data.data(), s.be_data.size()) != 0) {
        violation(call, "the callee changed the byte enable array "
                        "(modifiability of attributes)");
    }
}

void tlm_checker::b_transport(tlm_generic_payload &gp, sc_time &delay)
{
    static const char call[] = "b_transport";

    if (sc_core::sc_get_curr_process_kind() == sc_core::SC_METHOD_PROC_) {
        violation(call, "called from a method process (11.1.1.4 b): a "
                        "target may wait");
    }
    if (gp.get_response_status() != tlm::TLM_INCOMPLETE_RESPONSE) {
        violation(
            call,
            "sent with response status " + gp.get_response_string() +
                ", not TLM_INCOMPLETE_RESPONSE (response status attribute)");
    }
    if (gp.is_dmi_allowed()) {
        violation(call, "sent with the DMI hint set (14.16: the initiator "
                        "resets it before reuse)");
    }
    if (gp.get_byte_enable_ptr() && gp.get_byte_enable_length() == 0) {
        violation(
            call,
            "byte enables with a length of 0 (byte enable length attribute)");
    }
    if (m_snap.size() <= m_depth) {
        m_snap.resize(m_depth + 1);
    }
    take(gp, m_snap[m_depth], true);
    m_depth++;
    out->b_transport(gp, delay);
    m_depth--;
    if (gp.get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE) {
        violation(call, "returned with TLM_INCOMPLETE_RESPONSE (the target "
                        "sets a response status)");
    }
    compare(call, gp, m_snap[m_depth]);
}

tlm::tlm_sync_enum tlm_checker::nb_transport_fw(tlm_generic_payload &gp,
                                                tlm::tlm_phase &phase,
                                                sc_time &delay)
{
    return out->nb_transport_fw(gp, phase, delay);
}

bool tlm_checker::get_direct_mem_ptr(tlm_generic_payload &gp, tlm::tlm_dmi &dmi)
{
    static const char call[] = "get_direct_mem_ptr";
    const uint64_t addr = gp.get_address();
    const tlm::tlm_command cmd = gp.get_command();
    bool granted;

    if (dmi.get_dmi_ptr() || dmi.get_start_address() != 0 ||
        dmi.get_end_address() != ~static_cast<sc_dt::uint64>(0) ||
        dmi.get_granted_access() != tlm::tlm_dmi::DMI_ACCESS_NONE ||
        dmi.get_read_latency() != sc_core::SC_ZERO_TIME ||
        dmi.get_write_latency() != sc_core::SC_ZERO_TIME) {
        violation(call, "asked with a descriptor not in its initial state "
                        "(11.2.5: tlm_dmi::init() before each request)");
    }
    granted = out->get_direct_mem_ptr(gp, dmi);
    if (gp.get_address() != addr || gp.get_command() != cmd) {
        violation(call, "the callee changed the address or command "
                        "(modifiability of attributes)");
    }
    if (addr < dmi.get_start_address() || addr > dmi.get_end_address()) {
        violation(call, "the region [" + hex(dmi.get_start_address()) + ", " +
                            hex(dmi.get_end_address()) +
                            "] does not hold the address " + hex(addr) +
                            " (11.2.5)");
    }
    if (granted && (!dmi.get_dmi_ptr() || dmi.get_granted_access() ==
                                              tlm::tlm_dmi::DMI_ACCESS_NONE)) {
        violation(call, "granted without a pointer or any access (11.2.5)");
    }
    if (!granted && dmi.get_granted_access() != tlm::tlm_dmi::DMI_ACCESS_NONE) {
        violation(call, "refused with access granted (11.2.5)");
    }
    return granted;
}

unsigned int tlm_checker::transport_dbg(tlm_generic_payload &gp)
{
    static const char call[] = "transport_dbg";
    snapshot s;
    unsigned int n;

    take(gp, s, false);
    n = out->transport_dbg(gp);
    if (n > s.len) {
        violation(call, "more bytes transferred than the data length (debug "
                        "transport interface)");
    }
    if (gp.get_command() != s.cmd || gp.get_address() != s.addr ||
        gp.get_data_ptr() != s.data || gp.get_data_length() != s.len) {
        violation(call, "the callee changed the command, address, data "
                        "pointer or length (debug transport interface)");
    }
    return n;
}

tlm::tlm_sync_enum tlm_checker::nb_transport_bw(tlm_generic_payload &gp,
                                                tlm::tlm_phase &phase,
                                                sc_time &delay)
{
    return in->nb_transport_bw(gp, phase, delay);
}

void tlm_checker::invalidate_direct_mem_ptr(sc_dt::uint64 start,
                                            sc_dt::uint64 end)
{
    if (start > end) {
        violation("invalidate_direct_mem_ptr",
                  "start above end (invalidate_direct_mem_ptr)");
    }
    in->invalidate_direct_mem_ptr(start, end);
}

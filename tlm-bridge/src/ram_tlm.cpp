/*
 * ram_tlm: host RAM behind b_transport, transport_dbg and DMI.
 */
#include "ram_tlm.h"

#include <cstring>
#include <new>

#include <sys/mman.h>

extern "C" {
#include "edu/host.h"
}

ram_tlm::ram_tlm(const sc_core::sc_module_name &name, uint64_t size,
                 void *external)
    : sc_core::sc_module(name), mem("mem"), m_data(nullptr),
      m_size(size ? size : HOST_RAM_SIZE_DEFAULT), m_external(external)
{
    /* Page-aligned, zero-filled, backed only where it is touched. */
    void *p = external              ? external
              : m_size <= SIZE_MAX ? mmap(nullptr, m_size, PROT_READ | PROT_WRITE,
                                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                                   : MAP_FAILED;

    if (p == MAP_FAILED) {
        throw std::bad_alloc();
    }
    m_data = static_cast<uint8_t *>(p);
    mem.register_b_transport(this, &ram_tlm::b_transport);
    mem.register_transport_dbg(this, &ram_tlm::transport_dbg);
    mem.register_get_direct_mem_ptr(this, &ram_tlm::get_direct_mem_ptr);
}

ram_tlm::~ram_tlm()
{
    if (!m_external) {
        munmap(m_data, m_size);
    }
}

bool ram_tlm::read(uint64_t addr, void *buf, size_t len) const
{
    if (!in_range(addr, len)) {
        return false;
    }
    std::memcpy(buf, m_data + addr, len);
    return true;
}

bool ram_tlm::write(uint64_t addr, const void *buf, size_t len)
{
    if (!in_range(addr, len)) {
        return false;
    }
    std::memcpy(m_data + addr, buf, len);
    return true;
}

void ram_tlm::b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay)
{
    const uint64_t addr = gp.get_address();
    const unsigned int len = gp.get_data_length();
    const unsigned char *be = gp.get_byte_enable_ptr();
    const unsigned int be_len = gp.get_byte_enable_length();
    unsigned char *data = gp.get_data_ptr();
    uint8_t *ram;

    (void)delay; /* no time of its own: the bus books it */
    if (!in_range(addr, len)) {
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    ram = m_data + addr;
    if (gp.get_streaming_width() < len) {
        gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    if (be && be_len == 0) {
        gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    switch (gp.get_command()) {
    case tlm::TLM_READ_COMMAND:
        if (!be) {
            std::memcpy(data, ram, len);
        } else {
            for (unsigned int i = 0; i < len; i++) {
                if (be[i % be_len] == TLM_BYTE_ENABLED) {
                    data[i] = ram[i];
                }
            }
        }
        break;
    case tlm::TLM_WRITE_COMMAND:
        if (!be) {
            std::memcpy(ram, data, len);
        } else {
            for (unsigned int i = 0; i < len; i++) {
                if (be[i % be_len] == TLM_BYTE_ENABLED) {
                    ram[i] = data[i];
                }
            }
        }
        break;
    case tlm::TLM_IGNORE_COMMAND:
        break;
    }
    gp.set_dmi_allowed(true);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int ram_tlm::transport_dbg(tlm::tlm_generic_payload &gp)
{
    const uint64_t addr = gp.get_address();
    uint64_t len = gp.get_data_length();

    if (addr >= m_size) {
        return 0;
    }
    if (len > m_size - addr) {
        len = m_size - addr;
    }
    if (gp.is_read()) {
        std::memcpy(gp.get_data_ptr(), m_data + addr, len);
    } else if (gp.is_write()) {
        std::memcpy(m_data + addr, gp.get_data_ptr(), len);
    } else {
        return 0;
    }
    return static_cast<unsigned int>(len);
}

bool ram_tlm::get_direct_mem_ptr(tlm::tlm_generic_payload &gp,
                                 tlm::tlm_dmi &dmi)
{
    dmi.init();
    if (gp.get_address() >= m_size) {
        /* Nothing past the end: refused there, up to the top. */
        dmi.set_start_address(m_size);
        dmi.set_end_address(~static_cast<sc_dt::uint64>(0));
        return false;
    }
    dmi.set_dmi_ptr(m_data);
    dmi.set_start_address(0);
    dmi.set_end_address(m_size - 1);
    dmi.allow_read_write();
    dmi.set_read_latency(sc_core::SC_ZERO_TIME);
    dmi.set_write_latency(sc_core::SC_ZERO_TIME);
    return true;
}

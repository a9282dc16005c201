/*
 * ram_tlm: host RAM as a TLM-2.0 target (loosely timed).
 *
 * A block of zero-filled memory at address 0 of its socket: b_transport
 * with byte enables, transport_dbg, and DMI for the whole block (read and
 * write, no latency).  It takes no time of its own: the PCI bus books the
 * clocks of every transaction that reaches it (docs/tlm.md).  Not modelled:
 * streaming (a streaming width below the length is a burst error).
 */
#ifndef EDU_TLM_RAM_TLM_H
#define EDU_TLM_RAM_TLM_H

#include <cstddef>
#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

class ram_tlm : public sc_core::sc_module
{
  public:
    tlm_utils::simple_target_socket<ram_tlm> mem;

    /* 'size' bytes (0: HOST_RAM_SIZE_DEFAULT); throws std::bad_alloc when
     * the memory cannot be had.  'external' set: the RAM is those size
     * bytes, the caller's (EduPlatformConfig.ram), never unmapped here. */
    ram_tlm(const sc_core::sc_module_name &name, uint64_t size,
            void *external = nullptr);
    ~ram_tlm() override;
    ram_tlm(const ram_tlm &) = delete;
    ram_tlm &operator=(const ram_tlm &) = delete;

    uint64_t size() const
    {
        return m_size;
    }
    /* Loader access (no transaction, no time): false outside the RAM. */
    bool read(uint64_t addr, void *buf, size_t len) const;
    bool write(uint64_t addr, const void *buf, size_t len);

  private:
    void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    unsigned int transport_dbg(tlm::tlm_generic_payload &gp);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi);
    bool in_range(uint64_t addr, uint64_t len) const
    {
        return addr <= m_size && len <= m_size - addr;
    }

    uint8_t *m_data;
    uint64_t m_size;
    bool m_external; /* the caller's RAM: never unmapped */
};

#endif /* EDU_TLM_RAM_TLM_H */

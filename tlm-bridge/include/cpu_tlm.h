/*
 * cpu_tlm: a blocking, loosely-timed CPU initiator driven from outside
 * the kernel (the C shim, a benchmark, a test).
 *
 * Each access is one b_transport on 'bus' (to pci_host_tlm::cpu) at the
 * CPU's local time, or a copy through a DMI pointer where the bus granted
 * one.  A tlm_quantumkeeper holds the local time: the CPU runs ahead of the
 * kernel by up to the global quantum, and when it has to sync it lets the
 * kernel catch up with it (sc_start for the local time, then the delta
 * cycles at that time) - from inside a thread process it waits instead.
 * The C model gives the same answers and clocks whatever the quantum: the
 * quantum only decides how often the kernel runs (docs/tlm.md).
 */
#ifndef EDU_TLM_CPU_TLM_H
#define EDU_TLM_CPU_TLM_H

#include <cstddef>
#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "pci_host_tlm.h"

class cpu_tlm : public sc_core::sc_module
{
  public:
    tlm_utils::simple_initiator_socket<cpu_tlm> bus;

    explicit cpu_tlm(const sc_core::sc_module_name &name);
    cpu_tlm(const cpu_tlm &) = delete;
    cpu_tlm &operator=(const cpu_tlm &) = delete;

    /* Memory: any length, little-endian values in 'data'.  Port I/O: 1, 2
     * or 4 bytes.  The answer is the bus's response status. */
    tlm::tlm_response_status mem(bool write, uint64_t addr, uint8_t *data,
                                 unsigned len);
    tlm::tlm_response_status io(bool write, uint16_t port, uint8_t *data,
                                unsigned len);

    /* The CPU's time: the kernel's plus the local time. */
    sc_core::sc_time now() const
    {
        return m_qk.get_current_time();
    }
    /* Lets 't' pass (synchronising when the quantum is used up). */
    void advance(const sc_core::sc_time &t);
    /* Lets the kernel catch up with the CPU now. */
    void sync()
    {
        m_qk.sync();
    }

    /* Off: synchronise after every access (no temporal decoupling). */
    void set_quantum_keeper(bool on)
    {
        m_use_qk = on;
    }
    /* Off: every access through b_transport. */
    void set_dmi(bool on)
    {
        m_use_dmi = on;
        m_dmi_valid = false;
    }
    unsigned long dmi_accesses() const
    {
        return m_dmi_accesses;
    }

  private:
    /* tlm_quantumkeeper whose sync() also works outside any process. */
    class quantumkeeper : public tlm_utils::tlm_quantumkeeper
    {
      public:
        explicit quantumkeeper(sc_core::sc_simcontext *simc) : m_simc(simc)
        {
        }
        void sync() override;
        /* As the base class's, with the kernel's time read inline. */
        bool need_sync() const override
        {
            return m_simc->time_stamp() + m_local_time >= m_next_sync_point;
        }
        sc_core::sc_time get_current_time() const override
        {
            return m_simc->time_stamp() + m_local_time;
        }

      private:
        sc_core::sc_simcontext *m_simc;
    };

    void start_of_simulation() override;
    tlm::tlm_response_status transport(tlm::tlm_generic_payload &gp);
    void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);

    /* What 'bus' is bound to, where it is a pci_host_tlm (found at the
     * start of the simulation): called without the virtual call. */
    pci_host_tlm::cpu_interface *m_host_if;
    quantumkeeper m_qk;
    bool m_use_qk;
    bool m_use_dmi;
    tlm::tlm_generic_payload m_mem_gp;
    tlm::tlm_generic_payload m_io_gp; /* owns its pci_io_extension */
    tlm::tlm_dmi m_dmi;
    bool m_dmi_valid;
    unsigned long m_dmi_accesses;
};

#endif /* EDU_TLM_CPU_TLM_H */

/*
 * fw_calls: the forward interface behind a plain tlm_target_socket, calling
 * the module's member functions directly.
 *
 * What tlm_utils::simple_target_socket does for a loosely-timed target,
 * without its run-time dispatch (a test of the registered callback and a
 * call through a member pointer on every transaction: on the register path
 * of this bridge that was a sixth of the cost).  The member functions are
 * template arguments, so each call is a direct one.  nb_transport_fw
 * completes a BEGIN_REQ at once through b_transport (the base protocol's
 * early completion); this bridge's initiators never use it.  Final: an
 * initiator that knows the concrete type (pci_host_tlm, for the edu
 * devices' sockets) calls it without virtual dispatch.
 */
#ifndef EDU_TLM_FW_CALLS_H
#define EDU_TLM_FW_CALLS_H

#include <systemc>
#include <tlm>

template <typename M,
          void (M::*B)(tlm::tlm_generic_payload &, sc_core::sc_time &),
          unsigned int (M::*D)(tlm::tlm_generic_payload &),
          bool (M::*P)(tlm::tlm_generic_payload &, tlm::tlm_dmi &)>
class fw_calls final : public tlm::tlm_fw_transport_if<>
{
  public:
    explicit fw_calls(M &m) : m_m(m)
    {
    }

    /* Flattened: the module's transport function (and what it calls) is
     * inlined, wherever this is instantiated or called directly. */
    __attribute__((flatten)) void b_transport(tlm::tlm_generic_payload &gp,
                                              sc_core::sc_time &delay) override
    {
        (m_m.*B)(gp, delay);
    }

    tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload &gp,
                                       tlm::tlm_phase &phase,
                                       sc_core::sc_time &delay) override
    {
        if (phase == tlm::BEGIN_REQ) {
            (m_m.*B)(gp, delay);
            phase = tlm::BEGIN_RESP;
        }
        return tlm::TLM_COMPLETED;
    }

    unsigned int transport_dbg(tlm::tlm_generic_payload &gp) override
    {
        return (m_m.*D)(gp);
    }

    bool get_direct_mem_ptr(tlm::tlm_generic_payload &gp,
                            tlm::tlm_dmi &dmi) override
    {
        return (m_m.*P)(gp, dmi);
    }

  private:
    M &m_m;
};

/* The fw_calls of type F that 'itf' (what an initiator socket is bound
 * to) is, or nullptr: looked up once, at the start of the simulation. */
template <typename F> F *fw_calls_behind(tlm::tlm_fw_transport_if<> *itf)
{
    return dynamic_cast<F *>(itf);
}

/* b_transport through 'direct' (a direct call, inlined) where the lookup
 * found it, else through the socket's interface 'itf'. */
template <typename F>
inline void fw_b_transport(F *direct, tlm::tlm_fw_transport_if<> *itf,
                           tlm::tlm_generic_payload &gp,
                           sc_core::sc_time &delay)
{
    if (direct) {
        direct->b_transport(gp, delay);
    } else {
        itf->b_transport(gp, delay);
    }
}

#endif /* EDU_TLM_FW_CALLS_H */

/*
 * tlm_checker: a pass-through module that checks the TLM-2.0 base
 * protocol (IEEE 1666-2011) on one binding, and counts what it finds.
 *
 *   initiator ---> [in] tlm_checker [out] ---> target
 *
 * Inserted inline, it forwards every call both ways unchanged and checks
 * the rules a caller and a callee of that binding must keep:
 *
 *   b_transport, called  from a thread process or from outside the
 *                        kernel, never from a method process (11.1.1.4 b);
 *                        with the response status TLM_INCOMPLETE_RESPONSE
 *                        and the DMI hint false (14.16), as a new or reset
 *                        payload has them; byte enables with a length when
 *                        there are any
 *   b_transport, return  a response status set; command, address, data
 *                        pointer, data length, byte enable pointer and
 *                        length, streaming width as they came, and the
 *                        data of a write and the byte enables untouched
 *                        (the modifiability of the payload's attributes)
 *   get_direct_mem_ptr   the descriptor as tlm_dmi::init() leaves it when
 *                        it is asked (11.2.5); on return the address asked
 *                        for inside [start, end]; a grant with a pointer
 *                        and some access, a refusal with none
 *   transport_dbg        no more bytes than the data length; command,
 *                        address, data pointer and length as they came
 *   invalidate           start <= end
 *
 * nb_transport goes through unchecked (the bridge's modules are blocking
 * and loosely timed).  Every violation is counted in a tlm_rule_log with
 * one message, naming the checker (so the binding) and the rule; the
 * first few are also reported as SystemC warnings.
 */
#ifndef EDU_TLM_TLM_CHECKER_H
#define EDU_TLM_TLM_CHECKER_H

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>

/* The violations of any number of checkers. */
class tlm_rule_log
{
  public:
    /* Messages kept (and reported as warnings); all are counted. */
    static constexpr size_t max_messages = 32;

    void violation(const std::string &where, const std::string &rule);
    unsigned long count() const
    {
        return m_count;
    }
    const std::vector<std::string> &messages() const
    {
        return m_messages;
    }
    /* The first message, or "" when there is none. */
    std::string first() const
    {
        return m_messages.empty() ? std::string() : m_messages.front();
    }

  private:
    unsigned long m_count = 0;
    std::vector<std::string> m_messages;
};

class tlm_checker : public sc_core::sc_module,
                    private tlm::tlm_fw_transport_if<>,
                    private tlm::tlm_bw_transport_if<>
{
  public:
    tlm::tlm_target_socket<> in;     /* bind the initiator here */
    tlm::tlm_initiator_socket<> out; /* and this to the target */

    tlm_checker(const sc_core::sc_module_name &name, tlm_rule_log &log);
    tlm_checker(const tlm_checker &) = delete;
    tlm_checker &operator=(const tlm_checker &) = delete;

    /* This checker's violations. */
    unsigned long violations() const
    {
        return m_violations;
    }

  private:
    /* What the caller handed over, to compare with on return. */
    struct snapshot {
        tlm::tlm_command cmd;
        uint64_t addr;
        unsigned char *data;
        unsigned int len;
        unsigned char *be;
        unsigned int be_len;
        unsigned int width;
        std::vector<unsigned char> write_data; /* a write's bytes */
        std::vector<unsigned char> be_data;
    };

    void b_transport(tlm::tlm_generic_payload &gp,
                     sc_core::sc_time &delay) override;
    tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload &gp,
                                       tlm::tlm_phase &phase,
                                       sc_core::sc_time &delay) override;
    bool get_direct_mem_ptr(tlm::tlm_generic_payload &gp,
                            tlm::tlm_dmi &dmi) override;
    unsigned int transport_dbg(tlm::tlm_generic_payload &gp) override;
    tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload &gp,
                                       tlm::tlm_phase &phase,
                                       sc_core::sc_time &delay) override;
    void invalidate_direct_mem_ptr(sc_dt::uint64 start,
                                   sc_dt::uint64 end) override;

    void take(const tlm::tlm_generic_payload &gp, snapshot &s, bool data);
    void compare(const char *call, const tlm::tlm_generic_payload &gp,
                 const snapshot &s);
    void violation(const char *call, const std::string &rule);

    tlm_rule_log &m_log;
    unsigned long m_violations;
    /* Reused (no allocation per transaction once grown); one per nesting
     * level, since a transaction may come back through its binding. */
    std::vector<snapshot> m_snap;
    unsigned m_depth;
};

#endif /* EDU_TLM_TLM_CHECKER_H */

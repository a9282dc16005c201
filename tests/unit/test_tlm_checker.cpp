/*
 * tlm_checker can fail: a target and an initiator that break the base
 * protocol on purpose, each break counted with its message; a well-behaved
 * pair gives none.
 */
#include <cstring>
#include <memory>
#include <string>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "tlm_checker.h"

/* Last: cmocka defines fail(), a name the C++ library uses. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
extern "C" {
#include <cmocka.h>
}

using sc_core::sc_time;
using tlm::tlm_generic_payload;

namespace
{

/* What the target does wrong. */
struct faults {
    bool leave_incomplete = false;
    bool change_address = false;
    bool change_write_data = false;
    bool grant_without_pointer = false;
    bool range_without_address = false;
};

class bad_target : public sc_core::sc_module
{
  public:
    tlm_utils::simple_target_socket<bad_target> socket;
    faults f;
    uint8_t mem[256] = {};

    explicit bad_target(const sc_core::sc_module_name &name)
        : sc_core::sc_module(name), socket("socket")
    {
        socket.register_b_transport(this, &bad_target::b_transport);
        socket.register_get_direct_mem_ptr(this, &bad_target::dmi);
    }

  private:
    void b_transport(tlm_generic_payload &gp, sc_time &delay)
    {
        (void)delay;
        if (gp.is_read()) {
            std::memcpy(gp.get_data_ptr(), mem + gp.get_address(),
                        gp.get_data_length());
        } else if (f.change_write_data) {
            gp.get_data_ptr()[0] ^= 1;
        }
        if (f.change_address) {
            gp.set_address(gp.get_address() + 4);
        }
        if (!f.leave_incomplete) {
            gp.set_response_status(tlm::TLM_OK_RESPONSE);
        }
    }

    bool dmi(tlm_generic_payload &gp, tlm::tlm_dmi &d)
    {
        (void)gp;
        d.set_start_address(f.range_without_address ? 0x1000 : 0);
        d.set_end_address(f.range_without_address ? 0x1fff : 0xff);
        if (f.grant_without_pointer) {
            return true;
        }
        d.set_dmi_ptr(mem);
        d.allow_read_write();
        return true;
    }
};

class initiator : public sc_core::sc_module
{
  public:
    tlm_utils::simple_initiator_socket<initiator> socket;
    tlm_generic_payload gp;
    uint8_t data[8] = {};
    bool from_method = false;

    SC_HAS_PROCESS(initiator);
    explicit initiator(const sc_core::sc_module_name &name)
        : sc_core::sc_module(name), socket("socket")
    {
        SC_METHOD(method);
        dont_initialize();
        sensitive << m_ev;
    }

    /* A fresh payload's attributes, as a well-behaved initiator sets them. */
    void prepare(tlm::tlm_command cmd, uint64_t addr)
    {
        gp.set_command(cmd);
        gp.set_address(addr);
        gp.set_data_ptr(data);
        gp.set_data_length(4);
        gp.set_streaming_width(4);
        gp.set_byte_enable_ptr(nullptr);
        gp.set_dmi_allowed(false);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    }

    void send()
    {
        sc_time delay = sc_core::SC_ZERO_TIME;

        socket->b_transport(gp, delay);
    }

    /* b_transport from a method process, 1 ns on (the kernel stops at
     * that time before it runs what is due there: see cpu_tlm.cpp). */
    void send_from_method()
    {
        const sc_time ns(1, sc_core::SC_NS);

        m_ev.notify(ns);
        sc_core::sc_start(ns);
        while (sc_core::sc_pending_activity_at_current_time()) {
            sc_core::sc_start(sc_core::SC_ZERO_TIME);
        }
    }

  private:
    void method()
    {
        prepare(tlm::TLM_READ_COMMAND, 0);
        send();
    }

    sc_core::sc_event m_ev;
};

/* initiator -> checker -> target in a simulation context of its own. */
struct bench {
    sc_core::sc_simcontext *base = nullptr;
    sc_core::sc_simcontext *ctx = nullptr;
    std::unique_ptr<tlm_rule_log> log;
    std::unique_ptr<initiator> ini;
    std::unique_ptr<tlm_checker> chk;
    std::unique_ptr<bad_target> tgt;

    bench()
    {
        base = sc_core::sc_curr_simcontext;
        ctx = new sc_core::sc_simcontext;
        sc_core::sc_curr_simcontext = ctx;
        sc_core::sc_default_global_context = ctx;
        sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING,
                                                sc_core::SC_DO_NOTHING);
        log = std::make_unique<tlm_rule_log>();
        ini = std::make_unique<initiator>("ini");
        chk = std::make_unique<tlm_checker>("chk", *log);
        tgt = std::make_unique<bad_target>("tgt");
        ini->socket.bind(chk->in);
        chk->out.bind(tgt->socket);
        sc_core::sc_start(sc_core::SC_ZERO_TIME);
    }

    ~bench()
    {
        tgt.reset();
        chk.reset();
        ini.reset();
        sc_core::sc_pending_activity_at_future_time(); /* see tlm_sim.cpp */
        delete ctx;
        sc_core::sc_curr_simcontext = base;
        sc_core::sc_default_global_context = base;
    }

    /* One violation, with 'words' in its message. */
    void expect_one(const char *words)
    {
        assert_int_equal(log->count(), 1);
        assert_int_equal(chk->violations(), 1);
        assert_non_null(std::strstr(log->first().c_str(), words));
        assert_non_null(std::strstr(log->first().c_str(), "chk"));
    }
};

int setup(void **state)
{
    *state = new bench;
    return 0;
}

int teardown(void **state)
{
    delete static_cast<bench *>(*state);
    return 0;
}

bench &b_of(void **state)
{
    return *static_cast<bench *>(*state);
}

void test_well_behaved_pair_gives_no_violation(void **state)
{
    bench &b = b_of(state);
    tlm::tlm_dmi dmi;

    for (unsigned i = 0; i < 10; i++) {
        b.ini->prepare(i & 1 ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND,
                       4 * i);
        b.ini->send();
        assert_int_equal(b.ini->gp.get_response_status(), tlm::TLM_OK_RESPONSE);
        dmi.init();
        assert_true(b.ini->socket->get_direct_mem_ptr(b.ini->gp, dmi));
    }
    assert_int_equal(b.log->count(), 0);
}

void test_response_left_incomplete_is_flagged(void **state)
{
    bench &b = b_of(state);

    b.tgt->f.leave_incomplete = true;
    b.ini->prepare(tlm::TLM_READ_COMMAND, 0);
    b.ini->send();
    b.expect_one("returned with TLM_INCOMPLETE_RESPONSE");
}

void test_address_changed_by_the_target_is_flagged(void **state)
{
    bench &b = b_of(state);

    b.tgt->f.change_address = true;
    b.ini->prepare(tlm::TLM_READ_COMMAND, 0);
    b.ini->send();
    b.expect_one("changed the address");
}

void test_write_data_changed_by_the_target_is_flagged(void **state)
{
    bench &b = b_of(state);

    b.tgt->f.change_write_data = true;
    b.ini->prepare(tlm::TLM_WRITE_COMMAND, 0);
    b.ini->send();
    b.expect_one("changed the data of a write");
}

void test_reused_payload_not_reset_is_flagged(void **state)
{
    bench &b = b_of(state);

    b.ini->prepare(tlm::TLM_READ_COMMAND, 0);
    b.ini->send();
    /* Sent again as it came back: status OK. */
    b.ini->send();
    b.expect_one("not TLM_INCOMPLETE_RESPONSE");
}

void test_dmi_hint_left_set_is_flagged(void **state)
{
    bench &b = b_of(state);

    b.ini->prepare(tlm::TLM_READ_COMMAND, 0);
    b.ini->gp.set_dmi_allowed(true);
    b.ini->send();
    b.expect_one("DMI hint set");
}

void test_dmi_descriptor_not_initialised_is_flagged(void **state)
{
    bench &b = b_of(state);
    tlm::tlm_dmi dmi;

    b.ini->prepare(tlm::TLM_READ_COMMAND, 0);
    assert_true(b.ini->socket->get_direct_mem_ptr(b.ini->gp, dmi));
    assert_int_equal(b.log->count(), 0);
    /* Reused as the last grant left it. */
    assert_true(b.ini->socket->get_direct_mem_ptr(b.ini->gp, dmi));
    b.expect_one("not in its initial state");
}

void test_dmi_grant_without_pointer_is_flagged(void **state)
{
    bench &b = b_of(state);
    tlm::tlm_dmi dmi;

    b.tgt->f.grant_without_pointer = true;
    b.ini->prepare(tlm::TLM_READ_COMMAND, 0);
    b.ini->socket->get_direct_mem_ptr(b.ini->gp, dmi);
    b.expect_one("granted without a pointer");
}

void test_dmi_region_without_the_address_is_flagged(void **state)
{
    bench &b = b_of(state);
    tlm::tlm_dmi dmi;

    b.tgt->f.range_without_address = true;
    b.ini->prepare(tlm::TLM_READ_COMMAND, 0x10);
    b.ini->socket->get_direct_mem_ptr(b.ini->gp, dmi);
    b.expect_one("does not hold the address");
}

void test_b_transport_from_a_method_is_flagged(void **state)
{
    bench &b = b_of(state);

    b.ini->send_from_method();
    b.expect_one("method process");
}

} // namespace

/* libsystemc wants one; this program has its own main (and uses no module
 * of the bridge that brings the weak one, pci_host_tlm.cpp). */
int sc_main(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    return 1;
}

int main()
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_well_behaved_pair_gives_no_violation, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_response_left_incomplete_is_flagged, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_address_changed_by_the_target_is_flagged, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_write_data_changed_by_the_target_is_flagged, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_reused_payload_not_reset_is_flagged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dmi_hint_left_set_is_flagged,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_dmi_descriptor_not_initialised_is_flagged, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_dmi_grant_without_pointer_is_flagged, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_dmi_region_without_the_address_is_flagged, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_b_transport_from_a_method_is_flagged, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

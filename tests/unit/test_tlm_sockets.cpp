/*
 * The TLM view's sockets, called directly (C++: a socket is a C++ object):
 * every path answers with a response status, b_transport adds the C
 * model's clocks to the delay, debug transport has no side effects, DMI is
 * granted for RAM and refused for registers, bus mastering gates DMA, and
 * INTA# follows the device.
 */
#include <cstring>
#include <memory>

#include "platform_tlm.h"

extern "C" {
#include "edu/pci_regs.h"
#include "edu/regs.h"
#include "edu/timing.h"
}

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

constexpr unsigned slot = 4;
constexpr uint32_t bar0 = 0xe0000000u;
constexpr uint64_t ram_a = 0x100000u;

/* A platform in a simulation context of its own, elaborated (as the C
 * shim builds one), mapped at bar0 with memory and bus mastering on. */
struct world {
    sc_core::sc_simcontext *base = nullptr;
    sc_core::sc_simcontext *ctx = nullptr;
    std::unique_ptr<platform_tlm> top;

    world()
    {
        platform_config pc;

        base = sc_core::sc_curr_simcontext;
        ctx = new sc_core::sc_simcontext;
        sc_core::sc_curr_simcontext = ctx;
        sc_core::sc_default_global_context = ctx;
        pc.quiet = true;
        top = std::make_unique<platform_tlm>("top", pc);
        sc_core::sc_start(sc_core::SC_ZERO_TIME);
        cfg_write(PCI_BASE_ADDRESS_0, bar0);
        cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    }

    ~world()
    {
        top.reset();
        sc_core::sc_pending_activity_at_future_time(); /* see tlm_sim.cpp */
        delete ctx;
        sc_core::sc_curr_simcontext = base;
        sc_core::sc_default_global_context = base;
    }

    void cfg_write(unsigned off, uint32_t val)
    {
        io(true, PCI_CONFIG_ADDRESS_PORT,
           PCI_CONFIG_ENABLE | PCI_DEVFN(slot, 0) << 8 | off);
        io(true, PCI_CONFIG_DATA_PORT, val);
    }

    uint32_t io(bool write, uint16_t port, uint32_t val = 0)
    {
        uint8_t b[4];

        std::memcpy(b, &val, 4);
        assert_int_equal(top->cpu.io(write, port, b, 4), tlm::TLM_OK_RESPONSE);
        std::memcpy(&val, b, 4);
        return val;
    }

    uint64_t mem(bool write, uint64_t addr, unsigned len, uint64_t val = 0)
    {
        uint8_t b[8];

        std::memcpy(b, &val, 8);
        assert_int_equal(top->cpu.mem(write, addr, b, len),
                         tlm::TLM_OK_RESPONSE);
        val = 0;
        std::memcpy(&val, b, len);
        return val;
    }

    edu_tlm &edu()
    {
        return *top->edu[0];
    }
};

int setup(void **state)
{
    *state = new world;
    return 0;
}

int teardown(void **state)
{
    delete static_cast<world *>(*state);
    return 0;
}

world &w_of(void **state)
{
    return *static_cast<world *>(*state);
}

struct payload {
    tlm_generic_payload gp;
    uint8_t data[64] = {};

    payload(tlm::tlm_command cmd, uint64_t addr, unsigned len)
    {
        gp.set_command(cmd);
        gp.set_address(addr);
        gp.set_data_ptr(data);
        gp.set_data_length(len);
        gp.set_streaming_width(len);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    }

    uint64_t value(unsigned len = 8) const
    {
        uint64_t v = 0;

        std::memcpy(&v, data, len);
        return v;
    }
};

tlm::tlm_response_status send(tlm::tlm_fw_transport_if<> &fw, payload &p)
{
    sc_time delay = sc_core::SC_ZERO_TIME;

    fw.b_transport(p.gp, delay);
    return p.gp.get_response_status();
}

/* --- response statuses ------------------------------------------------- */

void test_bar_answers_every_shape_with_a_status(void **state)
{
    world &w = w_of(state);
    tlm::tlm_fw_transport_if<> &bar = w.edu().bar.get_base_interface();
    unsigned char be[4] = {0xff, 0xff, 0xff, 0xff};

    payload ok(tlm::TLM_READ_COMMAND, EDU_REG_ID, 4);
    assert_int_equal(send(bar, ok), tlm::TLM_OK_RESPONSE);
    assert_int_equal(ok.value(4), EDU_ID_VALUE);

    payload wide(tlm::TLM_READ_COMMAND, EDU_REG_DMA_SRC, 8);
    assert_int_equal(send(bar, wide), tlm::TLM_OK_RESPONSE);

    payload small(tlm::TLM_READ_COMMAND, EDU_REG_ID, 2);
    assert_int_equal(send(bar, small), tlm::TLM_BURST_ERROR_RESPONSE);
    payload odd(tlm::TLM_READ_COMMAND, EDU_REG_ID, 3);
    assert_int_equal(send(bar, odd), tlm::TLM_BURST_ERROR_RESPONSE);
    payload burst(tlm::TLM_READ_COMMAND, EDU_REG_DMA_SRC, 16);
    assert_int_equal(send(bar, burst), tlm::TLM_BURST_ERROR_RESPONSE);
    payload stream(tlm::TLM_READ_COMMAND, EDU_REG_DMA_SRC, 8);
    stream.gp.set_streaming_width(4);
    assert_int_equal(send(bar, stream), tlm::TLM_BURST_ERROR_RESPONSE);
    payload enables(tlm::TLM_READ_COMMAND, EDU_REG_ID, 4);
    enables.gp.set_byte_enable_ptr(be);
    enables.gp.set_byte_enable_length(4);
    assert_int_equal(send(bar, enables), tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    payload skew(tlm::TLM_READ_COMMAND, EDU_REG_LIVENESS + 2, 4);
    assert_int_equal(send(bar, skew), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    payload past(tlm::TLM_WRITE_COMMAND, EDU_BAR0_SIZE, 4);
    assert_int_equal(send(bar, past), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    payload ignore(tlm::TLM_IGNORE_COMMAND, EDU_REG_ID, 4);
    assert_int_equal(send(bar, ignore), tlm::TLM_OK_RESPONSE);
    /* An 8-byte read below 0x80 is the device's answer (all ones), a
     * shape the BAR takes: OK. */
    payload narrow(tlm::TLM_READ_COMMAND, EDU_REG_ID, 8);
    assert_int_equal(send(bar, narrow), tlm::TLM_OK_RESPONSE);
    assert_int_equal(narrow.value(), UINT64_MAX);
}

void test_config_answers_every_shape_with_a_status(void **state)
{
    world &w = w_of(state);
    tlm::tlm_fw_transport_if<> &cfg = w.edu().config.get_base_interface();

    payload ok(tlm::TLM_READ_COMMAND, PCI_VENDOR_ID, 4);
    assert_int_equal(send(cfg, ok), tlm::TLM_OK_RESPONSE);
    assert_int_equal(ok.value(4), EDU_DEVICE_ID << 16 | EDU_VENDOR_ID);
    payload byte(tlm::TLM_READ_COMMAND, PCI_INTERRUPT_PIN, 1);
    assert_int_equal(send(cfg, byte), tlm::TLM_OK_RESPONSE);
    assert_int_equal(byte.value(1), EDU_INTERRUPT_PIN);
    payload odd(tlm::TLM_READ_COMMAND, 0, 3);
    assert_int_equal(send(cfg, odd), tlm::TLM_BURST_ERROR_RESPONSE);
    payload wide(tlm::TLM_READ_COMMAND, 0, 8);
    assert_int_equal(send(cfg, wide), tlm::TLM_BURST_ERROR_RESPONSE);
    payload past(tlm::TLM_READ_COMMAND, PCI_CONFIG_SIZE, 1);
    assert_int_equal(send(cfg, past), tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

void test_host_answers_every_shape_with_a_status(void **state)
{
    world &w = w_of(state);
    tlm::tlm_fw_transport_if<> &cpu = w.top->host.cpu.get_base_interface();
    unsigned char be[1] = {0xff};

    /* Memory nobody claims: a master abort, all ones. */
    payload none(tlm::TLM_READ_COMMAND, 0xd0000000u, 4);
    assert_int_equal(send(cpu, none), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    assert_int_equal(none.value(4), 0xffffffff);
    payload ram(tlm::TLM_READ_COMMAND, ram_a, 16);
    assert_int_equal(send(cpu, ram), tlm::TLM_OK_RESPONSE);
    payload reg(tlm::TLM_READ_COMMAND, bar0 + EDU_REG_ID, 4);
    assert_int_equal(send(cpu, reg), tlm::TLM_OK_RESPONSE);
    assert_int_equal(reg.value(4), EDU_ID_VALUE);
    payload enables(tlm::TLM_READ_COMMAND, ram_a, 1);
    enables.gp.set_byte_enable_ptr(be);
    enables.gp.set_byte_enable_length(1);
    assert_int_equal(send(cpu, enables), tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    payload stream(tlm::TLM_READ_COMMAND, ram_a, 8);
    stream.gp.set_streaming_width(4);
    assert_int_equal(send(cpu, stream), tlm::TLM_BURST_ERROR_RESPONSE);
    payload empty(tlm::TLM_READ_COMMAND, ram_a, 0);
    assert_int_equal(send(cpu, empty), tlm::TLM_BURST_ERROR_RESPONSE);

    /* Port I/O: 1, 2 or 4 bytes at a port up to 0xffff. */
    payload io8(tlm::TLM_READ_COMMAND, PCI_CONFIG_DATA_PORT, 8);
    io8.gp.set_extension(new pci_io_extension);
    assert_int_equal(send(cpu, io8), tlm::TLM_BURST_ERROR_RESPONSE);
    payload far(tlm::TLM_READ_COMMAND, 0x10000, 1);
    far.gp.set_extension(new pci_io_extension);
    assert_int_equal(send(cpu, far), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    payload port(tlm::TLM_READ_COMMAND, 0x80, 1); /* nobody's port */
    port.gp.set_extension(new pci_io_extension);
    assert_int_equal(send(cpu, port), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    assert_int_equal(port.value(1), 0xff);
    payload ignore(tlm::TLM_IGNORE_COMMAND, 0xd0000000u, 4);
    assert_int_equal(send(cpu, ignore), tlm::TLM_OK_RESPONSE);
}

/* --- time ---------------------------------------------------------------- */

/* b_transport adds the C model's clocks of each transaction (timing.h). */
void test_delay_grows_by_the_c_models_clocks(void **state)
{
    world &w = w_of(state);
    tlm::tlm_fw_transport_if<> &cpu = w.top->host.cpu.get_base_interface();
    const sc_time clock = w.top->host.clock_period();
    const sc_time start = w.top->cpu.now();
    struct {
        uint64_t addr;
        unsigned len;
        bool io;
        unsigned clocks;
    } steps[] = {
        {bar0 + EDU_REG_ID, 4, false, 4},      /* one data phase */
        {bar0 + EDU_REG_DMA_SRC, 8, false, 5}, /* two */
        {bar0 + EDU_REG_ID, 16, false, 5 + 5}, /* two 8-byte pieces */
        {ram_a, 64, false, 0},                 /* RAM: never on PCI */
        {0xd0000000u, 4, false, EDU_T_MASTER_ABORT},
        {PCI_CONFIG_ADDRESS_PORT, 4, true, 0}, /* the latch */
        {PCI_CONFIG_DATA_PORT, 4, true, 4},    /* a configuration read */
        {0x80, 1, true, EDU_T_MASTER_ABORT},
    };
    sc_time delay = start - sc_core::sc_time_stamp();

    for (const auto &s : steps) {
        payload p(tlm::TLM_READ_COMMAND, s.addr, s.len);
        const sc_time before = delay;

        if (s.io) {
            p.gp.set_extension(new pci_io_extension);
        }
        cpu.b_transport(p.gp, delay);
        assert_true(delay - before == clock * s.clocks);
    }
}

/* --- debug transport ------------------------------------------------------ */

/* A debug read of FACT or IRQ_STATUS while a factorial with its interrupt
 * runs changes nothing: the factorial ends and raises its interrupt at the
 * same clock, the bus and the C model's clock stay where they were. */
void test_debug_reads_change_nothing(void **state)
{
    world &w = w_of(state);
    tlm::tlm_fw_transport_if<> &bar = w.edu().bar.get_base_interface();
    tlm::tlm_fw_transport_if<> &cpu = w.top->host.cpu.get_base_interface();
    PciBus *bus = host_bus(w.top->host.host());
    EduState before;
    EduState after;
    uint64_t next;
    uint64_t now;
    uint64_t bus_free;

    /* Compared whole: the padding too. */
    std::memset(&before, 0, sizeof(before));
    std::memset(&after, 0, sizeof(after));
    w.mem(true, bar0 + EDU_REG_STATUS, 4, EDU_STATUS_IRQFACT);
    w.mem(true, bar0 + EDU_REG_FACT, 4, 20);
    next = bus->next_event;
    now = host_now(w.top->host.host());
    bus_free = bus->bus_free;
    edu_get_state(w.edu().device(), &before);
    for (unsigned i = 0; i < 100; i++) {
        for (uint64_t off :
             {uint64_t{EDU_REG_FACT}, uint64_t{EDU_REG_IRQ_STATUS},
              uint64_t{EDU_REG_STATUS}}) {
            payload p(tlm::TLM_READ_COMMAND, off, 4);

            assert_int_equal(bar.transport_dbg(p.gp), 4);
            if (off == EDU_REG_FACT) {
                assert_int_equal(p.value(4), 20); /* the operand */
            }
            if (off == EDU_REG_IRQ_STATUS) {
                assert_int_equal(p.value(4), 0);
            }
        }
        payload q(tlm::TLM_READ_COMMAND, bar0 + EDU_REG_FACT, 4);
        assert_int_equal(cpu.transport_dbg(q.gp), 4);
        assert_int_equal(q.value(4), 20);
    }
    /* A debug write to a register is refused. */
    payload wr(tlm::TLM_WRITE_COMMAND, EDU_REG_FACT, 4);
    assert_int_equal(bar.transport_dbg(wr.gp), 0);
    edu_get_state(w.edu().device(), &after);
    /* Field by field: the padding of an EduState is not its state. */
    assert_int_equal(before.status, after.status);
    assert_int_equal(before.irq_status, after.irq_status);
    assert_int_equal(before.fact_busy, after.fact_busy);
    assert_int_equal(before.dma_busy, after.dma_busy);
    assert_int_equal(before.intx, after.intx);
    assert_int_equal(bus->next_event, next);
    assert_int_equal(bus->bus_free, bus_free);
    assert_int_equal(host_now(w.top->host.host()), now);
    assert_int_equal(w.edu().function()->next_event, next);

    /* The factorial still ends where it would have. */
    w.top->cpu.advance(w.top->host.clock_period() * 100);
    w.top->cpu.sync();
    assert_int_equal(w.mem(false, bar0 + EDU_REG_IRQ_STATUS, 4), EDU_IRQ_FACT);
    assert_int_equal(w.mem(false, bar0 + EDU_REG_FACT, 4), 2192834560u);
}

void test_debug_transport_reads_ram_and_config(void **state)
{
    world &w = w_of(state);
    tlm::tlm_fw_transport_if<> &cpu = w.top->host.cpu.get_base_interface();
    tlm::tlm_fw_transport_if<> &cfg = w.edu().config.get_base_interface();

    w.mem(true, ram_a, 8, 0x1122334455667788ull);
    payload p(tlm::TLM_READ_COMMAND, ram_a, 8);
    assert_int_equal(cpu.transport_dbg(p.gp), 8);
    assert_int_equal(p.value(), 0x1122334455667788ull);
    payload c(tlm::TLM_READ_COMMAND, PCI_VENDOR_ID, 4);
    assert_int_equal(cfg.transport_dbg(c.gp), 4);
    assert_int_equal(c.value(4), EDU_DEVICE_ID << 16 | EDU_VENDOR_ID);
    payload none(tlm::TLM_READ_COMMAND, 0xd0000000u, 4);
    assert_int_equal(cpu.transport_dbg(none.gp), 0);
}

/* --- DMI -------------------------------------------------------------------
 */

void test_dmi_granted_for_ram_refused_for_registers(void **state)
{
    world &w = w_of(state);
    tlm::tlm_fw_transport_if<> &ram = w.top->ram.mem.get_base_interface();
    tlm::tlm_fw_transport_if<> &bar = w.edu().bar.get_base_interface();
    tlm::tlm_fw_transport_if<> &cpu = w.top->host.cpu.get_base_interface();
    tlm::tlm_dmi dmi;

    payload r(tlm::TLM_READ_COMMAND, ram_a, 4);
    assert_true(ram.get_direct_mem_ptr(r.gp, dmi));
    assert_true(dmi.is_read_write_allowed());
    assert_int_equal(dmi.get_start_address(), 0);
    assert_int_equal(dmi.get_end_address(), w.top->ram.size() - 1);

    payload b(tlm::TLM_READ_COMMAND, EDU_REG_ID, 4);
    assert_false(bar.get_direct_mem_ptr(b.gp, dmi));
    assert_false(dmi.is_read_allowed());

    /* Through the host: RAM yes, the BAR no (the whole window). */
    payload hr(tlm::TLM_READ_COMMAND, ram_a, 4);
    assert_true(cpu.get_direct_mem_ptr(hr.gp, dmi));
    assert_true(dmi.get_end_address() >= ram_a);
    payload hb(tlm::TLM_READ_COMMAND, bar0 + EDU_REG_FACT, 4);
    assert_false(cpu.get_direct_mem_ptr(hb.gp, dmi));
    assert_int_equal(dmi.get_start_address(), bar0);
    assert_int_equal(dmi.get_end_address(), bar0 + EDU_BAR0_SIZE - 1);

    /* And the CPU uses it for RAM. */
    const unsigned long before = w.top->cpu.dmi_accesses();
    w.mem(true, ram_a, 8, 42);
    assert_int_equal(w.mem(false, ram_a, 8), 42);
    assert_true(w.top->cpu.dmi_accesses() > before);
}

/* A BAR inside RAM: DMI stops at the window on both sides. */
void test_dmi_stops_at_a_bar_inside_ram(void **state)
{
    world &w = w_of(state);
    tlm::tlm_fw_transport_if<> &cpu = w.top->host.cpu.get_base_interface();
    tlm::tlm_dmi dmi;

    w.cfg_write(PCI_BASE_ADDRESS_0, 0x00400000);
    payload lo(tlm::TLM_READ_COMMAND, 0x1000, 4);
    assert_true(cpu.get_direct_mem_ptr(lo.gp, dmi));
    assert_int_equal(dmi.get_end_address(), 0x003fffff);
    payload hi(tlm::TLM_READ_COMMAND, 0x00600000, 4);
    assert_true(cpu.get_direct_mem_ptr(hi.gp, dmi));
    assert_int_equal(dmi.get_start_address(), 0x00500000);
    assert_int_equal(w.mem(false, 0x00400000 + EDU_REG_ID, 4), EDU_ID_VALUE);
}

/* While a DMA is under way RAM changes behind a pointer's back: DMI is
 * refused and the CPU's pointer revoked; the CPU then reads what the C
 * model has moved by its time, exactly. */
void test_dmi_revoked_while_a_dma_runs(void **state)
{
    world &w = w_of(state);
    tlm::tlm_fw_transport_if<> &cpu = w.top->host.cpu.get_base_interface();
    tlm::tlm_dmi dmi;
    unsigned long dmi_reads;

    w.mem(true, ram_a, 8, 0x0102030405060708ull); /* CPU gets DMI */
    w.mem(true, bar0 + EDU_REG_DMA_SRC, 4, EDU_DMA_BUF_ADDR);
    w.mem(true, bar0 + EDU_REG_DMA_DST, 4, ram_a);
    w.mem(true, bar0 + EDU_REG_DMA_COUNT, 4, 8);
    w.mem(true, bar0 + EDU_REG_DMA_CMD, 4,
          EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM);
    payload r(tlm::TLM_READ_COMMAND, ram_a, 4);
    assert_false(cpu.get_direct_mem_ptr(r.gp, dmi));
    dmi_reads = w.top->cpu.dmi_accesses();
    /* The buffer is zeros: once the burst is done RAM reads 0. */
    while (w.mem(false, bar0 + EDU_REG_DMA_CMD, 4) & EDU_DMA_CMD_RUN) {
        assert_int_equal(w.top->cpu.dmi_accesses(), dmi_reads);
    }
    assert_int_equal(w.mem(false, ram_a, 8), 0);
    assert_true(cpu.get_direct_mem_ptr(r.gp, dmi));
}

/* --- bus mastering ---------------------------------------------------------
 */

void test_dma_socket_gates_bus_masters(void **state)
{
    world &w = w_of(state);
    auto &dma = w.edu().dma;

    w.mem(true, ram_a, 4, 0xaabbccdd);
    payload ok(tlm::TLM_READ_COMMAND, ram_a, 4);
    sc_time d = sc_core::SC_ZERO_TIME;
    dma->b_transport(ok.gp, d);
    assert_int_equal(ok.gp.get_response_status(), tlm::TLM_OK_RESPONSE);
    assert_int_equal(ok.value(4), 0xaabbccdd);

    payload past(tlm::TLM_READ_COMMAND, w.top->ram.size() - 2, 4);
    dma->b_transport(past.gp, d);
    assert_int_equal(past.gp.get_response_status(),
                     tlm::TLM_ADDRESS_ERROR_RESPONSE);
    assert_int_equal(past.value(4) >> 16, 0xffff);

    w.cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY); /* bus mastering off */
    payload off(tlm::TLM_READ_COMMAND, ram_a, 4);
    off.data[0] = 0x55;
    dma->b_transport(off.gp, d);
    assert_int_equal(off.gp.get_response_status(),
                     tlm::TLM_GENERIC_ERROR_RESPONSE);
    assert_int_equal(off.value(4), 0);
    payload wr(tlm::TLM_WRITE_COMMAND, ram_a, 4);
    dma->b_transport(wr.gp, d);
    assert_int_equal(w.mem(false, ram_a, 4), 0xaabbccdd);
}

/* --- INTA# --------------------------------------------------------------- */

void test_inta_follows_the_device(void **state)
{
    world &w = w_of(state);

    w.mem(true, bar0 + EDU_REG_IRQ_RAISE, 4, 0x10);
    w.top->cpu.sync();
    assert_true(w.top->inta.read());
    assert_true(w.top->edu_inta[0]->read());
    assert_int_equal(w.top->host.late_changes(), 0);
    assert_int_equal(w.edu().late_changes(), 0);
    w.mem(true, bar0 + EDU_REG_IRQ_ACK, 4, 0x10);
    w.top->cpu.sync();
    assert_false(w.top->inta.read());
    /* INTx disable: the pin stays up, the level is kept in STATUS. */
    w.mem(true, bar0 + EDU_REG_IRQ_RAISE, 4, 0x10);
    w.cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
                                 PCI_COMMAND_INTX_DISABLE);
    w.top->cpu.sync();
    assert_false(w.top->inta.read());
}

} // namespace

int main()
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_bar_answers_every_shape_with_a_status, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_config_answers_every_shape_with_a_status, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_host_answers_every_shape_with_a_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delay_grows_by_the_c_models_clocks,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_debug_reads_change_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_debug_transport_reads_ram_and_config, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_dmi_granted_for_ram_refused_for_registers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dmi_stops_at_a_bar_inside_ram,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_dmi_revoked_while_a_dma_runs,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_dma_socket_gates_bus_masters,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_inta_follows_the_device, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, nullptr, nullptr);
}

/*
 * edu_tlm alone: its config and bar sockets bound to plain
 * simple_initiator_sockets, its dma socket to a plain memory target, no
 * module of the bridge in between.  A factorial (with INTA#) and DMAs
 * both ways (with an MSI, a write on dma) run through it.
 */
#include <cstring>
#include <memory>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "edu_tlm.h"

extern "C" {
#include "edu/pci_regs.h"
#include "edu/regs.h"
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

constexpr uint64_t msi_addr = 0x1ff000;
constexpr uint32_t msi_data = 0x4242;

/* Plain memory: 2 MiB at 0, every write counted. */
class memory : public sc_core::sc_module
{
  public:
    tlm_utils::simple_target_socket<memory> socket;
    std::vector<uint8_t> bytes;
    unsigned writes = 0;

    explicit memory(const sc_core::sc_module_name &name)
        : sc_core::sc_module(name), socket("socket"), bytes(2u << 20)
    {
        socket.register_b_transport(this, &memory::b_transport);
    }

  private:
    void b_transport(tlm_generic_payload &gp, sc_time &delay)
    {
        const uint64_t a = gp.get_address();
        const unsigned n = gp.get_data_length();

        (void)delay;
        if (a > bytes.size() || n > bytes.size() - a) {
            gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        if (gp.is_write()) {
            std::memcpy(&bytes[a], gp.get_data_ptr(), n);
            writes++;
        } else {
            std::memcpy(gp.get_data_ptr(), &bytes[a], n);
        }
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

/* Plain initiator sockets, driven from outside the kernel. */
class driver : public sc_core::sc_module
{
  public:
    tlm_utils::simple_initiator_socket<driver> config;
    tlm_utils::simple_initiator_socket<driver> bar;

    explicit driver(const sc_core::sc_module_name &name)
        : sc_core::sc_module(name), config("config"), bar("bar")
    {
    }

    uint64_t access(bool cfg, bool write, uint64_t addr, unsigned len,
                    uint64_t val = 0)
    {
        tlm_generic_payload gp;
        uint8_t data[8];
        sc_time delay = sc_core::SC_ZERO_TIME;

        std::memcpy(data, &val, 8);
        gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        gp.set_address(addr);
        gp.set_data_ptr(data);
        gp.set_data_length(len);
        gp.set_streaming_width(len);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        (cfg ? config : bar)->b_transport(gp, delay);
        assert_int_equal(gp.get_response_status(), tlm::TLM_OK_RESPONSE);
        val = 0;
        std::memcpy(&val, data, len);
        return val;
    }
};

struct bench {
    sc_core::sc_simcontext *base = nullptr;
    sc_core::sc_simcontext *ctx = nullptr;
    std::unique_ptr<driver> drv;
    std::unique_ptr<memory> mem;
    std::unique_ptr<edu_tlm> edu;
    std::unique_ptr<sc_core::sc_signal<bool>> inta;

    bench()
    {
        edu_config ec;

        base = sc_core::sc_curr_simcontext;
        ctx = new sc_core::sc_simcontext;
        sc_core::sc_curr_simcontext = ctx;
        sc_core::sc_default_global_context = ctx;
        ec.quiet = true;
        drv = std::make_unique<driver>("drv");
        mem = std::make_unique<memory>("mem");
        edu = std::make_unique<edu_tlm>("edu", ec);
        inta = std::make_unique<sc_core::sc_signal<bool>>("inta");
        drv->config.bind(edu->config);
        drv->bar.bind(edu->bar);
        edu->dma.bind(mem->socket);
        edu->inta.bind(*inta);
        sc_core::sc_start(sc_core::SC_ZERO_TIME);
        /* Memory decoding and bus mastering on. */
        drv->access(true, true, PCI_COMMAND, 2,
                    PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    }

    ~bench()
    {
        edu.reset();
        mem.reset();
        drv.reset();
        inta.reset();
        sc_core::sc_pending_activity_at_future_time(); /* see tlm_sim.cpp */
        delete ctx;
        sc_core::sc_curr_simcontext = base;
        sc_core::sc_default_global_context = base;
    }

    /* The kernel runs 'us' microseconds, and what is due at their end. */
    void run(double us)
    {
        sc_core::sc_start(sc_time(us, sc_core::SC_US));
        while (sc_core::sc_pending_activity_at_current_time()) {
            sc_core::sc_start(sc_core::SC_ZERO_TIME);
        }
    }

    uint64_t reg(unsigned off, unsigned len = 4)
    {
        return drv->access(false, false, off, len);
    }
    void set_reg(unsigned off, uint64_t val, unsigned len = 4)
    {
        drv->access(false, true, off, len, val);
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

void test_config_and_registers_answer_on_plain_sockets(void **state)
{
    bench &b = b_of(state);

    assert_int_equal(b.drv->access(true, false, 0, 4),
                     EDU_VENDOR_ID | EDU_DEVICE_ID << 16);
    assert_int_equal(b.reg(EDU_REG_ID), EDU_ID_VALUE);
    b.set_reg(EDU_REG_LIVENESS, 0x12345678);
    assert_int_equal(b.reg(EDU_REG_LIVENESS), ~0x12345678u);
}

void test_factorial_ends_in_its_own_thread_with_inta(void **state)
{
    bench &b = b_of(state);

    b.set_reg(EDU_REG_STATUS, EDU_STATUS_IRQFACT);
    b.set_reg(EDU_REG_FACT, 12);
    assert_true(b.reg(EDU_REG_STATUS) & EDU_STATUS_COMPUTING);
    assert_false(b.inta->read());
    b.run(10);
    /* Done without a transaction asking: the device's own thread ran. */
    assert_true(b.inta->read());
    assert_int_equal(b.reg(EDU_REG_STATUS) & EDU_STATUS_COMPUTING, 0);
    assert_int_equal(b.reg(EDU_REG_FACT), 479001600u);
    assert_int_equal(b.reg(EDU_REG_IRQ_STATUS), EDU_IRQ_FACT);
    b.set_reg(EDU_REG_IRQ_ACK, EDU_IRQ_FACT);
    b.run(1);
    assert_false(b.inta->read());
}

void test_dma_both_ways_and_msi_go_out_on_the_dma_socket(void **state)
{
    bench &b = b_of(state);
    const unsigned cap = EDU_MSI_CAP_OFFSET;

    for (unsigned i = 0; i < 256; i++) {
        b.mem->bytes[0x1000 + i] = static_cast<uint8_t>(i * 7 + 1);
    }
    /* MSI on: a DWORD write of msi_data to msi_addr. */
    b.drv->access(true, true, cap + PCI_MSI_ADDRESS_LO, 4, msi_addr);
    b.drv->access(true, true, cap + PCI_MSI_ADDRESS_HI, 4, 0);
    b.drv->access(true, true, cap + PCI_MSI_DATA_64, 2, msi_data);
    b.drv->access(true, true, cap + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE);

    /* RAM -> the device's buffer. */
    b.set_reg(EDU_REG_DMA_SRC, 0x1000, 8);
    b.set_reg(EDU_REG_DMA_DST, EDU_DMA_BUF_ADDR, 8);
    b.set_reg(EDU_REG_DMA_COUNT, 256, 8);
    b.set_reg(EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN, 8);
    b.run(100);
    assert_int_equal(b.reg(EDU_REG_DMA_CMD, 8) & EDU_DMA_CMD_RUN, 0);

    /* The buffer -> RAM elsewhere, with its interrupt: an MSI. */
    b.mem->writes = 0;
    b.set_reg(EDU_REG_DMA_SRC, EDU_DMA_BUF_ADDR, 8);
    b.set_reg(EDU_REG_DMA_DST, 0x3000, 8);
    b.set_reg(EDU_REG_DMA_COUNT, 256, 8);
    b.set_reg(EDU_REG_DMA_CMD,
              EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM | EDU_DMA_CMD_IRQ, 8);
    b.run(100);
    assert_int_equal(b.reg(EDU_REG_DMA_CMD, 8) & EDU_DMA_CMD_RUN, 0);
    assert_memory_equal(&b.mem->bytes[0x3000], &b.mem->bytes[0x1000], 256);
    assert_int_equal(b.reg(EDU_REG_IRQ_STATUS), EDU_IRQ_DMA);
    assert_int_equal(b.mem->bytes[msi_addr], msi_data & 0xff);
    assert_int_equal(b.mem->bytes[msi_addr + 1], msi_data >> 8);
    assert_true(b.mem->writes >= 2); /* the data, then the message */
    assert_false(b.inta->read());    /* MSI, not INTA# */
    assert_int_equal(b.edu->late_changes(), 0);
}

} // namespace

/* libsystemc wants one; this program has its own main. */
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
            test_config_and_registers_answer_on_plain_sockets, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_factorial_ends_in_its_own_thread_with_inta, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_dma_both_ways_and_msi_go_out_on_the_dma_socket, setup,
            teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

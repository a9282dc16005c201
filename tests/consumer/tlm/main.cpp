// A SystemC design of another project's with the installed edu TLM module
// in it: the device's config and bar sockets bound to this design's own
// initiator, its dma socket to this design's own memory, its inta to a
// signal.  A thread computes 10! (waiting for INTA#) and copies a buffer
// through the DMA engine and back.  Exit 0 when QEMU's answers come back.
#include <cstdio>
#include <cstring>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "edu_tlm.h"
extern "C" {
#include "edu/pci_regs.h"
#include "edu/regs.h"
}

namespace
{

int failures;

void expect(const char *what, uint64_t got, uint64_t want)
{
    std::printf("%-24s 0x%08llx %s\n", what,
                static_cast<unsigned long long>(got),
                got == want ? "ok" : "WRONG");
    failures += got != want;
}

// 1 MiB of RAM for the device's DMA.
struct memory : sc_core::sc_module {
    tlm_utils::simple_target_socket<memory> socket;
    std::vector<unsigned char> bytes;

    explicit memory(const sc_core::sc_module_name &name)
        : sc_module(name), socket("socket"), bytes(1u << 20)
    {
        socket.register_b_transport(this, &memory::b_transport);
    }

    void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &)
    {
        const uint64_t addr = gp.get_address();
        const unsigned len = gp.get_data_length();

        if (addr > bytes.size() || len > bytes.size() - addr) {
            gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        if (gp.is_write()) {
            std::memcpy(&bytes[addr], gp.get_data_ptr(), len);
        } else {
            std::memcpy(gp.get_data_ptr(), &bytes[addr], len);
        }
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

// The CPU side: configuration and register accesses from a thread.
struct cpu : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<cpu> config;
    tlm_utils::simple_initiator_socket<cpu> bar;
    sc_core::sc_in<bool> inta;
    memory *ram = nullptr;

    SC_HAS_PROCESS(cpu);
    explicit cpu(const sc_core::sc_module_name &name)
        : sc_module(name), config("config"), bar("bar"), inta("inta")
    {
        SC_THREAD(run);
    }

    uint32_t access(bool cfg, bool write, uint64_t addr, uint32_t val = 0)
    {
        tlm::tlm_generic_payload gp;
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        unsigned char data[4];

        std::memcpy(data, &val, 4);
        gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        gp.set_address(addr);
        gp.set_data_ptr(data);
        gp.set_data_length(4);
        gp.set_streaming_width(4);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        (cfg ? config : bar)->b_transport(gp, delay);
        wait(delay);
        if (!gp.is_response_ok()) {
            failures++;
        }
        std::memcpy(&val, data, 4);
        return val;
    }

    void wait_clear(unsigned reg, uint32_t mask)
    {
        while (access(false, false, reg) & mask) {
            wait(1, sc_core::SC_US);
        }
    }

    void run()
    {
        expect("vendor/device", access(true, false, PCI_VENDOR_ID),
               static_cast<uint32_t>(EDU_DEVICE_ID) << 16 | EDU_VENDOR_ID);
        access(true, true, PCI_COMMAND,
               PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
        expect("ID register", access(false, false, EDU_REG_ID), EDU_ID_VALUE);

        access(false, true, EDU_REG_STATUS, EDU_STATUS_IRQFACT);
        access(false, true, EDU_REG_FACT, 10);
        wait(inta.posedge_event());
        expect("10! (on INTA#)", access(false, false, EDU_REG_FACT), 3628800);
        access(false, true, EDU_REG_IRQ_ACK, EDU_IRQ_FACT);

        for (unsigned i = 0; i < 256; i++) {
            ram->bytes[0x1000 + i] = static_cast<unsigned char>(i * 7 + 1);
        }
        access(false, true, EDU_REG_DMA_SRC, 0x1000);
        access(false, true, EDU_REG_DMA_DST, EDU_DMA_BUF_ADDR);
        access(false, true, EDU_REG_DMA_COUNT, 256);
        access(false, true, EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN);
        wait_clear(EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN);
        access(false, true, EDU_REG_DMA_SRC, EDU_DMA_BUF_ADDR);
        access(false, true, EDU_REG_DMA_DST, 0x2000);
        access(false, true, EDU_REG_DMA_CMD,
               EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM);
        wait_clear(EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN);
        expect("DMA round trip differs",
               static_cast<uint64_t>(std::memcmp(&ram->bytes[0x1000],
                                                 &ram->bytes[0x2000], 256)),
               0);
        std::printf("%s simulated\n", sc_core::sc_time_stamp().to_string().c_str());
        sc_core::sc_stop();
    }
};

} // namespace

int sc_main(int, char **)
{
    edu_config ec; // slot 4, function 0
    cpu host("host");
    memory ram("ram");
    edu_tlm edu("edu", ec);
    sc_core::sc_signal<bool> inta("inta");

    host.ram = &ram;
    host.config.bind(edu.config);
    host.bar.bind(edu.bar);
    edu.dma.bind(ram.socket);
    edu.inta.bind(inta);
    host.inta.bind(inta);
    sc_core::sc_start();
    return failures != 0;
}

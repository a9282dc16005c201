// The platform of the RTL view: the Verilated edu devices and bus, the host
// bridge's agents (initiator, target), the arbiter and the monitor, clocked
// together.  The C API (edu/rtl.h) is a thin layer over it.
//
// Clock k: the devices' rising edge (their flops take what the bus carried
// in clock k-1), then the arbiter's decision and the host bridge's drivers
// for clock k, the resolution of the bus (edu_sim_bus), the monitor's
// check, the waveform, the falling edge.  Between calls the rising edge of
// the current clock has been evaluated and the rest of it has not (the
// host may still start a transaction in it).  An idle platform (devices
// idle, bus idle, nobody asking) is not clocked: the clock count jumps.
#ifndef EDU_RTL_PLATFORM_H
#define EDU_RTL_PLATFORM_H

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

extern "C" {
#include "edu/edu.h"
#include "edu/host_cpu.h"
#include "edu/log.h"
#include "edu/pci.h"
}
#include "edu/rtl.h"
#include "pci_arbiter.h"
#include "pci_host_target.h"
#include "pci_initiator.h"
#include "pci_monitor.h"
#include "pci_signals.h"

class VerilatedContext;

namespace edu_rtl
{

// The bits of edu_top's guest_err_o.
enum : unsigned {
    k_guest_err_dma_range = 1u,   // a DMA range outside the buffer
    k_guest_err_dma_clamped = 2u, // a DMA address clamped by dma_mask
    k_guest_err_abort = 4u,       // a bus-master transaction aborted
};

// The Verilated models and their waveform file (rtl_platform.cpp).
// Verilator builds a model for one trace format, so there are two sets:
// the models built for VCD (also the untraced ones) and those built for
// FST; a platform has one of them.
struct rtl_vcd_models;
struct rtl_fst_models;

struct rtl_device {
    unsigned slot = 0;
    int idsel_bit = -1; // AD line wired to its IDSEL (-1: none)
    pci_drive drive; // its drivers in the current clock
    bool req_n = true;
    unsigned asks = 0; // bus-master requests asked in this clock
    bool inta = false;
    bool idle = true;
    uint32_t bar0_base = 0;
    bool bar0_decode = false;
    unsigned guest_err = 0; // edu_top's guest_err_o after the last edge
    EduState state{};
};

class rtl_platform
{
  public:
    rtl_platform();
    ~rtl_platform();
    rtl_platform(const rtl_platform &) = delete;
    rtl_platform &operator=(const rtl_platform &) = delete;

    // 0, or a negative errno with the reason in 'err'.  'cfg' has its
    // defaults filled in (edu_platform_config_resolve).
    int create(const EduPlatformConfig &cfg, const EduRtlOptions &opt,
               std::string &err);

    // ---- the host (rtl_host.cpp): CPU accesses through host_cpu ----
    HostCpu *cpu()
    {
        return &m_cpu;
    }
    void inject(EduRtlFault fault)
    {
        m_init.inject(fault);
    }

    // ---- time ----
    uint64_t now() const
    {
        return m_host_now;
    }
    unsigned clock_ns() const
    {
        return m_clock_ns;
    }
    void advance(uint64_t clocks);
    int next_event(uint64_t *clock);
    EduRtlTargetStops target_stops() const
    {
        return m_tgt->stops();
    }
    uint64_t evaluated() const
    {
        return m_evaluated;
    }

    // ---- state at the host's clock ----
    // RAM alone, no time: the devices' bus-master transactions asked for
    // by the host's clock end first.  0, -ERANGE outside RAM, or -EIO.
    int ram_access(uint64_t addr, void *buf, size_t len, bool write);
    int intx();
    int state(unsigned i, EduState *st);
    EduLog *log()
    {
        return &m_log;
    }

    // ---- outputs ----
    int finish();
    int record(const char *path);
    bool failed() const
    {
        return !m_error.empty();
    }
    const std::string &error() const
    {
        return m_error;
    }
    void fail(const std::string &why);

    // ---- used by the host ops (rtl_host.cpp) ----
    // Runs 'req' on the bus for the CPU: from the host's clock, through the
    // arbiter, to the end of its turnaround; the host's clock moves there.
    bool transaction(const pci_request &req, pci_result *res);
    // Lets the bus-master transactions asked for by the host's clock end
    // (their data then is in RAM, as in the C model), without moving the
    // host's clock.
    void settle_masters();
    // Brings the devices up to the host's clock.
    void sync()
    {
        run_until(m_host_now);
    }
    const std::vector<rtl_device> &devices() const
    {
        return m_dev;
    }
    uint8_t *ram()
    {
        return m_ram;
    }
    uint64_t ram_size() const
    {
        return m_ram_size;
    }

  private:
    // Each on the platform's set of models (one branch per clock).
    void rise();
    void check_assertions();
    bool settle(uint64_t host_ask);
    template <class M>
    int create_models(M &m, const EduPlatformConfig &cfg, std::string &err);
    template <class M> void reset(M &m);
    template <class M> void rise(M &m);
    template <class M> bool settle(M &m, uint64_t host_ask);
    template <class M> int finish(M &m);
    template <class Dev> void read_device(rtl_device &d, const Dev *m);
    void run_until(uint64_t clock);
    bool quiescent() const;
    void log_guest_errors(const rtl_device &d);

    // Models
    std::unique_ptr<VerilatedContext> m_ctx;
    std::unique_ptr<rtl_vcd_models> m_vcdm; // built for VCD, or
    std::unique_ptr<rtl_fst_models> m_fstm; // built for FST
    std::vector<rtl_device> m_dev;
    std::string m_vcd_path; // the waveform file (VCD or FST)

    // The host side
    uint8_t *m_ram = nullptr;
    uint64_t m_ram_size = 0;
    bool m_ram_external = false; // EduPlatformConfig.ram: the caller's
    PciConfig m_bridge{};
    HostCpu m_cpu{};
    EduLog m_log{};
    pci_initiator m_init;
    std::unique_ptr<pci_host_target> m_tgt;
    std::unique_ptr<pci_arbiter> m_arb;
    std::unique_ptr<pci_monitor> m_mon;
    bool m_no_monitor = false;  // tests only: the monitor does not fail the run
    bool m_no_checkers = false; // ... nor do the devices' checkers
    pci_request m_pending;

    // Time
    unsigned m_clock_ns = 30;
    uint64_t m_dma_mask = 0;
    uint64_t m_clock = 0;   // the current clock (its rising edge is done)
    bool m_settled = false; // ... and the rest of it
    uint64_t m_host_now = 0;
    uint64_t m_evaluated = 0;
    pci_bus_state m_bus_prev;        // the bus in the last settled clock
    uint32_t m_gnt_n = ~0u;          // GNT# in the last settled clock
    std::vector<pci_drive> m_drives; // every agent's, in the current clock
    pci_lines m_lines;               // ... as masks (the monitor's view)
    uint32_t m_ad_in[k_agent_first_device + EDU_RTL_MAX_EDU] = {};
    // INTA# by clock (changes only), for a host clock behind the devices'.
    std::vector<std::pair<uint64_t, bool>> m_inta_hist;

    std::FILE *m_record = nullptr;
    std::string m_error;
};

} // namespace edu_rtl

#endif

// The platform of the RTL view (see rtl_platform.h).
#include "rtl_platform.h"
#include "pci_fault.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstring>
#include <sys/mman.h>

#include "Vedu_sim_bus.h"
#include "Vedu_sim_bus_fst.h"
#include "Vedu_sim_dev.h"
#include "Vedu_sim_dev__Dpi.h"
#include "Vedu_sim_dev___024root.h"
#include "Vedu_sim_dev_fst.h"
#include "Vedu_sim_dev_fst___024root.h"
extern "C" {
#include "edu/host.h"
#include "edu/regs.h"
#include "edu/timing.h"
}
#include "verilated.h"
#include "verilated_fst_c.h"
#include "verilated_vcd_c.h"
#if EDU_RTL_COVERAGE
#include <atomic>
#include <cstdlib>
#include <string>
#include <unistd.h>

#include "verilated_cov.h"
#endif

// The first assertion (or assumption) of the models' protocol checkers
// that failed in the current evaluation (rtl/formal/edu_assert.svh); the
// platform that evaluated the model takes it (models are evaluated on one
// thread at a time).
static thread_local std::string t_assert_failed;

void edu_rtl_assert_failed(const char *where, const char *name)
{
    if (t_assert_failed.empty()) {
        t_assert_failed = std::string(name) + " (" + where + ")";
    }
}

namespace edu_rtl
{

extern const HostCpuOps k_rtl_host_ops; // rtl_host.cpp

namespace
{

constexpr uint64_t k_settle_limit = 1u << 24; // clocks a bus may stay busy

// The AD line a slot's IDSEL is wired to (docs/waves.md): AD[16 + slot],
// slots 16 to 20 on AD[11..15]; none for the others.
int idsel_bit(unsigned slot)
{
    if (slot < 16) {
        return (int)(16 + slot);
    }
    if (slot <= 20) {
        return (int)(slot - 5);
    }
    return -1;
}

// The falling edge of a device's clock without evaluating the model.
// Nothing in the device works on the falling edge and nothing reads its
// outputs before the next rising edge, whose eval() evaluates the input
// logic again anyway: all the falling edge's eval() does is let the model
// see the clock low, so that the next high is an edge.  Verilator 5.006
// keeps that memory in the root's __Vtrigrprev__TOP__pci_clk; clearing it
// is the same as an eval() with the clock low, at none of the cost (the
// input logic, about a third of the model's work per clock,
// docs/performance.md).  A Verilator without that member gets the eval().
template <typename Root>
auto forget_clock_high(Root *root, int)
    -> decltype(root->__Vtrigrprev__TOP__pci_clk = 0, bool())
{
    root->__Vtrigrprev__TOP__pci_clk = 0;
    return true;
}

template <typename Root> bool forget_clock_high(Root *, long)
{
    return false;
}

// The FST writer (Verilator 5.006's fstapi.c) keeps the value changes in
// memory, up to 128 MiB, and writes them out by following each signal's
// chain of changes back through that buffer: one cache miss per change
// once the buffer is larger than the cache, most of the FST run's time
// (docs/performance.md).  Written out every k_fst_flush_clocks clocks, the
// buffer stays in the cache.  VCD is written as it goes.
constexpr uint64_t k_fst_flush_clocks = 1u << 10;

void trace_clock_done(VerilatedFstC *fst, uint64_t clock)
{
    if (clock % k_fst_flush_clocks == k_fst_flush_clocks - 1) {
        fst->flush();
    }
}

void trace_clock_done(VerilatedVcdC *, uint64_t)
{
}

} // namespace

// One set of models: the bus, a model per device, the waveform file.
template <class Dev, class Bus, class Trace> struct rtl_models {
    using dev_type = Dev;
    using bus_type = Bus;
    using trace_type = Trace;

    Bus *bus = nullptr;
    std::vector<Dev *> dev;
    Trace *trace = nullptr; // NULL: no waveforms
    std::string tmp_path;   // where the trace is written until finish()

    rtl_models() = default;
    rtl_models(const rtl_models &) = delete;
    rtl_models &operator=(const rtl_models &) = delete;
    ~rtl_models()
    {
        if (trace) {
            trace->close();
            delete trace;
            std::remove(tmp_path.c_str());
        }
        for (Dev *d : dev) {
            delete d;
        }
        delete bus;
    }
};

struct rtl_vcd_models : rtl_models<Vedu_sim_dev, Vedu_sim_bus, VerilatedVcdC> {
};
struct rtl_fst_models
    : rtl_models<Vedu_sim_dev_fst, Vedu_sim_bus_fst, VerilatedFstC> {
};

rtl_platform::rtl_platform() = default;

#if EDU_RTL_COVERAGE
/*
 * The coverage build (the coverage preset, docs/coverage.md): the
 * device's line and toggle counts of this platform go to a file of their
 * own, $EDU_RTL_COVERAGE_DIR/rtl-PID-N.dat (default: the current
 * directory), for verilator_coverage to merge.  Only the device model is
 * verilated with --coverage: the harness's bus model has no points.
 */
static void rtl_write_coverage(VerilatedContext *ctx)
{
    static std::atomic<unsigned> serial{0};
    const char *dir = std::getenv("EDU_RTL_COVERAGE_DIR");
    std::string path = std::string(dir && *dir ? dir : ".") + "/rtl-" +
                       std::to_string(getpid()) + "-" +
                       std::to_string(serial++) + ".dat";

    ctx->coveragep()->write(path.c_str());
}
#endif

rtl_platform::~rtl_platform()
{
#if EDU_RTL_COVERAGE
    if (m_ctx) {
        rtl_write_coverage(m_ctx.get()); /* while the models are there */
    }
#endif
    m_vcdm.reset(); // before their context
    m_fstm.reset();
    if (m_record) {
        std::fclose(m_record);
    }
    if (m_ram && !m_ram_external) {
        munmap(m_ram, m_ram_size);
    }
}

void rtl_platform::fail(const std::string &why)
{
    if (m_error.empty()) {
        m_error = why;
    }
}

// After a model's rising edge: its checkers' assertions are checked there,
// on the clock the edge ends.  A failure fails the platform (the
// operation returns -EIO with the property's name), as would any other
// $stop or $error of the model (Verilator does not abort:
// fatalOnError(false)).
void rtl_platform::check_assertions()
{
    if (!t_assert_failed.empty() && !m_no_checkers) {
        fail("RTL assertion failed at clock " + std::to_string(m_clock - 1) +
             ": " + t_assert_failed);
    }
    t_assert_failed.clear();
    if (m_ctx->gotError()) {
        fail("the RTL model stopped with an error at clock " +
             std::to_string(m_clock - 1) + " (Verilator's message above)");
        m_ctx->gotError(false);
        m_ctx->gotFinish(false);
    }
}

int rtl_platform::create(const EduPlatformConfig &cfg, const EduRtlOptions &opt,
                         std::string &err)
{
    const unsigned n = cfg.n_edu;

    m_clock_ns = opt.clock_ns ? opt.clock_ns : EDU_CLOCK_NS_DEFAULT;
    m_ram_size = cfg.ram_size;
    m_dma_mask = cfg.dma_mask;
    m_log.fn = cfg.quiet ? nullptr : opt.log_fn ? opt.log_fn : edu_log_stderr;
    m_log.opaque = opt.log_opaque;

    m_dev.resize(n);
    for (unsigned i = 0; i < n; i++) {
        m_dev[i].slot = cfg.edu_slot[i];
        m_dev[i].idsel_bit = idsel_bit(m_dev[i].slot);
        if (m_dev[i].slot == 0 || m_dev[i].idsel_bit < 0) {
            err = "slot " + std::to_string(m_dev[i].slot) +
                  " has no IDSEL line (slots 1 to 20: AD[16 + slot], 16 to "
                  "20 on AD[11..15])";
            return -EINVAL;
        }
    }
    // Bus order is slot order (the arbiter's tie-break, the memory map's).
    std::sort(m_dev.begin(), m_dev.end(),
              [](const rtl_device &a, const rtl_device &b) {
                  return a.slot < b.slot;
              });

    // Page-aligned, zero-filled, backed only where the guest touches it.
    // Or the caller's (EduPlatformConfig.ram), never unmapped here.
    m_ram_external = cfg.ram != nullptr;
    void *ram = cfg.ram                 ? cfg.ram
                : m_ram_size <= SIZE_MAX
                    ? mmap(nullptr, (size_t)m_ram_size, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                    : MAP_FAILED;
    if (ram == MAP_FAILED) {
        err = "cannot have " + std::to_string(m_ram_size) + " bytes of RAM";
        return -ENOMEM;
    }
    m_ram = static_cast<uint8_t *>(ram);
    host_bridge_config_init(&m_bridge);
    host_cpu_init(&m_cpu, &k_rtl_host_ops, this, m_ram_size);
    m_tgt = std::make_unique<pci_host_target>(
        m_ram, m_ram_size, &m_bridge, opt.target_stress_seed,
        pci_host_target::range{opt.target_abort_base, opt.target_abort_size});
    m_arb = std::make_unique<pci_arbiter>(n);
    m_mon = std::make_unique<pci_monitor>();
    m_no_monitor = opt.no_monitor != 0;
    m_no_checkers = opt.no_checkers != 0;
    m_drives.resize(k_agent_first_device + n);

    m_ctx = std::make_unique<VerilatedContext>();
    m_ctx->debug(0);
    m_ctx->fatalOnError(false);
    if (cfg.vcd_path) {
        m_ctx->traceEverOn(true);
    }
    if (cfg.vcd_path && cfg.fst) {
        m_fstm = std::make_unique<rtl_fst_models>();
        return create_models(*m_fstm, cfg, err);
    }
    m_vcdm = std::make_unique<rtl_vcd_models>();
    return create_models(*m_vcdm, cfg, err);
}

template <class M>
int rtl_platform::create_models(M &m, const EduPlatformConfig &cfg,
                                std::string &err)
{
    using Dev = typename M::dev_type;
    using Trace = typename M::trace_type;

    m.bus = new typename M::bus_type(m_ctx.get(), "TOP");
    for (unsigned i = 0; i < m_dev.size(); i++) {
        std::string name = "TOP.edu" + std::to_string(i);

        m.dev.push_back(new Dev(m_ctx.get(), name.c_str()));
    }
    reset(m);
    if (cfg.vcd_path) {
        m_vcd_path = cfg.vcd_path;
        m.tmp_path = m_vcd_path + ".tmp";
        m.trace = new Trace;
        m.bus->trace(m.trace, 99);
        for (Dev *d : m.dev) {
            d->trace(m.trace, 99);
        }
        m.trace->open(m.tmp_path.c_str());
        if (!m.trace->isOpen()) {
            err = "cannot write " + m.tmp_path + ": " + strerror(errno);
            delete m.trace;
            m.trace = nullptr;
            return -EIO;
        }
    }
    rise();
    return 0;
}

// Holds every device in reset for a clock, then lets it go: the platform
// starts at clock 0 with an idle bus.
template <class M> void rtl_platform::reset(M &models)
{
    for (auto *m : models.dev) {
        m->rst_n = 0;
        m->pci_clk = 0;
        m->ad = 0;
        m->cbe_n = 0;
        m->par = 0;
        m->frame_n = 1;
        m->irdy_n = 1;
        m->trdy_n = 1;
        m->devsel_n = 1;
        m->stop_n = 1;
        m->pci_idsel = 0;
        m->pci_gnt_n = 1;
        m->dma_mask = m_dma_mask;
        m->eval();
        m->pci_clk = 1;
        m->eval();
        m->pci_clk = 0;
        m->eval();
        m->rst_n = 1;
        m->eval();
    }
    m_clock = UINT64_MAX; // the first rise() makes it clock 0
    m_settled = true;
}

template <class Dev>
void rtl_platform::read_device(rtl_device &d, const Dev *m)
{
    pci_drive &o = d.drive;

    o.ad = m->ad_o;
    o.ad_oe = m->ad_oe;
    o.cbe_n = m->cbe_n_o;
    o.cbe_oe = m->cbe_oe;
    o.par = m->par_o;
    o.par_oe = m->par_oe;
    o.frame_n = m->frame_n_o;
    o.frame_oe = m->frame_oe;
    o.irdy_n = m->irdy_n_o;
    o.irdy_oe = m->irdy_oe;
    o.trdy_n = m->trdy_n_o;
    o.trdy_oe = m->trdy_oe;
    o.devsel_n = m->devsel_n_o;
    o.devsel_oe = m->devsel_oe;
    o.stop_n = m->stop_n_o;
    o.stop_oe = m->stop_oe;
    d.req_n = m->pci_req_n;
    d.asks = m->req_asks;
    d.inta = m->inta_oe;
    d.idle = m->idle;
    d.bar0_base = m->bar0_base;
    d.bar0_decode = m->bar0_decode;
    d.guest_err = m->guest_err;
    d.state.status = m->edu_status;
    d.state.irq_status = m->edu_irq_status;
    d.state.fact_busy = m->edu_fact_busy;
    d.state.dma_busy = m->edu_dma_busy;
    d.state.intx = m->inta_oe;
}

// What the device reported at this edge, in the C model's words as far
// as the device's outputs tell (edu.c, pci_bus.c).
void rtl_platform::log_guest_errors(const rtl_device &d)
{
    if (d.guest_err & k_guest_err_dma_range) {
        EDU_LOG_GUEST_ERROR(&m_log,
                            "edu %02x.0: DMA range outside the buffer "
                            "(0x%x-0x%x): nothing copied",
                            d.slot, EDU_DMA_BUF_ADDR,
                            EDU_DMA_BUF_ADDR + EDU_DMA_BUF_SIZE - 1);
    }
    if (d.guest_err & k_guest_err_dma_clamped) {
        EDU_LOG_GUEST_ERROR(
            &m_log, "edu %02x.0: DMA address clamped by dma_mask 0x%016llx",
            d.slot, (unsigned long long)m_dma_mask);
    }
    if (d.guest_err & k_guest_err_abort) {
        EDU_LOG_GUEST_ERROR(&m_log,
                            "edu %02x.0: bus master access beyond RAM: "
                            "master abort",
                            d.slot);
    }
}

// The rising edge of the next clock.
void rtl_platform::rise()
{
    if (m_fstm) {
        rise(*m_fstm);
    } else {
        rise(*m_vcdm);
    }
}

template <class M> void rtl_platform::rise(M &models)
{
    uint32_t req_n = ~0u;
    unsigned asks[EDU_RTL_MAX_EDU] = {0};
    bool inta = false;

    m_clock++;
    m_evaluated++;
    for (unsigned i = 0; i < m_dev.size(); i++) {
        rtl_device &d = m_dev[i];

        auto *m = models.dev[i];

        m->pci_clk = 1;
        m->eval();
        check_assertions();
        read_device(d, m);
        if (d.guest_err) {
            log_guest_errors(d);
        }
        if (!d.req_n) {
            req_n &= ~(1u << i);
        }
        asks[i] = d.asks;
        inta |= d.inta;
    }
    m_init.edge(m_bus_prev);
    m_tgt->edge(m_bus_prev);
    m_arb->observe(m_clock, m_bus_prev, req_n, asks);
    if (m_inta_hist.empty() || m_inta_hist.back().second != inta) {
        m_inta_hist.emplace_back(m_clock, inta);
        if (m_inta_hist.size() > 4096) {
            m_inta_hist.erase(m_inta_hist.begin(), m_inta_hist.begin() + 2048);
        }
    }
    m_settled = false;
}

// The rest of the current clock; true when the host started 'm_pending'
// in it (it asks from clock 'host_ask', k_never: it does not).
bool rtl_platform::settle(uint64_t host_ask)
{
    return m_fstm ? settle(*m_fstm, host_ask) : settle(*m_vcdm, host_ask);
}

template <class M> bool rtl_platform::settle(M &models, uint64_t host_ask)
{
    auto *b = models.bus;
    int who = m_arb->winner(m_clock, host_ask);
    uint32_t gnt_n;
    pci_bus_state cur;
    pci_lines &lines = m_lines;
    uint64_t cbe = 0;
    uint32_t inta = 0;

    if (who != -2) {
        m_arb->grant(m_clock, who);
    }
    if (who == -1) {
        m_init.begin(m_pending);
    }
    gnt_n = m_arb->gnt_n(m_clock);
    m_drives[k_agent_host_initiator] = m_init.out();
    m_drives[k_agent_host_target] = m_tgt->out();
    for (unsigned i = 0; i < m_dev.size(); i++) {
        m_drives[k_agent_first_device + i] = m_dev[i].drive;
        inta |= (uint32_t)m_dev[i].inta << i;
    }
    if (m_init.fault() != EDU_RTL_FAULT_NONE) {
        pci_fault_apply(m_init.fault(), m_init.clock_in_txn(), m_drives);
    }
    lines = pci_lines{};
    for (unsigned a = 0; a < m_drives.size(); a++) {
        const pci_drive &d = m_drives[a];
        const uint32_t bit = 1u << a;

        if (m_ad_in[a] != d.ad) {
            b->ad_i[a] = d.ad; // only what changes: the model is wide
            m_ad_in[a] = d.ad;
        }
        cbe |= (uint64_t)(d.cbe_n & 0xf) << (4 * a);
        lines.oe[0] |= d.ad_oe ? bit : 0;
        lines.oe[1] |= d.cbe_oe ? bit : 0;
        lines.oe[2] |= d.par_oe ? bit : 0;
        lines.oe[3] |= d.frame_oe ? bit : 0;
        lines.oe[4] |= d.irdy_oe ? bit : 0;
        lines.oe[5] |= d.trdy_oe ? bit : 0;
        lines.oe[6] |= d.devsel_oe ? bit : 0;
        lines.oe[7] |= d.stop_oe ? bit : 0;
        lines.val[2] |= d.par ? bit : 0;
        lines.val[3] |= d.frame_n ? bit : 0;
        lines.val[4] |= d.irdy_n ? bit : 0;
        lines.val[5] |= d.trdy_n ? bit : 0;
        lines.val[6] |= d.devsel_n ? bit : 0;
        lines.val[7] |= d.stop_n ? bit : 0;
    }
    b->cbe_n_i = cbe;
    b->ad_oe_i = lines.oe[0];
    b->cbe_oe_i = lines.oe[1];
    b->par_i = lines.val[2];
    b->par_oe_i = lines.oe[2];
    b->frame_n_i = lines.val[3];
    b->frame_oe_i = lines.oe[3];
    b->irdy_n_i = lines.val[4];
    b->irdy_oe_i = lines.oe[4];
    b->trdy_n_i = lines.val[5];
    b->trdy_oe_i = lines.oe[5];
    b->devsel_n_i = lines.val[6];
    b->devsel_oe_i = lines.oe[6];
    b->stop_n_i = lines.val[7];
    b->stop_oe_i = lines.oe[7];
    b->inta_oe_i = inta;
    b->pci_clk = 1;
    b->eval();

    cur.ad = b->pci_ad;
    cur.cbe_n = b->pci_cbe_n;
    cur.par = b->pci_par;
    cur.frame_n = b->pci_frame_n;
    cur.irdy_n = b->pci_irdy_n;
    cur.trdy_n = b->pci_trdy_n;
    cur.devsel_n = b->pci_devsel_n;
    cur.stop_n = b->pci_stop_n;
    cur.inta_n = b->pci_inta_n;
    cur.contention = b->contention_o;
    cur.gnt_n = gnt_n;
    cur.req_n = ~0u;
    for (unsigned i = 0; i < m_dev.size(); i++) {
        rtl_device &d = m_dev[i];
        auto *m = models.dev[i];
        bool idsel = d.idsel_bit >= 0 && ((cur.ad >> d.idsel_bit) & 1);

        if (!d.req_n) {
            cur.req_n &= ~(1u << i);
        }
        cur.idsel |= (uint32_t)idsel << i;
        m->ad = cur.ad;
        m->cbe_n = cur.cbe_n;
        m->par = cur.par;
        m->frame_n = cur.frame_n;
        m->irdy_n = cur.irdy_n;
        m->trdy_n = cur.trdy_n;
        m->devsel_n = cur.devsel_n;
        m->stop_n = cur.stop_n;
        m->pci_idsel = idsel;
        m->pci_gnt_n = (gnt_n >> i) & 1;
    }
    // The first device's lines and state, under the waveforms' names.
    b->pci_idsel = cur.idsel & 1;
    b->pci_req_n = cur.req_n & 1;
    b->pci_gnt_n = gnt_n & 1;
    b->edu_status = m_dev[0].state.status;
    b->edu_irq_status = m_dev[0].state.irq_status;
    b->edu_fact_busy = m_dev[0].state.fact_busy;
    b->edu_dma_busy = m_dev[0].state.dma_busy;

    if (!m_mon->check(m_clock, cur, lines, m_gnt_n) && !m_no_monitor) {
        fail(m_mon->error());
    }
    if (m_record) {
        // The host side's drivers and GNT#: the stimulus of this clock.
        const pci_drive &i = m_drives[k_agent_host_initiator];
        const pci_drive &t = m_drives[k_agent_host_target];
        unsigned flags = (i.ad_oe || t.ad_oe) | (i.cbe_oe << 1) |
                         ((i.par_oe ? i.par : t.par) << 2) |
                         ((i.par_oe || t.par_oe) << 3) | (i.frame_n << 4) |
                         (i.frame_oe << 5) | (i.irdy_n << 6) |
                         (i.irdy_oe << 7) | (t.trdy_n << 8) | (t.trdy_oe << 9) |
                         (t.devsel_n << 10) | (t.devsel_oe << 11) |
                         (t.stop_n << 12) | (t.stop_oe << 13);

        std::fprintf(m_record, "%08x %x %04x %02x %08x %x\n",
                     i.ad_oe ? i.ad : t.ad, i.cbe_n & 0xf, flags, gnt_n & 0xff,
                     cur.ad,
                     cur.frame_n | cur.irdy_n << 1 | cur.trdy_n << 2 |
                         cur.devsel_n << 3);
    }
    m_bus_prev = cur;
    m_gnt_n = gnt_n;
    if (models.trace) {
        models.trace->dump(m_clock * m_clock_ns);
    }
    for (auto *m : models.dev) {
        m->pci_clk = 0;
        // Waveforms show the input logic at the falling edge: evaluated.
        if (models.trace || !forget_clock_high(m->rootp, 0)) {
            m->eval();
        }
    }
    if (models.trace) {
        b->pci_clk = 0;
        b->eval();
        models.trace->dump(m_clock * m_clock_ns + m_clock_ns / 2);
        trace_clock_done(models.trace, m_clock);
    }
    m_settled = true;
    return who == -1;
}

bool rtl_platform::quiescent() const
{
    if (!m_settled || !m_init.idle() || !m_tgt->idle() || !m_arb->idle() ||
        !m_mon->idle() || !m_bus_prev.idle()) {
        return false;
    }
    for (const auto &d : m_dev) {
        if (!d.idle || !d.req_n) {
            return false;
        }
    }
    for (uint32_t oe : m_lines.oe) {
        if (oe) {
            return false;
        }
    }
    return true;
}

void rtl_platform::run_until(uint64_t clock)
{
    while (m_clock < clock && !failed()) {
        if (!m_settled) {
            settle(k_never);
        }
        if (m_clock + 1 < clock && quiescent()) {
            m_clock = clock - 1; // nothing changes on an idle platform
        }
        rise();
    }
}

bool rtl_platform::transaction(const pci_request &req, pci_result *res)
{
    if (failed()) {
        return false;
    }
    run_until(m_host_now);
    m_pending = req;
    while (!failed() && !settle(m_host_now)) {
        rise();
    }
    for (;;) {
        if (failed()) {
            return false;
        }
        rise();
        if (m_init.done()) {
            break;
        }
        settle(k_never);
    }
    *res = m_init.result();
    m_host_now = m_clock;
    return !failed();
}

void rtl_platform::settle_masters()
{
    uint64_t limit = k_settle_limit;

    run_until(m_host_now);
    while (!failed() && m_arb->winner(m_clock, m_host_now) != -1) {
        if (--limit == 0) {
            fail("the bus stayed busy for " + std::to_string(k_settle_limit) +
                 " clocks");
            return;
        }
        settle(k_never);
        rise();
    }
}

void rtl_platform::advance(uint64_t clocks)
{
    m_host_now = clocks > UINT64_MAX - 1 - m_host_now ? UINT64_MAX - 1
                                                      : m_host_now + clocks;
}

int rtl_platform::next_event(uint64_t *clock)
{
    std::vector<EduState> before;
    uint64_t limit = k_settle_limit;

    sync();
    if (failed()) {
        return -EIO;
    }
    for (const auto &d : m_dev) {
        before.push_back(d.state);
    }
    for (;;) {
        if (!m_settled) {
            settle(k_never);
        }
        if (quiescent()) {
            return -ENOENT;
        }
        rise();
        if (failed()) {
            return -EIO;
        }
        for (size_t i = 0; i < m_dev.size(); i++) {
            const EduState &a = before[i];
            const EduState &b = m_dev[i].state;

            if (a.status != b.status || a.irq_status != b.irq_status ||
                a.fact_busy != b.fact_busy || a.dma_busy != b.dma_busy ||
                a.intx != b.intx) {
                *clock = m_clock;
                return 0;
            }
        }
        if (--limit == 0) {
            *clock = m_clock;
            return 0;
        }
    }
}

int rtl_platform::ram_access(uint64_t addr, void *buf, size_t len, bool write)
{
    if (addr > m_ram_size || len > m_ram_size - addr) {
        return -ERANGE;
    }
    settle_masters();
    if (failed()) {
        return -EIO;
    }
    if (write) {
        memcpy(m_ram + addr, buf, len);
    } else {
        memcpy(buf, m_ram + addr, len);
    }
    return 0;
}

int rtl_platform::intx()
{
    sync();
    if (failed()) {
        return -EIO;
    }
    for (auto it = m_inta_hist.rbegin(); it != m_inta_hist.rend(); ++it) {
        if (it->first <= m_host_now) {
            return it->second;
        }
    }
    return 0;
}

int rtl_platform::state(unsigned i, EduState *st)
{
    sync();
    if (failed()) {
        return -EIO;
    }
    if (i >= m_dev.size()) {
        return -EINVAL;
    }
    *st = m_dev[i].state;
    return 0;
}

int rtl_platform::finish()
{
    return m_fstm ? finish(*m_fstm) : finish(*m_vcdm);
}

template <class M> int rtl_platform::finish(M &models)
{
    const std::string tmp = models.tmp_path;

    if (!models.trace) {
        return 0;
    }
    sync();
    if (!m_settled) {
        settle(k_never);
    }
    models.trace->close();
    delete models.trace;
    models.trace = nullptr;
    if (std::rename(tmp.c_str(), m_vcd_path.c_str()) != 0) {
        int rc = -errno;

        std::remove(tmp.c_str());
        return rc;
    }
    return 0;
}

int rtl_platform::record(const char *path)
{
    if (m_record) {
        std::fclose(m_record);
    }
    m_record = std::fopen(path, "w");
    return m_record ? 0 : -errno;
}

} // namespace edu_rtl

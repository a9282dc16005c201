/*
 * The C shim: one SystemC simulation context per TlmSim.
 *
 * SystemC 2.3 elaborates once per simulation context and cannot go back
 * to elaboration after it has started; a C program (edu-tb) wants a fresh
 * platform for every scenario and seed, dozens of them in one process.
 * So each simulation gets a context of its own: created with the simulation,
 * made current on every call, deleted with the simulation.  The context
 * SystemC creates for itself when the library loads (where its global
 * events sc_event::none and sc_process_handle::non_event live) is never
 * deleted; it is current whenever no call of this shim runs.  docs/tlm.md
 * says why this and not a process per simulation, and what it relies on.
 */
#include "tlm_sim.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <type_traits>

#include "edu/bytes.h"
#include "platform_tlm.h"

using sc_core::sc_simcontext;
using sc_core::sc_time;

/* Standard layout, so that the platform interface's pointer to 'base' is
 * a pointer to the whole. */
struct TlmSim {
    EduPlatform base;
    sc_simcontext *ctx;
    platform_tlm *top;
    uint64_t ns_units; /* one ns in kernel time units */
    unsigned clock_ns;
    uint64_t max_clock; /* the CPU's time stops short of overflow */
};
static_assert(std::is_standard_layout<TlmSim>::value,
              "EduPlatform must start TlmSim");

namespace
{

/* The context SystemC made for itself at load time. */
sc_simcontext *s_base;

/* Makes sim's context current for the length of a call. */
class context_scope
{
  public:
    explicit context_scope(const TlmSim *sim)
    {
        sc_core::sc_curr_simcontext = sim->ctx;
        sc_core::sc_default_global_context = sim->ctx;
    }
    ~context_scope()
    {
        sc_core::sc_curr_simcontext = s_base;
        sc_core::sc_default_global_context = s_base;
    }
    context_scope(const context_scope &) = delete;
    context_scope &operator=(const context_scope &) = delete;
};

/* SystemC reports on stdout by default: a qtest session's stdout is its
 * answers.  Warnings and errors go to stderr; information is dropped. */
void report_to_stderr(const sc_core::sc_report &rep,
                      const sc_core::sc_actions &actions)
{
    sc_core::sc_actions rest = actions;

    if (actions & sc_core::SC_DISPLAY) {
        std::fprintf(stderr, "%s\n",
                     sc_core::sc_report_compose_message(rep).c_str());
        rest &= ~sc_core::SC_DISPLAY;
    }
    sc_core::sc_report_handler::default_handler(rep, rest);
}

void setup_once()
{
    if (s_base) {
        return;
    }
    s_base = sc_core::sc_get_curr_simcontext();
    sc_core::sc_report_handler::set_handler(report_to_stderr);
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO,
                                            sc_core::SC_DO_NOTHING);
    /* sc_start(SC_ZERO_TIME) with nothing to do is how we elaborate. */
    sc_core::sc_report_handler::set_actions(
        sc_core::SC_ID_NO_SC_START_ACTIVITY_, sc_core::SC_DO_NOTHING);
}

template <typename F> int guarded(TlmSim *sim, F &&f)
{
    context_scope scope(sim);

    try {
        return f();
    } catch (const std::exception &e) {
        return edu_platform_fail(&sim->base, -EIO, "tlm: %s", e.what());
    }
}

/* The text of a response the CPU does not accept: out of line, so that
 * check() stays a comparison in every caller. */
__attribute__((noinline, cold)) int bus_error(TlmSim *sim,
                                              tlm::tlm_response_status status)
{
    tlm::tlm_generic_payload gp;

    gp.set_response_status(status);
    return edu_platform_fail(&sim->base, -EIO, "tlm: the bus answered %s",
                             gp.get_response_string().c_str());
}

/* What the CPU accepts: a normal answer, or a master abort (the data is
 * what the host bridge gives then, as on a PC). */
inline int check(TlmSim *sim, tlm::tlm_response_status status)
{
    if (__builtin_expect(status == tlm::TLM_OK_RESPONSE ||
                             status == tlm::TLM_ADDRESS_ERROR_RESPONSE,
                         1)) {
        return 0;
    }
    return bus_error(sim, status);
}

bool valid_size(unsigned size, unsigned max)
{
    return size == 1 || size == 2 || size == 4 || (size == 8 && max == 8);
}

void set_error(char *err, size_t errlen, const std::string &why)
{
    if (err && errlen) {
        std::snprintf(err, errlen, "%s", why.c_str());
    }
}

/* A buffer access in pieces a payload can carry (its length is 32 bits),
 * each ending 8-aligned so that the host cuts them as one access. */
int buf_access(TlmSim *sim, bool write, uint64_t addr, uint8_t *buf, size_t len)
{
    return guarded(sim, [&] {
        while (len) {
            size_t n = std::min<size_t>(len, 1u << 30);
            int rc;

            if (n < len) {
                n -= (addr + n) & 7;
            }
            rc = check(sim, sim->top->cpu.mem(write, addr, buf,
                                              static_cast<unsigned>(n)));
            if (rc < 0) {
                return rc;
            }
            addr += n;
            buf += n;
            len -= n;
        }
        return 0;
    });
}

TlmSim *sim_of(EduPlatform *p)
{
    return reinterpret_cast<TlmSim *>(p);
}

/* A size the CPU cannot issue there: the caller's mistake, said. */
int bad_size(TlmSim *sim, unsigned size, const char *what)
{
    return edu_platform_fail(&sim->base, -EINVAL, "tlm: no %u-byte %s", size,
                             what);
}

void sim_destroy(EduPlatform *p)
{
    TlmSim *sim = sim_of(p);

    if (!sim) {
        return;
    }
    if (sim->ctx) {
        context_scope scope(sim);

        try {
            delete sim->top;
        } catch (const std::exception &) {
            /* A waveform that could not be completed: nothing to say it to. */
        }
        /* The modules' events are gone, but their pending timed
         * notifications stay queued, and a deleted context would not give
         * them back to SystemC's pool: looking for the next activity drops
         * every cancelled one. */
        sc_core::sc_pending_activity_at_future_time();
        delete sim->ctx;
    }
    delete sim;
}

int sim_finish(EduPlatform *p)
{
    TlmSim *sim = sim_of(p);

    return guarded(sim, [&] {
        std::string why;
        const int rc = sim->top->finish_trace(why);

        if (rc < 0) {
            return edu_platform_fail(p, rc, "tlm: waveform: %s", why.c_str());
        }
        return 0;
    });
}

int sim_io_read(EduPlatform *p, uint16_t port, unsigned size, uint32_t *val)
{
    TlmSim *sim = sim_of(p);
    uint8_t buf[8]; /* 8: see edu/bytes.h */

    if (!valid_size(size, 4)) {
        return bad_size(sim, size, "port read");
    }
    return guarded(sim, [&] {
        const int rc = check(sim, sim->top->cpu.io(false, port, buf, size));

        *val = static_cast<uint32_t>(edu_load_le(buf, size));
        return rc;
    });
}

int sim_io_write(EduPlatform *p, uint16_t port, uint32_t val, unsigned size)
{
    TlmSim *sim = sim_of(p);
    uint8_t buf[8]; /* 8: see edu/bytes.h */

    if (!valid_size(size, 4)) {
        return bad_size(sim, size, "port write");
    }
    edu_store_le(buf, val, size);
    return guarded(sim, [&] {
        return check(sim, sim->top->cpu.io(true, port, buf, size));
    });
}

/* Flattened: the CPU's access and the host's transport are inlined into
 * it (the platform interface calls it through a pointer: nothing of it is
 * inlined into its caller); the C model's access stays one call
 * (host_cpu.c). */
__attribute__((flatten)) int sim_mem_read(EduPlatform *p, uint64_t addr,
                                          unsigned size, uint64_t *val)
{
    TlmSim *sim = sim_of(p);
    uint8_t buf[8];

    if (!valid_size(size, 8)) {
        return bad_size(sim, size, "memory read");
    }
    return guarded(sim, [&] {
        const int rc = check(sim, sim->top->cpu.mem(false, addr, buf, size));

        *val = edu_load_le(buf, size);
        return rc;
    });
}

/* Flattened: as sim_mem_read. */
__attribute__((flatten)) int sim_mem_write(EduPlatform *p, uint64_t addr,
                                           uint64_t val, unsigned size)
{
    TlmSim *sim = sim_of(p);
    uint8_t buf[8];

    if (!valid_size(size, 8)) {
        return bad_size(sim, size, "memory write");
    }
    edu_store_le(buf, val, size);
    return guarded(sim, [&] {
        return check(sim, sim->top->cpu.mem(true, addr, buf, size));
    });
}

int sim_mem_read_buf(EduPlatform *p, uint64_t addr, void *buf, size_t len)
{
    return buf_access(sim_of(p), false, addr, static_cast<uint8_t *>(buf), len);
}

int sim_mem_write_buf(EduPlatform *p, uint64_t addr, const void *buf,
                      size_t len)
{
    /* The payload is not const; a write does not change the data. */
    return buf_access(sim_of(p), true, addr,
                      static_cast<uint8_t *>(const_cast<void *>(buf)), len);
}

/* RAM alone: the devices catch up with the CPU first. */
int ram_access(TlmSim *sim, bool write, uint64_t addr, void *buf, size_t len)
{
    return guarded(sim, [&] {
        sim->top->host.catch_up(sim->top->cpu.now());
        if (write ? sim->top->ram.write(addr, buf, len)
                  : sim->top->ram.read(addr, buf, len)) {
            return 0;
        }
        return edu_platform_fail(&sim->base, -ERANGE,
                                 "tlm: RAM 0x%llx+0x%zx is not all RAM",
                                 static_cast<unsigned long long>(addr), len);
    });
}

int sim_ram_read(EduPlatform *p, uint64_t addr, void *buf, size_t len)
{
    return ram_access(sim_of(p), false, addr, buf, len);
}

int sim_ram_write(EduPlatform *p, uint64_t addr, const void *buf, size_t len)
{
    return ram_access(sim_of(p), true, addr, const_cast<void *>(buf), len);
}

int sim_advance(EduPlatform *p, uint64_t ns)
{
    TlmSim *sim = sim_of(p);

    return guarded(sim, [&] {
        pci_host_tlm &host = sim->top->host;
        const uint64_t now = host.clock_at(sim->top->cpu.now());
        uint64_t clocks = edu_platform_clocks_from_ns(ns, sim->clock_ns);

        clocks =
            std::min(clocks, sim->max_clock - std::min(now, sim->max_clock));
        sim->top->cpu.advance(host.time_of(clocks));
        return 0;
    });
}

uint64_t sim_now_ns(EduPlatform *p)
{
    TlmSim *sim = sim_of(p);
    context_scope scope(sim);

    return sim->top->cpu.now().value() / sim->ns_units;
}

int sim_next_event_ns(EduPlatform *p, uint64_t *ns)
{
    TlmSim *sim = sim_of(p);

    return guarded(sim, [&] {
        const uint64_t next = sim->top->host.next_event(sim->top->cpu.now());

        if (next == PCI_NO_EVENT) {
            return -ENOENT;
        }
        *ns = sim->top->host.time_of(next).value() / sim->ns_units;
        return 0;
    });
}

/* INTA# as the CPU's interrupt input sees it: the kernel catches up with
 * the CPU, then the bus's INTA# signal is sampled. */
int sim_intx(EduPlatform *p)
{
    TlmSim *sim = sim_of(p);

    return guarded(sim, [&] {
        sim->top->cpu.sync();
        return sim->top->inta.read() ? 1 : 0;
    });
}

unsigned long sim_guest_errors(EduPlatform *p)
{
    return host_log(sim_of(p)->top->host.host())->guest_errors;
}

EduPlatform *sim_create_default(const EduPlatformConfig *cfg, char *err,
                                size_t errlen)
{
    return tlm_sim_create(cfg, nullptr, err, errlen);
}

} // namespace

extern "C" {

const EduPlatformOps edu_tlm_platform_ops = {
    "tlm",
    "the C model in SystemC TLM-2.0 sockets, through its C shim "
    "(time in PCI clocks of 30 ns)",
    sim_create_default,
    sim_destroy,
    sim_io_read,
    sim_io_write,
    sim_mem_read,
    sim_mem_write,
    sim_mem_read_buf,
    sim_mem_write_buf,
    sim_ram_read,
    sim_ram_write,
    sim_advance,
    sim_now_ns,
    sim_next_event_ns,
    sim_intx,
    sim_guest_errors,
    sim_finish,
};

EduPlatform *tlm_sim_create(const EduPlatformConfig *in,
                            const TlmSimOptions *opt, char *err, size_t errlen)
{
    static const TlmSimOptions defaults = {};
    EduPlatformConfig cfg;
    TlmSim *sim;
    platform_config pc;

    if (!opt) {
        opt = &defaults;
    }
    if (edu_platform_config_resolve(in, &cfg, err, errlen) < 0) {
        return nullptr;
    }
    if (cfg.vcd_path && cfg.fst) {
        set_error(err, errlen,
                  "tlm: no FST waveforms (no FST writer library in Debian; "
                  "docs/waves.md): write VCD");
        return nullptr;
    }
    setup_once();
    sim = new (std::nothrow) TlmSim();
    if (!sim) {
        set_error(err, errlen, "tlm: out of memory");
        return nullptr;
    }
    sim->base.ops = &edu_tlm_platform_ops;
    pc.ram_size = cfg.ram_size;
    pc.ram = cfg.ram;
    pc.edu_slots.assign(cfg.edu_slot, cfg.edu_slot + cfg.n_edu);
    pc.dma_mask = cfg.dma_mask;
    pc.quantum_keeper = !opt->no_quantum_keeper;
    pc.dmi = !opt->no_dmi;
    pc.quiet = cfg.quiet;
    pc.check_protocol = opt->check_protocol;
    pc.vcd_path = cfg.vcd_path ? cfg.vcd_path : "";
    try {
        sim->ctx = new sc_simcontext;
        context_scope scope(sim);

        pc.quantum = sc_time(
            static_cast<double>(opt->quantum_ns ? opt->quantum_ns
                                                : TLM_SIM_QUANTUM_NS_DEFAULT),
            sc_core::SC_NS);
        sim->top = new platform_tlm("top", pc);
        /* Elaboration and initialisation, at time 0. */
        sc_core::sc_start(sc_core::SC_ZERO_TIME);
        sim->ns_units = sc_time(1, sc_core::SC_NS).value();
        sim->clock_ns = host_clock_ns(sim->top->host.host());
        sim->max_clock = sc_core::sc_max_time().value() / 2 /
                         sim->top->host.clock_period().value();
    } catch (const std::exception &e) {
        set_error(err, errlen, std::string("tlm: ") + e.what());
        sim_destroy(&sim->base);
        return nullptr;
    }
    return &sim->base;
}

int tlm_sim_set_dmi(EduPlatform *p, bool on)
{
    TlmSim *sim = sim_of(p);

    return guarded(sim, [&] {
        sim->top->set_dmi(on);
        return 0;
    });
}

unsigned long tlm_sim_protocol_violations(EduPlatform *p)
{
    TlmSim *sim = sim_of(p);
    const unsigned long n = sim->top->protocol_violations();

    if (n) {
        edu_platform_fail(p, -EIO, "tlm: %s", sim->top->rules.first().c_str());
    }
    return n;
}

} /* extern "C" */

/*
 * The C shim: one SystemC simulation context per TlmSim.
 *
 * SystemC 2.3 elaborates once per simulation context and cannot go back
 * to elaboration after it has started; a C program (edu-tb) wants a fresh
 * platform for every scenario and seed, dozens of them in one process.
 * So each TlmSim gets a context of its own: created with the simulation,
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

#include "bytes.h"
#include "platform_tlm.h"

using edu_tlm_bytes::load_le;
using edu_tlm_bytes::store_le;
using sc_core::sc_simcontext;
using sc_core::sc_time;

struct TlmSim {
    sc_simcontext *ctx = nullptr;
    platform_tlm *top = nullptr;
    uint64_t ns_units = 0; /* one ns in kernel time units */
    unsigned clock_ns = 0;
    uint64_t max_clock = 0; /* the CPU's time stops short of overflow */
    std::string error;
};

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
        sim->error = e.what();
        return -EIO;
    }
}

/* What the CPU accepts: a normal answer, or a master abort (the data is
 * what the host bridge gives then, as on a PC). */
int check(TlmSim *sim, tlm::tlm_response_status status)
{
    if (status == tlm::TLM_OK_RESPONSE ||
        status == tlm::TLM_ADDRESS_ERROR_RESPONSE) {
        return 0;
    }
    tlm::tlm_generic_payload gp;

    gp.set_response_status(status);
    sim->error = "tlm_sim: the bus answered " + gp.get_response_string();
    return -EIO;
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

} // namespace

extern "C" {

TlmSim *tlm_sim_create(const TlmSimConfig *cfg, char *err, size_t errlen)
{
    static const TlmSimConfig defaults = {};
    TlmSim *sim;
    platform_config pc;

    if (!cfg) {
        cfg = &defaults;
    }
    if (cfg->n_edu > TLM_SIM_MAX_EDU) {
        set_error(err, errlen, "tlm_sim: too many edu devices");
        return nullptr;
    }
    setup_once();
    sim = new (std::nothrow) TlmSim;
    if (!sim) {
        set_error(err, errlen, "tlm_sim: out of memory");
        return nullptr;
    }
    pc.ram_size = cfg->ram_size;
    pc.edu_slots.assign(cfg->edu_slot, cfg->edu_slot + cfg->n_edu);
    pc.dma_mask = cfg->dma_mask;
    pc.quantum_keeper = !cfg->no_quantum_keeper;
    pc.dmi = !cfg->no_dmi;
    pc.quiet = cfg->quiet;
    pc.check_protocol = cfg->check_protocol;
    pc.vcd_path = cfg->vcd_path ? cfg->vcd_path : "";
    try {
        sim->ctx = new sc_simcontext;
        context_scope scope(sim);

        pc.quantum = sc_time(
            static_cast<double>(cfg->quantum_ns ? cfg->quantum_ns
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
        set_error(err, errlen, std::string("tlm_sim: ") + e.what());
        tlm_sim_destroy(sim);
        return nullptr;
    }
    return sim;
}

int tlm_sim_finish(TlmSim *sim)
{
    return guarded(sim, [&] {
        std::string why;
        const int rc = sim->top->finish_trace(why);

        if (rc < 0) {
            sim->error = "tlm_sim: waveform: " + why;
        }
        return rc;
    });
}

void tlm_sim_destroy(TlmSim *sim)
{
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

const char *tlm_sim_error(const TlmSim *sim)
{
    return sim->error.c_str();
}

int tlm_sim_io_read(TlmSim *sim, uint16_t port, unsigned size, uint32_t *val)
{
    uint8_t buf[8]; /* 8: see bytes.h */

    if (!valid_size(size, 4)) {
        return -EINVAL;
    }
    return guarded(sim, [&] {
        const int rc = check(sim, sim->top->cpu.io(false, port, buf, size));

        *val = static_cast<uint32_t>(load_le(buf, size));
        return rc;
    });
}

int tlm_sim_io_write(TlmSim *sim, uint16_t port, uint32_t val, unsigned size)
{
    uint8_t buf[8]; /* 8: see bytes.h */

    if (!valid_size(size, 4)) {
        return -EINVAL;
    }
    store_le(buf, val, size);
    return guarded(sim, [&] {
        return check(sim, sim->top->cpu.io(true, port, buf, size));
    });
}

int tlm_sim_mem_read(TlmSim *sim, uint64_t addr, unsigned size, uint64_t *val)
{
    uint8_t buf[8];

    if (!valid_size(size, 8)) {
        return -EINVAL;
    }
    return guarded(sim, [&] {
        const int rc = check(sim, sim->top->cpu.mem(false, addr, buf, size));

        *val = load_le(buf, size);
        return rc;
    });
}

int tlm_sim_mem_write(TlmSim *sim, uint64_t addr, uint64_t val, unsigned size)
{
    uint8_t buf[8];

    if (!valid_size(size, 8)) {
        return -EINVAL;
    }
    store_le(buf, val, size);
    return guarded(sim, [&] {
        return check(sim, sim->top->cpu.mem(true, addr, buf, size));
    });
}

int tlm_sim_mem_read_buf(TlmSim *sim, uint64_t addr, void *buf, size_t len)
{
    return buf_access(sim, false, addr, static_cast<uint8_t *>(buf), len);
}

int tlm_sim_mem_write_buf(TlmSim *sim, uint64_t addr, const void *buf,
                          size_t len)
{
    /* The payload is not const; a write does not change the data. */
    return buf_access(sim, true, addr,
                      static_cast<uint8_t *>(const_cast<void *>(buf)), len);
}

int tlm_sim_ram_read(TlmSim *sim, uint64_t addr, void *buf, size_t len)
{
    return guarded(sim, [&] {
        sim->top->host.catch_up(sim->top->cpu.now());
        return sim->top->ram.read(addr, buf, len) ? 0 : -ERANGE;
    });
}

int tlm_sim_ram_write(TlmSim *sim, uint64_t addr, const void *buf, size_t len)
{
    return guarded(sim, [&] {
        sim->top->host.catch_up(sim->top->cpu.now());
        return sim->top->ram.write(addr, buf, len) ? 0 : -ERANGE;
    });
}

int tlm_sim_advance(TlmSim *sim, uint64_t ns)
{
    return guarded(sim, [&] {
        pci_host_tlm &host = sim->top->host;
        const uint64_t now = host.clock_at(sim->top->cpu.now());
        uint64_t clocks = ns / sim->clock_ns + (ns % sim->clock_ns != 0);

        clocks =
            std::min(clocks, sim->max_clock - std::min(now, sim->max_clock));
        sim->top->cpu.advance(host.time_of(clocks));
        return 0;
    });
}

uint64_t tlm_sim_now_ns(TlmSim *sim)
{
    context_scope scope(sim);

    return sim->top->cpu.now().value() / sim->ns_units;
}

unsigned tlm_sim_clock_ns(const TlmSim *sim)
{
    return sim->clock_ns;
}

int tlm_sim_next_event_ns(TlmSim *sim, uint64_t *ns)
{
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
int tlm_sim_intx(TlmSim *sim)
{
    return guarded(sim, [&] {
        sim->top->cpu.sync();
        return sim->top->inta.read() ? 1 : 0;
    });
}

unsigned long tlm_sim_guest_errors(TlmSim *sim)
{
    return host_log(sim->top->host.host())->guest_errors;
}

int tlm_sim_set_dmi(TlmSim *sim, bool on)
{
    return guarded(sim, [&] {
        sim->top->set_dmi(on);
        return 0;
    });
}

unsigned long tlm_sim_protocol_violations(TlmSim *sim)
{
    const unsigned long n = sim->top->protocol_violations();

    if (n) {
        sim->error = sim->top->rules.first();
    }
    return n;
}

} /* extern "C" */

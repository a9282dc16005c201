/*
 * platform_tlm: the modules of the TLM view wired into one platform, and
 * its waveforms.
 */
#include "platform_tlm.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

using sc_core::sc_signal;

namespace
{

pci_host_config host_config(const platform_config &cfg, uint64_t ram_size)
{
    pci_host_config hc;

    hc.ram_size = ram_size;
    hc.clock_ns = cfg.clock_ns;
    hc.log_fn = cfg.log_fn;
    hc.log_opaque = cfg.log_opaque;
    hc.quiet = cfg.quiet;
    return hc;
}

/*
 * SystemC's VCD writer puts every signal in a top scope named "SystemC";
 * the one GTKWave layout of every view (waves/edu.gtkw) calls it "TOP".
 * The scope line is rewritten in place, padded to the same length (VCD
 * separates its words by any white space).
 */
int vcd_rename_top_scope(const std::string &file, std::string &err)
{
    static const char from[] = "$scope module SystemC $end";
    static const char to[] = "$scope module TOP     $end";
    static_assert(sizeof(from) == sizeof(to), "same length");
    char head[65536];
    FILE *f = std::fopen(file.c_str(), "r+b");
    size_t n;
    const char *at;
    int rc = 0;

    if (!f) {
        rc = -errno;
        err = "cannot open " + file + ": " + std::strerror(-rc);
        return rc;
    }
    n = std::fread(head, 1, sizeof(head) - 1, f);
    head[n] = '\0';
    at = std::strstr(head, from);
    if (!at) {
        err = file + ": no SystemC scope in the VCD header";
        rc = -EINVAL;
    } else if (std::fseek(f, at - head, SEEK_SET) != 0 ||
               std::fwrite(to, 1, sizeof(to) - 1, f) != sizeof(to) - 1) {
        rc = errno ? -errno : -EIO;
        err = "cannot write " + file + ": " + std::strerror(-rc);
    }
    if (std::fclose(f) != 0 && rc == 0) {
        rc = -errno;
        err = "cannot write " + file + ": " + std::strerror(-rc);
    }
    return rc;
}

} // namespace

platform_tlm::platform_tlm(const sc_core::sc_module_name &name,
                           const platform_config &cfg)
    : sc_core::sc_module(name), ram("ram", cfg.ram_size, cfg.ram),
      host("host", host_config(cfg, ram.size())), cpu("cpu"), inta("inta"),
      m_check(cfg.check_protocol), m_tf(nullptr)
{
    tlm::tlm_global_quantum::instance().set(cfg.quantum);
    cpu.set_quantum_keeper(cfg.quantum_keeper);
    cpu.set_dmi(cfg.dmi);
    host.set_dmi(cfg.dmi);
    bind(cpu.bus, host.cpu, "check_cpu");
    bind(host.ram, ram.mem, "check_ram");
    host.inta.bind(inta);
    for (size_t i = 0; i < cfg.edu_slots.size(); i++) {
        const std::string n = "edu" + std::to_string(i);
        edu_config ec;

        if (std::count(cfg.edu_slots.begin(), cfg.edu_slots.begin() + i,
                       cfg.edu_slots[i]) ||
            cfg.edu_slots[i] == 0) {
            throw std::system_error(EBUSY, std::generic_category(),
                                    "platform_tlm: slot taken");
        }
        ec.slot = cfg.edu_slots[i];
        ec.clock_ns = cfg.clock_ns;
        ec.log = host_log(host.host()); /* the host counts guest errors */
        edu_inta.push_back(
            std::make_unique<sc_signal<bool>>((n + "_inta").c_str()));
        edu.push_back(std::make_unique<edu_tlm>(n.c_str(), ec));
        /* Through the sockets only; the host finds the C model behind. */
        bind(host.config, edu.back()->config, "check_" + n + "_config");
        bind(host.bar, edu.back()->bar, "check_" + n + "_bar");
        bind(edu.back()->dma, host.dma, "check_" + n + "_dma");
        edu.back()->inta.bind(*edu_inta.back());
        if (cfg.dma_mask) {
            edu_set_dma_mask(edu.back()->device(), cfg.dma_mask);
        }
    }
    if (cfg.vcd_path.empty()) {
        return;
    }

    /* SystemC writes NAME.vcd for a trace file NAME; a run that dies
     * leaves vcd_path.tmp.vcd, never a half vcd_path. */
    std::vector<edu_tlm *> by_devfn;
    FILE *probe;

    m_vcd_path = cfg.vcd_path;
    m_vcd_file = m_vcd_path + ".tmp.vcd";
    probe = std::fopen(m_vcd_file.c_str(), "w");
    if (!probe) {
        throw std::system_error(errno, std::generic_category(),
                                "cannot write " + m_vcd_file);
    }
    std::fclose(probe);
    m_tf = sc_core::sc_create_vcd_trace_file((m_vcd_path + ".tmp").c_str());
    m_tf->set_time_unit(1, sc_core::SC_NS);
    host.trace_signals(m_tf);
    /* The first device (devfn order) at the top, as in the C model's. */
    for (auto &e : edu) {
        by_devfn.push_back(e.get());
    }
    std::sort(by_devfn.begin(), by_devfn.end(),
              [](const edu_tlm *a, const edu_tlm *b) {
                  return a->function()->devfn < b->function()->devfn;
              });
    for (size_t k = 0; k < by_devfn.size(); k++) {
        by_devfn[k]->trace_signals(m_tf,
                                   k ? "edu" + std::to_string(k) + "." : "");
    }
}

template <typename I, typename T>
void platform_tlm::bind(I &from, T &to, const std::string &name)
{
    if (!m_check) {
        from.bind(to);
        return;
    }
    m_checkers.push_back(std::make_unique<tlm_checker>(name.c_str(), rules));
    from.bind(m_checkers.back()->in);
    m_checkers.back()->out.bind(to);
}

void platform_tlm::set_dmi(bool on)
{
    cpu.set_dmi(on);
    host.set_dmi(on);
}

platform_tlm::~platform_tlm()
{
    std::string err;

    if (m_tf) {
        finish_trace(err);
    }
}

int platform_tlm::finish_trace(std::string &err)
{
    int rc;

    if (!m_tf) {
        return 0;
    }
    cpu.sync();
    sc_core::sc_close_vcd_trace_file(m_tf);
    m_tf = nullptr;
    rc = vcd_rename_top_scope(m_vcd_file, err);
    if (rc == 0 && std::rename(m_vcd_file.c_str(), m_vcd_path.c_str()) != 0) {
        rc = -errno;
        err = "cannot rename " + m_vcd_file + " to " + m_vcd_path + ": " +
              std::strerror(-rc);
    }
    if (rc < 0) {
        std::remove(m_vcd_file.c_str());
    }
    return rc;
}

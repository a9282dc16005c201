/*
 * platform_tlm: the whole TLM view, as qemu-system-x86_64 -machine pc
 * -device edu shows it: a CPU (cpu_tlm), the host bridge and bus 0
 * (pci_host_tlm), host RAM at 0 (ram_tlm) and edu devices (edu_tlm), wired
 * up, with optional VCD waveforms.  The C shim builds one per simulation;
 * a C++ program can build one too, or wire the modules itself.
 *
 *   cpu.bus --> host.cpu     host.ram --> ram.mem
 *               host.config ==> edu[i].config
 *               host.bar    ==> edu[i].bar
 *               host.dma   <==  edu[i].dma
 *               host.inta  --> inta (the bus's INTA#)
 *
 * With check_protocol a tlm_checker sits inline on every one of those
 * bindings (cpu, each device's config, bar and dma, ram) and counts what
 * breaks the base protocol (tlm_checker.h).
 */
#ifndef EDU_TLM_PLATFORM_TLM_H
#define EDU_TLM_PLATFORM_TLM_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "cpu_tlm.h"
#include "edu_tlm.h"
#include "pci_host_tlm.h"
#include "ram_tlm.h"
#include "tlm_checker.h"

struct platform_config {
    uint64_t ram_size = 0;              /* 0: 128 MiB */
    void *ram = nullptr; /* set: the caller's RAM (EduPlatformConfig.ram) */
    std::vector<unsigned> edu_slots{4}; /* bus 0 slots, function 0 */
    uint64_t dma_mask = 0;              /* 0: the device default */
    unsigned clock_ns = 0;              /* 0: 30 ns */
    /* How far the CPU may run ahead of the kernel. */
    sc_core::sc_time quantum = sc_core::sc_time(10, sc_core::SC_US);
    bool quantum_keeper = true; /* false: sync after every access */
    bool dmi = true;            /* false: RAM only by b_transport */
    bool quiet = false;         /* count guest errors only */
    EduLogFn log_fn = nullptr;  /* NULL: edu_log_stderr */
    void *log_opaque = nullptr;
    std::string vcd_path;        /* empty: no waveforms */
    bool check_protocol = false; /* a tlm_checker on every binding */
};

class platform_tlm : public sc_core::sc_module
{
  public:
    ram_tlm ram;
    pci_host_tlm host;
    cpu_tlm cpu;
    sc_core::sc_signal<bool> inta;
    std::vector<std::unique_ptr<sc_core::sc_signal<bool>>> edu_inta;
    std::vector<std::unique_ptr<edu_tlm>> edu; /* in edu_slots order */
    tlm_rule_log rules; /* what the checkers found (check_protocol) */

    /* Throws (std::exception, sc_core::sc_report) when it cannot be built:
     * the reason is in what(). */
    platform_tlm(const sc_core::sc_module_name &name,
                 const platform_config &cfg);
    ~platform_tlm() override;
    platform_tlm(const platform_tlm &) = delete;
    platform_tlm &operator=(const platform_tlm &) = delete;

    /* Completes the waveform: the kernel catches up with the CPU, the file
     * is closed and renamed to vcd_path.  0, or a negative errno with the
     * reason in 'err'.  Without waveforms, 0. */
    int finish_trace(std::string &err);

    /* DMI on or off for the CPU and the host's RAM port, at any time of
     * the run: pointers held are dropped, the next accesses go through
     * b_transport and ask again when the hint says so. */
    void set_dmi(bool on);

    /* Base-protocol violations the checkers counted (0 without them). */
    unsigned long protocol_violations() const
    {
        return rules.count();
    }

  private:
    /* Binds initiator socket 'from' to target socket 'to', through a new
     * checker called 'name' when checkers are on. */
    template <typename I, typename T>
    void bind(I &from, T &to, const std::string &name);

    bool m_check;
    std::vector<std::unique_ptr<tlm_checker>> m_checkers;
    sc_core::sc_trace_file *m_tf;
    std::string m_vcd_path;
    std::string m_vcd_file; /* what SystemC writes: vcd_path.tmp.vcd */
};

#endif /* EDU_TLM_PLATFORM_TLM_H */

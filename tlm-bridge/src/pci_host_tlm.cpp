/*
 * pci_host_tlm: the C model's host bridge and bus 0 behind TLM-2.0
 * sockets.  Every rule is the C model's (host.c, pci_bus.c); this file
 * turns what the C model hands its port into transactions, and keeps the
 * kernel's time and the C model's clock in step.
 */
#include "pci_host_tlm.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <new>

extern "C" {
#include "edu/timing.h"
}

#include "edu/bytes.h"

using sc_core::sc_time;
using tlm::tlm_generic_payload;

namespace
{

bool one_two_four_eight(unsigned len)
{
    return len == 1 || len == 2 || len == 4 || len == 8;
}

} // namespace

/* libsystemc's own main() calls sc_main; a program with a main of its own
 * (a C program through the shim, a test, a benchmark) never gets there,
 * but the linker wants one.  Weak: a program's own sc_main wins.  Here,
 * in the file every user of the bridge links. */
extern "C" __attribute__((weak)) int sc_main(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    std::fputs("edu-tlm: this program has no sc_main\n", stderr);
    return 1;
}

const PciBusPort pci_host_tlm::s_port = {
    pci_host_tlm::port_config_read, pci_host_tlm::port_config_write,
    pci_host_tlm::port_bar_read,    pci_host_tlm::port_bar_write,
    pci_host_tlm::port_master,      pci_host_tlm::port_ram,
};

pci_host_tlm::pci_host_tlm(const sc_core::sc_module_name &name,
                           const pci_host_config &cfg)
    : sc_core::sc_module(name), cpu("cpu"), config("config"), bar("bar"),
      dma("dma"), ram("ram"), inta("inta"), m_cpu_fw(*this), m_host(nullptr),
      m_bus(nullptr), m_aborts(0), m_now(0),
      m_clk(cfg.clock_ns ? cfg.clock_ns : EDU_CLOCK_NS_DEFAULT), m_t0(0),
      m_region_valid(false), m_region(HOST_REGION_NONE), m_region_first(0),
      m_region_last(0), m_master(nullptr), m_use_dmi(true),
      m_ram_dmi_valid(false), m_cpu_dmi_granted(false), m_run_at(PCI_NO_EVENT),
      m_inta_n("pci_inta_n", true), m_txn("tlm_txn"), m_cmd("tlm_cmd"),
      m_addr("tlm_addr"), m_late(0)
{
    HostConfig hc = {};

    hc.ram_size = cfg.ram_size;
    hc.clock_ns = cfg.clock_ns;
    hc.log_fn = cfg.log_fn;
    hc.log_opaque = cfg.log_opaque;
    hc.port = &s_port;
    hc.port_opaque = this;
    m_host = host_create(&hc);
    if (!m_host) {
        throw std::bad_alloc();
    }
    if (cfg.quiet) {
        host_log(m_host)->fn = nullptr; /* count only */
    }
    m_bus = host_bus(m_host);
    m_bus->note = note_hook;
    m_bus->note_opaque = this;
    for (unsigned k = 1; k < n_periods; k++) {
        m_periods[k] = m_periods[k - 1] + m_clk.period();
    }
    std::fill(m_index, m_index + 256, -1);

    cpu.bind(m_cpu_fw);
    dma.register_b_transport(this, &pci_host_tlm::dma_b_transport);
    ram.register_invalidate_direct_mem_ptr(this, &pci_host_tlm::ram_invalidate);
    inta.initialize(false);

    /* A thread: the devices' work sends DMA data with b_transport, which
     * may wait (IEEE 1666-2011 11.1.1.4). */
    SC_THREAD(run_devices);
    /* Also runs once at the start: the kernel has something to do when it
     * is started for elaboration (no "no activity" warning). */
    SC_METHOD(update_signals);
    sensitive << m_update_ev;
}

pci_host_tlm::~pci_host_tlm()
{
    host_destroy(m_host);
}

void pci_host_tlm::start_of_simulation()
{
    const size_t n = config.size();

    if (bar.size() != n || dma.size() != n) {
        SC_REPORT_ERROR(name(), "config, bar and dma need one binding each "
                                "per device");
        return;
    }
    m_config_if.resize(n);
    m_bar_if.resize(n);
    m_config_edu.resize(n);
    m_bar_edu.resize(n);
    for (size_t id = 0; id < n; id++) {
        m_config_if[id] = config[static_cast<int>(id)];
        m_bar_if[id] = bar[static_cast<int>(id)];
        m_config_edu[id] =
            fw_calls_behind<edu_tlm::config_interface>(m_config_if[id]);
        m_bar_edu[id] = fw_calls_behind<edu_tlm::bar_interface>(m_bar_if[id]);
    }
    join_devices();
}

/* Each config binding is asked for the C-model function behind it, which
 * then joins this bus at its devfn (pci_function_link.h). */
void pci_host_tlm::join_devices()
{
    m_links.assign(m_config_if.size(), nullptr);
    m_fns.assign(m_config_if.size(), nullptr);
    for (size_t id = 0; id < m_config_if.size(); id++) {
        tlm_generic_payload gp;
        pci_link_extension ext;
        PciFunction *fn;

        gp.set_command(tlm::TLM_IGNORE_COMMAND);
        gp.set_address(0);
        gp.set_data_ptr(nullptr);
        gp.set_data_length(0);
        gp.set_extension(&ext);
        m_config_if[id]->transport_dbg(gp);
        gp.clear_extension(&ext);
        if (!ext.link) {
            SC_REPORT_ERROR(name(), "a device without a C-model function");
            return;
        }
        fn = ext.link->pci_function();
        if (m_bus->fn[fn->devfn]) {
            SC_REPORT_ERROR(name(), "two functions at one devfn");
            return;
        }
        if (fn->bus) {
            pci_bus_detach(fn->bus, fn);
        }
        pci_bus_attach(m_bus, fn, fn->devfn);
        ext.link->joined(m_clk);
        m_index[fn->devfn] = static_cast<int>(id);
        m_links[id] = ext.link;
        m_fns[id] = fn;
    }
}

/* --- time ------------------------------------------------------------- */

/* The C model's clock follows the CPU: it moves on to the CPU's time. */
void pci_host_tlm::catch_up(const sc_time &t)
{
    advance_to(clock_at(t));
    report_port_error();
}

void pci_host_tlm::advance_to(uint64_t clock)
{
    if (clock > m_now) {
        host_advance(m_host, clock - m_now);
        m_now = clock;
        schedule_run();
    }
}

uint64_t pci_host_tlm::next_event(const sc_time &now)
{
    uint64_t next;

    catch_up(now);
    next = host_next_event(m_host);
    schedule_run();
    report_port_error();
    return next;
}

void pci_host_tlm::set_dmi(bool on)
{
    m_use_dmi = on;
    m_ram_dmi_valid = false;
    if (!on && m_cpu_dmi_granted) {
        revoke_dmi();
    }
}

void pci_host_tlm::revoke_dmi()
{
    m_cpu_dmi_granted = false;
    cpu->invalidate_direct_mem_ptr(0, ~static_cast<sc_dt::uint64>(0));
}

void pci_host_tlm::run_devices()
{
    for (;;) {
        sc_core::wait(m_run_ev);
        m_run_at = PCI_NO_EVENT;
        pci_bus_run(m_bus, kernel_clock());
        schedule_run();
        report_port_error();
    }
}

/* --- cpu -------------------------------------------------------------- */

/* A CPU transaction starts at the first clock edge at or after the
 * initiator's time (the end of its previous one, usually); the C model's
 * clock moves there.  Returns the master aborts so far. */
/* (Hot path: inlined into both callers.) */
__attribute__((always_inline)) inline unsigned long
pci_host_tlm::cpu_begin(const sc_time &delay)
{
    m_stamp = kernel_time();
    const sc_time start = m_stamp + delay;

    if (__builtin_expect(start.value() == m_clk.remembered_value(), 1)) {
        /* Where the last one ended (a clock edge): the usual case. */
        m_t0 = m_clk.remembered_clock();
        m_d0 = delay;
    } else {
        const uint64_t ps = m_clk.period_value();

        m_t0 = (start.value() + ps - 1) / ps;
        m_d0 = start.value() == m_t0 * ps ? delay : delay_from(m_stamp, m_t0);
    }
    if (__builtin_expect(m_t0 > m_now, 0)) {
        advance_to(m_t0);
    }
    m_ram_delay = m_d0;
    return m_aborts;
}

/* The C model has booked the transaction: the CPU goes on at its end. */
__attribute__((always_inline)) inline void
pci_host_tlm::cpu_end(tlm_generic_payload &gp, sc_time &delay,
                      unsigned long aborts)
{
    m_now = host_now(m_host);
    delay = cpu_delay(m_now);
    m_aborts = host_master_aborts(m_host);
    gp.set_response_status(m_aborts == aborts
                               ? tlm::TLM_OK_RESPONSE
                               : tlm::TLM_ADDRESS_ERROR_RESPONSE);
    report_port_error();
}

/* (Hot path: fw_calls inlines it into its callers.) */
void pci_host_tlm::cpu_b_transport(tlm_generic_payload &gp, sc_time &delay)
{
    const unsigned len = gp.get_data_length();
    const tlm::tlm_command cmd = gp.get_command();

    if (cmd == tlm::TLM_IGNORE_COMMAND || gp.get_byte_enable_ptr() ||
        len == 0 || gp.get_streaming_width() < len) {
        gp.set_response_status(
            cmd == tlm::TLM_IGNORE_COMMAND ? tlm::TLM_OK_RESPONSE
            : gp.get_byte_enable_ptr()     ? tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE
                                           : tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    if (gp.get_extension<pci_io_extension>()) {
        cpu_io(gp, delay);
        return;
    }

    const uint64_t addr = gp.get_address();
    const bool write = cmd == tlm::TLM_WRITE_COMMAND;
    uint8_t *data = gp.get_data_ptr();
    const unsigned long aborts = cpu_begin(delay);

    if (one_two_four_eight(len)) {
        if (write) {
            host_mem_write(m_host, addr, edu_load_le(data, len), len);
        } else {
            uint64_t v = 0;

            host_mem_read(m_host, addr, len, &v);
            edu_store_le(data, v, len);
        }
    } else if (write) {
        host_mem_write_buf(m_host, addr, data, len);
    } else {
        host_mem_read_buf(m_host, addr, data, len);
    }
    cpu_end(gp, delay, aborts);
    gp.set_dmi_allowed(m_use_dmi && m_bus->next_event == PCI_NO_EVENT &&
                       dmi_hint(addr, len));
    after_cpu_access(false);
}

/* Port I/O: 1, 2 or 4 bytes at a port up to 0xffff. */
void pci_host_tlm::cpu_io(tlm_generic_payload &gp, sc_time &delay)
{
    const uint64_t port = gp.get_address();
    const unsigned len = gp.get_data_length();
    const bool write = gp.is_write();
    uint8_t *data = gp.get_data_ptr();
    unsigned long aborts;

    gp.set_dmi_allowed(false);
    if (len != 1 && len != 2 && len != 4) {
        gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    if (port > 0xffff) {
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    aborts = cpu_begin(delay);
    if (write) {
        host_io_write(m_host, static_cast<uint16_t>(port),
                      static_cast<uint32_t>(edu_load_le(data, len)), len);
        m_region_valid = false; /* a BAR may have moved */
    } else {
        uint32_t v = 0;

        host_io_read(m_host, static_cast<uint16_t>(port), len, &v);
        edu_store_le(data, v, len);
    }
    cpu_end(gp, delay, aborts);
    after_cpu_access(write);
}

/* Debug access through the memory map: RAM and the devices' debug
 * transport, as far as the region at the address goes; port I/O and
 * unclaimed memory give nothing. */
unsigned int pci_host_tlm::cpu_transport_dbg(tlm_generic_payload &gp)
{
    const uint64_t addr = gp.get_address();
    const unsigned int len = gp.get_data_length();
    uint64_t first;
    uint64_t last;
    HostRegion region;
    unsigned int n = 0;

    if (gp.get_extension<pci_io_extension>() || len == 0) {
        return 0;
    }
    region = host_mem_region(m_host, addr, &first, &last);
    if (len - 1 > last - addr) {
        gp.set_data_length(static_cast<unsigned int>(last - addr + 1));
    }
    if (region == HOST_REGION_RAM) {
        n = ram->transport_dbg(gp);
    } else if (region == HOST_REGION_BAR) {
        const PciBarWindow *w = pci_bus_find_window(m_bus, addr);
        const int id = m_index[w->fn->devfn];

        if (id >= 0) {
            gp.set_address(addr - w->base);
            n = bar[id]->transport_dbg(gp);
            gp.set_address(addr);
        }
    }
    gp.set_data_length(len);
    return n;
}

bool pci_host_tlm::cpu_get_direct_mem_ptr(tlm_generic_payload &gp,
                                          tlm::tlm_dmi &dmi)
{
    const uint64_t addr = gp.get_address();
    uint64_t first;
    uint64_t last;
    HostRegion region = host_mem_region(m_host, addr, &first, &last);
    bool granted = false;

    dmi.init();
    if (gp.get_extension<pci_io_extension>()) {
        return false;
    }
    if (region == HOST_REGION_RAM && m_use_dmi &&
        m_bus->next_event == PCI_NO_EVENT) {
        granted = ram->get_direct_mem_ptr(gp, dmi);
    } else if (region == HOST_REGION_BAR) {
        const PciBarWindow *w = pci_bus_find_window(m_bus, addr);
        int id = m_index[w->fn->devfn];

        if (id >= 0) {
            gp.set_address(addr - w->base);
            granted = bar[id]->get_direct_mem_ptr(gp, dmi);
            gp.set_address(addr);
            dmi.set_start_address(dmi.get_start_address() + w->base);
            dmi.set_end_address(dmi.get_end_address() + w->base);
        }
    }
    if (!granted) {
        /* Refused for the whole region around addr. */
        dmi.init();
        dmi.set_start_address(first);
        dmi.set_end_address(last);
        return false;
    }
    /* Only as far as the region: BAR windows may sit inside RAM. */
    if (dmi.get_start_address() < first) {
        dmi.set_dmi_ptr(dmi.get_dmi_ptr() + (first - dmi.get_start_address()));
        dmi.set_start_address(first);
    }
    if (dmi.get_end_address() > last) {
        dmi.set_end_address(last);
    }
    m_cpu_dmi_granted = true;
    return true;
}

/* --- the C model's port ------------------------------------------------ */

/* A configuration or BAR transaction to device 'id', data phase at 'now'.
 * The C model has routed it and booked its clocks; a device never fails a
 * transaction the host cut, so a failure here is the bridge's bug. */
/* (Hot path: inlined into the four port functions.) */
__attribute__((always_inline)) inline bool
pci_host_tlm::device_access(int id, tlm::tlm_command cmd, uint64_t addr,
                            uint8_t *data, unsigned len, uint64_t now, bool cfg)
{
    tlm_generic_payload &gp = m_dev_gp;
    sc_time delay = cpu_delay(now);

    /* Every attribute a target may set is set again: the payload is reused
     * (14.16, 14.17; byte enables stay NULL in this one of ours). */
    gp.set_command(cmd);
    gp.set_address(addr);
    gp.set_data_ptr(data);
    gp.set_data_length(len);
    gp.set_streaming_width(len);
    gp.set_dmi_allowed(false);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    if (cfg) {
        fw_b_transport(m_config_edu[id], m_config_if[id], gp, delay);
    } else {
        fw_b_transport(m_bar_edu[id], m_bar_if[id], gp, delay);
    }
    if (gp.is_response_error()) {
        port_error("a device refused a transaction: " +
                   gp.get_response_string());
        return false;
    }
    return true;
}

/* A failure inside the C model's call to the port: reported once the C
 * model has returned (no exception crosses its frames). */
void pci_host_tlm::port_error(const std::string &what)
{
    if (m_port_error.empty()) {
        m_port_error = what;
    }
}

void pci_host_tlm::report_port_error_now()
{
    const std::string what = m_port_error;

    m_port_error.clear();
    SC_REPORT_ERROR(name(), what.c_str());
}

uint32_t pci_host_tlm::port_config_read(void *opaque, PciFunction *fn,
                                        unsigned off, unsigned len,
                                        uint64_t now)
{
    auto *self = static_cast<pci_host_tlm *>(opaque);
    const int id = self->m_index[fn->devfn];
    uint8_t data[8] = {0, 0, 0, 0, 0, 0, 0, 0}; /* 8: see edu/bytes.h */

    if (id < 0) {
        /* The host bridge's own configuration space. */
        return pci_fn_config_read(fn, off, len);
    }
    if (!self->device_access(id, tlm::TLM_READ_COMMAND, off, data, len, now,
                             true)) {
        return UINT32_MAX;
    }
    return static_cast<uint32_t>(edu_load_le(data, len));
}

void pci_host_tlm::port_config_write(void *opaque, PciFunction *fn,
                                     unsigned off, uint32_t val, unsigned len,
                                     uint64_t now)
{
    auto *self = static_cast<pci_host_tlm *>(opaque);
    const int id = self->m_index[fn->devfn];
    uint8_t data[8]; /* 8: see edu/bytes.h */

    if (id < 0) {
        pci_fn_config_write(fn, off, val, len, now);
        return;
    }
    edu_store_le(data, val, len);
    self->device_access(id, tlm::TLM_WRITE_COMMAND, off, data, len, now, true);
}

/* Flattened: the edu device's transport is inlined, socket hop and all. */
__attribute__((flatten)) uint64_t
pci_host_tlm::port_bar_read(void *opaque, PciFunction *fn, int bar,
                            uint64_t off, unsigned size, uint64_t now)
{
    auto *self = static_cast<pci_host_tlm *>(opaque);
    const int id = self->m_index[fn->devfn];
    uint8_t data[8];

    if (id < 0 || bar != 0) {
        /* Only the edu devices have BARs, and only BAR0. */
        return pci_fn_bar_read(fn, bar, off, size, now);
    }
    if (!self->device_access(id, tlm::TLM_READ_COMMAND, off, data, size, now,
                             false)) {
        return UINT64_MAX;
    }
    return edu_load_le(data, size);
}

__attribute__((flatten)) void
pci_host_tlm::port_bar_write(void *opaque, PciFunction *fn, int bar,
                             uint64_t off, uint64_t val, unsigned size,
                             uint64_t now)
{
    auto *self = static_cast<pci_host_tlm *>(opaque);
    const int id = self->m_index[fn->devfn];
    uint8_t data[8];

    if (id < 0 || bar != 0) {
        pci_fn_bar_write(fn, bar, off, val, size, now);
        return;
    }
    edu_store_le(data, val, size);
    self->device_access(id, tlm::TLM_WRITE_COMMAND, off, data, size, now,
                        false);
}

/* A device's bus-master access leaves through its own dma socket and comes
 * back in on dma_b_transport. */
void pci_host_tlm::port_master(void *opaque, PciFunction *fn, bool write,
                               uint64_t addr, void *buf, size_t len,
                               uint64_t now)
{
    auto *self = static_cast<pci_host_tlm *>(opaque);
    const int id = self->m_index[fn->devfn];

    if (id < 0) {
        pci_bus_master_access(self->m_bus, fn, write, addr, buf, len);
        return;
    }
    PciFunction *const outer = self->m_master;

    self->m_master = fn;
    self->m_links[id]->master(write, addr, buf, len, now);
    self->m_master = outer;
}

void pci_host_tlm::port_ram(void *opaque, bool write, uint64_t addr, void *buf,
                            size_t len)
{
    static_cast<pci_host_tlm *>(opaque)->ram_access(
        write, addr, static_cast<uint8_t *>(buf), len);
}

void pci_host_tlm::ram_access(bool write, uint64_t addr, uint8_t *buf,
                              size_t len)
{
    tlm_generic_payload &gp = m_ram_gp;
    sc_time delay = m_ram_delay;

    if (m_use_dmi && !m_ram_dmi_valid) {
        gp.set_address(addr);
        gp.set_command(tlm::TLM_READ_COMMAND);
        m_ram_dmi.init(); /* reused: as new for every request (11.2.5) */
        m_ram_dmi_valid = ram->get_direct_mem_ptr(gp, m_ram_dmi) &&
                          m_ram_dmi.is_read_write_allowed();
    }
    if (m_ram_dmi_valid && len && addr >= m_ram_dmi.get_start_address() &&
        addr <= m_ram_dmi.get_end_address() &&
        len - 1 <= m_ram_dmi.get_end_address() - addr) {
        uint8_t *p =
            m_ram_dmi.get_dmi_ptr() + (addr - m_ram_dmi.get_start_address());

        if (write) {
            std::copy(buf, buf + len, p);
        } else {
            std::copy(p, p + len, buf);
        }
        return;
    }
    /* The C model asks only for bytes inside RAM; the data length of a
     * payload is 32 bits, so a huge copy goes in pieces. */
    while (len) {
        const unsigned n =
            static_cast<unsigned>(std::min<size_t>(len, 1u << 30));

        gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        gp.set_address(addr);
        gp.set_data_ptr(buf);
        gp.set_data_length(n);
        gp.set_streaming_width(n);
        gp.set_byte_enable_ptr(nullptr);
        gp.set_byte_enable_length(0);
        gp.set_dmi_allowed(false); /* reused: RAM set it last time (14.16) */
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        ram->b_transport(gp, delay);
        if (gp.is_response_error()) {
            port_error("RAM refused an access: " + gp.get_response_string());
            return;
        }
        addr += n;
        buf += n;
        len -= n;
    }
}

void pci_host_tlm::ram_invalidate(sc_dt::uint64 start, sc_dt::uint64 end)
{
    if (m_ram_dmi_valid && start <= m_ram_dmi.get_end_address() &&
        end >= m_ram_dmi.get_start_address()) {
        m_ram_dmi_valid = false;
    }
}

/* --- dma -------------------------------------------------------------- */

/* Bus-master gating and the master abort past RAM are the C model's
 * (pci_bus_master_access); what reaches RAM goes out on 'ram'. */
void pci_host_tlm::dma_b_transport(int id, tlm_generic_payload &gp,
                                   sc_time &delay)
{
    int rc;

    if (gp.get_byte_enable_ptr()) {
        gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    if (gp.get_streaming_width() < gp.get_data_length()) {
        gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    if (gp.is_read() == gp.is_write()) {
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    const sc_time outer = m_ram_delay; /* a DMA inside a CPU access */

    m_ram_delay = delay;
    rc = pci_bus_master_access(m_bus, m_master ? m_master : m_fns[id],
                               gp.is_write(), gp.get_address(),
                               gp.get_data_ptr(), gp.get_data_length());
    m_ram_delay = outer;
    gp.set_response_status(rc == 0         ? tlm::TLM_OK_RESPONSE
                           : rc == -EACCES ? tlm::TLM_GENERIC_ERROR_RESPONSE
                                           : tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

/* --- signals ----------------------------------------------------------- */

void pci_host_tlm::note_hook(void *opaque, PciFunction *fn, uint64_t when)
{
    auto *self = static_cast<pci_host_tlm *>(opaque);
    const int id = self->m_index[fn->devfn];

    if (when < self->kernel_clock()) {
        self->m_late++;
    }
    self->m_intx_q.push(when, pci_bus_intx(self->m_bus));
    self->schedule_update();
    if (id >= 0) {
        self->m_links[id]->note(when);
    }
}

void pci_host_tlm::trace_hook(void *opaque, const PciTxn *txn)
{
    auto *self = static_cast<pci_host_tlm *>(opaque);

    self->m_marker_q.push(txn->start + txn->arb,
                          marker{pci_txn_command(txn->kind), txn->addr});
    self->schedule_update();
}

void pci_host_tlm::schedule_update()
{
    uint64_t next = PCI_NO_EVENT;

    if (!m_intx_q.empty()) {
        next = m_intx_q.front_clock();
    }
    if (!m_marker_q.empty()) {
        next = std::min(next, m_marker_q.front_clock());
    }
    if (next != PCI_NO_EVENT) {
        m_update_ev.notify(delay_to(next));
    }
}

void pci_host_tlm::update_signals()
{
    const uint64_t now = kernel_clock();
    bool level = false;
    marker mk = {0, 0};
    size_t n;

    if (m_intx_q.pop_due(now, &level)) {
        inta.write(level);
        m_inta_n.write(!level);
    }
    n = m_marker_q.pop_due(now, &mk);
    if (n) {
        m_txn.write(m_txn.read() + static_cast<uint32_t>(n));
        m_cmd.write(mk.cmd);
        m_addr.write(static_cast<uint32_t>(mk.addr));
    }
    schedule_update();
}

void pci_host_tlm::trace_signals(sc_core::sc_trace_file *tf)
{
    sc_core::sc_trace(tf, m_inta_n, "pci_inta_n");
    sc_core::sc_trace(tf, m_txn, "tlm_txn");
    sc_core::sc_trace(tf, m_cmd, "tlm_cmd");
    sc_core::sc_trace(tf, m_addr, "tlm_addr");
    /* The marker needs every transaction: the C model then books DMA
     * bursts one by one (same clocks, more work). */
    m_bus->trace = trace_hook;
    m_bus->trace_opaque = this;
}

template class fw_calls<pci_host_tlm, &pci_host_tlm::cpu_b_transport,
                        &pci_host_tlm::cpu_transport_dbg,
                        &pci_host_tlm::cpu_get_direct_mem_ptr>;

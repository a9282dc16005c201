/*
 * edu_tlm: one edu device of the C model behind TLM-2.0 sockets.  The
 * register rules are the C model's (c-model/src/edu.c); this file checks
 * the shape of a transaction, calls the C function and answers.
 */
#include "edu_tlm.h"

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "edu/bytes.h"

extern "C" {
#include "edu/timing.h"
}

using sc_core::sc_time;
using tlm::tlm_generic_payload;
using tlm::tlm_response_status;

const PciBusPort edu_tlm::s_port = {
    edu_tlm::port_config_read, edu_tlm::port_config_write,
    edu_tlm::port_bar_read,    edu_tlm::port_bar_write,
    edu_tlm::port_master,      edu_tlm::port_ram,
};

edu_tlm::edu_tlm(const sc_core::sc_module_name &name, const edu_config &cfg)
    : sc_core::sc_module(name), config("config"), bar("bar"), dma("dma"),
      inta("inta"), m_config_fw(*this), m_bar_fw(*this), m_own_log(),
      m_log(cfg.log ? cfg.log : &m_own_log),
      m_own_clock(cfg.clock_ns ? cfg.clock_ns : EDU_CLOCK_NS_DEFAULT),
      m_clk(&m_own_clock), m_joined(false), m_master_clock(0),
      m_work_at(PCI_NO_EVENT), m_late(0), m_edu(nullptr), m_fn(nullptr),
      m_bar_size(0), m_bar_lens(0), m_status("edu_status"),
      m_irq_status("edu_irq_status"), m_fact_busy("edu_fact_busy"),
      m_dma_busy("edu_dma_busy")
{
    if (cfg.slot > 31 || cfg.func > 7) {
        throw std::system_error(EINVAL, std::generic_category(),
                                "edu_tlm: no such slot or function");
    }
    m_own_log.fn = cfg.quiet    ? nullptr
                   : cfg.log_fn ? cfg.log_fn
                                : edu_log_stderr;
    m_own_log.opaque = cfg.log_opaque;
    /* Its own bus: everything past the device is the dma socket's. */
    pci_bus_init(&m_bus, nullptr, UINT64_MAX, m_log);
    m_bus.port = &s_port;
    m_bus.port_opaque = this;
    m_bus.note = note_hook;
    m_bus.note_opaque = this;
    m_edu = edu_create(&m_bus, PCI_DEVFN(cfg.slot, cfg.func), m_log);
    if (!m_edu) {
        throw std::system_error(errno, std::generic_category(),
                                "edu_tlm: cannot create the device");
    }
    m_fn = edu_function(m_edu);
    m_bar_size = m_fn->cfg.bar_size[0];
    for (unsigned len = 1; len <= 8; len *= 2) {
        if (pci_fn_bar_access_valid(m_fn, len)) {
            m_bar_lens |= 1u << len;
        }
    }
    config.bind(m_config_fw);
    bar.bind(m_bar_fw);
    inta.initialize(false);

    SC_METHOD(update_signals);
    sensitive << m_update_ev;
    dont_initialize();
    /* A thread: its DMA data leaves on b_transport, which may wait. */
    SC_THREAD(run_work);
}

edu_tlm::~edu_tlm()
{
    edu_destroy(m_edu); /* off whichever bus it is on */
}

namespace
{

bool power_of_two(unsigned len)
{
    return len && !(len & (len - 1));
}

/* --- shape checks ------------------------------------------------------ */

/* A BAR access is one data phase of 1, 2, 4 or 8 bytes, naturally aligned
 * (the C model's host cuts every CPU access that way), of a size the BAR
 * takes, inside the BAR.  'lens' has bit n set for the n that pass the
 * size tests (worked out once from the C model's rule). */
inline tlm_response_status bar_check(const tlm_generic_payload &gp,
                                     const PciFunction *fn, uint64_t size,
                                     unsigned lens)
{
    const uint64_t off = gp.get_address();
    const unsigned len = gp.get_data_length();

    if (!gp.get_byte_enable_ptr() && gp.get_streaming_width() >= len &&
        len < 16 && (lens >> len & 1) && !(off & (len - 1)) && off < size &&
        len <= size - off) {
        return tlm::TLM_OK_RESPONSE; /* the usual case, in one go */
    }
    if (gp.get_byte_enable_ptr()) {
        return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
    }
    if (gp.get_streaming_width() < len || !power_of_two(len) || len > 8) {
        return tlm::TLM_BURST_ERROR_RESPONSE;
    }
    if ((off & (len - 1)) || off >= size || len > size - off) {
        return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    }
    if (!pci_fn_bar_access_valid(fn, len)) {
        return tlm::TLM_BURST_ERROR_RESPONSE;
    }
    return tlm::TLM_OK_RESPONSE;
}

/* A configuration access is 1, 2 or 4 bytes starting in the 256 bytes of
 * the space.  Where it starts and how far it reaches is the C model's
 * business: CONFIG_ADDRESS may have its low bits set (QEMU ORs them in),
 * and bytes past 0xff read 0 and are dropped (pci_cfg_read/write). */
inline tlm_response_status config_check(const tlm_generic_payload &gp)
{
    const uint64_t off = gp.get_address();
    const unsigned len = gp.get_data_length();

    if (gp.get_byte_enable_ptr()) {
        return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
    }
    if (gp.get_streaming_width() < len || !power_of_two(len) || len > 4) {
        return tlm::TLM_BURST_ERROR_RESPONSE;
    }
    if (off >= PCI_CONFIG_SIZE) {
        return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    }
    return tlm::TLM_OK_RESPONSE;
}

} // namespace

/* --- transport ---------------------------------------------------------- */

/* (Hot path: fw_calls inlines it into its callers.) */
void edu_tlm::bar_b_transport(tlm_generic_payload &gp, sc_time &delay)
{
    const tlm_response_status status =
        bar_check(gp, m_fn, m_bar_size, m_bar_lens);
    const tlm::tlm_command cmd = gp.get_command();
    const uint64_t off = gp.get_address();
    const unsigned len = gp.get_data_length();
    uint64_t now;

    if (status != tlm::TLM_OK_RESPONSE || cmd == tlm::TLM_IGNORE_COMMAND) {
        gp.set_response_status(status);
        return;
    }
    /* The device first does its work up to the data phase. */
    now = clock_of(delay);
    pci_bus_run(m_fn->bus, now);
    if (cmd == tlm::TLM_READ_COMMAND) {
        edu_store_le(gp.get_data_ptr(), pci_fn_bar_read(m_fn, 0, off, len, now),
                 len);
    } else {
        pci_fn_bar_write(m_fn, 0, off, edu_load_le(gp.get_data_ptr(), len), len,
                         now);
    }
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    schedule_work();
}

void edu_tlm::config_b_transport(tlm_generic_payload &gp, sc_time &delay)
{
    const tlm_response_status status = config_check(gp);
    const unsigned off = static_cast<unsigned>(gp.get_address());
    const unsigned len = gp.get_data_length();
    uint64_t now;

    if (status != tlm::TLM_OK_RESPONSE || gp.is_read() == gp.is_write()) {
        gp.set_response_status(status);
        return;
    }
    now = clock_of(delay);
    pci_bus_run(m_fn->bus, now);
    if (gp.is_read()) {
        edu_store_le(gp.get_data_ptr(), pci_fn_config_read(m_fn, off, len), len);
    } else {
        pci_fn_config_write(
            m_fn, off, static_cast<uint32_t>(edu_load_le(gp.get_data_ptr(), len)),
            len, now);
    }
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    schedule_work();
}

/* Reads only, and nothing else: no catching up, no time, no note.  The C
 * model's register and configuration reads have no side effects. */
unsigned int edu_tlm::bar_transport_dbg(tlm_generic_payload &gp)
{
    const unsigned len = gp.get_data_length();

    if (!gp.is_read() ||
        bar_check(gp, m_fn, m_bar_size, m_bar_lens) != tlm::TLM_OK_RESPONSE) {
        return 0;
    }
    edu_store_le(gp.get_data_ptr(),
             pci_fn_bar_read(m_fn, 0, gp.get_address(), len, kernel_clock()),
             len);
    return len;
}

unsigned int edu_tlm::config_transport_dbg(tlm_generic_payload &gp)
{
    const uint64_t off = gp.get_address();
    unsigned len = gp.get_data_length();
    pci_link_extension *ext = gp.get_extension<pci_link_extension>();

    if (ext) {
        /* A host that keeps the C model's bus asks (pci_function_link.h). */
        ext->link = this;
        return 0;
    }
    if (!gp.is_read() || gp.get_byte_enable_ptr() || off >= PCI_CONFIG_SIZE) {
        return 0;
    }
    len = static_cast<unsigned>(std::min<uint64_t>(len, PCI_CONFIG_SIZE - off));
    for (unsigned i = 0; i < len; i++) {
        gp.get_data_ptr()[i] = static_cast<uint8_t>(
            pci_fn_config_read(m_fn, static_cast<unsigned>(off) + i, 1));
    }
    return len;
}

/* Registers are not memory: no DMI, anywhere in the BAR or the space. */
bool edu_tlm::get_direct_mem_ptr(tlm_generic_payload &gp, tlm::tlm_dmi &dmi)
{
    (void)gp;
    dmi.init();
    dmi.set_start_address(0);
    dmi.set_end_address(m_bar_size - 1);
    return false;
}

/* --- bus master --------------------------------------------------------- */

/* 'len' bytes of the C model's DMA engine or MSI leave on 'dma', at the
 * clock the C model booked for them. */
void edu_tlm::send_dma(bool write, uint64_t addr, uint8_t *p, size_t len,
                       uint64_t clock)
{
    tlm_generic_payload &gp = m_dma_gp;

    while (len) {
        const unsigned n =
            static_cast<unsigned>(std::min<size_t>(len, 1u << 30));
        sc_time delay = delay_to(clock);

        /* Every attribute set again: the payload is reused (14.16). */
        gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        gp.set_address(addr);
        gp.set_data_ptr(p);
        gp.set_data_length(n);
        gp.set_streaming_width(n);
        gp.set_byte_enable_ptr(nullptr);
        gp.set_byte_enable_length(0);
        gp.set_dmi_allowed(false);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        /* On the host's bus an error response (bus mastering off, past
         * RAM) needs nothing more: the C model has given the data its
         * value already.  Alone, the bytes are what the target left. */
        dma->b_transport(gp, delay);
        addr += n;
        p += n;
        len -= n;
    }
}

/* On the host's bus: the host's port hands the data here. */
void edu_tlm::master(bool write, uint64_t addr, void *buf, size_t len,
                     uint64_t clock)
{
    send_dma(write, addr, static_cast<uint8_t *>(buf), len, clock);
}

void edu_tlm::joined(const pci_clock &clock)
{
    m_joined = true;
    m_clk = &clock;
}

void edu_tlm::note(uint64_t clock)
{
    EduState st;

    edu_get_state(m_edu, &st);
    if (clock < kernel_clock()) {
        m_late++;
    }
    m_state_q.push(clock, st);
    m_update_ev.notify(delay_to(m_state_q.front_clock()));
}

/* Alone: the C model's bus of its own.  Configuration and BAR accesses
 * come in on the sockets, never through it; bus-master data goes through
 * the C model's gating (pci_bus_master_access, bus mastering off: nothing
 * moves) to the 'ram' hook, which is the dma socket. */
uint32_t edu_tlm::port_config_read(void *opaque, PciFunction *fn, unsigned off,
                                   unsigned len, uint64_t now)
{
    (void)opaque;
    (void)now;
    return pci_fn_config_read(fn, off, len);
}

void edu_tlm::port_config_write(void *opaque, PciFunction *fn, unsigned off,
                                uint32_t val, unsigned len, uint64_t now)
{
    (void)opaque;
    pci_fn_config_write(fn, off, val, len, now);
}

uint64_t edu_tlm::port_bar_read(void *opaque, PciFunction *fn, int bar,
                                uint64_t off, unsigned size, uint64_t now)
{
    (void)opaque;
    return pci_fn_bar_read(fn, bar, off, size, now);
}

void edu_tlm::port_bar_write(void *opaque, PciFunction *fn, int bar,
                             uint64_t off, uint64_t val, unsigned size,
                             uint64_t now)
{
    (void)opaque;
    pci_fn_bar_write(fn, bar, off, val, size, now);
}

void edu_tlm::port_master(void *opaque, PciFunction *fn, bool write,
                          uint64_t addr, void *buf, size_t len, uint64_t now)
{
    auto *self = static_cast<edu_tlm *>(opaque);
    const uint64_t outer = self->m_master_clock;

    self->m_master_clock = now;
    pci_bus_master_access(&self->m_bus, fn, write, addr, buf, len);
    self->m_master_clock = outer;
}

void edu_tlm::port_ram(void *opaque, bool write, uint64_t addr, void *buf,
                       size_t len)
{
    auto *self = static_cast<edu_tlm *>(opaque);

    self->send_dma(write, addr, static_cast<uint8_t *>(buf), len,
                   self->m_master_clock);
}

void edu_tlm::note_hook(void *opaque, PciFunction *fn, uint64_t when)
{
    (void)fn;
    static_cast<edu_tlm *>(opaque)->note(when);
}

/* Alone: the device's work when the kernel reaches its clock; a thread,
 * since that work sends DMA data and MSI messages with b_transport. */
void edu_tlm::run_work()
{
    for (;;) {
        sc_core::wait(m_work_ev);
        m_work_at = PCI_NO_EVENT;
        pci_bus_run(&m_bus, kernel_clock());
        schedule_work();
    }
}

/* --- state and signals -------------------------------------------------- */

void edu_tlm::update_signals()
{
    EduState st;

    if (m_state_q.pop_due(kernel_clock(), &st)) {
        m_status.write(st.status);
        m_irq_status.write(st.irq_status);
        m_fact_busy.write(st.fact_busy);
        m_dma_busy.write(st.dma_busy);
        inta.write(st.intx);
    }
    if (!m_state_q.empty()) {
        m_update_ev.notify(delay_to(m_state_q.front_clock()));
    }
}

void edu_tlm::trace_signals(sc_core::sc_trace_file *tf,
                            const std::string &prefix) const
{
    sc_core::sc_trace(tf, m_status, prefix + "edu_status");
    sc_core::sc_trace(tf, m_irq_status, prefix + "edu_irq_status");
    sc_core::sc_trace(tf, m_fact_busy, prefix + "edu_fact_busy");
    sc_core::sc_trace(tf, m_dma_busy, prefix + "edu_dma_busy");
}

template class fw_calls<edu_tlm, &edu_tlm::config_b_transport,
                        &edu_tlm::config_transport_dbg,
                        &edu_tlm::get_direct_mem_ptr>;
template class fw_calls<edu_tlm, &edu_tlm::bar_b_transport,
                        &edu_tlm::bar_transport_dbg,
                        &edu_tlm::get_direct_mem_ptr>;

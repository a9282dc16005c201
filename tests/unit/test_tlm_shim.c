/*
 * The TLM view through its C shim (tlm-bridge/include/tlm_sim.h), from
 * plain C: every answer and every clock is the C model's, simulations can
 * be made and dropped by the hundred in one process and can live side by
 * side, sizes and ranges are refused as documented, and the waveform has
 * the names every view shares.
 */
#include "tb_util.h" /* <cmocka.h> with what it needs first */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "edu/host.h"
#include "edu/pci_regs.h"
#include "edu/regs.h"
#include "edu/timing.h"
#include "tlm_sim.h"

#define SLOT 4u
#define BAR0 0xe0000000u
#define COMMAND (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_SERR)
#define RAM_A 0x100000u
#define RAM_B 0x200000u
#define MSI_ADDR 0x300000u
#define CLOCK_NS EDU_CLOCK_NS_DEFAULT

/* --- one view or the other, behind the same calls -------------------- */

/* The C model (host) or the TLM view (sim); the calls assert success. */
typedef struct View {
    Host *host;
    EduPlatform *sim;
} View;

static void quiet_log(void *opaque, const char *msg)
{
    (void)opaque;
    (void)msg;
}

static View view_cmodel(unsigned n_edu, const unsigned *slots)
{
    HostConfig hc = {.log_fn = quiet_log};
    View v = {.host = host_create(&hc)};

    assert_non_null(v.host);
    for (unsigned i = 0; i < n_edu; i++) {
        assert_int_equal(host_add_edu(v.host, slots[i], 0, NULL), 0);
    }
    return v;
}

static EduPlatform *sim_new(unsigned n_edu, const unsigned *slots,
                            const char *vcd)
{
    EduPlatformConfig cfg = {.n_edu = n_edu, .vcd_path = vcd, .quiet = true};
    char err[256] = "";
    EduPlatform *sim;

    for (unsigned i = 0; i < n_edu; i++) {
        cfg.edu_slot[i] = slots[i];
    }
    sim = tlm_sim_create(&cfg, NULL, err, sizeof(err));
    if (!sim) {
        fail_msg("tlm_sim_create: %s", err);
    }
    return sim;
}

static View view_tlm(unsigned n_edu, const unsigned *slots)
{
    View v = {.sim = sim_new(n_edu, slots, NULL)};

    return v;
}

static void view_close(View *v)
{
    host_destroy(v->host);
    if (v->sim) {
        v->sim->ops->destroy(v->sim);
    }
}

/* The two APIs take the same arguments: each call goes to whichever view
 * v is, and must succeed. */
static uint32_t v_in(View *v, uint16_t port, unsigned size)
{
    uint32_t val = 0;

    assert_int_equal(v->host ? host_io_read(v->host, port, size, &val)
                             : v->sim->ops->io_read(v->sim, port, size, &val),
                     0);
    return val;
}

static void v_out(View *v, uint16_t port, uint32_t val, unsigned size)
{
    assert_int_equal(v->host ? host_io_write(v->host, port, val, size)
                             : v->sim->ops->io_write(v->sim, port, val, size),
                     0);
}

static uint64_t v_read(View *v, uint64_t addr, unsigned size)
{
    uint64_t val = 0;

    assert_int_equal(v->host ? host_mem_read(v->host, addr, size, &val)
                             : v->sim->ops->mem_read(v->sim, addr, size, &val),
                     0);
    return val;
}

static void v_write(View *v, uint64_t addr, uint64_t val, unsigned size)
{
    assert_int_equal(v->host ? host_mem_write(v->host, addr, val, size)
                             : v->sim->ops->mem_write(v->sim, addr, val, size),
                     0);
}

static void v_read_buf(View *v, uint64_t addr, void *buf, size_t len)
{
    if (v->host) {
        host_mem_read_buf(v->host, addr, buf, len);
    } else {
        assert_int_equal(v->sim->ops->mem_read_buf(v->sim, addr, buf, len), 0);
    }
}

static void v_write_buf(View *v, uint64_t addr, const void *buf, size_t len)
{
    if (v->host) {
        host_mem_write_buf(v->host, addr, buf, len);
    } else {
        assert_int_equal(v->sim->ops->mem_write_buf(v->sim, addr, buf, len), 0);
    }
}

static uint64_t v_ns(View *v)
{
    return v->host ? host_now(v->host) * CLOCK_NS : v->sim->ops->now_ns(v->sim);
}

static void v_advance(View *v, uint64_t ns)
{
    if (v->host) {
        host_advance(v->host, ns / CLOCK_NS + (ns % CLOCK_NS != 0));
    } else {
        assert_int_equal(v->sim->ops->advance(v->sim, ns), 0);
    }
}

static int v_intx(View *v)
{
    return v->host ? host_intx(v->host) : v->sim->ops->intx(v->sim);
}

/* The devices' next work in ns, or UINT64_MAX. */
static uint64_t v_next_event(View *v)
{
    uint64_t ns = UINT64_MAX;

    if (v->host) {
        uint64_t next = host_next_event(v->host);

        return next == PCI_NO_EVENT ? UINT64_MAX : next * CLOCK_NS;
    }
    if (v->sim->ops->next_event_ns(v->sim, &ns) == -ENOENT) {
        return UINT64_MAX;
    }
    return ns;
}

static unsigned long v_guest_errors(View *v)
{
    return v->host ? host_log(v->host)->guest_errors
                   : v->sim->ops->guest_errors(v->sim);
}

static void v_cfg_write(View *v, unsigned slot, unsigned off, uint32_t val,
                        unsigned size)
{
    v_out(v, PCI_CONFIG_ADDRESS_PORT,
          PCI_CONFIG_ENABLE | PCI_DEVFN(slot, 0) << 8 | (off & 0xfc), 4);
    v_out(v, (uint16_t)(PCI_CONFIG_DATA_PORT + (off & 3)), val, size);
}

static uint32_t v_cfg_read(View *v, unsigned slot, unsigned off, unsigned size)
{
    v_out(v, PCI_CONFIG_ADDRESS_PORT,
          PCI_CONFIG_ENABLE | PCI_DEVFN(slot, 0) << 8 | (off & 0xfc), 4);
    return v_in(v, (uint16_t)(PCI_CONFIG_DATA_PORT + (off & 3)), size);
}

static void v_map(View *v, unsigned slot, uint32_t bar)
{
    v_cfg_write(v, slot, PCI_BASE_ADDRESS_0, bar, 4);
    v_cfg_write(v, slot, PCI_COMMAND, COMMAND, 2);
}

/* Reads 'off' until (value & mask) == want, as a driver polls. */
static uint64_t v_poll(View *v, uint32_t bar, unsigned off, uint64_t mask,
                       uint64_t want)
{
    for (unsigned i = 0; i < 10000; i++) {
        uint64_t val = v_read(v, bar + off, 4);

        if ((val & mask) == want) {
            return val;
        }
    }
    fail_msg("register 0x%x never reached 0x%llx", off,
             (unsigned long long)want);
    return 0;
}

/* --- a driver's session, as a trace of answers and times -------------- */

#define TRACE_MAX 256

typedef struct Trace {
    uint64_t val[TRACE_MAX];
    uint64_t ns[TRACE_MAX];
    unsigned n;
} Trace;

static void note(Trace *t, View *v, uint64_t val)
{
    assert_true(t->n < TRACE_MAX);
    t->val[t->n] = val;
    t->ns[t->n] = v_ns(v);
    t->n++;
}

/* Everything a driver does with the edu, each answer and time noted. */
static void session(View *v, Trace *t)
{
    uint8_t pattern[256];
    uint8_t back[256];
    uint64_t msi;

    for (unsigned i = 0; i < sizeof(pattern); i++) {
        pattern[i] = (uint8_t)(i * 7 + 1);
    }
    note(t, v, v_cfg_read(v, SLOT, PCI_VENDOR_ID, 4));
    v_cfg_write(v, SLOT, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
    note(t, v, v_cfg_read(v, SLOT, PCI_BASE_ADDRESS_0, 4));
    v_map(v, SLOT, BAR0);
    note(t, v, v_cfg_read(v, SLOT, PCI_COMMAND, 2));
    note(t, v, v_in(v, PCI_CONFIG_ADDRESS_PORT, 4));
    note(t, v, v_cfg_read(v, 7, PCI_VENDOR_ID, 4)); /* nobody there */
    note(t, v, v_read(v, BAR0 + EDU_REG_ID, 4));
    v_write(v, BAR0 + EDU_REG_LIVENESS, 0x12345678, 4);
    note(t, v, v_read(v, BAR0 + EDU_REG_LIVENESS, 4));
    note(t, v, v_read(v, BAR0 + EDU_REG_ID, 2)); /* refused: 0 */
    note(t, v, v_read(v, BAR0 + EDU_REG_DMA_SRC, 8));
    note(t, v, v_read(v, 0xd0000000u, 4)); /* master abort */

    /* A factorial with its interrupt on INTx. */
    v_write(v, BAR0 + EDU_REG_STATUS, EDU_STATUS_IRQFACT, 4);
    v_write(v, BAR0 + EDU_REG_FACT, 12, 4);
    note(t, v, v_next_event(v));
    note(t, v, v_read(v, BAR0 + EDU_REG_FACT, 4));
    note(t, v, v_poll(v, BAR0, EDU_REG_STATUS, EDU_STATUS_COMPUTING, 0));
    note(t, v, v_read(v, BAR0 + EDU_REG_FACT, 4));
    note(t, v, (uint64_t)v_intx(v));
    note(t, v, v_cfg_read(v, SLOT, PCI_STATUS, 2));
    v_write(v, BAR0 + EDU_REG_IRQ_ACK, EDU_IRQ_FACT, 4);
    note(t, v, (uint64_t)v_intx(v));

    /* RAM -> buffer and back, unaligned, the second raising INTx. */
    v_write_buf(v, RAM_A + 3, pattern, sizeof(pattern));
    v_write(v, BAR0 + EDU_REG_DMA_SRC, RAM_A + 3, 4);
    v_write(v, BAR0 + EDU_REG_DMA_DST, EDU_DMA_BUF_ADDR + 0x10, 4);
    v_write(v, BAR0 + EDU_REG_DMA_COUNT, sizeof(pattern), 4);
    v_write(v, BAR0 + EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN, 4);
    note(t, v, v_next_event(v));
    note(t, v, v_poll(v, BAR0, EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN, 0));
    v_write(v, BAR0 + EDU_REG_DMA_SRC, EDU_DMA_BUF_ADDR + 0x10, 4);
    v_write(v, BAR0 + EDU_REG_DMA_DST, RAM_B + 1, 4);
    v_write(v, BAR0 + EDU_REG_DMA_CMD,
            EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM | EDU_DMA_CMD_IRQ, 8);
    /* A CPU read of the RAM under the DMA: the bus is shared. */
    note(t, v, v_read(v, RAM_B + 1, 8));
    v_advance(v, 100000);
    note(t, v, v_read(v, BAR0 + EDU_REG_IRQ_STATUS, 4));
    note(t, v, (uint64_t)v_intx(v));
    v_read_buf(v, RAM_B + 1, back, sizeof(back));
    assert_memory_equal(back, pattern, sizeof(pattern));
    note(t, v, back[200]);
    v_write(v, BAR0 + EDU_REG_IRQ_ACK, EDU_IRQ_DMA, 4);

    /* MSI: the message lands in RAM, INTx stays quiet. */
    v_cfg_write(v, SLOT, EDU_MSI_CAP_OFFSET + PCI_MSI_ADDRESS_LO, MSI_ADDR, 4);
    v_cfg_write(v, SLOT, EDU_MSI_CAP_OFFSET + PCI_MSI_DATA_64, 0x4321, 2);
    v_cfg_write(v, SLOT, EDU_MSI_CAP_OFFSET + PCI_MSI_FLAGS,
                PCI_MSI_FLAGS_ENABLE, 2);
    v_write(v, BAR0 + EDU_REG_IRQ_RAISE, 0x40, 4);
    msi = v_read(v, MSI_ADDR, 4);
    note(t, v, msi);
    note(t, v, (uint64_t)v_intx(v));
    v_advance(v, 95);
    note(t, v, v_guest_errors(v));
}

static void assert_same_trace(const Trace *a, const Trace *b)
{
    assert_int_equal(a->n, b->n);
    for (unsigned i = 0; i < a->n; i++) {
        if (a->val[i] != b->val[i] || a->ns[i] != b->ns[i]) {
            fail_msg(
                "step %u: 0x%llx at %llu ns vs 0x%llx at %llu ns", i,
                (unsigned long long)a->val[i], (unsigned long long)a->ns[i],
                (unsigned long long)b->val[i], (unsigned long long)b->ns[i]);
        }
    }
}

/* --- tests ---------------------------------------------------------- */

static const unsigned one_slot[] = {SLOT};

static void test_same_answers_and_clocks_as_the_c_model(void **state)
{
    View c = view_cmodel(1, one_slot);
    View t = view_tlm(1, one_slot);
    Trace tc = {0};
    Trace tt = {0};

    (void)state;
    session(&c, &tc);
    session(&t, &tt);
    assert_same_trace(&tc, &tt);
    /* And the answers are the reference's, not just alike. */
    assert_int_equal(tt.val[0], EDU_DEVICE_ID << 16 | EDU_VENDOR_ID);
    assert_int_equal(tt.val[1], 0xfff00000);
    assert_int_equal(tt.val[4], 0xffffffff);
    assert_int_equal(tt.val[5], EDU_ID_VALUE);
    assert_int_equal(tt.val[6], (uint32_t)~0x12345678u);
    assert_int_equal(tt.val[7], 0);
    assert_int_equal(tt.val[9], 0xffffffff);
    assert_int_equal(tt.val[13], 479001600); /* 12! */
    assert_int_equal(tt.val[14], 1);         /* INTx */
    view_close(&c);
    view_close(&t);
}

/* The quantum keeper and DMI change how often the kernel runs and how RAM
 * is reached, never an answer or a clock. */
static void test_no_quantum_keeper_and_no_dmi_change_nothing(void **state)
{
    View c = view_cmodel(1, one_slot);
    Trace tc = {0};
    const EduPlatformConfig cfg = {
        .n_edu = 1, .edu_slot = {SLOT}, .quiet = true};
    const TlmSimOptions variants[] = {
        {.no_quantum_keeper = true},
        {.no_dmi = true},
        {.quantum_ns = 30},
        {.quantum_ns = 1000000000},
    };

    (void)state;
    session(&c, &tc);
    for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
        View t = {0};
        Trace tt = {0};
        char err[256];

        t.sim = tlm_sim_create(&cfg, &variants[i], err, sizeof(err));
        assert_non_null(t.sim);
        session(&t, &tt);
        assert_same_trace(&tc, &tt);
        view_close(&t);
    }
    view_close(&c);
}

/* edu-tb opens a view per scenario and seed: hundreds in one process. */
static void test_hundreds_of_simulations_one_after_another(void **state)
{
    char vcd[64];

    (void)state;
    snprintf(vcd, sizeof(vcd), "test_tlm_cycles_%d.vcd", (int)getpid());
    for (unsigned i = 0; i < 300; i++) {
        const unsigned slots[3] = {4 + i % 3, 9, 12};
        const unsigned n = 1 + i % 3;
        EduPlatform *sim = sim_new(n, slots, i % 50 == 7 ? vcd : NULL);
        View v = {.sim = sim};

        assert_int_equal(sim->ops->now_ns(sim), 0);
        assert_int_equal(v_cfg_read(&v, slots[0], PCI_VENDOR_ID, 4),
                         EDU_DEVICE_ID << 16 | EDU_VENDOR_ID);
        if (i % 10 == 0) {
            /* Leave work pending: a factorial the kernel never reaches. */
            v_cfg_write(&v, slots[0], PCI_BASE_ADDRESS_0, BAR0, 4);
            v_cfg_write(&v, slots[0], PCI_COMMAND, COMMAND, 4);
            v_write(&v, BAR0 + EDU_REG_FACT, 30, 4);
            assert_int_equal(v_read(&v, BAR0 + EDU_REG_STATUS, 4),
                             EDU_STATUS_COMPUTING);
        }
        assert_int_equal(sim->ops->advance(sim, 1000), 0);
        /* A config read (4 clocks), four more transactions when a factorial
         * was started, then 1000 ns: 34 clocks. */
        assert_int_equal(sim->ops->now_ns(sim), i % 10 == 0 ? 1620 : 1140);
        if (i % 50 == 7) {
            assert_int_equal(sim->ops->finish(sim), 0);
        }
        sim->ops->destroy(sim);
    }
    assert_int_equal(access(vcd, F_OK), 0);
    unlink(vcd);
}

/* Two simulations at once (edu-tb compare --backends tlm,tlm): each call
 * works in its own, nothing leaks across. */
static void test_two_simulations_live_side_by_side(void **state)
{
    View c1 = view_cmodel(1, one_slot);
    View c2 = view_cmodel(1, one_slot);
    View t1 = view_tlm(1, one_slot);
    View t2 = view_tlm(1, one_slot);
    View *views[4] = {&c1, &t1, &c2, &t2};

    (void)state;
    for (unsigned i = 0; i < 4; i++) {
        v_map(views[i], SLOT, BAR0);
    }
    /* A factorial in the first pair, a DMA in the second, interleaved. */
    v_write(&c1, BAR0 + EDU_REG_FACT, 10, 4);
    v_write(&t1, BAR0 + EDU_REG_FACT, 10, 4);
    for (unsigned i = 2; i < 4; i++) {
        v_write(views[i], RAM_A, 0xfeedf00dcafe1234ull, 8);
        v_write(views[i], BAR0 + EDU_REG_DMA_SRC, RAM_A, 4);
        v_write(views[i], BAR0 + EDU_REG_DMA_DST, EDU_DMA_BUF_ADDR, 4);
        v_write(views[i], BAR0 + EDU_REG_DMA_COUNT, 8, 4);
        v_write(views[i], BAR0 + EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN, 4);
    }
    for (unsigned i = 0; i < 4; i++) {
        v_advance(views[i], 3000);
    }
    for (unsigned i = 0; i < 4; i += 2) {
        /* The same reads on the C model and on its TLM twin. */
        for (unsigned k = 0; k < 2; k++) {
            View *v = views[i + k];
            const bool fact = i == 0;

            assert_int_equal(v_read(v, BAR0 + EDU_REG_FACT, 4),
                             fact ? 3628800 : 0);
            assert_int_equal(v_read(v, BAR0 + EDU_REG_DMA_CMD, 4), 0);
            assert_int_equal(v_read(v, RAM_A, 8),
                             fact ? 0 : 0xfeedf00dcafe1234ull);
        }
        assert_int_equal(v_ns(views[i + 1]), v_ns(views[i]));
    }
    for (unsigned i = 0; i < 4; i++) {
        view_close(views[i]);
    }
}

static void test_sizes_the_calls_do_not_take_are_refused(void **state)
{
    View t = view_tlm(1, one_slot);
    uint32_t v32;
    uint64_t v64;

    (void)state;
    assert_int_equal(t.sim->ops->io_read(t.sim, 0xcf8, 3, &v32), -EINVAL);
    assert_int_equal(t.sim->ops->io_read(t.sim, 0xcf8, 8, &v32), -EINVAL);
    assert_int_equal(t.sim->ops->io_write(t.sim, 0xcf8, 0, 0), -EINVAL);
    assert_int_equal(t.sim->ops->mem_read(t.sim, 0, 3, &v64), -EINVAL);
    assert_int_equal(t.sim->ops->mem_write(t.sim, 0, 0, 16), -EINVAL);
    assert_int_equal(t.sim->ops->now_ns(t.sim), 0);
    view_close(&t);
}

/* Memory nobody claims: a master abort of 6 clocks, all ones. */
static void test_unclaimed_memory_reads_all_ones_in_six_clocks(void **state)
{
    View t = view_tlm(1, one_slot);

    (void)state;
    assert_int_equal(v_read(&t, 0xd0000000u, 8), UINT64_MAX);
    assert_int_equal(v_ns(&t), 2 * EDU_T_MASTER_ABORT * CLOCK_NS);
    v_write(&t, 0xd0000000u, 1, 4);
    assert_int_equal(v_ns(&t), 3 * EDU_T_MASTER_ABORT * CLOCK_NS);
    view_close(&t);
}

static void test_ram_alone_takes_no_time_and_stays_in_range(void **state)
{
    View t = view_tlm(1, one_slot);
    const uint64_t size = HOST_RAM_SIZE_DEFAULT;
    uint8_t buf[4] = {1, 2, 3, 4};
    uint8_t back[4] = {0};

    (void)state;
    assert_int_equal(t.sim->ops->ram_write(t.sim, size - 4, buf, 4), 0);
    assert_int_equal(t.sim->ops->ram_read(t.sim, size - 4, back, 4), 0);
    assert_memory_equal(buf, back, 4);
    assert_int_equal(t.sim->ops->ram_read(t.sim, size - 3, back, 4), -ERANGE);
    assert_int_equal(t.sim->ops->ram_write(t.sim, size, buf, 1), -ERANGE);
    assert_int_equal(v_read(&t, size - 4, 4), 0x04030201);
    assert_int_equal(v_ns(&t), 0);
    view_close(&t);
}

static void test_advance_moves_by_whole_clocks(void **state)
{
    View t = view_tlm(1, one_slot);

    (void)state;
    v_advance(&t, 100);
    assert_int_equal(v_ns(&t), 120);
    v_advance(&t, 0);
    assert_int_equal(v_ns(&t), 120);
    v_advance(&t, 30);
    assert_int_equal(v_ns(&t), 150);
    view_close(&t);
}

static void test_dma_mask_clamps_ram_addresses(void **state)
{
    EduPlatformConfig cfg = {
        .n_edu = 1, .edu_slot = {SLOT}, .dma_mask = 0xfffff, .quiet = true};
    View t = {0};
    char err[256];

    (void)state;
    t.sim = tlm_sim_create(&cfg, NULL, err, sizeof(err));
    assert_non_null(t.sim);
    v_map(&t, SLOT, BAR0);
    v_write(&t, 0x1234, 0xabcdef, 4);
    v_write(&t, BAR0 + EDU_REG_DMA_SRC, 0x10001234, 4); /* clamped */
    v_write(&t, BAR0 + EDU_REG_DMA_DST, EDU_DMA_BUF_ADDR, 4);
    v_write(&t, BAR0 + EDU_REG_DMA_COUNT, 4, 4);
    v_write(&t, BAR0 + EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN, 4);
    v_poll(&t, BAR0, EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN, 0);
    v_write(&t, BAR0 + EDU_REG_DMA_SRC, EDU_DMA_BUF_ADDR, 4);
    v_write(&t, BAR0 + EDU_REG_DMA_DST, 0x2000, 4);
    v_write(&t, BAR0 + EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM,
            4);
    v_poll(&t, BAR0, EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN, 0);
    assert_int_equal(v_read(&t, 0x2000, 4), 0xabcdef);
    assert_int_equal(v_guest_errors(&t), 1);
    view_close(&t);
}

static void test_bad_configurations_are_refused(void **state)
{
    EduPlatformConfig twice = {.n_edu = 2, .edu_slot = {5, 5}};
    EduPlatformConfig far = {.n_edu = 1, .edu_slot = {32}};
    EduPlatformConfig many = {.n_edu = EDU_PLATFORM_MAX_EDU + 1};
    EduPlatformConfig vcd = {
        .n_edu = 1, .edu_slot = {SLOT}, .vcd_path = "/nonexistent/dir/x.vcd"};
    char err[256];

    (void)state;
    assert_null(tlm_sim_create(&twice, NULL, err, sizeof(err)));
    assert_non_null(strstr(err, "two edu devices in slot 5"));
    assert_null(tlm_sim_create(&far, NULL, err, sizeof(err)));
    assert_null(tlm_sim_create(&many, NULL, err, sizeof(err)));
    assert_non_null(strstr(err, "too many"));
    assert_null(tlm_sim_create(&vcd, NULL, err, sizeof(err)));
    assert_non_null(strstr(err, "/nonexistent/dir/x.vcd"));
    /* And a good one works after all of them. */
    {
        EduPlatform *good = sim_new(1, one_slot, NULL);

        good->ops->destroy(good);
    }
}

/* sc_trace with the names the one GTKWave layout (waves/edu.gtkw) knows,
 * in its scope TOP, written as NAME.tmp.vcd and renamed when complete. */
static void test_waveform_has_the_shared_names(void **state)
{
    const unsigned slots[2] = {SLOT, 5};
    char path[64];
    char tmp[80];
    View t;
    char *text;

    (void)state;
    snprintf(path, sizeof(path), "test_tlm_wave_%d.vcd", (int)getpid());
    snprintf(tmp, sizeof(tmp), "%s.tmp.vcd", path);
    t.host = NULL;
    t.sim = sim_new(2, slots, path);
    v_map(&t, SLOT, BAR0);
    v_write(&t, BAR0 + EDU_REG_IRQ_RAISE, 1, 4); /* INTA# low */
    v_write(&t, BAR0 + EDU_REG_FACT, 5, 4);
    v_advance(&t, 1000);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(t.sim->ops->finish(t.sim), 0);
    assert_int_equal(access(tmp, F_OK), -1);
    text = tb_read_file(path);
    assert_non_null(strstr(text, "$scope module TOP "));
    assert_null(strstr(text, "SystemC $end"));
    assert_non_null(strstr(text, "$timescale\n     1 ns"));
    assert_non_null(strstr(text, " pci_inta_n "));
    assert_non_null(strstr(text, " edu_status [31:0] "));
    assert_non_null(strstr(text, " edu_irq_status [31:0] "));
    assert_non_null(strstr(text, " edu_fact_busy "));
    assert_non_null(strstr(text, " edu_dma_busy "));
    assert_non_null(strstr(text, " tlm_txn [31:0] "));
    assert_non_null(strstr(text, "$scope module edu1 $end"));
    free(text);
    t.sim->ops->destroy(t.sim);
    unlink(path);
}

static void test_next_event_is_the_devices_work(void **state)
{
    View t = view_tlm(1, one_slot);
    uint64_t ns;

    (void)state;
    assert_int_equal(t.sim->ops->next_event_ns(t.sim, &ns), -ENOENT);
    v_map(&t, SLOT, BAR0);
    v_write(&t, BAR0 + EDU_REG_FACT, 5, 4);
    /* The write's data phase is at clock 2 of its 4; then setup and five
     * multiplies. */
    assert_int_equal(v_next_event(&t),
                     v_ns(&t) - 2 * CLOCK_NS +
                         (EDU_T_FACT_SETUP + 5 * EDU_T_FACT_MUL) * CLOCK_NS);
    v_advance(&t, 1000);
    assert_int_equal(t.sim->ops->next_event_ns(t.sim, &ns), -ENOENT);
    view_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_answers_and_clocks_as_the_c_model),
        cmocka_unit_test(test_no_quantum_keeper_and_no_dmi_change_nothing),
        cmocka_unit_test(test_hundreds_of_simulations_one_after_another),
        cmocka_unit_test(test_two_simulations_live_side_by_side),
        cmocka_unit_test(test_sizes_the_calls_do_not_take_are_refused),
        cmocka_unit_test(test_unclaimed_memory_reads_all_ones_in_six_clocks),
        cmocka_unit_test(test_ram_alone_takes_no_time_and_stays_in_range),
        cmocka_unit_test(test_advance_moves_by_whole_clocks),
        cmocka_unit_test(test_dma_mask_clamps_ram_addresses),
        cmocka_unit_test(test_bad_configurations_are_refused),
        cmocka_unit_test(test_waveform_has_the_shared_names),
        cmocka_unit_test(test_next_event_is_the_devices_work),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

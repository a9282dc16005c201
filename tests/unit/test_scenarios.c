/*
 * Unit tests of the named scenarios (testbench/scenarios.c) and of
 * `edu-tb run` / `edu-tb list` (testbench/cmd_run.c): every scenario
 * passes on the cmodel backend, and a planted fault is caught.  The faults
 * come from a backend that forwards to cmodel and flips a bit of one read
 * answer (or fails one operation), so the C model itself stays correct and
 * only the scenario's checks can notice.  The qemu backend is exercised by
 * `edu-tb run --backend qemu`, not here.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "cmd_run.h"
#include "lockstep.h"
#include "scenarios.h"

/* Where the scenarios' enumeration puts the (first) edu's BAR0. */
#define T_BAR0 0xe0000000ull
/* What scenarios.c reads the device buffer back into. */
#define T_RAM_READBACK 0x00300000ull

/* --- a backend that forwards to cmodel, with one fault planted ------- */

typedef struct Fault {
    EduPlatform *inner;            /* the cmodel backend */
    uint64_t flip_addr;        /* memory address whose read to corrupt */
    unsigned long flip_nth;    /* ... its nth read (1-based) */
    uint64_t flip_mask;        /* bits to flip (READ_BUF: of one byte) */
    unsigned long reads_there; /* reads at flip_addr so far */
    unsigned long flipped;     /* answers corrupted */
    unsigned long fail_write;  /* memory write (1-based) that fails */
    unsigned long writes;
} Fault;

static Fault *fault_of(EduPlatform *b)
{
    return b->priv;
}

static EduPlatform *fault_inner(EduPlatform *b)
{
    return fault_of(b)->inner;
}

/* The inner backend's result, its error text copied out. */
static int fault_pass(EduPlatform *b, int rc)
{
    if (rc < 0) {
        memcpy(b->error, fault_inner(b)->error, sizeof(b->error));
    }
    return rc;
}

/* Whether this read at addr is the one to corrupt. */
static bool fault_hit(EduPlatform *b, uint64_t addr)
{
    Fault *f = fault_of(b);

    if (addr != f->flip_addr || ++f->reads_there != f->flip_nth) {
        return false;
    }
    f->flipped++;
    return true;
}

static int fault_create(EduPlatform *b, const EduPlatformConfig *cfg)
{
    (void)b;
    (void)cfg;
    return 0;
}

static void fault_destroy(EduPlatform *b)
{
    (void)b;
}

static int fault_io_read(EduPlatform *b, uint16_t port, unsigned size,
                         uint32_t *val)
{
    EduPlatform *in = fault_inner(b);

    return fault_pass(b, in->ops->io_read(in, port, size, val));
}

static int fault_io_write(EduPlatform *b, uint16_t port, uint32_t val,
                          unsigned size)
{
    EduPlatform *in = fault_inner(b);

    return fault_pass(b, in->ops->io_write(in, port, val, size));
}

static int fault_mem_read(EduPlatform *b, uint64_t addr, unsigned size,
                          uint64_t *val)
{
    EduPlatform *in = fault_inner(b);
    int rc = in->ops->mem_read(in, addr, size, val);

    if (rc == 0 && fault_hit(b, addr)) {
        *val ^= fault_of(b)->flip_mask;
    }
    return fault_pass(b, rc);
}

static int fault_mem_write(EduPlatform *b, uint64_t addr, uint64_t val,
                           unsigned size)
{
    EduPlatform *in = fault_inner(b);
    Fault *f = fault_of(b);

    if (++f->writes == f->fail_write) {
        return edu_platform_fail(b, -EIO, "fault backend: write %lu failed",
                            f->writes);
    }
    return fault_pass(b, in->ops->mem_write(in, addr, val, size));
}

static int fault_mem_read_buf(EduPlatform *b, uint64_t addr, void *buf, size_t len)
{
    EduPlatform *in = fault_inner(b);
    int rc = in->ops->mem_read_buf(in, addr, buf, len);

    /* The fault lands on the last byte of the range. */
    if (rc == 0 && len && fault_hit(b, addr)) {
        ((uint8_t *)buf)[len - 1] ^= (uint8_t)fault_of(b)->flip_mask;
    }
    return fault_pass(b, rc);
}

static int fault_mem_write_buf(EduPlatform *b, uint64_t addr, const void *buf,
                               size_t len)
{
    EduPlatform *in = fault_inner(b);

    return fault_pass(b, in->ops->mem_write_buf(in, addr, buf, len));
}

static int fault_advance(EduPlatform *b, uint64_t ns)
{
    EduPlatform *in = fault_inner(b);

    return fault_pass(b, in->ops->advance(in, ns));
}

static uint64_t fault_now_ns(EduPlatform *b)
{
    EduPlatform *in = fault_inner(b);

    return in->ops->now_ns(in);
}

static int fault_intx(EduPlatform *b)
{
    EduPlatform *in = fault_inner(b);

    return in->ops->intx(in);
}

static unsigned long fault_guest_errors(EduPlatform *b)
{
    EduPlatform *in = fault_inner(b);

    return in->ops->guest_errors(in);
}

static const EduPlatformOps fault_ops = {
    .name = "fault",
    .summary = "cmodel with one read answer corrupted",
    .create = fault_create,
    .destroy = fault_destroy,
    .io_read = fault_io_read,
    .io_write = fault_io_write,
    .mem_read = fault_mem_read,
    .mem_write = fault_mem_write,
    .mem_read_buf = fault_mem_read_buf,
    .mem_write_buf = fault_mem_write_buf,
    .advance = fault_advance,
    .now_ns = fault_now_ns,
    .intx = fault_intx,
    .guest_errors = fault_guest_errors,
};

/* --- running a scenario ------------------------------------------------ */

/* Runs s on a fresh cmodel backend, behind 'fault' when it is not NULL. */
static bool t_run(const Scenario *s, Fault *fault, ScnReport *rep)
{
    EduPlatformConfig cfg = s->platform;
    EduPlatform outer = {.ops = &fault_ops, .priv = fault};
    EduPlatform *view;
    Lockstep *ls = malloc(sizeof(*ls));
    char err[256];
    bool ok;

    assert_non_null(ls);
    cfg.quiet = true;
    view = backend_open("cmodel", &cfg, err, sizeof(err));
    assert_non_null(view);
    if (fault) {
        fault->inner = view;
    }
    assert_int_equal(
        lockstep_init(ls, fault ? (EduPlatform *[]){&outer} : (EduPlatform *[]){view},
                      1),
        0);
    memset(rep, 0, sizeof(*rep));
    ok = scn_run(s, ls, rep);
    lockstep_fini(ls);
    free(ls);
    backend_close(view);
    return ok;
}

static const Scenario *t_find(const char *name)
{
    const Scenario *s = scn_find(name);

    assert_non_null(s);
    return s;
}

/* The scenario fails, and its first failure says 'text'. */
static void t_assert_caught(const char *name, Fault *fault, const char *text)
{
    ScnReport rep;

    assert_false(t_run(t_find(name), fault, &rep));
    assert_int_equal(fault->flipped, 1);
    assert_true(rep.failures >= 1);
    if (!strstr(rep.first, text)) {
        fail_msg("%s: first failure '%s' does not say '%s'", name, rep.first,
                 text);
    }
}

/* --- the tests ----------------------------------------------------- */

static void test_every_scenario_passes_on_cmodel(void **state)
{
    size_t n;
    const Scenario *all = scn_table(&n);

    (void)state;
    assert_true(n >= 21);
    for (size_t i = 0; i < n; i++) {
        ScnReport rep;

        if (!t_run(&all[i], NULL, &rep)) {
            fail_msg("%s: %s (%lu of %lu checks failed)", all[i].name,
                     rep.first, rep.failures, rep.checks);
        }
        if (rep.checks < 10) {
            fail_msg("%s: only %lu checks", all[i].name, rep.checks);
        }
    }
}

static void test_flipped_id_register_bit_is_caught(void **state)
{
    Fault f = {.flip_addr = T_BAR0, .flip_nth = 1, .flip_mask = 1};

    (void)state;
    t_assert_caught("liveness", &f,
                    "ID register: expected 0x10000ed, got 0x10000ec");
}

static void test_flipped_factorial_result_is_caught(void **state)
{
    /* The 1st read of FACT is 0!'s result, after the wait. */
    Fault f = {.flip_addr = T_BAR0 + 0x08, .flip_nth = 1, .flip_mask = 0x100};

    (void)state;
    t_assert_caught("fact-polled", &f,
                    "FACT after 0!: expected 0x1, got 0x101");
}

static void test_flipped_irq_status_bit_is_caught(void **state)
{
    /* After the wait on IRQ_STATUS comes the read that checks it. */
    Fault f = {.flip_addr = T_BAR0 + 0x24, .flip_mask = 0x100};
    ScnReport rep;

    (void)state;
    assert_true(t_run(t_find("dma-to-device-intx"), &f, &rep));
    f = (Fault){.flip_addr = T_BAR0 + 0x24,
                .flip_nth = f.reads_there,
                .flip_mask = 0x100};
    t_assert_caught("dma-to-device-intx", &f,
                    "IRQ_STATUS after the "
                    "acknowledge: expected 0x0, got 0x100");
}

static void test_flipped_dma_data_byte_is_caught(void **state)
{
    Fault f = {.flip_addr = T_RAM_READBACK, .flip_nth = 1, .flip_mask = 0x40};

    (void)state;
    t_assert_caught("dma-to-device-polled", &f,
                    "buffer after RAM -> buffer: RAM 0x300ffe");
}

static void test_flipped_dma_command_bit_is_caught(void **state)
{
    /* A bit the poll does not look at: only the check after it can. */
    Fault f = {.flip_addr = T_BAR0 + 0x98, .flip_mask = 0x10};
    ScnReport rep;

    (void)state;
    assert_true(t_run(t_find("dma-from-device-polled"), &f, &rep));
    f = (Fault){.flip_addr = T_BAR0 + 0x98,
                .flip_nth = f.reads_there,
                .flip_mask = 0x10};
    t_assert_caught("dma-from-device-polled", &f,
                    "DMA_CMD after the transfer (0x3): expected 0x2, got "
                    "0x12");
}

static void test_view_failure_is_the_one_failure(void **state)
{
    Fault f = {.fail_write = 3};
    ScnReport rep;

    (void)state;
    assert_false(t_run(t_find("liveness"), &f, &rep));
    assert_int_equal(rep.failures, 1);
    assert_non_null(strstr(rep.first, "fault backend: write 3 failed"));
}

static void test_qemu72_abort_is_refused_in_a_qemu72_scenario(void **state)
{
    /* dma-count-zero issues a count 0 DMA: marked for QEMU 7.2, the
     * scenario must refuse it rather than abort QEMU. */
    Scenario s = *t_find("dma-count-zero");
    ScnReport rep;

    (void)state;
    assert_false(s.on_qemu72);
    s.on_qemu72 = true;
    assert_false(t_run(&s, NULL, &rep));
    assert_non_null(strstr(rep.first, "would abort QEMU 7.2"));
}

static void test_scenario_table_is_well_formed(void **state)
{
    static const char *const not_qemu72[] = {
        "dma-out-of-range",
        "dma-count-zero",
        "dma-end-at-buffer-end",
    };
    size_t n;
    const Scenario *all = scn_table(&n);
    unsigned off_qemu = 0;

    (void)state;
    for (size_t i = 0; i < n; i++) {
        const char *name = all[i].name;

        assert_non_null(all[i].run);
        assert_true(islower((unsigned char)name[0]));
        for (const char *c = name; *c; c++) {
            if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) &&
                !(*c == '-' && c[1] && c[1] != '-')) {
                fail_msg("'%s' is not kebab-case", name);
            }
        }
        assert_true(strlen(all[i].summary) > 10);
        assert_null(strchr(all[i].summary, '\n'));
        assert_ptr_equal(scn_find(name), &all[i]);
        off_qemu += !all[i].on_qemu72;
    }
    assert_int_equal(off_qemu, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_false(t_find(not_qemu72[i])->on_qemu72);
    }
    assert_int_equal(t_find("two-devices")->platform.n_edu, 2);
    assert_int_equal(t_find("two-devices")->platform.edu_slot[1], 5);
    assert_true(t_find("dma-mask-clamp")->platform.dma_mask != 0);
    assert_null(scn_find("no-such-scenario"));
}

static void test_vcd_path_gets_the_scenario_name(void **state)
{
    char out[64];

    (void)state;
    assert_int_equal(run_vcd_path(out, sizeof(out), "out.vcd", "liveness"), 0);
    assert_string_equal(out, "out-liveness.vcd");
    assert_int_equal(run_vcd_path(out, sizeof(out), "w.d/run", "x"), 0);
    assert_string_equal(out, "w.d/run-x");
    assert_int_equal(run_vcd_path(out, sizeof(out), "a/.vcd", "x"), 0);
    assert_string_equal(out, "a/.vcd-x");
    assert_int_equal(run_vcd_path(out, 8, "out.vcd", "liveness"),
                     -ENAMETOOLONG);
}

static void test_run_exit_status(void **state)
{
    char *unknown_scn[] = {"run", "no-such-scenario", NULL};
    char *unknown_backend[] = {"run", "liveness", "--backend", "nope", NULL};
    char *unknown_option[] = {"run", "--frobnicate", NULL};
    char *missing_value[] = {"run", "--backend", NULL};
    char *good[] = {"run", "liveness", "fact-polled", "--quiet", NULL};
    char *list[] = {"list", NULL};
    char *list_extra[] = {"list", "extra", NULL};

    (void)state;
    assert_int_equal(run_main(2, unknown_scn), 2);
    assert_int_equal(run_main(4, unknown_backend), 2);
    assert_int_equal(run_main(2, unknown_option), 2);
    assert_int_equal(run_main(2, missing_value), 2);
    assert_int_equal(run_main(4, good), 0);
    assert_int_equal(list_main(1, list), 0);
    assert_int_equal(list_main(2, list_extra), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_scenario_passes_on_cmodel),
        cmocka_unit_test(test_flipped_id_register_bit_is_caught),
        cmocka_unit_test(test_flipped_factorial_result_is_caught),
        cmocka_unit_test(test_flipped_irq_status_bit_is_caught),
        cmocka_unit_test(test_flipped_dma_data_byte_is_caught),
        cmocka_unit_test(test_flipped_dma_command_bit_is_caught),
        cmocka_unit_test(test_view_failure_is_the_one_failure),
        cmocka_unit_test(test_qemu72_abort_is_refused_in_a_qemu72_scenario),
        cmocka_unit_test(test_scenario_table_is_well_formed),
        cmocka_unit_test(test_vcd_path_gets_the_scenario_name),
        cmocka_unit_test(test_run_exit_status),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * The base protocol on every binding of the TLM view: the testbench's
 * random streams run on the C model and, in lockstep, on the TLM view with
 * a tlm_checker on each binding (TlmSimOptions.check_protocol); the answers
 * and clocks must be the C model's and the checkers must count nothing,
 * with DMI on, off, and switched on and off during the run
 * (tlm_sim_set_dmi).  Usage: test_tlm_rules [--seed N] (one seed only).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "lockstep.h"
#include "random.h"
#include "tlm_sim.h"

enum { DMI_ON, DMI_OFF, DMI_TOGGLED };

/* How the checked view handles DMI (test-only state: one view at once). */
static struct {
    int mode;
    unsigned long ops; /* CPU operations so far */
} s_dmi;

static uint64_t s_first_seed = 1;
static unsigned s_seeds = 12;
static const unsigned long s_count = 400;

/* Toggled: DMI switches every 5 CPU operations, in the middle of
 * whatever runs (a DMA, a factorial, a RAM copy through DMI). */
static void tick(EduPlatform *p)
{
    if (s_dmi.mode == DMI_TOGGLED && ++s_dmi.ops % 5 == 0) {
        assert_int_equal(tlm_sim_set_dmi(p, s_dmi.ops % 10 != 0), 0);
    }
}

/* The TLM view's own operations, a tick before the CPU's. */
static int checked_mem_read(EduPlatform *p, uint64_t a, unsigned s,
                            uint64_t *v)
{
    tick(p);
    return edu_tlm_platform_ops.mem_read(p, a, s, v);
}

static int checked_mem_write(EduPlatform *p, uint64_t a, uint64_t v,
                             unsigned s)
{
    tick(p);
    return edu_tlm_platform_ops.mem_write(p, a, v, s);
}

static int checked_io_write(EduPlatform *p, uint16_t port, uint32_t v,
                            unsigned s)
{
    tick(p);
    return edu_tlm_platform_ops.io_write(p, port, v, s);
}

static int checked_advance(EduPlatform *p, uint64_t ns)
{
    tick(p);
    return edu_tlm_platform_ops.advance(p, ns);
}

/* One seed's stream on the C model and the TLM view with a checker on
 * every binding. */
static void run_seed(uint64_t seed, unsigned n_edu)
{
    static const unsigned slots[] = {4, 5};
    EduPlatformConfig cfg = {.n_edu = n_edu, .quiet = true};
    const TlmSimOptions opt = {.no_dmi = s_dmi.mode == DMI_OFF,
                               .check_protocol = true};
    EduPlatformOps ops = edu_tlm_platform_ops;
    EduPlatform *checked;
    EduPlatform *views[2];
    RandomConfig rc = {
        .seed = seed, .count = s_count, .n_edu = n_edu, .edu_slot = slots};
    Lockstep ls;
    char err[256];
    unsigned long violations;
    int rc_run;

    ops.name = "tlm-checked";
    ops.mem_read = checked_mem_read;
    ops.mem_write = checked_mem_write;
    ops.io_write = checked_io_write;
    ops.advance = checked_advance;
    for (unsigned i = 0; i < n_edu; i++) {
        cfg.edu_slot[i] = slots[i];
    }
    s_dmi.ops = 0;
    views[0] = backend_open("cmodel", &cfg, err, sizeof(err));
    assert_non_null(views[0]);
    checked = tlm_sim_create(&cfg, &opt, err, sizeof(err));
    if (!checked) {
        fail_msg("checked tlm: %s", err);
    }
    checked->ops = &ops;
    views[1] = checked;
    assert_int_equal(lockstep_init(&ls, views, 2), 0);
    ls.timing = true;

    rc_run = random_run(&ls, &rc);
    violations = tlm_sim_protocol_violations(checked);
    if (rc_run != 0 || ls.diverged || violations) {
        fprintf(stderr,
                "seed %llu, %u edu, DMI %s: %s%s%lu violations%s%s\n"
                "again: test_tlm_rules --seed %llu\n",
                (unsigned long long)seed, n_edu,
                s_dmi.mode == DMI_ON    ? "on"
                : s_dmi.mode == DMI_OFF ? "off"
                                        : "toggled",
                ls.diverged ? ls.divergence : "", ls.diverged ? "; " : "",
                violations, violations ? ", the first: " : "",
                violations ? edu_platform_error(checked) : "",
                (unsigned long long)seed);
    }
    assert_int_equal(rc_run, 0);
    assert_false(ls.diverged);
    assert_int_equal(violations, 0);
    assert_true(ls.ops >= s_count);
    lockstep_fini(&ls);
    checked->ops->destroy(checked);
    backend_close(views[0]);
}

static void run_mode(int mode)
{
    s_dmi.mode = mode;
    for (uint64_t seed = s_first_seed; seed < s_first_seed + s_seeds; seed++) {
        run_seed(seed, 1);
        run_seed(seed, 2);
    }
}

static void test_no_violation_with_dmi_on(void **state)
{
    (void)state;
    run_mode(DMI_ON);
}

static void test_no_violation_with_dmi_off(void **state)
{
    (void)state;
    run_mode(DMI_OFF);
}

static void test_no_violation_with_dmi_toggled_during_the_run(void **state)
{
    (void)state;
    run_mode(DMI_TOGGLED);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_violation_with_dmi_on),
        cmocka_unit_test(test_no_violation_with_dmi_off),
        cmocka_unit_test(test_no_violation_with_dmi_toggled_during_the_run),
    };

    if (argc == 3 && strcmp(argv[1], "--seed") == 0) {
        s_first_seed = strtoull(argv[2], NULL, 0);
        s_seeds = 1;
    }
    printf("seeds %llu..%llu, %lu operations each\n",
           (unsigned long long)s_first_seed,
           (unsigned long long)(s_first_seed + s_seeds - 1), s_count);
    return cmocka_run_group_tests(tests, NULL, NULL);
}

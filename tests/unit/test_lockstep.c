/*
 * The comparator: views in lockstep, a planted mismatch found where it was
 * planted, and the replay file that reproduces it.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "edu/pci_regs.h"
#include "lockstep.h"
#include "qtest.h"
#include "random.h"

/* A view that is the C model except for one planted fault. */
typedef struct Faulty {
    EduPlatform *inner;
    unsigned long reads;        /* reads answered so far */
    unsigned long flip_read;    /* 1-based read whose answer gets bit 0
                                 * flipped; 0: none */
    unsigned long fail_read;    /* 1-based read that fails; 0: none */
    bool flip_from;             /* flip every read from flip_read on */
    bool intx_ignores_disable;  /* INTA# as if COMMAND bit 10 were 0 */
} Faulty;

static Faulty faulty;   /* the fake backend's state (test-only) */

/* The fake is the fixture's; this only opens what it forwards to. */
static int faulty_open(const EduPlatformConfig *cfg)
{
    char err[256];

    faulty.inner = backend_open("cmodel", cfg, err, sizeof(err));
    return faulty.inner ? 0 : -EIO;
}

static EduPlatform *faulty_create(const EduPlatformConfig *cfg, char *err,
                                  size_t errlen)
{
    (void)cfg;
    snprintf(err, errlen, "faulty: made by the fixture only");
    return NULL;
}

static void faulty_destroy(EduPlatform *b)
{
    (void)b;
    backend_close(faulty.inner);
    faulty.inner = NULL;
}

static int faulty_read(EduPlatform *b, uint64_t addr, unsigned size,
                       uint64_t *v)
{
    int rc;

    faulty.reads++;
    if (faulty.reads == faulty.fail_read) {
        return edu_platform_fail(b, -EIO, "faulty: planted failure");
    }
    rc = faulty.inner->ops->mem_read(faulty.inner, addr, size, v);
    if (faulty.reads == faulty.flip_read ||
        (faulty.flip_from && faulty.flip_read &&
         faulty.reads > faulty.flip_read)) {
        *v ^= 1;
    }
    return rc;
}

#define FORWARD(name, params, args)                                         \
    static int faulty_##name params                                         \
    {                                                                       \
        (void)b;                                                            \
        return faulty.inner->ops->name args;                                \
    }
FORWARD(io_read, (EduPlatform *b, uint16_t p, unsigned s, uint32_t *v),
        (faulty.inner, p, s, v))
FORWARD(io_write, (EduPlatform *b, uint16_t p, uint32_t v, unsigned s),
        (faulty.inner, p, v, s))
FORWARD(mem_write, (EduPlatform *b, uint64_t a, uint64_t v, unsigned s),
        (faulty.inner, a, v, s))
FORWARD(mem_read_buf, (EduPlatform *b, uint64_t a, void *buf, size_t n),
        (faulty.inner, a, buf, n))
FORWARD(mem_write_buf, (EduPlatform *b, uint64_t a, const void *buf, size_t n),
        (faulty.inner, a, buf, n))
FORWARD(advance, (EduPlatform *b, uint64_t ns), (faulty.inner, ns))

/* INTA# from configuration STATUS bit 3 alone: the pin of a device that
 * ignores COMMAND's INTx disable (the latch is saved and put back). */
static int faulty_intx(EduPlatform *b)
{
    EduPlatform *in = faulty.inner;
    uint32_t latch, status;

    (void)b;
    if (!faulty.intx_ignores_disable) {
        return in->ops->intx(in);
    }
    in->ops->io_read(in, 0xcf8, 4, &latch);
    in->ops->io_write(in, 0xcf8, 0x80002004, 4);
    in->ops->io_read(in, 0xcfe, 2, &status);
    in->ops->io_write(in, 0xcf8, latch, 4);
    return (status & 0x8) != 0;
}

static uint64_t faulty_now_ns(EduPlatform *b)
{
    (void)b;
    return faulty.inner->ops->now_ns(faulty.inner);
}

static unsigned long faulty_guest_errors(EduPlatform *b)
{
    (void)b;
    return 0;
}

static const EduPlatformOps faulty_ops = {
    .name = "faulty",
    .create = faulty_create,
    .destroy = faulty_destroy,
    .io_read = faulty_io_read,
    .io_write = faulty_io_write,
    .mem_read = faulty_read,
    .mem_write = faulty_mem_write,
    .mem_read_buf = faulty_mem_read_buf,
    .mem_write_buf = faulty_mem_write_buf,
    .advance = faulty_advance,
    .now_ns = faulty_now_ns,
    .intx = faulty_intx,
    .guest_errors = faulty_guest_errors,
};

typedef struct Fixture {
    EduPlatform *view[2];
    EduPlatform fake;
    Lockstep ls;
    char replay[64];
} Fixture;

static const EduPlatformConfig quiet = {.quiet = true};
static const unsigned slot4 = 4;
static const RandomConfig stream = {
    .seed = 7, .count = 400, .n_edu = 1, .edu_slot = &slot4,
};

static int setup(void **state)
{
    static Fixture fx;
    char err[256];
    int fd;

    memset(&fx, 0, sizeof(fx));
    faulty = (Faulty){0};
    fx.view[0] = backend_open("cmodel", &quiet, err, sizeof(err));
    fx.fake.ops = &faulty_ops;
    assert_int_equal(faulty_open(&quiet), 0);
    fx.view[1] = &fx.fake;
    assert_non_null(fx.view[0]);
    assert_int_equal(lockstep_init(&fx.ls, fx.view, 2), 0);
    strcpy(fx.replay, "/tmp/test_lockstep_XXXXXX");
    fd = mkstemp(fx.replay);
    assert_true(fd >= 0);
    close(fd);
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    Fixture *fx = *state;

    lockstep_fini(&fx->ls);
    backend_close(fx->view[0]);
    faulty_destroy(&fx->fake);
    remove(fx->replay);
    return 0;
}

static void test_identical_views_agree_on_every_answer(void **state)
{
    Fixture *fx = *state;

    assert_int_equal(random_run(&fx->ls, &stream), 0);
    assert_false(fx->ls.diverged);
    assert_int_equal(fx->ls.mismatches[1], 0);
    assert_true(fx->ls.ops >= stream.count);
    assert_int_equal(fx->ls.compared, fx->ls.ops);
}

/* The n-th line of a file (1-based), without its newline. */
static void nth_line(const char *path, unsigned long n, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    unsigned long i = 0;

    assert_non_null(f);
    buf[0] = '\0';
    while (fgets(buf, (int)len, f) && ++i < n) {
    }
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
}

static unsigned long count_lines(const char *path, bool commands_only)
{
    FILE *f = fopen(path, "r");
    char line[8192];
    unsigned long n = 0;

    assert_non_null(f);
    while (fgets(line, sizeof(line), f)) {
        n += !commands_only || line[0] != '#';
    }
    fclose(f);
    return n;
}

static void test_planted_mismatch_is_found_with_its_replay(void **state)
{
    Fixture *fx = *state;
    char last[256], expect[256 + 40]; /* "operation %lu (%s)" */
    unsigned long total, commands;

    faulty.flip_read = 25;
    random_run(&fx->ls, &stream);
    assert_true(fx->ls.diverged);
    assert_int_equal(fx->ls.mismatches[1], 1);
    assert_int_equal(fx->ls.diverged_value[1],
                     fx->ls.diverged_value[0] ^ 1);
    assert_non_null(strstr(fx->ls.divergence, "cmodel vs faulty"));

    assert_int_equal(lockstep_write_replay(&fx->ls, fx->replay, "# t\n"), 0);
    total = count_lines(fx->replay, false);
    commands = count_lines(fx->replay, true);
    assert_int_equal(total - commands, 1);
    /* The replay ends with the read that differed. */
    nth_line(fx->replay, total, last, sizeof(last));
    assert_true(strncmp(last, "read", 4) == 0);
    snprintf(expect, sizeof(expect), "operation %lu (%s)",
             fx->ls.diverged_at, last);
    assert_non_null(strstr(fx->ls.divergence, expect));
}

/* Feeding the replay to `edu-tb qtest` on the reference gives back the
 * reference's answer to the operation that differed. */
static void test_replay_runs_on_the_qtest_front_end(void **state)
{
    Fixture *fx = *state;
    char err[256], line[8192], *answer = NULL;
    size_t answer_len = 0;
    uint64_t want;
    QtestSession s;
    EduPlatform *b;
    FILE *in, *out;

    /* A plain read of this stream (a flip in a poll may go unseen). */
    faulty.flip_read = 25;
    random_run(&fx->ls, &stream);
    assert_true(fx->ls.diverged);
    want = fx->ls.diverged_value[0];
    assert_int_equal(lockstep_write_replay(&fx->ls, fx->replay, "# t\n"), 0);

    b = backend_open("cmodel", &quiet, err, sizeof(err));
    assert_non_null(b);
    assert_int_equal(qtest_session_init(&s, b), 0);
    in = fopen(fx->replay, "r");
    assert_non_null(in);
    while (fgets(line, sizeof(line), in)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#') {
            continue;
        }
        free(answer);
        answer = NULL;
        out = open_memstream(&answer, &answer_len);
        assert_int_equal(qtest_execute_line(&s, line, out), 0);
        fclose(out);
    }
    fclose(in);
    assert_non_null(answer);
    assert_int_equal(strtoull(answer + 3, NULL, 16), want);
    free(answer);
    qtest_session_fini(&s);
    backend_close(b);
}

/* Runs every command line of a replay on 'b'; the last answer into
 * 'last'.  Asserts that no answer is FAIL. */
static void replay_on(const char *path, EduPlatform *b, char *last, size_t len)
{
    char line[8192], *answer = NULL;
    size_t answer_len = 0;
    QtestSession s;
    FILE *in, *out;

    assert_int_equal(qtest_session_init(&s, b), 0);
    in = fopen(path, "r");
    assert_non_null(in);
    while (fgets(line, sizeof(line), in)) {
        line[strcspn(line, "\n")] = '\0';
        free(answer);
        answer = NULL;
        out = open_memstream(&answer, &answer_len);
        qtest_execute_line(&s, line, out);
        fclose(out);
        assert_null(strstr(answer, "FAIL"));
    }
    fclose(in);
    snprintf(last, len, "%s", answer ? answer : "");
    free(answer);
    qtest_session_fini(&s);
}

/* A divergence at a poll (clock_step, then the read): the header keeps it
 * on one comment line, and the replay gives each view's answer back. */
static void test_poll_divergence_replays_to_the_same_answers(void **state)
{
    Fixture *fx = *state;
    char err[256], ref[256], bad[256], want[64];
    EduPlatform *b;

    /* Every read from the 2nd on flipped: the first poll's read is one. */
    faulty.flip_read = 1;
    faulty.flip_from = true;
    drv_write(&fx->ls, 0x100000, 0x10, 4);
    drv_wait(&fx->ls, 0x100000, 4, 0x10, 0x10, 1000000, NULL);
    assert_true(fx->ls.diverged);
    assert_non_null(strstr(fx->ls.divergence,
                           "(clock_step 200000000; readl 0x100000)"));
    assert_int_equal(lockstep_write_replay(&fx->ls, fx->replay,
                                           "# diverged at ...\n"), 0);
    assert_int_equal(count_lines(fx->replay, false) -
                         count_lines(fx->replay, true), 1);

    b = backend_open("cmodel", &quiet, err, sizeof(err));
    assert_non_null(b);
    replay_on(fx->replay, b, ref, sizeof(ref));
    backend_close(b);
    /* A fresh faulty view, the same fault. */
    faulty_destroy(&fx->fake);
    faulty = (Faulty){.flip_read = 1, .flip_from = true};
    assert_int_equal(faulty_open(&quiet), 0);
    replay_on(fx->replay, &fx->fake, bad, sizeof(bad));
    snprintf(want, sizeof(want), "OK 0x%016" PRIx64 "\n",
             fx->ls.diverged_value[0]);
    assert_string_equal(ref, want);
    snprintf(want, sizeof(want), "OK 0x%016" PRIx64 "\n",
             fx->ls.diverged_value[1]);
    assert_string_equal(bad, want);
}

/* A pin that ignores INTx disable differs on INTA# alone; the replay
 * intercepts the I/O APIC so that the IRQ lines show it. */
static void test_intx_ignoring_disable_is_caught_on_the_pin(void **state)
{
    Fixture *fx = *state;
    char last[256];

    faulty.intx_ignores_disable = true;
    drv_cfg_write(&fx->ls, PCI_DEVFN(4, 0), PCI_BASE_ADDRESS_0, 0xe0000000u,
                  4);
    drv_cfg_write(&fx->ls, PCI_DEVFN(4, 0), PCI_COMMAND,
                  PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE, 2);
    assert_false(fx->ls.diverged);
    drv_write(&fx->ls, 0xe0000060, 1, 4);
    assert_true(fx->ls.diverged);
    assert_true(fx->ls.diverged_intx);
    assert_non_null(strstr(fx->ls.divergence,
                           "INTA# deasserted vs asserted after it"));
    assert_int_equal(lockstep_write_replay(&fx->ls, fx->replay, "# t\n"), 0);
    nth_line(fx->replay, 2, last, sizeof(last));
    assert_string_equal(last, "irq_intercept_in ioapic");
}

static void test_a_failing_view_stops_the_stream(void **state)
{
    Fixture *fx = *state;
    unsigned long ops;

    faulty.fail_read = 10;
    assert_int_equal(random_run(&fx->ls, &stream), -EIO);
    ops = fx->ls.ops;
    assert_non_null(strstr(fx->ls.error_text, "planted failure"));
    /* Nothing runs after the failure. */
    assert_int_equal(drv_read(&fx->ls, 0x100000, 4), 0);
    assert_int_equal(fx->ls.ops, ops);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_identical_views_agree_on_every_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_planted_mismatch_is_found_with_its_replay, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_replay_runs_on_the_qtest_front_end, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_poll_divergence_replays_to_the_same_answers, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_intx_ignoring_disable_is_caught_on_the_pin, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_a_failing_view_stops_the_stream,
                                        setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

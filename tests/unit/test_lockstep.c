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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
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
} Faulty;

static Faulty faulty;   /* the fake backend's state (test-only) */

static int faulty_create(EduPlatform *b, const EduPlatformConfig *cfg)
{
    char err[256];

    faulty.inner = backend_open("cmodel", cfg, err, sizeof(err));
    b->priv = &faulty;
    return faulty.inner ? 0 : -EIO;
}

static void faulty_destroy(EduPlatform *b)
{
    (void)b;
    backend_close(faulty.inner);
    faulty.inner = NULL;
}

static int faulty_read(EduPlatform *b, uint64_t addr, unsigned size, uint64_t *v)
{
    int rc;

    faulty.reads++;
    if (faulty.reads == faulty.fail_read) {
        return edu_platform_fail(b, -EIO, "faulty: planted failure");
    }
    rc = faulty.inner->ops->mem_read(faulty.inner, addr, size, v);
    if (faulty.reads == faulty.flip_read) {
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
FORWARD(intx, (EduPlatform *b), (faulty.inner))

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
    assert_int_equal(faulty_create(&fx.fake, &quiet), 0);
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
        cmocka_unit_test_setup_teardown(test_a_failing_view_stops_the_stream,
                                        setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

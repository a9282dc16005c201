/*
 * Unit tests of the qtest front end (testbench/qtest.c) on the cmodel
 * backend, and of the backend registry: every command with QEMU's exact
 * answer text, and every kind of malformed request answered FAIL with the
 * session going on.  The qemu backend is checked here only against fake
 * QEMUs (its answers and failures); tests/integration runs the real one.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "qtest.h"

typedef struct TestState {
    EduPlatform *backend;
    QtestSession session;
    char *answer; /* the last answer, owned here */
    int rc;       /* what qtest_execute_line returned */
} TestState;

static int setup_config(void **state, const EduPlatformConfig *cfg)
{
    TestState *t = calloc(1, sizeof(*t));
    char err[256];

    assert_non_null(t);
    t->backend = backend_open("cmodel", cfg, err, sizeof(err));
    assert_non_null(t->backend);
    assert_int_equal(qtest_session_init(&t->session, t->backend), 0);
    *state = t;
    return 0;
}

static int setup(void **state)
{
    EduPlatformConfig cfg = {.quiet = true};

    return setup_config(state, &cfg);
}

static int teardown(void **state)
{
    TestState *t = *state;

    qtest_session_fini(&t->session);
    backend_close(t->backend);
    free(t->answer);
    free(t);
    return 0;
}

/* The answer to one request line, newline included ("" for none). */
static const char *ask(TestState *t, const char *line)
{
    size_t len = 0;
    FILE *out;

    free(t->answer);
    t->answer = NULL;
    out = open_memstream(&t->answer, &len);
    assert_non_null(out);
    t->rc = qtest_execute_line(&t->session, line, out);
    fclose(out);
    return t->answer;
}

/* Asks and checks the exact answer. */
static void expect(TestState *t, const char *line, const char *answer)
{
    const char *got = ask(t, line);

    if (strcmp(got, answer) != 0) {
        fail_msg("'%s' answered '%s', expected '%s'", line, got, answer);
    }
}

/* A request and the exact answer to it, newline included. */
typedef struct Exchange {
    const char *request;
    const char *answer;
} Exchange;

#define N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

/* Asks each request in turn and checks each answer. */
static void expect_all(TestState *t, const Exchange *script, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        expect(t, script[i].request, script[i].answer);
    }
}

/* Moves time on; the answer is a time that depends on the timing table. */
static void step(TestState *t, const char *line)
{
    unsigned long long ns;

    assert_int_equal(sscanf(ask(t, line), "OK %llu\n", &ns), 1);
    assert_int_equal(t->rc, 0);
}

/* BAR0 at 0xfe000000 with memory decode and bus mastering on. */
static void map_bar0(TestState *t)
{
    static const Exchange bar0_mapping[] = {
        {"outl 0xcf8 0x80002010", "OK\n"},
        {"outl 0xcfc 0xfe000000", "OK\n"},
        {"outl 0xcf8 0x80002004", "OK\n"},
        {"outw 0xcfc 0x6", "OK\n"},
    };

    expect_all(t, bar0_mapping, N_ELEMENTS(bar0_mapping));
}

/* ---- commands ---------------------------------------------------------- */

static void test_endianness_is_little(void **state)
{
    expect(*state, "endianness", "OK little\n");
}

static void test_in_answers_at_least_four_hex_digits(void **state)
{
    /* Nobody claims port 0x80: all ones, cut to the size. */
    static const Exchange script[] = {
        {"inb 0x80", "OK 0x00ff\n"},
        {"inw 0x80", "OK 0xffff\n"},
        {"inl 0x80", "OK 0xffffffff\n"},
    };
    TestState *t = *state;

    expect_all(t, script, N_ELEMENTS(script));
}

static void test_out_and_in_reach_config_space(void **state)
{
    static const Exchange script[] = {
        {"inl 0xcf8", "OK 0x0000\n"},
        {"outl 0xcf8 0x80002000", "OK\n"},
        {"inl 0xcf8", "OK 0x80002000\n"},
        {"inl 0xcfc", "OK 0x11e81234\n"},
        {"inw 0xcfe", "OK 0x11e8\n"},
        {"inb 0xcfd", "OK 0x0012\n"},
        {"outl 0xcf8 0x8000203c", "OK\n"},
        {"outb 0xcfc 0x1a5", "OK\n"}, /* the value is cut to a byte */
        {"inl 0xcfc", "OK 0x01a5\n"},
        {"outw 0xcfc 0x0b", "OK\n"},
        {"inl 0xcfc", "OK 0x010b\n"},
    };
    TestState *t = *state;

    expect_all(t, script, N_ELEMENTS(script));
}

static void test_read_sizes_answer_sixteen_hex_digits(void **state)
{
    static const Exchange script[] = {
        {"writeb 0x1000 0x1ff", "OK\n"},
        {"readb 0x1000", "OK 0x00000000000000ff\n"},
        {"writew 0x1010 0x12345", "OK\n"},
        {"readw 0x1010", "OK 0x0000000000002345\n"},
        {"writel 0x1020 0x89abcdef", "OK\n"},
        {"readl 0x1020", "OK 0x0000000089abcdef\n"},
        {"writeq 0x1030 0x0123456789abcdef", "OK\n"},
        {"readq 0x1030", "OK 0x0123456789abcdef\n"},
        {"readb 0x1030", "OK 0x00000000000000ef\n"},
        {"read 0x1030 8", "OK 0xefcdab8967452301\n"},
    };
    TestState *t = *state;

    expect_all(t, script, N_ELEMENTS(script));
}

/* QEMU 7.2's answers, measured: the I/O APIC's input 11 follows INTA#
 * (INTx disable included); set_irq_in moves an input; a line only when
 * the level differs from the last one reported. */
static void test_irq_lines_follow_inta_once_intercepted(void **state)
{
    static const Exchange script[] = {
        {"writel 0xfe000060 0x1", "OK\n"},
        {"irq_intercept_in nosuch", "FAIL Unknown device\n"},
        {"irq_intercept_in ioapic", "OK\n"},
        {"irq_intercept_out /machine/i440fx/ioapic", "OK\n"},
        {"writel 0xfe000064 0x1", "OK\n"},
        {"writel 0xfe000060 0x4", "IRQ raise 11\nOK\n"},
        {"outl 0xcf8 0x80002004", "OK\n"},
        {"outw 0xcfc 0x406", "IRQ lower 11\nOK\n"},
        {"outw 0xcfc 0x6", "IRQ raise 11\nOK\n"},
        {"set_irq_in ioapic unnamed-gpio-in 11 0", "IRQ lower 11\nOK\n"},
        {"writel 0xfe000064 0x4", "OK\n"},
        {"set_irq_in ioapic unnamed-gpio-in 5 2", "IRQ raise 5\nOK\n"},
        {"set_irq_in ioapic unnamed-gpio-in 5 1", "IRQ raise 5\nOK\n"},
        {"set_irq_in ioapic unnamed-gpio-in 5 1", "OK\n"},
        {"set_irq_in ioapic unnamed-gpio-in 24 1",
         "FAIL no input unnamed-gpio-in 24\n"},
        {"set_irq_in ioapic", "FAIL usage: set_irq_in QOM-PATH NAME NUM "
                              "LEVEL\n"},
        {"writel 0xfe000020 0x80", "OK\n"},
        {"writel 0xfe000008 5", "OK\n"},
        {"clock_step", "IRQ raise 11\nOK 1320\n"},
    };
    TestState *t = *state;

    map_bar0(t);
    expect_all(t, script, N_ELEMENTS(script));
}

static void test_bar0_registers_answer_through_qtest(void **state)
{
    static const Exchange script[] = {
        {"readl 0xfe000000", "OK 0x00000000010000ed\n"},
        {"writel 0xfe000004 0x12345678", "OK\n"},
        {"readl 0xfe000004", "OK 0x00000000edcba987\n"},
        /* 1- and 2-byte accesses read 0, an 8-byte one below 0x80 all ones. */
        {"readb 0xfe000000", "OK 0x0000000000000000\n"},
        {"readw 0xfe000000", "OK 0x0000000000000000\n"},
        {"readq 0xfe000000", "OK 0xffffffffffffffff\n"},
    };
    TestState *t = *state;

    map_bar0(t);
    expect_all(t, script, N_ELEMENTS(script));
    assert_int_equal(t->backend->ops->guest_errors(t->backend), 2);
}

static void test_read_answers_two_hex_digits_per_byte(void **state)
{
    static const Exchange script[] = {
        {"write 0x2000 5 0x00A1b2C3ff", "OK\n"},
        {"read 0x2000 5", "OK 0x00a1b2c3ff\n"},
        {"read 0x2000 1", "OK 0x00\n"},
    };
    TestState *t = *state;

    expect_all(t, script, N_ELEMENTS(script));
}

static void test_write_fills_zeros_past_its_data(void **state)
{
    static const Exchange script[] = {
        {"memset 0x2100 8 0xee", "OK\n"},
        {"write 0x2100 4 0xaabb", "OK\n"},
        {"read 0x2100 6", "OK 0xaabb0000eeee\n"},
    };
    TestState *t = *state;

    expect_all(t, script, N_ELEMENTS(script));
}

static void test_write_ignores_digits_past_its_size(void **state)
{
    static const Exchange script[] = {
        {"write 0x2200 1 0x112233", "OK\n"},
        {"read 0x2200 3", "OK 0x110000\n"},
        {"write 0x2200 0 0x44", "OK\n"},
        {"read 0x2200 1", "OK 0x11\n"},
    };
    TestState *t = *state;

    expect_all(t, script, N_ELEMENTS(script));
}

static void test_memset_fills_the_low_byte_of_its_value(void **state)
{
    static const Exchange script[] = {
        {"memset 0x3000 3 0x1ab", "OK\n"},
        {"read 0x3000 4", "OK 0xababab00\n"},
        {"memset 0x3000 0 0x11", "OK\n"},
        {"read 0x3000 1", "OK 0xab\n"},
    };
    TestState *t = *state;

    expect_all(t, script, N_ELEMENTS(script));
}

static void test_memset_covers_a_large_range(void **state)
{
    /* More than one chunk, at an odd address. */
    static const Exchange script[] = {
        {"memset 0x10003 0x30001 0x5a", "OK\n"},
        {"read 0x10002 2", "OK 0x005a\n"},
        {"read 0x40003 2", "OK 0x5a00\n"},
    };
    TestState *t = *state;

    expect_all(t, script, N_ELEMENTS(script));
}

static void test_b64read_answers_base64(void **state)
{
    static const Exchange script[] = {
        {"write 0x4000 4 0x41424344", "OK\n"},
        {"b64read 0x4000 3", "OK QUJD\n"},
        {"b64read 0x4000 4", "OK QUJDRA==\n"},
        {"b64read 0x4000 2", "OK QUI=\n"},
        /* QEMU answers "OK " to 0 bytes. */
        {"b64read 0x4000 0", "OK \n"},
    };
    TestState *t = *state;

    expect_all(t, script, N_ELEMENTS(script));
}

static void test_b64write_writes_and_cuts_to_its_size(void **state)
{
    static const Exchange script[] = {
        {"b64write 0x5000 3 QUJD", "OK\n"},
        {"read 0x5000 4", "OK 0x41424300\n"},
        {"b64write 0x5010 2 QUJDRA==", "OK\n"},
        {"read 0x5010 3", "OK 0x414200\n"},
        {"b64write 0x5020 0 QUJD", "OK\n"},
        {"read 0x5020 1", "OK 0x00\n"},
    };
    TestState *t = *state;

    expect_all(t, script, N_ELEMENTS(script));
}

static void test_clock_step_moves_by_whole_pci_clocks(void **state)
{
    static const Exchange script[] = {
        /* 30 ns clocks, rounded up. */
        {"clock_step 100", "OK 120\n"},
        {"clock_step 30", "OK 150\n"},
        {"clock_set 1000", "OK 1020\n"},
        /* Time never goes back; negative and zero steps do nothing. */
        {"clock_set 10", "OK 1020\n"},
        {"clock_set -10", "OK 1020\n"},
        {"clock_step -5", "OK 1020\n"},
        {"clock_step 0", "OK 1020\n"},
        /* Nothing pending: a bare clock_step stays. */
        {"clock_step", "OK 1020\n"},
    };
    TestState *t = *state;

    expect_all(t, script, N_ELEMENTS(script));
}

static void test_clock_step_without_ns_runs_to_the_next_event(void **state)
{
    TestState *t = *state;
    unsigned long long before;
    unsigned long long after;

    map_bar0(t);
    expect(t, "writel 0xfe000008 10", "OK\n");
    before = t->backend->ops->now_ns(t->backend);
    ask(t, "clock_step");
    assert_int_equal(sscanf(t->answer, "OK %llu\n", &after), 1);
    assert_true(after > before);
    assert_int_equal(after, t->backend->ops->now_ns(t->backend));
    assert_int_equal(after % 30, 0);
    /* The factorial was the only work: it is done. */
    assert_int_equal(t->backend->ops->next_event_ns(t->backend, &(uint64_t){0}),
                     -ENOENT);
}

static void test_numbers_parse_like_qemu(void **state)
{
    static const Exchange script[] = {
        {"outl 0xcf8 2147491840", "OK\n"}, /* decimal */
        {"inl 0xcf8", "OK 0x80002000\n"},
        {"outl 0xcf8 020000020000", "OK\n"}, /* octal */
        {"inl 0xcf8", "OK 0x80002000\n"},
        {"outl 0XCF8 0X80002008", "OK\n"}, /* 0X */
        {"inl 0xcf8", "OK 0x80002008\n"},
        /* strtoull takes a sign: -1 is all ones. */
        {"writeq 0x1000 -1", "OK\n"},
        {"readq 0x1000", "OK 0xffffffffffffffff\n"},
    };
    TestState *t = *state;

    expect_all(t, script, N_ELEMENTS(script));
}

static void test_words_past_the_arguments_are_ignored(void **state)
{
    static const Exchange script[] = {
        {"inb 0x80 junk", "OK 0x00ff\n"},
        {"inb 0x80 ", "OK 0x00ff\n"},
        {"endianness please", "OK little\n"},
    };
    TestState *t = *state;

    expect_all(t, script, N_ELEMENTS(script));
}

static void test_empty_line_gets_no_answer(void **state)
{
    TestState *t = *state;

    expect(t, "", "");
    assert_int_equal(t->rc, 0);
    expect(t, "\r", "");
    expect(t, "endianness\r", "OK little\n");
    assert_int_equal(t->session.requests, 1);
}

/* ---- malformed requests -------------------------------------------------- */

static void test_unknown_command_fails_like_qemu(void **state)
{
    static const Exchange script[] = {
        {"INB 0x80", "FAIL Unknown command 'INB'\n"},
        {" inb 0x80", "FAIL Unknown command ''\n"},
        {"inb\t0x80", "FAIL Unknown command 'inb\t0x80'\n"},
        {"module_load accel qtest",
         "FAIL Unknown command 'module_load'\n"},
        {"endianness", "OK little\n"},
    };
    TestState *t = *state;

    expect(t, "foo bar", "FAIL Unknown command 'foo'\n");
    assert_int_equal(t->rc, -EINVAL);
    expect_all(t, script, N_ELEMENTS(script));
}

static void test_missing_arguments_fail(void **state)
{
    static const Exchange script[] = {
        {"inb", "FAIL usage: inb ADDR\n"},
        {"outb 0x80", "FAIL usage: outb ADDR VALUE\n"},
        {"readq", "FAIL usage: readq ADDR\n"},
        {"writel 0", "FAIL usage: writel ADDR VALUE\n"},
        {"read 0", "FAIL usage: read ADDR SIZE\n"},
        {"b64read 0", "FAIL usage: b64read ADDR SIZE\n"},
        {"write 0 1", "FAIL usage: write ADDR SIZE 0xDATA\n"},
        {"b64write 0 1", "FAIL usage: b64write ADDR SIZE B64DATA\n"},
        {"memset 0 1", "FAIL usage: memset ADDR SIZE VALUE\n"},
        {"clock_set", "FAIL usage: clock_set NS\n"},
        {"endianness", "OK little\n"},
    };
    TestState *t = *state;

    expect_all(t, script, N_ELEMENTS(script));
    assert_int_equal(t->session.failures, 10);
}

static void test_bad_numbers_fail(void **state)
{
    static const Exchange script[] = {
        {"inb 0x80x", "FAIL bad number '0x80x'\n"},
        {"inb  0x80", "FAIL bad number ''\n"},
        {"readl 0x", "FAIL bad number '0x'\n"},
        {"readl 09", "FAIL bad number '09'\n"},
        {"readl -", "FAIL bad number '-'\n"},
        {"writel 0 99999999999999999999",
         "FAIL bad number '99999999999999999999'\n"},
        {"outb 0x80 one", "FAIL bad number 'one'\n"},
        {"read 0 four", "FAIL bad number 'four'\n"},
        {"memset 0 1 x", "FAIL bad number 'x'\n"},
        {"clock_step 1ns", "FAIL bad number '1ns'\n"},
        {"clock_step 9223372036854775808",
         "FAIL bad number '9223372036854775808'\n"},
        {"clock_set soon", "FAIL bad number 'soon'\n"},
    };
    TestState *t = *state;

    expect_all(t, script, N_ELEMENTS(script));
    /* Long words: a long number that is fine is still a number; a bad
     * one is quoted in part. */
    {
        char line[160] = "readb ";
        char answer[80];

        memset(line + 6, '0', 120);
        strcpy(line + 126, "10");
        expect(t, line, "OK 0x0000000000000000\n");
        strcpy(line + 126, "1x");
        snprintf(answer, sizeof(answer), "FAIL bad number '%.40s'\n", line + 6);
        expect(t, line, answer);
    }
    expect(t, "endianness", "OK little\n");
}

static void test_port_past_ffff_fails(void **state)
{
    static const Exchange script[] = {
        {"inb 0x10000", "FAIL port 0x10000 is past 0xffff\n"},
        {"outl 0x10cf8 0x80002000", "FAIL port 0x10cf8 is past 0xffff\n"},
        {"inl 0xcf8", "OK 0x0000\n"},
    };
    TestState *t = *state;

    expect_all(t, script, N_ELEMENTS(script));
}

static void test_oversized_transfers_fail(void **state)
{
    static const Exchange script[] = {
        {"read 0 0x1000001",
         "FAIL size 16777217 is too big (at most 16777216)\n"},
        {"b64read 0 0x1000001",
         "FAIL size 16777217 is too big (at most 16777216)\n"},
        {"write 0 0x10000001 0x00",
         "FAIL size 268435457 is too big (at most 268435456)\n"},
        {"b64write 0 0x10000001 AAAA",
         "FAIL size 268435457 is too big (at most 268435456)\n"},
        {"memset 0 0xffffffffffffffff 0",
         "FAIL size 18446744073709551615 is too big (at most 268435456)\n"},
        /* QEMU asserts on a read of nothing. */
        {"read 0 0", "FAIL read of 0 bytes\n"},
        {"endianness", "OK little\n"},
    };
    TestState *t = *state;

    expect_all(t, script, N_ELEMENTS(script));
}

static void test_bad_hex_fails_and_writes_nothing(void **state)
{
    static const Exchange too_short[] = {
        {"memset 0x6000 4 0x77", "OK\n"},
        /* QEMU's own answer to data of fewer than 3 characters. */
        {"write 0x6000 1 0", "ERR invalid argument size\n"},
        {"write 0x6000 1 0x", "ERR invalid argument size\n"},
    };
    static const Exchange not_hex[] = {
        {"write 0x6000 2 zz12", "FAIL bad hex data: no 0x\n"},
        {"write 0x6000 2 0x12zz", "FAIL bad hex data: 'z' at 4\n"},
        {"write 0x6000 2 0x123", "FAIL bad hex data: odd number of digits\n"},
        {"write 0x6000 2 0x1-", "FAIL bad hex data: '-' at 3\n"},
        {"read 0x6000 4", "OK 0x77777777\n"},
    };
    TestState *t = *state;

    expect_all(t, too_short, N_ELEMENTS(too_short));
    assert_int_equal(t->rc, -EINVAL);
    expect_all(t, not_hex, N_ELEMENTS(not_hex));
}

static void test_bad_base64_fails_and_writes_nothing(void **state)
{
    static const Exchange script[] = {
        {"memset 0x7000 4 0x77", "OK\n"},
        {"b64write 0x7000 1 QU", "ERR invalid argument size\n"},
        {"b64write 0x7000 2 QUI", "FAIL bad base64 data\n"},
        {"b64write 0x7000 3 QU*D", "FAIL bad base64 data\n"},
        {"b64write 0x7000 3 Q=JD", "FAIL bad base64 data\n"},
        {"b64write 0x7000 3 QUJD====", "FAIL bad base64 data\n"},
        {"b64write 0x7000 4 QUJD",
         "FAIL base64 data of 3 bytes is shorter than the size 4\n"},
        {"read 0x7000 4", "OK 0x77777777\n"},
    };
    TestState *t = *state;

    expect_all(t, script, N_ELEMENTS(script));
}

static void test_session_goes_on_after_failures(void **state)
{
    static const Exchange script[] = {
        {"nonsense", "FAIL Unknown command 'nonsense'\n"},
        {"readl", "FAIL usage: readl ADDR\n"},
        {"read 0 0", "FAIL read of 0 bytes\n"},
        {"readl 0xfe000000", "OK 0x00000000010000ed\n"},
    };
    TestState *t = *state;

    map_bar0(t);
    expect_all(t, script, N_ELEMENTS(script));
    assert_int_equal(t->session.failures, 3);
    assert_int_equal(t->session.backend_errors, 0);
    assert_int_equal(t->session.requests, 8);
}

/* ---- serving a stream ---------------------------------------------------- */

static char *serve(TestState *t, const char *input, int *rc)
{
    FILE *in = tmpfile();
    char *text = NULL;
    size_t len = 0;
    FILE *out;

    assert_non_null(in);
    assert_int_equal(fwrite(input, 1, strlen(input), in), strlen(input));
    assert_int_equal(fflush(in), 0);
    assert_int_equal(lseek(fileno(in), 0, SEEK_SET), 0);
    out = open_memstream(&text, &len);
    assert_non_null(out);
    *rc = qtest_serve(&t->session, fileno(in), out);
    fclose(out);
    fclose(in);
    return text;
}

static void test_serve_answers_every_line_in_order(void **state)
{
    TestState *t = *state;
    int rc;
    char *text = serve(t,
                       "endianness\n\ninb 0x80\nbogus\r\n"
                       "outl 0xcf8 0x80002000\ninl 0xcfc",
                       &rc);

    assert_int_equal(rc, 0);
    /* The last line has no newline and is still answered. */
    assert_string_equal(text, "OK little\nOK 0x00ff\n"
                              "FAIL Unknown command 'bogus'\n"
                              "OK\nOK 0x11e81234\n");
    free(text);
}

static void test_serve_takes_long_lines(void **state)
{
    TestState *t = *state;
    size_t n = 100000; /* bytes: the line is longer than the buffer */
    size_t head = strlen("write 0x8000 100000 0x");
    char *input = malloc(head + 2 * n + 64);
    char *text;
    int rc;

    assert_non_null(input);
    memcpy(input, "write 0x8000 100000 0x", head);
    memset(input + head, 'a', 2 * n);
    strcpy(input + head + 2 * n, "\nread 0x8000 2\nread 0x2069f 2\n");
    text = serve(t, input, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(text, "OK\nOK 0xaaaa\nOK 0xaa00\n");
    free(text);
    free(input);
}

/* ---- the registry and the backends --------------------------------------- */

static void test_registry_lists_and_finds_backends(void **state)
{
    const EduPlatformOps *const *list = backend_list();
    char known[256] = "";
    char want[512];
    char err[256];

    (void)state;
    /* cmodel first; every view once, found by its name (the table grows
     * with the views: not spelled out here). */
    assert_non_null(list[0]);
    assert_string_equal(list[0]->name, "cmodel");
    for (size_t i = 0; list[i]; i++) {
        assert_ptr_equal(backend_find(list[i]->name), list[i]);
        strcat(known, i ? ", " : "");
        strcat(known, list[i]->name);
    }
    assert_non_null(backend_find("qemu"));
    assert_non_null(backend_find("tlm"));
    assert_null(backend_find("verilator"));
    assert_null(backend_find(NULL));
    assert_null(backend_open("verilator", NULL, err, sizeof(err)));
    snprintf(want, sizeof(want), "unknown backend 'verilator' (known: %s)",
             known);
    assert_string_equal(err, want);
}

static void test_open_refuses_bad_configurations(void **state)
{
    EduPlatformConfig many = {.n_edu = EDU_PLATFORM_MAX_EDU + 1};
    EduPlatformConfig twice = {.n_edu = 2, .edu_slot = {6, 6}};
    EduPlatformConfig far = {.n_edu = 1, .edu_slot = {32}};
    EduPlatformConfig vcd = {.vcd_path = "/nonexistent/x.vcd"};
    char err[256];

    (void)state;
    assert_null(backend_open("cmodel", &many, err, sizeof(err)));
    assert_string_equal(err, "too many edu devices: 9 (at most 8)");
    assert_null(backend_open("cmodel", &twice, err, sizeof(err)));
    assert_string_equal(err, "two edu devices in slot 6");
    assert_null(backend_open("cmodel", &far, err, sizeof(err)));
    assert_string_equal(err, "edu slot 32 is not on a PCI bus (1..31)");
    assert_null(backend_open("cmodel", &vcd, err, sizeof(err)));
    assert_string_equal(err, "cmodel: /nonexistent/x.vcd: No such "
                             "file or directory");
}

static void test_cmodel_puts_edus_in_their_slots(void **state)
{
    EduPlatformConfig cfg = {.n_edu = 2, .edu_slot = {0, 9}, .quiet = true};
    /* Slot 4 by default, then slot 9; slot 5 is empty. */
    static const Exchange script[] = {
        {"outl 0xcf8 0x80002000", "OK\n"}, {"inl 0xcfc", "OK 0x11e81234\n"},
        {"outl 0xcf8 0x80002800", "OK\n"}, {"inl 0xcfc", "OK 0xffffffff\n"},
        {"outl 0xcf8 0x80004800", "OK\n"}, {"inl 0xcfc", "OK 0x11e81234\n"},
    };
    TestState *t;

    (void)state;
    setup_config((void **)&t, &cfg);
    expect_all(t, script, N_ELEMENTS(script));
    teardown((void **)&t);
}

static void test_cmodel_applies_the_dma_mask(void **state)
{
    EduPlatformConfig cfg = {.dma_mask = 0xffff, .quiet = true};
    static const Exchange ram_to_buffer[] = {
        {"write 0x2345 4 0xcafef00d", "OK\n"},
        /* RAM address 0x12345 is masked to 0x2345. */
        {"writeq 0xfe000080 0x12345", "OK\n"},
        {"writeq 0xfe000088 0x40000", "OK\n"},
        {"writeq 0xfe000090 4", "OK\n"},
        {"writeq 0xfe000098 1", "OK\n"},
    };
    static const Exchange buffer_to_ram[] = {
        {"readq 0xfe000098", "OK 0x0000000000000000\n"},
        {"writeq 0xfe000080 0x40000", "OK\n"},
        {"writeq 0xfe000088 0x3000", "OK\n"},
        {"writeq 0xfe000098 3", "OK\n"},
    };
    TestState *t;

    (void)state;
    setup_config((void **)&t, &cfg);
    map_bar0(t);
    expect_all(t, ram_to_buffer, N_ELEMENTS(ram_to_buffer));
    step(t, "clock_step 1000000");
    expect_all(t, buffer_to_ram, N_ELEMENTS(buffer_to_ram));
    step(t, "clock_step 1000000");
    expect(t, "read 0x3000 4", "OK 0xcafef00d\n");
    teardown((void **)&t);
}

static void test_cmodel_counts_guest_errors_and_intx(void **state)
{
    TestState *t = *state;
    EduPlatform *b = t->backend;

    map_bar0(t);
    assert_int_equal(b->ops->intx(b), 0);
    expect(t, "writel 0xfe000060 0x8", "OK\n");
    assert_int_equal(b->ops->intx(b), 1);
    expect(t, "writel 0xfe000064 0x8", "OK\n");
    assert_int_equal(b->ops->intx(b), 0);
    expect(t, "writew 0xfe000060 0x8", "OK\n");
    assert_int_equal(b->ops->intx(b), 0);
    assert_int_equal(b->ops->guest_errors(b), 1);
}

/* A fake QEMU: a shell script in a temporary file, run as EDU_QEMU. */
static char *fake_qemu(const char *body)
{
    char *path = strdup("/tmp/edu-tb-fake-qemu-XXXXXX");
    FILE *f;
    int fd;

    assert_non_null(path);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    fprintf(f, "#!/bin/sh\n%s", body);
    fclose(f);
    assert_int_equal(chmod(path, 0700), 0);
    return path;
}

static void test_qemu_missing_says_how_to_install_it(void **state)
{
    char *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    char *qemu = getenv("EDU_QEMU") ? strdup(getenv("EDU_QEMU")) : NULL;
    char err[256];

    (void)state;
    unsetenv("EDU_QEMU");
    setenv("PATH", "/nonexistent", 1);
    assert_null(backend_open("qemu", NULL, err, sizeof(err)));
    assert_string_equal(err, "qemu backend: qemu-system-x86_64 is not "
                             "installed (install it: apt-get install "
                             "qemu-system-x86; or set EDU_QEMU to its path)");
    setenv("EDU_QEMU", "/nonexistent/qemu", 1);
    assert_null(backend_open("qemu", NULL, err, sizeof(err)));
    assert_string_equal(err, "qemu backend: EDU_QEMU=/nonexistent/qemu is "
                             "not an executable");
    if (path) {
        setenv("PATH", path, 1);
    }
    if (qemu) {
        setenv("EDU_QEMU", qemu, 1);
    } else {
        unsetenv("EDU_QEMU");
    }
    free(path);
    free(qemu);
}

static void test_qemu_that_fails_to_start_reports_its_stderr(void **state)
{
    char *fake = fake_qemu("echo 'qemu: cannot do that' >&2\nexit 3\n");
    char err[256];

    (void)state;
    setenv("EDU_QEMU", fake, 1);
    assert_null(backend_open("qemu", NULL, err, sizeof(err)));
    unsetenv("EDU_QEMU");
    unlink(fake);
    free(fake);
    assert_string_equal(err, "qemu backend: QEMU exited with status 3 "
                             "(asked 'endianness'): qemu: cannot do that");
}

static void test_qemu_answers_are_parsed_and_failures_reported(void **state)
{
    /* Answers as QEMU does; any other request gets a FAIL. */
    char *fake = fake_qemu("while read -r cmd a b c; do\n"
                           "  case \"$cmd\" in\n"
                           "  endianness) echo 'OK little' ;;\n"
                           "  inb) echo 'OK 0x00ab' ;;\n"
                           "  readq) echo 'OK 0x0123456789abcdef' ;;\n"
                           "  read) echo 'OK 0x0102' ;;\n"
                           "  writel) echo OK ;;\n"
                           "  outl|irq_intercept_in) echo OK ;;\n"
                           "  writew) exit 0 ;;\n"
                           "  *) echo \"FAIL Unknown command '$cmd'\" ;;\n"
                           "  esac\n"
                           "done\n");
    char err[256];
    uint8_t buf[2];
    uint32_t v32;
    uint64_t v64;
    EduPlatform *b;
    TestState *t;

    (void)state;
    setenv("EDU_QEMU", fake, 1);
    b = backend_open("qemu", NULL, err, sizeof(err));
    unsetenv("EDU_QEMU");
    unlink(fake);
    free(fake);
    assert_non_null(b);
    assert_int_equal(b->ops->io_read(b, 0x80, 1, &v32), 0);
    assert_int_equal(v32, 0xab);
    assert_int_equal(b->ops->mem_read(b, 0x1000, 8, &v64), 0);
    assert_true(v64 == 0x0123456789abcdefull);
    assert_int_equal(b->ops->mem_read_buf(b, 0x1000, buf, 2), 0);
    assert_int_equal(buf[0], 1);
    assert_int_equal(buf[1], 2);
    assert_int_equal(b->ops->mem_write(b, 0x1000, 5, 4), 0);
    assert_int_equal(b->ops->io_write(b, 0x80, 1, 1), -EIO);
    assert_string_equal(edu_platform_error(b),
                        "qemu backend: QEMU answered "
                        "'FAIL Unknown command 'outb'' to "
                        "'outb 0x80 0x1'");

    /* Through the front end: the view's error is the answer. */
    t = calloc(1, sizeof(*t));
    assert_non_null(t);
    t->backend = b;
    assert_int_equal(qtest_session_init(&t->session, b), 0);
    expect(t, "inb 0x80", "OK 0x00ab\n");
    expect(t, "writel 0 1", "OK\n");
    expect(t, "writew 0 1",
           "FAIL qemu backend: QEMU exited with status 0 "
           "(asked 'writew 0x0 0x1')\n");
    assert_true(t->rc < 0);
    expect(t, "readl 0",
           "FAIL qemu backend: QEMU is gone (asked 'readl "
           "0x0')\n");
    assert_int_equal(t->session.backend_errors, 2);
    teardown((void **)&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_endianness_is_little, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_in_answers_at_least_four_hex_digits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_and_in_reach_config_space,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_read_sizes_answer_sixteen_hex_digits, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_bar0_registers_answer_through_qtest, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_irq_lines_follow_inta_once_intercepted, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_read_answers_two_hex_digits_per_byte, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_fills_zeros_past_its_data,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_ignores_digits_past_its_size,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_memset_fills_the_low_byte_of_its_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memset_covers_a_large_range, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_b64read_answers_base64, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_b64write_writes_and_cuts_to_its_size, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_clock_step_moves_by_whole_pci_clocks, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_clock_step_without_ns_runs_to_the_next_event, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numbers_parse_like_qemu, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_words_past_the_arguments_are_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_line_gets_no_answer, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unknown_command_fails_like_qemu,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_arguments_fail, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_numbers_fail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_port_past_ffff_fails, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_oversized_transfers_fail, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_hex_fails_and_writes_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_bad_base64_fails_and_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_goes_on_after_failures,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_serve_answers_every_line_in_order,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_serve_takes_long_lines, setup,
                                        teardown),
        cmocka_unit_test(test_registry_lists_and_finds_backends),
        cmocka_unit_test(test_open_refuses_bad_configurations),
        cmocka_unit_test(test_cmodel_puts_edus_in_their_slots),
        cmocka_unit_test(test_cmodel_applies_the_dma_mask),
        cmocka_unit_test_setup_teardown(
            test_cmodel_counts_guest_errors_and_intx, setup, teardown),
        cmocka_unit_test(test_qemu_missing_says_how_to_install_it),
        cmocka_unit_test(test_qemu_that_fails_to_start_reports_its_stderr),
        cmocka_unit_test(test_qemu_answers_are_parsed_and_failures_reported),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

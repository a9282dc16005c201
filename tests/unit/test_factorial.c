/*
 * Unit tests of the edu's factorial unit (register 0x08 and STATUS):
 * 32-bit wrapping results, the operand visible while it computes, writes
 * ignored while COMPUTING, the interrupt only with STATUS bit 7, and the
 * clocks of the timing table.  Results are QEMU 7.2's.
 */
#include "tb_util.h"

static uint32_t fact_poll(Tb *tb, uint32_t n)
{
    tb_writel(tb, EDU_REG_FACT, n);
    tb_wait_fact(tb);
    return tb_readl(tb, EDU_REG_FACT);
}

static void test_fact_result_wraps_to_32_bits(void **state)
{
    Tb *tb = *state;
    static const struct {
        uint32_t n;
        uint32_t result;
    } cases[] = {
        {0, 1},           {1, 1},           {5, 120},
        {12, 479001600},  /* the largest n! below 2^32 */
        {13, 0x7328cc00}, /* 6227020800 mod 2^32 */
        {20, 0x82b40000}, {33, 0x80000000}, {34, 0}, /* 34! holds 2^32 */
        {0xffffffff, 0},
    };

    for (size_t i = 0; i < TB_ARRAY_SIZE(cases); i++) {
        uint32_t result = fact_poll(tb, cases[i].n);

        if (result != cases[i].result) {
            fail_msg("%u!: 0x%08x, expected 0x%08x", cases[i].n, result,
                     cases[i].result);
        }
    }
}

static void test_fact_reads_operand_while_computing(void **state)
{
    Tb *tb = *state;

    tb_writel(tb, EDU_REG_FACT, 12);
    assert_int_equal(tb_readl(tb, EDU_REG_STATUS), EDU_STATUS_COMPUTING);
    assert_int_equal(tb_readl(tb, EDU_REG_FACT), 12);
    tb_wait_fact(tb);
    assert_int_equal(tb_readl(tb, EDU_REG_FACT), 479001600);
}

static void test_fact_write_ignored_while_computing(void **state)
{
    Tb *tb = *state;

    tb_writel(tb, EDU_REG_FACT, 12);
    tb_writel(tb, EDU_REG_FACT, 5);
    assert_int_equal(tb_readl(tb, EDU_REG_FACT), 12);
    tb_wait_fact(tb);
    assert_int_equal(tb_readl(tb, EDU_REG_FACT), 479001600);
    /* Once done, the next write starts a new computation. */
    assert_int_equal(fact_poll(tb, 5), 120);
}

static void test_status_computing_bit_is_read_only(void **state)
{
    Tb *tb = *state;

    tb_writel(tb, EDU_REG_STATUS, EDU_STATUS_COMPUTING);
    assert_int_equal(tb_readl(tb, EDU_REG_STATUS), 0);
    tb_writel(tb, EDU_REG_FACT, 20);
    tb_writel(tb, EDU_REG_STATUS, 0);
    assert_int_equal(tb_readl(tb, EDU_REG_STATUS), EDU_STATUS_COMPUTING);
    tb_wait_fact(tb);
    assert_int_equal(tb_readl(tb, EDU_REG_STATUS), 0);
    assert_int_equal(tb_readl(tb, EDU_REG_FACT), 0x82b40000);
}

/* Done EDU_T_FACT_SETUP + n * EDU_T_FACT_MUL clocks after the data phase. */
static void test_fact_takes_setup_plus_one_multiply_per_factor(void **state)
{
    Tb *tb = *state;
    static const uint32_t ops[] = {0, 1, 2, 5, 12, 33};

    for (size_t i = 0; i < TB_ARRAY_SIZE(ops); i++) {
        uint64_t t0 = host_now(tb->host);
        uint64_t done = t0 + edu_timing_first_data(EDU_T_BAR_WAIT) +
                        EDU_T_FACT_SETUP + ops[i] * (uint64_t)EDU_T_FACT_MUL;
        uint64_t now;

        tb_writel(tb, EDU_REG_FACT, ops[i]);
        now = host_now(tb->host);
        if (done > now) {
            host_advance(tb->host, done - 1 - now);
            assert_true(tb_state(tb).fact_busy);
            host_advance(tb->host, 1);
        }
        assert_false(tb_state(tb).fact_busy);
        assert_int_equal(tb_state(tb).status & EDU_STATUS_COMPUTING, 0);
    }
}

/* IRQ bit 0x01 at completion only when STATUS bit 7 is set then. */
static void test_fact_irq_only_when_status_bit7_set(void **state)
{
    Tb *tb = *state;

    assert_int_equal(fact_poll(tb, 5), 120);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), 0);
    assert_false(host_intx(tb->host));

    tb_writel(tb, EDU_REG_STATUS, EDU_STATUS_IRQFACT);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), 0);
    assert_int_equal(fact_poll(tb, 5), 120);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), EDU_IRQ_FACT);
    assert_true(host_intx(tb->host));
    assert_true(tb_cfg_intx_status(tb));
    /* Bit 7 stays set: the status register reads it back. */
    assert_int_equal(tb_readl(tb, EDU_REG_STATUS), EDU_STATUS_IRQFACT);
}

static void test_fact_irq_when_bit7_set_during_computation(void **state)
{
    Tb *tb = *state;

    tb_writel(tb, EDU_REG_FACT, 20);
    tb_writel(tb, EDU_REG_STATUS, EDU_STATUS_IRQFACT);
    assert_int_equal(tb_readl(tb, EDU_REG_STATUS),
                     EDU_STATUS_IRQFACT | EDU_STATUS_COMPUTING);
    tb_wait_fact(tb);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), EDU_IRQ_FACT);
}

static void test_fact_no_irq_when_bit7_cleared_during_computation(void **state)
{
    Tb *tb = *state;

    tb_writel(tb, EDU_REG_STATUS, EDU_STATUS_IRQFACT);
    tb_writel(tb, EDU_REG_FACT, 20);
    tb_writel(tb, EDU_REG_STATUS, 0);
    tb_wait_fact(tb);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), 0);
    assert_false(host_intx(tb->host));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TB_TEST_MAPPED(test_fact_result_wraps_to_32_bits),
        TB_TEST_MAPPED(test_fact_reads_operand_while_computing),
        TB_TEST_MAPPED(test_fact_write_ignored_while_computing),
        TB_TEST_MAPPED(test_status_computing_bit_is_read_only),
        TB_TEST_MAPPED(test_fact_takes_setup_plus_one_multiply_per_factor),
        TB_TEST_MAPPED(test_fact_irq_only_when_status_bit7_set),
        TB_TEST_MAPPED(test_fact_irq_when_bit7_set_during_computation),
        TB_TEST_MAPPED(test_fact_no_irq_when_bit7_cleared_during_computation),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

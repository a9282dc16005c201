/*
 * Unit tests of the edu's BAR0 registers through CPU memory accesses:
 * every register, access sizes the device refuses, unaligned accesses (as
 * QEMU's memory core splits them), unknown offsets and the 64-bit DMA
 * registers.  BAR0 at 0xe0000000, COMMAND 0x106; expected values are
 * QEMU 7.2's (qtest readb/readw/readl/readq/write*).
 */
#include "tb_util.h"

static void test_id_reads_010000ed_and_ignores_writes(void **state)
{
    Tb *tb = *state;

    assert_int_equal(tb_readl(tb, EDU_REG_ID), EDU_ID_VALUE);
    assert_int_equal(tb_readl(tb, EDU_REG_ID), 0x010000ed);
    tb_writel(tb, EDU_REG_ID, 0x12345678);
    assert_int_equal(tb_readl(tb, EDU_REG_ID), 0x010000ed);
}

static void test_liveness_reads_zero_after_reset(void **state)
{
    assert_int_equal(tb_readl(*state, EDU_REG_LIVENESS), 0);
}

static void test_liveness_stores_inverse_of_write(void **state)
{
    Tb *tb = *state;
    static const uint32_t vals[] = {0x00000000, 0xffffffff, 0x12345678,
                                    0x80000001};

    for (size_t i = 0; i < TB_ARRAY_SIZE(vals); i++) {
        tb_writel(tb, EDU_REG_LIVENESS, vals[i]);
        assert_int_equal(tb_readl(tb, EDU_REG_LIVENESS), ~vals[i]);
    }
}

static void test_status_bit7_follows_write_other_bits_read_zero(void **state)
{
    Tb *tb = *state;

    assert_int_equal(tb_readl(tb, EDU_REG_STATUS), 0);
    tb_writel(tb, EDU_REG_STATUS, 0xffffffff);
    assert_int_equal(tb_readl(tb, EDU_REG_STATUS), EDU_STATUS_IRQFACT);
    tb_writel(tb, EDU_REG_STATUS, 0x7f);
    assert_int_equal(tb_readl(tb, EDU_REG_STATUS), 0);
    tb_writel(tb, EDU_REG_STATUS, EDU_STATUS_IRQFACT);
    assert_int_equal(tb_readl(tb, EDU_REG_STATUS), EDU_STATUS_IRQFACT);
}

static void test_irq_status_is_read_only(void **state)
{
    Tb *tb = *state;

    tb_writel(tb, EDU_REG_IRQ_STATUS, 5);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), 0);
    tb_writel(tb, EDU_REG_IRQ_RAISE, 0x30);
    tb_writel(tb, EDU_REG_IRQ_STATUS, 0);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), 0x30);
}

static void test_irq_raise_ors_and_ack_clears_bits(void **state)
{
    Tb *tb = *state;

    tb_writel(tb, EDU_REG_IRQ_RAISE, 0x101);
    tb_writel(tb, EDU_REG_IRQ_RAISE, 0x80000000);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), 0x80000101);
    tb_writel(tb, EDU_REG_IRQ_ACK, 0x80000001);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), 0x100);
    tb_writel(tb, EDU_REG_IRQ_ACK, 0xffffffff);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), 0);
}

/* Write-only, unlisted and out-of-register offsets read all ones. */
static void test_unlisted_offsets_read_all_ones(void **state)
{
    Tb *tb = *state;
    /* Unlisted below 0x80, write-only (0x60, 0x64), upper halves of the
     * 64-bit registers, past the registers, the DMA buffer (0x40000). */
    static const uint64_t offs[] = {0x0c, 0x10,  0x1c,    0x7c,    0x60,
                                    0x64, 0x84,  0x8c,    0x94,    0x9c,
                                    0xa0, 0x100, 0xffffc, 0x40000, 0x40ffc};

    for (size_t i = 0; i < TB_ARRAY_SIZE(offs); i++) {
        if (tb_readl(tb, offs[i]) != 0xffffffff) {
            fail_msg("readl 0x%llx: 0x%08x", (unsigned long long)offs[i],
                     tb_readl(tb, offs[i]));
        }
    }
    assert_int_equal(tb_readq(tb, 0xa0), UINT64_MAX);
    assert_int_equal(tb_readq(tb, EDU_DMA_BUF_ADDR), UINT64_MAX);
}

/* 1- and 2-byte accesses are invalid for the device: QEMU reads 0. */
static void test_narrow_reads_return_zero(void **state)
{
    Tb *tb = *state;
    static const uint64_t offs[] = {EDU_REG_ID,
                                    EDU_REG_LIVENESS,
                                    EDU_REG_FACT,
                                    EDU_REG_STATUS,
                                    EDU_REG_DMA_SRC,
                                    0x60,
                                    0x84};

    tb_writel(tb, EDU_REG_LIVENESS, 0);
    tb_writeq(tb, EDU_REG_DMA_SRC, 0x1122334455667788);
    for (size_t i = 0; i < TB_ARRAY_SIZE(offs); i++) {
        for (unsigned b = 0; b < 4; b++) {
            assert_int_equal(tb_bar_read(tb, offs[i] + b, 1), 0);
        }
        assert_int_equal(tb_bar_read(tb, offs[i], 2), 0);
        assert_int_equal(tb_bar_read(tb, offs[i] + 2, 2), 0);
    }
}

static void test_narrow_writes_are_ignored(void **state)
{
    Tb *tb = *state;

    for (unsigned size = 1; size <= 2; size++) {
        tb_bar_write(tb, EDU_REG_LIVENESS, 0x5a5a, size);
        tb_bar_write(tb, EDU_REG_FACT, 5, size);
        tb_bar_write(tb, EDU_REG_STATUS, EDU_STATUS_IRQFACT, size);
        tb_bar_write(tb, EDU_REG_IRQ_RAISE, 1, size);
        tb_bar_write(tb, EDU_REG_DMA_SRC, 0x1234, size);
    }
    assert_int_equal(tb_readl(tb, EDU_REG_LIVENESS), 0);
    assert_int_equal(tb_readl(tb, EDU_REG_STATUS), 0);
    assert_int_equal(tb_readl(tb, EDU_REG_FACT), 0);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), 0);
    assert_int_equal(tb_readq(tb, EDU_REG_DMA_SRC), 0);
}

/* An aligned 8-byte access below 0x80 is refused: all ones, no effect. */
static void test_quad_access_below_0x80_refused(void **state)
{
    Tb *tb = *state;
    static const uint64_t offs[] = {EDU_REG_ID, EDU_REG_FACT, EDU_REG_STATUS,
                                    0x60, 0x78};

    for (size_t i = 0; i < TB_ARRAY_SIZE(offs); i++) {
        assert_int_equal(tb_readq(tb, offs[i]), UINT64_MAX);
    }
    tb_writeq(tb, EDU_REG_FACT, 5);
    tb_writeq(tb, EDU_REG_STATUS, EDU_STATUS_IRQFACT);
    tb_writeq(tb, EDU_REG_IRQ_RAISE, 1);
    assert_int_equal(tb_readl(tb, EDU_REG_FACT), 0);
    assert_int_equal(tb_readl(tb, EDU_REG_STATUS), 0);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), 0);
}

/* readl 0x02 is two invalid 2-byte pieces. */
static void test_unaligned_dword_read_returns_zero(void **state)
{
    Tb *tb = *state;

    tb_writel(tb, EDU_REG_LIVENESS, 0);
    assert_int_equal(tb_readl(tb, 0x02), 0);
    assert_int_equal(tb_readl(tb, 0x06), 0);
}

/* readq 0x04 is readl 0x04 then readl 0x08. */
static void test_unaligned_quad_read_is_two_dword_reads(void **state)
{
    Tb *tb = *state;

    assert_int_equal(tb_readq(tb, EDU_REG_LIVENESS), 0);
    tb_writel(tb, EDU_REG_LIVENESS, 0x0f0f0f0f);
    assert_int_equal(tb_readq(tb, EDU_REG_LIVENESS), 0x00000000f0f0f0f0);
}

/* An 8-byte write at 0x04: 0x04 gets ~0x04030201, a factorial starts. */
static void test_unaligned_quad_write_is_two_dword_writes(void **state)
{
    Tb *tb = *state;
    static const uint8_t bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};

    host_mem_write_buf(tb->host, TB_BAR0 + EDU_REG_LIVENESS, bytes,
                       sizeof(bytes));
    assert_int_equal(tb_readl(tb, EDU_REG_LIVENESS), 0xfbfcfdfe);
    assert_int_equal(tb_readl(tb, EDU_REG_STATUS) & EDU_STATUS_COMPUTING,
                     EDU_STATUS_COMPUTING);
    assert_int_equal(tb_readl(tb, EDU_REG_FACT), 0x08070605);
}

/* 0x84 reads all ones; readq 0x84 adds the low half of 0x88. */
static void test_quad_read_at_0x84_is_0x84_then_low_half_of_0x88(void **state)
{
    Tb *tb = *state;

    assert_int_equal(tb_readl(tb, 0x84), 0xffffffff);
    assert_int_equal(tb_readq(tb, 0x84), 0x00000000ffffffff);
    tb_writeq(tb, EDU_REG_DMA_DST, 0xaabbccdd12345678);
    assert_int_equal(tb_readq(tb, 0x84), 0x12345678ffffffff);
}

static void test_quad_write_at_0x84_writes_low_half_of_0x88(void **state)
{
    Tb *tb = *state;

    tb_writeq(tb, EDU_REG_DMA_SRC, 0x1111111111111111);
    tb_writeq(tb, 0x84, 0xaabbccdd99887766);
    assert_int_equal(tb_readq(tb, EDU_REG_DMA_SRC), 0x1111111111111111);
    assert_int_equal(tb_readq(tb, EDU_REG_DMA_DST), 0x00000000aabbccdd);
}

static void test_dma_registers_hold_64_bits(void **state)
{
    Tb *tb = *state;
    static const uint64_t regs[] = {EDU_REG_DMA_SRC, EDU_REG_DMA_DST,
                                    EDU_REG_DMA_COUNT};

    for (size_t i = 0; i < TB_ARRAY_SIZE(regs); i++) {
        uint64_t v = 0x0123456789abcdefull + i;

        tb_writeq(tb, regs[i], v);
        assert_int_equal(tb_readq(tb, regs[i]), v);
        /* A 4-byte read returns the low half. */
        assert_int_equal(tb_readl(tb, regs[i]), (uint32_t)v);
    }
}

/* writeq 0x80, then writel 0x80 0x100000: readq 0x80 = 0x100000. */
static void test_dma_register_dword_write_zero_extends(void **state)
{
    Tb *tb = *state;
    static const uint64_t regs[] = {EDU_REG_DMA_SRC, EDU_REG_DMA_DST,
                                    EDU_REG_DMA_COUNT};

    for (size_t i = 0; i < TB_ARRAY_SIZE(regs); i++) {
        tb_writeq(tb, regs[i], 0xffffffffffffffff);
        tb_writel(tb, regs[i], 0x100000);
        assert_int_equal(tb_readq(tb, regs[i]), 0x100000);
    }
}

static void test_dma_cmd_reads_zero_after_reset(void **state)
{
    Tb *tb = *state;

    assert_int_equal(tb_readq(tb, EDU_REG_DMA_CMD), 0);
    assert_int_equal(tb_readl(tb, EDU_REG_DMA_CMD), 0);
}

/* Time: one BAR access is one transaction with one data phase per DWORD. */
static void test_bar_access_costs_one_transaction(void **state)
{
    Tb *tb = *state;
    static const struct {
        uint64_t off;
        unsigned size;
        uint64_t beats;
    } cases[] = {
        {EDU_REG_ID, 4, 1},
        {EDU_REG_DMA_SRC, 8, 2},
        {EDU_REG_ID, 1, 1}, /* refused, still a transaction */
    };

    for (size_t i = 0; i < TB_ARRAY_SIZE(cases); i++) {
        uint64_t t0 = host_now(tb->host);

        (void)tb_bar_read(tb, cases[i].off, cases[i].size);
        assert_int_equal(
            host_now(tb->host) - t0,
            edu_timing_transaction(EDU_T_BAR_WAIT, cases[i].beats));
        t0 = host_now(tb->host);
        tb_bar_write(tb, cases[i].off, 0, cases[i].size);
        assert_int_equal(
            host_now(tb->host) - t0,
            edu_timing_transaction(EDU_T_BAR_WAIT, cases[i].beats));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TB_TEST_MAPPED(test_id_reads_010000ed_and_ignores_writes),
        TB_TEST_MAPPED(test_liveness_reads_zero_after_reset),
        TB_TEST_MAPPED(test_liveness_stores_inverse_of_write),
        TB_TEST_MAPPED(test_status_bit7_follows_write_other_bits_read_zero),
        TB_TEST_MAPPED(test_irq_status_is_read_only),
        TB_TEST_MAPPED(test_irq_raise_ors_and_ack_clears_bits),
        TB_TEST_MAPPED(test_unlisted_offsets_read_all_ones),
        TB_TEST_MAPPED(test_narrow_reads_return_zero),
        TB_TEST_MAPPED(test_narrow_writes_are_ignored),
        TB_TEST_MAPPED(test_quad_access_below_0x80_refused),
        TB_TEST_MAPPED(test_unaligned_dword_read_returns_zero),
        TB_TEST_MAPPED(test_unaligned_quad_read_is_two_dword_reads),
        TB_TEST_MAPPED(test_unaligned_quad_write_is_two_dword_writes),
        TB_TEST_MAPPED(test_quad_read_at_0x84_is_0x84_then_low_half_of_0x88),
        TB_TEST_MAPPED(test_quad_write_at_0x84_writes_low_half_of_0x88),
        TB_TEST_MAPPED(test_dma_registers_hold_64_bits),
        TB_TEST_MAPPED(test_dma_register_dword_write_zero_extends),
        TB_TEST_MAPPED(test_dma_cmd_reads_zero_after_reset),
        TB_TEST_MAPPED(test_bar_access_costs_one_transaction),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

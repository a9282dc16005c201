/*
 * Unit tests of the edu's DMA engine: both directions, the whole 4 KiB
 * buffer, count 0, out-of-range transfers (the fixed semantics: log, copy
 * nothing, finish), the dma_mask clamp, bus mastering off, the command
 * register rules and the burst timing.  In-range results are QEMU 7.2's;
 * count 0, out of range and a transfer ending at 0x41000 abort QEMU 7.2
 * and follow docs/registers.md (QEMU 8.2.1 and later).
 */
#include "tb_util.h"

#define BUF EDU_DMA_BUF_ADDR
#define BUF_END (EDU_DMA_BUF_ADDR + EDU_DMA_BUF_SIZE)
#define RUN EDU_DMA_CMD_RUN
#define TO_RAM EDU_DMA_CMD_TO_RAM
#define IRQ EDU_DMA_CMD_IRQ

/* The device buffer, seen through a DMA to RAM at TB_RAM_B + 0x10000. */
#define PEEK_RAM (TB_RAM_B + 0x10000u)

static void fill_buffer(Tb *tb, uint8_t seed)
{
    tb_ram_pattern(tb, TB_RAM_A, EDU_DMA_BUF_SIZE, seed);
    tb_dma(tb, TB_RAM_A, BUF, EDU_DMA_BUF_SIZE, RUN);
}

static void assert_buffer(Tb *tb, uint8_t seed)
{
    tb_dma(tb, BUF, PEEK_RAM, EDU_DMA_BUF_SIZE, RUN | TO_RAM);
    tb_assert_ram_pattern(tb, PEEK_RAM, EDU_DMA_BUF_SIZE, seed);
}

static void test_dma_ram_to_buffer_and_back_matches_qemu(void **state)
{
    Tb *tb = *state;
    static const uint8_t in[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    static const uint8_t out[10] = {0, 3, 4, 5, 6, 7, 8, 0, 0, 0};
    uint8_t got[10];

    assert_int_equal(host_ram_write(tb->host, TB_RAM_A, in, sizeof(in)), 0);
    tb_dma(tb, TB_RAM_A, BUF, 8, RUN | IRQ);
    assert_int_equal(tb_readq(tb, EDU_REG_DMA_CMD), IRQ);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), EDU_IRQ_DMA);

    tb_dma(tb, BUF + 2, TB_RAM_B + 3, 8, RUN | TO_RAM);
    assert_int_equal(tb_readq(tb, EDU_REG_DMA_CMD), TO_RAM);
    assert_int_equal(host_ram_read(tb->host, TB_RAM_B + 2, got, sizeof(got)),
                     0);
    assert_memory_equal(got, out, sizeof(out));
    assert_int_equal(tb_guest_errors(tb), 0);
}

static void test_dma_full_buffer_both_directions(void **state)
{
    Tb *tb = *state;

    fill_buffer(tb, 0x11);
    tb_dma(tb, BUF, TB_RAM_B, EDU_DMA_BUF_SIZE, RUN | TO_RAM);
    tb_assert_ram_pattern(tb, TB_RAM_B, EDU_DMA_BUF_SIZE, 0x11);
    assert_int_equal(tb_guest_errors(tb), 0);
}

/* start + count == 0x41000 is in range (QEMU 7.2's off-by-one aside). */
static void test_dma_ending_at_0x41000_is_allowed(void **state)
{
    Tb *tb = *state;

    fill_buffer(tb, 0x20);
    tb_ram_pattern(tb, TB_RAM_A, 8, 0xa0);
    tb_dma(tb, TB_RAM_A, BUF_END - 8, 8, RUN);
    tb_dma(tb, BUF_END - 16, TB_RAM_B, 16, RUN | TO_RAM);
    tb_assert_ram_pattern(tb, TB_RAM_B, 8,
                          (uint8_t)(0x20 + EDU_DMA_BUF_SIZE - 16));
    tb_assert_ram_pattern(tb, TB_RAM_B + 8, 8, 0xa0);
    assert_int_equal(tb_guest_errors(tb), 0);
}

static void test_dma_count_zero_copies_nothing_and_completes(void **state)
{
    Tb *tb = *state;

    tb_ram_pattern(tb, TB_RAM_B, 16, 0x40);
    fill_buffer(tb, 0x60);
    tb_dma(tb, BUF, TB_RAM_B, 0, RUN | TO_RAM | IRQ);
    assert_int_equal(tb_readq(tb, EDU_REG_DMA_CMD), TO_RAM | IRQ);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), EDU_IRQ_DMA);
    tb_assert_ram_pattern(tb, TB_RAM_B, 16, 0x40);
    tb_ram_pattern(tb, TB_RAM_A, 16, 0x80);
    tb_dma(tb, TB_RAM_A, BUF, 0, RUN);
    assert_buffer(tb, 0x60);
    assert_int_equal(tb_guest_errors(tb), 0);
}

/* Buffer-side ranges outside 0x40000..0x41000 (or wrapping around). */
static const struct {
    uint64_t start;
    uint64_t count;
} bad_ranges[] = {
    {BUF - 4, 8},
    {BUF - 0x1000, 0x1000},
    {BUF_END - 4, 8},
    {BUF, EDU_DMA_BUF_SIZE + 1},
    {BUF_END, 1},
    {0, 1},
    {BUF + 0x10, UINT64_MAX - 0xf}, /* start + count wraps to BUF */
    {UINT64_MAX, 2},
};

static void test_dma_out_of_range_to_buffer_copies_nothing(void **state)
{
    Tb *tb = *state;
    size_t n = TB_ARRAY_SIZE(bad_ranges);

    fill_buffer(tb, 0x30);
    tb_ram_pattern(tb, TB_RAM_A, EDU_DMA_BUF_SIZE, 0x90);
    for (size_t i = 0; i < n; i++) {
        tb_writel(tb, EDU_REG_IRQ_ACK, 0xffffffff);
        tb_dma(tb, TB_RAM_A, bad_ranges[i].start, bad_ranges[i].count,
               RUN | IRQ);
        assert_int_equal(tb_readq(tb, EDU_REG_DMA_CMD), IRQ);
        assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), EDU_IRQ_DMA);
        assert_int_equal(tb_guest_errors(tb), i + 1);
    }
    assert_buffer(tb, 0x30);
}

static void test_dma_out_of_range_to_ram_copies_nothing(void **state)
{
    Tb *tb = *state;
    size_t n = TB_ARRAY_SIZE(bad_ranges);

    fill_buffer(tb, 0x30);
    tb_ram_pattern(tb, TB_RAM_B, EDU_DMA_BUF_SIZE, 0x50);
    for (size_t i = 0; i < n; i++) {
        tb_writel(tb, EDU_REG_IRQ_ACK, 0xffffffff);
        tb_dma(tb, bad_ranges[i].start, TB_RAM_B, bad_ranges[i].count,
               RUN | TO_RAM | IRQ);
        assert_int_equal(tb_readq(tb, EDU_REG_DMA_CMD), TO_RAM | IRQ);
        assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), EDU_IRQ_DMA);
        assert_int_equal(tb_guest_errors(tb), i + 1);
    }
    tb_assert_ram_pattern(tb, TB_RAM_B, EDU_DMA_BUF_SIZE, 0x50);
}

static void test_dma_out_of_range_without_irq_flag_raises_nothing(void **state)
{
    Tb *tb = *state;

    tb_dma(tb, TB_RAM_A, BUF_END - 4, 8, RUN);
    assert_int_equal(tb_readq(tb, EDU_REG_DMA_CMD), 0);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), 0);
    assert_false(host_intx(tb->host));
    assert_int_equal(tb_guest_errors(tb), 1);
    assert_int_equal(tb->log_calls, 1);
}

/* The RAM-side address is masked with 2^28 - 1 unless told otherwise. */
static void test_dma_ram_address_masked_with_default_mask(void **state)
{
    Tb *tb = *state;

    tb_ram_pattern(tb, TB_RAM_A, 64, 0x70);
    tb_dma(tb, TB_RAM_A | 1ull << 28, BUF, 64, RUN);
    tb_dma(tb, BUF, 0xf0000000ull | TB_RAM_B, 64, RUN | TO_RAM);
    tb_assert_ram_pattern(tb, TB_RAM_B, 64, 0x70);
}

static void test_dma_ram_address_masked_with_set_mask(void **state)
{
    Tb *tb = *state;

    edu_set_dma_mask(tb->edu, 0x3fffff);
    tb_ram_pattern(tb, TB_RAM_A, 64, 0x70);
    /* 0x500000 & 0x3fffff = 0x100000, 0x600000 & 0x3fffff = 0x200000 */
    tb_dma(tb, TB_RAM_A + 0x400000, BUF, 64, RUN);
    tb_dma(tb, BUF, TB_RAM_B + 0x400000, 64, RUN | TO_RAM);
    tb_assert_ram_pattern(tb, TB_RAM_B, 64, 0x70);
}

/* Without bus mastering, reads deliver zeros and writes are dropped. */
static void test_dma_bus_master_off_reads_zeros_and_drops_writes(void **state)
{
    Tb *tb = *state;
    static const uint8_t zeros[64];
    uint8_t got[64];

    fill_buffer(tb, 0x01);
    tb_set_command(tb, PCI_COMMAND_MEMORY | PCI_COMMAND_SERR);
    tb_ram_pattern(tb, TB_RAM_A, 64, 0xa1);
    tb_dma(tb, TB_RAM_A, BUF, 64, RUN | IRQ);
    assert_int_equal(tb_readq(tb, EDU_REG_DMA_CMD), IRQ);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), EDU_IRQ_DMA);

    tb_ram_pattern(tb, TB_RAM_B, 64, 0x11);
    tb_dma(tb, BUF, TB_RAM_B, 64, RUN | TO_RAM);
    assert_int_equal(tb_readq(tb, EDU_REG_DMA_CMD), TO_RAM);
    tb_assert_ram_pattern(tb, TB_RAM_B, 64, 0x11);

    tb_set_command(tb, TB_COMMAND);
    tb_dma(tb, BUF, TB_RAM_B, 64, RUN | TO_RAM);
    assert_int_equal(host_ram_read(tb->host, TB_RAM_B, got, sizeof(got)), 0);
    assert_memory_equal(got, zeros, sizeof(zeros));
}

static void test_dma_registers_ignore_writes_while_running(void **state)
{
    Tb *tb = *state;

    tb_ram_pattern(tb, TB_RAM_A, EDU_DMA_BUF_SIZE, 0x33);
    tb_dma_start(tb, TB_RAM_A, BUF, EDU_DMA_BUF_SIZE, RUN);
    tb_writeq(tb, EDU_REG_DMA_SRC, TB_RAM_B);
    tb_writel(tb, EDU_REG_DMA_DST, BUF + 0x100);
    tb_writeq(tb, EDU_REG_DMA_COUNT, 4);
    tb_writel(tb, EDU_REG_DMA_CMD, RUN | TO_RAM | IRQ);
    assert_int_equal(tb_readq(tb, EDU_REG_DMA_CMD), RUN);
    assert_int_equal(tb_readq(tb, EDU_REG_DMA_SRC), TB_RAM_A);
    assert_int_equal(tb_readq(tb, EDU_REG_DMA_DST), BUF);
    assert_int_equal(tb_readq(tb, EDU_REG_DMA_COUNT), EDU_DMA_BUF_SIZE);
    tb_wait_dma(tb);
    assert_int_equal(tb_readq(tb, EDU_REG_DMA_CMD), 0);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), 0);
    /* After the transfer the registers take writes again. */
    tb_writeq(tb, EDU_REG_DMA_SRC, TB_RAM_B);
    assert_int_equal(tb_readq(tb, EDU_REG_DMA_SRC), TB_RAM_B);
    assert_buffer(tb, 0x33);
}

static void test_dma_cmd_without_run_is_ignored(void **state)
{
    Tb *tb = *state;

    tb_writel(tb, EDU_REG_DMA_CMD, TO_RAM | IRQ);
    assert_int_equal(tb_readq(tb, EDU_REG_DMA_CMD), 0);
    tb_dma(tb, TB_RAM_A, BUF, 8, RUN | IRQ);
    tb_writel(tb, EDU_REG_DMA_CMD, TO_RAM);
    assert_int_equal(tb_readq(tb, EDU_REG_DMA_CMD), IRQ);
}

/* The command is stored as written; completion clears RUN alone. */
static void test_dma_completion_clears_only_run(void **state)
{
    Tb *tb = *state;
    static const uint64_t cmds[] = {RUN, RUN | IRQ, RUN | TO_RAM | IRQ, 0xf01,
                                    0x100000005ull};

    for (size_t i = 0; i < TB_ARRAY_SIZE(cmds); i++) {
        tb_writeq(tb, EDU_REG_DMA_SRC, cmds[i] & TO_RAM ? BUF : TB_RAM_A);
        tb_writeq(tb, EDU_REG_DMA_DST, cmds[i] & TO_RAM ? TB_RAM_B : BUF);
        tb_writeq(tb, EDU_REG_DMA_COUNT, 8);
        tb_writeq(tb, EDU_REG_DMA_CMD, cmds[i]);
        tb_wait_dma(tb);
        assert_int_equal(tb_readq(tb, EDU_REG_DMA_CMD), cmds[i] & ~1ull);
    }
}

static void test_dma_irq_only_when_asked(void **state)
{
    Tb *tb = *state;

    tb_dma(tb, TB_RAM_A, BUF, 8, RUN);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), 0);
    assert_false(host_intx(tb->host));
    tb_dma(tb, TB_RAM_A, BUF, 8, RUN | IRQ);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), EDU_IRQ_DMA);
    assert_true(host_intx(tb->host));
}

/* A driver may just let time pass: no register polling needed. */
static void test_dma_completes_with_advance_alone(void **state)
{
    Tb *tb = *state;

    tb_ram_pattern(tb, TB_RAM_A, EDU_DMA_BUF_SIZE, 0x44);
    tb_dma_start(tb, TB_RAM_A, BUF, EDU_DMA_BUF_SIZE, RUN);
    assert_true(tb_state(tb).dma_busy);
    host_advance(tb->host, 100000);
    assert_false(tb_state(tb).dma_busy);
    assert_buffer(tb, 0x44);
}

/* The clock at which a started transfer ends, stepping one clock at a
 * time (register polling would itself hold the bus). */
static uint64_t dma_end_clock(Tb *tb, uint64_t src, uint64_t dst,
                              uint64_t count, uint32_t cmd)
{
    uint64_t t0;

    tb_dma_start(tb, src, dst, count, cmd);
    t0 = host_now(tb->host);
    while (tb_state(tb).dma_busy) {
        assert_true(host_now(tb->host) - t0 < 100000);
        host_advance(tb->host, 1);
    }
    return host_now(tb->host) - t0;
}

/* Each further 64-byte burst costs arbitration plus 16 data phases. */
static void test_dma_each_burst_costs_arb_and_one_transaction(void **state)
{
    Tb *tb = *state;
    static const struct {
        uint32_t cmd;
        uint64_t wait;
    } dirs[] = {
        {RUN, EDU_T_RAM_READ_WAIT},
        {RUN | TO_RAM, EDU_T_RAM_WRITE_WAIT},
    };
    const uint64_t full = EDU_T_BURST_BYTES;

    for (size_t i = 0; i < TB_ARRAY_SIZE(dirs); i++) {
        bool to_ram = dirs[i].cmd & TO_RAM;
        uint64_t src = to_ram ? BUF : TB_RAM_A;
        uint64_t dst = to_ram ? TB_RAM_A : BUF;
        uint64_t burst =
            EDU_T_ARB + edu_timing_transaction(dirs[i].wait, full / 4);
        uint64_t one = dma_end_clock(tb, src, dst, full, dirs[i].cmd);

        assert_int_equal(dma_end_clock(tb, src, dst, 2 * full, dirs[i].cmd),
                         one + burst);
        assert_int_equal(
            dma_end_clock(tb, src, dst, EDU_DMA_BUF_SIZE, dirs[i].cmd),
            one + (EDU_DMA_BUF_SIZE / full - 1) * burst);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TB_TEST_MAPPED(test_dma_ram_to_buffer_and_back_matches_qemu),
        TB_TEST_MAPPED(test_dma_full_buffer_both_directions),
        TB_TEST_MAPPED(test_dma_ending_at_0x41000_is_allowed),
        TB_TEST_MAPPED(test_dma_count_zero_copies_nothing_and_completes),
        TB_TEST_MAPPED(test_dma_out_of_range_to_buffer_copies_nothing),
        TB_TEST_MAPPED(test_dma_out_of_range_to_ram_copies_nothing),
        TB_TEST_MAPPED(test_dma_out_of_range_without_irq_flag_raises_nothing),
        TB_TEST_MAPPED(test_dma_ram_address_masked_with_default_mask),
        TB_TEST_MAPPED(test_dma_ram_address_masked_with_set_mask),
        TB_TEST_MAPPED(test_dma_bus_master_off_reads_zeros_and_drops_writes),
        TB_TEST_MAPPED(test_dma_registers_ignore_writes_while_running),
        TB_TEST_MAPPED(test_dma_cmd_without_run_is_ignored),
        TB_TEST_MAPPED(test_dma_completion_clears_only_run),
        TB_TEST_MAPPED(test_dma_irq_only_when_asked),
        TB_TEST_MAPPED(test_dma_completes_with_advance_alone),
        TB_TEST_MAPPED(test_dma_each_burst_costs_arb_and_one_transaction),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests of the platform as a whole: two edu devices side by side,
 * BAR decode on and off, master abort, RAM, deterministic time, API misuse
 * and the guest-error log.  Unclaimed memory reads all ones here (real PCI,
 * docs/registers.md); QEMU's pc machine reads 0 there.
 */
#include "tb_util.h"

#include <errno.h>
#include <string.h>

#define SLOT_B 5u
#define DEVFN_B PCI_DEVFN(SLOT_B, 0)
#define BAR0_B (TB_BAR0 + EDU_BAR0_SIZE)
/* Above the 128 MiB of RAM and outside every BAR. */
#define NOWHERE 0xd0000000u

/* A second edu at 00:05.0 with its BAR0 right after the first one's. */
static EduDevice *add_edu_b(Tb *tb)
{
    EduDevice *b = NULL;

    assert_int_equal(host_add_edu(tb->host, SLOT_B, 0, &b), 0);
    tb_map_bar0_fn(tb->host, DEVFN_B, BAR0_B, TB_COMMAND);
    return b;
}

static uint32_t readl_b(Tb *tb, uint64_t off)
{
    return (uint32_t)tb_mem_read(tb->host, BAR0_B + off, 4);
}

static void writel_b(Tb *tb, uint64_t off, uint32_t val)
{
    tb_mem_write(tb->host, BAR0_B + off, val, 4);
}

/* --- two devices ------------------------------------------------------- */

static void test_two_devices_share_no_registers(void **state)
{
    Tb *tb = *state;

    add_edu_b(tb);
    tb_writel(tb, EDU_REG_LIVENESS, 0x0000ffff);
    writel_b(tb, EDU_REG_LIVENESS, 0x00ff00ff);
    tb_writel(tb, EDU_REG_STATUS, EDU_STATUS_IRQFACT);
    tb_writel(tb, EDU_REG_FACT, 12);
    tb_writeq(tb, EDU_REG_DMA_SRC, 0x1234);

    assert_int_equal(tb_readl(tb, EDU_REG_LIVENESS), 0xffff0000);
    assert_int_equal(readl_b(tb, EDU_REG_LIVENESS), 0xff00ff00);
    assert_int_equal(readl_b(tb, EDU_REG_STATUS), 0);
    assert_int_equal(readl_b(tb, EDU_REG_FACT), 0);
    assert_int_equal(tb_mem_read(tb->host, BAR0_B + EDU_REG_DMA_SRC, 8), 0);
    tb_wait_fact(tb);
    assert_int_equal(tb_readl(tb, EDU_REG_FACT), 479001600);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), EDU_IRQ_FACT);
    assert_int_equal(readl_b(tb, EDU_REG_IRQ_STATUS), 0);
}

static void test_two_devices_have_separate_config_spaces(void **state)
{
    Tb *tb = *state;

    add_edu_b(tb);
    tb_cfg_write(tb, PCI_INTERRUPT_LINE, 0x0a, 1);
    tb_cfg_write(tb, EDU_MSI_CAP_OFFSET + PCI_MSI_ADDRESS_LO, 0xfee00000, 4);
    assert_int_equal(tb_cfg_read_fn(tb->host, DEVFN_B, PCI_INTERRUPT_LINE, 1),
                     0);
    assert_int_equal(tb_cfg_read_fn(tb->host, DEVFN_B,
                                    EDU_MSI_CAP_OFFSET + PCI_MSI_ADDRESS_LO, 4),
                     0);
    assert_int_equal(tb_cfg_read_fn(tb->host, DEVFN_B, PCI_BASE_ADDRESS_0, 4),
                     BAR0_B);
    assert_int_equal(tb_cfg_read(tb, PCI_BASE_ADDRESS_0, 4), TB_BAR0);
    tb_set_command(tb, 0);
    assert_int_equal(tb_cfg_read_fn(tb->host, DEVFN_B, PCI_COMMAND, 2),
                     TB_COMMAND);
    assert_int_equal(readl_b(tb, EDU_REG_ID), EDU_ID_VALUE);
    assert_int_equal(tb_readl(tb, EDU_REG_ID), 0xffffffff);
}

static void test_two_devices_have_separate_dma_buffers(void **state)
{
    Tb *tb = *state;
    static const uint8_t zeros[64];
    uint8_t got[64];

    add_edu_b(tb);
    tb_ram_pattern(tb, TB_RAM_A, 64, 0x55);
    tb_dma(tb, TB_RAM_A, EDU_DMA_BUF_ADDR, 64, EDU_DMA_CMD_RUN);
    tb_dma_start_at(tb->host, BAR0_B, EDU_DMA_BUF_ADDR, TB_RAM_B, 64,
                    EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM);
    tb_wait_dma_at(tb->host, BAR0_B);
    assert_int_equal(host_ram_read(tb->host, TB_RAM_B, got, sizeof(got)), 0);
    assert_memory_equal(got, zeros, sizeof(zeros));
    assert_int_equal(readl_b(tb, EDU_REG_IRQ_STATUS), 0);
}

static void test_two_devices_have_separate_dma_masks(void **state)
{
    Tb *tb = *state;
    EduDevice *b = add_edu_b(tb);

    edu_set_dma_mask(b, 0xfffff);
    tb_ram_pattern(tb, TB_RAM_A, 16, 0x10);
    /* A keeps the default 2^28 - 1: 0x100000 stays 0x100000. */
    tb_dma(tb, TB_RAM_A, EDU_DMA_BUF_ADDR, 16, EDU_DMA_CMD_RUN);
    tb_dma(tb, EDU_DMA_BUF_ADDR, TB_RAM_B, 16,
           EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM);
    tb_assert_ram_pattern(tb, TB_RAM_B, 16, 0x10);
    /* B masks 0x100000 to 0. */
    tb_ram_pattern(tb, 0, 16, 0xc0);
    tb_dma_start_at(tb->host, BAR0_B, TB_RAM_A, EDU_DMA_BUF_ADDR, 16,
                    EDU_DMA_CMD_RUN);
    tb_wait_dma_at(tb->host, BAR0_B);
    tb_dma_start_at(tb->host, BAR0_B, EDU_DMA_BUF_ADDR, 0x80, 16,
                    EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM);
    tb_wait_dma_at(tb->host, BAR0_B);
    tb_assert_ram_pattern(tb, 0x80, 16, 0xc0);
}

static void test_two_devices_intx_is_wired_or(void **state)
{
    Tb *tb = *state;

    add_edu_b(tb);
    tb_writel(tb, EDU_REG_IRQ_RAISE, 1);
    assert_true(host_intx(tb->host));
    assert_true(tb_cfg_intx_status(tb));
    assert_int_equal(tb_cfg_read_fn(tb->host, DEVFN_B, PCI_STATUS, 2),
                     PCI_STATUS_CAP_LIST);
    writel_b(tb, EDU_REG_IRQ_RAISE, 1);
    tb_writel(tb, EDU_REG_IRQ_ACK, 1);
    assert_true(host_intx(tb->host));
    writel_b(tb, EDU_REG_IRQ_ACK, 1);
    assert_false(host_intx(tb->host));
}

/* --- decode ---------------------------------------------------------- */

static void test_bar_decodes_only_with_memory_enabled(void **state)
{
    Tb *tb = *state;

    tb_set_command(tb, PCI_COMMAND_MASTER | PCI_COMMAND_IO);
    assert_int_equal(tb_readl(tb, EDU_REG_ID), 0xffffffff);
    tb_writel(tb, EDU_REG_LIVENESS, 0);
    tb_set_command(tb, TB_COMMAND);
    assert_int_equal(tb_readl(tb, EDU_REG_ID), EDU_ID_VALUE);
    assert_int_equal(tb_readl(tb, EDU_REG_LIVENESS), 0);
}

static void test_bar_follows_reprogramming(void **state)
{
    Tb *tb = *state;

    tb_cfg_write(tb, PCI_BASE_ADDRESS_0, TB_BAR0 + 2 * EDU_BAR0_SIZE, 4);
    assert_int_equal(tb_readl(tb, EDU_REG_ID), 0xffffffff);
    assert_int_equal(tb_mem_read(tb->host, TB_BAR0 + 2 * EDU_BAR0_SIZE, 4),
                     EDU_ID_VALUE);
}

/* BAR0 at 0xfff00000 would reach 0xffffffff: it does not decode. */
static void test_bar_reaching_4g_does_not_decode(void **state)
{
    Tb *tb = *state;

    tb_cfg_write(tb, PCI_BASE_ADDRESS_0, 0xfff00000, 4);
    assert_int_equal(tb_mem_read(tb->host, 0xfff00000, 4), 0xffffffff);
    tb_cfg_write(tb, PCI_BASE_ADDRESS_0, 0xffe00000, 4);
    assert_int_equal(tb_mem_read(tb->host, 0xffe00000, 4), EDU_ID_VALUE);
}

static void test_bar_at_zero_does_not_decode(void **state)
{
    Tb *tb = *state;

    tb_ram_writel(tb, 0, 0x11223344);
    tb_cfg_write(tb, PCI_BASE_ADDRESS_0, 0, 4);
    assert_int_equal(tb_mem_read(tb->host, 0, 4), 0x11223344);
}

static void test_unclaimed_memory_master_aborts(void **state)
{
    Tb *tb = *state;
    uint64_t t0 = host_now(tb->host);

    assert_int_equal(tb_mem_read(tb->host, NOWHERE, 4), 0xffffffff);
    assert_int_equal(host_now(tb->host) - t0, EDU_T_MASTER_ABORT);
    tb_mem_write(tb->host, NOWHERE, 0, 4);
    assert_int_equal(tb_mem_read(tb->host, NOWHERE, 8), UINT64_MAX);
    assert_int_equal(tb_mem_read(tb->host, NOWHERE + 1, 1), 0xff);
    assert_int_equal(tb_mem_read(tb->host, host_ram_size(tb->host), 2), 0xffff);
}

/* An access straddling the end of RAM: RAM bytes, then master abort. */
static void test_access_across_end_of_ram(void **state)
{
    Tb *tb = *state;
    uint64_t end = host_ram_size(tb->host);

    tb_ram_writel(tb, end - 4, 0x44332211);
    assert_int_equal(tb_mem_read(tb->host, end - 4, 8), 0xffffffff44332211);
    tb_mem_write(tb->host, end - 2, 0xddccbbaa, 4);
    assert_int_equal(tb_ram_readl(tb, end - 4), 0xbbaa2211);
}

/* Found by the platform fuzzer: an access must not wrap from the top of
 * the address space (or of the port space) round to RAM at 0 (port 0). */
static void test_access_past_the_top_does_not_wrap(void **state)
{
    Tb *tb = *state;

    tb_ram_writel(tb, 0, 0x11223344);
    tb_mem_write(tb->host, UINT64_MAX - 3, 0xaabbccddeeff0011, 8);
    assert_int_equal(tb_ram_readl(tb, 0), 0x11223344);
    assert_int_equal(tb_mem_read(tb->host, UINT64_MAX - 1, 8), UINT64_MAX);
    assert_int_equal(tb_in(tb->host, 0xfffe, 4), 0xffffffff);
}

/* --- RAM and time -------------------------------------------------- */

static void test_ram_access_takes_no_clocks(void **state)
{
    Tb *tb = *state;
    uint64_t t0 = host_now(tb->host);

    tb_mem_write(tb->host, TB_RAM_A + 3, 0x0123456789abcdef, 8);
    assert_int_equal(tb_mem_read(tb->host, TB_RAM_A + 3, 8),
                     0x0123456789abcdef);
    assert_int_equal(tb_ram_readl(tb, TB_RAM_A + 3), 0x89abcdef);
    tb_outl(tb->host, PCI_CONFIG_ADDRESS_PORT, 0x80000000);
    assert_int_equal(host_now(tb->host), t0);
}

static void test_advance_moves_time_exactly(void **state)
{
    Tb *tb = *state;
    uint64_t t0 = host_now(tb->host);

    host_advance(tb->host, 0);
    assert_int_equal(host_now(tb->host), t0);
    host_advance(tb->host, 123);
    assert_int_equal(host_now(tb->host), t0 + 123);
    host_advance(tb->host, 1);
    assert_int_equal(host_now(tb->host), t0 + 124);
}

/* A driver-like sequence; returns the clock after each step in 'clocks'. */
static void run_sequence(uint64_t clocks[8], uint32_t results[4])
{
    void *state = NULL;
    Tb *p;
    size_t k = 0;

    assert_int_equal(tb_setup_mapped(&state), 0);
    p = state;
    clocks[k++] = host_now(p->host);
    tb_writel(p, EDU_REG_FACT, 20);
    tb_wait_fact(p);
    clocks[k++] = host_now(p->host);
    tb_ram_pattern(p, TB_RAM_A, EDU_DMA_BUF_SIZE, 3);
    tb_dma(p, TB_RAM_A, EDU_DMA_BUF_ADDR, EDU_DMA_BUF_SIZE,
           EDU_DMA_CMD_RUN | EDU_DMA_CMD_IRQ);
    clocks[k++] = host_now(p->host);
    tb_dma_start(p, EDU_DMA_BUF_ADDR + 3, TB_RAM_B + 1, 1000,
                 EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM);
    tb_writel(p, EDU_REG_FACT, 33);
    clocks[k++] = host_now(p->host);
    host_advance(p->host, 50);
    clocks[k++] = host_now(p->host);
    tb_wait_dma(p);
    clocks[k++] = host_now(p->host);
    tb_wait_fact(p);
    clocks[k++] = host_now(p->host);
    (void)tb_cfg_read(p, PCI_STATUS, 2);
    clocks[k++] = host_now(p->host);
    results[0] = tb_readl(p, EDU_REG_FACT);
    results[1] = tb_readl(p, EDU_REG_IRQ_STATUS);
    results[2] = tb_ram_readl(p, TB_RAM_B + 1);
    results[3] = tb_ram_readl(p, TB_RAM_B + 998);
    tb_teardown(&state);
}

static void test_same_sequence_gives_same_clocks(void **state)
{
    uint64_t c1[8], c2[8];
    uint32_t r1[4], r2[4];

    (void)state;
    run_sequence(c1, r1);
    run_sequence(c2, r2);
    assert_memory_equal(c1, c2, sizeof(c1));
    assert_memory_equal(r1, r2, sizeof(r1));
    for (size_t i = 1; i < 8; i++) {
        assert_true(c1[i] > c1[i - 1]);
    }
    assert_int_equal(r1[0], 0x80000000);
    assert_int_equal(r1[1], EDU_IRQ_DMA);
    assert_int_equal(r1[2], 0x09080706);
    /* Buffer bytes 1000..1002, then RAM past the 1000 copied bytes. */
    assert_int_equal(r1[3], (uint32_t)(uint8_t)(3 + 1000) |
                                (uint32_t)(uint8_t)(3 + 1001) << 8 |
                                (uint32_t)(uint8_t)(3 + 1002) << 16);
}

/* --- configuration and API misuse -------------------------------------- */

static void test_host_create_defaults(void **state)
{
    Host *host = host_create(NULL);

    (void)state;
    assert_non_null(host);
    assert_int_equal(host_ram_size(host), HOST_RAM_SIZE_DEFAULT);
    assert_int_equal(host_clock_ns(host), EDU_CLOCK_NS_DEFAULT);
    assert_int_equal(host_now(host), 0);
    assert_false(host_intx(host));
    assert_null(host_edu(host, TB_SLOT, 0));
    host_destroy(host);
}

static void test_host_create_takes_ram_size_and_clock(void **state)
{
    HostConfig cfg = {.ram_size = 1 << 20, .clock_ns = 15};
    Host *host = host_create(&cfg);
    uint8_t b = 0;

    (void)state;
    assert_non_null(host);
    assert_int_equal(host_ram_size(host), 1 << 20);
    assert_int_equal(host_clock_ns(host), 15);
    assert_int_equal(host_ram_read(host, (1 << 20) - 1, &b, 1), 0);
    assert_int_equal(host_ram_read(host, 1 << 20, &b, 1), -ERANGE);
    assert_int_equal(tb_mem_read(host, 1 << 20, 4), 0xffffffff);
    host_destroy(host);
}

static void test_bad_access_sizes_return_einval(void **state)
{
    Tb *tb = *state;
    static const unsigned io_sizes[] = {0, 3, 5, 8};
    static const unsigned mem_sizes[] = {0, 3, 5, 7, 16};
    uint32_t v32 = 0x5a5a5a5a;
    uint64_t v64 = 0x5a5a5a5a;
    uint64_t t0 = host_now(tb->host);

    for (size_t i = 0; i < TB_ARRAY_SIZE(io_sizes); i++) {
        assert_int_equal(
            host_io_read(tb->host, PCI_CONFIG_DATA_PORT, io_sizes[i], &v32),
            -EINVAL);
        assert_int_equal(
            host_io_write(tb->host, PCI_CONFIG_ADDRESS_PORT, 0, io_sizes[i]),
            -EINVAL);
    }
    for (size_t i = 0; i < TB_ARRAY_SIZE(mem_sizes); i++) {
        assert_int_equal(host_mem_read(tb->host, TB_BAR0, mem_sizes[i], &v64),
                         -EINVAL);
        assert_int_equal(host_mem_write(tb->host, TB_BAR0 + EDU_REG_LIVENESS, 0,
                                        mem_sizes[i]),
                         -EINVAL);
    }
    /* Nothing happened: no value, no time, no write. */
    assert_int_equal(v32, 0x5a5a5a5a);
    assert_int_equal(v64, 0x5a5a5a5a);
    assert_int_equal(host_now(tb->host), t0);
    assert_int_equal(tb_in(tb->host, PCI_CONFIG_ADDRESS_PORT, 4),
                     tb_cfg_address(TB_DEVFN, PCI_COMMAND));
    assert_int_equal(tb_readl(tb, EDU_REG_LIVENESS), 0);
}

static void test_add_edu_checks_slot_and_function(void **state)
{
    Tb *tb = *state;
    EduDevice *edu = NULL;

    assert_int_equal(host_add_edu(tb->host, 32, 0, &edu), -EINVAL);
    assert_int_equal(host_add_edu(tb->host, 0, 8, &edu), -EINVAL);
    assert_int_equal(host_add_edu(tb->host, TB_SLOT, 0, &edu), -EBUSY);
    assert_int_equal(host_add_edu(tb->host, 0, 0, &edu), -EBUSY);
    assert_null(edu);
    assert_ptr_equal(host_edu(tb->host, TB_SLOT, 0), tb->edu);
    assert_null(host_edu(tb->host, SLOT_B, 0));
    assert_null(host_edu(tb->host, 32, 0));
    assert_null(host_edu(tb->host, 0, 8));
    /* Function 7 of slot 31 is fine, with or without a pointer back. */
    assert_int_equal(host_add_edu(tb->host, 31, 7, NULL), 0);
    assert_non_null(host_edu(tb->host, 31, 7));
    assert_int_equal(tb_cfg_read_fn(tb->host, PCI_DEVFN(31, 7), 0, 4),
                     0x11e81234);
}

static void test_ram_access_outside_ram_returns_erange(void **state)
{
    Tb *tb = *state;
    uint64_t size = host_ram_size(tb->host);
    uint8_t buf[8] = {0};
    static const struct {
        uint64_t off_from_end; /* address = RAM size - this */
        size_t len;
        int ret;
    } cases[] = {
        {8, 8, 0},
        {0, 0, 0},
        {4, 8, -ERANGE},
        {0, 1, -ERANGE},
    };

    for (size_t i = 0; i < TB_ARRAY_SIZE(cases); i++) {
        uint64_t addr = size - cases[i].off_from_end;

        assert_int_equal(host_ram_read(tb->host, addr, buf, cases[i].len),
                         cases[i].ret);
        assert_int_equal(host_ram_write(tb->host, addr, buf, cases[i].len),
                         cases[i].ret);
    }
    assert_int_equal(host_ram_read(tb->host, UINT64_MAX, buf, 1), -ERANGE);
    assert_int_equal(host_ram_write(tb->host, 1, buf, SIZE_MAX), -ERANGE);
}

/* Guest mistakes are counted and handed to the hook; the model goes on. */
static void test_guest_errors_counted_and_passed_to_hook(void **state)
{
    Tb *tb = *state;

    tb_writel(tb, EDU_REG_LIVENESS, 0);
    assert_int_equal(tb_guest_errors(tb), 0);
    (void)tb_bar_read(tb, EDU_REG_ID, 1);
    assert_int_equal(tb_guest_errors(tb), 1);
    tb_bar_write(tb, EDU_REG_LIVENESS, 0, 2);
    assert_int_equal(tb_guest_errors(tb), 2);
    tb_dma(tb, TB_RAM_A, 0, 8, EDU_DMA_CMD_RUN);
    assert_int_equal(tb_guest_errors(tb), 3);
    assert_int_equal(tb->log_calls, 3);
    assert_int_equal(tb_readl(tb, EDU_REG_ID), EDU_ID_VALUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TB_TEST_MAPPED(test_two_devices_share_no_registers),
        TB_TEST_MAPPED(test_two_devices_have_separate_config_spaces),
        TB_TEST_MAPPED(test_two_devices_have_separate_dma_buffers),
        TB_TEST_MAPPED(test_two_devices_have_separate_dma_masks),
        TB_TEST_MAPPED(test_two_devices_intx_is_wired_or),
        TB_TEST_MAPPED(test_bar_decodes_only_with_memory_enabled),
        TB_TEST_MAPPED(test_bar_follows_reprogramming),
        TB_TEST_MAPPED(test_bar_reaching_4g_does_not_decode),
        TB_TEST_MAPPED(test_bar_at_zero_does_not_decode),
        TB_TEST_MAPPED(test_unclaimed_memory_master_aborts),
        TB_TEST_MAPPED(test_access_across_end_of_ram),
        TB_TEST_MAPPED(test_access_past_the_top_does_not_wrap),
        TB_TEST_MAPPED(test_ram_access_takes_no_clocks),
        TB_TEST_MAPPED(test_advance_moves_time_exactly),
        cmocka_unit_test(test_same_sequence_gives_same_clocks),
        cmocka_unit_test(test_host_create_defaults),
        cmocka_unit_test(test_host_create_takes_ram_size_and_clock),
        TB_TEST_MAPPED(test_bad_access_sizes_return_einval),
        TB_TEST_MAPPED(test_add_edu_checks_slot_and_function),
        TB_TEST_MAPPED(test_ram_access_outside_ram_returns_erange),
        TB_TEST_MAPPED(test_guest_errors_counted_and_passed_to_hook),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

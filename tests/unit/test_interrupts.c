/*
 * Unit tests of the edu's interrupts: the INTx level (irq_status != 0),
 * STATUS bit 3 with and without COMMAND's INTx disable, and MSI as a
 * bus-master DWORD write of the 16-bit message data to RAM, sent only
 * while MSI is enabled and bus mastering is on.  Expected values are
 * QEMU 7.2's (qtest; STATUS read through CF8/CFC, the MSI seen in RAM).
 */
#include "tb_util.h"

#define MSI_CAP EDU_MSI_CAP_OFFSET
#define MSI_ADDR TB_RAM_A
#define MSI_DATA 0x1234u
/* What RAM holds at the MSI address before any message lands there. */
#define RAM_FILL 0xaaaaaaaau

static void msi_enable(Tb *tb, bool enable)
{
    tb_cfg_write(tb, MSI_CAP + PCI_MSI_FLAGS, enable ? PCI_MSI_FLAGS_ENABLE : 0,
                 1);
}

/* MSI to MSI_ADDR with 'data'; RAM there and next to it holds RAM_FILL. */
static void msi_program(Tb *tb, uint32_t data, bool enable)
{
    tb_ram_writel(tb, MSI_ADDR, RAM_FILL);
    tb_ram_writel(tb, MSI_ADDR + 4, RAM_FILL);
    tb_cfg_write(tb, MSI_CAP + PCI_MSI_ADDRESS_LO, MSI_ADDR, 4);
    tb_cfg_write(tb, MSI_CAP + PCI_MSI_ADDRESS_HI, 0, 4);
    tb_cfg_write(tb, MSI_CAP + PCI_MSI_DATA_64, data, 4);
    msi_enable(tb, enable);
}

/* Asserts INTA# at the host, STATUS bit 3 and irq_status together. */
static void assert_intx(Tb *tb, bool pin, bool status_bit)
{
    assert_int_equal(host_intx(tb->host), pin);
    assert_int_equal(tb_cfg_read(tb, PCI_STATUS, 2),
                     PCI_STATUS_CAP_LIST |
                         (status_bit ? PCI_STATUS_INTERRUPT : 0));
}

static void test_irq_raise_asserts_intx_and_status_bit3(void **state)
{
    Tb *tb = *state;

    assert_intx(tb, false, false);
    tb_writel(tb, EDU_REG_IRQ_RAISE, 0x10);
    assert_intx(tb, true, true);
    assert_true(tb_state(tb).intx);
}

static void test_irq_ack_deasserts_intx_only_when_all_clear(void **state)
{
    Tb *tb = *state;

    tb_writel(tb, EDU_REG_IRQ_RAISE, EDU_IRQ_FACT | EDU_IRQ_DMA);
    tb_writel(tb, EDU_REG_IRQ_ACK, EDU_IRQ_FACT);
    assert_intx(tb, true, true);
    tb_writel(tb, EDU_REG_IRQ_ACK, 0x8);
    assert_intx(tb, true, true);
    tb_writel(tb, EDU_REG_IRQ_ACK, EDU_IRQ_DMA);
    assert_intx(tb, false, false);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), 0);
}

static void
test_irq_raise_zero_with_nothing_pending_keeps_intx_low(void **state)
{
    Tb *tb = *state;

    tb_writel(tb, EDU_REG_IRQ_RAISE, 0);
    assert_intx(tb, false, false);
}

/* INTx disable keeps the pin low; STATUS bit 3 still shows the level. */
static void test_intx_disable_masks_pin_but_not_status_bit3(void **state)
{
    Tb *tb = *state;

    tb_writel(tb, EDU_REG_IRQ_RAISE, 0x10);
    tb_set_command(tb, TB_COMMAND | PCI_COMMAND_INTX_DISABLE);
    assert_intx(tb, false, true);
    assert_false(tb_state(tb).intx);
    tb_writel(tb, EDU_REG_IRQ_ACK, 0x10);
    assert_intx(tb, false, false);
    tb_writel(tb, EDU_REG_IRQ_RAISE, 0x10);
    assert_intx(tb, false, true);
    tb_set_command(tb, TB_COMMAND);
    assert_intx(tb, true, true);
}

static void test_msi_delivered_as_ram_dword_write_of_data(void **state)
{
    Tb *tb = *state;

    msi_program(tb, MSI_DATA, true);
    tb_writel(tb, EDU_REG_IRQ_RAISE, 2);
    assert_int_equal(tb_ram_readl(tb, MSI_ADDR), 0x00001234);
    assert_int_equal(tb_ram_readl(tb, MSI_ADDR + 4), RAM_FILL);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), 2);
    assert_intx(tb, false, false);
}

/* Only the 16-bit data goes out, zero-extended to a DWORD. */
static void test_msi_upper_16_bits_written_as_zero(void **state)
{
    Tb *tb = *state;

    msi_program(tb, 0xffff0000u | MSI_DATA, true);
    assert_int_equal(tb_cfg_read(tb, MSI_CAP + PCI_MSI_DATA_64, 4), 0xffff1234);
    tb_writel(tb, EDU_REG_IRQ_RAISE, 1);
    assert_int_equal(tb_ram_readl(tb, MSI_ADDR), 0x00001234);
}

/* Every raise write that leaves irq_status non-zero sends a message. */
static void test_msi_sent_on_every_raise_while_pending(void **state)
{
    Tb *tb = *state;

    msi_program(tb, MSI_DATA, true);
    tb_writel(tb, EDU_REG_IRQ_RAISE, 1);
    tb_ram_writel(tb, MSI_ADDR, 0);
    tb_writel(tb, EDU_REG_IRQ_RAISE, 0);
    assert_int_equal(tb_ram_readl(tb, MSI_ADDR), MSI_DATA);
    tb_ram_writel(tb, MSI_ADDR, 0);
    tb_writel(tb, EDU_REG_IRQ_RAISE, 1);
    assert_int_equal(tb_ram_readl(tb, MSI_ADDR), MSI_DATA);
}

static void test_msi_not_sent_when_nothing_pending(void **state)
{
    Tb *tb = *state;

    msi_program(tb, MSI_DATA, true);
    tb_writel(tb, EDU_REG_IRQ_RAISE, 0);
    assert_int_equal(tb_ram_readl(tb, MSI_ADDR), RAM_FILL);
    tb_writel(tb, EDU_REG_IRQ_RAISE, 1);
    tb_writel(tb, EDU_REG_IRQ_ACK, 1);
    tb_ram_writel(tb, MSI_ADDR, RAM_FILL);
    tb_writel(tb, EDU_REG_IRQ_RAISE, 0);
    assert_int_equal(tb_ram_readl(tb, MSI_ADDR), RAM_FILL);
}

static void test_msi_dropped_without_bus_master(void **state)
{
    Tb *tb = *state;

    msi_program(tb, MSI_DATA, true);
    tb_set_command(tb, PCI_COMMAND_MEMORY | PCI_COMMAND_SERR);
    tb_writel(tb, EDU_REG_IRQ_RAISE, 2);
    tb_writel(tb, EDU_REG_IRQ_RAISE, 0);
    assert_int_equal(tb_ram_readl(tb, MSI_ADDR), RAM_FILL);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), 2);
    assert_intx(tb, false, false);
    tb_set_command(tb, TB_COMMAND);
    tb_writel(tb, EDU_REG_IRQ_RAISE, 0);
    assert_int_equal(tb_ram_readl(tb, MSI_ADDR), MSI_DATA);
}

static void test_msi_programmed_but_disabled_uses_intx(void **state)
{
    Tb *tb = *state;

    msi_program(tb, MSI_DATA, false);
    tb_writel(tb, EDU_REG_IRQ_RAISE, 1);
    assert_int_equal(tb_ram_readl(tb, MSI_ADDR), RAM_FILL);
    assert_intx(tb, true, true);
}

/*
 * Enabling MSI (a config write to the capability) drops a pending INTx
 * though irq_status stays; disabling MSI does not bring it back, the next
 * raise write does.
 */
static void test_msi_enable_deasserts_pending_intx(void **state)
{
    Tb *tb = *state;

    msi_program(tb, MSI_DATA, false);
    tb_writel(tb, EDU_REG_IRQ_RAISE, 1);
    assert_intx(tb, true, true);
    msi_enable(tb, true);
    assert_intx(tb, false, false);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), 1);
    msi_enable(tb, false);
    assert_intx(tb, false, false);
    tb_writel(tb, EDU_REG_IRQ_RAISE, 0);
    assert_intx(tb, true, true);
    assert_int_equal(tb_ram_readl(tb, MSI_ADDR), RAM_FILL);
}

/* With MSI on, acknowledging leaves INTx alone (it is not driven). */
static void test_msi_ack_keeps_intx_low(void **state)
{
    Tb *tb = *state;

    msi_program(tb, MSI_DATA, true);
    tb_writel(tb, EDU_REG_IRQ_RAISE, 1);
    tb_writel(tb, EDU_REG_IRQ_ACK, 1);
    assert_intx(tb, false, false);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), 0);
}

static void test_fact_and_dma_completion_send_msi(void **state)
{
    Tb *tb = *state;

    msi_program(tb, MSI_DATA, true);
    tb_writel(tb, EDU_REG_STATUS, EDU_STATUS_IRQFACT);
    tb_writel(tb, EDU_REG_FACT, 5);
    tb_wait_fact(tb);
    assert_int_equal(tb_ram_readl(tb, MSI_ADDR), MSI_DATA);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), EDU_IRQ_FACT);

    tb_writel(tb, EDU_REG_IRQ_ACK, EDU_IRQ_FACT);
    tb_ram_writel(tb, MSI_ADDR, RAM_FILL);
    tb_dma(tb, TB_RAM_B, EDU_DMA_BUF_ADDR, 8,
           EDU_DMA_CMD_RUN | EDU_DMA_CMD_IRQ);
    assert_int_equal(tb_ram_readl(tb, MSI_ADDR), MSI_DATA);
    assert_int_equal(tb_readl(tb, EDU_REG_IRQ_STATUS), EDU_IRQ_DMA);
    assert_intx(tb, false, false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TB_TEST_MAPPED(test_irq_raise_asserts_intx_and_status_bit3),
        TB_TEST_MAPPED(test_irq_ack_deasserts_intx_only_when_all_clear),
        TB_TEST_MAPPED(test_irq_raise_zero_with_nothing_pending_keeps_intx_low),
        TB_TEST_MAPPED(test_intx_disable_masks_pin_but_not_status_bit3),
        TB_TEST_MAPPED(test_msi_delivered_as_ram_dword_write_of_data),
        TB_TEST_MAPPED(test_msi_upper_16_bits_written_as_zero),
        TB_TEST_MAPPED(test_msi_sent_on_every_raise_while_pending),
        TB_TEST_MAPPED(test_msi_not_sent_when_nothing_pending),
        TB_TEST_MAPPED(test_msi_dropped_without_bus_master),
        TB_TEST_MAPPED(test_msi_programmed_but_disabled_uses_intx),
        TB_TEST_MAPPED(test_msi_enable_deasserts_pending_intx),
        TB_TEST_MAPPED(test_msi_ack_keeps_intx_low),
        TB_TEST_MAPPED(test_fact_and_dma_completion_send_msi),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

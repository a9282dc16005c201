/*
 * Unit tests of the configuration space object (edu/pci.h), driven directly
 * through pci_cfg_read/pci_cfg_write: the edu's identity and reset values,
 * the writable bits of every byte, BAR sizing and decode, the MSI
 * capability and the write-1-to-clear STATUS bits.  Expected values are
 * QEMU 7.2's (qtest, -device edu,addr=04.0).
 */
#include "tb_util.h"

#include "edu/pci.h"

/* An edu on a bare bus (no host), so the tests reach its PciConfig. */
typedef struct CfgFixture {
    PciBus bus;
    uint8_t ram[4096];
    EduLog log;
    EduDevice *edu;
    PciConfig *cfg;
} CfgFixture;

static int cfg_setup(void **state)
{
    CfgFixture *f = calloc(1, sizeof(*f));

    if (!f) {
        return -1;
    }
    pci_bus_init(&f->bus, f->ram, sizeof(f->ram), &f->log);
    f->edu = edu_create(&f->bus, TB_DEVFN, &f->log);
    if (!f->edu) {
        free(f);
        return -1;
    }
    f->cfg = &edu_function(f->edu)->cfg;
    *state = f;
    return 0;
}

static int cfg_teardown(void **state)
{
    CfgFixture *f = *state;

    edu_destroy(f->edu);
    free(f);
    return 0;
}

static PciConfig *edu_cfg(void **state)
{
    return ((CfgFixture *)*state)->cfg;
}

/* Config space of the edu after reset, DWORD by DWORD (QEMU 7.2). */
static const struct {
    unsigned off;
    uint32_t val;
} edu_reset_dwords[] = {
    {0x00, 0x11e81234}, /* device, vendor */
    {0x04, 0x00100000}, /* STATUS: capability list; COMMAND 0 */
    {0x08, 0x00ff0010}, /* class 00 ff 00, revision 0x10 */
    {0x0c, 0x00000000}, /* header type 0, latency 0, cache line 0 */
    {0x2c, 0x11001af4}, /* subsystem, subsystem vendor */
    {0x34, 0x00000040}, /* capability pointer */
    {0x3c, 0x00000100}, /* interrupt pin INTA#, line 0 */
    {0x40, 0x00800005}, /* MSI: 64-bit, next 0, ID 5 */
};

/* Bits that stick when 0xff is written to one byte alone (QEMU 7.2). */
static const struct {
    unsigned first;
    unsigned last;
    uint8_t mask;
} edu_wmask_ranges[] = {
    {0x04, 0x04, 0x07}, /* COMMAND: I/O, memory, bus master */
    {0x05, 0x05, 0x05}, /* COMMAND: SERR, INTx disable */
    {0x0c, 0x0c, 0xff}, /* cache line size */
    {0x12, 0x12, 0xf0}, /* BAR0 bits 23:20 (1 MiB) */
    {0x13, 0x13, 0xff}, /* BAR0 bits 31:24 */
    {0x3c, 0x3c, 0xff}, /* interrupt line */
    {0x42, 0x42, 0x01}, /* MSI enable (0xff enables and clamps QSIZE) */
    {0x44, 0x44, 0xfc}, /* MSI address low, low two bits 0 */
    {0x45, 0x4d, 0xff}, /* MSI address, address high, data */
    {0x4e, 0xff, 0xff}, /* plain storage */
};

static uint8_t edu_wmask(unsigned off)
{
    for (size_t i = 0; i < TB_ARRAY_SIZE(edu_wmask_ranges); i++) {
        if (off >= edu_wmask_ranges[i].first &&
            off <= edu_wmask_ranges[i].last) {
            return edu_wmask_ranges[i].mask;
        }
    }
    return 0;
}

static uint8_t edu_reset_byte(unsigned off)
{
    for (size_t i = 0; i < TB_ARRAY_SIZE(edu_reset_dwords); i++) {
        if ((off & ~3u) == edu_reset_dwords[i].off) {
            return (uint8_t)(edu_reset_dwords[i].val >> (8 * (off & 3)));
        }
    }
    return 0;
}

static void test_cfg_reset_values_match_qemu(void **state)
{
    PciConfig *cfg = edu_cfg(state);

    for (unsigned off = 0; off < PCI_CONFIG_SIZE; off++) {
        assert_int_equal(pci_cfg_read(cfg, off, 1), edu_reset_byte(off));
    }
}

static void test_cfg_identity_fields(void **state)
{
    PciConfig *cfg = edu_cfg(state);

    assert_int_equal(pci_cfg_read(cfg, PCI_VENDOR_ID, 2), EDU_VENDOR_ID);
    assert_int_equal(pci_cfg_read(cfg, PCI_DEVICE_ID, 2), EDU_DEVICE_ID);
    assert_int_equal(pci_cfg_read(cfg, PCI_REVISION_ID, 1), EDU_REVISION);
    assert_int_equal(pci_cfg_read(cfg, PCI_CLASS_PROG, 1), 0x00);
    assert_int_equal(pci_cfg_read(cfg, PCI_CLASS_PROG + 1, 2), 0x00ff);
    assert_int_equal(pci_cfg_read(cfg, PCI_HEADER_TYPE, 1), 0x00);
    assert_int_equal(pci_cfg_read(cfg, PCI_SUBSYSTEM_VENDOR_ID, 2),
                     EDU_SUBSYS_VENDOR_ID);
    assert_int_equal(pci_cfg_read(cfg, PCI_SUBSYSTEM_ID, 2), EDU_SUBSYS_ID);
    assert_int_equal(pci_cfg_read(cfg, PCI_INTERRUPT_PIN, 1), 1);
    assert_int_equal(pci_cfg_read(cfg, PCI_CAPABILITY_LIST, 1),
                     EDU_MSI_CAP_OFFSET);
}

/*
 * Every byte alone: write 0xff, then 0x00, and check that exactly the
 * writable bits moved (new = (old & ~wmask) | (val & wmask)).
 */
static void test_cfg_writable_bits_of_every_byte(void **state)
{
    PciConfig *cfg = edu_cfg(state);

    for (unsigned off = 0; off < PCI_CONFIG_SIZE; off++) {
        uint8_t init = (uint8_t)pci_cfg_read(cfg, off, 1);
        uint8_t mask = edu_wmask(off);

        pci_cfg_write(cfg, off, 0xff, 1);
        if (pci_cfg_read(cfg, off, 1) != (uint8_t)((init & ~mask) | mask)) {
            fail_msg("byte 0x%02x after 0xff: 0x%02x, expected 0x%02x", off,
                     pci_cfg_read(cfg, off, 1), (init & ~mask) | mask);
        }
        pci_cfg_write(cfg, off, 0x00, 1);
        if (pci_cfg_read(cfg, off, 1) != (uint8_t)(init & ~mask)) {
            fail_msg("byte 0x%02x after 0x00: 0x%02x, expected 0x%02x", off,
                     pci_cfg_read(cfg, off, 1), init & ~mask);
        }
    }
}

static void test_cfg_command_all_ones_reads_0507(void **state)
{
    PciConfig *cfg = edu_cfg(state);

    pci_cfg_write(cfg, PCI_COMMAND, 0xffffffff, 4);
    assert_int_equal(pci_cfg_read(cfg, PCI_COMMAND, 4), 0x00100507);
    assert_int_equal(pci_cfg_command(cfg), 0x0507);
    assert_true(pci_cfg_bus_master(cfg));
}

static void test_cfg_header_past_0xff_reads_zero_and_drops_writes(void **state)
{
    PciConfig *cfg = edu_cfg(state);

    pci_cfg_write(cfg, 0xfc, 0xddccbbaa, 4);
    pci_cfg_write(cfg, 0xfe, 0x11223344, 4);
    /* A 4-byte access at 0xfe covers 0xfe and 0xff only. */
    assert_int_equal(pci_cfg_read(cfg, 0xfc, 4), 0x3344bbaa);
    assert_int_equal(pci_cfg_read(cfg, 0xfd, 4), 0x003344bb);
    assert_int_equal(pci_cfg_read(cfg, 0x100, 4), 0);
    pci_cfg_write(cfg, 0x100, 0xffffffff, 4);
    assert_int_equal(pci_cfg_read(cfg, 0xfc, 4), 0x3344bbaa);
}

/* --- BARs ---------------------------------------------------------------- */

static void test_bar0_sizing_reads_fff00000(void **state)
{
    PciConfig *cfg = edu_cfg(state);

    pci_cfg_write(cfg, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
    assert_int_equal(pci_cfg_read(cfg, PCI_BASE_ADDRESS_0, 4), 0xfff00000);
}

static void test_bar0_low_bits_read_zero(void **state)
{
    PciConfig *cfg = edu_cfg(state);

    pci_cfg_write(cfg, PCI_BASE_ADDRESS_0, 0xe00fffff, 4);
    assert_int_equal(pci_cfg_read(cfg, PCI_BASE_ADDRESS_0, 4), 0xe0000000);
}

static void test_bars_1_to_5_and_rom_read_zero_and_ignore_writes(void **state)
{
    PciConfig *cfg = edu_cfg(state);
    static const unsigned offs[] = {0x14, 0x18, 0x1c,
                                    0x20, 0x24, PCI_ROM_ADDRESS};

    for (size_t i = 0; i < TB_ARRAY_SIZE(offs); i++) {
        pci_cfg_write(cfg, offs[i], 0xffffffff, 4);
        assert_int_equal(pci_cfg_read(cfg, offs[i], 4), 0);
    }
    pci_cfg_write(cfg, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    for (int bar = 1; bar < PCI_NUM_BARS; bar++) {
        assert_int_equal(pci_cfg_bar_addr(cfg, bar), PCI_BAR_UNMAPPED);
    }
}

static void test_bar_sizing_follows_bar_size(void **state)
{
    static const PciIdentity id = {.vendor_id = 0x1234, .device_id = 1};
    static const uint32_t sizes[] = {0x10, 0x1000, 0x100000, 0x80000000u};
    PciConfig cfg;

    (void)state;
    for (size_t i = 0; i < TB_ARRAY_SIZE(sizes); i++) {
        pci_cfg_init(&cfg, &id);
        pci_cfg_add_bar(&cfg, 2, sizes[i]);
        pci_cfg_write(&cfg, PCI_BASE_ADDRESS_0 + 8, 0xffffffff, 4);
        assert_int_equal(pci_cfg_read(&cfg, PCI_BASE_ADDRESS_0 + 8, 4),
                         ~(sizes[i] - 1) & PCI_BASE_ADDRESS_MEM_MASK);
    }
}

/* A BAR decodes only with COMMAND.memory, not at 0, not up to 0xffffffff. */
static void test_bar_decode_rules(void **state)
{
    PciConfig *cfg = edu_cfg(state);
    static const struct {
        uint32_t bar;
        uint16_t command;
        uint64_t addr;
    } cases[] = {
        {0xe0000000, PCI_COMMAND_MEMORY, 0xe0000000},
        {0xe0000000, 0, PCI_BAR_UNMAPPED},
        {0xe0000000, PCI_COMMAND_IO | PCI_COMMAND_MASTER, PCI_BAR_UNMAPPED},
        {0x00000000, PCI_COMMAND_MEMORY, PCI_BAR_UNMAPPED},
        {0xfff00000, PCI_COMMAND_MEMORY, PCI_BAR_UNMAPPED},
        {0xffe00000, PCI_COMMAND_MEMORY, 0xffe00000},
        {0x00100000, PCI_COMMAND_MEMORY, 0x00100000},
    };

    for (size_t i = 0; i < TB_ARRAY_SIZE(cases); i++) {
        pci_cfg_write(cfg, PCI_BASE_ADDRESS_0, cases[i].bar, 4);
        pci_cfg_write(cfg, PCI_COMMAND, cases[i].command, 2);
        assert_int_equal(pci_cfg_bar_addr(cfg, 0), cases[i].addr);
    }
}

/* --- MSI capability -------------------------------------------------- */

static void test_msi_cap_is_64bit_one_vector(void **state)
{
    PciConfig *cfg = edu_cfg(state);

    assert_int_equal(pci_cfg_read(cfg, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST,
                     PCI_STATUS_CAP_LIST);
    assert_int_equal(pci_cfg_read(cfg, 0x40, 1), PCI_CAP_ID_MSI);
    assert_int_equal(pci_cfg_read(cfg, 0x41, 1), 0);
    assert_int_equal(pci_cfg_read(cfg, 0x42, 2), PCI_MSI_FLAGS_64BIT);
    assert_false(pci_cfg_msi_enabled(cfg));
}

static void test_msi_qsize_writable_while_disabled(void **state)
{
    PciConfig *cfg = edu_cfg(state);

    pci_cfg_write(cfg, 0x42, 0x70, 1);
    assert_int_equal(pci_cfg_read(cfg, 0x40, 4), 0x00f00005);
    /* Another write to the capability keeps it while MSI is off. */
    pci_cfg_write(cfg, 0x44, 0x12345678, 4);
    assert_int_equal(pci_cfg_read(cfg, 0x42, 1), 0xf0);
}

static void test_msi_enable_clamps_qsize_to_one_vector(void **state)
{
    PciConfig *cfg = edu_cfg(state);

    pci_cfg_write(cfg, 0x42, 0x71, 1);
    assert_int_equal(pci_cfg_read(cfg, 0x42, 1), 0x81);
    assert_int_equal(pci_cfg_read(cfg, 0x40, 4), 0x00810005);
    assert_true(pci_cfg_msi_enabled(cfg));
}

/*
 * While MSI is enabled, any write overlapping 0x40..0x4d clamps QSIZE;
 * one that misses the capability does not.  (A guest cannot reach
 * "enabled with QSIZE != 0", so the byte is set directly.)
 */
static void test_msi_write_touching_cap_while_enabled_clamps_qsize(void **state)
{
    PciConfig *cfg = edu_cfg(state);
    static const struct {
        unsigned off;
        unsigned len;
        bool clamps;
    } cases[] = {
        {0x4e, 2, false}, {0x3c, 4, false}, {0x4d, 1, true},
        {0x3e, 4, true},  {0x48, 4, true},
    };

    for (size_t i = 0; i < TB_ARRAY_SIZE(cases); i++) {
        cfg->data[0x42] = 0xf1;
        pci_cfg_write(cfg, cases[i].off, 0, cases[i].len);
        assert_int_equal(pci_cfg_read(cfg, 0x42, 1),
                         cases[i].clamps ? 0x81 : 0xf1);
    }
}

static void test_msi_write_touching_cap_while_enabled_drops_intx(void **state)
{
    PciConfig *cfg = edu_cfg(state);
    static const struct {
        unsigned off;
        unsigned len;
        bool drops;
    } cases[] = {
        {0x4e, 1, false},
        {0x3c, 4, false},
        {0x4d, 1, true},
        {0x3f, 2, true},
    };

    pci_cfg_set_intx(cfg, true);
    pci_cfg_write(cfg, 0x42, PCI_MSI_FLAGS_ENABLE, 1);
    assert_false(cfg->intx_level);
    assert_int_equal(pci_cfg_read(cfg, PCI_STATUS, 1) & PCI_STATUS_INTERRUPT,
                     0);
    for (size_t i = 0; i < TB_ARRAY_SIZE(cases); i++) {
        pci_cfg_set_intx(cfg, true);
        pci_cfg_write(cfg, cases[i].off, 0, cases[i].len);
        assert_true(pci_cfg_msi_enabled(cfg));
        assert_int_equal(cfg->intx_level, !cases[i].drops);
    }
}

static void test_msi_write_while_disabled_keeps_intx(void **state)
{
    PciConfig *cfg = edu_cfg(state);

    pci_cfg_set_intx(cfg, true);
    pci_cfg_write(cfg, 0x44, 0x00100000, 4);
    assert_true(cfg->intx_level);
    assert_int_equal(pci_cfg_read(cfg, PCI_STATUS, 1) & PCI_STATUS_INTERRUPT,
                     PCI_STATUS_INTERRUPT);
}

static void test_msi_address_low_two_bits_read_zero(void **state)
{
    PciConfig *cfg = edu_cfg(state);

    pci_cfg_write(cfg, 0x44, 0xffffffff, 4);
    assert_int_equal(pci_cfg_read(cfg, 0x44, 4), 0xfffffffc);
}

static void test_msi_message_from_cap(void **state)
{
    PciConfig *cfg = edu_cfg(state);
    uint64_t addr;
    uint32_t data;

    pci_cfg_write(cfg, 0x44, 0xfee01003, 4);
    pci_cfg_write(cfg, 0x48, 0x00000001, 4);
    pci_cfg_write(cfg, 0x4c, 0xabcd1234, 4);
    /* 0x4e..0x4f are plain storage next to the 16-bit data. */
    assert_int_equal(pci_cfg_read(cfg, 0x4c, 4), 0xabcd1234);
    pci_cfg_msi_message(cfg, &addr, &data);
    assert_int_equal(addr, 0x1fee01000ull);
    assert_int_equal(data, 0x1234);
}

/* --- STATUS, INTx ------------------------------------------------------ */

static void test_status_w1c_bits_clear_only_where_written(void **state)
{
    static const PciIdentity id = {.vendor_id = 0x1234, .device_id = 1};
    PciConfig cfg;

    (void)state;
    pci_cfg_init(&cfg, &id);
    /* Error bits as hardware would set them, plus read-only DEVSEL bits. */
    cfg.data[PCI_STATUS + 1] = 0xff;
    pci_cfg_write(&cfg, PCI_STATUS, 0x0100, 2);
    assert_int_equal(pci_cfg_read(&cfg, PCI_STATUS, 2), 0xfe00);
    pci_cfg_write(&cfg, PCI_STATUS, 0x0000, 2);
    assert_int_equal(pci_cfg_read(&cfg, PCI_STATUS, 2), 0xfe00);
    pci_cfg_write(&cfg, PCI_STATUS, 0xffff, 2);
    assert_int_equal(pci_cfg_read(&cfg, PCI_STATUS, 2), 0x0600);
}

static void test_status_interrupt_bit_follows_intx_level(void **state)
{
    PciConfig *cfg = edu_cfg(state);

    pci_cfg_set_intx(cfg, true);
    assert_int_equal(pci_cfg_read(cfg, PCI_STATUS, 2), 0x0018);
    /* Read-only: writing it neither sets nor clears it. */
    pci_cfg_write(cfg, PCI_STATUS, 0xffff, 2);
    assert_int_equal(pci_cfg_read(cfg, PCI_STATUS, 2), 0x0018);
    pci_cfg_set_intx(cfg, false);
    assert_int_equal(pci_cfg_read(cfg, PCI_STATUS, 2), 0x0010);
    pci_cfg_write(cfg, PCI_STATUS, 0x0008, 2);
    assert_int_equal(pci_cfg_read(cfg, PCI_STATUS, 2), 0x0010);
}

static void test_intx_pin_masked_by_intx_disable(void **state)
{
    PciConfig *cfg = edu_cfg(state);

    pci_cfg_set_intx(cfg, true);
    assert_true(pci_cfg_intx_pin(cfg));
    pci_cfg_write(cfg, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE, 2);
    assert_false(pci_cfg_intx_pin(cfg));
    assert_int_equal(pci_cfg_read(cfg, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT,
                     PCI_STATUS_INTERRUPT);
    pci_cfg_write(cfg, PCI_COMMAND, 0, 2);
    assert_true(pci_cfg_intx_pin(cfg));
}

#define CFG_TEST(f) cmocka_unit_test_setup_teardown(f, cfg_setup, cfg_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        CFG_TEST(test_cfg_reset_values_match_qemu),
        CFG_TEST(test_cfg_identity_fields),
        CFG_TEST(test_cfg_writable_bits_of_every_byte),
        CFG_TEST(test_cfg_command_all_ones_reads_0507),
        CFG_TEST(test_cfg_header_past_0xff_reads_zero_and_drops_writes),
        CFG_TEST(test_bar0_sizing_reads_fff00000),
        CFG_TEST(test_bar0_low_bits_read_zero),
        CFG_TEST(test_bars_1_to_5_and_rom_read_zero_and_ignore_writes),
        cmocka_unit_test(test_bar_sizing_follows_bar_size),
        CFG_TEST(test_bar_decode_rules),
        CFG_TEST(test_msi_cap_is_64bit_one_vector),
        CFG_TEST(test_msi_qsize_writable_while_disabled),
        CFG_TEST(test_msi_enable_clamps_qsize_to_one_vector),
        CFG_TEST(test_msi_write_touching_cap_while_enabled_clamps_qsize),
        CFG_TEST(test_msi_write_touching_cap_while_enabled_drops_intx),
        CFG_TEST(test_msi_write_while_disabled_keeps_intx),
        CFG_TEST(test_msi_address_low_two_bits_read_zero),
        CFG_TEST(test_msi_message_from_cap),
        cmocka_unit_test(test_status_w1c_bits_clear_only_where_written),
        CFG_TEST(test_status_interrupt_bit_follows_intx_level),
        CFG_TEST(test_intx_pin_masked_by_intx_disable),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests of the host bridge: configuration mechanism #1 through
 * host_io_read/host_io_write on ports 0xCF8..0xCFF (the CONFIG_ADDRESS
 * latch, byte and word access through 0xCFD..0xCFF, disabled cycles, other
 * buses, absent functions) and the bridge's own identity at 00:00.0.
 * Expected values are QEMU 7.2's (qtest on -machine pc with
 * -device edu,addr=04.0, firmware kept from programming anything).
 */
#include "tb_util.h"

#define CF8 PCI_CONFIG_ADDRESS_PORT
#define CFC PCI_CONFIG_DATA_PORT

/* CONFIG_ADDRESS of the edu's DWORD 0 and of the host bridge's. */
#define EDU_CA 0x80002000u
#define BRIDGE_CA 0x80000000u

typedef struct IoCase {
    uint32_t latch;
    uint16_t port;
    unsigned size;
    uint32_t expect;
} IoCase;

static void check_io_reads(Tb *tb, const IoCase *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t val;

        tb_outl(tb->host, CF8, cases[i].latch);
        val = tb_in(tb->host, cases[i].port, cases[i].size);
        if (val != cases[i].expect) {
            fail_msg("latch 0x%08x, in%u 0x%x: 0x%08x, expected 0x%08x",
                     cases[i].latch, cases[i].size, cases[i].port, val,
                     cases[i].expect);
        }
    }
}

#define CHECK_IO_READS(tb, cases)                                              \
    check_io_reads((tb), (cases), TB_ARRAY_SIZE(cases))

static void test_bridge_header_matches_qemu(void **state)
{
    Tb *tb = *state;

    for (unsigned off = 0; off < PCI_CONFIG_SIZE; off += 4) {
        uint32_t expect = 0;

        switch (off) {
        case 0x00:
            expect = 0x12378086; /* i440FX */
            break;
        case 0x08:
            expect = 0x06000002; /* host bridge, revision 2 */
            break;
        case 0x2c:
            expect = 0x11001af4;
            break;
        case 0x54:
            expect = 0x10000000; /* DRAMC at 0x57 */
            break;
        case 0x70:
            expect = 0x00020000; /* SMRAM at 0x72 */
            break;
        }
        assert_int_equal(tb_cfg_read_fn(tb->host, 0, off, 4), expect);
    }
}

static void test_edu_identity_through_cfc(void **state)
{
    Tb *tb = *state;

    assert_int_equal(tb_cfg_read(tb, PCI_VENDOR_ID, 4), 0x11e81234);
    assert_int_equal(tb_cfg_read(tb, PCI_REVISION_ID, 4), 0x00ff0010);
    assert_int_equal(tb_cfg_read(tb, PCI_SUBSYSTEM_VENDOR_ID, 4), 0x11001af4);
    assert_int_equal(tb_cfg_read(tb, PCI_INTERRUPT_LINE, 4), 0x00000100);
    assert_int_equal(tb_cfg_read(tb, EDU_MSI_CAP_OFFSET, 4), 0x00800005);
}

/* The low two bits of the port pick the bytes; 0xD00 is nobody's (0xff). */
static void test_cfc_byte_and_word_reads_through_cfd_to_cff(void **state)
{
    static const IoCase cases[] = {
        {EDU_CA, CFC, 4, 0x11e81234},     {EDU_CA, CFC, 2, 0x1234},
        {EDU_CA, CFC + 2, 2, 0x11e8},     {EDU_CA, CFC + 1, 1, 0x12},
        {EDU_CA, CFC + 3, 1, 0x11},       {EDU_CA, CFC + 1, 2, 0xe812},
        {EDU_CA, CFC + 1, 4, 0xff11e812}, {EDU_CA, CFC + 2, 4, 0xffff11e8},
        {EDU_CA, CFC + 3, 4, 0xffffff11},
    };

    CHECK_IO_READS((Tb *)*state, cases);
}

/* The register is (CONFIG_ADDRESS | port offset) & 0xff: bits 1:0 count. */
static void test_cf8_low_bits_or_into_register(void **state)
{
    static const IoCase cases[] = {
        {EDU_CA | 1, CFC, 4, 0x0011e812}, /* 4 bytes from 0x01 */
        {EDU_CA | 1, CFC + 2, 2, 0x0011}, /* 1 | 2 = 3: bytes 3, 4 */
        {EDU_CA | 1, CFC + 2, 1, 0x11},
        {EDU_CA | 1, CFC + 3, 1, 0x11},
        {EDU_CA | 3, CFC + 2, 2, 0x0011},
        {EDU_CA | 2, CFC + 1, 1, 0x11}, /* 2 | 1 = 3 */
    };

    CHECK_IO_READS((Tb *)*state, cases);
}

/* An access running past 0xff reads the bytes up to 0xff, 0 above. */
static void test_cfc_read_past_0xff_truncated(void **state)
{
    Tb *tb = *state;
    static const IoCase cases[] = {
        {EDU_CA | 0xfd, CFC, 4, 0x00ddccbb},
        {EDU_CA | 0xfe, CFC + 1, 4, 0xffddccdd},
        {EDU_CA | 0xff, CFC, 4, 0x000000dd},
    };

    tb_cfg_write(tb, 0xfc, 0xddccbbaa, 4);
    CHECK_IO_READS(tb, cases);
}

static void test_cfc_byte_writes_land_at_port_offset(void **state)
{
    Tb *tb = *state;

    tb_outl(tb->host, CF8, EDU_CA | PCI_INTERRUPT_LINE);
    tb_out(tb->host, CFC + 1, 0x55, 1); /* interrupt pin: read-only */
    tb_out(tb->host, CFC, 0xaa, 1);     /* interrupt line */
    assert_int_equal(tb_in(tb->host, CFC, 4), 0x000001aa);
    tb_out(tb->host, CFC + 2, 0xffff, 2); /* min grant, max latency: RO */
    assert_int_equal(tb_in(tb->host, CFC, 4), 0x000001aa);
    tb_outl(tb->host, CF8, EDU_CA | 0x50);
    tb_out(tb->host, CFC + 3, 0x44, 1);
    tb_out(tb->host, CFC + 1, 0x2211, 2);
    assert_int_equal(tb_in(tb->host, CFC, 4), 0x44221100);
}

static void test_cf8_reads_return_latch_low_bytes(void **state)
{
    static const IoCase cases[] = {
        {0x80123458, CF8, 4, 0x80123458},
        {0x80123458, CF8, 2, 0x3458},
        {0x80123458, CF8 + 2, 2, 0x3458},
        {0x80123458, CF8, 1, 0x58},
        {0x80123458, CF8 + 2, 1, 0x58},
        {0x80123458, CF8 + 3, 1, 0x58},
        /* Two bytes of the latch, then two of CONFIG_DATA (vendor ID). */
        {EDU_CA, CF8 + 2, 4, 0x12342000},
    };

    CHECK_IO_READS((Tb *)*state, cases);
}

static void test_cf8_only_4_byte_writes_latch(void **state)
{
    Tb *tb = *state;

    tb_outl(tb->host, CF8, EDU_CA);
    tb_out(tb->host, CF8, 0x1234, 2);
    tb_out(tb->host, CF8, 0x55, 1);
    tb_out(tb->host, CF8 + 2, 0x0000, 2);
    assert_int_equal(tb_in(tb->host, CF8, 4), EDU_CA);
    assert_int_equal(tb_in(tb->host, CFC, 4), 0x11e81234);
}

static void test_cfc_disabled_reads_all_ones_and_drops_writes(void **state)
{
    Tb *tb = *state;
    static const IoCase cases[] = {
        {EDU_CA & ~PCI_CONFIG_ENABLE, CFC, 4, 0xffffffff},
        {EDU_CA & ~PCI_CONFIG_ENABLE, CFC + 2, 2, 0xffff},
        {EDU_CA & ~PCI_CONFIG_ENABLE, CFC + 3, 1, 0xff},
    };

    CHECK_IO_READS(tb, cases);
    tb_outl(tb->host, CF8, (EDU_CA & ~PCI_CONFIG_ENABLE) | PCI_COMMAND);
    tb_out(tb->host, CFC, TB_COMMAND, 2);
    assert_int_equal(tb_cfg_read(tb, PCI_COMMAND, 4), 0x00100000);
}

static void test_cfc_bus_not_zero_reads_all_ones_and_drops_writes(void **state)
{
    Tb *tb = *state;
    static const IoCase cases[] = {
        {EDU_CA | 1u << 16, CFC, 4, 0xffffffff},
        {EDU_CA | 0xffu << 16, CFC + 2, 2, 0xffff},
        {BRIDGE_CA | 1u << 16, CFC + 1, 1, 0xff},
    };

    CHECK_IO_READS(tb, cases);
    tb_outl(tb->host, CF8, EDU_CA | 1u << 16 | PCI_COMMAND);
    tb_out(tb->host, CFC, TB_COMMAND, 2);
    assert_int_equal(tb_cfg_read(tb, PCI_COMMAND, 4), 0x00100000);
}

static void
test_cfc_absent_function_reads_all_ones_and_drops_writes(void **state)
{
    Tb *tb = *state;
    static const IoCase cases[] = {
        {0x80002800, CFC, 4, 0xffffffff}, /* 00:05.0 */
        {0x8000f800, CFC, 4, 0xffffffff}, /* 00:1f.0 */
        {0x80002100, CFC, 4, 0xffffffff}, /* 00:04.1 */
        {0x80002100, CFC + 2, 2, 0xffff},
        {0x80000100, CFC + 1, 1, 0xff}, /* 00:00.1 */
    };

    CHECK_IO_READS(tb, cases);
    tb_cfg_write_fn(tb->host, PCI_DEVFN(TB_SLOT, 1), PCI_COMMAND, TB_COMMAND,
                    2);
    assert_int_equal(tb_cfg_read(tb, PCI_COMMAND, 4), 0x00100000);
}

static void test_unclaimed_io_port_reads_all_ones(void **state)
{
    Tb *tb = *state;

    assert_int_equal(tb_in(tb->host, 0xd00, 1), 0xff);
    assert_int_equal(tb_in(tb->host, 0xd00, 4), 0xffffffff);
}

/* Time: the latch is host-side; a config cycle is one transaction. */
static void test_config_cycle_costs_one_transaction(void **state)
{
    Tb *tb = *state;
    const struct {
        uint32_t latch;
        uint64_t clocks;
    } cases[] = {
        {EDU_CA, edu_timing_transaction(EDU_T_CFG_WAIT, 1)},
        {0x80002800, EDU_T_MASTER_ABORT},
        {EDU_CA & ~PCI_CONFIG_ENABLE, EDU_T_MASTER_ABORT},
    };

    for (size_t i = 0; i < TB_ARRAY_SIZE(cases); i++) {
        uint64_t t0 = host_now(tb->host);

        tb_outl(tb->host, CF8, cases[i].latch);
        assert_int_equal(host_now(tb->host), t0);
        (void)tb_in(tb->host, CFC, 4);
        assert_int_equal(host_now(tb->host), t0 + cases[i].clocks);
    }
}

/*
 * Known model bug: QEMU's i440FX has the standard writable header bits
 * (COMMAND 0x0507, cache line, interrupt line); the model's bridge is
 * read-only.
 */
static void test_bridge_header_writable_bits_as_qemu(void **state)
{
    Tb *tb = *state;

    tb_cfg_write_fn(tb->host, 0, PCI_COMMAND, 0xffffffff, 4);
    tb_cfg_write_fn(tb->host, 0, PCI_CACHE_LINE_SIZE, 0xff, 1);
    tb_cfg_write_fn(tb->host, 0, PCI_INTERRUPT_LINE, 0xff, 1);
    assert_int_equal(tb_cfg_read_fn(tb->host, 0, PCI_COMMAND, 4), 0x00000507);
    assert_int_equal(tb_cfg_read_fn(tb->host, 0, PCI_CACHE_LINE_SIZE, 4),
                     0x000000ff);
    assert_int_equal(tb_cfg_read_fn(tb->host, 0, PCI_INTERRUPT_LINE, 4),
                     0x000000ff);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TB_TEST(test_bridge_header_matches_qemu),
        TB_TEST(test_edu_identity_through_cfc),
        TB_TEST(test_cfc_byte_and_word_reads_through_cfd_to_cff),
        TB_TEST(test_cf8_low_bits_or_into_register),
        TB_TEST(test_cfc_read_past_0xff_truncated),
        TB_TEST(test_cfc_byte_writes_land_at_port_offset),
        TB_TEST(test_cf8_reads_return_latch_low_bytes),
        TB_TEST(test_cf8_only_4_byte_writes_latch),
        TB_TEST(test_cfc_disabled_reads_all_ones_and_drops_writes),
        TB_TEST(test_cfc_bus_not_zero_reads_all_ones_and_drops_writes),
        TB_TEST(test_cfc_absent_function_reads_all_ones_and_drops_writes),
        TB_TEST(test_unclaimed_io_port_reads_all_ones),
        TB_TEST(test_config_cycle_costs_one_transaction),
        TB_TEST(test_bridge_header_writable_bits_as_qemu),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

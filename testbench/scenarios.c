/*
 * The named scenarios and the checks they make.
 *
 * Every scenario starts from a platform nobody has programmed (the qtest
 * platform of docs/edu-tb.md), sets it up the way firmware would (drv_enumerate, leaving out
 * the slot only QEMU populates) and then does what a driver does.  The
 * expected values are the reference's, spelled out below; where a value
 * depends on what the scenario did (the device buffer, RAM), the scenario
 * keeps its own copy of what the reference would hold.
 *
 * Not checked, because QEMU's timing makes them races: anything read while
 * a factorial or DMA may still be running (reads of the operand during a
 * computation, writes ignored while busy).  The memory-decode-off check of
 * bar-sizing writes, but never reads, an address nobody claims: every view
 * drops such a write, while reads differ (all ones on the models, 0 on
 * QEMU's pc machine).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "edu/pci_regs.h"
#include "edu/regs.h"
#include "scenarios.h"

/*
 * The reference's values (QEMU's edu and PCI core, docs/registers.md),
 * spelled out rather than taken from the model's headers, so that a wrong
 * constant there cannot agree with itself.  Register offsets and bit names
 * are those of edu/regs.h and edu/pci_regs.h.
 */
#define REF_VENDOR 0x1234u
#define REF_DEVICE 0x11e8u
#define REF_ID_DWORD 0x11e81234u /* dword 0x00: device, vendor */
#define REF_REVISION 0x10u
#define REF_CLASS 0x00ff00u
#define REF_CLASS_REV 0x00ff0010u /* dword 0x08 */
#define REF_SUBSYS_VENDOR 0x1af4u
#define REF_SUBSYS 0x1100u
#define REF_SUBSYS_DWORD 0x11001af4u /* dword 0x2c */
#define REF_INT_PIN 1u
#define REF_CAP_PTR 0x40u
#define REF_MSI_HEADER 0x00800005u  /* dword 0x40 with MSI off */
#define REF_MSI_FLAGS 0x0080u       /* 64-bit, one vector */
#define REF_STATUS 0x0010u          /* capability list */
#define REF_STATUS_INTX 0x0018u     /* ... and the interrupt bit */
#define REF_COMMAND_MASK 0x0507u    /* writable COMMAND bits */
#define REF_BAR0_SIZING 0xfff00000u /* BAR0 after writing all ones */
#define REF_BAR0_SIZE 0x100000u
#define REF_EDU_ID 0x010000edu /* BAR0 + 0x00 */
#define REF_HB_VENDOR 0x8086u  /* i440FX at 00:00.0 */
#define REF_HB_DEVICE 0x1237u
#define REF_HB_CLASS 0x060000u
#define REF_ONES32 0xffffffffu
#define REF_ONES64 0xffffffffffffffffull

/* The platform: the edu where QEMU's measurements put it. */
#define SCN_SLOT 4u
#define SCN_SLOT2 5u
/* clang-format off */
#define SCN_ONE_EDU {.n_edu = 1, .edu_slot = {SCN_SLOT}}
/* clang-format on */
/* Where drv_enumerate puts the BAR0s of the first and second edu. */
#define SCN_BAR DRV_MEM_WINDOW_BASE
#define SCN_BAR2 (DRV_MEM_WINDOW_BASE + REF_BAR0_SIZE)

/* Anything asynchronous must be over within this (QEMU: 100 ms DMA). */
#define SCN_TIMEOUT_NS 1000000000ull
/* Time given to something that must not happen, before looking. */
#define SCN_SETTLE_NS 1000000ull

/* RAM the scenarios use: at 1 MiB and up, inside the 128 MiB. */
#define SCN_RAM_A 0x00100000u /* sources */
#define SCN_RAM_B 0x00200000u /* destinations */
#define SCN_RAM_C 0x00300000u /* where the buffer is read back */
#define SCN_RAM_D 0x00400000u /* a second device's */
#define SCN_MSI_ADDR 0x00f00000u
#define SCN_MSI_DATA 0x5a3cu
#define SCN_MSI_DATA2 0xa5c3u
#define SCN_MSI_SENTINEL 0xffffffffu /* RAM at the MSI address before */
#define SCN_SENTINEL 0xeeu           /* RAM around a DMA destination */
#define SCN_GUARD 16u                /* bytes checked on each side */

/* The bytes of the buffer that a QEMU 7.2 transfer can touch: one that
 * ends exactly at 0x41000 aborts it, so the last byte is out of reach. */
#define SCN_BUF_REACH (EDU_DMA_BUF_SIZE - 1u)
#define SCN_DMA_BUF_END ((uint64_t)EDU_DMA_BUF_ADDR + EDU_DMA_BUF_SIZE)

/* The longest RAM range compared at once: a buffer and its guards. */
#define SCN_RAM_CHECK_MAX (EDU_DMA_BUF_SIZE + 2 * SCN_GUARD)

typedef struct ScnEdu {
    unsigned devfn;
    uint64_t bar; /* where BAR0 was put */
} ScnEdu;

/* How a driver learns that the device is done. */
typedef enum ScnMode {
    SCN_POLLED, /* reads the busy bit */
    SCN_INTX,   /* gets INTx: reads IRQ_STATUS */
    SCN_MSI,    /* gets the MSI: it lands in RAM */
} ScnMode;

/* --- checks -------------------------------------------------------- */

static void scn_fail(ScnReport *rep, const char *text)
{
    rep->failures++;
    if (rep->failures == 1) {
        /* Cut to fit: the log line below has it whole. */
        snprintf(rep->first, sizeof(rep->first), "%.*s",
                 (int)sizeof(rep->first) - 1, text);
    }
    if (rep->log) {
        fprintf(rep->log, "    check failed after operation %lu: %s\n",
                rep->ls ? rep->ls->ops : 0ul, text);
    }
}

/* Once a view has failed, its answers are zeros: the checks that follow
 * would only repeat that, so they are not counted. */
static bool scn_view_failed(const ScnReport *rep)
{
    return rep->ls && rep->ls->error;
}

bool scn_check(ScnReport *rep, bool ok, const char *fmt, ...)
{
    char text[SCN_TEXT_MAX];
    va_list ap;

    if (scn_view_failed(rep)) {
        return false;
    }
    rep->checks++;
    if (ok) {
        return true;
    }
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    scn_fail(rep, text);
    return false;
}

bool scn_expect(ScnReport *rep, uint64_t want, uint64_t got, const char *fmt,
                ...)
{
    char what[SCN_TEXT_MAX / 2];
    char text[SCN_TEXT_MAX];
    va_list ap;

    if (scn_view_failed(rep)) {
        return false;
    }
    rep->checks++;
    if (want == got) {
        return true;
    }
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    snprintf(text, sizeof(text), "%s: expected 0x%" PRIx64 ", got 0x%" PRIx64,
             what, want, got);
    scn_fail(rep, text);
    return false;
}

/* --- registers, configuration space, RAM ----------------------------- */

static uint32_t scn_readl(Lockstep *ls, const ScnEdu *e, uint64_t off)
{
    return (uint32_t)drv_read(ls, e->bar + off, 4);
}

static uint64_t scn_readq(Lockstep *ls, const ScnEdu *e, uint64_t off)
{
    return drv_read(ls, e->bar + off, 8);
}

static void scn_writel(Lockstep *ls, const ScnEdu *e, uint64_t off,
                       uint32_t val)
{
    drv_write(ls, e->bar + off, val, 4);
}

static void scn_writeq(Lockstep *ls, const ScnEdu *e, uint64_t off,
                       uint64_t val)
{
    drv_write(ls, e->bar + off, val, 8);
}

static uint32_t scn_cfg_status(Lockstep *ls, const ScnEdu *e)
{
    return drv_cfg_read(ls, e->devfn, PCI_STATUS, 2);
}

static void scn_set_command(Lockstep *ls, const ScnEdu *e, uint16_t command)
{
    drv_cfg_write(ls, e->devfn, PCI_COMMAND, command, 2);
}

/* A configuration register and the reference's value in it. */
typedef struct ScnCfgValue {
    unsigned off;
    unsigned size;
    uint32_t want;
    const char *what;
} ScnCfgValue;

/* Reads each of the n registers of 'want', in order, and checks it. */
static void scn_expect_cfg(Lockstep *ls, ScnReport *rep, unsigned devfn,
                           const ScnCfgValue *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        scn_expect(rep, want[i].want,
                   drv_cfg_read(ls, devfn, want[i].off, want[i].size), "%s",
                   want[i].what);
    }
}

/* IRQ_STATUS and the interrupt bit of STATUS, as a handler sees them. */
static void scn_expect_irq(Lockstep *ls, ScnReport *rep, const ScnEdu *e,
                           uint32_t irq_status, uint32_t cfg_status,
                           const char *when)
{
    scn_expect(rep, irq_status, scn_readl(ls, e, EDU_REG_IRQ_STATUS),
               "IRQ_STATUS %s", when);
    scn_expect(rep, cfg_status, scn_cfg_status(ls, e),
               "configuration STATUS %s", when);
}

/* A byte stream that does not repeat every 256 bytes (xorshift32). */
static void scn_pattern(uint8_t *buf, unsigned len, uint32_t seed)
{
    uint32_t x = seed ? seed : 1;

    for (unsigned i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (uint8_t)(x >> 11);
    }
}

static void scn_ram_fill(Lockstep *ls, uint64_t addr, unsigned len,
                         uint8_t byte)
{
    uint8_t buf[SCN_RAM_CHECK_MAX];

    while (len) {
        unsigned n = len < sizeof(buf) ? len : (unsigned)sizeof(buf);

        memset(buf, byte, n);
        drv_write_buf(ls, addr, buf, n);
        addr += n;
        len -= n;
    }
}

/* RAM at addr holds want[0..len) (len <= SCN_RAM_CHECK_MAX). */
static bool scn_expect_ram(Lockstep *ls, ScnReport *rep, uint64_t addr,
                           const uint8_t *want, unsigned len, const char *what)
{
    uint8_t got[SCN_RAM_CHECK_MAX];
    unsigned differ = 0;
    unsigned first = 0;

    if (len > sizeof(got)) {
        return scn_check(rep, false, "%s: %u bytes is too long to compare",
                         what, len);
    }
    drv_read_buf(ls, addr, got, len);
    for (unsigned i = 0; i < len; i++) {
        if (got[i] != want[i] && differ++ == 0) {
            first = i;
        }
    }
    return scn_check(rep, differ == 0,
                     "%s: RAM 0x%" PRIx64 ": expected 0x%02x, got 0x%02x "
                     "(%u of %u bytes differ)",
                     what, addr + first, want[first], got[first], differ, len);
}

/* --- waiting, as a driver does -------------------------------------- */

/* 'dma': the wait ends with a DMA, whose time views may differ in. */
static bool scn_wait(Lockstep *ls, ScnReport *rep, uint64_t addr, unsigned size,
                     uint64_t mask, uint64_t want, bool dma, const char *what)
{
    uint64_t last = 0;
    bool done =
        dma ? drv_wait_dma(ls, addr, size, mask, want, SCN_TIMEOUT_NS, &last)
            : drv_wait(ls, addr, size, mask, want, SCN_TIMEOUT_NS, &last);

    return scn_check(rep, done, "%s: not within 1 s (last read 0x%" PRIx64 ")",
                     what, last);
}

static bool scn_wait_fact(Lockstep *ls, ScnReport *rep, const ScnEdu *e)
{
    return scn_wait(ls, rep, e->bar + EDU_REG_STATUS, 4, EDU_STATUS_COMPUTING,
                    0, false, "factorial done (STATUS.computing clear)");
}

static bool scn_wait_dma(Lockstep *ls, ScnReport *rep, const ScnEdu *e)
{
    return scn_wait(ls, rep, e->bar + EDU_REG_DMA_CMD, 4, EDU_DMA_CMD_RUN, 0,
                    true, "DMA done (DMA_CMD.run clear)");
}

static bool scn_wait_irq(Lockstep *ls, ScnReport *rep, const ScnEdu *e,
                         uint32_t bits)
{
    char what[64];

    snprintf(what, sizeof(what), "interrupt 0x%x raised (IRQ_STATUS)", bits);
    return scn_wait(ls, rep, e->bar + EDU_REG_IRQ_STATUS, 4, bits, bits,
                    bits & EDU_IRQ_DMA, what);
}

/* Puts the sentinel where the next MSI lands. */
static void scn_msi_arm(Lockstep *ls)
{
    drv_write(ls, SCN_MSI_ADDR, SCN_MSI_SENTINEL, 4);
    drv_write(ls, SCN_MSI_ADDR + 4, SCN_MSI_SENTINEL, 4);
}

/* Waits for the MSI: one DWORD write of the 16-bit data, upper half 0. */
static bool scn_wait_msi(Lockstep *ls, ScnReport *rep, uint16_t data, bool dma)
{
    if (!scn_wait(ls, rep, SCN_MSI_ADDR, 4, REF_ONES32, data, dma,
                  "MSI message in RAM")) {
        return false;
    }
    return scn_expect(rep, SCN_MSI_SENTINEL, drv_read(ls, SCN_MSI_ADDR + 4, 4),
                      "RAM after the MSI DWORD (untouched)");
}

static void scn_msi_program(Lockstep *ls, const ScnEdu *e, uint64_t addr,
                            uint16_t data, bool enable)
{
    unsigned cap = REF_CAP_PTR;

    drv_cfg_write(ls, e->devfn, cap + PCI_MSI_ADDRESS_LO, (uint32_t)addr, 4);
    drv_cfg_write(ls, e->devfn, cap + PCI_MSI_ADDRESS_HI,
                  (uint32_t)(addr >> 32), 4);
    drv_cfg_write(ls, e->devfn, cap + PCI_MSI_DATA_64, data, 2);
    drv_cfg_write(ls, e->devfn, cap + PCI_MSI_FLAGS,
                  enable ? PCI_MSI_FLAGS_ENABLE : 0, 2);
}

/* --- probing -------------------------------------------------------- */

/* The enumerator's set-up for a scenario's driver. */
static const DrvEnumConfig scn_enum_plain = {
    .skip_slots = 1u << DRV_QEMU_ONLY_SLOT,
};
static const DrvEnumConfig scn_enum_master = {
    .skip_slots = 1u << DRV_QEMU_ONLY_SLOT,
    .bus_master = true,
};
static const DrvEnumConfig scn_enum_msi = {
    .skip_slots = 1u << DRV_QEMU_ONLY_SLOT,
    .bus_master = true,
    .msi = true,
    .msi_addr = SCN_MSI_ADDR,
    .msi_data = SCN_MSI_DATA,
};

/*
 * Enumerates bus 0 like firmware and finds the n edu devices, in scan
 * order.  0, or -ENODEV (recorded as a failed check) when they are not
 * there as the reference has them.
 */
static int scn_probe(Lockstep *ls, ScnReport *rep, const DrvEnumConfig *cfg,
                     ScnEdu *edu, unsigned n)
{
    DrvEnumeration *en = malloc(sizeof(*en));
    unsigned found = 0;
    bool usable = true;
    int rc;

    if (!en) {
        scn_check(rep, false, "out of memory");
        return -ENOMEM;
    }
    rc = drv_enumerate(ls, cfg, en);
    if (rc < 0) {
        scn_check(rep, false, "enumeration failed: %s", strerror(-rc));
        free(en);
        return rc;
    }
    /* The platform: the host bridge, the edu devices, nothing else. */
    scn_expect(rep, 1 + n, en->n, "functions found on bus 0");
    for (unsigned i = 0; i < en->n; i++) {
        const DrvFunction *f = &en->fn[i];

        if (f->devfn == 0) {
            scn_expect(rep, REF_HB_DEVICE << 16 | REF_HB_VENDOR,
                       (uint32_t)f->device_id << 16 | f->vendor_id,
                       "host bridge IDs");
            continue;
        }
        if (f->vendor_id != REF_VENDOR || f->device_id != REF_DEVICE) {
            scn_check(rep, false, "unexpected function %02x.%x (%04x:%04x)",
                      f->devfn >> 3, f->devfn & 7, f->vendor_id, f->device_id);
            continue;
        }
        if (found < n) {
            edu[found].devfn = f->devfn;
            edu[found].bar = f->bar_addr[0];
            usable &= scn_expect(rep, REF_BAR0_SIZE, f->bar_size[0],
                                 "BAR0 size of the edu at %02x.%x",
                                 f->devfn >> 3, f->devfn & 7);
        }
        found++;
    }
    free(en);
    if (!scn_expect(rep, n, found, "edu devices found on bus 0") ||
        found != n || !usable) {
        return -ENODEV;
    }
    return 0;
}

/* --- DMA ---------------------------------------------------------- */

/* Whether QEMU 7.2's range check lets a transfer through (it aborts the
 * emulator otherwise): 0x40000 <= start < end < 0x41000. */
static bool scn_qemu72_survives(uint64_t start, uint64_t count)
{
    uint64_t end = start + count;

    return start >= EDU_DMA_BUF_ADDR && start < SCN_DMA_BUF_END &&
           end > start && end < SCN_DMA_BUF_END;
}

/*
 * Programs and starts a transfer; does not wait.  In a scenario meant for
 * QEMU 7.2 a transfer that would abort it is not issued but recorded as a
 * failed check: the scenario is wrong, not the view.
 */
static bool scn_dma_start(Lockstep *ls, ScnReport *rep, const ScnEdu *e,
                          uint64_t src, uint64_t dst, uint64_t count,
                          uint32_t cmd)
{
    uint64_t start = cmd & EDU_DMA_CMD_TO_RAM ? src : dst;

    if (rep->qemu72 && !scn_qemu72_survives(start, count)) {
        return scn_check(rep, false,
                         "a DMA of 0x%" PRIx64 " bytes at 0x%" PRIx64
                         " would abort QEMU 7.2: this scenario must "
                         "not be marked for it",
                         count, start);
    }
    scn_writeq(ls, e, EDU_REG_DMA_SRC, src);
    scn_writeq(ls, e, EDU_REG_DMA_DST, dst);
    scn_writeq(ls, e, EDU_REG_DMA_COUNT, count);
    scn_writel(ls, e, EDU_REG_DMA_CMD, cmd);
    return true;
}

/* A whole transfer, polled; checks that only RUN cleared. */
static bool scn_dma_polled(Lockstep *ls, ScnReport *rep, const ScnEdu *e,
                           uint64_t src, uint64_t dst, uint64_t count,
                           uint32_t cmd)
{
    if (!scn_dma_start(ls, rep, e, src, dst, count, cmd) ||
        !scn_wait_dma(ls, rep, e)) {
        return false;
    }
    return scn_expect(rep, cmd & ~EDU_DMA_CMD_RUN,
                      scn_readq(ls, e, EDU_REG_DMA_CMD),
                      "DMA_CMD after a transfer (0x%x)", cmd);
}

/* Fills buffer bytes [off, off + len) from RAM at 'ram' (polled). */
static bool scn_load_buffer(Lockstep *ls, ScnReport *rep, const ScnEdu *e,
                            uint64_t ram, const uint8_t *data, uint32_t off,
                            uint32_t len)
{
    drv_write_buf(ls, ram, data, len);
    return scn_dma_polled(ls, rep, e, ram, EDU_DMA_BUF_ADDR + off, len,
                          EDU_DMA_CMD_RUN);
}

/*
 * The buffer's bytes [0, len) hold want[0..len): copied to SCN_RAM_C
 * (polled, bus mastering on) and compared there.
 */
static bool scn_expect_buffer(Lockstep *ls, ScnReport *rep, const ScnEdu *e,
                              const uint8_t *want, uint32_t len,
                              const char *what)
{
    if (!scn_dma_polled(ls, rep, e, EDU_DMA_BUF_ADDR, SCN_RAM_C, len,
                        EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM)) {
        return false;
    }
    return scn_expect_ram(ls, rep, SCN_RAM_C, want, len, what);
}

/*
 * Where the DMA error scenarios start: one edu with bus mastering on and
 * its whole buffer filled with the pattern of 'seed' (into buf), so that
 * any byte a wrong transfer changes shows.
 */
static int scn_probe_full_buffer(Lockstep *ls, ScnReport *rep, ScnEdu *e,
                                 uint8_t buf[EDU_DMA_BUF_SIZE], uint32_t seed)
{
    int rc = scn_probe(ls, rep, &scn_enum_master, e, 1);

    if (rc < 0) {
        return rc;
    }
    scn_pattern(buf, EDU_DMA_BUF_SIZE, seed);
    if (!scn_load_buffer(ls, rep, e, SCN_RAM_A, buf, 0, EDU_DMA_BUF_SIZE)) {
        return -EIO;
    }
    return 0;
}

/*
 * Waits for the end of a transfer started with 'cmd' the way a driver of
 * 'mode' does, then checks the command, the interrupt state, and
 * acknowledges the interrupt.
 */
static bool scn_dma_finish(Lockstep *ls, ScnReport *rep, const ScnEdu *e,
                           uint32_t cmd, ScnMode mode)
{
    bool done = false;

    switch (mode) {
    case SCN_POLLED:
        done = scn_wait_dma(ls, rep, e);
        break;
    case SCN_INTX:
        done = scn_wait_irq(ls, rep, e, EDU_IRQ_DMA);
        break;
    case SCN_MSI:
        done = scn_wait_msi(ls, rep, SCN_MSI_DATA, true);
        break;
    }
    if (!done) {
        return false;
    }
    scn_expect(rep, cmd & ~EDU_DMA_CMD_RUN, scn_readq(ls, e, EDU_REG_DMA_CMD),
               "DMA_CMD after the transfer (0x%x)", cmd);
    if (mode == SCN_POLLED) {
        scn_expect_irq(ls, rep, e, 0, REF_STATUS, "after a polled DMA");
        return true;
    }
    if (mode == SCN_INTX) {
        scn_expect_irq(ls, rep, e, EDU_IRQ_DMA, REF_STATUS_INTX,
                       "after a DMA with INTx");
    } else {
        /* With MSI on, INTx stays low. */
        scn_expect_irq(ls, rep, e, EDU_IRQ_DMA, REF_STATUS,
                       "after a DMA with MSI");
    }
    scn_writel(ls, e, EDU_REG_IRQ_ACK, EDU_IRQ_DMA);
    scn_expect_irq(ls, rep, e, 0, REF_STATUS, "after the acknowledge");
    return true;
}

typedef struct ScnDmaCase {
    bool to_ram; /* buffer -> RAM; else RAM -> buffer */
    ScnMode mode;
    uint32_t buf_off; /* where in the buffer */
    uint32_t len;
    uint64_t ram;  /* the RAM side */
    uint32_t seed; /* of the pattern */
} ScnDmaCase;

/*
 * One transfer the way a driver of 'mode' does it, with a round trip:
 * RAM -> buffer is checked by reading the buffer back, buffer -> RAM by
 * filling the buffer first.  RAM around a destination must stay as it was.
 */
static int scn_dma_case(Lockstep *ls, ScnReport *rep, const ScnDmaCase *c)
{
    uint8_t buf[EDU_DMA_BUF_SIZE] = {0}; /* the buffer: 0 at reset */
    uint8_t data[EDU_DMA_BUF_SIZE];
    uint8_t want[SCN_RAM_CHECK_MAX];
    uint32_t cmd = EDU_DMA_CMD_RUN;
    uint64_t src;
    uint64_t dst;
    ScnEdu e;
    int rc;

    if (c->to_ram) {
        cmd |= EDU_DMA_CMD_TO_RAM;
    }
    if (c->mode != SCN_POLLED) {
        cmd |= EDU_DMA_CMD_IRQ;
    }
    rc = scn_probe(
        ls, rep, c->mode == SCN_MSI ? &scn_enum_msi : &scn_enum_master, &e, 1);
    if (rc < 0) {
        return rc;
    }
    if (c->to_ram) {
        /* The buffer first: all QEMU 7.2 can reach of it. */
        scn_pattern(data, SCN_BUF_REACH, c->seed);
        if (!scn_load_buffer(ls, rep, &e, SCN_RAM_A, data, 0, SCN_BUF_REACH)) {
            return -EIO;
        }
        memcpy(buf, data, SCN_BUF_REACH);
        scn_ram_fill(ls, c->ram - SCN_GUARD, c->len + 2 * SCN_GUARD,
                     SCN_SENTINEL);
        src = EDU_DMA_BUF_ADDR + c->buf_off;
        dst = c->ram;
    } else {
        scn_pattern(data, c->len, c->seed);
        drv_write_buf(ls, c->ram, data, c->len);
        src = c->ram;
        dst = EDU_DMA_BUF_ADDR + c->buf_off;
    }
    if (c->mode == SCN_MSI) {
        scn_msi_arm(ls);
    }
    if (!scn_dma_start(ls, rep, &e, src, dst, c->len, cmd) ||
        !scn_dma_finish(ls, rep, &e, cmd, c->mode)) {
        return -EIO;
    }
    scn_expect(rep, src, scn_readq(ls, &e, EDU_REG_DMA_SRC),
               "DMA_SRC after the transfer");
    scn_expect(rep, dst, scn_readq(ls, &e, EDU_REG_DMA_DST),
               "DMA_DST after the transfer");
    scn_expect(rep, c->len, scn_readq(ls, &e, EDU_REG_DMA_COUNT),
               "DMA_COUNT after the transfer");
    if (c->to_ram) {
        memset(want, SCN_SENTINEL, c->len + 2 * SCN_GUARD);
        memcpy(want + SCN_GUARD, buf + c->buf_off, c->len);
        scn_expect_ram(ls, rep, c->ram - SCN_GUARD, want,
                       c->len + 2 * SCN_GUARD, "RAM after buffer -> RAM");
    } else {
        memcpy(buf + c->buf_off, data, c->len);
        scn_expect_buffer(ls, rep, &e, buf, SCN_BUF_REACH,
                          "buffer after RAM -> buffer");
    }
    return 0;
}

/* --- the scenarios ------------------------------------------------- */

/* The edu's configuration space after drv_enumerate, in the order a
 * driver's probe reads it. */
static const ScnCfgValue scn_probe_cfg[] = {
    {0x00, 4, REF_ID_DWORD, "configuration dword 0x00 (IDs)"},
    {PCI_VENDOR_ID, 2, REF_VENDOR, "vendor ID"},
    {PCI_DEVICE_ID, 2, REF_DEVICE, "device ID"},
    {PCI_COMMAND, 2, PCI_COMMAND_MEMORY, "COMMAND as the enumerator left it"},
    {PCI_STATUS, 2, REF_STATUS, "STATUS"},
    {PCI_REVISION_ID, 1, REF_REVISION, "revision"},
    {0x08, 4, REF_CLASS_REV, "configuration dword 0x08 (class, revision)"},
    {PCI_CACHE_LINE_SIZE, 1, 0, "cache line size"},
    {PCI_LATENCY_TIMER, 1, 0, "latency timer"},
    {PCI_HEADER_TYPE, 1, 0, "header type"},
    {PCI_BASE_ADDRESS_0, 4, SCN_BAR, "BAR0 (32-bit non-prefetchable memory)"},
    {0x14, 4, 0, "configuration dword 0x14"},
    {0x18, 4, 0, "configuration dword 0x18"},
    {0x1c, 4, 0, "configuration dword 0x1c"},
    {0x20, 4, 0, "configuration dword 0x20"},
    {0x24, 4, 0, "configuration dword 0x24"},
    {0x28, 4, 0, "configuration dword 0x28"},
    {0x2c, 4, REF_SUBSYS_DWORD, "configuration dword 0x2c (subsystem)"},
    {PCI_SUBSYSTEM_VENDOR_ID, 2, REF_SUBSYS_VENDOR, "subsystem vendor ID"},
    {PCI_SUBSYSTEM_ID, 2, REF_SUBSYS, "subsystem ID"},
    {PCI_ROM_ADDRESS, 4, 0, "expansion ROM BAR"},
    {PCI_CAPABILITY_LIST, 1, REF_CAP_PTR, "capability pointer"},
    {PCI_INTERRUPT_LINE, 1, DRV_IRQ_LINE,
     "interrupt line (as the enumerator wrote it)"},
    {PCI_INTERRUPT_PIN, 1, REF_INT_PIN, "interrupt pin"},
    {PCI_INTERRUPT_LINE, 4, REF_INT_PIN << 8 | DRV_IRQ_LINE,
     "configuration dword 0x3c"},
    /* The MSI capability, disabled. */
    {0x40, 1, PCI_CAP_ID_MSI, "capability ID at 0x40"},
    {0x41, 1, 0, "next capability"},
    {0x40 + PCI_MSI_FLAGS, 2, REF_MSI_FLAGS, "MSI control"},
    {0x40, 4, REF_MSI_HEADER, "MSI capability header dword"},
    {0x44, 4, 0, "MSI address low"},
    {0x48, 4, 0, "MSI address high"},
    {0x4c, 2, 0, "MSI data"},
};

static int scn_enumerate_and_probe(Lockstep *ls, ScnReport *rep)
{
    const unsigned edu_devfn = PCI_DEVFN(SCN_SLOT, 0);
    DrvEnumeration *en = malloc(sizeof(*en));
    const DrvFunction *edu = NULL;
    ScnEdu e = {.devfn = edu_devfn, .bar = SCN_BAR};
    int rc;

    if (!en) {
        scn_check(rep, false, "out of memory");
        return -ENOMEM;
    }
    rc = drv_enumerate(ls, &scn_enum_plain, en);
    if (!scn_check(rep, rc == 0, "enumeration failed: %s", strerror(-rc))) {
        free(en);
        return rc < 0 ? rc : -EIO;
    }
    /* The host bridge and the edu; slot 1 (QEMU's PIIX3) left out. */
    scn_expect(rep, 2, en->n, "functions found on bus 0");
    for (unsigned i = 0; i < en->n; i++) {
        const DrvFunction *f = &en->fn[i];

        if (f->devfn == 0) {
            scn_expect(rep, REF_HB_VENDOR, f->vendor_id,
                       "host bridge vendor ID");
            scn_expect(rep, REF_HB_DEVICE, f->device_id,
                       "host bridge device ID");
            scn_expect(rep, REF_HB_CLASS, f->class_code,
                       "host bridge class code");
        } else if (f->devfn == edu_devfn) {
            edu = f;
        } else {
            scn_check(rep, false, "unexpected function %02x.%x (%04x:%04x)",
                      f->devfn >> 3, f->devfn & 7, f->vendor_id, f->device_id);
        }
    }
    /* scn_check also fails once the view has failed. */
    if (!scn_check(rep, edu != NULL, "no function at %02x.0", SCN_SLOT) ||
        !edu) {
        free(en);
        return -ENODEV;
    }
    scn_expect(rep, REF_VENDOR, edu->vendor_id, "edu vendor ID");
    scn_expect(rep, REF_DEVICE, edu->device_id, "edu device ID");
    scn_expect(rep, REF_CLASS, edu->class_code, "edu class code");
    scn_expect(rep, REF_BAR0_SIZE, edu->bar_size[0], "BAR0 size");
    scn_expect(rep, SCN_BAR, edu->bar_addr[0], "BAR0 placed at");
    for (int bar = 1; bar < PCI_NUM_BARS; bar++) {
        scn_expect(rep, 0, edu->bar_size[bar], "BAR%d size", bar);
    }
    free(en);

    scn_expect_cfg(ls, rep, edu_devfn, scn_probe_cfg,
                   sizeof(scn_probe_cfg) / sizeof(scn_probe_cfg[0]));

    /* The driver's first look at its registers. */
    scn_expect(rep, REF_EDU_ID, scn_readl(ls, &e, EDU_REG_ID),
               "ID register (BAR0 + 0x00)");
    return 0;
}

static int scn_bar_sizing(Lockstep *ls, ScnReport *rep)
{
    const unsigned devfn = PCI_DEVFN(SCN_SLOT, 0);
    ScnEdu e = {.devfn = devfn, .bar = SCN_BAR};
    ScnEdu moved = {.devfn = devfn, .bar = SCN_BAR2};

    if (!scn_expect(rep, REF_ID_DWORD, drv_cfg_read(ls, devfn, 0x00, 4),
                    "IDs at %02x.0", SCN_SLOT)) {
        return -ENODEV;
    }
    scn_expect(rep, 0, drv_cfg_read(ls, devfn, PCI_COMMAND, 2),
               "COMMAND at reset");
    scn_expect(rep, 0, drv_cfg_read(ls, devfn, PCI_BASE_ADDRESS_0, 4),
               "BAR0 at reset");

    /* Sizing, with decoding off as firmware does it. */
    drv_cfg_write(ls, devfn, PCI_BASE_ADDRESS_0, REF_ONES32, 4);
    scn_expect(rep, REF_BAR0_SIZING,
               drv_cfg_read(ls, devfn, PCI_BASE_ADDRESS_0, 4),
               "BAR0 after writing all ones (1 MiB, 32-bit memory)");
    for (unsigned off = 0x14; off <= 0x24; off += 4) {
        drv_cfg_write(ls, devfn, off, REF_ONES32, 4);
        scn_expect(rep, 0, drv_cfg_read(ls, devfn, off, 4),
                   "BAR%u after writing all ones", (off - 0x10) / 4);
    }
    drv_cfg_write(ls, devfn, PCI_ROM_ADDRESS, 0xfffff800u, 4);
    scn_expect(rep, 0, drv_cfg_read(ls, devfn, PCI_ROM_ADDRESS, 4),
               "expansion ROM BAR after sizing");

    /* The low 20 bits do not stick: 1 MiB alignment. */
    drv_cfg_write(ls, devfn, PCI_BASE_ADDRESS_0, (uint32_t)(SCN_BAR | 0x12345u),
                  4);
    scn_expect(rep, SCN_BAR, drv_cfg_read(ls, devfn, PCI_BASE_ADDRESS_0, 4),
               "BAR0 after writing 0x%x", (unsigned)(SCN_BAR | 0x12345u));

    /* COMMAND's writable bits, then memory decoding alone. */
    scn_set_command(ls, &e, 0xffff);
    scn_expect(rep, REF_COMMAND_MASK, drv_cfg_read(ls, devfn, PCI_COMMAND, 2),
               "COMMAND after writing 0xffff");
    scn_expect(rep, REF_COMMAND_MASK | (uint32_t)REF_STATUS << 16,
               drv_cfg_read(ls, devfn, PCI_COMMAND, 4),
               "configuration dword 0x04 after writing 0xffff");
    scn_set_command(ls, &e, PCI_COMMAND_MEMORY);
    scn_expect(rep, PCI_COMMAND_MEMORY, drv_cfg_read(ls, devfn, PCI_COMMAND, 2),
               "COMMAND");
    scn_expect(rep, REF_EDU_ID, scn_readl(ls, &e, EDU_REG_ID),
               "ID register with BAR0 at 0x%" PRIx64, e.bar);
    scn_writel(ls, &e, EDU_REG_LIVENESS, 0x12345678u);
    scn_expect(rep, 0xedcba987u, scn_readl(ls, &e, EDU_REG_LIVENESS),
               "liveness after writing 0x12345678");

    /*
     * Memory decoding off: the device must not take the write.  The
     * address is then nobody's: a write there is dropped by every view,
     * but a read is not compared (all ones on the models, 0 on QEMU).
     */
    scn_set_command(ls, &e, 0);
    scn_writel(ls, &e, EDU_REG_LIVENESS, 0);
    scn_set_command(ls, &e, PCI_COMMAND_MEMORY);
    scn_expect(rep, 0xedcba987u, scn_readl(ls, &e, EDU_REG_LIVENESS),
               "liveness after a write with memory decoding off");

    /* Moved, decoding off while it moves: the same device answers. */
    scn_set_command(ls, &e, 0);
    drv_cfg_write(ls, devfn, PCI_BASE_ADDRESS_0, (uint32_t)moved.bar, 4);
    scn_set_command(ls, &e, PCI_COMMAND_MEMORY);
    scn_expect(rep, moved.bar, drv_cfg_read(ls, devfn, PCI_BASE_ADDRESS_0, 4),
               "BAR0 after the move");
    scn_expect(rep, REF_EDU_ID, scn_readl(ls, &moved, EDU_REG_ID),
               "ID register with BAR0 at 0x%" PRIx64, moved.bar);
    scn_expect(rep, 0xedcba987u, scn_readl(ls, &moved, EDU_REG_LIVENESS),
               "liveness after the move");
    return 0;
}

static int scn_liveness(Lockstep *ls, ScnReport *rep)
{
    static const uint32_t values[] = {
        0x00000000u, 0xffffffffu, 0x12345678u, 0xa5a5a5a5u, 0x80000001u,
    };
    ScnEdu e;
    int rc = scn_probe(ls, rep, &scn_enum_plain, &e, 1);

    if (rc < 0) {
        return rc;
    }
    scn_expect(rep, REF_EDU_ID, scn_readl(ls, &e, EDU_REG_ID), "ID register");

    /* Reset values. */
    scn_expect(rep, 0, scn_readl(ls, &e, EDU_REG_LIVENESS),
               "liveness at reset");
    scn_expect(rep, 0, scn_readl(ls, &e, EDU_REG_FACT), "FACT at reset");
    scn_expect(rep, 0, scn_readl(ls, &e, EDU_REG_STATUS), "STATUS at reset");
    scn_expect(rep, 0, scn_readl(ls, &e, EDU_REG_IRQ_STATUS),
               "IRQ_STATUS at reset");
    scn_expect(rep, 0, scn_readq(ls, &e, EDU_REG_DMA_SRC), "DMA_SRC at reset");
    scn_expect(rep, 0, scn_readq(ls, &e, EDU_REG_DMA_DST), "DMA_DST at reset");
    scn_expect(rep, 0, scn_readq(ls, &e, EDU_REG_DMA_COUNT),
               "DMA_COUNT at reset");
    scn_expect(rep, 0, scn_readq(ls, &e, EDU_REG_DMA_CMD), "DMA_CMD at reset");

    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        scn_writel(ls, &e, EDU_REG_LIVENESS, values[i]);
        scn_expect(rep, ~values[i], scn_readl(ls, &e, EDU_REG_LIVENESS),
                   "liveness after writing 0x%08x", values[i]);
        scn_expect(rep, ~values[i], scn_readl(ls, &e, EDU_REG_LIVENESS),
                   "liveness read again after writing 0x%08x", values[i]);
    }

    /* Read-only registers keep their value. */
    scn_writel(ls, &e, EDU_REG_ID, 0x12345678u);
    scn_expect(rep, REF_EDU_ID, scn_readl(ls, &e, EDU_REG_ID),
               "ID register after a write");
    scn_writel(ls, &e, EDU_REG_IRQ_STATUS, REF_ONES32);
    scn_expect(rep, 0, scn_readl(ls, &e, EDU_REG_IRQ_STATUS),
               "IRQ_STATUS after a write");

    /* STATUS: only bit 7 follows writes. */
    scn_writel(ls, &e, EDU_REG_STATUS, REF_ONES32);
    scn_expect(rep, EDU_STATUS_IRQFACT, scn_readl(ls, &e, EDU_REG_STATUS),
               "STATUS after writing all ones");
    scn_writel(ls, &e, EDU_REG_STATUS, 0);
    scn_expect(rep, 0, scn_readl(ls, &e, EDU_REG_STATUS),
               "STATUS after writing 0");
    scn_expect_irq(ls, rep, &e, 0, REF_STATUS, "at the end");
    return 0;
}

/* n! in 32 bits, as the reference computes it (0! = 1). */
static const struct {
    uint32_t n;
    uint32_t fact;
} scn_facts[] = {
    {0, 1},
    {1, 1},
    {5, 120},
    {12, 479001600u},
    {13, 0x7328cc00u},
    {20, 0x82b40000u},
    {33, 0x80000000u},
    {34, 0},
    {100, 0},
};

static int scn_fact_polled(Lockstep *ls, ScnReport *rep)
{
    ScnEdu e;
    int rc = scn_probe(ls, rep, &scn_enum_plain, &e, 1);

    if (rc < 0) {
        return rc;
    }
    for (size_t i = 0; i < sizeof(scn_facts) / sizeof(scn_facts[0]); i++) {
        scn_writel(ls, &e, EDU_REG_FACT, scn_facts[i].n);
        if (!scn_wait_fact(ls, rep, &e)) {
            return -ETIMEDOUT;
        }
        scn_expect(rep, scn_facts[i].fact, scn_readl(ls, &e, EDU_REG_FACT),
                   "FACT after %u!", scn_facts[i].n);
        scn_expect(rep, 0, scn_readl(ls, &e, EDU_REG_STATUS),
                   "STATUS after %u!", scn_facts[i].n);
    }
    /* STATUS bit 7 clear: no interrupt. */
    scn_expect_irq(ls, rep, &e, 0, REF_STATUS, "after the factorials");
    return 0;
}

static int scn_fact_intx(Lockstep *ls, ScnReport *rep)
{
    static const uint32_t operands[] = {6, 13};
    static const uint32_t results[] = {720, 0x7328cc00u};
    ScnEdu e;
    int rc = scn_probe(ls, rep, &scn_enum_plain, &e, 1);

    if (rc < 0) {
        return rc;
    }
    scn_writel(ls, &e, EDU_REG_STATUS, EDU_STATUS_IRQFACT);
    scn_expect(rep, EDU_STATUS_IRQFACT, scn_readl(ls, &e, EDU_REG_STATUS),
               "STATUS with the factorial interrupt on");
    for (size_t i = 0; i < sizeof(operands) / sizeof(operands[0]); i++) {
        scn_writel(ls, &e, EDU_REG_FACT, operands[i]);
        /* The interrupt is raised after COMPUTING clears: wait for it. */
        if (!scn_wait_irq(ls, rep, &e, EDU_IRQ_FACT)) {
            return -ETIMEDOUT;
        }
        scn_expect(rep, results[i], scn_readl(ls, &e, EDU_REG_FACT),
                   "FACT after %u! with its interrupt", operands[i]);
        scn_expect(rep, EDU_STATUS_IRQFACT, scn_readl(ls, &e, EDU_REG_STATUS),
                   "STATUS after %u!", operands[i]);
        scn_expect_irq(ls, rep, &e, EDU_IRQ_FACT, REF_STATUS_INTX,
                       "after the factorial");
        scn_writel(ls, &e, EDU_REG_IRQ_ACK, EDU_IRQ_FACT);
        scn_expect_irq(ls, rep, &e, 0, REF_STATUS, "after the acknowledge");
    }

    /* Bit 7 clear again: the next factorial raises nothing. */
    scn_writel(ls, &e, EDU_REG_STATUS, 0);
    scn_writel(ls, &e, EDU_REG_FACT, 5);
    if (!scn_wait_fact(ls, rep, &e)) {
        return -ETIMEDOUT;
    }
    scn_expect(rep, 120, scn_readl(ls, &e, EDU_REG_FACT), "FACT after 5!");
    scn_expect_irq(ls, rep, &e, 0, REF_STATUS,
                   "after 5! with the interrupt off");

    /* Raised by software, acknowledged bit by bit (docs/reference.md). */
    scn_writel(ls, &e, EDU_REG_IRQ_RAISE, 0x5);
    scn_expect_irq(ls, rep, &e, 0x5, REF_STATUS_INTX, "after raising 0x5");
    scn_writel(ls, &e, EDU_REG_IRQ_ACK, 0x4);
    scn_expect_irq(ls, rep, &e, 0x1, REF_STATUS_INTX,
                   "after acknowledging 0x4");
    scn_writel(ls, &e, EDU_REG_IRQ_ACK, 0x1);
    scn_expect_irq(ls, rep, &e, 0, REF_STATUS, "after acknowledging 0x1");
    return 0;
}

/* The MSI capability as drv_enumerate programs it (scn_enum_msi). */
static const ScnCfgValue scn_msi_enabled_cfg[] = {
    {REF_CAP_PTR + PCI_MSI_FLAGS, 2, REF_MSI_FLAGS | PCI_MSI_FLAGS_ENABLE,
     "MSI control, enabled"},
    {0x44, 4, SCN_MSI_ADDR, "MSI address low"},
    {0x48, 4, 0, "MSI address high"},
    {0x4c, 2, SCN_MSI_DATA, "MSI data"},
};

static int scn_fact_msi(Lockstep *ls, ScnReport *rep)
{
    const unsigned flags = REF_CAP_PTR + PCI_MSI_FLAGS;
    ScnEdu e;
    int rc = scn_probe(ls, rep, &scn_enum_msi, &e, 1);

    if (rc < 0) {
        return rc;
    }
    scn_expect_cfg(ls, rep, e.devfn, scn_msi_enabled_cfg,
                   sizeof(scn_msi_enabled_cfg) /
                       sizeof(scn_msi_enabled_cfg[0]));

    scn_msi_arm(ls);
    scn_writel(ls, &e, EDU_REG_STATUS, EDU_STATUS_IRQFACT);
    scn_writel(ls, &e, EDU_REG_FACT, 8);
    if (!scn_wait_msi(ls, rep, SCN_MSI_DATA, false)) {
        return -ETIMEDOUT;
    }
    scn_expect(rep, 40320, scn_readl(ls, &e, EDU_REG_FACT), "FACT after 8!");
    scn_expect_irq(ls, rep, &e, EDU_IRQ_FACT, REF_STATUS,
                   "after 8! with MSI (no INTx)");
    scn_writel(ls, &e, EDU_REG_IRQ_ACK, EDU_IRQ_FACT);
    scn_expect_irq(ls, rep, &e, 0, REF_STATUS, "after the acknowledge");

    /* Every raise sends a message, pending bits or not. */
    scn_msi_arm(ls);
    scn_writel(ls, &e, EDU_REG_IRQ_RAISE, 0x2);
    scn_wait_msi(ls, rep, SCN_MSI_DATA, false);
    scn_msi_arm(ls);
    scn_writel(ls, &e, EDU_REG_IRQ_RAISE, 0x4);
    scn_wait_msi(ls, rep, SCN_MSI_DATA, false);
    scn_expect_irq(ls, rep, &e, 0x6, REF_STATUS, "after raising 0x2, 0x4");

    /* New data, written while MSI is on. */
    drv_cfg_write(ls, e.devfn, REF_CAP_PTR + PCI_MSI_DATA_64, SCN_MSI_DATA2, 2);
    scn_msi_arm(ls);
    scn_writel(ls, &e, EDU_REG_IRQ_RAISE, 0x8);
    scn_wait_msi(ls, rep, SCN_MSI_DATA2, false);
    scn_writel(ls, &e, EDU_REG_IRQ_ACK, 0xe);
    scn_expect_irq(ls, rep, &e, 0, REF_STATUS, "after acknowledging 0xe");

    /*
     * INTx and MSI (docs/reference.md): with MSI off a raise asserts INTx
     * and sends nothing; enabling MSI drops INTx, irq_status unchanged;
     * disabling it again leaves INTx low until the next raise.
     */
    drv_cfg_write(ls, e.devfn, flags, 0, 2);
    scn_msi_arm(ls);
    scn_writel(ls, &e, EDU_REG_IRQ_RAISE, 0x10);
    scn_expect_irq(ls, rep, &e, 0x10, REF_STATUS_INTX,
                   "after a raise with MSI off");
    drv_advance(ls, SCN_SETTLE_NS);
    scn_expect(rep, SCN_MSI_SENTINEL, drv_read(ls, SCN_MSI_ADDR, 4),
               "RAM at the MSI address after a raise with MSI off");
    drv_cfg_write(ls, e.devfn, flags, PCI_MSI_FLAGS_ENABLE, 2);
    scn_expect_irq(ls, rep, &e, 0x10, REF_STATUS, "after enabling MSI");
    drv_cfg_write(ls, e.devfn, flags, 0, 2);
    scn_expect_irq(ls, rep, &e, 0x10, REF_STATUS, "after disabling MSI again");
    scn_writel(ls, &e, EDU_REG_IRQ_RAISE, 0x20);
    scn_expect_irq(ls, rep, &e, 0x30, REF_STATUS_INTX, "after the next raise");
    scn_writel(ls, &e, EDU_REG_IRQ_ACK, 0x30);
    scn_expect_irq(ls, rep, &e, 0, REF_STATUS, "after acknowledging 0x30");
    return 0;
}

/*
 * The DMA scenarios: each direction, done by polling, on INTx and on MSI.
 * Transfers at 1 MiB and up; lengths and offsets chosen so that QEMU 7.2
 * survives each (the whole buffer is in dma-end-at-buffer-end).  Rows:
 * to_ram, mode, buf_off, len, ram, seed; indexed by the mode.
 */
static const ScnDmaCase scn_dma_to_device[] = {
    [SCN_POLLED] = {false, SCN_POLLED, 0, SCN_BUF_REACH, SCN_RAM_A, 0x1111},
    [SCN_INTX] = {false, SCN_INTX, 0x800, 0x100, SCN_RAM_A + 0x40, 0x2222},
    [SCN_MSI] = {false, SCN_MSI, 0x123, 100, SCN_RAM_A + 7, 0x3333},
};
static const ScnDmaCase scn_dma_from_device[] = {
    /* As measured on QEMU: buffer + 2 -> RAM + 3, 8 bytes. */
    [SCN_POLLED] = {true, SCN_POLLED, 2, 8, SCN_RAM_B + 3, 0x4444},
    [SCN_INTX] = {true, SCN_INTX, 0, SCN_BUF_REACH, SCN_RAM_B, 0x5555},
    [SCN_MSI] = {true, SCN_MSI, 0xe00, 0x1f0, SCN_RAM_B + 0x40, 0x6666},
};

/* Scenario.run takes no argument: an entry point per case. */
static int scn_dma_to_device_polled(Lockstep *ls, ScnReport *rep)
{
    return scn_dma_case(ls, rep, &scn_dma_to_device[SCN_POLLED]);
}

static int scn_dma_to_device_intx(Lockstep *ls, ScnReport *rep)
{
    return scn_dma_case(ls, rep, &scn_dma_to_device[SCN_INTX]);
}

static int scn_dma_to_device_msi(Lockstep *ls, ScnReport *rep)
{
    return scn_dma_case(ls, rep, &scn_dma_to_device[SCN_MSI]);
}

static int scn_dma_from_device_polled(Lockstep *ls, ScnReport *rep)
{
    return scn_dma_case(ls, rep, &scn_dma_from_device[SCN_POLLED]);
}

static int scn_dma_from_device_intx(Lockstep *ls, ScnReport *rep)
{
    return scn_dma_case(ls, rep, &scn_dma_from_device[SCN_INTX]);
}

static int scn_dma_from_device_msi(Lockstep *ls, ScnReport *rep)
{
    return scn_dma_case(ls, rep, &scn_dma_from_device[SCN_MSI]);
}

static int scn_bus_master_off(Lockstep *ls, ScnReport *rep)
{
    uint8_t p[0x200];
    uint8_t q[0x100];
    uint8_t want[0x200];
    const uint32_t n = sizeof(q);
    ScnEdu e;
    int rc = scn_probe(ls, rep, &scn_enum_master, &e, 1);

    if (rc < 0) {
        return rc;
    }
    scn_pattern(p, sizeof(p), 0x7777);
    scn_pattern(q, sizeof(q), 0x8888);
    if (!scn_load_buffer(ls, rep, &e, SCN_RAM_A, p, 0, sizeof(p))) {
        return -EIO;
    }
    scn_set_command(ls, &e, PCI_COMMAND_MEMORY);
    scn_expect(rep, PCI_COMMAND_MEMORY,
               drv_cfg_read(ls, e.devfn, PCI_COMMAND, 2),
               "COMMAND with bus mastering off");

    /* Buffer -> RAM writes nothing; the interrupt (INTx) still comes. */
    scn_ram_fill(ls, SCN_RAM_B, n, SCN_SENTINEL);
    if (!scn_dma_start(ls, rep, &e, EDU_DMA_BUF_ADDR, SCN_RAM_B, n,
                       EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM |
                           EDU_DMA_CMD_IRQ) ||
        !scn_dma_finish(ls, rep, &e,
                        EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM | EDU_DMA_CMD_IRQ,
                        SCN_INTX)) {
        return -EIO;
    }
    memset(want, SCN_SENTINEL, n);
    scn_expect_ram(ls, rep, SCN_RAM_B, want, n,
                   "RAM after buffer -> RAM with bus mastering off");

    /* RAM -> buffer delivers zeros. */
    drv_write_buf(ls, SCN_RAM_A + 0x1000, q, n);
    if (!scn_dma_polled(ls, rep, &e, SCN_RAM_A + 0x1000, EDU_DMA_BUF_ADDR, n,
                        EDU_DMA_CMD_RUN)) {
        return -EIO;
    }
    scn_set_command(ls, &e, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    memset(want, 0, n);
    memcpy(want + n, p + n, sizeof(p) - n);
    scn_expect_buffer(ls, rep, &e, want, sizeof(want),
                      "buffer after RAM -> buffer with bus mastering off");

    /* MSI messages are dropped, and not sent later either. */
    scn_msi_program(ls, &e, SCN_MSI_ADDR, SCN_MSI_DATA, true);
    scn_set_command(ls, &e, PCI_COMMAND_MEMORY);
    scn_msi_arm(ls);
    scn_writel(ls, &e, EDU_REG_IRQ_RAISE, 0x1);
    drv_advance(ls, SCN_SETTLE_NS);
    scn_expect(rep, SCN_MSI_SENTINEL, drv_read(ls, SCN_MSI_ADDR, 4),
               "RAM at the MSI address after a raise with bus mastering "
               "off");
    scn_expect_irq(ls, rep, &e, 0x1, REF_STATUS,
                   "after a raise with MSI and bus mastering off");
    scn_set_command(ls, &e, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    drv_advance(ls, SCN_SETTLE_NS);
    scn_expect(rep, SCN_MSI_SENTINEL, drv_read(ls, SCN_MSI_ADDR, 4),
               "RAM at the MSI address after bus mastering is back on");
    scn_writel(ls, &e, EDU_REG_IRQ_RAISE, 0x2);
    scn_wait_msi(ls, rep, SCN_MSI_DATA, false);
    scn_writel(ls, &e, EDU_REG_IRQ_ACK, 0x3);
    scn_expect_irq(ls, rep, &e, 0, REF_STATUS, "after the acknowledge");
    return 0;
}

static int scn_intx_disable(Lockstep *ls, ScnReport *rep)
{
    const uint16_t off = PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE;
    ScnEdu e;
    int rc = scn_probe(ls, rep, &scn_enum_plain, &e, 1);

    if (rc < 0) {
        return rc;
    }
    /* The INTA# pin stays high; the driver sees the device's level. */
    scn_set_command(ls, &e, off);
    scn_expect(rep, off, drv_cfg_read(ls, e.devfn, PCI_COMMAND, 2),
               "COMMAND with INTx disabled");
    scn_writel(ls, &e, EDU_REG_IRQ_RAISE, 0x5);
    scn_expect_irq(ls, rep, &e, 0x5, REF_STATUS_INTX,
                   "after raising 0x5 with INTx disabled");
    scn_writel(ls, &e, EDU_REG_IRQ_ACK, 0x4);
    scn_expect_irq(ls, rep, &e, 0x1, REF_STATUS_INTX,
                   "after acknowledging 0x4");
    scn_writel(ls, &e, EDU_REG_IRQ_ACK, 0x1);
    scn_expect_irq(ls, rep, &e, 0, REF_STATUS, "after acknowledging 0x1");

    /* A factorial's interrupt, the same way. */
    scn_writel(ls, &e, EDU_REG_STATUS, EDU_STATUS_IRQFACT);
    scn_writel(ls, &e, EDU_REG_FACT, 4);
    if (!scn_wait_irq(ls, rep, &e, EDU_IRQ_FACT)) {
        return -ETIMEDOUT;
    }
    scn_expect(rep, 24, scn_readl(ls, &e, EDU_REG_FACT), "FACT after 4!");
    scn_expect_irq(ls, rep, &e, EDU_IRQ_FACT, REF_STATUS_INTX,
                   "after 4! with INTx disabled");

    /* Enabled again while pending: still pending, then acknowledged. */
    scn_set_command(ls, &e, PCI_COMMAND_MEMORY);
    scn_expect_irq(ls, rep, &e, EDU_IRQ_FACT, REF_STATUS_INTX,
                   "after enabling INTx");
    scn_writel(ls, &e, EDU_REG_IRQ_ACK, EDU_IRQ_FACT);
    scn_expect_irq(ls, rep, &e, 0, REF_STATUS, "after the acknowledge");
    return 0;
}

/* The platform's dma_mask: 2 MiB - 1, so that clamped addresses stay in
 * RAM at 1 MiB and up, clear of QEMU's legacy areas below 1 MiB. */
#define SCN_CLAMP_MASK 0x1fffffu

static int scn_dma_mask_clamp(Lockstep *ls, ScnReport *rep)
{
    const uint64_t src = SCN_RAM_C; /* -> 0x100000 */
    const uint64_t src_clamped = src & SCN_CLAMP_MASK;
    const uint64_t dst = SCN_RAM_C + 0x80000; /* -> 0x180000 */
    const uint64_t dst_clamped = dst & SCN_CLAMP_MASK;
    const uint64_t far = 0xffffffff00140000ull; /* -> 0x140000 */
    const uint32_t n = 0x100;
    uint8_t p[0x100];
    uint8_t q[0x100];
    uint8_t want[0x100];
    ScnEdu e;
    int rc = scn_probe(ls, rep, &scn_enum_master, &e, 1);

    if (rc < 0) {
        return rc;
    }
    scn_pattern(p, n, 0x9999);
    scn_pattern(q, n, 0xaaaa);
    drv_write_buf(ls, src_clamped, p, n);
    drv_write_buf(ls, src, q, n);

    /* RAM -> buffer from above the mask reads below it. */
    if (!scn_dma_polled(ls, rep, &e, src, EDU_DMA_BUF_ADDR, n,
                        EDU_DMA_CMD_RUN)) {
        return -EIO;
    }
    scn_expect(rep, src, scn_readq(ls, &e, EDU_REG_DMA_SRC),
               "DMA_SRC (the register keeps what was written)");

    /* Buffer -> RAM to above the mask writes below it. */
    scn_ram_fill(ls, dst, n, SCN_SENTINEL);
    scn_ram_fill(ls, dst_clamped, n, SCN_SENTINEL);
    if (!scn_dma_polled(ls, rep, &e, EDU_DMA_BUF_ADDR, dst, n,
                        EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM)) {
        return -EIO;
    }
    scn_expect_ram(ls, rep, dst_clamped, p, n,
                   "RAM at the clamped destination");
    memset(want, SCN_SENTINEL, n);
    scn_expect_ram(ls, rep, dst, want, n,
                   "RAM at the unclamped destination (untouched)");

    /* A 64-bit address far above RAM, the same way. */
    scn_ram_fill(ls, far & SCN_CLAMP_MASK, n, SCN_SENTINEL);
    if (!scn_dma_polled(ls, rep, &e, EDU_DMA_BUF_ADDR, far, n,
                        EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM)) {
        return -EIO;
    }
    scn_expect(rep, far, scn_readq(ls, &e, EDU_REG_DMA_DST),
               "DMA_DST (64-bit)");
    scn_expect_ram(ls, rep, far & SCN_CLAMP_MASK, p, n,
                   "RAM at the clamped 64-bit destination");
    return 0;
}

static int scn_two_devices(Lockstep *ls, ScnReport *rep)
{
    uint8_t pa[0x180];
    uint8_t pb[0x180];
    const uint32_t n = sizeof(pa);
    uint32_t cmd_b = EDU_DMA_CMD_RUN | EDU_DMA_CMD_IRQ;
    ScnEdu e[2];
    int rc = scn_probe(ls, rep, &scn_enum_master, e, 2);

    if (rc < 0) {
        return rc;
    }
    scn_expect(rep, PCI_DEVFN(SCN_SLOT, 0), e[0].devfn, "first edu's devfn");
    scn_expect(rep, PCI_DEVFN(SCN_SLOT2, 0), e[1].devfn, "second edu's devfn");
    scn_expect(rep, SCN_BAR, e[0].bar, "first edu's BAR0");
    scn_expect(rep, SCN_BAR2, e[1].bar, "second edu's BAR0");

    /* Registers. */
    scn_writel(ls, &e[0], EDU_REG_LIVENESS, 0x11111111u);
    scn_writel(ls, &e[1], EDU_REG_LIVENESS, 0x22222222u);
    scn_expect(rep, 0xeeeeeeeeu, scn_readl(ls, &e[0], EDU_REG_LIVENESS),
               "first edu's liveness");
    scn_expect(rep, 0xddddddddu, scn_readl(ls, &e[1], EDU_REG_LIVENESS),
               "second edu's liveness");
    scn_expect(rep, REF_EDU_ID, scn_readl(ls, &e[1], EDU_REG_ID),
               "second edu's ID register");

    /* Factorials at once; only the first interrupts. */
    scn_writel(ls, &e[0], EDU_REG_STATUS, EDU_STATUS_IRQFACT);
    scn_writel(ls, &e[0], EDU_REG_FACT, 5);
    scn_writel(ls, &e[1], EDU_REG_FACT, 7);
    if (!scn_wait_irq(ls, rep, &e[0], EDU_IRQ_FACT) ||
        !scn_wait_fact(ls, rep, &e[1])) {
        return -ETIMEDOUT;
    }
    scn_expect(rep, 120, scn_readl(ls, &e[0], EDU_REG_FACT),
               "first edu's FACT after 5!");
    scn_expect(rep, 5040, scn_readl(ls, &e[1], EDU_REG_FACT),
               "second edu's FACT after 7!");
    scn_expect(rep, 0, scn_readl(ls, &e[1], EDU_REG_STATUS),
               "second edu's STATUS");
    scn_expect_irq(ls, rep, &e[0], EDU_IRQ_FACT, REF_STATUS_INTX,
                   "of the first edu after its factorial");
    scn_expect_irq(ls, rep, &e[1], 0, REF_STATUS,
                   "of the second edu after its factorial");
    scn_writel(ls, &e[0], EDU_REG_IRQ_ACK, EDU_IRQ_FACT);
    scn_expect_irq(ls, rep, &e[0], 0, REF_STATUS,
                   "of the first edu after the acknowledge");

    /* DMAs at once, each into its own buffer; only the second
     * interrupts. */
    scn_pattern(pa, n, 0xbbbb);
    scn_pattern(pb, n, 0xcccc);
    drv_write_buf(ls, SCN_RAM_A, pa, n);
    drv_write_buf(ls, SCN_RAM_D, pb, n);
    if (!scn_dma_start(ls, rep, &e[0], SCN_RAM_A, EDU_DMA_BUF_ADDR + 0x10, n,
                       EDU_DMA_CMD_RUN) ||
        !scn_dma_start(ls, rep, &e[1], SCN_RAM_D, EDU_DMA_BUF_ADDR + 0x10, n,
                       cmd_b)) {
        return -EIO;
    }
    if (!scn_wait_dma(ls, rep, &e[0]) ||
        !scn_dma_finish(ls, rep, &e[1], cmd_b, SCN_INTX)) {
        return -ETIMEDOUT;
    }
    scn_expect_irq(ls, rep, &e[0], 0, REF_STATUS,
                   "of the first edu after the DMAs");
    scn_ram_fill(ls, SCN_RAM_B, n, SCN_SENTINEL);
    scn_ram_fill(ls, SCN_RAM_B + 0x1000, n, SCN_SENTINEL);
    if (!scn_dma_polled(ls, rep, &e[0], EDU_DMA_BUF_ADDR + 0x10, SCN_RAM_B, n,
                        EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM) ||
        !scn_dma_polled(ls, rep, &e[1], EDU_DMA_BUF_ADDR + 0x10,
                        SCN_RAM_B + 0x1000, n,
                        EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM)) {
        return -EIO;
    }
    scn_expect_ram(ls, rep, SCN_RAM_B, pa, n, "first edu's buffer");
    scn_expect_ram(ls, rep, SCN_RAM_B + 0x1000, pb, n, "second edu's buffer");
    return 0;
}

/* Error cases: these three do what QEMU 7.2 aborts on. */

static int scn_dma_out_of_range(Lockstep *ls, ScnReport *rep)
{
    static const struct {
        uint64_t start; /* buffer side */
        uint64_t count;
        const char *what;
    } cases[] = {
        {EDU_DMA_BUF_ADDR + 0xff0, 0x20, "crossing the buffer's end"},
        {EDU_DMA_BUF_ADDR - 0x10, 0x20, "starting below the buffer"},
        {EDU_DMA_BUF_ADDR + 0x1000, 1, "starting at the buffer's end"},
        {EDU_DMA_BUF_ADDR + 0x100, 0xffffffffffffff00ull,
         "wrapping around to the buffer"},
    };
    uint8_t p[EDU_DMA_BUF_SIZE];
    uint8_t want[0x40];
    ScnEdu e;
    int rc = scn_probe_full_buffer(ls, rep, &e, p, 0xdddd);

    if (rc < 0) {
        return rc;
    }
    drv_write_buf(ls, SCN_RAM_A, p + 0x800, sizeof(want)); /* other data */
    memset(want, SCN_SENTINEL, sizeof(want));
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (int to_ram = 0; to_ram < 2; to_ram++) {
            /* With an interrupt asked for in one direction only. */
            uint32_t cmd = EDU_DMA_CMD_RUN |
                           (to_ram ? EDU_DMA_CMD_TO_RAM : EDU_DMA_CMD_IRQ);
            uint64_t src = to_ram ? cases[i].start : SCN_RAM_A;
            uint64_t dst = to_ram ? SCN_RAM_B : cases[i].start;

            scn_ram_fill(ls, SCN_RAM_B, sizeof(want), SCN_SENTINEL);
            if (!scn_dma_polled(ls, rep, &e, src, dst, cases[i].count, cmd)) {
                return -EIO;
            }
            scn_expect_irq(ls, rep, &e, to_ram ? 0 : EDU_IRQ_DMA,
                           to_ram ? REF_STATUS : REF_STATUS_INTX,
                           cases[i].what);
            scn_writel(ls, &e, EDU_REG_IRQ_ACK, EDU_IRQ_DMA);
            if (to_ram) {
                scn_expect_ram(ls, rep, SCN_RAM_B, want, sizeof(want),
                               cases[i].what);
            }
        }
    }
    scn_expect_buffer(ls, rep, &e, p, sizeof(p),
                      "buffer after the out-of-range transfers");
    return 0;
}

static int scn_dma_count_zero(Lockstep *ls, ScnReport *rep)
{
    uint8_t p[EDU_DMA_BUF_SIZE];
    uint8_t want[0x40];
    ScnEdu e;
    int rc = scn_probe_full_buffer(ls, rep, &e, p, 0xeeee);

    if (rc < 0) {
        return rc;
    }
    drv_write_buf(ls, SCN_RAM_A, p + 0x100, sizeof(want)); /* other data */

    /* RAM -> buffer, 0 bytes at its start and at its end, interrupt. */
    if (!scn_dma_polled(ls, rep, &e, SCN_RAM_A, EDU_DMA_BUF_ADDR, 0,
                        EDU_DMA_CMD_RUN | EDU_DMA_CMD_IRQ)) {
        return -EIO;
    }
    scn_expect_irq(ls, rep, &e, EDU_IRQ_DMA, REF_STATUS_INTX,
                   "after a 0-byte DMA with interrupt");
    scn_writel(ls, &e, EDU_REG_IRQ_ACK, EDU_IRQ_DMA);
    if (!scn_dma_polled(ls, rep, &e, SCN_RAM_A, SCN_DMA_BUF_END, 0,
                        EDU_DMA_CMD_RUN)) {
        return -EIO;
    }
    scn_expect_irq(ls, rep, &e, 0, REF_STATUS,
                   "after a 0-byte DMA without interrupt");

    /* Buffer -> RAM, 0 bytes: RAM untouched. */
    scn_ram_fill(ls, SCN_RAM_B, sizeof(want), SCN_SENTINEL);
    if (!scn_dma_polled(ls, rep, &e, EDU_DMA_BUF_ADDR + 0x10, SCN_RAM_B, 0,
                        EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM)) {
        return -EIO;
    }
    memset(want, SCN_SENTINEL, sizeof(want));
    scn_expect_ram(ls, rep, SCN_RAM_B, want, sizeof(want),
                   "RAM after a 0-byte buffer -> RAM");
    scn_expect_buffer(ls, rep, &e, p, sizeof(p),
                      "buffer after the 0-byte transfers");
    return 0;
}

static int scn_dma_end_at_buffer_end(Lockstep *ls, ScnReport *rep)
{
    uint8_t p[EDU_DMA_BUF_SIZE];
    uint8_t q[0x100];
    uint8_t want[0x100 + 2 * SCN_GUARD];
    ScnEdu e;
    /* The whole buffer, both ways. */
    int rc = scn_probe_full_buffer(ls, rep, &e, p, 0xf0f0);

    if (rc < 0) {
        return rc;
    }
    if (!scn_expect_buffer(ls, rep, &e, p, sizeof(p),
                           "whole buffer after RAM -> buffer")) {
        return -EIO;
    }

    /* Its last 256 bytes, both ways. */
    scn_pattern(q, sizeof(q), 0x0f0f);
    if (!scn_load_buffer(ls, rep, &e, SCN_RAM_A + 0x2000, q,
                         EDU_DMA_BUF_SIZE - sizeof(q), sizeof(q))) {
        return -EIO;
    }
    memcpy(p + EDU_DMA_BUF_SIZE - sizeof(q), q, sizeof(q));
    scn_ram_fill(ls, SCN_RAM_B - SCN_GUARD, sizeof(want), SCN_SENTINEL);
    if (!scn_dma_polled(ls, rep, &e, SCN_DMA_BUF_END - sizeof(q), SCN_RAM_B,
                        sizeof(q), EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM)) {
        return -EIO;
    }
    memset(want, SCN_SENTINEL, sizeof(want));
    memcpy(want + SCN_GUARD, q, sizeof(q));
    scn_expect_ram(ls, rep, SCN_RAM_B - SCN_GUARD, want, sizeof(want),
                   "RAM after the buffer's last 256 bytes -> RAM");
    scn_expect_buffer(ls, rep, &e, p, sizeof(p), "whole buffer at the end");
    return 0;
}

static int scn_unknown_registers(Lockstep *ls, ScnReport *rep)
{
    static const uint32_t offsets[] = {
        0x0c,  0x10,    0x1c,    0x28,    0x3c,    0x5c,    0x60, 0x64,
        0x68,  0x7c,    0x84,    0x8c,    0x94,    0x9c,    0xa0, 0x100,
        0xffc, 0x3fffc, 0x40000, 0x40ffc, 0x41000, 0xffffc,
    };
    uint8_t p[0x40];
    ScnEdu e;
    int rc = scn_probe(ls, rep, &scn_enum_master, &e, 1);

    if (rc < 0) {
        return rc;
    }
    for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
        scn_expect(rep, REF_ONES32, scn_readl(ls, &e, offsets[i]),
                   "4-byte read of BAR0 + 0x%x", offsets[i]);
    }
    scn_expect(rep, REF_ONES64, scn_readq(ls, &e, 0xa0),
               "8-byte read of BAR0 + 0xa0");

    /* Writes there change nothing, the buffer at 0x40000 included. */
    scn_pattern(p, sizeof(p), 0x1234);
    if (!scn_load_buffer(ls, rep, &e, SCN_RAM_A, p, 0, sizeof(p))) {
        return -EIO;
    }
    scn_writel(ls, &e, EDU_REG_LIVENESS, 0x0000ffffu);
    for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
        if (offsets[i] != EDU_REG_IRQ_RAISE && offsets[i] != EDU_REG_IRQ_ACK) {
            scn_writel(ls, &e, offsets[i], 0x5a5a5a5au);
        }
    }
    scn_writeq(ls, &e, 0xa0, 0x5a5a5a5a5a5a5a5aull);
    scn_expect(rep, 0xffff0000u, scn_readl(ls, &e, EDU_REG_LIVENESS),
               "liveness after writes to unknown offsets");
    scn_expect(rep, 0, scn_readl(ls, &e, EDU_REG_STATUS),
               "STATUS after writes to unknown offsets");
    /* As the buffer's load left them: 0x84, 0x8c, 0x94 and 0x9c are not
     * the upper halves of the 64-bit registers. */
    scn_expect(rep, SCN_RAM_A, scn_readq(ls, &e, EDU_REG_DMA_SRC),
               "DMA_SRC after writes to unknown offsets");
    scn_expect(rep, EDU_DMA_BUF_ADDR, scn_readq(ls, &e, EDU_REG_DMA_DST),
               "DMA_DST after writes to unknown offsets");
    scn_expect(rep, sizeof(p), scn_readq(ls, &e, EDU_REG_DMA_COUNT),
               "DMA_COUNT after writes to unknown offsets");
    scn_expect(rep, 0, scn_readq(ls, &e, EDU_REG_DMA_CMD),
               "DMA_CMD after writes to unknown offsets");
    scn_expect_irq(ls, rep, &e, 0, REF_STATUS,
                   "after writes to unknown offsets");
    scn_expect_buffer(ls, rep, &e, p, sizeof(p),
                      "buffer after writes to BAR0 + 0x40000");
    return 0;
}

static int scn_access_sizes(Lockstep *ls, ScnReport *rep)
{
    static const struct {
        uint32_t off;
        unsigned size;
    } small[] = {
        {0x00, 1}, {0x00, 2}, {0x02, 2}, {0x04, 1}, {0x08, 2},    {0x20, 1},
        {0x80, 1}, {0x80, 2}, {0x98, 2}, {0x9a, 2}, {0x40000, 1},
    };
    static const uint32_t quads[] = {0x00, 0x08, 0x20, 0x78};
    ScnEdu e;
    int rc = scn_probe(ls, rep, &scn_enum_plain, &e, 1);

    if (rc < 0) {
        return rc;
    }
    /* Known contents first. */
    scn_writel(ls, &e, EDU_REG_LIVENESS, 0xffff0000u);
    scn_writel(ls, &e, EDU_REG_FACT, 3);
    if (!scn_wait_fact(ls, rep, &e)) {
        return -ETIMEDOUT;
    }

    /* 1- and 2-byte reads are refused before the device: 0. */
    for (size_t i = 0; i < sizeof(small) / sizeof(small[0]); i++) {
        scn_expect(rep, 0, drv_read(ls, e.bar + small[i].off, small[i].size),
                   "%u-byte read of BAR0 + 0x%x", small[i].size, small[i].off);
    }
    scn_expect(rep, 0, scn_readl(ls, &e, 0x02),
               "unaligned 4-byte read of BAR0 + 0x02");
    /* 8 bytes below 0x80: all ones. */
    for (size_t i = 0; i < sizeof(quads) / sizeof(quads[0]); i++) {
        scn_expect(rep, REF_ONES64, scn_readq(ls, &e, quads[i]),
                   "8-byte read of BAR0 + 0x%x", quads[i]);
    }

    /* Writes of the wrong size change nothing. */
    drv_write(ls, e.bar + EDU_REG_LIVENESS, 0x12, 1);
    drv_write(ls, e.bar + EDU_REG_LIVENESS, 0x1234, 2);
    scn_writeq(ls, &e, EDU_REG_ID, 0x12345678u);
    scn_expect(rep, 0x0000ffffu, scn_readl(ls, &e, EDU_REG_LIVENESS),
               "liveness after 1-, 2- and 8-byte writes");
    scn_writeq(ls, &e, EDU_REG_FACT, 5);
    if (!scn_wait_fact(ls, rep, &e)) {
        return -ETIMEDOUT;
    }
    scn_expect(rep, 6, scn_readl(ls, &e, EDU_REG_FACT),
               "FACT after an 8-byte write of 5 (ignored)");
    scn_writeq(ls, &e, EDU_REG_STATUS, EDU_STATUS_IRQFACT);
    drv_write(ls, e.bar + EDU_REG_STATUS, EDU_STATUS_IRQFACT, 1);
    scn_expect(rep, 0, scn_readl(ls, &e, EDU_REG_STATUS),
               "STATUS after 8- and 1-byte writes");
    drv_write(ls, e.bar + EDU_REG_IRQ_RAISE, 1, 2);
    scn_writeq(ls, &e, EDU_REG_IRQ_RAISE, 1);
    scn_expect_irq(ls, rep, &e, 0, REF_STATUS,
                   "after 2- and 8-byte writes to IRQ_RAISE");

    /* The 64-bit registers take 4 and 8 bytes. */
    scn_writeq(ls, &e, EDU_REG_DMA_SRC, 0x123456789abcdef0ull);
    scn_expect(rep, 0x123456789abcdef0ull, scn_readq(ls, &e, EDU_REG_DMA_SRC),
               "8-byte read of DMA_SRC");
    scn_expect(rep, 0x9abcdef0u, scn_readl(ls, &e, EDU_REG_DMA_SRC),
               "4-byte read of DMA_SRC (the low half)");
    drv_write(ls, e.bar + EDU_REG_DMA_SRC, 0x77, 1);
    drv_write(ls, e.bar + EDU_REG_DMA_SRC, 0x7777, 2);
    scn_expect(rep, 0x123456789abcdef0ull, scn_readq(ls, &e, EDU_REG_DMA_SRC),
               "DMA_SRC after 1- and 2-byte writes");
    scn_writel(ls, &e, EDU_REG_DMA_SRC, 0x100000u);
    scn_expect(rep, 0x100000u, scn_readq(ls, &e, EDU_REG_DMA_SRC),
               "DMA_SRC after a 4-byte write (zero-extended)");
    scn_writeq(ls, &e, EDU_REG_DMA_COUNT, 0xffffffff00000000ull);
    scn_expect(rep, 0xffffffff00000000ull, scn_readq(ls, &e, EDU_REG_DMA_COUNT),
               "DMA_COUNT");

    /* Unaligned, split as QEMU's memory core splits them (measured). */
    scn_writeq(ls, &e, EDU_REG_DMA_DST, 0x300000u);
    scn_expect(rep, 0x00300000ffffffffull, scn_readq(ls, &e, 0x84),
               "8-byte read of BAR0 + 0x84 (0x84, then 0x88)");
    scn_writeq(ls, &e, 0x84, 0xaabbccdd99887766ull);
    scn_expect(rep, 0xaabbccddu, scn_readq(ls, &e, EDU_REG_DMA_DST),
               "DMA_DST after an 8-byte write at 0x84");
    scn_expect(rep, 0x000000060000ffffull, scn_readq(ls, &e, 0x04),
               "8-byte read of BAR0 + 0x04 (liveness, then FACT)");
    return 0;
}

/* --- the table ------------------------------------------------------- */

static const Scenario scn_scenarios[] = {
    {"enumerate-and-probe",
     "scan bus 0 like firmware; the edu's IDs, class, BAR0, pin, MSI "
     "capability",
     SCN_ONE_EDU, true, scn_enumerate_and_probe},
    {"bar-sizing",
     "BAR0 sizing reads 0xfff00000, other BARs 0; COMMAND bits; decoding "
     "off and on; a move",
     SCN_ONE_EDU, true, scn_bar_sizing},
    {"liveness",
     "ID register, liveness inverts, reset values, read-only registers",
     SCN_ONE_EDU, true, scn_liveness},
    {"fact-polled",
     "factorials of 0, 1, 5, 12, 13, 20, 33, 34, 100 (wrapping), polling "
     "STATUS",
     SCN_ONE_EDU, true, scn_fact_polled},
    {"fact-intx",
     "factorial interrupt (STATUS bit 7) on INTx: configuration STATUS "
     "bit 3, acknowledge",
     SCN_ONE_EDU, true, scn_fact_intx},
    {"fact-msi",
     "factorial interrupt as an MSI into RAM; a message per raise; MSI "
     "and INTx",
     SCN_ONE_EDU, true, scn_fact_msi},
    {"dma-to-device-polled", "RAM -> buffer, 4095 bytes, polled; read back",
     SCN_ONE_EDU, true, scn_dma_to_device_polled},
    {"dma-to-device-intx",
     "RAM -> buffer, 256 bytes at buffer + 0x800, done on INTx", SCN_ONE_EDU,
     true, scn_dma_to_device_intx},
    {"dma-to-device-msi", "RAM -> buffer, 100 unaligned bytes, done on MSI",
     SCN_ONE_EDU, true, scn_dma_to_device_msi},
    {"dma-from-device-polled",
     "buffer + 2 -> RAM + 3, 8 bytes, polled; RAM around untouched",
     SCN_ONE_EDU, true, scn_dma_from_device_polled},
    {"dma-from-device-intx", "buffer -> RAM, 4095 bytes, done on INTx",
     SCN_ONE_EDU, true, scn_dma_from_device_intx},
    {"dma-from-device-msi", "buffer + 0xe00 -> RAM, 496 bytes, done on MSI",
     SCN_ONE_EDU, true, scn_dma_from_device_msi},
    {"bus-master-off",
     "bus mastering off: RAM -> buffer gives zeros, buffer -> RAM and MSI "
     "dropped",
     SCN_ONE_EDU, true, scn_bus_master_off},
    {"intx-disable",
     "COMMAND's INTx disable: configuration STATUS bit 3 still follows",
     SCN_ONE_EDU, true, scn_intx_disable},
    {"dma-mask-clamp",
     "dma_mask 0x1fffff: RAM addresses above it are clamped",
     {.n_edu = 1, .edu_slot = {SCN_SLOT}, .dma_mask = SCN_CLAMP_MASK},
     true,
     scn_dma_mask_clamp},
    {"two-devices",
     "edu at slots 4 and 5: own registers, factorials, DMAs and "
     "interrupts",
     {.n_edu = 2, .edu_slot = {SCN_SLOT, SCN_SLOT2}},
     true,
     scn_two_devices},
    {"dma-out-of-range",
     "out-of-range DMAs: nothing copied, RUN clears, interrupt if asked",
     SCN_ONE_EDU, false, scn_dma_out_of_range},
    {"dma-count-zero",
     "DMAs of 0 bytes: nothing copied, RUN clears, interrupt if asked",
     SCN_ONE_EDU, false, scn_dma_count_zero},
    {"dma-end-at-buffer-end",
     "transfers ending exactly at 0x41000, the whole buffer included",
     SCN_ONE_EDU, false, scn_dma_end_at_buffer_end},
    {"unknown-registers",
     "unlisted offsets read all ones, writes there change nothing", SCN_ONE_EDU,
     true, scn_unknown_registers},
    {"access-sizes",
     "1/2-byte accesses read 0, 8-byte below 0x80 all ones, 64-bit "
     "registers, splits",
     SCN_ONE_EDU, true, scn_access_sizes},
};

const Scenario *scn_table(size_t *n)
{
    *n = sizeof(scn_scenarios) / sizeof(scn_scenarios[0]);
    return scn_scenarios;
}

const Scenario *scn_find(const char *name)
{
    for (size_t i = 0; i < sizeof(scn_scenarios) / sizeof(scn_scenarios[0]);
         i++) {
        if (strcmp(scn_scenarios[i].name, name) == 0) {
            return &scn_scenarios[i];
        }
    }
    return NULL;
}

bool scn_run(const Scenario *s, Lockstep *ls, ScnReport *rep)
{
    FILE *log = rep->log;
    int rc;

    memset(rep, 0, sizeof(*rep));
    rep->log = log;
    rep->ls = ls;
    rep->qemu72 = s->on_qemu72;
    rc = s->run(ls, rep);
    if (ls->error) {
        rep->checks++;
        scn_fail(rep, ls->error_text);
    } else if (rc < 0 && rep->failures == 0) {
        scn_check(rep, false, "stopped: %s", strerror(-rc));
    }
    return rep->failures == 0;
}

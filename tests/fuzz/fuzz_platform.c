/*
 * Fuzz target: arbitrary operation streams against the C-model platform.
 *
 * The input is a stream of operations a guest (or the testbench) could
 * issue: port I/O anywhere, configuration writes of any size and offset,
 * memory access of any size at any address (BAR0, RAM, nowhere), DMA
 * programming with arbitrary addresses and counts, MSI set-up, DMA masks,
 * time steps.  Besides "no crash" (address and undefined-behaviour
 * sanitizers), invariants are checked after every step:
 *   - the clock never goes back;
 *   - INTx asserted implies irq_status != 0 and MSI off (QEMU's rule; the
 *     converse does not hold, see docs/reference.md);
 *   - a DMA's RUN and the factorial's COMPUTING clear within a bounded time;
 *   - RAM changes only where the CPU wrote, a DMA to RAM was programmed, or
 *     an MSI could land.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "edu/bytes.h"
#include "edu/host.h"

#define FZ_RAM_SIZE   (64u << 10) /* small: RAM is compared every run */
#define FZ_SLOT       4
#define FZ_BAR0       0xe0000000u
/* Longer than any DMA (4 KiB in 64-byte bursts) or factorial can take. */
#define FZ_SETTLE     100000u
#define FZ_MAX_RANGES 256

typedef struct FzRange {
    uint64_t start;
    uint64_t len;
} FzRange;

typedef struct Fz {
    const uint8_t *p;
    size_t left;
    Host *host;
    EduDevice *edu[2];
    uint64_t dma_mask[2];       /* as set on each device */
    FzRange dma_noted[2];       /* the last running DMA's range noted */
    uint8_t *shadow;            /* what RAM must hold outside 'allowed' */
    FzRange allowed[FZ_MAX_RANGES];
    unsigned n_allowed;
    bool overflow;              /* too many ranges: RAM not checked */
    uint64_t last_now;
} Fz;

static void fz_fail(void)
{
    abort();
}

static uint64_t fz_bytes(Fz *f, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < n && f->left; i++, f->left--) {
        v |= (uint64_t)*f->p++ << (8 * i);
    }
    return v;
}

static unsigned fz_size(Fz *f, bool with_8)
{
    static const unsigned sizes[] = {1, 2, 4, 8};

    return sizes[fz_bytes(f, 1) % (with_8 ? 4 : 3)];
}

static void fz_allow(Fz *f, uint64_t start, uint64_t len)
{
    if (start >= FZ_RAM_SIZE || len == 0) {
        return;
    }
    if (f->n_allowed == FZ_MAX_RANGES) {
        f->overflow = true;
        return;
    }
    f->allowed[f->n_allowed++] = (FzRange){start, len};
}

/* An address: mostly BAR0 or RAM, sometimes anywhere. */
static uint64_t fz_address(Fz *f)
{
    switch (fz_bytes(f, 1) % 4) {
    case 0:
    case 1:
        return FZ_BAR0 + (fz_bytes(f, 3) & 0xfffff);
    case 2:
        return fz_bytes(f, 3) % FZ_RAM_SIZE;
    default:
        return fz_bytes(f, 8);
    }
}

static void fz_cfg_write(Fz *f, unsigned devfn, unsigned off, uint32_t val,
                         unsigned size)
{
    host_io_write(f->host, PCI_CONFIG_ADDRESS_PORT,
                  PCI_CONFIG_ENABLE | devfn << 8 | (off & 0xfc), 4);
    host_io_write(f->host, (uint16_t)(PCI_CONFIG_DATA_PORT + (off & 3)), val,
                  size);
}

static void fz_mem_write(Fz *f, uint64_t addr, uint64_t val, unsigned size)
{
    uint8_t bytes[8];

    host_mem_write(f->host, addr, val, size);
    edu_store_le(bytes, val, size);
    /* What the CPU wrote into RAM is what RAM must hold. */
    if (addr < FZ_RAM_SIZE) {
        uint64_t n = size < FZ_RAM_SIZE - addr ? size : FZ_RAM_SIZE - addr;

        memcpy(f->shadow + addr, bytes, n);
    }
}

/* A DMA programmed from the input, mostly in range, sometimes anything. */
static void fz_dma(Fz *f, uint64_t bar)
{
    bool wild = fz_bytes(f, 1) % 4 == 0;
    uint64_t ram = wild ? fz_bytes(f, 8) : fz_bytes(f, 3) % FZ_RAM_SIZE;
    uint64_t buf = wild ? fz_bytes(f, 8)
                        : EDU_DMA_BUF_ADDR + fz_bytes(f, 2) % 4097;
    uint64_t count = wild ? fz_bytes(f, 8) : fz_bytes(f, 2) % 4097;
    uint64_t cmd = fz_bytes(f, 1);
    bool to_ram = cmd & EDU_DMA_CMD_TO_RAM;
    unsigned size = fz_bytes(f, 1) % 2 ? 8 : 4;

    host_mem_write(f->host, bar + EDU_REG_DMA_SRC, to_ram ? buf : ram, size);
    host_mem_write(f->host, bar + EDU_REG_DMA_DST, to_ram ? ram : buf, size);
    host_mem_write(f->host, bar + EDU_REG_DMA_COUNT, count, size);
    host_mem_write(f->host, bar + EDU_REG_DMA_CMD, cmd, size);
}

/* A register's value, read straight from the device: no bus, no time. */
static uint64_t fz_peek(PciFunction *fn, uint64_t reg, uint64_t now)
{
    return fn->ops->bar_read(fn, 0, reg, 8, now);
}

/* A DMA to RAM that has started (by whatever write) may write 'count'
 * bytes from its masked destination.  Its registers cannot change while it
 * runs, but one transfer may end and the next start between two checks, so
 * every range seen is noted, not just the first of a busy stretch. */
static void fz_note_dma(Fz *f, unsigned i, PciFunction *fn, uint64_t now)
{
    uint64_t cmd = fz_peek(fn, EDU_REG_DMA_CMD, now);
    FzRange r;

    if ((cmd & (EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM)) !=
        (EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM)) {
        return;
    }
    r.start = fz_peek(fn, EDU_REG_DMA_DST, now) & f->dma_mask[i];
    r.len = fz_peek(fn, EDU_REG_DMA_COUNT, now);
    if (r.start != f->dma_noted[i].start || r.len != f->dma_noted[i].len) {
        fz_allow(f, r.start, r.len);
        f->dma_noted[i] = r;
    }
}

static void fz_check(Fz *f)
{
    uint64_t now = host_now(f->host);

    if (now < f->last_now) {
        fz_fail();
    }
    f->last_now = now;
    host_sync(f->host);
    for (unsigned i = 0; i < 2; i++) {
        PciFunction *fn;
        EduState st;

        if (!f->edu[i]) {
            continue;
        }
        fn = edu_function(f->edu[i]);
        edu_get_state(f->edu[i], &st);
        fz_note_dma(f, i, fn, now);
        if (fn->cfg.intx_level &&
            (st.irq_status == 0 || pci_cfg_msi_enabled(&fn->cfg))) {
            fz_fail();
        }
        /* MSI messages may land at the address programmed now. */
        if (pci_cfg_msi_enabled(&fn->cfg)) {
            uint64_t addr;
            uint32_t data;

            pci_cfg_msi_message(&fn->cfg, &addr, &data);
            fz_allow(f, addr, 4);
        }
    }
}

static void fz_settle(Fz *f)
{
    host_advance(f->host, FZ_SETTLE);
    for (unsigned i = 0; i < 2; i++) {
        EduState st;

        if (f->edu[i]) {
            edu_get_state(f->edu[i], &st);
            if (st.dma_busy || st.fact_busy) {
                fz_fail();
            }
        }
    }
}

static bool fz_allowed(const Fz *f, uint64_t addr)
{
    for (unsigned i = 0; i < f->n_allowed; i++) {
        if (addr - f->allowed[i].start < f->allowed[i].len) {
            return true;
        }
    }
    return false;
}

static void fz_check_ram(Fz *f)
{
    static uint8_t ram[FZ_RAM_SIZE];

    if (f->overflow) {
        return;
    }
    host_ram_read(f->host, 0, ram, FZ_RAM_SIZE);
    if (memcmp(ram, f->shadow, FZ_RAM_SIZE) == 0) {
        return;
    }
    for (uint64_t a = 0; a < FZ_RAM_SIZE; a++) {
        if (ram[a] != f->shadow[a] && !fz_allowed(f, a)) {
            fz_fail();
        }
    }
}

/* One operation.  Every input byte is read in a fixed order (one call per
 * statement), so an input means the same to every compiler. */
static void fz_step(Fz *f)
{
    unsigned which = (unsigned)fz_bytes(f, 1);
    unsigned idx = which >> 7 & (f->edu[1] ? 1 : 0);
    uint64_t bar = FZ_BAR0 + idx * EDU_BAR0_SIZE;
    unsigned devfn = PCI_DEVFN(FZ_SLOT + idx, 0);
    uint64_t a, v;
    unsigned size;
    uint32_t v32;

    switch (which % 12) {
    case 0: /* port write, anywhere */
        a = fz_bytes(f, 1) % 2 ? 0xcf8 + fz_bytes(f, 1) % 8 : fz_bytes(f, 2);
        v = fz_bytes(f, 4);
        size = fz_size(f, false);
        host_io_write(f->host, (uint16_t)a, (uint32_t)v, size);
        break;
    case 1: /* port read */
        a = 0xcf8 + fz_bytes(f, 1) % 8;
        size = fz_size(f, false);
        host_io_read(f->host, (uint16_t)a, size, &v32);
        break;
    case 2: /* configuration write of any size at any offset */
        if (fz_bytes(f, 1) % 4 == 0) {
            devfn = (unsigned)fz_bytes(f, 1);
        }
        a = fz_bytes(f, 1);
        v = fz_bytes(f, 4);
        size = fz_size(f, false);
        fz_cfg_write(f, devfn, (unsigned)a, (uint32_t)v, size);
        break;
    case 3: /* the set-up a driver does: BAR0 and COMMAND */
        v = fz_bytes(f, 2);
        fz_cfg_write(f, devfn, PCI_BASE_ADDRESS_0, (uint32_t)bar, 4);
        fz_cfg_write(f, devfn, PCI_COMMAND, PCI_COMMAND_MEMORY | (uint32_t)v,
                     2);
        break;
    case 4: /* MSI address and control */
        a = fz_bytes(f, 4);
        v = fz_bytes(f, 1);
        fz_cfg_write(f, devfn, EDU_MSI_CAP_OFFSET + PCI_MSI_ADDRESS_LO,
                     (uint32_t)a, 4);
        fz_cfg_write(f, devfn, EDU_MSI_CAP_OFFSET + PCI_MSI_FLAGS,
                     (uint32_t)v, 1);
        break;
    case 5: /* memory write of any size anywhere */
        a = fz_address(f);
        v = fz_bytes(f, 8);
        size = fz_size(f, true);
        fz_mem_write(f, a, v, size);
        break;
    case 6: /* memory read of any size anywhere */
        a = fz_address(f);
        size = fz_size(f, true);
        host_mem_read(f->host, a, size, &v);
        break;
    case 7:
        fz_dma(f, bar);
        break;
    case 8: /* registers that start work or raise interrupts */
        a = fz_bytes(f, 1) % 2 ? EDU_REG_FACT : EDU_REG_IRQ_RAISE;
        v = fz_bytes(f, 4);
        host_mem_write(f->host, bar + a, v, 4);
        break;
    case 9:
        host_advance(f->host, fz_bytes(f, 2));
        break;
    case 10:
        fz_settle(f);
        break;
    default:
        f->dma_mask[idx] = fz_bytes(f, 8);
        edu_set_dma_mask(f->edu[idx], f->dma_mask[idx]);
        break;
    }
    fz_check(f);
}

static void fz_silent(void *opaque, const char *msg)
{
    (void)opaque;
    (void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t shadow[FZ_RAM_SIZE];
    HostConfig cfg = {.ram_size = FZ_RAM_SIZE, .log_fn = fz_silent};
    Fz f = {
        .p = data,
        .left = size,
        .shadow = shadow,
        .dma_mask = {EDU_DMA_MASK_DEFAULT, EDU_DMA_MASK_DEFAULT},
    };

    memset(shadow, 0, sizeof(shadow));
    f.host = host_create(&cfg);
    if (!f.host || host_add_edu(f.host, FZ_SLOT, 0, &f.edu[0]) < 0) {
        abort();
    }
    if (size && data[0] & 1) {
        host_add_edu(f.host, FZ_SLOT + 1, 0, &f.edu[1]);
    }
    while (f.left) {
        fz_step(&f);
    }
    fz_settle(&f);
    fz_check_ram(&f);
    host_destroy(f.host);
    return 0;
}

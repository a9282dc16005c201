/*
 * Constrained-random driver-like streams (see random.h for the rules).
 */
#include <errno.h>
#include <string.h>

#include "driver.h"
#include "edu/regs.h"
#include "random.h"

/* RAM the stream uses: above the legacy areas below 1 MiB (QEMU maps ROM
 * and VGA windows there) and inside QEMU's 128 MiB. */
#define RND_RAM_BASE    0x00100000ull
#define RND_RAM_END     0x08000000ull
/* Where MSI messages land: one 4 KiB page per device. */
#define RND_MSI_BASE    0x00f00000ull
/* BAR0 placements stay in the enumerator's window, 1 MiB apart. */
#define RND_BAR_SLOTS   ((DRV_MEM_WINDOW_END - DRV_MEM_WINDOW_BASE) >> 20)
/* Long enough for QEMU's thread and its 100 ms DMA timer. */
#define RND_WAIT_NS     2000000000ull
/* A pause before looking for an MSI message, as a driver would take its
 * interrupt first: on a bus whose target retries (rtl-stress) the message
 * lands some clocks after the raise. */
#define RND_MSI_SETTLE_NS 1000u
/* QEMU's DMA takes 100 ms of real time: at most one per this many ops. */
#define RND_OPS_PER_DMA 60

typedef struct RndDevice {
    unsigned devfn;
    uint64_t bar0;
} RndDevice;

typedef struct Rnd {
    Lockstep *ls;
    const RandomConfig *cfg;
    uint64_t dma_mask;          /* the devices' */
    uint64_t state;
    const uint8_t *entropy;     /* RandomConfig's, still to take */
    size_t entropy_left;
    unsigned n_dev;
    RndDevice dev[EDU_PLATFORM_MAX_EDU];
    uint32_t edu_slots;         /* bit per slot holding an edu */
    unsigned long dmas;
    uint8_t buf[EDU_DMA_BUF_SIZE];
} Rnd;

/* splitmix64: small, fast, and the same sequence everywhere. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rnd_next(Rnd *r)
{
    uint64_t v = 0;

    if (!r->entropy) {
        return splitmix64(&r->state);
    }
    for (unsigned i = 0; i < 8 && r->entropy_left; i++, r->entropy_left--) {
        v |= (uint64_t)*r->entropy++ << (8 * i);
    }
    return v;
}

void random_numbers(uint64_t seed, uint8_t *out, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        uint64_t v = splitmix64(&seed);

        for (unsigned i = 0; i < 8; i++) {
            *out++ = (uint8_t)(v >> (8 * i));
        }
    }
}

static uint64_t rnd_below(Rnd *r, uint64_t n)
{
    return n ? rnd_next(r) % n : 0;
}

static bool rnd_chance(Rnd *r, unsigned percent)
{
    return rnd_below(r, 100) < percent;
}

static unsigned rnd_size(Rnd *r, bool with_8)
{
    static const unsigned sizes[] = {1, 2, 4, 8};

    return sizes[rnd_below(r, with_8 ? 4 : 3)];
}

static uint64_t rnd_value(Rnd *r, unsigned size)
{
    uint64_t v = rnd_next(r);

    /* Small values and all-ones find more edges than uniform ones. */
    switch (rnd_below(r, 4)) {
    case 0:
        v &= 0xff;
        break;
    case 1:
        v = ~0ull;
        break;
    default:
        break;
    }
    return size == 8 ? v : v & ((1ull << (8 * size)) - 1);
}

static RndDevice *rnd_device(Rnd *r)
{
    return &r->dev[rnd_below(r, r->n_dev)];
}

static void rnd_config_cycle(Rnd *r, uint32_t address, unsigned port_off,
                             unsigned size, bool write, uint32_t val)
{
    Op latch = {.kind = OP_OUT, .size = 4, .addr = PCI_CONFIG_ADDRESS_PORT,
                .value = address};
    Op data = {.kind = write ? OP_OUT : OP_IN, .size = size,
               .addr = PCI_CONFIG_DATA_PORT + port_off, .value = val};

    lockstep_exec(r->ls, &latch, NULL);
    lockstep_exec(r->ls, &data, NULL);
}

/* A configuration read anywhere the views agree with QEMU: the edu
 * functions, the host bridge's header, absent functions; sometimes with
 * odd latch values (low bits set, bit 31 clear, another bus). */
static void act_config_read(Rnd *r)
{
    unsigned devfn, off, size = rnd_size(r, false);
    unsigned pick = (unsigned)rnd_below(r, 10);
    uint32_t address;

    if (pick < 6) {
        devfn = rnd_device(r)->devfn;
        off = (unsigned)rnd_below(r, 256);
    } else if (pick < 7) {
        devfn = 0;
        off = (unsigned)rnd_below(r, PCI_HEADER_END);
    } else {
        unsigned slot;

        do {
            slot = 2 + (unsigned)rnd_below(r, 30);
        } while (r->edu_slots & (1u << slot));
        devfn = PCI_DEVFN(slot, rnd_below(r, 8));
        off = (unsigned)rnd_below(r, 256);
    }
    address = PCI_CONFIG_ENABLE | devfn << 8 | (off & 0xfc);
    if (rnd_chance(r, 5)) {
        address &= ~PCI_CONFIG_ENABLE;
    } else if (rnd_chance(r, 5)) {
        address |= (uint32_t)(1 + rnd_below(r, 255)) << 16;
    } else if (devfn != 0 && rnd_chance(r, 10)) {
        address |= (uint32_t)rnd_below(r, 4);
    }
    rnd_config_cycle(r, address, off & 3, size, false, 0);
    if (rnd_chance(r, 10)) {
        Op op = {.kind = OP_IN, .size = 4, .addr = PCI_CONFIG_ADDRESS_PORT};

        lockstep_exec(r->ls, &op, NULL);
    }
}

/* A configuration write to an edu function that keeps it decoding where
 * the stream expects and its MSI messages in RAM. */
static void act_config_write(Rnd *r)
{
    RndDevice *d = rnd_device(r);
    unsigned size = rnd_size(r, false);
    unsigned off;
    uint32_t val = (uint32_t)rnd_value(r, size);

    switch (rnd_below(r, 8)) {
    case 0: /* read-only and write-1-to-clear bytes of the header */
        do {
            off = (unsigned)rnd_below(r, PCI_HEADER_END);
        } while ((off >= PCI_COMMAND && off < PCI_COMMAND + 2) ||
                 (off >= PCI_BASE_ADDRESS_0 && off < PCI_BASE_ADDRESS_0 + 4));
        off &= ~(size - 1);
        if (off < PCI_COMMAND + 2 && off + size > PCI_COMMAND) {
            off = PCI_STATUS;
            size = 2;
        }
        break;
    case 1: /* COMMAND: memory stays on, the rest at random */
        off = PCI_COMMAND;
        size = 2;
        val = (val & (PCI_COMMAND_IO | PCI_COMMAND_SERR |
                      PCI_COMMAND_INTX_DISABLE | 0xf8f8u)) |
              PCI_COMMAND_MEMORY |
              (rnd_chance(r, 80) ? PCI_COMMAND_MASTER : 0);
        break;
    case 2: /* cache line size, interrupt line */
        off = rnd_chance(r, 50) ? PCI_CACHE_LINE_SIZE : PCI_INTERRUPT_LINE;
        size = 1;
        break;
    case 3: /* MSI control */
        off = EDU_MSI_CAP_OFFSET + PCI_MSI_FLAGS;
        size = rnd_chance(r, 50) ? 1 : 2;
        val &= 0xff;
        break;
    case 4: /* MSI address, kept in this device's RAM page */
        off = EDU_MSI_CAP_OFFSET + PCI_MSI_ADDRESS_LO;
        size = 4;
        val = (uint32_t)(RND_MSI_BASE + (uint64_t)(d - r->dev) * 0x1000 +
                         (rnd_next(r) & 0xffc));
        break;
    case 5: /* MSI data */
        off = EDU_MSI_CAP_OFFSET + PCI_MSI_DATA_64;
        size = 2;
        val &= 0xffff;
        break;
    case 6: /* capability header bytes (read-only) */
        off = EDU_MSI_CAP_OFFSET + (unsigned)rnd_below(r, 2);
        size = 1;
        break;
    default: /* device-specific storage after the capability */
        off = 0x4e + (unsigned)rnd_below(r, 0xb2);
        off &= ~(size - 1);
        if (off < 0x4e) {
            off = 0x4e;
            size = 2;
        }
        break;
    }
    if (size < 4) {
        val &= (1u << (8 * size)) - 1;
    }
    rnd_config_cycle(r, PCI_CONFIG_ENABLE | d->devfn << 8 | (off & 0xfc),
                     off & 3, size, true, val);
    if (rnd_chance(r, 50)) {
        /* Read back, as a driver checks what it wrote. */
        rnd_config_cycle(r, PCI_CONFIG_ENABLE | d->devfn << 8 | (off & 0xfc),
                         off & 3, size, false, 0);
    }
}

/* Sizes BAR0 like firmware, or moves it within the window. */
static void rnd_bar0(Rnd *r, RndDevice *d, bool size)
{
    if (size) {
        uint32_t old = drv_cfg_read(r->ls, d->devfn, PCI_BASE_ADDRESS_0, 4);

        drv_cfg_write(r->ls, d->devfn, PCI_BASE_ADDRESS_0, 0xffffffffu, 4);
        drv_cfg_read(r->ls, d->devfn, PCI_BASE_ADDRESS_0, 4);
        drv_cfg_write(r->ls, d->devfn, PCI_BASE_ADDRESS_0, old, 4);
        return;
    }
    for (;;) {
        uint64_t base = DRV_MEM_WINDOW_BASE +
                        (rnd_below(r, RND_BAR_SLOTS) << 20);
        bool taken = false;

        for (unsigned i = 0; i < r->n_dev; i++) {
            taken |= &r->dev[i] != d && r->dev[i].bar0 == base;
        }
        if (!taken) {
            drv_cfg_write(r->ls, d->devfn, PCI_BASE_ADDRESS_0,
                          (uint32_t)base, 4);
            d->bar0 = base;
            return;
        }
    }
}

static void act_bar0(Rnd *r)
{
    RndDevice *d = rnd_device(r);

    rnd_bar0(r, d, rnd_chance(r, 50));
}

static uint64_t rnd_reg_offset(Rnd *r, unsigned size)
{
    static const uint64_t regs[] = {
        0x00, 0x04, 0x08, 0x0c, 0x20, 0x24, 0x60, 0x64, 0x80, 0x84,
        0x88, 0x8c, 0x90, 0x94, 0x98, 0x9c, 0xa0, 0x40000, 0x40ffc,
    };
    uint64_t off;

    switch (rnd_below(r, 10)) {
    case 0:
    case 1:
        off = rnd_below(r, 0x100);
        break;
    case 2:
        off = rnd_below(r, EDU_BAR0_SIZE - 8);
        break;
    default:
        off = regs[rnd_below(r, sizeof(regs) / sizeof(regs[0]))];
        if (rnd_chance(r, 15)) {
            off += 1 + rnd_below(r, 7);
        }
        break;
    }
    /* Stay inside the BAR: past it nobody (models) or QEMU's 0 answers. */
    return off + size <= EDU_BAR0_SIZE ? off : EDU_BAR0_SIZE - size;
}

static void act_reg_read(Rnd *r)
{
    RndDevice *d = rnd_device(r);
    unsigned size = rnd_size(r, true);

    drv_read(r->ls, d->bar0 + rnd_reg_offset(r, size), size);
}

static bool overlaps(uint64_t off, unsigned size, uint64_t reg, unsigned n)
{
    return off < reg + n && reg < off + size;
}

/* Whether a write may start work: a 4-byte piece at FACT, a 4- or 8-byte
 * one at DMA_CMD (1- and 2-byte pieces are refused, an 8-byte one below
 * 0x80 ignored).  Those go through the factorial and DMA actions, which
 * wait for the work to finish. */
static bool rnd_starts_work(uint64_t off, unsigned size)
{
    bool aligned = (off & (size - 1)) == 0;

    if (!aligned) {
        return overlaps(off, size, EDU_REG_FACT, 4) ||
               overlaps(off, size, EDU_REG_DMA_CMD, 8);
    }
    return (off == EDU_REG_FACT && size == 4) ||
           (off == EDU_REG_DMA_CMD && size >= 4);
}

/* Register writes that start no work (rnd_starts_work). */
static void act_reg_write(Rnd *r)
{
    RndDevice *d = rnd_device(r);
    unsigned size = rnd_size(r, true);
    uint64_t off;

    do {
        off = rnd_reg_offset(r, size);
    } while (rnd_starts_work(off, size));
    drv_write(r->ls, d->bar0 + off, rnd_value(r, size), size);
    if (rnd_chance(r, 50)) {
        /* Read back, as a driver checks what it wrote. */
        drv_read(r->ls, d->bar0 + (off & ~3ull), rnd_chance(r, 50) ? 4 : 8);
    }
}

/* The liveness check of a probe: a value written, its inverse read. */
static void act_liveness(Rnd *r)
{
    RndDevice *d = rnd_device(r);

    drv_write(r->ls, d->bar0 + EDU_REG_LIVENESS, rnd_value(r, 4), 4);
    drv_read(r->ls, d->bar0 + EDU_REG_LIVENESS, 4);
}

static void rnd_irq_status(Rnd *r, RndDevice *d)
{
    drv_read(r->ls, d->bar0 + EDU_REG_IRQ_STATUS, 4);
    /* STATUS alone, or with COMMAND in one DWORD. */
    if (rnd_chance(r, 50)) {
        drv_cfg_read(r->ls, d->devfn, PCI_STATUS, 2);
    } else {
        drv_cfg_read(r->ls, d->devfn, PCI_COMMAND, 4);
    }
}

static void rnd_maybe_ack(Rnd *r, RndDevice *d)
{
    if (rnd_chance(r, 70)) {
        drv_write(r->ls, d->bar0 + EDU_REG_IRQ_ACK,
                  rnd_chance(r, 70) ? 0xffffffffu : rnd_next(r), 4);
        rnd_irq_status(r, d);
    }
}

/* -1 in a knob: the stream's own choice. */
#define RND_ANY (-1)

/* A factorial of an operand of class 'cls' (COV_FOP_*), with or without
 * its interrupt. */
static void rnd_factorial(Rnd *r, RndDevice *d, int cls, int want_irq)
{
    static const uint32_t lo[] = {0, 1, 2, 12, 13, 14, 34};
    static const uint32_t span[] = {1, 1, 10, 1, 1, 20, 2000};
    uint32_t n = (uint32_t)(rnd_chance(r, 80) ? rnd_below(r, 21)
                                              : rnd_below(r, 2000));
    bool irq = want_irq == RND_ANY ? rnd_chance(r, 50) : want_irq;

    if (cls != RND_ANY) {
        n = lo[cls] + (uint32_t)rnd_below(r, span[cls]);
    }
    if (n >= 34 && r->cfg->beyond_qemu72 && rnd_chance(r, 30)) {
        /* Any 32-bit operand: the unit stops once the product is 0
         * (QEMU's thread would count all the way down). */
        n = 34 + (uint32_t)rnd_below(r, 0xffffffffu - 34);
    }
    if (irq) {
        /* A stale factorial interrupt would end the wait below early. */
        drv_write(r->ls, d->bar0 + EDU_REG_IRQ_ACK, EDU_IRQ_FACT, 4);
    }
    drv_write(r->ls, d->bar0 + EDU_REG_STATUS, irq ? EDU_STATUS_IRQFACT : 0,
              4);
    drv_write(r->ls, d->bar0 + EDU_REG_FACT, n, 4);
    drv_wait(r->ls, d->bar0 + EDU_REG_STATUS, 4, EDU_STATUS_COMPUTING, 0,
             RND_WAIT_NS, NULL);
    if (irq) {
        /* QEMU's factorial thread raises the interrupt just after it
         * clears COMPUTING: wait for it as a driver would. */
        drv_wait(r->ls, d->bar0 + EDU_REG_IRQ_STATUS, 4, EDU_IRQ_FACT,
                 EDU_IRQ_FACT, RND_WAIT_NS, NULL);
    }
    drv_read(r->ls, d->bar0 + EDU_REG_FACT, 4);
    rnd_irq_status(r, d);
    rnd_maybe_ack(r, d);
}

static void act_factorial(Rnd *r)
{
    rnd_factorial(r, rnd_device(r), RND_ANY, RND_ANY);
}

/* An operand written while the factorial unit computes a long one (which
 * it ignores): only where QEMU is not compared, whose thread is done
 * before the second write. */
static void act_fact_busy(Rnd *r)
{
    RndDevice *d = rnd_device(r);

    if (!r->cfg->beyond_qemu72) {
        rnd_factorial(r, d, RND_ANY, RND_ANY);
        return;
    }

    drv_write(r->ls, d->bar0 + EDU_REG_STATUS, 0, 4);
    drv_write(r->ls, d->bar0 + EDU_REG_FACT, 500 + rnd_below(r, 1000), 4);
    drv_write(r->ls, d->bar0 + EDU_REG_FACT, rnd_below(r, 21), 4);
    drv_read(r->ls, d->bar0 + EDU_REG_STATUS, 4);
    drv_wait(r->ls, d->bar0 + EDU_REG_STATUS, 4, EDU_STATUS_COMPUTING, 0,
             RND_WAIT_NS, NULL);
    drv_read(r->ls, d->bar0 + EDU_REG_FACT, 4);
}

static void rnd_fill(Rnd *r, uint8_t *buf, unsigned len)
{
    for (unsigned i = 0; i < len; i++) {
        buf[i] = (uint8_t)rnd_next(r);
    }
}

/* What a DMA is asked to be (RND_ANY: the stream's choice); the
 * coverage bins' coordinates (cover.h). */
typedef struct RndDma {
    int dir;        /* 0 RAM -> buffer, 1 buffer -> RAM */
    int master;     /* COMMAND.bus_master at the start */
    int count;      /* COV_CNT_* */
    int align;      /* RAM side: 0 8-aligned, 1 4, 2 2, 3 odd */
    int pos;        /* COV_POS_* */
    int above;      /* RAM address given with bits above dma_mask */
    int irq;        /* the IRQ flag */
    int busy;       /* COV_BUSY_*: that register written while it runs */
} RndDma;

static const RndDma rnd_dma_any = {RND_ANY, RND_ANY, RND_ANY, RND_ANY,
                                   RND_ANY, RND_ANY, RND_ANY, RND_ANY};

/* The count of a class. */
static uint64_t rnd_dma_count(Rnd *r, int cls)
{
    static const uint64_t counts[] = {0, 1, 4, 63, 64, 65, 4095, 4096};
    uint64_t n;

    if (cls != COV_CNT_OTHER) {
        return counts[cls];
    }
    do {
        n = 2 + rnd_below(r, 4093);
    } while (n == 4 || n == 63 || n == 64 || n == 65);
    return n;
}

/*
 * Where the buffer side starts for 'count' bytes at position 'pos'
 * (COV_POS_*); false when the two do not go together.  Wrapping changes
 * the count too.
 */
static bool rnd_dma_place(Rnd *r, int pos, uint64_t *count, uint64_t *buf)
{
    uint64_t end = EDU_DMA_BUF_ADDR + EDU_DMA_BUF_SIZE;

    switch (pos) {
    case RND_ANY: /* anywhere in range */
        *buf = EDU_DMA_BUF_ADDR + rnd_below(r, EDU_DMA_BUF_SIZE - *count);
        return *count < EDU_DMA_BUF_SIZE;
    case COV_POS_START:
        *buf = EDU_DMA_BUF_ADDR;
        return *count < EDU_DMA_BUF_SIZE;
    case COV_POS_INSIDE:
        if (*count + 1 >= EDU_DMA_BUF_SIZE) {
            return false;
        }
        *buf = EDU_DMA_BUF_ADDR + 1 +
               rnd_below(r, EDU_DMA_BUF_SIZE - 1 - *count);
        return true;
    case COV_POS_END_EXACT:
        *buf = end - *count;
        return *count <= EDU_DMA_BUF_SIZE;
    case COV_POS_BEYOND:
        if (*count == 0 || rnd_chance(r, 50)) {
            *buf = EDU_DMA_BUF_ADDR - 1 - rnd_below(r, 0x1000);
        } else {
            *buf = end - *count + 1 + rnd_below(r, 64);
        }
        return true;
    default: /* wrapping round 2^64 */
        *buf = EDU_DMA_BUF_ADDR + rnd_below(r, EDU_DMA_BUF_SIZE);
        *count = ~0ull - rnd_below(r, 0x100);
        return true;
    }
}

/*
 * A DMA as 'want' asks, else in range: count >= 1 and, unless the stream
 * goes beyond what QEMU 7.2 survives, the buffer-side end strictly below
 * 0x41000.  The RAM side is under the devices' dma_mask, and sometimes
 * given to the device with bits above the mask set, which it must drop.
 * False when QEMU 7.2 would not survive what 'want' asks (nothing sent).
 */
static bool rnd_dma(Rnd *r, const RndDma *want)
{
    RndDevice *d = rnd_device(r);
    bool qemu = !r->cfg->beyond_qemu72;
    uint64_t count = 1 + (rnd_chance(r, 70) ? rnd_below(r, 64)
                                            : rnd_below(r, 4095));
    uint64_t buf;
    uint64_t ram_end = r->dma_mask < RND_RAM_END ? r->dma_mask + 1
                                                 : RND_RAM_END;
    uint64_t ram = RND_RAM_BASE + rnd_below(r, ram_end - RND_RAM_BASE -
                                                   EDU_DMA_BUF_SIZE);
    uint64_t ram_dev;
    bool to_ram = want->dir == RND_ANY ? rnd_chance(r, 50) : want->dir;
    bool irq = want->irq == RND_ANY ? rnd_chance(r, 50) : want->irq;
    uint64_t cmd = EDU_DMA_CMD_RUN | (to_ram ? EDU_DMA_CMD_TO_RAM : 0) |
                   (irq ? EDU_DMA_CMD_IRQ : 0);
    unsigned size = rnd_chance(r, 50) ? 4 : 8;
    int pos = want->pos;

    if (r->cfg->beyond_qemu72 && rnd_chance(r, 30)) {
        /* Bits the engine ignores, kept and read back. */
        cmd |= rnd_next(r) & ~7ull & (size == 4 ? 0xffffffffull : ~0ull);
    }
    bool in_range, guard;
    unsigned len;

    if (want->count != RND_ANY) {
        count = rnd_dma_count(r, want->count);
    }
    if (want->busy != RND_ANY) {
        /* Long enough to be running still after two more accesses. */
        count = 2048 + rnd_below(r, 1024);
    }
    if (pos == RND_ANY && !qemu && rnd_chance(r, 25)) {
        pos = COV_POS_END_EXACT; /* QEMU 7.2's off-by-one */
    }
    if (!rnd_dma_place(r, pos, &count, &buf)) {
        return false;
    }
    in_range = pos == RND_ANY || pos == COV_POS_START ||
               pos == COV_POS_INSIDE || pos == COV_POS_END_EXACT;
    if (qemu && (count == 0 || (pos != RND_ANY && pos != COV_POS_START &&
                                pos != COV_POS_INSIDE))) {
        return false; /* QEMU 7.2 aborts (docs/reference.md) */
    }
    if (want->align != RND_ANY) {
        static const uint64_t low[] = {0, 4, 2, 1};

        ram = (ram & ~7ull) | low[want->align];
    }
    ram_dev = ram;
    if (want->above == 1 || (want->above == RND_ANY && rnd_chance(r, 25))) {
        /* Above the mask: a 4-byte write keeps only the low 32 bits. */
        if (want->above == 1) {
            size = 8;
        }
        ram_dev |= (rnd_next(r) | 1ull << 63) & ~r->dma_mask &
                   (size == 4 ? 0xffffffffull : ~0ull);
    }
    if (want->master != RND_ANY) {
        drv_cfg_write(r->ls, d->devfn, PCI_COMMAND,
                      PCI_COMMAND_MEMORY |
                          (want->master ? PCI_COMMAND_MASTER : 0),
                      2);
    }
    r->dmas++;
    len = in_range ? (unsigned)count : (unsigned)rnd_below(r, 64);
    guard = len + 2 <= OP_BUF_MAX;
    if (len) {
        /* The data, or what it lands on, with a random byte either side
         * that must stay as it is. */
        rnd_fill(r, r->buf, len + 2 * guard);
        drv_write_buf(r->ls, ram - guard, r->buf, len + 2 * guard);
    }
    drv_write(r->ls, d->bar0 + EDU_REG_DMA_SRC, to_ram ? buf : ram_dev, size);
    drv_write(r->ls, d->bar0 + EDU_REG_DMA_DST, to_ram ? ram_dev : buf, size);
    drv_write(r->ls, d->bar0 + EDU_REG_DMA_COUNT, count,
              count >> 32 ? 8 : size);
    drv_write(r->ls, d->bar0 + EDU_REG_DMA_CMD, cmd, size);
    if (want->busy != RND_ANY) {
        static const uint64_t regs[] = {EDU_REG_DMA_SRC, EDU_REG_DMA_DST,
                                        EDU_REG_DMA_COUNT, EDU_REG_DMA_CMD};

        drv_write(r->ls, d->bar0 + regs[want->busy],
                  want->busy == COV_BUSY_CMD ? cmd ^ EDU_DMA_CMD_TO_RAM
                                             : rnd_next(r),
                  8);
        drv_read(r->ls, d->bar0 + EDU_REG_DMA_CMD, 8);
    }
    drv_wait_dma(r->ls, d->bar0 + EDU_REG_DMA_CMD, 4, EDU_DMA_CMD_RUN, 0,
                 RND_WAIT_NS, NULL);
    drv_read(r->ls, d->bar0 + EDU_REG_DMA_CMD, 8);
    if (to_ram && len) {
        drv_read_buf(r->ls, ram - guard, r->buf, len + 2 * guard);
    }
    rnd_irq_status(r, d);
    rnd_maybe_ack(r, d);
    if (want->master == 0) {
        drv_cfg_write(r->ls, d->devfn, PCI_COMMAND,
                      PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    }
    return true;
}

static void act_dma(Rnd *r)
{
    RndDma w = rnd_dma_any;

    if (r->cfg->beyond_qemu72 && rnd_chance(r, 20)) {
        w.pos = rnd_chance(r, 50) ? COV_POS_BEYOND : COV_POS_WRAPPING;
    } else if (r->cfg->beyond_qemu72 && rnd_chance(r, 5)) {
        w.count = COV_CNT_0;
    } else if (r->cfg->beyond_qemu72 && rnd_chance(r, 5)) {
        w.busy = (int)rnd_below(r, 4);
    }
    rnd_dma(r, &w);
}

static void act_irq(Rnd *r)
{
    RndDevice *d = rnd_device(r);
    uint64_t val = rnd_chance(r, 70) ? 1ull << rnd_below(r, 32)
                                     : rnd_next(r);

    drv_write(r->ls, d->bar0 + EDU_REG_IRQ_RAISE, val, 4);
    rnd_irq_status(r, d);
    rnd_maybe_ack(r, d);
}

/* MSI on or off, then an interrupt and a look at where the message goes. */
static void act_msi(Rnd *r)
{
    RndDevice *d = rnd_device(r);
    unsigned idx = (unsigned)(d - r->dev);
    uint64_t addr = RND_MSI_BASE + (uint64_t)idx * 0x1000 +
                    (rnd_next(r) & 0xffc);

    drv_cfg_write(r->ls, d->devfn, EDU_MSI_CAP_OFFSET + PCI_MSI_ADDRESS_LO,
                  (uint32_t)addr, 4);
    drv_cfg_write(r->ls, d->devfn, EDU_MSI_CAP_OFFSET + PCI_MSI_DATA_64,
                  (uint32_t)rnd_below(r, 0x10000), 2);
    drv_cfg_write(r->ls, d->devfn, EDU_MSI_CAP_OFFSET + PCI_MSI_FLAGS,
                  rnd_chance(r, 60) ? PCI_MSI_FLAGS_ENABLE : 0, 2);
    drv_write(r->ls, d->bar0 + EDU_REG_IRQ_RAISE,
              1u << rnd_below(r, 32), 4);
    drv_advance(r->ls, RND_MSI_SETTLE_NS);
    drv_read(r->ls, addr, 4);
    rnd_irq_status(r, d);
    rnd_maybe_ack(r, d);
}

/* INTx disable (COMMAND bit 10) and MSI enable switched, once or a few
 * times, while an interrupt is pending (mostly): what INTA# does then. */
static void act_intx_mask(Rnd *r)
{
    RndDevice *d = rnd_device(r);

    if (rnd_chance(r, 75)) {
        drv_write(r->ls, d->bar0 + EDU_REG_IRQ_RAISE,
                  1u << rnd_below(r, 32), 4);
    }
    for (unsigned k = 1 + (unsigned)rnd_below(r, 3); k; k--) {
        if (rnd_chance(r, 60)) {
            drv_cfg_write(r->ls, d->devfn, PCI_COMMAND,
                          PCI_COMMAND_MEMORY |
                              (rnd_chance(r, 90) ? PCI_COMMAND_MASTER : 0) |
                              (rnd_chance(r, 50) ? PCI_COMMAND_INTX_DISABLE
                                                 : 0),
                          2);
        } else {
            drv_cfg_write(r->ls, d->devfn,
                          EDU_MSI_CAP_OFFSET + PCI_MSI_FLAGS,
                          rnd_chance(r, 50) ? PCI_MSI_FLAGS_ENABLE : 0, 2);
        }
        if (rnd_chance(r, 30) || k == 1) {
            rnd_irq_status(r, d);
        }
    }
    if (rnd_chance(r, 30)) {
        drv_write(r->ls, d->bar0 + EDU_REG_IRQ_RAISE,
                  1u << rnd_below(r, 32), 4);
        rnd_irq_status(r, d);
    }
    rnd_maybe_ack(r, d);
}

/* Bytes of the configuration space a write must leave as they are: BAR0
 * (the stream's map) and the MSI address (messages land in RAM). */
static bool rnd_cfg_keep(unsigned reg)
{
    return (reg >= PCI_BASE_ADDRESS_0 && reg < PCI_BASE_ADDRESS_0 + 4) ||
           (reg >= EDU_MSI_CAP_OFFSET + PCI_MSI_ADDRESS_LO &&
            reg < EDU_MSI_CAP_OFFSET + PCI_MSI_DATA_64);
}

/* A configuration read, then maybe a write, of 'size' bytes at byte 'reg'
 * of an edu (any byte, any size, through the port at reg & 3): what is
 * written keeps BAR0, the MSI address and COMMAND.memory, the rest is
 * random. */
static void rnd_config_at(Rnd *r, RndDevice *d, unsigned reg, unsigned size,
                          bool write)
{
    uint32_t address = PCI_CONFIG_ENABLE | d->devfn << 8 | (reg & 0xfc);
    Op latch = {.kind = OP_OUT, .size = 4, .addr = PCI_CONFIG_ADDRESS_PORT,
                .value = address};
    Op data = {.kind = OP_IN, .size = size,
               .addr = PCI_CONFIG_DATA_PORT + (reg & 3)};
    OpResult *res = &r->ls->result[0];
    uint32_t old, val = 0;

    lockstep_exec(r->ls, &latch, NULL);
    lockstep_exec(r->ls, &data, NULL);
    if (!write || r->ls->error) {
        return;
    }
    old = (uint32_t)res->value;
    for (unsigned i = 0; i < size; i++) {
        unsigned byte = reg + i;
        uint32_t b = (uint32_t)rnd_next(r) & 0xff;

        if (rnd_cfg_keep(byte) || byte > 0xff) {
            b = (old >> (8 * i)) & 0xff;
        } else if (byte == PCI_COMMAND) {
            b |= PCI_COMMAND_MEMORY;
        }
        val |= b << (8 * i);
    }
    data.kind = OP_OUT;
    data.value = val;
    lockstep_exec(r->ls, &data, NULL);
}

static void act_config_any(Rnd *r)
{
    unsigned size = rnd_size(r, false);

    rnd_config_at(r, rnd_device(r), (unsigned)rnd_below(r, 256), size,
                  rnd_chance(r, 50));
}

/* Memory decoding off: a write to BAR0 that must not arrive (and, where
 * QEMU is not compared, whose pc machine reads 0 there, a read that ends
 * in a master abort), then decoding on again and a look. */
static void rnd_decode_off(Rnd *r, RndDevice *d, bool read)
{
    drv_cfg_write(r->ls, d->devfn, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
    drv_write(r->ls, d->bar0 + EDU_REG_LIVENESS, rnd_next(r), 4);
    if (read && r->cfg->beyond_qemu72) {
        drv_read(r->ls, d->bar0 + EDU_REG_ID, 4);
    }
    drv_cfg_write(r->ls, d->devfn, PCI_COMMAND,
                  PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    drv_read(r->ls, d->bar0 + EDU_REG_LIVENESS, 4);
}

static void act_decode_off(Rnd *r)
{
    rnd_decode_off(r, rnd_device(r), rnd_chance(r, 50));
}

/* Interrupts as INTx, with INTx disabled, or as MSI (COV_MODE_*). */
static void rnd_irq_mode(Rnd *r, RndDevice *d, unsigned mode, bool master)
{
    drv_cfg_write(r->ls, d->devfn, PCI_COMMAND,
                  PCI_COMMAND_MEMORY | (master ? PCI_COMMAND_MASTER : 0) |
                      (mode == COV_MODE_INTX_DISABLED
                           ? PCI_COMMAND_INTX_DISABLE
                           : 0),
                  2);
    drv_cfg_write(r->ls, d->devfn, EDU_MSI_CAP_OFFSET + PCI_MSI_FLAGS,
                  mode == COV_MODE_MSI ? PCI_MSI_FLAGS_ENABLE : 0, 2);
}

static void act_ram(Rnd *r)
{
    uint64_t addr = RND_RAM_BASE + rnd_below(r, RND_RAM_END - RND_RAM_BASE -
                                                    64);

    if (rnd_chance(r, 30)) {
        unsigned len = 1 + (unsigned)rnd_below(r, 64);

        if (rnd_chance(r, 50)) {
            rnd_fill(r, r->buf, len);
            drv_write_buf(r->ls, addr, r->buf, len);
        } else {
            drv_read_buf(r->ls, addr, r->buf, len);
        }
        return;
    }
    if (rnd_chance(r, 50)) {
        unsigned size = rnd_size(r, true);

        drv_write(r->ls, addr, rnd_value(r, size), size);
    } else {
        drv_read(r->ls, addr, rnd_size(r, true));
    }
}

/* A BAR0 access of class 'cls' (COV_CLS_*), 'size' bytes; a write that
 * would start work goes through the factorial or DMA action.  False when
 * that cannot be done here. */
static bool rnd_aim_bar0(Rnd *r, RndDevice *d, unsigned cls, unsigned size,
                         bool write)
{
    static const uint64_t regs[] = {0x00, 0x04, 0x08, 0x20, 0x24, 0x60,
                                    0x64, 0x80, 0x88, 0x90, 0x98};
    static const uint64_t unlisted[] = {0x0c, 0x10, 0x28, 0x84, 0x8c,
                                        0x94, 0x9c, 0xa0, 0x1000, 0x41008};
    uint64_t off;

    if (cls < COV_CLS_UNLISTED) {
        off = regs[cls];
    } else if (cls == COV_CLS_UNLISTED) {
        off = unlisted[rnd_below(r, sizeof(unlisted) / sizeof(unlisted[0]))];
    } else {
        off = (EDU_DMA_BUF_ADDR + rnd_below(r, EDU_DMA_BUF_SIZE - 8)) &
              ~(uint64_t)(size - 1);
    }
    if (!write) {
        drv_read(r->ls, d->bar0 + off, size);
    } else if (off == EDU_REG_FACT && size == 4) {
        rnd_factorial(r, d, RND_ANY, RND_ANY);
    } else if (off == EDU_REG_LIVENESS && size == 8) {
        /* Cut in two: LIVENESS, and FACT, which starts a factorial. */
        drv_write(r->ls, d->bar0 + off,
                  rnd_below(r, 21) << 32 | (uint32_t)rnd_next(r), 8);
        drv_wait(r->ls, d->bar0 + EDU_REG_STATUS, 4, EDU_STATUS_COMPUTING, 0,
                 RND_WAIT_NS, NULL);
        drv_read(r->ls, d->bar0 + EDU_REG_FACT, 4);
    } else if (rnd_starts_work(off, size)) {
        return rnd_dma(r, &rnd_dma_any);
    } else {
        drv_write(r->ls, d->bar0 + off, rnd_value(r, size), size);
    }
    return true;
}

static void rnd_raise(Rnd *r, RndDevice *d, uint32_t bits)
{
    drv_write(r->ls, d->bar0 + EDU_REG_IRQ_RAISE, bits, 4);
    drv_advance(r->ls, RND_MSI_SETTLE_NS);
    rnd_irq_status(r, d);
}

static void rnd_ack(Rnd *r, RndDevice *d, uint32_t bits)
{
    drv_write(r->ls, d->bar0 + EDU_REG_IRQ_ACK, bits, 4);
    rnd_irq_status(r, d);
}

/*
 * Coverage-directed: the action that hits one of the bins not hit yet
 * (picked at random among them), with the knobs its coordinates give.
 * False when none of a few picks can be hit by this stream (what QEMU
 * 7.2 does not survive, another dma_mask): the stream then goes on as it
 * would.
 */
static bool rnd_aim(Rnd *r)
{
    static const unsigned bar_size[] = {1, 2, 4, 8}, cfg_size[] = {1, 2, 4};
    const Cover *c = r->cfg->cover;
    bool qemu = !r->cfg->beyond_qemu72;
    bool dma_ok = !qemu || (r->dmas + 1) * RND_OPS_PER_DMA <=
                               r->cfg->count + RND_OPS_PER_DMA;

    for (int tries = 0; tries < 8; tries++) {
        int i = cover_hole(c, rnd_next(r));
        RndDevice *d = rnd_device(r);
        RndDma w = rnd_dma_any;
        CoverPoint pt;
        unsigned a, b;

        if (i < 0) {
            return false;
        }
        cover_point(c, (unsigned)i, &pt);
        a = pt.at[0];
        b = pt.at[1];
        switch (pt.group) {
        case COV_BAR0:
            if (rnd_aim_bar0(r, d, a, bar_size[b], pt.at[2] == COV_WRITE)) {
                return true;
            }
            continue;
        case COV_CFG:
            rnd_config_at(r, d, a, cfg_size[b], pt.at[2] == COV_WRITE);
            return true;
        case COV_BAR_MAP:
            if (a == COV_MAP_DECODE_OFF_READ && qemu) {
                continue;
            }
            if (a >= COV_MAP_DECODE_OFF_WRITE) {
                rnd_decode_off(r, d, a == COV_MAP_DECODE_OFF_READ);
            } else {
                rnd_bar0(r, d, a == COV_MAP_SIZED);
                drv_read(r->ls, d->bar0 + EDU_REG_ID, 4);
            }
            return true;
        case COV_FACT_OP:
            rnd_factorial(r, d, (int)a, RND_ANY);
            return true;
        case COV_FACT_DONE:
            rnd_factorial(r, d, RND_ANY, (int)a);
            return true;
        case COV_FACT_BUSY:
            if (qemu) {
                continue;
            }
            act_fact_busy(r);
            return true;
        case COV_IRQ_RAISE:
        case COV_IRQ_ACK:
            rnd_raise(r, d, 1u << a);
            rnd_ack(r, d, 1u << a);
            return true;
        case COV_IRQ_MODE:
            if (b == COV_SRC_DMA && !dma_ok) {
                continue;
            }
            rnd_irq_mode(r, d, a, true);
            if (b == COV_SRC_RAISE) {
                rnd_raise(r, d, 1u << rnd_below(r, 32));
                rnd_ack(r, d, 0xffffffffu);
            } else if (b == COV_SRC_FACT) {
                rnd_factorial(r, d, RND_ANY, 1);
            } else {
                w.irq = 1;
                rnd_dma(r, &w);
            }
            rnd_irq_mode(r, d, COV_MODE_INTX, true);
            return true;
        case COV_INTX:
        case COV_MSI:
            rnd_irq_mode(r, d,
                         pt.group == COV_MSI || a != COV_INTX_LEVEL_DISABLED
                             ? COV_MODE_MSI
                             : COV_MODE_INTX_DISABLED,
                         true);
            rnd_irq_mode(r, d,
                         pt.group == COV_INTX && a == COV_INTX_LEVEL_DISABLED
                             ? COV_MODE_INTX_DISABLED
                             : COV_MODE_INTX,
                         true);
            rnd_raise(r, d, 1u << rnd_below(r, 32));
            rnd_ack(r, d, 0xffffffffu);
            return true;
        case COV_MSI_MASTER:
            rnd_irq_mode(r, d, COV_MODE_MSI, a);
            rnd_raise(r, d, 1u << rnd_below(r, 32));
            rnd_ack(r, d, 0xffffffffu);
            rnd_irq_mode(r, d, COV_MODE_INTX, true);
            return true;
        case COV_DMA_MASK:
            if (b != (r->dma_mask != EDU_DMA_MASK_DEFAULT)) {
                continue;
            }
            /* fall through */
        case COV_DMA_MASTER:
        case COV_DMA_COUNT:
        case COV_DMA_ALIGN:
        case COV_DMA_POS:
        case COV_DMA_ABOVE:
        case COV_DMA_IRQ:
            w.dir = (int)a;
            w.master = pt.group == COV_DMA_MASTER ? (int)b : RND_ANY;
            w.count = pt.group == COV_DMA_COUNT ? (int)b : RND_ANY;
            w.align = pt.group == COV_DMA_ALIGN ? (int)b : RND_ANY;
            w.pos = pt.group == COV_DMA_POS ? (int)b : RND_ANY;
            w.above = pt.group == COV_DMA_ABOVE ? (int)b : RND_ANY;
            w.irq = pt.group == COV_DMA_IRQ ? (int)b : RND_ANY;
            if (w.count == COV_CNT_4096 && !qemu) {
                w.pos = COV_POS_END_EXACT;
            }
            if (dma_ok && rnd_dma(r, &w)) {
                return true;
            }
            continue;
        case COV_DMA_BUSY:
            if (qemu) {
                continue; /* when RUN clears differs by view there */
            }
            w.busy = (int)a;
            if (dma_ok && rnd_dma(r, &w)) {
                return true;
            }
            continue;
        default:
            continue;
        }
    }
    return false;
}

typedef struct RndAction {
    void (*run)(Rnd *r);
    unsigned weight;
} RndAction;

static const RndAction rnd_actions[] = {
    {act_config_read, 14}, {act_config_write, 12}, {act_bar0, 3},
    {act_reg_read, 20},    {act_reg_write, 14},    {act_factorial, 6},
    {act_dma, 4},          {act_irq, 6},           {act_msi, 4},
    {act_ram, 10},         {act_intx_mask, 4},     {act_config_any, 8},
    {act_decode_off, 1},   {act_fact_busy, 1},     {act_liveness, 2},
};

static const RndAction *rnd_pick(Rnd *r)
{
    unsigned total = 0, pick;

    for (size_t i = 0; i < sizeof(rnd_actions) / sizeof(rnd_actions[0]);
         i++) {
        total += rnd_actions[i].weight;
    }
    pick = (unsigned)rnd_below(r, total);
    for (size_t i = 0;; i++) {
        if (pick < rnd_actions[i].weight) {
            return &rnd_actions[i];
        }
        pick -= rnd_actions[i].weight;
    }
}

uint64_t random_dma_mask(uint64_t seed)
{
    Rnd r = {.state = seed ^ 0x6d61736bull}; /* its own sequence: "mask" */
    unsigned bits = 21 + (unsigned)rnd_below(&r, 12);

    return rnd_chance(&r, 40) ? 0 : (1ull << bits) - 1;
}

int random_run(Lockstep *ls, const RandomConfig *cfg)
{
    static const DrvEnumConfig enum_cfg = {
        .skip_slots = 1u << DRV_QEMU_ONLY_SLOT,
        .bus_master = true,
    };
    DrvEnumeration found;
    Rnd r = {.ls = ls,
             .cfg = cfg,
             .state = cfg->seed,
             .dma_mask = cfg->dma_mask ? cfg->dma_mask : EDU_DMA_MASK_DEFAULT,
             .entropy = cfg->entropy,
             .entropy_left = cfg->entropy_len};
    unsigned long end;
    int rc;

    for (unsigned i = 0; i < cfg->n_edu; i++) {
        r.edu_slots |= 1u << cfg->edu_slot[i];
    }
    rc = drv_enumerate(ls, &enum_cfg, &found);
    if (rc < 0) {
        return rc;
    }
    for (unsigned i = 0; i < found.n && r.n_dev < EDU_PLATFORM_MAX_EDU; i++) {
        if (found.fn[i].vendor_id == EDU_VENDOR_ID &&
            found.fn[i].device_id == EDU_DEVICE_ID) {
            r.dev[r.n_dev].devfn = found.fn[i].devfn;
            r.dev[r.n_dev].bar0 = found.fn[i].bar_addr[0];
            r.n_dev++;
        }
    }
    if (r.n_dev == 0) {
        return -ENODEV;
    }
    end = ls->ops + cfg->count;
    /* After a divergence the views' states differ: the rest would only
     * repeat it. */
    while (ls->ops < end && !ls->error && !ls->diverged &&
           !(r.entropy && r.entropy_left == 0)) {
        const RndAction *a;

        if (cfg->cover && rnd_chance(&r, 50) && rnd_aim(&r)) {
            continue;
        }
        a = rnd_pick(&r);
        if (a->run == act_dma && (r.dmas + 1) * RND_OPS_PER_DMA >
                                     cfg->count + RND_OPS_PER_DMA) {
            continue;
        }
        a->run(&r);
    }
    return ls->error;
}

/*
 * The coverage recorder (cover_platform.h): which operation, with which
 * answer, hits which bin (the bins: cover.h, docs/coverage.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cover_platform.h"
#include "edu/pci_regs.h"
#include "edu/regs.h"

/* What the recorder knows of one edu function, from the accesses. */
typedef struct CovDev {
    unsigned devfn;
    uint32_t bar0; /* BAR0 as written and read back */
    uint16_t command;
    bool msi;            /* MSI enable */
    bool irqfact;        /* STATUS bit 7 */
    uint32_t irq_status; /* as far as known: raised, acked, read */
    bool sizing;         /* all ones written to BAR0, not read yet */
    bool moved;          /* BAR0 moved, no access at the new place yet */
    bool fact_pending;   /* an operand taken, completion not seen */
    bool fact_busy;      /* ... and another written after it */
    uint64_t dma_src, dma_dst, dma_count, dma_cmd;
    bool dma_running;  /* started, RUN not seen clear */
    unsigned dma_busy; /* bits of COV_BUSY_*: written while running */
} CovDev;

typedef struct CovPlatform {
    EduPlatform base;   /* first */
    EduPlatformOps ops; /* inner's name, the forwarding functions */
    EduPlatform *inner;
    Cover *cov;
    uint64_t dma_mask;
    bool mask_default;
    uint32_t latch; /* CONFIG_ADDRESS */
    int intx;       /* the last INTA# seen, -1: none */
    unsigned n_dev;
    CovDev dev[EDU_PLATFORM_MAX_EDU];
} CovPlatform;

static CovPlatform *cov_of(EduPlatform *p)
{
    return (CovPlatform *)p;
}

static int cov_fwd(CovPlatform *w, int rc)
{
    if (rc < 0) {
        snprintf(w->base.error, sizeof(w->base.error), "%s",
                 edu_platform_error(w->inner));
    }
    return rc;
}

static bool cov_decodes(const CovDev *d)
{
    return (d->command & PCI_COMMAND_MEMORY) && d->bar0 != 0 &&
           d->bar0 < 0xfff00000u;
}

static unsigned cov_mode(const CovDev *d)
{
    return d->msi                                    ? COV_MODE_MSI
           : (d->command & PCI_COMMAND_INTX_DISABLE) ? COV_MODE_INTX_DISABLED
                                                     : COV_MODE_INTX;
}

/* An interrupt the device raised from 'src', in its mode of now. */
static void cov_interrupt(CovPlatform *w, const CovDev *d, unsigned src)
{
    cover_hit(w->cov, COV_IRQ_MODE, cov_mode(d), src, 0);
    if (d->msi) {
        cover_hit(w->cov, COV_MSI_MASTER,
                  (d->command & PCI_COMMAND_MASTER) != 0, 0, 0);
    }
}

/* ---- configuration space ---- */

static void cov_cfg_byte_write(CovDev *d, unsigned reg, uint8_t b)
{
    static const uint8_t bar_wmask[4] = {0x00, 0x00, 0xf0, 0xff};

    if (reg == PCI_COMMAND) {
        d->command = (uint16_t)((d->command & ~0x07u) | (b & 0x07u));
    } else if (reg == PCI_COMMAND + 1) {
        d->command =
            (uint16_t)((d->command & ~0x500u) | (((unsigned)b << 8) & 0x500u));
    } else if (reg >= PCI_BASE_ADDRESS_0 && reg < PCI_BASE_ADDRESS_0 + 4) {
        unsigned sh = 8 * (reg - PCI_BASE_ADDRESS_0);
        uint32_t m = (uint32_t)bar_wmask[reg - PCI_BASE_ADDRESS_0] << sh;

        d->bar0 = (d->bar0 & ~m) | (((uint32_t)b << sh) & m);
    } else if (reg == EDU_MSI_CAP_OFFSET + PCI_MSI_FLAGS) {
        d->msi = b & PCI_MSI_FLAGS_ENABLE;
    }
}

/* The answer of a read is the truth: the bytes the recorder follows. */
static void cov_cfg_byte_read(CovDev *d, unsigned reg, uint8_t b)
{
    if (reg == PCI_COMMAND) {
        d->command = (uint16_t)((d->command & 0xff00u) | b);
    } else if (reg == PCI_COMMAND + 1) {
        d->command = (uint16_t)((d->command & 0x00ffu) | (unsigned)b << 8);
    } else if (reg >= PCI_BASE_ADDRESS_0 && reg < PCI_BASE_ADDRESS_0 + 4) {
        unsigned sh = 8 * (reg - PCI_BASE_ADDRESS_0);

        d->bar0 = (d->bar0 & ~(0xffu << sh)) | ((uint32_t)b << sh);
    } else if (reg == EDU_MSI_CAP_OFFSET + PCI_MSI_FLAGS) {
        d->msi = b & PCI_MSI_FLAGS_ENABLE;
    }
}

static void cov_cfg(CovPlatform *w, CovDev *d, unsigned reg, unsigned size,
                    bool write, uint32_t val)
{
    unsigned n = size < 256 - reg ? size : 256 - reg;
    uint32_t old_bar = d->bar0;
    bool old_msi = d->msi, old_decodes = cov_decodes(d);

    cover_hit(w->cov, COV_CFG, reg, size == 4 ? 2 : size - 1,
              write ? COV_WRITE : COV_READ);
    for (unsigned i = 0; i < n; i++) {
        uint8_t b = (uint8_t)(val >> (8 * i));

        if (write) {
            cov_cfg_byte_write(d, reg + i, b);
        } else {
            cov_cfg_byte_read(d, reg + i, b);
            /* STATUS bit 3: the device's INTx level. */
            if (reg + i == PCI_STATUS && (b & PCI_STATUS_INTERRUPT)) {
                cover_hit(w->cov, COV_INTX,
                          (d->command & PCI_COMMAND_INTX_DISABLE)
                              ? COV_INTX_LEVEL_DISABLED
                              : COV_INTX_LEVEL_ENABLED,
                          0, 0);
            }
        }
    }
    if (write && reg == PCI_BASE_ADDRESS_0 && size == 4) {
        d->sizing = val == 0xffffffffu;
    }
    if (!write && reg == PCI_BASE_ADDRESS_0 && size == 4 && d->sizing) {
        d->sizing = false;
        if (val == (uint32_t)-EDU_BAR0_SIZE) {
            cover_hit(w->cov, COV_BAR_MAP, COV_MAP_SIZED, 0, 0);
        }
    }
    if (write && old_bar != d->bar0 && old_bar != 0 && old_decodes &&
        cov_decodes(d)) {
        d->moved = true;
    }
    if (write && old_msi != d->msi) {
        cover_hit(w->cov, COV_MSI, d->msi, 0, 0);
    }
}

static CovDev *cov_dev_at_devfn(CovPlatform *w, unsigned devfn)
{
    for (unsigned i = 0; i < w->n_dev; i++) {
        if (w->dev[i].devfn == devfn) {
            return &w->dev[i];
        }
    }
    return NULL;
}

static void cov_io(CovPlatform *w, uint16_t port, unsigned size, bool write,
                   uint32_t val)
{
    CovDev *d;

    if (port == PCI_CONFIG_ADDRESS_PORT && size == 4 && write) {
        w->latch = val;
        return;
    }
    if (port < PCI_CONFIG_DATA_PORT || port > PCI_CONFIG_DATA_PORT + 3 ||
        !(w->latch & PCI_CONFIG_ENABLE) || ((w->latch >> 16) & 0xff) != 0) {
        return;
    }
    d = cov_dev_at_devfn(w, (w->latch >> 8) & 0xff);
    if (d) {
        cov_cfg(w, d, (w->latch | (port & 3u)) & 0xffu, size, write, val);
    }
}

/* ---- BAR0 ---- */

static unsigned cov_count_class(uint64_t n)
{
    static const uint64_t counts[] = {0, 1, 4, 63, 64, 65, 4095, 4096};

    for (unsigned k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
        if (n == counts[k]) {
            return k;
        }
    }
    return COV_CNT_OTHER;
}

static unsigned cov_position(uint64_t start, uint64_t count)
{
    uint64_t end = start + count;

    if (end < start) {
        return COV_POS_WRAPPING;
    }
    if (start < EDU_DMA_BUF_ADDR || end > EDU_DMA_BUF_ADDR + EDU_DMA_BUF_SIZE) {
        return COV_POS_BEYOND;
    }
    if (end == EDU_DMA_BUF_ADDR + EDU_DMA_BUF_SIZE) {
        return COV_POS_END_EXACT;
    }
    return start == EDU_DMA_BUF_ADDR ? COV_POS_START : COV_POS_INSIDE;
}

static void cov_dma_start(CovPlatform *w, CovDev *d, uint64_t cmd)
{
    unsigned dir = (cmd & EDU_DMA_CMD_TO_RAM) != 0;
    uint64_t ram = dir ? d->dma_dst : d->dma_src;
    uint64_t buf = dir ? d->dma_src : d->dma_dst;
    unsigned align = (ram & 7) == 0   ? 0
                     : (ram & 3) == 0 ? 1
                     : (ram & 1) == 0 ? 2
                                      : 3;

    cover_hit(w->cov, COV_DMA_MASTER, dir,
              (d->command & PCI_COMMAND_MASTER) != 0, 0);
    cover_hit(w->cov, COV_DMA_COUNT, dir, cov_count_class(d->dma_count), 0);
    cover_hit(w->cov, COV_DMA_ALIGN, dir, align, 0);
    cover_hit(w->cov, COV_DMA_POS, dir, cov_position(buf, d->dma_count), 0);
    cover_hit(w->cov, COV_DMA_ABOVE, dir, (ram & ~w->dma_mask) != 0, 0);
    cover_hit(w->cov, COV_DMA_MASK, dir, !w->mask_default, 0);
    cover_hit(w->cov, COV_DMA_IRQ, dir, (cmd & EDU_DMA_CMD_IRQ) != 0, 0);
    d->dma_cmd = cmd;
    d->dma_running = true;
    d->dma_busy = 0;
}

static void cov_dma_reg_write(CovDev *d, unsigned which, uint64_t *reg,
                              uint64_t val)
{
    if (d->dma_running) {
        d->dma_busy |= 1u << which;
    } else {
        *reg = val;
    }
}

/* One piece as the device sees it (naturally aligned, 1 to 8 bytes). */
static void cov_piece(CovPlatform *w, CovDev *d, uint64_t off, unsigned size,
                      bool write, uint64_t val)
{
    uint32_t v32 = (uint32_t)val;

    if (size < 4 || (off < EDU_REG_WIDE_BASE && size != 4)) {
        return; /* refused, or ignored: nothing changes */
    }
    if (size == 4 && off >= EDU_REG_WIDE_BASE) {
        val = v32; /* a 4-byte write zero-extends, a read is the low half */
    }
    if (write) {
        switch (off) {
        case EDU_REG_FACT:
            if (d->fact_pending) {
                d->fact_busy = true;
            } else {
                unsigned cls = v32 == 0    ? COV_FOP_0
                               : v32 == 1  ? COV_FOP_1
                               : v32 < 12  ? COV_FOP_2_11
                               : v32 == 12 ? COV_FOP_12
                               : v32 == 13 ? COV_FOP_13
                               : v32 < 34  ? COV_FOP_14_33
                                           : COV_FOP_34_UP;

                cover_hit(w->cov, COV_FACT_OP, cls, 0, 0);
                d->fact_pending = true;
                d->fact_busy = false;
            }
            break;
        case EDU_REG_STATUS:
            d->irqfact = v32 & EDU_STATUS_IRQFACT;
            break;
        case EDU_REG_IRQ_RAISE:
            for (unsigned bit = 0; bit < 32; bit++) {
                if (v32 & (1u << bit)) {
                    cover_hit(w->cov, COV_IRQ_RAISE, bit, 0, 0);
                }
            }
            d->irq_status |= v32;
            if (v32) {
                cov_interrupt(w, d, COV_SRC_RAISE);
            }
            break;
        case EDU_REG_IRQ_ACK:
            for (unsigned bit = 0; bit < 32; bit++) {
                if (v32 & d->irq_status & (1u << bit)) {
                    cover_hit(w->cov, COV_IRQ_ACK, bit, 0, 0);
                }
            }
            d->irq_status &= ~v32;
            break;
        case EDU_REG_DMA_SRC:
            cov_dma_reg_write(d, COV_BUSY_SRC, &d->dma_src, val);
            break;
        case EDU_REG_DMA_DST:
            cov_dma_reg_write(d, COV_BUSY_DST, &d->dma_dst, val);
            break;
        case EDU_REG_DMA_COUNT:
            cov_dma_reg_write(d, COV_BUSY_COUNT, &d->dma_count, val);
            break;
        case EDU_REG_DMA_CMD:
            if (!(val & EDU_DMA_CMD_RUN)) {
                break;
            }
            if (d->dma_running) {
                d->dma_busy |= 1u << COV_BUSY_CMD;
            } else {
                cov_dma_start(w, d, val);
            }
            break;
        default:
            break;
        }
        return;
    }
    switch (off) {
    case EDU_REG_STATUS:
        d->irqfact = v32 & EDU_STATUS_IRQFACT;
        if (d->fact_pending && (v32 & EDU_STATUS_COMPUTING) && d->fact_busy) {
            cover_hit(w->cov, COV_FACT_BUSY, 0, 0, 0);
            d->fact_busy = false;
        }
        if (d->fact_pending && !(v32 & EDU_STATUS_COMPUTING)) {
            cover_hit(w->cov, COV_FACT_DONE, d->irqfact, 0, 0);
            if (d->irqfact) {
                cov_interrupt(w, d, COV_SRC_FACT);
            }
            d->fact_pending = false;
            d->fact_busy = false;
        }
        break;
    case EDU_REG_IRQ_STATUS:
        d->irq_status = v32;
        break;
    case EDU_REG_DMA_CMD:
        if (!d->dma_running) {
            break;
        }
        if (val & EDU_DMA_CMD_RUN) {
            for (unsigned k = 0; k < 4; k++) {
                if (d->dma_busy & (1u << k)) {
                    cover_hit(w->cov, COV_DMA_BUSY, k, 0, 0);
                }
            }
            d->dma_busy = 0;
        } else {
            if (d->dma_cmd & EDU_DMA_CMD_IRQ) {
                cov_interrupt(w, d, COV_SRC_DMA);
            }
            d->dma_running = false;
            d->dma_busy = 0;
        }
        break;
    default:
        break;
    }
}

/* A CPU memory access of 1, 2, 4 or 8 bytes. */
static void cov_mem(CovPlatform *w, uint64_t addr, unsigned size, bool write,
                    uint64_t val)
{
    for (unsigned i = 0; i < w->n_dev; i++) {
        CovDev *d = &w->dev[i];
        uint64_t off = addr - d->bar0;
        uint64_t at = addr;

        if (d->bar0 == 0 || addr < d->bar0 || off >= EDU_BAR0_SIZE) {
            continue;
        }
        if (!cov_decodes(d)) {
            cover_hit(w->cov, COV_BAR_MAP,
                      write ? COV_MAP_DECODE_OFF_WRITE
                            : COV_MAP_DECODE_OFF_READ,
                      0, 0);
            return;
        }
        cover_hit(w->cov, COV_BAR_MAP, COV_MAP_DECODE_ON, 0, 0);
        if (d->moved) {
            cover_hit(w->cov, COV_BAR_MAP, COV_MAP_MOVED, 0, 0);
            d->moved = false;
        }
        cover_hit(w->cov, COV_BAR0, cover_bar0_class(off),
                  size == 8   ? 3
                  : size == 4 ? 2
                              : size - 1,
                  write ? COV_WRITE : COV_READ);
        /* Cut as QEMU's memory core cuts it: naturally aligned pieces. */
        while (at < addr + size) {
            unsigned left = (unsigned)(addr + size - at), piece = 8;

            while (piece > left || (at & (piece - 1))) {
                piece >>= 1;
            }
            cov_piece(w, d, at - d->bar0, piece, write,
                      piece == 8 ? val
                                 : (val >> (8 * (at - addr))) &
                                       ((1ull << (8 * piece)) - 1));
            at += piece;
        }
        return;
    }
}

/* A buffer access: the pieces a CPU would cut it into, where it meets a
 * BAR0 (RAM is not binned). */
static void cov_mem_buf(CovPlatform *w, uint64_t addr, const uint8_t *buf,
                        size_t len, bool write)
{
    bool bar = false;

    for (unsigned i = 0; i < w->n_dev; i++) {
        const CovDev *d = &w->dev[i];

        bar |= d->bar0 && addr < (uint64_t)d->bar0 + EDU_BAR0_SIZE &&
               addr + len > d->bar0;
    }
    for (uint64_t at = addr; bar && at < addr + len;) {
        unsigned left = (unsigned)(addr + len - at < 8 ? addr + len - at : 8);
        unsigned piece = 8;
        uint64_t v = 0;

        while (piece > left || (at & (piece - 1))) {
            piece >>= 1;
        }
        for (unsigned k = 0; k < piece; k++) {
            v |= (uint64_t)buf[at - addr + k] << (8 * k);
        }
        cov_mem(w, at, piece, write, v);
        at += piece;
    }
}

/* ---- the forwarding operations ---- */

static void cov_destroy(EduPlatform *p)
{
    CovPlatform *w = cov_of(p);

    w->inner->ops->destroy(w->inner);
    free(w);
}

static int cov_io_read(EduPlatform *p, uint16_t port, unsigned size,
                       uint32_t *val)
{
    CovPlatform *w = cov_of(p);
    int rc = cov_fwd(w, w->inner->ops->io_read(w->inner, port, size, val));

    if (rc == 0) {
        cov_io(w, port, size, false, *val);
    }
    return rc;
}

static int cov_io_write(EduPlatform *p, uint16_t port, uint32_t val,
                        unsigned size)
{
    CovPlatform *w = cov_of(p);
    int rc = cov_fwd(w, w->inner->ops->io_write(w->inner, port, val, size));

    if (rc == 0) {
        cov_io(w, port, size, true, val);
    }
    return rc;
}

static int cov_mem_read(EduPlatform *p, uint64_t addr, unsigned size,
                        uint64_t *val)
{
    CovPlatform *w = cov_of(p);
    int rc = cov_fwd(w, w->inner->ops->mem_read(w->inner, addr, size, val));

    if (rc == 0) {
        cov_mem(w, addr, size, false, *val);
    }
    return rc;
}

static int cov_mem_write(EduPlatform *p, uint64_t addr, uint64_t val,
                         unsigned size)
{
    CovPlatform *w = cov_of(p);
    int rc = cov_fwd(w, w->inner->ops->mem_write(w->inner, addr, val, size));

    if (rc == 0) {
        cov_mem(w, addr, size, true, val);
    }
    return rc;
}

static int cov_mem_read_buf(EduPlatform *p, uint64_t addr, void *buf,
                            size_t len)
{
    CovPlatform *w = cov_of(p);
    int rc = cov_fwd(w, w->inner->ops->mem_read_buf(w->inner, addr, buf, len));

    if (rc == 0) {
        cov_mem_buf(w, addr, buf, len, false);
    }
    return rc;
}

static int cov_mem_write_buf(EduPlatform *p, uint64_t addr, const void *buf,
                             size_t len)
{
    CovPlatform *w = cov_of(p);
    int rc = cov_fwd(w, w->inner->ops->mem_write_buf(w->inner, addr, buf, len));

    if (rc == 0) {
        cov_mem_buf(w, addr, buf, len, true);
    }
    return rc;
}

static int cov_ram_read(EduPlatform *p, uint64_t addr, void *buf, size_t len)
{
    CovPlatform *w = cov_of(p);

    return cov_fwd(w, w->inner->ops->ram_read(w->inner, addr, buf, len));
}

static int cov_ram_write(EduPlatform *p, uint64_t addr, const void *buf,
                         size_t len)
{
    CovPlatform *w = cov_of(p);

    return cov_fwd(w, w->inner->ops->ram_write(w->inner, addr, buf, len));
}

static int cov_advance(EduPlatform *p, uint64_t ns)
{
    CovPlatform *w = cov_of(p);

    return cov_fwd(w, w->inner->ops->advance(w->inner, ns));
}

static uint64_t cov_now_ns(EduPlatform *p)
{
    CovPlatform *w = cov_of(p);

    return w->inner->ops->now_ns(w->inner);
}

static int cov_next_event_ns(EduPlatform *p, uint64_t *ns)
{
    CovPlatform *w = cov_of(p);
    int rc = w->inner->ops->next_event_ns(w->inner, ns);

    return rc == -ENOENT ? rc : cov_fwd(w, rc);
}

static int cov_intx(EduPlatform *p)
{
    CovPlatform *w = cov_of(p);
    int level = cov_fwd(w, w->inner->ops->intx(w->inner));

    if (level == 1) {
        cover_hit(w->cov, COV_INTX, COV_INTX_PIN_ASSERTED, 0, 0);
    } else if (level == 0 && w->intx == 1) {
        cover_hit(w->cov, COV_INTX, COV_INTX_PIN_RELEASED, 0, 0);
    }
    if (level >= 0) {
        w->intx = level;
    }
    return level;
}

static unsigned long cov_guest_errors(EduPlatform *p)
{
    CovPlatform *w = cov_of(p);

    return w->inner->ops->guest_errors(w->inner);
}

static int cov_finish(EduPlatform *p)
{
    CovPlatform *w = cov_of(p);

    return w->inner->ops->finish ? cov_fwd(w, w->inner->ops->finish(w->inner))
                                 : 0;
}

EduPlatform *cover_platform_wrap(EduPlatform *inner, Cover *cov,
                                 const EduPlatformConfig *cfg)
{
    EduPlatformConfig res;
    char err[128];
    CovPlatform *w;

    if (!inner || !cov) {
        return inner;
    }
    w = calloc(1, sizeof(*w));
    if (!w || edu_platform_config_resolve(cfg, &res, err, sizeof(err)) < 0) {
        free(w);
        inner->ops->destroy(inner);
        return NULL;
    }
    w->ops = (EduPlatformOps){
        .name = inner->ops->name,
        .summary = inner->ops->summary,
        .create = NULL,
        .destroy = cov_destroy,
        .io_read = cov_io_read,
        .io_write = cov_io_write,
        .mem_read = cov_mem_read,
        .mem_write = cov_mem_write,
        .mem_read_buf = cov_mem_read_buf,
        .mem_write_buf = cov_mem_write_buf,
        .ram_read = cov_ram_read,
        .ram_write = cov_ram_write,
        .advance = cov_advance,
        .now_ns = cov_now_ns,
        /* A real-time view stays one: lockstep looks at this. */
        .next_event_ns = inner->ops->next_event_ns ? cov_next_event_ns : NULL,
        .intx = cov_intx,
        .guest_errors = cov_guest_errors,
        .finish = cov_finish,
    };
    w->base.ops = &w->ops;
    w->inner = inner;
    w->cov = cov;
    w->dma_mask = res.dma_mask;
    w->mask_default = res.dma_mask == EDU_DMA_MASK_DEFAULT;
    w->intx = -1;
    w->n_dev = res.n_edu;
    for (unsigned i = 0; i < res.n_edu; i++) {
        w->dev[i].devfn = PCI_DEVFN(res.edu_slot[i], 0);
    }
    return &w->base;
}

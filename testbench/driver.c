/*
 * Driver-like steps and the enumerator, on top of lockstep operations.
 */
#include <errno.h>
#include <string.h>

#include "driver.h"

/* Runs one operation; the reference's value, or 0 once a view failed. */
static uint64_t drv_op(Lockstep *ls, const Op *op)
{
    return lockstep_exec(ls, op, NULL) < 0 ? 0 : ls->result[0].value;
}

static uint32_t drv_config_address(unsigned devfn, unsigned off)
{
    return PCI_CONFIG_ENABLE | devfn << 8 | (off & 0xfc);
}

uint32_t drv_cfg_read(Lockstep *ls, unsigned devfn, unsigned off,
                      unsigned size)
{
    Op latch = {.kind = OP_OUT, .size = 4, .addr = PCI_CONFIG_ADDRESS_PORT,
                .value = drv_config_address(devfn, off)};
    Op data = {.kind = OP_IN, .size = size,
               .addr = PCI_CONFIG_DATA_PORT + (off & 3)};

    drv_op(ls, &latch);
    return (uint32_t)drv_op(ls, &data);
}

void drv_cfg_write(Lockstep *ls, unsigned devfn, unsigned off, uint32_t val,
                   unsigned size)
{
    Op latch = {.kind = OP_OUT, .size = 4, .addr = PCI_CONFIG_ADDRESS_PORT,
                .value = drv_config_address(devfn, off)};
    Op data = {.kind = OP_OUT, .size = size,
               .addr = PCI_CONFIG_DATA_PORT + (off & 3), .value = val};

    drv_op(ls, &latch);
    drv_op(ls, &data);
}

uint64_t drv_read(Lockstep *ls, uint64_t addr, unsigned size)
{
    Op op = {.kind = OP_READ, .size = size, .addr = addr};

    return drv_op(ls, &op);
}

void drv_write(Lockstep *ls, uint64_t addr, uint64_t val, unsigned size)
{
    Op op = {.kind = OP_WRITE, .size = size, .addr = addr, .value = val};

    drv_op(ls, &op);
}

void drv_read_buf(Lockstep *ls, uint64_t addr, uint8_t *buf, unsigned len)
{
    while (len) {
        unsigned n = len < OP_BUF_MAX ? len : OP_BUF_MAX;
        Op op = {.kind = OP_READ_BUF, .len = n, .addr = addr};

        if (lockstep_exec(ls, &op, NULL) < 0) {
            memset(buf, 0, len);
            return;
        }
        memcpy(buf, ls->result[0].data, n);
        addr += n;
        buf += n;
        len -= n;
    }
}

void drv_write_buf(Lockstep *ls, uint64_t addr, const uint8_t *buf,
                   unsigned len)
{
    while (len) {
        unsigned n = len < OP_BUF_MAX ? len : OP_BUF_MAX;
        Op op = {.kind = OP_WRITE_BUF, .len = n, .addr = addr, .data = buf};

        drv_op(ls, &op);
        addr += n;
        buf += n;
        len -= n;
    }
}

static bool drv_wait_op(Lockstep *ls, const Op *op, uint64_t *last)
{
    uint64_t value = drv_op(ls, op);

    if (last) {
        *last = value;
    }
    return !ls->error && !ls->result[0].timed_out;
}

bool drv_wait(Lockstep *ls, uint64_t addr, unsigned size, uint64_t mask,
              uint64_t want, uint64_t timeout_ns, uint64_t *last)
{
    Op op = {.kind = OP_WAIT, .size = size, .addr = addr, .mask = mask,
             .value = want, .ns = timeout_ns};

    return drv_wait_op(ls, &op, last);
}

bool drv_wait_dma(Lockstep *ls, uint64_t addr, unsigned size, uint64_t mask,
                  uint64_t want, uint64_t timeout_ns, uint64_t *last)
{
    Op op = {.kind = OP_WAIT, .size = size, .addr = addr, .mask = mask,
             .value = want, .ns = timeout_ns,
             .slack_pct = DRV_DMA_SLACK_PCT};

    return drv_wait_op(ls, &op, last);
}

void drv_advance(Lockstep *ls, uint64_t ns)
{
    Op op = {.kind = OP_ADVANCE, .ns = ns};

    drv_op(ls, &op);
}

/* Sizes memory BAR 'bar' the way firmware does; 0 if not implemented. */
static uint32_t drv_size_bar(Lockstep *ls, unsigned devfn, int bar)
{
    unsigned off = PCI_BASE_ADDRESS_0 + 4 * (unsigned)bar;
    uint32_t old = drv_cfg_read(ls, devfn, off, 4);
    uint32_t mask;

    drv_cfg_write(ls, devfn, off, 0xffffffffu, 4);
    mask = drv_cfg_read(ls, devfn, off, 4);
    drv_cfg_write(ls, devfn, off, old, 4);
    if ((mask & 1) || !(mask & PCI_BASE_ADDRESS_MEM_MASK)) {
        return 0;   /* I/O BAR or none: not for this enumerator */
    }
    return ~(mask & PCI_BASE_ADDRESS_MEM_MASK) + 1;
}

static int drv_setup_function(Lockstep *ls, const DrvEnumConfig *cfg,
                              DrvEnumeration *out, DrvFunction *f)
{
    uint16_t command = PCI_COMMAND_MEMORY;

    for (int bar = 0; bar < PCI_NUM_BARS; bar++) {
        uint32_t size = drv_size_bar(ls, f->devfn, bar);
        uint64_t base;

        if (!size) {
            continue;
        }
        base = (out->window_used + size - 1) & ~(uint64_t)(size - 1);
        if (base + size > DRV_MEM_WINDOW_END) {
            return -ENOSPC;
        }
        drv_cfg_write(ls, f->devfn, PCI_BASE_ADDRESS_0 + 4 * (unsigned)bar,
                      (uint32_t)base, 4);
        f->bar_size[bar] = size;
        f->bar_addr[bar] = base;
        out->window_used = base + size;
    }
    drv_cfg_write(ls, f->devfn, PCI_INTERRUPT_LINE, DRV_IRQ_LINE, 1);
    if (cfg->msi && (drv_cfg_read(ls, f->devfn, PCI_STATUS, 2) &
                     PCI_STATUS_CAP_LIST)) {
        unsigned cap = drv_cfg_read(ls, f->devfn, PCI_CAPABILITY_LIST, 1);

        /* Bounded walk: a capability list could loop. */
        for (int hops = 0; cap >= PCI_HEADER_END && hops < 48; hops++) {
            if (drv_cfg_read(ls, f->devfn, cap, 1) == PCI_CAP_ID_MSI) {
                drv_cfg_write(ls, f->devfn, cap + PCI_MSI_ADDRESS_LO,
                              (uint32_t)cfg->msi_addr, 4);
                drv_cfg_write(ls, f->devfn, cap + PCI_MSI_ADDRESS_HI,
                              (uint32_t)(cfg->msi_addr >> 32), 4);
                drv_cfg_write(ls, f->devfn, cap + PCI_MSI_DATA_64,
                              cfg->msi_data, 2);
                drv_cfg_write(ls, f->devfn, cap + PCI_MSI_FLAGS,
                              PCI_MSI_FLAGS_ENABLE, 2);
                break;
            }
            cap = drv_cfg_read(ls, f->devfn, cap + 1, 1);
        }
    }
    if (cfg->bus_master) {
        command |= PCI_COMMAND_MASTER;
    }
    drv_cfg_write(ls, f->devfn, PCI_COMMAND, command, 2);
    return 0;
}

int drv_enumerate(Lockstep *ls, const DrvEnumConfig *cfg,
                  DrvEnumeration *out)
{
    memset(out, 0, sizeof(*out));
    out->window_used = DRV_MEM_WINDOW_BASE;
    for (unsigned slot = 0; slot < 32; slot++) {
        unsigned nfunc = 1;

        if (cfg->skip_slots & (1u << slot)) {
            continue;
        }
        for (unsigned func = 0; func < nfunc; func++) {
            unsigned devfn = PCI_DEVFN(slot, func);
            uint32_t id = drv_cfg_read(ls, devfn, PCI_VENDOR_ID, 4);
            DrvFunction *f;
            int rc;

            if ((id & 0xffff) == 0xffff) {
                continue;
            }
            if (func == 0 &&
                (drv_cfg_read(ls, devfn, PCI_HEADER_TYPE, 1) & 0x80)) {
                nfunc = 8;
            }
            f = &out->fn[out->n++];
            f->devfn = devfn;
            f->vendor_id = (uint16_t)id;
            f->device_id = (uint16_t)(id >> 16);
            f->class_code = drv_cfg_read(ls, devfn, PCI_REVISION_ID, 4) >> 8;
            /* Host bridges have no BARs to place. */
            if (f->class_code >> 8 == 0x0600) {
                continue;
            }
            rc = drv_setup_function(ls, cfg, out, f);
            if (rc < 0) {
                return rc;
            }
        }
    }
    return ls->error;
}

/*
 * Configuration space of one conventional PCI function (type 0 header).
 *
 * Writes follow QEMU's PCI core byte by byte: new = (old & ~wmask) |
 * (val & wmask), then the write-1-to-clear bits.  The MSI rules follow
 * QEMU's msi.c: while MSI is enabled, any write that touches the capability
 * clamps the multiple-message field to one vector and drops INTx.
 */
#include <string.h>

#include "edu/bytes.h"
#include "edu/pci.h"

void pci_cfg_init(PciConfig *cfg, const PciIdentity *id)
{
    memset(cfg, 0, sizeof(*cfg));
    edu_store_le(cfg->data + PCI_VENDOR_ID, id->vendor_id, 2);
    edu_store_le(cfg->data + PCI_DEVICE_ID, id->device_id, 2);
    cfg->data[PCI_REVISION_ID] = id->revision;
    edu_store_le(cfg->data + PCI_CLASS_PROG, id->class_code, 3);
    edu_store_le(cfg->data + PCI_SUBSYSTEM_VENDOR_ID, id->subsys_vendor_id, 2);
    edu_store_le(cfg->data + PCI_SUBSYSTEM_ID, id->subsys_id, 2);
    cfg->data[PCI_INTERRUPT_PIN] = id->interrupt_pin;

    edu_store_le(cfg->wmask + PCI_COMMAND,
                 PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
                     PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE,
                 2);
    edu_store_le(cfg->w1cmask + PCI_STATUS, PCI_STATUS_W1C, 2);
    cfg->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    cfg->wmask[PCI_INTERRUPT_LINE] = 0xff;
    /* Device-specific space is plain storage until a capability claims it. */
    memset(cfg->wmask + PCI_HEADER_END, 0xff,
           PCI_CONFIG_SIZE - PCI_HEADER_END);
}

void pci_cfg_add_bar(PciConfig *cfg, int bar, uint32_t size)
{
    unsigned off = PCI_BASE_ADDRESS_0 + 4 * (unsigned)bar;

    cfg->bar_size[bar] = size;
    edu_store_le(cfg->wmask + off, ~(size - 1) & PCI_BASE_ADDRESS_MEM_MASK, 4);
}

void pci_cfg_add_msi(PciConfig *cfg, uint8_t offset)
{
    uint8_t *cap = cfg->data + offset;
    uint8_t *wmask = cfg->wmask + offset;

    cfg->msi_cap = offset;
    cap[0] = PCI_CAP_ID_MSI;
    cap[1] = cfg->data[PCI_CAPABILITY_LIST];
    cfg->data[PCI_CAPABILITY_LIST] = offset;
    cfg->data[PCI_STATUS] |= PCI_STATUS_CAP_LIST;

    edu_store_le(cap + PCI_MSI_FLAGS, PCI_MSI_FLAGS_64BIT, 2);
    memset(wmask, 0, PCI_MSI_SIZEOF_64);
    edu_store_le(wmask + PCI_MSI_FLAGS,
                 PCI_MSI_FLAGS_QSIZE | PCI_MSI_FLAGS_ENABLE, 2);
    edu_store_le(wmask + PCI_MSI_ADDRESS_LO, 0xfffffffcu, 4);
    edu_store_le(wmask + PCI_MSI_ADDRESS_HI, 0xffffffffu, 4);
    edu_store_le(wmask + PCI_MSI_DATA_64, 0xffffu, 2);
}

uint32_t pci_cfg_read(const PciConfig *cfg, unsigned off, unsigned len)
{
    if (off >= PCI_CONFIG_SIZE) {
        return 0;
    }
    if (len > PCI_CONFIG_SIZE - off) {
        len = PCI_CONFIG_SIZE - off;
    }
    return (uint32_t)edu_load_le(cfg->data + off, len);
}

static uint16_t msi_flags(const PciConfig *cfg)
{
    return (uint16_t)edu_load_le(cfg->data + cfg->msi_cap + PCI_MSI_FLAGS, 2);
}

static void msi_after_write(PciConfig *cfg, unsigned off, unsigned len)
{
    unsigned cap = cfg->msi_cap;
    uint16_t flags;

    if (!cap || off + len <= cap || off >= cap + PCI_MSI_SIZEOF_64) {
        return;
    }
    flags = msi_flags(cfg);
    if (!(flags & PCI_MSI_FLAGS_ENABLE)) {
        return;
    }
    /* MSI and INTx are mutually exclusive: enabled MSI drops INTx. */
    pci_cfg_set_intx(cfg, false);
    /* One vector only: more than the capable count is clamped to it. */
    if (((flags & PCI_MSI_FLAGS_QSIZE) >> 4) >
        ((flags & PCI_MSI_FLAGS_QMASK) >> 1)) {
        flags &= (uint16_t)~PCI_MSI_FLAGS_QSIZE;
        flags |= (uint16_t)((flags & PCI_MSI_FLAGS_QMASK) << 3);
        edu_store_le(cfg->data + cap + PCI_MSI_FLAGS, flags, 2);
    }
}

void pci_cfg_write(PciConfig *cfg, unsigned off, uint32_t val, unsigned len)
{
    if (off >= PCI_CONFIG_SIZE) {
        return;
    }
    if (len > PCI_CONFIG_SIZE - off) {
        len = PCI_CONFIG_SIZE - off;
    }
    for (unsigned i = 0; i < len; i++) {
        uint8_t byte = (uint8_t)(val >> (8 * i));
        uint8_t *p = cfg->data + off + i;

        *p = (uint8_t)((*p & ~cfg->wmask[off + i]) |
                       (byte & cfg->wmask[off + i]));
        *p &= (uint8_t)~(byte & cfg->w1cmask[off + i]);
    }
    msi_after_write(cfg, off, len);
}

uint16_t pci_cfg_command(const PciConfig *cfg)
{
    return (uint16_t)edu_load_le(cfg->data + PCI_COMMAND, 2);
}

uint64_t pci_cfg_bar_addr(const PciConfig *cfg, int bar)
{
    uint32_t size = cfg->bar_size[bar];
    uint64_t base;

    if (!size || !(pci_cfg_command(cfg) & PCI_COMMAND_MEMORY)) {
        return PCI_BAR_UNMAPPED;
    }
    base = (uint32_t)edu_load_le(
               cfg->data + PCI_BASE_ADDRESS_0 + 4 * (size_t)bar, 4) &
           PCI_BASE_ADDRESS_MEM_MASK & ~(uint64_t)(size - 1);
    /* A 32-bit BAR must neither sit at 0 nor reach the top of 4 GiB. */
    if (base == 0 || base + size - 1 >= UINT32_MAX) {
        return PCI_BAR_UNMAPPED;
    }
    return base;
}

bool pci_cfg_bus_master(const PciConfig *cfg)
{
    return pci_cfg_command(cfg) & PCI_COMMAND_MASTER;
}

bool pci_cfg_msi_enabled(const PciConfig *cfg)
{
    return cfg->msi_cap && (msi_flags(cfg) & PCI_MSI_FLAGS_ENABLE);
}

void pci_cfg_msi_message(const PciConfig *cfg, uint64_t *addr, uint32_t *data)
{
    const uint8_t *cap = cfg->data + cfg->msi_cap;

    *addr = (uint32_t)edu_load_le(cap + PCI_MSI_ADDRESS_LO, 4) |
            edu_load_le(cap + PCI_MSI_ADDRESS_HI, 4) << 32;
    *data = (uint32_t)edu_load_le(cap + PCI_MSI_DATA_64, 2);
}

void pci_cfg_set_intx(PciConfig *cfg, bool level)
{
    cfg->intx_level = level;
    if (level) {
        cfg->data[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
    } else {
        cfg->data[PCI_STATUS] &= (uint8_t)~PCI_STATUS_INTERRUPT;
    }
}

bool pci_cfg_intx_pin(const PciConfig *cfg)
{
    return cfg->intx_level &&
           !(pci_cfg_command(cfg) & PCI_COMMAND_INTX_DISABLE);
}

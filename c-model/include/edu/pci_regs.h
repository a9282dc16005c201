/*
 * Conventional PCI configuration space: offsets and bits of the type 0
 * header and of the MSI capability that the models here use, and the bus
 * commands.
 *
 * The one definition of these names: the build generates the RTL's
 * pci_regs_pkg from this file (rtl/tools/edu_regs_pkg_gen.c).
 */
#ifndef EDU_PCI_REGS_H
#define EDU_PCI_REGS_H

#define PCI_CONFIG_SIZE         256
#define PCI_NUM_BARS            6

#define PCI_VENDOR_ID           0x00
#define PCI_DEVICE_ID           0x02
#define PCI_COMMAND             0x04
#define PCI_STATUS              0x06
#define PCI_REVISION_ID         0x08
#define PCI_CLASS_PROG          0x09
#define PCI_CACHE_LINE_SIZE     0x0c
#define PCI_LATENCY_TIMER       0x0d
#define PCI_HEADER_TYPE         0x0e
#define PCI_BASE_ADDRESS_0      0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID        0x2e
#define PCI_ROM_ADDRESS         0x30
#define PCI_CAPABILITY_LIST     0x34
#define PCI_INTERRUPT_LINE      0x3c
#define PCI_INTERRUPT_PIN       0x3d
#define PCI_HEADER_END          0x40  /* device-specific space starts here */

#define PCI_COMMAND_IO          0x0001u
#define PCI_COMMAND_MEMORY      0x0002u
#define PCI_COMMAND_MASTER      0x0004u
#define PCI_COMMAND_SERR        0x0100u
#define PCI_COMMAND_INTX_DISABLE 0x0400u

#define PCI_STATUS_INTERRUPT    0x0008u
#define PCI_STATUS_CAP_LIST     0x0010u
#define PCI_STATUS_W1C          0xf900u  /* parity, aborts, SERR */

#define PCI_BASE_ADDRESS_MEM_MASK 0xfffffff0u

#define PCI_CAP_ID_MSI          0x05
#define PCI_MSI_FLAGS           0x02  /* offsets within the capability */
#define PCI_MSI_ADDRESS_LO      0x04
#define PCI_MSI_ADDRESS_HI      0x08
#define PCI_MSI_DATA_64         0x0c
#define PCI_MSI_SIZEOF_64       0x0e
#define PCI_MSI_FLAGS_ENABLE    0x0001u
#define PCI_MSI_FLAGS_QMASK     0x000eu
#define PCI_MSI_FLAGS_QSIZE     0x0070u
#define PCI_MSI_FLAGS_64BIT     0x0080u

/* PCI bus commands on C/BE# in the address phase */
#define PCI_CMD_IO_READ         0x2u
#define PCI_CMD_IO_WRITE        0x3u
#define PCI_CMD_MEM_READ        0x6u
#define PCI_CMD_MEM_WRITE       0x7u
#define PCI_CMD_CONFIG_READ     0xau
#define PCI_CMD_CONFIG_WRITE    0xbu
#define PCI_CMD_MEM_READ_MUL    0xcu  /* memory read multiple */
#define PCI_CMD_DAC             0xdu  /* dual address cycle */
#define PCI_CMD_MEM_READ_LINE   0xeu  /* memory read line */
#define PCI_CMD_MEM_WRITE_INV   0xfu  /* memory write and invalidate */

/* Config mechanism #1 (host bridge I/O ports) */
#define PCI_CONFIG_ADDRESS_PORT 0xcf8
#define PCI_CONFIG_DATA_PORT    0xcfc
#define PCI_CONFIG_ENABLE       0x80000000u

#define PCI_DEVFN(slot, func)   ((((slot) & 0x1f) << 3) | ((func) & 0x07))

#endif /* EDU_PCI_REGS_H */

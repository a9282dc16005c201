/*
 * edu register map: PCI identity, BAR0 register offsets and bit names.
 *
 * The one definition of these names: the build generates the RTL's
 * edu_regs_pkg from this file (rtl/tools/edu_regs_pkg_gen.c), with the same
 * spelling.  Behaviour lives in c-model/src/edu.c, not here.
 */
#ifndef EDU_REGS_H
#define EDU_REGS_H

/* PCI identity (type 0 header) */
#define EDU_VENDOR_ID           0x1234
#define EDU_DEVICE_ID           0x11e8
#define EDU_REVISION            0x10
#define EDU_CLASS_CODE          0x00ff00  /* base 0x00, sub 0xff, prog-if 0 */
#define EDU_SUBSYS_VENDOR_ID    0x1af4
#define EDU_SUBSYS_ID           0x1100
#define EDU_INTERRUPT_PIN       1         /* INTA# */
#define EDU_MSI_CAP_OFFSET      0x40
#define EDU_BAR0_SIZE           0x100000u /* 1 MiB, 32-bit memory */

/* BAR0 registers */
#define EDU_REG_ID              0x00  /* RO: EDU_ID_VALUE */
#define EDU_REG_LIVENESS        0x04  /* stores ~value */
#define EDU_REG_FACT            0x08  /* operand in, n! out */
#define EDU_REG_STATUS          0x20
#define EDU_REG_IRQ_STATUS      0x24  /* RO */
#define EDU_REG_IRQ_RAISE       0x60  /* WO: irq_status |= value */
#define EDU_REG_IRQ_ACK         0x64  /* WO: irq_status &= ~value */
#define EDU_REG_DMA_SRC         0x80  /* 64-bit */
#define EDU_REG_DMA_DST         0x88  /* 64-bit */
#define EDU_REG_DMA_COUNT       0x90  /* 64-bit */
#define EDU_REG_DMA_CMD         0x98  /* 64-bit */

/* Offsets below this accept 4-byte accesses only; from it on, 4 or 8. */
#define EDU_REG_WIDE_BASE       0x80

#define EDU_ID_VALUE            0x010000edu

#define EDU_STATUS_COMPUTING    0x01u /* read-only: factorial running */
#define EDU_STATUS_IRQFACT      0x80u /* raise EDU_IRQ_FACT when done */

#define EDU_IRQ_FACT            0x001u
#define EDU_IRQ_DMA             0x100u

#define EDU_DMA_CMD_RUN         0x1u
#define EDU_DMA_CMD_TO_RAM      0x2u  /* 0: RAM -> buffer, 1: buffer -> RAM */
#define EDU_DMA_CMD_IRQ         0x4u  /* raise EDU_IRQ_DMA when done */

#define EDU_DMA_BUF_ADDR        0x40000u
#define EDU_DMA_BUF_SIZE        4096u
#define EDU_DMA_MASK_DEFAULT    ((1ull << 28) - 1)

#endif /* EDU_REGS_H */

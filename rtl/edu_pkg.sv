// edu register map: PCI identity, BAR0 register offsets and bit names.
//
// The SystemVerilog twin of c-model/include/edu/regs.h, with the same
// spelling; behaviour lives in edu_regs.sv (and c-model/src/edu.c), not
// here.  The clocks of everything come from edu_timing_pkg, which the build
// generates from the one timing table, c-model/include/edu/timing.h.

`default_nettype none

package edu_pkg;

  // PCI identity (type 0 header)
  localparam logic [15:0] EDU_VENDOR_ID        = 16'h1234;
  localparam logic [15:0] EDU_DEVICE_ID        = 16'h11e8;
  localparam logic [7:0]  EDU_REVISION         = 8'h10;
  localparam logic [23:0] EDU_CLASS_CODE       = 24'h00ff00;  // base 0x00, sub 0xff, prog-if 0
  localparam logic [15:0] EDU_SUBSYS_VENDOR_ID = 16'h1af4;
  localparam logic [15:0] EDU_SUBSYS_ID        = 16'h1100;
  localparam logic [7:0]  EDU_INTERRUPT_PIN    = 8'd1;        // INTA#
  localparam logic [7:0]  EDU_MSI_CAP_OFFSET   = 8'h40;
  localparam logic [31:0] EDU_BAR0_SIZE        = 32'h0010_0000;  // 1 MiB, 32-bit memory

  // BAR0 registers (byte offsets)
  localparam logic [19:0] EDU_REG_ID         = 20'h00;  // RO: EDU_ID_VALUE
  localparam logic [19:0] EDU_REG_LIVENESS   = 20'h04;  // stores ~value
  localparam logic [19:0] EDU_REG_FACT       = 20'h08;  // operand in, n! out
  localparam logic [19:0] EDU_REG_STATUS     = 20'h20;
  localparam logic [19:0] EDU_REG_IRQ_STATUS = 20'h24;  // RO
  localparam logic [19:0] EDU_REG_IRQ_RAISE  = 20'h60;  // WO: irq_status |= value
  localparam logic [19:0] EDU_REG_IRQ_ACK    = 20'h64;  // WO: irq_status &= ~value
  localparam logic [19:0] EDU_REG_DMA_SRC    = 20'h80;  // 64-bit
  localparam logic [19:0] EDU_REG_DMA_DST    = 20'h88;  // 64-bit
  localparam logic [19:0] EDU_REG_DMA_COUNT  = 20'h90;  // 64-bit
  localparam logic [19:0] EDU_REG_DMA_CMD    = 20'h98;  // 64-bit

  // Offsets below this accept 4-byte accesses only; from it on, 4 or 8.
  localparam logic [19:0] EDU_REG_WIDE_BASE  = 20'h80;

  localparam logic [31:0] EDU_ID_VALUE = 32'h0100_00ed;

  localparam logic [31:0] EDU_STATUS_COMPUTING = 32'h01;  // read-only: factorial running
  localparam logic [31:0] EDU_STATUS_IRQFACT   = 32'h80;  // raise EDU_IRQ_FACT when done

  localparam logic [31:0] EDU_IRQ_FACT = 32'h001;
  localparam logic [31:0] EDU_IRQ_DMA  = 32'h100;

  localparam logic [63:0] EDU_DMA_CMD_RUN    = 64'h1;
  localparam logic [63:0] EDU_DMA_CMD_TO_RAM = 64'h2;  // 0: RAM -> buffer, 1: buffer -> RAM
  localparam logic [63:0] EDU_DMA_CMD_IRQ    = 64'h4;  // raise EDU_IRQ_DMA when done

  localparam logic [63:0] EDU_DMA_BUF_ADDR     = 64'h4_0000;
  localparam int EDU_DMA_BUF_SIZE     = 4096;
  localparam logic [63:0] EDU_DMA_MASK_DEFAULT = 64'h0fff_ffff;

endpackage

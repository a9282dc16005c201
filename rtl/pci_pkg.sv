// Conventional PCI names: configuration header offsets and bits, bus commands.
//
// The SystemVerilog twin of c-model/include/edu/pci_regs.h, with the same
// spelling; the bus commands are those of the PCI Local Bus Specification 3.0.

`default_nettype none

package pci_pkg;

  // Configuration space (type 0 header), byte offsets
  localparam int PCI_CONFIG_SIZE         = 256;
  localparam int PCI_NUM_BARS            = 6;
  localparam int PCI_VENDOR_ID           = 'h00;
  localparam int PCI_DEVICE_ID           = 'h02;
  localparam int PCI_COMMAND             = 'h04;
  localparam int PCI_STATUS              = 'h06;
  localparam int PCI_REVISION_ID         = 'h08;
  localparam int PCI_CLASS_PROG          = 'h09;
  localparam int PCI_CACHE_LINE_SIZE     = 'h0c;
  localparam int PCI_LATENCY_TIMER       = 'h0d;
  localparam int PCI_HEADER_TYPE         = 'h0e;
  localparam int PCI_BASE_ADDRESS_0      = 'h10;
  localparam int PCI_SUBSYSTEM_VENDOR_ID = 'h2c;
  localparam int PCI_SUBSYSTEM_ID        = 'h2e;
  localparam int PCI_ROM_ADDRESS         = 'h30;
  localparam int PCI_CAPABILITY_LIST     = 'h34;
  localparam int PCI_INTERRUPT_LINE      = 'h3c;
  localparam int PCI_INTERRUPT_PIN       = 'h3d;
  localparam int PCI_HEADER_END          = 'h40;

  localparam logic [15:0] PCI_COMMAND_IO           = 16'h0001;
  localparam logic [15:0] PCI_COMMAND_MEMORY       = 16'h0002;
  localparam logic [15:0] PCI_COMMAND_MASTER       = 16'h0004;
  localparam logic [15:0] PCI_COMMAND_SERR         = 16'h0100;
  localparam logic [15:0] PCI_COMMAND_INTX_DISABLE = 16'h0400;
  // What a function lets software change (QEMU's PCI core).
  localparam logic [15:0] PCI_COMMAND_WMASK = PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
                                              PCI_COMMAND_MASTER | PCI_COMMAND_SERR |
                                              PCI_COMMAND_INTX_DISABLE;

  localparam logic [15:0] PCI_STATUS_INTERRUPT = 16'h0008;
  localparam logic [15:0] PCI_STATUS_CAP_LIST  = 16'h0010;
  localparam logic [15:0] PCI_STATUS_W1C       = 16'hf900;

  localparam logic [31:0] PCI_BASE_ADDRESS_MEM_MASK = 32'hffff_fff0;

  // MSI capability, offsets within the capability and flag bits
  localparam logic [7:0]  PCI_CAP_ID_MSI       = 8'h05;
  localparam int PCI_MSI_FLAGS        = 'h02;
  localparam int PCI_MSI_ADDRESS_LO   = 'h04;
  localparam int PCI_MSI_ADDRESS_HI   = 'h08;
  localparam int PCI_MSI_DATA_64      = 'h0c;
  localparam int PCI_MSI_SIZEOF_64    = 'h0e;
  localparam logic [15:0] PCI_MSI_FLAGS_ENABLE = 16'h0001;
  localparam logic [15:0] PCI_MSI_FLAGS_QMASK  = 16'h000e;
  localparam logic [15:0] PCI_MSI_FLAGS_QSIZE  = 16'h0070;
  localparam logic [15:0] PCI_MSI_FLAGS_64BIT  = 16'h0080;

  // Bus commands on C/BE#[3:0] in the address phase
  localparam logic [3:0] PCI_CMD_INT_ACK        = 4'b0000;
  localparam logic [3:0] PCI_CMD_SPECIAL        = 4'b0001;
  localparam logic [3:0] PCI_CMD_IO_READ        = 4'b0010;
  localparam logic [3:0] PCI_CMD_IO_WRITE       = 4'b0011;
  localparam logic [3:0] PCI_CMD_MEM_READ       = 4'b0110;
  localparam logic [3:0] PCI_CMD_MEM_WRITE      = 4'b0111;
  localparam logic [3:0] PCI_CMD_CFG_READ       = 4'b1010;
  localparam logic [3:0] PCI_CMD_CFG_WRITE      = 4'b1011;
  localparam logic [3:0] PCI_CMD_MEM_READ_MUL   = 4'b1100;
  localparam logic [3:0] PCI_CMD_DAC            = 4'b1101;
  localparam logic [3:0] PCI_CMD_MEM_READ_LINE  = 4'b1110;
  localparam logic [3:0] PCI_CMD_MEM_WRITE_INV  = 4'b1111;

  // Even parity over AD and C/BE#: what PAR carries one clock later.
  function automatic logic pci_parity(logic [31:0] ad, logic [3:0] cbe_n);
    pci_parity = ^{ad, cbe_n};
  endfunction

endpackage

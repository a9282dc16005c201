// Configuration space of the edu function: a type 0 header with BAR0 and an
// MSI capability, bit for bit as QEMU's PCI core shows it
// (docs/registers.md).
//
// A write changes each enabled byte as new = (old & ~wmask) | (val & wmask)
// (write-1-to-clear bits of STATUS are never set here, so they read 0).
// MSI (QEMU's msi.c): any write that touches the capability (0x40..0x4d)
// while MSI is enabled after it clamps the multiple-message field to one
// vector and drops INTx.  STATUS bit 3 shows the INTx level the edu core
// asks for, whatever COMMAND's INTx disable does to the pin.  Bytes
// 0x4e..0xff are plain storage, 0 at reset.

`default_nettype none

module edu_pci_cfg (
  input  logic        clk_i,
  input  logic        rst_ni,

  // One data phase of a configuration access (edu_pci_target)
  input  logic [7:2]  addr_i,
  input  logic        wr_i,         // write at the coming edge
  input  logic [3:0]  wr_be_n_i,
  input  logic [31:0] wdata_i,
  output logic [31:0] rdata_o,

  input  logic        intx_level_i, // STATUS bit 3

  output logic        master_en_o,  // COMMAND.bus_master
  output logic        master_en_d_o, // ... after this clock's write
  output logic        intx_disable_o,
  output logic [11:0] bar0_base_o,  // address bits 31:20
  output logic        bar0_decode_o,
  output logic        msi_en_d_o,   // ... after this clock's write
  output logic        msi_intx_clr_o, // this clock's write drops INTx
  output logic [63:2] msi_addr_o,
  output logic [15:0] msi_data_o
);

  // Storage: 0x4e..0x4f in the DWORD of the MSI data, then DWORDs 0x50..0xfc.
  localparam int StoreDwords = (256 - 'h50) / 4;
  localparam logic [5:0] StoreFirstDword = 6'h14;
  // COMMAND's writable bits (0x0507): I/O, memory, bus master; SERR#, INTx
  // disable.
  localparam logic [7:0] CommandWmaskLo = pci_pkg::PCI_COMMAND_WMASK[7:0];
  localparam logic [2:0] CommandWmaskHi = pci_pkg::PCI_COMMAND_WMASK[10:8];

  // The writable state; everything else is a constant of the header.
  logic [10:0] command_q, command_d;   // bits 10:0 of COMMAND (wmask 0x0507)
  logic [7:0]  cache_line_q, cache_line_d;
  logic [7:0]  int_line_q, int_line_d;
  logic [11:0] bar0_q, bar0_d;
  logic        msi_en_q, msi_en_d;
  logic [2:0]  msi_qsize_q, msi_qsize_d;
  logic [31:2] msi_addr_lo_q, msi_addr_lo_d;
  logic [31:0] msi_addr_hi_q, msi_addr_hi_d;
  logic [15:0] msi_data_q, msi_data_d;
  logic [15:0] store4e_q;
  logic [31:0] store_q [StoreDwords];

  logic [15:0] command;
  logic [15:0] status;
  logic [15:0] msi_flags;
  assign command = {5'b0, command_q};
  assign status = pci_pkg::PCI_STATUS_CAP_LIST |
                  (intx_level_i ? pci_pkg::PCI_STATUS_INTERRUPT : 16'h0);
  assign msi_flags = pci_pkg::PCI_MSI_FLAGS_64BIT | {9'b0, msi_qsize_q, 3'b000, msi_en_q};

  // Read: the DWORD at addr_i.
  logic [7:0] byte_addr;
  assign byte_addr = {addr_i, 2'b00};

  always_comb begin
    unique case (byte_addr)
      8'h00: rdata_o = {edu_pkg::EDU_DEVICE_ID, edu_pkg::EDU_VENDOR_ID};
      8'h04: rdata_o = {status, command};
      8'h08: rdata_o = {edu_pkg::EDU_CLASS_CODE, edu_pkg::EDU_REVISION};
      8'h0c: rdata_o = {24'h000000, cache_line_q};  // BIST, header type, latency 0
      8'h10: rdata_o = {bar0_q, 20'h00000};        // 32-bit memory, non-prefetchable
      8'h2c: rdata_o = {edu_pkg::EDU_SUBSYS_ID, edu_pkg::EDU_SUBSYS_VENDOR_ID};
      8'h34: rdata_o = {24'h000000, edu_pkg::EDU_MSI_CAP_OFFSET};
      8'h3c: rdata_o = {16'h0000, edu_pkg::EDU_INTERRUPT_PIN, int_line_q};
      8'h40: rdata_o = {msi_flags, 8'h00, pci_pkg::PCI_CAP_ID_MSI};
      8'h44: rdata_o = {msi_addr_lo_q, 2'b00};
      8'h48: rdata_o = msi_addr_hi_q;
      8'h4c: rdata_o = {store4e_q, msi_data_q};
      default: begin
        if (byte_addr >= 8'h50) begin
          rdata_o = store_q[addr_i - StoreFirstDword];
        end else begin
          rdata_o = 32'h0;  // BAR1..5, CardBus CIS, expansion ROM, reserved
        end
      end
    endcase
  end

  // Write: byte by byte through the write masks.
  logic [3:0]  be;
  logic [7:0]  wb [4];
  logic        touches_msi;
  assign be = wr_i ? ~wr_be_n_i : 4'b0000;
  assign wb[0] = wdata_i[7:0];
  assign wb[1] = wdata_i[15:8];
  assign wb[2] = wdata_i[23:16];
  assign wb[3] = wdata_i[31:24];
  // The bytes written overlap 0x40..0x4d.
  assign touches_msi = (byte_addr == 8'h40 && be != 4'b0) ||
                       (byte_addr == 8'h44 && be != 4'b0) ||
                       (byte_addr == 8'h48 && be != 4'b0) ||
                       (byte_addr == 8'h4c && be[1:0] != 2'b0);

  always_comb begin
    command_d = command_q;
    cache_line_d = cache_line_q;
    int_line_d = int_line_q;
    bar0_d = bar0_q;
    msi_addr_lo_d = msi_addr_lo_q;
    msi_addr_hi_d = msi_addr_hi_q;
    msi_data_d = msi_data_q;

    unique case (byte_addr)
      8'h04: begin
        if (be[0]) begin
          command_d[7:0] = (command_q[7:0] & ~CommandWmaskLo) |
                           (wb[0] & CommandWmaskLo);
        end
        if (be[1]) begin
          command_d[10:8] = (command_q[10:8] & ~CommandWmaskHi) |
                            (wb[1][2:0] & CommandWmaskHi);
        end
      end
      8'h0c: if (be[0]) cache_line_d = wb[0];
      8'h10: begin
        if (be[2]) bar0_d[3:0] = wb[2][7:4];
        if (be[3]) bar0_d[11:4] = wb[3];
      end
      8'h3c: if (be[0]) int_line_d = wb[0];
      8'h40: ;  // MSI control: below
      8'h44: begin
        if (be[0]) msi_addr_lo_d[7:2] = wb[0][7:2];
        if (be[1]) msi_addr_lo_d[15:8] = wb[1];
        if (be[2]) msi_addr_lo_d[23:16] = wb[2];
        if (be[3]) msi_addr_lo_d[31:24] = wb[3];
      end
      8'h48: begin
        if (be[0]) msi_addr_hi_d[7:0] = wb[0];
        if (be[1]) msi_addr_hi_d[15:8] = wb[1];
        if (be[2]) msi_addr_hi_d[23:16] = wb[2];
        if (be[3]) msi_addr_hi_d[31:24] = wb[3];
      end
      8'h4c: begin
        if (be[0]) msi_data_d[7:0] = wb[0];
        if (be[1]) msi_data_d[15:8] = wb[1];
      end
      default: ;
    endcase

  end

  // MSI control (byte 0x42: enable, multiple message enable), then QEMU's
  // msi_write_config: a write that touches the capability while MSI is
  // enabled after it drops INTx and allows one vector.
  logic       flags_wr;
  assign flags_wr = byte_addr == 8'h40 && be[2];
  assign msi_en_d = flags_wr ? wb[2][0] : msi_en_q;
  assign msi_intx_clr_o = touches_msi && msi_en_d;
  assign msi_qsize_d = msi_intx_clr_o ? 3'b000 : flags_wr ? wb[2][6:4] : msi_qsize_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      command_q <= '0;
      cache_line_q <= '0;
      int_line_q <= '0;
      bar0_q <= '0;
      msi_en_q <= 1'b0;
      msi_qsize_q <= '0;
      msi_addr_lo_q <= '0;
      msi_addr_hi_q <= '0;
      msi_data_q <= '0;
    end else begin
      command_q <= command_d;
      cache_line_q <= cache_line_d;
      int_line_q <= int_line_d;
      bar0_q <= bar0_d;
      msi_en_q <= msi_en_d;
      msi_qsize_q <= msi_qsize_d;
      msi_addr_lo_q <= msi_addr_lo_d;
      msi_addr_hi_q <= msi_addr_hi_d;
      msi_data_q <= msi_data_d;
    end
  end

  // Device-specific storage (plain read/write, 0 at reset).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      store4e_q <= '0;
      for (int i = 0; i < StoreDwords; i++) begin
        store_q[i] <= '0;
      end
    end else if (byte_addr == 8'h4c) begin
      if (be[2]) store4e_q[7:0] <= wb[2];
      if (be[3]) store4e_q[15:8] <= wb[3];
    end else if (byte_addr >= 8'h50) begin
      for (int k = 0; k < 4; k++) begin
        if (be[k]) store_q[addr_i - StoreFirstDword][8*k +: 8] <= wb[k];
      end
    end
  end

  // BAR0 decodes while memory is on, its address is not 0 and its 1 MiB
  // stays below 0xffffffff.
  assign master_en_o = command_q[2];
  assign master_en_d_o = command_d[2];
  assign intx_disable_o = command_q[10];
  assign bar0_base_o = bar0_q;
  assign bar0_decode_o = command_q[1] && bar0_q != 12'h000 && bar0_q != 12'hfff;
  assign msi_en_d_o = msi_en_d;
  assign msi_addr_o = {msi_addr_hi_q, msi_addr_lo_q};
  assign msi_data_o = msi_data_q;

endmodule

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

  // The MSI capability's DWORDs, and the storage after it: its last two
  // bytes share the DWORD of the MSI data, then whole DWORDs to the end.
  localparam logic [7:0] MsiCap = edu_regs_pkg::EDU_MSI_CAP_OFFSET;
  localparam logic [7:0] MsiAddrLo = MsiCap + pci_regs_pkg::PCI_MSI_ADDRESS_LO;
  localparam logic [7:0] MsiAddrHi = MsiCap + pci_regs_pkg::PCI_MSI_ADDRESS_HI;
  localparam logic [7:0] MsiData = MsiCap + pci_regs_pkg::PCI_MSI_DATA_64;
  localparam logic [8:0] MsiEnd = 9'(MsiCap) + 9'(pci_regs_pkg::PCI_MSI_SIZEOF_64);
  localparam logic [7:0] StoreFirst = 8'((MsiEnd + 9'd3) & ~9'd3);
  localparam int StoreDwords = (pci_regs_pkg::PCI_CONFIG_SIZE - 32'(StoreFirst)) / 4;
  localparam logic [5:0] StoreFirstDword = StoreFirst[7:2];
  // What software may change (QEMU's PCI core) in COMMAND (I/O, memory,
  // bus master, SERR#, INTx disable: 0x0507) and in the MSI control (enable,
  // multiple message enable).  BAR0's writable bits are its address bits.
  localparam logic [15:0] CommandWmask =
      pci_regs_pkg::PCI_COMMAND_IO | pci_regs_pkg::PCI_COMMAND_MEMORY |
      pci_regs_pkg::PCI_COMMAND_MASTER | pci_regs_pkg::PCI_COMMAND_SERR |
      pci_regs_pkg::PCI_COMMAND_INTX_DISABLE;
  localparam logic [15:0] MsiFlagsWmask =
      pci_regs_pkg::PCI_MSI_FLAGS_QSIZE | pci_regs_pkg::PCI_MSI_FLAGS_ENABLE;
  // The header's constant DWORDs: identity, class and revision, subsystem.
  localparam logic [31:0] IdDword = {edu_regs_pkg::EDU_DEVICE_ID, edu_regs_pkg::EDU_VENDOR_ID};
  localparam logic [31:0] ClassDword = {edu_regs_pkg::EDU_CLASS_CODE, edu_regs_pkg::EDU_REVISION};
  localparam logic [31:0] SubsysDword = {edu_regs_pkg::EDU_SUBSYS_ID,
                                         edu_regs_pkg::EDU_SUBSYS_VENDOR_ID};

  // QEMU's configuration write of a 16-bit register, the bytes enabled in
  // be: each becomes (old & ~wmask) | (val & wmask).
  function automatic logic [15:0] write16(logic [15:0] old, logic [15:0] val, logic [15:0] wmask,
                                          logic [1:0] be);
    logic [15:0] merged;
    merged = old;
    for (int k = 0; k < 2; k++) begin
      if (be[k]) begin
        merged[8*k +: 8] = (old[8*k +: 8] & ~wmask[8*k +: 8]) | (val[8*k +: 8] & wmask[8*k +: 8]);
      end
    end
    write16 = merged;
  endfunction

  // The writable state; everything else is a constant of the header.
  logic [15:0] command_q, command_d;   // only the bits of CommandWmask change
  logic [7:0]  cache_line_q, cache_line_d;
  logic [7:0]  int_line_q, int_line_d;
  logic [11:0] bar0_q, bar0_d;         // address bits 31:20
  logic [15:0] msi_flags_q, msi_flags_d;  // only the bits of MsiFlagsWmask change
  logic [31:2] msi_addr_lo_q, msi_addr_lo_d;
  logic [31:0] msi_addr_hi_q, msi_addr_hi_d;
  logic [15:0] msi_data_q, msi_data_d;
  logic [15:0] store4e_q;
  logic [31:0] store_q [StoreDwords];

  logic [15:0] status;
  logic [15:0] msi_flags;
  assign status = pci_regs_pkg::PCI_STATUS_CAP_LIST |
                  (intx_level_i ? pci_regs_pkg::PCI_STATUS_INTERRUPT : 16'h0);
  assign msi_flags = pci_regs_pkg::PCI_MSI_FLAGS_64BIT | msi_flags_q;

  // Read: the DWORD at addr_i.
  logic [7:0] byte_addr;
  assign byte_addr = {addr_i, 2'b00};

  always_comb begin
    unique case (byte_addr)
      pci_regs_pkg::PCI_VENDOR_ID: rdata_o = IdDword;
      pci_regs_pkg::PCI_COMMAND: rdata_o = {status, command_q};
      pci_regs_pkg::PCI_REVISION_ID: rdata_o = ClassDword;
      // BIST, header type, latency timer 0
      pci_regs_pkg::PCI_CACHE_LINE_SIZE: rdata_o = {24'h000000, cache_line_q};
      // 32-bit memory, non-prefetchable
      pci_regs_pkg::PCI_BASE_ADDRESS_0: rdata_o = {bar0_q, 20'h00000};
      pci_regs_pkg::PCI_SUBSYSTEM_VENDOR_ID: rdata_o = SubsysDword;
      pci_regs_pkg::PCI_CAPABILITY_LIST: rdata_o = {24'h000000, MsiCap};
      pci_regs_pkg::PCI_INTERRUPT_LINE:
        rdata_o = {16'h0000, edu_regs_pkg::EDU_INTERRUPT_PIN, int_line_q};
      MsiCap: rdata_o = {msi_flags, 8'h00, pci_regs_pkg::PCI_CAP_ID_MSI};
      MsiAddrLo: rdata_o = {msi_addr_lo_q, 2'b00};
      MsiAddrHi: rdata_o = msi_addr_hi_q;
      MsiData: rdata_o = {store4e_q, msi_data_q};
      default: begin
        if (byte_addr >= StoreFirst) begin
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
  logic [3:0]  msi_lanes;
  logic        touches_msi;
  logic        msi_en_d;
  assign be = wr_i ? ~wr_be_n_i : 4'b0000;
  assign wb[0] = wdata_i[7:0];
  assign wb[1] = wdata_i[15:8];
  assign wb[2] = wdata_i[23:16];
  assign wb[3] = wdata_i[31:24];
  // The bytes written overlap the capability.
  for (genvar k = 0; k < 4; k++) begin : g_msi_lane
    assign msi_lanes[k] = 9'(byte_addr) + 9'(k) >= 9'(MsiCap) && 9'(byte_addr) + 9'(k) < MsiEnd;
  end
  assign touches_msi = (be & msi_lanes) != 4'b0;

  always_comb begin
    command_d = command_q;
    cache_line_d = cache_line_q;
    int_line_d = int_line_q;
    bar0_d = bar0_q;
    msi_addr_lo_d = msi_addr_lo_q;
    msi_addr_hi_d = msi_addr_hi_q;
    msi_data_d = msi_data_q;

    unique case (byte_addr)
      pci_regs_pkg::PCI_COMMAND:
        command_d = write16(command_q, wdata_i[15:0], CommandWmask, be[1:0]);
      pci_regs_pkg::PCI_CACHE_LINE_SIZE: if (be[0]) cache_line_d = wb[0];
      pci_regs_pkg::PCI_BASE_ADDRESS_0: begin
        if (be[2]) bar0_d[3:0] = wb[2][7:4];
        if (be[3]) bar0_d[11:4] = wb[3];
      end
      pci_regs_pkg::PCI_INTERRUPT_LINE: if (be[0]) int_line_d = wb[0];
      MsiCap: ;  // MSI control: below
      MsiAddrLo: begin
        if (be[0]) msi_addr_lo_d[7:2] = wb[0][7:2];
        if (be[1]) msi_addr_lo_d[15:8] = wb[1];
        if (be[2]) msi_addr_lo_d[23:16] = wb[2];
        if (be[3]) msi_addr_lo_d[31:24] = wb[3];
      end
      MsiAddrHi: begin
        if (be[0]) msi_addr_hi_d[7:0] = wb[0];
        if (be[1]) msi_addr_hi_d[15:8] = wb[1];
        if (be[2]) msi_addr_hi_d[23:16] = wb[2];
        if (be[3]) msi_addr_hi_d[31:24] = wb[3];
      end
      MsiData: begin
        if (be[0]) msi_data_d[7:0] = wb[0];
        if (be[1]) msi_data_d[15:8] = wb[1];
      end
      default: ;
    endcase

  end

  // MSI control (the upper half of the capability's first DWORD: enable,
  // multiple message enable), then QEMU's
  // msi_write_config: a write that touches the capability while MSI is
  // enabled after it drops INTx and allows one vector.
  logic [15:0] msi_flags_wr;
  assign msi_flags_wr = byte_addr == MsiCap ?
                        write16(msi_flags_q, wdata_i[31:16], MsiFlagsWmask, be[3:2]) : msi_flags_q;
  assign msi_en_d = (msi_flags_wr & pci_regs_pkg::PCI_MSI_FLAGS_ENABLE) != '0;
  assign msi_intx_clr_o = touches_msi && msi_en_d;
  assign msi_flags_d = msi_intx_clr_o ? msi_flags_wr & ~pci_regs_pkg::PCI_MSI_FLAGS_QSIZE :
                                        msi_flags_wr;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      command_q <= '0;
      cache_line_q <= '0;
      int_line_q <= '0;
      bar0_q <= '0;
      msi_flags_q <= '0;
      msi_addr_lo_q <= '0;
      msi_addr_hi_q <= '0;
      msi_data_q <= '0;
    end else begin
      command_q <= command_d;
      cache_line_q <= cache_line_d;
      int_line_q <= int_line_d;
      bar0_q <= bar0_d;
      msi_flags_q <= msi_flags_d;
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
    end else if (byte_addr == MsiData) begin
      if (be[2]) store4e_q[7:0] <= wb[2];
      if (be[3]) store4e_q[15:8] <= wb[3];
    end else if (byte_addr >= StoreFirst) begin
      for (int k = 0; k < 4; k++) begin
        if (be[k]) store_q[addr_i - StoreFirstDword][8*k +: 8] <= wb[k];
      end
    end
  end

  // BAR0 decodes while memory is on, its address is not 0 and its 1 MiB
  // stays below 0xffffffff.
  assign master_en_o = (command_q & pci_regs_pkg::PCI_COMMAND_MASTER) != '0;
  assign master_en_d_o = (command_d & pci_regs_pkg::PCI_COMMAND_MASTER) != '0;
  assign intx_disable_o = (command_q & pci_regs_pkg::PCI_COMMAND_INTX_DISABLE) != '0;
  assign bar0_base_o = bar0_q;
  assign bar0_decode_o = (command_q & pci_regs_pkg::PCI_COMMAND_MEMORY) != '0 &&
                         bar0_q != 12'h000 && bar0_q != 12'hfff;
  assign msi_en_d_o = msi_en_d;
  assign msi_addr_o = {msi_addr_hi_q, msi_addr_lo_q};
  assign msi_data_o = msi_data_q;

endmodule

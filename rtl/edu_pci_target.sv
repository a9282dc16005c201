// PCI target: claims type-0 configuration cycles (IDSEL, function 0) and
// memory cycles to BAR0, with DEVSEL# and wait states from the timing table.
//
// Clock a is the address phase.  The target samples it at the edge that
// starts a+1, asserts DEVSEL# EDU_T_DECODE clocks later (medium decode:
// a+2), then TRDY# after the wait states (EDU_T_CFG_WAIT, EDU_T_BAR_WAIT).
// Each data phase is one access on the register port; a write takes effect
// at the edge where IRDY# and TRDY# are both sampled asserted, a read
// returns the register state of the data phase's clock (the read data is
// combinational from flops, never from a bus input).  A burst continues as
// long as the space can take the next DWORD: configuration space to its
// end, BAR0 for the second data phase of an 8-byte access (8-aligned);
// any further data phase is refused by a disconnect without data (STOP#
// without TRDY#).  A read data phase that waits on the master (TRDY#
// asserted, IRDY# not: only a later data phase of a burst, since TRDY#
// comes for the first only once IRDY# has) keeps on AD what it carried in
// its first clock of waiting, as PCI requires, even when the register
// behind it changes meanwhile (STATUS's interrupt bit, say).  PAR is
// driven one clock after AD on reads.  Not
// implemented: fast back-to-back, I/O space, parity checking (PERR#,
// SERR#), target abort.

`default_nettype none

module edu_pci_target (
  input  logic        clk_i,
  input  logic        rst_ni,

  // The bus as every agent sees it
  input  logic [31:0] ad_i,
  input  logic [3:0]  cbe_n_i,
  input  logic        frame_n_i,
  input  logic        irdy_n_i,
  input  logic        idsel_i,

  // What the target drives
  output logic [31:0] ad_o,
  output logic        ad_oe_o,
  output logic        par_o,
  output logic        par_oe_o,
  output logic        trdy_n_o,
  output logic        devsel_n_o,
  output logic        stop_n_o,
  output logic        ctl_oe_o,     // TRDY#, DEVSEL#, STOP#

  // Decode
  input  logic        bar0_decode_i,
  input  logic [11:0] bar0_base_i,  // address bits 31:20
  input  logic        own_master_i, // the device's own master drives FRAME#

  // Register port: one access per data phase
  output logic        cfg_o,        // configuration space (else BAR0)
  output logic [19:2] addr_o,       // DWORD address (configuration: 7:2)
  output logic        burst_o,      // the master announced more than one data phase
  output logic        phase_o,      // 0: first data phase, 1: a later one
  output logic [3:0]  rd_be_n_o,    // byte enables of the read (first data phase's)
  output logic        rd_o,         // read data transfers at the coming edge
  output logic        wr_o,         // write data transfers at the coming edge
  output logic [31:0] wdata_o,
  output logic [3:0]  wr_be_n_o,
  input  logic [31:0] cfg_rdata_i,
  input  logic [31:0] bar_rdata_i,

  output logic        idle_o
);

  typedef enum logic [2:0] {
    StIdle,
    StDecode,   // claimed, DEVSEL# not yet asserted
    StWait,     // DEVSEL#, TRDY# held off
    StData,     // TRDY#: a data phase
    StStop,     // STOP# without TRDY#: no more data phases
    StTurn      // drive TRDY#, DEVSEL#, STOP# high once, then release
  } state_e;

  localparam int CntW = 4;
  localparam logic [CntW-1:0] DecodeClocks = CntW'(edu_timing_pkg::EDU_T_DECODE);
  localparam logic [CntW-1:0] CfgWait = CntW'(edu_timing_pkg::EDU_T_CFG_WAIT);
  localparam logic [CntW-1:0] BarWait = CntW'(edu_timing_pkg::EDU_T_BAR_WAIT);

  state_e      state_q, state_d;
  logic [CntW-1:0] cnt_q, cnt_d;
  logic        idle_prev_q;     // FRAME# and IRDY# were deasserted last clock
  logic        cfg_q, cfg_d;
  logic        write_q, write_d;
  logic        linear_q, linear_d;
  logic [19:2] addr_q, addr_d;
  logic        burst_q, burst_d;
  logic        phase_q, phase_d;
  logic        seen_q, seen_d;  // IRDY# was seen asserted before the first transfer
  logic        last_q, last_d;  // ... and FRAME# deasserted with it
  logic [3:0]  be_n_q;
  logic        par_q, par_oe_q;
  logic        hold_q;          // the read data phase waits on IRDY#: AD keeps rdata_q
  logic [31:0] rdata_q;

  // An address phase: FRAME# asserted after an idle clock (no fast
  // back-to-back); the own master's cycles are not the target's.
  logic addr_phase;
  logic cfg_hit, mem_hit;
  logic [3:0] cmd;
  logic cmd_write;

  assign addr_phase = !frame_n_i && idle_prev_q && !own_master_i;
  assign cmd = cbe_n_i;
  assign cfg_hit = idsel_i && ad_i[1:0] == 2'b00 && ad_i[10:8] == 3'b000 &&
                   (cmd == pci_regs_pkg::PCI_CMD_CONFIG_READ ||
                    cmd == pci_regs_pkg::PCI_CMD_CONFIG_WRITE);
  assign mem_hit = bar0_decode_i && ad_i[31:20] == bar0_base_i &&
                   (cmd == pci_regs_pkg::PCI_CMD_MEM_READ ||
                    cmd == pci_regs_pkg::PCI_CMD_MEM_WRITE ||
                    cmd == pci_regs_pkg::PCI_CMD_MEM_READ_MUL ||
                    cmd == pci_regs_pkg::PCI_CMD_MEM_READ_LINE ||
                    cmd == pci_regs_pkg::PCI_CMD_MEM_WRITE_INV);
  // Of the commands claimed, the writes.
  assign cmd_write = cmd == pci_regs_pkg::PCI_CMD_CONFIG_WRITE ||
                     cmd == pci_regs_pkg::PCI_CMD_MEM_WRITE ||
                     cmd == pci_regs_pkg::PCI_CMD_MEM_WRITE_INV;

  // The data phase now under way completes at the coming edge.
  logic xfer;
  assign xfer = state_q == StData && !irdy_n_i;

  // Whether the target can take the DWORD after the current one.
  logic can_continue;
  always_comb begin
    if (cfg_q) begin
      can_continue = {addr_q[7:2], 2'b00} != 8'(pci_regs_pkg::PCI_CONFIG_SIZE - 4);
    end else begin
      can_continue = linear_q && !phase_q && burst_q && !addr_q[2];
    end
  end

  // Whether the master has said if the first data phase is the last.
  logic known, is_last;
  assign known = seen_q || !irdy_n_i;
  assign is_last = seen_q ? last_q : frame_n_i;

  always_comb begin
    state_d = state_q;
    cnt_d = cnt_q;
    cfg_d = cfg_q;
    write_d = write_q;
    linear_d = linear_q;
    addr_d = addr_q;
    burst_d = burst_q;
    phase_d = phase_q;
    seen_d = seen_q;
    last_d = last_q;

    if (state_q != StIdle && !seen_q && !irdy_n_i) begin
      seen_d = 1'b1;
      last_d = frame_n_i;
    end

    unique case (state_q)
      StIdle: begin
        if (addr_phase && (cfg_hit || mem_hit)) begin
          state_d = StDecode;
          cnt_d = DecodeClocks - 1'b1;
          cfg_d = cfg_hit;
          write_d = cmd_write;
          linear_d = ad_i[1:0] == 2'b00;
          addr_d = cfg_hit ? {12'h000, ad_i[7:2]} : ad_i[19:2];
          burst_d = 1'b0;
          phase_d = 1'b0;
          seen_d = 1'b0;
          last_d = 1'b0;
        end
      end
      StDecode: begin
        if (cnt_q != '0) begin
          cnt_d = cnt_q - 1'b1;
        end else if ((cfg_q ? CfgWait : BarWait) != '0) begin
          state_d = StWait;
          cnt_d = (cfg_q ? CfgWait : BarWait) - 1'b1;
        end else if (known) begin
          state_d = StData;
          burst_d = !is_last;
        end else begin
          state_d = StWait;
        end
      end
      StWait: begin
        // TRDY# once the wait states are over and the master has shown
        // whether this is its only data phase.
        if (cnt_q != '0) begin
          cnt_d = cnt_q - 1'b1;
        end else if (known) begin
          state_d = StData;
          burst_d = !is_last;
        end
      end
      StData: begin
        if (xfer) begin
          if (frame_n_i) begin
            state_d = StTurn;
          end else if (can_continue) begin
            addr_d = addr_q + 1'b1;
            phase_d = 1'b1;
          end else begin
            state_d = StStop;
          end
        end
      end
      StStop: begin
        // The phase ends when the master has deasserted FRAME# with IRDY#.
        if (frame_n_i && !irdy_n_i) begin
          state_d = StTurn;
        end
      end
      StTurn: begin
        state_d = StIdle;
      end
      default: begin
        state_d = StIdle;
      end
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      cnt_q <= '0;
      idle_prev_q <= 1'b1;
      cfg_q <= 1'b0;
      write_q <= 1'b0;
      linear_q <= 1'b0;
      addr_q <= '0;
      burst_q <= 1'b0;
      phase_q <= 1'b0;
      seen_q <= 1'b0;
      last_q <= 1'b0;
      be_n_q <= 4'hf;
      par_q <= 1'b0;
      par_oe_q <= 1'b0;
      hold_q <= 1'b0;
      rdata_q <= '0;
    end else begin
      state_q <= state_d;
      cnt_q <= cnt_d;
      idle_prev_q <= frame_n_i && irdy_n_i;
      cfg_q <= cfg_d;
      write_q <= write_d;
      linear_q <= linear_d;
      addr_q <= addr_d;
      burst_q <= burst_d;
      phase_q <= phase_d;
      seen_q <= seen_d;
      last_q <= last_d;
      be_n_q <= cbe_n_i;
      par_q <= ^{ad_o, cbe_n_i};  // even parity over AD and C/BE#
      par_oe_q <= ad_oe_o;
      // No transfer at the coming edge: the state stays StData, the same
      // data phase, and AD keeps this clock's data.
      hold_q <= state_q == StData && !write_q && irdy_n_i;
      if (state_q == StData && irdy_n_i) begin
        rdata_q <= ad_o;
      end
    end
  end

  logic claimed;
  assign claimed = state_q == StWait || state_q == StData || state_q == StStop;

  assign devsel_n_o = !claimed;
  assign trdy_n_o = state_q != StData;
  assign stop_n_o = state_q != StStop;
  assign ctl_oe_o = claimed || state_q == StTurn;
  assign ad_oe_o = claimed && !write_q;
  assign ad_o = hold_q ? rdata_q : cfg_q ? cfg_rdata_i : bar_rdata_i;
  assign par_o = par_q;
  assign par_oe_o = par_oe_q;

  assign cfg_o = cfg_q;
  assign addr_o = addr_q;
  assign burst_o = burst_q;
  assign phase_o = phase_q;
  assign rd_be_n_o = be_n_q;
  assign rd_o = xfer && !write_q;
  assign wr_o = xfer && write_q;
  assign wdata_o = ad_i;
  assign wr_be_n_o = cbe_n_i;
  assign idle_o = state_q == StIdle && !par_oe_q;

endmodule

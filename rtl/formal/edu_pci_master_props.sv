// The PCI bus-master rules for edu_pci_master, as assertions on its
// outputs and assumptions on the targets, the arbiter and the client
// around it (docs/rtl.md, "Assertions and proofs").  Bound into every
// device in the Verilator models (rtl/sim/edu_sim_bind.sv) and proven by
// Yosys around a master with a free bus (edu_pci_master_fv.sv, prove.sh).
//
// The master's address phase: it drives FRAME# asserted without IRDY#
// (two clocks for a dual address cycle, the second one counts); a data
// phase completes when IRDY# and TRDY# (or STOP#) are asserted with
// DEVSEL#, or is ended by a target abort (STOP# with DEVSEL# deasserted
// after DEVSEL# was seen) or the master abort (no DEVSEL# by the fourth
// clock after the address phase).

`default_nettype none
`include "edu_assert.svh"

module edu_pci_master_props (
  input logic        clk_i,
  input logic        rst_ni,
  // The bus
  input logic        frame_n_i,
  input logic        irdy_n_i,
  input logic        trdy_n_i,
  input logic        devsel_n_i,
  input logic        stop_n_i,
  input logic        gnt_n_i,
  // The master's drivers
  input logic        req_n_o,
  input logic [31:0] ad_o,
  input logic        ad_oe_o,
  input logic [3:0]  cbe_n_o,
  input logic        cbe_oe_o,
  input logic        par_o,
  input logic        par_oe_o,
  input logic        frame_n_o,
  input logic        frame_oe_o,
  input logic        irdy_n_o,
  input logic        irdy_oe_o,
  // The client
  input logic        want_i,
  input logic [4:0]  beats_i,
  input logic [31:0] wdata_i
);

`ifdef VERILATOR
  import "DPI-C" function void edu_rtl_assert_failed(input string where, input string name);
`endif

  logic frame_a, irdy_a;      // FRAME#, IRDY# asserted by this master
  assign frame_a = frame_oe_o && !frame_n_o;
  assign irdy_a = irdy_oe_o && !irdy_n_o;

  logic addr_phase;           // an address phase of this master
  assign addr_phase = frame_a && !irdy_oe_o;

  // ---- history ------------------------------------------------------------
  logic valid_q;
  logic frame_a_q, irdy_a_q, frame_oe_q, irdy_oe_q, frame_n_q, irdy_n_q;
  logic bus_idle_q, gnt_q, req_q, read_addr_q, ad_oe_q, par_q;
  logic [31:0] ad_q, wdata_q;
  logic [3:0] cbe_q;
  logic done_q;               // the data phase of the clock before ended
  logic stop_q;               // STOP# with IRDY# and FRAME# asserted
  logic stop_frame_q;         // STOP# with FRAME# asserted
  logic [2:0] cnt_q;          // clocks since the (last) address phase, 7: more
  logic seen_q;               // DEVSEL# seen since then
  logic abort_time;

  assign abort_time = !seen_q && cnt_q >= 3'd5;

  logic done;
  assign done = irdy_a && ((!devsel_n_i && (!trdy_n_i || !stop_n_i)) ||
                           (devsel_n_i && !stop_n_i && seen_q));

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
      frame_a_q <= 1'b0;
      irdy_a_q <= 1'b0;
      frame_oe_q <= 1'b0;
      irdy_oe_q <= 1'b0;
      frame_n_q <= 1'b1;
      irdy_n_q <= 1'b1;
      bus_idle_q <= 1'b1;
      gnt_q <= 1'b0;
      req_q <= 1'b0;
      read_addr_q <= 1'b0;
      ad_oe_q <= 1'b0;
      par_q <= 1'b0;
      ad_q <= '0;
      wdata_q <= '0;
      cbe_q <= '0;
      done_q <= 1'b0;
      stop_q <= 1'b0;
      stop_frame_q <= 1'b0;
      cnt_q <= 3'd7;
      seen_q <= 1'b0;
    end else begin
      valid_q <= 1'b1;
      frame_a_q <= frame_a;
      irdy_a_q <= irdy_a;
      frame_oe_q <= frame_oe_o;
      irdy_oe_q <= irdy_oe_o;
      frame_n_q <= frame_n_o;
      irdy_n_q <= irdy_n_o;
      bus_idle_q <= frame_n_i && irdy_n_i;
      gnt_q <= !gnt_n_i;
      req_q <= !req_n_o;
      read_addr_q <= addr_phase && !cbe_n_o[0];
      ad_oe_q <= ad_oe_o;
      par_q <= ^{ad_o, cbe_n_o};
      ad_q <= ad_o;
      wdata_q <= wdata_i;
      cbe_q <= cbe_n_o;
      done_q <= done;
      stop_q <= irdy_a && frame_a && !stop_n_i;
      stop_frame_q <= !frame_n_i && !stop_n_i;
      cnt_q <= addr_phase ? 3'd1 : cnt_q == 3'd7 ? cnt_q : cnt_q + 3'd1;
      seen_q <= !addr_phase && (seen_q || !devsel_n_i);
    end
  end

  // ---- the bus around the master --------------------------------------------

  // One driver per line: what the master drives is what the bus carries.
  `EDU_ASSUME(FrameIsDriven_M, clk_i, rst_ni, !frame_oe_o || frame_n_i == frame_n_o)
  `EDU_ASSUME(IrdyIsDriven_M, clk_i, rst_ni, !irdy_oe_o || irdy_n_i == irdy_n_o)
  // Targets: TRDY# only with DEVSEL#, STOP# too (but for a target abort,
  // after DEVSEL#); nothing in an address phase.
  `EDU_ASSUME(TargetTrdyWithDevsel_M, clk_i, rst_ni, trdy_n_i || !devsel_n_i)
  `EDU_ASSUME(TargetStopWithDevsel_M, clk_i, rst_ni, stop_n_i || !devsel_n_i || seen_q)
  // DEVSEL# by the fourth clock after the address phase, or not at all.
  `EDU_ASSUME(TargetDevselInTime_M, clk_i, rst_ni,
              !((frame_a || irdy_a) && !devsel_n_i && !seen_q) || cnt_q <= 3'd4)
  // STOP# held until FRAME# is deasserted.
  `EDU_ASSUME(TargetStopHeld_M, clk_i, rst_ni, !stop_frame_q || !stop_n_i)
  `EDU_ASSUME(TargetQuietInAddressPhase_M, clk_i, rst_ni,
              !addr_phase || (devsel_n_i && trdy_n_i && stop_n_i))
  // The client: 1 to 16 data phases; write data held while a write's data
  // phase waits.
  `EDU_ASSUME(ClientBeats_M, clk_i, rst_ni, !want_i || (beats_i != 5'd0 && beats_i <= 5'd16))
  `EDU_ASSUME(ClientDataHeld_M, clk_i, rst_ni,
              !(valid_q && irdy_a_q && !done_q && irdy_a && ad_oe_o) || wdata_i == wdata_q)

  // ---- the master's rules ------------------------------------------------------

  // REQ#/GNT#: a transaction starts only after REQ# and GNT# were asserted
  // in the clock before, on an idle bus (no fast back-to-back).
  logic start;
  assign start = valid_q && frame_a && !frame_oe_q;
  `EDU_ASSERT(StartOnlyWithGnt_A, clk_i, rst_ni, !start || gnt_q)
  `EDU_ASSERT(StartOnlyWhenRequested_A, clk_i, rst_ni, !start || req_q)
  `EDU_ASSERT(IdleBeforeAddress_A, clk_i, rst_ni, !start || bus_idle_q)
  // FRAME#/IRDY# handshake: FRAME# is deasserted only with IRDY# asserted,
  // and IRDY# is asserted only after the address phase.
  `EDU_ASSERT(FrameReleasedWithIrdy_A, clk_i, rst_ni, !(frame_a_q && !frame_a) || irdy_a)
  `EDU_ASSERT(IrdyAfterAddress_A, clk_i, rst_ni, !irdy_a || frame_a_q || irdy_a_q)
  // No IRDY# withdrawal: held until the data phase ends (or the master
  // aborts, from the fifth clock); FRAME#, C/BE# and write data stable meanwhile.
  `EDU_ASSERT(IrdyNotWithdrawn_A, clk_i, rst_ni,
              !(irdy_a_q && !done_q && !abort_time) || irdy_a)
  `EDU_ASSERT(FrameStableWhileWaiting_A, clk_i, rst_ni,
              !(irdy_a_q && !done_q && !abort_time) || frame_a == frame_a_q)
  `EDU_ASSERT(CbeStableWhileWaiting_A, clk_i, rst_ni,
              !(irdy_a_q && !done_q && !abort_time) || cbe_n_o == cbe_q)
  `EDU_ASSERT(AdStableWhileWaiting_A, clk_i, rst_ni,
              !(irdy_a_q && !done_q && !abort_time && ad_oe_o) || ad_o == ad_q)
  // Master abort: no DEVSEL# by the fourth clock after the address phase,
  // FRAME# deasserted on the fifth, IRDY# by the sixth.
  `EDU_ASSERT(MasterAbortFrame_A, clk_i, rst_ni, !(abort_time && cnt_q != 3'd7) || !frame_a)
  `EDU_ASSERT(MasterAbortIrdy_A, clk_i, rst_ni,
              !(abort_time && cnt_q >= 3'd6 && cnt_q != 3'd7) || !irdy_a)
  // STOP#: FRAME# deasserted in the clock after it.
  `EDU_ASSERT(FrameReleasedAfterStop_A, clk_i, rst_ni, !stop_q || !frame_a)
  // C/BE# driven while FRAME# or IRDY# is.
  `EDU_ASSERT(CbeDrivenInTransaction_A, clk_i, rst_ni, !(frame_a || irdy_a) || cbe_oe_o)
  // The turnaround clock: AD released after a read's address phase.
  `EDU_ASSERT(AdTurnaround_A, clk_i, rst_ni, !read_addr_q || !ad_oe_o)
  // Sustained tri-state: FRAME# and IRDY# driven high for a clock before release.
  `EDU_ASSERT(FrameHighBeforeRelease_A, clk_i, rst_ni, !(frame_oe_q && !frame_oe_o) || frame_n_q)
  `EDU_ASSERT(IrdyHighBeforeRelease_A, clk_i, rst_ni, !(irdy_oe_q && !irdy_oe_o) || irdy_n_q)
  // PAR one clock after its AD: driven then, even over AD and C/BE#.
  `EDU_ASSERT(ParFollowsAd_A, clk_i, rst_ni,
              !valid_q || (par_oe_o == ad_oe_q && (!par_oe_o || par_o == par_q)))

endmodule

// The PCI target rules for edu_pci_target, as assertions on its outputs
// and assumptions on the bus its master drives (docs/rtl.md, "Assertions
// and proofs").  Bound into every simulated device (rtl/sim/edu_sim_bind.sv,
// checked with --assert) and proven by Yosys around a target with a free
// bus (edu_pci_target_fv.sv, prove.sh).
//
// Clock a is an address phase: FRAME# asserted after a clock with FRAME#
// and IRDY# deasserted (nobody does fast back-to-back).  A data phase
// completes when IRDY# and TRDY# (or STOP#) are asserted with DEVSEL#; it
// is the final one when FRAME# is deasserted.

`default_nettype none
`include "edu_assert.svh"

module edu_pci_target_props (
  input logic        clk_i,
  input logic        rst_ni,
  // The bus
  input logic [3:0]  cbe_n_i,
  input logic        frame_n_i,
  input logic        irdy_n_i,
  input logic        trdy_n_i,     // the bus's: any target's
  input logic        devsel_n_i,
  input logic        stop_n_i,
  input logic        own_master_i,
  // The target's drivers
  input logic [31:0] ad_o,
  input logic        ad_oe_o,
  input logic        par_o,
  input logic        par_oe_o,
  input logic        trdy_n_o,
  input logic        devsel_n_o,
  input logic        stop_n_o,
  input logic        ctl_oe_o
);

`ifdef VERILATOR
  import "DPI-C" function void edu_rtl_assert_failed(input string where, input string name);
`endif

  // ---- history: what the bus and the target did in the clock before -----
  logic valid_q;      // a clock since reset has passed: the history is real
  logic frame_q, irdy_q, devsel_q, trdy_q, stop_q, ctl_oe_q, ad_oe_q;
  logic addr1_q, addr2_q;   // an address phase one, two clocks ago
  logic par_q;              // even parity of the target's AD and C/BE#
  logic [31:0] ad_q;        // what the target drove on AD
  logic done_q;             // a data phase completed (or was target-aborted)
  logic last_done_q;        // ... and it was the final one
  logic [2:0] cnt_q;        // clocks since the address phase (7: or more)
  logic seen_q;             // DEVSEL# seen since the address phase
  logic abort_time;         // nobody claimed by the fourth clock: the master may abort

  logic addr_phase;
  assign addr_phase = !frame_n_i && frame_q && irdy_q;
  assign abort_time = !seen_q && cnt_q >= 3'd5;

  logic done;
  assign done = !irdy_n_i && ((!devsel_n_i && (!trdy_n_i || !stop_n_i)) ||
                              (devsel_n_i && !stop_n_i && seen_q));

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
      frame_q <= 1'b1;
      irdy_q <= 1'b1;
      devsel_q <= 1'b1;
      trdy_q <= 1'b1;
      stop_q <= 1'b1;
      ctl_oe_q <= 1'b0;
      ad_oe_q <= 1'b0;
      addr1_q <= 1'b0;
      addr2_q <= 1'b0;
      par_q <= 1'b0;
      ad_q <= '0;
      done_q <= 1'b0;
      last_done_q <= 1'b0;
      cnt_q <= 3'd7;
      seen_q <= 1'b0;
    end else begin
      valid_q <= 1'b1;
      frame_q <= frame_n_i;
      irdy_q <= irdy_n_i;
      devsel_q <= devsel_n_o;
      trdy_q <= trdy_n_o;
      stop_q <= stop_n_o;
      ctl_oe_q <= ctl_oe_o;
      ad_oe_q <= ad_oe_o;
      addr1_q <= addr_phase;
      addr2_q <= addr1_q;
      par_q <= ^{ad_o, cbe_n_i};
      ad_q <= ad_o;
      done_q <= done;
      last_done_q <= done && frame_n_i;
      cnt_q <= addr_phase ? 3'd1 : cnt_q == 3'd7 ? cnt_q : cnt_q + 3'd1;
      seen_q <= !addr_phase && (seen_q || !devsel_n_i);
    end
  end

  // ---- the master around the target (PCI rules it keeps) ------------------

  // No fast back-to-back: FRAME# is asserted after a clock with IRDY# deasserted.
  `EDU_ASSUME(IdleBeforeAddress_M, clk_i, rst_ni,
              !(valid_q && frame_q && !frame_n_i) || irdy_q)
  // FRAME# is deasserted only with IRDY# asserted.
  `EDU_ASSUME(FrameReleasedWithIrdy_M, clk_i, rst_ni,
              !(valid_q && !frame_q && frame_n_i) || !irdy_n_i)
  // IRDY# only in a data phase: after an address phase, within a transaction.
  `EDU_ASSUME(IrdyInTransaction_M, clk_i, rst_ni,
              irdy_n_i || (valid_q && (!frame_q || !irdy_q) && !addr_phase))
  // IRDY# and FRAME# held while a data phase waits (until it completes, or
  // the master aborts: no DEVSEL# by the fourth clock).
  `EDU_ASSUME(IrdyHeldWhileWaiting_M, clk_i, rst_ni,
              irdy_q || done_q || abort_time || !irdy_n_i)
  `EDU_ASSUME(FrameHeldWhileWaiting_M, clk_i, rst_ni,
              irdy_q || done_q || abort_time || frame_n_i == frame_q)
  // IRDY# deasserted after the final data phase.
  `EDU_ASSUME(IrdyReleasedAfterLast_M, clk_i, rst_ni, !last_done_q || irdy_n_i)
  // The device's own master is active only in an address phase it drives.
  `EDU_ASSUME(OwnMasterAddressPhase_M, clk_i, rst_ni, !own_master_i || addr_phase)

  // ---- the target's rules ---------------------------------------------------

  // Medium decode: DEVSEL# is first asserted two clocks after the address phase.
  `EDU_ASSERT(DevselMediumDecode_A, clk_i, rst_ni,
              !(valid_q && devsel_q && !devsel_n_o) || addr2_q)
  // TRDY# and STOP# only while DEVSEL# is asserted (no target abort).
  `EDU_ASSERT(TrdyWithDevsel_A, clk_i, rst_ni, trdy_n_o || !devsel_n_o)
  `EDU_ASSERT(StopWithDevsel_A, clk_i, rst_ni, stop_n_o || !devsel_n_o)
  // DEVSEL# (and so TRDY# and STOP#) only within a transaction: the bus
  // was not idle in the clock before.
  `EDU_ASSERT(DevselInTransaction_A, clk_i, rst_ni,
              devsel_n_o || (valid_q && !(frame_q && irdy_q)))
  // Nothing of the target in an address phase.
  `EDU_ASSERT(QuietInAddressPhase_A, clk_i, rst_ni,
              !addr_phase || (devsel_n_o && trdy_n_o && stop_n_o && !ad_oe_o))
  // TRDY# (and STOP#) held until the data phase completes.
  `EDU_ASSERT(TrdyHeldUntilIrdy_A, clk_i, rst_ni,
              !(valid_q && !trdy_q && irdy_q) || !trdy_n_o)
  // Read data held while the data phase waits on the master: once TRDY# is
  // asserted on a read, AD carries the data, unchanged, until IRDY# is.
  `EDU_ASSERT(ReadDataHeldUntilIrdy_A, clk_i, rst_ni,
              !(valid_q && ad_oe_q && !trdy_q && irdy_q) || (ad_oe_o && ad_o == ad_q))
  // STOP# held until FRAME# is deasserted.
  `EDU_ASSERT(StopHeldUntilFrame_A, clk_i, rst_ni,
              !(valid_q && !stop_q && !frame_q) || !stop_n_o)
  // DEVSEL# held to the final data phase, released after it.
  `EDU_ASSERT(DevselHeldToLast_A, clk_i, rst_ni,
              !(valid_q && !devsel_q && devsel_n_o) || last_done_q)
  `EDU_ASSERT(DevselReleasedAfterLast_A, clk_i, rst_ni,
              !(last_done_q && !devsel_q) || (devsel_n_o && trdy_n_o && stop_n_o))
  // Sustained tri-state: TRDY#, DEVSEL#, STOP# driven while asserted, and
  // driven high for a clock before they are released.
  `EDU_ASSERT(CtlDrivenWhileAsserted_A, clk_i, rst_ni,
              ctl_oe_o || (devsel_n_o && trdy_n_o && stop_n_o))
  `EDU_ASSERT(CtlHighBeforeRelease_A, clk_i, rst_ni,
              !(valid_q && ctl_oe_q && !ctl_oe_o) || (devsel_q && trdy_q && stop_q))
  // The turnaround clock: AD not driven in the clock after the address
  // phase; read data on AD only while DEVSEL# is asserted.
  `EDU_ASSERT(AdTurnaround_A, clk_i, rst_ni, !addr1_q || !ad_oe_o)
  `EDU_ASSERT(AdOnlyWhileClaimed_A, clk_i, rst_ni, !ad_oe_o || !devsel_n_o)
  // PAR one clock after its AD: driven then, even over AD and C/BE#.
  `EDU_ASSERT(ParFollowsAd_A, clk_i, rst_ni,
              !valid_q || (par_oe_o == ad_oe_q && (!par_oe_o || par_o == par_q)))

endmodule

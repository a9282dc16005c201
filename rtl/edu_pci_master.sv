// PCI bus master: one memory read or write burst (or an MSI message) at a
// time, for the DMA engine and the interrupt logic.
//
// REQ# is asserted while a client wants a transaction beyond the one under
// way (so the arbiter sees when each was asked for).  Granted (GNT# sampled
// asserted on an idle bus), the master drives the address phase in the
// next clock, then IRDY# with the data (writes) or the byte enables (reads)
// from the clock after, FRAME# deasserted on the final data phase.  Targets
// may add wait states, disconnect (STOP#, with or without TRDY#) or retry:
// the client gets a beat strobe per data phase that completed and asks
// again for the rest.  No DEVSEL# within four clocks of the address phase
// is a master abort (as is a target abort): the transaction ends and the
// client is told.  Addresses above 4 GiB use a dual address cycle.  Not
// implemented: the latency timer, fast back-to-back, memory write and
// invalidate.

`default_nettype none

module edu_pci_master (
  input  logic        clk_i,
  input  logic        rst_ni,

  // The bus
  input  logic [31:0] ad_i,
  input  logic        frame_n_i,
  input  logic        irdy_n_i,
  input  logic        trdy_n_i,
  input  logic        devsel_n_i,
  input  logic        stop_n_i,
  input  logic        gnt_n_i,
  output logic        req_n_o,
  output logic [31:0] ad_o,
  output logic        ad_oe_o,
  output logic [3:0]  cbe_n_o,
  output logic        cbe_oe_o,
  output logic        par_o,
  output logic        par_oe_o,
  output logic        frame_n_o,
  output logic        frame_oe_o,
  output logic        irdy_n_o,
  output logic        irdy_oe_o,

  // The transaction wanted (held until taken)
  input  logic        want_i,
  input  logic        write_i,      // memory write (else memory read)
  input  logic [63:2] addr_i,       // DWORD address (the byte enables say which bytes)
  input  logic [4:0]  beats_i,      // data phases, 1..16
  input  logic [3:0]  be_first_n_i, // byte enables of the first data phase
  input  logic [3:0]  be_last_n_i,  // ... and of the last (both for one phase)
  output logic        take_o,       // the transaction starts at the coming edge

  input  logic [31:0] wdata_i,      // data of the current data phase (writes)
  output logic        beat_o,       // a data phase completes at the coming edge
  output logic [31:0] rdata_o,      // its data (reads)
  output logic        end_o,        // the transaction is over at the coming edge
  output logic        abort_o,      // ... by a master or target abort
  output logic        active_o,     // FRAME# driven by this master (address phase)
  output logic        idle_o
);

  typedef enum logic [2:0] {
    StIdle,
    StAddr,     // address phase (the low half for a dual address cycle)
    StAddr2,    // second address phase of a dual address cycle
    StData,     // IRDY# asserted, FRAME# deasserted on the final phase
    StLast,     // stopped by the target: FRAME# deasserted, IRDY# until it ends
    StTurn      // IRDY# driven high once, then released
  } state_e;

  state_e      state_q, state_d;
  logic        write_q;
  logic [63:2] addr_q;
  logic [4:0]  left_q, left_d;        // data phases still to do
  logic        first_q, first_d;      // the current data phase is the first
  logic [3:0]  be_first_q, be_last_q;
  logic [2:0]  wait_q, wait_d;        // clocks of data phases without DEVSEL#
  logic        devsel_q, devsel_d;    // DEVSEL# seen
  logic        abort_q, abort_d;
  logic        par_q, par_oe_q;

  logic dac;
  assign dac = addr_q[63:32] != 32'h0;

  // Granted on an idle bus: the address phase is in the coming clock.
  assign take_o = state_q == StIdle && want_i && !gnt_n_i && frame_n_i && irdy_n_i;

  logic in_data;
  logic xfer, stop, final_phase;
  assign in_data = state_q == StData || state_q == StLast;
  assign xfer = in_data && !trdy_n_i && !devsel_n_i;
  assign stop = in_data && !stop_n_i;
  assign final_phase = state_q == StLast || left_q == 5'd1;

  // Target abort: STOP# with DEVSEL# deasserted after it was seen.  Master
  // abort: no DEVSEL# (nor STOP#) by the fourth clock after the address
  // phase (the table's EDU_T_MASTER_ABORT: these four, then an idle clock).
  logic target_abort, master_abort;
  assign target_abort = devsel_n_i && devsel_q && stop;
  assign master_abort = !devsel_q && devsel_n_i && !stop &&
                        wait_q == 3'(edu_timing_pkg::EDU_T_MASTER_ABORT - 3);

  always_comb begin
    state_d = state_q;
    left_d = left_q;
    first_d = first_q;
    wait_d = wait_q;
    devsel_d = devsel_q;
    abort_d = abort_q;

    unique case (state_q)
      StIdle: begin
        if (take_o) begin
          state_d = StAddr;
          left_d = beats_i;
          first_d = 1'b1;
          abort_d = 1'b0;
        end
      end
      StAddr: begin
        if (dac) begin
          state_d = StAddr2;
        end else begin
          state_d = StData;
        end
        wait_d = '0;
        devsel_d = 1'b0;
      end
      StAddr2: begin
        state_d = StData;
      end
      StData, StLast: begin
        if (!devsel_n_i) begin
          devsel_d = 1'b1;
        end
        if (xfer) begin
          left_d = left_q - 1'b1;
          first_d = 1'b0;
        end
        if (target_abort || master_abort) begin
          abort_d = 1'b1;
          if (final_phase) begin
            state_d = StTurn;
          end else begin
            state_d = StLast;
          end
        end else if ((xfer || stop) && final_phase) begin
          state_d = StTurn;
        end else if (stop) begin
          state_d = StLast;   // disconnect or retry: the next phase is the final one
        end else if (!devsel_q && devsel_n_i) begin
          wait_d = wait_q + 1'b1;
        end
        // Aborted: FRAME# is already deasserted in StLast, so it ends.
        if (state_q == StLast && abort_q) begin
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
      write_q <= 1'b0;
      addr_q <= '0;
      left_q <= '0;
      first_q <= 1'b0;
      be_first_q <= 4'hf;
      be_last_q <= 4'hf;
      wait_q <= '0;
      devsel_q <= 1'b0;
      abort_q <= 1'b0;
      par_q <= 1'b0;
      par_oe_q <= 1'b0;
    end else begin
      state_q <= state_d;
      left_q <= left_d;
      first_q <= first_d;
      wait_q <= wait_d;
      devsel_q <= devsel_d;
      abort_q <= abort_d;
      par_q <= ^{ad_o, cbe_n_o};  // even parity over AD and C/BE#
      par_oe_q <= ad_oe_o;
      if (take_o) begin
        write_q <= write_i;
        addr_q <= addr_i;
        be_first_q <= be_first_n_i;
        be_last_q <= be_last_n_i;
      end
    end
  end

  // Byte enables of the current data phase (active low: a lane is off if
  // either the first or the last phase's enables turn it off).
  logic [3:0] be_n;
  assign be_n = (first_q ? be_first_q : 4'b0000) | (left_q == 5'd1 ? be_last_q : 4'b0000);

  logic [3:0] cmd;
  assign cmd = write_q ? pci_regs_pkg::PCI_CMD_MEM_WRITE : pci_regs_pkg::PCI_CMD_MEM_READ;

  always_comb begin
    ad_o = 32'h0;
    cbe_n_o = 4'hf;
    unique case (state_q)
      StAddr: begin
        ad_o = {addr_q[31:2], 2'b00};   // linear burst order
        cbe_n_o = dac ? pci_regs_pkg::PCI_CMD_DAC : cmd;
      end
      StAddr2: begin
        ad_o = addr_q[63:32];
        cbe_n_o = cmd;
      end
      StData, StLast: begin
        ad_o = wdata_i;
        cbe_n_o = be_n;
      end
      default: ;
    endcase
  end

  assign req_n_o = !want_i;
  assign ad_oe_o = state_q == StAddr || state_q == StAddr2 || (in_data && write_q);
  assign cbe_oe_o = state_q == StAddr || state_q == StAddr2 || in_data;
  assign frame_n_o = !(state_q == StAddr || state_q == StAddr2 ||
                       (state_q == StData && !final_phase));
  assign frame_oe_o = state_q == StAddr || state_q == StAddr2 || in_data;
  assign irdy_n_o = !in_data;
  assign irdy_oe_o = in_data || state_q == StTurn;
  assign par_o = par_q;
  assign par_oe_o = par_oe_q;

  assign beat_o = xfer;
  assign rdata_o = ad_i;
  assign end_o = state_q == StTurn;
  assign abort_o = abort_q;
  assign active_o = state_q == StAddr;
  assign idle_o = state_q == StIdle && !par_oe_q;

endmodule

// Replays, clock by clock, what the Verilator harness's host side drove on
// the bus (edu_rtl_record(): the host bridge's drivers and GNT#) into the
// same RTL, one edu device in slot 4, with the same bus resolution
// (edu_sim_bus): the stimulus of bench-rtl's Verilator run, for another
// simulator (Icarus Verilog).  It checks the bus it resolves against the
// one the harness saw and prints the clocks run and the mismatches.
//
//   vvp edu_replay.vvp +stim=FILE

`default_nettype none
`timescale 1ns / 1ns

module edu_replay_tb;

  localparam int Agents = 3;  // the host bridge (its two sides as one), the device

  logic        clk = 1'b0;
  logic        rst_n = 1'b0;

  // This clock's stimulus and the bus the harness saw.
  logic [31:0] h_ad = '0;
  logic [3:0]  h_cbe_n = '0;
  logic [15:0] h_flags = 16'h1550;   // everything deasserted, nothing driven
  logic [7:0]  h_gnt_n = 8'hff;
  logic [31:0] x_ad = '0;
  logic [3:0]  x_ctl = 4'hf;

  logic [31:0] pci_ad;
  logic [3:0]  pci_cbe_n;
  logic        pci_par, pci_frame_n, pci_irdy_n, pci_trdy_n, pci_devsel_n, pci_stop_n;
  logic        pci_inta_n;
  logic [7:0]  contention;

  logic [31:0] d_ad;
  logic [3:0]  d_cbe_n;
  logic        d_ad_oe, d_cbe_oe, d_par, d_par_oe, d_frame_n, d_frame_oe, d_irdy_n, d_irdy_oe;
  logic        d_trdy_n, d_trdy_oe, d_devsel_n, d_devsel_oe, d_stop_n, d_stop_oe;
  logic        d_req_n, d_inta_oe, d_fact_busy, d_dma_busy, d_bar0_decode, d_idle;
  logic [1:0]  d_asks;
  logic [31:0] d_status, d_irq_status, d_bar0_base;

  edu_top u_edu (
    .clk_i           (clk),
    .rst_ni          (rst_n),
    .ad_i            (pci_ad),
    .ad_o            (d_ad),
    .ad_oe_o         (d_ad_oe),
    .cbe_n_i         (pci_cbe_n),
    .cbe_n_o         (d_cbe_n),
    .cbe_oe_o        (d_cbe_oe),
    .par_i           (pci_par),
    .par_o           (d_par),
    .par_oe_o        (d_par_oe),
    .frame_n_i       (pci_frame_n),
    .frame_n_o       (d_frame_n),
    .frame_oe_o      (d_frame_oe),
    .irdy_n_i        (pci_irdy_n),
    .irdy_n_o        (d_irdy_n),
    .irdy_oe_o       (d_irdy_oe),
    .trdy_n_i        (pci_trdy_n),
    .trdy_n_o        (d_trdy_n),
    .trdy_oe_o       (d_trdy_oe),
    .devsel_n_i      (pci_devsel_n),
    .devsel_n_o      (d_devsel_n),
    .devsel_oe_o     (d_devsel_oe),
    .stop_n_i        (pci_stop_n),
    .stop_n_o        (d_stop_n),
    .stop_oe_o       (d_stop_oe),
    .idsel_i         (pci_ad[20]),   // slot 4: AD[16 + 4]
    .req_n_o         (d_req_n),
    .req_asks_o      (d_asks),
    .gnt_n_i         (h_gnt_n[0]),
    .inta_oe_o       (d_inta_oe),
    .dma_mask_i      (64'h0fff_ffff),
    .edu_status_o    (d_status),
    .edu_irq_status_o(d_irq_status),
    .edu_fact_busy_o (d_fact_busy),
    .edu_dma_busy_o  (d_dma_busy),
    .bar0_base_o     (d_bar0_base),
    .bar0_decode_o   (d_bar0_decode),
    .idle_o          (d_idle)
  );

  edu_sim_bus #(.Agents(Agents), .Devices(1)) u_bus (
    .pci_clk       (clk),
    .ad_i          ({d_ad, 32'h0, h_ad}),
    .ad_oe_i       ({d_ad_oe, 1'b0, h_flags[0]}),
    .cbe_n_i       ({d_cbe_n, 4'h0, h_cbe_n}),
    .cbe_oe_i      ({d_cbe_oe, 1'b0, h_flags[1]}),
    .par_i         ({d_par, 1'b0, h_flags[2]}),
    .par_oe_i      ({d_par_oe, 1'b0, h_flags[3]}),
    .frame_n_i     ({d_frame_n, 1'b1, h_flags[4]}),
    .frame_oe_i    ({d_frame_oe, 1'b0, h_flags[5]}),
    .irdy_n_i      ({d_irdy_n, 1'b1, h_flags[6]}),
    .irdy_oe_i     ({d_irdy_oe, 1'b0, h_flags[7]}),
    .trdy_n_i      ({d_trdy_n, 1'b1, h_flags[8]}),
    .trdy_oe_i     ({d_trdy_oe, 1'b0, h_flags[9]}),
    .devsel_n_i    ({d_devsel_n, 1'b1, h_flags[10]}),
    .devsel_oe_i   ({d_devsel_oe, 1'b0, h_flags[11]}),
    .stop_n_i      ({d_stop_n, 1'b1, h_flags[12]}),
    .stop_oe_i     ({d_stop_oe, 1'b0, h_flags[13]}),
    .inta_oe_i     (d_inta_oe),
    .pci_idsel     (pci_ad[20]),
    .pci_req_n     (d_req_n),
    .pci_gnt_n     (h_gnt_n[0]),
    .edu_status    (d_status),
    .edu_irq_status(d_irq_status),
    .edu_fact_busy (d_fact_busy),
    .edu_dma_busy  (d_dma_busy),
    .pci_ad,
    .pci_cbe_n,
    .pci_par,
    .pci_frame_n,
    .pci_irdy_n,
    .pci_trdy_n,
    .pci_devsel_n,
    .pci_stop_n,
    .pci_inta_n,
    .contention_o  (contention)
  );

  integer fd, n, clocks, mismatches;
  reg [1023:0] path;

  initial begin
    if (!$value$plusargs("stim=%s", path)) begin
      $display("usage: vvp edu_replay.vvp +stim=FILE");
      $finish;
    end
    fd = $fopen(path, "r");
    if (fd == 0) begin
      $display("cannot read %0s", path);
      $finish;
    end
    clocks = 0;
    mismatches = 0;
    // Reset, as the harness does; then clock after clock: the rising edge
    // (the device takes the last clock's bus), this clock's host drivers,
    // the bus compared with the harness's, the falling edge.
    #5 clk = 1'b1;
    #5 clk = 1'b0;
    rst_n = 1'b1;
    #5;
    forever begin
      clk = 1'b1;
      #1;
      n = $fscanf(fd, "%h %h %h %h %h %h\n", h_ad, h_cbe_n, h_flags, h_gnt_n, x_ad, x_ctl);
      if (n != 6) begin
        $display("replayed %0d clocks, %0d mismatches", clocks, mismatches);
        $finish;
      end
      #3;
      if (pci_ad !== x_ad ||
          {pci_devsel_n, pci_trdy_n, pci_irdy_n, pci_frame_n} !== x_ctl) begin
        mismatches = mismatches + 1;
      end
      clocks = clocks + 1;
      #1 clk = 1'b0;
      #5;
    end
  end

endmodule

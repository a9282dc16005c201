// One edu device as the Verilator harness holds it: edu_top with the
// per-device lines and state under the names every view's waveforms use
// (docs/waves.md: pci_idsel, pci_req_n, pci_gnt_n, edu_status, ...), so
// that the second and further devices show up as TOP.edu1, TOP.edu2, ...

`default_nettype none

module edu_sim_dev (
  input  logic        pci_clk,
  input  logic        rst_n,

  // The bus, resolved (edu_sim_bus)
  input  logic [31:0] ad,
  input  logic [3:0]  cbe_n,
  input  logic        par,
  input  logic        frame_n,
  input  logic        irdy_n,
  input  logic        trdy_n,
  input  logic        devsel_n,
  input  logic        stop_n,
  input  logic        pci_idsel,
  input  logic        pci_gnt_n,
  input  logic [63:0] dma_mask,

  // What the device drives
  output logic [31:0] ad_o,
  output logic        ad_oe,
  output logic [3:0]  cbe_n_o,
  output logic        cbe_oe,
  output logic        par_o,
  output logic        par_oe,
  output logic        frame_n_o,
  output logic        frame_oe,
  output logic        irdy_n_o,
  output logic        irdy_oe,
  output logic        trdy_n_o,
  output logic        trdy_oe,
  output logic        devsel_n_o,
  output logic        devsel_oe,
  output logic        stop_n_o,
  output logic        stop_oe,
  output logic        pci_req_n,
  output logic [1:0]  req_asks,
  output logic        inta_oe,

  output logic [31:0] edu_status,
  output logic [31:0] edu_irq_status,
  output logic        edu_fact_busy,
  output logic        edu_dma_busy,
  output logic [31:0] bar0_base,
  output logic        bar0_decode,
  output logic [2:0]  guest_err,
  output logic        idle
);

  edu_top u_edu (
    .clk_i           (pci_clk),
    .rst_ni          (rst_n),
    .ad_i            (ad),
    .ad_o,
    .ad_oe_o         (ad_oe),
    .cbe_n_i         (cbe_n),
    .cbe_n_o,
    .cbe_oe_o        (cbe_oe),
    .par_i           (par),
    .par_o,
    .par_oe_o        (par_oe),
    .frame_n_i       (frame_n),
    .frame_n_o,
    .frame_oe_o      (frame_oe),
    .irdy_n_i        (irdy_n),
    .irdy_n_o,
    .irdy_oe_o       (irdy_oe),
    .trdy_n_i        (trdy_n),
    .trdy_n_o,
    .trdy_oe_o       (trdy_oe),
    .devsel_n_i      (devsel_n),
    .devsel_n_o,
    .devsel_oe_o     (devsel_oe),
    .stop_n_i        (stop_n),
    .stop_n_o,
    .stop_oe_o       (stop_oe),
    .idsel_i         (pci_idsel),
    .req_n_o         (pci_req_n),
    .req_asks_o      (req_asks),
    .gnt_n_i         (pci_gnt_n),
    .inta_oe_o       (inta_oe),
    .dma_mask_i      (dma_mask),
    .edu_status_o    (edu_status),
    .edu_irq_status_o(edu_irq_status),
    .edu_fact_busy_o (edu_fact_busy),
    .edu_dma_busy_o  (edu_dma_busy),
    .bar0_base_o     (bar0_base),
    .bar0_decode_o   (bar0_decode),
    .guest_err_o     (guest_err),
    .idle_o          (idle)
  );

endmodule

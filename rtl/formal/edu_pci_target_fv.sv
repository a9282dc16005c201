// Formal wrapper: edu_pci_target with every input free and its rules
// (edu_pci_target_props.sv) checked; the bus is constrained only by the
// checker's assumptions.  Yosys: prove.sh.
`default_nettype none

module edu_pci_target_fv (
  input logic        clk_i,
  input logic        rst_ni,
  input logic [31:0] ad_i,
  input logic [3:0]  cbe_n_i,
  input logic        frame_n_i,
  input logic        irdy_n_i,
  input logic        idsel_i,
  input logic        bar0_decode_i,
  input logic [11:0] bar0_base_i,
  input logic        own_master_i,
  input logic [31:0] cfg_rdata_i,
  input logic [31:0] bar_rdata_i
);
  logic [31:0] ad_o, wdata_o;
  logic ad_oe_o, par_o, par_oe_o, trdy_n_o, devsel_n_o, stop_n_o, ctl_oe_o;
  logic cfg_o, burst_o, phase_o, rd_o, wr_o, idle_o;
  logic [19:2] addr_o;
  logic [3:0] rd_be_n_o, wr_be_n_o;

  edu_pci_target u_target (.*);
  // The target is the only one on the bus.
  edu_pci_target_props u_props (.*, .trdy_n_i(trdy_n_o), .devsel_n_i(devsel_n_o),
                                .stop_n_i(stop_n_o));
endmodule

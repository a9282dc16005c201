// Formal wrapper: edu_pci_master with every input free and its rules
// (edu_pci_master_props.sv) checked; the targets, the arbiter and the
// client are constrained only by the checker's assumptions.  Yosys: prove.sh.
`default_nettype none

module edu_pci_master_fv (
  input logic        clk_i,
  input logic        rst_ni,
  input logic [31:0] ad_i,
  input logic        frame_n_i,
  input logic        irdy_n_i,
  input logic        trdy_n_i,
  input logic        devsel_n_i,
  input logic        stop_n_i,
  input logic        gnt_n_i,
  input logic        want_i,
  input logic        write_i,
  input logic [63:2] addr_i,
  input logic [4:0]  beats_i,
  input logic [3:0]  be_first_n_i,
  input logic [3:0]  be_last_n_i,
  input logic [31:0] wdata_i
);
  logic req_n_o, ad_oe_o, cbe_oe_o, par_o, par_oe_o, frame_n_o, frame_oe_o;
  logic irdy_n_o, irdy_oe_o, take_o, beat_o, end_o, abort_o, active_o, idle_o;
  logic [31:0] ad_o, rdata_o;
  logic [3:0] cbe_n_o;

  edu_pci_master u_master (.*);
  edu_pci_master_props u_props (.*);
endmodule

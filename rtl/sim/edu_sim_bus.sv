// The PCI bus of the Verilator harness: every agent's drivers resolved into
// one set of lines, with the pull-ups of the sustained tri-state lines
// (FRAME#, IRDY#, TRDY#, DEVSEL#, STOP#) and of INTA# (wired-OR of the
// devices' open-drain outputs).  AD, C/BE# and PAR have no pull-up: a
// two-state simulator shows them as 0 when nobody drives them (the
// protocol monitor never looks at them then).  contention_o flags every
// line that more than one agent drives in the same clock.
//
// Its ports carry the names every view's waveforms use (docs/waves.md), so
// that waves/edu.gtkw opens the harness's VCD: the resolved lines, and the
// first edu device's IDSEL, REQ#, GNT# and state, passed through.
//
// Agents: 0 the host bridge as initiator, 1 the host bridge as target (RAM,
// its own configuration space), 2.. the edu devices.

`default_nettype none

module edu_sim_bus #(
  parameter int Agents = 10,
  parameter int Devices = 8
) (
  input  logic                   pci_clk,    // drawn only

  input  logic [Agents-1:0][31:0] ad_i,
  input  logic [Agents-1:0]       ad_oe_i,
  input  logic [Agents-1:0][3:0]  cbe_n_i,
  input  logic [Agents-1:0]       cbe_oe_i,
  input  logic [Agents-1:0]       par_i,
  input  logic [Agents-1:0]       par_oe_i,
  input  logic [Agents-1:0]       frame_n_i,
  input  logic [Agents-1:0]       frame_oe_i,
  input  logic [Agents-1:0]       irdy_n_i,
  input  logic [Agents-1:0]       irdy_oe_i,
  input  logic [Agents-1:0]       trdy_n_i,
  input  logic [Agents-1:0]       trdy_oe_i,
  input  logic [Agents-1:0]       devsel_n_i,
  input  logic [Agents-1:0]       devsel_oe_i,
  input  logic [Agents-1:0]       stop_n_i,
  input  logic [Agents-1:0]       stop_oe_i,
  input  logic [Devices-1:0]      inta_oe_i,

  // The first edu device, as the waveforms show it
  input  logic                   pci_idsel,
  input  logic                   pci_req_n,
  input  logic                   pci_gnt_n,
  input  logic [31:0]            edu_status,
  input  logic [31:0]            edu_irq_status,
  input  logic                   edu_fact_busy,
  input  logic                   edu_dma_busy,

  // The bus
  output logic [31:0]            pci_ad,
  output logic [3:0]             pci_cbe_n,
  output logic                   pci_par,
  output logic                   pci_frame_n,
  output logic                   pci_irdy_n,
  output logic                   pci_trdy_n,
  output logic                   pci_devsel_n,
  output logic                   pci_stop_n,
  output logic                   pci_inta_n,
  output logic [7:0]             contention_o  // AD, C/BE#, PAR, FRAME#, IRDY#, TRDY#, DEVSEL#, STOP#
);

  function automatic logic many(logic [Agents-1:0] oe);
    many = (oe & (oe - 1'b1)) != '0;
  endfunction

  always_comb begin
    pci_ad = '0;
    pci_cbe_n = '0;
    pci_par = 1'b0;
    pci_frame_n = 1'b1;   // pulled up
    pci_irdy_n = 1'b1;
    pci_trdy_n = 1'b1;
    pci_devsel_n = 1'b1;
    pci_stop_n = 1'b1;
    for (int k = 0; k < Agents; k++) begin
      if (ad_oe_i[k]) pci_ad = pci_ad | ad_i[k];
      if (cbe_oe_i[k]) pci_cbe_n = pci_cbe_n | cbe_n_i[k];
      if (par_oe_i[k]) pci_par = pci_par | par_i[k];
      if (frame_oe_i[k]) pci_frame_n = pci_frame_n & frame_n_i[k];
      if (irdy_oe_i[k]) pci_irdy_n = pci_irdy_n & irdy_n_i[k];
      if (trdy_oe_i[k]) pci_trdy_n = pci_trdy_n & trdy_n_i[k];
      if (devsel_oe_i[k]) pci_devsel_n = pci_devsel_n & devsel_n_i[k];
      if (stop_oe_i[k]) pci_stop_n = pci_stop_n & stop_n_i[k];
    end
    pci_inta_n = inta_oe_i == '0;
    contention_o = {many(stop_oe_i), many(devsel_oe_i), many(trdy_oe_i), many(irdy_oe_i),
                    many(frame_oe_i), many(par_oe_i), many(cbe_oe_i), many(ad_oe_i)};
  end

endmodule

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
  // more than one driver on: AD, C/BE#, PAR, FRAME#, IRDY#, TRDY#, DEVSEL#, STOP#
  output logic [7:0]             contention_o
);

  function automatic logic many(logic [Agents-1:0] oe);
    many = (oe & (oe - 1'b1)) != '0;
  endfunction

  // The value of a line: what its drivers drive (OR: at most one should),
  // 0 when nobody does (no pull-up on AD, C/BE#, PAR).
  function automatic logic [31:0] drive32(logic [Agents-1:0][31:0] v, logic [Agents-1:0] oe);
    logic [31:0] r;
    r = '0;
    for (int k = 0; k < Agents; k++) begin
      if (oe[k]) r = r | v[k];
    end
    drive32 = r;
  endfunction

  function automatic logic [3:0] drive4(logic [Agents-1:0][3:0] v, logic [Agents-1:0] oe);
    logic [3:0] r;
    r = '0;
    for (int k = 0; k < Agents; k++) begin
      if (oe[k]) r = r | v[k];
    end
    drive4 = r;
  endfunction

  // A pulled-up line: wired-AND of its drivers, 1 when nobody drives it.
  function automatic logic pulled_up(logic [Agents-1:0] v, logic [Agents-1:0] oe);
    pulled_up = (~v & oe) == '0;
  endfunction

  assign pci_ad = drive32(ad_i, ad_oe_i);
  assign pci_cbe_n = drive4(cbe_n_i, cbe_oe_i);
  assign pci_par = (par_i & par_oe_i) != '0;
  assign pci_frame_n = pulled_up(frame_n_i, frame_oe_i);
  assign pci_irdy_n = pulled_up(irdy_n_i, irdy_oe_i);
  assign pci_trdy_n = pulled_up(trdy_n_i, trdy_oe_i);
  assign pci_devsel_n = pulled_up(devsel_n_i, devsel_oe_i);
  assign pci_stop_n = pulled_up(stop_n_i, stop_oe_i);
  assign pci_inta_n = inta_oe_i == '0;
  assign contention_o = {many(stop_oe_i), many(devsel_oe_i), many(trdy_oe_i), many(irdy_oe_i),
                         many(frame_oe_i), many(par_oe_i), many(cbe_oe_i), many(ad_oe_i)};

endmodule

// The PCI rules (rtl/formal/) checked in every simulation: the target's
// and the bus master's checkers bound into each edu_top the harness
// builds (Verilator --assert).  A failed assertion or assumption fails
// the harness's operation with -EIO and the property's name
// (edu_rtl_assert_failed(), rtl/sim/src/rtl_platform.cpp).

bind edu_top edu_pci_target_props u_target_props (
  .clk_i       (clk_i),
  .rst_ni      (rst_ni),
  .cbe_n_i     (cbe_n_i),
  .frame_n_i   (frame_n_i),
  .irdy_n_i    (irdy_n_i),
  .trdy_n_i    (trdy_n_i),
  .devsel_n_i  (devsel_n_i),
  .stop_n_i    (stop_n_i),
  .own_master_i(m_active),
  .ad_o        (t_ad),
  .ad_oe_o     (t_ad_oe),
  .par_o       (t_par),
  .par_oe_o    (t_par_oe),
  .trdy_n_o    (t_trdy_n),
  .devsel_n_o  (t_devsel_n),
  .stop_n_o    (t_stop_n),
  .ctl_oe_o    (t_ctl_oe)
);

bind edu_top edu_pci_master_props u_master_props (
  .clk_i     (clk_i),
  .rst_ni    (rst_ni),
  .frame_n_i (frame_n_i),
  .irdy_n_i  (irdy_n_i),
  .trdy_n_i  (trdy_n_i),
  .devsel_n_i(devsel_n_i),
  .stop_n_i  (stop_n_i),
  .gnt_n_i   (gnt_n_i),
  .req_n_o   (req_n_o),
  .ad_o      (m_ad),
  .ad_oe_o   (m_ad_oe),
  .cbe_n_o   (m_cbe_n),
  .cbe_oe_o  (m_cbe_oe),
  .par_o     (m_par),
  .par_oe_o  (m_par_oe),
  .frame_n_o (frame_n_o),
  .frame_oe_o(frame_oe_o),
  .irdy_n_o  (irdy_n_o),
  .irdy_oe_o (irdy_oe_o),
  .want_i    (m_want),
  .beats_i   (m_beats),
  .wdata_i   (m_wdata)
);

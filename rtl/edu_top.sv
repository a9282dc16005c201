// QEMU's educational PCI device ("edu") with a conventional PCI interface:
// 32 bits, 33 MHz, a target for configuration and BAR0 cycles and a bus
// master for DMA and MSI.
//
// Tri-state lines are split into _o/_oe_o/_i; the bus they make (pull-ups,
// resolution) is the test harness's.  INTA# is open drain: inta_oe_o pulls
// it low.  No output depends combinationally on an input, so a harness may
// evaluate several devices one after the other.  Besides the PCI lines:
// dma_mask_i (QEMU's dma_mask property), the device state the waveforms
// show, BAR0's window (where the harness's host bridge finds the memory
// map it cuts CPU accesses by, as QEMU's memory core does) and idle_o
// (nothing pending inside: a clock with an idle bus changes nothing).
// guest_err_o tells of what the C model logs as guest errors: a DMA
// command whose range is outside the buffer, or whose RAM address
// dma_mask clamps, and a bus-master transaction (DMA burst, MSI message)
// that ended in an abort (nobody claimed it: beyond RAM).
// req_asks_o counts the bus-master requests (a DMA burst, an MSI message)
// asked for in each clock: one REQ# cannot tell when the second of two
// waiting requests was asked, and the harness's arbiter orders requests
// as the timing table does, by when they were asked.

`default_nettype none

module edu_top (
  input  logic        clk_i,
  input  logic        rst_ni,

  input  logic [31:0] ad_i,
  output logic [31:0] ad_o,
  output logic        ad_oe_o,
  input  logic [3:0]  cbe_n_i,
  output logic [3:0]  cbe_n_o,
  output logic        cbe_oe_o,
  input  logic        par_i,
  output logic        par_o,
  output logic        par_oe_o,
  input  logic        frame_n_i,
  output logic        frame_n_o,
  output logic        frame_oe_o,
  input  logic        irdy_n_i,
  output logic        irdy_n_o,
  output logic        irdy_oe_o,
  input  logic        trdy_n_i,
  output logic        trdy_n_o,
  output logic        trdy_oe_o,
  input  logic        devsel_n_i,
  output logic        devsel_n_o,
  output logic        devsel_oe_o,
  input  logic        stop_n_i,
  output logic        stop_n_o,
  output logic        stop_oe_o,
  input  logic        idsel_i,
  output logic        req_n_o,
  output logic [1:0]  req_asks_o,   // bus-master requests asked in this clock
  input  logic        gnt_n_i,
  output logic        inta_oe_o,

  input  logic [63:0] dma_mask_i,

  output logic [31:0] edu_status_o,
  output logic [31:0] edu_irq_status_o,
  output logic        edu_fact_busy_o,
  output logic        edu_dma_busy_o,

  output logic [31:0] bar0_base_o,
  output logic        bar0_decode_o,
  output logic [2:0]  guest_err_o,  // {bus-master abort, DMA clamped, DMA range} at the last edge
  output logic        idle_o
);

  // ---- configuration space and registers ---------------------------------

  logic        t_cfg, t_burst, t_phase, t_rd, t_wr;
  logic [19:2] t_addr;
  logic [3:0]  t_rd_be_n, t_wr_be_n;
  logic [31:0] t_wdata, cfg_rdata, bar_rdata;

  logic        master_en, master_en_d, intx_disable;
  logic [11:0] bar0_base;
  logic        bar0_decode;
  logic        msi_en_d, msi_intx_clr;
  logic [63:2] msi_addr;
  logic [15:0] msi_data;
  logic        intx_level;

  edu_pci_cfg u_cfg (
    .clk_i,
    .rst_ni,
    .addr_i        (t_addr[7:2]),
    .wr_i          (t_wr && t_cfg),
    .wr_be_n_i     (t_wr_be_n),
    .wdata_i       (t_wdata),
    .rdata_o       (cfg_rdata),
    .intx_level_i  (intx_level),
    .master_en_o   (master_en),
    .master_en_d_o (master_en_d),
    .intx_disable_o(intx_disable),
    .bar0_base_o   (bar0_base),
    .bar0_decode_o (bar0_decode),
    .msi_en_d_o    (msi_en_d),
    .msi_intx_clr_o(msi_intx_clr),
    .msi_addr_o    (msi_addr),
    .msi_data_o    (msi_data)
  );

  logic        fact_start, fact_busy, fact_done;
  logic [31:0] fact_operand, fact_result;
  logic        dma_start, dma_done;
  logic        dma_to_ram;
  logic [63:0] dma_src, dma_dst, dma_count;
  logic        msi_pending, msi_sent, msi_again;
  logic [1:0]  msi_new;

  edu_regs u_regs (
    .clk_i,
    .rst_ni,
    .addr_i         (t_addr),
    .burst_i        (t_burst),
    .phase_i        (t_phase),
    .rd_be_n_i      (t_rd_be_n),
    .rd_i           (t_rd && !t_cfg),
    .wr_i           (t_wr && !t_cfg),
    .wr_be_n_i      (t_wr_be_n),
    .wdata_i        (t_wdata),
    .rdata_o        (bar_rdata),
    .msi_en_d_i     (msi_en_d),
    .master_en_d_i  (master_en_d),
    .msi_intx_clr_i (msi_intx_clr),
    .fact_start_o   (fact_start),
    .fact_operand_o (fact_operand),
    .fact_busy_i    (fact_busy),
    .fact_done_i    (fact_done),
    .fact_result_i  (fact_result),
    .dma_start_o    (dma_start),
    .dma_to_ram_o   (dma_to_ram),
    .dma_src_o      (dma_src),
    .dma_dst_o      (dma_dst),
    .dma_count_o    (dma_count),
    .dma_done_i     (dma_done),
    .intx_level_o   (intx_level),
    .msi_pending_o  (msi_pending),
    .msi_new_o      (msi_new),
    .msi_sent_i     (msi_sent),
    .msi_again_i    (msi_again),
    .status_o       (edu_status_o),
    .irq_status_o   (edu_irq_status_o),
    .dma_busy_o     (edu_dma_busy_o)
  );

  edu_fact u_fact (
    .clk_i,
    .rst_ni,
    .start_i  (fact_start),
    .operand_i(fact_operand),
    .busy_o   (fact_busy),
    .done_o   (fact_done),
    .result_o (fact_result)
  );

  // ---- DMA ---------------------------------------------------------------

  logic            d_want, d_ask, d_write;
  logic [63:2]     d_addr;
  logic [4:0]      d_beats;
  logic [3:0]      d_be_first_n, d_be_last_n;
  logic [31:0]     d_wdata;
  logic [3:0]      buf_we;
  logic [39:0]     buf_row;
  logic [31:0]     buf_wdata, buf_rdata;
  logic            buf_fill, buf_busy;
  logic [12:0]     buf_fill_lo, buf_fill_hi;
  logic            dma_idle;
  logic [1:0]      dma_guest_err;

  logic        m_want, m_write, m_take, m_beat, m_end, m_abort, m_active, m_idle;
  logic [63:2] m_addr;
  logic [4:0]  m_beats;
  logic [3:0]  m_be_first_n, m_be_last_n;
  logic [31:0] m_wdata, m_rdata;
  logic        msi_q;   // the master's transaction is an MSI message

  edu_dma u_dma (
    .clk_i,
    .rst_ni,
    .start_i      (dma_start),
    .to_ram_i     (dma_to_ram),
    .src_i        (dma_src),
    .dst_i        (dma_dst),
    .count_i      (dma_count),
    .dma_mask_i,
    .master_en_i  (master_en),
    .done_o       (dma_done),
    .want_o       (d_want),
    .ask_o        (d_ask),
    .write_o      (d_write),
    .addr_o       (d_addr),
    .beats_o      (d_beats),
    .be_first_n_o (d_be_first_n),
    .be_last_n_o  (d_be_last_n),
    .take_i       (m_take && !use_msi),
    .beat_i       (m_beat && !msi_q),
    .rdata_i      (m_rdata),
    .end_i        (m_end && !msi_q),
    .abort_i      (m_abort),
    .wdata_o      (d_wdata),
    .buf_we_o     (buf_we),
    .buf_row_o    (buf_row),
    .buf_wdata_o  (buf_wdata),
    .buf_rdata_i  (buf_rdata),
    .buf_fill_o   (buf_fill),
    .buf_fill_lo_o(buf_fill_lo),
    .buf_fill_hi_o(buf_fill_hi),
    .buf_busy_i   (buf_busy),
    .guest_err_o  (dma_guest_err),
    .idle_o       (dma_idle)
  );

  edu_dma_buf u_buf (
    .clk_i,
    .rst_ni,
    .we_i     (buf_we),
    .row_i    (buf_row),
    .wdata_i  (buf_wdata),
    .rdata_o  (buf_rdata),
    .fill_i   (buf_fill),
    .fill_lo_i(buf_fill_lo),
    .fill_hi_i(buf_fill_hi),
    .busy_o   (buf_busy)
  );

  // ---- bus master: DMA bursts and MSI messages in the order asked for ----
  //
  // The bursts of a DMA ask one after the other; an MSI asks when it is
  // raised.  When both wait, the one that asked first goes (at the same
  // clock, the MSI), as the C model books them.

  logic        dma_first_q;  // the DMA burst waiting asked before any MSI waiting
  logic        use_msi;      // the master's next transaction is an MSI
  logic        msi_moved_q;  // the message's data phase has completed
  logic        msi_retry_q;  // the next message repeats the one retried
  logic [63:2] msi_addr_q;   // the message under way (or retried)
  logic [15:0] msi_data_q;
  logic [63:2] msi_addr_next;
  logic [15:0] msi_data_next;

  assign use_msi = msi_pending && !(d_want && dma_first_q);
  assign m_want = msi_pending || d_want;
  assign m_write = use_msi || d_write;
  assign m_addr = use_msi ? msi_addr_next : d_addr;
  assign m_beats = use_msi ? 5'd1 : d_beats;
  assign m_be_first_n = use_msi ? 4'b0000 : d_be_first_n;
  assign m_be_last_n = use_msi ? 4'b0000 : d_be_last_n;
  assign m_wdata = msi_q ? {16'h0000, msi_data_q} : d_wdata;
  assign msi_sent = m_take && use_msi;

  // A target may end the message's transaction before its data phase
  // (retry, disconnect): the message then waits and asks again, unless
  // bus mastering has been turned off meanwhile, and goes out as it was
  // first (PCI: a retried transaction is repeated as it was), whatever the
  // MSI capability says by then.
  assign msi_again = m_end && msi_q && !m_abort && !msi_moved_q && master_en;
  assign msi_addr_next = msi_retry_q ? msi_addr_q : msi_addr;
  assign msi_data_next = msi_retry_q ? msi_data_q : msi_data;

  logic [1:0] asks_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      msi_q <= 1'b0;
      msi_moved_q <= 1'b0;
      msi_retry_q <= 1'b0;
      msi_addr_q <= '0;
      msi_data_q <= '0;
      dma_first_q <= 1'b0;
      asks_q <= '0;
    end else begin
      asks_q <= msi_new + {1'b0, d_ask};
      if (m_take) begin
        msi_q <= use_msi;
        msi_moved_q <= 1'b0;
      end else if (m_beat) begin
        msi_moved_q <= 1'b1;
      end
      if (msi_sent) begin
        msi_addr_q <= msi_addr_next;
        msi_data_q <= msi_data_next;
        msi_retry_q <= 1'b0;
      end
      if (msi_again) begin
        msi_retry_q <= 1'b1;
      end
      dma_first_q <= d_want && !(m_take && !use_msi) && (dma_first_q || !msi_pending);
    end
  end

  logic [31:0] m_ad, t_ad;
  logic        m_ad_oe, t_ad_oe;
  logic [3:0]  m_cbe_n;
  logic        m_cbe_oe;
  logic        m_par, m_par_oe, t_par, t_par_oe;
  logic        t_trdy_n, t_devsel_n, t_stop_n, t_ctl_oe;
  logic        t_idle;

  edu_pci_master u_master (
    .clk_i,
    .rst_ni,
    .ad_i,
    .frame_n_i,
    .irdy_n_i,
    .trdy_n_i,
    .devsel_n_i,
    .stop_n_i,
    .gnt_n_i,
    .req_n_o,
    .ad_o        (m_ad),
    .ad_oe_o     (m_ad_oe),
    .cbe_n_o     (m_cbe_n),
    .cbe_oe_o    (m_cbe_oe),
    .par_o       (m_par),
    .par_oe_o    (m_par_oe),
    .frame_n_o,
    .frame_oe_o,
    .irdy_n_o,
    .irdy_oe_o,
    .want_i      (m_want),
    .write_i     (m_write),
    .addr_i      (m_addr),
    .beats_i     (m_beats),
    .be_first_n_i(m_be_first_n),
    .be_last_n_i (m_be_last_n),
    .take_o      (m_take),
    .wdata_i     (m_wdata),
    .beat_o      (m_beat),
    .rdata_o     (m_rdata),
    .end_o       (m_end),
    .abort_o     (m_abort),
    .active_o    (m_active),
    .idle_o      (m_idle)
  );

  // ---- target --------------------------------------------------------------

  edu_pci_target u_target (
    .clk_i,
    .rst_ni,
    .ad_i,
    .cbe_n_i,
    .frame_n_i,
    .irdy_n_i,
    .idsel_i,
    .ad_o         (t_ad),
    .ad_oe_o      (t_ad_oe),
    .par_o        (t_par),
    .par_oe_o     (t_par_oe),
    .trdy_n_o     (t_trdy_n),
    .devsel_n_o   (t_devsel_n),
    .stop_n_o     (t_stop_n),
    .ctl_oe_o     (t_ctl_oe),
    .bar0_decode_i(bar0_decode),
    .bar0_base_i  (bar0_base),
    .own_master_i (m_active),
    .cfg_o        (t_cfg),
    .addr_o       (t_addr),
    .burst_o      (t_burst),
    .phase_o      (t_phase),
    .rd_be_n_o    (t_rd_be_n),
    .rd_o         (t_rd),
    .wr_o         (t_wr),
    .wdata_o      (t_wdata),
    .wr_be_n_o    (t_wr_be_n),
    .cfg_rdata_i  (cfg_rdata),
    .bar_rdata_i  (bar_rdata),
    .idle_o       (t_idle)
  );

  // The master and the target never drive in the same transaction.
  assign ad_o = m_ad_oe ? m_ad : t_ad;
  assign ad_oe_o = m_ad_oe || t_ad_oe;
  assign cbe_n_o = m_cbe_n;
  assign cbe_oe_o = m_cbe_oe;
  assign par_o = m_par_oe ? m_par : t_par;
  assign par_oe_o = m_par_oe || t_par_oe;
  assign trdy_n_o = t_trdy_n;
  assign trdy_oe_o = t_ctl_oe;
  assign devsel_n_o = t_devsel_n;
  assign devsel_oe_o = t_ctl_oe;
  assign stop_n_o = t_stop_n;
  assign stop_oe_o = t_ctl_oe;

  assign req_asks_o = asks_q;
  assign inta_oe_o = intx_level && !intx_disable;
  assign edu_fact_busy_o = fact_busy;
  assign bar0_base_o = {bar0_base, 20'h00000};
  assign bar0_decode_o = bar0_decode;
  // Registered: no output follows an input within the clock.
  logic [2:0] guest_err_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      guest_err_q <= '0;
    end else begin
      guest_err_q <= {m_end && m_abort, dma_guest_err};
    end
  end
  assign guest_err_o = guest_err_q;
  assign idle_o = t_idle && m_idle && dma_idle && !fact_busy && !msi_pending && !m_want;

endmodule

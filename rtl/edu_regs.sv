// The edu registers behind BAR0, rule for rule as QEMU's hw/misc/edu.c (and
// c-model/src/edu.c) has them, with the interrupt logic (INTx level, MSI
// messages to send).
//
// Access sizes as QEMU's memory core gives them to the device: below 0x80
// 4 bytes only, from 0x80 on 4 or 8; an 8-byte access is a burst of two
// data phases from an 8-aligned offset (the low DWORD first).  An 8-byte
// access below 0x80 reads all ones and is ignored on write; a data phase
// with fewer than four byte enables (a 1- or 2-byte access) reads 0 and is
// ignored.  An 8-byte read returns the 64-bit value of its first data
// phase's clock; an 8-byte write takes effect at the edge ending its second
// data phase.  Events of one edge happen in the C model's order: the
// register write, then the factorial's end, then the DMA's end.

`default_nettype none

module edu_regs (
  input  logic        clk_i,
  input  logic        rst_ni,

  // BAR0 data phases (edu_pci_target)
  input  logic [19:2] addr_i,
  input  logic        burst_i,
  input  logic        phase_i,
  input  logic [3:0]  rd_be_n_i,
  input  logic        rd_i,
  input  logic        wr_i,
  input  logic [3:0]  wr_be_n_i,
  input  logic [31:0] wdata_i,
  output logic [31:0] rdata_o,

  // Configuration space
  input  logic        msi_en_d_i,
  input  logic        master_en_d_i,
  input  logic        msi_intx_clr_i,

  // Factorial unit
  output logic        fact_start_o,
  output logic [31:0] fact_operand_o,
  input  logic        fact_busy_i,
  input  logic        fact_done_i,
  input  logic [31:0] fact_result_i,

  // DMA engine
  output logic        dma_start_o,
  output logic        dma_to_ram_o,
  output logic [63:0] dma_src_o,
  output logic [63:0] dma_dst_o,
  output logic [63:0] dma_count_o,
  input  logic        dma_done_i,

  // Interrupts
  output logic        intx_level_o,
  output logic        msi_pending_o,  // MSI messages wait to be sent
  output logic [1:0]  msi_new_o,      // ... of which raised at the coming edge
  input  logic        msi_sent_i,     // the master takes one at the coming edge
  input  logic        msi_again_i,    // ... one taken went undelivered: it waits again

  output logic [31:0] status_o,
  output logic [31:0] irq_status_o,
  output logic        dma_busy_o
);

  logic [31:0] liveness_q, liveness_d;
  logic [31:0] fact_q, fact_d;
  logic        irqfact_q, irqfact_d;
  logic [31:0] irq_q, irq_d;
  logic        intx_q, intx_d;
  logic [3:0]  msi_cnt_q, msi_cnt_d;
  logic [63:0] src_q, src_d, dst_q, dst_d, count_q, count_d, cmd_q, cmd_d;
  logic [31:0] lo_q;       // first DWORD of an 8-byte write
  logic        lo_ok_q;
  logic [31:0] hi_q;       // second DWORD of an 8-byte read

  logic [19:0] off;        // byte offset of the data phase
  logic        acc8;       // the data phase belongs to an 8-byte access
  logic        running;
  assign off = {addr_i, 2'b00};
  assign acc8 = burst_i && addr_i[2] == phase_i;
  assign running = (cmd_q & edu_regs_pkg::EDU_DMA_CMD_RUN) != '0;

  // ---- reads -------------------------------------------------------------

  // A 4-byte read: the 64-bit registers give their low half.
  function automatic logic [31:0] read32(logic [19:0] o, logic [31:0] live, logic [31:0] fact,
                                          logic [31:0] status, logic [31:0] irq,
                                          logic [31:0] src, logic [31:0] dst,
                                          logic [31:0] count, logic [31:0] cmd);
    logic [31:0] read_val;
    unique case (o)
      edu_regs_pkg::EDU_REG_ID:         read_val = edu_regs_pkg::EDU_ID_VALUE;
      edu_regs_pkg::EDU_REG_LIVENESS:   read_val = live;
      edu_regs_pkg::EDU_REG_FACT:       read_val = fact;
      edu_regs_pkg::EDU_REG_STATUS:     read_val = status;
      edu_regs_pkg::EDU_REG_IRQ_STATUS: read_val = irq;
      edu_regs_pkg::EDU_REG_DMA_SRC:    read_val = src;
      edu_regs_pkg::EDU_REG_DMA_DST:    read_val = dst;
      edu_regs_pkg::EDU_REG_DMA_COUNT:  read_val = count;
      edu_regs_pkg::EDU_REG_DMA_CMD:    read_val = cmd;
      default:            read_val = 32'hffff_ffff;
    endcase
    read32 = read_val;
  endfunction

  function automatic logic [63:0] read64(logic [19:0] o, logic [63:0] src, logic [63:0] dst,
                                          logic [63:0] count, logic [63:0] cmd);
    logic [63:0] read_val;
    unique case (o)
      edu_regs_pkg::EDU_REG_DMA_SRC:   read_val = src;
      edu_regs_pkg::EDU_REG_DMA_DST:   read_val = dst;
      edu_regs_pkg::EDU_REG_DMA_COUNT: read_val = count;
      edu_regs_pkg::EDU_REG_DMA_CMD:   read_val = cmd;
      default:           read_val = 64'hffff_ffff_ffff_ffff;
    endcase
    read64 = read_val;
  endfunction

  logic [31:0] status;
  logic [63:0] value64;
  assign status = (irqfact_q ? edu_regs_pkg::EDU_STATUS_IRQFACT : 32'h0) |
                  (fact_busy_i ? edu_regs_pkg::EDU_STATUS_COMPUTING : 32'h0);
  assign value64 = read64(off, src_q, dst_q, count_q, cmd_q);

  always_comb begin
    if (acc8) begin
      rdata_o = phase_i ? hi_q : value64[31:0];
    end else if (rd_be_n_i != 4'b0000) begin
      rdata_o = 32'h0;  // 1- and 2-byte reads: QEMU's memory core gives 0
    end else begin
      rdata_o = read32(off, liveness_q, fact_q, status, irq_q, src_q[31:0], dst_q[31:0],
                       count_q[31:0], cmd_q[31:0]);
    end
  end

  // ---- writes ------------------------------------------------------------

  logic        wr32;        // a 4-byte write at off
  logic        wr64;        // an 8-byte write at off64 (its second data phase)
  logic [19:0] off64;
  logic [63:0] val64;
  logic        full_be;
  assign full_be = wr_be_n_i == 4'b0000;
  assign wr32 = wr_i && !acc8 && full_be;
  assign wr64 = wr_i && acc8 && phase_i && full_be && lo_ok_q;
  assign off64 = {addr_i[19:3], 3'b000};
  assign val64 = {wdata_i, lo_q};

  // A register write of 'size' bytes: the offset, and the value zero-extended.
  logic        w_en;
  logic [19:0] w_off;
  logic [63:0] w_val;
  logic        w_wide;      // 8 bytes
  always_comb begin
    w_en = wr32 || (wr64 && off64 >= edu_regs_pkg::EDU_REG_WIDE_BASE);
    w_off = wr64 ? off64 : off;
    w_val = wr64 ? val64 : {32'h0, wdata_i};
    w_wide = wr64;
  end

  // irq_status |= v; if it is then non-zero, an MSI (when enabled, and
  // sent only with bus mastering on) or INTx.  Returns the new
  // {irq_status, INTx level, MSI messages to send}.
  function automatic logic [36:0] raise(logic [31:0] irq, logic intx, logic [3:0] msi_cnt,
                                         logic [31:0] v, logic msi_en, logic master_en);
    logic [31:0] irq_n;
    logic        intx_n;
    logic [3:0]  cnt_n;
    irq_n = irq | v;
    intx_n = intx;
    cnt_n = msi_cnt;
    if (irq_n != '0) begin
      if (msi_en) begin
        if (master_en) begin
          cnt_n = msi_cnt + 4'd1;
        end
      end else begin
        intx_n = 1'b1;
      end
    end
    raise = {irq_n, intx_n, cnt_n};
  endfunction

  // irq_status &= ~v; INTx deasserted when it reaches 0 and MSI is off.
  function automatic logic [36:0] lower(logic [31:0] irq, logic intx, logic [3:0] msi_cnt,
                                         logic [31:0] v, logic msi_en);
    logic [31:0] irq_n;
    irq_n = irq & ~v;
    lower = {irq_n, (irq_n == '0 && !msi_en) ? 1'b0 : intx, msi_cnt};
  endfunction

  // The registers a write changes (each written once: no block here reads
  // what it assigns, so every simulator settles it in one pass).
  logic w_reg;              // a write to a register a 4-byte access reaches
  assign w_reg = w_en && !w_wide;

  always_comb begin
    liveness_d = liveness_q;
    irqfact_d = irqfact_q;
    src_d = src_q;
    dst_d = dst_q;
    count_d = count_q;
    fact_start_o = 1'b0;
    dma_start_o = 1'b0;
    if (w_en) begin
      unique case (w_off)
        edu_regs_pkg::EDU_REG_LIVENESS: if (!w_wide) liveness_d = ~w_val[31:0];
        edu_regs_pkg::EDU_REG_FACT: fact_start_o = !w_wide && !fact_busy_i;
        edu_regs_pkg::EDU_REG_STATUS:
          if (!w_wide) irqfact_d = (w_val[31:0] & edu_regs_pkg::EDU_STATUS_IRQFACT) != '0;
        edu_regs_pkg::EDU_REG_DMA_SRC: if (!running) src_d = w_val;
        edu_regs_pkg::EDU_REG_DMA_DST: if (!running) dst_d = w_val;
        edu_regs_pkg::EDU_REG_DMA_COUNT: if (!running) count_d = w_val;
        edu_regs_pkg::EDU_REG_DMA_CMD:
          dma_start_o = (w_val & edu_regs_pkg::EDU_DMA_CMD_RUN) != '0 && !running;
        default: ;
      endcase
    end
  end

  // FACT: the operand, then the result.
  assign fact_d = fact_done_i ? fact_result_i : fact_start_o ? w_val[31:0] : fact_q;

  // DMA_CMD: stored when a transfer starts; its end clears only RUN.
  logic [63:0] cmd_w;
  assign cmd_w = dma_start_o ? w_val : cmd_q;
  assign cmd_d = dma_done_i ? cmd_w & ~edu_regs_pkg::EDU_DMA_CMD_RUN : cmd_w;

  // Interrupts, in the C model's order: the configuration write of this
  // edge (enabled MSI drops INTx), the register write (raise or
  // acknowledge), the factorial's end, the DMA's end.
  logic [31:0] irq0, irq1, irq2;
  logic        intx0, intx1, intx2;
  logic [3:0]  cnt0, cnt1, cnt2;
  assign irq0 = irq_q;
  assign intx0 = msi_intx_clr_i ? 1'b0 : intx_q;
  assign cnt0 = msi_cnt_q - (msi_sent_i ? 4'd1 : 4'd0) + (msi_again_i ? 4'd1 : 4'd0);
  assign {irq1, intx1, cnt1} =
      (w_reg && w_off == edu_regs_pkg::EDU_REG_IRQ_RAISE) ?
          raise(irq0, intx0, cnt0, w_val[31:0], msi_en_d_i, master_en_d_i) :
      (w_reg && w_off == edu_regs_pkg::EDU_REG_IRQ_ACK) ?
          lower(irq0, intx0, cnt0, w_val[31:0], msi_en_d_i) :
          {irq0, intx0, cnt0};
  assign {irq2, intx2, cnt2} =
      (fact_done_i && irqfact_d) ?
          raise(irq1, intx1, cnt1, edu_regs_pkg::EDU_IRQ_FACT, msi_en_d_i, master_en_d_i) :
          {irq1, intx1, cnt1};
  assign {irq_d, intx_d, msi_cnt_d} =
      (dma_done_i && (cmd_w & edu_regs_pkg::EDU_DMA_CMD_IRQ) != '0) ?
          raise(irq2, intx2, cnt2, edu_regs_pkg::EDU_IRQ_DMA, msi_en_d_i, master_en_d_i) :
          {irq2, intx2, cnt2};

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      liveness_q <= '0;
      fact_q <= '0;
      irqfact_q <= 1'b0;
      irq_q <= '0;
      intx_q <= 1'b0;
      msi_cnt_q <= '0;
      src_q <= '0;
      dst_q <= '0;
      count_q <= '0;
      cmd_q <= '0;
      lo_q <= '0;
      lo_ok_q <= 1'b0;
      hi_q <= '0;
    end else begin
      liveness_q <= liveness_d;
      fact_q <= fact_d;
      irqfact_q <= irqfact_d;
      irq_q <= irq_d;
      intx_q <= intx_d;
      msi_cnt_q <= msi_cnt_d;
      src_q <= src_d;
      dst_q <= dst_d;
      count_q <= count_d;
      cmd_q <= cmd_d;
      if (wr_i && acc8 && !phase_i) begin
        lo_q <= wdata_i;
        lo_ok_q <= full_be;
      end
      if (rd_i && acc8 && !phase_i) begin
        hi_q <= value64[63:32];
      end
    end
  end

  assign fact_operand_o = wdata_i;
  assign dma_to_ram_o = (w_val & edu_regs_pkg::EDU_DMA_CMD_TO_RAM) != '0;
  assign dma_src_o = src_q;
  assign dma_dst_o = dst_q;
  assign dma_count_o = count_q;
  assign intx_level_o = intx_q;
  assign msi_pending_o = msi_cnt_q != '0;
  // (A message that waits again asks again.)
  assign msi_new_o = 2'(msi_cnt_d + (msi_sent_i ? 4'd1 : 4'd0) - msi_cnt_q);
  assign status_o = status;
  assign irq_status_o = irq_q;
  assign dma_busy_o = running;

endmodule

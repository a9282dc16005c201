// The DMA engine: moves a transfer between host RAM and the 4 KiB buffer in
// bus-master bursts, as c-model/src/edu.c does.
//
// At the command write (edge d+1 of its data phase d) the buffer-side range
// is checked: in range when 0x40000 <= start and start + count <= 0x41000
// without wrap-around.  EDU_T_DMA_START clocks after d the transfer either
// ends (count 0, out of range: nothing copied; bus mastering off: reads
// from RAM give zeros, writes go nowhere) or asks for the bus.  Each burst
// ends at the next EDU_T_BURST_BYTES boundary of the RAM address; the next
// one is asked for when the last ends, and the transfer ends (done_o) with
// the last burst's turnaround.  The RAM-side address is masked with
// dma_mask.  A burst that ends in a master or target abort delivers all
// ones (reads) or drops its data (writes), as a master abort does in the C
// model (there, with a claimed burst's clocks).

`default_nettype none

module edu_dma (
  input  logic            clk_i,
  input  logic            rst_ni,

  input  logic            start_i,    // the command write takes effect at the coming edge
  input  logic            to_ram_i,   // the command's direction bit
  input  logic [63:0]     src_i,
  input  logic [63:0]     dst_i,
  input  logic [63:0]     count_i,
  input  logic [63:0]     dma_mask_i,
  input  logic            master_en_i,
  output logic            done_o,     // the transfer ends at the coming edge

  // Bus master (edu_pci_master)
  output logic            want_o,
  output logic            ask_o,      // a burst starts waiting for the bus at the coming edge
  output logic            write_o,
  output logic [63:2]     addr_o,
  output logic [4:0]      beats_o,
  output logic [3:0]      be_first_n_o,
  output logic [3:0]      be_last_n_o,
  input  logic            take_i,
  input  logic            beat_i,
  input  logic [31:0]     rdata_i,
  input  logic            end_i,
  input  logic            abort_i,
  output logic [31:0]     wdata_o,

  // Buffer (edu_dma_buf)
  output logic [3:0]      buf_we_o,
  output logic [39:0]     buf_row_o,      // bank b: bits 10b+9..10b
  output logic [31:0]     buf_wdata_o,    // bank b: bits 8b+7..8b
  input  logic [31:0]     buf_rdata_i,
  output logic            buf_fill_o,
  output logic [12:0]     buf_fill_lo_o,
  output logic [12:0]     buf_fill_hi_o,
  input  logic            buf_busy_i,     // a fill is under way: no bursts yet

  // At the command: [0] the buffer-side range is outside the buffer
  // (nothing copied), [1] the RAM-side address was clamped by dma_mask.
  output logic [1:0]      guest_err_o,

  output logic            idle_o
);

  typedef enum logic [2:0] {
    StIdle,
    StDelay,    // EDU_T_DMA_START clocks from the command
    StReq,      // a burst waits for the bus
    StBurst,    // the master moves it
    StOnes      // an aborted read burst: all ones into the buffer
  } state_e;

  localparam logic [63:0] BufEnd = edu_regs_pkg::EDU_DMA_BUF_ADDR + edu_regs_pkg::EDU_DMA_BUF_SIZE;
  localparam logic [63:0] BurstBytes = 64'(edu_timing_pkg::EDU_T_BURST_BYTES);
  localparam int CntW = 8;

  state_e      state_q, state_d;
  logic [CntW-1:0] cnt_q, cnt_d;
  logic        to_ram_q, to_ram_d;
  logic [63:0] ram_q, ram_d;
  logic [12:0] buf_q, buf_d;      // buffer offset
  logic [12:0] left_q, left_d;    // bytes still to move
  logic [6:0]  bleft_q, bleft_d;  // bytes of the current burst still to move

  // ---- the command ---------------------------------------------------------

  logic        s_to_ram;
  logic [63:0] s_bufaddr, s_ramaddr, s_end;
  logic        s_in_range;
  assign s_to_ram = to_ram_i;
  assign s_bufaddr = s_to_ram ? src_i : dst_i;
  assign s_ramaddr = s_to_ram ? dst_i : src_i;
  assign s_end = s_bufaddr + count_i;
  assign s_in_range = s_end >= s_bufaddr && s_bufaddr >= edu_regs_pkg::EDU_DMA_BUF_ADDR &&
                      s_end <= BufEnd;

  assign guest_err_o = {start_i && s_in_range && (s_ramaddr & ~dma_mask_i) != 64'h0,
                        start_i && !s_in_range};

  // The transfer decides EDU_T_DMA_START clocks after the command's data
  // phase whether it runs: from the start itself when that is one clock.
  logic        decide;
  logic        e_to_ram;
  logic [12:0] e_buf, e_left;
  always_comb begin
    if (start_i) begin
      decide = edu_timing_pkg::EDU_T_DMA_START == 1;
      e_to_ram = s_to_ram;
      e_buf = 13'(s_bufaddr - edu_regs_pkg::EDU_DMA_BUF_ADDR);
      e_left = s_in_range ? count_i[12:0] : 13'h0;
    end else begin
      decide = state_q == StDelay && cnt_q == '0;
      e_to_ram = to_ram_q;
      e_buf = buf_q;
      e_left = left_q;
    end
  end

  // ---- the current burst ---------------------------------------------------

  logic [6:0] burst_n;            // bytes of the burst to ask for
  logic [6:0] burst_room;
  logic [8:0] burst_span;
  logic [1:0] lo;                 // RAM address bits 1:0
  logic [1:0] last_lane;
  assign lo = ram_q[1:0];
  assign burst_room = 7'(BurstBytes - (ram_q & (BurstBytes - 1)));
  assign burst_n = left_q < 13'(burst_room) ? left_q[6:0] : burst_room;
  assign burst_span = 9'(lo) + 9'(burst_n) + 9'd3;
  assign last_lane = 2'(lo + burst_n[1:0] - 2'd1);

  // Bytes of the data phase at the current address.
  logic [2:0] beat_bytes;
  logic [2:0] room4;
  assign room4 = 3'd4 - 3'(lo);
  always_comb begin
    if (state_q == StOnes || (state_q == StBurst)) begin
      beat_bytes = 7'(room4) < bleft_q ? room4 : bleft_q[2:0];
    end else begin
      beat_bytes = room4;
    end
  end

  logic moving;                   // a data phase (or a byte of ones) moves now
  assign moving = (state_q == StBurst && beat_i) || state_q == StOnes;

  // What is left once this clock's data phase (or the skipped rest of an
  // aborted write burst) has moved.
  logic [12:0] left_after;
  logic [6:0]  bleft_after;
  assign left_after = moving ? left_q - 13'(beat_bytes) :
                      (state_q == StBurst && end_i && abort_i) ? left_q - 13'(bleft_q) : left_q;
  assign bleft_after = moving ? bleft_q - 7'(beat_bytes) : bleft_q;

  // ---- next state ----------------------------------------------------------

  always_comb begin
    state_d = state_q;
    cnt_d = cnt_q;
    to_ram_d = to_ram_q;
    ram_d = ram_q;
    buf_d = buf_q;
    left_d = left_q;
    bleft_d = bleft_q;
    done_o = 1'b0;
    buf_fill_o = 1'b0;
    buf_fill_lo_o = e_buf;
    buf_fill_hi_o = e_buf + e_left;

    if (start_i) begin
      to_ram_d = s_to_ram;
      ram_d = s_ramaddr & dma_mask_i;
      buf_d = e_buf;
      left_d = e_left;
      state_d = StDelay;
      cnt_d = CntW'(edu_timing_pkg::EDU_T_DMA_START > 1 ? edu_timing_pkg::EDU_T_DMA_START - 2 : 0);
    end else if (state_q == StDelay) begin
      cnt_d = cnt_q - 1'b1;
    end

    if (moving) begin
      ram_d = ram_q + 64'(beat_bytes);
      buf_d = buf_q + 13'(beat_bytes);
      left_d = left_after;
      bleft_d = bleft_after;
    end

    if (decide) begin
      if (e_left == '0 || !master_en_i) begin
        // Nothing to move, or no bus: over at once (zeros instead of RAM).
        done_o = 1'b1;
        state_d = StIdle;
        buf_fill_o = e_left != '0 && !e_to_ram;
      end else begin
        state_d = StReq;
      end
    end

    unique case (state_q)
      StIdle, StDelay: ;
      StReq: begin
        if (!master_en_i) begin
          done_o = 1'b1;
          state_d = StIdle;
          buf_fill_o = !to_ram_q;
        end else if (take_i) begin
          state_d = StBurst;
          bleft_d = burst_n;
        end
      end
      StBurst: begin
        if (end_i) begin
          if (abort_i && bleft_q != '0 && !to_ram_q) begin
            state_d = StOnes;
          end else begin
            if (abort_i) begin
              // Written nowhere: skip the rest of the burst.
              ram_d = ram_q + 64'(bleft_q);
              buf_d = buf_q + 13'(bleft_q);
              left_d = left_after;
              bleft_d = '0;
            end
            if (left_after == '0) begin
              done_o = 1'b1;
              state_d = StIdle;
            end else begin
              state_d = StReq;
            end
          end
        end
      end
      StOnes: begin
        if (bleft_after == '0) begin
          if (left_after == '0) begin
            done_o = 1'b1;
            state_d = StIdle;
          end else begin
            state_d = StReq;
          end
        end
      end
      default: begin
        state_d = StIdle;
      end
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      cnt_q <= '0;
      to_ram_q <= 1'b0;
      ram_q <= '0;
      buf_q <= '0;
      left_q <= '0;
      bleft_q <= '0;
    end else begin
      state_q <= state_d;
      cnt_q <= cnt_d;
      to_ram_q <= to_ram_d;
      ram_q <= ram_d;
      buf_q <= buf_d;
      left_q <= left_d;
      bleft_q <= bleft_d;
    end
  end

  // ---- the bus master's side -----------------------------------------------

  assign want_o = state_q == StReq && master_en_i && !buf_busy_i;
  assign ask_o = state_d == StReq && state_q != StReq;
  assign write_o = to_ram_q;
  assign addr_o = ram_q[63:2];
  assign beats_o = 5'(burst_span >> 2);
  assign be_first_n_o = ~(4'b1111 << lo);
  assign be_last_n_o = ~(4'b1111 >> (2'd3 - last_lane));

  // ---- the buffer's side ---------------------------------------------------
  //
  // Byte lane l of the data phase at RAM address ram_q holds buffer offset
  // buf_q + l - ram_q[1:0]; that offset lives in bank (l + rot) % 4, where
  // rot = (buf_q - ram_q) % 4 stays the same for the whole transfer.

  logic [1:0]  rot;
  logic [12:0] p_buf;             // where the buffer is read for the coming clock
  logic [1:0]  p_lo;
  assign rot = buf_q[1:0] - lo;
  always_comb begin
    if (state_q == StBurst && beat_i && to_ram_q) begin
      // Reading for RAM: fetch the next data phase's bytes.
      p_buf = buf_q + 13'(beat_bytes);
      p_lo = 2'(lo + 2'(beat_bytes));
    end else begin
      p_buf = buf_q;
      p_lo = lo;
    end
  end

  for (genvar b = 0; b < 4; b++) begin : g_lane
    logic [1:0]  lane;            // the byte lane bank b serves
    logic [12:0] off;             // bits 1:0 are b; bit 12 only wraps
    logic        in_beat;
    assign lane = 2'(b) - rot;
    assign off = p_buf + 13'(lane) - 13'(p_lo);
    assign in_beat = 3'(lane) >= 3'(lo) && 3'(lane) < 3'(lo) + beat_bytes;
    assign buf_row_o[10*b +: 10] = off[11:2];
    assign buf_we_o[b] = moving && !to_ram_q && in_beat;
    assign buf_wdata_o[8*b +: 8] = state_q == StOnes ? 8'hff : rdata_i[8*lane +: 8];
    logic [1:0]  bank;            // the bank byte lane b reads from
    assign bank = 2'(b) + rot;
    assign wdata_o[8*b +: 8] = buf_rdata_i[8*bank +: 8];
  end

  assign idle_o = state_q == StIdle && !buf_busy_i;

endmodule

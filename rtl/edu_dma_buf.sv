// The DMA engine's 4 KiB buffer: four byte-wide single-port RAM banks (byte
// offset o lives in bank o % 4, row o / 4), so that any four consecutive
// bytes, aligned or not, are one access; reads are registered.
//
// QEMU's buffer starts as zeros, and a DMA with bus mastering off fills
// its range with zeros at once.  Neither is a RAM operation, so every byte
// has a zero flag: set at reset and by a fill, cleared by a write to the
// byte; a read of a flagged byte returns 0.  A fill sets the flags of
// FillRows rows of every bank per clock, eight clocks for the whole buffer
// (busy_o meanwhile): the DMA engine asks for the bus again only after it,
// which never delays it in practice, as turning bus mastering back on and
// writing a new command take longer.

`default_nettype none

module edu_dma_buf (
  input  logic        clk_i,
  input  logic        rst_ni,

  input  logic [3:0]  we_i,       // per bank
  input  logic [39:0] row_i,      // bank b: bits 10b+9..10b
  input  logic [31:0] wdata_i,    // bank b: bits 8b+7..8b
  output logic [31:0] rdata_o,    // bank b: bits 8b+7..8b, the row of the last clock

  input  logic        fill_i,     // bytes [fill_lo_i, fill_hi_i) read 0 from now on
  input  logic [12:0] fill_lo_i,
  input  logic [12:0] fill_hi_i,
  output logic        busy_o      // a fill is under way
);

  localparam int Rows = 1024;
  localparam int FillRows = 128;
  localparam int Chunks = Rows / FillRows;
  localparam int MaskBits = $clog2(FillRows);   // a row: chunk, then flag within it

  // The fill under way: its range, and the chunk of rows it does next.
  logic        filling_q;
  logic [12:0] lo_q, hi_q;
  logic [2:0]  chunk_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      filling_q <= 1'b0;
      lo_q <= '0;
      hi_q <= '0;
      chunk_q <= '0;
    end else if (fill_i) begin
      filling_q <= 1'b1;
      lo_q <= fill_lo_i;
      hi_q <= fill_hi_i;
      chunk_q <= '0;
    end else if (filling_q) begin
      chunk_q <= chunk_q + 1'b1;
      filling_q <= chunk_q != 3'(Chunks - 1);
    end
  end

  assign busy_o = filling_q;

  // The rows of chunk 'c' in [lo_row, hi_row), as a mask of the chunk.
  function automatic logic [FillRows-1:0] chunk_mask(logic [12:0] lo_row, logic [12:0] hi_row,
                                                     logic [2:0] c);
    logic [12:0] base;
    logic [7:0]  lo, hi;           // within the chunk, 0..FillRows
    logic [FillRows-1:0] below_lo, below_hi;   // rows under lo, under hi
    base = 13'({c, 7'b0});
    lo = lo_row <= base ? 8'd0 : lo_row - base >= 13'(FillRows) ? 8'(FillRows) : 8'(lo_row - base);
    hi = hi_row <= base ? 8'd0 : hi_row - base >= 13'(FillRows) ? 8'(FillRows) : 8'(hi_row - base);
    below_lo = ~({FillRows{1'b1}} << lo);
    below_hi = ~({FillRows{1'b1}} << hi);
    chunk_mask = below_hi & ~below_lo;
  endfunction

  for (genvar b = 0; b < 4; b++) begin : g_bank
    logic [7:0]     mem [Rows];
    logic [7:0]     rdata_q;
    // The zero flags as Chunks words of FillRows flags (row r: word
    // r / FillRows, bit r % FillRows), so that a clock writes one word:
    // the same flip-flops as one Rows-bit vector, but a simulator copies
    // one word per clock, not the whole vector (docs/performance.md).
    logic [FillRows-1:0] zero_q [Chunks];
    logic           zero_rd_q;
    logic [9:0]     row;
    assign row = row_i[10*b +: 10];

    always_ff @(posedge clk_i) begin
      if (we_i[b]) begin
        mem[row] <= wdata_i[8*b +: 8];
      end else begin
        rdata_q <= mem[row];
      end
    end

    // The rows of this bank in the fill: offsets 4r+b in [lo, hi), i.e.
    // rows [lo_row, hi_row).
    logic [12:0] lo_row, hi_row;
    assign lo_row = (lo_q + 13'(3 - b)) >> 2;
    assign hi_row = (hi_q + 13'(3 - b)) >> 2;

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        for (int c = 0; c < Chunks; c++) begin
          zero_q[c] <= '1;
        end
        zero_rd_q <= 1'b1;
      end else begin
        if (filling_q) begin
          zero_q[chunk_q] <= zero_q[chunk_q] | chunk_mask(lo_row, hi_row, chunk_q);
        end else if (we_i[b]) begin
          zero_q[row[9:MaskBits]][row[MaskBits-1:0]] <= 1'b0;
        end
        if (!we_i[b]) begin
          zero_rd_q <= zero_q[row[9:MaskBits]][row[MaskBits-1:0]];
        end
      end
    end

    assign rdata_o[8*b +: 8] = zero_rd_q ? 8'h00 : rdata_q;
  end

endmodule

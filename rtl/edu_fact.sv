// The factorial unit: one 32-bit multiply per EDU_T_FACT_MUL clocks,
// counted exactly as c-model/src/edu.c counts them.
//
// n! = n * (n-1) * ... * 1, wrapping in 32 bits; the unit stops after the
// multiply that makes the product 0 (it cannot change after that), so no
// operand takes more than 34 multiplies.  The operand write's data phase is
// clock d; the unit starts at the edge that ends it (d+1), and finishes
// EDU_T_FACT_SETUP + m * EDU_T_FACT_MUL clocks after d, m the multiplies:
// done_o is high in the clock whose closing edge finishes, with the result
// on result_o (0! = 1 finishes at the start edge itself when
// EDU_T_FACT_SETUP is 1).

`default_nettype none

module edu_fact (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        start_i,    // at the coming edge (only while !busy_o)
  input  logic [31:0] operand_i,
  output logic        busy_o,     // STATUS.COMPUTING
  output logic        done_o,     // finishes at the coming edge
  output logic [31:0] result_o
);

  localparam int WaitW = 8;
  localparam logic [WaitW-1:0] SetupWait = WaitW'(edu_timing_pkg::EDU_T_FACT_SETUP - 1);
  localparam logic [WaitW-1:0] MulWait = WaitW'(edu_timing_pkg::EDU_T_FACT_MUL - 1);

  logic             busy_q;
  logic [31:0]      n_q;
  logic [31:0]      prod_q;
  logic [WaitW-1:0] wait_q;

  logic [31:0] prod_mul;
  logic        step;        // a multiply completes at the coming edge
  logic        zero_done;   // 0! completes at the coming edge
  logic        now_zero;    // 0! with no setup clocks: done at the start edge

  assign prod_mul = prod_q * n_q;
  assign step = busy_q && wait_q == '0 && n_q != '0;
  assign zero_done = busy_q && n_q == '0 && wait_q == WaitW'(1);
  assign now_zero = start_i && operand_i == '0 && SetupWait == '0;

  assign done_o = now_zero || zero_done || (step && (n_q == 32'd1 || prod_mul == '0));
  assign result_o = step ? prod_mul : 32'd1;
  assign busy_o = busy_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
      n_q <= '0;
      prod_q <= '0;
      wait_q <= '0;
    end else if (start_i) begin
      busy_q <= !now_zero;
      n_q <= operand_i;
      prod_q <= 32'd1;
      wait_q <= SetupWait;
    end else if (busy_q) begin
      if (done_o) begin
        busy_q <= 1'b0;
      end
      if (step) begin
        prod_q <= prod_mul;
        n_q <= n_q - 1'b1;
        wait_q <= MulWait;
      end else if (wait_q != '0) begin
        wait_q <= wait_q - 1'b1;
      end
    end
  end

endmodule

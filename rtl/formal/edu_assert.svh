// Assertions for the RTL, after OpenTitan's prim_assert: one macro layer,
// so that Verilator (--assert, the simulation) and Yosys
// (read_verilog -formal, the proofs; `FORMAL is defined) read the same
// property text.
//
//   `EDU_ASSERT(Name_A, clk, rst_n, expr)   the module guarantees expr
//   `EDU_ASSUME(Name_M, clk, rst_n, expr)   the bus around it guarantees expr
//
// Each is an immediate assertion checked at every rising edge of clk while
// rst_n is high, on the values of the clock that edge ends (a rule that
// spans clocks keeps what it needs in a small history register of its
// checker).  Under Verilator a failure (of an assumption too: the harness
// is the bus around the module and must keep the rules it is assumed to
// keep) calls edu_rtl_assert_failed() with the instance and the
// property's name, and the harness fails the operation with -EIO
// (rtl/sim/src/rtl_platform.cpp); Yosys turns them into $assert and
// $assume cells.
`ifndef EDU_ASSERT_SVH
`define EDU_ASSERT_SVH

`ifdef VERILATOR
`define EDU_ASSERT(name_, clk_, rst_n_, expr_) \
  always @(posedge clk_) begin \
    if (rst_n_) begin \
      name_: assert (expr_) else edu_rtl_assert_failed($sformatf("%m"), `"name_`"); \
    end \
  end
`define EDU_ASSUME(name_, clk_, rst_n_, expr_) \
  always @(posedge clk_) begin \
    if (rst_n_) begin \
      name_: assume (expr_) else edu_rtl_assert_failed($sformatf("%m"), `"name_`"); \
    end \
  end
`else
`define EDU_ASSERT(name_, clk_, rst_n_, expr_) \
  always @(posedge clk_) begin \
    if (rst_n_) begin \
      name_: assert (expr_); \
    end \
  end
`define EDU_ASSUME(name_, clk_, rst_n_, expr_) \
  always @(posedge clk_) begin \
    if (rst_n_) begin \
      name_: assume (expr_); \
    end \
  end
`endif

`endif

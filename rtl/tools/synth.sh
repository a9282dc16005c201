#!/usr/bin/env bash
# Synthesizes the edu device with Yosys to a generic gate netlist and
# writes its figures; fails if anything is not synthesizable or a latch
# is inferred.
#
#   synth.sh YOSYS OUT.txt SOURCES...   (packages first, edu_top.sv last)
#
# The flow is Yosys's own 'synth -top edu_top' (the DMA buffer's four
# 1024 x 8 banks become flip-flops, as a generic netlist has no RAM).
set -euo pipefail
yosys=${1:?usage: $0 YOSYS OUT.txt SOURCES...}
out=${2:?usage: $0 YOSYS OUT.txt SOURCES...}
shift 2
log=${out%.txt}.log
"$yosys" -q -l "$log" -p "
read_verilog -sv $*
synth -top edu_top
select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr t:\$_DLATCH_* t:\$_DLATCHSR_*
tee -q -o $out stat
"
# The summary, from the totals of the design hierarchy.
awk '/=== design hierarchy ===/ {total = 1}
     total && /Number of cells/ {cells = $4}
     total && /\$_[A-Z]*DFF[A-Z0-9_]* / {ff += $2}
     END {printf "edu_top: %d cells, %d flip-flops (32768 of them the DMA buffer), no latch\n", cells, ff}' "$out"

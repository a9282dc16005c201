#!/usr/bin/env bash
# Runs one qtest script through `edu-tb qtest` on the cmodel backend and on
# the rtl backend and checks that every answer agrees, the times of
# clock_step included (the views agree clock for clock): DMA with MSI and
# factorial interrupts raised while it runs, unaligned DMA, bus mastering
# turned off halfway, DMA past the end of RAM, configuration accesses that
# run into the next DWORD, to a present and an absent function.
# (Where the views may take different times by design, the lines start
# with '!': their times are not compared, and a clock_set brings both
# views to the same time after them; see docs/rtl.md.)
#
#   qtest_rtl_vs_cmodel.sh EDU_TB
#
# Exit 0: all agree; 1: a difference (each one printed).
set -euo pipefail

tb=${1:?usage: $0 EDU_TB}
work=$(mktemp -d "${TMPDIR:-/tmp}/edu-qtest-rtl.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

# The script; lines starting with # are comments, stripped before sending.
# Every line is followed by 'clock_step 0', which answers the time: so each
# operation's clocks are compared too.
cat >"$work/script.qtest" <<'QTEST'
# BAR0 at 0xfe000000, memory and bus mastering on.
outl 0xcf8 0x80002010
outl 0xcfc 0xfe000000
outl 0xcf8 0x80002004
outw 0xcfc 0x6
# Configuration accesses that run into the next DWORD (QEMU's rule: the
# latch's low bits count), present and absent function.
outl 0xcf8 0x80002001
inl 0xcfc
inw 0xcfe
outl 0xcf8 0x80002803
inl 0xcfc
inw 0xcfe
outl 0xcf8 0x80002051
outw 0xcfe 0xbeef
inl 0xcfc
outl 0xcf8 0x80002050
inl 0xcfc
inl 0xcfc
# MSI to 0x00f00000, data 0x1234, enabled.
outl 0xcf8 0x80002044
outl 0xcfc 0x00f00000
outl 0xcf8 0x8000204c
outw 0xcfc 0x1234
outl 0xcf8 0x80002040
outl 0xcfc 0x00810005
# 4 KiB RAM -> buffer with its interrupt; while it runs, an MSI raised by
# software and a factorial that interrupts at its end.
memset 0x100000 4096 0x5a
write 0x100000 16 0x00112233445566778899aabbccddeeff
writeq 0xfe000080 0x100000
writeq 0xfe000088 0x40000
writeq 0xfe000090 4096
writeq 0xfe000098 5
writel 0xfe000060 2
readl 0xf00000
writel 0xfe000020 0x80
writel 0xfe000008 12
readl 0xfe000098
readl 0xfe000020
readl 0xfe000024
readl 0xfe000098
readl 0xfe000098
clock_step 100000
readl 0xfe000098
readl 0xfe000008
readl 0xfe000024
readl 0xf00000
writel 0xfe000064 0xffffffff
# Buffer + 5 -> RAM + 0x200003, 1001 bytes, polled.
writeq 0xfe000080 0x40005
writeq 0xfe000088 0x200003
writeq 0xfe000090 1001
writeq 0xfe000098 3
readl 0xfe000098
readl 0xfe000098
readl 0xfe000098
clock_step 100000
read 0x200000 32
read 0x2003e0 16
# Past the end of RAM (128 MiB): reads give all ones, writes go nowhere.
writeq 0xfe000080 0x8000000
writeq 0xfe000088 0x40100
writeq 0xfe000090 100
writeq 0xfe000098 1
clock_step 100000
writeq 0xfe000080 0x40100
writeq 0xfe000088 0x300000
writeq 0xfe000090 120
writeq 0xfe000098 3
clock_step 100000
read 0x300000 128
# Bus mastering off while a 4 KiB RAM -> buffer runs: the rest is zeros.
# A burst asked for just before is booked (and moves its data) on the C
# model; the RTL does not start it once the bit is off (PCI's rule).
writeq 0xfe000080 0x100000
writeq 0xfe000088 0x40000
writeq 0xfe000090 4096
writeq 0xfe000098 1
readl 0xfe000098
outl 0xcf8 0x80002004
!outw 0xcfc 0x2
!readl 0xfe000098
clock_set 500000
readl 0xfe000098
outw 0xcfc 0x6
writeq 0xfe000080 0x40000
writeq 0xfe000088 0x400000
writeq 0xfe000090 4096
writeq 0xfe000098 3
readl 0xfe000098
clock_step 100000
read 0x400000 64
read 0x400fc0 64
# dma_mask (2^28 - 1) clamps 0x10100000 to 0x100000.
writeq 0xfe000080 0x10100000
writeq 0xfe000088 0x40000
writeq 0xfe000090 64
writeq 0xfe000098 1
clock_step 10000
writeq 0xfe000080 0x40000
writeq 0xfe000088 0x500000
writeq 0xfe000090 64
writeq 0xfe000098 3
clock_step 10000
read 0x500000 64
readl 0xfe000024
QTEST

grep -v '^#' "$work/script.qtest" |
    awk '/^!/ {print substr($0, 2); next} {print; print "clock_step 0"}' \
    >"$work/in.qtest"
for b in cmodel rtl; do
    "$tb" qtest --backend "$b" --quiet <"$work/in.qtest" >"$work/$b.out"
done
if ! paste -d '|' "$work/in.qtest" "$work/cmodel.out" "$work/rtl.out" |
    awk -F'|' '$2 != $3 {print "line " NR ": " $1 ": cmodel " $2 ", rtl " $3;
                         bad = 1}
               END {exit bad}'; then
    echo "FAIL: the rtl and cmodel answers differ"
    exit 1
fi
echo "ok: $(grep -c . "$work/in.qtest") answers equal"

#!/usr/bin/env bash
# The pictures of docs/rtl.md: one qtest script on the rtl backend with
# --vcd, then GTKWave (waves/edu.gtkw, each window of time in turn) under
# xvfb, one screenshot per kind of transaction.
#
#   scripts/rtl_waves.sh EDU_TB OUTDIR
#
# Needs gtkwave, Xvfb, xwd and ImageMagick's convert (docs/waves.md).
# Writes OUTDIR/rtl-waves.vcd and OUTDIR/rtl-*.png.
set -euo pipefail
tb=${1:?usage: $0 EDU_TB OUTDIR}
out=${2:?usage: $0 EDU_TB OUTDIR}
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/rtl-waves.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Each "clock_step 0" answers the time: the start of the next window.
cat >"$work/script.qtest" <<'QTEST'
clock_step 0
outl 0xcf8 0x80002000
inl 0xcfc
outl 0xcf8 0x80002010
outl 0xcfc 0xfe000000
outl 0xcf8 0x80002004
outw 0xcfc 0x6
readl 0xfe000000
writel 0xfe000004 0x12345678
clock_step 0
readq 0xfe000080
writeq 0xfe000088 0x40000
outl 0xcf8 0x80002800
inl 0xcfc
clock_step 0
outl 0xcf8 0x80002044
outl 0xcfc 0x00f00000
outl 0xcf8 0x8000204c
outw 0xcfc 0x1234
outl 0xcf8 0x80002040
outl 0xcfc 0x00810005
write 0x100000 16 0x00112233445566778899aabbccddeeff
writeq 0xfe000080 0x100000
writeq 0xfe000090 64
clock_step 0
writeq 0xfe000098 5
readl 0xfe000098
clock_step 0
readl 0xfe000098
readl 0xfe000098
writeq 0xfe000080 0x40000
writeq 0xfe000088 0x200000
writeq 0xfe000090 64
clock_step 0
writeq 0xfe000098 7
readl 0xfe000098
clock_step 0
readl 0xfe000098
readl 0xfe000098
clock_step 0
clock_step 3000
QTEST
"$tb" qtest --backend rtl --quiet --vcd "$out/rtl-waves.vcd" \
    <"$work/script.qtest" >"$work/answers"
mapfile -t t < <(grep -o '^OK [0-9]*$' "$work/answers" | awk 'NR == 1 || $2 != last {print $2} {last = $2}')

# One screenshot of waves/edu.gtkw from 'start' ns on: a private X server
# and GTKWave, both stopped by their process ids.
shot() {
    local name=$1 start=$2 zoom=$3
    local xpid gpid
    sed -e "s/^\[timestart\].*/[timestart] $start/" \
        -e "s/^\*-[0-9.]* [0-9]* /*$zoom -1 /" \
        "$top/waves/edu.gtkw" >"$work/$name.gtkw"
    Xvfb :97 -screen 0 1600x900x24 -nolisten tcp >/dev/null 2>&1 &
    xpid=$!
    sleep 1
    DISPLAY=:97 gtkwave "$out/rtl-waves.vcd" "$work/$name.gtkw" \
        >/dev/null 2>&1 &
    gpid=$!
    sleep 5
    xwd -root -display :97 | convert xwd:- -crop 1600x700+0+0 \
        "$out/rtl-$name.png"
    kill "$gpid" "$xpid" 2>/dev/null || true
    wait "$gpid" "$xpid" 2>/dev/null || true
}
# name, start (ns), GTKWave's zoom (about 750 ns or 1500 ns across)
shot config-bar "${t[0]}" -7.0
shot burst-abort "${t[1]}" -7.0
shot dma-read "${t[3]}" -8.0
shot dma-write "${t[5]}" -8.0
echo "wrote $out/rtl-{config-bar,burst-abort,dma-read,dma-write}.png"

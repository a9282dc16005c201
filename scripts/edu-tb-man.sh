#!/usr/bin/env bash
# Writes the edu-tb(1) man page from the program's own --help and
# --version (help2man), with one section per command from that command's
# --help: the page and the program cannot drift apart.
#   scripts/edu-tb-man.sh EDU_TB OUT.1
set -euo pipefail
tb=$1
out=$2
command -v help2man >/dev/null || {
    echo "edu-tb-man: help2man is not installed (scripts/deps.sh build)" >&2
    exit 1
}
include=$(mktemp)
trap 'rm -f "$include"' EXIT

# roff: a backslash doubled, a line's leading dot or quote escaped.
roff() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }

{
    echo "[COMMANDS]"
    "$tb" --help | sed -n '/^commands:/,/^$/p' | awk 'NR > 1 && NF {print $1}' |
        while read -r cmd; do
            [ "$cmd" = help ] && continue
            echo ".SS \"edu-tb $cmd\""
            echo ".nf"
            "$tb" "$cmd" --help | roff
            echo ".fi"
        done
    echo "[FILES]"
    echo ".TP"
    echo ".I share/edu-cosim/waves/edu.gtkw"
    echo "The GTKWave layout for the waveforms of every view."
    echo "[SEE ALSO]"
    echo ".BR edu-cosim (7),"
    echo ".BR gtkwave (1),"
    echo ".BR qemu-system-x86_64 (1)"
} >"$include"
help2man --no-info --section=1 \
    --name="the edu-cosim testbench: QEMU's edu PCI device on every view" \
    --include="$include" --output="$out" "$tb"

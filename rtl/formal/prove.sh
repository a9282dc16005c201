#!/usr/bin/env bash
# Proves the PCI rules of one bus agent with Yosys (docs/rtl.md,
# "Assertions and proofs").
#
#   prove.sh YOSYS TOP MODE EXPECT LOG TIMING_PKG SOURCES...
#
# TOP     the formal wrapper (edu_pci_target_fv, edu_pci_master_fv)
# MODE    induct:K   temporal induction, at most K steps (sat -tempinduct)
#         bmc:N      bounded: every assertion holds for N clocks from reset
# EXPECT  pass, or fail:Name_A:PKG_EDIT: the broken variant; the timing
#         package is edited with the sed expression PKG_EDIT (e.g. DEVSEL#
#         one clock late), every assertion but Name_A dropped, and the
#         proof of Name_A must fail; fail:Name_A:EDIT@FILE edits (a copy
#         of) the source FILE (a base name among SOURCES) instead
# The first clock is in reset; the bus is free but for the checker's
# assumptions.
set -euo pipefail
usage="usage: $0 YOSYS TOP induct:K|bmc:N pass|fail:NAME:SED LOG TIMING_PKG SOURCES..."
yosys=${1:?$usage}
top=${2:?$usage}
mode=${3:?$usage}
expect=${4:?$usage}
log=${5:?$usage}
pkg=${6:?$usage}
shift 6
here=$(cd "$(dirname "$0")" && pwd)

keep=""
sources=("$@")
if [[ $expect == fail:* ]]; then
    IFS=: read -r _ name edit <<<"$expect"
    file=""
    if [[ $edit == *@* ]]; then
        file=${edit##*@}
        edit=${edit%@*}
    fi
    orig=$pkg
    if [[ -n $file ]]; then
        orig=""
        for i in "${!sources[@]}"; do
            if [[ $(basename "${sources[$i]}") == "$file" ]]; then
                orig=${sources[$i]}
                idx=$i
            fi
        done
        if [[ -z $orig ]]; then
            echo "$file is not among the sources" >&2
            exit 2
        fi
    fi
    broken=${log%.log}_$(basename "$orig")
    sed -e "$edit" "$orig" >"$broken"
    if cmp -s "$orig" "$broken"; then
        echo "the edit '$edit' does not change $orig" >&2
        exit 2
    fi
    if [[ -n $file ]]; then
        sources[idx]=$broken
    else
        pkg=$broken
    fi
    keep="delete t:\$assert n:*$name %d"
fi

case $mode in
induct:*) sat="sat -tempinduct -maxsteps ${mode#induct:}" ;;
bmc:*) sat="sat -seq ${mode#bmc:}" ;;
*) echo "$usage" >&2; exit 2 ;;
esac

start=$(date +%s)
set +e
"$yosys" -q -l "$log" -p "
read_verilog -sv -formal -I$here $pkg ${sources[*]}
prep -flatten -top $top
async2sync
$keep
select -assert-min 1 t:\$assert
$sat -prove-asserts -set-assumes -set-at 1 rst_ni 0 -verify -show-ports
" >/dev/null 2>&1
rc=$?
set -e
secs=$(($(date +%s) - start))

if [[ $expect == pass ]]; then
    if [[ $rc -ne 0 ]]; then
        grep -E "ERROR|failed|Assert" "$log" | tail -20 >&2
        echo "$top: $mode FAILED (${secs}s; log $log)" >&2
        exit 1
    fi
    steps=$(grep -o "Trying induction with length [0-9]*" "$log" | tail -n 1 |
            awk '{print $NF}')
    echo "$top: every assertion proven ($mode${steps:+, closed at length $steps}, ${secs}s)"
else
    if [[ $rc -eq 0 ]]; then
        echo "$top: the broken variant ($edit) still proves $name" >&2
        exit 1
    fi
    if ! grep -q "proof did fail" "$log"; then
        grep ERROR "$log" >&2 || true
        echo "$top: yosys failed for another reason (log $log)" >&2
        exit 1
    fi
    echo "$top: with '$edit', $name fails as it must (${secs}s)"
fi

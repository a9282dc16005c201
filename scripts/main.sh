#!/usr/bin/env bash
# The main job: install what is missing, build, compare every view with
# QEMU's own edu (directed scenarios, then random streams), compare the
# three simulated views clock for clock, write waveforms of each view, and
# boot a Linux guest whose driver runs on the C model and on the RTL; end
# with a short run of every benchmark (bench/run-all --quick).
# Both comparisons record functional coverage into one file
# (build/release/coverage.cov, docs/coverage.md); the second also aims its
# random streams at the bins still empty (--until-covered, at most 200
# streams), and the job prints the figure.
#   scripts/main.sh [edu-tb compare options, e.g. --seed 7 --seeds 50]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh" run
# Release with link-time optimisation, as the release preset: the
# benchmark table at the end is measured on this build.
"$top/scripts/build.sh" "$top/build/release" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON -DEDU_TESTS=OFF
tb="$top/build/release/testbench/edu-tb"
cov="$top/build/release/coverage.cov"
cd "$top"
rm -f "$cov"

echo "== compare: the views against QEMU's edu (values)"
"$tb" compare --backends qemu,cmodel,tlm,rtl --coverage "$cov" \
    --replay "$top/waves/replay-qemu.qtest" "$@"

echo "== compare: C model, TLM and RTL clock for clock (--timing)"
"$tb" compare --backends cmodel,tlm,rtl --timing --coverage "$cov" \
    --replay "$top/waves/replay-timing.qtest" "$@"
echo "== ... and random streams aimed at the bins not hit yet"
"$tb" compare --backends cmodel,tlm,rtl --timing --coverage "$cov" \
    --no-scenarios --until-covered --seed 1000 --seeds 200 \
    --replay "$top/waves/replay-covered.qtest"

echo "== functional coverage ($cov)"
"$tb" cover report "$cov" --html "$top/build/release/coverage.html" |
    sed -n '/^all /p;/^holes/,$p'

echo "== waveforms of three scenarios on each view (waves/VIEW-SCENARIO.vcd)"
for view in cmodel tlm rtl; do
    "$tb" run --backend "$view" --quiet --vcd "$top/waves/$view.vcd" \
        enumerate-and-probe fact-msi dma-from-device-intx
done
echo "open one with: gtkwave waves/rtl-fact-msi.vcd waves/edu.gtkw"

echo "== a Linux guest drives the C model and the RTL (edu-tb guest)"
"$top/scripts/guest-image.sh" "$top/build/release/guest"
for view in cmodel rtl; do
    log="$top/build/release/guest/main-$view.log"
    if "$tb" guest --backend "$view" --quiet >"$log" 2>&1; then
        echo "$view: $(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" |
            tail -1); $(grep -m1 'handler calls' "$log" | sed 's/^INFO //')"
    else
        tail -30 "$log"
        echo "$view: the guest test FAILED (console in $log)"
        exit 1
    fi
done

echo "== benchmarks: one short run, one table (bench/run-all; docs/performance.md)"
# Figures, not a verdict: a MISSED target does not fail the job (the
# machine may be loaded), a benchmark that fails does.
rc=0
"$top/bench/run-all" --quick "$top/build/release/bench" || rc=$?
if [ "$rc" -ne 0 ] && { [ "$rc" -ne 1 ] ||
    grep -q '"failed": \["' "$top/build/release/bench/run-all.json"; }; then
    echo "benchmarks: a bench program FAILED"
    exit 1
fi

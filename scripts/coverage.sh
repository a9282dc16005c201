#!/usr/bin/env bash
# Code and functional coverage, one report: build/coverage/report/index.html
# (docs/coverage.md).  Builds the coverage preset (gcov for the C model and
# the testbench, the device verilated with --coverage), runs the regression
# (the unit tests, every scenario on every simulated view, the random
# streams of the main job, QEMU's edu when installed, the streams aimed at
# the bins still empty), then reports:
#   functional bins         edu-tb cover report        target 100 %
#   C model lines, branches lcov/genhtml (c-model/src) target >= 95 % lines
#   RTL lines, toggles      verilator_coverage         target >= 90 % each
#                           (the device, rtl/edu_*.sv; not the harness)
#   scripts/coverage.sh [--seed N]   (the random streams' first seed, 1)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
seed=1
if [ "${1:-}" = --seed ]; then
    seed=$2
fi
"$top/scripts/deps.sh" coverage

dir=$top/build/coverage
out=$dir/report
cd "$top"
cmake --preset coverage -DEDU_WERROR=OFF >/dev/null
units=(test_pci_cfg test_host_bridge test_edu_regs test_factorial test_dma
    test_interrupts test_platform test_vcd test_cover test_lockstep)
cmake --build "$dir" -j"${EDU_JOBS:-2}" --target edu-tb "${units[@]}"
tb=$dir/testbench/edu-tb

rm -rf "$out"
mkdir -p "$out/rtl-dat"
export EDU_RTL_COVERAGE_DIR=$out/rtl-dat
find "$dir" -name '*.gcda' -delete
cov=$out/functional.cov

echo "== unit tests"
for t in "${units[@]}"; do
    "$dir/tests/unit/$t" >/dev/null
done
echo "== every scenario on every simulated view"
for view in cmodel tlm rtl rtl-stress; do
    "$tb" run --backend "$view" --quiet --coverage "$cov" | tail -1
done
echo "== random streams: the simulated views clock for clock, then rtl-stress"
"$tb" compare --backends cmodel,tlm,rtl --timing --no-scenarios \
    --seed "$seed" --coverage "$cov" --replay "$out/replay.qtest" | tail -1
"$tb" compare --backends cmodel,rtl-stress --no-scenarios --seed "$seed" \
    --coverage "$cov" --replay "$out/replay.qtest" | tail -1
if command -v "${EDU_QEMU:-qemu-system-x86_64}" >/dev/null; then
    echo "== QEMU's edu, the reference"
    "$tb" compare --backends qemu,cmodel,rtl --seed "$seed" \
        --coverage "$cov" --replay "$out/replay.qtest" | tail -1
fi
echo "== random streams aimed at the bins not hit yet"
"$tb" compare --backends cmodel,tlm,rtl --timing --no-scenarios \
    --until-covered --seed $((seed + 1000)) --seeds 200 --coverage "$cov" \
    --replay "$out/replay.qtest" | tail -1

echo "== report"
"$tb" cover report "$cov" --html "$out/functional.html" >"$out/functional.txt"

# C model: lines and branches of c-model/src.
lcov_opts=(--quiet --rc lcov_branch_coverage=1)
lcov "${lcov_opts[@]}" --capture --directory "$dir" --output-file \
    "$out/all.info" 2>/dev/null
lcov "${lcov_opts[@]}" --extract "$out/all.info" "$top/c-model/src/*" \
    --output-file "$out/c-model.info"
genhtml "${lcov_opts[@]}" --branch-coverage --title "edu-cosim C model" \
    --output-directory "$out/c-model" "$out/c-model.info" >/dev/null

# RTL: the device's points, merged over every platform the runs built.
verilator_coverage --write "$out/rtl.dat" "$out"/rtl-dat/*.dat
verilator_coverage --write-info "$out/rtl-all.info" "$out/rtl.dat"
lcov --quiet --extract "$out/rtl-all.info" "*/rtl/edu_*.sv" \
    --output-file "$out/rtl.info"
genhtml --quiet --title "edu-cosim RTL (device)" \
    --output-directory "$out/rtl" "$out/rtl.info" >/dev/null
# Lines (line and branch points) and toggles of the device's files, and
# the points never hit, from the merged data: its records are
# C '<\001key\002value...>' COUNT, keys f (file), l (line), n (column),
# page (type), o (signal or text), h (instance).  A point counts as hit
# when any instance hit it (edu1 exists only on two-device platforms).
awk -v out="$out/rtl-holes.txt" '
    /^C / {
        count = $NF
        rec = $0
        sub(/^C \047/, "", rec)
        sub(/\047 [0-9]+$/, "", rec)
        n = split(rec, kv, "\001")
        file = ""; line = ""; col = ""; page = ""; what = ""
        for (i = 1; i <= n; i++) {
            split(kv[i], p, "\002")
            if (p[1] == "f") file = p[2]
            if (p[1] == "l") line = p[2]
            if (p[1] == "n") col = p[2]
            if (p[1] == "page") page = p[2]
            if (p[1] == "o") what = p[2]
        }
        if (file !~ /(^|\/)rtl\/edu_[a-z_]*\.sv$/) next
        sub(/^.*\/rtl\//, "rtl/", file)
        key = file ":" line ":" col " " page " " what
        if (!(key in seen)) { seen[key] = 0; order[++keys] = key }
        if (count + 0 > seen[key]) seen[key] = count + 0
    }
    END {
        for (k = 1; k <= keys; k++) {
            key = order[k]
            kind = key ~ / v_toggle\// ? "toggle" : "line"
            all[kind]++
            if (seen[key] > 0) hit[kind]++
            else print key > out
        }
        printf "rtl_line %d %d\nrtl_toggle %d %d\n", hit["line"], \
            all["line"], hit["toggle"], all["toggle"]
    }' "$out/rtl.dat" >"$out/rtl-figures.txt"

fig() { awk -v k="$1" '$1 == k { printf "%.1f", $2 ? 100 * $2 / $3 : 0 }' \
    "$out/rtl-figures.txt"; }
func_pct=$(awk '$1 == "all" { sub(/%/, "", $4); print $4 }' \
    "$out/functional.txt")
read -r c_lines c_branches < <(lcov --rc lcov_branch_coverage=1 --summary \
    "$out/c-model.info" 2>&1 | awk '/lines/ { l = $2 } /branches/ { b = $2 }
    END { sub(/%/, "", l); sub(/%/, "", b); print l, b }')
rtl_line=$(fig rtl_line)
rtl_toggle=$(fig rtl_toggle)
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v + 0 >= t) ? "met" : "MISSED" }'; }

{
    echo "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
    echo "<title>edu-cosim coverage</title><style>body{font-family:sans-serif}"
    echo "td,th{border:1px solid #999;padding:2px 8px}table{border-collapse:collapse}"
    echo "</style></head><body><h1>edu-cosim coverage</h1>"
    echo "<p>$(date -u '+%Y-%m-%d %H:%M UTC'), seed $seed; docs/coverage.md says what each figure counts.</p>"
    echo "<table><tr><th>what</th><th>figure</th><th>target</th><th></th><th>details</th></tr>"
    echo "<tr><td>functional bins</td><td>$func_pct %</td><td>100 %</td><td>$(verdict "$func_pct" 100)</td><td><a href=\"functional.html\">bins</a></td></tr>"
    echo "<tr><td>C model lines</td><td>$c_lines %</td><td>95 %</td><td>$(verdict "$c_lines" 95)</td><td><a href=\"c-model/index.html\">genhtml</a></td></tr>"
    echo "<tr><td>C model branches</td><td>$c_branches %</td><td>-</td><td></td><td><a href=\"c-model/index.html\">genhtml</a></td></tr>"
    echo "<tr><td>RTL lines (device)</td><td>$rtl_line %</td><td>90 %</td><td>$(verdict "$rtl_line" 90)</td><td><a href=\"rtl/index.html\">genhtml</a></td></tr>"
    echo "<tr><td>RTL toggles (device)</td><td>$rtl_toggle %</td><td>90 %</td><td>$(verdict "$rtl_toggle" 90)</td><td><a href=\"rtl-holes.txt\">points not hit</a></td></tr>"
    echo "</table>"
    echo "<h2>What is not hit, and why (docs/coverage.md)</h2><pre>"
    sed -n '/^## The figures, and what is not hit/,/^## /p' \
        "$top/docs/coverage.md" | sed '1d;$d' |
        sed 's/&/\&amp;/g; s/</\&lt;/g'
    echo "</pre>"
    echo "<h2>Functional bins</h2><pre>"
    sed 's/&/\&amp;/g; s/</\&lt;/g' "$out/functional.txt"
    echo "</pre></body></html>"
} >"$out/index.html"

echo "functional bins   $func_pct %   (target 100 %)"
echo "C model lines     $c_lines %   (target 95 %), branches $c_branches %"
echo "RTL device lines  $rtl_line %   (target 90 %)"
echo "RTL device toggles $rtl_toggle %   (target 90 %)"
echo "report: $out/index.html"

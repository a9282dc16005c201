#!/usr/bin/env bash
# The main job: install what is missing, build, compare the views with QEMU's
# own edu (directed scenarios, then random streams), and write waveforms.
#   scripts/main.sh [edu-tb compare options, e.g. --seed 7 --seeds 50]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh" run
"$top/scripts/build.sh" "$top/build/release" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON -DEDU_TESTS=OFF
tb="$top/build/release/testbench/edu-tb"
cd "$top"

echo "== compare: every view against QEMU's edu"
"$tb" compare --backends cmodel,qemu --replay "$top/waves/replay.qtest" "$@"

echo "== waveforms of three scenarios (C model)"
"$tb" run --backend cmodel --quiet --vcd "$top/waves/cmodel.vcd" \
    enumerate-and-probe fact-msi dma-from-device-intx
echo "open one with: gtkwave waves/cmodel-fact-msi.vcd waves/edu.gtkw"

#!/usr/bin/env bash
# The main job: install what is missing, build, run the demo of the C model.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh" run
"$top/scripts/build.sh" "$top/build/release" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON \
    -DEDU_TESTS=OFF
cd "$top"
./build/release/testbench/edu-demo --vcd waves/demo.vcd "$@"

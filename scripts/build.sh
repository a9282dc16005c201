#!/usr/bin/env bash
# Configures and builds one tree: scripts/build.sh DIR [cmake options...]
# Warnings are errors in CI (CI=true), as in the presets.
set -euo pipefail
dir=$1
shift
top=$(cd "$(dirname "$0")/.." && pwd)
werror=OFF
[ "${CI:-}" = true ] && werror=ON
cmake -S "$top" -B "$dir" -DEDU_WERROR="$werror" "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"

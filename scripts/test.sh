#!/usr/bin/env bash
# The test job: install what is missing, build, run every test.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh" test
"$top/scripts/build.sh" "$top/build/test" -DCMAKE_BUILD_TYPE=RelWithDebInfo
ctest --test-dir "$top/build/test" --output-on-failure -j"$(nproc)" "$@"

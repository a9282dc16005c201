#!/usr/bin/env bash
# The test job: install what is missing, then the stages below, in order;
# the first that fails stops the job.  Each prints a header line and its
# duration.  Options go to the first stage's ctest (e.g. -L unit).
#   build    build, and every test (ctest)
#   asan     the unit and compare tests under address + undefined sanitizers
#   valgrind the C model's unit tests under valgrind
#   fuzz     each fuzz target for EDU_FUZZ_SECONDS (60) in a clang tree
#   tidy     clang-tidy over c-model/ and testbench/: no finding
# docs/robustness.md says how to run each by hand.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
werror=OFF
[ "${CI:-}" = true ] && werror=ON

"$top/scripts/deps.sh" test

job_start=$SECONDS
stage_name=
stage_start=0
stage() {
    stage_end
    stage_name=$1
    stage_start=$SECONDS
    echo "== stage $1: $2"
}
stage_end() {
    if [ -n "$stage_name" ]; then
        echo "== stage $stage_name: $((SECONDS - stage_start)) s"
    fi
    stage_name=
}
trap '[ -n "$stage_name" ] && echo "== stage $stage_name FAILED after $((SECONDS - stage_start)) s" >&2' EXIT

# A stage's tool: missing is a failure, never a stage skipped.
need() {
    local tool
    for tool in "$@"; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "test: stage $stage_name needs $tool, which is not" \
                "installed (scripts/deps.sh test installs it)" >&2
            exit 1
        fi
    done
}

# The executables (targets) of build tree $1 that the tests with labels
# matching $2 run, as the command or as an argument of a script (ctest
# names those not built yet "Could not find").
test_targets() {
    comm -12 \
        <(ctest --test-dir "$1" -N -V -L "$2" |
            sed -n -e 's/^[0-9]*: Test command: //p' \
                -e 's/^Could not find executable //p' | tr -d '"' |
            tr ' ' '\n' | grep "^$1/" | xargs -r -n1 basename | sort -u) \
        <(cmake --build "$1" --target help | sed -n 's/^\.\.\. //p' | sort -u)
}

# Builds in tree $1 only what the tests with labels matching $2 run.
build_test_targets() {
    local targets
    mapfile -t targets < <(test_targets "$1" "$2")
    if [ "${#targets[@]}" -eq 0 ]; then
        echo "test: no test program found for labels '$2' in $1" >&2
        exit 1
    fi
    cmake --build "$1" -j"$jobs" --target "${targets[@]}"
}

stage build "build, and every test"
"$top/scripts/build.sh" "$top/build/test" -DCMAKE_BUILD_TYPE=RelWithDebInfo
ctest --test-dir "$top/build/test" --output-on-failure -j"$jobs" "$@"

stage asan "unit and compare tests, address + undefined sanitizers (preset asan)"
need "${EDU_QEMU:-qemu-system-x86_64}"
# The C code (C model, testbench, unit tests) sanitized; the C++ of the
# other views (SystemC bridge, Verilated RTL) linked in plain: ASan and
# UBSan on the generated Verilated model took over 12 minutes a file.
(cd "$top" && cmake --preset asan -DEDU_WERROR="$werror" \
    -DCMAKE_CXX_FLAGS=-fno-omit-frame-pointer >/dev/null)
asan_dir=$top/build/asan
# Only what those tests run: neither the benchmarks nor the other views'
# own tests are built here.
build_test_targets "$asan_dir" 'unit|compare'
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir "$asan_dir" --output-on-failure -j"$jobs" -L 'unit|compare'

stage valgrind "the C model's unit tests under valgrind"
need valgrind nm
# The unit test programs that link only the C model: no testbench
# (backend_list) and no C++ (SystemC, Verilator) in them.
n=0
log=$top/build/test/valgrind.log
for prog in "$top"/build/test/tests/unit/test_*; do
    [ -x "$prog" ] || continue
    if nm "$prog" | grep -E ' T backend_list$| _ZN' >/dev/null; then
        continue
    fi
    if ! valgrind -q --error-exitcode=1 --leak-check=full "$prog" \
        >"$log" 2>&1; then
        cat "$log"
        echo "test: valgrind found errors in $(basename "$prog")" >&2
        exit 1
    fi
    echo "valgrind: $(basename "$prog") clean"
    n=$((n + 1))
done
if [ "$n" -eq 0 ]; then
    echo "test: no C-model unit test found for valgrind" >&2
    exit 1
fi

stage fuzz "libFuzzer targets, ${EDU_FUZZ_SECONDS:-60} s each (clang tree)"
need clang clang++
fuzz_dir=$top/build/fuzz
CC=clang CXX=clang++ cmake -S "$top" -B "$fuzz_dir" -DEDU_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEDU_WERROR="$werror" \
    -DEDU_FUZZ_SECONDS="${EDU_FUZZ_SECONDS:-60}" >/dev/null
build_test_targets "$fuzz_dir" fuzz
ctest --test-dir "$fuzz_dir" --output-on-failure -j"$jobs" -L fuzz
# libFuzzer's -print_final_stats, per target.
awk '/^[0-9]+\/[0-9]+ Test: / { name = $3 }
     /^stat::(number_of_executed_units|average_exec_per_sec|new_units_added):/ {
         print "fuzz: " name " " $0 }' \
    "$fuzz_dir/Testing/Temporary/LastTest.log"

stage tidy "clang-tidy over c-model/ and testbench/ (.clang-tidy)"
need run-clang-tidy-14 clang-tidy-14
if [ ! -f "$top/.clang-tidy" ]; then
    echo "test: no .clang-tidy at $top: the checks would be clang's defaults" >&2
    exit 1
fi
# Every finding is an error (WarningsAsErrors); run-clang-tidy fails then.
(cd "$top" && run-clang-tidy-14 -p "$top/build/test" -quiet -j "$jobs" \
    'c-model/src/.*\.c$|testbench/.*\.c$')

stage_end
echo "== all stages passed in $((SECONDS - job_start)) s"

#!/bin/sh
# One libFuzzer run, as ctest -L fuzz runs it in the fuzz tree.
#   run-fuzz.sh TARGET SECONDS WORKDIR CORPUS
# The fuzzer's progress (a line per new input) goes to WORKDIR/log, not to
# the test's output.  What is printed: libFuzzer's final figures or, when
# the run fails, its report and every input it saved (crash-, leak-,
# timeout-, oom-) in base64, so that the test's output alone reproduces it:
#   base64 -d > crash <<< '...'; TARGET crash
# fuzz_lockstep prints, besides, the operation stream up to the divergence
# as a qtest script (edu-tb qtest --backend NAME < it), shown whole.
# New inputs go to WORKDIR/found.
set -u
[ $# -eq 4 ] || {
    echo "usage: run-fuzz.sh TARGET SECONDS WORKDIR CORPUS" >&2
    exit 2
}
target=$1 seconds=$2 work=$3 corpus=$4
log=$work/log

rm -rf "$work/artifacts"
mkdir -p "$work/found" "$work/artifacts" || exit 1
"$target" -max_total_time="$seconds" -seed=1 -timeout=30 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
    "$work/found" "$corpus" >"$log" 2>&1
status=$?

if [ "$status" -eq 0 ]; then
    grep '^stat::' "$log"
    exit 0
fi
if grep -q '^fuzz_lockstep: ' "$log"; then
    # A divergence or a view's failure: what differed and the whole
    # stream as qtest lines, then libFuzzer's report.
    echo "$(basename "$target"): exit status $status; from $log:"
    sed -n '/^fuzz_lockstep: /,$p' "$log"
else
    echo "$(basename "$target"): exit status $status; the end of $log:"
    tail -n 60 "$log"
fi
for input in "$work"/artifacts/*; do
    [ -f "$input" ] || continue
    echo "input $(basename "$input"), $(wc -c <"$input") bytes, base64:"
    base64 -w 0 "$input"
    echo
done
exit "$status"

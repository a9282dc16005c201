#!/usr/bin/env bash
# Every bench program answers --help with its usage (exit 0) and names a
# bad argument on stderr (exit 2) before it measures anything.  Times
# nothing: no case here starts a measurement.
#
#   bench_cli.sh BENCH-PROGRAM...
#   bench_cli.sh --run-all RUN-ALL
set -uo pipefail
[ $# -gt 0 ] || { echo "usage: $0 BENCH-PROGRAM..." >&2; exit 2; }

out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
cases=0
failed=0

# check STATUS STREAM TEXT PROGRAM ARGS...: PROGRAM ARGS exits with STATUS
# and its STREAM (out or err) contains TEXT; the other stream is empty.
check() {
    local want=$1 stream=$2 text=$3 prog=$4
    shift 4
    local rc why= other
    cases=$((cases + 1))
    timeout 20 "$prog" "$@" >"$out" 2>"$err" </dev/null
    rc=$?
    if [ "$stream" = out ]; then other=$err; else other=$out; fi
    if [ "$rc" -ne "$want" ]; then
        why="exit status $rc, not $want"
    elif ! grep -qF -- "$text" "${!stream}"; then
        why="std$stream does not say '$text'"
    elif [ -s "$other" ]; then
        why="unexpected output: $(head -c 200 "$other")"
    fi
    if [ -n "$why" ]; then
        failed=$((failed + 1))
        echo "FAIL: $(basename "$prog") $*: $why"
    fi
}

if [ "$1" = --run-all ]; then
    # bench/run-all: its help, a bad option, a missing folder.
    prog=$2
    check 0 out "usage: " "$prog" --help
    check 2 err "run-all: unknown option '--frob'" "$prog" --frob
    check 2 err "run-all: --json needs a FILE" "$prog" --json
    check 2 err "run-all: no folder /nonexistent" "$prog" /nonexistent
    check 2 err "run-all: unexpected argument 'y'" "$prog" /nonexistent y
    echo "bench_cli: $cases cases, $((cases - failed)) answered as they should"
    [ "$failed" -eq 0 ]
    exit
fi

for prog in "$@"; do
    name=$(basename "$prog")
    check 0 out "usage: $name" "$prog" --help
    check 0 out "usage: $name" "$prog" -h
    check 2 err "$name: unknown option '--frob' (see $name --help)" \
        "$prog" --frob
    check 2 err "$name: unknown option '-x'" "$prog" -x
    # The table convention (docs/performance.md).
    check 0 out "--table FILE" "$prog" --help
    check 2 err "$name: --table needs a FILE" "$prog" --table
    check 2 err "$name: --table needs a FILE" "$prog" --table ""
    case $name in
    bench-rtl)
        check 2 err "CLOCKS 'abc' is not a number" "$prog" abc
        check 2 err "CLOCKS '10' is not a number" "$prog" 10
        check 2 err "unexpected argument 'y'" "$prog" 5000000 y
        ;;
    bench-guest)
        check 2 err "bench-guest: unexpected argument 'extra'" "$prog" extra
        check 2 err "--reads 'abc' is not a number" "$prog" --reads abc
        check 2 err "--repeat 10: at most 9" "$prog" --repeat 10
        ;;
    bench-qtest | bench-compare)
        check 2 err "EDU_TB '/nonexistent' is not an executable" \
            "$prog" /nonexistent
        check 2 err "unexpected argument 'y'" "$prog" /nonexistent y
        ;;
    *)
        check 2 err "$name: unexpected argument 'extra'" "$prog" extra
        ;;
    esac
done
echo "bench_cli: $cases cases, $((cases - failed)) answered as they should"
[ "$failed" -eq 0 ]

#!/bin/sh
# edu-tb regress here, two shards at a time (-j 2):
# - a planted failure: cmodel against rtl-stress with --timing diverges
#   on purpose (rtl-stress's clocks are not the C model's; docs/edu-tb.md),
#   and of the seeds 9..16 with 30 operations only seed 15 does.  The
#   shard with seed 15 fails, its replay is kept and replays without a
#   FAIL, its again: command gives the same divergence, regress exits 1,
#   and the merged JUnit and summary say 1 failure among 8 cases;
# - seeds 16..21 all pass: exit 0, no replay, no failure in the JUnit.
#   regress_local.sh EDU_TB
set -u
tb=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() {
    echo "FAIL: $*"
    exit 1
}

"$tb" regress -j 2 --backends cmodel,rtl-stress --timing --count 30 \
    --seed 9 --seeds 8 --shards 4 --out "$dir/bad" >"$dir/bad.out" 2>&1
rc=$?
cat "$dir/bad.out"
[ "$rc" -eq 1 ] || fail "a failing shard, yet regress exited $rc"
grep -q '^shard 3 FAILED (exit 1' "$dir/bad.out" ||
    fail "no progress line for the failing shard"
[ -f "$dir/bad/shard-3.qtest" ] || fail "the failing shard's replay is gone"
for i in 0 1 2; do
    [ ! -e "$dir/bad/shard-$i.qtest" ] || fail "shard $i passed, has a replay"
done
grep -q 'tests="8" failures="1" errors="0" skipped="1"' "$dir/bad/junit.xml" ||
    fail "merged JUnit: $(sed -n 2p "$dir/bad/junit.xml")"
[ "$(grep -c '<testsuite ' "$dir/bad/junit.xml")" -eq 4 ] ||
    fail "merged JUnit: not a test suite per shard"
grep -q '<failure message="operation [0-9]* (clock_step' "$dir/bad/junit.xml" ||
    fail "merged JUnit: no failure for seed 15"
grep -q '"shards_failed": 1,' "$dir/bad/summary.json" ||
    fail "summary.json: shards_failed is not 1"
grep -q '"result": "failed",' "$dir/bad/summary.json" ||
    fail "summary.json: result is not failed"
again=$(sed -n 's/^    again:  edu-tb //p' "$dir/bad.out")
case " $again " in
*" --seed 15 --seeds 1 "*) ;;
*) fail "again: '$again' is not seed 15's" ;;
esac
# shellcheck disable=SC2086 # the printed command, word for word
"$tb" $again --replay "$dir/again.qtest" >"$dir/again.out" 2>&1
[ "$(grep '^DIVERGED' "$dir/again.out")" = \
    "$(grep '^  DIVERGED' "$dir/bad.out" | sed 's/^  //')" ] ||
    fail "again: does not give the same divergence"
cmp -s "$dir/again.qtest" "$dir/bad/shard-3.qtest" ||
    fail "again: writes another replay than the shard's"
if "$tb" qtest --backend cmodel --quiet <"$dir/bad/shard-3.qtest" |
    grep FAIL; then
    fail "the kept replay answers FAIL"
fi

"$tb" regress -j 2 --backends cmodel,rtl-stress --timing --count 30 \
    --seed 16 --seeds 6 --shards 3 --out "$dir/good" >"$dir/good.out" 2>&1
rc=$?
cat "$dir/good.out"
[ "$rc" -eq 0 ] || fail "every shard passed, yet regress exited $rc"
grep -q 'tests="6" failures="0" errors="0" skipped="0"' "$dir/good/junit.xml" ||
    fail "merged JUnit: $(sed -n 2p "$dir/good/junit.xml")"
grep -q '"shards_passed": 3,' "$dir/good/summary.json" ||
    fail "summary.json: shards_passed is not 3"
if ls "$dir"/good/*.qtest 2>/dev/null; then
    fail "a replay without a failure"
fi
echo "PASS"

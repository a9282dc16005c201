#!/bin/bash
# edu-tb regress --slurm on a single-node Slurm started here for the test
# (scripts/slurm-local.sh: slurmctld and slurmd on localhost, on free
# ports, the configuration and state in the build tree) and stopped at the
# end whatever happens.  Two regressions as job arrays: seeds 16..21 in 3
# shards all pass (exit 0); seeds 9..16 in 4 shards, one of which diverges
# on purpose (cmodel against rtl-stress with --timing: seed 15, see
# regress_local.sh), exit 1 with the shard's replay kept and its again:
# command printed.  Without root, Slurm or munge it fails, saying why.
#   regress_slurm.sh EDU_TB SLURM_LOCAL_SH DIR
set -u
tb=$1
helper=$2
dir=$3
cluster=$dir/cluster
fail() {
    echo "FAIL: $*"
    exit 1
}
stop() { "$helper" stop "$cluster" >/dev/null 2>&1 || true; }
trap stop EXIT
trap 'exit 1' INT TERM HUP
# Each regression ends itself (timeout: SIGTERM, and regress cancels its
# array) well before CTest's limit, which kills without a trap.

# What a run before left behind goes, its daemons first.
stop
rm -rf "$dir"
mkdir -p "$dir"
start=$("$helper" start "$cluster") ||
    fail "could not start a local Slurm (scripts/slurm-local.sh above)"
eval "$start"
export SLURM_CONF
echo "local Slurm up: $SLURM_CONF"

timeout 120 "$tb" regress --slurm --backends cmodel,rtl-stress --timing --count 30 \
    --seed 16 --seeds 6 --shards 3 --out "$dir/good" 2>&1 | tee "$dir/good.out"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || fail "every shard passed, yet regress exited $rc"
grep -q '^edu-tb regress: 3 shards as Slurm job array [0-9]' "$dir/good.out" ||
    fail "not submitted as a job array"
grep -q '^#SBATCH --array=0-2$' "$dir/good/regress.sbatch" ||
    fail "the array script is not an array of 3"
grep -q 'tests="6" failures="0" errors="0" skipped="0"' "$dir/good/junit.xml" ||
    fail "merged JUnit: $(sed -n 2p "$dir/good/junit.xml")"
grep -q '"mode": "slurm",' "$dir/good/summary.json" ||
    fail "summary.json: mode is not slurm"
grep -q '"job_id": "[0-9]*",' "$dir/good/summary.json" ||
    fail "summary.json: no job id"

timeout 120 "$tb" regress --slurm --backends cmodel,rtl-stress --timing --count 30 \
    --seed 9 --seeds 8 --shards 4 --out "$dir/bad" 2>&1 | tee "$dir/bad.out"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 1 ] || fail "a failing shard, yet regress exited $rc"
[ -f "$dir/bad/shard-3.qtest" ] || fail "the failing shard's replay is gone"
grep -q '^    again:  edu-tb compare .* --seed 15 --seeds 1 ' "$dir/bad.out" ||
    fail "no again: command for seed 15"
grep -q 'tests="8" failures="1" errors="0" skipped="1"' "$dir/bad/junit.xml" ||
    fail "merged JUnit: $(sed -n 2p "$dir/bad/junit.xml")"
grep -q '"shards_passed": 3,' "$dir/bad/summary.json" ||
    fail "summary.json: shards_passed is not 3"
for i in 0 1 2 3; do
    [ -s "$dir/bad/shard-$i.log" ] || fail "no Slurm output for shard $i"
done
echo "PASS"

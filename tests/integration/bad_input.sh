#!/usr/bin/env bash
# Every bad input to edu-tb is answered (docs/robustness.md): one line on
# stderr naming the problem, exit status 2 for bad usage and 1 for a
# runtime failure, and no file left behind (no NAME.tmp, no partial output,
# no temporary directory of the qemu backend).  Needs no QEMU: where QEMU
# is involved, EDU_QEMU points at what is not one.
#
#   bad_input.sh EDU_TB
set -uo pipefail
tb=${1:?usage: $0 EDU_TB}
case $tb in
/*) ;;
*) tb=$PWD/$tb ;;
esac

top=$(mktemp -d)
trap 'chmod -R u+w "$top"; rm -rf "$top"' EXIT
run=$top/run # where edu-tb runs: nothing may appear in it
io=$top/io   # its stdout and stderr
mkdir -p "$run/adir" "$io" "$top/tmp" "$top/nopath"
: >"$run/afile"
# Not a regular file, as /dev/null is: renaming NAME.tmp over it would
# replace it with a file.  (Not /dev/null itself: an edu-tb that got this
# wrong would break the machine's /dev/null.)
mkfifo "$run/fifo"
# A regression's directory where the merged JUnit would go is such a file.
mkdir "$run/rdir" && mkfifo "$run/rdir/junit.xml"
echo endianness >"$io/requests"
export TMPDIR=$top/tmp # the qemu backend's private directory goes here
cd "$run"

# A directory edu-tb cannot write to.  CI runs as root, which may write
# anywhere a mode forbids; sysfs refuses root too.
if [ "$(id -u)" -ne 0 ]; then
    mkdir "$top/ro" && chmod 555 "$top/ro"
    noperm=$top/ro
else
    noperm=/sys
fi
long=$(printf 'x%.0s' {1..300}) # a file name past NAME_MAX

cases=0
failed=0
out=$io/out

# bad STATUS 'TEXT' [VAR=VALUE...] ARGS...: edu-tb ARGS (in env VAR=VALUE)
# must exit with STATUS and print exactly one line on stderr, containing
# TEXT, and leave no file behind.
bad() {
    local want=$1 text=$2
    shift 2
    local envs=()
    while [ $# -gt 0 ] && [[ $1 == *=* && $1 != -* ]]; do
        envs+=("$1")
        shift
    done
    local before after rc lines why=
    cases=$((cases + 1))
    before=$(find "$run" "$TMPDIR" -mindepth 1 | sort)
    env "${envs[@]}" "$tb" "$@" <"${stdin:-/dev/null}" >"$out" 2>"$io/err"
    rc=$?
    after=$(find "$run" "$TMPDIR" -mindepth 1 | sort)
    lines=$(wc -l <"$io/err")
    if [ "$rc" -ne "$want" ]; then
        why="exit status $rc, not $want"
    elif [ "$lines" -ne 1 ]; then
        why="$lines lines on stderr, not one"
    elif ! grep -qF -- "$text" "$io/err"; then
        why="stderr does not say '$text'"
    elif [ "$before" != "$after" ]; then
        why="files left behind: $(comm -13 <(echo "$before") <(echo "$after") | tr '\n' ' ')"
    fi
    if [ -n "$why" ]; then
        failed=$((failed + 1))
        echo "FAIL: edu-tb $*${envs[*]:+ (${envs[*]})}: $why"
        sed 's/^/    stderr: /' "$io/err" | head -5
    fi
}

# --- the command line as a whole ---------------------------------------
bad 2 "no command given"
bad 2 "unknown command 'frob'" frob
bad 2 "unknown command ''" ''
bad 2 "unknown option '--frob'" --frob
bad 2 "unknown option '--'" -- run
bad 2 "unknown command 'frob'" help frob
bad 2 "help takes one command" help run extra
bad 2 "--version takes nothing" --version extra
out=/dev/full bad 1 "writing the output: No space left on device" list

# --- list --------------------------------------------------------------
bad 2 "unknown argument 'extra'" list extra
bad 2 "unknown option '--frob'" list --frob
bad 2 "unknown argument 'x'" list -- x

# --- run: scenarios and options -----------------------------------------
bad 2 "unknown scenario 'nosuch'" run nosuch
bad 2 "unknown scenario ''" run ''
bad 2 "scenario 'liveness' named twice" run liveness liveness
bad 2 "unknown scenario '--quiet'" run -- --quiet
bad 2 "unknown option '--frob'" run --frob
bad 2 "unknown option '-'" run -
bad 2 "unknown option '--quiet=1'" run --quiet=1 liveness
bad 2 "unknown backend 'nope' (known: " run --backend nope
bad 2 "unknown backend ''" run --backend '' liveness
bad 2 "unknown backend ''" run --backend= liveness
bad 2 "option '--backend' needs a value" run liveness --backend
bad 2 "option '--vcd' needs a value" run liveness --vcd
bad 2 "option '--backend' given twice" run --backend cmodel --backend qemu
bad 2 "option '--backend' given twice" run --backend=cmodel --backend=cmodel
bad 2 "option '--quiet' given twice" run --quiet --quiet liveness
bad 2 "option '--vcd' given twice" run --vcd a.vcd --vcd b.vcd liveness
# Options in full: getopt_long would take --back for --backend.
bad 2 "unknown option '--back'" run --back cmodel liveness
bad 2 "unknown option '--back=cmodel'" run --back=cmodel liveness
bad 2 "unknown option '-hx'" run -hx

# --- run: waveform files that cannot be written --------------------------
bad 2 "--vcd needs a file name" run --vcd '' liveness
bad 1 "cannot write '/nonexistent-dir/x.vcd': No such file or directory" \
    run --vcd /nonexistent-dir/x.vcd liveness
bad 1 "cannot write '/nonexistent-dir/x-enumerate-and-probe.vcd'" \
    run --vcd /nonexistent-dir/x.vcd
bad 1 "cannot write 'afile/x.vcd': Not a directory" run --vcd afile/x.vcd liveness
bad 1 "'adir' is a directory" run --vcd adir liveness
bad 1 "'adir/' is a directory" run --vcd adir/ liveness
bad 1 "'fifo' is not a regular file" run --vcd fifo liveness
bad 1 "Permission denied" run --vcd "$noperm/x.vcd" liveness
bad 1 "File name too long" run --vcd "$long.vcd" liveness
bad 1 "QEMU draws no waveforms" run --backend qemu --vcd x.vcd liveness

# --- run: QEMU not there -------------------------------------------------
bad 1 "EDU_QEMU=/nonexistent is not an executable" EDU_QEMU=/nonexistent \
    run --backend qemu
bad 1 "EDU_QEMU=$run/adir is not an executable" EDU_QEMU="$run/adir" \
    run --backend qemu liveness
bad 1 "EDU_QEMU=$run/afile is not an executable" EDU_QEMU="$run/afile" \
    run --backend qemu liveness
bad 1 "QEMU exited with status 1" EDU_QEMU=/bin/false run --backend qemu liveness
bad 1 "EDU_QEMU=no-such-qemu is not found in PATH" EDU_QEMU=no-such-qemu \
    run --backend qemu liveness
bad 1 "qemu-system-x86_64 is not installed (install it:" EDU_QEMU= \
    PATH="$top/nopath" run --backend qemu liveness

# --- qtest ----------------------------------------------------------------
bad 2 "unknown backend 'nope'" qtest --backend nope
bad 2 "unknown argument 'x'" qtest x
bad 2 "unknown argument 'x'" qtest -- x
bad 2 "unknown option '--frob'" qtest --frob
bad 2 "option '--enumerate' given twice" qtest --enumerate --enumerate
bad 2 "option '--backend' given twice" qtest --backend cmodel --backend=cmodel
bad 2 "option '--backend' needs a value" qtest --backend
bad 2 "--vcd needs a file name" qtest --vcd ''
bad 1 "'adir' is a directory" qtest --vcd adir
bad 1 "No such file or directory" qtest --vcd /nonexistent-dir/x.vcd
bad 1 "Not a directory" qtest --vcd afile/x.vcd
bad 1 "'fifo' is not a regular file" qtest --vcd fifo
bad 1 "Permission denied" qtest --vcd "$noperm/x.vcd"
bad 1 "QEMU draws no waveforms" qtest --backend qemu --vcd x.vcd
bad 1 "EDU_QEMU=/nonexistent is not an executable" EDU_QEMU=/nonexistent \
    qtest --backend qemu
bad 1 "QEMU exited with status 1" EDU_QEMU=/bin/false qtest --backend qemu
stdin=$run/adir bad 1 "reading the requests: Is a directory" qtest
stdin=$io/requests out=/dev/full bad 1 "writing the output:" qtest

# --- serve ----------------------------------------------------------------
bad 2 "--fd N is needed" serve
bad 2 "--fd 0 is not an open socket" serve --fd 0
bad 2 "--fd needs a file descriptor number, not 'x'" serve --fd x
bad 2 "--fd needs a file descriptor number, not '-1'" serve --fd -1
bad 2 "option '--fd' given twice" serve --fd 0 --fd=0
bad 2 "option '--fd' needs a value" serve --fd
bad 2 "unknown backend 'nope'" serve --backend nope --fd 0
bad 2 "the qemu backend cannot be served" serve --backend qemu --fd 0
bad 2 "--slot needs a slot of 1 to 24, not '0'" serve --slot 0 --fd 0
bad 2 "--slot needs a slot of 1 to 24, not '25'" serve --slot 25 --fd 0
bad 2 "--record needs a file name, not ''" serve --fd 0 --record ''
bad 2 "--qtest-socket needs a file name, not ''" serve --fd 0 --qtest-socket=
bad 2 "unknown argument 'extra'" serve --fd 0 extra
bad 2 "unknown option '--frob'" serve --frob

# --- guest ----------------------------------------------------------------
bad 2 "unknown backend 'nope'" guest --backend nope
bad 2 "--machine pc: only q35" guest --machine pc
bad 2 "--timeout needs seconds (1 to 86400), not '0'" guest --timeout 0
bad 2 "option '--kernel' given twice" guest --kernel a --kernel b
bad 2 "unknown option '--frob'" guest --frob
bad 2 "unknown argument 'x'" guest x
bad 2 "cannot read the kernel /nonexistent: No such file or directory" \
    guest --kernel /nonexistent --initrd afile
bad 2 "cannot read the kernel adir: Is a directory" \
    guest --kernel adir --initrd afile
bad 2 "cannot read the initrd /nonexistent" \
    guest --kernel afile --initrd /nonexistent
bad 2 "--vcd needs a file name, not ''" guest --kernel afile --initrd afile --vcd ''
bad 2 "--record needs a file name, not ''" guest --kernel afile --initrd afile --record=
bad 1 "'adir' is a directory" guest --kernel afile --initrd afile --record adir
bad 1 "it draws no waveforms" \
    guest --backend qemu --kernel afile --initrd afile --vcd x.vcd
bad 1 "'adir' is a directory" guest --kernel afile --initrd afile --vcd adir
bad 1 "no-such-qemu is not installed (install it:" EDU_QEMU=no-such-qemu \
    guest --kernel afile --initrd afile
bad 1 "qemu-system-x86_64 is not installed (install it:" EDU_QEMU= \
    PATH="$top/nopath" guest --kernel afile --initrd afile

# --- compare: views ---------------------------------------------------------
bad 2 "unknown backend 'nope'" compare --backends nope,cmodel
bad 2 "name at least two backends" compare --backends cmodel
bad 2 "an empty name" compare --backends ''
bad 2 "an empty name" compare --backends cmodel,,cmodel
bad 2 "an empty name" compare --backends cmodel,cmodel,
bad 2 "too many backends" compare --backends cmodel,cmodel,cmodel,cmodel,cmodel
bad 2 "the list is too long" compare --backends "cmodel,$long"

# --- compare: numbers -------------------------------------------------------
bad 2 "--seed '-1' is not a number" compare --seed -1
bad 2 "--seed '12abc' is not a number" compare --seed 12abc
bad 2 "--seed '18446744073709551616' is not a number" \
    compare --seed 18446744073709551616
bad 2 "--seed '' is not a number" compare --seed ''
bad 2 "--seed '' is not a number" compare --seed=
bad 2 "--seed ' 5' is not a number" compare --seed ' 5'
bad 2 "--seed '0x' is not a number" compare --seed 0x
bad 2 "--seeds '0' is not a number from 1 to 1000000" compare --seeds 0
bad 2 "--seeds '1000001' is not a number" compare --seeds 1000001
bad 2 "--seeds '-5' is not a number" compare --seeds -5
bad 2 "--count '0' is not a number from 1 to 100000000" compare --count 0
bad 2 "--count '100000001' is not a number" compare --count 100000001
bad 2 "--count '1e3' is not a number" compare --count 1e3
bad 2 "--devices '0' is not a number from 1 to 8" compare --devices 0
bad 2 "--devices '9' is not a number from 1 to 8" compare --devices 9
bad 2 "option '--devices' needs a value" compare --devices
bad 2 "is past 2^64 - 1" compare --seed 18446744073709551615 --seeds 2

# --- compare: other options -------------------------------------------------
bad 2 "option '--seed' given twice" compare --seed 1 --seed 2
bad 2 "option '--no-random' given twice" compare --no-random --no-random
bad 2 "leave nothing to compare" compare --no-scenarios --no-random
bad 2 "unknown argument 'extra'" compare extra
bad 2 "unknown argument 'extra'" compare -- extra
bad 2 "unknown option '--frob'" compare --frob
bad 2 "option '--seed' needs a value" compare --seed
bad 2 "unknown option '--see'" compare --see 3
bad 2 "unknown option '--no'" compare --no

# --- compare: replay files that cannot be written, QEMU not there -----------
bad 2 "--replay needs a file name" compare --replay ''
bad 1 "'adir' is a directory" compare --replay adir
bad 1 "No such file or directory" compare --replay /nonexistent-dir/r.qtest
bad 1 "Not a directory" compare --replay afile/r.qtest
bad 1 "'fifo' is not a regular file" compare --replay fifo
bad 1 "Permission denied" compare --replay "$noperm/r.qtest"
bad 1 "EDU_QEMU=/nonexistent is not an executable" EDU_QEMU=/nonexistent \
    compare --seeds 1 --count 5
bad 1 "QEMU exited with status 1" EDU_QEMU=/bin/false \
    compare --no-scenarios --seeds 1 --count 5

# --- results files (--junit, --json) ----------------------------------------
bad 2 "--junit needs a file name" run --junit ''
bad 2 "--json needs a file name" compare --json ''
bad 1 "'adir' is a directory" run --junit adir liveness
bad 1 "'fifo' is not a regular file" compare --json fifo
bad 1 "No such file or directory" compare --junit /nonexistent-dir/j.xml
bad 1 "--junit and --json name one file 'j'" compare --junit j --json j

# --- regress ----------------------------------------------------------------
bad 2 "--out DIR is needed" regress
bad 2 "option '-j' needs a value" regress --out o -j
bad 2 "-j '0' is not a number from 1 to 1024" regress --out o -j 0
bad 2 "option '--jobs' given twice" regress --out o -j 1 --jobs 2
bad 2 "-j is for shards run here, not with --slurm" regress --out o --slurm -j 2
bad 2 "--partition and --sbatch-arg need --slurm" \
    regress --out o --sbatch-arg=--time=5
bad 2 "--shards 4 is more than --seeds 3" regress --out o --seeds 3 --shards 4
bad 2 "a shard of more than 1000000 seeds" \
    regress --out o --seeds 2000000 --shards 1
bad 2 "name two to 4 backends" regress --out o --backends cmodel
bad 1 "cannot make 'afile/o': Not a directory" regress --out afile/o
bad 1 "'$run/rdir/junit.xml' is not a regular file" regress --out rdir

# --- coverage files (docs/coverage.md) ------------------------------------
bad 2 "--coverage needs a file name" run --coverage '' liveness
bad 2 "--coverage needs a file name" compare --coverage ''
bad 2 "option '--coverage' given twice" qtest --coverage a --coverage b
bad 1 "'adir' is a directory" run --coverage adir liveness
bad 1 "'fifo' is not a regular file" compare --coverage fifo --no-random
bad 1 "empty, not an edu-tb coverage file" run --coverage afile liveness
stdin=$io/requests bad 1 "empty, not an edu-tb coverage file" \
    qtest --coverage afile
bad 2 "merge or report?" cover
bad 2 "unknown action 'frob'" cover frob
bad 2 "merge needs OUT and an IN" cover merge out.cov
bad 2 "report takes one FILE" cover report a b
bad 2 "--html is for report" cover merge out.cov afile --html x.html
bad 1 "nofile.cov: No such file or directory" cover merge out.cov nofile.cov
bad 1 "empty, not an edu-tb coverage file" cover report afile --html x.html

echo "bad_input: $cases cases, $((cases - failed)) answered as they should"
[ "$failed" -eq 0 ]

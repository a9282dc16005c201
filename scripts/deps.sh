#!/usr/bin/env bash
# Installs the Debian 12 packages a job needs, and only the missing ones.
#   scripts/deps.sh build|run|test|coverage
# Quick when everything is there: it asks dpkg first and runs apt-get only
# for what is missing (after one 'apt-get update').
set -euo pipefail

# Building every view: the C toolchain, SystemC (TLM bridge), Verilator
# (RTL); help2man writes the man page from edu-tb --help.
build_pkgs=(cmake make gcc g++ pkg-config libsystemc-dev verilator help2man)
# The main job also drives QEMU's own edu, the reference, and boots the
# Linux guest (scripts/guest-image.sh): Debian's kernel and its headers for
# the driver, libc6-dev for the static test program, busybox-static and
# cpio for the initramfs.  Its closing benchmark table (bench/run-all)
# replays the RTL's stimulus under Icarus Verilog too.
run_pkgs=("${build_pkgs[@]}" qemu-system-x86 linux-image-amd64
    linux-headers-amd64 libc6-dev busybox-static cpio iverilog)
# The coverage report (scripts/coverage.sh): cmocka for the unit tests,
# lcov (genhtml) for the C model's gcov data and the RTL's.
coverage_pkgs=("${run_pkgs[@]}" libcmocka-dev lcov)
# The tests also use cmocka, lcov, Icarus Verilog (a run package: the
# benchmarks replay the RTL on it) and Yosys (the RTL synthesizes); the
# robustness stages clang with libFuzzer (libclang-rt-14-dev), valgrind and
# clang-tidy; the install tests dpkg-dev (cpack's dependency list) and
# man-db (the man pages).  The regression test on Slurm
# (scripts/slurm-local.sh): Slurm's controller, node daemon and commands,
# and munge.
test_pkgs=("${run_pkgs[@]}" libcmocka-dev lcov yosys clang
    libclang-rt-14-dev valgrind clang-tidy dpkg-dev man-db slurmctld slurmd
    slurm-client munge)

case "${1:-}" in
build) want=("${build_pkgs[@]}") ;;
run) want=("${run_pkgs[@]}") ;;
test) want=("${test_pkgs[@]}") ;;
coverage) want=("${coverage_pkgs[@]}") ;;
*)
    echo "usage: $0 build|run|test|coverage" >&2
    exit 2
    ;;
esac

missing=()
for pkg in "${want[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
        grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
sudo=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
        echo "deps: need root (or sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
    sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"

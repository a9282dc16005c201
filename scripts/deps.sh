#!/usr/bin/env bash
# Installs the Debian 12 packages a job needs, and only the missing ones.
#   scripts/deps.sh build|run|test
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
# The tests also use cmocka, Icarus Verilog (the RTL compiles there too;
# already a run package) and Yosys (the RTL synthesizes); the robustness stages clang with
# libFuzzer (libclang-rt-14-dev), valgrind and clang-tidy; the install
# tests dpkg-dev (cpack's dependency list) and man-db (the man pages).
test_pkgs=("${run_pkgs[@]}" libcmocka-dev yosys clang
    libclang-rt-14-dev valgrind clang-tidy dpkg-dev man-db)

case "${1:-}" in
build) want=("${build_pkgs[@]}") ;;
run) want=("${run_pkgs[@]}") ;;
test) want=("${test_pkgs[@]}") ;;
*)
    echo "usage: $0 build|run|test" >&2
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

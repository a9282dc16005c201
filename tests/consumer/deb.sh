#!/usr/bin/env bash
# The Debian package: cpack -G DEB from the build tree; its dependencies
# named; unpacked into a scratch root (dpkg -x), its edu-tb runs a
# scenario with the source and build trees out of reach, its man page
# lists every command, its bash completion completes.
#   deb.sh BUILD_DIR WORK_DIR   (WORK_DIR outside the source tree)
set -euo pipefail
build=$(cd "$1" && pwd)
work=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
root=$work/root

rm -rf "$work"
mkdir -p "$work"
(cd "$build" && cpack -G DEB -B "$work/deb" >"$work/cpack.log") || {
    cat "$work/cpack.log"
    exit 1
}
deb=$(ls "$work"/deb/edu-cosim_*.deb)
echo "== $(basename "$deb")"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for need in libsystemc libstdc++6 libc6; do
    case $depends in
    *"$need"*) ;;
    *)
        echo "deb: Depends lacks $need" >&2
        exit 1
        ;;
    esac
done
dpkg -x "$deb" "$root"

echo "== the packaged edu-tb, the source and build trees out of reach"
tb=$root/usr/bin/edu-tb
unshare --mount sh -c "mount -t tmpfs none '$build' &&
    mount -t tmpfs none '$top' &&
    '$tb' --version && '$tb' run --backend cmodel --quiet liveness fact-intx dma-to-device-intx"

echo "== man pages"
man -l "$root/usr/share/man/man1/edu-tb.1" >"$work/edu-tb.txt" 2>/dev/null
for cmd in qtest run list compare; do
    grep -q "edu-tb $cmd" "$work/edu-tb.txt" || {
        echo "deb: edu-tb(1) has no section for '$cmd'" >&2
        exit 1
    }
done
man -l "$root/usr/share/man/man7/edu-cosim.7" | grep -q EduCosim::cmodel

echo "== bash completion"
complete_line() {
    # The completions bash offers for the words given, the last being cut.
    PATH=$root/usr/bin:$PATH bash -c '
        source "$0"
        COMP_WORDS=("$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        _edu_tb
        echo "${COMPREPLY[*]}"' \
        "$root/usr/share/bash-completion/completions/edu-tb" "$@"
}
check() {
    local want=$1
    shift
    got=$(complete_line "$@")
    echo "edu-tb ${*:2}<TAB>: $got"
    [ "$got" = "$want" ] || {
        echo "deb: completion of '${*:2}': want '$want'" >&2
        exit 1
    }
}
check "compare" edu-tb com
check "rtl rtl-stress" edu-tb run --backend rt
check "cmodel,tlm" edu-tb compare --backends cmodel,tl
check "--timing" edu-tb compare --tim
check "liveness" edu-tb run livene
echo "deb: all passed"

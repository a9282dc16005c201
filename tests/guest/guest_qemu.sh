#!/usr/bin/env bash
# Boots the guest image on QEMU's own edu under TCG and checks its result.
#   guest_qemu.sh IMAGEDIR NAME [--device SPEC]... [KERNEL_ARGS...]
# Each --device adds a QEMU device (default: one edu at 04.0).
# IMAGEDIR is scripts/guest-image.sh's OUTDIR (built first if needed); the
# guest's console goes to stdout and IMAGEDIR/NAME.log. Passes only when
# every edu-test closing line reads "N passed, 0 failed" with N > 0, /init
# finished, unloaded the module and reported no failure of its own.
#
# -icount shift=auto,sleep=off: QEMU's edu takes 100 ms of virtual time per
# DMA; with sleep=off an idle guest jumps to its next timer, so 2000 DMAs
# take seconds, not minutes. Virtual time then runs ahead of the edu's
# factorial thread (real time), hence the driver's long timeout_ms.
set -euo pipefail
[ $# -ge 2 ] || {
    echo "usage: $0 IMAGEDIR NAME [--device SPEC]... [KERNEL_ARGS...]" >&2
    exit 2
}
img=$1
name=$2
shift 2
devices=()
while [ $# -ge 2 ] && [ "$1" = --device ]; do
    devices+=(-device "$2")
    shift 2
done
[ ${#devices[@]} -gt 0 ] || devices=(-device edu,addr=04.0)
top=$(cd "$(dirname "$0")/../.." && pwd)
qemu=${EDU_QEMU:-qemu-system-x86_64}
limit=${EDU_GUEST_TIMEOUT:-300}

fail() {
    echo "FAIL guest $name: $*" >&2
    exit 1
}

command -v "$qemu" >/dev/null 2>&1 ||
    fail "$qemu is not installed (scripts/deps.sh test installs it)"
start=$SECONDS
"$top/scripts/guest-image.sh" "$img" ||
    fail "cannot build the guest image (see above; scripts/deps.sh test" \
        "installs the packages)"
echo "guest $name: image ready in $((SECONDS - start)) s"

log=$img/$name.log
start=$SECONDS
set +e
timeout "$limit" "$qemu" -machine q35 -accel tcg \
    -icount shift=auto,sleep=off -m 256M \
    -nodefaults -display none -serial stdio -no-reboot \
    -kernel "$img/vmlinuz" -initrd "$img/initramfs.cpio.gz" \
    -append "console=ttyS0 quiet panic=-1 edu.timeout_ms=30000 $*" \
    "${devices[@]}" </dev/null 2>&1 | sed -u 's/\r$//' | tee "$log"
rc=${PIPESTATUS[0]}
set -e
echo "guest $name: QEMU exit $rc after $((SECONDS - start)) s (log: $log)"
[ "$rc" -ne 124 ] || fail "no power-off within $limit s"
[ "$rc" -eq 0 ] || fail "QEMU exited with status $rc"

mapfile -t closing < <(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log")
[ "${#closing[@]}" -gt 0 ] || fail "no 'N passed, N failed' line"
for line in "${closing[@]}"; do
    [[ $line =~ ^([0-9]+)\ passed,\ 0\ failed$ ]] && [ "${BASH_REMATCH[1]}" -gt 0 ] ||
        fail "edu-test: $line"
done
grep -q '^edu-guest: done' "$log" || fail "init did not finish"
! grep '^edu-guest: FAIL' "$log" || fail "init reported a failure"
grep -q '^edu-guest: edu.ko unloaded' "$log" || fail "edu.ko not unloaded"
echo "guest $name: ${closing[*]}"

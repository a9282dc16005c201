#!/usr/bin/env bash
# Builds the Linux guest image for the edu device: scripts/guest-image.sh OUTDIR
#   OUTDIR/vmlinuz            the installed Debian kernel (linux-image-amd64)
#   OUTDIR/initramfs.cpio.gz  busybox, edu.ko, edu-test and guest/image/init
#   OUTDIR/edu.ko, OUTDIR/edu-test  the driver and the static test program
# The driver is built against that kernel's headers (linux-headers-amd64);
# KVER=6.1.0-... picks another installed kernel than the newest.
# Cached: nothing is rebuilt while the hash of the inputs (sources, kernel,
# busybox, package versions) equals OUTDIR/inputs.sha256.
# Packages: scripts/deps.sh test installs them.
set -euo pipefail
[ $# -eq 1 ] || {
    echo "usage: $0 OUTDIR" >&2
    exit 2
}
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)

die() {
    echo "guest-image: $*" >&2
    exit 1
}

# The newest kernel with both an image and headers, unless KVER says.
if [ -z "${KVER:-}" ]; then
    for k in $(ls /boot/vmlinuz-* 2>/dev/null | sed 's|^/boot/vmlinuz-||' |
        sort -V); do
        [ -d "/lib/modules/$k/build" ] && KVER=$k
    done
fi
[ -n "${KVER:-}" ] ||
    die "no kernel with headers: need /boot/vmlinuz-* and" \
        "/lib/modules/*/build (apt-get install linux-image-amd64" \
        "linux-headers-amd64, or scripts/deps.sh test)"
kernel=/boot/vmlinuz-$KVER
kbuild=/lib/modules/$KVER/build
[ -r "$kernel" ] || die "cannot read $kernel (linux-image-amd64; as root)"
[ -f "$kbuild/Makefile" ] ||
    die "no headers in $kbuild (apt-get install linux-headers-$KVER)"
busybox=/bin/busybox
# ldd fails on a static binary: the initramfs has no shared libraries.
[ -x "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1 ||
    die "no static $busybox (apt-get install busybox-static)"
for tool in make gcc cpio gzip; do
    command -v "$tool" >/dev/null ||
        die "no $tool (scripts/deps.sh test installs it)"
done
libc_a=$(gcc -print-file-name=libc.a)
[ -f "$libc_a" ] || die "no libc.a for gcc -static (apt-get install libc6-dev)"

# Inputs: the sources by content, the binaries taken from the system, the
# versions of the packages that made them.
srcs=(guest/driver/edu.c guest/driver/Kbuild guest/driver/Makefile
    guest/include/uapi/edu_ioctl.h c-model/include/edu/regs.h
    guest/test/edu-test.c guest/image/init scripts/guest-image.sh)
hash=$(
    cd "$top"
    sha256sum "${srcs[@]}"
    sha256sum "$kernel" "$busybox" "$kbuild/Module.symvers"
    echo "KVER=$KVER"
    gcc --version | head -1
    dpkg-query -W -f='${Package} ${Version}\n' "linux-image-$KVER" \
        "linux-headers-$KVER" busybox-static libc6-dev 2>/dev/null || true
)
hash=$(sha256sum <<<"$hash" | cut -d' ' -f1)
if [ "$(cat "$out/inputs.sha256" 2>/dev/null)" = "$hash" ] &&
    [ -f "$out/vmlinuz" ] && [ -f "$out/initramfs.cpio.gz" ]; then
    echo "guest-image: $out is up to date (Linux $KVER)"
    exit 0
fi

echo "guest-image: building in $out (Linux $KVER)"
rm -f "$out/inputs.sha256"
work=$out/work
rm -rf "$work"
mkdir -p "$work/src"
(cd "$top" && cp --parents "${srcs[@]}" "$work/src/")

# Kbuild's compiler probes compile /dev/null: should something on a shared
# machine have replaced it with a file, they fail and flags such as -mfentry
# drop out silently (modpost then refuses "mcount", or worse, accepts a
# module without retpolines). So make runs in a private mount namespace with
# a /dev of its own where root may do that, else only with a true /dev/null.
kbuild_make() {
    if unshare --mount --propagation private true 2>/dev/null; then
        unshare --mount --propagation private bash -c '
            set -e
            mount -t tmpfs -o mode=755 guest-image-dev /dev
            mknod -m 666 /dev/null c 1 3
            mknod -m 666 /dev/zero c 1 5
            mknod -m 666 /dev/urandom c 1 9
            ln -s /proc/self/fd /dev/fd
            exec make "$@"' kbuild-make "$@"
    else
        [ -c /dev/null ] ||
            die "/dev/null is not the null device; Kbuild needs it" \
                "(as root: mknod -m 666 /dev/null c 1 3)"
        make "$@"
    fi
}

# The module, out of tree (-j1: the machine is shared; it is one file).
kbuild_make -s -C "$kbuild" M="$work/src/guest/driver" modules \
    >"$work/kbuild.log" 2>&1 || {
    cat "$work/kbuild.log" >&2
    die "building edu.ko failed"
}
grep -v 'Skipping BTF generation' "$work/kbuild.log" >&2 || true
cp "$work/src/guest/driver/edu.ko" "$out/edu.ko"

gcc -static -O2 -Wall -Wextra -Werror -std=gnu11 \
    -I"$work/src/c-model/include" -I"$work/src/guest/include" \
    -o "$out/edu-test" "$work/src/guest/test/edu-test.c"

root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys,lib/modules}
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$out/edu-test" "$root/bin/edu-test"
cp "$out/edu.ko" "$root/lib/modules/edu.ko"
cp "$work/src/guest/image/init" "$root/init"
chmod 755 "$root/init"
# The kernel opens /dev/console for init before anything is mounted; init
# reopens it from devtmpfs too, for builds that cannot mknod.
mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true
(cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) |
    gzip -9 >"$out/initramfs.cpio.gz.tmp"
mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
cp "$kernel" "$out/vmlinuz"
rm -rf "$work"
echo "$hash" >"$out/inputs.sha256"
echo "guest-image: $out/vmlinuz $out/initramfs.cpio.gz"

#!/bin/sh
# edu-tb guest on one view with the guest image scripts/guest-image.sh
# writes into GUEST_DIR: the guest's own test must pass.  The driver waits
# up to 30 s for QEMU's own edu, whose factorial runs in a thread of real
# time while the guest's clock runs on instructions.
#
#     guest_boot.sh EDU_TB VIEW GUEST_DIR
#
# Exit 0 when it passes, 1 when not, 77 without the image or without QEMU.
set -u
tb=$1 view=$2 dir=$3
for f in vmlinuz initramfs.cpio.gz; do
    if [ ! -r "$dir/$f" ]; then
        echo "guest_boot: no $dir/$f (scripts/guest-image.sh): skipped"
        exit 77
    fi
done
qemu=${EDU_QEMU:-qemu-system-x86_64}
if ! command -v "$qemu" > /dev/null 2>&1; then
    echo "guest_boot: $qemu is not installed: skipped"
    exit 77
fi
exec "$tb" guest --backend "$view" --kernel "$dir/vmlinuz" \
    --initrd "$dir/initramfs.cpio.gz" --append "quiet edu.timeout_ms=30000" \
    --timeout 500

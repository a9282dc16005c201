#!/bin/sh
# edu-tb guest on one view with the guest image scripts/guest-image.sh
# writes (the build tree's guest/): the guest's own test must pass.
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
    --initrd "$dir/initramfs.cpio.gz" --timeout 500

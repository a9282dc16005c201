#!/bin/sh
# A real guest session, recorded and replayed everywhere: the guest image
# (driver, edu-test with a few DMA round trips) boots on RECORD_VIEW under
# edu-tb guest --record; edu-tb qtest replays the record on every view and
# on QEMU's own edu.  The record holds the guest's RAM that each DMA from
# RAM reads, and reads back what each DMA to RAM wrote (docs/guest.md).
#
#     guest_record_replay.sh EDU_TB GUEST_DIR RECORD_VIEW REPLAY_VIEW...
#
# On a view every answer must be the record's, times included.  On qemu
# every answer but the times must be; a time must be a time that moved on
# by at least what clock_step asked (replay_normalize.awk says exactly
# what is compared).  The session stays within what QEMU 7.2 accepts: the
# driver's default never lets a DMA end at the buffer's last byte.
# Exit 0 when all agree, 1 when not, 77 without the image or QEMU.
set -u
tb=$1 gdir=$2 recview=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
for f in vmlinuz initramfs.cpio.gz; do
    if [ ! -r "$gdir/$f" ]; then
        echo "guest_record_replay: no $gdir/$f (scripts/guest-image.sh): skipped"
        exit 77
    fi
done
qemu=${EDU_QEMU:-qemu-system-x86_64}
if ! command -v "$qemu" > /dev/null 2>&1; then
    echo "guest_record_replay: $qemu is not installed: skipped"
    exit 77
fi
dir=$(mktemp -d) || exit 1
trap '[ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT; [ -n "${KEEP:-}" ] && echo "kept $dir"
rec=$dir/rec.qtest

if ! "$tb" guest --backend "$recview" --kernel "$gdir/vmlinuz" \
        --initrd "$gdir/initramfs.cpio.gz" --record "$rec" --quiet \
        --append "quiet edu_test.dma_rounds=4 edu_test.seed=7" \
        --timeout 300 > "$dir/console" 2>&1; then
    tail -30 "$dir/console"
    echo "guest_record_replay: the guest failed on $recview"
    exit 1
fi
awk -v requests="$dir/requests" -f "$here/record_answers.awk" "$rec" \
    > "$dir/want"
echo "guest_record_replay: recorded on $recview:" \
     "$(wc -l < "$dir/requests") requests," \
     "$(grep -c '^write 0x' "$rec") DMAs from RAM," \
     "$(grep -c '^read 0x' "$rec") to RAM," \
     "$(grep -c '^# INTx 1' "$rec") interrupts"
status=0
for view in "$@"; do
    if ! "$tb" qtest --backend "$view" --ram-size 256 --quiet < "$rec" \
            > "$dir/got.$view"; then
        echo "guest_record_replay: edu-tb qtest --backend $view failed"
        status=1
        continue
    fi
    if [ "$view" = qemu ]; then
        for f in want got.qemu; do
            awk -v requests="$dir/requests" \
                -f "$here/replay_normalize.awk" "$dir/$f" > "$dir/$f.norm"
        done
        a=$dir/want.norm b=$dir/got.qemu.norm
        what="answers agree, times as wall time"
    else
        a=$dir/want b=$dir/got.$view
        what="answers agree, times included"
    fi
    if diff "$a" "$b" > "$dir/diff"; then
        echo "guest_record_replay: $view: $(wc -l < "$b") $what," \
             "0 mismatches"
    else
        echo "guest_record_replay: $view: $(grep -c '^[<>]' "$dir/diff")" \
             "lines differ (record < > replay):"
        head -20 "$dir/diff" | cut -c1-200
        status=1
    fi
done
exit $status

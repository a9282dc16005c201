#!/bin/sh
# edu-tb serve --record: what the guest did behind QEMU's proxy (here
# proxy_qtest's accesses), replayed by edu-tb qtest on the same view, gives
# the same answers and the same clocks ('# OK' lines of the record).
#
#     record_replay.sh EDU_TB PROXY_QTEST VIEW
#
# Exit 0 when they agree, 1 when not, 77 without QEMU.
set -u
tb=$1 proxy=$2 view=$3
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT

"$proxy" "$tb" "$view" "$dir/rec.qtest" > "$dir/proxy.out"
rc=$?
[ $rc -eq 77 ] && exit 77
if [ $rc -ne 0 ]; then
    cat "$dir/proxy.out"
    exit 1
fi
# Each request's answer, interrupt lines included (record_answers.awk).
awk -f "$(dirname "$0")/record_answers.awk" "$dir/rec.qtest" > "$dir/want"
"$tb" qtest --backend "$view" --ram-size 256 --quiet < "$dir/rec.qtest" \
    > "$dir/got" || exit 1
if ! diff "$dir/want" "$dir/got" > "$dir/diff"; then
    echo "record_replay $view: the replay differs (want < > got):"
    head -20 "$dir/diff"
    exit 1
fi
echo "record_replay $view: $(wc -l < "$dir/want") answers agree," \
     "$(grep -c '^clock_step' "$dir/rec.qtest") of them clocks"

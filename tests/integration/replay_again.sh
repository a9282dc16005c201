#!/bin/sh
# A timing divergence, found at a poll (the wait for a DMA's end): the
# printed "again:" command keeps --timing and finds the same divergence,
# and the replay file runs through edu-tb qtest without a FAIL (a poll's
# two lines stay in the header's comment).  rtl-stress's clocks differ
# from the C model's by design, so --timing diverges there.
set -u
tb=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$tb" compare --backends cmodel,rtl-stress --timing --no-scenarios \
    --seed 1 --seeds 1 --count 300 --replay "$dir/first.qtest" \
    > "$dir/first.out" 2>&1
if [ $? -ne 1 ]; then
    echo "FAIL: no divergence to replay"; cat "$dir/first.out"; exit 1
fi
first=$(grep '^DIVERGED' "$dir/first.out")
again=$(sed -n 's/^  again:  edu-tb //p' "$dir/first.out")
echo "$first"
echo "again: $again"
case "$first" in
*"clock_step 200000000; read"*"took "*) ;;
*) echo "FAIL: not a timing divergence at a poll"; exit 1 ;;
esac
case " $again " in
*" --timing "*) ;;
*) echo "FAIL: again: drops --timing"; exit 1 ;;
esac
# shellcheck disable=SC2086 # the printed command, word for word
"$tb" $again --replay "$dir/again.qtest" > "$dir/again.out" 2>&1
second=$(grep '^DIVERGED' "$dir/again.out")
if [ "$first" != "$second" ]; then
    echo "FAIL: again: gives '$second'"; exit 1
fi
if ! cmp -s "$dir/first.qtest" "$dir/again.qtest"; then
    echo "FAIL: the two replay files differ"; exit 1
fi
grep -v '^#' "$dir/first.qtest" > /dev/null || exit 1
if "$tb" qtest --backend cmodel --quiet < "$dir/first.qtest" |
        grep FAIL; then
    echo "FAIL: the replay file answers FAIL"; exit 1
fi
echo "PASS"

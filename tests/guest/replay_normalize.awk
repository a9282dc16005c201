# The answers of a replay (or the record's own, record_answers.awk) with
# the times taken out, for comparing a view with QEMU's edu, whose time is
# the wall clock's: awk -v requests=FILE -f replay_normalize.awk ANSWERS,
# FILE the record's requests in order (record_answers.awk writes it).
#
# Every answer but those of clock_step stays as it is, in its order.  A
# clock_step answer must be 'OK <ns>', never less than the one before, and
# after 'clock_step NS' at least NS more than the one before (QEMU sleeps
# NS of wall time; a view moves NS on).  A request followed by a run of
# clock_step requests (the record puts them after each access that
# starts a factorial or a DMA) is one group: the IRQ lines that came
# during any of them, in their order, then the request's answer, then
# 'CLOCK' for the whole run.  That is the one freedom QEMU's edu has: its
# factorial thread and DMA timer raise the interrupt whenever they run,
# before the answer of the write that started them or during the wait
# after it; a view raises it at a time fixed by its clocks.  An IRQ line
# anywhere else stays where it is.  A bad time prints 'BAD <what>', which
# differs.
BEGIN {
    while ((getline line < requests) > 0) {
        req[nreq++] = line
    }
    i = 0; last = -1
    held = 0; inrun = 0; pend = ""; runirq = ""
}
function flush() {
    if (inrun) {
        printf "%s%s%s\n", hirq, runirq, hans
        print "CLOCK"
    } else if (held) {
        printf "%s%s\n", hirq, hans
    }
    held = 0; inrun = 0; runirq = ""
}
/^IRQ / { pend = pend $0 "\n"; next }
{
    r = req[i++]
    if (r !~ /^clock_step( |$)/) {
        flush()
        held = 1; hirq = pend; hans = $0; pend = ""
        next
    }
    if (!held && !inrun) {
        held = 1; hirq = ""; hans = "(start)"
    }
    inrun = 1; runirq = runirq pend; pend = ""
    if ($0 !~ /^OK [0-9]+$/) {
        runirq = runirq "BAD clock answer '" $0 "' to '" r "'\n"
        next
    }
    t = $2 + 0
    split(r, w, " ")
    step = (w[2] != "" && w[2] + 0 > 0) ? w[2] + 0 : 0
    if (last >= 0 && (t < last || t - last < step)) {
        runirq = runirq "BAD time " t " after " last " for '" r "'\n"
    }
    last = t
}
END { flush(); printf "%s", pend }

# The answers a record of edu-tb serve --record (docs/guest.md) asks for,
# one per line as edu-tb qtest writes them: each request's '# OK ...'
# comment, else a bare OK; '# INTx 1' / '# INTx 0' (INTA# changed during
# the request before) as 'IRQ raise 11' / 'IRQ lower 11' before that
# request's answer, where qtest's interception puts it.
# With -v requests=FILE, each request line also goes to FILE, in order.
/^# OK/ { sub(/^# /, ""); a[n - 1] = $0; next }
/^# INTx 1$/ { if (n) irq[n - 1] = irq[n - 1] "IRQ raise 11\n"; next }
/^# INTx 0$/ { if (n) irq[n - 1] = irq[n - 1] "IRQ lower 11\n"; next }
/^#/ || /^$/ { next }
{ a[n++] = "OK"; if (requests != "") print > requests }
END { for (i = 0; i < n; i++) printf "%s%s\n", irq[i], a[i] }

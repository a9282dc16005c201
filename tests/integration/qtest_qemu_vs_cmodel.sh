#!/usr/bin/env bash
# Runs one qtest script through `edu-tb qtest` on the cmodel backend and on
# the qemu backend (QEMU's own edu) and checks that every answer agrees,
# except the answers of clock_step/clock_set, which are times and differ by
# design (PCI clocks on cmodel, real time on QEMU 7.2).
#
#   qtest_qemu_vs_cmodel.sh EDU_TB
#
# Exit 0: all agree; 1: a difference (each one printed); 77: QEMU is not
# installed (CTest reports the test as skipped).  The script keeps clear of
# QEMU 7.2's known aborts (docs/reference.md) and of what the pc machine
# has and the C model does not (BIOS ROM, unassigned memory reading 0).
set -euo pipefail

tb=${1:?usage: $0 EDU_TB}
qemu=${EDU_QEMU:-qemu-system-x86_64}
if ! command -v "$qemu" >/dev/null 2>&1; then
    echo "SKIPPED: $qemu is not installed (apt-get install qemu-system-x86)"
    exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/edu-qtest-it.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The script; lines starting with # are comments, stripped before sending.
cat >"$work/script.qtest" <<'QTEST'
# The platform: QEMU's pc, one edu at 00:04.0, nothing programmed yet.
endianness
# Config probe of 00:04.0 (mechanism #1), an empty slot, the host bridge.
inl 0xcf8
outl 0xcf8 0x80002000
inl 0xcf8
inl 0xcfc
inw 0xcfc
inw 0xcfe
inb 0xcfd
outl 0xcf8 0x80002008
inl 0xcfc
outl 0xcf8 0x8000200c
inl 0xcfc
outl 0xcf8 0x8000202c
inl 0xcfc
outl 0xcf8 0x80002030
inl 0xcfc
outl 0xcf8 0x80002034
inl 0xcfc
outl 0xcf8 0x8000203c
inl 0xcfc
outl 0xcf8 0x80002040
inl 0xcfc
outl 0xcf8 0x80002004
inl 0xcfc
outl 0xcf8 0x80002800
inl 0xcfc
outl 0xcf8 0x80000000
inl 0xcfc
# BAR0 sizing, BAR1 absent, BAR0 mapped at 0xfe000000, memory + bus master.
outl 0xcf8 0x80002010
inl 0xcfc
outl 0xcfc 0xffffffff
inl 0xcfc
outl 0xcf8 0x80002014
outl 0xcfc 0xffffffff
inl 0xcfc
outl 0xcf8 0x80002010
outl 0xcfc 0xfe000000
inl 0xcfc
outl 0xcf8 0x80002004
outw 0xcfc 0x0006
inl 0xcfc
# ID, access sizes, unlisted offsets.
readl 0xfe000000
readb 0xfe000000
readw 0xfe000000
readq 0xfe000000
readl 0xfe000010
readl 0xfe000060
readq 0xfe000080
# Liveness.
writel 0xfe000004 0x12345678
readl 0xfe000004
writew 0xfe000004 0
readl 0xfe000004
# Factorial, polled after a pause; the status register's IRQ bit.  QEMU
# computes in a thread and DMAs 100 ms after the command, both in real
# time, so the pauses leave room for a machine busy with other tests.
writel 0xfe000008 5
clock_step 300000000
readl 0xfe000020
readl 0xfe000008
writel 0xfe000008 12
clock_step 300000000
readl 0xfe000020
readl 0xfe000008
writel 0xfe000020 0x81
readl 0xfe000020
writel 0xfe000020 0
# DMA RAM -> buffer -> RAM, 16 bytes each way, with a sleep for each.
write 0x100000 16 0x00112233445566778899aabbccddeeff
writeq 0xfe000080 0x100000
writeq 0xfe000088 0x40000
writel 0xfe000090 16
writeq 0xfe000098 1
clock_step 600000000
readq 0xfe000098
writeq 0xfe000080 0x40000
writeq 0xfe000088 0x200000
writeq 0xfe000098 3
clock_step 600000000
readq 0xfe000098
readl 0xfe000080
readq 0xfe000088
read 0x200000 16
b64read 0x200000 16
# INTx: raise, STATUS bit 3, acknowledge; the pin as the I/O APIC's
# input 11 (IRQ lines), INTx disable and set_irq_in on the way.
irq_intercept_in ioapic
irq_intercept_in /machine/i440fx/ioapic
irq_intercept_out ioapic
irq_intercept_in nosuch
writel 0xfe000060 0x4
readl 0xfe000024
outl 0xcf8 0x80002004
inw 0xcfe
outw 0xcfc 0x0406
inw 0xcfe
outw 0xcfc 0x0006
set_irq_in ioapic unnamed-gpio-in 11 0
set_irq_in ioapic unnamed-gpio-in 5 2
set_irq_in ioapic unnamed-gpio-in 5 1
set_irq_in ioapic unnamed-gpio-in 5 0
writel 0xfe000064 0x4
inw 0xcfe
writel 0xfe000060 0x8
writel 0xfe000064 0x8
# MSI into RAM: address 0x300000, data 0x4242, then enable.
outl 0xcf8 0x80002044
outl 0xcfc 0x300000
outl 0xcf8 0x80002048
outl 0xcfc 0
outl 0xcf8 0x8000204c
outw 0xcfc 0x4242
outl 0xcf8 0x80002040
outw 0xcfe 0x0001
inl 0xcfc
readl 0x300000
writel 0xfe000060 0x1
readl 0x300000
readl 0xfe000024
outl 0xcf8 0x80002004
inw 0xcfe
# DMA with its interrupt, delivered as MSI.
writel 0x300000 0
writel 0xfe000064 1
writeq 0xfe000080 0x40008
writeq 0xfe000088 0x200100
writeq 0xfe000090 8
writeq 0xfe000098 7
clock_step 600000000
readl 0xfe000024
readl 0x300000
read 0x200100 8
QTEST

grep -v '^#' "$work/script.qtest" >"$work/requests"
status=0
for backend in cmodel qemu; do
    if ! "$tb" qtest --backend "$backend" <"$work/requests" \
        >"$work/$backend.out" 2>"$work/$backend.err"; then
        echo "FAIL: edu-tb qtest --backend $backend exited non-zero:"
        cat "$work/$backend.err"
        status=1
    fi
done
[ "$status" -eq 0 ] || exit 1

# The IRQ lines (the pin as the I/O APIC sees it) in the same order on
# both; then set aside, leaving one answer per request.
for backend in cmodel qemu; do
    grep '^IRQ ' "$work/$backend.out" >"$work/$backend.irq" || true
    grep -v '^IRQ ' "$work/$backend.out" >"$work/$backend.ans" || true
    mv "$work/$backend.ans" "$work/$backend.out"
done
if ! diff -u "$work/cmodel.irq" "$work/qemu.irq"; then
    echo "FAIL: the IRQ lines differ (cmodel, qemu)"
    exit 1
fi
if [ "$(wc -l <"$work/cmodel.irq")" -lt 4 ]; then
    echo "FAIL: too few IRQ lines"
    exit 1
fi

# One answer per request; compare all but the clock answers.
awk -v creq="$work/requests" -v cq="$work/qemu.out" '
    {
        getline req <creq
        if ((getline q <cq) <= 0) {
            q = "<no answer>"
        }
        n++
        if (req ~ /^clock_(step|set)( |$)/) {
            skipped++
            next
        }
        if ($0 != q) {
            printf "line %d: %s\n  cmodel: %s\n  qemu:   %s\n", n, req, $0, q
            bad++
        }
    }
    END {
        if ((getline q <cq) > 0) {
            print "qemu gave more answers than cmodel"
            bad++
        }
        printf "%d answers, %d compared, %d differ\n", n, n - skipped, bad
        exit bad ? 1 : 0
    }' "$work/cmodel.out" || status=1

requests=$(wc -l <"$work/requests")
answers=$(wc -l <"$work/cmodel.out")
if [ "$requests" -ne "$answers" ]; then
    echo "FAIL: $requests requests but $answers answers"
    status=1
fi
exit "$status"

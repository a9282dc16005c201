#!/usr/bin/env bash
# Runs a command that needs QEMU, or reports the test skipped (exit 77,
# which CTest shows as "Skipped") when qemu-system-x86_64 is not installed.
#
#   with_qemu.sh COMMAND [ARGS...]
set -euo pipefail
qemu=${EDU_QEMU:-qemu-system-x86_64}
if ! command -v "$qemu" >/dev/null 2>&1; then
    echo "SKIPPED: $qemu is not installed (apt-get install qemu-system-x86)"
    exit 77
fi
cd "${TMPDIR:-/tmp}"
exec "$@"

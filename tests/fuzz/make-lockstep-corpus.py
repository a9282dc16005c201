#!/usr/bin/env python3
"""Writes tests/fuzz/corpus/lockstep: the random streams as fuzz_lockstep
inputs.  Each file is one byte (devices - 1) and then the first 2048
numbers of seed N's stream as testbench/random.c draws them (splitmix64,
8 bytes each, little-endian: random_numbers()), so that the fuzzer starts
from the streams `edu-tb compare --seed N` runs (seeds 1 to 6 with one
device, 7 and 8 with two)."""
import os
import struct
import sys

MASK = (1 << 64) - 1


def splitmix64(seed, n):
    state = seed
    for _ in range(n):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "corpus", "lockstep")
    os.makedirs(out, exist_ok=True)
    for seed in range(1, 9):
        devices = 2 if seed > 6 else 1
        data = bytes([devices - 1]) + b"".join(
            struct.pack("<Q", v) for v in splitmix64(seed, 2048))
        with open(os.path.join(out, "seed-%d" % seed), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()

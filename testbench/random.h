/*
 * Constrained-random, driver-like operation sequences.
 *
 * Every action is something a driver or firmware could do: configuration
 * reads and writes of every size, BAR sizing and moves, register access of
 * every size and offset, factorials, DMAs, interrupt raise and acknowledge,
 * MSI set-up, RAM access.  The constraints keep the stream where the views
 * must agree with QEMU 7.2 (docs/reference.md): nothing that aborts it,
 * nothing that nobody claims, nothing timing-dependent read before a wait.
 */
#ifndef EDU_TB_RANDOM_H
#define EDU_TB_RANDOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cover.h"
#include "lockstep.h"

typedef struct RandomConfig {
    uint64_t seed;
    unsigned long count;        /* operations to issue (after set-up) */
    unsigned n_edu;             /* the platform's edu devices ... */
    const unsigned *edu_slot;   /* ... and their slots */
    uint64_t dma_mask;          /* the platform's (EduPlatformConfig.dma_mask;
                                 * 0: the default, 2^28 - 1) */
    bool beyond_qemu72;         /* also what aborts QEMU 7.2 or differs
                                 * from it by design: DMAs of 0 bytes,
                                 * out of range or ending at 0x41000, an
                                 * operand written while computing, DMA
                                 * registers written while it runs, reads
                                 * where BAR0 no longer decodes */
    Cover *cover;               /* non-NULL: aim at its holes half the
                                 * time (--until-covered) */
    /* Not NULL: the stream's random numbers are taken from these bytes, 8
     * a number (little-endian; 0 once they run out), not from 'seed' (a
     * fuzzer's input: tests/fuzz/fuzz_lockstep.c).  The numbers of seed N
     * written out so are seed N's stream (random_numbers()). */
    const uint8_t *entropy;
    size_t entropy_len;
} RandomConfig;

/* A dma_mask for a seed's platform: the default or 2^k - 1, k from 21
 * (RAM from 1 MiB up must fit under it) to 32. */
uint64_t random_dma_mask(uint64_t seed);

/* The first n random numbers of seed 'seed's stream, as the bytes an
 * entropy input holds them (out: 8 * n bytes). */
void random_numbers(uint64_t seed, uint8_t *out, size_t n);

/* Runs one seed's stream on 'ls' (fresh views), up to its first
 * divergence.  0, or a view's error. */
int random_run(Lockstep *ls, const RandomConfig *cfg);

#endif /* EDU_TB_RANDOM_H */

/*
 * The timing table: how many PCI clocks each kind of transaction costs.
 *
 * This is the one place the numbers live.  The C model and the TLM bridge
 * charge time from it, the RTL is checked against it, and docs/timing.md
 * explains every entry.  A transaction on the bus is
 *
 *     address phase + decode + wait states + one clock per data phase
 *     + turnaround
 *
 * and a bus-master transaction first pays the arbitration clocks.
 */
#ifndef EDU_TIMING_H
#define EDU_TIMING_H

#include <stdint.h>

/* X(name, clocks, meaning) */
#define EDU_TIMING_TABLE(X)                                                   \
    X(ADDR, 1, "address phase (FRAME# asserted, address and command on AD)")  \
    X(DECODE, 1, "medium DEVSEL#: clocks between address and first data")     \
    X(TURNAROUND, 1, "idle clock after the last data phase")                  \
    X(CFG_WAIT, 0, "target wait states before the data of a config access")   \
    X(BAR_WAIT, 0, "target wait states before the data of a BAR access")      \
    X(MASTER_ABORT, 6, "whole transaction that no target claims")             \
    X(ARB, 2, "bus-master arbitration: REQ# to GNT# to FRAME#")              \
    X(RAM_READ_WAIT, 2, "host bridge wait states before the first read data") \
    X(RAM_WRITE_WAIT, 0, "host bridge wait states before the first write")    \
    X(BURST_BYTES, 64, "DMA bursts end at this RAM address alignment")        \
    X(DMA_START, 1, "clocks from the command write to the DMA's REQ#")        \
    X(FACT_SETUP, 1, "clocks from the operand write to the first multiply")   \
    X(FACT_MUL, 1, "clocks per multiply of the factorial unit")

enum {
#define EDU_TIMING_ENUM(name, clocks, meaning) EDU_T_##name = (clocks),
    EDU_TIMING_TABLE(EDU_TIMING_ENUM)
#undef EDU_TIMING_ENUM
};

/* One PCI clock at 33.33 MHz, the default time base of every view. */
#define EDU_CLOCK_NS_DEFAULT 30u

/* Clocks from a transaction's start to its first data phase. */
static inline uint64_t edu_timing_first_data(uint64_t wait)
{
    return EDU_T_ADDR + EDU_T_DECODE + wait;
}

/* Clocks of a claimed transaction with 'beats' data phases. */
static inline uint64_t edu_timing_transaction(uint64_t wait, uint64_t beats)
{
    return edu_timing_first_data(wait) + beats + EDU_T_TURNAROUND;
}

/* Clocks of a transaction nobody claims that was to have 'beats' data
 * phases: no DEVSEL# by the fourth clock after the address phase, the
 * master gives up on the fifth and idles on the sixth; a burst deasserts
 * FRAME# first and IRDY# one clock later, which takes one more. */
static inline uint64_t edu_timing_master_abort(uint64_t beats)
{
    return EDU_T_MASTER_ABORT + (beats > 1);
}

/* Data phases (DWORDs touched) to move 'len' bytes starting at 'addr'. */
static inline uint64_t edu_timing_beats(uint64_t addr, uint64_t len)
{
    return len ? ((addr & 3) + len + 3) / 4 : 0;
}

#endif /* EDU_TIMING_H */

/*
 * The RTL view as a platform (edu/platform.h): the Verilated edu devices (rtl/)
 * on a signal-level PCI bus, with the host side of the platform around them.
 *
 * A harness in C++ (rtl/sim/) holds, per platform: one Verilated model per
 * edu device and one for the bus (pull-ups, resolution, the names of the
 * waveforms), the host bridge as PCI initiator (the CPU's configuration and
 * memory transactions) and as target (host RAM for the devices' DMA and
 * MSI, with the timing table's wait states; its own configuration space),
 * the arbiter, and a protocol monitor that checks the PCI rules on every
 * clock.  The CPU side is the C model's own (edu/host_cpu.h): accesses are
 * cut and routed exactly as there, RAM and CONFIG_ADDRESS take no clocks.
 *
 * Time is the PCI clock.  Every call that looks at the devices first lets
 * them run up to the host's clock; an idle platform is not clocked at all
 * (nothing can change), so long waits cost nothing.  A protocol violation
 * (or a model failure) makes every later call fail with -EIO; the reason
 * is in edu_platform_error().  Several platforms may live in one process, one
 * after the other or at once (each has its own VerilatedContext).
 */
#ifndef EDU_RTL_H
#define EDU_RTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The C model's headers (C linkage from C++ too). */
#include "edu/edu.h"
#include "edu/log.h"
#include "edu/platform.h"

/* EDU_PLATFORM_MAX_EDU devices at most, in bus 0 slots 1..20 (IDSEL on
 * AD[16 + slot], 16..20 on AD[11..15]). */
#define EDU_RTL_MAX_EDU EDU_PLATFORM_MAX_EDU

/* What only the RTL view has, beyond the platform's configuration. */
typedef struct EduRtlOptions {
    unsigned clock_ns; /* 0: EDU_CLOCK_NS_DEFAULT */
    EduLogFn log_fn;   /* NULL: edu_log_stderr (none when quiet) */
    void *log_opaque;
    /* Not 0: the host bridge's RAM target answers the devices' DMA and MSI
     * with random wait states, retries and disconnects (from this seed),
     * as PCI allows: the same data, other clocks (a test of the devices'
     * bus master). */
    uint64_t target_stress_seed;
    /* Not 0: the RAM target ends with a target abort every memory
     * transaction of the devices that starts in [target_abort_base,
     * target_abort_base + target_abort_size) (a test of the devices' bus
     * master: no data moves). */
    uint64_t target_abort_base;
    uint64_t target_abort_size;
    /* Not 0 (tests only): the protocol monitor's findings are not
     * reported, so that a test sees the devices' own protocol checkers
     * (rtl/formal/, Verilator --assert) fail the run by themselves. */
    int no_monitor;
    /* Not 0 (tests only): the devices' protocol checkers' findings are
     * not reported, so that a test sees the monitor's alone. */
    int no_checkers;
} EduRtlOptions;

/* The RTL view as a platform (edu/platform.h); 'rtl-stress' is the same
 * with a fixed target_stress_seed. */
extern const EduPlatformOps edu_rtl_platform_ops;
extern const EduPlatformOps edu_rtl_stress_platform_ops;

/* A platform with options (NULL: the defaults); NULL on failure, with the
 * reason in err.  Destroy it with its ops->destroy().  The calls below
 * take such a platform. */
EduPlatform *edu_rtl_create(const EduPlatformConfig *cfg,
                            const EduRtlOptions *opt, char *err, size_t errlen);

/* The clock period, in ns. */
unsigned edu_rtl_clock_ns(const EduPlatform *rtl);

/* Device i's state (i < n_edu), at the host's clock. */
/* Device i's state (i < n_edu), at the host's clock. */
int edu_rtl_state(EduPlatform *rtl, unsigned i, EduState *state);

/* Clocks the Verilated models were actually evaluated for (idle stretches
 * are skipped), for the benchmarks. */
uint64_t edu_rtl_clocks_evaluated(const EduPlatform *rtl);

/* How the host bridge's RAM target ended the devices' transactions before
 * the master did: retries (STOP# before any data), disconnects with data
 * (STOP# with TRDY#) and without (STOP# after data; also at the end of
 * RAM), target aborts (STOP# with DEVSEL# deasserted).  Without
 * target_stress_seed and a target-abort range only disconnects without
 * data happen. */
typedef struct EduRtlTargetStops {
    unsigned long retries;
    unsigned long disconnects_with_data;
    unsigned long disconnects_without_data;
    unsigned long target_aborts;
} EduRtlTargetStops;
void edu_rtl_target_stops(const EduPlatform *rtl, EduRtlTargetStops *stops);

/* Faults the host bridge can inject into its next transaction, to show
 * that the monitor catches them (tests only). */
typedef enum EduRtlFault {
    EDU_RTL_FAULT_NONE,
    /* FRAME# deasserted one clock before IRDY# is asserted. */
    EDU_RTL_FAULT_FRAME_BEFORE_IRDY,
    /* IRDY# withdrawn in a wait state of the data phase (after DEVSEL#,
     * before TRDY#): on a transaction with a wait state. */
    EDU_RTL_FAULT_IRDY_WITHDRAWN,
    /* Write data changed while IRDY# waits for TRDY#. */
    EDU_RTL_FAULT_AD_UNSTABLE,
    /* Wrong PAR one clock after the address phase. */
    EDU_RTL_FAULT_BAD_PARITY,
    /* Each of the following breaks one more rule of the monitor, in the
     * next transaction of the host bridge (clock k: k clocks after its
     * address phase; "a read of 00:00.0": the host bridge's own
     * configuration space, which its target answers; "a burst": a
     * configuration access across a DWORD, two data phases).  See
     * tests/integration/rtl_monitor_fault.c for the access each needs. */
    /* The initiator drives AD in clock 2 of a read, with the target. */
    EDU_RTL_FAULT_CONTENTION,
    /* The target drives a read's data in clock 1 (of a read of 00:00.0),
     * right after the initiator's address. */
    EDU_RTL_FAULT_NO_TURNAROUND,
    /* The initiator releases IRDY# in clock 3 without driving it high. */
    EDU_RTL_FAULT_RELEASED_ASSERTED,
    /* The initiator asserts FRAME# again in clock 2, while IRDY# is. */
    EDU_RTL_FAULT_FAST_BACK_TO_BACK,
    /* In a dual address cycle (a memory read above 4 GiB), FRAME#
     * deasserted in the second address phase (clock 1). */
    EDU_RTL_FAULT_DAC_FRAME_RELEASED,
    /* The address phase is driven as the first edu device's, without GNT#. */
    EDU_RTL_FAULT_NO_GNT,
    /* The address phase without AD driven. */
    EDU_RTL_FAULT_ADDR_NO_AD,
    /* FRAME# deasserted in clock 2 of a burst nobody claims (IRDY# waits). */
    EDU_RTL_FAULT_FRAME_CHANGED,
    /* C/BE# changed in clock 2 while IRDY# waits. */
    EDU_RTL_FAULT_CBE_CHANGED,
    /* The initiator does not master-abort until two clocks late. */
    EDU_RTL_FAULT_NO_MASTER_ABORT,
    /* C/BE# not driven in clock 1. */
    EDU_RTL_FAULT_CBE_UNDRIVEN,
    /* The initiator keeps AD driven in clock 1 of a read. */
    EDU_RTL_FAULT_READ_TURNAROUND,
    /* The target asserts STOP# with TRDY# in clock 2 of a burst of
     * 00:00.0 and deasserts it in clock 3, before FRAME#. */
    EDU_RTL_FAULT_STOP_RELEASED_EARLY,
    /* The same STOP# held, and the initiator keeps FRAME# in clock 3. */
    EDU_RTL_FAULT_FRAME_AFTER_STOP,
    /* The target asserts TRDY# without DEVSEL# (clock 2, 00:00.0). */
    EDU_RTL_FAULT_TRDY_NO_DEVSEL,
    /* The target asserts STOP# without DEVSEL# (clock 2, 00:00.0). */
    EDU_RTL_FAULT_STOP_NO_DEVSEL,
    /* The target asserts DEVSEL# in the address phase. */
    EDU_RTL_FAULT_DEVSEL_IN_ADDRESS,
    /* The initiator asserts IRDY# in clock 4, after the transaction. */
    EDU_RTL_FAULT_IRDY_OUTSIDE,
    /* PAR not driven in clock 1. */
    EDU_RTL_FAULT_PAR_UNDRIVEN,
    /* The target's STOP# in clocks 2 and 3 of a one-phase read of
     * 00:00.0: still asserted after the last data phase. */
    EDU_RTL_FAULT_STOP_AFTER_LAST,
    /* A read of 00:00.0 whose IRDY# the initiator holds off in clocks 1
     * and 2 (FRAME# kept asserted), so that the data phase waits on it
     * with the target's TRDY# in clock 2; the target changes its read
     * data on AD in clock 3 (two bits: the parity stays right). */
    EDU_RTL_FAULT_READ_DATA_CHANGED,
    /* The same wait; the target deasserts TRDY# in clock 3. */
    EDU_RTL_FAULT_TRDY_WITHDRAWN,
} EduRtlFault;
void edu_rtl_inject(EduPlatform *rtl, EduRtlFault fault);

/* Records, clock by clock, what the host side drives and the arbiter
 * grants into 'path' (hex, one clock a line), so that another simulator
 * can replay the same stimulus on the same RTL (bench/).  0 or -errno. */
int edu_rtl_record(EduPlatform *rtl, const char *path);

#ifdef __cplusplus
}
#endif

#endif /* EDU_RTL_H */

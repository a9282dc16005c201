/*
 * The C shim of the TLM view: build, drive and step the SystemC world
 * (tlm-bridge/, docs/tlm.md) from plain C.  This is the only header of the
 * bridge that C code includes.
 *
 * One simulation is one platform (edu/platform.h): its own SystemC
 * simulation context with a platform_tlm in it (a CPU, the host bridge and
 * bus 0, RAM at 0, edu devices), elaborated when it is created.  Any number
 * can be created and destroyed one after another in a process, and several
 * can live at once; every operation makes its simulation's context the
 * current one.  Not thread safe (SystemC is not): one thread at a time, for
 * all of them.
 *
 * The operations are those of the C model's host (edu/host.h), through
 * TLM: the CPU is a blocking initiator with a quantum keeper, and every
 * answer and every clock is the C model's (PCI clocks of 30 ns).  -EIO
 * means SystemC reported an error; its text is in edu_platform_error().
 */
#ifndef EDU_TLM_SIM_H
#define EDU_TLM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "edu/platform.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How far the CPU runs ahead of the kernel by default. */
#define TLM_SIM_QUANTUM_NS_DEFAULT 10000u

/* What only the TLM view has, beyond the platform's configuration. */
typedef struct TlmSimOptions {
    uint64_t quantum_ns;    /* 0: TLM_SIM_QUANTUM_NS_DEFAULT */
    bool no_quantum_keeper; /* sync after every access (benchmarks) */
    bool no_dmi;            /* RAM only through b_transport */
    bool check_protocol;    /* a base-protocol checker on every binding */
} TlmSimOptions;

/* The TLM view as a platform (edu/platform.h): its create() is
 * tlm_sim_create() with every option at its default. */
extern const EduPlatformOps edu_tlm_platform_ops;

/* A simulation with options (NULL: the defaults); NULL on failure, with
 * the reason in 'err'.  Destroy it with its ops->destroy(). */
EduPlatform *tlm_sim_create(const EduPlatformConfig *cfg,
                            const TlmSimOptions *opt, char *err, size_t errlen);

/* DMI on or off from now on (pointers held are dropped): 0 or -EIO. */
int tlm_sim_set_dmi(EduPlatform *sim, bool on);
/* Base-protocol violations counted (TlmSimOptions.check_protocol); after
 * the first, its message is in edu_platform_error(). */
unsigned long tlm_sim_protocol_violations(EduPlatform *sim);

#ifdef __cplusplus
}
#endif

#endif /* EDU_TLM_SIM_H */

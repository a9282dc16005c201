/*
 * The C shim of the TLM view: build, drive and step the SystemC world
 * (tlm-bridge/, docs/tlm.md) from plain C.  This is the only header of the
 * bridge that C code includes.
 *
 * A TlmSim is one simulation: its own SystemC simulation context with a
 * platform_tlm in it (a CPU, the host bridge and bus 0, RAM at 0, edu
 * devices), elaborated when it is created.  Any number can be created and
 * destroyed one after another in a process, and several can live at once;
 * every call makes its simulation's context the current one.  Not thread
 * safe (SystemC is not): one thread at a time, for all of them.
 *
 * The calls are those of the C model's host (edu/host.h), through TLM:
 * the CPU is a blocking initiator with a quantum keeper, and every answer
 * and every clock is the C model's.  Time is PCI clocks of
 * tlm_sim_clock_ns() ns.  Calls return 0 or a negative errno: -EINVAL for
 * a size the call does not take, -ERANGE outside RAM, -EIO when SystemC
 * reported an error (the text is in tlm_sim_error()).
 */
#ifndef EDU_TLM_SIM_H
#define EDU_TLM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TLM_SIM_MAX_EDU 32
/* How far the CPU runs ahead of the kernel by default. */
#define TLM_SIM_QUANTUM_NS_DEFAULT 10000u

typedef struct TlmSim TlmSim;

typedef struct TlmSimConfig {
    uint64_t ram_size;                  /* bytes; 0: 128 MiB */
    unsigned n_edu;                     /* edu devices on bus 0 (function 0) */
    unsigned edu_slot[TLM_SIM_MAX_EDU]; /* their slots, 1..31 */
    uint64_t dma_mask;                  /* 0: the device default (2^28 - 1) */
    const char *vcd_path;               /* NULL: no waveforms */
    bool quiet;             /* count guest errors, do not print them */
    uint64_t quantum_ns;    /* 0: TLM_SIM_QUANTUM_NS_DEFAULT */
    bool no_quantum_keeper; /* sync after every access (benchmarks) */
    bool no_dmi;            /* RAM only through b_transport */
    bool check_protocol;    /* a base-protocol checker on every binding */
} TlmSimConfig;

/* NULL on failure, with the reason in 'err' (may be NULL). */
TlmSim *tlm_sim_create(const TlmSimConfig *cfg, char *err, size_t errlen);
/* Completes the waveform (the kernel catches up with the CPU first): 0 or
 * a negative errno with the reason in tlm_sim_error().  destroy does it
 * too, but cannot say whether it worked. */
int tlm_sim_finish(TlmSim *sim);
void tlm_sim_destroy(TlmSim *sim);
const char *tlm_sim_error(const TlmSim *sim);

/* CPU port I/O of 1, 2 or 4 bytes. */
int tlm_sim_io_read(TlmSim *sim, uint16_t port, unsigned size, uint32_t *val);
int tlm_sim_io_write(TlmSim *sim, uint16_t port, uint32_t val, unsigned size);
/* CPU memory access of 1, 2, 4 or 8 bytes, and of any length, cut as the
 * C model's host cuts it. */
int tlm_sim_mem_read(TlmSim *sim, uint64_t addr, unsigned size, uint64_t *val);
int tlm_sim_mem_write(TlmSim *sim, uint64_t addr, uint64_t val, unsigned size);
int tlm_sim_mem_read_buf(TlmSim *sim, uint64_t addr, void *buf, size_t len);
int tlm_sim_mem_write_buf(TlmSim *sim, uint64_t addr, const void *buf,
                          size_t len);
/* RAM alone: no bus and no time; the devices catch up with the CPU first. */
int tlm_sim_ram_read(TlmSim *sim, uint64_t addr, void *buf, size_t len);
int tlm_sim_ram_write(TlmSim *sim, uint64_t addr, const void *buf, size_t len);

/* Lets 'ns' pass, rounded up to whole clocks. */
int tlm_sim_advance(TlmSim *sim, uint64_t ns);
uint64_t tlm_sim_now_ns(TlmSim *sim);
unsigned tlm_sim_clock_ns(const TlmSim *sim);
/* When the devices next have work of their own, in ns; -ENOENT: none. */
int tlm_sim_next_event_ns(TlmSim *sim, uint64_t *ns);
/* INTA# as the host sees it now: 1 asserted, 0 not (or a negative errno). */
int tlm_sim_intx(TlmSim *sim);
unsigned long tlm_sim_guest_errors(TlmSim *sim);

/* DMI on or off from now on (pointers held are dropped). */
int tlm_sim_set_dmi(TlmSim *sim, bool on);
/* Base-protocol violations counted (check_protocol); the first one's
 * message in tlm_sim_error(). */
unsigned long tlm_sim_protocol_violations(TlmSim *sim);

#ifdef __cplusplus
}
#endif

#endif /* EDU_TLM_SIM_H */

/*
 * The platform interface: what every view of the edu platform does for
 * the one driving it (a CPU's port and memory accesses, RAM, time, INTA#,
 * guest errors, its waveform), and the one configuration every view takes.
 *
 * A view fills an EduPlatformOps table and makes its own state start with
 * an EduPlatform, so that the table and the error text travel with it.
 * The views: the C model (edu_cmodel_platform_ops, below), the TLM view
 * (tlm_sim.h), the RTL view (edu/rtl.h); the testbench adds QEMU's edu.
 * docs/architecture.md shows how to add one.
 *
 * Every operation returns 0 or a negative errno: -EINVAL for an access size
 * the operation does not take, -ERANGE for RAM outside the view's RAM,
 * -EIO when the view itself failed (its text is in edu_platform_error()).
 * Time is in ns; the simulated views count PCI clocks and round a wait up
 * to whole clocks.
 */
#ifndef EDU_PLATFORM_H
#define EDU_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EDU_PLATFORM_MAX_EDU 8
/* First edu slot when the configuration names none (QEMU's addr=04.0);
 * the next devices go to the slots after it. */
#define EDU_PLATFORM_FIRST_SLOT 4

typedef struct EduPlatformConfig {
    uint64_t ram_size;                       /* bytes; 0: 128 MiB */
    unsigned n_edu;                          /* edu devices; 0: one */
    unsigned edu_slot[EDU_PLATFORM_MAX_EDU]; /* bus 0 slots; 0: 4, 5, ... */
    uint64_t dma_mask;    /* 0: the device default (2^28 - 1) */
    const char *vcd_path; /* NULL: no waveforms */
    bool quiet;           /* count guest errors, do not print them */
    /*
     * NULL: the view has RAM of its own (zero-filled).  Set: the view's RAM
     * is these ram_size bytes (page-aligned; ram_size then must be given),
     * which the caller owns, keeps mapped until destroy and may remap in
     * place (MAP_FIXED) between two operations: the devices' DMA reads and
     * writes them directly, as it would its own.  edu-tb serve puts a
     * QEMU guest's RAM there (docs/guest.md).
     */
    void *ram;
    /* vcd_path is written as FST (GTKWave's compressed format) instead of
     * VCD.  The RTL view only (Verilator's --trace-fst); the C model and
     * TLM views refuse it (docs/waves.md). */
    bool fst;
} EduPlatformConfig;

/*
 * The configuration with every default filled in ('in' NULL: all
 * defaults), checked: 0, or -EINVAL with the reason in err.  The one place
 * the defaults are decided; every view's create() calls it.
 */
int edu_platform_config_resolve(const EduPlatformConfig *in,
                                EduPlatformConfig *out, char *err,
                                size_t errlen);

typedef struct EduPlatform EduPlatform;

typedef struct EduPlatformOps {
    const char *name;
    const char *summary; /* one line for --help */
    /* NULL on failure, with a one-line reason in err. */
    EduPlatform *(*create)(const EduPlatformConfig *cfg, char *err,
                           size_t errlen);
    /* Also completes the waveform, without saying whether it could. */
    void (*destroy)(EduPlatform *p);

    /* CPU port I/O of 1, 2 or 4 bytes. */
    int (*io_read)(EduPlatform *p, uint16_t port, unsigned size, uint32_t *val);
    int (*io_write)(EduPlatform *p, uint16_t port, uint32_t val, unsigned size);
    /* CPU memory access of 1, 2, 4 or 8 bytes, through the memory map. */
    int (*mem_read)(EduPlatform *p, uint64_t addr, unsigned size,
                    uint64_t *val);
    int (*mem_write)(EduPlatform *p, uint64_t addr, uint64_t val,
                     unsigned size);
    /* Any length through the memory map, cut as a CPU would. */
    int (*mem_read_buf)(EduPlatform *p, uint64_t addr, void *buf, size_t len);
    int (*mem_write_buf)(EduPlatform *p, uint64_t addr, const void *buf,
                         size_t len);
    /* RAM alone: no bus, no time (the devices catch up first). */
    int (*ram_read)(EduPlatform *p, uint64_t addr, void *buf, size_t len);
    int (*ram_write)(EduPlatform *p, uint64_t addr, const void *buf,
                     size_t len);

    /* Time in ns: move it on, read it. */
    int (*advance)(EduPlatform *p, uint64_t ns);
    uint64_t (*now_ns)(EduPlatform *p);
    /* Optional (NULL: the view cannot tell): when the view next has work
     * of its own to do; -ENOENT when nothing is pending. */
    int (*next_event_ns)(EduPlatform *p, uint64_t *ns);
    /* INTA# as the host sees it: 1 asserted, 0 not, or a negative errno. */
    int (*intx)(EduPlatform *p);
    /* Guest errors the view reported so far (0 where it cannot tell). */
    unsigned long (*guest_errors)(EduPlatform *p);
    /* Completes the waveform file, if any: 0 or a negative errno. */
    int (*finish)(EduPlatform *p);
} EduPlatformOps;

/* The start of every view's state. */
struct EduPlatform {
    const EduPlatformOps *ops;
    char error[256]; /* why the last failing operation failed */
};

/* Sets p's error text and returns err as a negative errno (-EIO for 0). */
int edu_platform_fail(EduPlatform *p, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *edu_platform_error(const EduPlatform *p);

/* For the views that count PCI clocks of clock_ns each: ns as whole clocks
 * (rounded up), and clocks as ns (UINT64_MAX past it). */
uint64_t edu_platform_clocks_from_ns(uint64_t ns, uint64_t clock_ns);
uint64_t edu_platform_ns_from_clocks(uint64_t clocks, uint64_t clock_ns);

/* The C model, called directly: PCI clocks of 30 ns, its own VCD. */
extern const EduPlatformOps edu_cmodel_platform_ops;

#ifdef __cplusplus
}
#endif

#endif /* EDU_PLATFORM_H */

/*
 * The one interface every view implements for the testbench.
 *
 * Nothing above it knows which view it talks to.  Each backend lives in its
 * own backend_<name>.c and is listed once in the registry table of
 * backend.c.  Every call returns 0 or a negative errno (-EIO when the view
 * itself failed, e.g. QEMU died); the error text is then in backend_error().
 */
#ifndef EDU_TB_BACKEND_H
#define EDU_TB_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BACKEND_MAX_EDU 8
/* First edu slot when the configuration names none (QEMU's addr=04.0);
 * the next devices go to the slots after it. */
#define BACKEND_FIRST_SLOT 4

typedef struct BackendConfig {
    uint64_t ram_size;                  /* bytes; 0: 128 MiB */
    unsigned n_edu;                     /* edu devices; 0: one */
    unsigned edu_slot[BACKEND_MAX_EDU]; /* bus 0 slots; default 4, 5, ... */
    uint64_t dma_mask;                  /* 0: the device default (2^28 - 1) */
    const char *vcd_path;               /* NULL: no waveforms */
    bool quiet;                         /* count guest errors, do not print */
} BackendConfig;

typedef struct Backend Backend;

typedef struct BackendOps {
    const char *name;
    const char *summary; /* one line for --help */
    int (*create)(Backend *b, const BackendConfig *cfg);
    void (*destroy)(Backend *b);

    int (*io_read)(Backend *b, uint16_t port, unsigned size, uint32_t *val);
    int (*io_write)(Backend *b, uint16_t port, uint32_t val, unsigned size);
    /* CPU memory access of 1, 2, 4 or 8 bytes, through the memory map. */
    int (*mem_read)(Backend *b, uint64_t addr, unsigned size, uint64_t *val);
    int (*mem_write)(Backend *b, uint64_t addr, uint64_t val, unsigned size);
    /* Any length through the memory map (qtest read/write/memset). */
    int (*mem_read_buf)(Backend *b, uint64_t addr, void *buf, size_t len);
    int (*mem_write_buf)(Backend *b, uint64_t addr, const void *buf,
                         size_t len);
    /* Time in ns: move it on, read it. */
    int (*advance)(Backend *b, uint64_t ns);
    uint64_t (*now_ns)(Backend *b);
    /* Optional (NULL: the view cannot tell): the time in ns at which the
     * view next has work of its own to do (qtest's bare clock_step);
     * -ENOENT when nothing is pending. */
    int (*next_event_ns)(Backend *b, uint64_t *ns);
    /* INTA# as the host sees it (1 asserted, 0 not). */
    int (*intx)(Backend *b);
    /* Guest errors the view reported so far (0 where it cannot tell). */
    unsigned long (*guest_errors)(Backend *b);
    /* Optional (NULL: nothing to finish): completes what the view writes,
     * i.e. its waveform file.  0 or a negative errno. */
    int (*finish)(Backend *b);
} BackendOps;

struct Backend {
    const BackendOps *ops;
    void *priv; /* the backend's own state */
    char error[256];
};

/* The registry (backend.c): by name; every backend, NULL-terminated. */
const BackendOps *backend_find(const char *name);
const BackendOps *const *backend_list(void);

/*
 * A backend by name, configured by cfg (NULL: all defaults).  backend_open
 * fills in the defaults and checks the configuration before the backend's
 * create() sees it.  NULL on failure, with a one-line reason in err.  A
 * create() that fails may leave b->priv partly built: backend_open then
 * calls destroy(), which must cope with that (and with b->priv NULL).
 */
Backend *backend_open(const char *name, const BackendConfig *cfg, char *err,
                      size_t errlen);
/* Completes the view's output files (waveforms): 0, or a negative errno
 * with the reason in backend_error().  backend_close() does it too, but
 * cannot say whether it worked. */
int backend_finish(Backend *b);
void backend_close(Backend *b);
/* Sets b's error text and returns err (a negative errno), for backends. */
int backend_fail(Backend *b, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *backend_error(const Backend *b);

/* For the views that count PCI clocks of clock_ns each: ns as whole
 * clocks (rounded up), and clocks as ns (UINT64_MAX past it). */
uint64_t backend_clocks_from_ns(uint64_t ns, uint64_t clock_ns);
uint64_t backend_ns_from_clocks(uint64_t clocks, uint64_t clock_ns);

#endif /* EDU_TB_BACKEND_H */

/*
 * The 'rtl' backend: the SystemVerilog edu devices (rtl/) Verilated, on a
 * signal-level PCI bus, through the harness's C API (edu/rtl.h).
 *
 * Time is the harness's PCI clock, 30 ns by default: advance(ns) moves it
 * by whole clocks, rounding up, and now_ns() is the clock count times the
 * period, as on cmodel.  The harness's protocol monitor checks every
 * clock; a violation fails the operation that ran into it (-EIO, with the
 * monitor's text), and every one after it.  Waveforms: Verilator's own VCD
 * of the bus and device models, with the signal names of docs/waves.md,
 * completed by finish().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "edu/rtl.h"

typedef struct RtlBackend {
    EduRtl *rtl;
    uint64_t clock_ns;
    char vcd_path[256];
} RtlBackend;

static EduRtl *rtl_of(Backend *b)
{
    return ((RtlBackend *)b->priv)->rtl;
}

/* The operation's return code, with the harness's reason on failure. */
static int rtl_check(Backend *b, int rc, const char *what)
{
    if (rc == -EIO) {
        return backend_fail(b, rc, "rtl backend: %s: %s", what,
                            edu_rtl_error(rtl_of(b)));
    }
    if (rc < 0) {
        return backend_fail(b, rc, "rtl backend: %s: %s", what, strerror(-rc));
    }
    return 0;
}

/* rtl-stress: the seed of its host bridge's wait states, retries and
 * disconnects (any fixed one: the same operations, the same run). */
#define RTL_STRESS_SEED 0x9e3779b97f4a7c15ull

static int rtl_open(Backend *b, const BackendConfig *cfg, uint64_t stress_seed)
{
    EduRtlConfig rc = {
        .ram_size = cfg->ram_size,
        .n_edu = cfg->n_edu,
        .dma_mask = cfg->dma_mask,
        .vcd_path = cfg->vcd_path,
        .quiet = cfg->quiet,
        .target_stress_seed = stress_seed,
    };
    RtlBackend *r;
    char err[256];

    r = calloc(1, sizeof(*r));
    if (!r) {
        return backend_fail(b, -ENOMEM, "rtl backend: out of memory");
    }
    b->priv = r;
    for (unsigned i = 0; i < cfg->n_edu && i < EDU_RTL_MAX_EDU; i++) {
        rc.edu_slot[i] = cfg->edu_slot[i];
    }
    r->rtl = edu_rtl_create(&rc, err, sizeof(err));
    if (!r->rtl) {
        return backend_fail(b, -EINVAL, "rtl backend: %s", err);
    }
    if (cfg->vcd_path) {
        snprintf(r->vcd_path, sizeof(r->vcd_path), "%s", cfg->vcd_path);
    }
    r->clock_ns = edu_rtl_clock_ns(r->rtl);
    return 0;
}

static int rtl_create(Backend *b, const BackendConfig *cfg)
{
    return rtl_open(b, cfg, 0);
}

static int rtl_create_stress(Backend *b, const BackendConfig *cfg)
{
    return rtl_open(b, cfg, RTL_STRESS_SEED);
}

static int rtl_finish(Backend *b)
{
    RtlBackend *r = b->priv;
    int rc = edu_rtl_finish(r->rtl);

    if (rc < 0) {
        return backend_fail(b, rc, "rtl backend: waveform %s: %s", r->vcd_path,
                            strerror(-rc));
    }
    return 0;
}

static void rtl_destroy(Backend *b)
{
    RtlBackend *r = b->priv;

    if (r) {
        edu_rtl_destroy(r->rtl);
        free(r);
        b->priv = NULL;
    }
}

static int rtl_io_read(Backend *b, uint16_t port, unsigned size, uint32_t *val)
{
    return rtl_check(b, edu_rtl_io_read(rtl_of(b), port, size, val),
                     "port read");
}

static int rtl_io_write(Backend *b, uint16_t port, uint32_t val, unsigned size)
{
    return rtl_check(b, edu_rtl_io_write(rtl_of(b), port, val, size),
                     "port write");
}

static int rtl_mem_read(Backend *b, uint64_t addr, unsigned size, uint64_t *val)
{
    return rtl_check(b, edu_rtl_mem_read(rtl_of(b), addr, size, val),
                     "memory read");
}

static int rtl_mem_write(Backend *b, uint64_t addr, uint64_t val, unsigned size)
{
    return rtl_check(b, edu_rtl_mem_write(rtl_of(b), addr, val, size),
                     "memory write");
}

static int rtl_mem_read_buf(Backend *b, uint64_t addr, void *buf, size_t len)
{
    return rtl_check(b, edu_rtl_mem_read_buf(rtl_of(b), addr, buf, len),
                     "memory read");
}

static int rtl_mem_write_buf(Backend *b, uint64_t addr, const void *buf,
                             size_t len)
{
    return rtl_check(b, edu_rtl_mem_write_buf(rtl_of(b), addr, buf, len),
                     "memory write");
}

static int rtl_advance(Backend *b, uint64_t ns)
{
    RtlBackend *r = b->priv;

    return rtl_check(
        b, edu_rtl_advance(r->rtl, backend_clocks_from_ns(ns, r->clock_ns)),
        "advance");
}

static uint64_t rtl_now_ns(Backend *b)
{
    RtlBackend *r = b->priv;

    return backend_ns_from_clocks(edu_rtl_now(r->rtl), r->clock_ns);
}

static int rtl_next_event_ns(Backend *b, uint64_t *ns)
{
    RtlBackend *r = b->priv;
    uint64_t next;
    int rc = edu_rtl_next_event(r->rtl, &next);

    if (rc == -ENOENT) {
        return rc;
    }
    if (rc < 0) {
        return rtl_check(b, rc, "next event");
    }
    *ns = backend_ns_from_clocks(next, r->clock_ns);
    return 0;
}

static int rtl_intx(Backend *b)
{
    int rc = edu_rtl_intx(rtl_of(b));

    return rc < 0 ? rtl_check(b, rc, "INTx") : rc;
}

static unsigned long rtl_guest_errors(Backend *b)
{
    return edu_rtl_guest_errors(rtl_of(b));
}

/* Both backends but for how they are created. */
#define RTL_BACKEND_OPS(create_fn)                                             \
    .create = (create_fn), .destroy = rtl_destroy, .io_read = rtl_io_read,     \
    .io_write = rtl_io_write, .mem_read = rtl_mem_read,                        \
    .mem_write = rtl_mem_write, .mem_read_buf = rtl_mem_read_buf,              \
    .mem_write_buf = rtl_mem_write_buf, .advance = rtl_advance,                \
    .now_ns = rtl_now_ns, .next_event_ns = rtl_next_event_ns,                  \
    .intx = rtl_intx, .guest_errors = rtl_guest_errors, .finish = rtl_finish

const BackendOps backend_rtl_ops = {
    .name = "rtl",
    .summary = "the SystemVerilog device, Verilated, on a signal-level PCI "
               "bus (30 ns clocks)",
    RTL_BACKEND_OPS(rtl_create),
};

const BackendOps backend_rtl_stress_ops = {
    .name = "rtl-stress",
    .summary = "rtl, with a host bridge that answers DMA and MSI with random "
               "wait states, retries and disconnects (same values, other "
               "clocks)",
    RTL_BACKEND_OPS(rtl_create_stress),
};

/*
 * The 'tlm' backend: the TLM-2.0 view (tlm-bridge/), the C model in
 * SystemC sockets, driven through its C shim (tlm_sim.h).
 *
 * Every backend_open() builds a simulation of its own (its own SystemC
 * context), so edu-tb can open and close this view once per scenario and
 * seed.  Time is the C model's, carried by the bridge: PCI clocks of
 * tlm_sim_clock_ns() ns; advance(ns) moves on by whole clocks, rounding up,
 * as on 'cmodel'.  Waveforms: sc_trace into a VCD, completed by finish().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "tlm_sim.h"

static TlmSim *tlm_of(Backend *b)
{
    return b->priv;
}

/* The shim's reason, under this backend's name. */
static int tlm_fail(Backend *b, int rc, const char *what)
{
    return backend_fail(b, rc, "tlm backend: %s: %s", what,
                        rc == -EIO ? tlm_sim_error(tlm_of(b)) : strerror(-rc));
}

static int tlm_create(Backend *b, const BackendConfig *cfg)
{
    TlmSimConfig tc = {
        .ram_size = cfg->ram_size,
        .n_edu = cfg->n_edu,
        .dma_mask = cfg->dma_mask,
        .vcd_path = cfg->vcd_path,
        .quiet = cfg->quiet,
    };
    char err[256];

    for (unsigned i = 0; i < cfg->n_edu; i++) {
        tc.edu_slot[i] = cfg->edu_slot[i];
    }
    b->priv = tlm_sim_create(&tc, err, sizeof(err));
    if (!b->priv) {
        return backend_fail(b, -EIO, "tlm backend: %s", err);
    }
    return 0;
}

static int tlm_finish(Backend *b)
{
    int rc = tlm_sim_finish(tlm_of(b));

    if (rc < 0) {
        return backend_fail(b, rc, "tlm backend: %s", tlm_sim_error(b->priv));
    }
    return 0;
}

static void tlm_destroy(Backend *b)
{
    tlm_sim_destroy(tlm_of(b));
    b->priv = NULL;
}

static int tlm_io_read(Backend *b, uint16_t port, unsigned size, uint32_t *val)
{
    int rc = tlm_sim_io_read(tlm_of(b), port, size, val);

    return rc < 0 ? tlm_fail(b, rc, "port read") : 0;
}

static int tlm_io_write(Backend *b, uint16_t port, uint32_t val, unsigned size)
{
    int rc = tlm_sim_io_write(tlm_of(b), port, val, size);

    return rc < 0 ? tlm_fail(b, rc, "port write") : 0;
}

static int tlm_mem_read(Backend *b, uint64_t addr, unsigned size, uint64_t *val)
{
    int rc = tlm_sim_mem_read(tlm_of(b), addr, size, val);

    return rc < 0 ? tlm_fail(b, rc, "memory read") : 0;
}

static int tlm_mem_write(Backend *b, uint64_t addr, uint64_t val, unsigned size)
{
    int rc = tlm_sim_mem_write(tlm_of(b), addr, val, size);

    return rc < 0 ? tlm_fail(b, rc, "memory write") : 0;
}

static int tlm_mem_read_buf(Backend *b, uint64_t addr, void *buf, size_t len)
{
    int rc = tlm_sim_mem_read_buf(tlm_of(b), addr, buf, len);

    return rc < 0 ? tlm_fail(b, rc, "memory read") : 0;
}

static int tlm_mem_write_buf(Backend *b, uint64_t addr, const void *buf,
                             size_t len)
{
    int rc = tlm_sim_mem_write_buf(tlm_of(b), addr, buf, len);

    return rc < 0 ? tlm_fail(b, rc, "memory write") : 0;
}

static int tlm_advance(Backend *b, uint64_t ns)
{
    int rc = tlm_sim_advance(tlm_of(b), ns);

    return rc < 0 ? tlm_fail(b, rc, "advance") : 0;
}

static uint64_t tlm_now_ns(Backend *b)
{
    return tlm_sim_now_ns(tlm_of(b));
}

static int tlm_next_event_ns(Backend *b, uint64_t *ns)
{
    int rc = tlm_sim_next_event_ns(tlm_of(b), ns);

    return rc < 0 && rc != -ENOENT ? tlm_fail(b, rc, "next event") : rc;
}

static int tlm_intx(Backend *b)
{
    int rc = tlm_sim_intx(tlm_of(b));

    return rc < 0 ? tlm_fail(b, rc, "INTx") : rc;
}

static unsigned long tlm_guest_errors(Backend *b)
{
    return tlm_sim_guest_errors(tlm_of(b));
}

const BackendOps backend_tlm_ops = {
    .name = "tlm",
    .summary = "the C model in SystemC TLM-2.0 sockets, through its C shim "
               "(time in PCI clocks of 30 ns)",
    .create = tlm_create,
    .destroy = tlm_destroy,
    .io_read = tlm_io_read,
    .io_write = tlm_io_write,
    .mem_read = tlm_mem_read,
    .mem_write = tlm_mem_write,
    .mem_read_buf = tlm_mem_read_buf,
    .mem_write_buf = tlm_mem_write_buf,
    .advance = tlm_advance,
    .now_ns = tlm_now_ns,
    .next_event_ns = tlm_next_event_ns,
    .intx = tlm_intx,
    .guest_errors = tlm_guest_errors,
    .finish = tlm_finish,
};

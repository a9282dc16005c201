/*
 * The 'cmodel' backend: the C model (c-model/, edu/host.h) called directly.
 *
 * Time is the model's: PCI clocks of host_clock_ns() ns each.  advance(ns)
 * moves the clock by whole clocks, rounding up, and now_ns() is the clock
 * count times the clock period.  Guest errors are counted through the
 * host's log and printed on stderr unless the configuration is quiet.
 * Waveforms: the C model's own VCD writer (edu/vcd.h), completed by
 * finish().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "edu/host.h"
#include "edu/vcd.h"

typedef struct CmodelBackend {
    Host *host;
    uint64_t clock_ns;
    EduVcd *vcd; /* NULL: no waveform */
    char vcd_path[256];
} CmodelBackend;

static Host *cmodel_host(Backend *b)
{
    return ((CmodelBackend *)b->priv)->host;
}

static int cmodel_create(Backend *b, const BackendConfig *cfg)
{
    HostConfig hc = {.ram_size = cfg->ram_size};
    CmodelBackend *cm;

    cm = calloc(1, sizeof(*cm));
    if (!cm) {
        return backend_fail(b, -ENOMEM, "cmodel backend: out of memory");
    }
    b->priv = cm;
    cm->host = host_create(&hc);
    if (!cm->host) {
        return backend_fail(b, -ENOMEM,
                            "cmodel backend: cannot have %llu bytes of RAM",
                            (unsigned long long)cfg->ram_size);
    }
    if (cfg->quiet) {
        host_log(cm->host)->fn = NULL; /* count only */
    }
    cm->clock_ns = host_clock_ns(cm->host);
    for (unsigned i = 0; i < cfg->n_edu; i++) {
        EduDevice *edu;
        int rc = host_add_edu(cm->host, cfg->edu_slot[i], 0, &edu);

        if (rc < 0) {
            return backend_fail(b, rc,
                                "cmodel backend: cannot put an edu device "
                                "in slot %u: %s",
                                cfg->edu_slot[i], strerror(-rc));
        }
        if (cfg->dma_mask) {
            edu_set_dma_mask(edu, cfg->dma_mask);
        }
    }
    if (cfg->vcd_path) {
        char err[256];

        snprintf(cm->vcd_path, sizeof(cm->vcd_path), "%s", cfg->vcd_path);
        cm->vcd = edu_vcd_open(cm->host, cfg->vcd_path, err, sizeof(err));
        if (!cm->vcd) {
            return backend_fail(b, -errno, "cmodel backend: %s", err);
        }
    }
    return 0;
}

static int cmodel_finish(Backend *b)
{
    CmodelBackend *cm = b->priv;
    int rc;

    if (!cm->vcd) {
        return 0;
    }
    rc = edu_vcd_close(cm->vcd);
    cm->vcd = NULL;
    if (rc < 0) {
        return backend_fail(b, rc, "cmodel backend: waveform %s: %s",
                            cm->vcd_path, strerror(-rc));
    }
    return 0;
}

static void cmodel_destroy(Backend *b)
{
    CmodelBackend *cm = b->priv;

    if (cm) {
        if (cm->vcd) {
            edu_vcd_close(cm->vcd);
        }
        host_destroy(cm->host);
        free(cm);
        b->priv = NULL;
    }
}

/* The host's answer: it refuses only an access size it does not take. */
static int cmodel_check(Backend *b, int rc, unsigned size, const char *what)
{
    if (rc < 0) {
        return backend_fail(b, rc, "cmodel backend: no %u-byte %s", size, what);
    }
    return 0;
}

static int cmodel_io_read(Backend *b, uint16_t port, unsigned size,
                          uint32_t *val)
{
    return cmodel_check(b, host_io_read(cmodel_host(b), port, size, val), size,
                        "port read");
}

static int cmodel_io_write(Backend *b, uint16_t port, uint32_t val,
                           unsigned size)
{
    return cmodel_check(b, host_io_write(cmodel_host(b), port, val, size), size,
                        "port write");
}

static int cmodel_mem_read(Backend *b, uint64_t addr, unsigned size,
                           uint64_t *val)
{
    return cmodel_check(b, host_mem_read(cmodel_host(b), addr, size, val), size,
                        "memory read");
}

static int cmodel_mem_write(Backend *b, uint64_t addr, uint64_t val,
                            unsigned size)
{
    return cmodel_check(b, host_mem_write(cmodel_host(b), addr, val, size),
                        size, "memory write");
}

static int cmodel_mem_read_buf(Backend *b, uint64_t addr, void *buf, size_t len)
{
    host_mem_read_buf(cmodel_host(b), addr, buf, len);
    return 0;
}

static int cmodel_mem_write_buf(Backend *b, uint64_t addr, const void *buf,
                                size_t len)
{
    host_mem_write_buf(cmodel_host(b), addr, buf, len);
    return 0;
}

static int cmodel_advance(Backend *b, uint64_t ns)
{
    CmodelBackend *cm = b->priv;

    host_advance(cm->host, backend_clocks_from_ns(ns, cm->clock_ns));
    return 0;
}

static uint64_t cmodel_now_ns(Backend *b)
{
    CmodelBackend *cm = b->priv;

    return backend_ns_from_clocks(host_now(cm->host), cm->clock_ns);
}

static int cmodel_next_event_ns(Backend *b, uint64_t *ns)
{
    CmodelBackend *cm = b->priv;
    uint64_t next = host_next_event(cm->host);

    if (next == PCI_NO_EVENT) {
        return -ENOENT;
    }
    *ns = backend_ns_from_clocks(next, cm->clock_ns);
    return 0;
}

static int cmodel_intx(Backend *b)
{
    return host_intx(cmodel_host(b));
}

static unsigned long cmodel_guest_errors(Backend *b)
{
    return host_log(cmodel_host(b))->guest_errors;
}

const BackendOps backend_cmodel_ops = {
    .name = "cmodel",
    .summary = "the C model, called directly (time in PCI clocks of 30 ns)",
    .create = cmodel_create,
    .destroy = cmodel_destroy,
    .io_read = cmodel_io_read,
    .io_write = cmodel_io_write,
    .mem_read = cmodel_mem_read,
    .mem_write = cmodel_mem_write,
    .mem_read_buf = cmodel_mem_read_buf,
    .mem_write_buf = cmodel_mem_write_buf,
    .advance = cmodel_advance,
    .now_ns = cmodel_now_ns,
    .next_event_ns = cmodel_next_event_ns,
    .intx = cmodel_intx,
    .guest_errors = cmodel_guest_errors,
    .finish = cmodel_finish,
};

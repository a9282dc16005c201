/*
 * The C model as a platform (edu/platform.h): a Host with its edu devices,
 * called directly.
 *
 * Time is the host's: PCI clocks of host_clock_ns() ns; advance(ns) moves
 * by whole clocks, rounding up.  Guest errors are counted through the
 * host's log and printed on stderr unless the configuration is quiet.
 * Waveforms: the C model's own VCD writer (edu/vcd.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edu/host.h"
#include "edu/platform.h"
#include "edu/vcd.h"

typedef struct CmodelPlatform {
    EduPlatform base; /* first: the interface's view of it */
    Host *host;
    uint64_t clock_ns;
    EduVcd *vcd; /* NULL: no waveform */
    char vcd_path[256];
} CmodelPlatform;

static CmodelPlatform *cmodel_of(EduPlatform *p)
{
    return (CmodelPlatform *)p;
}

static Host *cmodel_host(EduPlatform *p)
{
    return cmodel_of(p)->host;
}

static void cmodel_destroy(EduPlatform *p)
{
    CmodelPlatform *cm = cmodel_of(p);

    if (cm) {
        if (cm->vcd) {
            edu_vcd_close(cm->vcd);
        }
        host_destroy(cm->host);
        free(cm);
    }
}

/* Builds the platform of a resolved configuration; the reason in err. */
static int cmodel_build(CmodelPlatform *cm, const EduPlatformConfig *cfg,
                        char *err, size_t errlen)
{
    HostConfig hc = {.ram_size = cfg->ram_size, .ram = cfg->ram};

    cm->host = host_create(&hc);
    if (!cm->host) {
        snprintf(err, errlen, "cmodel: cannot have %llu bytes of RAM",
                 (unsigned long long)cfg->ram_size);
        return -ENOMEM;
    }
    if (cfg->quiet) {
        host_log(cm->host)->fn = NULL; /* count only */
    }
    cm->clock_ns = host_clock_ns(cm->host);
    for (unsigned i = 0; i < cfg->n_edu; i++) {
        EduDevice *edu;
        int rc = host_add_edu(cm->host, cfg->edu_slot[i], 0, &edu);

        if (rc < 0) {
            snprintf(err, errlen,
                     "cmodel: cannot put an edu device in slot %u: %s",
                     cfg->edu_slot[i], strerror(-rc));
            return rc;
        }
        edu_set_dma_mask(edu, cfg->dma_mask);
    }
    if (cfg->vcd_path && cfg->fst) {
        snprintf(err, errlen,
                 "cmodel: no FST waveforms (no FST writer library in "
                 "Debian; docs/waves.md): write VCD");
        return -ENOTSUP;
    }
    if (cfg->vcd_path) {
        char why[256];

        snprintf(cm->vcd_path, sizeof(cm->vcd_path), "%s", cfg->vcd_path);
        cm->vcd = edu_vcd_open(cm->host, cfg->vcd_path, why, sizeof(why));
        if (!cm->vcd) {
            snprintf(err, errlen, "cmodel: %s", why);
            return -EIO;
        }
    }
    return 0;
}

static EduPlatform *cmodel_create(const EduPlatformConfig *in, char *err,
                                  size_t errlen)
{
    EduPlatformConfig cfg;
    CmodelPlatform *cm;

    if (edu_platform_config_resolve(in, &cfg, err, errlen) < 0) {
        return NULL;
    }
    cm = calloc(1, sizeof(*cm));
    if (!cm) {
        snprintf(err, errlen, "cmodel: out of memory");
        return NULL;
    }
    cm->base.ops = &edu_cmodel_platform_ops;
    if (cmodel_build(cm, &cfg, err, errlen) < 0) {
        cmodel_destroy(&cm->base);
        return NULL;
    }
    return &cm->base;
}

static int cmodel_finish(EduPlatform *p)
{
    CmodelPlatform *cm = cmodel_of(p);
    int rc;

    if (!cm->vcd) {
        return 0;
    }
    rc = edu_vcd_close(cm->vcd);
    cm->vcd = NULL;
    if (rc < 0) {
        return edu_platform_fail(p, rc, "cmodel: waveform %s: %s", cm->vcd_path,
                                 strerror(-rc));
    }
    return 0;
}

/* The host's answer: it refuses only an access size it does not take. */
static int cmodel_check(EduPlatform *p, int rc, unsigned size, const char *what)
{
    if (rc < 0) {
        return edu_platform_fail(p, rc, "cmodel: no %u-byte %s", size, what);
    }
    return 0;
}

static int cmodel_io_read(EduPlatform *p, uint16_t port, unsigned size,
                          uint32_t *val)
{
    return cmodel_check(p, host_io_read(cmodel_host(p), port, size, val), size,
                        "port read");
}

static int cmodel_io_write(EduPlatform *p, uint16_t port, uint32_t val,
                           unsigned size)
{
    return cmodel_check(p, host_io_write(cmodel_host(p), port, val, size), size,
                        "port write");
}

static int cmodel_mem_read(EduPlatform *p, uint64_t addr, unsigned size,
                           uint64_t *val)
{
    return cmodel_check(p, host_mem_read(cmodel_host(p), addr, size, val), size,
                        "memory read");
}

static int cmodel_mem_write(EduPlatform *p, uint64_t addr, uint64_t val,
                            unsigned size)
{
    return cmodel_check(p, host_mem_write(cmodel_host(p), addr, val, size),
                        size, "memory write");
}

static int cmodel_mem_read_buf(EduPlatform *p, uint64_t addr, void *buf,
                               size_t len)
{
    host_mem_read_buf(cmodel_host(p), addr, buf, len);
    return 0;
}

static int cmodel_mem_write_buf(EduPlatform *p, uint64_t addr, const void *buf,
                                size_t len)
{
    host_mem_write_buf(cmodel_host(p), addr, buf, len);
    return 0;
}

static int cmodel_ram_check(EduPlatform *p, int rc, uint64_t addr, size_t len)
{
    if (rc < 0) {
        return edu_platform_fail(p, rc,
                                 "cmodel: RAM 0x%llx+0x%zx is not all RAM",
                                 (unsigned long long)addr, len);
    }
    return 0;
}

static int cmodel_ram_read(EduPlatform *p, uint64_t addr, void *buf, size_t len)
{
    return cmodel_ram_check(p, host_ram_read(cmodel_host(p), addr, buf, len),
                            addr, len);
}

static int cmodel_ram_write(EduPlatform *p, uint64_t addr, const void *buf,
                            size_t len)
{
    return cmodel_ram_check(p, host_ram_write(cmodel_host(p), addr, buf, len),
                            addr, len);
}

static int cmodel_advance(EduPlatform *p, uint64_t ns)
{
    CmodelPlatform *cm = cmodel_of(p);

    host_advance(cm->host, edu_platform_clocks_from_ns(ns, cm->clock_ns));
    return 0;
}

static uint64_t cmodel_now_ns(EduPlatform *p)
{
    CmodelPlatform *cm = cmodel_of(p);

    return edu_platform_ns_from_clocks(host_now(cm->host), cm->clock_ns);
}

static int cmodel_next_event_ns(EduPlatform *p, uint64_t *ns)
{
    CmodelPlatform *cm = cmodel_of(p);
    uint64_t next = host_next_event(cm->host);

    if (next == PCI_NO_EVENT) {
        return -ENOENT;
    }
    *ns = edu_platform_ns_from_clocks(next, cm->clock_ns);
    return 0;
}

static int cmodel_intx(EduPlatform *p)
{
    return host_intx(cmodel_host(p));
}

static unsigned long cmodel_guest_errors(EduPlatform *p)
{
    return host_log(cmodel_host(p))->guest_errors;
}

const EduPlatformOps edu_cmodel_platform_ops = {
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
    .ram_read = cmodel_ram_read,
    .ram_write = cmodel_ram_write,
    .advance = cmodel_advance,
    .now_ns = cmodel_now_ns,
    .next_event_ns = cmodel_next_event_ns,
    .intx = cmodel_intx,
    .guest_errors = cmodel_guest_errors,
    .finish = cmodel_finish,
};

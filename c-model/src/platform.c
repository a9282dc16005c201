/*
 * What every view shares of the platform interface (edu/platform.h): the
 * configuration's defaults and checks, the error text, the clock and ns
 * conversions.  It knows nothing of any view.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "edu/regs.h"
#include "edu/host.h"
#include "edu/platform.h"

int edu_platform_config_resolve(const EduPlatformConfig *in,
                                EduPlatformConfig *out, char *err,
                                size_t errlen)
{
    *out = in ? *in : (EduPlatformConfig){0};
    if (out->ram && !out->ram_size) {
        snprintf(err, errlen, "external RAM without its size");
        return -EINVAL;
    }
    if (out->ram && ((uintptr_t)out->ram % 4096 || out->ram_size % 4096)) {
        snprintf(err, errlen, "external RAM is not whole pages");
        return -EINVAL;
    }
    if (!out->ram_size) {
        out->ram_size = HOST_RAM_SIZE_DEFAULT;
    }
    if (!out->dma_mask) {
        out->dma_mask = EDU_DMA_MASK_DEFAULT;
    }
    if (!out->n_edu) {
        out->n_edu = 1;
    }
    if (out->n_edu > EDU_PLATFORM_MAX_EDU) {
        snprintf(err, errlen, "too many edu devices: %u (at most %d)",
                 out->n_edu, EDU_PLATFORM_MAX_EDU);
        return -EINVAL;
    }
    for (unsigned i = 0; i < out->n_edu; i++) {
        if (!out->edu_slot[i]) {
            out->edu_slot[i] = EDU_PLATFORM_FIRST_SLOT + i;
        }
        if (out->edu_slot[i] > 31) {
            snprintf(err, errlen, "edu slot %u is not on a PCI bus (1..31)",
                     out->edu_slot[i]);
            return -EINVAL;
        }
        for (unsigned j = 0; j < i; j++) {
            if (out->edu_slot[j] == out->edu_slot[i]) {
                snprintf(err, errlen, "two edu devices in slot %u",
                         out->edu_slot[i]);
                return -EINVAL;
            }
        }
    }
    for (unsigned i = out->n_edu; i < EDU_PLATFORM_MAX_EDU; i++) {
        out->edu_slot[i] = 0;
    }
    return 0;
}

int edu_platform_fail(EduPlatform *p, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(p->error, sizeof(p->error), fmt, ap);
    va_end(ap);
    if (err > 0) {
        err = -err;
    }
    return err ? err : -EIO;
}

const char *edu_platform_error(const EduPlatform *p)
{
    return p->error;
}

uint64_t edu_platform_clocks_from_ns(uint64_t ns, uint64_t clock_ns)
{
    return ns / clock_ns + (ns % clock_ns != 0);
}

uint64_t edu_platform_ns_from_clocks(uint64_t clocks, uint64_t clock_ns)
{
    return clocks > UINT64_MAX / clock_ns ? UINT64_MAX : clocks * clock_ns;
}

/*
 * The backend registry: every view the testbench can drive, by name.
 *
 * Adding a view means one file, backend_<name>.c, that defines
 * 'const BackendOps backend_<name>_ops', and one line in BACKEND_TABLE
 * below.  This file also checks a configuration and fills in its defaults,
 * so that no backend repeats that.  It knows nothing of any view.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "edu/host.h"

/* X(name): one line per backend, in the order --help lists them. */
#define BACKEND_TABLE(X)                                                       \
    X(cmodel)                                                                  \
    X(tlm)                                                                     \
    X(rtl)                                                                     \
    X(rtl_stress)                                                              \
    X(qemu)

#define BACKEND_DECLARE(name) extern const BackendOps backend_##name##_ops;
BACKEND_TABLE(BACKEND_DECLARE)
#undef BACKEND_DECLARE

#define BACKEND_ENTRY(name) &backend_##name##_ops,
/* clang-format off */
static const BackendOps *const backend_table[] = {
    BACKEND_TABLE(BACKEND_ENTRY)
    NULL,
};
/* clang-format on */
#undef BACKEND_ENTRY


const BackendOps *const *backend_list(void)
{
    return backend_table;
}

const BackendOps *backend_find(const char *name)
{
    if (!name) {
        return NULL;
    }
    for (const BackendOps *const *ops = backend_table; *ops; ops++) {
        if (strcmp((*ops)->name, name) == 0) {
            return *ops;
        }
    }
    return NULL;
}

/* Every backend name, comma-separated, for error messages. */
static void backend_names(char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (const BackendOps *const *ops = backend_table; *ops; ops++) {
        int n = snprintf(buf + used, len - used, "%s%s",
                         ops == backend_table ? "" : ", ", (*ops)->name);

        if (n < 0 || (size_t)n >= len - used) {
            return;
        }
        used += (size_t)n;
    }
}

/* Fills in the defaults of 'in' into 'out'; 0 or a reason in err. */
static int backend_normalise(const BackendConfig *in, BackendConfig *out,
                             char *err, size_t errlen)
{
    *out = in ? *in : (BackendConfig){0};
    if (!out->ram_size) {
        out->ram_size = HOST_RAM_SIZE_DEFAULT;
    }
    if (!out->n_edu) {
        out->n_edu = 1;
    }
    if (out->n_edu > BACKEND_MAX_EDU) {
        snprintf(err, errlen, "too many edu devices: %u (at most %d)",
                 out->n_edu, BACKEND_MAX_EDU);
        return -EINVAL;
    }
    for (unsigned i = 0; i < out->n_edu; i++) {
        if (!out->edu_slot[i]) {
            out->edu_slot[i] = BACKEND_FIRST_SLOT + i;
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
    for (unsigned i = out->n_edu; i < BACKEND_MAX_EDU; i++) {
        out->edu_slot[i] = 0;
    }
    return 0;
}

Backend *backend_open(const char *name, const BackendConfig *cfg, char *err,
                      size_t errlen)
{
    const BackendOps *ops = backend_find(name);
    BackendConfig norm;
    Backend *b;

    if (!ops) {
        char names[128];

        backend_names(names, sizeof(names));
        snprintf(err, errlen, "unknown backend '%s' (known: %s)",
                 name ? name : "", names);
        return NULL;
    }
    if (backend_normalise(cfg, &norm, err, errlen) < 0) {
        return NULL;
    }
    b = calloc(1, sizeof(*b));
    if (!b) {
        snprintf(err, errlen, "%s backend: out of memory", ops->name);
        return NULL;
    }
    b->ops = ops;
    if (ops->create(b, &norm) < 0) {
        snprintf(err, errlen, "%s",
                 b->error[0] ? b->error : "backend failed to start");
        backend_close(b);
        return NULL;
    }
    return b;
}

int backend_finish(Backend *b)
{
    return b->ops->finish ? b->ops->finish(b) : 0;
}

void backend_close(Backend *b)
{
    if (!b) {
        return;
    }
    b->ops->destroy(b);
    free(b);
}

int backend_fail(Backend *b, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(b->error, sizeof(b->error), fmt, ap);
    va_end(ap);
    if (err > 0) {
        err = -err;
    }
    return err ? err : -EIO;
}

const char *backend_error(const Backend *b)
{
    return b->error;
}

uint64_t backend_clocks_from_ns(uint64_t ns, uint64_t clock_ns)
{
    return ns / clock_ns + (ns % clock_ns != 0);
}

uint64_t backend_ns_from_clocks(uint64_t clocks, uint64_t clock_ns)
{
    return clocks > UINT64_MAX / clock_ns ? UINT64_MAX : clocks * clock_ns;
}

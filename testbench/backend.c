/*
 * The backend registry: every view the testbench can drive, by name.
 *
 * Adding a view means one file that fills an EduPlatformOps table (in the
 * view's own folder) and one line in BACKEND_TABLE below.  It knows
 * nothing of any view.
 */
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "edu/rtl.h"
#include "tlm_sim.h"

extern const EduPlatformOps backend_qemu_ops; /* backend_qemu.c */
int backend_qemu_wait_idle(EduPlatform *b);

/* One line per backend, in the order --help lists them. */
static const EduPlatformOps *const backend_table[] = {
    &edu_cmodel_platform_ops,     &edu_tlm_platform_ops, &edu_rtl_platform_ops,
    &edu_rtl_stress_platform_ops, &backend_qemu_ops,     NULL,
};

const EduPlatformOps *const *backend_list(void)
{
    return backend_table;
}

const EduPlatformOps *backend_find(const char *name)
{
    if (!name) {
        return NULL;
    }
    for (const EduPlatformOps *const *ops = backend_table; *ops; ops++) {
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
    for (const EduPlatformOps *const *ops = backend_table; *ops; ops++) {
        int n = snprintf(buf + used, len - used, "%s%s",
                         ops == backend_table ? "" : ", ", (*ops)->name);

        if (n < 0 || (size_t)n >= len - used) {
            return;
        }
        used += (size_t)n;
    }
}

void backend_usage(FILE *f)
{
    for (const EduPlatformOps *const *ops = backend_table; *ops; ops++) {
        const char *text = (*ops)->summary;
        int indent = fprintf(f, "  %-10s ", (*ops)->name);

        /* The summary in lines of at most 79 columns, under each other. */
        while (*text) {
            size_t room = 79 - (size_t)indent;
            size_t n = strlen(text);

            if (n > room) {
                n = room;
                while (n > 0 && text[n] != ' ') {
                    n--;
                }
                if (n == 0) {
                    n = strcspn(text, " ");
                }
            }
            fprintf(f, "%.*s\n", (int)n, text);
            text += n;
            text += strspn(text, " ");
            if (*text) {
                fprintf(f, "%*s", indent, "");
            }
        }
    }
}

EduPlatform *backend_open(const char *name, const EduPlatformConfig *cfg,
                          char *err, size_t errlen)
{
    const EduPlatformOps *ops = backend_find(name);

    if (!ops) {
        char names[128];

        backend_names(names, sizeof(names));
        snprintf(err, errlen, "unknown backend '%s' (known: %s)",
                 name ? name : "", names);
        return NULL;
    }
    return ops->create(cfg, err, errlen);
}

int backend_finish(EduPlatform *b)
{
    return b->ops->finish ? b->ops->finish(b) : 0;
}

int backend_wait_idle(EduPlatform *b)
{
    if (b->ops->next_event_ns) {
        return 0; /* it tells its events: clock_step runs to them */
    }
    return b->ops == &backend_qemu_ops ? backend_qemu_wait_idle(b) : 0;
}

void backend_close(EduPlatform *b)
{
    if (b) {
        b->ops->destroy(b);
    }
}

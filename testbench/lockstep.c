/*
 * The same operations on every view, every answer compared.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream, strdup */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lockstep.h"
#include "output.h"

int lockstep_init(Lockstep *ls, EduPlatform *const *views, unsigned n)
{
    memset(ls, 0, sizeof(*ls));
    if (n == 0 || n > LOCKSTEP_MAX_VIEWS) {
        return -EINVAL;
    }
    for (unsigned i = 0; i < n; i++) {
        ls->view[i] = views[i];
    }
    ls->n = n;
    ls->log = tmpfile();
    return ls->log ? 0 : -errno;
}

void lockstep_fini(Lockstep *ls)
{
    if (ls->log) {
        fclose(ls->log);
        ls->log = NULL;
    }
}

static void lockstep_note_divergence(Lockstep *ls, const Op *op,
                                     unsigned view, const char *why)
{
    char *text = NULL;
    char line[256];
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    if (f) {
        op_print_qtest(op, f);
        fclose(f);
    }
    if (text && len && text[len - 1] == '\n') {
        text[len - 1] = '\0';
    }
    /* A poll is two lines (clock_step, then the read): one line here, as
     * it goes into the replay's header, a comment line. */
    {
        char *nl = text ? strchr(text, '\n') : NULL;

        if (nl) {
            *nl = '\0';
        }
        snprintf(line, sizeof(line), "%s%s%s", text ? text : "?",
                 nl ? "; " : "", nl ? nl + 1 : "");
    }
    snprintf(ls->divergence, sizeof(ls->divergence),
             "operation %lu (%s): %s vs %s: %s", ls->ops,
             line, ls->view[0]->ops->name,
             ls->view[view]->ops->name, why);
    free(text);
    ls->diverged = true;
    ls->diverged_at = ls->ops;
    for (unsigned i = 0; i < ls->n; i++) {
        ls->diverged_value[i] = ls->result[i].value;
    }
    ls->log_at_divergence = ftell(ls->log);
}

/* How long a real-time view may take to bring INTA# where the clocked
 * views have it, and how often it is looked at meanwhile. */
#define LOCKSTEP_INTX_GRACE_NS 500000000ull
#define LOCKSTEP_INTX_POLL_NS  1000000ull

static bool lockstep_real_time(const EduPlatform *b)
{
    return !b->ops->next_event_ns;
}

/*
 * Whether INTA# can be compared now.  Between clocked views always: it is
 * as deterministic as any answer.  With a real-time view (no
 * next_event_ns: QEMU, whose factorial thread and DMA timer raise the
 * interrupt when they like) only while no clocked view has work in
 * flight: then the clocked views' pins are final, and QEMU's can only lag
 * behind them.
 */
static bool lockstep_intx_settled(Lockstep *ls)
{
    bool real_time = false, busy = false;

    for (unsigned i = 0; i < ls->n; i++) {
        real_time |= lockstep_real_time(ls->view[i]);
    }
    /* (Asked only then: looking ahead may cost a clocked view time.) */
    for (unsigned i = 0; real_time && i < ls->n; i++) {
        EduPlatform *b = ls->view[i];
        uint64_t ns;

        busy |= !lockstep_real_time(b) && b->ops->next_event_ns(b, &ns) == 0;
    }
    return !real_time || !busy;
}

static int lockstep_intx_of(Lockstep *ls, unsigned i)
{
    EduPlatform *b = ls->view[i];
    int level = b->ops->intx(b);

    if (level < 0) {
        ls->error = level;
        snprintf(ls->error_text, sizeof(ls->error_text),
                 "%s: INTA# after operation %lu: %s", b->ops->name, ls->ops,
                 edu_platform_error(b));
    }
    ls->result[i].intx = level;
    return level;
}

/*
 * Each view's INTA# into its result (-1 for all when not settled).  A
 * real-time view that differs from the first clocked one gets up to
 * LOCKSTEP_INTX_GRACE_NS of real time to catch up (QEMU's DMA timer is
 * 100 ms): what it shows then is compared.
 */
static int lockstep_read_intx(Lockstep *ls)
{
    int want = -1;
    uint64_t waited = 0;

    if (!lockstep_intx_settled(ls)) {
        for (unsigned i = 0; i < ls->n; i++) {
            ls->result[i].intx = -1;
        }
        return 0;
    }
    for (unsigned i = 0; i < ls->n; i++) {
        if (lockstep_intx_of(ls, i) < 0) {
            return ls->error;
        }
        if (want < 0 && !lockstep_real_time(ls->view[i])) {
            want = ls->result[i].intx;
        }
    }
    for (;;) {
        bool behind = false;

        for (unsigned i = 0; i < ls->n; i++) {
            behind |= lockstep_real_time(ls->view[i]) &&
                      ls->result[i].intx != (want < 0 ? ls->result[0].intx
                                                      : want);
        }
        if (!behind || waited >= LOCKSTEP_INTX_GRACE_NS) {
            return 0;
        }
        for (unsigned i = 0; i < ls->n; i++) {
            EduPlatform *b = ls->view[i];

            if (!lockstep_real_time(b)) {
                continue;
            }
            if (b->ops->advance(b, LOCKSTEP_INTX_POLL_NS) < 0 ||
                lockstep_intx_of(ls, i) < 0) {
                if (!ls->error) {
                    ls->error = -EIO;
                    snprintf(ls->error_text, sizeof(ls->error_text),
                             "%s: operation %lu: %s", b->ops->name, ls->ops,
                             edu_platform_error(b));
                }
                return ls->error;
            }
        }
        waited += LOCKSTEP_INTX_POLL_NS;
    }
}

int lockstep_exec(Lockstep *ls, const Op *op, OpResult *res)
{
    if (ls->error) {
        return ls->error;
    }
    ls->ops++;
    op_print_qtest(op, ls->log);
    for (unsigned i = 0; i < ls->n; i++) {
        OpResult *r = &ls->result[i];

        op_execute(ls->view[i], op, r);
        if (r->err) {
            ls->error = r->err;
            snprintf(ls->error_text, sizeof(ls->error_text),
                     "%s: operation %lu failed: %s", ls->view[i]->ops->name,
                     ls->ops, edu_platform_error(ls->view[i]));
            return ls->error;
        }
    }
    if (lockstep_read_intx(ls) < 0) {
        return ls->error;
    }
    for (unsigned i = 1; i < ls->n; i++) {
        const OpResult *ref = &ls->result[0], *got = &ls->result[i];
        char why[160];

        ls->compared++;
        if (ref->intx != got->intx) {
            snprintf(why, sizeof(why), "INTA# %s vs %s after it",
                     ref->intx ? "asserted" : "deasserted",
                     got->intx ? "asserted" : "deasserted");
            ls->mismatches[i]++;
            if (!ls->diverged) {
                ls->diverged_intx = true;
                lockstep_note_divergence(ls, op, i, why);
            }
        } else if (!op_same_result(op, &ls->result[0], &ls->result[i], why,
                            sizeof(why)) ||
            (ls->timing && !op_same_time(op, &ls->result[0], &ls->result[i],
                                         why, sizeof(why)))) {
            ls->mismatches[i]++;
            if (!ls->diverged) {
                lockstep_note_divergence(ls, op, i, why);
            }
        }
    }
    if (res) {
        *res = ls->result[0];
    }
    return 0;
}

int lockstep_write_replay(const Lockstep *ls, const char *path,
                          const char *header)
{
    long len = ls->diverged ? ls->log_at_divergence : ftell(ls->log);
    OutputFile out;
    char buf[65536];
    int rc;

    rc = output_open(&out, path);
    if (rc < 0) {
        return rc;
    }
    fprintf(out.f, "%s", header);
    if (ls->diverged_intx) {
        /* Show the pin: every view answers with IRQ lines (qtest.h). */
        fprintf(out.f, "irq_intercept_in ioapic\n");
    }
    fflush(ls->log);
    rewind(ls->log);
    while (len > 0) {
        size_t n = fread(buf, 1, len < (long)sizeof(buf) ? (size_t)len
                                                          : sizeof(buf),
                         ls->log);

        if (n == 0) {
            break;
        }
        fwrite(buf, 1, n, out.f);
        len -= (long)n;
    }
    fseek(ls->log, 0, SEEK_END);
    return output_close(&out, len == 0);
}

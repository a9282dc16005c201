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
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    if (f) {
        op_print_qtest(op, f);
        fclose(f);
    }
    if (text && len && text[len - 1] == '\n') {
        text[len - 1] = '\0';
    }
    snprintf(ls->divergence, sizeof(ls->divergence),
             "operation %lu (%s): %s vs %s: %s", ls->ops,
             text ? text : "?", ls->view[0]->ops->name,
             ls->view[view]->ops->name, why);
    free(text);
    ls->diverged = true;
    ls->diverged_at = ls->ops;
    for (unsigned i = 0; i < ls->n; i++) {
        ls->diverged_value[i] = ls->result[i].value;
    }
    ls->log_at_divergence = ftell(ls->log);
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
    for (unsigned i = 1; i < ls->n; i++) {
        char why[160];

        ls->compared++;
        if (!op_same_result(op, &ls->result[0], &ls->result[i], why,
                            sizeof(why)) ||
            (ls->timing && !op_same_time(op, &ls->result[0], &ls->result[i],
                                         why, sizeof(why)))) {
            ls->mismatches[i]++;
            if (!ls->diverged) {
                lockstep_note_divergence(ls, op, i, why);
            }
        } else if (ls->intx) {
            const int ref = ls->view[0]->ops->intx(ls->view[0]);
            const int got = ls->view[i]->ops->intx(ls->view[i]);

            if (ref != got) {
                snprintf(why, sizeof(why), "INTA# %s vs %s after it",
                         ref ? "asserted" : "deasserted",
                         got ? "asserted" : "deasserted");
                ls->mismatches[i]++;
                if (!ls->diverged) {
                    lockstep_note_divergence(ls, op, i, why);
                }
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

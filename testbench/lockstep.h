/*
 * Lockstep: one operation stream on one or more views at once.
 *
 * Each operation runs on every view in turn; every answer is compared with
 * the first view's (the reference) and the first difference is kept, with
 * the stream so far as qtest lines to replay it.  With one view this is
 * just the way the testbench talks to it.
 */
#ifndef EDU_TB_LOCKSTEP_H
#define EDU_TB_LOCKSTEP_H

#include <stdbool.h>
#include <stdio.h>

#include "backend.h"
#include "ops.h"

#define LOCKSTEP_MAX_VIEWS 4

typedef struct Lockstep {
    EduPlatform *view[LOCKSTEP_MAX_VIEWS];
    unsigned n;
    bool timing;                /* also compare each operation's time */
    bool intx;                  /* also compare INTA# after each operation */
    FILE *log;                  /* the stream so far, as qtest lines */
    unsigned long ops;          /* operations executed */
    unsigned long compared;     /* answers compared with the reference */
    unsigned long mismatches[LOCKSTEP_MAX_VIEWS]; /* view i vs view 0 */
    int error;                  /* first failure of a view, sticky */
    char error_text[512];
    bool diverged;
    unsigned long diverged_at;  /* 1-based operation number */
    char divergence[512];       /* what differed, in words */
    uint64_t diverged_value[LOCKSTEP_MAX_VIEWS]; /* each view's answer */
    long log_at_divergence;     /* log length up to and with that op */
    OpResult result[LOCKSTEP_MAX_VIEWS]; /* scratch, one per view */
} Lockstep;

/* 0, or -ENOMEM / -EINVAL (no view, too many). */
int lockstep_init(Lockstep *ls, EduPlatform *const *views, unsigned n);
void lockstep_fini(Lockstep *ls);

/*
 * Runs 'op' on every view and compares the answers.  'res' (may be NULL)
 * gets the reference's answer.  Returns 0, or the error of the first view
 * that failed (then nothing more runs: every later call returns it too).
 * A difference between views is not an error: it is counted and the first
 * one is kept (diverged, divergence).
 */
int lockstep_exec(Lockstep *ls, const Op *op, OpResult *res);

/* Writes the stream up to the first divergence (or all of it) as a qtest
 * script with a header saying what it shows.  0 or a negative errno. */
int lockstep_write_replay(const Lockstep *ls, const char *path,
                          const char *header);

#endif /* EDU_TB_LOCKSTEP_H */

/*
 * Named scenarios: what a driver (and the firmware before it) does with
 * the edu device, with the reference's answers.
 *
 * Each scenario drives one platform through driver.h and checks what it
 * sees against the values of QEMU's edu (docs/registers.md, measured in
 * docs/reference.md), never against what some model returns.  A failed
 * check is recorded with what was checked, the value expected and the
 * value read.  Anything asynchronous (the factorial, DMA, interrupts) is
 * awaited by polling with a generous time limit, as a driver does, so the
 * results never depend on a view's timing: QEMU's factorial runs in a
 * thread and its DMA completes about 100 ms after the command, in real
 * time.  The scenarios touch only memory that someone claims, never write
 * the host bridge's configuration space and never use port 0xCF9.
 */
#ifndef EDU_TB_SCENARIOS_H
#define EDU_TB_SCENARIOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "backend.h"
#include "lockstep.h"

#define SCN_TEXT_MAX 256

typedef struct ScnReport {
    const Lockstep *ls;       /* the stream being checked (scn_run) */
    bool qemu72;              /* keep clear of what aborts QEMU 7.2 */
    unsigned long checks;     /* checks made */
    unsigned long failures;   /* of those, failed */
    char first[SCN_TEXT_MAX]; /* the first failure: what, expected, got */
    FILE *log;                /* every failure, a line each; NULL: none */
} ScnReport;

typedef struct Scenario {
    const char *name;    /* kebab-case */
    const char *summary; /* one line */
    /* The platform it needs: n_edu, edu_slot, dma_mask (backend.h). */
    EduPlatformConfig platform;
    /* Whether Debian's QEMU 7.2 (the qemu backend) survives it: false for
     * an out-of-range DMA, count 0 and a transfer ending at 0x41000. */
    bool on_qemu72;
    /* Drives fresh views built with 'platform' and records failed checks
     * in rep.  0 when it ran to its end, else a negative errno (the
     * platform is not what it needs, or a view failed). */
    int (*run)(Lockstep *ls, ScnReport *rep);
} Scenario;

/* Every scenario, in the order `edu-tb list` shows them; *n: how many. */
const Scenario *scn_table(size_t *n);
/* By name; NULL if there is none. */
const Scenario *scn_find(const char *name);

/*
 * Runs s on ls (fresh views, built with s->platform).  rep is cleared
 * first, except its log.  A view's failure counts as a failed check (with
 * the view's error text).  Returns true when every check passed.
 */
bool scn_run(const Scenario *s, Lockstep *ls, ScnReport *rep);

/* Records one check: a failure when !ok, with the printf-style text. */
bool scn_check(ScnReport *rep, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Records one check of a value: "WHAT: expected 0x..., got 0x...". */
bool scn_expect(ScnReport *rep, uint64_t want, uint64_t got, const char *fmt,
                ...) __attribute__((format(printf, 4, 5)));

#endif /* EDU_TB_SCENARIOS_H */

/*
 * Operations: what the testbench asks of a view, one at a time.
 *
 * The primitives of the qtest protocol (port and memory access, time) plus
 * WAIT, the polling loop of a driver.  Every operation executes the same
 * way on every backend and prints as qtest lines, so any stream can be
 * replayed with `edu-tb qtest`.
 */
#ifndef EDU_TB_OPS_H
#define EDU_TB_OPS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "backend.h"

/* The longest buffer a READ_BUF or WRITE_BUF carries (one DMA buffer). */
#define OP_BUF_MAX 4096u

/* How long a WAIT settles in a replay file: past QEMU's 100 ms DMA timer. */
#define OP_WAIT_REPLAY_NS 200000000ull

typedef enum OpKind {
    OP_IN,          /* port read of size bytes */
    OP_OUT,         /* port write */
    OP_READ,        /* memory read of size bytes */
    OP_WRITE,       /* memory write */
    OP_READ_BUF,    /* memory read of len bytes */
    OP_WRITE_BUF,   /* memory write of len bytes */
    OP_WAIT,        /* read addr until (value & mask) == value, or ns pass */
    OP_ADVANCE,     /* let ns of time pass */
} OpKind;

typedef struct Op {
    OpKind kind;
    unsigned size;              /* 1, 2, 4 or 8 */
    unsigned len;               /* READ_BUF / WRITE_BUF */
    uint64_t addr;              /* port or memory address */
    uint64_t value;             /* written; WAIT: the value wanted */
    uint64_t mask;              /* WAIT */
    uint64_t ns;                /* ADVANCE; WAIT: give up after */
    const uint8_t *data;        /* WRITE_BUF: len bytes */
    unsigned slack_pct;         /* --timing: how far (percent of the
                                 * reference's time) a view may differ */
} Op;

typedef struct OpResult {
    int err;                    /* 0, or the backend's negative errno */
    uint64_t value;             /* IN, READ; WAIT: the last value read */
    bool timed_out;             /* WAIT */
    uint64_t ns;                /* time the operation took on the view */
    int intx;                   /* INTA# after it (lockstep fills it in;
                                 * -1: not looked at) */
    uint8_t data[OP_BUF_MAX];   /* READ_BUF */
} OpResult;

void op_execute(EduPlatform *b, const Op *op, OpResult *res);

/* Whether two views answered alike; 'why' gets the difference if not. */
bool op_same_result(const Op *op, const OpResult *a, const OpResult *b,
                    char *why, size_t whylen);
/* Whether view b took as long as the reference a, within op->slack_pct. */
bool op_same_time(const Op *op, const OpResult *a, const OpResult *b,
                  char *why, size_t whylen);

/* The qtest line(s) that replay 'op'. */
void op_print_qtest(const Op *op, FILE *out);
/* The answer as a one-line text, for reports. */
void op_print_result(const Op *op, const OpResult *res, FILE *out);

#endif /* EDU_TB_OPS_H */

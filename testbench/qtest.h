/*
 * The qtest front end: QEMU's qtest line protocol against any backend.
 *
 * One request per line, one answer per line, in QEMU's formats (see
 * docs/edu-tb.md).  qtest_execute_line() is the whole protocol for one
 * line and needs no process, so tests and fuzzers call it directly;
 * qtest_serve() runs it over a file descriptor; qtest_main() is the
 * `edu-tb qtest` command.
 */
#ifndef EDU_TB_QTEST_H
#define EDU_TB_QTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "backend.h"

/* The largest SIZE of read, b64read, write, b64write and memset. */
#define QTEST_MAX_SIZE (256u << 20)
/* The longest request line (a write of 32 MiB in hex fits). */
#define QTEST_MAX_LINE ((size_t)64 << 20)

/* The I/O APIC's inputs, and the one INTA# reaches on QEMU's pc machine
 * with its PIRQs routed to IRQ 11 (the qemu backend routes them so). */
#define QTEST_IRQ_PINS 24
#define QTEST_INTX_GSI 11

typedef struct QtestSession {
    EduPlatform *backend;
    /* irq_intercept_in/out: the intercepted device, and whether its
     * inputs are watched (then "IRQ raise N" / "IRQ lower N" lines) */
    bool intercepted;
    bool intercepting_in;
    int irq_level[QTEST_IRQ_PINS];  /* each input as last reported */
    int intx;                       /* the view's INTA# as last seen */
    uint8_t *data;                /* scratch: one chunk of a transfer */
    char *text;                   /* scratch: its hex or base64 */
    unsigned long requests;       /* lines answered */
    unsigned long failures;       /* answered other than OK */
    unsigned long backend_errors; /* of those, failures of the view */
} QtestSession;

/* 0, or -ENOMEM. */
int qtest_session_init(QtestSession *s, EduPlatform *backend);
void qtest_session_fini(QtestSession *s);

/*
 * Executes one request: 'line' without its newline (a trailing CR is
 * dropped).  Writes the one-line answer to 'out'; an empty line gets none.
 * Returns 0 for OK (or an empty line), -EINVAL for a malformed request
 * (answered FAIL, or ERR where QEMU says ERR), or the backend's negative
 * errno when the view failed (answered FAIL with its error).
 */
int qtest_execute_line(QtestSession *s, const char *line, FILE *out);

/*
 * Serves requests from 'in_fd' until end of input.  Answers are buffered
 * in 'out' and flushed whenever the input has nothing more ready (so an
 * interactive client sees each answer at once), and at the end.  0, or a
 * negative errno when reading the input failed.
 */
int qtest_serve(QtestSession *s, int in_fd, FILE *out);

/* `edu-tb qtest ...`: argv[0] is "qtest".  Returns the exit status. */
int qtest_main(int argc, char **argv);
void qtest_help(FILE *f);

#endif /* EDU_TB_QTEST_H */

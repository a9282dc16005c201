/*
 * Fuzz target: the qtest front end of edu-tb (testbench/qtest.c).
 *
 * The input is a qtest script, run line by line against the C model.
 * Besides "no crash", it checks the protocol: a request (a line that is
 * neither empty nor a comment) gets exactly one answer line, and that line
 * starts with OK, FAIL or ERR.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qtest.h"

/* Small RAM keeps runs fast; the rest of the address space still answers. */
#define FZ_RAM_SIZE (1u << 20)
/* Longer lines are cut: a long hex 'write' needs no more to be exercised. */
#define FZ_LINE_MAX 4096

static void fz_check_answer(const char *line, const char *out, size_t len)
{
    bool request = line[0] != '\0' && line[0] != '#' &&
                   strcmp(line, "\r") != 0;

    if (!request) {
        if (len != 0) {
            abort();
        }
        return;
    }
    if (len == 0 || out[len - 1] != '\n' || memchr(out, '\n', len) !=
                                                 out + len - 1) {
        abort();
    }
    if (strncmp(out, "OK", 2) != 0 && strncmp(out, "FAIL", 4) != 0 &&
        strncmp(out, "ERR", 3) != 0) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    EduPlatformConfig cfg = {.ram_size = FZ_RAM_SIZE, .quiet = true};
    char line[FZ_LINE_MAX + 1];
    char err[256];
    QtestSession s;
    EduPlatform *b = backend_open("cmodel", &cfg, err, sizeof(err));
    size_t at = 0;

    if (!b || qtest_session_init(&s, b) < 0) {
        abort();
    }
    while (at < size) {
        const uint8_t *nl = memchr(data + at, '\n', size - at);
        size_t len = nl ? (size_t)(nl - (data + at)) : size - at;
        size_t keep = len < FZ_LINE_MAX ? len : FZ_LINE_MAX;
        char *out = NULL;
        size_t out_len = 0;
        FILE *f;

        memcpy(line, data + at, keep);
        line[keep] = '\0';
        at += len + 1;
        if (strlen(line) != keep) {
            continue;   /* a NUL inside: not a line a pipe can carry */
        }
        f = open_memstream(&out, &out_len);
        if (!f) {
            abort();
        }
        qtest_execute_line(&s, line, f);
        fclose(f);
        fz_check_answer(line, out, out_len);
        free(out);
    }
    qtest_session_fini(&s);
    backend_close(b);
    return 0;
}

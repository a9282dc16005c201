/*
 * Output files that appear whole or not at all: written to NAME.tmp and
 * renamed over NAME only when everything was written.
 */
#ifndef EDU_TB_OUTPUT_H
#define EDU_TB_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct OutputFile {
    FILE *f;
    char *path;
    char *tmp;
} OutputFile;

/* Whether 'path' can be written as an output file, before any work is
 * done: not empty, not a directory or a device, and NAME.tmp can be
 * created next to it (created and removed again).  0, or a negative errno
 * with a one-line reason naming the path in err. */
int output_check(const char *path, char *err, size_t errlen);
/* 0, or a negative errno (the directory is missing or not writable). */
int output_open(OutputFile *out, const char *path);
/* Renames into place when 'keep' and all writes succeeded, else removes
 * the temporary file.  0, or a negative errno. */
int output_close(OutputFile *out, bool keep);

#endif /* EDU_TB_OUTPUT_H */

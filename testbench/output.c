/*
 * Whole-or-nothing output files.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

int output_open(OutputFile *out, const char *path)
{
    size_t len = strlen(path);

    memset(out, 0, sizeof(*out));
    out->path = strdup(path);
    out->tmp = malloc(len + sizeof(".tmp"));
    if (!out->path || !out->tmp) {
        free(out->path);
        free(out->tmp);
        return -ENOMEM;
    }
    memcpy(out->tmp, path, len);
    memcpy(out->tmp + len, ".tmp", sizeof(".tmp"));
    out->f = fopen(out->tmp, "w");
    if (!out->f) {
        int err = -errno;

        free(out->path);
        free(out->tmp);
        return err;
    }
    return 0;
}

int output_close(OutputFile *out, bool keep)
{
    int err = 0;

    if (ferror(out->f)) {
        err = -EIO;
    }
    if (fclose(out->f) != 0 && !err) {
        err = -errno;
    }
    if (keep && !err && rename(out->tmp, out->path) != 0) {
        err = -errno;
    }
    if (!keep || err) {
        remove(out->tmp);
    }
    free(out->path);
    free(out->tmp);
    return err;
}

/*
 * Whole-or-nothing output files.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"

int output_check(const char *path, char *err, size_t errlen)
{
    size_t len = strlen(path);
    struct stat st;
    char *tmp;
    int fd;
    int rc = 0;

    if (len == 0) {
        snprintf(err, errlen, "empty file name");
        return -EINVAL;
    }
    if (path[len - 1] == '/' ||
        (stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
        snprintf(err, errlen, "'%s' is a directory", path);
        return -EISDIR;
    }
    /* Renaming over a device (/dev/null) would replace it with a file. */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "'%s' is not a regular file", path);
        return -EINVAL;
    }
    tmp = malloc(len + sizeof(".tmp"));
    if (!tmp) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp", sizeof(".tmp"));
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd >= 0) {
        close(fd);
        remove(tmp);
    } else if (errno != EEXIST || access(tmp, W_OK) != 0) {
        /* (An existing NAME.tmp is a stale one of ours: it is replaced.) */
        rc = -errno;
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
    }
    free(tmp);
    return rc;
}

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

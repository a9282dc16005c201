/*
 * Command-line pieces every edu-tb command shares.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *cli_option(int argc, char **argv, int *i, const char *name,
                       bool *missing)
{
    size_t n = strlen(name);
    const char *arg = argv[*i];

    if (strncmp(arg, name, n) != 0) {
        return NULL;
    }
    if (arg[n] == '=') {
        return arg + n + 1;
    }
    if (arg[n] != '\0') {
        return NULL;
    }
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

bool cli_u64(const char *text, uint64_t min, uint64_t max, uint64_t *val)
{
    char *end;
    unsigned long long v;

    if (!text || !isdigit((unsigned char)text[0])) {
        return false;
    }
    errno = 0;
    v = strtoull(text, &end, 0);
    if (errno || *end || v < min || v > max) {
        return false;
    }
    *val = v;
    return true;
}

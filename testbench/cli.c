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

size_t cli_name_len(const char *arg)
{
    return strcspn(arg, "=");
}

bool cli_repeated(CliSeen *seen, const char *arg)
{
    size_t n = cli_name_len(arg);

    for (unsigned i = 0; i < seen->n; i++) {
        if (cli_name_len(seen->arg[i]) == n &&
            strncmp(seen->arg[i], arg, n) == 0) {
            return true;
        }
    }
    if (seen->n < CLI_MAX_SEEN) {
        seen->arg[seen->n++] = arg;
    }
    return false;
}

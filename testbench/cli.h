/*
 * Command-line pieces every edu-tb command shares.
 */
#ifndef EDU_TB_CLI_H
#define EDU_TB_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "--name VALUE" or "--name=VALUE" at argv[*i] (advancing *i past the
 * value); NULL if argv[*i] is not --name, with *missing set when it is but
 * the value is missing. */
const char *cli_option(int argc, char **argv, int *i, const char *name,
                       bool *missing);

/* A whole unsigned number (decimal, 0x hex or 0 octal) in [min, max]. */
bool cli_u64(const char *text, uint64_t min, uint64_t max, uint64_t *val);

/* The options a command has seen, to refuse one given twice. */
#define CLI_MAX_SEEN 32
typedef struct CliSeen {
    const char *arg[CLI_MAX_SEEN];
    unsigned n;
} CliSeen;

/* The length of an option's name: "--name=VALUE" and "--name" give
 * strlen("--name"). */
size_t cli_name_len(const char *arg);
/* For an option at argv[i] ("--name" or "--name=VALUE"): true when the
 * same option came before; records it otherwise. */
bool cli_repeated(CliSeen *seen, const char *arg);

#endif /* EDU_TB_CLI_H */

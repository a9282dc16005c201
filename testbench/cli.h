/*
 * Command-line pieces every edu-tb command shares.
 */
#ifndef EDU_TB_CLI_H
#define EDU_TB_CLI_H

#include <stdbool.h>
#include <stdint.h>

/* "--name VALUE" or "--name=VALUE" at argv[*i] (advancing *i past the
 * value); NULL if argv[*i] is not --name, with *missing set when it is but
 * the value is missing. */
const char *cli_option(int argc, char **argv, int *i, const char *name,
                       bool *missing);

/* A whole unsigned number (decimal, 0x hex or 0 octal) in [min, max]. */
bool cli_u64(const char *text, uint64_t min, uint64_t max, uint64_t *val);

#endif /* EDU_TB_CLI_H */

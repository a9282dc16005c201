/*
 * The option parser every edu-tb command shares, on top of getopt_long: a
 * command is a table of its long options, each with the function that
 * takes its value, plus what to do with operands.  The parser says what
 * is wrong with the command line (one line on stderr, "edu-tb NAME: ...")
 * and answers -h and --help with the command's help.
 *
 * Options are spelled in full (no abbreviations), as --name VALUE or
 * --name=VALUE, each at most once (unless the table says it repeats);
 * an option may also have a one-letter form (-j N, -jN); "--" ends them.
 */
#ifndef EDU_TB_CLI_H
#define EDU_TB_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Takes an option's value into the command's options 'opts' (value is
 * NULL for an option without one): 0, or 2 once it said what is wrong. */
typedef int (*CliParseFn)(void *opts, const char *value);

typedef struct CliOption {
    const char *name; /* without the leading "--" */
    CliParseFn parse; /* NULL: sets the bool at flag_offset */
    size_t flag_offset;
    bool has_value;
    char short_name; /* 0, or its one-letter form: -X VALUE, -XVALUE */
    bool repeat;     /* may be given more than once (parse sees each) */
} CliOption;

/* clang-format off */
/* An option with a value, taken by 'parse'. */
#define CLI_VALUE(name, parse) {(name), (parse), 0, true, 0, false}
/* An option without a value that sets a bool member of the options. */
#define CLI_FLAG(name, type, member) {(name), NULL, offsetof(type, member), false, 0, false}
/* An option with a value and a one-letter form: --jobs N, -j N. */
#define CLI_VALUE_SHORT(name, letter, parse) {(name), (parse), 0, true, (letter), false}
/* An option with a value that may be given more than once. */
#define CLI_VALUE_REPEAT(name, parse) {(name), (parse), 0, true, 0, true}
/* clang-format on */

typedef struct CliCommand {
    const char *name; /* "run": messages start "edu-tb run: " */
    const CliOption *options;
    size_t n_options;
    void (*help)(FILE *f);
    /* Takes an operand (0, or 2 once it said what is wrong); NULL: the
     * command takes none ("unknown argument"). */
    CliParseFn operand;
    /* The message about a missing value ends with the hint to --help. */
    bool missing_hint;
} CliCommand;

/* .options and .n_options of a CliCommand: the array 'table'. */
#define CLI_OPTIONS(table)                                                     \
    .options = (table), .n_options = sizeof(table) / sizeof((table)[0])

/*
 * Parses argv[1..argc-1] into 'opts': 0, 1 after printing the help on
 * stdout (the command then exits 0), or 2 for bad usage (said on stderr).
 */
int cli_parse(const CliCommand *cmd, int argc, char **argv, void *opts);

/* "edu-tb NAME: " 'fmt' " (see edu-tb NAME --help)" on stderr; 2. */
int cli_usage(const CliCommand *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A whole unsigned number (decimal, 0x hex or 0 octal) in [min, max]. */
bool cli_u64(const char *text, uint64_t min, uint64_t max, uint64_t *val);

#endif /* EDU_TB_CLI_H */

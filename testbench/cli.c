/*
 * The option parser every edu-tb command shares (cli.h).
 */
#define _GNU_SOURCE /* getopt_long */

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* getopt_long's answer for option i of the table (above every char). */
#define CLI_VAL_BASE 0x100
/* The longest table a command has, with room for --help. */
#define CLI_MAX_OPTIONS 31

int cli_usage(const CliCommand *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "edu-tb %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see edu-tb %s --help)\n", cmd->name);
    return 2;
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

/* The table's option that 'arg' ("--name" or "--name=VALUE") spells in
 * full, or whose one-letter form it is ("-j", "-j4"), or -1: getopt_long
 * would take "--back" for "--backend". */
static int cli_find(const CliCommand *cmd, const char *arg)
{
    size_t n;

    if (arg[0] == '-' && arg[1] && arg[1] != '-') {
        for (size_t i = 0; i < cmd->n_options; i++) {
            if (cmd->options[i].short_name == arg[1]) {
                return (int)i;
            }
        }
        return -1;
    }
    if (strncmp(arg, "--", 2) != 0) {
        return -1;
    }
    arg += 2;
    n = strcspn(arg, "=");
    for (size_t i = 0; i < cmd->n_options; i++) {
        if (strlen(cmd->options[i].name) == n &&
            strncmp(cmd->options[i].name, arg, n) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* One option given at 'arg', getopt_long's answer 'c'. */
static int cli_option(const CliCommand *cmd, const char *arg, int c, bool *seen,
                      void *opts)
{
    int i = cli_find(cmd, arg);
    const CliOption *o;

    if (i >= 0 && seen[i] && !cmd->options[i].repeat) {
        fprintf(stderr, "edu-tb %s: option '--%s' given twice\n", cmd->name,
                cmd->options[i].name);
        return 2;
    }
    if (i >= 0) {
        seen[i] = true;
    }
    if (c == ':' && i >= 0 && cmd->missing_hint) {
        return cli_usage(cmd, "option '%s' needs a value", arg);
    }
    if (c == ':' && i >= 0) {
        fprintf(stderr, "edu-tb %s: option '%s' needs a value\n", cmd->name,
                arg);
        return 2;
    }
    if (i < 0 || (c != CLI_VAL_BASE + i && (!cmd->options[i].short_name ||
                                            c != cmd->options[i].short_name))) {
        return cli_usage(cmd, "unknown option '%s'", arg);
    }
    o = &cmd->options[i];
    if (!o->parse) {
        *(bool *)((char *)opts + o->flag_offset) = true;
        return 0;
    }
    return o->parse(opts, o->has_value ? optarg : NULL);
}

/* An argument that is not an option (or any after "--"). */
static int cli_operand(const CliCommand *cmd, const char *arg, void *opts)
{
    if (!cmd->operand) {
        return cli_usage(cmd, "unknown argument '%s'", arg);
    }
    return cmd->operand(opts, arg);
}

int cli_parse(const CliCommand *cmd, int argc, char **argv, void *opts)
{
    struct option longopts[CLI_MAX_OPTIONS + 2] = {{0}};
    bool seen[CLI_MAX_OPTIONS] = {false};
    /* "-": operands in order, as 1; ":": a missing value is ':'; then
     * the one-letter forms. */
    char shorts[2 + 2 * CLI_MAX_OPTIONS + 1] = "-:";
    size_t n_shorts = 2;
    size_t n = cmd->n_options;
    int rc = 0;

    assert(n <= CLI_MAX_OPTIONS);
    for (size_t i = 0; i < n; i++) {
        longopts[i] = (struct option){
            cmd->options[i].name,
            cmd->options[i].has_value ? required_argument : no_argument, NULL,
            CLI_VAL_BASE + (int)i};
        if (cmd->options[i].short_name) {
            shorts[n_shorts++] = cmd->options[i].short_name;
            if (cmd->options[i].has_value) {
                shorts[n_shorts++] = ':';
            }
        }
    }
    longopts[n] = (struct option){"help", no_argument, NULL, 'h'};
    /* "-h" is no one-letter option: it comes back as '?' and is
     * recognised whole. */
    optind = 0;
    opterr = 0;
    while (rc == 0) {
        int at = optind ? optind : 1;
        int c = getopt_long(argc, argv, shorts, longopts, NULL);
        const char *arg;

        if (c == -1) {
            break;
        }
        arg = argv[at];
        if (c == 1 && strcmp(optarg, "-") != 0) {
            rc = cli_operand(cmd, optarg, opts);
        } else if (c == 1) {
            rc = cli_usage(cmd, "unknown option '%s'", optarg);
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            cmd->help(stdout);
            return 1;
        } else {
            rc = cli_option(cmd, arg, c, seen, opts);
        }
    }
    for (int i = optind; i < argc && rc == 0; i++) {
        rc = cli_operand(cmd, argv[i], opts);
    }
    return rc;
}

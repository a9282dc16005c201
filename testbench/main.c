/*
 * edu-tb: the testbench's command line.  It picks a subcommand and hands
 * it the rest of the arguments; each subcommand lives in its own file and
 * has its own --help.  A subcommand is one line in tb_commands.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "cmd_compare.h"
#include "cmd_regress.h"
#include "cmd_run.h"
#include "cover.h"
#include "guest.h"
#include "qtest.h"
#include "serve.h"

#ifndef EDU_VERSION
#define EDU_VERSION "unknown"
#endif

typedef struct TbCommand {
    const char *name;
    const char *summary;
    int (*main)(int argc, char **argv); /* argv[0] is the name */
    void (*help)(FILE *f);
} TbCommand;

static const TbCommand tb_commands[] = {
    {"qtest", "speak QEMU's qtest protocol on stdin/stdout to a backend",
     qtest_main, qtest_help},
    {"run", "run the named scenarios, checking the reference's values",
     run_main, run_help},
    {"list", "list the scenarios of run", list_main, list_help},
    {"compare", "run scenarios and random streams on several views in "
     "lockstep", compare_main, compare_help},
    {"regress", "shard a seed range, run it here or on Slurm, merge the "
     "results", regress_main, regress_help},
    {"serve", "serve one edu of a view to QEMU's x-pci-proxy-dev",
     serve_main, serve_help},
    {"guest", "boot a Linux guest on QEMU with the edu of a view",
     guest_main, guest_help},
    {"cover", "merge functional coverage files, report one", cover_main,
     cover_help},
};

#define TB_N_COMMANDS (sizeof(tb_commands) / sizeof(tb_commands[0]))

static void tb_usage(FILE *f)
{
    fputs("usage: edu-tb COMMAND [OPTIONS]\n"
          "       edu-tb help [COMMAND] | --help | --version\n"
          "\n"
          "The edu-cosim testbench: drives QEMU's edu PCI device on every "
          "view.\n"
          "\n"
          "commands:\n",
          f);
    for (size_t i = 0; i < TB_N_COMMANDS; i++) {
        fprintf(f, "  %-8s %s\n", tb_commands[i].name, tb_commands[i].summary);
    }
    fputs("  help     this help, or a command's (also COMMAND --help)\n"
          "\n"
          "backends (--backend NAME):\n",
          f);
    backend_usage(f);
}

static const TbCommand *tb_find(const char *name)
{
    for (size_t i = 0; i < TB_N_COMMANDS; i++) {
        if (strcmp(tb_commands[i].name, name) == 0) {
            return &tb_commands[i];
        }
    }
    return NULL;
}

static int tb_help(int argc, char **argv)
{
    const TbCommand *cmd;

    if (argc < 3) {
        tb_usage(stdout);
        return 0;
    }
    if (argc > 3) {
        fprintf(stderr, "edu-tb: help takes one command, not '%s' too\n",
                argv[3]);
        return 2;
    }
    cmd = tb_find(argv[2]);
    if (!cmd) {
        fprintf(stderr, "edu-tb: unknown command '%s' (see edu-tb --help)\n",
                argv[2]);
        return 2;
    }
    cmd->help(stdout);
    return 0;
}

/* What the command wrote must have reached stdout (a full disk, a closed
 * file): otherwise the run failed, even if the command itself did not. */
static int tb_flush(int rc)
{
    int err = fflush(stdout) != 0 ? errno : ferror(stdout) ? EIO : 0;

    if (err) {
        fprintf(stderr, "edu-tb: writing the output: %s\n", strerror(err));
        return rc == 0 ? 1 : rc;
    }
    return rc;
}

int main(int argc, char **argv)
{
    const char *arg = argc > 1 ? argv[1] : NULL;
    const TbCommand *cmd;

    if (!arg) {
        fprintf(stderr, "edu-tb: no command given (see edu-tb --help)\n");
        return 2;
    }
    if (strcmp(arg, "help") == 0 || strcmp(arg, "--help") == 0 ||
        strcmp(arg, "-h") == 0) {
        return tb_flush(tb_help(argc, argv));
    }
    if (strcmp(arg, "--version") == 0) {
        if (argc > 2) {
            fprintf(stderr, "edu-tb: --version takes nothing, not '%s'\n",
                    argv[2]);
            return 2;
        }
        printf("edu-tb %s\n", EDU_VERSION);
        return tb_flush(0);
    }
    if (arg[0] == '-') {
        fprintf(stderr, "edu-tb: unknown option '%s' (see edu-tb --help)\n",
                arg);
        return 2;
    }
    cmd = tb_find(arg);
    if (!cmd) {
        fprintf(stderr, "edu-tb: unknown command '%s' (see edu-tb --help)\n",
                arg);
        return 2;
    }
    return tb_flush(cmd->main(argc - 1, argv + 1));
}

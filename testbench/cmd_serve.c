/*
 * edu-tb serve: the command line of the server (serve.c).
 */
#define _POSIX_C_SOURCE 200809L /* fstat S_ISSOCK */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backend.h"
#include "cli.h"
#include "output.h"
#include "serve.h"

void serve_help(FILE *f)
{
    fputs("usage: edu-tb serve --fd N [--backend VIEW] [--qtest-socket PATH] "
          "[--slot N]\n"
          "                    [--vcd FILE] [--record FILE] [--quiet]\n"
          "\n"
          "Serves one edu function of a view to QEMU's x-pci-proxy-dev "
          "(-device\n"
          "x-pci-proxy-dev,fd=M,addr=SLOT.0) over the socket N, the other "
          "end of\n"
          "M: configuration and BAR accesses run on the view, its DMA "
          "reads and\n"
          "writes the guest's RAM (-object memory-backend-memfd,...,"
          "share=on),\n"
          "its INTx goes to the guest through qtest.  Ends when QEMU closes "
          "the\n"
          "socket.  edu-tb guest starts both.\n"
          "\n"
          "options:\n"
          "  --fd N             the socket QEMU's proxy talks on "
          "(inherited)\n"
          "  --backend VIEW     cmodel, tlm, rtl or rtl-stress (default: "
          "cmodel)\n"
          "  --qtest-socket PATH\n"
          "                     listen on PATH for QEMU's qtest (-qtest "
          "unix:PATH, q35):\n"
          "                     INTx goes to the IOAPIC with set_irq_in; "
          "keep PATH in\n"
          "                     a private directory\n"
          "  --slot N           QEMU's slot of the proxy (addr=N.0), 1..24 "
          "(default 4)\n"
          "  --vcd FILE         the view's waveforms (from the last device "
          "reset)\n"
          "  --record FILE      every access as qtest lines, for edu-tb "
          "qtest\n"
          "  --quiet            count guest errors instead of printing "
          "them\n"
          "  -h, --help         this help\n"
          "\n"
          "See docs/guest.md.\n",
          f);
}

static int serve_set_backend(void *opts, const char *v)
{
    ((ServeConfig *)opts)->backend = v;
    return 0;
}

static int serve_set_fd(void *opts, const char *v)
{
    uint64_t n;

    if (!cli_u64(v, 0, 1 << 20, &n)) {
        fprintf(stderr,
                "edu-tb serve: --fd needs a file descriptor number, "
                "not '%s'\n",
                v);
        return 2;
    }
    ((ServeConfig *)opts)->fd = (int)n;
    return 0;
}

static int serve_set_slot(void *opts, const char *v)
{
    uint64_t n;

    if (!cli_u64(v, 1, 24, &n)) {
        fprintf(stderr,
                "edu-tb serve: --slot needs a slot of 1 to 24, not "
                "'%s'\n",
                v);
        return 2;
    }
    ((ServeConfig *)opts)->slot = (unsigned)n;
    return 0;
}

/* A file name: not ''. */
static int serve_file(const char *opt, const char *v, const char **to)
{
    if (!*v) {
        fprintf(stderr, "edu-tb serve: --%s needs a file name, not ''\n", opt);
        return 2;
    }
    *to = v;
    return 0;
}

static int serve_set_qtest(void *opts, const char *v)
{
    return serve_file("qtest-socket", v, &((ServeConfig *)opts)->qtest_path);
}

static int serve_set_vcd(void *opts, const char *v)
{
    return serve_file("vcd", v, &((ServeConfig *)opts)->vcd_path);
}

static int serve_set_record(void *opts, const char *v)
{
    return serve_file("record", v, &((ServeConfig *)opts)->record_path);
}

static const CliOption serve_options[] = {
    CLI_VALUE("backend", serve_set_backend),
    CLI_VALUE("fd", serve_set_fd),
    CLI_VALUE("slot", serve_set_slot),
    CLI_VALUE("qtest-socket", serve_set_qtest),
    CLI_VALUE("vcd", serve_set_vcd),
    CLI_VALUE("record", serve_set_record),
    CLI_FLAG("quiet", ServeConfig, quiet),
};

static const CliCommand serve_cli = {
    .name = "serve",
    CLI_OPTIONS(serve_options),
    .help = serve_help,
};

int serve_main(int argc, char **argv)
{
    ServeConfig cfg = {
        .backend = "cmodel", .fd = -1, .qtest_listen_fd = -1, .slot = 4};
    const EduPlatformOps *ops;
    struct stat st;
    char err[512];
    int rc = cli_parse(&serve_cli, argc, argv, &cfg);

    if (rc) {
        return rc == 1 ? 0 : rc;
    }
    ops = backend_find(cfg.backend);
    if (!ops) {
        backend_open(cfg.backend, NULL, err, sizeof(err));
        fprintf(stderr, "edu-tb serve: %s\n", err);
        return 2;
    }
    if (!ops->next_event_ns) {
        fprintf(stderr,
                "edu-tb serve: the %s backend cannot be served (it "
                "is QEMU's own edu); serve cmodel, tlm, rtl or "
                "rtl-stress\n",
                cfg.backend);
        return 2;
    }
    if (cfg.fd < 0) {
        fprintf(stderr, "edu-tb serve: --fd N is needed: the socket QEMU's "
                        "proxy talks on\n");
        return 2;
    }
    if (fstat(cfg.fd, &st) < 0 || !S_ISSOCK(st.st_mode)) {
        fprintf(stderr, "edu-tb serve: --fd %d is not an open socket\n",
                cfg.fd);
        return 2;
    }
    if (cfg.vcd_path && output_check(cfg.vcd_path, err, sizeof(err)) < 0) {
        fprintf(stderr, "edu-tb serve: --vcd: %s\n", err);
        return 1;
    }
    if (cfg.record_path &&
        output_check(cfg.record_path, err, sizeof(err)) < 0) {
        fprintf(stderr, "edu-tb serve: --record: %s\n", err);
        return 1;
    }
    return serve_run(&cfg);
}

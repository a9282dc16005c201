/*
 * edu-tb serve: one edu function of a view, served to QEMU's
 * x-pci-proxy-dev over its UNIX socket (mpqemu.h), with the guest's RAM
 * as the view's RAM and INTx through QEMU's qtest protocol.  docs/guest.md
 * tells how; edu-tb guest (guest.h) starts it with QEMU.
 */
#ifndef EDU_TB_SERVE_H
#define EDU_TB_SERVE_H

#include <stdbool.h>
#include <stdio.h>

/* The guest physical RAM the view sees: the reach of edu's DMA mask. */
#define SERVE_RAM_SIZE (256ull << 20)

typedef struct ServeConfig {
    const char *backend; /* cmodel, tlm, rtl, rtl-stress */
    int fd;              /* the socket QEMU's proxy talks on */
    /* INTx under TCG: a qtest socket QEMU connects to (-qtest unix:PATH).
     * qtest_path: bind and listen there; or qtest_listen_fd: listening
     * already (edu-tb guest); neither: no INTx reaches a TCG guest. */
    const char *qtest_path;
    int qtest_listen_fd; /* -1: none */
    unsigned slot;       /* QEMU's addr= slot, and the view's: 4 */
    const char *vcd_path;
    const char *record_path; /* every guest access as qtest lines */
    bool quiet;              /* count guest errors, no progress lines */
} ServeConfig;

/* Serves until QEMU closes the socket: 0, or 1 after a failure (said on
 * stderr); the socket is closed either way. */
int serve_run(const ServeConfig *cfg);

int serve_main(int argc, char **argv);
void serve_help(FILE *f);

#endif /* EDU_TB_SERVE_H */

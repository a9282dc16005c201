/*
 * edu-tb guest: boots a Linux guest on QEMU with the edu served by a view
 * (edu-tb serve, serve.h) or QEMU's own edu, and reports the guest test's
 * result from its console.  docs/guest.md.
 */
#ifndef EDU_TB_GUEST_H
#define EDU_TB_GUEST_H

#include <stdbool.h>
#include <stdio.h>

int guest_main(int argc, char **argv);
void guest_help(FILE *f);

/* Whether a console line is the guest test's verdict "N passed, M
 * failed"; its two numbers then. */
bool guest_verdict(const char *line, unsigned *passed, unsigned *failed);

#endif /* EDU_TB_GUEST_H */

/*
 * The backends: every view the testbench can drive, by name.
 *
 * A backend is a platform (edu/platform.h): the simulated views export
 * theirs from their own folders (the C model, tlm-bridge/, rtl/), and the
 * testbench adds QEMU's own edu (backend_qemu.c), the reference.  Nothing
 * above this knows which view it talks to.
 */
#ifndef EDU_TB_BACKEND_H
#define EDU_TB_BACKEND_H

#include <stddef.h>
#include <stdio.h>

#include "edu/platform.h"

/* The registry (backend.c): by name; every backend, NULL-terminated. */
const EduPlatformOps *backend_find(const char *name);
const EduPlatformOps *const *backend_list(void);
/* Every backend's name and summary, a line or more each, for --help. */
void backend_usage(FILE *f);

/* A backend by name, configured by cfg (NULL: all defaults).  NULL on
 * failure, with a one-line reason in err. */
EduPlatform *backend_open(const char *name, const EduPlatformConfig *cfg,
                          char *err, size_t errlen);
/* Completes the view's output files (waveforms): 0, or a negative errno
 * with the reason in edu_platform_error().  backend_close() does it too,
 * but cannot say whether it worked. */
int backend_finish(EduPlatform *b);
void backend_close(EduPlatform *b);
/* For a backend in real time that cannot tell its next event (QEMU's edu,
 * whose factorial thread and DMA timer run on their own): waits until its
 * edus have no work left and a finished factorial's interrupt is raised
 * (polling their registers, at most 10 s).  0 at once for a view that
 * tells its events.  0, or a negative errno with the reason in
 * edu_platform_error(). */
int backend_wait_idle(EduPlatform *b);

#endif /* EDU_TB_BACKEND_H */

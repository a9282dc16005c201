/*
 * Fuzz target: differential, the C model, the RTL and the TLM view in
 * lockstep.
 *
 * The input is decoded into one driver-like operation stream by the
 * testbench's random stream generator (testbench/random.c), which takes its
 * random numbers from the input (8 bytes each) instead of its seed: the
 * same constraints as `edu-tb compare`'s random streams (nothing the views
 * may answer differently), the fuzzer choosing every action, value and
 * address.  The first byte chooses one or two devices.  Each operation runs
 * on the three views in turn (testbench/lockstep.h) and the target aborts
 * on the first difference in a value, in INTA# after it, or in the time it
 * took (--timing's rules), and on any view's failure (a protocol violation
 * the RTL harness's monitor or the device's checkers report, for one),
 * after printing what differed and the stream up to there as a qtest
 * script: `edu-tb qtest --backend NAME < it` replays it on any view, so a
 * CI log alone reproduces the finding.
 *
 * FUZZ_LOCKSTEP_VIEWS (a comma-separated list of edu-tb's backends, the
 * first the reference) runs other views; FUZZ_LOCKSTEP_VERBOSE=1 says how
 * many operations each input ran.
 *
 * Seeded from the random streams: tests/fuzz/corpus/lockstep holds the
 * numbers of seeds 1 to 8 (random_numbers()).
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "lockstep.h"
#include "random.h"

/* Operations at most per input: each costs three views. */
#define FZ_MAX_OPS 400

/* The views, the first the reference; FUZZ_LOCKSTEP_VIEWS=a,b,... names
 * others (any of edu-tb's backends, e.g. qemu; 2 to 4). */
static const char *fz_views[LOCKSTEP_MAX_VIEWS] = {"cmodel", "rtl", "tlm"};
static unsigned fz_n_views = 3;

static void fz_choose_views(void)
{
    static char names[256];
    static bool done;
    const char *env = getenv("FUZZ_LOCKSTEP_VIEWS");
    char *save = NULL;
    unsigned n = 0;

    if (done || !env) {
        done = true;
        return;
    }
    done = true;
    snprintf(names, sizeof(names), "%s", env);
    for (char *t = strtok_r(names, ",", &save); t && n < LOCKSTEP_MAX_VIEWS;
         t = strtok_r(NULL, ",", &save)) {
        fz_views[n++] = t;
    }
    if (n < 2) {
        fprintf(stderr, "fuzz_lockstep: FUZZ_LOCKSTEP_VIEWS needs 2 to %d "
                        "views\n", LOCKSTEP_MAX_VIEWS);
        abort();
    }
    fz_n_views = n;
}

static void fz_report(const Lockstep *ls, const char *what)
{
    char path[] = "/tmp/fuzz-lockstep-XXXXXX";
    int fd = mkstemp(path);
    FILE *f;
    int c;

    fprintf(stderr, "fuzz_lockstep: %s\n", what);
    if (fd < 0) {
        return;
    }
    close(fd);
    if (lockstep_write_replay(ls, path,
                              "# fuzz_lockstep: replay with edu-tb qtest "
                              "--backend NAME < this file\n") == 0 &&
        (f = fopen(path, "r"))) {
        fprintf(stderr, "fuzz_lockstep: the stream as qtest lines (the last "
                        "one is where it happened):\n");
        while ((c = fgetc(f)) != EOF) {
            fputc(c, stderr);
        }
        fclose(f);
    }
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    EduPlatformConfig cfg = {.quiet = true};
    EduPlatform *views[LOCKSTEP_MAX_VIEWS];
    Lockstep ls;
    RandomConfig rc;
    char err[256];
    int rv;

    if (size < 1) {
        return 0;
    }
    fz_choose_views();
    cfg.n_edu = 1 + data[0] % 2;
    for (unsigned i = 0; i < cfg.n_edu; i++) {
        cfg.edu_slot[i] = EDU_PLATFORM_FIRST_SLOT + i;
    }
    for (unsigned i = 0; i < fz_n_views; i++) {
        views[i] = backend_open(fz_views[i], &cfg, err, sizeof(err));
        if (!views[i]) {
            fprintf(stderr, "fuzz_lockstep: cannot open %s: %s\n",
                    fz_views[i], err);
            abort();
        }
    }
    if (lockstep_init(&ls, views, fz_n_views) < 0) {
        abort();
    }
    ls.timing = true;
    rc = (RandomConfig){.count = FZ_MAX_OPS,
                        .n_edu = cfg.n_edu,
                        .edu_slot = cfg.edu_slot,
                        .entropy = data + 1,
                        .entropy_len = size - 1};
    rv = random_run(&ls, &rc);
    if (ls.error) {
        fz_report(&ls, ls.error_text);
        abort();
    }
    if (ls.diverged) {
        fz_report(&ls, ls.divergence);
        abort();
    }
    if (rv < 0) {
        fprintf(stderr, "fuzz_lockstep: the stream failed: %d\n", rv);
        abort();
    }
    if (getenv("FUZZ_LOCKSTEP_VERBOSE")) {
        fprintf(stderr, "fuzz_lockstep: %lu operations, %lu answers compared\n",
                ls.ops, ls.compared);
    }
    lockstep_fini(&ls);
    for (unsigned i = 0; i < fz_n_views; i++) {
        backend_close(views[i]);
    }
    return 0;
}

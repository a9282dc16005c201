/*
 * `edu-tb run` and `edu-tb list`: the named scenarios of scenarios.h, each
 * on a fresh backend built with the platform it needs.
 */
#ifndef EDU_TB_CMD_RUN_H
#define EDU_TB_CMD_RUN_H

#include <stddef.h>
#include <stdio.h>

/* `edu-tb run ...`: argv[0] is "run".  Returns the exit status: 0 all
 * passed or skipped, 1 a scenario failed, 2 bad usage. */
int run_main(int argc, char **argv);
void run_help(FILE *f);

/* `edu-tb list`: argv[0] is "list".  Returns the exit status. */
int list_main(int argc, char **argv);
void list_help(FILE *f);

/*
 * The waveform file of scenario 'name' when --vcd PATH runs several:
 * PATH with "-NAME" inserted before its extension (out.vcd ->
 * out-NAME.vcd; no extension: appended).  0, or -ENAMETOOLONG.
 */
int run_vcd_path(char *out, size_t len, const char *path, const char *name);

#endif /* EDU_TB_CMD_RUN_H */

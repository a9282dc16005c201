/*
 * edu-tb regress (see cmd_regress.c).
 */
#ifndef EDU_TB_CMD_REGRESS_H
#define EDU_TB_CMD_REGRESS_H

#include <stdio.h>

int regress_main(int argc, char **argv);
void regress_help(FILE *f);

#endif /* EDU_TB_CMD_REGRESS_H */

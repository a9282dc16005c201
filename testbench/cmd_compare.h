/*
 * edu-tb compare (see cmd_compare.c).
 */
#ifndef EDU_TB_CMD_COMPARE_H
#define EDU_TB_CMD_COMPARE_H

#include <stdio.h>

int compare_main(int argc, char **argv);
void compare_help(FILE *f);

#endif /* EDU_TB_CMD_COMPARE_H */

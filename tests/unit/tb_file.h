/*
 * A whole file read into memory, for the unit tests that check what a
 * waveform writer left on disk (test_vcd.c, test_tlm_shim.c).  Like
 * tb_util.h, it asserts instead of returning errors; include it instead of
 * <cmocka.h>.
 */
#ifndef TB_FILE_H
#define TB_FILE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

/* The text of 'path' (not empty), NUL-terminated; the caller frees it. */
static inline char *tb_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text;
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    text = calloc(1, (size_t)n + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return text;
}

#endif /* TB_FILE_H */

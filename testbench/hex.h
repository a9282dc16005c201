/*
 * Hex digits, for the qtest protocol on both of its sides.
 */
#ifndef EDU_TB_HEX_H
#define EDU_TB_HEX_H

/* The value of hex digit c, or -1. */
static inline int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

#endif /* EDU_TB_HEX_H */

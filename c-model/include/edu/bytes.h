/*
 * Little-endian values in byte arrays, and MIN/MAX: the one copy the C
 * model, the TLM bridge and the RTL harness share.  PCI is little-endian,
 * so a register or RAM value of 'len' bytes (1 to 8) sits in address order
 * least significant byte first.  Usable from C and C++; no state.
 *
 * Buffers handed to these are best 8 bytes even where fewer are used: GCC's
 * -Warray-bounds sees the 8-byte branch otherwise.
 */
#ifndef EDU_BYTES_H
#define EDU_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Same text as <sys/param.h>, so either may come first. */
/* clang-format off */
#ifndef MIN
#define MIN(a,b) (((a)<(b))?(a):(b))
#endif
#ifndef MAX
#define MAX(a,b) (((a)>(b))?(a):(b))
#endif
/* clang-format on */

/* The low 'len' bytes of 'val' at 'p', least significant first. */
static inline void edu_store_le(uint8_t *p, uint64_t val, size_t len)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (len == 4) {
        const uint32_t v = (uint32_t)val;

        memcpy(p, &v, 4);
        return;
    }
    if (len == 8) {
        memcpy(p, &val, 8);
        return;
    }
#endif
    for (size_t i = 0; i < len; i++) {
        p[i] = (uint8_t)(val >> (8 * i));
    }
}

/* The 'len'-byte value at 'p', least significant byte first. */
static inline uint64_t edu_load_le(const uint8_t *p, size_t len)
{
    uint64_t val = 0;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (len == 4) {
        uint32_t v;

        memcpy(&v, p, 4);
        return v;
    }
    if (len == 8) {
        memcpy(&val, p, 8);
        return val;
    }
#endif
    for (size_t i = 0; i < len; i++) {
        val |= (uint64_t)p[i] << (8 * i);
    }
    return val;
}

#endif /* EDU_BYTES_H */

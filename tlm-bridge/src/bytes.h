/*
 * Values in TLM data arrays: a payload's bytes are in address order, and
 * the C model's values are little-endian, as PCI is.  A private helper of
 * the bridge's sources.  Buffers handed to these are 8 bytes even where
 * fewer are used: GCC's -Warray-bounds sees the 8-byte branch otherwise.
 */
#ifndef EDU_TLM_BYTES_H
#define EDU_TLM_BYTES_H

#include <cstdint>
#include <cstring>

namespace edu_tlm_bytes
{

inline void store_le(uint8_t *p, uint64_t val, unsigned len)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (len == 4) {
        const uint32_t v = static_cast<uint32_t>(val);

        std::memcpy(p, &v, 4);
        return;
    }
    if (len == 8) {
        std::memcpy(p, &val, 8);
        return;
    }
#endif
    for (unsigned i = 0; i < len; i++) {
        p[i] = static_cast<uint8_t>(val >> (8 * i));
    }
}

inline uint64_t load_le(const uint8_t *p, unsigned len)
{
    uint64_t val = 0;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (len == 4) {
        uint32_t v;

        std::memcpy(&v, p, 4);
        return v;
    }
    if (len == 8) {
        std::memcpy(&val, p, 8);
        return val;
    }
#endif
    for (unsigned i = 0; i < len; i++) {
        val |= static_cast<uint64_t>(p[i]) << (8 * i);
    }
    return val;
}

} // namespace edu_tlm_bytes

#endif /* EDU_TLM_BYTES_H */

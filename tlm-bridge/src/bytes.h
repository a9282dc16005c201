/*
 * The bridge's names for the shared little-endian helpers (edu/bytes.h):
 * a payload's bytes are in address order, and the C model's values are
 * little-endian, as PCI is.  No code of its own; it goes once its users
 * include edu/bytes.h themselves.
 */
#ifndef EDU_TLM_BYTES_H
#define EDU_TLM_BYTES_H

#include "edu/bytes.h"

namespace edu_tlm_bytes
{

inline void store_le(uint8_t *p, uint64_t val, unsigned len)
{
    edu_store_le(p, val, len);
}

inline uint64_t load_le(const uint8_t *p, unsigned len)
{
    return edu_load_le(p, len);
}

} // namespace edu_tlm_bytes

#endif /* EDU_TLM_BYTES_H */

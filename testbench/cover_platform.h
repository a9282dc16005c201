/*
 * The coverage recorder: a platform that forwards every operation to a
 * view and counts, in a Cover, the bins that the operation and the
 * view's answer hit.  It tracks the device state it needs (the
 * configuration latch, BAR0, COMMAND, MSI enable, the DMA registers, what
 * is pending) from the accesses themselves, so it works the same on every
 * view, QEMU's edu included.  What it cannot see it does not count: a
 * factorial is done when the driver reads STATUS with COMPUTING clear, a
 * DMA when it reads DMA_CMD with RUN clear.
 */
#ifndef EDU_TB_COVER_PLATFORM_H
#define EDU_TB_COVER_PLATFORM_H

#include "backend.h"
#include "cover.h"

/*
 * A platform around 'inner' (which it owns from then on: destroying the
 * wrapper destroys it) that records into 'cov'; 'cfg' is the platform's
 * configuration (NULL: the defaults): the edu slots and the dma_mask.
 * Its ops table is its own copy, with inner's name.  NULL when out of
 * memory (inner is then destroyed).  cov NULL: inner itself.
 */
EduPlatform *cover_platform_wrap(EduPlatform *inner, Cover *cov,
                                 const EduPlatformConfig *cfg);

#endif /* EDU_TB_COVER_PLATFORM_H */

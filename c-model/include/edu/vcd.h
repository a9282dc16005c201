/*
 * VCD waveforms of the C model.
 *
 * Attaches to a host's bus hooks and writes, for every transaction, the
 * conventional PCI phases that the timing table implies (address phase,
 * decode, wait states, data phases, turnaround, arbitration, master abort),
 * plus INTA# and the state of the edu devices, with the signal names every
 * view shares (docs/waves.md).  It draws the model's phases, not a bus
 * protocol engine: no retries, no fast back-to-back, and data the bus does
 * not know shows as 'x'.  The clock runs only around bus activity and
 * device state changes, so an idle stretch costs nothing in the file.
 */
#ifndef EDU_VCD_H
#define EDU_VCD_H

#include <stddef.h>

#include "edu/host.h"

typedef struct EduVcd EduVcd;

/*
 * Starts a waveform of 'host' in 'path' (written to 'path'.tmp until a
 * successful close renames it).  Takes the host bus's trace and note hooks
 * (-EBUSY when either is already taken) and draws the edu devices present
 * now.  NULL on failure, with errno set and the reason in 'err' (may be
 * NULL).
 */
EduVcd *edu_vcd_open(Host *host, const char *path, char *err, size_t errlen);

/*
 * Lets the devices catch up with the host's clock, writes everything up to
 * it, releases the hooks and frees 'vcd'.  0 when 'path' is complete;
 * otherwise a negative errno and no file is left behind.  Call it before
 * host_destroy().
 */
int edu_vcd_close(EduVcd *vcd);

#endif /* EDU_VCD_H */

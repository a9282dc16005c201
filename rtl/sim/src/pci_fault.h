// Faults injected on purpose into what the host bridge drives (tests
// only: each breaks one rule of the protocol monitor, edu/rtl.h).
#ifndef EDU_RTL_PCI_FAULT_H
#define EDU_RTL_PCI_FAULT_H

#include <vector>

#include "edu/rtl.h"
#include "pci_signals.h"

namespace edu_rtl
{

// Changes what the agents drive ('drive', by agent) in clock 'k' of the
// host bridge's transaction with fault 'f' (k = 0: its address phase).
void pci_fault_apply(EduRtlFault f, unsigned k, std::vector<pci_drive> &drive);

} // namespace edu_rtl

#endif

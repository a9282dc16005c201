// Faults injected on purpose (see pci_fault.h).  Each changes one or two
// lines in one or two clocks, so that exactly one rule of the monitor is
// broken first; the transactions they are meant for are those of
// tests/integration/rtl_monitor_fault.c.
#include "pci_fault.h"

namespace edu_rtl
{

void pci_fault_apply(EduRtlFault f, unsigned k, std::vector<pci_drive> &drive)
{
    pci_drive &ini = drive[k_agent_host_initiator];
    pci_drive &tgt = drive[k_agent_host_target];

    switch (f) {
    case EDU_RTL_FAULT_CONTENTION:
        if (k == 2) {
            ini.ad = 0;
            ini.ad_oe = true;
        }
        break;
    case EDU_RTL_FAULT_NO_TURNAROUND:
        if (k == 1) {
            tgt.ad = 0;
            tgt.ad_oe = true;
        }
        break;
    case EDU_RTL_FAULT_RELEASED_ASSERTED:
        if (k == 3) {
            ini.irdy_oe = false;
        }
        break;
    case EDU_RTL_FAULT_FAST_BACK_TO_BACK:
        if (k == 2) {
            ini.frame_n = false;
            ini.frame_oe = true;
        }
        break;
    case EDU_RTL_FAULT_DAC_FRAME_RELEASED:
        if (k == 1) {
            ini.frame_n = true;
        }
        break;
    case EDU_RTL_FAULT_NO_GNT:
        if (k == 0 && drive.size() > k_agent_first_device) {
            pci_drive &dev = drive[k_agent_first_device];

            dev.frame_n = ini.frame_n;
            dev.frame_oe = ini.frame_oe;
            dev.ad = ini.ad;
            dev.ad_oe = ini.ad_oe;
            dev.cbe_n = ini.cbe_n;
            dev.cbe_oe = ini.cbe_oe;
            ini.frame_oe = ini.ad_oe = ini.cbe_oe = false;
        }
        break;
    case EDU_RTL_FAULT_ADDR_NO_AD:
        if (k == 0) {
            ini.ad_oe = false;
        }
        break;
    case EDU_RTL_FAULT_FRAME_CHANGED:
        if (k == 2) {
            ini.frame_n = true;
        }
        break;
    case EDU_RTL_FAULT_CBE_CHANGED:
        if (k == 2) {
            ini.cbe_n ^= 1;
        }
        break;
    case EDU_RTL_FAULT_CBE_UNDRIVEN:
        if (k == 1) {
            ini.cbe_oe = false;
        }
        break;
    case EDU_RTL_FAULT_READ_TURNAROUND:
        if (k == 1) {
            ini.ad_oe = true;
        }
        break;
    case EDU_RTL_FAULT_STOP_RELEASED_EARLY:
        if (k == 2) {
            tgt.stop_n = false;
        }
        break;
    case EDU_RTL_FAULT_FRAME_AFTER_STOP:
        if (k == 2 || k == 3) {
            tgt.stop_n = false;
            tgt.stop_oe = true;
        }
        if (k == 3) {
            ini.frame_n = false;
            ini.frame_oe = true;
        }
        break;
    case EDU_RTL_FAULT_TRDY_NO_DEVSEL:
        if (k == 2) {
            tgt.devsel_n = true;
        }
        break;
    case EDU_RTL_FAULT_STOP_NO_DEVSEL:
        if (k == 2) {
            tgt.devsel_n = true;
            tgt.trdy_n = true;
            tgt.stop_n = false;
        }
        break;
    case EDU_RTL_FAULT_DEVSEL_IN_ADDRESS:
        if (k == 0) {
            tgt.devsel_n = false;
            tgt.devsel_oe = true;
        }
        break;
    case EDU_RTL_FAULT_IRDY_OUTSIDE:
        if (k == 4) {
            ini.irdy_n = false;
            ini.irdy_oe = true;
        }
        break;
    case EDU_RTL_FAULT_PAR_UNDRIVEN:
        if (k == 1) {
            ini.par_oe = false;
        }
        break;
    case EDU_RTL_FAULT_STOP_AFTER_LAST:
        if (k == 2 || k == 3) {
            tgt.stop_n = false;
            tgt.stop_oe = true;
        }
        break;
    case EDU_RTL_FAULT_READ_DATA_CHANGED:
    case EDU_RTL_FAULT_TRDY_WITHDRAWN:
        // IRDY# first asserted in clock 3 (with FRAME# deasserted: the one
        // data phase is the last), so that the target's TRDY# of clock 2
        // waits on it; FRAME# stays asserted until then, as it must.
        if (k == 1 || k == 2) {
            ini.irdy_n = true;
            ini.frame_n = false;
        } else if (k == 3 && f == EDU_RTL_FAULT_READ_DATA_CHANGED) {
            tgt.ad ^= 3; // two bits: PAR stays right
        } else if (k == 3) {
            tgt.trdy_n = true;
        }
        break;
    default:
        break; // the initiator's own (pci_initiator.cpp), or none
    }
}

} // namespace edu_rtl

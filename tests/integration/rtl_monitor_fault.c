/*
 * The RTL harness's protocol monitor catches a broken handshake.
 *
 * For each fault the host bridge can inject (edu/rtl.h), one for each rule
 * the monitor checks, a fresh platform first runs the same transaction
 * cleanly, then with the fault: the transaction (or, for a rule broken
 * after its end, the next one) must fail with -EIO, the monitor's text
 * must be exactly that rule's, and the platform must stay failed.  Then, with the
 * monitor silenced, the same faults against the edu device must be caught
 * by the device's own protocol checkers (rtl/formal/, Verilator --assert)
 * as the failed assumption of the rule the bus broke.  Exit 0 when every
 * fault was caught, 1 otherwise (with what went wrong on stderr).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "edu/pci_regs.h"
#include "edu/rtl.h"

/* Configuration addresses: the edu at 00:04.0, nothing at 00:05.0, the
 * host bridge's own configuration space at 00:00.0 (its target answers);
 * with low bits 2, a 4-byte access runs into the next DWORD: a burst of
 * two data phases. */
#define EDU_CA (PCI_CONFIG_ENABLE | PCI_DEVFN(4, 0) << 8)
#define ABSENT_CA (PCI_CONFIG_ENABLE | PCI_DEVFN(5, 0) << 8)
#define HOST_CA (PCI_CONFIG_ENABLE | PCI_DEVFN(0, 0) << 8)
#define BURST 2
/* A memory address above 4 GiB nobody claims: a dual address cycle. */
#define DAC_ADDR 0x100001000ull

/* Who must catch the fault: the monitor (the device's checkers may only
 * come later, or in the same clock after it), or the device's checkers
 * alone (the monitor silenced). */
enum { MONITOR, CHECKERS_ONLY };

typedef struct Case {
    EduRtlFault fault;
    int who;
    const char *what;
    uint32_t config_address; /* 0: a memory read at DAC_ADDR */
    int write;
    const char *expect; /* the whole rule, after "at clock N: " */
} Case;

static const Case cases[] = {
    {EDU_RTL_FAULT_FRAME_BEFORE_IRDY, MONITOR, "FRAME# deasserted before IRDY#",
     EDU_CA, 0, "FRAME# deasserted while IRDY# is deasserted"},
    {EDU_RTL_FAULT_IRDY_WITHDRAWN, MONITOR, "IRDY# withdrawn while waiting",
     ABSENT_CA, 0, "IRDY# deasserted before the data phase completed"},
    {EDU_RTL_FAULT_AD_UNSTABLE, MONITOR, "write data changed while waiting",
     ABSENT_CA, 1, "write data on AD changed while the data phase waits"},
    {EDU_RTL_FAULT_BAD_PARITY, MONITOR, "wrong PAR after the address phase", EDU_CA,
     0, "PAR 0 after AD 00100000 C/BE# a (even parity needs 1)"},
    {EDU_RTL_FAULT_CONTENTION, MONITOR, "two drivers on AD", EDU_CA, 0,
     "two agents drive AD"},
    {EDU_RTL_FAULT_NO_TURNAROUND, MONITOR, "AD changes hands without turnaround",
     HOST_CA, 0,
     "AD driven by the host bridge (target) right after the host bridge "
     "(initiator), without a turnaround clock"},
    {EDU_RTL_FAULT_RELEASED_ASSERTED, MONITOR, "IRDY# released while asserted",
     EDU_CA, 0,
     "IRDY# released by the host bridge (initiator) while asserted (a "
     "sustained tri-state line is driven high for a clock first)"},
    {EDU_RTL_FAULT_FAST_BACK_TO_BACK, MONITOR, "FRAME# while IRDY# (back-to-back)",
     EDU_CA, 0,
     "FRAME# asserted while IRDY# is still asserted (no fast back-to-back: "
     "an idle clock comes first)"},
    {EDU_RTL_FAULT_DAC_FRAME_RELEASED, MONITOR,
     "FRAME# released in a DAC's second address phase", 0, 0,
     "FRAME# deasserted in the second address phase of a dual address "
     "cycle"},
    {EDU_RTL_FAULT_NO_GNT, MONITOR, "a device starts without GNT#", EDU_CA, 0,
     "edu device 0 starts a transaction without GNT#"},
    {EDU_RTL_FAULT_ADDR_NO_AD, MONITOR, "address phase without AD", EDU_CA, 0,
     "the address phase without AD and C/BE# driven by its master"},
    {EDU_RTL_FAULT_FRAME_CHANGED, MONITOR, "FRAME# changed while waiting",
     ABSENT_CA | BURST, 0, "FRAME# changed while the data phase waits"},
    {EDU_RTL_FAULT_CBE_CHANGED, MONITOR, "C/BE# changed while waiting", ABSENT_CA,
     0, "C/BE# changed while the data phase waits"},
    {EDU_RTL_FAULT_NO_MASTER_ABORT, MONITOR, "no master abort", ABSENT_CA, 0,
     "no DEVSEL# by the fourth clock after the address phase, and the "
     "master does not abort"},
    {EDU_RTL_FAULT_CBE_UNDRIVEN, MONITOR, "C/BE# not driven", EDU_CA, 0,
     "C/BE# not driven during the transaction"},
    {EDU_RTL_FAULT_READ_TURNAROUND, MONITOR, "AD driven in a read's turnaround",
     EDU_CA, 0, "AD driven in the turnaround clock after a read's address "
                "phase"},
    {EDU_RTL_FAULT_STOP_RELEASED_EARLY, MONITOR, "STOP# released before FRAME#",
     HOST_CA | BURST, 0, "STOP# deasserted before FRAME#"},
    {EDU_RTL_FAULT_FRAME_AFTER_STOP, MONITOR, "FRAME# kept after STOP#",
     HOST_CA | BURST, 0, "FRAME# still asserted in the clock after STOP#"},
    {EDU_RTL_FAULT_TRDY_NO_DEVSEL, MONITOR, "TRDY# without DEVSEL#", HOST_CA, 0,
     "TRDY# asserted without DEVSEL#"},
    {EDU_RTL_FAULT_STOP_NO_DEVSEL, MONITOR, "STOP# without DEVSEL#", HOST_CA, 0,
     "STOP# asserted without DEVSEL#"},
    {EDU_RTL_FAULT_DEVSEL_IN_ADDRESS, MONITOR, "DEVSEL# in the address phase",
     HOST_CA, 0, "DEVSEL# or TRDY# in the address phase"},
    {EDU_RTL_FAULT_IRDY_OUTSIDE, MONITOR, "IRDY# outside a transaction", EDU_CA, 0,
     "IRDY#, TRDY#, DEVSEL# or STOP# asserted outside a transaction"},
    {EDU_RTL_FAULT_PAR_UNDRIVEN, MONITOR, "PAR not driven", EDU_CA, 0,
     "PAR not driven one clock after AD"},
    {EDU_RTL_FAULT_STOP_AFTER_LAST, MONITOR, "STOP# after the last data phase",
     HOST_CA, 0, "STOP# still asserted after the last data phase"},
    {EDU_RTL_FAULT_READ_DATA_CHANGED, MONITOR, "read data changed while waiting",
     HOST_CA, 0, "read data on AD changed while the data phase waits"},
    {EDU_RTL_FAULT_TRDY_WITHDRAWN, MONITOR, "TRDY# withdrawn while waiting",
     HOST_CA, 0, "TRDY# deasserted before the data phase completed"},
    /* The device's own checkers (the monitor silenced). */
    {EDU_RTL_FAULT_FRAME_BEFORE_IRDY, CHECKERS_ONLY,
     "FRAME# deasserted before IRDY#, the device's checker", EDU_CA, 0,
     "FrameReleasedWithIrdy_M "
     "(TOP.edu0.edu_sim_dev.u_edu.u_target_props.FrameReleasedWithIrdy_M)"},
    {EDU_RTL_FAULT_IRDY_WITHDRAWN, CHECKERS_ONLY,
     "IRDY# withdrawn while waiting, the device's checker", ABSENT_CA, 0,
     "IrdyHeldWhileWaiting_M "
     "(TOP.edu0.edu_sim_dev.u_edu.u_target_props.IrdyHeldWhileWaiting_M)"},
    /* The target's checker knows no dual address cycle: FRAME# deasserted
     * in its second address phase is FRAME# deasserted without IRDY#. */
    {EDU_RTL_FAULT_DAC_FRAME_RELEASED, CHECKERS_ONLY,
     "FRAME# released in a DAC's second address phase, the device's checker",
     0, 0,
     "FrameReleasedWithIrdy_M "
     "(TOP.edu0.edu_sim_dev.u_edu.u_target_props.FrameReleasedWithIrdy_M)"},
};

/* One configuration cycle through CONFIG_ADDRESS/CONFIG_DATA, or (ca 0)
 * a memory read nobody claims above 4 GiB. */
static int access(EduPlatform *rtl, uint32_t ca, int write)
{
    uint32_t val;
    int rc;

    if (!ca) {
        uint64_t mval;

        return rtl->ops->mem_read(rtl, DAC_ADDR, 4, &mval);
    }
    rc = rtl->ops->io_write(rtl, PCI_CONFIG_ADDRESS_PORT, ca, 4);
    if (rc < 0) {
        return rc;
    }
    if (write) {
        return rtl->ops->io_write(rtl, PCI_CONFIG_DATA_PORT, 0x12345678u, 4);
    }
    return rtl->ops->io_read(rtl, PCI_CONFIG_DATA_PORT, 4, &val);
}

/* The rule in the platform's error: what follows "at clock N: ". */
static const char *rule_of(const char *err)
{
    const char *at = strstr(err, " at clock ");

    if (!at || !(at = strstr(at, ": "))) {
        return err;
    }
    return at + 2;
}

static int run_case(const Case *c)
{
    const EduPlatformConfig cfg = {.quiet = true};
    const EduRtlOptions opt = {.no_monitor = c->who == CHECKERS_ONLY};
    char err[256];
    EduPlatform *rtl = edu_rtl_create(&cfg, &opt, err, sizeof(err));
    int failed = 0;
    int rc;

    if (!rtl) {
        fprintf(stderr, "%s: cannot create the platform: %s\n", c->what, err);
        return 1;
    }
    rc = access(rtl, c->config_address, c->write);
    if (rc != 0) {
        fprintf(stderr, "%s: the clean transaction failed: %s\n", c->what,
                edu_platform_error(rtl));
        failed = 1;
    }
    edu_rtl_inject(rtl, c->fault);
    rc = access(rtl, c->config_address, c->write);
    if (rc == 0) {
        /* A rule broken after the transaction's end: the clocks after it
         * run with the next operation. */
        rtl->ops->advance(rtl, 1000);
        rc = access(rtl, EDU_CA, 0);
    }
    if (!failed && rc != -EIO) {
        fprintf(stderr, "%s: not caught (the transaction returned %d)\n",
                c->what, rc);
        failed = 1;
    } else if (!failed && strcmp(rule_of(edu_platform_error(rtl)), c->expect)) {
        fprintf(stderr, "%s: caught as '%s', expected '%s'\n", c->what,
                edu_platform_error(rtl), c->expect);
        failed = 1;
    } else if (!failed && access(rtl, c->config_address, 0) != -EIO) {
        fprintf(stderr, "%s: the platform goes on after the violation\n",
                c->what);
        failed = 1;
    }
    if (!failed) {
        printf("ok %s: %s\n", c->what, edu_platform_error(rtl));
    }
    rtl->ops->destroy(rtl);
    return failed;
}

int main(void)
{
    int failed = 0;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        failed |= run_case(&cases[i]);
    }
    return failed;
}

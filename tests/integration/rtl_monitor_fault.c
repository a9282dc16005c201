/*
 * The RTL harness's protocol monitor catches a broken handshake.
 *
 * For each fault the host bridge can inject (edu/rtl.h), a fresh platform
 * first runs the same transaction cleanly, then with the fault: the
 * transaction must fail with -EIO, the monitor's text must name the rule
 * that was broken, and the platform must stay failed.  Then, with the
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

/* Configuration addresses: the edu at 00:04.0, nothing at 00:05.0. */
#define EDU_CA (PCI_CONFIG_ENABLE | PCI_DEVFN(4, 0) << 8)
#define ABSENT_CA (PCI_CONFIG_ENABLE | PCI_DEVFN(5, 0) << 8)

typedef struct Case {
    EduRtlFault fault;
    int no_monitor; /* the device's checkers must catch it */
    const char *what;
    uint32_t config_address;
    int write;
    const char *expect; /* in the monitor's text */
} Case;

static const Case cases[] = {
    {EDU_RTL_FAULT_FRAME_BEFORE_IRDY, 0, "FRAME# deasserted before IRDY#",
     EDU_CA, 0, "FRAME# deasserted while IRDY# is deasserted"},
    {EDU_RTL_FAULT_IRDY_WITHDRAWN, 0, "IRDY# withdrawn while waiting",
     ABSENT_CA, 0, "IRDY# deasserted before the data phase completed"},
    {EDU_RTL_FAULT_AD_UNSTABLE, 0, "write data changed while waiting",
     ABSENT_CA, 1, "write data on AD changed"},
    {EDU_RTL_FAULT_BAD_PARITY, 0, "wrong PAR after the address phase", EDU_CA,
     0, "PAR"},
    /* The device's own checkers (the monitor silenced). */
    {EDU_RTL_FAULT_FRAME_BEFORE_IRDY, 1,
     "FRAME# deasserted before IRDY#, the device's checker", EDU_CA, 0,
     "RTL assertion failed at clock 5: FrameReleasedWithIrdy_M "
     "(TOP.edu0.edu_sim_dev.u_edu.u_target_props"},
    {EDU_RTL_FAULT_IRDY_WITHDRAWN, 1,
     "IRDY# withdrawn while waiting, the device's checker", ABSENT_CA, 0,
     "RTL assertion failed at clock 8: IrdyHeldWhileWaiting_M "
     "(TOP.edu0.edu_sim_dev.u_edu.u_target_props"},
};

/* One configuration cycle through CONFIG_ADDRESS/CONFIG_DATA. */
static int config_cycle(EduPlatform *rtl, uint32_t ca, int write)
{
    uint32_t val;
    int rc = rtl->ops->io_write(rtl, PCI_CONFIG_ADDRESS_PORT, ca, 4);

    if (rc < 0) {
        return rc;
    }
    if (write) {
        return rtl->ops->io_write(rtl, PCI_CONFIG_DATA_PORT, 0x12345678u, 4);
    }
    return rtl->ops->io_read(rtl, PCI_CONFIG_DATA_PORT, 4, &val);
}

static int run_case(const Case *c)
{
    const EduPlatformConfig cfg = {.quiet = true};
    const EduRtlOptions opt = {.no_monitor = c->no_monitor};
    char err[256];
    EduPlatform *rtl = edu_rtl_create(&cfg, &opt, err, sizeof(err));
    int failed = 0;
    int rc;

    if (!rtl) {
        fprintf(stderr, "%s: cannot create the platform: %s\n", c->what, err);
        return 1;
    }
    rc = config_cycle(rtl, c->config_address, c->write);
    if (rc != 0) {
        fprintf(stderr, "%s: the clean transaction failed: %s\n", c->what,
                edu_platform_error(rtl));
        failed = 1;
    }
    edu_rtl_inject(rtl, c->fault);
    rc = config_cycle(rtl, c->config_address, c->write);
    if (!failed && rc != -EIO) {
        fprintf(stderr, "%s: not caught (the transaction returned %d)\n",
                c->what, rc);
        failed = 1;
    } else if (!failed && !strstr(edu_platform_error(rtl), c->expect)) {
        fprintf(stderr, "%s: caught as '%s', expected '%s'\n", c->what,
                edu_platform_error(rtl), c->expect);
        failed = 1;
    } else if (!failed && config_cycle(rtl, c->config_address, 0) != -EIO) {
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

/*
 * edu-tb serve: one edu function of a view (the C model, TLM, RTL) served
 * to QEMU's x-pci-proxy-dev (docs/guest.md).
 *
 * The view is created as always (RAM at 0, the edu in slot 4); its RAM is
 * a window onto the guest's (EduPlatformConfig.ram), in which the memfd
 * regions of every SYNC_SYSMEM are mapped in place.  A configuration access
 * from QEMU becomes a configuration cycle of the view through 0xCF8/0xCFC;
 * a BAR access goes to the view's memory map at the same guest physical
 * address.  After each access the view runs until its devices are idle,
 * then its INTA# goes to the guest's interrupt controller before QEMU gets
 * its answer.  It does not forward MSI (the proxy cannot), and hides the
 * MSI capability so that a driver takes INTx.
 */
#define _GNU_SOURCE /* accept4, MAP_NORESERVE, MSG_CMSG_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "edu/pci_regs.h"
#include "edu/regs.h"
#include "mpqemu.h"
#include "serve.h"

/* Steps of the view's own work run after one access, at most (a view that
 * never goes idle cannot hold QEMU's answer forever). */
#define SERVE_SETTLE_STEPS 100000
/* How long QEMU's qtest may take to connect, or to answer a set_irq_in. */
#define SERVE_QTEST_WAIT_MS 5000
#define SERVE_IOAPIC "/machine/q35/ioapic"

typedef struct Server {
    const ServeConfig *cfg;
    EduPlatformConfig pcfg;
    EduPlatform *view;
    uint8_t *ram; /* SERVE_RAM_SIZE bytes: the guest's, where QEMU says */
    int sock;
    int line;  /* the INTx level the interrupt controller has */
    int irqfd; /* SET_IRQFD: KVM's irqfd and resample eventfds */
    int resamplefd;
    int qt_listen; /* qtest: listening socket, connection, answers due */
    bool qt_made;  /* this server made the socket file (so it removes it) */
    int qt_fd;
    unsigned qt_due;
    char qt_buf[512];
    size_t qt_len;
    bool qt_warned;
    unsigned gsi;
    FILE *rec; /* --record */
    /* For the record: what the guest wrote to BAR0 (its writable bits)
     * and to the DMA registers, and the device->RAM DMA the last access
     * started (rec_dma_len 0: none). */
    uint32_t rec_bar0;
    uint64_t rec_dma[3]; /* source, destination, count */
    uint64_t rec_dma_to;
    uint64_t rec_dma_len;
    bool rec_worked;  /* the last settle ran the devices' work */
    bool rec_started; /* the last access may start work (FACT, DMA_CMD) */
    bool busy;        /* the devices still have work after the last settle */
    bool failed;
} Server;

/* One line on stderr, "edu-tb serve: ...". */
static void serve_log(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static void serve_log(const char *fmt, ...)
{
    va_list ap;

    fputs("edu-tb serve: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* --- guest RAM ---------------------------------------------------------- */

/* The window back to private zeros: what the view sees where QEMU has no
 * RAM for it (before the first SYNC_SYSMEM, in the holes). */
static int serve_ram_clear(Server *s)
{
    void *p = mmap(s->ram, SERVE_RAM_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
                       (s->ram ? MAP_FIXED : 0),
                   -1, 0);

    if (p == MAP_FAILED) {
        return -errno;
    }
    s->ram = p;
    return 0;
}

/* One region of a SYNC_SYSMEM in the window; false (said why) if not. */
static bool serve_ram_map(Server *s, uint64_t gpa, uint64_t size,
                          int64_t offset, int fd)
{
    long page = sysconf(_SC_PAGESIZE);
    struct stat st;
    uint64_t len;

    if (gpa >= SERVE_RAM_SIZE) {
        return true; /* past the reach of the device's DMA: not needed */
    }
    len = size < SERVE_RAM_SIZE - gpa ? size : SERVE_RAM_SIZE - gpa;
    if (gpa % (uint64_t)page || offset < 0 || offset % page ||
        len % (uint64_t)page) {
        serve_log("SYNC_SYSMEM: region 0x%" PRIx64 "+0x%" PRIx64
                  " at offset 0x%" PRIx64 " is not whole pages; not mapped",
                  gpa, size, (uint64_t)offset);
        return false;
    }
    /* Past the end of the file, an access would be SIGBUS. */
    if (fstat(fd, &st) < 0 || (uint64_t)offset > (uint64_t)st.st_size ||
        len > (uint64_t)st.st_size - (uint64_t)offset) {
        serve_log("SYNC_SYSMEM: region 0x%" PRIx64 "+0x%" PRIx64
                  " is not inside its file; not mapped",
                  gpa, size);
        return false;
    }
    if (len && mmap(s->ram + gpa, len, PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_FIXED, fd, offset) == MAP_FAILED) {
        serve_log("SYNC_SYSMEM: cannot map region 0x%" PRIx64 "+0x%" PRIx64
                  ": %s",
                  gpa, size, strerror(errno));
        return false;
    }
    return true;
}

static void serve_sync_sysmem(Server *s, MpqemuMsg *msg)
{
    MpqemuSysmem sm;
    unsigned mapped = 0;
    int rc;

    if (!mpqemu_sysmem(msg, &sm) || msg->n_fds == 0) {
        serve_log("SYNC_SYSMEM of %" PRIu64 " bytes with %u fds: ignored",
                  msg->size, msg->n_fds);
        return;
    }
    /* Every map is the whole map: the old one goes. */
    rc = serve_ram_clear(s);
    if (rc < 0) {
        serve_log("SYNC_SYSMEM: cannot reset the RAM window: %s",
                  strerror(-rc));
        s->failed = true;
        return;
    }
    for (unsigned i = 0; i < msg->n_fds; i++) {
        mapped +=
            serve_ram_map(s, sm.gpa[i], sm.size[i], sm.offset[i], msg->fds[i]);
    }
    if (s->rec) {
        fprintf(s->rec, "# SYNC_SYSMEM: %u of %u regions mapped\n", mapped,
                msg->n_fds);
    }
}

/* --- INTx ----------------------------------------------------------------- */

/* Takes QEMU's qtest connection, waiting up to wait_ms for it. */
static bool serve_qt_connect(Server *s, int wait_ms)
{
    struct pollfd pfd = {.fd = s->qt_listen, .events = POLLIN};

    if (s->qt_fd >= 0) {
        return true;
    }
    if (s->qt_listen < 0 || poll(&pfd, 1, wait_ms) <= 0) {
        return false;
    }
    s->qt_fd = accept4(s->qt_listen, NULL, NULL, SOCK_CLOEXEC);
    return s->qt_fd >= 0;
}

/* Reads qtest's answers: waits up to wait_ms for data, takes what is
 * there; false when none came.  An answer other than OK is said; IRQ
 * lines are not answers. */
static bool serve_qt_read(Server *s, int wait_ms)
{
    struct pollfd pfd = {.fd = s->qt_fd, .events = POLLIN};
    ssize_t n;
    char *nl;

    if (s->qt_fd < 0 || poll(&pfd, 1, wait_ms) <= 0) {
        return false;
    }
    n = read(s->qt_fd, s->qt_buf + s->qt_len,
             sizeof(s->qt_buf) - 1 - s->qt_len);
    if (n <= 0) {
        if (!s->cfg->quiet) {
            serve_log("qtest: QEMU closed the connection");
        }
        close(s->qt_fd);
        s->qt_fd = -1;
        s->qt_due = 0;
        return true;
    }
    s->qt_len += (size_t)n;
    s->qt_buf[s->qt_len] = '\0';
    while ((nl = strchr(s->qt_buf, '\n'))) {
        *nl = '\0';
        if (strncmp(s->qt_buf, "IRQ", 3) != 0) {
            if (s->qt_due) {
                s->qt_due--;
            }
            if (strncmp(s->qt_buf, "OK", 2) != 0) {
                serve_log("qtest answered '%s' to set_irq_in", s->qt_buf);
            }
        }
        s->qt_len -= (size_t)(nl + 1 - s->qt_buf);
        memmove(s->qt_buf, nl + 1, s->qt_len + 1);
    }
    if (s->qt_len == sizeof(s->qt_buf) - 1) {
        s->qt_len = 0; /* a line longer than any answer: dropped */
    }
    return true;
}

/* Every answer due, each within SERVE_QTEST_WAIT_MS. */
static void serve_qt_drain(Server *s)
{
    struct timespec t;
    int64_t end;

    clock_gettime(CLOCK_MONOTONIC, &t);
    end = (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000 + SERVE_QTEST_WAIT_MS;
    while (s->qt_fd >= 0 && s->qt_due) {
        int64_t left;

        clock_gettime(CLOCK_MONOTONIC, &t);
        left = end - ((int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000);
        if (left <= 0 || !serve_qt_read(s, (int)left)) {
            serve_log("qtest: no answer to set_irq_in in %d ms; going on",
                      SERVE_QTEST_WAIT_MS);
            return;
        }
    }
}

/* Sets the interrupt controller's input; wait: until QEMU says OK (never
 * while QEMU's main loop waits for us: DEVICE_RESET). */
static void serve_qt_set(Server *s, int level, bool wait)
{
    char line[128];
    int n;

    if (!serve_qt_connect(s, wait ? SERVE_QTEST_WAIT_MS : 0)) {
        if (!s->qt_warned && s->irqfd < 0) {
            serve_log("INTx went to %d but reaches no interrupt controller "
                      "(no qtest connection, no irqfd)",
                      level);
            s->qt_warned = true;
        }
        return;
    }
    n = snprintf(line, sizeof(line), "set_irq_in %s unnamed-gpio-in %u %d\n",
                 SERVE_IOAPIC, s->gsi, level);
    if (send(s->qt_fd, line, (size_t)n, MSG_NOSIGNAL) != n) {
        serve_log("qtest: cannot send set_irq_in: %s", strerror(errno));
        return;
    }
    s->qt_due++;
    if (wait) {
        serve_qt_drain(s);
    }
}

/* KVM's irqfd: an edge per assertion, again at every resample while the
 * line stays up (a level, as KVM emulates it). */
static void serve_irqfd_kick(Server *s)
{
    uint64_t one = 1;

    if (s->irqfd >= 0 && write(s->irqfd, &one, sizeof(one)) < 0) {
        serve_log("irqfd: %s", strerror(errno));
    }
}

static void serve_resample(Server *s)
{
    uint64_t n;

    if (read(s->resamplefd, &n, sizeof(n)) == sizeof(n) && s->line) {
        serve_irqfd_kick(s);
    }
}

/* The view's INTA# to the guest, if it changed. */
static void serve_update_intx(Server *s, bool wait)
{
    int level = s->view->ops->intx(s->view);

    if (level < 0 || level == s->line) {
        return;
    }
    s->line = level;
    if (s->rec) {
        fprintf(s->rec, "# INTx %d\n", level);
    }
    if (level) {
        serve_irqfd_kick(s);
    }
    serve_qt_set(s, level, wait);
}

static void serve_set_irqfd(Server *s, MpqemuMsg *msg)
{
    if (msg->n_fds != 2 || msg->size != 0) {
        serve_log("SET_IRQFD of %" PRIu64 " bytes with %u fds (2 wanted): "
                  "ignored",
                  msg->size, msg->n_fds);
        return;
    }
    if (s->irqfd >= 0) {
        close(s->irqfd);
        close(s->resamplefd);
    }
    s->irqfd = msg->fds[0];
    s->resamplefd = msg->fds[1];
    msg->n_fds = 0; /* kept */
    fcntl(s->resamplefd, F_SETFL, fcntl(s->resamplefd, F_GETFL) | O_NONBLOCK);
}

/* --- the view ---------------------------------------------------------------
 */

static int serve_view_failed(Server *s, const char *what)
{
    serve_log("%s: the view failed: %s", what, edu_platform_error(s->view));
    s->failed = true;
    return -EIO;
}

/* Runs the view until its devices are idle, or SERVE_SETTLE_STEPS of
 * their work (s->busy then: the rest runs while QEMU sends nothing); in
 * the record, the time that took as one clock_step. */
static int serve_settle(Server *s)
{
    EduPlatform *p = s->view;
    uint64_t start = p->ops->now_ns(p);

    s->busy = p->ops->next_event_ns != NULL;
    for (unsigned i = 0; i < SERVE_SETTLE_STEPS && s->busy; i++) {
        uint64_t at, now = p->ops->now_ns(p);
        int rc = p->ops->next_event_ns(p, &at);

        if (rc == -ENOENT) {
            s->busy = false;
            break;
        }
        if (rc < 0 || p->ops->advance(p, at > now ? at - now : 1) < 0) {
            s->busy = false;
            return serve_view_failed(s, "running the devices");
        }
    }
    if (s->rec && p->ops->now_ns(p) > start) {
        fprintf(s->rec, "clock_step %" PRIu64 "\n# OK %" PRIu64 "\n",
                p->ops->now_ns(p) - start, p->ops->now_ns(p));
        s->rec_worked = true;
    }
    return 0;
}

static int serve_view_open(Server *s)
{
    char err[512];

    s->view = backend_open(s->cfg->backend, &s->pcfg, err, sizeof(err));
    if (!s->view) {
        serve_log("%s", err);
        return -EIO;
    }
    return 0;
}

static const char *const serve_io_sfx = "?bw?l";
static const char *const serve_mem_sfx = "?bw?l???q";

/* One configuration access of 1, 2 or 4 bytes inside a dword: address on
 * 0xCF8, data on 0xCFC + (addr & 3), as a CPU does. */
static int serve_cfg_cycle(Server *s, bool write, uint32_t addr, unsigned len,
                           uint32_t *val)
{
    EduPlatform *p = s->view;
    uint32_t cf8 = PCI_CONFIG_ENABLE | (s->cfg->slot << 11) | (addr & 0xfc);
    uint16_t port = (uint16_t)(PCI_CONFIG_DATA_PORT + (addr & 3));
    int rc = p->ops->io_write(p, PCI_CONFIG_ADDRESS_PORT, cf8, 4);

    if (rc == 0) {
        rc = write ? p->ops->io_write(p, port, *val, len)
                   : p->ops->io_read(p, port, len, val);
    }
    if (rc < 0) {
        return serve_view_failed(s, "a configuration cycle");
    }
    if (s->rec && write && (addr & 0xfc) == PCI_BASE_ADDRESS_0) {
        /* Where BAR0 is (its low 20 bits are 0: 1 MiB, memory). */
        unsigned sh = 8 * (addr & 3);
        uint32_t m = (len == 4 ? 0xffffffffu : ((1u << 8 * len) - 1)) << sh;

        s->rec_bar0 = (s->rec_bar0 & ~m) | ((*val << sh) & m);
    }
    if (s->rec) {
        fprintf(s->rec, "outl 0x%x 0x%x\n", PCI_CONFIG_ADDRESS_PORT, cf8);
        if (write) {
            fprintf(s->rec, "out%c 0x%x 0x%x\n", serve_io_sfx[len], port, *val);
        } else {
            fprintf(s->rec, "in%c 0x%x\n# OK 0x%04x\n", serve_io_sfx[len], port,
                    *val);
        }
    }
    return 0;
}

/* What the guest may see of configuration space: no MSI capability (the
 * proxy cannot deliver MSI), so a driver takes INTx. */
static uint32_t serve_cfg_hide_msi(uint32_t addr, unsigned len, uint32_t val)
{
    for (unsigned i = 0; i < len; i++) {
        uint32_t off = addr + i;
        uint32_t mask = 0;

        if (off == PCI_STATUS) {
            mask = PCI_STATUS_CAP_LIST;
        } else if (off == PCI_CAPABILITY_LIST) {
            mask = 0xff;
        }
        val &= ~(mask << (8 * i));
    }
    return val;
}

static uint64_t serve_config(Server *s, bool write, const MpqemuMsg *msg)
{
    MpqemuConf c;
    uint32_t val = 0;

    if (!mpqemu_conf(msg, &c)) {
        serve_log("%s of %" PRIu64 " bytes (%d wanted): answered all ones",
                  mpqemu_cmd_name(msg->cmd), msg->size, MPQEMU_CONF_SIZE);
        return UINT64_MAX;
    }
    if ((c.len != 1 && c.len != 2 && c.len != 4) || c.addr >= PCI_CONFIG_SIZE ||
        (uint32_t)c.len > PCI_CONFIG_SIZE - c.addr) {
        serve_log("configuration %s of %d bytes at 0x%x: not in the "
                  "function's 256 bytes; %s",
                  write ? "write" : "read", c.len, c.addr,
                  write ? "ignored" : "answered all ones");
        return write ? 0 : UINT32_MAX;
    }
    if ((c.addr & 3) + (uint32_t)c.len > 4) {
        /* Across a dword: a byte at a time, as no CPU cycle can. */
        for (int i = 0; i < c.len; i++) {
            uint32_t b = (c.val >> (8 * i)) & 0xff;

            if (serve_cfg_cycle(s, write, c.addr + (uint32_t)i, 1, &b) < 0) {
                return UINT64_MAX;
            }
            val |= (b & 0xff) << (8 * i);
        }
    } else {
        val = c.val;
        if (serve_cfg_cycle(s, write, c.addr, (unsigned)c.len, &val) < 0) {
            return UINT64_MAX;
        }
    }
    return write ? 0 : serve_cfg_hide_msi(c.addr, (unsigned)c.len, val);
}

/* Guest RAM as a qtest request's hex data: "0x" and two digits a byte. */
static void serve_record_hex(Server *s, uint64_t addr, uint64_t len)
{
    static const char digits[] = "0123456789abcdef";

    fputs("0x", s->rec);
    for (uint64_t i = 0; i < len; i++) {
        fputc(digits[s->ram[addr + i] >> 4], s->rec);
        fputc(digits[s->ram[addr + i] & 15], s->rec);
    }
}

/* A BAR write, for the record: the DMA registers it sets, and when it
 * starts a DMA from RAM, the bytes that DMA reads, written to RAM first
 * (the replay's RAM has only what the record puts there).  A DMA to RAM
 * is noted, so that the bytes it wrote follow it (serve_record_after).
 * Edu's rules for a DMA (docs/registers.md) are not checked here: RAM
 * written with what it holds changes nothing, so a DMA the device then
 * refuses costs only a line. */
static void serve_record_dma(Server *s, uint64_t addr, uint64_t val,
                             unsigned size)
{
    uint64_t bar = s->rec_bar0 & ~(uint64_t)(EDU_BAR0_SIZE - 1);
    uint64_t mask = s->pcfg.dma_mask ? s->pcfg.dma_mask : EDU_DMA_MASK_DEFAULT;
    uint64_t off = addr - bar, ram, len;
    unsigned reg;

    s->rec_dma_len = 0;
    if (bar && addr == bar + EDU_REG_FACT && size == 4) {
        s->rec_started = true;
    }
    if (!bar || addr < bar || off >= EDU_REG_DMA_CMD + 8 ||
        off < EDU_REG_DMA_SRC || (size != 4 && size != 8)) {
        return;
    }
    reg = (unsigned)(off - EDU_REG_DMA_SRC) / 8;
    if (reg < 3) {
        /* A half at a time (4 bytes), or whole. */
        unsigned sh = off % 8 ? 32 : 0;
        uint64_t m = size == 8 ? UINT64_MAX : 0xffffffffull << sh;

        s->rec_dma[reg] = (s->rec_dma[reg] & ~m) | ((val << sh) & m);
        return;
    }
    if (off != EDU_REG_DMA_CMD || !(val & EDU_DMA_CMD_RUN)) {
        return;
    }
    s->rec_started = true;
    ram = s->rec_dma[val & EDU_DMA_CMD_TO_RAM ? 1 : 0] & mask;
    len = s->rec_dma[2];
    if (len == 0 || len > EDU_DMA_BUF_SIZE || ram >= SERVE_RAM_SIZE ||
        len > SERVE_RAM_SIZE - ram) {
        return; /* not a DMA the device does */
    }
    if (val & EDU_DMA_CMD_TO_RAM) {
        s->rec_dma_to = ram;
        s->rec_dma_len = len;
        return;
    }
    fprintf(s->rec, "write 0x%" PRIx64 " 0x%" PRIx64 " ", ram, len);
    serve_record_hex(s, ram, len);
    fputc('\n', s->rec);
}

/* For the record, after an access that may start work (a write to FACT,
 * or to DMA_CMD with RUN) or that ran some: a bare clock_step (on a view
 * nothing is left, so it answers the same time; on QEMU's edu, whose
 * thread and timer run in real time, edu-tb qtest waits there until the
 * work is done), then the bytes a DMA to RAM wrote, as read back. */
static void serve_record_after(Server *s)
{
    uint64_t now = s->view->ops->now_ns(s->view);

    if (s->rec_worked || s->rec_started) {
        fprintf(s->rec, "clock_step\n# OK %" PRIu64 "\n", now);
        if (s->rec_dma_len && s->rec_worked) { /* it ran */
            fprintf(s->rec, "read 0x%" PRIx64 " 0x%" PRIx64 "\n# OK ",
                    s->rec_dma_to, s->rec_dma_len);
            serve_record_hex(s, s->rec_dma_to, s->rec_dma_len);
            fputc('\n', s->rec);
        }
    }
    s->rec_worked = false;
    s->rec_started = false;
    s->rec_dma_len = 0;
}

static uint64_t serve_bar(Server *s, bool write, const MpqemuMsg *msg)
{
    EduPlatform *p = s->view;
    MpqemuBar b;
    uint64_t val = 0;
    int rc;

    if (!mpqemu_bar(msg, &b) || msg->n_fds) {
        serve_log("%s of %" PRIu64 " bytes with %u fds (%d bytes, none "
                  "wanted): answered all ones",
                  mpqemu_cmd_name(msg->cmd), msg->size, msg->n_fds,
                  MPQEMU_BAR_SIZE);
        return UINT64_MAX;
    }
    if (!b.memory) {
        serve_log("I/O BAR %s at port 0x%" PRIx64 ": edu has no I/O BAR",
                  write ? "write" : "read", b.addr);
        return write ? 0 : UINT64_MAX;
    }
    if (b.size != 1 && b.size != 2 && b.size != 4 && b.size != 8) {
        serve_log("BAR %s of %u bytes at 0x%" PRIx64 ": not 1, 2, 4 or 8",
                  write ? "write" : "read", b.size, b.addr);
        return write ? 0 : UINT64_MAX;
    }
    if (b.addr < SERVE_RAM_SIZE || b.addr > UINT64_MAX - b.size) {
        serve_log("BAR %s at 0x%" PRIx64 ": that is RAM, not a BAR",
                  write ? "write" : "read", b.addr);
        return write ? 0 : UINT64_MAX;
    }
    if (s->rec && write) {
        serve_record_dma(s, b.addr, b.val, b.size);
    }
    /* Anything else is the view's to decode: its BAR0 where the guest put
     * it, a master abort elsewhere. */
    rc = write ? p->ops->mem_write(p, b.addr, b.val, b.size)
               : p->ops->mem_read(p, b.addr, b.size, &val);
    if (rc < 0) {
        serve_view_failed(s, "a BAR access");
        return UINT64_MAX;
    }
    if (s->rec) {
        if (write) {
            fprintf(s->rec, "write%c 0x%" PRIx64 " 0x%" PRIx64 "\n",
                    serve_mem_sfx[b.size], b.addr, b.val);
        } else {
            fprintf(s->rec, "read%c 0x%" PRIx64 "\n# OK 0x%016" PRIx64 "\n",
                    serve_mem_sfx[b.size], b.addr, val);
        }
    }
    return val;
}

/* The record from its start: its header, nothing else. */
static void serve_record_start(Server *s)
{
    char slots[32] = "";

    fflush(s->rec);
    if (ftruncate(fileno(s->rec), 0) < 0) {
        serve_log("--record: %s", strerror(errno));
    }
    rewind(s->rec);
    if (s->cfg->slot != 4) {
        snprintf(slots, sizeof(slots), " --slots %u", s->cfg->slot);
    }
    fprintf(s->rec,
            "# edu-tb serve --backend %s: the guest's accesses since the "
            "last\n# device reset, for edu-tb qtest --backend VIEW "
            "--ram-size %llu%s\n# (VIEW: any, qemu too); '# OK' lines "
            "are the answers the view gave,\n# '# INTx N' its INTA# "
            "changing during the request before.\n",
            s->cfg->backend, SERVE_RAM_SIZE >> 20, slots);
    fputs("irq_intercept_in ioapic\n", s->rec);
    s->rec_bar0 = 0;
    memset(s->rec_dma, 0, sizeof(s->rec_dma));
    s->rec_dma_len = 0;
    s->rec_worked = false;
    s->rec_started = false;
}

/* DEVICE_RESET: a new view, as at power-on; the RAM stays the guest's. */
static void serve_reset(Server *s)
{
    backend_close(s->view);
    s->view = NULL;
    s->busy = false;
    if (serve_view_open(s) < 0) {
        s->failed = true;
        return;
    }
    /* QEMU's main loop waits for our answer: no waiting on qtest. */
    serve_update_intx(s, false);
    if (s->rec) {
        serve_record_start(s); /* what came before is another device's */
    }
}

/* One message: its answer, if it wants one. */
static void serve_message(Server *s, MpqemuMsg *msg)
{
    uint64_t ret = 0;

    switch (msg->cmd) {
    case MPQEMU_CMD_SYNC_SYSMEM:
        serve_sync_sysmem(s, msg);
        break;
    case MPQEMU_CMD_SET_IRQFD:
        serve_set_irqfd(s, msg);
        break;
    case MPQEMU_CMD_PCI_CFGREAD:
    case MPQEMU_CMD_PCI_CFGWRITE:
        ret = serve_config(s, msg->cmd == MPQEMU_CMD_PCI_CFGWRITE, msg);
        break;
    case MPQEMU_CMD_BAR_READ:
    case MPQEMU_CMD_BAR_WRITE:
        ret = serve_bar(s, msg->cmd == MPQEMU_CMD_BAR_WRITE, msg);
        break;
    case MPQEMU_CMD_DEVICE_RESET:
        serve_reset(s);
        break;
    default:
        /* Whether QEMU waits for an answer cannot be known: the end. */
        serve_log("command %d (%s, %" PRIu64 " bytes) is not one QEMU's "
                  "proxy sends",
                  (int)msg->cmd, mpqemu_cmd_name(msg->cmd), msg->size);
        s->failed = true;
        break;
    }
    if (msg->n_fds && msg->cmd != MPQEMU_CMD_SYNC_SYSMEM) {
        serve_log("%s with %u fds: closed them", mpqemu_cmd_name(msg->cmd),
                  msg->n_fds);
    }
    mpqemu_close_fds(msg);
    if (!s->failed && mpqemu_wants_reply(msg->cmd) &&
        msg->cmd != MPQEMU_CMD_DEVICE_RESET) {
        /* Pending work done and INTx set before QEMU's vCPU goes on. */
        if (serve_settle(s) == 0) {
            serve_update_intx(s, true);
            if (s->rec) {
                serve_record_after(s);
            }
        }
    }
    if (!s->failed && mpqemu_wants_reply(msg->cmd) &&
        mpqemu_send_ret(s->sock, ret) < 0) {
        serve_log("cannot answer %s: %s", mpqemu_cmd_name(msg->cmd),
                  strerror(errno));
        s->failed = true;
    }
    if (s->rec && ferror(s->rec)) {
        serve_log("--record: cannot write the file");
        s->failed = true;
    }
}

/* --- the loop
 * ----------------------------------------------------------------- */

static int serve_qt_listen(Server *s, const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        serve_log("--qtest-socket: '%s' is too long for a socket", path);
        return -ENAMETOOLONG;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1); /* fits: checked above */
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
        s->qt_made = true;
    }
    if (!s->qt_made || listen(fd, 1) < 0) {
        int err = errno;

        serve_log("--qtest-socket: cannot listen on %s: %s", path,
                  strerror(err));
        if (fd >= 0) {
            close(fd);
        }
        return -err;
    }
    s->qt_listen = fd;
    return 0;
}

/* Under TCG the proxy's irqfd reaches nothing: say so, once. */
static void serve_say_accel(Server *s)
{
    if (access("/dev/kvm", R_OK | W_OK) == 0) {
        if (s->qt_listen < 0) {
            serve_log("INTx goes to the proxy's irqfd: it reaches the "
                      "guest only if QEMU runs with KVM");
        }
        return;
    }
    serve_log("/dev/kvm cannot be used (%s): QEMU runs with TCG, where "
              "the proxy's irqfd reaches nothing; %s",
              strerror(errno),
              s->qt_listen >= 0
                  ? "INTx goes through qtest (set_irq_in)"
                  : "without --qtest-socket the guest gets no INTx");
}

static int serve_loop(Server *s)
{
    for (;;) {
        struct pollfd pfd[3] = {
            {.fd = s->sock, .events = POLLIN},
            {.fd = s->resamplefd, .events = POLLIN},
            {.fd = s->qt_fd, .events = POLLIN},
        };
        MpqemuMsg msg;
        char err[256];
        int rc;

        rc = poll(pfd, 3, s->busy ? 0 : -1);
        if (rc < 0) {
            if (errno == EINTR) {
                continue;
            }
            serve_log("poll: %s", strerror(errno));
            return 1;
        }
        if (rc == 0) {
            /* Idle, with work left: on with it. */
            if (serve_settle(s) < 0) {
                return 1;
            }
            serve_update_intx(s, true);
            continue;
        }
        if (pfd[1].revents & POLLIN) {
            serve_resample(s);
        }
        if (pfd[2].revents) {
            serve_qt_read(s, 0);
        }
        if (!pfd[0].revents) {
            continue;
        }
        rc = mpqemu_recv(s->sock, &msg, err, sizeof(err));
        if (rc == 0) {
            if (!s->cfg->quiet) {
                serve_log("QEMU closed the connection");
            }
            return 0;
        }
        if (rc < 0) {
            serve_log("%s; closing the connection", err);
            return 1;
        }
        serve_message(s, &msg);
        if (s->failed) {
            serve_log("closing the connection");
            return 1;
        }
    }
}

int serve_run(const ServeConfig *cfg)
{
    Server s = {
        .cfg = cfg,
        .sock = cfg->fd,
        .irqfd = -1,
        .resamplefd = -1,
        .qt_listen = cfg->qtest_listen_fd,
        .qt_fd = -1,
        .gsi = 20 + cfg->slot % 4, /* q35: PIRQE..H for slots 0-24, INTA */
    };
    int status = 1;
    int rc;

    signal(SIGPIPE, SIG_IGN);
    s.pcfg.ram_size = SERVE_RAM_SIZE;
    s.pcfg.n_edu = 1;
    s.pcfg.edu_slot[0] = cfg->slot;
    s.pcfg.vcd_path = cfg->vcd_path;
    s.pcfg.quiet = cfg->quiet;
    rc = serve_ram_clear(&s);
    if (rc < 0) {
        serve_log("cannot have a RAM window of %llu bytes: %s", SERVE_RAM_SIZE,
                  strerror(-rc));
        goto out;
    }
    s.pcfg.ram = s.ram;
    if (cfg->qtest_path && serve_qt_listen(&s, cfg->qtest_path) < 0) {
        goto out;
    }
    if (cfg->record_path) {
        s.rec = fopen(cfg->record_path, "w");
        if (!s.rec) {
            serve_log("--record: cannot write %s: %s", cfg->record_path,
                      strerror(errno));
            goto out;
        }
        serve_record_start(&s);
    }
    if (serve_view_open(&s) < 0) {
        goto out;
    }
    serve_say_accel(&s);
    status = serve_loop(&s);
    if (s.view && backend_finish(s.view) < 0) {
        serve_log("%s", edu_platform_error(s.view));
        status = 1;
    }
out:
    backend_close(s.view);
    if (s.rec && fclose(s.rec) != 0) {
        serve_log("--record: cannot write %s", cfg->record_path);
        status = 1;
    }
    close(s.sock);
    if (s.qt_fd >= 0) {
        close(s.qt_fd);
    }
    if (s.qt_listen >= 0) {
        close(s.qt_listen);
    }
    /* Only what bind() made: never a file that was there before (a
     * path in use, /dev/null). */
    if (s.qt_made) {
        unlink(cfg->qtest_path);
    }
    if (s.irqfd >= 0) {
        close(s.irqfd);
        close(s.resamplefd);
    }
    if (s.ram) {
        munmap(s.ram, SERVE_RAM_SIZE);
    }
    return status;
}

/*
 * QEMU 7.2's multi-process protocol ("mpqemu", include/hw/remote/
 * mpqemu-link.h), the remote end: what x-pci-proxy-dev sends over its UNIX
 * socket and what it waits for.  Messages only: what they mean to the
 * device is serve.c's.  It does not speak vfio-user, QEMU's later protocol.
 *
 * On x86_64 a message is a 16-byte header (int cmd, 4 bytes of padding,
 * size_t size) and 'size' bytes of a union of at most 192; file descriptors
 * travel as SCM_RIGHTS with the header.  See docs/guest.md.
 */
#ifndef EDU_TB_MPQEMU_H
#define EDU_TB_MPQEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum MpqemuCmd {
    MPQEMU_CMD_SYNC_SYSMEM = 0, /* guest RAM as fds; no reply */
    MPQEMU_CMD_RET = 1,         /* the reply: a u64 */
    MPQEMU_CMD_PCI_CFGWRITE = 2,
    MPQEMU_CMD_PCI_CFGREAD = 3,
    MPQEMU_CMD_BAR_WRITE = 4,
    MPQEMU_CMD_BAR_READ = 5,
    MPQEMU_CMD_SET_IRQFD = 6, /* interrupt and resample eventfds; no reply */
    MPQEMU_CMD_DEVICE_RESET = 7,
    MPQEMU_CMD_MAX = 8,
} MpqemuCmd;

#define MPQEMU_HDR_SIZE 16
#define MPQEMU_MAX_DATA 192 /* sizeof the union: SyncSysmemMsg */
#define MPQEMU_MAX_FDS 8
#define MPQEMU_CONF_SIZE 12    /* u32 addr, u32 val, int len */
#define MPQEMU_BAR_SIZE 24     /* u64 addr, u64 val, unsigned size, bool mem */
#define MPQEMU_SYSMEM_SIZE 192 /* u64 gpas[8], u64 sizes[8], off_t offs[8] */

typedef struct MpqemuMsg {
    int32_t cmd;
    uint64_t size;
    uint8_t data[MPQEMU_MAX_DATA];
    int fds[MPQEMU_MAX_FDS];
    unsigned n_fds;
} MpqemuMsg;

typedef struct MpqemuConf {
    uint32_t addr, val;
    int32_t len;
} MpqemuConf;

typedef struct MpqemuBar {
    uint64_t addr; /* the absolute guest physical address (or port) */
    uint64_t val;
    uint32_t size;
    bool memory;
} MpqemuBar;

typedef struct MpqemuSysmem {
    uint64_t gpa[MPQEMU_MAX_FDS];
    uint64_t size[MPQEMU_MAX_FDS];
    int64_t offset[MPQEMU_MAX_FDS];
} MpqemuSysmem;

/*
 * Reads one message: 1, 0 at the end of the stream (before a header), or a
 * negative errno with the reason in err.  Past an error the stream is out
 * of step (a short header, a size no message has, more fds than a message
 * carries) and must be closed; every fd received is closed on error.
 */
int mpqemu_recv(int fd, MpqemuMsg *msg, char *err, size_t errlen);

/* The reply to a message that waits for one: 0 or a negative errno. */
int mpqemu_send_ret(int fd, uint64_t val);

/* Writes a whole message (the tests' side): 0 or a negative errno. */
int mpqemu_send(int fd, int32_t cmd, const void *data, uint64_t size,
                const int *fds, unsigned n_fds);

/* The payloads, from a message of the right size (false otherwise). */
bool mpqemu_conf(const MpqemuMsg *msg, MpqemuConf *conf);
bool mpqemu_bar(const MpqemuMsg *msg, MpqemuBar *bar);
bool mpqemu_sysmem(const MpqemuMsg *msg, MpqemuSysmem *sysmem);
/* And back, for the tests: the bytes of each payload. */
void mpqemu_pack_conf(const MpqemuConf *conf, uint8_t out[MPQEMU_CONF_SIZE]);
void mpqemu_pack_bar(const MpqemuBar *bar, uint8_t out[MPQEMU_BAR_SIZE]);

/* The command's name ("BAR_READ"), or "unknown". */
const char *mpqemu_cmd_name(int32_t cmd);
/* Whether QEMU waits for a RET after sending cmd. */
bool mpqemu_wants_reply(int32_t cmd);

/* Closes the message's fds. */
void mpqemu_close_fds(MpqemuMsg *msg);

#endif /* EDU_TB_MPQEMU_H */

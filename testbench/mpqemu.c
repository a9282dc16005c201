/*
 * QEMU 7.2's multi-process protocol, the remote end: reading and writing
 * messages on the UNIX socket (mpqemu.h).  Byte layouts are x86_64's, the
 * only host QEMU's proxy is built for here.
 */
#define _GNU_SOURCE /* MSG_CMSG_CLOEXEC, SCM_RIGHTS */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "mpqemu.h"

/* Room for more fds than any message has, to tell "too many" from lost. */
#define MPQEMU_FD_ROOM ((size_t)2 * MPQEMU_MAX_FDS)

static const char *const mpqemu_names[MPQEMU_CMD_MAX] = {
    "SYNC_SYSMEM", "RET",      "PCI_CFGWRITE", "PCI_CFGREAD",
    "BAR_WRITE",   "BAR_READ", "SET_IRQFD",    "DEVICE_RESET",
};

const char *mpqemu_cmd_name(int32_t cmd)
{
    return cmd >= 0 && cmd < MPQEMU_CMD_MAX ? mpqemu_names[cmd] : "unknown";
}

bool mpqemu_wants_reply(int32_t cmd)
{
    return cmd == MPQEMU_CMD_PCI_CFGWRITE || cmd == MPQEMU_CMD_PCI_CFGREAD ||
           cmd == MPQEMU_CMD_BAR_WRITE || cmd == MPQEMU_CMD_BAR_READ ||
           cmd == MPQEMU_CMD_DEVICE_RESET;
}

void mpqemu_close_fds(MpqemuMsg *msg)
{
    for (unsigned i = 0; i < msg->n_fds; i++) {
        close(msg->fds[i]);
    }
    msg->n_fds = 0;
}

/* Reads exactly len bytes: len, or fewer at the end of the stream, or a
 * negative errno. */
static ssize_t mpqemu_read_all(int fd, uint8_t *buf, size_t len)
{
    size_t got = 0;

    while (got < len) {
        ssize_t n = recv(fd, buf + got, len - got, 0);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return -errno;
        }
        if (n == 0) {
            break;
        }
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* The fds of every SCM_RIGHTS block; false when there are more than a
 * message may carry (all of them closed then). */
static bool mpqemu_take_fds(struct msghdr *mh, MpqemuMsg *msg)
{
    bool ok = true;

    for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
        size_t n;

        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
            continue;
        }
        n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n; i++) {
            int fd;

            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            if (msg->n_fds < MPQEMU_MAX_FDS) {
                msg->fds[msg->n_fds++] = fd;
            } else {
                close(fd);
                ok = false;
            }
        }
    }
    return ok;
}

int mpqemu_recv(int fd, MpqemuMsg *msg, char *err, size_t errlen)
{
    union {
        char buf[CMSG_SPACE(MPQEMU_FD_ROOM * sizeof(int))];
        struct cmsghdr align;
    } ctl;
    uint8_t hdr[MPQEMU_HDR_SIZE];
    struct iovec iov = {.iov_base = hdr, .iov_len = sizeof(hdr)};
    struct msghdr mh = {.msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = ctl.buf,
                        .msg_controllen = sizeof(ctl.buf)};
    ssize_t n;
    bool fds_ok;

    memset(msg, 0, sizeof(*msg));
    do {
        n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        snprintf(err, errlen, "reading a message: %s", strerror(errno));
        return -errno;
    }
    fds_ok = mpqemu_take_fds(&mh, msg);
    if (n == 0) {
        mpqemu_close_fds(msg);
        return 0;
    }
    if ((size_t)n < sizeof(hdr)) {
        ssize_t more = mpqemu_read_all(fd, hdr + n, sizeof(hdr) - (size_t)n);

        if (more < 0 || (size_t)n + (size_t)more < sizeof(hdr)) {
            snprintf(err, errlen,
                     "truncated header: %zu of %d bytes, then the end of "
                     "the stream",
                     (size_t)n + (size_t)(more > 0 ? more : 0),
                     MPQEMU_HDR_SIZE);
            mpqemu_close_fds(msg);
            return -EPROTO;
        }
    }
    memcpy(&msg->cmd, hdr, sizeof(msg->cmd));
    memcpy(&msg->size, hdr + 8, sizeof(msg->size));
    if (!fds_ok || (mh.msg_flags & MSG_CTRUNC)) {
        snprintf(err, errlen, "%s with more than %d file descriptors",
                 mpqemu_cmd_name(msg->cmd), MPQEMU_MAX_FDS);
        mpqemu_close_fds(msg);
        return -EPROTO;
    }
    if (msg->size > MPQEMU_MAX_DATA) {
        snprintf(err, errlen,
                 "%s (command %d) of %llu bytes: no message is longer than "
                 "%d",
                 mpqemu_cmd_name(msg->cmd), (int)msg->cmd,
                 (unsigned long long)msg->size, MPQEMU_MAX_DATA);
        mpqemu_close_fds(msg);
        return -EPROTO;
    }
    n = mpqemu_read_all(fd, msg->data, (size_t)msg->size);
    if (n < 0 || (uint64_t)n < msg->size) {
        snprintf(err, errlen,
                 "truncated %s: %zd of %llu bytes, then the end of the "
                 "stream",
                 mpqemu_cmd_name(msg->cmd), n > 0 ? n : 0,
                 (unsigned long long)msg->size);
        mpqemu_close_fds(msg);
        return -EPROTO;
    }
    return 1;
}

int mpqemu_send(int fd, int32_t cmd, const void *data, uint64_t size,
                const int *fds, unsigned n_fds)
{
    union {
        char buf[CMSG_SPACE(MPQEMU_FD_ROOM * sizeof(int))];
        struct cmsghdr align;
    } ctl;
    uint8_t hdr[MPQEMU_HDR_SIZE] = {0};
    struct iovec iov[2] = {{.iov_base = hdr, .iov_len = sizeof(hdr)},
                           {.iov_base = (void *)data, .iov_len = size}};
    struct msghdr mh = {.msg_iov = iov, .msg_iovlen = size ? 2 : 1};
    size_t total = sizeof(hdr) + size;
    ssize_t n;

    if (n_fds > MPQEMU_FD_ROOM) {
        return -EINVAL;
    }
    memcpy(hdr, &cmd, sizeof(cmd));
    memcpy(hdr + 8, &size, sizeof(size));
    if (n_fds) {
        struct cmsghdr *c;

        memset(&ctl, 0, sizeof(ctl));
        mh.msg_control = ctl.buf;
        mh.msg_controllen = CMSG_SPACE(n_fds * sizeof(int));
        c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(n_fds * sizeof(int));
        memcpy(CMSG_DATA(c), fds, n_fds * sizeof(int));
    }
    do {
        n = sendmsg(fd, &mh, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return -errno;
    }
    /* A stream socket may take less; the rest goes without the fds. */
    while ((size_t)n < total) {
        const uint8_t *from;
        size_t off = (size_t)n;
        ssize_t m;

        from = off < sizeof(hdr) ? hdr + off
                                 : (const uint8_t *)data + (off - sizeof(hdr));
        m = send(fd, from, off < sizeof(hdr) ? sizeof(hdr) - off : total - off,
                 MSG_NOSIGNAL);
        if (m < 0 && errno == EINTR) {
            continue;
        }
        if (m < 0) {
            return -errno;
        }
        n += m;
    }
    return 0;
}

int mpqemu_send_ret(int fd, uint64_t val)
{
    return mpqemu_send(fd, MPQEMU_CMD_RET, &val, sizeof(val), NULL, 0);
}

bool mpqemu_conf(const MpqemuMsg *msg, MpqemuConf *conf)
{
    if (msg->size != MPQEMU_CONF_SIZE) {
        return false;
    }
    memcpy(&conf->addr, msg->data, 4);
    memcpy(&conf->val, msg->data + 4, 4);
    memcpy(&conf->len, msg->data + 8, 4);
    return true;
}

bool mpqemu_bar(const MpqemuMsg *msg, MpqemuBar *bar)
{
    if (msg->size != MPQEMU_BAR_SIZE) {
        return false;
    }
    memcpy(&bar->addr, msg->data, 8);
    memcpy(&bar->val, msg->data + 8, 8);
    memcpy(&bar->size, msg->data + 16, 4);
    bar->memory = msg->data[20] != 0;
    return true;
}

bool mpqemu_sysmem(const MpqemuMsg *msg, MpqemuSysmem *sysmem)
{
    if (msg->size != MPQEMU_SYSMEM_SIZE) {
        return false;
    }
    memcpy(sysmem->gpa, msg->data, 64);
    memcpy(sysmem->size, msg->data + 64, 64);
    memcpy(sysmem->offset, msg->data + 128, 64);
    return true;
}

void mpqemu_pack_conf(const MpqemuConf *conf, uint8_t out[MPQEMU_CONF_SIZE])
{
    memcpy(out, &conf->addr, 4);
    memcpy(out + 4, &conf->val, 4);
    memcpy(out + 8, &conf->len, 4);
}

void mpqemu_pack_bar(const MpqemuBar *bar, uint8_t out[MPQEMU_BAR_SIZE])
{
    memset(out, 0, MPQEMU_BAR_SIZE);
    memcpy(out, &bar->addr, 8);
    memcpy(out + 8, &bar->val, 8);
    memcpy(out + 16, &bar->size, 4);
    out[20] = bar->memory;
}

/*
 * Fuzz target: edu-tb serve's end of QEMU's proxy protocol (testbench/
 * serve.c, mpqemu.c), with the C model behind it.
 *
 * The input is a byte stream cut into chunks; each chunk is sent on the
 * proxy's socket with 0 to 3 file descriptors (small memfds) attached, as
 * QEMU would send its messages: so the server sees valid and broken
 * headers, payloads of every size, truncated messages, unknown commands,
 * missing and extra descriptors, accesses anywhere, resets at any point.
 * Then the socket is closed, as when QEMU dies.  The server must neither
 * crash nor hang, must end with 0 or 1, and everything it sent back must
 * be well-formed RET messages.
 *
 * A chunk: one byte (bits 0-1: descriptors to attach; bits 2-7: their
 * size in 4 KiB pages), two bytes of length (little-endian, at most
 * FZ_CHUNK_MAX), then that many bytes.
 */
#define _GNU_SOURCE /* memfd_create */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mpqemu.h"
#include "serve.h"

#define FZ_CHUNK_MAX 512
#define FZ_MAX_FDS 3

/* Sends one chunk with n memfds of 'pages' pages each; false when the
 * socket took no more. */
static bool fz_send_chunk(int sock, const uint8_t *buf, size_t len,
                          unsigned n, unsigned pages)
{
    char ctl[CMSG_SPACE(sizeof(int) * FZ_MAX_FDS)] = {0};
    struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    int fds[FZ_MAX_FDS];
    bool ok = true;

    for (unsigned i = 0; i < n; i++) {
        fds[i] = memfd_create("fuzz", MFD_CLOEXEC);
        if (fds[i] < 0 || ftruncate(fds[i], (off_t)pages << 12) < 0) {
            abort();
        }
    }
    if (n) {
        struct cmsghdr *c;

        mh.msg_control = ctl;
        mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
        c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * n);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
    }
    if (sendmsg(sock, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)len) {
        ok = false;
    }
    for (unsigned i = 0; i < n; i++) {
        close(fds[i]);
    }
    return ok;
}

/* Everything the server sent back: whole RET messages, nothing else. */
static void fz_check_replies(int sock)
{
    uint8_t hdr[MPQEMU_HDR_SIZE + 8];
    ssize_t n;

    while ((n = recv(sock, hdr, sizeof(hdr), MSG_DONTWAIT | MSG_WAITALL)) >
           0) {
        int32_t cmd;
        uint64_t size;

        memcpy(&cmd, hdr, sizeof(cmd));
        memcpy(&size, hdr + 8, sizeof(size));
        if (n != (ssize_t)sizeof(hdr) || cmd != MPQEMU_CMD_RET || size != 8) {
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ServeConfig cfg = {
        .backend = "cmodel", .qtest_listen_fd = -1, .slot = 4, .quiet = true};
    int sv[2];
    size_t at = 0;
    int rc;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        abort();
    }
    while (at + 3 <= size) {
        unsigned n = data[at] & 3;
        unsigned pages = (data[at] >> 2) + 1u;
        size_t len = (size_t)data[at + 1] | (size_t)data[at + 2] << 8;

        at += 3;
        len = len > FZ_CHUNK_MAX ? FZ_CHUNK_MAX : len;
        len = len > size - at ? size - at : len;
        if (len == 0 ||
            !fz_send_chunk(sv[0], data + at, len, n, pages)) {
            break;
        }
        at += len;
    }
    shutdown(sv[0], SHUT_WR); /* QEMU is gone */
    cfg.fd = sv[1];
    rc = serve_run(&cfg); /* closes sv[1] */
    if (rc != 0 && rc != 1) {
        abort();
    }
    fz_check_replies(sv[0]);
    close(sv[0]);
    return 0;
}

/*
 * The qtest front end: QEMU's qtest line protocol (softmmu/qtest.c,
 * qtest_process_command) against any backend.
 *
 * Requests are split on single spaces as QEMU splits them; numbers parse
 * as QEMU's qemu_strtou64/qemu_strtoi64 do (strtoull/strtoll, base 0, the
 * whole word); words past those a command takes are ignored; answers have
 * QEMU's exact text.  Where QEMU asserts (a missing or bad argument, a
 * read of 0 bytes, a port past 0xffff) or would use memory it never
 * filled (bad hex or base64 data, too little base64 data), the answer here
 * is "FAIL <reason>" and the session goes on.
 *
 * IRQ interception as QEMU's pc machine has it: the one device is the I/O
 * APIC ("ioapic", "/machine/i440fx/ioapic"), whose input 11 is the
 * view's INTA# (QEMU's PIIX3 with its PIRQs routed to IRQ 11).  Once its
 * inputs are intercepted, a change of an input, by the view's INTA# or
 * by set_irq_in, is an "IRQ raise N" / "IRQ lower N" line before the
 * answer of the request that caused it (QEMU's qtest_irq_handler: a line
 * when the level differs from the last one reported).  Not here:
 * module_load, answered as an unknown command.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cover_platform.h"
#include "driver.h"
#include "hex.h"
#include "output.h"
#include "qtest.h"

#define QTEST_MAX_WORDS 5           /* the most any command looks at */
#define QTEST_CHUNK ((size_t)65536) /* bytes per backend transfer */
#define QTEST_MAX_READ (16u << 20)  /* read and b64read answer in one line */
#define QTEST_IN_START 65536        /* first size of the input buffer */

/* One word of a request: not NUL-terminated. */
typedef struct QtestWord {
    const char *p;
    size_t len;
} QtestWord;

typedef struct QtestRequest {
    QtestWord word[QTEST_MAX_WORDS];
    unsigned n_words;
} QtestRequest;

typedef struct QtestCommand QtestCommand;
typedef int (*QtestHandler)(QtestSession *s, const QtestCommand *cmd,
                            const QtestRequest *req, FILE *out);

struct QtestCommand {
    const char *name;
    const char *args; /* for "FAIL usage: ..." */
    unsigned n_args;  /* words it needs after the name */
    unsigned size;    /* access size, where there is one */
    QtestHandler run;
};

static const char qtest_hex_digits[] = "0123456789abcdef";
static const char qtest_b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* ---- answers ---------------------------------------------------------- */

static int qtest_fail(QtestSession *s, FILE *out, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "FAIL <reason>" for a malformed request. */
static int qtest_fail(QtestSession *s, FILE *out, const char *fmt, ...)
{
    va_list ap;

    s->failures++;
    fputs("FAIL ", out);
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
    return -EINVAL;
}

/* "FAIL <the view's error>" after a backend call returned rc < 0. */
static int qtest_backend_fail(QtestSession *s, FILE *out, int rc)
{
    const char *msg = edu_platform_error(s->backend);

    s->failures++;
    s->backend_errors++;
    fprintf(out, "FAIL %s\n", msg[0] ? msg : strerror(-rc));
    return rc;
}

/* Writes "0x" and at least 'digits' lowercase hex digits of v. */
static char *qtest_put_hex(char *p, uint64_t v, int digits)
{
    char tmp[16];
    int n = 0;

    do {
        tmp[n++] = qtest_hex_digits[v & 15];
        v >>= 4;
    } while (v);
    while (n < digits) {
        tmp[n++] = '0';
    }
    *p++ = '0';
    *p++ = 'x';
    while (n) {
        *p++ = tmp[--n];
    }
    return p;
}

/* "OK" after a backend call that returned rc, or its failure. */
static int qtest_ok(QtestSession *s, FILE *out, int rc)
{
    if (rc < 0) {
        return qtest_backend_fail(s, out, rc);
    }
    fputs("OK\n", out);
    return 0;
}

/* "OK 0x<value>\n" with at least 'digits' digits. */
static void qtest_ok_hex(FILE *out, uint64_t v, int digits)
{
    char line[32] = "OK ";
    char *end = qtest_put_hex(line + 3, v, digits);

    *end++ = '\n';
    fwrite(line, 1, (size_t)(end - line), out);
}

/* ---- words and numbers ------------------------------------------------ */

static void qtest_split(const char *line, QtestRequest *req)
{
    const char *p = line;

    req->n_words = 0;
    for (;;) {
        const char *sp = strchr(p, ' ');
        size_t len = sp ? (size_t)(sp - p) : strlen(p);

        req->word[req->n_words].p = p;
        req->word[req->n_words].len = len;
        req->n_words++;
        if (!sp || req->n_words == QTEST_MAX_WORDS) {
            return;
        }
        p = sp + 1;
    }
}

static bool qtest_word_is(const QtestWord *w, const char *s)
{
    return strncmp(w->p, s, w->len) == 0 && s[w->len] == '\0';
}

/* qemu_strtou64 (unsigned) or qemu_strtoi64 (signed): base 0, the whole
 * word, out of range an error; "-1" is UINT64_MAX as for strtoull. */
static bool qtest_parse(const QtestWord *w, bool is_signed, uint64_t *val)
{
    char small[64];
    char *text = small;
    char *end;
    bool ok;

    *val = 0;
    if (w->len >= sizeof(small)) {
        text = malloc(w->len + 1);
        if (!text) {
            return false;
        }
    }
    memcpy(text, w->p, w->len);
    text[w->len] = '\0';
    errno = 0;
    if (is_signed) {
        *val = (uint64_t)strtoll(text, &end, 0);
    } else {
        *val = strtoull(text, &end, 0);
    }
    ok = errno == 0 && end != text && *end == '\0';
    if (text != small) {
        free(text);
    }
    return ok;
}

static int qtest_number(QtestSession *s, const QtestWord *w, bool is_signed,
                        uint64_t *val, FILE *out)
{
    if (!qtest_parse(w, is_signed, val)) {
        return qtest_fail(s, out, "bad number '%.*s'",
                          (int)(w->len > 40 ? 40 : w->len), w->p);
    }
    return 0;
}

/* The first two words after the command, unsigned: ADDR and VALUE or SIZE. */
static int qtest_two_numbers(QtestSession *s, const QtestRequest *req,
                             uint64_t *first, uint64_t *second, FILE *out)
{
    int rc = qtest_number(s, &req->word[1], false, first, out);

    if (rc == 0) {
        rc = qtest_number(s, &req->word[2], false, second, out);
    }
    return rc;
}

/* ADDR and SIZE of read, write, memset and their base64 forms. */
static int qtest_addr_size(QtestSession *s, const QtestRequest *req,
                           uint64_t max, uint64_t *addr, uint64_t *size,
                           FILE *out)
{
    int rc = qtest_two_numbers(s, req, addr, size, out);

    if (rc == 0 && *size > max) {
        rc = qtest_fail(s, out,
                        "size %" PRIu64 " is too big (at most %" PRIu64 ")",
                        *size, max);
    }
    return rc;
}

/* ADDR of out and in: QEMU asserts on a port past 0xffff. */
static int qtest_check_port(QtestSession *s, uint64_t port, FILE *out)
{
    if (port > 0xffff) {
        return qtest_fail(s, out, "port 0x%" PRIx64 " is past 0xffff", port);
    }
    return 0;
}

/* Bytes of the next transfer at 'addr': at most QTEST_CHUNK and ending
 * 8-aligned, so that the pieces the CPU cuts it into are the same as for
 * one transfer of the whole. */
static size_t qtest_chunk(uint64_t addr, uint64_t left)
{
    uint64_t n = QTEST_CHUNK - (addr & 7);

    return (size_t)(left < n ? left : n);
}

static int qtest_scratch(QtestSession *s)
{
    if (!s->data) {
        s->data = malloc(QTEST_CHUNK);
    }
    if (!s->text) {
        s->text = malloc(2 * QTEST_CHUNK);
    }
    return s->data && s->text ? 0 : -ENOMEM;
}

/* ---- commands --------------------------------------------------------- */

static int qtest_cmd_out(QtestSession *s, const QtestCommand *cmd,
                         const QtestRequest *req, FILE *out)
{
    EduPlatform *b = s->backend;
    uint64_t port;
    uint64_t val;
    int rc = qtest_two_numbers(s, req, &port, &val, out);

    if (rc == 0) {
        rc = qtest_check_port(s, port, out);
    }
    if (rc) {
        return rc;
    }
    return qtest_ok(
        s, out, b->ops->io_write(b, (uint16_t)port, (uint32_t)val, cmd->size));
}

static int qtest_cmd_in(QtestSession *s, const QtestCommand *cmd,
                        const QtestRequest *req, FILE *out)
{
    EduPlatform *b = s->backend;
    uint64_t port;
    uint32_t val;
    int rc = qtest_number(s, &req->word[1], false, &port, out);

    if (rc == 0) {
        rc = qtest_check_port(s, port, out);
    }
    if (rc) {
        return rc;
    }
    rc = b->ops->io_read(b, (uint16_t)port, cmd->size, &val);
    if (rc < 0) {
        return qtest_backend_fail(s, out, rc);
    }
    qtest_ok_hex(out, val, 4);
    return 0;
}

static int qtest_cmd_writex(QtestSession *s, const QtestCommand *cmd,
                            const QtestRequest *req, FILE *out)
{
    EduPlatform *b = s->backend;
    uint64_t addr;
    uint64_t val;
    int rc = qtest_two_numbers(s, req, &addr, &val, out);

    if (rc) {
        return rc;
    }
    if (cmd->size < 8) {
        val &= (UINT64_C(1) << (8 * cmd->size)) - 1;
    }
    return qtest_ok(s, out, b->ops->mem_write(b, addr, val, cmd->size));
}

static int qtest_cmd_readx(QtestSession *s, const QtestCommand *cmd,
                           const QtestRequest *req, FILE *out)
{
    EduPlatform *b = s->backend;
    uint64_t addr;
    uint64_t val;
    int rc = qtest_number(s, &req->word[1], false, &addr, out);

    if (rc) {
        return rc;
    }
    rc = b->ops->mem_read(b, addr, cmd->size, &val);
    if (rc < 0) {
        return qtest_backend_fail(s, out, rc);
    }
    qtest_ok_hex(out, val, 16);
    return 0;
}

/* Reads 'size' bytes into s->data (grown to fit); 0 or the backend's rc. */
static int qtest_read_all(QtestSession *s, uint64_t addr, size_t size)
{
    EduPlatform *b = s->backend;
    uint8_t *data = realloc(s->data, size > QTEST_CHUNK ? size : QTEST_CHUNK);

    if (!data) {
        return edu_platform_fail(b, -ENOMEM, "out of memory for %zu bytes",
                                 size);
    }
    s->data = data;
    return b->ops->mem_read_buf(b, addr, data, size);
}

/*
 * ADDR and SIZE of read and b64read, then the bytes into s->data.  QEMU
 * asserts on a read of 0 bytes, b64read answers it: 'empty_ok' says which.
 */
static int qtest_read_request(QtestSession *s, const QtestRequest *req,
                              bool empty_ok, uint64_t *size, FILE *out)
{
    uint64_t addr;
    int rc = qtest_addr_size(s, req, QTEST_MAX_READ, &addr, size, out);

    if (rc) {
        return rc;
    }
    if (*size == 0 && !empty_ok) {
        return qtest_fail(s, out, "read of 0 bytes");
    }
    rc = qtest_read_all(s, addr, (size_t)*size);
    if (rc < 0) {
        return qtest_backend_fail(s, out, rc);
    }
    return 0;
}

static int qtest_cmd_read(QtestSession *s, const QtestCommand *cmd,
                          const QtestRequest *req, FILE *out)
{
    uint64_t size;
    int rc = qtest_read_request(s, req, false, &size, out);

    (void)cmd;
    if (rc) {
        return rc;
    }
    fputs("OK 0x", out);
    for (size_t done = 0; done < size;) {
        size_t n =
            size - done < QTEST_CHUNK ? (size_t)(size - done) : QTEST_CHUNK;

        for (size_t i = 0; i < n; i++) {
            s->text[2 * i] = qtest_hex_digits[s->data[done + i] >> 4];
            s->text[2 * i + 1] = qtest_hex_digits[s->data[done + i] & 15];
        }
        fwrite(s->text, 1, 2 * n, out);
        done += n;
    }
    fputc('\n', out);
    return 0;
}

/* Base64 of n bytes (n a multiple of 3 unless it is the end) into out. */
static size_t qtest_b64_encode(const uint8_t *in, size_t n, char *out)
{
    size_t o = 0;

    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;

        if (i + 1 < n) {
            v |= (uint32_t)in[i + 1] << 8;
        }
        if (i + 2 < n) {
            v |= in[i + 2];
        }
        out[o++] = qtest_b64_alphabet[v >> 18 & 63];
        out[o++] = qtest_b64_alphabet[v >> 12 & 63];
        out[o++] = qtest_b64_alphabet[v >> 6 & 63];
        out[o++] = qtest_b64_alphabet[v & 63];
    }
    /* A last group of one or two bytes ends in '==' or '='. */
    if (n % 3) {
        out[o - 1] = '=';
        if (n % 3 == 1) {
            out[o - 2] = '=';
        }
    }
    return o;
}

static int qtest_cmd_b64read(QtestSession *s, const QtestCommand *cmd,
                             const QtestRequest *req, FILE *out)
{
    /* A multiple of 3, so that the pieces of base64 join up. */
    const size_t step = QTEST_CHUNK / 4 * 3;
    uint64_t size;
    int rc = qtest_read_request(s, req, true, &size, out);

    (void)cmd;
    if (rc) {
        return rc;
    }
    /* QEMU answers "OK " and the base64, "OK " alone for 0 bytes. */
    fputs("OK ", out);
    for (size_t done = 0; done < size;) {
        size_t n = size - done < step ? (size_t)(size - done) : step;

        fwrite(s->text, 1, qtest_b64_encode(s->data + done, n, s->text), out);
        done += n;
    }
    fputc('\n', out);
    return 0;
}

/* Writes 'size' bytes at addr, chunk by chunk, each filled by fill(). */
typedef void (*QtestFill)(const void *src, uint64_t off, uint8_t *buf,
                          size_t n);

static int qtest_write_chunks(QtestSession *s, uint64_t addr, uint64_t size,
                              QtestFill fill, const void *src, FILE *out)
{
    EduPlatform *b = s->backend;
    uint64_t off = 0;

    while (off < size) {
        size_t n = qtest_chunk(addr + off, size - off);
        int rc;

        fill(src, off, s->data, n);
        rc = b->ops->mem_write_buf(b, addr + off, s->data, n);
        if (rc < 0) {
            return qtest_backend_fail(s, out, rc);
        }
        off += n;
    }
    fputs("OK\n", out);
    return 0;
}

/* write's data: digits after "0x", then zeros (QEMU's rule). */
static void qtest_fill_hex(const void *src, uint64_t off, uint8_t *buf,
                           size_t n)
{
    const QtestWord *digits = src;
    uint64_t have = digits->len / 2;

    for (size_t i = 0; i < n; i++) {
        uint64_t at = off + i;

        /* qtest_cmd_write has checked every digit: hex_digit() >= 0. */
        /* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
        buf[i] = at < have ? (uint8_t)(hex_digit(digits->p[2 * at]) << 4 |
                                       hex_digit(digits->p[2 * at + 1]))
                           : 0;
    }
}

/* ADDR and SIZE of write and b64write, and a DATA of 3 characters or more. */
static int qtest_write_request(QtestSession *s, const QtestRequest *req,
                               uint64_t *addr, uint64_t *size, FILE *out)
{
    int rc = qtest_addr_size(s, req, QTEST_MAX_SIZE, addr, size, out);

    if (rc) {
        return rc;
    }
    if (req->word[3].len < 3) {
        /* QEMU's own answer, without FAIL. */
        s->failures++;
        fputs("ERR invalid argument size\n", out);
        return -EINVAL;
    }
    return 0;
}

static int qtest_cmd_write(QtestSession *s, const QtestCommand *cmd,
                           const QtestRequest *req, FILE *out)
{
    const QtestWord *data = &req->word[3];
    QtestWord digits;
    uint64_t addr;
    uint64_t size;
    int rc = qtest_write_request(s, req, &addr, &size, out);

    (void)cmd;
    if (rc) {
        return rc;
    }
    /* QEMU skips the first two characters unseen and reads garbage from
     * a bad digit: here they must be 0x and an even count of hex digits.
     * Digits past SIZE are ignored, bytes past the digits are zeros. */
    if (data->p[0] != '0' || (data->p[1] != 'x' && data->p[1] != 'X')) {
        return qtest_fail(s, out, "bad hex data: no 0x");
    }
    digits.p = data->p + 2;
    digits.len = data->len - 2;
    for (size_t i = 0; i < digits.len; i++) {
        if (hex_digit(digits.p[i]) < 0) {
            return qtest_fail(s, out, "bad hex data: '%c' at %zu", digits.p[i],
                              i + 2);
        }
    }
    if (digits.len % 2) {
        return qtest_fail(s, out, "bad hex data: odd number of digits");
    }
    return qtest_write_chunks(s, addr, size, qtest_fill_hex, &digits, out);
}

static int qtest_b64_value(char c)
{
    const char *at = c ? strchr(qtest_b64_alphabet, c) : NULL;

    return at ? (int)(at - qtest_b64_alphabet) : -1;
}

/* Bytes that base64 text 'w' holds, or -1 when it is not base64: groups
 * of four characters of the alphabet, '=' only as padding at the end. */
static int64_t qtest_b64_length(const QtestWord *w)
{
    size_t pad = 0;

    if (w->len % 4) {
        return -1;
    }
    if (w->len && w->p[w->len - 1] == '=') {
        pad = w->len >= 2 && w->p[w->len - 2] == '=' ? 2 : 1;
    }
    for (size_t i = 0; i < w->len - pad; i++) {
        if (qtest_b64_value(w->p[i]) < 0) {
            return -1;
        }
    }
    return (int64_t)(w->len / 4 * 3 - pad);
}

static void qtest_fill_b64(const void *src, uint64_t off, uint8_t *buf,
                           size_t n)
{
    const QtestWord *w = src;
    uint64_t group = off / 3;
    size_t skip = (size_t)(off % 3);
    size_t i = 0;

    while (i < n) {
        const char *g = w->p + 4 * group;
        uint32_t v = 0;

        for (int k = 0; k < 4; k++) {
            int d = qtest_b64_value(g[k]);

            v = v << 6 | (uint32_t)(d < 0 ? 0 : d);
        }
        for (size_t k = skip; k < 3 && i < n; k++) {
            buf[i++] = (uint8_t)(v >> (16 - 8 * k));
        }
        skip = 0;
        group++;
    }
}

static int qtest_cmd_b64write(QtestSession *s, const QtestCommand *cmd,
                              const QtestRequest *req, FILE *out)
{
    const QtestWord *data = &req->word[3];
    uint64_t addr;
    uint64_t size;
    int64_t have;
    int rc = qtest_write_request(s, req, &addr, &size, out);

    (void)cmd;
    if (rc) {
        return rc;
    }
    have = qtest_b64_length(data);
    if (have < 0) {
        return qtest_fail(s, out, "bad base64 data");
    }
    /* More data than SIZE is cut (QEMU's rule); less, QEMU would fill
     * from memory it never wrote. */
    if ((uint64_t)have < size) {
        return qtest_fail(s, out,
                          "base64 data of %" PRId64 " bytes is "
                          "shorter than the size %" PRIu64,
                          have, size);
    }
    return qtest_write_chunks(s, addr, size, qtest_fill_b64, data, out);
}

static void qtest_fill_byte(const void *src, uint64_t off, uint8_t *buf,
                            size_t n)
{
    (void)off;
    memset(buf, *(const uint8_t *)src, n);
}

static int qtest_cmd_memset(QtestSession *s, const QtestCommand *cmd,
                            const QtestRequest *req, FILE *out)
{
    uint64_t addr;
    uint64_t size;
    uint64_t pattern;
    uint8_t byte;
    int rc = qtest_addr_size(s, req, QTEST_MAX_SIZE, &addr, &size, out);

    (void)cmd;
    if (rc == 0) {
        rc = qtest_number(s, &req->word[3], false, &pattern, out);
    }
    if (rc) {
        return rc;
    }
    byte = (uint8_t)pattern;
    return qtest_write_chunks(s, addr, size, qtest_fill_byte, &byte, out);
}

static int qtest_cmd_endianness(QtestSession *s, const QtestCommand *cmd,
                                const QtestRequest *req, FILE *out)
{
    (void)s;
    (void)cmd;
    (void)req;
    fputs("OK little\n", out);
    return 0;
}

/* Moves the view's time on to 'target' ns if that is ahead; answers the
 * time it then has, as QEMU does. */
static int qtest_clock_to(QtestSession *s, uint64_t target, FILE *out)
{
    EduPlatform *b = s->backend;
    uint64_t now = b->ops->now_ns(b);

    if (target > now) {
        int rc = b->ops->advance(b, target - now);

        if (rc < 0) {
            return qtest_backend_fail(s, out, rc);
        }
    }
    fprintf(out, "OK %" PRIi64 "\n", (int64_t)b->ops->now_ns(b));
    return 0;
}

static int qtest_cmd_clock_step(QtestSession *s, const QtestCommand *cmd,
                                const QtestRequest *req, FILE *out)
{
    EduPlatform *b = s->backend;
    uint64_t now = b->ops->now_ns(b);
    uint64_t target = now;
    uint64_t ns;

    (void)cmd;
    if (req->n_words >= 2) {
        int rc = qtest_number(s, &req->word[1], true, &ns, out);

        if (rc) {
            return rc;
        }
        /* A negative step does nothing, as in QEMU. */
        if ((int64_t)ns > 0) {
            target = ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
        }
    } else if (b->ops->next_event_ns) {
        /* No step given: on to the view's next event, if it can tell. */
        if (b->ops->next_event_ns(b, &ns) == 0) {
            target = ns;
        }
    } else {
        /* QEMU: until its edus are idle (their work is done). */
        int rc = backend_wait_idle(b);

        if (rc < 0) {
            return qtest_backend_fail(s, out, rc);
        }
        target = b->ops->now_ns(b);
    }
    return qtest_clock_to(s, target, out);
}

static int qtest_cmd_clock_set(QtestSession *s, const QtestCommand *cmd,
                               const QtestRequest *req, FILE *out)
{
    uint64_t ns;
    int rc = qtest_number(s, &req->word[1], true, &ns, out);

    (void)cmd;
    if (rc) {
        return rc;
    }
    return qtest_clock_to(s, (int64_t)ns > 0 ? ns : 0, out);
}

/* ---- interrupts -------------------------------------------------------- */

/* Whether PATH names the I/O APIC, as QEMU's object_resolve_path finds
 * it on the pc machine (a partial path is enough). */
static bool qtest_is_ioapic(const QtestWord *w)
{
    return qtest_word_is(w, "ioapic") || qtest_word_is(w, "i440fx/ioapic") ||
           qtest_word_is(w, "/machine/i440fx/ioapic");
}

/* Input n of the intercepted I/O APIC goes to 'level': a line when it
 * differs from the last one reported (QEMU's qtest_irq_handler). */
static void qtest_irq_set(QtestSession *s, unsigned n, int level, FILE *out)
{
    if (s->intercepting_in && s->irq_level[n] != level) {
        s->irq_level[n] = level;
        fprintf(out, "IRQ %s %u\n", level ? "raise" : "lower", n);
    }
}

static int qtest_cmd_irq_intercept(QtestSession *s, const QtestCommand *cmd,
                                   const QtestRequest *req, FILE *out)
{
    if (!qtest_is_ioapic(&req->word[1])) {
        return qtest_fail(s, out, "Unknown device");
    }
    /* Again on the same device: OK, whichever way it was first. */
    if (!s->intercepted) {
        s->intercepted = true;
        /* The I/O APIC has inputs only: out intercepts nothing. */
        s->intercepting_in = cmd->size == 1;
        s->intx = s->backend->ops->intx(s->backend);
    }
    fputs("OK\n", out);
    return 0;
}

static int qtest_cmd_set_irq_in(QtestSession *s, const QtestCommand *cmd,
                                const QtestRequest *req, FILE *out)
{
    uint64_t n, level;
    int rc;

    (void)cmd;
    if (!qtest_is_ioapic(&req->word[1])) {
        return qtest_fail(s, out, "Unknown device");
    }
    rc = qtest_number(s, &req->word[3], true, &n, out);
    if (rc == 0) {
        rc = qtest_number(s, &req->word[4], true, &level, out);
    }
    if (rc) {
        return rc;
    }
    /* QEMU asserts on a GPIO the device does not have. */
    if (!qtest_word_is(&req->word[2], "unnamed-gpio-in") ||
        (int64_t)n < 0 || n >= QTEST_IRQ_PINS) {
        return qtest_fail(s, out, "no input %.*s %" PRIi64,
                          (int)(req->word[2].len > 40 ? 40
                                                      : req->word[2].len),
                          req->word[2].p, (int64_t)n);
    }
    if ((int64_t)level < INT32_MIN || (int64_t)level > INT32_MAX) {
        return qtest_fail(s, out, "bad number '%.*s'",
                          (int)(req->word[4].len > 40 ? 40
                                                      : req->word[4].len),
                          req->word[4].p);
    }
    qtest_irq_set(s, (unsigned)n, (int)(int64_t)level, out);
    fputs("OK\n", out);
    return 0;
}

/* After a request: the view's INTA# into input QTEST_INTX_GSI, as QEMU's
 * PIIX3 passes on each change of the line. */
static void qtest_irq_follow(QtestSession *s, FILE *out)
{
    int level = s->backend->ops->intx(s->backend);

    if (level >= 0 && level != s->intx) {
        s->intx = level;
        qtest_irq_set(s, QTEST_INTX_GSI, level, out);
    }
}

/* In the order QEMU tests them; the commonest first would not pay. */
static const QtestCommand qtest_commands[] = {
    {"outb", "ADDR VALUE", 2, 1, qtest_cmd_out},
    {"outw", "ADDR VALUE", 2, 2, qtest_cmd_out},
    {"outl", "ADDR VALUE", 2, 4, qtest_cmd_out},
    {"inb", "ADDR", 1, 1, qtest_cmd_in},
    {"inw", "ADDR", 1, 2, qtest_cmd_in},
    {"inl", "ADDR", 1, 4, qtest_cmd_in},
    {"writeb", "ADDR VALUE", 2, 1, qtest_cmd_writex},
    {"writew", "ADDR VALUE", 2, 2, qtest_cmd_writex},
    {"writel", "ADDR VALUE", 2, 4, qtest_cmd_writex},
    {"writeq", "ADDR VALUE", 2, 8, qtest_cmd_writex},
    {"readb", "ADDR", 1, 1, qtest_cmd_readx},
    {"readw", "ADDR", 1, 2, qtest_cmd_readx},
    {"readl", "ADDR", 1, 4, qtest_cmd_readx},
    {"readq", "ADDR", 1, 8, qtest_cmd_readx},
    {"read", "ADDR SIZE", 2, 0, qtest_cmd_read},
    {"b64read", "ADDR SIZE", 2, 0, qtest_cmd_b64read},
    {"write", "ADDR SIZE 0xDATA", 3, 0, qtest_cmd_write},
    {"memset", "ADDR SIZE VALUE", 3, 0, qtest_cmd_memset},
    {"b64write", "ADDR SIZE B64DATA", 3, 0, qtest_cmd_b64write},
    {"endianness", "", 0, 0, qtest_cmd_endianness},
    {"clock_step", "[NS]", 0, 0, qtest_cmd_clock_step},
    {"clock_set", "NS", 1, 0, qtest_cmd_clock_set},
    /* size: 1 for in, 0 for out */
    {"irq_intercept_out", "QOM-PATH", 1, 0, qtest_cmd_irq_intercept},
    {"irq_intercept_in", "QOM-PATH", 1, 1, qtest_cmd_irq_intercept},
    {"set_irq_in", "QOM-PATH NAME NUM LEVEL", 4, 0, qtest_cmd_set_irq_in},
};

/* ---- the session ------------------------------------------------------ */

int qtest_session_init(QtestSession *s, EduPlatform *backend)
{
    *s = (QtestSession){.backend = backend};
    if (qtest_scratch(s) < 0) {
        qtest_session_fini(s);
        return -ENOMEM;
    }
    return 0;
}

void qtest_session_fini(QtestSession *s)
{
    free(s->data);
    free(s->text);
    s->data = NULL;
    s->text = NULL;
}

/* A request while the I/O APIC's inputs are intercepted: the lines of
 * what changed while it ran come before its answer, as on QEMU. */
static int qtest_run_watched(QtestSession *s, const QtestCommand *cmd,
                             const QtestRequest *req, FILE *out)
{
    char *answer = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&answer, &len);
    int rc;

    if (!f) {
        return qtest_fail(s, out, "out of memory");
    }
    rc = cmd->run(s, cmd, req, f);
    fclose(f);
    qtest_irq_follow(s, out);
    if (answer) {
        fwrite(answer, 1, len, out);
    }
    free(answer);
    return rc;
}

int qtest_execute_line(QtestSession *s, const char *line, FILE *out)
{
    size_t len = strlen(line);
    QtestRequest req;
    char *copy = NULL;
    int rc = -EINVAL;

    if (len && line[len - 1] == '\r') {
        /* A CRLF script: drop the CR (QEMU would take it into the word). */
        copy = strndup(line, len - 1);
        if (!copy) {
            return qtest_fail(s, out, "out of memory");
        }
        line = copy;
        len--;
    }
    if (len == 0 || line[0] == '#') {
        /* QEMU asserts on an empty line; here it is ignored, unanswered,
         * and so is a comment (the header of a replay file). */
        free(copy);
        return 0;
    }
    if (qtest_scratch(s) < 0) {
        free(copy);
        return qtest_fail(s, out, "out of memory");
    }
    s->requests++;
    qtest_split(line, &req);
    for (size_t i = 0; i < sizeof(qtest_commands) / sizeof(qtest_commands[0]);
         i++) {
        const QtestCommand *cmd = &qtest_commands[i];

        if (!qtest_word_is(&req.word[0], cmd->name)) {
            continue;
        }
        if (req.n_words < 1 + cmd->n_args) {
            rc = qtest_fail(s, out, "usage: %s %s", cmd->name, cmd->args);
        } else if (s->intercepting_in) {
            rc = qtest_run_watched(s, cmd, &req, out);
        } else {
            rc = cmd->run(s, cmd, &req, out);
        }
        free(copy);
        return rc;
    }
    rc = qtest_fail(s, out, "Unknown command '%.*s'", (int)req.word[0].len,
                    req.word[0].p);
    free(copy);
    return rc;
}

/* Whether input is ready on fd without waiting. */
static bool qtest_input_ready(int fd)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};

    return poll(&pfd, 1, 0) > 0;
}

int qtest_serve(QtestSession *s, int in_fd, FILE *out)
{
    size_t cap = QTEST_IN_START;
    char *buf = malloc(cap + 1);
    size_t len = 0;        /* bytes in buf */
    size_t start = 0;      /* first byte of the current line */
    size_t scanned = 0;    /* bytes from start known to hold no newline */
    bool skipping = false; /* inside a line too long to take */
    int rc = 0;

    if (!buf) {
        return -ENOMEM;
    }
    for (;;) {
        char *nl = len > start + scanned ? memchr(buf + start + scanned, '\n',
                                                  len - start - scanned)
                                         : NULL;
        ssize_t n;

        if (nl) {
            *nl = '\0';
            if (!skipping) {
                qtest_execute_line(s, buf + start, out);
            }
            skipping = false;
            start = (size_t)(nl - buf) + 1;
            scanned = 0;
            continue;
        }
        scanned = len - start;
        if (start) {
            memmove(buf, buf + start, len - start);
            len -= start;
            start = 0;
        }
        if (len == cap) {
            if (skipping || cap >= QTEST_MAX_LINE) {
                if (!skipping) {
                    qtest_fail(s, out, "line too long (at most %zu bytes)",
                               QTEST_MAX_LINE);
                }
                skipping = true;
                len = 0;
                scanned = 0;
            } else {
                char *bigger = realloc(buf, 2 * cap + 1);

                if (!bigger) {
                    rc = -ENOMEM;
                    break;
                }
                buf = bigger;
                cap *= 2;
            }
        }
        if (!qtest_input_ready(in_fd)) {
            fflush(out);
        }
        n = read(in_fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            rc = -errno;
            break;
        }
        if (n == 0) {
            /* A last line without its newline is still a request. */
            if (len && !skipping) {
                buf[len] = '\0';
                qtest_execute_line(s, buf, out);
            }
            break;
        }
        len += (size_t)n;
    }
    fflush(out);
    free(buf);
    return rc;
}

/* ---- edu-tb qtest ----------------------------------------------------- */

void qtest_help(FILE *f)
{
    fputs("usage: edu-tb qtest [--backend NAME] [--slots LIST] [--dma-mask M]\n"
          "                   [--ram-size MIB] [--enumerate] [--vcd FILE] "
          "[--quiet]\n"
          "                   [--coverage FILE]\n"
          "\n"
          "Speaks QEMU's qtest protocol on stdin/stdout against one "
          "backend:\n"
          "a request per line, an answer per line in QEMU's formats.\n"
          "\n"
          "options:\n"
          "  --backend NAME  the view to drive (default: cmodel)\n"
          "  --slots LIST    the edu devices' bus 0 slots, e.g. 4,9 "
          "(default: 4)\n"
          "  --dma-mask M    the devices' DMA address mask (default: "
          "0xfffffff)\n"
          "  --ram-size MIB  RAM from address 0, in MiB, at most 3584 "
          "(default: 128)\n"
          "  --enumerate     first scan bus 0, place the BARs from "
          "0xe0000000 and\n"
          "                  enable memory and bus mastering, as firmware "
          "does\n"
          "                  (what it did goes to stderr)\n"
          "  --vcd FILE      write the view's waveforms to FILE\n"
          "  --quiet         count guest errors instead of printing them\n"
          "  --coverage FILE add the functional coverage bins hit to FILE\n"
          "                  (docs/coverage.md)\n"
          "  -h, --help      this help\n"
          "\n"
          "requests:\n",
          f);
    for (size_t i = 0; i < sizeof(qtest_commands) / sizeof(qtest_commands[0]);
         i++) {
        const QtestCommand *cmd = &qtest_commands[i];

        fprintf(f, "  %s%s%s\n", cmd->name, cmd->args[0] ? " " : "", cmd->args);
    }
    fputs("\nbackends:\n", f);
    backend_usage(f);
    fputs("\nA malformed request answers FAIL and the session goes on.  "
          "See docs/edu-tb.md.\n",
          f);
}

/* --enumerate: firmware's work before the script (driver.h), reported on
 * stderr since stdout is the protocol's. */
static int qtest_enumerate(EduPlatform *b)
{
    static const DrvEnumConfig cfg = {.bus_master = true};
    DrvEnumeration found = {0};
    Lockstep ls;
    int rc = lockstep_init(&ls, &b, 1);

    if (rc == 0) {
        rc = drv_enumerate(&ls, &cfg, &found);
    }
    if (rc < 0) {
        fprintf(stderr, "edu-tb qtest: --enumerate: %s\n",
                ls.error ? ls.error_text : strerror(-rc));
    } else {
        for (unsigned i = 0; i < found.n; i++) {
            const DrvFunction *f = &found.fn[i];

            fprintf(stderr, "edu-tb qtest: 00:%02x.%x %04x:%04x", f->devfn >> 3,
                    f->devfn & 7, f->vendor_id, f->device_id);
            for (int bar = 0; bar < PCI_NUM_BARS; bar++) {
                if (f->bar_size[bar]) {
                    fprintf(stderr, " BAR%d 0x%08llx (%u KiB)", bar,
                            (unsigned long long)f->bar_addr[bar],
                            f->bar_size[bar] >> 10);
                }
            }
            fputc('\n', stderr);
        }
    }
    lockstep_fini(&ls);
    return rc;
}

static const CliCommand qtest_cli;

void qtest_platform_args(const EduPlatformConfig *in, char *buf, size_t len)
{
    EduPlatformConfig cfg, dflt;
    char err[128];
    size_t used = 0;

    buf[0] = '\0';
    if (edu_platform_config_resolve(in, &cfg, err, sizeof(err)) < 0 ||
        edu_platform_config_resolve(NULL, &dflt, err, sizeof(err)) < 0) {
        return;
    }
    if (cfg.n_edu != dflt.n_edu || cfg.edu_slot[0] != dflt.edu_slot[0]) {
        used += (size_t)snprintf(buf + used, len - used, " --slots ");
        for (unsigned i = 0; i < cfg.n_edu && used < len; i++) {
            used += (size_t)snprintf(buf + used, len - used, "%s%u",
                                     i ? "," : "", cfg.edu_slot[i]);
        }
    }
    if (cfg.dma_mask != dflt.dma_mask && used < len) {
        used += (size_t)snprintf(buf + used, len - used,
                                 " --dma-mask 0x%" PRIx64, cfg.dma_mask);
    }
    if (cfg.ram_size != dflt.ram_size && used < len) {
        snprintf(buf + used, len - used, " --ram-size %" PRIu64,
                 cfg.ram_size >> 20);
    }
}

/* What edu-tb qtest's options choose. */
typedef struct QtestOptions {
    const char *name; /* the backend */
    EduPlatformConfig cfg;
    bool enumerate;
    const char *coverage; /* --coverage FILE */
} QtestOptions;

static int qtest_set_backend(void *opts, const char *v)
{
    ((QtestOptions *)opts)->name = v;
    return 0;
}

static int qtest_set_vcd(void *opts, const char *v)
{
    if (!*v) {
        fprintf(stderr, "edu-tb qtest: --vcd needs a file name, not ''\n");
        return 2;
    }
    ((QtestOptions *)opts)->cfg.vcd_path = v;
    return 0;
}

/* "4,9": the edu devices' slots, in bus order. */
static int qtest_set_slots(void *opts, const char *v)
{
    EduPlatformConfig *cfg = &((QtestOptions *)opts)->cfg;
    char copy[128];
    char *save = NULL;
    unsigned n = 0;

    snprintf(copy, sizeof(copy), "%s", v);
    for (char *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        uint64_t slot;

        if (n == EDU_PLATFORM_MAX_EDU || !cli_u64(tok, 1, 31, &slot)) {
            return cli_usage(&qtest_cli,
                             "--slots '%s' is not a list of at most %d slots "
                             "from 1 to 31",
                             v, EDU_PLATFORM_MAX_EDU);
        }
        cfg->edu_slot[n++] = (unsigned)slot;
    }
    if (n == 0) {
        return cli_usage(&qtest_cli, "--slots needs a slot, not '%s'", v);
    }
    cfg->n_edu = n;
    return 0;
}

static int qtest_set_dma_mask(void *opts, const char *v)
{
    uint64_t mask;

    if (!cli_u64(v, 1, UINT64_MAX, &mask)) {
        return cli_usage(&qtest_cli, "--dma-mask '%s' is not a number", v);
    }
    ((QtestOptions *)opts)->cfg.dma_mask = mask;
    return 0;
}

static int qtest_set_ram_size(void *opts, const char *v)
{
    uint64_t mib;

    /* Below 0xe0000000, where the PCI memory (--enumerate's BARs) is. */
    if (!cli_u64(v, 1, 3584, &mib)) {
        return cli_usage(&qtest_cli,
                         "--ram-size '%s' is not a number of MiB from 1 "
                         "to 3584",
                         v);
    }
    ((QtestOptions *)opts)->cfg.ram_size = mib << 20;
    return 0;
}

static int qtest_set_coverage(void *opts, const char *v)
{
    if (!*v) {
        return cli_usage(&qtest_cli, "%s", "--coverage needs a file name");
    }
    ((QtestOptions *)opts)->coverage = v;
    return 0;
}

static const CliOption qtest_options[] = {
    CLI_VALUE("coverage", qtest_set_coverage),
    CLI_VALUE("backend", qtest_set_backend),
    CLI_VALUE("slots", qtest_set_slots),
    CLI_VALUE("dma-mask", qtest_set_dma_mask),
    CLI_VALUE("ram-size", qtest_set_ram_size),
    CLI_VALUE("vcd", qtest_set_vcd),
    CLI_FLAG("enumerate", QtestOptions, enumerate),
    CLI_FLAG("quiet", QtestOptions, cfg.quiet),
};

static const CliCommand qtest_cli = {
    .name = "qtest",
    CLI_OPTIONS(qtest_options),
    .help = qtest_help,
};

int qtest_main(int argc, char **argv)
{
    QtestOptions opt = {.name = "cmodel"};
    EduPlatformConfig cfg;
    const char *name;
    bool enumerate;
    QtestSession session;
    Cover cov;
    EduPlatform *b;
    char err[4400];
    int rc = cli_parse(&qtest_cli, argc, argv, &opt);

    if (rc) {
        return rc == 1 ? 0 : rc;
    }
    cfg = opt.cfg;
    name = opt.name;
    enumerate = opt.enumerate;
    if (!backend_find(name)) {
        backend_open(name, &cfg, err, sizeof(err));
        fprintf(stderr, "edu-tb qtest: %s\n", err);
        return 2;
    }
    if (cfg.vcd_path && output_check(cfg.vcd_path, err, sizeof(err)) < 0) {
        fprintf(stderr, "edu-tb qtest: --vcd: %s\n", err);
        return 1;
    }
    if (opt.coverage && cover_session_start(&cov, "qtest", opt.coverage)) {
        return 1;
    }
    b = backend_open(name, &cfg, err, sizeof(err));
    if (b && opt.coverage) {
        b = cover_platform_wrap(b, &cov, &cfg);
        snprintf(err, sizeof(err), "out of memory");
    }
    if (!b) {
        fprintf(stderr, "edu-tb qtest: %s\n", err);
        if (opt.coverage) {
            cover_fini(&cov);
        }
        return 1;
    }
    rc = enumerate ? qtest_enumerate(b) : 0;
    if (rc == 0 && qtest_session_init(&session, b) < 0) {
        fprintf(stderr, "edu-tb qtest: out of memory\n");
        rc = -ENOMEM;
    }
    if (rc != 0) {
        backend_close(b);
        if (opt.coverage) {
            cover_fini(&cov);
        }
        return 1;
    }
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    rc = qtest_serve(&session, STDIN_FILENO, stdout);
    if (rc < 0) {
        fprintf(stderr, "edu-tb qtest: reading the requests: %s\n",
                strerror(-rc));
    }
    if (backend_finish(b) < 0) {
        fprintf(stderr, "edu-tb qtest: %s\n", edu_platform_error(b));
        rc = -EIO;
    }
    qtest_session_fini(&session);
    backend_close(b);
    if (opt.coverage && cover_session_end(&cov, "qtest", opt.coverage)) {
        rc = -EIO;
    }
    return rc < 0 || session.backend_errors ? 1 : 0;
}

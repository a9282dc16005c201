/*
 * Operations executed on one backend, compared between two, printed as
 * qtest lines.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "ops.h"

/* Between two reads of a WAIT that took no time (RAM), let this pass. */
#define OP_WAIT_STEP_NS 1000u

static const char op_suffix[9] = {
    [1] = 'b', [2] = 'w', [4] = 'l', [8] = 'q',
};

static int op_read(EduPlatform *b, const Op *op, uint64_t *val)
{
    return b->ops->mem_read(b, op->addr, op->size, val);
}

static void op_wait(EduPlatform *b, const Op *op, OpResult *res)
{
    uint64_t start = b->ops->now_ns(b);

    for (;;) {
        uint64_t before = b->ops->now_ns(b);

        res->err = op_read(b, op, &res->value);
        if (res->err || (res->value & op->mask) == op->value) {
            return;
        }
        if (b->ops->now_ns(b) - start >= op->ns) {
            res->timed_out = true;
            return;
        }
        if (b->ops->now_ns(b) == before) {
            res->err = b->ops->advance(b, OP_WAIT_STEP_NS);
            if (res->err) {
                return;
            }
        }
    }
}

void op_execute(EduPlatform *b, const Op *op, OpResult *res)
{
    uint64_t start = b->ops->now_ns(b);
    uint32_t v32 = 0;

    res->err = 0;
    res->value = 0;
    res->timed_out = false;
    switch (op->kind) {
    case OP_IN:
        res->err = b->ops->io_read(b, (uint16_t)op->addr, op->size, &v32);
        res->value = v32;
        break;
    case OP_OUT:
        res->err = b->ops->io_write(b, (uint16_t)op->addr,
                                    (uint32_t)op->value, op->size);
        break;
    case OP_READ:
        res->err = op_read(b, op, &res->value);
        break;
    case OP_WRITE:
        res->err = b->ops->mem_write(b, op->addr, op->value, op->size);
        break;
    case OP_READ_BUF:
        res->err = b->ops->mem_read_buf(b, op->addr, res->data, op->len);
        break;
    case OP_WRITE_BUF:
        res->err = b->ops->mem_write_buf(b, op->addr, op->data, op->len);
        break;
    case OP_WAIT:
        op_wait(b, op, res);
        break;
    case OP_ADVANCE:
        res->err = b->ops->advance(b, op->ns);
        break;
    }
    res->ns = b->ops->now_ns(b) - start;
}

bool op_same_result(const Op *op, const OpResult *a, const OpResult *b,
                    char *why, size_t whylen)
{
    if (a->err != b->err) {
        snprintf(why, whylen, "error %d vs %d", a->err, b->err);
        return false;
    }
    if (a->err) {
        return true;
    }
    switch (op->kind) {
    case OP_IN:
    case OP_READ:
    case OP_WAIT:
        if (a->timed_out != b->timed_out) {
            snprintf(why, whylen, "%s vs %s",
                     a->timed_out ? "timed out" : "done",
                     b->timed_out ? "timed out" : "done");
            return false;
        }
        if (a->value != b->value) {
            snprintf(why, whylen, "0x%" PRIx64 " vs 0x%" PRIx64, a->value,
                     b->value);
            return false;
        }
        return true;
    case OP_READ_BUF:
        for (unsigned i = 0; i < op->len; i++) {
            if (a->data[i] != b->data[i]) {
                snprintf(why, whylen,
                         "byte %u (0x%" PRIx64 "): 0x%02x vs 0x%02x", i,
                         op->addr + i, a->data[i], b->data[i]);
                return false;
            }
        }
        return true;
    default:
        return true;
    }
}

bool op_same_time(const Op *op, const OpResult *a, const OpResult *b,
                  char *why, size_t whylen)
{
    uint64_t diff = a->ns > b->ns ? a->ns - b->ns : b->ns - a->ns;

    if (diff * 100 <= (uint64_t)op->slack_pct * a->ns) {
        return true;
    }
    snprintf(why, whylen, "took %" PRIu64 " ns vs %" PRIu64 " ns", a->ns,
             b->ns);
    return false;
}

static void op_print_hex(const uint8_t *data, unsigned len, FILE *out)
{
    fputs("0x", out);
    for (unsigned i = 0; i < len; i++) {
        fprintf(out, "%02x", data[i]);
    }
}

void op_print_qtest(const Op *op, FILE *out)
{
    switch (op->kind) {
    case OP_IN:
        fprintf(out, "in%c 0x%" PRIx64 "\n", op_suffix[op->size], op->addr);
        break;
    case OP_OUT:
        fprintf(out, "out%c 0x%" PRIx64 " 0x%" PRIx64 "\n",
                op_suffix[op->size], op->addr, op->value);
        break;
    case OP_WAIT:
        /* Let it settle, then read what the wait read. */
        fprintf(out, "clock_step %llu\nread%c 0x%" PRIx64 "\n",
                OP_WAIT_REPLAY_NS, op_suffix[op->size], op->addr);
        break;
    case OP_READ:
        fprintf(out, "read%c 0x%" PRIx64 "\n", op_suffix[op->size],
                op->addr);
        break;
    case OP_WRITE:
        fprintf(out, "write%c 0x%" PRIx64 " 0x%" PRIx64 "\n",
                op_suffix[op->size], op->addr, op->value);
        break;
    case OP_READ_BUF:
        fprintf(out, "read 0x%" PRIx64 " %u\n", op->addr, op->len);
        break;
    case OP_WRITE_BUF:
        fprintf(out, "write 0x%" PRIx64 " %u ", op->addr, op->len);
        op_print_hex(op->data, op->len, out);
        fputc('\n', out);
        break;
    case OP_ADVANCE:
        fprintf(out, "clock_step %" PRIu64 "\n", op->ns);
        break;
    }
}

void op_print_result(const Op *op, const OpResult *res, FILE *out)
{
    if (res->err) {
        fprintf(out, "error %d (%s)", res->err, strerror(-res->err));
        return;
    }
    switch (op->kind) {
    case OP_IN:
    case OP_READ:
        fprintf(out, "0x%" PRIx64, res->value);
        break;
    case OP_WAIT:
        fprintf(out, "0x%" PRIx64 "%s after %" PRIu64 " ns", res->value,
                res->timed_out ? " (timed out)" : "", res->ns);
        break;
    case OP_READ_BUF:
        op_print_hex(res->data, op->len < 32 ? op->len : 32, out);
        if (op->len > 32) {
            fputs("...", out);
        }
        break;
    default:
        fputs("OK", out);
        break;
    }
}

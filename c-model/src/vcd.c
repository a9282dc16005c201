/*
 * VCD waveforms of the C model: the PCI phases each booked transaction
 * implies under the timing table, INTA#, and the edu devices' state.
 *
 * The bus's hooks do not come in time order: a transaction is reported
 * when it is booked or when its data is known, and the devices catch up
 * with the host's clock lazily, so a state change may be reported long
 * after later bus activity.  Every value change therefore goes into a
 * min-heap ordered by time (and by arrival at equal times) and is written
 * once nothing earlier can come any more: nothing is reported before the
 * devices' earliest pending work (PciBus.next_event), nor more than one
 * host transaction before the host's clock.
 *
 * The clock toggles from VCD_MARGIN clocks before to VCD_MARGIN clocks
 * after each transaction and state change and stops in between, so the
 * file grows with activity, not with simulated time.  Not drawn: retries,
 * disconnects, fast back-to-back and dual address cycles (64-bit addresses
 * show their low half), because the model has none of them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edu/bytes.h"
#include "edu/timing.h"
#include "edu/vcd.h"

/* Clocks the clock runs before and after each piece of activity. */
#define VCD_MARGIN 2

/* Signals of the bus as a whole. */
enum {
    SIG_CLK,
    SIG_AD,
    SIG_CBE,
    SIG_PAR,
    SIG_FRAME,
    SIG_IRDY,
    SIG_TRDY,
    SIG_DEVSEL,
    SIG_STOP,
    SIG_INTA,
    SIG_BUS_COUNT
};

/* Signals of each edu device, after the bus's. */
enum {
    DEV_IDSEL,
    DEV_REQ,
    DEV_GNT,
    DEV_STATUS,
    DEV_IRQ_STATUS,
    DEV_FACT_BUSY,
    DEV_DMA_BUSY,
    DEV_SIG_COUNT
};

typedef struct VcdSignalDef {
    const char *name;
    unsigned width;
} VcdSignalDef;

static const VcdSignalDef vcd_bus_defs[SIG_BUS_COUNT] = {
    [SIG_CLK] = {"pci_clk", 1},        [SIG_AD] = {"pci_ad", 32},
    [SIG_CBE] = {"pci_cbe_n", 4},      [SIG_PAR] = {"pci_par", 1},
    [SIG_FRAME] = {"pci_frame_n", 1},  [SIG_IRDY] = {"pci_irdy_n", 1},
    [SIG_TRDY] = {"pci_trdy_n", 1},    [SIG_DEVSEL] = {"pci_devsel_n", 1},
    [SIG_STOP] = {"pci_stop_n", 1},    [SIG_INTA] = {"pci_inta_n", 1},
};

static const VcdSignalDef vcd_dev_defs[DEV_SIG_COUNT] = {
    [DEV_IDSEL] = {"pci_idsel", 1},
    [DEV_REQ] = {"pci_req_n", 1},
    [DEV_GNT] = {"pci_gnt_n", 1},
    [DEV_STATUS] = {"edu_status", 32},
    [DEV_IRQ_STATUS] = {"edu_irq_status", 32},
    [DEV_FACT_BUSY] = {"edu_fact_busy", 1},
    [DEV_DMA_BUSY] = {"edu_dma_busy", 1},
};

/* The order of docs/waves.md's signal table: bus signals, then the first
 * device's. */
static const int vcd_decl_order[] = {
    SIG_CLK,
    SIG_AD,
    SIG_CBE,
    SIG_PAR,
    SIG_FRAME,
    SIG_IRDY,
    SIG_TRDY,
    SIG_DEVSEL,
    SIG_STOP,
    SIG_BUS_COUNT + DEV_IDSEL,
    SIG_BUS_COUNT + DEV_REQ,
    SIG_BUS_COUNT + DEV_GNT,
    SIG_INTA,
    SIG_BUS_COUNT + DEV_STATUS,
    SIG_BUS_COUNT + DEV_IRQ_STATUS,
    SIG_BUS_COUNT + DEV_FACT_BUSY,
    SIG_BUS_COUNT + DEV_DMA_BUSY,
};

/* A value of up to 32 bits; a bit set in x is unknown, in z floating. */
typedef struct VcdValue {
    uint32_t val;
    uint32_t x;
    uint32_t z;
} VcdValue;

typedef struct VcdSignal {
    const VcdSignalDef *def;
    char id[8];
    VcdValue cur;       /* as written */
    VcdValue next;      /* at the time being collected */
    int dirty;
} VcdSignal;

typedef struct VcdChange {
    uint64_t t;         /* ns */
    uint64_t seq;       /* arrival, for equal times */
    VcdValue v;
    unsigned sig;
} VcdChange;

typedef struct VcdDevice {
    PciFunction *fn;
    EduDevice *edu;
    unsigned slot;
    unsigned sig;       /* its first signal */
} VcdDevice;

struct EduVcd {
    Host *host;
    PciBus *bus;
    FILE *f;
    char *path;
    char *tmp;
    uint64_t period;    /* ns per PCI clock */
    uint64_t slack;     /* clocks a host report may lag the host's clock */

    VcdSignal *sig;
    unsigned n_sig;
    VcdDevice *dev;
    unsigned n_dev;

    VcdChange *heap;
    size_t n_heap;
    size_t cap_heap;
    uint64_t seq;
    uint64_t horizon;   /* ns: every change before it is written */
    uint64_t stamp;     /* ns of the last time stamp written */
    unsigned *dirty;
    unsigned n_dirty;

    uint64_t late;      /* changes that came after their time was written */
    int err;            /* first error (errno) */
};

static const VcdValue vcd_z = {0, 0, UINT32_MAX};
static const VcdValue vcd_x = {0, UINT32_MAX, 0};

static VcdValue vcd_bits(uint32_t val)
{
    return (VcdValue){val, 0, 0};
}

static int vcd_same(VcdValue a, VcdValue b)
{
    return a.val == b.val && a.x == b.x && a.z == b.z;
}

static void vcd_fail(EduVcd *v, int err)
{
    if (!v->err) {
        v->err = err ? err : EIO;
    }
}

static void vcd_puts(EduVcd *v, const char *s)
{
    if (fputs(s, v->f) == EOF) {
        vcd_fail(v, errno);
    }
}

static void vcd_printf(EduVcd *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void vcd_printf(EduVcd *v, const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = vfprintf(v->f, fmt, ap);
    va_end(ap);
    if (ret < 0) {
        vcd_fail(v, errno);
    }
}

/* ns of the start of clock 'clk', saturating far beyond any real run. */
static uint64_t vcd_ns(const EduVcd *v, uint64_t clk)
{
    uint64_t max = UINT64_MAX / 2 / v->period;

    return MIN(clk, max) * v->period;
}

/* ---- the heap of pending changes ---------------------------------- */

static int vcd_before(const VcdChange *a, const VcdChange *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void vcd_push(EduVcd *v, uint64_t t, unsigned sig, VcdValue val)
{
    VcdChange c;
    size_t i;

    if (t < v->horizon) {
        if (sig == SIG_CLK) {
            return;     /* a clock edge around activity: cosmetic */
        }
        t = v->horizon;
        v->late++;
    }
    if (v->n_heap == v->cap_heap) {
        size_t cap = v->cap_heap ? 2 * v->cap_heap : 1024;
        VcdChange *heap = realloc(v->heap, cap * sizeof(*heap));

        if (!heap) {
            vcd_fail(v, ENOMEM);
            return;
        }
        v->heap = heap;
        v->cap_heap = cap;
    }
    c = (VcdChange){.t = t, .seq = v->seq++, .v = val, .sig = sig};
    for (i = v->n_heap++; i > 0; i = (i - 1) / 2) {
        VcdChange *parent = &v->heap[(i - 1) / 2];

        if (!vcd_before(&c, parent)) {
            break;
        }
        v->heap[i] = *parent;
    }
    v->heap[i] = c;
}

static VcdChange vcd_pop(EduVcd *v)
{
    VcdChange top = v->heap[0];
    VcdChange last = v->heap[--v->n_heap];
    size_t i = 0;

    for (;;) {
        size_t child = 2 * i + 1;

        if (child >= v->n_heap) {
            break;
        }
        if (child + 1 < v->n_heap &&
            vcd_before(&v->heap[child + 1], &v->heap[child])) {
            child++;
        }
        if (!vcd_before(&v->heap[child], &last)) {
            break;
        }
        v->heap[i] = v->heap[child];
        i = child;
    }
    if (v->n_heap) {
        v->heap[i] = last;
    }
    return top;
}

/* ---- writing ------------------------------------------------------- */

/* Whether a reader extending 'next' to the left would put 'lead' there:
 * 0 before 0 or 1, x before x, z before z. */
static int vcd_extends(char lead, char next)
{
    if (lead == '0') {
        return next == '0' || next == '1';
    }
    return (lead == 'x' || lead == 'z') && next == lead;
}

/* Bit b of a value as VCD writes it: z, x, 0 or 1. */
static char vcd_bit_char(const VcdValue *val, unsigned b)
{
    if (val->z >> b & 1) {
        return 'z';
    }
    if (val->x >> b & 1) {
        return 'x';
    }
    return (char)('0' + (val->val >> b & 1));
}

static void vcd_write_value(EduVcd *v, const VcdSignal *s)
{
    char buf[48]; /* 'b', 32 digits, ' ', the id (< 8), '\n', '\0' */
    unsigned w = s->def->width;
    size_t id_len = strlen(s->id); /* vcd_id: fewer than 8 */
    char *p = buf;

    if (w == 1) {
        *p++ = vcd_bit_char(&s->cur, 0);
    } else {
        char bits[33];
        unsigned n = 0;
        unsigned i = 0;

        for (unsigned b = w; b-- > 0;) {
            bits[n++] = vcd_bit_char(&s->cur, b);
        }
        while (i + 1 < n && vcd_extends(bits[i], bits[i + 1])) {
            i++;
        }
        *p++ = 'b';
        memcpy(p, bits + i, n - i);
        p += n - i;
        *p++ = ' ';
    }
    memcpy(p, s->id, id_len);
    p += id_len;
    *p++ = '\n';
    *p = '\0';
    vcd_puts(v, buf);
}

static void vcd_stamp(EduVcd *v, uint64_t t)
{
    if (t != v->stamp) {
        vcd_printf(v, "#%" PRIu64 "\n", t);
        v->stamp = t;
    }
}

/* Writes the changes collected for time 't' that change a value. */
static void vcd_emit(EduVcd *v, uint64_t t)
{
    for (unsigned i = 0; i < v->n_dirty; i++) {
        VcdSignal *s = &v->sig[v->dirty[i]];

        s->dirty = 0;
        if (!vcd_same(s->next, s->cur)) {
            vcd_stamp(v, t);
            s->cur = s->next;
            vcd_write_value(v, s);
        }
    }
    v->n_dirty = 0;
}

/* Writes every pending change before 'limit' (ns). */
static void vcd_write_before(EduVcd *v, uint64_t limit)
{
    while (v->n_heap && v->heap[0].t < limit) {
        uint64_t t = v->heap[0].t;

        do {
            VcdChange c = vcd_pop(v);
            VcdSignal *s = &v->sig[c.sig];

            s->next = c.v;
            if (!s->dirty) {
                s->dirty = 1;
                v->dirty[v->n_dirty++] = c.sig;
            }
        } while (v->n_heap && v->heap[0].t == t);
        vcd_emit(v, t);
    }
}

/* Writes what can no longer change: see the top of the file. */
static void vcd_write_due(EduVcd *v)
{
    uint64_t now = host_now(v->host);
    uint64_t clk = now > v->slack ? now - v->slack : 0;
    uint64_t limit;

    clk = MIN(clk, v->bus->next_event);
    clk = clk > VCD_MARGIN ? clk - VCD_MARGIN : 0;
    limit = vcd_ns(v, clk);
    if (limit > v->horizon) {
        vcd_write_before(v, limit);
        v->horizon = limit;
    }
}

/* ---- drawing ------------------------------------------------------- */

static void vcd_set(EduVcd *v, uint64_t clk, unsigned sig, VcdValue val)
{
    vcd_push(v, vcd_ns(v, clk), sig, val);
}

static void vcd_set_bit(EduVcd *v, uint64_t clk, unsigned sig, int bit)
{
    vcd_set(v, clk, sig, vcd_bits(bit ? 1 : 0));
}

/* Runs the clock over clocks [from, to). */
static void vcd_clock(EduVcd *v, uint64_t from, uint64_t to)
{
    uint64_t half = v->period / 2;

    if (!half) {
        return;         /* a 1 ns clock cannot be drawn in 1 ns steps */
    }
    for (uint64_t k = from; k < to; k++) {
        uint64_t t = vcd_ns(v, k);

        vcd_push(v, t, SIG_CLK, vcd_bits(1));
        vcd_push(v, t + half, SIG_CLK, vcd_bits(0));
    }
}

static void vcd_clock_around(EduVcd *v, uint64_t from, uint64_t to)
{
    vcd_clock(v, from > VCD_MARGIN ? from - VCD_MARGIN : 0, to + VCD_MARGIN);
}

static VcdDevice *vcd_device_of(EduVcd *v, const PciFunction *fn)
{
    for (unsigned i = 0; i < v->n_dev; i++) {
        if (v->dev[i].fn == fn) {
            return &v->dev[i];
        }
    }
    return NULL;
}

static VcdDevice *vcd_device_at(EduVcd *v, int devfn)
{
    for (unsigned i = 0; i < v->n_dev; i++) {
        if (v->dev[i].fn->devfn == devfn) {
            return &v->dev[i];
        }
    }
    return NULL;
}

static int vcd_is_read(PciTxnKind kind)
{
    return kind == PCI_TXN_CONFIG_READ || kind == PCI_TXN_MEM_READ ||
           kind == PCI_TXN_IO_READ;
}

static int vcd_is_config(PciTxnKind kind)
{
    return kind == PCI_TXN_CONFIG_READ || kind == PCI_TXN_CONFIG_WRITE;
}

/* Whether a configuration cycle is type 0 (bus 0), and its device. */
static int vcd_config_type0(const PciTxn *txn, unsigned *slot)
{
    *slot = (unsigned)(txn->addr >> 11) & 0x1f;
    return vcd_is_config(txn->kind) && ((txn->addr >> 16) & 0xff) == 0;
}

/*
 * AD in the address phase.  Configuration cycles are translated as a host
 * bridge does: type 0 on bus 0 with device N's IDSEL line on AD[16 + N]
 * (devices 16..20 on AD[11..15]), function and register in AD[10:2];
 * type 1 (AD[1:0] = 01) for other buses.  Memory cycles carry the DWORD
 * address (linear burst order), I/O cycles the byte address.
 */
static uint32_t vcd_address(const PciTxn *txn)
{
    unsigned slot;

    if (vcd_config_type0(txn, &slot)) {
        uint32_t line = slot <= 15   ? 1u << (16 + slot)
                        : slot <= 20 ? 1u << (slot - 5)
                                     : 0;

        return line | ((uint32_t)txn->addr & 0x7fc);
    }
    if (vcd_is_config(txn->kind)) {
        return ((uint32_t)txn->addr & 0x00fffffc) | 1;
    }
    if (txn->kind == PCI_TXN_IO_READ || txn->kind == PCI_TXN_IO_WRITE) {
        return (uint32_t)txn->addr;
    }
    return (uint32_t)txn->addr & ~3u;
}

/* C/BE# and AD of data phase 'beat' (AD 'x' where the data is unknown). */
static void vcd_data(const PciTxn *txn, uint64_t beat, VcdValue *ad,
                     VcdValue *cbe)
{
    uint32_t be_n = 0;

    *ad = vcd_bits(0);
    for (unsigned lane = 0; lane < 4; lane++) {
        uint64_t p = 4 * beat + lane;
        int on = !txn->len || (p >= txn->lane && p - txn->lane < txn->len);

        if (!on) {
            be_n |= 1u << lane;
        }
        if (on && txn->data && txn->len) {
            ad->val |= (uint32_t)txn->data[p - txn->lane] << (8 * lane);
        } else {
            ad->x |= 0xffu << (8 * lane);
        }
    }
    *cbe = vcd_bits(be_n);
}

/* AD and C/BE# of the transaction at clock 'c' (from its address phase). */
static void vcd_bus_at(const PciTxn *txn, uint64_t c, VcdValue *ad,
                       VcdValue *cbe)
{
    uint64_t a = txn->start + txn->arb;
    uint64_t end = txn->start + txn->clocks;
    int read = vcd_is_read(txn->kind);

    if (c < a + EDU_T_ADDR) {
        *ad = vcd_bits(vcd_address(txn));
        *cbe = vcd_bits(pci_txn_command(txn->kind));
        return;
    }
    if (txn->beats == 0) {
        /* Master abort: the master waits for a DEVSEL# that never comes,
         * then gives up; nobody drives AD for a read. */
        if (c + 1 < end) {
            vcd_data(txn, 0, ad, cbe);
            if (read) {
                *ad = vcd_z;
            }
            return;
        }
    } else {
        uint64_t d0 = a + edu_timing_first_data(txn->wait);

        if (c < d0) {
            /* Decode and wait states: a writing master already drives
             * the first data, a read turns AD around. */
            vcd_data(txn, 0, ad, cbe);
            if (read) {
                *ad = vcd_z;
            }
            return;
        }
        if (c < d0 + txn->beats) {
            vcd_data(txn, c - d0, ad, cbe);
            return;
        }
    }
    *ad = vcd_z;
    *cbe = vcd_z;
}

/* Even parity over AD and C/BE#, driven one clock after them. */
static VcdValue vcd_parity(VcdValue ad, VcdValue cbe)
{
    uint32_t v;

    if (ad.z == UINT32_MAX) {
        return vcd_z;
    }
    if (ad.x || ad.z || cbe.x || cbe.z) {
        return vcd_x;
    }
    v = ad.val ^ (cbe.val & 0xf);
    v ^= v >> 16;
    v ^= v >> 8;
    v ^= v >> 4;
    v ^= v >> 2;
    v ^= v >> 1;
    return vcd_bits(v & 1);
}

static void vcd_draw(EduVcd *v, const PciTxn *txn)
{
    uint64_t a = txn->start + txn->arb;
    uint64_t end = txn->start + txn->clocks;
    uint64_t dec = a + EDU_T_ADDR;
    VcdDevice *master = txn->master >= 0 ? vcd_device_at(v, txn->master)
                                         : NULL;
    VcdValue ad_prev = vcd_z;
    VcdValue cbe_prev = vcd_z;
    VcdValue par_prev = vcd_z;
    unsigned slot;

    vcd_clock_around(v, txn->start, end);

    if (master && txn->arb) {
        unsigned s = master->sig;

        /* REQ# until the address phase (one transaction per grant),
         * GNT# from the clock before it until the arbiter sees REQ# go. */
        vcd_set_bit(v, txn->start, s + DEV_REQ, 0);
        vcd_set_bit(v, a, s + DEV_REQ, 1);
        vcd_set_bit(v, MAX(txn->start, a - 1), s + DEV_GNT, 0);
        vcd_set_bit(v, a + 1, s + DEV_GNT, 1);
    }

    /* Address phase. */
    vcd_set_bit(v, a, SIG_FRAME, 0);
    if (vcd_config_type0(txn, &slot)) {
        for (unsigned i = 0; i < v->n_dev; i++) {
            if (v->dev[i].slot == slot) {
                vcd_set_bit(v, a, v->dev[i].sig + DEV_IDSEL, 1);
                vcd_set_bit(v, dec, v->dev[i].sig + DEV_IDSEL, 0);
            }
        }
    }

    if (txn->beats == 0) {
        /* Master abort: single data phase, IRDY# until it gives up. */
        vcd_set_bit(v, dec, SIG_FRAME, 1);
        vcd_set_bit(v, dec, SIG_IRDY, 0);
        vcd_set_bit(v, end - 1, SIG_IRDY, 1);
    } else {
        uint64_t d0 = a + edu_timing_first_data(txn->wait);
        uint64_t last = d0 + txn->beats - 1;
        /* Medium decode: DEVSEL# comes with the first possible data
         * phase, after the decode clock(s); wait states only hold TRDY#. */
        uint64_t devsel = a + edu_timing_first_data(0);

        /* IRDY# from the clock after the address phase; FRAME# goes high
         * as the final data phase starts, since a master may not change
         * it while IRDY# waits for TRDY#: at once for a single data
         * phase, with the last transfer for a burst. */
        vcd_set_bit(v, dec, SIG_IRDY, 0);
        vcd_set_bit(v, devsel, SIG_DEVSEL, 0);
        vcd_set_bit(v, d0, SIG_TRDY, 0);
        vcd_set_bit(v, txn->beats == 1 ? dec : last, SIG_FRAME, 1);
        vcd_set_bit(v, last + 1, SIG_IRDY, 1);
        vcd_set_bit(v, last + 1, SIG_TRDY, 1);
        vcd_set_bit(v, last + 1, SIG_DEVSEL, 1);
    }

    /* AD, C/BE# and, one clock behind them, PAR. */
    for (uint64_t c = a; c < end; c++) {
        VcdValue ad;
        VcdValue cbe;
        VcdValue par;

        vcd_bus_at(txn, c, &ad, &cbe);
        par = vcd_parity(ad, cbe);
        if (c == a || !vcd_same(ad, ad_prev)) {
            vcd_set(v, c, SIG_AD, ad);
        }
        if (c == a || !vcd_same(cbe, cbe_prev)) {
            vcd_set(v, c, SIG_CBE, cbe);
        }
        if (c == a || !vcd_same(par, par_prev)) {
            vcd_set(v, c + 1, SIG_PAR, par);
        }
        ad_prev = ad;
        cbe_prev = cbe;
        par_prev = par;
    }
}

/* ---- the hooks ----------------------------------------------------- */

static void vcd_trace(void *opaque, const PciTxn *txn)
{
    EduVcd *v = opaque;

    vcd_draw(v, txn);
    vcd_write_due(v);
}

static void vcd_device_state(EduVcd *v, const VcdDevice *d, uint64_t clk)
{
    EduState st;

    edu_get_state(d->edu, &st);
    vcd_set(v, clk, d->sig + DEV_STATUS, vcd_bits(st.status));
    vcd_set(v, clk, d->sig + DEV_IRQ_STATUS, vcd_bits(st.irq_status));
    vcd_set_bit(v, clk, d->sig + DEV_FACT_BUSY, st.fact_busy);
    vcd_set_bit(v, clk, d->sig + DEV_DMA_BUSY, st.dma_busy);
}

static void vcd_note(void *opaque, PciFunction *fn, uint64_t when)
{
    EduVcd *v = opaque;
    VcdDevice *d = vcd_device_of(v, fn);

    if (d) {
        vcd_device_state(v, d, when);
    }
    /* INTA# is wired-OR: low while any function drives it.  (Not
     * host_intx(): that lets the devices run, and a hook runs inside
     * them.) */
    vcd_set_bit(v, when, SIG_INTA, !pci_bus_intx(v->bus));
    vcd_clock_around(v, when, when + 1);
    vcd_write_due(v);
}

/* ---- open and close ------------------------------------------------ */

static void vcd_id(char *id, unsigned n)
{
    /* Printable ASCII '!'..'~', least significant digit first. */
    do {
        *id++ = (char)('!' + n % 94);
        n /= 94;
    } while (n);
    *id = '\0';
}

static void vcd_declare(EduVcd *v, const VcdSignal *s)
{
    if (s->def->width == 1) {
        vcd_printf(v, "$var wire 1 %s %s $end\n", s->id, s->def->name);
    } else {
        vcd_printf(v, "$var wire %u %s %s [%u:0] $end\n", s->def->width, s->id,
                   s->def->name, s->def->width - 1);
    }
}

static void vcd_header(EduVcd *v)
{
    vcd_puts(v, "$version edu-cosim C model $end\n");
    vcd_printf(v,
               "$comment PCI phases drawn from the timing table, PCI clock "
               "%" PRIu64 " ns; the clock runs only around activity $end\n",
               v->period);
    vcd_puts(v, "$timescale 1ns $end\n");
    vcd_puts(v, "$scope module TOP $end\n");
    for (size_t i = 0; i < sizeof(vcd_decl_order) / sizeof(*vcd_decl_order);
         i++) {
        vcd_declare(v, &v->sig[vcd_decl_order[i]]);
    }
    for (unsigned k = 1; k < v->n_dev; k++) {
        vcd_printf(v, "$scope module edu%u $end\n", k);
        for (unsigned j = 0; j < DEV_SIG_COUNT; j++) {
            vcd_declare(v, &v->sig[v->dev[k].sig + j]);
        }
        vcd_puts(v, "$upscope $end\n");
    }
    vcd_puts(v, "$upscope $end\n$enddefinitions $end\n");
}

/* Initial values at 't' (ns): an idle bus and the devices' state. */
static void vcd_dumpvars(EduVcd *v, uint64_t t)
{
    for (unsigned i = 0; i < v->n_sig; i++) {
        v->sig[i].cur = vcd_bits(1);    /* active-low lines idle high */
    }
    v->sig[SIG_CLK].cur = vcd_bits(0);
    v->sig[SIG_AD].cur = vcd_z;
    v->sig[SIG_CBE].cur = vcd_z;
    v->sig[SIG_PAR].cur = vcd_z;
    v->sig[SIG_INTA].cur = vcd_bits(!pci_bus_intx(v->bus));
    for (unsigned k = 0; k < (v->n_sig - SIG_BUS_COUNT) / DEV_SIG_COUNT;
         k++) {
        VcdSignal *s = &v->sig[SIG_BUS_COUNT + k * DEV_SIG_COUNT];
        EduState st = {0};

        if (k < v->n_dev) {
            edu_get_state(v->dev[k].edu, &st);
        }
        s[DEV_IDSEL].cur = vcd_bits(0);
        s[DEV_STATUS].cur = vcd_bits(st.status);
        s[DEV_IRQ_STATUS].cur = vcd_bits(st.irq_status);
        s[DEV_FACT_BUSY].cur = vcd_bits(st.fact_busy);
        s[DEV_DMA_BUSY].cur = vcd_bits(st.dma_busy);
    }
    vcd_printf(v, "#%" PRIu64 "\n$dumpvars\n", t);
    for (unsigned i = 0; i < v->n_sig; i++) {
        v->sig[i].next = v->sig[i].cur;
        vcd_write_value(v, &v->sig[i]);
    }
    vcd_puts(v, "$end\n");
    v->stamp = t;
    v->horizon = t;
}

static void vcd_free(EduVcd *v)
{
    if (v->f) {
        fclose(v->f);
        remove(v->tmp);
    }
    free(v->heap);
    free(v->dirty);
    free(v->sig);
    free(v->dev);
    free(v->tmp);
    free(v->path);
    free(v);
}

/* Finds the edu devices, in devfn order, and lays out their signals. */
static int vcd_layout(EduVcd *v)
{
    unsigned n = 0;

    for (unsigned devfn = 0; devfn < 256; devfn++) {
        n += host_edu(v->host, devfn >> 3, devfn & 7) != NULL;
    }
    v->dev = calloc(n ? n : 1, sizeof(*v->dev));
    v->n_sig = SIG_BUS_COUNT + (n ? n : 1) * DEV_SIG_COUNT;
    v->sig = calloc(v->n_sig, sizeof(*v->sig));
    v->dirty = calloc(v->n_sig, sizeof(*v->dirty));
    if (!v->dev || !v->sig || !v->dirty) {
        return -ENOMEM;
    }
    for (unsigned devfn = 0; devfn < 256; devfn++) {
        EduDevice *edu = host_edu(v->host, devfn >> 3, devfn & 7);

        if (edu) {
            v->dev[v->n_dev] = (VcdDevice){
                .fn = edu_function(edu),
                .edu = edu,
                .slot = devfn >> 3,
                .sig = SIG_BUS_COUNT + v->n_dev * DEV_SIG_COUNT,
            };
            v->n_dev++;
        }
    }
    for (unsigned i = 0; i < v->n_sig; i++) {
        unsigned j = (i - SIG_BUS_COUNT) % DEV_SIG_COUNT;

        v->sig[i].def = i < SIG_BUS_COUNT ? &vcd_bus_defs[i] : &vcd_dev_defs[j];
        vcd_id(v->sig[i].id, i);
    }
    return 0;
}

static char *vcd_strcat(const char *a, const char *b)
{
    size_t na = strlen(a);
    size_t nb = strlen(b);
    char *s = malloc(na + nb + 1);

    if (s) {
        memcpy(s, a, na);
        memcpy(s + na, b, nb);
        s[na + nb] = '\0';
    }
    return s;
}

static EduVcd *vcd_open_failed(EduVcd *v, int err, char *msg, size_t msglen,
                               const char *what)
{
    if (msg && msglen) {
        snprintf(msg, msglen, "%s: %s", what, strerror(err));
    }
    if (v) {
        vcd_free(v);
    }
    errno = err;
    return NULL;
}

EduVcd *edu_vcd_open(Host *host, const char *path, char *err, size_t errlen)
{
    PciBus *bus;
    EduVcd *v;
    int ret;

    if (!host || !path || !*path) {
        return vcd_open_failed(NULL, EINVAL, err, errlen, "VCD path");
    }
    bus = host_bus(host);
    if (bus->trace || bus->note) {
        return vcd_open_failed(NULL, EBUSY, err, errlen,
                               "the bus's trace hooks");
    }
    v = calloc(1, sizeof(*v));
    if (!v) {
        return vcd_open_failed(NULL, ENOMEM, err, errlen, path);
    }
    v->host = host;
    v->bus = bus;
    v->period = host_clock_ns(host);
    v->slack = MAX((uint64_t)EDU_T_MASTER_ABORT,
                   edu_timing_transaction(MAX(EDU_T_CFG_WAIT, EDU_T_BAR_WAIT),
                                          2));
    v->path = vcd_strcat(path, "");
    v->tmp = vcd_strcat(path, ".tmp");
    if (!v->path || !v->tmp) {
        return vcd_open_failed(v, ENOMEM, err, errlen, path);
    }
    ret = vcd_layout(v);
    if (ret < 0) {
        return vcd_open_failed(v, -ret, err, errlen, path);
    }
    v->f = fopen(v->tmp, "w");
    if (!v->f) {
        return vcd_open_failed(v, errno, err, errlen, path);
    }
    /* Devices catch up lazily: bring them to the host's clock so the
     * initial values are theirs at the first time stamp. */
    host_sync(host);
    vcd_header(v);
    vcd_dumpvars(v, vcd_ns(v, host_now(host)));
    bus->trace = vcd_trace;
    bus->trace_opaque = v;
    bus->note = vcd_note;
    bus->note_opaque = v;
    return v;
}

int edu_vcd_close(EduVcd *v)
{
    uint64_t end;
    int ret;

    if (!v) {
        return 0;
    }
    /* The devices' pending work up to the host's clock is still drawn. */
    host_sync(v->host);
    v->bus->trace = NULL;
    v->bus->trace_opaque = NULL;
    v->bus->note = NULL;
    v->bus->note_opaque = NULL;

    end = vcd_ns(v, host_now(v->host));
    vcd_write_before(v, end + 1);
    vcd_stamp(v, MAX(end, v->stamp));
    if (v->late) {
        vcd_printf(v,
                   "$comment %" PRIu64 " value changes came after their "
                   "time had been written and are drawn late $end\n",
                   v->late);
    }
    if (fflush(v->f) == EOF || ferror(v->f)) {
        vcd_fail(v, errno);
    }
    ret = fclose(v->f);
    v->f = NULL;
    if (ret == EOF) {
        vcd_fail(v, errno);
    }
    if (!v->err && rename(v->tmp, v->path) != 0) {
        vcd_fail(v, errno);
    }
    ret = -v->err;
    if (ret) {
        remove(v->tmp);
    }
    vcd_free(v);
    return ret;
}

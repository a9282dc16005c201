/*
 * The functional coverage model's bins, their file and their reports
 * (cover.h; what each bin means: docs/coverage.md).  Which operation hits
 * which bin is cover_platform.c's business, not this file's.
 */
#define _POSIX_C_SOURCE 200809L /* strdup, getline */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cover.h"
#include "output.h"

#define COVER_FILE_MAGIC "# edu-tb coverage 1"

typedef struct CoverDim {
    unsigned n;
    const char *const *label; /* NULL: the numbers 0..n-1 (hex if 'hex') */
    bool hex;
} CoverDim;

typedef struct CoverGroupDef {
    const char *name;
    const char *what;
    unsigned n_dims;
    CoverDim dim[COVER_MAX_DIMS];
} CoverGroupDef;

static const char *const cov_dir[] = {"read", "write"};
static const char *const cov_dma_dir[] = {"to-buffer", "to-ram"};
static const char *const cov_bar_size[] = {"1", "2", "4", "8"};
static const char *const cov_cfg_size[] = {"1", "2", "4"};
static const char *const cov_class[] = {
    "ID",        "LIVENESS", "FACT",    "STATUS",  "IRQ_STATUS",
    "IRQ_RAISE", "IRQ_ACK",  "DMA_SRC", "DMA_DST", "DMA_COUNT",
    "DMA_CMD",   "unlisted", "buffer",
};
static const char *const cov_map[] = {"sized", "moved", "decode-on",
                                      "decode-off-write", "decode-off-read"};
static const char *const cov_fop[] = {"0",  "1",     "2-11", "12",
                                      "13", "14-33", ">=34"};
static const char *const cov_off_on[] = {"off", "on"};
static const char *const cov_one[] = {"hit"};
static const char *const cov_mode[] = {"intx", "intx-disabled", "msi"};
static const char *const cov_src[] = {"raise", "factorial", "dma"};
static const char *const cov_intx[] = {"level-intx-enabled",
                                       "level-intx-disabled", "pin-asserted",
                                       "pin-released"};
static const char *const cov_msi[] = {"disabled", "enabled"};
static const char *const cov_count[] = {"0",  "1",    "4",    "63",   "64",
                                        "65", "4095", "4096", "other"};
static const char *const cov_align[] = {"8", "4", "2", "1"};
static const char *const cov_pos[] = {"start", "inside", "end-at-0x41000",
                                      "beyond", "wrapping"};
static const char *const cov_above[] = {"below", "above"};
static const char *const cov_maskd[] = {"default", "non-default"};
static const char *const cov_busy[] = {"DMA_SRC", "DMA_DST", "DMA_COUNT",
                                       "DMA_CMD"};

#define DIM(arr)                                                               \
    {                                                                          \
        sizeof(arr) / sizeof((arr)[0]), (arr), false                           \
    }

/* clang-format off */
static const CoverGroupDef cover_groups[COV_N_GROUPS] = {
    [COV_BAR0] = {"bar0", "BAR0 access: offset class x size x direction",
                  3, {DIM(cov_class), DIM(cov_bar_size), DIM(cov_dir)}},
    [COV_CFG] = {"cfg", "configuration access to an edu: byte x size x "
                 "direction", 3, {{256, NULL, true}, DIM(cov_cfg_size),
                 DIM(cov_dir)}},
    [COV_BAR_MAP] = {"bar0-map", "BAR0 sized, moved, memory decode on/off",
                     1, {DIM(cov_map)}},
    [COV_FACT_OP] = {"fact-operand", "factorial operand class", 1,
                     {DIM(cov_fop)}},
    [COV_FACT_DONE] = {"fact-done-irqfact", "STATUS.IRQFACT when the "
                       "driver sees the factorial done", 1, {DIM(cov_off_on)}},
    [COV_FACT_BUSY] = {"fact-write-while-computing", "an operand written "
                       "while COMPUTING (seen set after it)", 1,
                       {DIM(cov_one)}},
    [COV_IRQ_RAISE] = {"irq-raise", "IRQ_RAISE with bit i", 1,
                       {{32, NULL, false}}},
    [COV_IRQ_ACK] = {"irq-ack", "IRQ_ACK of pending bit i", 1,
                     {{32, NULL, false}}},
    [COV_IRQ_MODE] = {"irq-mode-x-source", "interrupt mode x source", 2,
                      {DIM(cov_mode), DIM(cov_src)}},
    [COV_INTX] = {"intx", "INTx level with INTx disable off/on; INTA#",
                  1, {DIM(cov_intx)}},
    [COV_MSI] = {"msi", "MSI enable switched", 1, {DIM(cov_msi)}},
    [COV_MSI_MASTER] = {"msi-bus-master", "an MSI-mode interrupt with bus "
                        "master off/on", 1, {DIM(cov_off_on)}},
    [COV_DMA_MASTER] = {"dma-bus-master", "DMA start: direction x bus "
                        "master", 2, {DIM(cov_dma_dir), DIM(cov_off_on)}},
    [COV_DMA_COUNT] = {"dma-count", "DMA start: direction x count", 2,
                       {DIM(cov_dma_dir), DIM(cov_count)}},
    [COV_DMA_ALIGN] = {"dma-ram-align", "DMA start: direction x RAM-side "
                       "alignment", 2, {DIM(cov_dma_dir), DIM(cov_align)}},
    [COV_DMA_POS] = {"dma-buffer-edge", "DMA start: direction x "
                     "buffer-side position", 2,
                     {DIM(cov_dma_dir), DIM(cov_pos)}},
    [COV_DMA_ABOVE] = {"dma-ram-vs-mask", "DMA start: direction x RAM "
                       "address below/above dma_mask", 2,
                       {DIM(cov_dma_dir), DIM(cov_above)}},
    [COV_DMA_MASK] = {"dma-mask", "DMA start: direction x platform "
                      "dma_mask", 2, {DIM(cov_dma_dir), DIM(cov_maskd)}},
    [COV_DMA_IRQ] = {"dma-irq", "DMA start: direction x IRQ flag", 2,
                     {DIM(cov_dma_dir), DIM(cov_off_on)}},
    [COV_DMA_BUSY] = {"dma-write-while-running", "a DMA register written "
                      "while RUN (seen set after it)", 1, {DIM(cov_busy)}},
};
/* clang-format on */

static unsigned cover_group_size(const CoverGroupDef *g)
{
    unsigned n = 1;

    for (unsigned k = 0; k < g->n_dims; k++) {
        n *= g->dim[k].n;
    }
    return n;
}

static void cover_label(const CoverDim *d, unsigned v, char *buf, size_t len)
{
    if (d->label) {
        snprintf(buf, len, "%s", d->label[v]);
    } else {
        snprintf(buf, len, d->hex ? "0x%02x" : "%u", v);
    }
}

int cover_init(Cover *c)
{
    unsigned n = 0;

    memset(c, 0, sizeof(*c));
    for (unsigned g = 0; g < COV_N_GROUPS; g++) {
        c->base[g] = n;
        n += cover_group_size(&cover_groups[g]);
    }
    c->base[COV_N_GROUPS] = n;
    c->n = n;
    c->hits = calloc(n, sizeof(*c->hits));
    c->names = calloc(n, sizeof(*c->names));
    if (!c->hits || !c->names) {
        cover_fini(c);
        return -ENOMEM;
    }
    for (unsigned i = 0; i < n; i++) {
        CoverPoint pt;
        const CoverGroupDef *g;
        char name[128];
        size_t used;

        cover_point(c, i, &pt);
        g = &cover_groups[pt.group];
        used = (size_t)snprintf(name, sizeof(name), "%s", g->name);
        for (unsigned k = 0; k < g->n_dims; k++) {
            char label[32];

            cover_label(&g->dim[k], pt.at[k], label, sizeof(label));
            used += (size_t)snprintf(name + used, sizeof(name) - used, ":%s",
                                     label);
        }
        c->names[i] = strdup(name);
        if (!c->names[i]) {
            cover_fini(c);
            return -ENOMEM;
        }
    }
    return 0;
}

void cover_fini(Cover *c)
{
    if (c->names) {
        for (unsigned i = 0; i < c->n; i++) {
            free(c->names[i]);
        }
    }
    free(c->names);
    free(c->hits);
    memset(c, 0, sizeof(*c));
}

int cover_index(const Cover *c, CoverGroup g, unsigned a, unsigned b,
                unsigned d)
{
    const CoverGroupDef *def = &cover_groups[g];
    unsigned at[COVER_MAX_DIMS] = {a, b, d};
    unsigned idx = 0;

    for (unsigned k = 0; k < def->n_dims && k < COVER_MAX_DIMS; k++) {
        if (at[k] >= def->dim[k].n) {
            return -1;
        }
        idx = idx * def->dim[k].n + at[k];
    }
    return (int)(c->base[g] + idx);
}

void cover_hit(Cover *c, CoverGroup g, unsigned a, unsigned b, unsigned d)
{
    int i = c && c->hits ? cover_index(c, g, a, b, d) : -1;

    if (i >= 0) {
        c->hits[i]++;
    }
}

void cover_point(const Cover *c, unsigned i, CoverPoint *pt)
{
    unsigned g = 0;
    unsigned rest;

    while (g + 1 < COV_N_GROUPS && i >= c->base[g + 1]) {
        g++;
    }
    pt->group = (CoverGroup)g;
    rest = i - c->base[g];
    memset(pt->at, 0, sizeof(pt->at));
    for (unsigned k = cover_groups[g].n_dims; k-- > 0;) {
        pt->at[k] = rest % cover_groups[g].dim[k].n;
        rest /= cover_groups[g].dim[k].n;
    }
}

unsigned cover_bar0_class(uint64_t off)
{
    static const uint64_t regs[] = {
        [COV_CLS_ID] = 0x00,         [COV_CLS_LIVENESS] = 0x04,
        [COV_CLS_FACT] = 0x08,       [COV_CLS_STATUS] = 0x20,
        [COV_CLS_IRQ_STATUS] = 0x24, [COV_CLS_IRQ_RAISE] = 0x60,
        [COV_CLS_IRQ_ACK] = 0x64,    [COV_CLS_DMA_SRC] = 0x80,
        [COV_CLS_DMA_DST] = 0x88,    [COV_CLS_DMA_COUNT] = 0x90,
        [COV_CLS_DMA_CMD] = 0x98,
    };

    for (unsigned k = 0; k < sizeof(regs) / sizeof(regs[0]); k++) {
        if (off == regs[k]) {
            return k;
        }
    }
    return off >= 0x40000 && off < 0x41000 ? COV_CLS_BUFFER : COV_CLS_UNLISTED;
}

unsigned cover_hit_bins(const Cover *c)
{
    unsigned n = 0;

    for (unsigned i = 0; i < c->n; i++) {
        n += c->hits[i] != 0;
    }
    return n;
}

int cover_hole(const Cover *c, uint64_t k)
{
    unsigned holes = c->n - cover_hit_bins(c);

    if (holes == 0) {
        return -1;
    }
    k %= holes;
    for (unsigned i = 0; i < c->n; i++) {
        if (!c->hits[i] && k-- == 0) {
            return (int)i;
        }
    }
    return -1;
}

static int cover_find(const Cover *c, const char *name)
{
    for (unsigned i = 0; i < c->n; i++) {
        if (strcmp(c->names[i], name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* "COUNT NAME": a decimal count, one space, a name without spaces. */
static bool cover_parse_line(const char *line, unsigned long *count,
                             char *name, size_t len)
{
    char *end;
    size_t n;

    if (!isdigit((unsigned char)line[0])) {
        return false;
    }
    errno = 0;
    *count = strtoul(line, &end, 10);
    if (errno || *end != ' ') {
        return false;
    }
    n = strlen(end + 1);
    if (n == 0 || n >= len || strchr(end + 1, ' ')) {
        return false;
    }
    memcpy(name, end + 1, n + 1);
    return true;
}

int cover_load(Cover *c, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    unsigned long lineno = 0;
    int rc = 0;

    if (!f) {
        rc = -errno;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return rc;
    }
    while (rc == 0 && getline(&line, &cap, f) > 0) {
        char name[128];
        unsigned long count;
        int i;

        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (lineno == 1 && strcmp(line, COVER_FILE_MAGIC) != 0) {
            snprintf(err, errlen,
                     "%s: not an edu-tb coverage file (its "
                     "first line is not '%s')",
                     path, COVER_FILE_MAGIC);
            rc = -EINVAL;
        } else if (line[0] == '#' || line[0] == '\0') {
            continue;
        } else if (!cover_parse_line(line, &count, name, sizeof(name))) {
            snprintf(err, errlen, "%s:%lu: not 'COUNT BIN'", path, lineno);
            rc = -EINVAL;
        } else if ((i = cover_find(c, name)) < 0) {
            snprintf(err, errlen, "%s:%lu: unknown bin '%s'", path, lineno,
                     name);
            rc = -EINVAL;
        } else {
            c->hits[i] += count;
        }
    }
    if (rc == 0 && lineno == 0) {
        snprintf(err, errlen, "%s: empty, not an edu-tb coverage file", path);
        rc = -EINVAL;
    }
    free(line);
    fclose(f);
    return rc;
}

int cover_save(const Cover *c, const char *path)
{
    OutputFile out;
    int rc = output_open(&out, path);

    if (rc < 0) {
        return rc;
    }
    fprintf(out.f,
            "%s\n# %u of %u bins hit; COUNT BIN per line "
            "(docs/coverage.md)\n",
            COVER_FILE_MAGIC, cover_hit_bins(c), c->n);
    for (unsigned i = 0; i < c->n; i++) {
        fprintf(out.f, "%lu %s\n", c->hits[i], c->names[i]);
    }
    return output_close(&out, true);
}

static unsigned cover_group_hit(const Cover *c, unsigned g)
{
    unsigned n = 0;

    for (unsigned i = c->base[g]; i < c->base[g + 1]; i++) {
        n += c->hits[i] != 0;
    }
    return n;
}

static double cover_pct(unsigned hit, unsigned all)
{
    return all ? 100.0 * hit / all : 100.0;
}

/* The groups, incomplete ones first (in table order within each). */
static unsigned cover_order(const Cover *c, unsigned *order)
{
    unsigned n = 0;

    for (int pass = 0; pass < 2; pass++) {
        for (unsigned g = 0; g < COV_N_GROUPS; g++) {
            bool full = cover_group_hit(c, g) == c->base[g + 1] - c->base[g];

            if (full == (pass == 1)) {
                order[n++] = g;
            }
        }
    }
    return n;
}

void cover_report_text(const Cover *c, FILE *out)
{
    unsigned order[COV_N_GROUPS];
    unsigned n = cover_order(c, order), hit = cover_hit_bins(c);

    fprintf(out, "%-28s %7s %7s %8s  %s\n", "group", "hit", "bins", "%",
            "what");
    for (unsigned k = 0; k < n; k++) {
        unsigned g = order[k];
        unsigned all = c->base[g + 1] - c->base[g], h = cover_group_hit(c, g);

        fprintf(out, "%-28s %7u %7u %7.1f%%  %s\n", cover_groups[g].name, h,
                all, cover_pct(h, all), cover_groups[g].what);
    }
    fprintf(out, "%-28s %7u %7u %7.1f%%\n", "all", hit, c->n,
            cover_pct(hit, c->n));
    if (hit < c->n) {
        fprintf(out, "\nholes (%u):\n", c->n - hit);
        for (unsigned i = 0; i < c->n; i++) {
            if (!c->hits[i]) {
                fprintf(out, "  %s\n", c->names[i]);
            }
        }
    }
}

static void cover_html_escape(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '&':
            fputs("&amp;", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

void cover_report_html(const Cover *c, FILE *out, const char *title)
{
    unsigned order[COV_N_GROUPS];
    unsigned n = cover_order(c, order), hit = cover_hit_bins(c);

    fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", out);
    cover_html_escape(out, title);
    fputs("</title><style>body{font-family:sans-serif}"
          "table{border-collapse:collapse}td,th{border:1px solid #999;"
          "padding:2px 6px}.hole{background:#f88}.hit{background:#8e8}"
          ".bins td{font-family:monospace;font-size:small}</style>"
          "</head><body>\n<h1>",
          out);
    cover_html_escape(out, title);
    fprintf(out, "</h1>\n<p>%u of %u bins hit: <b>%.1f %%</b></p>\n", hit, c->n,
            cover_pct(hit, c->n));
    fputs("<table><tr><th>group</th><th>hit</th><th>bins</th><th>%</th>"
          "<th>what</th></tr>\n",
          out);
    for (unsigned k = 0; k < n; k++) {
        unsigned g = order[k];
        unsigned all = c->base[g + 1] - c->base[g], h = cover_group_hit(c, g);

        fprintf(out,
                "<tr class=\"%s\"><td><a href=\"#%s\">%s</a></td>"
                "<td>%u</td><td>%u</td><td>%.1f</td><td>",
                h == all ? "hit" : "hole", cover_groups[g].name,
                cover_groups[g].name, h, all, cover_pct(h, all));
        cover_html_escape(out, cover_groups[g].what);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
    if (hit < c->n) {
        fputs("<h2>Holes</h2><ul>\n", out);
        for (unsigned i = 0; i < c->n; i++) {
            if (!c->hits[i]) {
                fputs("<li><code>", out);
                cover_html_escape(out, c->names[i]);
                fputs("</code></li>\n", out);
            }
        }
        fputs("</ul>\n", out);
    }
    for (unsigned k = 0; k < n; k++) {
        unsigned g = order[k];

        fprintf(out,
                "<h2 id=\"%s\">%s</h2>\n<table class=\"bins\">"
                "<tr><th>bin</th><th>hits</th></tr>\n",
                cover_groups[g].name, cover_groups[g].name);
        for (unsigned i = c->base[g]; i < c->base[g + 1]; i++) {
            fprintf(out, "<tr class=\"%s\"><td>", c->hits[i] ? "hit" : "hole");
            cover_html_escape(out, c->names[i]);
            fprintf(out, "</td><td>%lu</td></tr>\n", c->hits[i]);
        }
        fputs("</table>\n", out);
    }
    fputs("</body></html>\n", out);
}

int cover_session_start(Cover *c, const char *cmd, const char *path)
{
    char err[4400];
    int rc;

    if (output_check(path, err, sizeof(err)) < 0) {
        fprintf(stderr, "edu-tb %s: --coverage: %s\n", cmd, err);
        return 1;
    }
    if (cover_init(c) < 0) {
        fprintf(stderr, "edu-tb %s: out of memory\n", cmd);
        return 1;
    }
    rc = cover_load(c, path, err, sizeof(err));
    if (rc < 0 && rc != -ENOENT) {
        fprintf(stderr, "edu-tb %s: --coverage: %s\n", cmd, err);
        cover_fini(c);
        return 1;
    }
    return 0;
}

int cover_session_end(Cover *c, const char *cmd, const char *path)
{
    int rc = cover_save(c, path);

    if (rc < 0) {
        fprintf(stderr, "edu-tb %s: --coverage: writing %s: %s\n", cmd, path,
                strerror(-rc));
    }
    cover_fini(c);
    return rc < 0;
}

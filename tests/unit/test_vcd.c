/*
 * Unit tests of the C model's waveform writer (edu/vcd.h): small platform
 * runs with a VCD open, read back with a tiny VCD parser, checked clock by
 * clock against the PCI phases the timing table implies (edu/timing.h),
 * plus the file handling (PATH.tmp, errors, no partial files).
 */
#define _DEFAULT_SOURCE /* mkdtemp, symlink */

#include "tb_util.h" /* <cmocka.h> with what it needs first */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "edu/host.h"
#include "edu/timing.h"
#include "edu/vcd.h"

#define BAR0 0xfe000000u
/* COMMAND as these tests program it: memory and bus master. */
#define COMMAND (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)
#define RAM_SRC 0x1000u
#define MSI_ADDR 0xfee00000u
#define MSI_DATA 0x4321u

/* ---- a tiny VCD reader --------------------------------------------- */

#define MAX_VARS 64

typedef struct WaveVar {
    char id[8];
    char name[64]; /* scope path below TOP, e.g. "edu1.edu_status" */
    unsigned width;
} WaveVar;

typedef struct WaveChange {
    uint64_t t;
    unsigned var;
    char val[33]; /* extended to the var's width */
} WaveChange;

typedef struct Wave {
    char *text;
    WaveVar var[MAX_VARS];
    unsigned n_var;
    WaveChange *ch;
    size_t n_ch;
    uint64_t last_t;
    unsigned clock_ns;
} Wave;

static int wave_find_id(const Wave *w, const char *id)
{
    for (unsigned i = 0; i < w->n_var; i++) {
        if (!strcmp(w->var[i].id, id)) {
            return (int)i;
        }
    }
    return -1;
}

static int wave_find(const Wave *w, const char *name)
{
    for (unsigned i = 0; i < w->n_var; i++) {
        if (!strcmp(w->var[i].name, name)) {
            return (int)i;
        }
    }
    return -1;
}

/* Left-extends 'v' to 'width' as VCD readers do. */
static void wave_extend(char *out, const char *v, unsigned width)
{
    size_t n = strlen(v);
    char pad = v[0] == 'x' || v[0] == 'z' ? v[0] : '0';

    assert_true(n <= width);
    memset(out, pad, width - n);
    memcpy(out + width - n, v, n + 1);
}

static void wave_parse(Wave *w, const char *path, unsigned clock_ns)
{
    char scope[8][32];
    int depth = 0;
    size_t cap = 0;
    uint64_t t = 0;
    char *save = NULL;
    char *tok;

    memset(w, 0, sizeof(*w));
    w->clock_ns = clock_ns;
    w->text = tb_read_file(path);
    {
        /* strtok_r writes into the text: parse a copy. */
        char *copy = strdup(w->text);

        assert_non_null(copy);
        for (tok = strtok_r(copy, " \t\n", &save); tok;
             tok = strtok_r(NULL, " \t\n", &save)) {
            if (!strcmp(tok, "$scope")) {
                strtok_r(NULL, " \t\n", &save);
                tok = strtok_r(NULL, " \t\n", &save);
                assert_true(depth < 8);
                snprintf(scope[depth++], sizeof(scope[0]), "%s", tok);
            } else if (!strcmp(tok, "$upscope")) {
                depth--;
            } else if (!strcmp(tok, "$var")) {
                WaveVar *v = &w->var[w->n_var++];
                char name[64] = "";

                assert_true(w->n_var <= MAX_VARS);
                strtok_r(NULL, " \t\n", &save);
                v->width = (unsigned)atoi(strtok_r(NULL, " \t\n", &save));
                snprintf(v->id, sizeof(v->id), "%s",
                         strtok_r(NULL, " \t\n", &save));
                for (int i = 1; i < depth; i++) {
                    strcat(name, scope[i]);
                    strcat(name, ".");
                }
                strcat(name, strtok_r(NULL, " \t\n", &save));
                snprintf(v->name, sizeof(v->name), "%s", name);
            } else if (!strcmp(tok, "$enddefinitions")) {
                strtok_r(NULL, " \t\n", &save);
                break;
            } else if (!strcmp(tok, "$comment") || !strcmp(tok, "$version") ||
                       !strcmp(tok, "$timescale")) {
                while (strcmp(tok, "$end")) {
                    tok = strtok_r(NULL, " \t\n", &save);
                }
            }
        }
        for (tok = strtok_r(NULL, " \t\n", &save); tok;
             tok = strtok_r(NULL, " \t\n", &save)) {
            const char *val;
            const char *id;
            int var;

            if (tok[0] == '#') {
                uint64_t nt = strtoull(tok + 1, NULL, 10);

                assert_true(nt >= t); /* time never goes back */
                t = nt;
                continue;
            }
            if (!strcmp(tok, "$comment")) {
                while (strcmp(tok, "$end")) {
                    tok = strtok_r(NULL, " \t\n", &save);
                }
                continue;
            }
            if (tok[0] == '$') {
                continue; /* $dumpvars, $end */
            }
            if (tok[0] == 'b') {
                val = tok + 1;
                id = strtok_r(NULL, " \t\n", &save);
            } else {
                static char bit[2];

                bit[0] = tok[0];
                val = bit;
                id = tok + 1;
            }
            var = wave_find_id(w, id);
            assert_true(var >= 0);
            if (w->n_ch == cap) {
                cap = cap ? 2 * cap : 4096;
                w->ch = realloc(w->ch, cap * sizeof(*w->ch));
                assert_non_null(w->ch);
            }
            w->ch[w->n_ch].t = t;
            w->ch[w->n_ch].var = (unsigned)var;
            wave_extend(w->ch[w->n_ch].val, val, w->var[var].width);
            w->n_ch++;
        }
        free(copy);
    }
    w->last_t = t;
}

static void wave_free(Wave *w)
{
    free(w->text);
    free(w->ch);
}

/* The value of 'name' during clock 'clk' (as written at its rising edge). */
static const char *wave_at(const Wave *w, const char *name, uint64_t clk)
{
    int var = wave_find(w, name);
    uint64_t t = clk * w->clock_ns;
    const char *val = NULL;

    if (var < 0) {
        fail_msg("no signal %s", name);
    }
    for (size_t i = 0; i < w->n_ch && w->ch[i].t <= t; i++) {
        if (w->ch[i].var == (unsigned)var) {
            val = w->ch[i].val;
        }
    }
    assert_non_null(val);
    return val;
}

/* A value without x or z bits. */
static uint32_t wave_num(const Wave *w, const char *name, uint64_t clk)
{
    const char *val = wave_at(w, name, clk);

    if (strspn(val, "01") != strlen(val)) {
        fail_msg("%s at clock %llu is %s", name, (unsigned long long)clk, val);
    }
    return (uint32_t)strtoul(val, NULL, 2);
}

/* How many changes 'name' has between clocks [from, to). */
static size_t wave_changes(const Wave *w, const char *name, uint64_t from,
                           uint64_t to)
{
    int var = wave_find(w, name);
    size_t n = 0;

    for (size_t i = 0; i < w->n_ch; i++) {
        if (w->ch[i].var == (unsigned)var && w->ch[i].t >= from * w->clock_ns &&
            w->ch[i].t < to * w->clock_ns) {
            n++;
        }
    }
    return n;
}

/* ---- the platform ------------------------------------------------- */

typedef struct Fixture {
    char dir[64];
    char path[128];
    char tmp[136];
    Host *host;
} Fixture;

static void quiet_log(void *opaque, const char *msg)
{
    (void)opaque;
    (void)msg;
}

static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));
    HostConfig cfg = {.log_fn = quiet_log};
    const char *tmpdir = getenv("TMPDIR");

    if (!f) {
        return -1;
    }
    snprintf(f->dir, sizeof(f->dir), "%s/test_vcd.XXXXXX",
             tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof(f->path), "%s/run.vcd", f->dir);
    snprintf(f->tmp, sizeof(f->tmp), "%s.tmp", f->path);
    f->host = host_create(&cfg);
    if (!f->host || host_add_edu(f->host, TB_SLOT, 0, NULL) < 0) {
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;

    host_destroy(f->host);
    remove(f->path);
    remove(f->tmp);
    rmdir(f->dir);
    free(f);
    return 0;
}

static int exists(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0;
}

static EduVcd *open_vcd(Fixture *f)
{
    char err[256] = "";
    EduVcd *vcd = edu_vcd_open(f->host, f->path, err, sizeof(err));

    if (!vcd) {
        fail_msg("edu_vcd_open: %s", err);
    }
    return vcd;
}

static void close_and_parse(Fixture *f, EduVcd *vcd, Wave *w)
{
    assert_int_equal(edu_vcd_close(vcd), 0);
    wave_parse(w, f->path, host_clock_ns(f->host));
}

static unsigned parity(uint32_t ad, uint32_t cbe)
{
    return (unsigned)__builtin_parity(ad ^ (cbe & 0xf));
}

/* Clock of the first data phase of a host transaction starting at 'c'. */
static uint64_t data_phase(uint64_t c, uint64_t wait)
{
    return c + edu_timing_first_data(wait);
}

/* Writes a register in BAR0; returns the clock of the write's data phase. */
static uint64_t reg_write_at(Host *host, uint32_t addr, uint32_t val)
{
    uint64_t d = data_phase(host_now(host), EDU_T_BAR_WAIT);

    tb_mem_write(host, addr, val, 4);
    return d;
}

/* ---- tests ---------------------------------------------------------- */

static void test_header_declares_every_design_signal(void **state)
{
    static const struct {
        const char *name;
        unsigned width;
    } want[] = {
        {"pci_clk", 1},       {"pci_ad", 32},      {"pci_cbe_n", 4},
        {"pci_par", 1},       {"pci_frame_n", 1},  {"pci_irdy_n", 1},
        {"pci_trdy_n", 1},    {"pci_devsel_n", 1}, {"pci_stop_n", 1},
        {"pci_idsel", 1},     {"pci_req_n", 1},    {"pci_gnt_n", 1},
        {"pci_inta_n", 1},    {"edu_status", 32},  {"edu_irq_status", 32},
        {"edu_fact_busy", 1}, {"edu_dma_busy", 1},
    };
    Fixture *f = *state;
    EduVcd *vcd = open_vcd(f);
    Wave w;

    tb_cfg_read_fn(f->host, TB_DEVFN, PCI_VENDOR_ID, 4);
    close_and_parse(f, vcd, &w);
    assert_non_null(strstr(w.text, "$timescale 1ns $end"));
    assert_int_equal(w.n_var, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        int var = wave_find(&w, want[i].name);

        if (var < 0) {
            fail_msg("%s is not declared", want[i].name);
        }
        assert_int_equal(w.var[var].width, want[i].width);
    }
    wave_free(&w);
}

static void test_config_read_address_phase_has_command_and_idsel(void **state)
{
    Fixture *f = *state;
    EduVcd *vcd;
    uint64_t c;
    uint64_t d;
    uint32_t addr;
    Wave w;

    vcd = open_vcd(f);
    host_advance(f->host, 10);
    c = host_now(f->host);
    assert_int_equal(tb_cfg_read_fn(f->host, TB_DEVFN, PCI_VENDOR_ID, 4),
                     EDU_DEVICE_ID << 16 | EDU_VENDOR_ID);
    close_and_parse(f, vcd, &w);

    /* Address phase: type 0, IDSEL of device 4 on AD[20], register 0. */
    addr = 1u << (16 + TB_SLOT);
    assert_int_equal(wave_num(&w, "pci_frame_n", c), 0);
    assert_int_equal(wave_num(&w, "pci_cbe_n", c), 0xa);
    assert_int_equal(wave_num(&w, "pci_idsel", c), 1);
    assert_int_equal(wave_num(&w, "pci_ad", c), addr);
    assert_int_equal(wave_num(&w, "pci_irdy_n", c), 1);
    assert_int_equal(wave_num(&w, "pci_devsel_n", c), 1);
    assert_int_equal(wave_num(&w, "pci_idsel", c - 1), 0);
    /* The clock runs: high in the first half of the clock, low after. */
    assert_string_equal(wave_at(&w, "pci_clk", c), "1");
    assert_int_equal(wave_changes(&w, "pci_clk", c, c + 1), 2);

    /* Decode: IDSEL gone, AD turned around, DEVSEL# not yet (medium
     * decode); the one data phase is the final one, so FRAME# goes as
     * IRDY# comes. */
    assert_int_equal(wave_num(&w, "pci_frame_n", c + 1), 1);
    assert_int_equal(wave_num(&w, "pci_idsel", c + 1), 0);
    assert_int_equal(wave_num(&w, "pci_devsel_n", c + 1), 1);
    assert_int_equal(wave_num(&w, "pci_irdy_n", c + 1), 0);
    assert_int_equal(wave_num(&w, "pci_trdy_n", c + 1), 1);
    assert_string_equal(wave_at(&w, "pci_ad", c + 1),
                        "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz");
    assert_int_equal(wave_num(&w, "pci_par", c + 1), parity(addr, 0xa));

    /* The one data phase: DEVSEL# and TRDY# together, the ID on AD, all
     * bytes enabled, FRAME# up. */
    d = data_phase(c, EDU_T_CFG_WAIT);
    assert_int_equal(wave_num(&w, "pci_devsel_n", d), 0);
    assert_int_equal(wave_num(&w, "pci_trdy_n", d), 0);
    assert_int_equal(wave_num(&w, "pci_irdy_n", d), 0);
    assert_int_equal(wave_num(&w, "pci_frame_n", d), 1);
    assert_int_equal(wave_num(&w, "pci_ad", d),
                     EDU_DEVICE_ID << 16 | EDU_VENDOR_ID);
    assert_int_equal(wave_num(&w, "pci_cbe_n", d), 0);

    /* Turnaround: everything released; PAR covers the data phase. */
    assert_int_equal(wave_num(&w, "pci_trdy_n", d + 1), 1);
    assert_int_equal(wave_num(&w, "pci_irdy_n", d + 1), 1);
    assert_int_equal(wave_num(&w, "pci_devsel_n", d + 1), 1);
    assert_int_equal(wave_num(&w, "pci_stop_n", d + 1), 1);
    assert_int_equal(wave_num(&w, "pci_par", d + 1),
                     parity(EDU_DEVICE_ID << 16 | EDU_VENDOR_ID, 0));
    assert_int_equal(d + 1 + EDU_T_TURNAROUND, host_now(f->host));
    wave_free(&w);
}

static void test_master_abort_has_no_devsel(void **state)
{
    Fixture *f = *state;
    EduVcd *vcd = open_vcd(f);
    uint64_t c = host_now(f->host);
    Wave w;

    assert_int_equal(tb_cfg_read_fn(f->host, PCI_DEVFN(7, 0), PCI_VENDOR_ID, 4),
                     0xffffffffu);
    close_and_parse(f, vcd, &w);
    assert_int_equal(host_now(f->host), c + EDU_T_MASTER_ABORT);
    assert_int_equal(wave_num(&w, "pci_frame_n", c), 0);
    assert_int_equal(wave_num(&w, "pci_idsel", c), 0); /* not slot 4 */
    for (uint64_t k = c; k < c + EDU_T_MASTER_ABORT; k++) {
        assert_int_equal(wave_num(&w, "pci_devsel_n", k), 1);
        assert_int_equal(wave_num(&w, "pci_trdy_n", k), 1);
        assert_int_equal(wave_num(&w, "pci_stop_n", k), 1);
    }
    /* The master waits for DEVSEL# with IRDY# low, then gives up. */
    assert_int_equal(wave_num(&w, "pci_irdy_n", c + 1), 0);
    assert_int_equal(wave_num(&w, "pci_irdy_n", c + EDU_T_MASTER_ABORT - 2), 0);
    assert_int_equal(wave_num(&w, "pci_irdy_n", c + EDU_T_MASTER_ABORT - 1), 1);
    wave_free(&w);
}

static void test_mem_write_data_phase_asserts_irdy_trdy_devsel(void **state)
{
    Fixture *f = *state;
    EduVcd *vcd;
    uint64_t c;
    uint64_t d;
    Wave w;

    tb_map_bar0_fn(f->host, TB_DEVFN, BAR0, COMMAND);
    vcd = open_vcd(f);
    c = host_now(f->host);
    tb_mem_write(f->host, BAR0 + EDU_REG_LIVENESS, 0x12345678u, 4);
    close_and_parse(f, vcd, &w);

    assert_int_equal(wave_num(&w, "pci_frame_n", c), 0);
    assert_int_equal(wave_num(&w, "pci_cbe_n", c), 0x7);
    assert_int_equal(wave_num(&w, "pci_ad", c), BAR0 + EDU_REG_LIVENESS);
    assert_int_equal(wave_num(&w, "pci_idsel", c), 0);
    d = data_phase(c, EDU_T_BAR_WAIT);
    assert_int_equal(wave_num(&w, "pci_irdy_n", d), 0);
    assert_int_equal(wave_num(&w, "pci_trdy_n", d), 0);
    assert_int_equal(wave_num(&w, "pci_devsel_n", d), 0);
    assert_int_equal(wave_num(&w, "pci_frame_n", d), 1);
    assert_int_equal(wave_num(&w, "pci_ad", d), 0x12345678u);
    assert_int_equal(wave_num(&w, "pci_cbe_n", d), 0);
    assert_int_equal(wave_num(&w, "pci_irdy_n", d + 1), 1);
    assert_int_equal(wave_num(&w, "pci_trdy_n", d + 1), 1);
    assert_int_equal(wave_num(&w, "pci_devsel_n", d + 1), 1);
    assert_int_equal(wave_num(&w, "pci_par", d + 1), parity(0x12345678u, 0));
    wave_free(&w);
}

static void test_byte_write_enables_one_lane(void **state)
{
    Fixture *f = *state;
    EduVcd *vcd;
    uint64_t d;
    Wave w;

    tb_map_bar0_fn(f->host, TB_DEVFN, BAR0, COMMAND);
    vcd = open_vcd(f);
    d = data_phase(host_now(f->host), EDU_T_BAR_WAIT);
    /* A 1-byte write at offset 5 (the device ignores it: invalid size). */
    assert_int_equal(host_mem_write(f->host, BAR0 + 5, 0xab, 1), 0);
    close_and_parse(f, vcd, &w);
    assert_int_equal(wave_num(&w, "pci_cbe_n", d), 0xd);
    /* Only lane 1 carries known data; the master drives the rest. */
    assert_string_equal(wave_at(&w, "pci_ad", d),
                        "xxxxxxxxxxxxxxxx10101011xxxxxxxx");
    assert_string_equal(wave_at(&w, "pci_par", d + 1), "x");
    wave_free(&w);
}

static void test_fact_busy_spans_setup_and_multiplies(void **state)
{
    Fixture *f = *state;
    const uint32_t n = 5;
    EduVcd *vcd;
    uint64_t d;
    uint64_t done;
    Wave w;

    tb_map_bar0_fn(f->host, TB_DEVFN, BAR0, COMMAND);
    vcd = open_vcd(f);
    d = reg_write_at(f->host, BAR0 + EDU_REG_FACT, n);
    host_advance(f->host, 100);
    assert_int_equal(tb_mem_read(f->host, BAR0 + EDU_REG_FACT, 4), 120);
    close_and_parse(f, vcd, &w);

    done = d + EDU_T_FACT_SETUP + n * EDU_T_FACT_MUL;
    assert_int_equal(wave_num(&w, "edu_fact_busy", d - 1), 0);
    assert_int_equal(wave_num(&w, "edu_fact_busy", d), 1);
    assert_int_equal(wave_num(&w, "edu_status", d), EDU_STATUS_COMPUTING);
    assert_int_equal(wave_num(&w, "edu_fact_busy", done - 1), 1);
    assert_int_equal(wave_num(&w, "edu_fact_busy", done), 0);
    assert_int_equal(wave_num(&w, "edu_status", done), 0);
    assert_int_equal(wave_changes(&w, "edu_fact_busy", d - 1, done + 200), 2);
    wave_free(&w);
}

static void test_inta_falls_when_irq_status_becomes_nonzero(void **state)
{
    Fixture *f = *state;
    EduVcd *vcd;
    uint64_t raise;
    uint64_t ack;
    Wave w;

    tb_map_bar0_fn(f->host, TB_DEVFN, BAR0, COMMAND);
    vcd = open_vcd(f);
    raise = reg_write_at(f->host, BAR0 + EDU_REG_IRQ_RAISE, 0x10);
    host_advance(f->host, 20);
    ack = reg_write_at(f->host, BAR0 + EDU_REG_IRQ_ACK, 0x10);
    close_and_parse(f, vcd, &w);

    assert_int_equal(wave_num(&w, "edu_irq_status", raise - 1), 0);
    assert_int_equal(wave_num(&w, "pci_inta_n", raise - 1), 1);
    assert_int_equal(wave_num(&w, "edu_irq_status", raise), 0x10);
    assert_int_equal(wave_num(&w, "pci_inta_n", raise), 0);
    assert_int_equal(wave_num(&w, "pci_inta_n", ack - 1), 0);
    assert_int_equal(wave_num(&w, "edu_irq_status", ack), 0);
    assert_int_equal(wave_num(&w, "pci_inta_n", ack), 1);
    wave_free(&w);
}

static void test_dma_burst_arbitrates_and_carries_ram_data(void **state)
{
    Fixture *f = *state;
    uint8_t pattern[64];
    EduVcd *vcd;
    uint64_t c;
    uint64_t start;
    uint64_t a;
    uint64_t d0;
    Wave w;

    for (unsigned i = 0; i < sizeof(pattern); i++) {
        pattern[i] = (uint8_t)(0x40 + i);
    }
    assert_int_equal(host_ram_write(f->host, RAM_SRC, pattern, sizeof(pattern)),
                     0);
    tb_map_bar0_fn(f->host, TB_DEVFN, BAR0, COMMAND);
    tb_mem_write(f->host, BAR0 + EDU_REG_DMA_SRC, RAM_SRC, 4);
    tb_mem_write(f->host, BAR0 + EDU_REG_DMA_DST, EDU_DMA_BUF_ADDR, 4);
    tb_mem_write(f->host, BAR0 + EDU_REG_DMA_COUNT, sizeof(pattern), 4);
    vcd = open_vcd(f);
    c = host_now(f->host);
    tb_mem_write(f->host, BAR0 + EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN, 4);
    host_advance(f->host, 100);
    close_and_parse(f, vcd, &w);

    /* REQ# once the command has taken effect and the bus is free, GNT#
     * the clock before the address phase, then a 16-beat memory read. */
    start = c + edu_timing_transaction(EDU_T_BAR_WAIT, 1);
    if (data_phase(c, EDU_T_BAR_WAIT) + EDU_T_DMA_START > start) {
        start = data_phase(c, EDU_T_BAR_WAIT) + EDU_T_DMA_START;
    }
    a = start + EDU_T_ARB;
    d0 = data_phase(a, EDU_T_RAM_READ_WAIT);
    assert_int_equal(wave_num(&w, "edu_dma_busy", data_phase(c, 0)), 1);
    assert_int_equal(wave_num(&w, "pci_req_n", start - 1), 1);
    assert_int_equal(wave_num(&w, "pci_req_n", start), 0);
    assert_int_equal(wave_num(&w, "pci_gnt_n", a - 2), 1);
    assert_int_equal(wave_num(&w, "pci_gnt_n", a - 1), 0);
    assert_int_equal(wave_num(&w, "pci_frame_n", a - 1), 1);
    assert_int_equal(wave_num(&w, "pci_frame_n", a), 0);
    assert_int_equal(wave_num(&w, "pci_cbe_n", a), 0x6);
    assert_int_equal(wave_num(&w, "pci_ad", a), RAM_SRC);
    /* A burst: FRAME# stays low until the last transfer. */
    assert_int_equal(wave_num(&w, "pci_frame_n", a + 1), 0);
    /* The host bridge's wait states before the first data. */
    assert_int_equal(wave_num(&w, "pci_trdy_n", d0 - 1), 1);
    assert_int_equal(wave_num(&w, "pci_irdy_n", d0 - 1), 0);
    assert_int_equal(wave_num(&w, "pci_devsel_n", d0 - 1), 0);
    for (unsigned i = 0; i < 16; i++) {
        uint32_t dword = (uint32_t)pattern[4 * i] |
                         (uint32_t)pattern[4 * i + 1] << 8 |
                         (uint32_t)pattern[4 * i + 2] << 16 |
                         (uint32_t)pattern[4 * i + 3] << 24;

        assert_int_equal(wave_num(&w, "pci_trdy_n", d0 + i), 0);
        assert_int_equal(wave_num(&w, "pci_ad", d0 + i), dword);
        assert_int_equal(wave_num(&w, "pci_frame_n", d0 + i), i == 15);
    }
    assert_int_equal(wave_num(&w, "pci_trdy_n", d0 + 16), 1);
    /* RUN clears at the end of the burst. */
    assert_int_equal(wave_num(&w, "edu_dma_busy", d0 + 16), 1);
    assert_int_equal(wave_num(&w, "edu_dma_busy", d0 + 16 + EDU_T_TURNAROUND),
                     0);
    wave_free(&w);
}

static void test_idle_stretch_stops_the_clock(void **state)
{
    Fixture *f = *state;
    const uint64_t idle = 1000000000ull; /* 30 s of PCI clocks */
    EduVcd *vcd = open_vcd(f);
    uint64_t c1;
    struct stat st;
    Wave w;

    tb_cfg_read_fn(f->host, TB_DEVFN, PCI_VENDOR_ID, 4);
    host_advance(f->host, idle);
    c1 = host_now(f->host);
    tb_cfg_read_fn(f->host, TB_DEVFN, PCI_VENDOR_ID, 4);
    close_and_parse(f, vcd, &w);

    assert_int_equal(stat(f->path, &st), 0);
    assert_true(st.st_size < 4096);
    assert_true(wave_changes(&w, "pci_clk", 10, c1 - 10) == 0);
    assert_true(wave_changes(&w, "pci_clk", c1, c1 + 4) == 8);
    assert_int_equal(wave_num(&w, "pci_frame_n", c1), 0);
    /* The file ends at the host's clock. */
    assert_int_equal(w.last_t, host_now(f->host) * host_clock_ns(f->host));
    wave_free(&w);
}

static void test_second_device_has_its_own_scope(void **state)
{
    Fixture *f = *state;
    EduVcd *vcd;
    uint64_t c2;
    uint64_t d;
    Wave w;

    assert_int_equal(host_add_edu(f->host, TB_SLOT + 1, 0, NULL), 0);
    tb_map_bar0_fn(f->host, PCI_DEVFN(TB_SLOT + 1, 0), BAR0, COMMAND);
    vcd = open_vcd(f);
    d = reg_write_at(f->host, BAR0 + EDU_REG_FACT, 3);
    host_advance(f->host, 50);
    c2 = host_now(f->host);
    tb_cfg_read_fn(f->host, PCI_DEVFN(TB_SLOT + 1, 0), PCI_VENDOR_ID, 4);
    close_and_parse(f, vcd, &w);

    assert_true(wave_find(&w, "edu1.edu_status") >= 0);
    assert_int_equal(wave_num(&w, "edu1.edu_fact_busy", d), 1);
    assert_int_equal(wave_num(&w, "edu_fact_busy", d), 0);
    assert_int_equal(wave_num(&w, "edu1.pci_idsel", c2), 1);
    assert_int_equal(wave_num(&w, "pci_idsel", c2), 0);
    wave_free(&w);
}

static void test_msi_and_dma_draw_nothing_late(void **state)
{
    Fixture *f = *state;
    EduVcd *vcd;
    uint64_t msi_at = 0;
    Wave w;

    tb_map_bar0_fn(f->host, TB_DEVFN, BAR0, COMMAND);
    tb_cfg_write_fn(f->host, TB_DEVFN, 0x44, MSI_ADDR, 4);
    tb_cfg_write_fn(f->host, TB_DEVFN, 0x48, 0, 4);
    tb_cfg_write_fn(f->host, TB_DEVFN, 0x4c, MSI_DATA, 4);
    tb_cfg_write_fn(f->host, TB_DEVFN, 0x40,
                    (uint32_t)PCI_MSI_FLAGS_ENABLE << 16, 4);
    vcd = open_vcd(f);
    tb_mem_write(f->host, BAR0 + EDU_REG_STATUS, EDU_STATUS_IRQFACT, 4);
    tb_mem_write(f->host, BAR0 + EDU_REG_DMA_SRC, RAM_SRC + 3, 4);
    tb_mem_write(f->host, BAR0 + EDU_REG_DMA_DST, EDU_DMA_BUF_ADDR, 4);
    tb_mem_write(f->host, BAR0 + EDU_REG_DMA_COUNT, 300, 4);
    tb_mem_write(f->host, BAR0 + EDU_REG_DMA_CMD,
                 EDU_DMA_CMD_RUN | EDU_DMA_CMD_IRQ, 4);
    tb_mem_write(f->host, BAR0 + EDU_REG_FACT, 12, 4);
    for (unsigned i = 0; i < 40; i++) {
        tb_mem_read(f->host, BAR0 + EDU_REG_STATUS, 4);
    }
    host_advance(f->host, 5000);
    tb_mem_write(f->host, BAR0 + EDU_REG_IRQ_RAISE, 0x4, 4);
    host_advance(f->host, 3);
    close_and_parse(f, vcd, &w);

    assert_null(strstr(w.text, "drawn late"));
    /* The MSI messages: bus-master writes of the data to the address. */
    for (size_t i = 0; i < w.n_ch && !msi_at; i++) {
        uint64_t k = w.ch[i].t / w.clock_ns;

        if (!strcmp(w.var[w.ch[i].var].name, "pci_ad") &&
            strtoul(w.ch[i].val, NULL, 2) == MSI_ADDR &&
            wave_num(&w, "pci_frame_n", k) == 0 &&
            wave_num(&w, "pci_req_n", k - EDU_T_ARB) == 0) {
            msi_at = k;
        }
    }
    assert_true(msi_at > 0);
    assert_int_equal(wave_num(&w, "pci_cbe_n", msi_at), 0x7);
    assert_int_equal(
        wave_num(&w, "pci_ad", data_phase(msi_at, EDU_T_RAM_WRITE_WAIT)),
        MSI_DATA);
    assert_int_equal(wave_num(&w, "pci_inta_n", host_now(f->host)), 1);
    wave_free(&w);
}

static void test_close_leaves_no_tmp_file(void **state)
{
    Fixture *f = *state;
    EduVcd *vcd = open_vcd(f);

    assert_true(exists(f->tmp));
    assert_false(exists(f->path));
    tb_cfg_read_fn(f->host, TB_DEVFN, PCI_VENDOR_ID, 4);
    assert_int_equal(edu_vcd_close(vcd), 0);
    assert_true(exists(f->path));
    assert_false(exists(f->tmp));
    /* The hooks are free again: another VCD can be opened. */
    assert_null(host_bus(f->host)->trace);
    assert_null(host_bus(f->host)->note);
    vcd = open_vcd(f);
    assert_int_equal(edu_vcd_close(vcd), 0);
}

static void test_unwritable_path_gives_error_and_no_file(void **state)
{
    Fixture *f = *state;
    char path[160];
    char tmp[168];
    char err[256] = "";

    snprintf(path, sizeof(path), "%s/missing/run.vcd", f->dir);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    errno = 0;
    assert_null(edu_vcd_open(f->host, path, err, sizeof(err)));
    assert_int_equal(errno, ENOENT);
    /* The message names the file the user asked for. */
    assert_non_null(strstr(err, "missing/run.vcd: "));
    assert_false(exists(path));
    assert_false(exists(tmp));
    assert_null(host_bus(f->host)->trace);
    assert_null(host_bus(f->host)->note);
}

static void test_second_open_on_one_host_is_busy(void **state)
{
    Fixture *f = *state;
    EduVcd *vcd = open_vcd(f);
    char path[160];
    char err[256] = "";

    snprintf(path, sizeof(path), "%s/second.vcd", f->dir);
    errno = 0;
    assert_null(edu_vcd_open(f->host, path, err, sizeof(err)));
    assert_int_equal(errno, EBUSY);
    assert_false(exists(path));
    assert_int_equal(edu_vcd_close(vcd), 0);
}

static void test_write_error_is_reported_at_close(void **state)
{
    Fixture *f = *state;
    EduVcd *vcd;

    if (!exists("/dev/full")) {
        skip();
    }
    /* PATH.tmp leads to a device that is always full. */
    assert_int_equal(symlink("/dev/full", f->tmp), 0);
    vcd = open_vcd(f);
    for (unsigned i = 0; i < 100; i++) {
        tb_cfg_read_fn(f->host, TB_DEVFN, PCI_VENDOR_ID, 4);
    }
    assert_int_equal(edu_vcd_close(vcd), -ENOSPC);
    assert_false(exists(f->path));
    assert_false(exists(f->tmp));
}

static void test_rename_failure_is_reported_and_tmp_removed(void **state)
{
    Fixture *f = *state;
    char err[256] = "";
    char tmp[80];
    EduVcd *vcd;

    /* The path is a directory: the file can be written, not renamed. */
    snprintf(tmp, sizeof(tmp), "%s.tmp", f->dir);
    vcd = edu_vcd_open(f->host, f->dir, err, sizeof(err));
    assert_non_null(vcd);
    tb_cfg_read_fn(f->host, TB_DEVFN, PCI_VENDOR_ID, 4);
    assert_true(edu_vcd_close(vcd) < 0);
    assert_false(exists(tmp));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_header_declares_every_design_signal),
        T(test_config_read_address_phase_has_command_and_idsel),
        T(test_master_abort_has_no_devsel),
        T(test_mem_write_data_phase_asserts_irdy_trdy_devsel),
        T(test_byte_write_enables_one_lane),
        T(test_fact_busy_spans_setup_and_multiplies),
        T(test_inta_falls_when_irq_status_becomes_nonzero),
        T(test_dma_burst_arbitrates_and_carries_ram_data),
        T(test_idle_stretch_stops_the_clock),
        T(test_second_device_has_its_own_scope),
        T(test_msi_and_dma_draw_nothing_late),
        T(test_close_leaves_no_tmp_file),
        T(test_unwritable_path_gives_error_and_no_file),
        T(test_second_open_on_one_host_is_busy),
        T(test_write_error_is_reported_at_close),
        T(test_rename_failure_is_reported_and_tmp_removed),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

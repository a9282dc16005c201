/*
 * Shared helpers of the C model's unit tests: a host with one edu at
 * 00:04.0 and a log hook that counts instead of printing, configuration
 * cycles through CF8/CFC, BAR0 mapping, register and RAM access, and
 * polling as a driver does it; a file read whole (what a waveform writer
 * left on disk).
 *
 * Every helper asserts that the API call itself succeeded, so the tests
 * assert only values.  Include this instead of <cmocka.h>.
 */
#ifndef TB_UTIL_H
#define TB_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "edu/host.h"
#include "edu/pci_regs.h"
#include "edu/regs.h"
#include "edu/timing.h"

/* The platform of the QEMU measurements: edu at 00:04.0, BAR0 here. */
#define TB_SLOT 4u
#define TB_DEVFN PCI_DEVFN(TB_SLOT, 0)
#define TB_BAR0 0xe0000000u
/* COMMAND as the measurements program it: memory, bus master, SERR. */
#define TB_COMMAND (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_SERR)
/* RAM addresses the DMA and MSI tests use (inside the 128 MiB). */
#define TB_RAM_A 0x100000u
#define TB_RAM_B 0x200000u
/* Register reads a driver makes before it gives up on a busy bit. */
#define TB_POLL_MAX 10000u

#define TB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

typedef struct Tb {
    Host *host;
    EduDevice *edu;          /* the edu at TB_SLOT */
    unsigned long log_calls; /* messages handed to the log hook */
} Tb;

static inline void tb_log_count(void *opaque, const char *msg)
{
    (void)msg;
    ((Tb *)opaque)->log_calls++;
}

static inline unsigned long tb_guest_errors(Tb *tb)
{
    return host_log(tb->host)->guest_errors;
}

/* --- configuration cycles through CF8/CFC ------------------------------ */

static inline uint32_t tb_cfg_address(unsigned devfn, unsigned off)
{
    return PCI_CONFIG_ENABLE | devfn << 8 | (off & 0xfcu);
}

static inline void tb_outl(Host *host, uint16_t port, uint32_t val)
{
    assert_int_equal(host_io_write(host, port, val, 4), 0);
}

static inline uint32_t tb_in(Host *host, uint16_t port, unsigned size)
{
    uint32_t val = 0;

    assert_int_equal(host_io_read(host, port, size, &val), 0);
    return val;
}

static inline void tb_out(Host *host, uint16_t port, uint32_t val,
                          unsigned size)
{
    assert_int_equal(host_io_write(host, port, val, size), 0);
}

/* A 'size'-byte config read of bus 0 at 'devfn', as a driver issues it. */
static inline uint32_t tb_cfg_read_fn(Host *host, unsigned devfn, unsigned off,
                                      unsigned size)
{
    tb_outl(host, PCI_CONFIG_ADDRESS_PORT, tb_cfg_address(devfn, off));
    return tb_in(host, (uint16_t)(PCI_CONFIG_DATA_PORT + (off & 3)), size);
}

static inline void tb_cfg_write_fn(Host *host, unsigned devfn, unsigned off,
                                   uint32_t val, unsigned size)
{
    tb_outl(host, PCI_CONFIG_ADDRESS_PORT, tb_cfg_address(devfn, off));
    tb_out(host, (uint16_t)(PCI_CONFIG_DATA_PORT + (off & 3)), val, size);
}

static inline uint32_t tb_cfg_read(Tb *tb, unsigned off, unsigned size)
{
    return tb_cfg_read_fn(tb->host, TB_DEVFN, off, size);
}

static inline void tb_cfg_write(Tb *tb, unsigned off, uint32_t val,
                                unsigned size)
{
    tb_cfg_write_fn(tb->host, TB_DEVFN, off, val, size);
}

/* BAR0 of 'devfn' at 'addr', then COMMAND = 'command'. */
static inline void tb_map_bar0_fn(Host *host, unsigned devfn, uint32_t addr,
                                  uint16_t command)
{
    tb_cfg_write_fn(host, devfn, PCI_BASE_ADDRESS_0, addr, 4);
    tb_cfg_write_fn(host, devfn, PCI_COMMAND, command, 2);
}

static inline void tb_set_command(Tb *tb, uint16_t command)
{
    tb_cfg_write(tb, PCI_COMMAND, command, 2);
}

/* STATUS bit 3 as the guest reads it. */
static inline bool tb_cfg_intx_status(Tb *tb)
{
    return tb_cfg_read(tb, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT;
}

/* --- memory ---------------------------------------------------------- */

static inline uint64_t tb_mem_read(Host *host, uint64_t addr, unsigned size)
{
    uint64_t val = 0;

    assert_int_equal(host_mem_read(host, addr, size, &val), 0);
    return val;
}

static inline void tb_mem_write(Host *host, uint64_t addr, uint64_t val,
                                unsigned size)
{
    assert_int_equal(host_mem_write(host, addr, val, size), 0);
}

/* Registers of the edu at TB_BAR0. */
static inline uint64_t tb_bar_read(Tb *tb, uint64_t off, unsigned size)
{
    return tb_mem_read(tb->host, TB_BAR0 + off, size);
}

static inline void tb_bar_write(Tb *tb, uint64_t off, uint64_t val,
                                unsigned size)
{
    tb_mem_write(tb->host, TB_BAR0 + off, val, size);
}

static inline uint32_t tb_readl(Tb *tb, uint64_t off)
{
    return (uint32_t)tb_bar_read(tb, off, 4);
}

static inline uint64_t tb_readq(Tb *tb, uint64_t off)
{
    return tb_bar_read(tb, off, 8);
}

static inline void tb_writel(Tb *tb, uint64_t off, uint32_t val)
{
    tb_bar_write(tb, off, val, 4);
}

static inline void tb_writeq(Tb *tb, uint64_t off, uint64_t val)
{
    tb_bar_write(tb, off, val, 8);
}

/* RAM alone (no bus, no time), little-endian DWORDs. */
static inline uint32_t tb_ram_readl(Tb *tb, uint64_t addr)
{
    uint8_t b[4];

    assert_int_equal(host_ram_read(tb->host, addr, b, sizeof(b)), 0);
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
           (uint32_t)b[3] << 24;
}

static inline void tb_ram_writel(Tb *tb, uint64_t addr, uint32_t val)
{
    uint8_t b[4] = {(uint8_t)val, (uint8_t)(val >> 8), (uint8_t)(val >> 16),
                    (uint8_t)(val >> 24)};

    assert_int_equal(host_ram_write(tb->host, addr, b, sizeof(b)), 0);
}

/* 'len' bytes of 'seed', 'seed' + 1, ... at RAM address 'addr'. */
static inline void tb_ram_pattern(Tb *tb, uint64_t addr, size_t len,
                                  uint8_t seed)
{
    uint8_t *buf = malloc(len);

    assert_non_null(buf);
    for (size_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)(seed + i);
    }
    assert_int_equal(host_ram_write(tb->host, addr, buf, len), 0);
    free(buf);
}

/* Asserts the pattern of tb_ram_pattern() at 'addr'. */
static inline void tb_assert_ram_pattern(Tb *tb, uint64_t addr, size_t len,
                                         uint8_t seed)
{
    uint8_t *buf = malloc(len);

    assert_non_null(buf);
    assert_int_equal(host_ram_read(tb->host, addr, buf, len), 0);
    for (size_t i = 0; i < len; i++) {
        assert_int_equal(buf[i], (uint8_t)(seed + i));
    }
    free(buf);
}

/* The edu's state at the host's clock (devices catch up lazily). */
static inline EduState tb_state_of(Host *host, EduDevice *edu)
{
    EduState st;

    host_sync(host);
    edu_get_state(edu, &st);
    return st;
}

static inline EduState tb_state(Tb *tb)
{
    return tb_state_of(tb->host, tb->edu);
}

/* --- polling, as a driver waits ------------------------------------- */

/* Reads the register at 'reg' until 'bits' read 0 (bounded). */
static inline void tb_poll_clear_at(Host *host, uint64_t reg, uint32_t bits)
{
    for (unsigned i = 0; i < TB_POLL_MAX; i++) {
        if (!(tb_mem_read(host, reg, 4) & bits)) {
            return;
        }
    }
    fail_msg("bits 0x%x at 0x%llx still set after %u reads", bits,
             (unsigned long long)reg, TB_POLL_MAX);
}

static inline void tb_wait_fact_at(Host *host, uint64_t bar)
{
    tb_poll_clear_at(host, bar + EDU_REG_STATUS, EDU_STATUS_COMPUTING);
}

static inline void tb_wait_dma_at(Host *host, uint64_t bar)
{
    tb_poll_clear_at(host, bar + EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN);
}

static inline void tb_wait_fact(Tb *tb)
{
    tb_wait_fact_at(tb->host, TB_BAR0);
}

static inline void tb_wait_dma(Tb *tb)
{
    tb_wait_dma_at(tb->host, TB_BAR0);
}

/* Programs a transfer and writes the command; does not wait. */
static inline void tb_dma_start_at(Host *host, uint64_t bar, uint64_t src,
                                   uint64_t dst, uint64_t count, uint32_t cmd)
{
    tb_mem_write(host, bar + EDU_REG_DMA_SRC, src, 8);
    tb_mem_write(host, bar + EDU_REG_DMA_DST, dst, 8);
    tb_mem_write(host, bar + EDU_REG_DMA_COUNT, count, 8);
    tb_mem_write(host, bar + EDU_REG_DMA_CMD, cmd, 4);
}

static inline void tb_dma_start(Tb *tb, uint64_t src, uint64_t dst,
                                uint64_t count, uint32_t cmd)
{
    tb_dma_start_at(tb->host, TB_BAR0, src, dst, count, cmd);
}

/* A whole transfer: program, start, poll until RUN clears. */
static inline void tb_dma(Tb *tb, uint64_t src, uint64_t dst, uint64_t count,
                          uint32_t cmd)
{
    tb_dma_start(tb, src, dst, count, cmd);
    tb_wait_dma(tb);
}

/* --- fixtures ----------------------------------------------------- */

/* A host with RAM_SIZE_DEFAULT, counting log, edu at 00:04.0, unprogrammed. */
static inline int tb_setup(void **state)
{
    Tb *tb = calloc(1, sizeof(*tb));
    HostConfig cfg = {.log_fn = tb_log_count};

    if (!tb) {
        return -1;
    }
    cfg.log_opaque = tb;
    tb->host = host_create(&cfg);
    if (!tb->host || host_add_edu(tb->host, TB_SLOT, 0, &tb->edu) != 0) {
        host_destroy(tb->host);
        free(tb);
        return -1;
    }
    *state = tb;
    return 0;
}

/* tb_setup, then BAR0 at TB_BAR0 and COMMAND = TB_COMMAND. */
static inline int tb_setup_mapped(void **state)
{
    Tb *tb;

    if (tb_setup(state) != 0) {
        return -1;
    }
    tb = *state;
    tb_map_bar0_fn(tb->host, TB_DEVFN, TB_BAR0, TB_COMMAND);
    return 0;
}

static inline int tb_teardown(void **state)
{
    Tb *tb = *state;

    host_destroy(tb->host);
    free(tb);
    return 0;
}

#define TB_TEST(f) cmocka_unit_test_setup_teardown(f, tb_setup, tb_teardown)
#define TB_TEST_MAPPED(f)                                                      \
    cmocka_unit_test_setup_teardown(f, tb_setup_mapped, tb_teardown)

/* The text of 'path' (not empty), NUL-terminated; the caller frees it. */
static inline char *tb_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text;
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    text = calloc(1, (size_t)n + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return text;
}

#endif /* TB_UTIL_H */

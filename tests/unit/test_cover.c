/*
 * The functional coverage model: the bins a known operation stream hits
 * on the C model (through the recorder), the file's round trip and merge,
 * and the report's holes.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, open_memstream */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cover.h"
#include "cover_platform.h"
#include "driver.h"
#include "edu/pci_regs.h"
#include "edu/regs.h"
#include "lockstep.h"

#define BAR 0xe0000000ull
#define DEVFN PCI_DEVFN(4, 0)

typedef struct Fixture {
    Cover cov;
    EduPlatform *view;
    Lockstep ls;
} Fixture;

static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));
    char err[256];

    assert_non_null(f);
    assert_int_equal(cover_init(&f->cov), 0);
    f->view = cover_platform_wrap(
        edu_cmodel_platform_ops.create(NULL, err, sizeof(err)), &f->cov, NULL);
    assert_non_null(f->view);
    assert_int_equal(lockstep_init(&f->ls, &f->view, 1), 0);
    /* BAR0 at BAR, memory and bus master on. */
    drv_cfg_write(&f->ls, DEVFN, PCI_BASE_ADDRESS_0, (uint32_t)BAR, 4);
    drv_cfg_write(&f->ls, DEVFN, PCI_COMMAND,
                  PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;

    lockstep_fini(&f->ls);
    f->view->ops->destroy(f->view);
    cover_fini(&f->cov);
    free(f);
    return 0;
}

static unsigned long hits(const Cover *c, CoverGroup g, unsigned a, unsigned b,
                          unsigned d)
{
    int i = cover_index(c, g, a, b, d);

    assert_true(i >= 0);
    return c->hits[i];
}

static void test_config_and_register_accesses_hit_their_bins(void **state)
{
    Fixture *f = *state;

    /* setup: BAR0 written (4 bytes at 0x10), COMMAND (2 bytes at 0x04) */
    assert_int_equal(hits(&f->cov, COV_CFG, 0x10, 2, COV_WRITE), 1);
    assert_int_equal(hits(&f->cov, COV_CFG, 0x04, 1, COV_WRITE), 1);
    assert_int_equal(hits(&f->cov, COV_CFG, 0x04, 1, COV_READ), 0);
    drv_write(&f->ls, BAR + EDU_REG_LIVENESS, 0x1234, 4);
    drv_read(&f->ls, BAR + EDU_REG_LIVENESS, 4);
    drv_read(&f->ls, BAR + 0x40010, 8);
    drv_read(&f->ls, BAR + 0x84, 8);
    assert_int_equal(hits(&f->cov, COV_BAR0, COV_CLS_LIVENESS, 2, COV_WRITE),
                     1);
    assert_int_equal(hits(&f->cov, COV_BAR0, COV_CLS_LIVENESS, 2, COV_READ), 1);
    assert_int_equal(hits(&f->cov, COV_BAR0, COV_CLS_BUFFER, 3, COV_READ), 1);
    assert_int_equal(hits(&f->cov, COV_BAR0, COV_CLS_UNLISTED, 3, COV_READ), 1);
    assert_int_equal(hits(&f->cov, COV_BAR_MAP, COV_MAP_DECODE_ON, 0, 0), 4);
    /* Sizing: all ones, then the read that answers the size. */
    drv_cfg_write(&f->ls, DEVFN, PCI_BASE_ADDRESS_0, 0xffffffffu, 4);
    assert_int_equal(hits(&f->cov, COV_BAR_MAP, COV_MAP_SIZED, 0, 0), 0);
    drv_cfg_read(&f->ls, DEVFN, PCI_BASE_ADDRESS_0, 4);
    assert_int_equal(hits(&f->cov, COV_BAR_MAP, COV_MAP_SIZED, 0, 0), 1);
}

static void test_factorial_bins_need_the_driver_to_see_completion(void **st)
{
    Fixture *f = *st;

    drv_write(&f->ls, BAR + EDU_REG_STATUS, EDU_STATUS_IRQFACT, 4);
    drv_write(&f->ls, BAR + EDU_REG_FACT, 13, 4);
    assert_int_equal(hits(&f->cov, COV_FACT_OP, COV_FOP_13, 0, 0), 1);
    drv_advance(&f->ls, 10000);
    /* Done, but nobody looked yet. */
    assert_int_equal(hits(&f->cov, COV_FACT_DONE, 1, 0, 0), 0);
    drv_read(&f->ls, BAR + EDU_REG_STATUS, 4);
    assert_int_equal(hits(&f->cov, COV_FACT_DONE, 1, 0, 0), 1);
    assert_int_equal(
        hits(&f->cov, COV_IRQ_MODE, COV_MODE_INTX, COV_SRC_FACT, 0), 1);
    /* An operand while a long one computes: ignored, seen as busy. */
    drv_write(&f->ls, BAR + EDU_REG_FACT, 1000, 4);
    drv_write(&f->ls, BAR + EDU_REG_FACT, 3, 4);
    drv_read(&f->ls, BAR + EDU_REG_STATUS, 4);
    assert_int_equal(hits(&f->cov, COV_FACT_BUSY, 0, 0, 0), 1);
    assert_int_equal(hits(&f->cov, COV_FACT_OP, COV_FOP_34_UP, 0, 0), 1);
    assert_int_equal(hits(&f->cov, COV_FACT_OP, COV_FOP_2_11, 0, 0), 0);
}

static void test_dma_start_is_classified_from_its_registers(void **state)
{
    Fixture *f = *state;

    drv_write(&f->ls, BAR + EDU_REG_DMA_SRC, EDU_DMA_BUF_ADDR, 8);
    drv_write(&f->ls, BAR + EDU_REG_DMA_DST, 0x100003, 8);
    drv_write(&f->ls, BAR + EDU_REG_DMA_COUNT, 4096, 4);
    drv_write(&f->ls, BAR + EDU_REG_DMA_CMD,
              EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM | EDU_DMA_CMD_IRQ, 4);
    assert_int_equal(hits(&f->cov, COV_DMA_COUNT, 1, COV_CNT_4096, 0), 1);
    assert_int_equal(hits(&f->cov, COV_DMA_POS, 1, COV_POS_END_EXACT, 0), 1);
    assert_int_equal(hits(&f->cov, COV_DMA_ALIGN, 1, 3, 0), 1);
    assert_int_equal(hits(&f->cov, COV_DMA_ABOVE, 1, 0, 0), 1);
    assert_int_equal(hits(&f->cov, COV_DMA_MASK, 1, 0, 0), 1);
    assert_int_equal(hits(&f->cov, COV_DMA_IRQ, 1, 1, 0), 1);
    assert_int_equal(hits(&f->cov, COV_DMA_MASTER, 1, 1, 0), 1);
    /* Written while it runs, and RUN seen set after: busy. */
    drv_write(&f->ls, BAR + EDU_REG_DMA_COUNT, 1, 4);
    drv_read(&f->ls, BAR + EDU_REG_DMA_CMD, 4);
    assert_int_equal(hits(&f->cov, COV_DMA_BUSY, COV_BUSY_COUNT, 0, 0), 1);
    drv_wait(&f->ls, BAR + EDU_REG_DMA_CMD, 4, EDU_DMA_CMD_RUN, 0,
             1000000000ull, NULL);
    assert_int_equal(hits(&f->cov, COV_IRQ_MODE, COV_MODE_INTX, COV_SRC_DMA, 0),
                     1);
}

static void test_interrupt_bits_raise_ack_and_pin(void **state)
{
    Fixture *f = *state;

    drv_write(&f->ls, BAR + EDU_REG_IRQ_RAISE, 0x80000001u, 4);
    assert_int_equal(hits(&f->cov, COV_IRQ_RAISE, 31, 0, 0), 1);
    assert_int_equal(hits(&f->cov, COV_IRQ_RAISE, 0, 0, 0), 1);
    assert_int_equal(hits(&f->cov, COV_IRQ_RAISE, 1, 0, 0), 0);
    assert_int_equal(hits(&f->cov, COV_INTX, COV_INTX_PIN_ASSERTED, 0, 0), 1);
    /* Only pending bits count as acknowledged. */
    drv_write(&f->ls, BAR + EDU_REG_IRQ_ACK, 0xffffffffu, 4);
    assert_int_equal(hits(&f->cov, COV_IRQ_ACK, 31, 0, 0), 1);
    assert_int_equal(hits(&f->cov, COV_IRQ_ACK, 5, 0, 0), 0);
    assert_int_equal(hits(&f->cov, COV_INTX, COV_INTX_PIN_RELEASED, 0, 0), 1);
}

static char *tmp_path(void)
{
    char *path = strdup("/tmp/test_cover_XXXXXX");
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    close(fd);
    return path;
}

static void test_files_merge_by_adding_counts(void **state)
{
    Cover a, b;
    char *p1 = tmp_path(), *p2 = tmp_path();
    char err[256];
    FILE *f;

    (void)state;
    assert_int_equal(cover_init(&a), 0);
    cover_hit(&a, COV_IRQ_RAISE, 3, 0, 0);
    cover_hit(&a, COV_IRQ_RAISE, 3, 0, 0);
    cover_hit(&a, COV_DMA_POS, 0, COV_POS_WRAPPING, 0);
    assert_int_equal(cover_save(&a, p1), 0);
    assert_int_equal(cover_save(&a, p2), 0);
    assert_int_equal(cover_init(&b), 0);
    assert_int_equal(cover_load(&b, p1, err, sizeof(err)), 0);
    assert_int_equal(cover_load(&b, p2, err, sizeof(err)), 0);
    assert_int_equal(hits(&b, COV_IRQ_RAISE, 3, 0, 0), 4);
    assert_int_equal(hits(&b, COV_DMA_POS, 0, COV_POS_WRAPPING, 0), 2);
    assert_int_equal(cover_hit_bins(&b), 2);
    /* A bin the model does not have is an error that names it. */
    f = fopen(p2, "a");
    assert_non_null(f);
    fputs("1 irq-raise:32\n", f);
    fclose(f);
    assert_int_equal(cover_load(&b, p2, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "unknown bin 'irq-raise:32'"));
    cover_fini(&a);
    cover_fini(&b);
    unlink(p1);
    unlink(p2);
    free(p1);
    free(p2);
}

static void test_report_puts_holes_first(void **state)
{
    Cover c;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    (void)state;
    assert_int_equal(cover_init(&c), 0);
    for (unsigned i = 0; i < c.n; i++) {
        c.hits[i] = 1;
    }
    c.hits[cover_index(&c, COV_MSI, 1, 0, 0)] = 0;
    cover_report_text(&c, f);
    fclose(f);
    /* The incomplete group's line comes first, right after the header. */
    assert_non_null(strstr(text, "\nmsi "));
    assert_true(strstr(text, "\nmsi ") < strstr(text, "\nbar0 "));
    assert_non_null(strstr(text, "holes (1):\n  msi:enabled\n"));
    free(text);
    cover_fini(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_config_and_register_accesses_hit_their_bins, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_factorial_bins_need_the_driver_to_see_completion, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_dma_start_is_classified_from_its_registers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interrupt_bits_raise_ack_and_pin,
                                        setup, teardown),
        cmocka_unit_test(test_files_merge_by_adding_counts),
        cmocka_unit_test(test_report_puts_holes_first),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * EduPlatformConfig.ram on every simulated view: the view's RAM is the
 * caller's memory (edu-tb serve puts a guest's there).  The device's DMA
 * reads and writes it directly, RAM access sees it, the view never unmaps
 * it, and a configuration without its size is refused.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "backend.h"
#include "edu/pci_regs.h"
#include "edu/regs.h"

#define RAM_SIZE (1u << 20)
#define BAR0 0xe0000000u
#define CF8(off) (PCI_CONFIG_ENABLE | (4u << 11) | (off))

static const char *const views[] = {"cmodel", "tlm", "rtl", "rtl-stress"};

static void cfg_write(EduPlatform *p, unsigned off, uint32_t val)
{
    assert_int_equal(p->ops->io_write(p, PCI_CONFIG_ADDRESS_PORT, CF8(off), 4),
                     0);
    assert_int_equal(p->ops->io_write(p, PCI_CONFIG_DATA_PORT, val, 4), 0);
}

static void writeq(EduPlatform *p, unsigned off, uint64_t val)
{
    assert_int_equal(p->ops->mem_write(p, BAR0 + off, val, 8), 0);
}

/* Until the DMA's RUN bit is clear, time moving to each next event. */
static void dma_wait(EduPlatform *p)
{
    for (unsigned i = 0; i < 1000; i++) {
        uint64_t cmd, at;

        assert_int_equal(p->ops->mem_read(p, BAR0 + EDU_REG_DMA_CMD, 8, &cmd),
                         0);
        if (!(cmd & EDU_DMA_CMD_RUN)) {
            return;
        }
        if (p->ops->next_event_ns(p, &at) == 0) {
            uint64_t now = p->ops->now_ns(p);

            assert_int_equal(p->ops->advance(p, at > now ? at - now : 1), 0);
        }
    }
    fail_msg("the DMA never ended");
}

static void test_dma_reads_and_writes_the_callers_ram(void **state)
{
    uint8_t want[64];

    (void)state;
    for (unsigned i = 0; i < sizeof(want); i++) {
        want[i] = (uint8_t)(i * 7 + 1);
    }
    for (size_t v = 0; v < sizeof(views) / sizeof(views[0]); v++) {
        uint8_t *ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        EduPlatformConfig cfg = {
            .ram_size = RAM_SIZE, .ram = ram, .quiet = true};
        uint8_t got[64];
        char err[256];
        EduPlatform *p;

        assert_ptr_not_equal(ram, MAP_FAILED);
        memcpy(ram + 0x1000, want, sizeof(want));
        p = backend_open(views[v], &cfg, err, sizeof(err));
        assert_non_null(p);
        cfg_write(p, PCI_BASE_ADDRESS_0, BAR0);
        cfg_write(p, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
        /* RAM -> the device's buffer -> RAM elsewhere. */
        writeq(p, EDU_REG_DMA_SRC, 0x1000);
        writeq(p, EDU_REG_DMA_DST, EDU_DMA_BUF_ADDR);
        writeq(p, EDU_REG_DMA_COUNT, sizeof(want));
        writeq(p, EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN);
        dma_wait(p);
        writeq(p, EDU_REG_DMA_SRC, EDU_DMA_BUF_ADDR);
        writeq(p, EDU_REG_DMA_DST, 0x3000);
        writeq(p, EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN | EDU_DMA_CMD_TO_RAM);
        dma_wait(p);
        assert_memory_equal(ram + 0x3000, want, sizeof(want));
        /* RAM access is the same memory. */
        ram[0x5000] = 0x5a;
        assert_int_equal(p->ops->ram_read(p, 0x5000, got, 1), 0);
        assert_int_equal(got[0], 0x5a);
        assert_int_equal(p->ops->ram_write(p, 0x5001, "\xa5", 1), 0);
        assert_int_equal(ram[0x5001], 0xa5);
        backend_close(p);
        /* Still mapped: the view left it alone. */
        ram[0] = 1;
        assert_int_equal(munmap(ram, RAM_SIZE), 0);
    }
}

static void test_external_ram_needs_whole_pages_and_its_size(void **state)
{
    static uint8_t buf[8192] __attribute__((aligned(4096)));
    EduPlatformConfig no_size = {.ram = buf};
    EduPlatformConfig odd = {.ram = buf + 1, .ram_size = 4096};
    EduPlatformConfig out;
    char err[256];

    (void)state;
    assert_int_equal(
        edu_platform_config_resolve(&no_size, &out, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "external RAM without its size");
    assert_int_equal(edu_platform_config_resolve(&odd, &out, err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "external RAM is not whole pages");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dma_reads_and_writes_the_callers_ram),
        cmocka_unit_test(test_external_ram_needs_whole_pages_and_its_size),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Writes rtl's edu_regs_pkg.sv and pci_regs_pkg.sv from the C headers that
 * define the names, c-model/include/edu/regs.h and pci_regs.h, so that
 * every register offset, bit and identity value lives in one place: the
 * build runs this and the RTL imports the packages, with the C spelling.
 *
 *   edu-regs-pkg-gen EDU_REGS_PKG.sv PCI_REGS_PKG.sv
 *
 * The lists below say which of the headers' names the RTL uses and how
 * wide it uses them; the values come from the headers only.  A name the
 * RTL stops using is dropped here (verilator -Wall reports it).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "edu/pci_regs.h"
#include "edu/regs.h"

/* X(name, bits): logic [bits-1:0], or int for 0 bits. */
#define EDU_REGS_SV(X)                                                         \
    X(EDU_VENDOR_ID, 16)                                                       \
    X(EDU_DEVICE_ID, 16)                                                       \
    X(EDU_REVISION, 8)                                                         \
    X(EDU_CLASS_CODE, 24)                                                      \
    X(EDU_SUBSYS_VENDOR_ID, 16)                                                \
    X(EDU_SUBSYS_ID, 16)                                                       \
    X(EDU_INTERRUPT_PIN, 8)                                                    \
    X(EDU_MSI_CAP_OFFSET, 8)                                                   \
    X(EDU_REG_ID, 20)                                                          \
    X(EDU_REG_LIVENESS, 20)                                                    \
    X(EDU_REG_FACT, 20)                                                        \
    X(EDU_REG_STATUS, 20)                                                      \
    X(EDU_REG_IRQ_STATUS, 20)                                                  \
    X(EDU_REG_IRQ_RAISE, 20)                                                   \
    X(EDU_REG_IRQ_ACK, 20)                                                     \
    X(EDU_REG_DMA_SRC, 20)                                                     \
    X(EDU_REG_DMA_DST, 20)                                                     \
    X(EDU_REG_DMA_COUNT, 20)                                                   \
    X(EDU_REG_DMA_CMD, 20)                                                     \
    X(EDU_REG_WIDE_BASE, 20)                                                   \
    X(EDU_ID_VALUE, 32)                                                        \
    X(EDU_STATUS_COMPUTING, 32)                                                \
    X(EDU_STATUS_IRQFACT, 32)                                                  \
    X(EDU_IRQ_FACT, 32)                                                        \
    X(EDU_IRQ_DMA, 32)                                                         \
    X(EDU_DMA_CMD_RUN, 64)                                                     \
    X(EDU_DMA_CMD_TO_RAM, 64)                                                  \
    X(EDU_DMA_CMD_IRQ, 64)                                                     \
    X(EDU_DMA_BUF_ADDR, 64)                                                    \
    X(EDU_DMA_BUF_SIZE, 64)

#define PCI_REGS_SV(X)                                                         \
    X(PCI_CONFIG_SIZE, 0)                                                      \
    X(PCI_VENDOR_ID, 8)                                                        \
    X(PCI_COMMAND, 8)                                                          \
    X(PCI_REVISION_ID, 8)                                                      \
    X(PCI_CACHE_LINE_SIZE, 8)                                                  \
    X(PCI_BASE_ADDRESS_0, 8)                                                   \
    X(PCI_SUBSYSTEM_VENDOR_ID, 8)                                              \
    X(PCI_CAPABILITY_LIST, 8)                                                  \
    X(PCI_INTERRUPT_LINE, 8)                                                   \
    X(PCI_COMMAND_IO, 16)                                                      \
    X(PCI_COMMAND_MEMORY, 16)                                                  \
    X(PCI_COMMAND_MASTER, 16)                                                  \
    X(PCI_COMMAND_SERR, 16)                                                    \
    X(PCI_COMMAND_INTX_DISABLE, 16)                                            \
    X(PCI_STATUS_INTERRUPT, 16)                                                \
    X(PCI_STATUS_CAP_LIST, 16)                                                 \
    X(PCI_CAP_ID_MSI, 8)                                                       \
    X(PCI_MSI_ADDRESS_LO, 8)                                                   \
    X(PCI_MSI_ADDRESS_HI, 8)                                                   \
    X(PCI_MSI_DATA_64, 8)                                                      \
    X(PCI_MSI_SIZEOF_64, 8)                                                    \
    X(PCI_MSI_FLAGS_ENABLE, 16)                                                \
    X(PCI_MSI_FLAGS_QSIZE, 16)                                                 \
    X(PCI_MSI_FLAGS_64BIT, 16)                                                 \
    X(PCI_CMD_MEM_READ, 4)                                                     \
    X(PCI_CMD_MEM_WRITE, 4)                                                    \
    X(PCI_CMD_CONFIG_READ, 4)                                                  \
    X(PCI_CMD_CONFIG_WRITE, 4)                                                 \
    X(PCI_CMD_MEM_READ_MUL, 4)                                                 \
    X(PCI_CMD_DAC, 4)                                                          \
    X(PCI_CMD_MEM_READ_LINE, 4)                                                \
    X(PCI_CMD_MEM_WRITE_INV, 4)

typedef struct SvName {
    const char *name;
    uint64_t value;
    unsigned bits;
} SvName;

#define EDU_SV_NAME(name, bits) {#name, (uint64_t)(name), (bits)},
static const SvName edu_regs_sv[] = {EDU_REGS_SV(EDU_SV_NAME)};
static const SvName pci_regs_sv[] = {PCI_REGS_SV(EDU_SV_NAME)};
#undef EDU_SV_NAME

/* What the RTL can be built for: its ports and memories have the widths
 * of this device. */
static const char *edu_regs_unbuildable(void)
{
    if (EDU_BAR0_SIZE != 0x100000u) {
        return "BAR0 must be 1 MiB (the RTL decodes address bits 31:20 "
               "and the register offsets in 19:0)";
    }
    if (PCI_CONFIG_SIZE != 256) {
        return "the configuration space must be 256 bytes (AD[7:2])";
    }
    if (EDU_MSI_CAP_OFFSET != PCI_HEADER_END) {
        return "the MSI capability must follow the header (the RTL's "
               "device-specific storage starts after it)";
    }
    if (EDU_DMA_BUF_SIZE != 4096u) {
        return "the DMA buffer must be 4 KiB (four banks of 1024 bytes)";
    }
    return NULL;
}

static int edu_regs_write_pkg(const char *path, const char *pkg,
                              const char *header, const SvName *names,
                              size_t count)
{
    FILE *f = fopen(path, "w");
    size_t i;

    if (!f) {
        fprintf(stderr, "edu-regs-pkg-gen: %s: %s\n", path, strerror(errno));
        return -1;
    }
    fprintf(f,
            "// %s as a SystemVerilog package, with the same names.\n"
            "//\n"
            "// GENERATED by edu-regs-pkg-gen (rtl/tools/) from\n"
            "// c-model/include/edu/%s at build time: edit the names there, "
            "never this\n"
            "// file.  docs/registers.md explains every register and bit.\n"
            "\n"
            "`default_nettype none\n"
            "\n"
            "package %s;\n\n",
            header, header, pkg);
    for (i = 0; i < count; i++) {
        const SvName *n = &names[i];

        if (n->bits == 0) {
            if (n->value > INT32_MAX) {
                fprintf(stderr, "edu-regs-pkg-gen: %s does not fit an int\n",
                        n->name);
                fclose(f);
                remove(path);
                return -1;
            }
            fprintf(f, "  localparam int %s = %" PRIu64 ";\n", n->name,
                    n->value);
            continue;
        }
        if (n->bits < 64 && n->value >> n->bits) {
            fprintf(stderr, "edu-regs-pkg-gen: %s does not fit %u bits\n",
                    n->name, n->bits);
            fclose(f);
            remove(path);
            return -1;
        }
        fprintf(f, "  localparam logic [%u:0] %s = %u'h%" PRIx64 ";\n",
                n->bits - 1, n->name, n->bits, n->value);
    }
    fputs("\nendpackage\n", f);
    if (fclose(f) != 0) {
        fprintf(stderr, "edu-regs-pkg-gen: %s: write failed\n", path);
        remove(path);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *why = edu_regs_unbuildable();

    if (argc != 3) {
        fprintf(stderr, "usage: %s EDU_REGS_PKG.sv PCI_REGS_PKG.sv\n", argv[0]);
        return 2;
    }
    if (why) {
        fprintf(stderr, "%s: the register map cannot be built in RTL: %s\n",
                argv[0], why);
        return 1;
    }
    if (edu_regs_write_pkg(argv[1], "edu_regs_pkg", "regs.h", edu_regs_sv,
                           sizeof(edu_regs_sv) / sizeof(edu_regs_sv[0])) ||
        edu_regs_write_pkg(argv[2], "pci_regs_pkg", "pci_regs.h", pci_regs_sv,
                           sizeof(pci_regs_sv) / sizeof(pci_regs_sv[0]))) {
        return 1;
    }
    return 0;
}

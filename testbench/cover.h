/*
 * Functional coverage: the bins of the edu device as a driver exercises
 * it, counted from what a session sends to a view and what the view
 * answers (cover_platform.h records them), kept in a text file that any
 * number of sessions add to, merged, and reported (docs/coverage.md).
 *
 * A bin is a point of a coverpoint or of a cross: COV_BAR0 is BAR0 offset
 * class x access size x direction, COV_DMA_POS is DMA direction x
 * buffer-side position, and so on.  Every bin has a stable name, made of
 * the group's name and one label per dimension ("bar0:FACT:4:write"); the
 * file stores counts by name.
 */
#ifndef EDU_TB_COVER_H
#define EDU_TB_COVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The groups, in report order.  cover.c's table gives each its name,
 * its dimensions and their labels. */
typedef enum CoverGroup {
    COV_BAR0,       /* offset class x size x read/write */
    COV_CFG,        /* configuration byte x size x read/write */
    COV_BAR_MAP,    /* BAR0 sized, moved, decode on, decode off */
    COV_FACT_OP,    /* factorial operand class */
    COV_FACT_DONE,  /* STATUS.IRQFACT off/on when completion is seen */
    COV_FACT_BUSY,  /* an operand written while computing */
    COV_IRQ_RAISE,  /* IRQ_RAISE with bit i */
    COV_IRQ_ACK,    /* IRQ_ACK of pending bit i */
    COV_IRQ_MODE,   /* interrupt mode x source */
    COV_INTX,       /* INTx level and pin with INTx disable off/on */
    COV_MSI,        /* MSI switched on, off */
    COV_MSI_MASTER, /* an MSI-mode interrupt with bus master on/off */
    COV_DMA_MASTER, /* direction x bus master at the start */
    COV_DMA_COUNT,  /* direction x count class */
    COV_DMA_ALIGN,  /* direction x RAM-side alignment */
    COV_DMA_POS,    /* direction x buffer-side position */
    COV_DMA_ABOVE,  /* direction x RAM address below/above dma_mask */
    COV_DMA_MASK,   /* direction x default/non-default dma_mask */
    COV_DMA_IRQ,    /* direction x IRQ flag */
    COV_DMA_BUSY,   /* SRC, DST, COUNT, CMD written while a DMA runs */
    COV_N_GROUPS
} CoverGroup;

#define COVER_MAX_DIMS 3

/* Labels of the dimensions, for the code that aims at a bin. */
enum {
    COV_READ = 0,
    COV_WRITE = 1,
    /* BAR0 offset classes */
    COV_CLS_ID = 0,
    COV_CLS_LIVENESS,
    COV_CLS_FACT,
    COV_CLS_STATUS,
    COV_CLS_IRQ_STATUS,
    COV_CLS_IRQ_RAISE,
    COV_CLS_IRQ_ACK,
    COV_CLS_DMA_SRC,
    COV_CLS_DMA_DST,
    COV_CLS_DMA_COUNT,
    COV_CLS_DMA_CMD,
    COV_CLS_UNLISTED,
    COV_CLS_BUFFER,
    COV_N_CLASSES,
    /* COV_BAR_MAP */
    COV_MAP_SIZED = 0,
    COV_MAP_MOVED,
    COV_MAP_DECODE_ON,
    COV_MAP_DECODE_OFF_WRITE,
    COV_MAP_DECODE_OFF_READ,
    /* COV_FACT_OP */
    COV_FOP_0 = 0,
    COV_FOP_1,
    COV_FOP_2_11,
    COV_FOP_12,
    COV_FOP_13,
    COV_FOP_14_33,
    COV_FOP_34_UP,
    /* COV_IRQ_MODE: mode x source */
    COV_MODE_INTX = 0,
    COV_MODE_INTX_DISABLED,
    COV_MODE_MSI,
    COV_SRC_RAISE = 0,
    COV_SRC_FACT,
    COV_SRC_DMA,
    /* COV_INTX */
    COV_INTX_LEVEL_ENABLED = 0,
    COV_INTX_LEVEL_DISABLED,
    COV_INTX_PIN_ASSERTED,
    COV_INTX_PIN_RELEASED,
    /* DMA counts */
    COV_CNT_0 = 0,
    COV_CNT_1,
    COV_CNT_4,
    COV_CNT_63,
    COV_CNT_64,
    COV_CNT_65,
    COV_CNT_4095,
    COV_CNT_4096,
    COV_CNT_OTHER,
    COV_N_COUNTS,
    /* DMA buffer-side positions */
    COV_POS_START = 0,
    COV_POS_INSIDE,
    COV_POS_END_EXACT,
    COV_POS_BEYOND,
    COV_POS_WRAPPING,
    COV_N_POS,
    /* DMA_BUSY */
    COV_BUSY_SRC = 0,
    COV_BUSY_DST,
    COV_BUSY_COUNT,
    COV_BUSY_CMD,
};

typedef struct Cover {
    unsigned n;                      /* bins */
    unsigned long *hits;             /* n counts */
    char **names;                    /* n names */
    unsigned base[COV_N_GROUPS + 1]; /* first bin of each group; [G] = n */
} Cover;

/* A bin by its group and coordinates. */
typedef struct CoverPoint {
    CoverGroup group;
    unsigned at[COVER_MAX_DIMS];
} CoverPoint;

/* 0, or -ENOMEM. */
int cover_init(Cover *c);
void cover_fini(Cover *c);

/* Counts one hit of a bin (coordinates outside the group: ignored). */
void cover_hit(Cover *c, CoverGroup g, unsigned a, unsigned b, unsigned d);
/* The bin's index, or -1 when the coordinates are outside the group. */
int cover_index(const Cover *c, CoverGroup g, unsigned a, unsigned b,
                unsigned d);
/* The coordinates of bin i. */
void cover_point(const Cover *c, unsigned i, CoverPoint *pt);
/* The class of a BAR0 offset (COV_CLS_*). */
unsigned cover_bar0_class(uint64_t off);

unsigned cover_hit_bins(const Cover *c);
/* The k-th bin not hit yet (k taken modulo their number); -1 when all are. */
int cover_hole(const Cover *c, uint64_t k);

/* Adds the counts of FILE (the format of docs/coverage.md) to c.  0, or
 * a negative errno with a one-line reason in err (-ENOENT: no file). */
int cover_load(Cover *c, const char *path, char *err, size_t errlen);
/* Writes c to FILE (whole or not at all).  0 or a negative errno. */
int cover_save(const Cover *c, const char *path);

/* The text report: the groups with their percentages, incomplete groups
 * first, then every hole by name. */
void cover_report_text(const Cover *c, FILE *out);
/* The same as an HTML page. */
void cover_report_html(const Cover *c, FILE *out, const char *title);

/*
 * --coverage FILE of run, compare and qtest: cover_init, then FILE's
 * counts when it exists (a session adds to it), after checking that FILE
 * can be written.  0, or 1 after saying what is wrong on stderr
 * ("edu-tb CMD: --coverage: ...").  cover_session_end writes FILE and
 * frees c: 0, or 1 after saying why not.
 */
int cover_session_start(Cover *c, const char *cmd, const char *path);
int cover_session_end(Cover *c, const char *cmd, const char *path);

/* edu-tb cover merge|report */
int cover_main(int argc, char **argv);
void cover_help(FILE *f);

#endif /* EDU_TB_COVER_H */

/*
 * edu-tb cover: merge coverage files, report one (docs/coverage.md).
 *
 *   edu-tb cover merge OUT IN...
 *   edu-tb cover report FILE [--html OUT.html]
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cover.h"
#include "output.h"

#define COVER_MAX_FILES 256

typedef struct CoverArgs {
    const char *html;
    const char *file[COVER_MAX_FILES];
    unsigned n;
} CoverArgs;

void cover_help(FILE *f)
{
    fputs("usage: edu-tb cover merge OUT IN...\n"
          "       edu-tb cover report FILE [--html OUT.html]\n"
          "\n"
          "Functional coverage files, as edu-tb run, compare and qtest "
          "write them with\n"
          "--coverage FILE.\n"
          "\n"
          "  merge   adds the counts of every IN and writes them to OUT "
          "(OUT may be\n"
          "          one of the IN)\n"
          "  report  a table of FILE's groups, incomplete ones first, with "
          "their\n"
          "          percentages, then every bin not hit yet\n"
          "\n"
          "options:\n"
          "  --html OUT.html  report: also write the report as an HTML "
          "page\n"
          "  -h, --help       this help\n"
          "\n"
          "Exit status: 0, 1 when a file cannot be read or written, 2 for "
          "bad usage.\n"
          "See docs/coverage.md.\n",
          f);
}

static const CliCommand cover_cli;

static int cover_set_html(void *opts, const char *v)
{
    if (!*v) {
        return cli_usage(&cover_cli, "%s", "--html needs a file name");
    }
    ((CoverArgs *)opts)->html = v;
    return 0;
}

static int cover_operand(void *opts, const char *v)
{
    CoverArgs *a = opts;

    if (a->n == COVER_MAX_FILES) {
        return cli_usage(&cover_cli, "more than %d files", COVER_MAX_FILES - 1);
    }
    a->file[a->n++] = v;
    return 0;
}

static const CliOption cover_options[] = {
    CLI_VALUE("html", cover_set_html),
};

static const CliCommand cover_cli = {
    .name = "cover",
    CLI_OPTIONS(cover_options),
    .help = cover_help,
    .operand = cover_operand,
};

static int cover_load_all(Cover *c, const char *const *files, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        char err[512];

        if (cover_load(c, files[i], err, sizeof(err)) < 0) {
            fprintf(stderr, "edu-tb cover: %s\n", err);
            return 1;
        }
    }
    return 0;
}

static int cover_merge(const CoverArgs *a)
{
    Cover c;
    int rc;

    if (a->n < 3) {
        return cli_usage(&cover_cli, "%s", "merge needs OUT and an IN");
    }
    if (a->html) {
        return cli_usage(&cover_cli, "%s", "--html is for report");
    }
    if (cover_init(&c) < 0) {
        fprintf(stderr, "edu-tb cover: out of memory\n");
        return 1;
    }
    rc = cover_load_all(&c, a->file + 2, a->n - 2);
    if (rc == 0 && cover_save(&c, a->file[1]) < 0) {
        fprintf(stderr, "edu-tb cover: writing %s: %s\n", a->file[1],
                strerror(errno));
        rc = 1;
    }
    if (rc == 0) {
        printf("%s: %u of %u bins hit (%.1f %%)\n", a->file[1],
               cover_hit_bins(&c), c.n, 100.0 * cover_hit_bins(&c) / c.n);
    }
    cover_fini(&c);
    return rc;
}

static int cover_report(const CoverArgs *a)
{
    Cover c;
    int rc;

    if (a->n != 2) {
        return cli_usage(&cover_cli, "%s", "report takes one FILE");
    }
    if (cover_init(&c) < 0) {
        fprintf(stderr, "edu-tb cover: out of memory\n");
        return 1;
    }
    rc = cover_load_all(&c, a->file + 1, 1);
    if (rc == 0) {
        cover_report_text(&c, stdout);
    }
    if (rc == 0 && a->html) {
        OutputFile out;

        if (output_open(&out, a->html) < 0) {
            fprintf(stderr, "edu-tb cover: writing %s: %s\n", a->html,
                    strerror(errno));
            rc = 1;
        } else {
            cover_report_html(&c, out.f, a->file[1]);
            rc = output_close(&out, true) < 0;
        }
    }
    cover_fini(&c);
    return rc;
}

int cover_main(int argc, char **argv)
{
    CoverArgs a = {0};
    int rc = cli_parse(&cover_cli, argc, argv, &a);

    if (rc) {
        return rc == 1 ? 0 : rc;
    }
    if (a.n == 0) {
        return cli_usage(&cover_cli, "%s", "merge or report?");
    }
    if (strcmp(a.file[0], "merge") == 0) {
        return cover_merge(&a);
    }
    if (strcmp(a.file[0], "report") == 0) {
        return cover_report(&a);
    }
    return cli_usage(&cover_cli, "unknown action '%s' (merge or report)",
                     a.file[0]);
}

/*
 * JUnit XML and a JSON summary of a run (report.h), and the merge of
 * JUnit files of ours.  The JUnit layout is the one CI dashboards read:
 *
 *   <testsuites name tests failures errors skipped time>
 *     <testsuite name tests failures errors skipped time timestamp hostname>
 *       <properties><property name value/>...</properties>
 *       <testcase classname name time>
 *         <failure message type>text</failure> | <error ...> | <skipped/>
 *       </testcase>
 *
 * A test suite is written as lines starting "  <testsuite " and ending
 * "  </testsuite>": the merge copies them whole and reads the counts from
 * the first line's attributes, so it reads only files written here.
 */
#define _POSIX_C_SOURCE 200809L /* strdup, gethostname */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "output.h"
#include "report.h"

static const char *const report_status_name[] = {
    [REPORT_PASSED] = "passed",
    [REPORT_FAILED] = "failed",
    [REPORT_ERROR] = "error",
    [REPORT_SKIPPED] = "skipped",
};

void report_init(Report *r, const char *suite, const char *junit,
                 const char *json)
{
    memset(r, 0, sizeof(*r));
    snprintf(r->suite, sizeof(r->suite), "%s", suite);
    r->junit = junit;
    r->json = json;
    r->start = (long long)time(NULL);
}

static void report_free_case(ReportCase *c)
{
    free(c->classname);
    free(c->name);
    free(c->type);
    free(c->message);
    free(c->detail);
    free(c->again);
}

void report_fini(Report *r)
{
    for (size_t i = 0; i < r->n_cases; i++) {
        report_free_case(&r->cases[i]);
    }
    for (size_t i = 0; i < r->n_props; i++) {
        free(r->props[i].key);
        free(r->props[i].value);
        free(r->props[i].text);
    }
    free(r->cases);
    free(r->props);
    memset(r, 0, sizeof(*r));
}

bool report_wanted(const Report *r)
{
    return r->junit || r->json;
}

int report_check(const Report *r, const char *cmd)
{
    const char *paths[2] = {r->junit, r->json};
    const char *opts[2] = {"--junit", "--json"};
    char err[4400];

    if (r->junit && r->json && strcmp(r->junit, r->json) == 0) {
        fprintf(stderr, "edu-tb %s: --junit and --json name one file '%s'\n",
                cmd, r->junit);
        return 1;
    }
    for (int i = 0; i < 2; i++) {
        if (paths[i] && output_check(paths[i], err, sizeof(err)) < 0) {
            fprintf(stderr, "edu-tb %s: %s: %s\n", cmd, opts[i], err);
            return 1;
        }
    }
    return 0;
}

static char *report_dup(Report *r, const char *s)
{
    char *d;

    if (!s) {
        return NULL;
    }
    d = strdup(s);
    r->oom |= !d;
    return d;
}

void report_case(Report *r, const char *classname, const char *name,
                 ReportStatus status, double time_s, const char *type,
                 const char *message, const char *detail, const char *again)
{
    ReportCase *c;

    if (!report_wanted(r)) {
        return;
    }
    if (r->n_cases == r->cap_cases) {
        size_t cap = r->cap_cases ? 2 * r->cap_cases : 64;
        ReportCase *p = realloc(r->cases, cap * sizeof(*p));

        if (!p) {
            r->oom = true;
            return;
        }
        r->cases = p;
        r->cap_cases = cap;
    }
    c = &r->cases[r->n_cases++];
    *c = (ReportCase){
        .classname = report_dup(r, classname),
        .name = report_dup(r, name),
        .status = status,
        .time_s = time_s,
        .type = report_dup(r, type),
        .message = report_dup(r, message),
        .detail = report_dup(r, detail),
        .again = report_dup(r, again),
    };
}

static void report_prop(Report *r, const char *key, char *value, char *text,
                        bool has_text)
{
    ReportProp *p;

    if (!value || (has_text && !text)) {
        r->oom = true;
        free(value);
        free(text);
        return;
    }
    if (r->n_props == r->cap_props) {
        size_t cap = r->cap_props ? 2 * r->cap_props : 16;
        ReportProp *q = realloc(r->props, cap * sizeof(*q));

        if (!q) {
            r->oom = true;
            free(value);
            free(text);
            return;
        }
        r->props = q;
        r->cap_props = cap;
    }
    p = &r->props[r->n_props++];
    p->key = report_dup(r, key);
    p->value = value;
    p->text = text;
}

/* 'fill' written into a new string: the caller frees it. */
static char *report_json_of(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!f) {
        return NULL;
    }
    report_json_string(f, s);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

void report_prop_str(Report *r, const char *key, const char *value)
{
    report_prop(r, key, report_json_of(value), strdup(value), true);
}

void report_prop_u64(Report *r, const char *key, uint64_t value)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%" PRIu64, value);
    report_prop(r, key, strdup(buf), strdup(buf), true);
}

void report_prop_bool(Report *r, const char *key, bool value)
{
    const char *v = value ? "true" : "false";

    report_prop(r, key, strdup(v), strdup(v), true);
}

void report_prop_json(Report *r, const char *key, const char *json)
{
    report_prop(r, key, strdup(json), NULL, false);
}

ReportTally report_tally(const Report *r)
{
    ReportTally t = {0};

    for (size_t i = 0; i < r->n_cases; i++) {
        const ReportCase *c = &r->cases[i];

        t.tests++;
        t.failures += c->status == REPORT_FAILED;
        t.errors += c->status == REPORT_ERROR;
        t.skipped += c->status == REPORT_SKIPPED;
        t.time_s += c->time_s;
    }
    return t;
}

/* The length of the UTF-8 sequence at s (1 to 4) and its code point, or
 * 0 when s does not start one (a stray or overlong byte, a surrogate). */
static int report_utf8(const unsigned char *s, unsigned long *cp)
{
    int n;
    unsigned long v;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        n = 2;
        v = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        n = 3;
        v = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        n = 4;
        v = s[0] & 0x07;
    } else {
        return 0;
    }
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        v = (v << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10ffff)) ||
        (v >= 0xd800 && v <= 0xdfff)) {
        return 0;
    }
    *cp = v;
    return n;
}

void report_xml_escape(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");

    while (*p) {
        unsigned long cp = 0;
        int n = report_utf8(p, &cp);

        if (n == 0 || (cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0xfffe ||
            cp == 0xffff) {
            /* Not UTF-8, or not a character XML 1.0 allows (CR would be
             * read back as LF: written as a reference). */
            fputs(cp == '\r' && n == 1 ? "&#13;" : "\xef\xbf\xbd", f);
            p += n ? n : 1;
            continue;
        }
        switch (cp) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&apos;", f);
            break;
        /* Kept in attribute values, where a parser would fold them. */
        case '\n':
            fputs("&#10;", f);
            break;
        case '\t':
            fputs("&#9;", f);
            break;
        default:
            fwrite(p, 1, (size_t)n, f);
            break;
        }
        p += n;
    }
}

void report_json_string(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");

    fputc('"', f);
    while (*p) {
        unsigned long cp = 0;
        int n = report_utf8(p, &cp);

        if (n == 0) {
            fputs("\\ufffd", f);
            p++;
            continue;
        }
        switch (cp) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default:
            if (cp < 0x20) {
                fprintf(f, "\\u%04lx", cp);
            } else {
                fwrite(p, 1, (size_t)n, f);
            }
            break;
        }
        p += n;
    }
    fputc('"', f);
}

static void report_counts_attrs(FILE *f, const ReportTally *t)
{
    fprintf(f,
            " tests=\"%lu\" failures=\"%lu\" errors=\"%lu\" skipped=\"%lu\" "
            "time=\"%.3f\"",
            t->tests, t->failures, t->errors, t->skipped, t->time_s);
}

static void report_junit_head(FILE *f, const char *name, const ReportTally *t)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"", f);
    report_xml_escape(f, name);
    fputc('"', f);
    report_counts_attrs(f, t);
    fputs(">\n", f);
}

static void report_suite_head(FILE *f, const char *name, const ReportTally *t,
                              long long start)
{
    time_t when = (time_t)start;
    struct tm tm;
    char stamp[32] = "1970-01-01T00:00:00";
    char host[256] = "localhost";

    if (gmtime_r(&when, &tm)) {
        strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
    }
    if (gethostname(host, sizeof(host)) != 0) {
        snprintf(host, sizeof(host), "localhost");
    }
    host[sizeof(host) - 1] = '\0';
    fputs("  <testsuite name=\"", f);
    report_xml_escape(f, name);
    fputc('"', f);
    report_counts_attrs(f, t);
    fprintf(f, " timestamp=\"%s\" hostname=\"", stamp);
    report_xml_escape(f, host);
    fputs("\">\n", f);
}

static void report_junit_case(FILE *f, const ReportCase *c)
{
    static const char *const element[] = {
        [REPORT_FAILED] = "failure",
        [REPORT_ERROR] = "error",
        [REPORT_SKIPPED] = "skipped",
    };

    fputs("    <testcase classname=\"", f);
    report_xml_escape(f, c->classname);
    fputs("\" name=\"", f);
    report_xml_escape(f, c->name);
    fprintf(f, "\" time=\"%.3f\"", c->time_s);
    if (c->status == REPORT_PASSED) {
        fputs("/>\n", f);
        return;
    }
    fprintf(f, ">\n      <%s message=\"", element[c->status]);
    report_xml_escape(f, c->message);
    fputc('"', f);
    if (c->type && c->status != REPORT_SKIPPED) {
        fputs(" type=\"", f);
        report_xml_escape(f, c->type);
        fputc('"', f);
    }
    if (c->status == REPORT_SKIPPED || !c->detail) {
        fputs("/>\n", f);
    } else {
        fputc('>', f);
        report_xml_escape(f, c->detail);
        fprintf(f, "</%s>\n", element[c->status]);
    }
    fputs("    </testcase>\n", f);
}

static void report_write_junit(const Report *r, FILE *f)
{
    ReportTally t = report_tally(r);
    bool props = false;

    report_junit_head(f, "edu-tb", &t);
    report_suite_head(f, r->suite, &t, r->start);
    for (size_t i = 0; i < r->n_props; i++) {
        const ReportProp *p = &r->props[i];

        if (!p->text) {
            continue;
        }
        if (!props) {
            fputs("    <properties>\n", f);
            props = true;
        }
        fputs("      <property name=\"", f);
        report_xml_escape(f, p->key);
        fputs("\" value=\"", f);
        report_xml_escape(f, p->text);
        fputs("\"/>\n", f);
    }
    if (props) {
        fputs("    </properties>\n", f);
    }
    for (size_t i = 0; i < r->n_cases; i++) {
        report_junit_case(f, &r->cases[i]);
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
}

/* A string member, or null when s is NULL. */
static void report_json_member(FILE *f, const char *key, const char *s)
{
    fprintf(f, ", \"%s\": ", key);
    if (s) {
        report_json_string(f, s);
    } else {
        fputs("null", f);
    }
}

static void report_write_json(const Report *r, FILE *f, const char *cmd,
                              int exit_status, double wall_s)
{
    ReportTally t = report_tally(r);

    fputs("{\n  \"command\": ", f);
    report_json_string(f, cmd);
    fputs(",\n  \"suite\": ", f);
    report_json_string(f, r->suite);
    for (size_t i = 0; i < r->n_props; i++) {
        fputs(",\n  ", f);
        report_json_string(f, r->props[i].key);
        fprintf(f, ": %s", r->props[i].value);
    }
    fprintf(f,
            ",\n  \"tests\": %lu,\n  \"passed\": %lu,\n  \"failures\": %lu,"
            "\n  \"errors\": %lu,\n  \"skipped\": %lu,\n"
            "  \"result\": \"%s\",\n  \"exit_status\": %d,\n"
            "  \"start\": %lld,\n  \"wall_s\": %.3f,\n  \"cases\": [",
            t.tests, t.tests - t.failures - t.errors - t.skipped, t.failures,
            t.errors, t.skipped, exit_status == 0 ? "passed" : "failed",
            exit_status, r->start, wall_s);
    for (size_t i = 0; i < r->n_cases; i++) {
        const ReportCase *c = &r->cases[i];

        fputs(i ? ",\n    {" : "\n    {", f);
        fputs("\"classname\": ", f);
        report_json_string(f, c->classname);
        report_json_member(f, "name", c->name);
        fprintf(f, ", \"status\": \"%s\", \"time_s\": %.3f",
                report_status_name[c->status], c->time_s);
        report_json_member(f, "message", c->message);
        report_json_member(f, "again", c->again);
        fputc('}', f);
    }
    fputs(r->n_cases ? "\n  ]\n}\n" : "]\n}\n", f);
}

static int report_write_one(Report *r, const char *path, const char *opt,
                            const char *cmd, int exit_status, double wall_s)
{
    OutputFile out;
    int rc;

    if (!path) {
        return 0;
    }
    rc = r->oom ? -ENOMEM : output_open(&out, path);
    if (rc == 0) {
        if (strcmp(opt, "--junit") == 0) {
            report_write_junit(r, out.f);
        } else {
            report_write_json(r, out.f, cmd, exit_status, wall_s);
        }
        rc = output_close(&out, true);
    }
    if (rc < 0) {
        fprintf(stderr, "edu-tb %s: %s: cannot write '%s': %s\n", cmd, opt,
                path, strerror(-rc));
        return 1;
    }
    return 0;
}

int report_write(Report *r, const char *cmd, int exit_status, double wall_s)
{
    int rc = report_write_one(r, r->junit, "--junit", cmd, exit_status, wall_s);

    rc |= report_write_one(r, r->json, "--json", cmd, exit_status, wall_s);
    return rc;
}

/* The number in attribute ' NAME="..."' of line, or 0. */
static double report_attr(const char *line, const char *name)
{
    char key[32];
    const char *at;

    snprintf(key, sizeof(key), " %s=\"", name);
    at = strstr(line, key);
    return at ? strtod(at + strlen(key), NULL) : 0.0;
}

/* Copies every test suite of the file at 'path' to out; -1 when it holds
 * none (missing, empty, not ours). */
static int report_copy_suites(FILE *out, const char *path, ReportTally *t)
{
    FILE *in = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    bool inside = false;
    int suites = 0;

    if (!in) {
        return -1;
    }
    while (getline(&line, &cap, in) > 0) {
        if (!inside && strncmp(line, "  <testsuite ", 13) == 0) {
            inside = true;
            suites++;
            t->tests += (unsigned long)report_attr(line, "tests");
            t->failures += (unsigned long)report_attr(line, "failures");
            t->errors += (unsigned long)report_attr(line, "errors");
            t->skipped += (unsigned long)report_attr(line, "skipped");
            t->time_s += report_attr(line, "time");
        }
        if (inside) {
            fputs(line, out);
        }
        if (inside && strcmp(line, "  </testsuite>\n") == 0) {
            inside = false;
        }
    }
    free(line);
    fclose(in);
    if (inside) {
        /* Cut short: close what was copied. */
        fputs("\n  </testsuite>\n", out);
    }
    return suites ? 0 : -1;
}

int report_junit_merge(const char *out, const char *name,
                       const char *const *inputs,
                       const char *const *missing_suite,
                       const char *const *missing_msg, size_t n,
                       ReportTally *tally)
{
    char *body = NULL;
    size_t len = 0;
    FILE *b = open_memstream(&body, &len);
    OutputFile o;
    int rc;

    *tally = (ReportTally){0};
    if (!b) {
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        ReportTally one = {.tests = 1, .errors = 1};
        ReportCase c = {
            .classname = (char *)missing_suite[i],
            .name = (char *)missing_suite[i],
            .status = REPORT_ERROR,
            .type = (char *)"missing",
            .message = (char *)missing_msg[i],
        };

        if (report_copy_suites(b, inputs[i], tally) == 0) {
            continue;
        }
        report_suite_head(b, missing_suite[i], &one, (long long)time(NULL));
        report_junit_case(b, &c);
        fputs("  </testsuite>\n", b);
        tally->tests++;
        tally->errors++;
    }
    if (fclose(b) != 0) {
        free(body);
        return -ENOMEM;
    }
    rc = output_open(&o, out);
    if (rc == 0) {
        report_junit_head(o.f, name, tally);
        fwrite(body, 1, len, o.f);
        fputs("</testsuites>\n", o.f);
        rc = output_close(&o, true);
    }
    free(body);
    return rc;
}

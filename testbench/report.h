/*
 * Results for CI dashboards: a command records one test case per scenario
 * or seed and writes them as JUnit XML (--junit FILE, the schema Jenkins,
 * GitLab and GitHub's test reporters read) and as a JSON summary (--json
 * FILE, docs/edu-tb.md).  Both go through output.c: whole or not at all.
 * Also the merge of several JUnit files of ours into one (edu-tb regress).
 */
#ifndef EDU_TB_REPORT_H
#define EDU_TB_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum ReportStatus {
    REPORT_PASSED,
    REPORT_FAILED,  /* a check failed, the views diverged: <failure> */
    REPORT_ERROR,   /* a view failed (did not answer): <error> */
    REPORT_SKIPPED, /* not run: <skipped> */
} ReportStatus;

typedef struct ReportCase {
    char *classname;
    char *name;
    ReportStatus status;
    double time_s;
    char *type;    /* failure and error: what kind ("divergence", ...) */
    char *message; /* failure, error, skipped: one line */
    char *detail;  /* failure and error: the body (replay, again: ...) */
    char *again;   /* the command that runs this case again, or NULL */
} ReportCase;

typedef struct ReportProp {
    char *key;
    char *value; /* JSON text: a number, true/false, a quoted string */
    char *text;  /* the same as plain text (a JUnit property), or NULL:
                  * JSON only (an array, an object) */
} ReportProp;

/* What a run or a merge counted. */
typedef struct ReportTally {
    unsigned long tests;
    unsigned long failures;
    unsigned long errors;
    unsigned long skipped;
    double time_s;
} ReportTally;

typedef struct Report {
    const char *junit; /* NULL: no JUnit file */
    const char *json;  /* NULL: no JSON file */
    char suite[256];   /* the <testsuite> name */
    long long start;   /* wall clock at report_init, s since the epoch */
    ReportCase *cases;
    size_t n_cases;
    size_t cap_cases;
    ReportProp *props;
    size_t n_props;
    size_t cap_props;
    bool oom; /* something could not be recorded: writing fails */
} Report;

/* A report for 'junit' and 'json' (either may be NULL). */
void report_init(Report *r, const char *suite, const char *junit,
                 const char *json);
void report_fini(Report *r);
/* Whether the files can be written, before any work is done: 0, or 1
 * after one line on stderr ("edu-tb CMD: --junit: ..."). */
int report_check(const Report *r, const char *cmd);
/* Whether the report writes anything at all. */
bool report_wanted(const Report *r);

/* Records a test case.  type, message, detail and again may be NULL. */
void report_case(Report *r, const char *classname, const char *name,
                 ReportStatus status, double time_s, const char *type,
                 const char *message, const char *detail, const char *again);

/* Properties: JUnit <property> elements and top-level JSON members, in
 * the order given. */
void report_prop_str(Report *r, const char *key, const char *value);
void report_prop_u64(Report *r, const char *key, uint64_t value);
void report_prop_bool(Report *r, const char *key, bool value);
/* A JSON member only: 'json' is a JSON value written as it is. */
void report_prop_json(Report *r, const char *key, const char *json);

/* What the recorded cases count. */
ReportTally report_tally(const Report *r);

/*
 * Writes the JUnit file and the JSON summary that were asked for; the
 * JSON also holds the command's exit status and its wall time.  0, or 1
 * after one line on stderr ("edu-tb CMD: --json: ...").
 */
int report_write(Report *r, const char *cmd, int exit_status, double wall_s);

/* Text escaped for XML (attribute values and text), then for JSON (with
 * its quotes), written to f.  Bytes that are not UTF-8, and characters
 * XML 1.0 cannot hold, become U+FFFD. */
void report_xml_escape(FILE *f, const char *s);
void report_json_string(FILE *f, const char *s);

/*
 * Merges JUnit files that report_write wrote into one at 'out' (through
 * output.c): every <testsuite> of each, copied, under one <testsuites>
 * named 'name'.  An input that is missing or not ours becomes a test
 * suite 'missing_suite[i]' with one test case in error, its message
 * 'missing_msg[i]'.  *tally: the merged counts.  0, or a negative errno
 * (out could not be written).
 */
int report_junit_merge(const char *out, const char *name,
                       const char *const *inputs,
                       const char *const *missing_suite,
                       const char *const *missing_msg, size_t n,
                       ReportTally *tally);

#endif /* EDU_TB_REPORT_H */

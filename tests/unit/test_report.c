/*
 * The results files of edu-tb (report.c): text escaped for XML and JSON
 * whatever it holds, a JUnit file whose counts are its cases', and the
 * merge of several (edu-tb regress), a missing one counted as an error.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, open_memstream */

#include "tb_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

/* What 'escape' writes for s, in a string the caller frees. */
static char *escaped(void (*escape)(FILE *f, const char *s), const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    assert_non_null(f);
    escape(f, s);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void test_xml_escapes_markup_and_keeps_newlines(void **state)
{
    char *s = escaped(report_xml_escape, "<a & b> \"q\" 'x'\n\tz");

    (void)state;
    assert_string_equal(s, "&lt;a &amp; b&gt; &quot;q&quot; &apos;x&apos;"
                           "&#10;&#9;z");
    free(s);
}

static void test_xml_replaces_what_xml_cannot_hold(void **state)
{
    /* A control character, a stray byte, an overlong '/', a surrogate;
     * UTF-8 of two, three and four bytes kept. */
    char *s = escaped(report_xml_escape,
                      "\x01|\xff|\xc0\xaf|\xed\xa0\x80|\xc3\xa9\xe2\x82\xac"
                      "\xf0\x9f\x98\x80|\r");

    (void)state;
    assert_string_equal(s, "\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd"
                           "|\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xc3\xa9"
                           "\xe2\x82\xac\xf0\x9f\x98\x80|&#13;");
    free(s);
}

static void test_json_escapes_quotes_backslashes_controls(void **state)
{
    char *s = escaped(report_json_string, "a\"b\\c\nd\x01\xff\xc3\xa9");

    (void)state;
    assert_string_equal(s, "\"a\\\"b\\\\c\\nd\\u0001\\ufffd\xc3\xa9\"");
    free(s);
}

/* A report of three cases (passed, failed with markup in its message,
 * skipped) written to dir/name. */
static void write_report(const char *dir, const char *name, char *path,
                         size_t len)
{
    Report r;
    char json[512];

    snprintf(path, len, "%s/%s.xml", dir, name);
    snprintf(json, sizeof(json), "%s/%s.json", dir, name);
    report_init(&r, name, path, json);
    assert_int_equal(report_check(&r, "test"), 0);
    report_case(&r, "compare.cmodel-rtl", "seed 1", REPORT_PASSED, 0.5, NULL,
                NULL, NULL, "edu-tb compare --seed 1");
    report_case(&r, "compare.cmodel-rtl", "seed 2", REPORT_FAILED, 0.25,
                "divergence", "0x1 <vs> 0x0 & \"more\"", "replay: r.qtest",
                "edu-tb compare --seed 2");
    report_case(&r, "compare.cmodel-rtl", "seeds 3..4", REPORT_SKIPPED, 0.0,
                NULL, "not run", NULL, NULL);
    report_prop_u64(&r, "seed", 1);
    assert_int_equal(report_write(&r, "test", 1, 1.0), 0);
    report_fini(&r);
}

static void test_junit_counts_its_cases(void **state)
{
    char dir[] = "/tmp/test_report.XXXXXX";
    char path[512], json[512];
    char *xml, *js;

    (void)state;
    assert_non_null(mkdtemp(dir));
    write_report(dir, "one", path, sizeof(path));
    xml = tb_read_file(path);
    assert_non_null(strstr(xml, "<testsuites name=\"edu-tb\" tests=\"3\" "
                                "failures=\"1\" errors=\"0\" skipped=\"1\" "
                                "time=\"0.750\">"));
    assert_non_null(strstr(xml, "<failure message=\"0x1 &lt;vs&gt; 0x0 "
                                "&amp; &quot;more&quot;\" type=\"divergence\">"
                                "replay: r.qtest</failure>"));
    assert_non_null(strstr(xml, "<skipped message=\"not run\"/>"));
    assert_non_null(strstr(xml, "<property name=\"seed\" value=\"1\"/>"));
    snprintf(json, sizeof(json), "%s/one.json", dir);
    js = tb_read_file(json);
    assert_non_null(strstr(js, "\"seed\": 1,"));
    assert_non_null(strstr(js, "\"tests\": 3,\n  \"passed\": 1,\n"
                               "  \"failures\": 1,"));
    assert_non_null(strstr(js, "\"result\": \"failed\",\n"
                               "  \"exit_status\": 1,"));
    assert_non_null(strstr(js, "\"message\": \"0x1 <vs> 0x0 & \\\"more\\\"\""));
    free(xml);
    free(js);
    assert_int_equal(remove(path), 0);
    assert_int_equal(remove(json), 0);
    assert_int_equal(rmdir(dir), 0);
}

static void test_merge_keeps_every_suite_and_counts_a_missing_one(void **state)
{
    char dir[] = "/tmp/test_report.XXXXXX";
    char a[512], b[512], gone[512], out[512], json[512];
    const char *inputs[3] = {a, gone, b};
    const char *names[3] = {"shard 0", "shard 1", "shard 2"};
    const char *msgs[3] = {"x", "shard 1 did not run", "z"};
    ReportTally t;
    char *xml;

    (void)state;
    assert_non_null(mkdtemp(dir));
    write_report(dir, "a", a, sizeof(a));
    write_report(dir, "b", b, sizeof(b));
    snprintf(gone, sizeof(gone), "%s/gone.xml", dir);
    snprintf(out, sizeof(out), "%s/merged.xml", dir);
    assert_int_equal(
        report_junit_merge(out, "edu-tb regress", inputs, names, msgs, 3, &t),
        0);
    assert_int_equal(t.tests, 7);
    assert_int_equal(t.failures, 2);
    assert_int_equal(t.errors, 1);
    assert_int_equal(t.skipped, 2);
    xml = tb_read_file(out);
    assert_non_null(strstr(xml, "<testsuites name=\"edu-tb regress\" "
                                "tests=\"7\" failures=\"2\" errors=\"1\" "
                                "skipped=\"2\""));
    assert_non_null(strstr(xml, "<testsuite name=\"a\""));
    assert_non_null(strstr(xml, "<testsuite name=\"b\""));
    assert_non_null(strstr(xml, "<error message=\"shard 1 did not run\" "
                                "type=\"missing\"/>"));
    assert_non_null(strstr(xml, "</testsuites>\n"));
    free(xml);
    for (const char *n = "a"; n; n = strcmp(n, "a") == 0 ? "b" : NULL) {
        snprintf(json, sizeof(json), "%s/%s.json", dir, n);
        assert_int_equal(remove(json), 0);
    }
    assert_int_equal(remove(a), 0);
    assert_int_equal(remove(b), 0);
    assert_int_equal(remove(out), 0);
    assert_int_equal(rmdir(dir), 0);
}

static void test_check_refuses_a_device_and_one_file_twice(void **state)
{
    Report r;

    (void)state;
    report_init(&r, "s", "/dev/null", NULL);
    assert_int_equal(report_check(&r, "test"), 1);
    report_init(&r, "s", "/tmp/x.xml", "/tmp/x.xml");
    assert_int_equal(report_check(&r, "test"), 1);
    report_init(&r, "s", NULL, NULL);
    assert_false(report_wanted(&r));
    assert_int_equal(report_check(&r, "test"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xml_escapes_markup_and_keeps_newlines),
        cmocka_unit_test(test_xml_replaces_what_xml_cannot_hold),
        cmocka_unit_test(test_json_escapes_quotes_backslashes_controls),
        cmocka_unit_test(test_junit_counts_its_cases),
        cmocka_unit_test(test_merge_keeps_every_suite_and_counts_a_missing_one),
        cmocka_unit_test(test_check_refuses_a_device_and_one_file_twice),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

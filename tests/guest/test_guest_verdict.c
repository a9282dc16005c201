/*
 * edu-tb guest's reading of the console: which lines are the guest test's
 * verdict "N passed, M failed", and their numbers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "guest.h"

static void test_verdict_is_found_anywhere_in_the_line(void **state)
{
    unsigned p = 0, f = 0;

    (void)state;
    assert_true(guest_verdict("51 passed, 0 failed", &p, &f));
    assert_int_equal(p, 51);
    assert_int_equal(f, 0);
    assert_true(guest_verdict("[ 3.1] edu: 7 passed, 2 failed\r", &p, &f));
    assert_int_equal(p, 7);
    assert_int_equal(f, 2);
}

static void test_other_lines_are_no_verdict(void **state)
{
    unsigned p, f;

    (void)state;
    assert_false(guest_verdict("PASS factorial of 12", &p, &f));
    assert_false(guest_verdict("passed, 0 failed", &p, &f));
    assert_false(guest_verdict("5 passed", &p, &f));
    assert_false(guest_verdict("5 passed; 0 failed", &p, &f));
    assert_false(guest_verdict("", &p, &f));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdict_is_found_anywhere_in_the_line),
        cmocka_unit_test(test_other_lines_are_no_verdict),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

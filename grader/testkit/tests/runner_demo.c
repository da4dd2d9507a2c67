/*
 * A tiny suite for a runner of its own (build/check_runner_demo: runner.c
 * over this suite alone), which check_harness runs to see what the kit's
 * runner prints and returns: one test passes, one fails, one fails with
 * a message over Check's default size, one leaves a file in the
 * runner's private TMPDIR.  Pick them with CK_RUN_CASE.
 * Not a suite of the kit (not named check_*.c).
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

START_TEST(demo_passes)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

START_TEST(demo_fails)
{
	ck_assert_msg(0, "the demo's failing check");
}
END_TEST

/* A failure message over Check's default 4 KiB, its end marked. */
START_TEST(demo_fails_long)
{
	char msg[6000];

	memset(msg, 'x', sizeof msg);
	snprintf(msg + sizeof msg - 32, 32, " end of the long message");
	ck_assert_msg(0, "%s", msg);
}
END_TEST

START_TEST(demo_leaves)
{
	FILE *f = fopen(kit_tmp("runner-demo-leftover"), "w");

	ck_assert_ptr_nonnull(f);
	fclose(f);
}
END_TEST

Suite *
runner_demo_suite(void)
{
	Suite *s = suite_create("runner_demo");
	TCase *tc;

	tc = tcase_create("passes");
	tcase_add_test(tc, demo_passes);
	suite_add_tcase(s, tc);
	tc = tcase_create("fails");
	tcase_add_test(tc, demo_fails);
	suite_add_tcase(s, tc);
	tc = tcase_create("long");
	tcase_add_test(tc, demo_fails_long);
	suite_add_tcase(s, tc);
	tc = tcase_create("leaves");
	tcase_add_test(tc, demo_leaves);
	suite_add_tcase(s, tc);
	return s;
}

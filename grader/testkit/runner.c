/*
 * The kit's test runner: one Check run over every suite of the kit, so
 * the last line 'make test' prints is Check's summary of everything.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUITE(n) Suite *n##_suite(void);
#include "suites.inc"
#undef SUITE

static Suite *(*const suites[])(void) = {
#define SUITE(n) n##_suite,
#include "suites.inc"
#undef SUITE
};

int
main(void)
{
	const char *fork = getenv("CK_FORK");
	SRunner *sr;
	size_t i;
	int ran, failed;

	/* Tests kill processes, open namespaces and call exit(): they must
	 * each run in a child of their own. */
	if (fork != NULL && strcmp(fork, "no") == 0) {
		fprintf(stderr, "check_kit: CK_FORK=no is not supported: "
		                "the tests need fork mode\n");
		return 2;
	}
	sr = srunner_create(NULL);
	for (i = 0; i < sizeof suites / sizeof suites[0]; i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_ENV);
	ran = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	/* A mistyped CK_RUN_SUITE runs nothing and Check calls that 100%. */
	if (ran == 0) {
		fprintf(stderr, "check_kit: no test ran\n");
		return 1;
	}
	return failed == 0 ? 0 : 1;
}

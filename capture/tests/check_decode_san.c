/*
 * The decoder under AddressSanitizer and UndefinedBehaviorSanitizer:
 * build/san/capreplay decodes every scenario packet, then every packet
 * cut at every shorter captured length (exact-size heap copies), and
 * replays the kept fuzz corpus (capture/fuzz/corpus) the way the fuzz
 * target runs it.  It must exit 0 with no sanitizer report.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "grader/testkit/harness.h"

#define SAN_REPLAY "build/san/capreplay" /* make test builds it (SAN_BINS) */
#define SAN_MAXARGS 64

static void
san_run(char *const argv[], unsigned long min_count)
{
	struct proc p;
	unsigned long count = 0;
	const char *at;

	ck_assert_int_eq(proc_start(&p, argv), 0);
	proc_wait(&p, 110000);
	ck_assert_msg(!p.timed_out, "capreplay timed out");
	ck_assert_msg(strstr(p.err, "AddressSanitizer") == NULL &&
	                  strstr(p.err, "runtime error") == NULL &&
	                  strstr(p.err, "LeakSanitizer") == NULL,
	    "sanitizer report:\n%s", p.err);
	ck_assert_msg(
	    PROC_EXIT(&p) == 0, "capreplay exit %d:\n%s", PROC_EXIT(&p), p.err);
	at = strstr(p.err, "capreplay: ");
	ck_assert_ptr_nonnull(at);
	count = strtoul(at + strlen("capreplay: "), NULL, 10);
	ck_assert_msg(
	    count >= min_count, "only %lu replayed:\n%s", count, p.err);
	proc_free(&p);
}

/* Every scenario pcap, whole and cut at every length. */
START_TEST(test_scenarios_cut)
{
	char *argv[SAN_MAXARGS], *dirpath = strdup(kit_bin("tests/pcap"));
	DIR *d = opendir(dirpath);
	struct dirent *e;
	int n = 0, i;

	ck_assert_msg(d != NULL, "%s: no scenario pcaps", dirpath);
	argv[n++] = SAN_REPLAY;
	argv[n++] = "-t";
	while ((e = readdir(d)) != NULL && n < SAN_MAXARGS - 1) {
		size_t l = strlen(e->d_name);

		if (l > 5 && strcmp(e->d_name + l - 5, ".pcap") == 0) {
			argv[n] = malloc(strlen(dirpath) + l + 2);
			sprintf(argv[n++], "%s/%s", dirpath, e->d_name);
		}
	}
	argv[n] = NULL;
	closedir(d);
	ck_assert_int_ge(n, 2 + 20); /* all the scenarios are there */
	san_run(argv, 150);
	for (i = 2; i < n; i++)
		free(argv[i]);
	free(dirpath);
}
END_TEST

START_TEST(test_fuzz_corpus)
{
	char *argv[] = {SAN_REPLAY, "-c", "capture/fuzz/corpus", NULL};

	san_run(argv, 20);
}
END_TEST

/* The replay program itself notices a missing truncation mark and a
 * file it cannot read (so the tests above can fail). */
START_TEST(test_replay_fails)
{
	char *argv[] = {SAN_REPLAY, "-t", "/nonexistent/x.pcap", NULL};
	struct proc p;

	ck_assert_int_eq(proc_start(&p, argv), 0);
	proc_wait(&p, 20000);
	ck_assert_int_eq(PROC_EXIT(&p), 1);
	ck_assert_ptr_nonnull(strstr(p.err, "/nonexistent/x.pcap"));
	proc_free(&p);
}
END_TEST

Suite *
decode_san_suite(void)
{
	Suite *s = suite_create("decode_san");
	TCase *tc = tcase_create("sanitizers");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_scenarios_cut);
	tcase_add_test(tc, test_fuzz_corpus);
	tcase_add_test(tc, test_replay_fails);
	suite_add_tcase(s, tc);
	return s;
}

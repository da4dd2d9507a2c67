/*
 * The contract module (grader/labs/contract.c): every contract line has a
 * test and a broken submission that breaks it alone, every lab test
 * belongs to a line, grader/labs/CONTRACT.md holds the generated table, the
 * handouts state the numbers of contract.h, and the one output parser
 * reads a pinger's stdout as the contract says.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "grade.h"
#include "lab.h"

static int
ct_lab_has(const struct grade_lab *lab, const char *name)
{
	size_t i;

	for (i = 0; i < lab->ntests; i++)
		if (strcmp(lab->tests[i].name, name) == 0)
			return 1;
	return 0;
}

static int
ct_refs_has(const char *const refs[], const char *name)
{
	int i;

	for (i = 0; i < CONTRACT_MAX_REFS && refs[i] != NULL; i++)
		if (strcmp(refs[i], name) == 0)
			return 1;
	return 0;
}

/* A whole file, NUL-ended (the caller frees it), or NULL. */
static char *
ct_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, got;

	if (f == NULL)
		return NULL;
	buf = malloc(1 << 20);
	ck_assert_ptr_nonnull(buf);
	got = fread(buf, 1, (1 << 20) - 1, f);
	len = got;
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* The broken submission's description (its lab's folder holds it): its contract
 * line, and whether one of the tests it must fail is a test of line l. */
static void
ct_broken(const char *lab, const struct contract_line *l, const char *name)
{
	char path[512], *text, *p, want[160], fails[512] = "";
	int hit = 0;
	char *tok, *save = NULL;

	snprintf(path, sizeof path, "grader/labs/%s/broken/%s.edit", lab, name);
	text = ct_slurp(path);
	ck_assert_msg(text != NULL,
	    "%s: contract line %s names broken "
	    "submission %s, which is not there",
	    lab, l->id, path);
	snprintf(want, sizeof want, "\ncontract %s\n", l->id);
	ck_assert_msg(strstr(text, want) != NULL,
	    "%s: its 'contract' line is not %s", path, l->id);
	p = strstr(text, "\nfail ");
	ck_assert_msg(p != NULL, "%s: no 'fail' line", path);
	snprintf(fails, sizeof fails, "%.*s", (int)strcspn(p + 6, "\n"), p + 6);
	for (tok = strtok_r(fails, " ", &save); tok != NULL;
	     tok = strtok_r(NULL, " ", &save))
		hit |= ct_refs_has(l->tests, tok);
	ck_assert_msg(hit,
	    "%s: none of the tests it must fail is a test of "
	    "contract line %s",
	    path, l->id);
	free(text);
}

/* Each contract suite test named is a START_TEST of that suite. */
static void
ct_suite_ref(const char *ref)
{
	char path[256], want[160], *text;
	size_t n = strcspn(ref, ":");

	ck_assert_msg(
	    ref[n] == ':', "suite reference '%s' is not FILE:TEST", ref);
	snprintf(path, sizeof path, "solutions/tests/%.*s.c", (int)n, ref);
	snprintf(want, sizeof want, "START_TEST(%s)", ref + n + 1);
	text = ct_slurp(path);
	ck_assert_msg(text != NULL, "%s: cannot read it", path);
	ck_assert_msg(strstr(text, want) != NULL, "%s has no %s", path, want);
	free(text);
}

START_TEST(registry_complete)
{
	const struct grade_lab *lab = lab_at((size_t)_i);
	const struct contract_line *l = NULL;
	size_t n, i, k;
	int j, found;

	l = contract_lines(lab->name, &n);
	ck_assert_msg(l != NULL && n > 0, "%s: no contract lines", lab->name);
	for (i = 0; i < n; i++) {
		ck_assert_msg(l[i].tests[0] != NULL, "%s: line %s has no test",
		    lab->name, l[i].id);
		ck_assert_msg(l[i].broken[0] != NULL,
		    "%s: line %s has no broken submission", lab->name, l[i].id);
		for (j = 0; j < CONTRACT_MAX_REFS && l[i].tests[j]; j++)
			ck_assert_msg(ct_lab_has(lab, l[i].tests[j]),
			    "%s: line %s names no test '%s'", lab->name,
			    l[i].id, l[i].tests[j]);
		for (j = 0; j < CONTRACT_MAX_REFS && l[i].broken[j]; j++)
			ct_broken(lab->name, &l[i], l[i].broken[j]);
		for (j = 0; j < CONTRACT_MAX_REFS && l[i].suite[j]; j++)
			ct_suite_ref(l[i].suite[j]);
		for (k = 0; k < i; k++)
			ck_assert_msg(strcmp(l[k].id, l[i].id) != 0,
			    "%s: id %s twice", lab->name, l[i].id);
	}
	for (k = 0; k < lab->ntests; k++) {
		for (i = 0, found = 0; i < n && !found; i++)
			found = ct_refs_has(l[i].tests, lab->tests[k].name);
		ck_assert_msg(found, "%s: test %s belongs to no contract line",
		    lab->name, lab->tests[k].name);
	}
}
END_TEST

/* grader/labs/CONTRACT.md holds exactly the generated table of each lab. */
START_TEST(docs_match_registry)
{
	const char *lab = lab_at((size_t)_i)->name;
	char begin[96], end[96], *doc, *b, *e, *gen = NULL;
	size_t glen = 0;
	FILE *f = open_memstream(&gen, &glen);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(contract_table(f, lab), 0);
	fclose(f);
	doc = ct_slurp("grader/labs/CONTRACT.md");
	ck_assert_msg(doc != NULL, "grader/labs/CONTRACT.md: cannot read it");
	snprintf(begin, sizeof begin, "<!-- contract %s: generated -->\n", lab);
	snprintf(end, sizeof end, "<!-- end contract %s -->", lab);
	b = strstr(doc, begin);
	e = strstr(doc, end);
	ck_assert_msg(b != NULL && e != NULL && e > b,
	    "grader/labs/CONTRACT.md has no '%s' ... '%s' block", begin, end);
	b += strlen(begin);
	ck_assert_msg((size_t)(e - b) == glen && memcmp(b, gen, glen) == 0,
	    "grader/labs/CONTRACT.md's %s table is not the registry's: run "
	    "make "
	    "contract-docs",
	    lab);
	free(doc);
	free(gen);
}
END_TEST

/* The handout's contract section states contract.h's numbers (spaces
 * and line breaks folded). */
static void
ct_handout_says(const char *text, const char *path, const char *want)
{
	ck_assert_msg(strstr(text, want) != NULL,
	    "%s does not say \"%s\" (grader/labs/contract.h)", path, want);
}

START_TEST(handouts_state_the_numbers)
{
	const struct grade_lab *lab = lab_at((size_t)_i);
	char path[128], *text, *d, *s;
	int i;

	snprintf(path, sizeof path, "labs/%s/README.md", lab->name);
	text = ct_slurp(path);
	ck_assert_msg(text != NULL, "%s: cannot read it", path);
	for (s = d = text; *s != '\0'; s++)
		if (!((*s == ' ' || *s == '\n') && d > text && d[-1] == ' '))
			*d++ = *s == '\n' ? ' ' : *s;
	*d = '\0';
	ck_assert_msg(lab->handout_says != NULL && lab->handout_says[0] != NULL,
	    "%s: the registry gives no phrase its handout must state",
	    lab->name);
	for (i = 0; lab->handout_says[i] != NULL; i++)
		ct_handout_says(text, path, lab->handout_says[i]);
	free(text);
}
END_TEST

/* The grader's messages give the contract's window and the tolerance. */
START_TEST(window_message)
{
	char buf[128];

	ck_assert_str_eq(contract_window(buf, sizeof buf),
	    "contract: 1.000-1.050 s; accepted here: 0.99-1.25 s");
}
END_TEST

static const struct {
	const char *out;
	int why_no, bad_no, nline, summary; /* 0: no disagreement */
	const char *why;
} ct_outs[] = {
    {"reply from 127.0.0.1:12000 seq=1 rtt=0.100 ms: PING 1\n"
     "seq=2 timeout\n2 sent, 1 received, 50% loss\n"
     "rtt min/avg/max = 0.100/0.100/0.100 ms\n",
        0, 0, 2, 1, ""},
    {"reply from [::1]:5 seq=1 rtt=1.000 ms: PING 1\n1 sent, 1 received, "
     "0% loss\nrtt min/avg/max = 1.000/1.000/1.000 ms\n",
        0, 0, 1, 1, ""},
    {"reply from ::1:5 seq=1 rtt=1.000 ms: PING 1\n", 1, 1, 0, 0,
        "no contract form"},
    {"reply from [127.0.0.1]:5 seq=1 rtt=1.000 ms: PING 1\n", 1, 1, 0, 0,
        "no contract form"},
    {"reply from 127.0.0.1:5 seq=1 rtt=1.0 ms: PING 1\n", 1, 1, 0, 0,
        "no contract form"},
    {"reply from 127.0.0.1:5 seq=1 rtt=1.000 ms: PING 2\n", 1, 1, 0, 0,
        "no contract form"},
    {"seq=2 timeout\n", 1, 0, 1, 0, "seq out of step"},
    {"seq=1 timeout\n1 sent, 0 received, 0% loss\n", 2, 0, 1, 1, "loss is not"},
    {"seq=1 timeout\nseq=2 timeout\nseq=3 timeout\nreply from 127.0.0.1:5 "
     "seq=4 rtt=1.000 ms: PING 4\n4 sent, 1 received, 75% loss\n",
        5, 0, 4, 1, "no rtt line"},
    {"1 sent, 0 received, 100% loss\nseq=1 timeout\n", 2, 0, 1, 1,
        "out of order"},
    {"seq=1 timeout", 1, 0, 1, 0, "no newline"},
};

START_TEST(parser_reads_the_contract)
{
	struct ping_out *po = malloc(sizeof *po);

	ck_assert_ptr_nonnull(po);
	ping_parse(ct_outs[_i].out, strlen(ct_outs[_i].out), po);
	ck_assert_msg(po->why_no == ct_outs[_i].why_no,
	    "case %d: disagreement at line %d (%s), expected %d", _i,
	    po->why_no, po->why, ct_outs[_i].why_no);
	ck_assert_int_eq(po->bad_no, ct_outs[_i].bad_no);
	ck_assert_int_eq(po->nline, ct_outs[_i].nline);
	ck_assert_int_eq(po->have_summary, ct_outs[_i].summary);
	ck_assert_msg(strstr(po->why, ct_outs[_i].why) != NULL,
	    "case %d: '%s' has no '%s'", _i, po->why, ct_outs[_i].why);
	if (_i == 1) {
		ck_assert_str_eq(po->line[0].ip, "::1");
		ck_assert_int_eq(po->line[0].port, 5);
		ck_assert_str_eq(po->line[0].from, "[::1]:5");
	}
	free(po);
}
END_TEST

Suite *
contract_suite(void)
{
	Suite *s = suite_create("contract");
	TCase *tc = tcase_create("contract");

	tcase_add_loop_test(tc, registry_complete, 0, (int)lab_count());
	tcase_add_loop_test(tc, docs_match_registry, 0, (int)lab_count());
	tcase_add_loop_test(
	    tc, handouts_state_the_numbers, 0, (int)lab_count());
	tcase_add_test(tc, window_message);
	tcase_add_loop_test(tc, parser_reads_the_contract, 0,
	    (int)(sizeof ct_outs / sizeof ct_outs[0]));
	suite_add_tcase(s, tc);
	return s;
}

/*
 * The tools in Portuguese (po/pt_BR.po): every message the tools print
 * on their help and error paths is translated, the catalogue is whole,
 * a failing grader report and labsniff's notes match their pt-BR
 * goldens, the machine-read formats do not change with the language,
 * and a missing locale falls back to English quietly.  Each tool runs
 * under env -i with only PATH and the locale variables set.
 */
#define _GNU_SOURCE /* mkdtemp, strcasestr */
#include <check.h>
#include <ctype.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "capture/i18n.h"
#include "grader/testkit/harness.h"

#define I18N_MS 30000 /* one tool run, grading included */
#define I18N_GOLDEN "po/tests/golden/"
#define I18N_SUB "broken/lab1-udp/client-nul-in-ping" /* fails client_pings */

/* 1 if glibc has the pt_BR.UTF-8 locale.  Without it LANG=pt_BR.UTF-8
 * cannot switch a program (LANGUAGE is ignored in the C locale): under
 * CI (.ci/run sets SOCKLAB_CI and generates it) that is a failure, on a
 * workstation the test says why it checks nothing and passes. */
static int
i18n_have_pt(void)
{
	int ok = setlocale(LC_ALL, "pt_BR.UTF-8") != NULL;

	setlocale(LC_ALL, "C");
	if (ok)
		return 1;
	ck_assert_msg(getenv("SOCKLAB_CI") == NULL,
	    "the pt_BR.UTF-8 locale is missing: CI must generate it "
	    "(.ci/run: locale-gen pt_BR.UTF-8)");
	fprintf(stderr, "i18n: SKIPPED: no pt_BR.UTF-8 locale here "
	                "(locale-gen pt_BR.UTF-8 enables these checks)\n");
	return 0;
}

/* Run tool args... under LANG=lang (and LANGUAGE=language unless NULL);
 * stdout and stderr are p's.  Returns the exit status. */
static int
i18n_run(struct proc *p, const char *lang, const char *language,
    const char *const args[])
{
	char *argv[32], envlang[64], envlanguage[64];
	int n = 0, i;

	argv[n++] = "/usr/bin/env";
	argv[n++] = "-i";
	argv[n++] = "PATH=/usr/local/bin:/usr/bin:/bin";
	snprintf(envlang, sizeof envlang, "LANG=%s", lang);
	argv[n++] = envlang;
	if (language != NULL) {
		snprintf(
		    envlanguage, sizeof envlanguage, "LANGUAGE=%s", language);
		argv[n++] = envlanguage;
	}
	argv[n++] = (char *)kit_bin(args[0]);
	for (i = 1; args[i] != NULL && n < 31; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	ck_assert_int_eq(proc_run(p, argv, I18N_MS), 0);
	ck_assert_msg(!p->timed_out, "%s timed out", args[0]);
	return PROC_EXIT(p);
}

/* Words that only English prose has: a line holding one of them, as a
 * whole word, was not translated.  (Option names, metavariables, byte
 * counts and protocol names read the same in both languages.) */
static const char *const i18n_english[] = {"the", "is", "not", "no", "and",
    "of", "to", "with", "for", "cannot", "bad", "unknown", "missing", "usage",
    "must", "after", "before", "reply", "request", "packet", "packets", "needs",
    "give", "only", "one", "option", "file", "exit", "status", "each", "when",
    "from", "read", "write", "run", "until", "without", NULL};

/* A character of a word, an option name ("--no-read") or an identifier. */
static int
i18n_wordc(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_';
}

static const char *
i18n_english_word(const char *line, size_t n)
{
	size_t i, k, len;

	for (k = 0; i18n_english[k] != NULL; k++) {
		len = strlen(i18n_english[k]);
		for (i = 0; i + len <= n; i++)
			if (strncmp(line + i, i18n_english[k], len) == 0 &&
			    (i == 0 || !i18n_wordc(line[i - 1])) &&
			    (i + len == n || !i18n_wordc(line[i + len])))
				return i18n_english[k];
	}
	return NULL;
}

/*
 * The lines of pt (the Portuguese output) that still hold English prose:
 * identical to the English run's line and holding an English word.  A
 * labsniff packet line ("0.000120 127.0.0.1 > ... -- notes") is decoded
 * as tcpdump decodes it, in English on purpose: only its notes, after
 * " -- ", are prose; so is a question its summary lists as never
 * answered ("    2.001439 echo request 10.0.0.1 > 10.0.0.2 id 1 seq 3").
 * Appends them to bad; returns how many.
 */
static int
i18n_untranslated(const char *en, const char *pt, char *bad, size_t badlen)
{
	const char *l = pt, *nl, *notes, *w, *t;
	int found = 0;
	size_t n;

	for (; *l != '\0'; l = *nl != '\0' ? nl + 1 : nl) {
		nl = l + strcspn(l, "\n");
		n = (size_t)(nl - l);
		t = l + strspn(l, " ");
		if (isdigit((unsigned char)*t) && memchr(t, '.', n) != NULL &&
		    strspn(t, "0123456789.") > 7) {
			notes = memmem(l, n, " -- ", 4);
			if (notes == NULL)
				continue;
			n -= (size_t)(notes - l);
			l = notes;
		}
		if ((w = i18n_english_word(l, n)) == NULL ||
		    memmem(en, strlen(en), l, n) == NULL)
			continue;
		found++;
		snprintf(bad + strlen(bad), badlen - strlen(bad),
		    "\n  [%s] %.*s", w, (int)(n < 160 ? n : 160), l);
	}
	return found;
}

/* The help and error paths of the three tools, as argument lists. */
static const char *const *const i18n_paths[] = {
    (const char *const[]){"labgrade", "--help", NULL},
    (const char *const[]){"labgrade", NULL},
    (const char *const[]){"labgrade", "--bogus", "lab1-udp", NULL},
    (const char *const[]){"labgrade", "nosuchlab", NULL},
    (const char *const[]){"labgrade", "--seed", "x", "lab1-udp", NULL},
    (const char *const[]){"labgrade", "--lang", "xx-bad", "lab1-udp", NULL},
    (const char *const[]){"labgrade", "--only", "nosuchtest", "lab1-udp", NULL},
    (const char *const[]){"labgrade", "--format", "json,tap", "lab1-udp", NULL},
    (const char *const[]){"labgrade", "--list", "lab1-udp", NULL},
    (const char *const[]){"labgrade", "--list", "lab2-tcp", NULL},
    (const char *const[]){"labpeer", "--help", NULL},
    (const char *const[]){"labpeer", "udp-server", "--help", NULL},
    (const char *const[]){"labpeer", "tcp-server", "--help", NULL},
    (const char *const[]){"labpeer", "udp-client", "--help", NULL},
    (const char *const[]){"labpeer", "tcp-client", "--help", NULL},
    (const char *const[]){"labpeer", "tcp-clients", "--help", NULL},
    (const char *const[]){"labpeer", NULL},
    (const char *const[]){"labpeer", "bogus", NULL},
    (const char *const[]){"labpeer", "udp-server", "99999", NULL},
    (const char *const[]){"labpeer", "udp-client", NULL},
    (const char *const[]){
        "labpeer", "udp-client", "::1", "1", "--drop", "2", NULL},
    (const char *const[]){"labpeer", "wait-for", "udp", "x", NULL},
    (const char *const[]){"labsniff", "--help", NULL},
    (const char *const[]){"labsniff", "--bogus", NULL},
    (const char *const[]){"labsniff", "-r", "/nonexistent/x.pcap", NULL},
    (const char *const[]){"labsniff", "-c", "0", NULL},
    (const char *const[]){"labsniff", "--json", "--ladder", NULL},
    (const char *const[]){"labsniff", "-r", "x", "-i", "lo", NULL},
};

START_TEST(test_untranslated)
{
	const char *const *args = i18n_paths[_i];
	struct proc en = {0}, pt = {0};
	char bad[4096] = "";
	int ren, rpt;

	if (!i18n_have_pt())
		return;
	ren = i18n_run(&en, "C", NULL, args);
	rpt = i18n_run(&pt, "pt_BR.UTF-8", NULL, args);
	ck_assert_msg(ren == rpt, "%s %s: exit %d in English, %d in pt_BR",
	    args[0], args[1] ? args[1] : "", ren, rpt);
	ck_assert_msg(
	    strcmp(en.out, pt.out) != 0 || strcmp(en.err, pt.err) != 0,
	    "%s %s: the same output in pt_BR as in English (catalogue not "
	    "found?): %.300s%.300s",
	    args[0], args[1] ? args[1] : "", pt.err, pt.out);
	i18n_untranslated(en.out, pt.out, bad, sizeof bad);
	i18n_untranslated(en.err, pt.err, bad, sizeof bad);
	ck_assert_msg(bad[0] == '\0', "%s %s: untranslated in pt_BR:%s",
	    args[0], args[1] ? args[1] : "", bad);
	proc_free(&en);
	proc_free(&pt);
}
END_TEST

/* Every message of the sources is in po/pt_BR.po, translated, none fuzzy
 * (make po-check: xgettext afresh, msgcmp, msgfmt --check --statistics). */
START_TEST(test_catalogue_whole)
{
	char *const argv[] = {
	    "make", "-s", "--no-print-directory", "po-check", NULL};
	struct proc p = {0};

	ck_assert_int_eq(proc_run(&p, argv, 60000), 0);
	ck_assert_msg(
	    PROC_EXIT(&p) == 0, "make po-check failed:\n%s%s", p.out, p.err);
	ck_assert_msg(strstr(p.err, " translated message") != NULL &&
	                  strstr(p.err, "untranslated") == NULL &&
	                  strstr(p.err, "fuzzy") == NULL,
	    "msgfmt --statistics: %s", p.err);
	proc_free(&p);
}
END_TEST

/* The whole file, or NULL. */
static char *
i18n_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int c;

	ck_assert_ptr_nonnull(m);
	if (f == NULL) {
		fclose(m);
		free(buf);
		return NULL;
	}
	while ((c = getc(f)) != EOF)
		putc(c, m);
	fclose(f);
	fclose(m);
	return buf;
}

static void
i18n_golden(const char *name, const char *got)
{
	char path[256];
	char *want;
	size_t i, line = 1, at = 0;

	snprintf(path, sizeof path, I18N_GOLDEN "%s", name);
	want = i18n_slurp(path);
	ck_assert_msg(want != NULL, "%s: missing", path);
	/* Check's messages are short: the first line that differs. */
	for (i = 0; want[i] != '\0' && want[i] == got[i]; i++)
		if (want[i] == '\n') {
			line++;
			at = i + 1;
		}
	ck_assert_msg(want[i] == got[i],
	    "%s differs from the output (pt_BR) at line %zu:\n"
	    "want: %.300s\ngot:  %.300s",
	    path, line, want + at, got + at);
	free(want);
}

/* labsniff's notes and summary in pt-BR on four of the test pcaps: a
 * refused connection and a client's reset, ICMP port unreachables, DNS
 * queries (the exchanges' notes and summary), traceroute (hops, route);
 * and no English prose left in them (only the decode stays English). */
static const char *const i18n_pcaps[] = {
    "tcp-reset", "udp-stray-unreach", "dns", "traceroute"};

START_TEST(test_golden_labsniff)
{
	char pcap[256], name[64], bad[4096] = "";
	struct proc en = {0}, p = {0};

	if (!i18n_have_pt())
		return;
	snprintf(pcap, sizeof pcap, "%s", kit_bin("tests/pcap/"));
	strcat(pcap, i18n_pcaps[_i]);
	strcat(pcap, ".pcap");
	ck_assert_int_eq(
	    i18n_run(&p, "pt_BR.UTF-8", NULL,
	        (const char *const[]){"labsniff", "-r", pcap, NULL}),
	    0);
	snprintf(name, sizeof name, "%s.pt_BR.out", i18n_pcaps[_i]);
	i18n_golden(name, p.out);
	ck_assert_int_eq(
	    i18n_run(&en, "C", NULL,
	        (const char *const[]){"labsniff", "-r", pcap, NULL}),
	    0);
	i18n_untranslated(en.out, p.out, bad, sizeof bad);
	ck_assert_msg(bad[0] == '\0',
	    "labsniff -r %s: untranslated in pt_BR:%s", i18n_pcaps[_i], bad);
	proc_free(&en);
	proc_free(&p);
}
END_TEST

/* s with what changes from run to run replaced (po/tests/i18n.py). */
static char *
i18n_normalize(const char *s, const char *sub)
{
	char top[4096];
	char *argv[] = {
	    "python3", "po/tests/i18n.py", "normalize", top, (char *)sub, NULL};
	struct proc p = {0};
	char *out;

	ck_assert_ptr_nonnull(getcwd(top, sizeof top));
	ck_assert_int_eq(proc_start_in(&p, argv, s), 0);
	ck_assert_int_eq(proc_wait(&p, 10000), 0);
	ck_assert_int_eq(PROC_EXIT(&p), 0);
	out = strdup(p.out);
	proc_free(&p);
	return out;
}

/* A submission as 'make demo' grades it: the reference server and the
 * client whose pings carry a NUL byte, in a new folder under dir. */
static void
i18n_submission(char *dir, size_t n)
{
	char cmd[4096 + 256];
	char *argv[] = {"sh", "-c", cmd, NULL};
	struct proc p = {0};

	snprintf(dir, n, "%s", kit_vartmp("i18n-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cmd, sizeof cmd,
	    "cp solutions/lab1-udp/udp_server.c '%s/' && cp '%s/udp_client.c' "
	    "'%s/'",
	    dir, kit_bin(I18N_SUB), dir);
	ck_assert_int_eq(proc_run(&p, argv, 10000), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "%s: %s", cmd, p.err);
	proc_free(&p);
}

static void
i18n_rm(const char *dir)
{
	char *argv[] = {"rm", "-rf", (char *)dir, NULL};
	struct proc p = {0};

	proc_run(&p, argv, 10000);
	proc_free(&p);
}

/* A failing grader report in pt-BR: the client whose pings carry a NUL
 * byte, as 'make demo' shows it. */
START_TEST(test_golden_report)
{
	struct proc p = {0};
	char sub[4096], *norm;

	if (!i18n_have_pt())
		return;
	i18n_submission(sub, sizeof sub);
	i18n_run(&p, "pt_BR.UTF-8", NULL,
	    (const char *const[]){"labgrade", "--color", "never", "--only",
	        "client_pings", "lab1-udp", sub, NULL});
	ck_assert_msg(strstr(p.out, "FAIL client_pings") != NULL,
	    "no failing client_pings:\n%s%s", p.out, p.err);
	norm = i18n_normalize(p.out, sub);
	i18n_golden("report-client-nul.pt_BR.txt", norm);
	free(norm);
	proc_free(&p);
	i18n_rm(sub);
}
END_TEST

/* The same grading in both languages, every format: JSON keys and
 * values, statuses, test names, CSV, TAP lines, JUnit structure and the
 * Autolab line identical; only prose fields (and "lang") differ. */
START_TEST(test_machine_formats)
{
	char dir[4096], en[4200], pt[4200];
	char *cmp[] = {"python3", "po/tests/i18n.py", "formats", en, pt, NULL};
	const char *langs[2] = {"C", "pt_BR.UTF-8"};
	struct proc p = {0};
	int i;

	if (!i18n_have_pt())
		return;
	i18n_submission(dir, sizeof dir);
	snprintf(en, sizeof en, "%s/en", dir);
	snprintf(pt, sizeof pt, "%s/pt", dir);
	for (i = 0; i < 2; i++) {
		i18n_run(&p, langs[i], NULL,
		    (const char *const[]){"labgrade", "--only", "client_pings",
		        "--format",
		        "text,json,csv,tap,junit,autolab,gradescope", "--out",
		        i == 0 ? en : pt, "lab1-udp", dir, NULL});
		proc_free(&p);
	}
	ck_assert_int_eq(proc_run(&p, cmp, 20000), 0);
	ck_assert_msg(
	    PROC_EXIT(&p) == 0, "the formats differ:\n%s%s", p.out, p.err);
	proc_free(&p);
	i18n_rm(dir);
}
END_TEST

/* --lang pt_BR (and LABGRADE_LANG) under LANG=C; --lang en under pt_BR. */
START_TEST(test_lang_option)
{
	struct proc p = {0};
	char *argv[] = {"/usr/bin/env", "-i", "LANG=C", "LABGRADE_LANG=pt_BR",
	    (char *)kit_bin("labgrade"), "--seed", "x", "lab1-udp", NULL};

	if (!i18n_have_pt())
		return;
	i18n_run(&p, "C", NULL,
	    (const char *const[]){"labgrade", "--lang", "pt_BR", "--seed", "x",
	        "lab1-udp", NULL});
	ck_assert_msg(strstr(p.err, "--seed inválido") != NULL, "%s", p.err);
	proc_free(&p);
	i18n_run(&p, "pt_BR.UTF-8", NULL,
	    (const char *const[]){
	        "labgrade", "--lang", "en", "--seed", "x", "lab1-udp", NULL});
	ck_assert_msg(strstr(p.err, "bad --seed") != NULL, "%s", p.err);
	proc_free(&p);
	ck_assert_int_eq(proc_run(&p, argv, I18N_MS), 0);
	ck_assert_msg(strstr(p.err, "--seed inválido") != NULL, "%s", p.err);
	proc_free(&p);
}
END_TEST

/* make gradescope LABGRADE_LANG=pt_BR: the zip carries source/lang and
 * run_autograder grades in that language (an empty submission: the
 * build fails, in Portuguese, whatever the container's locale); a bad
 * language is refused.  Without it the zip has no lang (labgrade's own
 * test checks that zip's list). */
START_TEST(test_gradescope_lang)
{
	char dir[512], cmd[16384];
	char *argv[] = {"sh", "-c", cmd, NULL};
	struct proc p = {0};

	if (!i18n_have_pt())
		return;
	snprintf(dir, sizeof dir, "%s", kit_vartmp("i18n-gs-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cmd, sizeof cmd,
	    "set -e; LABGRADE_LANG=pt_BR sh grader/gradescope/pack.sh lab1-udp "
	    "%s/gs.zip >/dev/null; python3 -c 'import sys, zipfile; "
	    "z = zipfile.ZipFile(sys.argv[1]); "
	    "assert z.read(\"lang\") == b\"pt_BR\\n\", z.namelist()' "
	    "%s/gs.zip; "
	    "if LABGRADE_LANG=pt-br sh grader/gradescope/pack.sh lab1-udp "
	    "%s/bad.zip 2>%s/err; then exit 9; fi; grep -q LABGRADE_LANG "
	    "%s/err; mkdir -p %s/ag/source %s/ag/submission; "
	    "echo lab1-udp >%s/ag/source/lab; echo pt_BR >%s/ag/source/lang; "
	    "env -i PATH=/usr/bin:/bin LANG=C AUTOGRADER=%s/ag "
	    "SOCKLAB_KIT=\"$PWD\" "
	    "sh grader/gradescope/run_autograder; python3 -c 'import json, "
	    "sys; d = json.load(open(sys.argv[1])); "
	    "assert \"idioma: pt_BR\" in d[\"output\"], d[\"output\"]; "
	    "assert \"A compilação falhou\" in d[\"output\"], d[\"output\"]; "
	    "assert d[\"score\"] == 0' %s/ag/results/results.json",
	    dir, dir, dir, dir, dir, dir, dir, dir, dir, dir, dir);
	ck_assert_int_eq(proc_run(&p, argv, 120000), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "gradescope in pt_BR: exit %d\n%s%s",
	    PROC_EXIT(&p), p.out, p.err);
	proc_free(&p);
	i18n_rm(dir);
}
END_TEST

/*
 * The class dashboard in pt-BR (labgrade --class under LANG=pt_BR.UTF-8):
 * <html lang="pt-BR">, no English prose left in it or in a student's
 * page (po/tests/i18n.py dashboard, against the same pages rebuilt with
 * --lang en); --dashboard rebuilds it the same under --lang pt_BR or
 * LANG; it validates and renders (grader/class/tests/dashboard-check.py:
 * tidy, headless Chromium, a 390 px phone).  And a catalogue whose
 * translations carry markup (a <script>, a link out) gets it escaped
 * as text.  The class: a reference (alice), an empty folder (bruno), the
 * skeleton (carla, below --fail-under), one that does not build (davi);
 * every one late.
 */
START_TEST(test_dashboard)
{
	char dir[4096], cmd[16384], kit[4096];
	char *argv[] = {"sh", "-c", cmd, NULL};
	struct proc p = {0};

	if (!i18n_have_pt())
		return;
	ck_assert_ptr_nonnull(getcwd(kit, sizeof kit));
	snprintf(dir, sizeof dir, "%s", kit_vartmp("i18n-dash-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cmd, sizeof cmd,
	    "set -e; D=%s; LG=%s; K=%s; E='env -i PATH=/usr/bin:/bin'; "
	    "mkdir $D/c $D/c/alice $D/c/bruno $D/c/carla $D/c/davi; "
	    "cp \"$K\"/solutions/lab1-udp/udp_*.c $D/c/alice/; "
	    "cp \"$K\"/labs/lab1-udp/udp_*.c $D/c/carla/; "
	    "cp \"$K\"/solutions/lab1-udp/udp_*.c $D/c/davi/; "
	    "echo 'int x = ;' >> $D/c/davi/udp_server.c; "
	    "$E LANG=pt_BR.UTF-8 $LG --class $D/c -j 4 --fail-under 60 "
	    "--due 2026-01-01T00:00Z lab1-udp >$D/out 2>&1 || "
	    "test $? = 3 || { cat $D/out; exit 1; }; "
	    "grep -q '] alice: corrigida ' $D/out && grep -q '] davi: não "
	    "compilada' "
	    "$D/out || { cat $D/out; exit 1; }; "
	    "O=$D/c-labgrade; cp $O/report.html $D/pt.html; "
	    "cp $O/students/alice/report.html $D/pt-alice.html; "
	    "cp $O/students/davi/report.html $D/pt-davi.html; "
	    "$E LANG=pt_BR.UTF-8 $LG --lang en --dashboard $O >/dev/null; "
	    "cp $O/report.html $D/en.html; "
	    "cp $O/students/alice/report.html $D/en-alice.html; "
	    "cp $O/students/davi/report.html $D/en-davi.html; "
	    "grep -q '<pre lang=\"pt-BR\">' $D/en-alice.html; "
	    "$E LANG=C $LG --lang pt_BR --dashboard $O >/dev/null; "
	    "cmp $O/report.html $D/pt.html; "
	    "$E LANG=pt_BR.UTF-8 $LG --dashboard $O >/dev/null; "
	    "cmp $O/report.html $D/pt.html; "
	    "cmp $O/students/alice/report.html $D/pt-alice.html; "
	    "python3 po/tests/i18n.py dashboard $D/en.html $D/pt.html "
	    "$D/en-alice.html $D/pt-alice.html $D/en-davi.html "
	    "$D/pt-davi.html; "
	    "python3 grader/class/tests/dashboard-check.py $O; "
	    "mkdir -p $D/bin/locale/pt_BR/LC_MESSAGES; cp $LG $D/bin/; "
	    "python3 po/tests/i18n.py evil-po $D/evil.po; "
	    "msgfmt -o $D/bin/locale/pt_BR/LC_MESSAGES/socklab.mo $D/evil.po "
	    "2>/dev/null; $E LANG=pt_BR.UTF-8 $D/bin/labgrade --dashboard $O "
	    ">/dev/null; python3 po/tests/i18n.py escaped $O/report.html",
	    dir, kit_bin("labgrade"), kit_shq(kit));
	ck_assert_int_eq(proc_run(&p, argv, 170000), 0);
	i18n_rm(dir); /* first: a failure leaves nothing behind */
	ck_assert_msg(
	    PROC_EXIT(&p) == 0, "the dashboard in pt_BR:\n%s%s", p.out, p.err);
	proc_free(&p);
}
END_TEST

/* Every man page has a pt-BR page with the English page's sections,
 * subsections, tagged paragraphs, options and code names
 * (po/tests/i18n.py man), and it renders without a groff warning. */
START_TEST(test_man_pages)
{
	char *argv[] = {"sh", "-c",
	    "python3 po/tests/i18n.py man . && for f in capture/*.pt_BR.1 "
	    "grader/*/*.pt_BR.1; do w=$(MANWIDTH=80 man --warnings -l $f 2>&1 "
	    ">/dev/null); test -z \"$w\" || { echo \"$f: $w\"; exit 1; }; done",
	    NULL};
	struct proc p = {0};

	ck_assert_int_eq(proc_run(&p, argv, 30000), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0,
	    "a pt-BR man page is behind its English page:\n%s%s", p.out, p.err);
	proc_free(&p);
}
END_TEST

/* labsniff --svg in pt-BR: the ladder of a refused and a reset
 * connection, the timeline and the route of a traceroute: UTF-8 letters
 * (not '?') and no English text but the packets' labels
 * (po/tests/i18n.py svg). */
START_TEST(test_svg)
{
	char dir[4096], cmd[8192];
	char *argv[] = {"sh", "-c", cmd, NULL};
	struct proc p = {0};

	if (!i18n_have_pt())
		return;
	snprintf(dir, sizeof dir, "%s", kit_vartmp("i18n-svg-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cmd, sizeof cmd,
	    "set -e; D=%s; S=%s; P=%s; for l in C pt_BR.UTF-8; do "
	    "E=\"env -i PATH=/usr/bin:/bin LANG=$l\"; "
	    "$E $S -r $P/tcp-reset.pcap --ladder --svg $D/l-$l.svg >/dev/null; "
	    "$E $S -r $P/traceroute.pcap --timeline --svg $D/t-$l.svg "
	    ">/dev/null; $E $S -r $P/traceroute.pcap --ladder --svg "
	    "$D/r-$l.svg >/dev/null; done; python3 po/tests/i18n.py svg "
	    "$D/l-C.svg $D/l-pt_BR.UTF-8.svg $D/t-C.svg $D/t-pt_BR.UTF-8.svg "
	    "$D/r-C.svg $D/r-pt_BR.UTF-8.svg; grep -q 'apresentação 1/3' "
	    "$D/l-pt_BR.UTF-8.svg",
	    dir, kit_bin("labsniff"), kit_bin("tests/pcap"));
	ck_assert_int_eq(proc_run(&p, argv, 30000), 0);
	i18n_rm(dir);
	ck_assert_msg(
	    PROC_EXIT(&p) == 0, "labsniff --svg in pt_BR:\n%s%s", p.out, p.err);
	proc_free(&p);
}
END_TEST

/* make demo's scene headings in pt-BR: every one is a gettext "..." that
 * make pot extracts and the catalogue translates (po/tests/i18n.py demo),
 * and a scene run under LANG=pt_BR.UTF-8 prints its heading in
 * Portuguese (the recipes export TEXTDOMAINDIR, the build tree's). */
START_TEST(test_demo_headings)
{
	char locale[4096], cmd[8192];
	char *check[] = {
	    "python3", "po/tests/i18n.py", "demo", ".", locale, NULL};
	char *scene[] = {"sh", "-c", cmd, NULL};
	struct proc p = {0};

	if (!i18n_have_pt())
		return;
	snprintf(locale, sizeof locale, "%s", kit_bin("locale"));
	if (locale[0] != '/') {
		char top[2048];

		ck_assert_ptr_nonnull(getcwd(top, sizeof top));
		snprintf(
		    locale, sizeof locale, "%s/%s", top, kit_bin("locale"));
	}
	ck_assert_int_eq(proc_run(&p, check, 30000), 0);
	ck_assert_msg(
	    PROC_EXIT(&p) == 0, "make demo's headings:\n%s%s", p.out, p.err);
	proc_free(&p);
	snprintf(cmd, sizeof cmd,
	    "env -i PATH=/usr/bin:/bin LANG=pt_BR.UTF-8 make -s "
	    "--no-print-directory demo-lab3-concurrent 2>&1");
	ck_assert_int_eq(proc_run(&p, scene, 60000), 0);
	ck_assert_msg(
	    strstr(p.out, "== Lab 3: seis clientes ao mesmo tempo") &&
	        strstr(p.out, "(a mesma linha do tempo como imagem: "),
	    "make demo-lab3-concurrent under pt_BR:\n%s", p.out);
	proc_free(&p);
}
END_TEST

/* A locale that does not exist: English, byte for byte, and not a word
 * about it. */
START_TEST(test_fallback)
{
	const char *const *args = i18n_paths[_i];
	struct proc en = {0}, xx = {0};

	i18n_run(&en, "C", NULL, args);
	i18n_run(&xx, "xx_YY.UTF-8", NULL, args);
	ck_assert_str_eq(xx.out, en.out);
	ck_assert_str_eq(xx.err, en.err);
	proc_free(&en);
	proc_free(&xx);
	/* LANGUAGE alone, in the C locale, changes nothing either */
	i18n_run(&en, "C", NULL, args);
	i18n_run(&xx, "C", "pt_BR", args);
	ck_assert_str_eq(xx.out, en.out);
	ck_assert_str_eq(xx.err, en.err);
	proc_free(&en);
	proc_free(&xx);
}
END_TEST

/*
 * Counts through ngettext, in both languages: a count of one is singular
 * ("0 of 1 reply line correct", "0 de 1 linha de resposta correta"), a
 * plural that English made by hand ("2 more lines") is translated.  An
 * argument "@NAME" is the test pcap NAME.  Nothing listens on port 1:
 * labpeer's start and verdict lines are all these need.
 */
static const struct {
	const char *args[12];
	const char *en, *pt;
} i18n_counts[] = {
    {{"labpeer", "udp-client", "127.0.0.1", "1", "--count", "1", "--timeout",
         "100", NULL},
        "udp-client: 1 request, timeout", "udp-client: 1 requisição, timeout"},
    {{"labpeer", "udp-client", "127.0.0.1", "1", "--count", "1", "--timeout",
         "100", NULL},
        "FAIL: 0 of 1 request answered correctly;",
        "FAIL: 0 de 1 requisição respondida corretamente;"},
    {{"labpeer", "tcp-client", "127.0.0.1", "1", "--count", "1", "--timeout",
         "100", NULL},
        "tcp-client: 1 line x 1 connection, timeout",
        "tcp-client: 1 linha x 1 conexão, timeout"},
    {{"labpeer", "tcp-client", "127.0.0.1", "1", "--count", "2",
         "--connections", "3", "--timeout", "100", NULL},
        "tcp-client: 2 lines x 3 connections, timeout",
        "tcp-client: 2 linhas x 3 conexões, timeout"},
    {{"labpeer", "tcp-client", "127.0.0.1", "1", "--count", "1", "--timeout",
         "100", NULL},
        "FAIL: 0 of 1 reply line correct;",
        "FAIL: 0 de 1 linha de resposta correta;"},
    {{"labsniff", "-r", "@icmp-echo", NULL}, ": 1 sent, 1 answered, 0% loss",
        ": 1 enviado, 1 com resposta, 0% de perda"},
    {{"labsniff", "-r", "@icmp-ping", NULL}, ": 5 sent, 4 answered, 20% loss",
        ": 5 enviados, 4 com resposta, 20% de perda"},
    {{"labsniff", "-r", "@app", NULL}, "\"250-mail.example\" and 2 more lines",
        "\"250-mail.example\" e mais 2 linhas"},
    {{"labsniff", "-r", "@icmp-unreach", NULL},
        "2 packets/96 bytes sent, 0 packets/0 bytes back; 2 requests, 0 "
        "replies, 2 unanswered; 2 ICMP port unreachable errors;",
        "2 pacotes/96 bytes enviados, 0 pacotes/0 bytes de volta; 2 "
        "requisições, 0 respostas, 2 sem resposta; 2 erros ICMP de porta "
        "inalcançável;"},
};

START_TEST(test_counts)
{
	const char *args[12], *const *a = i18n_counts[_i].args;
	char pcap[4096];
	struct proc en = {0}, pt = {0};
	int i;

	if (!i18n_have_pt())
		return;
	for (i = 0; a[i] != NULL; i++)
		args[i] = a[i];
	args[i] = NULL;
	for (i = 0; args[i] != NULL; i++)
		if (args[i][0] == '@') {
			snprintf(pcap, sizeof pcap, "%s/%s.pcap",
			    kit_bin("tests/pcap"), args[i] + 1);
			args[i] = pcap;
		}
	i18n_run(&en, "C", NULL, args);
	i18n_run(&pt, "pt_BR.UTF-8", NULL, args);
	ck_assert_msg(strstr(en.out, i18n_counts[_i].en) != NULL,
	    "%s %s: no \"%s\" in English:\n%.600s", args[0], args[1],
	    i18n_counts[_i].en, en.out);
	ck_assert_msg(strstr(pt.out, i18n_counts[_i].pt) != NULL,
	    "%s %s: no \"%s\" in pt_BR:\n%.600s", args[0], args[1],
	    i18n_counts[_i].pt, pt.out);
	proc_free(&en);
	proc_free(&pt);
}
END_TEST

/* P_(), labsniff's per-packet words: the catalogue's translation, the
 * same text again without a second lookup, the message itself in English,
 * and a change of language through i18n_force followed (what was kept in
 * one language is not answered in the next). */
START_TEST(test_once)
{
	static const char msg[] = "datagram #";

	i18n_init();
	ck_assert_int_eq(i18n_force("pt_BR"), 0);
	ck_assert_str_eq(P_(msg), "datagrama #");
	ck_assert_ptr_eq(P_(msg), P_(msg));
	ck_assert_str_eq(P_(msg), gettext(msg));
	ck_assert_int_eq(i18n_force("en"), 0);
	ck_assert_ptr_eq(P_(msg), msg);
	ck_assert_int_eq(i18n_force("pt_BR"), 0);
	ck_assert_str_eq(P_(msg), "datagrama #");
}
END_TEST

Suite *
i18n_suite(void)
{
	Suite *s = suite_create("i18n");
	TCase *tc = tcase_create("pt_BR");
	int n = (int)(sizeof i18n_paths / sizeof i18n_paths[0]);

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_untranslated, 0, n);
	tcase_add_test(tc, test_catalogue_whole);
	tcase_add_loop_test(tc, test_golden_labsniff, 0,
	    (int)(sizeof i18n_pcaps / sizeof i18n_pcaps[0]));
	tcase_add_test(tc, test_golden_report);
	tcase_add_test(tc, test_machine_formats);
	tcase_add_test(tc, test_lang_option);
	tcase_add_test(tc, test_gradescope_lang);
	tcase_add_test(tc, test_man_pages);
	tcase_add_test(tc, test_demo_headings);
	tcase_add_test(tc, test_svg);
	tcase_add_loop_test(tc, test_fallback, 0, 4);
	tcase_add_test(tc, test_once);
	tcase_add_loop_test(tc, test_counts, 0,
	    (int)(sizeof i18n_counts / sizeof i18n_counts[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("dashboard"); /* a class graded, then a browser */
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_dashboard);
	suite_add_tcase(s, tc);
	return s;
}

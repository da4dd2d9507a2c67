/*
 * The report formats, each read back by a real parser: python3's json
 * (JSON, Gradescope, Autolab's last line), xmllint (JUnit), python3's
 * csv (CSV) and a TAP parser here; fed test output that holds NUL (as
 * the record shows it), control bytes, invalid UTF-8, quotes and "]]>".
 */
#define _GNU_SOURCE /* open_memstream, mkdtemp with -std=c11 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "report.h"

/* What a hostile student can put into a report's strings. */
static const char nasty[] =
    "quote\" apos' <tag> & ]]> \\0 nul\x01\x1b[31m"
    " bad utf8 \xff\xfe\xc3( over\xc0\xaf surrogate \xed\xa0\x80 ok \xc3\xa9"
    " line2\nline3\ttab \r cr \x7f del \xc2\x85 nel";

static char *
rt_dup(const char *s)
{
	char *d = strdup(s);

	ck_assert_ptr_nonnull(d);
	return d;
}

/* Fifteen lines of stdout: the report shows the last REPORT_TAIL_LINES. */
static const char rt_out15[] =
    "out 1\nout 2\nout 3\nout 4\nout 5\nout 6\nout 7\nout 8\nout 9\n"
    "out 10\nout 11\nout 12\nout 13\nout 14\nout 15\n";

/* Five tests: passed, failed (nasty everywhere), not run before it
 * started (its program did not build), timed out (a client killed at
 * its deadline), and not run by its own decision after it started. */
static void
rt_report(struct report *r)
{
	struct report_test *t;

	memset(r, 0, sizeof *r);
	r->lab = rt_dup("lab1-udp");
	r->dir = rt_dup("subs/al\"ice ]]> \xff");
	r->version = rt_dup("0.1.0");
	r->seed = 42;
	strcpy(r->rubric_hash, "0123456789abcdef");
	r->rubric_path = rt_dup("grader/labs/lab1-udp/lab1-udp.rubric");
	r->build_ok = 0;
	r->build_why = rt_dup("udp_client did not build");
	r->build_log = rt_dup(nasty);
	r->cell_note = rt_dup("unshare: Operation not permitted");
	r->ntests = 5;
	r->tests = calloc(5, sizeof *r->tests);
	ck_assert_ptr_nonnull(r->tests);
	t = &r->tests[0];
	t->name = rt_dup("server_starts");
	t->summary = rt_dup("it starts");
	t->status = GS_PASSED;
	t->points = t->max_points = 6;
	t->visibility = rt_dup("visible");
	t = &r->tests[1];
	t->name = rt_dup("server_all_bytes");
	t->summary = rt_dup(nasty);
	t->status = GS_FAILED;
	t->max_points = 8;
	t->visibility = rt_dup("after_due_date");
	t->reason = rt_dup(nasty);
	t->nexplain = 2;
	t->explain = calloc(2, sizeof *t->explain);
	t->explain[0] = rt_dup("expected @0: 50 49 [4e]  \"PIN\"");
	t->explain[1] = rt_dup(nasty);
	t->repro = rt_dup("labpeer udp-client 127.0.0.1 12000 --all-bytes");
	t->trace_text = rt_dup(nasty);
	t->nstudent = 1;
	t->student[0].role = rt_dup("server");
	t->student[0].cmdline = rt_dup("udp_server 12000");
	t->student[0].outcome = rt_dup("crashed");
	t->student[0].kind = RUN_SIGNALED;
	t->student[0].status = 11;
	t->student[0].err_tail = rt_dup(nasty);
	t->student[0].out_tail = rt_dup(nasty);
	t = &r->tests[2];
	t->name = rt_dup("client_pings");
	t->summary = rt_dup("pings");
	t->status = GS_NOT_RUN;
	t->max_points = 6;
	t->reason = rt_dup("udp_client did not build # not a directive");
	t = &r->tests[3];
	t->name = rt_dup("client_rtt");
	t->summary = rt_dup("rtt");
	t->status = GS_TIMEOUT;
	t->max_points = 5;
	t->reason = rt_dup("the client did not exit normally");
	t->started = 1;
	t->nstudent = 1;
	t->student[0].role = rt_dup("client");
	t->student[0].cmdline = rt_dup("subs/alice/udp_client 127.0.0.1 1 6");
	t->student[0].outcome = rt_dup("timed out");
	t->student[0].kind = RUN_TIMEOUT;
	t->student[0].status = 9;
	t->student[0].signal = 9;
	t->student[0].wall_ms = 4000;
	t->student[0].out_tail = rt_dup(rt_out15);
	t->student[0].err_tail = rt_dup("");
	t = &r->tests[4];
	t->name = rt_dup("server_no_read");
	t->summary = rt_dup("survives SIGPIPE");
	t->status = GS_NOT_RUN;
	t->max_points = 4;
	t->started = 1;
	t->reason = rt_dup("grader: could not connect to the server");
	t->nexplain = 1;
	t->explain = calloc(1, sizeof *t->explain);
	t->explain[0] = rt_dup("a client sends 3000 lines and leaves");
	t->repro = rt_dup("build/labpeer tcp-client 127.0.0.1 12000 --no-read");
	t->repro_build = rt_dup("make -C subs/alice tcp_server");
	t->nstudent = 1;
	t->student[0].role = rt_dup("server");
	t->student[0].cmdline = rt_dup("subs/alice/tcp_server 12000");
	t->student[0].outcome = rt_dup("crashed");
	t->student[0].kind = RUN_SIGNALED;
	t->student[0].status = SIGPIPE;
	t->student[0].err_tail = rt_dup("");
	t->student[0].out_tail = rt_dup("listening on 12000\n");
	r->score = 6;
	r->max_score = 29;
	r->ran = 3;
	r->passed = 1;
	r->not_run = 2;
}

/* The format written to a file; its path in a static buffer. */
static const char *
rt_write(int format, int colour)
{
	static char path[64];
	struct report_opts o = {
	    .colour = colour, .argv0 = "labgrade", .csv_header = 1};
	struct report r;
	FILE *f;
	int fd;

	snprintf(path, sizeof path, "%s", kit_tmp("check_report-XXXXXX"));
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	rt_report(&r);
	ck_assert_int_eq(report_write(format, f, &r, &o), 0);
	fclose(f);
	report_free(&r);
	return path;
}

/* Run a program over the file; its stdout and exit status. */
static int
rt_run(char *const argv[], struct proc *p)
{
	ck_assert_int_eq(proc_start(p, argv), 0);
	proc_wait(p, 20000);
	return PROC_EXIT(p);
}

static void
rt_python(const char *code, const char *path, const char *want)
{
	char *argv[] = {"python3", "-c", (char *)code, (char *)path, NULL};
	struct proc p;
	int rc = rt_run(argv, &p);

	ck_assert_msg(rc == 0, "python3 rejected %s: %s", path, p.err);
	ck_assert_msg(
	    strstr(p.out, want) != NULL, "expected '%s' in '%s'", want, p.out);
	proc_free(&p);
	unlink(path);
}

static const char py_json[] =
    "import json,sys\n"
    "d=json.load(open(sys.argv[1],encoding='utf-8'))\n"
    "t=d['tests']\n"
    "assert len(t)==5 and d['score']==6 and d['max_score']==29\n"
    "assert d['seed']==42 and d['rubric_hash']=='0123456789abcdef'\n"
    "r=t[1]['reason']\n"
    "assert ']]>' in r and '\"' in r and '\\ufffd' in r and '\\x1b' in r\n"
    "assert '\\x00' not in r and 'line2\\nline3' in r\n"
    "s=t[1]['students'][0]\n"
    "assert s['outcome']=='crashed: signal 11 (SIGSEGV)', s\n"
    "assert s['signal']==11 and s['signal_name']=='SIGSEGV', s\n"
    "assert s['exit_status'] is None and s['outcome_kind']=='crashed'\n"
    "s=t[3]['students'][0]\n"
    "assert s['outcome']==\"killed by the grader after 4 s (this test's "
    "limit for the program)\", s\n"
    "assert t[4]['students'][0]['outcome']=='killed by signal 13 "
    "(SIGPIPE)'\n"
    "assert t[4]['repro_build']=='make -C subs/alice tcp_server'\n"
    "assert t[1]['repro_build'] is None\n"
    "assert t[1]['rerun'].startswith('labgrade --only server_all_bytes "
    "--seed 42 lab1-udp ')\n"
    "assert [x['status'] for x in t]==['passed','failed','not run',"
    "'timed out','not run']\n"
    /* it did not build: never a plain result */
    "assert d['status']=='error' and d['status_reason']=='not built', d\n"
    "assert all(x['counted'] for x in t)\n"
    "print('OK')\n";

START_TEST(json_parses)
{
	rt_python(py_json, rt_write(REPORT_JSON, 0), "OK");
}
END_TEST

static const char py_gradescope[] =
    "import json,sys\n"
    "d=json.load(open(sys.argv[1],encoding='utf-8'))\n"
    "assert d['score']==6\n"
    "t=d['tests']\n"
    /* the build failed: a failing test of its own, first */
    "assert t[0]['name']=='build' and t[0]['status']=='failed', t[0]\n"
    "assert t[0]['output']=='udp_client did not build', t[0]\n"
    "t=t[1:]\n"
    "assert len(t)==5 and sum(x['max_score'] for x in t)==29\n"
    /* the after_due_date test (8 points) in no total shown */
    "assert 'Score on the tests shown: 6/21' in d['output'], d['output']\n"
    "assert '29' not in d['output'], d['output']\n"
    "for x in t:\n"
    " assert set(x)=={'name','score','max_score','status','output',"
    "'visibility'}, x.keys()\n"
    " assert x['status'] in ('passed','failed')\n"
    " assert x['visibility'] in ('hidden','after_due_date',"
    "'after_published','visible')\n"
    "assert t[1]['visibility']=='after_due_date' and t[1]['score']==0\n"
    "assert 'rerun only this test' in t[1]['output']\n"
    "assert 'packet trace' in t[1]['output']\n"
    "assert \"killed by the grader after 4 s (this test's limit\" in "
    "t[3]['output'] and 'status 9' not in t[3]['output']\n"
    "assert 'crashed: signal 11 (SIGSEGV)' in t[1]['output']\n"
    "assert 'could not connect' in t[4]['output']\n"
    "assert 'rerun only this test' in t[4]['output']\n"
    "assert 'The build failed' in d['output']\n"
    "print('OK')\n";

START_TEST(gradescope_parses)
{
	rt_python(py_gradescope, rt_write(REPORT_GRADESCOPE, 0), "OK");
}
END_TEST

static const char py_autolab[] =
    "import json,sys\n"
    "lines=open(sys.argv[1],'rb').read().decode('utf-8').splitlines()\n"
    "d=json.loads(lines[-1])\n"
    "assert d['scores']=={'server_starts':6,'server_all_bytes':0,"
    "'client_pings':0,'client_rtt':0,'server_no_read':0}, d\n"
    "assert d['scoreboard'][0]==6\n"
    "print('OK')\n";

START_TEST(autolab_last_line)
{
	rt_python(py_autolab, rt_write(REPORT_AUTOLAB, 1), "OK");
}
END_TEST

static const char py_junit[] =
    "import sys,xml.etree.ElementTree as E\n"
    "r=E.parse(sys.argv[1]).getroot()\n"
    "assert r.tag=='testsuites'\n"
    "s=r.find('testsuite')\n"
    "c=s.findall('testcase')\n"
    /* the build: a failing test case of its own, never all skipped */
    "b=c[0]\n"
    "assert b.get('name')=='build' and b.find('failure') is not None\n"
    "assert b.find('failure').get('message')=='udp_client did not build'\n"
    "assert s.get('failures')=='3' and r.get('failures')=='3', s.attrib\n"
    "c=c[1:]\n"
    "assert len(c)==5 and s.get('tests')=='6'\n"
    "assert c[0].find('failure') is None\n"
    "f=c[1].find('failure')\n"
    "assert ']]>' in f.get('message') and ']]>' in f.text\n"
    "assert c[2].find('skipped') is not None\n"
    "f=c[3].find('failure')\n"
    "assert f.get('type')=='timed out'\n"
    "assert \"killed by the grader after 4 s (this test's limit for the "
    "program)\" in f.text and 'status 9' not in f.text, f.text\n"
    "assert 'crashed: signal 11 (SIGSEGV)' in c[1].find('failure').text\n"
    "k=c[4].find('skipped')\n"
    "assert 'a client sends 3000 lines' in k.text and "
    "'rerun only this test' in k.text, k.text\n"
    "print('OK')\n";

START_TEST(junit_parses)
{
	const char *path = rt_write(REPORT_JUNIT, 0);
	char *argv[] = {"xmllint", "--noout", (char *)path, NULL};
	struct proc p;

	ck_assert_msg(rt_run(argv, &p) == 0, "xmllint: %s", p.err);
	proc_free(&p);
	rt_python(py_junit, path, "OK");
}
END_TEST

static const char py_csv[] =
    "import csv,sys\n"
    "rows=list(csv.reader(open(sys.argv[1],encoding='utf-8',"
    "errors='replace',newline='')))\n"
    "assert len(rows)==2, rows\n"
    "assert rows[0]==['student','score','max','server_starts',"
    "'server_all_bytes','client_pings','client_rtt','server_no_read'], "
    "rows[0]\n"
    "assert rows[1][1:]==['6','29','6','0','0','0','0'], rows[1]\n"
    "assert rows[1][0].startswith('subs/al\"ice ]]>')\n"
    /* every cell quoted (RFC 4180) */
    "raw=open(sys.argv[1],'rb').read().splitlines()\n"
    "assert raw[0].startswith(b'\"student\",\"score\",\"max\",\"'), raw[0]\n"
    "assert raw[1].endswith(b'\",\"6\",\"29\",\"6\",\"0\",\"0\",\"0\","
    "\"0\"'), raw[1]\n"
    "print('OK')\n";

START_TEST(csv_parses)
{
	rt_python(py_csv, rt_write(REPORT_CSV, 0), "OK");
}
END_TEST

/* TAP 13: plan first, tests numbered in order, everything else a
 * comment, no raw control byte anywhere. */
START_TEST(tap_parses)
{
	const char *path = rt_write(REPORT_TAP, 0);
	char line[4096];
	int n = 0, plan = -1, skip = 0, notok = 0, no, i, killed = 0;
	int explained = 0, build = 0;
	FILE *f = fopen(path, "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
	ck_assert_str_eq(line, "TAP version 13\n");
	while (fgets(line, sizeof line, f) != NULL) {
		for (i = 0; line[i] != '\0' && line[i] != '\n'; i++)
			ck_assert_msg(
			    (unsigned char)line[i] >= 0x20 && line[i] != 0x7f,
			    "raw byte 0x%02x in '%s'", (unsigned char)line[i],
			    line);
		if (sscanf(line, "1..%d", &plan) == 1)
			continue;
		killed +=
		    line[0] == '#' &&
		    strstr(line, "killed by the grader after 4 s") != NULL;
		explained += strstr(line, "a client sends 3000 lines") != NULL;
		if (line[0] == '#')
			continue;
		if (sscanf(line, "ok %d", &no) == 1) {
			skip += strstr(line, "# SKIP") != NULL;
		} else if (sscanf(line, "not ok %d", &no) == 1) {
			notok++;
		} else {
			ck_abort_msg("not a TAP line: '%s'", line);
		}
		ck_assert_int_eq(no, ++n);
		ck_assert_msg(plan == 6, "test line before the plan");
		build += strstr(line, "not ok 6 - build (udp_client did not "
		                      "build)") == line;
	}
	fclose(f);
	unlink(path);
	ck_assert_int_eq(n, 6); /* the tests, then the build */
	ck_assert_int_eq(build, 1);
	ck_assert_int_eq(skip, 2);
	ck_assert_int_eq(notok, 3);
	ck_assert_int_eq(killed, 1);
	ck_assert_int_eq(explained, 1);
}
END_TEST

static char *
rt_slurp(const char *path, size_t *len)
{
	char *buf = NULL;
	FILE *f = fopen(path, "r"), *m;
	int c;

	ck_assert_ptr_nonnull(f);
	m = open_memstream(&buf, len);
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(m);
	fclose(f);
	return buf;
}

/* No student byte reaches a terminal raw: only our own colour codes. */
START_TEST(text_is_safe)
{
	const char *path = rt_write(REPORT_TEXT, _i);
	size_t len, i;
	char *s = rt_slurp(path, &len);

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		ck_assert_msg(c != 0 && c != '\r' && c != 0x7f && c != 0x01 &&
		                  c != 0xff && c != 0xfe,
		    "raw byte 0x%02x at %zu", c, i);
		if (c == 0x1b)
			ck_assert_msg(_i == 1 && s[i + 1] == '[' &&
			                  strchr("0123", s[i + 2]) != NULL &&
			                  strncmp(s + i, "\x1b[31m ba", 8) != 0,
			    "an escape sequence that is not ours at %zu", i);
	}
	ck_assert_ptr_nonnull(strstr(s, "\\x1b[31m"));
	ck_assert_ptr_nonnull(strstr(s, "total: 6/29 points"));
	ck_assert_ptr_nonnull(
	    strstr(s, "labgrade --only server_all_bytes "
	              "--seed 42 lab1-udp 'subs/al\"ice ]]> "));
	ck_assert_ptr_nonnull(strstr(s, "crashed: signal 11 (SIGSEGV)"));
	ck_assert_ptr_nonnull(strstr(s, "reproduce it: labpeer udp-client"));
	free(s);
	unlink(path);
}
END_TEST

/* The text report of every test that did not pass holds all it has:
 * reason, explanations, the student's programs (how they ended, their
 * stdout's last lines), the repro, the rerun command; a test not run by
 * its own decision after it started shows it all too. */
START_TEST(text_details)
{
	const char *path = rt_write(REPORT_TEXT, 0);
	size_t len;
	char *s = rt_slurp(path, &len), *t4, *t2;

	ck_assert_msg(strstr(s, "killed by the grader after 4 s (this test's "
	                        "limit for the program)") != NULL,
	    "%s", s);
	ck_assert_msg(strstr(s, "status 9") == NULL, "%s", s);
	ck_assert_msg(strstr(s, "its stdout ended with (its last lines):\n"
	                        "         out 6\n") != NULL,
	    "%s", s);
	ck_assert_ptr_nonnull(strstr(s, "         out 15\n"));
	ck_assert_ptr_null(strstr(s, "out 5\n"));
	t4 = strstr(s, "SKIP server_no_read");
	ck_assert_msg(t4 != NULL, "%s", s);
	ck_assert_ptr_nonnull(strstr(t4, "grader: could not connect"));
	ck_assert_ptr_nonnull(strstr(t4, "a client sends 3000 lines"));
	ck_assert_ptr_nonnull(strstr(t4, "killed by signal 13 (SIGPIPE)"));
	ck_assert_ptr_nonnull(strstr(t4, "its stdout ended with:\n"
	                                 "         listening on 12000\n"));
	ck_assert_ptr_nonnull(
	    strstr(t4, "reproduce it: build/labpeer "
	               "tcp-client 127.0.0.1 12000 --no-read\n"
	               "       (first build what it runs: "
	               "make -C subs/alice tcp_server)\n"));
	ck_assert_ptr_nonnull(strstr(t4, "rerun only this test: labgrade "
	                                 "--only server_no_read --seed 42"));
	/* not run before it started: its line says why, nothing more */
	t2 = strstr(s, "SKIP client_pings");
	ck_assert_ptr_nonnull(t2);
	ck_assert_ptr_nonnull(strstr(t2, "udp_client did not build"));
	ck_assert_ptr_null(strstr(s, "--only client_pings"));
	free(s);
	unlink(path);
}
END_TEST

/* How a student program ended, in words, for every way it can end. */
static const struct {
	int kind, status, signal, cpu_limit, wall_ms;
	const char *want;
} ow_cases[] = {
    {RUN_EXITED, 3, 0, 0, 0, "exited with status 3"},
    {RUN_SIGNALED, SIGSEGV, 0, 0, 0, "crashed: signal 11 (SIGSEGV)"},
    {RUN_SIGNALED, SIGABRT, SIGABRT, 0, 0, "crashed: signal 6 (SIGABRT)"},
    {RUN_SIGNALED, SIGKILL, SIGKILL, 0, 0, "killed by signal 9 (SIGKILL)"},
    {RUN_SIGNALED, SIGPIPE, 0, 0, 0, "killed by signal 13 (SIGPIPE)"},
    {RUN_TIMEOUT, SIGKILL, SIGKILL, 0, 2500,
        "killed by the grader after 2.5 s (this test's limit for the "
        "program)"},
    {RUN_TIMEOUT, SIGKILL, SIGKILL, 0, 0,
        "killed by the grader at this test's time limit for the program"},
    {RUN_TIMEOUT, SIGXCPU, SIGXCPU, 1, 10000,
        "stopped at its CPU time limit (5 s of CPU): killed by signal "
        "24 (SIGXCPU)"},
    {RUN_MEMORY, SIGSEGV, SIGSEGV, 0, 0,
        "ran into its memory limit (256 MB), then crashed: signal 11 "
        "(SIGSEGV)"},
    {RUN_MEMORY, 1, 0, 0, 0,
        "ran into its memory limit (256 MB), then exited with status 1"},
    {RUN_OUTPUT, SIGKILL, SIGKILL, 0, 0,
        "killed by the grader for printing more than 256 KB (its output "
        "limit)"},
    {RUN_STOPPED, SIGTERM, SIGTERM, 0, 0,
        "still running when the test ended: stopped by the grader"},
};

START_TEST(outcome_words)
{
	struct report_student st;
	char buf[256];

	memset(&st, 0, sizeof st);
	st.kind = ow_cases[_i].kind;
	st.status = ow_cases[_i].status;
	st.signal = ow_cases[_i].signal;
	st.cpu_limit = ow_cases[_i].cpu_limit;
	st.wall_ms = ow_cases[_i].wall_ms;
	st.cpu_s = 5;
	st.mem_mb = 256;
	st.out_cap = 256 * 1024;
	report_student_outcome(&st, buf, sizeof buf);
	ck_assert_str_eq(buf, ow_cases[_i].want);
}
END_TEST

/* The rerun command starts with labgrade as it was invoked: a path
 * when it was given one (the kit's build/ is not on PATH). */
static const struct {
	const char *argv0, *want;
} rr_cases[] = {
    {"./build/labgrade", "./build/labgrade --only t --seed 3 lab1-udp "
                         "labs/lab1-udp"},
    {"build/labgrade", "build/labgrade --only t --seed 3 lab1-udp "
                       "labs/lab1-udp"},
    {"labgrade", "labgrade --only t --seed 3 lab1-udp labs/lab1-udp"},
    {"/opt/my kit/labgrade", "'/opt/my kit/labgrade' --only t --seed 3 "
                             "lab1-udp labs/lab1-udp"},
    {NULL, "labgrade --only t --seed 3 lab1-udp labs/lab1-udp"},
};

START_TEST(rerun_as_invoked)
{
	struct report_opts o = {.argv0 = rr_cases[_i].argv0};
	struct report_test t = {.name = "t"};
	struct report r = {
	    .lab = "lab1-udp", .dir = "labs/lab1-udp", .seed = 3};
	char buf[512];

	report_rerun_command(buf, sizeof buf, &r, &t, &o);
	ck_assert_str_eq(buf, rr_cases[_i].want);
}
END_TEST

/* The stdout the test's explanation already shows line by line is not
 * shown twice; other output is. */
START_TEST(stdout_not_twice)
{
	char *ex[] = {"the client printed on stdout:", "  reply seq=1",
	    "  seq=2 timeout"};
	struct report_test t = {.name = "t",
	    .status = GS_FAILED,
	    .reason = "r",
	    .explain = ex,
	    .nexplain = 3,
	    .nstudent = 1};
	struct report r = {.lab = "lab1-udp", .dir = "d", .seed = 1};
	char *text;

	t.student[0].role = "client";
	t.student[0].kind = RUN_EXITED;
	t.student[0].out_tail = "reply seq=1\nseq=2 timeout\n";
	text = report_test_text(&r, &t, NULL);
	ck_assert_msg(strstr(text, "its stdout") == NULL, "%s", text);
	free(text);
	t.student[0].out_tail = "reply seq=1\nseq=2 timeout\nsummary\n";
	text = report_test_text(&r, &t, NULL);
	ck_assert_msg(strstr(text, "its stdout ended with:\n    reply seq=1\n"
	                           "    seq=2 timeout\n    summary\n") != NULL,
	    "%s", text);
	free(text);
}
END_TEST

/* A student name a spreadsheet would run as a formula (OWASP: = + - @
 * TAB CR first) gets a leading quote mark, inside quotes. */
static const char *const csv_names[][2] = {
    {"=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\","},
    {"+1", "\"'+1\","},
    {"-2", "\"'-2\","},
    {"@x", "\"'@x\","},
    {"\tx", "\"'\tx\","},
    {"\rx", "\"'\rx\","},
    {"alice", "\"alice\","},
};

START_TEST(csv_neutralised)
{
	struct report r = {.lab = "lab1-udp", .dir = "d", .seed = 1};
	struct report_opts o = {.student = csv_names[_i][0]};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(report_csv_write(f, &r, &o), 0);
	fclose(f);
	ck_assert_msg(
	    strncmp(buf, csv_names[_i][1], strlen(csv_names[_i][1])) == 0,
	    "'%s' gave '%s'", csv_names[_i][0], buf);
	free(buf);
}
END_TEST

START_TEST(formats_named)
{
	int f;

	for (f = 0; f < REPORT_NFORMATS; f++)
		ck_assert_int_eq(report_format_parse(report_format_name(f)), f);
	ck_assert_int_eq(report_format_parse("xml"), -1);
	ck_assert_int_eq(report_format_parse(""), -1);
	ck_assert_str_eq(report_format_file(REPORT_GRADESCOPE), "results.json");
}
END_TEST

Suite *
report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("formats");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, json_parses);
	tcase_add_test(tc, gradescope_parses);
	tcase_add_test(tc, autolab_last_line);
	tcase_add_test(tc, junit_parses);
	tcase_add_test(tc, csv_parses);
	tcase_add_loop_test(tc, csv_neutralised, 0,
	    (int)(sizeof csv_names / sizeof csv_names[0]));
	tcase_add_test(tc, tap_parses);
	tcase_add_loop_test(tc, text_is_safe, 0, 2);
	tcase_add_test(tc, formats_named);
	tcase_add_test(tc, text_details);
	tcase_add_loop_test(
	    tc, outcome_words, 0, (int)(sizeof ow_cases / sizeof ow_cases[0]));
	tcase_add_loop_test(tc, rerun_as_invoked, 0,
	    (int)(sizeof rr_cases / sizeof rr_cases[0]));
	tcase_add_test(tc, stdout_not_twice);
	suite_add_tcase(s, tc);
	return s;
}

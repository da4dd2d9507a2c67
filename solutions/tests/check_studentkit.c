/*
 * The student kit (#9): 'make student-kit' writes the tarball; extracted
 * into a fresh folder and built there, it holds no file of solutions/ or
 * of the grader's self-test submissions and no line of the references'
 * work; the skeletons score only what a skeleton can, a copy of the
 * references put in as a student's folder scores full marks, and every
 * command the README's student section and each lab's two handouts
 * print runs as printed (studentkit_cmds.sh reads them from the
 * Markdown).  The labs are the registry's (labgrade --labs).
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define SK_BUILD_MS 600000 /* the tarball, and the kit built from it */
#define SK_GRADE_MS 120000 /* one grading */
#define SK_CMDS_MS 1800000 /* every command of one Markdown file */

static char sk_top[KIT_TMP_MAX];
static char sk_kit[256]; /* sk_top/socklab-student-<version> */

/* Lines of the references' work, by hand: the lesson's key statements.
 * None may appear anywhere in the student kit. */
static const char *const sk_answers[] = {
    "double left = deadline - now_ms();",
    "memchr(c->buf, '\\n', c->have);",
    "memchr(r->buf, '\\n', r->have);",
    "n = recv(r->fd, r->buf + r->have, sizeof r->buf - r->have, 0);",
    "ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);",
    "c->fd = accept(listen_fd, (struct sockaddr *)&from, &fromlen);",
    "n = recv(fd, scrap, sizeof scrap, MSG_DONTWAIT);",
    "return n == len && memcmp(buf, expected, (size_t)len) == 0;",
    "if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {",
    "listen(fd, LISTEN_BACKLOG) == 0)",
    "hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;",
    "return !c->got_eof && c->out_len < OUT_LIMIT;",
    "s->spare_fd = open(\"/dev/null\", O_RDONLY);",
    "if (poll(s->pfd, n, -1) < 0) {",
};

static int
sk_sh(const char *cmd, int ms, struct proc *p)
{
	char *argv[] = {"sh", "-c", (char *)cmd, NULL};

	if (proc_run(p, argv, ms) < 0)
		return -1;
	return p->timed_out ? -1 : PROC_EXIT(p);
}

/* Once for the suite: the tarball, extracted and built ('make', as the
 * README's student section says first). */
static void
sk_setup(void)
{
	char cmd[1024];
	struct proc p;
	int rc;

	snprintf(
	    sk_top, sizeof sk_top, "%s", kit_vartmp("check-studentkit-XXXXXX"));
	if (mkdtemp(sk_top) == NULL) {
		perror("check_studentkit: mkdtemp");
		exit(1);
	}
	snprintf(cmd, sizeof cmd,
	    "set -e; make -s student-kit >/dev/null; "
	    "f=$(ls -t build/socklab-student-*.tar.gz | head -n 1); "
	    "tar -xzf \"$f\" -C %s; ls %s",
	    sk_top, sk_top);
	rc = sk_sh(cmd, SK_BUILD_MS, &p);
	if (rc != 0 || strchr(p.out, '\n') == NULL) {
		fprintf(stderr, "check_studentkit: make student-kit: %s%s\n",
		    p.out, p.err);
		exit(1);
	}
	*strchr(p.out, '\n') = '\0';
	snprintf(sk_kit, sizeof sk_kit, "%s/%s", sk_top, p.out);
	proc_free(&p);
	snprintf(cmd, sizeof cmd,
	    "cd %s && make >build.log 2>&1 || "
	    "{ tail -n 30 build.log; exit 1; }",
	    sk_kit);
	if (sk_sh(cmd, SK_BUILD_MS, &p) != 0) {
		fprintf(stderr, "check_studentkit: make in the kit: %s%s\n",
		    p.out, p.err);
		exit(1);
	}
	proc_free(&p);
}

static void
sk_teardown(void)
{
	char cmd[512];
	struct proc p;

	snprintf(cmd, sizeof cmd, "rm -rf %s", sk_top);
	sk_sh(cmd, 60000, &p);
	proc_free(&p);
}

/* No file of solutions/ or of the self-test submissions, in the tarball
 * and in the folder. */
START_TEST(test_no_answer_files)
{
	char cmd[1024];
	struct proc p;

	snprintf(cmd, sizeof cmd,
	    "f=$(ls -t build/socklab-student-*.tar.gz | head -n 1); "
	    "tar -tzf \"$f\" | sed 's|^[^/]*/||' | grep -E "
	    "'^(solutions/|grader/labs/[^/]*/(broken|hostile)/|"
	    "grader/cell/tests/(hostile|attacks)/)'; "
	    "cd %s && ls -d solutions grader/labs/*/broken "
	    "grader/labs/*/hostile grader/cell/tests/hostile "
	    "grader/cell/tests/attacks 2>/dev/null; "
	    "true",
	    sk_kit);
	ck_assert_int_eq(sk_sh(cmd, 60000, &p), 0);
	ck_assert_msg(p.out[0] == '\0', "the student kit holds:\n%s", p.out);
	proc_free(&p);
	/* ... and it is not empty: the labs, the common helpers, the tools. */
	snprintf(cmd, sizeof cmd,
	    "cd %s && test -f labs/lab1-udp/udp_client.c && "
	    "test -f labs/common/socklab.c && test -x build/labgrade && "
	    "test -x build/labpeer && test -x build/labsniff",
	    sk_kit);
	ck_assert_msg(sk_sh(cmd, 60000, &p) == 0, "the kit lacks a file");
	proc_free(&p);
}
END_TEST

/* No line of the references' work: the hand-picked ones anywhere; every
 * complete statement (24 characters or more) that the references add to
 * the skeletons nowhere in labs/ or in the documentation (the handouts'
 * hints name calls, never the finished lines). */
START_TEST(test_no_answer_lines)
{
	char cmd[2048], pat[300];
	FILE *f;
	struct proc p;

	/* In the suite's folder: the teardown removes it, failed or not. */
	snprintf(pat, sizeof pat, "%s/answer-lines", sk_top);
	f = fopen(pat, "w");
	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < sizeof sk_answers / sizeof sk_answers[0]; i++)
		fprintf(f, "%s\n", sk_answers[i]);
	fclose(f);
	snprintf(cmd, sizeof cmd, "grep -rnF -f %s %s; true", pat, sk_kit);
	ck_assert_int_eq(sk_sh(cmd, 60000, &p), 0);
	ck_assert_msg(
	    p.out[0] == '\0', "a reference line in the kit:\n%s", p.out);
	proc_free(&p);
	snprintf(cmd, sizeof cmd,
	    "for l in $(build/labgrade --labs | cut -f1); do "
	    "for s in $(build/labgrade --sources $l); do "
	    "diff labs/$l/$s solutions/$l/$s | sed -n 's/^> *//p'; done; "
	    "done | "
	    "sed 's/^[[:space:]]*//' | grep -E '^.{24,};$' | sort -u >%s; "
	    "test $(wc -l <%s) -ge 40 || echo 'too few lines: '$(wc -l <%s); "
	    "cd %s && grep -rnF -f %s labs $(find . -name '*.md' -o -name "
	    "'*.1' -o -name 'README*'); true",
	    pat, pat, pat, sk_kit, pat);
	ck_assert_int_eq(sk_sh(cmd, 60000, &p), 0);
	ck_assert_msg(p.out[0] == '\0',
	    "the references' lines in the kit's labs or docs:\n%s", p.out);
	proc_free(&p);
}
END_TEST

/* "score": N of labgrade's JSON, and the names of the tests passed. */
static int
sk_score(const char *json, char *passed, size_t len)
{
	const char *s = strstr(json, "\"score\": ");
	const char *t = json;

	passed[0] = '\0';
	while ((t = strstr(t, "{\"name\": \"")) != NULL) {
		const char *name = t + 10, *end = strchr(name, '"');
		const char *next = strstr(name, "{\"name\": \"");
		const char *st = strstr(name, "\"status\": \"passed\"");

		if (end != NULL && st != NULL && (next == NULL || st < next))
			snprintf(passed + strlen(passed), len - strlen(passed),
			    "%.*s ", (int)(end - name), name);
		t = name;
	}
	return s != NULL ? atoi(s + 9) : -1;
}

/* The kit's labs, from the registry (labgrade --labs), and the Markdown
 * files whose commands are run: the README's student section, then
 * every lab's two handouts. */
#define SK_LABS_MAX 16
static char sk_labs[SK_LABS_MAX][64];
static int sk_nlabs;
static struct {
	char md[128], dir[96];
} sk_docs[1 + 2 * SK_LABS_MAX];
static int sk_ndocs;

static void
sk_load_labs(void)
{
	const char *b = getenv("KIT_BUILD");
	char cmd[512], line[256];
	FILE *f;
	int i;

	snprintf(
	    cmd, sizeof cmd, "%s/labgrade --labs", b != NULL ? b : "build");
	if ((f = popen(cmd, "r")) == NULL)
		return; /* test_labs_listed says so */
	while (sk_nlabs < SK_LABS_MAX && fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\t\n")] = '\0';
		if (line[0] != '\0')
			snprintf(sk_labs[sk_nlabs++], sizeof sk_labs[0],
			    "%.63s", line);
	}
	if (pclose(f) != 0 || sk_nlabs == 0) {
		/* Not exit(): every suite is built before one is chosen, and
		 * a runner without labgrade (check_cell's nested run as
		 * nobody) must still run the others.  test_labs_listed fails
		 * when this suite runs. */
		sk_nlabs = 0;
		return;
	}
	snprintf(sk_docs[0].md, sizeof sk_docs[0].md, "README.md");
	snprintf(sk_docs[0].dir, sizeof sk_docs[0].dir, ".");
	sk_ndocs = 1;
	for (i = 0; i < sk_nlabs; i++) {
		snprintf(sk_docs[sk_ndocs].md, sizeof sk_docs[0].md,
		    "labs/%s/README.md", sk_labs[i]);
		snprintf(sk_docs[sk_ndocs + 1].md, sizeof sk_docs[0].md,
		    "labs/%s/README.pt-BR.md", sk_labs[i]);
		snprintf(sk_docs[sk_ndocs].dir, sizeof sk_docs[0].dir,
		    "labs/%s", sk_labs[i]);
		snprintf(sk_docs[sk_ndocs + 1].dir, sizeof sk_docs[0].dir,
		    "labs/%s", sk_labs[i]);
		sk_ndocs += 2;
	}
}

/* The skeletons, as extracted: only what a skeleton can pass. */
START_TEST(test_grade_skeletons)
{
	char cmd[1024], passed[1024];
	struct proc p;
	int score;

	snprintf(cmd, sizeof cmd,
	    "cd %s && build/labgrade --format json %s labs/%s", sk_kit,
	    sk_labs[_i], sk_labs[_i]);
	ck_assert_msg(sk_sh(cmd, SK_GRADE_MS, &p) == 0,
	    "labgrade: %.2000s%.1000s", p.out, p.err);
	score = sk_score(p.out, passed, sizeof passed);
	ck_assert_msg(score >= 0 && score <= 10, "the skeleton of %s scores %d",
	    sk_labs[_i], score);
	/* The argument checks are given; a skeleton that stops at its
	 * first step also exits 1 when the port is taken. */
	for (char *w = strtok(passed, " "); w != NULL; w = strtok(NULL, " "))
		ck_assert_msg(strstr(w, "_usage") != NULL ||
		                  strcmp(w, "server_port_busy") == 0,
		    "the skeleton of %s passes %s", sk_labs[_i], w);
	proc_free(&p);
}
END_TEST

/* The references, put in as a student's own folder: full marks, built
 * with the kit's socklab.c, never with the folder's own copy. */
START_TEST(test_grade_references)
{
	char cmd[1024], passed[1024];
	struct proc p;

	snprintf(cmd, sizeof cmd,
	    "set -e; d=%s/student-%s; mkdir -p $d; cp solutions/%s/*.c $d/; "
	    "echo '#error a student copy of the given file' >$d/socklab.c; "
	    "cp $d/socklab.c $d/socklab.h; "
	    "cd %s && build/labgrade --format json %s $d",
	    sk_top, sk_labs[_i], sk_labs[_i], sk_kit, sk_labs[_i]);
	ck_assert_msg(sk_sh(cmd, SK_GRADE_MS, &p) == 0,
	    "labgrade: %.2000s%.1000s", p.out, p.err);
	ck_assert_msg(sk_score(p.out, passed, sizeof passed) == 100,
	    "the references of %s as a student's folder: %.2000s", sk_labs[_i],
	    p.out);
	proc_free(&p);
}
END_TEST

/* Every command printed in the README's student section and in both
 * handouts, run as printed with finished programs in the lab folders (a
 * copy of the kit, so the other tests see the skeletons). */
START_TEST(test_printed_commands)
{
	char cmd[2048];
	struct proc p;

	snprintf(cmd, sizeof cmd,
	    "set -e; k=%s/done-%d; rm -rf $k; cp -a %s $k; "
	    "for l in $(build/labgrade --labs | cut -f1); do "
	    "cp solutions/$l/*.c $k/labs/$l/; "
	    "make -s -C $k/labs/$l >/dev/null; done; "
	    "sh solutions/tests/studentkit_cmds.sh $k $k/%s $k/%s; "
	    "rm -rf $k",
	    sk_top, _i, sk_kit, sk_docs[_i].md, sk_docs[_i].dir);
	/* Check's messages are short: from the first failure on. */
	ck_assert_msg(sk_sh(cmd, SK_CMDS_MS, &p) == 0,
	    "%s: a printed command does not work as printed:\n%.2500s\n%.500s",
	    sk_docs[_i].md,
	    strstr(p.out, "FAIL") != NULL ? strstr(p.out, "FAIL") : p.out,
	    p.err);
	proc_free(&p);
}
END_TEST

/* 'make demo' in the kit (no solutions/: labpeer plays both programs):
 * every scene runs, and labpeer's client behaves as the contract's
 * pinger: past the ping labpeer drops (scene 2), it goes on. */
START_TEST(test_demo)
{
	char cmd[1024];
	struct proc p;

	snprintf(cmd, sizeof cmd,
	    "cd %s && make --no-print-directory demo 2>&1 | "
	    "sed -n '/^== 2\\./,/^== 3\\./p'",
	    sk_kit);
	ck_assert_msg(
	    sk_sh(cmd, SK_GRADE_MS, &p) == 0, "make demo: %s%s", p.out, p.err);
	ck_assert_msg(
	    strstr(p.out, "[2] seq=2 timeout\n") != NULL &&
	        strstr(p.out, " seq=3 rtt=") != NULL &&
	        strstr(p.out, "[2] 3 sent, 2 received, 33% loss") != NULL,
	    "make demo, scene 2 (labpeer drops ping 2):\n%.3000s", p.out);
	proc_free(&p);
}
END_TEST

/* The kit's man pages render from the extracted folder (man -l). */
START_TEST(test_man_pages)
{
	char cmd[1024];
	struct proc p;

	snprintf(cmd, sizeof cmd,
	    "cd %s && n=0; for f in capture/labsniff.1 "
	    "grader/labgrade/labgrade.1 "
	    "grader/peer/labpeer.1; do MANWIDTH=80 man -l $f 2>&1 | grep -q "
	    "'^NAME' || { echo \"$f does not render\"; exit 1; }; "
	    "n=$((n + 1)); done; test $n = 3",
	    sk_kit);
	ck_assert_msg(sk_sh(cmd, 60000, &p) == 0, "man: %s%s", p.out, p.err);
	proc_free(&p);
}
END_TEST

/* labgrade copied away from the kit finds it through LABGRADE_KIT, and
 * says so in one line when LABGRADE_KIT names no kit. */
START_TEST(test_labgrade_kit_env)
{
	char cmd[2048];
	struct proc p;

	snprintf(cmd, sizeof cmd,
	    "set -e; mkdir -p %s/bin; cp %s/build/labgrade %s/bin/; "
	    "LABGRADE_KIT=%s %s/bin/labgrade --list lab1-udp | grep -q "
	    "'^server_starts'; ! LABGRADE_KIT=%s/bin %s/bin/labgrade --list "
	    "lab1-udp 2>%s/bin/err; grep -q 'holds no kit data' %s/bin/err",
	    sk_top, sk_kit, sk_top, sk_kit, sk_top, sk_top, sk_top, sk_top,
	    sk_top);
	ck_assert_msg(
	    sk_sh(cmd, 60000, &p) == 0, "LABGRADE_KIT: %s%s", p.out, p.err);
	proc_free(&p);
}
END_TEST

/* The handouts never send a student to solutions/. */
START_TEST(test_handouts_no_solutions)
{
	char cmd[512];
	struct proc p;

	snprintf(cmd, sizeof cmd,
	    "cd %s && grep -n 'solutions' labs/*/README*.md; true", sk_kit);
	ck_assert_int_eq(sk_sh(cmd, 60000, &p), 0);
	ck_assert_msg(
	    p.out[0] == '\0', "a handout mentions solutions/:\n%s", p.out);
	proc_free(&p);
}
END_TEST

/*
 * Hidden tests (a rubric visibility other than visible) stay out of the
 * student kit: no file of a lab's hidden/ folder is in the tarball, and
 * no hidden test's name is anywhere in the extracted, built kit (a
 * hidden test in a lab's own file would be: it must move to hidden/).
 */
START_TEST(test_hidden_tests_left_out)
{
	char cmd[2048];
	struct proc p;

	snprintf(cmd, sizeof cmd,
	    "f=$(ls -t build/socklab-student-*.tar.gz | head -n 1); "
	    "tar -tzf \"$f\" | sed 's|^[^/]*/||' | "
	    "grep -E '^grader/labs/[^/]*/hidden/'; "
	    "for r in grader/labs/*/*.rubric grader/labs/*/hidden/*.rubric; do "
	    "[ -f \"$r\" ] || continue; "
	    "sed 's/#.*//' \"$r\" | awk 'NF == 3 && $3 != \"visible\" "
	    "{ print $1 }' | while read -r t; do "
	    "grep -rlw -- \"$t\" %s | sed \"s|^|$t: |\"; done; done; true",
	    sk_kit);
	ck_assert_int_eq(sk_sh(cmd, 120000, &p), 0);
	ck_assert_msg(p.out[0] == '\0',
	    "the student kit holds hidden tests' files or names:\n%.2000s",
	    p.out);
	proc_free(&p);
}
END_TEST

/*
 * The mechanism itself, on a copy of the kit given a hidden test
 * (lab1-udp's hidden/: hidden_server_usage): the instructor's labgrade
 * lists and runs it, with its hidden/ rubric line; the student kit made
 * from that copy holds neither the folder nor the test's name.
 */
static const char sk_hidden_c[] =
    "#include \"pinger.h\"\n"
    "static const struct grade_test t[] = {{.name = "
    "\"hidden_server_usage\", .summary = \"bad arguments (hidden)\", "
    ".needs = NEED_SERVER, .after = \"server_starts\", .budget_s = 5, "
    ".run = pinger_t_server_usage}};\n"
    "const struct grade_hidden lab1_udp_hidden = {t, 1};\n";

START_TEST(test_hidden_folder)
{
	char top[KIT_TMP_MAX], cmd[4096];
	struct proc p;
	FILE *f;
	char path[512];
	const char *e;

	snprintf(top, sizeof top, "%s",
	    kit_vartmp("check-studentkit-hidden-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(top));
	snprintf(cmd, sizeof cmd,
	    "set -e; git ls-files -z | xargs -0 tar -c | tar -x -C %s; "
	    "mkdir -p %s/grader/labs/lab1-udp/hidden; "
	    "printf 'hidden_server_usage 1 hidden\\n' "
	    ">%s/grader/labs/lab1-udp/hidden/lab1-udp.rubric",
	    top, top, top);
	ck_assert_msg(sk_sh(cmd, 120000, &p) == 0, "copy: %s", p.err);
	proc_free(&p);
	snprintf(path, sizeof path,
	    "%s/grader/labs/lab1-udp/hidden/lab1-udp-hidden.c", top);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(sk_hidden_c, f);
	fclose(f);
	snprintf(cmd, sizeof cmd,
	    "set -e; cd %s; git init -q; git add -A; "
	    "make -s student-kit >/dev/null; "
	    "if tar -tzf build/socklab-student-*.tar.gz | grep /hidden/; "
	    "then exit 1; fi; "
	    "if tar -xzOf build/socklab-student-*.tar.gz | "
	    "grep -a hidden_server_usage; then exit 1; fi; "
	    "make -s -j2 build/labgrade build/labpeer >build.log 2>&1 || "
	    "{ tail -n 20 build.log; exit 1; }; "
	    "build/labgrade --list lab1-udp | grep -c hidden_server_usage; "
	    "build/labgrade --only hidden_server_usage --format gradescope "
	    "lab1-udp "
	    "%s/solutions/lab1-udp",
	    top, top);
	ck_assert_msg(sk_sh(cmd, SK_BUILD_MS, &p) == 0, "%s%s", p.out, p.err);
	ck_assert_msg(strncmp(p.out, "1\n", 2) == 0, "--list: %.300s", p.out);
	e = strstr(p.out, "{\"name\": \"hidden_server_usage: ");
	ck_assert_msg(e != NULL, "%.3000s", p.out);
	ck_assert_msg(strstr(e, "\"status\": \"passed\"") != NULL &&
	                  strstr(e, "\"visibility\": \"hidden\"") ==
	                      strstr(e, "\"visibility\": "),
	    "%.3000s", e);
	proc_free(&p);
	snprintf(cmd, sizeof cmd, "rm -rf %s", top);
	sk_sh(cmd, 60000, &p);
	proc_free(&p);
}
END_TEST

/* The registry listed the labs (sk_load_labs, when the suite was made). */
START_TEST(test_labs_listed)
{
	ck_assert_msg(sk_nlabs > 0, "%s/labgrade --labs listed no lab",
	    getenv("KIT_BUILD") != NULL ? getenv("KIT_BUILD") : "build");
}
END_TEST

Suite *
studentkit_suite(void)
{
	Suite *s = suite_create("studentkit");
	TCase *tc = tcase_create("kit");

	/* One tarball, extracted and built once, for every test. */
	tcase_add_unchecked_fixture(tc, sk_setup, sk_teardown);
	tcase_set_timeout(tc, SK_CMDS_MS / 1000 + 60);
	tcase_add_test(tc, test_no_answer_files);
	tcase_add_test(tc, test_no_answer_lines);
	tcase_add_test(tc, test_handouts_no_solutions);
	tcase_add_test(tc, test_hidden_tests_left_out);
	tcase_add_test(tc, test_hidden_folder);
	tcase_add_test(tc, test_labgrade_kit_env);
	tcase_add_test(tc, test_man_pages);
	tcase_add_test(tc, test_demo);
	sk_load_labs();
	tcase_add_test(tc, test_labs_listed);
	tcase_add_loop_test(tc, test_grade_skeletons, 0, sk_nlabs);
	tcase_add_loop_test(tc, test_grade_references, 0, sk_nlabs);
	tcase_add_loop_test(tc, test_printed_commands, 0, sk_ndocs);
	suite_add_tcase(s, tc);
	return s;
}

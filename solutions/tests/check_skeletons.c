/*
 * The student skeletons in labs/: they build without a warning (in a copy,
 * with -Werror), run, fail the contract gracefully (a step-marker line, a
 * non-zero status, no crash, no hang), and match solutions/ file for file.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "labtest.h"

#define BUILD_MS 60000 /* one lab built from scratch */
#define RUN_MS 5000    /* a skeleton must give up by then */
#define STRICT_CFLAGS "CFLAGS=-std=c11 -Wall -Wextra -Werror"
/* The skeletons' step marker (it belongs in labs/ only, hence spelled in
 * two pieces here, where a checker looks for leftover work). */
#define SKEL_WORD                                                              \
	"TO"                                                                   \
	"DO"
#define SKEL_MARK SKEL_WORD "("

/* The labs, from the registry (labgrade --labs, --sources), and every
 * (lab, program) pair for the tests that take one program. */
#define SKEL_LABS_MAX 16
#define SKEL_PROGS_MAX 4
static struct {
	char dir[64]; /* labs/NAME and solutions/NAME */
	char tag[32]; /* step markers are SKEL_MARK tag.N): NAME up to '-' */
	char progs[SKEL_PROGS_MAX][64];
	int nprogs;
} skel_labs[SKEL_LABS_MAX];
static int skel_nlabs;
static struct {
	int lab, prog;
} skel_pairs[SKEL_LABS_MAX * SKEL_PROGS_MAX];
static int skel_npairs;

/* popen(cmd): each line (up to the first tab, ".c" cut) into out. */
static int
skel_lines(const char *cmd, char (*out)[64], int max, int cut_c)
{
	char line[256];
	FILE *f = popen(cmd, "r");
	int n = 0;
	size_t len;

	if (f == NULL)
		return -1;
	while (n < max && fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\t\n")] = '\0';
		len = strlen(line);
		if (cut_c && len > 2 && strcmp(line + len - 2, ".c") == 0)
			line[len - 2] = '\0';
		if (line[0] != '\0')
			snprintf(out[n++], 64, "%.63s", line);
	}
	return pclose(f) == 0 ? n : -1;
}

static void
skel_load(void)
{
	const char *b = getenv("KIT_BUILD");
	char cmd[512], names[SKEL_LABS_MAX][64];
	int i, j;

	b = b != NULL ? b : "build";
	snprintf(cmd, sizeof cmd, "%.200s/labgrade --labs", b);
	skel_nlabs = skel_lines(cmd, names, SKEL_LABS_MAX, 0);
	if (skel_nlabs <= 0) {
		fprintf(stderr, "check_skeletons: %s listed no lab\n", cmd);
		exit(1);
	}
	for (i = 0; i < skel_nlabs; i++) {
		snprintf(skel_labs[i].dir, sizeof skel_labs[i].dir, "%.63s",
		    names[i]);
		snprintf(skel_labs[i].tag, sizeof skel_labs[i].tag, "%.*s",
		    (int)strcspn(names[i], "-"), names[i]);
		snprintf(cmd, sizeof cmd, "%.200s/labgrade --sources %.63s", b,
		    names[i]);
		skel_labs[i].nprogs =
		    skel_lines(cmd, skel_labs[i].progs, SKEL_PROGS_MAX, 1);
		for (j = 0; j < skel_labs[i].nprogs; j++) {
			skel_pairs[skel_npairs].lab = i;
			skel_pairs[skel_npairs++].prog = j;
		}
	}
}

static void
run_ok(char *const argv[], int ms, struct proc *p)
{
	ck_assert_int_eq(proc_run(p, argv, ms), 0);
	ck_assert_msg(
	    !p->timed_out, "%s still running after %d ms", argv[0], ms);
}

/* A copy of labs/DIR and labs/common (the given socklab.c) in a fresh
 * directory, built with -Werror: the build must succeed and print no
 * warning. */
START_TEST(test_build_strict)
{
	char top[KIT_TMP_MAX], dir[KIT_TMP_MAX + 64], src[128],
	    cmd[KIT_TMP_MAX + 256];
	char *cp[] = {"cp", "-R", src, "labs/common", top, NULL};
	char *mk[] = {"make", "-B", "-C", dir, STRICT_CFLAGS, NULL};
	char *rm[] = {"sh", "-c", cmd, NULL};
	struct proc p;

	snprintf(top, sizeof top, "%s", kit_tmp("check-skel-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(top));
	snprintf(src, sizeof src, "labs/%s", skel_labs[_i].dir);
	snprintf(dir, sizeof dir, "%s/%s", top, skel_labs[_i].dir);
	run_ok(cp, 10000, &p);
	ck_assert_msg(PROC_EXIT(&p) == 0, "cp: %s", p.err);
	proc_free(&p);
	run_ok(mk, BUILD_MS, &p);
	ck_assert_msg(PROC_EXIT(&p) == 0,
	    "labs/%s does not build with "
	    "-Wall -Wextra -Werror:\n%s%s",
	    skel_labs[_i].dir, p.out, p.err);
	ck_assert_msg(strstr(p.out, "warning") == NULL &&
	                  strstr(p.err, "warning") == NULL,
	    "warnings:\n%s%s", p.out, p.err);
	proc_free(&p);
	for (int i = 0; i < skel_labs[_i].nprogs; i++) {
		snprintf(cmd, sizeof cmd, "%s/%s", dir, skel_labs[_i].progs[i]);
		ck_assert_msg(access(cmd, X_OK) == 0, "make built no %s",
		    skel_labs[_i].progs[i]);
	}
	snprintf(cmd, sizeof cmd, "rm -rf %s", top);
	run_ok(rm, 10000, &p);
	proc_free(&p);
}
END_TEST

/* Each skeleton program, as 'make' built it in place, on good arguments:
 * a step-marker line (SKEL_MARK labN.) on stderr, a non-zero exit, no
 * signal, no hang. */
START_TEST(test_run)
{
	int lab = skel_pairs[_i].lab;
	const char *prog = skel_labs[lab].progs[skel_pairs[_i].prog];
	char path[128], port[16], tag[32];
	char *server[] = {path, port, NULL};
	char *client[] = {path, "127.0.0.1", port, "1", NULL};
	int server_side = strstr(prog, "server") != NULL;
	struct proc p;

	snprintf(path, sizeof path, "labs/%s/%s", skel_labs[lab].dir, prog);
	ck_assert_msg(
	    access(path, X_OK) == 0, "%s is not built (run make)", path);
	snprintf(port, sizeof port, "%d",
	    port_free(strstr(prog, "udp") ? SOCK_DGRAM : SOCK_STREAM));
	run_ok(server_side ? server : client, RUN_MS, &p);
	ck_assert_msg(!WIFSIGNALED(p.status), "%s crashed: signal %d", path,
	    WTERMSIG(p.status));
	ck_assert_msg(
	    PROC_EXIT(&p) != 0, "%s exits 0 without doing its work", path);
	snprintf(tag, sizeof tag, SKEL_MARK "%s.", skel_labs[lab].tag);
	ck_assert_msg(strstr(p.err, tag) != NULL,
	    "no %s...) line on stderr: "
	    "%s",
	    tag, p.err);
	proc_free(&p);
}
END_TEST

/* Argument parsing is given in the skeletons: no arguments is a usage
 * error (status 2), as in the solutions. */
START_TEST(test_usage)
{
	int lab = skel_pairs[_i].lab;
	char path[128];
	char *argv[] = {path, NULL};
	struct proc p;

	snprintf(path, sizeof path, "labs/%s/%s", skel_labs[lab].dir,
	    skel_labs[lab].progs[skel_pairs[_i].prog]);
	run_ok(argv, RUN_MS, &p);
	ck_assert_msg(PROC_EXIT(&p) == 2,
	    "%s without arguments: status %d, "
	    "stderr: %s",
	    path, PROC_EXIT(&p), p.err);
	ck_assert_ptr_nonnull(strstr(p.err, "usage"));
	proc_free(&p);
}
END_TEST

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, n + 1);
	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(fread(text, 1, n, f), n);
	fclose(f);
	return text;
}

/* t is inside a string literal: an odd number of '"' before it on its
 * line (the runtime message; comments are the steps). */
static int
in_string(const char *text, const char *t)
{
	int quotes = 0;

	for (const char *c = t; c > text && c[-1] != '\n'; c--)
		quotes += c[-1] == '"' && (c - 1 == text || c[-2] != '\\');
	return quotes % 2;
}

/* The comment from t to its end (or the line's) names the handout. */
static int
comment_names_handout(const char *t)
{
	const char *end = strstr(t, "*/");
	const char *nl = strchr(t, '\n');
	const char *stop = end != NULL ? end : nl;
	size_t n = stop != NULL ? (size_t)(stop - t) : strlen(t);
	char buf[1024];

	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, t, n);
	buf[n] = '\0';
	return strstr(buf, "handout") != NULL || strstr(buf, "README") != NULL;
}

/* Every step marker in a skeleton is numbered (labN.K) and points at the
 * handout in its comment; every program has at least one. */
START_TEST(test_todos)
{
	int lab = skel_pairs[_i].lab;
	char path[128], tag[32];
	char *text, *t;
	int count = 0;

	snprintf(path, sizeof path, "labs/%s/%s.c", skel_labs[lab].dir,
	    skel_labs[lab].progs[skel_pairs[_i].prog]);
	snprintf(tag, sizeof tag, SKEL_MARK "%s.", skel_labs[lab].tag);
	text = slurp(path);
	for (t = strstr(text, SKEL_WORD); t != NULL;
	     t = strstr(t + 1, SKEL_WORD)) {
		size_t k = strlen(tag);

		ck_assert_msg(strncmp(t, tag, k) == 0,
		    "%s: a step marker not numbered %sK): %.40s", path, tag, t);
		ck_assert_msg(t[k] >= '1' && t[k] <= '9' &&
		                  strspn(t + k, "0123456789") > 0 &&
		                  t[k + strspn(t + k, "0123456789")] == ')',
		    "%s: bad step number: %.40s", path, t);
		if (!in_string(text, t))
			ck_assert_msg(comment_names_handout(t),
			    "%s: step "
			    "without a pointer to the handout: %.60s",
			    path, t);
		count++;
	}
	ck_assert_msg(count > 0, "%s has no step marker", path);
	free(text);
}
END_TEST

/* labs/ and solutions/ hold the same C files (diff -r shows only the
 * work); the references build with the labs' Makefiles, so solutions/
 * has none of its own. */
START_TEST(test_same_files)
{
	char cmd[512];
	char *argv[] = {"sh", "-c", cmd, NULL};
	struct proc p;
	char *text;

	snprintf(cmd, sizeof cmd,
	    "[ \"$(cd labs/%s && ls *.c)\" = \"$(cd solutions/%s && ls *.c)\" "
	    "]",
	    skel_labs[_i].dir, skel_labs[_i].dir);
	run_ok(argv, 10000, &p);
	ck_assert_msg(PROC_EXIT(&p) == 0,
	    "labs/%s and solutions/%s differ in their files:\n%s%s",
	    skel_labs[_i].dir, skel_labs[_i].dir, p.out, p.err);
	proc_free(&p);
	/* Students see warnings; their own build never refuses. */
	snprintf(cmd, sizeof cmd, "labs/%s/Makefile", skel_labs[_i].dir);
	text = slurp(cmd);
	for (int i = 0; i < labtest_lines(text); i++) {
		char line[512];

		labtest_line(text, i, line, sizeof line);
		ck_assert_msg(line[0] == '#' || strstr(line, "-Werror") == NULL,
		    "%s uses -Werror: %s", cmd, line);
	}
	free(text);
}
END_TEST

/* labs/ and solutions/ differ only in the bodies of the step functions
 * (those whose skeleton body holds a step marker): the given code, the
 * comments and the signatures are the same. */
START_TEST(test_same_shape)
{
	char cmd[2048];
	char *argv[] = {"sh", "-c", cmd, NULL};
	struct proc p;
	int lab = skel_pairs[_i].lab;
	const char *prog = skel_labs[lab].progs[skel_pairs[_i].prog];

	snprintf(cmd, sizeof cmd,
	    "steps=$(awk '/^[a-z_]+\\(/ { f = $0; sub(/\\(.*/, \"\", f) } "
	    "/^\\{$/ { b = 1; next } /^\\}$/ { b = 0 } "
	    "b && /" SKEL_WORD "\\(/ { print f }' labs/%s/%s.c | sort -u); "
	    "strip() { awk -v s=\" $(echo $steps) \" '/^[a-z_]+\\(/ { f = $0; "
	    "sub(/\\(.*/, \"\", f) } /^\\{$/ && index(s, \" \" f \" \") { "
	    "print; "
	    "print \"<step>\"; skip = 1; next } /^\\}$/ { skip = 0 } !skip' "
	    "$1; }; [ -n \"$steps\" ] && "
	    "diff <(strip labs/%s/%s.c) <(strip solutions/%s/%s.c)",
	    skel_labs[lab].dir, prog, skel_labs[lab].dir, prog,
	    skel_labs[lab].dir, prog);
	argv[0] = "bash";
	run_ok(argv, 10000, &p);
	ck_assert_msg(PROC_EXIT(&p) == 0,
	    "labs/%s/%s.c and solutions/ differ outside the steps:\n%s%s",
	    skel_labs[lab].dir, prog, p.out, p.err);
	proc_free(&p);
}
END_TEST

/* The given helpers make no socket call: those are the lesson. */
START_TEST(test_given_no_socket_call)
{
	char cmd[] = "grep -nE '\\b(socket|bind|connect|listen|accept|send|"
	             "sendto|recv|recvfrom|poll|select|setsockopt|getaddrinfo|"
	             "shutdown)[[:space:]]*\\(' labs/common/socklab.c "
	             "labs/common/socklab.h | grep -vE "
	             "'^[^:]+:[0-9]+:[[:space:]]*(/[*]|[*])'";
	char *argv[] = {"sh", "-c", cmd, NULL};
	struct proc p;

	run_ok(argv, 10000, &p);
	ck_assert_msg(
	    PROC_EXIT(&p) == 1, "a socket call in labs/common:\n%s", p.out);
	proc_free(&p);
}
END_TEST

Suite *
skeletons_suite(void)
{
	Suite *s = suite_create("skeletons");
	TCase *build = tcase_create("build");
	TCase *run = tcase_create("run");

	skel_load();

	tcase_set_timeout(build, 90);
	tcase_add_loop_test(build, test_build_strict, 0, skel_nlabs);
	tcase_add_loop_test(build, test_same_files, 0, skel_nlabs);
	tcase_add_loop_test(build, test_todos, 0, skel_npairs);
	tcase_add_loop_test(build, test_same_shape, 0, skel_npairs);
	tcase_add_test(build, test_given_no_socket_call);
	suite_add_tcase(s, build);
	tcase_set_timeout(run, 10);
	tcase_add_loop_test(run, test_run, 0, skel_npairs);
	tcase_add_loop_test(run, test_usage, 0, skel_npairs);
	suite_add_tcase(s, run);
	return s;
}

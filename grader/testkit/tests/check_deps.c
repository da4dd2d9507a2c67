/*
 * The top-level 'make deps' step: which packages it finds missing, what it
 * asks apt-get (for real in simulation mode, and through a recording
 * stand-in), and what it tells a user who cannot install.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "labtest.h"

#define MAKE_MS 30000  /* one 'make deps' (apt-get -s reads lists) */
#define NOBODY "65534" /* the unprivileged user and group */

/* What pkg-config finds: nothing, everything but Check, everything, or
 * no pkg-config program at all. */
enum pcmode {
	PC_EMPTY,
	PC_NO_CHECK,
	PC_SYSTEM,
	PC_MISSING,
	PC_SYSTEM_NO_BWRAP, /* PC_SYSTEM, and no bwrap program */
	PC_SYSTEM_NO_MSGFMT /* PC_SYSTEM, and no msgfmt (gettext) */
};
/* Who runs make: root, nobody without sudo rights, nobody with sudo
 * that needs no password (a stand-in).  When the tests do not run as root
 * themselves, "nobody" is the user running them and "root" is root of a
 * user namespace. */
enum who { ROOT, NOBODY_NO_SUDO, NOBODY_SUDO };
/* APT_GET: apt-get -s, a recording stand-in, one that fails, none. */
enum apt { APT_SIM, APT_FAKE, APT_FAILS, APT_NONE };

struct deps_env {
	char dir[64];    /* scratch: fakes, logs, pkg-config dirs */
	char path[4096]; /* PATH for make */
	struct proc p;
};

static void
write_file(const char *dir, const char *name, const char *text, int mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void
sh(const char *script)
{
	char *argv[] = {"sh", "-c", (char *)script, NULL};
	struct proc p;

	ck_assert_int_eq(proc_run(&p, argv, 10000), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "%s: %s", script, p.err);
	proc_free(&p);
}

/* The file's text ("" if absent), in a static buffer. */
static const char *
read_file(const struct deps_env *e, const char *name)
{
	static char text[4096];
	char path[256];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", e->dir, name);
	text[0] = '\0';
	f = fopen(path, "r");
	if (f == NULL)
		return text;
	n = fread(text, 1, sizeof text - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* Scratch directory, readable by nobody, with the stand-ins: apt-get that
 * logs its arguments, one that fails, sudo -n that works or is refused. */
static void
deps_setup(struct deps_env *e, enum pcmode pc)
{
	char script[1024];

	snprintf(e->dir, sizeof e->dir, "%s", kit_tmp("check-deps-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(e->dir));
	ck_assert_int_eq(chmod(e->dir, 0777), 0);
	snprintf(script, sizeof script,
	    "#!/bin/sh\n"
	    "echo \"$*\" >> %s/apt.log\necho \"fake apt-get $*\"\n",
	    e->dir);
	write_file(e->dir, "apt-get", script, 0755);
	write_file(e->dir, "apt-fails", "#!/bin/sh\nexit 100\n", 0755);
	mkdir(strcat(strcpy(script, e->dir), "/sudo-ok"), 0755);
	mkdir(strcat(strcpy(script, e->dir), "/sudo-no"), 0755);
	mkdir(strcat(strcpy(script, e->dir), "/pc"), 0755);
	mkdir(strcat(strcpy(script, e->dir), "/home"), 0777);
	snprintf(script, sizeof script,
	    "#!/bin/sh\n"
	    "echo \"$*\" >> %s/sudo.log\n[ \"$1\" = -n ] && shift\nexec "
	    "\"$@\"\n",
	    e->dir);
	write_file(e->dir, "sudo-ok/sudo", script, 0755);
	write_file(e->dir, "sudo-no/sudo",
	    "#!/bin/sh\n"
	    "echo 'sudo: a password is required' >&2\nexit 1\n",
	    0755);
	if (pc == PC_NO_CHECK) {
		/* Every .pc file pkg-config knows (libpcap's needs dbus-1's
		 * too) but check.pc. */
		snprintf(script, sizeof script,
		    "for d in $(pkg-config "
		    "--variable pc_path pkg-config | tr : ' '); do "
		    "[ -d $d ] && cp $d/*.pc %s/pc/ 2>/dev/null; done; "
		    "rm -f %s/pc/check.pc",
		    e->dir, e->dir);
		sh(script);
	}
}

static void
deps_cleanup(struct deps_env *e)
{
	char script[128];

	proc_free(&e->p);
	snprintf(script, sizeof script, "rm -rf %s", e->dir);
	sh(script);
}

/* Run 'make deps' from the top of the tree as who, with pkg-config and
 * apt-get as asked; status in e->p. */
static void
deps_run(struct deps_env *e, enum pcmode pc, enum who who, enum apt apt)
{
	char pcdir[128], pcvar[160], aptvar[160], home[128], path[4200];
	static const char *const unset[] = {
	    "MAKEFLAGS",
	    "MAKELEVEL",
	    "MFLAGS",
	    "PKG_CONFIG_PATH",
	};
	char *argv[40];
	int n = 0;

	snprintf(pcdir, sizeof pcdir, "PKG_CONFIG_LIBDIR=%s/pc", e->dir);
	snprintf(home, sizeof home, "HOME=%s/home", e->dir);
	snprintf(path, sizeof path, "PATH=%s/%s:%s", e->dir,
	    who == NOBODY_SUDO ? "sudo-ok" : "sudo-no", getenv("PATH"));
	strcpy(pcvar, "PKG_CONFIG=pkg-config");
	if (pc == PC_MISSING)
		strcpy(pcvar, "PKG_CONFIG=/nonexistent/pkg-config");
	if (apt == APT_SIM)
		strcpy(aptvar, "APT_GET=apt-get -s");
	else if (apt == APT_FAKE)
		snprintf(aptvar, sizeof aptvar, "APT_GET=%s/apt-get", e->dir);
	else if (apt == APT_FAILS)
		snprintf(aptvar, sizeof aptvar, "APT_GET=%s/apt-fails", e->dir);
	else
		strcpy(aptvar, "APT_GET=/nonexistent/apt-get");
	if (who != ROOT && getuid() == 0) {
		argv[n++] = "setpriv";
		argv[n++] = "--reuid=" NOBODY;
		argv[n++] = "--regid=" NOBODY;
		argv[n++] = "--clear-groups";
	}
	if (who == ROOT && getuid() != 0) {
		/* Run by an ordinary user: root's path in a user namespace
		 * (apt-get is a stand-in or in simulation mode). */
		argv[n++] = "unshare";
		argv[n++] = "-r";
	}
	argv[n++] = "env";
	/* A 'make test' above us must not leak its flags into this make. */
	for (size_t i = 0; i < sizeof unset / sizeof unset[0]; i++) {
		argv[n++] = "-u";
		argv[n++] = (char *)unset[i];
	}
	argv[n++] = home;
	argv[n++] = path;
	if (pc != PC_SYSTEM && pc != PC_SYSTEM_NO_BWRAP &&
	    pc != PC_SYSTEM_NO_MSGFMT)
		argv[n++] = pcdir;
	argv[n++] = "make";
	argv[n++] = "-s";
	argv[n++] = "--no-print-directory";
	argv[n++] = "deps";
	argv[n++] = pcvar;
	argv[n++] = aptvar;
	if (pc == PC_SYSTEM_NO_BWRAP)
		argv[n++] = "BWRAP=/nonexistent/bwrap";
	if (pc == PC_SYSTEM_NO_MSGFMT)
		argv[n++] = "MSGFMT=/nonexistent/msgfmt";
	argv[n] = NULL;
	ck_assert_int_eq(proc_run(&e->p, argv, MAKE_MS), 0);
	ck_assert_msg(
	    !e->p.timed_out, "make deps still running after %d ms", MAKE_MS);
}

/* The stand-in apt-get was asked to install exactly pkgs (and perhaps
 * to update first), or never called when pkgs is NULL. */
static void
expect_installed(const struct deps_env *e, const char *pkgs)
{
	char want[128];
	const char *log = read_file(e, "apt.log");

	if (pkgs == NULL) {
		ck_assert_msg(log[0] == '\0', "apt-get was called: %s", log);
		return;
	}
	snprintf(want, sizeof want, "install -y -q %s\n", pkgs);
	if (strncmp(log, "update", 6) == 0)
		log = strchr(log, '\n') + 1;
	ck_assert_msg(strcmp(log, want) == 0,
	    "apt-get was asked '%s', want "
	    "'%s'",
	    log, want);
}

static const struct {
	enum pcmode pc;
	enum who who;
	enum apt apt;
	int ok;               /* make deps succeeds */
	const char *out;      /* a line of stdout ("" none at all) */
	const char *err;      /* a line of stderr (NULL: nothing asked) */
	const char *installs; /* what the stand-in installs, or NULL */
} cases[] = {
    /* root, apt-get that records what it is asked */
    {.pc = PC_EMPTY,
        .who = ROOT,
        .apt = APT_FAKE,
        .ok = 1,
        .out = "deps: installing libpcap-dev check libseccomp-dev libssl-dev",
        .err = NULL,
        .installs = "libpcap-dev check libseccomp-dev libssl-dev"},
    {.pc = PC_NO_CHECK,
        .who = ROOT,
        .apt = APT_FAKE,
        .ok = 1,
        .out = "deps: installing check",
        .err = NULL,
        .installs = "check"},
    {.pc = PC_MISSING,
        .who = ROOT,
        .apt = APT_FAKE,
        .ok = 1,
        .out = "deps: installing pkg-config libpcap-dev check libseccomp-dev "
               "libssl-dev",
        .err = NULL,
        .installs = "pkg-config libpcap-dev check libseccomp-dev libssl-dev"},
    {.pc = PC_SYSTEM,
        .who = ROOT,
        .apt = APT_FAKE,
        .ok = 1,
        .out = "",
        .err = NULL,
        .installs = NULL},
    /* unprivileged: the exact command to run, or sudo -n when it works */
    {.pc = PC_EMPTY,
        .who = NOBODY_NO_SUDO,
        .apt = APT_FAKE,
        .ok = 0,
        .out = NULL,
        .err = "deps: missing libpcap-dev check libseccomp-dev libssl-dev; "
               "run: sudo "
               "apt-get "
               "install -y libpcap-dev check libseccomp-dev libssl-dev",
        .installs = NULL},
    {.pc = PC_MISSING,
        .who = NOBODY_NO_SUDO,
        .apt = APT_FAKE,
        .ok = 0,
        .out = NULL,
        .err = "deps: missing pkg-config libpcap-dev check libseccomp-dev "
               "libssl-dev; "
               "run: "
               "sudo apt-get install -y pkg-config libpcap-dev check "
               "libseccomp-dev libssl-dev",
        .installs = NULL},
    {.pc = PC_EMPTY,
        .who = NOBODY_SUDO,
        .apt = APT_FAKE,
        .ok = 1,
        .out = "deps: installing libpcap-dev check libseccomp-dev libssl-dev",
        .err = NULL,
        .installs = "libpcap-dev check libseccomp-dev libssl-dev"},
    {.pc = PC_SYSTEM,
        .who = NOBODY_NO_SUDO,
        .apt = APT_FAKE,
        .ok = 1,
        .out = "",
        .err = NULL,
        .installs = NULL},
    /* no apt-get, or an install that fails */
    {.pc = PC_EMPTY,
        .who = ROOT,
        .apt = APT_NONE,
        .ok = 0,
        .out = NULL,
        .err =
            "deps: missing libpcap-dev "
            "check libseccomp-dev libssl-dev; this system has no apt-get: "
            "install "
            "the development files of libpcap, Check, libseccomp and "
            "OpenSSL's libcrypto, pkg-config, bubblewrap and gettext with your "
            "package manager (see README.md)",
        .installs = NULL},
    {.pc = PC_EMPTY,
        .who = ROOT,
        .apt = APT_FAILS,
        .ok = 0,
        .out = "deps: installing libpcap-dev check libseccomp-dev libssl-dev",
        .err =
            "deps: apt-get install libpcap-dev check libseccomp-dev libssl-dev "
            "failed",
        .installs = NULL},
    /* bubblewrap (the grader's sandbox) is a program, not a .pc */
    {.pc = PC_SYSTEM_NO_BWRAP,
        .who = ROOT,
        .apt = APT_FAKE,
        .ok = 1,
        .out = "deps: installing bubblewrap",
        .err = NULL,
        .installs = "bubblewrap"},
    /* msgfmt (the tools' translations, po/) comes with gettext */
    {.pc = PC_SYSTEM_NO_MSGFMT,
        .who = ROOT,
        .apt = APT_FAKE,
        .ok = 1,
        .out = "deps: installing gettext",
        .err = NULL,
        .installs = "gettext"},
};

/* A line of text equal to line. */
static int
has_line(const char *text, const char *line)
{
	char buf[512];

	for (int i = 0; labtest_line(text, i, buf, sizeof buf) == 0 &&
	                i < labtest_lines(text);
	     i++)
		if (strcmp(buf, line) == 0)
			return 1;
	return 0;
}

START_TEST(test_deps)
{
	struct deps_env e;

	memset(&e, 0, sizeof e);
	deps_setup(&e, cases[_i].pc);
	deps_run(&e, cases[_i].pc, cases[_i].who, cases[_i].apt);
	ck_assert_msg((PROC_EXIT(&e.p) == 0) == cases[_i].ok,
	    "make deps: "
	    "status %d\nstdout: %s\nstderr: %s",
	    PROC_EXIT(&e.p), e.p.out, e.p.err);
	if (cases[_i].out != NULL && cases[_i].out[0] == '\0')
		ck_assert_msg(e.p.out[0] == '\0' && e.p.err[0] == '\0',
		    "make deps had nothing to do but said: %s%s", e.p.out,
		    e.p.err);
	else if (cases[_i].out != NULL)
		ck_assert_msg(has_line(e.p.out, cases[_i].out),
		    "no line '%s' "
		    "on stdout: %s",
		    cases[_i].out, e.p.out);
	else
		ck_assert_msg(strstr(e.p.out, "deps: installing") == NULL,
		    "announced an install it cannot do: %s", e.p.out);
	if (cases[_i].err != NULL)
		ck_assert_msg(has_line(e.p.err, cases[_i].err),
		    "no line '%s' "
		    "on stderr: %s",
		    cases[_i].err, e.p.err);
	if (cases[_i].apt == APT_FAKE)
		expect_installed(&e, cases[_i].installs);
	if (cases[_i].who == NOBODY_SUDO)
		ck_assert_msg(strncmp(read_file(&e, "sudo.log"), "-n ", 3) == 0,
		    "not installed through 'sudo -n': %s",
		    read_file(&e, "sudo.log"));
	deps_cleanup(&e);
}
END_TEST

/* With the real apt-get in simulation mode: the announced packages are
 * what apt-get is asked for, and nothing else. */
static const struct {
	enum pcmode pc;
	const char *announce;
	const char *asked[4];  /* packages apt-get must mention */
	const char *not_asked; /* one it must not */
} sims[] = {
    {.pc = PC_EMPTY,
        .announce =
            "deps: installing libpcap-dev check libseccomp-dev libssl-dev",
        .asked = {"libpcap-dev", "check", "libseccomp-dev", "libssl-dev"},
        .not_asked = "pkg-config"},
    {.pc = PC_MISSING,
        .announce =
            "deps: installing pkg-config libpcap-dev check libseccomp-dev "
            "libssl-dev",
        .asked = {"pkg-config", "libpcap-dev", "check", "libseccomp-dev"},
        .not_asked = NULL},
};

/* apt-get -s names each package it was asked for: "Inst NAME" when it
 * would install it, "NAME is already the newest version" when not. */
static int
apt_mentions(const char *out, const char *pkg)
{
	char inst[64], newest[96];

	snprintf(inst, sizeof inst, "Inst %s ", pkg);
	snprintf(newest, sizeof newest, "%s is already the newest", pkg);
	return strstr(out, inst) != NULL || strstr(out, newest) != NULL;
}

START_TEST(test_deps_simulated)
{
	struct deps_env e;

	memset(&e, 0, sizeof e);
	deps_setup(&e, sims[_i].pc);
	deps_run(&e, sims[_i].pc, ROOT, APT_SIM);
	ck_assert_msg(PROC_EXIT(&e.p) == 0, "make deps: status %d\n%s%s",
	    PROC_EXIT(&e.p), e.p.out, e.p.err);
	ck_assert_msg(has_line(e.p.out, sims[_i].announce),
	    "no line '%s': "
	    "%s",
	    sims[_i].announce, e.p.out);
	for (int i = 0; i < 4 && sims[_i].asked[i] != NULL; i++)
		ck_assert_msg(apt_mentions(e.p.out, sims[_i].asked[i]),
		    "apt-get -s was not asked for %s:\n%s", sims[_i].asked[i],
		    e.p.out);
	if (sims[_i].not_asked != NULL)
		ck_assert_msg(!apt_mentions(e.p.out, sims[_i].not_asked),
		    "apt-get -s was asked for %s too:\n%s", sims[_i].not_asked,
		    e.p.out);
	deps_cleanup(&e);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Plain 'make' at the top is 'make all' (the handouts' tools come from
 * it), not the first target some fragment happens to define. */
START_TEST(test_default_goal)
{
	char *argv[] = {"make", "-n", "--no-print-directory", NULL};
	struct proc p;

	ck_assert_int_eq(proc_run(&p, argv, 15000), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "make -n: %s", p.err);
	ck_assert_msg(strstr(p.out, "build-all") != NULL,
	    "plain make does not run 'all':\n%s", p.out);
	proc_free(&p);
}
END_TEST

/*
 * The kit's make from a checkout in a folder whose name has spaces,
 * parentheses and a non-ASCII letter (issue #10 point 11): 'make labs'
 * builds the references in solutions/ with each lab's own Makefile.  The
 * folder links to this kit's files but holds its own copy of the
 * references' sources, so they really are built there.
 */
#define ODD_NAME "my kit (copy) \xc3\xa9"
START_TEST(test_odd_folder_name)
{
	char top[KIT_TMP_MAX], script[2048];
	char *argv[] = {"sh", "-c", script, "sh", top, NULL};
	struct proc p;

	snprintf(top, sizeof top, "%s", kit_tmp("check_deps-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(top));
	snprintf(script, sizeof script,
	    "trap 'rm -rf \"$1\"' EXIT; set -e; f=\"$1/%s\"; "
	    "mkdir \"$f\" \"$f/solutions\"; "
	    "for e in Makefile capture grader labs po; do "
	    "ln -s \"$PWD/$e\" \"$f/$e\"; done; "
	    "cp solutions/module.mk \"$f/solutions/\"; "
	    "for d in solutions/*/; do [ \"$d\" = solutions/tests/ ] || "
	    "{ mkdir \"$f/$d\"; cp \"$d\"*.c \"$f/$d\"; }; done; "
	    "make --no-print-directory -C \"$f\" labs; "
	    "for d in \"$f\"/solutions/*/; do ls \"$d\" | grep -qv '[.]c$' || "
	    "{ echo \"nothing built in $d\" >&2; exit 1; }; done",
	    ODD_NAME);
	ck_assert_int_eq(proc_run(&p, argv, 120000), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "make labs in '%s': status %d\n%s%s",
	    ODD_NAME, PROC_EXIT(&p), p.out, p.err);
	proc_free(&p);
}
END_TEST

Suite *
deps_suite(void)
{
	Suite *s = suite_create("deps");
	TCase *tc = tcase_create("core");
	TCase *sim = tcase_create("simulated");
	TCase *folder = tcase_create("folder");

	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, test_deps, 0, N(cases));
	tcase_add_test(tc, test_default_goal);
	suite_add_tcase(s, tc);
	tcase_set_timeout(sim, 40);
	tcase_add_loop_test(sim, test_deps_simulated, 0, N(sims));
	suite_add_tcase(s, sim);
	tcase_set_timeout(folder, 180);
	tcase_add_test(folder, test_odd_folder_name);
	suite_add_tcase(s, folder);
	return s;
}

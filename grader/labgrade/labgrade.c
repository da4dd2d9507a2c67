/*
 * labgrade: grade a lab submission (or a class of them) and report it in
 * the formats graders and CI systems read.  See labgrade.1.
 */
/* _GNU_SOURCE: unshare(CLONE_NEWUSER) (can we make cells here?),
 * realpath(), O_DIRECTORY and O_NOFOLLOW with -std=c11 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <sys/wait.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cell.h"
#include "cgroup.h"
#include "sandbox.h"
#include "class.h"
#include "engine.h"
#include "lab.h"
#include "param.h"
#include "report.h"
#include "class.h"
#include "rubric.h"

#ifndef LABGRADE_DATADIR
#define LABGRADE_DATADIR "/usr/local/share/socklab"
#endif

enum {
	OPT_FORMAT = 256,
	OPT_OUT,
	OPT_SEED,
	OPT_ONLY,
	OPT_FAIL_UNDER,
	OPT_LIST,
	OPT_CONTRACT,
	OPT_CLASS,
	OPT_RUBRIC,
	OPT_NO_CELL,
	OPT_SLOT_BASE,
	OPT_COLOR,
	OPT_LABS,
	OPT_SOURCES,
	OPT_UNSAFE,
	OPT_FORCE,
	OPT_ROSTER,
	OPT_STUDENT,
	OPT_DASHBOARD,
	OPT_DUE,
	OPT_LANG
};

struct lg {
	const char *argv0; /* as invoked: the reports' rerun command */
	const struct grade_lab *lab;
	const char *dir;
	const char *class_root;
	const char *out;
	const char *only;
	const char *rubric;
	const char *roster;    /* --class: --roster FILE */
	const char *student;   /* --student NAME: the csv's name */
	const char *dashboard; /* --dashboard OUTDIR */
	int force;
	long long due; /* --due, seconds since the epoch; 0: none */
	int formats[REPORT_NFORMATS];
	int nformats;
	uint64_t seed;
	int verbose, list, contract, jobs, no_cell, slot_base, colour;
	int unsafe;        /* --unsafe-no-sandbox */
	double fail_under; /* < 0: none */
	int fail_under_pct;
	char kit[PATH_MAX];
	char exe[PATH_MAX];
	char labpeer[PATH_MAX + 16], labsniff[PATH_MAX + 16];
	char makefile[PATH_MAX + 64]; /* the kit's, for the repro's build */
};

/* Set by SIGINT/SIGTERM: the engine ends its runners and we clean up. */
static volatile sig_atomic_t lg_stop;

static void
lg_on_signal(int sig)
{
	(void)sig;
	lg_stop = 1;
}

static void
lg_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = lg_on_signal; /* no SA_RESTART: waits wake up */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Set by --unsafe-no-sandbox, for the labgrade runs class mode starts. */
#define LG_UNSAFE_ENV "LABGRADE_UNSAFE_NO_SANDBOX"

static const char lg_usage[] = N_("usage: labgrade [options] LAB [DIR]\n"
                                  "       labgrade --class ROOT [options] LAB\n"
                                  "       labgrade --list LAB\n"
                                  "       labgrade --labs | --sources LAB\n"
                                  "       labgrade --contract LAB\n"
                                  "       labgrade --dashboard OUTDIR\n");

static const char lg_help[] = N_(
    "Grade a socklab submission: build it with the kit's Makefile, run its\n"
    "programs against scripted peers in private cells, check what they\n"
    "print and what they send on the wire.\n\n"
    "LAB is one of the kit's labs (--labs, or its name's part before the\n"
    "first '-'); DIR defaults to labs/LAB.\n\n"
    "  --format F      text, json, junit, tap, gradescope, autolab, csv;\n"
    "                  repeat or separate with commas (several need --out)\n"
    "  --out DIR       write each format into DIR (and the test traces)\n"
    "  --seed N        seed of the fault injection (default 1)\n"
    "  --only TEST     run only TEST (and the tests it needs)\n"
    "  -v, --verbose   show each test's packet trace, even when it passes\n"
    "  --fail-under S  exit 3 when the score is below S points (or S%)\n"
    "  --list          list the lab's tests with points and summaries\n"
    "  --labs          list the kit's labs: NAME<tab>TITLE, one a line\n"
    "  --sources LAB   the files a submission of LAB holds, one a line\n"
    "  --contract      the lab's contract lines and the tests of each, as\n"
    "                  a Markdown table (grader/labs/CONTRACT.md holds it)\n"
    "  --class ROOT    grade every ROOT/*/ folder into an output tree (--out,\n"
    "                  default ROOT-labgrade/): grades.csv, grades.json,\n"
    "                  report.html, students/<student>/report.txt ...\n"
    "  --force         with --class: grade every submission again\n"
    "  --roster FILE   with --class: CSV of folder,id,email[,extension_days]\n"
    "  --due DATE      with --class: late days by the sources' file times\n"
    "  --dashboard OUT rebuild OUT/report.html from stored results\n"
    "  -j N            with --class: submissions at once (default: CPUs);\n"
    "                  otherwise: tests at once (default: 2 per CPU, >= 4)\n"
    "  --rubric FILE   points per test (default: the kit's rubric)\n"
    "  --no-cell       run without namespaces (what Docker allows)\n"
    "  --unsafe-no-sandbox  run student code even with neither namespaces\n"
    "                  nor a uid to drop to: as YOUR uid (never as root)\n"
    "  --color WHEN    auto (default), always or never\n"
    "  --lang LL       reports in language LL (en, pt_BR) whatever LANG\n"
    "                  says (also LABGRADE_LANG=LL)\n"
    "  -h, --help      this help;  -V, --version  the version\n\n"
    "Exit status: 0 graded, 1 could not grade, 2 bad arguments, 3 below\n"
    "--fail-under.\n");

/* --lang LL or LL_CC (or LABGRADE_LANG): every report in one language,
 * whatever each run's environment says; "en" is the untranslated one. */
static int
lg_lang(const char *l)
{
	size_t n = strlen(l);

	if (!(n == 2 ||
	        (n == 5 && l[2] == '_' && isupper((unsigned char)l[3]) &&
	            isupper((unsigned char)l[4]))) ||
	    !islower((unsigned char)l[0]) || !islower((unsigned char)l[1]))
		return -1;
	return i18n_force(l);
}

static int
lg_bad(const char *fmt, const char *arg)
{
	fprintf(stderr, _("labgrade: "));
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", _(lg_usage));
	return 2;
}

static int
lg_unknown_lab(const char *name)
{
	char names[512], msg[640];

	snprintf(msg, sizeof msg, _("unknown lab '%%s' (%s)"),
	    lab_names(names, sizeof names));
	return lg_bad(msg, name);
}

/* --labs: the registry, for scripts and the Makefiles. */
static void
lg_labs(void)
{
	size_t i;

	for (i = 0; i < lab_count(); i++)
		printf("%s\t%s\n", lab_at(i)->name, lab_at(i)->title);
}

/* --sources LAB: what a submission holds, one file a line. */
static int
lg_sources(const char *name)
{
	const struct grade_lab *lab = lab_find(name);
	const char *src[64];
	size_t i;

	if (lab == NULL)
		return lg_unknown_lab(name);
	lab_sources(lab, src, sizeof src / sizeof src[0]);
	for (i = 0; src[i] != NULL; i++)
		printf("%s\n", src[i]);
	return 0;
}

static int
lg_add_formats(struct lg *o, const char *arg)
{
	char buf[256], *tok, *save = NULL;
	int f, i;

	snprintf(buf, sizeof buf, "%s", arg);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		f = report_format_parse(tok);
		if (f < 0)
			return lg_bad(_("unknown format '%s'"), tok);
		for (i = 0; i < o->nformats && o->formats[i] != f; i++)
			;
		if (i == o->nformats)
			o->formats[o->nformats++] = f;
	}
	return 0;
}

static int
lg_number(const char *s, double lo, double hi, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return errno == 0 && end != s && *end == '\0' && *v >= lo && *v <= hi;
}

static int
lg_fail_under(struct lg *o, const char *arg)
{
	char buf[64];
	size_t n = strlen(arg);

	snprintf(buf, sizeof buf, "%s", arg);
	if (n > 0 && buf[n - 1] == '%') {
		buf[n - 1] = '\0';
		o->fail_under_pct = 1;
	}
	if (!lg_number(buf, 0, 1e9, &o->fail_under))
		return lg_bad(_("bad --fail-under '%s'"), arg);
	return 0;
}

/* --due: YYYY-MM-DD[THH:MM[:SS]] in local time, or ending in Z or
 * +HH:MM / -HH:MM. */
static int
lg_due(const char *s, long long *out)
{
	struct tm tm;
	int y, mo, d, h = 23, mi = 59, sec = 59, n = 0, oh, om;
	char sign;
	const char *z;
	time_t t;

	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		return -1;
	z = s + n;
	if (*z == 'T' || *z == ' ') {
		n = 0;
		if (sscanf(z + 1, "%2d:%2d%n", &h, &mi, &n) != 2)
			return -1;
		z += 1 + n;
		sec = 0;
		if (*z == ':' && sscanf(z + 1, "%2d%n", &sec, &n) == 1)
			z += 1 + n;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60 || y < 1970)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if (*z == '\0') {
		tm.tm_isdst = -1;
		t = mktime(&tm);
	} else if (strcmp(z, "Z") == 0) {
		t = timegm(&tm);
	} else if (sscanf(z, "%c%2d:%2d%n", &sign, &oh, &om, &n) == 3 &&
	           z[n] == '\0' && (sign == '+' || sign == '-')) {
		t = timegm(&tm) -
		    (sign == '+' ? 1 : -1) * (oh * 3600 + om * 60);
	} else {
		return -1;
	}
	*out = (long long)t;
	return t == (time_t)-1 ? -1 : 0;
}

/* An option that only names something (a path, a test, a name). */
static int
lg_set(const char **to, const char *arg)
{
	*to = arg;
	return 0;
}

/* An option that only turns something on. */
static int
lg_flag(int *flag)
{
	*flag = 1;
	return 0;
}

static int
lg_option(struct lg *o, int c, const char *arg)
{
	double v;
	char *end;

	switch (c) {
	case OPT_FORMAT:
		return lg_add_formats(o, arg);
	case OPT_OUT:
		return lg_set(&o->out, arg);
	case OPT_ONLY:
		return lg_set(&o->only, arg);
	case OPT_RUBRIC:
		return lg_set(&o->rubric, arg);
	case OPT_CLASS:
		return lg_set(&o->class_root, arg);
	case OPT_FORCE:
		return lg_flag(&o->force);
	case OPT_ROSTER:
		return lg_set(&o->roster, arg);
	case OPT_STUDENT:
		return lg_set(&o->student, arg);
	case OPT_DASHBOARD:
		return lg_set(&o->dashboard, arg);
	case OPT_DUE:
		if (lg_due(arg, &o->due) < 0)
			return lg_bad(
			    _("bad --due '%s' (YYYY-MM-DDTHH:MM, local "
			      "time, or with Z or +HH:MM)"),
			    arg);
		return 0;
	case OPT_LANG:
		/* Class mode's per-student runs inherit it (LC_ALL, LANGUAGE).
		 */
		if (lg_lang(arg) < 0)
			return lg_bad(_("bad --lang '%s' (en or pt_BR)"), arg);
		return 0;
	case OPT_LIST:
		return lg_flag(&o->list);
	case OPT_CONTRACT:
		return lg_flag(&o->contract);
	case OPT_NO_CELL:
		return lg_flag(&o->no_cell);
	case OPT_UNSAFE:
		/* Class mode's per-student runs inherit it. */
		o->unsafe = 1;
		setenv(LG_UNSAFE_ENV, "1", 1);
		return 0;
	case 'v':
		return lg_flag(&o->verbose);
	case OPT_FAIL_UNDER:
		return lg_fail_under(o, arg);
	case OPT_SEED:
		errno = 0;
		o->seed = strtoull(arg, &end, 0);
		if (errno != 0 || end == arg || *end != '\0' || arg[0] == '-')
			return lg_bad(_("bad --seed '%s'"), arg);
		return 0;
	case 'j':
		if (!lg_number(arg, 1, 64, &v) || v != (int)v)
			return lg_bad(_("bad -j '%s' (1..64)"), arg);
		o->jobs = (int)v;
		return 0;
	case OPT_SLOT_BASE:
		if (!lg_number(arg, 0, 4096, &v) || v != (int)v)
			return lg_bad(_("bad --slot-base '%s' (0..4096)"), arg);
		o->slot_base = (int)v;
		return 0;
	case OPT_COLOR:
		if (strcmp(arg, "always") == 0)
			o->colour = 1;
		else if (strcmp(arg, "never") == 0)
			o->colour = 0;
		else if (strcmp(arg, "auto") == 0)
			o->colour = -1;
		else
			return lg_bad(
			    _("bad --color '%s' (auto, always, never)"), arg);
		return 0;
	}
	return lg_bad("%s", _("unknown option"));
}

/* 0 ok, 2 bad arguments, -1 --help/--version done. */
static int
lg_parse(struct lg *o, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"format", required_argument, NULL, OPT_FORMAT},
	    {"out", required_argument, NULL, OPT_OUT},
	    {"seed", required_argument, NULL, OPT_SEED},
	    {"only", required_argument, NULL, OPT_ONLY},
	    {"fail-under", required_argument, NULL, OPT_FAIL_UNDER},
	    {"list", no_argument, NULL, OPT_LIST},
	    {"contract", no_argument, NULL, OPT_CONTRACT},
	    {"class", required_argument, NULL, OPT_CLASS},
	    {"rubric", required_argument, NULL, OPT_RUBRIC},
	    {"no-cell", no_argument, NULL, OPT_NO_CELL},
	    {"unsafe-no-sandbox", no_argument, NULL, OPT_UNSAFE},
	    {"slot-base", required_argument, NULL, OPT_SLOT_BASE},
	    {"color", required_argument, NULL, OPT_COLOR},
	    {"colour", required_argument, NULL, OPT_COLOR},
	    {"force", no_argument, NULL, OPT_FORCE},
	    {"roster", required_argument, NULL, OPT_ROSTER},
	    {"student", required_argument, NULL, OPT_STUDENT},
	    {"dashboard", required_argument, NULL, OPT_DASHBOARD},
	    {"due", required_argument, NULL, OPT_DUE},
	    {"lang", required_argument, NULL, OPT_LANG},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {"labs", no_argument, NULL, OPT_LABS},
	    {"sources", required_argument, NULL, OPT_SOURCES},
	    {"version", no_argument, NULL, 'V'}, {NULL, 0, NULL, 0}};
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hVvj:", longopts, NULL)) != -1) {
		if (c == 'h') {
			printf("%s\n%s", _(lg_usage), _(lg_help));
			return -1;
		}
		if (c == 'V') {
			printf(_("labgrade %s\n"), LABGRADE_VERSION);
			return -1;
		}
		if (c == OPT_LABS) {
			lg_labs();
			return -1;
		}
		if (c == OPT_SOURCES)
			return lg_sources(optarg) == 0 ? -1 : 2;
		if (c == '?' || c == ':')
			return lg_bad(_("bad option '%s'"), argv[optind - 1]);
		if ((rc = lg_option(o, c, optarg)) != 0)
			return rc;
	}
	if (o->dashboard != NULL && optind >= argc)
		return 0; /* the lab is the stored one's */
	if (optind >= argc)
		return lg_bad("%s", _("no LAB given"));
	o->lab = lab_find(argv[optind]);
	if (o->lab == NULL)
		return lg_unknown_lab(argv[optind]);
	o->dir = optind + 1 < argc ? argv[optind + 1] : NULL;
	if (optind + 2 < argc || (o->dir != NULL && o->class_root != NULL))
		return lg_bad(_("too many arguments ('%s')"), argv[argc - 1]);
	if (o->nformats == 0)
		o->formats[o->nformats++] = REPORT_TEXT;
	if (o->nformats > 1 && o->out == NULL && o->class_root == NULL)
		return lg_bad("%s", _("several formats need --out DIR"));
	if ((o->force || o->roster != NULL || o->due != 0) &&
	    o->class_root == NULL)
		return lg_bad(
		    "%s", _("--force, --roster and --due go with --class"));
	return 0;
}

static int
lg_is_dir(const char *d)
{
	struct stat st;

	return stat(d, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A kit holds the lab's rubric (a file: build/ mirrors grader/labs/ with
 * object folders) and the lab's Makefile (labs/: a student kit has no
 * solutions/). */
static int
lg_is_kit(const char *d, const char *lab)
{
	char p[PATH_MAX + 64];
	struct stat st;

	snprintf(p, sizeof p, "%s/grader/labs/%s/%s.rubric", d, lab, lab);
	if (stat(p, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	/* The lab Makefiles live with the labs (a student kit has no
	 * solutions/). */
	snprintf(p, sizeof p, "%s/labs/%s/Makefile", d, lab);
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The kit's data: $LABGRADE_KIT, else the source tree build/labgrade
 * was built in (found from /proc/self/exe), else DATADIR. */
static int
lg_find_kit(struct lg *o)
{
	const char *env = getenv("LABGRADE_KIT");
	char d[PATH_MAX];
	ssize_t n;
	int up;

	n = readlink("/proc/self/exe", o->exe, sizeof o->exe - 1);
	o->exe[n > 0 ? n : 0] = '\0';
	snprintf(d, sizeof d, "%s", o->exe);
	snprintf(o->labpeer, sizeof o->labpeer, "%s/labpeer", dirname(d));
	snprintf(o->labsniff, sizeof o->labsniff, "%s/labsniff", d);
	if (env != NULL && env[0] != '\0') {
		if (!lg_is_kit(env, o->lab->name)) {
			fprintf(stderr,
			    _("labgrade: LABGRADE_KIT=%s holds no kit data "
			      "(grader/labs/%s/%s.rubric, labs/%s/Makefile)\n"),
			    env, o->lab->name, o->lab->name, o->lab->name);
			return -1;
		}
		snprintf(o->kit, sizeof o->kit, "%s", env);
		return 0;
	}
	for (up = 0; up < 3 && n > 0; up++) {
		char *parent = dirname(d); /* may point into d */

		memmove(d, parent, strlen(parent) + 1);
		if (lg_is_kit(d, o->lab->name)) {
			snprintf(o->kit, sizeof o->kit, "%s", d);
			return 0;
		}
	}
	if (lg_is_kit(LABGRADE_DATADIR, o->lab->name)) {
		snprintf(o->kit, sizeof o->kit, "%s", LABGRADE_DATADIR);
		return 0;
	}
	fprintf(stderr,
	    _("labgrade: cannot find the kit's data (rubrics, lab "
	      "Makefiles) near %s or in %s: broken installation\n"),
	    o->exe, LABGRADE_DATADIR);
	return -1;
}

static int
lg_rubric(struct lg *o, struct rubric *r)
{
	char path[PATH_MAX + 64], err[PATH_MAX + 256];

	if (o->rubric != NULL)
		snprintf(path, sizeof path, "%s", o->rubric);
	else
		snprintf(path, sizeof path, "%s/grader/labs/%s/%s.rubric",
		    o->kit, o->lab->name, o->lab->name);
	if (rubric_load(r, path, o->lab, err, sizeof err) < 0) {
		fprintf(stderr, _("labgrade: rubric: %s\n"), err);
		return -1;
	}
	return 0;
}

static int
lg_list(struct lg *o)
{
	const struct grade_test *t;
	struct rubric r;
	size_t i;

	if (lg_rubric(o, &r) < 0)
		return 1;
	printf(ngettext("%s: %zu test, %g points (rubric %s, hash %s)\n",
	           "%s: %zu tests, %g points (rubric %s, hash %s)\n",
	           (unsigned long)o->lab->ntests),
	    o->lab->name, o->lab->ntests, r.total, r.path, r.hash);
	for (i = 0; i < o->lab->ntests; i++) {
		t = &o->lab->tests[i];
		printf("%-28s %5g  %s", t->name, rubric_points(&r, t->name),
		    _(t->summary));
		if (t->after != NULL)
			printf(_(" (after %s)"), t->after);
		putchar('\n');
	}
	rubric_free(&r);
	return 0;
}

/* Each format into --out DIR: files opened relative to the folder,
 * never through a link planted there. */
static int
lg_write_reports(struct lg *o, struct report *rep)
{
	struct report_opts ro = {0};
	char dirbuf[PATH_MAX];
	const char *name;
	FILE *f;
	int i, dfd, fd, rc = 0;

	snprintf(dirbuf, sizeof dirbuf, "%s", rep->dir);
	ro.argv0 = o->argv0;
	ro.verbose = o->verbose;
	ro.csv_header = 1;
	ro.student = o->student != NULL ? o->student : basename(dirbuf);
	if (o->out == NULL) {
		ro.colour = o->colour < 0 ? isatty(STDOUT_FILENO) &&
		                                getenv("NO_COLOR") == NULL
		                          : o->colour;
		return report_write(o->formats[0], stdout, rep, &ro);
	}
	if ((mkdir(o->out, 0755) < 0 && errno != EEXIST) ||
	    (dfd = open(o->out, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		fprintf(
		    stderr, _("labgrade: %s: %s\n"), o->out, strerror(errno));
		return -1;
	}
	ro.colour = 0;
	for (i = 0; i < o->nformats && rc == 0; i++) {
		name = report_format_file(o->formats[i]);
		fd = openat(dfd, name,
		    O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		    0644);
		f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (f == NULL || report_write(o->formats[i], f, rep, &ro) < 0) {
			fprintf(stderr, _("labgrade: %s/%s: %s\n"), o->out,
			    name, strerror(errno));
			rc = -1;
		}
		if (f != NULL)
			fclose(f);
		else if (fd >= 0)
			close(fd);
	}
	close(dfd);
	if (rc == 0 && engine_keep_traces(rep, o->out) < 0)
		fprintf(stderr,
		    _("labgrade: %s/traces: some traces could not be "
		      "kept\n"),
		    o->out);
	return rc;
}

static int
lg_status(struct lg *o, const struct report *rep)
{
	double bar = o->fail_under;

	if (rep->errors > 0) {
		fprintf(stderr,
		    ngettext("labgrade: %zu test hit a grader error: this "
		             "grade is incomplete\n",
		        "labgrade: %zu tests hit a grader error: this "
		        "grade is incomplete\n",
		        (unsigned long)rep->errors),
		    rep->errors);
		return 1;
	}
	if (o->fail_under_pct)
		bar = rep->max_score * o->fail_under / 100;
	if (o->fail_under >= 0 && rep->score < bar) {
		fprintf(stderr,
		    _("labgrade: score %g/%g is below --fail-under "
		      "%g\n"),
		    rep->score, rep->max_score, bar);
		return 3;
	}
	return 0;
}

static int
lg_has_test(const struct grade_lab *lab, const char *name)
{
	size_t i;

	for (i = 0; i < lab->ntests; i++)
		if (strcmp(lab->tests[i].name, name) == 0)
			return 1;
	return 0;
}

/* DIR, or labs/LAB here, or else the kit's labs/LAB. */
static void
lg_dir(const struct lg *o, char *dir, size_t len)
{
	if (o->dir != NULL)
		snprintf(dir, len, "%s", o->dir);
	else if (!lg_is_dir("labs"))
		snprintf(dir, len, "%s/labs/%s", o->kit, o->lab->name);
	else
		snprintf(dir, len, "labs/%s", o->lab->name);
}

static void
lg_sub(struct lg *o, const struct build_result *b, const char *dir,
    struct grade_sub *sub)
{
	const char *p;
	size_t i;
	char mk[PATH_MAX + 64];

	memset(sub, 0, sizeof *sub);
	/* Absolute: "make -C DIR -f MAKEFILE" reads it from DIR. */
	snprintf(mk, sizeof mk, "%s/labs/%s/Makefile", o->kit, o->lab->name);
	if (realpath(mk, o->makefile) == NULL)
		snprintf(o->makefile, sizeof o->makefile, "%s", mk);
	sub->makefile = o->makefile;
	sub->lab = o->lab->name;
	sub->src = dir;
	sub->bin = b->dir;
	for (i = o->lab->nprograms; i-- > 0;) {
		p = b->prog[i][0] != '\0' ? b->prog[i] : NULL;
		sub->prog[i] = p;
		if (o->lab->programs[i].role == ROLE_SERVER)
			sub->server = p; /* the first of its role, at the end */
		if (o->lab->programs[i].role == ROLE_CLIENT)
			sub->client = p;
	}
	sub->labpeer = o->labpeer;
	sub->labsniff = o->labsniff;
	sub->seed = o->seed;
	sub->force_fallback = o->no_cell;
	sub->unsafe = o->unsafe;
	sub->kit = o->kit;
	sub->verbose = o->verbose;
}

/* Can this process make a user namespace (what an ordinary user's
 * cells need)?  Tried in a child, which goes away with it. */
static int
lg_userns_works(void)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) == 0 ? 0 : 1);
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/*
 * Student code needs a sandbox: namespaces, or at least a uid of its
 * own (root drops to one).  An ordinary user without user namespaces
 * (or with --no-cell) would lend the student its own uid: refused,
 * unless --unsafe-no-sandbox.  Without bwrap the cells still work, with
 * less: say so.
 */
static int
lg_sandbox_check(const struct lg *o)
{
	if (sandbox_bwrap() == NULL)
		fprintf(
		    stderr, _("labgrade: bubblewrap (bwrap) is not installed: "
		              "student programs and builds see the host's "
		              "files (install bubblewrap)\n"));
	if (cell_root() || o->unsafe || (!o->no_cell && lg_userns_works()))
		return 0;
	fprintf(stderr,
	    _("labgrade: %s and not root (no uid to drop to): refusing to run "
	      "student code as your own uid (--unsafe-no-sandbox allows it)\n"),
	    o->no_cell ? "--no-cell" : "no user namespaces here");
	return -1;
}

static int
lg_grade(struct lg *o)
{
	struct engine_opts eo = {.runners = o->jobs,
	    .slot_base = o->slot_base,
	    .only = o->only,
	    .verbose = o->verbose,
	    .stop = &lg_stop};
	struct build_result b;
	struct grade_sub sub;
	struct report rep;
	struct rubric r;
	char err[PATH_MAX + 256], dir[PATH_MAX + 32];
	int rc = 1;

	memset(&rep, 0, sizeof rep);
	lg_dir(o, dir, sizeof dir);
	if (o->only != NULL && !lg_has_test(o->lab, o->only)) {
		fprintf(stderr,
		    _("labgrade: %s has no test named '%s' (see "
		      "labgrade --list %s)\n"),
		    o->lab->name, o->only, o->lab->name);
		return 2;
	}
	if (lg_rubric(o, &r) < 0)
		return 1;
	if (lg_sandbox_check(o) < 0) {
		rubric_free(&r);
		return 1;
	}
	if (build_submission(o->lab, dir, o->kit, &b, err, sizeof err) < 0) {
		fprintf(stderr, _("labgrade: %s\n"), err);
		goto out;
	}
	lg_sub(o, &b, dir, &sub);
	if (engine_run(o->lab, &r, &sub, &b, &eo, &rep, err, sizeof err) < 0) {
		fprintf(stderr, _("labgrade: %s\n"), err);
		goto out;
	}
	engine_render_traces(&rep, o->labsniff, o->verbose);
	rc = lg_write_reports(o, &rep) < 0 ? 1 : lg_status(o, &rep);
out:
	engine_cleanup(&rep);
	report_free(&rep);
	build_cleanup(&b);
	rubric_free(&r);
	return rc;
}

static int
lg_class(struct lg *o)
{
	const char *names[CLASS_NTESTS], *summaries[CLASS_NTESTS];
	struct class_opts co = {0};
	const char *sources[64];
	struct rubric r;
	char err[PATH_MAX + 256];
	size_t i;
	int rc;

	if (o->only != NULL && !lg_has_test(o->lab, o->only)) {
		fprintf(stderr,
		    _("labgrade: %s has no test named '%s' (see "
		      "labgrade --list %s)\n"),
		    o->lab->name, o->only, o->lab->name);
		return 2;
	}
	if (lg_rubric(o, &r) < 0)
		return 1;
	for (i = 0; i < o->lab->ntests && i < CLASS_NTESTS; i++) {
		names[i] = o->lab->tests[i].name;
		summaries[i] = _(o->lab->tests[i].summary);
	}
	co.root = o->class_root;
	co.out = o->out;
	co.only = o->only;
	co.roster = o->roster;
	co.lab = o->lab->name;
	co.self = o->exe;
	co.kit = o->kit;
	co.rubric = o->rubric;
	co.rubric_path = r.path;
	co.rubric_hash = r.hash;
	co.rubric_total = r.total;
	lab_sources(o->lab, sources, sizeof sources / sizeof sources[0]);
	co.sources = sources;
	co.jobs = o->jobs;
	co.seed = o->seed;
	co.force_fallback = o->no_cell;
	co.force = o->force;
	co.fail_under = o->fail_under;
	co.due = o->due;
	co.fail_under_pct = o->fail_under_pct;
	co.test_names = names;
	co.test_summaries = summaries;
	co.stop = &lg_stop;
	co.ntests = i;
	rc = class_run(&co, err, sizeof err);
	if (rc < 0)
		fprintf(stderr, _("labgrade: %s\n"), err);
	rubric_free(&r);
	return rc < 0 ? 1 : rc;
}

/* --dashboard OUT: the lab is the one OUT/class.tsv names. */
static int
lg_dashboard(struct lg *o)
{
	char err[PATH_MAX + 256], lab[64] = "";
	const struct grade_lab *l;
	FILE *f;
	char path[PATH_MAX + 16], line[256];

	snprintf(path, sizeof path, "%s/class.tsv", o->dashboard);
	f = fopen(path, "r");
	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "lab\t", 4) == 0 &&
		    sscanf(line + 4, "%63s", lab) == 1)
			break;
	if (f != NULL)
		fclose(f);
	l = o->lab != NULL ? o->lab : lab_find(lab);
	if (l == NULL) {
		fprintf(stderr,
		    _("labgrade: %s: no class.tsv naming the lab: not an "
		      "output tree of labgrade --class\n"),
		    o->dashboard);
		return 1;
	}
	if (class_dashboard(o->dashboard, l, err, sizeof err) < 0) {
		fprintf(stderr, _("labgrade: %s\n"), err);
		return 1;
	}
	printf(_("labgrade: %s/report.html rebuilt from the stored results\n"),
	    o->dashboard);
	return 0;
}

int
main(int argc, char **argv)
{
	struct lg o;
	const char *fork_env = getenv("CK_FORK");
	int rc;

	i18n_init();
	memset(&o, 0, sizeof o);
	o.argv0 = argc > 0 ? argv[0] : "labgrade";
	o.seed = GRADE_SEED_DEFAULT;
	o.fail_under = -1;
	o.colour = -1;
	if (getenv("LABGRADE_LANG") != NULL &&
	    *getenv("LABGRADE_LANG") != '\0' &&
	    lg_lang(getenv("LABGRADE_LANG")) < 0) {
		fprintf(stderr,
		    _("labgrade: bad LABGRADE_LANG '%s' (en or pt_BR)\n"),
		    getenv("LABGRADE_LANG"));
		return 2;
	}
	rc = lg_parse(&o, argc, argv);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if (getenv(LG_UNSAFE_ENV) != NULL &&
	    strcmp(getenv(LG_UNSAFE_ENV), "1") == 0)
		o.unsafe = 1;
	if (fork_env != NULL && strcmp(fork_env, "no") == 0) {
		fprintf(stderr,
		    _("labgrade: CK_FORK=no is refused: every test "
		      "must run in a child of its own (unset CK_FORK)\n"));
		return 1;
	}
	if (o.contract)
		return contract_table(stdout, o.lab->name) == 0 ? 0 : 1;
	if (o.dashboard != NULL) /* stored results only: no kit needed */
		return lg_dashboard(&o);
	if (lg_find_kit(&o) < 0)
		return 1;
	if (o.list)
		return lg_list(&o);
	lg_signals();
	/* cgroup v2: a leaf of our own, so that the cells' cgroups get the
	 * memory and pids controllers (see cell/cgroup.c); undone at exit. */
	cell_cgroup_prepare();
	atexit(cell_cgroup_finish);
	if (o.class_root != NULL)
		return lg_class(&o);
	return lg_grade(&o);
}

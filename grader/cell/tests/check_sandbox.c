/*
 * The sandbox under attack: each hostile submission of
 * grader/cell/tests/attacks/NAME/ (one per attack class of issue #8) is graded
 * by build/labgrade, as root and as nobody, and must fail: the attack
 * leaves no trace on the host (a sentinel file, a fake ~/.ssh and
 * ~/.bashrc, the kit's binaries, /dev/shm, /var/tmp, /run/lock, SysV
 * shared memory, a host Unix socket, the terminal), the score is not
 * full, the report is sane JSON that shows the program ran but holds
 * nothing it stole, and the grading ends in bounded time.
 */
#define _GNU_SOURCE /* memmem(), accept4(), mkdtemp() */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "cell.h"
#include "cgroup.h"
#include "param.h"

#define SB_ATTACKS "grader/cell/tests/attacks"
#define SB_GRADE_MS 120000 /* labgrade is killed after this */
#define SB_NOBODY 65534
#define SB_SHM_BYTES "7777777"  /* the leftovers attack's segment */
#define SB_MEM_PEAK (2LL << 30) /* the memory attack's grading, at most */
/* sh -c: join cgroup $1 (when given), then run the rest. */
#define SB_JOIN_CG                                                             \
	"if [ -n \"$1\" ]; then echo $$ > \"$1/cgroup.procs\" || exit 9; fi; " \
	"shift; exec \"$@\""
#define SB_CG_MEM "/sys/fs/cgroup/memory" /* v1, as on the test machine */

/* One grading under attack, and what the host looked like before. */
struct sb {
	char work[64];  /* $KIT_VARTMP/sandbox-XXXXXX: everything below */
	char token[64]; /* unique to this run */
	char sub[512], sentinel[512], home[512];
	char kit[512], sock[108];
	char cg[PATH_MAX]; /* a memory cgroup the grading runs in, or "" */
	int sock_fd, abs_fd;
	int as_nobody;
	int no_cell;        /* graded with --no-cell (fallback) */
	char *report;       /* labgrade's JSON */
	char summary[4096]; /* python's reading of it */
	double seconds;
	int tests_run;
	struct stat labsniff; /* the kit's, before */
};

enum { SB_RAN = 1, SB_ROOT_ONLY = 2, SB_TTY = 4 };

struct sb_attack {
	const char *name;
	int flags;
	double max_s; /* the grading's time bound */
	void (*check)(struct sb *x);
};

static void
sb_run(const char *cmd)
{
	ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
}

static void
sb_write(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* The first SB_READ_MAX bytes of a file, in a static buffer. */
#define SB_READ_MAX (4 << 20)
static char *
sb_read(const char *path)
{
	static char *buf;
	size_t n = 0;
	ssize_t r = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	if (buf == NULL)
		buf = malloc(SB_READ_MAX);
	ck_assert_ptr_nonnull(buf);
	while (n < SB_READ_MAX - 1 &&
	       (r = read(fd, buf + n, SB_READ_MAX - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = '\0';
	return buf;
}

/* dst = src with every @KEY@ replaced. */
static void
sb_template(const struct sb *x, const char *src, const char *dst)
{
	const char *keys[][2] = {{"@TOKEN@", x->token},
	    {"@SENTINEL@", x->sentinel}, {"@HOME@", x->home}, {"@KIT@", x->kit},
	    {"@SOCK@", x->sock}};
	char *in = sb_read(src), out[16384];
	size_t n = 0, i, k;

	ck_assert_msg(in != NULL, "%s: %s", src, strerror(errno));
	for (i = 0; in[i] != '\0' && n < sizeof out - PATH_MAX;) {
		for (k = 0; k < 5; k++)
			if (strncmp(in + i, keys[k][0], strlen(keys[k][0])) ==
			    0)
				break;
		if (k == 5) {
			out[n++] = in[i++];
			continue;
		}
		n +=
		    (size_t)snprintf(out + n, sizeof out - n, "%s", keys[k][1]);
		i += strlen(keys[k][0]);
	}
	out[n] = '\0';
	sb_write(dst, out, 0644);
}

/* The kit nobody grades from: a copy it can reach (as check_fallback). */
static void
sb_kit_copy(struct sb *x)
{
	snprintf(x->kit, sizeof x->kit, "%s/kit", x->work);
	ck_assert_int_eq(kit_copy(x->kit), 0);
}

/* A host service on a Unix socket, by path and in the abstract
 * namespace: a sandboxed program must reach neither. */
static void
sb_listen(struct sb *x)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	socklen_t len;

	snprintf(x->sock, sizeof x->sock, "%s/host.sock", x->work);
	memcpy(a.sun_path, x->sock, strlen(x->sock));
	x->sock_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ck_assert_int_eq(bind(x->sock_fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(chmod(x->sock, 0777), 0);
	ck_assert_int_eq(listen(x->sock_fd, 8), 0);
	memset(a.sun_path, 0, sizeof a.sun_path);
	memcpy(a.sun_path + 1, x->sock, strlen(x->sock));
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
	                  strlen(x->sock));
	x->abs_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ck_assert_int_eq(bind(x->abs_fd, (struct sockaddr *)&a, len), 0);
	ck_assert_int_eq(listen(x->abs_fd, 8), 0);
}

static void
sb_setup(struct sb *x, const struct sb_attack *a, int as_nobody)
{
	char path[PATH_MAX + 64], from[PATH_MAX + 64], cmd[PATH_MAX * 3];
	struct dirent *e;
	DIR *d;

	memset(x, 0, sizeof *x);
	x->as_nobody = as_nobody;
	/* The grading's build folders: under the runner's /var/tmp. */
	setenv("LABGRADE_TMPDIR", kit_vartmp(""), 1);
	snprintf(x->work, sizeof x->work, "%s", kit_vartmp("sandbox-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(x->work));
	ck_assert_int_eq(chmod(x->work, 0755), 0);
	snprintf(x->token, sizeof x->token, "tok%s%d",
	    strrchr(x->work, '-') + 1, (int)getpid());
	snprintf(x->sentinel, sizeof x->sentinel, "%s/sentinel", x->work);
	snprintf(path, sizeof path, "SENTINEL-%s\n", x->token);
	sb_write(x->sentinel, path, 0644);
	snprintf(x->home, sizeof x->home, "%s/home", x->work);
	snprintf(cmd, sizeof cmd, "mkdir -p %s/.ssh && chmod 700 %s %s/.ssh",
	    x->home, x->home, x->home);
	sb_run(cmd);
	snprintf(path, sizeof path, "%s/.ssh/id_rsa", x->home);
	snprintf(from, sizeof from, "SSHKEY-%s\n", x->token);
	sb_write(path, from, 0600);
	snprintf(path, sizeof path, "%s/.bashrc", x->home);
	sb_write(path, "# bashrc\n", 0644);
	if (as_nobody)
		sb_kit_copy(x);
	else
		ck_assert_ptr_nonnull(getcwd(x->kit, sizeof x->kit));
	snprintf(path, sizeof path, "%s/build/labsniff", x->kit);
	ck_assert_int_eq(stat(path, &x->labsniff), 0);
	sb_listen(x);
	snprintf(x->sub, sizeof x->sub, "%s/sub", x->work);
	snprintf(cmd, sizeof cmd, "mkdir %s && cp solutions/lab1-udp/*.c %s/",
	    x->sub, x->sub);
	sb_run(cmd);
	snprintf(from, sizeof from, SB_ATTACKS "/%s", a->name);
	if ((d = opendir(from)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(from, sizeof from, SB_ATTACKS "/%s/%.200s",
			    a->name, e->d_name);
			snprintf(
			    path, sizeof path, "%s/%.200s", x->sub, e->d_name);
			sb_template(x, from, path);
		}
		closedir(d);
	}
	if (as_nobody) {
		snprintf(cmd, sizeof cmd, "chown -R %d:%d %s", SB_NOBODY,
		    SB_NOBODY, x->home);
		sb_run(cmd);
	}
}

/* Processes whose binary holds the token: what the grading left. */
static int
sb_left_procs(const struct sb *x)
{
	char path[300], buf[65536];
	struct dirent *e;
	DIR *d = opendir("/proc");
	ssize_t n;
	int fd, left = 0;

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%.200s/exe", e->d_name);
		if ((fd = open(path, O_RDONLY)) < 0)
			continue;
		while ((n = read(fd, buf, sizeof buf)) > 0)
			if (memmem(buf, (size_t)n, x->token,
			        strlen(x->token)) != NULL) {
				left++;
				break;
			}
		close(fd);
	}
	if (d != NULL)
		closedir(d);
	return left;
}

/* The report through a real JSON parser: "score MAX RUN" then one
 * "test NAME STATUS" line per test. */
static void
sb_parse(struct sb *x)
{
	static const char py[] =
	    "import json,sys\n"
	    "d=json.load(sys.stdin)\n"
	    "print('score',d['score'],d['max_score'],d['tests_run'])\n"
	    "for t in d['tests']: print('test',t['name'],"
	    "t['status'].replace(' ','_'))\n";
	char *argv[] = {"python3", "-c", (char *)py, NULL};
	double score = -1, max = -1;
	int run = 0;
	struct proc p;

	ck_assert_int_eq(proc_start_in(&p, argv, x->report), 0);
	proc_wait(&p, 10000);
	ck_assert_msg(PROC_EXIT(&p) == 0, "%s: the report is not JSON: %.300s",
	    x->token, p.err);
	snprintf(x->summary, sizeof x->summary, "%s", p.out);
	ck_assert_int_eq(
	    sscanf(p.out, "score %lf %lf %d", &score, &max, &run), 3);
	ck_assert_msg(max > 0, "%s", p.out);
	x->tests_run = run;
	ck_assert_msg(score < max, "the attack got full marks:\n%s", p.out);
	proc_free(&p);
}

static void sb_check_memory(struct sb *x);

static void
sb_grade(struct sb *x)
{
	char home[PATH_MAX + 8], prog[PATH_MAX + 32];
	char *root[] = {"sh", "-c", SB_JOIN_CG, "sh", x->cg, "env", home, prog,
	    "--format", "json", "lab1-udp", x->sub, NULL, NULL};
	char *nobody[] = {"setpriv", "--reuid=65534", "--regid=65534",
	    "--clear-groups", "env", home, prog, "--format", "json", "lab1-udp",
	    x->sub, NULL};
	struct proc p;
	double t0 = harness_now();

	snprintf(home, sizeof home, "HOME=%s", x->home);
	snprintf(prog, sizeof prog, "%s/build/labgrade", x->kit);
	if (!x->as_nobody)
		snprintf(prog, sizeof prog, "%s", kit_bin("labgrade"));
	if (x->no_cell) { /* options go before LAB */
		memmove(&root[9], &root[8], 4 * sizeof root[0]);
		root[8] = "--no-cell";
	}
	fflush(NULL);
	ck_assert_int_eq(
	    proc_run(&p, x->as_nobody ? nobody : root, SB_GRADE_MS), 0);
	if (x->cg[0] != '\0')
		sb_check_memory(x);
	x->seconds = harness_now() - t0;
	ck_assert_msg(!p.timed_out, "labgrade did not end");
	ck_assert_msg(PROC_EXIT(&p) == 0, "labgrade: status %d: %.500s",
	    PROC_EXIT(&p), p.err);
	x->report = strdup(p.out);
	proc_free(&p);
}

/* The host's shared folders a fallback cell's program can write to. */
static const char *const sb_host_dirs[] = {
    "/dev/shm", "/var/tmp", "/run/lock", "/tmp", NULL};

/* Nothing left on the host whose name holds the token. */
static void
sb_no_leftovers(const struct sb *x)
{
	char path[PATH_MAX], left[PATH_MAX], *t;
	struct dirent *e;
	DIR *d;
	int i;

	/* The host's own folders, on purpose: removed before the verdict,
	 * so that a failing check leaves nothing there either. */
	left[0] = '\0';
	for (i = 0; sb_host_dirs[i] != NULL; i++) {
		snprintf(path, sizeof path, "%s/attack-%s", sb_host_dirs[i],
		    x->token);
		if (access(path, F_OK) == 0 && unlink(path) == 0)
			snprintf(left, sizeof left, "%s", path);
	}
	ck_assert_msg(left[0] == '\0', "%s was left", left);
	/* No SysV segment of the leftovers attack's size. */
	t = sb_read("/proc/sysvipc/shm");
	ck_assert_ptr_nonnull(t);
	ck_assert_msg(strstr(t, " " SB_SHM_BYTES " ") == NULL,
	    "a SysV segment of " SB_SHM_BYTES " bytes was left:\n%s", t);
	/* No build folder left with this submission's sources. */
	d = opendir(kit_vartmp(""));
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "labgrade-build-", 15) != 0)
			continue;
		snprintf(path, sizeof path, "%s/udp_client.c",
		    kit_vartmp(e->d_name));
		t = sb_read(path);
		ck_assert_msg(t == NULL || strstr(t, x->token) == NULL,
		    "a build folder was left: %s", path);
	}
	if (d != NULL)
		closedir(d);
}

/* The host as it was: secrets unread, files unchanged, no visitor. */
static void
sb_host_unchanged(const struct sb *x)
{
	char path[PATH_MAX + 16], want[128];
	struct stat st;
	int fd;

	snprintf(want, sizeof want, "SENTINEL-%s", x->token);
	ck_assert_msg(strstr(x->report, want) == NULL, "the sentinel leaked");
	snprintf(want, sizeof want, "SSHKEY-%s", x->token);
	ck_assert_msg(strstr(x->report, want) == NULL, "the ssh key leaked");
	ck_assert_msg(strstr(x->report, "ATTACK-OK") == NULL,
	    "an attack step succeeded:\n%.2000s",
	    strstr(x->report, "ATTACK-OK"));
	snprintf(path, sizeof path, "%s/.bashrc", x->home);
	ck_assert_str_eq(sb_read(path), "# bashrc\n");
	snprintf(path, sizeof path, "%s/.ssh/id_rsa", x->home);
	snprintf(want, sizeof want, "SSHKEY-%s\n", x->token);
	ck_assert_str_eq(sb_read(path), want);
	snprintf(path, sizeof path, "%s/build/labsniff", x->kit);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(st.st_size == x->labsniff.st_size &&
	          st.st_mtime == x->labsniff.st_mtime);
	fd = accept4(x->sock_fd, NULL, NULL, SOCK_NONBLOCK);
	ck_assert_msg(fd < 0, "a program reached the host's Unix socket");
	fd = accept4(x->abs_fd, NULL, NULL, SOCK_NONBLOCK);
	ck_assert_msg(fd < 0, "a program reached the host's abstract socket");
	sb_no_leftovers(x);
	ck_assert_int_eq(sb_left_procs(x), 0);
}

static int
sb_rmdir(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		rmdir(path);
	return 0;
}

static void
sb_cleanup(struct sb *x)
{
	char cmd[PATH_MAX];

	close(x->sock_fd);
	close(x->abs_fd);
	/* Empty once the grading's last processes are gone; a cell whose
	 * owner was killed leaves its cgroup (the next cell there sweeps
	 * it): those go first. */
	for (int i = 0; x->cg[0] != '\0' && i < 100; i++) {
		nftw(x->cg, sb_rmdir, 8, FTW_DEPTH | FTW_PHYS);
		if (access(x->cg, F_OK) < 0)
			break;
		usleep(20000);
	}
	snprintf(cmd, sizeof cmd, "rm -rf %s", x->work);
	sb_run(cmd);
	free(x->report);
}

/* ---- TIOCSTI: an interactive shell on a terminal (script(1)) runs
 * labgrade; whatever a program typed into it would run next. ---- */

static int
sb_read_until(int fd, const char *marker, int ms)
{
	static char buf[1 << 16];
	size_t n = 0;
	long until = harness_now_ms() + ms;
	struct pollfd p = {fd, POLLIN, 0};
	ssize_t r;

	while (harness_now_ms() < until) {
		if (poll(&p, 1, 100) <= 0)
			continue;
		r = read(fd, buf + n, sizeof buf - 1 - n);
		if (r <= 0)
			return -1;
		n += (size_t)r;
		buf[n] = '\0';
		if (strstr(buf, marker) != NULL)
			return 0;
		if (n > sizeof buf / 2) {
			memmove(buf, buf + n - 256, 256);
			n = 256;
		}
	}
	return -1;
}

/* Run cmd in "sh -i" on a pseudo-terminal; give the shell a moment to
 * read what may have been typed, then exit.  0 when it ran to the end. */
static int
sb_on_tty(const char *cmd, int ms)
{
	char *argv[] = {"script", "-q", "-c", "sh -i", "/dev/null", NULL};
	char line[PATH_MAX * 3];
	int in[2], out[2], st, rc;
	pid_t pid;

	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(pipe(out), 0);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		close_range(3, ~0U, 0);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	snprintf(line, sizeof line, "%s; echo SB-DONE-$((6*7))\n", cmd);
	ck_assert_int_eq(
	    write(in[1], line, strlen(line)), (ssize_t)strlen(line));
	rc = sb_read_until(out[0], "SB-DONE-42", ms);
	usleep(500000); /* the shell reads what was typed, if anything */
	ck_assert_int_eq(write(in[1], "exit\n", 5), 5);
	close(in[1]);
	sb_read_until(out[0], "\x01never", 2000);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	close(out[0]);
	return rc;
}

static void
sb_check_tty(struct sb *x)
{
	char typed[PATH_MAX + 16], cmd[PATH_MAX * 2], prog[PATH_MAX + 16];

	snprintf(typed, sizeof typed, "%s.typed", x->sentinel);
	ck_assert_msg(access(typed, F_OK) < 0,
	    "the grading typed into the "
	    "terminal: %s exists",
	    typed);
	/* The harness can see typing: the same program, run bare on the
	 * terminal, does type (where the kernel still allows TIOCSTI). */
	if (strcmp(sb_read("/proc/sys/dev/tty/legacy_tiocsti") ?: "0", "1\n"))
		return;
	snprintf(prog, sizeof prog, "%s/direct", x->work);
	snprintf(cmd, sizeof cmd, "cc -o %s %s/udp_client.c", prog, x->sub);
	sb_run(cmd);
	ck_assert_int_eq(sb_on_tty(prog, 10000), 0);
	ck_assert_msg(access(typed, F_OK) == 0,
	    "the harness saw no typing from the bare program");
}

static void
sb_check_sources(struct sb *x)
{
	ck_assert_msg(strstr(x->report, "not a regular file") != NULL,
	    "the FIFO source: %.1500s", x->report);
	ck_assert_msg(strstr(x->report, "larger than 256 KiB") != NULL,
	    "the sparse source: %.1500s", x->report);
}

static void
sb_check_not_built(struct sb *x)
{
	ck_assert_msg(strstr(x->report, "udp_client did not build") != NULL ||
	                  strstr(x->report, "did not build") != NULL,
	    "%.1500s", x->report);
}

/* The build's own limits stopped it, not its deadline: the compiler
 * reading /dev/zero at its memory limit (RLIMIT_AS), the assembler's
 * 3 GB object at its file size limit (RLIMIT_FSIZE).  Without them the
 * build ran on to its CPU limit or deadline, and still "did not build". */
static void
sb_check_build_limits(struct sb *x)
{
	sb_check_not_built(x);
	ck_assert_msg(strstr(x->report, "out of memory") != NULL,
	    "the compiler was not stopped at its memory limit: %.1500s",
	    x->report);
	ck_assert_msg(strstr(x->report, "File size limit exceeded") != NULL,
	    "the assembler was not stopped at its file size limit: %.1500s",
	    x->report);
}

/*
 * 31 children of 230 MB each would be 7 GB a cell: the whole grading
 * (a few cells at once, labgrade, labpeer) must have stayed within
 * SB_MEM_PEAK, measured by a memory cgroup of the test's own around it.
 */
static void
sb_check_memory(struct sb *x)
{
	char path[PATH_MAX + 32], *t;
	long long peak;

	if (x->cg[0] == '\0')
		return;
	snprintf(path, sizeof path, "%s/memory.max_usage_in_bytes", x->cg);
	t = sb_read(path);
	ck_assert_ptr_nonnull(t);
	peak = atoll(t);
	ck_assert_msg(peak > 0 && peak < SB_MEM_PEAK,
	    "the grading used %lld MB at its peak", peak >> 20);
}

/* The test's own memory cgroup (v1, below ours), for the memory attack;
 * "" where there is none to make (the check is skipped then). */
static void
sb_make_cg(struct sb *x)
{
	char line[PATH_MAX], *p;
	FILE *f = fopen("/proc/self/cgroup", "r");

	x->cg[0] = '\0';
	while (f != NULL && fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((p = strstr(line, ":memory:")) == NULL)
			continue;
		snprintf(x->cg, sizeof x->cg, SB_CG_MEM "%s/sandbox-test-%s",
		    strcmp(p + 8, "/") == 0 ? "" : p + 8, x->token);
		if (mkdir(x->cg, 0755) < 0)
			x->cg[0] = '\0';
	}
	if (f != NULL)
		fclose(f);
}

static const struct sb_attack sb_attacks[] = {
    {.name = "tiocsti",
        .flags = SB_RAN | SB_TTY,
        .max_s = 90,
        .check = sb_check_tty},
    {.name = "home", .flags = SB_RAN, .max_s = 90, .check = NULL},
    {.name = "kit", .flags = SB_RAN, .max_s = 90, .check = NULL},
    {.name = "sources", .flags = 0, .max_s = 30, .check = sb_check_sources},
    {.name = "build-zero",
        .flags = 0,
        .max_s = 100,
        .check = sb_check_build_limits},
    {.name = "build-incbin",
        .flags = 0,
        .max_s = 60,
        .check = sb_check_not_built},
    {.name = "leftovers", .flags = SB_RAN, .max_s = 90, .check = NULL},
    {.name = "memory",
        .flags = SB_RAN | SB_ROOT_ONLY,
        .max_s = 90,
        .check = NULL},
    {.name = "unixsock", .flags = SB_RAN, .max_s = 90, .check = NULL},
};

#define SB_N ((int)(sizeof sb_attacks / sizeof sb_attacks[0]))

/* The sources attack: a FIFO and a 20 GB sparse file as the sources. */
static void
sb_bad_sources(struct sb *x)
{
	char path[PATH_MAX + 32];
	int fd;

	snprintf(path, sizeof path, "%s/udp_client.c", x->sub);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	snprintf(path, sizeof path, "%s/udp_server.c", x->sub);
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 20LL << 30), 0);
	close(fd);
}

START_TEST(attack)
{
	const struct sb_attack *a = &sb_attacks[_i / 2];
	char cmd[PATH_MAX * 3];
	struct sb x;
	int as_nobody = _i % 2;
	char who[96];

	snprintf(who, sizeof who, "attack(%s, as nobody)", a->name);
	if (as_nobody && geteuid() != 0) {
		kit_not_here_in(who, "needs root to become nobody (setpriv); "
		                     "this run is an ordinary user's already");
		return;
	}
	/* An ordinary user's run too: its cells have no cgroup, memory is
	 * bounded per process (RLIMIT_AS), as SECURITY.md says. */
	if ((a->flags & SB_ROOT_ONLY) && (as_nobody || geteuid() != 0)) {
		if (!as_nobody)
			snprintf(who, sizeof who, "attack(%s)", a->name);
		kit_not_here_in(who, "this attack needs a cgroup, which only "
		                     "root's gradings get");
		return;
	}
	sb_setup(&x, a, as_nobody);
	if (strcmp(a->name, "sources") == 0)
		sb_bad_sources(&x);
	if (strcmp(a->name, "memory") == 0)
		sb_make_cg(&x);
	if (a->flags & SB_TTY) {
		double t0 = harness_now();

		if (as_nobody)
			snprintf(cmd, sizeof cmd,
			    "setpriv --reuid=65534 --regid=65534 "
			    "--clear-groups %s/build/labgrade --format json "
			    "lab1-udp %s >%s/report.json 2>/dev/null",
			    x.kit, x.sub, x.work);
		else
			snprintf(cmd, sizeof cmd,
			    "%s --format json lab1-udp %s >%s/report.json "
			    "2>/dev/null",
			    kit_bin("labgrade"), x.sub, x.work);
		ck_assert_int_eq(chmod(x.work, 0777), 0);
		ck_assert_int_eq(sb_on_tty(cmd, SB_GRADE_MS), 0);
		x.seconds = harness_now() - t0;
		snprintf(cmd, sizeof cmd, "%s/report.json", x.work);
		x.report = strdup(sb_read(cmd) ?: "");
	} else
		sb_grade(&x);
	ck_assert_msg(x.seconds < a->max_s, "%s: the grading took %.1f s",
	    a->name, x.seconds);
	sb_parse(&x);
	if (a->flags & SB_RAN)
		ck_assert_msg(
		    x.tests_run > 0 && strstr(x.report, "ATTACK-RAN") != NULL,
		    "%s: its stderr is not in the report:\n%.3000s", a->name,
		    x.report);
	sb_host_unchanged(&x);
	if (a->check != NULL)
		a->check(&x);
	sb_cleanup(&x);
}
END_TEST

/* Fallback as root: what the program left on the host's tmpfs folders
 * and its SysV segment are removed when each test ends. */
START_TEST(fallback_leftovers)
{
	struct sb x;
	int i;

	if (geteuid() != 0) {
		/* refused without a uid to drop to (check_fallback) */
		kit_not_here("needs root: an ordinary user's fallback has no "
		             "uid to drop to and is refused");
		return;
	}
	for (i = 0; i < SB_N; i++)
		if (strcmp(sb_attacks[i].name, "leftovers") == 0)
			break;
	sb_setup(&x, &sb_attacks[i], 0);
	x.no_cell = 1;
	sb_grade(&x);
	sb_parse(&x);
	ck_assert_msg(
	    strstr(x.report, "ATTACK-RAN") != NULL, "%.2000s", x.report);
	ck_assert_msg(
	    strstr(x.report, "sandbox: fallback (no namespaces)") != NULL,
	    "%.2000s", x.report);
	sb_no_leftovers(&x);
	sb_cleanup(&x);
}
END_TEST

/* A stale folder (no lock, old) of ours: what a SIGKILLed grading left. */
static void
sb_stale_dir(char *dir, size_t len, uid_t owner, int age_s)
{
	struct timespec t[2];

	snprintf(dir, len, "%s", kit_vartmp("labgrade-build-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chown(dir, owner, owner), 0);
	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[0].tv_sec -= age_s;
	t[1] = t[0];
	ck_assert_int_eq(utimensat(AT_FDCWD, dir, t, 0), 0);
}

/* The next grading sweeps build folders a killed one left: its own
 * (the build uid's), unlocked, not brand new; never another's, never
 * one still locked by a live grading. */
START_TEST(sweep_build_dirs)
{
	uid_t me = geteuid() == 0 ? BUILD_UID : geteuid();
	char stale[KIT_TMP_MAX], locked[KIT_TMP_MAX], young[KIT_TMP_MAX],
	    other[KIT_TMP_MAX];
	char *argv[] = {(char *)kit_bin("labgrade"), "--only", "server_usage",
	    "lab1-udp", "solutions/lab1-udp", NULL};
	struct proc p;
	int fd;

	setenv("LABGRADE_TMPDIR", kit_vartmp(""), 1);
	sb_stale_dir(stale, sizeof stale, me, 2 * BUILD_STALE_S);
	sb_stale_dir(locked, sizeof locked, me, 2 * BUILD_STALE_S);
	sb_stale_dir(young, sizeof young, me, 0);
	other[0] = '\0';
	if (geteuid() == 0)
		sb_stale_dir(other, sizeof other, 4242, 2 * BUILD_STALE_S);
	fd = open(locked, O_RDONLY | O_DIRECTORY);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	ck_assert_int_eq(proc_run(&p, argv, SB_GRADE_MS), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "%s", p.err);
	proc_free(&p);
	ck_assert_msg(access(stale, F_OK) < 0, "%s was not swept", stale);
	ck_assert_int_eq(access(locked, F_OK), 0);
	ck_assert_int_eq(access(young, F_OK), 0);
	if (other[0] != '\0')
		ck_assert_int_eq(access(other, F_OK), 0);
	close(fd);
	rmdir(locked);
	rmdir(young);
	if (other[0] != '\0')
		rmdir(other);
}
END_TEST

/* A cell sweeps the cgroups of a grader that is gone (its pid in the
 * name), not those of a live one. */
START_TEST(sweep_cgroups)
{
	char line[PATH_MAX], base[PATH_MAX], dead[PATH_MAX + 64],
	    live[PATH_MAX + 64], *p;
	FILE *f = fopen("/proc/self/cgroup", "r");
	struct cell c;
	pid_t gone;

	if (geteuid() != 0 || f == NULL) {
		if (f != NULL)
			fclose(f);
		kit_not_here("needs root: an ordinary user's gradings make "
		             "no cgroup (SECURITY.md)");
		return;
	}
	base[0] = '\0';
	while (fgets(line, sizeof line, f) != NULL)
		if ((p = strstr(line, ":memory:")) != NULL) {
			p[strcspn(p, "\n")] = '\0';
			snprintf(base, sizeof base, SB_CG_MEM "%s",
			    strcmp(p + 8, "/") == 0 ? "" : p + 8);
		}
	fclose(f);
	if (base[0] == '\0' || access(base, W_OK) < 0)
		return; /* cgroup v2 only: the v1 path is what we made here */
	gone = fork();
	if (gone == 0)
		_exit(0);
	waitpid(gone, NULL, 0);
	snprintf(
	    dead, sizeof dead, "%s/" CELL_CG_PREFIX "%d-0", base, (int)gone);
	snprintf(live, sizeof live, "%s/" CELL_CG_PREFIX "%d-0", base,
	    (int)getppid());
	ck_assert_int_eq(mkdir(dead, 0700), 0);
	ck_assert_int_eq(mkdir(live, 0700), 0);
	ck_assert_msg(cell_open(&c, 1, 0) == 0, "%s", c.why);
	ck_assert_msg(access(dead, F_OK) < 0, "%s was not swept", dead);
	ck_assert_int_eq(access(live, F_OK), 0);
	cell_close(&c);
	ck_assert_int_eq(rmdir(live), 0);
}
END_TEST

/* One cell in a child of ours, as a grading's test runs it: dd with a
 * 60 MB buffer, then /bin/true, one after the other (the second takes
 * the first's run cgroup, its peak reset), the cell closed.  0 when the
 * peaks were as they must be. */
static int
sb_one_cell(void)
{
	char *dd[] = {"/bin/dd", "if=/dev/zero", "of=/dev/null", "bs=60M",
	    "count=1", NULL};
	char *tr[] = {"/bin/true", NULL};
	struct cell c;
	struct run r;
	pid_t pid = fork();
	long peak[2];
	int st, i;

	if (pid == 0) {
		if (cell_open(&c, 2, 0) < 0)
			_exit(1);
		for (i = 0; i < 2; i++) {
			if (run_start(&c, &r, i == 0 ? dd : tr, NULL) < 0 ||
			    run_wait(&r, -1) != 0 || r.outcome != RUN_EXITED)
				_exit(1);
			peak[i] = r.max_rss_kb;
			run_free(&r);
		}
		cell_close(&c);
		_exit(peak[0] >= 50000 && peak[1] < 30000 ? 0 : 2);
	}
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st)
	           ? WEXITSTATUS(st)
	           : -1;
}

/* The cgroups of a grading (cell_cgroup_keep): made by a slot's first
 * cell with its limits, taken as they are by the next, and gone after
 * cell_cgroup_release. */
START_TEST(kept_cgroups)
{
	char line[PATH_MAX], base[PATH_MAX], cg[PATH_MAX + 64],
	    file[PATH_MAX + 128], *p;
	FILE *f = fopen("/proc/self/cgroup", "r");
	long long limit = 0;

	if (geteuid() != 0 || f == NULL) {
		if (f != NULL)
			fclose(f);
		kit_not_here("needs root: an ordinary user's gradings make "
		             "no cgroup (SECURITY.md)");
		return;
	}
	base[0] = '\0';
	while (fgets(line, sizeof line, f) != NULL)
		if ((p = strstr(line, ":memory:")) != NULL) {
			p[strcspn(p, "\n")] = '\0';
			snprintf(base, sizeof base, SB_CG_MEM "%s",
			    strcmp(p + 8, "/") == 0 ? "" : p + 8);
		}
	fclose(f);
	if (base[0] == '\0' || access(base, W_OK) < 0)
		return; /* cgroup v2: not on the test machine */
	snprintf(
	    cg, sizeof cg, "%s/" CELL_CG_PREFIX "%d-2", base, (int)getpid());
	cell_cgroup_keep(getpid());
	ck_assert_int_eq(sb_one_cell(), 0);
	ck_assert_msg(access(cg, F_OK) == 0, "%s is gone", cg);
	snprintf(file, sizeof file, "%s/run-1", cg);
	ck_assert_msg(access(file, F_OK) == 0, "%s is gone", file);
	snprintf(file, sizeof file, "%s/run-2", cg);
	ck_assert_msg(access(file, F_OK) < 0, "%s: run-1 was not reused", file);
	ck_assert_int_eq(sb_one_cell(), 0);
	snprintf(file, sizeof file, "%s/memory.limit_in_bytes", cg);
	ck_assert_ptr_nonnull(f = fopen(file, "r"));
	ck_assert_int_eq(fscanf(f, "%lld", &limit), 1);
	fclose(f);
	ck_assert_int_eq(limit, (long long)CELL_MEM_MB << 20);
	snprintf(file, sizeof file, "%s/cgroup.procs", cg);
	ck_assert_ptr_nonnull(f = fopen(file, "r"));
	ck_assert_int_eq(fgetc(f), EOF); /* emptied */
	fclose(f);
	cell_cgroup_release(getpid());
	ck_assert_msg(access(cg, F_OK) < 0, "%s was not removed", cg);
}
END_TEST

/*
 * The net under sb_no_leftovers, run by the runner itself once the
 * attacks are over: a check that failed before it (Check ends a failed
 * test at once) may have left the leftovers attack's files in the
 * host's own tmpfs folders, which a fallback cell shares.  Only names
 * this suite makes (attack-tok...).
 */
static void
sb_sweep_host(void)
{
	struct dirent *e;
	DIR *d;
	int i;

	for (i = 0; sb_host_dirs[i] != NULL; i++) {
		if ((d = opendir(sb_host_dirs[i])) == NULL)
			continue;
		while ((e = readdir(d)) != NULL)
			if (strncmp(e->d_name, "attack-tok", 10) == 0)
				unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
}

Suite *
sandbox_suite(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc = tcase_create("attacks");

	tcase_set_timeout(tc, 180);
	tcase_add_unchecked_fixture(tc, NULL, sb_sweep_host);
	tcase_add_loop_test(tc, attack, 0, 2 * SB_N);
	tcase_add_test(tc, fallback_leftovers);
	suite_add_tcase(s, tc);
	tc = tcase_create("sweep");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, sweep_build_dirs);
	tcase_add_test(tc, sweep_cgroups);
	tcase_add_test(tc, kept_cgroups);
	suite_add_tcase(s, tc);
	return s;
}

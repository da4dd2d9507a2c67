/*
 * Not hostile: prints what a student program gets in a cell (uid, gid,
 * groups, no_new_privs, capabilities, limits, cwd, stdin), one key=value
 * a line, for the cell's tests to check.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static void
status_line(const char *key)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, key, strlen(key)) == 0)
			fputs(line, stdout);
	if (f != NULL)
		fclose(f);
}

static void
limit(const char *name, int res)
{
	struct rlimit rl;

	getrlimit(res, &rl);
	printf("%s=%llu\n", name, (unsigned long long)rl.rlim_cur);
}

/* Processes this program can see in /proc. */
static int
procs(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		n += e->d_name[0] >= '1' && e->d_name[0] <= '9';
	if (d != NULL)
		closedir(d);
	return n;
}

int
main(void)
{
	char cwd[4096], c;
	gid_t groups[64];

	printf("uid=%u\ngid=%u\n", (unsigned)getuid(), (unsigned)getgid());
	printf("groups=%d\n", getgroups(64, groups));
	status_line("NoNewPrivs:");
	status_line("CapEff:");
	limit("cpu", RLIMIT_CPU);
	limit("as", RLIMIT_AS);
	limit("nofile", RLIMIT_NOFILE);
	limit("fsize", RLIMIT_FSIZE);
	limit("nproc", RLIMIT_NPROC);
	limit("core", RLIMIT_CORE);
	printf("cwd=%s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
	printf("stdin_eof=%d\n", read(0, &c, 1) == 0);
	printf("procs=%d\n", procs());
	printf("path=%s\n", getenv("PATH") ? getenv("PATH") : "");
	return 0;
}

/*
 * Not hostile: prints what a student program gets in a cell (uid, gid,
 * groups, no_new_privs, capabilities, limits, cwd, stdin), one key=value
 * a line, for the cell's tests to check.
 */
#define _POSIX_C_SOURCE 200809L
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
	printf("path=%s\n", getenv("PATH") ? getenv("PATH") : "");
	return 0;
}

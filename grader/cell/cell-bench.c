/*
 * cell-bench: what a cell costs.  Each round, in a fresh process (a cell
 * is once per process): cell_open, a capture started (until live) and
 * stopped, one short program run to its end, cell_close; medians.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cell.h"

enum { T_OPEN, T_CAPTURE, T_STOP, T_RUN, T_CLOSE, T_N };

static const char *const t_names[T_N] = {"cell_open", "capture start",
    "capture stop", "run /bin/true", "cell_close"};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* One round in this process: the times, -1 for what could not run. */
static void
bench_round(int flags, double t[T_N])
{
	char *argv[] = {"/bin/true", NULL};
	struct cell_capture cap;
	struct cell c;
	struct run r;
	double t0 = now_ms();

	for (int i = 0; i < T_N; i++)
		t[i] = -1;
	if (cell_open(&c, 0, flags) < 0)
		return;
	t[T_OPEN] = now_ms() - t0;
	cell_port(&c, SOCK_DGRAM);
	t0 = now_ms();
	if (cell_capture_start(&c, &cap, "udp") == 0) {
		t[T_CAPTURE] = now_ms() - t0;
		t0 = now_ms();
		if (cell_capture_stop(&cap) == 0)
			t[T_STOP] = now_ms() - t0;
	}
	t0 = now_ms();
	if (run_start(&c, &r, argv, NULL) == 0 && run_wait(&r, -1) == 0)
		t[T_RUN] = now_ms() - t0;
	run_free(&r);
	t0 = now_ms();
	cell_close(&c);
	t[T_CLOSE] = now_ms() - t0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
bench_mode(const char *name, int flags, int rounds, double (*t)[T_N])
{
	int fd[2], i, k, n;

	for (i = 0; i < rounds; i++) {
		if (pipe(fd) < 0)
			exit(1);
		fflush(NULL);
		if (fork() == 0) {
			bench_round(flags, t[i]);
			_exit(write(fd[1], t[i], sizeof t[i]) == sizeof t[i]
			          ? 0
			          : 1);
		}
		close(fd[1]);
		if (read(fd[0], t[i], sizeof t[i]) != sizeof t[i])
			exit(1);
		close(fd[0]);
		wait(NULL);
	}
	printf("%s (%d rounds, ms: median [min-max]):\n", name, rounds);
	for (k = 0; k < T_N; k++) {
		double v[rounds];

		for (i = n = 0; i < rounds; i++)
			if (t[i][k] >= 0)
				v[n++] = t[i][k];
		if (n == 0) {
			printf("  %-14s not possible here\n", t_names[k]);
			continue;
		}
		qsort(v, (size_t)n, sizeof v[0], cmp_double);
		printf("  %-14s %7.2f [%.2f-%.2f]\n", t_names[k], v[n / 2],
		    v[0], v[n - 1]);
	}
}

int
main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	double(*t)[T_N];

	if (argc > 2 || rounds < 1 || rounds > 1000 ||
	    (argc > 1 && strcmp(argv[1], "--help") == 0)) {
		fprintf(stderr, "usage: cell-bench [ROUNDS]\n");
		return 2;
	}
	if ((t = calloc((size_t)rounds, sizeof *t)) == NULL)
		return 1;
	bench_mode("cell (namespaces)", 0, rounds, t);
	bench_mode("cell (fallback)", CELL_FORCE_FALLBACK, rounds, t);
	free(t);
	return 0;
}

/*
 * labpeer's readiness for repro commands typed in a shell: --background
 * (a server returns once its port is bound and serves on), and
 * --wait-server (a client first waits for a server started with '&').
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "peer-ready.h"

/* The parent returns 0 now (the port is bound or listening: its shell
 * may start the client); the child serves on, for a limited time. */
void
peer_background(const struct peer_opts *o)
{
	struct stat st;
	pid_t pid;
	int fd, null;

	if (!o->background)
		return;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr,
		    _("labpeer: --background: fork: %s (serving in "
		      "the foreground)\n"),
		    strerror(errno));
		return;
	}
	if (pid > 0) {
		fprintf(stderr,
		    _("labpeer: serving port %d in the background as pid %ld "
		      "for %d s (kill %ld ends it)\n"),
		    o->port, (long)pid, PEER_BG_LIFETIME_S, (long)pid);
		_exit(0);
	}
	setsid(); /* not in the shell's job control, nor its Ctrl-C */
	alarm(PEER_BG_LIFETIME_S); /* a forgotten peer ends by itself */
	/* Its log goes on to a terminal or a file (as it would on the
	 * student's terminal); a pipe or socket it would hold open (the
	 * reader would wait for it to end), so then to /dev/null. */
	for (fd = 0; fd <= 2; fd++)
		if (!isatty(fd) &&
		    (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) &&
		    (null = open("/dev/null", O_RDWR)) >= 0) {
			dup2(null, fd);
			close(null);
		}
}

/* Is a socket bound to port (UDP) or listening on it (TCP) in the
 * /proc/net file path?  -1 when the file cannot be read. */
static int
peer_port_in(const char *path, int port, int tcp)
{
	char line[512];
	unsigned lport, state;
	int found = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	while (!found && fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, " %*d: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x",
		        &lport, &state) == 2)
			found = (int)lport == port && (!tcp || state == 0x0A);
	fclose(f);
	return found;
}

int
peer_wait_server(const struct peer_opts *o, int type)
{
	const char *v4 =
	    type == SOCK_STREAM ? "/proc/net/tcp" : "/proc/net/udp";
	const char *v6 =
	    type == SOCK_STREAM ? "/proc/net/tcp6" : "/proc/net/udp6";
	struct timespec ts = {0, PEER_WAIT_POLL_MS * 1000000L};
	double until = peer_now_ms() + o->wait_server_ms;
	int a, b;

	if (o->wait_server_ms <= 0)
		return 0;
	for (;;) {
		a = peer_port_in(v4, o->port, type == SOCK_STREAM);
		b = peer_port_in(v6, o->port, type == SOCK_STREAM);
		if (a > 0 || b > 0)
			return 0;
		if (a < 0 && b < 0) { /* no /proc/net here: just wait */
			ts.tv_sec = o->wait_server_ms / 1000;
			ts.tv_nsec = (o->wait_server_ms % 1000) * 1000000L;
			nanosleep(&ts, NULL);
			return 0;
		}
		if (peer_now_ms() >= until)
			return -1;
		nanosleep(&ts, NULL);
	}
}

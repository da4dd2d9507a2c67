/*
 * labpeer: the grader's scripted reference peers, also for students who
 * replay a failed test at home.  Parses the command line, then runs one
 * mode (peer-udp.c, peer-tcp.c) until it is done or told to stop.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "peer.h"

static volatile sig_atomic_t labpeer_stop;	/* SIGINT or SIGTERM came */

static void
labpeer_on_signal(int sig)
{
	(void)sig;
	labpeer_stop = 1;
}

/* No SA_RESTART: a blocking call returns EINTR and the loop sees the
 * flag.  SIGPIPE ignored as well as MSG_NOSIGNAL, belt and braces. */
static void
labpeer_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = labpeer_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

int
main(int argc, char **argv)
{
	static int (*const run[PEER_NMODES])(const struct peer_opts *,
	    struct peer_out *, volatile sig_atomic_t *) = {
		peer_udp_server, peer_tcp_server, peer_udp_client,
		peer_tcp_client, peer_tcp_clients
	};
	struct peer_opts o;
	struct peer_out out;
	char err[256];
	int rc;

	rc = peer_opts_parse(&o, argc, argv, err, sizeof err);
	if (rc == PEER_HELP || rc == PEER_VERSION) {
		if (rc == PEER_HELP)
			peer_usage(stdout, (int)o.mode);
		else
			printf("labpeer (socklab) %s\n", PEER_VERSION_STR);
		peer_opts_free(&o);
		return 0;
	}
	if (rc < 0) {
		fprintf(stderr, "labpeer: %s\n", err);
		fprintf(stderr, "usage: labpeer udp-server|tcp-server PORT "
		    "[options] | udp-client|tcp-client|tcp-clients HOST PORT "
		    "[options] "
		    "(see labpeer %s%s--help)\n", o.mode < PEER_NMODES ?
		    peer_mode_name(o.mode) : "", o.mode < PEER_NMODES ? " " :
		    "");
		peer_opts_free(&o);
		return 2;
	}
	labpeer_signals();
	peer_out_init(&out, o.json, stdout);
	rc = run[o.mode](&o, &out, &labpeer_stop);
	peer_opts_free(&o);
	return rc;
}

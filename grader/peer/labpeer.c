/*
 * labpeer: the grader's scripted reference peers, also for students who
 * replay a failed test at home.  Parses the command line, then runs one
 * mode (peer-udp.c, peer-tcp.c) until it is done or told to stop.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "peer-ready.h"
#include "peer.h"

static volatile sig_atomic_t labpeer_stop; /* SIGINT or SIGTERM came */

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

/* labpeer wait-for udp|tcp PORT [MS]: 0 once PORT is bound (UDP) or
 * listens (TCP) here, 1 when MS (default 3000) pass first, 2 bad use. */
static int
labpeer_wait_for(int argc, char **argv)
{
	struct peer_opts o;
	char *end;
	long port, ms = PEER_WAIT_DEFAULT_MS;
	int type;

	memset(&o, 0, sizeof o);
	if (argc < 4 || argc > 5 ||
	    (strcmp(argv[2], "udp") != 0 && strcmp(argv[2], "tcp") != 0)) {
		fprintf(
		    stderr, _("usage: labpeer wait-for udp|tcp PORT [MS]\n"));
		return 2;
	}
	type = strcmp(argv[2], "tcp") == 0 ? SOCK_STREAM : SOCK_DGRAM;
	port = strtol(argv[3], &end, 10);
	if (*end != '\0' || port < 1 || port > 65535 ||
	    (argc == 5 && ((ms = strtol(argv[4], &end, 10)) < 1 ||
	                      ms > PEER_DELAY_MAX_MS || *end != '\0'))) {
		fprintf(stderr, _("labpeer: wait-for: bad PORT or MS; usage: "
		                  "labpeer wait-for udp|tcp PORT [MS]\n"));
		return 2;
	}
	o.port = (int)port;
	o.wait_server_ms = (int)ms;
	if (peer_wait_server(&o, type) == 0)
		return 0;
	fprintf(stderr,
	    type == SOCK_STREAM
	        ? _("labpeer: nothing listens on port %ld after %ld ms\n")
	        : _("labpeer: nothing is bound to port %ld after %ld ms\n"),
	    port, ms);
	return 1;
}

int
main(int argc, char **argv)
{
	static int (*const run[PEER_NMODES])(const struct peer_opts *,
	    struct peer_out *, volatile sig_atomic_t *) = {peer_udp_server,
	    peer_tcp_server, peer_udp_client, peer_tcp_client,
	    peer_tcp_clients};
	struct peer_opts o;
	struct peer_out out;
	char err[256];
	int rc;

	i18n_init();
	if (argc >= 2 && strcmp(argv[1], "wait-for") == 0)
		return labpeer_wait_for(argc, argv);
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
		fprintf(stderr, _("labpeer: %s\n"), err);
		fprintf(stderr,
		    _("usage: labpeer udp-server|tcp-server PORT "
		      "[options] | udp-client|tcp-client|tcp-clients HOST PORT "
		      "[options] "
		      "(see labpeer %s%s--help)\n"),
		    o.mode < PEER_NMODES ? peer_mode_name(o.mode) : "",
		    o.mode < PEER_NMODES ? " " : "");
		peer_opts_free(&o);
		return 2;
	}
	labpeer_signals();
	peer_out_init(&out, o.json, stdout);
	if ((o.mode == PEER_UDP_CLIENT || o.mode == PEER_TCP_CLIENT) &&
	    peer_wait_server(
	        &o, o.mode == PEER_TCP_CLIENT ? SOCK_STREAM : SOCK_DGRAM) < 0)
		fprintf(stderr,
		    o.mode == PEER_TCP_CLIENT
		        ? _("labpeer: nothing listens on port %d after %d ms "
		            "(--wait-server): trying anyway\n")
		        : _("labpeer: nothing is bound to port %d after %d ms "
		            "(--wait-server): trying anyway\n"),
		    o.port, o.wait_server_ms);
	rc = run[o.mode](&o, &out, &labpeer_stop);
	peer_opts_free(&o);
	return rc;
}

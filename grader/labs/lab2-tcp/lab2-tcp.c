/*
 * Lab 2 (TCP pinger): the graded tests.  Server tests run the student's
 * tcp_server against labpeer's checking client; client tests run the
 * student's tcp_client against labpeer's faulty server; the wire checks
 * hold the handshake, the segments and the teardown against the contract.
 */
#define _POSIX_C_SOURCE 200809L
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pinger.h"

#define L2_WALL_MS 2500                 /* a quick exchange */
#define L2_PING_MS CONTRACT_DEADLINE_MS /* one ping's deadline */
#define L2_SLACK_MS 1500 /* on top of the deadlines a run may take */

static const char *const lab2_server_src[] = {"tcp_server.c", NULL};
static const char *const lab2_client_src[] = {"tcp_client.c", NULL};
static const struct grade_program lab2_programs[] = {
    {"tcp_server", ROLE_SERVER, lab2_server_src},
    {"tcp_client", ROLE_CLIENT, lab2_client_src},
};

/* ---- server side -------------------------------------------------- */

static const struct pinger lab2_pinger;

/* A labpeer client of two lines against a fresh server, its packets in
 * w (the caller checks and frees them); its run, for scen_peer_verdict
 * after that check. */
static struct run *
l2_two_lines(struct grade *g, struct wire *w, int *port)
{
	static const char *const x[] = {"--count", "2", NULL};
	struct cell_capture cap = {0};
	struct run *srv = scen_run(), *peer;

	*port = pinger_server(g, &lab2_pinger, srv);
	scen_capture(g, &cap, *port, 1);
	pinger_peer_check(
	    g, &lab2_pinger, "127.0.0.1", *port, x, L2_WALL_MS, &peer);
	scen_capture_end(g, &cap, w);
	return peer;
}

static void
t_server_handshake(struct grade *g)
{
	struct wire w;
	int port;
	struct run *peer = l2_two_lines(g, &w, &port);

	grade_explain(g, _("on the wire: SYN, SYN-ACK, ACK, then the lines"));
	wire_tcp_handshake(g, &w, port, 0);
	wire_free(&w);
	scen_peer_verdict(g, peer, L2_WALL_MS);
}

static void
t_server_split_line(struct grade *g)
{
	static const char *const x[] = {
	    "--split", "3", "--pause", "60", "--count", "2", NULL};
	struct cell_capture cap = {0};
	struct run *srv = scen_run(), *peer;
	struct wire w;
	int port = pinger_server(g, &lab2_pinger, srv), segs;
	size_t largest;

	grade_explain(g, _("each line arrives in 3 pieces, 60 ms apart: one "
	                   "recv() is not one line"));
	scen_capture(g, &cap, port, 1);
	pinger_peer_check(
	    g, &lab2_pinger, "127.0.0.1", port, x, L2_WALL_MS, &peer);
	scen_capture_end(g, &cap, &w);
	segs = wire_tcp_segments(&w, port, 0, 1, &largest);
	/* What the test is about first: no reply byte before the '\n'. */
	wire_tcp_early_reply(g, &w, port);
	wire_free(&w);
	/* Then the student's other failures: a server that refused or
	 * reset the connection leaves no segments to look at. */
	scen_peer_verdict(g, peer, L2_WALL_MS);
	scen_alive(g, srv, "server");
	/* Merged pieces would make this test say nothing: no segment may
	 * hold a whole line ("ping N\n", 7 bytes in 3 pieces). */
	if (segs == 0 || largest >= 7)
		grade_not_run(
		    g, _("grader: the pieces did not leave as separate "
		         "segments"));
}

static void
t_server_many_lines(struct grade *g)
{
	static const char *const x[] = {"--batch", "--count", "4", NULL};
	struct cell_capture cap = {0};
	struct run *srv = scen_run(), *peer;
	struct wire w;
	int port = pinger_server(g, &lab2_pinger, srv), segs;
	size_t largest;

	grade_explain(g, _("4 lines in one segment: 4 replies, in order"));
	scen_capture(g, &cap, port, 1);
	pinger_peer_check(
	    g, &lab2_pinger, "127.0.0.1", port, x, L2_WALL_MS, &peer);
	scen_capture_end(g, &cap, &w);
	segs = wire_tcp_segments(&w, port, 0, 1, &largest);
	wire_tcp_early_reply(g, &w, port);
	wire_free(&w);
	scen_peer_verdict(g, peer, L2_WALL_MS);
	scen_alive(g, srv, "server");
	if (segs != 1)
		grade_not_run(g, _("grader: the lines did not leave in one "
		                   "segment"));
}

static void
t_server_no_read(struct grade *g)
{
	static const char *const x[] = {"--no-read", "--count", "3", NULL};
	struct cell_capture cap = {0};
	struct run *srv = scen_run(), *peer;
	int port = pinger_server(g, &lab2_pinger, srv);

	grade_explain(g,
	    _("3 times, while a first client holds the server, a second one "
	      "sends 3 lines, closes its side (FIN) and resets the connection "
	      "without reading; when the server takes it, its first write of "
	      "a reply fails with EPIPE (SIGPIPE kills a server that neither "
	      "ignores it nor sends with MSG_NOSIGNAL); then a client sends 3 "
	      "lines and must get every reply"));
	/* Nothing in labpeer's --no-read waits for the server to be
	 * scheduled, so the outcome is the same loaded or idle: a few
	 * lines are enough, and the trace is cheap to keep. */
	scen_trace_start(g, &cap, port);
	pinger_peer_check(
	    g, &lab2_pinger, "127.0.0.1", port, x, L2_WALL_MS, &peer);
	scen_trace_end(g, &cap);
	scen_alive(g, srv, "server");
	if (peer->err != NULL && strstr(peer->err, "cannot connect")) {
		grade_student(g, "server", srv);
		grade_fail(g,
		    _("after the clients that left without reading, connecting "
		      "again failed (%.*s): the server, still running, is no "
		      "longer accepting connections"),
		    (int)strcspn(peer->err, "\n"), peer->err);
	}
	scen_peer_verdict(g, peer, L2_WALL_MS);
}

/*
 * Restart on the same port at once: the server's side of the last
 * connection closed first (SIGTERM while it was open), so the port is in
 * TIME-WAIT; only a listener with SO_REUSEADDR may bind it again.
 */
static void
t_server_restart(struct grade *g)
{
	static const char *const x[] = {"--count", "2", NULL};
	struct cell_capture cap = {0};
	struct run *srv = scen_run(), *again = scen_run();
	char err[160], bg[64], fg[256];
	int port = pinger_server(g, &lab2_pinger, srv), fd;

	grade_explain(g,
	    _("a client connects and exchanges a line; the server is stopped "
	      "(SIGTERM) while the connection is open, so its side closes "
	      "first and the port stays in TIME-WAIT; the server is started "
	      "again at once on the same port: it must listen (SO_REUSEADDR "
	      "before bind(), or bind() fails with EADDRINUSE)"));
	snprintf(bg, sizeof bg, "./tcp_server %d", port);
	snprintf(fg, sizeof fg,
	    "exec 3<>/dev/tcp/127.0.0.1/%d; "
	    "echo 'ping 1' >&3; head -1 <&3; kill %%1; wait; "
	    "exec 3<&-; ./tcp_server %d   (in bash)",
	    port, port);
	scen_repro_pair(g, SOCK_STREAM, port, bg, fg);
	/* The trace: the first connection, the server's FIN first (what
	 * leaves the port in TIME-WAIT), before the restart is judged. */
	scen_trace_start(g, &cap, port);
	fd = scen_tcp_hold(port, err, sizeof err);
	if (fd == -2)
		grade_error(g, "%s", err);
	if (fd < 0) {
		scen_trace_end(g, &cap);
		scen_alive(g, srv, "server");
		grade_fail(g, _("a client could not exchange a line: %s"), err);
	}
	run_stop(srv);
	close(fd); /* our FIN after the server's: its side in TIME-WAIT */
	scen_trace_end(g, &cap);
	scen_restart(g, again, SOCK_STREAM, port);
	pinger_peer_check(
	    g, &lab2_pinger, "127.0.0.1", port, x, L2_WALL_MS, NULL);
	scen_alive(g, again, "server");
}

static void
t_server_fin(struct grade *g)
{
	struct wire w;
	int port;
	struct run *peer = l2_two_lines(g, &w, &port);

	grade_explain(g, _("on the wire: after the client's FIN the server "
	                   "closes its side with a FIN (no RST)"));
	wire_tcp_close(g, &w, port, 0, WIRE_CLIENT_FIN_FIRST);
	wire_free(&w);
	scen_peer_verdict(g, peer, L2_WALL_MS);
}

/* SIGTERM ends a server that has served with status 0. */
static void
t_server_signal(struct grade *g)
{
	struct run *srv = scen_run(), *peer;
	struct cell_capture cap = {0};
	char cmd[64], pbuf[16], fg[160];
	int port = pinger_server(g, &lab2_pinger, srv);
	const char *args[] = {
	    "tcp-client", "127.0.0.1", pbuf, "--count", "2", NULL};

	snprintf(pbuf, sizeof pbuf, "%d", port);
	snprintf(cmd, sizeof cmd, "./tcp_server %d", port);
	snprintf(fg, sizeof fg,
	    "labpeer tcp-client 127.0.0.1 %d --count 2; "
	    "kill $!; wait $!; echo \"status $?\"",
	    port);
	grade_explain(g, _("the server answers a client's two lines, then gets "
	                   "SIGTERM: it must end with status 0"));
	scen_repro_pair(g, SOCK_STREAM, port, cmd, fg);
	scen_trace_start(g, &cap, port);
	peer = scen_peer_run(g, args, L2_WALL_MS);
	scen_trace_end(g, &cap);
	scen_alive(g, srv, "server");
	scen_peer_verdict(g, peer, L2_WALL_MS);
	scen_server_signal(g, srv);
}

/* ---- client side -------------------------------------------------- */

static const char *const l2_plain[] = {NULL};

static void
t_client_handshake(struct grade *g)
{
	struct pinger_run s;

	pinger_scenario(
	    g, &lab2_pinger, &s, l2_plain, "127.0.0.1", 2, L2_WALL_MS, 1);
	grade_explain(g, _("on the wire: the client's SYN, the SYN-ACK, the "
	                   "client's ACK"));
	wire_tcp_handshake(g, &s.w, s.port, 0);
	wire_free(&s.w);
}

static void
t_client_pings(struct grade *g)
{
	struct wire_pings pk;
	struct pinger_run s;

	pinger_scenario(
	    g, &lab2_pinger, &s, l2_plain, "127.0.0.1", 3, L2_WALL_MS, 1);
	grade_explain(g, _("on the wire: \"ping <seq>\\n\" lines, each sent "
	                   "after the previous reply line came"));
	wire_tcp_pings(g, &s.w, s.port, 3, &pk);
	wire_free(&s.w);
}

static void
t_client_refused(struct grade *g)
{
	struct ping_expect e = {"", NULL, 1, 1};
	struct pinger_run s;

	grade_explain(g, _("nothing listens on the port: the reason on stderr, "
	                   "no summary, exit status 1"));
	pinger_scenario(
	    g, &lab2_pinger, &s, NULL, "127.0.0.1", 2, L2_WALL_MS, 1);
	grade_check(g, wire_tcp_attempts(&s.w, s.port) > 0,
	    _("the client "
	      "never tried to connect (no SYN to port %d on the capture)"),
	    s.port);
	wire_free(&s.w);
	e.from = s.from;
	ping_expect(g, s.cli, &e, &s.po);
	grade_check(g, s.cli->err_len > 0,
	    _("nothing on stderr: say why the "
	      "connection failed"));
}

static void
t_client_fin(struct grade *g)
{
	struct pinger_run s;

	pinger_scenario(
	    g, &lab2_pinger, &s, l2_plain, "127.0.0.1", 2, L2_WALL_MS, 1);
	grade_explain(g, _("on the wire: after the last reply the client "
	                   "closes with a FIN, not a reset"));
	wire_tcp_close(g, &s.w, s.port, 0, WIRE_CLIENT_FIN_NO_RST);
	wire_free(&s.w);
}

/*
 * "localhost" is ::1, then 127.0.0.1; the server listens on IPv4 only:
 * ::1 refuses, and only a client that tries the next address connects.
 */
static void
t_client_each_address(struct grade *g)
{
	static const char *const x[] = {"-4", NULL};
	struct ping_expect e = {"rr", NULL, 0, 0};
	struct pinger_run s;
	char first[64];

	scen_need_ipv6(g);
	if (scen_first_addr("localhost", SOCK_STREAM, first, sizeof first) <
	        0 ||
	    strcmp(first, "::1") != 0)
		grade_not_here(g, _("grader: localhost does not resolve to ::1 "
		                    "first here"));
	grade_explain(g,
	    _("getaddrinfo(\"localhost\") gives ::1, then 127.0.0.1; the "
	      "server "
	      "listens on 127.0.0.1 only, so connecting to ::1 is refused: the "
	      "client must try the next address"));
	pinger_scenario(g, &lab2_pinger, &s, x, "localhost", 2, L2_WALL_MS, 0);
	if (s.have_w && s.cli->status != 0 && s.po.nline == 0 &&
	    wire_tcp_attempts(&s.w, s.port) == 1) {
		grade_student(g, "client", s.cli);
		grade_fail(g,
		    _("the client tried one address (a SYN to [::1]:%d, "
		      "refused) and gave up: try each address getaddrinfo() "
		      "returns, in order, until one connects"),
		    s.port);
	}
	scen_addr(AF_INET, s.port, s.from, sizeof s.from);
	e.from = s.from;
	ping_expect(g, s.cli, &e, &s.po);
	wire_free(&s.w);
}

/*
 * After the last reply the server sends more bytes: a client that
 * closes with them unread makes its kernel send a reset.
 */
static void
t_client_read_before_close(struct grade *g)
{
	static const char *const x[] = {"--trail-after", "2", NULL};
	struct ping_expect e = {"rr", NULL, 0, 0};
	struct pinger_run s;

	grade_explain(g,
	    "right after the reply to ping 2 the server sends " PEER_TRAIL_TEXT
	    " more bytes: the client must read what is left (recv() with "
	    "MSG_DONTWAIT until nothing comes) before close(), or the kernel "
	    "answers the unread data with a reset (RST) instead of a FIN");
	pinger_scenario(g, &lab2_pinger, &s, x, "127.0.0.1", 2, L2_WALL_MS, 1);
	e.from = s.from;
	ping_expect(g, s.cli, &e, &s.po);
	wire_tcp_close(g, &s.w, s.port, 0, WIRE_CLIENT_FIN_NO_RST);
	wire_free(&s.w);
}

static void
t_client_timeout_stops(struct grade *g)
{
	static const char *const x[] = {"--silent-after", "1", NULL};
	struct ping_expect e = {"rt", NULL, 1, 0};
	struct wire_pings pk;
	struct pinger_run s;

	grade_explain(g,
	    _("the server stops answering after the first reply: "
	      "seq 2 times out after 1 s and the client stops there (no ping "
	      "3), prints the summary and exits with status 1"));
	pinger_scenario(g, &lab2_pinger, &s, x, "127.0.0.1", 3,
	    L2_PING_MS + L2_SLACK_MS, 1);
	e.from = s.from;
	ping_expect(g, s.cli, &e, &s.po);
	wire_tcp_pings(g, &s.w, s.port, 2, &pk);
	wire_free(&s.w);
}

/* ---- both sides --------------------------------------------------- */

static void
t_pair(struct grade *g)
{
	struct ping_expect e = {"rrr", NULL, 0, 0};
	struct run *srv = scen_run(), *cli = scen_run();
	struct ping_out po;
	char pbuf[16], from[80], scmd[64], ccmd[96];
	struct cell_capture cap = {0};
	const char *cargs[] = {"127.0.0.1", pbuf, "3", NULL};
	int port = pinger_server(g, &lab2_pinger, srv);

	snprintf(pbuf, sizeof pbuf, "%d", port);
	snprintf(scmd, sizeof scmd, "./tcp_server %d", port);
	snprintf(ccmd, sizeof ccmd, "./tcp_client 127.0.0.1 %d 3", port);
	scen_repro_pair(g, SOCK_STREAM, port, scmd, ccmd);
	scen_trace_start(g, &cap, port);
	scen_client(g, cli, cargs, L2_WALL_MS);
	scen_trace_end(g, &cap);
	/* A server that ended during the run explains the client's
	 * failures: it is the first fault. */
	scen_alive(g, srv, "server");
	e.from = scen_addr(AF_INET, port, from, sizeof from);
	ping_expect(g, cli, &e, &po);
}

/* ---- the template's rows (pinger.h) --------------------------------- */

static const struct pinger_server_case lab2_server_cases[] = {
    {"server_all_bytes", PINGER_PLAIN, "127.0.0.1",
        (const char *const[]){"--all-bytes", NULL}, 4000,
        N_("line 1 holds the 255 byte values other than newline (NUL too); "
           "then one line per such byte")},
    {"server_max_line", PINGER_PLAIN, "127.0.0.1",
        (const char *const[]){"--size", "1024", "--count", "2", NULL},
        L2_WALL_MS,
        N_("two lines of 1024 bytes before the newline (the contract's "
           "longest)")},
    {"server_second_client", PINGER_PLAIN, "127.0.0.1",
        (const char *const[]){"--connections", "2", "--count", "2", NULL},
        L2_WALL_MS,
        N_("a client connects, pings, closes; then a second one must be served "
           "(back to accept())")},
    {"server_reset", PINGER_PLAIN, "127.0.0.1",
        (const char *const[]){"--reset", "--count", "200", NULL}, 4000,
        N_("a client sends 200 lines and resets the connection (RST); a second "
           "client must still be served")},
    {"server_partial_line", PINGER_PLAIN, "127.0.0.1",
        (const char *const[]){"--vanish-mid-line", "--count", "2", NULL},
        L2_WALL_MS,
        N_("a client sends a line and a half, then closes: the half line gets "
           "no reply, and the next client is served")},
    {"server_long_line", PINGER_PLAIN, "127.0.0.1",
        (const char *const[]){"--long", "5000", "--count", "2", NULL},
        L2_WALL_MS,
        N_("a client sends a 5000-byte line (over the limit): the server may "
           "end that connection, never itself")},
    {"server_ipv6", PINGER_IPV6, "::1",
        (const char *const[]){"-6", "--count", "2", NULL}, L2_WALL_MS,
        N_("a client connects to [::1]: the server must listen on IPv6 too "
           "(IPV6_V6ONLY off)")},
    /* With IPv6-only the default (bindv6only = 1), an IPv4 client must
     * still be served: the server turns IPV6_V6ONLY off itself. */
    {"server_dual_stack", PINGER_BINDV6ONLY, "127.0.0.1",
        (const char *const[]){"-4", "--count", "2", NULL}, L2_WALL_MS,
        N_("here AF_INET6 sockets are IPv6-only unless told otherwise (sysctl "
           "net.ipv6.bindv6only=1, the default on some systems); a client of "
           "127.0.0.1 must still be served: set IPV6_V6ONLY to 0 on the "
           "listening socket (Linux's usual default hides it)")},
};

static const struct pinger_client_case lab2_client_cases[] = {
    {"client_output", PINGER_PLAIN, l2_plain, "127.0.0.1", 3, L2_WALL_MS,
        {"rrr", NULL, 0, 0}, NULL, NULL, 0},
    {"client_split_reply", PINGER_PLAIN,
        (const char *const[]){"--split", "3", "--pause", "40", NULL},
        "127.0.0.1", 3, L2_WALL_MS, {"rrr", NULL, 0, 0},
        N_("each reply line arrives in 3 pieces, 40 ms apart: read until the "
           "newline"),
        NULL, 0},
    {"client_wrong_reply", PINGER_PLAIN,
        (const char *const[]){"--wrong", "2", NULL}, "127.0.0.1", 3, L2_WALL_MS,
        {"r-", NULL, 1, 0},
        N_("the reply to ping 2 is \"PING 9\": the reason on stderr, no line "
           "for seq 2, the summary, exit status 1"),
        N_("client stopped"), 0},
    {"client_server_closes", PINGER_PLAIN,
        (const char *const[]){"--close-after", "1", NULL}, "127.0.0.1", 3,
        L2_WALL_MS, {"r-", NULL, 1, 0},
        N_("the server closes the connection after the first reply: the reason "
           "on stderr, the summary, exit status 1"),
        N_("client stopped"), 0},
    {"client_localhost", PINGER_PLAIN, l2_plain, "localhost", 2, L2_WALL_MS,
        {"rr", NULL, 0, 0}, NULL, NULL, 0},
    {"client_ipv6", PINGER_IPV6, l2_plain, "::1", 2, L2_WALL_MS,
        {"rr", NULL, 0, 0}, NULL, NULL, 0},
};

static const struct pinger lab2_pinger = {
    .type = SOCK_STREAM,
    .server = "tcp_server",
    .client = "tcp_client",
    .peer_client = "tcp-client",
    .peer_server = "tcp-server",
    .server_wire = wire_tcp_early_reply,
    .client_wire = NULL,
    .client_pings = wire_tcp_pings,
    .wall_ms = L2_WALL_MS,
    .server_cases = lab2_server_cases,
    .nserver_cases = sizeof lab2_server_cases / sizeof lab2_server_cases[0],
    .client_cases = lab2_client_cases,
    .nclient_cases = sizeof lab2_client_cases / sizeof lab2_client_cases[0],
};

static const struct grade_test lab2_tests[] = {
    {"server_starts",
        N_("tcp_server PORT listens on the TCP port and keeps running"),
        NEED_SERVER, NULL, 5, pinger_t_server_starts},
    {"server_handshake",
        N_("accepts a connection: SYN, SYN-ACK, ACK on the wire, then replies"),
        NEED_SERVER, "server_starts", 5, t_server_handshake},
    {"server_all_bytes",
        N_("reply lines upper-case a-z and keep every other byte (NUL too)"),
        NEED_SERVER, "server_starts", 8, pinger_t_server_check},
    {"server_max_line", N_("a 1024-byte line comes back whole"), NEED_SERVER,
        "server_starts", 5, pinger_t_server_check},
    {"server_split_line",
        N_("a line split over several segments gets one reply"), NEED_SERVER,
        "server_starts", 5, t_server_split_line},
    {"server_many_lines",
        N_("several lines in one segment each get their reply"), NEED_SERVER,
        "server_starts", 5, t_server_many_lines},
    {"server_second_client",
        N_("after a client disconnects, the next one is served"), NEED_SERVER,
        "server_starts", 5, pinger_t_server_check},
    {"server_no_read",
        N_("survives a client that leaves without reading (SIGPIPE)"),
        NEED_SERVER, "server_starts", 8, t_server_no_read},
    {"server_restart",
        N_("restarted at once on the same port, it listens again "
           "(SO_REUSEADDR)"),
        NEED_SERVER, "server_starts", 6, t_server_restart},
    {"server_reset", N_("survives a client that resets the connection"),
        NEED_SERVER, "server_starts", 8, pinger_t_server_check},
    {"server_partial_line",
        N_("a half line at EOF gets no reply; the server goes on"), NEED_SERVER,
        "server_starts", 5, pinger_t_server_check},
    {"server_long_line", N_("a line over 1024 bytes never ends the server"),
        NEED_SERVER, "server_starts", 5, pinger_t_server_check},
    {"server_fin", N_("closes its side (FIN) after the client's FIN (capture)"),
        NEED_SERVER, "server_starts", 5, t_server_fin},
    {"server_ipv6", N_("serves IPv6 clients ([::1]) as well as IPv4"),
        NEED_SERVER, "server_starts", 5, pinger_t_server_check},
    {"server_dual_stack",
        N_("turns IPV6_V6ONLY off itself: IPv4 clients are served even where "
           "IPv6 sockets default to IPv6-only"),
        NEED_SERVER | NEED_NS, "server_starts", 5, pinger_t_server_check},
    /* After the program has shown it works: a skeleton that exits at
     * its first TODO would pass these for free. */
    {"server_usage", N_("bad arguments: a usage line and exit status 2"),
        NEED_SERVER, "server_starts", 5, pinger_t_server_usage},
    {"server_port_busy",
        N_("a port already in use: one line on stderr and exit status 1"),
        NEED_SERVER, "server_starts", 5, pinger_t_server_port_busy},
    {"client_handshake", N_("connects: SYN, SYN-ACK, ACK on the wire"),
        NEED_CLIENT, NULL, 5, t_client_handshake},
    {"client_pings",
        N_("sends \"ping <seq>\\n\" lines, one at a time (capture)"),
        NEED_CLIENT, NULL, 5, t_client_pings},
    {"client_output", N_("reply lines, summary and exit status 0"), NEED_CLIENT,
        NULL, 5, pinger_t_client_expect},
    {"client_rtt", N_("the printed RTT agrees with the capture's timestamps"),
        NEED_CLIENT | NEED_TIMING, NULL, 5, pinger_t_client_rtt},
    {"client_split_reply", N_("a reply line arriving in pieces is read whole"),
        NEED_CLIENT, NULL, 5, pinger_t_client_expect},
    {"client_wrong_reply",
        N_("a wrong reply line: reason on stderr, summary, exit status 1"),
        NEED_CLIENT, NULL, 5, pinger_t_client_expect},
    {"client_server_closes",
        N_("the server closing early: reason on stderr, summary, exit status "
           "1"),
        NEED_CLIENT, NULL, 5, pinger_t_client_expect},
    {"client_refused",
        N_("a refused connection: reason on stderr, no summary, exit status 1"),
        NEED_CLIENT, NULL, 5, t_client_refused},
    {"client_fin", N_("ends the connection with a FIN, not a reset (capture)"),
        NEED_CLIENT, NULL, 5, t_client_fin},
    {"client_timeout_stops",
        N_("a timeout stops the client: summary, exit status 1, no more pings"),
        NEED_CLIENT | NEED_TIMING, NULL, 6, t_client_timeout_stops},
    {"client_localhost", N_("HOST may be the name localhost"), NEED_CLIENT,
        NULL, 5, pinger_t_client_localhost},
    {"client_ipv6", N_("HOST may be an IPv6 address (::1)"), NEED_CLIENT, NULL,
        5, pinger_t_client_expect},
    {"client_usage", N_("bad arguments: a usage line and exit status 2"),
        NEED_CLIENT, "client_output", 8, pinger_t_client_usage},
    {"pair", N_("the student's client against the student's server"),
        NEED_SERVER | NEED_CLIENT, "server_starts", 5, t_pair},
    /* Added last so that the numbers of the others (TAP) stay. */
    {"server_signal", N_("SIGTERM ends the server with status 0"), NEED_SERVER,
        "server_starts", 5, t_server_signal},
    {"client_each_address",
        N_("tries each address getaddrinfo() returns (localhost: ::1 refused, "
           "127.0.0.1 listens)"),
        NEED_CLIENT, NULL, 5, t_client_each_address},
    {"client_read_before_close",
        N_("reads what is left before close(): a FIN even when the server sent "
           "more after the last reply (capture)"),
        NEED_CLIENT, NULL, 5, t_client_read_before_close},
};

/* ---- the contract, line by line ----------------------------------- */

/* Each line of the handout's contract (section 3): the tests above that
 * exercise it, the contract suite's tests, the broken submissions that
 * break it alone (grader/labs/CONTRACT.md is generated from this). */
#define L2S "check_lab2:"

static const struct contract_line lab2_contract[] = {
    {"common.args",
        "Bad arguments (PORT not 1..65535, COUNT out of 1..1000, HOST that "
        "does not resolve): a usage line on stderr, exit status 2",
        {"server_usage", "client_usage"},
        {L2S "test_server_bad_args", L2S "test_client_bad_args"},
        {"server-usage-status", "client-usage-status"}},
    {"tcp_server.listen",
        "tcp_server listens on TCP PORT on all local addresses, IPv6 and "
        "IPv4 alike (IPV6_V6ONLY off), with SO_REUSEADDR",
        {"server_starts", "server_handshake", "server_ipv6",
            "server_dual_stack", "server_restart"},
        {L2S "test_server_sequential", L2S "test_server_restart",
            L2S "test_server_no_ipv6"},
        {"server-ipv4-only", "server-v6only-default", "server-no-reuseaddr"}},
    {"tcp_server.accept",
        "One connection at a time; when it ends, back to accept()",
        {"server_second_client", "pair"}, {L2S "test_server_sequential"},
        {"server-exits-after-first"}},
    {"tcp_server.echo",
        "Each complete line (at most 1024 bytes before the \\n) comes back "
        "with a-z turned into A-Z, the \\n included",
        {"server_all_bytes", "server_max_line"}, {L2S "test_server_lines"},
        {"server-case-range"}},
    {"tcp_server.framing",
        "A line split over many segments, or several lines in one "
        "segment, get the same replies; a partial line at the end of the "
        "stream gets no reply",
        {"server_split_line", "server_many_lines", "server_partial_line"},
        {L2S "test_server_lines", L2S "test_server_partial_eof"},
        {"server-one-recv-one-line", "server-no-framing"}},
    {"tcp_server.long_line",
        "A line over 1024 bytes may end that connection, never the server",
        {"server_long_line"}, {L2S "test_server_overlong"},
        {"server-long-line-exits"}},
    {"tcp_server.close",
        "When the client closes (recv() returns 0), the server closes its "
        "side: both FINs",
        {"server_fin"}, {L2S "test_server_lines"}, {"server-no-fin"}},
    {"tcp_server.survive",
        "A client that resets, vanishes mid-line or leaves without reading "
        "must not stop the server (SIGPIPE)",
        {"server_reset", "server_no_read", "server_partial_line"},
        {L2S "test_server_hostile"}, {"server-sigpipe"}},
    {"tcp_server.signal", "SIGINT or SIGTERM end the server with status 0",
        {"server_signal"}, {L2S "test_server_signal"},
        {"server-signal-status"}},
    {"tcp_server.port_busy",
        "A port the server cannot bind: one line on stderr, status 1",
        {"server_port_busy"}, {L2S "test_server_port_in_use"},
        {"server-busy-status"}},
    {"tcp_client.connect",
        "The client tries each address getaddrinfo() returns until one "
        "connects; if none does: the reason on stderr, no summary, "
        "status 1",
        {"client_each_address", "client_refused", "client_handshake"},
        {L2S "test_fallback", L2S "test_refused"},
        {"client-first-address-only", "client-summary-on-refused"}},
    {"tcp_client.host", "HOST is an IPv4 address, an IPv6 address or a name",
        {"client_localhost", "client_ipv6"},
        {L2S "test_pair", L2S "test_pair_localhost"}, {"client-ipv4-only"}},
    {"tcp_client.ping",
        "For seq = 1 to COUNT: it sends \"ping <seq>\\n\" and reads until it "
        "has one whole reply line (which may arrive in pieces), with a 1 s "
        "deadline per ping",
        {"client_pings", "client_split_reply"},
        {L2S "test_split_replies", L2S "test_slow_reply"}, {"client-one-recv"}},
    {"tcp_client.timeout",
        "The reply and timeout lines of lab 1; after a timeout it stops, "
        "prints the summary and exits with status 1",
        {"client_output", "client_rtt", "client_timeout_stops"},
        {L2S "test_timeout", L2S "test_pair"},
        {"client-no-stop-after-timeout"}},
    {"tcp_client.wrong",
        "A reply line other than \"PING <seq>\", or the server closing or "
        "resetting: the reason on stderr, no line for that seq, the "
        "summary, status 1",
        {"client_wrong_reply", "client_server_closes"},
        {L2S "test_bad_peer", L2S "test_closed_at_once"},
        {"client-accepts-wrong"}},
    {"tcp_client.close",
        "After the last reply it reads what is left and closes the socket: "
        "a normal FIN, not a reset",
        {"client_fin", "client_read_before_close"}, {L2S "test_pair"},
        {"client-rst-at-end", "client-no-drain"}},
};

/* What the handout's contract section states, in contract.h's numbers
 * (the contract suite checks it). */
static const char *const lab2_handout_says[] = {
    "(COUNT: " CONTRACT_STR(CONTRACT_COUNT_MIN) " to " CONTRACT_STR(
        CONTRACT_COUNT_MAX) ", default " CONTRACT_STR(CONTRACT_COUNT_DEFAULT) ")",
    "a number from " CONTRACT_STR(CONTRACT_PORT_MIN) " to " CONTRACT_STR(
        CONTRACT_PORT_MAX),
    "at most " CONTRACT_STR(CONTRACT_LINE_MAX) " bytes each", NULL};

/* The lab, for the registry (lab.h). */
const struct grade_lab lab2_tcp = {
    .name = "lab2-tcp",
    .title = "Lab 2: the pinger over TCP",
    .programs = lab2_programs,
    .nprograms = sizeof lab2_programs / sizeof lab2_programs[0],
    .peers = "tcp-server tcp-client",
    .tests = lab2_tests,
    .ntests = sizeof lab2_tests / sizeof lab2_tests[0],
    .contract = lab2_contract,
    .ncontract = sizeof lab2_contract / sizeof lab2_contract[0],
    .handout_says = lab2_handout_says,
    .data = &lab2_pinger,
};

/*
 * Lab 1 (UDP pinger): the graded tests.  Server tests run the student's
 * udp_server against labpeer's checking client; client tests run the
 * student's udp_client against labpeer's faulty server; the wire checks
 * hold what went over the cell's loopback against the contract.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pinger.h"

#define L1_WALL_MS 2500                 /* a quick client run (all replies) */
#define L1_PING_MS CONTRACT_DEADLINE_MS /* one ping's deadline */
#define L1_SLACK_MS 1500 /* on top of the deadlines a run may take */
#define L1_AT_ONCE_S 0.5 /* "at once" after a reply, on a loaded machine */

static const char *const lab1_server_src[] = {"udp_server.c", NULL};
static const char *const lab1_client_src[] = {"udp_client.c", NULL};
static const struct grade_program lab1_programs[] = {
    {"udp_server", ROLE_SERVER, lab1_server_src},
    {"udp_client", ROLE_CLIENT, lab1_client_src},
};

/* ---- server side -------------------------------------------------- */

static const struct pinger lab1_pinger;

/* Start the student's server on the cell's port, or fail the test. */
static int
l1_server(struct grade *g, struct run *srv, char *cmd, size_t n)
{
	int port = pinger_server(g, &lab1_pinger, srv);

	snprintf(cmd, n, "./udp_server %d", port);
	return port;
}

/* The capture shows one reply per request, to the requester. */
static void
t_server_one_reply(struct grade *g)
{
	static const char *const x[] = {
	    "--count", "3", "--linger", "300", NULL};
	struct cell_capture cap = {0};
	struct run *srv = scen_run(), *peer;
	struct wire w;
	char cmd[64];
	int port;

	port = l1_server(g, srv, cmd, sizeof cmd);
	scen_capture(g, &cap, port, 1);
	pinger_peer_check(
	    g, &lab1_pinger, "127.0.0.1", port, x, L1_WALL_MS, &peer);
	scen_capture_end(g, &cap, &w);
	scen_alive(g, srv, "server");
	wire_udp_misdirected(g, &w, port);
	wire_udp_one_reply(g, &w, port);
	wire_free(&w);
	scen_peer_verdict(g, peer, L1_WALL_MS);
}

/* SIGTERM ends a server that has served with status 0. */
static void
t_server_signal(struct grade *g)
{
	struct run *srv = scen_run(), *peer;
	struct cell_capture cap = {0};
	struct wire w;
	char cmd[64], pbuf[16], fg[160];
	int port = l1_server(g, srv, cmd, sizeof cmd), have_w;
	const char *args[] = {
	    "udp-client", "127.0.0.1", pbuf, "--count", "2", NULL};

	snprintf(pbuf, sizeof pbuf, "%d", port);
	snprintf(fg, sizeof fg,
	    "labpeer udp-client 127.0.0.1 %d --count 2; "
	    "kill $!; wait $!; echo \"status $?\"",
	    port);
	grade_explain(g, _("the server answers two pings, then gets SIGTERM: "
	                   "it must end with status 0"));
	scen_repro_pair(g, SOCK_DGRAM, port, cmd, fg);
	have_w = scen_capture(g, &cap, port, 0) == 0;
	peer = scen_peer_run(g, args, L1_WALL_MS);
	if (have_w)
		scen_capture_end(g, &cap, &w);
	scen_alive(g, srv, "server");
	if (have_w) {
		wire_udp_misdirected(g, &w, port);
		wire_free(&w);
	}
	scen_peer_verdict(g, peer, L1_WALL_MS);
	scen_server_signal(g, srv);
}

/* ---- client side -------------------------------------------------- */

/* Run "./udp_client HOST PORT COUNT" to its end. */
static void
l1_client(struct grade *g, struct run *cli, const char *host, int port,
    int count, int wall_ms)
{
	char pbuf[16], cbuf[16];
	const char *args[] = {host, pbuf, cbuf, NULL};

	snprintf(pbuf, sizeof pbuf, "%d", port);
	snprintf(cbuf, sizeof cbuf, "%d", count);
	scen_repro_fg(g, "./udp_client %s %d %d", host, port, count);
	scen_client(g, cli, args, wall_ms);
}

/* A client cut off at the test's time limit before its last ping: say
 * so, rather than only that pings were missing. */
static void
l1_stopped_at_limit(struct grade *g, const struct pinger_run *s, int seen,
    int count, int wall_ms)
{
	if (seen >= count || s->cli->outcome != RUN_TIMEOUT)
		return;
	grade_student(g, "client", s->cli);
	grade_fail(g,
	    _("the client was stopped at the test's time limit (%.1f s) after "
	      "%d of its %d pings (a correct client ends well before it)"),
	    wall_ms / 1000.0, seen, count);
}

static void
t_client_pings(struct grade *g)
{
	static const char *const x[] = {NULL};
	struct wire_pings pk;
	struct pinger_run s;

	pinger_scenario(g, &lab1_pinger, &s, x, "127.0.0.1", 3, L1_WALL_MS, 1);
	grade_explain(g, _("on the wire: exactly one datagram \"ping <seq>\" "
	                   "per ping, the next only after the reply"));
	wire_udp_pings(g, &s.w, s.port, 3, &pk);
	wire_free(&s.w);
}

static void
t_client_next_ping(struct grade *g)
{
	static const char *const x[] = {"--drop", "2", NULL};
	struct wire_pings pk;
	struct pinger_run s;

	grade_explain(
	    g, _("the server drops the reply to ping 2: ping 2 must "
	         "leave at once after reply 1, ping 3 1 s after ping 2"));
	/* Time enough for a client that sleeps 1 s between pings to end,
	 * so that the gaps, not the time limit, say what is wrong. */
	pinger_scenario(g, &lab1_pinger, &s, x, "127.0.0.1", 3,
	    2 * L1_PING_MS + L1_SLACK_MS, 1);
	wire_udp_pings_seen(g, &s.w, s.port, 3, &pk);
	if (pk.n >= 2)
		wire_gap(g, &pk, 1, 1, 0.0, L1_AT_ONCE_S);
	if (pk.n >= 3)
		wire_gap(
		    g, &pk, 2, 0, CONTRACT_ACCEPT_LO_S, CONTRACT_ACCEPT_HI_S);
	l1_stopped_at_limit(g, &s, pk.n, 3, 2 * L1_PING_MS + L1_SLACK_MS);
	wire_udp_pings(g, &s.w, s.port, 3, &pk);
	wire_free(&s.w);
}

static void
t_client_late_reply(struct grade *g)
{
	static const char *const x[] = {
	    "--late", "1", "--late-ms", "1300", "--drop", "2", NULL};
	struct ping_expect e = {"ttr", NULL, 0, 0};
	struct wire_pings pk;
	struct pinger_run s;

	grade_explain(g,
	    _("the reply to ping 1 comes 1.3 s late, 0.3 s into ping 2's wait; "
	      "ping 2 gets no reply: \"PING 1\" is not ping 2's reply, and "
	      "ping 3 must still leave 1 s after ping 2 (the late datagram "
	      "does not restart the wait)"));
	pinger_scenario(g, &lab1_pinger, &s, x, "127.0.0.1", 3,
	    2 * L1_PING_MS + L1_SLACK_MS, 1);
	e.from = s.from;
	wire_udp_pings_seen(g, &s.w, s.port, 3, &pk);
	if (pk.n >= 3)
		wire_gap(
		    g, &pk, 2, 0, CONTRACT_ACCEPT_LO_S, CONTRACT_ACCEPT_HI_S);
	ping_expect(g, s.cli, &e, &s.po);
	wire_udp_pings(g, &s.w, s.port, 3, &pk);
	scen_rtts(g, &s.po, &pk, s.peer);
	wire_free(&s.w);
}

static void
t_client_stray(struct grade *g)
{
	static const char *const x[] = {
	    "--stray", "all", "--delay", "200", NULL};
	struct ping_expect e = {"rr", NULL, 0, 0};
	struct wire_pings pk;
	struct pinger_run s;

	grade_explain(g,
	    _("before each reply come two strays: the reply with "
	      "'!' appended from the server's port, and the exact reply from "
	      "another port; both must be ignored"));
	pinger_scenario(g, &lab1_pinger, &s, x, "127.0.0.1", 2, L1_WALL_MS, 1);
	e.from = s.from;
	ping_expect(g, s.cli, &e, &s.po);
	wire_udp_pings(g, &s.w, s.port, 2, &pk);
	scen_rtts(g, &s.po, &pk, s.peer);
	wire_free(&s.w);
}

static void
t_client_no_server(struct grade *g)
{
	struct ping_expect e = {"t", NULL, 1, 0};
	struct cell_capture cap = {0};
	struct wire_pings pk;
	struct run *cli = scen_run();
	struct ping_out po;
	struct wire w;
	char from[80];
	int port = cell_port(grade_cell(g), SOCK_DGRAM);
	char win[96];
	double t0, took;

	grade_explain(g,
	    _("nothing listens on the port: the ping is answered "
	      "by an ICMP port unreachable, which must not cut the 1 s wait"));
	scen_capture(g, &cap, port, 1);
	t0 = scen_now();
	l1_client(g, cli, "127.0.0.1", port, 1, L1_PING_MS + L1_SLACK_MS);
	took = scen_now() - t0;
	scen_capture_end(g, &cap, &w);
	e.from = scen_addr(AF_INET, port, from, sizeof from);
	ping_expect(g, cli, &e, &po);
	wire_udp_pings(g, &w, port, 1, &pk);
	wire_free(&w);
	grade_check(g, took >= CONTRACT_ACCEPT_LO_S,
	    _("the client ended %.3f s after it "
	      "started (%s): an ICMP port unreachable (ECONNREFUSED) is not a "
	      "reply and not an error; wait on until the 1 s deadline"),
	    took, contract_window(win, sizeof win));
}

/* ---- both sides --------------------------------------------------- */

static void
t_pair(struct grade *g)
{
	struct ping_expect e = {"rrr", NULL, 0, 0};
	struct run *srv = scen_run(), *cli = scen_run();
	struct ping_out po;
	char cmd[64], from[80];
	int port = l1_server(g, srv, cmd, sizeof cmd), have_w;
	struct cell_capture cap = {0};
	struct wire w;
	char ccmd[96];

	snprintf(ccmd, sizeof ccmd, "./udp_client 127.0.0.1 %d 3", port);
	scen_repro_pair(g, SOCK_DGRAM, port, cmd, ccmd);
	have_w = scen_capture(g, &cap, port, 0) == 0;
	l1_client(g, cli, "127.0.0.1", port, 3, L1_WALL_MS);
	if (have_w)
		scen_capture_end(g, &cap, &w);
	/* A server that ended during the run, or sent its replies
	 * elsewhere, explains the client's timeouts: the first fault. */
	scen_alive(g, srv, "server");
	if (have_w) {
		wire_udp_misdirected(g, &w, port);
		wire_free(&w);
	}
	e.from = scen_addr(AF_INET, port, from, sizeof from);
	ping_expect(g, cli, &e, &po);
}

/* ---- the template's rows (pinger.h) --------------------------------- */

static const struct pinger_server_case lab1_server_cases[] = {
    {"server_all_bytes", PINGER_PLAIN, "127.0.0.1",
        (const char *const[]){"--all-bytes", NULL}, 4000,
        N_("request 1 holds the 256 byte values 00..ff; requests 2..257 one "
           "byte each")},
    {"server_empty", PINGER_PLAIN, "127.0.0.1",
        (const char *const[]){"--empty", "--count", "2", NULL}, L1_WALL_MS,
        N_("two empty datagrams (0 bytes of payload): each must get an empty "
           "datagram back")},
    {"server_max_payload", PINGER_PLAIN, "127.0.0.1",
        (const char *const[]){"--size", "1024", "--count", "2", NULL},
        L1_WALL_MS,
        N_("two 1024-byte datagrams (the contract's largest): the whole "
           "payload must come back")},
    {"server_ipv6", PINGER_IPV6, "::1",
        (const char *const[]){"-6", "--count", "2", NULL}, L1_WALL_MS,
        N_("two pings from [::1]: the server must serve IPv6 too (one AF_INET6 "
           "socket with IPV6_V6ONLY off)")},
    /* With IPv6-only the default (bindv6only = 1), an IPv4 client must
     * still be served: the server turns IPV6_V6ONLY off itself. */
    {"server_dual_stack", PINGER_BINDV6ONLY, "127.0.0.1",
        (const char *const[]){"-4", "--count", "2", NULL}, L1_WALL_MS,
        N_("here AF_INET6 sockets are IPv6-only unless told otherwise (sysctl "
           "net.ipv6.bindv6only=1, the default on some systems); two pings "
           "from 127.0.0.1 must still be served: set IPV6_V6ONLY to 0 on the "
           "server's socket (Linux's usual default hides it)")},
    {"server_two_clients", PINGER_PLAIN, "127.0.0.1",
        (const char *const[]){"--interleave", "--count", "3", NULL}, L1_WALL_MS,
        N_("two sockets send in turn: each reply must go to the socket that "
           "sent the request")},
    {"server_many", PINGER_PLAIN, "127.0.0.1",
        (const char *const[]){"--count", "300", NULL}, 4000,
        N_("300 requests one after the other")},
    {"server_vanished_client", PINGER_PLAIN, "127.0.0.1",
        (const char *const[]){"--vanish", "--count", "3", NULL}, L1_WALL_MS,
        N_("a client sends 3 requests and closes its socket before the replies "
           "(its replies bounce: ICMP port unreachable); then another client "
           "must still be served")},
};

static const char *const l1_plain[] = {NULL};

static const struct pinger_client_case lab1_client_cases[] = {
    {"client_output", PINGER_PLAIN, l1_plain, "127.0.0.1", 3, L1_WALL_MS,
        {"rrr", NULL, 0, 0}, NULL, NULL, 0},
    /* Which reply is lost follows --seed (pinger.h: seed_drop). */
    {"client_timeouts", PINGER_PLAIN, NULL, "127.0.0.1", 6,
        L1_PING_MS + L1_SLACK_MS, {NULL, NULL, 0, 0},
        /* xgettext:c-format */
        N_("the server drops the reply to ping %d of %d: 5 of 6 received is "
           "16%% loss (an integer percent, rounded down)"),
        NULL, 1},
    {"client_slow_reply", PINGER_PLAIN,
        (const char *const[]){"--delay", "600", NULL}, "127.0.0.1", 1,
        600 + L1_SLACK_MS, {"r", NULL, 0, 0},
        N_("the reply comes 0.6 s after the ping: inside the 1 s deadline, so "
           "it counts"),
        NULL, 0},
    {"client_localhost", PINGER_PLAIN, l1_plain, "localhost", 2, L1_WALL_MS,
        {"rr", NULL, 0, 0}, NULL, NULL, 0},
    {"client_ipv6", PINGER_IPV6, l1_plain, "::1", 2, L1_WALL_MS,
        {"rr", NULL, 0, 0}, NULL, NULL, 0},
};

static const struct pinger lab1_pinger = {
    .type = SOCK_DGRAM,
    .server = "udp_server",
    .client = "udp_client",
    .peer_client = "udp-client",
    .peer_server = "udp-server",
    .server_wire = wire_udp_misdirected,
    .client_wire = wire_udp_not_tcp,
    .client_pings = wire_udp_pings,
    .wall_ms = L1_WALL_MS,
    .server_cases = lab1_server_cases,
    .nserver_cases = sizeof lab1_server_cases / sizeof lab1_server_cases[0],
    .client_cases = lab1_client_cases,
    .nclient_cases = sizeof lab1_client_cases / sizeof lab1_client_cases[0],
};

static const struct grade_test lab1_tests[] = {
    {"server_starts",
        N_("udp_server PORT binds the UDP port and keeps running"), NEED_SERVER,
        NULL, 5, pinger_t_server_starts},
    {"server_all_bytes",
        N_("replies upper-case a-z and keep every other byte, for all 256 "
           "values "
           "(NUL too)"),
        NEED_SERVER, "server_starts", 8, pinger_t_server_check},
    {"server_empty", N_("an empty datagram gets an empty reply"), NEED_SERVER,
        "server_starts", 5, pinger_t_server_check},
    {"server_max_payload", N_("a 1024-byte datagram comes back whole"),
        NEED_SERVER, "server_starts", 5, pinger_t_server_check},
    {"server_one_reply",
        N_("exactly one reply datagram per request, to the requester's address "
           "and port (capture)"),
        NEED_SERVER, "server_starts", 5, t_server_one_reply},
    {"server_ipv6", N_("serves IPv6 clients ([::1]) as well as IPv4"),
        NEED_SERVER, "server_starts", 5, pinger_t_server_check},
    {"server_two_clients",
        N_("two interleaved clients each get their own replies"), NEED_SERVER,
        "server_starts", 5, pinger_t_server_check},
    {"server_many", N_("still serving after 300 requests"), NEED_SERVER,
        "server_starts", 8, pinger_t_server_check},
    {"server_vanished_client",
        N_("still serving after a client vanished before its replies"),
        NEED_SERVER, "server_starts", 5, pinger_t_server_check},
    /* After the program has shown it works: a skeleton that exits at
     * its first TODO would pass these for free. */
    {"server_usage", N_("bad arguments: a usage line and exit status 2"),
        NEED_SERVER, "server_starts", 5, pinger_t_server_usage},
    {"server_port_busy",
        N_("a port already in use: one line on stderr and exit status 1"),
        NEED_SERVER, "server_starts", 5, pinger_t_server_port_busy},
    {"client_pings",
        N_("sends exactly \"ping <seq>\", one datagram at a time (capture)"),
        NEED_CLIENT, NULL, 5, t_client_pings},
    {"client_output",
        N_("reply lines, summary and exit status 0 when all replies come"),
        NEED_CLIENT, NULL, 5, pinger_t_client_expect},
    {"client_rtt", N_("the printed RTT agrees with the capture's timestamps"),
        NEED_CLIENT | NEED_TIMING, NULL, 5, pinger_t_client_rtt},
    {"client_timeouts",
        N_("a lost reply: a timeout line, loss rounded down, exit status 0"),
        NEED_CLIENT, NULL, 5, pinger_t_client_expect},
    {"client_next_ping",
        N_("the next ping leaves at once after a reply, 1 s after an "
           "unanswered "
           "one (capture)"),
        NEED_CLIENT | NEED_TIMING, NULL, 6, t_client_next_ping},
    {"client_late_reply",
        N_("a reply after its deadline does not count for the next ping"),
        NEED_CLIENT | NEED_TIMING, NULL, 6, t_client_late_reply},
    {"client_stray",
        N_("stray datagrams (wrong payload, wrong port) are ignored"),
        NEED_CLIENT, NULL, 5, t_client_stray},
    {"client_slow_reply",
        N_("a slow reply (0.6 s) inside the deadline is accepted"),
        NEED_CLIENT | NEED_TIMING, NULL, 5, pinger_t_client_expect},
    {"client_no_server",
        N_("no server: ICMP refusals do not cut the 1 s wait; exit status 1"),
        NEED_CLIENT, NULL, 5, t_client_no_server},
    {"client_localhost", N_("HOST may be the name localhost"), NEED_CLIENT,
        NULL, 5, pinger_t_client_localhost},
    {"client_ipv6", N_("HOST may be an IPv6 address (::1)"), NEED_CLIENT, NULL,
        5, pinger_t_client_expect},
    {"client_usage", N_("bad arguments: a usage line and exit status 2"),
        NEED_CLIENT, "client_output", 8, pinger_t_client_usage},
    /* Added after the client tests so that their numbers (TAP) stay. */
    {"server_dual_stack",
        N_("turns IPV6_V6ONLY off itself: IPv4 clients are served even where "
           "IPv6 sockets default to IPv6-only"),
        NEED_SERVER | NEED_NS, "server_starts", 5, pinger_t_server_check},
    {"pair", N_("the student's client against the student's server"),
        NEED_SERVER | NEED_CLIENT, "server_starts", 5, t_pair},
    {"server_signal", N_("SIGTERM ends the server with status 0"), NEED_SERVER,
        "server_starts", 5, t_server_signal},
};

/* ---- the contract, line by line ----------------------------------- */

/* Each line of the handout's contract (section 3): the tests above that
 * exercise it, the contract suite's tests, the broken submissions that
 * break it alone (grader/labs/CONTRACT.md is generated from this). */
#define L1S "check_lab1:"

static const struct contract_line lab1_contract[] = {
    {"common.args",
        "Bad arguments (PORT not 1..65535, COUNT out of 1..1000, HOST that "
        "does not resolve): a usage line on stderr, exit status 2",
        {"server_usage", "client_usage"},
        {L1S "test_server_bad_args", L1S "test_client_bad_args"},
        {"server-usage-status", "client-usage-status"}},
    {"udp_server.bind",
        "udp_server binds UDP PORT on all local addresses, IPv6 and IPv4 "
        "alike (one AF_INET6 socket, IPV6_V6ONLY off)",
        {"server_starts", "server_ipv6", "server_dual_stack"},
        {L1S "test_server_bytes", L1S "test_server_no_ipv6"},
        {"server-ipv4-only", "server-v6only-default"}},
    {"udp_server.echo",
        "Every datagram (0 to 1024 bytes, any byte values, NUL included) "
        "comes back with the same bytes and length, a-z turned into A-Z",
        {"server_all_bytes", "server_empty", "server_max_payload"},
        {L1S "test_server_bytes"},
        {"server-case-range", "server-truncates", "server-ignores-empty"}},
    {"udp_server.one_reply",
        "Exactly one datagram back per datagram, to the sender's address "
        "and port",
        {"server_one_reply", "server_two_clients"},
        {L1S "test_server_bytes", L1S "test_server_two_clients"},
        {"server-double-reply", "server-reply-port-plus-one"}},
    {"udp_server.forever",
        "The server serves for ever: many requests, clients that vanish "
        "before their replies",
        {"server_many", "server_vanished_client", "pair"},
        {L1S "test_server_bytes"}, {"server-exits-after-first"}},
    {"udp_server.signal", "SIGINT or SIGTERM end the server with status 0",
        {"server_signal"}, {L1S "test_server_signal"},
        {"server-signal-status"}},
    {"udp_server.port_busy",
        "A port the server cannot bind (in use): one line on stderr, "
        "status 1",
        {"server_port_busy"}, {L1S "test_server_port_in_use"},
        {"server-busy-status"}},
    {"udp_client.host",
        "HOST is an IPv4 address, an IPv6 address or a name (getaddrinfo)",
        {"client_localhost", "client_ipv6"},
        {L1S "test_pair", L1S "test_pair_localhost"}, {"client-ipv4-only"}},
    {"udp_client.ping",
        "For seq = 1 to COUNT: one datagram whose payload is exactly "
        "\"ping <seq>\" (no newline, no NUL)",
        {"client_pings"}, {L1S "test_deadlines", L1S "test_counts"},
        {"client-nul-in-ping", "client-tcp"}},
    {"udp_client.deadline",
        "It waits for the reply until 1 s after the send (the deadline "
        "falls between 1.000 and 1.050 s); the next ping leaves at once "
        "after the reply or the deadline",
        {"client_next_ping", "client_slow_reply", "client_timeouts"},
        {L1S "test_deadlines", L1S "test_slow_reply"},
        {"client-fixed-sleep", "client-short-deadline"}},
    {"udp_client.reply",
        "A datagram is the reply to seq only if its payload is exactly "
        "\"PING <seq>\" from the server's address and port; anything else "
        "is ignored and the wait goes on to the same deadline",
        {"client_stray", "client_late_reply"},
        {L1S "test_stray", L1S "test_late_reply"},
        {"client-late-counted", "client-fresh-poll", "client-accepts-suffix"}},
    {"udp_client.icmp",
        "An ICMP port unreachable (ECONNREFUSED) is not a reply and not an "
        "error: the wait goes on to the deadline",
        {"client_no_server"}, {L1S "test_no_server"},
        {"client-icmp-ends-wait"}},
    {"udp_client.lines",
        "One line per ping: \"reply from <ip>:<port> seq=<seq> rtt=<ms> ms: "
        "PING <seq>\" ([<ip>] for IPv6; RTT from a monotonic clock) or "
        "\"seq=<seq> timeout\"",
        {"client_output", "client_rtt"}, {L1S "test_pair"},
        {"client-rtt-constant"}},
    {"udp_client.summary",
        "The summary \"<sent> sent, <received> received, <loss>% loss\" "
        "(rounded down) and, after a reply, \"rtt min/avg/max\"",
        {"client_timeouts", "client_output"},
        {L1S "test_deadlines", L1S "test_pair"}, {"client-loss-rounded"}},
    {"udp_client.exit", "Exit status 0 if a reply came, 1 if none came",
        {"client_no_server", "client_output"}, {L1S "test_no_server"},
        {"client-exit0-no-reply"}},
};

/* What the handout's contract section states, in contract.h's numbers
 * (the contract suite checks it). */
static const char *const lab1_handout_says[] = {
    "(COUNT: " CONTRACT_STR(CONTRACT_COUNT_MIN) " to " CONTRACT_STR(
        CONTRACT_COUNT_MAX) ", default " CONTRACT_STR(CONTRACT_COUNT_DEFAULT) ")",
    "a number from " CONTRACT_STR(CONTRACT_PORT_MIN) " to " CONTRACT_STR(
        CONTRACT_PORT_MAX),
    "between " CONTRACT_STR(CONTRACT_DEADLINE_LO_S) " and " CONTRACT_STR(
        CONTRACT_DEADLINE_HI_S) " s",
    "payload of 0 to " CONTRACT_STR(CONTRACT_PAYLOAD_MAX) " bytes", NULL};

/* The lab, for the registry (lab.h). */
const struct grade_lab lab1_udp = {
    .name = "lab1-udp",
    .title = "Lab 1: a UDP pinger",
    .programs = lab1_programs,
    .nprograms = sizeof lab1_programs / sizeof lab1_programs[0],
    .peers = "udp-server udp-client",
    .tests = lab1_tests,
    .ntests = sizeof lab1_tests / sizeof lab1_tests[0],
    .contract = lab1_contract,
    .ncontract = sizeof lab1_contract / sizeof lab1_contract[0],
    .handout_says = lab1_handout_says,
    .data = &lab1_pinger,
};

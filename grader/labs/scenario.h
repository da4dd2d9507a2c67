/*
 * Scenario helpers shared by the lab tests: start the student's server or
 * client, or a labpeer, in the test's cell; read a pinger's output lines
 * and hold them against the contract.
 *
 * Interface:
 *	scen_run()                       a zeroed struct run that outlives the
 *	                                 test function (the cell tracks runs
 *	                                 until the engine closes it)
 *	scen_server(g, r, type, port)    start the student's server on port;
 *	                                 fail the test unless it is up in time
 *	scen_server_limits(g, r, type, port, lim)  the same with limits of
 *	                                 its own (lim's zero fields: the
 *	                                 defaults, param.h)
 *	scen_client(g, r, args, wall_ms) run the student's client with args
 *	                                 to its end (fail if still running at
 *	                                 wall_ms)
 *	scen_client_bin(g, r, bin, args, wall_ms)  the same for any program
 *	scen_peer(g, r, type, port, args)  start labpeer (args after "labpeer")
 *	                                 and wait for its port when port > 0
 *	scen_peer_check(g, args, wall_ms)  run a labpeer client that checks
 *	                                 the student's server; fail with
 *	                                 what it found unless it exits 0
 *	scen_peer_run(g, args, wall_ms)  the same in two steps: run it (the
 *	scen_peer_verdict(g, r, wall_ms) wire can be checked first), then
 *	                                 fail unless it found all well
 *	scen_repro(g, student, args)     the report's repro: the student's
 *	                                 command (if any), then labpeer's
 *	scen_peer_args(g, server, port, kind, host, extra, args, pbuf)
 *	                                 labpeer's args against the student's
 *	                                 server on port (kind HOST PORT
 *	                                 extra...; pbuf holds the port) and
 *	                                 the repro: "./SERVER PORT", labpeer
 *	scen_repro_bg(g, fmt, ...)       the repro's first (background) command
 *	scen_repro_fg(g, fmt, ...)       its second: "BG && FG" in the report
 *	                                 (labpeer --background), or "BG &
 *	                                 labpeer wait-for ... && FG"
 *	scen_repro_pair(g, type, port, server, client)  the student's server
 *	                                 in the background, then the client
 *	scen_server_signal(g, srv)       SIGTERM ends srv with status 0
 *	scen_first_addr(name, type, buf, n)  getaddrinfo()'s first address
 *	scen_alive(g, r, role)           fail unless r is still running
 *	scen_stop(r)                     end r (run_stop) and free it
 *	scen_capture(g, cap, port, need) capture the traffic of port (if
 *	                                 need, "not run" when impossible)
 *	scen_capture_end(g, cap, w)      stop it, load it into w, attach it
 *	                                 to the report
 *	scen_trace_start(g, cap, port)   a capture only for the report's
 *	scen_trace_end(g, cap)           trace (every failing test with
 *	                                 packets shows them; a failure
 *	                                 before scen_trace_end() ends it)
 *	(ping_parse(), struct ping_out: contract.h)
 *	ping_expect(g, r, e)             the client's lines, summary and exit
 *	                                 status as the contract wants for e
 *	scen_rtts(g, po, pk, peer)       the printed RTTs against the capture
 *	                                 and labpeer's hold
 *	scen_addr(family, port, buf)     "127.0.0.1:P" / "[::1]:P"
 *	scen_from_capture(w, port, buf)  the address:port the first packet
 *	                                 to port went to, as a client prints
 *	scen_tcp_hold(port, err, n)      connect to 127.0.0.1:port, exchange
 *	                                 "ping 1": the open socket, or -1
 *	                                 (what went wrong in err; -2 the
 *	                                 grader's own failure)
 *	scen_restart(g, r, type, port)   start the server again on a port
 *	                                 in TIME-WAIT: fail unless it is up
 *	scen_now()                       a monotonic clock, in seconds
 *	scen_localhost_from(cli, w, port, buf)  whom "localhost" meant: from
 *	                                 the capture w, or (w NULL) the client
 *	scen_have_ipv6()                 is there an IPv6 loopback (::1)
 *	scen_need_ipv6(g)                "not run here" (left out of the
 *	                                 maximum) unless there is one
 *	scen_bindv6only(g)               net.ipv6.bindv6only = 1 in the cell
 *	                                 (AF_INET6 sockets IPv6-only unless
 *	                                 IPV6_V6ONLY is turned off); "not
 *	                                 run here" where that cannot be done
 *	scen_usage(g, bin, name, cases, n)  each bad command line: exit
 *	                                 status 2 and a line on stderr
 *	scen_port_busy(g, type, name)    the server on a port we hold: exit
 *	                                 status 1 and a line on stderr
 */
#ifndef SCENARIO_H
#define SCENARIO_H

#include <stddef.h>

#include "cell.h"
#include "contract.h"
#include "grade.h"
#include "wire.h"

#define SCEN_ARGS_MAX 24 /* arguments of one command we start */
#define SCEN_STARTS_MS                                                         \
	300 /* server_starts: a new server must stay up this long              \
	     * (an exit shows later through the sandbox) */

/* One command line's arguments (after the program), NULL-ended. */
struct scen_args {
	const char *a[6];
};

/*
 * What a client run should print: one character per seq that counts as
 * sent, 'r' a reply line, 't' a timeout line, '-' no line at all (TCP: a
 * wrong reply or a closed connection), then the summary and the status.
 */
struct ping_expect {
	const char *seqs; /* "rtr": seq 1 replied, 2 timed out, ... */
	const char *from; /* "127.0.0.1:12000": whom replies come from */
	int exit_status;  /* 0 or 1 */
	int no_summary;   /* the contract wants no summary at all */
};

struct run *scen_run(void);
void scen_server(struct grade *g, struct run *r, int type, int port);
void scen_server_limits(struct grade *g, struct run *r, int type, int port,
    const struct run_limits *limits);
void scen_client_bin(struct grade *g, struct run *r, const char *bin,
    const char *const args[], int wall_ms);
void scen_client(
    struct grade *g, struct run *r, const char *const args[], int wall_ms);
void scen_peer(struct grade *g, struct run *r, int type, int port,
    const char *const args[]);
struct run *scen_peer_run(
    struct grade *g, const char *const args[], int wall_ms);
void scen_peer_verdict(struct grade *g, struct run *r, int wall_ms);
void scen_peer_check(struct grade *g, const char *const args[], int wall_ms);
void scen_repro(struct grade *g, const char *student, const char *const args[]);
#define SCEN_PORT_TEXT 16 /* a port's text, for scen_peer_args */
void scen_peer_args(struct grade *g, const char *server, int port,
    const char *kind, const char *host, const char *const extra[],
    const char *args[SCEN_ARGS_MAX], char pbuf[SCEN_PORT_TEXT]);
void scen_repro_bg(struct grade *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void scen_repro_fg(struct grade *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void scen_repro_pair(struct grade *g, int type, int port, const char *server,
    const char *client);
void scen_alive(struct grade *g, struct run *r, const char *role);
void scen_server_signal(struct grade *g, struct run *srv);
int scen_first_addr(const char *name, int type, char *buf, size_t n);
void scen_stop(struct run *r);
int scen_capture(struct grade *g, struct cell_capture *cap, int port, int need);
void scen_capture_end(
    struct grade *g, struct cell_capture *cap, struct wire *w);
void scen_trace_start(struct grade *g, struct cell_capture *cap, int port);
void scen_trace_end(struct grade *g, struct cell_capture *cap);

void ping_expect(struct grade *g, const struct run *r,
    const struct ping_expect *e, struct ping_out *po);

void scen_rtts(struct grade *g, const struct ping_out *po,
    struct wire_pings *pk, struct run *peer);
const char *scen_addr(int family, int port, char *buf, size_t n);
void scen_from_capture(const struct wire *w, int port, char *buf, size_t n);
int scen_tcp_hold(int port, char *err, size_t n);
void scen_restart(struct grade *g, struct run *r, int type, int port);
double scen_now(void);
void scen_localhost_from(
    const struct run *cli, const struct wire *w, int port, char *buf, size_t n);
int scen_have_ipv6(void);
void scen_need_ipv6(struct grade *g);
void scen_bindv6only(struct grade *g);
void scen_usage(struct grade *g, const char *bin, const char *name,
    const struct scen_args *cases, size_t n);
void scen_port_busy(struct grade *g, int type, const char *name);

#endif

/*
 * The pinger labs' test template: what lab 1 (UDP) and lab 2 (TCP) test
 * alike, written once.  A lab describes its pinger (struct pinger: the
 * socket type, its programs' and labpeer's names, its wire checks); its
 * test table then holds, beside its bespoke tests, rows that point at a
 * template test, whose data is the row of the same name in the lab's
 * struct pinger (the lab's .data):
 *
 *	{"server_empty", "...", NEED_SERVER, "server_starts", 5,
 *	    pinger_t_server_check},
 *	... and in the pinger's server_cases:
 *	{"server_empty", PINGER_PLAIN, "127.0.0.1", ARGS, 2500, "..."},
 *
 * Interface:
 *	pinger_t_server_starts(g)     the server stays up
 *	pinger_t_server_usage(g)      bad arguments: status 2, a usage line
 *	pinger_t_client_usage(g)
 *	pinger_t_server_port_busy(g)  a port in use: status 1, a line
 *	pinger_t_server_check(g)      (a server case) a labpeer check of a
 *	                              fresh server, which must live on
 *	pinger_t_client_expect(g)     (a client case) the student's client
 *	                              against labpeer with faults, its lines
 *	                              held to the contract
 *	pinger_t_client_localhost(g)  (a client case) the same, with whom
 *	                              "localhost" meant as the replies' source
 *	pinger_t_client_rtt(g)        the printed RTTs against the capture,
 *	                              the server's delay from the seed
 *	pinger_of(g)                  the lab's struct pinger
 *	pinger_seeded(g, lo, hi)      a number in lo..hi from the test's
 *	                              seed: the same --seed, the same faults
 *	pinger_server(g, p, srv)      start the student's server: its port
 *	pinger_peer_check(g, p, host, port, extra, wall_ms, later)  a labpeer
 *	                              client check of the server (now, or
 *	                              *later once the wire is checked)
 *	pinger_server_check(g, p, host, extra, wall_ms)  the same on a fresh
 *	                              server, which must live on
 *	pinger_scenario(g, p, s, extra, host, count, wall_ms, need_capture)
 *	                              labpeer's server with extra (none when
 *	                              extra is NULL), the student's client,
 *	                              the capture loaded into s->w
 */
#ifndef PINGER_H
#define PINGER_H

#include "scenario.h"

/* What to do before a row's test: nothing, need ::1, need bindv6only. */
enum pinger_pre { PINGER_PLAIN, PINGER_IPV6, PINGER_BINDV6ONLY };

/* A server check row: labpeer's client with args against a fresh server. */
struct pinger_server_case {
	const char *test; /* the test's name in the lab's table */
	enum pinger_pre pre;
	const char *host;
	const char *const *args; /* after PORT, NULL-ended */
	int wall_ms;
	const char *explain; /* the report's line (not a format) */
};

/* A client row: labpeer's server with args, the student's client. */
struct pinger_client_case {
	const char *test;
	enum pinger_pre pre;
	const char *const *args; /* labpeer's options after PORT */
	const char *host;
	int count, wall_ms;
	struct ping_expect e;  /* e.from: filled in from the port */
	const char *explain;   /* or NULL (not a format) */
	const char *no_stderr; /* or NULL: "nothing on stderr: say why the "
	                        * + this, when stderr stays empty */
	int seed_drop; /* labpeer drops the reply to ping K, 2 <= K < count,
	                * K from the test's seed (--seed); args unused, and
	                * explain is a format of K and count */
};

/* One pinger lab: its grade_lab's .data. */
struct pinger {
	int type;                /* SOCK_DGRAM or SOCK_STREAM */
	const char *server;      /* "udp_server" */
	const char *client;      /* "udp_client" */
	const char *peer_client; /* labpeer's checking client: "udp-client" */
	const char *peer_server; /* labpeer's faulty server: "udp-server" */
	/* on a server check's capture (or NULL): a fault that explains
	 * labpeer's verdict, before it */
	void (*server_wire)(struct grade *g, const struct wire *w, int port);
	/* on a client scenario's capture (or NULL) */
	void (*client_wire)(struct grade *g, const struct wire *w, int port);
	/* the client's pings on the wire (wire_udp_pings, wire_tcp_pings) */
	void (*client_pings)(struct grade *g, const struct wire *w, int port,
	    int count, struct wire_pings *pk);
	int wall_ms; /* a quick client run (every reply comes) */
	const struct pinger_server_case *server_cases;
	size_t nserver_cases;
	const struct pinger_client_case *client_cases;
	size_t nclient_cases;
};

/* One client run against labpeer, its capture loaded. */
struct pinger_run {
	struct run *peer, *cli;
	struct wire w;
	struct ping_out po;
	int port;
	int have_w; /* a capture was possible (else w is empty) */
	char from[80];
};

const struct pinger *pinger_of(struct grade *g);
int pinger_seeded(struct grade *g, int lo, int hi);
int pinger_server(struct grade *g, const struct pinger *p, struct run *srv);
void pinger_peer_check(struct grade *g, const struct pinger *p,
    const char *host, int port, const char *const extra[], int wall_ms,
    struct run **verdict_later);
void pinger_server_check(struct grade *g, const struct pinger *p,
    const char *host, const char *const extra[], int wall_ms);
void pinger_scenario(struct grade *g, const struct pinger *p,
    struct pinger_run *s, const char *const extra[], const char *host,
    int count, int wall_ms, int need_capture);

void pinger_t_server_starts(struct grade *g);
void pinger_t_server_usage(struct grade *g);
void pinger_t_client_usage(struct grade *g);
void pinger_t_server_port_busy(struct grade *g);
void pinger_t_server_check(struct grade *g);
void pinger_t_client_expect(struct grade *g);
void pinger_t_client_localhost(struct grade *g);
void pinger_t_client_rtt(struct grade *g);

#endif

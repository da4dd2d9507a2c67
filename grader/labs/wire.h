/*
 * Wire checks: assertions over the packets a test captured on the cell's
 * loopback, so that what a program sent is graded and not only what it
 * printed.  Each assertion fails the test with an explanation (which
 * packet, what was expected, what was seen).
 *
 * Interface:
 *	wire_load(w, path, err, n)    read a capture into w (0, or -1 + err)
 *	wire_free(w)
 *	wire_udp_one_reply(g, w, sport)   every datagram to port sport got
 *	                              exactly one datagram back, to the
 *	                              requester's address and port
 *	wire_udp_pings(g, w, sport, n, pk)  the client sent exactly
 *	                              "ping 1".."ping n", one datagram at a
 *	                              time; send/reply times into pk
 *	wire_udp_pings_seen(...)      the same, but fewer than n pings is
 *	                              not a failure (pk->n says how many)
 *	wire_udp_misdirected(g, w, sport)  no datagram from sport to an
 *	                              endpoint that sent no request, none to
 *	                              a requester from another port
 *	wire_udp_not_tcp(g, w, sport)  fails when the client sent TCP, not
 *	                              UDP, to sport
 *	wire_tcp_early_reply(g, w, sport)  on every connection to sport, the
 *	                              server's reply bytes never ran ahead
 *	                              of the client's complete lines
 *	wire_tcp_attempts(w, sport)   connections tried (SYNs) to port sport
 *	wire_tcp_handshake(g, w, sport, nth)  connection nth (0-based) to
 *	                              sport began with SYN, SYN-ACK, ACK
 *	wire_tcp_segments(w, sport, nth, to_server, largest)  data segments
 *	                              one way, and the largest one's length
 *	wire_tcp_close(g, w, sport, nth, want)  how connection nth ended:
 *	                              FINs in the wanted order, no reset
 *	wire_tcp_pings(g, w, sport, n, pk)  the client's stream is exactly
 *	                              "ping 1\n".."ping n\n", each line sent
 *	                              after the previous reply line came
 *	wire_rtt_agrees(g, seq, ms, pk)  printed RTT vs the capture: fails
 *	                              if below, 1 if too far above
 *	wire_gap(g, pk, k, lo, hi, why)  ping k+1 left lo..hi s after ping k
 *	                              (or after reply k when why says so)
 */
#ifndef WIRE_H
#define WIRE_H

#include <stddef.h>
#include <stdint.h>

struct grade;

struct wire_ep {
	int family;       /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* 4 or 16 bytes used */
	uint16_t port;
};

struct wire_pkt {
	double t;  /* seconds since the first packet */
	int proto; /* IPPROTO_UDP, IPPROTO_TCP, other */
	struct wire_ep src, dst;
	uint8_t flags;       /* TCP flags (TH_FIN ... as in RFC 793) */
	uint32_t seq, ack;   /* TCP, absolute */
	const uint8_t *data; /* payload (points into w->buf) */
	size_t len;          /* payload length as captured */
};

struct wire {
	struct wire_pkt *pkt;
	size_t n;
	uint8_t *buf; /* all payloads, back to back */
	char path[4096];
};

#define WIRE_FIN 0x01
#define WIRE_SYN 0x02
#define WIRE_RST 0x04
#define WIRE_PSH 0x08
#define WIRE_ACK 0x10

/* One ping as seen on the wire. */
struct wire_ping {
	double sent;  /* when ping k left (s) */
	double reply; /* when its reply (whole line on TCP) came, or
	               * < 0 if none did */
	double held;  /* how long labpeer held it (ms, its own clock, from
	               * its read of the ping to its send of the reply: the
	               * least any true RTT is), or 0 if unknown */
};

#define WIRE_MAX_PINGS 64

struct wire_pings {
	struct wire_ping p[WIRE_MAX_PINGS + 1]; /* 1-based, as seq */
	int n;                                  /* pings seen */
	struct wire_ep client;                  /* where they came from */
};

enum wire_close {
	WIRE_CLIENT_FIN_FIRST, /* client FIN, then the server's FIN */
	WIRE_CLIENT_FIN_NO_RST /* the client ended with a FIN, no RST */
};

int wire_load(struct wire *w, const char *path, char *err, size_t n);
void wire_free(struct wire *w);

const char *wire_ep_str(const struct wire_ep *e, char *buf, size_t n);
int wire_ep_eq(const struct wire_ep *a, const struct wire_ep *b);

void wire_udp_one_reply(struct grade *g, const struct wire *w, int sport);
void wire_udp_pings(struct grade *g, const struct wire *w, int sport, int count,
    struct wire_pings *pk);
void wire_udp_pings_seen(struct grade *g, const struct wire *w, int sport,
    int count, struct wire_pings *pk);

void wire_udp_misdirected(struct grade *g, const struct wire *w, int sport);
void wire_udp_not_tcp(struct grade *g, const struct wire *w, int sport);
void wire_tcp_early_reply(struct grade *g, const struct wire *w, int sport);
int wire_tcp_attempts(const struct wire *w, int sport);
void wire_tcp_handshake(
    struct grade *g, const struct wire *w, int sport, int nth);
int wire_tcp_segments(
    const struct wire *w, int sport, int nth, int to_server, size_t *largest);
void wire_tcp_close(struct grade *g, const struct wire *w, int sport, int nth,
    enum wire_close want);
void wire_tcp_pings(struct grade *g, const struct wire *w, int sport, int count,
    struct wire_pings *pk);

int wire_rtt_agrees(
    struct grade *g, int seq, double printed_ms, const struct wire_pings *pk);
void wire_gap(struct grade *g, const struct wire_pings *pk, int k,
    int from_reply, double lo, double hi);

#endif

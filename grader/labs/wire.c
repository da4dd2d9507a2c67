/*
 * Wire checks: the packets a test captured, and assertions over them
 * (one reply per request, the pings and their timing, the TCP handshake
 * and teardown).  A failed assertion names the packet and what it lacked.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "capture/capture.h"
#include "contract.h"
#include "grade.h"
#include "wire.h"

#define WIRE_NEXT_MIN CONTRACT_ACCEPT_LO_S /* a ping's deadline is 1 s */
#define WIRE_RTT_BELOW_MS 0.1 /* printed RTT may be this much lower */
#define WIRE_RTT_ABOVE_MS 5.0 /* ... and max(this, 20%) higher */
#define WIRE_RTT_ABOVE_FRAC 0.2

const char *
wire_ep_str(const struct wire_ep *e, char *buf, size_t n)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(e->family, e->addr, a, sizeof a);
	if (e->family == AF_INET6)
		snprintf(buf, n, "[%s]:%u", a, e->port);
	else
		snprintf(buf, n, "%s:%u", a, e->port);
	return buf;
}

int
wire_ep_eq(const struct wire_ep *a, const struct wire_ep *b)
{
	size_t n = a->family == AF_INET6 ? 16 : 4;

	return a->family == b->family && a->port == b->port &&
	       memcmp(a->addr, b->addr, n) == 0;
}

static int
is_udp(const struct wire_pkt *p)
{
	return p->proto == IPPROTO_UDP;
}

static int
is_tcp(const struct wire_pkt *p)
{
	return p->proto == IPPROTO_TCP;
}

/* ---- UDP ---------------------------------------------------------- */

static void
explain_pkt(
    struct grade *g, const char *what, const struct wire_pkt *p, size_t idx)
{
	char s[80], d[80];

	grade_explain(g, _("%s: packet #%zu at %.6f s, %s > %s, %zu bytes"),
	    what, idx + 1, p->t, wire_ep_str(&p->src, s, sizeof s),
	    wire_ep_str(&p->dst, d, sizeof d), p->len);
}

/* Did the destination of datagram i send a request before it? */
static int
asked(const struct wire *w, size_t i, int sport)
{
	size_t k;

	for (k = 0; k < i; k++)
		if (is_udp(&w->pkt[k]) && w->pkt[k].dst.port == sport &&
		    wire_ep_eq(&w->pkt[k].src, &w->pkt[i].dst))
			return 1;
	return 0;
}

/* Requests are datagrams to sport from another port; replies come from
 * sport.  Each request owns the replies to its sender up to that
 * sender's next request. */
void
wire_udp_one_reply(struct grade *g, const struct wire *w, int sport)
{
	size_t i, j, nreq = 0, nrep = 0;

	for (i = 0; i < w->n; i++) {
		const struct wire_pkt *q = &w->pkt[i];
		int replies = 0;

		if (!is_udp(q))
			continue;
		if (q->src.port == sport) {
			nrep++;
			if (!asked(w, i, sport)) {
				explain_pkt(g, _("datagram"), q, i);
				grade_fail(
				    g, _("the server sent a datagram to an "
				         "address and port that sent it no "
				         "request "
				         "(reply to the address and port "
				         "recvfrom() "
				         "gave)"));
			}
			continue;
		}
		if (q->dst.port != sport)
			continue;
		nreq++;
		/* Its replies: to its sender, up to that sender's next
		 * request (two clients may interleave). */
		for (j = i + 1; j < w->n; j++) {
			const struct wire_pkt *p = &w->pkt[j];

			if (!is_udp(p))
				continue;
			if (p->dst.port == sport &&
			    wire_ep_eq(&p->src, &q->src))
				break;
			if (p->src.port == sport &&
			    wire_ep_eq(&p->dst, &q->src))
				replies++;
		}
		if (replies != 1) {
			explain_pkt(g, _("request"), q, i);
			for (j = i + 1; j < w->n && replies > 1; j++)
				if (is_udp(&w->pkt[j]) &&
				    w->pkt[j].src.port == sport &&
				    wire_ep_eq(&w->pkt[j].dst, &q->src))
					explain_pkt(
					    g, _("  a reply"), &w->pkt[j], j);
			grade_fail(g,
			    _("request #%zu got %d reply datagrams; "
			      "the contract wants exactly one"),
			    nreq, replies);
		}
	}
	if (nreq == 0)
		grade_fail(g, _("no request to port %d on the capture"), sport);
	grade_check(g, nrep == nreq,
	    _("%zu requests but %zu reply datagrams "
	      "on the capture: exactly one reply per request"),
	    nreq, nrep);
}

/*
 * Datagrams a server test's capture should never hold: one from the
 * server's port to an address and port that sent no request (a reply
 * to port+1, to a fixed port), or one to a requester from another
 * port (a reply sent from another socket).  Fails on the first.
 */
void
wire_udp_misdirected(struct grade *g, const struct wire *w, int sport)
{
	char a[80], b[80];
	size_t i;

	for (i = 0; i < w->n; i++) {
		const struct wire_pkt *q = &w->pkt[i];

		if (!is_udp(q) || q->dst.port == sport)
			continue;
		if (q->src.port == sport && !asked(w, i, sport)) {
			explain_pkt(g, _("datagram"), q, i);
			grade_fail(g,
			    _("the server sent a datagram to %s, an address "
			      "and "
			      "port that sent it no request: a reply goes back "
			      "to the very address and port recvfrom() gave"),
			    wire_ep_str(&q->dst, a, sizeof a));
		}
		if (q->src.port != sport && asked(w, i, sport)) {
			explain_pkt(g, _("datagram"), q, i);
			grade_fail(g,
			    _("a datagram came to the requester %s from port "
			      "%u, "
			      "not from the server's port %d: reply from the "
			      "socket that received the request (%s)"),
			    wire_ep_str(&q->dst, a, sizeof a), q->src.port,
			    sport, wire_ep_str(&q->src, b, sizeof b));
		}
	}
}

/* A client in the UDP lab that speaks TCP: say so before anything else
 * (its pings, its output) is looked at. */
void
wire_udp_not_tcp(struct grade *g, const struct wire *w, int sport)
{
	size_t i, syn = w->n;
	int udp = 0;

	for (i = 0; i < w->n; i++) {
		const struct wire_pkt *p = &w->pkt[i];

		if (p->dst.port != sport)
			continue;
		udp += is_udp(p);
		if (is_tcp(p) && (p->flags & WIRE_SYN) && syn == w->n)
			syn = i;
	}
	if (udp > 0 || syn == w->n)
		return;
	explain_pkt(g, _("a TCP SYN"), &w->pkt[syn], syn);
	grade_fail(g,
	    _("the client tried to open a TCP connection to port %d (a SYN) "
	      "and sent no UDP datagram: lab 1 is UDP (SOCK_DGRAM sockets, "
	      "sendto()/send() of one datagram per ping)"),
	    sport);
}

static int
is_reply_to(
    const struct wire_pkt *p, int sport, const struct wire_ep *c, int seq)
{
	char want[32];
	int n = snprintf(want, sizeof want, "PING %d", seq);

	return is_udp(p) && p->src.port == sport && wire_ep_eq(&p->dst, c) &&
	       p->len == (size_t)n && memcmp(p->data, want, (size_t)n) == 0;
}

/* The first reply to ping seq at or after packet i, its time or -1. */
static double
udp_reply_time(
    const struct wire *w, size_t i, int sport, const struct wire_ep *c, int seq)
{
	for (; i < w->n; i++)
		if (is_reply_to(&w->pkt[i], sport, c, seq))
			return w->pkt[i].t;
	return -1;
}

/* Up to n bytes of p as text, non-printable bytes escaped. */
static const char *
wire_text(const uint8_t *p, size_t n, char *buf, size_t cap)
{
	size_t i, len = 0;

	for (i = 0; i < n && len + 8 < cap; i++)
		len += (size_t)snprintf(buf + len, cap - len,
		    p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\'
		        ? "%c"
		        : "\\x%02x",
		    p[i]);
	if (i < n && len + 4 < cap)
		len += (size_t)snprintf(buf + len, cap - len, "...");
	buf[len < cap ? len : cap - 1] = '\0';
	return buf;
}

/*
 * Ping k left before ping k-1's reply and deadline.  When a datagram
 * that is not that reply reached the client just before, the client
 * took it for the reply: that (the reply check) is the first fault, not
 * the wait.
 */
static void
took_for_reply(struct grade *g, const struct wire *w, int sport,
    const struct wire_pings *pk, int k)
{
	const struct wire_ping *a = &pk->p[k - 1], *b = &pk->p[k];
	char want[32], txt[64], from[80], list[400];
	size_t i, len = 0;
	int n = 0;

	snprintf(want, sizeof want, "PING %d", k - 1);
	list[0] = '\0';
	for (i = 0; i < w->n && w->pkt[i].t <= b->sent; i++) {
		const struct wire_pkt *p = &w->pkt[i];
		int right_bytes = p->len == strlen(want) &&
		                  memcmp(p->data, want, p->len) == 0;

		if (!is_udp(p) || p->t < a->sent ||
		    !wire_ep_eq(&p->dst, &pk->client) ||
		    (right_bytes && p->src.port == sport) || n >= 3)
			continue;
		explain_pkt(g, _("a datagram that is not the reply"), p, i);
		len += (size_t)snprintf(list + len, sizeof list - len,
		    /* TRANSLATORS: one datagram of a list: the separator
		     * ("; " or none), its payload, its sender, and " (not
		     * the server's port)" or nothing */
		    _("%s\"%s\" from %s%s"), n++ ? "; " : "",
		    wire_text(p->data, p->len, txt, sizeof txt),
		    wire_ep_str(&p->src, from, sizeof from),
		    right_bytes ? _(" (not the server's port)") : "");
		if (len >= sizeof list)
			break;
	}
	if (n == 0)
		return;
	grade_fail(g,
	    n > 1 ? _("the client took one of the datagrams that are not the "
	              "reply to ping %d for it: ping %d left %.3f s after ping "
	              "%d, before that reply came, right after %s. A reply is "
	              "exactly \"PING <seq>\" from the server's address and "
	              "port; anything else is ignored and the wait goes on")
	          : _("the client took a datagram that is not the reply to "
	              "ping %d for it: ping %d left %.3f s after ping %d, "
	              "before that reply came, right after %s. A reply is "
	              "exactly \"PING <seq>\" from the server's address and "
	              "port; anything else is ignored and the wait goes on"),
	    k - 1, k, b->sent - a->sent, k - 1, list);
}

static void
one_at_a_time(struct grade *g, const struct wire *w, int sport,
    const struct wire_pings *pk, int k)
{
	const struct wire_ping *a = &pk->p[k - 1], *b = &pk->p[k];

	/* After its reply, or after its deadline (a late reply may come
	 * later still). */
	if ((a->reply >= 0 && b->sent >= a->reply) ||
	    b->sent - a->sent >= WIRE_NEXT_MIN)
		return;
	if (w != NULL)
		took_for_reply(g, w, sport, pk, k);
	grade_fail(g,
	    _("ping %d left %.3f s after ping %d, before %s: one "
	      "ping at a time (wait for the reply or the 1 s deadline)"),
	    k, b->sent - a->sent, k - 1,
	    a->reply >= 0 ? _("its reply came") : _("its 1 s deadline"));
}

void
wire_udp_pings_seen(struct grade *g, const struct wire *w, int sport, int count,
    struct wire_pings *pk)
{
	size_t i;
	int k = 0;

	memset(pk, 0, sizeof *pk);
	for (i = 0; i < w->n; i++) {
		const struct wire_pkt *p = &w->pkt[i];
		char want[32];
		int n;

		if (!is_udp(p) || p->dst.port != sport || p->src.port == sport)
			continue;
		if (++k > count || k > WIRE_MAX_PINGS) {
			explain_pkt(g, _("extra datagram"), p, i);
			/* TRANSLATORS: the plural follows the pings asked
			 * for (the second %d); the first is always more. */
			grade_fail(g,
			    ngettext("the client sent %d datagrams or more; "
			             "it was asked for %d ping, one datagram",
			        "the client sent %d datagrams or more; "
			        "it was asked for %d pings, one datagram each",
			        (unsigned long)count),
			    k, count);
		}
		if (k == 1)
			pk->client = p->src;
		n = snprintf(want, sizeof want, "ping %d", k);
		explain_pkt(g, _("ping"), p, i);
		grade_bytes(g,
		    _("the ping's payload (exactly \"ping <seq>\": "
		      "no newline, no NUL)"),
		    want, (size_t)n, p->data, p->len);
		pk->p[k].sent = p->t;
		pk->p[k].reply = udp_reply_time(w, i + 1, sport, &p->src, k);
		if (k > 1)
			one_at_a_time(g, w, sport, pk, k);
	}
	pk->n = k;
}

void
wire_udp_pings(struct grade *g, const struct wire *w, int sport, int count,
    struct wire_pings *pk)
{
	wire_udp_pings_seen(g, w, sport, count, pk);
	grade_check(g, pk->n == count,
	    ngettext("the client sent %d ping datagram, it was asked for %d",
	        "the client sent %d ping datagrams, it "
	        "was asked for %d",
	        (unsigned long)pk->n),
	    pk->n, count);
}

void
wire_gap(struct grade *g, const struct wire_pings *pk, int k, int from_reply,
    double lo, double hi)
{
	double from = from_reply ? pk->p[k].reply : pk->p[k].sent;
	double gap = pk->p[k + 1].sent - from;
	double late = grade_late_ms(g) / 1000.0;
	char win[96], busy[96] = "";

	if (k + 1 > pk->n || (from_reply && pk->p[k].reply < 0))
		grade_fail(g,
		    _("ping %d or the reply to ping %d is missing on "
		      "the capture"),
		    k + 1, k);
	/* A loaded machine runs the client late, never early: the upper
	 * end widens by how long it waited for a CPU (measured). */
	if (gap >= lo && gap <= hi + late)
		return;
	if (late >= 0.0005)
		snprintf(busy, sizeof busy,
		    _(", +%.3f s: a timer in this cell "
		      "woke that late"),
		    late);
	if (from_reply)
		grade_fail(g,
		    _("ping %d left %.3f s after the reply to ping %d "
		      "(accepted "
		      "here: up to %.2f s%s): the next ping must leave at once "
		      "after a reply (no sleep between pings)"),
		    k + 1, gap, k, hi + late, busy);
	grade_fail(g, _("ping %d left %.3f s after ping %d (%s%s) (%s)"), k + 1,
	    gap, k, contract_window(win, sizeof win), busy,
	    gap < lo ? _("the wait ends 1 s after the send, not before: "
	                 "nothing cuts it short")
	             : _("the wait ends 1 s after the send: a datagram that "
	                 "is not the reply must not restart it, and no sleep "
	                 "comes after it"));
}

/* Fails if the printed RTT is below the capture's and below labpeer's
 * hold when that is known (never a matter of load); returns 1 if it is
 * too far above, 0 if it agrees. */
int
wire_rtt_agrees(
    struct grade *g, int seq, double printed, const struct wire_pings *pk)
{
	const struct wire_ping *p = &pk->p[seq];
	double cap, slack, late;

	if (seq < 1 || seq > pk->n || p->reply < 0)
		grade_fail(
		    g, _("seq=%d: no ping and reply pair on the capture"), seq);
	cap = (p->reply - p->sent) * 1000.0;
	slack = cap * WIRE_RTT_ABOVE_FRAC > WIRE_RTT_ABOVE_MS
	            ? cap * WIRE_RTT_ABOVE_FRAC
	            : WIRE_RTT_ABOVE_MS;
	/* The client may run late after its reply came: add how long it
	 * waited for a CPU (its schedstat, measured, not guessed). */
	late = grade_late_ms(g);
	slack += late;
	grade_explain(g,
	    _("seq=%d: printed rtt=%.3f ms; on the wire the reply "
	      "came %.3f ms after the ping (allowed %.3f to %.3f, of which "
	      "%.3f ms for the client's measured wait for a CPU)"),
	    seq, printed, cap, cap - WIRE_RTT_BELOW_MS, cap + slack, late);
	/* The capture's timestamps against labpeer's clock: the ping left
	 * before labpeer read it and the reply came after labpeer sent it,
	 * so no true RTT is shorter than labpeer's hold.  A printed RTT
	 * under the wire's but not under that hold is the capture's
	 * timestamps disagreeing with the clocks of the programs (seen
	 * once under 4 CPU hogs, 0.4 and 0.9 ms), not the client's bug. */
	if (printed < cap - WIRE_RTT_BELOW_MS && p->held > 0 &&
	    printed >= p->held) {
		grade_explain(g,
		    _("seq=%d: the printed RTT is %.3f ms shorter than the "
		      "capture's, but no shorter than the %.3f ms labpeer "
		      "held the ping (its own clock: the least the true RTT "
		      "can be): the capture's timestamps are off on this "
		      "busy machine, not the client"),
		    seq, cap - printed, p->held);
		return printed > cap + slack;
	}
	grade_check(g, printed >= cap - WIRE_RTT_BELOW_MS,
	    _("seq=%d: the "
	      "printed RTT (%.3f ms) is shorter than the exchange on the wire "
	      "(%.3f ms): take the time just before sending the ping and just "
	      "after its reply is received, from a monotonic clock"),
	    seq, printed, cap);
	return printed > cap + slack;
}

/* ---- TCP ---------------------------------------------------------- */

#define WIRE_MAX_CONNS 16     /* connections a test makes, at most */
#define WIRE_STREAM_MAX 16384 /* stream bytes one check looks at */

static int
syn_only(const struct wire_pkt *p)
{
	return (p->flags & (WIRE_SYN | WIRE_ACK)) == WIRE_SYN;
}

/* The client end of connection nth (0-based, by first SYN) to sport. */
static int
tcp_conn(const struct wire *w, int sport, int nth, struct wire_ep *c)
{
	struct wire_ep seen[WIRE_MAX_CONNS];
	size_t i;
	int n = 0, k;

	for (i = 0; i < w->n && n < WIRE_MAX_CONNS; i++) {
		const struct wire_pkt *p = &w->pkt[i];

		if (!is_tcp(p) || p->dst.port != sport || !syn_only(p))
			continue;
		for (k = 0; k < n && !wire_ep_eq(&seen[k], &p->src); k++)
			;
		if (k < n)
			continue; /* a retransmitted SYN */
		seen[n] = p->src;
		if (n++ == nth) {
			*c = p->src;
			return 0;
		}
	}
	return -1;
}

int
wire_tcp_attempts(const struct wire *w, int sport)
{
	struct wire_ep c;
	int n = 0;

	while (n < WIRE_MAX_CONNS && tcp_conn(w, sport, n, &c) == 0)
		n++;
	return n;
}

static int
in_conn(const struct wire_pkt *p, const struct wire_ep *c, int sport,
    int *from_client)
{
	if (!is_tcp(p))
		return 0;
	*from_client = wire_ep_eq(&p->src, c) && p->dst.port == sport;
	return *from_client || (wire_ep_eq(&p->dst, c) && p->src.port == sport);
}

static void
need_conn(struct grade *g, const struct wire *w, int sport, int nth,
    struct wire_ep *c)
{
	if (tcp_conn(w, sport, nth, c) < 0)
		grade_fail(g,
		    _("connection %d to port %d is not on the capture "
		      "(no SYN)"),
		    nth + 1, sport);
}

void
wire_tcp_handshake(struct grade *g, const struct wire *w, int sport, int nth)
{
	const struct wire_pkt *syn = NULL, *synack = NULL;
	struct wire_ep c;
	size_t i;
	int fc, step = 0;

	need_conn(g, w, sport, nth, &c);
	for (i = 0; i < w->n && step < 3; i++) {
		const struct wire_pkt *p = &w->pkt[i];

		if (!in_conn(p, &c, sport, &fc))
			continue;
		if (step == 0 && fc && syn_only(p)) {
			syn = p;
			step = 1;
		} else if (step == 1 && fc && syn_only(p)) {
			continue; /* SYN sent again */
		} else if (step == 1 && !fc && (p->flags & WIRE_SYN) &&
		           (p->flags & WIRE_ACK) && p->ack == syn->seq + 1) {
			synack = p;
			step = 2;
		} else if (step == 2 && fc && !(p->flags & WIRE_SYN) &&
		           (p->flags & WIRE_ACK) && p->ack == synack->seq + 1) {
			step = 3;
		} else {
			explain_pkt(g, _("unexpected"), p, i);
			break;
		}
	}
	grade_check(g, step == 3,
	    _("the three-way handshake is incomplete: "
	      "%s is missing or out of order"),
	    step == 0   ? _("the SYN (1/3)")
	    : step == 1 ? _("the SYN-ACK (2/3)")
	                : _("the ACK (3/3)"));
}

int
wire_tcp_segments(
    const struct wire *w, int sport, int nth, int to_server, size_t *largest)
{
	struct wire_ep c;
	size_t i;
	int fc, n = 0;

	*largest = 0;
	if (tcp_conn(w, sport, nth, &c) < 0)
		return 0;
	for (i = 0; i < w->n; i++)
		if (in_conn(&w->pkt[i], &c, sport, &fc) && fc == to_server &&
		    w->pkt[i].len > 0) {
			n++;
			if (w->pkt[i].len > *largest)
				*largest = w->pkt[i].len;
		}
	return n;
}

void
wire_tcp_close(struct grade *g, const struct wire *w, int sport, int nth,
    enum wire_close want)
{
	long fin_c = -1, fin_s = -1, rst_c = -1, rst_s = -1;
	struct wire_ep c;
	size_t i;
	int fc;

	need_conn(g, w, sport, nth, &c);
	for (i = 0; i < w->n; i++) {
		const struct wire_pkt *p = &w->pkt[i];
		long *fin, *rst;

		if (!in_conn(p, &c, sport, &fc))
			continue;
		fin = fc ? &fin_c : &fin_s;
		rst = fc ? &rst_c : &rst_s;
		if ((p->flags & WIRE_FIN) && *fin < 0)
			*fin = (long)i;
		if ((p->flags & WIRE_RST) && *rst < 0)
			*rst = (long)i;
	}
	if (rst_c >= 0 && want == WIRE_CLIENT_FIN_NO_RST) {
		explain_pkt(g, _("reset"), &w->pkt[rst_c], (size_t)rst_c);
		grade_fail(g,
		    _("the client reset the connection (RST): close "
		      "it normally with close() after the last reply, so a FIN "
		      "goes out (no SO_LINGER 0, no unread data left)"));
	}
	grade_check(g, fin_c >= 0, _("the client never sent a FIN"));
	if (want != WIRE_CLIENT_FIN_FIRST)
		return;
	if (rst_s >= 0) {
		explain_pkt(g, _("reset"), &w->pkt[rst_s], (size_t)rst_s);
		grade_fail(g, _("the server reset the connection (RST) instead "
		                "of closing it with a FIN"));
	}
	grade_check(g, fin_s > fin_c,
	    _("the server sent no FIN after the "
	      "client's: when recv() returns 0 the client has closed its side, "
	      "and the server must close() its socket too"));
}

/* One direction of connection c, reassembled from its first byte; each
 * byte's arrival time in t[].  Returns the length. */
static size_t
tcp_stream(const struct wire *w, int sport, const struct wire_ep *c,
    int from_client, uint8_t *buf, double *t, size_t cap)
{
	uint32_t next = 0;
	size_t i, len = 0;
	int fc, have_isn = 0;

	for (i = 0; i < w->n; i++) {
		const struct wire_pkt *p = &w->pkt[i];
		uint32_t rel;
		size_t k;

		if (!in_conn(p, c, sport, &fc) || fc != from_client)
			continue;
		if (p->flags & WIRE_SYN) {
			next = p->seq + 1;
			have_isn = 1;
			continue;
		}
		if (!have_isn || p->len == 0)
			continue;
		rel = p->seq - next; /* offset of this segment */
		if (rel > len)
			break; /* a hole: stop at what is sure */
		for (k = len - rel; k < p->len && len < cap; k++, len++) {
			buf[len] = p->data[k];
			t[len] = p->t;
		}
	}
	return len;
}

/*
 * The server's replies never run ahead of the client's complete lines:
 * a reply is as long as its line, so at any moment the server may have
 * sent at most the bytes of the lines that had arrived whole (up to
 * their '\n').  A server without framing answers "pi" with "PI" before
 * the rest of the line comes.
 */
void
wire_tcp_early_reply(struct grade *g, const struct wire *w, int sport)
{
	static uint8_t cs[WIRE_STREAM_MAX], ss[WIRE_STREAM_MAX];
	static double ct[WIRE_STREAM_MAX], st[WIRE_STREAM_MAX];
	char got[96], sent[96];
	struct wire_ep c;
	size_t cn, sn, j, k, whole, have, end;
	int nth;

	for (nth = 0; tcp_conn(w, sport, nth, &c) == 0; nth++) {
		cn = tcp_stream(w, sport, &c, 1, cs, ct, sizeof cs);
		sn = tcp_stream(w, sport, &c, 0, ss, st, sizeof ss);
		for (j = 0, k = 0, whole = 0; j < sn; j++) {
			for (; k < cn && ct[k] <= st[j]; k++)
				if (cs[k] == '\n')
					whole = k + 1;
			if (j < whole)
				continue;
			have = k;
			for (end = j + 1; end < sn && st[end] == st[j]; end++)
				; /* the whole segment that ran ahead */
			grade_explain(g,
			    _("connection %d: at %.6f s the client had sent "
			      "%zu "
			      "bytes, %zu of them in complete lines; the "
			      "server "
			      "had sent %zu"),
			    nth + 1, st[j], have, whole, j + 1);
			grade_fail(g,
			    _("the server replied to part of a line: it sent "
			      "\"%s\" when the client's line so far was \"%s\" "
			      "(no '\\n' yet). Reply only to a complete line: "
			      "keep "
			      "the bytes and read on until the '\\n' (one "
			      "recv() "
			      "is "
			      "not one line)"),
			    wire_text(
			        ss + whole, end - whole, sent, sizeof sent),
			    wire_text(
			        cs + whole, have - whole, got, sizeof got));
		}
	}
}

/* Where the line "PING k\n" ends in s (from *off on), or -1. */
static double
tcp_reply_time(const uint8_t *s, const double *t, size_t n, size_t *off, int k)
{
	char want[32];
	size_t m = (size_t)snprintf(want, sizeof want, "PING %d\n", k);
	size_t i;

	for (i = *off; i + m <= n; i++)
		if (memcmp(s + i, want, m) == 0) {
			*off = i + m;
			return t[i + m - 1];
		}
	return -1;
}

void
wire_tcp_pings(struct grade *g, const struct wire *w, int sport, int count,
    struct wire_pings *pk)
{
	static uint8_t cs[WIRE_STREAM_MAX], ss[WIRE_STREAM_MAX];
	static double ct[WIRE_STREAM_MAX], st[WIRE_STREAM_MAX];
	char want[WIRE_MAX_PINGS * 12] = "";
	size_t cn, sn, wn = 0, roff = 0, start[WIRE_MAX_PINGS + 1];
	int k;

	memset(pk, 0, sizeof *pk);
	need_conn(g, w, sport, 0, &pk->client);
	cn = tcp_stream(w, sport, &pk->client, 1, cs, ct, sizeof cs);
	sn = tcp_stream(w, sport, &pk->client, 0, ss, st, sizeof ss);
	for (k = 1; k <= count && k <= WIRE_MAX_PINGS; k++) {
		start[k] = wn;
		wn += (size_t)snprintf(
		    want + wn, sizeof want - wn, "ping %d\n", k);
	}
	grade_bytes(g,
	    _("the bytes the client sent on the connection (one "
	      "\"ping <seq>\\n\" line per ping)"),
	    want, wn, cs, cn);
	for (k = 1; k <= count && k <= WIRE_MAX_PINGS; k++) {
		pk->p[k].sent = ct[start[k]];
		pk->p[k].reply = tcp_reply_time(ss, st, sn, &roff, k);
		if (k > 1)
			one_at_a_time(g, NULL, sport, pk, k);
	}
	pk->n = count;
}

/* ---- Loading a capture -------------------------------------------- */

/* One decoded packet (the capture library's) as the checks see it. */
static int
wire_from_cap(const struct cap_pkt *c, struct wire_pkt *p)
{
	size_t n;

	memset(p, 0, sizeof *p);
	if (c->net != CAP_NET_IP && c->net != CAP_NET_IP6)
		return -1;
	p->src.family = p->dst.family =
	    c->net == CAP_NET_IP6 ? AF_INET6 : AF_INET;
	n = c->net == CAP_NET_IP6 ? 16 : 4;
	memcpy(p->src.addr, c->src.a, n);
	memcpy(p->dst.addr, c->dst.a, n);
	p->proto = c->tp == CAP_TP_TCP   ? IPPROTO_TCP
	           : c->tp == CAP_TP_UDP ? IPPROTO_UDP
	                                 : -1;
	p->src.port = c->sport;
	p->dst.port = c->dport;
	if (c->tp == CAP_TP_TCP) {
		p->flags = (uint8_t)c->tcp.flags;
		p->seq = c->tcp.seq;
		p->ack = c->tcp.ack;
	}
	if (p->proto > 0 && c->payload != NULL) {
		p->data = c->payload;
		p->len = c->payload_caplen;
	}
	return 0;
}

static int
wire_add(struct wire *w, size_t *cap, size_t *bused, size_t *bcap,
    const struct wire_pkt *p)
{
	if (w->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		void *np = realloc(w->pkt, nc * sizeof *w->pkt);

		if (np == NULL)
			return -1;
		w->pkt = np;
		*cap = nc;
	}
	while (*bused + p->len > *bcap) {
		size_t nc = *bcap ? *bcap * 2 : 65536;
		void *nb = realloc(w->buf, nc);

		if (nb == NULL)
			return -1;
		w->buf = nb;
		*bcap = nc;
	}
	w->pkt[w->n] = *p;
	if (p->len > 0)
		memcpy(w->buf + *bused, p->data, p->len);
	/* An offset while buf may still move; made a pointer at the end. */
	w->pkt[w->n].data = (const uint8_t *)(uintptr_t)*bused;
	*bused += p->len;
	w->n++;
	return 0;
}

int
wire_load(struct wire *w, const char *path, char *err, size_t n)
{
	size_t cap = 0, bused = 0, bcap = 0, i;
	struct cap_file *f;
	struct cap_pkt c;
	double t0 = 0;
	int rc;

	memset(w, 0, sizeof *w);
	snprintf(w->path, sizeof w->path, "%s", path);
	if ((f = cap_file_open(path, err, n)) == NULL)
		return -1;
	while ((rc = cap_file_next(f, &c, err, n)) == 1) {
		struct wire_pkt p;
		double t = (double)c.ts.tv_sec + c.ts.tv_usec / 1e6;

		if (wire_from_cap(&c, &p) < 0)
			continue;
		if (w->n == 0)
			t0 = t;
		p.t = t - t0;
		if (wire_add(w, &cap, &bused, &bcap, &p) < 0) {
			snprintf(err, n,
			    _("grader: out of memory reading the "
			      "capture"));
			rc = -2;
			break;
		}
	}
	/* A bad record (-1) ends the trace there: what came before holds. */
	cap_file_close(f);
	for (i = 0; i < w->n; i++)
		w->pkt[i].data = w->buf + (uintptr_t)w->pkt[i].data;
	if (rc == -2) {
		wire_free(w);
		return -1;
	}
	return 0;
}

void
wire_free(struct wire *w)
{
	free(w->pkt);
	free(w->buf);
	w->pkt = NULL;
	w->buf = NULL;
	w->n = 0;
}

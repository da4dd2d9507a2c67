/*
 * labsniff's exchanges: each ICMP echo, ARP and DNS answer tied to its
 * question with the time it took (the capture library's cap_xchg), in
 * the packet's note, in --json, and in the summary (asked, answered,
 * lost, min/avg/max time; the questions never answered, listed).
 */
#define _DEFAULT_SOURCE /* pcap.h (via labsniff.h) uses u_int, u_char */
#include "labsniff.h"
#include "param.h"
#include "proto.h"

#include <stdlib.h>

/* A lease a DHCP ACK granted. */
struct xlease {
	struct timeval ts;
	uint8_t addr[4], server[4], mac[16], hlen;
	uint32_t lease;
	int has_lease, renewal;
};

/* The route traceroute probes found to one destination. */
struct xhop {
	struct cap_addr from; /* who answered (first answer) */
	int64_t rtt_us;
	uint32_t sent, answered;
	uint8_t reached; /* the destination itself answered */
};

struct xroute {
	struct cap_addr dst;
	uint8_t maxttl;
	struct xhop hop[CAP_TRACE_TTL_MAX + 1];
};

/* One pinger and its destination, as ping's own summary counts. */
struct xping {
	struct cap_addr from, to;
	uint64_t sent, answered;
	int64_t min_us, max_us, sum_us;
};

struct xsum {
	struct xping ping[XCHG_PINGS_MAX];
	size_t nping;
	uint64_t more_pings; /* requests of pairs not listed */
	struct xroute route[XCHG_ROUTES_MAX];
	size_t nroute;
	struct cap_xq lost[XCHG_LOST_MAX]; /* the first never answered */
	size_t nlost;
	uint64_t more_lost; /* not listed */
	struct xlease lease[XCHG_LOST_MAX];
	size_t nlease;
	uint64_t more_leases;
};

static void
on_expire(void *arg, const struct cap_xq *q)
{
	struct xsum *xs = arg;

	if (xs->nlost < XCHG_LOST_MAX)
		xs->lost[xs->nlost++] = *q;
	else
		xs->more_lost++;
}

int
xchg_init(struct sniff *s)
{
	struct sniff_print *pr = &s->pr;

	pr->xchg = cap_xchg_new(0);
	pr->xs = calloc(1, sizeof *pr->xs);
	pr->reasm = cap_reasm_new();
	if (pr->xchg == NULL || pr->xs == NULL || pr->reasm == NULL)
		return -1;
	cap_xchg_on_expire(pr->xchg, on_expire, pr->xs);
	return 0;
}

void
xchg_free(struct sniff *s)
{
	cap_xchg_free(s->pr.xchg);
	free(s->pr.xs);
	cap_reasm_free(s->pr.reasm);
	s->pr.reasm = NULL;
	s->pr.xchg = NULL;
	s->pr.xs = NULL;
}

static void
keep_lease(struct xsum *xs, const struct cap_pkt *pkt, int renewal)
{
	struct cap_dhcp d;
	struct xlease *l;

	if (cap_dhcp_decode(pkt, &d) < 0 || d.type != CAP_DHCP_ACK)
		return;
	if (xs->nlease == XCHG_LOST_MAX) {
		xs->more_leases++;
		return;
	}
	l = &xs->lease[xs->nlease++];
	l->ts = pkt->ts;
	memcpy(l->addr, d.yiaddr, 4);
	memcpy(l->server, d.has_server ? d.server : pkt->src.a, 4);
	memcpy(l->mac, d.chaddr, 16);
	l->hlen = d.hlen;
	l->lease = d.lease;
	l->has_lease = d.has_lease;
	l->renewal = renewal;
}

static struct xroute *
route_for(struct xsum *xs, int family, const uint8_t *dst)
{
	struct xroute *r;
	size_t i;

	for (i = 0; i < xs->nroute; i++)
		if (xs->route[i].dst.family == family &&
		    memcmp(xs->route[i].dst.a, dst, 16) == 0)
			return &xs->route[i];
	if (xs->nroute == XCHG_ROUTES_MAX)
		return NULL;
	r = &xs->route[xs->nroute++];
	memset(r, 0, sizeof *r);
	r->dst.family = (uint8_t)family;
	memcpy(r->dst.a, dst, 16);
	return r;
}

/* A probe sent, or the answer that names hop ttl of its route. */
static void
keep_hop(struct xsum *xs, const struct cap_pkt *pkt, const struct cap_xnote *xn)
{
	struct xroute *r;
	struct xhop *h;
	uint8_t ttl;

	if (xn->probe_ttl != 0) {
		r = route_for(xs, pkt->dst.family, pkt->dst.a);
		if (r != NULL) {
			r->hop[xn->probe_ttl].sent++;
			if (xn->probe_ttl > r->maxttl)
				r->maxttl = xn->probe_ttl;
		}
	}
	ttl = xn->q.tag;
	if (!(xn->ev & CAP_XE_ANSWER) || ttl == 0 || ttl > CAP_TRACE_TTL_MAX ||
	    (xn->kind != CAP_XK_TRACE && !(xn->ev & CAP_XE_REACHED)))
		return;
	r = route_for(xs, xn->q.key.family, xn->q.key.a[1]);
	if (r == NULL)
		return;
	h = &r->hop[ttl];
	if (h->answered++ == 0) {
		h->from = pkt->src;
		h->rtt_us = xn->rtt_us;
		h->reached = (xn->ev & CAP_XE_REACHED) != 0;
	}
	if (ttl > r->maxttl)
		r->maxttl = ttl;
}

static struct xping *
ping_for(struct xsum *xs, const struct cap_xkey *k)
{
	struct xping *p;
	size_t i;

	for (i = 0; i < xs->nping; i++)
		if (xs->ping[i].from.family == k->family &&
		    memcmp(xs->ping[i].from.a, k->a[0], 16) == 0 &&
		    memcmp(xs->ping[i].to.a, k->a[1], 16) == 0)
			return &xs->ping[i];
	if (xs->nping == XCHG_PINGS_MAX)
		return NULL;
	p = &xs->ping[xs->nping++];
	memset(p, 0, sizeof *p);
	p->from.family = p->to.family = k->family;
	memcpy(p->from.a, k->a[0], 16);
	memcpy(p->to.a, k->a[1], 16);
	return p;
}

/* Echo requests and replies per pinger and destination. */
static void
keep_ping(struct xsum *xs, const struct cap_xnote *xn)
{
	struct xping *p;

	if (!(xn->ev & CAP_XE_ANSWER) &&
	    (xn->ev & (CAP_XE_ASK | CAP_XE_REPEAT)) != CAP_XE_ASK)
		return;
	p = ping_for(xs, &xn->q.key);
	if (p == NULL) {
		xs->more_pings += !(xn->ev & CAP_XE_ANSWER);
		return;
	}
	if (!(xn->ev & CAP_XE_ANSWER)) {
		p->sent++;
		return;
	}
	if (p->answered == 0 || xn->rtt_us < p->min_us)
		p->min_us = xn->rtt_us;
	if (p->answered == 0 || xn->rtt_us > p->max_us)
		p->max_us = xn->rtt_us;
	p->sum_us += xn->rtt_us;
	p->answered++;
}

void
xchg_track(struct sniff *s, const struct cap_pkt *pkt)
{
	struct cap_xnote *xn = &s->pr.xn;

	s->pr.reasm_msg = NULL;
	s->pr.reasm_http = 0;
	if (pkt->tp == CAP_TP_TCP && pkt->payload_len > 0 &&
	    cap_reasm_dns(s->pr.reasm, pkt, &s->pr.reasm_msg, &s->pr.reasm_len,
	        &s->pr.reasm_nseg) != 1) {
		s->pr.reasm_msg = NULL;
		if (cap_reasm_http(s->pr.reasm, pkt, &s->pr.reasm_msg,
		        &s->pr.reasm_len, &s->pr.reasm_nseg) == 1)
			s->pr.reasm_http = 1;
		else
			s->pr.reasm_msg = NULL;
	}
	if (cap_xchg_track(s->pr.xchg, pkt, xn) < 0) {
		xn->kind = CAP_XK_NONE;
		return;
	}
	if (xn->kind == CAP_XK_DHCP && (xn->ev & CAP_XE_ANSWER))
		keep_lease(s->pr.xs, pkt, xn->q.tag);
	if (xn->kind == CAP_XK_ECHO)
		keep_ping(s->pr.xs, xn);
	if (xn->probe_ttl != 0 || (xn->ev & CAP_XE_REACHED) ||
	    (xn->kind == CAP_XK_TRACE && (xn->ev & CAP_XE_ANSWER)))
		keep_hop(s->pr.xs, pkt, xn);
}

/* What an answer answers, after "answers": "answers the query at ...". */
static const char *const the_question[CAP_XK_N] = {
    /* TRANSLATORS: after "answers" (and "duplicate: answers again"). */
    [CAP_XK_ARP] = N_(" the request"),
    [CAP_XK_DNS] = N_(" the query"),
    [CAP_XK_TRACE] = N_(" the probe"),
    [CAP_XK_ND] = N_(" the solicitation"),
    [CAP_XK_HTTP] = N_(" the request"),
};

/* An answer to a question the capture does not hold. */
static const char *const unasked_words[CAP_XK_N] = {
    [CAP_XK_ECHO] = N_("answers no echo request seen"),
    [CAP_XK_ARP] = N_("answers no request seen"),
    [CAP_XK_DNS] = N_("answers no query seen"),
    [CAP_XK_DHCP] = N_("answers no request seen"),
    [CAP_XK_TRACE] = N_("answers no probe seen"),
    [CAP_XK_ND] = N_("answers no solicitation seen"),
    [CAP_XK_HTTP] = N_("answers no request seen"),
};

/* "answers the query at 0.000100 after 4.100 ms" */
static void
note_answer(struct outbuf *ob, const struct sniff *s,
    const struct cap_xnote *xn, const char *what)
{
	outbuf_puts(ob, what);
	if (xn->kind == CAP_XK_ECHO) {
		/* TRANSLATORS: after "reply to"; "echo request" and "seq"
		 * are ICMP's words. */
		outbuf_puts(ob, P_(" echo request seq "));
		outbuf_u64(ob, xn->q.key.id & 0xffff);
	} else if (xn->kind == CAP_XK_DHCP) {
		/* TRANSLATORS: after "answers", before a DHCP message type
		 * ("answers the DISCOVER"). */
		outbuf_puts(ob, P_(" the "));
		outbuf_puts(ob, cap_dhcp_type_name((uint8_t)xn->q.key.port[0]));
		if (xn->q.tag)
			outbuf_puts(ob, P_(" (renewal)"));
	} else {
		outbuf_puts(ob, P_(the_question[xn->kind]));
	}
	/* TRANSLATORS: "answers the query at 0.000100 after 4.100 ms". */
	outbuf_puts(ob, P_(" at "));
	print_reltime(ob, &s->pr.t0, &xn->q.ts);
	outbuf_puts(ob, P_(" after "));
	print_ms(ob, xn->rtt_us);
}

static void
note_sep(struct outbuf *ob, int n, int *k)
{
	outbuf_puts(ob, n + (*k)++ > 0 ? ", " : " -- ");
}

/* "the UDP probe to port 33434", "the echo request seq 3" */
static void
probe_words(struct outbuf *ob, const struct cap_xkey *k)
{
	unsigned proto = k->id >> 16;

	if (proto == 1 || proto == 58) {
		outbuf_puts(ob, P_("the echo request seq "));
	} else {
		outbuf_puts(ob, proto == 6 ? P_("the TCP probe to port ")
		                           : P_("the UDP probe to port "));
	}
	outbuf_u64(ob, k->port[1]);
}

/* "hop 2: 10.0.1.254 says TTL expired for the UDP probe to port 33436
 * (sent at 1.000000, after 1.100 ms)" */
static void
note_trace(struct outbuf *ob, const struct sniff *s, const struct cap_pkt *pkt,
    const struct cap_xnote *xn)
{
	int v6 = pkt->tp == CAP_TP_ICMP6;
	int exceeded = xn->icmp_type == (v6 ? 3 : 11);

	outbuf_puts(ob, P_("hop "));
	outbuf_u64(ob, xn->q.tag);
	outbuf_puts(ob, ": ");
	print_endpoint(ob, &pkt->src, -1);
	outbuf_puts(ob, xn->ev & CAP_XE_REACHED ? P_(" (the destination) says ")
	                                        : P_(" says "));
	outbuf_puts(ob,
	    exceeded ? P_("TTL expired")
	             : cap_icmp_name(v6 ? 6 : 4, xn->icmp_type, xn->icmp_code));
	/* TRANSLATORS: "says TTL expired for the UDP probe to port 33436". */
	outbuf_puts(ob, P_(" for "));
	probe_words(ob, &xn->q.key);
	outbuf_puts(ob, P_(" (sent at "));
	print_reltime(ob, &s->pr.t0, &xn->q.ts);
	outbuf_puts(ob, P_(", after "));
	print_ms(ob, xn->rtt_us);
	outbuf_putc(ob, ')');
	if (xn->ev & CAP_XE_DUP)
		outbuf_puts(ob, P_(", a duplicate"));
}

static int
notes_trace(
    struct outbuf *ob, const struct sniff *s, const struct cap_pkt *pkt, int n)
{
	const struct cap_xnote *xn = &s->pr.xn;
	int k = 0;

	if (xn->probe_ttl != 0) {
		note_sep(ob, n, &k);
		outbuf_puts(ob, P_("probe with TTL "));
		outbuf_u64(ob, xn->probe_ttl);
	}
	if (xn->kind == CAP_XK_TRACE &&
	    (xn->ev & (CAP_XE_ANSWER | CAP_XE_DUP))) {
		note_sep(ob, n, &k);
		note_trace(ob, s, pkt, xn);
	} else if (xn->kind == CAP_XK_TRACE && (xn->ev & CAP_XE_UNASKED)) {
		note_sep(ob, n, &k);
		outbuf_puts(ob, P_("quotes a probe not seen"));
	}
	return k;
}

/* HTTP/1.1 pipelining: "pipelined behind 2 unanswered requests",
 * "3 requests in this segment" (each answered in turn). */
static int
notes_http(struct outbuf *ob, const struct cap_xnote *xn, int n)
{
	int k = 0;
	int request = (xn->ev & (CAP_XE_ASK | CAP_XE_REPEAT)) != 0;

	if (xn->nmsg > 1) {
		note_sep(ob, n, &k);
		outbuf_u64(ob, xn->nmsg);
		outbuf_puts(
		    ob, request ? P_(" requests in this segment (pipelined)")
		                : P_(" responses in this segment, each "
		                     "answering the next request in turn"));
	}
	if (request && xn->behind > 0) {
		note_sep(ob, n, &k);
		outbuf_puts(ob, P_("pipelined: sent before the answer to "));
		outbuf_u64(ob, xn->behind);
		outbuf_puts(
		    ob, ngettext(" earlier request", " earlier requests",
		            (unsigned long)xn->behind));
	}
	return k;
}

/* The exchange's note of the current packet, after n notes already
 * printed on the line; returns how many it printed. */
int
xchg_notes(
    struct outbuf *ob, const struct sniff *s, const struct cap_pkt *pkt, int n)
{
	const struct cap_xnote *xn = &s->pr.xn;
	int k;

	if (xn->kind == CAP_XK_NONE)
		return 0;
	k = notes_trace(ob, s, pkt, n);
	if (xn->kind == CAP_XK_TRACE)
		return k;
	if (xn->ev & CAP_XE_REPEAT) {
		note_sep(ob, n, &k);
		outbuf_puts(ob, P_("asked again (first at "));
		print_reltime(ob, &s->pr.t0, &xn->q.ts0);
		outbuf_puts(ob, P_(", not answered yet)"));
	}
	if (xn->ev & CAP_XE_ANSWER) {
		note_sep(ob, n, &k);
		note_answer(ob, s, xn,
		    xn->kind == CAP_XK_ECHO ? P_("reply to") : P_("answers"));
		if (xn->kind == CAP_XK_ND && xn->q.key.port[0] == CAP_ND_NS &&
		    memcmp(xn->q.key.a[1], (const uint8_t[16]){0}, 16) == 0)
			outbuf_puts(ob, P_(": the address is already in use"));
	}
	if (xn->ev & CAP_XE_DUP) {
		note_sep(ob, n, &k);
		note_answer(ob, s, xn, P_("duplicate: answers again"));
	}
	if (xn->ev & CAP_XE_UNASKED) {
		note_sep(ob, n, &k);
		outbuf_puts(ob, P_(unasked_words[xn->kind]));
	}
	if (xn->kind == CAP_XK_HTTP)
		k += notes_http(ob, xn, n + k);
	if (xn->kind == CAP_XK_ECHO && (xn->ev & CAP_XE_REACHED)) {
		note_sep(ob, n, &k);
		outbuf_puts(ob, P_("hop "));
		outbuf_u64(ob, xn->q.tag);
		outbuf_puts(ob, P_(": the destination (traceroute)"));
	}
	return k;
}

/* --json: the exchange fields of the current packet. */
void
json_xchg(struct sniff *s)
{
	const struct cap_xnote *xn = &s->pr.xn;
	struct outbuf *ob = &s->out;

	if (xn->kind == CAP_XK_NONE)
		return;
	outbuf_puts(ob, ",\"exchange\":\"");
	outbuf_puts(ob, cap_xkind_name(xn->kind));
	outbuf_puts(ob, "\",\"exchange_step\":\"");
	outbuf_puts(ob, xn->ev & CAP_XE_GRATUIT  ? "announcement"
	                : xn->ev & CAP_XE_REPEAT ? "question-repeated"
	                : xn->ev & CAP_XE_ASK    ? "question"
	                : xn->ev & CAP_XE_ANSWER ? "answer"
	                : xn->ev & CAP_XE_DUP    ? "duplicate-answer"
	                                         : "unasked-answer");
	outbuf_putc(ob, '"');
	if (xn->probe_ttl != 0) {
		outbuf_puts(ob, ",\"probe_ttl\":");
		outbuf_u64(ob, xn->probe_ttl);
	}
	if ((xn->kind == CAP_XK_TRACE && (xn->ev & CAP_XE_ANSWER)) ||
	    (xn->ev & CAP_XE_REACHED)) {
		outbuf_puts(ob, ",\"hop\":");
		outbuf_u64(ob, xn->q.tag);
		outbuf_puts(ob, xn->ev & CAP_XE_REACHED
		                    ? ",\"hop_is_destination\":true"
		                    : ",\"hop_is_destination\":false");
	}
	if (xn->kind == CAP_XK_HTTP && xn->nmsg > 1) {
		outbuf_puts(ob, ",\"http_messages\":");
		outbuf_u64(ob, xn->nmsg);
	}
	if (xn->kind == CAP_XK_HTTP && xn->behind > 0) {
		outbuf_puts(ob, ",\"http_pipelined_behind\":");
		outbuf_u64(ob, xn->behind);
	}
	if (xn->ev & (CAP_XE_ANSWER | CAP_XE_DUP)) {
		outbuf_puts(ob, ",\"answers_at\":");
		print_reltime(ob, &s->pr.t0, &xn->q.ts);
		outbuf_puts(ob, ",\"answer_us\":");
		outbuf_i64(ob, xn->rtt_us);
	}
}

/* The summary's "3 queries": a kind's questions, n of them. */
static const char *
sum_questions(enum cap_xkind k, uint64_t n)
{
	unsigned long m = (unsigned long)n;

	switch (k) {
	case CAP_XK_ECHO:
		return ngettext(" echo request", " echo requests", m);
	case CAP_XK_DNS:
		return ngettext(" query", " queries", m);
	case CAP_XK_DHCP:
		return ngettext(" request (DISCOVER, REQUEST, INFORM)",
		    " requests (DISCOVER, REQUEST, INFORM)", m);
	case CAP_XK_TRACE:
		return ngettext(" probe", " probes", m);
	case CAP_XK_ND:
		return ngettext(" solicitation", " solicitations", m);
	default: /* ARP, HTTP */
		return ngettext(" request", " requests", m);
	}
}

/* "2 other replies (duplicates ...)": answers to no question seen. */
static const char *
sum_others(enum cap_xkind k, uint64_t n)
{
	unsigned long m = (unsigned long)n;

	switch (k) {
	case CAP_XK_DNS:
	case CAP_XK_HTTP:
		return ngettext(
		    " other response (a duplicate or to nothing seen)",
		    " other responses (duplicates or to nothing seen)", m);
	case CAP_XK_TRACE:
		return ngettext(" other ICMP error (a duplicate or to nothing "
		                "seen)",
		    " other ICMP errors (duplicates or to nothing seen)", m);
	case CAP_XK_ND:
		return ngettext(" other advertisement (a duplicate or to "
		                "nothing seen)",
		    " other advertisements (duplicates or to nothing seen)", m);
	default: /* echo, ARP, DHCP */
		return ngettext(" other reply (a duplicate or to nothing seen)",
		    " other replies (duplicates or to nothing seen)", m);
	}
}

static const char *const kind_title[CAP_XK_N] = {
    [CAP_XK_ECHO] = N_("ping (ICMP echo)"),
    [CAP_XK_ARP] = "ARP",
    [CAP_XK_DNS] = "DNS",
    [CAP_XK_DHCP] = "DHCP",
    [CAP_XK_TRACE] = N_("traceroute (probes with a small TTL)"),
    [CAP_XK_ND] = N_("IPv6 neighbor discovery"),
    [CAP_XK_HTTP] = "HTTP",
};

/* Milliseconds with 3 decimals, no unit (times are never negative). */
static void
sum_ms(struct outbuf *ob, int64_t us)
{
	us = us < 0 ? 0 : us;
	outbuf_u64(ob, (uint64_t)us / 1000);
	outbuf_putc(ob, '.');
	outbuf_frac(ob, (uint64_t)us % 1000, 3);
}

/* "    ... and 4 more": fmt holds the count as its one %llu. */
static void
sum_more(struct outbuf *ob, const char *fmt, uint64_t n)
{
	char line[256];

	snprintf(line, sizeof line, fmt, (unsigned long long)n);
	outbuf_puts(ob, line);
}

/* As ping ends: "min/avg/max 0.713/0.891/1.500 ms". */
static void
sum_times(struct outbuf *ob, const struct cap_xstats *st)
{
	if (st->answered == 0)
		return;
	outbuf_puts(ob, _("; time min/avg/max "));
	sum_ms(ob, st->rtt_min_us);
	outbuf_putc(ob, '/');
	sum_ms(ob, st->rtt_sum_us / (int64_t)st->answered);
	outbuf_putc(ob, '/');
	sum_ms(ob, st->rtt_max_us);
	outbuf_puts(ob, " ms");
}

static void
sum_kind(struct outbuf *ob, enum cap_xkind k, const struct cap_xstats *st)
{
	uint64_t lost = st->asked - st->answered - st->errors;

	outbuf_puts(ob, "  ");
	outbuf_puts(ob, _(kind_title[k]));
	outbuf_puts(ob, ": ");
	outbuf_u64(ob, st->asked);
	outbuf_puts(ob, sum_questions(k, st->asked));
	outbuf_puts(ob, ", ");
	outbuf_u64(ob, st->answered);
	outbuf_puts(ob, _(" answered, "));
	if (st->errors > 0) {
		outbuf_u64(ob, st->errors);
		outbuf_puts(ob, _(" answered by an ICMP error, "));
	}
	outbuf_u64(ob, lost);
	outbuf_puts(ob, _(" unanswered"));
	if (k == CAP_XK_ECHO && st->asked > 0) {
		outbuf_puts(ob, " (");
		outbuf_u64(ob, lost * 100 / st->asked);
		/* xgettext:no-c-format */
		outbuf_puts(ob, _("% loss)"));
	}
	if (st->repeats > 0) {
		outbuf_puts(ob, ", ");
		outbuf_u64(ob, st->repeats);
		outbuf_puts(ob, _(" asked again"));
	}
	if (st->unasked + st->dups > 0) {
		outbuf_puts(ob, ", ");
		outbuf_u64(ob, st->unasked + st->dups);
		outbuf_puts(ob, sum_others(k, st->unasked + st->dups));
	}
	sum_times(ob, st);
	outbuf_putc(ob, '\n');
}

/* As ping ends: per pinger and destination. */
static void
sum_pings(struct outbuf *ob, const struct xsum *xs)
{
	char line[128];
	size_t i;

	for (i = 0; i < xs->nping; i++) {
		const struct xping *p = &xs->ping[i];

		outbuf_puts(ob, "    ");
		print_endpoint(ob, &p->from, -1);
		outbuf_puts(ob, " > ");
		print_endpoint(ob, &p->to, -1);
		outbuf_puts(ob, ": ");
		/* TRANSLATORS: a pinger's echo requests: how many it sent
		 * (the plural follows it) and how many got an answer */
		snprintf(line, sizeof line,
		    ngettext("%llu sent, %llu answered",
		        "%llu sent, %llu answered", (unsigned long)p->sent),
		    (unsigned long long)p->sent,
		    (unsigned long long)p->answered);
		outbuf_puts(ob, line);
		if (p->sent > 0 && p->sent >= p->answered) {
			outbuf_puts(ob, ", ");
			outbuf_u64(ob, (p->sent - p->answered) * 100 / p->sent);
			/* xgettext:no-c-format */
			outbuf_puts(ob, _("% loss"));
		}
		if (p->answered > 0) {
			outbuf_puts(ob, _(", min/avg/max "));
			sum_ms(ob, p->min_us);
			outbuf_putc(ob, '/');
			sum_ms(ob, p->sum_us / (int64_t)p->answered);
			outbuf_putc(ob, '/');
			sum_ms(ob, p->max_us);
			outbuf_puts(ob, " ms");
		}
		outbuf_putc(ob, '\n');
	}
	if (xs->more_pings > 0)
		sum_more(ob,
		    ngettext("    ... and %llu more echo request to other "
		             "destinations\n",
		        "    ... and %llu more echo requests to other "
		        "destinations\n",
		        (unsigned long)xs->more_pings),
		    xs->more_pings);
}

static int
lost_by_time(const void *a, const void *b)
{
	const struct cap_xq *x = a, *y = b;

	if (x->ts0.tv_sec != y->ts0.tv_sec)
		return x->ts0.tv_sec < y->ts0.tv_sec ? -1 : 1;
	return x->ts0.tv_usec < y->ts0.tv_usec   ? -1
	       : x->ts0.tv_usec > y->ts0.tv_usec ? 1
	                                         : 0;
}

static void
sum_addr(struct outbuf *ob, int family, const uint8_t *a)
{
	struct cap_addr ad = {0};

	ad.family = (uint8_t)family;
	memcpy(ad.a, a, 16);
	print_endpoint(ob, &ad, -1);
}

static void
sum_lost(struct outbuf *ob, const struct sniff *s, const struct cap_xq *q)
{
	const struct cap_xkey *k = &q->key;

	outbuf_puts(ob, "    ");
	print_reltime(ob, &s->pr.t0, &q->ts0);
	outbuf_putc(ob, ' ');
	switch (k->kind) {
	case CAP_XK_ECHO:
		outbuf_puts(ob, "echo request ");
		sum_addr(ob, k->family, k->a[0]);
		outbuf_puts(ob, " > ");
		sum_addr(ob, k->family, k->a[1]);
		outbuf_puts(ob, " id ");
		outbuf_u64(ob, k->id >> 16);
		outbuf_puts(ob, " seq ");
		outbuf_u64(ob, k->id & 0xffff);
		break;
	case CAP_XK_ARP:
		outbuf_puts(ob, "ARP who has ");
		sum_addr(ob, k->family, k->a[0]);
		outbuf_puts(ob, "? tell ");
		sum_addr(ob, k->family, k->a[1]);
		break;
	case CAP_XK_TRACE:
		outbuf_puts(ob, _("probe with TTL "));
		outbuf_u64(ob, q->tag);
		outbuf_putc(ob, ' ');
		sum_addr(ob, k->family, k->a[0]);
		outbuf_puts(ob, " > ");
		sum_addr(ob, k->family, k->a[1]);
		outbuf_puts(ob, ": ");
		probe_words(ob, k);
		break;
	case CAP_XK_ND:
		if (k->port[0] == CAP_ND_RS) {
			outbuf_puts(ob, "router solicitation");
			break;
		}
		outbuf_puts(ob, "neighbor solicitation: who has ");
		sum_addr(ob, 6, k->a[0]);
		outbuf_puts(ob, "? tell ");
		sum_addr(ob, 6, k->a[1]);
		break;
	case CAP_XK_DHCP:
		outbuf_puts(ob, "DHCP ");
		outbuf_puts(ob, cap_dhcp_type_name((uint8_t)k->port[0]));
		outbuf_puts(ob, " xid 0x");
		outbuf_hex(ob, k->id, 8);
		outbuf_puts(ob, " from ");
		print_mac(ob, k->a[0], 6);
		break;
	case CAP_XK_HTTP:
		outbuf_puts(ob, "HTTP request ");
		sum_addr(ob, k->family, k->a[0]);
		outbuf_putc(ob, ':');
		outbuf_u64(ob, k->port[0]);
		outbuf_puts(ob, " > ");
		sum_addr(ob, k->family, k->a[1]);
		outbuf_putc(ob, ':');
		outbuf_u64(ob, k->port[1]);
		break;
	default:
		outbuf_puts(ob, "DNS query id ");
		outbuf_u64(ob, k->id);
		outbuf_putc(ob, ' ');
		sum_addr(ob, k->family, k->a[0]);
		outbuf_puts(ob, " > ");
		sum_addr(ob, k->family, k->a[1]);
	}
	if (q->asked > 1) {
		outbuf_puts(ob, _(" (asked "));
		outbuf_u64(ob, q->asked);
		outbuf_puts(ob, _(" times)"));
	}
	outbuf_putc(ob, '\n');
}

static void
json_kind(struct outbuf *ob, enum cap_xkind k, const struct cap_xstats *st)
{
	outbuf_puts(ob, "{\"type\":\"exchanges\",\"kind\":\"");
	outbuf_puts(ob, cap_xkind_name(k));
	outbuf_puts(ob, "\",\"asked\":");
	outbuf_u64(ob, st->asked);
	outbuf_puts(ob, ",\"answered\":");
	outbuf_u64(ob, st->answered);
	outbuf_puts(ob, ",\"unanswered\":");
	outbuf_u64(ob, st->asked - st->answered - st->errors);
	outbuf_puts(ob, ",\"icmp_errors\":");
	outbuf_u64(ob, st->errors);
	outbuf_puts(ob, ",\"repeats\":");
	outbuf_u64(ob, st->repeats);
	outbuf_puts(ob, ",\"other_answers\":");
	outbuf_u64(ob, st->unasked + st->dups);
	if (st->answered > 0) {
		outbuf_puts(ob, ",\"time_min_us\":");
		outbuf_i64(ob, st->rtt_min_us);
		outbuf_puts(ob, ",\"time_avg_us\":");
		outbuf_i64(ob, st->rtt_sum_us / (int64_t)st->answered);
		outbuf_puts(ob, ",\"time_max_us\":");
		outbuf_i64(ob, st->rtt_max_us);
	}
	outbuf_puts(ob, "}\n");
}

static void
sum_route(struct outbuf *ob, const struct xroute *r)
{
	unsigned t;

	outbuf_puts(ob, _("  route to "));
	print_endpoint(ob, &r->dst, -1);
	outbuf_puts(ob, _(" (hop: who answered the probe with that TTL):\n"));
	for (t = 1; t <= r->maxttl; t++) {
		const struct xhop *h = &r->hop[t];

		if (h->sent == 0 && h->answered == 0)
			continue;
		outbuf_puts(ob, _("    hop "));
		outbuf_u64(ob, t);
		outbuf_puts(ob, "  ");
		if (h->answered == 0) {
			outbuf_puts(ob, _("*  (no answer)\n"));
			continue;
		}
		print_endpoint(ob, &h->from, -1);
		outbuf_puts(ob, "  ");
		print_ms(ob, h->rtt_us);
		if (h->sent > h->answered) {
			outbuf_puts(ob, " (");
			outbuf_u64(ob, h->answered);
			outbuf_puts(ob, _(" of "));
			outbuf_u64(ob, h->sent);
			outbuf_puts(ob, _(" probes answered)"));
		}
		if (h->reached)
			outbuf_puts(ob, _(" (the destination)"));
		outbuf_putc(ob, '\n');
	}
}

static void
sum_leases(struct outbuf *ob, const struct sniff *s, const struct xsum *xs)
{
	size_t i;

	if (xs->nlease == 0)
		return;
	outbuf_puts(ob, _("  leases granted (DHCP ACK):\n"));
	for (i = 0; i < xs->nlease; i++) {
		const struct xlease *l = &xs->lease[i];

		outbuf_puts(ob, "    ");
		print_reltime(ob, &s->pr.t0, &l->ts);
		outbuf_putc(ob, ' ');
		outbuf_ipv4(ob, l->addr);
		/* TRANSLATORS: a lease: "10.0.0.5 to <MAC> from <server>". */
		outbuf_puts(ob, _(" to "));
		print_mac(ob, l->mac, l->hlen);
		outbuf_puts(ob, _(" from "));
		outbuf_ipv4(ob, l->server);
		if (l->has_lease) {
			char t[64];

			/* TRANSLATORS: a lease's length in seconds. */
			snprintf(t, sizeof t, _(" for %lu s"),
			    (unsigned long)l->lease);
			outbuf_puts(ob, t);
		}
		if (l->renewal)
			outbuf_puts(ob, _(" (renewal)"));
		outbuf_putc(ob, '\n');
	}
	if (xs->more_leases > 0)
		sum_more(ob,
		    ngettext("    ... and %llu more\n",
		        "    ... and %llu more\n",
		        (unsigned long)xs->more_leases),
		    xs->more_leases);
}

/* The end: expire what is still open, then one line per kind seen and
 * the questions never answered. */
void
xchg_summary(struct sniff *s)
{
	struct xsum *xs = s->pr.xs;
	struct outbuf *ob = &s->out;
	int k, any = 0;
	size_t i;

	cap_xchg_flush(s->pr.xchg);
	for (k = CAP_XK_ECHO; k < CAP_XK_N; k++) {
		const struct cap_xstats *st = cap_xchg_stats(s->pr.xchg, k);

		if (st->asked + st->unasked + st->dups == 0)
			continue;
		if (s->o.json) {
			json_kind(ob, k, st);
			continue;
		}
		if (any++ == 0)
			outbuf_puts(
			    ob, _("exchanges (a question and its answer):\n"));
		sum_kind(ob, k, st);
		if (k == CAP_XK_ECHO)
			sum_pings(ob, xs);
	}
	if (!s->o.json) {
		sum_leases(ob, s, xs);
		for (i = 0; i < xs->nroute; i++)
			sum_route(ob, &xs->route[i]);
	}
	if (s->o.json || xs->nlost == 0)
		return;
	qsort(xs->lost, xs->nlost, sizeof xs->lost[0], lost_by_time);
	outbuf_puts(ob, _("  never answered:\n"));
	for (i = 0; i < xs->nlost; i++)
		sum_lost(ob, s, &xs->lost[i]);
	if (xs->more_lost > 0)
		sum_more(ob,
		    ngettext("    ... and %llu more\n",
		        "    ... and %llu more\n",
		        (unsigned long)xs->more_lost),
		    xs->more_lost);
}

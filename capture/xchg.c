/*
 * Exchanges outside TCP/UDP conversations: each question (ICMP echo
 * request, ARP request, DNS query) is kept until its answer comes, which
 * is then tied to it with the time it took.  A fixed set-associative
 * table: when a set is full its oldest question leaves, unanswered.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "param.h"
#include "proto.h"

enum { SLOT_FREE = 0, SLOT_OPEN, SLOT_ANSWERED };

struct xslot {
	struct cap_xq q;
	uint8_t state;
};

/* HTTP/1.1 answers a connection's requests in order (pipelining, RFC
 * 9112 section 9.3): per connection the requests and responses counted,
 * so that the n-th response answers the n-th request. */
struct xhttp {
	struct cap_xkey conn; /* kind HTTP, id 0: client, server */
	uint32_t requests, responses;
	struct timeval last; /* a full set forgets the least recent */
	uint8_t used;
};

struct cap_xchg {
	struct xslot *slot; /* nsets * CAP_XCHG_WAYS */
	uint32_t nsets;     /* a power of two */
	struct xhttp *http; /* CAP_XCHG_HTTP_CONNS */
	struct cap_xstats st[CAP_XK_N];
	cap_xexpire_fn *expire_fn;
	void *expire_arg;
};

_Static_assert(sizeof(struct cap_xkey) == 44, "cap_xkey: no hidden padding");

struct cap_xchg *
cap_xchg_new(uint32_t max)
{
	struct cap_xchg *x;
	uint32_t n = 1;

	if (max == 0)
		max = CAP_XCHG_MAX;
	if (max > (1u << 24)) {
		errno = EINVAL;
		return NULL;
	}
	while (n * CAP_XCHG_WAYS < max)
		n <<= 1;
	x = calloc(1, sizeof *x);
	if (x == NULL)
		return NULL;
	x->slot = calloc((size_t)n * CAP_XCHG_WAYS, sizeof *x->slot);
	x->http = calloc(CAP_XCHG_HTTP_CONNS, sizeof *x->http);
	if (x->slot == NULL || x->http == NULL) {
		free(x->slot);
		free(x->http);
		free(x);
		errno = ENOMEM;
		return NULL;
	}
	x->nsets = n;
	return x;
}

void
cap_xchg_free(struct cap_xchg *x)
{
	if (x == NULL)
		return;
	free(x->slot);
	free(x->http);
	free(x);
}

void
cap_xchg_on_expire(struct cap_xchg *x, cap_xexpire_fn *fn, void *arg)
{
	x->expire_fn = fn;
	x->expire_arg = arg;
}

const struct cap_xstats *
cap_xchg_stats(const struct cap_xchg *x, enum cap_xkind kind)
{
	return &x->st[(unsigned)kind < CAP_XK_N ? kind : CAP_XK_NONE];
}

const char *
cap_xkind_name(enum cap_xkind kind)
{
	static const char *const names[CAP_XK_N] = {
	    [CAP_XK_NONE] = "none",
	    [CAP_XK_ECHO] = "echo",
	    [CAP_XK_ARP] = "arp",
	    [CAP_XK_DNS] = "dns",
	    [CAP_XK_DHCP] = "dhcp",
	    [CAP_XK_TRACE] = "trace",
	    [CAP_XK_ND] = "nd",
	    [CAP_XK_HTTP] = "http",
	};

	return (unsigned)kind < CAP_XK_N ? names[kind] : "none";
}

static uint32_t
key_hash(const struct cap_xkey *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 0x9e3779b97f4a7c15u, w;
	size_t i;

	for (i = 0; i + 8 <= sizeof *k; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	memcpy(&w, p + sizeof *k - 8, 8); /* the last 4 bytes, overlapping */
	h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
	return (uint32_t)(h ^ (h >> 29));
}

static struct xslot *
xset(struct cap_xchg *x, const struct cap_xkey *k)
{
	return &x->slot[(size_t)(key_hash(k) & (x->nsets - 1)) * CAP_XCHG_WAYS];
}

static void
slot_expire(struct cap_xchg *x, struct xslot *s)
{
	if (s->state == SLOT_OPEN) {
		x->st[s->q.key.kind].expired++;
		if (x->expire_fn != NULL)
			x->expire_fn(x->expire_arg, &s->q);
	}
	s->state = SLOT_FREE;
}

static struct xslot *
slot_find(struct cap_xchg *x, const struct cap_xkey *k)
{
	struct xslot *set = xset(x, k);
	int i;

	for (i = 0; i < CAP_XCHG_WAYS; i++)
		if (set[i].state != SLOT_FREE &&
		    memcmp(&set[i].q.key, k, sizeof *k) == 0)
			return &set[i];
	return NULL;
}

static int
tv_lt(const struct timeval *a, const struct timeval *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_usec < b->tv_usec);
}

/* A slot for a new question: a free one, else an answered one, else the
 * oldest open one (which leaves unanswered). */
static struct xslot *
slot_take(struct cap_xchg *x, const struct cap_xkey *k)
{
	struct xslot *set = xset(x, k), *old = NULL;
	int i;

	for (i = 0; i < CAP_XCHG_WAYS; i++) {
		if (set[i].state == SLOT_FREE)
			return &set[i];
		if (set[i].state == SLOT_ANSWERED)
			old = old != NULL && old->state == SLOT_ANSWERED &&
			              tv_lt(&old->q.ts, &set[i].q.ts)
			          ? old
			          : &set[i];
		else if (old == NULL || (old->state == SLOT_OPEN &&
		                            tv_lt(&set[i].q.ts, &old->q.ts)))
			old = &set[i];
	}
	slot_expire(x, old);
	return old;
}

static int64_t
tv_us(const struct timeval *a, const struct timeval *b)
{
	return ((int64_t)a->tv_sec - b->tv_sec) * 1000000 +
	       ((int64_t)a->tv_usec - b->tv_usec);
}

/* A question: kept (or, asked again while open, a repeat); its slot. */
static struct xslot *
xchg_ask(struct cap_xchg *x, const struct cap_pkt *pkt,
    const struct cap_xkey *k, const uint8_t *mac, uint8_t tag,
    struct cap_xnote *xn)
{
	struct cap_xstats *st = &x->st[k->kind];
	struct xslot *s = slot_find(x, k);

	xn->ev |= CAP_XE_ASK;
	if (s != NULL && s->state == SLOT_OPEN) {
		st->repeats++;
		xn->ev |= CAP_XE_REPEAT;
		s->q.asked++;
		xn->q = s->q; /* the earlier asking */
		s->q.ts = pkt->ts;
		return s;
	}
	if (s == NULL)
		s = slot_take(x, k);
	st->asked++;
	memset(&s->q, 0, sizeof s->q);
	s->q.key = *k;
	s->q.ts = s->q.ts0 = pkt->ts;
	s->q.asked = 1;
	if (mac != NULL)
		memcpy(s->q.mac, mac, 6);
	s->q.tag = tag;
	s->state = SLOT_OPEN;
	xn->q = s->q;
	return s;
}

static void
stats_answer(struct cap_xstats *st, int64_t rtt)
{
	if (st->answered == 0 || rtt < st->rtt_min_us)
		st->rtt_min_us = rtt;
	if (st->answered == 0 || rtt > st->rtt_max_us)
		st->rtt_max_us = rtt;
	st->rtt_sum_us += rtt;
	st->answered++;
}

static void
xchg_answer(struct cap_xchg *x, const struct cap_pkt *pkt,
    const struct cap_xkey *k, struct cap_xnote *xn)
{
	struct cap_xstats *st = &x->st[k->kind];
	struct xslot *s = slot_find(x, k);
	int64_t rtt;

	if (s == NULL) {
		st->unasked++;
		xn->ev |= CAP_XE_UNASKED;
		return;
	}
	xn->q = s->q;
	rtt = tv_us(&pkt->ts, &s->q.ts);
	xn->rtt_us = rtt;
	if (s->state == SLOT_ANSWERED) {
		st->dups++;
		xn->ev |= CAP_XE_DUP;
		return;
	}
	xn->ev |= CAP_XE_ANSWER;
	s->state = SLOT_ANSWERED;
	stats_answer(st, rtt);
}

static void
key_addrs(struct cap_xkey *k, const struct cap_addr *asker,
    const struct cap_addr *asked)
{
	k->family = asker->family;
	memcpy(k->a[0], asker->a, 16);
	memcpy(k->a[1], asked->a, 16);
}

/* A packet with a small TTL may be a traceroute probe: kept (its TTL
 * in the tag) so that the ICMP error quoting it can be tied to it. */
static void
trace_key(struct cap_xkey *k, int family, const uint8_t *src,
    const uint8_t *dst, uint8_t proto, uint16_t a, uint16_t b, uint16_t ipid)
{
	size_t al = family == 6 ? 16 : 4;

	memset(k, 0, sizeof *k);
	k->kind = CAP_XK_TRACE;
	k->family = (uint8_t)family;
	memcpy(k->a[0], src, al);
	memcpy(k->a[1], dst, al);
	k->port[0] = a, k->port[1] = b;
	/* an echo probe is known by its id and seq (its reply has another
	 * IP id) */
	k->id = (uint32_t)proto << 16 | (family == 4 && proto != 1 ? ipid : 0);
}

/* The question of k, answered otherwise (no time kept): an echo request
 * answered by an ICMP error, a probe answered by an echo reply. */
static void
xchg_close(struct cap_xchg *x, const struct cap_pkt *pkt,
    const struct cap_xkey *k, int error)
{
	struct xslot *s = slot_find(x, k);

	if (s == NULL || s->state != SLOT_OPEN)
		return;
	s->state = SLOT_ANSWERED;
	if (error)
		x->st[k->kind].errors++;
	else
		stats_answer(&x->st[k->kind], tv_us(&pkt->ts, &s->q.ts));
}

static void
trace_probe(struct cap_xchg *x, const struct cap_pkt *pkt, struct cap_xnote *xn)
{
	struct cap_xkey k;
	struct cap_xnote silent;
	uint16_t a, b;

	if (pkt->ttl == 0 || pkt->ttl > CAP_TRACE_TTL_MAX ||
	    pkt->src.family == 0 || (pkt->flags & CAP_F_FRAG))
		return;
	if (pkt->tp == CAP_TP_UDP || pkt->tp == CAP_TP_TCP)
		a = pkt->sport, b = pkt->dport;
	else if ((pkt->tp == CAP_TP_ICMP && pkt->icmp.type == 8) ||
	         (pkt->tp == CAP_TP_ICMP6 && pkt->icmp.type == 128))
		a = pkt->icmp.id, b = pkt->icmp.seq;
	else
		return;
	trace_key(&k, pkt->src.family, pkt->src.a, pkt->dst.a, pkt->proto, a, b,
	    pkt->ip_id);
	memset(&silent, 0, sizeof silent);
	xchg_ask(x, pkt, &k, NULL, pkt->ttl, &silent);
	xn->probe_ttl = pkt->ttl;
}

/* The probe an ICMP error quotes (its IP header and first 8 bytes), as
 * a key; -1 when it quotes nothing a probe could be. */
static int
trace_quote(const struct cap_pkt *pkt, struct cap_xkey *k, uint8_t *qttl)
{
	struct cap_buf b = {pkt->payload, pkt->payload_caplen};
	uint8_t vhl, proto, type = 0, src[16], dst[16];
	uint16_t ipid = 0, p0, p1;
	size_t t;
	int fam;

	if (pkt->payload == NULL || get_u8(&b, 0, &vhl) < 0)
		return -1;
	fam = vhl >> 4;
	if (fam == 4 && (vhl & 0x0f) >= 5) {
		t = (vhl & 0x0f) * 4u;
		if (get_be16(&b, 4, &ipid) < 0 || get_u8(&b, 8, qttl) < 0 ||
		    get_u8(&b, 9, &proto) < 0 ||
		    get_bytes(&b, 12, 4, src) < 0 ||
		    get_bytes(&b, 16, 4, dst) < 0)
			return -1;
	} else if (fam == 6) {
		t = 40;
		if (get_u8(&b, 6, &proto) < 0 || get_u8(&b, 7, qttl) < 0 ||
		    get_bytes(&b, 8, 16, src) < 0 ||
		    get_bytes(&b, 24, 16, dst) < 0)
			return -1;
	} else {
		return -1;
	}
	if (proto == 1 || proto == 58) { /* an echo request: id, seq */
		if (get_u8(&b, t, &type) < 0 ||
		    type != (proto == 1 ? 8 : 128) ||
		    get_be16(&b, t + 4, &p0) < 0 ||
		    get_be16(&b, t + 6, &p1) < 0)
			return -1;
	} else if (proto == 6 || proto == 17) {
		if (get_be16(&b, t, &p0) < 0 || get_be16(&b, t + 2, &p1) < 0)
			return -1;
	} else {
		return -1;
	}
	trace_key(k, fam, src, dst, proto, p0, p1, ipid);
	return 0;
}

/* ICMP time exceeded, or destination unreachable quoting a packet that
 * arrived with a small TTL (the end of a traceroute). */
static int
track_trace(struct cap_xchg *x, const struct cap_pkt *pkt, struct cap_xnote *xn)
{
	const struct cap_icmp *ic = &pkt->icmp;
	int v6 = pkt->tp == CAP_TP_ICMP6;
	int exceeded = ic->type == (v6 ? 3 : 11);
	struct cap_xkey k;
	uint8_t qttl = 0;

	if (!exceeded && ic->type != (v6 ? 1 : 3))
		return -1;
	if (trace_quote(pkt, &k, &qttl) < 0 ||
	    (!exceeded && qttl > CAP_TRACE_TTL_MAX))
		return -1;
	xn->kind = CAP_XK_TRACE;
	xn->icmp_type = ic->type;
	xn->icmp_code = ic->code;
	xchg_answer(x, pkt, &k, xn);
	if ((k.id >> 16 == 1 || k.id >> 16 == 58) &&
	    (xn->ev & CAP_XE_ANSWER)) { /* the echo request's fate too */
		struct cap_xkey e;

		memset(&e, 0, sizeof e);
		e.kind = CAP_XK_ECHO;
		e.family = k.family;
		memcpy(e.a, k.a, sizeof e.a);
		e.id = (uint32_t)k.port[0] << 16 | k.port[1];
		xchg_close(x, pkt, &e, 1);
	}
	if (memcmp(pkt->src.a, k.a[1], 16) == 0)
		xn->ev |= CAP_XE_REACHED;
	return 0;
}

/* NS asks who has the target (the asker's address with it: a duplicate
 * address detection asks from ::); a solicited NA answers, to the
 * asker; an NA to a multicast group answers a DAD for its target (the
 * address is taken).  RS is answered by the next RA. */
static int
track_nd(struct cap_xchg *x, const struct cap_pkt *pkt, struct cap_xnote *xn)
{
	struct cap_nd nd;
	struct cap_xkey k;

	if (cap_nd_decode(pkt, &nd) < 0)
		return -1;
	memset(&k, 0, sizeof k);
	k.kind = CAP_XK_ND;
	k.family = 6;
	xn->kind = CAP_XK_ND;
	if (nd.type == CAP_ND_RS || nd.type == CAP_ND_RA) {
		k.port[0] = CAP_ND_RS;
		if (nd.type == CAP_ND_RS)
			xchg_ask(x, pkt, &k, nd.has_src_ll ? nd.src_ll : NULL,
			    0, xn);
		else
			xchg_answer(x, pkt, &k, xn);
		return 0;
	}
	k.port[0] = CAP_ND_NS;
	memcpy(k.a[0], nd.target, 16);
	if (nd.type == CAP_ND_NS) {
		static const uint8_t unspec[16];

		memcpy(k.a[1], pkt->src.a, 16);
		if (memcmp(pkt->src.a, unspec, 16) == 0)
			xn->ev |=
			    CAP_XE_PROBE; /* duplicate address detection */
		xchg_ask(x, pkt, &k, nd.has_src_ll ? nd.src_ll : NULL, 0, xn);
		return 0;
	}
	if (pkt->dst.a[0] == 0xff && !(nd.na_flags & CAP_NA_SOLICITED)) {
		if (slot_find(x, &k) == NULL) { /* no DAD: an announcement */
			xn->ev |= CAP_XE_GRATUIT;
			return 0;
		}
	} else {
		memcpy(k.a[1], pkt->dst.a, 16);
	}
	xchg_answer(x, pkt, &k, xn);
	return 0;
}

static int
track_echo(struct cap_xchg *x, const struct cap_pkt *pkt, struct cap_xnote *xn)
{
	const struct cap_icmp *ic = &pkt->icmp;
	int v6 = pkt->tp == CAP_TP_ICMP6;
	int req = ic->type == (v6 ? 128 : 8);
	struct cap_xkey k;

	if (!req && ic->type != (v6 ? 129 : 0))
		return -1;
	if (pkt->trunc == CAP_L_ICMP || pkt->trunc == CAP_L_ICMP6)
		return -1; /* id and seq not captured */
	memset(&k, 0, sizeof k);
	k.kind = CAP_XK_ECHO;
	k.id = (uint32_t)ic->id << 16 | ic->seq;
	xn->kind = CAP_XK_ECHO;
	if (req) {
		key_addrs(&k, &pkt->src, &pkt->dst);
		xchg_ask(x, pkt, &k, NULL, pkt->ttl, xn);
		trace_probe(x, pkt, xn);
	} else {
		key_addrs(&k, &pkt->dst, &pkt->src);
		xchg_answer(x, pkt, &k, xn);
		/* the destination's answer to an ICMP traceroute's probe */
		if ((xn->ev & CAP_XE_ANSWER) && xn->q.tag != 0 &&
		    xn->q.tag <= CAP_TRACE_TTL_MAX) {
			struct cap_xkey t;

			xn->ev |= CAP_XE_REACHED;
			trace_key(&t, pkt->src.family, pkt->dst.a, pkt->src.a,
			    pkt->proto, ic->id, ic->seq, 0);
			xchg_close(x, pkt, &t, 0);
		}
	}
	return 0;
}

static int
track_arp(struct cap_xchg *x, const struct cap_pkt *pkt, struct cap_xnote *xn)
{
	struct cap_arp arp;
	struct cap_xkey k;
	static const uint8_t zero[16];
	int req;

	if (cap_arp_decode(pkt, &arp) < 0 ||
	    (arp.op != CAP_ARP_REQUEST && arp.op != CAP_ARP_REPLY))
		return -1;
	req = arp.op == CAP_ARP_REQUEST;
	xn->kind = CAP_XK_ARP;
	if (memcmp(arp.spa, arp.tpa, arp.plen) == 0) {
		xn->ev |= CAP_XE_GRATUIT; /* tells, asks nothing */
		return 0;
	}
	memset(&k, 0, sizeof k);
	k.kind = CAP_XK_ARP;
	k.family = arp.ptype == 0x0800 && arp.plen == 4    ? 4
	           : arp.ptype == 0x86dd && arp.plen == 16 ? 6
	                                                   : 0;
	memcpy(k.a[0], req ? arp.tpa : arp.spa, arp.plen);
	memcpy(k.a[1], req ? arp.spa : arp.tpa, arp.plen);
	if (req && memcmp(arp.spa, zero, arp.plen) == 0)
		xn->ev |= CAP_XE_PROBE;
	if (req)
		xchg_ask(x, pkt, &k, arp.hlen == 6 ? arp.sha : NULL, 0, xn);
	else
		xchg_answer(x, pkt, &k, xn);
	return 0;
}

static int
track_dns(struct cap_xchg *x, const struct cap_pkt *pkt, struct cap_xnote *xn)
{
	struct cap_dns m;
	struct cap_xkey k;

	if (cap_dns_head(&m, pkt) < 0)
		return -1;
	memset(&k, 0, sizeof k);
	k.kind = CAP_XK_DNS;
	k.id = m.id;
	xn->kind = CAP_XK_DNS;
	if (!(m.flags & CAP_DNS_QR)) {
		key_addrs(&k, &pkt->src, &pkt->dst);
		k.port[0] = pkt->sport, k.port[1] = pkt->dport;
		xchg_ask(x, pkt, &k, NULL, 0, xn);
	} else {
		key_addrs(&k, &pkt->dst, &pkt->src);
		k.port[0] = pkt->dport, k.port[1] = pkt->sport;
		xchg_answer(x, pkt, &k, xn);
	}
	return 0;
}

/* DISCOVER is answered by OFFER; REQUEST by ACK or NAK; INFORM by ACK.
 * The client's hardware address and the xid tie them, whatever the IP
 * addresses (0.0.0.0, broadcast, then unicast). */
static int
track_dhcp(struct cap_xchg *x, const struct cap_pkt *pkt, struct cap_xnote *xn)
{
	struct cap_dhcp d;
	struct cap_xkey k;
	static const uint8_t zero[4];

	if (cap_dhcp_decode(pkt, &d) < 0 || !d.dhcp || d.type == 0)
		return -1;
	memset(&k, 0, sizeof k);
	k.kind = CAP_XK_DHCP;
	k.id = d.xid;
	memcpy(k.a[0], d.chaddr, d.hlen);
	xn->kind = CAP_XK_DHCP;
	switch (d.type) {
	case CAP_DHCP_DISCOVER:
	case CAP_DHCP_REQUEST:
	case CAP_DHCP_INFORM:
		k.port[0] = d.type;
		/* RENEWING/REBINDING: ciaddr set, no server id (RFC 2131
		 * 4.3.2) */
		xchg_ask(x, pkt, &k, NULL,
		    d.type == CAP_DHCP_REQUEST && !d.has_server &&
		        memcmp(d.ciaddr, zero, 4) != 0,
		    xn);
		break;
	case CAP_DHCP_OFFER:
		k.port[0] = CAP_DHCP_DISCOVER;
		xchg_answer(x, pkt, &k, xn);
		break;
	case CAP_DHCP_ACK:
	case CAP_DHCP_NAK:
		k.port[0] = CAP_DHCP_REQUEST;
		if (d.type == CAP_DHCP_ACK && slot_find(x, &k) == NULL)
			k.port[0] = CAP_DHCP_INFORM;
		xchg_answer(x, pkt, &k, xn);
		break;
	default: /* DECLINE, RELEASE: tell, ask nothing */
		break;
	}
	return 0;
}

/* The counts of the connection of key k (a full set forgets its least
 * recently used connection). */
static struct xhttp *
http_conn(
    struct cap_xchg *x, const struct cap_xkey *k, const struct timeval *ts)
{
	uint32_t sets = CAP_XCHG_HTTP_CONNS / CAP_XCHG_WAYS;
	struct xhttp
	    *set = &x->http[(size_t)(key_hash(k) & (sets - 1)) * CAP_XCHG_WAYS],
	    *old = &set[0];
	int i;

	for (i = 0; i < CAP_XCHG_WAYS; i++) {
		if (set[i].used && memcmp(&set[i].conn, k, sizeof *k) == 0) {
			set[i].last = *ts;
			return &set[i];
		}
		if (!set[i].used ||
		    (old->used && tv_lt(&set[i].last, &old->last)))
			old = &set[i];
	}
	memset(old, 0, sizeof *old);
	old->conn = *k;
	old->used = 1;
	old->last = *ts;
	return old;
}

/* A new connection (SYN) between the same ports counts from 1 again. */
static void
http_syn(struct cap_xchg *x, const struct cap_pkt *pkt)
{
	struct cap_xkey k;
	struct xhttp *c;

	memset(&k, 0, sizeof k);
	k.kind = CAP_XK_HTTP;
	key_addrs(&k, &pkt->src, &pkt->dst);
	k.port[0] = pkt->sport, k.port[1] = pkt->dport;
	c = http_conn(x, &k, &pkt->ts);
	c->requests = c->responses = 0;
}

/* A response: the n-th response answers the n-th request, unless no
 * request is waiting or it acknowledges less than that request (then it
 * answers one sent before the capture began). */
static void
http_response(struct cap_xchg *x, const struct cap_pkt *pkt, struct xhttp *c,
    struct cap_xkey *k, struct cap_xnote *xn)
{
	struct xslot *s;

	k->id = c->responses + 1;
	s = slot_find(x, k);
	if (c->responses >= c->requests ||
	    (s != NULL && s->state == SLOT_OPEN &&
	        (int32_t)(pkt->tcp.ack - s->q.seq_end) < 0)) {
		x->st[CAP_XK_HTTP].unasked++;
		xn->ev |= CAP_XE_UNASKED;
		return;
	}
	c->responses++;
	xchg_answer(x, pkt, k, xn);
}

/* HTTP requests on a connection, answered in order by the status lines
 * the other way; several in one segment (pipelined) count one by one,
 * xn telling of the first. */
static int
track_http(struct cap_xchg *x, const struct cap_pkt *pkt, struct cap_xnote *xn)
{
	struct cap_http_msg msg[CAP_HTTP_PIPELINE];
	struct cap_xnote more;
	struct cap_xkey k;
	struct xhttp *c;
	struct xslot *s;
	uint32_t n, i;
	int request;

	if (pkt->payload == NULL || cap_dns_port(pkt) ||
	    (n = cap_http_messages(pkt->payload, pkt->payload_caplen, msg,
	         CAP_HTTP_PIPELINE)) == 0)
		return -1;
	request = msg[0].kind == CAP_APP_HTTP_REQUEST;
	memset(&k, 0, sizeof k);
	k.kind = CAP_XK_HTTP;
	xn->kind = CAP_XK_HTTP;
	xn->nmsg = (uint8_t)n;
	if (request) {
		key_addrs(&k, &pkt->src, &pkt->dst);
		k.port[0] = pkt->sport, k.port[1] = pkt->dport;
	} else {
		key_addrs(&k, &pkt->dst, &pkt->src);
		k.port[0] = pkt->dport, k.port[1] = pkt->sport;
	}
	c = http_conn(x, &k, &pkt->ts);
	if (request)
		xn->behind = c->requests - c->responses;
	for (i = 0; i < n; i++) {
		memset(&more, 0, sizeof more);
		more.rtt_us = -1;
		if (!request && msg[i].status / 100 == 1)
			continue; /* 100 Continue: the answer comes after */
		if (!request) {
			http_response(x, pkt, c, &k, i == 0 ? xn : &more);
			continue;
		}
		k.id = ++c->requests;
		s = xchg_ask(x, pkt, &k, NULL, 0, i == 0 ? xn : &more);
		s->q.seq_end = pkt->tcp.seq + (uint32_t)msg[i].end;
	}
	return 0;
}

/* Could pkt be a question or an answer at all (a cheap test first)? */
static int
xchg_maybe(const struct cap_pkt *pkt)
{
	switch (pkt->tp) {
	case CAP_TP_ICMP:
	case CAP_TP_ICMP6:
		return 1;
	case CAP_TP_UDP:
		return pkt->ttl <= CAP_TRACE_TTL_MAX || cap_dns_port(pkt) ||
		       cap_dhcp_port(pkt);
	case CAP_TP_TCP:
		return pkt->ttl <= CAP_TRACE_TTL_MAX || pkt->payload_len > 0;
	default:
		return pkt->net == CAP_NET_OTHER && pkt->ethertype == 0x0806;
	}
}

int
cap_xchg_track(
    struct cap_xchg *x, const struct cap_pkt *pkt, struct cap_xnote *xn)
{
	if (pkt->tp == CAP_TP_TCP &&
	    (pkt->tcp.flags & (CAP_TH_SYN | CAP_TH_ACK)) == CAP_TH_SYN)
		http_syn(x, pkt);
	/* Most packets are none of it: say so without clearing it all. */
	if (!xchg_maybe(pkt)) {
		xn->kind = CAP_XK_NONE;
		xn->ev = 0;
		xn->probe_ttl = 0;
		xn->rtt_us = -1;
		return -1;
	}
	memset(xn, 0, sizeof *xn);
	xn->rtt_us = -1;
	if ((pkt->tp == CAP_TP_ICMP || pkt->tp == CAP_TP_ICMP6) &&
	    pkt->bad == NULL)
		return track_echo(x, pkt, xn) == 0 ? 0
		       : track_nd(x, pkt, xn) == 0 ? 0
		                                   : track_trace(x, pkt, xn);
	if (pkt->net == CAP_NET_OTHER && pkt->ethertype == 0x0806)
		return track_arp(x, pkt, xn);
	if ((pkt->tp == CAP_TP_UDP || pkt->tp == CAP_TP_TCP) &&
	    cap_dns_port(pkt))
		return track_dns(x, pkt, xn);
	if (cap_dhcp_port(pkt))
		return track_dhcp(x, pkt, xn);
	if (pkt->tp == CAP_TP_TCP && pkt->payload_len > 0 &&
	    track_http(x, pkt, xn) == 0)
		return 0;
	if ((pkt->tp == CAP_TP_UDP || pkt->tp == CAP_TP_TCP) &&
	    pkt->bad == NULL && pkt->ttl <= CAP_TRACE_TTL_MAX) {
		trace_probe(x, pkt, xn);
		if (xn->probe_ttl != 0) {
			xn->kind = CAP_XK_TRACE;
			xn->ev |= CAP_XE_ASK;
			return 0;
		}
	}
	return -1;
}

void
cap_xchg_flush(struct cap_xchg *x)
{
	size_t i, n = (size_t)x->nsets * CAP_XCHG_WAYS;

	for (i = 0; i < n; i++)
		slot_expire(x, &x->slot[i]);
}

/*
 * UDP conversations: the first sender is the client, its datagrams are
 * requests #1, #2, ...; a datagram back is paired with an open request
 * (the one whose payload it echoes, upper-cased or not; in a conversation
 * that does not echo, the oldest), and ICMP port unreachable errors are
 * tied to the conversation they refuse.  The rule is in capture.h.
 */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "flow.h"

static uint8_t
upper(uint8_t c)
{
	return c >= 'a' && c <= 'z' ? (uint8_t)(c - 'a' + 'A') : c;
}

#define ONES 0x0101010101010101u

/* The 8 bytes in w with 'a'..'z' upper-cased, all at once: a byte is a
 * lower-case letter when its low 7 bits are >= 'a' and <= 'z' and its
 * top bit is clear; such a byte loses 0x20. */
static uint64_t
upper8(uint64_t w)
{
	uint64_t low7 = w & 0x7f * ONES;
	uint64_t ge_a = low7 + (0x80 - 'a') * ONES;
	uint64_t gt_z = low7 + (0x80 - 'z' - 1) * ONES;
	uint64_t lower = ge_a & ~gt_z & ~w & 0x80 * ONES;

	return w - (lower >> 2);
}

static uint64_t
mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdu;
	return h ^ (h >> 32);
}

/* A hash of the upper-cased first bytes and the length, 8 bytes at a
 * time: an echo (or the lab's upper-casing echo) hashes like its
 * request. */
static uint32_t
payload_hash(const struct cap_pkt *pkt)
{
	uint64_t h = 0x9e3779b97f4a7c15u, w;
	uint32_t i, n = pkt->payload_caplen;

	if (n > CAP_UDP_HASH_BYTES)
		n = CAP_UDP_HASH_BYTES;
	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, pkt->payload + i, 8);
		h = mix(h, upper8(w));
	}
	/* The last 4 to 7 bytes: two loads that may overlap (n is hashed
	 * too); the last 1 to 3: first, middle, last. */
	if (n - i >= 4) {
		uint32_t lo, hi;

		memcpy(&lo, pkt->payload + i, 4);
		memcpy(&hi, pkt->payload + n - 4, 4);
		h = mix(h, upper8((uint64_t)hi << 32 | lo));
	} else if (i < n) {
		const uint8_t *p = pkt->payload;

		w = p[i] | (uint32_t)p[i + (n - i) / 2] << 8 |
		    (uint32_t)p[n - 1] << 16;
		h = mix(h, upper8(w));
	}
	return (uint32_t)mix(h, (uint64_t)n << 32 | pkt->payload_len);
}

/* The lab's ping: "ping " and a digit, in any case ("ping 1\0" too). */
static int
is_lab_ping(const struct cap_pkt *pkt)
{
	static const char want[] = "PING ";
	uint32_t i;

	if (pkt->payload == NULL || pkt->payload_caplen < sizeof want)
		return 0;
	for (i = 0; i < sizeof want - 1; i++)
		if (upper(pkt->payload[i]) != (uint8_t)want[i])
			return 0;
	return pkt->payload[i] >= '0' && pkt->payload[i] <= '9';
}

static void
udp_request(struct flow *f, const struct cap_pkt *pkt, struct cap_note *note)
{
	struct flow_req *r;

	f->c.requests++;
	note->ev |= CAP_EV_REQUEST;
	note->req = f->c.requests;
	if (f->nreq < CAP_UDP_PENDING)
		r = &f->req[(f->reqhead + f->nreq++) % CAP_UDP_PENDING];
	else { /* the oldest falls out of the window */
		r = &f->req[f->reqhead];
		f->reqhead = (uint8_t)((f->reqhead + 1) % CAP_UDP_PENDING);
	}
	r->no = f->c.requests;
	r->hash = payload_hash(pkt);
	f->open |= 1u << (r - f->req);
	r->ts = pkt->ts;
	if (!f->echo && is_lab_ping(pkt))
		f->echo = 1;
}

/* The open request a datagram back echoes, else NULL; *oldest the oldest
 * open request (NULL: none open). */
static struct flow_req *
udp_echoed(struct flow *f, uint32_t h, struct flow_req **oldest)
{
	unsigned head = f->reqhead, back = (CAP_UDP_PENDING - head) % 32;
	/* bit i: the i-th oldest request is open (slots past nreq never are) */
	uint32_t m = (f->open >> head | f->open << back) &
	             (uint32_t)((1ull << CAP_UDP_PENDING) - 1);
	struct flow_req *r;

	*oldest = NULL;
	for (; m != 0; m &= m - 1) {
		r = &f->req[(head + (unsigned)__builtin_ctz(m)) %
		            CAP_UDP_PENDING];
		if (*oldest == NULL)
			*oldest = r;
		if (r->hash == h)
			return r;
	}
	return NULL;
}

static void
udp_reply(struct flow *f, const struct cap_pkt *pkt, struct cap_note *note)
{
	struct flow_req *r, *oldest;

	r = udp_echoed(f, payload_hash(pkt), &oldest);
	if (r != NULL)
		f->echo = 1; /* an echo conversation from now on */
	else if (oldest == NULL) {
		note->ev |= CAP_EV_UNPAIRED;
		f->c.unpaired++;
		return;
	} else if (f->echo) { /* requests are echoed: this one is not */
		note->ev |= CAP_EV_UNMATCHED;
		f->c.unmatched++;
		return;
	} else
		r = oldest; /* request/response that does not echo */
	f->open &= ~(1u << (r - f->req));
	f->answered++;
	f->c.replies++;
	note->ev |= CAP_EV_REPLY;
	note->req = r->no;
	note->rtt_us = flow_tv_us(&pkt->ts, &r->ts);
}

int
flow_udp(struct cap_flows *ft, const struct cap_pkt *pkt, struct cap_note *note)
{
	struct flow_key k;
	struct flow *f;
	uint32_t h;
	int swapped, d;

	f = flow_recent(ft, 17, pkt);
	if (f == NULL) {
		flow_key_make(&k, 17, &pkt->src, pkt->sport, &pkt->dst,
		    pkt->dport, &swapped);
		h = flow_key_hash(&k);
		f = flow_find(ft, &k, h);
	}
	if (f == NULL) {
		f = flow_create(ft, &k, h, pkt);
		flow_set_client(f, pkt, 1);
		note->ev |= CAP_EV_NEW;
	} else
		flow_touch(ft, f);
	d = flow_dir(f, pkt);
	note->conv = &f->c;
	note->dir = d;
	flow_account(f, pkt, d);
	if (d == 0)
		udp_request(f, pkt, note);
	else
		udp_reply(f, pkt, note);
	f->c.unanswered = f->c.requests - f->answered;
	return 0;
}

/* Another live UDP conversation whose client is (a, port): the port an
 * ICMP error names is then a client's socket, connected to its server,
 * refusing datagrams from anyone else.  *served: the port has answered
 * in another conversation as its server (so "no server" would not be
 * sure: it may have gone, or connected to that client).  The recently
 * used conversations are searched, CAP_UNREACH_SCAN of them. */
static const struct flow *
udp_client_end(struct cap_flows *ft, const struct flow *quoted,
    const struct cap_addr *a, uint16_t port, int *served)
{
	uint32_t i = ft->lru.head;
	int n;

	*served = 0;
	for (n = 0; i != 0 && n < CAP_UNREACH_SCAN;
	     i = ft->f[i].link[LINK_LRU].next, n++) {
		const struct flow *g = &ft->f[i];

		if (g == quoted || g->c.proto != 17)
			continue;
		if (g->c.cli_port == port && memcmp(g->c.cli.a, a->a, 16) == 0)
			return g;
		if (g->c.srv_port == port && g->c.pkts[1] > 0 &&
		    memcmp(g->c.srv.a, a->a, 16) == 0)
			*served = 1;
	}
	return NULL;
}

/* Why the port refused: see enum cap_unreach. */
static void
udp_unreach_cause(struct cap_flows *ft, const struct flow *f,
    const struct cap_icmp_inner *in, struct cap_note *note)
{
	const struct flow *g;
	int served;

	note->unreach = CAP_UR_UNKNOWN;
	if (in->proto != 17)
		return;
	g = udp_client_end(ft, f, &in->dst, in->dport, &served);
	if (g != NULL) {
		note->unreach = CAP_UR_CONNECTED;
		note->unreach_conv = g->c.id;
	} else if (!served && f != NULL && f->c.srv_port == in->dport &&
	           memcmp(f->c.srv.a, in->dst.a, 16) == 0 &&
	           f->c.pkts[1] == 0) {
		note->unreach = CAP_UR_NO_SERVER;
	}
}

/* An ICMP error quoting a datagram of a known conversation. */
int
flow_icmp(
    struct cap_flows *ft, const struct cap_pkt *pkt, struct cap_note *note)
{
	const struct cap_icmp *ic = &pkt->icmp;
	const struct cap_icmp_inner *in = &ic->inner;
	struct flow_key k;
	struct flow *f;
	int swapped;

	if (!((pkt->tp == CAP_TP_ICMP && ic->type == 3 && ic->code == 3) ||
	        (pkt->tp == CAP_TP_ICMP6 && ic->type == 1 && ic->code == 4)))
		return -1;
	note->ev |= CAP_EV_PORT_UNREACH;
	if (!in->valid || !in->has_ports)
		return -1;
	note->port = in->dport;
	flow_key_make(
	    &k, in->proto, &in->src, in->sport, &in->dst, in->dport, &swapped);
	f = flow_find(ft, &k, flow_key_hash(&k));
	udp_unreach_cause(ft, f, in, note);
	if (f == NULL)
		return -1;
	flow_touch(ft, f);
	f->c.unreach++;
	note->conv = &f->c;
	note->dir = 1;
	return 0;
}

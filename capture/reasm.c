/*
 * Messages across TCP segments: DNS over TCP (RFC 1035 4.2.2), a message
 * whose 2-byte length says it goes on past its first segment; an HTTP/1.x
 * request or status line and headers that go on past theirs (up to the
 * empty line).  Each is gathered from the segments that follow in sequence
 * on the same connection and direction; a gap, a segment cut by the
 * capture or a message too long drops it.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "param.h"
#include "proto.h"

struct reasm_slot {
	int used;
	int http; /* HTTP head (up to the empty line), else DNS */
	struct cap_addr src, dst;
	uint16_t sport, dport;
	uint32_t next_seq; /* where the next segment must start */
	uint16_t want;     /* the message's length */
	size_t have;       /* bytes gathered */
	uint32_t nseg;
	struct timeval ts; /* the last segment's */
	uint8_t buf[CAP_REASM_MAX];
};

struct cap_reasm {
	struct reasm_slot s[CAP_REASM_SLOTS];
};

struct cap_reasm *
cap_reasm_new(void)
{
	return calloc(1, sizeof(struct cap_reasm));
}

void
cap_reasm_free(struct cap_reasm *r)
{
	free(r);
}

static int
same_dir(const struct reasm_slot *s, const struct cap_pkt *pkt, int http)
{
	return s->used && s->http == http && s->sport == pkt->sport &&
	       s->dport == pkt->dport &&
	       memcmp(&s->src, &pkt->src, sizeof s->src) == 0 &&
	       memcmp(&s->dst, &pkt->dst, sizeof s->dst) == 0;
}

/* A free slot, else the one left alone longest. */
static struct reasm_slot *
reasm_take(struct cap_reasm *r)
{
	struct reasm_slot *old = &r->s[0];
	int i;

	for (i = 0; i < CAP_REASM_SLOTS; i++) {
		if (!r->s[i].used)
			return &r->s[i];
		if (r->s[i].ts.tv_sec < old->ts.tv_sec ||
		    (r->s[i].ts.tv_sec == old->ts.tv_sec &&
		        r->s[i].ts.tv_usec < old->ts.tv_usec))
			old = &r->s[i];
	}
	return old;
}

/* A segment that begins a message longer than itself: kept. */
static void
reasm_start(struct cap_reasm *r, const struct cap_pkt *pkt)
{
	struct cap_dns m;
	struct reasm_slot *s;

	if (cap_dns_head(&m, pkt) < 0 || !m.split ||
	    m.len + 2u < pkt->payload_len || m.len > CAP_REASM_MAX ||
	    pkt->payload_caplen != pkt->payload_len)
		return;
	s = reasm_take(r);
	s->used = 1;
	s->http = 0;
	s->src = pkt->src, s->dst = pkt->dst;
	s->sport = pkt->sport, s->dport = pkt->dport;
	s->want = (uint16_t)m.len;
	s->have = pkt->payload_len - 2;
	memcpy(s->buf, pkt->payload + 2, s->have);
	s->next_seq = pkt->tcp.seq + pkt->payload_len;
	s->nseg = 1;
	s->ts = pkt->ts;
}

int
cap_reasm_dns(struct cap_reasm *r, const struct cap_pkt *pkt,
    const uint8_t **msg, size_t *len, uint32_t *nseg)
{
	struct reasm_slot *s = NULL;
	size_t n;
	int i;

	if (pkt->tp != CAP_TP_TCP || pkt->payload_len == 0 ||
	    pkt->payload == NULL || !cap_dns_port(pkt))
		return 0;
	for (i = 0; i < CAP_REASM_SLOTS && s == NULL; i++)
		if (same_dir(&r->s[i], pkt, 0))
			s = &r->s[i];
	if (s != NULL && (pkt->tcp.seq != s->next_seq ||
	                     pkt->payload_caplen != pkt->payload_len))
		s->used = 0; /* a gap or a cut: give up on it */
	else if (s != NULL) {
		n = s->want - s->have;
		if (n > pkt->payload_len)
			n = pkt->payload_len;
		memcpy(s->buf + s->have, pkt->payload, n);
		s->have += n;
		s->next_seq += pkt->payload_len;
		s->nseg++;
		s->ts = pkt->ts;
		if (s->have < s->want)
			return 0;
		s->used = 0; /* the buffer stays valid until the next call */
		*msg = s->buf;
		*len = s->want;
		*nseg = s->nseg;
		return 1;
	}
	reasm_start(r, pkt);
	return 0;
}

/* Where an HTTP head ends (after its empty line) in p[0..n), or 0. */
static size_t
http_head_end(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++)
		if (p[i] == '\n' &&
		    (p[i + 1] == '\n' ||
		        (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n')))
			return i + (p[i + 1] == '\n' ? 2 : 3);
	return 0;
}

int
cap_reasm_http(struct cap_reasm *r, const struct cap_pkt *pkt,
    const uint8_t **msg, size_t *len, uint32_t *nseg)
{
	struct reasm_slot *s = NULL;
	struct cap_app a;
	size_t n, end;
	int i;

	if (pkt->tp != CAP_TP_TCP || pkt->payload_len == 0 ||
	    pkt->payload == NULL || pkt->payload_caplen != pkt->payload_len)
		return 0;
	for (i = 0; i < CAP_REASM_SLOTS && s == NULL; i++)
		if (same_dir(&r->s[i], pkt, 1))
			s = &r->s[i];
	if (s != NULL && pkt->tcp.seq != s->next_seq) {
		s->used = 0; /* a gap: give up on it */
	} else if (s != NULL) {
		n = pkt->payload_len;
		if (n > CAP_REASM_HTTP_MAX - s->have)
			n = CAP_REASM_HTTP_MAX - s->have;
		memcpy(s->buf + s->have, pkt->payload, n);
		s->have += n;
		s->next_seq += pkt->payload_len;
		s->nseg++;
		s->ts = pkt->ts;
		end = http_head_end(s->buf, s->have);
		if (end == 0 && s->have < CAP_REASM_HTTP_MAX)
			return 0;
		s->used = 0;
		if (end == 0)
			return 0; /* too long a head: not shown */
		*msg = s->buf;
		*len = end;
		*nseg = s->nseg;
		return 1;
	}
	/* A request or status line, or its headers, cut by this segment. */
	if (cap_app_decode(pkt, &a) < 0 ||
	    (a.kind != CAP_APP_HTTP_REQUEST &&
	        a.kind != CAP_APP_HTTP_RESPONSE) ||
	    (!a.line_cut && a.headers_done) ||
	    pkt->payload_len >= CAP_REASM_HTTP_MAX)
		return 0;
	s = reasm_take(r);
	s->used = 1;
	s->http = 1;
	s->src = pkt->src, s->dst = pkt->dst;
	s->sport = pkt->sport, s->dport = pkt->dport;
	s->have = pkt->payload_len;
	memcpy(s->buf, pkt->payload, s->have);
	s->next_seq = pkt->tcp.seq + pkt->payload_len;
	s->nseg = 1;
	s->ts = pkt->ts;
	return 0;
}

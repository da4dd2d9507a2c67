/*
 * DNS over TCP across segments (RFC 1035 4.2.2): a message whose 2-byte
 * length says it goes on past its first segment is gathered from the
 * segments that follow in sequence on the same connection and direction;
 * a gap, a segment cut by the capture or a longer message drops it.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "param.h"
#include "proto.h"

struct reasm_slot {
	int used;
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
same_dir(const struct reasm_slot *s, const struct cap_pkt *pkt)
{
	return s->used && s->sport == pkt->sport && s->dport == pkt->dport &&
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
		if (same_dir(&r->s[i], pkt))
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

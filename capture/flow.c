/*
 * Conversation tracking: a fixed table of TCP/UDP conversations keyed by
 * 5-tuple (both directions one entry), O(1) lookup, LRU/idle expiry, and
 * the entry points; the annotations are in flow-tcp.c and flow-udp.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "param.h"

static inline uint64_t
key_word(const struct flow_key *k, int i)
{
	uint64_t w;

	memcpy(&w, (const uint8_t *)k + 8 * i, 8);
	return w;
}

/* Hash of a normalised key: its five 8-byte words multiplied by distinct
 * odd constants and summed (independent multiplies), then one
 * multiply-xorshift round to spread the bits. */
uint32_t
flow_key_hash(const struct flow_key *k)
{
	uint64_t h = key_word(k, 0) * 0x9e3779b97f4a7c15u +
	             key_word(k, 1) * 0xc2b2ae3d27d4eb4fu +
	             key_word(k, 2) * 0x165667b19e3779f9u +
	             key_word(k, 3) * 0xd6e8feb86659fd93u +
	             key_word(k, 4) * 0xff51afd7ed558ccdu;

	h ^= h >> 32;
	h *= 0xff51afd7ed558ccdu;
	return (uint32_t)(h ^ (h >> 29));
}

/* The first 8 or last 8 bytes of an address as a big-endian number, so
 * that comparing the two halves orders addresses as memcmp would. */
static inline uint64_t
addr_half(const uint8_t *a, int half)
{
	uint64_t w;

	memcpy(&w, a + 8 * half, 8);
	return __builtin_bswap64(w);
}

static int
side_less(const struct cap_addr *a, uint16_t ap, const struct cap_addr *b,
    uint16_t bp)
{
	uint64_t a0 = addr_half(a->a, 0), b0 = addr_half(b->a, 0);
	uint64_t a1, b1;

	if (a0 != b0)
		return a0 < b0;
	a1 = addr_half(a->a, 1), b1 = addr_half(b->a, 1);
	if (a1 != b1)
		return a1 < b1;
	return ap < bp;
}

/* The key of (src:sport -> dst:dport); *swapped says src is side 1. */
void
flow_key_make(struct flow_key *k, uint8_t proto, const struct cap_addr *src,
    uint16_t sport, const struct cap_addr *dst, uint16_t dport, int *swapped)
{
	int sw = side_less(dst, dport, src, sport);

	k->proto = proto;
	k->family = src->family;
	memcpy(k->a[sw], src->a, 16);
	memcpy(k->a[!sw], dst->a, 16);
	k->port[sw] = sport;
	k->port[!sw] = dport;
	k->pad[0] = k->pad[1] = 0;
	*swapped = sw;
}

/* Keys are compared as bytes (padding zeroed), 8 at a time. */
static inline int
key_eq(const struct flow_key *x, const struct flow_key *y)
{
	return ((key_word(x, 0) ^ key_word(y, 0)) |
	           (key_word(x, 1) ^ key_word(y, 1)) |
	           (key_word(x, 2) ^ key_word(y, 2)) |
	           (key_word(x, 3) ^ key_word(y, 3)) |
	           (key_word(x, 4) ^ key_word(y, 4))) == 0;
}

struct flow *
flow_find(struct cap_flows *ft, const struct flow_key *k, uint32_t h)
{
	uint32_t i;

	for (i = ft->bucket[h & ft->mask]; i != 0; i = ft->f[i].hnext)
		if (ft->f[i].hash == h && key_eq(&ft->f[i].key, k)) {
			ft->recent = i;
			return &ft->f[i];
		}
	return NULL;
}

static int
same_end(const struct cap_addr *a, uint16_t ap, const struct cap_addr *b,
    uint16_t bp)
{
	return ap == bp && memcmp(a->a, b->a, 16) == 0;
}

/* Consecutive packets mostly belong to one conversation: when pkt has
 * the same key as the conversation last found or made (its two ends
 * are the key's two sides), that conversation, without building and
 * hashing a key; else NULL. */
struct flow *
flow_recent(struct cap_flows *ft, uint8_t proto, const struct cap_pkt *pkt)
{
	struct flow *f = &ft->f[ft->recent];
	const struct cap_conv *c = &f->c;

	if (ft->recent == 0 || f->key.proto != proto ||
	    f->key.family != pkt->src.family)
		return NULL;
	if ((same_end(&pkt->src, pkt->sport, &c->cli, c->cli_port) &&
	        same_end(&pkt->dst, pkt->dport, &c->srv, c->srv_port)) ||
	    (same_end(&pkt->src, pkt->sport, &c->srv, c->srv_port) &&
	        same_end(&pkt->dst, pkt->dport, &c->cli, c->cli_port)))
		return f;
	return NULL;
}

/* Doubly linked lists threaded through the table by index (0 = none). */
static void
list_unlink(struct cap_flows *ft, struct flow_list *l, uint32_t i, int which)
{
	struct flow_link *n = &ft->f[i].link[which];

	if (n->prev)
		ft->f[n->prev].link[which].next = n->next;
	else
		l->head = n->next;
	if (n->next)
		ft->f[n->next].link[which].prev = n->prev;
	else
		l->tail = n->prev;
	n->prev = n->next = 0;
}

static void
list_push_head(struct cap_flows *ft, struct flow_list *l, uint32_t i, int which)
{
	struct flow_link *n = &ft->f[i].link[which];

	n->prev = 0;
	n->next = l->head;
	if (l->head)
		ft->f[l->head].link[which].prev = i;
	else
		l->tail = i;
	l->head = i;
}

static void
list_push_tail(struct cap_flows *ft, struct flow_list *l, uint32_t i, int which)
{
	struct flow_link *n = &ft->f[i].link[which];

	n->next = 0;
	n->prev = l->tail;
	if (l->tail)
		ft->f[l->tail].link[which].next = i;
	else
		l->head = i;
	l->tail = i;
}

void
flow_touch(struct cap_flows *ft, struct flow *f)
{
	uint32_t i = (uint32_t)(f - ft->f);

	if (ft->lru.head == i)
		return;
	list_unlink(ft, f->dormant ? &ft->dormant : &ft->lru, i, LINK_LRU);
	f->dormant = 0; /* a dormant connection resumes, numbers and all */
	list_push_head(ft, &ft->lru, i, LINK_LRU);
}

static void
flow_evict(struct cap_flows *ft, struct flow *f)
{
	uint32_t i = (uint32_t)(f - ft->f), *pp;

	if (ft->evict_fn != NULL)
		ft->evict_fn(ft->evict_arg, &f->c);
	for (pp = &ft->bucket[f->hash & ft->mask]; *pp != i;
	     pp = &ft->f[*pp].hnext)
		;
	*pp = f->hnext;
	list_unlink(ft, f->dormant ? &ft->dormant : &ft->lru, i, LINK_LRU);
	list_unlink(ft, &ft->age, i, LINK_AGE);
	if (ft->recent == i)
		ft->recent = 0;
	memset(f, 0, sizeof *f);
	f->hnext = ft->free;
	ft->free = i;
	ft->live--;
}

static int
flow_closed(const struct flow *f)
{
	return f->c.state == CAP_CS_CLOSED || f->c.state == CAP_CS_RESET;
}

static int64_t
idle_us(const struct flow *f, const struct timeval *now)
{
	return flow_tv_us(now, &f->c.last);
}

/* An open TCP connection does not end by being idle (tcpdump keeps
 * counting its numbers when it resumes, minutes later): past idle_s it
 * only moves to the dormant list, the first to go when room is needed. */
static void
flow_doze(struct cap_flows *ft, struct flow *f)
{
	uint32_t i = (uint32_t)(f - ft->f);

	list_unlink(ft, &ft->lru, i, LINK_LRU);
	list_push_head(ft, &ft->dormant, i, LINK_LRU);
	f->dormant = 1;
}

/* Expire a few conversations at the cold end of the LRU list. */
static void
flow_expire(struct cap_flows *ft, const struct timeval *now)
{
	int n;

	for (n = 0; n < CAP_FLOW_EXPIRE_SCAN && ft->lru.tail; n++) {
		struct flow *f = &ft->f[ft->lru.tail];
		int64_t idle = idle_us(f, now);

		if (flow_closed(f) ? idle > CAP_FLOW_CLOSED_S * 1000000LL
		                   : idle > (int64_t)ft->idle_s * 1000000) {
			if (f->c.proto == 6 && !flow_closed(f)) {
				flow_doze(ft, f);
				continue;
			}
			ft->st.evicted_idle++;
			flow_evict(ft, f);
		} else
			break;
	}
}

/* Room for one more: a closed conversation near the cold end if there
 * is one, else the longest dormant, else the least recently used. */
static void
flow_make_room(struct cap_flows *ft)
{
	uint32_t i = ft->lru.tail;
	int n;

	for (n = 0; n < CAP_FLOW_VICTIM_SCAN && i; n++) {
		if (flow_closed(&ft->f[i]))
			break;
		i = ft->f[i].link[LINK_LRU].prev;
	}
	if (i == 0 || n == CAP_FLOW_VICTIM_SCAN)
		i = ft->dormant.tail ? ft->dormant.tail : ft->lru.tail;
	ft->st.evicted_full++;
	flow_evict(ft, &ft->f[i]);
}

struct flow *
flow_create(struct cap_flows *ft, const struct flow_key *k, uint32_t h,
    const struct cap_pkt *pkt)
{
	struct flow *f;
	uint32_t i;

	if (ft->live >= ft->max)
		flow_make_room(ft);
	i = ft->free;
	f = &ft->f[i];
	ft->free = f->hnext;
	memset(f, 0, sizeof *f);
	f->key = *k;
	f->hash = h;
	f->hnext = ft->bucket[h & ft->mask];
	ft->bucket[h & ft->mask] = i;
	list_push_head(ft, &ft->lru, i, LINK_LRU);
	list_push_tail(ft, &ft->age, i, LINK_AGE);
	ft->live++;
	ft->recent = i;
	f->c.id = ++ft->next_id;
	f->c.proto = k->proto;
	f->c.first = f->c.last = pkt->ts;
	f->c.closer = f->c.resetter = -1;
	f->c.rtt_synack_us = f->c.rtt_hs_us = -1;
	ft->st.created++;
	return f;
}

/* Make src:sport the client of a new conversation. */
void
flow_set_client(struct flow *f, const struct cap_pkt *pkt, int src_is_client)
{
	if (src_is_client) {
		f->c.cli = pkt->src, f->c.cli_port = pkt->sport;
		f->c.srv = pkt->dst, f->c.srv_port = pkt->dport;
	} else {
		f->c.cli = pkt->dst, f->c.cli_port = pkt->dport;
		f->c.srv = pkt->src, f->c.srv_port = pkt->sport;
	}
}

void
flow_forget(struct cap_flows *ft, struct flow *f)
{
	flow_evict(ft, f);
}

int
cap_flow_track(
    struct cap_flows *ft, const struct cap_pkt *pkt, struct cap_note *note)
{
	int r = -1;

	memset(note, 0, sizeof *note);
	note->rtt_us = -1;
	flow_expire(ft, &pkt->ts);
	/* A TCP segment whose fixed header was captured is tracked even
	 * when its options were cut, and one whose IP header claims more
	 * bytes than the wire holds (truncated-ip), as tcpdump numbers it. */
	if ((pkt->bad == NULL || pkt->bad_layer == CAP_L_IP ||
	        pkt->bad_layer == CAP_L_IP6) &&
	    pkt->trunc != CAP_L_UDP &&
	    (pkt->trunc != CAP_L_TCP || pkt->tcp.hlen >= 20)) {
		if (pkt->tp == CAP_TP_TCP)
			r = flow_tcp(ft, pkt, note);
		else if (pkt->tp == CAP_TP_UDP)
			r = flow_udp(ft, pkt, note);
		else if (pkt->tp == CAP_TP_ICMP || pkt->tp == CAP_TP_ICMP6)
			r = flow_icmp(ft, pkt, note);
	}
	if (r < 0)
		ft->st.untracked++;
	return r;
}

struct cap_flows *
cap_flows_new(uint32_t max, uint32_t idle_s)
{
	struct cap_flows *ft;
	uint32_t nb = 1;

	if (max == 0)
		max = CAP_FLOW_MAX;
	if (idle_s == 0)
		idle_s = CAP_FLOW_IDLE_S;
	if (max > (1u << 24)) {
		errno = EINVAL;
		return NULL;
	}
	while (nb < 2 * max)
		nb <<= 1;
	ft = calloc(1, sizeof *ft);
	if (ft == NULL)
		return NULL;
	ft->f = calloc((size_t)max + 1, sizeof *ft->f); /* [0] is "none" */
	ft->bucket = calloc(nb, sizeof *ft->bucket);
	if (ft->f == NULL || ft->bucket == NULL) {
		cap_flows_free(ft);
		errno = ENOMEM;
		return NULL;
	}
	ft->max = max;
	ft->mask = nb - 1;
	ft->idle_s = idle_s;
	for (uint32_t i = max; i >= 1; i--) {
		ft->f[i].hnext = ft->free;
		ft->free = i;
	}
	return ft;
}

void
cap_flows_free(struct cap_flows *ft)
{
	if (ft == NULL)
		return;
	free(ft->f);
	free(ft->bucket);
	free(ft);
}

void
cap_flows_on_evict(struct cap_flows *ft, cap_evict_fn *fn, void *arg)
{
	ft->evict_fn = fn;
	ft->evict_arg = arg;
}

const struct cap_conv *
cap_flows_first(const struct cap_flows *ft)
{
	return ft->age.head ? &ft->f[ft->age.head].c : NULL;
}

const struct cap_conv *
cap_flows_next(const struct cap_flows *ft, const struct cap_conv *conv)
{
	const struct flow *f = (const struct flow *)conv;
	uint32_t n = f->link[LINK_AGE].next;

	return n ? &ft->f[n].c : NULL;
}

void
cap_flows_flush(struct cap_flows *ft)
{
	while (ft->age.head)
		flow_evict(ft, &ft->f[ft->age.head]);
}

void
cap_flows_stats(const struct cap_flows *ft, struct cap_flows_stats *st)
{
	*st = ft->st;
	st->live = ft->live;
	st->max = ft->max;
}

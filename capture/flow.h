/*
 * The conversation table's internal interface, shared by flow.c (table,
 * lookup, expiry), flow-tcp.c (TCP analysis) and flow-udp.c (UDP request
 * and reply pairing, ICMP errors tied to their conversation).
 *
 * Interface:
 *	flow_key_make(k, proto, src, sport, dst, dport, &swapped)
 *	flow_find(ft, k, hash)          the conversation or NULL
 *	flow_create(ft, k, hash, pkt)   a fresh entry (evicts if full)
 *	flow_forget(ft, f)              evict now (port reuse)
 *	flow_touch(ft, f)               most recently used
 *	flow_recent(ft, proto, pkt)     the previous lookup's conversation
 *	                                if pkt is in it, else NULL
 *	flow_set_client(f, pkt, src_is_client), flow_dir(f, pkt)
 *	flow_account(f, pkt, dir)       packet/byte counters, timestamps
 *	flow_tcp / flow_udp / flow_icmp (ft, pkt, note)   per protocol
 */
#ifndef CAP_FLOW_H
#define CAP_FLOW_H

#include <string.h>

#include "capture.h"
#include "param.h"

enum { LINK_LRU, LINK_AGE };

struct flow_link {
	uint32_t prev, next; /* table indexes, 0 = none */
};

struct flow_list {
	uint32_t head, tail;
};

/* Normalised 5-tuple: side 0 is the lower (address, port). 40 bytes,
 * zero padding, compared and hashed as bytes. */
struct flow_key {
	uint8_t proto, family;
	uint16_t port[2];
	uint8_t a[2][16];
	uint8_t pad[2];
};
_Static_assert(sizeof(struct flow_key) == 40, "flow_key: no hidden padding");

/* A range of sequence space skipped in one direction (a gap). */
struct flow_hole {
	uint32_t lo, hi;
	struct timeval ts; /* when the gap was seen */
};

struct flow_tcpdir {
	uint32_t next;    /* end of the highest segment seen */
	uint32_t fin_seq; /* sequence number of its FIN */
	uint32_t syn_seq; /* sequence number of its SYN (when syn) */
	uint32_t last_ack;
	uint16_t last_win;
	uint8_t have_base, have_next, have_ack;
	uint8_t syn, fin, fin_acked, ws_sent;
	uint8_t nholes;
	struct flow_hole holes[CAP_TCP_HOLES];
};

struct flow_req {
	uint32_t no;   /* request number */
	uint32_t hash; /* of its upper-cased payload and length */
	struct timeval ts;
};

struct flow {
	struct cap_conv c; /* first: handed out as struct cap_conv * */
	struct flow_key key;
	uint32_t hash, hnext;     /* hnext also links the free list */
	struct flow_link link[2]; /* LINK_LRU, LINK_AGE */
	struct flow_tcpdir d[2];
	struct timeval syn_ts;
	uint32_t td_base[2]; /* tcpdump's relative numbering */
	uint8_t td_valid;
	uint8_t nreq, reqhead; /* ring of recent UDP requests */
	uint32_t open;         /* bit i: req[i] is not answered yet */
	uint8_t echo;          /* UDP: replies echo requests (see flow-udp.c) */
	uint8_t dormant;       /* an open TCP conversation idle past idle_s:
	                        * on the dormant list, not the LRU list */
	uint32_t answered;
	struct flow_req req[CAP_UDP_PENDING];
};

_Static_assert(CAP_UDP_PENDING <= 32, "flow.open has a bit per request");

struct cap_flows {
	struct flow *f;   /* max + 1 entries, f[0] unused */
	uint32_t *bucket; /* hash heads, mask + 1 of them */
	uint32_t mask, max, live, free, next_id, idle_s;
	uint32_t recent; /* last conversation found or made, 0 = none */
	struct flow_list lru, age;
	struct flow_list dormant; /* idle open TCP conversations (LINK_LRU) */
	cap_evict_fn *evict_fn;
	void *evict_arg;
	struct cap_flows_stats st;
};

static inline int64_t
flow_tv_us(const struct timeval *a, const struct timeval *b)
{
	return ((int64_t)a->tv_sec - b->tv_sec) * 1000000 +
	       ((int64_t)a->tv_usec - b->tv_usec);
}

/* The direction of pkt in f: 0 from the client, 1 from the server. */
static inline int
flow_dir(const struct flow *f, const struct cap_pkt *pkt)
{
	return !(pkt->sport == f->c.cli_port &&
	         memcmp(pkt->src.a, f->c.cli.a, 16) == 0);
}

/* Packet and byte counters and the last timestamp. */
static inline void
flow_account(struct flow *f, const struct cap_pkt *pkt, int dir)
{
	f->c.pkts[dir]++;
	f->c.bytes[dir] += pkt->len;
	f->c.data[dir] += pkt->payload_len;
	f->c.last = pkt->ts;
}

/* Sequence-space comparisons (RFC 1982 style). */
#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_GT(a, b) SEQ_LT(b, a)
#define SEQ_LEQ(a, b) (!SEQ_GT(a, b))
#define SEQ_GEQ(a, b) (!SEQ_LT(a, b))

void flow_key_make(struct flow_key *k, uint8_t proto,
    const struct cap_addr *src, uint16_t sport, const struct cap_addr *dst,
    uint16_t dport, int *swapped);
uint32_t flow_key_hash(const struct flow_key *k);
struct flow *flow_find(
    struct cap_flows *ft, const struct flow_key *k, uint32_t h);
struct flow *flow_recent(
    struct cap_flows *ft, uint8_t proto, const struct cap_pkt *pkt);
struct flow *flow_create(struct cap_flows *ft, const struct flow_key *k,
    uint32_t h, const struct cap_pkt *pkt);
void flow_forget(struct cap_flows *ft, struct flow *f);
void flow_touch(struct cap_flows *ft, struct flow *f);
void flow_set_client(
    struct flow *f, const struct cap_pkt *pkt, int src_is_client);
int flow_tcp(
    struct cap_flows *ft, const struct cap_pkt *pkt, struct cap_note *note);
int flow_udp(
    struct cap_flows *ft, const struct cap_pkt *pkt, struct cap_note *note);
int flow_icmp(
    struct cap_flows *ft, const struct cap_pkt *pkt, struct cap_note *note);

#endif

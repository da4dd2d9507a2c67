/*
 * The route traceroute probes trace, as the drawings show it: per
 * destination its hops, per probe and answer an event (time, TTL, who
 * answered), bounded in size.  Filled from each packet's exchange note
 * (exchange.c) when --ladder, --timeline or --svg draws.
 *
 * Interface:
 *	route_new(), route_free(r)
 *	route_add(r, pkt, xn, t0)   a probe or an answer to one
 *	route_print(r, ob)          --ladder: one diagram per route, a
 *	                            lifeline per hop
 *	svg_route_size(r, &w)       the height and width it takes in the
 *	                            --svg picture; svg_route(f, r, y) draws
 *	                            it there (svg.c)
 *	(the timeline draws a row per hop: timeline.c, timeline-svg.c)
 */
#ifndef ROUTE_H
#define ROUTE_H

#include "labsniff.h"
#include "param.h"

enum route_kind {
	RT_PROBE,   /* a packet sent with a small TTL */
	RT_EXPIRED, /* time exceeded from the hop where it died */
	RT_REACHED, /* the destination answered (port unreachable, reply) */
	RT_OTHER,   /* another ICMP error from a router on the way */
};

struct route_ev {
	int64_t t_us;              /* since the capture's first packet */
	int64_t rtt_us;            /* answers: since the probe */
	struct cap_addr from;      /* answers: who answered */
	uint8_t ri;                /* index into route.path */
	uint8_t ttl;               /* the probe's TTL: the hop number */
	uint8_t kind;              /* enum route_kind */
	uint8_t answer;            /* probes: the answer's kind, 0 none yet */
	char what[ROUTE_WHAT_LEN]; /* "UDP to port 33434", "TTL expired" */
};

struct route_path {
	struct cap_addr src, dst; /* who sent the first probe, to whom */
	char dst_text[48];
	uint8_t maxttl;                             /* the highest TTL seen */
	struct cap_addr hop[CAP_TRACE_TTL_MAX + 1]; /* first to answer */
	uint8_t reached_at; /* the TTL the destination answered (0: none) */
	uint32_t nev;
};

struct route {
	struct route_path path[XCHG_ROUTES_MAX];
	int npath;
	struct route_ev *ev; /* ROUTE_MAX_EVENTS of them */
	size_t nev;
	uint64_t omitted; /* probes and answers past ROUTE_MAX_EVENTS */
	int64_t end_us;   /* the last event's time */
};

struct route *route_new(void);
void route_free(struct route *r);
int route_add(struct route *r, const struct cap_pkt *pkt,
    const struct cap_xnote *xn, const struct timeval *t0);
void route_print(const struct route *r, struct outbuf *ob);
double svg_route_size(const struct route *r, double *width);
double svg_route(FILE *f, const struct route *r, double y);
/* An address as text ("10.0.0.1", "2001:db8::1"). */
void route_addr_text(char *buf, size_t n, const struct cap_addr *a);
/* The address that answered hop ttl of path p, as text ("?": none). */
void route_hop_text(
    char *buf, size_t n, const struct route_path *p, unsigned ttl);

#endif

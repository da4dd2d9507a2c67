/*
 * labsniff --timeline: the store shared by the terminal rows
 * (timeline.c) and the SVG picture (timeline-svg.c): one row per
 * conversation over one time axis, a mark per packet.
 *
 * Interface: timeline_new/timeline_free/timeline_add/timeline_print and
 * timeline_svg are declared in labsniff.h; this header shares the layout
 * and the helpers both drawings use.
 */
#ifndef TIMELINE_H
#define TIMELINE_H

#include "labsniff.h"

/* A packet's mark, by priority: a column (or pixel) that holds several
 * packets shows the highest. */
enum tl_kind {
	TL_NONE,
	TL_ACK,    /* '.' no data, no SYN/FIN/RST */
	TL_DATA_C, /* '>' data from the client */
	TL_DATA_S, /* '<' data from the server */
	TL_FIN,    /* 'F' */
	TL_SYN,    /* 'S' SYN or SYN-ACK */
	TL_ALERT,  /* '!' retransmission, port unreachable, stray... */
	TL_RST,    /* 'R' */
	TL_KINDS
};

struct tl_mark {
	int64_t t_us;  /* since the capture's first packet */
	uint32_t next; /* the row's next mark + 1 (0: none) */
	uint8_t kind;  /* enum tl_kind */
};

struct tl_row {
	uint32_t id;           /* the conversation's number */
	uint8_t proto;         /* 6 TCP, 17 UDP */
	char cli[64], srv[64]; /* "ip:port" / "[ip6]:port" */
	int64_t first_us, last_us;
	uint32_t head, tail; /* its marks (index + 1) */
	uint64_t pkts, unmarked;
};

/* Every conversation's extent (rows or not), for "at once" counts. */
struct tl_span {
	int64_t first_us, last_us;
	int64_t srv_first_us, srv_last_us; /* server data, -1: none */
};

struct timeline {
	struct tl_row row[TIMELINE_MAX_ROWS];
	int nrows;
	struct tl_mark *mark;
	size_t nmarks, capmarks;
	struct tl_span *span; /* indexed by conversation number - 1 */
	uint32_t nspan, capspan;
	uint64_t nconv;       /* conversations seen */
	uint64_t more_pkts;   /* packets of conversations past the rows */
	uint32_t more_first;  /* the first conversation not drawn */
	int64_t more_from_us; /* when the first of those started */
	uint64_t untracked;   /* packets outside conversations */
	int64_t end_us;       /* the rows' last packet */
	int failed;           /* out of memory: marks or spans dropped */
};

static inline char
tl_char(int kind)
{
	return " .><FS!R"[kind];
}

/* The largest number of conversations open at once (first to last
 * packet), or with server data at once (first to last server data). */
uint32_t tl_at_once(const struct timeline *t, int server_data);

/* A round step of 1, 2 or 5 x 10^k microseconds, at least min_us. */
int64_t tl_step(int64_t min_us);

/* traceroute's hop rows (route.h): a row's label, a mark's kind, and
 * whether hop ttl of route ri has anything to draw. */
struct route;
struct route_path;
struct route_ev;
size_t tl_hop_label(
    const struct route_path *p, unsigned ttl, char *buf, size_t max);
int tl_hop_kind(const struct route_ev *e);
int tl_hop_used(const struct route *route, int ri, unsigned ttl);

/* Seconds with the decimals step_us needs ("0.02", "1.5", "3"). */
void tl_secs(struct outbuf *ob, int64_t us, int64_t step_us);

#endif

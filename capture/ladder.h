/*
 * The diagrams' store, shared by the terminal ladder (ladder.c) and the
 * SVG picture (svg.c): per conversation its two endpoints, per packet an
 * arrow (direction, time, label, annotation), bounded in size.
 *
 * Interface: ladder_new/ladder_free/ladder_add/ladder_print and svg_write
 * are declared in labsniff.h; this header only shares the layout.
 */
#ifndef LADDER_H
#define LADDER_H

#include "labsniff.h"

struct ladder_conv {
	uint32_t id;           /* the conversation's id */
	uint8_t proto;         /* 6 TCP, 17 UDP */
	char cli[64], srv[64]; /* "ip:port" / "[ip6]:port" */
	uint32_t narrows;      /* arrows stored */
	uint64_t omitted;      /* packets past LADDER_MAX_EVENTS */
};

struct ladder_ev {
	uint8_t conv;     /* index into ladder.conv */
	uint8_t dir;      /* 0 client -> server */
	uint8_t alert;    /* retransmission, reset, unreachable... */
	uint8_t answered; /* a UDP request some reply paired with */
	uint32_t req;     /* UDP: the request's number (0: not one) */
	int64_t t_us;     /* since the first packet */
	char label[LADDER_LABEL_LEN];
	char note[LADDER_NOTE_LEN];
};

struct ladder {
	struct ladder_conv conv[LADDER_MAX_CONVS];
	int nconv;
	struct ladder_ev *ev; /* LADDER_MAX_EVENTS of them */
	size_t nev;
	uint64_t more_convs; /* conversations past LADDER_MAX_CONVS */
	uint64_t untracked;  /* packets outside conversations */
	int finished;        /* ladder_finish has marked the unanswered */
	uint32_t only;       /* --conv N: draw conversation N only (0: all) */
	uint32_t last_id;    /* the highest conversation number seen */
};

/* Once all packets are in: requests nothing answered say so. */
void ladder_finish(struct ladder *l);

#endif

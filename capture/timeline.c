/*
 * labsniff --timeline: one row per conversation over one shared time
 * axis, a mark per packet, so that clients served one after the other
 * and clients served at once look different at a glance.
 */
#define _DEFAULT_SOURCE /* pcap.h (via labsniff.h) uses u_int, u_char */
#include "timeline.h"

#include "route.h"

#include <stdlib.h>

#define TL_GROW 1024 /* marks and spans allocated at first */

struct timeline *
timeline_new(void)
{
	return calloc(1, sizeof(struct timeline));
}

void
timeline_free(struct timeline *t)
{
	if (t != NULL) {
		free(t->mark);
		free(t->span);
	}
	free(t);
}

static void
tl_endpoint(char *buf, size_t n, const struct cap_addr *a, int port)
{
	struct outbuf b;

	outbuf_mem(&b, buf, n - 1);
	print_endpoint(&b, a, port);
	buf[b.failed ? 0 : b.len] = '\0';
}

static enum tl_kind
tl_kind_of(const struct cap_pkt *pkt, const struct cap_note *note)
{
	uint16_t fl = pkt->tp == CAP_TP_TCP ? pkt->tcp.flags : 0;

	if ((note->ev & CAP_EV_RST) || (fl & CAP_TH_RST))
		return TL_RST;
	if ((note->ev & (CAP_EV_RETRANS | CAP_EV_OOO | CAP_EV_GAP |
	                    CAP_EV_PORT_UNREACH | CAP_EV_UNPAIRED |
	                    CAP_EV_UNMATCHED)) ||
	    pkt->tp == CAP_TP_ICMP || pkt->tp == CAP_TP_ICMP6)
		return TL_ALERT;
	if (fl & CAP_TH_SYN)
		return TL_SYN;
	if (fl & CAP_TH_FIN)
		return TL_FIN;
	if (pkt->payload_len > 0)
		return note->dir == 0 ? TL_DATA_C : TL_DATA_S;
	return TL_ACK;
}

/* Grow *p (n of size each) to hold want; 0, or -1 out of memory. */
static int
tl_grow(void *p, uint32_t *cap, size_t want, size_t size, size_t max)
{
	size_t n = *cap ? *cap : TL_GROW;
	void *q;

	if (want <= *cap)
		return 0;
	while (n < want)
		n *= 2;
	if (n > max)
		n = max;
	if (want > n || (q = realloc(*(void **)p, n * size)) == NULL)
		return -1;
	*(void **)p = q;
	*cap = (uint32_t)n;
	return 0;
}

static void
tl_span_add(struct timeline *t, uint32_t id, int64_t us, int server_data)
{
	struct tl_span *s;

	if (tl_grow(&t->span, &t->capspan, id, sizeof *t->span,
	        TIMELINE_MAX_SPANS) != 0)
		return; /* past the limit: tl_at_once says of how many */
	while (t->nspan < id) {
		s = &t->span[t->nspan++];
		s->first_us = s->last_us = us;
		s->srv_first_us = s->srv_last_us = -1;
	}
	s = &t->span[id - 1];
	if (us > s->last_us)
		s->last_us = us;
	if (server_data) {
		if (s->srv_first_us < 0)
			s->srv_first_us = us;
		s->srv_last_us = us;
	}
}

static void
tl_mark_add(struct timeline *t, struct tl_row *r, int64_t us, int kind)
{
	uint32_t cap = (uint32_t)t->capmarks;
	struct tl_mark *m;

	if (tl_grow(&t->mark, &cap, t->nmarks + 1, sizeof *t->mark,
	        TIMELINE_MAX_MARKS) != 0) {
		r->unmarked++;
		return;
	}
	t->capmarks = cap;
	m = &t->mark[t->nmarks++];
	m->t_us = us;
	m->kind = (uint8_t)kind;
	m->next = 0;
	if (r->tail != 0)
		t->mark[r->tail - 1].next = (uint32_t)t->nmarks;
	else
		r->head = (uint32_t)t->nmarks;
	r->tail = (uint32_t)t->nmarks;
}

static struct tl_row *
tl_row_of(struct timeline *t, const struct cap_conv *c, int64_t us)
{
	struct tl_row *r;

	if (c->id == 0 || c->id > TIMELINE_MAX_ROWS)
		return NULL;
	r = &t->row[c->id - 1];
	if (r->id == 0) {
		r->id = c->id;
		r->proto = c->proto;
		tl_endpoint(r->cli, sizeof r->cli, &c->cli, c->cli_port);
		tl_endpoint(r->srv, sizeof r->srv, &c->srv, c->srv_port);
		r->first_us = us;
		if ((int)c->id > t->nrows)
			t->nrows = (int)c->id;
	}
	return r;
}

void
timeline_add(struct timeline *t, const struct cap_pkt *pkt,
    const struct cap_note *note, const struct timeval *t0)
{
	int64_t us = ((int64_t)pkt->ts.tv_sec - t0->tv_sec) * 1000000 +
	             (pkt->ts.tv_usec - t0->tv_usec);
	int kind = tl_kind_of(pkt, note);
	struct tl_row *r;
	uint32_t id;

	if (note->conv == NULL) {
		t->untracked++;
		return;
	}
	if (us < 0) /* a packet stamped before the first one: at 0 */
		us = 0;
	id = note->conv->id;
	if (id > t->nconv)
		t->nconv = id;
	tl_span_add(t, id, us, kind == TL_DATA_S);
	if ((r = tl_row_of(t, note->conv, us)) == NULL) {
		if (t->more_first == 0 || id < t->more_first) {
			t->more_first = id;
			t->more_from_us = us;
		}
		t->more_pkts++;
		return;
	}
	r->pkts++;
	if (us > r->last_us) /* packets out of time order: the extent */
		r->last_us = us;
	if (us < r->first_us)
		r->first_us = us;
	if (us > t->end_us)
		t->end_us = us;
	tl_mark_add(t, r, us, kind);
}

static int
tl_cmp_edge(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;

	/* by time; at the same time a start before an end */
	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return (x[1] < y[1]) - (x[1] > y[1]);
}

uint32_t
tl_at_once(const struct timeline *t, int server_data)
{
	int64_t(*e)[2] = malloc(2 * (size_t)t->nspan * sizeof *e);
	uint32_t i, n = 0, open = 0, most = 0;

	if (e == NULL)
		return 0;
	for (i = 0; i < t->nspan; i++) {
		const struct tl_span *s = &t->span[i];

		if (server_data && s->srv_first_us < 0)
			continue;
		e[n][0] = server_data ? s->srv_first_us : s->first_us;
		e[n++][1] = 1;
		e[n][0] = server_data ? s->srv_last_us : s->last_us;
		e[n++][1] = -1;
	}
	qsort(e, n, sizeof *e, tl_cmp_edge);
	for (i = 0; i < n; i++) {
		open += (uint32_t)e[i][1];
		if (open > most)
			most = open;
	}
	free(e);
	return most;
}

int64_t
tl_step(int64_t min_us)
{
	int64_t p = 1;

	for (;;) {
		if (p >= min_us)
			return p;
		if (2 * p >= min_us)
			return 2 * p;
		if (5 * p >= min_us)
			return 5 * p;
		p *= 10;
	}
}

void
tl_secs(struct outbuf *ob, int64_t us, int64_t step_us)
{
	int digits = 6;
	int64_t unit = 1;

	while (digits > 0 && step_us % (unit * 10) == 0)
		unit *= 10, digits--;
	outbuf_u64(ob, (uint64_t)us / 1000000);
	if (digits > 0) {
		outbuf_putc(ob, '.');
		outbuf_frac(
		    ob, (uint64_t)(us % 1000000) / (uint64_t)unit, digits);
	}
}

/* --- the terminal --- */

static void
tl_pad(struct outbuf *ob, char c, size_t n)
{
	while (n-- > 0)
		outbuf_putc(ob, c);
}

/* "#12 TCP 127.0.0.1:40001 -> 127.0.0.1:5000", cut to max. */
static size_t
tl_label(const struct tl_row *r, char *buf, size_t max)
{
	size_t n = (size_t)snprintf(buf, max + 1, "#%u %s %s -> %s",
	    (unsigned)r->id, r->proto == 6 ? "TCP" : "UDP", r->cli, r->srv);

	if (n > max) {
		memcpy(buf + max - 3, "...", 3);
		n = max;
	}
	return n;
}

static void
tl_header(struct timeline *t, struct outbuf *ob, int64_t col_us)
{
	uint32_t most;

	outbuf_puts(ob, _("timeline: "));
	outbuf_u64(ob, t->nconv);
	outbuf_puts(ob, ngettext(" conversation", " conversations",
	                    (unsigned long)t->nconv));
	outbuf_puts(ob, _(" from 0 to "));
	tl_secs(ob, t->end_us, 1);
	outbuf_puts(ob, _(" s, one column = "));
	print_ms(ob, col_us);
	outbuf_puts(ob, _("\n  at most "));
	outbuf_u64(ob, tl_at_once(t, 0));
	outbuf_puts(ob, _(" open at once; "));
	if ((most = tl_at_once(t, 1)) == 0)
		outbuf_puts(ob, _("the server sent no data"));
	else {
		outbuf_puts(ob, _("the server sent data in at most "));
		outbuf_u64(ob, most);
		outbuf_puts(ob, _(" at a time"));
	}
	if (t->nconv > t->nspan) {
		outbuf_puts(ob, _(", of the first "));
		outbuf_u64(ob, t->nspan);
	}
	outbuf_puts(ob, _("\n  S SYN  F FIN  R reset  > data from the client  "
	                  "< data from the server  . other\n"
	                  "  ! trouble (retransmission, unreachable, stray)  "
	                  "= the client spoke last  - quiet\n\n"));
}

/* The scale: labels at round times, '+' under each. */
static void
tl_axis(struct outbuf *ob, size_t lw, size_t w, int64_t col_us)
{
	int64_t step = tl_step(10 * col_us), at;
	char line[TIMELINE_WIDTH_MAX + 1], lab[32];
	struct outbuf b;
	size_t c, used = 0;

	memset(line, '-', w);
	tl_pad(ob, ' ', lw + 2);
	for (at = 0; (c = (size_t)(at / col_us)) < w; at += step) {
		line[c] = '+';
		outbuf_mem(&b, lab, sizeof lab);
		if (at == 0)
			outbuf_puts(&b, "0 s");
		else
			tl_secs(&b, at, step);
		if ((at > 0 && c < used + 1) || c + b.len > w)
			continue; /* no room */
		tl_pad(ob, ' ', c - used);
		outbuf_put(ob, lab, b.len);
		used = c + b.len;
	}
	outbuf_putc(ob, '\n');
	tl_pad(ob, ' ', lw + 2);
	outbuf_put(ob, line, w);
	outbuf_putc(ob, '\n');
}

static void
tl_row_print(const struct timeline *t, const struct tl_row *r,
    struct outbuf *ob, size_t lw, size_t w, int64_t col_us)
{
	char cell[TIMELINE_WIDTH_MAX], label[TIMELINE_LABEL_MAX + 1];
	int8_t talk[TIMELINE_WIDTH_MAX]; /* last data: 0 client, 1 server */
	size_t c, n = tl_label(r, label, lw), first, last;
	uint32_t i;
	int waiting = 0;

	memset(cell, TL_NONE, w);
	memset(talk, -1, w);
	for (i = r->head; i != 0; i = t->mark[i - 1].next) {
		const struct tl_mark *m = &t->mark[i - 1];

		c = (size_t)(m->t_us / col_us);
		if (m->kind > cell[c])
			cell[c] = (char)m->kind;
		if (m->kind == TL_DATA_C || m->kind == TL_DATA_S)
			talk[c] = m->kind == TL_DATA_S;
	}
	outbuf_put(ob, label, n);
	tl_pad(ob, ' ', lw - n + 1);
	outbuf_putc(ob, '|');
	first = (size_t)(r->first_us / col_us);
	last = (size_t)(r->last_us / col_us);
	for (c = 0; c <= last; c++) {
		if (cell[c] != TL_NONE)
			outbuf_putc(ob, tl_char(cell[c]));
		else
			outbuf_putc(ob, c < first ? ' ' : waiting ? '=' : '-');
		if (talk[c] >= 0)
			waiting = talk[c] == 0;
	}
	if (r->unmarked > 0) {
		outbuf_puts(ob, " (");
		outbuf_u64(ob, r->unmarked);
		outbuf_puts(
		    ob, ngettext(" packet not marked)", " packets not marked)",
		            (unsigned long)r->unmarked));
	}
	outbuf_putc(ob, '\n');
}

static void
tl_footer(const struct timeline *t, struct outbuf *ob)
{
	if (t->nconv > (uint64_t)t->nrows) {
		outbuf_puts(ob, "(");
		outbuf_u64(ob, t->nconv - (uint64_t)t->nrows);
		outbuf_puts(
		    ob, ngettext(" more conversation not drawn, #",
		            " more conversations not drawn, #",
		            (unsigned long)(t->nconv - (uint64_t)t->nrows)));
		outbuf_u64(ob, t->more_first);
		outbuf_puts(ob, _(" on from "));
		tl_secs(ob, t->more_from_us, 1);
		outbuf_puts(ob, " s, ");
		outbuf_u64(ob, t->more_pkts);
		outbuf_puts(ob, ngettext(" packet: a filter picks it)\n",
		                    " packets: a filter picks them)\n",
		                    (unsigned long)t->more_pkts));
	}
	if (t->untracked > 0) {
		outbuf_puts(ob, "(");
		outbuf_u64(ob, t->untracked);
		outbuf_puts(ob,
		    ngettext(
		        " packet outside TCP/UDP conversations not drawn)\n",
		        " packets outside TCP/UDP conversations not drawn)\n",
		        (unsigned long)t->untracked));
	}
}

/* "route to 10.0.2.3 hop 2: 10.0.1.254", cut to max. */
size_t
tl_hop_label(const struct route_path *p, unsigned ttl, char *buf, size_t max)
{
	char hop[48];
	size_t n;

	route_hop_text(hop, sizeof hop, p, ttl);
	/* TRANSLATORS: a row's label, padded to a column by its bytes:
	 * write it in ASCII letters */
	n = (size_t)snprintf(
	    buf, max + 1, _("route to %s hop %u: %s"), p->dst_text, ttl, hop);
	if (n > max) {
		memcpy(buf + max - 3, "...", 3);
		n = max;
	}
	return n;
}

/* A hop's mark: a probe sent with its TTL, and the answer. */
int
tl_hop_kind(const struct route_ev *e)
{
	if (e->kind == RT_PROBE)
		return e->answer == 0 ? TL_ALERT : TL_DATA_C;
	return e->kind == RT_OTHER ? TL_ALERT : TL_DATA_S;
}

/* Whether hop ttl of route ri has a probe or an answer. */
int
tl_hop_used(const struct route *route, int ri, unsigned ttl)
{
	size_t i;

	for (i = 0; i < route->nev; i++)
		if (route->ev[i].ri == ri && route->ev[i].ttl == ttl)
			return 1;
	return 0;
}

static void
tl_hop_print(const struct route *route, int ri, unsigned ttl, struct outbuf *ob,
    size_t lw, size_t w, int64_t col_us)
{
	char cell[TIMELINE_WIDTH_MAX], label[TIMELINE_LABEL_MAX + 1];
	size_t c, n = tl_hop_label(&route->path[ri], ttl, label, lw);
	size_t first = w, last = 0, i;
	int kind;

	memset(cell, TL_NONE, w);
	for (i = 0; i < route->nev; i++) {
		const struct route_ev *e = &route->ev[i];

		if (e->ri != ri || e->ttl != ttl)
			continue;
		c = (size_t)(e->t_us / col_us);
		if (c >= w)
			c = w - 1;
		kind = tl_hop_kind(e);
		if (kind > cell[c])
			cell[c] = (char)kind;
		first = c < first ? c : first;
		last = c > last ? c : last;
	}
	outbuf_put(ob, label, n);
	tl_pad(ob, ' ', lw - n + 1);
	outbuf_putc(ob, '|');
	for (c = 0; c <= last; c++)
		outbuf_putc(ob, cell[c] != TL_NONE ? tl_char(cell[c])
		                : c < first        ? ' '
		                                   : '-');
	outbuf_putc(ob, '\n');
}

/* The widest hop row label. */
static size_t
tl_hop_width(const struct route *route)
{
	char label[TIMELINE_LABEL_MAX + 1];
	size_t lw = 0, n;
	unsigned k;
	int ri;

	for (ri = 0; route != NULL && ri < route->npath; ri++)
		for (k = 1; k <= route->path[ri].maxttl; k++)
			if (tl_hop_used(route, ri, k) &&
			    (n = tl_hop_label(&route->path[ri], k, label,
			         TIMELINE_LABEL_MAX)) > lw)
				lw = n;
	return lw;
}

static void
tl_hops_print(const struct route *route, struct outbuf *ob, size_t lw, size_t w,
    int64_t col_us)
{
	unsigned k;
	int ri;

	if (route == NULL || route->nev == 0)
		return;
	outbuf_puts(ob, _("traceroute, a row per hop (the probes' TTL): > a "
	                  "probe  < the hop's answer (over its probe in one "
	                  "column)  ! a probe never answered\n"));
	for (ri = 0; ri < route->npath; ri++)
		for (k = 1; k <= route->path[ri].maxttl; k++)
			if (tl_hop_used(route, ri, k))
				tl_hop_print(route, ri, k, ob, lw, w, col_us);
	if (route->omitted > 0) {
		outbuf_puts(ob, "(");
		outbuf_u64(ob, route->omitted);
		outbuf_puts(ob, ngettext(" more probe or answer not drawn)\n",
		                    " more probes and answers not drawn)\n",
		                    (unsigned long)route->omitted));
	}
}

void
timeline_print(
    struct timeline *t, const struct route *route, struct outbuf *ob, int width)
{
	char label[TIMELINE_LABEL_MAX + 1];
	size_t lw, n, w;
	int64_t col_us;
	int i, hops = route != NULL && route->nev > 0;

	if (t->nrows == 0 && !hops) {
		outbuf_puts(ob, _("timeline: no TCP or UDP conversation "
		                  "captured\n"));
		tl_footer(t, ob);
		return;
	}
	lw = tl_hop_width(route);
	for (i = 0; i < t->nrows; i++)
		if (t->row[i].id != 0 &&
		    (n = tl_label(&t->row[i], label, TIMELINE_LABEL_MAX)) > lw)
			lw = n;
	if (hops && route->end_us > t->end_us)
		t->end_us = route->end_us;
	if (width > TIMELINE_WIDTH_MAX)
		width = TIMELINE_WIDTH_MAX;
	w = (size_t)width > lw + 2 + TIMELINE_AXIS_MIN ? (size_t)width - lw - 2
	                                               : TIMELINE_AXIS_MIN;
	col_us = (t->end_us + (int64_t)w) / (int64_t)w; /* end in the last */
	if (col_us < 1)
		col_us = 1;
	tl_header(t, ob, col_us);
	tl_axis(ob, lw, w, col_us);
	for (i = 0; i < t->nrows; i++)
		if (t->row[i].id != 0)
			tl_row_print(t, &t->row[i], ob, lw, w, col_us);
	tl_hops_print(route, ob, lw, w, col_us);
	tl_footer(t, ob);
}

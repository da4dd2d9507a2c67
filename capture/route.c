/*
 * The route traceroute's probes find, drawn: --ladder gives each
 * destination a sequence diagram with a lifeline per hop, each probe an
 * arrow that ends where its TTL ran out, each answer an arrow back.
 */
#define _DEFAULT_SOURCE /* pcap.h (via labsniff.h) uses u_int, u_char */
#include "route.h"

#include <stdlib.h>

#define ROUTE_TIME_COLS 10 /* "12.345678" right-aligned */
#define ROUTE_LEFT 14      /* the sender's lifeline */

struct route *
route_new(void)
{
	struct route *r = calloc(1, sizeof *r);

	if (r == NULL)
		return NULL;
	r->ev = calloc(ROUTE_MAX_EVENTS, sizeof *r->ev);
	if (r->ev == NULL) {
		free(r);
		return NULL;
	}
	return r;
}

void
route_free(struct route *r)
{
	if (r != NULL)
		free(r->ev);
	free(r);
}

void
route_addr_text(char *buf, size_t n, const struct cap_addr *a)
{
	struct outbuf b;

	outbuf_mem(&b, buf, n - 1);
	print_endpoint(&b, a, -1);
	buf[b.failed ? 0 : b.len] = '\0';
}

void
route_hop_text(char *buf, size_t n, const struct route_path *p, unsigned ttl)
{
	if (ttl > CAP_TRACE_TTL_MAX || p->hop[ttl].family == 0)
		snprintf(buf, n, "?");
	else
		route_addr_text(buf, n, &p->hop[ttl]);
}

static int
route_path_index(
    struct route *r, const struct cap_addr *src, int family, const uint8_t *dst)
{
	struct route_path *p;
	int i;

	for (i = 0; i < r->npath; i++)
		if (r->path[i].dst.family == family &&
		    memcmp(r->path[i].dst.a, dst, 16) == 0)
			return i;
	if (r->npath == XCHG_ROUTES_MAX || src == NULL)
		return -1;
	p = &r->path[r->npath];
	memset(p, 0, sizeof *p);
	p->src = *src;
	p->dst.family = (uint8_t)family;
	memcpy(p->dst.a, dst, 16);
	route_addr_text(p->dst_text, sizeof p->dst_text, &p->dst);
	return r->npath++;
}

static struct route_ev *
route_ev_new(struct route *r, int ri, int64_t us, unsigned ttl, int kind)
{
	struct route_ev *e;

	if (r->nev == ROUTE_MAX_EVENTS) {
		r->omitted++;
		return NULL;
	}
	e = &r->ev[r->nev++];
	memset(e, 0, sizeof *e);
	e->t_us = us;
	e->ri = (uint8_t)ri;
	e->ttl = (uint8_t)ttl;
	e->kind = (uint8_t)kind;
	r->path[ri].nev++;
	if (ttl > r->path[ri].maxttl)
		r->path[ri].maxttl = (uint8_t)ttl;
	if (us > r->end_us)
		r->end_us = us;
	return e;
}

/* "UDP to port 33434", "TCP to port 80", "echo request seq 3" */
static void
route_probe_words(struct route_ev *e, const struct cap_pkt *pkt)
{
	if (pkt->tp == CAP_TP_ICMP || pkt->tp == CAP_TP_ICMP6)
		snprintf(e->what, sizeof e->what, _("echo request seq %u"),
		    (unsigned)pkt->icmp.seq);
	else
		/* TRANSLATORS: "UDP to port 33434", a traceroute probe. */
		snprintf(e->what, sizeof e->what, _("%s to port %u"),
		    pkt->tp == CAP_TP_TCP ? "TCP" : "UDP",
		    (unsigned)pkt->dport);
}

static void
route_answer(struct route *r, const struct cap_pkt *pkt,
    const struct cap_xnote *xn, int64_t us)
{
	int v6 = xn->q.key.family == 6, ri, kind;
	int64_t probe_us = us - xn->rtt_us;
	unsigned ttl = xn->q.tag;
	struct route_ev *e;
	size_t i;

	ri = route_path_index(r, NULL, xn->q.key.family, xn->q.key.a[1]);
	if (ri < 0 || ttl == 0 || ttl > CAP_TRACE_TTL_MAX)
		return;
	kind = (xn->ev & CAP_XE_REACHED)        ? RT_REACHED
	       : xn->icmp_type == (v6 ? 3 : 11) ? RT_EXPIRED
	                                        : RT_OTHER;
	if ((e = route_ev_new(r, ri, us, ttl, kind)) == NULL)
		return;
	e->rtt_us = xn->rtt_us;
	e->from = pkt->src;
	if (r->path[ri].hop[ttl].family == 0)
		r->path[ri].hop[ttl] = pkt->src;
	if (kind == RT_REACHED && r->path[ri].reached_at == 0)
		r->path[ri].reached_at = (uint8_t)ttl;
	if (kind == RT_EXPIRED)
		snprintf(e->what, sizeof e->what, "%s", _("TTL expired"));
	else if (pkt->tp == CAP_TP_ICMP || pkt->tp == CAP_TP_ICMP6)
		snprintf(e->what, sizeof e->what, "%s",
		    cap_icmp_name(pkt->tp == CAP_TP_ICMP ? 4 : 6,
		        pkt->icmp.type, pkt->icmp.code));
	for (i = r->nev - 1; i-- > 0;) { /* the probe it answers */
		struct route_ev *p = &r->ev[i];

		if (p->ri == ri && p->kind == RT_PROBE && p->ttl == ttl &&
		    p->answer == 0 && p->t_us == probe_us) {
			p->answer = (uint8_t)kind;
			break;
		}
	}
}

/* How many events the packet gave (0: not part of a traceroute). */
int
route_add(struct route *r, const struct cap_pkt *pkt,
    const struct cap_xnote *xn, const struct timeval *t0)
{
	int64_t us = ((int64_t)pkt->ts.tv_sec - t0->tv_sec) * 1000000 +
	             (pkt->ts.tv_usec - t0->tv_usec);
	size_t before = r->nev;
	uint64_t omitted = r->omitted;
	struct route_ev *e;
	int ri;

	if (xn->kind == CAP_XK_NONE)
		return 0;
	if (us < 0)
		us = 0;
	if (xn->probe_ttl != 0 && xn->probe_ttl <= CAP_TRACE_TTL_MAX &&
	    (ri = route_path_index(
	         r, &pkt->src, pkt->dst.family, pkt->dst.a)) >= 0 &&
	    (e = route_ev_new(r, ri, us, xn->probe_ttl, RT_PROBE)) != NULL)
		route_probe_words(e, pkt);
	if ((xn->ev & CAP_XE_ANSWER) &&
	    (xn->kind == CAP_XK_TRACE || (xn->ev & CAP_XE_REACHED)))
		route_answer(r, pkt, xn, us);
	return (int)(r->nev - before + (r->omitted - omitted));
}

/* --- the terminal --- */

#define ROUTE_LINE (ROUTE_LEFT + (CAP_TRACE_TTL_MAX + 1) * ROUTE_COL + 8)

/* line[0..n), trailing blanks dropped, and a newline unless more
 * follows on the same line. */
static void
route_line(struct outbuf *ob, const char *line, size_t n, int more)
{
	while (!more && n > 0 && line[n - 1] == ' ')
		n--;
	outbuf_put(ob, line, n);
	if (!more)
		outbuf_putc(ob, '\n');
}

static size_t
route_col(unsigned k)
{
	return ROUTE_LEFT + (size_t)k * ROUTE_COL;
}

static void
route_header(const struct route_path *p, struct outbuf *ob)
{
	char line[ROUTE_LINE];
	size_t w = route_col(p->maxttl) + 1, at;
	unsigned k;
	int n;

	const char *you = _("you");
	size_t yl = strlen(you) < ROUTE_LEFT ? strlen(you) : ROUTE_LEFT;

	outbuf_puts(ob, _("\nroute to "));
	outbuf_puts(ob, p->dst_text);
	outbuf_puts(ob, _(" (traceroute: a probe with TTL n expires at hop n, "
	                  "whose router answers)\n"));
	memset(line, ' ', sizeof line);
	memcpy(line + ROUTE_LEFT - yl / 2, you, yl);
	for (k = 1; k <= p->maxttl; k++) {
		char lab[16];

		n = snprintf(lab, sizeof lab, _("hop %u"), k);
		if (n < 0 || (size_t)n >= sizeof lab)
			continue;
		at = route_col(k) + 1 - (size_t)(n + 1) / 2;
		if (at + (size_t)n <= sizeof line)
			memcpy(line + at, lab, (size_t)n);
	}
	route_line(ob, line, sizeof line, 0);
	memset(line, ' ', w);
	for (k = 0; k <= p->maxttl; k++)
		line[route_col(k)] = '|';
	route_line(ob, line, w, 0);
}

/* One arrow between the sender and hop e->ttl, lifelines crossed shown
 * as '+' (the router forwarded it). */
static void
route_arrow(
    const struct route_path *p, const struct route_ev *e, struct outbuf *ob)
{
	char line[ROUTE_LINE], t[32];
	size_t w = route_col(p->maxttl) + 1, c, end = route_col(e->ttl);
	struct outbuf tb;
	unsigned k;

	outbuf_mem(&tb, t, sizeof t);
	print_reltime(&tb, &(struct timeval){0, 0},
	    &(struct timeval){
	        (time_t)(e->t_us / 1000000), (suseconds_t)(e->t_us % 1000000)});
	memset(line, ' ', w);
	if (!tb.failed && tb.len <= ROUTE_TIME_COLS)
		memcpy(line + ROUTE_TIME_COLS - tb.len, t, tb.len);
	for (k = 0; k <= p->maxttl; k++)
		line[route_col(k)] = '|';
	for (c = route_col(0) + 1; c < end; c++)
		line[c] = line[c] == '|' ? '+' : '-';
	if (e->kind == RT_PROBE) {
		line[end - 1] = '>';
		line[end] = e->answer == 0            ? '?'
		            : e->answer == RT_REACHED ? '|'
		                                      : 'x';
	} else {
		line[route_col(0) + 1] = '<';
	}
	route_line(ob, line, w, 1);
}

static void
route_note(const struct route_ev *e, struct outbuf *ob)
{
	char hop[48];

	if (e->kind == RT_PROBE) {
		outbuf_puts(ob, e->answer == 0 ? " !! TTL " : "  TTL ");
		outbuf_u64(ob, e->ttl);
		outbuf_puts(ob, ": ");
		outbuf_puts(ob, e->what);
		if (e->answer == 0)
			outbuf_puts(ob, _(", no answer"));
		return;
	}
	outbuf_puts(ob, e->kind == RT_OTHER ? " !! " : "  ");
	outbuf_puts(ob, _("hop "));
	outbuf_u64(ob, e->ttl);
	outbuf_putc(ob, ' ');
	route_addr_text(hop, sizeof hop, &e->from);
	outbuf_puts(ob, hop);
	if (e->kind == RT_REACHED)
		outbuf_puts(ob, _(" (the destination)"));
	outbuf_puts(ob, ": ");
	outbuf_puts(ob, e->what);
	outbuf_puts(ob, _(", after "));
	print_ms(ob, e->rtt_us);
}

static void
route_hops(const struct route_path *p, struct outbuf *ob)
{
	char hop[48];
	unsigned k;

	outbuf_puts(ob, _("  hops:"));
	for (k = 1; k <= p->maxttl; k++) {
		route_hop_text(hop, sizeof hop, p, k);
		outbuf_puts(ob, k > 1 ? ", " : " ");
		outbuf_u64(ob, k);
		outbuf_putc(ob, ' ');
		outbuf_puts(ob, hop);
		if (p->reached_at == k)
			outbuf_puts(ob, _(" (the destination)"));
	}
	outbuf_puts(ob, _("\n  x: the TTL ran out there; ?: no answer; "
	                  "+: forwarded by that hop\n"));
}

void
route_print(const struct route *r, struct outbuf *ob)
{
	const struct route_path *p;
	size_t i;
	int ri;

	for (ri = 0; ri < r->npath; ri++) {
		p = &r->path[ri];
		route_header(p, ob);
		for (i = 0; i < r->nev; i++) {
			const struct route_ev *e = &r->ev[i];

			if (e->ri != ri)
				continue;
			route_arrow(p, e, ob);
			route_note(e, ob);
			outbuf_putc(ob, '\n');
		}
		route_hops(p, ob);
	}
	if (r->omitted > 0) {
		outbuf_puts(ob, "(");
		outbuf_u64(ob, r->omitted);
		outbuf_puts(ob, ngettext(" more probe or answer not drawn)\n",
		                    " more probes and answers not drawn)\n",
		                    (unsigned long)r->omitted));
	}
}

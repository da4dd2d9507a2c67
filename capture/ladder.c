/*
 * labsniff --ladder: each conversation as a sequence diagram in the
 * terminal, as textbooks draw a handshake: client on the left, server on
 * the right (keyed by ip:port: on loopback both share an address), one
 * arrow per packet, time going down.
 */
#define _DEFAULT_SOURCE /* pcap.h (via labsniff.h) uses u_int, u_char */
#include "ladder.h"

#include <stdlib.h>

#define LADDER_TIME_COLS 10 /* "12.345678" right-aligned */
#define LADDER_MIN_WIDTH 30 /* arrow columns at least */

struct ladder *
ladder_new(void)
{
	struct ladder *l = calloc(1, sizeof *l);

	if (l == NULL)
		return NULL;
	l->ev = calloc(LADDER_MAX_EVENTS, sizeof *l->ev);
	if (l->ev == NULL) {
		free(l);
		return NULL;
	}
	return l;
}

void
ladder_free(struct ladder *l)
{
	if (l != NULL)
		free(l->ev);
	free(l);
}

static void
ladder_endpoint(char *buf, size_t n, const struct cap_addr *a, int port)
{
	struct outbuf b;

	outbuf_mem(&b, buf, n - 1);
	print_endpoint(&b, a, port);
	buf[b.failed ? 0 : b.len] = '\0';
}

static void ladder_answered(struct ladder *l, int ci, uint32_t req);

static int
ladder_conv_index(struct ladder *l, const struct cap_conv *c)
{
	int i;

	for (i = 0; i < l->nconv; i++)
		if (l->conv[i].id == c->id)
			return i;
	if (l->nconv == LADDER_MAX_CONVS) {
		l->more_convs++; /* counts packets of later ones too */
		return -1;
	}
	l->conv[i].id = c->id;
	l->conv[i].proto = c->proto;
	ladder_endpoint(
	    l->conv[i].cli, sizeof l->conv[i].cli, &c->cli, c->cli_port);
	ladder_endpoint(
	    l->conv[i].srv, sizeof l->conv[i].srv, &c->srv, c->srv_port);
	l->nconv++;
	return i;
}

/* Copy what b holds into dst (n bytes), "..." marking a cut. */
static void
ladder_copy(char *dst, size_t n, const struct outbuf *b)
{
	size_t len = b->failed ? 0 : b->len;

	if (len >= n) {
		len = n - 1;
		memcpy(b->buf + len - 3, "...", 3);
	}
	memcpy(dst, b->buf, len);
	dst[len] = '\0';
}

void
ladder_add(struct ladder *l, const struct cap_pkt *pkt,
    const struct cap_note *note, const struct timeval *t0)
{
	char buf[512];
	struct outbuf b;
	struct ladder_ev *e;
	int ci;

	if (note->conv == NULL) {
		l->untracked++;
		return;
	}
	if (note->conv->id > l->last_id)
		l->last_id = note->conv->id;
	if (l->only != 0 && note->conv->id != l->only)
		return; /* --conv N */
	if ((ci = ladder_conv_index(l, note->conv)) < 0)
		return;
	if (l->nev == LADDER_MAX_EVENTS) {
		l->conv[ci].omitted++;
		return;
	}
	e = &l->ev[l->nev++];
	e->conv = (uint8_t)ci;
	e->dir = (uint8_t)(note->dir & 1);
	e->t_us = ((int64_t)pkt->ts.tv_sec - t0->tv_sec) * 1000000 +
	          (pkt->ts.tv_usec - t0->tv_usec);
	e->alert =
	    (note->ev & (CAP_EV_RETRANS | CAP_EV_RST | CAP_EV_OOO |
	                    CAP_EV_PORT_UNREACH | CAP_EV_GAP | CAP_EV_DUP_ACK |
	                    CAP_EV_UNPAIRED | CAP_EV_UNMATCHED)) != 0;
	outbuf_mem(&b, buf, sizeof buf);
	if (pkt->tp == CAP_TP_ICMP || pkt->tp == CAP_TP_ICMP6) {
		outbuf_puts(&b, "ICMP ");
		outbuf_puts(&b, cap_icmp_name(pkt->tp == CAP_TP_ICMP ? 4 : 6,
		                    pkt->icmp.type, pkt->icmp.code));
	} else {
		print_label(&b, pkt, note, LABEL_TEXT_MAX);
	}
	ladder_copy(e->label, sizeof e->label, &b);
	outbuf_mem(&b, buf, sizeof buf);
	print_notes(&b, pkt, note);
	ladder_copy(e->note, sizeof e->note, &b);
	e->answered = 0;
	e->req = (note->ev & CAP_EV_REQUEST) ? note->req : 0;
	if (note->ev & CAP_EV_REPLY)
		ladder_answered(l, ci, note->req);
	l->conv[ci].narrows++;
}

/* --conv N: only conversation N is drawn. */
void
ladder_pick(struct ladder *l, uint32_t id)
{
	l->only = id;
}

/* Whether --conv N named a conversation of the capture; *nconv: how
 * many there were. */
int
ladder_has_conv(const struct ladder *l, uint32_t *nconv)
{
	*nconv = l->last_id;
	return l->only == 0 || l->only <= l->last_id;
}

/* The request a reply pairs with, searched from the latest arrow. */
static void
ladder_answered(struct ladder *l, int ci, uint32_t req)
{
	size_t i = l->nev;

	while (i-- > 0)
		if (l->ev[i].conv == ci && l->ev[i].req == req) {
			l->ev[i].answered = 1;
			return;
		}
}

void
ladder_finish(struct ladder *l)
{
	static const char mark[] = ", no reply";
	size_t i, len;

	if (l->finished++)
		return;
	for (i = 0; i < l->nev; i++) {
		struct ladder_ev *e = &l->ev[i];

		if (e->req == 0 || e->answered)
			continue;
		len = strlen(e->note);
		if (len + sizeof mark <= sizeof e->note)
			memcpy(e->note + len, mark, sizeof mark);
		e->alert = 1;
	}
}

static void
pad(struct outbuf *ob, char c, size_t n)
{
	while (n-- > 0)
		outbuf_putc(ob, c);
}

static size_t
ladder_width(const struct ladder *l, int ci)
{
	const struct ladder_conv *c = &l->conv[ci];
	size_t i, w = LADDER_MIN_WIDTH, need;

	for (i = 0; i < l->nev; i++)
		if (l->ev[i].conv == ci && strlen(l->ev[i].label) + 8 > w)
			w = strlen(l->ev[i].label) + 8;
	need = strlen(c->cli) / 2 + strlen(c->srv) / 2 + 4;
	return need > w ? need : w;
}

/* Endpoint names centred on the two lifelines. */
static void
ladder_header(struct outbuf *ob, const struct ladder_conv *c, size_t w)
{
	size_t left = LADDER_TIME_COLS + 1, cl = strlen(c->cli),
	       sl = strlen(c->srv), at, col;

	outbuf_putc(ob, '\n');
	outbuf_puts(ob, _("conversation #"));
	outbuf_u64(ob, c->id);
	outbuf_puts(ob, c->proto == 6 ? " (TCP)\n" : " (UDP)\n");
	at = left > cl / 2 ? left - cl / 2 : 0;
	pad(ob, ' ', at);
	outbuf_puts(ob, c->cli);
	col = at + cl;
	at = left + w + 1 - sl / 2;
	pad(ob, ' ', at > col ? at - col : 1);
	outbuf_puts(ob, c->srv);
	outbuf_putc(ob, '\n');
	/* the side names, each centred on its lifeline (in any language) */
	cl = strlen(_("client"));
	sl = strlen(_("server"));
	at = left > cl / 2 ? left - cl / 2 : 0;
	pad(ob, ' ', at);
	outbuf_puts(ob, _("client"));
	col = at + cl;
	at = left + w + 1 - sl / 2;
	pad(ob, ' ', at > col ? at - col : 1);
	outbuf_puts(ob, _("server"));
	outbuf_putc(ob, '\n');
	pad(ob, ' ', left);
	outbuf_putc(ob, '|');
	pad(ob, ' ', w);
	outbuf_puts(ob, "|\n");
}

static void
ladder_arrow(struct outbuf *ob, const struct ladder_ev *e, size_t w)
{
	size_t len = strlen(e->label), dashes = w - len - 3, l = dashes / 2;
	char t[32];
	struct outbuf tb;

	outbuf_mem(&tb, t, sizeof t);
	print_reltime(&tb, &(struct timeval){0, 0},
	    &(struct timeval){
	        (time_t)(e->t_us / 1000000), (suseconds_t)(e->t_us % 1000000)});
	pad(ob, ' ', tb.len < LADDER_TIME_COLS ? LADDER_TIME_COLS - tb.len : 0);
	outbuf_put(ob, t, tb.len);
	outbuf_puts(ob, " |");
	if (e->dir == 1)
		outbuf_putc(ob, '<');
	pad(ob, '-', l);
	outbuf_putc(ob, ' ');
	outbuf_puts(ob, e->label);
	outbuf_putc(ob, ' ');
	pad(ob, '-', dashes - l);
	if (e->dir == 0)
		outbuf_putc(ob, '>');
	outbuf_putc(ob, '|');
	if (e->note[0] != '\0') {
		outbuf_puts(ob, e->alert ? " !! " : "  ");
		outbuf_puts(ob, e->note);
	}
	outbuf_putc(ob, '\n');
}

void
ladder_print(struct ladder *l, struct outbuf *ob)
{
	int ci;
	size_t i, w;

	ladder_finish(l);
	for (ci = 0; ci < l->nconv; ci++) {
		w = ladder_width(l, ci);
		ladder_header(ob, &l->conv[ci], w);
		for (i = 0; i < l->nev; i++)
			if (l->ev[i].conv == ci)
				ladder_arrow(ob, &l->ev[i], w);
		if (l->conv[ci].omitted > 0) {
			outbuf_puts(ob, "  ... ");
			outbuf_u64(ob, l->conv[ci].omitted);
			outbuf_puts(
			    ob, ngettext(" more packet not drawn\n",
			            " more packets not drawn\n",
			            (unsigned long)l->conv[ci].omitted));
		}
	}
	if (l->more_convs > 0) {
		outbuf_puts(ob, "\n(");
		outbuf_u64(ob, l->more_convs);
		outbuf_puts(
		    ob, ngettext(" packet of further conversations not drawn:"
		                 " --conv N draws conversation N)\n",
		            " packets of further conversations not drawn:"
		            " --conv N draws conversation N)\n",
		            (unsigned long)l->more_convs));
	}
	if (l->untracked > 0) {
		outbuf_puts(ob, "\n(");
		outbuf_u64(ob, l->untracked);
		outbuf_puts(ob,
		    ngettext(
		        " packet outside TCP/UDP conversations not drawn)\n",
		        " packets outside TCP/UDP conversations not drawn)\n",
		        (unsigned long)l->untracked));
	}
}

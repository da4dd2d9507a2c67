/*
 * labsniff's one line per packet: time since the first packet, endpoints,
 * protocol facts (tcpdump's, in words too), payload as text, and the
 * teaching annotation at the end.  Formatted by hand into the outbuf.
 */
#define _DEFAULT_SOURCE /* pcap.h (via labsniff.h) uses u_int, u_char */
#include "labsniff.h"
#include "route.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h> /* TIOCGWINSZ: the terminal's width */
#include <unistd.h>

static const struct {
	uint16_t bit;
	const char *word;
} tcp_words[] = {
    {CAP_TH_SYN, "SYN"},
    {CAP_TH_FIN, "FIN"},
    {CAP_TH_RST, "RST"},
    {CAP_TH_PSH, "PSH"},
    {CAP_TH_URG, "URG"},
    {CAP_TH_ECE, "ECE"},
    {CAP_TH_CWR, "CWR"},
    {CAP_TH_AE, "AE"},
    {CAP_TH_ACK, "ACK"},
};

void
print_tcp_words(struct outbuf *ob, uint16_t flags)
{
	size_t i;
	int any = 0;

	for (i = 0; i < sizeof tcp_words / sizeof tcp_words[0]; i++)
		if (flags & tcp_words[i].bit) {
			if (any++)
				outbuf_putc(ob, '-');
			outbuf_puts(ob, tcp_words[i].word);
		}
	if (!any)
		outbuf_puts(ob, "none");
}

void
print_endpoint(struct outbuf *ob, const struct cap_addr *a, int port)
{
	if (a->family == 4) {
		outbuf_ipv4(ob, a->a);
	} else if (a->family == 6) {
		if (port >= 0)
			outbuf_putc(ob, '[');
		outbuf_ipv6(ob, a->a);
		if (port >= 0)
			outbuf_putc(ob, ']');
	} else {
		outbuf_putc(ob, '?');
	}
	if (port >= 0) {
		outbuf_putc(ob, ':');
		outbuf_u64(ob, (uint64_t)port);
	}
}

/* Seconds since the first packet, microseconds, no time zone involved. */
void
print_reltime(
    struct outbuf *ob, const struct timeval *t0, const struct timeval *t)
{
	int64_t us = ((int64_t)t->tv_sec - t0->tv_sec) * 1000000 +
	             (t->tv_usec - t0->tv_usec);

	if (us < 0) {
		outbuf_putc(ob, '-');
		us = -us;
	}
	outbuf_u64(ob, (uint64_t)us / 1000000);
	outbuf_putc(ob, '.');
	outbuf_frac(ob, (uint64_t)us % 1000000, 6);
}

/* Milliseconds with 3 decimals, as the kit prints every time. */
void
print_ms(struct outbuf *ob, int64_t us)
{
	if (us < 0) {
		outbuf_putc(ob, '-');
		us = -us;
	}
	outbuf_u64(ob, (uint64_t)us / 1000);
	outbuf_putc(ob, '.');
	outbuf_frac(ob, (uint64_t)us % 1000, 3);
	outbuf_puts(ob, " ms");
}

static int
is_text_byte(uint8_t c)
{
	return (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t';
}

/* Payload as a quoted, escaped string when it is mostly text. */
void
print_text(struct outbuf *ob, const uint8_t *p, size_t n, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, text = 0, shown = n < max ? n : max;

	for (i = 0; i < shown; i++)
		text += is_text_byte(p[i]);
	if (shown == 0 || text * 4 < shown * 3)
		return;
	outbuf_puts(ob, " \"");
	for (i = 0; i < shown; i++) {
		uint8_t c = p[i];
		char *q = outbuf_room(ob, 4);

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			*q = (char)c;
			outbuf_commit(ob, 1);
		} else if (c == '"' || c == '\\' || c == '\n' || c == '\r' ||
		           c == '\t') {
			q[0] = '\\';
			q[1] = c == '\n'   ? 'n'
			       : c == '\r' ? 'r'
			       : c == '\t' ? 't'
			                   : (char)c;
			outbuf_commit(ob, 2);
		} else {
			q[0] = '\\', q[1] = 'x';
			q[2] = hex[c >> 4], q[3] = hex[c & 15];
			outbuf_commit(ob, 4);
		}
	}
	outbuf_putc(ob, '"');
	if (shown < n)
		outbuf_puts(ob, "...");
}

static void
print_tcp_options(struct outbuf *ob, const struct cap_tcp *t)
{
	if (t->has_mss) {
		outbuf_puts(ob, " mss ");
		outbuf_u64(ob, t->mss);
	}
	if (t->has_wscale) {
		outbuf_puts(ob, " wscale ");
		outbuf_u64(ob, t->wscale);
	}
	if (t->sack_ok)
		outbuf_puts(ob, " sackOK");
	if (t->has_ts)
		outbuf_puts(ob, " TS");
}

static void
print_tcp(struct outbuf *ob, const struct cap_pkt *pkt,
    const struct cap_note *note, size_t text_max)
{
	const struct cap_tcp *t = &pkt->tcp;
	char flags[CAP_TCP_FLAGS_STRLEN];
	int line = text_max == PRINT_TEXT_MAX;

	if (pkt->trunc == CAP_L_TCP && pkt->caplen < pkt->tp_off + 20u) {
		outbuf_puts(ob, "header cut"); /* no flags, numbers */
		return;
	}
	if (tcp_hdr_rejected(pkt)) { /* as tcpdump, numbers not trusted */
		outbuf_puts(ob, "len ");
		outbuf_u64(ob, pkt->payload_len);
		outbuf_puts(ob, " [");
		outbuf_puts(ob, pkt->bad);
		outbuf_putc(ob, ']');
		return;
	}
	print_tcp_words(ob, t->flags);
	outbuf_puts(ob, " [");
	outbuf_puts(ob, cap_tcp_flags_str(t->flags, flags));
	outbuf_puts(ob, "] seq ");
	outbuf_u64(ob, note->conv != NULL ? note->rel_seq : t->seq);
	if (t->flags & CAP_TH_ACK) {
		outbuf_puts(ob, " ack ");
		outbuf_u64(ob, note->conv != NULL ? note->rel_ack : t->ack);
	}
	if (line) {
		outbuf_puts(ob, " win ");
		outbuf_u64(ob, note->conv != NULL ? note->win : t->win);
		if (note->conv != NULL && note->win_scaled && t->win != 0) {
			outbuf_puts(ob, " (scaled ");
			outbuf_u64(ob, t->win);
			outbuf_putc(ob, 'x');
			outbuf_u64(
			    ob, (uint64_t)1 << note->conv->wscale[note->dir]);
			outbuf_putc(ob, ')');
		}
		if (t->flags & CAP_TH_SYN)
			print_tcp_options(ob, t);
	}
	outbuf_puts(ob, " len ");
	outbuf_u64(ob, pkt->payload_len);
	if (pkt->payload != NULL)
		print_text(ob, pkt->payload, pkt->payload_caplen, text_max);
}

static void
print_icmp(struct outbuf *ob, const struct cap_pkt *pkt)
{
	const struct cap_icmp *ic = &pkt->icmp;
	int family = pkt->tp == CAP_TP_ICMP ? 4 : 6;

	outbuf_puts(ob, family == 4 ? "ICMP " : "ICMPv6 ");
	outbuf_puts(ob, cap_icmp_name(family, ic->type, ic->code));
	if ((family == 4 && (ic->type == 0 || ic->type == 8)) ||
	    (family == 6 && (ic->type == 128 || ic->type == 129))) {
		outbuf_puts(ob, " id ");
		outbuf_u64(ob, ic->id);
		outbuf_puts(ob, " seq ");
		outbuf_u64(ob, ic->seq);
	} else if (ic->inner.valid) {
		const char *name = cap_ipproto_name(ic->inner.proto);
		int ports = ic->inner.has_ports;

		outbuf_puts(ob, " for ");
		outbuf_puts(ob, name != NULL ? name : "IP");
		outbuf_putc(ob, ' ');
		print_endpoint(
		    ob, &ic->inner.src, ports ? ic->inner.sport : -1);
		outbuf_puts(ob, " > ");
		print_endpoint(
		    ob, &ic->inner.dst, ports ? ic->inner.dport : -1);
	}
}

static void
print_other_ip(struct outbuf *ob, const struct cap_pkt *pkt)
{
	const char *name = cap_ipproto_name(pkt->proto);

	if ((pkt->flags & CAP_F_FRAG) && pkt->frag_off > 0) {
		outbuf_puts(ob, "IP fragment offset ");
		outbuf_u64(ob, pkt->frag_off);
	} else if (pkt->bad_layer == CAP_L_IP || pkt->bad_layer == CAP_L_IP6 ||
	           (pkt->tp == CAP_TP_NONE && pkt->trunc != CAP_L_NONE)) {
		outbuf_puts(ob, name != NULL ? name : "IP");
		return;
	} else {
		outbuf_puts(ob, name != NULL ? name : "IP");
		outbuf_puts(ob, " (protocol ");
		outbuf_u64(ob, pkt->proto);
		outbuf_putc(ob, ')');
	}
	outbuf_puts(ob, " len ");
	outbuf_u64(ob, pkt->payload_len);
}

/* The protocol part of a line, also a diagram's arrow label (shorter:
 * no window, no options, less payload). */
void
print_label(struct outbuf *ob, const struct cap_pkt *pkt,
    const struct cap_note *note, size_t text_max)
{
	if (pkt->tp == CAP_TP_ICMP6 && print_nd(ob, pkt) == 0)
		return;
	switch (pkt->tp) {
	case CAP_TP_TCP:
		if (text_max == PRINT_TEXT_MAX)
			outbuf_puts(ob, "TCP ");
		print_tcp(ob, pkt, note, text_max);
		if (pkt->payload_len > 0 && cap_dns_port(pkt))
			(void)print_dns(ob, pkt, " ");
		else if (pkt->payload_len > 0 && text_max == PRINT_TEXT_MAX)
			(void)print_app(ob, pkt);
		break;
	case CAP_TP_UDP:
		outbuf_puts(ob, "UDP len ");
		if (udp_first_fragment(pkt)) { /* the datagram's, as tcpdump */
			outbuf_u64(ob, pkt->udp.ulen - 8u);
			outbuf_puts(ob, " (first fragment: ");
			outbuf_u64(ob, pkt->payload_len);
			outbuf_puts(ob, " bytes here)");
		} else
			outbuf_u64(ob, pkt->payload_len);
		/* DNS, DHCP: their words instead of the payload as text */
		if (cap_dns_port(pkt) && print_dns(ob, pkt, " ") == 0)
			break;
		if (cap_dhcp_port(pkt) && pkt->payload != NULL &&
		    text_max == PRINT_TEXT_MAX) {
			outbuf_putc(ob, ' ');
			(void)print_dhcp(ob, pkt);
			break;
		}
		if (pkt->payload != NULL)
			print_text(
			    ob, pkt->payload, pkt->payload_caplen, text_max);
		break;
	case CAP_TP_ICMP:
	case CAP_TP_ICMP6:
		print_icmp(ob, pkt);
		break;
	default:
		print_other_ip(ob, pkt);
		break;
	}
}

static void
print_link_only(struct outbuf *ob, const struct cap_pkt *pkt)
{
	const char *name = cap_ethertype_name(pkt->ethertype);

	if (pkt->net == CAP_NET_OTHER && name != NULL) {
		outbuf_puts(ob, name);
		outbuf_puts(ob, " (ethertype 0x");
		outbuf_hex(ob, pkt->ethertype, 4);
		outbuf_putc(ob, ')');
	} else if (pkt->net == CAP_NET_OTHER) {
		outbuf_puts(ob, "ethertype 0x");
		outbuf_hex(ob, pkt->ethertype, 4);
		if (pkt->link == CAP_LINK_NULL || pkt->link == CAP_LINK_LOOP) {
			outbuf_puts(ob, " (address family ");
			outbuf_u64(ob, pkt->family);
			outbuf_putc(ob, ')');
		}
	} else {
		outbuf_puts(ob, "link header");
	}
	outbuf_puts(ob, pkt->net == CAP_NET_NONE ? ", len " : ", not IP, len ");
	outbuf_u64(ob, pkt->len);
}

static void
print_line(
    struct sniff *s, const struct cap_pkt *pkt, const struct cap_note *cnote)
{
	struct outbuf *ob = &s->out;
	const char *cut = cap_trunc_name(pkt);
	int ports = pkt->tp == CAP_TP_TCP || pkt->tp == CAP_TP_UDP, n = 0;
	const struct cap_note *note = cnote;
	struct cap_note dnote;

	/* A DNS answer is tied to its query (exchange.c): the datagram
	 * numbering of its UDP conversation would say it twice. */
	if (s->pr.xn.kind == CAP_XK_DNS && pkt->tp == CAP_TP_UDP) {
		dnote = *cnote;
		dnote.ev &= ~(uint32_t)(CAP_EV_REQUEST | CAP_EV_REPLY |
		                        CAP_EV_UNPAIRED | CAP_EV_UNMATCHED);
		note = &dnote;
	}
	print_reltime(ob, &s->pr.t0, &pkt->ts);
	if (pkt->flags & CAP_F_TS_USEC) /* tcpdump's words */
		outbuf_puts(ob, " (invalid us)");
	outbuf_putc(ob, ' ');
	if (s->o.eth)
		print_eth_addrs(ob, pkt);
	if ((pkt->net == CAP_NET_IP || pkt->net == CAP_NET_IP6) &&
	    pkt->src.family == 0) { /* the IP header itself is cut/bad */
		outbuf_puts(ob, pkt->net == CAP_NET_IP ? "IPv4" : "IPv6");
	} else if (pkt->net == CAP_NET_IP || pkt->net == CAP_NET_IP6) {
		print_endpoint(ob, &pkt->src, ports ? pkt->sport : -1);
		outbuf_puts(ob, " > ");
		print_endpoint(ob, &pkt->dst, ports ? pkt->dport : -1);
		outbuf_putc(ob, ' ');
		print_label(ob, pkt, note, PRINT_TEXT_MAX);
		if (s->pr.reasm_msg != NULL)
			print_reasm(ob, s, pkt);
	} else if (pkt->net != CAP_NET_OTHER || print_arp(ob, pkt) < 0) {
		print_link_only(ob, pkt);
	}
	if (cut != NULL) {
		outbuf_puts(ob, " [|");
		outbuf_puts(ob, cut);
		outbuf_puts(ob, "] (truncated by the capture)");
	} else if (pkt->caplen < pkt->len) { /* cut where nothing is read */
		outbuf_puts(ob, " [|");
		outbuf_u64(ob, pkt->caplen);
		outbuf_putc(ob, '/');
		outbuf_u64(ob, pkt->len);
		outbuf_puts(ob, " bytes] (truncated by the capture)");
	}
	if (pkt->bad != NULL && !tcp_hdr_rejected(pkt)) {
		outbuf_puts(ob, " malformed ");
		outbuf_puts(ob, cap_layer_name(pkt->bad_layer));
		outbuf_puts(ob, ": ");
		outbuf_puts(ob, pkt->bad);
	}
	if ((note->ev & ~(uint32_t)CAP_EV_NEW) != 0) {
		outbuf_puts(ob, " -- ");
		n = print_notes(ob, pkt, note);
	}
	xchg_notes(ob, s, pkt, n);
	outbuf_putc(ob, '\n');
}

int
print_init(struct sniff *s)
{
	struct sniff_print *pr = &s->pr;

	pr->flows = cap_flows_new(0, 0);
	pr->sum = summary_new(s->o.json ? &s->out : NULL);
	if (s->o.timeline)
		pr->tl = timeline_new();
	else if (s->o.ladder || s->o.svgfile != NULL)
		pr->lad = ladder_new();
	if (pr->lad != NULL)
		ladder_pick(pr->lad, s->o.conv);
	if (pr->lad != NULL || pr->tl != NULL)
		pr->route = route_new();
	if (pr->flows == NULL || pr->sum == NULL ||
	    ((pr->lad != NULL || pr->tl != NULL) && pr->route == NULL) ||
	    (s->o.timeline && pr->tl == NULL) ||
	    ((s->o.ladder || s->o.svgfile != NULL) && !s->o.timeline &&
	        pr->lad == NULL)) {
		snprintf(s->err, sizeof s->err, _("out of memory"));
		return -1;
	}
	cap_flows_on_evict(pr->flows, summary_evicted, pr->sum);
	if (xchg_init(s) < 0) {
		snprintf(s->err, sizeof s->err, _("out of memory"));
		return -1;
	}
	return 0;
}

/* -X: as tcpdump, from the network header on (after the link header
 * for what is not IP; the whole frame when even that was cut). */
static void
print_hex(struct sniff *s, const struct cap_pkt *pkt)
{
	uint32_t off = 0;

	if (pkt->net == CAP_NET_IP || pkt->net == CAP_NET_IP6)
		off = pkt->net_off;
	else if (pkt->net == CAP_NET_OTHER)
		off = pkt->link_hlen;
	if (off > pkt->caplen)
		off = 0;
	hexdump_print(&s->out, pkt->data + off, pkt->caplen - off);
}

void
print_packet(struct sniff *s, const struct cap_pkt *pkt)
{
	struct sniff_print *pr = &s->pr;
	struct cap_note note;
	int drawn;

	if (!pr->have_t0) {
		pr->t0 = pkt->ts;
		pr->have_t0 = 1;
	}
	pr->pkts++;
	pr->bytes += pkt->len;
	pr->trunc += pkt->trunc != CAP_L_NONE;
	pr->bad += pkt->bad != NULL;
	/* DHCP's steps go between changing addresses (0.0.0.0, broadcast,
	 * then the new address): one exchange (exchange.c), tied by its
	 * transaction id, not UDP conversations. */
	if (cap_dhcp_port(pkt) && pkt->bad == NULL) {
		memset(&note, 0, sizeof note);
		note.rtt_us = -1;
		pr->untracked++;
	} else if (cap_flow_track(pr->flows, pkt, &note) != 0) {
		pr->untracked++;
		note.conv = NULL;
	}
	xchg_track(s, pkt);
	/* an ICMP error or echo of a traceroute is drawn on the route,
	 * not counted among the packets the diagrams leave out */
	drawn = pr->route != NULL &&
	        route_add(pr->route, pkt, &pr->xn, &pr->t0) > 0 &&
	        note.conv == NULL && s->o.conv == 0;
	if (pr->lad != NULL && !drawn)
		ladder_add(pr->lad, pkt, &note, &pr->t0);
	if (pr->tl != NULL && !drawn)
		timeline_add(pr->tl, pkt, &note, &pr->t0);
	if (s->o.quiet || s->o.ladder || s->o.timeline)
		return;
	if (s->o.json) {
		json_packet(s, pkt, &note);
		return;
	}
	print_line(s, pkt, &note);
	if (s->o.hex)
		print_hex(s, pkt);
}

/* The terminal's width in columns (TIMELINE_WIDTH when unknown). */
static int
print_tty_width(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0)
		return TIMELINE_WIDTH;
	return ws.ws_col;
}

/* 0, -1 (an output failed) or 2 (--conv N names no conversation), with
 * s->err set. */
int
print_finish(struct sniff *s)
{
	struct sniff_print *pr = &s->pr;
	uint32_t nconv;

	if (pr->flows != NULL)
		cap_flows_flush(pr->flows);
	if (pr->lad != NULL && !ladder_has_conv(pr->lad, &nconv)) {
		snprintf(s->err, sizeof s->err,
		    _("--conv %lu: no such conversation (the capture has %lu, "
		      "numbered from 1)"),
		    (unsigned long)s->o.conv, (unsigned long)nconv);
		return 2;
	}
	if (pr->tl != NULL && !s->o.quiet)
		timeline_print(pr->tl, pr->route, &s->out,
		    s->out_tty ? print_tty_width() : TIMELINE_WIDTH);
	if (pr->lad != NULL && s->o.ladder && !s->o.quiet && !s->o.json) {
		ladder_print(pr->lad, &s->out);
		if (s->o.conv == 0) /* --conv N: that conversation only */
			route_print(pr->route, &s->out);
	}
	summary_print(s);
	if (pr->tl != NULL && s->o.svgfile != NULL)
		return timeline_svg(
		    pr->tl, pr->route, s->o.svgfile, s->err, sizeof s->err);
	if (pr->lad != NULL && s->o.svgfile != NULL)
		return svg_write(pr->lad, s->o.conv == 0 ? pr->route : NULL,
		    s->o.svgfile, s->err, sizeof s->err);
	return 0;
}

void
print_free(struct sniff *s)
{
	struct sniff_print *pr = &s->pr;

	if (pr->flows != NULL)
		cap_flows_free(pr->flows);
	summary_free(pr->sum);
	ladder_free(pr->lad);
	timeline_free(pr->tl);
	pr->tl = NULL;
	route_free(pr->route);
	pr->route = NULL;
	xchg_free(s);
	pr->flows = NULL;
	pr->sum = NULL;
	pr->lad = NULL;
}

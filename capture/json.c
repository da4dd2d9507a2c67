/*
 * labsniff --json: one JSON object per line, for scripts: a "packet"
 * object per packet, then a "conversation" object per conversation and
 * one "capture" object.  Payload bytes are escaped so any byte is valid.
 */
#define _DEFAULT_SOURCE /* pcap.h (via labsniff.h) uses u_int, u_char */
#include "labsniff.h"

/* A JSON string of raw bytes: each byte one code point (Latin-1), so
 * NUL, quotes, backslashes and invalid UTF-8 all come out valid. */
void
json_string(struct outbuf *ob, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	outbuf_putc(ob, '"');
	for (i = 0; i < n; i++) {
		uint8_t c = p[i];
		char *q = outbuf_room(ob, 6);

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			q[0] = (char)c;
			outbuf_commit(ob, 1);
		} else if (c == '"' || c == '\\' || c == '\n' || c == '\t' ||
		           c == '\r') {
			q[0] = '\\';
			q[1] = c == '\n'   ? 'n'
			       : c == '\t' ? 't'
			       : c == '\r' ? 'r'
			                   : (char)c;
			outbuf_commit(ob, 2);
		} else {
			memcpy(q, "\\u00", 4);
			q[4] = hex[c >> 4];
			q[5] = hex[c & 15];
			outbuf_commit(ob, 6);
		}
	}
	outbuf_putc(ob, '"');
}

static void
json_key(struct outbuf *ob, const char *key)
{
	outbuf_puts(ob, ",\"");
	outbuf_puts(ob, key);
	outbuf_puts(ob, "\":");
}

static void
json_kstr(struct outbuf *ob, const char *key, const char *val)
{
	json_key(ob, key);
	json_string(ob, (const uint8_t *)val, strlen(val));
}

static void
json_knum(struct outbuf *ob, const char *key, uint64_t v)
{
	json_key(ob, key);
	outbuf_u64(ob, v);
}

static void
json_addr(struct outbuf *ob, const char *key, const struct cap_addr *a)
{
	json_key(ob, key);
	outbuf_putc(ob, '"');
	print_endpoint(ob, a, -1);
	outbuf_putc(ob, '"');
}

static void
json_hex(struct outbuf *ob, const char *key, const uint8_t *p, size_t n)
{
	size_t i;

	json_key(ob, key);
	outbuf_putc(ob, '"');
	for (i = 0; i < n; i++)
		outbuf_hex(ob, p[i], 2);
	outbuf_putc(ob, '"');
}

static void
json_tcp(
    struct outbuf *ob, const struct cap_pkt *pkt, const struct cap_note *note)
{
	const struct cap_tcp *t = &pkt->tcp;
	char flags[CAP_TCP_FLAGS_STRLEN];
	char words[64];
	struct outbuf wb;

	outbuf_mem(&wb, words, sizeof words);
	print_tcp_words(&wb, t->flags);
	json_kstr(ob, "flags", cap_tcp_flags_str(t->flags, flags));
	json_key(ob, "flag_words");
	json_string(ob, (const uint8_t *)words, wb.len);
	json_knum(ob, "seq_abs", t->seq);
	json_knum(ob, "ack_abs", t->ack);
	if (note->conv != NULL) {
		json_knum(ob, "seq", note->rel_seq);
		json_knum(ob, "ack", note->rel_ack);
	}
	json_knum(ob, "win_raw", t->win);
	json_knum(ob, "win", note->conv != NULL ? note->win : t->win);
	json_key(ob, "win_scaled");
	outbuf_puts(
	    ob, note->conv != NULL && note->win_scaled ? "true" : "false");
}

static void
json_transport(
    struct outbuf *ob, const struct cap_pkt *pkt, const struct cap_note *note)
{
	const char *name = cap_ipproto_name(pkt->proto);

	json_addr(ob, "src", &pkt->src);
	json_addr(ob, "dst", &pkt->dst);
	json_kstr(ob, "proto",
	    pkt->tp == CAP_TP_ICMP6 ? "ICMPv6"
	    : name != NULL          ? name
	                            : "IP");
	json_knum(ob, "ipproto", pkt->proto);
	if (pkt->tp == CAP_TP_TCP || pkt->tp == CAP_TP_UDP) {
		json_knum(ob, "sport", pkt->sport);
		json_knum(ob, "dport", pkt->dport);
	}
	if (pkt->tp == CAP_TP_TCP && !tcp_hdr_rejected(pkt))
		json_tcp(ob, pkt, note);
	if (pkt->tp == CAP_TP_ICMP || pkt->tp == CAP_TP_ICMP6) {
		json_knum(ob, "icmp_type", pkt->icmp.type);
		json_knum(ob, "icmp_code", pkt->icmp.code);
		json_kstr(ob, "icmp",
		    cap_icmp_name(pkt->tp == CAP_TP_ICMP ? 4 : 6,
		        pkt->icmp.type, pkt->icmp.code));
	}
	json_knum(ob, "payload_len", pkt->payload_len);
	if (udp_first_fragment(pkt)) /* payload_len: bytes in this one */
		json_knum(ob, "datagram_len", pkt->udp.ulen - 8u);
	if (pkt->payload != NULL ||
	    ((pkt->tp == CAP_TP_TCP || pkt->tp == CAP_TP_UDP) &&
	        pkt->payload_len == 0 && !pkt->trunc)) {
		uint32_t n = pkt->payload != NULL ? pkt->payload_caplen : 0;

		json_key(ob, "payload");
		json_string(ob, pkt->payload, n);
		json_hex(ob, "payload_hex", pkt->payload, n);
	}
}

static void
json_note(
    struct outbuf *ob, const struct cap_pkt *pkt, const struct cap_note *note)
{
	char buf[1024];
	struct outbuf nb;

	if (note->conv == NULL && !(note->ev & CAP_EV_PORT_UNREACH))
		return;
	if (note->conv != NULL) {
		json_knum(ob, "conv", note->conv->id);
		json_kstr(ob, "dir",
		    note->dir == 0 ? "client->server" : "server->client");
	}
	outbuf_mem(&nb, buf, sizeof buf);
	if (print_notes(&nb, pkt, note) > 0 && !nb.failed) {
		json_key(ob, "note");
		json_string(ob, (const uint8_t *)buf, nb.len);
	}
	if (note->ev & (CAP_EV_REQUEST | CAP_EV_REPLY))
		json_knum(ob, note->ev & CAP_EV_REPLY ? "reply_to" : "request",
		    note->req);
	if ((note->ev & CAP_EV_REPLY) && note->rtt_us >= 0)
		json_knum(ob, "rtt_us", (uint64_t)note->rtt_us);
	if (note->ev & CAP_EV_UNPAIRED)
		outbuf_puts(ob, ",\"unrequested\":true");
	if (note->ev & CAP_EV_UNMATCHED)
		outbuf_puts(ob, ",\"unmatched\":true");
	if (note->ev & CAP_EV_PORT_UNREACH) {
		json_knum(ob, "unreachable_port", note->port);
		json_kstr(ob, "unreachable_cause",
		    note->unreach == CAP_UR_NO_SERVER   ? "no server"
		    : note->unreach == CAP_UR_CONNECTED ? "connected socket"
		                                        : "unknown");
		if (note->unreach == CAP_UR_CONNECTED)
			json_knum(ob, "unreachable_conv", note->unreach_conv);
	}
	if (note->ev & CAP_EV_REFUSED)
		outbuf_puts(ob, ",\"refused\":true");
}

void
json_packet(
    struct sniff *s, const struct cap_pkt *pkt, const struct cap_note *note)
{
	struct outbuf *ob = &s->out;
	const char *cut = cap_trunc_name(pkt);

	outbuf_puts(ob, "{\"type\":\"packet\",\"n\":");
	outbuf_u64(ob, s->pr.pkts);
	json_key(ob, "time");
	print_reltime(ob, &s->pr.t0, &pkt->ts);
	json_knum(ob, "ts_sec", (uint64_t)pkt->ts.tv_sec);
	json_knum(ob, "ts_usec", (uint64_t)pkt->ts.tv_usec);
	if (pkt->flags & CAP_F_TS_USEC) /* the file's value, not used */
		json_knum(ob, "ts_usec_invalid", pkt->ts_usec_raw);
	json_knum(ob, "len", pkt->len);
	json_knum(ob, "caplen", pkt->caplen);
	json_kstr(ob, "net",
	    pkt->net == CAP_NET_IP      ? "ip"
	    : pkt->net == CAP_NET_IP6   ? "ip6"
	    : pkt->net == CAP_NET_OTHER ? "other"
	                                : "none");
	if (pkt->net == CAP_NET_OTHER)
		json_knum(ob, "ethertype", pkt->ethertype);
	if (pkt->net == CAP_NET_IP || pkt->net == CAP_NET_IP6)
		json_transport(ob, pkt, note);
	if (cut != NULL)
		json_kstr(ob, "truncated", cut);
	if (pkt->bad != NULL) {
		json_kstr(ob, "malformed", pkt->bad);
		json_kstr(
		    ob, "malformed_layer", cap_layer_name(pkt->bad_layer));
	}
	json_note(ob, pkt, note);
	json_app(ob, pkt);
	json_reasm(ob, s, pkt);
	json_xchg(s);
	outbuf_puts(ob, "}\n");
}

void
json_conv(struct outbuf *ob, const struct cap_conv *c)
{
	int64_t us = ((int64_t)c->last.tv_sec - c->first.tv_sec) * 1000000 +
	             (c->last.tv_usec - c->first.tv_usec);

	outbuf_puts(ob, "{\"type\":\"conversation\",\"id\":");
	outbuf_u64(ob, c->id);
	json_kstr(ob, "proto", c->proto == 6 ? "TCP" : "UDP");
	json_addr(ob, "client", &c->cli);
	json_knum(ob, "client_port", c->cli_port);
	json_addr(ob, "server", &c->srv);
	json_knum(ob, "server_port", c->srv_port);
	outbuf_puts(ob, ",\"packets\":[");
	outbuf_u64(ob, c->pkts[0]);
	outbuf_putc(ob, ',');
	outbuf_u64(ob, c->pkts[1]);
	outbuf_puts(ob, "],\"bytes\":[");
	outbuf_u64(ob, c->bytes[0]);
	outbuf_putc(ob, ',');
	outbuf_u64(ob, c->bytes[1]);
	outbuf_puts(ob, "]");
	json_key(ob, "duration_us");
	outbuf_i64(ob, us);
	if (c->proto == 6) {
		json_key(ob, "handshake_us");
		outbuf_i64(ob, c->rtt_hs_us);
		json_knum(ob, "retransmissions",
		    (uint64_t)c->retrans[0] + c->retrans[1]);
		json_knum(ob, "state", c->state);
		if (c->refused)
			outbuf_puts(ob, ",\"refused\":true");
	} else {
		json_knum(ob, "requests", c->requests);
		json_knum(ob, "replies", c->replies);
		json_knum(ob, "unanswered", c->unanswered);
		json_knum(ob, "unrequested", c->unpaired);
		json_knum(ob, "unmatched", c->unmatched);
		json_knum(ob, "port_unreachable", c->unreach);
	}
	outbuf_puts(ob, "}\n");
}

void
json_capture(struct sniff *s)
{
	struct outbuf *ob = &s->out;
	const struct sniff_print *pr = &s->pr;
	struct pcap_stat st;

	outbuf_puts(ob, "{\"type\":\"capture\",\"packets\":");
	outbuf_u64(ob, pr->pkts);
	json_knum(ob, "bytes", pr->bytes);
	json_knum(ob, "untracked", pr->untracked);
	json_knum(ob, "truncated", pr->trunc);
	json_knum(ob, "malformed", pr->bad);
	if (s->live && pcap_stats(s->pc, &st) == 0) {
		json_knum(ob, "kernel_received", st.ps_recv);
		json_knum(ob, "kernel_dropped", st.ps_drop);
	}
	outbuf_puts(ob, "}\n");
}

/*
 * TCP: ports, numbers, flags, window, header length and the options
 * (MSS, window scale, SACK-permitted, SACK blocks, timestamps, NOP/EOL),
 * with tcpdump's words for a bad header length.
 */
#define _POSIX_C_SOURCE 200809L
#include "decode.h"

/* The value of one known option whose length is right. */
static void
tcp_option_value(struct cap_tcp *t, const struct cap_buf *b, size_t o,
    uint8_t kind, uint8_t len)
{
	unsigned i;

	if (kind == CAP_TCPOPT_MSS && len == 4 &&
	    get_be16(b, o + 2, &t->mss) == 0)
		t->has_mss = 1;
	else if (kind == CAP_TCPOPT_WSCALE && len == 3 &&
	         get_u8(b, o + 2, &t->wscale) == 0)
		t->has_wscale = 1;
	else if (kind == CAP_TCPOPT_SACKOK && len == 2)
		t->sack_ok = 1;
	else if (kind == CAP_TCPOPT_TS && len == 10 &&
	         get_be32(b, o + 2, &t->ts_val) == 0 &&
	         get_be32(b, o + 6, &t->ts_ecr) == 0)
		t->has_ts = 1;
	else if (kind == CAP_TCPOPT_SACK && len >= 2 && (len - 2) % 8 == 0) {
		t->nsack = (uint8_t)((len - 2) / 8);
		for (i = 0; i < t->nsack && i < CAP_SACK_MAX; i++)
			if (get_be32(b, o + 2 + 8 * i, &t->sack[i][0]) < 0 ||
			    get_be32(b, o + 6 + 8 * i, &t->sack[i][1]) < 0)
				break;
	}
}

/* Walk the options in [o, end): all bytes are captured (checked). */
static void
tcp_options(struct cap_pkt *pkt, const struct cap_buf *b, size_t o, size_t end)
{
	struct cap_tcp *t = &pkt->tcp;
	uint8_t kind, len;

	while (o < end && get_u8(b, o, &kind) == 0) {
		len = 1;
		if (kind != CAP_TCPOPT_EOL && kind != CAP_TCPOPT_NOP) {
			if (get_u8(b, o + 1, &len) < 0)
				return; /* cut by the capture */
			if (len < 2 || o + len > end) {
				pkt->flags |= CAP_F_TCP_BADOPT;
				return;
			}
			if (!buf_has(b, o, len))
				return; /* cut by the capture */
		}
		if (t->nopts < CAP_TCP_OPTS_MAX) {
			t->opts[t->nopts].kind = kind;
			t->opts[t->nopts++].len = len;
		}
		if (kind == CAP_TCPOPT_EOL)
			return;
		tcp_option_value(t, b, o, kind, len);
		o += len;
	}
}

void
decode_tcp(
    struct cap_pkt *pkt, const struct cap_buf *b, size_t off, uint32_t len)
{
	struct cap_tcp *t = &pkt->tcp;
	uint8_t doff, fl;
	uint32_t hlen;

	pkt->tp = CAP_TP_TCP;
	if (get_be16(b, off, &pkt->sport) < 0 ||
	    get_be16(b, off + 2, &pkt->dport) < 0 ||
	    get_be32(b, off + 4, &t->seq) < 0 ||
	    get_be32(b, off + 8, &t->ack) < 0 ||
	    get_u8(b, off + 12, &doff) < 0 || get_u8(b, off + 13, &fl) < 0 ||
	    get_be16(b, off + 14, &t->win) < 0 ||
	    get_be16(b, off + 16, &t->sum) < 0 ||
	    get_be16(b, off + 18, &t->urp) < 0)
		goto cut;
	hlen = (doff >> 4) * 4u;
	t->hlen = (uint8_t)hlen;
	t->flags = (uint16_t)(fl | ((doff & 1) << 8));
	if (hlen < 20) {
		/* the rest of the header is not trusted: tcpdump prints only
		 * "tcp N" (the bytes after the claimed header) and why */
		decode_bad(pkt, CAP_L_TCP,
		    "bad hdr length %u - too short, < 20", hlen);
		pkt->payload_len = len > hlen ? len - hlen : 0;
		return;
	}
	if (hlen > len) {
		decode_bad(pkt, CAP_L_TCP, "bad hdr length %u - too long, > %u",
		    hlen, len);
		return;
	}
	tcp_options(pkt, b, off + 20, off + hlen);
	if (!buf_has(b, off, hlen)) {
		/* Options cut: the fixed header still counts (tcpdump
		 * prints and tracks it), the payload is not there. */
		pkt->payload_len = len - hlen;
		goto cut;
	}
	decode_payload(pkt, b, off + hlen, len - hlen);
	return;
cut:
	decode_trunc(pkt, CAP_L_TCP);
}

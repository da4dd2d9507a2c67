/*
 * IPv4: header length, total length, TTL, id, fragments; options are
 * skipped (their presence is flagged).  Later fragments carry no
 * transport header and are left undecoded above IP.
 */
#define _POSIX_C_SOURCE 200809L
#include "decode.h"

/* A window on the datagram: bytes past its end (Ethernet padding) are
 * not the transport layer's. */
static struct cap_buf
datagram(const struct cap_buf *b, size_t off, uint32_t dlen)
{
	struct cap_buf d = *b;

	if (off + dlen < d.len)
		d.len = off + dlen;
	return d;
}

void
decode_ip(struct cap_pkt *pkt, const struct cap_buf *bp, size_t off)
{
	/* A private copy: stores into *pkt cannot change it, so the
	 * compiler keeps it in registers across the getters. */
	const struct cap_buf lb = *bp, *b = &lb;
	uint8_t vhl;
	uint16_t tot, frag;
	uint32_t hlen, wire;
	struct cap_buf d;

	pkt->net = CAP_NET_IP;
	pkt->net_off = (uint16_t)off;
	if (get_u8(b, off, &vhl) < 0)
		goto cut;
	if (vhl >> 4 != 4) {
		decode_bad(pkt, CAP_L_IP, "IP %u", vhl >> 4);
		return;
	}
	hlen = (vhl & 0x0f) * 4u;
	pkt->ip_hlen = (uint8_t)hlen;
	if (hlen < 20) {
		decode_bad(pkt, CAP_L_IP, "bad-hlen %u", hlen);
		return;
	}
	if (get_u8(b, off + 1, &pkt->tos) < 0 ||
	    get_be16(b, off + 2, &tot) < 0 ||
	    get_be16(b, off + 4, &pkt->ip_id) < 0 ||
	    get_be16(b, off + 6, &frag) < 0 ||
	    get_u8(b, off + 8, &pkt->ttl) < 0 ||
	    get_u8(b, off + 9, &pkt->proto) < 0 ||
	    get_bytes(b, off + 12, 4, pkt->src.a) < 0 ||
	    get_bytes(b, off + 16, 4, pkt->dst.a) < 0)
		goto cut;
	pkt->src.family = pkt->dst.family = 4;
	pkt->ip_totlen = tot;
	wire = pkt->len > off ? pkt->len - (uint32_t)off : 0;
	/* Total length 0: a TSO segment captured before segmentation. */
	pkt->ip_len = tot != 0 ? tot : wire;
	if (pkt->ip_len < hlen) {
		decode_bad(pkt, CAP_L_IP, "bad-len %u", tot);
		return;
	}
	if (wire < pkt->ip_len)
		decode_bad(pkt, CAP_L_IP, "truncated-ip - %u bytes missing!",
		    pkt->ip_len - wire);
	pkt->frag_off = (uint16_t)((frag & 0x1fff) * 8);
	if (frag & 0x4000)
		pkt->flags |= CAP_F_DF;
	if (frag & 0x2000)
		pkt->flags |= CAP_F_MF;
	if (pkt->frag_off != 0 || (frag & 0x2000))
		pkt->flags |= CAP_F_FRAG;
	if (hlen > 20) {
		pkt->flags |= CAP_F_IP_OPTS;
		if (!buf_has(b, off, hlen))
			goto cut;
	}
	d = datagram(b, off, pkt->ip_len);
	if (pkt->frag_off != 0) {
		decode_payload(pkt, &d, off + hlen, pkt->ip_len - hlen);
		return;
	}
	decode_transport(pkt, &d, off + hlen, pkt->ip_len - hlen, pkt->proto);
	return;
cut:
	decode_trunc(pkt, CAP_L_IP);
}

/*
 * UDP: ports, the length field checked against the IP payload length
 * (tcpdump's "bad length 92 > 6"), the payload.
 */
#define _POSIX_C_SOURCE 200809L
#include "decode.h"

void
decode_udp(
    struct cap_pkt *pkt, const struct cap_buf *bp, size_t off, uint32_t len)
{
	/* A private copy, kept in registers (see decode_ip) */
	const struct cap_buf lb = *bp, *b = &lb;
	struct cap_udp *u = &pkt->udp;
	uint32_t ulen;

	pkt->tp = CAP_TP_UDP;
	if (len < 8) {
		decode_bad(pkt, CAP_L_UDP, "truncated-udp %u", len);
		if (b->len < off + len)
			decode_trunc(pkt, CAP_L_UDP);
		return;
	}
	if (get_be16(b, off, &pkt->sport) < 0 ||
	    get_be16(b, off + 2, &pkt->dport) < 0 ||
	    get_be16(b, off + 4, &u->ulen) < 0 ||
	    get_be16(b, off + 6, &u->sum) < 0) {
		decode_trunc(pkt, CAP_L_UDP);
		return;
	}
	ulen = u->ulen;
	/* A jumbogram (RFC 2675) says 0 and lets IPv6 carry the length. */
	if (ulen == 0 && len > 65535)
		ulen = len;
	if (ulen < 8) {
		decode_bad(pkt, CAP_L_UDP, "truncated-udplength %u", ulen);
		return;
	}
	if (ulen != len && !(pkt->flags & CAP_F_MF))
		pkt->flags |= CAP_F_UDP_LEN;
	if (ulen > len && !(pkt->flags & CAP_F_MF)) {
		decode_bad(
		    pkt, CAP_L_UDP, "bad length %u > %u", ulen - 8, len - 8);
		decode_payload(pkt, bp, off + 8, len - 8);
		return;
	}
	/* A first fragment: the payload runs on in later fragments. */
	decode_payload(
	    pkt, bp, off + 8, (pkt->flags & CAP_F_MF) ? len - 8 : ulen - 8);
}

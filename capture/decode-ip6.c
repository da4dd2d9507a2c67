/*
 * IPv6: the fixed header, then the extension headers walked in order
 * (hop-by-hop, routing, fragment, destination options, AH) until the
 * transport header; a non-first fragment stops the walk.
 */
#define _POSIX_C_SOURCE 200809L
#include "decode.h"
#include "param.h"

#define NH_HOPOPTS 0
#define NH_ROUTING 43
#define NH_FRAGMENT 44
#define NH_AH 51
#define NH_DSTOPTS 60

static int
is_ext(uint8_t nh)
{
	return nh == NH_HOPOPTS || nh == NH_ROUTING || nh == NH_FRAGMENT ||
	       nh == NH_AH || nh == NH_DSTOPTS;
}

/* One extension header at off: its length in *elen, the next header in
 * *nh.  -1 cut, -2 longer than the datagram, 1 a non-first fragment. */
static int
ext_header(struct cap_pkt *pkt, const struct cap_buf *b, size_t off, size_t end,
    uint8_t *nh, size_t *elen)
{
	uint8_t this = *nh, l;
	uint16_t fo;

	if (get_u8(b, off, nh) < 0 || get_u8(b, off + 1, &l) < 0)
		return off + 2 > end ? -2 : -1;
	if (this == NH_FRAGMENT)
		*elen = 8;
	else if (this == NH_AH)
		*elen = ((size_t)l + 2) * 4;
	else
		*elen = ((size_t)l + 1) * 8;
	if (off + *elen > end)
		return -2;
	if (this != NH_FRAGMENT)
		return buf_has(b, off, *elen) ? 0 : -1;
	if (get_be16(b, off + 2, &fo) < 0 ||
	    get_be32(b, off + 4, &pkt->frag_id) < 0)
		return -1;
	pkt->frag_off = fo & 0xfff8;
	pkt->flags |= CAP_F_FRAG | ((fo & 1) ? CAP_F_MF : 0);
	return pkt->frag_off != 0 ? 1 : 0;
}

void
decode_ip6(struct cap_pkt *pkt, const struct cap_buf *b, size_t off)
{
	uint32_t vtf, wire;
	uint8_t nh;
	size_t cur, end, elen = 0;
	struct cap_buf d = *b;
	int walked = 0, r = 0;

	pkt->net = CAP_NET_IP6;
	pkt->net_off = (uint16_t)off;
	if (get_be32(b, off, &vtf) < 0)
		goto cut;
	if (vtf >> 28 != 6) {
		decode_bad(pkt, CAP_L_IP6, "IP6 %u", vtf >> 28);
		return;
	}
	if (get_be16(b, off + 4, &pkt->ip6_plen) < 0 ||
	    get_u8(b, off + 6, &nh) < 0 || get_u8(b, off + 7, &pkt->ttl) < 0 ||
	    get_bytes(b, off + 8, 16, pkt->src.a) < 0 ||
	    get_bytes(b, off + 24, 16, pkt->dst.a) < 0)
		goto cut;
	pkt->src.family = pkt->dst.family = 6;
	pkt->tos = (uint8_t)(vtf >> 20);
	pkt->ip6_flow = vtf & 0xfffff;
	wire = pkt->len > off ? pkt->len - (uint32_t)off : 0;
	/* Payload length 0: a jumbogram or a GSO segment: trust the wire. */
	pkt->ip_len =
	    pkt->ip6_plen != 0 ? 40u + pkt->ip6_plen : (wire > 40 ? wire : 40);
	if (wire < pkt->ip_len)
		decode_bad(pkt, CAP_L_IP6, "truncated-ip6 - %u bytes missing!",
		    pkt->ip_len - wire);
	end = off + pkt->ip_len;
	if (end < d.len)
		d.len = end;
	cur = off + 40;
	while (is_ext(nh) && walked++ < CAP_IP6_EXT_WALK) {
		uint8_t this = nh;

		if (pkt->n_ext < CAP_IP6_EXT_MAX)
			pkt->ext[pkt->n_ext++] = nh;
		pkt->flags |= CAP_F_IP6_EXT;
		r = ext_header(pkt, &d, cur, end, &nh, &elen);
		if (r == -1)
			goto cut;
		if (r == -2) {
			decode_bad(pkt, CAP_L_IP6,
			    "extension header %u runs past the payload", this);
			return;
		}
		cur += elen;
		if (r == 1)
			break;
	}
	pkt->proto = nh;
	if (r == 1) {
		decode_payload(pkt, &d, cur, (uint32_t)(end - cur));
		return;
	}
	decode_transport(pkt, &d, cur, (uint32_t)(end - cur), nh);
	return;
cut:
	decode_trunc(pkt, CAP_L_IP6);
}

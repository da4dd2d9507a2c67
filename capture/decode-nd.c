/*
 * IPv6 neighbour discovery (RFC 4861): router solicitation and
 * advertisement (flags, lifetime, prefixes, MTU), neighbour solicitation
 * and advertisement (target, flags R/S/O), the link-layer address
 * options.  An option of length 0 or running past the message is
 * malformed (RFC 4861 4.6: the message is then to be dropped).
 */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "extract.h"
#include "proto.h"

static void
nd_prefix(struct cap_nd *nd, const struct cap_buf *b, size_t off)
{
	struct cap_nd_prefix *p;

	if (nd->nprefix >= CAP_ND_PREFIX_MAX)
		return;
	p = &nd->prefix[nd->nprefix];
	if (get_u8(b, off + 2, &p->len) < 0 ||
	    get_u8(b, off + 3, &p->flags) < 0 ||
	    get_be32(b, off + 4, &p->valid) < 0 ||
	    get_be32(b, off + 8, &p->preferred) < 0 ||
	    get_bytes(b, off + 16, 16, p->prefix) < 0)
		return;
	nd->nprefix++;
}

static int
nd_options(struct cap_nd *nd, const struct cap_buf *b, size_t off, uint32_t len)
{
	uint8_t type, olen;

	while (off < len) {
		if (get_u8(b, off, &type) < 0 || get_u8(b, off + 1, &olen) < 0)
			goto cut;
		if (olen == 0 || off + 8u * olen > len) {
			nd->bad = olen == 0 ? "an option of length 0"
			                    : "an option runs past the message";
			return -1;
		}
		if (!buf_has(b, off, 8u * olen))
			goto cut;
		if ((type == 1 || type == 2) && olen == 1) {
			uint8_t *dst = type == 1 ? nd->src_ll : nd->tgt_ll;

			(void)get_bytes(b, off + 2, 6, dst);
			*(type == 1 ? &nd->has_src_ll : &nd->has_tgt_ll) = 1;
		} else if (type == 3 && olen == 4) {
			nd_prefix(nd, b, off);
		} else if (type == 5 && olen == 1) {
			nd->has_mtu = get_be32(b, off + 4, &nd->mtu) == 0;
		}
		off += 8u * olen;
	}
	return 0;
cut:
	nd->cut = 1;
	return -1;
}

int
cap_nd_decode(const struct cap_pkt *pkt, struct cap_nd *nd)
{
	struct cap_buf b = {
	    pkt->payload, pkt->payload != NULL ? pkt->payload_caplen : 0};
	uint32_t rest = pkt->icmp.rest, len = pkt->payload_len;
	size_t opt = 0;

	memset(nd, 0, sizeof *nd);
	if (pkt->tp != CAP_TP_ICMP6 || pkt->icmp.type < 133 ||
	    pkt->icmp.type > 136 || pkt->trunc == CAP_L_ICMP6 ||
	    pkt->bad != NULL)
		return -1;
	nd->type = pkt->icmp.type;
	switch (nd->type) {
	case CAP_ND_RA:
		nd->hop_limit = (uint8_t)(rest >> 24);
		nd->ra_flags = (uint8_t)(rest >> 16);
		nd->lifetime = (uint16_t)rest;
		if (get_be32(&b, 0, &nd->reachable) < 0 ||
		    get_be32(&b, 4, &nd->retrans) < 0)
			goto short_;
		opt = 8;
		break;
	case CAP_ND_NS:
	case CAP_ND_NA:
		nd->na_flags = (uint8_t)(rest >> 24);
		if (get_bytes(&b, 0, 16, nd->target) < 0)
			goto short_;
		opt = 16;
		break;
	}
	(void)nd_options(nd, &b, opt, len);
	return 0;
short_:
	if (len < opt + (nd->type == CAP_ND_RA ? 8 : 16))
		nd->bad = "shorter than its fixed part";
	else
		nd->cut = 1;
	return 0;
}

/*
 * ICMP and ICMPv6: type, code, echo id/seq, and for errors (unreachable,
 * time exceeded, ...) the 5-tuple of the quoted packet, so that a port
 * unreachable can be shown against the UDP conversation that caused it.
 */
#define _POSIX_C_SOURCE 200809L
#include "decode.h"

/* Ports of the quoted transport header, when it is TCP or UDP. */
static int
inner_ports(struct cap_icmp_inner *in, const struct cap_buf *b, size_t off)
{
	if (in->proto != 6 && in->proto != 17)
		return 0;
	if (get_be16(b, off, &in->sport) < 0 ||
	    get_be16(b, off + 2, &in->dport) < 0)
		return -1;
	in->has_ports = 1;
	return 0;
}

static int
inner_ip6(struct cap_icmp_inner *in, const struct cap_buf *b, size_t off)
{
	uint8_t nh, l;
	size_t cur = off + 40;
	int n;

	if (get_u8(b, off + 6, &nh) < 0 ||
	    get_bytes(b, off + 8, 16, in->src.a) < 0 ||
	    get_bytes(b, off + 24, 16, in->dst.a) < 0)
		return -1;
	in->src.family = in->dst.family = 6;
	in->valid = 1;
	for (n = 0; n < 4 && (nh == 0 || nh == 43 || nh == 60 || nh == 44);
	     n++) {
		uint8_t this = nh;

		if (get_u8(b, cur, &nh) < 0 || get_u8(b, cur + 1, &l) < 0)
			return -1;
		cur += this == 44 ? 8 : ((size_t)l + 1) * 8;
	}
	in->proto = nh;
	return inner_ports(in, b, cur);
}

int
decode_inner(struct cap_icmp_inner *in, const struct cap_buf *b, size_t off)
{
	uint8_t vhl;

	if (get_u8(b, off, &vhl) < 0)
		return -1;
	if (vhl >> 4 == 6)
		return inner_ip6(in, b, off);
	if (vhl >> 4 != 4 || (vhl & 0x0f) < 5)
		return 0; /* not an IP header: nothing to show */
	if (get_u8(b, off + 9, &in->proto) < 0 ||
	    get_bytes(b, off + 12, 4, in->src.a) < 0 ||
	    get_bytes(b, off + 16, 4, in->dst.a) < 0)
		return -1;
	in->src.family = in->dst.family = 4;
	in->valid = 1;
	return inner_ports(in, b, off + (vhl & 0x0f) * 4u);
}

/* Type/code/checksum and the second word, shared by both versions. */
static int
icmp_common(struct cap_pkt *pkt, const struct cap_buf *b, size_t off,
    uint32_t len, int is_error, int is_echo)
{
	struct cap_icmp *ic = &pkt->icmp;

	if (get_be32(b, off + 4, &ic->rest) < 0)
		return -1;
	if (is_echo) {
		ic->id = (uint16_t)(ic->rest >> 16);
		ic->seq = (uint16_t)ic->rest;
	}
	if (is_error && len > 8 && decode_inner(&ic->inner, b, off + 8) < 0 &&
	    b->len < off + len)
		return -1;
	decode_payload(pkt, b, off + 8, len - 8);
	return 0;
}

void
decode_icmp(
    struct cap_pkt *pkt, const struct cap_buf *b, size_t off, uint32_t len)
{
	struct cap_icmp *ic = &pkt->icmp;
	int err, echo;

	pkt->tp = CAP_TP_ICMP;
	if (len < 8) {
		/* Short on the wire: malformed, whatever was captured. */
		(void)get_u8(b, off, &ic->type);
		(void)get_u8(b, off + 1, &ic->code);
		decode_bad(pkt, CAP_L_ICMP, "icmp %u (header of 8)", len);
		if (b->len < off + len)
			goto cut;
		return;
	}
	if (get_u8(b, off, &ic->type) < 0 ||
	    get_u8(b, off + 1, &ic->code) < 0 ||
	    get_be16(b, off + 2, &ic->sum) < 0)
		goto cut;
	err = ic->type == 3 || ic->type == 4 || ic->type == 5 ||
	      ic->type == 11 || ic->type == 12;
	echo = ic->type == 0 || ic->type == 8;
	if (icmp_common(pkt, b, off, len, err, echo) == 0)
		return;
cut:
	decode_trunc(pkt, CAP_L_ICMP);
}

void
decode_icmp6(
    struct cap_pkt *pkt, const struct cap_buf *b, size_t off, uint32_t len)
{
	struct cap_icmp *ic = &pkt->icmp;

	pkt->tp = CAP_TP_ICMP6;
	if (len < 8) {
		/* Short on the wire: malformed, whatever was captured. */
		(void)get_u8(b, off, &ic->type);
		(void)get_u8(b, off + 1, &ic->code);
		decode_bad(pkt, CAP_L_ICMP6, "icmp6 %u (header of 8)", len);
		if (b->len < off + len)
			goto cut;
		return;
	}
	if (get_u8(b, off, &ic->type) < 0 ||
	    get_u8(b, off + 1, &ic->code) < 0 ||
	    get_be16(b, off + 2, &ic->sum) < 0)
		goto cut;
	if (icmp_common(pkt, b, off, len, ic->type >= 1 && ic->type <= 4,
	        ic->type == 128 || ic->type == 129) == 0)
		return;
cut:
	decode_trunc(pkt, CAP_L_ICMP6);
}

/*
 * Decoding entry point: the link layer (Ethernet, Linux cooked v1/v2,
 * BSD NULL/LOOP, raw IP) and the hand-off to the IP decoders, plus the
 * bookkeeping every layer shares (truncation, malformed reasons, payload).
 */
#define _POSIX_C_SOURCE 200809L
#include <pcap/dlt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "param.h"

#define DLT_RAW_OPENBSD 14 /* DLT_RAW's value on OpenBSD */
#define LINKTYPE_RAW 101   /* the file format's number for raw IP */

/* BSD address families for IPv6 in NULL/LOOP headers: Linux, NetBSD
 * and OpenBSD, FreeBSD, macOS. */
#define BSD_AF_INET 2

void
decode_trunc(struct cap_pkt *pkt, enum cap_layer layer)
{
	if (pkt->trunc == CAP_L_NONE)
		pkt->trunc = layer;
}

void
decode_bad(struct cap_pkt *pkt, enum cap_layer layer, const char *fmt, ...)
{
	va_list ap;

	if (pkt->bad != NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(pkt->bad_buf, sizeof pkt->bad_buf, fmt, ap);
	va_end(ap);
	pkt->bad = pkt->bad_buf;
	pkt->bad_layer = layer;
}

void
decode_transport(struct cap_pkt *pkt, const struct cap_buf *b, size_t off,
    uint32_t len, uint8_t proto)
{
	pkt->tp_off = (uint16_t)off;
	switch (proto) {
	case 6:
		decode_tcp(pkt, b, off, len);
		break;
	case 17:
		decode_udp(pkt, b, off, len);
		break;
	case 1:
		if (pkt->net == CAP_NET_IP) {
			decode_icmp(pkt, b, off, len);
			break;
		}
		goto other;
	case 58:
		if (pkt->net == CAP_NET_IP6) {
			decode_icmp6(pkt, b, off, len);
			break;
		}
		goto other;
	default:
	other:
		pkt->tp = CAP_TP_OTHER;
		decode_payload(pkt, b, off, len);
	}
}

/* The network layer named by an ethertype. */
static void
decode_net(struct cap_pkt *pkt, const struct cap_buf *b, size_t off)
{
	pkt->link_hlen = (uint16_t)off;
	switch (pkt->ethertype) {
	case ETHERTYPE_IP:
		decode_ip(pkt, b, off);
		break;
	case ETHERTYPE_IPV6:
		decode_ip6(pkt, b, off);
		break;
	default:
		pkt->net = CAP_NET_OTHER;
		decode_payload(
		    pkt, b, off, pkt->len > off ? pkt->len - off : 0);
	}
}

static void
decode_eth(struct cap_pkt *pkt, const struct cap_buf *b)
{
	size_t off = 12;
	int tags = 0;

	pkt->link = CAP_LINK_ETH;
	if (get_bytes(b, 0, 6, pkt->eth_dst) < 0 ||
	    get_bytes(b, 6, 6, pkt->eth_src) < 0 ||
	    get_be16(b, off, &pkt->ethertype) < 0)
		goto cut;
	while ((pkt->ethertype == ETHERTYPE_VLAN ||
	           pkt->ethertype == ETHERTYPE_QINQ ||
	           pkt->ethertype == ETHERTYPE_QINQ_OLD) &&
	       tags < CAP_VLAN_MAX) {
		uint16_t tci;

		if (get_be16(b, off + 2, &tci) < 0 ||
		    get_be16(b, off + 4, &pkt->ethertype) < 0)
			goto cut;
		if (tags++ == 0)
			pkt->vlan = tci & 0x0fff;
		pkt->flags |= CAP_F_VLAN;
		off += 4;
	}
	decode_net(pkt, b, off + 2);
	return;
cut:
	decode_trunc(pkt, CAP_L_LINK);
}

static void
decode_sll(struct cap_pkt *pkt, const struct cap_buf *b)
{
	uint16_t halen;

	pkt->link = CAP_LINK_SLL;
	if (get_be16(b, 0, &pkt->sll_pkttype) < 0 ||
	    get_be16(b, 4, &halen) < 0 ||
	    get_bytes(b, 6, 8, pkt->eth_src) < 0 ||
	    get_be16(b, 14, &pkt->ethertype) < 0) {
		decode_trunc(pkt, CAP_L_LINK);
		return;
	}
	pkt->sll_halen = (uint8_t)(halen > 8 ? 8 : halen);
	decode_net(pkt, b, 16);
}

static void
decode_sll2(struct cap_pkt *pkt, const struct cap_buf *b)
{
	uint8_t type, halen;

	pkt->link = CAP_LINK_SLL2;
	if (get_be16(b, 0, &pkt->ethertype) < 0 ||
	    get_be32(b, 4, &pkt->sll_ifindex) < 0 || get_u8(b, 10, &type) < 0 ||
	    get_u8(b, 11, &halen) < 0 ||
	    get_bytes(b, 12, 8, pkt->eth_src) < 0) {
		decode_trunc(pkt, CAP_L_LINK);
		return;
	}
	pkt->sll_pkttype = type;
	pkt->sll_halen = halen > 8 ? 8 : halen;
	decode_net(pkt, b, 20);
}

/* NULL: the family in the capturing host's byte order, which may not be
 * ours (tcpdump's null_if_print guesses the same way); LOOP: network. */
static void
decode_null(struct cap_pkt *pkt, const struct cap_buf *b, int loop)
{
	uint32_t fam;

	pkt->link = loop ? CAP_LINK_LOOP : CAP_LINK_NULL;
	if ((loop ? get_be32(b, 0, &fam) : get_le32(b, 0, &fam)) < 0) {
		decode_trunc(pkt, CAP_L_LINK);
		return;
	}
	if (!loop && (fam & 0xffff0000u) != 0)
		fam = (fam >> 24) | ((fam >> 8) & 0xff00) |
		      ((fam << 8) & 0xff0000) | (fam << 24);
	pkt->family = fam;
	switch (fam) {
	case BSD_AF_INET:
		pkt->ethertype = ETHERTYPE_IP;
		break;
	case 10:
	case 24:
	case 28:
	case 30: /* AF_INET6 on various BSDs */
		pkt->ethertype = ETHERTYPE_IPV6;
		break;
	default:
		pkt->ethertype = 0;
	}
	decode_net(pkt, b, 4);
}

/* Raw IP: the version nibble says which (DLT_IPV4/DLT_IPV6 insist). */
static void
decode_raw(struct cap_pkt *pkt, const struct cap_buf *b, int want)
{
	uint8_t v;

	pkt->link = CAP_LINK_RAW;
	if (get_u8(b, 0, &v) < 0) {
		decode_trunc(pkt, want == 6 ? CAP_L_IP6 : CAP_L_IP);
		return;
	}
	v >>= 4;
	if (want != 0 && v != want)
		v = (uint8_t)want; /* the IP decoder reports the version */
	pkt->ethertype = v == 6 ? ETHERTYPE_IPV6 : v == 4 ? ETHERTYPE_IP : 0;
	if (pkt->ethertype == 0)
		decode_bad(pkt, CAP_L_IP, "IP %u", v); /* tcpdump's words */
	decode_net(pkt, b, 0);
}

/* libpcap hands a pcap file's 32-bit seconds over sign-extended: read
 * them unsigned, as tcpdump prints them (2038 to 2106).  A microsecond
 * field out of range is kept for the printers and counted as 999999. */
static void
decode_ts(struct cap_pkt *pkt, const struct timeval *ts)
{
	pkt->ts = *ts;
	if (ts->tv_sec < 0 && ts->tv_sec >= INT32_MIN)
		pkt->ts.tv_sec = (time_t)(uint32_t)ts->tv_sec;
	if (ts->tv_usec < 0 || ts->tv_usec > 999999) {
		pkt->flags |= CAP_F_TS_USEC;
		pkt->ts_usec_raw = (uint32_t)ts->tv_usec;
		pkt->ts.tv_usec = 999999;
	}
}

int
cap_linktype_supported(int linktype)
{
	switch (linktype) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_RAW:
	case DLT_RAW_OPENBSD:
	case LINKTYPE_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return 1;
	}
	return 0;
}

int
cap_decode(struct cap_pkt *pkt, int linktype, const uint8_t *bytes,
    uint32_t caplen, uint32_t len, const struct timeval *ts)
{
	struct cap_buf b = {bytes, bytes != NULL ? caplen : 0};
	struct timeval t = {0, 0};

	if (ts != NULL)
		t = *ts; /* ts may point into *pkt */
	memset(pkt, 0, offsetof(struct cap_pkt, bad_buf));
	pkt->bad_buf[0] = '\0';
	pkt->data = bytes;
	pkt->caplen = (uint32_t)b.len;
	pkt->len = len < b.len ? (uint32_t)b.len : len;
	decode_ts(pkt, &t);
	pkt->linktype = linktype;
	switch (linktype) {
	case DLT_EN10MB:
		decode_eth(pkt, &b);
		break;
	case DLT_LINUX_SLL:
		decode_sll(pkt, &b);
		break;
	case DLT_LINUX_SLL2:
		decode_sll2(pkt, &b);
		break;
	case DLT_NULL:
	case DLT_LOOP:
		decode_null(pkt, &b, linktype == DLT_LOOP);
		break;
	case DLT_RAW:
	case DLT_RAW_OPENBSD:
	case LINKTYPE_RAW:
		decode_raw(pkt, &b, 0);
		break;
	case DLT_IPV4:
	case DLT_IPV6:
		decode_raw(pkt, &b, linktype == DLT_IPV4 ? 4 : 6);
		break;
	default:
		return -1;
	}
	return 0;
}

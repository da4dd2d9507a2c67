/*
 * The decoder's internal interface: one function per layer, each in its
 * own file (decode-ip.c, decode-ip6.c, decode-tcp.c, decode-udp.c,
 * decode-icmp.c), called by the link-layer dispatch in decode.c.
 *
 * Interface (b covers the captured bytes that may be read for this
 * layer; len is the layer's length on the wire, per the headers):
 *	decode_ip(pkt, b, off)           IPv4 at off
 *	decode_ip6(pkt, b, off)          IPv6 at off (extension headers)
 *	decode_transport(pkt, b, off, len, proto)   dispatch on protocol
 *	decode_tcp / decode_udp / decode_icmp / decode_icmp6 (pkt, b, off, len)
 *	decode_payload(pkt, b, off, len) record the payload at off
 *	decode_trunc(pkt, layer)         the capture cut this layer
 *	decode_bad(pkt, layer, fmt, ...) this layer is malformed: why
 *	decode_inner(icmp, b, off)       the packet quoted by an ICMP error
 */
#ifndef CAP_DECODE_H
#define CAP_DECODE_H

#include "capture.h"
#include "extract.h"

void decode_ip(struct cap_pkt *pkt, const struct cap_buf *b, size_t off);
void decode_ip6(struct cap_pkt *pkt, const struct cap_buf *b, size_t off);
void decode_transport(struct cap_pkt *pkt, const struct cap_buf *b, size_t off,
    uint32_t len, uint8_t proto);
void decode_tcp(
    struct cap_pkt *pkt, const struct cap_buf *b, size_t off, uint32_t len);
void decode_udp(
    struct cap_pkt *pkt, const struct cap_buf *b, size_t off, uint32_t len);
void decode_icmp(
    struct cap_pkt *pkt, const struct cap_buf *b, size_t off, uint32_t len);
void decode_icmp6(
    struct cap_pkt *pkt, const struct cap_buf *b, size_t off, uint32_t len);
int decode_inner(
    struct cap_icmp_inner *in, const struct cap_buf *b, size_t off);
void decode_trunc(struct cap_pkt *pkt, enum cap_layer layer);
void decode_bad(struct cap_pkt *pkt, enum cap_layer layer, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Every packet ends here: inline, it is most of a layer's work. */
static inline void
decode_payload(
    struct cap_pkt *pkt, const struct cap_buf *b, size_t off, uint32_t len)
{
	size_t have = off < b->len ? b->len - off : 0;

	pkt->payload_len = len;
	pkt->payload_caplen = (uint32_t)(have < len ? have : len);
	pkt->payload = pkt->payload_caplen > 0 ? b->p + off : NULL;
	if (pkt->payload_caplen < len)
		decode_trunc(pkt, CAP_L_PAYLOAD);
}

/* Ethertypes the decoder dispatches on */
#define ETHERTYPE_IP 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100

#endif

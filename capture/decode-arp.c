/*
 * ARP (RFC 826): operation, hardware and protocol addresses of any
 * length the header announces (Ethernet/IPv4 is 6 and 4), read from
 * what follows the link header of an ethertype 0x0806 frame.
 */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "extract.h"
#include "proto.h"

#define ETHERTYPE_ARP 0x0806

int
cap_arp_decode(const struct cap_pkt *pkt, struct cap_arp *arp)
{
	struct cap_buf b;
	size_t off = 8;

	memset(arp, 0, sizeof *arp);
	if (pkt->net != CAP_NET_OTHER || pkt->ethertype != ETHERTYPE_ARP) {
		arp->bad = "not ARP";
		return -1;
	}
	b.p = pkt->payload;
	b.len = pkt->payload != NULL ? pkt->payload_caplen : 0;
	if (get_be16(&b, 0, &arp->htype) < 0 ||
	    get_be16(&b, 2, &arp->ptype) < 0 || get_u8(&b, 4, &arp->hlen) < 0 ||
	    get_u8(&b, 5, &arp->plen) < 0 || get_be16(&b, 6, &arp->op) < 0)
		goto cut;
	if (arp->hlen > 16 || arp->plen > 16 || arp->plen == 0) {
		arp->bad = arp->plen == 0 ? "protocol address length 0"
		                          : "address longer than 16 bytes";
		return -1;
	}
	if (get_bytes(&b, off, arp->hlen, arp->sha) < 0 ||
	    get_bytes(&b, off + arp->hlen, arp->plen, arp->spa) < 0 ||
	    get_bytes(&b, off + arp->hlen + arp->plen, arp->hlen, arp->tha) <
	        0 ||
	    get_bytes(
	        &b, off + 2u * arp->hlen + arp->plen, arp->plen, arp->tpa) < 0)
		goto cut;
	arp->ether_ip = arp->htype == 1 && arp->ptype == 0x0800 &&
	                arp->hlen == 6 && arp->plen == 4;
	return 0;
cut:
	arp->cut = 1;
	arp->bad = "cut by the capture";
	return -1;
}

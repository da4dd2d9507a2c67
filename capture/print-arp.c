/*
 * labsniff's ARP line (who has A? tell B; A is at MAC; gratuitous ARP
 * and probes named) and Ethernet addresses (-e).  Any hardware/protocol
 * address length the header announces is shown, in hex when it is not
 * Ethernet/IPv4.
 */
#define _DEFAULT_SOURCE /* pcap.h (via labsniff.h) uses u_int, u_char */
#include "labsniff.h"
#include "proto.h"

void
print_mac(struct outbuf *ob, const uint8_t *mac, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			outbuf_putc(ob, ':');
		outbuf_hex(ob, mac[i], 2);
	}
	if (n == 0)
		outbuf_puts(ob, "(none)");
}

/* -e: the frame's source and destination hardware addresses. */
void
print_eth_addrs(struct outbuf *ob, const struct cap_pkt *pkt)
{
	if (pkt->link == CAP_LINK_ETH && pkt->caplen >= 14) {
		print_mac(ob, pkt->eth_src, 6);
		outbuf_puts(ob, " > ");
		print_mac(ob, pkt->eth_dst, 6);
		outbuf_puts(ob, ", ");
	} else if ((pkt->link == CAP_LINK_SLL || pkt->link == CAP_LINK_SLL2) &&
	           pkt->net != CAP_NET_NONE) {
		print_mac(ob, pkt->eth_src, pkt->sll_halen);
		outbuf_puts(ob, " > (cooked), ");
	}
}

static void
arp_paddr(struct outbuf *ob, const struct cap_arp *a, const uint8_t *p)
{
	if (a->ptype == 0x0800 && a->plen == 4)
		outbuf_ipv4(ob, p);
	else
		print_mac(ob, p, a->plen);
}

static void
arp_odd(struct outbuf *ob, const struct cap_arp *a)
{
	outbuf_puts(ob, " (hardware type ");
	outbuf_u64(ob, a->htype);
	outbuf_puts(ob, " len ");
	outbuf_u64(ob, a->hlen);
	outbuf_puts(ob, ", protocol 0x");
	outbuf_hex(ob, a->ptype, 4);
	outbuf_puts(ob, " len ");
	outbuf_u64(ob, a->plen);
	outbuf_putc(ob, ')');
}

static void
arp_request(struct outbuf *ob, const struct cap_arp *a, int probe)
{
	outbuf_puts(ob, probe ? " probe: who has " : " request: who has ");
	arp_paddr(ob, a, a->tpa);
	if (probe) {
		outbuf_puts(ob, "? asks ");
		print_mac(ob, a->sha, a->hlen);
		outbuf_puts(ob, P_(", which has no address yet (is it free?)"));
		return;
	}
	outbuf_puts(ob, "? tell ");
	arp_paddr(ob, a, a->spa);
	outbuf_puts(ob, " (");
	print_mac(ob, a->sha, a->hlen);
	outbuf_putc(ob, ')');
}

/* 0: the ARP line was printed; -1: not an ARP packet. */
int
print_arp(struct outbuf *ob, const struct cap_pkt *pkt)
{
	struct cap_arp a;
	static const uint8_t zero[16];

	if (cap_arp_decode(pkt, &a) < 0) {
		if (a.bad == NULL || pkt->ethertype != 0x0806)
			return -1;
		outbuf_puts(ob, "ARP, ");
		outbuf_puts(ob, a.bad);
		return 0;
	}
	outbuf_puts(ob, "ARP");
	if (!a.ether_ip)
		arp_odd(ob, &a);
	if (memcmp(a.spa, a.tpa, a.plen) == 0 &&
	    (a.op == CAP_ARP_REQUEST || a.op == CAP_ARP_REPLY)) {
		outbuf_puts(ob, " gratuitous: ");
		arp_paddr(ob, &a, a.spa);
		outbuf_puts(ob, " is at ");
		print_mac(ob, a.sha, a.hlen);
		outbuf_puts(ob, P_(" (announces itself)"));
	} else if (a.op == CAP_ARP_REQUEST) {
		arp_request(ob, &a, memcmp(a.spa, zero, a.plen) == 0);
	} else if (a.op == CAP_ARP_REPLY) {
		outbuf_puts(ob, " reply: ");
		arp_paddr(ob, &a, a.spa);
		outbuf_puts(ob, " is at ");
		print_mac(ob, a.sha, a.hlen);
		outbuf_puts(ob, " (to ");
		arp_paddr(ob, &a, a.tpa);
		outbuf_puts(ob, " at ");
		print_mac(ob, a.tha, a.hlen);
		outbuf_putc(ob, ')');
	} else {
		outbuf_puts(ob, " operation ");
		outbuf_u64(ob, a.op);
	}
	outbuf_puts(ob, ", len ");
	outbuf_u64(ob, 8u + 2u * a.hlen + 2u * a.plen);
	return 0;
}

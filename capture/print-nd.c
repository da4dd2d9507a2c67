/*
 * labsniff's line for IPv6 neighbour discovery: "neighbor solicitation:
 * who has X? tell Y (MAC)", "neighbor advertisement: X is at MAC
 * (router, solicited, override)", router solicitation and advertisement
 * with its prefixes, as ARP's lines say the same for IPv4.
 */
#define _DEFAULT_SOURCE /* pcap.h (via labsniff.h) uses u_int, u_char */
#include "labsniff.h"
#include "proto.h"

static void
nd_addr(struct outbuf *ob, const uint8_t *a)
{
	outbuf_ipv6(ob, a);
}

static void
nd_flags(struct outbuf *ob, uint8_t f)
{
	static const struct {
		uint8_t bit;
		const char *word;
	} w[] = {{CAP_NA_ROUTER, "router"}, {CAP_NA_SOLICITED, "solicited"},
	    {CAP_NA_OVERRIDE, "override"}};
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof w / sizeof w[0]; i++)
		if (f & w[i].bit) {
			outbuf_puts(ob, n++ ? ", " : " (");
			outbuf_puts(ob, w[i].word);
		}
	if (n > 0)
		outbuf_putc(ob, ')');
}

static void
nd_prefixes(struct outbuf *ob, const struct cap_nd *nd)
{
	uint8_t i;

	for (i = 0; i < nd->nprefix; i++) {
		const struct cap_nd_prefix *p = &nd->prefix[i];

		outbuf_puts(ob, ", prefix ");
		nd_addr(ob, p->prefix);
		outbuf_putc(ob, '/');
		outbuf_u64(ob, p->len);
		outbuf_puts(ob, " (valid ");
		outbuf_u64(ob, p->valid);
		outbuf_puts(ob, " s, preferred ");
		outbuf_u64(ob, p->preferred);
		outbuf_puts(ob, " s");
		if (p->flags & 0x80)
			outbuf_puts(ob, ", on-link");
		if (p->flags & 0x40) {
			outbuf_puts(ob, ", autonomous");
			outbuf_puts(ob, P_(": hosts make their address"));
		}
		outbuf_putc(ob, ')');
	}
}

static void
nd_router_adv(struct outbuf *ob, const struct cap_nd *nd)
{
	outbuf_puts(ob, "router advertisement: hop limit ");
	outbuf_u64(ob, nd->hop_limit);
	outbuf_puts(ob, ", router lifetime ");
	outbuf_u64(ob, nd->lifetime);
	outbuf_puts(ob, " s");
	if (nd->lifetime == 0)
		outbuf_puts(ob, P_(" (not a default router)"));
	if (nd->ra_flags & CAP_RA_MANAGED) {
		outbuf_puts(ob, ", managed");
		outbuf_puts(ob, P_(": addresses by DHCPv6"));
	}
	if (nd->ra_flags & CAP_RA_OTHER)
		outbuf_puts(ob, P_(", other settings by DHCPv6"));
	nd_prefixes(ob, nd);
	if (nd->has_mtu) {
		outbuf_puts(ob, ", MTU ");
		outbuf_u64(ob, nd->mtu);
	}
	if (nd->has_src_ll) {
		outbuf_puts(ob, ", router at ");
		print_mac(ob, nd->src_ll, 6);
	}
}

/* 0: printed (the whole protocol part of the line); -1: not ND. */
int
print_nd(struct outbuf *ob, const struct cap_pkt *pkt)
{
	struct cap_nd nd;
	static const uint8_t unspec[16];

	if (cap_nd_decode(pkt, &nd) < 0)
		return -1;
	outbuf_puts(ob, "ICMPv6 ");
	switch (nd.type) {
	case CAP_ND_RS:
		outbuf_puts(ob, "router solicitation");
		outbuf_puts(ob, P_(": any router here?"));
		if (nd.has_src_ll) {
			outbuf_puts(ob, " asks ");
			print_mac(ob, nd.src_ll, 6);
		}
		break;
	case CAP_ND_RA:
		nd_router_adv(ob, &nd);
		break;
	case CAP_ND_NS:
		outbuf_puts(ob, "neighbor solicitation: who has ");
		nd_addr(ob, nd.target);
		if (memcmp(pkt->src.a, unspec, 16) == 0) {
			outbuf_puts(ob, "?");
			outbuf_puts(ob,
			    P_(" (duplicate address detection: is it free?)"));
			break;
		}
		outbuf_puts(ob, "? tell ");
		nd_addr(ob, pkt->src.a);
		if (nd.has_src_ll) {
			outbuf_puts(ob, " (");
			print_mac(ob, nd.src_ll, 6);
			outbuf_putc(ob, ')');
		}
		break;
	case CAP_ND_NA:
		outbuf_puts(ob, "neighbor advertisement: ");
		nd_addr(ob, nd.target);
		if (nd.has_tgt_ll) {
			outbuf_puts(ob, " is at ");
			print_mac(ob, nd.tgt_ll, 6);
		} else {
			outbuf_puts(ob, " is here");
		}
		nd_flags(ob, nd.na_flags);
		break;
	}
	if (nd.bad != NULL) {
		outbuf_puts(ob, " malformed nd: ");
		outbuf_puts(ob, nd.bad);
	} else if (nd.cut) {
		outbuf_puts(ob, " [|icmp6]");
	}
	return 0;
}

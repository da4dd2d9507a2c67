/*
 * labsniff's DHCP line: the step of the lease ("DHCP 1/4 DISCOVER" ..
 * "4/4 ACK", renewals, NAK/DECLINE/RELEASE/INFORM named), the transaction
 * id, the client's hardware address and the lease's facts (address,
 * server, lease time, mask, router, DNS servers).
 */
#define _DEFAULT_SOURCE /* pcap.h (via labsniff.h) uses u_int, u_char */
#include "labsniff.h"
#include "proto.h"

static const uint8_t zero4[4];

static int
has_addr(const uint8_t *a)
{
	return memcmp(a, zero4, 4) != 0;
}

/* The step words: from the message alone (RFC 2131 4.3.2: a renewing
 * client's REQUEST carries ciaddr and no server id; the ACK copies its
 * ciaddr). */
static void
dhcp_step(struct outbuf *ob, const struct cap_dhcp *d)
{
	const char *name = cap_dhcp_type_name(d->type);

	switch (d->type) {
	case CAP_DHCP_DISCOVER:
		outbuf_puts(ob, "DHCP 1/4 DISCOVER");
		return;
	case CAP_DHCP_OFFER:
		outbuf_puts(ob, "DHCP 2/4 OFFER");
		return;
	case CAP_DHCP_REQUEST:
		if (d->has_server)
			outbuf_puts(ob, "DHCP 3/4 REQUEST");
		else
			outbuf_puts(ob, "DHCP REQUEST");
		if (!d->has_server)
			outbuf_puts(ob, has_addr(d->ciaddr)
			                    ? P_(" (renewal)")
			                    : P_(" (reboot: asks to keep its "
			                         "old address)"));
		return;
	case CAP_DHCP_ACK:
		if (!has_addr(d->ciaddr)) {
			outbuf_puts(ob, "DHCP 4/4 ACK");
		} else {
			outbuf_puts(ob, "DHCP ACK");
			if (d->has_lease)
				outbuf_puts(ob, P_(" (renewal)"));
		}
		return;
	case CAP_DHCP_NAK:
		outbuf_puts(ob, "DHCP NAK");
		outbuf_puts(ob, P_(" (the server refuses)"));
		return;
	case CAP_DHCP_DECLINE:
		outbuf_puts(ob, "DHCP DECLINE");
		outbuf_puts(ob, P_(" (the address is in use)"));
		return;
	case CAP_DHCP_RELEASE:
		outbuf_puts(ob, "DHCP RELEASE");
		outbuf_puts(ob, P_(" (gives the address back)"));
		return;
	case CAP_DHCP_INFORM:
		outbuf_puts(ob, "DHCP INFORM");
		outbuf_puts(ob, P_(" (settings only, has an address)"));
		return;
	}
	outbuf_puts(ob, "DHCP ");
	if (name == NULL) {
		outbuf_puts(ob, "message type ");
		outbuf_u64(ob, d->type);
	}
}

static void
addr_field(struct outbuf *ob, const char *what, const uint8_t *a)
{
	outbuf_puts(ob, what);
	outbuf_ipv4(ob, a);
}

static void
dhcp_facts(struct outbuf *ob, const struct cap_dhcp *d)
{
	uint8_t i;

	if (has_addr(d->yiaddr))
		addr_field(ob,
		    d->type == CAP_DHCP_OFFER ? ", offers " : ", your address ",
		    d->yiaddr);
	if (has_addr(d->ciaddr))
		addr_field(ob, ", client address ", d->ciaddr);
	if (d->has_req)
		addr_field(ob,
		    d->type == CAP_DHCP_DECLINE ? ", declines " : ", asks for ",
		    d->req);
	if (d->has_server)
		addr_field(ob, ", server ", d->server);
	if (d->has_lease) {
		outbuf_puts(ob, ", lease ");
		outbuf_u64(ob, d->lease);
		outbuf_puts(ob, " s");
	}
	if (d->has_mask)
		addr_field(ob, ", mask ", d->mask);
	if (d->nrouter > 0)
		addr_field(ob, ", router ", d->router);
	for (i = 0; i < d->ndns; i++)
		addr_field(ob, i == 0 ? ", DNS " : " ", d->dns + 4u * i);
	if (d->hostname_len > 0) {
		outbuf_puts(ob, ", host name");
		print_text(ob, (const uint8_t *)d->hostname, d->hostname_len,
		    sizeof d->hostname);
	}
	if (has_addr(d->giaddr))
		addr_field(ob, ", via relay ", d->giaddr);
}

/* 0: the DHCP part of the line was printed; -1: pkt carries none. */
int
print_dhcp(struct outbuf *ob, const struct cap_pkt *pkt)
{
	struct cap_dhcp d;

	if (cap_dhcp_decode(pkt, &d) < 0)
		return -1;
	if (d.dhcp && d.type != 0)
		dhcp_step(ob, &d);
	else
		outbuf_puts(ob, d.op == 2 ? "BOOTP reply" : "BOOTP request");
	outbuf_puts(ob, " xid 0x");
	outbuf_hex(ob, d.xid, 8);
	outbuf_puts(ob, d.op == 2 ? " to " : " from ");
	print_mac(ob, d.chaddr, d.hlen);
	if (d.flags & 0x8000)
		outbuf_puts(ob, P_(" (answer by broadcast)"));
	dhcp_facts(ob, &d);
	if (d.bad != NULL) {
		outbuf_puts(ob, " malformed dhcp: ");
		outbuf_puts(ob, d.bad);
		outbuf_puts(ob, " (option ");
		outbuf_u64(ob, d.bad_code);
		outbuf_putc(ob, ')');
	} else if (d.cut) {
		outbuf_puts(ob, " [|bootp]");
	}
	return 0;
}

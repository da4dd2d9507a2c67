/*
 * DHCP (RFC 2131) and its BOOTP frame (RFC 951): the fixed header, the
 * magic cookie and the options a lease is made of (message type,
 * requested address, server id, lease time, mask, router, DNS servers,
 * host name).  An option that runs past the message is malformed.
 */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "extract.h"
#include "proto.h"

#define DHCP_FIXED 236 /* op .. file */
#define DHCP_COOKIE 0x63825363

static void
dhcp_addrs(const struct cap_buf *b, size_t off, uint8_t len, uint8_t *dst,
    uint8_t max, uint8_t *n)
{
	uint8_t i;

	for (i = 0; i + 4 <= len && *n < max; i += 4, (*n)++)
		(void)get_bytes(b, off + i, 4, dst + 4u * *n);
}

/* One option at off (its code and length already read). */
static void
dhcp_option(struct cap_dhcp *d, const struct cap_buf *b, uint8_t code,
    size_t off, uint8_t len)
{
	switch (code) {
	case 53:
		if (len >= 1)
			(void)get_u8(b, off, &d->type);
		break;
	case 50:
		d->has_req = len >= 4 && get_bytes(b, off, 4, d->req) == 0;
		break;
	case 54:
		d->has_server =
		    len >= 4 && get_bytes(b, off, 4, d->server) == 0;
		break;
	case 51:
		d->has_lease = len >= 4 && get_be32(b, off, &d->lease) == 0;
		break;
	case 1:
		d->has_mask = len >= 4 && get_bytes(b, off, 4, d->mask) == 0;
		break;
	case 3:
		dhcp_addrs(b, off, len, d->router, 1, &d->nrouter);
		break;
	case 6:
		dhcp_addrs(b, off, len, d->dns, CAP_DHCP_DNS_MAX, &d->ndns);
		break;
	case 12:
		d->hostname_len =
		    len < sizeof d->hostname ? len : sizeof d->hostname;
		(void)get_bytes(b, off, d->hostname_len, d->hostname);
		break;
	}
}

static int
dhcp_options(struct cap_dhcp *d, const struct cap_buf *b, uint32_t len)
{
	size_t off = DHCP_FIXED + 4;
	uint8_t code, olen;

	while (off < len) {
		if (get_u8(b, off, &code) < 0)
			goto cut;
		if (code == 255)
			return 0;
		if (code == 0) {
			off++;
			continue;
		}
		if (get_u8(b, off + 1, &olen) < 0) {
			if (off + 1 >= len)
				goto overrun;
			goto cut;
		}
		if (off + 2 + olen > len)
			goto overrun;
		if (!buf_has(b, off + 2, olen))
			goto cut;
		dhcp_option(d, b, code, off + 2, olen);
		d->nopts++;
		off += 2u + olen;
	}
	return 0; /* no end option: tolerated, as clients do */
overrun:
	d->bad = "an option runs past the end of the message";
	d->bad_code = code;
	return -1;
cut:
	d->cut = 1;
	return -1;
}

int
cap_dhcp_decode(const struct cap_pkt *pkt, struct cap_dhcp *d)
{
	struct cap_buf b;
	uint32_t cookie;

	memset(d, 0, sizeof *d);
	if (!cap_dhcp_port(pkt) || pkt->payload == NULL)
		return -1;
	b.p = pkt->payload;
	b.len = pkt->payload_caplen;
	if (get_u8(&b, 0, &d->op) < 0 || get_u8(&b, 1, &d->htype) < 0 ||
	    get_u8(&b, 2, &d->hlen) < 0 || get_be32(&b, 4, &d->xid) < 0 ||
	    get_be16(&b, 8, &d->secs) < 0 || get_be16(&b, 10, &d->flags) < 0 ||
	    get_bytes(&b, 12, 4, d->ciaddr) < 0 ||
	    get_bytes(&b, 16, 4, d->yiaddr) < 0 ||
	    get_bytes(&b, 20, 4, d->siaddr) < 0 ||
	    get_bytes(&b, 24, 4, d->giaddr) < 0 ||
	    get_bytes(&b, 28, 16, d->chaddr) < 0) {
		if (pkt->payload_len < DHCP_FIXED)
			d->bad = "shorter than a BOOTP message";
		else
			d->cut = 1;
		return pkt->payload_caplen >= 8 ? 0 : -1;
	}
	if (d->hlen > 16)
		d->hlen = 16;
	if (get_be32(&b, DHCP_FIXED, &cookie) < 0) {
		if (pkt->payload_len >= DHCP_FIXED + 4)
			d->cut = 1;
		return 0; /* plain BOOTP, or cut */
	}
	if (cookie != DHCP_COOKIE)
		return 0; /* BOOTP with vendor data */
	d->dhcp = 1;
	(void)dhcp_options(d, &b, pkt->payload_len);
	return 0;
}

const char *
cap_dhcp_type_name(uint8_t type)
{
	static const char *const names[] = {NULL, "DISCOVER", "OFFER",
	    "REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM"};

	return type < sizeof names / sizeof names[0] ? names[type] : NULL;
}

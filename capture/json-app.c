/*
 * labsniff --json: the fields of the protocols above the transport (ARP,
 * DNS, DHCP, ND, HTTP and the other text lines), under stable keys
 * prefixed by the protocol's name; a message reassembled from TCP
 * segments under "reassembled".
 */
#define _DEFAULT_SOURCE /* pcap.h (via labsniff.h) uses u_int, u_char */
#include "labsniff.h"
#include "proto.h"

static void
key(struct outbuf *ob, const char *k)
{
	outbuf_puts(ob, ",\"");
	outbuf_puts(ob, k);
	outbuf_puts(ob, "\":");
}

static void
kstr(struct outbuf *ob, const char *k, const char *v)
{
	key(ob, k);
	json_string(ob, (const uint8_t *)v, strlen(v));
}

static void
knum(struct outbuf *ob, const char *k, uint64_t v)
{
	key(ob, k);
	outbuf_u64(ob, v);
}

static void
kmac(struct outbuf *ob, const char *k, const uint8_t *p, size_t n)
{
	key(ob, k);
	outbuf_putc(ob, '"');
	print_mac(ob, p, n);
	outbuf_putc(ob, '"');
}

static void
kpaddr(
    struct outbuf *ob, const char *k, const struct cap_arp *a, const uint8_t *p)
{
	key(ob, k);
	outbuf_putc(ob, '"');
	if (a->ptype == 0x0800 && a->plen == 4)
		outbuf_ipv4(ob, p);
	else
		print_mac(ob, p, a->plen);
	outbuf_putc(ob, '"');
}

static void
json_arp(struct outbuf *ob, const struct cap_pkt *pkt)
{
	struct cap_arp a;

	if (cap_arp_decode(pkt, &a) < 0) {
		if (a.bad != NULL && pkt->ethertype == 0x0806)
			kstr(ob, "arp_error", a.bad);
		return;
	}
	kstr(ob, "arp_op",
	    a.op == CAP_ARP_REQUEST ? "request"
	    : a.op == CAP_ARP_REPLY ? "reply"
	                            : "other");
	knum(ob, "arp_opcode", a.op);
	knum(ob, "arp_htype", a.htype);
	knum(ob, "arp_ptype", a.ptype);
	kmac(ob, "arp_sender_mac", a.sha, a.hlen);
	kpaddr(ob, "arp_sender_ip", &a, a.spa);
	kmac(ob, "arp_target_mac", a.tha, a.hlen);
	kpaddr(ob, "arp_target_ip", &a, a.tpa);
}

static void
json_dns_rr(struct outbuf *ob, const struct cap_dns_rr *rr, int first)
{
	char buf[2 * CAP_DNS_NAME_MAX + 96];
	struct outbuf b;

	outbuf_puts(ob, first ? "{\"section\":\"" : ",{\"section\":\"");
	outbuf_puts(ob, rr->section == CAP_DNS_AN   ? "answer"
	                : rr->section == CAP_DNS_NS ? "authority"
	                                            : "additional");
	outbuf_putc(ob, '"');
	kstr(ob, "name", rr->name);
	outbuf_mem(&b, buf, sizeof buf);
	print_dns_type(&b, rr->type);
	key(ob, "type");
	json_string(ob, (const uint8_t *)buf, b.len);
	knum(ob, "ttl", rr->ttl);
	if (rr->data_ok) {
		outbuf_mem(&b, buf, sizeof buf);
		print_dns_rdata(&b, rr);
		if (!b.failed && b.len > 0) {
			key(ob, "data");
			json_string(ob, (const uint8_t *)buf + 1, b.len - 1);
		}
	}
	outbuf_putc(ob, '}');
}

static void
json_dns_msg(struct outbuf *ob, struct cap_dns *mp)
{
	struct cap_dns m = *mp;
	struct cap_dns_rr rr;
	const char *rc;
	int n = 0;

	kstr(ob, "dns", m.flags & CAP_DNS_QR ? "response" : "query");
	knum(ob, "dns_id", m.id);
	knum(ob, "dns_flags", m.flags);
	if (m.flags & CAP_DNS_QR) {
		rc = cap_dns_rcode_name(m.flags & 0x0f);
		if (rc != NULL)
			kstr(ob, "dns_rcode", rc);
		else
			knum(ob, "dns_rcode", m.flags & 0x0f);
	}
	if (m.have_q) {
		char t[16];
		struct outbuf b;

		kstr(ob, "dns_qname", m.qname);
		outbuf_mem(&b, t, sizeof t);
		print_dns_type(&b, m.qtype);
		key(ob, "dns_qtype");
		json_string(ob, (const uint8_t *)t, b.len);
	}
	outbuf_puts(ob, ",\"dns_counts\":[");
	outbuf_u64(ob, m.qd);
	outbuf_putc(ob, ',');
	outbuf_u64(ob, m.an);
	outbuf_putc(ob, ',');
	outbuf_u64(ob, m.ns);
	outbuf_putc(ob, ',');
	outbuf_u64(ob, m.ar);
	outbuf_puts(ob, "],\"dns_records\":[");
	while (cap_dns_next_rr(&m, &rr) == 1)
		json_dns_rr(ob, &rr, n++ == 0);
	outbuf_putc(ob, ']');
	if (m.bad != NULL)
		kstr(ob, "dns_malformed", m.bad);
	else if (m.cut)
		outbuf_puts(ob, ",\"dns_truncated\":true");
}

static void
json_dns(struct outbuf *ob, const struct cap_pkt *pkt)
{
	struct cap_dns m;

	if (cap_dns_open(&m, pkt) == 0)
		json_dns_msg(ob, &m);
}

static void
kip(struct outbuf *ob, const char *k, const uint8_t *a)
{
	key(ob, k);
	outbuf_putc(ob, '"');
	outbuf_ipv4(ob, a);
	outbuf_putc(ob, '"');
}

static void
json_dhcp(struct outbuf *ob, const struct cap_pkt *pkt)
{
	struct cap_dhcp d;
	const char *t;
	uint8_t i;

	if (cap_dhcp_decode(pkt, &d) < 0)
		return;
	t = cap_dhcp_type_name(d.type);
	kstr(ob, "dhcp",
	    d.dhcp && t != NULL ? t
	    : d.op == 2         ? "BOOTREPLY"
	                        : "BOOTREQUEST");
	knum(ob, "dhcp_xid", d.xid);
	kmac(ob, "dhcp_client_mac", d.chaddr, d.hlen);
	kip(ob, "dhcp_ciaddr", d.ciaddr);
	kip(ob, "dhcp_yiaddr", d.yiaddr);
	if (d.has_req)
		kip(ob, "dhcp_requested", d.req);
	if (d.has_server)
		kip(ob, "dhcp_server", d.server);
	if (d.has_lease)
		knum(ob, "dhcp_lease_s", d.lease);
	if (d.has_mask)
		kip(ob, "dhcp_mask", d.mask);
	if (d.nrouter > 0)
		kip(ob, "dhcp_router", d.router);
	outbuf_puts(ob, ",\"dhcp_dns\":[");
	for (i = 0; i < d.ndns; i++) {
		outbuf_puts(ob, i ? ",\"" : "\"");
		outbuf_ipv4(ob, d.dns + 4u * i);
		outbuf_putc(ob, '"');
	}
	outbuf_putc(ob, ']');
	if (d.bad != NULL)
		kstr(ob, "dhcp_malformed", d.bad);
	else if (d.cut)
		outbuf_puts(ob, ",\"dhcp_truncated\":true");
}

static void
kip6(struct outbuf *ob, const char *k, const uint8_t *a)
{
	key(ob, k);
	outbuf_putc(ob, '"');
	outbuf_ipv6(ob, a);
	outbuf_putc(ob, '"');
}

static void
json_nd(struct outbuf *ob, const struct cap_pkt *pkt)
{
	static const char *const names[] = {"router-solicitation",
	    "router-advertisement", "neighbor-solicitation",
	    "neighbor-advertisement"};
	struct cap_nd nd;
	uint8_t i;

	if (cap_nd_decode(pkt, &nd) < 0)
		return;
	kstr(ob, "nd", names[nd.type - CAP_ND_RS]);
	if (nd.type == CAP_ND_NS || nd.type == CAP_ND_NA)
		kip6(ob, "nd_target", nd.target);
	if (nd.type == CAP_ND_NA) {
		knum(ob, "nd_router", !!(nd.na_flags & CAP_NA_ROUTER));
		knum(ob, "nd_solicited", !!(nd.na_flags & CAP_NA_SOLICITED));
		knum(ob, "nd_override", !!(nd.na_flags & CAP_NA_OVERRIDE));
	}
	if (nd.has_src_ll)
		kmac(ob, "nd_source_mac", nd.src_ll, 6);
	if (nd.has_tgt_ll)
		kmac(ob, "nd_target_mac", nd.tgt_ll, 6);
	if (nd.type == CAP_ND_RA) {
		knum(ob, "nd_hop_limit", nd.hop_limit);
		knum(ob, "nd_router_lifetime_s", nd.lifetime);
		outbuf_puts(ob, ",\"nd_prefixes\":[");
		for (i = 0; i < nd.nprefix; i++) {
			outbuf_puts(ob, i ? ",\"" : "\"");
			outbuf_ipv6(ob, nd.prefix[i].prefix);
			outbuf_putc(ob, '/');
			outbuf_u64(ob, nd.prefix[i].len);
			outbuf_putc(ob, '"');
		}
		outbuf_putc(ob, ']');
		if (nd.has_mtu)
			knum(ob, "nd_mtu", nd.mtu);
	}
	if (nd.bad != NULL)
		kstr(ob, "nd_malformed", nd.bad);
	else if (nd.cut)
		outbuf_puts(ob, ",\"nd_truncated\":true");
}

static void
json_app_line(struct outbuf *ob, const struct cap_app *ap)
{
	static const char *const kinds[] = {"", "http-request", "http-response",
	    "tls", "smtp", "pop3", "imap", "ftp"};
	struct cap_app a = *ap;

	kstr(ob, "app", kinds[a.kind]);
	if (a.line_cut)
		outbuf_puts(ob, ",\"app_line_continues\":true");
	switch (a.kind) {
	case CAP_APP_HTTP_REQUEST:
	case CAP_APP_HTTP_RESPONSE:
		if (a.kind == CAP_APP_HTTP_REQUEST) {
			kstr(ob, "http_method", a.method);
			kstr(ob, "http_target", a.text);
		} else {
			knum(ob, "http_status", a.status);
			kstr(ob, "http_reason", a.text);
		}
		if (a.host[0] != '\0')
			kstr(ob, "http_host", a.host);
		if (a.has_length)
			knum(ob, "http_content_length", a.length);
		if (a.encoding[0] != '\0')
			kstr(ob, "http_transfer_encoding", a.encoding);
		break;
	case CAP_APP_TLS:
		knum(ob, "tls_record_type", a.tls_type);
		if (a.tls_type == 22)
			knum(ob, "tls_handshake_type", a.tls_hs);
		if (a.host[0] != '\0')
			kstr(ob, "tls_server_name", a.host);
		if (a.tls_max != 0 || a.tls_hello_version != 0) {
			const char *v = cap_tls_version_name(
			    a.tls_max ? a.tls_max : a.tls_hello_version);

			if (v != NULL)
				kstr(ob, "tls_version", v);
		}
		break;
	default:
		kstr(ob, a.from_server ? "app_reply" : "app_command", a.text);
	}
}

static void
json_tcp_app(struct outbuf *ob, const struct cap_pkt *pkt)
{
	struct cap_app a;

	if (cap_app_decode(pkt, &a) == 0)
		json_app_line(ob, &a);
}

/* The DNS message or HTTP head this segment completed, under
 * "reassembled": its protocol, size and segments, then the same keys
 * as a message in one packet. */
void
json_reasm(struct outbuf *ob, const struct sniff *s, const struct cap_pkt *pkt)
{
	const struct sniff_print *pr = &s->pr;
	struct cap_dns m;
	struct cap_app a;

	if (pr->reasm_msg == NULL)
		return;
	if (pr->reasm_http
	        ? cap_app_decode_bytes(&a, pr->reasm_msg, pr->reasm_len,
	              pkt->sport, pkt->dport) < 0
	        : cap_dns_open_msg(&m, pr->reasm_msg, pr->reasm_len) < 0)
		return;
	outbuf_puts(ob, ",\"reassembled\":{\"protocol\":");
	outbuf_puts(ob, pr->reasm_http ? "\"http\"" : "\"dns\"");
	knum(ob, "bytes", pr->reasm_len);
	knum(ob, "segments", pr->reasm_nseg);
	if (pr->reasm_http)
		json_app_line(ob, &a);
	else
		json_dns_msg(ob, &m);
	outbuf_putc(ob, '}');
}

void
json_app(struct outbuf *ob, const struct cap_pkt *pkt)
{
	if (pkt->tp == CAP_TP_ICMP6) {
		json_nd(ob, pkt);
		return;
	}
	if (pkt->net == CAP_NET_OTHER)
		json_arp(ob, pkt);
	else if (cap_dns_port(pkt) && pkt->payload_len > 0)
		json_dns(ob, pkt);
	else if (cap_dhcp_port(pkt))
		json_dhcp(ob, pkt);
	else if (pkt->tp == CAP_TP_TCP && pkt->payload_len > 0)
		json_tcp_app(ob, pkt);
}

/*
 * The body of a fuzz run (see fuzz_input.h): every packet of the input
 * through cap_decode and cap_flow_track, with a small table so that
 * eviction is exercised too, and every field the printers read touched.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "fuzz_input.h"
#include "proto.h"

static const int fuzz_links[] = {1, 113, 276, 0, 108, 12, 228, 229};

int
fuzz_link_byte(int linktype)
{
	int i;

	for (i = 0; i < 8; i++)
		if (fuzz_links[i] == linktype)
			return i;
	return linktype == 101 || linktype == 14 ? 5 : -1;
}

/* Read what a printer would read, so a bad pointer or length shows. */
static unsigned
touch(const struct cap_pkt *pkt, const struct cap_note *note)
{
	unsigned s = 0;
	uint32_t i;
	char fl[CAP_TCP_FLAGS_STRLEN], a[64];

	for (i = 0; i < pkt->payload_caplen; i++)
		s += pkt->payload[i];
	if (pkt->bad != NULL)
		s += (unsigned)strlen(pkt->bad);
	if (cap_trunc_name(pkt) != NULL)
		s++;
	s += (unsigned)strlen(cap_tcp_flags_str(pkt->tcp.flags, fl));
	s += (unsigned)strlen(cap_addr_str(&pkt->src, a, sizeof a));
	s += (unsigned)strlen(cap_icmp_name(
	    pkt->net == CAP_NET_IP6 ? 6 : 4, pkt->icmp.type, pkt->icmp.code));
	if (note->conv != NULL)
		s += note->conv->pkts[note->dir] + note->rel_seq + note->win;
	return s;
}

unsigned
fuzz_app(const struct cap_pkt *pkt, struct cap_xchg *x, struct cap_reasm *r)
{
	struct cap_xnote xn;
	struct cap_arp arp;
	struct cap_dns m;
	struct cap_dns_rr rr;
	struct cap_dhcp dh;
	struct cap_nd nd;
	struct cap_app ap;
	unsigned s = 0;

	const uint8_t *msg;
	size_t len;
	uint32_t nseg;

	if (x != NULL && cap_xchg_track(x, pkt, &xn) == 0)
		s += xn.ev + (unsigned)xn.rtt_us + xn.q.asked;
	if (r != NULL && cap_reasm_http(r, pkt, &msg, &len, &nseg) == 1 &&
	    cap_app_decode_bytes(&ap, msg, len, pkt->sport, pkt->dport) == 0)
		s += (unsigned)strlen(ap.text) + (unsigned)strlen(ap.host);
	if (r != NULL && cap_reasm_dns(r, pkt, &msg, &len, &nseg) == 1 &&
	    cap_dns_open_msg(&m, msg, len) == 0) {
		s += msg[len - 1] + nseg + (unsigned)strlen(m.qname);
		while (cap_dns_next_rr(&m, &rr) == 1)
			s += (unsigned)strlen(rr.target);
	}
	if (cap_arp_decode(pkt, &arp) == 0)
		s += arp.op + arp.sha[arp.hlen ? arp.hlen - 1 : 0] +
		     arp.tpa[arp.plen - 1];
	if (cap_dns_open(&m, pkt) == 0) {
		s += (unsigned)strlen(m.qname) + m.qtype;
		while (cap_dns_next_rr(&m, &rr) == 1)
			s += (unsigned)(strlen(rr.name) + strlen(rr.target) +
			                strlen(rr.target2)) +
			     rr.addr[15] + rr.type;
		if (m.bad != NULL)
			s += (unsigned)strlen(m.bad);
	}
	if (cap_dhcp_decode(pkt, &dh) == 0)
		s += dh.type + dh.dns[4 * CAP_DHCP_DNS_MAX - 1] + dh.ndns +
		     dh.hostname_len + dh.chaddr[15] +
		     (unsigned)(dh.bad != NULL ? strlen(dh.bad) : 0);
	if (cap_app_decode(pkt, &ap) == 0)
		s += ap.kind + (unsigned)strlen(ap.text) +
		     (unsigned)strlen(ap.host) + ap.tls_max + ap.status +
		     (unsigned)ap.length + ap.more_lines +
		     (unsigned)strlen(ap.encoding);
	if (cap_nd_decode(pkt, &nd) == 0)
		s += nd.type + nd.nprefix +
		     nd.prefix[CAP_ND_PREFIX_MAX - 1].len + nd.tgt_ll[5] +
		     nd.src_ll[5] + nd.target[15] +
		     (unsigned)(nd.bad != NULL ? strlen(nd.bad) : 0);
	return s;
}

static void
on_evict(void *arg, const struct cap_conv *c)
{
	*(unsigned *)arg += c->pkts[0] + c->unanswered;
}

int
fuzz_one(const uint8_t *data, size_t size)
{
	struct cap_flows *ft;
	struct cap_xchg *x;
	struct cap_reasm *r;
	struct cap_pkt pkt;
	struct cap_note note;
	struct timeval ts = {1700000000, 0};
	unsigned sink = 0;
	size_t off = 1;

	if (size < 1)
		return 0;
	ft = cap_flows_new(4, 60);
	x = cap_xchg_new(16); /* small: sets fill, questions expire */
	r = cap_reasm_new();
	if (ft == NULL || x == NULL || r == NULL) {
		cap_flows_free(ft);
		cap_xchg_free(x);
		cap_reasm_free(r);
		return -1;
	}
	cap_flows_on_evict(ft, on_evict, &sink);
	while (off < size) {
		size_t n = size - off;
		uint8_t *copy;

		if (n >= 2 && data[off] != 0xff) {
			size_t want = (size_t)data[off] << 8 | data[off + 1];

			off += 2;
			n = want < size - off ? want : size - off;
		}
		copy = malloc(n ? n : 1);
		if (copy == NULL)
			break;
		memcpy(copy, data + off, n);
		ts.tv_usec = (ts.tv_usec + 1000 * (long)(n % 7)) % 1000000;
		cap_decode(&pkt, fuzz_links[data[0] % 8], copy, (uint32_t)n,
		    (uint32_t)n + (data[0] >> 4), &ts);
		cap_flow_track(ft, &pkt, &note);
		sink += touch(&pkt, &note);
		sink += fuzz_app(&pkt, x, r);
		free(copy);
		off += n;
		ts.tv_sec += data[0] & 1;
	}
	cap_flows_flush(ft);
	cap_flows_free(ft);
	cap_xchg_flush(x);
	cap_xchg_free(x);
	cap_reasm_free(r);
	return sink == 0xffffffffu ? 1 : 0; /* keep sink alive */
}

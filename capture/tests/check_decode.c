/*
 * Decoder tests: every field cap_decode fills, read back from the scenario
 * pcaps that build/mkpcap writes (capture/tests/mkpcap.c lists them):
 * link types, IPv4/IPv6 headers and extensions, TCP options, UDP, ICMP
 * errors, malformed reasons, truncation marks and the name tables.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "grader/testkit/harness.h"
#include "capture.h"

#define DEC_MAXP 64

struct dec_rec {
	uint8_t b[2048];
	uint32_t caplen, len;
	struct timeval ts;
};

static struct {
	int lt, n;
	struct dec_rec r[DEC_MAXP];
} dec_file;

static void
dec_load(const char *name)
{
	char path[512], err[512];
	struct cap_file *f;
	struct cap_pkt p;
	int r;

	snprintf(path, sizeof path, "tests/pcap/%s.pcap", name);
	f = cap_file_open(kit_bin(path), err, sizeof err);
	ck_assert_msg(f != NULL, "%s", err);
	dec_file.lt = cap_file_linktype(f);
	dec_file.n = 0;
	while ((r = cap_file_next(f, &p, err, sizeof err)) == 1) {
		struct dec_rec *d = &dec_file.r[dec_file.n++];

		ck_assert_int_le(dec_file.n, DEC_MAXP);
		ck_assert_uint_le(p.caplen, sizeof d->b);
		memcpy(d->b, p.data, p.caplen);
		d->caplen = p.caplen, d->len = p.len, d->ts = p.ts;
	}
	ck_assert_msg(r == 0, "%s", err);
	cap_file_close(f);
}

/* Decode packet i (0-based) of the loaded file. */
static void
dec_pkt(struct cap_pkt *p, int i)
{
	struct dec_rec *d = &dec_file.r[i];

	ck_assert_int_lt(i, dec_file.n);
	ck_assert_int_eq(
	    cap_decode(p, dec_file.lt, d->b, d->caplen, d->len, &d->ts), 0);
}

static const char *
dec_addr(const struct cap_addr *a)
{
	static char buf[2][64];
	static int k;

	return cap_addr_str(a, buf[k++ & 1], sizeof buf[0]);
}

/* Link types: what each link header says, and that IP follows. */
static const struct {
	const char *file;
	int idx;
	enum cap_link link;
	uint16_t hlen, ethertype;
	enum cap_net net;
	const char *src, *dst;
	uint16_t sport, dport;
	uint32_t extra; /* SLL pkttype, NULL family or VLAN id */
} link_cases[] = {
    {.file = "link-eth",
        .idx = 0,
        .link = CAP_LINK_ETH,
        .hlen = 14,
        .ethertype = 0x0800,
        .net = CAP_NET_IP,
        .src = "127.0.0.1",
        .dst = "127.0.0.1",
        .sport = 50010,
        .dport = 12000,
        .extra = 0},
    {.file = "link-eth",
        .idx = 3,
        .link = CAP_LINK_ETH,
        .hlen = 14,
        .ethertype = 0x86dd,
        .net = CAP_NET_IP6,
        .src = "::1",
        .dst = "::1",
        .sport = 12000,
        .dport = 50011,
        .extra = 0},
    {.file = "link-sll",
        .idx = 0,
        .link = CAP_LINK_SLL,
        .hlen = 16,
        .ethertype = 0x0800,
        .net = CAP_NET_IP,
        .src = "127.0.0.1",
        .dst = "127.0.0.1",
        .sport = 50010,
        .dport = 12000,
        .extra = 4},
    {.file = "link-sll",
        .idx = 2,
        .link = CAP_LINK_SLL,
        .hlen = 16,
        .ethertype = 0x86dd,
        .net = CAP_NET_IP6,
        .src = "::1",
        .dst = "::1",
        .sport = 50011,
        .dport = 12000,
        .extra = 0},
    {.file = "link-sll2",
        .idx = 0,
        .link = CAP_LINK_SLL2,
        .hlen = 20,
        .ethertype = 0x0800,
        .net = CAP_NET_IP,
        .src = "127.0.0.1",
        .dst = "127.0.0.1",
        .sport = 50010,
        .dport = 12000,
        .extra = 4},
    {.file = "link-sll2",
        .idx = 3,
        .link = CAP_LINK_SLL2,
        .hlen = 20,
        .ethertype = 0x86dd,
        .net = CAP_NET_IP6,
        .src = "::1",
        .dst = "::1",
        .sport = 12000,
        .dport = 50011,
        .extra = 0},
    {.file = "link-null",
        .idx = 0,
        .link = CAP_LINK_NULL,
        .hlen = 4,
        .ethertype = 0x0800,
        .net = CAP_NET_IP,
        .src = "127.0.0.1",
        .dst = "127.0.0.1",
        .sport = 50010,
        .dport = 12000,
        .extra = 2},
    {.file = "link-null",
        .idx = 2,
        .link = CAP_LINK_NULL,
        .hlen = 4,
        .ethertype = 0x86dd,
        .net = CAP_NET_IP6,
        .src = "::1",
        .dst = "::1",
        .sport = 50011,
        .dport = 12000,
        .extra = 30},
    {.file = "link-null",
        .idx = 5,
        .link = CAP_LINK_NULL,
        .hlen = 4,
        .ethertype = 0x0800,
        .net = CAP_NET_IP,
        .src = "127.0.0.1",
        .dst = "127.0.0.1",
        .sport = 12000,
        .dport = 50010,
        .extra = 2},
    {.file = "link-null",
        .idx = 6,
        .link = CAP_LINK_NULL,
        .hlen = 4,
        .ethertype = 0x86dd,
        .net = CAP_NET_IP6,
        .src = "::1",
        .dst = "::1",
        .sport = 50011,
        .dport = 12000,
        .extra = 30},
    {.file = "link-loop",
        .idx = 1,
        .link = CAP_LINK_LOOP,
        .hlen = 4,
        .ethertype = 0x0800,
        .net = CAP_NET_IP,
        .src = "127.0.0.1",
        .dst = "127.0.0.1",
        .sport = 12000,
        .dport = 50010,
        .extra = 2},
    {.file = "link-loop",
        .idx = 2,
        .link = CAP_LINK_LOOP,
        .hlen = 4,
        .ethertype = 0x86dd,
        .net = CAP_NET_IP6,
        .src = "::1",
        .dst = "::1",
        .sport = 50011,
        .dport = 12000,
        .extra = 24},
    {.file = "link-raw",
        .idx = 0,
        .link = CAP_LINK_RAW,
        .hlen = 0,
        .ethertype = 0x0800,
        .net = CAP_NET_IP,
        .src = "127.0.0.1",
        .dst = "127.0.0.1",
        .sport = 50010,
        .dport = 12000,
        .extra = 0},
    {.file = "link-raw",
        .idx = 2,
        .link = CAP_LINK_RAW,
        .hlen = 0,
        .ethertype = 0x86dd,
        .net = CAP_NET_IP6,
        .src = "::1",
        .dst = "::1",
        .sport = 50011,
        .dport = 12000,
        .extra = 0},
    {.file = "link-ipv4",
        .idx = 1,
        .link = CAP_LINK_RAW,
        .hlen = 0,
        .ethertype = 0x0800,
        .net = CAP_NET_IP,
        .src = "127.0.0.1",
        .dst = "127.0.0.1",
        .sport = 12000,
        .dport = 50012,
        .extra = 0},
    {.file = "link-ipv6",
        .idx = 0,
        .link = CAP_LINK_RAW,
        .hlen = 0,
        .ethertype = 0x86dd,
        .net = CAP_NET_IP6,
        .src = "::1",
        .dst = "::1",
        .sport = 50013,
        .dport = 12000,
        .extra = 0},
    {.file = "link-other",
        .idx = 0,
        .link = CAP_LINK_ETH,
        .hlen = 18,
        .ethertype = 0x0800,
        .net = CAP_NET_IP,
        .src = "127.0.0.1",
        .dst = "127.0.0.1",
        .sport = 50014,
        .dport = 12000,
        .extra = 100},
    {.file = "link-other",
        .idx = 1,
        .link = CAP_LINK_ETH,
        .hlen = 22,
        .ethertype = 0x0800,
        .net = CAP_NET_IP,
        .src = "127.0.0.1",
        .dst = "127.0.0.1",
        .sport = 12000,
        .dport = 50014,
        .extra = 100},
};

START_TEST(test_link)
{
	struct cap_pkt p;
	const __typeof__(link_cases[0]) *c = &link_cases[_i];

	dec_load(c->file);
	dec_pkt(&p, c->idx);
	ck_assert_int_eq(p.link, c->link);
	ck_assert_uint_eq(p.link_hlen, c->hlen);
	ck_assert_uint_eq(p.net_off, c->hlen);
	ck_assert_uint_eq(p.ethertype, c->ethertype);
	ck_assert_int_eq(p.net, c->net);
	ck_assert_str_eq(dec_addr(&p.src), c->src);
	ck_assert_str_eq(dec_addr(&p.dst), c->dst);
	ck_assert_uint_eq(p.sport, c->sport);
	ck_assert_uint_eq(p.dport, c->dport);
	ck_assert_int_eq(p.tp, CAP_TP_UDP);
	ck_assert_uint_eq(p.payload_len, 6);
	ck_assert_int_eq(
	    memcmp(p.payload, c->sport == 12000 ? "PING 1" : "ping 1", 6), 0);
	ck_assert_int_eq(p.trunc, CAP_L_NONE);
	ck_assert_ptr_null(p.bad);
	if (c->link == CAP_LINK_SLL || c->link == CAP_LINK_SLL2)
		ck_assert_uint_eq(p.sll_pkttype, c->extra);
	if (c->link == CAP_LINK_SLL2)
		ck_assert_uint_eq(p.sll_ifindex, 1);
	if (c->link == CAP_LINK_NULL || c->link == CAP_LINK_LOOP)
		ck_assert_uint_eq(p.family, c->extra);
	if (c->link == CAP_LINK_ETH && c->extra) {
		ck_assert(p.flags & CAP_F_VLAN);
		ck_assert_uint_eq(p.vlan, c->extra);
	}
}
END_TEST

/* Frames that are not IP: named by ethertype or protocol. */
START_TEST(test_link_other)
{
	struct cap_pkt p;

	dec_load("link-other");
	dec_pkt(&p, 2);
	ck_assert_int_eq(p.net, CAP_NET_OTHER);
	ck_assert_uint_eq(p.ethertype, 0x0806);
	ck_assert_str_eq(cap_ethertype_name(p.ethertype), "ARP");
	ck_assert_uint_eq(p.payload_len, 28);
	dec_pkt(&p, 3);
	ck_assert_str_eq(cap_ethertype_name(p.ethertype), "LLDP");
	dec_pkt(&p, 4);
	ck_assert_int_eq(p.tp, CAP_TP_OTHER);
	ck_assert_uint_eq(p.proto, 132);
	ck_assert_str_eq(cap_ipproto_name(p.proto), "SCTP");
	ck_assert_uint_eq(p.payload_len, 16);
	ck_assert_uint_eq(p.tp_off, 34);
}
END_TEST

START_TEST(test_unsupported_link)
{
	struct cap_pkt p;
	uint8_t b[4] = {0};

	ck_assert_int_eq(cap_decode(&p, 147, b, 4, 4, NULL), -1);
	ck_assert_int_eq(p.link, CAP_LINK_NONE);
	ck_assert_int_eq(cap_linktype_supported(147), 0);
	ck_assert_int_eq(cap_linktype_supported(1), 1);
	ck_assert_int_eq(cap_linktype_supported(276), 1);
	/* No bytes at all: cut at the link layer, no crash. */
	ck_assert_int_eq(cap_decode(&p, 1, NULL, 10, 60, NULL), 0);
	ck_assert_int_eq(p.trunc, CAP_L_LINK);
	ck_assert_str_eq(cap_trunc_name(&p), "ether");
}
END_TEST

START_TEST(test_ipv4)
{
	struct cap_pkt p;

	dec_load("tcp4-session");
	dec_pkt(&p, 0);
	ck_assert_uint_eq(p.ip_hlen, 20);
	ck_assert_uint_eq(p.ip_totlen, 60);
	ck_assert_uint_eq(p.ip_len, 60);
	ck_assert_uint_eq(p.ttl, 64);
	ck_assert_uint_eq(p.ip_id, 1);
	ck_assert_uint_eq(p.proto, 6);
	ck_assert(p.flags & CAP_F_DF);
	ck_assert(!(p.flags & (CAP_F_FRAG | CAP_F_MF | CAP_F_IP_OPTS)));
	ck_assert_uint_eq(p.tp_off, 34);
	ck_assert_uint_eq(p.ts.tv_sec, 1700000000);
	ck_assert_uint_eq(p.ts.tv_usec, 50);
	ck_assert_uint_eq(p.caplen, 74);
	ck_assert_uint_eq(p.len, 74);
	dec_load("ip-options");
	dec_pkt(&p, 0);
	ck_assert_uint_eq(p.ip_hlen, 28);
	ck_assert(p.flags & CAP_F_IP_OPTS);
	ck_assert_int_eq(p.tp, CAP_TP_UDP);
	ck_assert_uint_eq(p.sport, 50003);
	ck_assert_int_eq(memcmp(p.payload, "ping 1", 6), 0);
	dec_pkt(&p, 1);
	ck_assert_uint_eq(p.ip_hlen, 32);
	ck_assert_uint_eq(p.dport, 50003);
}
END_TEST

/* Ethernet padding after a short datagram is not payload. */
START_TEST(test_padding)
{
	struct cap_pkt p;
	const struct dec_rec *r;

	dec_load("eth-padding");
	dec_pkt(&p, 0);
	ck_assert_uint_eq(p.caplen, 60);
	ck_assert_uint_eq(p.ip_len, 40);
	ck_assert_int_eq(p.tp, CAP_TP_TCP);
	ck_assert_uint_eq(p.payload_len, 0);
	ck_assert_uint_eq(p.payload_caplen, 0);
	dec_pkt(&p, 1);
	ck_assert_uint_eq(p.payload_len, 2);
	ck_assert_uint_eq(p.payload_caplen, 2);
	ck_assert_ptr_null(p.bad);
	r = &dec_file.r[1];
	cap_decode(&p, dec_file.lt, r->b, 50, r->len, NULL); /* padding cut */
	ck_assert_int_eq(p.trunc, CAP_L_NONE);
	ck_assert_uint_eq(p.payload_caplen, 2);
}
END_TEST

START_TEST(test_ipv4_fragments)
{
	struct cap_pkt p;

	dec_load("ip4-frag");
	dec_pkt(&p, 0);
	ck_assert(p.flags & CAP_F_FRAG);
	ck_assert(p.flags & CAP_F_MF);
	ck_assert_uint_eq(p.frag_off, 0);
	ck_assert_int_eq(p.tp, CAP_TP_UDP);
	ck_assert_uint_eq(p.udp.ulen, 48);
	ck_assert_ptr_null(p.bad); /* ulen > this fragment is fine */
	dec_pkt(&p, 1);
	ck_assert(p.flags & CAP_F_FRAG);
	ck_assert(!(p.flags & CAP_F_MF));
	ck_assert_uint_eq(p.frag_off, 24);
	ck_assert_uint_eq(p.ip_id, 1);
	ck_assert_int_eq(p.tp, CAP_TP_NONE);
	ck_assert_uint_eq(p.payload_len, 24);
}
END_TEST

START_TEST(test_ipv6_ext)
{
	struct cap_pkt p;

	dec_load("ip6-ext");
	dec_pkt(&p, 0);
	ck_assert_int_eq(p.net, CAP_NET_IP6);
	ck_assert_uint_eq(p.ttl, 64);
	ck_assert_uint_eq(p.ip6_flow, 1);
	ck_assert_uint_eq(p.ip6_plen, 22);
	ck_assert_uint_eq(p.n_ext, 1);
	ck_assert_uint_eq(p.ext[0], 0);
	ck_assert(p.flags & CAP_F_IP6_EXT);
	ck_assert_int_eq(p.tp, CAP_TP_UDP);
	ck_assert_uint_eq(p.tp_off, 14 + 48);
	dec_pkt(&p, 1);
	ck_assert_uint_eq(p.n_ext, 2);
	ck_assert_uint_eq(p.ext[0], 60);
	ck_assert_uint_eq(p.ext[1], 43);
	ck_assert_int_eq(p.tp, CAP_TP_TCP);
	ck_assert_uint_eq(p.tcp.flags, CAP_TH_SYN);
	ck_assert_uint_eq(p.sport, 45000);
	dec_pkt(&p, 2);
	ck_assert_uint_eq(p.ext[0], 44);
	ck_assert(p.flags & CAP_F_MF);
	ck_assert_uint_eq(p.frag_id, 0xcafe0001);
	ck_assert_int_eq(p.tp, CAP_TP_UDP);
	ck_assert_uint_eq(p.udp.ulen, 40);
	dec_pkt(&p, 3);
	ck_assert_uint_eq(p.frag_off, 24);
	ck_assert_int_eq(p.tp, CAP_TP_NONE);
	ck_assert_uint_eq(p.proto, 17);
	ck_assert_uint_eq(p.payload_len, 16);
	dec_pkt(&p, 4);
	ck_assert_uint_eq(p.ext[0], 51);
	ck_assert_int_eq(p.tp, CAP_TP_ICMP6);
	ck_assert_uint_eq(p.icmp.type, 128);
	ck_assert_uint_eq(p.icmp.id, 7);
	ck_assert_uint_eq(p.icmp.seq, 1);
}
END_TEST

START_TEST(test_tcp_options)
{
	static const uint8_t syn_kinds[] = {2, 4, 8, 1, 3};
	struct cap_pkt p;
	int i;

	dec_load("tcp4-session");
	dec_pkt(&p, 0);
	ck_assert_int_eq(p.tp, CAP_TP_TCP);
	ck_assert_uint_eq(p.tcp.seq, 1000);
	ck_assert_uint_eq(p.tcp.flags, CAP_TH_SYN);
	ck_assert_uint_eq(p.tcp.win, 65495);
	ck_assert_uint_eq(p.tcp.hlen, 40);
	ck_assert_uint_eq(p.tcp.nopts, 5);
	for (i = 0; i < 5; i++)
		ck_assert_uint_eq(p.tcp.opts[i].kind, syn_kinds[i]);
	ck_assert(p.tcp.has_mss && p.tcp.mss == 65495);
	ck_assert(p.tcp.sack_ok);
	ck_assert(p.tcp.has_ts && p.tcp.ts_val == 1001 && p.tcp.ts_ecr == 0);
	ck_assert(p.tcp.has_wscale && p.tcp.wscale == 7);
	dec_pkt(&p, 1);
	ck_assert_uint_eq(p.tcp.flags, CAP_TH_SYN | CAP_TH_ACK);
	ck_assert_uint_eq(p.tcp.ack, 1001);
	dec_pkt(&p, 3);
	ck_assert_uint_eq(p.tcp.flags, CAP_TH_PSH | CAP_TH_ACK);
	ck_assert_uint_eq(p.tcp.hlen, 32);
	ck_assert_uint_eq(p.tcp.nopts, 3);
	ck_assert(!p.tcp.has_mss && !p.tcp.has_wscale && p.tcp.has_ts);
	ck_assert_uint_eq(p.payload_len, 7);
	ck_assert_uint_eq(p.payload_caplen, 7);
	ck_assert_int_eq(memcmp(p.payload, "ping 1\n", 7), 0);
	dec_load("tcp-retrans");
	dec_pkt(&p, 10); /* the duplicate ACK carries a SACK block */
	ck_assert_uint_eq(p.tcp.nsack, 1);
	ck_assert_uint_eq(p.tcp.sack[0][0], 800017);
	ck_assert_uint_eq(p.tcp.sack[0][1], 800025);
}
END_TEST

START_TEST(test_udp_icmp)
{
	struct cap_pkt p;

	dec_load("udp-ping");
	dec_pkt(&p, 0);
	ck_assert_uint_eq(p.udp.ulen, 14);
	ck_assert(!(p.flags & CAP_F_UDP_LEN));
	ck_assert_uint_eq(p.payload_len, 6);
	dec_load("icmp-unreach");
	dec_pkt(&p, 1);
	ck_assert_int_eq(p.tp, CAP_TP_ICMP);
	ck_assert_uint_eq(p.icmp.type, 3);
	ck_assert_uint_eq(p.icmp.code, 3);
	ck_assert_str_eq(cap_icmp_name(4, 3, 3), "port unreachable");
	ck_assert(p.icmp.inner.valid && p.icmp.inner.has_ports);
	ck_assert_uint_eq(p.icmp.inner.proto, 17);
	ck_assert_str_eq(dec_addr(&p.icmp.inner.src), "127.0.0.1");
	ck_assert_uint_eq(p.icmp.inner.sport, 50002);
	ck_assert_uint_eq(p.icmp.inner.dport, 12000);
	dec_load("icmp6-unreach");
	dec_pkt(&p, 1);
	ck_assert_int_eq(p.tp, CAP_TP_ICMP6);
	ck_assert_uint_eq(p.icmp.type, 1);
	ck_assert_uint_eq(p.icmp.code, 4);
	ck_assert_str_eq(cap_icmp_name(6, 1, 4), "port unreachable");
	ck_assert_str_eq(dec_addr(&p.icmp.inner.dst), "::1");
	ck_assert_uint_eq(p.icmp.inner.dport, 12000);
	dec_load("icmp-echo");
	dec_pkt(&p, 0);
	ck_assert_uint_eq(p.icmp.type, 8);
	ck_assert_uint_eq(p.icmp.id, 0x1234);
	ck_assert_uint_eq(p.icmp.seq, 1);
	ck_assert_str_eq(cap_icmp_name(4, 8, 0), "echo request");
	ck_assert(!p.icmp.inner.valid);
	dec_pkt(&p, 3);
	ck_assert_uint_eq(p.icmp.type, 129);
	ck_assert_str_eq(dec_addr(&p.src), "2001:db8::2");
}
END_TEST

/* malformed.pcap, one defect per packet, in tcpdump's words. */
static const struct {
	enum cap_layer layer;
	const char *why;
} bad_cases[] = {
    {CAP_L_TCP, "bad hdr length 16 - too short, < 20"},
    {CAP_L_TCP, "bad hdr length 60 - too long, > 24"},
    {CAP_L_UDP, "bad length 92 > 6"},
    {CAP_L_UDP, "truncated-udplength 4"},
    {CAP_L_IP, "bad-hlen 16"},
    {CAP_L_IP, "bad-len 10"},
    {CAP_L_IP, "truncated-ip - 66 bytes missing!"},
    {CAP_L_NONE, NULL}, /* TCP option of length 0: flagged */
    {CAP_L_IP6, "extension header 0 runs past the payload"},
};

START_TEST(test_malformed)
{
	struct cap_pkt p;

	dec_load("malformed");
	ck_assert_int_eq(dec_file.n, 9);
	dec_pkt(&p, _i);
	ck_assert_int_eq(p.trunc, CAP_L_NONE);
	if (bad_cases[_i].why == NULL) {
		ck_assert_ptr_null(p.bad);
		ck_assert(p.flags & CAP_F_TCP_BADOPT);
		ck_assert_uint_eq(p.tcp.nopts, 2);
		return;
	}
	ck_assert_ptr_nonnull(p.bad);
	ck_assert_str_eq(p.bad, bad_cases[_i].why);
	ck_assert_int_eq(p.bad_layer, bad_cases[_i].layer);
}
END_TEST

/* truncated.pcap: each packet cut by the snapshot in another layer. */
static const struct {
	enum cap_layer layer;
	const char *mark;
} cut_cases[] = {
    {CAP_L_LINK, "ether"},
    {CAP_L_IP, "ip"},
    {CAP_L_TCP, "tcp"},
    {CAP_L_TCP, "tcp"},
    {CAP_L_PAYLOAD, "payload"},
    {CAP_L_IP6, "ip6"},
    {CAP_L_UDP, "udp"},
};

START_TEST(test_truncated)
{
	struct cap_pkt p;

	dec_load("truncated");
	ck_assert_int_eq(dec_file.n, 7);
	dec_pkt(&p, _i);
	ck_assert_uint_lt(p.caplen, p.len);
	ck_assert_int_eq(p.trunc, cut_cases[_i].layer);
	ck_assert_str_eq(cap_trunc_name(&p), cut_cases[_i].mark);
	ck_assert_ptr_null(p.bad);
	if (_i == 4) {
		ck_assert_uint_eq(p.payload_caplen, 1);
		ck_assert_uint_eq(p.payload_len, 7);
		ck_assert(p.tcp.has_wscale);
	}
}
END_TEST

/* Every packet of every scenario, cut at every length, in-process
 * (capreplay repeats this under the sanitizers). */
static const char *const all_files[] = {
    "tcp4-session",
    "tcp6-session",
    "tcp-reset",
    "tcp-retrans",
    "tcp-ooo",
    "tcp-midstream",
    "udp-ping",
    "udp6-ping",
    "icmp-unreach",
    "icmp6-unreach",
    "icmp-echo",
    "ip-options",
    "ip6-ext",
    "ip4-frag",
    "malformed",
    "link-eth",
    "link-sll",
    "link-sll2",
    "link-null",
    "link-loop",
    "link-raw",
    "link-ipv4",
    "link-ipv6",
    "link-other",
    "lo-real",
    "eth-padding",
};

START_TEST(test_every_cut)
{
	struct cap_pkt full, p;
	int i;
	uint32_t c;

	dec_load(all_files[_i]);
	for (i = 0; i < dec_file.n; i++) {
		uint32_t need;

		dec_pkt(&full, i);
		ck_assert_int_eq(full.trunc, CAP_L_NONE);
		/* Bytes past the IP datagram (padding) may go unmarked. */
		need = full.caplen;
		if (full.ip_len != 0 && full.net_off + full.ip_len < need)
			need = full.net_off + full.ip_len;
		for (c = 0; c < full.caplen; c++) {
			cap_decode(&p, dec_file.lt, dec_file.r[i].b, c,
			    full.len, NULL);
			ck_assert_msg(
			    c >= need || p.trunc != CAP_L_NONE || p.bad != NULL,
			    "%s packet %d cut at %u: no mark", all_files[_i],
			    i + 1, c);
			ck_assert_uint_le(p.payload_caplen, c);
		}
	}
}
END_TEST

START_TEST(test_names)
{
	char b[CAP_TCP_FLAGS_STRLEN], a[64];
	struct cap_addr x = {4, {10, 0, 0, 1}};

	ck_assert_str_eq(cap_tcp_flags_str(CAP_TH_SYN, b), "S");
	ck_assert_str_eq(cap_tcp_flags_str(CAP_TH_SYN | CAP_TH_ACK, b), "S.");
	ck_assert_str_eq(cap_tcp_flags_str(CAP_TH_PSH | CAP_TH_ACK, b), "P.");
	ck_assert_str_eq(cap_tcp_flags_str(CAP_TH_FIN | CAP_TH_ACK, b), "F.");
	ck_assert_str_eq(cap_tcp_flags_str(CAP_TH_RST | CAP_TH_ACK, b), "R.");
	ck_assert_str_eq(
	    cap_tcp_flags_str(CAP_TH_SYN | CAP_TH_ECE | CAP_TH_CWR, b), "SEW");
	ck_assert_str_eq(cap_tcp_flags_str(0, b), "none");
	ck_assert_str_eq(cap_addr_str(&x, a, sizeof a), "10.0.0.1");
	ck_assert_str_eq(cap_layer_name(CAP_L_TCP), "tcp");
	ck_assert_str_eq(cap_ipproto_name(17), "UDP");
	ck_assert_ptr_null(cap_ipproto_name(253));
	ck_assert_str_eq(cap_ethertype_name(0x86dd), "IPv6");
	ck_assert_str_eq(cap_icmp_name(4, 11, 0), "time exceeded in-transit");
	ck_assert_str_eq(cap_icmp_name(6, 135, 0), "neighbor solicitation");
}
END_TEST

Suite *
decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *core = tcase_create("core");
	TCase *mal = tcase_create("malformed");
	TCase *edge = tcase_create("edge");

	tcase_set_timeout(core, 10);
	tcase_add_loop_test(
	    core, test_link, 0, sizeof link_cases / sizeof link_cases[0]);
	tcase_add_test(core, test_link_other);
	tcase_add_test(core, test_ipv4);
	tcase_add_test(core, test_ipv4_fragments);
	tcase_add_test(core, test_padding);
	tcase_add_test(core, test_ipv6_ext);
	tcase_add_test(core, test_tcp_options);
	tcase_add_test(core, test_udp_icmp);
	tcase_add_test(core, test_names);
	suite_add_tcase(s, core);
	tcase_set_timeout(mal, 10);
	tcase_add_loop_test(
	    mal, test_malformed, 0, sizeof bad_cases / sizeof bad_cases[0]);
	tcase_add_loop_test(
	    mal, test_truncated, 0, sizeof cut_cases / sizeof cut_cases[0]);
	suite_add_tcase(s, mal);
	tcase_set_timeout(edge, 20);
	tcase_add_test(edge, test_unsupported_link);
	tcase_add_loop_test(
	    edge, test_every_cut, 0, sizeof all_files / sizeof all_files[0]);
	suite_add_tcase(s, edge);
	return s;
}

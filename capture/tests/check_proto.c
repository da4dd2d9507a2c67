/*
 * The decoders above the transport and the exchange table (capture/
 * proto.h) on hand-built messages: DNS names at their limits and every
 * kind of bad compression pointer (each must end, never hang), records,
 * TCP's length prefix; ARP with odd lengths; questions and answers paired,
 * repeated, duplicated and expired.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "proto.h"

/* A UDP packet from port sport to dport carrying p[0..n-1]. */
static void
pr_udp(struct cap_pkt *pkt, const uint8_t *p, size_t n, uint16_t sport,
    uint16_t dport)
{
	memset(pkt, 0, sizeof *pkt);
	pkt->net = CAP_NET_IP;
	pkt->tp = CAP_TP_UDP;
	pkt->src.family = pkt->dst.family = 4;
	pkt->src.a[0] = 10, pkt->src.a[3] = 1;
	pkt->dst.a[0] = 10, pkt->dst.a[3] = 53;
	pkt->sport = sport;
	pkt->dport = dport;
	pkt->payload = p;
	pkt->payload_caplen = pkt->payload_len = (uint32_t)n;
}

static const uint8_t hdr_q[12] = {0x12, 0x34, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0};

/* A query whose question name is the bytes name[0..n-1]. */
static size_t
pr_query(uint8_t *m, const uint8_t *name, size_t n)
{
	memcpy(m, hdr_q, 12);
	memcpy(m + 12, name, n);
	m[12 + n] = 0, m[13 + n] = 1, m[14 + n] = 0, m[15 + n] = 1;
	return 16 + n;
}

static const struct {
	const char *what;
	uint8_t name[16];
	size_t n;
	const char *bad; /* NULL: fine, then text is the name */
	const char *text;
} names[] = {
    {.what = "root", .name = {0}, .n = 1, .bad = NULL, .text = "."},
    {.what = "two labels",
        .name = {1, 'a', 2, 'b', 'c', 0},
        .n = 6,
        .bad = NULL,
        .text = "a.bc."},
    {.what = "odd bytes",
        .name = {3, 'a', 1, 9, 1, 0xe9, 0},
        .n = 7,
        .bad = NULL,
        .text = "a^A^I.M-i."},
    {.what = "pointer to itself",
        .name = {0xc0, 12},
        .n = 2,
        .bad = "not backwards",
        .text = NULL},
    {.what = "pointer forward",
        .name = {0xc0, 14},
        .n = 2,
        .bad = "not backwards",
        .text = NULL},
    {.what = "pointer past the end",
        .name = {1, 'a', 0xff, 0xff},
        .n = 4,
        .bad = "past the end",
        .text = NULL},
    {.what = "label type 0x40",
        .name = {0x40, 'a', 0},
        .n = 3,
        .bad = "label type",
        .text = NULL},
    {.what = "label type 0x80",
        .name = {0x81, 'a', 0},
        .n = 3,
        .bad = "label type",
        .text = NULL},
    {.what = "cut in a label",
        .name = {5, 'a', 'b'},
        .n = 3,
        .bad = "cut",
        .text = NULL},
};

START_TEST(test_dns_names)
{
	uint8_t m[64];
	struct cap_pkt pkt;
	struct cap_dns d;
	size_t n = pr_query(m, names[_i].name, names[_i].n);

	/* "cut": the capture ends inside the label (no qtype either) */
	if (strcmp(names[_i].what, "cut in a label") == 0)
		n = 12 + names[_i].n;
	pr_udp(&pkt, m, n, 40000, 53);
	ck_assert_int_eq(cap_dns_open(&d, &pkt), 0);
	ck_assert_uint_eq(d.id, 0x1234);
	if (names[_i].bad != NULL) {
		ck_assert_int_eq(d.have_q, 0);
		ck_assert_ptr_nonnull(d.bad);
		ck_assert_msg(strstr(d.bad, names[_i].bad) != NULL, "%s: %s",
		    names[_i].what, d.bad);
		return;
	}
	ck_assert_int_eq(d.have_q, 1);
	ck_assert_ptr_null(d.bad);
	ck_assert_str_eq(d.qname, names[_i].text); /* tcpdump's escapes */
}
END_TEST

/* A name of exactly 255 bytes is whole; 256 is malformed; a label of 63
 * is whole, 64 is not a length. */
START_TEST(test_dns_limits)
{
	uint8_t name[300], m[400];
	struct cap_pkt pkt;
	struct cap_dns d;
	size_t n = 0;
	int i;

	for (i = 0; i < 3; i++) { /* 3 x (1 + 63) = 192 */
		name[n++] = 63;
		memset(name + n, 'a' + i, 63);
		n += 63;
	}
	name[n++] = 61; /* + 62 = 254, + root = 255 */
	memset(name + n, 'z', 61);
	n += 61;
	name[n++] = 0;
	ck_assert_uint_eq(n, 255);
	pr_udp(&pkt, m, pr_query(m, name, n), 40000, 53);
	ck_assert_int_eq(cap_dns_open(&d, &pkt), 0);
	ck_assert_ptr_null(d.bad);
	ck_assert_uint_eq(strlen(d.qname), 254); /* 4 labels, 4 dots */
	name[192] = 62; /* the last label one byte longer: 256 */
	memset(name + 193, 'z', 62);
	name[255] = 0;
	pr_udp(&pkt, m, pr_query(m, name, 256), 40000, 53);
	ck_assert_int_eq(cap_dns_open(&d, &pkt), 0);
	ck_assert_ptr_nonnull(d.bad);
	ck_assert_ptr_nonnull(strstr(d.bad, "255"));
	name[0] = 64; /* a label of 64: the two high bits say "not a length" */
	pr_udp(&pkt, m, pr_query(m, name, n), 40000, 53);
	ck_assert_int_eq(cap_dns_open(&d, &pkt), 0);
	ck_assert_ptr_nonnull(d.bad);
}
END_TEST

/* A chain of pointers, each one byte back, from the end of a large
 * message: long but finite; and a two-pointer loop: malformed. */
START_TEST(test_dns_pointer_chains)
{
	uint8_t m[4096];
	struct cap_pkt pkt;
	struct cap_dns d;
	char buf[CAP_DNS_NAME_MAX];
	size_t end;

	memcpy(m, hdr_q, 12);
	m[12] = 0xc0, m[13] = 14; /* 12 -> 14 */
	m[14] = 0xc0, m[15] = 12; /* 14 -> 12: a loop */
	pr_udp(&pkt, m, 16, 40000, 53);
	ck_assert_int_eq(cap_dns_open(&d, &pkt), 0);
	ck_assert_ptr_nonnull(d.bad);
	/* 12: root; 13..: each a pointer to the byte two before */
	m[12] = 0;
	for (size_t i = 14; i + 1 < sizeof m; i += 2)
		m[i] = (uint8_t)(0xc0 | (i - 2) >> 8),
		m[i + 1] = (uint8_t)(i - 2);
	pr_udp(&pkt, m, sizeof m, 40000, 53);
	ck_assert_int_eq(cap_dns_open(&d, &pkt), 0);
	ck_assert_int_eq(cap_dns_name(&d, sizeof m - 2, buf, sizeof buf, &end),
	    -1); /* more pointers than CAP_DNS_PTR_MAX */
	ck_assert_int_eq(cap_dns_name(&d, 14, buf, sizeof buf, &end), 0);
	ck_assert_str_eq(buf, ".");
	ck_assert_uint_eq(end, 16);
}
END_TEST

/* A response with an A, a CNAME (compressed), an MX; then TCP's prefix. */
START_TEST(test_dns_records)
{
	static const uint8_t resp[] = {0x12, 0x34, 0x81, 0x80, 0, 1, 0, 3, 0, 0,
	    0, 0, 1, 'a', 0, 0, 1, 0, 1,
	    /* A 1.2.3.4 */
	    0xc0, 12, 0, 1, 0, 1, 0, 0, 1, 0, 0, 4, 1, 2, 3, 4,
	    /* CNAME b.a. */
	    0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 4, 1, 'b', 0xc0, 12,
	    /* MX 10 b.a. */
	    0xc0, 12, 0, 15, 0, 1, 0, 0, 0, 60, 0, 4, 0, 10, 0xc0, 47};
	uint8_t tcp[2 + sizeof resp];
	struct cap_pkt pkt;
	struct cap_dns d;
	struct cap_dns_rr rr;

	pr_udp(&pkt, resp, sizeof resp, 53, 40000);
	ck_assert_int_eq(cap_dns_open(&d, &pkt), 0);
	ck_assert(d.flags & CAP_DNS_QR);
	ck_assert_str_eq(d.qname, "a.");
	ck_assert_int_eq(cap_dns_next_rr(&d, &rr), 1);
	ck_assert_uint_eq(rr.type, 1);
	ck_assert_uint_eq(rr.ttl, 256);
	ck_assert_mem_eq(rr.addr, "\1\2\3\4", 4);
	ck_assert_int_eq(cap_dns_next_rr(&d, &rr), 1);
	ck_assert_str_eq(rr.target, "b.a.");
	ck_assert_int_eq(cap_dns_next_rr(&d, &rr), 1);
	ck_assert_uint_eq(rr.pref, 10);
	ck_assert_str_eq(rr.target, "b.a.");
	ck_assert_int_eq(cap_dns_next_rr(&d, &rr), 0);
	/* the same over TCP, cut anywhere in the records: never past */
	tcp[0] = 0, tcp[1] = sizeof resp;
	memcpy(tcp + 2, resp, sizeof resp);
	for (size_t cut = 14; cut <= sizeof tcp; cut++) {
		int r;

		pr_udp(&pkt, tcp, cut, 53, 40000);
		pkt.tp = CAP_TP_TCP;
		pkt.payload_len = sizeof tcp;
		ck_assert_int_eq(cap_dns_open(&d, &pkt), 0);
		ck_assert_int_eq(d.tcp, 1);
		while ((r = cap_dns_next_rr(&d, &rr)) == 1)
			;
		ck_assert_int_eq(r, cut == sizeof tcp ? 0 : -1);
	}
	pr_udp(&pkt, tcp, 2 + 11, 53, 40000); /* header cut: not DNS */
	pkt.tp = CAP_TP_TCP;
	ck_assert_int_eq(cap_dns_open(&d, &pkt), -1);
}
END_TEST

static void
pr_arp(struct cap_pkt *pkt, const uint8_t *p, size_t n)
{
	memset(pkt, 0, sizeof *pkt);
	pkt->net = CAP_NET_OTHER;
	pkt->ethertype = 0x0806;
	pkt->payload = p;
	pkt->payload_caplen = pkt->payload_len = (uint32_t)n;
}

START_TEST(test_arp)
{
	static const uint8_t req[28] = {0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0,
	    1, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2};
	static const uint8_t odd[] = {0, 6, 8, 0, 8, 4, 0, 2, 1, 2, 3, 4, 5, 6,
	    7, 8, 10, 0, 0, 2, 8, 7, 6, 5, 4, 3, 2, 1, 10, 0, 0, 1};
	uint8_t big[8] = {0, 1, 8, 0, 17, 4, 0, 1};
	struct cap_pkt pkt;
	struct cap_arp a;
	size_t cut;

	pr_arp(&pkt, req, sizeof req);
	ck_assert_int_eq(cap_arp_decode(&pkt, &a), 0);
	ck_assert_int_eq(a.ether_ip, 1);
	ck_assert_uint_eq(a.op, CAP_ARP_REQUEST);
	ck_assert_mem_eq(a.tpa, "\12\0\0\2", 4);
	pr_arp(&pkt, odd, sizeof odd);
	ck_assert_int_eq(cap_arp_decode(&pkt, &a), 0);
	ck_assert_int_eq(a.ether_ip, 0);
	ck_assert_uint_eq(a.hlen, 8);
	ck_assert_mem_eq(a.tha, "\10\7\6\5\4\3\2\1", 8);
	ck_assert_mem_eq(a.tpa, "\12\0\0\1", 4);
	for (cut = 0; cut < sizeof odd; cut++) {
		pr_arp(&pkt, odd, cut);
		ck_assert_int_eq(cap_arp_decode(&pkt, &a), -1);
		ck_assert_int_eq(a.cut, 1);
	}
	pr_arp(&pkt, big, sizeof big); /* 17-byte hardware addresses */
	ck_assert_int_eq(cap_arp_decode(&pkt, &a), -1);
	ck_assert_int_eq(a.cut, 0);
	ck_assert_ptr_nonnull(a.bad);
}
END_TEST

static int pr_expired;

static void
pr_on_expire(void *arg, const struct cap_xq *q)
{
	(void)arg;
	(void)q;
	pr_expired++;
}

static void
pr_echo(struct cap_pkt *pkt, int reply, uint16_t seq, long usec)
{
	memset(pkt, 0, sizeof *pkt);
	pkt->net = CAP_NET_IP;
	pkt->tp = CAP_TP_ICMP;
	pkt->src.family = pkt->dst.family = 4;
	pkt->src.a[3] = reply ? 2 : 1;
	pkt->dst.a[3] = reply ? 1 : 2;
	pkt->icmp.type = reply ? 0 : 8;
	pkt->icmp.id = 77;
	pkt->icmp.seq = seq;
	pkt->ts.tv_sec = 100;
	pkt->ts.tv_usec = usec;
}

START_TEST(test_exchanges)
{
	struct cap_xchg *x = cap_xchg_new(8); /* one set of 8 */
	const struct cap_xstats *st;
	struct cap_xnote xn;
	struct cap_pkt pkt;
	uint16_t seq;

	ck_assert_ptr_nonnull(x);
	cap_xchg_on_expire(x, pr_on_expire, NULL);
	pr_expired = 0;
	pr_echo(&pkt, 0, 1, 0);
	ck_assert_int_eq(cap_xchg_track(x, &pkt, &xn), 0);
	ck_assert_uint_eq(xn.ev, CAP_XE_ASK);
	pr_echo(&pkt, 1, 1, 776);
	ck_assert_int_eq(cap_xchg_track(x, &pkt, &xn), 0);
	ck_assert_uint_eq(xn.ev, CAP_XE_ANSWER);
	ck_assert_int_eq(xn.rtt_us, 776);
	ck_assert_int_eq(cap_xchg_track(x, &pkt, &xn), 0);
	ck_assert_uint_eq(xn.ev, CAP_XE_DUP);
	pr_echo(&pkt, 1, 2, 900); /* nobody asked */
	ck_assert_int_eq(cap_xchg_track(x, &pkt, &xn), 0);
	ck_assert_uint_eq(xn.ev, CAP_XE_UNASKED);
	pr_echo(&pkt, 0, 3, 1000);
	cap_xchg_track(x, &pkt, &xn);
	pr_echo(&pkt, 0, 3, 2000); /* the same again */
	cap_xchg_track(x, &pkt, &xn);
	ck_assert_uint_eq(xn.ev, CAP_XE_ASK | CAP_XE_REPEAT);
	ck_assert_uint_eq(xn.q.ts0.tv_usec, 1000);
	/* 20 more questions in a table of 8: the oldest open ones leave */
	for (seq = 10; seq < 30; seq++) {
		pr_echo(&pkt, 0, seq, 3000 + seq);
		cap_xchg_track(x, &pkt, &xn);
	}
	ck_assert_int_ge(pr_expired, 13);
	cap_xchg_flush(x);
	st = cap_xchg_stats(x, CAP_XK_ECHO);
	ck_assert_uint_eq(st->asked, 22);
	ck_assert_uint_eq(st->answered, 1);
	ck_assert_uint_eq(st->expired, 21);
	ck_assert_int_eq(pr_expired, 21);
	ck_assert_uint_eq(st->repeats, 1);
	ck_assert_uint_eq(st->dups + st->unasked, 2);
	ck_assert_int_eq(st->rtt_min_us, 776);
	pkt.tp = CAP_TP_UDP; /* not a question or an answer */
	pkt.sport = pkt.dport = 9;
	ck_assert_int_eq(cap_xchg_track(x, &pkt, &xn), -1);
	ck_assert_int_eq(xn.kind, CAP_XK_NONE);
	cap_xchg_free(x);
}
END_TEST

/* A DISCOVER with a host name, a DNS server list of 3, and an option
 * that overruns the message, at every length. */
START_TEST(test_dhcp)
{
	static const uint8_t opts[] = {53, 1, 1, 6, 12, 10, 0, 0, 53, 10, 0, 0,
	    54, 10, 0, 0, 55, 12, 3, 'l', 'a', 'b', 51, 4, 0, 0, 0, 60, 255};
	uint8_t m[300];
	struct cap_pkt pkt;
	struct cap_dhcp d;
	size_t n = 240 + sizeof opts, cut;

	memset(m, 0, sizeof m);
	m[0] = 1, m[1] = 1, m[2] = 6;
	m[4] = 0xde, m[5] = 0xad, m[6] = 0xbe, m[7] = 0xef;
	m[28] = 2, m[33] = 7;
	m[236] = 99, m[237] = 130, m[238] = 83, m[239] = 99;
	memcpy(m + 240, opts, sizeof opts);
	pr_udp(&pkt, m, n, 68, 67);
	ck_assert_int_eq(cap_dhcp_port(&pkt), 1);
	ck_assert_int_eq(cap_dhcp_decode(&pkt, &d), 0);
	ck_assert_int_eq(d.dhcp, 1);
	ck_assert_uint_eq(d.type, CAP_DHCP_DISCOVER);
	ck_assert_uint_eq(d.xid, 0xdeadbeef);
	ck_assert_uint_eq(d.ndns, 3);
	ck_assert_mem_eq(d.dns + 8, "\12\0\0\67", 4);
	ck_assert_uint_eq(d.hostname_len, 3);
	ck_assert_uint_eq(d.lease, 60);
	ck_assert_ptr_null(d.bad);
	for (cut = 0; cut < n; cut++) { /* cut by the capture */
		pr_udp(&pkt, m, n, 68, 67);
		pkt.payload_caplen = (uint32_t)cut;
		if (cap_dhcp_decode(&pkt, &d) == 0)
			ck_assert_msg(d.cut || cut >= 240 + sizeof opts - 1,
			    "cut at %zu not seen", cut);
	}
	m[240 + 18] = 55; /* the host name's length: past the end */
	pr_udp(&pkt, m, n, 68, 67);
	ck_assert_int_eq(cap_dhcp_decode(&pkt, &d), 0);
	ck_assert_ptr_nonnull(d.bad);
	ck_assert_uint_eq(d.bad_code, 12);
	ck_assert_uint_eq(d.type, CAP_DHCP_DISCOVER); /* read before it */
	pr_udp(&pkt, m, n, 68, 53);                   /* not DHCP's ports */
	ck_assert_int_eq(cap_dhcp_decode(&pkt, &d), -1);
}
END_TEST

/* A UDP probe with TTL 2, then the time exceeded quoting it (IP header
 * with TTL 1 and the UDP ports), tied with the probe's TTL as the hop;
 * the quote cut at every length ties nothing and reads nothing past. */
START_TEST(test_trace)
{
	uint8_t quote[28] = {0x45, 0, 0, 44, 0x12, 0x34, 0x40, 0, 1, 17, 0, 0,
	    10, 0, 0, 1, 10, 0, 2, 3, 0x9c, 0xa4, 0x82, 0x9a, 0, 24, 0, 0};
	struct cap_xchg *x = cap_xchg_new(0);
	struct cap_xnote xn;
	struct cap_pkt probe, err;
	size_t cut;

	pr_udp(&probe, quote, 0, 40100, 33434);
	probe.ttl = 2;
	probe.ip_id = 0x1234;
	probe.proto = 17;
	probe.src.a[0] = 10, probe.src.a[3] = 1;
	probe.dst.a[0] = 10, probe.dst.a[2] = 2, probe.dst.a[3] = 3;
	ck_assert_int_eq(cap_xchg_track(x, &probe, &xn), 0);
	ck_assert_int_eq(xn.kind, CAP_XK_TRACE);
	ck_assert_uint_eq(xn.probe_ttl, 2);
	memset(&err, 0, sizeof err);
	err.net = CAP_NET_IP;
	err.tp = CAP_TP_ICMP;
	err.proto = 1;
	err.ttl = 64;
	err.src.family = err.dst.family = 4;
	err.src.a[0] = 10, err.src.a[2] = 1, err.src.a[3] = 254;
	err.dst = probe.src;
	err.icmp.type = 11;
	err.ts.tv_usec = 800;
	for (cut = 0; cut < sizeof quote - 4; cut++) { /* ports needed */
		err.payload = cut ? quote : NULL;
		err.payload_caplen = err.payload_len = (uint32_t)cut;
		ck_assert_int_eq(cap_xchg_track(x, &err, &xn), -1);
	}
	err.payload = quote;
	err.payload_caplen = err.payload_len = sizeof quote;
	ck_assert_int_eq(cap_xchg_track(x, &err, &xn), 0);
	ck_assert_uint_eq(xn.ev, CAP_XE_ANSWER);
	ck_assert_uint_eq(xn.q.tag, 2); /* the hop: the probe's TTL */
	ck_assert_int_eq(xn.rtt_us, 800);
	ck_assert_uint_eq(xn.q.key.port[1], 33434);
	quote[5] = 0x35; /* another IP id: not this probe */
	ck_assert_int_eq(cap_xchg_track(x, &err, &xn), 0);
	ck_assert_uint_eq(xn.ev, CAP_XE_UNASKED);
	cap_xchg_free(x);
}
END_TEST

/* A neighbour advertisement with its target link-layer option; cut at
 * every length; an option of length 0. */
START_TEST(test_nd)
{
	uint8_t body[24] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 2, 2, 1, 2, 0, 0x5e, 0x10, 0, 2};
	struct cap_pkt pkt;
	struct cap_nd nd;
	size_t cut;

	memset(&pkt, 0, sizeof pkt);
	pkt.net = CAP_NET_IP6;
	pkt.tp = CAP_TP_ICMP6;
	pkt.icmp.type = CAP_ND_NA;
	pkt.icmp.rest = 0x60000000u;
	pkt.payload = body;
	pkt.payload_caplen = pkt.payload_len = sizeof body;
	ck_assert_int_eq(cap_nd_decode(&pkt, &nd), 0);
	ck_assert_uint_eq(nd.na_flags, CAP_NA_SOLICITED | CAP_NA_OVERRIDE);
	ck_assert_uint_eq(nd.target[15], 2);
	ck_assert_int_eq(nd.has_tgt_ll, 1);
	ck_assert_uint_eq(nd.tgt_ll[5], 2);
	ck_assert_ptr_null(nd.bad);
	for (cut = 0; cut < sizeof body; cut++) {
		pkt.payload_caplen = (uint32_t)cut;
		ck_assert_int_eq(cap_nd_decode(&pkt, &nd), 0);
		ck_assert_int_eq(nd.cut, 1);
	}
	pkt.payload_caplen = sizeof body;
	body[17] = 0;
	ck_assert_int_eq(cap_nd_decode(&pkt, &nd), 0);
	ck_assert_ptr_nonnull(nd.bad);
	pkt.icmp.type = 128; /* an echo request is not ND */
	ck_assert_int_eq(cap_nd_decode(&pkt, &nd), -1);
}
END_TEST

static const struct {
	const char *what, *bytes;
	uint16_t dport;
	enum cap_app_kind kind;
	int cut;          /* line_cut */
	const char *text; /* text, or NULL */
	const char *host;
	long length; /* -1 none */
} apps[] = {
    {.what = "request",
        .bytes = "GET /a HTTP/1.1\r\nHost: x.org\r\nContent-Length: 12\r\n\r\n",
        .dport = 80,
        .kind = CAP_APP_HTTP_REQUEST,
        .cut = 0,
        .text = "/a",
        .host = "x.org",
        .length = 12},
    {.what = "bare LF, header case",
        .bytes = "HEAD / HTTP/1.0\nHOST:   y\n\n",
        .dport = 8080,
        .kind = CAP_APP_HTTP_REQUEST,
        .cut = 0,
        .text = "/",
        .host = "y",
        .length = -1},
    {.what = "line split",
        .bytes = "GET /long/pa",
        .dport = 80,
        .kind = CAP_APP_HTTP_REQUEST,
        .cut = 1,
        .text = "/long/pa",
        .host = "",
        .length = -1},
    {.what = "headers split",
        .bytes = "GET / HTTP/1.1\r\nHost: a\r\nConte",
        .dport = 80,
        .kind = CAP_APP_HTTP_REQUEST,
        .cut = 0,
        .text = "/",
        .host = "a",
        .length = -1},
    {.what = "status",
        .bytes = "HTTP/1.1 204 No Content\r\n\r\n",
        .dport = 40000,
        .kind = CAP_APP_HTTP_RESPONSE,
        .cut = 0,
        .text = "No Content",
        .host = "",
        .length = -1},
    {.what = "status without reason",
        .bytes = "HTTP/1.1 200\r\n\r\n",
        .dport = 40000,
        .kind = CAP_APP_HTTP_RESPONSE,
        .cut = 0,
        .text = "",
        .host = "",
        .length = -1},
    {.what = "not HTTP: lower case",
        .bytes = "get / HTTP/1.1\r\n",
        .dport = 80,
        .kind = CAP_APP_NONE,
        .cut = 0,
        .text = NULL,
        .host = NULL,
        .length = -1},
    {.what = "not HTTP: no version",
        .bytes = "GET /x\r\n",
        .dport = 80,
        .kind = CAP_APP_NONE,
        .cut = 0,
        .text = NULL,
        .host = NULL,
        .length = -1},
    {.what = "not HTTP: bad status",
        .bytes = "HTTP/1.1 2x0 OK\r\n",
        .dport = 40000,
        .kind = CAP_APP_NONE,
        .cut = 0,
        .text = NULL,
        .host = NULL,
        .length = -1},
    {.what = "SMTP command",
        .bytes = "EHLO a\r\n",
        .dport = 25,
        .kind = CAP_APP_SMTP,
        .cut = 0,
        .text = "EHLO a",
        .host = NULL,
        .length = -1},
    {.what = "binary on port 21",
        .bytes = "\x01\x02\r\n",
        .dport = 21,
        .kind = CAP_APP_NONE,
        .cut = 0,
        .text = NULL,
        .host = NULL,
        .length = -1},
};

START_TEST(test_app_lines)
{
	struct cap_app a;
	const char *b = apps[_i].bytes;
	int r = cap_app_decode_bytes(
	    &a, (const uint8_t *)b, strlen(b), 40000, apps[_i].dport);

	if (apps[_i].kind == CAP_APP_NONE) {
		ck_assert_msg(r == -1, "%s", apps[_i].what);
		return;
	}
	ck_assert_msg(r == 0, "%s", apps[_i].what);
	ck_assert_int_eq(a.kind, apps[_i].kind);
	ck_assert_int_eq(a.line_cut, apps[_i].cut);
	ck_assert_str_eq(a.text, apps[_i].text);
	if (apps[_i].host != NULL)
		ck_assert_str_eq(a.host, apps[_i].host);
	ck_assert_int_eq(a.has_length, apps[_i].length >= 0);
	if (apps[_i].length >= 0)
		ck_assert_uint_eq(a.length, (uint64_t)apps[_i].length);
	for (size_t cut = 0; cut < strlen(b); cut++) /* never past */
		(void)cap_app_decode_bytes(
		    &a, (const uint8_t *)b, cut, 40000, apps[_i].dport);
}
END_TEST

/* A DNS response of 2 + 40 bytes over TCP in three segments is whole at
 * the third; a gap drops it; a message longer than CAP_REASM_MAX is not
 * gathered. */
START_TEST(test_dns_tcp_reasm)
{
	uint8_t m[42] = {0, 40, 0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
	    1, 'a', 0, 0, 1, 0, 1, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 9, 0, 4, 10,
	    0, 0, 7};
	struct cap_reasm *r = cap_reasm_new();
	struct cap_pkt pkt;
	struct cap_dns d;
	struct cap_dns_rr rr;
	const uint8_t *msg;
	size_t len, at[4] = {0, 20, 30, sizeof m};
	uint32_t nseg;
	int i, pass;

	ck_assert_ptr_nonnull(r);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < 3; i++) {
			if (pass == 1 && i == 1)
				continue; /* the middle segment lost */
			pr_udp(&pkt, m + at[i], at[i + 1] - at[i], 53, 40000);
			pkt.tp = CAP_TP_TCP;
			pkt.tcp.seq = 1000 + (uint32_t)at[i];
			ck_assert_int_eq(
			    cap_reasm_dns(r, &pkt, &msg, &len, &nseg),
			    pass == 0 && i == 2);
		}
	}
	/* pass 0 completed it: check */
	pr_udp(&pkt, m, 20, 53, 40000);
	pkt.tp = CAP_TP_TCP;
	pkt.tcp.seq = 5000;
	cap_reasm_dns(r, &pkt, &msg, &len, &nseg);
	pkt.payload = m + 20;
	pkt.payload_caplen = pkt.payload_len = 22;
	pkt.tcp.seq = 5020;
	ck_assert_int_eq(cap_reasm_dns(r, &pkt, &msg, &len, &nseg), 1);
	ck_assert_uint_eq(len, 40);
	ck_assert_uint_eq(nseg, 2);
	ck_assert_int_eq(cap_dns_open_msg(&d, msg, len), 0);
	ck_assert_int_eq(cap_dns_next_rr(&d, &rr), 1);
	ck_assert_mem_eq(rr.addr, "\12\0\0\7", 4);
	m[0] = 0xff, m[1] = 0xff; /* 65535 > CAP_REASM_MAX: not kept */
	pr_udp(&pkt, m, 20, 53, 40000);
	pkt.tp = CAP_TP_TCP;
	pkt.tcp.seq = 9000;
	cap_reasm_dns(r, &pkt, &msg, &len, &nseg);
	pkt.payload = m + 20;
	pkt.payload_caplen = pkt.payload_len = 22;
	pkt.tcp.seq = 9020;
	ck_assert_int_eq(cap_reasm_dns(r, &pkt, &msg, &len, &nseg), 0);
	cap_reasm_free(r);
}
END_TEST

/* An HTTP request line over three segments is whole at the third; a gap
 * drops it. */
START_TEST(test_http_reasm)
{
	static const char req[] =
	    "GET /a/long/path HTTP/1.1\r\nHost: x.org\r\n\r\nbody";
	struct cap_reasm *r = cap_reasm_new();
	struct cap_pkt pkt;
	struct cap_app a;
	const uint8_t *msg;
	size_t len, at[4] = {0, 8, 30, sizeof req - 1};
	uint32_t nseg;
	int i, pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < 3; i++) {
			if (pass == 1 && i == 1)
				continue; /* lost */
			pr_udp(&pkt, (const uint8_t *)req + at[i],
			    at[i + 1] - at[i], 40000, 80);
			pkt.tp = CAP_TP_TCP;
			pkt.tcp.seq = 77 + (uint32_t)at[i];
			ck_assert_int_eq(
			    cap_reasm_http(r, &pkt, &msg, &len, &nseg),
			    pass == 0 && i == 2);
			if (pass == 0 && i == 2) {
				ck_assert_uint_eq(nseg, 3);
				ck_assert_uint_eq(len, sizeof req - 1 - 4);
				ck_assert_int_eq(cap_app_decode_bytes(
				                     &a, msg, len, 40000, 80),
				    0);
				ck_assert_str_eq(a.text, "/a/long/path");
				ck_assert_str_eq(a.host, "x.org");
			}
		}
	cap_reasm_free(r);
}
END_TEST

/* HTTP/1.1 pipelining: the messages one segment holds back to back,
 * found by their lengths; a body is not a message; cut anywhere, never
 * read past. */
START_TEST(test_http_messages)
{
	static const struct {
		const char *bytes;
		uint32_t n;      /* messages found */
		uint64_t end[3]; /* where each ends */
	} cases[] = {
	    {"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\n\r\n", 2,
	        {28, 47}},
	    {"POST /e HTTP/1.1\r\nContent-Length: 4\r\n\r\nGET GET /f "
	     "HTTP/1.1\r\n\r\n",
	        2, {43, 62}},
	    {"POST /e HTTP/1.1\r\nContent-Length: 9\r\n\r\nGET ", 1, {48}},
	    {"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: "
	     "1\r\n\r\nx",
	        2, {25, 64}},
	    {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n",
	        1, {53}},
	    {"HTTP/1.1 200 OK\r\n\r\nbody to the end", 1, {34}},
	    {"GET /a HTTP/1.1\r\nHost: x\r\n\r\nHTTP/1.1 200 OK\r\n\r\n", 1,
	        {28}},
	    {"hello", 0, {0}},
	};
	struct cap_http_msg msg[4];
	const char *b = cases[_i].bytes;
	uint32_t n, k;
	size_t cut;

	n = cap_http_messages((const uint8_t *)b, strlen(b), msg, 4);
	ck_assert_uint_eq(n, cases[_i].n);
	for (k = 0; k < n; k++)
		ck_assert_uint_eq(msg[k].end, cases[_i].end[k]);
	for (cut = 0; cut < strlen(b); cut++) {
		char *copy = malloc(cut + 1); /* exactly cut bytes for ASan */

		memcpy(copy, b, cut);
		(void)cap_http_messages((const uint8_t *)copy, cut, msg, 4);
		free(copy);
	}
	/* at most max */
	ck_assert_uint_eq(
	    cap_http_messages((const uint8_t *)b, strlen(b), msg, 1),
	    n > 0 ? 1 : 0);
}
END_TEST

/* A TCP segment of the connection 10.0.0.1:40000 <-> 10.0.0.53:80. */
static void
pr_http(struct cap_pkt *pkt, const char *text, int from_server, uint32_t seq,
    uint32_t ack, int ms)
{
	pr_udp(pkt, (const uint8_t *)text, strlen(text),
	    from_server ? 80 : 40000, from_server ? 40000 : 80);
	pkt->tp = CAP_TP_TCP;
	pkt->ttl = 64;
	if (from_server) {
		struct cap_addr t = pkt->src;

		pkt->src = pkt->dst, pkt->dst = t;
	}
	pkt->tcp.flags = CAP_TH_ACK | CAP_TH_PSH;
	pkt->tcp.seq = seq;
	pkt->tcp.ack = ack;
	pkt->ts.tv_sec = 1, pkt->ts.tv_usec = ms * 1000;
}

/* Three requests before any answer (each in its own segment), two in one
 * segment, answered in order; an answer before any request, and one
 * that acknowledges less than the request waiting, answer none. */
START_TEST(test_http_pipelining)
{
	static const char ga[] = "GET /a HTTP/1.1\r\n\r\n", /* 19 bytes */
	    ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
	                  two[] =
	                      "GET /d HTTP/1.1\r\n\r\nGET /e HTTP/1.1\r\n\r\n";
	struct cap_xchg *x = cap_xchg_new(0);
	struct cap_xnote xn;
	struct cap_pkt pkt;
	int i;

	pr_http(&pkt, ok, 1, 500, 100, 1); /* before the capture's requests */
	ck_assert_int_eq(cap_xchg_track(x, &pkt, &xn), 0);
	ck_assert_uint_eq(xn.ev, CAP_XE_UNASKED);
	for (i = 0; i < 3; i++) {
		pr_http(&pkt, ga, 0, 100 + 19u * (uint32_t)i, 538, 10 + i);
		ck_assert_int_eq(cap_xchg_track(x, &pkt, &xn), 0);
		ck_assert_uint_eq(xn.ev, CAP_XE_ASK);
		ck_assert_uint_eq(xn.behind, (uint32_t)i);
	}
	for (i = 0; i < 3; i++) {
		pr_http(&pkt, ok, 1, 538 + 38u * (uint32_t)i, 157, 20 + i);
		ck_assert_int_eq(cap_xchg_track(x, &pkt, &xn), 0);
		ck_assert_uint_eq(xn.ev, CAP_XE_ANSWER);
		ck_assert_int_eq(xn.q.ts.tv_usec, (10 + i) * 1000);
		ck_assert_int_eq(xn.rtt_us, 10000);
	}
	pr_http(&pkt, two, 0, 157, 652, 30);
	ck_assert_int_eq(cap_xchg_track(x, &pkt, &xn), 0);
	ck_assert_uint_eq(xn.nmsg, 2);
	/* acknowledges only the first of the two: answers it */
	pr_http(&pkt, ok, 1, 652, 176, 31);
	ck_assert_int_eq(cap_xchg_track(x, &pkt, &xn), 0);
	ck_assert_uint_eq(xn.ev, CAP_XE_ANSWER);
	/* acknowledges less than the second: an earlier request's */
	pr_http(&pkt, ok, 1, 690, 170, 32);
	ck_assert_int_eq(cap_xchg_track(x, &pkt, &xn), 0);
	ck_assert_uint_eq(xn.ev, CAP_XE_UNASKED);
	pr_http(&pkt, ok, 1, 728, 195, 33);
	ck_assert_int_eq(cap_xchg_track(x, &pkt, &xn), 0);
	ck_assert_uint_eq(xn.ev, CAP_XE_ANSWER);
	ck_assert_int_eq(xn.q.ts.tv_usec, 30000);
	ck_assert_uint_eq(cap_xchg_stats(x, CAP_XK_HTTP)->asked, 5);
	ck_assert_uint_eq(cap_xchg_stats(x, CAP_XK_HTTP)->answered, 5);
	ck_assert_uint_eq(cap_xchg_stats(x, CAP_XK_HTTP)->unasked, 2);
	cap_xchg_free(x);
}
END_TEST

Suite *
proto_suite(void)
{
	Suite *s = suite_create("proto");
	TCase *dns = tcase_create("dns");
	TCase *arp = tcase_create("arp");
	TCase *xc = tcase_create("exchanges");

	tcase_set_timeout(dns, 10);
	tcase_add_loop_test(
	    dns, test_dns_names, 0, sizeof names / sizeof names[0]);
	tcase_add_test(dns, test_dns_limits);
	tcase_add_test(dns, test_dns_pointer_chains);
	tcase_add_test(dns, test_dns_records);
	tcase_add_test(dns, test_dns_tcp_reasm);
	tcase_add_test(dns, test_http_reasm);
	tcase_add_loop_test(dns, test_http_messages, 0, 8);
	suite_add_tcase(s, dns);
	tcase_set_timeout(arp, 10);
	tcase_add_test(arp, test_arp);
	tcase_add_test(arp, test_dhcp);
	tcase_add_test(arp, test_nd);
	tcase_add_loop_test(
	    arp, test_app_lines, 0, sizeof apps / sizeof apps[0]);
	suite_add_tcase(s, arp);
	tcase_set_timeout(xc, 10);
	tcase_add_test(xc, test_exchanges);
	tcase_add_test(xc, test_trace);
	tcase_add_test(xc, test_http_pipelining);
	suite_add_tcase(s, xc);
	return s;
}

/*
 * Cross-checks against the reference tools, so a decoding error cannot
 * hide in our own expectations: every scenario packet as `tcpdump -nn -S`
 * (absolute) and `tcpdump -nn` (relative) print it, compared field by
 * field with what the library decoded and tracked; and tshark's TCP
 * analysis (retransmission, out of order, duplicate ACK, lost segment,
 * scaled window, relative numbers) against our annotations.  Where a tool
 * is not installed its test says so and checks nothing else.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grader/testkit/harness.h"
#include "capture.h"
#include "proto.h"

#define XC_MAXP 64

/* The scenario tracked by the library: packets and notes. */
static struct {
	int n;
	struct cap_pkt pkt[XC_MAXP];
	struct cap_note note[XC_MAXP];
	int hs_full[XC_MAXP]; /* both SYNs of its conversation seen */
	uint8_t data[XC_MAXP][2048];
} xc;

static void
xc_track(const char *path)
{
	char err[512];
	struct cap_file *f = cap_file_open(path, err, sizeof err);
	struct cap_flows *ft = cap_flows_new(0, 0);
	int r, synack[32] = {0};

	ck_assert_msg(f != NULL, "%s", err);
	ck_assert_ptr_nonnull(ft);
	xc.n = 0;
	while ((r = cap_file_next(f, &xc.pkt[xc.n], err, sizeof err)) == 1) {
		struct cap_pkt *p = &xc.pkt[xc.n];
		struct cap_note *n = &xc.note[xc.n];

		ck_assert_int_lt(xc.n, XC_MAXP - 1);
		memcpy(xc.data[xc.n], p->data, p->caplen);
		cap_decode(p, cap_file_linktype(f), xc.data[xc.n], p->caplen,
		    p->len, &p->ts);
		cap_flow_track(ft, p, n);
		if (n->conv != NULL && n->conv->id < 32) {
			if (n->ev & CAP_EV_HS2)
				synack[n->conv->id] = n->conv->hs_seen;
			xc.hs_full[xc.n] = synack[n->conv->id];
		}
		n->conv = NULL;
		xc.n++;
	}
	ck_assert_msg(r == 0, "%s", err);
	cap_file_close(f);
	cap_flows_free(ft);
}

static int
xc_have(const char *tool)
{
	static const char *const dirs[] = {"/usr/bin", "/usr/sbin", "/bin",
	    "/sbin", "/usr/local/bin", "/usr/local/sbin"};
	char path[256];
	unsigned i;

	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dirs[i], tool);
		if (access(path, X_OK) == 0)
			return 1;
	}
	return 0;
}

/* Run a tool, return its stdout split into lines (in a static buffer). */
static int
xc_lines(char *const argv[], char **lines, int max)
{
	static char out[1 << 16];
	struct proc p;
	char *s, *save = NULL;
	int n = 0;

	setenv("TZ", "UTC", 1);
	ck_assert_int_eq(proc_start(&p, argv), 0);
	proc_wait(&p, 20000);
	ck_assert_msg(PROC_EXIT(&p) == 0, "%s failed: %s", argv[0], p.err);
	ck_assert_uint_lt(p.out_len, sizeof out);
	memcpy(out, p.out, p.out_len + 1);
	proc_free(&p);
	for (s = strtok_r(out, "\n", &save); s != NULL && n < max;
	     s = strtok_r(NULL, "\n", &save))
		lines[n++] = s;
	return n;
}

/* The unsigned number after key in line (the first one), or -1. */
static long long
xc_num(const char *line, const char *key)
{
	const char *at = strstr(line, key);

	return at != NULL ? strtoll(at + strlen(key), NULL, 10) : -1;
}

static void
xc_endpoints(const struct cap_pkt *p, char *buf, size_t n)
{
	char s[64], d[64];

	snprintf(buf, n, " %s.%u > %s.%u: ", cap_addr_str(&p->src, s, sizeof s),
	    p->sport, cap_addr_str(&p->dst, d, sizeof d), p->dport);
}

static void
xc_tcp_line(const char *f, int i, const char *line, int rel)
{
	const struct cap_pkt *p = &xc.pkt[i];
	const struct cap_note *n = &xc.note[i];
	char want[64], fl[CAP_TCP_FLAGS_STRLEN];
	uint32_t seq = rel ? n->td_seq : p->tcp.seq;
	uint32_t ack = rel ? n->td_ack : p->tcp.ack;

	snprintf(want, sizeof want, "Flags [%s]",
	    cap_tcp_flags_str(p->tcp.flags, fl));
	ck_assert_msg(strstr(line, want) != NULL, "%s %d: %s in %s", f, i + 1,
	    want, line);
	/* tcpdump shows seq on segments that occupy sequence space (and
	 * resets), as A:B when they carry data. */
	want[0] = '\0';
	if (p->payload_len > 0)
		snprintf(
		    want, sizeof want, "seq %u:%u,", seq, seq + p->payload_len);
	else if (p->tcp.flags & (CAP_TH_SYN | CAP_TH_FIN | CAP_TH_RST))
		snprintf(want, sizeof want, "seq %u,", seq);
	if (want[0] != '\0')
		ck_assert_msg(strstr(line, want) != NULL, "%s %d: '%s' in %s",
		    f, i + 1, want, line);
	if (p->tcp.flags & CAP_TH_ACK)
		ck_assert_msg(xc_num(line, ", ack ") == ack,
		    "%s %d: ack %u "
		    "in %s",
		    f, i + 1, ack, line);
	else
		ck_assert_ptr_null(strstr(line, ", ack "));
	ck_assert_msg(
	    xc_num(line, ", win ") == p->tcp.win, "%s %d: win", f, i + 1);
	if (p->flags & CAP_F_TCP_BADOPT)
		return; /* tcpdump stops at "[bad opt]" */
	ck_assert_msg(xc_num(line, ", length ") == p->payload_len,
	    "%s %d: length %u in %s", f, i + 1, p->payload_len, line);
}

/* One tcpdump line against packet i. */
static void
xc_line(const char *f, int i, const char *line, int rel)
{
	const struct cap_pkt *p = &xc.pkt[i];
	char want[160];

	if (p->trunc != CAP_L_NONE && p->trunc != CAP_L_PAYLOAD) {
		snprintf(want, sizeof want, "[|%s]", cap_trunc_name(p));
		ck_assert_msg(strstr(line, want) != NULL, "%s %d: %s in %s", f,
		    i + 1, want, line);
		return;
	}
	if (p->bad != NULL) {
		ck_assert_msg(strstr(line, p->bad) != NULL, "%s %d: '%s' in %s",
		    f, i + 1, p->bad, line);
		return;
	}
	if (p->tp == CAP_TP_TCP || p->tp == CAP_TP_UDP) {
		xc_endpoints(p, want, sizeof want);
		ck_assert_msg(strstr(line, want) != NULL, "%s %d: '%s' in %s",
		    f, i + 1, want, line);
	}
	if (p->tp == CAP_TP_TCP) {
		xc_tcp_line(f, i, line, rel);
		ck_assert_int_eq(strstr(line, "[bad opt]") != NULL,
		    (p->flags & CAP_F_TCP_BADOPT) != 0);
	} else if (p->tp == CAP_TP_UDP) {
		snprintf(want, sizeof want, "UDP, length %u", p->payload_len);
		ck_assert_msg(strstr(line, want) != NULL, "%s %d: %s in %s", f,
		    i + 1, want, line);
	} else if ((p->tp == CAP_TP_ICMP || p->tp == CAP_TP_ICMP6) &&
	           p->icmp.inner.has_ports) {
		snprintf(want, sizeof want, "udp port %u unreachable",
		    p->icmp.inner.dport);
		if (p->tp == CAP_TP_ICMP6)
			snprintf(want, sizeof want, "udp port %u",
			    p->icmp.inner.dport);
		ck_assert_msg(strstr(line, want) != NULL, "%s %d: %s in %s", f,
		    i + 1, want, line);
	}
}

static const char *const xc_files[] = {
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
    "ip-options",
    "malformed",
    "truncated",
    "link-eth",
    "link-sll",
    "link-sll2",
    "link-null",
    "link-loop",
    "link-raw",
    "link-ipv4",
    "link-ipv6",
    "lo-real",
    "eth-padding",
};

START_TEST(test_tcpdump)
{
	char name[128], path[512], *lines[XC_MAXP];
	const char *f = xc_files[_i];
	int rel, n, i;

	if (!xc_have("tcpdump")) {
		fprintf(stderr, "decode_xcheck: tcpdump is not installed: "
		                "cross-check skipped\n");
		return;
	}
	snprintf(name, sizeof name, "tests/pcap/%s.pcap", f);
	snprintf(path, sizeof path, "%s", kit_bin(name));
	xc_track(path);
	for (rel = 0; rel < 2; rel++) {
		char *argv[] = {
		    "tcpdump", "-nn", rel ? "-nn" : "-S", "-r", path, NULL};

		n = xc_lines(argv, lines, XC_MAXP);
		ck_assert_int_eq(n, xc.n);
		for (i = 0; i < n; i++) {
			/* tcpdump stops at an IPv6 extension it finds bad */
			if (strcmp(f, "malformed") == 0 && i == 8)
				continue;
			xc_line(f, i, lines[i], rel);
		}
	}
}
END_TEST

static const char *const ts_files[] = {
    "tcp4-session",
    "tcp6-session",
    "tcp-reset",
    "tcp-retrans",
    "tcp-ooo",
    "lo-real",
};

/* tshark field: 1 when an analysis flag is present. */
static int
ts_flag(const char *field)
{
	return field[0] == '1';
}

START_TEST(test_tshark)
{
	char name[128], path[512], *lines[XC_MAXP];
	const char *f = ts_files[_i];
	int n, i;

	if (!xc_have("tshark")) {
		fprintf(stderr, "decode_xcheck: tshark is not installed: "
		                "cross-check skipped\n");
		return;
	}
	snprintf(name, sizeof name, "tests/pcap/%s.pcap", f);
	snprintf(path, sizeof path, "%s", kit_bin(name));
	xc_track(path);
	{
		char *argv[] = {"tshark", "-n", "-r", path, "-T", "fields",
		    "-E", "separator=,", "-E", "aggregator=/", "-e",
		    "tcp.analysis.retransmission", "-e",
		    "tcp.analysis.out_of_order", "-e",
		    "tcp.analysis.duplicate_ack", "-e",
		    "tcp.analysis.lost_segment", "-e", "tcp.window_size", "-e",
		    "tcp.seq", "-e", "tcp.ack", "-e", "tcp.len", NULL};

		n = xc_lines(argv, lines, XC_MAXP);
	}
	ck_assert_int_eq(n, xc.n);
	for (i = 0; i < n; i++) {
		const struct cap_note *no = &xc.note[i];
		const struct cap_pkt *p = &xc.pkt[i];
		char *fld[8], *s = lines[i];
		int k;

		for (k = 0; k < 8; k++) { /* split on commas */
			fld[k] = s;
			s = s != NULL ? strchr(s, ',') : NULL;
			if (s != NULL)
				*s++ = '\0';
		}
		ck_assert_ptr_nonnull(fld[7]);
		ck_assert_msg(ts_flag(fld[0]) == !!(no->ev & CAP_EV_RETRANS),
		    "%s %d: retransmission", f, i + 1);
		ck_assert_msg(ts_flag(fld[1]) == !!(no->ev & CAP_EV_OOO),
		    "%s %d: out of order", f, i + 1);
		ck_assert_msg(ts_flag(fld[2]) == !!(no->ev & CAP_EV_DUP_ACK),
		    "%s %d: duplicate ack", f, i + 1);
		if (no->ev & CAP_EV_GAP)
			ck_assert_msg(ts_flag(fld[3]), "%s %d: gap", f, i + 1);
		ck_assert_msg(strtoul(fld[4], NULL, 10) == no->win,
		    "%s %d: window %s, ours %u", f, i + 1, fld[4], no->win);
		ck_assert_uint_eq(strtoul(fld[7], NULL, 10), no->seg_len);
		if (!xc.hs_full[i] && !(p->tcp.flags & CAP_TH_SYN))
			continue;
		ck_assert_msg(strtoul(fld[5], NULL, 10) == no->rel_seq,
		    "%s %d: seq %s, ours %u", f, i + 1, fld[5], no->rel_seq);
		if (p->tcp.flags & CAP_TH_ACK)
			ck_assert_msg(strtoul(fld[6], NULL, 10) == no->rel_ack,
			    "%s %d: ack %s, ours %u", f, i + 1, fld[6],
			    no->rel_ack);
	}
}
END_TEST

/* Above the transport: tcpdump's words for what the library decoded. */

static void
xc_want(const char *f, int i, const char *line, const char *want)
{
	ck_assert_msg(strstr(line, want) != NULL, "%s %d: '%s' in %s", f, i + 1,
	    want, line);
}

static void
xc_echo(const char *f, int i, const char *line)
{
	const struct cap_pkt *p = &xc.pkt[i];
	int v6 = p->tp == CAP_TP_ICMP6;
	int req = p->icmp.type == (v6 ? 128 : 8);
	char want[96];

	if (p->icmp.type != (v6 ? 128 : 8) && p->icmp.type != (v6 ? 129 : 0))
		return;
	snprintf(want, sizeof want, "%s%s, id %u, seq %u",
	    v6 ? "ICMP6, echo " : "ICMP echo ", req ? "request" : "reply",
	    p->icmp.id, p->icmp.seq);
	xc_want(f, i, line, want);
}

/* Neighbour discovery in tcpdump's words. */
static void
xc_nd(const char *f, int i, const char *line)
{
	struct cap_nd nd;
	struct cap_addr t = {6, {0}};
	char want[128], a[64];

	if (cap_nd_decode(&xc.pkt[i], &nd) < 0)
		return;
	memcpy(t.a, nd.target, 16);
	cap_addr_str(&t, a, sizeof a);
	switch (nd.type) {
	case CAP_ND_RS:
		snprintf(want, sizeof want, "ICMP6, router solicitation");
		break;
	case CAP_ND_RA:
		snprintf(want, sizeof want, "ICMP6, router advertisement");
		break;
	case CAP_ND_NS:
		snprintf(
		    want, sizeof want, "neighbor solicitation, who has %s,", a);
		break;
	default:
		snprintf(
		    want, sizeof want, "neighbor advertisement, tgt is %s,", a);
	}
	xc_want(f, i, line, want);
}

/* ICMP errors of a traceroute, in tcpdump's words. */
static void
xc_icmp_error(const char *f, int i, const char *line)
{
	const struct cap_pkt *p = &xc.pkt[i];
	const struct cap_icmp_inner *in = &p->icmp.inner;
	char want[128], a[64];
	int v6 = p->tp == CAP_TP_ICMP6;

	if (p->icmp.type == (v6 ? 3 : 11)) {
		snprintf(want, sizeof want, "time exceeded in-transit%s",
		    v6 ? " for " : "");
		xc_want(f, i, line, want);
		if (v6) {
			snprintf(want, sizeof want, "for %s,",
			    cap_addr_str(&in->dst, a, sizeof a));
			xc_want(f, i, line, want);
		}
	} else if (p->icmp.type == (v6 ? 1 : 3) && in->has_ports) {
		snprintf(want, sizeof want, "%s udp port %u",
		    cap_addr_str(&in->dst, a, sizeof a), in->dport);
		xc_want(f, i, line, want);
	}
}

static void
xc_mac(char *buf, size_t n, const uint8_t *m, size_t len)
{
	size_t i, at = 0;

	for (i = 0; i < len && at + 3 < n; i++)
		at += (size_t)snprintf(
		    buf + at, n - at, i ? ":%02x" : "%02x", m[i]);
}

static void
xc_arp(const char *f, int i, const char *line)
{
	struct cap_arp a;
	char want[160], s[64], t[64], mac[64];
	struct cap_addr sa = {4, {0}}, ta = {4, {0}};

	if (cap_arp_decode(&xc.pkt[i], &a) < 0) {
		if (a.cut)
			xc_want(f, i, line, "[|arp]");
		return;
	}
	if (a.ptype != 0x0800 || a.plen != 4) { /* tcpdump names the lengths */
		snprintf(want, sizeof want, "(len %u), ", a.hlen);
		xc_want(f, i, line, want);
		snprintf(want, sizeof want, "(len %u)", a.plen);
		xc_want(f, i, line, want);
		return;
	}
	memcpy(sa.a, a.spa, 4);
	memcpy(ta.a, a.tpa, 4);
	cap_addr_str(&sa, s, sizeof s);
	cap_addr_str(&ta, t, sizeof t);
	xc_mac(mac, sizeof mac, a.sha, a.hlen);
	if (a.op == CAP_ARP_REQUEST)
		snprintf(want, sizeof want, "Request who-has %s tell %s", t, s);
	else
		snprintf(want, sizeof want, "Reply %s is-at %s", s, mac);
	xc_want(f, i, line, want);
}

/* One record as tcpdump -nn prints it: TYPE and the data. */
static void
xc_rr(char *buf, size_t n, const struct cap_dns_rr *rr)
{
	const char *name = cap_dns_type_name(rr->type);
	char type[16], data[2 * CAP_DNS_NAME_MAX];
	struct cap_addr ad = {0};

	snprintf(type, sizeof type, "Type%u", rr->type);
	data[0] = '\0';
	if (rr->type == 1 || rr->type == 28) {
		ad.family = rr->type == 1 ? 4 : 6;
		memcpy(ad.a, rr->addr, 16);
		data[0] = ' ';
		cap_addr_str(&ad, data + 1, sizeof data - 1);
	} else if (rr->type == 15) {
		snprintf(data, sizeof data, " %s %u", rr->target, rr->pref);
	} else if (rr->type == 2 || rr->type == 5 || rr->type == 12 ||
	           rr->type == 16) {
		snprintf(data, sizeof data, " %s", rr->target);
	}
	snprintf(buf, n, " %s%s", name != NULL ? name : type, data);
}

static void
xc_dns_response(const char *f, int i, const char *line, struct cap_dns *m)
{
	struct cap_dns_rr rr;
	char want[2 * CAP_DNS_NAME_MAX + 64];
	const char *rc = cap_dns_rcode_name(m->flags & 0x0f);

	snprintf(want, sizeof want, " %u%s%s%s", m->id,
	    (m->flags & 0x0f) != 0 ? " " : "", (m->flags & 0x0f) ? rc : "",
	    m->flags & CAP_DNS_AA ? "*" : "");
	xc_want(f, i, line, want);
	snprintf(want, sizeof want, " %u/%u/%u", m->an, m->ns, m->ar);
	xc_want(f, i, line, want);
	while (cap_dns_next_rr(m, &rr) == 1 && rr.section == CAP_DNS_AN) {
		if (m->bad != NULL) { /* the data runs past the message */
			xc_want(f, i, line, "[|domain]");
			return;
		}
		xc_rr(want, sizeof want, &rr);
		xc_want(f, i, line, want);
	}
}

static void
xc_dns(const char *f, int i, const char *line)
{
	struct cap_dns m;
	char want[CAP_DNS_NAME_MAX + 64];
	const char *tn;

	if (cap_dns_open(&m, &xc.pkt[i]) < 0 || m.split)
		return;
	if (m.bad != NULL || m.cut) {
		/* tcpdump does not limit a name to 255 bytes */
		if (strstr(m.bad != NULL ? m.bad : "", "255") == NULL)
			ck_assert_msg(strstr(line, "<BAD PTR>") != NULL ||
			                  strstr(line, "[|domain]") != NULL ||
			                  strstr(line, "<ELT") != NULL,
			    "%s %d: tcpdump did not find it bad: %s", f, i + 1,
			    line);
		return;
	}
	if (m.flags & CAP_DNS_QR) {
		xc_dns_response(f, i, line, &m);
		return;
	}
	snprintf(
	    want, sizeof want, " %u%s ", m.id, m.flags & CAP_DNS_RD ? "+" : "");
	xc_want(f, i, line, want);
	tn = cap_dns_type_name(m.qtype);
	if (tn != NULL)
		snprintf(want, sizeof want, " %s? %s", tn, m.qname);
	else
		snprintf(want, sizeof want, " Type%u? %s", m.qtype, m.qname);
	xc_want(f, i, line, want);
}

static const char *const xp_files[] = {
    "icmp-echo",
    "icmp-ping",
    "arp",
    "dns",
    "dns-bad",
    "dns-tcp",
    "traceroute",
    "nd",
    "proto-real",
};

START_TEST(test_tcpdump_proto)
{
	char name[128], path[512], *lines[XC_MAXP];
	const char *f = xp_files[_i];
	int n, i, checked = 0;

	if (!xc_have("tcpdump")) {
		fprintf(stderr, "decode_xcheck: tcpdump is not installed: "
		                "cross-check skipped\n");
		return;
	}
	snprintf(name, sizeof name, "tests/pcap/%s.pcap", f);
	snprintf(path, sizeof path, "%s", kit_bin(name));
	xc_track(path);
	{
		char *argv[] = {"tcpdump", "-nn", "-r", path, NULL};

		n = xc_lines(argv, lines, XC_MAXP);
	}
	ck_assert_int_eq(n, xc.n);
	for (i = 0; i < n; i++) {
		const struct cap_pkt *p = &xc.pkt[i];

		if ((p->tp == CAP_TP_ICMP || p->tp == CAP_TP_ICMP6) &&
		    p->trunc == CAP_L_NONE) {
			xc_echo(f, i, lines[i]);
			xc_icmp_error(f, i, lines[i]);
			xc_nd(f, i, lines[i]);
			checked++;
		} else if (p->net == CAP_NET_OTHER) {
			xc_arp(f, i, lines[i]);
			checked++;
		} else if (cap_dns_port(p) && p->payload_len > 0) {
			xc_dns(f, i, lines[i]);
			checked++;
		}
	}
	ck_assert_int_ge(checked, 4); /* the file holds what it should */
}
END_TEST

/* DHCP against `tcpdump -nn -v`: each packet is a block of lines (the
 * first starts with the time, the others with white space). */
static int
xc_block_has(char **lines, int from, int to, const char *want)
{
	int k;

	for (k = from; k < to; k++)
		if (strstr(lines[k], want) != NULL)
			return 1;
	return 0;
}

static void
xc_dhcp(const char *f, int i, char **lines, int from, int to)
{
	static const char *const td_names[] = {"", "Discover", "Offer",
	    "Request", "Decline", "ACK", "NACK", "Release", "Inform"};
	static const uint8_t zero[4];
	const struct cap_pkt *p = &xc.pkt[i];
	struct cap_dhcp d;
	char want[128], a[64], mac[64];
	struct cap_addr ad = {4, {0}};

	ck_assert_int_eq(cap_dhcp_decode(p, &d), 0);
	xc_mac(mac, sizeof mac, d.chaddr, d.hlen);
	if (d.op == 1)
		snprintf(want, sizeof want, "BOOTP/DHCP, Request from %s", mac);
	else
		snprintf(want, sizeof want, "BOOTP/DHCP, Reply");
	ck_assert_msg(
	    xc_block_has(lines, from, to, want), "%s %d: %s", f, i + 1, want);
	snprintf(want, sizeof want, "xid 0x%x,", d.xid);
	ck_assert_msg(
	    xc_block_has(lines, from, to, want), "%s %d: %s", f, i + 1, want);
	if (d.cut || d.bad != NULL) {
		ck_assert_msg(xc_block_has(lines, from, to, "[|bootp]"),
		    "%s %d: tcpdump did not find it cut", f, i + 1);
		return;
	}
	if (d.type >= 1 && d.type <= 8) {
		snprintf(want, sizeof want, "DHCP-Message (53), length 1: %s",
		    td_names[d.type]);
		ck_assert_msg(xc_block_has(lines, from, to, want), "%s %d: %s",
		    f, i + 1, want);
	}
	if (memcmp(d.yiaddr, zero, 4) != 0) {
		memcpy(ad.a, d.yiaddr, 4);
		snprintf(want, sizeof want, "Your-IP %s",
		    cap_addr_str(&ad, a, sizeof a));
		ck_assert_msg(xc_block_has(lines, from, to, want), "%s %d: %s",
		    f, i + 1, want);
	}
	if (d.has_req) {
		memcpy(ad.a, d.req, 4);
		snprintf(want, sizeof want, "Requested-IP (50), length 4: %s",
		    cap_addr_str(&ad, a, sizeof a));
		ck_assert_msg(xc_block_has(lines, from, to, want), "%s %d: %s",
		    f, i + 1, want);
	}
	if (d.has_server) {
		memcpy(ad.a, d.server, 4);
		snprintf(want, sizeof want, "Server-ID (54), length 4: %s",
		    cap_addr_str(&ad, a, sizeof a));
		ck_assert_msg(xc_block_has(lines, from, to, want), "%s %d: %s",
		    f, i + 1, want);
	}
	if (d.has_lease) {
		snprintf(want, sizeof want, "Lease-Time (51), length 4: %u",
		    d.lease);
		ck_assert_msg(xc_block_has(lines, from, to, want), "%s %d: %s",
		    f, i + 1, want);
	}
	if (d.nrouter > 0) {
		memcpy(ad.a, d.router, 4);
		snprintf(want, sizeof want, "Default-Gateway (3), length 4: %s",
		    cap_addr_str(&ad, a, sizeof a));
		ck_assert_msg(xc_block_has(lines, from, to, want), "%s %d: %s",
		    f, i + 1, want);
	}
	if (d.ndns > 0) {
		memcpy(ad.a, d.dns, 4);
		snprintf(want, sizeof want,
		    "Domain-Name-Server (6), length %u: %s", 4u * d.ndns,
		    cap_addr_str(&ad, a, sizeof a));
		ck_assert_msg(xc_block_has(lines, from, to, want), "%s %d: %s",
		    f, i + 1, want);
	}
}

START_TEST(test_tcpdump_dhcp)
{
	char path[512], *lines[512];
	int n, i, k, start[XC_MAXP + 1], nb = 0;

	if (!xc_have("tcpdump")) {
		fprintf(stderr, "decode_xcheck: tcpdump is not installed: "
		                "cross-check skipped\n");
		return;
	}
	snprintf(path, sizeof path, "%s", kit_bin("tests/pcap/dhcp.pcap"));
	xc_track(path);
	{
		char *argv[] = {"tcpdump", "-nn", "-v", "-r", path, NULL};

		n = xc_lines(argv, lines, 512);
	}
	for (k = 0; k < n && nb < XC_MAXP; k++)
		if (lines[k][0] >= '0' && lines[k][0] <= '9')
			start[nb++] = k;
	start[nb] = n;
	ck_assert_int_eq(nb, xc.n);
	for (i = 0; i < nb; i++)
		xc_dhcp("dhcp", i, lines, start[i], start[i + 1]);
	ck_assert_int_ge(nb, 10);
}
END_TEST

/* HTTP, TLS, SMTP, FTP, POP3, IMAP against tshark's fields, frame by
 * frame (tshark reassembles HTTP: a request line split over segments is
 * its second segment's; we do not reassemble and skip those). */
static int
xc_app_frame(char *const *fld, const struct cap_app *a)
{
	char want[160];

	switch (a->kind) {
	case CAP_APP_HTTP_REQUEST:
		if (a->line_cut)
			return 0;
		ck_assert_str_eq(fld[1], a->method);
		ck_assert_str_eq(fld[2], a->text);
		ck_assert_str_eq(fld[3], a->host);
		return 1;
	case CAP_APP_HTTP_RESPONSE:
		if (fld[4][0] == '\0')
			return 0; /* tshark waits for the chunked body */
		ck_assert_uint_eq(strtoul(fld[4], NULL, 10), a->status);
		if (a->has_length)
			ck_assert_uint_eq(
			    strtoull(fld[5], NULL, 10), a->length);
		return 1;
	case CAP_APP_TLS:
		if (a->tls_type != 22)
			return 0;
		ck_assert_uint_eq(strtoul(fld[7], NULL, 10), a->tls_hs);
		if (a->tls_hs == 1)
			ck_assert_str_eq(fld[6], a->host);
		snprintf(want, sizeof want, "0x%04x", a->tls_max);
		ck_assert_msg(
		    strstr(fld[8], want) != NULL, "%s in %s", want, fld[8]);
		return 1;
	case CAP_APP_SMTP:
	case CAP_APP_FTP:
		/* the command word, or the reply's code */
		snprintf(want, sizeof want, "%.*s",
		    a->from_server ? 3 : (int)strcspn(a->text, " "), a->text);
		ck_assert_str_eq(
		    fld[a->kind == CAP_APP_SMTP ? (a->from_server ? 10 : 9)
		                                : (a->from_server ? 12 : 11)],
		    want);
		return 1;
	case CAP_APP_POP:
		if (a->from_server)
			return 0;
		snprintf(want, sizeof want, "%.*s", (int)strcspn(a->text, " "),
		    a->text);
		ck_assert_str_eq(fld[13], want);
		return 1;
	case CAP_APP_IMAP:
		if (a->from_server)
			return 0;
		ck_assert_str_eq(fld[14], a->text);
		return 1;
	default:
		return 0;
	}
}

/* app: generated; proto-real: real DNS and HTTP on a namespace's lo,
 * taken with tcpdump (capture/tests/pcap/README). */
static const struct {
	const char *name;
	int min;    /* frames it must have checked */
	int joined; /* HTTP heads split over segments */
} ta_files[] = {{"app", 17, 1}, {"proto-real", 1, 0}};

START_TEST(test_tshark_app)
{
	char name[128], path[512], *lines[XC_MAXP];
	int n, i, k, checked = 0, joined = 0;
	struct cap_reasm *r = cap_reasm_new();
	const uint8_t *msg;
	size_t len;
	uint32_t nseg;

	if (!xc_have("tshark")) {
		fprintf(stderr, "decode_xcheck: tshark is not installed: "
		                "cross-check skipped\n");
		return;
	}
	snprintf(name, sizeof name, "tests/pcap/%s.pcap", ta_files[_i].name);
	snprintf(path, sizeof path, "%s", kit_bin(name));
	xc_track(path);
	{
		char *argv[] = {"tshark", "-n", "-r", path, "-T", "fields",
		    "-E", "separator=|", "-e", "frame.number", "-e",
		    "http.request.method", "-e", "http.request.uri", "-e",
		    "http.host", "-e", "http.response.code", "-e",
		    "http.content_length", "-e",
		    "tls.handshake.extensions_server_name", "-e",
		    "tls.handshake.type", "-e",
		    "tls.handshake.extensions.supported_version", "-e",
		    "smtp.req.command", "-e", "smtp.response.code", "-e",
		    "ftp.request.command", "-e", "ftp.response.code", "-e",
		    "pop.request.command", "-e", "imap.request", NULL};

		n = xc_lines(argv, lines, XC_MAXP);
	}
	ck_assert_int_eq(n, xc.n);
	for (i = 0; i < n; i++) {
		char *fld[15], *s = lines[i];
		struct cap_app a;

		for (k = 0; k < 15; k++) { /* split on | */
			fld[k] = s != NULL ? s : "";
			s = s != NULL ? strchr(s, '|') : NULL;
			if (s != NULL)
				*s++ = '\0';
		}
		if (cap_app_decode(&xc.pkt[i], &a) == 0)
			checked += xc_app_frame(fld, &a);
		/* a head split over segments: whole on its last, as tshark */
		if (cap_reasm_http(r, &xc.pkt[i], &msg, &len, &nseg) == 1) {
			ck_assert_int_eq(cap_app_decode_bytes(&a, msg, len,
			                     xc.pkt[i].sport, xc.pkt[i].dport),
			    0);
			checked += xc_app_frame(fld, &a);
			joined++;
		}
	}
	ck_assert_int_eq(joined, ta_files[_i].joined);
	cap_reasm_free(r);
	ck_assert_int_ge(checked, ta_files[_i].min);
}
END_TEST

Suite *
decode_xcheck_suite(void)
{
	Suite *s = suite_create("decode_xcheck");
	TCase *td = tcase_create("tcpdump");
	TCase *ts = tcase_create("tshark");

	tcase_set_timeout(td, 30);
	tcase_add_loop_test(
	    td, test_tcpdump, 0, sizeof xc_files / sizeof xc_files[0]);
	tcase_add_loop_test(
	    td, test_tcpdump_proto, 0, sizeof xp_files / sizeof xp_files[0]);
	tcase_add_test(td, test_tcpdump_dhcp);
	suite_add_tcase(s, td);
	tcase_set_timeout(ts, 60);
	tcase_add_loop_test(
	    ts, test_tshark, 0, sizeof ts_files / sizeof ts_files[0]);
	tcase_add_loop_test(
	    ts, test_tshark_app, 0, sizeof ta_files / sizeof ta_files[0]);
	suite_add_tcase(s, ts);
	return s;
}

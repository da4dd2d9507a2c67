/*
 * mkpcap: writes the synthetic scenario pcaps the capture tests (and
 * labsniff's goldens) stand on, with correct checksums, or a large bulk
 * file for the benchmarks.  The scenarios are listed in SCENARIOS below
 * (`mkpcap --list` prints them); every file starts at 1700000000.000000.
 *
 * usage: mkpcap DIR                    write every scenario into DIR
 *        mkpcap --list                 name and description of each
 *        mkpcap bulk-udp|bulk-tcp N FILE   N packets of pings / short
 *                                      TCP connections on loopback
 */
#define _DEFAULT_SOURCE /* pcap.h uses u_int/u_char (BSD types) */
#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MK_MAX 2048        /* largest frame built */
#define MK_T0 1700000000LL /* first timestamp of every file */
#define MK_STEP_US 50      /* default gap between packets */

/* One output file and the state of its link layer. */
struct mk {
	pcap_t *p;
	pcap_dumper_t *d;
	int lt;       /* DLT_* */
	int64_t t_us; /* time of the next packet */
	uint16_t ipid;
	int vlan;           /* 802.1Q tags to add (Ethernet) */
	uint16_t pkttype;   /* SLL packet type */
	uint32_t af6;       /* NULL/LOOP family value for IPv6 */
	int swap_null;      /* write the NULL family byte-swapped */
	uint16_t ethertype; /* !0: Ethernet frames carry this instead */
	size_t pad;         /* !0: pad frames with zeros to this size */
	int64_t usec;       /* >= 0: the record's microsecond field (an
	                     * invalid one on purpose), -1 from t_us */
	int macs;           /* Ethernet: use mac[0] (source), mac[1] */
	uint8_t mac[2][6];
};

struct ep {
	int v; /* 4 or 6 */
	uint8_t a[16];
	uint16_t port;
};

/* IP-level extras and deliberate defects. */
struct ipx {
	const uint8_t *opt; /* IPv4 options / IPv6 extension chain */
	size_t optlen;
	uint8_t ext_nh; /* IPv6: type of the first extension */
	uint16_t frag;  /* IPv4 flags+offset field */
	int ihl;        /* !0: IPv4 IHL field to write */
	int totlen;     /* !0: IPv4 total / IPv6 payload length */
	uint8_t proto;  /* !0: protocol field to write */
	uint8_t ttl;    /* !0: TTL / hop limit (else 64) */
};

struct conn {
	struct ep e[2];  /* 0 client, 1 server */
	uint32_t seq[2]; /* next sequence number per side */
	uint32_t tsv;    /* timestamp option clock */
	uint16_t win[2];
	int ts;           /* timestamps on every segment */
	uint32_t sack[2]; /* !0: one SACK block on the next segment */
};

static struct ep
ep_make(const char *addr, uint16_t port)
{
	struct ep e = {0};

	e.v = strchr(addr, ':') != NULL ? 6 : 4;
	e.port = port;
	if (inet_pton(e.v == 6 ? AF_INET6 : AF_INET, addr, e.a) != 1)
		abort();
	return e;
}

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint32_t
sum_bytes(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t
sum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* The transport checksum with its pseudo-header (none for ICMPv4). */
static void
l4_checksum(const struct ep *s, const struct ep *d, uint8_t proto, uint8_t *l4,
    size_t len, size_t at)
{
	uint32_t sum = 0;
	uint16_t c;

	put16(l4 + at, 0);
	if (proto != 1) {
		size_t al = s->v == 6 ? 16 : 4;

		sum = sum_bytes(sum_bytes(0, s->a, al), d->a, al);
		sum += proto + (uint32_t)(len & 0xffff) + (uint32_t)(len >> 16);
	}
	c = sum_fold(sum_bytes(sum, l4, len));
	if (c == 0 && proto == 17)
		c = 0xffff;
	put16(l4 + at, c);
}

static size_t
tcp_build(uint8_t *o, const struct ep *s, const struct ep *d, uint16_t fl,
    uint32_t seq, uint32_t ack, uint16_t win, const uint8_t *opt, size_t optlen,
    const void *data, size_t dlen, int doff)
{
	size_t h = 20 + optlen;

	memset(o, 0, h);
	put16(o, s->port);
	put16(o + 2, d->port);
	put32(o + 4, seq);
	put32(o + 8, ack);
	o[12] = (uint8_t)((doff ? doff : (int)(h / 4)) << 4);
	o[13] = (uint8_t)fl;
	put16(o + 14, win);
	if (optlen > 0)
		memcpy(o + 20, opt, optlen);
	if (dlen > 0)
		memcpy(o + h, data, dlen);
	l4_checksum(s, d, 6, o, h + dlen, 16);
	return h + dlen;
}

static size_t
udp_build(uint8_t *o, const struct ep *s, const struct ep *d, const void *data,
    size_t dlen, int ulen)
{
	put16(o, s->port);
	put16(o + 2, d->port);
	put16(o + 4, ulen ? (uint32_t)ulen : (uint32_t)(8 + dlen));
	memcpy(o + 8, data, dlen);
	l4_checksum(s, d, 17, o, 8 + dlen, 6);
	return 8 + dlen;
}

static size_t
icmp_build(uint8_t *o, const struct ep *s, const struct ep *d, uint8_t type,
    uint8_t code, uint32_t rest, const void *data, size_t dlen)
{
	o[0] = type;
	o[1] = code;
	put32(o + 4, rest);
	memcpy(o + 8, data, dlen);
	l4_checksum(s, d, s->v == 6 ? 58 : 1, o, 8 + dlen, 2);
	return 8 + dlen;
}

static size_t
ip4_build(struct mk *m, uint8_t *o, const struct ep *s, const struct ep *d,
    uint8_t proto, const uint8_t *l4, size_t l4len, const struct ipx *x)
{
	size_t h = 20 + x->optlen;

	memset(o, 0, 20);
	o[0] = (uint8_t)(0x40 | (x->ihl ? x->ihl : (int)(h / 4)));
	put16(o + 2, x->totlen ? (uint32_t)x->totlen : (uint32_t)(h + l4len));
	put16(o + 4, m->ipid++);
	put16(o + 6, x->frag ? x->frag : 0x4000);
	o[8] = x->ttl ? x->ttl : 64;
	o[9] = x->proto ? x->proto : proto;
	memcpy(o + 12, s->a, 4);
	memcpy(o + 16, d->a, 4);
	if (x->optlen > 0)
		memcpy(o + 20, x->opt, x->optlen);
	put16(o + 10, sum_fold(sum_bytes(0, o, h)));
	memcpy(o + h, l4, l4len);
	return h + l4len;
}

static size_t
ip6_build(uint8_t *o, const struct ep *s, const struct ep *d, uint8_t proto,
    const uint8_t *l4, size_t l4len, const struct ipx *x)
{
	size_t plen = x->optlen + l4len;

	memset(o, 0, 40);
	o[0] = 0x60;
	o[3] = 0x01; /* a flow label, so that it shows */
	put16(o + 4, x->totlen ? (uint32_t)x->totlen : (uint32_t)plen);
	o[6] = x->optlen ? x->ext_nh : (x->proto ? x->proto : proto);
	o[7] = x->ttl ? x->ttl : 64;
	memcpy(o + 8, s->a, 16);
	memcpy(o + 24, d->a, 16);
	if (x->optlen > 0)
		memcpy(o + 40, x->opt, x->optlen);
	memcpy(o + 40 + x->optlen, l4, l4len);
	return 40 + plen;
}

static size_t
ip_build(struct mk *m, uint8_t *o, const struct ep *s, const struct ep *d,
    uint8_t proto, const uint8_t *l4, size_t l4len, const struct ipx *x)
{
	static const struct ipx none;

	if (x == NULL)
		x = &none;
	return s->v == 6 ? ip6_build(o, s, d, proto, l4, l4len, x)
	                 : ip4_build(m, o, s, d, proto, l4, l4len, x);
}

/* The link header for an IP packet of version v, written at o. */
static size_t
link_build(struct mk *m, uint8_t *o, int v)
{
	uint16_t et = v == 6 ? 0x86dd : 0x0800;
	uint32_t fam = v == 6 ? m->af6 : 2;
	size_t n = 0;
	int i;

	switch (m->lt) {
	case DLT_EN10MB:
		memset(o, 0, 12); /* Linux lo: zero MACs */
		if (m->macs) {
			memcpy(o, m->mac[1], 6);
			memcpy(o + 6, m->mac[0], 6);
		}
		n = 12;
		for (i = 0; i < m->vlan; i++, n += 4) {
			put16(o + n, i == 0 && m->vlan > 1 ? 0x88a8 : 0x8100);
			put16(o + n + 2, 100 + i);
		}
		put16(o + n, m->ethertype ? m->ethertype : et);
		return n + 2;
	case DLT_LINUX_SLL:
		memset(o, 0, 16);
		put16(o, m->pkttype);
		put16(o + 2, 772); /* ARPHRD_LOOPBACK */
		put16(o + 4, 6);
		put16(o + 14, et);
		return 16;
	case DLT_LINUX_SLL2:
		memset(o, 0, 20);
		put16(o, et);
		put32(o + 4, 1); /* ifindex of lo */
		put16(o + 8, 772);
		o[10] = (uint8_t)m->pkttype;
		o[11] = 6;
		return 20;
	case DLT_NULL:
		if (m->swap_null)
			put32(o, fam); /* the other byte order */
		else
			memcpy(o, &fam, 4);
		return 4;
	case DLT_LOOP:
		put32(o, fam);
		return 4;
	}
	return 0; /* raw IP */
}

static void
emit(struct mk *m, const uint8_t *ip, size_t iplen, int v, size_t cut,
    int64_t dt)
{
	uint8_t f[MK_MAX + 64];
	struct pcap_pkthdr h;
	size_t n = link_build(m, f, v);

	memcpy(f + n, ip, iplen);
	n += iplen;
	if (n < m->pad) { /* Ethernet's minimum frame, as a NIC pads */
		memset(f + n, 0, m->pad - n);
		n = m->pad;
	}
	m->t_us += dt > 0 ? dt : MK_STEP_US;
	h.ts.tv_sec = (time_t)(m->t_us / 1000000);
	h.ts.tv_usec = (suseconds_t)(m->t_us % 1000000);
	if (m->usec >= 0) /* pcap_dump writes the low 32 bits */
		h.ts.tv_usec = (suseconds_t)(int32_t)(uint32_t)m->usec;
	h.len = (bpf_u_int32)n;
	h.caplen = (bpf_u_int32)(cut != 0 && cut < n ? cut : n);
	pcap_dump((u_char *)m->d, &h, f);
}

/* A whole transport segment to IP to link to file. */
static void
send_l4(struct mk *m, const struct ep *s, const struct ep *d, uint8_t proto,
    const uint8_t *l4, size_t l4len, const struct ipx *x, size_t cut,
    int64_t dt)
{
	uint8_t ip[MK_MAX];
	size_t n = ip_build(m, ip, s, d, proto, l4, l4len, x);

	emit(m, ip, n, s->v, cut, dt);
}

static void
udp(struct mk *m, const struct ep *s, const struct ep *d, const char *data,
    int64_t dt)
{
	uint8_t l4[MK_MAX];
	size_t n = udp_build(l4, s, d, data, strlen(data), 0);

	send_l4(m, s, d, 17, l4, n, NULL, 0, dt);
}

/* Linux's SYN options: mss, sackOK, TS, nop, wscale 7. */
static size_t
syn_options(uint8_t *o, const struct conn *k)
{
	static const uint8_t head[] = {2, 4, 0xff, 0xd7, 4, 2, 8, 10};

	memcpy(o, head, sizeof head);
	put32(o + 8, k->tsv);
	put32(o + 12, 0);
	o[16] = 1;
	o[17] = 3, o[18] = 3, o[19] = 7;
	return 20;
}

/* One segment of conversation k from side dir at an explicit seq/ack. */
static void
seg_full(struct mk *m, struct conn *k, int dir, uint16_t fl, uint32_t seq,
    uint32_t ack, const char *data, int64_t dt)
{
	uint8_t l4[MK_MAX], opt[40];
	size_t ol = 0, dlen = data ? strlen(data) : 0, n;

	k->tsv += 1;
	if (fl & 0x02)
		ol = syn_options(opt, k);
	else if (k->ts) {
		opt[0] = opt[1] = 1, opt[2] = 8, opt[3] = 10;
		put32(opt + 4, k->tsv);
		put32(opt + 8, k->tsv - 1);
		ol = 12;
	}
	if (k->sack[1] != 0) {
		opt[ol] = opt[ol + 1] = 1, opt[ol + 2] = 5, opt[ol + 3] = 10;
		put32(opt + ol + 4, k->sack[0]);
		put32(opt + ol + 8, k->sack[1]);
		ol += 12;
	}
	n = tcp_build(l4, &k->e[dir], &k->e[!dir], fl, seq,
	    (fl & 0x10) ? ack : 0, k->win[dir], opt, ol, data, dlen, 0);
	send_l4(m, &k->e[dir], &k->e[!dir], 6, l4, n, NULL, 0, dt);
}

/* The next segment in order, acknowledging everything of the peer. */
static void
seg(struct mk *m, struct conn *k, int dir, uint16_t fl, const char *data,
    int64_t dt)
{
	seg_full(m, k, dir, fl, k->seq[dir], k->seq[!dir], data, dt);
	k->seq[dir] +=
	    (uint32_t)(data ? strlen(data) : 0) + !!(fl & 0x02) + !!(fl & 0x01);
}

#define F 0x01
#define S 0x02
#define R 0x04
#define P 0x08
#define A 0x10

static struct conn
conn_make(const char *c, uint16_t cp, const char *s, uint16_t sp,
    uint32_t isn_c, uint32_t isn_s)
{
	struct conn k = {0};

	k.e[0] = ep_make(c, cp);
	k.e[1] = ep_make(s, sp);
	k.seq[0] = isn_c;
	k.seq[1] = isn_s;
	k.tsv = 1000;
	k.win[0] = k.win[1] = 512; /* x 128 (wscale 7) = 65536 */
	k.ts = 1;
	return k;
}

static void
handshake(struct mk *m, struct conn *k)
{
	k->win[0] = k->win[1] = 65495; /* SYNs are never scaled */
	seg(m, k, 0, S, NULL, 0);
	seg(m, k, 1, S | A, NULL, 40);
	k->win[0] = k->win[1] = 512;
	seg(m, k, 0, A, NULL, 30);
}

/* One ping of the TCP pinger: the client's "ping n\n" dt after the
 * last packet, then the server's "PING n\n" and the client's ACK, each
 * reply later. */
static void
ping_pong(struct mk *m, struct conn *k, int n, int64_t dt, int64_t reply)
{
	char line[32];

	snprintf(line, sizeof line, "ping %d\n", n);
	seg(m, k, 0, P | A, line, dt);
	snprintf(line, sizeof line, "PING %d\n", n);
	seg(m, k, 1, P | A, line, reply);
	seg(m, k, 0, A, NULL, reply);
}

/* The client closes first: its FIN dt after the last packet, then the
 * server's FIN and the client's last ACK, each reply later. */
static void
close_by_client(struct mk *m, struct conn *k, int64_t dt, int64_t reply)
{
	seg(m, k, 0, F | A, NULL, dt);
	seg(m, k, 1, F | A, NULL, reply);
	seg(m, k, 0, A, NULL, reply);
}

/* Scenarios: one function per file. */

static void
sc_tcp_session(struct mk *m, int v6)
{
	struct conn k =
	    v6 ? conn_make("::1", 45678, "::1", 12000, 1000, 5000)
	       : conn_make("127.0.0.1", 45678, "127.0.0.1", 12000, 1000, 5000);

	handshake(m, &k);
	seg(m, &k, 0, P | A, "ping 1\n", 1000);
	seg(m, &k, 1, A, NULL, 20);
	seg(m, &k, 1, P | A, "PING 1\n", 20);
	seg(m, &k, 0, A, NULL, 20);
	seg(m, &k, 0, P | A, "ping 2\n", 1000);
	seg(m, &k, 1, P | A, "PING 2\n", 30);
	if (v6) { /* server FIN+ACK at once */
		seg(m, &k, 0, F | A, NULL, 1000);
		seg(m, &k, 1, F | A, NULL, 30);
		seg(m, &k, 0, A, NULL, 20);
		return;
	}
	seg(m, &k, 0, A, NULL, 20);
	seg(m, &k, 0, F | A, NULL, 1000);
	seg(m, &k, 1, A, NULL, 30);
	seg(m, &k, 1, F | A, NULL, 30);
	seg(m, &k, 0, A, NULL, 20);
}

static void
sc_tcp4_session(struct mk *m)
{
	sc_tcp_session(m, 0);
}

static void
sc_tcp6_session(struct mk *m)
{
	sc_tcp_session(m, 1);
}

static void
sc_tcp_reset(struct mk *m)
{
	struct conn r =
	    conn_make("127.0.0.1", 40001, "127.0.0.1", 12001, 7000, 0);
	struct conn k =
	    conn_make("127.0.0.1", 40002, "127.0.0.1", 12000, 9000, 3000);

	r.win[0] = 65495;
	seg(m, &r, 0, S, NULL, 0); /* refused */
	r.ts = 0, r.win[1] = 0;
	seg_full(m, &r, 1, R | A, 0, r.seq[0], NULL, 30);
	handshake(m, &k);
	seg(m, &k, 0, P | A, "ping 1\n", 1000);
	seg(m, &k, 1, P | A, "PING 1\n", 30);
	k.ts = 0, k.win[0] = 0;
	seg(m, &k, 0, R | A, NULL, 1000); /* client aborts */
}

static void
sc_tcp_retrans(struct mk *m)
{
	struct conn k =
	    conn_make("127.0.0.1", 40010, "127.0.0.1", 12000, 100, 800000);
	uint32_t s;

	k.win[0] = 65495;
	seg_full(m, &k, 0, S, k.seq[0], 0, NULL, 0); /* SYN, then again */
	m->t_us += 1000000;                          /* 1 s later */
	handshake(m, &k);
	seg(m, &k, 0, P | A, "ping 1\n", 1000);
	seg_full(m, &k, 0, P | A, k.seq[0] - 7, k.seq[1], "ping 1\n", 200000);
	seg(m, &k, 1, A, NULL, 30);
	/* Server sends A, B, C; B is lost; the client acks A twice; B is
	 * resent 200 ms later. */
	seg(m, &k, 1, P | A, "PING 1a\n", 30);
	s = k.seq[1];
	k.seq[1] += 8; /* B never seen */
	seg(m, &k, 1, P | A, "PING 1c\n", 30);
	seg_full(m, &k, 0, A, k.seq[0], s, NULL, 30);
	k.sack[0] = s + 8, k.sack[1] = s + 16;
	seg_full(m, &k, 0, A, k.seq[0], s, NULL, 30); /* dup ACK, SACK */
	k.sack[0] = k.sack[1] = 0;
	seg_full(m, &k, 1, P | A, s, k.seq[0], "PING 1b\n", 200000);
	seg(m, &k, 0, A, NULL, 30);
	seg(m, &k, 0, F | A, NULL, 1000);
	seg(m, &k, 1, F | A, NULL, 30);
	seg_full(m, &k, 1, F | A, k.seq[1] - 1, k.seq[0], NULL, 200000);
	seg(m, &k, 0, A, NULL, 30);
}

static void
sc_tcp_ooo(struct mk *m)
{
	struct conn k = conn_make("127.0.0.1", 40020, "127.0.0.1", 12000,
	    4294967290u, 2000); /* client ISN wraps past 2^32 */
	uint32_t s;

	handshake(m, &k);
	s = k.seq[0];
	seg_full(m, &k, 0, P | A, s, k.seq[1], "ping 1\n", 1000);
	seg_full(m, &k, 0, P | A, s + 14, k.seq[1], "ping 3\n", 100);
	seg_full(m, &k, 0, P | A, s + 7, k.seq[1], "ping 2\n", 20);
	k.seq[0] = s + 21;
	seg(m, &k, 1, A, NULL, 30);
	seg(m, &k, 1, P | A, "PING 1\nPING 2\nPING 3\n", 30);
	seg(m, &k, 0, A, NULL, 30);
}

static void
sc_tcp_midstream(struct mk *m)
{
	struct conn k =
	    conn_make("127.0.0.1", 40030, "127.0.0.1", 12000, 123456, 654321);

	ping_pong(m, &k, 5, 0, 30);
	seg(m, &k, 0, P | A, "ping 6\n", 1000);
	seg(m, &k, 1, P | A, "PING 6\n", 30);
	close_by_client(m, &k, 1000, 30);
}

static void
sc_udp_ping(struct mk *m)
{
	struct ep c = ep_make("127.0.0.1", 50000);
	struct ep s = ep_make("127.0.0.1", 12000);

	udp(m, &c, &s, "ping 1", 0);
	udp(m, &s, &c, "PING 1", 80);
	udp(m, &c, &s, "ping 2", 1000); /* its reply is lost */
	udp(m, &c, &s, "ping 3", 1000000);
	udp(m, &s, &c, "PING 3", 90);
	udp(m, &c, &s, "ping 4", 1000);
	udp(m, &c, &s, "ping 5", 1000000);
	udp(m, &s, &c, "PING 4", 300); /* late: after ping 5 */
	udp(m, &s, &c, "PING 5", 70);
}

static void
sc_udp6_ping(struct mk *m)
{
	struct ep c = ep_make("::1", 50001);
	struct ep s = ep_make("::1", 12000);

	udp(m, &c, &s, "ping 1", 0);
	udp(m, &s, &c, "PING 1", 80);
	udp(m, &c, &s, "ping 2", 1000);
	udp(m, &s, &c, "PING 2", 80);
	udp(m, &s, &c, "stray", 1000); /* nothing to pair with */
}

/* Strays from the server's port (labpeer --stray) before the real reply:
 * not replies, even the first datagram back; a request/response protocol
 * that never echoes still pairs in order; an echo that is not the lab's
 * ping is recognised by its first reply. */
static void
sc_udp_stray(struct mk *m)
{
	struct ep c = ep_make("127.0.0.1", 50002);
	struct ep s = ep_make("127.0.0.1", 12000);
	struct ep dc = ep_make("127.0.0.1", 50003);
	struct ep ds = ep_make("127.0.0.1", 12053);
	struct ep ec = ep_make("127.0.0.1", 50004);
	struct ep es = ep_make("127.0.0.1", 7);

	udp(m, &c, &s, "ping 1", 0);
	udp(m, &s, &c, "PING 1!", 40); /* stray before the first reply */
	udp(m, &s, &c, "PING 1", 40);
	udp(m, &c, &s, "ping 2", 1000);
	udp(m, &s, &c, "PING 2!", 30);
	udp(m, &s, &c, "PING 2", 30);
	udp(m, &c, &s, "ping 3", 1000);
	udp(m, &s, &c, "PING 3!", 40); /* and the reply is lost */
	udp(m, &dc, &ds, "query a.example", 1000000);
	udp(m, &dc, &ds, "query b.example", 100);
	udp(m, &ds, &dc, "a.example is 10.0.0.1", 200);
	udp(m, &ds, &dc, "b.example is 10.0.0.2", 50);
	udp(m, &ec, &es, "hello", 1000);
	udp(m, &es, &ec, "HELLO", 60);
	udp(m, &ec, &es, "world", 1000);
	udp(m, &es, &ec, "WORLD?", 40);
	udp(m, &es, &ec, "WORLD", 40);
}

/* A ping to a closed port and the ICMP errors quoting it. */
static void
sc_unreach(struct mk *m, const char *addr)
{
	struct ep c = ep_make(addr, 50002), s = ep_make(addr, 12000);
	uint8_t l4[MK_MAX], ip[MK_MAX], ic[MK_MAX];
	size_t n, in;
	int i;

	for (i = 1; i <= 2; i++) {
		char msg[16];

		snprintf(msg, sizeof msg, "ping %d", i);
		n = udp_build(l4, &c, &s, msg, strlen(msg), 0);
		in = ip_build(m, ip, &c, &s, 17, l4, n, NULL);
		emit(m, ip, in, c.v, 0, i == 1 ? 0 : 1000000);
		n = icmp_build(
		    ic, &s, &c, c.v == 6 ? 1 : 3, c.v == 6 ? 4 : 3, 0, ip, in);
		send_l4(m, &s, &c, c.v == 6 ? 58 : 1, ic, n, NULL, 0, 40);
	}
}

static void
sc_icmp_unreach(struct mk *m)
{
	sc_unreach(m, "127.0.0.1");
}

static void
sc_icmp6_unreach(struct mk *m)
{
	sc_unreach(m, "::1");
}

static void
sc_icmp_echo(struct mk *m)
{
	struct ep a = ep_make("127.0.0.1", 0), b = ep_make("10.0.0.2", 0);
	struct ep a6 = ep_make("::1", 0), b6 = ep_make("2001:db8::2", 0);
	uint8_t l4[64];
	size_t n;

	n = icmp_build(l4, &a, &b, 8, 0, 0x12340001, "abcdefgh", 8);
	send_l4(m, &a, &b, 1, l4, n, NULL, 0, 0);
	n = icmp_build(l4, &b, &a, 0, 0, 0x12340001, "abcdefgh", 8);
	send_l4(m, &b, &a, 1, l4, n, NULL, 0, 60);
	n = icmp_build(l4, &a6, &b6, 128, 0, 0x56780001, "abcdefgh", 8);
	send_l4(m, &a6, &b6, 58, l4, n, NULL, 0, 1000);
	n = icmp_build(l4, &b6, &a6, 129, 0, 0x56780001, "abcdefgh", 8);
	send_l4(m, &b6, &a6, 58, l4, n, NULL, 0, 60);
}

static void
sc_ip_options(struct mk *m)
{
	static const uint8_t ra[] = {1, 0x94, 4, 0, 0, 0, 0, 0};
	static const uint8_t rr[] = {7, 11, 4, 10, 0, 0, 1, 0, 0, 0, 0, 0};
	struct ep c = ep_make("127.0.0.1", 50003),
	          s = ep_make("127.0.0.1", 12000);
	struct ipx x = {.opt = ra, .optlen = sizeof ra};
	uint8_t l4[MK_MAX];
	size_t n;

	n = udp_build(l4, &c, &s, "ping 1", 6, 0);
	send_l4(m, &c, &s, 17, l4, n, &x, 0, 0);
	x.opt = rr, x.optlen = sizeof rr;
	n = udp_build(l4, &s, &c, "PING 1", 6, 0);
	send_l4(m, &s, &c, 17, l4, n, &x, 0, 60);
}

/* IPv6: hop-by-hop, destination options + routing, fragments, AH. */
static void
sc_ip6_ext(struct mk *m)
{
	static const uint8_t hbh[] = {17, 0, 5, 2, 0, 0, 1, 0};
	static const uint8_t dst_rt[] = {
	    43, 0, 1, 4, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0};
	uint8_t frag[8] = {17, 0, 0, 1, 0xca, 0xfe, 0, 1};
	uint8_t ah[24] = {58, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
	struct ep c = ep_make("::1", 50004), s = ep_make("::1", 12000);
	struct ep sc = ep_make("::1", 45000);
	struct ipx x = {.opt = hbh, .optlen = sizeof hbh, .ext_nh = 0};
	uint8_t l4[MK_MAX], body[64];
	size_t n;

	n = udp_build(l4, &c, &s, "ping 1", 6, 0);
	send_l4(m, &c, &s, 17, l4, n, &x, 0, 0);
	x.opt = dst_rt, x.optlen = sizeof dst_rt, x.ext_nh = 60;
	n = tcp_build(l4, &sc, &s, S, 1, 0, 65495, NULL, 0, NULL, 0, 0);
	send_l4(m, &sc, &s, 6, l4, n, &x, 0, 60);
	/* A 40-byte datagram in two fragments: UDP header + 16, then 16. */
	memset(body, 'x', sizeof body);
	n = udp_build(l4, &c, &s, body, 32, 0);
	x.opt = frag, x.optlen = sizeof frag, x.ext_nh = 44;
	send_l4(m, &c, &s, 17, l4, 24, &x, 0, 60);
	frag[2] = 0, frag[3] = 24; /* offset 24, last */
	send_l4(m, &c, &s, 17, l4 + 24, n - 24, &x, 0, 60);
	x.opt = ah, x.optlen = sizeof ah, x.ext_nh = 51;
	n = icmp_build(l4, &c, &s, 128, 0, 0x00070001, "hi", 2);
	send_l4(m, &c, &s, 58, l4, n, &x, 0, 60);
}

static void
sc_ip4_frag(struct mk *m)
{
	struct ep c = ep_make("127.0.0.1", 50005),
	          s = ep_make("127.0.0.1", 12000);
	struct ipx x = {.frag = 0x2000};
	uint8_t l4[MK_MAX], body[64];
	size_t n;

	memset(body, 'y', sizeof body);
	n = udp_build(l4, &c, &s, body, 40, 0);
	send_l4(m, &c, &s, 17, l4, 24, &x, 0, 0); /* MF, offset 0 */
	m->ipid--;                                /* same datagram */
	x.frag = 3;                               /* offset 24 */
	send_l4(m, &c, &s, 17, l4 + 24, n - 24, &x, 0, 60);
}

/* One packet per defect; see check_decode.c for what each must say. */
static void
sc_malformed(struct mk *m)
{
	static const uint8_t badopt[] = {1, 1, 2, 0};
	struct ep c = ep_make("127.0.0.1", 50006),
	          s = ep_make("127.0.0.1", 12000);
	struct ep c6 = ep_make("::1", 50006), s6 = ep_make("::1", 12000);
	static const uint8_t longext[] = {17, 9, 0, 0, 0, 0, 0, 0};
	struct ipx x = {0};
	uint8_t l4[MK_MAX];
	size_t n;

	n = tcp_build(l4, &c, &s, A, 1, 1, 512, NULL, 0, "abcd", 4, 4);
	send_l4(m, &c, &s, 6, l4, n, NULL, 0, 0); /* hdr length 16 */
	n = tcp_build(l4, &c, &s, A, 1, 1, 512, NULL, 0, "abcd", 4, 15);
	send_l4(m, &c, &s, 6, l4, n, NULL, 0, 0); /* 60 > 24 */
	n = udp_build(l4, &c, &s, "ping 1", 6, 100);
	send_l4(m, &c, &s, 17, l4, n, NULL, 0, 0); /* 92 > 6 */
	n = udp_build(l4, &c, &s, "ping 1", 6, 4);
	send_l4(m, &c, &s, 17, l4, n, NULL, 0, 0); /* udplength 4 */
	n = udp_build(l4, &c, &s, "ping 1", 6, 0);
	x.ihl = 4;
	send_l4(m, &c, &s, 17, l4, n, &x, 0, 0); /* bad-hlen 16 */
	x.ihl = 0, x.totlen = 10;
	send_l4(m, &c, &s, 17, l4, n, &x, 0, 0); /* bad-len 10 */
	x.totlen = 100;
	send_l4(m, &c, &s, 17, l4, n, &x, 0, 0); /* 66 bytes missing */
	n = tcp_build(
	    l4, &c, &s, A, 1, 1, 512, badopt, sizeof badopt, NULL, 0, 0);
	send_l4(m, &c, &s, 6, l4, n, NULL, 0, 0); /* option length 0 */
	x.totlen = 0, x.opt = longext, x.optlen = sizeof longext;
	n = udp_build(l4, &c6, &s6, "ping 1", 6, 0);
	send_l4(m, &c6, &s6, 17, l4, n, &x, 0, 0); /* ext past end */
}

/* Captured with a small snapshot length: each cut at another layer. */
static void
sc_truncated(struct mk *m)
{
	struct conn k = conn_make("127.0.0.1", 40040, "127.0.0.1", 12000, 1, 1);
	struct ep c6 = ep_make("::1", 50007), s6 = ep_make("::1", 12000);
	uint8_t l4[MK_MAX], ip[MK_MAX];
	size_t n, in;
	static const size_t cuts[] = {10, 30, 44, 60, 75};
	unsigned i;

	for (i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		uint8_t opt[20];
		size_t ol = syn_options(opt, &k);

		n = tcp_build(l4, &k.e[0], &k.e[1], P | A, 1, 1, 512, opt, ol,
		    "ping 1\n", 7, 0);
		in = ip_build(m, ip, &k.e[0], &k.e[1], 6, l4, n, NULL);
		emit(m, ip, in, 4, cuts[i], 0);
	}
	n = udp_build(l4, &c6, &s6, "ping 1", 6, 0);
	in = ip_build(m, ip, &c6, &s6, 17, l4, n, NULL);
	emit(m, ip, in, 6, 14 + 30, 0); /* in the IPv6 header */
	emit(m, ip, in, 6, 14 + 44, 0); /* in the UDP header */
}

static void
link_pair(struct mk *m)
{
	struct ep c = ep_make("127.0.0.1", 50010),
	          s = ep_make("127.0.0.1", 12000);
	struct ep c6 = ep_make("::1", 50011), s6 = ep_make("::1", 12000);

	m->pkttype = 4; /* outgoing */
	udp(m, &c, &s, "ping 1", 0);
	m->pkttype = 0; /* to us */
	udp(m, &s, &c, "PING 1", 60);
	udp(m, &c6, &s6, "ping 1", 60);
	udp(m, &s6, &c6, "PING 1", 60);
}

static void
sc_link_eth(struct mk *m)
{
	link_pair(m);
}

static void
sc_link_sll(struct mk *m)
{
	link_pair(m);
}

static void
sc_link_sll2(struct mk *m)
{
	link_pair(m);
}

static void
sc_link_null(struct mk *m)
{
	link_pair(m);
	m->swap_null = 1; /* written on a host of the other byte order */
	link_pair(m);
}

static void
sc_link_loop(struct mk *m)
{
	link_pair(m);
}

static void
sc_link_raw(struct mk *m)
{
	link_pair(m);
}

static void
sc_link_ipv4(struct mk *m)
{
	struct ep c = ep_make("127.0.0.1", 50012),
	          s = ep_make("127.0.0.1", 12000);

	udp(m, &c, &s, "ping 1", 0);
	udp(m, &s, &c, "PING 1", 60);
}

static void
sc_link_ipv6(struct mk *m)
{
	struct ep c = ep_make("::1", 50013), s = ep_make("::1", 12000);

	udp(m, &c, &s, "ping 1", 0);
	udp(m, &s, &c, "PING 1", 60);
}

/* VLAN-tagged frames, ARP, an unknown ethertype, other IP protocols. */
static void
sc_link_other(struct mk *m)
{
	static const uint8_t arp[28] = {0, 1, 8, 0, 6, 4, 0, 1};
	struct ep c = ep_make("127.0.0.1", 50014),
	          s = ep_make("127.0.0.1", 12000);
	uint8_t sctp[16] = {0x1f, 0x90, 0x1f, 0x90};

	m->vlan = 1;
	udp(m, &c, &s, "ping 1", 0);
	m->vlan = 2;
	udp(m, &s, &c, "PING 1", 60);
	m->vlan = 0;
	m->ethertype = 0x0806;
	emit(m, arp, sizeof arp, 4, 0, 60);
	m->ethertype = 0x88cc;
	emit(m, arp, sizeof arp, 4, 0, 60);
	m->ethertype = 0;
	send_l4(m, &c, &s, 132, sctp, sizeof sctp, NULL, 0, 60);
}

/* Frames padded to Ethernet's 60-byte minimum: the padding is not
 * payload. */
static void
sc_eth_padding(struct mk *m)
{
	struct conn k = conn_make("10.0.0.1", 40050, "10.0.0.2", 12000, 1, 1);
	struct ep c = ep_make("10.0.0.1", 50015),
	          s = ep_make("10.0.0.2", 12000);

	m->pad = 60;
	k.ts = 0;
	seg(m, &k, 0, A, NULL, 0);
	udp(m, &c, &s, "hi", 60);
}

/* --- labsniff's annotations: who refused what --- */

/* A client's connected UDP socket refuses a stray datagram from another
 * port (ICMP port unreachable from the client's host); an ICMP error
 * quoting a datagram never seen; a server that answered, then went. */
static void
sc_udp_stray_unreach(struct mk *m)
{
	struct ep c = ep_make("127.0.0.1", 54019);
	struct ep s = ep_make("127.0.0.1", 12000);
	struct ep x = ep_make("127.0.0.1", 40000); /* the stray sender */
	struct ep y = ep_make("127.0.0.1", 40001);
	struct ep z = ep_make("127.0.0.1", 33333);
	uint8_t l4[MK_MAX], ip[MK_MAX], ic[MK_MAX];
	size_t n, in;

	udp(m, &c, &s, "ping 1", 0);
	udp(m, &s, &c, "PING 1", 60);
	n = udp_build(l4, &x, &c, "PING 1", 6, 0); /* to the client */
	in = ip_build(m, ip, &x, &c, 17, l4, n, NULL);
	emit(m, ip, in, 4, 0, 40);
	n = icmp_build(ic, &c, &x, 3, 3, 0, ip, in);
	send_l4(m, &c, &x, 1, ic, n, NULL, 0, 20);
	n = udp_build(l4, &y, &z, "hello", 5, 0); /* never captured */
	in = ip_build(m, ip, &y, &z, 17, l4, n, NULL);
	n = icmp_build(ic, &z, &y, 3, 3, 0, ip, in);
	send_l4(m, &z, &y, 1, ic, n, NULL, 0, 1000);
	udp(m, &c, &s, "ping 2", 1000); /* the server has gone */
	n = udp_build(l4, &c, &s, "ping 2", 6, 0);
	in = ip_build(m, ip, &c, &s, 17, l4, n, NULL);
	n = icmp_build(ic, &s, &c, 3, 3, 0, ip, in);
	send_l4(m, &s, &c, 1, ic, n, NULL, 0, 30);
	udp(m, &y, &s, "ping 1", 1000); /* another client: refused too */
	n = udp_build(l4, &y, &s, "ping 1", 6, 0);
	in = ip_build(m, ip, &y, &s, 17, l4, n, NULL);
	n = icmp_build(ic, &s, &y, 3, 3, 0, ip, in);
	send_l4(m, &s, &y, 1, ic, n, NULL, 0, 30);
}

/* --- times and numbers as tcpdump prints them --- */

/* pcap's 32-bit seconds are unsigned: 2038-01-19 03:14:08 and 2096. */
static void
sc_time_2038(struct mk *m)
{
	struct ep c = ep_make("127.0.0.1", 50020), s = ep_make("127.0.0.1", 53);

	m->t_us = 2147483648LL * 1000000;
	udp(m, &c, &s, "query", 0);
	udp(m, &s, &c, "answer", 1500);
	m->t_us = 4000000000LL * 1000000;
	udp(m, &c, &s, "query", 0);
}

/* Microsecond fields 999999, 1000000 and 2^31 (tcpdump's
 * timestamp_invalid_micro.pcap): invalid ones, not huge numbers. */
static void
sc_ts_invalid_usec(struct mk *m)
{
	struct conn k = conn_make("127.0.0.1", 46656, "127.0.0.1", 80, 10, 20);

	m->usec = 999999;
	seg(m, &k, 0, S, NULL, 0);
	m->t_us += 1000000;
	m->usec = 1000000;
	seg(m, &k, 1, S | A, NULL, 0);
	m->usec = 2147483648LL;
	seg(m, &k, 0, A, NULL, 0);
}

/* A UDP datagram of 5692 bytes in IPv4 fragments: the first carries the
 * UDP header's length field (tcpdump prints it) and 1472 bytes. */
static void
sc_udp_frag_big(struct mk *m)
{
	struct ep c = ep_make("10.0.0.1", 50021);
	struct ep s = ep_make("10.0.0.2", 12000);
	struct ipx x = {.frag = 0x2000};
	uint8_t l4[MK_MAX];
	char body[1473];

	memset(body, 'z', 1472);
	body[1472] = '\0';
	udp_build(l4, &c, &s, body, 1472, 5700);
	send_l4(m, &c, &s, 17, l4, 1480, &x, 0, 0); /* MF, offset 0 */
}

/* An idle connection that resumes after 130 s (past CAP_FLOW_IDLE_S):
 * tcpdump keeps counting from the same base. */
static void
sc_tcp_idle(struct mk *m)
{
	struct conn k =
	    conn_make("127.0.0.1", 40060, "127.0.0.1", 12000, 100000, 700000);

	handshake(m, &k);
	ping_pong(m, &k, 1, 1000, 30);
	ping_pong(m, &k, 2, 130000000, 30); /* 130 s later */
}

/* The client's SYN is captured, the SYN-ACK is not: tcpdump anchors its
 * relative numbers on the first ACK segment. */
static void
sc_tcp_syn_only(struct mk *m)
{
	struct conn k =
	    conn_make("127.0.0.1", 40061, "127.0.0.1", 12000, 300000, 900000);

	k.win[0] = 65495;
	seg(m, &k, 0, S, NULL, 0);
	k.seq[1]++; /* the SYN-ACK, not captured */
	k.win[0] = 512;
	seg(m, &k, 0, A, NULL, 70);
	ping_pong(m, &k, 1, 1000, 30);
}

/* A segment whose IPv4 total length claims 20 bytes more than the wire
 * holds (truncated-ip), amid ordinary ones: relative numbers all along. */
static void
sc_tcp_bad_ip(struct mk *m)
{
	struct conn k =
	    conn_make("127.0.0.1", 40062, "127.0.0.1", 12000, 500000, 600000);
	uint8_t l4[MK_MAX];
	struct ipx x = {0};
	size_t n;

	k.ts = 0;
	handshake(m, &k);
	seg(m, &k, 0, P | A, "ping 1\n", 1000);
	n = tcp_build(l4, &k.e[1], &k.e[0], P | A, k.seq[1], k.seq[0], 512,
	    NULL, 0, "PING 1\n", 7, 0);
	x.totlen = (int)(20 + n + 20);
	send_l4(m, &k.e[1], &k.e[0], 6, l4, n, &x, 0, 30);
	k.seq[1] += 7;
	seg(m, &k, 0, A, NULL, 30);
}

/* --- inputs tcpdump reads: files rewritten after mkpcap wrote them --- */

static int
patch_le32(const char *path, long at, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 24)};
	FILE *f = fopen(path, "r+b");
	int rc;

	if (f == NULL)
		return -1;
	rc = fseek(f, at, SEEK_SET) == 0 && fwrite(b, 1, 4, f) == 4 ? 0 : -1;
	return fclose(f) == 0 ? rc : -1;
}

/* lisp_invalid_length.pcap's snapshot length, which libpcap reads as its
 * maximum (and tcpdump prints the packets). */
static int
post_snaplen_absurd(const char *path)
{
	return patch_le32(path, 16, 0x81040000u);
}

/* Kuznetzov's modified pcap (magic 0xa1b2cd34): each record header has
 * 8 more bytes (ifindex, protocol, packet type, padding). */
static int
post_modified(const char *path)
{
	static uint8_t buf[1 << 16], out[1 << 17];
	FILE *f = fopen(path, "rb");
	size_t n, i = 24, o = 24;

	if (f == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	if (n < 24 || n == sizeof buf)
		return -1;
	memcpy(out, buf, 24);
	out[0] = 0x34, out[1] = 0xcd; /* little endian 0xa1b2cd34 */
	while (i + 16 <= n) {
		uint32_t cap = buf[i + 8] | buf[i + 9] << 8;

		memcpy(out + o, buf + i, 16);
		memset(out + o + 16, 0, 8);
		out[o + 16] = 1;    /* ifindex 1 */
		out[o + 20] = 0x08; /* protocol (ETH_P_IP) */
		memcpy(out + o + 24, buf + i + 16, cap);
		i += 16 + cap, o += 24 + cap;
	}
	f = fopen(path, "wb");
	if (f == NULL)
		return -1;
	n = fwrite(out, 1, o, f);
	return fclose(f) == 0 && n == o ? 0 : -1;
}

/* Protocols above the transport: ping, ARP, DNS. */

static void
set_macs(struct mk *m, int src, int dst)
{
	static const uint8_t base[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x00};
	int i, v[2] = {src, dst};

	m->macs = 1;
	for (i = 0; i < 2; i++) {
		memcpy(m->mac[i], base, 6);
		if (v[i] < 0)
			memset(m->mac[i], 0xff, 6); /* broadcast */
		else
			m->mac[i][5] = (uint8_t)v[i];
	}
}

static void
echo(struct mk *m, const struct ep *s, const struct ep *d, int reply,
    uint16_t id, uint16_t seq, int64_t dt)
{
	uint8_t l4[64];
	int v6 = s->v == 6;
	uint8_t type = reply ? (v6 ? 129 : 0) : (v6 ? 128 : 8);
	size_t n = icmp_build(l4, s, d, type, 0, (uint32_t)id << 16 | seq,
	    "0123456789abcdef", 16);

	send_l4(m, s, d, v6 ? 58 : 1, l4, n, NULL, 0, dt);
}

/* ping: 5 requests, reply 3 lost, reply 5 twice; IPv6: 2 requests, the
 * second lost; a reply nobody asked for; a request cut in its header. */
static void
sc_icmp_ping(struct mk *m)
{
	struct ep a = ep_make("10.0.0.1", 0), b = ep_make("10.0.0.2", 0);
	struct ep a6 = ep_make("2001:db8::1", 0),
	          b6 = ep_make("2001:db8::2", 0);
	uint8_t l4[64];
	size_t n;
	int i;

	for (i = 1; i <= 5; i++) {
		echo(m, &a, &b, 0, 0x1234, (uint16_t)i, i == 1 ? 0 : 1000000);
		if (i != 3)
			echo(m, &b, &a, 1, 0x1234, (uint16_t)i, 700 + 13 * i);
	}
	echo(m, &b, &a, 1, 0x1234, 5, 40);
	echo(m, &a6, &b6, 0, 0x99, 1, 1000);
	echo(m, &b6, &a6, 1, 0x99, 1, 1500);
	echo(m, &a6, &b6, 0, 0x99, 2, 1000000);
	echo(m, &b, &a, 1, 0x4321, 7, 1000);
	n = icmp_build(l4, &a, &b, 8, 0, 0x12340009, "x", 1);
	send_l4(m, &a, &b, 1, l4, n, NULL, 14 + 20 + 4, 1000);
}

/* One ARP packet: Ethernet/IPv4 unless hlen/plen say otherwise. */
static void
arp_pkt(struct mk *m, uint16_t op, int smac, const char *sip, int tmac,
    const char *tip, int64_t dt)
{
	uint8_t a[28] = {0, 1, 8, 0, 6, 4};
	struct ep s = ep_make(sip, 0), t = ep_make(tip, 0);

	put16(a + 6, op);
	memcpy(a + 8, m->mac[0], 5);
	a[13] = (uint8_t)smac;
	memcpy(a + 14, s.a, 4);
	memset(a + 18, 0, 6);
	if (tmac >= 0) {
		memcpy(a + 18, m->mac[0], 5);
		a[23] = (uint8_t)tmac;
	}
	memcpy(a + 24, t.a, 4);
	m->ethertype = 0x0806;
	m->pad = 60;
	emit(m, a, sizeof a, 4, 0, dt);
	m->ethertype = 0;
	m->pad = 0;
}

/* ARP: a request answered after 4.1 ms; one asked three times, never
 * answered; a gratuitous ARP; a probe; a reply to no request; odd
 * hardware/protocol lengths (8/4 and IPv6's 6/16); a cut request. */
static void
sc_arp(struct mk *m)
{
	static const uint8_t odd[8 + 2 * 8 + 2 * 4] = {0, 6, 8, 0, 8, 4, 0, 1,
	    1, 2, 3, 4, 5, 6, 7, 8, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0,
	    0, 2};
	uint8_t v6[8 + 2 * 6 + 2 * 16] = {0, 1, 0x86, 0xdd, 6, 16, 0, 1};
	int i;

	set_macs(m, 1, -1);
	arp_pkt(m, 1, 1, "10.0.0.1", -1, "10.0.0.2", 0);
	set_macs(m, 2, 1);
	arp_pkt(m, 2, 2, "10.0.0.2", 1, "10.0.0.1", 4100);
	set_macs(m, 1, -1);
	for (i = 0; i < 3; i++)
		arp_pkt(m, 1, 1, "10.0.0.1", -1, "10.0.0.9", 1000000);
	set_macs(m, 3, -1);
	arp_pkt(m, 1, 3, "10.0.0.3", -1, "10.0.0.3", 1000);
	set_macs(m, 4, -1);
	arp_pkt(m, 1, 4, "0.0.0.0", -1, "10.0.0.4", 1000);
	set_macs(m, 5, 1);
	arp_pkt(m, 2, 5, "10.0.0.5", 1, "10.0.0.1", 1000);
	m->ethertype = 0x0806;
	emit(m, odd, sizeof odd, 4, 0, 1000);
	v6[8 + 5] = 1, v6[8 + 6] = 0x20, v6[8 + 7] = 0x01;
	v6[8 + 6 + 16 + 6] = 0x20, v6[8 + 6 + 16 + 7] = 0x01;
	v6[sizeof v6 - 1] = 2;
	emit(m, v6, sizeof v6, 4, 0, 1000);
	m->ethertype = 0;
	set_macs(m, 1, -1);
	m->ethertype = 0x0806;
	emit(m, odd, 20, 4, 14 + 12, 1000); /* cut in the addresses */
	m->ethertype = 0;
	m->macs = 0;
}

/* A DNS message under construction. */
struct dnsb {
	uint8_t b[1400];
	size_t n;
};

static void
db16(struct dnsb *d, uint32_t v)
{
	put16(d->b + d->n, v);
	d->n += 2;
}

static void
db32(struct dnsb *d, uint32_t v)
{
	put32(d->b + d->n, v);
	d->n += 4;
}

static void
dbraw(struct dnsb *d, const void *p, size_t n)
{
	memcpy(d->b + d->n, p, n);
	d->n += n;
}

/* A name from dotted text ("" is the root); ptr != 0 ends it with a
 * compression pointer instead of the root label. */
static void
dbname(struct dnsb *d, const char *name, int ptr)
{
	const char *p = name, *dot;

	while (*p != '\0') {
		dot = strchr(p, '.');
		size_t l = dot != NULL ? (size_t)(dot - p) : strlen(p);

		d->b[d->n++] = (uint8_t)l;
		dbraw(d, p, l);
		p += l + (dot != NULL);
	}
	if (ptr)
		db16(d, 0xc000 | (uint32_t)ptr);
	else
		d->b[d->n++] = 0;
}

static void
dbhead(
    struct dnsb *d, uint16_t id, uint16_t flags, int qd, int an, int ns, int ar)
{
	d->n = 0;
	db16(d, id);
	db16(d, flags);
	db16(d, (uint32_t)qd);
	db16(d, (uint32_t)an);
	db16(d, (uint32_t)ns);
	db16(d, (uint32_t)ar);
}

static void
dbq(struct dnsb *d, const char *name, uint16_t type)
{
	dbname(d, name, 0);
	db16(d, type);
	db16(d, 1);
}

/* A record's header: the name is a pointer to the question (offset 12)
 * when name is NULL. */
static void
dbrr(struct dnsb *d, const char *name, uint16_t type, uint32_t ttl,
    uint16_t rdlen)
{
	if (name == NULL)
		db16(d, 0xc00c);
	else
		dbname(d, name, 0);
	db16(d, type);
	db16(d, 1);
	db32(d, ttl);
	db16(d, rdlen);
}

static void
dns_udp(struct mk *m, const struct ep *s, const struct ep *d,
    const struct dnsb *b, int64_t dt)
{
	uint8_t l4[MK_MAX];
	size_t n = udp_build(l4, s, d, b->b, b->n, 0);

	send_l4(m, s, d, 17, l4, n, NULL, 0, dt);
}

#define DNS_RD 0x0100
#define DNS_RESP 0x8180 /* QR RD RA */

/* The answers of the DNS scenario, by query. */
static void
dns_answers(struct mk *m, const struct ep *c, const struct ep *r)
{
	static const uint8_t a1[4] = {93, 184, 216, 34},
	                     a2[4] = {93, 184, 216, 35};
	static const uint8_t aaaa[16] = {0x26, 0x06, 0x28, 0, 0x2, 0x20, 0, 1,
	    0x2, 0x48, 0x18, 0x93, 0x25, 0xc8, 0x19, 0x46};
	struct dnsb q, a;
	size_t cn;

	dbhead(&q, 0x1001, DNS_RD, 1, 0, 0, 0);
	dbq(&q, "example.com", 1);
	dns_udp(m, c, r, &q, 0);
	dbhead(&a, 0x1001, DNS_RESP, 1, 2, 0, 0);
	dbq(&a, "example.com", 1);
	dbrr(&a, NULL, 1, 300, 4);
	dbraw(&a, a1, 4);
	dbrr(&a, NULL, 1, 300, 4);
	dbraw(&a, a2, 4);
	dns_udp(m, r, c, &a, 29700);
	dbhead(&q, 0x1002, DNS_RD, 1, 0, 0, 0);
	dbq(&q, "example.com", 28);
	dns_udp(m, c, r, &q, 1000);
	dbhead(&a, 0x1002, DNS_RESP | 0x0400, 1, 1, 0, 0);
	dbq(&a, "example.com", 28);
	dbrr(&a, NULL, 28, 86400, 16);
	dbraw(&a, aaaa, 16);
	dns_udp(m, r, c, &a, 12000);
	/* www.example.org: CNAME then A, the A's name compressed */
	dbhead(&q, 0x1003, DNS_RD, 1, 0, 0, 0);
	dbq(&q, "www.example.org", 1);
	dns_udp(m, c, r, &q, 1000);
	dbhead(&a, 0x1003, DNS_RESP, 1, 2, 0, 0);
	dbq(&a, "www.example.org", 1);
	cn = a.n + 12;
	dbrr(&a, NULL, 5, 60, 7);
	dbname(&a, "edge", 12 + 4); /* edge + "example.org" */
	dbname(&a, "", (int)cn);    /* A of edge.example.org */
	db16(&a, 1);
	db16(&a, 1);
	db32(&a, 20);
	db16(&a, 4);
	dbraw(&a, a1, 4);
	dns_udp(m, r, c, &a, 8000);
	/* NXDomain with the zone's SOA in the authority section */
	dbhead(&q, 0x1004, DNS_RD, 1, 0, 0, 0);
	dbq(&q, "nosuch.example.com", 1);
	dns_udp(m, c, r, &q, 1000);
	dbhead(&a, 0x1004, DNS_RESP | 3, 1, 0, 1, 0);
	dbq(&a, "nosuch.example.com", 1);
	dbrr(&a, NULL, 6, 3600, 0);
	cn = a.n;
	dbname(&a, "ns", 12 + 7); /* + "example.com" */
	dbname(&a, "admin", 12 + 7);
	db32(&a, 2024010101), db32(&a, 7200), db32(&a, 3600);
	db32(&a, 1209600), db32(&a, 3600);
	put16(a.b + cn - 2, (uint32_t)(a.n - cn));
	dns_udp(m, r, c, &a, 15000);
}

/* MX, TXT, NS, PTR, an unknown type; a query never answered; a label of
 * 63 bytes and a name of 255; a query with odd bytes in its name. */
static void
dns_more(struct mk *m, const struct ep *c, const struct ep *r)
{
	static const char l63[] = "abcdefghijklmnopqrstuvwxyz0123456789"
	                          "abcdefghijklmnopqrstuvwxyz0";
	char n255[256];
	struct dnsb q, a;
	size_t at;
	int i;

	dbhead(&q, 0x2001, DNS_RD, 1, 0, 0, 0);
	dbq(&q, "example.net", 15);
	dns_udp(m, c, r, &q, 1000);
	dbhead(&a, 0x2001, DNS_RESP, 1, 1, 0, 0);
	dbq(&a, "example.net", 15);
	dbrr(&a, NULL, 15, 3600, 2 + 7);
	db16(&a, 10);
	dbname(&a, "mail", 12);
	dns_udp(m, r, c, &a, 5000);
	dbhead(&q, 0x2002, DNS_RD, 1, 0, 0, 0);
	dbq(&q, "example.net", 16);
	dns_udp(m, c, r, &q, 1000);
	dbhead(&a, 0x2002, DNS_RESP, 1, 1, 0, 0);
	dbq(&a, "example.net", 16);
	dbrr(&a, NULL, 16, 3600, 6 + 7);
	dbraw(&a, "\5v=spf\6-all \"", 13);
	dns_udp(m, r, c, &a, 5000);
	dbhead(&q, 0x2003, DNS_RD, 1, 0, 0, 0);
	dbq(&q, "example.net", 2);
	dns_udp(m, c, r, &q, 1000);
	dbhead(&a, 0x2003, DNS_RESP, 1, 1, 0, 0);
	dbq(&a, "example.net", 2);
	dbrr(&a, NULL, 2, 3600, 2 + 3 + 2);
	dbname(&a, "a.ns", 12);
	dns_udp(m, r, c, &a, 5000);
	dbhead(&q, 0x2004, DNS_RD, 1, 0, 0, 0);
	dbq(&q, "34.216.184.93.in-addr.arpa", 12);
	dns_udp(m, c, r, &q, 1000);
	dbhead(&a, 0x2004, DNS_RESP, 1, 1, 0, 0);
	dbq(&a, "34.216.184.93.in-addr.arpa", 12);
	dbrr(&a, NULL, 12, 3600, 13);
	dbname(&a, "example.com", 0);
	dns_udp(m, r, c, &a, 5000);
	dbhead(&q, 0x2005, DNS_RD, 1, 0, 0, 0);
	dbq(&q, "example.net", 65280);
	dns_udp(m, c, r, &q, 1000);
	dbhead(&a, 0x2005, DNS_RESP, 1, 1, 0, 0);
	dbq(&a, "example.net", 65280);
	dbrr(&a, NULL, 65280, 60, 3);
	dbraw(&a, "abc", 3);
	dns_udp(m, r, c, &a, 5000);
	dbhead(&q, 0x2006, DNS_RD, 1, 0, 0, 0); /* never answered */
	dbq(&q, "lost.example", 1);
	dns_udp(m, c, r, &q, 1000);
	snprintf(n255, sizeof n255, "%s.%s.%s", l63, l63, l63);
	dbhead(&q, 0x2007, DNS_RD, 1, 0, 0, 0);
	dbq(&q, n255, 1);
	dns_udp(m, c, r, &q, 1000);
	/* 3 labels of 63 + one of 61: 4 * 1 + 250 + root = 255 bytes */
	at = strlen(n255);
	n255[at] = '.';
	for (i = 0; i < 61; i++)
		n255[at + 1 + i] = (char)('a' + i % 26);
	n255[at + 62] = '\0';
	dbhead(&q, 0x2008, DNS_RD, 1, 0, 0, 0);
	dbq(&q, n255, 1);
	dns_udp(m, c, r, &q, 1000);
	dbhead(&q, 0x2009, DNS_RD, 1, 0, 0, 0);
	dbq(&q, "we\x01ird.\xe9x", 1);
	dns_udp(m, c, r, &q, 1000);
}

static void
sc_dns(struct mk *m)
{
	struct ep c = ep_make("10.0.0.1", 40053), r = ep_make("10.0.0.53", 53);
	struct ep c6 = ep_make("2001:db8::1", 40054),
	          r6 = ep_make("2001:db8::53", 53);

	dns_answers(m, &c, &r);
	dns_more(m, &c, &r);
	dns_answers(m, &c6, &r6);
}

/* Malformed names: a compression loop, a forward pointer, a pointer past
 * the end, a label of 64, a name over 255 bytes; a record whose data runs
 * past the message; a response cut by the capture. */
static void
sc_dns_bad(struct mk *m)
{
	struct ep c = ep_make("10.0.0.1", 40055), r = ep_make("10.0.0.53", 53);
	char l64[65], big[300];
	struct dnsb d;
	uint8_t l4[MK_MAX];
	size_t n;
	int i;

	dbhead(&d, 0x3001, 0x8180, 1, 1, 0, 0);
	dbq(&d, "loop.example", 1);
	db16(&d, 0xc000 | (uint32_t)d.n); /* points at itself */
	db16(&d, 1), db16(&d, 1), db32(&d, 1), db16(&d, 4), db32(&d, 0);
	dns_udp(m, &r, &c, &d, 0);
	dbhead(&d, 0x3002, DNS_RD, 1, 0, 0, 0);
	db16(&d, 0xc000 | 40); /* forward */
	db16(&d, 1), db16(&d, 1);
	dns_udp(m, &c, &r, &d, 1000);
	dbhead(&d, 0x3003, DNS_RD, 1, 0, 0, 0);
	dbname(&d, "a", 0x3fff); /* past the end */
	db16(&d, 1), db16(&d, 1);
	dns_udp(m, &c, &r, &d, 1000);
	memset(l64, 'x', 64);
	l64[64] = '\0';
	dbhead(&d, 0x3004, DNS_RD, 1, 0, 0, 0);
	dbq(&d, l64, 1);
	dns_udp(m, &c, &r, &d, 1000);
	for (i = 0; i < 5; i++)
		memcpy(big + 51 * i,
		    "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij.", 51);
	big[5 * 51 - 1] = '\0'; /* 5 labels of 50: 255 + root = 256 bytes */
	dbhead(&d, 0x3005, DNS_RD, 1, 0, 0, 0);
	dbq(&d, big, 1);
	dns_udp(m, &c, &r, &d, 1000);
	dbhead(&d, 0x3006, 0x8180, 1, 1, 0, 0);
	dbq(&d, "example.com", 1);
	dbrr(&d, NULL, 1, 300, 40); /* data past the end */
	db32(&d, 0x01020304);
	dns_udp(m, &r, &c, &d, 1000);
	dbhead(&d, 0x3007, 0x8180, 1, 1, 0, 0);
	dbq(&d, "example.com", 1);
	dbrr(&d, NULL, 1, 300, 4);
	db32(&d, 0x01020304);
	n = udp_build(l4, &r, &c, d.b, d.n, 0);
	send_l4(m, &r, &c, 17, l4, n, NULL, 14 + 20 + 8 + 30, 1000);
}

/* One TCP segment carrying bytes (NUL bytes allowed). */
static void
seg_bin(struct mk *m, struct conn *k, int dir, const uint8_t *p, size_t n,
    int64_t dt)
{
	uint8_t l4[MK_MAX];
	size_t len = tcp_build(l4, &k->e[dir], &k->e[!dir], P | A, k->seq[dir],
	    k->seq[!dir], k->win[dir], NULL, 0, p, n, 0);

	send_l4(m, &k->e[dir], &k->e[!dir], 6, l4, len, NULL, 0, dt);
	k->seq[dir] += (uint32_t)n;
}

/* DNS over TCP: a query and its response, each length-prefixed in one
 * segment; then a response whose message spans two segments. */
static void
sc_dns_tcp(struct mk *m)
{
	struct conn k =
	    conn_make("10.0.0.1", 40056, "10.0.0.53", 53, 1000, 5000);
	struct dnsb q, a;
	uint8_t buf[1500];
	int i;

	k.ts = 0;
	handshake(m, &k);
	dbhead(&q, 0x4001, DNS_RD, 1, 0, 0, 0);
	dbq(&q, "example.com", 255);
	put16(buf, (uint32_t)q.n);
	memcpy(buf + 2, q.b, q.n);
	seg_bin(m, &k, 0, buf, q.n + 2, 100);
	dbhead(&a, 0x4001, DNS_RESP, 1, 3, 0, 0);
	dbq(&a, "example.com", 255);
	for (i = 0; i < 3; i++) {
		dbrr(&a, NULL, 1, 300, 4);
		db32(&a, 0x5db8d822u + (uint32_t)i);
	}
	put16(buf, (uint32_t)a.n);
	memcpy(buf + 2, a.b, a.n);
	seg_bin(m, &k, 1, buf, a.n + 2, 20000);
	dbhead(&q, 0x4002, DNS_RD, 1, 0, 0, 0);
	dbq(&q, "example.com", 16);
	put16(buf, (uint32_t)q.n);
	memcpy(buf + 2, q.b, q.n);
	seg_bin(m, &k, 0, buf, q.n + 2, 1000);
	dbhead(&a, 0x4002, DNS_RESP, 1, 1, 0, 0);
	dbq(&a, "example.com", 16);
	dbrr(&a, NULL, 16, 300, 201);
	a.b[a.n++] = 200;
	memset(a.b + a.n, 't', 200);
	a.n += 200;
	put16(buf, (uint32_t)a.n);
	memcpy(buf + 2, a.b, a.n);
	seg_bin(m, &k, 1, buf, 60, 20000);
	seg_bin(m, &k, 1, buf + 60, a.n + 2 - 60, 10);
	close_by_client(m, &k, 1000, 100);
}

/* A DHCP message: BOOTP frame, cookie, then the options in opt. */
static size_t
dhcp_msg(uint8_t *o, int op, uint32_t xid, int mac, const char *ci,
    const char *yi, const uint8_t *opt, size_t optlen)
{
	struct ep c = ep_make(ci, 0), y = ep_make(yi, 0);

	memset(o, 0, 240);
	o[0] = (uint8_t)op, o[1] = 1, o[2] = 6;
	put32(o + 4, xid);
	memcpy(o + 12, c.a, 4);
	memcpy(o + 16, y.a, 4);
	o[28] = 0x02, o[29] = 0x00, o[30] = 0x5e, o[31] = 0x10;
	o[33] = (uint8_t)mac;
	put32(o + 236, 0x63825363);
	memcpy(o + 240, opt, optlen);
	return 240 + optlen;
}

static void
dhcp_send(struct mk *m, const char *src, uint16_t sp, const char *dst,
    uint16_t dp, const uint8_t *b, size_t n, int64_t dt)
{
	struct ep s = ep_make(src, sp), d = ep_make(dst, dp);
	uint8_t l4[MK_MAX];
	size_t len = udp_build(l4, &s, &d, b, n, 0);

	send_l4(m, &s, &d, 17, l4, len, NULL, 0, dt);
}

#define DHCP_LEASE_OPTS                                                        \
	51, 4, 0, 0, 0x0e, 0x10, 1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 0, 1, 6, \
	    8, 10, 0, 0, 53, 10, 0, 0, 54, 54, 4, 10, 0, 0, 1

/* A lease from no address: DISCOVER (sent twice), OFFER, REQUEST, ACK
 * between 0.0.0.0, broadcast and the new address; a renewal (unicast
 * REQUEST, ACK); a client that DECLINEs, one NAKed, a RELEASE; an option
 * running past the message; a DISCOVER cut by the capture. */
static void
sc_dhcp(struct mk *m)
{
	static const uint8_t disc[] = {
	    53, 1, 1, 12, 4, 'l', 'a', 'b', '1', 55, 3, 1, 3, 6, 255};
	static const uint8_t offer[] = {53, 1, 2, DHCP_LEASE_OPTS, 255};
	static const uint8_t req[] = {
	    53, 1, 3, 50, 4, 10, 0, 0, 50, 54, 4, 10, 0, 0, 1, 255};
	static const uint8_t ack[] = {53, 1, 5, DHCP_LEASE_OPTS, 255};
	static const uint8_t renew[] = {53, 1, 3, 255};
	static const uint8_t decline[] = {
	    53, 1, 4, 50, 4, 10, 0, 0, 51, 54, 4, 10, 0, 0, 1, 255};
	static const uint8_t nak[] = {53, 1, 6, 54, 4, 10, 0, 0, 1, 255};
	static const uint8_t rel[] = {53, 1, 7, 54, 4, 10, 0, 0, 1, 255};
	static const uint8_t over[] = {53, 1, 1, 12, 40, 'x', 'y'};
	uint8_t b[600];
	size_t n;

	set_macs(m, 1, -1);
	n = dhcp_msg(
	    b, 1, 0x3903f326, 1, "0.0.0.0", "0.0.0.0", disc, sizeof disc);
	dhcp_send(m, "0.0.0.0", 68, "255.255.255.255", 67, b, n, 0);
	dhcp_send(m, "0.0.0.0", 68, "255.255.255.255", 67, b, n, 3000000);
	set_macs(m, 9, 1);
	n = dhcp_msg(
	    b, 2, 0x3903f326, 1, "0.0.0.0", "10.0.0.50", offer, sizeof offer);
	dhcp_send(m, "10.0.0.1", 67, "10.0.0.50", 68, b, n, 1200);
	set_macs(m, 1, -1);
	n = dhcp_msg(
	    b, 1, 0x3903f326, 1, "0.0.0.0", "0.0.0.0", req, sizeof req);
	dhcp_send(m, "0.0.0.0", 68, "255.255.255.255", 67, b, n, 300);
	set_macs(m, 9, 1);
	n = dhcp_msg(
	    b, 2, 0x3903f326, 1, "0.0.0.0", "10.0.0.50", ack, sizeof ack);
	dhcp_send(m, "10.0.0.1", 67, "10.0.0.50", 68, b, n, 900);
	set_macs(m, 1, 9); /* half the lease later: renewal, unicast */
	n = dhcp_msg(
	    b, 1, 0x11112222, 1, "10.0.0.50", "0.0.0.0", renew, sizeof renew);
	dhcp_send(m, "10.0.0.50", 68, "10.0.0.1", 67, b, n, 1800000000);
	set_macs(m, 9, 1);
	n = dhcp_msg(
	    b, 2, 0x11112222, 1, "10.0.0.50", "10.0.0.50", ack, sizeof ack);
	dhcp_send(m, "10.0.0.1", 67, "10.0.0.50", 68, b, n, 700);
	set_macs(m, 2, -1);
	n = dhcp_msg(
	    b, 1, 0x5555, 2, "0.0.0.0", "0.0.0.0", decline, sizeof decline);
	dhcp_send(m, "0.0.0.0", 68, "255.255.255.255", 67, b, n, 1000);
	set_macs(m, 3, -1);
	n = dhcp_msg(b, 1, 0x6666, 3, "0.0.0.0", "0.0.0.0", req, sizeof req);
	dhcp_send(m, "0.0.0.0", 68, "255.255.255.255", 67, b, n, 1000);
	set_macs(m, 9, -1);
	n = dhcp_msg(b, 2, 0x6666, 3, "0.0.0.0", "0.0.0.0", nak, sizeof nak);
	dhcp_send(m, "10.0.0.1", 67, "255.255.255.255", 68, b, n, 500);
	set_macs(m, 1, 9);
	n = dhcp_msg(b, 1, 0x7777, 1, "10.0.0.50", "0.0.0.0", rel, sizeof rel);
	dhcp_send(m, "10.0.0.50", 68, "10.0.0.1", 67, b, n, 1000);
	set_macs(m, 4, -1);
	n = dhcp_msg(b, 1, 0x8888, 4, "0.0.0.0", "0.0.0.0", over, sizeof over);
	dhcp_send(m, "0.0.0.0", 68, "255.255.255.255", 67, b, n, 1000);
	n = dhcp_msg(b, 1, 0x9999, 4, "0.0.0.0", "0.0.0.0", disc, sizeof disc);
	{
		struct ep s = ep_make("0.0.0.0", 68),
		          d = ep_make("255.255.255.255", 67);
		uint8_t l4[MK_MAX];
		size_t len = udp_build(l4, &s, &d, b, n, 0);

		send_l4(m, &s, &d, 17, l4, len, NULL, 14 + 20 + 8 + 100, 1000);
	}
	m->macs = 0;
}

/* A probe with TTL ttl from c to d (UDP, TCP SYN or echo request), and
 * when from is not NULL the ICMP error from there quoting it (as the
 * router received it: TTL 1) after rtt_us; returns nothing. */
static void
probe(struct mk *m, const struct ep *c, const struct ep *d, uint8_t proto,
    uint8_t ttl, uint16_t seq, const char *from, int64_t dt, int64_t rtt_us)
{
	struct ipx x = {0};
	uint8_t l4[MK_MAX], ip[MK_MAX], ic[MK_MAX];
	size_t n, in;
	int v6 = c->v == 6;

	x.ttl = ttl;
	if (proto == 17)
		n = udp_build(l4, c, d, "probe data......", 16, 0);
	else if (proto == 6)
		n = tcp_build(
		    l4, c, d, S, 1000u * seq, 0, 65535, NULL, 0, NULL, 0, 0);
	else
		n = icmp_build(l4, c, d, v6 ? 128 : 8, 0, 0x7700u << 16 | seq,
		    "probe data......", 16);
	in = ip_build(m, ip, c, d, proto, l4, n, &x);
	emit(m, ip, in, c->v, 0, dt);
	if (from == NULL)
		return;
	{
		struct ep r = ep_make(from, 0);
		int last = memcmp(r.a, d->a, 16) == 0;
		uint8_t type = v6 ? (last ? 1 : 3) : (last ? 3 : 11);
		uint8_t code = last ? (v6 ? 4 : 3) : 0;

		if (v6) {
			ip[7] = 1;
		} else {
			ip[8] = 1;
			put16(ip + 10, 0);
			put16(ip + 10, sum_fold(sum_bytes(0, ip, 20)));
		}
		n = icmp_build(ic, &r, c, type, code, 0, ip, v6 ? in : 28);
		send_l4(m, &r, c, v6 ? 58 : 1, ic, n, NULL, 0, rtt_us);
	}
}

/* traceroute: UDP (ports 33434..), 2 probes a hop: hop 1 a router, hop 2
 * a router that answers one probe of two, hop 3 the destination (port
 * unreachable); traceroute -I (echo requests; the destination's echo
 * reply); tcptraceroute (SYNs to port 80); traceroute6 over 2 hops. */
static void
sc_traceroute(struct mk *m)
{
	static const char *const hops[] = {
	    "10.0.0.254", "10.0.1.254", "10.0.2.3"};
	static const char *const hops6[] = {"2001:db8:1::1", "2001:db8:2::3"};
	struct ep c = ep_make("10.0.0.1", 40100), d = ep_make("10.0.2.3", 0);
	struct ep c6 = ep_make("2001:db8::1", 40101),
	          d6 = ep_make("2001:db8:2::3", 0);
	uint16_t port = 33434;
	int ttl, j;

	for (ttl = 1; ttl <= 3; ttl++)
		for (j = 0; j < 2; j++, port++) {
			d.port = port;
			probe(m, &c, &d, 17, (uint8_t)ttl, 0,
			    ttl == 2 && j == 1 ? NULL : hops[ttl - 1], 1000,
			    400 * ttl + 30 * j);
		}
	d.port = 0;
	for (ttl = 1; ttl <= 3; ttl++) {
		if (ttl < 3) {
			probe(m, &c, &d, 1, (uint8_t)ttl, (uint16_t)ttl,
			    hops[ttl - 1], 1000000, 500 * ttl);
			continue;
		}
		probe(m, &c, &d, 1, 3, 3, NULL, 1000000, 0);
		echo(m, &d, &c, 1, 0x7700, 3, 1500);
	}
	c.port = 40102, d.port = 80;
	for (ttl = 1; ttl <= 2; ttl++)
		probe(m, &c, &d, 6, (uint8_t)ttl, (uint16_t)ttl, hops[ttl - 1],
		    1000000, 450 * ttl);
	port = 33434;
	for (ttl = 1; ttl <= 2; ttl++, port++) {
		d6.port = port;
		probe(m, &c6, &d6, 17, (uint8_t)ttl, 0, hops6[ttl - 1], 1000000,
		    600 * ttl);
	}
}

/* One neighbour discovery message: ICMPv6 type, the second word, the
 * body (target, options). */
static void
nd_msg(struct mk *m, const char *src, const char *dst, uint8_t type,
    uint32_t rest, const uint8_t *body, size_t n, int64_t dt)
{
	struct ep s = ep_make(src, 0), d = ep_make(dst, 0);
	struct ipx x = {0};
	uint8_t l4[MK_MAX];
	size_t len = icmp_build(l4, &s, &d, type, 0, rest, body, n);

	x.ttl = 255; /* RFC 4861: hop limit 255 */
	send_l4(m, &s, &d, 58, l4, len, &x, 0, dt);
}

/* A target address then a link-layer address option (type 1 source,
 * 2 target) of MAC 02:00:5e:10:00:mac. */
static size_t
nd_target(uint8_t *b, const char *target, int opt, int mac)
{
	size_t n = 0;

	if (target[0] != '\0') {
		struct ep t = ep_make(target, 0);

		memcpy(b, t.a, 16);
		n = 16;
	}
	if (opt) {
		static const uint8_t base[6] = {2, 0, 0x5e, 0x10, 0, 0};

		b[n] = (uint8_t)opt, b[n + 1] = 1;
		memcpy(b + n + 2, base, 6);
		b[n + 7] = (uint8_t)mac;
		n += 8;
	}
	return n;
}

/* IPv6 neighbour discovery: a router solicitation and the router's
 * advertisement (prefix, MTU); a neighbour solicitation answered by a
 * solicited advertisement; one never answered; duplicate address
 * detection answered (address in use); an option of length 0. */
static void
sc_nd(struct mk *m)
{
	uint8_t b[200];
	size_t n;
	struct ep p = ep_make("2001:db8:1::", 0);

	set_macs(m, 1, -1);
	n = nd_target(b, "", 1, 1);
	nd_msg(m, "fe80::1", "ff02::2", 133, 0, b, n, 0);
	set_macs(m, 9, -1);
	memset(b, 0, 8);
	put32(b, 0), put32(b + 4, 0);
	n = 8 + nd_target(b + 8, "", 1, 9);
	b[n] = 5, b[n + 1] = 1, b[n + 2] = b[n + 3] = 0;
	put32(b + n + 4, 1500);
	n += 8;
	b[n] = 3, b[n + 1] = 4, b[n + 2] = 64, b[n + 3] = 0xc0;
	put32(b + n + 4, 86400), put32(b + n + 8, 14400), put32(b + n + 12, 0);
	memcpy(b + n + 16, p.a, 16);
	n += 32;
	nd_msg(m, "fe80::9", "ff02::1", 134, 64u << 24 | 1800, b, n, 3500);
	set_macs(m, 1, -1);
	n = nd_target(b, "2001:db8:1::2", 1, 1);
	nd_msg(m, "2001:db8:1::1", "ff02::1:ff00:2", 135, 0, b, n, 1000);
	set_macs(m, 2, 1);
	n = nd_target(b, "2001:db8:1::2", 2, 2);
	nd_msg(
	    m, "2001:db8:1::2", "2001:db8:1::1", 136, 0x60000000u, b, n, 700);
	set_macs(m, 1, -1);
	n = nd_target(b, "2001:db8:1::7", 1, 1);
	nd_msg(m, "2001:db8:1::1", "ff02::1:ff00:7", 135, 0, b, n, 1000000);
	set_macs(m, 3, -1);
	n = nd_target(b, "2001:db8:1::2", 0, 0);
	nd_msg(m, "::", "ff02::1:ff00:2", 135, 0, b, n, 1000);
	set_macs(m, 2, -1);
	n = nd_target(b, "2001:db8:1::2", 2, 2);
	nd_msg(m, "2001:db8:1::2", "ff02::1", 136, 0x20000000u, b, n, 400);
	n = nd_target(b, "2001:db8:1::5", 2, 5);
	b[17] = 0; /* an option of length 0 */
	nd_msg(m, "2001:db8:1::5", "ff02::1", 136, 0x20000000u, b, n, 1000);
	m->macs = 0;
}

/* A TLS ClientHello for name offering TLS 1.3 (and 1.2, and a GREASE
 * value), or a ServerHello choosing TLS 1.3; returns its length. */
static size_t
tls_hello(uint8_t *o, int client, const char *name)
{
	size_t n = 0, hs, ext, nl = strlen(name);

	o[n++] = 22, o[n++] = 3, o[n++] = 1, n += 2; /* record */
	hs = n;
	o[n++] = client ? 1 : 2, n += 3;
	o[n++] = 3, o[n++] = 3;
	memset(o + n, 0x42, 32), n += 32;
	o[n++] = 0; /* session id */
	if (client) {
		put16(o + n, 4), n += 2;
		put16(o + n, 0x1301), put16(o + n + 2, 0xc02f), n += 4;
		o[n++] = 1, o[n++] = 0;
	} else {
		put16(o + n, 0x1301), n += 2;
		o[n++] = 0;
	}
	ext = n, n += 2;
	if (client) {
		put16(o + n, 0), put16(o + n + 2, (uint32_t)(nl + 5)), n += 4;
		put16(o + n, (uint32_t)(nl + 3)), o[n + 2] = 0;
		put16(o + n + 3, (uint32_t)nl), n += 5;
		memcpy(o + n, name, nl), n += nl;
		put16(o + n, 43), put16(o + n + 2, 7), o[n + 4] = 6, n += 5;
		put16(o + n, 0x3a3a), put16(o + n + 2, 0x0304);
		put16(o + n + 4, 0x0303), n += 6;
	} else {
		put16(o + n, 43), put16(o + n + 2, 2), put16(o + n + 4, 0x0304);
		n += 6;
	}
	put16(o + ext, (uint32_t)(n - ext - 2));
	put32(o + hs, (uint32_t)(n - hs - 4) | (uint32_t)o[hs] << 24);
	put16(o + 3, (uint32_t)(n - 5));
	return n;
}

static void
text_conn(struct mk *m, const char *cli, uint16_t cport, uint16_t sport,
    const char *const *lines, int64_t gap)
{
	struct conn k = conn_make(cli, cport, "10.0.0.80", sport, 7000, 9000);
	int i;

	k.ts = 0;
	handshake(m, &k);
	for (i = 0; lines[i] != NULL; i++)
		seg(m, &k, lines[i][0] == '>' ? 0 : 1, P | A, lines[i] + 1,
		    gap);
	close_by_client(m, &k, gap, 100);
}

/* HTTP/1.1: a GET and its 200 with Content-Length, a second GET on the
 * same connection answered chunked, a request line split over two
 * segments; TLS: ClientHello (server name, TLS 1.3 offered), ServerHello
 * (1.3 chosen), application data; SMTP, FTP, POP3 and IMAP lines. */
static void
sc_app(struct mk *m)
{
	static const char *const http[] = {
	    ">GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: "
	    "lab\r\n\r\n",
	    "<HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
	    "13\r\n\r\n<h1>hello</h1>",
	    ">GET /missing HTTP/1.1\r\nHost: example.com\r\n\r\n",
	    "<HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "9\r\nnot found\r\n0\r\n\r\n",
	    ">POST /form HT",
	    ">TP/1.1\r\nHost: example.com\r\nContent-Length: "
	    "3\r\n\r\na=1",
	    "<HTTP/1.1 303 See Other\r\nLocation: /\r\nContent-Length: "
	    "0\r\n\r\n",
	    NULL};
	static const char *const smtp[] = {"<220 mail.example ESMTP\r\n",
	    ">EHLO lab.example\r\n",
	    "<250-mail.example\r\n250-SIZE 1000000\r\n250 HELP\r\n",
	    ">MAIL FROM:<a@lab.example>\r\n", "<250 OK\r\n", NULL};
	static const char *const ftp[] = {"<220 FTP ready\r\n",
	    ">USER alice\r\n", "<331 Password required\r\n", NULL};
	static const char *const pop[] = {
	    "<+OK POP3 ready\r\n", ">USER alice\r\n", "<+OK\r\n", NULL};
	static const char *const imap[] = {"<* OK IMAP4rev1 ready\r\n",
	    ">a001 LOGIN alice secret\r\n", "<a001 OK LOGIN completed\r\n",
	    NULL};
	struct conn k = conn_make("10.0.0.1", 40443, "10.0.0.80", 443, 1, 2);
	uint8_t b[600], l4[MK_MAX];
	size_t n;

	text_conn(m, "10.0.0.1", 40080, 80, http, 20000);
	k.ts = 0;
	handshake(m, &k);
	n = tls_hello(b, 1, "www.example.com");
	n = tcp_build(l4, &k.e[0], &k.e[1], P | A, k.seq[0], k.seq[1], 512,
	    NULL, 0, b, n, 0);
	send_l4(m, &k.e[0], &k.e[1], 6, l4, n, NULL, 0, 1000);
	k.seq[0] += (uint32_t)(n - 20);
	n = tls_hello(b, 0, "");
	n = tcp_build(l4, &k.e[1], &k.e[0], P | A, k.seq[1], k.seq[0], 512,
	    NULL, 0, b, n, 0);
	send_l4(m, &k.e[1], &k.e[0], 6, l4, n, NULL, 0, 15000);
	k.seq[1] += (uint32_t)(n - 20);
	b[0] = 23, b[1] = 3, b[2] = 3, b[3] = 0, b[4] = 40;
	memset(b + 5, 0xa5, 40);
	n = tcp_build(l4, &k.e[0], &k.e[1], P | A, k.seq[0], k.seq[1], 512,
	    NULL, 0, b, 45, 0);
	send_l4(m, &k.e[0], &k.e[1], 6, l4, n, NULL, 0, 1000);
	text_conn(m, "10.0.0.1", 40025, 25, smtp, 5000);
	text_conn(m, "10.0.0.1", 40021, 21, ftp, 5000);
	text_conn(m, "10.0.0.1", 40110, 110, pop, 5000);
	text_conn(m, "10.0.0.1", 40143, 143, imap, 5000);
}

/* HTTP/1.1 pipelining (RFC 9112 section 9.3): three GETs sent before
 * any answer, each in its own segment, answered in order; then two
 * requests (the second a POST with a body) in one segment, answered by
 * two responses in one segment; then a request never answered.  On a
 * second connection the capture starts after a request was sent: its
 * answer is no answer to the requests seen. */
static void
sc_http_pipelined(struct mk *m)
{
	static const char *const http[] = {
	    ">GET /a HTTP/1.1\r\nHost: example.com\r\n\r\n",
	    ">GET /b HTTP/1.1\r\nHost: example.com\r\n\r\n",
	    ">GET /c HTTP/1.1\r\nHost: example.com\r\n\r\n",
	    "<HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na",
	    "<HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
	    "<HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nc",
	    ">GET /d HTTP/1.1\r\nHost: example.com\r\n\r\nPOST /e "
	    "HTTP/1.1\r\nHost: example.com\r\nContent-Length: 4\r\n\r\n"
	    "GET ",
	    "<HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\ndd"
	    "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
	    ">GET /f HTTP/1.1\r\nHost: example.com\r\n\r\n", NULL};

	static const char req0[] =
	    "GET /0 HTTP/1.1\r\nHost: example.com\r\n\r\n",
	                  reqy[] =
	                      "GET /y HTTP/1.1\r\nHost: example.com\r\n\r\n",
	                  resp[] =
	                      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	struct conn k =
	    conn_make("10.0.0.2", 40082, "10.0.0.80", 80, 5000, 8000);
	uint32_t before_y;

	text_conn(m, "10.0.0.1", 40081, 80, http, 3000);
	/* the capture begins after GET /0 was sent: its answer comes
	 * first, then GET /y and its answer */
	k.ts = 0;
	k.seq[0] += (uint32_t)strlen(req0);
	seg(m, &k, 1, P | A, resp, 3000);
	seg(m, &k, 0, P | A, reqy, 3000);
	seg(m, &k, 1, P | A, resp, 3000);
	/* GET /1 (unseen) still open, GET /z sent; the answer to GET /1
	 * acknowledges less than GET /z: it is not GET /z's */
	k.seq[0] += (uint32_t)strlen(req0);
	before_y = k.seq[0];
	seg(m, &k, 0, P | A, reqy, 3000);
	seg_full(m, &k, 1, P | A, k.seq[1], before_y, resp, 3000);
	k.seq[1] += (uint32_t)strlen(resp);
	seg(m, &k, 1, P | A, resp, 3000);
}

/* Lab 3's scenes: MK_CLIENTS TCP pingers connect to one server at
 * once (the kernel completes every handshake and takes every first
 * line), then a sequential server answers them one after the other
 * while a concurrent one answers them all, round by round. */
#define MK_CLIENTS 5
#define MK_ROUNDS 3       /* pings per client */
#define MK_THINK_US 10000 /* a client's pause between pings */
#define MK_ANSWER_US 150  /* the server's time to answer a line */

static void
clients_connect(struct mk *m, struct conn *k)
{
	int i;

	for (i = 0; i < MK_CLIENTS; i++) {
		k[i] = conn_make("127.0.0.1", (uint16_t)(40001 + i),
		    "127.0.0.1", 5000, 1000u * (uint32_t)(i + 1),
		    70000u * (uint32_t)(i + 1));
		handshake(m, &k[i]);
		seg(m, &k[i], 0, P | A, "ping 1\n", 100);
		seg(m, &k[i], 1, A, NULL, 20); /* the kernel's ACK */
	}
}

/* The answer to ping r. */
static void
client_answer(struct mk *m, struct conn *k, int r)
{
	char line[16];

	snprintf(line, sizeof line, "PING %d\n", r);
	seg(m, k, 1, P | A, line, MK_ANSWER_US);
	seg(m, k, 0, A, NULL, 20);
}

/* After think: ping r + 1, or the client closes after the last. */
static void
client_next(struct mk *m, struct conn *k, int r, int64_t think)
{
	char line[16];

	if (r < MK_ROUNDS) {
		snprintf(line, sizeof line, "ping %d\n", r + 1);
		seg(m, k, 0, P | A, line, think);
		return;
	}
	seg(m, k, 0, F | A, NULL, think);
	seg(m, k, 1, F | A, NULL, 60);
	seg(m, k, 0, A, NULL, 20);
}

static void
sc_tcp_sequential(struct mk *m)
{
	struct conn k[MK_CLIENTS];
	int i, r;

	clients_connect(m, k);
	for (i = 0; i < MK_CLIENTS; i++)
		for (r = 1; r <= MK_ROUNDS; r++) {
			client_answer(m, &k[i], r);
			client_next(m, &k[i], r, MK_THINK_US);
		}
}

static void
sc_tcp_concurrent(struct mk *m)
{
	struct conn k[MK_CLIENTS];
	int i, r;

	clients_connect(m, k);
	for (r = 1; r <= MK_ROUNDS; r++) {
		for (i = 0; i < MK_CLIENTS; i++)
			client_answer(m, &k[i], r);
		for (i = 0; i < MK_CLIENTS; i++) /* they think at once */
			client_next(m, &k[i], r, i == 0 ? MK_THINK_US : 100);
	}
}

struct scenario {
	const char *name; /* file name without .pcap */
	int lt;           /* link type */
	void (*fn)(struct mk *);
	const char *what;
};

static const struct scenario SCENARIOS[] = {
    {.name = "tcp4-session",
        .lt = DLT_EN10MB,
        .fn = sc_tcp4_session,
        .what =
            "IPv4 TCP on lo: "
            "handshake with options, 2 pings, client closes first (FIN, ACK, "
            "FIN, ACK)"},
    {.name = "tcp6-session",
        .lt = DLT_EN10MB,
        .fn = sc_tcp6_session,
        .what = "IPv6 TCP: handshake, "
                "2 pings, client FIN, server FIN+ACK, last ACK"},
    {.name = "tcp-reset",
        .lt = DLT_EN10MB,
        .fn = sc_tcp_reset,
        .what = "a SYN refused by RST-ACK "
                "(port 12001), then a connection the client resets"},
    {.name = "tcp-retrans",
        .lt = DLT_EN10MB,
        .fn = sc_tcp_retrans,
        .what =
            "SYN retransmitted, data "
            "retransmitted, a lost segment, duplicate ACK, late resend, FIN "
            "retransmitted"},
    {.name = "tcp-ooo",
        .lt = DLT_EN10MB,
        .fn = sc_tcp_ooo,
        .what = "segments 1, 3, 2 (2 within the "
                "handshake RTT); client ISN wraps around 2^32"},
    {.name = "tcp-midstream",
        .lt = DLT_EN10MB,
        .fn = sc_tcp_midstream,
        .what = "capture starts "
                "mid-connection (no handshake), then FIN teardown"},
    {.name = "udp-ping",
        .lt = DLT_EN10MB,
        .fn = sc_udp_ping,
        .what = "5 UDP pings: reply 2 lost, "
                "reply 4 late (after ping 5)"},
    {.name = "udp6-ping",
        .lt = DLT_EN10MB,
        .fn = sc_udp6_ping,
        .what = "2 UDP pings over IPv6 and a "
                "stray datagram from the server"},
    {.name = "udp-stray",
        .lt = DLT_EN10MB,
        .fn = sc_udp_stray,
        .what =
            "strays 'PING 1!' from the server's port before the replies (not "
            "replies); replies that never echo (paired in order); an echo "
            "found by its first reply"},
    {.name = "icmp-unreach",
        .lt = DLT_EN10MB,
        .fn = sc_icmp_unreach,
        .what = "2 UDP pings to a "
                "closed port, each refused by ICMP port unreachable"},
    {.name = "icmp6-unreach",
        .lt = DLT_EN10MB,
        .fn = sc_icmp6_unreach,
        .what = "the same over IPv6 "
                "(ICMPv6 port unreachable)"},
    {.name = "icmp-echo",
        .lt = DLT_EN10MB,
        .fn = sc_icmp_echo,
        .what = "ICMP and ICMPv6 echo "
                "request and reply"},
    {.name = "ip-options",
        .lt = DLT_EN10MB,
        .fn = sc_ip_options,
        .what = "IPv4 with options (router "
                "alert; record route) carrying UDP"},
    {.name = "ip6-ext",
        .lt = DLT_EN10MB,
        .fn = sc_ip6_ext,
        .what = "IPv6 extension headers: "
                "hop-by-hop+UDP, dest-opts+routing+TCP SYN, 2 fragments, "
                "AH+ICMPv6"},
    {.name = "ip4-frag",
        .lt = DLT_EN10MB,
        .fn = sc_ip4_frag,
        .what = "an IPv4 UDP datagram in 2 "
                "fragments"},
    {.name = "malformed",
        .lt = DLT_EN10MB,
        .fn = sc_malformed,
        .what = "TCP hdr length 16 and 60, "
                "UDP length 100 and 4, IPv4 IHL 4, total length 10 and 100, a "
                "TCP option of length 0, an IPv6 extension past the end"},
    {.name = "truncated",
        .lt = DLT_EN10MB,
        .fn = sc_truncated,
        .what =
            "snapshot cuts: Ethernet, "
            "IPv4, TCP header, TCP options, payload, IPv6 header, UDP header"},
    {.name = "eth-padding",
        .lt = DLT_EN10MB,
        .fn = sc_eth_padding,
        .what = "Ethernet frames padded "
                "to 60 bytes: a pure TCP ACK and a 2-byte UDP datagram"},
    {.name = "link-eth",
        .lt = DLT_EN10MB,
        .fn = sc_link_eth,
        .what = "Ethernet (lo, zero MACs): UDP "
                "ping and reply, IPv4 and IPv6"},
    {.name = "link-sll",
        .lt = DLT_LINUX_SLL,
        .fn = sc_link_sll,
        .what = "Linux cooked v1 (any)"},
    {.name = "link-sll2",
        .lt = DLT_LINUX_SLL2,
        .fn = sc_link_sll2,
        .what = "Linux cooked v2"},
    {.name = "link-null",
        .lt = DLT_NULL,
        .fn = sc_link_null,
        .what = "BSD NULL (host order; AF_INET6 "
                "30), then the same byte-swapped"},
    {.name = "link-loop",
        .lt = DLT_LOOP,
        .fn = sc_link_loop,
        .what = "OpenBSD LOOP (network order, "
                "AF_INET6 24)"},
    {.name = "link-raw",
        .lt = DLT_RAW,
        .fn = sc_link_raw,
        .what = "raw IP (IPv4 and IPv6)"},
    {.name = "link-ipv4",
        .lt = DLT_IPV4,
        .fn = sc_link_ipv4,
        .what = "DLT_IPV4"},
    {.name = "link-ipv6",
        .lt = DLT_IPV6,
        .fn = sc_link_ipv6,
        .what = "DLT_IPV6"},
    {.name = "icmp-ping",
        .lt = DLT_EN10MB,
        .fn = sc_icmp_ping,
        .what =
            "ping: 5 requests (reply 3 lost, reply 5 twice), IPv6 ping (the "
            "second lost), a reply to nothing, a request cut in its header"},
    {.name = "arp",
        .lt = DLT_EN10MB,
        .fn = sc_arp,
        .what = "ARP: request and reply, a request asked 3 times unanswered, "
                "gratuitous, probe, a reply to nothing, hardware len 8, IPv6 "
                "protocol addresses, a cut request"},
    {.name = "dns",
        .lt = DLT_EN10MB,
        .fn = sc_dns,
        .what =
            "DNS over UDP: A, AAAA, CNAME chain (compressed), NXDomain with "
            "SOA, MX, TXT, NS, PTR, type 65280, a lost query, a 63-byte label, "
            "255-byte name, odd bytes; again over IPv6"},
    {.name = "dns-bad",
        .lt = DLT_EN10MB,
        .fn = sc_dns_bad,
        .what =
            "DNS malformed: compression loop, forward pointer, pointer past "
            "the end, label of 64, name of 256 bytes, record data past the "
            "end, a response cut by the capture"},
    {.name = "dns-tcp",
        .lt = DLT_EN10MB,
        .fn = sc_dns_tcp,
        .what =
            "DNS over TCP: ANY query and response in one segment each, a TXT "
            "response over two segments"},
    {.name = "dhcp",
        .lt = DLT_EN10MB,
        .fn = sc_dhcp,
        .what =
            "DHCP: DISCOVER (twice), OFFER, REQUEST, ACK; a renewal; DECLINE; "
            "a NAK; RELEASE; an option past the end; a DISCOVER cut"},
    {.name = "traceroute",
        .lt = DLT_EN10MB,
        .fn = sc_traceroute,
        .what =
            "traceroute: UDP probes over 3 hops (one probe lost at hop 2, port "
            "unreachable from the destination), ICMP echo probes, TCP SYN "
            "probes, UDP over IPv6"},
    {.name = "nd",
        .lt = DLT_EN10MB,
        .fn = sc_nd,
        .what =
            "IPv6 neighbour discovery: RS and RA (prefix, MTU), NS and its "
            "NA, an NS unanswered, duplicate address detection answered, an "
            "option of length 0"},
    {.name = "http-pipelined",
        .lt = DLT_EN10MB,
        .fn = sc_http_pipelined,
        .what = "HTTP/1.1 pipelining: 3 GETs before any answer, answered in "
                "order; 2 requests in one segment answered by 2 responses in "
                "one; a request never answered; a connection captured after a "
                "request was sent"},
    {.name = "app",
        .lt = DLT_EN10MB,
        .fn = sc_app,
        .what =
            "HTTP/1.1 (GET 200 with length, GET 404 chunked, a POST whose "
            "request line spans 2 segments), TLS ClientHello/ServerHello/data, "
            "SMTP, FTP, POP3, IMAP lines"},
    {.name = "link-other",
        .lt = DLT_EN10MB,
        .fn = sc_link_other,
        .what = "802.1Q and QinQ tagged "
                "UDP, ARP, LLDP, SCTP over IPv4"},
    {.name = "udp-stray-unreach",
        .lt = DLT_EN10MB,
        .fn = sc_udp_stray_unreach,
        .what =
            "a stray datagram to a client's connected socket refused by ICMP; "
            "an ICMP error quoting a datagram never seen; a server gone, "
            "refusing "
            "its client and another"},
    {.name = "time-2038",
        .lt = DLT_EN10MB,
        .fn = sc_time_2038,
        .what =
            "UDP at 2038-01-19 03:14:08 and in 2096 (unsigned 32-bit seconds)"},
    {.name = "ts-invalid-usec",
        .lt = DLT_EN10MB,
        .fn = sc_ts_invalid_usec,
        .what = "TCP with microsecond fields 999999, 1000000 and 2147483648"},
    {.name = "udp-frag-big",
        .lt = DLT_EN10MB,
        .fn = sc_udp_frag_big,
        .what = "the first IPv4 fragment of a 5692-byte UDP datagram"},
    {.name = "tcp-idle",
        .lt = DLT_EN10MB,
        .fn = sc_tcp_idle,
        .what = "a connection idle for 130 s, then on with the same numbers"},
    {.name = "tcp-syn-only",
        .lt = DLT_EN10MB,
        .fn = sc_tcp_syn_only,
        .what = "a SYN, its SYN-ACK not captured, then the connection"},
    {.name = "tcp-sequential",
        .lt = DLT_EN10MB,
        .fn = sc_tcp_sequential,
        .what =
            "lab 3: 5 TCP pingers connect at once; a sequential server answers "
            "them one after the other (3 pings each, then FIN)"},
    {.name = "tcp-concurrent",
        .lt = DLT_EN10MB,
        .fn = sc_tcp_concurrent,
        .what = "lab 3: the same 5 pingers; a concurrent server answers all of "
                "them, round by round"},
    {.name = "tcp-bad-ip",
        .lt = DLT_EN10MB,
        .fn = sc_tcp_bad_ip,
        .what = "a segment whose IPv4 total length claims 20 bytes too many"},
    {.name = "snaplen-absurd",
        .lt = DLT_EN10MB,
        .fn = sc_link_ipv4,
        .what =
            "a UDP ping with snapshot length 0x81040000 in the file header"},
    {.name = "modified-pcap",
        .lt = DLT_EN10MB,
        .fn = sc_link_ipv4,
        .what = "a UDP ping in Kuznetzov's modified pcap (magic 0xa1b2cd34)"},
};

/* Files rewritten once pcap_dump has written them. */
static const struct {
	const char *name;
	int (*fn)(const char *path);
} POSTS[] = {
    {"snaplen-absurd", post_snaplen_absurd},
    {"modified-pcap", post_modified},
};

static int
post_process(const char *name, const char *path)
{
	size_t i;

	for (i = 0; i < sizeof POSTS / sizeof POSTS[0]; i++)
		if (strcmp(POSTS[i].name, name) == 0)
			return POSTS[i].fn(path);
	return 0;
}

static int
mk_open(struct mk *m, int lt, const char *path)
{
	memset(m, 0, sizeof *m);
	m->lt = lt;
	m->t_us = MK_T0 * 1000000;
	m->ipid = 1;
	m->usec = -1;
	m->af6 = lt == DLT_LOOP ? 24 : 30;
	m->p = pcap_open_dead(lt, 262144);
	if (m->p == NULL)
		return -1;
	m->d = pcap_dump_open(m->p, path);
	if (m->d == NULL) {
		fprintf(stderr, "mkpcap: %s\n", pcap_geterr(m->p));
		pcap_close(m->p);
		return -1;
	}
	return 0;
}

static int
mk_close(struct mk *m)
{
	int r = pcap_dump_flush(m->d);

	pcap_dump_close(m->d);
	pcap_close(m->p);
	return r;
}

static int
write_all(const char *dir)
{
	char path[4096];
	struct mk m;
	size_t i;

	for (i = 0; i < sizeof SCENARIOS / sizeof SCENARIOS[0]; i++) {
		snprintf(
		    path, sizeof path, "%s/%s.pcap", dir, SCENARIOS[i].name);
		if (mk_open(&m, SCENARIOS[i].lt, path) < 0)
			return 1;
		SCENARIOS[i].fn(&m);
		if (mk_close(&m) < 0 ||
		    post_process(SCENARIOS[i].name, path) < 0) {
			fprintf(stderr, "mkpcap: %s: write failed\n", path);
			return 1;
		}
	}
	return 0;
}

/* n packets of UDP pings and replies from 64 clients. */
static void
bulk_udp(struct mk *m, long n)
{
	struct ep s = ep_make("127.0.0.1", 12000);
	struct ep c = ep_make("127.0.0.1", 40000);
	char msg[32];
	long i;

	for (i = 0; i < n; i += 2) {
		c.port = (uint16_t)(40000 + (i / 2) % 64);
		snprintf(msg, sizeof msg, "ping %ld", i / 2 % 1000 + 1);
		udp(m, &c, &s, msg, 10);
		if (i + 1 < n) {
			msg[0] = 'P', msg[1] = 'I', msg[2] = 'N', msg[3] = 'G';
			udp(m, &s, &c, msg, 10);
		}
	}
}

/* n packets of short TCP connections (handshake, 2 pings, teardown). */
static void
bulk_tcp(struct mk *m, long n)
{
	long i = 0, j = 0;

	while (i < n) {
		struct conn k = conn_make("127.0.0.1",
		    (uint16_t)(32768 + j % 28000), "127.0.0.1", 12000,
		    (uint32_t)(j * 7919), (uint32_t)(j * 104729));

		handshake(m, &k);
		seg(m, &k, 0, P | A, "ping 1\n", 10);
		seg(m, &k, 1, P | A, "PING 1\n", 10);
		seg(m, &k, 0, P | A, "ping 2\n", 10);
		seg(m, &k, 1, P | A, "PING 2\n", 10);
		close_by_client(m, &k, 10, 10);
		i += 10, j++;
	}
}

static int
usage(void)
{
	fprintf(stderr, "usage: mkpcap DIR | mkpcap --list | "
	                "mkpcap bulk-udp|bulk-tcp COUNT FILE\n");
	return 2;
}

int
main(int argc, char **argv)
{
	struct mk m;
	char *end;
	long n;
	size_t i;

	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (i = 0; i < sizeof SCENARIOS / sizeof SCENARIOS[0]; i++)
			printf("%s.pcap\t%s\t%s\n", SCENARIOS[i].name,
			    pcap_datalink_val_to_name(SCENARIOS[i].lt),
			    SCENARIOS[i].what);
		return 0;
	}
	if (argc == 2 && argv[1][0] != '-')
		return write_all(argv[1]);
	if (argc != 4 || (strcmp(argv[1], "bulk-udp") != 0 &&
	                     strcmp(argv[1], "bulk-tcp") != 0))
		return usage();
	errno = 0;
	n = strtol(argv[2], &end, 10);
	if (errno != 0 || *end != '\0' || n < 1 || n > 100000000)
		return usage();
	if (mk_open(&m, DLT_EN10MB, argv[3]) < 0)
		return 1;
	if (argv[1][5] == 'u')
		bulk_udp(&m, n);
	else
		bulk_tcp(&m, n);
	return mk_close(&m) < 0 ? 1 : 0;
}

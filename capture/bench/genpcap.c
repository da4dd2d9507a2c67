/*
 * The bench's input: a loopback pcap (Ethernet with zero MACs, as Linux lo)
 * of N packets, either UDP pings and replies ("udp") or many short TCP
 * connections ("tcp": handshake, two pings, teardown), or a resolver's
 * traffic ("dns": A and AAAA queries from many ports, answers with one or
 * two addresses, one in 10 NXDomain, one query in 100 never answered).
 * usage: genpcap udp|tcp|dns N FILE
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gen {
	FILE *f;
	uint64_t n, max;
	uint64_t t_us; /* capture clock */
	uint16_t ip_id;
};

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static void
file_header(FILE *f)
{
	uint32_t h[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1};

	fwrite(h, sizeof h, 1, f); /* host order, as libpcap writes */
}

static uint16_t
ip_sum(const uint8_t *p)
{
	uint32_t s = 0;
	int i;

	for (i = 0; i < 20; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* One packet: Ethernet + IPv4 + a transport header th (thlen) + data. */
static void
emit(struct gen *g, int proto, const uint8_t *th, int thlen, const char *data,
    int dlen, uint32_t gap_us)
{
	uint8_t pkt[256];
	uint32_t rec[4];
	int iplen = 20 + thlen + dlen, len = 14 + iplen;

	memset(pkt, 0, 14);
	pkt[12] = 0x08;
	pkt[14] = 0x45;
	pkt[15] = 0;
	put16(pkt + 16, (uint16_t)iplen);
	put16(pkt + 18, g->ip_id++);
	put16(pkt + 20, 0x4000);
	pkt[22] = 64;
	pkt[23] = (uint8_t)proto;
	put16(pkt + 24, 0);
	put32(pkt + 26, 0x7f000001);
	put32(pkt + 30, 0x7f000001);
	put16(pkt + 24, ip_sum(pkt + 14));
	memcpy(pkt + 34, th, (size_t)thlen);
	memcpy(pkt + 34 + thlen, data, (size_t)dlen);
	g->t_us += gap_us;
	rec[0] = (uint32_t)(1700000000 + g->t_us / 1000000);
	rec[1] = (uint32_t)(g->t_us % 1000000);
	rec[2] = rec[3] = (uint32_t)len;
	fwrite(rec, sizeof rec, 1, g->f);
	fwrite(pkt, (size_t)len, 1, g->f);
	g->n++;
}

static void
udp(struct gen *g, uint16_t sp, uint16_t dp, const char *data)
{
	uint8_t h[8];
	int dlen = (int)strlen(data);

	put16(h, sp);
	put16(h + 2, dp);
	put16(h + 4, (uint16_t)(8 + dlen));
	put16(h + 6, 0);
	emit(g, 17, h, 8, data, dlen, 20);
}

static void
gen_udp(struct gen *g)
{
	char ping[32];
	uint16_t port = 40000;
	unsigned seq = 1;

	while (g->n + 2 <= g->max) {
		snprintf(ping, sizeof ping, "ping %u", seq);
		udp(g, port, 12000, ping);
		snprintf(ping, sizeof ping, "PING %u", seq);
		udp(g, 12000, port, ping);
		if (++seq > 10) { /* a new client run every 10 pings */
			seq = 1;
			port = port == 60999 ? 40000 : port + 1;
		}
	}
}

static void
tcp(struct gen *g, uint16_t sp, uint16_t dp, uint32_t seq, uint32_t ack,
    uint8_t flags, const char *data)
{
	uint8_t h[32];
	int syn = flags & 0x02, hl = syn ? 24 : 20;

	memset(h, 0, sizeof h);
	put16(h, sp);
	put16(h + 2, dp);
	put32(h + 4, seq);
	put32(h + 8, ack);
	h[12] = (uint8_t)(hl / 4) << 4;
	h[13] = flags;
	put16(h + 14, 65495);
	if (syn) { /* MSS 65495 */
		h[20] = 2, h[21] = 4;
		put16(h + 22, 65495);
	}
	emit(g, 6, h, hl, data, (int)strlen(data), 15);
}

/* One short connection: 3 + 2 * 3 (ping, reply, ack) + 4 packets. */
static void
tcp_conn(struct gen *g, uint16_t cp, uint32_t ci, uint32_t si)
{
	static const char *const pings[] = {"ping 1\n", "ping 2\n"};
	static const char *const pongs[] = {"PING 1\n", "PING 2\n"};
	uint32_t c = ci + 1, s = si + 1;
	int i;

	tcp(g, cp, 5000, ci, 0, 0x02, "");
	tcp(g, 5000, cp, si, c, 0x12, "");
	tcp(g, cp, 5000, c, s, 0x10, "");
	for (i = 0; i < 2; i++) {
		tcp(g, cp, 5000, c, s, 0x18, pings[i]);
		c += 7;
		tcp(g, 5000, cp, s, c, 0x18, pongs[i]);
		s += 7;
		tcp(g, cp, 5000, c, s, 0x10, "");
	}
	tcp(g, cp, 5000, c, s, 0x11, "");
	tcp(g, 5000, cp, s, c + 1, 0x11, "");
	tcp(g, cp, 5000, c + 1, s + 1, 0x10, "");
	tcp(g, 5000, cp, s + 1, c + 1, 0x10, ""); /* a last dup ack */
}

static void
gen_tcp(struct gen *g)
{
	uint16_t port = 40000;
	uint32_t isn = 12345;

	while (g->n + 13 <= g->max) {
		tcp_conn(g, port, isn, isn * 7 + 99);
		isn = isn * 1103515245u + 12345u;
		port = port == 60999 ? 40000 : port + 1;
	}
}

/* A DNS message: header, the question "hostN.zoneM.example.", and for a
 * response its answers (names compressed to the question). */
static int
dns_msg(uint8_t *m, uint16_t id, int resp, unsigned host, int aaaa,
    int nanswers, int nx)
{
	char label[16];
	int n = 12, l, i;

	put16(m, id);
	put16(m + 2, resp ? (nx ? 0x8183 : 0x8180) : 0x0100);
	put16(m + 4, 1);
	put16(m + 6, resp ? (uint16_t)nanswers : 0);
	put16(m + 8, resp && nx ? 1 : 0);
	put16(m + 10, 0);
	l = snprintf(label, sizeof label, "host%u", host);
	m[n++] = (uint8_t)l;
	memcpy(m + n, label, (size_t)l), n += l;
	l = snprintf(label, sizeof label, "zone%u", host % 97);
	m[n++] = (uint8_t)l;
	memcpy(m + n, label, (size_t)l), n += l;
	memcpy(m + n, "\7example\0", 9), n += 9;
	put16(m + n, aaaa ? 28 : 1), put16(m + n + 2, 1), n += 4;
	for (i = 0; resp && i < nanswers; i++) {
		put16(m + n, 0xc00c);
		put16(m + n + 2, aaaa ? 28 : 1);
		put16(m + n + 4, 1);
		put32(m + n + 6, 300);
		put16(m + n + 10, aaaa ? 16 : 4);
		n += 12;
		memset(m + n, 0, aaaa ? 16 : 4);
		m[n] = aaaa ? 0x20 : 10;
		put16(m + n + (aaaa ? 14 : 2), (uint16_t)(host + (unsigned)i));
		n += aaaa ? 16 : 4;
	}
	if (resp && nx) { /* the zone's SOA, its names compressed */
		put16(m + n, 0xc00c + 0), n += 2;
		put16(m + n, 6), put16(m + n + 2, 1), put32(m + n + 4, 60);
		put16(m + n + 8, 4 + 20), n += 10;
		put16(m + n, 0xc00c), put16(m + n + 2, 0xc00c), n += 4;
		memset(m + n, 0, 20), n += 20;
	}
	return n;
}

static void
dns_udp(struct gen *g, uint16_t sp, uint16_t dp, const uint8_t *m, int n,
    uint32_t gap_us)
{
	uint8_t h[8];

	put16(h, sp);
	put16(h + 2, dp);
	put16(h + 4, (uint16_t)(8 + n));
	put16(h + 6, 0);
	emit(g, 17, h, 8, (const char *)m, n, gap_us);
}

static void
gen_dns(struct gen *g)
{
	uint8_t m[200];
	unsigned q = 0;
	int n;

	while (g->n + 2 <= g->max) {
		uint16_t port = (uint16_t)(32768 + (q * 7919) % 28000);
		uint16_t id = (uint16_t)(q * 40503u);
		int aaaa = q % 3 == 2, nx = q % 10 == 9;

		n = dns_msg(m, id, 0, q, aaaa, 0, 0);
		dns_udp(g, port, 53, m, n, 30);
		if (q % 100 != 99) {
			n = dns_msg(
			    m, id, 1, q, aaaa, nx ? 0 : 1 + (int)(q & 1), nx);
			dns_udp(g, 53, port, m, n, 400);
		}
		q++;
	}
}

int
main(int argc, char **argv)
{
	struct gen g = {0};

	if (argc != 4 || (strcmp(argv[1], "udp") && strcmp(argv[1], "tcp") &&
	                     strcmp(argv[1], "dns"))) {
		fprintf(stderr, "usage: genpcap udp|tcp|dns N FILE\n");
		return 2;
	}
	g.max = strtoull(argv[2], NULL, 10);
	if ((g.f = fopen(argv[3], "wb")) == NULL) {
		perror(argv[3]);
		return 1;
	}
	file_header(g.f);
	if (argv[1][0] == 'u')
		gen_udp(&g);
	else if (argv[1][0] == 'd')
		gen_dns(&g);
	else
		gen_tcp(&g);
	if (fclose(g.f) != 0) {
		perror(argv[3]);
		return 1;
	}
	printf("%s: %llu packets\n", argv[3], (unsigned long long)g.n);
	return 0;
}

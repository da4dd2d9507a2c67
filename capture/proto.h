/*
 * The capture library above the transport: decoders for the protocols a
 * networks course shows first (ARP, DNS) and the exchange tracker that
 * ties each answer to its question (ICMP echo, ARP, DNS) with the time it
 * took.  As the rest of the library: bounds-checked, no printing, no exit.
 *
 * Interface:
 *	cap_xchg_new(max)           an exchange table (0: param.h default);
 *	                            NULL (errno) on failure
 *	cap_xchg_free(x)
 *	cap_xchg_on_expire(x, fn, arg)  fn(arg, q) for each question that
 *	                            leaves the table unanswered
 *	cap_xchg_track(x, pkt, xn)  tie pkt to its exchange: 0 and *xn
 *	                            filled for a question or an answer, -1
 *	                            when pkt is neither (xn->kind NONE)
 *	cap_xchg_flush(x)           expire every open question (at the end)
 *	cap_xchg_stats(x, kind)     counters of one kind of exchange
 *	cap_xkind_name(kind)        "echo", "arp", "dns" (JSON keys)
 *
 *	cap_arp_decode(pkt, arp)    the ARP packet of pkt (ethertype 0x0806):
 *	                            0, or -1 when cut or not ARP (arp->cut,
 *	                            arp->bad say which)
 *	cap_dns_open(m, pkt)        the DNS message in pkt's payload (UDP; TCP
 *	                            with its 2-byte length): header and
 *	                            question; 0, or -1 when pkt carries none
 *	cap_dns_head(m, pkt)        the header only (id, flags, counts)
 *	cap_dns_open_msg(m, p, n)   a whole message in p[0..n) (no framing)
 *	cap_reasm_new(), cap_reasm_free(r)
 *	cap_reasm_dns(r, pkt, &msg, &len, &nseg)  DNS over TCP across
 *	                            segments: 1 when pkt completes a message
 *	                            an earlier segment began (msg: valid until
 *	                            the next call), else 0
 *	cap_reasm_http(r, pkt, &msg, &len, &nseg)  the same for an HTTP
 *	                            request/status line and headers (msg: up
 *	                            to the empty line)
 *	cap_dns_next_rr(m, rr)      the next resource record (answers, then
 *	                            authority, then additional): 1, 0 at the
 *	                            end, -1 cut or malformed (m->bad says)
 *	cap_dns_name(m, off, buf, n, &end)  the name at off as tcpdump prints
 *	                            it ("example.com.", odd bytes "\\DDD");
 *	                            end: just past it in place; -1 malformed
 *	cap_dns_type_name(type), cap_dns_rcode_name(rcode)
 *	cap_dns_port(pkt)           1 when pkt is UDP/TCP to or from 53
 *
 *	cap_dhcp_port(pkt)          1 when pkt is UDP between 67 and 68
 *	cap_dhcp_decode(pkt, d)     the BOOTP/DHCP message: 0 (d->dhcp when
 *	                            the cookie and options were there; d->bad,
 *	                            d->cut), -1 when pkt carries none
 *	cap_dhcp_type_name(type)    "DISCOVER" .. "INFORM", or NULL
 *
 *	cap_nd_decode(pkt, nd)      an ICMPv6 router/neighbour solicitation
 *	                            or advertisement: 0 (nd->bad, nd->cut),
 *	                            -1 when pkt is none of them
 *
 *	cap_app_decode(pkt, a)      the first line of a TCP segment: HTTP
 *	                            request/status (+ Host, Content-Length,
 *	                            Transfer-Encoding), TLS record (ClientHello
 *	                            server name, versions), SMTP/POP/IMAP/FTP
 *	                            line; 0, or -1 when none of them
 *	cap_app_decode_bytes(a, p, n, sport, dport)  the same on bytes
 *	cap_http_messages(p, n, msg, max)  HTTP/1.1 pipelining: the HTTP
 *	                            messages of one kind (requests or
 *	                            responses) that begin in p[0..n), back to
 *	                            back, each with where it ends (at most
 *	                            max; 0 when p holds no HTTP head)
 *	cap_tls_version_name(v)     "TLS 1.2", ... or NULL
 */
#ifndef CAP_PROTO_H
#define CAP_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "capture.h"

/* Exchanges */

enum cap_xkind {
	CAP_XK_NONE = 0,
	CAP_XK_ECHO,  /* ICMP/ICMPv6 echo request and reply */
	CAP_XK_ARP,   /* ARP request and reply */
	CAP_XK_DNS,   /* DNS query and response */
	CAP_XK_DHCP,  /* DHCP DISCOVER/OFFER, REQUEST/ACK or NAK */
	CAP_XK_TRACE, /* a probe with a small TTL (UDP, TCP, echo) and the
	               * ICMP time exceeded / unreachable that quotes it */
	CAP_XK_ND,    /* IPv6 neighbour solicitation / advertisement, router
	               * solicitation / advertisement */
	CAP_XK_HTTP,  /* an HTTP request and its response (same connection) */
	CAP_XK_N
};

/* A question, as the table keeps it (all bytes compared: zero it). */
struct cap_xkey {
	uint8_t kind, family; /* cap_xkind; address family 4/6 */
	uint16_t port[2];     /* DNS: client port, server port; DHCP:
	                       * the question's message type; trace: the
	                       * probe's ports, or echo id and seq */
	uint32_t id;          /* echo: id << 16 | seq; DNS: id; DHCP: xid;
	                       * trace: protocol << 16 | IPv4 id */
	uint8_t a[2][16];     /* echo, DNS: asker, asked; ARP: the address
	                       * asked about, the asker's; DHCP: the
	                       * client's hardware address */
};

struct cap_xq {
	struct cap_xkey key;
	struct timeval ts;  /* when it was (last) asked */
	struct timeval ts0; /* when it was first asked */
	uint32_t asked;     /* times asked (repeats included) */
	uint8_t mac[6];     /* ARP: the asker's hardware address */
	uint8_t tag;        /* DHCP: 1 when the REQUEST renews a lease;
	                     * echo, trace: the probe's TTL / hop limit */
	uint32_t seq_end;   /* HTTP: the client's sequence number just past
	                     * the request (a response acknowledging less
	                     * answers an earlier request) */
};

/* xn->ev bits */
#define CAP_XE_ASK 0x01     /* a question */
#define CAP_XE_REPEAT 0x02  /* the same question again, unanswered */
#define CAP_XE_ANSWER 0x04  /* answers the question of xn->q */
#define CAP_XE_UNASKED 0x08 /* an answer to no question seen */
#define CAP_XE_DUP 0x10     /* an answer to a question already answered */
#define CAP_XE_GRATUIT 0x20 /* ARP: gratuitous (announces itself) */
#define CAP_XE_PROBE 0x40   /* ARP: probe (sender 0.0.0.0, RFC 5227) */
#define CAP_XE_REACHED                                                         \
	0x80 /* trace: the answer comes from the probe's                       \
	      * destination (port unreachable, echo reply) */

struct cap_xnote {
	enum cap_xkind kind;
	uint32_t ev;       /* CAP_XE_* */
	struct cap_xq q;   /* the question (ANSWER, DUP, REPEAT: as kept) */
	int64_t rtt_us;    /* ANSWER/DUP: since the question (last asked),
	                    * else -1 */
	uint8_t probe_ttl; /* the packet was kept as a traceroute probe
	                    * with this TTL (also for an echo request) */
	uint8_t icmp_type; /* trace answers: the ICMP type and code */
	uint8_t icmp_code;
	uint8_t nmsg;    /* HTTP: requests or responses the segment
	                  * holds (pipelined; xn->q: the first) */
	uint32_t behind; /* HTTP request: earlier requests on the
	                  * connection still unanswered (pipelined) */
};

struct cap_xstats {
	uint64_t asked;    /* questions (repeats not counted) */
	uint64_t repeats;  /* the same question asked again */
	uint64_t answered; /* questions answered */
	uint64_t unasked;  /* answers to no question seen */
	uint64_t dups;     /* answers to an answered question */
	uint64_t expired;  /* questions that left the table unanswered */
	uint64_t errors;   /* echo: requests answered by an ICMP error
	                    * (TTL expired: a traceroute's probe) */
	int64_t rtt_min_us, rtt_max_us, rtt_sum_us; /* of the answered */
};

struct cap_xchg;
typedef void cap_xexpire_fn(void *arg, const struct cap_xq *q);

struct cap_xchg *cap_xchg_new(uint32_t max);
void cap_xchg_free(struct cap_xchg *x);
void cap_xchg_on_expire(struct cap_xchg *x, cap_xexpire_fn *fn, void *arg);
int cap_xchg_track(
    struct cap_xchg *x, const struct cap_pkt *pkt, struct cap_xnote *xn);
void cap_xchg_flush(struct cap_xchg *x);
const struct cap_xstats *cap_xchg_stats(
    const struct cap_xchg *x, enum cap_xkind kind);
const char *cap_xkind_name(enum cap_xkind kind);

/* ARP (RFC 826) */

#define CAP_ARP_REQUEST 1
#define CAP_ARP_REPLY 2

struct cap_arp {
	uint16_t htype, ptype;    /* hardware, protocol type */
	uint8_t hlen, plen;       /* their address lengths */
	uint16_t op;              /* CAP_ARP_REQUEST, CAP_ARP_REPLY, ... */
	uint8_t sha[16], tha[16]; /* hardware addresses (hlen bytes, <= 16) */
	uint8_t spa[16], tpa[16]; /* protocol addresses (plen bytes, <= 16) */
	int ether_ip;             /* Ethernet/IPv4: 6-byte MAC, 4-byte IP */
	int cut;                  /* the capture cut it */
	const char *bad;          /* NULL or why it is not readable */
};

int cap_arp_decode(const struct cap_pkt *pkt, struct cap_arp *arp);

/* DNS (RFC 1035) */

#define CAP_DNS_NAME_MAX 1025 /* a name in text: 255 bytes, \DDD each */

struct cap_dns {
	const uint8_t *p; /* the message (after TCP's length) */
	size_t caplen;    /* bytes of it captured */
	uint32_t len;     /* its length on the wire (TCP: the prefix) */
	int tcp;          /* carried by TCP (length-prefixed) */
	int split;        /* TCP: the message is not all in this segment */
	uint16_t id, flags;
	uint16_t qd, an, ns, ar; /* section counts */
	uint16_t qtype, qclass;
	int have_q;                   /* the question was read */
	size_t next;                  /* offset of the next record */
	uint32_t rr_done;             /* records read */
	int cut;                      /* ran past the captured bytes */
	const char *bad;              /* NULL or why it is malformed */
	char qname[CAP_DNS_NAME_MAX]; /* last (not cleared): "" when no
	                               * question */
};

#define CAP_DNS_QR 0x8000
#define CAP_DNS_AA 0x0400
#define CAP_DNS_TC 0x0200
#define CAP_DNS_RD 0x0100
#define CAP_DNS_RA 0x0080
#define CAP_DNS_AD 0x0020
#define CAP_DNS_CD 0x0010

enum cap_dns_section { CAP_DNS_AN = 1, CAP_DNS_NS, CAP_DNS_AR };

struct cap_dns_rr {
	enum cap_dns_section section;
	uint16_t type, rclass;
	uint32_t ttl;
	uint16_t rdlen;
	size_t rdoff; /* offset of the data in the message */
	/* The data, decoded for the types labsniff prints */
	uint8_t addr[16]; /* A (4), AAAA (16) */
	uint16_t pref;    /* MX preference */
	uint32_t soa[5];  /* serial refresh retry expire min */
	int data_ok;      /* the data was read */
	/* Names last (only their first byte is cleared) */
	char name[CAP_DNS_NAME_MAX];
	char target[CAP_DNS_NAME_MAX];  /* CNAME, NS, PTR, MX; SOA mname;
	                                 * TXT: the strings, quoted */
	char target2[CAP_DNS_NAME_MAX]; /* SOA rname */
};

#define CAP_DNS_PORT 53
/* Inline: asked of every packet, several times. */
static inline int
cap_dns_port(const struct cap_pkt *pkt)
{
	return (pkt->tp == CAP_TP_UDP || pkt->tp == CAP_TP_TCP) &&
	       (pkt->sport == CAP_DNS_PORT || pkt->dport == CAP_DNS_PORT);
}
int cap_dns_open(struct cap_dns *m, const struct cap_pkt *pkt);
int cap_dns_head(struct cap_dns *m, const struct cap_pkt *pkt);
int cap_dns_open_msg(struct cap_dns *m, const uint8_t *p, size_t n);

struct cap_reasm;
struct cap_reasm *cap_reasm_new(void);
void cap_reasm_free(struct cap_reasm *r);
int cap_reasm_dns(struct cap_reasm *r, const struct cap_pkt *pkt,
    const uint8_t **msg, size_t *len, uint32_t *nseg);
int cap_reasm_http(struct cap_reasm *r, const struct cap_pkt *pkt,
    const uint8_t **msg, size_t *len, uint32_t *nseg);
int cap_dns_next_rr(struct cap_dns *m, struct cap_dns_rr *rr);
int cap_dns_name(
    const struct cap_dns *m, size_t off, char *buf, size_t n, size_t *end);
const char *cap_dns_type_name(uint16_t type);
const char *cap_dns_rcode_name(unsigned rcode);

/* DHCP (RFC 2131) */

#define CAP_DHCP_DNS_MAX 4 /* DNS servers kept */

enum cap_dhcp_type {
	CAP_DHCP_DISCOVER = 1,
	CAP_DHCP_OFFER,
	CAP_DHCP_REQUEST,
	CAP_DHCP_DECLINE,
	CAP_DHCP_ACK,
	CAP_DHCP_NAK,
	CAP_DHCP_RELEASE,
	CAP_DHCP_INFORM
};

struct cap_dhcp {
	uint8_t op;           /* 1 BOOTREQUEST (client), 2 BOOTREPLY */
	uint8_t htype, hlen;  /* hardware type and address length */
	uint32_t xid;         /* transaction id */
	uint16_t secs, flags; /* flags: 0x8000 broadcast */
	uint8_t ciaddr[4], yiaddr[4], siaddr[4], giaddr[4];
	uint8_t chaddr[16];
	int dhcp;     /* the magic cookie was there: DHCP, not BOOTP */
	uint8_t type; /* option 53: cap_dhcp_type, 0 none */
	uint8_t has_req, has_server, has_lease, has_mask;
	uint8_t req[4], server[4], mask[4];
	uint32_t lease;             /* seconds */
	uint8_t router[4], nrouter; /* the first router */
	uint8_t dns[4 * CAP_DHCP_DNS_MAX], ndns;
	char hostname[64];
	uint8_t hostname_len;
	uint32_t nopts;   /* options read */
	int cut;          /* the capture cut the message */
	const char *bad;  /* NULL, or why it is malformed */
	uint8_t bad_code; /* the option that overran */
};

#define CAP_DHCP_SERVER_PORT 67
#define CAP_DHCP_CLIENT_PORT 68
/* Inline: asked of every packet.  Server to server: relays. */
static inline int
cap_dhcp_port(const struct cap_pkt *pkt)
{
	return pkt->tp == CAP_TP_UDP &&
	       ((pkt->sport == CAP_DHCP_CLIENT_PORT &&
	            pkt->dport == CAP_DHCP_SERVER_PORT) ||
	           (pkt->sport == CAP_DHCP_SERVER_PORT &&
	               pkt->dport == CAP_DHCP_CLIENT_PORT) ||
	           (pkt->sport == CAP_DHCP_SERVER_PORT &&
	               pkt->dport == CAP_DHCP_SERVER_PORT));
}
int cap_dhcp_decode(const struct cap_pkt *pkt, struct cap_dhcp *d);
const char *cap_dhcp_type_name(uint8_t type);

/* IPv6 neighbour discovery (RFC 4861) */

#define CAP_ND_RS 133
#define CAP_ND_RA 134
#define CAP_ND_NS 135
#define CAP_ND_NA 136
#define CAP_ND_PREFIX_MAX 4 /* prefix information options kept */
#define CAP_NA_ROUTER 0x80
#define CAP_NA_SOLICITED 0x40
#define CAP_NA_OVERRIDE 0x20
#define CAP_RA_MANAGED 0x80 /* addresses from DHCPv6 */
#define CAP_RA_OTHER 0x40   /* other settings from DHCPv6 */

struct cap_nd_prefix {
	uint8_t prefix[16], len;
	uint8_t flags; /* 0x80 on-link, 0x40 autonomous (SLAAC) */
	uint32_t valid, preferred;
};

struct cap_nd {
	uint8_t type;                 /* CAP_ND_RS .. CAP_ND_NA */
	uint8_t target[16];           /* NS, NA */
	uint8_t na_flags;             /* CAP_NA_* */
	uint8_t hop_limit, ra_flags;  /* RA */
	uint16_t lifetime;            /* RA: router lifetime, s */
	uint32_t reachable, retrans;  /* RA: ms */
	uint8_t src_ll[6], tgt_ll[6]; /* link-layer address options */
	uint8_t has_src_ll, has_tgt_ll, has_mtu;
	uint32_t mtu;
	struct cap_nd_prefix prefix[CAP_ND_PREFIX_MAX];
	uint8_t nprefix;
	int cut;         /* cut by the capture */
	const char *bad; /* NULL or why it is malformed */
};

int cap_nd_decode(const struct cap_pkt *pkt, struct cap_nd *nd);

/* Application lines over TCP (decode-http.c) */

enum cap_app_kind {
	CAP_APP_NONE = 0,
	CAP_APP_HTTP_REQUEST,
	CAP_APP_HTTP_RESPONSE,
	CAP_APP_TLS,
	CAP_APP_SMTP,
	CAP_APP_POP,
	CAP_APP_IMAP,
	CAP_APP_FTP
};

struct cap_app {
	enum cap_app_kind kind;
	const char *method;  /* HTTP request: "GET", ... */
	uint16_t status;     /* HTTP response: 200, ... */
	uint8_t version;     /* HTTP/1.x: '0' or '1' */
	char text[128];      /* request target, reason phrase, or the line */
	int line_cut;        /* the line goes on in the next segment */
	int from_server;     /* SMTP/POP/IMAP/FTP: a reply (else a command) */
	uint32_t more_lines; /* more lines in the segment */
	char host[128];      /* HTTP Host header; TLS server name (SNI) */
	int has_length;
	uint64_t length;    /* Content-Length */
	char encoding[32];  /* Transfer-Encoding */
	int headers_done;   /* the empty line was in this segment */
	uint32_t body_here; /* body bytes after it in this segment */
	uint8_t tls_type;   /* TLS: record type (22 handshake, 23 data) */
	uint8_t tls_hs;     /* handshake type (1 ClientHello, 2 ServerHello) */
	uint16_t tls_record, tls_len; /* record version and length */
	uint16_t tls_hello_version;   /* the hello's legacy version */
	uint16_t tls_max; /* ClientHello: the highest supported_versions;
	                   * ServerHello: the version chosen (0: none) */
};

int cap_app_decode(const struct cap_pkt *pkt, struct cap_app *a);
int cap_app_decode_bytes(struct cap_app *a, const uint8_t *p, size_t n,
    uint16_t sport, uint16_t dport);
const char *cap_tls_version_name(uint16_t v);

struct cap_http_msg {
	enum cap_app_kind kind; /* CAP_APP_HTTP_REQUEST or _RESPONSE */
	uint16_t status;        /* a response's status */
	uint64_t end;           /* offset just past it (past the segment when
	                         * its body goes on; the segment's end when
	                         * only the connection's end or the chunks
	                         * tell) */
};

uint32_t cap_http_messages(
    const uint8_t *p, size_t n, struct cap_http_msg *msg, uint32_t max);

#endif

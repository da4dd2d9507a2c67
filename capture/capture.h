/*
 * The capture library: decode one captured packet into plain fields
 * (struct cap_pkt), follow conversations (struct cap_flows) and read pcap
 * files with clear errors.  No printing, no exit, no malloc per packet.
 *
 * Interface:
 *	cap_decode(pkt, linktype, bytes, caplen, len, ts)
 *	        decode one packet (DLT_* link type) into *pkt; 0, or -1 when
 *	        the link type is not supported (pkt->link == CAP_LINK_NONE).
 *	        A truncated or malformed packet still returns 0: look at
 *	        pkt->trunc and pkt->bad.
 *	cap_linktype_supported(linktype)   1 if cap_decode knows it
 *
 *	cap_flows_new(max, idle_s)    a conversation table (0, 0: param.h
 *	                              defaults); NULL (errno) on failure
 *	cap_flows_free(ft)            free it (no eviction callbacks)
 *	cap_flows_on_evict(ft, fn, arg)  fn(arg, conv) just before a
 *	                              conversation leaves the table
 *	cap_flow_track(ft, pkt, note) account pkt to its conversation and
 *	                              fill *note (relative seq/ack, scaled
 *	                              window, handshake/teardown/retransmission
 *	                              /request-reply annotations); 0, or -1
 *	                              when pkt is not tracked (note->conv NULL)
 *	cap_flows_first(ft), cap_flows_next(ft, conv)
 *	                              iterate over live conversations, oldest
 *	                              first (by conv->id)
 *	cap_flows_flush(ft)           evict everything (callback for each, in
 *	                              id order): call it at the end of a run
 *	cap_flows_stats(ft, st)       table counters (live, evicted, ...)
 *
 *	cap_file_open(path, err, errlen)   open a pcap/pcapng file ("-":
 *	                              standard input; a FIFO or pipe works:
 *	                              the input is read once); NULL and one
 *	                              clear line in err on failure (bad
 *	                              magic, truncated header)
 *	cap_file_warning(f)           NULL, or one line the reader should
 *	                              see (an absurd snapshot length, read
 *	                              as libpcap's maximum)
 *	cap_file_next(f, pkt, err, errlen) read and decode the next packet:
 *	                              1 a packet, 0 end of file, -1 error
 *	                              (e.g. truncated record) with err set
 *	cap_file_linktype(f), cap_file_pcap(f) (the pcap_t, for filters),
 *	cap_file_close(f)
 *
 *	cap_layer_name(layer)         "link", "ip", "tcp", ... (short name)
 *	cap_trunc_name(pkt)           the cut layer as tcpdump's mark names it
 *	                              ("ether", "ip", "tcp", ...: " [|tcp]"),
 *	                              NULL when nothing was cut
 *	cap_ethertype_name(type)      "ARP", "IPv6", ... or NULL
 *	cap_ipproto_name(proto)       "TCP", "UDP", "SCTP", ... or NULL
 *	cap_icmp_name(family, type, code)  "echo request", "port
 *	                              unreachable", ... (never NULL)
 *	cap_tcp_flags_str(flags, buf) tcpdump's "S.", "P.", "F." ... in buf
 *	                              (CAP_TCP_FLAGS_STRLEN bytes)
 *	cap_addr_str(addr, buf, n)    numeric address (inet_ntop); not for
 *	                              the per-packet hot path
 *
 * Conventions: all multi-byte fields are in host order.  Direction 0 is
 * client to server (the side that sent the SYN, or for UDP the first
 * sender), 1 is server to client.  Timestamps are struct timeval as
 * libpcap gives them.  Pointers into the packet (payload) are valid as
 * long as the caller's packet buffer is; struct cap_conv pointers are
 * valid until the next cap_flow_track/cap_flows_flush call.
 */
#ifndef CAPTURE_H
#define CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "i18n.h"

/* Layers: where a packet was cut (pkt->trunc) or found malformed. */
enum cap_layer {
	CAP_L_NONE = 0, /* nothing cut */
	CAP_L_LINK,     /* link header: "eth", "sll", "null", ... */
	CAP_L_IP,       /* IPv4 header (options included) */
	CAP_L_IP6,      /* IPv6 header or an extension header */
	CAP_L_TCP,      /* TCP header or its options */
	CAP_L_UDP,      /* UDP header */
	CAP_L_ICMP,     /* ICMP header or its quoted packet */
	CAP_L_ICMP6,    /* ICMPv6 header or its quoted packet */
	CAP_L_PAYLOAD   /* headers whole, only payload bytes missing */
};

enum cap_link {
	CAP_LINK_NONE = 0, /* unsupported link type */
	CAP_LINK_ETH,      /* DLT_EN10MB (Linux lo: zero MACs) */
	CAP_LINK_SLL,      /* DLT_LINUX_SLL ("any", cooked v1) */
	CAP_LINK_SLL2,     /* DLT_LINUX_SLL2 (cooked v2) */
	CAP_LINK_NULL,     /* DLT_NULL (BSD lo0, host byte order) */
	CAP_LINK_LOOP,     /* DLT_LOOP (OpenBSD lo0, network order) */
	CAP_LINK_RAW       /* DLT_RAW, DLT_IPV4, DLT_IPV6: bare IP */
};

enum cap_net {
	CAP_NET_NONE = 0, /* link header cut or unsupported link */
	CAP_NET_IP,       /* IPv4 */
	CAP_NET_IP6,      /* IPv6 */
	CAP_NET_OTHER     /* another ethertype/family: see ethertype */
};

enum cap_tp {
	CAP_TP_NONE = 0, /* no transport: not IP, a later fragment, cut */
	CAP_TP_TCP,
	CAP_TP_UDP,
	CAP_TP_ICMP,  /* ICMP over IPv4 */
	CAP_TP_ICMP6, /* ICMPv6 */
	CAP_TP_OTHER  /* another protocol: see pkt->proto */
};

/* TCP flags as on the wire (byte 13), plus AE (the old NS bit). */
#define CAP_TH_FIN 0x001
#define CAP_TH_SYN 0x002
#define CAP_TH_RST 0x004
#define CAP_TH_PSH 0x008
#define CAP_TH_ACK 0x010
#define CAP_TH_URG 0x020
#define CAP_TH_ECE 0x040
#define CAP_TH_CWR 0x080
#define CAP_TH_AE 0x100

/* TCP option kinds */
#define CAP_TCPOPT_EOL 0
#define CAP_TCPOPT_NOP 1
#define CAP_TCPOPT_MSS 2
#define CAP_TCPOPT_WSCALE 3
#define CAP_TCPOPT_SACKOK 4
#define CAP_TCPOPT_SACK 5
#define CAP_TCPOPT_TS 8

/* Sizes of the fixed arrays below. */
#define CAP_TCP_OPTS_MAX 20     /* options listed per segment (40 bytes) */
#define CAP_SACK_MAX 4          /* SACK blocks kept */
#define CAP_IP6_EXT_MAX 8       /* IPv6 extension headers listed */
#define CAP_BAD_LEN 80          /* room for a malformed-packet reason */
#define CAP_TCP_FLAGS_STRLEN 12 /* "SFRPUEWA." and a NUL, with room */

/* pkt->flags */
#define CAP_F_DF 0x0001         /* IPv4 don't fragment */
#define CAP_F_MF 0x0002         /* more fragments (IPv4 or IPv6) */
#define CAP_F_FRAG 0x0004       /* a fragment (offset != 0 or MF) */
#define CAP_F_IP_OPTS 0x0008    /* IPv4 header carried options */
#define CAP_F_IP6_EXT 0x0010    /* IPv6 extension headers present */
#define CAP_F_VLAN 0x0020       /* an 802.1Q/802.1ad tag was skipped */
#define CAP_F_TCP_BADOPT 0x0040 /* TCP options malformed (list stops) */
#define CAP_F_UDP_LEN 0x0080    /* UDP length field != IP payload length */
#define CAP_F_TS_USEC                                                          \
	0x0100 /* the microsecond field was invalid (not                       \
	        * 0..999999): see ts_usec_raw */

/* An IPv4 or IPv6 address: family 4 or 6 (0: none), network-order bytes
 * (IPv4 in a[0..3]).  Zero the whole struct before filling it: conversation
 * keys compare all 17 bytes. */
struct cap_addr {
	uint8_t family;
	uint8_t a[16];
};

struct cap_tcpopt {
	uint8_t kind; /* CAP_TCPOPT_* or any other kind */
	uint8_t len;  /* length byte (1 for EOL/NOP) */
};

struct cap_tcp {
	uint32_t seq, ack; /* absolute, as on the wire */
	uint16_t flags;    /* CAP_TH_* */
	uint16_t win;      /* raw window field (not scaled) */
	uint16_t urp, sum;
	uint8_t hlen; /* header length in bytes (data offset * 4) */
	/* Options, in wire order, and the values of the known ones. */
	uint8_t nopts;
	struct cap_tcpopt opts[CAP_TCP_OPTS_MAX];
	uint8_t has_mss, has_wscale, sack_ok, has_ts;
	uint16_t mss;
	uint8_t wscale; /* shift count as sent (may exceed 14) */
	uint32_t ts_val, ts_ecr;
	uint8_t nsack; /* SACK blocks (at most CAP_SACK_MAX kept) */
	uint32_t sack[CAP_SACK_MAX][2]; /* absolute left, right edges */
};

struct cap_udp {
	uint16_t ulen; /* the length field (header + data) */
	uint16_t sum;
};

/* The packet an ICMP error quotes (the one that caused it). */
struct cap_icmp_inner {
	uint8_t valid;     /* an IP header was quoted and read */
	uint8_t has_ports; /* the first 4 bytes of TCP/UDP were there */
	uint8_t proto;     /* its protocol */
	struct cap_addr src, dst;
	uint16_t sport, dport;
};

struct cap_icmp {
	uint8_t type, code;
	uint16_t sum;
	uint16_t id, seq;            /* echo request/reply */
	uint32_t rest;               /* bytes 4..7 (MTU, pointer, gateway) */
	struct cap_icmp_inner inner; /* for errors (unreachable, ...) */
};

/* One decoded packet.  cap_decode fills every field that it reaches;
 * fields of layers it did not reach are zero. */
struct cap_pkt {
	/* As captured */
	const uint8_t *data;  /* the captured bytes */
	uint32_t caplen;      /* bytes captured */
	uint32_t len;         /* bytes on the wire */
	struct timeval ts;    /* the file's 32-bit seconds read unsigned
	                       * (dates up to 2106); an invalid microsecond
	                       * field counts as 999999 (the packet stays in
	                       * its second: times keep their order) */
	uint32_t ts_usec_raw; /* CAP_F_TS_USEC: the field as it was */
	int linktype;         /* DLT_* as given */

	/* Link layer */
	enum cap_link link;
	uint16_t link_hlen; /* bytes of link header (VLAN tags included) */
	uint16_t ethertype; /* ethertype / SLL protocol; for NULL/LOOP and
	                     * raw IP the ethertype of the family found */
	uint32_t family;    /* NULL/LOOP: the AF_ value as read */
	uint8_t eth_src[8], eth_dst[8]; /* Ethernet MACs; SLL: the address
	                                 * in eth_src (sll_halen bytes) */
	uint8_t sll_halen;
	uint16_t sll_pkttype; /* SLL: 0 to us, 4 outgoing, ... */
	uint32_t sll_ifindex; /* SLL2 only */
	uint16_t vlan;        /* VLAN id of the first tag (CAP_F_VLAN) */

	/* Network layer */
	enum cap_net net;
	struct cap_addr src, dst;
	uint8_t ip_hlen;    /* IPv4 header bytes (options included) */
	uint8_t tos;        /* IPv4 TOS / IPv6 traffic class */
	uint8_t ttl;        /* IPv4 TTL / IPv6 hop limit */
	uint8_t proto;      /* IPv4 protocol / IPv6 last next header */
	uint16_t ip_id;     /* IPv4 identification */
	uint16_t ip_totlen; /* IPv4 total length field */
	uint16_t ip6_plen;  /* IPv6 payload length field */
	uint32_t ip6_flow;  /* IPv6 flow label */
	uint32_t frag_id;   /* IPv6 fragment header identification */
	uint16_t frag_off;  /* fragment offset in bytes */
	uint8_t n_ext;      /* IPv6 extension headers walked */
	uint8_t ext[CAP_IP6_EXT_MAX]; /* their next-header numbers, in order */
	uint16_t net_off;             /* offset of the IP header in data */
	uint32_t ip_len; /* datagram length per the header (v4 total
	                  * length, v6 40 + payload length) */

	/* Transport layer */
	enum cap_tp tp;
	uint16_t tp_off;       /* offset of the transport header in data */
	uint16_t sport, dport; /* TCP/UDP ports (0 otherwise) */
	struct cap_tcp tcp;
	struct cap_udp udp;
	struct cap_icmp icmp; /* ICMP and ICMPv6 */

	/* Payload: what follows the transport header (for CAP_TP_OTHER and
	 * later fragments, what follows the IP headers). */
	const uint8_t *payload;  /* NULL when nothing of it was captured */
	uint32_t payload_caplen; /* bytes of payload captured */
	uint32_t payload_len;    /* bytes of payload on the wire (per IP
	                          * and transport headers) */

	/* What went wrong */
	uint32_t flags;           /* CAP_F_* */
	enum cap_layer trunc;     /* the layer the capture cut, or CAP_L_NONE */
	enum cap_layer bad_layer; /* the layer found malformed */
	const char *bad;          /* NULL, or why it is malformed, in tcpdump's
	                           * words: "bad hdr length 16 - too short, < 20",
	                           * "bad length 92 > 6" (points into bad_buf) */
	char bad_buf[CAP_BAD_LEN];
};

int cap_decode(struct cap_pkt *pkt, int linktype, const uint8_t *bytes,
    uint32_t caplen, uint32_t len, const struct timeval *ts);
int cap_linktype_supported(int linktype);

/* Conversations */

enum cap_conv_state {
	CAP_CS_NEW = 0,     /* UDP, or TCP seen mid-connection */
	CAP_CS_SYN_SENT,    /* 1/3 seen */
	CAP_CS_SYN_RCVD,    /* 2/3 seen */
	CAP_CS_ESTABLISHED, /* 3/3 seen, or data both ways */
	CAP_CS_FIN_WAIT,    /* one side sent FIN */
	CAP_CS_CLOSING,     /* both sent FIN, last ACK not yet seen */
	CAP_CS_CLOSED,      /* both FINs acknowledged */
	CAP_CS_RESET        /* a RST was seen */
};

struct cap_conv {
	uint32_t id;              /* 1, 2, ... in order of first packet */
	uint8_t proto;            /* 6 TCP, 17 UDP */
	struct cap_addr cli, srv; /* client: sent the SYN / first datagram */
	uint16_t cli_port, srv_port;
	enum cap_conv_state state;
	uint8_t hs_seen;   /* the client's SYN was captured */
	uint8_t wscale_ok; /* both SYNs carried window scale */
	uint8_t refused;   /* the server answered the SYN with a RST:
	                    * nothing listens there (CAP_EV_REFUSED) */
	uint8_t wscale[2]; /* shift per direction (when wscale_ok) */
	uint16_t mss[2];   /* MSS announced per direction (0: none) */
	int8_t closer;     /* direction of the first FIN, -1 none */
	int8_t resetter;   /* direction of the first RST, -1 none */
	uint32_t isn[2];   /* relative numbering base per direction */
	uint32_t pkts[2];  /* packets per direction */
	uint64_t bytes[2]; /* on-wire bytes (pkt->len) per direction */
	uint64_t data[2];  /* payload bytes per direction */
	uint32_t retrans[2], ooo[2]; /* segments flagged per direction */
	struct timeval first, last;
	int64_t rtt_synack_us; /* SYN to SYN-ACK, -1 unknown */
	int64_t rtt_hs_us;     /* SYN to the handshake's ACK (3/3), -1 */
	uint32_t requests;     /* UDP: datagrams client -> server */
	uint32_t replies;      /* UDP: server datagrams paired to a request */
	uint32_t unpaired;     /* UDP: server datagrams with no request
	                        * open (CAP_EV_UNPAIRED) */
	uint32_t unmatched;    /* UDP: server datagrams of an echo
	                        * conversation that echo none of the open
	                        * requests: not replies (CAP_EV_UNMATCHED) */
	uint32_t unanswered;   /* UDP: requests never answered (final once
	                        * the conversation is evicted/flushed) */
	uint32_t unreach;      /* ICMP port unreachable that refer to it */
};

/* note->ev bits: the annotations of one packet (several may be set). */
#define CAP_EV_HS1 0x00001 /* handshake 1/3: SYN */
#define CAP_EV_HS2 0x00002 /* handshake 2/3: SYN-ACK */
#define CAP_EV_HS3 0x00004 /* handshake 3/3: the client's ACK */
#define CAP_EV_NO_HS                                                           \
	0x00008                  /* first packet of a conversation whose       \
	                          * handshake was not captured */
#define CAP_EV_FIN1 0x00010      /* the first FIN (note->dir closes first) */
#define CAP_EV_FIN2 0x00020      /* the other side's FIN */
#define CAP_EV_FIN_ACK 0x00040   /* acknowledges the first FIN */
#define CAP_EV_LAST_ACK 0x00080  /* acknowledges the second FIN: closed */
#define CAP_EV_RST 0x00100       /* reset */
#define CAP_EV_RETRANS 0x00200   /* retransmission of bytes/SYN/FIN seen */
#define CAP_EV_OOO 0x00400       /* out of order: fills a gap recently left */
#define CAP_EV_GAP 0x00800       /* bytes before this one were not seen */
#define CAP_EV_KEEPALIVE 0x01000 /* TCP keep-alive probe */
#define CAP_EV_ZERO_WIN 0x02000  /* window 0 advertised */
#define CAP_EV_DUP_ACK 0x04000   /* duplicate ACK */
#define CAP_EV_REQUEST 0x08000   /* UDP: request #note->req */
#define CAP_EV_REPLY 0x10000     /* UDP: reply to datagram #note->req */
#define CAP_EV_UNPAIRED 0x20000  /* UDP: server datagram, no request open */
#define CAP_EV_PORT_UNREACH                                                    \
	0x40000            /* ICMP/ICMPv6 port unreachable for                 \
	                    * the UDP conversation note->conv, port            \
	                    * note->port; why: note->unreach */
#define CAP_EV_NEW 0x80000 /* first packet of its conversation */
#define CAP_EV_UNMATCHED                                                       \
	0x100000 /* UDP: server datagram of an echo conversation               \
	          * that echoes no open request: not a reply */
#define CAP_EV_REFUSED                                                         \
	0x200000 /* TCP: the server's RST answers the client's SYN:            \
	          * connection refused, nothing listens on the port            \
	          * (CAP_EV_RST is set too) */

/* CAP_EV_PORT_UNREACH: what the capture tells about the refusing port. */
enum cap_unreach {
	CAP_UR_UNKNOWN = 0, /* nothing accepts the datagram there (the
	                     * quoted datagram was not seen, or the port
	                     * has answered before) */
	CAP_UR_NO_SERVER,   /* the quoted datagram went to a conversation's
	                     * server port that never sent a thing */
	CAP_UR_CONNECTED    /* the port is the client of another live UDP
	                     * conversation (note->unreach_conv): a
	                     * connected socket refuses other senders */
};

/* The tracker's verdict on one packet. */
struct cap_note {
	const struct cap_conv *conv; /* NULL: not tracked (not TCP/UDP,
	                              * fragment, cut, or an ICMP error that
	                              * refers to no known conversation) */
	int dir;                     /* 0 client->server, 1 server->client */
	uint32_t ev;                 /* CAP_EV_* */
	/* TCP: relative numbers from each direction's ISN (the SYN shows
	 * seq 0, the data after the handshake starts at 1).  Without the
	 * handshake the base is the first packet seen: its seq is 0 and
	 * its ack 1, as tcpdump anchors. */
	uint32_t rel_seq, rel_ack;
	/* TCP: exactly what `tcpdump -nn` prints (SYN, SYN-ACK and the
	 * first ACK packet of a conversation absolute, the rest relative to
	 * the SYN-ACK or first packet); td_abs says it printed absolute. */
	uint32_t td_seq, td_ack;
	uint8_t td_abs;
	uint32_t win;       /* window scaled when wscale_ok (never on a
	                     * SYN), else the raw field */
	uint8_t win_scaled; /* 1 if win was scaled */
	uint32_t seg_len;   /* TCP: payload bytes on the wire */
	/* UDP: request number (CAP_EV_REQUEST) or the request this replies
	 * to (CAP_EV_REPLY), and that request's round trip time.  Open
	 * requests are the unanswered ones among the last CAP_UDP_PENDING
	 * (param.h).  A datagram back is, in this order:
	 *  - a reply to the open request whose payload it echoes: same
	 *    length, same first CAP_UDP_HASH_BYTES bytes but for the case
	 *    of a-z ("ping 2" / "PING 2"); the conversation is then an echo
	 *    conversation;
	 *  - CAP_EV_UNPAIRED when no request is open;
	 *  - CAP_EV_UNMATCHED, not a reply, in an echo conversation: one
	 *    where a datagram back has echoed its request, or a request was
	 *    the lab's ping ("ping " and a digit, any case).  So a stray
	 *    "PING 1!" before "PING 1" is not taken for the reply, even as
	 *    the first datagram back;
	 *  - otherwise (request/response that does not echo, as DNS) a reply
	 *    to the oldest open request.
	 * Echo matching is by a hash of those bytes: a collision (1 in 2^32)
	 * could pair a datagram that does not echo. */
	uint32_t req;
	int64_t rtt_us;        /* reply: since the request, else -1 */
	uint16_t port;         /* CAP_EV_PORT_UNREACH: the closed port */
	uint8_t unreach;       /* CAP_EV_PORT_UNREACH: enum cap_unreach */
	uint32_t unreach_conv; /* CAP_UR_CONNECTED: the conversation whose
	                        * client the port is */
};

struct cap_flows_stats {
	uint32_t live;         /* conversations in the table */
	uint32_t max;          /* table size */
	uint64_t created;      /* conversations ever created */
	uint64_t evicted_idle; /* evicted for idleness / closed */
	uint64_t evicted_full; /* evicted (least recently used) for room */
	uint64_t untracked;    /* packets cap_flow_track declined */
};

struct cap_flows;
typedef void cap_evict_fn(void *arg, const struct cap_conv *conv);

struct cap_flows *cap_flows_new(uint32_t max, uint32_t idle_s);
void cap_flows_free(struct cap_flows *ft);
void cap_flows_on_evict(struct cap_flows *ft, cap_evict_fn *fn, void *arg);
int cap_flow_track(
    struct cap_flows *ft, const struct cap_pkt *pkt, struct cap_note *note);
const struct cap_conv *cap_flows_first(const struct cap_flows *ft);
const struct cap_conv *cap_flows_next(
    const struct cap_flows *ft, const struct cap_conv *conv);
void cap_flows_flush(struct cap_flows *ft);
void cap_flows_stats(const struct cap_flows *ft, struct cap_flows_stats *st);

/* Files.  struct pcap is libpcap's pcap_t (pcap.h needs _DEFAULT_SOURCE,
 * so this header does not include it). */
struct cap_file;
struct pcap;

struct cap_file *cap_file_open(const char *path, char *err, size_t errlen);
int cap_file_next(
    struct cap_file *f, struct cap_pkt *pkt, char *err, size_t errlen);
int cap_file_linktype(const struct cap_file *f);
const char *cap_file_warning(const struct cap_file *f);
struct pcap *cap_file_pcap(struct cap_file *f);
void cap_file_close(struct cap_file *f);

/* Names */
const char *cap_layer_name(enum cap_layer layer);
const char *cap_trunc_name(const struct cap_pkt *pkt);
const char *cap_ethertype_name(uint16_t type);
const char *cap_ipproto_name(uint8_t proto);
const char *cap_icmp_name(int family, uint8_t type, uint8_t code); /* 4, 6 */
char *cap_tcp_flags_str(uint16_t flags, char *buf);
char *cap_addr_str(const struct cap_addr *addr, char *buf, size_t n);

#endif

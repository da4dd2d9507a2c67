/*
 * The capture library's limits and tunables, in one place (xv6's param.h).
 * Conversation-table sizes bound the memory a long capture can use.
 */
#ifndef CAP_PARAM_H
#define CAP_PARAM_H

/* Conversation table (flow.c) */
#define CAP_FLOW_MAX 4096      /* conversations kept at once (~700 B each) */
#define CAP_FLOW_IDLE_S 120    /* capture-time idleness before expiry */
#define CAP_FLOW_CLOSED_S 10   /* a closed/reset conversation lingers */
#define CAP_FLOW_EXPIRE_SCAN 2 /* LRU tail entries checked per packet */
#define CAP_FLOW_VICTIM_SCAN                                                   \
	8               /* tail entries searched for a closed one              \
	                 * when the table is full */
#define CAP_TCP_HOLES 4 /* sequence gaps remembered per direction */
#define CAP_OOO_US                                                             \
	3000                  /* a gap filled within the handshake RTT         \
	                       * (or 3 ms) is out of order (tshark) */
#define CAP_UDP_PENDING 8     /* recent requests kept for reply pairing */
#define CAP_UDP_HASH_BYTES 64 /* payload bytes hashed for pairing */
#define CAP_UNREACH_SCAN                                                       \
	256 /* recent conversations searched for the                           \
	     * port an ICMP port unreachable names */

/* Decoding */
#define CAP_VLAN_MAX 2      /* stacked 802.1Q/802.1ad tags skipped */
#define CAP_IP6_EXT_WALK 16 /* extension headers walked at most */

/* Exchanges: questions waiting for their answer (xchg.c) */
#define CAP_XCHG_MAX 4096 /* questions kept at once (~100 B each) */
#define CAP_XCHG_WAYS 8   /* slots per set: a full set drops its oldest */
#define CAP_XCHG_HTTP_CONNS 1024 /* HTTP connections counted at once */
#define CAP_HTTP_PIPELINE 16     /* HTTP messages read from one segment */

#define CAP_TRACE_TTL_MAX 30 /* a packet with a smaller TTL is a probe */

/* DNS (decode-dns.c) */
#define CAP_DNS_PTR_MAX 64      /* compression pointers followed per name */
#define CAP_REASM_SLOTS 8       /* DNS-over-TCP messages being reassembled */
#define CAP_REASM_MAX 16384     /* longest message reassembled (bytes) */
#define CAP_REASM_HTTP_MAX 4096 /* longest HTTP head reassembled */

/* Files (file.c) */
#define CAP_FILE_SNAPLEN_MAX (16u << 20) /* larger: warn (libpcap clamps) */
#define CAP_FILE_READ_BUF (64 << 10)     /* stdio buffer libpcap reads */

#endif

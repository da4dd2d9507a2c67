/*
 * labsniff's internals: the program's context and the interface between
 * its files (options and loop, live capture, --exec, the printers).
 *
 * Interface:
 *	live_open(s, iface)        open a live capture (snaplen, buffer,
 *	                           immediate mode when someone watches)
 *	live_stats_print(s)        the kernel's counters for the summary
 *	exec_enter(s)              private network namespace, lo up
 *	exec_start(s)              run the --exec commands in order
 *	exec_poll(s)               reap; 1 once the last command has ended
 *	exec_stop(s)               end the commands still running
 *	exec_report(s)             one line per command for the summary
 *	exec_pollfds(s, pfd, max)  the commands' output pipes to poll
 *	exec_relay(s, pfd, n)      their output, line by line, tagged "[N] "
 *	                           (--json: "output" objects) into our output
 *	hexdump_print(ob, p, n)    tcpdump -X style hex + ASCII lines
 *	print_init(s), print_packet(s, pkt), print_finish(s)
 *	                           the per-packet output and the end (print.c)
 *	print_endpoint, print_tcp_words, print_label, print_notes,
 *	print_text, print_ms       pieces the other printers share
 *	summary_*                  conversations kept for the end summary
 *	ladder_*                   the sequence diagrams (terminal); svg_write
 *	                           draws the same in SVG; --conv N: one only
 *	timeline_*                 --timeline: a row per conversation over
 *	                           one time axis (terminal and SVG)
 *	route_*                    traceroute's hops for the drawings
 *	                           (route.h)
 *	json_packet/json_conv/json_capture/json_string  --json
 *	print_arp, print_dns, print_eth_addrs   ARP and DNS lines, -e
 *	xchg_*                     answers tied to questions (echo, ARP,
 *	                           DNS): notes, --json, summary
 */
#ifndef LABSNIFF_H
#define LABSNIFF_H

#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "capture.h"
#include "outbuf.h"
#include "proto.h"

/* Limits and tunables */
#define SNIFF_SNAPLEN 262144          /* as tcpdump: whole packets */
#define SNIFF_BUFFER_BYTES (4 << 20)  /* kernel ring: 4 MiB */
#define SNIFF_TIMEOUT_MS 100          /* batched mode: deliver within */
#define SNIFF_OUTBUF_BYTES (64 << 10) /* one write() per 64 KiB */
#define SNIFF_MAX_EXEC 16             /* --exec commands */
#define EXEC_READY_MS 2000            /* wait for a command to bind */
#define EXEC_POLL_MS 20               /* child / socket check period */
#define EXEC_GRACE_MS 500             /* SIGTERM to SIGKILL */
#define EXEC_DRAIN_MS 50              /* quiet time before the last drain */
#define EXEC_LINE_MAX 1024            /* a command's output line, cut */
#define PRINT_TEXT_MAX 64             /* payload bytes shown as text */
#define LABEL_TEXT_MAX 20             /* payload bytes in a diagram label */
#define SUMMARY_MAX 20                /* conversations listed one by one */
#define LADDER_MAX_CONVS 8            /* diagrams drawn */
#define LADDER_MAX_EVENTS 2000        /* arrows drawn, all diagrams */
#define LADDER_LABEL_LEN 72           /* label bytes per arrow */
#define LADDER_NOTE_LEN 64            /* annotation bytes per arrow */
#define XCHG_LOST_MAX 20              /* unanswered questions listed */
#define XCHG_ROUTES_MAX 4             /* traceroute destinations shown */
#define XCHG_PINGS_MAX 8              /* pinger/destination pairs shown */
#define ROUTE_MAX_EVENTS 1000         /* route drawings: probes + answers */
#define ROUTE_WHAT_LEN 40             /* "UDP to port 33434", cut */
#define ROUTE_COL 8                   /* --ladder: columns between hops */
#define TIMELINE_MAX_ROWS 100         /* --timeline: conversations drawn */
#define TIMELINE_MAX_MARKS 1000000    /* packets marked, all rows (16 B) */
#define TIMELINE_MAX_SPANS 262144     /* conversations counted "at once" */
#define TIMELINE_WIDTH 100            /* columns when not a terminal */
#define TIMELINE_WIDTH_MAX 400        /* a wider terminal is cut to this */
#define TIMELINE_AXIS_MIN 20          /* time columns at least */
#define TIMELINE_LABEL_MAX 56         /* "#N TCP client -> server", cut */

struct sniff_opts {
	const char *iface;   /* -i, default "lo" */
	const char *rfile;   /* -r */
	const char *wfile;   /* -w */
	const char *svgfile; /* --svg */
	long count;          /* -c, 0 = no limit */
	int hex, quiet, ladder, json;
	int eth;       /* -e: Ethernet addresses on every line */
	int timeline;  /* --timeline */
	uint32_t conv; /* --conv N: the ladder of conversation N (0: all) */
	char *exec_cmd[SNIFF_MAX_EXEC];
	int n_exec;
	char *filter; /* joined FILTER words, NULL if none */
};

struct exec_cmd {
	pid_t pid;  /* 0 once reaped */
	int status; /* wait status once reaped */
	int killed; /* we ended it (it outlived the last command) */
	int out_fd; /* its stdout+stderr pipe, -1 once at EOF */
	size_t len; /* bytes of a partial line in line[] */
	char line[EXEC_LINE_MAX];
};

struct summary;
struct ladder;
struct timeline;
struct xsum;
struct cap_xchg;
struct route;

/* Printer state: the conversation table and the run's counters. */
struct sniff_print {
	struct cap_flows *flows;
	struct timeval t0; /* the first packet's timestamp */
	int have_t0;
	uint64_t pkts, bytes; /* packets handled, bytes on the wire */
	uint64_t untracked;   /* not part of a TCP/UDP conversation */
	uint64_t trunc, bad;  /* cut by the snap length; malformed */
	struct summary *sum;
	struct ladder *lad;
	struct timeline *tl;   /* --timeline */
	struct route *route;   /* traceroute's hops, when drawing */
	struct cap_xchg *xchg; /* questions and answers (exchange.c) */
	struct xsum *xs;
	struct cap_xnote xn;      /* the current packet's exchange */
	struct cap_reasm *reasm;  /* DNS over TCP across segments */
	const uint8_t *reasm_msg; /* a message the packet completed */
	size_t reasm_len;
	uint32_t reasm_nseg;
	int reasm_http; /* it is an HTTP head, else a DNS message */
};

struct sniff {
	struct sniff_opts o;
	pcap_t *pc;
	pcap_dumper_t *dump;
	struct outbuf out;
	int linktype;
	int live;        /* a live capture (not -r) */
	int immediate;   /* immediate mode was asked for */
	int out_tty;     /* stdout is a terminal */
	int interrupted; /* Ctrl-C / SIGTERM ended the capture */
	uint64_t shown;  /* packets handled (after the filter) */
	struct exec_cmd cmd[SNIFF_MAX_EXEC];
	struct sniff_print pr; /* printer state (print.c) */
	char err[1024];        /* the one line for stderr */
};

int live_open(struct sniff *s, const char *iface);
void live_stats_print(struct sniff *s);

int exec_enter(struct sniff *s);
int exec_start(struct sniff *s);
int exec_poll(struct sniff *s);
void exec_stop(struct sniff *s);
void exec_report(struct sniff *s);
struct pollfd;
int exec_pollfds(struct sniff *s, struct pollfd *pfd, int max);
void exec_relay(struct sniff *s, const struct pollfd *pfd, int n);

/* The capture loop's pump, used by exec.c while it waits for readiness. */
int sniff_pump(struct sniff *s, int timeout_ms);

void hexdump_print(struct outbuf *ob, const uint8_t *p, size_t n);

/* A TCP header shorter than 20 bytes: nothing past the ports is shown
 * (tcpdump: "tcp 8 [bad hdr length 16 - too short, < 20]"). */
static inline int
tcp_hdr_rejected(const struct cap_pkt *pkt)
{
	return pkt->tp == CAP_TP_TCP && pkt->bad_layer == CAP_L_TCP &&
	       pkt->tcp.hlen < 20;
}

/* The first fragment of a UDP datagram: its header's length field is
 * the whole datagram's, the packet holds only the start of it. */
static inline int
udp_first_fragment(const struct cap_pkt *pkt)
{
	return pkt->tp == CAP_TP_UDP && (pkt->flags & CAP_F_MF) &&
	       pkt->udp.ulen >= 8 && pkt->bad == NULL;
}

int print_init(struct sniff *s);
void print_packet(struct sniff *s, const struct cap_pkt *pkt);
int print_finish(struct sniff *s);
void print_free(struct sniff *s);
void print_endpoint(struct outbuf *ob, const struct cap_addr *a, int port);
void print_tcp_words(struct outbuf *ob, uint16_t flags);
void print_label(struct outbuf *ob, const struct cap_pkt *pkt,
    const struct cap_note *note, size_t text_max);
int print_notes(
    struct outbuf *ob, const struct cap_pkt *pkt, const struct cap_note *note);
void print_text(struct outbuf *ob, const uint8_t *p, size_t n, size_t max);
void print_ms(struct outbuf *ob, int64_t us);
void print_reltime(
    struct outbuf *ob, const struct timeval *t0, const struct timeval *t);

struct summary *summary_new(struct outbuf *json);
void summary_free(struct summary *sum);
cap_evict_fn summary_evicted;
void summary_print(struct sniff *s);

struct ladder *ladder_new(void);
void ladder_free(struct ladder *l);
void ladder_add(struct ladder *l, const struct cap_pkt *pkt,
    const struct cap_note *note, const struct timeval *t0);
void ladder_print(struct ladder *l, struct outbuf *ob);
int svg_write(struct ladder *l, const struct route *route, const char *path,
    char *err, size_t errlen);
void ladder_pick(struct ladder *l, uint32_t id);
int ladder_has_conv(const struct ladder *l, uint32_t *nconv);

struct timeline *timeline_new(void);
void timeline_free(struct timeline *t);
void timeline_add(struct timeline *t, const struct cap_pkt *pkt,
    const struct cap_note *note, const struct timeval *t0);
void timeline_print(struct timeline *t, const struct route *route,
    struct outbuf *ob, int width);
int timeline_svg(const struct timeline *t, const struct route *route,
    const char *path, char *err, size_t errlen);

void json_packet(
    struct sniff *s, const struct cap_pkt *pkt, const struct cap_note *note);
void json_conv(struct outbuf *ob, const struct cap_conv *c);
void json_capture(struct sniff *s);
void json_string(struct outbuf *ob, const uint8_t *p, size_t n);

/* Protocols above the transport (print-arp.c, print-dns.c) and the
 * exchanges that tie an answer to its question (exchange.c). */
int print_arp(struct outbuf *ob, const struct cap_pkt *pkt);
int print_dns(struct outbuf *ob, const struct cap_pkt *pkt, const char *lead);
int print_dhcp(struct outbuf *ob, const struct cap_pkt *pkt);
int print_nd(struct outbuf *ob, const struct cap_pkt *pkt);
int print_app(struct outbuf *ob, const struct cap_pkt *pkt);
void print_reasm(
    struct outbuf *ob, const struct sniff *s, const struct cap_pkt *pkt);
void print_dns_type(struct outbuf *ob, uint16_t type);
void print_dns_rdata(struct outbuf *ob, const struct cap_dns_rr *rr);
void print_dns_reasm(
    struct outbuf *ob, const uint8_t *msg, size_t len, uint32_t nseg);
void print_mac(struct outbuf *ob, const uint8_t *mac, size_t n);
void print_eth_addrs(struct outbuf *ob, const struct cap_pkt *pkt);
int xchg_init(struct sniff *s);
void xchg_free(struct sniff *s);
void xchg_track(struct sniff *s, const struct cap_pkt *pkt);
int xchg_notes(
    struct outbuf *ob, const struct sniff *s, const struct cap_pkt *pkt, int n);
void xchg_summary(struct sniff *s);
void json_xchg(struct sniff *s);
void json_app(struct outbuf *ob, const struct cap_pkt *pkt);
void json_reasm(
    struct outbuf *ob, const struct sniff *s, const struct cap_pkt *pkt);

#endif

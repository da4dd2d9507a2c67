/*
 * labpeer's command line, its event lines and the helpers every mode
 * shares (peer-opts.c): options parsed into struct peer_opts, the
 * contract's reply, payloads, addresses, the clock, the log.
 *
 * Interface:
 *	peer_opts_parse(o, argc, argv, err, n)  fill o from labpeer's argv:
 *	                     0 ok, PEER_HELP/PEER_VERSION asked, -1 bad (err)
 *	peer_opts_free(o)    release what parsing allocated
 *	peer_usage(f, mode)  the --help text (one mode, or all if mode < 0)
 *	peer_list_has(l, n)  is request/line n in a --drop/--late/... LIST
 *	peer_upper(dst, src, n)  the contract's reply: a-z to A-Z, all else kept
 *	peer_wrong(dst, src, n)  the --wrong reply; returns its length
 *	peer_script_name(k)  "pinger", "idle", ... (tcp-clients --mix)
 *	peer_payload(o, i, buf)  the client's i-th request payload; its length
 *	peer_out_init(out, json, f)  start an event log (text or JSON lines)
 *	peer_log(out, e)     print one event line, flushed
 *	peer_addr_str(sa, buf, n)  "127.0.0.1:5000" / "[::1]:5000"
 *	peer_now_ms()        monotonic clock, milliseconds
 *	peer_listen(o, type, err, n)  the servers' socket: PORT on every
 *	                     address, IPv6 and IPv4 alike (-4/-6: one only)
 *	peer_resolve(o, type, err, n)  the clients' HOST PORT: getaddrinfo
 *	peer_same_addr(a, b) same address and port
 */
#ifndef PEER_OPTS_H
#define PEER_OPTS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <netdb.h>
#include <sys/socket.h>

#include "capture/i18n.h"
#include "param.h"

enum peer_mode {
	PEER_UDP_SERVER,
	PEER_TCP_SERVER,
	PEER_UDP_CLIENT,
	PEER_TCP_CLIENT,
	PEER_TCP_CLIENTS, /* many clients at once: peer-clients.c */
	PEER_NMODES
};

enum { PEER_HELP = 1, PEER_VERSION = 2 };

/* tcp-clients: what one client does (--mix NAME=WEIGHT,...). */
enum peer_script {
	SCRIPT_PINGER, /* lab 2's lines one at a time, replies checked */
	SCRIPT_IDLE,   /* connects, sends nothing */
	SCRIPT_HALF,   /* half a line, stalls, then the rest */
	SCRIPT_NOREAD, /* sends and sends, never reads */
	SCRIPT_BURST,  /* --burst lines in one go, replies checked */
	SCRIPT_RESET,  /* a line and a half, then RST */
	SCRIPT_VANISH, /* connects and closes at once */
	PEER_NSCRIPTS
};

/* A LIST of request (or line) numbers: "all", or "2,5,7-9". */
struct peer_list {
	int all;
	int n;
	struct {
		long lo, hi;
	} r[PEER_LIST_MAX];
};

enum peer_payload_kind {
	PAY_PING,      /* "ping <n>" (default) */
	PAY_BYTES,     /* --payload TEXT or --hex HEX */
	PAY_ALL_BYTES, /* --all-bytes */
	PAY_SIZE       /* --size N, --empty */
};

struct peer_opts {
	enum peer_mode mode;
	const char *host; /* clients */
	const char *port_str;
	int port;
	int family; /* AF_UNSPEC, or AF_INET/AF_INET6 (-4/-6) */
	int json;   /* --json */
	long count; /* servers: requests/connections (0: for ever);
	             * clients: requests/lines */
	int count_set;
	int timeout_ms; /* clients: wait per request/line */
	/* udp-server */
	struct peer_list drop, late, dup, stray, wrong;
	double loss;   /* --loss P, 0 = off */
	uint64_t seed; /* --seed N */
	int delay_ms;  /* servers: every reply this much later */
	int late_ms;   /* --late-ms */
	/* tcp-server, and tcp-client --split */
	int split;    /* pieces per reply/line (1 = whole) */
	int pause_ms; /* between pieces */
	long close_after, reset_after, silent_after; /* -1 = off */
	long trail_after;   /* --trail-after K, -1 = off */
	int background;     /* servers: --background */
	int wait_server_ms; /* clients: --wait-server MS, 0 = off */
	/* udp-client */
	enum peer_payload_kind pay;
	unsigned char *bytes; /* PAY_BYTES payload, malloc'd */
	size_t nbytes;
	long size; /* PAY_SIZE */
	int vanish, interleave, keep_going;
	int pinger;    /* --pinger: the contract's pinger, its lines */
	int linger_ms; /* wait for extra datagrams at the end */
	/* tcp-client */
	const char **lines; /* --line TEXT, pointers into argv */
	int nlines;
	int batch, no_read, reset, vanish_mid_line;
	long long_len;   /* --long N, 0 = off */
	int connections; /* verified connections, one after another */
	int fin_wait_ms;
	/* tcp-clients */
	int clients;             /* --clients N */
	long mix[PEER_NSCRIPTS]; /* --mix weights, by script */
	long burst;              /* --burst N: lines of a burst client */
	int hold_ms;             /* --hold MS: stallers stay at least this */
};

/* One thing that happened, for the log (text or JSON). */
struct peer_event {
	const char *what; /* "recv", "reply", "drop", "ok", "fail", ... */
	long n;           /* request/line number, 0: none */
	int conn;         /* tcp connection number, 0: none */
	int sock;         /* udp-client --interleave: 'a' or 'b', 0 */
	const struct sockaddr *addr; /* the other end, or NULL */
	const unsigned char *data;   /* what was sent/received, or NULL */
	size_t len;
	const unsigned char *want; /* what was expected, or NULL */
	size_t want_len;
	double ms; /* a duration, if has_ms */
	int has_ms;
	const char *note; /* a reason or a remark, or NULL */
	int verdict;      /* a final verdict: ok, passed, total count */
	int ok;
	long passed, total; /* requests (or lines) checked, correct */
};

struct peer_out {
	FILE *f;
	int json;
	double t0; /* peer_now_ms() at start */
};

int peer_opts_parse(
    struct peer_opts *o, int argc, char **argv, char *err, size_t errlen);
void peer_opts_free(struct peer_opts *o);
void peer_usage(FILE *f, int mode);
const char *peer_mode_name(enum peer_mode m);
const char *peer_script_name(enum peer_script k);
int peer_list_has(const struct peer_list *l, long n);
void peer_upper(unsigned char *dst, const unsigned char *src, size_t n);
size_t peer_wrong(unsigned char *dst, const unsigned char *src, size_t n);
size_t peer_payload(const struct peer_opts *o, long i, unsigned char *buf);
long peer_request_count(const struct peer_opts *o);

void peer_out_init(struct peer_out *out, int json, FILE *f);
void peer_log(struct peer_out *out, const struct peer_event *e);
char *peer_addr_str(const struct sockaddr *sa, char *buf, size_t n);
double peer_now_ms(void);
int peer_listen(const struct peer_opts *o, int type, char *err, size_t n);
struct addrinfo *peer_resolve(
    const struct peer_opts *o, int type, char *err, size_t n);
int peer_same_addr(const struct sockaddr *a, const struct sockaddr *b);

#endif

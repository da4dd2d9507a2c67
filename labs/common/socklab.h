/*
 * socklab.h: the given helpers of the socket labs, shared by lab 1 (UDP)
 * and lab 2 (TCP), as CS:APP's csapp.h is.  Nothing here touches a
 * socket: the socket calls, the deadlines and the framing are the lesson,
 * and they are yours.  Each lab's Makefile compiles socklab.c with your
 * programs; the grader compiles its own copy of it, never yours.
 *
 * Interface (handout section "What is given"):
 *	parse_server_args()  PORT of "prog PORT", --help, the usage line
 *	parse_client_args()  HOST PORT [COUNT] of "prog HOST PORT [COUNT]"
 *	format_address()     a socket address as "ip:port" or "[ip]:port"
 *	same_address()       two socket addresses: same family, address, port?
 *	now_ms()             milliseconds on the monotonic clock
 *	install_stop_handlers()  Ctrl-C and kill set stop_requested
 *	print_reply(), print_timeout(), print_summary()  the clients' lines
 *	log_datagram(), log_connected(), log_line()      the servers' log lines
 *	escape_text()        bytes as one printable line (\xNN escapes)
 */
#ifndef SOCKLAB_H
#define SOCKLAB_H

#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

/* macOS has no MSG_NOSIGNAL; there install_stop_handlers() also ignores
 * SIGPIPE, so a send() to a vanished peer gives EPIPE as on Linux. */
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

/* The contract's numbers (handout section 3). */
#define PING_TIMEOUT_MS 1000 /* 1 s to answer each ping */
#define COUNT_DEFAULT 10     /* pings sent when COUNT is omitted */
#define COUNT_MAX 1000       /* COUNT is 1..1000 */
#define LINE_LIMIT 1024      /* lab 2: at most 1024 bytes before the '\n' */
#define ADDR_TEXT_MAX 128    /* "[ipv6%scope]:port" fits, with room */

/*
 * "prog PORT": returns -1 when the program goes on (*port is set), else
 * the status main() returns at once: 0 after --help (the usage line and
 * what on stdout), 2 after a usage error (one line on stderr).
 */
int parse_server_args(int argc, char **argv, const char *prog, const char *what,
    const char **port);

/* "prog HOST PORT [COUNT]": as parse_server_args(); *count is COUNT or
 * COUNT_DEFAULT.  HOST is not looked up here: that is your step. */
int parse_client_args(int argc, char **argv, const char *prog, const char *what,
    const char **host, const char **port, int *count);

/*
 * The address sa (len bytes) as "ip:port", or "[ip]:port" for IPv6, in
 * out (outlen bytes; ADDR_TEXT_MAX is enough).  An IPv4-mapped IPv6
 * address (::ffff:a.b.c.d, how a dual-stack socket sees an IPv4 peer) is
 * shown as the IPv4 address the peer really used.
 */
void format_address(
    const struct sockaddr *sa, socklen_t len, char *out, size_t outlen);

/* 1 if a and b are the same family, address and port, else 0 (it
 * compares the fields, never the padding bytes). */
int same_address(const struct sockaddr *a, const struct sockaddr *b);

/* Milliseconds on the monotonic clock: it never jumps when the wall clock
 * is set, so a difference of two readings is a true duration. */
double now_ms(void);

/*
 * Set by SIGINT (Ctrl-C) and SIGTERM (kill) once install_stop_handlers()
 * has run.  The handlers are installed without SA_RESTART: a blocked
 * call (recvfrom, accept, recv...) then fails with errno EINTR, and your
 * loop sees stop_requested.  Returns 0, or -1 with errno set.
 */
extern volatile sig_atomic_t stop_requested;
int install_stop_handlers(void);

/* The client's statistics: count sent pings yourself (st.sent++ once a
 * ping is sent); print_reply() counts the replies and their RTTs. */
struct ping_stats {
	int sent, received;
	double rtt_min, rtt_max, rtt_sum; /* milliseconds */
};

/* "reply from <who> seq=<seq> rtt=<rtt> ms: PING <seq>" on stdout, and
 * the reply and its RTT (ms) counted in st. */
void print_reply(struct ping_stats *st, const char *who, int seq, double rtt);

/* "seq=<seq> timeout" on stdout. */
void print_timeout(int seq);

/* "<sent> sent, <received> received, <loss>% loss" and, when a reply
 * came, "rtt min/avg/max = <a>/<b>/<c> ms". */
void print_summary(const struct ping_stats *st);

/* Lab 1's server log: "<from> sent <len> bytes: "<payload>"". */
void log_datagram(const struct sockaddr *from, socklen_t fromlen,
    const unsigned char *buf, size_t len);

/* Lab 2's server log: "<who> connected" and "<who> line: "<line>"" (the
 * line without its '\n'). */
void log_connected(const char *who);
void log_line(const char *who, const unsigned char *line, size_t len);

/* Up to 64 bytes of buf as one printable line in out: printable ASCII as
 * is, anything else (and \ and ") as \xNN, "..." when cut. */
void escape_text(const void *buf, size_t len, char *out, size_t outlen);

#endif

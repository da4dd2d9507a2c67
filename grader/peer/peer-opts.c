/*
 * labpeer's interface with its user: the command line in (options, what
 * they mean for a payload), the event lines out (text or JSON).
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "peer-opts.h"

#define US (1u << PEER_UDP_SERVER)
#define TS (1u << PEER_TCP_SERVER)
#define UC (1u << PEER_UDP_CLIENT)
#define TC (1u << PEER_TCP_CLIENT)
#define TCS (1u << PEER_TCP_CLIENTS)
#define ALL (US | TS | UC | TC | TCS)

enum peer_opt_id {
	O_DROP,
	O_LOSS,
	O_SEED,
	O_DELAY,
	O_LATE,
	O_LATE_MS,
	O_DUP,
	O_STRAY,
	O_WRONG,
	O_COUNT,
	O_SPLIT,
	O_PAUSE,
	O_CLOSE_AFTER,
	O_RESET_AFTER,
	O_SILENT_AFTER,
	O_PAYLOAD,
	O_HEX,
	O_ALL_BYTES,
	O_SIZE,
	O_EMPTY,
	O_VANISH,
	O_TIMEOUT,
	O_INTERLEAVE,
	O_KEEP_GOING,
	O_PINGER,
	O_LINGER,
	O_LINE,
	O_BATCH,
	O_NO_READ,
	O_RESET,
	O_VANISH_MID_LINE,
	O_LONG,
	O_CONNECTIONS,
	O_FIN_WAIT,
	O_TRAIL_AFTER,
	O_BACKGROUND,
	O_WAIT_SERVER,
	O_CLIENTS,
	O_MIX,
	O_BURST,
	O_HOLD,
	O_JSON,
	O_IPV4,
	O_IPV6,
	O_HELP,
	O_VERSION
};

static const struct peer_optdef {
	const char *name;
	enum peer_opt_id id;
	int arg;        /* takes a value */
	unsigned modes; /* where it is allowed */
} peer_optdefs[] = {
    {"--drop", O_DROP, 1, US},
    {"--loss", O_LOSS, 1, US},
    {"--seed", O_SEED, 1, US | TCS},
    {"--delay", O_DELAY, 1, US | TS},
    {"--late", O_LATE, 1, US},
    {"--late-ms", O_LATE_MS, 1, US},
    {"--dup", O_DUP, 1, US},
    {"--stray", O_STRAY, 1, US},
    {"--wrong", O_WRONG, 1, US | TS},
    {"--count", O_COUNT, 1, ALL},
    {"--split", O_SPLIT, 1, TS | TC},
    {"--pause", O_PAUSE, 1, TS | TC},
    {"--close-after", O_CLOSE_AFTER, 1, TS},
    {"--reset-after", O_RESET_AFTER, 1, TS},
    {"--silent-after", O_SILENT_AFTER, 1, TS},
    {"--payload", O_PAYLOAD, 1, UC},
    {"--hex", O_HEX, 1, UC},
    {"--all-bytes", O_ALL_BYTES, 0, UC | TC},
    {"--size", O_SIZE, 1, UC | TC},
    {"--empty", O_EMPTY, 0, UC},
    {"--vanish", O_VANISH, 0, UC},
    {"--timeout", O_TIMEOUT, 1, UC | TC | TCS},
    {"--interleave", O_INTERLEAVE, 0, UC},
    {"--keep-going", O_KEEP_GOING, 0, UC | TC},
    {"--pinger", O_PINGER, 0, UC},
    {"--linger", O_LINGER, 1, UC},
    {"--line", O_LINE, 1, TC},
    {"--batch", O_BATCH, 0, TC},
    {"--no-read", O_NO_READ, 0, TC},
    {"--reset", O_RESET, 0, TC},
    {"--vanish-mid-line", O_VANISH_MID_LINE, 0, TC},
    {"--long", O_LONG, 1, TC},
    {"--connections", O_CONNECTIONS, 1, TC},
    {"--fin-wait", O_FIN_WAIT, 1, TC | TCS},
    {"--trail-after", O_TRAIL_AFTER, 1, TS},
    {"--background", O_BACKGROUND, 0, US | TS},
    {"--wait-server", O_WAIT_SERVER, 1, UC | TC},
    {"--clients", O_CLIENTS, 1, TCS},
    {"--mix", O_MIX, 1, TCS},
    {"--burst", O_BURST, 1, TCS},
    {"--hold", O_HOLD, 1, TCS},
    {"--json", O_JSON, 0, ALL},
    {"-4", O_IPV4, 0, ALL},
    {"-6", O_IPV6, 0, ALL},
    {"--help", O_HELP, 0, ALL},
    {"-h", O_HELP, 0, ALL},
    {"--version", O_VERSION, 0, ALL},
};

static const char *const peer_mode_names[PEER_NMODES] = {
    "udp-server", "tcp-server", "udp-client", "tcp-client", "tcp-clients"};

static const char *const peer_script_names[PEER_NSCRIPTS] = {
    "pinger", "idle", "half", "noread", "burst", "reset", "vanish"};

/* Each mode's usage; a "%s" in udp-server's is PEER_BG_LIFETIME_TEXT, in
 * tcp-server's PEER_TRAIL_TEXT (peer_usage_one). */
static const char *const peer_usages[PEER_NMODES] = {
    N_("usage: labpeer udp-server PORT [--drop LIST] [--loss P [--seed N]]\n"
       "         [--delay MS] [--late LIST [--late-ms MS]] [--dup LIST]\n"
       "         [--stray LIST] [--wrong LIST] [--count N] [-4|-6] [--json]\n"
       "         [--background]\n"
       "  A correct UDP server (IPv6 and IPv4 on one socket) with faults.\n"
       "  Requests are numbered 1, 2, ... in order of arrival; LIST is\n"
       "  'all' or numbers and ranges: 2,5,7-9.\n"
       "  --drop LIST     no reply to these requests\n"
       "  --loss P        no reply to a fraction P (0..1) of the requests,\n"
       "                  chosen by splitmix64 from --seed N (default 1):\n"
       "                  the same seed loses the same requests everywhere\n"
       "  --delay MS      every reply MS after its request (replies to\n"
       "                  other requests are not held up)\n"
       "  --late LIST     reply to these --late-ms (default 1300) after the\n"
       "                  request: past the client's 1 s deadline\n"
       "  --dup LIST      send these replies twice\n"
       "  --stray LIST    before these replies send two strays: the reply\n"
       "                  with '!' appended, from the server's port; the\n"
       "                  exact reply from another port\n"
       "  --wrong LIST    reply 'PING <n+7>' to 'ping <n>' (other payloads:\n"
       "                  the reply with its first byte's bit 0x20 flipped)\n"
       "  --count N       stop (status 0) once N requests are answered\n"
       "  --background    return (status 0) once the port is bound and go on\n"
       "                  serving in the background (its pid on stderr; it\n"
       "                  ends after %s s, or with kill PID), so that\n"
       "                  'labpeer ... --background && ./udp_client ...' "
       "never\n"
       "                  sends before the server is there\n"
       "  PORT 0 picks a free port (printed in the first line).\n"),

    N_("usage: labpeer tcp-server PORT [--split N [--pause MS]] [--delay MS]\n"
       "         [--wrong LIST] [--close-after K] [--reset-after K]\n"
       "         [--silent-after K] [--trail-after K] [--count N] [-4|-6]\n"
       "         [--json] [--background]\n"
       "  A correct TCP line server (one connection at a time) with faults.\n"
       "  Lines are numbered 1, 2, ... on each connection.\n"
       "  --split N       send each reply line in N pieces, --pause MS\n"
       "                  (default 50) apart, as separate segments\n"
       "  --delay MS      send each reply MS after its line arrived\n"
       "  --wrong LIST    reply 'PING <n+7>' to 'ping <n>' on these lines\n"
       "  --close-after K close the connection (FIN) after K replies\n"
       "  --reset-after K reset the connection (RST) after K replies\n"
       "  --silent-after K  stop replying after K replies (keep reading)\n"
       "  --trail-after K after the reply to line K, %s more bytes (no\n"
       "                  newline) in the same send: a client that closes\n"
       "                  without reading them resets the connection\n"
       "  --count N       stop (status 0) after N connections\n"
       "  --background    return (status 0) once the port listens and go on\n"
       "                  serving in the background (as udp-server's)\n"
       "  PORT 0 picks a free port (printed in the first line).\n"),

    N_("usage: labpeer udp-client HOST PORT [--payload TEXT | --hex HEX |\n"
       "         --all-bytes | --size N | --empty] [--count N] [--vanish]\n"
       "         [--interleave] [--timeout MS] [--linger MS] [--keep-going]\n"
       "         [-4|-6] [--json]\n"
       "       labpeer udp-client HOST PORT --pinger [--count N] [--timeout "
       "MS]\n"
       "  Checks a UDP server against the contract: one reply per request,\n"
       "  from the server's address and port, the same bytes with a-z\n"
       "  upper-cased.  Requests go one at a time; each reply is awaited\n"
       "  --timeout MS (default 1000).\n"
       "  payloads: 'ping <n>' (default); --payload TEXT; --hex HEX (e.g.\n"
       "  00ff61); --size N: N bytes of text; --empty: 0 bytes;\n"
       "  --all-bytes: request 1 holds the 256 byte values 00..ff in order,\n"
       "  requests 2..257 one byte each, 00 to ff (257 requests)\n"
       "  --count N       requests (default 4)\n"
       "  --vanish        first a throwaway socket sends N requests and\n"
       "                  closes without reading; then the check runs\n"
       "  --interleave    two sockets (a, b) send in turn; each must get\n"
       "                  its own replies ('ping <n>' from b: n + COUNT)\n"
       "  --linger MS     after the last reply, wait this long for extra\n"
       "                  datagrams (default 200)\n"
       "  --keep-going    check every request even after a failure\n"
       "  --pinger        be the contract's pinger (lab 1's udp_client), not\n"
       "                  a checker: COUNT pings (default 10), each waits for\n"
       "                  its reply until its own deadline (send + "
       "--timeout),\n"
       "                  anything else is ignored; prints the contract's\n"
       "                  lines; exit 0 if a reply came, 1 if none\n"
       "  --wait-server MS  first wait up to MS for a socket bound to PORT\n"
       "                  here (a server started with '&' just before)\n"
       "  Exit 0 every reply correct, 1 contract broken or run-time error,\n"
       "  2 bad arguments.\n"),

    N_("usage: labpeer tcp-client HOST PORT [--line TEXT ... | --size N |\n"
       "         --all-bytes] [--count N] [--split N [--pause MS]] [--batch]\n"
       "         [--no-read | --reset | --vanish-mid-line | --long N]\n"
       "         [--connections K] [--timeout MS] [--fin-wait MS]\n"
       "         [--keep-going] [-4|-6] [--json]\n"
       "  Checks a TCP line server against the contract: each line comes\n"
       "  back upper-cased, in order, and after our FIN the server closes\n"
       "  its side (a FIN, not a reset) within --fin-wait MS (default 1000).\n"
       "  lines: 'ping <n>' (default, --count N, default 4); --line TEXT\n"
       "  (repeat it, no --count); --size N: lines of N bytes of text;\n"
       "  --all-bytes: line 1 the 255 byte values other than newline, then\n"
       "  one line per such byte (256 lines)\n"
       "  --split N       send each line (or the --batch) in N pieces,\n"
       "                  --pause MS (default 50) apart, as separate "
       "segments;\n"
       "                  reply bytes before a line's last piece fail it\n"
       "  --batch         all lines in one send; then read the replies\n"
       "  --timeout MS    wait per reply line (default 1000)\n"
       "  --connections K check K connections one after another\n"
       "  Misbehave first, on a connection of its own, then check:\n"
       "  --no-read       3 times: while a connection holds the server,\n"
       "                  another sends the lines and FIN, then resets\n"
       "                  (RST) without reading: the server's first send\n"
       "                  of a reply there fails with EPIPE (SIGPIPE)\n"
       "  --reset         send the lines, then reset (RST) the connection\n"
       "  --vanish-mid-line  send a line and a half, then close\n"
       "  --long N        send a line of N bytes (the server may end that\n"
       "                  connection, never itself)\n"
       "  --wait-server MS  first wait up to MS for PORT to listen here\n"
       "  Exit 0 every reply correct, 1 contract broken or run-time error,\n"
       "  2 bad arguments.\n"),

    N_("usage: labpeer tcp-clients HOST PORT [--clients N] [--mix MIX]\n"
       "         [--seed N] [--count N] [--burst N] [--hold MS]\n"
       "         [--timeout MS] [--fin-wait MS] [-4|-6] [--json]\n"
       "  N clients at once (one poll() loop), each with a script, to check\n"
       "  a concurrent line server: no client may delay another.\n"
       "  --clients N     clients (default 100, at most 1000)\n"
       "  --mix MIX       NAME=WEIGHT,... (default pinger=1): the clients are\n"
       "                  shared out in proportion (weights that add up to N\n"
       "                  are counts); --seed N (default 1) picks which\n"
       "                  client gets which script, and the split points\n"
       "  scripts:  pinger  'ping 1'..'ping COUNT' one at a time, each reply\n"
       "                    checked within --timeout MS (default 1000), then\n"
       "                    our FIN and the server's within --fin-wait MS\n"
       "            burst   --burst N (default 100) lines pipelined, every\n"
       "                    reply checked in order, then the FINs\n"
       "            idle    connects, sends nothing; at the end the FINs\n"
       "            half    half a line, stalls; at the end the rest: its\n"
       "                    reply, then the FINs\n"
       "            noread  sends lines, never reads (stops at 16 MiB)\n"
       "            reset   a line and a half, then a reset (SO_LINGER 0)\n"
       "            vanish  connects and closes at once\n"
       "  idle, half, noread, reset and vanish connect first; pinger and\n"
       "  burst start once they are connected; the stallers stay until every\n"
       "  pinger and burst is done and --hold MS (default 0) has passed.\n"
       "  Prints one verdict line per client, the pingers' reply times\n"
       "  (p50/p99/max) and a verdict.  Exit 0 every client ok, 1 one or\n"
       "  more failed or a run-time error, 2 bad arguments.\n"),
};

static int peer_num(const char *s, long lo, long hi, long *v);

const char *
peer_script_name(enum peer_script k)
{
	return k < PEER_NSCRIPTS ? peer_script_names[k] : "?";
}

/* --mix NAME=WEIGHT,...: each script at most once, weights 0..1000000,
 * one above 0 at least. */
static int
peer_mix_parse(struct peer_opts *o, const char *s)
{
	char item[64], *eq;
	long w, sum = 0;
	size_t len;
	int k, seen = 0;

	memset(o->mix, 0, sizeof o->mix);
	while (*s != '\0') {
		len = strcspn(s, ",");
		if (len == 0 || len >= sizeof item)
			return -1;
		memcpy(item, s, len);
		item[len] = '\0';
		eq = strchr(item, '=');
		if (eq == NULL)
			return -1;
		*eq = '\0';
		for (k = 0; k < PEER_NSCRIPTS; k++)
			if (strcmp(item, peer_script_names[k]) == 0)
				break;
		if (k == PEER_NSCRIPTS || (seen & (1 << k)) ||
		    peer_num(eq + 1, 0, 1000000, &w) < 0)
			return -1;
		seen |= 1 << k;
		o->mix[k] = w;
		sum += w;
		s += len;
		if (*s == ',' && *++s == '\0')
			return -1;
	}
	return sum > 0 ? 0 : -1;
}

const char *
peer_mode_name(enum peer_mode m)
{
	return m < PEER_NMODES ? peer_mode_names[m] : "?";
}

static void
peer_usage_one(FILE *f, int m)
{
	fprintf(f, _(peer_usages[m]),
	    m == PEER_UDP_SERVER ? PEER_BG_LIFETIME_TEXT : PEER_TRAIL_TEXT);
}

void
peer_usage(FILE *f, int mode)
{
	int m;

	if (mode >= 0 && mode < PEER_NMODES) {
		peer_usage_one(f, mode);
	} else {
		fputs(_("labpeer: the grader's scripted reference peers, with "
		        "faults on demand.\n"),
		    f);
		for (m = 0; m < PEER_NMODES; m++)
			peer_usage_one(f, m);
	}
	fputs(_("All modes: -4/-6 IPv4/IPv6 only; --json one JSON object per "
	        "line; --help; --version.\nSee labpeer(1).\n"),
	    f);
}

static int
peer_err(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
	return -1;
}

/* A whole decimal number in [lo, hi], nothing else. */
static int
peer_num(const char *s, long lo, long hi, long *v)
{
	char *end;

	if (*s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || *v < lo || *v > hi)
		return -1;
	return 0;
}

static int
peer_list_parse(struct peer_list *l, const char *s)
{
	const char *p = s;
	char item[64], *dash;
	size_t len;

	memset(l, 0, sizeof *l);
	if (strcmp(s, "all") == 0) {
		l->all = 1;
		return 0;
	}
	while (*p != '\0') {
		len = strcspn(p, ",");
		if (len == 0 || len >= sizeof item || l->n == PEER_LIST_MAX)
			return -1;
		memcpy(item, p, len);
		item[len] = '\0';
		dash = strchr(item, '-');
		if (dash != NULL)
			*dash = '\0';
		if (peer_num(item, 1, LONG_MAX, &l->r[l->n].lo) < 0)
			return -1;
		l->r[l->n].hi = l->r[l->n].lo;
		if (dash != NULL && (peer_num(dash + 1, l->r[l->n].lo, LONG_MAX,
		                         &l->r[l->n].hi) < 0))
			return -1;
		l->n++;
		p += len;
		if (*p == ',' && *++p == '\0')
			return -1;
	}
	return l->n > 0 ? 0 : -1;
}

int
peer_list_has(const struct peer_list *l, long n)
{
	int i;

	if (l->all)
		return 1;
	for (i = 0; i < l->n; i++)
		if (n >= l->r[i].lo && n <= l->r[i].hi)
			return 1;
	return 0;
}

static int
peer_hex_parse(struct peer_opts *o, const char *s)
{
	size_t n = strlen(s), i;
	unsigned v;

	if (n % 2 != 0 || n / 2 > PEER_UDP_MAX)
		return -1;
	free(o->bytes);
	o->bytes = malloc(n / 2 + 1);
	if (o->bytes == NULL)
		return -1;
	for (i = 0; i < n; i += 2) {
		if (!isxdigit((unsigned char)s[i]) ||
		    !isxdigit((unsigned char)s[i + 1]) ||
		    sscanf(s + i, "%2x", &v) != 1)
			return -1;
		o->bytes[i / 2] = (unsigned char)v;
	}
	o->nbytes = n / 2;
	return 0;
}

static int
peer_text_set(struct peer_opts *o, const char *s)
{
	free(o->bytes);
	o->nbytes = strlen(s);
	o->bytes = malloc(o->nbytes + 1);
	if (o->bytes == NULL)
		return -1;
	memcpy(o->bytes, s, o->nbytes);
	return 0;
}

/* A number from lo to hi into an int. */
static int
peer_int(const char *v, long lo, long hi, int *out)
{
	long n;

	if (peer_num(v, lo, hi, &n) < 0)
		return -1;
	*out = (int)n;
	return 0;
}

static int
peer_opt_ms(const char *v, int *out)
{
	return peer_int(v, 0, PEER_DELAY_MAX_MS, out);
}

/* An option that only turns something on. */
static int
peer_flag(int *flag)
{
	*flag = 1;
	return 0;
}

static int
peer_opt_payload(
    struct peer_opts *o, enum peer_opt_id id, const char *v, int *npay)
{
	(*npay)++;
	switch (id) {
	case O_PAYLOAD:
		o->pay = PAY_BYTES;
		return peer_text_set(o, v);
	case O_HEX:
		o->pay = PAY_BYTES;
		return peer_hex_parse(o, v);
	case O_ALL_BYTES:
		o->pay = PAY_ALL_BYTES;
		return 0;
	case O_EMPTY:
		o->pay = PAY_SIZE;
		o->size = 0;
		return 0;
	default: /* O_SIZE */
		o->pay = PAY_SIZE;
		return peer_num(v, o->mode == PEER_UDP_CLIENT ? 0 : 1,
		    o->mode == PEER_UDP_CLIENT ? PEER_UDP_MAX
		                               : PEER_MAX_MSG - 1,
		    &o->size);
	}
}

/* Apply one option with its value v (NULL if it takes none). */
static int
peer_opt_apply(struct peer_opts *o, enum peer_opt_id id, const char *v,
    int *npay, int *nprelude)
{
	switch (id) {
	case O_DROP:
		return peer_list_parse(&o->drop, v);
	case O_LATE:
		return peer_list_parse(&o->late, v);
	case O_DUP:
		return peer_list_parse(&o->dup, v);
	case O_STRAY:
		return peer_list_parse(&o->stray, v);
	case O_WRONG:
		return peer_list_parse(&o->wrong, v);
	case O_LOSS: {
		char *end;

		errno = 0;
		o->loss = strtod(v, &end);
		return errno != 0 || end == v || *end != '\0' ||
		               !(o->loss >= 0.0 && o->loss <= 1.0)
		           ? -1
		           : 0;
	}
	case O_SEED: {
		char *end;
		unsigned long long s;

		if (!isdigit((unsigned char)*v))
			return -1;
		errno = 0;
		s = strtoull(v, &end, 0);
		o->seed = (uint64_t)s;
		return errno != 0 || *end != '\0' ? -1 : 0;
	}
	case O_DELAY:
		return peer_opt_ms(v, &o->delay_ms);
	case O_LATE_MS:
		return peer_opt_ms(v, &o->late_ms);
	case O_PAUSE:
		return peer_opt_ms(v, &o->pause_ms);
	case O_TIMEOUT:
		return peer_opt_ms(v, &o->timeout_ms);
	case O_LINGER:
		return peer_opt_ms(v, &o->linger_ms);
	case O_FIN_WAIT:
		return peer_opt_ms(v, &o->fin_wait_ms);
	case O_COUNT:
		o->count_set = 1;
		return peer_num(v, o->mode <= PEER_TCP_SERVER ? 0 : 1,
		    o->mode <= PEER_TCP_SERVER ? LONG_MAX : PEER_COUNT_MAX,
		    &o->count);
	case O_SPLIT:
		return peer_int(v, 1, PEER_SPLIT_MAX, &o->split);
	case O_CLOSE_AFTER:
		return peer_num(v, 0, LONG_MAX, &o->close_after);
	case O_RESET_AFTER:
		return peer_num(v, 0, LONG_MAX, &o->reset_after);
	case O_SILENT_AFTER:
		return peer_num(v, 0, LONG_MAX, &o->silent_after);
	case O_TRAIL_AFTER:
		return peer_num(v, 1, LONG_MAX, &o->trail_after);
	case O_BACKGROUND:
		return peer_flag(&o->background);
	case O_WAIT_SERVER:
		return peer_opt_ms(v, &o->wait_server_ms);
	case O_PAYLOAD:
	case O_HEX:
	case O_ALL_BYTES:
	case O_SIZE:
	case O_EMPTY:
		return peer_opt_payload(o, id, v, npay);
	case O_LINE:
		if (strchr(v, '\n') != NULL || strlen(v) >= PEER_MAX_MSG)
			return -1;
		o->lines[o->nlines++] = v;
		return 0;
	case O_VANISH:
		return peer_flag(&o->vanish);
	case O_INTERLEAVE:
		return peer_flag(&o->interleave);
	case O_KEEP_GOING:
		return peer_flag(&o->keep_going);
	case O_PINGER:
		return peer_flag(&o->pinger);
	case O_BATCH:
		return peer_flag(&o->batch);
	case O_NO_READ:
		(*nprelude)++;
		return peer_flag(&o->no_read);
	case O_RESET:
		(*nprelude)++;
		return peer_flag(&o->reset);
	case O_VANISH_MID_LINE:
		(*nprelude)++;
		return peer_flag(&o->vanish_mid_line);
	case O_LONG:
		(*nprelude)++;
		return peer_num(v, 1, PEER_MAX_MSG - 1, &o->long_len);
	case O_CLIENTS:
		return peer_int(v, 1, PEER_CLIENTS_MAX, &o->clients);
	case O_MIX:
		return peer_mix_parse(o, v);
	case O_BURST:
		return peer_num(v, 1, PEER_BURST_MAX, &o->burst);
	case O_HOLD:
		return peer_opt_ms(v, &o->hold_ms);
	case O_CONNECTIONS:
		return peer_int(v, 1, 1000, &o->connections);
	case O_JSON:
		return peer_flag(&o->json);
	case O_IPV4:
		o->family = AF_INET;
		return 0;
	case O_IPV6:
		o->family = AF_INET6;
		return 0;
	case O_HELP:
		return PEER_HELP;
	case O_VERSION:
		return PEER_VERSION;
	}
	return -1;
}

static void
peer_opts_defaults(struct peer_opts *o)
{
	memset(o, 0, sizeof *o);
	o->mode = PEER_NMODES;
	o->family = AF_UNSPEC;
	o->seed = 1;
	o->late_ms = PEER_LATE_MS;
	o->split = 1;
	o->pause_ms = PEER_PAUSE_MS;
	o->close_after = o->reset_after = o->silent_after = -1;
	o->trail_after = -1;
	o->timeout_ms = PEER_TIMEOUT_MS;
	o->linger_ms = PEER_LINGER_MS;
	o->fin_wait_ms = PEER_FIN_WAIT_MS;
	o->connections = 1;
	o->pay = PAY_PING;
	o->clients = PEER_CLIENTS;
	o->mix[SCRIPT_PINGER] = 1;
	o->burst = PEER_BURST;
}

static const struct peer_optdef *
peer_optdef_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof peer_optdefs / sizeof peer_optdefs[0]; i++)
		if (strlen(peer_optdefs[i].name) == len &&
		    strncmp(peer_optdefs[i].name, name, len) == 0)
			return &peer_optdefs[i];
	return NULL;
}

/* Cross-option rules, once everything is read. */
static int
peer_opts_check(
    struct peer_opts *o, int npay, int nprelude, char *err, size_t n)
{
	if (npay > 1 || (npay > 0 && o->nlines > 0))
		return peer_err(err, n, _("give one payload option only"));
	if (nprelude > 1)
		return peer_err(err, n,
		    _("give one of --no-read, --reset, "
		      "--vanish-mid-line, --long only"));
	if (o->count_set && (o->pay == PAY_ALL_BYTES || o->nlines > 0))
		return peer_err(err, n,
		    _("--count goes with neither "
		      "--all-bytes nor --line"));
	if (o->mode == PEER_UDP_SERVER && o->loss > 0.0 &&
	    (o->drop.n > 0 || o->drop.all))
		return peer_err(err, n, _("give --drop or --loss, not both"));
	if (o->mode == PEER_TCP_CLIENTS && o->count > PEER_CLIENTS_LINES_MAX)
		return peer_err(err, n, _("tcp-clients: --count must be 1..%d"),
		    PEER_CLIENTS_LINES_MAX);
	if (o->mode == PEER_TCP_CLIENT && o->pay == PAY_SIZE && o->size == 0)
		return peer_err(err, n, _("--size must be 1 or more for tcp"));
	if (o->pinger && (npay > 0 || o->vanish || o->interleave ||
	                     o->keep_going || o->json))
		return peer_err(err, n,
		    _("--pinger goes with no payload option, --vanish, "
		      "--interleave, --keep-going or --json"));
	if (!o->count_set && o->pinger)
		o->count = PEER_PINGER_COUNT;
	else if (!o->count_set && o->mode >= PEER_UDP_CLIENT)
		o->count = PEER_COUNT;
	return 0;
}

static int
peer_positional(
    struct peer_opts *o, const char *arg, int pos, char *err, size_t n)
{
	int server = o->mode <= PEER_TCP_SERVER;
	long port;

	if (!server && pos == 0) {
		o->host = arg;
		return 0;
	}
	if (pos != (server ? 0 : 1))
		return peer_err(err, n, _("unexpected argument '%s'"), arg);
	if (peer_num(arg, server ? 0 : 1, 65535, &port) < 0)
		return peer_err(err, n,
		    _("PORT must be a number %d..65535, "
		      "not '%s'"),
		    server ? 0 : 1, arg);
	o->port_str = arg;
	o->port = (int)port;
	return 0;
}

/* One argument at argv[*i]: an option (maybe taking argv[*i + 1]) or a
 * positional.  Returns 0, PEER_HELP, PEER_VERSION or -1. */
static int
peer_opts_arg(struct peer_opts *o, int argc, char **argv, int *i, int *pos,
    int *npay, int *nprelude, char *err, size_t n)
{
	const char *a = argv[*i], *eq, *v = NULL;
	const struct peer_optdef *d;
	int rc;

	if (a[0] != '-' || a[1] == '\0')
		return peer_positional(o, a, (*pos)++, err, n);
	eq = strchr(a, '=');
	d = peer_optdef_find(a, eq != NULL ? (size_t)(eq - a) : strlen(a));
	if (d == NULL)
		return peer_err(err, n, _("unknown option '%s'"), a);
	if (!(d->modes & (1u << o->mode)))
		return peer_err(err, n, _("%s is not an option of %s"), d->name,
		    peer_mode_name(o->mode));
	if (d->arg && eq != NULL)
		v = eq + 1;
	else if (d->arg && *i + 1 < argc)
		v = argv[++*i];
	else if (d->arg)
		return peer_err(err, n, _("%s needs a value"), d->name);
	else if (eq != NULL)
		return peer_err(err, n, _("%s takes no value"), d->name);
	rc = peer_opt_apply(o, d->id, v, npay, nprelude);
	if (rc < 0)
		return peer_err(err, n, _("bad value for %s: '%s'"), d->name,
		    v != NULL ? v : "");
	return rc;
}

int
peer_opts_parse(struct peer_opts *o, int argc, char **argv, char *err, size_t n)
{
	int i, m, pos = 0, npay = 0, nprelude = 0, rc;

	peer_opts_defaults(o);
	if (argc < 2)
		return peer_err(err, n,
		    _("missing mode: udp-server, tcp-server, "
		      "udp-client, tcp-client or tcp-clients"));
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return PEER_HELP;
	if (strcmp(argv[1], "--version") == 0)
		return PEER_VERSION;
	for (m = 0; m < PEER_NMODES; m++)
		if (strcmp(argv[1], peer_mode_names[m]) == 0)
			o->mode = (enum peer_mode)m;
	if (o->mode == PEER_NMODES)
		return peer_err(err, n, _("unknown mode '%s'"), argv[1]);
	o->lines = calloc((size_t)argc, sizeof *o->lines);
	if (o->lines == NULL)
		return peer_err(err, n, _("out of memory"));
	for (i = 2; i < argc; i++) {
		rc = peer_opts_arg(
		    o, argc, argv, &i, &pos, &npay, &nprelude, err, n);
		if (rc != 0)
			return rc;
	}
	if (pos < (o->mode <= PEER_TCP_SERVER ? 1 : 2))
		return peer_err(err, n, "%s",
		    o->mode <= PEER_TCP_SERVER || pos == 1
		        ? _("missing PORT")
		        : _("missing HOST and PORT"));
	return peer_opts_check(o, npay, nprelude, err, n);
}

void
peer_opts_free(struct peer_opts *o)
{
	free(o->bytes);
	free(o->lines);
	o->bytes = NULL;
	o->lines = NULL;
}

/* ---- what the options mean for a payload ---- */

void
peer_upper(unsigned char *dst, const unsigned char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = src[i] >= 'a' && src[i] <= 'z'
		             ? (unsigned char)(src[i] - 'a' + 'A')
		             : src[i];
}

/* The --wrong reply: to "ping <n>" a reply for another ping, "PING <n+7>";
 * to anything else the right reply with its first byte turned into '?'
 * ('!' if it was '?'); to an empty payload "?".  Never a newline, so a
 * wrong TCP reply is still one line.  dst holds at least n + 32. */
size_t
peer_wrong(unsigned char *dst, const unsigned char *src, size_t n)
{
	long seq = 0;
	size_t i;

	if (n > 5 && n < 25 && memcmp(src, "ping ", 5) == 0) {
		for (i = 5; i < n && isdigit(src[i]); i++)
			seq = seq * 10 + (src[i] - '0');
		if (i == n)
			return (size_t)sprintf(
			    (char *)dst, "PING %ld", seq + 7);
	}
	if (n == 0) {
		dst[0] = '?';
		return 1;
	}
	peer_upper(dst, src, n);
	dst[0] = dst[0] == '?' ? '!' : '?';
	return n;
}

static const char peer_pattern[] =
    "Pack my box with five dozen liquor jugs! 0123456789 ~";

long
peer_request_count(const struct peer_opts *o)
{
	if (o->pay == PAY_ALL_BYTES)
		return o->mode == PEER_UDP_CLIENT ? 257 : 256;
	if (o->nlines > 0)
		return o->nlines;
	return o->count;
}

/* Byte k of the --all-bytes set: every value, or every one but '\n' on
 * TCP, where a newline ends the line. */
static unsigned char
peer_all_byte(const struct peer_opts *o, long k)
{
	if (o->mode == PEER_TCP_CLIENT && k >= '\n')
		k++;
	return (unsigned char)k;
}

/* The i-th request (i >= 1) of a client, without the TCP newline; buf
 * holds PEER_MAX_MSG bytes. */
size_t
peer_payload(const struct peer_opts *o, long i, unsigned char *buf)
{
	size_t k, n;
	long all = o->mode == PEER_UDP_CLIENT ? 256 : 255;

	if (o->nlines > 0) {
		n = strlen(o->lines[i - 1]);
		memcpy(buf, o->lines[i - 1], n);
		return n;
	}
	switch (o->pay) {
	case PAY_BYTES:
		memcpy(buf, o->bytes, o->nbytes);
		return o->nbytes;
	case PAY_ALL_BYTES:
		if (i >= 2) {
			buf[0] = peer_all_byte(o, i - 2);
			return 1;
		}
		for (k = 0; k < (size_t)all; k++)
			buf[k] = peer_all_byte(o, (long)k);
		return (size_t)all;
	case PAY_SIZE:
		/* Shifted per request: an old reply never passes for new. */
		for (k = 0; k < (size_t)o->size; k++)
			buf[k] = (unsigned char)
			    peer_pattern[(k + (size_t)i) %
			                 (sizeof peer_pattern - 1)];
		return (size_t)o->size;
	default:
		return (size_t)sprintf((char *)buf, "ping %ld", i);
	}
}

/* ---- the event lines ---- */

double
peer_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void
peer_out_init(struct peer_out *out, int json, FILE *f)
{
	out->f = f;
	out->json = json;
	out->t0 = peer_now_ms();
}

/* "127.0.0.1:5000" or "[::1]:5000"; an IPv4-mapped IPv6 address (from
 * the dual-stack socket) is shown as the IPv4 address it is. */
char *
peer_addr_str(const struct sockaddr *sa, char *buf, size_t n)
{
	char host[INET6_ADDRSTRLEN + 16], serv[16];
	socklen_t len = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
	                                          : sizeof(struct sockaddr_in);
	const char *h = host;

	if (getnameinfo(sa, len, host, sizeof host, serv, sizeof serv,
	        NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(buf, n, "?");
		return buf;
	}
	if (strncmp(h, "::ffff:", 7) == 0 && strchr(h + 7, '.') != NULL)
		h += 7;
	snprintf(buf, n, strchr(h, ':') != NULL ? "[%s]:%s" : "%s:%s", h, serv);
	return buf;
}

static void
peer_text_bytes(FILE *f, const unsigned char *d, size_t n, size_t max)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < n && i < max; i++) {
		if (d[i] == '"' || d[i] == '\\')
			fprintf(f, "\\%c", d[i]);
		else if (d[i] >= 0x20 && d[i] < 0x7f)
			fputc(d[i], f);
		else
			fprintf(f, "\\x%02x", d[i]);
	}
	fputs(n > max ? "\"..." : "\"", f);
}

/* Sixteen bytes from off: hex, then the printable ones. */
static void
peer_dump_row(
    FILE *f, const unsigned char *d, size_t n, size_t off, const char *label)
{
	size_t i;

	fprintf(f, "           %04zx ", off);
	for (i = off; i < off + 16; i++)
		fprintf(f, i < n ? " %02x" : "   ", i < n ? d[i] : 0);
	fputs("  ", f);
	for (i = off; i < off + 16 && i < n; i++)
		fputc(d[i] >= 0x20 && d[i] < 0x7f ? d[i] : '.', f);
	fprintf(f, "%*s%s\n", (int)(16 - (i - off)) + 2, "", label);
}

static size_t
peer_diff_at(const struct peer_event *e)
{
	size_t i;

	for (i = 0; i < e->len && i < e->want_len; i++)
		if (e->data[i] != e->want[i])
			break;
	return i;
}

static void
peer_text_want(FILE *f, const struct peer_event *e)
{
	size_t at, row;

	fprintf(f, _("           expected %zu bytes "), e->want_len);
	peer_text_bytes(f, e->want, e->want_len, PEER_DUMP_CTX);
	fputc('\n', f);
	if (e->data == NULL)
		return;
	at = peer_diff_at(e);
	fprintf(f,
	    _("           got %zu bytes, first difference at byte %zu\n"),
	    e->len, at);
	row = at - at % 16;
	peer_dump_row(f, e->want, e->want_len, row, "expected");
	peer_dump_row(f, e->data, e->len, row, "got");
}

static void
peer_log_text(struct peer_out *out, const struct peer_event *e, double t)
{
	FILE *f = out->f;
	char a[INET6_ADDRSTRLEN + 16];

	fprintf(f, "%10.3f", t);
	if (e->conn > 0)
		fprintf(f, " c%d", e->conn);
	if (e->n > 0)
		fprintf(f, " #%ld", e->n);
	if (e->sock != 0)
		fputc(e->sock, f);
	fprintf(f, " %s", e->what);
	if (e->addr != NULL)
		fprintf(f, " %s", peer_addr_str(e->addr, a, sizeof a));
	if (e->data != NULL) {
		fprintf(f, _(" %zu bytes "), e->len);
		peer_text_bytes(f, e->data, e->len, PEER_DUMP_CTX);
	}
	if (e->has_ms)
		fprintf(f, " (%.3f ms)", e->ms);
	if (e->note != NULL)
		fprintf(f, ": %s", e->note);
	fputc('\n', f);
	if (e->want != NULL && (e->data == NULL || e->len != e->want_len ||
	                           memcmp(e->data, e->want, e->len) != 0))
		peer_text_want(f, e);
}

static void
peer_json_str(FILE *f, const char *key, const unsigned char *d, size_t n)
{
	size_t i;

	fprintf(f, ",\"%s\":\"", key);
	for (i = 0; i < n; i++) {
		if (d[i] == '"' || d[i] == '\\')
			fprintf(f, "\\%c", d[i]);
		else if (d[i] == '\n')
			fputs("\\n", f);
		else if (d[i] >= 0x20 && d[i] < 0x7f)
			fputc(d[i], f);
		else
			fprintf(f, "\\u%04x", d[i]);
	}
	fputc('"', f);
}

static void
peer_json_hex(FILE *f, const char *key, const unsigned char *d, size_t n)
{
	size_t i;

	fprintf(f, ",\"%s\":\"", key);
	for (i = 0; i < n; i++)
		fprintf(f, "%02x", d[i]);
	fputc('"', f);
}

static void
peer_log_json(struct peer_out *out, const struct peer_event *e, double t)
{
	FILE *f = out->f;
	char a[INET6_ADDRSTRLEN + 16], s[2] = {(char)e->sock, 0};

	fprintf(f, "{\"t\":%.3f", t);
	peer_json_str(
	    f, "event", (const unsigned char *)e->what, strlen(e->what));
	if (e->conn > 0)
		fprintf(f, ",\"conn\":%d", e->conn);
	if (e->n > 0)
		fprintf(f, ",\"n\":%ld", e->n);
	if (e->sock != 0)
		peer_json_str(f, "sock", (const unsigned char *)s, 1);
	if (e->addr != NULL) {
		peer_addr_str(e->addr, a, sizeof a);
		peer_json_str(f, "peer", (const unsigned char *)a, strlen(a));
	}
	if (e->data != NULL) {
		fprintf(f, ",\"len\":%zu", e->len);
		peer_json_str(f, "data", e->data, e->len);
		peer_json_hex(f, "hex", e->data, e->len);
	}
	if (e->has_ms)
		fprintf(f, ",\"ms\":%.3f", e->ms);
	if (e->want != NULL) {
		fprintf(f, ",\"want_len\":%zu", e->want_len);
		peer_json_str(f, "want", e->want, e->want_len);
		peer_json_hex(f, "want_hex", e->want, e->want_len);
		if (e->data != NULL)
			fprintf(f, ",\"diff_at\":%zu", peer_diff_at(e));
	}
	if (e->verdict)
		fprintf(f, ",\"ok\":%s,\"passed\":%ld,\"total\":%ld",
		    e->ok ? "true" : "false", e->passed, e->total);
	if (e->note != NULL)
		peer_json_str(
		    f, "note", (const unsigned char *)e->note, strlen(e->note));
	fputs("}\n", f);
}

void
peer_log(struct peer_out *out, const struct peer_event *e)
{
	double t = peer_now_ms() - out->t0;

	if (out->json)
		peer_log_json(out, e, t);
	else
		peer_log_text(out, e, t);
	fflush(out->f);
}

/* ---- the addresses the command line names ---- */

/* One socket on PORT for every local address: AF_INET6 with V6ONLY off
 * takes IPv4 too (as ::ffff:a.b.c.d); AF_INET where there is no IPv6. */
int
peer_listen(const struct peer_opts *o, int type, char *err, size_t n)
{
	struct sockaddr_in6 s6 = {.sin6_family = AF_INET6};
	struct sockaddr_in s4 = {.sin_family = AF_INET};
	int fd = -1, on = 1, v6only = o->family == AF_INET6, saved;

	if (o->family != AF_INET)
		fd = socket(AF_INET6, type, 0);
	if (fd >= 0) {
		s6.sin6_addr = in6addr_any;
		s6.sin6_port = htons((uint16_t)o->port);
		setsockopt(
		    fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
		if (type == SOCK_STREAM)
			setsockopt(
			    fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
		if (bind(fd, (struct sockaddr *)&s6, sizeof s6) < 0)
			goto fail;
	} else if (o->family == AF_INET6) {
		goto fail;
	} else {
		fd = socket(AF_INET, type, 0);
		if (fd < 0)
			goto fail;
		s4.sin_addr.s_addr = htonl(INADDR_ANY);
		s4.sin_port = htons((uint16_t)o->port);
		if (type == SOCK_STREAM)
			setsockopt(
			    fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
		if (bind(fd, (struct sockaddr *)&s4, sizeof s4) < 0)
			goto fail;
	}
	if (type == SOCK_STREAM && listen(fd, 16) < 0)
		goto fail;
	return fd;
fail:
	saved = errno;
	snprintf(err, n,
	    type == SOCK_STREAM ? _("cannot listen on TCP port %d: %s")
	                        : _("cannot bind UDP port %d: %s"),
	    o->port, strerror(saved));
	if (fd >= 0)
		close(fd);
	errno = saved;
	return -1;
}

struct addrinfo *
peer_resolve(const struct peer_opts *o, int type, char *err, size_t n)
{
	struct addrinfo hints = {.ai_family = o->family, .ai_socktype = type};
	struct addrinfo *res = NULL;
	int rc;

	/* No AI_ADDRCONFIG: it hides 127.0.0.1 in a loopback-only cell. */
	rc = getaddrinfo(o->host, o->port_str, &hints, &res);
	if (rc != 0) {
		snprintf(err, n, _("cannot resolve %s: %s"), o->host,
		    gai_strerror(rc));
		return NULL;
	}
	return res;
}

int
peer_same_addr(const struct sockaddr *a, const struct sockaddr *b)
{
	const struct sockaddr_in *a4 = (const void *)a, *b4 = (const void *)b;
	const struct sockaddr_in6 *a6 = (const void *)a, *b6 = (const void *)b;

	if (a->sa_family != b->sa_family)
		return 0;
	if (a->sa_family == AF_INET)
		return a4->sin_port == b4->sin_port &&
		       a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	if (a->sa_family == AF_INET6)
		return a6->sin6_port == b6->sin6_port &&
		       memcmp(&a6->sin6_addr, &b6->sin6_addr,
		           sizeof a6->sin6_addr) == 0;
	return 0;
}

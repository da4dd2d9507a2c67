/*
 * The labs' contracts (contract.h): the pinger's output parser that the
 * grader and the contract suites share, and each contract line with the
 * tests that exercise it, printed as the traceability table.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/i18n.h"
#include "contract.h"

/* ---- the pinger's output ------------------------------------------ */

/* A cursor over one line, matched piece by piece. */
static int
lit(const char **p, const char *s)
{
	size_t n = strlen(s);

	if (strncmp(*p, s, n) != 0)
		return -1;
	*p += n;
	return 0;
}

static int
num(const char **p, int *v)
{
	long x = 0;
	int d = 0;

	while (**p >= '0' && **p <= '9' && d < 9) {
		x = x * 10 + (**p - '0');
		(*p)++;
		d++;
	}
	*v = (int)x;
	return d > 0 ? 0 : -1;
}

/* A time in ms as the contract prints it: %.3f. */
static int
ms3(const char **p, double *v)
{
	const char *s = *p;
	int ip, i;

	if (num(p, &ip) < 0 || **p != '.')
		return -1;
	for (i = 1; i <= 3; i++)
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
	*p += 4;
	*v = strtod(s, NULL);
	return 0;
}

/* "127.0.0.1:P" or "[v6]:P": an IPv6 address in [], an IPv4 one not. */
static int
parse_from(struct ping_line *l)
{
	const char *f = l->from, *colon = strrchr(f, ':'), *p;
	size_t n;
	int v6 = f[0] == '[';

	if (colon == NULL || (v6 && colon[-1] != ']'))
		return -1;
	p = colon + 1;
	if (num(&p, &l->port) < 0 || *p != '\0')
		return -1;
	n = (size_t)(colon - f) - (v6 ? 2 : 0);
	if (n == 0 || n >= sizeof l->ip)
		return -1;
	memcpy(l->ip, f + v6, n);
	l->ip[n] = '\0';
	if (strspn(l->ip, v6 ? "0123456789abcdefABCDEF:." : "0123456789.") != n)
		return -1;
	return v6 == (strchr(l->ip, ':') != NULL) ? 0 : -1;
}

static int
parse_reply(const char *p, struct ping_line *l)
{
	const char *sp;
	int seq2;

	if (lit(&p, "reply from ") < 0 || (sp = strchr(p, ' ')) == NULL ||
	    (size_t)(sp - p) >= sizeof l->from)
		return -1;
	memcpy(l->from, p, (size_t)(sp - p));
	l->from[sp - p] = '\0';
	p = sp;
	if (parse_from(l) < 0 || lit(&p, " seq=") < 0 || num(&p, &l->seq) < 0 ||
	    lit(&p, " rtt=") < 0 || ms3(&p, &l->rtt_ms) < 0 ||
	    lit(&p, " ms: PING ") < 0 || num(&p, &seq2) < 0 || *p != '\0' ||
	    seq2 != l->seq)
		return -1;
	l->kind = PL_REPLY;
	return 0;
}

enum { FORM_PING, FORM_SUMMARY, FORM_RTT, FORM_NONE };

static int
parse_line(const char *p, struct ping_out *po)
{
	struct ping_line *l = &po->line[po->nline];
	const char *q = p;

	if (po->nline < PING_MAX_LINES && parse_reply(p, l) == 0) {
		po->nline++;
		return FORM_PING;
	}
	if (po->nline < PING_MAX_LINES)
		memset(l, 0, sizeof *l); /* no address on a timeout line */
	if (po->nline < PING_MAX_LINES && lit(&q, "seq=") == 0 &&
	    num(&q, &l->seq) == 0 && strcmp(q, " timeout") == 0) {
		l->kind = PL_TIMEOUT;
		po->nline++;
		return FORM_PING;
	}
	q = p;
	if (!po->have_summary && num(&q, &po->sent) == 0 &&
	    lit(&q, " sent, ") == 0 && num(&q, &po->received) == 0 &&
	    lit(&q, " received, ") == 0 && num(&q, &po->loss) == 0 &&
	    strcmp(q, "% loss") == 0) {
		po->have_summary = 1;
		return FORM_SUMMARY;
	}
	q = p;
	if (!po->have_rtt && lit(&q, "rtt min/avg/max = ") == 0 &&
	    ms3(&q, &po->rtt_min) == 0 && lit(&q, "/") == 0 &&
	    ms3(&q, &po->rtt_avg) == 0 && lit(&q, "/") == 0 &&
	    ms3(&q, &po->rtt_max) == 0 && strcmp(q, " ms") == 0) {
		po->have_rtt = 1;
		return FORM_RTT;
	}
	return FORM_NONE;
}

static void
disagree(struct ping_out *po, int no, const char *why, const char *line)
{
	if (po->why_no != 0)
		return;
	po->why_no = no;
	snprintf(po->why, sizeof po->why, "%s: '%.160s'", why, line);
}

static int
far(double a, double b, double eps)
{
	return a - b > eps || b - a > eps;
}

/* The summary agrees with the lines above it. */
static void
agree_summary(struct ping_out *po, int no, const char *line)
{
	int i, got = 0;

	for (i = 0; i < po->nline; i++)
		got += po->line[i].kind == PL_REPLY;
	if (po->received != got)
		disagree(po, no, _("received is not the number of reply lines"),
		    line);
	else if (po->sent < po->nline || po->sent > po->nline + 1 ||
	         po->sent < 1)
		disagree(po, no, _("sent disagrees with the ping lines"), line);
	else if (po->loss != (po->sent - po->received) * 100 / po->sent)
		disagree(po, no,
		    _("loss is not (sent-received)*100/sent rounded down"),
		    line);
}

/* The rtt line agrees with the rtts printed per ping. */
static void
agree_rtt(struct ping_out *po, int no, const char *line)
{
	double lo = 1e300, hi = 0, sum = 0;
	int i, n = 0;

	for (i = 0; i < po->nline; i++) {
		if (po->line[i].kind != PL_REPLY)
			continue;
		lo = po->line[i].rtt_ms < lo ? po->line[i].rtt_ms : lo;
		hi = po->line[i].rtt_ms > hi ? po->line[i].rtt_ms : hi;
		sum += po->line[i].rtt_ms;
		n++;
	}
	if (n == 0)
		disagree(po, no, _("rtt line without any reply"), line);
	else if (far(po->rtt_min, lo, 0.0015) || far(po->rtt_max, hi, 0.0015) ||
	         far(po->rtt_avg, sum / n, 0.0015 * n))
		disagree(po, no,
		    _("rtt min/avg/max disagree with the reply lines"), line);
}

/* One line of stdout; *phase: 0 pings, 1 after the summary, 2 after rtt. */
static void
parse_one(struct ping_out *po, const char *line, int no, int *phase)
{
	int n = po->nline, f = parse_line(line, po);

	if (f == FORM_NONE) {
		if (po->bad_no == 0) {
			po->bad_no = no;
			snprintf(po->bad, sizeof po->bad, "%.159s", line);
		}
		disagree(po, no, _("line of no contract form"), line);
		return;
	}
	if ((f == FORM_PING || f == FORM_SUMMARY) && *phase != 0)
		disagree(po, no, _("line out of order"), line);
	if (f == FORM_RTT && *phase != 1)
		disagree(po, no, _("line out of order"), line);
	if (f == FORM_SUMMARY) {
		*phase = 1;
		agree_summary(po, no, line);
	} else if (f == FORM_RTT) {
		*phase = 2;
		agree_rtt(po, no, line);
	} else if (po->line[n].seq != n + 1) {
		disagree(po, no, _("seq out of step"), line);
	}
}

void
ping_parse(const char *out, size_t len, struct ping_out *po)
{
	char line[256];
	size_t i = 0, n, k;
	int no = 0, phase = 0;

	memset(po, 0, sizeof *po);
	while (i < len) {
		const char *nl = memchr(out + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - out) : len;

		n = end - i < sizeof line ? end - i : sizeof line - 1;
		no++;
		memcpy(line, out + i, n);
		line[n] = '\0';
		/* A NUL in a line makes it no contract line: show it as \0. */
		for (k = 0; k < n; k++)
			if (line[k] == '\0')
				line[k] = '\\';
		if (end - i >= sizeof line) {
			if (po->bad_no == 0) {
				po->bad_no = no;
				snprintf(
				    po->bad, sizeof po->bad, "%.159s", line);
			}
			disagree(po, no, _("line of no contract form"), line);
		} else {
			parse_one(po, line, no, &phase);
		}
		if (nl == NULL)
			disagree(po, no, _("last line has no newline"), line);
		i = end + 1;
	}
	if (po->have_summary && po->received > 0 && !po->have_rtt)
		disagree(po, no, _("replies came but no rtt line"), "");
}

const char *
contract_window(char *buf, size_t n)
{
	snprintf(buf, n, "contract: %.3f-%.3f s; accepted here: %.2f-%.2f s",
	    CONTRACT_DEADLINE_LO_S, CONTRACT_DEADLINE_HI_S,
	    CONTRACT_ACCEPT_LO_S, CONTRACT_ACCEPT_HI_S);
	return buf;
}

/* ---- the contract lines and what exercises them ------------------- */

#define L1S "check_lab1:"
#define L2S "check_lab2:"

static const struct contract_line lab1_lines[] = {
    {"common.args",
        "Bad arguments (PORT not 1..65535, COUNT out of 1..1000, HOST that "
        "does not resolve): a usage line on stderr, exit status 2",
        {"server_usage", "client_usage"},
        {L1S "test_server_bad_args", L1S "test_client_bad_args"},
        {"server-usage-status", "client-usage-status"}},
    {"udp_server.bind",
        "udp_server binds UDP PORT on all local addresses, IPv6 and IPv4 "
        "alike (one AF_INET6 socket, IPV6_V6ONLY off)",
        {"server_starts", "server_ipv6", "server_dual_stack"},
        {L1S "test_server_bytes", L1S "test_server_no_ipv6"},
        {"server-ipv4-only", "server-v6only-default"}},
    {"udp_server.echo",
        "Every datagram (0 to 1024 bytes, any byte values, NUL included) "
        "comes back with the same bytes and length, a-z turned into A-Z",
        {"server_all_bytes", "server_empty", "server_max_payload"},
        {L1S "test_server_bytes"},
        {"server-case-range", "server-truncates", "server-ignores-empty"}},
    {"udp_server.one_reply",
        "Exactly one datagram back per datagram, to the sender's address "
        "and port",
        {"server_one_reply", "server_two_clients"},
        {L1S "test_server_bytes", L1S "test_server_two_clients"},
        {"server-double-reply", "server-reply-port-plus-one"}},
    {"udp_server.forever",
        "The server serves for ever: many requests, clients that vanish "
        "before their replies",
        {"server_many", "server_vanished_client", "pair"},
        {L1S "test_server_bytes"}, {"server-exits-after-first"}},
    {"udp_server.signal", "SIGINT or SIGTERM end the server with status 0",
        {"server_signal"}, {L1S "test_server_signal"},
        {"server-signal-status"}},
    {"udp_server.port_busy",
        "A port the server cannot bind (in use): one line on stderr, "
        "status 1",
        {"server_port_busy"}, {L1S "test_server_port_in_use"},
        {"server-busy-status"}},
    {"udp_client.host",
        "HOST is an IPv4 address, an IPv6 address or a name (getaddrinfo)",
        {"client_localhost", "client_ipv6"},
        {L1S "test_pair", L1S "test_pair_localhost"}, {"client-ipv4-only"}},
    {"udp_client.ping",
        "For seq = 1 to COUNT: one datagram whose payload is exactly "
        "\"ping <seq>\" (no newline, no NUL)",
        {"client_pings"}, {L1S "test_deadlines", L1S "test_counts"},
        {"client-nul-in-ping", "client-tcp"}},
    {"udp_client.deadline",
        "It waits for the reply until 1 s after the send (the deadline "
        "falls between 1.000 and 1.050 s); the next ping leaves at once "
        "after the reply or the deadline",
        {"client_next_ping", "client_slow_reply", "client_timeouts"},
        {L1S "test_deadlines", L1S "test_slow_reply"},
        {"client-fixed-sleep", "client-short-deadline"}},
    {"udp_client.reply",
        "A datagram is the reply to seq only if its payload is exactly "
        "\"PING <seq>\" from the server's address and port; anything else "
        "is ignored and the wait goes on to the same deadline",
        {"client_stray", "client_late_reply"},
        {L1S "test_stray", L1S "test_late_reply"},
        {"client-late-counted", "client-fresh-poll", "client-accepts-suffix"}},
    {"udp_client.icmp",
        "An ICMP port unreachable (ECONNREFUSED) is not a reply and not an "
        "error: the wait goes on to the deadline",
        {"client_no_server"}, {L1S "test_no_server"},
        {"client-icmp-ends-wait"}},
    {"udp_client.lines",
        "One line per ping: \"reply from <ip>:<port> seq=<seq> rtt=<ms> ms: "
        "PING <seq>\" ([<ip>] for IPv6; RTT from a monotonic clock) or "
        "\"seq=<seq> timeout\"",
        {"client_output", "client_rtt"}, {L1S "test_pair"},
        {"client-rtt-constant"}},
    {"udp_client.summary",
        "The summary \"<sent> sent, <received> received, <loss>% loss\" "
        "(rounded down) and, after a reply, \"rtt min/avg/max\"",
        {"client_timeouts", "client_output"},
        {L1S "test_deadlines", L1S "test_pair"}, {"client-loss-rounded"}},
    {"udp_client.exit", "Exit status 0 if a reply came, 1 if none came",
        {"client_no_server", "client_output"}, {L1S "test_no_server"},
        {"client-exit0-no-reply"}},
};

static const struct contract_line lab2_lines[] = {
    {"common.args",
        "Bad arguments (PORT not 1..65535, COUNT out of 1..1000, HOST that "
        "does not resolve): a usage line on stderr, exit status 2",
        {"server_usage", "client_usage"},
        {L2S "test_server_bad_args", L2S "test_client_bad_args"},
        {"server-usage-status", "client-usage-status"}},
    {"tcp_server.listen",
        "tcp_server listens on TCP PORT on all local addresses, IPv6 and "
        "IPv4 alike (IPV6_V6ONLY off), with SO_REUSEADDR",
        {"server_starts", "server_handshake", "server_ipv6",
            "server_dual_stack", "server_restart"},
        {L2S "test_server_sequential", L2S "test_server_restart",
            L2S "test_server_no_ipv6"},
        {"server-ipv4-only", "server-v6only-default", "server-no-reuseaddr"}},
    {"tcp_server.accept",
        "One connection at a time; when it ends, back to accept()",
        {"server_second_client", "pair"}, {L2S "test_server_sequential"},
        {"server-exits-after-first"}},
    {"tcp_server.echo",
        "Each complete line (at most 1024 bytes before the \\n) comes back "
        "with a-z turned into A-Z, the \\n included",
        {"server_all_bytes", "server_max_line"}, {L2S "test_server_lines"},
        {"server-case-range"}},
    {"tcp_server.framing",
        "A line split over many segments, or several lines in one "
        "segment, get the same replies; a partial line at the end of the "
        "stream gets no reply",
        {"server_split_line", "server_many_lines", "server_partial_line"},
        {L2S "test_server_lines", L2S "test_server_partial_eof"},
        {"server-one-recv-one-line", "server-no-framing"}},
    {"tcp_server.long_line",
        "A line over 1024 bytes may end that connection, never the server",
        {"server_long_line"}, {L2S "test_server_overlong"},
        {"server-long-line-exits"}},
    {"tcp_server.close",
        "When the client closes (recv() returns 0), the server closes its "
        "side: both FINs",
        {"server_fin"}, {L2S "test_server_lines"}, {"server-no-fin"}},
    {"tcp_server.survive",
        "A client that resets, vanishes mid-line or leaves without reading "
        "must not stop the server (SIGPIPE)",
        {"server_reset", "server_no_read", "server_partial_line"},
        {L2S "test_server_hostile"}, {"server-sigpipe"}},
    {"tcp_server.signal", "SIGINT or SIGTERM end the server with status 0",
        {"server_signal"}, {L2S "test_server_signal"},
        {"server-signal-status"}},
    {"tcp_server.port_busy",
        "A port the server cannot bind: one line on stderr, status 1",
        {"server_port_busy"}, {L2S "test_server_port_in_use"},
        {"server-busy-status"}},
    {"tcp_client.connect",
        "The client tries each address getaddrinfo() returns until one "
        "connects; if none does: the reason on stderr, no summary, "
        "status 1",
        {"client_each_address", "client_refused", "client_handshake"},
        {L2S "test_fallback", L2S "test_refused"},
        {"client-first-address-only", "client-summary-on-refused"}},
    {"tcp_client.host", "HOST is an IPv4 address, an IPv6 address or a name",
        {"client_localhost", "client_ipv6"},
        {L2S "test_pair", L2S "test_pair_localhost"}, {"client-ipv4-only"}},
    {"tcp_client.ping",
        "For seq = 1 to COUNT: it sends \"ping <seq>\\n\" and reads until it "
        "has one whole reply line (which may arrive in pieces), with a 1 s "
        "deadline per ping",
        {"client_pings", "client_split_reply"},
        {L2S "test_split_replies", L2S "test_slow_reply"}, {"client-one-recv"}},
    {"tcp_client.timeout",
        "The reply and timeout lines of lab 1; after a timeout it stops, "
        "prints the summary and exits with status 1",
        {"client_output", "client_rtt", "client_timeout_stops"},
        {L2S "test_timeout", L2S "test_pair"},
        {"client-no-stop-after-timeout"}},
    {"tcp_client.wrong",
        "A reply line other than \"PING <seq>\", or the server closing or "
        "resetting: the reason on stderr, no line for that seq, the "
        "summary, status 1",
        {"client_wrong_reply", "client_server_closes"},
        {L2S "test_bad_peer", L2S "test_closed_at_once"},
        {"client-accepts-wrong"}},
    {"tcp_client.close",
        "After the last reply it reads what is left and closes the socket: "
        "a normal FIN, not a reset",
        {"client_fin", "client_read_before_close"}, {L2S "test_pair"},
        {"client-rst-at-end", "client-no-drain"}},
};

const struct contract_line *
contract_lines(const char *lab, size_t *n)
{
	if (strcmp(lab, "lab1-udp") == 0) {
		*n = sizeof lab1_lines / sizeof lab1_lines[0];
		return lab1_lines;
	}
	if (strcmp(lab, "lab2-tcp") == 0) {
		*n = sizeof lab2_lines / sizeof lab2_lines[0];
		return lab2_lines;
	}
	*n = 0;
	return NULL;
}

static void
table_cell(FILE *f, const char *const refs[], const char *quote)
{
	int i;

	for (i = 0; i < CONTRACT_MAX_REFS && refs[i] != NULL; i++)
		fprintf(f, "%s%s%s%s", i ? ", " : " ", quote, refs[i], quote);
	fputs(" |", f);
}

/* The traceability table of lab as Markdown: one row per line. */
int
contract_table(FILE *f, const char *lab)
{
	const struct contract_line *l;
	size_t n, i;

	if ((l = contract_lines(lab, &n)) == NULL)
		return -1;
	fprintf(f,
	    "| id | contract line (%s) | labgrade tests | contract "
	    "suite tests (the reference) | broken submissions |\n",
	    lab);
	fputs("|---|---|---|---|---|\n", f);
	for (i = 0; i < n; i++) {
		fprintf(f, "| `%s` | %s |", l[i].id, l[i].text);
		table_cell(f, l[i].tests, "`");
		table_cell(f, l[i].suite, "`");
		table_cell(f, l[i].broken, "`");
		fputc('\n', f);
	}
	return 0;
}

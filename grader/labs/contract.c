/*
 * The labs' contracts (contract.h): the pinger's output parser that the
 * grader and the contract suites share, and the traceability table of a
 * lab's contract lines (each lab keeps its own, in its folder's NAME.c,
 * and the registry hands them over: no lab is named here).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/i18n.h"
#include "contract.h"
#include "lab.h"

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
	snprintf(buf, n, _("contract: %.3f-%.3f s; accepted here: %.2f-%.2f s"),
	    CONTRACT_DEADLINE_LO_S, CONTRACT_DEADLINE_HI_S,
	    CONTRACT_ACCEPT_LO_S, CONTRACT_ACCEPT_HI_S);
	return buf;
}

/* ---- the contract lines and what exercises them ------------------- */

/* The lab's own table (its folder's NAME.c, through the registry). */
const struct contract_line *
contract_lines(const char *name, size_t *n)
{
	const struct grade_lab *lab = lab_find(name);

	*n = lab != NULL ? lab->ncontract : 0;
	return lab != NULL && lab->ncontract > 0 ? lab->contract : NULL;
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

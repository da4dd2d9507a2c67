/*
 * labsniff's end summary: one line per conversation (the first
 * SUMMARY_MAX, the rest added up), then the capture's counters.
 * Conversations arrive through the table's eviction callback.
 */
#define _DEFAULT_SOURCE /* pcap.h (via labsniff.h) uses u_int, u_char */
#include "labsniff.h"

#include <stdlib.h>
#include <time.h>

struct summary {
	struct cap_conv kept[SUMMARY_MAX];
	size_t nkept;
	uint64_t n, tcp, udp;           /* conversations seen */
	uint64_t more_pkts, more_bytes; /* of those not listed */
	uint64_t unanswered;            /* UDP requests never answered */
	struct outbuf *json;            /* --json: write each one there */
};

struct summary *
summary_new(struct outbuf *json)
{
	struct summary *sum = calloc(1, sizeof(struct summary));

	if (sum != NULL)
		sum->json = json;
	return sum;
}

void
summary_free(struct summary *sum)
{
	free(sum);
}

void
summary_evicted(void *arg, const struct cap_conv *c)
{
	struct summary *sum = arg;

	sum->n++;
	sum->tcp += c->proto == 6;
	sum->udp += c->proto == 17;
	sum->unanswered += c->unanswered;
	if (sum->json != NULL)
		json_conv(sum->json, c);
	if (sum->nkept < SUMMARY_MAX) {
		sum->kept[sum->nkept++] = *c;
		return;
	}
	sum->more_pkts += (uint64_t)c->pkts[0] + c->pkts[1];
	sum->more_bytes += c->bytes[0] + c->bytes[1];
}

static int
conv_by_id(const void *a, const void *b)
{
	const struct cap_conv *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* "1 packet", "2 packets": the plural as the language makes it (xgettext
 * reads count_words' two words as ngettext's, po/module.mk). */
static void
count_words(struct outbuf *ob, uint64_t n, const char *one, const char *many)
{
	outbuf_u64(ob, n);
	outbuf_putc(ob, ' ');
	outbuf_puts(ob, ngettext(one, many, (unsigned long)n));
}

static const char *
tcp_state_words(const struct cap_conv *c)
{
	static const char *const closer[2] = {
	    N_("closed, the client's FIN first"),
	    N_("closed, the server's FIN first")};

	switch (c->state) {
	case CAP_CS_SYN_SENT:
		return _("SYN never answered");
	case CAP_CS_SYN_RCVD:
		return _("handshake not completed");
	case CAP_CS_ESTABLISHED:
		return _("still open");
	case CAP_CS_FIN_WAIT:
		return c->closer == 1 ? _("half-closed by the server")
		                      : _("half-closed by the client");
	case CAP_CS_CLOSING:
		return _("both FINs sent, the last ACK not seen");
	case CAP_CS_CLOSED:
		return _(closer[c->closer == 1]);
	case CAP_CS_RESET:
		return c->resetter == 1 ? _("reset by the server")
		                        : _("reset by the client");
	default:
		return _("handshake not seen");
	}
}

/* "2 packets/96 bytes" (one way of a conversation) into buf. */
static void
summary_amount(char *buf, size_t n, uint64_t pkts, uint64_t bytes)
{
	struct outbuf b;

	outbuf_mem(&b, buf, n - 1);
	count_words(&b, pkts, "packet", "packets");
	outbuf_putc(&b, '/');
	count_words(&b, bytes, "byte", "bytes");
	buf[b.failed ? 0 : b.len] = '\0';
}

static void
summary_tcp(struct outbuf *ob, const struct cap_conv *c)
{
	uint64_t re = (uint64_t)c->retrans[0] + c->retrans[1];

	if (c->rtt_hs_us >= 0) {
		outbuf_puts(ob, _("; handshake "));
		print_ms(ob, c->rtt_hs_us);
	}
	outbuf_puts(ob, "; ");
	if (c->refused) { /* a RST that answered the SYN */
		outbuf_puts(ob, _("connection refused: nothing listens on "));
		outbuf_u64(ob, c->srv_port);
	} else
		outbuf_puts(ob, tcp_state_words(c));
	if (re > 0) {
		outbuf_puts(ob, "; ");
		count_words(ob, re, "retransmission", "retransmissions");
	}
}

static void
summary_udp(struct outbuf *ob, const struct cap_conv *c)
{
	outbuf_puts(ob, "; ");
	count_words(ob, c->requests, "request", "requests");
	outbuf_puts(ob, ", ");
	count_words(ob, c->replies, "reply", "replies");
	outbuf_puts(ob, ", ");
	outbuf_u64(ob, c->unanswered);
	outbuf_puts(ob, _(" unanswered"));
	if (c->unpaired > 0) {
		outbuf_puts(ob, ", ");
		outbuf_u64(ob, c->unpaired);
		outbuf_puts(ob, _(" unrequested"));
	}
	if (c->unmatched > 0) {
		outbuf_puts(ob, ", ");
		count_words(ob, c->unmatched, "unmatched datagram",
		    "unmatched datagrams");
	}
	if (c->unreach > 0) {
		outbuf_puts(ob, "; ");
		count_words(ob, c->unreach, "ICMP port unreachable error",
		    "ICMP port unreachable errors");
	}
}

static void
summary_conv(struct outbuf *ob, const struct cap_conv *c)
{
	int64_t us = ((int64_t)c->last.tv_sec - c->first.tv_sec) * 1000000 +
	             (c->last.tv_usec - c->first.tv_usec);
	char sent[96], back[96], both[256];

	outbuf_puts(ob, "  #");
	outbuf_u64(ob, c->id);
	outbuf_puts(ob, c->proto == 6 ? " TCP " : " UDP ");
	print_endpoint(ob, &c->cli, c->cli_port);
	outbuf_puts(ob, " -> ");
	print_endpoint(ob, &c->srv, c->srv_port);
	outbuf_puts(ob, ": ");
	summary_amount(sent, sizeof sent, c->pkts[0], c->bytes[0]);
	summary_amount(back, sizeof back, c->pkts[1], c->bytes[1]);
	/* TRANSLATORS: a conversation's traffic each way, the client's
	 * first: each %s is "2 packets/96 bytes" */
	snprintf(both, sizeof both, _("%s sent, %s back"), sent, back);
	outbuf_puts(ob, both);
	if (c->proto == 6)
		summary_tcp(ob, c);
	else
		summary_udp(ob, c);
	outbuf_puts(ob, _("; lasted "));
	print_ms(ob, us);
	outbuf_putc(ob, '\n');
}

/* When the first packet was seen: one gmtime_r for the whole run (the
 * lines are relative: no time zone is ever looked up per packet). */
static void
summary_start(struct outbuf *ob, const struct timeval *t0)
{
	char buf[32];
	struct tm tm;
	time_t t = t0->tv_sec;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		return;
	outbuf_puts(ob, _(", the first at "));
	outbuf_puts(ob, buf);
	outbuf_putc(ob, '.');
	outbuf_frac(ob, (uint64_t)t0->tv_usec, 6);
	outbuf_puts(ob, " UTC");
}

static void
summary_capture(struct sniff *s)
{
	struct outbuf *ob = &s->out;
	const struct sniff_print *pr = &s->pr;

	outbuf_puts(ob, _("capture: "));
	count_words(ob, pr->pkts, "packet", "packets");
	outbuf_puts(ob, ", ");
	count_words(ob, pr->bytes, "byte", "bytes");
	if (pr->have_t0)
		summary_start(ob, &pr->t0);
	if (pr->untracked > 0) {
		outbuf_puts(ob, ", ");
		outbuf_u64(ob, pr->untracked);
		outbuf_puts(ob, _(" outside TCP/UDP conversations"));
	}
	if (pr->trunc > 0) {
		outbuf_puts(ob, ", ");
		outbuf_u64(ob, pr->trunc);
		outbuf_puts(ob, ngettext(" truncated", " truncated",
		                    (unsigned long)pr->trunc));
	}
	if (pr->bad > 0) {
		outbuf_puts(ob, ", ");
		outbuf_u64(ob, pr->bad);
		outbuf_puts(ob, ngettext(" malformed", " malformed",
		                    (unsigned long)pr->bad));
	}
	outbuf_putc(ob, '\n');
}

void
summary_print(struct sniff *s)
{
	struct summary *sum = s->pr.sum;
	struct outbuf *ob = &s->out;
	size_t i;

	qsort(sum->kept, sum->nkept, sizeof sum->kept[0], conv_by_id);
	if (s->o.json) { /* conversations went out as they ended */
		xchg_summary(s);
		json_capture(s);
		return;
	}
	if (!s->o.quiet && s->pr.pkts > 0)
		outbuf_putc(ob, '\n');
	count_words(ob, sum->n, "conversation", "conversations");
	outbuf_puts(ob, " (");
	outbuf_u64(ob, sum->tcp);
	outbuf_puts(ob, " TCP, ");
	outbuf_u64(ob, sum->udp);
	outbuf_puts(ob, " UDP)");
	outbuf_puts(ob, sum->n > 0 ? ":\n" : "\n");
	for (i = 0; i < sum->nkept; i++)
		summary_conv(ob, &sum->kept[i]);
	if (sum->n > sum->nkept) {
		outbuf_puts(ob, _("  ... and "));
		count_words(ob, sum->n - sum->nkept, "more conversation",
		    "more conversations");
		outbuf_puts(ob, ": ");
		count_words(ob, sum->more_pkts, "packet", "packets");
		outbuf_puts(ob, ", ");
		count_words(ob, sum->more_bytes, "byte", "bytes");
		if (sum->udp > 0) {
			outbuf_puts(ob, ", ");
			outbuf_u64(ob, sum->unanswered);
			outbuf_puts(ob, _(" unanswered datagrams in all"));
		}
		outbuf_putc(ob, '\n');
	}
	xchg_summary(s);
	summary_capture(s);
	live_stats_print(s);
	exec_report(s);
}

/*
 * labsniff's DNS line: query or response, id, the question, the rcode in
 * words, the section counts and the answers' data, the flags in words.
 * The message is read by the capture library (cap_dns_open/next_rr).
 */
#define _DEFAULT_SOURCE /* pcap.h (via labsniff.h) uses u_int, u_char */
#include "labsniff.h"
#include "proto.h"

static const struct {
	uint16_t bit;
	int in_query; /* 1 shown on queries, 0 on responses */
	const char *word;
} dns_flag_words[] = {
    {CAP_DNS_AA, 0, "authoritative"},
    {CAP_DNS_TC, -1, "truncated"},
    {CAP_DNS_RD, 1, "recursion desired"},
    {CAP_DNS_RA, 0, "recursion available"},
    {CAP_DNS_AD, -1, "authenticated data"},
    {CAP_DNS_CD, -1, "checking disabled"},
};

static void
dns_flags(struct outbuf *ob, uint16_t flags)
{
	int query = !(flags & CAP_DNS_QR), n = 0;
	size_t i;

	for (i = 0; i < sizeof dns_flag_words / sizeof dns_flag_words[0]; i++)
		if ((flags & dns_flag_words[i].bit) &&
		    (dns_flag_words[i].in_query < 0 ||
		        dns_flag_words[i].in_query == query)) {
			outbuf_puts(ob, n++ ? ", " : " (");
			outbuf_puts(ob, dns_flag_words[i].word);
		}
	if (n > 0)
		outbuf_putc(ob, ')');
}

void
print_dns_type(struct outbuf *ob, uint16_t type)
{
	const char *name = cap_dns_type_name(type);

	if (name != NULL) {
		outbuf_puts(ob, name);
	} else {
		outbuf_puts(ob, "Type"); /* tcpdump's words for the others */
		outbuf_u64(ob, type);
	}
}

/* The data of one record, as tcpdump shows it (and the TTL). */
void
print_dns_rdata(struct outbuf *ob, const struct cap_dns_rr *rr)
{
	if (!rr->data_ok)
		return;
	outbuf_putc(ob, ' ');
	switch (rr->type) {
	case 1:
		outbuf_ipv4(ob, rr->addr);
		break;
	case 28:
		outbuf_ipv6(ob, rr->addr);
		break;
	case 15:
		outbuf_puts(ob, rr->target);
		outbuf_putc(ob, ' ');
		outbuf_u64(ob, rr->pref);
		break;
	case 6:
		outbuf_puts(ob, rr->target);
		outbuf_putc(ob, ' ');
		outbuf_puts(ob, rr->target2);
		for (int i = 0; i < 5; i++) {
			outbuf_putc(ob, ' ');
			outbuf_u64(ob, rr->soa[i]);
		}
		break;
	default:
		outbuf_puts(ob, rr->target);
	}
}

static void
dns_question(struct outbuf *ob, const struct cap_dns *m)
{
	outbuf_putc(ob, ' ');
	print_dns_type(ob, m->qtype);
	if (m->qclass != 1) {
		outbuf_puts(ob, " class ");
		outbuf_u64(ob, m->qclass);
	}
	outbuf_puts(ob, "? ");
	outbuf_puts(ob, m->qname);
}

/* Answers (and, when there are none, the authority records). */
static void
dns_records(struct outbuf *ob, struct cap_dns *m)
{
	struct cap_dns_rr rr;
	int n = 0, r;

	while ((r = cap_dns_next_rr(m, &rr)) == 1) {
		if (rr.section == CAP_DNS_AR ||
		    (rr.section == CAP_DNS_NS && m->an > 0))
			continue;
		outbuf_puts(ob, n++ ? ", " : ": ");
		if (rr.section == CAP_DNS_NS)
			outbuf_puts(ob, "authority ");
		if (strcmp(rr.name, m->qname) != 0) { /* e.g. after a CNAME */
			outbuf_puts(ob, rr.name);
			outbuf_putc(ob, ' ');
		}
		print_dns_type(ob, rr.type);
		print_dns_rdata(ob, &rr);
		outbuf_puts(ob, " ttl ");
		outbuf_u64(ob, rr.ttl);
	}
}

static void
dns_trouble(struct outbuf *ob, const struct cap_dns *m)
{
	if (m->bad != NULL) {
		outbuf_puts(ob, " malformed dns: ");
		outbuf_puts(ob, m->bad);
	} else if (m->cut) {
		outbuf_puts(ob, " [|domain]");
	}
}

static void dns_message(struct outbuf *ob, struct cap_dns *m);

/* 0: the DNS part of the line was printed (after lead); -1 pkt carries
 * no DNS message. */
int
print_dns(struct outbuf *ob, const struct cap_pkt *pkt, const char *lead)
{
	struct cap_dns m;

	if (cap_dns_open(&m, pkt) < 0)
		return -1;
	outbuf_puts(ob, lead);
	dns_message(ob, &m);
	if (m.tcp && m.len + 2u > pkt->payload_len) {
		outbuf_puts(ob, " (message of ");
		outbuf_u64(ob, m.len);
		outbuf_puts(ob, " bytes, ");
		outbuf_u64(ob, pkt->payload_len - 2);
		outbuf_puts(ob, " in this segment)");
	}
	dns_trouble(ob, &m);
	return 0;
}

/* A DNS-over-TCP message that this segment completed, whole. */
void
print_dns_reasm(
    struct outbuf *ob, const uint8_t *msg, size_t len, uint32_t nseg)
{
	struct cap_dns m;

	if (cap_dns_open_msg(&m, msg, len) < 0)
		return;
	outbuf_puts(ob, " completes ");
	dns_message(ob, &m);
	outbuf_puts(ob, " (");
	outbuf_u64(ob, len);
	outbuf_puts(ob, " bytes in ");
	outbuf_u64(ob, nseg);
	outbuf_puts(ob, " segments)");
	dns_trouble(ob, &m);
}

static void
dns_message(struct outbuf *ob, struct cap_dns *m)
{
	unsigned rcode = m->flags & 0x0f;
	const char *rname;

	outbuf_puts(
	    ob, m->flags & CAP_DNS_QR ? "DNS response id " : "DNS query id ");
	outbuf_u64(ob, m->id);
	if ((m->flags >> 11 & 0x0f) != 0) {
		outbuf_puts(ob, " opcode ");
		outbuf_u64(ob, m->flags >> 11 & 0x0f);
	}
	outbuf_putc(ob, ':');
	if (m->have_q)
		dns_question(ob, m);
	if (m->qd != 1) {
		outbuf_puts(ob, " (");
		outbuf_u64(ob, m->qd);
		outbuf_puts(ob, " questions)");
	}
	if (m->flags & CAP_DNS_QR) {
		rname = cap_dns_rcode_name(rcode);
		outbuf_putc(ob, ' ');
		if (rname != NULL) {
			outbuf_puts(ob, rname);
		} else {
			outbuf_puts(ob, "rcode ");
			outbuf_u64(ob, rcode);
		}
		if (rcode == 3)
			outbuf_puts(ob, P_(" (no such name)"));
		outbuf_puts(ob, ", ");
		outbuf_u64(ob, m->an);
		outbuf_putc(ob, '/');
		outbuf_u64(ob, m->ns);
		outbuf_putc(ob, '/');
		outbuf_u64(ob, m->ar);
		if (!m->cut && m->bad == NULL)
			dns_records(ob, m);
	}
	dns_flags(ob, m->flags);
}

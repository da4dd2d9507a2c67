/*
 * DNS (RFC 1035) over UDP and TCP (length-prefixed): header, question,
 * resource records one at a time, names with compression.  A pointer
 * must lead strictly backwards (as BIND and tcpdump require), so a loop
 * or a forward pointer is a malformed name, never a hang.
 */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "extract.h"
#include "param.h"
#include "proto.h"

#define DNS_HDR 12
#define DNS_NAME_WIRE_MAX 255 /* RFC 1035 3.1 */

/* One byte of a label as tcpdump prints it (fn_print_char): M- for the
 * high bit, ^ for control characters. */
static size_t
name_char(char *q, uint8_t c)
{
	size_t n = 0;

	if (c & 0x80) {
		q[n++] = 'M', q[n++] = '-';
		c &= 0x7f;
	}
	if (c < 0x20 || c == 0x7f) {
		q[n++] = '^';
		c ^= 0x40;
	}
	q[n++] = (char)c;
	return n;
}

static int
name_bad(const struct cap_dns *m, const char *why, int cut)
{
	struct cap_dns *w = (struct cap_dns *)m; /* only the verdict */

	if (cut)
		w->cut = 1;
	if (w->bad == NULL)
		w->bad = why;
	return -1;
}

int
cap_dns_name(
    const struct cap_dns *m, size_t off, char *buf, size_t n, size_t *end)
{
	struct cap_buf b = {m->p, m->caplen};
	size_t pos = off, limit = off, out = 0, wire = 0;
	int jumps = 0;
	uint8_t l, l2;

	*end = 0;
	for (;;) {
		if (get_u8(&b, pos, &l) < 0)
			return name_bad(m, "name cut by the capture", 1);
		if (l == 0)
			break;
		if ((l & 0xc0) == 0xc0) {
			size_t ptr;

			if (get_u8(&b, pos + 1, &l2) < 0)
				return name_bad(
				    m, "name cut by the capture", 1);
			ptr = (size_t)(l & 0x3f) << 8 | l2;
			if (*end == 0)
				*end = pos + 2;
			if (ptr >= m->len)
				return name_bad(
				    m, "compression pointer past the end", 0);
			if (ptr >= limit || ++jumps > CAP_DNS_PTR_MAX)
				return name_bad(m,
				    ptr >= limit
				        ? "compression pointer not "
				          "backwards (loop or forward)"
				        : "too many compression pointers",
				    0);
			pos = limit = ptr;
			continue;
		}
		if (l & 0xc0)
			return name_bad(
			    m, "label type 0x40/0x80 (not a length)", 0);
		wire += (size_t)l + 1;
		if (wire + 1 > DNS_NAME_WIRE_MAX)
			return name_bad(m, "name longer than 255 bytes", 0);
		if (!buf_has(&b, pos + 1, l))
			return name_bad(m, "name cut by the capture", 1);
		if (out + 4u * l + 2 > n)
			return name_bad(m, "name too long", 0);
		for (size_t i = 0; i < l; i++) {
			uint8_t c = b.p[pos + 1 + i];

			if (c >= 0x20 && c < 0x7f)
				buf[out++] = (char)c; /* the usual case */
			else
				out += name_char(buf + out, c);
		}
		buf[out++] = '.';
		pos += (size_t)l + 1;
	}
	if (*end == 0)
		*end = pos + 1;
	if (out == 0 && n > 1)
		buf[out++] = '.';
	if (n > 0)
		buf[out < n ? out : n - 1] = '\0';
	return 0;
}

/* The header and question of the message at m->p (set up). */
static int
dns_question_read(struct cap_dns *m)
{
	struct cap_buf b;
	size_t end;

	b.p = m->p;
	b.len = m->caplen;
	m->next = DNS_HDR;
	for (unsigned i = 0; i < m->qd; i++) {
		char skip[CAP_DNS_NAME_MAX];

		if (cap_dns_name(m, m->next, i == 0 ? m->qname : skip,
		        CAP_DNS_NAME_MAX, &end) < 0)
			break;
		if (!buf_has(&b, end, 4)) {
			m->cut = 1;
			break;
		}
		if (i == 0) {
			(void)get_be16(&b, end, &m->qtype);
			(void)get_be16(&b, end + 2, &m->qclass);
			m->have_q = 1;
		}
		m->next = end + 4;
	}
	return 0;
}

int
cap_dns_open(struct cap_dns *m, const struct cap_pkt *pkt)
{
	if (cap_dns_head(m, pkt) < 0)
		return -1;
	return dns_question_read(m);
}

int
cap_dns_open_msg(struct cap_dns *m, const uint8_t *p, size_t n)
{
	struct cap_buf b = {p, n};

	memset(m, 0, offsetof(struct cap_dns, qname));
	m->qname[0] = '\0';
	m->p = p;
	m->caplen = n;
	m->len = (uint32_t)n;
	if (get_be16(&b, 0, &m->id) < 0 || get_be16(&b, 2, &m->flags) < 0 ||
	    get_be16(&b, 4, &m->qd) < 0 || get_be16(&b, 6, &m->an) < 0 ||
	    get_be16(&b, 8, &m->ns) < 0 || get_be16(&b, 10, &m->ar) < 0)
		return -1;
	return dns_question_read(m);
}

/* The header only (what the exchange table needs): 0, or -1 when pkt
 * carries no DNS message. */
int
cap_dns_head(struct cap_dns *m, const struct cap_pkt *pkt)
{
	struct cap_buf b;
	uint16_t tcplen;

	memset(m, 0, offsetof(struct cap_dns, qname));
	m->qname[0] = '\0';
	if (!cap_dns_port(pkt) || pkt->payload == NULL)
		return -1;
	b.p = pkt->payload;
	b.len = pkt->payload_caplen;
	m->p = pkt->payload;
	m->caplen = pkt->payload_caplen;
	m->len = pkt->payload_len;
	if (pkt->tp == CAP_TP_TCP) { /* RFC 1035 4.2.2: a 2-byte length */
		if (get_be16(&b, 0, &tcplen) < 0 || tcplen < DNS_HDR)
			return -1;
		if (tcplen + 2u != pkt->payload_len)
			m->split = 1; /* more in later segments, or not DNS */
		m->tcp = 1;
		m->p += 2;
		m->caplen -= 2;
		m->len = tcplen;
		if (m->caplen > tcplen)
			m->caplen = tcplen;
		b.p = m->p;
		b.len = m->caplen;
	}
	if (get_be16(&b, 0, &m->id) < 0 || get_be16(&b, 2, &m->flags) < 0 ||
	    get_be16(&b, 4, &m->qd) < 0 || get_be16(&b, 6, &m->an) < 0 ||
	    get_be16(&b, 8, &m->ns) < 0 || get_be16(&b, 10, &m->ar) < 0)
		return -1;
	/* A segment that is not the start of a message (its "length"
	 * is other bytes): a standard query or response has opcode 0 or
	 * 4 (notify) and at most one question. */
	if (m->split &&
	    (((m->flags >> 11 & 0x0f) != 0 && (m->flags >> 11 & 0x0f) != 4) ||
	        m->qd > 1))
		return -1;
	return 0;
}

static void
rr_data(struct cap_dns *m, const struct cap_buf *b, struct cap_dns_rr *rr)
{
	size_t d = rr->rdoff, end, o = 0;
	uint8_t l;
	int r = 0;

	switch (rr->type) {
	case 1:  /* A */
	case 28: /* AAAA */
		if (rr->rdlen != (rr->type == 1 ? 4 : 16))
			return;
		r = get_bytes(b, d, rr->rdlen, rr->addr);
		break;
	case 2:  /* NS */
	case 5:  /* CNAME */
	case 12: /* PTR */
		r = cap_dns_name(m, d, rr->target, sizeof rr->target, &end);
		break;
	case 15: /* MX */
		r = get_be16(b, d, &rr->pref) < 0
		        ? -1
		        : cap_dns_name(
		              m, d + 2, rr->target, sizeof rr->target, &end);
		break;
	case 6: /* SOA */
		r = cap_dns_name(m, d, rr->target, sizeof rr->target, &end);
		if (r == 0)
			r = cap_dns_name(
			    m, end, rr->target2, sizeof rr->target2, &end);
		for (int i = 0; r == 0 && i < 5; i++)
			r = get_be32(b, end + 4u * i, &rr->soa[i]);
		break;
	case 16: /* TXT: strings, each quoted, escaped as names are */
		while (r == 0 && d < rr->rdoff + rr->rdlen) {
			r = get_u8(b, d, &l);
			if (r < 0 || !buf_has(b, d + 1, l) ||
			    o + 4u * l + 4 > sizeof rr->target) {
				r = -1;
				break;
			}
			if (o > 0)
				rr->target[o++] = ' ';
			rr->target[o++] = '"';
			for (size_t i = 0; i < l; i++)
				o += name_char(rr->target + o, b->p[d + 1 + i]);
			rr->target[o++] = '"';
			d += 1u + l;
		}
		rr->target[o] = '\0';
		break;
	default:
		return;
	}
	rr->data_ok = r == 0;
}

int
cap_dns_next_rr(struct cap_dns *m, struct cap_dns_rr *rr)
{
	struct cap_buf b = {m->p, m->caplen};
	uint32_t total = (uint32_t)m->an + m->ns + m->ar;
	size_t end;

	if (m->bad != NULL || m->cut)
		return -1;
	if (m->rr_done >= total)
		return 0;
	memset(rr, 0, offsetof(struct cap_dns_rr, name));
	rr->name[0] = rr->target[0] = rr->target2[0] = '\0';
	rr->section = m->rr_done < m->an                     ? CAP_DNS_AN
	              : m->rr_done < (uint32_t)m->an + m->ns ? CAP_DNS_NS
	                                                     : CAP_DNS_AR;
	if (cap_dns_name(m, m->next, rr->name, sizeof rr->name, &end) < 0)
		return -1;
	if (get_be16(&b, end, &rr->type) < 0 ||
	    get_be16(&b, end + 2, &rr->rclass) < 0 ||
	    get_be32(&b, end + 4, &rr->ttl) < 0 ||
	    get_be16(&b, end + 8, &rr->rdlen) < 0) {
		m->cut = 1;
		return -1;
	}
	rr->rdoff = end + 10;
	m->next = rr->rdoff + rr->rdlen;
	m->rr_done++;
	if (buf_has(&b, rr->rdoff, rr->rdlen))
		rr_data(m, &b, rr);
	else if (rr->rdoff + rr->rdlen > m->len)
		m->bad = "record data past the end of the message";
	else
		m->cut = 1;
	return 1;
}

const char *
cap_dns_type_name(uint16_t type)
{
	switch (type) {
	case 1:
		return "A";
	case 2:
		return "NS";
	case 5:
		return "CNAME";
	case 6:
		return "SOA";
	case 12:
		return "PTR";
	case 13:
		return "HINFO";
	case 15:
		return "MX";
	case 16:
		return "TXT";
	case 28:
		return "AAAA";
	case 33:
		return "SRV";
	case 41:
		return "OPT";
	case 43:
		return "DS";
	case 46:
		return "RRSIG";
	case 47:
		return "NSEC";
	case 48:
		return "DNSKEY";
	case 99:
		return "SPF";
	case 64:
		return "SVCB";
	case 65:
		return "HTTPS";
	case 252:
		return "AXFR";
	case 255:
		return "ANY";
	case 257:
		return "CAA";
	}
	return NULL;
}

const char *
cap_dns_rcode_name(unsigned rcode)
{
	static const char *const names[] = {"NoError", "FormErr", "ServFail",
	    "NXDomain", "NotImp", "Refused", "YXDomain", "YXRRSet", "NXRRSet",
	    "NotAuth", "NotZone"};

	return rcode < sizeof names / sizeof names[0] ? names[rcode] : NULL;
}

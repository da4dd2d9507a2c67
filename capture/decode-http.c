/*
 * Application lines over TCP, read from one segment: HTTP/1.x request
 * and status lines with the headers labsniff names (Host, Content-Length,
 * Transfer-Encoding); the TLS record layer and a ClientHello's server
 * name and versions (the rest is encrypted); SMTP, POP3, IMAP and FTP
 * command and reply lines.  Nothing is reassembled: a line cut by the
 * segment's end is marked as continuing.  HTTP/1.1 pipelining: the
 * messages one segment holds back to back, found by their lengths.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <string.h>

#include "extract.h"
#include "proto.h"

static const char *const http_methods[] = {"GET", "HEAD", "POST", "PUT",
    "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE"};

/* Whether p[0..n) can start an HTTP/1.x message: "HTTP/1." or a method
 * and a space.  Most segments are not HTTP: they leave here, cheaply,
 * before anything is cleared or searched. */
static int
http_start(const uint8_t *p, size_t n)
{
	if (n < 4)
		return 0;
	switch (p[0]) {
	case 'G':
		return memcmp(p, "GET ", 4) == 0;
	case 'H':
		return (n >= 7 && memcmp(p, "HTTP/1.", 7) == 0) ||
		       (n >= 5 && memcmp(p, "HEAD ", 5) == 0);
	case 'P':
		return memcmp(p, "PUT ", 4) == 0 ||
		       (n >= 5 && memcmp(p, "POST ", 5) == 0) ||
		       (n >= 6 && memcmp(p, "PATCH ", 6) == 0);
	case 'D':
		return n >= 7 && memcmp(p, "DELETE ", 7) == 0;
	case 'O':
		return n >= 8 && memcmp(p, "OPTIONS ", 8) == 0;
	case 'C':
		return n >= 8 && memcmp(p, "CONNECT ", 8) == 0;
	case 'T':
		return n >= 6 && memcmp(p, "TRACE ", 6) == 0;
	}
	return 0;
}

/* The line at p[0..n): its length without CR LF (*eol: 1 when the LF
 * was found). */
static size_t
line_len(const uint8_t *p, size_t n, int *eol)
{
	const uint8_t *lf = memchr(p, '\n', n);
	size_t l = lf != NULL ? (size_t)(lf - p) : n;

	*eol = lf != NULL;
	if (*eol && l > 0 && p[l - 1] == '\r')
		l--;
	return l;
}

static int
starts(const uint8_t *p, size_t n, const char *word)
{
	size_t l = strlen(word);

	return n >= l && memcmp(p, word, l) == 0;
}

static void
copy_text(char *dst, size_t cap, const uint8_t *p, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, p, n);
	dst[n] = '\0';
}

static int
header_is(const uint8_t *p, size_t n, const char *name, size_t *val)
{
	size_t l = strlen(name), i;

	if (n <= l || p[l] != ':')
		return 0;
	for (i = 0; i < l; i++)
		if ((p[i] | 0x20) != (name[i] | 0x20))
			return 0;
	for (i = l + 1; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	*val = i;
	return 1;
}

static void
http_headers(struct cap_app *a, const uint8_t *p, size_t n, size_t off)
{
	size_t l, v;
	int eol;

	while (off < n) {
		l = line_len(p + off, n - off, &eol);
		if (!eol)
			return; /* the headers go on in the next segment */
		if (l == 0) {
			a->headers_done = 1;
			a->body_here =
			    (uint32_t)(n - off - (p[off] == '\r' ? 2 : 1));
			return;
		}
		if (header_is(p + off, l, "host", &v))
			copy_text(a->host, sizeof a->host, p + off + v, l - v);
		else if (header_is(p + off, l, "content-length", &v)) {
			a->has_length = 1;
			a->length = 0;
			for (; v < l && p[off + v] >= '0' && p[off + v] <= '9';
			     v++)
				a->length = a->length * 10 + (p[off + v] - '0');
		} else if (header_is(p + off, l, "transfer-encoding", &v))
			copy_text(a->encoding, sizeof a->encoding, p + off + v,
			    l - v);
		off += l + (p[off + l] == '\r' ? 2 : 1);
	}
}

static int
http_decode(struct cap_app *a, const uint8_t *p, size_t n)
{
	size_t i, l, sp;
	int eol;

	l = line_len(p, n, &eol);
	if (starts(p, l, "HTTP/1.") && l >= 12 && p[8] == ' ') {
		a->kind = CAP_APP_HTTP_RESPONSE;
		a->version = p[7];
		a->status = 0;
		for (i = 9; i < 12 && p[i] >= '0' && p[i] <= '9'; i++)
			a->status = a->status * 10 + (p[i] - '0');
		if (i != 12)
			return -1;
		copy_text(a->text, sizeof a->text, p + 13 - (l == 12),
		    l > 13 ? l - 13 : 0);
	} else {
		for (i = 0; i < sizeof http_methods / sizeof http_methods[0];
		     i++)
			if (starts(p, l, http_methods[i]) &&
			    l > strlen(http_methods[i]) &&
			    p[strlen(http_methods[i])] == ' ')
				break;
		if (i == sizeof http_methods / sizeof http_methods[0])
			return -1;
		a->kind = CAP_APP_HTTP_REQUEST;
		a->method = http_methods[i];
		sp = strlen(a->method) + 1;
		copy_text(a->text, sizeof a->text, p + sp, l - sp);
		/* "GET /x HTTP/1.1": the target without the version */
		if (eol && l >= sp + 9 && starts(p + l - 9, 9, " HTTP/1.")) {
			a->version = p[l - 1];
			copy_text(a->text, sizeof a->text, p + sp, l - sp - 9);
		} else if (eol) {
			return -1; /* not HTTP/1.x after all */
		}
	}
	a->line_cut = !eol;
	if (eol)
		http_headers(a, p, n, l + (p[l] == '\r' ? 2 : 1));
	return 0;
}

/* The TLS record at p: content type, version; a ClientHello's server
 * name and the versions it offers (supported_versions, RFC 8446), a
 * ServerHello's choice. */
static void
tls_extensions(struct cap_app *a, const struct cap_buf *b, size_t off,
    size_t end, int server)
{
	uint16_t type, len, l2, nl;
	uint8_t l1;

	while (off + 4 <= end) {
		if (get_be16(b, off, &type) < 0 ||
		    get_be16(b, off + 2, &len) < 0)
			return;
		off += 4;
		if (type == 0 && !server && get_be16(b, off, &l2) == 0 &&
		    get_be16(b, off + 3, &nl) == 0 && buf_has(b, off + 5, nl))
			copy_text(a->host, sizeof a->host, b->p + off + 5, nl);
		if (type == 43 && server)
			(void)get_be16(b, off, &a->tls_max);
		if (type == 43 && !server && get_u8(b, off, &l1) == 0) {
			for (size_t i = 1; i + 1 <= l1; i += 2) {
				uint16_t v;

				if (get_be16(b, off + i, &v) < 0)
					break;
				if ((v & 0x0f0f) == 0x0a0a)
					continue; /* GREASE (RFC 8701) */
				if (v > a->tls_max)
					a->tls_max = v;
			}
		}
		off += len;
	}
}

static int
tls_decode(struct cap_app *a, const uint8_t *p, size_t n, size_t wire)
{
	struct cap_buf b = {p, n};
	uint8_t ct, ht, sl;
	uint16_t rv, rl, hv, cl, el;
	size_t off;

	if (get_u8(&b, 0, &ct) < 0 || ct < 20 || ct > 23 ||
	    get_be16(&b, 1, &rv) < 0 || (rv >> 8) != 3 || (rv & 0xff) > 4 ||
	    get_be16(&b, 3, &rl) < 0)
		return -1;
	a->kind = CAP_APP_TLS;
	a->tls_type = ct;
	a->tls_record = rv;
	a->tls_len = rl;
	(void)wire;
	if (ct != 22 || get_u8(&b, 5, &ht) < 0)
		return 0;
	a->tls_hs = ht;
	if ((ht != 1 && ht != 2) || get_be16(&b, 9, &hv) < 0)
		return 0;
	a->tls_hello_version = hv;
	off = 11 + 32; /* random */
	if (get_u8(&b, off, &sl) < 0)
		goto cut;
	off += 1u + sl;
	if (ht == 1) { /* cipher suites, compression methods */
		if (get_be16(&b, off, &cl) < 0)
			goto cut;
		off += 2u + cl;
		if (get_u8(&b, off, &sl) < 0)
			goto cut;
		off += 1u + sl;
	} else {
		off += 3; /* the suite and the compression chosen */
	}
	if (get_be16(&b, off, &el) < 0)
		goto cut;
	tls_extensions(a, &b, off + 2, off + 2 + el, ht == 2);
	return 0;
cut:
	a->line_cut = 1;
	return 0;
}

/* Mail and file transfer: command or reply, by the server's port. */
static int
text_decode(struct cap_app *a, const uint8_t *p, size_t n, int to_server,
    enum cap_app_kind kind)
{
	size_t l, i;
	int eol;

	l = line_len(p, n, &eol);
	for (i = 0; i < l; i++)
		if (p[i] < 0x20 && p[i] != '\t')
			return -1; /* not a text line */
	if (l == 0)
		return -1;
	a->kind = kind;
	a->from_server = !to_server;
	a->line_cut = !eol;
	copy_text(a->text, sizeof a->text, p, l);
	/* after the line's LF: the other lines in this segment */
	for (i = eol ? l + (p[l] == '\r' ? 2 : 1) : n; i < n; i++)
		a->more_lines += p[i] == '\n';
	return 0;
}

static enum cap_app_kind
text_port(uint16_t port)
{
	switch (port) {
	case 25:
	case 587:
		return CAP_APP_SMTP;
	case 110:
		return CAP_APP_POP;
	case 143:
		return CAP_APP_IMAP;
	case 21:
		return CAP_APP_FTP;
	}
	return CAP_APP_NONE;
}

int
cap_app_decode_bytes(struct cap_app *a, const uint8_t *p, size_t n,
    uint16_t sport, uint16_t dport)
{
	enum cap_app_kind k;

	a->kind = CAP_APP_NONE;
	if (p == NULL || n == 0)
		return -1;
	k = text_port(dport) != CAP_APP_NONE ? text_port(dport)
	                                     : text_port(sport);
	/* HTTP starts with an upper-case method or "HTTP/", TLS with a
	 * record type 20..23: anything else is none of them, cheaply. */
	if (k == CAP_APP_NONE && !(p[0] >= 20 && p[0] <= 23) &&
	    !http_start(p, n))
		return -1;
	memset(a, 0, sizeof *a);
	if (k != CAP_APP_NONE)
		return text_decode(
		    a, p, n, text_port(dport) != CAP_APP_NONE, k);
	if (p[0] <= 23) {
		if (tls_decode(a, p, n, n) == 0)
			return 0;
		a->kind = CAP_APP_NONE;
		return -1;
	}
	if (http_decode(a, p, n) == 0)
		return 0;
	a->kind = CAP_APP_NONE;
	return -1;
}

/* The body length of the message a decoded (RFC 9112 section 6.3):
 * 0 for a 1xx, 204 or 304 response or a request without
 * Content-Length or Transfer-Encoding; -1 when only the connection's
 * end or the chunks tell. */
static int64_t
http_body_len(const struct cap_app *a)
{
	if (a->kind == CAP_APP_HTTP_RESPONSE &&
	    (a->status / 100 == 1 || a->status == 204 || a->status == 304))
		return 0;
	if (a->encoding[0] != '\0')
		return -1;
	if (a->has_length)
		return a->length > INT32_MAX ? -1 : (int64_t)a->length;
	return a->kind == CAP_APP_HTTP_REQUEST ? 0 : -1;
}

uint32_t
cap_http_messages(
    const uint8_t *p, size_t n, struct cap_http_msg *msg, uint32_t max)
{
	struct cap_app a;
	size_t off = 0, head;
	int64_t body;
	uint32_t k = 0;

	while (k < max && off < n) {
		if (!http_start(p + off, n - off))
			break;
		memset(&a, 0, sizeof a);
		if (http_decode(&a, p + off, n - off) < 0 ||
		    (k > 0 && a.kind != msg[0].kind))
			break;
		msg[k].kind = a.kind;
		msg[k].status = a.status;
		msg[k].end = n; /* unknown: at least the segment */
		body = a.headers_done ? http_body_len(&a) : -1;
		head = n - off - a.body_here;
		if (body < 0) {
			k++;
			break;
		}
		msg[k].end = off + head + (uint64_t)body;
		k++;
		if (msg[k - 1].end >= n)
			break;
		off = (size_t)msg[k - 1].end;
	}
	return k;
}

int
cap_app_decode(const struct cap_pkt *pkt, struct cap_app *a)
{
	if (pkt->tp != CAP_TP_TCP || pkt->payload == NULL ||
	    cap_dns_port(pkt)) {
		memset(a, 0, sizeof *a);
		return -1;
	}
	return cap_app_decode_bytes(
	    a, pkt->payload, pkt->payload_caplen, pkt->sport, pkt->dport);
}

const char *
cap_tls_version_name(uint16_t v)
{
	switch (v) {
	case 0x0300:
		return "SSL 3.0";
	case 0x0301:
		return "TLS 1.0";
	case 0x0302:
		return "TLS 1.1";
	case 0x0303:
		return "TLS 1.2";
	case 0x0304:
		return "TLS 1.3";
	}
	return NULL;
}

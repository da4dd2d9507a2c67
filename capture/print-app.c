/*
 * labsniff's words for the application line a TCP segment starts with:
 * an HTTP request or status line (Host, Content-Length,
 * Transfer-Encoding), a TLS record (a ClientHello's server name and
 * versions; the rest is encrypted), SMTP/POP/IMAP/FTP commands and
 * replies as text.
 */
#define _DEFAULT_SOURCE /* pcap.h (via labsniff.h) uses u_int, u_char */
#include "labsniff.h"
#include "proto.h"

static void
tls_version(struct outbuf *ob, uint16_t v)
{
	const char *name = cap_tls_version_name(v);

	if (name != NULL) {
		outbuf_puts(ob, name);
	} else {
		outbuf_puts(ob, "version 0x");
		outbuf_hex(ob, v, 4);
	}
}

static void
print_tls(struct outbuf *ob, const struct cap_app *a)
{
	if (a->tls_type == 22 && a->tls_hs == 1) {
		outbuf_puts(ob, " TLS ClientHello");
		if (a->host[0] != '\0') {
			outbuf_puts(ob, ": server name ");
			outbuf_puts(ob, a->host);
		}
		outbuf_puts(ob, ", offers up to ");
		tls_version(ob, a->tls_max ? a->tls_max : a->tls_hello_version);
		outbuf_puts(ob, P_(" (then encrypted)"));
	} else if (a->tls_type == 22 && a->tls_hs == 2) {
		outbuf_puts(ob, " TLS ServerHello: ");
		tls_version(ob, a->tls_max ? a->tls_max : a->tls_hello_version);
		outbuf_puts(ob, " chosen");
	} else if (a->tls_type == 23) {
		outbuf_puts(
		    ob, " TLS application data (encrypted), record of ");
		outbuf_u64(ob, a->tls_len);
		outbuf_puts(ob, " bytes");
	} else {
		outbuf_puts(ob, a->tls_type == 20 ? " TLS change cipher spec"
		                : a->tls_type == 21
		                    ? " TLS alert"
		                    : " TLS handshake (encrypted)");
	}
	if (a->line_cut)
		outbuf_puts(ob, P_(" (continues in the next segment)"));
}

static void
print_http(struct outbuf *ob, const struct cap_app *a)
{
	if (a->kind == CAP_APP_HTTP_REQUEST) {
		if (a->line_cut) {
			outbuf_puts(ob, " HTTP request line");
			outbuf_puts(ob, P_(" (continues in the next segment)"));
		}
		outbuf_puts(ob, a->line_cut ? ": " : " HTTP request: ");
		outbuf_puts(ob, a->method);
		outbuf_putc(ob, ' ');
		outbuf_puts(ob, a->text);
	} else {
		outbuf_puts(ob, " HTTP response: ");
		outbuf_u64(ob, a->status);
		outbuf_putc(ob, ' ');
		outbuf_puts(ob, a->text);
	}
	if (a->line_cut)
		return;
	outbuf_puts(ob, " (HTTP/1.");
	outbuf_putc(ob, (char)a->version);
	if (a->host[0] != '\0') {
		outbuf_puts(ob, ", Host ");
		outbuf_puts(ob, a->host);
	}
	if (a->has_length) {
		outbuf_puts(ob, ", Content-Length ");
		outbuf_u64(ob, a->length);
	}
	if (a->encoding[0] != '\0') {
		outbuf_puts(ob, ", Transfer-Encoding ");
		outbuf_puts(ob, a->encoding);
	}
	if (!a->headers_done)
		outbuf_puts(ob, ", headers go on in the next segment");
	outbuf_putc(ob, ')');
}

static const char *const app_names[] = {
    [CAP_APP_SMTP] = "SMTP",
    [CAP_APP_POP] = "POP3",
    [CAP_APP_IMAP] = "IMAP",
    [CAP_APP_FTP] = "FTP",
};

/* After a TCP segment's facts: 0 when its application line was named. */
int
print_app(struct outbuf *ob, const struct cap_pkt *pkt)
{
	struct cap_app a;
	char more[64];

	if (cap_app_decode(pkt, &a) < 0)
		return -1;
	switch (a.kind) {
	case CAP_APP_HTTP_REQUEST:
	case CAP_APP_HTTP_RESPONSE:
		print_http(ob, &a);
		break;
	case CAP_APP_TLS:
		print_tls(ob, &a);
		break;
	default:
		outbuf_putc(ob, ' ');
		outbuf_puts(ob, app_names[a.kind]);
		outbuf_puts(ob, a.from_server ? " reply:" : " command:");
		print_text(
		    ob, (const uint8_t *)a.text, strlen(a.text), sizeof a.text);
		if (a.line_cut)
			outbuf_puts(ob, P_(" (continues in the next segment)"));
		if (a.more_lines > 0) {
			snprintf(more, sizeof more,
			    ngettext(" and %llu more line",
			        " and %llu more lines",
			        (unsigned long)a.more_lines),
			    (unsigned long long)a.more_lines);
			outbuf_puts(ob, more);
		}
	}
	return 0;
}

/* A DNS message or an HTTP head that this segment completed. */
void
print_reasm(struct outbuf *ob, const struct sniff *s, const struct cap_pkt *pkt)
{
	const struct sniff_print *pr = &s->pr;
	struct cap_app a;

	if (!pr->reasm_http) {
		print_dns_reasm(
		    ob, pr->reasm_msg, pr->reasm_len, pr->reasm_nseg);
		return;
	}
	if (cap_app_decode_bytes(
	        &a, pr->reasm_msg, pr->reasm_len, pkt->sport, pkt->dport) < 0)
		return;
	outbuf_puts(ob, " completes");
	print_http(ob, &a);
	outbuf_puts(ob, " (");
	outbuf_u64(ob, pr->reasm_len);
	outbuf_puts(ob, " bytes in ");
	outbuf_u64(ob, pr->reasm_nseg);
	outbuf_puts(ob, " segments)");
}

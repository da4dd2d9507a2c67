/*
 * labsniff's teaching annotations: what the conversation tracker saw in a
 * packet, in words ("handshake 2/3", "reply to datagram #1", ...).
 */
#define _DEFAULT_SOURCE /* pcap.h (via labsniff.h) uses u_int, u_char */
#include "labsniff.h"

/* TRANSLATORS: "teardown: FIN from the " and "reset by the " are
 * followed by one of these. */
static const char *const side[2] = {N_("client"), N_("server")};

static void
note_sep(struct outbuf *ob, int *n)
{
	if ((*n)++ > 0)
		outbuf_puts(ob, ", ");
}

static const struct {
	uint32_t ev;
	const char *text;
	int side; /* followed by "client" or "server" (the sender) */
} tcp_notes[] = {
    {CAP_EV_HS1, N_("handshake 1/3"), 0},
    {CAP_EV_HS2, N_("handshake 2/3"), 0},
    {CAP_EV_HS3, N_("handshake 3/3"), 0},
    {CAP_EV_NO_HS,
        N_("handshake not seen: numbers relative to the first "
           "packet"),
        0},
    {CAP_EV_FIN1, N_("teardown: FIN from the "), 1},
    {CAP_EV_FIN2, N_("teardown: the other side's FIN"), 0},
    {CAP_EV_FIN_ACK, N_("acknowledges the first FIN"), 0},
    {CAP_EV_LAST_ACK, N_("acknowledges the second FIN: closed"), 0},
    {CAP_EV_RST, N_("reset by the "), 1},
    {CAP_EV_RETRANS, N_("retransmission"), 0},
    {CAP_EV_OOO, N_("out of order"), 0},
    {CAP_EV_GAP, N_("earlier bytes not captured"), 0},
    {CAP_EV_KEEPALIVE, N_("keep-alive"), 0},
    {CAP_EV_ZERO_WIN, N_("zero window: receiver full"), 0},
    {CAP_EV_DUP_ACK, N_("duplicate ACK"), 0},
};

static void
notes_tcp(struct outbuf *ob, const struct cap_note *note, int *n)
{
	size_t i;

	for (i = 0; i < sizeof tcp_notes / sizeof tcp_notes[0]; i++)
		if (tcp_notes[i].ev == CAP_EV_RST &&
		    (note->ev & CAP_EV_REFUSED)) { /* the reset's true name */
			note_sep(ob, n);
			outbuf_puts(
			    ob, P_("connection refused: nothing listens on "));
			outbuf_u64(ob, note->conv->srv_port);
		} else if (note->ev & tcp_notes[i].ev) {
			note_sep(ob, n);
			outbuf_puts(ob, P_(tcp_notes[i].text));
			if (tcp_notes[i].side)
				outbuf_puts(ob, P_(side[note->dir & 1]));
		}
}

/* Only what the capture shows: a port that never answered has no
 * server; a port that is the client of another conversation is a
 * connected socket; otherwise nothing more is known. */
static void
notes_unreach(struct outbuf *ob, const struct cap_note *note)
{
	outbuf_puts(ob, P_("port unreachable: "));
	if (note->unreach == CAP_UR_NO_SERVER) {
		outbuf_puts(ob, P_("no server on "));
		outbuf_u64(ob, note->port);
	} else if (note->unreach == CAP_UR_CONNECTED) {
		outbuf_u64(ob, note->port);
		outbuf_puts(ob, P_(" is the client of conversation #"));
		outbuf_u64(ob, note->unreach_conv);
		outbuf_puts(
		    ob, P_(", a connected socket: it refuses other senders"));
	} else {
		outbuf_puts(ob, P_("nothing accepts this datagram on "));
		outbuf_u64(ob, note->port);
	}
}

static void
notes_udp(struct outbuf *ob, const struct cap_note *note, int *n)
{
	if (note->ev & CAP_EV_REQUEST) {
		note_sep(ob, n);
		outbuf_puts(ob, P_("datagram #"));
		outbuf_u64(ob, note->req);
	}
	if (note->ev & CAP_EV_REPLY) {
		note_sep(ob, n);
		outbuf_puts(ob, P_("reply to datagram #"));
		outbuf_u64(ob, note->req);
		if (note->rtt_us >= 0) {
			outbuf_puts(ob, P_(" after "));
			print_ms(ob, note->rtt_us);
		}
	}
	if (note->ev & CAP_EV_UNPAIRED) {
		note_sep(ob, n);
		outbuf_puts(ob, P_("from the server, answers no open request"));
	}
	if (note->ev & CAP_EV_UNMATCHED) {
		note_sep(ob, n);
		outbuf_puts(ob,
		    P_("from the server, echoes no open request: not a reply"));
	}
	if (note->ev & CAP_EV_PORT_UNREACH) {
		note_sep(ob, n);
		notes_unreach(ob, note);
	}
}

/* The annotations of one packet, comma-separated; returns how many. */
int
print_notes(
    struct outbuf *ob, const struct cap_pkt *pkt, const struct cap_note *note)
{
	int n = 0;

	(void)pkt;
	notes_tcp(ob, note, &n);
	notes_udp(ob, note, &n);
	return n;
}

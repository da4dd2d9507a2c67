/*
 * Conversation tracking tests: the annotation of every packet of the
 * scenario pcaps (handshake, teardown, reset, retransmission, out of
 * order, request/reply pairing, port unreachable), relative numbers,
 * scaled windows, per-conversation statistics, and the table itself
 * (eviction, idle expiry, port reuse, bounded size, iteration order).
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "grader/testkit/harness.h"
#include "capture.h"

#define FL_MAXP 64

/* A whole scenario tracked: each packet's note, and the conversations
 * as they were evicted at the end (copies). */
static struct {
	int n, nconv;
	struct cap_note note[FL_MAXP];
	uint32_t conv_id[FL_MAXP];
	struct cap_conv conv[16];
} fl;

static void
fl_keep(void *arg, const struct cap_conv *c)
{
	(void)arg;
	ck_assert_int_lt(fl.nconv, 16);
	fl.conv[fl.nconv++] = *c;
}

static void
fl_run(const char *name)
{
	char path[512], err[512];
	struct cap_file *f;
	struct cap_flows *ft = cap_flows_new(0, 0);
	struct cap_pkt p;
	int r;

	ck_assert_ptr_nonnull(ft);
	memset(&fl, 0, sizeof fl);
	cap_flows_on_evict(ft, fl_keep, NULL);
	snprintf(path, sizeof path, "tests/pcap/%s.pcap", name);
	f = cap_file_open(kit_bin(path), err, sizeof err);
	ck_assert_msg(f != NULL, "%s", err);
	while ((r = cap_file_next(f, &p, err, sizeof err)) == 1) {
		ck_assert_int_lt(fl.n, FL_MAXP);
		cap_flow_track(ft, &p, &fl.note[fl.n]);
		fl.conv_id[fl.n] =
		    fl.note[fl.n].conv ? fl.note[fl.n].conv->id : 0;
		fl.note[fl.n].conv = NULL; /* not valid past this call */
		fl.n++;
	}
	ck_assert_msg(r == 0, "%s", err);
	cap_file_close(f);
	cap_flows_flush(ft);
	cap_flows_free(ft);
}

#define NEW CAP_EV_NEW
#define HS1 CAP_EV_HS1
#define HS2 CAP_EV_HS2
#define HS3 CAP_EV_HS3
#define NOHS CAP_EV_NO_HS
#define FIN1 CAP_EV_FIN1
#define FIN2 CAP_EV_FIN2
#define FACK CAP_EV_FIN_ACK
#define LAST CAP_EV_LAST_ACK
#define RST CAP_EV_RST
#define RETR CAP_EV_RETRANS
#define OOO CAP_EV_OOO
#define GAP CAP_EV_GAP
#define DUP CAP_EV_DUP_ACK
#define REQ CAP_EV_REQUEST
#define REP CAP_EV_REPLY
#define UNP CAP_EV_UNPAIRED
#define UNM CAP_EV_UNMATCHED
#define UNR CAP_EV_PORT_UNREACH
#define REF CAP_EV_REFUSED

/* The annotations of every packet, and the request numbers for UDP. */
static const struct {
	const char *file;
	int n;
	uint32_t ev[40];
	uint32_t req[40];
} ev_cases[] = {
    {.file = "tcp4-session",
        .n = 14,
        .ev = {NEW | HS1, HS2, HS3, 0, 0, 0, 0, 0, 0, 0, FIN1, FACK, FIN2,
            LAST},
        .req = {0}},
    {.file = "tcp6-session",
        .n = 12,
        .ev = {NEW | HS1, HS2, HS3, 0, 0, 0, 0, 0, 0, FIN1, FIN2 | FACK, LAST},
        .req = {0}},
    /* the RST that answers the SYN is a refusal, the client's a reset */
    {.file = "tcp-reset",
        .n = 8,
        .ev = {NEW | HS1, RST | REF, NEW | HS1, HS2, HS3, 0, 0, RST},
        .req = {0}},
    {.file = "tcp-retrans",
        .n = 17,
        .ev = {NEW | HS1, HS1 | RETR, HS2, HS3, 0, RETR, 0, 0, GAP, 0, DUP,
            RETR, 0, FIN1, FIN2 | FACK, RETR, LAST},
        .req = {0}},
    {.file = "tcp-ooo",
        .n = 9,
        .ev = {NEW | HS1, HS2, HS3, 0, GAP, OOO, 0, 0, 0},
        .req = {0}},
    {.file = "tcp-midstream",
        .n = 8,
        .ev = {NEW | NOHS, 0, 0, 0, 0, FIN1, FIN2 | FACK, LAST},
        .req = {0}},
    {.file = "udp-ping",
        .n = 9,
        .ev = {NEW | REQ, REP, REQ, REQ, REP, REQ, REQ, REP, REP},
        .req = {1, 1, 2, 3, 3, 4, 5, 4, 5}},
    {.file = "udp6-ping",
        .n = 5,
        .ev = {NEW | REQ, REP, REQ, REP, UNP},
        .req = {1, 1, 2, 2, 0}},
    /* Strays "PING n!" are not replies, even before the first reply;
     * replies that never echo pair in order; "WORLD?" after an echo. */
    {.file = "udp-stray",
        .n = 17,
        .ev = {NEW | REQ, UNM, REP, REQ, UNM, REP, REQ, UNM, NEW | REQ, REQ,
            REP, REP, NEW | REQ, REP, REQ, UNM, REP},
        .req = {1, 0, 1, 2, 0, 2, 3, 0, 1, 2, 1, 2, 1, 1, 2, 0, 2}},
    {.file = "icmp-unreach",
        .n = 4,
        .ev = {NEW | REQ, UNR, REQ, UNR},
        .req = {1, 0, 2, 0}},
    {.file = "icmp6-unreach",
        .n = 4,
        .ev = {NEW | REQ, UNR, REQ, UNR},
        .req = {1, 0, 2, 0}},
    {.file = "ip6-ext",
        .n = 5,
        .ev = {NEW | REQ, NEW | HS1, REQ, 0, 0},
        .req = {1, 0, 2}},
    /* the stray to the client's port: refused, tied to the stray's own
     * conversation; an error quoting nothing seen; the server gone */
    {.file = "udp-stray-unreach",
        .n = 9,
        .ev = {NEW | REQ, REP, NEW | REQ, UNR, UNR, REQ, UNR, NEW | REQ, UNR},
        .req = {1, 1, 1, 0, 0, 2, 0, 1, 0}},
    /* 130 s idle: the same conversation, no new handshake-not-seen */
    {.file = "tcp-idle",
        .n = 9,
        .ev = {NEW | HS1, HS2, HS3, 0, 0, 0, 0, 0, 0},
        .req = {0}},
    /* a segment with a bad IPv4 total length is tracked (tcpdump) */
    {.file = "tcp-bad-ip",
        .n = 6,
        .ev = {NEW | HS1, HS2, HS3, 0, 0, 0},
        .req = {0}},
    /* Real traffic of the reference pairs (see capture/lib.mk). */
    {.file = "lo-real",
        .n = 32,
        .ev = {NEW | REQ, REP, REQ, REP, NEW | REQ, REP, NEW | REQ, UNR,
            NEW | HS1, HS2, HS3, 0, 0, 0, 0, 0, 0, FIN1, FIN2 | FACK, LAST,
            NEW | HS1, HS2, HS3, 0, 0, 0, 0, FIN1, FIN2 | FACK, LAST, NEW | HS1,
            RST | REF},
        .req = {1, 1, 2, 2, 1, 1, 1}},
};

START_TEST(test_events)
{
	const __typeof__(ev_cases[0]) *c = &ev_cases[_i];
	int i;

	fl_run(c->file);
	ck_assert_int_eq(fl.n, c->n);
	for (i = 0; i < c->n; i++) {
		ck_assert_msg(fl.note[i].ev == c->ev[i],
		    "%s packet %d: events "
		    "%#x, want %#x",
		    c->file, i + 1, fl.note[i].ev, c->ev[i]);
		ck_assert_msg(fl.note[i].req == c->req[i],
		    "%s packet %d: req "
		    "%u, want %u",
		    c->file, i + 1, fl.note[i].req, c->req[i]);
	}
}
END_TEST

/* Relative numbers from the ISNs; the window scaled after the SYNs. */
START_TEST(test_relative)
{
	static const uint32_t rs[] = {
	    0, 0, 1, 1, 1, 1, 8, 8, 8, 15, 15, 15, 15, 16};
	static const uint32_t ra[] = {
	    0, 1, 1, 1, 8, 8, 8, 8, 15, 15, 15, 16, 16, 16};
	int i;

	fl_run("tcp4-session");
	for (i = 0; i < 14; i++) {
		ck_assert_uint_eq(fl.note[i].rel_seq, rs[i]);
		ck_assert_uint_eq(fl.note[i].rel_ack, ra[i]);
		ck_assert_int_eq(
		    fl.note[i].dir, (i == 1 || i == 4 || i == 5 || i == 8 ||
		                        i == 11 || i == 12));
	}
	ck_assert_uint_eq(fl.note[0].win, 65495);
	ck_assert_int_eq(fl.note[0].win_scaled, 0);
	ck_assert_uint_eq(fl.note[2].win, 512 << 7);
	ck_assert_int_eq(fl.note[2].win_scaled, 1);
	ck_assert_uint_eq(fl.note[3].seg_len, 7);
	/* tcpdump prints the SYN and SYN-ACK absolute, the rest relative. */
	ck_assert(fl.note[0].td_abs && fl.note[1].td_abs);
	ck_assert_uint_eq(fl.note[1].td_seq, 5000);
	ck_assert(!fl.note[2].td_abs);
	ck_assert_uint_eq(fl.note[2].td_seq, 1);
	/* Sequence numbers that wrap past 2^32 stay small and in order. */
	fl_run("tcp-ooo");
	ck_assert_uint_eq(fl.note[4].rel_seq, 15);
	ck_assert_uint_eq(fl.note[5].rel_seq, 8);
	ck_assert_uint_eq(fl.note[8].rel_seq, 22);
}
END_TEST

/* Who refused the datagram, as far as the capture can tell. */
START_TEST(test_unreach_cause)
{
	fl_run("udp-stray-unreach");
	ck_assert_int_eq(fl.note[3].unreach, CAP_UR_CONNECTED);
	ck_assert_uint_eq(fl.note[3].port, 54019);
	ck_assert_uint_eq(fl.note[3].unreach_conv, 1);
	ck_assert_uint_eq(fl.conv_id[3], 2); /* the stray's */
	ck_assert_int_eq(fl.note[4].unreach, CAP_UR_UNKNOWN);
	ck_assert_uint_eq(fl.note[4].port, 33333);
	ck_assert_int_eq(fl.note[6].unreach, CAP_UR_UNKNOWN); /* answered */
	/* 12000 served conversation #1: for another client, not "no
	 * server" (it may have gone, or be connected to #1's client) */
	ck_assert_int_eq(fl.note[8].unreach, CAP_UR_UNKNOWN);
	fl_run("icmp-unreach");
	ck_assert_int_eq(fl.note[1].unreach, CAP_UR_NO_SERVER);
	ck_assert_uint_eq(fl.note[1].port, 12000);
	fl_run("tcp-reset");
	ck_assert_int_eq(fl.conv[0].refused, 1);
	ck_assert_int_eq(fl.conv[1].refused, 0);
}
END_TEST

/* tcpdump's relative numbers: with the SYN but not the SYN-ACK, based on
 * the first ACK segment; after 130 s idle, still the same base. */
START_TEST(test_relative_tcpdump)
{
	static const uint32_t rs[] = {0, 0, 0, 1, 7}, ra[] = {0, 1, 1, 7, 8};
	int i;

	fl_run("tcp-syn-only");
	for (i = 0; i < 5; i++) {
		ck_assert_uint_eq(fl.note[i].rel_seq, rs[i]);
		ck_assert_uint_eq(fl.note[i].rel_ack, ra[i]);
	}
	fl_run("tcp-idle");
	ck_assert_int_eq(fl.nconv, 1);
	ck_assert_uint_eq(fl.note[6].rel_seq, 8);
	ck_assert_uint_eq(fl.note[6].rel_ack, 8);
	ck_assert_uint_eq(fl.note[7].rel_ack, 15);
	ck_assert(!fl.note[6].td_abs);
	ck_assert_uint_eq(fl.note[6].td_seq, 8);
	fl_run("tcp-bad-ip");
	ck_assert_uint_eq(fl.note[4].rel_seq, 1); /* not 600001 */
	ck_assert_uint_eq(fl.note[4].rel_ack, 8);
}
END_TEST

/* Without the handshake: anchored on the first packet, as tcpdump. */
START_TEST(test_midstream)
{
	fl_run("tcp-midstream");
	ck_assert_uint_eq(fl.note[0].rel_seq, 0);
	ck_assert_uint_eq(fl.note[0].rel_ack, 1);
	ck_assert(fl.note[0].td_abs);
	ck_assert_uint_eq(fl.note[1].rel_seq, 1);
	ck_assert_uint_eq(fl.note[1].rel_ack, 7);
	ck_assert_uint_eq(fl.note[0].win, 512); /* scale unknown */
	ck_assert_int_eq(fl.note[0].win_scaled, 0);
	ck_assert_int_eq(fl.nconv, 1);
	ck_assert_int_eq(fl.conv[0].hs_seen, 0);
	ck_assert_uint_eq(fl.conv[0].cli_port, 40030);
	ck_assert_int_eq(fl.conv[0].rtt_synack_us, -1);
	ck_assert_int_eq(fl.conv[0].state, CAP_CS_CLOSED);
}
END_TEST

START_TEST(test_conv_stats)
{
	char a[64];
	const struct cap_conv *c;

	fl_run("tcp4-session");
	ck_assert_int_eq(fl.nconv, 1);
	c = &fl.conv[0];
	ck_assert_uint_eq(c->id, 1);
	ck_assert_uint_eq(c->proto, 6);
	ck_assert_str_eq(cap_addr_str(&c->cli, a, sizeof a), "127.0.0.1");
	ck_assert_uint_eq(c->cli_port, 45678);
	ck_assert_uint_eq(c->srv_port, 12000);
	ck_assert_int_eq(c->state, CAP_CS_CLOSED);
	ck_assert(c->hs_seen && c->wscale_ok);
	ck_assert_uint_eq(c->wscale[0], 7);
	ck_assert_uint_eq(c->mss[1], 65495);
	ck_assert_int_eq(c->closer, 0);
	ck_assert_uint_eq(c->pkts[0], 8);
	ck_assert_uint_eq(c->pkts[1], 6);
	ck_assert_uint_eq(c->data[0], 14);
	ck_assert_uint_eq(c->data[1], 14);
	ck_assert_uint_eq(c->bytes[0], 74 + 5 * 66 + 2 * 73);
	ck_assert_int_eq(c->rtt_synack_us, 40);
	ck_assert_int_eq(c->rtt_hs_us, 70);
	ck_assert_int_eq(c->first.tv_usec, 50);
	ck_assert_int_eq(c->last.tv_usec, 3310);
	fl_run("tcp-reset");
	ck_assert_int_eq(fl.nconv, 2);
	ck_assert_int_eq(fl.conv[0].state, CAP_CS_RESET);
	ck_assert_int_eq(fl.conv[0].resetter, 1);
	ck_assert_int_eq(fl.conv[1].resetter, 0);
	fl_run("tcp-retrans");
	ck_assert_uint_eq(fl.conv[0].retrans[0], 2);
	ck_assert_uint_eq(fl.conv[0].retrans[1], 2);
	ck_assert_uint_eq(fl.conv[0].ooo[0], 0);
	ck_assert_int_eq(fl.conv[0].rtt_synack_us, 40); /* last SYN */
	fl_run("tcp-ooo");
	ck_assert_uint_eq(fl.conv[0].ooo[0], 1);
	ck_assert_uint_eq(fl.conv[0].retrans[0], 0);
}
END_TEST

START_TEST(test_udp_stats)
{
	fl_run("udp-ping");
	ck_assert_int_eq(fl.nconv, 1);
	ck_assert_uint_eq(fl.conv[0].requests, 5);
	ck_assert_uint_eq(fl.conv[0].replies, 4);
	ck_assert_uint_eq(fl.conv[0].unanswered, 1);
	ck_assert_uint_eq(fl.conv[0].cli_port, 50000);
	ck_assert_int_eq(fl.note[1].rtt_us, 80);
	ck_assert_int_eq(fl.note[7].rtt_us, 1000000 + 300); /* late */
	ck_assert_int_eq(fl.note[0].rtt_us, -1);
	fl_run("udp6-ping");
	ck_assert_uint_eq(fl.conv[0].unpaired, 1);
	ck_assert_uint_eq(fl.conv[0].unanswered, 0);
	ck_assert_uint_eq(fl.conv[0].unmatched, 0);
	fl_run("udp-stray");
	ck_assert_int_eq(fl.nconv, 3);
	ck_assert_uint_eq(fl.conv[0].replies, 2);
	ck_assert_uint_eq(fl.conv[0].unmatched, 3);
	ck_assert_uint_eq(fl.conv[0].unanswered, 1); /* "PING 3!" is not one */
	ck_assert_uint_eq(fl.conv[0].unpaired, 0);
	ck_assert_int_eq(fl.note[1].rtt_us, -1);
	ck_assert_int_eq(fl.note[2].rtt_us, 80);
	ck_assert_uint_eq(fl.conv[1].replies, 2);
	ck_assert_uint_eq(fl.conv[1].unmatched, 0);
	ck_assert_uint_eq(fl.conv[2].unmatched, 1);
	fl_run("icmp-unreach");
	ck_assert_uint_eq(fl.note[1].port, 12000);
	ck_assert_uint_eq(fl.conv_id[1], 1);
	ck_assert_uint_eq(fl.conv[0].unreach, 2);
	ck_assert_uint_eq(fl.conv[0].unanswered, 2);
	ck_assert_uint_eq(fl.conv[0].pkts[1], 0);
	fl_run("icmp6-unreach");
	ck_assert_uint_eq(fl.note[3].port, 12000);
	ck_assert_uint_eq(fl.conv[0].unreach, 2);
}
END_TEST

/* Hand-made packets for the table tests (cap_flow_track reads fields). */
static void
fl_udp(struct cap_pkt *p, uint16_t sport, uint16_t dport, long sec)
{
	memset(p, 0, sizeof *p);
	p->net = CAP_NET_IP;
	p->tp = CAP_TP_UDP;
	p->src.family = p->dst.family = 4;
	p->src.a[0] = p->dst.a[0] = 127;
	p->src.a[3] = p->dst.a[3] = 1;
	p->sport = sport, p->dport = dport;
	p->ts.tv_sec = 1700000000 + sec;
	p->len = 42;
}

static void
fl_count(void *arg, const struct cap_conv *c)
{
	uint32_t *ids = arg;

	ids[++ids[0]] = c->id;
}

/* The first datagram back, before any reply has echoed: one payload sent
 * by the client, then two back.  An echo is a reply; a datagram that
 * does not echo the lab's ping is not; any other request pairs with the
 * datagram back (request/response), and the echo after it finds the
 * request answered. */
struct fl_bytes {
	const char *s;
	uint32_t n;
};
#define FL_B(lit)                                                              \
	{                                                                      \
		lit, sizeof lit - 1                                            \
	}

static const struct {
	struct fl_bytes req, back1, back2;
	uint32_t ev1, ev2;
} first_back[] = {
    {FL_B("ping 1"), FL_B("PING 1!"), FL_B("PING 1"), CAP_EV_UNMATCHED,
        CAP_EV_REPLY},
    {FL_B("PING 12"), FL_B("pong 12"), FL_B("PING 12"), CAP_EV_UNMATCHED,
        CAP_EV_REPLY},
    {FL_B("ping 1\0"), FL_B("PING 1"), FL_B("PING 1\0"), CAP_EV_UNMATCHED,
        CAP_EV_REPLY},
    {FL_B("Ping 3"), FL_B("PING 3"), FL_B("PING 3!"), CAP_EV_REPLY,
        CAP_EV_UNPAIRED},
    {FL_B("ping x"), FL_B("PING X!"), FL_B("PING X"), CAP_EV_REPLY,
        CAP_EV_UNPAIRED},
    {FL_B("pinger 1"), FL_B("PINGER 1!"), FL_B("PINGER 1"), CAP_EV_REPLY,
        CAP_EV_UNPAIRED},
    {FL_B("ping"), FL_B("PING!"), FL_B("PING"), CAP_EV_REPLY, CAP_EV_UNPAIRED},
    {FL_B(""), FL_B("x"), FL_B(""), CAP_EV_REPLY, CAP_EV_UNPAIRED},
};

static void
fl_payload(struct cap_pkt *p, const struct fl_bytes *b, int dir)
{
	fl_udp(p, dir ? 12000 : 40000, dir ? 40000 : 12000, 0);
	p->payload = (const uint8_t *)b->s;
	p->payload_caplen = p->payload_len = b->n;
}

START_TEST(test_first_back)
{
	struct cap_flows *ft = cap_flows_new(16, 60);
	struct cap_pkt p;
	struct cap_note n;

	fl_payload(&p, &first_back[_i].req, 0);
	ck_assert_int_eq(cap_flow_track(ft, &p, &n), 0);
	fl_payload(&p, &first_back[_i].back1, 1);
	cap_flow_track(ft, &p, &n);
	ck_assert_msg(n.ev == first_back[_i].ev1, "%s then %s: %#x, want %#x",
	    first_back[_i].req.s, first_back[_i].back1.s, n.ev,
	    first_back[_i].ev1);
	fl_payload(&p, &first_back[_i].back2, 1);
	cap_flow_track(ft, &p, &n);
	ck_assert_msg(n.ev == first_back[_i].ev2, "%s then %s: %#x, want %#x",
	    first_back[_i].req.s, first_back[_i].back2.s, n.ev,
	    first_back[_i].ev2);
	ck_assert_uint_eq(n.conv->replies, 1);
	ck_assert_uint_eq(n.conv->unanswered, 0);
	cap_flows_free(ft);
}
END_TEST

START_TEST(test_eviction)
{
	struct cap_flows *ft = cap_flows_new(4, 60);
	struct cap_flows_stats st;
	struct cap_pkt p;
	struct cap_note n;
	uint32_t ids[16] = {0};
	const struct cap_conv *c;
	int i;

	cap_flows_on_evict(ft, fl_count, ids);
	for (i = 0; i < 6; i++) {
		fl_udp(&p, (uint16_t)(40000 + i), 12000, i);
		ck_assert_int_eq(cap_flow_track(ft, &p, &n), 0);
		if (i == 3) { /* touch the first: the second is now LRU */
			fl_udp(&p, 12000, 40000, i);
			cap_flow_track(ft, &p, &n);
			ck_assert(n.ev & CAP_EV_REPLY);
		}
	}
	ck_assert_uint_eq(ids[0], 2);
	ck_assert_uint_eq(ids[1], 2);
	ck_assert_uint_eq(ids[2], 3);
	cap_flows_stats(ft, &st);
	ck_assert_uint_eq(st.live, 4);
	ck_assert_uint_eq(st.evicted_full, 2);
	/* Iteration is in id order, whatever the activity order. */
	c = cap_flows_first(ft);
	ck_assert_uint_eq(c->id, 1);
	c = cap_flows_next(ft, c);
	ck_assert_uint_eq(c->id, 4);
	/* Idle expiry: two minutes later the old ones go. */
	fl_udp(&p, 50000, 12000, 200);
	cap_flow_track(ft, &p, &n);
	cap_flows_stats(ft, &st);
	ck_assert_uint_ge(st.evicted_idle, 2);
	cap_flows_flush(ft);
	cap_flows_stats(ft, &st);
	ck_assert_uint_eq(st.live, 0);
	ck_assert_uint_eq(ids[ids[0]], 7);
	cap_flows_free(ft);
}
END_TEST

/*
 * The lookup first tries the previous packet's conversation: it must
 * still tell UDP from TCP on the same ports, another address from the
 * same ports, and forget a conversation once it has been evicted.
 */
START_TEST(test_last_conv)
{
	struct cap_flows *ft = cap_flows_new(2, 60);
	struct cap_pkt p;
	struct cap_note n;
	uint32_t udp_id, tcp_id, other_id;

	fl_udp(&p, 40000, 12000, 0);
	ck_assert_int_eq(cap_flow_track(ft, &p, &n), 0);
	ck_assert_ptr_nonnull(n.conv);
	udp_id = n.conv->id;
	fl_udp(&p, 40000, 12000, 0); /* the same ports, over TCP */
	p.tp = CAP_TP_TCP;
	p.tcp.flags = CAP_TH_SYN;
	p.tcp.seq = 1000;
	ck_assert_int_eq(cap_flow_track(ft, &p, &n), 0);
	ck_assert_ptr_nonnull(n.conv);
	tcp_id = n.conv->id;
	ck_assert_uint_ne(tcp_id, udp_id);
	fl_udp(&p, 12000, 40000, 0); /* back to UDP, the other way */
	ck_assert_int_eq(cap_flow_track(ft, &p, &n), 0);
	ck_assert_uint_eq(n.conv->id, udp_id);
	ck_assert_int_eq(n.dir, 1);
	fl_udp(&p, 40000, 12000, 0); /* same ports, another address */
	p.src.a[3] = 2;
	ck_assert_int_eq(cap_flow_track(ft, &p, &n), 0);
	other_id = n.conv->id;
	ck_assert_uint_ne(other_id, udp_id);
	ck_assert_uint_ne(other_id, tcp_id);
	/* The table holds 2: the TCP one (least recently used) went. The
	 * same TCP packet again is a new conversation, not the old one. */
	fl_udp(&p, 40000, 12000, 0);
	p.tp = CAP_TP_TCP;
	p.tcp.flags = CAP_TH_SYN;
	p.tcp.seq = 1000;
	ck_assert_int_eq(cap_flow_track(ft, &p, &n), 0);
	ck_assert_uint_gt(n.conv->id, other_id);
	cap_flows_free(ft);
}
END_TEST

/* A new SYN with another ISN on the same ports is a new conversation. */
START_TEST(test_port_reuse)
{
	struct cap_flows *ft = cap_flows_new(16, 60);
	struct cap_pkt p;
	struct cap_note n;
	uint32_t ids[16] = {0};
	static const struct {
		int dir;
		uint16_t flags;
		uint32_t seq, ack;
	} segs[] = {
	    {0, CAP_TH_SYN, 100, 0},
	    {1, CAP_TH_SYN | CAP_TH_ACK, 500, 101},
	    {0, CAP_TH_ACK, 101, 501},
	    {0, CAP_TH_RST, 101, 0},
	    {0, CAP_TH_SYN, 90000, 0},
	    {0, CAP_TH_SYN, 90000, 0},
	};
	unsigned i;

	cap_flows_on_evict(ft, fl_count, ids);
	for (i = 0; i < sizeof segs / sizeof segs[0]; i++) {
		fl_udp(&p, segs[i].dir ? 12000 : 40000,
		    segs[i].dir ? 40000 : 12000, 0);
		p.tp = CAP_TP_TCP;
		p.tcp.flags = segs[i].flags;
		p.tcp.seq = segs[i].seq, p.tcp.ack = segs[i].ack;
		ck_assert_int_eq(cap_flow_track(ft, &p, &n), 0);
	}
	ck_assert_uint_eq(n.conv->id, 2);
	ck_assert(n.ev & CAP_EV_RETRANS); /* the repeated SYN */
	ck_assert_uint_eq(ids[0], 1);     /* the first was evicted */
	ck_assert_uint_eq(ids[1], 1);
	cap_flows_free(ft);
}
END_TEST

/* When the table is full a closed conversation goes before an open one,
 * even a more recent one. */
START_TEST(test_closed_first)
{
	struct cap_flows *ft = cap_flows_new(2, 60);
	struct cap_pkt p;
	struct cap_note n;
	uint32_t ids[8] = {0};

	cap_flows_on_evict(ft, fl_count, ids);
	fl_udp(&p, 40000, 12000, 0); /* 1: open, least recent */
	cap_flow_track(ft, &p, &n);
	fl_udp(&p, 40001, 12001, 1); /* 2: TCP, reset */
	p.tp = CAP_TP_TCP;
	p.tcp.flags = CAP_TH_SYN;
	cap_flow_track(ft, &p, &n);
	p.tcp.flags = CAP_TH_RST;
	cap_flow_track(ft, &p, &n);
	ck_assert_int_eq(n.conv->state, CAP_CS_RESET);
	fl_udp(&p, 40002, 12002, 2); /* 3: needs room */
	cap_flow_track(ft, &p, &n);
	ck_assert_uint_eq(ids[0], 1);
	ck_assert_uint_eq(ids[1], 2);
	cap_flows_free(ft);
}
END_TEST

/* An open TCP conversation idle past the timeout stays (dormant) and
 * resumes; a UDP one goes; when room is needed a dormant one goes
 * before an active one. */
START_TEST(test_dormant)
{
	struct cap_flows *ft = cap_flows_new(2, 60);
	struct cap_pkt p;
	struct cap_note n;
	uint32_t ids[8] = {0}, tcp_id;

	cap_flows_on_evict(ft, fl_count, ids);
	fl_udp(&p, 40000, 12000, 0); /* TCP 40000 -> 12000, mid-stream */
	p.tp = CAP_TP_TCP;
	p.tcp.flags = CAP_TH_ACK, p.tcp.seq = 1000, p.tcp.ack = 5000;
	cap_flow_track(ft, &p, &n);
	tcp_id = n.conv->id;
	fl_udp(&p, 40001, 12001, 100); /* 100 s later: the TCP one dozes */
	cap_flow_track(ft, &p, &n);
	fl_udp(&p, 40002, 12002, 200); /* 200 s: the UDP one expires */
	cap_flow_track(ft, &p, &n);
	ck_assert_uint_eq(ids[0], 1); /* the UDP one went, not the TCP */
	ck_assert_uint_ne(ids[1], tcp_id);
	fl_udp(&p, 12000, 40000, 201); /* the TCP one resumes */
	p.tp = CAP_TP_TCP;
	p.tcp.flags = CAP_TH_ACK, p.tcp.seq = 5000, p.tcp.ack = 1010;
	cap_flow_track(ft, &p, &n);
	ck_assert_uint_eq(n.conv->id, tcp_id);
	ck_assert(!(n.ev & (CAP_EV_NEW | CAP_EV_NO_HS)));
	ck_assert_uint_eq(n.rel_ack, 10); /* numbered from the same base */
	fl_udp(&p, 40003, 12003, 400);    /* the TCP one dozes again */
	cap_flow_track(ft, &p, &n);
	fl_udp(&p, 40004, 12004, 401); /* room: the dormant one goes */
	cap_flow_track(ft, &p, &n);
	ck_assert_uint_eq(ids[ids[0]], tcp_id);
	cap_flows_free(ft);
}
END_TEST

/* A million distinct conversations: the table and memory stay bounded. */
START_TEST(test_bounded)
{
	struct cap_flows *ft = cap_flows_new(0, 0);
	struct cap_flows_stats st;
	struct rusage before, after;
	struct cap_pkt p;
	struct cap_note n;
	long i;

	getrusage(RUSAGE_SELF, &before);
	for (i = 0; i < 1000000; i++) {
		fl_udp(&p, (uint16_t)(1024 + i % 60000), 12000, i / 100000);
		p.src.a[1] = (uint8_t)(i / 60000);
		cap_flow_track(ft, &p, &n);
	}
	getrusage(RUSAGE_SELF, &after);
	cap_flows_stats(ft, &st);
	ck_assert_uint_le(st.live, st.max);
	ck_assert_uint_eq(st.created, 1000000);
	ck_assert_uint_eq(st.evicted_full + st.evicted_idle + st.live, 1000000);
	ck_assert_int_lt(after.ru_maxrss - before.ru_maxrss, 16 * 1024);
	cap_flows_free(ft);
}
END_TEST

START_TEST(test_untracked)
{
	struct cap_flows *ft = cap_flows_new(0, 0);
	struct cap_flows_stats st;
	struct cap_pkt p;
	struct cap_note n;

	fl_udp(&p, 1, 2, 0);
	p.tp = CAP_TP_ICMP;
	p.icmp.type = 8;
	ck_assert_int_eq(cap_flow_track(ft, &p, &n), -1);
	ck_assert_ptr_null(n.conv);
	fl_udp(&p, 1, 2, 0);
	p.bad = "bad length 92 > 6";
	ck_assert_int_eq(cap_flow_track(ft, &p, &n), -1);
	fl_udp(&p, 1, 2, 0);
	p.icmp.inner.valid = 1;
	p.tp = CAP_TP_ICMP, p.icmp.type = 3, p.icmp.code = 3;
	ck_assert_int_eq(cap_flow_track(ft, &p, &n), -1); /* unknown */
	ck_assert(n.ev & CAP_EV_PORT_UNREACH);
	cap_flows_stats(ft, &st);
	ck_assert_uint_eq(st.untracked, 3);
	ck_assert_uint_eq(st.created, 0);
	cap_flows_free(ft);
}
END_TEST

Suite *
flow_suite(void)
{
	Suite *s = suite_create("flow");
	TCase *core = tcase_create("core");
	TCase *table = tcase_create("table");

	tcase_set_timeout(core, 10);
	tcase_add_loop_test(
	    core, test_events, 0, sizeof ev_cases / sizeof ev_cases[0]);
	tcase_add_test(core, test_relative);
	tcase_add_test(core, test_midstream);
	tcase_add_test(core, test_unreach_cause);
	tcase_add_test(core, test_relative_tcpdump);
	tcase_add_test(core, test_conv_stats);
	tcase_add_test(core, test_udp_stats);
	tcase_add_loop_test(
	    core, test_first_back, 0, sizeof first_back / sizeof first_back[0]);
	suite_add_tcase(s, core);
	tcase_set_timeout(table, 20);
	tcase_add_test(table, test_eviction);
	tcase_add_test(table, test_last_conv);
	tcase_add_test(table, test_port_reuse);
	tcase_add_test(table, test_closed_first);
	tcase_add_test(table, test_dormant);
	tcase_add_test(table, test_bounded);
	tcase_add_test(table, test_untracked);
	suite_add_tcase(s, table);
	return s;
}

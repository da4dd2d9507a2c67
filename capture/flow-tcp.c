/*
 * TCP conversation analysis: relative numbers (ours and tcpdump's),
 * scaled windows, the handshake and teardown steps, resets,
 * retransmissions, out-of-order segments, keep-alives, duplicate ACKs.
 */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "flow.h"

#define TH(pkt, fl) (((pkt)->tcp.flags & (fl)) != 0)

/* A new conversation: who is the client, and was the handshake seen. */
static void
tcp_start(struct flow *f, const struct cap_pkt *pkt, struct cap_note *note)
{
	int syn = TH(pkt, CAP_TH_SYN), ack = TH(pkt, CAP_TH_ACK);

	if (syn && !ack)
		flow_set_client(f, pkt, 1);
	else if (syn)
		flow_set_client(f, pkt, 0);
	else /* mid-connection: the ephemeral (higher) port is the client */
		flow_set_client(f, pkt, pkt->sport >= pkt->dport);
	note->ev |= CAP_EV_NEW;
	if (!(syn && !ack))
		note->ev |= CAP_EV_NO_HS;
}

/* A SYN on a known conversation is a new connection (port reuse) unless
 * it repeats the SYN already seen. */
static int
tcp_new_syn(const struct flow *f, const struct cap_pkt *pkt)
{
	int d = flow_dir(f, pkt);

	return !(f->d[d].syn && pkt->tcp.seq == f->c.isn[d]);
}

static void
tcp_numbers(
    struct flow *f, const struct cap_pkt *pkt, int d, struct cap_note *note)
{
	const struct cap_tcp *t = &pkt->tcp;
	struct cap_conv *c = &f->c;
	int p = !d, ack = TH(pkt, CAP_TH_ACK);
	/* tcpdump (print-tcp.c): only ACK segments are made relative; a
	 * SYN or the first ACK segment re-anchors and prints absolute. */
	int anchor = ack && (!f->td_valid || TH(pkt, CAP_TH_SYN));

	if (!f->d[d].have_base || TH(pkt, CAP_TH_SYN)) {
		c->isn[d] = t->seq;
		f->d[d].have_base = 1;
	}
	/* Our bases follow tcpdump's anchor, so the numbers match its own
	 * even when the SYN-ACK was not captured (the first ACK segment
	 * then has seq 0, as tcpdump counts). */
	if (anchor) {
		f->td_base[d] = c->isn[d] = t->seq;
		f->td_base[p] = c->isn[p] = t->ack - 1;
		f->d[d].have_base = f->d[p].have_base = 1;
		f->td_valid = 1;
	}
	note->rel_seq = t->seq - c->isn[d];
	note->rel_ack = ack ? t->ack - c->isn[p] : 0;
	note->td_seq = t->seq, note->td_ack = t->ack, note->td_abs = 1;
	if (ack && !anchor) {
		note->td_seq = t->seq - f->td_base[d];
		note->td_ack = t->ack - f->td_base[p];
		note->td_abs = 0;
	}
	note->win = t->win;
	if (c->wscale_ok && !TH(pkt, CAP_TH_SYN)) {
		note->win = (uint32_t)t->win << c->wscale[d];
		note->win_scaled = 1;
	}
	note->seg_len = pkt->payload_len;
}

/* What a SYN announces: MSS and window scale. */
static void
tcp_syn_options(struct flow *f, const struct cap_pkt *pkt, int d)
{
	const struct cap_tcp *t = &pkt->tcp;

	if (t->has_mss)
		f->c.mss[d] = t->mss;
	if (t->has_wscale) {
		f->d[d].ws_sent = 1;
		f->c.wscale[d] = t->wscale > 14 ? 14 : t->wscale;
	}
}

static void
tcp_handshake(
    struct flow *f, const struct cap_pkt *pkt, int d, struct cap_note *note)
{
	struct cap_conv *c = &f->c;
	int syn = TH(pkt, CAP_TH_SYN), ack = TH(pkt, CAP_TH_ACK);

	if (syn && !ack) {
		note->ev |= CAP_EV_HS1;
		if (f->d[d].syn) {
			/* Time the handshake from the SYN that was answered
			 * (the last one), not from one that was lost. */
			if (c->state == CAP_CS_SYN_SENT)
				f->syn_ts = pkt->ts;
			return;
		}
		f->d[d].syn = 1;
		f->d[d].syn_seq = pkt->tcp.seq;
		f->syn_ts = pkt->ts;
		c->hs_seen = 1;
		c->state = CAP_CS_SYN_SENT;
		tcp_syn_options(f, pkt, d);
	} else if (syn) {
		note->ev |= CAP_EV_HS2;
		if (f->d[d].syn)
			return;
		f->d[d].syn = 1;
		c->state = CAP_CS_SYN_RCVD;
		tcp_syn_options(f, pkt, d);
		c->wscale_ok = f->d[0].ws_sent && f->d[1].ws_sent;
		if (c->hs_seen)
			c->rtt_synack_us = flow_tv_us(&pkt->ts, &f->syn_ts);
	} else if (ack && d == 0 && c->state == CAP_CS_SYN_RCVD &&
	           pkt->tcp.ack == c->isn[1] + 1) {
		note->ev |= CAP_EV_HS3;
		c->state = CAP_CS_ESTABLISHED;
		if (c->hs_seen)
			c->rtt_hs_us = flow_tv_us(&pkt->ts, &f->syn_ts);
	}
}

/* Take [lo, hi) out of the gap h (it was filled). */
static void
hole_fill(struct flow_tcpdir *dd, int h, uint32_t lo, uint32_t hi)
{
	struct flow_hole *o = &dd->holes[h];

	if (SEQ_LEQ(lo, o->lo) && SEQ_GEQ(hi, o->hi)) {
		*o = dd->holes[--dd->nholes];
	} else if (SEQ_LEQ(lo, o->lo)) {
		o->lo = hi;
	} else if (SEQ_GEQ(hi, o->hi)) {
		o->hi = lo;
	} else if (dd->nholes < CAP_TCP_HOLES) {
		dd->holes[dd->nholes] = *o;
		dd->holes[dd->nholes++].lo = hi;
		o->hi = lo;
	} else {
		o->hi = lo; /* no room: forget the upper part */
	}
}

static void
hole_add(
    struct flow_tcpdir *dd, uint32_t lo, uint32_t hi, const struct timeval *ts)
{
	int i = dd->nholes < CAP_TCP_HOLES ? dd->nholes++ : 0;

	dd->holes[i].lo = lo;
	dd->holes[i].hi = hi;
	dd->holes[i].ts = *ts;
}

/* A segment below the highest seen: filling a gap within an RTT is out
 * of order, anything else (or a gap filled later) a retransmission. */
static uint32_t
tcp_old_segment(struct flow *f, struct flow_tcpdir *dd,
    const struct cap_pkt *pkt, uint32_t seq, uint32_t end)
{
	/* tshark's threshold: the handshake's RTT when known. */
	int64_t thres = f->c.rtt_hs_us > 0 ? f->c.rtt_hs_us : CAP_OOO_US;
	int h;

	for (h = 0; h < dd->nholes; h++) {
		struct flow_hole *o = &dd->holes[h];

		if (SEQ_GEQ(seq, o->lo) && SEQ_LT(seq, o->hi)) {
			int64_t age = flow_tv_us(&pkt->ts, &o->ts);

			hole_fill(dd, h, seq, end);
			return age < thres ? CAP_EV_OOO : CAP_EV_RETRANS;
		}
	}
	return CAP_EV_RETRANS;
}

static void
tcp_sequence(
    struct flow *f, const struct cap_pkt *pkt, int d, struct cap_note *note)
{
	struct flow_tcpdir *dd = &f->d[d];
	uint32_t seq = pkt->tcp.seq, end, ev;
	uint32_t seglen =
	    pkt->payload_len + TH(pkt, CAP_TH_SYN) + TH(pkt, CAP_TH_FIN);

	if (TH(pkt, CAP_TH_RST))
		return;
	if (dd->have_next && pkt->payload_len <= 1 &&
	    !TH(pkt, CAP_TH_SYN | CAP_TH_FIN) && seq == dd->next - 1) {
		note->ev |= CAP_EV_KEEPALIVE;
		return;
	}
	if (seglen == 0)
		return;
	end = seq + seglen;
	if (!dd->have_next) {
		dd->have_next = 1;
		dd->next = end;
		return;
	}
	if (seq == dd->next) {
		dd->next = end;
		return;
	}
	if (SEQ_GT(seq, dd->next)) {
		note->ev |= CAP_EV_GAP;
		hole_add(dd, dd->next, seq, &pkt->ts);
		dd->next = end;
		return;
	}
	ev = tcp_old_segment(f, dd, pkt, seq, end);
	note->ev |= ev;
	if (ev == CAP_EV_OOO)
		f->c.ooo[d]++;
	else
		f->c.retrans[d]++;
	if (SEQ_GT(end, dd->next))
		dd->next = end;
}

static void
tcp_teardown(
    struct flow *f, const struct cap_pkt *pkt, int d, struct cap_note *note)
{
	struct cap_conv *c = &f->c;
	struct flow_tcpdir *dd = &f->d[d], *pd = &f->d[!d];

	if (TH(pkt, CAP_TH_RST)) {
		note->ev |= CAP_EV_RST;
		/* The server's RST-ACK to the SYN, before any SYN-ACK: the
		 * kernel's answer when nothing listens (RFC 793 3.4). */
		if (d == 1 && c->state == CAP_CS_SYN_SENT &&
		    TH(pkt, CAP_TH_ACK) &&
		    pkt->tcp.ack == f->d[0].syn_seq + 1) {
			note->ev |= CAP_EV_REFUSED;
			c->refused = 1;
		}
		c->state = CAP_CS_RESET;
		if (c->resetter < 0)
			c->resetter = (int8_t)d;
		return;
	}
	if (TH(pkt, CAP_TH_FIN) && !dd->fin) {
		dd->fin = 1;
		dd->fin_seq = pkt->tcp.seq + pkt->payload_len;
		if (c->closer < 0) {
			c->closer = (int8_t)d;
			note->ev |= CAP_EV_FIN1;
			c->state = CAP_CS_FIN_WAIT;
		} else {
			note->ev |= CAP_EV_FIN2;
			c->state = CAP_CS_CLOSING;
		}
	}
	if (TH(pkt, CAP_TH_ACK) && pd->fin && !pd->fin_acked &&
	    SEQ_GEQ(pkt->tcp.ack, pd->fin_seq + 1)) {
		pd->fin_acked = 1;
		if (f->d[0].fin_acked && f->d[1].fin_acked) {
			note->ev |= CAP_EV_LAST_ACK;
			c->state = CAP_CS_CLOSED;
		} else
			note->ev |= CAP_EV_FIN_ACK;
	}
}

static void
tcp_acks(
    struct flow *f, const struct cap_pkt *pkt, int d, struct cap_note *note)
{
	const struct cap_tcp *t = &pkt->tcp;
	struct flow_tcpdir *dd = &f->d[d], *pd = &f->d[!d];

	if (!TH(pkt, CAP_TH_ACK) || TH(pkt, CAP_TH_RST))
		return;
	if (t->win == 0 && !TH(pkt, CAP_TH_SYN | CAP_TH_FIN))
		note->ev |= CAP_EV_ZERO_WIN;
	if (dd->have_ack && pkt->payload_len == 0 &&
	    !TH(pkt, CAP_TH_SYN | CAP_TH_FIN) && t->ack == dd->last_ack &&
	    t->win == dd->last_win && t->win != 0 && pd->have_next &&
	    SEQ_LT(t->ack, pd->next) && !(note->ev & CAP_EV_KEEPALIVE))
		note->ev |= CAP_EV_DUP_ACK;
	dd->last_ack = t->ack;
	dd->last_win = t->win;
	dd->have_ack = 1;
}

/* The conversation key of pkt and its hash. */
static uint32_t
tcp_key(struct flow_key *k, const struct cap_pkt *pkt)
{
	int swapped;

	flow_key_make(
	    k, 6, &pkt->src, pkt->sport, &pkt->dst, pkt->dport, &swapped);
	return flow_key_hash(k);
}

int
flow_tcp(struct cap_flows *ft, const struct cap_pkt *pkt, struct cap_note *note)
{
	struct flow_key k;
	struct flow *f;
	uint32_t h = 0;
	int have_key = 0, d;

	f = flow_recent(ft, 6, pkt);
	if (f == NULL) {
		h = tcp_key(&k, pkt);
		have_key = 1;
		f = flow_find(ft, &k, h);
	}
	if (f != NULL && TH(pkt, CAP_TH_SYN) && !TH(pkt, CAP_TH_ACK) &&
	    tcp_new_syn(f, pkt)) {
		flow_forget(ft, f);
		f = NULL;
	}
	if (f == NULL) {
		if (!have_key)
			h = tcp_key(&k, pkt);
		f = flow_create(ft, &k, h, pkt);
		tcp_start(f, pkt, note);
	} else
		flow_touch(ft, f);
	d = flow_dir(f, pkt);
	note->conv = &f->c;
	note->dir = d;
	flow_account(f, pkt, d);
	tcp_numbers(f, pkt, d, note);
	tcp_handshake(f, pkt, d, note);
	tcp_sequence(f, pkt, d, note);
	tcp_teardown(f, pkt, d, note);
	tcp_acks(f, pkt, d, note);
	return 0;
}

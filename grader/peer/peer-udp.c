/*
 * labpeer's UDP peers: udp-server, a correct reference server with faults
 * (drop, loss, delay, late, dup, stray, wrong) driven by a timer queue,
 * and udp-client, a scripted client that checks a server's replies.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "peer-ready.h"
#include "peer.h"
#include "rng.h"

/* ---- udp-server ---- */

enum udp_kind { T_REPLY, T_DUP, T_STRAY_SAME, T_STRAY_OTHER };

struct udp_timer {
	double due;       /* peer_now_ms() when it goes out */
	unsigned long id; /* scheduling order: equal times go in order */
	long n;           /* the request it answers */
	enum udp_kind kind;
	const char *note;
	double recv_t; /* when the request came */
	struct sockaddr_storage to;
	unsigned char *data;
	size_t len;
};

struct udp_server {
	const struct peer_opts *o;
	struct peer_out *out;
	int fd, other_fd; /* other_fd: --stray's second port */
	long nreq;
	struct udp_timer timers[PEER_TIMERS_MAX];
	size_t ntimers;
	unsigned long next_id;
	unsigned char buf[PEER_MAX_MSG];
};

static void
udp_note(struct udp_server *s, const char *what, long n,
    const struct sockaddr *to, const char *note)
{
	struct peer_event e = {.what = what, .n = n, .addr = to, .note = note};

	peer_log(s->out, &e);
}

static int
udp_schedule(struct udp_server *s, enum udp_kind kind, long n, double due,
    double recv_t, const struct sockaddr_storage *to, const unsigned char *data,
    size_t len, const char *note)
{
	struct udp_timer *t;

	if (s->ntimers == PEER_TIMERS_MAX) {
		udp_note(s, "error", n, NULL,
		    _("too many replies waiting: "
		      "this one is not sent"));
		return -1;
	}
	t = &s->timers[s->ntimers];
	t->data = malloc(len + 1);
	if (t->data == NULL)
		return -1;
	memcpy(t->data, data, len);
	t->len = len;
	t->due = due;
	t->id = s->next_id++;
	t->n = n;
	t->kind = kind;
	t->note = note;
	t->recv_t = recv_t;
	t->to = *to;
	s->ntimers++;
	return 0;
}

/* The stray's second socket: same family, any port. */
static int
udp_other_fd(struct udp_server *s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int off = 0;

	if (s->other_fd >= 0)
		return s->other_fd;
	if (getsockname(s->fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	s->other_fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (s->other_fd < 0)
		return -1;
	if (ss.ss_family == AF_INET6)
		setsockopt(
		    s->other_fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
	return s->other_fd;
}

static void
udp_fire(struct udp_server *s, struct udp_timer *t, double now)
{
	static const char *const what[] = {"reply", "dup", "stray", "stray"};
	struct peer_event e = {.what = what[t->kind],
	    .n = t->n,
	    .addr = (struct sockaddr *)&t->to,
	    .data = t->data,
	    .len = t->len,
	    .ms = now - t->recv_t,
	    .has_ms = 1,
	    .note = t->note};
	int fd = t->kind == T_STRAY_OTHER ? udp_other_fd(s) : s->fd;
	socklen_t tolen = t->to.ss_family == AF_INET6
	                      ? sizeof(struct sockaddr_in6)
	                      : sizeof(struct sockaddr_in);

	if (fd < 0 || sendto(fd, t->data, t->len, 0, (struct sockaddr *)&t->to,
	                  tolen) < 0) {
		e.what = "error";
		e.note = strerror(errno);
	}
	peer_log(s->out, &e);
}

/* Send every timer that is due, earliest first. */
static void
udp_fire_due(struct udp_server *s)
{
	double now;
	size_t i, best;

	for (;;) {
		now = peer_now_ms();
		best = s->ntimers;
		for (i = 0; i < s->ntimers; i++)
			if (s->timers[i].due <= now &&
			    (best == s->ntimers ||
			        s->timers[i].due < s->timers[best].due ||
			        (s->timers[i].due == s->timers[best].due &&
			            s->timers[i].id < s->timers[best].id)))
				best = i;
		if (best == s->ntimers)
			return;
		udp_fire(s, &s->timers[best], now);
		free(s->timers[best].data);
		s->timers[best] = s->timers[--s->ntimers];
	}
}

static const char *
udp_dropped(struct udp_server *s, long n)
{
	if (peer_list_has(&s->o->drop, n))
		return _("dropped (--drop)");
	if (s->o->loss > 0.0 && rng_drops(s->o->seed, s->o->loss, (uint64_t)n))
		return _("dropped (--loss, splitmix64)");
	return NULL;
}

static void
udp_request(struct udp_server *s, size_t len,
    const struct sockaddr_storage *from, double now)
{
	const struct peer_opts *o = s->o;
	unsigned char reply[PEER_MAX_MSG + 32];
	size_t rlen = len;
	long n = ++s->nreq;
	int late = peer_list_has(&o->late, n);
	double due = now + (late ? o->late_ms : o->delay_ms);
	const char *why = udp_dropped(s, n);
	struct peer_event e = {.what = "recv",
	    .n = n,
	    .addr = (const struct sockaddr *)from,
	    .data = s->buf,
	    .len = len};

	peer_log(s->out, &e);
	if (why != NULL) {
		udp_note(s, "drop", n, NULL, why);
		return;
	}
	peer_upper(reply, s->buf, len);
	if (peer_list_has(&o->stray, n)) {
		reply[len] = '!';
		udp_schedule(s, T_STRAY_SAME, n, now, now, from, reply, len + 1,
		    "--stray: from the server's port, wrong payload");
		udp_schedule(s, T_STRAY_OTHER, n, now, now, from, reply, len,
		    "--stray: the reply's bytes from another port");
	}
	if (peer_list_has(&o->wrong, n))
		rlen = peer_wrong(reply, s->buf, len);
	udp_schedule(s, T_REPLY, n, due, now, from, reply, rlen,
	    peer_list_has(&o->wrong, n) ? "--wrong"
	    : late                      ? "--late"
	                                : NULL);
	if (peer_list_has(&o->dup, n))
		udp_schedule(s, T_DUP, n, due, now, from, reply, rlen,
		    "--dup: a second copy");
}

/* Read every datagram waiting; each is one request. */
static void
udp_drain(struct udp_server *s)
{
	struct sockaddr_storage from;
	socklen_t flen;
	ssize_t got;
	int i;

	/* A bounded batch, so that due replies go out under a flood. */
	for (i = 0; i < PEER_RECV_BATCH; i++) {
		flen = sizeof from;
		got = recvfrom(s->fd, s->buf, sizeof s->buf, MSG_DONTWAIT,
		    (struct sockaddr *)&from, &flen);
		if (got < 0)
			return;
		udp_request(s, (size_t)got, &from, peer_now_ms());
	}
}

/* How long poll may sleep: until the next timer, PEER_POLL_MS at most. */
static int
udp_poll_ms(const struct udp_server *s)
{
	double now = peer_now_ms(), next = now + PEER_POLL_MS, wait;
	size_t i;

	for (i = 0; i < s->ntimers; i++)
		if (s->timers[i].due < next)
			next = s->timers[i].due;
	wait = next - now; /* rounded up: never wake before it is due */
	return wait <= 0 ? 0 : (int)wait + (wait > (int)wait);
}

static void
udp_listening(struct udp_server *s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	struct peer_event e = {.what = "listening", .note = "udp"};

	if (getsockname(s->fd, (struct sockaddr *)&ss, &len) == 0)
		e.addr = (struct sockaddr *)&ss;
	if (ss.ss_family == AF_INET6 && s->o->family != AF_INET6)
		e.note = _("udp, IPv6 and IPv4");
	peer_log(s->out, &e);
}

int
peer_udp_server(const struct peer_opts *o, struct peer_out *out,
    volatile sig_atomic_t *stop)
{
	struct udp_server *s = calloc(1, sizeof *s);
	char err[256];
	struct pollfd p;
	int rc = 1;

	if (s == NULL)
		return 1;
	s->o = o;
	s->out = out;
	s->other_fd = -1;
	s->fd = peer_listen(o, SOCK_DGRAM, err, sizeof err);
	if (s->fd < 0) {
		fprintf(stderr, _("labpeer: %s\n"), err);
		goto out;
	}
	udp_listening(s);
	peer_background(o);
	while (!*stop &&
	       !(o->count > 0 && s->nreq >= o->count && s->ntimers == 0)) {
		p.fd = s->fd;
		p.events = POLLIN;
		if (poll(&p, 1, udp_poll_ms(s)) > 0)
			udp_drain(s);
		udp_fire_due(s);
	}
	rc = 0;
out:
	while (s->ntimers > 0)
		free(s->timers[--s->ntimers].data);
	if (s->fd >= 0)
		close(s->fd);
	if (s->other_fd >= 0)
		close(s->other_fd);
	free(s);
	return rc;
}

/* ---- udp-client ---- */

struct udp_csock {
	int fd;
	char name; /* 'a' or 'b' with --interleave, else 0 */
	long n;    /* the request waiting for its reply */
	int answered;
	double sent_t;
	unsigned char want[PEER_MAX_MSG]; /* the reply the contract asks */
	size_t want_len;
	unsigned char prev[PEER_MAX_MSG]; /* the reply before: to name */
	size_t prev_len;                  /* a duplicate as one */
	long prev_n;
};

struct udp_client {
	const struct peer_opts *o;
	struct peer_out *out;
	volatile sig_atomic_t *stop;
	struct sockaddr_storage dst;
	socklen_t dstlen;
	struct udp_csock s[2];
	int ns;
	long total, passed;
	int failures;
	char reason[512]; /* the first failure, for stderr */
	unsigned char buf[PEER_MAX_MSG], req[PEER_MAX_MSG];
};

/* Log a broken contract; the first one is the verdict's reason. */
static void
udp_fail(struct udp_client *c, struct udp_csock *k, struct peer_event *e,
    const char *fmt, ...)
{
	char note[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(note, sizeof note, fmt, ap);
	va_end(ap);
	e->n = k->n;
	e->sock = k->name;
	e->note = note;
	if (c->failures < PEER_FAILS_LOGGED)
		peer_log(c->out, e);
	if (c->failures++ == 0)
		snprintf(c->reason, sizeof c->reason, _("#%ld%s: %s"), k->n,
		    k->name == 'a'   ? "a"
		    : k->name == 'b' ? "b"
		                     : "",
		    note);
}

static void
udp_wrong_bytes(struct udp_client *c, struct udp_csock *k, struct peer_event *e)
{
	size_t at = 0;

	while (at < e->len && at < k->want_len && e->data[at] == k->want[at])
		at++;
	e->want = k->want;
	e->want_len = k->want_len;
	if (at < e->len && at < k->want_len)
		udp_fail(c, k, e,
		    _("reply differs from the expected at byte %zu "
		      "(expected 0x%02x, got 0x%02x)"),
		    at, k->want[at], e->data[at]);
	else
		udp_fail(c, k, e,
		    _("reply is %zu bytes, expected %zu (same "
		      "bytes up to byte %zu)"),
		    e->len, k->want_len, at);
}

/* One datagram that came to socket k. */
static void
udp_check(struct udp_client *c, struct udp_csock *k, size_t len,
    const struct sockaddr *from)
{
	struct peer_event e = {
	    .what = "fail", .addr = from, .data = c->buf, .len = len};
	struct udp_csock *other = &c->s[k == &c->s[0] ? 1 : 0];
	int is_want = len == k->want_len && memcmp(c->buf, k->want, len) == 0;
	char a[INET6_ADDRSTRLEN + 16];

	if (!peer_same_addr(from, (struct sockaddr *)&c->dst)) {
		udp_fail(c, k, &e,
		    _("this datagram is not from the server's "
		      "address and port (%s)"),
		    peer_addr_str((struct sockaddr *)&c->dst, a, sizeof a));
	} else if (is_want && !k->answered) {
		k->answered = 1;
		e.what = "ok";
		e.n = k->n;
		e.sock = k->name;
		e.ms = peer_now_ms() - k->sent_t;
		e.has_ms = 1;
		peer_log(c->out, &e);
	} else if (is_want || (k->prev_n > 0 && len == k->prev_len &&
	                          memcmp(c->buf, k->prev, len) == 0)) {
		udp_fail(c, k, &e,
		    _("a second reply to #%ld: the contract "
		      "asks for exactly one"),
		    is_want ? k->n : k->prev_n);
	} else if (c->ns == 2 && len == other->want_len &&
	           memcmp(c->buf, other->want, len) == 0) {
		udp_fail(c, k, &e,
		    _("the reply meant for the other client "
		      "(socket %c) came here"),
		    other->name);
	} else if (k->answered) {
		udp_fail(c, k, &e, _("an extra datagram after the reply"));
	} else {
		k->answered = 1;
		udp_wrong_bytes(c, k, &e);
	}
}

static void
udp_read(struct udp_client *c, struct udp_csock *k)
{
	struct sockaddr_storage from;
	socklen_t flen;
	ssize_t got;
	int i;

	/* A bounded batch: a flood must not keep us from the deadline. */
	for (i = 0; i < PEER_RECV_BATCH; i++) {
		flen = sizeof from;
		got = recvfrom(k->fd, c->buf, sizeof c->buf, MSG_DONTWAIT,
		    (struct sockaddr *)&from, &flen);
		if (got < 0)
			return;
		udp_check(c, k, (size_t)got, (struct sockaddr *)&from);
	}
}

/* Read what comes until every socket has its reply or until the deadline
 * (with all = 0: until the deadline, for --linger). */
static void
udp_wait(struct udp_client *c, double deadline, int all)
{
	struct pollfd p[2];
	double left;
	int i, pending;

	while (!*c->stop) {
		for (i = 0, pending = 0; i < c->ns; i++)
			pending |= !c->s[i].answered;
		left = deadline - peer_now_ms();
		if ((all && !pending) || left <= 0)
			return;
		for (i = 0; i < c->ns; i++) {
			p[i].fd = c->s[i].fd;
			p[i].events = POLLIN;
		}
		if (poll(p, (nfds_t)c->ns,
		        left > PEER_POLL_MS ? PEER_POLL_MS : (int)left + 1) <=
		    0)
			continue;
		for (i = 0; i < c->ns; i++)
			if (p[i].revents != 0)
				udp_read(c, &c->s[i]);
	}
}

static int
udp_send(struct udp_client *c, struct udp_csock *k, long n)
{
	long idx = k->name == 'b' && c->o->pay == PAY_PING ? n + c->total : n;
	size_t len = peer_payload(c->o, idx, c->req);
	struct peer_event e = {.what = "send",
	    .n = n,
	    .sock = k->name,
	    .addr = (struct sockaddr *)&c->dst,
	    .data = c->req,
	    .len = len};

	memcpy(k->prev, k->want, k->want_len);
	k->prev_len = k->want_len;
	k->prev_n = k->n;
	k->n = n;
	k->answered = 0;
	k->want_len = len;
	peer_upper(k->want, c->req, len);
	k->sent_t = peer_now_ms();
	if (sendto(k->fd, c->req, len, 0, (struct sockaddr *)&c->dst,
	        c->dstlen) < 0) {
		e.what = "error";
		e.note = strerror(errno);
		peer_log(c->out, &e);
		return -1;
	}
	peer_log(c->out, &e);
	return 0;
}

/* Request n on every socket, then its replies.  1 if all were right. */
static int
udp_one(struct udp_client *c, long n)
{
	struct peer_event e = {.what = "timeout"};
	int before = c->failures, i;
	char note[64];

	for (i = 0; i < c->ns; i++)
		if (udp_send(c, &c->s[i], n) < 0)
			return -1;
	udp_wait(c, c->s[0].sent_t + c->o->timeout_ms, 1);
	snprintf(
	    note, sizeof note, _("no reply within %d ms"), c->o->timeout_ms);
	for (i = 0; i < c->ns; i++) {
		if (c->s[i].answered)
			continue;
		if (*c->stop)
			return 0;
		e.want = c->s[i].want;
		e.want_len = c->s[i].want_len;
		udp_fail(c, &c->s[i], &e, "%s", note);
	}
	return c->failures == before;
}

/* --vanish: a socket sends its requests and is gone before the replies. */
static int
udp_vanish(struct udp_client *c)
{
	struct peer_event e = {.what = "send",
	    .addr = (struct sockaddr *)&c->dst,
	    .data = c->req,
	    .note = _("--vanish: closes unread")};
	int fd = socket(c->dst.ss_family, SOCK_DGRAM, 0);
	long n;

	if (fd < 0)
		return -1;
	for (n = 1; n <= c->total; n++) {
		e.n = n;
		e.len = peer_payload(c->o, n, c->req);
		if (sendto(fd, c->req, e.len, 0, (struct sockaddr *)&c->dst,
		        c->dstlen) < 0)
			break;
		peer_log(c->out, &e);
	}
	close(fd);
	return 0;
}

static void
udp_verdict(struct udp_client *c)
{
	struct peer_event e = {.what = "verdict",
	    .verdict = 1,
	    .passed = c->passed,
	    .total = c->total};
	char note[640];

	e.ok = c->failures == 0 && !*c->stop && c->passed == c->total;
	if (*c->stop && c->failures == 0)
		snprintf(c->reason, sizeof c->reason, _("interrupted"));
	snprintf(note, sizeof note,
	    ngettext("%s: %ld of %ld request answered correctly%s%s",
	        "%s: %ld of %ld requests answered "
	        "correctly%s%s",
	        (unsigned long)c->total),
	    e.ok ? "ok" : "FAIL", c->passed, c->total,
	    e.ok ? "" : _("; first failure "), e.ok ? "" : c->reason);
	e.note = note;
	peer_log(c->out, &e);
	if (!e.ok && c->failures == 0)
		fprintf(stderr, _("labpeer: interrupted before the check was "
		                  "done\n"));
	else if (!e.ok)
		fprintf(stderr, _("labpeer: contract broken: %s\n"), c->reason);
}

/*
 * --pinger: the contract's pinger (lab 1's udp_client), to play the
 * client in a demo or by hand.  For seq = 1..COUNT: "ping <seq>", then
 * wait until that ping's own deadline (its send time + --timeout); only
 * exactly "PING <seq>" from the server's address and port is the reply,
 * anything else is ignored and the wait goes on to the same deadline.
 * The contract's lines on stdout; 0 if a reply came, 1 if none.
 */
static int
udp_pinger(struct udp_client *c)
{
	FILE *f = c->out->f;
	struct sockaddr_storage from;
	socklen_t flen;
	char who[INET6_ADDRSTRLEN + 16], req[32], want[32];
	double rtt, min = 0, max = 0, sum = 0, sent_t, deadline, left;
	long n, sent = 0, got = 0;
	int rlen, wlen;
	ssize_t len;

	peer_addr_str((struct sockaddr *)&c->dst, who, sizeof who);
	for (n = 1; n <= c->total && !*c->stop; n++) {
		rlen = snprintf(req, sizeof req, "ping %ld", n);
		wlen = snprintf(want, sizeof want, "PING %ld", n);
		sent_t = peer_now_ms();
		deadline = sent_t + c->o->timeout_ms;
		if (sendto(c->s[0].fd, req, (size_t)rlen, 0,
		        (struct sockaddr *)&c->dst, c->dstlen) < 0) {
			fprintf(stderr, _("labpeer: cannot send to %s: %s\n"),
			    who, strerror(errno));
			break;
		}
		sent++;
		rtt = -1;
		while (rtt < 0 && !*c->stop &&
		       (left = deadline - peer_now_ms()) > 0) {
			struct pollfd p = {.fd = c->s[0].fd, .events = POLLIN};

			/* Rounded up: a poll() that ends early would spin. */
			if (poll(&p, 1, (int)left + 1) <= 0)
				continue;
			flen = sizeof from;
			len = recvfrom(c->s[0].fd, c->buf, sizeof c->buf,
			    MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
			if (len == wlen &&
			    memcmp(c->buf, want, (size_t)len) == 0 &&
			    peer_same_addr((struct sockaddr *)&from,
			        (struct sockaddr *)&c->dst))
				rtt = peer_now_ms() - sent_t;
		}
		if (*c->stop)
			break;
		if (rtt < 0) {
			fprintf(f, "seq=%ld timeout\n", n);
		} else {
			min = got == 0 || rtt < min ? rtt : min;
			max = got == 0 || rtt > max ? rtt : max;
			sum += rtt;
			got++;
			fprintf(f, "reply from %s seq=%ld rtt=%.3f ms: %s\n",
			    who, n, rtt, want);
		}
		fflush(f);
	}
	fprintf(f, "%ld sent, %ld received, %ld%% loss\n", sent, got,
	    sent > 0 ? (sent - got) * 100 / sent : 0);
	if (got > 0)
		fprintf(f, "rtt min/avg/max = %.3f/%.3f/%.3f ms\n", min,
		    sum / (double)got, max);
	fflush(f);
	return got > 0 ? 0 : 1;
}

static int
udp_client_open(struct udp_client *c, char *err, size_t n)
{
	struct addrinfo *res = peer_resolve(c->o, SOCK_DGRAM, err, n);
	int i;

	if (res == NULL)
		return 2;
	memcpy(&c->dst, res->ai_addr, res->ai_addrlen);
	c->dstlen = res->ai_addrlen;
	freeaddrinfo(res);
	c->ns = c->o->interleave ? 2 : 1;
	for (i = 0; i < c->ns; i++) {
		c->s[i].name = c->o->interleave ? (char)('a' + i) : 0;
		c->s[i].fd = socket(c->dst.ss_family, SOCK_DGRAM, 0);
		if (c->s[i].fd < 0) {
			snprintf(err, n, _("socket: %s"), strerror(errno));
			return 1;
		}
	}
	return 0;
}

int
peer_udp_client(const struct peer_opts *o, struct peer_out *out,
    volatile sig_atomic_t *stop)
{
	struct udp_client *c = calloc(1, sizeof *c);
	struct peer_event e = {.what = "start"};
	char err[300], note[128];
	int rc, i;
	long n;

	if (c == NULL)
		return 1;
	c->o = o;
	c->out = out;
	c->stop = stop;
	c->s[0].fd = c->s[1].fd = -1;
	c->total = peer_request_count(o);
	rc = udp_client_open(c, err, sizeof err);
	if (rc != 0) {
		fprintf(stderr, _("labpeer: %s\n"), err);
		goto out;
	}
	if (o->pinger) {
		rc = udp_pinger(c);
		goto out;
	}
	snprintf(note, sizeof note,
	    ngettext("udp-client: %ld request, timeout %d ms",
	        "udp-client: %ld requests, timeout %d ms",
	        (unsigned long)c->total),
	    c->total, o->timeout_ms);
	e.addr = (struct sockaddr *)&c->dst;
	e.note = note;
	peer_log(out, &e);
	if (o->vanish && udp_vanish(c) < 0) {
		fprintf(stderr, _("labpeer: socket: %s\n"), strerror(errno));
		rc = 1;
		goto out;
	}
	for (n = 1; n <= c->total && !*stop; n++) {
		rc = udp_one(c, n);
		if (rc < 0) {
			c->failures++;
			snprintf(c->reason, sizeof c->reason,
			    _("#%ld: cannot "
			      "send: %s"),
			    n, strerror(errno));
			break;
		}
		c->passed += rc;
		if (c->failures > 0 && !o->keep_going)
			break;
	}
	if (c->failures == 0 || o->keep_going)
		udp_wait(c, peer_now_ms() + o->linger_ms, 0);
	udp_verdict(c);
	rc = c->failures == 0 && !*stop && c->passed == c->total ? 0 : 1;
out:
	for (i = 0; i < 2; i++)
		if (c->s[i].fd >= 0)
			close(c->s[i].fd);
	free(c);
	return rc;
}

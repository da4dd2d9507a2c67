/*
 * labpeer's TCP peers: tcp-server, a correct reference line server with
 * faults (split replies, delay, wrong line, close, reset, silence), and
 * tcp-client, a scripted client that checks a server's replies and FIN.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "peer-ready.h"
#include "peer.h"

#define TCP_NO_READ_CONNS 3 /* --no-read: misbehaving connections */

/* Sleep until peer_now_ms() reaches t; 0, or -1 if *stop was raised. */
static int
tcp_sleep_until(double t, volatile sig_atomic_t *stop)
{
	struct timespec ts;
	double left;

	while (!*stop) {
		left = t - peer_now_ms();
		if (left <= 0)
			return 0;
		if (left > PEER_POLL_MS)
			left = PEER_POLL_MS;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(left * 1e6);
		nanosleep(&ts, NULL);
	}
	return -1;
}

/* Every byte out, or -1.  MSG_NOSIGNAL: a peer that is gone must not
 * kill us with SIGPIPE. */
static int
tcp_send_all(
    int fd, const unsigned char *p, size_t n, volatile sig_atomic_t *stop)
{
	ssize_t sent;

	while (n > 0) {
		sent = send(fd, p, n, MSG_NOSIGNAL);
		if (sent < 0 && errno == EINTR && !*stop)
			continue;
		if (sent < 0)
			return -1;
		p += sent;
		n -= (size_t)sent;
	}
	return 0;
}

/* What to do during the pause before piece k (1..parts-1) of a split
 * send; 0 to go on, -1 to stop.  NULL: just sleep. */
struct tcp_pause {
	int (*fn)(void *arg, double until, size_t k, size_t parts);
	void *arg;
};

/* Send p in o->split pieces o->pause_ms apart, logging each piece.
 * TCP_NODELAY is on, so each piece leaves as a segment of its own. */
static int
tcp_send_pieces(const struct peer_opts *o, struct peer_out *out,
    volatile sig_atomic_t *stop, int fd, struct peer_event *e,
    const unsigned char *p, size_t n, const struct tcp_pause *pause)
{
	size_t k, lo, hi, parts = (size_t)o->split;
	char note[64];
	const char *base = e->note;

	for (k = 0; k < parts; k++) {
		lo = k * n / parts;
		hi = (k + 1) * n / parts;
		if (hi == lo)
			continue;
		if (lo > 0 && pause != NULL &&
		    pause->fn(
		        pause->arg, peer_now_ms() + o->pause_ms, k, parts) < 0)
			return -1;
		if (lo > 0 && pause == NULL &&
		    tcp_sleep_until(peer_now_ms() + o->pause_ms, stop) < 0)
			return -1;
		if (tcp_send_all(fd, p + lo, hi - lo, stop) < 0)
			return -1;
		e->data = p + lo;
		e->len = hi - lo;
		if (parts > 1) {
			snprintf(note, sizeof note, _("%s%spiece %zu of %zu"),
			    base != NULL ? base : "", base != NULL ? ", " : "",
			    k + 1, parts);
			e->note = note;
		}
		peer_log(out, e);
		e->has_ms = 0; /* a hold is the first piece's */
	}
	e->note = base;
	return 0;
}

static void
tcp_nodelay(int fd)
{
	int on = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

/* SO_LINGER with a zero timeout: close() then sends RST, not FIN. */
static void
tcp_reset(int fd)
{
	struct linger lg = {.l_onoff = 1, .l_linger = 0};

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(fd);
}

/* Wait up to ms for fd to be readable: 1 readable, 0 not, -1 stopped. */
static int
tcp_wait_in(int fd, double deadline, volatile sig_atomic_t *stop)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	double left;

	while (!*stop) {
		left = deadline - peer_now_ms();
		if (left <= 0)
			return 0;
		if (poll(&p, 1,
		        left > PEER_POLL_MS ? PEER_POLL_MS : (int)left + 1) > 0)
			return 1;
	}
	return -1;
}

/* ---- tcp-server ---- */

enum { CONN_GOES_ON, CONN_ENDED };

struct tcp_server {
	const struct peer_opts *o;
	struct peer_out *out;
	volatile sig_atomic_t *stop;
	int lfd, fd;
	int conn;           /* connections so far */
	long line, replies; /* on this connection */
	struct sockaddr_storage peer;
	unsigned char buf[PEER_MAX_MSG];
	size_t have;
	unsigned char reply[PEER_MAX_MSG + 32];
};

static void
tcp_snote(struct tcp_server *s, const char *what, const char *fmt, ...)
{
	struct peer_event e = {
	    .what = what, .conn = s->conn, .addr = (struct sockaddr *)&s->peer};
	char note[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(note, sizeof note, fmt, ap);
	va_end(ap);
	e.note = note;
	peer_log(s->out, &e);
}

/* --close-after: FIN now, then read (and drop) until the client's FIN so
 * that close() never finds unread data (which would send RST instead). */
static void
tcp_close_early(struct tcp_server *s)
{
	double deadline = peer_now_ms() + PEER_DRAIN_MS;

	shutdown(s->fd, SHUT_WR);
	tcp_snote(
	    s, "close", _("--close-after %ld: FIN sent"), s->o->close_after);
	while (tcp_wait_in(s->fd, deadline, s->stop) > 0)
		if (recv(s->fd, s->buf, sizeof s->buf, 0) <= 0)
			break;
	close(s->fd);
	s->fd = -1;
}

static int
tcp_early_end(struct tcp_server *s)
{
	if (s->o->close_after == s->replies) {
		tcp_close_early(s);
		return CONN_ENDED;
	}
	if (s->o->reset_after == s->replies) {
		tcp_reset(s->fd);
		s->fd = -1;
		tcp_snote(s, "reset", _("--reset-after %ld: RST sent"),
		    s->o->reset_after);
		return CONN_ENDED;
	}
	return CONN_GOES_ON;
}

/* One complete line (with its '\n') came in at recv_t. */
static int
tcp_line(struct tcp_server *s, const unsigned char *p, size_t n, double recv_t)
{
	const struct peer_opts *o = s->o;
	struct peer_event e = {.what = "recv",
	    .conn = s->conn,
	    .n = ++s->line,
	    .addr = (struct sockaddr *)&s->peer,
	    .data = p,
	    .len = n};
	size_t rlen = n - 1;

	peer_log(s->out, &e);
	if (o->silent_after >= 0 && s->replies >= o->silent_after) {
		tcp_snote(s, "silent", _("--silent-after %ld: no reply"),
		    o->silent_after);
		return CONN_GOES_ON;
	}
	e.note = NULL;
	if (peer_list_has(&o->wrong, s->line)) {
		rlen = peer_wrong(s->reply, p, n - 1);
		e.note = "--wrong";
	} else {
		peer_upper(s->reply, p, n - 1);
	}
	s->reply[rlen++] = '\n';
	if (o->trail_after == s->line &&
	    rlen + PEER_TRAIL_BYTES <= sizeof s->reply) {
		memset(s->reply + rlen, 'x', PEER_TRAIL_BYTES);
		rlen += PEER_TRAIL_BYTES;
		e.note = "--trail-after: " PEER_TRAIL_TEXT " more bytes";
	}
	if (tcp_sleep_until(recv_t + o->delay_ms, s->stop) < 0)
		return CONN_ENDED;
	e.what = "reply";
	/* How long the line was held, read to reply (the grader's lower
	 * bound on the client's RTT), as the UDP server says it. */
	e.ms = peer_now_ms() - recv_t;
	e.has_ms = 1;
	if (tcp_send_pieces(
	        o, s->out, s->stop, s->fd, &e, s->reply, rlen, NULL) < 0) {
		tcp_snote(s, "error", _("send: %s"), strerror(errno));
		return CONN_ENDED;
	}
	s->replies++;
	return tcp_early_end(s);
}

/* Answer every complete line in the buffer; keep the rest. */
static int
tcp_lines(struct tcp_server *s, double recv_t)
{
	unsigned char *nl;
	size_t n;

	while ((nl = memchr(s->buf, '\n', s->have)) != NULL) {
		n = (size_t)(nl - s->buf) + 1;
		if (tcp_line(s, s->buf, n, recv_t) == CONN_ENDED)
			return CONN_ENDED;
		memmove(s->buf, s->buf + n, s->have - n);
		s->have -= n;
	}
	if (s->have > MAX_PAYLOAD) {
		tcp_snote(s, "close",
		    _("a line longer than %d bytes: ending "
		      "this connection"),
		    MAX_PAYLOAD);
		return CONN_ENDED;
	}
	return CONN_GOES_ON;
}

static void
tcp_serve(struct tcp_server *s)
{
	ssize_t got;

	if (tcp_early_end(s) == CONN_ENDED)
		return;
	while (tcp_wait_in(s->fd, peer_now_ms() + 1e9, s->stop) > 0) {
		got = recv(s->fd, s->buf + s->have, sizeof s->buf - s->have, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			tcp_snote(s, "error", _("recv: %s"), strerror(errno));
			return;
		}
		if (got == 0 && s->have > 0) {
			tcp_snote(s, "close",
			    _("the client closed mid-line (%zu "
			      "bytes, no reply): closing our side"),
			    s->have);
			return;
		}
		if (got == 0) {
			tcp_snote(s, "close",
			    _("the client closed: closing our "
			      "side"));
			return;
		}
		s->have += (size_t)got;
		if (tcp_lines(s, peer_now_ms()) == CONN_ENDED)
			return;
	}
}

static int
tcp_accept(struct tcp_server *s)
{
	socklen_t len = sizeof s->peer;
	struct peer_event e = {.what = "accept"};

	while (tcp_wait_in(s->lfd, peer_now_ms() + 1e9, s->stop) > 0) {
		s->fd = accept(s->lfd, (struct sockaddr *)&s->peer, &len);
		if (s->fd < 0)
			continue;
		tcp_nodelay(s->fd);
		s->conn++;
		s->line = s->replies = 0;
		s->have = 0;
		e.conn = s->conn;
		e.addr = (struct sockaddr *)&s->peer;
		peer_log(s->out, &e);
		return 0;
	}
	return -1;
}

int
peer_tcp_server(const struct peer_opts *o, struct peer_out *out,
    volatile sig_atomic_t *stop)
{
	struct tcp_server *s = calloc(1, sizeof *s);
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	struct peer_event e = {.what = "listening", .note = "tcp"};
	char err[256];
	int rc = 1;

	if (s == NULL)
		return 1;
	s->o = o;
	s->out = out;
	s->stop = stop;
	s->fd = -1;
	s->lfd = peer_listen(o, SOCK_STREAM, err, sizeof err);
	if (s->lfd < 0) {
		fprintf(stderr, _("labpeer: %s\n"), err);
		goto out;
	}
	if (getsockname(s->lfd, (struct sockaddr *)&ss, &len) == 0)
		e.addr = (struct sockaddr *)&ss;
	if (ss.ss_family == AF_INET6 && o->family != AF_INET6)
		e.note = _("tcp, IPv6 and IPv4");
	peer_log(out, &e);
	peer_background(o);
	while (!(o->count > 0 && s->conn >= o->count) && tcp_accept(s) == 0) {
		tcp_serve(s);
		if (s->fd >= 0)
			close(s->fd);
		s->fd = -1;
	}
	rc = 0;
out:
	if (s->lfd >= 0)
		close(s->lfd);
	free(s);
	return rc;
}

/* ---- tcp-client ---- */

enum tcp_got {
	GOT_LINE,
	GOT_EOF,
	GOT_ERROR,
	GOT_TIMEOUT,
	GOT_STOP,
	GOT_OVERLONG
};

struct tcp_client {
	const struct peer_opts *o;
	struct peer_out *out;
	volatile sig_atomic_t *stop;
	struct addrinfo *res;
	struct sockaddr_storage peer;
	int fd, conn;
	long total, passed, checked;
	int failures;
	char reason[512];               /* the first failure, for stderr */
	unsigned char in[PEER_MAX_MSG]; /* bytes received, not yet checked */
	size_t have;
	unsigned char req[PEER_MAX_MSG + 1], want[PEER_MAX_MSG + 1];
	size_t want_len;
	unsigned char *batch; /* --batch: every line, one buffer */
	size_t batch_len;
	long early_n; /* --split: the line being sent, */
	int early;    /* and whether reply bytes came before its end */
};

static void
tcp_fail(struct tcp_client *c, struct peer_event *e, const char *fmt, ...)
{
	char note[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(note, sizeof note, fmt, ap);
	va_end(ap);
	e->what = "fail";
	e->conn = c->conn;
	e->note = note;
	if (c->failures < PEER_FAILS_LOGGED)
		peer_log(c->out, e);
	if (c->failures++ == 0)
		snprintf(c->reason, sizeof c->reason, _("c%d #%ld: %s"),
		    c->conn, e->n, note);
}

static void
tcp_cnote(struct tcp_client *c, const char *what, long n, const char *note)
{
	struct peer_event e = {.what = what,
	    .conn = c->conn,
	    .n = n,
	    .addr = (struct sockaddr *)&c->peer,
	    .note = note};

	peer_log(c->out, &e);
}

/* Connect to the first address of HOST PORT that answers. */
static int
tcp_connect(struct tcp_client *c)
{
	struct peer_event e = {.what = "connect"};
	struct addrinfo *ai;
	double t0;
	int saved = 0;

	c->conn++;
	c->have = 0;
	for (ai = c->res; ai != NULL; ai = ai->ai_next) {
		c->fd = socket(ai->ai_family, ai->ai_socktype, 0);
		if (c->fd < 0)
			continue;
		t0 = peer_now_ms();
		if (connect(c->fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			tcp_nodelay(c->fd);
			memcpy(&c->peer, ai->ai_addr, ai->ai_addrlen);
			e.conn = c->conn;
			e.addr = ai->ai_addr;
			e.ms = peer_now_ms() - t0;
			e.has_ms = 1;
			peer_log(c->out, &e);
			return 0;
		}
		saved = errno;
		close(c->fd);
		c->fd = -1;
	}
	e.n = 0;
	tcp_fail(c, &e, _("cannot connect to %s port %s: %s"), c->o->host,
	    c->o->port_str, strerror(saved));
	return -1;
}

/* The next whole line (up to '\n') into c->in[0..*len), by deadline. */
static enum tcp_got
tcp_read_line(struct tcp_client *c, double deadline, size_t *len)
{
	unsigned char *nl;
	ssize_t got;
	int w;

	for (;;) {
		nl = memchr(c->in, '\n', c->have);
		if (nl != NULL) {
			*len = (size_t)(nl - c->in) + 1;
			return GOT_LINE;
		}
		if (c->have == sizeof c->in)
			return GOT_OVERLONG;
		w = tcp_wait_in(c->fd, deadline, c->stop);
		if (w <= 0)
			return w < 0 ? GOT_STOP : GOT_TIMEOUT;
		got = recv(c->fd, c->in + c->have, sizeof c->in - c->have, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return got == 0 ? GOT_EOF : GOT_ERROR;
		c->have += (size_t)got;
	}
}

static void
tcp_consume(struct tcp_client *c, size_t n)
{
	memmove(c->in, c->in + n, c->have - n);
	c->have -= n;
}

/* Compare the line got with the one wanted; 1 if right. */
static int
tcp_check_line(struct tcp_client *c, struct peer_event *e, double sent_t)
{
	size_t at = 0;

	e->want = c->want;
	if (e->len == e->want_len && memcmp(e->data, c->want, e->len) == 0) {
		e->what = "ok";
		if (c->early) { /* counted as a failure already */
			e->what = "note";
			e->note =
			    _("these bytes add up to the reply, but part "
			      "of them came before the line was complete");
		}
		e->conn = c->conn;
		e->ms = peer_now_ms() - sent_t;
		e->has_ms = 1;
		peer_log(c->out, e);
		return 1;
	}
	while (at < e->len && at < e->want_len && e->data[at] == c->want[at])
		at++;
	if (at < e->len && at < e->want_len)
		tcp_fail(c, e,
		    _("reply line differs from the expected at byte "
		      "%zu (expected 0x%02x, got 0x%02x)"),
		    at, c->want[at], e->data[at]);
	else
		tcp_fail(c, e, _("reply line is %zu bytes, expected %zu"),
		    e->len, e->want_len);
	return 0;
}

/* Read and check the reply to line n (c->want holds it).  1 right, 0
 * wrong but the stream is in step, -1 the connection is done for. */
static int
tcp_reply(struct tcp_client *c, long n, double sent_t)
{
	struct peer_event e = {.n = n,
	    .addr = (struct sockaddr *)&c->peer,
	    .want = c->want,
	    .want_len = c->want_len};
	enum tcp_got g;
	size_t len = 0;
	int ok;

	g = tcp_read_line(c, sent_t + c->o->timeout_ms, &len);
	if (g == GOT_LINE) {
		e.data = c->in;
		e.len = len;
		ok = tcp_check_line(c, &e, sent_t);
		tcp_consume(c, len);
		return ok;
	}
	if (c->have > 0) {
		e.data = c->in;
		e.len = c->have;
	}
	if (g == GOT_TIMEOUT)
		tcp_fail(c, &e,
		    _("no complete reply line within %d ms (%zu "
		      "bytes of it came)"),
		    c->o->timeout_ms, c->have);
	else if (g == GOT_EOF)
		tcp_fail(c, &e,
		    _("the server closed the connection before the "
		      "whole reply (%zu bytes of it came)"),
		    c->have);
	else if (g == GOT_OVERLONG)
		tcp_fail(c, &e, _("no newline in %zu bytes"), c->have);
	else if (g == GOT_ERROR && errno == ECONNRESET)
		tcp_fail(c, &e,
		    _("the server reset the connection (RST) "
		      "before the whole reply (%zu bytes of it came)"),
		    c->have);
	else if (g == GOT_ERROR)
		tcp_fail(c, &e, _("recv: %s"), strerror(errno));
	return -1;
}

/*
 * --split, between the pieces of line c->early_n: reply bytes that come
 * now came before the line was complete (its '\n' is not sent yet).  A
 * server that frames lines waits for the '\n'; one that answers each
 * recv() answers a piece, and the bytes on the wire show it even when
 * they add up to the right line.  They are kept for the reply's check,
 * logged and counted as a failure (once per line).  0, or -1 stopped.
 */
static int
tcp_watch_early(void *arg, double until, size_t k, size_t parts)
{
	struct tcp_client *c = arg;
	struct peer_event e = {
	    .n = c->early_n, .addr = (struct sockaddr *)&c->peer};
	size_t before = c->have;
	ssize_t got;
	int w;

	while ((w = tcp_wait_in(c->fd, until, c->stop)) == 1 &&
	       c->have < sizeof c->in) {
		got = recv(c->fd, c->in + c->have, sizeof c->in - c->have,
		    MSG_DONTWAIT);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0)
			break; /* the reply's check reports it */
		c->have += (size_t)got;
	}
	if (w < 0)
		return -1;
	if (c->have > before && !c->early) {
		c->early = 1;
		e.data = c->in + before;
		e.len = c->have - before;
		tcp_fail(c, &e,
		    _("reply bytes came before the line was complete (%zu "
		      "bytes after piece %zu of %zu, before its '\\n' was "
		      "sent): the server answered a piece, not a line"),
		    c->have - before, k, parts);
	}
	/* What is left of the pause. */
	return tcp_sleep_until(until, c->stop);
}

/* Line n into c->req (with its '\n') and its reply into c->want. */
static size_t
tcp_make_line(struct tcp_client *c, long n)
{
	size_t len = peer_payload(c->o, n, c->req);

	c->req[len] = '\n';
	peer_upper(c->want, c->req, len + 1);
	c->want_len = len + 1;
	return len + 1;
}

static int
tcp_send_logged(struct tcp_client *c, long n, const unsigned char *p,
    size_t len, const char *note)
{
	struct peer_event e = {.what = "send",
	    .conn = c->conn,
	    .n = n,
	    .addr = (struct sockaddr *)&c->peer,
	    .note = note};
	const struct tcp_pause early = {tcp_watch_early, c};

	if (tcp_send_pieces(c->o, c->out, c->stop, c->fd, &e, p, len,
	        n > 0 && n == c->early_n ? &early : NULL) == 0)
		return 0;
	if (*c->stop)
		return -1;
	if (errno == ECONNRESET)
		tcp_fail(c, &e,
		    _("the server reset the connection (RST) before "
		      "this line was sent"));
	else if (errno == EPIPE)
		tcp_fail(c, &e,
		    _("the server had closed the connection before "
		      "this line was sent"));
	else
		tcp_fail(c, &e, _("send: %s"), strerror(errno));
	return -1;
}

/* --batch (and the preludes): every line in one buffer. */
static int
tcp_make_batch(struct tcp_client *c)
{
	size_t len;
	long n;

	for (n = 1, len = 0; n <= c->total; n++)
		len += tcp_make_line(c, n);
	free(c->batch);
	c->batch = malloc(len);
	if (c->batch == NULL)
		return -1;
	c->batch_len = 0;
	for (n = 1; n <= c->total; n++) {
		len = tcp_make_line(c, n);
		memcpy(c->batch + c->batch_len, c->req, len);
		c->batch_len += len;
	}
	return 0;
}

/* After the last reply: our FIN, then the server's within --fin-wait. */
static void
tcp_fin_check(struct tcp_client *c)
{
	struct peer_event e = {
	    .addr = (struct sockaddr *)&c->peer, .data = c->in};
	double t0 = peer_now_ms();
	ssize_t got = 0;
	int w;

	if (c->have == 0) {
		shutdown(c->fd, SHUT_WR);
		w = tcp_wait_in(c->fd, t0 + c->o->fin_wait_ms, c->stop);
		if (w < 0)
			return;
		if (w == 0) {
			tcp_fail(c, &e,
			    _("the server did not close its side "
			      "within %d ms of our FIN"),
			    c->o->fin_wait_ms);
			return;
		}
		got = recv(c->fd, c->in, sizeof c->in, 0);
	}
	if (got == 0 && c->have == 0) {
		e.what = "fin";
		e.conn = c->conn;
		e.data = NULL;
		e.ms = peer_now_ms() - t0;
		e.has_ms = 1;
		e.note = _("the server closed its side after our FIN");
		peer_log(c->out, &e);
	} else if (got < 0) {
		e.data = NULL;
		tcp_fail(c, &e, "%s",
		    errno == ECONNRESET
		        ? _("the server reset "
		            "the connection (RST) instead of closing it (FIN)")
		        : strerror(errno));
	} else {
		e.len = c->have > 0 ? c->have : (size_t)got;
		tcp_fail(c, &e,
		    _("%zu bytes after the last reply: nothing more "
		      "was asked for"),
		    e.len);
	}
}

/* The lines of one connection: one at a time, or all in one --batch. */
static int
tcp_exchange(struct tcp_client *c)
{
	double sent_t = peer_now_ms();
	int r = 1;
	long n;

	if (c->o->batch) {
		if (tcp_make_batch(c) < 0 ||
		    tcp_send_logged(c, 0, c->batch, c->batch_len,
		        "--batch: every line in one send") < 0)
			return -1;
		sent_t = peer_now_ms();
	}
	for (n = 1; n <= c->total && !*c->stop; n++) {
		if (!c->o->batch) {
			tcp_make_line(c, n);
			/* --split: reply bytes between the pieces are early */
			c->early_n = n;
			c->early = 0;
			r = tcp_send_logged(c, n, c->req, c->want_len, NULL);
			c->early_n = 0;
			if (r < 0)
				return -1;
			sent_t = peer_now_ms();
		} else {
			tcp_make_line(c, n);
		}
		r = tcp_reply(c, n, sent_t);
		if (r == 1 && c->early)
			r = 0; /* the right bytes, but not for a whole line */
		c->checked++;
		c->passed += r == 1;
		if (r < 0 || (r == 0 && !c->o->keep_going))
			return -1;
		sent_t = peer_now_ms();
	}
	return *c->stop ? -1 : 0;
}

static void
tcp_check_conn(struct tcp_client *c)
{
	if (tcp_connect(c) < 0)
		return;
	if (tcp_exchange(c) == 0)
		tcp_fin_check(c);
	close(c->fd);
	c->fd = -1;
}

/* What the server sends until EOF, a reset or the deadline, for the
 * preludes; logged, not judged.  Returns the bytes. */
static size_t
tcp_read_rest(struct tcp_client *c, double deadline, const char **end)
{
	unsigned char scratch[4096], *dst;
	size_t total = 0, room;
	ssize_t got;
	int w;

	c->have = 0;
	for (;;) {
		w = tcp_wait_in(c->fd, deadline, c->stop);
		if (w <= 0) {
			*end = w < 0 ? N_("interrupted") : N_("still open");
			return total;
		}
		/* Keep the first bytes in c->in, count the rest. */
		dst = c->have < sizeof c->in ? c->in + c->have : scratch;
		room = c->have < sizeof c->in ? sizeof c->in - c->have
		                              : sizeof scratch;
		got = recv(c->fd, dst, room, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			/* compared as they are, translated where shown */
			*end = got == 0              ? N_("closed (FIN)")
			       : errno == ECONNRESET ? N_("reset (RST)")
			                             : N_("failed");
			return total;
		}
		total += (size_t)got;
		if (dst != scratch)
			c->have += (size_t)got;
	}
}

/* --vanish-mid-line: line 1 and half of it again, then our FIN.  The
 * reply to line 1 must come, and nothing for the half line. */
static void
tcp_mid_line(struct tcp_client *c)
{
	struct peer_event e = {
	    .n = 1, .addr = (struct sockaddr *)&c->peer, .data = c->in};
	size_t len = tcp_make_line(c, 1), half = len / 2;
	const char *end;

	memcpy(c->req + len, c->req, half);
	if (tcp_send_logged(c, 1, c->req, len + half,
	        "--vanish-mid-line: "
	        "a line and a half, then our FIN") < 0)
		return;
	shutdown(c->fd, SHUT_WR);
	tcp_read_rest(c, peer_now_ms() + c->o->timeout_ms, &end);
	e.len = c->have;
	e.want = c->want;
	e.want_len = c->want_len;
	if (e.len != c->want_len || memcmp(c->in, c->want, e.len) != 0)
		tcp_fail(c, &e,
		    _("after a line and a half and our FIN the "
		      "server must send the one reply and close (it %s)"),
		    _(end));
	else if (strcmp(end, "closed (FIN)") != 0)
		tcp_fail(c, &e,
		    _("after our FIN the server must close its side "
		      "too (it %s)"),
		    _(end));
	else
		tcp_cnote(c, "ok", 1,
		    _("one reply, none for the half line, "
		      "then the server's FIN"));
}

/* --long N: one line of N bytes; the server may reply or end the
 * connection, as long as it lives on (the check that follows sees). */
static void
tcp_long_line(struct tcp_client *c)
{
	char note[128];
	const char *end;
	size_t k, got;
	unsigned char *p = malloc((size_t)c->o->long_len + 1);

	if (p == NULL)
		return;
	for (k = 0; k < (size_t)c->o->long_len; k++)
		p[k] = (unsigned char)('a' + k % 26);
	p[k] = '\n';
	if (tcp_send_logged(c, 1, p, k + 1, "--long") == 0) {
		shutdown(c->fd, SHUT_WR);
		got = tcp_read_rest(c, peer_now_ms() + c->o->timeout_ms, &end);
		snprintf(note, sizeof note,
		    _("--long: the server sent %zu bytes "
		      "back, then the connection %s"),
		    got, _(end));
		tcp_cnote(c, "note", 0, note);
	}
	free(p);
}

/* Wait until the server's kernel has acknowledged everything sent on fd,
 * our FIN included (no process of the server takes part): 1 done, 0 not
 * by deadline, -1 stopped. */
static int
tcp_wait_acked(int fd, double deadline, volatile sig_atomic_t *stop)
{
	struct timespec ts = {0, 1000000};
	int unacked;

	while (!*stop) {
		if (ioctl(fd, TIOCOUTQ, &unacked) < 0)
			return 0;
		if (unacked == 0)
			return 1;
		if (peer_now_ms() >= deadline)
			return 0;
		nanosleep(&ts, NULL);
	}
	return -1;
}

/*
 * --no-read, one round.  c->fd, connected, becomes the holder: one line
 * and its reply, so that the server (one client at a time) is busy with
 * it.  A second connection then sends the lines and a FIN, waits until
 * the server's kernel has acknowledged them (the server's side is in
 * CLOSE_WAIT with the lines queued), and resets (SO_LINGER 0) without
 * reading: the reset marks that side EPIPE.  Only then is the holder
 * closed; the server accepts the reset connection, reads its lines, and
 * its first send() of a reply fails with EPIPE, which raises SIGPIPE
 * unless it ignores it or sends with MSG_NOSIGNAL.  Nothing here waits
 * on how soon the server is scheduled, so the outcome (and the server's
 * output: two lines a round) is the same on a loaded machine as idle.
 * 0 done, -1 failed (logged).
 */
static int
tcp_no_read_once(struct tcp_client *c)
{
	int hold = c->fd, acked;
	size_t len;

	tcp_make_line(c, 1);
	if (tcp_send_logged(c, 1, c->req, c->want_len,
	        "--no-read: holding the server with one line") < 0 ||
	    tcp_read_line(c, peer_now_ms() + c->o->timeout_ms, &len) !=
	        GOT_LINE) {
		tcp_cnote(c, "note", 0,
		    _("--no-read: no reply on the holding connection; going "
		      "on"));
	}
	c->fd = -1;
	if (tcp_connect(c) < 0) {
		close(hold);
		return -1;
	}
	if (tcp_send_logged(c, 0, c->batch, c->batch_len, "--no-read") < 0) {
		close(hold);
		return -1;
	}
	shutdown(c->fd, SHUT_WR);
	acked =
	    tcp_wait_acked(c->fd, peer_now_ms() + c->o->timeout_ms, c->stop);
	tcp_reset(c->fd);
	c->fd = -1;
	tcp_cnote(c, "reset", 0,
	    acked == 1 ? _("--no-read: lines and FIN acknowledged, then RST, "
	                   "nothing read (the server's first send of a reply "
	                   "fails: EPIPE)")
	               : _("--no-read: lines and FIN not acknowledged within "
	                   "the timeout; RST sent, nothing read"));
	close(hold);
	return 0;
}

/* Three rounds in a row: a server that survives the first by luck (it
 * takes EPIPE as the end of that client) must do it every time. */
static void
tcp_no_read(struct tcp_client *c)
{
	int i;

	if (tcp_make_batch(c) < 0)
		return;
	for (i = 0; i < TCP_NO_READ_CONNS && !*c->stop; i++)
		if ((i > 0 && tcp_connect(c) < 0) || tcp_no_read_once(c) < 0)
			return;
}

/* The misbehaving connection some options ask for before the check. */
static void
tcp_prelude(struct tcp_client *c)
{
	const struct peer_opts *o = c->o;

	if (tcp_connect(c) < 0)
		return;
	if (o->reset) {
		if (tcp_make_batch(c) == 0 && tcp_send_logged(c, 0, c->batch,
		                                  c->batch_len, "--reset") == 0)
			tcp_cnote(c, "reset", 0,
			    _("--reset: RST sent, no reply read"));
		tcp_reset(c->fd);
		c->fd = -1;
	} else if (o->no_read) {
		tcp_no_read(c);
	} else if (o->vanish_mid_line) {
		tcp_mid_line(c);
	} else {
		tcp_long_line(c);
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static void
tcp_verdict(struct tcp_client *c, long want)
{
	struct peer_event e = {.what = "verdict",
	    .verdict = 1,
	    .passed = c->passed,
	    .total = want};
	char note[640];

	e.ok = c->failures == 0 && !*c->stop && c->passed == want;
	if (*c->stop && c->failures == 0)
		snprintf(c->reason, sizeof c->reason, _("interrupted"));
	snprintf(note, sizeof note,
	    ngettext("%s: %ld of %ld reply line correct%s%s",
	        "%s: %ld of %ld reply lines correct%s%s", (unsigned long)want),
	    e.ok ? "ok" : "FAIL", c->passed, want,
	    e.ok ? "" : _("; first failure "), e.ok ? "" : c->reason);
	e.note = note;
	peer_log(c->out, &e);
	if (!e.ok && c->failures == 0)
		fprintf(stderr, _("labpeer: interrupted before the check was "
		                  "done\n"));
	else if (!e.ok)
		fprintf(stderr, _("labpeer: contract broken: %s\n"), c->reason);
}

int
peer_tcp_client(const struct peer_opts *o, struct peer_out *out,
    volatile sig_atomic_t *stop)
{
	struct tcp_client *c = calloc(1, sizeof *c);
	struct peer_event e = {.what = "start"};
	char err[300], note[160], lines[48], conns[48];
	int i, rc = 1;

	if (c == NULL)
		return 1;
	c->o = o;
	c->out = out;
	c->stop = stop;
	c->fd = -1;
	c->total = peer_request_count(o);
	c->res = peer_resolve(o, SOCK_STREAM, err, sizeof err);
	if (c->res == NULL) {
		fprintf(stderr, _("labpeer: %s\n"), err);
		rc = 2;
		goto out;
	}
	snprintf(lines, sizeof lines,
	    ngettext("%ld line", "%ld lines", (unsigned long)c->total),
	    c->total);
	snprintf(conns, sizeof conns,
	    ngettext("%d connection", "%d connections",
	        (unsigned long)o->connections),
	    o->connections);
	/* TRANSLATORS: "4 lines" x "2 connections": the two counts above */
	snprintf(note, sizeof note, _("tcp-client: %s x %s, timeout %d ms"),
	    lines, conns, o->timeout_ms);
	e.addr = c->res->ai_addr;
	e.note = note;
	peer_log(out, &e);
	if (o->no_read || o->reset || o->vanish_mid_line || o->long_len > 0)
		tcp_prelude(c);
	for (i = 0; i < o->connections && !*stop; i++)
		if (c->failures == 0 || o->keep_going)
			tcp_check_conn(c);
	tcp_verdict(c, c->total * o->connections);
	rc =
	    c->failures == 0 && !*stop && c->passed == c->total * o->connections
	        ? 0
	        : 1;
out:
	if (c->res != NULL)
		freeaddrinfo(c->res);
	free(c->batch);
	free(c);
	return rc;
}

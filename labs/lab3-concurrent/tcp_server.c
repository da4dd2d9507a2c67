#define _POSIX_C_SOURCE 200809L /* -std=c11 hides getaddrinfo otherwise */
/*
 * tcp_server: the TCP "pinger" server of lab 3.  The line protocol of lab 2
 * (each line comes back with a-z turned into A-Z), but many clients at
 * once: one poll() loop, a buffer in and a buffer out per client, so that
 * no client can make the server wait.  Usage: tcp_server PORT
 * (stop it with Ctrl-C or SIGTERM: every connection gets a FIN, status 0)
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "socklab.h" /* the given helpers: handout section 3.1 */

#define OUT_LIMIT (64 * 1024) /* contract: unread replies that stop reading */
#define MAX_CLIENTS 1000      /* contract: at least 100 at once */
#define LISTEN_BACKLOG 128    /* handshakes the kernel queues for us */
#define IN_SIZE (LINE_LIMIT + 1)       /* longest line and its '\n' */
#define OUT_SIZE (OUT_LIMIT + IN_SIZE) /* see client_wants_input() */
#define POLL_FIRST_CLIENT 2 /* pollfd 0: the listener, 1: the wake pipe */

/* One client: its socket, the bytes of a line not yet complete, and the
 * replies the client has not taken yet. */
struct client {
	int fd;
	char who[ADDR_TEXT_MAX];   /* the client, as "ip:port" */
	unsigned char in[IN_SIZE]; /* the start of the next line */
	size_t in_len;
	unsigned char *out; /* OUT_SIZE bytes of replies to send */
	size_t out_len;
	int got_eof; /* the client sent its FIN */
};

/* Everything the loop works on. */
struct server {
	int listen_fd;
	int spare_fd;      /* a reserve descriptor: see accept_clients() */
	int wake_fd;       /* read end of the self-pipe: see on_stop_signal() */
	int accept_paused; /* no slot or descriptor: leave the listener alone */
	size_t nclients;
	struct client *clients[MAX_CLIENTS];
	struct pollfd pfd[POLL_FIRST_CLIENT + MAX_CLIENTS];
};

/* The signal handler sets stop_requested (socklab.h) and writes here. */
static int wake_write_fd = -1;

/*
 * The self-pipe trick.  The flag alone would race: a signal that lands
 * after the loop tested stop_requested but before poll() blocks would
 * wait for the next client to wake us.  A byte in the pipe wakes poll()
 * whenever the signal comes.
 */
static void
on_stop_signal(int sig)
{
	int saved = errno;

	(void)sig;
	stop_requested = 1;
	if (write(wake_write_fd, "", 1) < 0) {
		/* full pipe: poll() will wake anyway */
	}
	errno = saved;
}

/* O_NONBLOCK: a call that would wait returns EAGAIN instead.  In an event
 * loop only poll() may wait. */
static int
set_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/*
 * SIGINT and SIGTERM end the server with status 0, through the self-pipe.
 * SIGPIPE is ignored: writing to a client that has gone must not kill the
 * server.  Returns the read end of the pipe, or -1.
 */
static int
install_signal_handlers(void)
{
	struct sigaction sa;
	int p[2];

	if (pipe(p) < 0)
		return -1;
	for (int i = 0; i < 2; i++)
		if (set_nonblocking(p[i]) < 0 ||
		    fcntl(p[i], F_SETFD, FD_CLOEXEC) < 0)
			return -1;
	wake_write_fd = p[1];
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop_signal;
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0)
		return -1;
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) < 0)
		return -1;
	return p[0];
}

/* The service itself: ASCII a-z to A-Z, every other byte (NUL too) kept. */
static void
to_upper_ascii(unsigned char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] ^= 0x20; /* in ASCII, 'a' - 'A' is 0x20 */
}

/* A TCP socket of ai's family, dual-stack when IPv6, SO_REUSEADDR on,
 * bound to PORT, listening and non-blocking.  The socket, or -1 (errno). */
static int
listen_on(const struct addrinfo *ai)
{
	/* TODO(lab3.1): one listening socket of ai's family.
	 * -- handout section 4.1 */
	(void)ai;
	fprintf(stderr, "tcp_server: TODO(lab3.1): not implemented yet\n");
	exit(1);
}

/*
 * Step lab3.1: the listening socket on PORT, every local address: one
 * IPv6 socket that also accepts IPv4 clients (dual-stack), or an IPv4 one
 * when this host has no IPv6 at all; SO_REUSEADDR on, LISTEN_BACKLOG,
 * and non-blocking (set_nonblocking): in an event loop only poll() may
 * wait.  Returns the socket, or -1 after one line on stderr.
 */
static int
open_server(const char *port)
{
	/* TODO(lab3.1): the dual-stack, non-blocking listening socket.
	 * -- handout section 4.1 */
	(void)port;
	(void)listen_on;
	fprintf(stderr, "tcp_server: TODO(lab3.1): not implemented yet\n");
	exit(1);
}

/*
 * Step lab3.5: backpressure.  1 while the server may read from c: it has
 * not sent its FIN and fewer than OUT_LIMIT bytes of replies wait for it;
 * else 0 (its lines then wait in the kernel, and only it slows down).
 */
static int
client_wants_input(const struct client *c)
{
	/* TODO(lab3.5): may we read from this client
	 * -- handout section 4.5 */
	(void)c;
	fprintf(stderr, "tcp_server: TODO(lab3.5): not implemented yet\n");
	exit(1);
}

/*
 * Step lab3.6: the end of client i: one log line ("<who> closed: <why>",
 * flushed), its socket closed (that sends our FIN), its memory freed, its
 * slot given to the last client (s->clients stays dense), and
 * s->accept_paused cleared (a descriptor is free again).
 */
static void
close_client(struct server *s, size_t i, const char *why)
{
	/* TODO(lab3.6): close, free, compact.
	 * -- handout section 4.6 */
	(void)s;
	(void)i;
	(void)why;
	fprintf(stderr, "tcp_server: TODO(lab3.6): not implemented yet\n");
	exit(1);
}

/*
 * Step lab3.5: send what c->out holds, as much as the socket takes now
 * (MSG_NOSIGNAL), and keep the rest for the next POLLOUT.  Returns 0, or
 * -1 when the client is gone (EPIPE, ECONNRESET).
 */
static int
flush_output(struct client *c)
{
	/* TODO(lab3.5): send what the socket takes, keep the rest.
	 * -- handout section 4.5 */
	(void)c;
	fprintf(stderr, "tcp_server: TODO(lab3.5): not implemented yet\n");
	exit(1);
}

/* Every complete line in c->in becomes a reply in c->out; a partial line
 * stays for the next recv().  -1 if a line is too long. */
static int
answer_lines(struct client *c)
{
	/* TODO(lab3.4): every whole line to its reply.
	 * -- handout section 4.4 */
	(void)c;
	(void)to_upper_ascii;
	fprintf(stderr, "tcp_server: TODO(lab3.4): not implemented yet\n");
	exit(1);
}

/*
 * Step lab3.4: c is readable: ONE recv() into c->in after the bytes
 * already there (a client that sends without pause must not starve the
 * others).  Every complete line becomes its reply at the end of c->out
 * (to_upper_ascii); a partial line stays in c->in for the next read.  0
 * (on the client's FIN too: set c->got_eof), or -1 with the reason in
 * *why when the connection is over (an error, or a line longer than
 * LINE_LIMIT).
 */
static int
read_input(struct client *c, const char **why)
{
	/* TODO(lab3.4): one recv(), the whole lines answered, the rest kept.
	 * -- handout section 4.4 */
	(void)c;
	(void)why;
	(void)answer_lines;
	fprintf(stderr, "tcp_server: TODO(lab3.4): not implemented yet\n");
	exit(1);
}

/* One client's turn after poll(): read if it may, send what is owed.
 * -1 with *why when the connection is over. */
static int
serve_client(struct client *c, short revents, const char **why)
{
	if ((revents & (POLLIN | POLLHUP | POLLERR)) && client_wants_input(c) &&
	    read_input(c, why) < 0)
		return -1;
	/* Send at once what the read produced, without waiting for a
	 * POLLOUT round: a reply leaves as soon as its line is complete. */
	if (flush_output(c) < 0) {
		*why = strerror(errno); /* EPIPE, ECONNRESET: it left */
		return -1;
	}
	if (c->got_eof && c->out_len == 0) {
		*why = "the client closed";
		return -1;
	}
	return 0;
}

/* A new connection into a free slot (the caller checked there is one). */
static void
add_client(
    struct server *s, int fd, const struct sockaddr *from, socklen_t fromlen)
{
	struct client *c = calloc(1, sizeof *c);

	if (c != NULL)
		c->out = malloc(OUT_SIZE);
	if (c == NULL || c->out == NULL || set_nonblocking(fd) < 0) {
		fprintf(stderr, "tcp_server: no room for a client: %s\n",
		    strerror(errno));
		if (c != NULL)
			free(c->out);
		free(c);
		close(fd);
		return;
	}
	c->fd = fd;
	format_address(from, fromlen, c->who, sizeof c->who);
	s->clients[s->nclients++] = c;
	printf("%s connected (%zu clients)\n", c->who, s->nclients);
	fflush(stdout);
}

/*
 * Out of descriptors (EMFILE, or ENFILE for the whole system).  The
 * waiting connection stays in the listen queue, so poll() would say
 * "readable" again at once and the loop would spin at 100% CPU.  The
 * classic answer: keep one descriptor in reserve; here, give it up, take
 * the connection, close it at once (the client gets a FIN instead of a
 * hang), and take the reserve back.  If even that fails, stop watching
 * the listener until a client leaves and frees a descriptor.
 * Linux's accept() fails with EMFILE even when no one is waiting, so the
 * caller goes on only while this turned someone away: 1, else 0.
 */
static int
refuse_one(struct server *s)
{
	/* TODO(lab3.3): the spare descriptor.
	 * -- handout section 4.3 */
	(void)s;
	fprintf(stderr, "tcp_server: TODO(lab3.3): not implemented yet\n");
	exit(1);
}

/*
 * Step lab3.3: take every connection the kernel has ready (the listener
 * is non-blocking: accept() until EAGAIN) and add_client() each.  No
 * free slot: set s->accept_paused.  EMFILE/ENFILE: turn one client away
 * with the spare descriptor (s->spare_fd), or pause accepting; never
 * return to poll() with the listener still readable.  Returns 0, or -1
 * on an error that ends the server (after one line on stderr).
 */
static int
accept_clients(struct server *s)
{
	/* TODO(lab3.3): the accept loop, EMFILE included.
	 * -- handout section 4.3 */
	(void)s;
	(void)add_client;
	(void)refuse_one;
	fprintf(stderr, "tcp_server: TODO(lab3.3): not implemented yet\n");
	exit(1);
}

/*
 * Step lab3.2: the array poll() watches: s->pfd[0] the listener (fd -1
 * while s->accept_paused), s->pfd[1] the wake pipe, then each client with
 * POLLIN while client_wants_input() and POLLOUT while it is owed replies.
 * Returns how many entries.
 */
static nfds_t
fill_pollset(struct server *s)
{
	/* TODO(lab3.2): what poll() watches.
	 * -- handout section 4.2 */
	(void)s;
	fprintf(stderr, "tcp_server: TODO(lab3.2): not implemented yet\n");
	exit(1);
}

/* One round: each client whose socket is ready, then the listener. */
static int
handle_events(struct server *s)
{
	/* Backwards: close_client() moves the last client into the slot
	 * just closed, one this loop has already seen. */
	for (size_t i = s->nclients; i-- > 0;) {
		short revents = s->pfd[POLL_FIRST_CLIENT + i].revents;
		const char *why = NULL;

		if (revents != 0 &&
		    serve_client(s->clients[i], revents, &why) < 0)
			close_client(s, i, why);
	}
	if (s->pfd[0].revents & POLLIN)
		return accept_clients(s);
	return 0;
}

/*
 * Step lab3.2: the event loop: until stop_requested, fill the poll set,
 * poll() with no timeout (with every client idle the server must sleep),
 * then handle_events().  0 when a signal asked us to stop, -1 on a
 * failure (after one line on stderr).
 */
static int
serve_forever(struct server *s)
{
	/* TODO(lab3.2): the event loop.
	 * -- handout section 4.2 */
	(void)s;
	(void)fill_pollset;
	(void)handle_events;
	fprintf(stderr, "tcp_server: TODO(lab3.2): not implemented yet\n");
	exit(1);
}

/* At the end: every connection closed with a FIN.  shutdown() first: if
 * a client left bytes we never read, close() alone would send a reset. */
static void
close_all(struct server *s)
{
	while (s->nclients > 0) {
		shutdown(s->clients[s->nclients - 1]->fd, SHUT_WR);
		close_client(s, s->nclients - 1, "the server is stopping");
	}
}

int
main(int argc, char **argv)
{
	static struct server s; /* static: the arrays are not small */
	const char *port;
	int status;

	status = parse_server_args(argc, argv, "tcp_server",
	    "Answers each line sent to TCP PORT with the same line, a-z in "
	    "upper case, for many clients at once.",
	    &port);
	if (status >= 0)
		return status;
	s.wake_fd = install_signal_handlers();
	if (s.wake_fd < 0) {
		fprintf(stderr, "tcp_server: signals: %s\n", strerror(errno));
		return 1;
	}
	s.spare_fd = open("/dev/null", O_RDONLY);
	s.listen_fd = open_server(port);
	if (s.listen_fd < 0)
		return 1;
	status = serve_forever(&s) == 0 ? 0 : 1;
	close_all(&s);
	close(s.listen_fd);
	return status;
}

/*
 * The capture of a cell: a child of ours records the cell's lo with
 * libpcap into a pcap file in the cell dir, from the moment it says it
 * is live until SIGTERM, and drains the ring before it closes the file.
 */
#define _GNU_SOURCE /* pipe2(), SYS_pidfd_open, mkstemps() */
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cell.h"

/* For the SIGTERM handler only: the one handle of this capture child. */
static pcap_t *capture_handle;

static void
capture_on_term(int sig)
{
	(void)sig;
	if (capture_handle != NULL)
		pcap_breakloop(capture_handle);
}

/* Tell the parent why we failed ("E...") and go. */
static void
capture_fail(int fd, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	int n;

	msg[0] = 'E';
	va_start(ap, fmt);
	n = vsnprintf(msg + 1, sizeof msg - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (n > (int)sizeof msg - 2)
		n = (int)sizeof msg - 2;
	if (write(fd, msg, (size_t)n + 1) < 0)
		_exit(1);
	_exit(1);
}

static pcap_t *
capture_open(int fd, const char *filter)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;
	pcap_t *p;
	int rc;

	if ((p = pcap_create("lo", errbuf)) == NULL)
		capture_fail(fd, "pcap_create lo: %s", errbuf);
	/*
	 * Not immediate mode: nobody watches this capture live, and the
	 * batched ring (TPACKET_V3) packs packets into blocks where the
	 * immediate one spends a 64 kB frame on each packet of lo (a
	 * 500-datagram burst lost a third of itself in 32 MB of those).
	 */
	pcap_set_snaplen(p, 262144);
	pcap_set_timeout(p, CAPTURE_BLOCK_MS);
	pcap_set_buffer_size(p, CAPTURE_BUF_KB * 1024);
	rc = pcap_activate(p);
	if (rc == PCAP_ERROR_PERM_DENIED)
		capture_fail(fd,
		    "capture on lo refused: no capture rights "
		    "(root or cap_net_raw needed outside a cell): %s",
		    pcap_geterr(p));
	if (rc < 0)
		capture_fail(fd, "capture on lo refused: %s%s%s",
		    pcap_statustostr(rc), pcap_geterr(p)[0] ? ": " : "",
		    pcap_geterr(p));
	if (filter != NULL && filter[0] != '\0') {
		if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
			capture_fail(
			    fd, "filter '%s': %s", filter, pcap_geterr(p));
		if (pcap_setfilter(p, &prog) < 0)
			capture_fail(fd, "pcap_setfilter: %s", pcap_geterr(p));
		pcap_freecode(&prog);
	}
	return p;
}

/*
 * After the stop: what the ring still holds.  The kernel hands a block
 * over when it is full or CAPTURE_BLOCK_MS after its first packet, so
 * the last packets come within that time: read until the ring has been
 * quiet for twice as long (at most CAPTURE_DRAIN_MS).
 */
static void
capture_drain(pcap_t *p, pcap_dumper_t *d)
{
	struct pollfd pfd = {.events = POLLIN};
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pcap_setnonblock(p, 1, NULL);
	pfd.fd = pcap_get_selectable_fd(p);
	do {
		while (pcap_dispatch(p, -1, pcap_dump, (u_char *)d) > 0)
			;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 +
		        (t.tv_nsec - t0.tv_nsec) / 1000000 >
		    CAPTURE_DRAIN_MS)
			break;
	} while (poll(&pfd, 1, 2 * CAPTURE_BLOCK_MS) == 1);
	while (pcap_dispatch(p, -1, pcap_dump, (u_char *)d) > 0)
		;
}

static void
capture_main(const char *path, const char *filter, int fd)
{
	struct sigaction sa;
	pcap_dumper_t *d;
	sigset_t term;
	pcap_t *p;
	int n;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	p = capture_open(fd, filter);
	if ((d = pcap_dump_open(p, path)) == NULL)
		capture_fail(fd, "pcap_dump_open %s: %s", path, pcap_geterr(p));
	capture_handle = p;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = capture_on_term; /* no SA_RESTART: poll ends */
	sigaction(SIGTERM, &sa, NULL);
	sigprocmask(SIG_UNBLOCK, &term, NULL);
	/* Live from here on: every packet that passes the filter is kept. */
	if (write(fd, "+", 1) != 1)
		_exit(1);
	close(fd);
	do
		n = pcap_dispatch(p, -1, pcap_dump, (u_char *)d);
	while (n >= 0);
	capture_drain(p, d);
	n = pcap_dump_flush(d);
	pcap_dump_close(d);
	pcap_close(p);
	_exit(n == 0 ? 0 : 1);
}

/* Fallback: only the cell's own ports, from the host's lo. */
static int
capture_filter(struct cell *c, const char *filter, char *out, size_t len)
{
	size_t n = 0;
	int i;

	if (c->mode == CELL_NS) {
		snprintf(out, len, "%s", filter != NULL ? filter : "");
		return 0;
	}
	if (c->nports == 0)
		return -1;
	n += (size_t)snprintf(out, len, "(");
	for (i = 0; i < c->nports && n < len; i++)
		n += (size_t)snprintf(out + n, len - n, "%sport %d",
		    i ? " or " : "", c->ports[i]);
	if (n < len && filter != NULL && filter[0] != '\0')
		n += (size_t)snprintf(out + n, len - n, ") and (%s", filter);
	if (n < len)
		n += (size_t)snprintf(out + n, len - n, ")");
	return n < len ? 0 : -1;
}

/* The child's first word: "+" live, "E<why>" failed. */
static int
capture_ready(struct cell_capture *cap)
{
	struct pollfd p = {.fd = cap->ready_fd, .events = POLLIN};
	char msg[256];
	ssize_t n = -1;

	if (poll(&p, 1, CAPTURE_READY_MS) == 1)
		n = read(cap->ready_fd, msg, sizeof msg - 1);
	close(cap->ready_fd);
	cap->ready_fd = -1;
	if (n == 1 && msg[0] == '+')
		return 0;
	if (n > 1 && msg[0] == 'E') {
		msg[n] = '\0';
		snprintf(cap->err, sizeof cap->err, "%s", msg + 1);
	} else
		snprintf(cap->err, sizeof cap->err,
		    _("capture: not live within %d ms"), CAPTURE_READY_MS);
	kill(cap->pid, SIGKILL);
	waitpid(cap->pid, NULL, 0);
	cell_untrack(cap->cell, cap->pid);
	cap->pid = -1;
	return -1;
}

/* The pcap file (created empty, so its name is ours) and the pipe. */
static int
capture_prepare(struct cell *c, struct cell_capture *cap, int p[2])
{
	int fd;

	if (snprintf(cap->path, sizeof cap->path, "%s/capture-XXXXXX.pcap",
	        c->dir) >= (int)sizeof cap->path)
		return errno = ENAMETOOLONG, -1;
	if ((fd = mkstemps(cap->path, 5)) < 0)
		return -1;
	close(fd);
	return pipe2(p, O_CLOEXEC);
}

int
cell_capture_start(struct cell *c, struct cell_capture *cap, const char *filter)
{
	char expr[512];
	int p[2];

	memset(cap, 0, sizeof *cap);
	cap->pid = -1;
	cap->ready_fd = -1;
	cap->cell = c;
	if (capture_filter(c, filter, expr, sizeof expr) < 0) {
		snprintf(cap->err, sizeof cap->err,
		    _("capture: no cell port "
		      "to filter on yet (call cell_port first)"));
		return errno = EINVAL, -1;
	}
	if (capture_prepare(c, cap, p) < 0) {
		snprintf(cap->err, sizeof cap->err, _("capture: %s"),
		    strerror(errno));
		return -1;
	}
	fflush(NULL);
	cap->pid = fork();
	if (cap->pid == 0) {
		int keep[] = {p[1]};

		cell_close_fds_except(keep, 1);
		capture_main(cap->path, expr, p[1]);
	}
	close(p[1]);
	cap->ready_fd = p[0];
	if (cap->pid < 0 || cell_track(c, cap->pid) < 0) {
		snprintf(cap->err, sizeof cap->err, _("capture: %s"),
		    strerror(errno));
		if (cap->pid > 0) {
			kill(cap->pid, SIGKILL);
			waitpid(cap->pid, NULL, 0);
		}
		close(p[0]);
		cap->ready_fd = -1;
		cap->pid = -1;
		return -1;
	}
	return capture_ready(cap);
}

int
cell_capture_stop(struct cell_capture *cap)
{
	int pidfd, st = 0;
	struct pollfd p;

	if (cap->pid <= 0)
		return errno = EINVAL, -1;
	pidfd = (int)syscall(SYS_pidfd_open, cap->pid, 0);
	kill(cap->pid, SIGTERM);
	p = (struct pollfd){.fd = pidfd, .events = POLLIN};
	if (pidfd < 0 || poll(&p, 1, CAPTURE_STOP_MS) != 1) {
		snprintf(cap->err, sizeof cap->err,
		    _("capture: did not stop within %d ms"), CAPTURE_STOP_MS);
		kill(cap->pid, SIGKILL);
	}
	if (pidfd >= 0)
		close(pidfd);
	waitpid(cap->pid, &st, 0);
	cell_untrack(cap->cell, cap->pid);
	cap->pid = -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		if (cap->err[0] == '\0')
			snprintf(cap->err, sizeof cap->err,
			    _("capture: the pcap file could not be written"));
		return -1;
	}
	return 0;
}

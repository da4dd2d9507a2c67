/*
 * Reading capture files: one look at the file header of our own (so a
 * broken file, bad magic or truncated header, gives one clear line), then
 * libpcap reads the same stream on, once: a regular file, standard input
 * ("-"), a FIFO or a pipe (bash's <(...)) all work as with tcpdump -r.
 */
#define _GNU_SOURCE /* fopencookie(): the header bytes, replayed */
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "param.h"

#define PCAP_HDR_LEN 24

struct cap_file {
	pcap_t *p;
	int linktype;
	uint64_t n;        /* packets read so far */
	char *path;        /* for messages */
	char warning[256]; /* one line for the reader, or "" */
};

/* The stream libpcap reads: the header bytes we looked at, then the
 * rest of the file descriptor. */
struct replay {
	int fd, own; /* own: close fd at the end (not stdin) */
	size_t n, off;
	uint8_t head[PCAP_HDR_LEN];
};

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static uint32_t
rd32(const uint8_t *p, int swap)
{
	return swap ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	                  (uint32_t)p[2] << 8 | p[3]
	            : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	                  (uint32_t)p[1] << 8 | p[0];
}

/* read() until n bytes or the end: a pipe may give them piecemeal. */
static ssize_t
read_full(int fd, uint8_t *buf, size_t n)
{
	size_t got = 0;
	ssize_t k;

	while (got < n) {
		k = read(fd, buf + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

static ssize_t
replay_read(void *cookie, char *buf, size_t n)
{
	struct replay *r = cookie;
	size_t k;

	if (r->off < r->n) {
		k = r->n - r->off < n ? r->n - r->off : n;
		memcpy(buf, r->head + r->off, k);
		r->off += k;
		return (ssize_t)k;
	}
	/* EINTR goes up: Ctrl-C on a pipe that never ends must end it */
	return read(r->fd, buf, n);
}

static int
replay_close(void *cookie)
{
	struct replay *r = cookie;
	int rc = r->own ? close(r->fd) : 0;

	free(r);
	return rc;
}

#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) ||       \
    defined(__OpenBSD__) || defined(__DragonFly__)
static int
replay_read_bsd(void *cookie, char *buf, int n)
{
	return (int)replay_read(cookie, buf, (size_t)n);
}

static FILE *
replay_stream(struct replay *r)
{
	return funopen(r, replay_read_bsd, NULL, NULL, replay_close);
}
#else
static FILE *
replay_stream(struct replay *r)
{
	static const cookie_io_functions_t io = {
	    .read = replay_read, .close = replay_close};

	return fopencookie(r, "rb", io);
}
#endif

/* Check the magic number and the pcap header in r->head: 0 if libpcap
 * may go on (*snap: the header's snapshot length, 0 for pcapng), -1 with
 * err set. */
static int
check_header(const char *path, const struct replay *r, uint32_t *snap,
    char *err, size_t errlen)
{
	const uint8_t *h = r->head;
	uint32_t magic;
	int swap;

	*snap = 0;
	if (r->n < 4) {
		seterr(err, errlen, "%s: not a capture file: %s", path,
		    r->n == 0 ? "it is empty" : "too short for a file header");
		return -1;
	}
	magic = rd32(h, 0);
	if (magic == 0x0a0d0d0a) /* pcapng: libpcap checks the rest */
		return 0;
	/* microsecond, nanosecond and Kuznetzov's modified pcap (0xa1b2cd34,
	 * 24-byte record headers), either byte order: libpcap's list */
	if (magic != 0xa1b2c3d4 && magic != 0xd4c3b2a1 && magic != 0xa1b23c4d &&
	    magic != 0x4d3cb2a1 && magic != 0xa1b2cd34 && magic != 0x34cdb2a1) {
		seterr(err, errlen,
		    "%s: not a pcap or pcapng file (bad magic "
		    "number 0x%02x%02x%02x%02x)",
		    path, h[0], h[1], h[2], h[3]);
		return -1;
	}
	if (r->n < PCAP_HDR_LEN) {
		seterr(err, errlen,
		    "%s: truncated pcap file header (%zu of %d "
		    "bytes)",
		    path, r->n, PCAP_HDR_LEN);
		return -1;
	}
	swap =
	    magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1 || magic == 0x34cdb2a1;
	*snap = rd32(h + 16, swap);
	return 0;
}

/* The input's file descriptor: "-" is standard input. */
static int
open_input(const char *path, struct replay *r, char *err, size_t errlen)
{
	if (strcmp(path, "-") == 0) {
		r->fd = STDIN_FILENO;
		r->own = 0;
		return 0;
	}
	/* a FIFO blocks here until a writer opens it, as with tcpdump */
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	r->own = 1;
	return 0;
}

/* The replayed stream handed to libpcap (which closes it), or NULL. */
static pcap_t *
open_pcap(const char *path, struct replay *r, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	FILE *fp = replay_stream(r);
	pcap_t *p;

	if (fp == NULL) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		replay_close(r);
		return NULL;
	}
	setvbuf(fp, NULL, _IOFBF, CAP_FILE_READ_BUF);
	p = pcap_fopen_offline(fp, ebuf);
	if (p == NULL) {
		seterr(err, errlen, "%s: %s", path, ebuf);
		fclose(fp); /* libpcap leaves it to us on failure */
	}
	return p;
}

static struct cap_file *
file_new(const char *path, pcap_t *p, int lt, char *err, size_t errlen)
{
	struct cap_file *f = calloc(1, sizeof *f);

	if (f == NULL || (f->path = strdup(path)) == NULL) {
		seterr(err, errlen, "%s: out of memory", path);
		free(f);
		pcap_close(p);
		return NULL;
	}
	f->p = p;
	f->linktype = lt;
	return f;
}

struct cap_file *
cap_file_open(const char *path, char *err, size_t errlen)
{
	struct cap_file *f;
	struct replay *r = calloc(1, sizeof *r);
	uint32_t snap;
	ssize_t got;
	pcap_t *p;
	int lt;

	if (r == NULL) {
		seterr(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	if (open_input(path, r, err, errlen) < 0) {
		free(r);
		return NULL;
	}
	got = read_full(r->fd, r->head, sizeof r->head);
	if (got < 0) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		replay_close(r);
		return NULL;
	}
	r->n = (size_t)got;
	if (check_header(path, r, &snap, err, errlen) < 0) {
		replay_close(r);
		return NULL;
	}
	if ((p = open_pcap(path, r, err, errlen)) == NULL)
		return NULL;
	lt = pcap_datalink(p);
	if (!cap_linktype_supported(lt)) {
		const char *name = pcap_datalink_val_to_name(lt);

		seterr(err, errlen, "%s: link type %d (%s) is not supported",
		    path, lt, name != NULL ? name : "unknown");
		pcap_close(p);
		return NULL;
	}
	if ((f = file_new(path, p, lt, err, errlen)) == NULL)
		return NULL;
	/* As tcpdump, read on: libpcap takes a snapshot length that does not
	 * fit an int as its maximum for the link type, any other as it is
	 * (each record says how many bytes it holds); say so once. */
	if (snap > CAP_FILE_SNAPLEN_MAX && (uint32_t)pcap_snapshot(p) != snap)
		snprintf(f->warning, sizeof f->warning,
		    _("%s: snapshot length %u in the file header is absurd "
		      "(a damaged file?): read as %d, libpcap's maximum"),
		    path, snap, pcap_snapshot(p));
	else if (snap > CAP_FILE_SNAPLEN_MAX)
		snprintf(f->warning, sizeof f->warning,
		    _("%s: snapshot length %u in the file header is absurd "
		      "(a damaged file?): read on, each packet as its record "
		      "says"),
		    path, snap);
	return f;
}

int
cap_file_next(struct cap_file *f, struct cap_pkt *pkt, char *err, size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int r = pcap_next_ex(f->p, &h, &data);

	if (r == PCAP_ERROR_BREAK)
		return 0;
	if (r != 1) {
		const char *why = pcap_geterr(f->p);

		if (strstr(why, "truncated dump file") != NULL)
			seterr(err, errlen,
			    "%s: the file ends inside packet "
			    "%llu (truncated record: %s)",
			    f->path, (unsigned long long)f->n + 1, why);
		else
			seterr(err, errlen, "%s: packet %llu: %s", f->path,
			    (unsigned long long)f->n + 1, why);
		return -1;
	}
	f->n++;
	cap_decode(pkt, f->linktype, data, h->caplen, h->len, &h->ts);
	return 1;
}

int
cap_file_linktype(const struct cap_file *f)
{
	return f->linktype;
}

const char *
cap_file_warning(const struct cap_file *f)
{
	return f->warning[0] != '\0' ? f->warning : NULL;
}

struct pcap *
cap_file_pcap(struct cap_file *f)
{
	return f->p;
}

void
cap_file_close(struct cap_file *f)
{
	if (f == NULL)
		return;
	pcap_close(f->p);
	free(f->path);
	free(f);
}

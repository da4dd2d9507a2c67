/*
 * Reading capture files: libpcap opens them, after our own look at the
 * file header so that a broken file (bad magic, truncated header, absurd
 * snapshot length, cut record) gives one clear line, not a puzzle.
 */
#define _DEFAULT_SOURCE /* pcap.h uses u_int/u_char (BSD types) */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "param.h"

#define PCAP_HDR_LEN 24

struct cap_file {
	pcap_t *p;
	int linktype;
	uint64_t n; /* packets read so far */
	char *path; /* for messages */
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

/* Check the magic number and the pcap header ourselves: 0 if libpcap
 * may go on, -1 with err set. */
static int
check_header(const char *path, char *err, size_t errlen)
{
	uint8_t h[PCAP_HDR_LEN];
	uint32_t magic, snap;
	size_t n;
	FILE *fp = fopen(path, "rb");
	int swap, r = -1;

	if (fp == NULL) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(h, 1, sizeof h, fp);
	if (n < 4) {
		seterr(err, errlen, "%s: not a capture file: %s", path,
		    n == 0 ? "it is empty" : "too short for a file header");
		goto out;
	}
	magic = rd32(h, 0);
	if (magic == 0x0a0d0d0a) { /* pcapng: libpcap checks the rest */
		r = 0;
		goto out;
	}
	if (magic != 0xa1b2c3d4 && magic != 0xd4c3b2a1 && magic != 0xa1b23c4d &&
	    magic != 0x4d3cb2a1) {
		seterr(err, errlen,
		    "%s: not a pcap or pcapng file (bad magic "
		    "number 0x%02x%02x%02x%02x)",
		    path, h[0], h[1], h[2], h[3]);
		goto out;
	}
	if (n < PCAP_HDR_LEN) {
		seterr(err, errlen,
		    "%s: truncated pcap file header (%zu of %d "
		    "bytes)",
		    path, n, PCAP_HDR_LEN);
		goto out;
	}
	swap = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
	snap = rd32(h + 16, swap);
	if (snap > CAP_FILE_SNAPLEN_MAX) {
		seterr(err, errlen,
		    "%s: absurd snapshot length %u in the file "
		    "header (a damaged file?)",
		    path, snap);
		goto out;
	}
	r = 0;
out:
	fclose(fp);
	return r;
}

struct cap_file *
cap_file_open(const char *path, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct cap_file *f;
	pcap_t *p;
	int lt;

	if (check_header(path, err, errlen) < 0)
		return NULL;
	p = pcap_open_offline(path, ebuf);
	if (p == NULL) {
		seterr(err, errlen, "%s: %s", path, ebuf);
		return NULL;
	}
	lt = pcap_datalink(p);
	if (!cap_linktype_supported(lt)) {
		const char *name = pcap_datalink_val_to_name(lt);

		seterr(err, errlen, "%s: link type %d (%s) is not supported",
		    path, lt, name != NULL ? name : "unknown");
		pcap_close(p);
		return NULL;
	}
	f = calloc(1, sizeof *f);
	if (f == NULL) {
		seterr(err, errlen, "%s: out of memory", path);
		pcap_close(p);
		return NULL;
	}
	f->path = strdup(path);
	if (f->path == NULL) {
		seterr(err, errlen, "%s: out of memory", path);
		pcap_close(p);
		free(f);
		return NULL;
	}
	f->p = p;
	f->linktype = lt;
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

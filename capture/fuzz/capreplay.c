/*
 * capreplay: the capture library under the sanitizers.  Decodes and
 * flow-tracks every packet of pcap files, then again cut at every shorter
 * captured length (from exact-size heap copies, so AddressSanitizer sees
 * any read past the end) and checks that each cut shows a truncation
 * mark; with -c, replays fuzz corpus files the way the fuzz target does.
 *
 * usage: capreplay [-v] [-t] FILE.pcap...     -t: every truncation
 *        capreplay -c FILE_OR_DIR...          fuzz corpus inputs
 *        capreplay -s DIR FILE.pcap...        write each pcap as a fuzz
 *                                             seed input into DIR
 *        capreplay -b FILE.pcap...            speed of decode + tracking
 *                                             alone (no copies, no checks)
 * Exit status: 0 all good, 1 a file could not be read or a cut packet
 * carried no truncation mark, 2 bad arguments.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "fuzz_input.h"
#include "proto.h"

struct opts {
	int verbose, cuts;
	const char *seeds; /* -s DIR */
	FILE *seed;        /* the seed being written */
	unsigned long packets, decodes;
	unsigned sink; /* what the decoders above transport produced */
};

static void
show(const struct cap_pkt *p, const struct cap_note *n, unsigned long i)
{
	char s[64], d[64], fl[CAP_TCP_FLAGS_STRLEN];

	printf("%lu link=%d net=%d %s.%u > %s.%u tp=%d proto=%u [%s] seq=%u "
	       "ack=%u win=%u plen=%u/%u trunc=%s bad=%s ev=%#x rel=%u/%u "
	       "td=%u/%u%s req=%u conv=%u dir=%d\n",
	    i, p->link, p->net, cap_addr_str(&p->src, s, sizeof s), p->sport,
	    cap_addr_str(&p->dst, d, sizeof d), p->dport, p->tp, p->proto,
	    cap_tcp_flags_str(p->tcp.flags, fl), p->tcp.seq, p->tcp.ack, n->win,
	    p->payload_caplen, p->payload_len, cap_layer_name(p->trunc),
	    p->bad ? p->bad : "-", n->ev, n->rel_seq, n->rel_ack, n->td_seq,
	    n->td_ack, n->td_abs ? "(abs)" : "", n->req,
	    n->conv ? n->conv->id : 0, n->dir);
}

/* Bytes the full decode says a complete capture holds. */
static uint32_t
needed(const struct cap_pkt *p)
{
	uint32_t need = p->caplen;

	if ((p->net == CAP_NET_IP || p->net == CAP_NET_IP6) && p->ip_len &&
	    p->net_off + p->ip_len < need)
		need = p->net_off + p->ip_len;
	return need;
}

/* Decode pkt again cut at every length below its caplen. */
static int
cut_all(struct opts *o, const char *path, unsigned long i,
    const struct cap_pkt *full)
{
	struct cap_pkt p;
	uint32_t c, need = needed(full);

	for (c = 0; c < full->caplen; c++) {
		uint8_t *copy = malloc(c ? c : 1);

		if (copy == NULL)
			return -1;
		memcpy(copy, full->data, c);
		cap_decode(&p, full->linktype, copy, c, full->len, &full->ts);
		o->sink += fuzz_app(&p, NULL, NULL);
		o->decodes++;
		free(copy);
		if (c < need && p.trunc == CAP_L_NONE && p.bad == NULL) {
			fprintf(stderr,
			    "capreplay: %s: packet %lu cut at %u of "
			    "%u bytes: no truncation mark\n",
			    path, i, c, full->caplen);
			return -1;
		}
	}
	return 0;
}

/* -s: the seed input for one pcap, named after it. */
static int
seed_open(struct opts *o, const char *path, int linktype)
{
	char name[4096];
	const char *base = strrchr(path, '/');
	int lb = fuzz_link_byte(linktype);

	if (o->seeds == NULL || lb < 0)
		return 0;
	snprintf(name, sizeof name, "%s/seed-%s", o->seeds,
	    base != NULL ? base + 1 : path);
	o->seed = fopen(name, "wb");
	if (o->seed == NULL) {
		perror(name);
		return -1;
	}
	fputc(lb, o->seed);
	return 0;
}

static int
replay_pcap(struct opts *o, const char *path)
{
	char err[512];
	struct cap_file *f = cap_file_open(path, err, sizeof err);
	struct cap_flows *ft;
	struct cap_xchg *x;
	struct cap_reasm *ra;
	struct cap_pkt pkt;
	struct cap_note note;
	unsigned long i = 0;
	int r, rc = 0;

	if (f == NULL) {
		fprintf(stderr, "capreplay: %s\n", err);
		return -1;
	}
	ft = cap_flows_new(0, 0);
	x = cap_xchg_new(0);
	ra = cap_reasm_new();
	if (ft == NULL || x == NULL || ra == NULL ||
	    seed_open(o, path, cap_file_linktype(f)) < 0) {
		cap_flows_free(ft);
		cap_xchg_free(x);
		cap_reasm_free(ra);
		cap_file_close(f);
		return -1;
	}
	while ((r = cap_file_next(f, &pkt, err, sizeof err)) == 1) {
		uint8_t *copy = malloc(pkt.caplen ? pkt.caplen : 1);

		if (copy == NULL) {
			rc = -1;
			break;
		}
		memcpy(copy, pkt.data, pkt.caplen);
		cap_decode(
		    &pkt, pkt.linktype, copy, pkt.caplen, pkt.len, &pkt.ts);
		cap_flow_track(ft, &pkt, &note);
		o->sink += fuzz_app(&pkt, x, ra);
		o->packets++, o->decodes++, i++;
		if (o->seed != NULL && pkt.caplen <= 0xfeff) {
			fputc(pkt.caplen >> 8, o->seed);
			fputc(pkt.caplen & 0xff, o->seed);
			fwrite(copy, 1, pkt.caplen, o->seed);
		}
		if (o->verbose)
			show(&pkt, &note, i);
		if (o->cuts && cut_all(o, path, i, &pkt) < 0)
			rc = -1;
		free(copy);
	}
	if (r < 0) {
		fprintf(stderr, "capreplay: %s\n", err);
		rc = -1;
	}
	cap_flows_flush(ft);
	cap_flows_free(ft);
	cap_xchg_flush(x);
	cap_xchg_free(x);
	cap_reasm_free(ra);
	cap_file_close(f);
	if (o->seed != NULL && fclose(o->seed) != 0)
		rc = -1;
	o->seed = NULL;
	return rc;
}

/* -b: decode and track straight from libpcap's buffer, timed. */
static int
bench_pcap(const char *path)
{
	char err[512];
	struct cap_file *f = cap_file_open(path, err, sizeof err);
	struct cap_flows *ft = cap_flows_new(0, 0);
	struct cap_flows_stats st;
	struct cap_pkt pkt;
	struct cap_note note;
	struct timespec t0, t1;
	unsigned long n = 0, ev = 0;
	double s;
	int r;

	if (f == NULL || ft == NULL) {
		fprintf(stderr, "capreplay: %s\n", f ? "out of memory" : err);
		cap_file_close(f);
		cap_flows_free(ft);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((r = cap_file_next(f, &pkt, err, sizeof err)) == 1) {
		cap_flow_track(ft, &pkt, &note);
		ev += note.ev != 0;
		n++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	cap_flows_stats(ft, &st);
	printf("%s: %lu packets (%lu annotated), %llu conversations, "
	       "%.3f s, %.0f packets/s\n",
	    path, n, ev, (unsigned long long)st.created, s,
	    s > 0 ? n / s : 0.0);
	cap_flows_free(ft);
	cap_file_close(f);
	return r < 0 ? -1 : 0;
}

static int
replay_input(struct opts *o, const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long n;
	int rc = -1;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0) {
		perror(path);
		if (fp)
			fclose(fp);
		return -1;
	}
	buf = malloc(n ? (size_t)n : 1);
	if (buf != NULL && fread(buf, 1, (size_t)n, fp) == (size_t)n) {
		rc = fuzz_one(buf, (size_t)n) < 0 ? -1 : 0;
		o->packets++;
	}
	free(buf);
	fclose(fp);
	return rc;
}

static int
replay_corpus(struct opts *o, const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char sub[4096];
	int rc = 0;

	if (stat(path, &st) < 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_input(o, path);
	d = opendir(path);
	if (d == NULL) {
		perror(path);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		if (replay_input(o, sub) < 0)
			rc = -1;
	}
	closedir(d);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts o = {0};
	int c, corpus = 0, bench = 0, rc = 0;

	while ((c = getopt(argc, argv, "vtcbs:h")) != -1) {
		switch (c) {
		case 'b':
			bench = 1;
			break;
		case 's':
			o.seeds = optarg;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 't':
			o.cuts = 1;
			break;
		case 'c':
			corpus = 1;
			break;
		default:
			fprintf(stderr,
			    "usage: capreplay [-v] [-t] [-s DIR] "
			    "FILE.pcap... | capreplay -c FILE_OR_DIR...\n");
			return 2;
		}
	}
	if (optind == argc) {
		fprintf(stderr, "usage: capreplay [-v] [-t] [-s DIR] "
		                "FILE.pcap... | capreplay -c FILE_OR_DIR...\n");
		return 2;
	}
	for (; bench && optind < argc; optind++)
		if (bench_pcap(argv[optind]) < 0)
			rc = 1;
	if (bench)
		return rc;
	for (; optind < argc; optind++)
		if ((corpus ? replay_corpus(&o, argv[optind])
		            : replay_pcap(&o, argv[optind])) < 0)
			rc = 1;
	fprintf(stderr, "capreplay: %lu %s, %lu decodes\n", o.packets,
	    corpus ? "inputs" : "packets", o.decodes);
	return rc;
}

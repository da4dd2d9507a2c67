/*
 * labsniff: a libpcap sniffer that teaches.  This file holds main: the
 * options, opening the source (file, interface or --exec namespace), the
 * filter and -w, the capture loop, and a clean end on Ctrl-C or -c.
 */
#define _DEFAULT_SOURCE /* pcap.h uses u_int, u_char */
#include "labsniff.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LABSNIFF_VERSION "1.0"

static volatile sig_atomic_t stop_requested; /* Ctrl-C / SIGTERM */
static pcap_t *volatile break_pc;            /* for pcap_breakloop */

static const char usage_line[] = N_(
    "usage: labsniff [-i IFACE] [-r FILE] [-w FILE] [-c COUNT] [-X] [-e] [-q] "
    "[--ladder [--conv N]] [--timeline] [--svg FILE] [--json] "
    "[--exec CMD]... [FILTER]\n");

static const char help_text[] = N_(
    "labsniff: watch your programs' packets, with the handshakes, replies\n"
    "and losses explained.  One line per packet, then a summary per\n"
    "conversation.\n"
    "\n"
    "  -i IFACE      capture on IFACE (default: lo, the loopback)\n"
    "  -r FILE       read packets from a pcap or pcapng file (-: standard\n"
    "                input; a FIFO or <(...) works too)\n"
    "  -w FILE       also save the packets to FILE (pcap; tcpdump and\n"
    "                Wireshark read it)\n"
    "  -c COUNT      stop after COUNT packets\n"
    "  -X            add each packet in hex and ASCII (as tcpdump -X)\n"
    "  -e            show the Ethernet addresses on every line\n"
    "  -q            quiet: only the summary\n"
    "  --ladder      draw each conversation as a sequence diagram instead\n"
    "                of the packet lines, and a traceroute's route with a\n"
    "                lifeline per hop\n"
    "  --conv N      --ladder and --svg draw conversation N only (its\n"
    "                number in the lines and the summary)\n"
    "  --timeline    instead of the packet lines, one row per conversation\n"
    "                over one time axis: S SYN, F FIN, R reset, > data from\n"
    "                the client, < from the server; 100 rows at most, as\n"
    "                wide as the terminal (100 columns when not one);\n"
    "                a traceroute adds a row per hop\n"
    "  --svg FILE    write the same diagrams (or the timeline) to FILE as\n"
    "                an SVG picture\n"
    "  --json        one JSON object per line: packets, conversations, "
    "capture\n"
    "  --exec CMD    run CMD (with /bin/sh -c) in a private network\n"
    "                namespace and capture its loopback: no privileges\n"
    "                needed.  Repeat for several commands (a server, then a\n"
    "                client): each starts once the one before has bound a\n"
    "                socket or ended (or after 2 s); the capture ends when\n"
    "                the last one ends.  Their output is shown tagged\n"
    "                [1], [2]...\n"
    "  -h, --help    this help;  -V, --version  the version\n"
    "  FILTER        tcpdump's filter language, e.g. 'udp port 12000'\n"
    "\n"
    "Exit status: 0 done, 1 a failure at run time, 2 bad arguments.\n");

static int
usage_error(const char *msg, const char *arg)
{
	if (arg != NULL)
		fprintf(stderr, _("labsniff: %s: %s\n"), msg, arg);
	else
		fprintf(stderr, _("labsniff: %s\n"), msg);
	fputs(_(usage_line), stderr);
	return 2;
}

static char *
join_words(char **w, int n)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < n; i++)
		len += strlen(w[i]) + 1;
	if ((s = calloc(1, len)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, w[i]);
	}
	return s;
}

static int
parse_count(const char *arg, long *count)
{
	char *end;

	errno = 0;
	*count = strtol(arg, &end, 10);
	return errno == 0 && end != arg && *end == '\0' && *count > 0 ? 0 : -1;
}

enum { OPT_LADDER = 256, OPT_SVG, OPT_JSON, OPT_EXEC };
enum { OPT_TIMELINE = 320, OPT_CONV }; /* --timeline, --conv N */

/* --conv N: a conversation's number, 1 or more. */
static int
parse_conv(const char *arg, uint32_t *conv)
{
	long n;

	if (parse_count(arg, &n) != 0 || n > UINT32_MAX)
		return -1;
	*conv = (uint32_t)n;
	return 0;
}

/* One option: 0, 2 (bad), -1 (help or version printed: exit 0). */
static int
parse_option(struct sniff_opts *o, int c, char **argv)
{
	switch (c) {
	case 'i':
		o->iface = optarg;
		return 0;
	case 'r':
		o->rfile = optarg;
		return 0;
	case 'w':
		o->wfile = optarg;
		return 0;
	case 'X':
		o->hex = 1;
		return 0;
	case 'e':
		o->eth = 1;
		return 0;
	case 'q':
		o->quiet = 1;
		return 0;
	case OPT_LADDER:
		o->ladder = 1;
		return 0;
	case OPT_SVG:
		o->svgfile = optarg;
		return 0;
	case OPT_JSON:
		o->json = 1;
		return 0;
	case OPT_TIMELINE:
		o->timeline = 1;
		return 0;
	case OPT_CONV:
		if (parse_conv(optarg, &o->conv) != 0)
			return usage_error(
			    _("--conv N: N must be a conversation's "
			      "number (1 or more)"),
			    optarg);
		return 0;
	case 'c':
		if (parse_count(optarg, &o->count) != 0)
			return usage_error(
			    _("COUNT must be a whole number >= 1"), optarg);
		return 0;
	case OPT_EXEC:
		if (o->n_exec == SNIFF_MAX_EXEC)
			return usage_error(_("too many --exec commands"), NULL);
		o->exec_cmd[o->n_exec++] = optarg;
		return 0;
	case 'h':
		fputs(_(help_text), stdout);
		fputs(_(usage_line), stdout);
		return -1;
	case 'V':
		printf("labsniff (socklab) %s, %s\n", LABSNIFF_VERSION,
		    pcap_lib_version());
		return -1;
	case ':':
		return usage_error(_("option needs a value"), argv[optind - 1]);
	default:
		return usage_error(_("unknown option"), argv[optind - 1]);
	}
}

/* Options that cannot go together. */
static int
check_options(const struct sniff_opts *o)
{
	if (o->rfile != NULL && (o->iface != NULL || o->n_exec > 0))
		return usage_error(_("-r reads a file: it cannot be combined "
		                     "with -i or --exec"),
		    NULL);
	if (o->iface != NULL && o->n_exec > 0)
		return usage_error(
		    _("--exec captures in its own namespace: drop -i"), NULL);
	if (o->json && o->ladder)
		return usage_error(_("--json and --ladder: choose one"), NULL);
	if (o->timeline && (o->ladder || o->json))
		return usage_error(
		    _("--timeline, --ladder, --json: choose one"), NULL);
	if (o->conv != 0 && (o->timeline || (!o->ladder && !o->svgfile)))
		return usage_error(_("--conv N picks the conversation of "
		                     "--ladder or --svg (not --timeline)"),
		    NULL);
	return 0;
}

/* 0 to run, 2 bad arguments, -1 help or version printed (exit 0). */
static int
parse_args(struct sniff_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"ladder", no_argument, NULL, OPT_LADDER},
	    {"svg", required_argument, NULL, OPT_SVG},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"timeline", no_argument, NULL, OPT_TIMELINE},
	    {"conv", required_argument, NULL, OPT_CONV},
	    {"exec", required_argument, NULL, OPT_EXEC},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(
	            argc, argv, ":i:r:w:c:XeqhV", longopts, NULL)) != -1)
		if ((rc = parse_option(o, c, argv)) != 0)
			return rc;
	if ((rc = check_options(o)) != 0)
		return rc;
	if (optind < argc &&
	    (o->filter = join_words(argv + optind, argc - optind)) == NULL)
		return usage_error(_("out of memory"), NULL);
	return 0;
}

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
	if (break_pc != NULL)
		pcap_breakloop(break_pc);
}

/* SIGINT/SIGTERM end the capture cleanly: no SA_RESTART, so a blocked
 * poll() returns at once. */
static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A reader that goes away (labsniff ... | head) is a write error
	 * (EPIPE) that ends the loop, so --exec's commands are still ended:
	 * SIGPIPE would kill us and leave them running. */
	signal(SIGPIPE, SIG_IGN);
}

static int
count_reached(const struct sniff *s)
{
	return s->o.count > 0 && s->shown >= (uint64_t)s->o.count;
}

static void
handle_packet(struct sniff *s, const struct pcap_pkthdr *h,
    const uint8_t *bytes, const struct cap_pkt *decoded)
{
	struct cap_pkt pkt;

	if (count_reached(s))
		return;
	if (decoded == NULL) {
		cap_decode(&pkt, s->linktype, bytes, h->caplen, h->len, &h->ts);
		decoded = &pkt;
	}
	s->shown++;
	if (s->dump != NULL)
		pcap_dump((u_char *)s->dump, h, bytes);
	print_packet(s, decoded);
	if (count_reached(s))
		pcap_breakloop(s->pc);
}

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	handle_packet((struct sniff *)user, h, bytes, NULL);
}

/* Wait up to timeout_ms for packets and handle what is there; the
 * number handled, -1 on a capture error, -2 when interrupted. */
int
sniff_pump(struct sniff *s, int timeout_ms)
{
	struct pollfd pfd[1 + SNIFF_MAX_EXEC];
	int n, nfd;

	if (stop_requested)
		return -2;
	pfd[0].fd = pcap_get_selectable_fd(s->pc);
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	nfd = exec_pollfds(s, pfd + 1, SNIFF_MAX_EXEC);
	if (poll(pfd, (nfds_t)(1 + nfd), timeout_ms) < 0 && errno != EINTR)
		return -1;
	n = pcap_dispatch(s->pc, -1, on_packet, (u_char *)s);
	if (n == PCAP_ERROR_BREAK && !stop_requested && !count_reached(s))
		n = pcap_dispatch(s->pc, -1, on_packet, (u_char *)s);
	/* (a pcap_breakloop from Ctrl-C still pending: the drain reads on) */
	exec_relay(s, pfd + 1, nfd); /* after the packets they caused */
	if (s->immediate || n > 0)
		outbuf_flush(&s->out); /* one write per batch of lines */
	if (n == PCAP_ERROR_BREAK && !stop_requested)
		n = 0; /* -c reached: the caller sees count_reached */
	return n == PCAP_ERROR_BREAK ? -2 : n;
}

/* After the loop: what the ring still holds, up to the retire timeout. */
static void
drain(struct sniff *s)
{
	int rounds = 0;

	stop_requested = 0;
	while (!count_reached(s) && rounds++ < 3 &&
	       sniff_pump(s, SNIFF_TIMEOUT_MS + 20) > 0)
		;
}

static int
live_loop(struct sniff *s)
{
	int n = 0;

	while (!stop_requested && !count_reached(s) && !s->out.failed) {
		if (s->o.n_exec > 0 && exec_poll(s)) {
			sniff_pump(s, EXEC_DRAIN_MS);
			exec_stop(s);
			break;
		}
		n = sniff_pump(
		    s, s->o.n_exec > 0 ? EXEC_POLL_MS : SNIFF_TIMEOUT_MS);
		if (n == -1)
			break;
	}
	s->interrupted = stop_requested;
	if (s->o.n_exec > 0)
		exec_stop(s);
	if (n == -1) {
		snprintf(s->err, sizeof s->err, _("capture failed: %s"),
		    pcap_geterr(s->pc));
		return -1;
	}
	drain(s);
	return 0;
}

static int
file_loop(struct sniff *s, struct cap_file *f)
{
	struct pcap_pkthdr h;
	struct cap_pkt pkt;
	int rc;

	while (!stop_requested && !count_reached(s) && !s->out.failed) {
		rc = cap_file_next(f, &pkt, s->err, sizeof s->err);
		if (rc < 0 && stop_requested)
			return 0; /* Ctrl-C while a pipe or FIFO was quiet */
		if (rc <= 0)
			return rc;
		h.ts = pkt.ts;
		if (pkt.flags & CAP_F_TS_USEC) /* -w saves it as it was */
			h.ts.tv_usec = (suseconds_t)(int32_t)pkt.ts_usec_raw;
		h.caplen = pkt.caplen;
		h.len = pkt.len;
		handle_packet(s, &h, pkt.data, &pkt);
	}
	return 0;
}

static int
set_filter(struct sniff *s)
{
	struct bpf_program prog;

	if (s->o.filter == NULL)
		return 0;
	if (pcap_compile(s->pc, &prog, s->o.filter, 1, PCAP_NETMASK_UNKNOWN) !=
	    0) {
		snprintf(s->err, sizeof s->err, _("bad filter '%s': %s"),
		    s->o.filter, pcap_geterr(s->pc));
		return 2;
	}
	if (pcap_setfilter(s->pc, &prog) != 0) {
		snprintf(s->err, sizeof s->err, _("cannot set the filter: %s"),
		    pcap_geterr(s->pc));
		pcap_freecode(&prog);
		return 1;
	}
	pcap_freecode(&prog);
	return 0;
}

/* Open the source: 0, or an exit status with s->err set. */
static int
open_source(struct sniff *s, struct cap_file **f)
{
	int rc;

	if (s->o.rfile != NULL) {
		*f = cap_file_open(s->o.rfile, s->err, sizeof s->err);
		if (*f == NULL)
			return 1;
		if (cap_file_warning(*f) != NULL) /* read on, say it once */
			fprintf(
			    stderr, _("labsniff: %s\n"), cap_file_warning(*f));
		s->pc = cap_file_pcap(*f);
		s->linktype = cap_file_linktype(*f);
	} else {
		if (s->o.n_exec > 0 && exec_enter(s) != 0)
			return 1;
		if (live_open(s, s->o.iface != NULL ? s->o.iface : "lo") != 0)
			return 1;
		if (pcap_setnonblock(s->pc, 1, s->err) != 0)
			return 1;
	}
	if (!cap_linktype_supported(s->linktype)) {
		snprintf(s->err, sizeof s->err,
		    _("link type %s (%d) is not "
		      "supported"),
		    pcap_datalink_val_to_name(s->linktype)
		        ? pcap_datalink_val_to_name(s->linktype)
		        : "?",
		    s->linktype);
		return 1;
	}
	if ((rc = set_filter(s)) != 0)
		return rc;
	if (s->o.wfile != NULL &&
	    (s->dump = pcap_dump_open(s->pc, s->o.wfile)) == NULL) {
		snprintf(s->err, sizeof s->err, "-w: %s", pcap_geterr(s->pc));
		return 1;
	}
	return 0;
}

static int
run(struct sniff *s)
{
	struct cap_file *f = NULL;
	int rc, frc;

	install_signals(); /* before the capture opens: no window */
	if ((rc = open_source(s, &f)) != 0 || (rc = -print_init(s)) != 0)
		goto out;
	break_pc = s->live ? s->pc : NULL;
	if (s->live) /* as tcpdump: also says the capture is ready */
		fprintf(stderr,
		    s->o.n_exec > 0
		        ? _("labsniff: listening on %s of a private "
		            "network namespace, link type %s, "
		            "Ctrl-C to stop\n")
		        : _("labsniff: listening on %s, link type %s, "
		            "Ctrl-C to stop\n"),
		    s->o.iface != NULL ? s->o.iface : "lo",
		    pcap_datalink_val_to_name(s->linktype));
	if (s->o.n_exec > 0 && exec_start(s) != 0)
		rc = 1;
	else if (s->live)
		rc = -live_loop(s);
	else
		rc = -file_loop(s, f);
	if ((frc = print_finish(s)) != 0 && rc == 0)
		rc = frc == 2 ? 2 : 1; /* 2: --conv N names no conversation */
	if (s->dump != NULL)
		pcap_dump_flush(s->dump);
out:
	if (s->o.n_exec > 0 && s->pc != NULL)
		exec_stop(s);
	break_pc = NULL;
	if (s->dump != NULL)
		pcap_dump_close(s->dump);
	print_free(s);
	if (f != NULL)
		cap_file_close(f);
	else if (s->pc != NULL)
		pcap_close(s->pc);
	return rc;
}

int
main(int argc, char **argv)
{
	struct sniff s;
	int rc;

	i18n_init();
	memset(&s, 0, sizeof s);
	for (rc = 0; rc < SNIFF_MAX_EXEC; rc++)
		s.cmd[rc].out_fd = -1;
	if ((rc = parse_args(&s.o, argc, argv)) != 0)
		return rc < 0 ? 0 : rc;
	s.out_tty = isatty(STDOUT_FILENO);
	if (outbuf_init(&s.out, STDOUT_FILENO, SNIFF_OUTBUF_BYTES) != 0) {
		fprintf(stderr, _("labsniff: out of memory\n"));
		return 1;
	}
	rc = run(&s);
	outbuf_flush(&s.out);
	if (rc != 0 && s.err[0] != '\0')
		fprintf(stderr, _("labsniff: %s\n"), s.err);
	else if (s.out.failed) {
		fprintf(stderr, _("labsniff: writing the output: %s\n"),
		    strerror(s.out.failed));
		rc = 1;
	}
	outbuf_free(&s.out);
	free(s.o.filter);
	return rc;
}

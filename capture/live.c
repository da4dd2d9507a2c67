/*
 * labsniff's live capture: open an interface the way FIELD-NOTES.md
 * measured works best, turn a refusal into advice, and report the
 * kernel's counters at the end.
 */
#define _DEFAULT_SOURCE /* pcap.h (via labsniff.h) uses u_int, u_char */
#include "labsniff.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The path of our own binary, for the setcap advice. */
static void
self_path(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);

	if (n <= 0)
		snprintf(buf, len, "labsniff");
	else
		buf[n] = '\0';
}

static void
live_refused(struct sniff *s, const char *iface)
{
	char self[PATH_MAX];

	self_path(self, sizeof self);
	snprintf(s->err, sizeof s->err,
	    _("capturing on %.32s needs privileges: run it with sudo, or once "
	      "'sudo setcap cap_net_raw=eip %.300s', or capture your own "
	      "programs "
	      "with --exec CMD (no privileges needed), or read a file with -r "
	      "FILE"),
	    iface, self);
}

static int
live_configure(struct sniff *s)
{
	pcap_t *pc = s->pc;

	if (pcap_set_snaplen(pc, SNIFF_SNAPLEN) != 0 ||
	    pcap_set_buffer_size(pc, SNIFF_BUFFER_BYTES) != 0 ||
	    pcap_set_timeout(pc, SNIFF_TIMEOUT_MS) != 0)
		return -1;
	/*
	 * Immediate mode forces the per-packet TPACKET_V2 ring, which drops
	 * much sooner: only when a person is watching (a terminal) or the
	 * capture runs alongside --exec commands.  Files and pipes get the
	 * batched default.
	 */
	s->immediate = s->out_tty || s->o.n_exec > 0;
	if (s->immediate && pcap_set_immediate_mode(pc, 1) != 0)
		return -1;
	return 0;
}

int
live_open(struct sniff *s, const char *iface)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	int rc;

	s->pc = pcap_create(iface, errbuf);
	if (s->pc == NULL) {
		snprintf(s->err, sizeof s->err, _("cannot capture on %s: %s"),
		    iface, errbuf);
		return -1;
	}
	if (live_configure(s) != 0) {
		snprintf(s->err, sizeof s->err,
		    _("cannot set up capture on %s"), iface);
		return -1;
	}
	rc = pcap_activate(s->pc);
	if (rc == PCAP_ERROR_PERM_DENIED ||
	    (rc == PCAP_ERROR && strstr(pcap_geterr(s->pc), "ermission"))) {
		live_refused(s, iface);
		return -1;
	}
	if (rc < 0) {
		snprintf(s->err, sizeof s->err, _("cannot capture on %s: %s"),
		    iface,
		    rc == PCAP_ERROR_NO_SUCH_DEVICE ? "no such interface"
		                                    : pcap_geterr(s->pc));
		return -1;
	}
	if (rc > 0) /* a warning: the capture works, say why it may not */
		fprintf(stderr, _("labsniff: warning: %s: %s\n"), iface,
		    pcap_geterr(s->pc));
	s->live = 1;
	s->linktype = pcap_datalink(s->pc);
	return 0;
}

void
live_stats_print(struct sniff *s)
{
	struct outbuf *ob = &s->out;
	struct pcap_stat st;
	int lo = s->o.iface == NULL || strcmp(s->o.iface, "lo") == 0 ||
	         s->o.n_exec > 0;

	if (!s->live || pcap_stats(s->pc, &st) != 0)
		return;
	outbuf_puts(ob, _("kernel: "));
	outbuf_u64(ob, st.ps_recv);
	outbuf_puts(ob, ngettext(" received, ", " received, ", st.ps_recv));
	outbuf_u64(ob, st.ps_drop);
	outbuf_puts(ob, ngettext(" dropped by the capture buffer",
	                    " dropped by the capture buffer", st.ps_drop));
	if (st.ps_ifdrop > 0) {
		outbuf_puts(ob, ", ");
		outbuf_u64(ob, st.ps_ifdrop);
		outbuf_puts(ob, _(" by the interface"));
	}
	outbuf_putc(ob, '\n');
	if (lo)
		outbuf_puts(ob,
		    _("  (on lo the kernel counts each packet twice, "
		      "as sent and as received; labsniff shows it once)\n"));
}

/*
 * labsniff's tests: golden outputs over the scenario pcaps (TESTLIST, run
 * with the normal and the sanitizer build), a cross-check of every packet
 * against tcpdump, the -X dump against tcpdump -X, --json through a real
 * JSON parser, --svg through xmllint, arguments and broken files.
 */
#define _DEFAULT_SOURCE /* pcap.h uses u_int, u_char */
#include <arpa/inet.h>
#include <check.h>
#include <inttypes.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grader/testkit/harness.h"
#include "outbuf.h"

#define LS_MAX_GOLDEN 128 /* TESTLIST lines */
#define LS_MAX_ARGS 16    /* flags per TESTLIST line */
#define LS_RUN_MS 20000   /* one labsniff run (sanitizers are slow) */
#define LS_TESTLIST "capture/tests/TESTLIST"
#define LS_GOLDEN_DIR "capture/tests/golden/"

struct ls_golden {
	char name[64];
	char pcap[256];
	char expected[256];
	char *args[LS_MAX_ARGS];
	int nargs;
};

static struct ls_golden ls_goldens[LS_MAX_GOLDEN];
static int ls_ngoldens;

static const char *
ls_build(void)
{
	const char *b = getenv("KIT_BUILD");

	return b != NULL && *b != '\0' ? b : "build";
}

/* "$PCAP/x.pcap" is a generated scenario; anything else is under
 * capture/tests/golden/. */
static void
ls_pcap_path(char *out, size_t n, const char *name)
{
	if (strncmp(name, "$PCAP/", 6) == 0)
		snprintf(out, n, "%s/tests/pcap/%s", ls_build(), name + 6);
	else
		snprintf(out, n, "%s%s", LS_GOLDEN_DIR, name);
}

static void
ls_load_testlist(void)
{
	FILE *f = fopen(LS_TESTLIST, "r");
	char line[1024];

	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL &&
	       ls_ngoldens < LS_MAX_GOLDEN) {
		struct ls_golden *g = &ls_goldens[ls_ngoldens];
		char *save = NULL, *tok, *name, *pcap, *exp;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		name = strtok_r(line, " \t", &save);
		pcap = strtok_r(NULL, " \t", &save);
		exp = strtok_r(NULL, " \t", &save);
		if (name == NULL || pcap == NULL || exp == NULL)
			continue;
		snprintf(g->name, sizeof g->name, "%s", name);
		ls_pcap_path(g->pcap, sizeof g->pcap, pcap);
		snprintf(g->expected, sizeof g->expected, "%s%s", LS_GOLDEN_DIR,
		    exp);
		while ((tok = strtok_r(NULL, " \t", &save)) != NULL &&
		       g->nargs < LS_MAX_ARGS)
			g->args[g->nargs++] = strdup(tok);
		ls_ngoldens++;
	}
	fclose(f);
}

static char *
ls_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1))) {
		*len = fread(buf, 1, (size_t)n, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

static int
ls_write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	int rc;

	if (f == NULL)
		return -1;
	rc = fwrite(p, 1, n, f) == n ? 0 : -1;
	return fclose(f) == 0 ? rc : -1;
}

static const char *
ls_bin(int san)
{
	return kit_bin(san ? "san/labsniff" : "labsniff");
}

/* The first line where two texts differ, for a readable failure. */
static void
ls_first_diff(const char *a, const char *b, char *out, size_t n)
{
	int line = 1;
	const char *la = a, *lb = b;

	while (*a != '\0' && *a == *b) {
		if (*a == '\n') {
			line++;
			la = a + 1;
			lb = b + 1;
		}
		a++, b++;
	}
	snprintf(out, n, "line %d: got '%.*s', expected '%.*s'", line,
	    (int)strcspn(la, "\n"), la, (int)strcspn(lb, "\n"), lb);
}

static int
ls_count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* --- golden outputs (TESTLIST), normal and sanitizer builds --- */

START_TEST(test_golden)
{
	const struct ls_golden *g = &ls_goldens[_i / 2];

	ck_assert_msg(ls_ngoldens > 0, "no test in " LS_TESTLIST);
	char *argv[LS_MAX_ARGS + 6], diff[600], svg[256];
	size_t elen = strlen(g->expected);
	int is_svg = elen > 4 && strcmp(g->expected + elen - 4, ".svg") == 0;
	struct proc p;
	size_t len = 0;
	char *want, *got;
	int i, n = 0;

	argv[n++] = (char *)ls_bin(_i % 2);
	argv[n++] = "-r";
	argv[n++] = (char *)g->pcap;
	for (i = 0; i < g->nargs; i++)
		argv[n++] = g->args[i];
	if (is_svg) { /* an expected .svg: the --svg file is compared */
		snprintf(svg, sizeof svg, "%s/ls-golden-%d.svg", kit_tmp(""),
		    (int)getpid());
		argv[n++] = "--svg";
		argv[n++] = svg;
	}
	argv[n] = NULL;
	ck_assert_msg(access(argv[0], X_OK) == 0,
	    "%s not built (make test "
	    "builds it; by hand: make SAN=1 build/san/labsniff)",
	    argv[0]);
	ck_assert_msg(
	    access(g->pcap, R_OK) == 0, "%s: %s missing", g->name, g->pcap);
	want = ls_slurp(g->expected, &len);
	ck_assert_msg(
	    want != NULL, "%s: no expected output %s", g->name, g->expected);
	ck_assert_int_eq(proc_run(&p, argv, LS_RUN_MS), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "%s (%s): exit %d, stderr: %s",
	    g->name, argv[0], PROC_EXIT(&p), p.err);
	ck_assert_msg(p.err_len == 0, "%s: stderr: %s", g->name, p.err);
	got = is_svg ? ls_slurp(svg, &len) : p.out;
	if (is_svg)
		unlink(svg);
	ck_assert_msg(got != NULL, "%s: no --svg file written", g->name);
	ls_first_diff(got, want, diff, sizeof diff);
	ck_assert_msg(
	    strcmp(got, want) == 0, "%s (%s): %s", g->name, argv[0], diff);
	if (is_svg)
		free(got);
	free(want);
	proc_free(&p);
}
END_TEST

/* --- every packet against tcpdump -nn -S (absolute) and -nn --- */

static const char *const ls_cross_pcaps[] = {
    "$PCAP/tcp4-session.pcap",
    "$PCAP/tcp6-session.pcap",
    "$PCAP/tcp-reset.pcap",
    "$PCAP/tcp-retrans.pcap",
    "$PCAP/tcp-ooo.pcap",
    "$PCAP/tcp-midstream.pcap",
    "$PCAP/udp-ping.pcap",
    "$PCAP/udp6-ping.pcap",
    "$PCAP/udp-stray.pcap",
    "$PCAP/icmp-unreach.pcap",
    "$PCAP/link-sll.pcap",
    "$PCAP/link-sll2.pcap",
    "$PCAP/link-null.pcap",
    "$PCAP/link-raw.pcap",
    "$PCAP/ip-options.pcap",
    "pcap/tcp6-exec.pcap",
    "pcap/udp-unreach-exec.pcap",
    /* points 8 and 9 of issue 10: inputs and numbers as tcpdump's */
    "$PCAP/modified-pcap.pcap",
    "$PCAP/snaplen-absurd.pcap",
    "$PCAP/ts-invalid-usec.pcap",
    "$PCAP/udp-frag-big.pcap",
    "$PCAP/ip4-frag.pcap",
    "$PCAP/ip6-ext.pcap",
    "$PCAP/tcp-idle.pcap",
    "$PCAP/tcp-syn-only.pcap",
    "$PCAP/tcp-bad-ip.pcap",
    "$PCAP/malformed.pcap",
};

/* Field by field against tcpdump: addresses, ports, lengths (a UDP
 * first fragment: the datagram's), flags, absolute numbers (-S), the
 * relative numbers wherever tcpdump printed them relative, the
 * microseconds as tcpdump prints them (invalid ones too), and a TCP
 * header under 20 bytes shown as tcpdump shows it, without numbers. */
static const char ls_cross_py[] =
    "import json, re, sys\n"
    "pk = [json.loads(l) for l in open(sys.argv[1])]\n"
    "pk = [j for j in pk if j['type'] == 'packet']\n"
    "ab = open(sys.argv[2]).read().splitlines()\n"
    "rl = open(sys.argv[3]).read().splitlines()\n"
    "assert len(pk) == len(ab) == len(rl), (len(pk), len(ab), len(rl))\n"
    "checked = 0\n"
    "for j, a, r in zip(pk, ab, rl):\n"
    "    us = re.match(r'\\d\\d:\\d\\d:\\d\\d\\.(\\d+) ', a).group(1)\n"
    "    assert int(us) == j.get('ts_usec_invalid', j['ts_usec']), (j, a)\n"
    "    if j.get('proto') not in ('TCP', 'UDP') or 'sport' not in j:\n"
    "        continue\n"
    "    if 'truncated' in j: continue\n"
    "    if 'malformed' in j and j['malformed_layer'] not in ('ip', 'tcp'):\n"
    "        continue\n"
    "    if '[bad opt]' in a: continue  # tcpdump stops there\n"
    "    m = re.search(r' IP6? (?:truncated-ip - \\d+ bytes missing! )?'\n"
    "                  r'(\\S+)\\.(\\d+) > (\\S+)\\.(\\d+): (.*)$', a)\n"
    "    if not m:  # IPv6 extension headers: the ports after them\n"
    "        m = re.search(r' IP6 (\\S+) > (\\S+): (?:HBH |frag \\(0\\|\\d+\\) "
    "|DSTOPT RT6 \\([^)]*\\) )'\n"
    "                      r'(\\d+) > (\\d+): (.*)$', a)\n"
    "        m = m and [None, m.group(1), m.group(3), m.group(2), m.group(4), "
    "m.group(5)]\n"
    "    else: m = [None] + list(m.groups())\n"
    "    assert m, a\n"
    "    got = (j['sport'], j['dport'])\n"
    "    exp = (int(m[2]), int(m[4]))\n"
    "    assert got == exp, (got, exp, a)\n"
    "    assert (j['src'], j['dst']) == (m[1], m[3]), (j, a)\n"
    "    rest = m[5]\n"
    "    bad = re.search(r'tcp (\\d+) \\[(bad hdr length \\d+ - too short, < "
    "20)\\]', rest)\n"
    "    if bad:\n"
    "        assert j['malformed'] == bad.group(2), (j, a)\n"
    "        assert int(bad.group(1)) == j['payload_len'], (j, a)\n"
    "        assert 'flags' not in j and 'seq_abs' not in j, (j, a)\n"
    "        checked += 1; continue\n"
    "    if j.get('malformed_layer') == 'tcp': continue\n"
    "    ln = re.search(r'length (\\d+)', rest)\n"
    "    assert ln and int(ln.group(1)) == j.get('datagram_len', "
    "j['payload_len']), (j, a)\n"
    "    checked += 1\n"
    "    if j['proto'] != 'TCP': continue\n"
    "    fl = re.search(r'Flags \\[([^\\]]*)\\]', rest).group(1)\n"
    "    assert fl == j['flags'], (fl, j['flags'], a)\n"
    "    sq = re.search(r'seq (\\d+)', rest)\n"
    "    if sq: assert int(sq.group(1)) == j['seq_abs'], (j, a)\n"
    "    ak = re.search(r'ack (\\d+)', rest)\n"
    "    if ak: assert int(ak.group(1)) == j['ack_abs'], (j, a)\n"
    "    if 'S' in fl or 'seq' not in j: continue\n"
    "    # where tcpdump printed relative numbers, they are ours\n"
    "    sq = re.search(r'seq (\\d+)', r)\n"
    "    if sq and int(sq.group(1)) != j['seq_abs']:\n"
    "        assert int(sq.group(1)) == j['seq'], ('rel seq', j, r)\n"
    "    ak = re.search(r'ack (\\d+)', r)\n"
    "    if ak and int(ak.group(1)) != j['ack_abs']:\n"
    "        assert int(ak.group(1)) == j['ack'], ('rel ack', j, r)\n"
    "assert checked > 0\n"
    "print(checked)\n";

/* Run argv with stdout into path; returns the exit status. */
static int
ls_run_to(char *const argv[], const char *path)
{
	struct proc p;
	int rc;

	if (proc_run(&p, argv, LS_RUN_MS) != 0)
		return -1;
	rc = ls_write_file(path, p.out, p.out_len) == 0 ? PROC_EXIT(&p) : -1;
	proc_free(&p);
	return rc;
}

START_TEST(test_crosscheck_tcpdump)
{
	char pcap[256], js[64], ab[64], rl[64];
	char *lsargv[] = {(char *)ls_bin(0), "--json", "-r", pcap, NULL};
	char *abargv[] = {"tcpdump", "-nn", "-S", "-r", pcap, NULL};
	char *rlargv[] = {"tcpdump", "-nn", "-r", pcap, NULL};
	char *pyargv[] = {
	    "python3", "-c", (char *)ls_cross_py, js, ab, rl, NULL};
	struct proc p;
	int rc[4];

	ck_assert_msg(access("/usr/bin/tcpdump", X_OK) == 0 ||
	                  access("/usr/sbin/tcpdump", X_OK) == 0,
	    "tcpdump not installed");
	ls_pcap_path(pcap, sizeof pcap, ls_cross_pcaps[_i]);
	snprintf(
	    js, sizeof js, "%s/ls-cross-%d.json", kit_tmp(""), (int)getpid());
	snprintf(
	    ab, sizeof ab, "%s/ls-cross-%d.abs", kit_tmp(""), (int)getpid());
	snprintf(
	    rl, sizeof rl, "%s/ls-cross-%d.rel", kit_tmp(""), (int)getpid());
	rc[0] = ls_run_to(lsargv, js);
	rc[1] = ls_run_to(abargv, ab);
	rc[2] = ls_run_to(rlargv, rl);
	rc[3] = proc_run(&p, pyargv, LS_RUN_MS);
	unlink(js), unlink(ab), unlink(rl); /* a failure leaves nothing */
	ck_assert_msg(rc[0] == 0 && rc[1] == 0 && rc[2] == 0 && rc[3] == 0,
	    "%s: labsniff %d, tcpdump %d %d, python %d", pcap, rc[0], rc[1],
	    rc[2], rc[3]);
	ck_assert_msg(
	    PROC_EXIT(&p) == 0, "%s disagrees with tcpdump: %s", pcap, p.err);
	proc_free(&p);
}
END_TEST

/* -X prints the same hex lines as tcpdump -X. */
static const char *const ls_hex_pcaps[] = {"$PCAP/tcp4-session.pcap",
    "$PCAP/udp6-ping.pcap", "$PCAP/ip6-ext.pcap", "$PCAP/link-sll2.pcap",
    "$PCAP/link-other.pcap", "$PCAP/link-null.pcap", "$PCAP/icmp-echo.pcap",
    "pcap/udp-unreach-exec.pcap"};

static void
ls_hex_lines(const char *text, char *out, size_t n)
{
	size_t len = 0;

	out[0] = '\0';
	for (; *text != '\0'; text += strcspn(text, "\n") +
	                              (text[strcspn(text, "\n")] != '\0')) {
		size_t l = strcspn(text, "\n");

		if (strncmp(text, "\t0x", 3) != 0 || len + l + 2 > n)
			continue;
		memcpy(out + len, text, l);
		len += l;
		out[len++] = '\n';
		out[len] = '\0';
	}
}

START_TEST(test_hexdump_tcpdump)
{
	static char mine[1 << 16], theirs[1 << 16];
	char pcap[256];
	char *lsargv[] = {(char *)ls_bin(0), "-X", "-r", pcap, NULL};
	char *tdargv[] = {"tcpdump", "-nn", "-X", "-r", pcap, NULL};
	struct proc a, b;

	ls_pcap_path(pcap, sizeof pcap, ls_hex_pcaps[_i]);
	ck_assert_int_eq(proc_run(&a, lsargv, LS_RUN_MS), 0);
	ck_assert_int_eq(proc_run(&b, tdargv, LS_RUN_MS), 0);
	ck_assert_int_eq(PROC_EXIT(&a), 0);
	ck_assert_int_eq(PROC_EXIT(&b), 0);
	ls_hex_lines(a.out, mine, sizeof mine);
	ls_hex_lines(b.out, theirs, sizeof theirs);
	ck_assert_msg(strlen(theirs) > 0, "tcpdump -X printed no hex");
	ck_assert_msg(strcmp(mine, theirs) == 0,
	    "%s: -X differs from "
	    "tcpdump -X:\n%s\n---\n%s",
	    pcap, mine, theirs);
	proc_free(&a);
	proc_free(&b);
}
END_TEST

/* --- hostile payloads: JSON, SVG, ladder --- */

static const struct {
	const char *bytes;
	size_t len;
} ls_nasty[] = {
#define LS_BYTES(s)                                                            \
	{                                                                      \
		s, sizeof(s) - 1                                               \
	}
    LS_BYTES("a\0b\0"),
    LS_BYTES("\"quoted\" and \\back\\slashes\\"),
    LS_BYTES("\xff\xfe invalid \xc3\x28 utf-8 \xed\xa0\x80"),
    LS_BYTES("\x1b[31mred\x1b[0m\r\n\t\x7f"),
    LS_BYTES("</text></svg>&amp;]]><!--"),
    LS_BYTES(""),
#undef LS_BYTES
};

/* A raw-IP pcap of UDP datagrams carrying ls_nasty, as ping and reply. */
static void
ls_write_nasty(const char *path)
{
	pcap_t *dead = pcap_open_dead(DLT_RAW, 65535);
	pcap_dumper_t *d = pcap_dump_open(dead, path);
	size_t i;
	int k;

	ck_assert_ptr_nonnull(d);
	for (i = 0; i < sizeof ls_nasty / sizeof ls_nasty[0]; i++)
		for (k = 0; k < 2; k++) {
			uint8_t pkt[128] = {0x45, 0};
			size_t n = 28 + ls_nasty[i].len;
			struct pcap_pkthdr h = {
			    {1700000000, (int)(i * 100 + k * 10)},
			    (bpf_u_int32)n, (bpf_u_int32)n};

			pkt[2] = (uint8_t)(n >> 8), pkt[3] = (uint8_t)n;
			pkt[8] = 64, pkt[9] = 17;
			pkt[12] = 127, pkt[15] = 1, pkt[16] = 127, pkt[19] = 1;
			pkt[20 + 2 * k] = 0xc3, pkt[21 + 2 * k] = 0x50;
			pkt[22 - 2 * k] = 0x2e, pkt[23 - 2 * k] = 0xe0;
			pkt[24] = (uint8_t)((n - 20) >> 8);
			pkt[25] = (uint8_t)(n - 20);
			memcpy(pkt + 28, ls_nasty[i].bytes, ls_nasty[i].len);
			pcap_dump((u_char *)d, &h, pkt);
		}
	pcap_dump_close(d);
	pcap_close(dead);
}

static const char ls_json_py[] =
    "import json, sys\n"
    "n = 0; payloads = []\n"
    "for line in open(sys.argv[1], 'rb'):\n"
    "    j = json.loads(line.decode('utf-8'))\n"
    "    assert j['type'] in ('packet', 'conversation', 'exchanges', "
    "'capture'), j\n"
    "    n += 1\n"
    "    if j['type'] == 'packet' and 'payload' in j:\n"
    "        raw = j['payload'].encode('latin-1')\n"
    "        assert raw == bytes.fromhex(j['payload_hex']), j\n"
    "        payloads.append(raw)\n"
    "assert n > 0\n"
    "want = [bytes.fromhex(h) for h in sys.argv[2:]]\n"
    "for w in want: assert w in payloads, (w, payloads)\n"
    "print(n)\n";

START_TEST(test_json_parser)
{
	char pcap[256], js[64];
	char *lsargv[] = {
	    (char *)ls_bin(_i % 2), "--json", "-X", "-r", pcap, NULL};
	char *pyargv[16] = {"python3", "-c", (char *)ls_json_py, js};
	char hex[8][128];
	struct proc p;
	size_t i, k;
	int n = 4, rc[2];

	if (_i / 2 == 0) {
		snprintf(pcap, sizeof pcap, "%s/ls-nasty-%d.pcap", kit_tmp(""),
		    (int)getpid());
		ls_write_nasty(pcap);
		for (i = 0; i < sizeof ls_nasty / sizeof ls_nasty[0]; i++) {
			for (k = 0; k < ls_nasty[i].len; k++)
				snprintf(hex[i] + 2 * k, 3, "%02x",
				    (uint8_t)ls_nasty[i].bytes[k]);
			hex[i][2 * k] = '\0';
			pyargv[n++] = hex[i];
		}
	} else {
		ls_pcap_path(pcap, sizeof pcap, ls_cross_pcaps[_i / 2 - 1]);
	}
	pyargv[n] = NULL;
	snprintf(
	    js, sizeof js, "%s/ls-json-%d.json", kit_tmp(""), (int)getpid());
	rc[0] = ls_run_to(lsargv, js);
	rc[1] = rc[0] == 0 ? proc_run(&p, pyargv, LS_RUN_MS) : -1;
	unlink(js); /* a failure leaves nothing in /tmp */
	if (_i / 2 == 0)
		unlink(pcap);
	ck_assert_int_eq(rc[0], 0);
	ck_assert_int_eq(rc[1], 0);
	ck_assert_msg(
	    PROC_EXIT(&p) == 0, "%s: --json not valid: %s", pcap, p.err);
	proc_free(&p);
}
END_TEST

/* --json: a DNS message and an HTTP head split over TCP segments are in
 * the packet that completes them, under "reassembled", with the keys a
 * message in one packet has; only there. */
static const char ls_reasm_py[] =
    "import json, sys\n"
    "objs = [json.loads(l) for l in open(sys.argv[1])]\n"
    "got = [o for o in objs if 'reassembled' in o]\n"
    "assert len(got) == 1, [o['n'] for o in got]\n"
    "o = got[0]; r = o['reassembled']\n"
    "assert r['protocol'] == sys.argv[2], r\n"
    "assert r['segments'] == 2 and r['bytes'] > o['payload_len'], r\n"
    "for kv in sys.argv[3:]:\n"
    "    k, v = kv.split('=', 1)\n"
    "    assert str(r.get(k)) == v, (k, r.get(k), r)\n"
    "print(o['n'])\n";

START_TEST(test_json_reasm)
{
	static const struct {
		const char *pcap, *proto, *kv[4];
	} cases[] = {
	    {"$PCAP/dns-tcp.pcap", "dns",
	        {"dns=response", "dns_id=16386", "dns_qname=example.com.",
	            "dns_qtype=TXT"}},
	    {"$PCAP/app.pcap", "http",
	        {"app=http-request", "http_method=POST", "http_target=/form",
	            "http_host=example.com"}},
	};
	char pcap[256], js[256];
	char *lsargv[] = {(char *)ls_bin(_i % 2), "--json", "-r", pcap, NULL};
	char *pyargv[10] = {"python3", "-c", (char *)ls_reasm_py, js,
	    (char *)cases[_i / 2].proto};
	struct proc p;
	int n = 5, k, rc[2];

	for (k = 0; k < 4; k++)
		pyargv[n++] = (char *)cases[_i / 2].kv[k];
	pyargv[n] = NULL;
	ls_pcap_path(pcap, sizeof pcap, cases[_i / 2].pcap);
	snprintf(
	    js, sizeof js, "%s/ls-reasm-%d.json", kit_tmp(""), (int)getpid());
	rc[0] = ls_run_to(lsargv, js);
	rc[1] = rc[0] == 0 ? proc_run(&p, pyargv, LS_RUN_MS) : -1;
	unlink(js);
	ck_assert_int_eq(rc[0], 0);
	ck_assert_int_eq(rc[1], 0);
	ck_assert_msg(
	    PROC_EXIT(&p) == 0, "%s: --json reassembled: %s", pcap, p.err);
	proc_free(&p);
}
END_TEST

START_TEST(test_svg_xmllint)
{
	char pcap[256], svg[64];
	char *lsargv[] = {
	    (char *)ls_bin(0), "-q", "--svg", svg, "-r", pcap, NULL};
	char *xmlargv[] = {"xmllint", "--noout", svg, NULL};
	struct proc p;
	size_t len;
	char *text;

	snprintf(
	    svg, sizeof svg, "%s/ls-svg-%d.svg", kit_tmp(""), (int)getpid());
	if (_i == 0) {
		snprintf(pcap, sizeof pcap, "%s/ls-svgn-%d.pcap", kit_tmp(""),
		    (int)getpid());
		ls_write_nasty(pcap);
	} else {
		ls_pcap_path(pcap, sizeof pcap, ls_cross_pcaps[_i - 1]);
	}
	ck_assert_int_eq(proc_run(&p, lsargv, LS_RUN_MS), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "--svg: %s", p.err);
	proc_free(&p);
	ck_assert_int_eq(proc_run(&p, xmlargv, LS_RUN_MS), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "%s: xmllint: %s", pcap, p.err);
	proc_free(&p);
	text = ls_slurp(svg, &len);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, "<line") != NULL, "no arrow drawn");
	ck_assert_msg(strstr(text, ">client<") != NULL, "no client lifeline");
	if (_i == 1) /* tcp4-session: the handshake named on the picture */
		ck_assert_msg(strstr(text, "handshake 2/3") != NULL &&
		                  strstr(text, "127.0.0.1:45678") != NULL,
		    "labels missing");
	free(text);
	unlink(svg);
	if (_i == 0)
		unlink(pcap);
}
END_TEST

/* The picture says a stray is not a reply, in red, and pairs the real
 * reply after it. */
START_TEST(test_svg_stray)
{
	static const char stray[] = "class=\"note bad\">from the server, "
	                            "echoes no open request: not a reply<";
	char pcap[256], svg[64];
	char *lsargv[] = {
	    (char *)ls_bin(0), "-q", "--svg", svg, "-r", pcap, NULL};
	struct proc p;
	size_t len;
	char *text, *at;

	snprintf(
	    svg, sizeof svg, "%s/ls-svgs-%d.svg", kit_tmp(""), (int)getpid());
	ls_pcap_path(pcap, sizeof pcap, "$PCAP/udp-stray.pcap");
	ck_assert_int_eq(proc_run(&p, lsargv, LS_RUN_MS), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "--svg: %s", p.err);
	proc_free(&p);
	text = ls_slurp(svg, &len);
	ck_assert_ptr_nonnull(text);
	at = strstr(text, "\"PING 1!\"</text>");
	ck_assert_msg(at != NULL, "no stray arrow");
	at = strstr(at, "class=\"note");
	ck_assert_msg(at != NULL && strncmp(at, stray, sizeof stray - 1) == 0,
	    "the stray is not marked: %.90s", at ? at : "(none)");
	at = strstr(at, "\"PING 1\"</text>");
	ck_assert_msg(at != NULL && strstr(at, "reply to datagram #1 after "),
	    "the real reply is not paired");
	free(text);
	unlink(svg);
}
END_TEST

/* --- --timeline: one row per conversation, read back from the SVG --- */

/* The SVG through a real XML parser: one <g class="row"> per
 * conversation, numbered; the server's data ticks (class m3) of each row
 * after the previous row's (sequential) or overlapping row 1's
 * (concurrent); the title counts the same. */
static const char ls_tl_py[] =
    "import sys, xml.etree.ElementTree as ET\n"
    "ns = '{http://www.w3.org/2000/svg}'\n"
    "root = ET.parse(sys.argv[1]).getroot()\n"
    "mode, nrows = sys.argv[2], int(sys.argv[3])\n"
    "rows = [g for g in root.iter(ns + 'g') if g.get('class') == 'row']\n"
    "assert len(rows) == nrows, len(rows)\n"
    "assert [g.get('id') for g in rows] == ['conv-%d' % (i + 1) for i in "
    "range(nrows)], [g.get('id') for g in rows]\n"
    "for g in rows:\n"
    "    assert g.find(ns + 'text').text.startswith('#'), g\n"
    "title = ''.join(root.find(ns + 'text').itertext())\n"
    "srv = [[float(l.get('x1')) for l in g.iter(ns + 'line')\n"
    "        if l.get('class') == 'm3'] for g in rows]\n"
    "if mode == 'sequential':\n"
    "    assert 'in at most 1 at a time' in title, title\n"
    "    for a, b in zip(srv, srv[1:]): assert min(b) > max(a), (a, b)\n"
    "    waits = [float(r.get('width')) for g in rows for r in "
    "g.iter(ns + 'rect') if r.get('class') == 'wait']\n"
    "    assert max(waits) > 400, waits\n"
    "elif mode == 'concurrent':\n"
    "    assert 'in at most %d at a time' % nrows in title, title\n"
    "    for b in srv[1:]: assert min(b) < max(srv[0]), (srv[0], b)\n"
    "else:\n"
    "    foot = [t.text for t in root.iter(ns + 'text')]\n"
    "    assert any(t and t.startswith(mode) for t in foot), foot\n"
    "print(len(rows))\n";

static void
ls_timeline_svg_check(
    const char *pcap, const char *mode, int nrows, const char *svg)
{
	char *lsargv[] = {(char *)ls_bin(0), "-q", "--timeline", "--svg",
	    (char *)svg, "-r", (char *)pcap, NULL};
	char *xmlargv[] = {"xmllint", "--noout", (char *)svg, NULL};
	char rows[16];
	char *pyargv[] = {"python3", "-c", (char *)ls_tl_py, (char *)svg,
	    (char *)mode, rows, NULL};
	struct proc p;

	snprintf(rows, sizeof rows, "%d", nrows);
	ck_assert_int_eq(proc_run(&p, lsargv, LS_RUN_MS), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0 && p.err_len == 0,
	    "--timeline --svg: exit %d: %s", PROC_EXIT(&p), p.err);
	proc_free(&p);
	ck_assert_int_eq(proc_run(&p, xmlargv, LS_RUN_MS), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "%s: xmllint: %s", pcap, p.err);
	proc_free(&p);
	ck_assert_int_eq(proc_run(&p, pyargv, LS_RUN_MS), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "%s: the timeline SVG (%s): %s", pcap,
	    mode, p.err);
	proc_free(&p);
}

START_TEST(test_timeline_svg)
{
	static const char *const modes[] = {"sequential", "concurrent"};
	char pcap[256], name[64], svg[64];

	snprintf(name, sizeof name, "$PCAP/tcp-%s.pcap", modes[_i]);
	ls_pcap_path(pcap, sizeof pcap, name);
	snprintf(
	    svg, sizeof svg, "%s/ls-tl-%d.svg", kit_tmp(""), (int)getpid());
	ls_timeline_svg_check(pcap, modes[_i], 5, svg);
	unlink(svg);
}
END_TEST

/* 1000 conversations (mkpcap bulk-tcp: 10 packets each): 100 rows in
 * the text and in the SVG, the others counted. */
START_TEST(test_timeline_many)
{
	char pcap[64], svg[64];
	char *mkargv[] = {
	    (char *)kit_bin("mkpcap"), "bulk-tcp", "10000", pcap, NULL};
	char *lsargv[] = {(char *)ls_bin(_i), "--timeline", "-r", pcap, NULL};
	struct proc p;
	int rows = 0;
	const char *l;

	snprintf(
	    pcap, sizeof pcap, "%s/ls-tlm-%d.pcap", kit_tmp(""), (int)getpid());
	snprintf(
	    svg, sizeof svg, "%s/ls-tlm-%d.svg", kit_tmp(""), (int)getpid());
	ck_assert_int_eq(proc_run(&p, mkargv, LS_RUN_MS), 0);
	ck_assert_int_eq(PROC_EXIT(&p), 0);
	proc_free(&p);
	ck_assert_int_eq(proc_run(&p, lsargv, LS_RUN_MS), 0);
	unlink(pcap);
	ck_assert_msg(PROC_EXIT(&p) == 0 && p.err_len == 0, "exit %d: %s",
	    PROC_EXIT(&p), p.err);
	for (l = p.out; l != NULL && *l != '\0'; l = strchr(l, '\n'), l += !!l)
		rows += *l == '#';
	ck_assert_int_eq(rows, 100);
	ck_assert_msg(strstr(p.out, "timeline: 1000 conversations") &&
	                  strstr(p.out, "\n#100 TCP ") &&
	                  strstr(p.out, "(900 more conversations not drawn, "
	                                "#101 on from "),
	    "%.600s", p.out);
	proc_free(&p);
	if (_i == 0) { /* the SVG: 100 rows, the rest said */
		ck_assert_int_eq(proc_run(&p, mkargv, LS_RUN_MS), 0);
		proc_free(&p);
		ls_timeline_svg_check(
		    pcap, "900 more conversations not drawn", 100, svg);
		unlink(pcap);
		unlink(svg);
	}
}
END_TEST

/* A file whose packets go back in time (merged captures do): replies
 * stamped before the first request, a request 1 s after it.  The row
 * spans 0 (what came before the first packet) to 1 s; under the
 * sanitizers nothing is drawn out of bounds. */
static void
ls_write_backwards(const char *path)
{
	static const int32_t sec[] = {1, 0, 2, 0};
	pcap_t *dead = pcap_open_dead(DLT_RAW, 65535);
	pcap_dumper_t *d = pcap_dump_open(dead, path);
	int i;

	ck_assert_ptr_nonnull(d);
	for (i = 0; i < 4; i++) {
		uint8_t pkt[34] = {0x45, 0, 0, 34, [8] = 64, [9] = 17,
		    [12] = 127, [15] = 1, [16] = 127, [19] = 1, [25] = 14};
		struct pcap_pkthdr h = {{1700000000 + sec[i], 0}, 34, 34};
		int k = i % 2; /* 0: the request, 1: the reply */

		pkt[20 + 2 * k] = 0xc3, pkt[21 + 2 * k] = 0x50;
		pkt[22 - 2 * k] = 0x2e, pkt[23 - 2 * k] = 0xe0;
		memcpy(pkt + 28, k ? "PING 1" : "ping 1", 6);
		pcap_dump((u_char *)d, &h, pkt);
	}
	pcap_dump_close(d);
	pcap_close(dead);
}

START_TEST(test_timeline_backwards)
{
	char pcap[64], svg[64];
	char *argv[] = {
	    (char *)ls_bin(1), "--timeline", "--svg", svg, "-r", pcap, NULL};
	struct proc p;

	snprintf(
	    pcap, sizeof pcap, "%s/ls-tlb-%d.pcap", kit_tmp(""), (int)getpid());
	snprintf(
	    svg, sizeof svg, "%s/ls-tlb-%d.svg", kit_tmp(""), (int)getpid());
	ls_write_backwards(pcap);
	ck_assert_int_eq(proc_run(&p, argv, LS_RUN_MS), 0);
	unlink(pcap);
	unlink(svg);
	ck_assert_msg(PROC_EXIT(&p) == 0 && p.err_len == 0, "exit %d: %s",
	    PROC_EXIT(&p), p.err);
	ck_assert_msg(strstr(p.out, "timeline: 1 conversation from 0 to "
	                            "1.000000 s") != NULL &&
	                  strstr(p.out, "\n#1 UDP 127.0.0.1:50000 -> "
	                                "127.0.0.1:12000 |<") != NULL &&
	                  strstr(p.out, "->\n") != NULL,
	    "%s", p.out);
	proc_free(&p);
}
END_TEST

/* As wide as the terminal: the scale is exactly its width, no row
 * wider (a pseudo-terminal of 80 and of 150 columns). */
static const char ls_tty_py[] =
    "import fcntl, os, pty, struct, subprocess, sys, termios\n"
    "cols = int(sys.argv[1])\n"
    "m, s = pty.openpty()\n"
    "fcntl.ioctl(s, termios.TIOCSWINSZ, struct.pack('HHHH', 40, cols, 0, "
    "0))\n"
    "p = subprocess.Popen(sys.argv[2:], stdout=s)\n"
    "os.close(s)\n"
    "out = b''\n"
    "while True:\n"
    "    try: d = os.read(m, 65536)\n"
    "    except OSError: break\n"
    "    if not d: break\n"
    "    out += d\n"
    "assert p.wait() == 0\n"
    "lines = out.decode().replace('\\r\\n', '\\n').split('\\n')\n"
    "axis = [l for l in lines if l.lstrip().startswith('+-')]\n"
    "assert len(axis) == 1 and len(axis[0]) == cols, (cols, axis)\n"
    "rows = [l for l in lines if l.startswith('#')]\n"
    "assert len(rows) == 5 and max(map(len, rows)) <= cols, rows\n"
    "print(cols)\n";

START_TEST(test_timeline_tty)
{
	char pcap[256], cols[8];
	char *argv[] = {"python3", "-c", (char *)ls_tty_py, cols,
	    (char *)ls_bin(0), "--timeline", "-r", pcap, NULL};
	struct proc p;

	ls_pcap_path(pcap, sizeof pcap, "$PCAP/tcp-sequential.pcap");
	snprintf(cols, sizeof cols, "%d", _i == 0 ? 80 : 150);
	ck_assert_int_eq(proc_run(&p, argv, LS_RUN_MS), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "%s columns: %s", cols, p.err);
	proc_free(&p);
}
END_TEST

/* The ladder keeps hostile payloads on one line and escaped. */
START_TEST(test_ladder_nasty)
{
	char pcap[64];
	char *lsargv[] = {(char *)ls_bin(1), "--ladder", "-r", pcap, NULL};
	struct proc p;

	snprintf(
	    pcap, sizeof pcap, "%s/ls-lad-%d.pcap", kit_tmp(""), (int)getpid());
	ls_write_nasty(pcap);
	ck_assert_int_eq(proc_run(&p, lsargv, LS_RUN_MS), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "--ladder: %s", p.err);
	ck_assert_msg(strchr(p.out, '\x1b') == NULL, "escape byte printed raw");
	ck_assert_msg(
	    strstr(p.out, "\"\\x1b[31mred\\x1b[0m\\r\\n\\t\\x7f\"") != NULL,
	    "control bytes not escaped: %s", p.out);
	ck_assert_int_eq(ls_count(p.out, "|<"), 6);
	ck_assert_int_eq(ls_count(p.out, ">|"), 6);
	proc_free(&p);
	unlink(pcap);
}
END_TEST

/* --- every packet cut at every length, under the sanitizers --- */

/* Every pcap TESTLIST names, once each. */
static const char *ls_cut_pcaps[LS_MAX_GOLDEN];
static int ls_ncut;

static void
ls_unique_pcaps(void)
{
	int i, k;

	for (i = 0; i < ls_ngoldens; i++) {
		for (k = 0; k < ls_ncut; k++)
			if (strcmp(ls_cut_pcaps[k], ls_goldens[i].pcap) == 0)
				break;
		if (k == ls_ncut)
			ls_cut_pcaps[ls_ncut++] = ls_goldens[i].pcap;
	}
}

/* Writes every packet of src cut at every length; returns how many cut
 * copies are shorter than the original capture. */
static int
ls_write_cuts(const char *src, const char *dst)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *in = pcap_open_offline(src, err);
	pcap_dumper_t *d;
	struct pcap_pkthdr *h, c;
	const u_char *bytes;
	int shorter = 0;
	bpf_u_int32 cut;

	ck_assert_msg(in != NULL, "%s: %s", src, err);
	d = pcap_dump_open(in, dst);
	ck_assert_ptr_nonnull(d);
	while (pcap_next_ex(in, &h, &bytes) == 1)
		for (cut = 0; cut <= h->caplen; cut++) {
			c = *h;
			c.caplen = cut;
			pcap_dump((u_char *)d, &c, bytes);
			shorter += cut < h->caplen;
		}
	pcap_dump_close(d);
	pcap_close(in);
	return shorter;
}

START_TEST(test_truncated_everywhere)
{
	static const char *const modes[][3] = {{"-X", NULL}, {"--json", NULL},
	    {"--ladder", NULL}, {"-q", "--svg"}, {"--timeline", "--svg"}};
	char src[256], cuts[64], svg[64];
	struct proc p;
	int m, shorter;

	ck_assert_msg(ls_ncut > 0, "no pcap in " LS_TESTLIST);
	snprintf(src, sizeof src, "%s", ls_cut_pcaps[_i]);
	snprintf(cuts, sizeof cuts, "%s/ls-cuts-%d.pcap", kit_tmp(""),
	    (int)getpid());
	snprintf(
	    svg, sizeof svg, "%s/ls-cuts-%d.svg", kit_tmp(""), (int)getpid());
	shorter = ls_write_cuts(src, cuts);
	for (m = 0; m < (int)(sizeof modes / sizeof modes[0]); m++) {
		char *argv[] = {(char *)ls_bin(1), (char *)modes[m][0],
		    modes[m][1] ? (char *)modes[m][1] : "-r",
		    modes[m][1] ? svg : cuts, modes[m][1] ? "-r" : NULL, cuts,
		    NULL};

		ck_assert_int_eq(proc_run(&p, argv, LS_RUN_MS), 0);
		ck_assert_msg(PROC_EXIT(&p) == 0 && p.err_len == 0,
		    "%s cut, %s: exit %d: %s", src, modes[m][0], PROC_EXIT(&p),
		    p.err);
		if (m == 0) /* every cut copy shows a truncation mark */
			ck_assert_int_ge(ls_count(p.out, "(truncated by the "
			                                 "capture)"),
			    shorter);
		proc_free(&p);
	}
	unlink(cuts);
	unlink(svg);
}
END_TEST

/* --- arguments and broken files --- */

static const uint8_t ls_magic[] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0};

static void
ls_broken_files(const char *dir)
{
	uint8_t hdr[24] = {0}, rec[16 + 8] = {0};
	char path[256];
	uint8_t big[24 + 16 + 60];
	size_t len = 0;
	char *good;

	snprintf(path, sizeof path, "%s/bad-magic.pcap", dir);
	ls_write_file(path, "this is not a capture file at all, no", 37);
	snprintf(path, sizeof path, "%s/short-header.pcap", dir);
	ls_write_file(path, ls_magic, sizeof ls_magic);
	memcpy(hdr, ls_magic, sizeof ls_magic);
	hdr[16] = hdr[17] = hdr[18] = hdr[19] = 0xff; /* snaplen 4 GiB */
	hdr[20] = 1;
	snprintf(path, sizeof path, "%s/absurd-snaplen.pcap", dir);
	ls_write_file(path, hdr, sizeof hdr);
	hdr[16] = 0, hdr[17] = 0, hdr[18] = 4, hdr[19] = 0;
	rec[8] = 60, rec[12] = 60; /* says 60 bytes, holds 8 */
	memcpy(big, hdr, 24);
	memcpy(big + 24, rec, sizeof rec);
	snprintf(path, sizeof path, "%s/short-record.pcap", dir);
	ls_write_file(path, big, 24 + sizeof rec);
	/* a link type labsniff does not decode (802.11) */
	{
		pcap_t *dead = pcap_open_dead(DLT_IEEE802_11, 65535);
		pcap_dumper_t *d;

		snprintf(path, sizeof path, "%s/wifi.pcap", dir);
		d = pcap_dump_open(dead, path);
		ck_assert_ptr_nonnull(d);
		pcap_dump_close(d);
		pcap_close(dead);
	}
	/* a good file whose last record is cut in the middle */
	ls_pcap_path(path, sizeof path, "$PCAP/udp-ping.pcap");
	good = ls_slurp(path, &len);
	ck_assert_ptr_nonnull(good);
	snprintf(path, sizeof path, "%s/cut-file.pcap", dir);
	ls_write_file(path, good, len - 10);
	free(good);
}

static void
ls_rm_broken(const char *dir)
{
	static const char *const names[] = {"bad-magic", "short-header",
	    "absurd-snaplen", "short-record", "wifi", "cut-file"};
	char path[256];
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s.pcap", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static const struct {
	const char *args[8];
	int status;
	const char *err; /* in stderr */
	int err_lines;   /* lines on stderr */
} ls_arg_cases[] = {
    {.args = {"-c", "0"}, .status = 2, .err = "COUNT", .err_lines = 2},
    {.args = {"-c", "ten"}, .status = 2, .err = "COUNT", .err_lines = 2},
    {.args = {"--bogus"}, .status = 2, .err = "unknown option", .err_lines = 2},
    {.args = {"-r"}, .status = 2, .err = "needs a value", .err_lines = 2},
    {.args = {"-r", "$PCAP/udp-ping.pcap", "--exec", "true"},
        .status = 2,
        .err = "-r",
        .err_lines = 2},
    {.args = {"-i", "lo", "--exec", "true"},
        .status = 2,
        .err = "--exec",
        .err_lines = 2},
    {.args = {"--json", "--ladder", "-r", "$PCAP/udp-ping.pcap"},
        .status = 2,
        .err = "one",
        .err_lines = 2},
    {.args = {"-r", "$PCAP/udp-ping.pcap", "udp", "port"},
        .status = 2,
        .err = "bad filter",
        .err_lines = 1},
    {.args = {"-r", "$PCAP/udp-ping.pcap", "tcp", "and", "bogus"},
        .status = 2,
        .err = "bad filter",
        .err_lines = 1},
    {.args = {"-r", "/nonexistent/x.pcap"},
        .status = 1,
        .err = "x.pcap",
        .err_lines = 1},
    {.args = {"-r", "@/bad-magic.pcap"},
        .status = 1,
        .err = "bad-magic",
        .err_lines = 1},
    {.args = {"-r", "@/short-header.pcap"},
        .status = 1,
        .err = "short-header",
        .err_lines = 1},
    {.args = {"-r", "@/absurd-snaplen.pcap"},
        .status = 0,
        .err = "snapshot length 4294967295",
        .err_lines = 1},
    {.args = {"-r", "@/short-record.pcap"},
        .status = 1,
        .err = "short-record",
        .err_lines = 1},
    {.args = {"-r", "@/cut-file.pcap"},
        .status = 1,
        .err = "cut-file",
        .err_lines = 1},
    {.args = {"-r", "@/wifi.pcap"},
        .status = 1,
        .err = "not supported",
        .err_lines = 1},
    {.args = {"-r", "$PCAP/udp-ping.pcap", "--svg", "/nonexistent/x.svg"},
        .status = 1,
        .err = "x.svg",
        .err_lines = 1},
    {.args = {"-r", "$PCAP/udp-ping.pcap", "-w", "/nonexistent/x.pcap"},
        .status = 1,
        .err = "x.pcap",
        .err_lines = 1},
    /* --timeline and --conv N */
    {.args = {"--timeline", "--ladder", "-r", "$PCAP/udp-ping.pcap"},
        .status = 2,
        .err = "one",
        .err_lines = 2},
    {.args = {"--timeline", "--json", "-r", "$PCAP/udp-ping.pcap"},
        .status = 2,
        .err = "one",
        .err_lines = 2},
    {.args = {"--ladder", "--conv", "three", "-r", "$PCAP/udp-ping.pcap"},
        .status = 2,
        .err = "--conv",
        .err_lines = 2},
    {.args = {"--ladder", "--conv", "0", "-r", "$PCAP/udp-ping.pcap"},
        .status = 2,
        .err = "--conv",
        .err_lines = 2},
    {.args = {"--conv", "1", "-r", "$PCAP/udp-ping.pcap"},
        .status = 2,
        .err = "--conv",
        .err_lines = 2},
    {.args = {"--timeline", "--conv", "1", "-r", "$PCAP/udp-ping.pcap"},
        .status = 2,
        .err = "not --timeline",
        .err_lines = 2},
    {.args = {"--ladder", "--conv", "6", "-r", "$PCAP/tcp-concurrent.pcap"},
        .status = 2,
        .err = "--conv 6: no such conversation (the capture has 5",
        .err_lines = 1},
    {.args = {"-q", "--conv", "2", "--svg", "/nonexistent/x.svg", "-r",
         "$PCAP/tcp-concurrent.pcap"},
        .status = 1,
        .err = "x.svg",
        .err_lines = 1},
    {.args = {"--timeline", "--svg", "/nonexistent/x.svg", "-r",
         "$PCAP/udp-ping.pcap"},
        .status = 1,
        .err = "x.svg",
        .err_lines = 1},
    {.args = {"--help"}, .status = 0, .err = NULL, .err_lines = 0},
    {.args = {"--version"}, .status = 0, .err = NULL, .err_lines = 0},
    {.args = {"-r", "$PCAP/udp-ping.pcap", "-c", "3"},
        .status = 0,
        .err = NULL,
        .err_lines = 0},
};

START_TEST(test_arguments)
{
	char dir[64], paths[8][256];
	char *argv[12];
	struct proc p;
	int i, n = 0;

	snprintf(dir, sizeof dir, "%s/ls-args-%d", kit_tmp(""), (int)getpid());
	mkdir(dir, 0700);
	ls_broken_files(dir);
	argv[n++] = (char *)ls_bin(_i % 2);
	for (i = 0; i < 8 && ls_arg_cases[_i / 2].args[i] != NULL; i++) {
		const char *a = ls_arg_cases[_i / 2].args[i];

		if (a[0] == '@')
			snprintf(paths[i], sizeof paths[i], "%s%s", dir, a + 1);
		else if (a[0] == '$')
			ls_pcap_path(paths[i], sizeof paths[i], a);
		else
			snprintf(paths[i], sizeof paths[i], "%s", a);
		argv[n++] = paths[i];
	}
	argv[n] = NULL;
	ck_assert_int_eq(proc_run(&p, argv, LS_RUN_MS), 0);
	ck_assert_msg(PROC_EXIT(&p) == ls_arg_cases[_i / 2].status,
	    "%s %s: exit %d, want %d; stderr: %s", argv[1],
	    n > 2 ? argv[2] : "", PROC_EXIT(&p), ls_arg_cases[_i / 2].status,
	    p.err);
	ck_assert_int_eq(ls_count(p.err, "\n"), ls_arg_cases[_i / 2].err_lines);
	if (ls_arg_cases[_i / 2].err != NULL)
		ck_assert_msg(strstr(p.err, ls_arg_cases[_i / 2].err) != NULL,
		    "stderr '%s' does not name '%s'", p.err,
		    ls_arg_cases[_i / 2].err);
	if (ls_arg_cases[_i / 2].status == 2 &&
	    ls_arg_cases[_i / 2].err_lines == 2)
		ck_assert_msg(
		    strstr(p.err, "usage: labsniff") != NULL, "no usage line");
	if (ls_arg_cases[_i / 2].status == 0 && n == 2)
		ck_assert_msg(strstr(p.out, "labsniff") != NULL, "no text");
	proc_free(&p);
	ls_rm_broken(dir);
}
END_TEST

/* --- inputs tcpdump reads: stdin, a pipe, a FIFO, <(...) --- */

/* Each runs labsniff through a shell on one pcap ($P, with $L the
 * binary, $D a private folder); the output must be what -r FILE prints,
 * within the run's deadline (a second open of a FIFO hung for ever). */
static const char *const ls_input_cmds[] = {
    "exec \"$L\" -r - < \"$P\"",
    "cat \"$P\" | \"$L\" -r -",
    "mkfifo \"$D/fifo\" && { cat \"$P\" > \"$D/fifo\" & } && "
    "exec \"$L\" -r \"$D/fifo\"",
    "exec \"$L\" -r <(cat \"$P\")",
};

START_TEST(test_inputs)
{
	char pcap[256], dir[64], fifo[80];
	char *plain[] = {(char *)ls_bin(0), "-r", pcap, NULL};
	char *shell[] = {"bash", "-c", (char *)ls_input_cmds[_i], "sh", NULL};
	struct proc a, b;
	int ra, rb;

	ls_pcap_path(pcap, sizeof pcap, "$PCAP/tcp4-session.pcap");
	snprintf(dir, sizeof dir, "%s/ls-in-%d", kit_tmp(""), (int)getpid());
	snprintf(fifo, sizeof fifo, "%s/fifo", dir);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	setenv("L", ls_bin(0), 1);
	setenv("P", pcap, 1);
	setenv("D", dir, 1);
	ra = proc_run(&a, plain, LS_RUN_MS);
	rb = proc_run(&b, shell, LS_RUN_MS);
	unlink(fifo);
	rmdir(dir);
	ck_assert_int_eq(ra, 0);
	ck_assert_int_eq(rb, 0);
	ck_assert_msg(!b.timed_out, "%s: labsniff hung", ls_input_cmds[_i]);
	ck_assert_msg(PROC_EXIT(&b) == 0 && b.err_len == 0, "%s: exit %d: %s",
	    ls_input_cmds[_i], PROC_EXIT(&b), b.err);
	ck_assert_msg(strstr(b.out, "handshake 3/3") != NULL, "%s", b.out);
	ck_assert_str_eq(b.out, a.out);
	proc_free(&a);
	proc_free(&b);
}
END_TEST

/* An absurd snapshot length in the header: the packets, as tcpdump
 * prints them, and one warning line; exit status 0. */
START_TEST(test_absurd_snaplen)
{
	char pcap[256];
	char *argv[] = {(char *)ls_bin(_i), "-r", pcap, NULL};
	struct proc p;

	ls_pcap_path(pcap, sizeof pcap, "$PCAP/snaplen-absurd.pcap");
	ck_assert_int_eq(proc_run(&p, argv, LS_RUN_MS), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "exit %d: %s", PROC_EXIT(&p), p.err);
	ck_assert_int_eq(ls_count(p.err, "\n"), 1);
	ck_assert_msg(strstr(p.err, "labsniff: ") == p.err &&
	                  strstr(p.err, "snapshot length 2164523008") != NULL,
	    "%s", p.err);
	ck_assert_msg(strstr(p.out, "UDP len 6 \"PING 1\" -- reply to "
	                            "datagram #1") != NULL,
	    "%s", p.out);
	proc_free(&p);
}
END_TEST

/* --- make bench CORPUS=DIR: the comparison script itself --- */

/* Over the scenario pcaps it finds nothing to report; over a labsniff
 * that lies about one port (a wrapper) it names the packet and field. */
START_TEST(test_corpus_compare)
{
	char dir[64], fake[96], link[96], pcap[256], cmd[600];
	char scen[256];
	char *argv[] = {"python3", "capture/bench/corpus-compare.py",
	    _i == 0 ? (char *)ls_bin(0) : fake, _i == 0 ? scen : dir, NULL};
	struct proc p;
	FILE *f;

	snprintf(scen, sizeof scen, "%s/tests/pcap", ls_build());
	snprintf(dir, sizeof dir, "%s/ls-cc-%d", kit_tmp(""), (int)getpid());
	snprintf(fake, sizeof fake, "%s/labsniff", dir);
	snprintf(link, sizeof link, "%s/udp-ping.pcap", dir);
	if (_i == 1) {
		ck_assert_int_eq(mkdir(dir, 0700), 0);
		ls_pcap_path(pcap, sizeof pcap, "$PCAP/udp-ping.pcap");
		ck_assert_ptr_nonnull(realpath(pcap, cmd));
		ck_assert_int_eq(symlink(cmd, link), 0);
		ck_assert_ptr_nonnull(realpath(ls_bin(0), pcap));
		f = fopen(fake, "w");
		ck_assert_ptr_nonnull(f);
		fprintf(f,
		    "#!/bin/sh\n\"%s\" \"$@\" | "
		    "sed 's/\"dport\":12000/\"dport\":12001/'\n",
		    pcap);
		fclose(f);
		chmod(fake, 0700);
	}
	ck_assert_int_eq(proc_run(&p, argv, 4 * LS_RUN_MS), 0);
	if (_i == 1) {
		unlink(fake), unlink(link), rmdir(dir);
		ck_assert_msg(PROC_EXIT(&p) == 1, "exit %d: %s%s",
		    PROC_EXIT(&p), p.out, p.err);
		ck_assert_msg(strstr(p.out, "udp-ping.pcap") != NULL &&
		                  strstr(p.out, " dport    12001 ") != NULL &&
		                  strstr(p.out, "mismatches: 5 in 1 files"),
		    "%s", p.out);
	} else {
		ck_assert_msg(PROC_EXIT(&p) == 0, "exit %d: %s%s",
		    PROC_EXIT(&p), p.out, p.err);
		ck_assert_msg(strstr(p.out, "mismatches: 0 in 0 files") &&
		                  strstr(p.out, "labsniff only 0"),
		    "%s", p.out);
	}
	proc_free(&p);
}
END_TEST

/* --- the hand-written formatting against libc's --- */

static const uint8_t ls_v6_fixed[][16] = {
    {0},
    {[15] = 1},
    {0x20, 0x01, 0x0d, 0xb8, [15] = 1},
    {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1},
    {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1},
    {0xfe, 0x80, [8] = 0x12, 0x34, [15] = 0x01},
    {[10] = 0xff, 0xff, 127, 0, 0, 1},
    {[12] = 10, 0, 0, 1},
    {1, [15] = 0},
    {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff},
};

START_TEST(test_outbuf_addresses)
{
	char buf[64], want[INET6_ADDRSTRLEN];
	struct outbuf ob;
	uint8_t a[16];
	uint64_t x = 0x9e3779b97f4a7c15ull;
	size_t i, k;

	for (i = 0; i < 5000; i++) {
		if (i < sizeof ls_v6_fixed / sizeof ls_v6_fixed[0]) {
			memcpy(a, ls_v6_fixed[i], 16);
		} else { /* random groups, many of them zero */
			for (k = 0; k < 16; k += 2) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				a[k] = (x & 3) ? 0 : (uint8_t)(x >> 8);
				a[k + 1] = (x & 3) ? 0 : (uint8_t)(x >> 16);
			}
		}
		outbuf_mem(&ob, buf, sizeof buf);
		outbuf_ipv6(&ob, a);
		outbuf_putc(&ob, '\0');
		ck_assert_ptr_nonnull(
		    inet_ntop(AF_INET6, a, want, sizeof want));
		ck_assert_str_eq(buf, want);
		outbuf_mem(&ob, buf, sizeof buf);
		outbuf_ipv4(&ob, a + 4);
		outbuf_putc(&ob, '\0');
		ck_assert_str_eq(
		    buf, inet_ntop(AF_INET, a + 4, want, sizeof want));
	}
}
END_TEST

START_TEST(test_outbuf_numbers)
{
	static const uint64_t v[] = {0, 1, 9, 10, 99, 100, 999, 1000, 9999,
	    10000, 65535, 4294967295u, 1000000000000ull, UINT64_MAX};
	char buf[64], want[32];
	struct outbuf ob;
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		outbuf_mem(&ob, buf, sizeof buf);
		outbuf_u64(&ob, v[i]);
		outbuf_putc(&ob, '\0');
		snprintf(want, sizeof want, "%" PRIu64, v[i]);
		ck_assert_str_eq(buf, want);
		outbuf_mem(&ob, buf, sizeof buf);
		outbuf_u64w(&ob, v[i] % 100000, 8, ' ');
		outbuf_frac(&ob, v[i] % 1000000, 6);
		outbuf_putc(&ob, '\0');
		snprintf(want, sizeof want, "%8" PRIu64 "%06" PRIu64,
		    v[i] % 100000, v[i] % 1000000);
		ck_assert_str_eq(buf, want);
	}
	/* a memory buffer that overflows drops everything, never overruns */
	outbuf_mem(&ob, buf, 8);
	outbuf_puts(&ob, "0123456789abcdef");
	ck_assert_int_ne(ob.failed, 0);
	ck_assert_uint_le(ob.len, 8);
}
END_TEST

Suite *
labsniff_suite(void)
{
	Suite *s = suite_create("labsniff");
	TCase *tc;

	ls_load_testlist();
	ls_unique_pcaps();
	tc = tcase_create("core");
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_outbuf_addresses);
	tcase_add_test(tc, test_outbuf_numbers);
	suite_add_tcase(s, tc);

	tc = tcase_create("golden");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(
	    tc, test_golden, 0, ls_ngoldens > 0 ? 2 * ls_ngoldens : 1);
	suite_add_tcase(s, tc);

	tc = tcase_create("crosscheck");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_crosscheck_tcpdump, 0,
	    sizeof ls_cross_pcaps / sizeof ls_cross_pcaps[0]);
	tcase_add_loop_test(tc, test_hexdump_tcpdump, 0,
	    sizeof ls_hex_pcaps / sizeof ls_hex_pcaps[0]);
	suite_add_tcase(s, tc);

	tc = tcase_create("formats");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_json_parser, 0,
	    2 * (1 + (int)(sizeof ls_cross_pcaps / sizeof ls_cross_pcaps[0])));
	tcase_add_loop_test(tc, test_json_reasm, 0, 4);
	tcase_add_loop_test(tc, test_svg_xmllint, 0, 4);
	tcase_add_test(tc, test_svg_stray);
	tcase_add_loop_test(tc, test_corpus_compare, 0, 2);
	tcase_add_test(tc, test_ladder_nasty);
	tcase_add_loop_test(tc, test_timeline_svg, 0, 2);
	tcase_add_loop_test(tc, test_timeline_tty, 0, 2);
	tcase_add_test(tc, test_timeline_backwards);
	suite_add_tcase(s, tc);

	tc = tcase_create("many");
	tcase_set_timeout(tc, 90);
	tcase_add_loop_test(tc, test_timeline_many, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(
	    tc, test_truncated_everywhere, 0, ls_ncut > 0 ? ls_ncut : 1);
	tcase_add_loop_test(tc, test_arguments, 0,
	    2 * (int)(sizeof ls_arg_cases / sizeof ls_arg_cases[0]));
	tcase_add_loop_test(
	    tc, test_inputs, 0, sizeof ls_input_cmds / sizeof ls_input_cmds[0]);
	tcase_add_loop_test(tc, test_absurd_snaplen, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

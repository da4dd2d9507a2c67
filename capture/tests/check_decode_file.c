/*
 * Capture files: cap_file_open/cap_file_next on good files (pcap, the
 * modified pcap, pcapng; from a file, standard input, a FIFO or a pipe,
 * read once) and on broken ones (empty, bad magic, truncated header,
 * unsupported link type, cut records, absurd record length): each
 * failure is one clear line naming the file and the cause; an absurd
 * snapshot length is read as libpcap reads it, with one warning.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grader/testkit/harness.h"
#include "capture.h"

static char fd_dir[KIT_TMP_MAX];
static char fd_path[256];

static void
fd_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/* A pcap global header (little endian) and n records of 42 bytes. */
static size_t
fd_pcap(uint8_t *b, uint32_t snap, uint32_t lt, int n)
{
	size_t o = 24;
	int i;

	memset(b, 0, 24 + (size_t)n * 58);
	fd_le32(b, 0xa1b2c3d4);
	b[4] = 2, b[6] = 4;
	fd_le32(b + 16, snap);
	fd_le32(b + 20, lt);
	for (i = 0; i < n; i++, o += 58) {
		fd_le32(b + o, 1700000000);
		fd_le32(b + o + 8, 42);
		fd_le32(b + o + 12, 42);
		b[o + 16 + 12] = 0x08; /* ethertype IPv4, then a bad IP */
	}
	return o;
}

static const char *
fd_write(const void *b, size_t n)
{
	FILE *fp;

	if (fd_path[0] == '\0') {
		snprintf(
		    fd_dir, sizeof fd_dir, "%s", kit_tmp("capfile.XXXXXX"));
		ck_assert_ptr_nonnull(mkdtemp(fd_dir));
		snprintf(fd_path, sizeof fd_path, "%s/f.pcap", fd_dir);
	}
	fp = fopen(fd_path, "wb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(b, 1, n, fp), n);
	fclose(fp);
	return fd_path;
}

static void
fd_cleanup(void)
{
	if (fd_path[0] != '\0') {
		unlink(fd_path);
		rmdir(fd_dir);
	}
}

/* Opening fails with one line that names the file and says why. */
static void
fd_open_fails(const char *path, const char *why)
{
	char err[512];
	struct cap_file *f = cap_file_open(path, err, sizeof err);

	ck_assert_ptr_null(f);
	ck_assert_msg(strstr(err, why) != NULL, "'%s' not in '%s'", why, err);
	ck_assert_msg(strncmp(err, path, strlen(path)) == 0, "%s", err);
	ck_assert_ptr_null(strchr(err, '\n'));
}

START_TEST(test_broken_headers)
{
	uint8_t b[1024];
	size_t n;

	fd_open_fails(fd_write("", 0), "not a capture file: it is empty");
	fd_open_fails(fd_write("hello world, not a pcap", 23),
	    "not a pcap or pcapng file (bad magic number 0x68656c6c)");
	n = fd_pcap(b, 262144, 1, 0);
	fd_open_fails(fd_write(b, 10), "truncated pcap file header (10 of 24 "
	                               "bytes)");
	n = fd_pcap(b, 262144, 105, 1);
	fd_open_fails(fd_write(b, n), "link type 105 (IEEE802_11) is not "
	                              "supported");
	fd_open_fails("/nonexistent/dir/x.pcap", "No such file or directory");
	fd_cleanup();
}
END_TEST

/* An absurd snapshot length (lisp_invalid_length.pcap has 0x81040000):
 * libpcap reads the file as with its maximum; so do we, with a warning
 * that names the file and the number. */
START_TEST(test_absurd_snaplen)
{
	static const uint32_t snaps[] = {
	    0xffffffffu, 0x81040000u, 0x68090000u}; /* the last fits an int */
	uint8_t b[1024];
	char err[512];
	struct cap_file *f;
	struct cap_pkt p;
	const char *w;
	char want[64];
	size_t n = fd_pcap(b, snaps[_i], 1, 2);

	f = cap_file_open(fd_write(b, n), err, sizeof err);
	ck_assert_msg(f != NULL, "%s", err);
	w = cap_file_warning(f);
	ck_assert_ptr_nonnull(w);
	snprintf(want, sizeof want, "snapshot length %u", snaps[_i]);
	ck_assert_msg(
	    strstr(w, want) != NULL && strstr(w, fd_path) == w &&
	        strstr(w, _i < 2 ? "read as 262144" : "read on") != NULL,
	    "%s", w);
	ck_assert_ptr_null(strchr(w, '\n'));
	ck_assert_int_eq(cap_file_next(f, &p, err, sizeof err), 1);
	ck_assert_int_eq(cap_file_next(f, &p, err, sizeof err), 1);
	ck_assert_int_eq(cap_file_next(f, &p, err, sizeof err), 0);
	cap_file_close(f);
	n = fd_pcap(b, 262144, 1, 1); /* an ordinary one: no warning */
	f = cap_file_open(fd_write(b, n), err, sizeof err);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_null(cap_file_warning(f));
	cap_file_close(f);
	fd_cleanup();
}
END_TEST

/* Kuznetzov's modified pcap: magic 0xa1b2cd34, 24-byte record headers
 * (libpcap reads it; tcpdump's crafted/kuznetzov.pcap is one). */
START_TEST(test_modified_pcap)
{
	uint8_t b[1024], m[1024];
	char err[512];
	struct cap_file *f;
	struct cap_pkt p;
	size_t n = fd_pcap(b, 262144, 1, 2), i, o = 24;

	memcpy(m, b, 24);
	fd_le32(m, 0xa1b2cd34);
	for (i = 24; i < n; i += 58, o += 66) {
		memcpy(m + o, b + i, 16);
		memset(m + o + 16, 0, 8);
		m[o + 16] = 1; /* ifindex */
		memcpy(m + o + 24, b + i + 16, 42);
	}
	f = cap_file_open(fd_write(m, o), err, sizeof err);
	ck_assert_msg(f != NULL, "%s", err);
	ck_assert_int_eq(cap_file_next(f, &p, err, sizeof err), 1);
	ck_assert_uint_eq(p.caplen, 42);
	ck_assert_str_eq(p.bad, "IP 0"); /* the record, not the extra bytes */
	ck_assert_int_eq(cap_file_next(f, &p, err, sizeof err), 1);
	ck_assert_int_eq(cap_file_next(f, &p, err, sizeof err), 0);
	cap_file_close(f);
	fd_cleanup();
}
END_TEST

/* The same file through standard input ("-"), a FIFO and a pipe named
 * /dev/fd/N (bash's <(...)): read once, every packet there.  A writer
 * child feeds the FIFO and the pipe in small pieces. */
static void
fd_feed(int fd, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i += 7) /* pieces smaller than a file header */
		if (write(fd, b + i, n - i < 7 ? n - i : 7) < 0)
			_exit(1);
	_exit(0);
}

START_TEST(test_inputs)
{
	uint8_t b[1024];
	char err[512], path[300];
	struct cap_file *f;
	struct cap_pkt p;
	size_t n = fd_pcap(b, 262144, 1, 3);
	int fds[2], k = 0, r, status;
	pid_t pid = -1;

	fd_write(b, n); /* makes fd_dir */
	if (_i == 0) {  /* -r - < file */
		int in = open(fd_path, O_RDONLY);

		ck_assert_int_ge(in, 0);
		ck_assert_int_eq(dup2(in, STDIN_FILENO), STDIN_FILENO);
		close(in);
		snprintf(path, sizeof path, "-");
	} else if (_i == 1) { /* a FIFO */
		snprintf(path, sizeof path, "%s/fifo", fd_dir);
		ck_assert_int_eq(mkfifo(path, 0600), 0);
		pid = fork();
		if (pid == 0) {
			int w = open(path, O_WRONLY);

			fd_feed(w, b, n);
		}
	} else { /* a pipe, as /dev/fd/N */
		ck_assert_int_eq(pipe(fds), 0);
		pid = fork();
		if (pid == 0) {
			close(fds[0]);
			fd_feed(fds[1], b, n);
		}
		close(fds[1]);
		snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
	}
	f = cap_file_open(path, err, sizeof err);
	r = -1;
	while (f != NULL && (r = cap_file_next(f, &p, err, sizeof err)) == 1)
		k++;
	cap_file_close(f);
	if (pid > 0 && (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)))
		status = -1;
	if (_i == 1) /* clean up first: a failure leaves nothing behind */
		unlink(path);
	if (_i == 2)
		close(fds[0]);
	fd_cleanup();
	ck_assert_msg(f != NULL && r == 0, "%s", err);
	ck_assert_int_eq(k, 3);
	ck_assert(pid < 0 || (status != -1 && WEXITSTATUS(status) == 0));
}
END_TEST

/* Records: a good one, then one the file ends inside. */
START_TEST(test_broken_records)
{
	static const size_t cuts[] = {9, 30}; /* in the header, the data */
	uint8_t b[1024];
	char err[512];
	struct cap_pkt p;
	struct cap_file *f;
	size_t n = fd_pcap(b, 262144, 1, 2);

	f = cap_file_open(fd_write(b, n - 58 + cuts[_i]), err, sizeof err);
	ck_assert_msg(f != NULL, "%s", err);
	ck_assert_int_eq(cap_file_linktype(f), 1);
	ck_assert_ptr_nonnull(cap_file_pcap(f));
	ck_assert_int_eq(cap_file_next(f, &p, err, sizeof err), 1);
	ck_assert_uint_eq(p.caplen, 42);
	ck_assert_str_eq(p.bad, "IP 0"); /* what the record held */
	ck_assert_int_eq(cap_file_next(f, &p, err, sizeof err), -1);
	ck_assert_msg(
	    strstr(err, "the file ends inside packet 2") != NULL, "%s", err);
	ck_assert_ptr_null(strchr(err, '\n'));
	cap_file_close(f);
	/* A record claiming 2 GB: refused by libpcap, named by us. */
	n = fd_pcap(b, 262144, 1, 1);
	fd_le32(b + 24 + 8, 0x7fffffff);
	f = cap_file_open(fd_write(b, n), err, sizeof err);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(cap_file_next(f, &p, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "packet 1: ") != NULL, "%s", err);
	cap_file_close(f);
	fd_cleanup();
}
END_TEST

/* A pcapng file (section, interface, one enhanced packet block) reads
 * like the pcap it came from. */
START_TEST(test_pcapng)
{
	uint8_t b[512];
	char err[512];
	struct cap_file *f;
	struct cap_pkt p;
	size_t o;
	uint8_t frame[48];

	f = cap_file_open(kit_bin("tests/pcap/udp-ping.pcap"), err, sizeof err);
	ck_assert_msg(f != NULL, "%s", err);
	ck_assert_int_eq(cap_file_next(f, &p, err, sizeof err), 1);
	ck_assert_uint_eq(p.caplen, 48);
	memcpy(frame, p.data, 48);
	cap_file_close(f);
	memset(b, 0, sizeof b);
	fd_le32(b, 0x0a0d0d0a), fd_le32(b + 4, 28), fd_le32(b + 8, 0x1a2b3c4d);
	b[12] = 1;
	memset(b + 16, 0xff, 8);
	fd_le32(b + 24, 28);
	fd_le32(b + 28, 1), fd_le32(b + 32, 20), b[36] = 1;
	fd_le32(b + 40, 262144), fd_le32(b + 44, 20);
	o = 48;
	fd_le32(b + o, 6), fd_le32(b + o + 4, 32 + 48);
	fd_le32(b + o + 12, (uint32_t)((1700000000ull * 1000000 + 50) >> 32));
	fd_le32(b + o + 16, (uint32_t)(1700000000ull * 1000000 + 50));
	fd_le32(b + o + 20, 48), fd_le32(b + o + 24, 48);
	memcpy(b + o + 28, frame, 48);
	fd_le32(b + o + 76, 32 + 48);
	f = cap_file_open(fd_write(b, o + 80), err, sizeof err);
	ck_assert_msg(f != NULL, "%s", err);
	ck_assert_int_eq(cap_file_next(f, &p, err, sizeof err), 1);
	ck_assert_int_eq(p.tp, CAP_TP_UDP);
	ck_assert_uint_eq(p.dport, 12000);
	ck_assert_uint_eq(p.ts.tv_sec, 1700000000);
	ck_assert_uint_eq(p.ts.tv_usec, 50);
	ck_assert_int_eq(cap_file_next(f, &p, err, sizeof err), 0);
	cap_file_close(f);
	fd_cleanup();
}
END_TEST

Suite *
decode_file_suite(void)
{
	Suite *s = suite_create("decode_file");
	TCase *tc = tcase_create("malformed");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_broken_headers);
	tcase_add_loop_test(tc, test_broken_records, 0, 2);
	tcase_add_test(tc, test_pcapng);
	tcase_add_loop_test(tc, test_absurd_snaplen, 0, 3);
	tcase_add_test(tc, test_modified_pcap);
	tcase_add_loop_test(tc, test_inputs, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}

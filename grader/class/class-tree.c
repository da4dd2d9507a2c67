/*
 * The output tree class mode writes into, and nothing else: created by
 * the grader (0700 when root), every file opened relative to its
 * directory fd without following links; a submission folder is only
 * ever read, a source at a time, never trusted for grader state.
 */
#define _GNU_SOURCE /* getrandom(), O_DIRECTORY/O_NOFOLLOW with -std=c11 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "class.h"
#include "param.h"
#include "report.h"
#include "rubric.h"

static int
tree_err(char *err, size_t errlen, const char *what, const char *why)
{
	snprintf(err, errlen, "%s: %s", what, why);
	return -1;
}

/* path with its parent folder resolved: where it really is. */
static int
tree_resolve(const char *path, char *buf, size_t len)
{
	char copy[PATH_MAX], parent[PATH_MAX];
	char *slash;

	snprintf(copy, sizeof copy, "%s", path);
	while (strlen(copy) > 1 && copy[strlen(copy) - 1] == '/')
		copy[strlen(copy) - 1] = '\0';
	slash = strrchr(copy, '/');
	if (slash == NULL) {
		if (realpath(".", parent) == NULL)
			return -1;
		return snprintf(buf, len, "%s/%s", parent, copy) < (int)len
		           ? 0
		           : -1;
	}
	*slash = '\0';
	if (realpath(copy[0] != '\0' ? copy : "/", parent) == NULL)
		return -1;
	return snprintf(buf, len, "%s/%s",
	           strcmp(parent, "/") == 0 ? "" : parent, slash + 1) < (int)len
	           ? 0
	           : -1;
}

static int
tree_inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 &&
	       (path[n] == '/' || path[n] == '\0');
}

/* The tree: OUT, or ROOT/../<ROOT's name>-labgrade. */
int
class_tree_open(const char *root, const char *out, char *path, size_t pathlen,
    char *err, size_t errlen)
{
	char rr[PATH_MAX], full[PATH_MAX];
	struct stat sb;
	int fd;

	if (realpath(root, rr) == NULL)
		return tree_err(err, errlen, root, strerror(errno));
	if (out != NULL)
		snprintf(path, pathlen, "%s", out);
	else if (strcmp(rr, "/") == 0)
		return tree_err(err, errlen, root, "give --out DIR");
	else
		snprintf(path, pathlen, "%s-labgrade", rr);
	if (tree_resolve(path, full, sizeof full) < 0)
		return tree_err(err, errlen, path, strerror(errno));
	if (tree_inside(full, rr))
		return tree_err(err, errlen, path,
		    "inside the class folder: the output tree must be "
		    "out of the submissions' reach (--out DIR elsewhere)");
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return tree_err(err, errlen, path, strerror(errno));
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return tree_err(err, errlen, path,
		    errno == ELOOP || errno == ENOTDIR
		        ? "not a folder (a symbolic link is refused)"
		        : strerror(errno));
	if (fstat(fd, &sb) < 0 || sb.st_uid != geteuid() ||
	    (sb.st_mode & 022) != 0) {
		close(fd);
		return tree_err(err, errlen, path,
		    "not ours alone (another owner, or writable by "
		    "others): refused as the grader's output tree");
	}
	if (geteuid() == 0 && fchmod(fd, 0700) < 0) {
		close(fd);
		return tree_err(err, errlen, path, strerror(errno));
	}
	if (mkdirat(fd, "students", 0700) < 0 && errno != EEXIST) {
		close(fd);
		return tree_err(err, errlen, path, strerror(errno));
	}
	return fd;
}

/* OUT/secret: 32 random bytes, 0600, made once per tree. */
int
class_tree_secret(
    int outfd, unsigned char key[CLASS_SECRET_LEN], char *err, size_t errlen)
{
	struct stat sb;
	ssize_t n;
	int fd;

	fd = openat(outfd, "secret",
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0) {
		n = getrandom(key, CLASS_SECRET_LEN, 0);
		if (n != CLASS_SECRET_LEN ||
		    write(fd, key, CLASS_SECRET_LEN) != CLASS_SECRET_LEN) {
			close(fd);
			unlinkat(outfd, "secret", 0);
			return tree_err(
			    err, errlen, "secret", "could not make it");
		}
		return close(fd);
	}
	if (errno != EEXIST)
		return tree_err(err, errlen, "secret", strerror(errno));
	fd = openat(outfd, "secret", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_uid != geteuid() || (sb.st_mode & 077) != 0 ||
	    sb.st_size != CLASS_SECRET_LEN ||
	    read(fd, key, CLASS_SECRET_LEN) != CLASS_SECRET_LEN) {
		if (fd >= 0)
			close(fd);
		return tree_err(err, errlen, "secret",
		    "not a 32-byte file of ours, mode 0600: remove it (the "
		    "cache starts again)");
	}
	close(fd);
	return 0;
}

void
class_safe_name(const char *name, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t n = 0;

	for (; *p != '\0' && n + 4 < len && n < CLASS_SAFE_MAX; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		    (*p == '.' && p != (const unsigned char *)name))
			buf[n++] = (char)*p;
		else
			n += (size_t)snprintf(buf + n, len - n, "%%%02X", *p);
	}
	buf[n] = '\0';
	if (*p != '\0' && len > 20) {
		/* too long to encode whole: a hash keeps it distinct */
		if (n + 18 >= len)
			n = len - 19;
		snprintf(buf + n, len - n, "~%016llx",
		    (unsigned long long)grade_hash64(0, name, strlen(name)));
	}
}

struct show_out {
	char *buf;
	size_t len, n;
};

static void
show_put(struct show_out *o, const char *s, size_t k)
{
	if (o->n + k + 1 > o->len)
		return;
	memcpy(o->buf + o->n, s, k);
	o->n += k;
	o->buf[o->n] = '\0';
}

static void
show_cp(void *ctx, uint32_t c)
{
	struct show_out *o = ctx;
	char b[8];

	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
		snprintf(b, sizeof b, "\\x%02x", (unsigned)c);
		show_put(o, b, 4);
	} else if (c == '\\') {
		show_put(o, "\\\\", 2);
	} else if (c < 0x80) {
		b[0] = (char)c;
		show_put(o, b, 1);
	} else if (c < 0x800) {
		b[0] = (char)(0xc0 | (c >> 6));
		b[1] = (char)(0x80 | (c & 0x3f));
		show_put(o, b, 2);
	} else if (c < 0x10000) {
		b[0] = (char)(0xe0 | (c >> 12));
		b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		show_put(o, b, 3);
	} else {
		b[0] = (char)(0xf0 | (c >> 18));
		b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[3] = (char)(0x80 | (c & 0x3f));
		show_put(o, b, 4);
	}
}

void
class_show_name(const char *name, char *buf, size_t len)
{
	struct show_out o = {buf, len, 0};

	if (len > 0)
		buf[0] = '\0';
	report_utf8_clean(name, show_cp, &o);
}

static void
stage_refuse(struct class_src *s, const char *fmt, const char *arg)
{
	s->state = 2;
	snprintf(s->why, sizeof s->why, fmt, arg);
}

static const char *
stage_kind(mode_t m)
{
	return S_ISFIFO(m)                ? "a FIFO"
	       : S_ISDIR(m)               ? "a folder"
	       : S_ISSOCK(m)              ? "a socket"
	       : S_ISCHR(m) || S_ISBLK(m) ? "a device"
	                                  : "not a regular file";
}

/* One source: opened without following a link and without blocking (a
 * FIFO), a regular file of at most CLASS_SOURCE_MAX bytes (a sparse
 * 20 GB file is refused by its size, never read). */
static void
stage_one(int dirfd, struct class_src *s)
{
	struct stat sb;
	ssize_t r;
	size_t cap = CLASS_SOURCE_MAX + 1;
	int fd;

	fd = openat(dirfd, s->name,
	    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			s->state = 1;
		else
			stage_refuse(s, "%s",
			    errno == ELOOP ? "a symbolic link"
			                   : strerror(errno));
		return;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		stage_refuse(s, "%s", stage_kind(sb.st_mode));
	} else if (sb.st_size > CLASS_SOURCE_MAX) {
		stage_refuse(s, "%s", "larger than 256 KiB");
	} else if ((s->data = malloc(cap)) == NULL) {
		stage_refuse(s, "%s", "out of memory");
	} else {
		s->mtime = (long long)sb.st_mtime;
		while (s->len < cap &&
		       ((r = read(fd, s->data + s->len, cap - s->len)) > 0 ||
		           (r < 0 && errno == EINTR)))
			s->len += r > 0 ? (size_t)r : 0;
		if (s->len > CLASS_SOURCE_MAX)
			stage_refuse(s, "%s", "larger than 256 KiB");
	}
	if (s->state != 0) {
		free(s->data);
		s->data = NULL;
		s->len = 0;
	}
	close(fd);
}

int
class_stage_read(int dirfd, const char *const *srcs, struct class_stage *st)
{
	size_t i;

	memset(st, 0, sizeof *st);
	for (i = 0; srcs[i] != NULL && i < CLASS_NSRC; i++) {
		st->src[i].name = srcs[i];
		stage_one(dirfd, &st->src[i]);
		st->present += st->src[i].state != 1;
		if (st->src[i].state == 0 && st->src[i].mtime > st->newest)
			st->newest = st->src[i].mtime;
	}
	st->n = i;
	return 0;
}

static void
key_add(unsigned char **buf, size_t *len, size_t *cap, const void *p, size_t n)
{
	unsigned char *b;

	if (n == 0 || (*buf == NULL && *len > 0))
		return; /* nothing, or an earlier allocation failed */
	if (*len + n > *cap) {
		*cap = (*len + n) * 2;
		b = realloc(*buf, *cap);
		if (b == NULL) {
			free(*buf);
			*buf = NULL;
			return;
		}
		*buf = b;
	}
	memcpy(*buf + *len, p, n);
	*len += n;
}

/* HMAC-SHA256 (OpenSSL's libcrypto) under the tree's secret over the
 * context (lab, version, rubric, seed) and every source's name, state,
 * length and bytes: a key no submission can compute. */
void
class_stage_key(const struct class_stage *st,
    const unsigned char secret[CLASS_SECRET_LEN], const char *ctx,
    size_t ctxlen, char hex[CLASS_KEY_HEX])
{
	unsigned char *buf = NULL, md[EVP_MAX_MD_SIZE], hdr[9];
	size_t len = 0, cap = 0, i, k;
	unsigned mdlen = 0;

	key_add(&buf, &len, &cap, ctx, ctxlen);
	for (i = 0; i < st->n; i++) {
		const struct class_src *s = &st->src[i];

		key_add(&buf, &len, &cap, s->name, strlen(s->name) + 1);
		hdr[0] = (unsigned char)s->state;
		for (k = 0; k < 8; k++)
			hdr[1 + k] =
			    (unsigned char)((uint64_t)s->len >> (8 * k));
		key_add(&buf, &len, &cap, hdr, sizeof hdr);
		key_add(&buf, &len, &cap, s->data, s->len);
	}
	hex[0] = '\0';
	if (buf == NULL || HMAC(EVP_sha256(), secret, CLASS_SECRET_LEN, buf,
	                       len, md, &mdlen) == NULL)
		mdlen = 0; /* an empty key matches nothing */
	for (k = 0; k < mdlen && 2 * k + 2 < CLASS_KEY_HEX; k++)
		snprintf(hex + 2 * k, 3, "%02x", md[k]);
	free(buf);
}

int
class_stage_write(const struct class_stage *st, int dirfd)
{
	size_t i;
	int fd, rc = 0;

	for (i = 0; i < st->n; i++) {
		const struct class_src *s = &st->src[i];

		if (s->state != 0)
			continue;
		fd = openat(dirfd, s->name,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, s->data, s->len) != (ssize_t)s->len)
			rc = -1;
		if (fd >= 0)
			close(fd);
	}
	return rc;
}

void
class_stage_free(struct class_stage *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		free(st->src[i].data);
	memset(st, 0, sizeof *st);
}

int
class_rm_tree(int at, const char *name)
{
	struct dirent *d;
	struct stat sb;
	DIR *dir;
	int fd;

	if (fstatat(at, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(sb.st_mode))
		return unlinkat(at, name, 0);
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((d = readdir(dir)) != NULL)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			class_rm_tree(dirfd(dir), d->d_name);
	closedir(dir);
	return unlinkat(at, name, AT_REMOVEDIR);
}

int
class_write_file(int dirfd, const char *name, const char *text, size_t n)
{
	char tmp[NAME_MAX + 1];
	ssize_t w;
	size_t off = 0;
	int fd;

	snprintf(tmp, sizeof tmp, ".%s.tmp", name);
	if (unlinkat(dirfd, tmp, 0) < 0 && errno != ENOENT)
		return -1;
	fd = openat(dirfd, tmp,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	while (off < n && ((w = write(fd, text + off, n - off)) > 0 ||
	                      (w < 0 && errno == EINTR)))
		off += w > 0 ? (size_t)w : 0;
	if (close(fd) < 0 || off < n) {
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	return renameat(dirfd, tmp, dirfd, name);
}

char *
class_read_file(int dirfd, const char *name, size_t max, size_t *n)
{
	struct stat sb;
	char *buf = NULL;
	ssize_t r;
	size_t len = 0;
	int fd;

	fd = openat(dirfd, name,
	    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (size_t)sb.st_size <= max &&
	    (buf = malloc((size_t)sb.st_size + 1)) != NULL) {
		while (
		    len < (size_t)sb.st_size &&
		    ((r = read(fd, buf + len, (size_t)sb.st_size - len)) > 0 ||
		        (r < 0 && errno == EINTR)))
			len += r > 0 ? (size_t)r : 0;
		buf[len] = '\0';
	}
	close(fd);
	if (n != NULL)
		*n = len;
	return buf;
}

/*
 * Root inside a new user namespace, mapped to our own uid and gid
 * (interface in userns.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "userns.h"

static int
userns_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	if (close(fd) < 0)
		return -1;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

int
userns_map_self(uid_t uid, gid_t gid)
{
	char map[64];

	/* setgroups must be denied before an unprivileged gid_map write
	 * (Linux 3.19 on; older kernels have no such file). */
	if (userns_write("/proc/self/setgroups", "deny") < 0 && errno != ENOENT)
		return -1;
	snprintf(map, sizeof map, "0 %lu 1\n", (unsigned long)uid);
	if (userns_write("/proc/self/uid_map", map) < 0)
		return -1;
	snprintf(map, sizeof map, "0 %lu 1\n", (unsigned long)gid);
	return userns_write("/proc/self/gid_map", map);
}

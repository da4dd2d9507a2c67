/*
 * The cell's namespaces: a user namespace when not root, then network,
 * mount and PID namespaces; lo up with two documentation addresses, a
 * private /etc/hosts and /tmp, and our small init as PID 1.
 */
#define _GNU_SOURCE /* unshare(), CLONE_NEW*, close_range(), signalfd() */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture/userns.h"
#include "cell.h"
#include "cell-ns.h"

#define CELL_HOSTS "127.0.0.1\tlocalhost\n::1\tlocalhost\n"

/* Set once this process has unshared its PID namespace (see below). */
static int cell_pidns_entered;

/*
 * LeakSanitizer's hook (SAN=1 builds; unused otherwise).  Its leak check
 * at exit clones a tracer process, which here would be born in the
 * cell's PID namespace, unable to see us, and would wait for ever: a
 * process that opened a namespaced cell exits without the leak check.
 */
int __lsan_is_turned_off(void);

int
__lsan_is_turned_off(void)
{
	return cell_pidns_entered;
}

static int
write_file(const char *path, const char *text)
{
	int fd, rc = -1;
	size_t n = strlen(text);

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write(fd, text, n) == (ssize_t)n)
		rc = 0;
	if (close(fd) < 0)
		rc = -1;
	return rc;
}

static int
lo_up(void)
{
	struct ifreq ifr;
	int fd, rc = -1;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return rc;
}

static void
nl_attr(struct nlmsghdr *nh, int type, const void *data, size_t len)
{
	struct rtattr *rta;

	rta = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));
	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* Read the kernel's answer to one request: 0 if it acknowledged it. */
static int
nl_ack(int fd)
{
	char buf[1024];
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	struct nlmsgerr *e;
	ssize_t n;

	n = recv(fd, buf, sizeof buf, 0);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof *e) ||
	    nh->nlmsg_type != NLMSG_ERROR)
		return errno = EPROTO, -1;
	e = NLMSG_DATA(nh);
	if (e->error != 0)
		return errno = -e->error, -1;
	return 0;
}

/* RTM_NEWADDR: add addr/prefix on interface ifindex (as `ip addr add`). */
static int
nl_add_addr(int fd, int ifindex, int family, const char *text, int prefix)
{
	struct {
		struct nlmsghdr nh;
		struct ifaddrmsg ifa;
		char attrs[64];
	} req;
	unsigned char addr[16];
	size_t alen = family == AF_INET ? 4 : 16;

	if (inet_pton(family, text, addr) != 1)
		return errno = EINVAL, -1;
	memset(&req, 0, sizeof req);
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof req.ifa);
	req.nh.nlmsg_type = RTM_NEWADDR;
	req.nh.nlmsg_flags =
	    NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	req.nh.nlmsg_seq = 1;
	req.ifa.ifa_family = family;
	req.ifa.ifa_prefixlen = prefix;
	/* No duplicate address detection: usable at once, never tentative. */
	req.ifa.ifa_flags = family == AF_INET6 ? IFA_F_NODAD : 0;
	req.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	req.ifa.ifa_index = ifindex;
	if (family == AF_INET)
		nl_attr(&req.nh, IFA_LOCAL, addr, alen);
	nl_attr(&req.nh, IFA_ADDRESS, addr, alen);
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		return -1;
	return nl_ack(fd);
}

/*
 * lo up, plus 192.0.2.1/32 and 2001:db8::1/128 (documentation ranges,
 * never a destination) on lo itself.  glibc's AI_ADDRCONFIG counts only
 * non-loopback addresses, so with lo alone getaddrinfo would refuse
 * 127.0.0.1 or ::1 (and with an IPv4 one only, refuse ::1).  A dummy
 * interface would be the textbook home for them, but this kernel has no
 * dummy module: lo carries them, which AI_ADDRCONFIG accepts as well.
 */
static int
ns_net(struct cell *c)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	int fd, rc = -1;

	if (lo_up() < 0)
		return -1;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
	    nl_add_addr(fd, 1, AF_INET, CELL_ADDR4, 32) == 0) {
		rc = 0;
		/* A kernel booted with ipv6.disable=1 has none to give:
		 * the cell goes without (c->ipv6 says so). */
		c->ipv6 = nl_add_addr(fd, 1, AF_INET6, CELL_ADDR6, 128) == 0;
		if (!c->ipv6 && errno != EAFNOSUPPORT && errno != EACCES)
			rc = -1;
	}
	close(fd);
	return rc;
}

/*
 * The folders that must stay visible when the private /tmp hides the
 * real one: the kit may itself live under /tmp (a clone there, as CI
 * may make), and then the programs the cell runs (labpeer, the test
 * programs) and relative paths from the working folder live there too.
 * Before the tmpfs goes on, each is held open by an O_PATH descriptor;
 * after, the same path is made in the new /tmp and the old folder is
 * bound onto it.  Only these subtrees show through, never the rest.
 */
struct ns_keep {
	char path[PATH_MAX];
	int fd;
};

static int
ns_under_tmp(const char *path)
{
	return strncmp(path, "/tmp/", 5) == 0;
}

/* The working folder and the folder of our own program, when under /tmp
 * (the working folder first: it usually holds the other). */
static int
ns_keep_open(struct ns_keep keep[2])
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;
	int k = 0;

	if (getcwd(keep[k].path, sizeof keep[k].path) != NULL &&
	    ns_under_tmp(keep[k].path))
		k++;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash != NULL && slash != exe)
			*slash = '\0';
		if (ns_under_tmp(exe) &&
		    (k == 0 || strncmp(exe, keep[0].path,
		                   strlen(keep[0].path)) != 0)) {
			memcpy(keep[k].path, exe, (size_t)n + 1);
			k++;
		}
	}
	for (int i = 0; i < k; i++) {
		keep[i].fd =
		    open(keep[i].path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (keep[i].fd < 0) {
			while (i-- > 0)
				close(keep[i].fd);
			return -1;
		}
	}
	return k;
}

/* mkdir -p for a path inside the new /tmp. */
static int
ns_mkdirs(const char *path)
{
	char p[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof p) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(p, path, n + 1);
	for (char *s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static int
ns_keep_bind(struct ns_keep keep[2], int k)
{
	char src[64];
	int rc = 0;

	for (int i = 0; i < k; i++) {
		snprintf(src, sizeof src, "/proc/self/fd/%d", keep[i].fd);
		if (rc == 0 && (ns_mkdirs(keep[i].path) < 0 ||
		                   mount(src, keep[i].path, NULL,
		                       MS_BIND | MS_REC, NULL) < 0))
			rc = -1;
		close(keep[i].fd);
	}
	return rc;
}

/* A private /tmp (the cell dir lives in it) and our own /etc/hosts. */
static int
ns_mounts(struct cell *c)
{
	char opts[64], hosts[PATH_MAX + 8];
	struct ns_keep keep[2];
	int k;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	if ((k = ns_keep_open(keep)) < 0)
		return -1;
	snprintf(opts, sizeof opts, "mode=1777,size=%dm", CELL_TMP_MB);
	if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0) {
		for (int i = 0; i < k; i++)
			close(keep[i].fd);
		return -1;
	}
	if (ns_keep_bind(keep, k) < 0)
		return -1;
	snprintf(c->dir, sizeof c->dir, "/tmp/cell");
	if (mkdir(c->dir, 0755) < 0 || chmod(c->dir, 0755) < 0)
		return -1;
	snprintf(hosts, sizeof hosts, "%s/hosts", c->dir);
	if (write_file(hosts, CELL_HOSTS) < 0)
		return -1;
	return mount(hosts, "/etc/hosts", NULL, MS_BIND, NULL);
}

/*
 * Kill every process of the namespace but us, and reap them: the owner
 * has already ended its own children (the runs), so all that is left
 * are orphans, which are ours.  When this returns they are gone, their
 * ports with them.  A few rounds, for forks that raced the first kill.
 */
static void
init_kill_all(void)
{
	int i;

	for (i = 0; i < CELL_KILL_ROUNDS; i++) {
		if (kill(-1, SIGKILL) < 0 && errno == ESRCH)
			return;
		while (waitpid(-1, NULL, 0) > 0)
			;
	}
}

/*
 * PID 1 of the cell: reaps orphans, kills everything on the owner's
 * request, and exits when the owner goes (its command pipe reads EOF,
 * or PR_SET_PDEATHSIG).  getppid() cannot tell: it is 0 for PID 1 of a
 * new namespace whether the owner is alive or not.  When we exit the
 * kernel kills every process left in the namespace.
 */
/*
 * PID 1 of the cell: reaps orphans, kills everything on the owner's
 * request, and exits when the owner goes (its end of our socket pair
 * reads EOF, or PR_SET_PDEATHSIG).  getppid() cannot tell: it is 0 for
 * PID 1 of a new namespace whether the owner is alive or not.  When we
 * exit the kernel kills every process left in the namespace.
 */
static void
init_main(int fd)
{
	struct signalfd_siginfo si;
	struct pollfd p[2];
	sigset_t set;
	char b;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, "cell-init");
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	p[0] = (struct pollfd){.fd = fd, .events = POLLIN};
	p[1] = (struct pollfd){.events = POLLIN,
	    .fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)};
	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			_exit(1);
		while (p[1].fd >= 0 && read(p[1].fd, &si, sizeof si) > 0)
			;
		if (!(p[0].revents & (POLLIN | POLLHUP)))
			continue;
		if (read(fd, &b, 1) != 1)
			_exit(0); /* the owner is gone */
		init_kill_all();
		if (send(fd, "d", 1, MSG_NOSIGNAL) != 1)
			_exit(1);
	}
}

static int
ns_init(struct cell *c)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		/* The uid lock stays held until the namespace is dead. */
		int keep[] = {sv[1], c->lock_fd};

		cell_close_fds_except(keep, 2);
		init_main(sv[1]);
	}
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return -1;
	}
	c->init = pid;
	c->watch_fd = sv[0];
	return 0;
}

/*
 * Enter the namespaces.  1: refused before anything changed (c->why
 * says why; the caller falls back), 0: done, -1: failed half way
 * (errno; the process cannot go back).
 */
int
cell_ns_enter(struct cell *c)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	const char *step;

	if (!cell_root()) {
		if (unshare(CLONE_NEWUSER) < 0) {
			snprintf(c->why, sizeof c->why,
			    _("user namespaces refused: unshare: %s"),
			    strerror(errno));
			return 1;
		}
		c->userns = 1;
		c->uid = 0;
		c->gid = 0;
		if (userns_map_self(uid, gid) < 0)
			return -1;
	}
	if (unshare(CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID) < 0) {
		snprintf(c->why, sizeof c->why,
		    _("namespaces refused: unshare: %s"), strerror(errno));
		return 1;
	}
	cell_pidns_entered = 1;
	step = "mount";
	if (ns_mounts(c) < 0)
		goto fail;
	step = "network";
	if (ns_net(c) < 0)
		goto fail;
	step = "init";
	if (ns_init(c) < 0)
		goto fail;
	return 0;
fail:
	snprintf(c->why, sizeof c->why, _("cell %s setup: %s"), step,
	    strerror(errno));
	return -1;
}

/* Ask our init to kill every process of the cell; wait for its answer. */
int
cell_ns_kill_all(struct cell *c)
{
	struct pollfd p = {.fd = c->watch_fd, .events = POLLIN};
	char b;

	if (c->init <= 0 || send(c->watch_fd, "k", 1, MSG_NOSIGNAL) != 1)
		return -1;
	if (poll(&p, 1, CELL_KILL_WAIT_MS) != 1 ||
	    read(c->watch_fd, &b, 1) != 1)
		return -1;
	return 0;
}

/*
 * The capture of a cell's loopback (cell-capture.c), to a pcap file.
 *
 * Interface:
 *	cell_capture_start(c, cap, filter)  capture the cell's lo to a pcap
 *	                           file; returns once the capture is live;
 *	                           -1 with the reason in cap->err (in
 *	                           fallback: call cell_port first, the
 *	                           capture keeps to the cell's ports, and
 *	                           needs capture rights: "refused" if not)
 *	cell_capture_stop(cap)     drain, close the file, give its path
 */
#ifndef CELL_CAPTURE_H
#define CELL_CAPTURE_H

#include <limits.h>
#include <sys/types.h>

struct cell;

struct cell_capture {
	pid_t pid; /* the capturing child */
	int ready_fd;
	char path[PATH_MAX]; /* the pcap file, in the cell's dir */
	char err[256];       /* why it could not start, if it could not */
	struct cell *cell;   /* private */
};

int cell_capture_start(
    struct cell *c, struct cell_capture *cap, const char *filter);
int cell_capture_stop(struct cell_capture *cap);

#endif

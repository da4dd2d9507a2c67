/*
 * Readiness (cell-ready.c): when a program's port is there.
 *
 * Interface:
 *	cell_wait_port(c, type, port, r, ms)  0 once the port is bound (UDP) or
 *	                           listening (TCP) in the cell's /proc/net
 *	                           tables; -1 on timeout or if r ended first
 */
#ifndef CELL_READY_H
#define CELL_READY_H

struct cell;
struct run;

int cell_wait_port(
    struct cell *c, int type, int port, struct run *r, int timeout_ms);

#endif

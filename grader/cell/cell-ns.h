/*
 * The cell's namespaces (cell-ns.c), private to the cell: enter them
 * (an init as PID 1, lo up, /etc/hosts, a private /tmp), kill everything
 * in them.
 *
 * Interface:
 *	cell_ns_enter(c)           0, or -1 (errno, c->why): then fallback
 *	cell_ns_kill_all(c)        end every process of the cell
 */
#ifndef CELL_NS_H
#define CELL_NS_H

struct cell;

int cell_ns_enter(struct cell *c);
int cell_ns_kill_all(struct cell *c);

#endif

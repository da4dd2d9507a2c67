/*
 * labpeer: the scripted reference peers of the grader (and of students
 * who replay a failure at home).  One mode per file: peer-udp.c,
 * peer-tcp.c, peer-clients.c (tcp-clients); the command line and the
 * event lines in peer-opts.c (peer-opts.h), readiness in peer-ready.c
 * (peer-ready.h).  This header declares the modes: each is one
 * function of the same shape, run by labpeer.c's dispatch, so the three
 * mode files share it (ARCHITECTURE.md).
 *
 * Interface:
 *	peer_udp_server(o, out, stop), peer_udp_client(...),
 *	peer_tcp_server(...), peer_tcp_client(...), peer_tcp_clients(...)
 *	                     run one mode until done or *stop: the exit status
 *	                     (0 done, 1 failure or contract broken)
 */
#ifndef PEER_H
#define PEER_H

#include <signal.h>

#include "peer-opts.h"

int peer_udp_server(const struct peer_opts *o, struct peer_out *out,
    volatile sig_atomic_t *stop);
int peer_udp_client(const struct peer_opts *o, struct peer_out *out,
    volatile sig_atomic_t *stop);
int peer_tcp_server(const struct peer_opts *o, struct peer_out *out,
    volatile sig_atomic_t *stop);
int peer_tcp_client(const struct peer_opts *o, struct peer_out *out,
    volatile sig_atomic_t *stop);
int peer_tcp_clients(const struct peer_opts *o, struct peer_out *out,
    volatile sig_atomic_t *stop);

#endif

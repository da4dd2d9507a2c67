/*
 * labpeer's readiness (peer-ready.c): a server that returns once its port
 * is there, a client that waits for the server's port.
 *
 * Interface:
 *	peer_background(o, fd) --background: the parent returns 0 once the
 *	                     port is bound; the child serves on (0)
 *	peer_wait_server(o, type)  --wait-server: PORT is bound or listens
 *	                     here (0), or MS passed (-1)
 */
#ifndef PEER_READY_H
#define PEER_READY_H

#include "peer-opts.h"

void peer_background(const struct peer_opts *o);
int peer_wait_server(const struct peer_opts *o, int type);

#endif

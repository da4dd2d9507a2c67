#!/usr/bin/env python3
# Regenerate the deliberately broken submissions from the reference
# solutions: each NAME/ holds one lab program with ONE bug (an exact text
# edit of the reference) and an EXPECT file (lab, side, the test(s) that
# must catch it).  Run from anywhere after the references change:
#     python3 grader/tests/broken/regenerate.py
# An edit that no longer applies is reported and that folder left as is.
# The self-test (grader/tests/check_selftest.c) grades each one with the
# reference's other program beside it.
import os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..', '..'))


# The contract line (grader/contract.c) each one breaks, and nothing else.
CONTRACT = {
    'l1-server-ipv4-only': 'udp_server.bind',
    'l1-server-v6only-default': 'udp_server.bind',
    'l1-server-case-range': 'udp_server.echo',
    'l1-server-truncates': 'udp_server.echo',
    'l1-server-ignores-empty': 'udp_server.echo',
    'l1-server-double-reply': 'udp_server.one_reply',
    'l1-server-exits-after-first': 'udp_server.forever',
    'l1-server-signal-status': 'udp_server.signal',
    'l1-server-busy-status': 'udp_server.port_busy',
    'l1-server-usage-status': 'common.args',
    'l1-client-count-range': 'common.args',
    'l1-client-ipv4-only': 'udp_client.host',
    'l1-client-nul-in-ping': 'udp_client.ping',
    'l1-client-tcp': 'udp_client.ping',
    'l1-server-reply-port-plus-one': 'udp_server.one_reply',
    'l1-client-fixed-sleep': 'udp_client.deadline',
    'l1-client-short-deadline': 'udp_client.deadline',
    'l1-client-late-counted': 'udp_client.reply',
    'l1-client-fresh-poll': 'udp_client.reply',
    'l1-client-accepts-suffix': 'udp_client.reply',
    'l1-client-icmp-ends-wait': 'udp_client.icmp',
    'l1-client-rtt-constant': 'udp_client.lines',
    'l1-client-loss-rounded': 'udp_client.summary',
    'l1-client-exit0-no-reply': 'udp_client.exit',
    'l2-server-usage-status': 'common.args',
    'l2-client-count-range': 'common.args',
    'l2-server-ipv4-only': 'tcp_server.listen',
    'l2-server-v6only-default': 'tcp_server.listen',
    'l2-server-no-reuseaddr': 'tcp_server.listen',
    'l2-server-exits-after-first': 'tcp_server.accept',
    'l2-server-case-range': 'tcp_server.echo',
    'l2-server-one-recv-one-line': 'tcp_server.framing',
    'l2-server-no-framing': 'tcp_server.framing',
    'l2-server-long-line-exits': 'tcp_server.long_line',
    'l2-server-no-fin': 'tcp_server.close',
    'l2-server-sigpipe': 'tcp_server.survive',
    'l2-server-signal-status': 'tcp_server.signal',
    'l2-server-busy-status': 'tcp_server.port_busy',
    'l2-client-first-address-only': 'tcp_client.connect',
    'l2-client-summary-on-refused': 'tcp_client.connect',
    'l2-client-ipv4-only': 'tcp_client.host',
    'l2-client-one-recv': 'tcp_client.ping',
    'l2-client-no-stop-after-timeout': 'tcp_client.timeout',
    'l2-client-accepts-wrong': 'tcp_client.wrong',
    'l2-client-rst-at-end': 'tcp_client.close',
    'l2-client-no-drain': 'tcp_client.close',
}


# The headline a test must give for it (point 3 of issue 10: the first
# violation, in causal order), checked by the self-test: TEST -> text.
REASON = {
    'l1-client-accepts-suffix': ('client_stray', 'the client took'),
    'l1-client-tcp': ('client_pings', 'tried to open a TCP connection'),
    'l1-server-reply-port-plus-one': ('server_one_reply', 'sent it no request'),
    'l1-server-exits-after-first': ('pair', 'the server ended'),
    'l1-client-fresh-poll': ('client_late_reply', 'contract: 1.000-1.050 s; accepted here: 0.99-1.25 s'),
    'l2-server-no-framing': ('server_partial_line', 'replied to part of a line'),
    'l2-server-one-recv-one-line': ('server_split_line', 'replied to part of a line'),
    'l2-server-exits-after-first': ('pair', 'the server ended'),
    'l2-client-first-address-only': ('client_each_address', 'tried one address'),
    'l2-client-no-drain': ('client_read_before_close', 'reset the connection'),
}


def make(name, lab, file, side, fails, why, edits):
    src = open(f'{ROOT}/solutions/{lab}/{file}').read()
    for old, new in edits:
        n = src.count(old)
        if n != 1:
            print(f'{name}: {old!r} found {n} times', file=sys.stderr)
            return
        src = src.replace(old, new)
    d = f'{HERE}/{name}'
    os.makedirs(d, exist_ok=True)
    open(f'{d}/{file}', 'w').write(src)
    with open(f'{d}/EXPECT', 'w') as f:
        f.write(f'# {why}\n')
        f.write(f'lab {lab}\nside {side}\ncontract {CONTRACT[name]}\n'
                f'fail {" ".join(fails)}\n')
        if name in REASON:
            f.write('reason %s %s\n' % REASON[name])


L1 = 'lab1-udp'
make('l1-server-ipv4-only', L1, 'udp_server.c', 'server', ['server_ipv6'],
     'the server asks getaddrinfo for IPv4 only: clients of [::1] get nothing',
     [('hints.ai_family = AF_UNSPEC;', 'hints.ai_family = AF_INET;')])
make('l1-server-case-range', L1, 'udp_server.c', 'server', ['server_all_bytes'],
     "wrong case mapping: the range a..z is taken as a..~, so {|}~ become [\\]^",
     [("if (buf[i] >= 'a' && buf[i] <= 'z')", "if (buf[i] >= 'a' && buf[i] <= '~')")])
make('l1-server-truncates', L1, 'udp_server.c', 'server', ['server_max_payload'],
     'a 1000-byte buffer: a 1024-byte datagram is cut, and so is its reply',
     [('#define DATAGRAM_MAX 65535', '#define DATAGRAM_MAX 1000')])
make('l1-server-double-reply', L1, 'udp_server.c', 'server', ['server_one_reply'],
     'each reply is sent twice (stdout is perfect, the wire is not)',
     [('\tif (send_reply(fd, buf, len, from, fromlen) < 0)',
       '\t(void)send_reply(fd, buf, len, from, fromlen);\n\tif (send_reply(fd, buf, len, from, fromlen) < 0)')])
make('l1-server-usage-status', L1, 'udp_server.c', 'server', ['server_usage'],
     'a bad PORT exits with status 1 instead of 2',
     [('''		    argv[1], usage_line);
		return 2;''', '''		    argv[1], usage_line);
		return 1;''')])
C = 'udp_client.c'
make('l1-client-nul-in-ping', L1, C, 'client', ['client_pings'],
     'the ping carries its terminating NUL ("ping 1\\0", 7 bytes); the client expects the NUL back too, so stdout is perfect',
     [('		if (send_ping(fd, payload, (size_t)len) < 0) {', '		if (send_ping(fd, payload, (size_t)len + 1) < 0) {'),
      ('	return n == len && memcmp(buf, expected, (size_t)len) == 0;', '	return n == len + 1 && memcmp(buf, expected, (size_t)len + 1) == 0;')])
make('l1-client-rtt-constant', L1, C, 'client', ['client_rtt'],
     'the RTT is printed but never measured (a constant)',
     [('			double rtt = now_ms() - sent_at;', '			double rtt = 1.0 + 0 * sent_at;')])
make('l1-client-fixed-sleep', L1, C, 'client', ['client_next_ping'],
     'a fixed 1 s sleep after each reply before the next ping (stdout is perfect)',
     [('		fflush(stdout); /* nothing lost if we are killed */\n\t}\n\treturn 0;', '		fflush(stdout); /* nothing lost if we are killed */\n\t\tif (rc == 1 && seq < count)\n\t\t\tsleep(1);\n\t}\n\treturn 0;')])
make('l1-client-loss-rounded', L1, C, 'client', ['client_timeouts'],
     'the loss percentage is rounded to nearest instead of down',
     [('	    st->sent > 0 ? (st->sent - st->received) * 100 / st->sent : 0;',
       '	    st->sent > 0 ? ((st->sent - st->received) * 100 + st->sent / 2) / st->sent : 0;')])
make('l1-client-exit0-no-reply', L1, C, 'client', ['client_no_server'],
     'exit status 0 even when no reply came',
     [('	status = rc == 0 && st.received > 0 ? 0 : 1;', '	status = rc == 0 ? 0 : 1;')])
make('l1-client-icmp-ends-wait', L1, C, 'client', ['client_no_server'],
     'an ICMP port unreachable (ECONNREFUSED) ends the wait for that ping at once',
     [('''		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == ECONNREFUSED)
			return 0;''', '''		if (errno == ECONNREFUSED)
			return 2;
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;'''),
      ('''		rc = receive_reply(fd, seq, server, from, fromlen);
		if (rc != 0)
			return rc;''', '''		rc = receive_reply(fd, seq, server, from, fromlen);
		if (rc == 2)
			return 0;
		if (rc != 0)
			return rc;''')])
make('l1-client-late-counted', L1, C, 'client', ['client_late_reply'],
     'any "PING <n>" from the server counts as the reply, so a late reply to an earlier ping is taken for the current one',
     [('	return n == len && memcmp(buf, expected, (size_t)len) == 0;', '	return n > 5 && memcmp(buf, expected, 5) == 0;')])
make('l1-client-short-deadline', L1, C, 'client', ['client_slow_reply'],
     'a 500 ms deadline instead of 1 s: a slow but in-time reply is missed',
     [('#define PING_TIMEOUT_MS 1000', '#define PING_TIMEOUT_MS 500')])
L2 = 'lab2-tcp'
S2 = 'tcp_server.c'
C2 = 'tcp_client.c'
make('l2-server-one-recv-one-line', L2, S2, 'server', ['server_split_line'],
     'each recv() taken as one whole line: a chunk without a newline gets one added, so a line split over segments is answered piece by piece',
     [("		c->have += (size_t)n;\n", "		c->have += (size_t)n;\n\t\tif (c->buf[c->have - 1] != '\\n' && c->have < sizeof c->buf)\n\t\t\tc->buf[c->have++] = '\\n';\n")])
make('l2-server-exits-after-first', L2, S2, 'server', ['server_second_client'],
     'the server exits after its first client instead of going back to accept()',
     [("		close(c->fd);\n\t}", "		close(c->fd);\n\t\tbreak;\n\t}")])
make('l2-server-sigpipe', L2, S2, 'server', ['server_no_read'],
     'SIGPIPE neither ignored nor avoided (no MSG_NOSIGNAL): a client that leaves without reading kills the server',
     [("	sa.sa_handler = SIG_IGN;\n	return sigaction(SIGPIPE, &sa, NULL);", "	return 0;"),
      ("		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);", "		ssize_t n = send(fd, buf, len, 0);")])
make('l2-server-no-fin', L2, S2, 'server', ['server_fin'],
     'the connection is never closed after the client\'s FIN: no FIN from the server',
     [("		serve_client(c);\n", "		serve_client(c);\n\t\tcontinue;\n")])
make('l2-server-ipv4-only', L2, S2, 'server', ['server_ipv6'],
     'the server asks getaddrinfo for IPv4 only: clients of [::1] are refused',
     [('hints.ai_family = AF_UNSPEC;', 'hints.ai_family = AF_INET;')])
make('l2-client-rst-at-end', L2, C2, 'client', ['client_fin'],
     'SO_LINGER 0 before close(): the connection ends with a reset, not a FIN (stdout is perfect)',
     [("	/* No SO_LINGER: close() hands our FIN to the kernel and returns; the\n	 * kernel finishes the teardown on its own. */\n	return close(fd);",
       "	setsockopt(fd, SOL_SOCKET, SO_LINGER, &(struct linger){ 1, 0 },\n	    sizeof(struct linger));\n	return close(fd);")])
make('l2-client-no-stop-after-timeout', L2, C2, 'client', ['client_timeout_stops'],
     'after a timeout the client goes on pinging on a stream that is out of step',
     [("		printf(\"seq=%d timeout\\n\", seq);\n		fflush(stdout);\n		return -1;", "		printf(\"seq=%d timeout\\n\", seq);\n		fflush(stdout);\n		return 0;")])
make('l2-client-one-recv', L2, C2, 'client', ['client_split_reply'],
     'one recv() taken as one whole reply line',
     [("		r->have += (size_t)n;\n\t}\n}", "		r->have += (size_t)n;\n\t\treturn (int)r->have;\n\t}\n}")])
make('l2-client-accepts-wrong', L2, C2, 'client', ['client_wrong_reply'],
     'any reply line is taken as the reply: "PING 9" answers ping 2',
     [("	if (rc != explen || memcmp(r->buf, expected, (size_t)explen) != 0) {", "	if (rc != explen) {")])
make('l2-client-summary-on-refused', L2, C2, 'client', ['client_refused'],
     'a refused connection still prints the summary',
     [("		    argv[2], strerror(errno));\n		goto out;", "		    argv[2], strerror(errno));\n		goto summary;")])
make('l1-client-ipv4-only', L1, C, 'client', ['client_ipv6'],
     'HOST resolved for IPv4 only (AF_INET): an IPv6 address such as ::1 does not resolve',
     [('	hints.ai_family = AF_UNSPEC;', '	hints.ai_family = AF_INET;')])
make('l1-server-ignores-empty', L1, 'udp_server.c', 'server', ['server_empty'],
     'an empty datagram (recvfrom returns 0) is skipped: it gets no reply',
     [('		serve_datagram(fd, buf, (size_t)n, &from, fromlen);', '		if (n > 0)\n\t\t\tserve_datagram(fd, buf, (size_t)n, &from, fromlen);')])
make('l2-client-ipv4-only', L2, C2, 'client', ['client_ipv6'],
     'HOST resolved for IPv4 only (AF_INET): ::1 does not resolve',
     [('	hints.ai_family = AF_UNSPEC;', '	hints.ai_family = AF_INET;')])
make('l1-client-fresh-poll', L1, C, 'client', ['client_late_reply'],
     'each wait starts a fresh 1 s poll(): a datagram that is not the reply (a late one) pushes the deadline back',
     [('		int rc = wait_readable(fd, deadline);', '		int rc = wait_readable(fd, now_ms() + PING_TIMEOUT_MS);\n\n\t\t(void)deadline;')])
make('l1-server-v6only-default', L1, 'udp_server.c', 'server', ['server_dual_stack'],
     'IPV6_V6ONLY left at the system default (no setsockopt): dual-stack on stock Linux only; where IPv6 sockets default to IPv6-only, IPv4 clients get nothing',
     [('''	/* Linux defaults to dual-stack, other systems do not: say it. */
	if (ai->ai_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
''', '''	(void)off;
''')])
make('l2-server-v6only-default', L2, S2, 'server', ['server_dual_stack'],
     'IPV6_V6ONLY left at the system default (no setsockopt): dual-stack on stock Linux only; where IPv6 sockets default to IPv6-only, IPv4 clients are refused',
     [('''	if ((ai->ai_family == AF_INET6 &&
	        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) <
	            0) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0) {''',
       '''	(void)off;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0) {''')])
make('l2-server-no-reuseaddr', L2, S2, 'server', ['server_restart'],
     'no SO_REUSEADDR: restarted at once, the server cannot bind the port its last connection left in TIME-WAIT (EADDRINUSE, exit 1)',
     [('''	if ((ai->ai_family == AF_INET6 &&
	        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) <
	            0) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0) {''',
       '''	(void)on;
	if (ai->ai_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) < 0) {''')])

# One per contract line that had none (grader/contract.c's registry).
S1 = 'udp_server.c'
make('l1-server-exits-after-first', L1, S1, 'server', ['server_many', 'server_vanished_client'],
     'the server ends (status 0) after its first datagram instead of serving for ever',
     [('		serve_datagram(fd, buf, (size_t)n, &from, fromlen);\n\t}', '		serve_datagram(fd, buf, (size_t)n, &from, fromlen);\n\t\tbreak;\n\t}')])
make('l1-server-signal-status', L1, S1, 'server', ['server_signal'],
     'SIGTERM ends the server with status 1 instead of 0',
     [('	status = 0;\nout:', '	status = 1;\nout:')])
make('l1-server-busy-status', L1, S1, 'server', ['server_port_busy'],
     'a port it cannot bind ends the server with status 2 (bad arguments) instead of 1',
     [('	fd = open_server(argv[1]);\n	if (fd < 0)\n		goto out;', '	fd = open_server(argv[1]);\n	if (fd < 0) {\n		free(buf);\n		return 2;\n	}')])
make('l1-client-count-range', L1, C, 'client', ['client_usage'],
     'COUNT is accepted up to 100000: COUNT 1001 is not refused',
     [('#define COUNT_MAX 1000 ', '#define COUNT_MAX 100000 ')])
make('l1-client-accepts-suffix', L1, C, 'client', ['client_stray'],
     'a datagram that starts with "PING <seq>" counts as the reply: "PING 1!" (a stray) is taken for ping 1\'s reply',
     [('	return n == len && memcmp(buf, expected, (size_t)len) == 0;', '	return n >= len && memcmp(buf, expected, (size_t)len) == 0;')])
make('l2-server-usage-status', L2, S2, 'server', ['server_usage'],
     'a bad PORT exits with status 1 instead of 2',
     [('''		    argv[1], usage_line);
		return 2;''', '''		    argv[1], usage_line);
		return 1;''')])
make('l2-server-case-range', L2, S2, 'server', ['server_all_bytes'],
     "wrong case mapping: the range a..z is taken as a..~, so {|}~ become [\\]^",
     [("		if (buf[i] >= 'a' && buf[i] <= 'z')", "		if (buf[i] >= 'a' && buf[i] <= '~')")])
make('l2-server-no-framing', L2, S2, 'server', ['server_split_line', 'server_partial_line'],
     'no framing: whatever one recv() returns is upper-cased and sent back at once, so "pi" gets "PI" before the rest of the line arrives',
     [("		c->have += (size_t)n;\n\t}\n}", "		c->have += (size_t)n;\n\t\tto_upper_ascii(c->buf, c->have);\n\t\tif (send_all(c->fd, c->buf, c->have) < 0)\n\t\t\treturn;\n\t\tc->have = 0;\n\t}\n}")])
make('l2-server-long-line-exits', L2, S2, 'server', ['server_long_line'],
     'a line over 1024 bytes ends the server (exit 1), not just that connection',
     [("			    c->who, LINE_LIMIT);\n			return;", "			    c->who, LINE_LIMIT);\n			exit(1);")])
make('l2-server-signal-status', L2, S2, 'server', ['server_signal'],
     'SIGTERM ends the server with status 1 instead of 0',
     [('	status = serve_forever(fd) == 0 ? 0 : 1;', '	status = serve_forever(fd) == 0 ? 1 : 1;')])
make('l2-server-busy-status', L2, S2, 'server', ['server_port_busy'],
     'a port it cannot bind ends the server with status 2 (bad arguments) instead of 1',
     [('	fd = open_server(argv[1]);\n	if (fd < 0)\n		return 1;', '	fd = open_server(argv[1]);\n	if (fd < 0)\n		return 2;')])
make('l2-client-count-range', L2, C2, 'client', ['client_usage'],
     'COUNT is accepted up to 100000: COUNT 1001 is not refused',
     [('#define COUNT_MAX 1000 ', '#define COUNT_MAX 100000 ')])
make('l2-client-first-address-only', L2, C2, 'client', ['client_each_address'],
     'only the first address getaddrinfo() returns is tried: "localhost" as ::1 then 127.0.0.1, with a server on IPv4 only, is refused',
     [('	for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {', '	for (const struct addrinfo *ai = res; ai != NULL; ai = NULL) {')])
make('l2-client-no-drain', L2, C2, 'client', ['client_read_before_close'],
     'close() without reading what is left in the socket: bytes the server sent after the last reply make the kernel send a reset',
     [("	do {\n		n = recv(fd, scrap, sizeof scrap, MSG_DONTWAIT);\n	} while (n > 0 || (n < 0 && errno == EINTR));", "	n = 0;\n	(void)scrap;\n	(void)n;")])
make('l1-client-tcp', L1, C, 'client', ['client_pings'],
     'a TCP socket (SOCK_STREAM) in the UDP lab: connect() runs a handshake that nothing answers',
     [('	hints.ai_socktype = SOCK_DGRAM;', '	hints.ai_socktype = SOCK_STREAM;')])
make('l1-server-reply-port-plus-one', L1, S1, 'server', ['server_one_reply'],
     'each reply goes to the sender\'s port + 1, not to the address and port recvfrom() gave',
     [('		n = sendto(fd, buf, len, 0, (const struct sockaddr *)to, tolen);',
       '''		struct sockaddr_storage bad = *to;
		struct sockaddr_in *b4 = (struct sockaddr_in *)&bad;
		struct sockaddr_in6 *b6 = (struct sockaddr_in6 *)&bad;

		if (bad.ss_family == AF_INET6)
			b6->sin6_port = htons((uint16_t)(ntohs(b6->sin6_port) + 1));
		else
			b4->sin_port = htons((uint16_t)(ntohs(b4->sin_port) + 1));
		n = sendto(fd, buf, len, 0, (const struct sockaddr *)&bad, tolen);''')])

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
        f.write(f'lab {lab}\nside {side}\nfail {" ".join(fails)}\n')


L1 = 'lab1-udp'
S1 = 'udp_server.c'
C = 'udp_client.c'
make('l1-server-ipv4-only', L1, S1, 'server', ['server_ipv6'],
     'the server asks getaddrinfo for IPv4 only: clients of [::1] get nothing',
     [('hints.ai_family = AF_UNSPEC;', 'hints.ai_family = AF_INET;')])
make('l1-server-case-range', L1, S1, 'server', ['server_all_bytes'],
     "wrong case mapping: the range a..z is taken as a..~, so {|}~ become [\\]^",
     [("if (buf[i] >= 'a' && buf[i] <= 'z')", "if (buf[i] >= 'a' && buf[i] <= '~')")])
make('l1-server-truncates', L1, S1, 'server', ['server_max_payload'],
     'a 1000-byte buffer: a 1024-byte datagram is cut, and so is its reply',
     [('#define DATAGRAM_MAX 65535', '#define DATAGRAM_MAX 1000')])
make('l1-server-double-reply', L1, S1, 'server', ['server_one_reply'],
     'each reply is sent twice (stdout is perfect, the wire is not)',
     [('\t\t} while (sent < 0 && errno == EINTR);\n',
       '\t\t} while (sent < 0 && errno == EINTR);\n'
       '\t\tsent = sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from,\n'
       '\t\t    fromlen);\n')])
make('l1-server-usage-status', L1, S1, 'server', ['server_usage'],
     'a bad PORT exits with status 1 instead of 2',
     [('\tif (status >= 0)\n\t\treturn status;',
       '\tif (status >= 0)\n\t\treturn status == 2 ? 1 : status;')])
make('l1-server-ignores-empty', L1, S1, 'server', ['server_empty'],
     'an empty datagram (recvfrom returns 0) is skipped: it gets no reply',
     [('\t\tlog_datagram(', '\t\tif (n == 0)\n\t\t\tcontinue;\n\t\tlog_datagram(')])
make('l1-server-v6only-default', L1, S1, 'server', ['server_dual_stack'],
     'IPV6_V6ONLY left at the system default (no setsockopt): dual-stack on stock Linux only; where IPv6 sockets default to IPv6-only, IPv4 clients get nothing',
     [('\t\t    (family != AF_INET6 ||\n'
       '\t\t        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,\n'
       '\t\t            sizeof off) == 0) &&\n', '\t\t    off == 0 &&\n')])
make('l1-client-nul-in-ping', L1, C, 'client', ['client_pings'],
     'the ping carries its terminating NUL ("ping 1\\0", 7 bytes); the client expects the NUL back too, so stdout is perfect',
     [('\t\tn = send(fd, payload, (size_t)len, 0);', '\t\tn = send(fd, payload, (size_t)len + 1, 0);'),
      ('\treturn n == len && memcmp(buf, expected, (size_t)len) == 0;',
       '\treturn n == len + 1 && memcmp(buf, expected, (size_t)len + 1) == 0;')])
make('l1-client-rtt-constant', L1, C, 'client', ['client_rtt'],
     'the RTT is printed but never measured (a constant)',
     [('\t\t\t*rtt = now_ms() - sent_at;', '\t\t\t*rtt = 1.0 + 0 * sent_at;')])
make('l1-client-fixed-sleep', L1, C, 'client', ['client_next_ping'],
     'a fixed 1 s sleep after each reply before the next ping (stdout is perfect)',
     [('\t\t\tprint_reply(&st, who, seq, rtt);\n',
       '\t\t\tprint_reply(&st, who, seq, rtt);\n\t\tif (rc == 1 && seq < count)\n\t\t\tsleep(1);\n')])
make('l1-client-loss-rounded', L1, C, 'client', ['client_timeouts'],
     'the summary printed by hand, the loss percentage rounded to nearest instead of down',
     [('\tprint_summary(&st);\n',
       '\tprintf("%d sent, %d received, %d%% loss\\n", st.sent, st.received,\n'
       '\t    st.sent > 0 ? ((st.sent - st.received) * 100 + st.sent / 2) / st.sent : 0);\n'
       '\tif (st.received > 0)\n'
       '\t\tprintf("rtt min/avg/max = %.3f/%.3f/%.3f ms\\n", st.rtt_min,\n'
       '\t\t    st.rtt_sum / st.received, st.rtt_max);\n'
       '\tfflush(stdout);\n')])
make('l1-client-exit0-no-reply', L1, C, 'client', ['client_no_server'],
     'exit status 0 even when no reply came',
     [('\treturn rc >= 0 && st.received > 0 ? 0 : 1;', '\treturn rc >= 0 ? 0 : 1;')])
make('l1-client-icmp-ends-wait', L1, C, 'client', ['client_no_server'],
     'an ICMP port unreachable (ECONNREFUSED) ends the wait for that ping at once',
     [('\t\tif (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK ||\n'
       '\t\t    errno == ECONNREFUSED)\n\t\t\treturn 0;',
       '\t\tif (errno == ECONNREFUSED)\n\t\t\treturn 2;\n'
       '\t\tif (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)\n\t\t\treturn 0;'),
      ('\t\trc = read_reply(fd, seq, server);\n',
       '\t\trc = read_reply(fd, seq, server);\n\t\tif (rc == 2)\n\t\t\treturn 0;\n')])
make('l1-client-late-counted', L1, C, 'client', ['client_late_reply'],
     'any "PING <n>" from the server counts as the reply, so a late reply to an earlier ping is taken for the current one',
     [('\treturn n == len && memcmp(buf, expected, (size_t)len) == 0;',
       '\treturn n > 5 && memcmp(buf, expected, 5) == 0;')])
make('l1-client-short-deadline', L1, C, 'client', ['client_slow_reply'],
     'a 500 ms deadline instead of 1 s: a slow but in-time reply is missed',
     [('deadline = sent_at + PING_TIMEOUT_MS;', 'deadline = sent_at + 500;')])
make('l1-client-ipv4-only', L1, C, 'client', ['client_ipv6'],
     'HOST resolved for IPv4 only (AF_INET): an IPv6 address such as ::1 does not resolve',
     [('\thints.ai_family = AF_UNSPEC;', '\thints.ai_family = AF_INET;')])
make('l1-client-fresh-poll', L1, C, 'client', ['client_late_reply'],
     'each datagram that is not the reply (a late one) restarts the 1 s wait: the deadline is pushed back',
     [('\t\trc = read_reply(fd, seq, server);\n',
       '\t\trc = read_reply(fd, seq, server);\n\t\tif (rc == 0)\n\t\t\tdeadline = now_ms() + PING_TIMEOUT_MS;\n')])
L2 = 'lab2-tcp'
S2 = 'tcp_server.c'
C2 = 'tcp_client.c'
make('l2-server-one-recv-one-line', L2, S2, 'server', ['server_split_line'],
     'each recv() taken as one whole line: a chunk without a newline gets one added, so a line split over segments is answered piece by piece',
     [("\t\tc->have += (size_t)n;\n",
       "\t\tc->have += (size_t)n;\n\t\tif (c->buf[c->have - 1] != '\\n' && c->have < sizeof c->buf)\n\t\t\tc->buf[c->have++] = '\\n';\n")])
make('l2-server-exits-after-first', L2, S2, 'server', ['server_second_client'],
     'the server exits after its first client instead of going back to accept()',
     [("\t\tclose(c->fd);\n\t}", "\t\tclose(c->fd);\n\t\tbreak;\n\t}")])
make('l2-server-sigpipe', L2, S2, 'server', ['server_no_read'],
     'SIGPIPE neither ignored nor avoided (no MSG_NOSIGNAL): a client that leaves without reading kills the server',
     [("\t\tssize_t n = send(fd, buf, len, MSG_NOSIGNAL);", "\t\tssize_t n = send(fd, buf, len, 0);")])
make('l2-server-no-fin', L2, S2, 'server', ['server_fin'],
     'the connection is never closed after the client\'s FIN: no FIN from the server',
     [("\t\tserve_client(c);\n", "\t\tserve_client(c);\n\t\tcontinue;\n")])
make('l2-server-ipv4-only', L2, S2, 'server', ['server_ipv6'],
     'the server asks getaddrinfo for IPv4 only: clients of [::1] are refused',
     [('hints.ai_family = AF_UNSPEC;', 'hints.ai_family = AF_INET;')])
make('l2-server-v6only-default', L2, S2, 'server', ['server_dual_stack'],
     'IPV6_V6ONLY left at the system default (no setsockopt): dual-stack on stock Linux only; where IPv6 sockets default to IPv6-only, IPv4 clients are refused',
     [('\t\t    (family != AF_INET6 ||\n'
       '\t\t        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,\n'
       '\t\t            sizeof off) == 0) &&\n', '\t\t    off == 0 &&\n')])
make('l2-server-no-reuseaddr', L2, S2, 'server', ['server_restart'],
     'no SO_REUSEADDR: restarted at once, the server cannot bind the port its last connection left in TIME-WAIT (EADDRINUSE, exit 1)',
     [('\t\t    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) ==\n'
       '\t\t        0 &&\n', '\t\t    on == 1 &&\n')])
make('l2-client-rst-at-end', L2, C2, 'client', ['client_fin'],
     'SO_LINGER 0 before close(): the connection ends with a reset, not a FIN (stdout is perfect)',
     [("\t/* No SO_LINGER: close() hands our FIN to the kernel and returns; the\n\t * kernel finishes the teardown on its own. */\n\treturn close(fd);",
       "\tsetsockopt(fd, SOL_SOCKET, SO_LINGER, &(struct linger){ 1, 0 },\n\t    sizeof(struct linger));\n\treturn close(fd);")])
make('l2-client-no-stop-after-timeout', L2, C2, 'client', ['client_timeout_stops'],
     'after a timeout the client goes on pinging on a stream that is out of step',
     [("\t\tprint_timeout(seq);\n\t\treturn -1;", "\t\tprint_timeout(seq);\n\t\treturn 0;")])
make('l2-client-one-recv', L2, C2, 'client', ['client_split_reply'],
     'one recv() taken as one whole reply line',
     [("\t\tr->have += (size_t)n;\n\t}\n}", "\t\tr->have += (size_t)n;\n\t\treturn (int)r->have;\n\t}\n}")])
make('l2-client-accepts-wrong', L2, C2, 'client', ['client_wrong_reply'],
     'any reply line is taken as the reply: "PING 9" answers ping 2',
     [("\tif (rc != explen || memcmp(r->buf, expected, (size_t)explen) != 0) {", "\tif (rc != explen) {")])
make('l2-client-summary-on-refused', L2, C2, 'client', ['client_refused'],
     'a refused connection still prints the summary',
     [("\tif (fd < 0) {\n\t\tfree(r);", "\tif (fd < 0) {\n\t\tprint_summary(&st);\n\t\tfree(r);")])
make('l2-client-ipv4-only', L2, C2, 'client', ['client_ipv6'],
     'HOST resolved for IPv4 only (AF_INET): ::1 does not resolve',
     [('\thints.ai_family = AF_UNSPEC;', '\thints.ai_family = AF_INET;')])

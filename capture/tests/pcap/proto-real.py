#!/usr/bin/env python3
"""proto-real.pcap's traffic: a DNS server (UDP and TCP, port 53) and an
HTTP server (port 8080) on 127.0.0.1, and the client that asks them: three
UDP queries (A, AAAA, an NXDomain), one over TCP, one HTTP GET.  The pcap
was taken as root in a private network namespace:

  unshare -n sh -c 'ip link set lo up
    tcpdump -i lo -w proto-real.pcap -Z root & T=$!; sleep 1
    python3 proto-real.py serve DIR & S=$!; sleep 1
    python3 proto-real.py ask; sleep 1; kill $S; kill -INT $T; wait $T'

(DIR holds index.html: "<h1>hello</h1>")."""
import sys


def serve():
    import socket, struct, threading, http.server, socketserver, os, sys
    def dns_answer(q):
        qid, flags, qd = struct.unpack('!HHH', q[:6])
        i = 12
        while q[i]: i += 1 + q[i]
        qend = i + 5
        qtype = struct.unpack('!H', q[i+1:i+3])[0]
        name = q[12:i+1]
        if name == b'\x07nosuchx\x07example\x00':
            return struct.pack('!HHHHHH', qid, 0x8183, 1, 0, 0, 0) + q[12:qend]
        ans = b''
        n = 0
        if qtype == 1:
            ans = b'\xc0\x0c' + struct.pack('!HHIH', 1, 1, 300, 4) + bytes([192,0,2,10]); n = 1
        elif qtype == 28:
            ans = b'\xc0\x0c' + struct.pack('!HHIH', 28, 1, 300, 16) + bytes([0x20,1,0xd,0xb8]+[0]*11+[10]); n = 1
        return struct.pack('!HHHHHH', qid, 0x8180, 1, n, 0, 0) + q[12:qend] + ans
    def udp():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 53))
        while True:
            q, a = s.recvfrom(512); s.sendto(dns_answer(q), a)
    def tcp():
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', 53)); s.listen()
        while True:
            c, a = s.accept(); l = struct.unpack('!H', c.recv(2))[0]; q = c.recv(l)
            r = dns_answer(q); c.sendall(struct.pack('!H', len(r)) + r); c.close()
    class H(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
    threading.Thread(target=udp, daemon=True).start()
    threading.Thread(target=tcp, daemon=True).start()
    os.chdir(sys.argv[2])
    socketserver.TCPServer.allow_reuse_address = True
    http.server.HTTPServer(('127.0.0.1', 8080), H).serve_forever()


def ask():
    import socket, struct, time, urllib.request
    def q(qid, name, qtype):
        b = struct.pack('!HHHHHH', qid, 0x0100, 1, 0, 0, 0)
        for l in name.split('.'): b += bytes([len(l)]) + l.encode()
        return b + b'\x00' + struct.pack('!HH', qtype, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
    for qid, name, t in [(0x1111, 'www.example', 1), (0x2222, 'www.example', 28), (0x3333, 'nosuchx.example', 1)]:
        s.sendto(q(qid, name, t), ('127.0.0.1', 53)); s.recv(512)
    c = socket.create_connection(('127.0.0.1', 53)); m = q(0x4444, 'www.example', 1)
    c.sendall(struct.pack('!H', len(m)) + m); c.recv(512); c.close()
    print(urllib.request.urlopen('http://127.0.0.1:8080/index.html').read())


if __name__ == "__main__":
    serve() if sys.argv[1] == "serve" else ask()

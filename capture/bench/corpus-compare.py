#!/usr/bin/env python3
"""corpus-compare: labsniff against tcpdump over a folder of captures.

usage: corpus-compare.py [-j N] [--show N] LABSNIFF DIR

Every *.pcap, *.pcapng and *.cap file under DIR (recursively) is read by
`tcpdump -nn -S --number -r FILE` (TZ=UTC) and by `LABSNIFF --json -r
FILE`.  The script compares, file by file, whether each tool reads the
file and how many packets it shows, then, packet by packet, the time of
day (HH:MM:SS and the microsecond field, as the file has it), and the
fields both print for TCP and UDP: addresses, ports, TCP flags, absolute sequence and
acknowledgement numbers (-S), and lengths (UDP: "UDP, length N", the
datagram's for a first fragment; TCP: "length N"; a TCP header under 20
bytes: tcpdump's "tcp N [bad hdr length ...]").  It prints a table of
the mismatches and a summary.  It fetches nothing and writes nothing.

Exit status: 0 no mismatch, 1 mismatches found, 2 bad arguments or a
tool missing.
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import time

TIMEOUT_S = 120  # one tool on one file
EXTS = ('.pcap', '.pcapng', '.cap')

PKT_LINE = re.compile(r'^\s*(\d+)  (.*)$')
# "IP a.p > b.q: ..." (IPv4 or IPv6, tcpdump's truncated-ip prefix too)
ADDRS = re.compile(r' IP6? (?:truncated-ip6? - \d+ bytes missing! ?)?'
                   r'(\S+)\.(\d+) > (\S+)\.(\d+): (.*)$')
# IPv6 with extension headers: the ports come after them
ADDRS6 = re.compile(r' IP6 (\S+) > (\S+): (?:(?:HBH|DSTOPT|frag \(0\|\d+\)|'
                    r'RT6 \([^)]*\)|mobility|AH\([^)]*\):?) )+'
                    r'(\d+) > (\d+): (.*)$')
AE_UNPRINTED = []  # packets whose AE flag this tcpdump did not print
BAD_HDR = re.compile(r'tcp (\d+) \[(bad hdr length \d+ - too short, < 20)\]')


def run(argv):
    """stdout lines, stderr, exit status of argv (or None on a timeout)."""
    env = dict(os.environ, TZ='UTC')  # tcpdump: no localtime() per packet
    try:
        p = subprocess.run(argv, capture_output=True, timeout=TIMEOUT_S,
                           env=env)
    except subprocess.TimeoutExpired:
        return None
    return (p.stdout.decode('latin-1').splitlines(),
            p.stderr.decode('latin-1'), p.returncode)


def tcpdump_packets(path):
    """tcpdump's packet lines (continuation lines joined), or None."""
    r = run(['tcpdump', '-nn', '-S', '--number', '-r', path])
    if r is None:
        return None, 'tcpdump timed out'
    lines, err, rc = r
    pkts = []
    for line in lines:
        m = PKT_LINE.match(line)
        if m and int(m.group(1)) == len(pkts) + 1:
            pkts.append(m.group(2))
        elif pkts:
            pkts[-1] += ' ' + line.strip()
    if not pkts and rc != 0:
        return None, err.strip().splitlines()[-1] if err.strip() else 'failed'
    return pkts, None


def labsniff_packets(labsniff, path):
    """labsniff's packet objects, or None and why."""
    r = run([labsniff, '--json', '-r', path])
    if r is None:
        return None, 'labsniff timed out'
    lines, err, rc = r
    pkts = []
    for line in lines:
        try:
            j = json.loads(line)
        except ValueError:
            return None, 'labsniff: invalid JSON line'
        if j.get('type') == 'packet':
            pkts.append(j)
    if not pkts and rc != 0:
        return None, err.strip().splitlines()[-1] if err.strip() else 'failed'
    return pkts, None


def tcpdump_fields(line, proto):
    """The fields of a TCP/UDP line as tcpdump prints them, or None.
    Only what follows the ports at once is this packet's (a tunnel's
    inner packet comes later on the line)."""
    m = ADDRS.search(line)
    if m:
        src, sport, dst, dport, rest = m.groups()
    else:
        m = ADDRS6.search(line)
        if not m:
            return None
        src, dst, sport, dport, rest = m.groups()
    f = {'src': src, 'dst': dst, 'sport': int(sport), 'dport': int(dport)}
    bad = BAD_HDR.search(rest)
    if bad:
        f['bad_hdr'] = (int(bad.group(1)), bad.group(2))
        return f
    fl = re.match(r'Flags \[([^\]]*)\]', rest)
    if proto == 'TCP' and fl:
        f['flags'] = fl.group(1)
        sq = re.search(r', seq (\d+)', rest)
        if sq:
            f['seq_abs'] = int(sq.group(1))
        ak = re.search(r', ack (\d+)', rest)
        if ak:
            f['ack_abs'] = int(ak.group(1))
        ln = re.search(r', length (\d+)', rest)
        if ln and '[bad opt]' not in rest:
            f['length'] = int(ln.group(1))
    elif proto == 'UDP':
        ln = re.match(r'UDP, length (\d+)', rest)
        if ln:
            f['length'] = int(ln.group(1))
    return f


def labsniff_fields(j):
    """The same fields from a labsniff packet object."""
    f = {'src': j['src'], 'dst': j['dst'], 'sport': j['sport'],
         'dport': j['dport']}
    if j['proto'] == 'TCP' and j.get('malformed_layer') == 'tcp' and \
            'flags' not in j:
        f['bad_hdr'] = (j['payload_len'], j['malformed'])
        return f
    for k in ('flags', 'seq_abs', 'ack_abs'):
        if k in j:
            f[k] = j[k]
    f['length'] = j.get('datagram_len', j['payload_len'])
    return f


def compare_time(j, line):
    """The time of day as tcpdump prints it (TZ=UTC): HH:MM:SS and the
    microsecond field as it is in the file (invalid ones too)."""
    m = re.match(r'(\d\d:\d\d:\d\d\.\d+) ', line)
    if not m:  # "[Error converting time]": tcpdump 4.99.3 past 2038
        return []
    mine = time.strftime('%H:%M:%S', time.gmtime(j['ts_sec'])) + \
        '.%06d' % j.get('ts_usec_invalid', j['ts_usec'])
    return [] if mine == m.group(1) else [('time', mine, m.group(1))]


def compare_packet(j, line):
    """[(field, labsniff's, tcpdump's)] that differ; None: not compared."""
    if j.get('proto') not in ('TCP', 'UDP') or 'sport' not in j:
        return None
    if 'truncated' in j:
        return None
    if 'malformed' in j and j.get('malformed_layer') not in ('ip', 'ip6',
                                                             'tcp'):
        return None
    t = tcpdump_fields(line, j['proto'])
    if t is None:
        return [('decode', j['proto'], 'no ports: ' + line[:60])]
    mine = labsniff_fields(j)
    # tcpdump 4.99.3 does not print the AE flag; its master does ("e")
    if 'flags' in mine and 'flags' in t and \
            mine['flags'].replace('e', '') == t['flags'] != mine['flags']:
        mine['flags'] = t['flags']
        AE_UNPRINTED.append(1)
    diffs = []
    for k, v in t.items():
        if k not in mine:
            if k == 'length':
                continue
            diffs.append((k, '(none)', v))
        elif mine[k] != v:
            diffs.append((k, mine[k], v))
    if 'bad_hdr' in mine and 'bad_hdr' not in t:
        diffs.append(('bad_hdr', mine['bad_hdr'], '(none)'))
    return diffs


def compare_file(labsniff, path):
    """One file's verdict: a dict of counts and a list of mismatches."""
    res = {'path': path, 'td': 0, 'ls': 0, 'compared': 0, 'mism': [],
           'read': 'both'}
    td, td_err = tcpdump_packets(path)
    ls, ls_err = labsniff_packets(labsniff, path)
    if td is None and ls is None:
        res['read'] = 'neither'
        return res
    if ls is None:
        res['read'] = 'tcpdump only'
        res['why'] = ls_err
        res['td'] = len(td)
        return res
    if td is None:
        res['read'] = 'labsniff only'
        res['why'] = td_err
        res['ls'] = len(ls)
        return res
    res['td'], res['ls'] = len(td), len(ls)
    if len(td) != len(ls):
        res['mism'].append((0, 'packets', len(ls), len(td)))
    for i, (j, line) in enumerate(zip(ls, td)):
        for field, mine, theirs in compare_time(j, line):
            res['mism'].append((i + 1, field, mine, theirs))
        d = compare_packet(j, line)
        if d is None:
            continue
        res['compared'] += 1
        for field, mine, theirs in d:
            res['mism'].append((i + 1, field, mine, theirs))
    return res


def find_captures(root):
    out = []
    for d, _, files in os.walk(root):
        out += [os.path.join(d, f) for f in files
                if f.lower().endswith(EXTS)]
    return sorted(out)


def report(results, show):
    both = [r for r in results if r['read'] == 'both']
    rows = [(r['path'], n, f, m, t) for r in results
            for (n, f, m, t) in r['mism']]
    print('%-44s %6s %-8s %-24s %s' % ('file', 'pkt', 'field', 'labsniff',
                                       'tcpdump'))
    for path, n, f, m, t in rows[:show]:
        print('%-44s %6s %-8s %-24s %s' % (os.path.basename(path)[-44:],
                                           n or '-', f, str(m)[:24],
                                           str(t)[:60]))
    if len(rows) > show:
        print('... %d more mismatches' % (len(rows) - show))
    links = {}
    for r in results:
        m = re.search(r'link type (\d+ \([^)]*\)) is not supported',
                      r.get('why', ''))
        if r['read'] == 'tcpdump only' and m:
            links[m.group(1)] = links.get(m.group(1), 0) + 1
        elif r['read'] in ('tcpdump only', 'labsniff only'):
            print('%-44s read by %s; the other: %s' % (
                os.path.basename(r['path'])[-44:], r['read'],
                r.get('why', '')[:80]))
    if links:
        print('link types labsniff does not decode (files): ' + ', '.join(
            '%s %d' % kv for kv in sorted(links.items(),
                                          key=lambda kv: -kv[1])))
    pk_td = sum(r['td'] for r in both)
    pk_ls = sum(r['ls'] for r in both)
    print()
    print('files: %d; read by both %d, by neither %d, tcpdump only %d, '
          'labsniff only %d' % (
              len(results), len(both),
              sum(r['read'] == 'neither' for r in results),
              sum(r['read'] == 'tcpdump only' for r in results),
              sum(r['read'] == 'labsniff only' for r in results)))
    print('packets (files both read): tcpdump %d, labsniff %d; files whose '
          'counts differ: %d' % (pk_td, pk_ls, sum(
              any(f == 'packets' for _, f, _, _ in r['mism']) for r in both)))
    print('TCP/UDP packets compared field by field: %d; mismatches: %d in '
          '%d files' % (sum(r['compared'] for r in both), len(rows),
                        sum(bool(r['mism']) for r in results)))
    if AE_UNPRINTED:
        print('(%d packets carry the AE flag, which labsniff prints as "e" '
              'as tcpdump 4.99.4+ does; this tcpdump does not: not counted)'
              % len(AE_UNPRINTED))
    return len(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('-j', type=int, default=os.cpu_count() or 1,
                    help='files compared at once (default: CPUs)')
    ap.add_argument('--show', type=int, default=50,
                    help='mismatch rows printed (default 50)')
    ap.add_argument('labsniff')
    ap.add_argument('dir')
    a = ap.parse_args()
    if shutil.which('tcpdump') is None:
        print('corpus-compare: tcpdump not found', file=sys.stderr)
        return 2
    if not os.access(a.labsniff, os.X_OK):
        print('corpus-compare: %s: not an executable' % a.labsniff,
              file=sys.stderr)
        return 2
    if not os.path.isdir(a.dir):
        print('corpus-compare: %s: not a folder' % a.dir, file=sys.stderr)
        return 2
    files = find_captures(a.dir)
    if not files:
        print('corpus-compare: %s: no .pcap/.pcapng/.cap file' % a.dir,
              file=sys.stderr)
        return 2
    with concurrent.futures.ThreadPoolExecutor(max(1, a.j)) as ex:
        results = list(ex.map(lambda p: compare_file(a.labsniff, p), files))
    return 1 if report(results, a.show) else 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
"""dashboard-check.py OUT: labgrade --class's report.html in a browser.

Checks, and exits 1 with one line per failure:
- the dashboard and a student's page validate (tidy -errors -q);
- the file asks for nothing: no script, no link, no src, no url(), every
  href relative;
- headless Chromium (driven over the DevTools protocol) loads it with
  JavaScript enabled and disabled: no request but the file itself, no
  console message or exception;
- screenshots at desktop and phone widths show the plots drawn where
  the layout puts them (#histogram, #passrates: pixels of their colours);
  on a 390 px phone the page is no wider than the screen;
- it prints (Page.printToPDF gives a PDF).
KEEP_SHOTS=PREFIX keeps the screenshots as PREFIX-LABEL.png.
"""
import base64
import json
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

HIST = (0x2F, 0x6D, 0xB5)  # the histogram's bars
BARS = ((0xC0, 0x39, 0x2B), (0x2E, 0x8B, 0x57))  # pass-rate bars

fails = []


def fail(msg):
    fails.append(msg)


def png_pixels(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        ftype, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 255
            elif ftype == 2:
                line[x] = (line[x] + b) & 255
            elif ftype == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def count_colour(path, rgb):
    """Pixels of exactly this colour, and the first row holding one."""
    w, h, bpp, rows = png_pixels(path)
    n, first = 0, -1
    for y, row in enumerate(rows):
        for x in range(0, w * bpp, bpp):
            if row[x] == rgb[0] and row[x + 1] == rgb[1] and row[x + 2] == rgb[2]:
                n += 1
                if first < 0:
                    first = y
    return n, first


class Browser:
    """Headless Chromium driven over the DevTools protocol on a pipe
    (--remote-debugging-pipe: fd 3 in, fd 4 out, NUL-separated JSON)."""

    def __init__(self, profile):
        r1, self.w = os.pipe()
        self.r, w2 = os.pipe()

        def fds():
            os.dup2(r1, 3)
            os.dup2(w2, 4)

        self.p = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", "--user-data-dir=" + profile,
             "--remote-debugging-pipe", "--window-size=1000,1200", "about:blank"],
            pass_fds=(3, 4), preexec_fn=fds, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # its crash reports and dconf cache go in HOME whatever
            # --user-data-dir says: the profile, removed at the end
            env=dict(os.environ, HOME=profile,
                     XDG_CONFIG_HOME=os.path.join(profile, "config"),
                     XDG_CACHE_HOME=os.path.join(profile, "cache")))
        os.close(r1)
        os.close(w2)
        self.buf, self.id, self.events = b"", 0, []
        pages = [t for t in self.call("Target.getTargets")["targetInfos"]
                 if t["type"] == "page"]
        self.session = self.call("Target.attachToTarget", {
            "targetId": pages[0]["targetId"], "flatten": True})["sessionId"]

    def recv(self, timeout=60):
        end = time.time() + timeout
        while b"\0" not in self.buf:
            ready, _, _ = select.select([self.r], [], [], max(0, end - time.time()))
            if not ready:
                raise TimeoutError("chromium did not answer")
            data = os.read(self.r, 1 << 20)
            if not data:
                raise EOFError("chromium went away")
            self.buf += data
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, page=False):
        self.id += 1
        msg = {"id": self.id, "method": method, "params": params or {}}
        if page:
            msg["sessionId"] = self.session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        while True:
            m = self.recv()
            if m.get("id") == self.id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m["result"]
            self.events.append(m)

    def load(self, url):
        self.events = []
        self.call("Page.navigate", {"url": url}, True)
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self.events.append(self.recv())

    def box(self, selector):
        doc = self.call("DOM.getDocument", {}, True)
        node = self.call("DOM.querySelector", {
            "nodeId": doc["root"]["nodeId"], "selector": selector}, True)["nodeId"]
        if node == 0:
            return None
        q = self.call("DOM.getBoxModel", {"nodeId": node}, True)["model"]["border"]
        return q[0], q[1], q[4], q[5]  # left, top, right, bottom

    def shot(self, path):
        m = self.call("Page.getLayoutMetrics", {}, True)["cssContentSize"]
        data = self.call("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": m["width"], "height": m["height"],
                     "scale": 1}}, True)["data"]
        open(path, "wb").write(base64.b64decode(data))
        return m

    def close(self):
        try:
            self.call("Browser.close")
        except (EOFError, OSError, RuntimeError, TimeoutError):
            pass
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


def region_counts(path, box, colours):
    """In box (CSS px = image px at scale 1): pixels not white, and of
    each colour."""
    w, h, bpp, rows = png_pixels(path)
    x0, y0, x1, y1 = (int(v) for v in box)
    ink, hits = 0, [0] * len(colours)
    for y in range(max(0, y0), min(h, y1)):
        row = rows[y]
        for x in range(max(0, x0) * bpp, min(w, x1) * bpp, bpp):
            px = (row[x], row[x + 1], row[x + 2])
            if px != (255, 255, 255):
                ink += 1
            for i, c in enumerate(colours):
                if px == c:
                    hits[i] += 1
    return ink, hits


def browse(b, url, label, work):
    """Load the page once: no request but the page itself, no console
    message, both plots drawn where the layout puts them."""
    b.load(url)
    for e in b.events:
        m, prm = e.get("method", ""), e.get("params", {})
        if m == "Network.requestWillBeSent" and prm["request"]["url"] != url:
            fail("%s: the page asked for %s" % (label, prm["request"]["url"]))
        if m in ("Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded"):
            fail("%s: console: %s" % (label, json.dumps(prm)[:300]))
    shot = os.path.join(work, label.replace(" ", "-") + ".png")
    size = b.shot(shot)
    for sel, colours, least in (("#histogram", [HIST], 500), ("#passrates", list(BARS), 200)):
        box = b.box(sel)
        if box is None:
            fail("%s: no %s in the page" % (label, sel))
            continue
        ink, hits = region_counts(shot, box, colours)
        if ink < least or sum(hits) < least:
            fail("%s: %s is blank (%d pixels drawn, %d of its colours)" % (label, sel, ink, sum(hits)))
    if os.environ.get("KEEP_SHOTS"):
        shutil.copy(shot, "%s-%s.png" % (os.environ["KEEP_SHOTS"], label.replace(" ", "-")))
    return size


def static_checks(html, name):
    for bad, why in ((r"<script", "a script"), (r"<link", "a link element"),
                     (r"\ssrc\s*=", "a src attribute"), (r"url\(", "a CSS url()"),
                     (r"@import", "a CSS @import")):
        if re.search(bad, html, re.I):
            fail("%s: %s" % (name, why))
    for href in re.findall(r'href="([^"]*)"', html):
        if re.match(r"[a-z][a-z0-9+.-]*:", href, re.I) or href.startswith("//"):
            fail("%s: a link that leaves the tree: %s" % (name, href))


def main():
    out = sys.argv[1]
    page = os.path.join(out, "report.html")
    html = open(page, encoding="utf-8").read()
    static_checks(html, "report.html")
    links = re.findall(r'href="(students/[^"]*)"', html)
    if not links:
        fail("report.html: no link to a student's report")
    for link in links[:3]:
        path = os.path.join(out, link.replace("%25", "%"))
        if not os.path.isfile(path):
            fail("report.html: %s does not exist" % link)
            continue
        static_checks(open(path, encoding="utf-8").read(), link)
        t = subprocess.run(["tidy", "-errors", "-q", path], capture_output=True, text=True)
        if t.returncode != 0:
            fail("tidy %s: %s" % (link, t.stderr.strip()))
    t = subprocess.run(["tidy", "-errors", "-q", page], capture_output=True, text=True)
    if t.returncode != 0:
        fail("tidy report.html: %s" % t.stderr.strip())
    url = "file://" + os.path.abspath(page)
    work = tempfile.mkdtemp(prefix="labgrade-dash-")
    b = None
    try:
        b = Browser(os.path.join(work, "profile"))
        for d in ("Page.enable", "Network.enable", "Runtime.enable", "Log.enable"):
            b.call(d, None, True)
        browse(b, url, "JavaScript enabled", work)
        b.call("Emulation.setScriptExecutionDisabled", {"value": True}, True)
        browse(b, url, "JavaScript disabled", work)
        b.call("Emulation.setDeviceMetricsOverride", {
            "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}, True)
        size = browse(b, url, "phone", work)
        if size["width"] > 390:
            fail("phone: the page is %d px wide on a 390 px screen" % size["width"])
        pdf = b.call("Page.printToPDF", {}, True)["data"]
        if base64.b64decode(pdf)[:5] != b"%PDF-":
            fail("printing: no PDF")
    except (EOFError, OSError, RuntimeError, TimeoutError) as e:
        fail("chromium: %s" % e)
    finally:
        if b is not None:
            b.close()
        shutil.rmtree(work, ignore_errors=True)
    for f in fails:
        print("dashboard-check: " + f)
    if not fails:
        print("OK")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())

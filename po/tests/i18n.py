#!/usr/bin/env python3
"""The i18n suite's helpers (po/tests/check_i18n.c runs them).

i18n.py normalize TOP SUB  stdin -> stdout: a labgrade text report with
                       what changes from run to run (times, the client's
                       port, the kit's and the submission's paths, dates,
                       the rubric hash) replaced
i18n.py formats EN PT  compare two labgrade --out folders of the same
                       grading in two languages: every machine-read part
                       must be identical, only prose fields may differ;
                       prints each difference, exit 1 if any
i18n.py dashboard EN PT [EN PT ...]  pairs of the same class page (the
                       dashboard, a student's) in English and in pt-BR:
                       <html lang> "en" and "pt-BR", and no text of the
                       pt-BR page (outside a report's <pre>) that is the
                       English page's and holds an English word; prints
                       each, exit 1 if any
i18n.py evil-po FILE   a pt_BR catalogue whose dashboard translations
                       carry markup (escaping must make it text)
i18n.py escaped PAGE   that markup shows as text in PAGE, never as markup
i18n.py man TOP        every man page of the kit (NAME.1 under capture/
                       and grader/) has a pt-BR page (NAME.pt_BR.1) with
                       the same structure: the same sections and
                       subsections in the same order, in each the same
                       number of tagged paragraphs (.TP), the same
                       options and the same code names (files, folders,
                       tests) in bold or italics; prints each
                       difference, exit 1 if any
i18n.py svg EN PT [EN PT ...]  pairs of the same labsniff --svg picture
                       in English and pt-BR: PT is UTF-8 (no '?' for a
                       letter) and none of its texts is EN's and holds an
                       English word; prints each, exit 1 if any
i18n.py demo TOP LOCALEDIR  make demo's recipes (Makefile, every lab's
                       demo.mk) print no prose but through a gettext
                       "..." that 'make pot' extracts (xgettext, Shell),
                       and gettext(1) finds each in pt_BR in LOCALEDIR;
                       prints each miss, exit 1 if any
"""
import glob, subprocess
import html.parser, json, os, re, sys
import xml.etree.ElementTree as ET


def normalize(text, top, sub):
    text = text.replace(sub, "SUB").replace(top + "/", "KIT/")
    # a kit in a folder such as "my kit (copy)" has its paths quoted
    text = re.sub(r"'(KIT/[\w./+,:@%=-]*)'", r"\1", text)
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+", "DATE", text)
    text = re.sub(r"\(hash [0-9a-f]+\)", "(hash HASH)", text)
    text = re.sub(r"[^\s]*/labgrade --only", "labgrade --only", text)
    text = re.sub(r"[^\s]*/labpeer ", "labpeer ", text)
    text = re.sub(r"(127\.0\.0\.1|\]):(?!12000\b)\d{4,5}\b", r"\1:PORT", text)
    # times and RTTs; never an address or a version (more than one dot)
    text = re.sub(r"(?<![\d.])\d+\.\d+(?![\d.])", "N.N", text)
    return text


# JSON fields written in the report's language (each report's "lang" too).
PROSE = {"lang", "summary", "reason", "explain", "outcome", "out_tail",
         "err_tail", "trace", "build_failure", "build_log", "cell_note",
         "output", "repro_build"}
# What differs between two runs whatever the language: times, and what
# the student's program printed (its RTTs).
TIMES = {"seconds", "time", "stdout_tail", "stderr_tail"}


def strip_json(v):
    if isinstance(v, dict):
        return {k: strip_json(x) for k, x in v.items()
                if k not in PROSE and k not in TIMES}
    if isinstance(v, list):
        return [strip_json(x) for x in v]
    return v


def gradescope(v):
    v = strip_json(v)
    for t in v.get("tests", []):   # "name: summary": the name is the key
        t["name"] = t["name"].split(":", 1)[0]
    return v


def junit(path):
    def walk(e):
        attrs = {k: x for k, x in e.attrib.items()
                 if k not in ("message", "time") and
                 not (e.tag == "property" and k == "value" and
                      e.attrib.get("name") == "lang")}
        return (e.tag, sorted(attrs.items()),
                [walk(c) for c in e])      # element text is prose
    return walk(ET.parse(path).getroot())


def tap(path):
    out = []
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or line.startswith("  "):
            continue                       # comments and details: prose
        out.append(re.sub(r" # SKIP .*", " # SKIP", line.rstrip("\n")))
    return out


def autolab(path):
    return open(path, encoding="utf-8").read().rstrip("\n").split("\n")[-1]


def formats(en, pt):
    bad = []
    for name, read in (("report.json", lambda p: strip_json(json.load(open(p)))),
                       ("results.json", lambda p: gradescope(json.load(open(p)))),
                       ("report.csv", lambda p: open(p, "rb").read()),
                       ("report.tap", tap), ("junit.xml", junit),
                       ("autolab.txt", autolab)):
        a, b = read(os.path.join(en, name)), read(os.path.join(pt, name))
        if a != b:
            bad.append("%s differs:\n  en: %.600r\n  pt: %.600r" % (name, a, b))
    langs = (json.load(open(os.path.join(en, "report.json")))["lang"],
             json.load(open(os.path.join(pt, "report.json")))["lang"])
    if langs != ("en", "pt_BR"):
        bad.append("report.json lang: %r, want ('en', 'pt_BR')" % (langs,))
    print("\n".join(bad))
    return 1 if bad else 0


# Words only English prose has (the dashboard's, and check_i18n.c's):
# a pt-BR text still holding one, as a whole word, was not translated.
# Test names (client_late_reply), files (grades.csv) and students'
# folders are data: one word with their '_', '.' and '-'.
ENGLISH = set("""the is not no and of to with for in by after before each
every one only none class report graded empty built error grader late
below scores score histogram test tests what it checks passed ran run
mean median max maximum slowest student students status plot see rate
pass submission submissions seed rubric hash gradebook metadata similar
pairs hint never verdict days due date sources file times nothing
""".split())


class Texts(html.parser.HTMLParser):
    """A page's texts for people: text nodes outside <pre>, <style>,
    <code> and a link to a student (a name is data), and aria-label and
    title attributes; and <html lang>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.skip, self.lang, self.pre_lang = [], 0, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "pre":
            self.pre_lang = a.get("lang", "")
        if tag in ("pre", "style", "code") or (
                tag == "a" and a.get("href", "").startswith("students/")):
            self.skip += 1
        for k in ("aria-label", "title"):
            if a.get(k):
                self.texts.append(a[k])

    def handle_endtag(self, tag):
        if tag in ("pre", "style", "code") or (tag == "a" and self.skip):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.texts.append(data.strip())


def page_texts(path):
    t = Texts()
    t.feed(open(path, encoding="utf-8").read())
    return t


def dashboard(pairs):
    bad = []
    for en_path, pt_path in zip(pairs[0::2], pairs[1::2]):
        en, pt = page_texts(en_path), page_texts(pt_path)
        if en.lang != "en" or pt.lang != "pt-BR":
            bad.append("%s: <html lang=%r>, %s: <html lang=%r>; want en, pt-BR"
                       % (en_path, en.lang, pt_path, pt.lang))
        seen = set(en.texts)
        for text in pt.texts:
            words = set(re.findall(r"(?<![\w-])(?<!\w\.)[A-Za-z]+(?![\w-]|\.\w)",
                                   text))
            if text in seen and words & ENGLISH:
                bad.append("%s: untranslated: %r" % (pt_path, text[:160]))
    print("\n".join(bad))
    return 1 if bad else 0


# Dashboard messages whose pt_BR translation carries markup.
EVIL = {
    "%s: class report": "<script>alert(1)</script>%s",
    "Gradebook: %s (metadata: %s). Similar pairs: %s (a hint, never a "
    "verdict).": '<a href="https://evil.example/">x</a> %s %s %s',
    "Scores": "<img src=x onerror=alert(1)>",
    ("graded", "graded"): "<b>g</b> &amp; it's",
}


def po_str(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def evil_po(path):
    with open(path, "w", encoding="utf-8") as f:
        f.write('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8'
                '\\nLanguage: pt_BR\\nPlural-Forms: nplurals=2; '
                'plural=(n != 1);\\n"\n')
        for k, v in EVIL.items():
            if isinstance(k, tuple):
                f.write("\nmsgid %s\nmsgid_plural %s\nmsgstr[0] %s\n"
                        "msgstr[1] %s\n" % (po_str(k[0]), po_str(k[1]),
                                            po_str(v), po_str(v)))
            else:
                f.write("\nmsgid %s\nmsgstr %s\n" % (po_str(k), po_str(v)))
    return 0


def escaped(page):
    raw = open(page, encoding="utf-8").read()
    bad = [what for what, ok in (
        ("a <script>", "<script" not in raw),
        ("an <img>", "<img" not in raw),
        ("a <b>", "<b>g</b>" not in raw),
        ("a link out", 'href="https://' not in raw),
        ("the script as text", raw.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2),
        ("the link as text", "&lt;a href=&quot;https://evil.example/&quot;&gt;x&lt;/a&gt;" in raw),
        ("the bold as text", "&lt;b&gt;g&lt;/b&gt; &amp;amp; it&#39;s" in raw),
        ("the three links", all('<a href="%s">' % h in raw for h in
                                ("grades.csv", "grades.json", "similarity.txt"))),
    ) if not ok]
    for what in bad:
        print("%s: %s" % (page, what))
    return 1 if bad else 0


def man_sections(path):
    """[(macro, heading, tagged paragraphs, names)] of a man page, the
    lines before the first .SH as one section; names are its options and
    the code (files, folders, tests) it sets in bold or italics."""
    secs = [[".TH", "", 0, set()]]
    for line in open(path, encoding="utf-8"):
        m = re.match(r"\.(SH|SS)\s*(.*)", line)
        if m:
            secs.append(["." + m.group(1), m.group(2).strip('" \n'), 0,
                         set()])
            continue
        if line.startswith(".TP"):
            secs[-1][2] += 1
        secs[-1][3].update(re.findall(r"\\-\\-[a-z0-9]+(?:\\-[a-z0-9]+)*",
                                      line))
        # names in bold or italics that are code: files, folders, tests
        m = re.match(r"\.(?:B|BR|BI|I|IR|RB|RI)\s+(.*)", line)
        for w in (m.group(1).replace('"', " ").split() if m else ()):
            w = w.replace("\\-", "-").strip(",;:()")
            if re.fullmatch(r"[a-z0-9][\w.\-/]*[_/.][\w.\-/]*[a-z0-9/]", w):
                secs[-1][3].add(w)
    return secs


def man(top):
    bad, pages = [], []
    for sub in ("capture", "grader"):
        for d, _, files in os.walk(os.path.join(top, sub)):
            pages += [os.path.join(d, f) for f in files
                      if f.endswith(".1") and not f.endswith(".pt_BR.1")]
    for en_path in sorted(pages):
        pt_path = en_path[:-2] + ".pt_BR.1"
        name = os.path.relpath(pt_path, top)
        if not os.path.exists(pt_path):
            bad.append("%s: missing (%s has no pt-BR page)" % (name, en_path))
            continue
        en, pt = man_sections(en_path), man_sections(pt_path)
        for i, e in enumerate(en):
            p = pt[i] if i < len(pt) else None
            if p is None or p[0] != e[0]:
                bad.append("%s: no %s for the English %s %s (section %d)"
                           % (name, e[0], e[0], e[1], i))
                break
            if p[2] != e[2]:
                bad.append("%s: %s %s has %d tagged paragraphs (.TP), the "
                           "English %s has %d" % (name, p[0], p[1], p[2],
                                                  e[1], e[2]))
            if e[3] - p[3]:
                bad.append("%s: %s %s lacks %s (the English %s has them)"
                           % (name, p[0], p[1], " ".join(sorted(e[3] - p[3])),
                              e[1]))
        else:
            if len(pt) > len(en):
                bad.append("%s: sections the English page has not: %s"
                           % (name, [x[1] for x in pt[len(en):]]))
    print("\n".join(bad))
    return 1 if bad else 0


class SvgTexts(html.parser.HTMLParser):
    """The <text> contents of an SVG picture, but packet labels."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.inside = [], 0

    def handle_starttag(self, tag, attrs):
        # a packet's label is decoded as tcpdump does, in English
        self.inside += tag == "text" and "label" not in dict(attrs).get(
            "class", "")

    def handle_endtag(self, tag):
        self.inside -= tag == "text" and self.inside > 0

    def handle_data(self, data):
        if self.inside and data.strip():
            self.texts.append(data.strip())


def svg(pairs):
    bad = []
    for en_path, pt_path in zip(pairs[0::2], pairs[1::2]):
        raw = open(pt_path, "rb").read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            bad.append("%s: not UTF-8: %s" % (pt_path, e))
            continue
        if "??" in text:
            bad.append("%s: letters written as '?'" % pt_path)
        en, pt = SvgTexts(), SvgTexts()
        en.feed(open(en_path, encoding="utf-8").read())
        pt.feed(text)
        seen = set(en.texts)
        for t in pt.texts:
            words = set(re.findall(r"(?<![\w-])(?<!\w\.)[A-Za-z]+(?![\w-]|\.\w)",
                                   t))
            if t in seen and words & ENGLISH_SVG:
                bad.append("%s: untranslated: %r" % (pt_path, t[:160]))
    print("\n".join(bad))
    return 1 if bad else 0


# The pictures' English words (packet labels, SYN, FIN, reset stay).
ENGLISH_SVG = ENGLISH | set("""conversation conversations client server
timeline open once sent data at time trouble other spoke last handshake
teardown acknowledges closed more drawn packets you hop route probe answer
""".split())


def demo_recipes(path):
    """(line number, line) of the recipes of demo and demo-* targets."""
    out, target = [], None
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if line.startswith("\t"):
            if target is not None:
                out.append((n, line.rstrip("\n")))
            continue
        if re.match(r"(ifn?eq|ifn?def|else|endif)\b", line) or not line.strip():
            continue
        m = re.match(r"([\w$().-]+)\s*:(?!=)", line)
        target = m.group(1) if m and re.fullmatch(r"demo(-[\w-]+)?",
                                                   m.group(1)) else None
    return out


GETTEXT_CALL = re.compile(r'\bgettext "((?:[^"\\]|\\.)*)"')


def demo(top, localedir):
    files = [os.path.join(top, "Makefile")] + sorted(
        glob.glob(os.path.join(top, "grader/labs/*/demo.mk")))
    bad, msgs = [], []
    for path in files:
        for n, line in demo_recipes(path):
            where = "%s:%d" % (os.path.relpath(path, top), n)
            msgs += [(where, m) for m in GETTEXT_CALL.findall(line)]
            rest = GETTEXT_CALL.sub("", line)
            if re.search(r"\b(echo|printf)\s+(\"|')[^\"']*[A-Za-z]{3}", rest):
                bad.append("%s: prose printed without gettext: %s"
                           % (where, line.strip()))
    pot = subprocess.run(
        ["xgettext", "--from-code=UTF-8", "--language=Shell", "-k",
         "--keyword=gettext", "-o", "-"] + files,
        capture_output=True, text=True, check=True).stdout
    extracted = set(re.findall(r'^msgid ((?:".*"\n)+)', pot + "\n", re.M))
    extracted = {"".join(re.findall(r'"(.*)"', m)) for m in extracted}
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "LANG": "pt_BR.UTF-8", "LANGUAGE": "pt_BR",
           "TEXTDOMAIN": "socklab", "TEXTDOMAINDIR": localedir}
    for where, m in msgs:
        if m not in extracted:
            bad.append("%s: make pot does not see %r (write it as "
                       "gettext \"...\" after a ';' or in $$(...))" % (where, m))
        pt = subprocess.run(["gettext", m], env=env, capture_output=True,
                            text=True).stdout
        if pt == m:
            bad.append("%s: not translated in pt_BR: %r" % (where, m))
    if not msgs:
        bad.append("no gettext heading in make demo's recipes")
    print("\n".join(bad))
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "normalize":
        sys.stdout.write(normalize(sys.stdin.read(), sys.argv[2], sys.argv[3]))
    elif sys.argv[1] == "formats":
        sys.exit(formats(sys.argv[2], sys.argv[3]))
    elif sys.argv[1] == "dashboard":
        sys.exit(dashboard(sys.argv[2:]))
    elif sys.argv[1] == "evil-po":
        sys.exit(evil_po(sys.argv[2]))
    elif sys.argv[1] == "escaped":
        sys.exit(escaped(sys.argv[2]))
    elif sys.argv[1] == "man":
        sys.exit(man(sys.argv[2]))
    elif sys.argv[1] == "svg":
        sys.exit(svg(sys.argv[2:]))
    elif sys.argv[1] == "demo":
        sys.exit(demo(sys.argv[2], sys.argv[3]))

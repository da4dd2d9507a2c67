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
"""
import json, os, re, sys
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


if __name__ == "__main__":
    if sys.argv[1] == "normalize":
        sys.stdout.write(normalize(sys.stdin.read(), sys.argv[2], sys.argv[3]))
    elif sys.argv[1] == "formats":
        sys.exit(formats(sys.argv[2], sys.argv[3]))

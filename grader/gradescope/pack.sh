#!/bin/sh
# pack.sh LAB OUT.zip [MANIFEST]: the Gradescope autograder zip for LAB:
# setup.sh, run_autograder, the lab's name, the late policy and the
# kit's sources (socklab.tar.gz).  The sources are the files git tracks
# (never the working tree's strays: student code, grades.csv), or the
# paths MANIFEST lists one per line; never solutions/ (the reference
# programs), build/ or .ci/.  LAB is one of '$LABGRADE --labs' (default
# LABGRADE: build/labgrade of this kit).
# LATE_PENALTY (percent per started day late, default 0: late work is
# only marked) and LATE_MAX_DAYS (after it: 0 points; default: none)
# become the zip's late policy.  LABGRADE_LANG (en, pt_BR; default: the
# container's locale, English) becomes the language of every report.
set -eu
LAB=${1:-}
OUT=${2:-}
MANIFEST=${3:-}
[ -n "$LAB" ] && [ -n "$OUT" ] ||
	{ echo "usage: pack.sh LAB OUT.zip [MANIFEST]" >&2; exit 2; }
case ${LATE_PENALTY:-0}${LATE_MAX_DAYS:-} in
*[!0-9.]*) echo "pack.sh: LATE_PENALTY and LATE_MAX_DAYS are numbers" >&2; exit 2 ;;
esac
if [ -n "$MANIFEST" ]; then
	[ -f "$MANIFEST" ] || { echo "pack.sh: $MANIFEST: no such file" >&2; exit 2; }
	MANIFEST=$(cd "$(dirname "$MANIFEST")" && pwd)/$(basename "$MANIFEST")
fi
TOP=$(cd "$(dirname "$0")/../.." && pwd)
LABGRADE=${LABGRADE:-$TOP/build/labgrade}
if ! "$LABGRADE" --labs | cut -f1 | grep -qxF "$LAB"; then
	echo "pack.sh: LAB must be one of: $("$LABGRADE" --labs | cut -f1 |
		tr '\n' ' ')not '$LAB'" >&2
	exit 2
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TOP"
if [ -n "$MANIFEST" ]; then
	tr '\n' '\0' <"$MANIFEST" >"$TMP/all"
elif git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z >"$TMP/all"
else
	echo "pack.sh: $TOP is not a git checkout: give a MANIFEST of the" \
		"kit's files" >&2
	exit 1
fi
# the kit minus the references, the build and CI; only files that exist
# (a tracked file may have been deleted), NUL-separated all the way
python3 - "$TMP/all" "$TMP/list" <<'PY'
import os, sys
names = [n for n in open(sys.argv[1], "rb").read().split(b"\0") if n]
keep = [n for n in names
        if not n.startswith((b"solutions/", b"build/", b".ci/", b"/"))
        and b"/../" not in b"/" + n and os.path.isfile(n)
        and not os.path.islink(n)]
open(sys.argv[2], "wb").write(b"".join(n + b"\0" for n in keep))
PY
tar czf "$TMP/socklab.tar.gz" --null -T "$TMP/list"
cp grader/gradescope/setup.sh grader/gradescope/run_autograder "$TMP/"
chmod 755 "$TMP/setup.sh" "$TMP/run_autograder"
echo "$LAB" >"$TMP/lab"
# source/lang only when a language is asked for (run_autograder: --lang)
LANGFILE=
case ${LABGRADE_LANG:-} in
'') ;;
[a-z][a-z] | [a-z][a-z]_[A-Z][A-Z]) echo "$LABGRADE_LANG" >"$TMP/lang"; LANGFILE=lang ;;
*) echo "pack.sh: LABGRADE_LANG is a language: en or pt_BR" >&2; exit 2 ;;
esac
printf 'penalty_per_day %s\nmax_days %s\n' "${LATE_PENALTY:-0}" \
	"${LATE_MAX_DAYS:-none}" >"$TMP/late"
rm -f "$OUT"
OUTABS=$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")
(cd "$TMP" && python3 -m zipfile -c "$OUTABS" setup.sh run_autograder lab \
	late $LANGFILE socklab.tar.gz)

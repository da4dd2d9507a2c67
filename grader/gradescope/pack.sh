#!/bin/sh
# pack.sh LAB OUT.zip [LABGRADE]: the Gradescope autograder zip for LAB:
# setup.sh, run_autograder, the lab's name and the kit's sources
# (socklab.tar.gz).  LAB is one of 'LABGRADE --labs' (default LABGRADE:
# build/labgrade of this kit).
set -eu
LAB=$1
OUT=$2
TOP=$(cd "$(dirname "$0")/../.." && pwd)
LABGRADE=${3:-$TOP/build/labgrade}
if ! "$LABGRADE" --labs | cut -f1 | grep -qxF "$LAB"; then
	echo "pack.sh: LAB must be one of: $("$LABGRADE" --labs | cut -f1 |
		tr '\n' ' ')not '$LAB'" >&2
	exit 2
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TOP"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -co --exclude-standard | grep -v '^build/' >"$TMP/files"
else
	find . -path ./build -prune -o -type f -print | sed 's|^\./||' >"$TMP/files"
fi
# only files that exist (a listed file may have been deleted)
while read -r f; do [ -f "$f" ] && echo "$f"; done <"$TMP/files" >"$TMP/list"
tar czf "$TMP/socklab.tar.gz" -T "$TMP/list"
cp grader/gradescope/setup.sh grader/gradescope/run_autograder "$TMP/"
chmod 755 "$TMP/setup.sh" "$TMP/run_autograder"
echo "$LAB" >"$TMP/lab"
rm -f "$OUT"
OUTABS=$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")
(cd "$TMP" && python3 -m zipfile -c "$OUTABS" setup.sh run_autograder lab \
	socklab.tar.gz)

#!/bin/sh
# studentkit_cmds.sh KIT FILE.md DIR: run every shell command that FILE.md
# (a handout, or the README's "For students" section) prints, as a student
# would type it in DIR of the extracted student kit KIT, each block in a
# private network namespace (port 12000 is always free there).
#
# The commands come from the Markdown itself, so a handout edit cannot
# drift from the test: fenced ```sh blocks (handouts), or the 4-space
# indented blocks of the README's "## For students" section (each line
# on its own, from the top folder, as the README says).
#
# A block runs unattended unless it only starts servers (labpeer
# *-server, ./udp_server PORT...: they are for a second terminal); a
# server started with other commands goes to the background, and the
# block waits for its port before going on (the two terminals of the
# handout in one shell).  A line that needs a placeholder filled in
# (path/to/) or a tool the kit does not install (nc) is skipped.
# 'make grade' runs from the kit's top folder, as the handouts say.
#
# Sample outputs: from the section that runs the programs "by hand" ("à
# mão") on, every plain fenced block (```
# without a language) must be marked on the line before it, either
# <!-- sample-output --> (checked: each of its lines, normalised, must be
# a line of what the last ```sh block above it printed, normalised) or
# <!-- sample-output: unchecked, WHY --> (said so), or, for commands the
# test cannot run (root), <!-- not run: WHY -->.  Normalised: dates,
# decimal numbers (times, RTTs), numbers of 4-5 digits other than 12000
# (ports) and process ids ("pid N", "kill N") become placeholders, runs of blanks one blank; a
# "..." in a sample line stands for anything.  The order of the lines is
# not checked (labsniff mixes the programs' output with the packets).
# A block whose comment says "no server" (or "nenhum servidor") gets no
# server started for it.
# With SAMPLES_DIR set, each block's output is also kept there
# (BLOCK.out), to paste from.
#
# The kit's tools must work as printed: no "command not found", "No such
# file", "not implemented yet", unknown option; labgrade and 'make grade'
# exit 0 with full marks; labpeer's clients exit 0 (verdict ok); labsniff
# is never given bad arguments (status 2).  The lab folders must hold
# finished programs (the test copies the references there).
#
# Prints one line per block (ran/skipped and why, or FAIL with its
# output); exits 0 when every block that ran passed, 1 otherwise.
set -u
KIT=$1
MD=$2
DIR=$3
# Under the test runner's private /var/tmp folder when there is one.
TMP=$(mktemp -d "${KIT_VARTMP:-/var/tmp}/studentkit-cmds-XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
mode=fenced
case $MD in */README.md) [ "$(dirname "$MD")" = "$KIT" ] && mode=readme ;; esac

# Extract: one file per block, backslash-continued lines joined; the
# marked sample outputs, one file per sample, named after the sh block
# above them; unmarked plain blocks from section 6 on, in "unmarked".
awk -v mode="$mode" -v out="$TMP/block" -v smp="$TMP/sample" \
    -v unmarked="$TMP/unmarked" '
function flush() { if (n > 0) { close(f) } n = 0 }
function emit(l) {
	if (cont != "") { l = cont l; cont = "" }
	if (l ~ /\\$/) { sub(/\\$/, "", l); cont = l; return }
	if (n == 0) { b++; f = out "." b }
	print l > f; n++
}
mode == "fenced" && /^## [0-9]+\..*(by hand|à mão)/ { samples_on = 1 }
mode == "fenced" && /^[ \t]*```sh[ \t]*$/ { inb = 1; next }
mode == "fenced" && inb && /^[ \t]*```/ { inb = 0; prev = ""; flush(); next }
mode == "fenced" && inb { emit($0); next }
mode == "fenced" && inother && /^[ \t]*```/ { inother = 0; prev = ""; next }
mode == "fenced" && inother { next }
mode == "fenced" && ins && /^[ \t]*```/ { ins = 0; prev = ""; if (sf != "") close(sf); sf = ""; next }
mode == "fenced" && ins { if (sf != "") print > sf; next }
mode == "fenced" && /^[ \t]*```[ \t]*$/ {
	ins = 1; sf = ""
	if (prev ~ /<!-- sample-output -->/) { ns++; sf = smp "." b "." ns }
	else if (prev !~ /<!-- (sample-output: unchecked|not run:)/ && samples_on)
		print FILENAME ":" NR ": a sample output without a sample-output mark" > unmarked
	next
}
mode == "fenced" && /^[ \t]*```/ { inother = 1; next }
mode == "fenced" && $0 !~ /^[ \t]*$/ { prev = $0 }
mode == "readme" && /^## / { sec = ($0 ~ /^## For students/); flush(); next }
mode == "readme" && sec && /^    [^ ]/ { l = $0; sub(/^    /, "", l); emit(l); next }
mode == "readme" && sec && /^    [ ]/ { l = $0; sub(/^ +/, " ", l); emit(l); next }
mode == "readme" { flush() }
' "$MD"

is_server() {
	printf '%s\n' "$1" | sed 's/[[:space:]]#.*//' | grep -Eq \
	    '^[[:space:]]*([^[:space:]]*/)?(labpeer (udp|tcp)-server|(udp|tcp)_server [0-9]+)([[:space:]][^&]*)?[[:space:]]*&?[[:space:]]*$'
}

# A printed or a real output line, with what varies from run to run
# replaced (see the top).
norm() {
	sed -E 's/(pid|kill) [0-9]+/\1 N/g;
	    s/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?/DATE/g;
	    s/[0-9]+\.[0-9]+/#/g;
	    s/12000/@PORT@/g;
	    s/(^|[^0-9])[0-9]{4,5}([^0-9]|$)/\1P\2/g;
	    s/(^|[^0-9])[0-9]{4,5}([^0-9]|$)/\1P\2/g;
	    s/@PORT@/12000/g;
	    s/[[:space:]]+/ /g; s/^ //; s/ $//' "$1"
}

status=0
ran=0
samples=0
if [ -s "$TMP/unmarked" ]; then
	echo "FAIL: $MD: sample outputs must be marked (see studentkit_cmds.sh):"
	sed 's/^/    | /' "$TMP/unmarked"
	status=1
fi
for sm in $(ls "$TMP" | grep '^sample\.'); do
	n=$(echo "$sm" | cut -d. -f2)
	[ -n "$n" ] && [ -e "$TMP/block.$n" ] && continue
	echo "FAIL: $MD: a checked sample output with no sh block above it"
	status=1
done
for b in $(ls "$TMP" | grep '^block\.' | sort -t. -k2 -n); do
	f=$TMP/$b
	first=$(head -n 1 "$f")
	script=$TMP/$b.sh
	others=0
	servers=0
	skip=""
	while IFS= read -r l; do
		case $l in '' | '#'*) continue ;; esac
		if is_server "$l"; then servers=$((servers + 1)); else others=$((others + 1)); fi
		case $l in *path/to/*) [ "$mode" = readme ] || skip="a placeholder to fill in (path/to/)" ;; esac
		case $l in *'| nc '*) command -v nc >/dev/null 2>&1 || skip="nc is not installed" ;; esac
	done <"$f"
	[ "$others" -eq 0 ] && skip="only starts a server (for a second terminal)"
	if [ -n "$skip" ]; then
		echo "skip: $MD block: $first: $skip"
		if ls "$TMP" | grep -Eq "^sample\.${b#block.}\.[0-9]+\$"; then
			echo "FAIL: $MD block: $first: a checked sample output follows a block that does not run"
			status=1
		fi
		continue
	fi
	{
		echo 'wait_port() { i=0; until ss -Hlntu "sport = :$1" | grep -q .; do i=$((i + 1)); [ $i -gt 200 ] && { echo "@@ no server on port $1" >&2; return 1; }; sleep 0.05; done; }'
		# The handouts run a client against "your server, started in a
		# second terminal": a block without a server of its own gets the
		# lab's server (the finished one, DIR/*_server) in the background,
		# its log in the block's output.
		if [ "$mode" = fenced ] && [ "$servers" -eq 0 ] &&
		    ! grep -Eq '^#.*(no server|nenhum servidor)' "$f"; then
			for s in "$DIR"/*_server; do
				[ -x "$s" ] || continue
				echo "./${s##*/} 12000 &"; echo 'wait_port 12000'
				break
			done
		fi
		if [ "$mode" = readme ]; then
			grep -q 'labpeer udp-client' "$f" && { echo "(cd '$KIT' && exec labs/lab1-udp/udp_server 12000 >/dev/null) &"; echo 'wait_port 12000'; }
			grep -q 'labpeer tcp-client' "$f" && { echo "(cd '$KIT' && exec labs/lab2-tcp/tcp_server 12000 >/dev/null) &"; echo 'wait_port 12000'; }
		fi
		n=0
		while IFS= read -r l; do
			n=$((n + 1))
			case $l in '' | '#'*) continue ;; esac
			if [ "$mode" = readme ] && ! is_server "$l"; then
				case $l in *path/to/*) continue ;; esac
			fi
			if is_server "$l"; then
				[ "$mode" = readme ] && continue
				port=$(printf '%s\n' "$l" | sed 's/[[:space:]]#.*//' | grep -Eo '[[:space:]][0-9]{4,5}([[:space:]]|$)' | head -n 1 | tr -d ' \t')
				case $l in *'&'*) echo "$l" ;; *) echo "$l &" ;; esac
				echo "wait_port ${port:-12000}"
				continue
			fi
			# In a subshell, a trailing comment would eat the ')'.
			bare=$(printf '%s\n' "$l" | sed 's/[[:space:]]#.*//')
			case $l in
			'make grade'*) line="(cd '$KIT' && $bare)" ;;
			*) if [ "$mode" = readme ]; then line="(cd '$KIT' && $bare)"; else line=$l; fi ;;
			esac
			echo "$line"
			tool=$(printf '%s\n' "$l" | awk '{ w = $1; sub(/.*\//, "", w); if (w == "make" && $2 == "grade") w = "make-grade"; if (w == "labpeer") w = w "-" $2; print w }')
			case $tool in
			labgrade | make-grade | labsniff | labpeer-*) echo "echo \"@@rc \$? $tool $n\"" ;;
			esac
		done <"$f"
		echo 'kill $(jobs -p) 2>/dev/null; wait'
	} >"$script"
	out=$TMP/$b.out
	if [ "$(id -u)" = 0 ]; then ns="unshare -n"; else ns="unshare -rn"; fi
	# bash, as a student's terminal: 'kill %1' names a job there.
	timeout -k 5 180 $ns sh -c 'ip link set lo up && cd "$1" && bash "$2"' sh "$DIR" "$script" >"$out" 2>&1
	rc=$?
	# A labpeer --background the block started says its pid: end it
	# (it would serve on, alone in the namespace, for 60 s).
	for pid in $(sed -n 's/.*(kill \([0-9][0-9]*\) ends it).*/\1/p' "$out"); do
		kill "$pid" 2>/dev/null
	done
	why=""
	[ $rc -eq 124 ] && why="did not end within 180 s"
	grep -Eq 'command not found|No such file or directory|not implemented yet|cannot find the kit|unknown option|unrecognized option|invalid option|bad option|@@ no server' "$out" &&
	    why="$why$(grep -Em1 'command not found|No such file or directory|not implemented yet|cannot find the kit|unknown option|unrecognized option|invalid option|bad option|@@ no server' "$out")"
	while read -r tag code tool n; do
		[ "$tag" = "@@rc" ] || continue
		case $tool in
		labgrade | make-grade | labpeer-udp-client | labpeer-tcp-client)
			[ "$code" = 0 ] || why="$why [$tool, line $n: status $code, expected 0]" ;;
		*) case $code in 2 | 126 | 127) why="$why [$tool, line $n: status $code]" ;; esac ;;
		esac
	done <"$out"
	case $(cat "$f") in
	*labgrade* | *'make grade'*)
		grep -q 'total: 100/100 points' "$out" || why="$why [the grading did not print 'total: 100/100 points']" ;;
	esac
	[ -n "${SAMPLES_DIR:-}" ] && cp "$out" "$SAMPLES_DIR/$(basename "$MD").${b#block.}.out"
	# The sample outputs printed after this block: every line, as
	# printed, must be one it printed (both normalised).
	norm "$out" >"$out.norm"
	for sm in $(ls "$TMP" | grep -E "^sample\.${b#block.}\.[0-9]+\$" | sort -t. -k3 -n); do
		norm "$TMP/$sm" | while IFS= read -r sl; do
			[ -z "$sl" ] && continue
			re=$(printf '%s\n' "$sl" | sed 's/[][\.*^$+?(){}|/]/\\&/g; s/\\\.\\\.\\\./.*/g')
			grep -Eqx -- "$re" "$out.norm" || echo "$sl"
		done >"$TMP/$sm.missing"
		if [ -s "$TMP/$sm.missing" ]; then
			why="$why [a sample output printed after it does not match what it prints now; its lines not printed:$(head -n 5 "$TMP/$sm.missing" | sed 's/^/ | /' | tr '\n' ' ')]"
		fi
		samples=$((samples + 1))
	done
	ran=$((ran + 1))
	if [ -n "$why" ]; then
		echo "FAIL: $MD block: $first: $why"
		sed 's/^/    | /' "$out" | tail -n 20 | cut -c1-160
		status=1
	else
		echo "ok: $MD block: $first"
	fi
done
echo "blocks run: $ran; sample outputs checked: $samples"
[ "$ran" -gt 0 ] || status=1
exit $status

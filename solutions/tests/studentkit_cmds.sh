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
TMP=$(mktemp -d /var/tmp/studentkit-cmds-XXXXXX) || exit 1
trap 'rm -rf "$TMP"' EXIT
mode=fenced
case $MD in */README.md) [ "$(dirname "$MD")" = "$KIT" ] && mode=readme ;; esac

# Extract: one file per block, backslash-continued lines joined.
awk -v mode="$mode" -v out="$TMP/block" '
function flush() { if (n > 0) { close(f) } n = 0 }
function emit(l) {
	if (cont != "") { l = cont l; cont = "" }
	if (l ~ /\\$/) { sub(/\\$/, "", l); cont = l; return }
	if (n == 0) { b++; f = out "." b }
	print l > f; n++
}
mode == "fenced" && /^[ \t]*```sh[ \t]*$/ { inb = 1; next }
mode == "fenced" && inb && /^[ \t]*```/ { inb = 0; flush(); next }
mode == "fenced" && inb { emit($0); next }
mode == "readme" && /^## / { sec = ($0 ~ /^## For students/); flush(); next }
mode == "readme" && sec && /^    [^ ]/ { l = $0; sub(/^    /, "", l); emit(l); next }
mode == "readme" && sec && /^    [ ]/ { l = $0; sub(/^ +/, " ", l); emit(l); next }
mode == "readme" { flush() }
' "$MD"

is_server() {
	printf '%s\n' "$1" | sed 's/[[:space:]]#.*//' | grep -Eq \
	    '^[[:space:]]*([^[:space:]]*/)?(labpeer (udp|tcp)-server|(udp|tcp)_server [0-9]+)([[:space:]][^&]*)?[[:space:]]*&?[[:space:]]*$'
}

status=0
ran=0
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
		continue
	fi
	{
		echo 'wait_port() { i=0; until ss -Hlntu "sport = :$1" | grep -q .; do i=$((i + 1)); [ $i -gt 200 ] && { echo "@@ no server on port $1" >&2; return 1; }; sleep 0.05; done; }'
		# The handouts run a client against "your server, started in a
		# second terminal": a block without a server of its own gets the
		# lab's server (the finished one, DIR/*_server) in the background.
		if [ "$mode" = fenced ] && [ "$servers" -eq 0 ]; then
			for s in "$DIR"/*_server; do
				[ -x "$s" ] || continue
				echo "./${s##*/} 12000 >/dev/null &"; echo 'wait_port 12000'
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
	ran=$((ran + 1))
	if [ -n "$why" ]; then
		echo "FAIL: $MD block: $first: $why"
		sed 's/^/    | /' "$out" | tail -n 20 | cut -c1-160
		status=1
	else
		echo "ok: $MD block: $first"
	fi
done
echo "blocks run: $ran"
[ "$ran" -gt 0 ] || status=1
exit $status

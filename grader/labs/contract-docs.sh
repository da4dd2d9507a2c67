#!/bin/sh
# Write the traceability tables into grader/labs/CONTRACT.md from the
# registry (grader/labs/contract.c), between the lines
#   <!-- contract LAB: generated -->  and  <!-- end contract LAB -->
# Usage: sh grader/labs/contract-docs.sh LABGRADE [FILE]   (make contract-docs)
set -eu
labgrade=$1
file=${2:-grader/labs/CONTRACT.md}
tmp=$(mktemp "${TMPDIR:-/tmp}/contract-docs.XXXXXX")
trap 'rm -f "$tmp" "$tmp.t"' EXIT INT TERM
cp "$file" "$tmp"
for lab in lab1-udp lab2-tcp; do
	"$labgrade" --contract "$lab" > "$tmp.t"
	awk -v lab="$lab" -v table="$tmp.t" '
	$0 == "<!-- contract " lab ": generated -->" {
		print; while ((getline l < table) > 0) print l; skip = 1; next }
	$0 == "<!-- end contract " lab " -->" { skip = 0 }
	!skip { print }' "$tmp" > "$tmp.new"
	mv "$tmp.new" "$tmp"
done
cp "$tmp" "$file"

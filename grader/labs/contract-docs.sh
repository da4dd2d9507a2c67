#!/bin/sh
# Write the traceability tables into grader/labs/CONTRACT.md from the
# registry (each lab's table in grader/labs/NAME/NAME.c), between the lines
#   <!-- contract LAB: generated -->  and  <!-- end contract LAB -->
# for every lab `labgrade --labs` lists; a lab without those lines yet gets
# a section of its own at the end ("## TITLE"), so a new lab needs no edit
# here or there.
# Usage: sh grader/labs/contract-docs.sh LABGRADE [FILE]   (make contract-docs)
set -eu
labgrade=$1
file=${2:-grader/labs/CONTRACT.md}
tmp=$(mktemp "${TMPDIR:-/tmp}/contract-docs.XXXXXX")
trap 'rm -f "$tmp" "$tmp.t" "$tmp.l" "$tmp.new"' EXIT INT TERM
cp "$file" "$tmp"
"$labgrade" --labs > "$tmp.l"
while IFS='	' read -r lab title; do
	if ! grep -qx "<!-- contract $lab: generated -->" "$tmp"; then
		printf '\n## %s\n\n<!-- contract %s: generated -->\n<!-- end contract %s -->\n' \
			"$title" "$lab" "$lab" >> "$tmp"
	fi
	"$labgrade" --contract "$lab" > "$tmp.t"
	awk -v lab="$lab" -v table="$tmp.t" '
	$0 == "<!-- contract " lab ": generated -->" {
		print; while ((getline l < table) > 0) print l; skip = 1; next }
	$0 == "<!-- end contract " lab " -->" { skip = 0 }
	!skip { print }' "$tmp" > "$tmp.new"
	mv "$tmp.new" "$tmp"
done < "$tmp.l"
cp "$tmp" "$file"

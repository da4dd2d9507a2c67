#!/bin/sh
# grader/bench/bench.sh LABGRADE: how long grading takes.
#  1. one submission (the reference solutions), each lab, 5 runs:
#     wall-clock min/median/max (goal: at most 5 s);
#  2. a class of 40 copies of the first lab's reference with -j 4: total wall
#     clock (goal: at most 2 minutes), the spread of the per-student
#     grading times, and whether all 40 results are identical (no test
#     flaky under load): exit status 1 if they are not.
set -eu
LG=${1:-build/labgrade}
RUNS=${BENCH_RUNS:-5}
CLASS=${BENCH_CLASS:-40}
JOBS=${BENCH_JOBS:-4}
TMP=$(mktemp -d /var/tmp/labgrade-bench-XXXXXX)
trap 'rm -rf "$TMP"' EXIT

now() { date +%s.%N; }
stats() {	# stdin: one number a line -> "min median max" (3 decimals)
	sort -n | awk '{ v[NR] = $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "min %.2f s, median %.2f s, max %.2f s", v[1], m, v[NR] }'
}

echo "bench: labgrade on $(nproc) CPUs ($(uname -sr)), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
LABS=$("$LG" --labs | cut -f1)
FIRST=$(echo "$LABS" | head -n 1)
for lab in $LABS; do
	: >"$TMP/times"
	i=0
	while [ $i -lt "$RUNS" ]; do
		t0=$(now)
		"$LG" --format json "$lab" "solutions/$lab" >"$TMP/r.json"
		t1=$(now)
		awk "BEGIN { print $t1 - $t0 }" >>"$TMP/times"
		score=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%g/%g" % (d["score"], d["max_score"]))' "$TMP/r.json")
		i=$((i + 1))
	done
	printf 'bench: one grading of solutions/%s (%s runs, score %s): %s (goal <= 5 s)\n' \
		"$lab" "$RUNS" "$score" "$(stats <"$TMP/times")"
done

mkdir "$TMP/class"
i=1
while [ $i -le "$CLASS" ]; do
	d=$(printf '%s/class/student%02d' "$TMP" $i)
	mkdir "$d"
	for f in $("$LG" --sources "$FIRST"); do cp "solutions/$FIRST/$f" "$d/"; done
	i=$((i + 1))
done
t0=$(now)
"$LG" --class "$TMP/class" -j "$JOBS" "$FIRST" 2>"$TMP/class.err" || true
t1=$(now)
total=$(awk "BEGIN { print $t1 - $t0 }")
for f in "$TMP"/class-labgrade/students/student*/report.json; do
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"])' "$f"
done >"$TMP/each"
distinct=$(cut -d, -f2- "$TMP/class-labgrade/grades.csv" | tail -n +2 | sort | uniq -c | wc -l)
printf 'bench: class of %s with -j %s: %.1f s wall (goal <= 120 s); per student %s\n' \
	"$CLASS" "$JOBS" "$total" "$(stats <"$TMP/each")"
if [ "$distinct" -eq 1 ]; then
	printf 'bench: all %s results identical: %s\n' "$CLASS" \
		"$(sed -n 2p "$TMP/class-labgrade/grades.csv" | cut -d, -f3,4)"
else
	echo "bench: the $CLASS identical submissions got $distinct different results:"
	cut -d, -f2- "$TMP/class-labgrade/grades.csv" | tail -n +2 | sort | uniq -c
	exit 1
fi

#!/bin/sh
# make test-loaded: 'make test' LOADED_RUNS times in a row (default 3)
# while 2 x nproc CPU hogs run at normal priority, as on a shared
# server.  Each hog ends by itself after LOADED_SECONDS (default 3600
# per run: a safety net should this script be killed with SIGKILL); all
# are killed when this script ends, fails or is interrupted.  A run
# that would start with a hog gone (LOADED_SECONDS too short) is not
# run: the script says so and fails (status 3).
# LOADED_SUITES="selftest lab1 lab2" runs only those Check suites (one
# 'make test' with CK_RUN_SUITE each, per run) instead of all of them.
# Exit status: that of the first 'make test' that fails, 3 when a hog
# ended too soon, else 0.
set -u
runs=${LOADED_RUNS:-3}
secs=${LOADED_SECONDS:-$((runs * 3600))}
make=${MAKE:-make}
n=$((2 * $(nproc)))
pids=""

# Each hog's shell and the timeout above it, by their process ids (a
# timeout killed while it starts could leave its shell behind).
stop_hogs() {
	for p in $pids; do
		pkill -TERM -P "$p" 2>/dev/null
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	pids=""
}
trap stop_hogs EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

i=0
while [ "$i" -lt "$n" ]; do
	timeout "$secs" sh -c 'while :; do :; done' &
	pids="$pids $!"
	i=$((i + 1))
done
echo "test-loaded: $n CPU hogs (2 x nproc) for at most $secs s; make test $runs time(s)"
k=1
while [ "$k" -le "$runs" ]; do
	for p in $pids; do
		if ! kill -0 "$p" 2>/dev/null; then
			echo "test-loaded: a CPU hog ended before run $k (after LOADED_SECONDS=$secs s): that run would not be loaded" >&2
			exit 3
		fi
	done
	echo "test-loaded: run $k of $runs (load average $(cut -d' ' -f1-3 /proc/loadavg))"
	for suite in ${LOADED_SUITES:-all}; do
		t0=$(date +%s)
		if [ "$suite" = all ]; then
			$make --no-print-directory test
		else
			CK_RUN_SUITE=$suite $make --no-print-directory test
		fi
		rc=$?
		echo "test-loaded: run $k, suite $suite: status $rc, $(($(date +%s) - t0)) s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
		if [ "$rc" -ne 0 ]; then
			echo "test-loaded: run $k of $runs FAILED under load" >&2
			exit "$rc"
		fi
	done
	k=$((k + 1))
done
echo "test-loaded: $runs of $runs runs passed under load"

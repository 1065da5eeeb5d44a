#!/bin/bash
# test-bench-smoke.sh: bench/run still runs end to end (a registry of 10, 3 runs a figure) and
# prints every figure and the targets section. It asserts nothing about the times: the
# benchmark measures, it is not a timed test.
set -euo pipefail
out=$(BENCH_SIZES=10 RUNS=3 PEER_RUNS=1 RUNC_RUNS=2 OCILINK_HOOK="$OCILINK_HOOK" bash "$SRC_DIR/bench/run" 2>&1) || {
	printf '%s\n' "$out"
	echo "not ok - bench/run failed"
	exit 1
}
printf '%s\n' "$out" | sed 's/^/# /'
fail=0
for want in 'createRuntime, 0 links ' 'createRuntime, 10 links ' 'precreate, 10 links ' \
	'runc run, no hooks' 'runc run, 3 no-op hooks' 'runc run, ocilink hooks' 'runc run, peer hook' \
	'== targets' 'maximum RSS of the hook' 'runc run with ocilink hooks:'; do
	if printf '%s\n' "$out" | grep -qF -- "$want"; then
		echo "ok - bench/run printed \"$want\""
	else
		echo "not ok - bench/run did not print \"$want\""
		fail=1
	fi
done
# every figure line has a median and a ratio to the floor
if printf '%s\n' "$out" | grep -E '^(createRuntime|precreate)' | grep -vqE 'median +[0-9.]+ ms .* [0-9.]+x floor'; then
	echo "not ok - a figure line lacks its median or ratio"
	fail=1
else
	echo "ok - every figure line has a median and a ratio to the floor"
fi
echo "1..11"
exit "$fail"

#!/bin/sh
# check-coverage.sh FUZZER CORPUS_DIR
# Runs a libFuzzer binary for 100 inputs after its corpus and fails unless it has the harness symbol
# and reports coverage ("cov: N", N > 0). A binary built without instrumentation, or without
# LLVMFuzzerTestOneInput, would otherwise "fuzz" nothing and pass (crun PR #2230).
set -eu

fail() {
	echo "check-coverage: $*" >&2
	exit 1
}

[ $# -eq 2 ] || fail "usage: check-coverage.sh FUZZER CORPUS_DIR"
fuzzer=$1
corpus=$2
[ -x "$fuzzer" ] || fail "$fuzzer is not executable"
[ -d "$corpus" ] || fail "$corpus is not a directory"

if command -v nm >/dev/null 2>&1; then
	nm "$fuzzer" | grep -q ' T LLVMFuzzerTestOneInput$' ||
		fail "$fuzzer does not define LLVMFuzzerTestOneInput"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/new"

# libFuzzer writes new inputs into the first directory: a scratch one, never the source corpus.
if ! "$fuzzer" -runs=100 -seed=1 -artifact_prefix="$tmp/" "$tmp/new" "$corpus" >"$tmp/log" 2>&1; then
	cat "$tmp/log" >&2
	fail "$fuzzer failed on its corpus"
fi

cov=$(sed -n 's/.* cov: \([0-9][0-9]*\) .*/\1/p' "$tmp/log" | sort -n | tail -n 1)
inited=$(grep -c 'INITED' "$tmp/log" || true)
if [ "$inited" -eq 0 ] || [ "${cov:-0}" -le 0 ]; then
	cat "$tmp/log" >&2
	fail "$fuzzer reports no coverage"
fi
grep -E 'INITED|DONE' "$tmp/log"
echo "check-coverage: $(basename "$fuzzer"): cov $cov"

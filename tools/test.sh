#!/bin/sh
# test.sh: install what is needed, build, and run every test:
#   1. meson test: the unit tests (cmocka), the fuzz corpus replays, and the runtime tests with
#      real runc, crun and podman (containers in private network namespaces);
#   2. the fuzz targets built with clang/libFuzzer: a coverage check and a short run each;
#   3. the unit tests and the seed flow under AddressSanitizer and UBSan (tests/sanitize.sh).
# Root is required (containers, network namespaces). FUZZ_SECONDS (default 5) sets step 2's runs.
set -eu
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "test.sh: run as root (sudo)" >&2; exit 1; }
sh tools/install-deps.sh
sh tools/build.sh build
for rt in runc crun podman; do
	command -v "$rt" >/dev/null || { echo "test.sh: $rt is missing: the runtime tests need it" >&2; exit 1; }
done
meson test -C build --print-errorlogs --num-processes 1 "$@"

echo "== fuzz targets (clang, libFuzzer)"
[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzzing=true >/dev/null
meson compile -C build-fuzz >/dev/null
meson test -C build-fuzz --print-errorlogs --suite fuzz
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for t in json annotations hosts record; do
	mkdir -p "$scratch/$t"
	build-fuzz/tests/fuzz/fuzz-$t -max_total_time="${FUZZ_SECONDS:-5}" -print_final_stats=1 \
		"$scratch/$t" tests/fuzz/corpus/$t >"$scratch/$t.log" 2>&1 ||
		{ cat "$scratch/$t.log"; echo "fuzz-$t: FAILED" >&2; exit 1; }
	echo "fuzz-$t: $(grep -E '^stat::number_of_executed_units' "$scratch/$t.log" | awk '{print $2}') runs, no crash"
done

echo "== sanitizers"
bash tests/sanitize.sh build-asan
echo "test.sh: all passed"

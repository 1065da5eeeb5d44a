#!/bin/bash
# sanitize.sh: ocilink under AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer.
#
#     tests/sanitize.sh [BUILD_DIR]        (default: build-asan in the source root)
#
# 1. configures BUILD_DIR with -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
#    and builds it;
# 2. runs the unit suite (meson test --suite unit) with
#      ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
#    except the `sandbox` test (see below);
# 3. as root, for each runtime in $RUNTIMES (default "runc crun"):
#    a. the runtime seed test (tests/integration/test-seed.sh) against the ASan hook, its seccomp
#       sandbox on, as in production, with leak detection off (detect_leaks=0), reports to files;
#    b. the seed flow with a restart (tests/integration/test-valgrind.sh, OCL_MEMCHECK=asan),
#       every hook run, direct or made by the runtime, with --no-sandbox and detect_leaks=1.
# Exits non-zero on any failure; RUNTIMES="" skips step 3.
#
# ASan and the sandbox (measured with GCC 12's libsanitizer, runc 1.1.5, crun 1.8.1):
# - LeakSanitizer's check at exit first calls prctl(PR_GET_DUMPABLE), then clones a tracer task
#   that ptrace-attaches to the process. The filter kills all three: with detect_leaks=1 (ASan's
#   default) every sandboxed run ends in SIGSYS (exit 159) after doing its work. Leaks can only be
#   checked with --no-sandbox (3b).
# - With detect_leaks=0 the hook's exit path (return from main) needs nothing the filter forbids:
#   the sandboxed ASan hook passes the seed test on both runtimes (3a). runc and crun run a hook
#   entry without "env" with their own environment, so ASAN_OPTIONS reaches the hooks they run.
# - The `sandbox` unit test forks probes that enter the filter and leave with _exit(): in an ASan
#   build that path calls sigaltstack(), which the filter kills, so the probes that must survive
#   die of SIGSYS whatever ASAN_OPTIONS say (use_sigaltstack=0 included). It cannot pass in an ASan
#   build and runs in the plain build's unit suite instead.
# - An ASan or UBSan report in a sandboxed run: writing it needs only write/openat (log_path is
#   opened then), and abort_on_error's abort() raises SIGABRT through rt_sigaction and tgkill,
#   which the filter allows. Either way the run fails.
set -u -o pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-$SRC/build-asan}
: "${RUNTIMES=runc crun}"
ASAN_UNIT='detect_leaks=1:abort_on_error=1'
UBSAN_UNIT='halt_on_error=1:print_stacktrace=1'
FAILED=()
LOGDIR=

say() { printf '== %s\n' "$*"; }
failed() { FAILED+=("$*"); printf 'FAILED: %s\n' "$*" >&2; }
cleanup() { [ -n "$LOGDIR" ] && rm -rf "$LOGDIR"; }
trap cleanup EXIT

for p in meson ninja jq; do
	command -v "$p" >/dev/null || { echo "sanitize.sh: $p is not installed" >&2; exit 1; }
done

# --- 1. build
# shellcheck disable=SC2054 # the comma is meson's list separator
opts=(-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug)
if [ -f "$BUILD/meson-private/coredata.dat" ]; then
	say "reconfiguring $BUILD: ${opts[*]}"
	meson setup --reconfigure "$BUILD" "$SRC" "${opts[@]}" >"${TMPDIR:-/tmp}/ocl-sanitize-setup.$$.log" 2>&1
else
	say "configuring $BUILD: ${opts[*]}"
	meson setup "$BUILD" "$SRC" "${opts[@]}" >"${TMPDIR:-/tmp}/ocl-sanitize-setup.$$.log" 2>&1
fi
rc=$?
if [ "$rc" != 0 ]; then
	cat "${TMPDIR:-/tmp}/ocl-sanitize-setup.$$.log" >&2
	rm -f "${TMPDIR:-/tmp}/ocl-sanitize-setup.$$.log"
	echo "sanitize.sh: meson setup failed" >&2
	exit 1
fi
rm -f "${TMPDIR:-/tmp}/ocl-sanitize-setup.$$.log"
ninja -C "$BUILD" || { echo "sanitize.sh: the build failed" >&2; exit 1; }
HOOK=$(cd "$BUILD" && pwd)/ocilink-hook
[ -x "$HOOK" ] || { echo "sanitize.sh: $HOOK was not built" >&2; exit 1; }
# (no "cmd | grep -q" with pipefail: grep exiting early kills the writer with SIGPIPE)
[[ "$(ldd "$HOOK")" == *libasan* ]] || { echo "sanitize.sh: $HOOK is not linked with libasan" >&2; exit 1; }
grep -Eq '^ *b_sanitize +address,undefined' <<<"$(meson configure "$BUILD")" ||
	{ echo "sanitize.sh: $BUILD is not configured with b_sanitize=address,undefined" >&2; exit 1; }

# --- 2. unit suite
mapfile -t unit < <(meson introspect --tests "$BUILD" |
	jq -r '.[] | select(any(.suite[]; . == "ocilink:unit" or . == "unit")) | .name' | grep -vx sandbox)
[ "${#unit[@]}" -gt 0 ] || { echo "sanitize.sh: no unit tests found in $BUILD" >&2; exit 1; }
say "unit suite under ASan+UBSan (${#unit[@]} tests; 'sandbox' excluded: ASan's _exit path calls sigaltstack, which the filter kills)"
if ! ASAN_OPTIONS=$ASAN_UNIT UBSAN_OPTIONS=$UBSAN_UNIT meson test -C "$BUILD" --suite unit --print-errorlogs "${unit[@]}"; then
	failed "unit suite under ASan+UBSan"
fi

# --- 3. runtime tests
if [ -n "$RUNTIMES" ]; then
	if [ "$(id -u)" != 0 ]; then
		failed "runtime tests: they need root (RUNTIMES=\"\" skips them)"
	else
		LOGDIR=$(mktemp -d /tmp/ocl-sanitize-XXXXXXXX)
		for rt in $RUNTIMES; do
			# a. sandbox on, leak detection off
			rm -f "$LOGDIR"/asan.* "$LOGDIR"/ubsan.*
			say "$rt: test-seed.sh against the ASan hook, sandbox on, detect_leaks=0"
			ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:log_path=$LOGDIR/asan" \
				UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$LOGDIR/ubsan" \
				OCILINK_HOOK=$HOOK RUNTIME=$rt TESTS_DIR=$SRC/tests \
				bash "$SRC/tests/integration/test-seed.sh"
			rc=$?
			reports=$(ls "$LOGDIR"/asan.* "$LOGDIR"/ubsan.* 2>/dev/null)
			for f in $reports; do printf -- '--- %s\n' "$f" >&2; cat "$f" >&2; done
			[ "$rc" = 0 ] || failed "$rt: test-seed.sh against the ASan hook (rc $rc)"
			[ -z "$reports" ] || failed "$rt: sanitizer reports from test-seed.sh: ${reports//$'\n'/ }"

			# b. --no-sandbox, leak detection on
			say "$rt: the seed flow with a restart, every hook run with --no-sandbox and detect_leaks=1"
			OCL_MEMCHECK=asan OCILINK_HOOK=$HOOK RUNTIME=$rt TESTS_DIR=$SRC/tests \
				bash "$SRC/tests/integration/test-valgrind.sh" ||
				failed "$rt: test-valgrind.sh with OCL_MEMCHECK=asan (rc $?)"
		done
	fi
fi

if [ "${#FAILED[@]}" -gt 0 ]; then
	printf 'sanitize.sh: %d failure(s):\n' "${#FAILED[@]}" >&2
	printf '  %s\n' "${FAILED[@]}" >&2
	exit 1
fi
say "all passed"

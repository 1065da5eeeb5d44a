#!/bin/sh
# test.sh: install what is needed, build, and run every test: the unit tests (cmocka) and the
# runtime tests with real runc and crun. Root is required (containers, network namespaces).
set -eu
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "test.sh: run as root (sudo)" >&2; exit 1; }
sh tools/install-deps.sh
sh tools/build.sh build
for rt in runc crun; do
	command -v "$rt" >/dev/null || { echo "test.sh: $rt is missing: the runtime tests need it" >&2; exit 1; }
done
exec meson test -C build --print-errorlogs --num-processes 1 "$@"

#!/bin/sh
# build.sh [BUILDDIR]: configure (once) and build ocilink with meson and ninja.
set -eu
cd "$(dirname "$0")/.."
B=${1:-build}
[ -f "$B/build.ninja" ] || meson setup "$B" >/dev/null
meson compile -C "$B" >/dev/null
echo "built $B/ocilink-hook ($("$B/ocilink-hook" --version))"

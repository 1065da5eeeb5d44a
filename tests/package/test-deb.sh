#!/bin/bash
# test-deb.sh: the Debian package, for real. In a temp dir, from a copy of the tracked files of
# the source tree:
#   1. DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b (it writes into the parent dir of
#      the tree it builds, so never in the source tree itself);
#   2. lintian on the .changes: any E: line fails the test (the rest is shown);
#   3. the .deb: its version is meson's project version, it holds every file `meson install`
#      installs (man pages compressed) and nothing under /run;
#   4. dpkg -i, then dpkg -L, the installed hook's --version, the hooks.d files naming the
#      installed hook and /run/ocilink, and the tmpfiles.d file's registry directory if there is one;
#   5. the seed (tests/integration/test-seed.sh) with $RUNTIME (default runc) and the INSTALLED hook;
#   6. dpkg --purge (also done by the EXIT trap, so a failure never leaves the package
#      installed), then no path of the package that was absent before the install is left.
# The package is installed only for steps 4 to 6. It refuses to run, changing nothing, if ocilink
# is installed (or was removed but not purged), if a file of the package is already on the machine
# (a `meson install`: the purge would delete it), or if /run/ocilink exists (the purge removes an
# empty registry).
#
# Environment (set by tests/meson.build): SRC_DIR, the source tree (a git checkout); TESTS_DIR,
# its tests/ folder. Root, git, dpkg-dev, debhelper, lintian, and what the seed needs.

set -u -o pipefail

: "${RUNTIME:=runc}"
: "${TESTS_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${SRC_DIR:=$(dirname "$TESTS_DIR")}"
PKG=ocilink
HOOK=/usr/libexec/oci/hooks.d/ocilink-hook
REGISTRY=/run/ocilink
T=
INSTALLED=0

note() { printf '# %s\n' "$*"; }
ok()   { printf 'ok - %s\n' "$*"; }
fail() { printf 'FAIL: test-deb: %s\n' "$*" >&2; exit 1; }

# pkg_state: dpkg's two-letter state of $PKG ("" when dpkg never heard of it)
pkg_state() { dpkg-query -W -f='${db:Status-Abbrev}' "$PKG" 2>/dev/null | cut -c1-2; }

cleanup() {
	local rc=$? st
	trap - EXIT INT TERM
	if [ "$INSTALLED" = 1 ]; then
		note "purging $PKG (cleanup)"
		DEBIAN_FRONTEND=noninteractive dpkg --purge "$PKG" >"$T/purge-cleanup.log" 2>&1 ||
			{ cat "$T/purge-cleanup.log" >&2; rc=1; }
		st=$(pkg_state)
		[ -z "$st" ] || [ "${st:1:1}" = n ] ||
			{ printf 'FAIL: test-deb: %s is still installed (state %s): dpkg --purge %s\n' "$PKG" "$st" "$PKG" >&2; rc=1; }
	fi
	[ -n "$T" ] && rm -rf "$T"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ "$(id -u)" = 0 ] || fail "run as root: the test installs the package"
for p in git dpkg-buildpackage dh lintian dpkg-deb jq meson "$RUNTIME"; do
	command -v "$p" >/dev/null || fail "$p is missing (tools/install-deps.sh installs it)"
done
git -C "$SRC_DIR" rev-parse --git-dir >/dev/null 2>&1 ||
	fail "SRC_DIR=$SRC_DIR is not a git checkout: the test builds from its tracked files"
[ -f "$TESTS_DIR/integration/test-seed.sh" ] || fail "TESTS_DIR=$TESTS_DIR has no integration/test-seed.sh"

st=$(pkg_state)
[ -z "$st" ] || [ "${st:1:1}" = n ] ||
	fail "$PKG is already on this machine (dpkg state $st); this test installs and purges it, so it will not run. Remove it first: dpkg --purge $PKG"
[ -e "$REGISTRY" ] &&
	fail "$REGISTRY exists: purging the package removes an empty registry, so this test will not run. Remove it if no container uses it"

T=$(mktemp -d /tmp/ocilink-deb.XXXXXX) || fail "mktemp failed"
version=$(meson introspect --projectinfo "$SRC_DIR/meson.build" | jq -r .version) ||
	fail "cannot read the project version from $SRC_DIR/meson.build"
case $version in "" | null) fail "meson.build states no project version" ;; esac
src=$T/$PKG-$version

# 1. build from the tracked files (what a clean clone has)
mkdir "$src" || fail "mkdir $src"
git -C "$SRC_DIR" ls-files -z | tar -C "$SRC_DIR" --null -T - -cf - | tar -C "$src" -xf - ||
	fail "copying the tracked files of $SRC_DIR failed"
[ -f "$src/debian/control" ] || fail "debian/control is not a tracked file of $SRC_DIR"
note "dpkg-buildpackage in $src"
(cd "$src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1 ||
	{ tail -n 40 "$T/build.log" >&2; fail "dpkg-buildpackage -us -uc -b failed (last lines above)"; }
arch=$(dpkg --print-architecture)
deb=$T/${PKG}_${version}_$arch.deb
changes=$T/${PKG}_${version}_$arch.changes
{ [ -f "$deb" ] && [ -f "$changes" ]; } ||
	fail "dpkg-buildpackage made no ${PKG}_${version}_$arch.deb/.changes (a debian/changelog version other than $version?): $(cd "$T" && echo *.deb *.changes)"
ok "dpkg-buildpackage built $(basename "$deb")"

# 2. lintian
lintian --pedantic --display-info "$changes" >"$T/lintian.log" 2>&1
lintian_rc=$?
grep -v '^running with root privileges' "$T/lintian.log" | sed 's/^/# lintian: /'
grep -q '^E: ' "$T/lintian.log" && fail "lintian reports errors (the E: lines above)"
[ "$lintian_rc" = 0 ] || fail "lintian exited $lintian_rc"
ok "lintian: no errors ($(grep -c '^W: ' "$T/lintian.log") warnings)"

# 3. the .deb's contents: version, what meson installs, nothing in /run
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] ||
	fail "the package's version $(dpkg-deb -f "$deb" Version) is not meson's project version $version (debian/changelog)"
dpkg-deb --fsys-tarfile "$deb" | tar -t | sed 's|^\.||; s|/$||; s|^$|/.|' | sort >"$T/deb.list" ||
	fail "cannot list $deb"
grep -E '^/(var/)?run(/|$)' "$T/deb.list" && fail "the package ships paths under /run (above)"
bdirs=("$src"/obj-*/)
[ -d "${bdirs[0]}" ] || fail "no meson build dir (obj-*) in $src"
meson introspect --installed "${bdirs[0]}" | jq -r '.[]' | sort >"$T/meson.list" ||
	fail "meson introspect --installed ${bdirs[0]} failed"
[ -s "$T/meson.list" ] || fail "meson introspect --installed found nothing to install"
while read -r f; do
	case $f in
	/run/* | /var/run/*) continue ;;
	/usr/share/man/*) grep -qxF -e "$f" -e "$f.gz" "$T/deb.list" || fail "meson installs $f; the package lacks it" ;;
	*) grep -qxF "$f" "$T/deb.list" || fail "meson installs $f; the package lacks it" ;;
	esac
done <"$T/meson.list"
ok "the package holds the $(wc -l <"$T/meson.list") files meson installs, nothing under /run"
grep -qxF "$HOOK" "$T/deb.list" || fail "the package has no $HOOK"

# 4. install (only if nothing of it is here: a purge would delete files the package does not own)
while read -r p; do
	[ -d "$p" ] && [ ! -L "$p" ] && continue
	{ [ -e "$p" ] || [ -L "$p" ]; } && fail "$p is already on this machine (a meson install?): installing and purging $PKG would delete it"
done <"$T/deb.list"
while read -r p; do [ -e "$p" ] || printf '%s\n' "$p"; done <"$T/deb.list" >"$T/new.list"
INSTALLED=1
DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" >"$T/install.log" 2>&1 ||
	{ cat "$T/install.log" >&2; fail "dpkg -i $(basename "$deb") failed"; }
[ "$(pkg_state)" = ii ] || fail "after dpkg -i, $PKG is in state $(pkg_state), not installed"
dpkg -L "$PKG" | sort >"$T/dpkg-L.list"
diff "$T/deb.list" "$T/dpkg-L.list" >&2 || fail "dpkg -L $PKG differs from the .deb's contents (diff above)"
ok "dpkg -i; dpkg -L lists the $(wc -l <"$T/dpkg-L.list") paths of the .deb"
[ "$("$HOOK" --version)" = "ocilink-hook $version" ] || fail "$HOOK --version printed: $("$HOOK" --version 2>&1)"
ok "$HOOK --version: $("$HOOK" --version)"
nhooks=0
for f in /usr/share/containers/oci/hooks.d/ocilink-*.json; do
	stage=$(basename "$f" .json); stage=${stage#ocilink-}
	jq -e --arg h "$HOOK" --arg r "$REGISTRY" --arg s "$stage" '
		(.hook.args | index("--state-dir")) as $i
		| .hook.path == $h and $i != null and .hook.args[$i + 1] == $r
		  and (.stages | map(ascii_downcase)) == [$s]' "$f" >/dev/null ||
		fail "$f does not run $HOOK --state-dir $REGISTRY at stage $stage: $(cat "$f")"
	nhooks=$((nhooks + 1))
done
[ "$nhooks" = 4 ] || fail "expected 4 hooks.d files in /usr/share/containers/oci/hooks.d, found $nhooks"
ok "the 4 hooks.d files run $HOOK with --state-dir $REGISTRY"
if grep -qxF /usr/lib/tmpfiles.d/ocilink.conf "$T/deb.list" && command -v systemd-tmpfiles >/dev/null; then
	[ -d "$REGISTRY" ] || fail "the postinst did not create $REGISTRY (tmpfiles.d/ocilink.conf)"
	ok "postinst created $REGISTRY ($(stat -c '%a %U:%G' "$REGISTRY"))"
else
	note "no tmpfiles.d file (or no systemd-tmpfiles): $REGISTRY is made by the hook on first use"
fi

# 5. the seed, with the installed hook
note "the seed with $RUNTIME and $HOOK"
seed=$TESTS_DIR/integration/test-seed.sh
OCILINK_HOOK=$HOOK RUNTIME=$RUNTIME TESTS_DIR=$TESTS_DIR bash "$seed" 2>&1 |
	sed 's/^/# seed: /'
seed_rc=${PIPESTATUS[0]}
[ "$seed_rc" = 0 ] || fail "the seed failed with the installed hook (rc $seed_rc, output above)"
ok "the seed passes with the installed hook"

# 6. purge: nothing of the package is left
DEBIAN_FRONTEND=noninteractive dpkg --purge "$PKG" >"$T/purge.log" 2>&1 ||
	{ cat "$T/purge.log" >&2; fail "dpkg --purge $PKG failed"; }
INSTALLED=0
st=$(pkg_state)
[ -z "$st" ] || [ "${st:1:1}" = n ] || fail "after dpkg --purge, $PKG is in state $st"
left=$(while read -r p; do { [ -e "$p" ] || [ -L "$p" ]; } && printf '%s\n' "$p"; done <"$T/new.list")
[ -z "$left" ] || fail "after dpkg --purge these paths of the package remain: $left"
[ -e "$REGISTRY" ] && fail "after dpkg --purge, $REGISTRY remains"
ok "dpkg --purge: none of the $(wc -l <"$T/new.list") paths it added remain, no $REGISTRY"
printf 'PASS: test-deb (%s)\n' "$RUNTIME"

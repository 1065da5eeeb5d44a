#!/bin/bash
# test-install.sh: `meson install` of a fresh `--prefix /usr` build into a DESTDIR puts exactly
# the expected files there, with their modes; the installed hook runs and takes the arguments
# its hooks.d files give it; the tmpfiles.d line creates a state directory the hook accepts; the
# manual pages render; the `statedir` option reaches every file that names it; and
# `ninja uninstall` removes every installed file and every directory the install created,
# leaving exactly the directories that were there before.
#
#   OCILINK_SRC      the source tree
#   OCILINK_VERSION  the meson project version
set -u -o pipefail
: "${OCILINK_SRC:?}" "${OCILINK_VERSION:?}"
T=$(mktemp -d /tmp/ocilink-install.XXXXXX)
trap 'rm -rf "$T"' EXIT
B=$T/build
failures=0
checks=0
PREFIX=/usr
HOOK=/usr/libexec/oci/hooks.d/ocilink-hook
HOOKSD=usr/share/containers/oci/hooks.d

ok() { checks=$((checks + 1)); printf 'ok - %s\n' "$*"; }
bad() { checks=$((checks + 1)); failures=$((failures + 1)); printf 'not ok - %s\n' "$*"; }
die() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
same() { # WHAT EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		bad "$1"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/#   /'
	fi
}

# What the install must put under DESTDIR: mode and path of every file, nothing else.
EXPECTED_FILES="644 $HOOKSD/ocilink-createruntime.json
644 $HOOKSD/ocilink-poststart.json
644 $HOOKSD/ocilink-poststop.json
644 $HOOKSD/ocilink-precreate.json
644 usr/lib/tmpfiles.d/ocilink.conf
644 usr/share/man/man1/ocilink-hook.1
644 usr/share/man/man7/ocilink.7
755 usr/libexec/oci/hooks.d/ocilink-hook"

# A DESTDIR that looks like a system: these directories exist before the install, so the install
# creates only the others, and the uninstall must leave these (and only these).
PREEXISTING="usr
usr/lib
usr/share
usr/share/man
usr/share/man/man1"

files_of() { find "$1" -mindepth 1 ! -type d -printf '%m %P\n' | LC_ALL=C sort; }
dirs_of() { find "$1" -mindepth 1 -type d -printf '%P\n' | LC_ALL=C sort; }

# install ROOT STATEDIR: installs the build into ROOT (pre-populated) and checks it all
install_and_check() {
	local root=$1 statedir=$2 f stage args
	mkdir -p "$root"
	while read -r d; do mkdir -p "$root/$d"; done <<<"$PREEXISTING"
	meson install -C "$B" --destdir "$root" >"$T/install.log" 2>&1 || { cat "$T/install.log"; die "meson install failed"; }
	same "installed files ($statedir): exactly the expected paths and modes" \
		"$(LC_ALL=C sort <<<"$EXPECTED_FILES")" "$(files_of "$root")"
	same "installed directories ($statedir): the pre-existing ones plus the install's own" \
		"$(printf '%s\n' "$PREEXISTING" usr/lib/tmpfiles.d usr/libexec usr/libexec/oci usr/libexec/oci/hooks.d \
			usr/share/containers usr/share/containers/oci "$HOOKSD" usr/share/man/man7 | LC_ALL=C sort)" \
		"$(dirs_of "$root")"

	# the hook runs from there, and is this project's version
	same "the installed hook's --version" "ocilink-hook $OCILINK_VERSION" "$("$root$HOOK" --version 2>&1)"
	"$root$HOOK" prepare --help >/dev/null 2>&1 && ok "the installed hook runs prepare --help" ||
		bad "the installed hook fails prepare --help"

	# hooks.d: valid JSON (oci-hooks 1.0.0) pointing at the installed hook, with the state dir
	for f in precreate createruntime poststart poststop; do
		local j=$root/$HOOKSD/ocilink-$f.json
		case $f in createruntime) stage=createRuntime ;; *) stage=$f ;; esac
		if jq -e --arg hook "$HOOK" --arg sd "$statedir" --arg st "$stage" '
			.version == "1.0.0" and .hook.path == $hook and .hook.timeout == 10
			and .hook.args[0] == "ocilink-hook" and .hook.args[1:4] == ["--state-dir", $sd, $st]
			and .stages == [$st]' "$j" >/dev/null; then
			ok "ocilink-$f.json: valid, runs $HOOK --state-dir $statedir $stage"
		else
			bad "ocilink-$f.json: $(jq -c . "$j" 2>&1)"
		fi
	done
	jq -e '.hook.args[4] == "--fail-in-runtime" and (.hook.args | length) == 5
		and .when == {"annotations": {"^io\\.ocilink\\.links$": ".+"}}' "$root/$HOOKSD/ocilink-precreate.json" \
		>/dev/null && ok "precreate: --fail-in-runtime, only for containers with links" ||
		bad "precreate hook: $(jq -c '.hook.args, .when' "$root/$HOOKSD/ocilink-precreate.json")"
	for f in createruntime poststart poststop; do
		jq -e '.when == {"always": true} and (.hook.args | length) == 4' "$root/$HOOKSD/ocilink-$f.json" \
			>/dev/null && ok "$f: runs for every container" || bad "$f: $(jq -c .when "$root/$HOOKSD/ocilink-$f.json")"
	done

	# tmpfiles.d: one line, the state directory, private to root; systemd-tmpfiles takes it
	same "tmpfiles.d line" "d $statedir 0700 root root -" "$(grep -v '^#' "$root/usr/lib/tmpfiles.d/ocilink.conf")"
	local tr=$T/tmpfiles-root
	rm -rf "$tr"
	mkdir -p "$tr"
	if systemd-tmpfiles --create --root="$tr" "$root/usr/lib/tmpfiles.d/ocilink.conf" 2>"$T/tmpfiles.err"; then
		same "systemd-tmpfiles creates the state directory" "700 root:root" "$(stat -c '%a %U:%G' "$tr$statedir")"
		"$root$HOOK" --state-dir "$tr$statedir" list >/dev/null 2>"$T/list.err" &&
			ok "the installed hook accepts that directory as its state directory" ||
			bad "list in the tmpfiles directory: $(cat "$T/list.err")"
	else
		bad "systemd-tmpfiles refuses the file: $(cat "$T/tmpfiles.err")"
	fi

	# The hooks.d arguments, as podman would run them, with the state directory swapped for a
	# private one: precreate passes a config without links through; createRuntime registers a
	# container, poststart refreshes it, poststop removes it.
	local sd=$T/state-$RANDOM bundle=$T/bundle
	mkdir -p "$bundle/rootfs"
	# a fixed address: no discovery in this shell's (the host's) network namespace
	printf '{"ociVersion":"1.0.2","root":{"path":"rootfs"},"process":{"args":["sh"],"cwd":"/"},%s}' \
		'"annotations":{"io.ocilink.ip":"10.232.0.9"}' >"$bundle/config.json"
	hooksd_run() { # FILE STDIN: runs the entry of FILE on STDIN; prints its stdout
		mapfile -t args < <(jq -r --arg sd "$sd" '.hook.args[1:] | .[1] = $sd | .[]' "$root/$HOOKSD/ocilink-$1.json")
		"$root$(jq -r .hook.path "$root/$HOOKSD/ocilink-$1.json")" "${args[@]}" <<<"$2"
	}
	local cfg state
	cfg=$(cat "$bundle/config.json")
	same "the precreate entry passes a config without links through" "$cfg" "$(hooksd_run precreate "$cfg")"
	state='{"ociVersion":"1.0.2","id":"ocilink-install-test","status":"creating","pid":'$$',"bundle":"'$bundle'"}'
	for f in createruntime poststart; do
		hooksd_run "$f" "$state" >/dev/null && ok "the $f entry runs" || bad "the $f entry fails"
	done
	same "registered by the entries" "ocilink-install-test running" \
		"$("$root$HOOK" --state-dir "$sd" list --json | jq -r '.[] | "\(.name) \(.status)"')"
	hooksd_run poststop "$state" >/dev/null && ok "the poststop entry runs" || bad "the poststop entry fails"
	same "poststop leaves no record" "" "$(find "$sd/names" "$sd/ids" -type f)"

	# the manual pages: roff that renders, naming the configured paths
	for f in usr/share/man/man1/ocilink-hook.1 usr/share/man/man7/ocilink.7; do
		local w
		w=$(MANWIDTH=80 man --warnings -l "$root/$f" 2>&1 >/dev/null)
		[ -z "$w" ] && ok "$f renders without warnings" || bad "$f: $w"
	done
	local page
	page=$(MANWIDTH=2000 man -l "$root/usr/share/man/man1/ocilink-hook.1" 2>/dev/null | col -b)
	for f in "$HOOK" "/$HOOKSD/ocilink-precreate.json" "/usr/lib/tmpfiles.d/ocilink.conf" \
		"--state-dir $statedir" "ocilink $OCILINK_VERSION"; do
		grep -qF -- "$f" <<<"$page" && ok "ocilink-hook(1) names '$f'" || bad "ocilink-hook(1) does not name '$f'"
	done
}

# uninstall ROOT: `ninja uninstall` with DESTDIR, then only the pre-existing directories remain
uninstall_and_check() {
	local root=$1
	DESTDIR=$root ninja -C "$B" uninstall >"$T/uninstall.log" 2>&1 || { cat "$T/uninstall.log"; die "uninstall failed"; }
	# meson's uninstall exits 0 even when it could not delete something: read its count
	grep -qx 'Failed: 0' "$T/uninstall.log" && ok "uninstall: nothing failed" ||
		bad "uninstall: $(grep -E '^(Could not|Failed)' "$T/uninstall.log")"
	same "after uninstall: no file left" "" "$(files_of "$root")"
	same "after uninstall: exactly the directories that were there before" "$PREEXISTING" "$(dirs_of "$root")"
}

meson setup "$B" "$OCILINK_SRC" --prefix "$PREFIX" -Dtests=false >"$T/setup.log" 2>&1 ||
	{ cat "$T/setup.log"; die "meson setup failed"; }
meson compile -C "$B" >"$T/compile.log" 2>&1 || { cat "$T/compile.log"; die "meson compile failed"; }
same "meson's project version" "$OCILINK_VERSION" "$(meson introspect "$B" --projectinfo | jq -r .version)"

install_and_check "$T/root" /run/ocilink
uninstall_and_check "$T/root"

# The statedir option reaches the hooks.d files, the tmpfiles line and the manual.
meson configure "$B" -Dstatedir=/run/ocilink-install-test >/dev/null || die "meson configure failed"
meson compile -C "$B" >"$T/compile.log" 2>&1 || { cat "$T/compile.log"; die "meson compile failed"; }
install_and_check "$T/root2" /run/ocilink-install-test
uninstall_and_check "$T/root2"

# A relative statedir is refused when configuring.
if meson configure "$B" -Dstatedir=run/ocilink >/dev/null 2>&1 && meson compile -C "$B" >"$T/bad.log" 2>&1; then
	bad "a relative statedir was accepted"
else
	grep -q "statedir must be an absolute path" "$T/bad.log" "$B/meson-logs/meson-log.txt" 2>/dev/null &&
		ok "a relative statedir is refused" || bad "a relative statedir failed without the message"
fi

printf '%d passed, %d failed\n' $((checks - failures)) "$failures"
[ "$failures" = 0 ]

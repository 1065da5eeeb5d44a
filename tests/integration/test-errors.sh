#!/bin/bash
# test-errors.sh: links that cannot be made. For a source that does not exist, one that was stopped
# and deleted (its poststop removed the record), one whose process died without delete (record
# present, process gone) and one without IPv4 address:
#   - prepare fails with exit 1 and one line naming the container, link, source and reason, and
#     leaves config.json byte for byte as it was (and adds no file to the bundle);
#   - a recipient prepared while the link still worked (hooks installed, variables set) fails to
#     run once the link is broken: its process never runs, no container is left, and its rootfs
#     etc/hosts is byte for byte as it was.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ns_rcp=$(net_add rcp 10.231.0.12) || exit 1

# new_source NAME IPV4|- [IPV6]: a detached, registered source in its own namespace
new_source() {
	local ns d=$T/b/$1
	ns=$(net_add "$1" "$2" "${3:-}") || exit 1
	mkbundle "$d" "$1-host" "$KEEPALIVE"
	bundle_netns "$d" "$ns"
	bundle_annotate "$d" io.ocilink.name "$1"
	bundle_annotate "$d" io.ocilink.expose 80
	ocl_prepare "$d" 2>"$T/logs/prepare-$1.err" || fail "prepare of source $1 failed: $(cat "$T/logs/prepare-$1.err")"
	start_detached "$1" "$d" || fail "source $1 did not start: $(cat "$T/logs/$1.log")"
	expect_running "$1"
}

# new_recipient NAME LINKS: a recipient bundle (not prepared) at $T/b/NAME
new_recipient() {
	local d=$T/b/$1
	mkbundle "$d" "$1-host" "$REPORT"
	bundle_netns "$d" "$ns_rcp"
	bundle_annotate "$d" io.ocilink.name "$1"
	bundle_annotate "$d" io.ocilink.links "$2"
}

# prepare_must_fail NAME REASON_ERE WORD...: prepare of $T/b/NAME fails and changes nothing
prepare_must_fail() {
	local name=$1 d=$T/b/$1 before files rc
	shift
	before=$(sha "$d/config.json")
	files=$(ls -A "$d")
	hook prepare -b "$d" --install-hooks >"$T/logs/prepare-$name.out" 2>"$T/logs/prepare-$name.err"
	rc=$?
	expect_hook_error "$rc" "$T/logs/prepare-$name.err" "$name" "$@"
	[ "$(sha "$d/config.json")" = "$before" ] || fail "failed prepare changed $d/config.json"
	[ "$(ls -A "$d")" = "$files" ] || fail "failed prepare left files in $d: $(ls -A "$d")"
	ok "prepare of $name: config.json unchanged, nothing added to the bundle"
}

# run_must_fail NAME REASON_ERE: running the prepared bundle $T/b/NAME fails at createRuntime
run_must_fail() {
	local name=$1 reason=$2 d=$T/b/$1 hosts_before rec
	hosts_before=$(sha "$d/rootfs/etc/hosts")
	run_fg "$name" "$d"
	[ "$RUN_RC" != 0 ] || fail "$name ran although its link is broken: $RUN_OUT"
	[ -z "$RUN_OUT" ] || fail "the process of $name ran although its link is broken: $RUN_OUT"
	if [ "$RUNTIME" = runc ]; then
		# runc quotes the failing hook's stderr in its error
		matches "$RUN_ERR" "ocilink-hook: $name: " || fail "runc's error does not carry the hook's message: $RUN_ERR"
		grep -Eiq -- "$reason" <<<"$RUN_ERR" || fail "runc's error does not say why (/$reason/): $RUN_ERR"
	fi
	ctr_exists "$name" && fail "a container $name is left after the failed run: $(rt list)"
	[ "$(sha "$d/rootfs/etc/hosts")" = "$hosts_before" ] || {
		cat -A "$d/rootfs/etc/hosts" >&2
		fail "the failed run changed the rootfs etc/hosts of $name"
	}
	rec=$(registry_record "$name") || exit 1
	[ -z "$(jq -c 'select(.status == "running")' <<<"$rec")" ] || fail "a failed $name is registered as running: $rec"
	ok "run of $name failed (rc $RUN_RC), no container left, etc/hosts unchanged: $(tail -n1 <<<"$RUN_ERR" | cut -c1-240)"
}

# prepared_then NAME LINK: a recipient prepared against the live source "anchor" (hooks installed,
# variables set), whose links annotation is then changed by hand to LINK
prepared_then() {
	new_recipient "$1" anchor:a
	ocl_prepare "$T/b/$1" 2>"$T/logs/prepare-$1.err" || fail "prepare of $1 failed: $(cat "$T/logs/prepare-$1.err")"
	bundle_annotate "$T/b/$1" io.ocilink.links "$2"
}

new_source anchor 10.231.0.10

# 1. a source that does not exist
new_recipient r-ghost ghost:spook
prepare_must_fail r-ghost 'not found' ghost spook
prepared_then r-ghost2 ghost:spook
run_must_fail r-ghost2 'not found'

# 2. a source that was stopped and deleted (poststop removed its record)
new_source gone 10.231.0.21
new_recipient r-gone gone:g1
new_recipient r-gone-run gone:g1
ocl_prepare "$T/b/r-gone-run" 2>"$T/logs/prepare-r-gone-run.err" || fail "prepare against live gone failed: $(cat "$T/logs/prepare-r-gone-run.err")"
matches "$(config_env "$T/b/r-gone-run")" '^G1_PORT=tcp://10\.231\.0\.21:80$' || fail "no G1_PORT while gone was alive"
stop_ctr gone
rec=$(registry_record gone) || exit 1
[ -z "$rec" ] || fail "gone is still in the registry after delete: $rec"
prepare_must_fail r-gone 'not found|not running' gone g1
prepare_must_fail r-gone-run 'not found|not running' gone g1
run_must_fail r-gone-run 'not found|not running'

# 3. record present, process gone (killed by pid, never deleted: no poststop ran)
new_source stale 10.231.0.22
new_recipient r-stale stale:st
new_recipient r-stale-run stale:st
ocl_prepare "$T/b/r-stale-run" 2>"$T/logs/prepare-r-stale-run.err" || fail "prepare against live stale failed: $(cat "$T/logs/prepare-r-stale-run.err")"
kill_ctr_process stale
rec=$(registry_record stale) || exit 1
[ -n "$rec" ] || fail "stale left the registry although no poststop ran"
[ "$(jq -r .status <<<"$rec")" = stopped ] || fail "stale's process is gone but the registry says: $rec"
ok "registry shows stale as stopped: $rec"
prepare_must_fail r-stale 'not running' stale st
run_must_fail r-stale-run 'not running'

# 4. a source without IPv4 address (only a global IPv6): not linkable
new_source noaddr - fd00:231::31
new_recipient r-noaddr noaddr:na
prepare_must_fail r-noaddr 'no (IPv4 )?address' noaddr na
prepared_then r-noaddr2 noaddr:na
run_must_fail r-noaddr2 'no (IPv4 )?address'

# the live source was not disturbed by any of this
rec=$(registry_record anchor) || exit 1
[ "$(jq -r '.status + " " + (.ipv4 | join(","))' <<<"$rec")" = "running 10.231.0.10" ] || fail "anchor's record changed: $rec"
ok "anchor is still registered and running"
pass

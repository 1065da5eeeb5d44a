#!/bin/bash
# test-hostile.sh: a recipient whose rootfs etc/hosts is hostile. For each case
#   abs-host     etc/hosts -> /etc/hosts (absolute symlink to the host's file)
#   abs-canary   etc/hosts -> /tmp/<canary> (absolute symlink to a file outside the rootfs)
#   rel-canary   etc/hosts -> ../../(...)/tmp/<canary> (relative, climbs out if followed naively)
#   rel-missing  etc/hosts -> ../../(...)/tmp/<missing> (dangling: must not be created)
#   etc-link     etc -> /etc (the directory is the symlink)
#   hardlink     etc/hosts is a second hard link of /tmp/<canary>
#   fifo         etc/hosts is a FIFO
# the createRuntime stage, called directly with a hand-made state (pid of a sleeping process in a
# namespace), and the recipient's real run both fail with exit 1 and a message that says why;
# the canary, the host's /etc/hosts, the rootfs and the bundle are unchanged, and nothing is
# created outside the rootfs. A regular etc/hosts goes through the same steps first and works.
: "${HOOK_TIMEOUT:=15}" "${RT_TIMEOUT:=30}"   # a hook blocked on the FIFO must not stall the suite
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ns_src=$(net_add src 10.231.0.11) || exit 1
ns_h=$(net_add h 10.231.0.12) || exit 1

src=$T/b/example
start_source example "$ns_src" 80

CANARY=/tmp/ocl-canary-$OCL_ID
MISSING=/tmp/ocl-canary-$OCL_ID-missing
on_cleanup "rm -f '$CANARY' '$MISSING'"
# a hook stuck on a FIFO is released at exit, whichever way it opened it
on_cleanup "for f in '$T'/b/*/rootfs/etc/hosts; do [ -p \"\$f\" ] || continue; timeout 1 dd if=\"\$f\" of=/dev/null iflag=nonblock; timeout 1 sh -c ': >\"\$f\"'; done"
printf 'canary of %s: not a hosts file\n' "$OCL_TEST" >"$CANARY"
[ ! -e "$MISSING" ] || fail "$MISSING exists before the test"
cp /etc/hosts "$T/host-hosts.bak"
HOST_HOSTS_SHA=$(sha /etc/hosts)
CANARY_SHA=$(sha "$CANARY")
UP=$(printf '../%.0s' $(seq 1 24))  # more ".." than the rootfs is deep: naively, this reaches /

# the state of everything outside the rootfs that a wrong hook could touch
outside_snapshot() {
	printf 'host /etc/hosts %s\n' "$(sha /etc/hosts)"
	printf 'canary %s %s\n' "$(sha "$CANARY")" "$(stat -c '%h %s' "$CANARY")"
	[ -e "$MISSING" ] || [ -L "$MISSING" ] && echo "created: $MISSING"
	echo "/etc:"; ls -A /etc
	echo "/tmp (ours or hosts-like):"; ls -A /tmp | grep -E -- "ocl-canary-$OCL_ID|hosts" || true
	echo "bundle:"; (cd "$1" && find . -path ./rootfs -prune -o -printf '%p %y %s %l\n' | sort)
	sha "$1/config.json"
}
rootfs_snapshot() { (cd "$1/rootfs" && find . -printf '%p %y %s %n %l\n' | sort && find . -type f -exec sha256sum {} + | sort); }

# host_files_intact: the host's /etc/hosts and the canary are as they were (restored if not)
host_files_intact() {
	if [ "$(sha /etc/hosts)" != "$HOST_HOSTS_SHA" ]; then
		cat "$T/host-hosts.bak" >/etc/hosts
		fail "$1: the host's /etc/hosts was modified (restored from the copy taken before the test)"
	fi
	[ "$(sha "$CANARY")" = "$CANARY_SHA" ] || fail "$1: the canary $CANARY outside the rootfs was modified: $(cat -A "$CANARY")"
	[ -e "$MISSING" ] || [ -L "$MISSING" ] && fail "$1: $MISSING was created outside the rootfs"
	return 0
}

# stage_state ID PID BUNDLE STATUS: an OCI state for a direct hook call
stage_state() {
	jq --arg id "$1" --argjson pid "$2" --arg b "$3" --arg st "$4" --slurpfile c "$3/config.json" \
		'.id = $id | .pid = $pid | .bundle = $b | .status = $st | .annotations = ($c[0].annotations // {})
		 | if $st == "stopped" then del(.pid) else . end' "$BUNDLES_DIR/state-creating.json"
}

# call_stage NAME STAGE STATUS [PID]: run STAGE for bundle $T/b/NAME; sets STAGE_RC, err in logs
call_stage() {
	local name=$1 stage=$2 st=$3 pid=${4:-0}
	stage_state "$name" "$pid" "$T/b/$name" "$st" >"$T/logs/state-$name-$stage.json" || fail "cannot build the state JSON"
	(cd "$T/b/$name" && hook "$stage") <"$T/logs/state-$name-$stage.json" \
		>"$T/logs/$name-$stage.out" 2>"$T/logs/$name-$stage.err"
	STAGE_RC=$?
}

# new_case NAME: a recipient bundle linking example:ex, prepared while its etc/hosts is regular
new_case() {
	local d=$T/b/$1
	mkbundle "$d" "$1-host" "$REPORT"
	bundle_netns "$d" "$ns_h"
	bundle_annotate "$d" io.ocilink.name "$1"
	bundle_annotate "$d" io.ocilink.links example:ex
	ocl_prepare "$d" 2>"$T/logs/prepare-$1.err" || fail "prepare of $1 failed: $(cat "$T/logs/prepare-$1.err")"
}

# --- control: a regular etc/hosts works through the same steps
new_case h-regular
d=$T/b/h-regular
cp "$d/rootfs/etc/hosts" "$T/hosts.orig"
spawn_in_netns "$ns_h" sleep 600
call_stage h-regular createRuntime creating "$SPAWNED_PID"
[ "$STAGE_RC" = 0 ] || fail "control: createRuntime on a regular etc/hosts failed ($STAGE_RC): $(cat "$T/logs/h-regular-createRuntime.err")"
expect_hosts_block "$d/rootfs/etc/hosts" h-regular "$T/hosts.orig" "$(printf '10.231.0.11\tex example-host example')"
call_stage h-regular poststop stopped
[ "$STAGE_RC" = 0 ] || note "poststop of the hand-made state exited $STAGE_RC: $(cat "$T/logs/h-regular-poststop.err")"
kill "$SPAWNED_PID" && wait "$SPAWNED_PID" 2>/dev/null
cp "$T/hosts.orig" "$d/rootfs/etc/hosts"
run_fg h-regular "$d"
[ "$RUN_RC" = 0 ] || fail "control: the regular recipient failed (rc $RUN_RC): $RUN_ERR"
report_hosts >"$T/hosts.seen"
expect_hosts_block "$T/hosts.seen" h-regular "$T/hosts.orig" "$(printf '10.231.0.11\tex example-host example')"
host_files_intact control

# hostile NAME REASON_ERE SETUP...: the case described at the top
hostile() {
	local name=h-$1 reason=$2 d=$T/b/h-$1 out_before root_before
	shift 2
	new_case "$name"
	(cd "$d/rootfs" && eval "$*") || fail "$name: setup '$*' failed"
	note "$name: etc/hosts is now: $(cd "$d/rootfs" && ls -ld etc etc/hosts 2>&1 | tr '\n' ' ')"
	out_before=$(outside_snapshot "$d")
	root_before=$(rootfs_snapshot "$d")

	# the stage, directly
	spawn_in_netns "$ns_h" sleep 600
	call_stage "$name" createRuntime creating "$SPAWNED_PID"
	host_files_intact "$name createRuntime"
	expect_hook_error "$STAGE_RC" "$T/logs/$name-createRuntime.err" "$name" "$reason"
	expect_eq "$name: outside the rootfs after createRuntime" "$out_before" "$(outside_snapshot "$d")"
	expect_eq "$name: the rootfs after createRuntime" "$root_before" "$(rootfs_snapshot "$d")"
	call_stage "$name" poststop stopped
	[ "$STAGE_RC" = 0 ] || note "poststop of the hand-made state exited $STAGE_RC: $(cat "$T/logs/$name-poststop.err")"
	kill "$SPAWNED_PID" && wait "$SPAWNED_PID" 2>/dev/null

	# the real run
	run_fg "$name" "$d"
	host_files_intact "$name run"
	[ "$RUN_RC" != 0 ] || fail "$name: the recipient ran with a hostile etc/hosts: $RUN_OUT"
	[ -z "$RUN_OUT" ] || fail "$name: the recipient's process ran: $RUN_OUT"
	if [ "$RUNTIME" = runc ]; then
		matches "$RUN_ERR" "ocilink-hook: $name: " || fail "$name: runc's error lacks the hook's message: $RUN_ERR"
		grep -Eiq -- "$reason" <<<"$RUN_ERR" || fail "$name: runc's error does not say why (/$reason/): $RUN_ERR"
	fi
	ctr_exists "$name" && fail "$name: a container is left after the failed run"
	expect_eq "$name: outside the rootfs after the run" "$out_before" "$(outside_snapshot "$d")"
	# the runtime itself may add mount points (dev/pts, ...) to the rootfs; etc must be as it was
	expect_eq "$name: rootfs etc after the run" "$(grep -E '^\./etc[/ ]' <<<"$root_before")" \
		"$(rootfs_snapshot "$d" | grep -E '^\./etc[/ ]')"
	ok "$name: refused (rc $RUN_RC), nothing changed"
}

SYM='symlink|symbolic link'
hostile abs-host "$SYM" 'rm etc/hosts && ln -s /etc/hosts etc/hosts'
hostile abs-canary "$SYM" "rm etc/hosts && ln -s '$CANARY' etc/hosts"
hostile rel-canary "$SYM" "rm etc/hosts && ln -s '${UP}tmp/$(basename "$CANARY")' etc/hosts"
hostile rel-missing "$SYM" "rm etc/hosts && ln -s '${UP}tmp/$(basename "$MISSING")' etc/hosts"
hostile etc-link "$SYM|not a directory" 'rm -r etc && ln -s /etc etc'
hostile hardlink 'hard[ -]?link|[0-9]+ (hard )?links|one link|link count|nlink' "rm etc/hosts && ln '$CANARY' etc/hosts"
hostile fifo 'not a regular file' 'rm etc/hosts && mkfifo etc/hosts'

# the relative symlink really does lead to the canary when followed on the host
[ "$(readlink -f "$T/b/h-rel-canary/rootfs/etc/hosts")" = "$CANARY" ] || fail "the rel-canary case does not point at the canary"
pass

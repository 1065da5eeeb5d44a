#!/bin/bash
# test-timeouts.sh: the largest allowed case (256 links) stays well inside a hook timeout, and no
# hook leaves a child process. 256 sources n1..n256 are registered by direct createRuntime calls
# (io.ocilink.ip annotations, one sleeping process in a namespace as the pid of all of them); a
# recipient links to all 256. Every command, each under `timeout 1` and in its own session
# (setsid), is timed: prepare (256 links), explain, createRuntime of the recipient, poststart of a
# source (rewrites the recipient's 256-line block), list, list --json, poststop; each must finish
# in under 1 s with exit 0, and its session must be empty afterwards. Then the recipient runs
# for real with the runtime (config with the 256 links' variables, ocilink's hooks installed):
# `rt run` is timed, and the container sees 256 hosts lines and 256 *_NAME variables.
: "${NLINKS:=256}"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ST=$T/state
ns=$(net_add to 10.231.0.11) || exit 1
spawn_in_netns "$ns" sleep 3600
PID=$SPAWNED_PID
now_ms() { date +%s%3N; }

mini_bundle() {
	mkdir -p "$1/rootfs/etc"
	(cd "$1" && runc spec) || fail "runc spec in $1 failed"
	jq_edit "$1/config.json" --arg n "$2" --arg ip "${3:-}" '.hostname = $n + "-host" | .annotations["io.ocilink.name"] = $n
		| if $ip != "" then .annotations["io.ocilink.ip"] = $ip else . end'
}
ip_of() { printf '10.231.0.%d' $((($1 - 1) % 250 + 2)); }

# timed LABEL STDIN DIR ARGS...: the hook under `timeout 1` in a new session (cwd DIR, stdin from
# the file STDIN or /dev/null); must exit 0; prints the duration; the session must be empty after
SLOWEST=0
timed() {
	local label=$1 in=$2 dir=$3 t0 t1 rc sid left
	shift 3
	[ "$in" = - ] && in=/dev/null
	t0=$(now_ms)
	(cd "$dir" && exec setsid -w bash -c 'echo $$ >"$0"; exec timeout -k 1 1 "$@"' "$T/sid" \
		"$OCILINK_HOOK" --state-dir "$ST" "$@") <"$in" >"$T/logs/$label.out" 2>"$T/logs/$label.err"
	rc=$?
	t1=$(now_ms)
	sid=$(cat "$T/sid")
	printf '# %-34s %5d ms (exit %d)\n' "$label" $((t1 - t0)) "$rc"
	[ "$rc" = 124 ] || [ "$rc" = 137 ] && fail "$label did not finish within 1 s"
	[ "$rc" = 0 ] || fail "$label failed ($rc): $(head -c 400 "$T/logs/$label.err")"
	[ $((t1 - t0)) -lt 1000 ] || fail "$label took $((t1 - t0)) ms"
	[ $((t1 - t0)) -gt "$SLOWEST" ] && SLOWEST=$((t1 - t0))
	left=$(ps -e -o sid=,pid=,ppid=,args= | awk -v s="$sid" '$1 == s')
	[ -z "$left" ] || fail "$label left processes in its session $sid: $left"
	return 0
}

# --- 256 sources
t0=$(now_ms)
for i in $(seq 1 "$NLINKS"); do
	mini_bundle "$T/b/n$i" "n$i" "$(ip_of "$i")"
	state_json "n$i" "$T/b/n$i" creating >"$T/st-n$i.json"
done
t1=$(now_ms)
for i in $(seq 1 "$NLINKS"); do
	(cd "$T/b/n$i" && hook createRuntime) <"$T/st-n$i.json" 2>"$T/logs/reg.err" ||
		fail "registering n$i failed: $(cat "$T/logs/reg.err")"
done
t2=$(now_ms)
note "$NLINKS sources: bundles in $((t1 - t0)) ms, registered (one by one) in $((t2 - t1)) ms"
[ "$(ls "$ST/names" | wc -l)" = "$NLINKS" ] || fail "the registry holds $(ls "$ST/names" | wc -l) records"

# --- the recipient: a real busybox bundle that prints its hosts block and link variables
RCP=$T/b/rcp
links=$(printf 'n%d ' $(seq 1 "$NLINKS"))
mkbundle "$RCP" rcp-host '["sh","-c","grep -c \"\thost-of\\|\tn[0-9]* n[0-9]*-host$\" /etc/hosts; env | grep -c \"^N[0-9]*_NAME=/rcp/n\"; echo done"]'
bundle_annotate "$RCP" io.ocilink.name rcp
bundle_annotate "$RCP" io.ocilink.links "$links"
cp "$RCP/rootfs/etc/hosts" "$T/hosts.orig"

note "durations (each under timeout 1, in its own session):"
timed "prepare --install-hooks ($NLINKS links)" - "$RCP" prepare -b "$RCP" --install-hooks
expect_eq "link variables in the recipient's config" "$NLINKS" "$(config_env "$RCP" | grep -c '^N[0-9]*_NAME=/rcp/n')"
timed "prepare again (idempotent)" - "$RCP" prepare -b "$RCP" --install-hooks
expect_eq "link variables after a second prepare" "$NLINKS" "$(config_env "$RCP" | grep -c '^N[0-9]*_NAME=/rcp/n')"
timed "explain ($NLINKS links)" - "$RCP" explain -b "$RCP"
state_json rcp "$RCP" creating >"$T/st-rcp.json"
timed "createRuntime (recipient)" "$T/st-rcp.json" "$RCP" createRuntime
exp=$(for i in $(seq 1 "$NLINKS"); do printf '%s\tn%d n%d-host\n' "$(ip_of "$i")" "$i" "$i"; done)
expect_hosts_block "$RCP/rootfs/etc/hosts" rcp "$T/hosts.orig" "$exp"
state_json n1 "$T/b/n1" running >"$T/st-n1-run.json"
timed "poststart (source n1)" "$T/st-n1-run.json" "$T/b/n1" poststart
state_json rcp "$RCP" running >"$T/st-rcp-run.json"
timed "poststart (recipient, $NLINKS links)" "$T/st-rcp-run.json" "$RCP" poststart
timed "list ($((NLINKS + 1)) records)" - "$T" list
timed "list --json" - "$T" list --json
expect_eq "records in list --json" "$((NLINKS + 1))" "$(jq length "$T/logs/list --json.out")"
state_json rcp "$RCP" stopped >"$T/st-rcp-stop.json"
timed "poststop (recipient)" "$T/st-rcp-stop.json" "$RCP" poststop
[ ! -e "$ST/names/rcp.json" ] || fail "poststop left rcp's record"

# --- the recipient for real
cp "$T/hosts.orig" "$RCP/rootfs/etc/hosts"
t0=$(now_ms)
run_fg rcp "$RCP"
t1=$(now_ms)
note "$RUNTIME run of the recipient ($NLINKS links, hooks createRuntime/poststart/poststop): $((t1 - t0)) ms, exit $RUN_RC"
[ "$RUN_RC" = 0 ] || fail "the recipient failed (rc $RUN_RC): $RUN_ERR"
expect_eq "the recipient's output (hosts lines, link variables)" "$(printf '%d\n%d\ndone' "$NLINKS" "$NLINKS")" "$RUN_OUT"
[ $((t1 - t0)) -lt 10000 ] || fail "$RUNTIME run took $((t1 - t0)) ms"
expect_hosts_block "$RCP/rootfs/etc/hosts" rcp "$T/hosts.orig" "$exp"
[ ! -e "$ST/names/rcp.json" ] || fail "the recipient's record is left after its run"

state_json "n$NLINKS" "$T/b/n$NLINKS" stopped >"$T/st-last-stop.json"
timed "poststop (source n$NLINKS)" "$T/st-last-stop.json" "$T/b/n$NLINKS" poststop
[ ! -e "$ST/names/n$NLINKS.json" ] && [ ! -e "$ST/ids/n$NLINKS" ] || fail "poststop left n$NLINKS in the registry"
pass "slowest hook command $SLOWEST ms; $RUNTIME run $((t1 - t0)) ms"

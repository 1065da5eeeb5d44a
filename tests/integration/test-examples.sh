#!/bin/bash
# test-examples.sh: the examples of config/examples run for real.
#   1. runc-pair/run.sh (its two config.json files, a busybox rootfs, private namespaces) with the
#      runtime under test: the recipient's /etc/hosts block, the twelve EX_* variables in config
#      order, ping ex; afterwards no namespace, container or registry record is left.
#   2. systemd/*.service: `systemd-analyze verify` is clean; then the units' Exec* lines are run
#      the way systemd runs them (ExecStartPre in order, a leading '-' ignores a failure,
#      ExecStart in the background, ExecStartPost before the next unit ordered After= starts,
#      SIGTERM to ExecStart's process on stop, then ExecStopPost), with the hook, the runtime
#      (its own state root), the bundle folder and the namespaces replaced by the test's own: the
#      recipient comes up with the seed's hosts line and variables, list --graph shows the link,
#      and stopping both empties the registry.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

EX=$TESTS_DIR/../config/examples
command -v systemd-analyze >/dev/null || fail "required program not found: systemd-analyze (package systemd)"

# expected output of a recipient that linked example:ex at IP (hostname "example")
check_recipient_out() {
	local what=$1 out=$2 ip=$3
	printf '%s\n' "$out" | sed -n '/^--- cat \/etc\/hosts$/,/^--- env/p' | sed '1d;$d' >"$T/hosts.seen"
	printf '127.0.0.1\tlocalhost\n' >"$T/hosts.orig"
	expect_hosts_block "$T/hosts.seen" recipient "$T/hosts.orig" "$(printf '%s\tex example example' "$ip")"
	expect_eq "$what: EX_* variables as the process received them" "$(seed_env "$ip" recipient)" \
		"$(printf '%s\n' "$out" | sed -n '/^--- env/,/^--- ping/p' | sed '1d;$d')"
	matches "$out" "^PING ex \\($ip\\)" && matches "$out" ' 0% packet loss' || fail "$what: ping ex failed: $out"
	ok "$what: ping -c 2 ex reached $ip"
}

# --- 1. runc-pair/run.sh
PFX=ocl-pair$OCL_ID-
on_cleanup "for n in recipient example sw; do ip netns del $PFX\$n; done"
STATE_DIR=$T/state HOOK=$OCILINK_HOOK NETNS_PREFIX=$PFX WORK=$T/pair \
	timeout -k 5 120 bash "$EX/runc-pair/run.sh" "$RUNTIME" >"$T/logs/pair.out" 2>&1 ||
	fail "runc-pair/run.sh $RUNTIME failed: $(tail -n 20 "$T/logs/pair.out")"
out=$(cat "$T/logs/pair.out")
check_recipient_out "runc-pair" "$out" 10.232.0.2
matches "$out" "^run.sh: OK \\($RUNTIME\\)\$" || fail "run.sh did not finish: $out"
left=$(ip netns list | awk '{print $1}' | grep -F -- "$PFX" || true)
[ -z "$left" ] || fail "run.sh left namespaces: $left"
[ -z "$(ls -A "$T/state/names")" ] || fail "run.sh left registry records: $(ls "$T/state/names")"
[ ! -e "$T/pair/runtime" ] || [ -z "$(ls -A "$T/pair/runtime" 2>/dev/null)" ] || fail "run.sh left runtime state"
ok "run.sh removed its namespaces, containers and records"

# --- 2. systemd units
verify=$(cd "$EX/systemd" && systemd-analyze verify ./ocilink-example.service ./ocilink-recipient.service 2>&1)
rc=$?
[ "$rc" = 0 ] && [ -z "$verify" ] || fail "systemd-analyze verify (rc $rc): $verify"
ok "systemd-analyze verify: clean"

ns_ex=$(net_add uex 10.231.0.41) || exit 1
ns_rc=$(net_add urc 10.231.0.42) || exit 1
UB=$T/units
for b in example recipient; do
	src=source
	[ "$b" = recipient ] && src=recipient
	mkdir -p "$UB/$b"
	ocl_rootfs_template
	cp -a "$T/rootfs-template" "$UB/$b/rootfs"
	cp "$EX/runc-pair/$src/config.json" "$UB/$b/config.json"
done
bundle_netns "$UB/example" "$ns_ex"
bundle_netns "$UB/recipient" "$ns_rc"
# the runtime under test, as the units' /usr/sbin/runc (the test's state root)
{
	echo '#!/bin/bash'
	printf 'T=%q RUNTIME=%q RT_TIMEOUT=%q\n' "$T" "$RUNTIME" "$RT_TIMEOUT"
	echo 'fail() { echo "$*" >&2; exit 1; }'
	declare -f ocl_trace rt
	echo 'rt "$@"'
} >"$T/rt"
chmod +x "$T/rt"

# unit_cmds UNIT KEY: the unit's KEY= lines, with the test's paths
unit_cmds() {
	sed -n "s/^$2=//p" "$EX/systemd/$1.service" | sed \
		-e "s#/usr/libexec/oci/hooks.d/ocilink-hook#$OCILINK_HOOK --state-dir $T/state#g" \
		-e "s#/usr/sbin/runc#$T/rt#g" \
		-e "s#/var/lib/ocilink/bundles/#$UB/#g" \
		-e "s#/run/netns/ocilink-example#$ns_ex#g" \
		-e "s#/run/netns/ocilink-recipient#$ns_rc#g"
}
# run_cmds UNIT KEY: each line as systemd would (a leading '-' ignores a failure)
run_cmds() {
	local line
	while IFS= read -r line; do
		case "$line" in
		-*) timeout -k 5 30 sh -c "${line#-}" >>"$T/logs/$1.units" 2>&1 || true ;;
		*) timeout -k 5 30 sh -c "$line" >>"$T/logs/$1.units" 2>&1 || fail "$1: $2=$line failed: $(tail -n 5 "$T/logs/$1.units")" ;;
		esac
	done < <(unit_cmds "$1" "$2")
}
# unit_start UNIT: ExecStartPre, ExecStart in the background (MAIN_<unit> its pid), ExecStartPost
declare -A MAIN
unit_start() {
	local start
	run_cmds "$1" ExecStartPre
	start=$(unit_cmds "$1" ExecStart)
	sh -c "exec $start" </dev/null >"$T/logs/$1.out" 2>&1 &
	MAIN[$1]=$!
	OCL_PIDS+=("${MAIN[$1]}")
	run_cmds "$1" ExecStartPost
}
# unit_stop UNIT: SIGTERM to the main process, wait for it, ExecStopPost
unit_stop() {
	kill -TERM "${MAIN[$1]}" || fail "$1: main process ${MAIN[$1]} is gone before stop"
	wait_for 15 pid_gone "${MAIN[$1]}" || fail "$1: runtime did not exit on SIGTERM"
	wait "${MAIN[$1]}" 2>/dev/null
	run_cmds "$1" ExecStopPost
}
grep -qx 'Requires=ocilink-example.service' "$EX/systemd/ocilink-recipient.service" &&
	grep -qx 'After=ocilink-example.service' "$EX/systemd/ocilink-recipient.service" ||
	fail "the recipient unit lacks Requires= and After= on the source"

unit_start ocilink-example
expect_running example
unit_start ocilink-recipient
wait_for 20 grep -q '^--- up' "$T/logs/ocilink-recipient.out" ||
	fail "the recipient unit did not come up: $(cat "$T/logs/ocilink-recipient.out" "$T/logs/ocilink-recipient.units")"
check_recipient_out "systemd units" "$(cat "$T/logs/ocilink-recipient.out")" 10.231.0.41
matches "$(hook list --graph)" '^  "recipient" -> "example" \[label="ex"\];$' || fail "list --graph lacks the link: $(hook list --graph)"
ok "list --graph shows recipient -> example"
unit_stop ocilink-recipient
unit_stop ocilink-example
[ -z "$(ls -A "$T/state/names")" ] || fail "records left after stopping the units: $(ls "$T/state/names")"
[ -z "$(rt list -q)" ] || fail "containers left after stopping the units: $(rt list -q)"
ok "stopping the units removed both containers and their records"
pass

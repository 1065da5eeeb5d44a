# shellcheck shell=bash
# lib.sh: harness for ocilink's runtime tests. Source it from a test script:
#
#     . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Environment (set by tests/meson.build):
#   OCILINK_HOOK  absolute path of the built ocilink-hook (required unless OCL_NEED_HOOK=0)
#   RUNTIME       runc or crun
#   TESTS_DIR     the tests/ source folder (default: the parent of this file's folder)
# Optional:
#   OCL_KEEP=1    keep the temp dir after the test (containers and namespaces are still removed)
#   OCL_VERBOSE=1 print every runtime and hook command before running it
#
# Everything a test creates lives in a temp dir $T (runtime state, hook state, bundles, logs)
# or in network namespaces named ocl-<tag>-$$. The EXIT trap deletes the containers of
# $T/rt-state, stops the processes the test spawned (by pid), deletes those namespaces and $T,
# and fails the test if any of them is left. The host's own network namespace is never touched:
# bridges, veths and addresses exist only inside namespaces made here.

set -u -o pipefail

OCL_TEST=$(basename "$0" .sh)
OCL_ID=$$
OCL_LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${TESTS_DIR:=$(dirname "$OCL_LIBDIR")}"
: "${RUNTIME:=}"
: "${OCL_NEED_HOOK:=1}"
: "${RT_TIMEOUT:=60}"      # seconds allowed for one runtime command
: "${HOOK_TIMEOUT:=30}"    # seconds allowed for one direct hook call
BUNDLES_DIR=$TESTS_DIR/bundles
SW_NS=ocl-sw-$OCL_ID       # the "switch" namespace that holds the bridge
SW_BR=br0                  # bridge name inside $SW_NS (the namespace is private, the name need not be unique)
NET4_PREFIX=10.231.0       # every container address is $NET4_PREFIX.x/24, gateway .1
NET6_PREFIX=fd00:231:      # IPv6: ${NET6_PREFIX}:x/64 (fd00:231::/64), gateway ::1
T=
OCL_PIDS=()                # processes spawned by the test (killed by pid at exit)
OCL_CLEANUP_CMDS=()        # extra commands a test registers with on_cleanup (run first)
OCL_HAD_RUN_NETNS=0
[ -d /run/netns ] && OCL_HAD_RUN_NETNS=1
unset OCILINK_STATE_DIR

# ---------------------------------------------------------------------------------------------
# reporting

note() { printf '# %s\n' "$*"; }
ok()   { printf 'ok - %s\n' "$*"; }

# fail MSG...: print a clear message (and the logs of the run) and exit 1; the trap cleans up.
fail() {
	printf 'FAIL: %s (%s): %s\n' "$OCL_TEST" "${RUNTIME:-?}" "$*" >&2
	if [ -n "$T" ] && [ -d "$T/logs" ]; then
		# the logs written last are the ones that explain the failure
		local f
		for f in $(ls -t "$T/logs" | head -n 6); do
			[ -s "$T/logs/$f" ] || continue
			printf -- '--- logs/%s (last 20 lines)\n' "$f" >&2
			tail -n 20 "$T/logs/$f" | cat -A | cut -c1-300 >&2
		done
	fi
	exit 1
}

# pass [MSG]: the test succeeded
pass() {
	printf 'PASS: %s (%s)%s\n' "$OCL_TEST" "$RUNTIME" "${1:+: $*}"
	exit 0
}

# expect_eq WHAT EXPECTED ACTUAL: exact string comparison, shows a diff on mismatch
expect_eq() {
	local what=$1 exp=$2 act=$3
	if [ "$exp" != "$act" ]; then
		printf -- '--- expected %s\n%s\n--- actual %s\n%s\n--- diff (expected -> actual)\n' \
			"$what" "$exp" "$what" "$act" | cat -A >&2
		diff <(printf '%s\n' "$exp") <(printf '%s\n' "$act") | cat -A >&2
		fail "$what differs from what was expected"
	fi
	ok "$what"
}

# expect_same_file WHAT FILE1 FILE2: byte-for-byte
expect_same_file() {
	cmp -s "$2" "$3" || { diff "$2" "$3" | cat -A >&2; fail "$1: $2 and $3 differ"; }
	ok "$1"
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

# matches TEXT ERE: TEXT has a line matching ERE. (No "cmd | grep -q" anywhere: with pipefail,
# grep -q exiting early makes the writer die of SIGPIPE and the pipeline fail at random.)
matches() { grep -Eq -- "$2" <<<"$1"; }

# expect_hook_error RC ERRFILE CONTAINER REASON_ERE [WORD...]
# The contract for a failing hook: exit 1, exactly one line on stderr
# "ocilink-hook: <container>: <what is wrong>", the reason matching REASON_ERE
# (case-insensitive) and every WORD (link, source, ...) present verbatim.
expect_hook_error() {
	local rc=$1 errf=$2 ctr=$3 reason=$4 w
	shift 4
	local msg
	msg=$(cat "$errf")
	[ "$rc" = 1 ] || fail "expected exit status 1 from the hook, got $rc; stderr: $msg"
	[ "$(wc -l <"$errf")" = 1 ] && [ "$(tail -c1 "$errf" | od -An -c | tr -d ' ')" = '\n' ] ||
		fail "expected exactly one line on stderr, got: $(cat -A "$errf")"
	case "$msg" in
	"ocilink-hook: $ctr: "?*) ;;
	*) fail "stderr does not start with 'ocilink-hook: $ctr: ': $msg" ;;
	esac
	grep -Eiq -- "$reason" <<<"$msg" || fail "message does not say why (/$reason/): $msg"
	for w; do
		grep -Fq -- "$w" <<<"$msg" || fail "message does not name '$w': $msg"
	done
	ok "hook failed as expected: $msg"
}

# ---------------------------------------------------------------------------------------------
# runtimes, hook

ocl_trace() { [ "${OCL_VERBOSE:-0}" = 1 ] && printf '+ %s\n' "$*" >&2; return 0; }

# rt ARGS...: the runtime under test with its state in $T/rt-state.
# crun 1.8 refuses this VM's hybrid cgroup layout, so it runs in a private mount namespace with a
# pure cgroup2 mount and cgroups disabled (the mount changes stay inside that namespace).
rt() {
	ocl_trace "$RUNTIME $*"
	case "$RUNTIME" in
	runc) timeout -k 5 "$RT_TIMEOUT" runc --root "$T/rt-state" "$@" ;;
	crun) timeout -k 5 "$RT_TIMEOUT" unshare -m --propagation private sh -c \
		'umount -R /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup && exec crun --cgroup-manager=disabled "$@"' \
		crun-wrap --root "$T/rt-state" "$@" ;;
	*) fail "RUNTIME must be runc or crun, not '$RUNTIME'" ;;
	esac
}

# hook ARGS...: the hook under test with the test's private registry
hook() {
	ocl_trace "ocilink-hook --state-dir $T/state $*"
	timeout -k 5 "$HOOK_TIMEOUT" "$OCILINK_HOOK" --state-dir "$T/state" "$@"
}

# ocl_prepare DIR: inject link variables and install ocilink's hooks into DIR/config.json
ocl_prepare() { hook prepare -b "$1" --install-hooks; }

# hook_list_json: the registry as JSON (fails the test if that does not work)
hook_list_json() {
	local out
	out=$(hook list --json 2>"$T/logs/list.err") || fail "hook list --json failed: $(cat "$T/logs/list.err")"
	printf '%s\n' "$out" | jq -e 'type == "array"' >/dev/null ||
		fail "hook list --json did not print a JSON array: $out"
	printf '%s\n' "$out"
}

# registry_record NAME: the list --json object(s) with that name, one JSON object per line
registry_record() { hook_list_json | jq -c --arg n "$1" '.[] | select(.name == $n)'; }

# ---------------------------------------------------------------------------------------------
# bundles

# jq_edit FILE JQ-ARGS...: rewrite a JSON file with jq
jq_edit() {
	local f=$1
	shift
	jq "$@" "$f" >"$f.new" || { rm -f "$f.new"; fail "jq $* on $f failed"; }
	mv "$f.new" "$f"
}

ocl_rootfs_template() {
	local r=$T/rootfs-template a
	[ -e "$r/bin/busybox" ] && return 0
	mkdir -p "$r"/{bin,etc,proc,sys,dev,tmp,root}
	cp /bin/busybox "$r/bin/busybox"
	for a in $("$r/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -s busybox "$r/bin/$a"
	done
	printf '127.0.0.1\tlocalhost\n' >"$r/etc/hosts"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$r/etc/passwd"
	printf 'root:x:0:\n' >"$r/etc/group"
}

# mkbundle DIR HOSTNAME ARGS_JSON: a busybox-static bundle (rootfs copy) for runc and crun:
# terminal off, the given args and hostname, writable rootfs, CAP_NET_RAW (busybox ping) in every
# capability set, a cgroup path unique to this run. ARGS_JSON may also be @FILE (a JSON array file).
mkbundle() {
	local d=$1 hn=$2 args=$3
	[ -e "$d" ] && fail "mkbundle: $d already exists"
	case "$args" in @*) args=$(cat "${args#@}") || fail "mkbundle: cannot read ${args#@}" ;; esac
	ocl_rootfs_template
	mkdir -p "$d"
	cp -a "$T/rootfs-template" "$d/rootfs"
	(cd "$d" && runc spec) || fail "runc spec failed in $d"
	jq_edit "$d/config.json" --argjson a "$args" --arg hn "$hn" --arg cg "/ocl-$OCL_ID-$(basename "$d")" '
		.process.terminal = false | .process.args = $a | .hostname = $hn | .root.readonly = false
		| .process.capabilities |= with_entries(.value += ["CAP_NET_RAW"])
		| .linux.cgroupsPath = $cg'
}

# bundle_netns DIR NSPATH: join an existing network namespace
bundle_netns() {
	jq_edit "$1/config.json" --arg ns "$2" \
		'.linux.namespaces |= map(if .type == "network" then .path = $ns else . end)'
}

# bundle_annotate DIR KEY VALUE
bundle_annotate() { jq_edit "$1/config.json" --arg k "$2" --arg v "$3" '.annotations[$k] = $v'; }

# bundle_env DIR KEY=VALUE: append to process.env
bundle_env() { jq_edit "$1/config.json" --arg e "$2" '.process.env += [$e]'; }

# bundle_args DIR ARGS_JSON|@FILE
bundle_args() {
	local a=$2
	case "$a" in @*) a=$(cat "${a#@}") ;; esac
	jq_edit "$1/config.json" --argjson a "$a" '.process.args = $a'
}

# config_env DIR: process.env of DIR/config.json, one variable a line
config_env() { jq -r '.process.env[]' "$1/config.json"; }

# process args kept in tests/bundles: a process that stays up until SIGTERM, and the report a
# recipient prints (its /etc/hosts, a marker line, its environment).
KEEPALIVE=@$BUNDLES_DIR/args-keepalive.json
REPORT=@$BUNDLES_DIR/args-report.json
REPORT_MARK=@@ocilink-test-env@@

# report_hosts / report_env: the two parts of a REPORT run's output (from $RUN_OUT)
report_hosts() { printf '%s\n' "$RUN_OUT" | sed -n "/^$REPORT_MARK\$/q;p"; }
report_env()   { printf '%s\n' "$RUN_OUT" | sed -n "/^$REPORT_MARK\$/,\$p" | sed 1d; }

# ---------------------------------------------------------------------------------------------
# network: one bridge in its own namespace, one namespace per container

# net_switch: create the switch namespace with its bridge (once)
net_switch() {
	[ -e "/run/netns/$SW_NS" ] && return 0
	ip netns add "$SW_NS" || fail "ip netns add $SW_NS failed"
	ip -n "$SW_NS" link set lo up &&
		ip -n "$SW_NS" link add "$SW_BR" type bridge &&
		ip -n "$SW_NS" addr add "$NET4_PREFIX.1/24" dev "$SW_BR" &&
		ip -n "$SW_NS" addr add "${NET6_PREFIX}:1/64" dev "$SW_BR" nodad &&
		ip -n "$SW_NS" link set "$SW_BR" up || fail "setting up the bridge in $SW_NS failed"
}

# net_add NAME IPV4|- [IPV6]: namespace ocl-NAME-$$ with eth0 on the bridge; prints its path.
# "-" for IPV4 gives an interface without IPv4 address (then there is no default route either).
# Safe to call in $(...): all its state is in the namespaces themselves.
net_add() {
	local name=$1 ip4=$2 ip6=${3:-} ns=ocl-$1-$OCL_ID seq veth
	net_switch
	[ -e "/run/netns/$ns" ] && fail "net_add: namespace $ns exists already"
	seq=$(($(cat "$T/.vethseq" 2>/dev/null || echo 0) + 1))
	echo "$seq" >"$T/.vethseq"
	veth=ve$seq
	ip netns add "$ns" || fail "ip netns add $ns failed"
	# the veth is created inside the switch namespace, its peer goes straight into $ns
	ip -n "$SW_NS" link add "$veth" type veth peer name eth0 netns "$ns" &&
		ip -n "$SW_NS" link set "$veth" master "$SW_BR" up &&
		ip -n "$ns" link set lo up || fail "net_add $name: veth setup failed"
	if [ "$ip4" != - ]; then
		ip -n "$ns" addr add "$ip4/24" dev eth0 || fail "net_add $name: cannot add $ip4"
	fi
	if [ -n "$ip6" ]; then
		ip -n "$ns" addr add "$ip6/64" dev eth0 nodad || fail "net_add $name: cannot add $ip6"
	fi
	ip -n "$ns" link set eth0 up || fail "net_add $name: eth0 up failed"
	if [ "$ip4" != - ]; then
		ip -n "$ns" route add default via "$NET4_PREFIX.1" || fail "net_add $name: no default route"
	fi
	printf '/run/netns/%s\n' "$ns"
}

# spawn_in_netns NSPATH CMD...: start CMD in the background inside a namespace; sets SPAWNED_PID
# (ip netns exec execs CMD, so the pid is CMD's own). Do not call this in $(...).
spawn_in_netns() {
	local ns=$1
	shift
	ip netns exec "$(basename "$ns")" "$@" </dev/null >>"$T/logs/spawned.log" 2>&1 &
	SPAWNED_PID=$!
	OCL_PIDS+=("$SPAWNED_PID")
}

# ---------------------------------------------------------------------------------------------
# containers

# start_detached NAME DIR: rt run -d; returns the runtime's status, its output is in $T/logs/NAME.log
start_detached() {
	local name=$1 dir=$2
	rt run -d --bundle "$dir" "$name" </dev/null >>"$T/logs/$name.log" 2>&1
}

# start_source NAME NSPATH EXPOSE [ENV...]: a detached, registered source in bundle $T/b/NAME
# (hostname NAME-host, io.ocilink.name NAME, io.ocilink.expose EXPOSE, prepared with the hooks)
start_source() {
	local name=$1 ns=$2 expose=$3 d=$T/b/$1 e
	shift 3
	mkbundle "$d" "$name-host" "$KEEPALIVE"
	bundle_netns "$d" "$ns"
	for e; do bundle_env "$d" "$e"; done
	bundle_annotate "$d" io.ocilink.name "$name"
	bundle_annotate "$d" io.ocilink.expose "$expose"
	ocl_prepare "$d" 2>"$T/logs/prepare-$name.err" || fail "prepare of $name failed: $(cat "$T/logs/prepare-$name.err")"
	start_detached "$name" "$d" || fail "$name did not start: $(cat "$T/logs/$name.log")"
	expect_running "$name"
}

# state_json ID BUNDLE STATUS: an OCI state for a direct stage call, with pid $PID (dropped for
# "stopped") and the bundle's config annotations
state_json() {
	jq --arg id "$1" --argjson pid "$PID" --arg b "$2" --arg st "$3" --slurpfile c "$2/config.json" \
		'.id = $id | .pid = $pid | .bundle = $b | .status = $st | .annotations = ($c[0].annotations // {})
		 | if $st == "stopped" then del(.pid) else . end' "$BUNDLES_DIR/state-creating.json"
}

# run_fg NAME DIR: run in the foreground; sets RUN_OUT (stdout), RUN_ERR (stderr), RUN_RC
run_fg() {
	local name=$1 dir=$2
	rt run --bundle "$dir" "$name" </dev/null >"$T/logs/$name.out" 2>"$T/logs/$name.err"
	RUN_RC=$?
	RUN_OUT=$(cat "$T/logs/$name.out")
	RUN_ERR=$(cat "$T/logs/$name.err")
	return 0
}

# ctr_status NAME: the runtime's status of a container (empty if it does not exist)
ctr_status() { rt state "$1" 2>/dev/null | jq -r '.status // empty' 2>/dev/null; }
ctr_pid() { rt state "$1" 2>/dev/null | jq -r '.pid // empty' 2>/dev/null; }
ctr_exists() { grep -qxF -- "$1" <<<"$(rt list -q 2>/dev/null)"; }

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds
wait_for() {
	local n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

status_is() { [ "$(ctr_status "$1")" = "$2" ]; }

# expect_running NAME: the detached container must be running
expect_running() {
	wait_for 5 status_is "$1" running ||
		fail "container $1 is not running (status '$(ctr_status "$1")'), log: $(cat "$T/logs/$1.log" 2>/dev/null)"
}

# stop_ctr NAME: SIGTERM (the KEEPALIVE process exits on it), wait until stopped, delete (poststop)
stop_ctr() {
	rt kill "$1" TERM >>"$T/logs/$1.log" 2>&1
	wait_for 10 status_is "$1" stopped || rt kill "$1" KILL >>"$T/logs/$1.log" 2>&1
	wait_for 10 status_is "$1" stopped || fail "container $1 did not stop"
	rt delete "$1" >>"$T/logs/$1.log" 2>&1 || fail "$RUNTIME delete $1 failed: $(tail -n 3 "$T/logs/$1.log")"
}

# pid_gone PID: the process no longer exists (or is a zombie nobody has reaped yet)
pid_gone() {
	[ ! -e "/proc/$1" ] && return 0
	[ "$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)" = Z ]
}
pid_absent() { [ ! -e "/proc/$1" ]; }

# kill_ctr_process NAME: SIGKILL the container's process by the pid the runtime reports, without
# deleting the container (its registry record stays), and wait until the pid is gone
kill_ctr_process() {
	local pid
	pid=$(ctr_pid "$1")
	[ -n "$pid" ] && [ "$pid" -gt 1 ] || fail "no pid for container $1"
	kill -KILL "$pid" || fail "kill $pid ($1) failed"
	# wait until the pid is reaped; a zombie that init does not reap in time still counts as gone
	wait_for 15 pid_absent "$pid" || wait_for 1 pid_gone "$pid" || fail "pid $pid of $1 did not go away"
	wait_for 10 status_is "$1" stopped || fail "container $1 not reported stopped after its process died"
}

# ---------------------------------------------------------------------------------------------
# /etc/hosts blocks

# hosts_block FILE NAME: the lines between "# ocilink begin NAME" and "# ocilink end NAME"
hosts_block() {
	awk -v b="# ocilink begin $2" -v e="# ocilink end $2" '
		$0 == e { inb = 0 } inb { print } $0 == b { inb = 1 }' "$1"
}

# hosts_outside FILE NAME: the file without that block (markers included)
hosts_outside() {
	awk -v b="# ocilink begin $2" -v e="# ocilink end $2" '
		$0 == b { inb = 1; next } $0 == e { inb = 0; next } !inb { print }' "$1"
}

# expect_hosts_block FILE NAME ORIGFILE EXPECTED_LINES: FILE holds exactly one block for NAME with
# exactly those lines, and everything outside the block is ORIGFILE byte for byte
expect_hosts_block() {
	local f=$1 name=$2 orig=$3 exp=$4 nb ne
	nb=$(grep -cxF "# ocilink begin $name" "$f")
	ne=$(grep -cxF "# ocilink end $name" "$f")
	[ "$nb" = 1 ] && [ "$ne" = 1 ] ||
		{ cat -A "$f" >&2; fail "hosts file $f: expected one ocilink block for $name, found $nb begin / $ne end markers"; }
	[ "$(grep -nxF "# ocilink begin $name" "$f" | cut -d: -f1)" -lt "$(grep -nxF "# ocilink end $name" "$f" | cut -d: -f1)" ] ||
		fail "hosts file $f: end marker before begin marker"
	expect_eq "ocilink block for $name in ${f#"$T"/}" "$exp" "$(hosts_block "$f" "$name")"
	hosts_outside "$f" "$name" >"$f.outside.$$"
	cmp -s "$orig" "$f.outside.$$" || {
		diff "$orig" "$f.outside.$$" | cat -A >&2
		rm -f "$f.outside.$$"
		fail "hosts file $f: bytes outside the ocilink block changed"
	}
	rm -f "$f.outside.$$"
	ok "${f#"$T"/}: every byte outside the block is unchanged"
}

# ---------------------------------------------------------------------------------------------
# expected variables

# seed_env IP RECIPIENT: the twelve EX_* variables of the spec's seed, in the spec's order
seed_env() {
	cat <<EOF
EX_PORT=tcp://$1:80
EX_PORT_80_TCP=tcp://$1:80
EX_PORT_80_TCP_ADDR=$1
EX_PORT_80_TCP_PORT=80
EX_PORT_80_TCP_PROTO=tcp
EX_PORT_8080_TCP=tcp://$1:8080
EX_PORT_8080_TCP_ADDR=$1
EX_PORT_8080_TCP_PORT=8080
EX_PORT_8080_TCP_PROTO=tcp
EX_NAME=/$2/ex
EX_ENV_BOOK=Learning Docker
EX_ENV_CHAPTER=Orchestrating Containers
EOF
}

# port_group PREFIX IP PORT [PROTO]: Docker's four variables of one exposed port
port_group() {
	local p=$1 ip=$2 n=$3 proto=${4:-tcp} up
	up=$(printf '%s' "$proto" | tr a-z A-Z)
	printf '%s_PORT_%s_%s=%s://%s:%s\n' "$p" "$n" "$up" "$proto" "$ip" "$n"
	printf '%s_PORT_%s_%s_ADDR=%s\n' "$p" "$n" "$up" "$ip"
	printf '%s_PORT_%s_%s_PORT=%s\n' "$p" "$n" "$up" "$n"
	printf '%s_PORT_%s_%s_PROTO=%s\n' "$p" "$n" "$up" "$proto"
}

# dup_env_keys DIR: the keys that process.env of DIR/config.json holds more than once
dup_env_keys() {
	jq -r '.process.env | map(split("=")[0]) | group_by(.) | map(select(length > 1) | .[0]) | .[]' "$1/config.json"
}

# ---------------------------------------------------------------------------------------------
# setup and cleanup

# on_cleanup CMD...: run CMD (eval'd) at exit, before the containers are deleted
on_cleanup() { OCL_CLEANUP_CMDS+=("$*"); }

ocl_own_netns() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E -- "^ocl-.+-$OCL_ID\$"; }

ocl_cleanup() {
	local rc=$? c id pid ns left=""
	trap - EXIT INT TERM HUP
	set +e
	for c in "${OCL_CLEANUP_CMDS[@]}"; do eval "$c" >/dev/null 2>&1; done
	if [ -n "$T" ] && [ -d "$T/rt-state" ] && [ -n "$RUNTIME" ]; then
		for id in $(RT_TIMEOUT=30 rt list -q 2>/dev/null); do
			RT_TIMEOUT=30 rt delete -f "$id" >>"$T/logs/cleanup.log" 2>&1
		done
		id=$(RT_TIMEOUT=30 rt list -q 2>/dev/null)
		[ -z "$id" ] || left="$left containers:$(echo $id)"
	fi
	for pid in "${OCL_PIDS[@]}"; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	for ns in $(ocl_own_netns); do ip netns del "$ns"; done
	ns=$(ocl_own_netns)
	[ -z "$ns" ] || left="$left netns:$(echo $ns)"
	# `ip netns add` made /run/netns a self-bind mount; undo that only if it was not there before
	# and nothing is in it (umount refuses while another namespace is mounted below it)
	if [ "$OCL_HAD_RUN_NETNS" = 0 ] && [ -d /run/netns ] && [ -z "$(ls -A /run/netns 2>/dev/null)" ]; then
		for c in 1 2 3; do
			mountpoint -q /run/netns || break
			umount /run/netns 2>/dev/null || break
		done
		rmdir /run/netns 2>/dev/null
	fi
	if [ -n "$T" ] && [ -d "$T" ]; then
		if [ "${OCL_KEEP:-0}" = 1 ]; then
			echo "# kept $T" >&2
		else
			rm -rf "$T"
		fi
	fi
	if [ -n "$left" ]; then
		echo "FAIL: $OCL_TEST (${RUNTIME:-?}): cleanup left:$left" >&2
		[ "$rc" = 0 ] && rc=1
	fi
	exit "$rc"
}

ocl_init() {
	trap ocl_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	[ "$(id -u)" = 0 ] || fail "these tests create containers and network namespaces: run them as root"
	case "$RUNTIME" in
	runc | crun) ;;
	*) fail "RUNTIME must be runc or crun (got '$RUNTIME')" ;;
	esac
	local p
	for p in "$RUNTIME" runc jq ip unshare timeout sha256sum /bin/busybox; do
		command -v "$p" >/dev/null || fail "required program not found: $p"
	done
	T=$(mktemp -d /tmp/ocl-"$OCL_TEST"-XXXXXXXX) || fail "mktemp failed"
	mkdir -p "$T/logs" "$T/rt-state" "$T/b"
	mkdir -m 0700 "$T/state"
	[ -r "$BUNDLES_DIR/args-keepalive.json" ] || fail "fixtures not found in $BUNDLES_DIR (set TESTS_DIR)"
	if [ "$OCL_NEED_HOOK" = 1 ]; then
		[ -n "${OCILINK_HOOK:-}" ] || fail "OCILINK_HOOK is not set (it must be the absolute path of the built ocilink-hook)"
		case "$OCILINK_HOOK" in /*) ;; *) fail "OCILINK_HOOK must be an absolute path: $OCILINK_HOOK" ;; esac
		[ -f "$OCILINK_HOOK" ] && [ -x "$OCILINK_HOOK" ] ||
			fail "OCILINK_HOOK=$OCILINK_HOOK is not an executable file (build it: meson setup build && ninja -C build)"
		"$OCILINK_HOOK" --version >"$T/logs/version.out" 2>&1 ||
			fail "$OCILINK_HOOK --version failed: $(head -c 300 "$T/logs/version.out")"
		note "hook: $OCILINK_HOOK ($(head -n1 "$T/logs/version.out"))"
	fi
	note "runtime: $RUNTIME ($("$RUNTIME" --version | head -n1)), temp dir $T"
}

ocl_init

#!/bin/bash
# test-hostile-set.sh: every case of the hostile set (tests/bundles/hostile/cases.sh, described in
# tests/bundles/hostile/README.md) against every entry point that reads the hostile input:
#   rootfs cases  createRuntime (hand-made state on stdin, the pid of a process in a namespace),
#                 explain -b and prepare -b (which must not care), then a real `$RUNTIME run` of a
#                 fresh recipient with the same case, linking the running source "example"
#   ann, config   precreate (config on stdin), explain -b, prepare -b, then createRuntime
#   state         createRuntime, poststart, poststop with the hostile state on stdin
# Refused: exit 1, exactly one stderr line "ocilink-hook: <container>: <reason>" matching the
# case's reason, printable ASCII only, quoted input at most 128 bytes (a 1 MiB annotation gives a
# short line), no registry record. Where the input is not parseable JSON the container cannot be
# known and the line is "ocilink-hook: <reason>". Handled: exit 0, the right variables and hosts
# lines. After every call: the canary outside the rootfs, the host's /etc/hosts, the bundle's
# config.json (unless a prepare succeeded), the rootfs (except what a handled createRuntime
# writes) are unchanged, nothing new exists outside the test dir (/, /etc, /usr/local/etc, /srv,
# hosts-like names in /tmp and /run, the bundle beside its rootfs), the hook took under 10 s, and
# no hook process and nothing in the recipients' namespace is left.
# Failures are collected: the test runs every case and lists every violation at the end.
: "${HOOK_TIMEOUT:=10}" "${RT_TIMEOUT:=30}"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck disable=SC2034 # read by cases.sh
HC_SOURCE=example
# shellcheck source=../bundles/hostile/cases.sh
. "$BUNDLES_DIR/hostile/cases.sh" || fail "cannot source $BUNDLES_DIR/hostile/cases.sh"
command -v mknod truncate >/dev/null || fail "mknod and truncate are needed"

SRC_IP=10.231.0.11
HOOK_LIMIT_MS=10000
MSG_MAX=1024   # a refusal line: fixed text, a path or two, quotes of at most 128 input bytes (x4 escaped)
ONLY=${OCL_CASES:-}   # optional: a space-separated subset of case names

ns_src=$(net_add src $SRC_IP) || exit 1
ns_h=$(net_add h 10.231.0.12) || exit 1
NS_H_NAME=$(basename "$ns_h")

src=$T/b/example
start_source example "$ns_src" 80 "BOOK=Learning Docker"

CANARY=/tmp/ocl-canary-$OCL_ID
on_cleanup "rm -f '$CANARY'"
printf 'canary of %s: not a hosts file\n' "$OCL_TEST" >"$CANARY"
cp /etc/hosts "$T/host-hosts.bak"
HOST_HOSTS_SHA=$(sha /etc/hosts)

# ---------------------------------------------------------------------------------------------
# collected failures

FAILS=()
NCHECKS=0
bad() {
	FAILS+=("$CUR: $*")
	printf 'not ok - %s: %s\n' "$CUR" "$*"
}
good() { NCHECKS=$((NCHECKS + 1)); ok "$CUR: $*"; }

# ---------------------------------------------------------------------------------------------
# snapshots

# outside_snapshot DIR: everything outside DIR/rootfs a wrong hook could touch
outside_snapshot() {
	printf 'host /etc/hosts %s\n' "$(sha /etc/hosts)"
	printf 'canary %s %s\n' "$(sha "$CANARY")" "$(stat -c '%h %s %Y' "$CANARY")"
	echo "/:"; ls -A /
	echo "/etc:"; ls -A /etc
	echo "/usr/local/etc:"; ls -A /usr/local/etc 2>&1
	echo "/srv:"; ls -A /srv 2>&1
	# other tests may run beside this one: in /tmp and /run only names a hosts writer would make
	echo "/tmp:"; ls -A /tmp | grep -E -- "hosts|etc|ocl-canary-$OCL_ID" | grep -vxF -- "$(basename "$T")" || true
	echo "/run:"; ls -A /run | grep -E -- 'hosts|etc' || true
	echo "$T/b:"; ls -A "$T/b"
	echo "bundle (config.json: see its sha):"
	(cd "$1" && find . -path ./rootfs -prune -o -path ./config.json -prune -o -printf '%p %y %s %l\n' | sort)
}

# rootfs_snapshot DIR EXCLUDE...: every entry of DIR/rootfs (type, size, links, mode, target) and
# every regular file's sha256, without the given paths (relative to the rootfs) and without what a
# runtime mounts over (dev/*, proc/*, sys/*)
rootfs_snapshot() {
	local d=$1 x
	shift
	local excl="./dev/ ./proc/ ./sys/"
	for x; do excl="$excl ./$x"; done
	# (no link count for directories: a new etc/ adds one to the rootfs directory's)
	(cd "$d/rootfs" && { find . -type d -printf '%p\t%y %m\n'; find . ! -type d -printf '%p\t%y %s %n %m %l %D:%i\n'; find . -type f -exec sha256sum {} + |
		awk '{ h = $1; sub(/^[0-9a-f]+  /, ""); print $0 "\tsha " h }'; }) | sort |
		awk -F'\t' -v ex="$excl" 'BEGIN { n = split(ex, e, " ") }
			{ for (i = 1; i <= n; i++) { if ($1 == e[i] || (substr(e[i], length(e[i])) == "/" && index($1, e[i]) == 1)) next } print }'
}

hook_procs() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" = "$OCILINK_HOOK" ] && printf '%s\n' "${p#/proc/}"
	done
	return 0
}

# after_call WHAT: the state outside, the config, the rootfs, processes, as expected after WHAT
after_call() {
	local what=$1 now left nf=${#FAILS[@]}
	[ "$(sha /etc/hosts)" = "$HOST_HOSTS_SHA" ] || {
		cat "$T/host-hosts.bak" >/etc/hosts
		bad "$what: the host's /etc/hosts was modified (restored from the copy taken before the test)"
	}
	now=$(outside_snapshot "$D")
	[ "$now" = "$OUT_BEFORE" ] || bad "$what: outside the rootfs changed: $(diff <(printf '%s\n' "$OUT_BEFORE") <(printf '%s\n' "$now") | head -n 20 | cat -A)"
	[ "$(sha "$D/config.json")" = "$CFG_SHA" ] || bad "$what: $D/config.json changed"
	now=$(rootfs_snapshot "$D" "${ROOT_EXCL[@]}")
	[ "$now" = "$ROOT_BEFORE" ] || bad "$what: the rootfs changed: $(diff <(printf '%s\n' "$ROOT_BEFORE") <(printf '%s\n' "$now") | head -n 20 | cat -A)"
	left=$(hook_procs | tr '\n' ' ' | sed 's/ $//')
	[ -z "$left" ] || bad "$what: hook processes left: $left ($(ps -o pid,args -p "${left// /,}" 2>/dev/null | tail -n +2))"
	left=$(grep -lsaF "OCL_HS_MARK=$OCL_ID-" /proc/[0-9]*/environ | cut -d/ -f3 | tr '\n' ' ' | sed 's/ $//')
	[ -z "$left" ] || bad "$what: processes started by a hook call are left: $left ($(ps -o pid,args -p "${left// /,}" 2>/dev/null | tail -n +2))"
	left=$(ip netns pids "$NS_H_NAME" 2>/dev/null | grep -vxF -- "${KEEP_PID:-none}" | tr '\n' ' ' | sed 's/ $//')
	[ -z "$left" ] || bad "$what: processes left in the recipients' namespace: $left"
	[ "${#FAILS[@]}" = "$nf" ] && good "$what: nothing outside changed, no process left"
}

# ---------------------------------------------------------------------------------------------
# calls and their checks

# hcall TAG STDIN ARGS...: the hook with ARGS (after --state-dir), stdin from the file STDIN;
# sets HRC, HOUT, HERR (file names) and checks the time it took
hcall() {
	local tag=$1 in=$2 t0 t1 ms
	shift 2
	HOUT=$T/logs/$tag.out HERR=$T/logs/$tag.err
	t0=$(date +%s%N)
	# the marker is inherited by anything the hook might start: after_call looks for it
	OCL_HS_MARK=$OCL_ID-$tag hook "$@" <"$in" >"$HOUT" 2>"$HERR"
	HRC=$?
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	case $HRC in
	124 | 137) bad "$tag: the hook did not finish within ${HOOK_TIMEOUT}s (killed by timeout)" ;;
	*) if [ "$ms" -lt "$HOOK_LIMIT_MS" ]; then good "$tag: finished in ${ms} ms"; else bad "$tag: the hook took $ms ms"; fi ;;
	esac
}

# printable FILE: only printable ASCII and newlines, every line at most MSG_MAX bytes
printable() {
	LC_ALL=C grep -q '[^[:print:]]' "$1" && return 1
	[ "$(LC_ALL=C awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$1")" -le "$MSG_MAX" ]
}

# expect_refusal TAG CTR REASON: after hcall; CTR empty when the container cannot be known
expect_refusal() {
	local tag=$1 ctr=$2 reason=$3 msg q nf=${#FAILS[@]}
	msg=$(cat "$HERR")
	[ "$HRC" = 1 ] || { bad "$tag: expected exit status 1, got $HRC; stderr: $(head -c 600 "$HERR" | cat -A)"; return; }
	[ "$(wc -l <"$HERR")" = 1 ] && [ "$(tail -c1 "$HERR" | od -An -c | tr -d ' ')" = '\n' ] ||
		{ bad "$tag: expected exactly one line on stderr, got: $(head -c 600 "$HERR" | cat -A)"; return; }
	printable "$HERR" || bad "$tag: the message holds bytes outside printable ASCII or is longer than $MSG_MAX bytes: $(head -c 600 "$HERR" | cat -A)"
	if [ -n "$ctr" ]; then
		case "$msg" in
		"ocilink-hook: $ctr: "?*) ;;
		*) bad "$tag: stderr does not start with 'ocilink-hook: $ctr: ': $(head -c 300 <<<"$msg" | cat -A)" ;;
		esac
	else
		case "$msg" in
		"ocilink-hook: "?*) ;;
		*) bad "$tag: stderr does not start with 'ocilink-hook: ': $(head -c 300 <<<"$msg" | cat -A)" ;;
		esac
	fi
	grep -Eiq -- "$reason" "$HERR" || bad "$tag: the message does not say why (/$reason/): $(head -c 600 "$HERR")"
	# every `quoted` part: at most 128 input bytes, each escaped to at most 4 bytes, plus "..."
	while IFS= read -r q; do
		[ "${#q}" -le $((128 * 4 + 3 + 2)) ] || bad "$tag: a quote of ${#q} bytes in the message"
	done < <(grep -o '`[^`]*`' "$HERR")
	[ "${#FAILS[@]}" = "$nf" ] && good "$tag: refused: $(head -c 300 "$HERR")"
}

expect_success() {
	local tag=$1
	[ "$HRC" = 0 ] || { bad "$tag: expected exit status 0, got $HRC; stderr: $(head -c 600 "$HERR" | cat -A)"; return 1; }
	[ ! -s "$HERR" ] || bad "$tag: succeeded but printed on stderr: $(head -c 600 "$HERR" | cat -A)"
	good "$tag: exit 0"
}

# the case's links as "name alias" pairs (items separated by ; , space or tab)
link_pairs() {
	local l
	jq -r '.["io.ocilink.links"] // ""' "$ANN_FILE" | tr ';, \t' '\n\n\n\n' | while IFS= read -r l; do
		[ -n "$l" ] || continue
		case "$l" in *:*) printf '%s %s\n' "${l%%:*}" "${l#*:}" ;; *) printf '%s %s\n' "$l" "$l" ;; esac
	done
}

# expected_block: the hosts lines of the case's links (every source is "example" at SRC_IP)
expected_block() {
	local n a
	link_pairs | while read -r n a; do
		if [ "$a" = "$n" ]; then printf '%s\t%s example-host\n' "$SRC_IP" "$a"; else printf '%s\t%s example-host %s\n' "$SRC_IP" "$a" "$n"; fi
	done
}

# expected_vars NAME: two variables per link that must be injected
expected_vars() {
	local n a p
	link_pairs | while read -r n a; do
		p=$(printf '%s' "$a" | tr 'a-z-' 'A-Z_')
		printf '%s_PORT=tcp://%s:80\n%s_NAME=/%s/%s\n' "$p" "$SRC_IP" "$p" "$1" "$a"
	done
}

# check_vars WHAT ENVFILE NAME: ENVFILE (one variable a line) has the expected variables, no key twice
check_vars() {
	local what=$1 f=$2 missing dup
	missing=$(expected_vars "$3" | grep -vxF -f "$f" | head -n 5)
	[ -z "$missing" ] || bad "$what: variables missing: $missing"
	dup=$(cut -d= -f1 "$f" | sort | uniq -d | head -n 5)
	[ -z "$dup" ] || bad "$what: variables set twice: $dup"
	[ -z "$missing$dup" ] && good "$what: $(expected_vars "$3" | wc -l) expected link variables, no duplicates"
}

# check_hosts WHAT FILE ORIG NAME: FILE holds exactly one block for NAME with the expected lines,
# and everything outside it is ORIG (a file; /dev/null for none)
check_hosts() {
	local what=$1 f=$2 orig=$3 name=$4 nb ne
	[ -f "$f" ] || { bad "$what: $f does not exist"; return; }
	nb=$(grep -cxF "# ocilink begin $name" "$f")
	ne=$(grep -cxF "# ocilink end $name" "$f")
	[ "$nb" = 1 ] && [ "$ne" = 1 ] || { bad "$what: $nb begin / $ne end markers for $name in $f"; return; }
	[ "$(hosts_block "$f" "$name")" = "$(expected_block)" ] ||
		{ bad "$what: block in $f: $(diff <(expected_block) <(hosts_block "$f" "$name") | head -n 10 | cat -A)"; return; }
	cmp -s "$orig" <(hosts_outside "$f" "$name") || { bad "$what: bytes outside the block changed in $f"; return; }
	good "$what: the $(expected_block | wc -l) expected lines in one block, every other byte unchanged"
}

registry_has() { hook list --json 2>/dev/null | jq -e --arg n "$1" 'any(.[]; .name == $n)' >/dev/null; }

# stage_state ID PID BUNDLE STATUS ANNFILE: an OCI state for a direct hook call
stage_state() {
	jq --arg id "$1" --argjson pid "$2" --arg b "$3" --arg st "$4" --slurpfile a "$5" \
		'.id = $id | .pid = $pid | .bundle = $b | .status = $st | .annotations = $a[0]
		 | if $st == "stopped" then del(.pid) else . end' "$BUNDLES_DIR/state-creating.json"
}

# new_bundle NAME: a recipient bundle linking example:ex, prepared while still regular
new_bundle() {
	local d=$T/b/$1
	mkbundle "$d" "$1-host" "$REPORT"
	bundle_netns "$d" "$ns_h"
	bundle_annotate "$d" io.ocilink.name "$1"
	bundle_annotate "$d" io.ocilink.links example:ex
	ocl_prepare "$d" 2>"$T/logs/prepare-$1.err" || fail "prepare of $1 failed: $(cat "$T/logs/prepare-$1.err")"
}

# save_hosts_orig CASE FILE: for a handled case, the hosts file the link lines go into as it is
# before any call (empty when it does not exist yet); sets HOSTS_ORIG
save_hosts_orig() {
	local hf=$D/rootfs/${HC_HOSTS[$1]:-etc/hosts}
	HOSTS_ORIG=$2
	if [ "${HC_EXPECT[$1]}" = handle ] && [ -f "$hf" ] && [ ! -L "$hf" ]; then cp "$hf" "$HOSTS_ORIG"; else : >"$HOSTS_ORIG"; fi
}

# snapshot_all: take the reference state for the calls that follow
snapshot_all() {
	OUT_BEFORE=$(outside_snapshot "$D")
	CFG_SHA=$(sha "$D/config.json")
	ROOT_BEFORE=$(rootfs_snapshot "$D" "${ROOT_EXCL[@]}")
}

# ---------------------------------------------------------------------------------------------
# one entry point each

# do_create NAME EXPECT REASON CTR: createRuntime with a state holding a live pid
do_create() {
	local name=$1 expect=$2 reason=$3 ctr=$4 tag=$1-createRuntime hf
	spawn_in_netns "$ns_h" sleep 600
	KEEP_PID=$SPAWNED_PID
	stage_state "$name" "$SPAWNED_PID" "$D" creating "$ANN_FILE" >"$T/logs/$tag.state" || fail "cannot build the state"
	hcall "$tag" "$T/logs/$tag.state" createRuntime
	[ ! -s "$HOUT" ] || bad "$tag: printed on stdout: $(head -c 300 "$HOUT" | cat -A)"
	if [ "$expect" = refuse ]; then
		expect_refusal "$tag" "$ctr" "$reason"
		registry_has "$name" && bad "$tag: refused, but the registry holds a record for $name"
	elif expect_success "$tag"; then
		hf=$D/rootfs/${HC_HOSTS[$CASE]}
		if [ -f "$hf" ] && [ ! -L "$hf" ] && [ "$(stat -c %h "$hf")" = 1 ]; then
			check_hosts "$tag" "$hf" "$HOSTS_ORIG" "$name"
		else
			bad "$tag: no regular single-link file at ${HC_HOSTS[$CASE]}: $(ls -ld "$hf" 2>&1)"
		fi
		registry_has "$name" || bad "$tag: no registry record for $name"
	fi
	kill "$KEEP_PID" 2>/dev/null && wait "$KEEP_PID" 2>/dev/null
	KEEP_PID=
	after_call "$tag"
	# forget the hand-made container
	stage_state "$name" 0 "$D" stopped "$ANN_FILE" >"$T/logs/$name-poststop.state"
	hcall "$name-poststop" "$T/logs/$name-poststop.state" poststop
	expect_success "$name-poststop"
	registry_has "$name" && bad "$name-poststop: the record for $name is still there"
}

do_prepare() {
	local name=$1 expect=$2 reason=$3 ctr=$4 tag=$1-prepare
	hcall "$tag" /dev/null prepare -b "$D" --install-hooks
	[ ! -s "$HOUT" ] || bad "$tag: printed on stdout: $(head -c 300 "$HOUT" | cat -A)"
	if [ "$expect" = refuse ]; then
		expect_refusal "$tag" "$ctr" "$reason"
	elif expect_success "$tag"; then
		jq -r '.process.env[]' "$D/config.json" >"$T/logs/$tag.env" || bad "$tag: config.json is not JSON afterwards"
		check_vars "$tag" "$T/logs/$tag.env" "$name"
		CFG_SHA=$(sha "$D/config.json")   # changed legitimately
	fi
	after_call "$tag"
}

do_precreate() {
	local name=$1 expect=$2 reason=$3 ctr=$4 tag=$1-precreate
	hcall "$tag" "$D/config.json" precreate
	if [ "$expect" = refuse ]; then
		[ ! -s "$HOUT" ] || bad "$tag: refused but printed a config on stdout ($(wc -c <"$HOUT") bytes)"
		expect_refusal "$tag" "$ctr" "$reason"
	elif expect_success "$tag"; then
		jq -r '.process.env[]' "$HOUT" >"$T/logs/$tag.env" || bad "$tag: stdout is not a config"
		check_vars "$tag" "$T/logs/$tag.env" "$name"
	fi
	after_call "$tag"
}

do_explain() {
	local name=$1 expect=$2 reason=$3 ctr=$4 tag=$1-explain
	hcall "$tag" /dev/null explain -b "$D"
	if [ "$expect" = refuse ]; then
		expect_refusal "$tag" "$ctr" "$reason"
		printable "$HOUT" || bad "$tag: stdout holds bytes outside printable ASCII or a long line: $(head -c 600 "$HOUT" | cat -A)"
	elif expect_success "$tag"; then
		[ "$(awk '/^  hosts lines:$/ { h = 1; next } h && /^    / { print substr($0, 5); next } { h = 0 }' "$HOUT")" = "$(expected_block)" ] ||
			bad "$tag: the hosts lines it explains are not the expected ones: $(head -c 600 "$HOUT" | cat -A)"
	fi
	after_call "$tag"
}

# do_state_stage NAME STAGE REASON
do_state_stage() {
	local name=$1 stage=$2 reason=$3 tag=$1-$2 reg
	reg=$(hook list --json 2>&1)
	hcall "$tag" "$D/state.json" "$stage"
	[ ! -s "$HOUT" ] || bad "$tag: printed on stdout: $(head -c 300 "$HOUT" | cat -A)"
	expect_refusal "$tag" "" "$reason"
	[ "$(hook list --json 2>&1)" = "$reg" ] || bad "$tag: the registry changed"
	after_call "$tag"
}

# do_run NAME EXPECT REASON: a real run of a fresh recipient NAME-run with the same case
do_run() {
	local case=$1 expect=$2 reason=$3 name=$1-run hf
	D=$T/b/$name
	new_bundle "$name"
	hc_build "$case" "$D" || fail "$name: building the case failed"
	save_hosts_orig "$case" "$T/logs/$name.hosts.orig"
	ROOT_EXCL=()
	[ "$expect" = handle ] && read -r -a ROOT_EXCL <<<"${HC_WRITES[$case]}"
	jq '.annotations' "$D/config.json" >"$T/logs/$name.ann.json"
	ANN_FILE=$T/logs/$name.ann.json
	snapshot_all
	run_fg "$name" "$D"
	if [ "$expect" = refuse ]; then
		[ "$RUN_RC" != 0 ] || bad "$name: the recipient ran: $RUN_OUT"
		[ -z "$RUN_OUT" ] || bad "$name: the recipient's process ran: $(head -c 300 <<<"$RUN_OUT")"
		if [ "$RUNTIME" = runc ]; then
			matches "$RUN_ERR" "ocilink-hook: $name: " || bad "$name: runc's error lacks the hook's message: $RUN_ERR"
			grep -Eiq -- "$reason" <<<"$RUN_ERR" || bad "$name: runc's error does not say why (/$reason/): $RUN_ERR"
		fi
		good "$name: the run was refused (rc $RUN_RC)"
	else
		if [ "$RUN_RC" = 0 ]; then
			report_hosts >"$T/logs/$name.hosts.seen"
			check_hosts "$name run, /etc/hosts inside" "$T/logs/$name.hosts.seen" "$HOSTS_ORIG" "$name"
			hf=$D/rootfs/${HC_HOSTS[$case]}
			cmp -s "$T/logs/$name.hosts.seen" "$hf" || bad "$name: what the container saw is not ${HC_HOSTS[$case]} of the rootfs"
			report_env >"$T/logs/$name.env.seen"
			check_vars "$name run, env inside" "$T/logs/$name.env.seen" "$name"
		else
			bad "$name: the run failed (rc $RUN_RC): $RUN_ERR"
		fi
	fi
	ctr_exists "$name" && bad "$name: a container is left after the run"
	registry_has "$name" && bad "$name: the registry still holds $name after the run"
	after_call "$name run"
}

# ---------------------------------------------------------------------------------------------

run_case() {
	local c=$1 kind=${HC_KIND[$1]} expect=${HC_EXPECT[$1]} reason=${HC_REASON[$1]} ctr
	CUR=$c CASE=$c
	note "case $c ($kind, $expect): ${HC_DESC[$c]}"
	D=$T/b/$c
	new_bundle "$c"
	# the pre-case annotations: jq cannot read every hostile config (depth, duplicates)
	jq '.annotations' "$D/config.json" >"$T/logs/$c.ann.json"
	ANN_FILE=$T/logs/$c.ann.json
	hc_build "$c" "$D" || fail "$c: building the case failed"
	save_hosts_orig "$c" "$T/logs/$c.hosts.orig"
	[ "$kind" = ann ] && { jq '.annotations' "$D/config.json" >"$ANN_FILE" || fail "$c: cannot read the annotations"; }
	ROOT_EXCL=()
	snapshot_all
	case $kind in
	rootfs)
		[ "$expect" = handle ] && read -r -a ROOT_EXCL <<<"${HC_WRITES[$c]}" && ROOT_BEFORE=$(rootfs_snapshot "$D" "${ROOT_EXCL[@]}")
		do_create "$c" "$expect" "$reason" "$c"
		# config-only commands must not care about the rootfs
		ROOT_EXCL=() ROOT_BEFORE=$(rootfs_snapshot "$D")
		do_explain "$c" handle "" "$c"
		do_prepare "$c" handle "" "$c"
		do_run "$c" "$expect" "$reason"
		;;
	ann | config)
		# prepare, precreate, explain know no container id: the name comes from the config,
		# which they cannot read when it is not valid JSON
		ctr=$c
		[ "$kind" = config ] && ctr=
		if [ "$expect" = handle ]; then
			read -r -a ROOT_EXCL <<<"${HC_WRITES[$c]}"
			ROOT_BEFORE=$(rootfs_snapshot "$D" "${ROOT_EXCL[@]}")
		fi
		# the order a user follows: prepare (or precreate), then the start runs createRuntime,
		# which refuses a recipient whose config lacks the link variables
		do_precreate "$c" "$expect" "$reason" "$ctr"
		do_explain "$c" "$expect" "$reason" "$ctr"
		do_prepare "$c" "$expect" "$reason" "$ctr"
		if [ "$c" = config-depth-64 ] && [ "$HRC" = 0 ]; then
			jq -e '.["x-ocilink-deep"] | [paths] | map(length) | max == 62' "$D/config.json" >/dev/null ||
				bad "$c-prepare: the 64-deep value did not survive the rewrite"
		fi
		# handled: the state carries the annotations of the prepared config (refused config cases
		# keep the pre-case ones, so that the hostile config.json, not the state, is refused)
		if [ "$expect" = handle ]; then
			jq '.annotations' "$D/config.json" >"$ANN_FILE" || bad "$c: jq cannot read the prepared config"
		fi
		do_create "$c" "$expect" "$reason" "$c"
		;;
	state)
		for stage in createRuntime poststart poststop; do do_state_stage "$c" "$stage" "$reason"; done
		;;
	*) fail "case $c: unknown kind '$kind'" ;;
	esac
}

n=0
for c in "${HOSTILE_CASES[@]}"; do
	if [ -n "$ONLY" ] && ! grep -qw -- "$c" <<<"$ONLY"; then continue; fi
	run_case "$c"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no case ran (OCL_CASES='$ONLY')"
CUR=all
[ "$(sha /etc/hosts)" = "$HOST_HOSTS_SHA" ] || bad "the host's /etc/hosts changed"
[ "$(cat "$CANARY")" = "canary of $OCL_TEST: not a hosts file" ] || bad "the canary changed"
stop_ctr example
if [ "${#FAILS[@]}" -gt 0 ]; then
	printf 'FAIL: %s (%s): %d violation(s) in %d cases:\n' "$OCL_TEST" "$RUNTIME" "${#FAILS[@]}" "$n" >&2
	printf '  %s\n' "${FAILS[@]}" >&2
	exit 1
fi
pass "$n cases, $NCHECKS checks"

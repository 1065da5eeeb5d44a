#!/bin/bash
# test-crash.sh: a hook killed (SIGKILL) at a random point of its work never leaves a partial
# result. At least 200 runs (CRASH_RUNS), each one stage called directly with a hand-made OCI state
# and OCILINK_TEST_DELAY_MS set, killed after a random 0-40 ms; the stages, in turn:
#   A  createRuntime of the recipient r (links s1:a1 and s2), after s1 and s2 were re-registered
#      with other io.ocilink.ip values (so the block grows and shrinks: 1 to 4 lines)
#   B  poststart of the source s1 after it was re-registered at another address (rewrites r's block)
#   C  createRuntime of the source s2 with another address (its record is replaced)
#   D  poststop of a container t registered just before (its record and id entry go)
# After each kill: every names/*.json parses and is byte for byte a record seen written (by a clean
# run, or by the same stage run without a kill on a copy of the registry), or absent; every ids/*
# holds a known name; r's etc/hosts is exactly the content before the run or exactly what the run
# produces (computed on a copy of the registry and of the bundle); no hook process is left. Then
# the same stage run cleanly gives the expected result, and tmp/ is empty after it (a locked run
# removes a killed hook's leftovers). Prints runs, kills that landed mid-work, failures (must be 0).
# Then a record truncated by hand: `list` warns that it is corrupt and goes on, other containers
# still register and link.
: "${CRASH_RUNS:=240}" "${CRASH_DELAY_MS:=16}"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ST=$T/state
ns=$(net_add crash 10.231.0.11) || exit 1
spawn_in_netns "$ns" sleep 3600
PID=$SPAWNED_PID

# mini_bundle DIR NAME: config.json (runc spec) + rootfs/etc/hosts, no binaries: the stages
# called directly need nothing else
mini_bundle() {
	mkdir -p "$1/rootfs/etc"
	(cd "$1" && runc spec) || fail "runc spec in $1 failed"
	jq_edit "$1/config.json" --arg n "$2" '.hostname = $n + "-host" | .annotations["io.ocilink.name"] = $n'
}

# state_json ID BUNDLE STATUS: an OCI state for a direct call (the annotations of BUNDLE's config)

# stage_ok STATEDIR ID BUNDLE STAGE STATUS: a clean run, must succeed
stage_ok() {
	state_json "$2" "$3" "$5" >"$T/st.json"
	(cd "$3" && exec timeout -k 2 10 "$OCILINK_HOOK" --state-dir "$1" "$4") <"$T/st.json" \
		>"$T/logs/clean.out" 2>"$T/logs/clean.err" ||
		fail "clean $4 of $2 (state dir $1) failed: $(cat "$T/logs/clean.err")"
}

set_ip() { jq_edit "$T/b/$1/config.json" --arg ip "$2" '.annotations["io.ocilink.ip"] = $ip'; }

mini_bundle "$T/b/s1" s1
mini_bundle "$T/b/s2" s2
mini_bundle "$T/b/t" t
mini_bundle "$T/b/r" r
jq_edit "$T/b/r/config.json" '.annotations["io.ocilink.links"] = "s1:a1 s2"'
# bytes outside the block that must survive every rewrite (no trailing newline at the end)
printf '127.0.0.1\tlocalhost\n# before the block\n10.9.9.9\tlookalike a1 s1\n' >"$T/b/r/rootfs/etc/hosts"
set_ip s1 10.231.0.21
set_ip s2 10.231.0.22
set_ip t 10.231.0.23
stage_ok "$ST" s1 "$T/b/s1" createRuntime creating
stage_ok "$ST" s2 "$T/b/s2" createRuntime creating
hook prepare -b "$T/b/r" 2>"$T/logs/prepare.err" || fail "prepare of r failed: $(cat "$T/logs/prepare.err")"
stage_ok "$ST" r "$T/b/r" createRuntime creating
printf 'trailing line without newline' >>"$T/b/r/rootfs/etc/hosts"
HOSTS=$T/b/r/rootfs/etc/hosts
grep -qxF '# ocilink begin r' "$HOSTS" || fail "r's etc/hosts has no block after createRuntime: $(cat -A "$HOSTS")"
note "initial hosts file: $(cat -A "$HOSTS" | tr '\n' ' ')"

SEEN=$T/seen-records   # every record content seen written, one file per content
mkdir -p "$SEEN"
remember_records() {
	local f
	for f in "$1"/names/*.json; do
		[ -e "$f" ] || continue
		cp "$f" "$SEEN/$(sha "$f")"
	done
}
remember_records "$ST"

# the IPv4/IPv6 sets the sources move between: different lengths, with and without IPv6
IPS=("10.231.0.7" "10.231.0.177" "10.231.0.100 fd00:231::5" "10.231.0.222 fd00:231::1234:5678:9abc"
	"10.231.0.9" "10.231.0.123 fd00:231::77")
rand_ip() { printf '%s' "${IPS[RANDOM % ${#IPS[@]}]}"; }

hook_procs() {
	local p
	for p in /proc/[0-9]*; do
		# this test's hooks only (other tests may run at the same time): the ones on its state dir
		[ "$(readlink "$p/exe" 2>/dev/null)" = "$OCILINK_HOOK" ] &&
			grep -qxF -- "$ST" <<<"$(tr '\0' '\n' <"$p/cmdline" 2>/dev/null)" && echo "${p#/proc/}"
	done
	return 0
}

# expected ID BUNDLE STAGE STATUS: run the stage cleanly on a copy of the registry (and for r, on a
# copy of its bundle); leaves the expected hosts file in $T/exp-hosts and remembers the records
expected() {
	local id=$1 b=$2 stage=$3 st=$4
	rm -rf "$T/scratch" && mkdir -p "$T/scratch" && cp -a "$ST" "$T/scratch/state" && cp -a "$T/b/r" "$T/scratch/r" ||
		fail "cannot copy the registry"
	case "$OP" in
	A)	# what r's block becomes with the registry as it is now: createRuntime of a copy of r
		stage_ok "$T/scratch/state" r "$T/scratch/r" createRuntime creating ;;
	B)	# poststart of s1 on the copy, with the copy's record of r pointing at the copy of r
		jq -c --arg b "$T/scratch/r" '.bundle = $b | .rootfs = $b + "/rootfs"' "$ST/names/r.json" >"$T/scratch/state/names/r.json" ||
			fail "cannot redirect the copy of r's record" ;;
	esac
	if [ "$id" != r ]; then
		stage_ok "$T/scratch/state" "$id" "$b" "$stage" "$st"
		[ -e "$T/scratch/state/names/$id.json" ] && cp "$T/scratch/state/names/$id.json" "$SEEN/$(sha "$T/scratch/state/names/$id.json")"
	fi
	cp "$T/scratch/r/rootfs/etc/hosts" "$T/exp-hosts"
}

RUNS=0 LANDED=0 FAILS=0 GROW=0 SHRINK=0
failure() {
	FAILS=$((FAILS + 1))
	printf 'FAILURE run %d (%s): %s\n' "$RUNS" "$OP" "$*" >&2
	[ "$FAILS" -lt 10 ] || fail "too many failures"
}

check_after_kill() {
	local f n
	for f in "$ST"/names/*.json; do
		[ -e "$f" ] || continue
		jq -e 'type == "object"' "$f" >/dev/null 2>&1 || { failure "$(basename "$f") does not parse: $(head -c 200 "$f" | cat -A)"; continue; }
		[ -e "$SEEN/$(sha "$f")" ] || failure "$(basename "$f") is not a record seen written: $(cat "$f")"
	done
	for f in "$ST"/ids/*; do
		[ -e "$f" ] || continue
		n=$(cat "$f")
		case " s1 s2 r t " in *" $n "*) ;; *) failure "ids/$(basename "$f") holds '$n'" ;; esac
	done
	if ! cmp -s "$HOSTS" "$T/old-hosts" && ! cmp -s "$HOSTS" "$T/exp-hosts"; then
		failure "r's etc/hosts is neither the old nor the new content: $(cat -A "$HOSTS" | tr '\n' ' ') old: $(cat -A "$T/old-hosts" | tr '\n' ' ') new: $(cat -A "$T/exp-hosts" | tr '\n' ' ')"
	fi
	[ -z "$(hook_procs)" ] || failure "hook processes left: $(hook_procs)"
}

T0=$SECONDS
while [ "$RUNS" -lt "$CRASH_RUNS" ]; do
	RUNS=$((RUNS + 1))
	case $((RUNS % 4)) in
	1) OP=A
		set_ip s1 "$(rand_ip)"; set_ip s2 "$(rand_ip)"
		stage_ok "$ST" s1 "$T/b/s1" createRuntime creating
		stage_ok "$ST" s2 "$T/b/s2" createRuntime creating
		id=r stage=createRuntime st=creating ;;
	2) OP=B
		set_ip s1 "$(rand_ip)"
		stage_ok "$ST" s1 "$T/b/s1" createRuntime creating
		id=s1 stage=poststart st=running ;;
	3) OP=C
		set_ip s2 "$(rand_ip)"
		id=s2 stage=createRuntime st=creating ;;
	0) OP=D
		stage_ok "$ST" t "$T/b/t" createRuntime creating
		id=t stage=poststop st=stopped ;;
	esac
	remember_records "$ST"
	[ -z "$(ls -A "$ST/tmp")" ] || failure "tmp/ not empty after a clean locked run: $(ls -A "$ST/tmp")"
	b=$T/b/$id
	cp "$HOSTS" "$T/old-hosts"
	cp "$ST/names/r.json" "$T/old-r.json"
	expected "$id" "$b" "$stage" "$st"
	# the block's link lines (padding left out): longer or shorter than before
	os=$(hosts_block "$T/old-hosts" r | grep -v '^#' | wc -c) ns_=$(hosts_block "$T/exp-hosts" r | grep -v '^#' | wc -c)
	[ "$ns_" -gt "$os" ] && GROW=$((GROW + 1))
	[ "$ns_" -lt "$os" ] && SHRINK=$((SHRINK + 1))

	state_json "$id" "$b" "$st" >"$T/st-kill.json"
	delay=$((RANDOM % 41))
	(cd "$b" && OCILINK_TEST_DELAY_MS=$((1 + RANDOM % CRASH_DELAY_MS)) exec "$OCILINK_HOOK" --state-dir "$ST" "$stage") \
		<"$T/st-kill.json" >/dev/null 2>>"$T/logs/killed.err" &
	hp=$!
	sleep "0.0$(printf '%02d' "$delay")"
	kill -KILL "$hp" 2>/dev/null
	wait "$hp" 2>/dev/null
	rc=$?
	if [ "$rc" = 137 ]; then LANDED=$((LANDED + 1)); elif [ "$rc" != 0 ]; then failure "the hook exited $rc before the kill"; fi
	check_after_kill

	# one clean run restores everything
	stage_ok "$ST" "$id" "$b" "$stage" "$st"
	cmp -s "$HOSTS" "$T/exp-hosts" || failure "after the clean run, r's etc/hosts is not the expected: $(cat -A "$HOSTS" | tr '\n' ' ') expected: $(cat -A "$T/exp-hosts" | tr '\n' ' ')"
	[ -z "$(ls -A "$ST/tmp")" ] || failure "tmp/ not empty after the clean run: $(ls -A "$ST/tmp")"
	case "$OP" in
	D) [ ! -e "$ST/names/t.json" ] && [ ! -e "$ST/ids/t" ] || failure "t left in the registry after its clean poststop" ;;
	A) cmp -s "$ST/names/r.json" "$T/old-r.json" || failure "record r changed: $(cat "$ST/names/r.json") was $(cat "$T/old-r.json")" ;;
	*) cmp -s "$ST/names/$id.json" "$T/scratch/state/names/$id.json" || failure "record $id after the clean run differs from the expected" ;;
	esac
	expect_block=$(hosts_outside "$HOSTS" r)
	[ "$expect_block" = "$(printf '127.0.0.1\tlocalhost\n# before the block\n10.9.9.9\tlookalike a1 s1\ntrailing line without newline')" ] ||
		failure "bytes outside r's block changed: $(cat -A "$HOSTS")"
done
note "runs: $RUNS, kills landed mid-work: $LANDED, finished before the kill: $((RUNS - LANDED)), failures: $FAILS ($((SECONDS - T0)) s)"
note "hosts rewrites that grew: $GROW, shrank: $SHRINK; distinct records seen: $(ls "$SEEN" | wc -l)"
[ "$FAILS" = 0 ] || fail "$FAILS failures in $RUNS runs"
[ "$LANDED" -ge $((RUNS / 4)) ] || fail "only $LANDED of $RUNS kills landed mid-work: the test does not test much"
ok "$RUNS killed runs ($LANDED mid-work): no partial record, id entry or hosts file; clean runs restore everything"
[ -z "$(hook_procs)" ] || fail "hook processes left: $(hook_procs)"
ok "no hook process left"

# --- a record truncated by hand
mini_bundle "$T/b/x" x
set_ip x 10.231.0.31
stage_ok "$ST" x "$T/b/x" createRuntime creating
truncate -s 10 "$ST/names/x.json"
hook list >"$T/logs/list.out" 2>"$T/logs/list.err"
rc=$?
[ "$rc" = 0 ] || fail "list exited $rc with a corrupt record: $(cat "$T/logs/list.err")"
grep -qF 'registry record `x.json` is corrupt, ignoring' "$T/logs/list.err" ||
	fail "list did not warn about the corrupt record: $(cat "$T/logs/list.err")"
ok "list warns: $(cat "$T/logs/list.err")"
grep -qE '^s1 ' "$T/logs/list.out" && grep -qE '^s2 ' "$T/logs/list.out" && grep -qE '^r ' "$T/logs/list.out" ||
	fail "list did not go on after the corrupt record: $(cat "$T/logs/list.out")"
grep -qE '^x ' "$T/logs/list.out" && fail "list shows the corrupt record x: $(cat "$T/logs/list.out")"
js=$(hook list --json 2>/dev/null) || fail "list --json failed with a corrupt record"
expect_eq "names in list --json with x corrupt" "r s1 s2" "$(jq -r '[.[].name] | sort | join(" ")' <<<"$js")"
mini_bundle "$T/b/y" y
set_ip y 10.231.0.32
stage_ok "$ST" y "$T/b/y" createRuntime creating
set_ip s1 10.231.0.7
stage_ok "$ST" s1 "$T/b/s1" createRuntime creating
mini_bundle "$T/b/r2" r2
jq_edit "$T/b/r2/config.json" '.annotations["io.ocilink.links"] = "y s1:one"'
hook prepare -b "$T/b/r2" 2>"$T/logs/prepare-r2.err" || fail "prepare of r2 failed: $(cat "$T/logs/prepare-r2.err")"
stage_ok "$ST" r2 "$T/b/r2" createRuntime creating
s1ip=$(jq -r '.ipv4[0]' "$ST/names/s1.json")
printf '' >"$T/empty"
expect_hosts_block "$T/b/r2/rootfs/etc/hosts" r2 "$T/empty" "$(printf '10.231.0.32\ty y-host\n%s\tone s1-host s1' "$s1ip")"
ok "with x.json corrupt, y registers and r2 links to y and s1"
pass "$RUNS runs, $LANDED kills mid-work, $FAILS failures"

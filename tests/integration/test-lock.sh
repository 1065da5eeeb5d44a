#!/bin/bash
# test-lock.sh: the registry lock.
# 1. While the test holds $STATE/lock (flock ... sleep), createRuntime of a recipient fails after
#    about 3 s (2.9-4 s) with exactly "ocilink-hook: <container>: the registry lock is busy: gave up
#    after 3000 ms" (one line), exit 1, and changes nothing (no record, id entry or temp file; the
#    recipient's etc/hosts unchanged). Once the lock is free, the same call succeeds in < 0.5 s.
# 2. 30 createRuntime calls of different containers in parallel (with OCILINK_TEST_DELAY_MS so that
#    they queue on the lock) all succeed, and the registry then holds 30 intact records (each
#    parses, names/ids agree, the right address), and tmp/ is empty.
: "${PAR:=30}"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ST=$T/state
ns=$(net_add lock 10.231.0.11) || exit 1
spawn_in_netns "$ns" sleep 3600
PID=$SPAWNED_PID
command -v flock >/dev/null || fail "flock not found"

mini_bundle() {
	mkdir -p "$1/rootfs/etc"
	printf '127.0.0.1\tlocalhost\n' >"$1/rootfs/etc/hosts"
	(cd "$1" && runc spec) || fail "runc spec in $1 failed"
	jq_edit "$1/config.json" --arg n "$2" --arg ip "${3:-}" '.hostname = $n + "-host" | .annotations["io.ocilink.name"] = $n
		| if $ip != "" then .annotations["io.ocilink.ip"] = $ip else . end'
}
now_ms() { date +%s%3N; }

# a source and a prepared recipient
mini_bundle "$T/b/src" src 10.231.0.21
state_json src "$T/b/src" creating >"$T/st-src.json"
(cd "$T/b/src" && hook createRuntime) <"$T/st-src.json" 2>"$T/logs/src.err" || fail "registering src failed: $(cat "$T/logs/src.err")"
mini_bundle "$T/b/rec" rec
jq_edit "$T/b/rec/config.json" '.annotations["io.ocilink.links"] = "src:ex"'
hook prepare -b "$T/b/rec" 2>"$T/logs/prepare.err" || fail "prepare failed: $(cat "$T/logs/prepare.err")"
state_json rec "$T/b/rec" creating >"$T/st-rec.json"
cp "$T/b/rec/rootfs/etc/hosts" "$T/hosts.orig"
snapshot() { (cd "$ST" && find . -printf '%p %y %s\n' | sort && cat names/*.json ids/* 2>/dev/null); }
before=$(snapshot)

# --- 1. the lock held by someone else
[ -e "$ST/lock" ] || fail "no lock file after the first registration"
# the holder is one process: a subshell that takes the lock on fd 9 and execs sleep (which keeps
# fd 9, so the lock), so ending that pid frees the lock and leaves nothing behind
(exec 9>>"$ST/lock" && flock 9 && exec sleep 8) &
HOLDER=$!
OCL_PIDS+=("$HOLDER")
wait_for 2 sh -c "! flock -n '$ST/lock' true" || fail "the test could not take the lock"
t0=$(now_ms)
(cd "$T/b/rec" && hook createRuntime) <"$T/st-rec.json" >"$T/logs/busy.out" 2>"$T/logs/busy.err"
rc=$?
t1=$(now_ms)
busy_ms=$((t1 - t0))
note "createRuntime with the lock held: exit $rc after $busy_ms ms: $(cat "$T/logs/busy.err")"
expect_eq "the busy-lock message" 'ocilink-hook: rec: the registry lock is busy: gave up after 3000 ms' "$(cat "$T/logs/busy.err")"
[ "$(wc -l <"$T/logs/busy.err")" = 1 ] || fail "more than one line on stderr"
[ "$rc" = 1 ] || fail "exit status $rc with the lock busy, expected 1"
[ "$busy_ms" -ge 2900 ] && [ "$busy_ms" -le 4000 ] || fail "gave up after $busy_ms ms, expected 2900-4000"
ok "gave up after $busy_ms ms with exit 1"
[ ! -e "$ST/names/rec.json" ] && [ ! -e "$ST/ids/rec" ] || fail "a record of rec exists after the failed call"
expect_eq "the registry after the failed call" "$before" "$(snapshot)"
expect_same_file "rec's etc/hosts after the failed call" "$T/hosts.orig" "$T/b/rec/rootfs/etc/hosts"
kill "$HOLDER" && wait "$HOLDER" 2>/dev/null
wait_for 2 flock -n "$ST/lock" true || fail "the lock is still busy after the holder ended"
t0=$(now_ms)
(cd "$T/b/rec" && hook createRuntime) <"$T/st-rec.json" >"$T/logs/free.out" 2>"$T/logs/free.err"
rc=$?
t1=$(now_ms)
free_ms=$((t1 - t0))
[ "$rc" = 0 ] || fail "createRuntime with the lock free failed ($rc): $(cat "$T/logs/free.err")"
[ "$free_ms" -lt 500 ] || fail "createRuntime with the lock free took $free_ms ms"
ok "with the lock free the same call succeeds in $free_ms ms"
expect_hosts_block "$T/b/rec/rootfs/etc/hosts" rec "$T/hosts.orig" "$(printf '10.231.0.21\tex src-host src')"
[ "$(jq -r .name "$ST/names/rec.json")" = rec ] || fail "no record of rec"

# --- 2. many registrations at once
for i in $(seq 1 "$PAR"); do
	mini_bundle "$T/b/c$i" "c$i" "10.231.0.$((100 + i))"
	state_json "c$i" "$T/b/c$i" creating >"$T/st-c$i.json"
done
t0=$(now_ms)
pids=()
for i in $(seq 1 "$PAR"); do
	(cd "$T/b/c$i" && OCILINK_TEST_DELAY_MS=${PAR_DELAY_MS:-5} exec timeout -k 2 20 "$OCILINK_HOOK" --state-dir "$ST" createRuntime) \
		<"$T/st-c$i.json" >"$T/logs/c$i.out" 2>"$T/logs/c$i.err" &
	pids+=("$!")
done
failed=0
for i in $(seq 1 "$PAR"); do
	wait "${pids[$((i - 1))]}"
	rc=$?
	[ "$rc" = 0 ] || { failed=$((failed + 1)); printf 'c%d: exit %d: %s\n' "$i" "$rc" "$(cat "$T/logs/c$i.err")" >&2; }
done
t1=$(now_ms)
note "$PAR parallel createRuntime calls (OCILINK_TEST_DELAY_MS=${PAR_DELAY_MS:-5}): $failed failed, $((t1 - t0)) ms in all"
[ "$failed" = 0 ] || fail "$failed of $PAR concurrent registrations failed"
bad=0
for i in $(seq 1 "$PAR"); do
	f=$ST/names/c$i.json
	jq -e --arg n "c$i" --arg ip "10.231.0.$((100 + i))" --argjson pid "$PID" \
		'.name == $n and .id == $n and .pid == $pid and .ipv4 == [$ip]' "$f" >/dev/null 2>&1 ||
		{ bad=$((bad + 1)); printf 'record c%d: %s\n' "$i" "$(head -c 300 "$f" 2>&1)" >&2; }
	[ "$(cat "$ST/ids/c$i" 2>/dev/null)" = "c$i" ] || { bad=$((bad + 1)); echo "ids/c$i wrong" >&2; }
done
[ "$bad" = 0 ] || fail "$bad records or id entries lost or wrong"
js=$(hook_list_json)
expect_eq "registry names" "$( (printf 'c%d\n' $(seq 1 "$PAR"); echo rec; echo src) | sort | tr '\n' ' ')" \
	"$(jq -r '.[].name' <<<"$js" | sort | tr '\n' ' ')"
expect_eq "registry entries on disk" "$((PAR + 2)) $((PAR + 2))" "$(ls "$ST/names" | wc -l) $(ls "$ST/ids" | wc -l)"
[ -z "$(ls -A "$ST/tmp")" ] || fail "tmp/ is not empty: $(ls -A "$ST/tmp")"
ok "all $PAR concurrent registrations are in the registry, intact; tmp/ empty"

# poststop of all of them at once: the registry goes back to src and rec, only the lock stays
pids=()
for i in $(seq 1 "$PAR"); do
	state_json "c$i" "$T/b/c$i" stopped >"$T/st-c$i-stop.json"
	(cd "$T/b/c$i" && exec timeout -k 2 20 "$OCILINK_HOOK" --state-dir "$ST" poststop) \
		<"$T/st-c$i-stop.json" >/dev/null 2>"$T/logs/c$i-stop.err" &
	pids+=("$!")
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
[ "$failed" = 0 ] || fail "$failed concurrent poststops failed"
expect_eq "registry after $PAR concurrent poststops" "rec.json src.json" "$(ls "$ST/names" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "ids after $PAR concurrent poststops" "rec src" "$(ls "$ST/ids" | tr '\n' ' ' | sed 's/ $//')"
pass "lock busy: exit 1 after $busy_ms ms; free: $free_ms ms; $PAR parallel registrations intact"

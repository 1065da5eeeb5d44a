#!/bin/bash
# test-stale.sh: a registry record whose process is gone is "stopped", is not linkable, and its
# name can be taken by a new container.
#   a. source db's process is killed (kill -9 of its pid: no poststop, no delete): list shows it
#      stopped; a recipient's prepare fails ("not running", naming db) and changes nothing, its
#      run (hooks installed while db ran) fails and leaves its hosts file as it was; a new
#      container db2 (another id) registers under the name db and is then linkable (prepare,
#      run, hosts line); the dead container's delete (its poststop) leaves db2's record alone and
#      removes everything kept for the old id.
#   b. pid reuse: a real record of running container pr gets a wrong start_time (edited with jq):
#      list shows it stopped, a recipient's prepare and run fail with "not running", and a new
#      container can take the name pr.
#   c. "host reboot": a copy of the state directory holds the records of three sources whose
#      processes are then killed and deleted (their poststop goes to the original state dir):
#      in the copy all three are stopped, three new containers take the names, and a recipient
#      links to all three at their new addresses.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SECONDS=0
# source NAME ID NSPATH [STATEDIR]: bundle $T/b/ID, a KEEPALIVE source named NAME exposing 80,
# prepared (hooks installed) against STATEDIR (default $T/state)
source_bundle() {
	local name=$1 id=$2 ns=$3 sd=${4:-$T/state}
	mkbundle "$T/b/$id" "$name-host" "$KEEPALIVE"
	bundle_netns "$T/b/$id" "$ns"
	bundle_annotate "$T/b/$id" io.ocilink.name "$name"
	bundle_annotate "$T/b/$id" io.ocilink.expose 80
	timeout -k 5 "$HOOK_TIMEOUT" "$OCILINK_HOOK" --state-dir "$sd" prepare -b "$T/b/$id" --install-hooks \
		2>"$T/logs/prepare-$id.err" || fail "prepare of $id failed: $(cat "$T/logs/prepare-$id.err")"
}
start_ok() {
	start_detached "$1" "$T/b/$1" || fail "$1 did not start: $(tail -n 3 "$T/logs/$1.log")"
	expect_running "$1"
}
# recipient_bundle ID LINKS NSPATH: a KEEPALIVE recipient named ID (hooks not yet installed)
recipient_bundle() {
	mkbundle "$T/b/$1" "$1-host" "$KEEPALIVE"
	bundle_netns "$T/b/$1" "$3"
	bundle_annotate "$T/b/$1" io.ocilink.name "$1"
	bundle_annotate "$T/b/$1" io.ocilink.links "$2"
	printf '10.231.9.9\tdatabase.local\n' >>"$T/b/$1/rootfs/etc/hosts"
}
status_of() { hook_list_json | jq -r --arg n "$1" '.[] | select(.name == $n) | .id + " " + .status'; }

# expect_prepare_fails DIR RECIPIENT SOURCE: prepare fails with "not running" and changes nothing
expect_prepare_fails() {
	local d=$1 before rc
	before=$(sha "$d/config.json")
	ocl_prepare "$d" 2>"$T/logs/prepare-fail.err"
	rc=$?
	expect_hook_error "$rc" "$T/logs/prepare-fail.err" "$2" 'not running' "$3"
	[ "$(sha "$d/config.json")" = "$before" ] || fail "the failed prepare changed $d/config.json"
	ok "the failed prepare left config.json as it was"
}
# expect_run_fails ID SOURCE: run -d fails, the recipient's hosts file is unchanged, it is not
# left running, and runc (which shows hook errors) says "not running"
expect_run_fails() {
	local id=$1 before out
	before=$(sha "$T/b/$id/rootfs/etc/hosts")
	if start_detached "$id" "$T/b/$id"; then fail "$id started although its link to $2 is not running"; fi
	out=$(cat "$T/logs/$id.log")
	if [ "$RUNTIME" = runc ]; then
		matches "$out" "not running" || fail "runc's error does not say 'not running': $out"
	fi
	note "$RUNTIME run $id: $(tr '\n' ' ' <<<"$out" | cut -c1-300)"
	[ "$(sha "$T/b/$id/rootfs/etc/hosts")" = "$before" ] || fail "the failed run changed $id's hosts file"
	[ "$(ctr_status "$id")" != running ] || fail "$id is running"
	rt delete -f "$id" >/dev/null 2>&1
	local r
	r=$(status_of "$id")
	[ -z "$r" ] || note "registry after $id's failed start: $id $r"
	ok "run of $id failed, its hosts file is as it was"
}

# ---- a. killed without poststop
ns_db=$(net_add db 10.231.0.11) || exit 1
ns_db2=$(net_add db2 10.231.0.21) || exit 1
ns_app=$(net_add app 10.231.0.12) || exit 1
source_bundle db db "$ns_db"
start_ok db
recipient_bundle app db:database "$ns_app"
ocl_prepare "$T/b/app" 2>"$T/logs/prepare-app.err" || fail "prepare of app failed while db ran: $(cat "$T/logs/prepare-app.err")"
kill_ctr_process db
expect_eq "list: db after kill -9 of its process" "db stopped" "$(status_of db)"
expect_prepare_fails "$T/b/app" app db
expect_run_fails app db
source_bundle db db2 "$ns_db2"
start_ok db2
expect_eq "list: the name db after db2 registered" "db2 running" "$(status_of db)"
ocl_prepare "$T/b/app" 2>"$T/logs/prepare-app.err" || fail "prepare of app failed with db2 holding db: $(cat "$T/logs/prepare-app.err")"
matches "$(config_env "$T/b/app")" '^DATABASE_PORT_80_TCP_ADDR=10\.231\.0\.21$' ||
	fail "app's variables do not point at db2: $(config_env "$T/b/app" | grep ^DATABASE_ | head -n 3)"
start_ok app
expect_eq "app's line for database" "$(printf '10.231.0.21\tdatabase db-host db')" \
	"$(grep -E $'\tdatabase( |$)' "$T/b/app/rootfs/etc/hosts")"
rt delete db >>"$T/logs/db.log" 2>&1 || fail "delete of the dead db failed: $(tail -n2 "$T/logs/db.log")"
expect_eq "list: db after the old container's poststop" "db2 running" "$(status_of db)"
[ ! -e "$T/state/ids/db" ] || fail "ids/db is still there after the old container's poststop"
ok "nothing is kept for the old id db"
stop_ctr app
stop_ctr db2

# ---- b. pid alive, start time differs
ns_pr=$(net_add pr 10.231.0.31) || exit 1
ns_pr2=$(net_add pr2 10.231.0.32) || exit 1
ns_appb=$(net_add appb 10.231.0.33) || exit 1
source_bundle pr pr "$ns_pr"
start_ok pr
recipient_bundle appb pr:p "$ns_appb"
ocl_prepare "$T/b/appb" 2>"$T/logs/prepare-appb.err" || fail "prepare of appb failed: $(cat "$T/logs/prepare-appb.err")"
rf=$T/state/names/pr.json
jq -e '.start_time | type == "number"' "$rf" >/dev/null || fail "names/pr.json has no numeric start_time: $(head -c 300 "$rf")"
st=$(jq -r .start_time "$rf")
[ "$(jq -r .pid "$rf")" = "$(ctr_pid pr)" ] || fail "names/pr.json does not hold pr's pid"
jq '.start_time += 4242' "$rf" >"$T/pr.json.new" || fail "jq on $rf failed"
cat "$T/pr.json.new" >"$rf"
note "names/pr.json: pid $(jq -r .pid "$rf") (alive), start_time $st -> $(jq -r .start_time "$rf")"
[ -e "/proc/$(jq -r .pid "$rf")" ] || fail "pr's pid is gone"
expect_eq "list: pr with a wrong start time" "pr stopped" "$(status_of pr)"
expect_prepare_fails "$T/b/appb" appb pr
expect_run_fails appb pr
source_bundle pr pr2 "$ns_pr2"
start_ok pr2
expect_eq "list: the name pr after pr2 registered" "pr2 running" "$(status_of pr)"
rt delete -f pr >>"$T/logs/pr.log" 2>&1 || fail "delete -f of the old pr failed"
expect_eq "list: pr after the old container's poststop" "pr2 running" "$(status_of pr)"
[ ! -e "$T/state/ids/pr" ] || fail "ids/pr is still there after the old container's poststop"
rt delete -f pr2 >>"$T/logs/pr2.log" 2>&1

# ---- c. host reboot: records whose pids do not exist
S2=$T/state2
hook2() { timeout -k 5 "$HOOK_TIMEOUT" "$OCILINK_HOOK" --state-dir "$S2" "$@"; }
for k in 1 2 3; do
	ns=$(net_add h$k 10.231.0.4$k) || exit 1
	source_bundle h$k h$k "$ns"
	start_ok h$k
done
cp -a "$T/state" "$S2" || fail "cp of the state directory failed"
pids=""
for k in 1 2 3; do
	pids="$pids $(ctr_pid h$k)"
	kill_ctr_process h$k
	rt delete h$k >>"$T/logs/h$k.log" 2>&1 || fail "delete of h$k failed"
done
for p in $pids; do [ ! -e "/proc/$p" ] || note "pid $p exists again (reused): it is another process"; done
out=$(hook2 list --json 2>"$T/logs/list2.err") || fail "list in the copied state failed: $(cat "$T/logs/list2.err")"
expect_eq "list after the 'reboot'" "$(printf 'h1 h1 stopped\nh2 h2 stopped\nh3 h3 stopped')" \
	"$(jq -r '.[] | .name + " " + .id + " " + .status' <<<"$out" | sort)"
expect_eq "the original state dir after the deletes" "" "$(ls -A "$T/state/names" "$T/state/ids" | grep -v -e '^$' -e ':$')"
for k in 1 2 3; do
	ns=$(net_add n$k 10.231.0.5$k) || exit 1
	source_bundle h$k n$k "$ns" "$S2"
	start_ok n$k
done
out=$(hook2 list --json 2>"$T/logs/list2.err") || fail "list in the copied state failed"
expect_eq "list after three new containers took the names" \
	"$(printf 'h1 n1 running 10.231.0.51\nh2 n2 running 10.231.0.52\nh3 n3 running 10.231.0.53')" \
	"$(jq -r '.[] | .name + " " + .id + " " + .status + " " + (.ipv4 | join(","))' <<<"$out" | sort)"
ns=$(net_add rc 10.231.0.60) || exit 1
recipient_bundle rc "h1:x h2:y h3:z" "$ns"
cp "$T/b/rc/rootfs/etc/hosts" "$T/hosts.rc.orig"
hook2 prepare -b "$T/b/rc" --install-hooks 2>"$T/logs/prepare-rc.err" || fail "prepare of rc failed: $(cat "$T/logs/prepare-rc.err")"
start_ok rc
hosts_block "$T/b/rc/rootfs/etc/hosts" rc | grep -Ev '^(#[ ]*)?$' >"$T/rc.block"
expect_eq "rc's link lines" "$(printf '10.231.0.51\tx h1-host h1\n10.231.0.52\ty h2-host h2\n10.231.0.53\tz h3-host h3')" "$(cat "$T/rc.block")"
hosts_outside "$T/b/rc/rootfs/etc/hosts" rc >"$T/rc.outside"
expect_same_file "rc's hosts file outside the block" "$T/hosts.rc.orig" "$T/rc.outside"
note "ids/ of the copied state: $(ls "$S2/ids" | tr '\n' ' ')"
pass "(${SECONDS}s)"

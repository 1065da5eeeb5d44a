#!/bin/bash
# test-restart.sh: a running recipient follows its source.
#   1. recipient "app" (detached) links db:database; its hosts file also holds look-alike lines
#      (database.local, databaseadmin) that are not ocilink's and must never change.
#   2. the source is deleted (poststop), moved to a new namespace with a new IPv4, prepared and
#      started again: its poststart rewrites app's line; `exec app cat /etc/hosts` shows the new
#      address on exactly one line for the alias, every other line unchanged; app pings it.
#   3. the source's process dies without delete (no poststop) and a new container with another id
#      registers under the same name at a third address (a name whose holder is gone can be
#      taken): app's line follows again; deleting the dead old container (its poststop) does not
#      remove the new record.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IP1=10.231.0.11
IP2=10.231.0.21
IP3=10.231.0.31
ns1=$(net_add db1 $IP1) || exit 1
ns2=$(net_add db2 $IP2) || exit 1
ns3=$(net_add db3 $IP3) || exit 1
ns_app=$(net_add app 10.231.0.12) || exit 1

src=$T/b/db
start_source db "$ns1" 5432

app=$T/b/app
mkbundle "$app" app-host "$KEEPALIVE"
bundle_netns "$app" "$ns_app"
bundle_annotate "$app" io.ocilink.name app
bundle_annotate "$app" io.ocilink.links db:database
printf '10.231.9.9\tdatabase.local\n10.231.9.8\tdatabaseadmin admin-host\n# a comment\n\n' >>"$app/rootfs/etc/hosts"
cp "$app/rootfs/etc/hosts" "$T/hosts.orig"
ocl_prepare "$app" 2>"$T/logs/prepare-app.err" || fail "prepare of app failed: $(cat "$T/logs/prepare-app.err")"
start_detached app "$app" || fail "app did not start: $(cat "$T/logs/app.log")"
expect_running app

rec=$(registry_record app) || exit 1
jq -e '.status == "running" and .links == ["db:database"] and .ipv4 == ["10.231.0.12"]' <<<"$rec" >/dev/null ||
	fail "registry record of app is not as expected: $rec"
ok "registry: app links $(jq -c .links <<<"$rec")"

line() { printf '%s\tdatabase db-host db' "$1"; }
rt exec app cat /etc/hosts >"$T/hosts.1" 2>"$T/logs/exec.err" || fail "exec app cat /etc/hosts failed: $(cat "$T/logs/exec.err")"
expect_hosts_block "$T/hosts.1" app "$T/hosts.orig" "$(line $IP1)"

# expect_followed OLD NEW FILE: FILE is $T/hosts.1 with only the alias line changed to NEW,
# and app reaches the source at NEW by its alias
expect_followed() {
	local old=$1 new=$2 f=$3
	[ "$(grep -cE $'\tdatabase( |$)' "$f")" = 1 ] || { cat -A "$f" >&2; fail "not exactly one line for the alias database"; }
	expect_eq "the database line" "$(line "$new")" "$(grep -E $'\tdatabase( |$)' "$f")"
	sed "s|^$(line $IP1)\$|$(line "$new")|" "$T/hosts.1" >"$T/hosts.expected"
	expect_same_file "every other line of app's /etc/hosts unchanged" "$T/hosts.expected" "$f"
	matches "$(cat "$f")" "${old//./\\.}([^0-9]|\$)" && fail "the old address $old is still in app's /etc/hosts"
	rt exec app ping -c 1 -W 3 database >"$T/logs/ping.out" 2>&1 || fail "app cannot ping database: $(cat "$T/logs/ping.out")"
	matches "$(cat "$T/logs/ping.out")" "^PING database \\(${new//./\\.}\\)" || fail "ping went elsewhere: $(cat "$T/logs/ping.out")"
	ok "app pings database at $new"
}

# 2. deleted, moved, started again
stop_ctr db
bundle_netns "$src" "$ns2"
ocl_prepare "$src" 2>"$T/logs/prepare-db.err" || fail "second prepare of db failed: $(cat "$T/logs/prepare-db.err")"
start_detached db "$src" || fail "db did not start again: $(cat "$T/logs/db.log")"
expect_running db
rt exec app cat /etc/hosts >"$T/hosts.2" 2>"$T/logs/exec.err" || fail "exec failed: $(cat "$T/logs/exec.err")"
expect_followed $IP1 $IP2 "$T/hosts.2"
expect_same_file "the rootfs file is the file app sees" "$T/hosts.2" "$app/rootfs/etc/hosts"

# 3. the holder dies without poststop; a new container (id db-new) takes the name
kill_ctr_process db
cp -a "$src" "$T/b/db-new"
bundle_netns "$T/b/db-new" "$ns3"
jq_edit "$T/b/db-new/config.json" --arg cg "/ocl-$OCL_ID-db-new" '.linux.cgroupsPath = $cg'
ocl_prepare "$T/b/db-new" 2>"$T/logs/prepare-db-new.err" || fail "prepare of db-new failed: $(cat "$T/logs/prepare-db-new.err")"
start_detached db-new "$T/b/db-new" || fail "db-new could not take the name db of a dead holder: $(cat "$T/logs/db-new.log")"
expect_running db-new
rt exec app cat /etc/hosts >"$T/hosts.3" 2>"$T/logs/exec.err" || fail "exec failed: $(cat "$T/logs/exec.err")"
expect_followed $IP2 $IP3 "$T/hosts.3"
rt delete db >>"$T/logs/db.log" 2>&1 || fail "delete of the dead db failed: $(tail -n2 "$T/logs/db.log")"
rec=$(registry_record db) || exit 1
[ "$(jq -r '.id + " " + .status + " " + (.ipv4 | join(","))' <<<"$rec")" = "db-new running $IP3" ] ||
	fail "after the old container's poststop the registry holds for db: ${rec:-nothing}"
ok "registry: db is db-new at $IP3"
rt exec app cat /etc/hosts >"$T/hosts.4" 2>"$T/logs/exec.err" || fail "exec failed: $(cat "$T/logs/exec.err")"
expect_same_file "the old container's poststop did not touch app's /etc/hosts" "$T/hosts.3" "$T/hosts.4"
pass

#!/bin/bash
# test-storm.sh: a running recipient follows a source through 100 restarts.
#   A recipient "app" (detached) links db:database; its hosts file also holds look-alike lines.
#   The source "db" is restarted 100 times: `delete -f` (its poststop), its namespace's eth0
#   re-addressed, alternating between 10.231.0.5 and 10.231.0.105 (so each rewrite of app's line
#   grows or shrinks it), `run -d` again (its poststart rewrites app's line). After every restart
#   app's hosts file must hold exactly one line for the alias, with the new address. At the end
#   `exec app cat /etc/hosts` shows that line once with the last address, every line outside the
#   block as before, nothing in the block but that line and padding lines, and the registry holds
#   the two records (db at the last address) and an empty tmp/. Last, the block's padding does
#   not grow with the history: at most STORM_MAX_PAD (default 1) padding lines after the storm.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${STORM_RESTARTS:=100}"
SECONDS=0
IPS=(10.231.0.5 10.231.0.105)
ns_db=$(net_add db "${IPS[0]}") || exit 1
ns_app=$(net_add app 10.231.0.12) || exit 1
NS_DB=$(basename "$ns_db")

src=$T/b/db
start_source db "$ns_db" 5432

app=$T/b/app
mkbundle "$app" app-host "$KEEPALIVE"
bundle_netns "$app" "$ns_app"
bundle_annotate "$app" io.ocilink.name app
bundle_annotate "$app" io.ocilink.links db:database
printf '10.231.9.9\tdatabase.local\n10.231.9.8\tdatabaseadmin admin-host\n# a comment\n\n10.231.0.105\tnot-database\n' >>"$app/rootfs/etc/hosts"
cp "$app/rootfs/etc/hosts" "$T/hosts.orig"
ocl_prepare "$app" 2>"$T/logs/prepare-app.err" || fail "prepare of app failed: $(cat "$T/logs/prepare-app.err")"
start_detached app "$app" || fail "app did not start: $(cat "$T/logs/app.log")"
expect_running app
HF=$app/rootfs/etc/hosts

line() { printf '%s\tdatabase db-host db' "$1"; }
alias_lines() { grep -E $'\tdatabase( |$)' "$1"; }
# block_links FILE: app's block without the padding lines (only "#" and spaces, or empty)
block_links() { hosts_block "$1" app | grep -Ev '^(#[ ]*)?$'; }
[ "$(alias_lines "$HF")" = "$(line "${IPS[0]}")" ] || { cat -A "$HF" >&2; fail "app's first hosts line is wrong"; }
ok "app starts with $(line "${IPS[0]}" | cat -A)"

restarts=0 failures=0 maxsize=0
for k in $(seq 1 "$STORM_RESTARTS"); do
	ip=${IPS[$((k % 2))]}
	why=""
	rt delete -f db </dev/null >>"$T/logs/db.log" 2>&1 || why="delete -f failed"
	if [ -z "$why" ]; then
		{ ip -n "$NS_DB" addr flush dev eth0 && ip -n "$NS_DB" addr add "$ip/24" dev eth0 &&
			ip -n "$NS_DB" route replace default via 10.231.0.1; } >>"$T/logs/ip.log" 2>&1 || why="re-addressing failed"
	fi
	[ -n "$why" ] || start_detached db "$src" || why="run -d failed: $(tail -n 2 "$T/logs/db.log")"
	if [ -z "$why" ]; then
		restarts=$((restarts + 1))
		got=$(alias_lines "$HF")
		[ "$got" = "$(line "$ip")" ] || why="app's line for database after the restart is '$(printf '%s' "$got" | cat -A)'"
	fi
	sz=$(stat -c %s "$HF")
	[ "$sz" -gt "$maxsize" ] && maxsize=$sz
	if [ -n "$why" ]; then
		failures=$((failures + 1))
		note "restart $k (to $ip): $why"
	fi
done
note "restarts: $restarts, failures: $failures (${SECONDS}s); largest size of app's hosts file: $maxsize bytes (at the start $(stat -c %s "$T/hosts.orig") + block)"
[ "$restarts" = "$STORM_RESTARTS" ] && [ "$failures" = 0 ] ||
	fail "$restarts of $STORM_RESTARTS restarts done, $failures failures"
ok "$restarts restarts, $failures failures"

last=${IPS[$((STORM_RESTARTS % 2))]}
rt exec app cat /etc/hosts >"$T/hosts.final" 2>"$T/logs/exec.err" || fail "exec app cat /etc/hosts failed: $(cat "$T/logs/exec.err")"
expect_same_file "the rootfs file is the file app sees" "$T/hosts.final" "$HF"
[ "$(grep -cxF "# ocilink begin app" "$T/hosts.final")" = 1 ] && [ "$(grep -cxF "# ocilink end app" "$T/hosts.final")" = 1 ] ||
	{ cat -A "$T/hosts.final" >&2; fail "expected exactly one ocilink block for app"; }
expect_eq "the lines for the alias database (one, the last address)" "$(line "$last")" "$(alias_lines "$T/hosts.final")"
expect_eq "app's block without padding lines" "$(line "$last")" "$(block_links "$T/hosts.final")"
pad=$(hosts_block "$T/hosts.final" app | grep -cE '^(#[ ]*)?$')
hosts_outside "$T/hosts.final" app >"$T/hosts.outside"
expect_same_file "every line outside the block as before" "$T/hosts.orig" "$T/hosts.outside"
note "padding lines in the block: $pad; file size $(stat -c %s "$T/hosts.final") bytes"
[ "$(jq -c '.[] | select(.name == "db") | [.status, .ipv4]' <<<"$(hook_list_json)")" = "[\"running\",[\"$last\"]]" ] ||
	fail "registry record of db: $(registry_record db)"
ok "registry: db running at $last"
expect_eq "names/" "$(printf 'app.json\ndb.json')" "$(ls -A "$T/state/names" | sort)"
expect_eq "tmp/ (empty)" "" "$(ls -A "$T/state/tmp")"
rt exec app ping -c 1 -W 3 database >"$T/logs/ping.out" 2>&1 || fail "app cannot ping database: $(cat "$T/logs/ping.out")"
matches "$(cat "$T/logs/ping.out")" "^PING database \\(${last//./\\.}\\)" || fail "ping went elsewhere: $(cat "$T/logs/ping.out")"
ok "app pings database at $last"
# last: the padding does not grow with the history (one shrinking rewrite needs one padding line)
[ "$pad" -le "${STORM_MAX_PAD:-1}" ] || { hosts_block "$T/hosts.final" app | cat -A | sort | uniq -c >&2
	fail "app's block holds $pad padding lines after $restarts restarts: every shrinking rewrite added one and no rewrite removed them (the file grows with the source's history)"; }
ok "padding bounded ($pad line)"
pass "restarts=$restarts failures=$failures (${SECONDS}s)"

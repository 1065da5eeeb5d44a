#!/bin/bash
# test-podman-restart.sh: a running podman recipient follows its source across
# `podman stop example; podman start example`.
#   1. example (the seed's source) and a detached recipient linking example:ex run; the
#      recipient's record lists its link, its /etc/hosts (podman exec) has example's line;
#   2. example is stopped (poststop drops its record); a filler container starts on the network
#      first, so example cannot get its old address back; `podman start example` (hooks from
#      containers.conf hooks_dir) gives it a new one, which the test checks really changed;
#   3. example's poststart rewrote the running recipient's /etc/hosts: exactly one line for the
#      alias, with the new address, every other line byte for byte as before (podman's own lines,
#      the block markers); the file is the one podman mounts (HostsPath); `ping ex` reaches the
#      new address; the registry holds the new address;
#   4. a second stop/start cycle: still exactly one line, the current address.
. "$(dirname "${BASH_SOURCE[0]}")/podman-lib.sh"

pm_source example
SRC_HN=$(pm_hostname example) || exit 1
IP1=$(pm_ip example) || exit 1
line() { pm_hook_line "$1" ex "$SRC_HN" example; }

pm_run_d recipient --network "$PM_NET" --cap-add NET_RAW --annotation io.ocilink.links=example:ex \
	"$PM_IMAGE" "${PM_KEEPALIVE[@]}"
RCP_HOSTS=$(pm_inspect recipient '{{.HostsPath}}') || exit 1
rec=$(registry_record recipient) || exit 1
jq -e --arg id "$(pm_id recipient)" '.status == "running" and .id == $id and .links == ["example:ex"]' <<<"$rec" >/dev/null ||
	fail "registry record of the recipient is not as expected: $rec"
ok "registry: recipient links $(jq -c .links <<<"$rec")"

pm_hosts_seen recipient "$T/hosts.1"
expect_ocilink_block "$T/hosts.1" recipient "$(line "$IP1")"
expect_eq "EX_* in the running recipient" "$(pm_seed_env example "$IP1" recipient)" \
	"$(pm_container_env recipient | grep '^EX_')"

# expect_followed OLD NEW FILE: FILE is hosts.1 with only the alias line changed to NEW, it is
# the file podman mounts, and the recipient reaches NEW by the alias
expect_followed() {
	local old=$1 new=$2 f=$3
	[ "$(grep -cE $'\tex( |$)' "$f")" = 1 ] || { cat -A "$f" >&2; fail "not exactly one line for the alias ex"; }
	expect_eq "the ex line" "$(line "$new")" "$(grep -E $'\tex( |$)' "$f")"
	awk -v o="$(line "$IP1")" -v n="$(line "$new")" '$0 == o { print n; next } { print }' "$T/hosts.1" >"$T/hosts.expected"
	expect_same_file "every other line of the recipient's /etc/hosts unchanged" "$T/hosts.expected" "$f"
	expect_same_file "the recipient sees its HostsPath" "$RCP_HOSTS" "$f"
	matches "$(cat "$f")" "${old//./\\.}([^0-9]|\$)" && fail "the old address $old is still in the recipient's /etc/hosts"
	pm exec recipient ping -c 1 -W 3 ex </dev/null >"$T/logs/ping.out" 2>&1 || fail "the recipient cannot ping ex: $(cat "$T/logs/ping.out")"
	matches "$(cat "$T/logs/ping.out")" "^PING ex \\(${new//./\\.}\\)" || fail "ping ex went elsewhere: $(cat "$T/logs/ping.out")"
	ok "the recipient pings ex at $new"
	rec=$(registry_record example) || exit 1
	jq -e --arg ip "$new" --arg id "$(pm_id example)" '.status == "running" and .id == $id and .ipv4 == [$ip]' <<<"$rec" >/dev/null ||
		fail "registry record of example after the restart is not as expected: $rec"
	ok "registry: example at $new"
}

# 2. stop, a filler takes the freed address, start again
pm_stop example
rec=$(registry_record example) || exit 1
[ -z "$rec" ] || fail "example is still in the registry after podman stop: $rec"
ok "podman stop example removed its record"
pm_run_d "filler-$OCL_ID" --network "$PM_NET" "$PM_IMAGE" "${PM_KEEPALIVE[@]}"
FILLER_IP=$(pm_ip "filler-$OCL_ID") || exit 1
pm_ok start-example start example >/dev/null
pm_expect_running example
IP2=$(pm_ip example) || exit 1
note "example: $IP1 -> $IP2 (filler at $FILLER_IP)"
[ -n "$IP2" ] && [ "$IP2" != "$IP1" ] ||
	fail "example got its address $IP1 back despite the filler at $FILLER_IP: the test cannot show a change"
[ "$(pm_hostname example)" = "$SRC_HN" ] || fail "example's hostname changed across the restart"

# 3. the running recipient followed
pm_hosts_seen recipient "$T/hosts.2"
expect_followed "$IP1" "$IP2" "$T/hosts.2"

# 4. once more
pm_stop example
pm_ok start-example start example >/dev/null
pm_expect_running example
IP3=$(pm_ip example) || exit 1
note "example: $IP2 -> $IP3"
pm_hosts_seen recipient "$T/hosts.3"
if [ "$IP3" = "$IP2" ]; then
	expect_same_file "second restart at the same address: the recipient's /etc/hosts is unchanged" "$T/hosts.2" "$T/hosts.3"
else
	expect_followed "$IP2" "$IP3" "$T/hosts.3"
fi
pass

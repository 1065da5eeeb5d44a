#!/bin/bash
# test-podman-seed.sh: the spec's seed with podman and the hooks.d files as users install them.
#   - source `podman run -d --name example` on a netavark bridge network, BOOK/CHAPTER, expose
#     "8080 80": `list --json` shows it under its podman name with its podman id, pid and address;
#   - recipient `podman run --rm --name recipient --annotation io.ocilink.links=example:ex`: its
#     /etc/hosts holds `<ip>\tex <example's hostname> example` in an ocilink block named
#     recipient, podman's own lines intact; its process received exactly the spec's twelve EX_*
#     variables in the spec's order (EX_ENV_BOOK/EX_ENV_CHAPTER in the order example's config.json
#     lists BOOK and CHAPTER: podman 4.3 does not keep the order of -e options); `ping -c 2 ex`
#     reaches example;
#   - poststop (run by podman) removes the recipient's record when it exits and example's when
#     it is stopped.
. "$(dirname "${BASH_SOURCE[0]}")/podman-lib.sh"

pm_source example
SRC_ID=$(pm_id example) || exit 1
SRC_IP=$(pm_ip example) || exit 1
SRC_HN=$(pm_hostname example) || exit 1
SRC_PID=$(pm_pid example) || exit 1
SRC_BUNDLE=$(dirname "$(pm_inspect example '{{.OCIConfigPath}}')") || exit 1
matches "$SRC_IP" "^${PM_SUBNET3//./\\.}\\.[0-9]+\$" || fail "example's address '$SRC_IP' is not in $PM_SUBNET"
[ "$SRC_HN" = "${SRC_ID:0:12}" ] || fail "podman's hostname for example is '$SRC_HN', not the first 12 characters of its id"
note "example: id ${SRC_ID:0:12}, hostname $SRC_HN, address $SRC_IP, pid $SRC_PID"

# netavark worked inside ocl-pod-$$ only: its bridge (with the gateway) is there, not in the
# host's namespace
BR=$(pm_ok network network inspect "$PM_NET" --format '{{.NetworkInterface}}') || exit 1
matches "$(ip -n "$PM_NS" -4 -o addr show dev "$BR" 2>&1)" "inet ${PM_SUBNET3//./\\.}\\.1/24" ||
	fail "netavark's bridge $BR with ${PM_SUBNET3}.1 is not in $PM_NS"
! ip -o link show dev "$BR" >/dev/null 2>&1 || fail "netavark's bridge $BR is in the host's network namespace"
ok "netavark's bridge $BR is in $PM_NS, not in the host's namespace"

# the registry: podman's name, id, pid, address, ports
rec=$(registry_record example) || exit 1
[ "$(printf '%s\n' "$rec" | grep -c .)" = 1 ] || fail "expected one registry record named example, got: $(hook_list_json)"
jq -e --arg id "$SRC_ID" --arg ip "$SRC_IP" --arg pid "$SRC_PID" --arg b "$SRC_BUNDLE" '
	(keys | contains(["name","id","pid","status","bundle","ipv4","ipv6","ports","links"]))
	and .status == "running" and .id == $id and (.pid | tostring) == $pid and .bundle == $b
	and .ipv4 == [$ip] and .ipv6 == [] and (.ports | sort) == ["80/tcp","8080/tcp"] and .links == []' \
	<<<"$rec" >/dev/null || fail "registry record of example is not as expected: $rec"
ok "list --json: $rec"

# the recipient
pm_recipient recipient example:ex ex
expect_pm_ok "recipient linking example:ex"
printf '%s\n' "$PM_HOSTS" >"$T/hosts.seen"
expect_ocilink_block "$T/hosts.seen" recipient "$(pm_hook_line "$SRC_IP" ex "$SRC_HN" example)"
[ "$(grep -cE $'\tex( |$)' "$T/hosts.seen")" = 1 ] || { cat -A "$T/hosts.seen" >&2; fail "more than one line for the alias ex"; }
# every byte outside the block is what podman wrote: a twin container without links, its own
# address, hostname and name masked, has the same /etc/hosts
own_line() { grep -E $'^10\\.233\\.[0-9]+\\.[0-9]+\t[0-9a-f]{12} '"$1\$" "$2"; }
hosts_outside "$T/hosts.seen" recipient >"$T/hosts.outside"
r_line=$(own_line recipient "$T/hosts.outside") || { cat -A "$T/hosts.seen" >&2; fail "podman's line for the recipient itself is missing"; }
pm_run twin --rm --network "$PM_NET" --name twin "$PM_IMAGE" cat /etc/hosts
expect_pm_ok "a twin without links"
printf '%s\n' "$PM_OUT" >"$T/hosts.twin"
t_line=$(own_line twin "$T/hosts.twin") || { cat -A "$T/hosts.twin" >&2; fail "podman's line for the twin itself is missing"; }
awk -v l="$r_line" '$0 == l { print "@OWN@"; next } { print }' "$T/hosts.outside" >"$T/hosts.outside.masked"
awk -v l="$t_line" '$0 == l { print "@OWN@"; next } { print }' "$T/hosts.twin" >"$T/hosts.twin.masked"
expect_same_file "outside the block the recipient's /etc/hosts is podman's own (as a twin's)" \
	"$T/hosts.twin.masked" "$T/hosts.outside.masked"

got=$(printf '%s\n' "$PM_ENV" | grep '^EX_')
expect_eq "the spec's twelve EX_* variables in the recipient's process" "$(seed_env "$SRC_IP" recipient | sort)" \
	"$(sort <<<"$got")"
expect_eq "EX_* order: the spec's, EX_ENV_* as example's config.json lists them" \
	"$(pm_seed_env example "$SRC_IP" recipient)" "$got"
[ -z "$(printf '%s\n' "$PM_ENV" | cut -d= -f1 | sort | uniq -d)" ] || fail "duplicate variables in the recipient: $PM_ENV"
matches "$PM_ENV" '^PATH=/bin$' || fail "the image's PATH=/bin is not kept: $PM_ENV"
ok "no duplicate variable; the recipient's own PATH is kept"
expect_ping ex "$SRC_IP"

# poststop
! pm_exists recipient || fail "the --rm recipient is still there"
rec=$(registry_record recipient) || exit 1
[ -z "$rec" ] || fail "the recipient is still in the registry after it exited: $rec"
ok "the recipient's record is gone after it exited"
pm_stop example
rec=$(registry_record example) || exit 1
[ -z "$rec" ] || fail "example is still in the registry after podman stop: $rec"
ok "podman stop example removed its record (poststop)"
pass

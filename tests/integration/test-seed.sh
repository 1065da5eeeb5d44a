#!/bin/bash
# test-seed.sh: the spec's seed, for real. Source "example" (BOOK, CHAPTER, expose 8080 80) runs
# detached in its own network namespace; recipient "recipient" links example:ex and, in its own
# namespace, prints /etc/hosts and its environment, then pings "ex".
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SRC_IP=10.231.0.11
RCP_IP=10.231.0.12
ns_src=$(net_add src $SRC_IP) || exit 1
ns_rcp=$(net_add rcp $RCP_IP) || exit 1

# source: hostname differs from its name, so the hosts line shows every field
src=$T/b/example
mkbundle "$src" example-host "$KEEPALIVE"
bundle_netns "$src" "$ns_src"
bundle_env "$src" "BOOK=Learning Docker"
bundle_env "$src" "CHAPTER=Orchestrating Containers"
bundle_annotate "$src" io.ocilink.name example
bundle_annotate "$src" io.ocilink.expose "8080 80"
ocl_prepare "$src" 2>"$T/logs/prepare-example.err" || fail "prepare of the source failed: $(cat "$T/logs/prepare-example.err")"
for stage in createRuntime poststart poststop; do
	jq -e --arg h "$OCILINK_HOOK" --arg s "$stage" '.hooks[$s] // [] | map(select(.path == $h)) | length == 1' \
		"$src/config.json" >/dev/null || fail "prepare --install-hooks did not add one $stage entry for $OCILINK_HOOK"
done
ok "prepare --install-hooks added createRuntime, poststart and poststop entries"
start_detached example "$src" || fail "the source did not start: $(cat "$T/logs/example.log")"
expect_running example

rec=$(registry_record example) || exit 1
[ "$(printf '%s\n' "$rec" | grep -c .)" = 1 ] || fail "expected one registry record named example, got: $rec"
jq -e --arg ip $SRC_IP --arg pid "$(ctr_pid example)" '
	(keys | contains(["name","id","pid","status","bundle","ipv4","ipv6","ports","links"]))
	and .status == "running" and .ipv4 == [$ip] and .id == "example" and (.pid | tostring) == $pid
	and (.ports | sort) == ["80/tcp","8080/tcp"] and .links == []' <<<"$rec" >/dev/null ||
	fail "registry record of example is not as expected: $rec"
ok "registry: $rec"

# recipient
rcp=$T/b/recipient
mkbundle "$rcp" recipient-host '["sh","-c","cat /etc/hosts; echo @@ocilink-test-env@@; env; echo @@ping@@; ping -c 2 -W 3 ex"]'
bundle_netns "$rcp" "$ns_rcp"
bundle_annotate "$rcp" io.ocilink.name recipient
bundle_annotate "$rcp" io.ocilink.links example:ex
cp "$rcp/rootfs/etc/hosts" "$T/hosts.orig"
ocl_prepare "$rcp" 2>"$T/logs/prepare-recipient.err" || fail "prepare of the recipient failed: $(cat "$T/logs/prepare-recipient.err")"
expect_eq "EX_* variables in config.json (spec order)" "$(seed_env $SRC_IP recipient)" "$(config_env "$rcp" | grep '^EX_')"
expect_eq "recipient's own variables kept" \
	"$(printf 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nTERM=xterm')" \
	"$(config_env "$rcp" | grep -v '^EX_')"

run_fg recipient "$rcp"
[ "$RUN_RC" = 0 ] || fail "the recipient failed (rc $RUN_RC): $RUN_ERR
$RUN_OUT"
hosts_seen=$(printf '%s\n' "$RUN_OUT" | sed -n '/^@@ocilink-test-env@@$/q;p')
env_seen=$(printf '%s\n' "$RUN_OUT" | sed -n '/^@@ocilink-test-env@@$/,/^@@ping@@$/p' | sed '1d;$d')
ping_seen=$(printf '%s\n' "$RUN_OUT" | sed -n '/^@@ping@@$/,$p')

expect_eq "ex lines in the recipient's /etc/hosts" "$(printf '%s\tex example-host example' $SRC_IP)" \
	"$(printf '%s\n' "$hosts_seen" | grep -E $'\tex( |$)')"
printf '%s\n' "$hosts_seen" >"$T/hosts.seen"
expect_hosts_block "$T/hosts.seen" recipient "$T/hosts.orig" "$(printf '%s\tex example-host example' $SRC_IP)"
expect_same_file "hosts file in the rootfs is what the container saw" "$T/hosts.seen" "$rcp/rootfs/etc/hosts"
expect_eq "env | grep ^EX_ | sort inside the recipient" "$(seed_env $SRC_IP recipient | sort)" \
	"$(printf '%s\n' "$env_seen" | grep '^EX_' | sort)"
matches "$ping_seen" ' 0% packet loss' || fail "ping ex failed: $ping_seen"
matches "$ping_seen" "^PING ex \\($SRC_IP\\)" || fail "ping did not resolve ex to $SRC_IP: $ping_seen"
ok "ping -c 2 ex: $(grep 'packet loss' <<<"$ping_seen")"

# poststop of the foreground recipient removed its record; the source is still there
rec=$(registry_record recipient) || exit 1
[ -z "$rec" ] || fail "the recipient is still in the registry after it exited: $rec"
rec=$(registry_record example) || exit 1
[ -n "$rec" ] || fail "the source left the registry"
stop_ctr example
rec=$(registry_record example) || exit 1
[ -z "$rec" ] || fail "the source is still in the registry after delete (poststop): $rec"
ok "poststop removed the records"
# every hook run above went through the same start-up: the binary enters its seccomp sandbox
dbg=$(hook --debug list 2>&1 >/dev/null)
matches "$dbg" 'entered the seccomp sandbox' || fail "the hook did not report entering its sandbox: $dbg"
ok "the hook runs inside its seccomp sandbox"
pass

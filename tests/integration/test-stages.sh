#!/bin/bash
# test-stages.sh: registration from createContainer (and prestart) instead of createRuntime.
# createContainer runs inside the container's namespaces before pivot_root; its state carries no
# host pid (runc: 1, crun: 0), so the source is recorded without one and becomes linkable when its
# poststart (host namespace, host pid) has run. Its addresses come from its own namespace.
#   - source with createContainer + poststart + poststop: registered, running, right address;
#   - recipient with prestart + poststop: its hosts block is written, the run pings the source.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SRC_IP=10.231.0.41
ns_src=$(net_add src $SRC_IP) || exit 1
ns_rcp=$(net_add rcp 10.231.0.42) || exit 1

# set_stages DIR STAGE...: replace the installed hook entries by ones for the given stages
set_stages() {
	local d=$1 stages
	shift
	stages=$(printf '%s\n' "$@" | jq -R . | jq -s .)
	jq_edit "$d/config.json" --arg h "$OCILINK_HOOK" --arg s "$T/state" --argjson st "$stages" '
		.hooks = (reduce $st[] as $x ({}; .[$x] = [{path: $h, args: [$h, "--state-dir", $s, $x], timeout: 10}]))'
}

src=$T/b/example
mkbundle "$src" example-host "$KEEPALIVE"
bundle_netns "$src" "$ns_src"
bundle_env "$src" "BOOK=Learning Docker"
bundle_annotate "$src" io.ocilink.name example
bundle_annotate "$src" io.ocilink.expose "8080 80"
ocl_prepare "$src" 2>"$T/logs/prepare-example.err" || fail "prepare of the source failed: $(cat "$T/logs/prepare-example.err")"
set_stages "$src" createContainer poststart poststop
start_detached example "$src" || fail "the source did not start: $(cat "$T/logs/example.log")"
expect_running example
rec=$(registry_record example) || exit 1
jq -e --arg ip $SRC_IP --arg pid "$(ctr_pid example)" '.status == "running" and .ipv4 == [$ip] and (.pid | tostring) == $pid' \
	<<<"$rec" >/dev/null || fail "createContainer + poststart did not register example with its host pid and address: $rec"
ok "registered from createContainer, pid from poststart: $rec"

rcp=$T/b/recipient
mkbundle "$rcp" recipient-host '["sh","-c","cat /etc/hosts; ping -c 1 -W 3 ex"]'
bundle_netns "$rcp" "$ns_rcp"
bundle_annotate "$rcp" io.ocilink.name recipient
bundle_annotate "$rcp" io.ocilink.links example:ex
cp "$rcp/rootfs/etc/hosts" "$T/hosts.orig"
ocl_prepare "$rcp" 2>"$T/logs/prepare-recipient.err" || fail "prepare of the recipient failed: $(cat "$T/logs/prepare-recipient.err")"
set_stages "$rcp" prestart poststop
run_fg recipient "$rcp"
[ "$RUN_RC" = 0 ] || fail "the recipient failed (rc $RUN_RC): $RUN_ERR"
expect_hosts_block "$rcp/rootfs/etc/hosts" recipient "$T/hosts.orig" "$(printf '%s\tex example-host example' $SRC_IP)"
matches "$RUN_OUT" '1 packets received' || fail "the recipient could not ping ex: $RUN_OUT"
ok "prestart wrote the recipient's lines and it pinged ex"
pass

#!/bin/bash
# selftest-harness.sh: checks lib.sh itself, without ocilink-hook (not registered with meson).
#   RUNTIME=runc bash tests/integration/selftest-harness.sh
#   RUNTIME=crun bash tests/integration/selftest-harness.sh
# Two busybox containers in their own network namespaces on a private bridge; the recipient gets a
# hand-written hosts line and must ping and fetch from the source by name, over IPv4 and IPv6.
# The exit trap must leave no container, namespace or temp dir behind.
OCL_NEED_HOOK=0
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ns_src=$(net_add src 10.231.0.11 fd00:231::11) || exit 1
ns_rcp=$(net_add rcp 10.231.0.12 fd00:231::12) || exit 1
[ "$ns_src" = "/run/netns/ocl-src-$OCL_ID" ] || fail "net_add printed '$ns_src'"
ok "namespaces $ns_src $ns_rcp"
matches "$(ip -n "ocl-src-$OCL_ID" -4 -o addr show dev eth0)" 'inet 10\.231\.0\.11/24' || fail "no IPv4 in the source namespace"
matches "$(ip -n "ocl-src-$OCL_ID" -6 -o addr show dev eth0)" 'inet6 fd00:231::11/64' || fail "no IPv6 in the source namespace"
matches "$(ip -o link show)" ": ve[0-9]+@" && fail "a veth appeared in the host namespace"
ok "addresses are inside the namespaces, none in the host namespace"

mkbundle "$T/b/src" src-host '["sh","-c","mkdir -p /www && echo hello-from-src >/www/index.html && httpd -p 80 -h /www && trap \"exit 0\" TERM; while :; do sleep 1; done"]'
bundle_netns "$T/b/src" "$ns_src"
jq -e '.process.capabilities | to_entries | all(.value | index("CAP_NET_RAW"))' "$T/b/src/config.json" >/dev/null ||
	fail "CAP_NET_RAW missing from a capability set"
jq -e '.hostname == "src-host" and .process.terminal == false and .root.readonly == false' "$T/b/src/config.json" >/dev/null ||
	fail "mkbundle did not set hostname/terminal/readonly"
[ "$(cat "$T/b/src/rootfs/etc/hosts")" = "$(printf '127.0.0.1\tlocalhost')" ] || fail "rootfs etc/hosts is wrong"
bundle_annotate "$T/b/src" io.ocilink.name src
bundle_env "$T/b/src" "BOOK=Learning Docker"
jq -e '.annotations["io.ocilink.name"] == "src" and (.process.env | index("BOOK=Learning Docker"))' "$T/b/src/config.json" >/dev/null ||
	fail "bundle_annotate/bundle_env did not work"
ok "bundle helpers"

start_detached src "$T/b/src" || fail "rt run -d src failed: $(cat "$T/logs/src.log")"
expect_running src
[ "$(rt exec src hostname)" = src-host ] || fail "hostname inside src is not src-host"
[ "$(rt exec src sh -c 'echo "$BOOK"')" = "Learning Docker" ] || fail "BOOK not set inside src"
ok "detached source runs (pid $(ctr_pid src))"

mkbundle "$T/b/rcp" rcp-host '["sh","-c","cat /etc/hosts; ping -c 2 -W 2 src && wget -qO- http://src/ && ping -c 1 -W 2 src6"]'
bundle_netns "$T/b/rcp" "$ns_rcp"
printf '10.231.0.11\tsrc src-host\nfd00:231::11\tsrc6\n' >>"$T/b/rcp/rootfs/etc/hosts"
run_fg rcp "$T/b/rcp"
[ "$RUN_RC" = 0 ] || fail "recipient failed (rc $RUN_RC): $RUN_OUT $RUN_ERR"
matches "$RUN_OUT" ' 0% packet loss' || fail "ping lost packets: $RUN_OUT"
matches "$RUN_OUT" '^hello-from-src$' || fail "wget got nothing: $RUN_OUT"
[ "$(printf '%s\n' "$RUN_OUT" | grep -c ' 0% packet loss')" = 2 ] || fail "IPv6 ping failed: $RUN_OUT"
ctr_exists rcp && fail "the foreground container is still listed"
ok "recipient pinged and fetched from src by name (IPv4 and IPv6), then was removed"

OCL_NEED_HOOK=1 RUNTIME=$RUNTIME OCILINK_HOOK=/nonexistent/ocilink-hook \
	bash "$OCL_LIBDIR/test-seed.sh" >"$T/logs/nohook.out" 2>&1 && fail "test-seed.sh passed without a hook"
grep -q 'FAIL: test-seed.*OCILINK_HOOK=/nonexistent/ocilink-hook is not an executable file' "$T/logs/nohook.out" ||
	fail "test-seed.sh without a hook did not fail clearly: $(cat "$T/logs/nohook.out")"
ok "a test without the hook fails clearly: $(grep FAIL "$T/logs/nohook.out")"

pid=$(ctr_pid src)
kill_ctr_process src
[ -e "/proc/$pid" ] && fail "pid $pid still there"
ctr_exists src || fail "src was deleted although only its process was killed"
rt delete src >>"$T/logs/src.log" 2>&1 || fail "delete src failed"
ctr_exists src && fail "src still listed after delete"
ok "kill by pid leaves a stopped container; delete removes it"

# the same via stop_ctr (SIGTERM to the keepalive loop)
mkbundle "$T/b/k" k-host "$KEEPALIVE"
start_detached k "$T/b/k" || fail "k did not start"
expect_running k
stop_ctr k
ctr_exists k && fail "k still listed after stop_ctr"
ok "stop_ctr"

# leave a container and a spawned process for the trap to clean up
mkbundle "$T/b/left" left-host "$KEEPALIVE"
bundle_netns "$T/b/left" "$ns_src"
start_detached left "$T/b/left" || fail "left did not start"
spawn_in_netns "$ns_rcp" sleep 300
ok "left a running container and a sleeping process (pid $SPAWNED_PID) for the exit trap"
pass

#!/bin/bash
# demo.sh [runc|crun]: the seed, for real. A source container "example" (BOOK, CHAPTER, ports 8080
# and 80) and a recipient that links "example:ex", each in its own network namespace on a private
# bridge; the recipient prints its /etc/hosts, its EX_* variables, and pings "ex".
#
# Everything it creates lives in a temp dir and in network namespaces named ocilink-demo-*, which
# it removes at the end. The host's own network namespace is never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
RT=${1:-runc}
[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root (sudo)" >&2; exit 1; }
sh tools/install-deps.sh
sh tools/build.sh build
HOOK=$PWD/build/ocilink-hook

D=$(mktemp -d /tmp/ocilink-demo.XXXXXX)
NS=ocilink-demo-$$
STATE=$D/state
case "$RT" in
runc) rt() { runc --root "$D/runc" "$@"; } ;;
# crun 1.8 refuses hybrid cgroups (this VM's layout): give it a pure cgroup2 view in a private
# mount namespace, with cgroups disabled.
crun) rt() { unshare -m --propagation private sh -c 'umount -R /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup && exec crun --cgroup-manager=disabled "$@"' crun --root "$D/crun" "$@"; } ;;
*) echo "usage: demo.sh [runc|crun]" >&2; exit 2 ;;
esac
cleanup() {
	rt delete -f example >/dev/null 2>&1 || true
	rt delete -f recipient >/dev/null 2>&1 || true
	for n in sw example recipient; do ip netns del "$NS-$n" 2>/dev/null || true; done
	rm -rf "$D"
}
trap cleanup EXIT

# A private "switch" namespace with a bridge, and one namespace per container plugged into it.
ip netns add "$NS-sw"
ip -n "$NS-sw" link set lo up
ip -n "$NS-sw" link add br0 type bridge
ip -n "$NS-sw" addr add 10.232.0.1/24 dev br0
ip -n "$NS-sw" link set br0 up
addr() { case $1 in example) echo 10.232.0.2 ;; recipient) echo 10.232.0.3 ;; esac; }
for c in example recipient; do
	ip netns add "$NS-$c"
	ip -n "$NS-sw" link add "v-$c" type veth peer name eth0 netns "$NS-$c"
	ip -n "$NS-sw" link set "v-$c" master br0 up
	ip -n "$NS-$c" link set lo up
	ip -n "$NS-$c" addr add "$(addr $c)/24" dev eth0
	ip -n "$NS-$c" link set eth0 up
done

# Busybox bundles (runc spec + a static busybox rootfs).
mkbundle() { # DIR ARGS_JSON
	mkdir -p "$1/rootfs/bin" "$1/rootfs/etc" "$1/rootfs/proc" "$1/rootfs/dev" "$1/rootfs/sys" "$1/rootfs/tmp"
	cp /bin/busybox "$1/rootfs/bin/busybox"
	for a in $("$1/rootfs/bin/busybox" --list); do [ "$a" = busybox ] || ln -s busybox "$1/rootfs/bin/$a"; done
	printf '127.0.0.1\tlocalhost\n' >"$1/rootfs/etc/hosts"
	(cd "$1" && runc spec)
	jq --argjson a "$2" --arg n "$(basename "$1")" --arg ns "/run/netns/$NS-$(basename "$1")" '
		.process.terminal = false | .process.args = $a | .hostname = $n | .root.readonly = false
		| .process.capabilities |= with_entries(.value += ["CAP_NET_RAW"])
		| .linux.namespaces |= map(if .type == "network" then .path = $ns else . end)' \
		"$1/config.json" >"$1/config.json.new" && mv "$1/config.json.new" "$1/config.json"
}
annotate() { jq --arg k "$2" --arg v "$3" '.annotations[$k] = $v' "$1/config.json" >"$1/x" && mv "$1/x" "$1/config.json"; }

echo "== source: example (BOOK, CHAPTER, ports 8080 80) in its own network namespace, $(addr example)"
mkbundle "$D/example" '["sh","-c","trap \"exit 0\" TERM; while :; do sleep 1; done"]'
jq '.process.env += ["BOOK=Learning Docker", "CHAPTER=Orchestrating Containers"]' "$D/example/config.json" >"$D/x" && mv "$D/x" "$D/example/config.json"
annotate "$D/example" io.ocilink.name example
annotate "$D/example" io.ocilink.expose "8080 80"
"$HOOK" --state-dir "$STATE" prepare -b "$D/example" --install-hooks
rt run -d --bundle "$D/example" example </dev/null >/dev/null
"$HOOK" --state-dir "$STATE" list

echo
echo "== recipient: links example:ex, in its own network namespace, $(addr recipient)"
mkbundle "$D/recipient" '["sh","-c","echo \"--- cat /etc/hosts\"; cat /etc/hosts; echo \"--- env | grep ^EX_  (as the process received it: /proc/1/environ)\"; tr \"\\\\0\" \"\\\\n\" </proc/1/environ | grep ^EX_; echo \"--- ping -c 2 ex\"; ping -c 2 ex"]'
annotate "$D/recipient" io.ocilink.name recipient
annotate "$D/recipient" io.ocilink.links example:ex
"$HOOK" --state-dir "$STATE" prepare -b "$D/recipient" --install-hooks
rt run --bundle "$D/recipient" recipient </dev/null
echo
echo "demo: OK ($RT)"

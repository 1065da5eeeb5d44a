#!/bin/bash
# run.sh [runc|crun]: runs this folder's bundle pair for real: the source "example" (BOOK,
# CHAPTER, ports 8080 and 80) and the recipient "recipient" (links example:ex), each in its own
# network namespace on a private bridge. It follows README.md's steps: copy the two config.json
# files into a work dir, give each a busybox rootfs, make the namespaces, prepare, run. The
# recipient prints its /etc/hosts, its EX_* variables and a ping of "ex", and stays up until
# SIGTERM, as under systemd; the script then stops both and removes everything it made.
#
# Environment (all optional):
#   HOOK           the ocilink-hook binary (default: ocilink-hook in PATH, else
#                  /usr/libexec/oci/hooks.d/ocilink-hook)
#   STATE_DIR      ocilink's registry (default /run/ocilink)
#   NETNS_PREFIX   names of the namespaces: <prefix>sw (the bridge), <prefix>example,
#                  <prefix>recipient (default "ocilink-", as in the config.json files)
#   WORK           the work dir (default: a new temp dir, removed at the end)
# The host's own network namespace is never touched: the bridge lives in <prefix>sw.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RT=${1:-runc}
[ "$(id -u)" = 0 ] || { echo "run.sh: run as root" >&2; exit 1; }
HOOK=${HOOK:-$(command -v ocilink-hook || echo /usr/libexec/oci/hooks.d/ocilink-hook)}
STATE_DIR=${STATE_DIR:-/run/ocilink}
P=${NETNS_PREFIX:-ocilink-}
KEEP_WORK=1
[ -n "${WORK:-}" ] || { WORK=$(mktemp -d /tmp/ocilink-pair.XXXXXX); KEEP_WORK=0; }
for p in "$HOOK" "$RT" jq ip /bin/busybox; do
	command -v "$p" >/dev/null || { echo "run.sh: $p not found" >&2; exit 1; }
done
hook() { "$HOOK" --state-dir "$STATE_DIR" "$@"; }

# The runtime with its own state root (so the names cannot clash with other containers). crun 1.8
# refuses hybrid cgroups (v1 controllers plus a cgroup2 "unified" mount): there it runs in a
# private mount namespace with a cgroup2-only /sys/fs/cgroup and no cgroup manager.
case "$RT" in
runc) rt() { runc --root "$WORK/runtime" "$@"; } ;;
crun)
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		rt() { crun --root "$WORK/runtime" "$@"; }
	else
		rt() { unshare -m --propagation private sh -c 'umount -R /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup && exec crun --cgroup-manager=disabled "$@"' crun --root "$WORK/runtime" "$@"; }
	fi ;;
*) echo "usage: run.sh [runc|crun]" >&2; exit 2 ;;
esac

RCP_PID=
cleanup() {
	set +e
	[ -z "$RCP_PID" ] || { rt kill recipient KILL; wait "$RCP_PID"; } >/dev/null 2>&1
	rt delete -f recipient >/dev/null 2>&1
	rt delete -f example >/dev/null 2>&1
	for n in recipient example sw; do ip netns del "$P$n" 2>/dev/null; done
	if [ "$KEEP_WORK" = 0 ]; then rm -rf "$WORK"; else rm -rf "$WORK/example" "$WORK/recipient" "$WORK/runtime"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== 1. bundles: the config.json files of $HERE, each with a busybox rootfs"
for b in example recipient; do
	src=source
	[ "$b" = recipient ] && src=recipient
	mkdir -p "$WORK/$b/rootfs"/{bin,etc,proc,sys,dev,tmp,root}
	cp "$HERE/$src/config.json" "$WORK/$b/config.json"
	cp /bin/busybox "$WORK/$b/rootfs/bin/busybox"
	for a in $("$WORK/$b/rootfs/bin/busybox" --list); do [ "$a" = busybox ] || ln -s busybox "$WORK/$b/rootfs/bin/$a"; done
	printf '127.0.0.1\tlocalhost\n' >"$WORK/$b/rootfs/etc/hosts"
	# the namespace the config joins (the same path unless NETNS_PREFIX is set)
	jq --arg ns "/run/netns/$P$b" '.linux.namespaces |= map(if .type == "network" then .path = $ns else . end)' \
		"$WORK/$b/config.json" >"$WORK/$b/config.json.new"
	mv "$WORK/$b/config.json.new" "$WORK/$b/config.json"
done

echo "== 2. network: a bridge in namespace ${P}sw, example 10.232.0.2, recipient 10.232.0.3"
ip netns add "${P}sw"
ip -n "${P}sw" link set lo up
ip -n "${P}sw" link add br0 type bridge
ip -n "${P}sw" addr add 10.232.0.1/24 dev br0
ip -n "${P}sw" link set br0 up
n=1
for b in example recipient; do
	n=$((n + 1))
	ip netns add "$P$b"
	ip -n "${P}sw" link add "v-$b" type veth peer name eth0 netns "$P$b"
	ip -n "${P}sw" link set "v-$b" master br0 up
	ip -n "$P$b" link set lo up
	ip -n "$P$b" addr add "10.232.0.$n/24" dev eth0
	ip -n "$P$b" link set eth0 up
done

echo "== 3. the source: prepare --install-hooks, $RT run -d"
hook prepare -b "$WORK/example" --install-hooks
rt run -d --bundle "$WORK/example" example </dev/null >/dev/null
hook list

echo "== 4. the recipient: prepare --install-hooks (EX_* from the running source), explain, $RT run"
hook prepare -b "$WORK/recipient" --install-hooks
hook explain -b "$WORK/recipient"
# in the foreground, as systemd runs it, but in the background of this script
rt run --bundle "$WORK/recipient" recipient </dev/null >"$WORK/recipient.out" 2>&1 &
RCP_PID=$!
for _ in $(seq 100); do
	grep -q '^--- up' "$WORK/recipient.out" 2>/dev/null && break
	kill -0 "$RCP_PID" 2>/dev/null || break
	sleep 0.1
done
cat "$WORK/recipient.out"
grep -q '^--- up' "$WORK/recipient.out" || { echo "run.sh: the recipient did not come up" >&2; exit 1; }

echo "== 5. stop: SIGTERM to both (poststop removes them from the registry)"
rt kill recipient TERM
wait "$RCP_PID"
RCP_PID=
rt kill example TERM
for _ in $(seq 50); do [ "$(rt state example | jq -r .status)" = stopped ] && break; sleep 0.1; done
rt delete example
hook list
echo "run.sh: OK ($RT)"

# shellcheck shell=bash
# podman-lib.sh: harness for ocilink's podman tests, on top of lib.sh. Source it from a test:
#
#     . "$(dirname "${BASH_SOURCE[0]}")/podman-lib.sh"
#
# Environment: as lib.sh (OCILINK_HOOK, RUNTIME=runc|crun, TESTS_DIR, OCL_KEEP, OCL_VERBOSE), and
#   PM_TIMEOUT  seconds allowed for one podman command (default 120)
#
# What it sets up, all of it private to this run (names carry $$, files live in the temp dir $T):
#   - network namespace ocl-pod-$$; EVERY podman command runs under `nsenter --net` into it, so
#     netavark's bridge, veths, iptables rules and sysctls exist only there (and podman's
#     children, conmon and the `podman container cleanup` it runs, inherit it);
#   - podman configuration under $T/pm, selected by CONTAINERS_CONF, CONTAINERS_STORAGE_CONF and
#     CONTAINERS_REGISTRIES_CONF, passed to podman alone: storage driver vfs; graph root, tmp,
#     static, volume and lock dirs under $T/pm, the run root $T/r (short: see PM_RUNROOT);
#     network_backend netavark (pinned: Debian ships a CNI config that podman would otherwise
#     pick up), netns "none" unless a test says --network; cgroupfs; file events;
#     default_ulimits at podman's own hard limits (probed with a fake conmon); hooks_dir
#     $T/pm/hooks.d, made from the product's config/hooks.d/*.json.in templates with
#     @HOOK@=$OCILINK_HOOK and @STATE_DIR@=$T/state (the registry that lib.sh's `hook` reads);
#     $T/pm/hooks-empty.d is an empty hooks dir for comparisons (`--hooks-dir`, a global option);
#   - image localhost/ocl-busybox (busybox-static rootfs, CMD /bin/sh, PATH=/bin), imported;
#   - network ocl-net-$$: netavark bridge, subnet 10.233.<random>.0/24, DNS off (no aardvark-dns
#     process at all: names resolve through /etc/hosts only, which is what ocilink writes);
#   - RUNTIME=runc: podman's runtime runc; RUNTIME=crun: `--runtime $T/pm/crun-wrap`, crun in a
#     private mount namespace with a pure cgroup2 mount and --cgroup-manager=disabled (crun 1.8
#     refuses this VM's hybrid cgroup layout).
# The exit trap removes every container (`podman rm -af -t 0`, which runs the poststop hooks) and
# the network, ends only processes that are provably this run's (by pid: conmon naming $T, any
# process whose root is under $T or that lives in ocl-pod-$$), deletes this run's container
# namespaces and /run/containers/networks entries, then lib.sh's trap deletes ocl-pod-$$ and $T.
# Anything that had to be removed by force fails the test.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${PM_TIMEOUT:=120}"
PM_NS=ocl-pod-$OCL_ID
PM_NSPATH=/run/netns/$PM_NS
PM_NET=ocl-net-$OCL_ID
PM_SUBNET3=10.233.$((RANDOM % 200))
PM_SUBNET=$PM_SUBNET3.0/24
PM_IMAGE=localhost/ocl-busybox
PM_DIR=$T/pm
# podman 4.3 waits 20 s for the exit of every attached container ("Exceeded conmon timeout") when
# its run root is longer than 50 bytes (measured: 50 fine, 51 not), so the run root is kept short
PM_RUNROOT=$T/r
PM_HOOKS=$PM_DIR/hooks.d
PM_NOHOOKS=$PM_DIR/hooks-empty.d
PM_TEMPLATES=$TESTS_DIR/../config/hooks.d
PM_RUNDIR=/run/containers/networks
PM_GLOBAL=()
PM_UP=0
PM_IDS=()
# the container namespaces (netavark's /run/netns/netns-*) that exist already
pm_netavark_netns() {
	local f
	for f in /run/netns/netns-*; do [ -e "$f" ] && printf '%s\n' "${f##*/}"; done
	return 0
}
PM_NETNS_BEFORE=$(pm_netavark_netns)
PM_HAD_RUNCONTAINERS=0
[ -d /run/containers ] && PM_HAD_RUNCONTAINERS=1
PM_HAD_RUNDIR=0
[ -d "$PM_RUNDIR" ] && PM_HAD_RUNDIR=1
PM_HAD_VLC=0
[ -d /var/lib/containers ] && PM_HAD_VLC=1
# the host namespace's forwarding switch, which netavark sets to 1 where it runs: must not change
PM_HOST_FWD=$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null)

# the seed's source process: stays up until SIGTERM
mapfile -t PM_KEEPALIVE < <(jq -r '.[]' "$BUNDLES_DIR/args-keepalive.json")

# ---------------------------------------------------------------------------------------------
# podman

# pm ARGS...: podman, confined to this run's configuration and network namespace
pm() {
	ocl_trace "podman ${PM_GLOBAL[*]} $*"
	[ -e "$PM_NSPATH" ] || { echo "podman-lib: $PM_NSPATH is gone, refusing to run podman" >&2; return 125; }
	timeout -k 5 "$PM_TIMEOUT" env "CONTAINERS_CONF=$PM_DIR/containers.conf" \
		"CONTAINERS_STORAGE_CONF=$PM_DIR/storage.conf" "CONTAINERS_REGISTRIES_CONF=$PM_DIR/registries.conf" \
		nsenter --net="$PM_NSPATH" podman "${PM_GLOBAL[@]}" "$@"
}

# pm_ok LOGNAME ARGS...: pm ARGS, which must succeed; stdout is printed, stderr goes to the log
pm_ok() {
	local log=$T/logs/pm-$1.log out
	shift
	out=$(pm "$@" </dev/null 2>>"$log") || fail "podman $* failed: $(tail -n 5 "$log")"
	printf '%s\n' "$out"
}

# pm_run LOGNAME ARGS...: `podman run ARGS` in the foreground; sets PM_RC, PM_OUT (stdout),
# PM_ERR (stderr), PM_ALL (both). Never fails by itself.
pm_run() {
	local name=$1
	shift
	pm run "$@" </dev/null >"$T/logs/$name.out" 2>"$T/logs/$name.err"
	PM_RC=$?
	PM_OUT=$(cat "$T/logs/$name.out")
	# shellcheck disable=SC2034 # for the tests
	PM_ERR=$(cat "$T/logs/$name.err")
	PM_ALL=$(cat "$T/logs/$name.out" "$T/logs/$name.err")
	return 0
}

# pm_run_d NAME ARGS...: `podman run -d --name NAME ARGS` (ARGS: options, image, command); must
# start and be running; prints nothing, remembers the id
pm_run_d() {
	local name=$1 id
	shift
	id=$(pm run -d --name "$name" "$@" </dev/null 2>>"$T/logs/pm-$name.log") ||
		fail "podman run -d --name $name failed: $(tail -n 5 "$T/logs/pm-$name.log")"
	PM_IDS+=("$id")
	pm_expect_running "$name"
}

pm_state() { pm inspect "$1" --format '{{.State.Status}}' 2>/dev/null </dev/null; }
pm_state_is() { [ "$(pm_state "$1")" = "$2" ]; }
pm_expect_running() {
	wait_for 10 pm_state_is "$1" running ||
		fail "podman container $1 is not running (state '$(pm_state "$1")'): $(tail -n 5 "$T/logs/pm-$1.log" 2>/dev/null)"
}
pm_exists() { pm container exists "$1" </dev/null 2>/dev/null; }

# pm_inspect NAME GO-TEMPLATE
pm_inspect() { pm_ok inspect inspect "$1" --format "$2"; }
pm_id() { pm_inspect "$1" '{{.Id}}'; }
pm_ip() { pm_inspect "$1" "{{(index .NetworkSettings.Networks \"$PM_NET\").IPAddress}}"; }
pm_hostname() { pm_inspect "$1" '{{.Config.Hostname}}'; }
pm_pid() { pm_inspect "$1" '{{.State.Pid}}'; }

# pm_source NAME [OPTIONS...]: the seed's source, detached on the test network: BOOK, CHAPTER,
# io.ocilink.expose "8080 80", CAP_NET_RAW; OPTIONS go before the image
pm_source() {
	local name=$1
	shift
	pm_run_d "$name" --network "$PM_NET" -e BOOK="Learning Docker" -e CHAPTER="Orchestrating Containers" \
		--annotation io.ocilink.expose="8080 80" --cap-add NET_RAW "$@" "$PM_IMAGE" "${PM_KEEPALIVE[@]}"
}

# pm_stop NAME: podman stop, and the container must be stopped (exited) afterwards
pm_stop() {
	pm_ok "$1" stop -t 10 "$1" >/dev/null
	local st
	st=$(pm_state "$1")
	case "$st" in exited | stopped) ;; *) fail "podman container $1 is '$st' after podman stop" ;; esac
}

# pm_hosts_seen NAME FILE: the container's /etc/hosts as it sees it, into FILE
pm_hosts_seen() {
	pm exec "$1" cat /etc/hosts </dev/null >"$2" 2>"$T/logs/exec-$1.err" ||
		fail "podman exec $1 cat /etc/hosts failed: $(cat "$T/logs/exec-$1.err")"
}

# pm_hook_line IP ALIAS HOSTNAME NAME: the hosts line the contract gives (name left out when it
# equals the alias)
pm_hook_line() {
	if [ "$2" = "$4" ]; then printf '%s\t%s %s' "$1" "$2" "$3"; else printf '%s\t%s %s %s' "$1" "$2" "$3" "$4"; fi
}

# pm_seed_env SOURCE IP RECIPIENT: the seed's twelve EX_* variables in the order the contract
# gives for this source: seed_env's order, with the EX_ENV_* part in the order of the source's
# config.json process.env (podman 4.3 keeps -e options in a map, so its config lists BOOK and
# CHAPTER in either order; Docker's rule and the contract follow the source's configured order)
pm_seed_env() {
	local cfg
	cfg=$(pm_inspect "$1" '{{.OCIConfigPath}}') || exit 1
	seed_env "$2" "$3" | grep -v '^EX_ENV_'
	jq -r '.process.env[] | select(test("^(BOOK|CHAPTER)=")) | "EX_ENV_" + .' "$cfg"
}

# expect_ocilink_block FILE NAME EXPECTED_LINES: FILE has exactly one well-formed ocilink block
# for NAME holding exactly those lines, and no other ocilink marker
expect_ocilink_block() {
	local f=$1 name=$2 exp=$3 nb ne
	nb=$(grep -cxF "# ocilink begin $name" "$f")
	ne=$(grep -cxF "# ocilink end $name" "$f")
	[ "$nb" = 1 ] && [ "$ne" = 1 ] ||
		{ cat -A "$f" >&2; fail "${f#"$T"/}: expected one ocilink block for $name, found $nb begin / $ne end markers"; }
	[ "$(grep -nxF "# ocilink begin $name" "$f" | cut -d: -f1)" -lt "$(grep -nxF "# ocilink end $name" "$f" | cut -d: -f1)" ] ||
		fail "${f#"$T"/}: end marker before begin marker"
	[ "$(grep -c '^# ocilink ' "$f")" = 2 ] || { cat -A "$f" >&2; fail "${f#"$T"/}: other ocilink markers"; }
	expect_eq "ocilink block for $name in ${f#"$T"/}" "$exp" "$(hosts_block "$f" "$name")"
}

# pm_recipient NAME LINKS PING_TARGET [OPTIONS...]: a recipient run in the foreground
# (`podman run --rm --name NAME --annotation io.ocilink.links=LINKS OPTIONS`) on the test network
# that prints its /etc/hosts, a marker, the environment its process received (/proc/1/environ),
# another marker, then pings PING_TARGET twice (nothing if it is empty). Sets what pm_run sets,
# and PM_HOSTS, PM_ENV, PM_PING: the three parts of its output.
pm_recipient() {
	local name=$1 links=$2 target=$3
	shift 3
	pm_run "$name" --rm --network "$PM_NET" --cap-add NET_RAW --name "$name" \
		--annotation io.ocilink.links="$links" "$@" "$PM_IMAGE" sh -c \
		'cat /etc/hosts; echo @@ocilink-test-env@@; tr "\0" "\n" </proc/1/environ; echo @@ping@@; [ -z "$1" ] || ping -c 2 -W 3 "$1"' \
		sh "$target"
	# shellcheck disable=SC2034 # for the tests
	PM_HOSTS=$(printf '%s\n' "$PM_OUT" | sed -n '/^@@ocilink-test-env@@$/q;p')
	# shellcheck disable=SC2034 # for the tests
	PM_ENV=$(printf '%s\n' "$PM_OUT" | sed -n '/^@@ocilink-test-env@@$/,/^@@ping@@$/p' | sed '1d;$d')
	PM_PING=$(printf '%s\n' "$PM_OUT" | sed -n '/^@@ping@@$/,$p' | sed 1d)
}

# expect_pm_ok WHAT: the last pm_run succeeded
expect_pm_ok() {
	[ "$PM_RC" = 0 ] || fail "$1: podman run failed (rc $PM_RC): $PM_ALL"
	ok "$1: podman run succeeded"
}

# expect_ping TARGET IP: PM_PING shows TARGET resolved to IP and no packet lost
expect_ping() {
	matches "$PM_PING" "^PING $1 \\(${2//./\\.}\\)" || fail "ping $1 did not go to $2: $PM_PING"
	matches "$PM_PING" ' 0% packet loss' || fail "ping $1 lost packets: $PM_PING"
	ok "ping -c 2 $1: $(grep 'packet loss' <<<"$PM_PING")"
}

# pm_container_env NAME: the environment a running container's process received
pm_container_env() {
	pm exec "$1" sh -c 'tr "\0" "\n" </proc/1/environ' </dev/null 2>"$T/logs/exec-$1.err" ||
		fail "podman exec $1 (environ) failed: $(cat "$T/logs/exec-$1.err")"
}

# ---------------------------------------------------------------------------------------------
# setup

pm_write_conf() {
	local ulimits=$1
	cat >"$PM_DIR/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$PM_DIR/root"
runroot = "$PM_RUNROOT"
EOF
	printf 'unqualified-search-registries = []\n' >"$PM_DIR/registries.conf"
	cat >"$PM_DIR/containers.conf" <<EOF
# written by tests/integration/podman-lib.sh for one test run; nothing here points outside $T
[containers]
netns = "none"
cgroupns = "host"
log_driver = "k8s-file"
$ulimits

[network]
network_backend = "netavark"
network_config_dir = "$PM_DIR/netconf"
default_subnet = "10.233.254.0/24"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$PM_DIR/events.log"
runtime = "runc"
lock_type = "file"
tmp_dir = "$PM_DIR/tmp"
static_dir = "$PM_DIR/root/libpod"
volume_path = "$PM_DIR/root/volumes"
image_copy_tmp_dir = "$PM_DIR/tmp"
hooks_dir = ["$PM_HOOKS"]
EOF
}

# podman lowers its own RLIMIT_NPROC at start and writes RLIMIT_NOFILE/NPROC into every
# config.json; limits above its own hard limits make runc fail ("error setting rlimit type 7").
# A fake conmon reads them from its parent, podman.
pm_probe_ulimits() {
	local probe=$PM_DIR/conmon-probe conmon nofile nproc
	conmon=$(command -v conmon) || fail "conmon not found"
	cat >"$probe" <<EOF
#!/bin/sh
awk '/^Max open files/{print "nofile="\$5} /^Max processes/{print "nproc="\$4}' /proc/\$PPID/limits >"$PM_DIR/limits.txt"
exec $conmon "\$@"
EOF
	chmod +x "$probe"
	pm --conmon "$probe" info </dev/null >"$T/logs/pm-info.log" 2>&1 || fail "podman info failed: $(tail -n 5 "$T/logs/pm-info.log")"
	nofile=$(sed -n 's/^nofile=\([0-9][0-9]*\)$/\1/p' "$PM_DIR/limits.txt" 2>/dev/null)
	nproc=$(sed -n 's/^nproc=\([0-9][0-9]*\)$/\1/p' "$PM_DIR/limits.txt" 2>/dev/null)
	[ -n "$nofile" ] && [ -n "$nproc" ] || fail "could not probe podman's rlimits: $(cat "$PM_DIR/limits.txt" 2>&1)"
	rm -f "$probe"
	PM_ULIMITS="nofile=$nofile:$nofile nproc=$nproc:$nproc"
}

# pm_make_hooks_dir DIR: the product's hooks.d templates, filled in
pm_make_hooks_dir() {
	local d=$1 t f content n=0
	mkdir -p "$d"
	case "$OCILINK_HOOK$T" in *'"'* | *'\'* | *'|'*) fail "paths with quotes or backslashes cannot go into hooks.d JSON" ;; esac
	for t in "$PM_TEMPLATES"/ocilink-*.json.in; do
		[ -f "$t" ] || continue
		f=$d/$(basename "$t" .in)
		content=$(cat "$t")
		content=${content//@HOOK@/$OCILINK_HOOK}
		content=${content//@STATE_DIR@/$T/state}
		printf '%s\n' "$content" >"$f"
		jq -e . "$f" >/dev/null 2>&1 || fail "$t does not give valid JSON"
		matches "$content" '@[A-Z_]+@' && fail "$t has a placeholder this harness does not know: $(grep -o '@[A-Z_]*@' "$f" | sort -u | tr '\n' ' ')"
		n=$((n + 1))
	done
	for t in precreate createruntime poststart poststop; do
		[ -f "$d/ocilink-$t.json" ] || fail "hooks template $PM_TEMPLATES/ocilink-$t.json.in is missing"
	done
	note "hooks dir $d: $n files from $PM_TEMPLATES"
}

pm_init() {
	local p
	for p in podman nsenter conmon timeout tar; do
		command -v "$p" >/dev/null || fail "required program not found: $p (apt-get install -y podman netavark aardvark-dns conmon)"
	done
	[ -x /usr/lib/podman/netavark ] || fail "netavark is not installed (apt-get install -y netavark)"
	command -v iptables >/dev/null || fail "iptables not found: netavark needs it (apt-get install -y iptables)"
	[ -d "$PM_TEMPLATES" ] || fail "hooks templates not found: $PM_TEMPLATES"
	[ "${#PM_RUNROOT}" -le 50 ] ||
		fail "podman's run root $PM_RUNROOT is longer than 50 bytes: podman 4.3 then takes 20 s per attached run (use a shorter test name)"
	mkdir -p "$PM_DIR"/{root,tmp,netconf} "$PM_RUNROOT" "$PM_NOHOOKS"
	pm_make_hooks_dir "$PM_HOOKS"

	ip netns add "$PM_NS" || fail "ip netns add $PM_NS failed"
	ip -n "$PM_NS" link set lo up || fail "lo up in $PM_NS failed"
	PM_UP=1

	case "$RUNTIME" in
	runc) PM_GLOBAL=(--runtime runc) ;;
	crun)
		cat >"$PM_DIR/crun-wrap" <<'EOF'
#!/bin/sh
# crun 1.8 refuses this VM's hybrid cgroup layout ("cgroups in hybrid mode not supported"): run it
# in a private mount namespace where /sys/fs/cgroup is a pure cgroup2 mount, cgroups disabled.
exec unshare -m --propagation private sh -c 'umount -R /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup && exec crun --cgroup-manager=disabled "$@"' crun-wrap "$@"
EOF
		chmod +x "$PM_DIR/crun-wrap"
		PM_GLOBAL=(--runtime "$PM_DIR/crun-wrap")
		;;
	esac

	pm_write_conf ""
	pm_probe_ulimits
	local u q=""
	for u in $PM_ULIMITS; do q="$q${q:+, }\"$u\""; done
	pm_write_conf "default_ulimits = [$q]"
	pm_ok info info --format '{{.Host.NetworkBackend}}' >"$T/logs/pm-backend" || exit 1
	[ "$(cat "$T/logs/pm-backend")" = netavark ] || fail "podman's network backend is '$(cat "$T/logs/pm-backend")', not netavark"

	ocl_rootfs_template
	tar -C "$T/rootfs-template" -cf "$PM_DIR/busybox-rootfs.tar" . || fail "tar of the rootfs failed"
	pm_ok import import --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/bin' "$PM_DIR/busybox-rootfs.tar" "$PM_IMAGE" >/dev/null
	rm -f "$PM_DIR/busybox-rootfs.tar"
	pm_ok network network create --disable-dns --subnet "$PM_SUBNET" "$PM_NET" >/dev/null
	note "podman $(podman --version | sed 's/^podman version //'), runtime ${PM_GLOBAL[*]}, network $PM_NET ($PM_SUBNET) in netns $PM_NS, ulimits $PM_ULIMITS"
}

# ---------------------------------------------------------------------------------------------
# cleanup

# pm_netns_inode NSPATH
pm_netns_inode() { stat -L -c %i "$1" 2>/dev/null; }

# pids of processes that are provably this run's: conmon or aardvark-dns naming $T, anything
# whose root directory is under $T (a container's process) or that lives in ocl-pod-$$
pm_own_pids() {
	local p cmd root ino nsino
	ino=$(pm_netns_inode "$PM_NSPATH")
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ "$p" = $$ ] || [ "$p" = "$BASHPID" ] && continue
		cmd=$({ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null) || continue
		root=$(readlink "/proc/$p/root" 2>/dev/null)
		nsino=$(stat -L -c %i "/proc/$p/ns/net" 2>/dev/null)
		case "$root" in "$T"/*)
			echo "$p"
			continue
			;;
		esac
		case "$cmd" in conmon* | */conmon* | aardvark-dns* | */aardvark-dns*)
			case "$cmd" in *"$T/"*)
				echo "$p"
				continue
				;;
			esac
			;;
		esac
		[ -n "$ino" ] && [ "$nsino" = "$ino" ] && echo "$p"
	done
}

pm_cleanup() {
	local rc=$? left="" ids id p pids ns mp
	trap - EXIT
	# a second ^C or TERM must not cut the removal short (lib.sh's part resets these traps)
	trap '' INT TERM HUP
	set +e
	if [ "$PM_UP" = 1 ] && [ -e "$PM_NSPATH" ] && [ -f "$PM_DIR/containers.conf" ]; then
		ids=$(PM_TIMEOUT=30 pm ps -aq --no-trunc 2>/dev/null </dev/null)
		PM_TIMEOUT=60 pm rm -af -t 0 </dev/null >>"$T/logs/cleanup.log" 2>&1
		PM_TIMEOUT=30 pm network rm -f "$PM_NET" </dev/null >>"$T/logs/cleanup.log" 2>&1
		id=$(PM_TIMEOUT=30 pm ps -aq 2>/dev/null </dev/null)
		[ -z "$id" ] || left="$left podman-containers:$(echo $id)"
		for id in $ids "${PM_IDS[@]}"; do
			for p in /run/runc/$id /run/crun/$id; do
				[ -e "$p" ] || continue
				left="$left runtime-state:$p"
				case "$p" in /run/runc/*) runc delete -f "$id" >/dev/null 2>&1 ;; *) rm -rf "$p" ;; esac
			done
		done
	fi
	pids=$(pm_own_pids)
	if [ -n "$pids" ]; then
		left="$left processes:$(echo $pids)"
		for p in $pids; do echo "# leftover process $p: $({ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null)" >&2; done
		kill $pids 2>/dev/null
		sleep 1
		pids=$(pm_own_pids)
		[ -z "$pids" ] || kill -9 $pids 2>/dev/null
	fi
	# container network namespaces (netavark's /run/netns/netns-*) that hold an address of ours
	for ns in $(pm_netavark_netns); do
		grep -qxF -- "$ns" <<<"$PM_NETNS_BEFORE" && continue
		matches "$(ip -n "$ns" -4 -o addr show 2>/dev/null)" " ${PM_SUBNET3//./\\.}\\.[0-9]+/" || continue
		left="$left netns:$ns"
		ip netns del "$ns"
	done
	# mounts under $T (podman's shm tmpfs, ...)
	for mp in $(awk -v t="$T/" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		left="$left mount:$mp"
		umount -l "$mp"
	done
	# netavark's run dir is shared by every rootful podman: only our network's entries go
	for p in "$PM_RUNDIR/aardvark-dns/$PM_NET" "$PM_RUNDIR/$PM_NET"; do
		[ -e "$p" ] && { left="$left file:$p"; rm -rf "$p"; }
	done
	pm_rundir_tidy
	pm_blobcache_tidy
	[ "$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null)" = "$PM_HOST_FWD" ] ||
		left="$left host-sysctl:net.ipv4.ip_forward=$(cat /proc/sys/net/ipv4/ip_forward) (was $PM_HOST_FWD; not reverted, find out who changed it)"
	if [ -n "$left" ]; then
		echo "FAIL: $OCL_TEST (${RUNTIME:-?}): podman cleanup left:$left" >&2
		[ "$rc" = 0 ] && rc=1
	fi
	(exit "$rc")
	ocl_cleanup
}

# If this run created /run/containers/networks (podman's IPAM database and aardvark-dns config
# dir) and no other podman uses it now, remove it again, so the host is as before.
pm_rundir_tidy() {
	local f
	[ "$PM_HAD_RUNDIR" = 0 ] && [ -d "$PM_RUNDIR" ] || return 0
	for f in "$PM_RUNDIR"/* "$PM_RUNDIR"/.[!.]*; do
		[ -e "$f" ] || continue
		case "${f##*/}" in
		ipam.db) flock -n -x "$PM_RUNDIR/ipam.db" true || return 0 ;;
		aardvark-dns) [ -z "$(ls -A "$PM_RUNDIR/aardvark-dns")" ] || return 0 ;;
		*) return 0 ;;
		esac
	done
	# someone else's podman network namespace may still be using the database
	for f in /run/netns/ocl-pod-*; do
		[ -e "$f" ] && [ "$f" != "$PM_NSPATH" ] && return 0
	done
	rm -rf "$PM_RUNDIR"
	[ "$PM_HAD_RUNCONTAINERS" = 0 ] && rmdir /run/containers 2>/dev/null
	return 0
}

# `podman import` as root writes containers/image's blob info cache to /var/lib/containers/cache
# (not configurable for root in podman 4.3). If this run created /var/lib/containers, remove it.
pm_blobcache_tidy() {
	local d=/var/lib/containers
	[ "$PM_HAD_VLC" = 0 ] && [ -d "$d" ] || return 0
	[ "$(cd "$d" && find . -mindepth 1 | sort | tr '\n' ' ')" = "./cache ./cache/blob-info-cache-v1.boltdb " ] || return 0
	flock -n -x "$d/cache/blob-info-cache-v1.boltdb" true || return 0
	rm -rf "$d"
}

trap pm_cleanup EXIT
pm_init

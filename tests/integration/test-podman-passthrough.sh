#!/bin/bash
# test-podman-passthrough.sh: containers without any ocilink annotation, and what the hooks cost.
#   1. "plain" runs with ocilink's hooks dir, "bare" with an empty hooks dir, otherwise alike:
#      - podman matched ocilink's createRuntime, poststart and poststop files for plain but not the
#        precreate one (gated on io.ocilink.links), and put only those two runtime hooks into its
#        config.json;
#      - plain's stored config (userdata/config.json without .hooks; podman inspect .Config.Env and
#        .Config.Annotations) equals bare's once ids, hostnames, addresses, netns and layer paths
#        and the creation time are masked and the mounts and variables (which podman itself lists
#        in random map order) are sorted; so do the environments their processes received and their
#        /etc/hosts, and plain's /etc/hosts has no ocilink block;
#      - plain is registered under its podman name with its address (so it can be a source: a
#        recipient links it), bare is not; poststop drops plain's record on podman stop.
#   2. the cost: `podman run --rm --network NET IMAGE true` without hooks, with ocilink's hooks
#      (no annotation), and for a recipient with one link, 10 runs each, interleaved; min, median
#      and max are printed as '#' notes (a measurement, not an assertion).
. "$(dirname "${BASH_SOURCE[0]}")/podman-lib.sh"

: "${PM_COST_RUNS:=10}"

pm --log-level=debug run -d --name plain --network "$PM_NET" "$PM_IMAGE" "${PM_KEEPALIVE[@]}" \
	</dev/null >"$T/logs/plain.id" 2>"$T/logs/plain-debug.log" || fail "podman run plain failed: $(grep -v level=debug "$T/logs/plain-debug.log" | tail -n 5)"
PM_IDS+=("$(cat "$T/logs/plain.id")")
pm_expect_running plain
# --hooks-dir is one of podman's global options
saved=("${PM_GLOBAL[@]}")
PM_GLOBAL+=(--hooks-dir "$PM_NOHOOKS")
pm_run_d bare --network "$PM_NET" "$PM_IMAGE" "${PM_KEEPALIVE[@]}"
PM_GLOBAL=("${saved[@]}")

# which hook files podman matched for plain
dbg=$(grep -o 'hook ocilink-[a-z]*\.json [a-z ;]*\[[A-Za-z]*\]\|hook ocilink-[a-z]*\.json did not match' "$T/logs/plain-debug.log" | sort)
expect_eq "hooks podman matched for a container without annotations" "$(printf '%s\n' \
	'hook ocilink-createruntime.json matched; adding to stages [createRuntime]' \
	'hook ocilink-poststart.json matched; adding to stages [poststart]' \
	'hook ocilink-poststop.json matched; adding to stages [poststop]' \
	'hook ocilink-precreate.json did not match')" "$dbg"

# mask CONTAINER: what differs between two containers by id, time, hostname, netns and layer
for c in plain bare; do
	pm_inspect "$c" '{{.Id}} {{.Config.Hostname}} {{.OCIConfigPath}}' >"$T/$c.ids" || exit 1
	pm_ip "$c" >>"$T/$c.ids" || exit 1
done
read -r P_ID P_HN P_CFG P_IP < <(tr '\n' ' ' <"$T/plain.ids")
read -r B_ID B_HN B_CFG B_IP < <(tr '\n' ' ' <"$T/bare.ids")
[ -n "$P_IP" ] && [ -n "$B_IP" ] && [ -f "$P_CFG" ] && [ -f "$B_CFG" ] || fail "cannot inspect plain and bare: $(cat "$T/plain.ids" "$T/bare.ids")"
mask_cmd() { # ID HOSTNAME CONFIG IP NAME: a sed script
	local ns layer
	ns=$(jq -r '.linux.namespaces[] | select(.type == "network") | .path // empty' "$3")
	layer=$(jq -r '.root.path' "$3")
	printf 's|%s|@ID@|g; s|%s|@HOSTNAME@|g; s|%s|@NETNS@|g; s|%s|@ROOT@|g; s|\\<%s\\>|@IP@|g; s|\\<%s\\>|@NAME@|g\n' \
		"$1" "$2" "$ns" "$layer" "${4//./\\.}" "$5"
}
P_MASK=$(mask_cmd "$P_ID" "$P_HN" "$P_CFG" "$P_IP" plain)
B_MASK=$(mask_cmd "$B_ID" "$B_HN" "$B_CFG" "$B_IP" bare)

# config.json as podman stored it
jq -e --arg h "$OCILINK_HOOK" --arg s "$T/state" '
	(.hooks | keys) == ["createRuntime","poststart"]
	and .hooks.createRuntime == [{"path":$h,"args":["ocilink-hook","--state-dir",$s,"createRuntime"],"env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"timeout":10}]
	and .hooks.poststart == [{"path":$h,"args":["ocilink-hook","--state-dir",$s,"poststart"],"env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"timeout":10}]' \
	"$P_CFG" >/dev/null || fail "plain's config.json hooks are not exactly ocilink's createRuntime and poststart: $(jq -c .hooks "$P_CFG")"
jq -e '(.hooks // {}) == {}' "$B_CFG" >/dev/null || fail "bare's config.json has hooks: $(jq -c .hooks "$B_CFG")"
ok "config.json hooks: plain has exactly ocilink's createRuntime and poststart entries, bare none"
# podman 4.3 itself lists mounts and variables in map order (it differs between two runs of the
# same command), so both are sorted before the comparison
norm_cfg() {
	jq -S 'del(.hooks) | .annotations["io.kubernetes.cri-o.Created"] = "@TIME@"
		| .mounts |= sort_by(.destination) | .process.env |= sort' "$1" | sed "$2"
}
norm_cfg "$P_CFG" "$P_MASK" >"$T/plain.config.json"
norm_cfg "$B_CFG" "$B_MASK" >"$T/bare.config.json"
expect_same_file "plain's config.json (minus hooks, masked) equals bare's" "$T/bare.config.json" "$T/plain.config.json"
! grep -q 'ocilink' "$T/plain.config.json" || fail "plain's config.json mentions ocilink outside .hooks"
ok "plain's config.json has no ocilink variable or annotation"

# podman inspect .Config.Env / .Config.Annotations
for c in plain bare; do
	pm_inspect "$c" '{{json .Config.Env}}' | jq -S 'sort' >"$T/$c.env.json"
	pm_inspect "$c" '{{json .Config.Annotations}}' | jq -S '.["io.kubernetes.cri-o.Created"] = "@TIME@"' >"$T/$c.ann.json"
done
sed -i "$P_MASK" "$T/plain.env.json" "$T/plain.ann.json"
sed -i "$B_MASK" "$T/bare.env.json" "$T/bare.ann.json"
expect_same_file "podman inspect .Config.Env: plain equals bare" "$T/bare.env.json" "$T/plain.env.json"
expect_same_file "podman inspect .Config.Annotations: plain equals bare" "$T/bare.ann.json" "$T/plain.ann.json"

# what the processes received, and their /etc/hosts
pm_container_env plain | sort | sed "$P_MASK" >"$T/plain.environ"
pm_container_env bare | sort | sed "$B_MASK" >"$T/bare.environ"
expect_same_file "the environment plain's process received equals bare's" "$T/bare.environ" "$T/plain.environ"
pm_hosts_seen plain "$T/plain.hosts"
pm_hosts_seen bare "$T/bare.hosts"
! grep -q 'ocilink' "$T/plain.hosts" || { cat -A "$T/plain.hosts" >&2; fail "plain's /etc/hosts has an ocilink block"; }
sed -i "$P_MASK" "$T/plain.hosts"
sed -i "$B_MASK" "$T/bare.hosts"
expect_same_file "plain's /etc/hosts equals bare's (no ocilink line)" "$T/bare.hosts" "$T/plain.hosts"

# registered, so linkable
rec=$(registry_record plain) || exit 1
jq -e --arg id "$P_ID" --arg ip "$P_IP" '.id == $id and .ipv4 == [$ip] and .status == "running" and .ports == [] and .links == []' \
	<<<"$rec" >/dev/null || fail "registry record of plain is not as expected: $rec"
[ -z "$(hook_list_json | jq -c --arg id "$B_ID" '.[] | select(.id == $id)')" ] || fail "bare (no hooks) is in the registry"
ok "registry: plain under its podman name at $P_IP, bare absent"
pm_recipient r-plain plain:p p
expect_pm_ok "a recipient linking plain:p"
expect_eq "P_* variables of a link to a container without annotations" "P_NAME=/r-plain/p" "$(grep '^P_' <<<"$PM_ENV")"
expect_ping p "$P_IP"

# 2. the cost
ms() { echo $((($2 - $1) / 1000000)); }
stats() { # a list of milliseconds -> "min A, median B, max C ms"
	sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
		printf "min %d, median %g, max %d ms (%d runs)", v[1], m, v[NR], NR }'
}
: >"$T/cost.none"
: >"$T/cost.hooks"
: >"$T/cost.link"
for ((i = 0; i < PM_COST_RUNS; i++)); do
	t0=$(date +%s%N)
	pm --hooks-dir "$PM_NOHOOKS" run --rm --network "$PM_NET" "$PM_IMAGE" true </dev/null >>"$T/logs/cost.log" 2>&1 ||
		fail "podman run --rm true without hooks failed: $(tail -n 3 "$T/logs/cost.log")"
	t1=$(date +%s%N)
	pm run --rm --network "$PM_NET" "$PM_IMAGE" true </dev/null >>"$T/logs/cost.log" 2>&1 ||
		fail "podman run --rm true with ocilink's hooks failed: $(tail -n 3 "$T/logs/cost.log")"
	t2=$(date +%s%N)
	pm run --rm --network "$PM_NET" --annotation io.ocilink.links=plain:p "$PM_IMAGE" true </dev/null >>"$T/logs/cost.log" 2>&1 ||
		fail "podman run --rm true with a link failed: $(tail -n 3 "$T/logs/cost.log")"
	t3=$(date +%s%N)
	ms "$t0" "$t1" >>"$T/cost.none"
	ms "$t1" "$t2" >>"$T/cost.hooks"
	ms "$t2" "$t3" >>"$T/cost.link"
done
note "cost of podman run --rm --network $PM_NET $PM_IMAGE true ($RUNTIME):"
note "  empty hooks dir:                $(stats <"$T/cost.none")"
note "  ocilink hooks, no annotation:   $(stats <"$T/cost.hooks")"
note "  ocilink hooks, one link plain:p $(stats <"$T/cost.link")"
[ -z "$(hook_list_json | jq -c '.[] | select(.name != "plain")')" ] || fail "the timed runs left records: $(hook_list_json)"
ok "the timed runs left no record behind"

pm_stop plain
rec=$(registry_record plain) || exit 1
[ -z "$rec" ] || fail "plain is still in the registry after podman stop: $rec"
ok "podman stop plain removed its record"
pass

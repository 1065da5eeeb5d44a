#!/bin/bash
# test-variants.sh: link shapes beyond the seed, each checked inside a real recipient
# (its /etc/hosts and its environment) and in its config.json:
#   a. two aliases for one source ("db:one; db:two")
#   b. a source with no ports: no *_PORT variables, only _NAME and _ENV_*; alias = name
#   c. a port range 7000-7002: Docker 28 range variables (_START/_PORT_START/_END/_PORT_END)
#   d. a source with a global IPv6: a second hosts line; variables stay IPv4
#   e. a recipient that sets EX_PORT=keepme itself: its value stays, the other EX_* come in
#   f. io.ocilink.env-export on sources: a list exports only the named variables, none exports none
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ns_rcp=$(net_add rcp 10.231.0.2) || exit 1

# new_source NAME IPV4 IPV6|"" EXPOSE|"" [ENV...]: detached source, hostname NAME-host
new_source() {
	local name=$1 ip4=$2 ip6=$3 expose=$4 ns d=$T/b/$1 e
	shift 4
	ns=$(net_add "$name" "$ip4" "$ip6") || exit 1
	mkbundle "$d" "$name-host" "$KEEPALIVE"
	bundle_netns "$d" "$ns"
	bundle_annotate "$d" io.ocilink.name "$name"
	[ -n "$expose" ] && bundle_annotate "$d" io.ocilink.expose "$expose"
	[ -n "${EXPORT:-}" ] && bundle_annotate "$d" io.ocilink.env-export "$EXPORT"
	for e; do bundle_env "$d" "$e"; done
	ocl_prepare "$d" 2>"$T/logs/prepare-$name.err" || fail "prepare of source $name failed: $(cat "$T/logs/prepare-$name.err")"
	start_detached "$name" "$d" || fail "source $name did not start: $(cat "$T/logs/$name.log")"
	expect_running "$name"
}

# recipient NAME LINKS [ENV...]: prepare and run a REPORT recipient; sets RUN_OUT etc.
recipient() {
	local name=$1 links=$2 d=$T/b/$1 e
	shift 2
	mkbundle "$d" "$name-host" "$REPORT"
	bundle_netns "$d" "$ns_rcp"
	bundle_annotate "$d" io.ocilink.name "$name"
	bundle_annotate "$d" io.ocilink.links "$links"
	for e; do bundle_env "$d" "$e"; done
	cp "$d/rootfs/etc/hosts" "$T/hosts-$name.orig"
	ocl_prepare "$d" 2>"$T/logs/prepare-$name.err" || fail "prepare of $name failed: $(cat "$T/logs/prepare-$name.err")"
	[ -z "$(dup_env_keys "$d")" ] || fail "$name: variables set twice in process.env: $(dup_env_keys "$d")"
	run_fg "$name" "$d"
	[ "$RUN_RC" = 0 ] || fail "$name failed (rc $RUN_RC): $RUN_ERR"
	report_hosts >"$T/hosts-$name.seen"
	expect_same_file "$name: /etc/hosts seen inside = rootfs etc/hosts" "$T/hosts-$name.seen" "$d/rootfs/etc/hosts"
}

# cfg_vars NAME ERE: the variables of $T/b/NAME/config.json matching ERE, in order
# env_vars ERE: those of the last recipient's environment (as printed inside it), sorted
cfg_vars() { config_env "$T/b/$1" | grep -E -- "$2"; }
env_vars() { report_env | grep -E -- "$1" | sort; }

new_source db 10.231.0.11 "" 5432
new_source worker 10.231.0.12 "" "" QUEUE=jobs
new_source api 10.231.0.13 "" 7000-7002
new_source v6 10.231.0.14 fd00:231::14 80
new_source example 10.231.0.15 "" "8080 80" "BOOK=Learning Docker" "CHAPTER=Orchestrating Containers"
EXPORT="BOOK; EDITION" new_source listed 10.231.0.16 "" "" "BOOK=Learning Docker" "PASSWORD=s3cret" "EDITION=2"
EXPORT=none new_source sealed 10.231.0.17 "" "" "PASSWORD=s3cret" "USER=app"

# a. two aliases for one source
recipient r-two "db:one; db:two"
exp=$(
	echo "ONE_PORT=tcp://10.231.0.11:5432"; port_group ONE 10.231.0.11 5432; echo "ONE_NAME=/r-two/one"
	echo "TWO_PORT=tcp://10.231.0.11:5432"; port_group TWO 10.231.0.11 5432; echo "TWO_NAME=/r-two/two"
)
expect_eq "a. ONE_/TWO_ variables in config.json" "$exp" "$(cfg_vars r-two '^(ONE|TWO)_')"
expect_eq "a. ONE_/TWO_ variables inside" "$(sort <<<"$exp")" "$(env_vars '^(ONE|TWO)_')"
expect_hosts_block "$T/hosts-r-two.seen" r-two "$T/hosts-r-two.orig" \
	"$(printf '10.231.0.11\tone db-host db\n10.231.0.11\ttwo db-host db')"

# b. no ports; the alias defaults to the name, so the name is left out of the hosts line
recipient r-noports worker
exp=$(printf 'WORKER_NAME=/r-noports/worker\nWORKER_ENV_QUEUE=jobs')
expect_eq "b. WORKER_ variables in config.json" "$exp" "$(cfg_vars r-noports '^WORKER_')"
expect_eq "b. WORKER_ variables inside" "$(sort <<<"$exp")" "$(env_vars '^WORKER_')"
expect_hosts_block "$T/hosts-r-noports.seen" r-noports "$T/hosts-r-noports.orig" \
	"$(printf '10.231.0.12\tworker worker-host')"

# c. a range (Docker 28: the four range variables follow the group of the run's last port)
recipient r-range api
exp=$(
	echo "API_PORT=tcp://10.231.0.13:7000"
	port_group API 10.231.0.13 7000; port_group API 10.231.0.13 7001; port_group API 10.231.0.13 7002
	echo "API_PORT_7000_TCP_START=tcp://10.231.0.13:7000"
	echo "API_PORT_7000_TCP_PORT_START=7000"
	echo "API_PORT_7000_TCP_END=tcp://10.231.0.13:7002"
	echo "API_PORT_7000_TCP_PORT_END=7002"
	echo "API_NAME=/r-range/api"
)
expect_eq "c. API_ variables in config.json" "$exp" "$(cfg_vars r-range '^API_')"
expect_eq "c. API_ variables inside" "$(sort <<<"$exp")" "$(env_vars '^API_')"
expect_hosts_block "$T/hosts-r-range.seen" r-range "$T/hosts-r-range.orig" "$(printf '10.231.0.13\tapi api-host')"

# d. global IPv6: second hosts line; the link-local fe80:: address of eth0 is not used anywhere
recipient r-six v6:six
exp=$(echo "SIX_PORT=tcp://10.231.0.14:80"; port_group SIX 10.231.0.14 80; echo "SIX_NAME=/r-six/six")
expect_eq "d. SIX_ variables in config.json" "$exp" "$(cfg_vars r-six '^SIX_')"
expect_eq "d. SIX_ variables inside" "$(sort <<<"$exp")" "$(env_vars '^SIX_')"
expect_hosts_block "$T/hosts-r-six.seen" r-six "$T/hosts-r-six.orig" \
	"$(printf '10.231.0.14\tsix v6-host v6\nfd00:231::14\tsix v6-host v6')"
rec=$(registry_record v6) || exit 1
jq -e '.ipv4 == ["10.231.0.14"] and (.ipv6 | index("fd00:231::14"))' <<<"$rec" >/dev/null ||
	fail "registry record of v6 lacks its addresses: $rec"
ok "d. registry: $(jq -c '{ipv4, ipv6}' <<<"$rec")"

# e. the recipient's own EX_PORT wins; every other EX_ variable is injected
recipient r-keep example:ex EX_PORT=keepme
exp=$(seed_env 10.231.0.15 r-keep | sed 's|^EX_PORT=.*|EX_PORT=keepme|')
expect_eq "e. EX_ variables in config.json (sorted)" "$(sort <<<"$exp")" "$(cfg_vars r-keep '^EX_' | sort)"
expect_eq "e. EX_ variables inside" "$(sort <<<"$exp")" "$(env_vars '^EX_')"
[ "$(cfg_vars r-keep '^EX_PORT=')" = EX_PORT=keepme ] || fail "e. EX_PORT is not exactly once keepme"
expect_hosts_block "$T/hosts-r-keep.seen" r-keep "$T/hosts-r-keep.orig" "$(printf '10.231.0.15\tex example-host example')"

# f. env-export: a list keeps only the named variables (in the source's order), none keeps none
recipient r-export "listed; sealed"
exp=$(printf 'LISTED_NAME=/r-export/listed\nLISTED_ENV_BOOK=Learning Docker\nLISTED_ENV_EDITION=2\nSEALED_NAME=/r-export/sealed')
expect_eq "f. LISTED_/SEALED_ variables in config.json" "$exp" "$(cfg_vars r-export '^(LISTED|SEALED)_')"
expect_eq "f. LISTED_/SEALED_ variables inside" "$(sort <<<"$exp")" "$(env_vars '^(LISTED|SEALED)_')"
matches "$(config_env "$T/b/r-export")" 's3cret' && fail "f. a withheld password reached the recipient's config"
ok "f. no withheld variable (PASSWORD, USER) reached the recipient"
pass

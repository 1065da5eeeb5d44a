#!/bin/sh
# peer-hook.sh: the hook a user would write without ocilink, in shell and jq, doing the same work
# for the benchmark (bench/run): Docker's link variables into a config (precreate), and hosts lines
# plus a registry record (createRuntime). It reads and writes ocilink's registry format, so both
# hooks see the same sources. It is not a product: no locking, no validation, no rollback.
#
#     peer-hook.sh STATE_DIR precreate       config.json on stdin, config.json on stdout
#     peer-hook.sh STATE_DIR createRuntime   OCI state on stdin
set -eu
state_dir=$1
stage=$2

# links_of CONFIG_FILE: "name alias" lines from io.ocilink.links ("name:alias; name2")
links_of() {
	jq -r '.annotations["io.ocilink.links"] // "" | split(";")[] | gsub("^\\s+|\\s+$"; "")
		| select(length > 0) | split(":") | "\(.[0]) \(.[1] // .[0])"' "$1"
}

# link_vars NAME ALIAS RECIPIENT: Docker's variables for one link, KEY=VALUE lines
link_vars() {
	jq -r --arg alias "$2" --arg rcp "$3" '
		($alias | ascii_upcase | gsub("-"; "_")) as $p | .ipv4[0] as $ip
		| (.ports | map(split("/") | {n: (.[0] | tonumber), proto: .[1]}) | sort_by(.n)) as $ports
		| "\($p)_NAME=/\($rcp)/\($alias)",
		  (if ($ports | length) > 0 then "\($p)_PORT=\($ports[0].proto)://\($ip):\($ports[0].n)" else empty end),
		  ($ports[] | "\($p)_PORT_\(.n)_\(.proto | ascii_upcase)" as $k
			| "\($k)=\(.proto)://\($ip):\(.n)", "\($k)_ADDR=\($ip)", "\($k)_PORT=\(.n)", "\($k)_PROTO=\(.proto)"),
		  (.env[] | "\($p)_ENV_\(.)")' "$state_dir/names/$1.json"
}

case $stage in
precreate)
	cfg=$(mktemp)
	vars=$(mktemp)
	trap 'rm -f "$cfg" "$vars"' EXIT
	cat >"$cfg"
	rcp=$(jq -r '.annotations["io.ocilink.name"]' "$cfg")
	links_of "$cfg" | while read -r name alias; do
		link_vars "$name" "$alias" "$rcp"
	done >"$vars"
	jq --rawfile v "$vars" '.process.env += ($v | split("\n") | map(select(length > 0)))' "$cfg"
	;;
createRuntime)
	state=$(cat)
	id=$(printf '%s' "$state" | jq -r .id)
	pid=$(printf '%s' "$state" | jq -r .pid)
	bundle=$(printf '%s' "$state" | jq -r .bundle)
	cfg=$bundle/config.json
	rcp=$(jq -r '.annotations["io.ocilink.name"]' "$cfg")
	hosts=$bundle/$(jq -r .root.path "$cfg")/etc/hosts
	lines=$(links_of "$cfg" | while read -r name alias; do
		jq -r --arg a "$alias" --arg n "$name" '"\(.ipv4[0])\t\($a) \($n) \(.hostname)"' \
			"$state_dir/names/$name.json"
	done)
	new=$(mktemp "$hosts.XXXXXX")
	sed "/^# ocilink begin $rcp\$/,/^# ocilink end $rcp\$/d" "$hosts" >"$new"
	printf '# ocilink begin %s\n%s\n# ocilink end %s\n' "$rcp" "$lines" "$rcp" >>"$new"
	cat "$new" >"$hosts"
	rm -f "$new"
	addr=$(nsenter --net="/proc/$pid/ns/net" ip -4 -o addr show scope global | awk '{print $4}' | cut -d/ -f1)
	rec=$(mktemp "$state_dir/tmp/peer.XXXXXX")
	jq -n --arg id "$id" --arg n "$rcp" --argjson pid "$pid" --arg b "$bundle" --arg a "$addr" \
		'{name: $n, id: $id, pid: $pid, bundle: $b, ipv4: [$a | select(length > 0)], ports: [], env: []}' >"$rec"
	mv "$rec" "$state_dir/names/$rcp.json"
	printf '%s' "$rcp" >"$state_dir/ids/$id"
	;;
*)
	echo "peer-hook.sh: unknown stage $stage" >&2
	exit 2
	;;
esac

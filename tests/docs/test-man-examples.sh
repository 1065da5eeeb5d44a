#!/bin/bash
# test-man-examples.sh: the examples of ocilink(7) are what the binary does. Each literal block
# of docs/man/ocilink.7.scd preceded by a comment line
#
#     ; test: CASE FLAVOR:KIND [FLAVOR:KIND]... [CASE FLAVOR:KIND...]
#
# is compared with the real output for that source setup (CASE: seed, db2, db3, built below) and
# recipient flavor. KIND env: the variables `prepare` injects, in order; env-no-ranges: the same
# as the block less its range variables; hosts: the link lines `createRuntime` writes; block: its
# whole marked block in the recipient's hosts file.
#
# The sources are registered by the real createRuntime stage with a live process (a sleep this
# test starts) and fixed addresses (io.ocilink.ip), so no runtime or network is needed.
#
#   OCILINK_HOOK  the built binary;  OCILINK_SRC  the source tree
set -u -o pipefail
: "${OCILINK_HOOK:?}" "${OCILINK_SRC:?}"
H=$OCILINK_HOOK
PAGE=$OCILINK_SRC/docs/man/ocilink.7.scd
T=$(mktemp -d /tmp/ocilink-manex.XXXXXX)
SLEEP_PID=
cleanup() {
	[ -n "$SLEEP_PID" ] && kill "$SLEEP_PID" 2>/dev/null && wait "$SLEEP_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
unset OCILINK_STATE_DIR
STATE=$T/state
failures=0
checks=0

ok() { checks=$((checks + 1)); printf 'ok - %s\n' "$*"; }
bad() { checks=$((checks + 1)); failures=$((failures + 1)); printf 'not ok - %s\n' "$*"; }
die() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

sleep 600 &
SLEEP_PID=$!

hook() { "$H" --state-dir "$STATE" "$@"; }

# state ID BUNDLE: the OCI state a runtime gives the createRuntime stage
state() { printf '{"ociVersion":"1.0.2","id":"%s","status":"creating","pid":%d,"bundle":"%s"}' "$1" "$SLEEP_PID" "$2"; }

# bundle DIR HOSTNAME ENV_JSON ANNOTATIONS_JSON
bundle() {
	mkdir -p "$1/rootfs/etc"
	printf '127.0.0.1\tlocalhost\n' >"$1/rootfs/etc/hosts"
	jq -n --arg h "$2" --argjson env "$3" --argjson ann "$4" \
		'{ociVersion: "1.0.2", root: {path: "rootfs"}, hostname: $h,
		  process: {args: ["sh"], cwd: "/", env: $env}, annotations: $ann}' >"$1/config.json"
}

# source ID NAME HOSTNAME IP EXPOSE ENV_JSON: registers a source
source_up() {
	local d=$T/src-$1
	bundle "$d" "$3" "$6" "$(jq -n --arg n "$2" --arg ip "$4" --arg e "$5" \
		'{"io.ocilink.name": $n, "io.ocilink.ip": $ip, "io.ocilink.expose": $e}')"
	state "$1" "$d" | hook createRuntime || die "createRuntime of source $2 failed"
}
source_down() { state "$1" "$T/src-$1" | hook poststop || die "poststop of $1 failed"; }

# recipient FLAVOR LINKS: prepares and starts (createRuntime) a recipient; leaves its bundle in $R
recipient() {
	R=$T/rcp-$1-$RANDOM
	bundle "$R" recipient '["PATH=/bin"]' "$(jq -n --arg f "$1" --arg l "$2" \
		'{"io.ocilink.name": "recipient", "io.ocilink.flavor": $f, "io.ocilink.links": $l}')"
	hook prepare -b "$R" || die "prepare ($1) failed"
	state "rcp-$1" "$R" | hook createRuntime || die "createRuntime of the recipient ($1) failed"
	state "rcp-$1" "$R" | hook poststop || die "poststop of the recipient ($1) failed"
}

# actual KIND: what the recipient in $R got
actual() {
	case "$1" in
	env | env-no-ranges)
		jq -r '(.annotations["io.ocilink.injected-env"] | split("\n")) as $k
			| .process.env[] | select((split("=")[0]) as $key | $k | index($key))' "$R/config.json" ;;
	block) sed -n '/^# ocilink begin /,/^# ocilink end /p' "$R/rootfs/etc/hosts" ;;
	hosts) sed -n '/^# ocilink begin /,/^# ocilink end /p' "$R/rootfs/etc/hosts" | sed '1d;$d' ;;
	*) die "unknown kind $1" ;;
	esac
}

# expected KIND BLOCK
expected() {
	case "$1" in
	env-no-ranges) grep -vE '_(START|PORT_START|END|PORT_END)=' <<<"$2" ;;
	*) printf '%s\n' "$2" ;;
	esac
}

case_up() {
	case "$1" in
	seed) source_up ex0123456789abcdef example example 10.232.0.2 "8080 80" \
		'["PATH=/bin","BOOK=Learning Docker","CHAPTER=Orchestrating Containers"]'; LINKS=example:ex ;;
	db2) source_up db0123456789abcdef db db 10.232.0.3 "5432 7000-7001/udp" '["PATH=/bin","PGUSER=app"]'; LINKS=db ;;
	db3) source_up db0123456789abcdef db db 10.232.0.3 "5432 7000-7002/udp" '["PATH=/bin","PGUSER=app"]'; LINKS=db ;;
	*) die "unknown case $1" ;;
	esac
}
case_down() {
	case "$1" in
	seed) source_down ex0123456789abcdef ;;
	db2 | db3) source_down db0123456789abcdef ;;
	esac
}

# The marked blocks of the page: "SPEC<TAB>LINE-OF-BLOCK" per line, blocks separated by "--".
mapfile -t specs < <(grep -E '^; test: ' "$PAGE" | sed 's/^; test: //')
[ ${#specs[@]} -ge 4 ] || die "found ${#specs[@]} '; test:' blocks in $PAGE"
block_after() { # N: the literal block after the Nth marker
	awk -v n="$1" '/^; test: /{k++; next} k==n && /^```/{if (inb) exit; inb=1; next} k==n && inb' "$PAGE"
}

for i in "${!specs[@]}"; do
	blk=$(block_after $((i + 1)))
	[ -n "$blk" ] || { bad "no literal block after '; test: ${specs[$i]}'"; continue; }
	cur=
	for w in ${specs[$i]}; do
		case "$w" in
		*:*)
			[ -n "$cur" ] || die "'${specs[$i]}': FLAVOR:KIND before a CASE"
			flavor=${w%%:*} kind=${w#*:}
			recipient "$flavor" "$LINKS"
			exp=$(expected "$kind" "$blk")
			act=$(actual "$kind")
			if [ "$act" = "$exp" ]; then
				ok "ocilink(7) example '$cur $flavor:$kind' ($(wc -l <<<"$exp") lines) is what the hook does"
			else
				bad "ocilink(7) example '$cur $flavor:$kind' differs from the hook's output:"
				diff <(printf '%s\n' "$exp") <(printf '%s\n' "$act") | cat -A | sed 's/^/#   /'
			fi
			;;
		*)
			[ -z "$cur" ] || case_down "$cur"
			cur=$w
			case_up "$cur"
			;;
		esac
	done
	case_down "$cur"
done

# Nothing is left behind in the registry: every record was removed by poststop.
left=$(find "$STATE/names" "$STATE/ids" -type f 2>/dev/null)
[ -z "$left" ] || bad "registry files left: $left"

printf '%d passed, %d failed\n' $((checks - failures)) "$failures"
[ "$failures" = 0 ]

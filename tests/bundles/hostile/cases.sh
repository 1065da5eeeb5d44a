# shellcheck shell=bash disable=SC2034,SC2016
# (SC2034: the metadata is read by the test that sources this; SC2016: jq programs and
# backquoted messages are meant literally)
# cases.sh: ocilink's hostile set. Sourced by tests/integration/test-hostile-set.sh (see README.md
# in this folder for what each case attacks and what must happen).
#
# FIFOs, device nodes and 100 MiB files cannot live in git, so every case is a function that
# builds itself into a bundle at test time:
#
#     hc_build CASE DIR     apply CASE to the bundle DIR (DIR/config.json, DIR/rootfs)
#
# DIR must be a recipient bundle made the usual way (tests/integration/lib.sh mkbundle) that
# links "$HC_SOURCE:ex" (io.ocilink.links) under its own io.ocilink.name, already prepared while
# still regular. The state cases write the hostile OCI state to DIR/state.json (outside the
# rootfs); every other case edits DIR in place.
#
# Metadata of each case (associative arrays, keyed by case name, listed in HOSTILE_CASES):
#   HC_KIND    rootfs  the rootfs is hostile: createRuntime and a real run matter
#              ann     an io.ocilink.* annotation is hostile: every entry point reading it
#              config  config.json itself is hostile JSON: every entry point reading it
#              state   the OCI state on stdin is hostile: the stages
#   HC_EXPECT  refuse  exit 1, one line "ocilink-hook: <container>: <reason>"
#              handle  exit 0 and the right result
#   HC_REASON  an ERE (case-insensitive) the refusal message must match
#   HC_HOSTS   handled cases: the file (relative to the rootfs) that createRuntime writes the
#              link lines into; HC_WRITES: every rootfs path a handled createRuntime may create or
#              change (the hosts file and, for a missing etc/, the directory)
#   HC_DESC    one line: what it attacks
# Environment: HC_SOURCE, the name of a running source the handled cases link to (default example).

: "${HC_SOURCE:=example}"
HOSTILE_CASES=()
declare -A HC_KIND=() HC_EXPECT=() HC_REASON=() HC_HOSTS=() HC_WRITES=() HC_DESC=()

# hc_def NAME KIND EXPECT REASON_ERE HOSTS_FILE WRITES DESCRIPTION
hc_def() {
	HOSTILE_CASES+=("$1")
	HC_KIND[$1]=$2 HC_EXPECT[$1]=$3 HC_REASON[$1]=$4 HC_HOSTS[$1]=$5 HC_WRITES[$1]=$6 HC_DESC[$1]=$7
}

HC_CAP_HOSTS=1048576     # 1 MiB hosts file
HC_CAP_JSON=4194304      # 4 MiB config or state
HC_CAP_DEPTH=64          # JSON nesting
HC_CAP_LINKS=256

# --- rootfs
hc_def hosts-chardev rootfs refuse 'not a regular file' '' '' \
	'etc/hosts is a character device (mknod c 1 3): opening it for I/O would have side effects'
hc_def hosts-dir rootfs refuse 'not a regular file' '' '' \
	'etc/hosts is a directory'
hc_def hosts-100mib rootfs refuse "larger than $HC_CAP_HOSTS bytes" '' '' \
	'etc/hosts is a 100 MiB (sparse) file: the hook must not read it, nor take long'
hc_def hosts-cap-plus-1 rootfs refuse "larger than $HC_CAP_HOSTS bytes" '' '' \
	'etc/hosts is 1 MiB + 1 byte: one over the cap'
hc_def etc-missing rootfs handle '' etc/hosts 'etc etc/hosts' \
	'the rootfs has no etc/: the hook creates etc/ and etc/hosts inside the rootfs, nothing outside'
hc_def etc-symlink-abs rootfs handle '' usr/local/etc/hosts usr/local/etc/hosts \
	'etc -> /usr/local/etc, a directory inside the rootfs (the host has a /usr/local/etc too): resolved inside'
hc_def etc-symlink-rel rootfs handle '' srv/ocl-etc/hosts srv/ocl-etc/hosts \
	'etc -> ../../(x24)/srv/ocl-etc: climbs out of the rootfs if followed naively; resolved inside'

# --- annotations (every entry point: createRuntime, prepare -b, precreate, explain -b)
hc_def links-newline ann refuse 'control character.*\\x0a' '' '' \
	'io.ocilink.links "ex:ex\n10.0.0.66 db": a newline would add a hosts record (DNS spoofing)'
hc_def links-cr ann refuse 'control character.*\\x0d' '' '' \
	'io.ocilink.links "ex:ex\r10.0.0.66 db": a carriage return'
hc_def links-tab ann handle '' etc/hosts etc/hosts \
	"io.ocilink.links \"$HC_SOURCE:ex<TAB>$HC_SOURCE:db\": a tab is a list separator, two links"
hc_def links-hash ann refuse 'bad alias.*ex#db' '' '' \
	"io.ocilink.links \"$HC_SOURCE:ex#db\": '#' would comment out the rest of the hosts record"
hc_def links-utf8 ann refuse 'bad alias.*\\xc3\\xa9' '' '' \
	"io.ocilink.links \"$HC_SOURCE:\xc3\xa9x\" (non-ASCII alias): refused, shown as \\xNN"
hc_def links-1mib ann refuse 'bad link' '' '' \
	'io.ocilink.links is 1 MiB of "a": one huge item; the message quotes at most 128 bytes'
hc_def links-10000 ann refuse "10000 links.*at most $HC_CAP_LINKS" '' '' \
	'io.ocilink.links with 10,000 links'
hc_def links-257 ann refuse "257 links.*at most $HC_CAP_LINKS" '' '' \
	'io.ocilink.links with 257 links: one over the cap'
hc_def links-256 ann handle '' etc/hosts etc/hosts \
	'io.ocilink.links with 256 links (aliases a1..a256 of the source): at the cap, accepted'

# --- config.json as hostile JSON
hc_def name-nul config refuse 'NUL' '' '' \
	'io.ocilink.name "name\u0000evil" in config.json: NUL refused at the JSON level'
hc_def config-depth-64 config handle '' etc/hosts etc/hosts \
	'config.json nested 64 levels deep (the document itself is level 1): at the cap, accepted'
hc_def config-depth-65 config refuse "nesting deeper than $HC_CAP_DEPTH" '' '' \
	'config.json nested 65 levels deep: one over the cap'
hc_def config-depth-10000 config refuse "nesting deeper than $HC_CAP_DEPTH" '' '' \
	'config.json nested 10,000 levels deep: refused, no stack exhaustion'
hc_def config-4mib config refuse "larger than $HC_CAP_JSON bytes" '' '' \
	'config.json of 4 MiB + 1 KiB'
hc_def config-dup-key config refuse 'duplicate key `io\.ocilink\.name`' '' '' \
	'config.json with io.ocilink.name twice in annotations (a parser taking the first and one taking the last would disagree)'

# --- the OCI state on stdin (createRuntime, poststart, poststop)
hc_def state-not-json state refuse 'bad OCI state.*JSON' '' '' \
	'the state on stdin is not JSON (text with control and non-ASCII bytes)'
hc_def state-dup-id state refuse 'duplicate key `id`' '' '' \
	'the state has "id" twice'
hc_def state-depth-10000 state refuse "nesting deeper than $HC_CAP_DEPTH" '' '' \
	'the state nested 10,000 levels deep'

# ---------------------------------------------------------------------------------------------
# helpers

# hc_jq FILE JQ-ARGS...: rewrite a JSON file with jq
hc_jq() {
	local f=$1
	shift
	jq "$@" "$f" >"$f.hc-new" && mv "$f.hc-new" "$f"
}

# hc_nest N OPEN CLOSE INNER: INNER wrapped in N levels of OPEN ... CLOSE
hc_nest() {
	local n=$1 i
	for ((i = 0; i < n; i++)); do printf '%s' "$2"; done
	printf '%s' "$4"
	for ((i = 0; i < n; i++)); do printf '%s' "$3"; done
}

# hc_deep_config DIR LEVELS: add "x-ocilink-deep" so that the document is LEVELS deep (the
# top-level object is level 1). runc, crun and the OCI spec ignore unknown top-level keys.
hc_deep_config() {
	local n=$(($2 - 1)) f=$1/config.json
	# jq 1.6 refuses to parse beyond 256 levels: splice the text in after the opening brace
	{ printf '{"x-ocilink-deep": '; hc_nest "$n" '[' ']' ''; printf ',\n'; tail -c +2 "$f"; } >"$f.hc-new" &&
		mv "$f.hc-new" "$f"
}

# hc_links_list N PREFIX: "SOURCE:PREFIX1 SOURCE:PREFIX2 ... SOURCE:PREFIXN"
hc_links_list() {
	local i sep=
	for ((i = 1; i <= $1; i++)); do
		printf '%s%s:%s%d' "$sep" "$HC_SOURCE" "$2" "$i"
		sep=' '
	done
}

# hc_build CASE DIR
hc_build() {
	local f="hc_case_${1//-/_}"
	declare -F "$f" >/dev/null || { echo "hc_build: no case $1" >&2; return 1; }
	"$f" "$2"
}

# ---------------------------------------------------------------------------------------------
# the cases: each takes the bundle DIR

hc_case_hosts_chardev() { rm -f "$1/rootfs/etc/hosts" && mknod -m 0644 "$1/rootfs/etc/hosts" c 1 3; }
hc_case_hosts_dir() { rm -f "$1/rootfs/etc/hosts" && mkdir "$1/rootfs/etc/hosts"; }
hc_case_hosts_100mib() { truncate -s 100M "$1/rootfs/etc/hosts"; }
hc_case_hosts_cap_plus_1() { truncate -s $((HC_CAP_HOSTS + 1)) "$1/rootfs/etc/hosts"; }
hc_case_etc_missing() { rm -rf "$1/rootfs/etc"; }
hc_case_etc_symlink_abs() {
	mkdir -p "$1/rootfs/usr/local" && mv "$1/rootfs/etc" "$1/rootfs/usr/local/etc" &&
		ln -s /usr/local/etc "$1/rootfs/etc"
}
hc_case_etc_symlink_rel() {
	local up
	up=$(printf '../%.0s' $(seq 1 24))
	mkdir -p "$1/rootfs/srv" && mv "$1/rootfs/etc" "$1/rootfs/srv/ocl-etc" &&
		ln -s "${up}srv/ocl-etc" "$1/rootfs/etc"
}

hc_case_links_newline() { hc_jq "$1/config.json" '.annotations["io.ocilink.links"] = "ex:ex\n10.0.0.66 db"'; }
hc_case_links_cr() { hc_jq "$1/config.json" '.annotations["io.ocilink.links"] = "ex:ex\r10.0.0.66 db"'; }
hc_case_links_tab() {
	hc_jq "$1/config.json" --arg s "$HC_SOURCE" '.annotations["io.ocilink.links"] = "\($s):ex\t\($s):db"'
}
hc_case_links_hash() { hc_jq "$1/config.json" --arg s "$HC_SOURCE" '.annotations["io.ocilink.links"] = "\($s):ex#db"'; }
hc_case_links_utf8() {
	hc_jq "$1/config.json" --arg v "$HC_SOURCE:$(printf '\xc3\xa9x')" '.annotations["io.ocilink.links"] = $v'
}
hc_case_links_1mib() {
	head -c 1048576 /dev/zero | tr '\0' a >"$1/links-1mib.txt" &&
		hc_jq "$1/config.json" --rawfile v "$1/links-1mib.txt" '.annotations["io.ocilink.links"] = $v' &&
		rm -f "$1/links-1mib.txt"
}
# hc_set_links DIR N: io.ocilink.links = N links "SOURCE:a1 ... SOURCE:aN" (through a file: 10,000
# links are longer than one command-line argument may be)
hc_set_links() {
	hc_links_list "$2" a >"$1/links.txt" &&
		hc_jq "$1/config.json" --rawfile v "$1/links.txt" '.annotations["io.ocilink.links"] = $v' && rm -f "$1/links.txt"
}
hc_case_links_10000() { hc_set_links "$1" 10000; }
hc_case_links_257() { hc_set_links "$1" 257; }
hc_case_links_256() { hc_set_links "$1" 256; }

hc_case_name_nul() { hc_jq "$1/config.json" '.annotations["io.ocilink.name"] = "name\u0000evil"'; }
hc_case_config_depth_64() { hc_deep_config "$1" 64; }
hc_case_config_depth_65() { hc_deep_config "$1" 65; }
hc_case_config_depth_10000() { hc_deep_config "$1" 10000; }
hc_case_config_4mib() {
	head -c $((HC_CAP_JSON + 1024)) /dev/zero | tr '\0' x >"$1/pad.txt" &&
		hc_jq "$1/config.json" --rawfile v "$1/pad.txt" '.["x-ocilink-pad"] = $v' && rm -f "$1/pad.txt"
}
hc_case_config_dup_key() {
	# jq keeps one of two equal keys: add the second one as text, first in the object
	local f=$1/config.json
	[ "$(grep -c '"annotations": *{' "$f")" = 1 ] ||
		{ echo "hc_case_config_dup_key: not one annotations object in $f" >&2; return 1; }
	sed -i 's/"annotations": *{/"annotations": { "io.ocilink.name": "evil-twin",/' "$f"
}

# the state cases: DIR/state.json (a well-formed state for DIR would hold id, pid, bundle)
hc_case_state_not_json() { printf 'this is not JSON \x01\x1b[31m\xff {"id": "x"\n' >"$1/state.json"; }
hc_case_state_dup_id() {
	printf '{"ociVersion": "1.0.2", "id": "%s", "id": "evil-twin", "status": "creating", "pid": 0, "bundle": "%s"}\n' \
		"$(basename "$1")" "$1" >"$1/state.json"
}
hc_case_state_depth_10000() {
	{
		printf '{"ociVersion": "1.0.2", "id": "%s", "status": "creating", "pid": 0, "bundle": "%s", "x": ' \
			"$(basename "$1")" "$1"
		hc_nest 9999 '[' ']' ''
		printf '}\n'
	} >"$1/state.json"
}

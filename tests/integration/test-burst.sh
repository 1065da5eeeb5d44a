#!/bin/bash
# test-burst.sh: many containers at once never lose or corrupt a registry record or a hosts line.
#   1. 25 sources s01..s25 (each in its own namespace with its own IPv4, exposing one port) are
#      prepared one by one and started all at once (`run -d` in background jobs).
#   2. 25 recipients r01..r25 (detached sleepers, each in its own namespace) link to two sources
#      each (rNN -> sNN:aNN and s(NN+1):bNN); they are prepared after the sources registered and
#      started all at once.
#   3. `list --json` holds exactly the 50 containers, all running, with their ids, pids, addresses,
#      ports and links; every recipient's hosts file holds its two lines once each (padding lines
#      aside) and every byte outside the block is as before; no source's hosts file gained a line;
#      names/ holds 50 records, ids/ 50 entries, tmp/ is empty.
#   4. all 25 sources are deleted at once, moved to new addresses and started at once while the
#      recipients run (two poststart hooks rewrite each recipient's file at the same time): the
#      checks of 3 hold again with the new addresses.
#   5. all 50 are deleted at once (`delete -f` in background jobs): the registry is empty (only
#      lock and the empty names/, ids/, tmp/ remain).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=25
SECONDS=0
st=$T/state
nn() { printf '%02d' "$1"; }
SRC_BASE=10
src_ip() { printf '10.231.0.%d' $((SRC_BASE + $1)); }
rcp_ip() { printf '10.231.0.%d' $((100 + $1)); }
nxt() { echo $(($1 % N + 1)); }

# block_links FILE NAME: the block's lines without the padding lines (only "#" and spaces, or empty)
block_links() { hosts_block "$1" "$2" | grep -Ev '^(#[ ]*)?$'; }

# run_all CMD NAME...: CMD NAME for every NAME at once, in background jobs; fails the test
# (after every job ended) naming those that failed
run_all() {
	local cmd=$1 n pids=() names=() i bad=""
	shift
	for n; do
		$cmd "$n" &
		pids+=($!)
		names+=("$n")
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || bad="$bad ${names[$i]}"
	done
	[ -z "$bad" ] || fail "$cmd failed for:$bad ($(for n in $bad; do tail -n 2 "$T/logs/$n.log"; done | head -c 1500))"
}
start_one() { start_detached "$1" "$T/b/$1"; }
delete_one() { rt delete -f "$1" </dev/null >>"$T/logs/$1.log" 2>&1; }

srcs=() rcps=()
for i in $(seq 1 $N); do
	s=s$(nn "$i")
	srcs+=("$s")
	ns=$(net_add "$s" "$(src_ip "$i")") || exit 1
	mkbundle "$T/b/$s" "$s-host" "$KEEPALIVE"
	bundle_netns "$T/b/$s" "$ns"
	bundle_annotate "$T/b/$s" io.ocilink.name "$s"
	bundle_annotate "$T/b/$s" io.ocilink.expose "$((8000 + i))"
	cp "$T/b/$s/rootfs/etc/hosts" "$T/hosts.$s.orig"
	ocl_prepare "$T/b/$s" 2>"$T/logs/prepare-$s.err" || fail "prepare of $s failed: $(cat "$T/logs/prepare-$s.err")"
done
note "$N sources prepared (${SECONDS}s)"
t0=$SECONDS
run_all start_one "${srcs[@]}"
ok "$N sources started at once ($((SECONDS - t0))s)"
rec=$(hook_list_json) || exit 1
[ "$(jq 'length' <<<"$rec")" = $N ] || fail "expected $N records after the sources started, got: $(jq -c 'map(.name)' <<<"$rec")"

for i in $(seq 1 $N); do
	r=r$(nn "$i") j=$(nxt "$i")
	rcps+=("$r")
	ns=$(net_add "$r" "$(rcp_ip "$i")") || exit 1
	mkbundle "$T/b/$r" "$r-host" "$KEEPALIVE"
	bundle_netns "$T/b/$r" "$ns"
	bundle_annotate "$T/b/$r" io.ocilink.name "$r"
	bundle_annotate "$T/b/$r" io.ocilink.links "s$(nn "$i"):a$(nn "$i"); s$(nn "$j"):b$(nn "$i")"
	# look-alike lines that are not ocilink's
	printf '10.231.9.%d\ta%s.local\n# a comment\n\n10.231.9.9\tb%s-other\n' "$i" "$(nn "$i")" "$(nn "$i")" >>"$T/b/$r/rootfs/etc/hosts"
	cp "$T/b/$r/rootfs/etc/hosts" "$T/hosts.$r.orig"
	ocl_prepare "$T/b/$r" 2>"$T/logs/prepare-$r.err" || fail "prepare of $r failed: $(cat "$T/logs/prepare-$r.err")"
done
note "$N recipients prepared (${SECONDS}s)"
t0=$SECONDS
run_all start_one "${rcps[@]}"
ok "$N recipients started at once ($((SECONDS - t0))s)"

verify() {
	# --- the registry as list --json shows it
	local exp act i s r j f n t
	exp=""
	for i in $(seq 1 $N); do
		s=s$(nn "$i") r=r$(nn "$i") j=$(nxt "$i")
		exp+="$s $s running $(ctr_pid "$s") $(src_ip "$i") $((8000 + i))/tcp -"$'\n'
		exp+="$r $r running $(ctr_pid "$r") $(rcp_ip "$i") - s$(nn "$i"):a$(nn "$i"),s$(nn "$j"):b$(nn "$i")"$'\n'
	done
	exp=$(sort <<<"${exp%$'\n'}")
	rec=$(hook_list_json) || exit 1
	act=$(jq -r '.[] | [.name, .id, .status, (.pid | tostring), (.ipv4 | join(",")),
		(if .ports == [] then "-" else .ports | join(",") end),
		(if .links == [] then "-" else .links | join(",") end)] | join(" ")' <<<"$rec" | sort)
	expect_eq "$1: list --json: the 50 containers (name id status pid ipv4 ports links)" "$exp" "$act"

	# --- hosts files
	for i in $(seq 1 $N); do
		r=r$(nn "$i") j=$(nxt "$i")
		f=$T/b/$r/rootfs/etc/hosts
		[ "$(grep -cxF "# ocilink begin $r" "$f")" = 1 ] && [ "$(grep -cxF "# ocilink end $r" "$f")" = 1 ] ||
			{ cat -A "$f" >&2; fail "$r: expected one ocilink block in its hosts file"; }
		exp=$(printf '%s\ta%s s%s-host s%s\n%s\tb%s s%s-host s%s' \
			"$(src_ip "$i")" "$(nn "$i")" "$(nn "$i")" "$(nn "$i")" "$(src_ip "$j")" "$(nn "$i")" "$(nn "$j")" "$(nn "$j")")
		act=$(block_links "$f" "$r")
		[ "$exp" = "$act" ] || expect_eq "link lines of $r" "$exp" "$act"
		hosts_outside "$f" "$r" >"$T/outside.$r"
		cmp -s "$T/hosts.$r.orig" "$T/outside.$r" ||
			{ diff "$T/hosts.$r.orig" "$T/outside.$r" | cat -A >&2; fail "$r: bytes outside the ocilink block changed"; }
		s=s$(nn "$i")
		f=$T/b/$s/rootfs/etc/hosts
		cmp -s "$T/hosts.$s.orig" "$f" || {
			# a source has no links: at most an empty (padding-only) block of its own may be there
			hosts_outside "$f" "$s" >"$T/outside.$s"
			[ -z "$(block_links "$f" "$s")" ] && cmp -s "$T/hosts.$s.orig" "$T/outside.$s" ||
				{ cat -A "$f" >&2; fail "$s (a source without links): its hosts file changed"; }
		}
	done
	ok "$1: every recipient's hosts file holds its 2 link lines once each, nothing else changed; sources' files unchanged"
	t=$(rt exec r07 cat /etc/hosts 2>"$T/logs/exec.err") || fail "exec r07 failed: $(cat "$T/logs/exec.err")"
	[ "$t" = "$(cat "$T/b/r07/rootfs/etc/hosts")" ] || fail "r07 sees another hosts file than its rootfs holds"
	ok "r07 sees that file"

	# --- the state directory
	# the state directory ($st)
	expect_eq "names/" "$(for n in "${srcs[@]}" "${rcps[@]}"; do echo "$n.json"; done | sort)" "$(ls -A "$st/names" | sort)"
	expect_eq "ids/" "$(printf '%s\n' "${srcs[@]}" "${rcps[@]}" | sort)" "$(ls -A "$st/ids" | sort)"
	for n in "${srcs[@]}" "${rcps[@]}"; do
		[ "$(cat "$st/ids/$n")" = "$n" ] || fail "ids/$n holds '$(cat "$st/ids/$n")', not the name $n"
		jq -e --arg n "$n" '.name == $n and .id == $n' "$st/names/$n.json" >/dev/null || fail "names/$n.json is not $n's record: $(head -c 300 "$st/names/$n.json")"
	done
	ok "ids/ map every id to its name, every record is whole"
	expect_eq "tmp/ (empty)" "" "$(ls -A "$st/tmp")"
}
verify "all started"

# --- every source restarted at once at a new address while the recipients run: each recipient's
# file is rewritten by two sources' poststart hooks at the same time
t0=$SECONDS
run_all delete_one "${srcs[@]}"
SRC_BASE=150
for i in $(seq 1 $N); do
	ns=ocl-s$(nn "$i")-$OCL_ID
	ip -n "$ns" addr flush dev eth0 && ip -n "$ns" addr add "$(src_ip "$i")/24" dev eth0 &&
		ip -n "$ns" route replace default via 10.231.0.1 || fail "re-addressing $ns failed"
done
run_all start_one "${srcs[@]}"
ok "$N sources restarted at once at new addresses ($((SECONDS - t0))s)"
verify "sources restarted"

# --- delete all at once
t0=$SECONDS
run_all delete_one "${srcs[@]}" "${rcps[@]}"
ok "50 containers deleted at once ($((SECONDS - t0))s)"
expect_eq "containers left in the runtime" "" "$(rt list -q)"
expect_eq "list --json after the deletes" "[]" "$(hook_list_json | jq -c .)"
expect_eq "the state directory after the deletes" "$(printf 'ids\nlinks\nlinks/.complete\nlock\nnames\ntmp')" \
	"$(cd "$st" && find . -mindepth 1 | sed 's|^\./||' | sort)"
pass "$((N * 2)) containers (${SECONDS}s)"

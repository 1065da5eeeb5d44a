#!/bin/bash
# test-podman-errors.sh: podman links that cannot be made, and the name override.
#   1. a link to a container that does not exist;
#   2. a link to a container that is stopped (`podman stop`, not removed; the same link worked
#      while it ran);
#   each: `podman run` exits non-zero, its output carries the hook's line
#   "ocilink-hook: <recipient>: ..." naming the link and the source and saying why (not found /
#   not running), the recipient's process never runs, no container and no record is left;
#   3. `--annotation io.ocilink.name=db` on a source (podman name database-server) makes it
#      linkable as db and no longer under its podman name; io.ocilink.name=web on a recipient
#      names it in DBALIAS_NAME and in its hosts block.
. "$(dirname "${BASH_SOURCE[0]}")/podman-lib.sh"

# expect_link_failure RECIPIENT LINK SOURCE REASON_ERE: the last pm_recipient run failed as the
# contract says
expect_link_failure() {
	local r=$1 link=$2 src=$3 reason=$4 msg
	[ "$PM_RC" != 0 ] || fail "podman run of $r succeeded though its link $link cannot be made: $PM_ALL"
	matches "$PM_ALL" '@@ocilink-test-env@@' && fail "the process of $r ran though its link $link cannot be made: $PM_ALL"
	msg=$(grep -o "ocilink-hook: $r: .*" <<<"$PM_ALL" | head -n 1)
	[ -n "$msg" ] || fail "podman's output (rc $PM_RC) does not carry the hook's line 'ocilink-hook: $r: ...': $PM_ALL"
	grep -Fq -- "$link" <<<"$msg" || fail "the message does not name the link $link: $msg"
	grep -Fq -- "\`$src\`" <<<"$msg" || grep -Eq -- "source '?$src'?" <<<"$msg" ||
		fail "the message does not name the source $src: $msg"
	grep -Eiq -- "$reason" <<<"$msg" || fail "the message does not say why (/$reason/): $msg"
	ok "podman run of $r failed (rc $PM_RC): $(grep -F "ocilink-hook: $r: " <<<"$PM_ALL" | head -n 1)"
	! pm_exists "$r" || fail "a container $r is left after its failed run"
	local rec
	rec=$(registry_record "$r") || exit 1
	[ -z "$rec" ] || fail "the failed recipient $r is in the registry: $rec"
	ok "no container and no registry record left for $r"
}

# 1. no such container
pm_recipient r-missing example:ex ex
expect_link_failure r-missing example:ex example 'not found'

# 2. a stopped container: the link works while it runs, fails once it is stopped
pm_source example
SRC_IP=$(pm_ip example) || exit 1
pm_recipient r-before example:ex ""
expect_pm_ok "link to the running example"
expect_eq "EX_PORT while example runs" "EX_PORT=tcp://$SRC_IP:80" "$(grep '^EX_PORT=' <<<"$PM_ENV")"
pm_stop example
pm_exists example || fail "podman stop removed example"
note "example is $(pm_state example), not removed"
pm_recipient r-stopped example:ex ex
expect_link_failure r-stopped example:ex example 'not running|stopped|not found'

# 3. name overrides
pm_source database-server --annotation io.ocilink.name=db
DB_IP=$(pm_ip database-server) || exit 1
DB_HN=$(pm_hostname database-server) || exit 1
rec=$(registry_record db) || exit 1
jq -e --arg id "$(pm_id database-server)" --arg ip "$DB_IP" '.id == $id and .ipv4 == [$ip] and .status == "running"' <<<"$rec" >/dev/null ||
	fail "registry record of db (podman database-server) is not as expected: $rec"
[ -z "$(registry_record database-server)" ] || fail "database-server is registered under its podman name too"
ok "io.ocilink.name=db: registered as db, not as database-server"

pm_recipient r-web "db:dbalias" dbalias --annotation io.ocilink.name=web
expect_pm_ok "link db:dbalias from a recipient named web"
printf '%s\n' "$PM_HOSTS" >"$T/hosts.web"
expect_ocilink_block "$T/hosts.web" web "$(pm_hook_line "$DB_IP" dbalias "$DB_HN" db)"
exp=$(
	printf 'DBALIAS_PORT=tcp://%s:80\n' "$DB_IP"
	port_group DBALIAS "$DB_IP" 80
	port_group DBALIAS "$DB_IP" 8080
	printf 'DBALIAS_NAME=/web/dbalias\n'
	jq -r '.process.env[] | select(test("^(BOOK|CHAPTER)=")) | "DBALIAS_ENV_" + .' "$(pm_inspect database-server '{{.OCIConfigPath}}')"
)
expect_eq "DBALIAS_* variables in the recipient named web" "$exp" "$(grep '^DBALIAS_' <<<"$PM_ENV")"
expect_ping dbalias "$DB_IP"

pm_recipient r-podname "database-server:x" ""
expect_link_failure r-podname database-server:x database-server 'not found'
pass

#!/bin/bash
# test-prepare.sh: prepare is idempotent and re-prepare follows the source.
#   - prepare twice gives a byte-identical config.json (one hook entry per stage)
#   - the source is stopped, deleted and started again in a new namespace at a new IPv4; prepare
#     again puts the new address in every EX_ variable, never the old one, and no variable twice
#   - the link's alias is changed: the old alias's variables are removed, the new ones come in
#   - the recipient's own variables are kept, in their order, through all of it
# and the last config really runs: the recipient sees the new address and pings it by alias.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OLD_IP=10.231.0.11
NEW_IP=10.231.0.21
ns_old=$(net_add src-old $OLD_IP) || exit 1
ns_new=$(net_add src-new $NEW_IP) || exit 1
ns_rcp=$(net_add rcp 10.231.0.12) || exit 1

src=$T/b/example
mkbundle "$src" example-host "$KEEPALIVE"
bundle_netns "$src" "$ns_old"
bundle_env "$src" "BOOK=Learning Docker"
bundle_env "$src" "CHAPTER=Orchestrating Containers"
bundle_annotate "$src" io.ocilink.name example
bundle_annotate "$src" io.ocilink.expose "8080 80"
ocl_prepare "$src" 2>"$T/logs/prepare-example.err" || fail "prepare of the source failed: $(cat "$T/logs/prepare-example.err")"
start_detached example "$src" || fail "the source did not start: $(cat "$T/logs/example.log")"
expect_running example

rcp=$T/b/recipient
mkbundle "$rcp" recipient-host '["sh","-c","cat /etc/hosts; echo @@ocilink-test-env@@; env; ping -c 1 -W 3 ex2"]'
bundle_netns "$rcp" "$ns_rcp"
bundle_annotate "$rcp" io.ocilink.name recipient
bundle_annotate "$rcp" io.ocilink.links example:ex
bundle_env "$rcp" FOO=bar
bundle_env "$rcp" "EMPTY="
own_env=$(config_env "$rcp")

prep() {
	ocl_prepare "$rcp" 2>"$T/logs/prepare-recipient.err" || fail "prepare ($1) failed: $(cat "$T/logs/prepare-recipient.err")"
	[ -z "$(dup_env_keys "$rcp")" ] || fail "after prepare ($1) process.env sets these twice: $(dup_env_keys "$rcp")"
	expect_eq "own variables after prepare ($1)" "$own_env" "$(config_env "$rcp" | grep -Ev '^(EX|EX2)_')"
}

# 1. idempotent
prep first
cp "$rcp/config.json" "$T/config.1"
expect_eq "EX_ variables after the first prepare" "$(seed_env $OLD_IP recipient)" "$(config_env "$rcp" | grep '^EX_')"
prep second
expect_same_file "a second prepare leaves config.json byte-identical" "$T/config.1" "$rcp/config.json"
for stage in createRuntime poststart poststop; do
	jq -e --arg h "$OCILINK_HOOK" --arg s "$stage" '.hooks[$s] // [] | map(select(.path == $h)) | length == 1' \
		"$rcp/config.json" >/dev/null || fail "not exactly one $stage hook entry for $OCILINK_HOOK: $(jq -c .hooks "$rcp/config.json")"
done
ok "one hook entry per stage"

# 2. the source comes back at a new address
stop_ctr example
bundle_netns "$src" "$ns_new"
ocl_prepare "$src" 2>"$T/logs/prepare-example.err" || fail "second prepare of the source failed: $(cat "$T/logs/prepare-example.err")"
start_detached example "$src" || fail "the source did not start again: $(cat "$T/logs/example.log")"
expect_running example
prep "after the restart"
expect_eq "EX_ variables after the restart" "$(seed_env $NEW_IP recipient)" "$(config_env "$rcp" | grep '^EX_')"
matches "$(jq -r '.process.env[]' "$rcp/config.json")" "${OLD_IP//./\\.}([^0-9]|\$)" &&
	fail "the old address $OLD_IP is still in process.env: $(config_env "$rcp" | grep -F $OLD_IP)"
ok "no variable holds the old address"
cp "$rcp/config.json" "$T/config.2"
prep "again after the restart"
expect_same_file "prepare after the restart is idempotent too" "$T/config.2" "$rcp/config.json"

# 3. the alias changes: EX_ goes, EX2_ comes
bundle_annotate "$rcp" io.ocilink.links example:ex2
prep "new alias"
[ -z "$(config_env "$rcp" | grep '^EX_')" ] || fail "variables of the removed link ex remain: $(config_env "$rcp" | grep '^EX_')"
expect_eq "EX2_ variables for the new alias" "$(seed_env $NEW_IP recipient | sed 's/^EX_/EX2_/; s|/recipient/ex$|/recipient/ex2|')" \
	"$(config_env "$rcp" | grep '^EX2_')"

# 4. it runs
cp "$rcp/rootfs/etc/hosts" "$T/hosts.orig"
run_fg recipient "$rcp"
[ "$RUN_RC" = 0 ] || fail "the recipient failed (rc $RUN_RC): $RUN_ERR $RUN_OUT"
expect_eq "EX2_ variables inside" "$(seed_env $NEW_IP recipient | sed 's/^EX_/EX2_/; s|/recipient/ex$|/recipient/ex2|' | sort)" \
	"$(report_env | grep '^EX2\?_' | sort)"
expect_hosts_block "$rcp/rootfs/etc/hosts" recipient "$T/hosts.orig" "$(printf '%s\tex2 example-host example' $NEW_IP)"
matches "$RUN_OUT" ' 0% packet loss' || fail "ping ex2 failed: $RUN_OUT"
ok "the recipient pinged ex2 at $NEW_IP"
pass

#!/bin/bash
# test-explain.sh: `explain -b DIR` for a bundle that has not run yet, against sources started for
# real. Sources "example" (the seed's) and "db" (IPv4 and IPv6, port 5432) run detached; recipient
# "web" links example:ex, db:db-1 and db:db_1 (two aliases with one prefix) and sets EX_ENV_BOOK
# itself. explain must show, line by line, each link with its source (name, id, addresses), the
# variables it brings (marked when the merge keeps them out, and why) and its hosts lines; it
# must change nothing. Then web runs for real: it sees exactly the variables explain showed as
# injected and exactly the hosts lines it showed. Failing links are explained too: an unknown
# source, and a source whose process died (then a real start fails the same way).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

EX_IP=10.231.0.31
DB_IP=10.231.0.32
DB_IP6=fd00:231::32
ns_ex=$(net_add ex $EX_IP) || exit 1
ns_db=$(net_add db $DB_IP $DB_IP6) || exit 1
ns_web=$(net_add web 10.231.0.33) || exit 1

start_source example "$ns_ex" "8080 80" "BOOK=Learning Docker" "CHAPTER=Orchestrating Containers"
start_source db "$ns_db" 5432 "POSTGRES_USER=app"

web=$T/b/web
mkbundle "$web" web-host "$REPORT"
bundle_netns "$web" "$ns_web"
bundle_env "$web" "EX_ENV_BOOK=Mine"
bundle_annotate "$web" io.ocilink.name web
bundle_annotate "$web" io.ocilink.links "example:ex; db:db-1; db:db_1"
cp "$web/rootfs/etc/hosts" "$T/hosts.orig"
cfg_sha=$(sha "$web/config.json")
reg_before=$(hook_list_json)

# explain: exit 0, nothing on stderr
hook explain -b "$web" >"$T/explain.out" 2>"$T/logs/explain.err" || fail "explain failed: $(cat "$T/logs/explain.err")"
[ ! -s "$T/logs/explain.err" ] || fail "explain wrote on stderr: $(cat "$T/logs/explain.err")"

# db_vars ALIAS [NOTE_LINK]: what link db:ALIAS gives (each line marked when NOTE_LINK gave it first)
db_vars() {
	{
		echo "DB_1_PORT=tcp://$DB_IP:5432"
		port_group DB_1 $DB_IP 5432
		echo "DB_1_NAME=/web/$1"
		echo "DB_1_ENV_POSTGRES_USER=app"
	} | if [ -n "${2:-}" ]; then
		while IFS= read -r l; do printf '%s  (not injected: link %s gives %s first)\n' "$l" "$2" "${l%%=*}"; done
	else cat; fi
}
indent() { sed 's/^/    /'; }
expected=$(
	echo "container web"
	echo "link example:ex (source example, id example, $EX_IP)"
	echo "  variables:"
	seed_env $EX_IP web | sed 's/^EX_ENV_BOOK=.*/&  (not injected: the container sets EX_ENV_BOOK itself)/' | indent
	echo "  hosts lines:"
	printf '%s\tex example-host example\n' $EX_IP | indent
	echo "link db:db-1 (source db, id db, $DB_IP, $DB_IP6)"
	echo "  variables:"
	db_vars db-1 | indent
	echo "  hosts lines:"
	printf '%s\tdb-1 db-host db\n%s\tdb-1 db-host db\n' $DB_IP $DB_IP6 | indent
	echo "link db:db_1 (source db, id db, $DB_IP, $DB_IP6)"
	echo "  variables:"
	db_vars db_1 db:db-1 | indent
	echo "  hosts lines:"
	printf '%s\tdb_1 db-host db\n%s\tdb_1 db-host db\n' $DB_IP $DB_IP6 | indent
)
expect_eq "explain -b web, line by line" "$expected" "$(cat "$T/explain.out")"

# explain changed nothing
[ "$(sha "$web/config.json")" = "$cfg_sha" ] || fail "explain changed config.json"
expect_same_file "explain left the rootfs hosts file alone" "$T/hosts.orig" "$web/rootfs/etc/hosts"
expect_eq "registry after explain" "$reg_before" "$(hook_list_json)"
expect_eq "explain of a source without links" "example: no links" "$(hook explain -b "$T/b/example" 2>&1)"

# what explain said is what web gets: run it for real
ocl_prepare "$web" 2>"$T/logs/prepare-web.err" || fail "prepare of web failed: $(cat "$T/logs/prepare-web.err")"
run_fg web "$web"
[ "$RUN_RC" = 0 ] || fail "web failed (rc $RUN_RC): $RUN_ERR"
explained_vars=$(sed -n 's/^    \([A-Z0-9_]*=.*\)$/\1/p' "$T/explain.out" | grep -v '  (not injected: ')
expect_eq "web's link variables are the ones explain showed as injected (and its own EX_ENV_BOOK)" \
	"$(printf '%s\nEX_ENV_BOOK=Mine\n' "$explained_vars" | sort)" \
	"$(report_env | grep -E '^(EX|DB_1)_' | sort)"
explained_hosts=$(sed -n 's/^    \([0-9a-f:.]*\t.*\)$/\1/p' "$T/explain.out")
report_hosts >"$T/hosts.seen"
expect_hosts_block "$T/hosts.seen" web "$T/hosts.orig" "$explained_hosts"

# failing links: an unknown source (explain and prepare say the same), then a dead source
bad=$T/b/web2
mkbundle "$bad" web2-host "$REPORT"
bundle_annotate "$bad" io.ocilink.name web2
bundle_annotate "$bad" io.ocilink.links "example:ex nosuch:x"
cfg_sha=$(sha "$bad/config.json")
hook explain -b "$bad" >"$T/explain2.out" 2>"$T/logs/explain2.err"
rc=$?
expect_eq "explain of a link to an unknown source (stdout)" \
	"a start would fail: link \`nosuch:x\`: source \`nosuch\` not found (no running container registered under that name in $T/state)" \
	"$(cat "$T/explain2.out")"
expect_hook_error "$rc" "$T/logs/explain2.err" web2 'not found' 'nosuch:x'
hook prepare -b "$bad" >/dev/null 2>"$T/logs/prepare2.err"
expect_eq "prepare fails with the reason explain gave" "ocilink-hook: web2: $(sed 's/^a start would fail: //' "$T/explain2.out")" \
	"$(cat "$T/logs/prepare2.err")"
[ "$(sha "$bad/config.json")" = "$cfg_sha" ] || fail "a failed explain or prepare changed config.json"

kill_ctr_process example
hook explain -b "$web" >"$T/explain3.out" 2>"$T/logs/explain3.err"
rc=$?
expect_eq "explain of a link to a source whose process died" \
	"a start would fail: link \`example:ex\`: source \`example\` is not running" "$(cat "$T/explain3.out")"
expect_hook_error "$rc" "$T/logs/explain3.err" web 'is not running' 'example:ex'
run_fg web "$web"
[ "$RUN_RC" != 0 ] || fail "web started although its source example is not running"
if [ "$RUNTIME" = runc ]; then
	# runc puts a failing hook's stderr into its error; crun discards it
	matches "$RUN_ERR" 'source `example` is not running' || fail "runc's error does not carry the reason: $RUN_ERR"
fi
ok "a real start of web fails too (rc $RUN_RC)"
pass

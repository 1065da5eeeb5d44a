#!/bin/bash
# graph-pictures.sh [runc|crun]: the pictures of README's "Seeing the links", from a real run.
# Starts the seed (source "example", recipient "recipient" linking example:ex) and then a
# three-tier set (db; app linking db; web linking app) with the runtime, each container in its
# own network namespace (tests/integration/lib.sh's harness: private bridge, temp state, full
# cleanup), and writes `ocilink-hook list --graph` and its `dot -Tpng` rendering to docs/img/:
#   seed.dot, seed.png                     the seed
#   three-tier.dot, three-tier.png         db, app, web
#   three-tier-db-stopped.{dot,png}        the same after db stopped (a dashed link)
# Run as root from a clone: builds first, needs graphviz (tools/install-deps.sh).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/docs/img
[ "$(id -u)" = 0 ] || { echo "graph-pictures.sh: run as root" >&2; exit 1; }
command -v dot >/dev/null || { echo "graph-pictures.sh: dot not found (apt-get install graphviz)" >&2; exit 1; }
sh "$ROOT/tools/build.sh" "$ROOT/build" >/dev/null || exit 1
export RUNTIME=${1:-runc} OCILINK_HOOK=$ROOT/build/ocilink-hook TESTS_DIR=$ROOT/tests
. "$ROOT/tests/integration/lib.sh"
mkdir -p "$OUT"

# picture NAME: list --graph into docs/img/NAME.dot, rendered to NAME.png
picture() {
	hook list --graph >"$OUT/$1.dot" 2>"$T/logs/graph.err" || fail "list --graph failed: $(cat "$T/logs/graph.err")"
	dot -Tpng -Gdpi=96 "$OUT/$1.dot" -o "$OUT/$1.png" || fail "dot -Tpng $1.dot failed"
	note "wrote docs/img/$1.dot and docs/img/$1.png"
}
# start_linked NAME NSPATH LINKS [EXPOSE]: a detached recipient (a source too, with EXPOSE)
start_linked() {
	local d=$T/b/$1
	mkbundle "$d" "$1-host" "$KEEPALIVE"
	bundle_netns "$d" "$2"
	bundle_annotate "$d" io.ocilink.name "$1"
	bundle_annotate "$d" io.ocilink.links "$3"
	[ -z "${4:-}" ] || bundle_annotate "$d" io.ocilink.expose "$4"
	ocl_prepare "$d" 2>"$T/logs/prepare-$1.err" || fail "prepare of $1 failed: $(cat "$T/logs/prepare-$1.err")"
	start_detached "$1" "$d" || fail "$1 did not start: $(cat "$T/logs/$1.log")"
	expect_running "$1"
}

start_source example "$(net_add ex 10.231.0.2)" "8080 80" "BOOK=Learning Docker" "CHAPTER=Orchestrating Containers"
start_linked recipient "$(net_add rc 10.231.0.3)" example:ex
picture seed
stop_ctr recipient
stop_ctr example

start_source db "$(net_add db 10.231.0.10 fd00:231::10)" 5432 POSTGRES_DB=app
start_linked app "$(net_add app 10.231.0.11)" db:db 8080
start_linked web "$(net_add web 10.231.0.12)" app:app 80
picture three-tier
stop_ctr db
picture three-tier-db-stopped
pass "pictures in docs/img"

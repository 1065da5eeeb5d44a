#!/bin/bash
# test-graph.sh: `list --graph` on a real registry. The seed (source "example", recipient
# "recipient" linking example:ex) and a three-tier set (db; app linking db; web linking app) run
# detached, each in its own network namespace. The DOT output must be exactly the expected
# nodes (name and addresses) and edges (recipient -> source, labelled with the alias), and dot
# must render it. Then db stops (poststop removes it) and example's process is killed (its record
# stays, stopped): their links become dashed edges to dashed "(not running)" boxes; a stopped
# recipient (web) and its links leave the graph. --json with --graph is a usage error.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v dot >/dev/null || fail "required program not found: dot (tools/install-deps.sh installs graphviz)"

ns_ex=$(net_add ex 10.231.0.21) || exit 1
ns_rc=$(net_add rc 10.231.0.22) || exit 1
ns_db=$(net_add db 10.231.0.23 fd00:231::23) || exit 1
ns_app=$(net_add app 10.231.0.24) || exit 1
ns_web=$(net_add web 10.231.0.25) || exit 1

# start_linked NAME NSPATH LINKS [EXPOSE]: a detached recipient (which may be a source too)
start_linked() {
	local name=$1 ns=$2 links=$3 expose=${4:-} d=$T/b/$1
	mkbundle "$d" "$name-host" "$KEEPALIVE"
	bundle_netns "$d" "$ns"
	bundle_annotate "$d" io.ocilink.name "$name"
	bundle_annotate "$d" io.ocilink.links "$links"
	[ -z "$expose" ] || bundle_annotate "$d" io.ocilink.expose "$expose"
	ocl_prepare "$d" 2>"$T/logs/prepare-$name.err" || fail "prepare of $name failed: $(cat "$T/logs/prepare-$name.err")"
	start_detached "$name" "$d" || fail "$name did not start: $(cat "$T/logs/$name.log")"
	expect_running "$name"
}

# graph: list --graph, which must succeed with nothing on stderr
graph() {
	local out
	out=$(hook list --graph 2>"$T/logs/graph.err") || fail "list --graph failed: $(cat "$T/logs/graph.err")"
	[ ! -s "$T/logs/graph.err" ] || fail "list --graph wrote on stderr: $(cat "$T/logs/graph.err")"
	printf '%s\n' "$out"
}

empty=$(graph)
expect_eq "list --graph of an empty registry" "$(printf 'digraph ocilink {\n  rankdir=LR;\n  node [shape=box];\n}')" "$empty"

start_source example "$ns_ex" "8080 80" "BOOK=Learning Docker" "CHAPTER=Orchestrating Containers"
start_linked recipient "$ns_rc" example:ex
start_source db "$ns_db" 5432
start_linked app "$ns_app" db 8080
start_linked web "$ns_web" app:app 80

dot_out=$(graph)
printf '%s\n' "$dot_out" >"$T/all.dot"
expect_eq "list --graph with five running containers" "$(cat <<'EOF2'
digraph ocilink {
  rankdir=LR;
  node [shape=box];
  "app" [label="app\n10.231.0.24"];
  "db" [label="db\n10.231.0.23\nfd00:231::23"];
  "example" [label="example\n10.231.0.21"];
  "recipient" [label="recipient\n10.231.0.22"];
  "web" [label="web\n10.231.0.25"];
  "app" -> "db" [label="db"];
  "recipient" -> "example" [label="ex"];
  "web" -> "app" [label="app"];
}
EOF2
)" "$dot_out"

# dot's own reading of it: every node and edge, and a PNG
dot -Tplain "$T/all.dot" >"$T/all.plain" 2>"$T/logs/dot.err" || fail "dot -Tplain failed: $(cat "$T/logs/dot.err")"
expect_eq "nodes as dot reads them" "$(printf '%s\n' app db example recipient web)" \
	"$(awk '$1 == "node" { print $2 }' "$T/all.plain" | tr -d '"' | sort)"
expect_eq "edges as dot reads them" "$(printf '%s\n' 'app db' 'recipient example' 'web app')" \
	"$(awk '$1 == "edge" { print $2, $3 }' "$T/all.plain" | tr -d '"' | sort)"
dot -Tpng "$T/all.dot" -o "$T/all.png" 2>"$T/logs/dot.err" || fail "dot -Tpng failed: $(cat "$T/logs/dot.err")"
[ "$(head -c 8 "$T/all.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "dot -Tpng did not write a PNG"
ok "dot -Tpng renders it ($(wc -c <"$T/all.png") bytes)"

# usage errors change nothing and print no graph
for args in "--json --graph" "--graph --json" "--graph extra"; do
	# shellcheck disable=SC2086
	hook list $args >"$T/logs/usage.out" 2>"$T/logs/usage.err"
	rc=$?
	[ "$rc" = 2 ] || fail "list $args: expected exit status 2, got $rc"
	[ ! -s "$T/logs/usage.out" ] || fail "list $args printed on stdout: $(cat "$T/logs/usage.out")"
	matches "$(cat "$T/logs/usage.err")" "^ocilink-hook: " || fail "list $args: no usage message: $(cat "$T/logs/usage.err")"
	ok "list $args: usage error ($(head -n1 "$T/logs/usage.err"))"
done
matches "$(hook --help)" '^  list \[--json\|--graph\]' || fail "--help does not show list [--json|--graph]"

# sources that stop: db is deleted (poststop removes its record), example's process is killed
# (its record stays, stopped); a stopped recipient (web) leaves the graph with its links
stop_ctr db
kill_ctr_process example
stop_ctr web
dot_out=$(graph)
expect_eq "list --graph after db stopped, example died and web stopped" "$(cat <<'EOF2'
digraph ocilink {
  rankdir=LR;
  node [shape=box];
  "app" [label="app\n10.231.0.24"];
  "recipient" [label="recipient\n10.231.0.22"];
  "db" [label="db\n(not running)", style=dashed];
  "example" [label="example\n(not running)", style=dashed];
  "app" -> "db" [label="db", style=dashed];
  "recipient" -> "example" [label="ex", style=dashed];
}
EOF2
)" "$dot_out"
matches "$(hook list)" '^example +example +[0-9]+ +stopped ' || fail "list does not show example as stopped: $(hook list)"
printf '%s\n' "$dot_out" | dot -Tpng -o "$T/broken.png" 2>"$T/logs/dot.err" || fail "dot -Tpng of the second graph failed: $(cat "$T/logs/dot.err")"
ok "dot -Tpng renders the graph with dashed links"
pass

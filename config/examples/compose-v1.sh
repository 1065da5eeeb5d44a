#!/bin/bash
# compose-v1.sh: the real runs behind compose-v1.md. A docker-compose v1 pair (db; web linking
# db:database) moved to ocilink annotations, run twice: as runc bundles, and with podman and the
# hooks.d files. busybox stands in for postgres and the app: what matters is what web receives.
# Uses the test harness (tests/integration/podman-lib.sh: private network namespaces, a confined
# podman configuration, full cleanup). Run as root from a clone, after building:
#     OCILINK_HOOK=$PWD/build/ocilink-hook config/examples/compose-v1.sh
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export RUNTIME=${RUNTIME:-runc} TESTS_DIR=$ROOT/tests OCILINK_HOOK=${OCILINK_HOOK:-$ROOT/build/ocilink-hook}
. "$ROOT/tests/integration/podman-lib.sh"
show() { printf '$ %s\n' "$*"; }

echo "=== 1. runc bundles"
db=$T/b/db web=$T/b/web
mkbundle "$db" db "$KEEPALIVE"
bundle_netns "$db" "$(net_add db 10.231.0.2)"
for e in POSTGRES_USER=app POSTGRES_PASSWORD=secret POSTGRES_DB=app; do bundle_env "$db" "$e"; done
bundle_annotate "$db" io.ocilink.name db
bundle_annotate "$db" io.ocilink.expose 5432
ocl_prepare "$db" && start_detached db "$db" && expect_running db
mkbundle "$web" web '["sh", "-c", "tr \"\\0\" \"\\n\" </proc/1/environ | grep ^DATABASE_; grep database /etc/hosts; ping -c 1 database | head -n 2"]'
bundle_netns "$web" "$(net_add web 10.231.0.3)"
bundle_annotate "$web" io.ocilink.name web
bundle_annotate "$web" io.ocilink.links db:database
show "jq .annotations db/config.json web/config.json"
jq .annotations "$db/config.json" "$web/config.json"
ocl_prepare "$web"
show "ocilink-hook explain -b web"
hook explain -b "$web"
show "runc run -b web web"
rt run -b "$web" web </dev/null
stop_ctr db

echo "=== 2. podman (the hooks.d files installed; its own network, image localhost/ocl-busybox)"
WEB_SH='tr "\0" "\n" </proc/1/environ | grep ^DATABASE_; grep database /etc/hosts; ping -c 1 database | head -n 2'
show "podman run -d --name db --network $PM_NET -e POSTGRES_USER=app -e POSTGRES_PASSWORD=secret -e POSTGRES_DB=app --annotation io.ocilink.expose=5432 $PM_IMAGE ${PM_KEEPALIVE[0]} ${PM_KEEPALIVE[1]} \"${PM_KEEPALIVE[2]}\""
pm_run_d db --network "$PM_NET" -e POSTGRES_USER=app -e POSTGRES_PASSWORD=secret -e POSTGRES_DB=app \
	--annotation io.ocilink.expose=5432 "$PM_IMAGE" "${PM_KEEPALIVE[@]}"
show "podman run --rm --name web --network $PM_NET --cap-add NET_RAW --annotation io.ocilink.links=db:database $PM_IMAGE sh -c '$WEB_SH'"
pm_run web --rm --name web --network "$PM_NET" --cap-add NET_RAW --annotation io.ocilink.links=db:database "$PM_IMAGE" \
	sh -c "$WEB_SH"
printf '%s\n' "$PM_ALL"
show "ocilink-hook list --graph   (db running, web gone)"
hook list --graph
pass

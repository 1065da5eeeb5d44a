/* The OCI hook stages: register a container and write its link lines (createRuntime, prestart,
 * createContainer), refresh it and rewrite its recipients' lines (poststart), forget it (poststop). */
#include "hook/commands.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hook/bundle.h"
#include "hook/container.h"
#include "hook/fileio.h"
#include "hook/log.h"
#include "hook/netaddr.h"
#include "hook/podman.h"
#include "hook/procinfo.h"
#include "hook/registry.h"
#include "hook/resolve.h"
#include "hook/rootfs.h"
#include "links/escape.h"
#include "links/hosts.h"
#include "links/keyset.h"
#include "links/limits.h"
#include "links/linkenv.h"
#include "links/macro.h"
#include "links/names.h"
#include "oci/config.h"
#include "oci/state.h"

static int read_state(struct oci_state *ret)
{
        _cleanup_free_ char *buf = NULL, *err = NULL;
        size_t len;
        int r;

        r = read_fd_bounded(STDIN_FILENO, OCILINK_MAX_JSON_BYTES, &buf, &len);
        if (r == -EFBIG)
                return log_error(r, "OCI state on stdin is larger than %u bytes", OCILINK_MAX_JSON_BYTES);
        if (r < 0)
                return log_error(r, "cannot read the OCI state on stdin: %s", strerror(-r));
        r = oci_state_parse(buf, len, ret, &err);
        if (r < 0)
                return log_error(r, "%s", err);
        log_set_container(ret->id);
        return 0;
}

static int load_config(const char *bundle, struct json_value **ret)
{
        _cleanup_free_ char *err = NULL;
        size_t len;
        int r;

        r = bundle_load_config(bundle, NULL, NULL, &len, ret);
        if (r < 0)
                return r;
        r = config_check(*ret, &err);
        return r < 0 ? log_error(r, "%s", err) : 0;
}

/* Opens the hosts file a recipient sees: its engine's file where the config bind-mounts one on
 * /etc/hosts (podman), else etc/hosts inside its rootfs. */
static int open_recipient_hosts(const struct record *rec, int *ret_fd)
{
        _cleanup_free_ char *err = NULL;
        int r;

        if (rec->hosts_file)
                r = engine_open_hosts(rec->hosts_file, ret_fd, &err);
        else if (rec->rootfs)
                r = rootfs_open_hosts(rec->rootfs, ret_fd, &err);
        else {
                err = xstrdup("no hosts file and no rootfs recorded");
                r = -ENOENT;
        }
        if (r < 0)
                return log_error(r, "%s", err);
        return 0;
}

static int read_hosts(int fd, char **ret, size_t *ret_len)
{
        int r;

        if (lseek(fd, 0, SEEK_SET) < 0)
                return log_error(-errno, "cannot seek the hosts file: %s", strerror(errno));
        r = read_fd_bounded(fd, OCILINK_MAX_HOSTS_BYTES, ret, ret_len);
        if (r == -EFBIG)
                return log_error(r, "refusing the hosts file: larger than %u bytes", OCILINK_MAX_HOSTS_BYTES);
        if (r < 0)
                return log_error(r, "cannot read the hosts file: %s", strerror(-r));
        return 0;
}

static char *root_path_abs(const char *bundle, const char *root)
{
        if (!root || !*root)
                return NULL;
        if (root[0] == '/')
                return xstrdup(root);
        return xasprintf("%s/%s", bundle, root);
}

/* Builds this container's record from its state and config. */
static int make_record(const struct oci_state *st, const struct json_value *cfg, const struct strv *env,
                       const struct container_ann *a, const char *name, enum stage stage, struct record *ret)
{
        struct record rec = { 0 };
        const char *hostname = config_hostname(cfg);
        const char *mount = config_hosts_mount_source(cfg);

        rec.id = xstrdup(st->id);
        rec.name = xstrdup(name);
        rec.bundle = xstrdup(st->bundle);
        rec.hostname = hostname && *hostname ? xstrdup(hostname) : xstrndup(st->id, 12);
        if (!hostname_is_valid(rec.hostname)) {
                /* It goes into recipients' hosts files: a space, '#' or newline there would add
                 * names or whole lines. Leave it out rather than refuse the source's start. */
                _cleanup_free_ char *q = escape_str(rec.hostname);
                log_warn("hostname `%s` is not usable in a hosts file, leaving it out of link lines", q);
                free(rec.hostname);
                rec.hostname = NULL;
        }
        /* createContainer runs inside the container's pid namespace, where the state's pid (runc: 1,
         * crun: 0) names no host process: the record stays "not running" until poststart gives the
         * host pid. */
        if (stage != STAGE_CREATE_CONTAINER && st->pid > 0) {
                rec.pid = (pid_t) st->pid;
                if (proc_start_time(rec.pid, &rec.start_time) < 0)
                        rec.pid = 0;
        }
        if (a->has_ip) {
                rec.addrs = a->ip;
                rec.ip_fixed = true;
        } else if (rec.pid > 0 || stage == STAGE_CREATE_CONTAINER) {
                int r = netaddr_discover(stage == STAGE_CREATE_CONTAINER ? 0 : rec.pid, &rec.addrs);
                if (r < 0)
                        log_warn("cannot read the container's addresses: %s, ignoring", strerror(-r));
        }
        ports_format(&a->ports, &rec.ports);
        linkenv_exportable(env->v, env->n, &a->injected, &a->exp, &rec.env);
        for (size_t i = 0; i < a->links.n; i++)
                strv_pushf(&rec.links, "%s:%s", a->links.v[i].name, a->links.v[i].alias);
        if (mount)
                rec.hosts_file = xstrdup(mount);
        else
                rec.rootfs = root_path_abs(st->bundle, config_root_path(cfg));
        *ret = rec;
        return 0;
}

/* Puts out, the new content of the hosts file fd whose content is old (len bytes), in place:
 * padded inside owner's block to the old length when shorter, so it is one pwrite and never a
 * write followed by a truncate; refused past the cap, so the next run can read it (-EFBIG); not
 * written when unchanged; the old bytes put back when the write fails (a failed write can leave a
 * partial file). -ENOENT when out has no block of owner's to pad. */
static int hosts_commit(int fd, const char *old, size_t len, const char *owner, struct buf *out)
{
        int r;

        if (out->len < len) {
                r = hosts_pad_block(out, owner, len - out->len);
                if (r < 0)
                        return r;
        }
        if (out->len > OCILINK_MAX_HOSTS_BYTES)
                return -EFBIG;
        if (out->len == len && memcmp(out->data, old, len) == 0)
                return 0;
        r = write_fd_inplace(fd, out->data, out->len);
        if (r < 0)
                (void) write_fd_inplace(fd, old, len);
        return r;
}

/* Writes the recipient's block of link lines; *ret_old keeps the previous content for a rollback. */
static int write_links_block(const struct record *rec, const struct link_plan *plan, int *ret_fd, char **ret_old,
                             size_t *ret_old_len)
{
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *old = NULL;
        struct buf out = { 0 };
        size_t len;
        int r;

        r = open_recipient_hosts(rec, &fd);
        if (r < 0)
                return r;
        r = read_hosts(fd, &old, &len);
        if (r < 0)
                return r;
        r = hosts_set_block(old, len, rec->name, plan->hosts.data, plan->hosts.len, &out);
        if (r < 0)
                return log_error(r, "refusing the hosts file: it holds a NUL byte or broken ocilink markers "
                                    "for this container");
        r = hosts_commit(fd, old, len, rec->name, &out);
        if (r == -EFBIG) {
                buf_done(&out);
                return log_error(r, "refusing the hosts file: the link lines would make it larger than %u bytes",
                                 OCILINK_MAX_HOSTS_BYTES);
        }
        if (r < 0) {
                buf_done(&out);
                return log_error(r, "cannot write the hosts file: %s", strerror(-r));
        }
        buf_done(&out);
        *ret_fd = TAKE_FD(fd);
        *ret_old = TAKE_PTR(old);
        *ret_old_len = len;
        return 0;
}

/* No hook stage can add variables (the runtime read config.json before us): a recipient whose
 * config lacks a link's ALIAS_NAME was not prepared for that link (prepare never ran, or the links
 * changed since). Starting it would give hosts lines without variables: say so instead. */
static int check_prepared(const struct strv *env, const struct container_ann *a)
{
        struct keyset keys;
        int r = 0;

        keyset_init(&keys, env->n);
        for (size_t k = 0; k < env->n; k++)
                keyset_addn(&keys, env->v[k], strcspn(env->v[k], "="));
        for (size_t i = 0; i < a->links.n && r == 0; i++) {
                _cleanup_free_ char *p = linkenv_prefix(a->links.v[i].alias);
                _cleanup_free_ char *key = xasprintf("%s_NAME", p);

                if (!keyset_has(&keys, key))
                        r = log_error(-ENOENT, "link `%s:%s`: config.json has no %s variable: run `ocilink-hook "
                                               "prepare` on the bundle before starting it",
                                      a->links.v[i].name, a->links.v[i].alias, key);
        }
        keyset_done(&keys);
        return r;
}

/* The engine's own name for the container, where we can find one (podman: its --name). */
static char *engine_name(const struct oci_state *st, const struct json_value *annotations)
{
        char *name = NULL;

        if (podman_made(annotations) && podman_name_from_bundle(st->bundle, st->id, &name) == 0)
                return name;
        return NULL;
}

static int stage_register(const struct hook_ctx *ctx, enum stage stage)
{
        struct oci_state st = { 0 };
        _cleanup_json_ struct json_value *cfg = NULL;
        struct container_ann a = { 0 };
        struct registry reg = REGISTRY_INIT;
        struct record rec = { 0 }, other = { 0 };
        struct strv env = { 0 };
        struct link_plan plan = { 0 };
        _cleanup_free_ char *err = NULL, *old = NULL, *ename = NULL;
        _cleanup_close_ int hostsfd = -EBADF;
        const struct json_value *annotations;
        const char *name;
        size_t old_len = 0;
        int r = -EINVAL;

        if (read_state(&st) < 0)
                return 1;
        if (load_config(st.bundle, &cfg) < 0)
                goto out;
        annotations = st.annotations && st.annotations->n ? st.annotations : config_annotations(cfg);
        if (container_ann_parse(annotations, &a, &err) < 0) {
                log_error(-EINVAL, "%s", err);
                goto out;
        }
        if (annotation_get(annotations, ANN_ERROR)) {
                /* precreate --fail-in-runtime already made this container unstartable, with the
                 * reason in its process name: the runtime's error shows it. */
                log_debug("precreate reported a failure; not registering");
                r = 0;
                goto out;
        }
        if (!a.name)
                ename = engine_name(&st, annotations);
        name = a.name ? a.name : ename ? ename : st.id;
        if (!name_is_valid(name, strlen(name))) {
                _cleanup_free_ char *q = escape_str(st.id);
                log_error(-EINVAL, "container id `%s` cannot serve as a name: set the %s annotation", q, ANN_NAME);
                goto out;
        }
        log_set_container(name);
        if (container_check_self(&a, name, &err) < 0) {
                log_error(-EINVAL, "%s", err);
                goto out;
        }
        config_env(cfg, &env);
        make_record(&st, cfg, &env, &a, name, stage, &rec);

        if (registry_open(ctx->state_dir, true, &reg, &err) < 0 || registry_lock(&reg, &err) < 0) {
                log_error(-EIO, "%s", err);
                goto out;
        }
        if (registry_get_name(&reg, name, &other) == 0) {
                bool taken = !STREQ(other.id, rec.id) && record_is_running(&other);
                if (taken) {
                        _cleanup_free_ char *q = escape_str(other.id);
                        log_set_container(st.id);
                        log_error(-EEXIST, "cannot register as `%s`: running container `%s` holds that name",
                                  name, q);
                        goto out;
                }
        }
        if (a.has_links) {
                if (plan_links(&reg, name, a.flavor, &a.links, PLAN_HOSTS, &plan, &err) < 0) {
                        log_error(-EINVAL, "%s", err);
                        goto out;
                }
                if (check_prepared(&env, &a) < 0)
                        goto out;
                if (write_links_block(&rec, &plan, &hostsfd, &old, &old_len) < 0)
                        goto out;
                test_delay_point("hosts file written");
        }
        r = registry_put_known(&reg, &rec, other.name ? &other : NULL);
        if (r < 0) {
                if (hostsfd >= 0)
                        (void) write_fd_inplace(hostsfd, old, old_len);
                log_error(r, "cannot write the registry record: %s", strerror(-r));
                goto out;
        }
        log_debug("registered as `%s` (pid %d, %zu IPv4, %zu IPv6)", name, (int) rec.pid, rec.addrs.n4,
                  rec.addrs.n6);
        r = 0;
out:
        registry_close(&reg);
        strv_done(&env);
        record_done(&rec);
        record_done(&other);
        link_plan_done(&plan);
        container_ann_done(&a);
        oci_state_done(&st);
        return r < 0 ? 1 : 0;
}

/* Rewrites the lines of alias (pointing at src) in the hosts file of a running recipient. */
static void update_recipient(const struct record *rcp, const struct record *src, const char *alias)
{
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *old = NULL;
        struct buf lines = { 0 }, out = { 0 };
        size_t len;
        bool found;

        if (open_recipient_hosts(rcp, &fd) < 0 || read_hosts(fd, &old, &len) < 0) {
                log_warn("recipient `%s`: its lines for `%s` were not updated", rcp->name, alias);
                return;
        }
        source_hosts_lines(src, alias, &lines);
        if (hosts_replace_alias(old, len, rcp->name, alias, lines.data, lines.len, &out, &found) < 0)
                log_warn("recipient `%s`: broken ocilink markers in its hosts file, not updated", rcp->name);
        else if (found) {
                int r = hosts_commit(fd, old, len, rcp->name, &out);
                if (r == -ENOENT)
                        log_warn("recipient `%s`: cannot pad its hosts block, not updated", rcp->name);
                else if (r == -EFBIG)
                        log_warn("recipient `%s`: its hosts file would grow past %u bytes, not updated", rcp->name,
                                 OCILINK_MAX_HOSTS_BYTES);
                else if (r < 0)
                        log_warn("recipient `%s`: cannot write its hosts file: %s", rcp->name, strerror(-r));
        }
        buf_done(&lines);
        buf_done(&out);
}

/* Rewrites the lines of the recipient named rcp_name for each of its links to src; drops the
 * index entry when the recipient is gone or links there no more. */
static void update_recipient_of(struct registry *reg, const char *rcp_name, const struct record *src)
{
        struct record rcp = { 0 };
        size_t nl = strlen(src->name);
        bool links_here = false;
        int r;

        r = registry_get_name(reg, rcp_name, &rcp);
        if (r == -ENOENT) {
                registry_unindex(reg, src->name, rcp_name);
                return;
        }
        if (r < 0)
                return;
        for (size_t k = 0; k < rcp.links.n; k++) {
                const char *l = rcp.links.v[k];
                if (strncmp(l, src->name, nl) != 0 || l[nl] != ':')
                        continue;
                links_here = true;
                if (!STREQ(rcp.id, src->id) && record_is_running(&rcp))
                        update_recipient(&rcp, src, l + nl + 1);
        }
        if (!links_here)
                registry_unindex(reg, src->name, rcp_name);
        record_done(&rcp);
}

static int stage_poststart(const struct hook_ctx *ctx)
{
        struct oci_state st = { 0 };
        struct registry reg = REGISTRY_INIT;
        struct record rec = { 0 };
        struct strv rcps = { 0 };
        _cleanup_free_ char *err = NULL;
        int r = 0;

        if (read_state(&st) < 0)
                return 1;
        if (registry_open(ctx->state_dir, true, &reg, &err) < 0 || registry_lock(&reg, &err) < 0) {
                r = log_error(-EIO, "%s", err);
                goto out;
        }
        r = registry_get_id(&reg, st.id, &rec);
        if (r == -ENOENT) {
                r = 0;
                goto out;
        }
        if (r < 0) {
                log_error(r, "cannot read the registry record: %s", strerror(-r));
                goto out;
        }
        log_set_container(rec.name);
        if (st.pid > 0) {
                unsigned long long start;
                if (proc_start_time((pid_t) st.pid, &start) == 0) {
                        rec.pid = (pid_t) st.pid;
                        rec.start_time = start;
                }
        }
        if (!rec.ip_fixed && rec.pid > 0) {
                struct addr_list addrs = { 0 };
                int q = netaddr_discover(rec.pid, &addrs);
                if (q == 0)
                        rec.addrs = addrs;
                else
                        log_warn("cannot read the container's addresses: %s, ignoring", strerror(-q));
        }
        r = registry_put_known(&reg, &rec, &rec); /* its links are indexed already */
        if (r < 0) {
                log_error(r, "cannot write the registry record: %s", strerror(-r));
                goto out;
        }
        /* Links are by name: every running recipient of this name gets the new address. The
         * reverse index names them; each record says whether it still links here. */
        r = registry_recipients_of(&reg, rec.name, &rcps);
        if (r < 0) {
                log_warn("cannot read the registry's index of recipients: %s, none updated", strerror(-r));
                r = 0;
        }
        for (size_t i = 0; i < rcps.n; i++)
                update_recipient_of(&reg, rcps.v[i], &rec);
out:
        strv_done(&rcps);
        registry_close(&reg);
        record_done(&rec);
        oci_state_done(&st);
        return r < 0 ? 1 : 0;
}

static int stage_poststop(const struct hook_ctx *ctx)
{
        struct oci_state st = { 0 };
        struct registry reg = REGISTRY_INIT;
        _cleanup_free_ char *err = NULL;
        int r;

        if (read_state(&st) < 0)
                return 1;
        r = registry_open(ctx->state_dir, true, &reg, &err);
        if (r >= 0)
                r = registry_lock(&reg, &err);
        if (r < 0)
                log_error(r, "%s", err);
        else {
                r = registry_remove_id(&reg, st.id);
                if (r < 0)
                        log_error(r, "cannot remove the registry record: %s", strerror(-r));
        }
        registry_close(&reg);
        oci_state_done(&st);
        return r < 0 ? 1 : 0;
}

int cmd_stage(const struct hook_ctx *ctx, enum stage stage)
{
        switch (stage) {
        case STAGE_POSTSTART:
                return stage_poststart(ctx);
        case STAGE_POSTSTOP:
                return stage_poststop(ctx);
        case STAGE_PRESTART:
        case STAGE_CREATE_RUNTIME:
        case STAGE_CREATE_CONTAINER:
        default:
                return stage_register(ctx, stage);
        }
}

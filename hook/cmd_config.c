/* precreate, prepare and explain: the link variables go into a config before the runtime reads it
 * (no OCI hook stage can change a container's environment). */
#include "hook/commands.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hook/bundle.h"
#include "hook/container.h"
#include "hook/fileio.h"
#include "hook/log.h"
#include "hook/podman.h"
#include "hook/registry.h"
#include "hook/resolve.h"
#include "links/envmerge.h"
#include "links/escape.h"
#include "links/limits.h"
#include "links/macro.h"
#include "links/names.h"
#include "oci/config.h"
#include "oci/json.h"

struct rewrite {
        char *name;
        struct link_plan plan;
        struct strv env;      /* the merged env */
        struct strv injected; /* keys injected now */
        bool any;
        bool changed; /* the tree was rewritten */
};

static void rewrite_done(struct rewrite *w)
{
        free(w->name);
        link_plan_done(&w->plan);
        strv_done(&w->env);
        strv_done(&w->injected);
}

/* Computes the new env of cfg and applies it to the tree; on failure *reterr says why. */
static int rewrite_config(const struct hook_ctx *ctx, struct json_value *cfg, struct rewrite *w, char **reterr)
{
        struct container_ann a;
        struct strv env = { 0 };
        int r;

        r = config_check(cfg, reterr);
        if (r < 0)
                return r;
        {
                const char *n = annotation_get(config_annotations(cfg), ANN_NAME);
                if (n && name_is_valid(n, strlen(n)))
                        log_set_container(n);
        }
        r = container_ann_parse(config_annotations(cfg), &a, reterr);
        if (r < 0)
                return r;
        w->any = a.any;
        if (!a.any)
                goto out;
        if (a.name)
                w->name = xstrdup(a.name);
        else if (podman_made(config_annotations(cfg)))
                (void) podman_name_from_config(cfg, &w->name);
        if (w->name)
                log_set_container(w->name);
        if (a.has_links) {
                struct registry reg;

                if (!w->name) {
                        *reterr = xasprintf("the container has links but no name: set the %s annotation", ANN_NAME);
                        r = -EINVAL;
                        goto out;
                }
                r = container_check_self(&a, w->name, reterr);
                if (r < 0)
                        goto out;
                r = registry_open(ctx->state_dir, false, &reg, reterr);
                if (r < 0)
                        goto out;
                r = plan_links(&reg, w->name, a.flavor, &a.links, PLAN_VARS_AND_HOSTS, &w->plan, reterr);
                registry_close(&reg);
                if (r < 0)
                        goto out;
        }
        config_env(cfg, &env);
        envmerge(env.v, env.n, &a.injected, &w->plan.vars, &w->env, &w->injected);
        if (w->injected.n || a.injected.n) {
                struct buf keys = { 0 };
                w->changed = true;
                config_set_env(cfg, &w->env);
                for (size_t i = 0; i < w->injected.n; i++)
                        buf_printf(&keys, "%s%s", i ? "\n" : "", w->injected.v[i]);
                config_set_annotation(cfg, ANN_INJECTED, w->injected.n ? keys.data : NULL);
                buf_done(&keys);
        }
        r = 0;
out:
        strv_done(&env);
        container_ann_done(&a);
        return r;
}

static int parse_config(const char *buf, size_t len, const char *what, struct json_value **ret)
{
        char err[JSON_ERR_MAX];
        int r = json_parse(buf, len, ret, err);
        if (r < 0)
                return log_error(r, "bad %s: %s", what, err);
        return 0;
}

/* Podman 4.3 throws precreate's stderr away and crun hides a hook's stderr, so with
 * --fail-in-runtime a failed precreate still prints a config: one whose process is an executable
 * name that cannot exist, carrying the reason. The runtime then refuses to start it and its error,
 * which podman shows, quotes the name: "executable file `ocilink-hook: web: link ...` not found".
 * io.ocilink.error tells our createRuntime to stand aside. */
static void make_unstartable(struct json_value *cfg, const char *container, const char *msg)
{
        /* msg is ours (input in it is already escaped and cut): keep it whole */
        _cleanup_free_ char *name = xasprintf("ocilink-hook: %s: %s", container, msg);
        struct json_value *process = json_get_or_add_object(cfg, "process");
        struct json_value *args = json_new(JSON_ARRAY);
        struct strv env = { 0 }, out = { 0 };
        struct buf b = { 0 };

        /* a '/' would make the runtime treat the name as a path and drop it from its message */
        buf_append(&b, "", 0);
        for (const char *p = name; *p; p++) {
                if (*p == '/')
                        buf_puts(&b, "\u2215"); /* DIVISION SLASH looks like one and is no separator */
                else if ((unsigned char) *p < 0x20 || (unsigned char) *p == 0x7f)
                        buf_puts(&b, "?");
                else
                        buf_append(&b, p, 1);
        }
        json_append(args, json_new_string(b.data));
        if (process)
                json_set(process, "args", args);
        else
                json_free(args);
        /* A PATH directory that cannot exist (procfs has no such entry), whatever the image ships:
         * the lookup fails with ENOENT, the one error both runc and crun report with the name
         * (crun reports ENOTDIR, from PATH=/dev/null, without it). */
        config_env(cfg, &env);
        strv_push(&out, xstrdup("PATH=/proc/ocilink-no-such-dir"));
        for (size_t i = 0; i < env.n; i++)
                if (strncmp(env.v[i], "PATH=", 5) != 0)
                        strv_push(&out, xstrdup(env.v[i]));
        config_set_env(cfg, &out);
        config_set_annotation(cfg, ANN_ERROR, msg);
        strv_done(&env);
        strv_done(&out);
        buf_done(&b);
}

int cmd_precreate(const struct hook_ctx *ctx, bool fail_in_runtime)
{
        _cleanup_free_ char *in = NULL, *out = NULL, *err = NULL;
        _cleanup_json_ struct json_value *cfg = NULL;
        struct rewrite w = { 0 };
        size_t len, out_len;
        int r;

        r = read_fd_bounded(STDIN_FILENO, OCILINK_MAX_JSON_BYTES, &in, &len);
        if (r == -EFBIG)
                return log_error(1, "config on stdin is larger than %u bytes", OCILINK_MAX_JSON_BYTES);
        if (r < 0)
                return log_error(1, "cannot read the config on stdin: %s", strerror(-r));
        if (parse_config(in, len, "config on stdin", &cfg) < 0)
                return 1;
        r = rewrite_config(ctx, cfg, &w, &err);
        if (r < 0) {
                log_error(r, "%s", err);
                if (!fail_in_runtime || cfg->type != JSON_OBJECT) {
                        rewrite_done(&w);
                        return 1;
                }
                make_unstartable(cfg, w.name ? w.name : "container", err);
                w.changed = true;
        }
        /* A container without links leaves exactly as it came. */
        if (!w.changed) {
                rewrite_done(&w);
                r = write_all(STDOUT_FILENO, in, len);
                return r < 0 ? log_error(1, "cannot write the config: %s", strerror(-r)) : 0;
        }
        rewrite_done(&w);
        if (json_write(cfg, false, &out, &out_len) < 0)
                return log_error(1, "cannot serialise the config");
        r = write_all(STDOUT_FILENO, out, out_len);
        return r < 0 ? log_error(1, "cannot write the config: %s", strerror(-r)) : 0;
}

int cmd_prepare(const struct hook_ctx *ctx, const char *dir, bool install_hooks)
{
        _cleanup_close_ int dirfd = -EBADF;
        _cleanup_free_ char *in = NULL, *out = NULL, *err = NULL;
        _cleanup_json_ struct json_value *cfg = NULL;
        struct rewrite w = { 0 };
        struct stat st;
        size_t len, out_len;
        int r;

        log_set_container(dir);
        if (bundle_load_config(dir, &dirfd, &in, &len, &cfg) < 0)
                return 1;
        r = rewrite_config(ctx, cfg, &w, &err);
        rewrite_done(&w);
        if (r < 0)
                return log_error(1, "%s", err);
        if (install_hooks && config_install_hooks(cfg, ctx->exe, ctx->state_dir, &err) < 0)
                return log_error(1, "%s", err);
        if (json_write(cfg, true, &out, &out_len) < 0)
                return log_error(1, "cannot serialise the config");
        if (out_len == len && memcmp(out, in, len) == 0)
                return 0;
        if (fstatat(dirfd, "config.json", &st, AT_SYMLINK_NOFOLLOW) < 0)
                return log_error(1, "cannot stat config.json: %s", strerror(errno));
        r = write_file_atomic_at(dirfd, "config.json", out, out_len, st.st_mode & 07777);
        if (r < 0)
                return log_error(1, "cannot write config.json: %s", strerror(-r));
        return 0;
}

int cmd_explain(const struct hook_ctx *ctx, const char *dir)
{
        _cleanup_close_ int dirfd = -EBADF;
        _cleanup_free_ char *in = NULL, *err = NULL;
        _cleanup_json_ struct json_value *cfg = NULL;
        struct rewrite w = { 0 };
        struct buf text = { 0 };
        size_t len;
        int r;

        log_set_container(dir);
        if (bundle_load_config(dir, &dirfd, &in, &len, &cfg) < 0)
                return 1;
        r = rewrite_config(ctx, cfg, &w, &err);
        if (r < 0) {
                printf("a start would fail: %s\n", err);
                rewrite_done(&w);
                return log_error(1, "%s", err);
        }
        if (!w.any || w.plan.n_parts == 0) {
                printf("%s: no links\n", w.name ? w.name : dir);
                rewrite_done(&w);
                return 0;
        }
        link_plan_describe(&w.plan, &w.injected, &text);
        printf("container %s\n%s", w.name, text.data);
        buf_done(&text);
        rewrite_done(&w);
        return 0;
}

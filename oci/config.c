#include "oci/config.h"

#include <errno.h>
#include <string.h>

#include "links/macro.h"

static const char *const ocilink_stages[] = { "createRuntime", "poststart", "poststop" };

/* Seconds a runtime waits for one of our hooks; the hook itself finishes in milliseconds. */
#define HOOK_TIMEOUT_S 10

int config_check(const struct json_value *cfg, char **reterr)
{
        const struct json_value *process, *env, *ann;

        if (!cfg || cfg->type != JSON_OBJECT) {
                *reterr = xstrdup("config.json is not a JSON object");
                return -EBADMSG;
        }
        process = json_get(cfg, "process");
        if (process && process->type != JSON_OBJECT) {
                *reterr = xstrdup("config.json: process is not an object");
                return -EBADMSG;
        }
        env = json_get(process, "env");
        if (env) {
                if (env->type != JSON_ARRAY) {
                        *reterr = xstrdup("config.json: process.env is not an array");
                        return -EBADMSG;
                }
                for (size_t i = 0; i < env->n; i++)
                        if (env->items[i]->type != JSON_STRING) {
                                *reterr = xasprintf("config.json: process.env[%zu] is not a string", i);
                                return -EBADMSG;
                        }
        }
        ann = json_get(cfg, "annotations");
        if (ann) {
                if (ann->type != JSON_OBJECT) {
                        *reterr = xstrdup("config.json: annotations is not an object");
                        return -EBADMSG;
                }
                for (size_t i = 0; i < ann->n; i++)
                        if (ann->items[i]->type != JSON_STRING) {
                                *reterr = xstrdup("config.json: an annotation value is not a string");
                                return -EBADMSG;
                        }
        }
        return 0;
}

const struct json_value *config_annotations(const struct json_value *cfg)
{
        return json_get(cfg, "annotations");
}

const char *annotation_get(const struct json_value *annotations, const char *key)
{
        return json_get_str(annotations, key);
}

const char *config_hostname(const struct json_value *cfg)
{
        return json_get_str(cfg, "hostname");
}

const char *config_root_path(const struct json_value *cfg)
{
        return json_get_str(json_get(cfg, "root"), "path");
}

const char *config_hosts_mount_source(const struct json_value *cfg)
{
        const struct json_value *mounts = json_get(cfg, "mounts");
        const char *src = NULL;

        if (!mounts || mounts->type != JSON_ARRAY)
                return NULL;
        for (size_t i = 0; i < mounts->n; i++) {
                const char *dst = json_get_str(mounts->items[i], "destination");
                if (dst && STREQ(dst, "/etc/hosts"))
                        src = json_get_str(mounts->items[i], "source");
        }
        return src;
}

void config_env(const struct json_value *cfg, struct strv *ret)
{
        const struct json_value *env = json_get(json_get(cfg, "process"), "env");
        struct strv out = { 0 };

        for (size_t i = 0; env && env->type == JSON_ARRAY && i < env->n; i++)
                if (env->items[i]->type == JSON_STRING)
                        strv_push(&out, xstrdup(env->items[i]->str));
        *ret = out;
}

void config_set_env(struct json_value *cfg, const struct strv *env)
{
        struct json_value *process = json_get_or_add_object(cfg, "process");
        struct json_value *arr = json_new(JSON_ARRAY);

        for (size_t i = 0; i < env->n; i++)
                json_append(arr, json_new_string(env->v[i]));
        if (process)
                json_set(process, "env", arr);
        else
                json_free(arr);
}

void config_set_annotation(struct json_value *cfg, const char *key, const char *value)
{
        struct json_value *ann;

        if (!value) {
                ann = json_get(cfg, "annotations");
                if (ann && ann->type == JSON_OBJECT)
                        (void) json_remove(ann, key);
                return;
        }
        ann = json_get_or_add_object(cfg, "annotations");
        if (ann)
                json_set(ann, key, json_new_string(value));
}

static struct json_value *hook_entry(const char *exe, const char *state_dir, const char *stage)
{
        struct json_value *h = json_new(JSON_OBJECT), *args = json_new(JSON_ARRAY);

        json_set(h, "path", json_new_string(exe));
        json_append(args, json_new_string(exe));
        json_append(args, json_new_string("--state-dir"));
        json_append(args, json_new_string(state_dir));
        json_append(args, json_new_string(stage));
        json_set(h, "args", args);
        json_set(h, "timeout", json_new_int(HOOK_TIMEOUT_S));
        return h;
}

int config_install_hooks(struct json_value *cfg, const char *exe, const char *state_dir, char **reterr)
{
        struct json_value *hooks = json_get_or_add_object(cfg, "hooks");

        if (!hooks) {
                *reterr = xstrdup("config.json: hooks is not an object");
                return -EBADMSG;
        }
        for (size_t s = 0; s < ELEMENTSOF(ocilink_stages); s++) {
                struct json_value *arr = json_get_or_add_array(hooks, ocilink_stages[s]);
                bool done = false;

                if (!arr) {
                        *reterr = xasprintf("config.json: hooks.%s is not an array", ocilink_stages[s]);
                        return -EBADMSG;
                }
                for (size_t i = 0; i < arr->n; i++) {
                        const char *path = json_get_str(arr->items[i], "path");
                        if (!path || !STREQ(path, exe))
                                continue;
                        if (done) {
                                json_remove_at(arr, i--);
                                continue;
                        }
                        json_free(arr->items[i]);
                        arr->items[i] = hook_entry(exe, state_dir, ocilink_stages[s]);
                        done = true;
                }
                if (!done)
                        json_append(arr, hook_entry(exe, state_dir, ocilink_stages[s]));
        }
        return 0;
}

/* Input: one JSON document, as a runtime hands it over (OCI state on stdin) or as a bundle holds it
 * (config.json). Checks json_parse's caps and tree invariants, that json_write output parses back
 * and writes back byte-identically (pretty and compact), json_number_to_ll against strtoll, and
 * oci_state_parse, config_check, the config accessors and the config rewrites the hook does. */

#include "tests/fuzz/fuzz.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>

#include "links/annotations.h"
#include "links/limits.h"
#include "links/names.h"
#include "links/strv.h"
#include "oci/config.h"
#include "oci/json.h"
#include "oci/state.h"

#define HOOK_EXE "/usr/libexec/oci/hooks.d/ocilink-hook"
#define STATE_DIR "/run/ocilink"

static bool json_equal(const struct json_value *a, const struct json_value *b)
{
        if (a->type != b->type)
                return false;
        switch (a->type) {
        case JSON_NUMBER:
        case JSON_STRING:
                return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
        case JSON_ARRAY:
        case JSON_OBJECT:
                if (a->n != b->n)
                        return false;
                for (size_t i = 0; i < a->n; i++) {
                        if (a->type == JSON_OBJECT && strcmp(a->keys[i], b->keys[i]) != 0)
                                return false;
                        if (!json_equal(a->items[i], b->items[i]))
                                return false;
                }
                return true;
        case JSON_NULL:
        case JSON_TRUE:
        case JSON_FALSE:
                return true;
        default:
                return false;
        }
}

/* The reference for json_number_to_ll: JSON integer syntax, then strtoll. */
static int ref_number_to_ll(const char *s, long long *ret)
{
        const char *d = s[0] == '-' ? s + 1 : s;
        long long v;
        char *end;

        if (!*d || (d[0] == '0' && d[1]) || strspn(d, "0123456789") != strlen(d))
                return -EINVAL;
        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        FUZZ_CHECK(errno == 0 && *end == '\0');
        *ret = v;
        return 0;
}

static void check_number(const struct json_value *v)
{
        long long got = 0, want = 0, pid = 0;
        int r, ref, rpid;

        r = json_number_to_ll(v, LLONG_MIN, LLONG_MAX, &got);
        ref = ref_number_to_ll(v->str, &want);
        FUZZ_CHECK(r == ref);
        if (r == 0)
                FUZZ_CHECK(got == want);
        /* The range oci_state_parse uses for pid. */
        rpid = json_number_to_ll(v, 0, 4194304, &pid);
        if (r == 0 && want >= 0 && want <= 4194304)
                FUZZ_CHECK(rpid == 0 && pid == want);
        else
                FUZZ_CHECK(rpid < 0);
}

/* What the parser promises about every tree it returns. */
static void check_tree(const struct json_value *v, size_t depth)
{
        FUZZ_CHECK(v);
        switch (v->type) {
        case JSON_NUMBER:
                FUZZ_CHECK(v->str && v->len > 0 && strlen(v->str) == v->len);
                check_number(v);
                break;
        case JSON_STRING:
                FUZZ_CHECK(v->str && strlen(v->str) == v->len);
                break;
        case JSON_ARRAY:
        case JSON_OBJECT:
                FUZZ_CHECK(depth < OCILINK_MAX_JSON_DEPTH);
                for (size_t i = 0; i < v->n; i++) {
                        if (v->type == JSON_OBJECT) {
                                FUZZ_CHECK(v->keys[i]);
                                /* Unique keys: a lookup finds each member at its own index. */
                                FUZZ_CHECK(json_get(v, v->keys[i]) == v->items[i]);
                        }
                        check_tree(v->items[i], depth + 1);
                }
                break;
        case JSON_NULL:
        case JSON_TRUE:
        case JSON_FALSE:
                FUZZ_CHECK(v->n == 0);
                break;
        default:
                FUZZ_CHECK(!"unknown JSON type");
        }
}

static char *write_or_die(const struct json_value *v, bool pretty, size_t *ret_len)
{
        char *out = NULL;
        size_t len = 0;

        FUZZ_CHECK(json_write(v, pretty, &out, &len) == 0);
        FUZZ_CHECK(out && strlen(out) == len);
        *ret_len = len;
        return out;
}

/* json_write output must parse, give the same tree, and write back to the same bytes. */
static void check_round_trip(const struct json_value *tree, bool pretty)
{
        _cleanup_json_ struct json_value *again = NULL;
        char err[JSON_ERR_MAX] = "";
        char *out, *out2;
        size_t len, len2;

        out = write_or_die(tree, pretty, &len);
        if (json_parse(out, len, &again, err) != 0) {
                fprintf(stderr, "json_write output does not parse: %s\n", err);
                FUZZ_CHECK(!"round trip parses");
        }
        FUZZ_CHECK(json_equal(tree, again));
        out2 = write_or_die(again, pretty, &len2);
        FUZZ_CHECK(len == len2 && memcmp(out, out2, len) == 0);
        free(out2);
        free(out);
}

static void check_state(const uint8_t *data, size_t size, const struct json_value *tree)
{
        struct oci_state s = { 0 };
        char *err = NULL;
        int r;

        r = oci_state_parse((const char *) data, size, &s, &err);
        if (r < 0) {
                FUZZ_CHECK(r == -EBADMSG || r == -EFBIG || r == -ELOOP);
                fuzz_check_message(err);
                free(err);
                FUZZ_CHECK(!tree || r == -EBADMSG);
                return;
        }
        FUZZ_CHECK(tree && s.tree && json_equal(tree, s.tree));
        FUZZ_CHECK(s.id && id_is_valid(s.id));
        FUZZ_CHECK(s.bundle && s.bundle[0] == '/');
        FUZZ_CHECK(s.pid >= 0 && s.pid <= 4194304);
        FUZZ_CHECK(!s.annotations || s.annotations->type == JSON_OBJECT);
        oci_state_done(&s);
        FUZZ_CHECK(!s.tree);
}

static bool has_one_hook_entry(const struct json_value *cfg, const char *stage)
{
        const struct json_value *arr = json_get(json_get(cfg, "hooks"), stage);
        size_t n = 0;

        if (!arr || arr->type != JSON_ARRAY)
                return false;
        for (size_t i = 0; i < arr->n; i++) {
                const char *path = json_get_str(arr->items[i], "path");
                if (path && strcmp(path, HOOK_EXE) == 0)
                        n++;
        }
        return n == 1;
}

/* The rewrites the precreate command does, on a private copy of the document. */
static void check_config_rewrites(const uint8_t *data, size_t size, const struct json_value *cfg)
{
        _cleanup_json_ struct json_value *copy = NULL, *back = NULL;
        const struct json_value *env = json_get(json_get(cfg, "process"), "env");
        char jerr[JSON_ERR_MAX] = "";
        struct strv vars = { 0 };
        char *err = NULL, *w1, *w2, *orig;
        size_t l1, l2, lo;
        int r;

        FUZZ_CHECK(json_parse((const char *) data, size, &copy, jerr) == 0);
        orig = write_or_die(copy, false, &lo);

        /* Writing back the env it holds changes nothing. */
        config_env(copy, &vars);
        FUZZ_CHECK(vars.n == (env ? env->n : 0));
        if (env) {
                config_set_env(copy, &vars);
                w1 = write_or_die(copy, false, &l1);
                FUZZ_CHECK(l1 == lo && memcmp(w1, orig, lo) == 0);
                free(w1);
        }
        strv_done(&vars);

        config_set_annotation(copy, ANN_INJECTED, "A_PORT\nA_NAME");
        FUZZ_CHECK(annotation_get(config_annotations(copy), ANN_INJECTED));
        FUZZ_CHECK(strcmp(annotation_get(config_annotations(copy), ANN_INJECTED), "A_PORT\nA_NAME") == 0);
        config_set_annotation(copy, ANN_INJECTED, NULL);
        FUZZ_CHECK(!annotation_get(config_annotations(copy), ANN_INJECTED));

        r = config_install_hooks(copy, HOOK_EXE, STATE_DIR, &err);
        if (r < 0) {
                FUZZ_CHECK(r == -EBADMSG);
                fuzz_check_message(err);
                free(err);
                free(orig);
                return;
        }
        FUZZ_CHECK(has_one_hook_entry(copy, "createRuntime"));
        FUZZ_CHECK(has_one_hook_entry(copy, "poststart"));
        FUZZ_CHECK(has_one_hook_entry(copy, "poststop"));
        w1 = write_or_die(copy, true, &l1);
        /* Idempotent: installing again gives the same document. */
        FUZZ_CHECK(config_install_hooks(copy, HOOK_EXE, STATE_DIR, &err) == 0);
        w2 = write_or_die(copy, true, &l2);
        FUZZ_CHECK(l1 == l2 && memcmp(w1, w2, l1) == 0);

        /* The rewritten config is one the hook (and a runtime) can read again. */
        if (json_parse(w1, l1, &back, jerr) != 0) {
                fprintf(stderr, "rewritten config does not parse: %s\n", jerr);
                FUZZ_CHECK(!"rewritten config parses");
        }
        FUZZ_CHECK(json_equal(copy, back));
        FUZZ_CHECK(config_check(back, &err) == 0);
        free(w2);
        free(w1);
        free(orig);
}

static const char *last_hosts_mount_source(const struct json_value *cfg)
{
        const struct json_value *mounts = json_get(cfg, "mounts");
        const char *src = NULL;

        for (size_t i = 0; mounts && mounts->type == JSON_ARRAY && i < mounts->n; i++) {
                const struct json_value *m = mounts->items[i], *dst = json_get(m, "destination");
                if (dst && dst->type == JSON_STRING && strcmp(dst->str, "/etc/hosts") == 0) {
                        const struct json_value *v = json_get(m, "source");
                        src = v && v->type == JSON_STRING ? v->str : NULL;
                }
        }
        return src;
}

static void check_config(const uint8_t *data, size_t size, const struct json_value *cfg)
{
        const struct json_value *ann;
        const char *s;
        char *err = NULL;
        int r;

        r = config_check(cfg, &err);
        if (r < 0) {
                FUZZ_CHECK(r == -EBADMSG);
                fuzz_check_message(err);
                free(err);
                return;
        }
        FUZZ_CHECK(cfg->type == JSON_OBJECT);

        ann = config_annotations(cfg);
        FUZZ_CHECK(!ann || ann->type == JSON_OBJECT);
        for (size_t i = 0; ann && i < ann->n; i++) {
                s = annotation_get(ann, ann->keys[i]);
                FUZZ_CHECK(s && s == ann->items[i]->str);
        }
        (void) annotation_get(ann, ANN_LINKS);
        s = config_hostname(cfg);
        FUZZ_CHECK(!s || s == json_get_str(cfg, "hostname"));
        (void) config_root_path(cfg);
        /* The last mount on /etc/hosts decides, as mounts stack. */
        s = config_hosts_mount_source(cfg);
        FUZZ_CHECK(s == last_hosts_mount_source(cfg));

        check_config_rewrites(data, size, cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        _cleanup_json_ struct json_value *tree = NULL;
        char err[JSON_ERR_MAX];
        int r;

        memset(err, 'X', sizeof(err));
        r = json_parse((const char *) data, size, &tree, err);
        if (r < 0) {
                FUZZ_CHECK(r == -EBADMSG || r == -EFBIG || r == -ELOOP);
                FUZZ_CHECK(memchr(err, '\0', sizeof(err)));
                fuzz_check_message(err);
                FUZZ_CHECK(!tree);
                if (size > 0 && size <= OCILINK_MAX_JSON_BYTES && memchr(data, '\0', size))
                        FUZZ_CHECK(r == -EBADMSG);
        } else {
                FUZZ_CHECK(r == 0 && tree);
                FUZZ_CHECK(size <= OCILINK_MAX_JSON_BYTES && !memchr(data, '\0', size));
                check_tree(tree, 0);
                check_round_trip(tree, false);
                check_round_trip(tree, true);
        }

        check_state(data, size, tree);
        if (tree)
                check_config(data, size, tree);
        return 0;
}

/* Reading and rewriting config.json trees (oci/config.c): the checks, the /etc/hosts mount source,
 * env and annotation rewrites that keep every other byte's meaning (keys, key order, number text),
 * and the installation of ocilink's hook entries. The base document is what `runc spec` writes
 * (generated at test time when runc is installed, else the embedded copy of its output). */
#include "tests/unit/helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oci/config.h"
#include "oci/json.h"

/* `runc spec` (runc 1.1, spec 1.0.2-dev), as it writes it. */
static const char EMBEDDED_RUNC_SPEC[] =
        "{\n"
        "\t\"ociVersion\": \"1.0.2-dev\",\n"
        "\t\"process\": {\n"
        "\t\t\"terminal\": true,\n"
        "\t\t\"user\": {\n\t\t\t\"uid\": 0,\n\t\t\t\"gid\": 0\n\t\t},\n"
        "\t\t\"args\": [\n\t\t\t\"sh\"\n\t\t],\n"
        "\t\t\"env\": [\n"
        "\t\t\t\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n"
        "\t\t\t\"TERM=xterm\"\n"
        "\t\t],\n"
        "\t\t\"cwd\": \"/\",\n"
        "\t\t\"capabilities\": {\n"
        "\t\t\t\"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],\n"
        "\t\t\t\"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],\n"
        "\t\t\t\"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],\n"
        "\t\t\t\"ambient\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]\n"
        "\t\t},\n"
        "\t\t\"rlimits\": [\n\t\t\t{\n\t\t\t\t\"type\": \"RLIMIT_NOFILE\",\n\t\t\t\t\"hard\": 1024,\n"
        "\t\t\t\t\"soft\": 1024\n\t\t\t}\n\t\t],\n"
        "\t\t\"noNewPrivileges\": true\n"
        "\t},\n"
        "\t\"root\": {\n\t\t\"path\": \"rootfs\",\n\t\t\"readonly\": true\n\t},\n"
        "\t\"hostname\": \"runc\",\n"
        "\t\"mounts\": [\n"
        "\t\t{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},\n"
        "\t\t{\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
        "\t\t \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},\n"
        "\t\t{\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\",\n"
        "\t\t \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\", \"gid=5\"]},\n"
        "\t\t{\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\",\n"
        "\t\t \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\"]},\n"
        "\t\t{\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\",\n"
        "\t\t \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},\n"
        "\t\t{\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\",\n"
        "\t\t \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]},\n"
        "\t\t{\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\",\n"
        "\t\t \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\"]}\n"
        "\t],\n"
        "\t\"linux\": {\n"
        "\t\t\"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]},\n"
        "\t\t\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"},\n"
        "\t\t               {\"type\": \"uts\"}, {\"type\": \"mount\"}],\n"
        "\t\t\"maskedPaths\": [\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\",\n"
        "\t\t                \"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\",\n"
        "\t\t                \"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\"],\n"
        "\t\t\"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\"]\n"
        "\t}\n"
        "}";

/* ---- group fixture: the base document ---- */

static char g_dir[256];     /* mkdtemp dir for `runc spec`, "" when none */
static char *g_spec;        /* the base document's text */
static const char *g_source = "embedded";

/* Runs `runc spec --bundle g_dir` (quietly); true when it wrote a config.json. */
static bool run_runc_spec(void)
{
        pid_t pid;
        int ws;

        pid = fork();
        if (pid < 0)
                return false;
        if (pid == 0) {
                int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
                if (devnull >= 0) {
                        dup2(devnull, 1);
                        dup2(devnull, 2);
                }
                execlp("runc", "runc", "spec", "--bundle", g_dir, (char *) NULL);
                _exit(127);
        }
        if (waitpid(pid, &ws, 0) != pid)
                return false;
        return WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
}

static int group_setup(void **state)
{
        (void) state;
        snprintf(g_dir, sizeof g_dir, "/tmp/ocilink-config-XXXXXX");
        if (!mkdtemp(g_dir)) {
                g_dir[0] = '\0';
                return -1;
        }
        if (run_runc_spec()) {
                char p[512];
                snprintf(p, sizeof p, "%s/config.json", g_dir);
                g_spec = test_read_file(p, NULL);
                if (g_spec)
                        g_source = "runc spec";
        }
        if (!g_spec)
                g_spec = xstrdup(EMBEDDED_RUNC_SPEC);
        print_message("# base document: %s (%zu bytes)\n", g_source, strlen(g_spec));
        return 0;
}

static int group_teardown(void **state)
{
        (void) state;
        if (g_dir[0])
                test_rm_rf(g_dir);
        g_dir[0] = '\0';
        free(g_spec);
        g_spec = NULL;
        return 0;
}

/* ---- per-test fixture: trees and buffers freed even when an assertion fails ---- */

#define MAX_OWNED 64

struct fx {
        struct json_value *trees[MAX_OWNED];
        size_t ntrees;
        char *bufs[MAX_OWNED];
        size_t nbufs;
        struct strv strvs[4];
};

static int setup(void **state)
{
        struct fx *f = calloc(1, sizeof *f);
        if (!f)
                return -1;
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fx *f = *state;

        if (!f)
                return 0;
        for (size_t i = 0; i < f->ntrees; i++)
                json_free(f->trees[i]);
        for (size_t i = 0; i < f->nbufs; i++)
                free(f->bufs[i]);
        for (size_t i = 0; i < ELEMENTSOF(f->strvs); i++)
                strv_done(&f->strvs[i]);
        free(f);
        *state = NULL;
        return 0;
}

static char *own_buf(struct fx *f, char *b)
{
        assert_true(f->nbufs < MAX_OWNED);
        f->bufs[f->nbufs++] = b;
        return b;
}

static struct json_value *parse(struct fx *f, const char *text)
{
        struct json_value *v = NULL;
        char err[JSON_ERR_MAX];
        int r = json_parse(text, strlen(text), &v, err);

        if (r < 0) {
                print_message("# json_parse: %d %s\n", r, err);
                fail();
        }
        assert_true(f->ntrees < MAX_OWNED);
        f->trees[f->ntrees++] = v;
        return v;
}

static char *write_json(struct fx *f, const struct json_value *v, bool pretty)
{
        char *out = NULL;
        size_t len = 0;

        assert_int_equal(json_write(v, pretty, &out, &len), 0);
        assert_non_null(out);
        assert_int_equal(strlen(out), len);
        return own_buf(f, out);
}

/* text with ins inserted right after the first occurrence of after. */
static char *insert_after(struct fx *f, const char *text, const char *after, const char *ins)
{
        const char *p = strstr(text, after);
        struct buf b = { 0 };

        assert_non_null(p);
        p += strlen(after);
        buf_append(&b, text, (size_t) (p - text));
        buf_puts(&b, ins);
        buf_puts(&b, p);
        return own_buf(f, b.data);
}

/* Deep equality: types, number text, string bytes, key order. The value at skip (a key path
 * from the root, NULL-terminated) is not compared, but its key still must be in place. */
static void assert_json_eq_at(const struct json_value *a, const struct json_value *b, const char *const *skip,
                              int depth, const char *where)
{
        if (a->type != b->type)
                print_message("# type differs at %s: %d vs %d\n", where, a->type, b->type);
        assert_int_equal(a->type, b->type);
        switch (a->type) {
        case JSON_NUMBER:
        case JSON_STRING:
                if (a->len != b->len || memcmp(a->str, b->str, a->len) != 0)
                        print_message("# value differs at %s: %s vs %s\n", where, a->str, b->str);
                assert_int_equal(a->len, b->len);
                assert_memory_equal(a->str, b->str, a->len);
                break;
        case JSON_ARRAY:
                assert_int_equal(a->n, b->n);
                for (size_t i = 0; i < a->n; i++)
                        assert_json_eq_at(a->items[i], b->items[i], NULL, depth + 1, where);
                break;
        case JSON_OBJECT:
                if (a->n != b->n)
                        print_message("# member count differs at %s: %zu vs %zu\n", where, a->n, b->n);
                assert_int_equal(a->n, b->n);
                for (size_t i = 0; i < a->n; i++) {
                        const char *const *next = NULL;
                        assert_string_equal(a->keys[i], b->keys[i]);
                        if (skip && skip[0] && STREQ(skip[0], a->keys[i])) {
                                if (!skip[1])
                                        continue; /* the skipped value */
                                next = skip + 1;
                        }
                        assert_json_eq_at(a->items[i], b->items[i], next, depth + 1, a->keys[i]);
                }
                break;
        default:
                break;
        }
}

static void assert_json_eq(const struct json_value *a, const struct json_value *b, const char *const *skip)
{
        assert_json_eq_at(a, b, skip, 0, "(root)");
}

static void assert_keys(const struct json_value *obj, const char *const *want)
{
        size_t n = 0;

        assert_non_null(obj);
        assert_int_equal(obj->type, JSON_OBJECT);
        while (want[n])
                n++;
        if (obj->n != n)
                for (size_t i = 0; i < obj->n; i++)
                        print_message("# key[%zu] %s\n", i, obj->keys[i]);
        assert_int_equal(obj->n, n);
        for (size_t i = 0; i < n; i++)
                assert_string_equal(obj->keys[i], want[i]);
}

static void check_refused(const struct json_value *cfg)
{
        char *err = NULL;
        int r = config_check(cfg, &err);
        bool empty = !err || !err[0];

        if (r >= 0)
                print_message("# config_check accepted a bad config\n");
        free(err);
        assert_int_equal(r, -EBADMSG);
        assert_false(empty);
}

static void check_text_refused(struct fx *f, const char *text)
{
        check_refused(parse(f, text));
}

static void check_text_accepted(struct fx *f, const char *text)
{
        char *err = NULL;
        int r = config_check(parse(f, text), &err);

        if (r < 0)
                print_message("# refused %s: %s\n", text, err ? err : "");
        free(err);
        assert_int_equal(r, 0);
}

/* ---- config_check and accessors ---- */

static void runc_spec_accepted(void **state)
{
        struct fx *f = *state;
        struct json_value *cfg = parse(f, g_spec), *emb = parse(f, EMBEDDED_RUNC_SPEC);
        static const char *const env[] = {
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "TERM=xterm",
                NULL,
        };
        char *err = NULL;

        assert_int_equal(config_check(cfg, &err), 0);
        assert_null(err);
        assert_int_equal(config_check(emb, &err), 0);
        assert_null(err);
        assert_string_equal(config_hostname(cfg), "runc");
        assert_string_equal(config_root_path(cfg), "rootfs");
        assert_null(config_hosts_mount_source(cfg));
        assert_null(config_annotations(cfg));
        config_env(cfg, &f->strvs[0]);
        assert_strv_eq(&f->strvs[0], env);
}

static void check_refuses_bad_shapes(void **state)
{
        struct fx *f = *state;
        struct json_value *cfg;

        /* not an object */
        check_text_refused(f, "[]");
        check_text_refused(f, "\"config\"");
        check_text_refused(f, "null");
        /* process.env not an array */
        check_text_refused(f, "{\"process\": {\"env\": \"PATH=/bin\"}}");
        check_text_refused(f, "{\"process\": {\"env\": {\"PATH\": \"/bin\"}}}");
        check_text_refused(f, "{\"process\": {\"env\": null}}");
        /* an env item not a string */
        check_text_refused(f, "{\"process\": {\"env\": [\"A=1\", 2]}}");
        check_text_refused(f, "{\"process\": {\"env\": [\"A=1\", null]}}");
        check_text_refused(f, "{\"process\": {\"env\": [[\"A=1\"]]}}");
        /* process itself not an object */
        check_text_refused(f, "{\"process\": [\"env\"]}");
        /* annotations not an object */
        check_text_refused(f, "{\"annotations\": []}");
        check_text_refused(f, "{\"annotations\": \"io.ocilink.links=db\"}");
        check_text_refused(f, "{\"annotations\": null}");
        /* an annotation value not a string */
        check_text_refused(f, "{\"annotations\": {\"a\": \"1\", \"io.ocilink.links\": 2}}");
        check_text_refused(f, "{\"annotations\": {\"a\": null}}");
        check_text_refused(f, "{\"annotations\": {\"a\": true}}");
        check_text_refused(f, "{\"annotations\": {\"a\": {\"b\": \"c\"}}}");
        check_text_refused(f, "{\"annotations\": {\"a\": [\"b\"]}}");

        /* the same damage done to the real document */
        cfg = parse(f, g_spec);
        json_set(json_get(cfg, "process"), "env", json_new_string("PATH=/bin"));
        check_refused(cfg);
        cfg = parse(f, g_spec);
        json_append(json_get(json_get(cfg, "process"), "env"), json_new_int(7));
        check_refused(cfg);
        cfg = parse(f, g_spec);
        json_set(cfg, "annotations", json_new(JSON_ARRAY));
        check_refused(cfg);
        cfg = parse(f, g_spec);
        {
                struct json_value *ann = json_new(JSON_OBJECT);
                json_set(ann, "org.opencontainers.image.title", json_new_string("x"));
                json_set(ann, "io.ocilink.links", json_new_number("1"));
                json_set(cfg, "annotations", ann);
        }
        check_refused(cfg);
}

static void check_accepts_good_shapes(void **state)
{
        struct fx *f = *state;

        check_text_accepted(f, "{}");
        check_text_accepted(f, "{\"process\": {}}");
        check_text_accepted(f, "{\"process\": {\"env\": []}}");
        check_text_accepted(f, "{\"annotations\": {}}");
        check_text_accepted(f, "{\"annotations\": {\"io.ocilink.links\": \"db:db\", \"x\": \"\"}}");
        check_text_accepted(f, "{\"process\": {\"env\": [\"A=1\", \"B=\"]}, \"x-vendor\": [1, {\"y\": null}]}");
}

static void hosts_mount_source(void **state)
{
        struct fx *f = *state;
        struct json_value *cfg = parse(f, g_spec);
        struct json_value *mounts = json_get(cfg, "mounts"), *m;

        assert_non_null(mounts);
        assert_null(config_hosts_mount_source(cfg));

        m = parse(f, "{\"destination\": \"/etc/hosts\", \"type\": \"bind\", "
                     "\"source\": \"/var/lib/containers/a/userdata/hosts\", \"options\": [\"bind\", \"rprivate\"]}");
        f->ntrees--; /* ownership moves into cfg */
        json_append(mounts, m);
        assert_string_equal(config_hosts_mount_source(cfg), "/var/lib/containers/a/userdata/hosts");

        m = parse(f, "{\"destination\": \"/etc/resolv.conf\", \"type\": \"bind\", \"source\": \"/run/r\"}");
        f->ntrees--;
        json_append(mounts, m);
        m = parse(f, "{\"destination\": \"/etc/hosts\", \"type\": \"bind\", "
                     "\"source\": \"/var/lib/containers/b/userdata/hosts\"}");
        f->ntrees--;
        json_append(mounts, m);
        m = parse(f, "{\"destination\": \"/etc/hostname\", \"type\": \"bind\", \"source\": \"/run/h\"}");
        f->ntrees--;
        json_append(mounts, m);
        /* two /etc/hosts mounts: the last one is what the container sees */
        assert_string_equal(config_hosts_mount_source(cfg), "/var/lib/containers/b/userdata/hosts");

        /* no mounts, or mounts not an array */
        assert_null(config_hosts_mount_source(parse(f, "{}")));
        assert_null(config_hosts_mount_source(parse(f, "{\"mounts\": {\"destination\": \"/etc/hosts\"}}")));
}

/* ---- rewrites keep everything else ---- */

static void set_env_keeps_everything_else(void **state)
{
        struct fx *f = *state;
        static const char *const env_path[] = { "process", "env", NULL };
        static const char *const new_env[] = {
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "TERM=xterm",
                "DB_PORT=tcp://10.0.0.2:5432",
                "EQ=a=b=c",
                "NL=line1\nline2",
                "U=h\xc3\xa9llo \xe2\x9c\x93",
                NULL,
        };
        char *text, *out, *pretty, *orig_out;
        struct json_value *orig, *cfg, *back;
        struct strv env = { 0 };

        /* a process member with a number written as 1.50, a root member nobody knows with a
         * number no double can hold */
        text = insert_after(f, g_spec, "\"process\": {", "\"oomScoreAdj\": 1.50, ");
        text = insert_after(f, text, "{", "\"x-vendor\": {\"a\": [1e400, -0.0, 1E+2]}, ");
        orig = parse(f, text);
        cfg = parse(f, text);
        orig_out = write_json(f, orig, false);

        for (size_t i = 0; new_env[i]; i++)
                strv_push(&env, xstrdup(new_env[i]));
        config_set_env(cfg, &env);
        strv_done(&env);

        out = write_json(f, cfg, false);
        pretty = write_json(f, cfg, true);
        if (!strstr(out, "\"oomScoreAdj\":1.50") || !strstr(out, "\"x-vendor\":{\"a\":[1e400,-0.0,1E+2]}"))
                print_message("# output: %s\n", out);
        assert_non_null(strstr(out, "\"oomScoreAdj\":1.50"));
        assert_non_null(strstr(out, "\"x-vendor\":{\"a\":[1e400,-0.0,1E+2]}"));
        assert_non_null(strstr(pretty, "\"oomScoreAdj\": 1.50"));
        assert_non_null(strstr(pretty, "1e400"));
        /* x-vendor is still the first key, oomScoreAdj the first of process */
        assert_int_equal(strncmp(out, "{\"x-vendor\":", 12), 0);
        assert_non_null(strstr(out, "\"process\":{\"oomScoreAdj\":1.50,\"terminal\":true,"));

        /* every other member, in order, with the same text; env where it was */
        back = parse(f, out);
        assert_json_eq(orig, back, env_path);
        back = parse(f, pretty);
        assert_json_eq(orig, back, env_path);
        config_env(back, &f->strvs[0]);
        assert_strv_eq(&f->strvs[0], new_env);

        /* setting the old env back gives the very bytes of the untouched tree */
        config_env(orig, &f->strvs[1]);
        config_set_env(cfg, &f->strvs[1]);
        assert_string_equal(write_json(f, cfg, false), orig_out);
}

static void set_env_without_process(void **state)
{
        struct fx *f = *state;
        static const char *const keys[] = { "ociVersion", "x", "process", NULL };
        static const char *const want[] = { "A=1", NULL };
        struct json_value *cfg = parse(f, "{\"ociVersion\": \"1.0.2\", \"x\": 2.5e-3}");

        strv_push(&f->strvs[0], xstrdup("A=1"));
        config_set_env(cfg, &f->strvs[0]);
        assert_keys(cfg, keys);
        config_env(cfg, &f->strvs[1]);
        assert_strv_eq(&f->strvs[1], want);
        assert_string_equal(write_json(f, cfg, false),
                            "{\"ociVersion\":\"1.0.2\",\"x\":2.5e-3,\"process\":{\"env\":[\"A=1\"]}}");
}

static void set_annotation_set_replace_remove(void **state)
{
        struct fx *f = *state;
        struct json_value *cfg = parse(f, g_spec), *orig = parse(f, g_spec), *ann;
        static const char *const k1[] = { "io.ocilink.links", NULL };
        static const char *const k2[] = { "io.ocilink.links", "io.ocilink.env-export", NULL };
        static const char *const k3[] = { "io.ocilink.env-export", NULL };
        const char *odd = "line1\nline2 \xc3\xa9 \"q\" \\";
        char *out;

        /* removing from a config without annotations changes nothing and creates nothing */
        config_set_annotation(cfg, "io.ocilink.links", NULL);
        assert_null(config_annotations(cfg));
        assert_string_equal(write_json(f, cfg, false), write_json(f, orig, false));

        /* set: annotations created as the last member */
        config_set_annotation(cfg, "io.ocilink.links", "db:db");
        ann = json_get(cfg, "annotations");
        assert_non_null(ann);
        assert_string_equal(cfg->keys[cfg->n - 1], "annotations");
        assert_keys(ann, k1);
        assert_string_equal(annotation_get(config_annotations(cfg), "io.ocilink.links"), "db:db");

        config_set_annotation(cfg, "io.ocilink.env-export", odd);
        assert_keys(ann, k2);
        /* replace: in place, order kept */
        config_set_annotation(cfg, "io.ocilink.links", "db:db,web:w");
        assert_keys(ann, k2);
        assert_string_equal(annotation_get(ann, "io.ocilink.links"), "db:db,web:w");

        /* through text and back */
        out = write_json(f, cfg, true);
        {
                struct json_value *back = parse(f, out);
                char *err = NULL;
                assert_int_equal(config_check(back, &err), 0);
                assert_string_equal(annotation_get(config_annotations(back), "io.ocilink.env-export"), odd);
                assert_string_equal(annotation_get(config_annotations(back), "io.ocilink.links"), "db:db,web:w");
                /* and it differs from the original only by its annotations */
                assert_true(json_remove(back, "annotations"));
                assert_json_eq(orig, back, NULL);
        }

        /* remove */
        config_set_annotation(cfg, "io.ocilink.links", NULL);
        assert_keys(ann, k3);
        assert_null(annotation_get(ann, "io.ocilink.links"));
        config_set_annotation(cfg, "no.such.key", NULL);
        assert_keys(ann, k3);
}

/* ---- hooks ---- */

#define EXE "/usr/local/libexec/ocilink/ocilink-hook"
#define DIR "/run/ocilink"

static void assert_our_entry(const struct json_value *h, const char *dir, const char *stage)
{
        static const char *const keys[] = { "path", "args", "timeout", NULL };
        const struct json_value *args, *t;
        long long timeout = 0;

        assert_non_null(h);
        assert_int_equal(h->type, JSON_OBJECT);
        assert_keys(h, keys);
        assert_string_equal(json_get_str(h, "path"), EXE);
        args = json_get(h, "args");
        assert_non_null(args);
        assert_int_equal(args->type, JSON_ARRAY);
        assert_int_equal(args->n, 4);
        for (size_t i = 0; i < 4; i++)
                assert_int_equal(args->items[i]->type, JSON_STRING);
        assert_string_equal(args->items[0]->str, EXE);
        assert_string_equal(args->items[1]->str, "--state-dir");
        assert_string_equal(args->items[2]->str, dir);
        assert_string_equal(args->items[3]->str, stage);
        t = json_get(h, "timeout");
        assert_non_null(t);
        assert_int_equal(t->type, JSON_NUMBER);
        assert_int_equal(json_number_to_ll(t, 0, 1000, &timeout), 0);
        assert_int_equal(timeout, 10);
}

static void install(struct json_value *cfg, const char *dir)
{
        char *err = NULL;
        int r = config_install_hooks(cfg, EXE, dir, &err);

        if (r < 0)
                print_message("# config_install_hooks: %d %s\n", r, err ? err : "");
        free(err);
        assert_int_equal(r, 0);
}

static const struct json_value *stage_arr(const struct json_value *cfg, const char *stage)
{
        const struct json_value *a = json_get(json_get(cfg, "hooks"), stage);
        assert_non_null(a);
        assert_int_equal(a->type, JSON_ARRAY);
        return a;
}

static void install_hooks_fresh(void **state)
{
        struct fx *f = *state;
        struct json_value *cfg = parse(f, g_spec), *orig = parse(f, g_spec);
        static const char *const stages[] = { "createRuntime", "poststart", "poststop", NULL };
        char *once, *once_pretty;
        char *err = NULL;

        install(cfg, DIR);
        assert_string_equal(cfg->keys[cfg->n - 1], "hooks");
        assert_keys(json_get(cfg, "hooks"), stages);
        for (size_t i = 0; stages[i]; i++) {
                const struct json_value *a = stage_arr(cfg, stages[i]);
                assert_int_equal(a->n, 1);
                assert_our_entry(a->items[0], DIR, stages[i]);
        }
        assert_int_equal(config_check(cfg, &err), 0);

        /* nothing else changed: drop hooks and compare */
        {
                struct json_value *back = parse(f, write_json(f, cfg, false));
                assert_true(json_remove(back, "hooks"));
                assert_json_eq(orig, back, NULL);
        }

        /* idempotent: a second run gives the same bytes */
        once = write_json(f, cfg, false);
        once_pretty = write_json(f, cfg, true);
        install(cfg, DIR);
        assert_string_equal(write_json(f, cfg, false), once);
        assert_string_equal(write_json(f, cfg, true), once_pretty);
        /* and so does a run on the re-read output */
        {
                struct json_value *back = parse(f, once_pretty);
                install(back, DIR);
                assert_string_equal(write_json(f, back, true), once_pretty);
        }
}

static const char FOREIGN_HOOKS[] =
        "\"hooks\": {"
        "\"prestart\": [{\"path\": \"/usr/bin/nvidia-container-runtime-hook\", "
        "\"args\": [\"nvidia-container-runtime-hook\", \"prestart\"], \"env\": [\"X=1\"]}], "
        "\"createRuntime\": [{\"path\": \"/usr/libexec/oci/hooks.d/foreign\", "
        "\"args\": [\"foreign\", \"create\"], \"timeout\": 5}], "
        "\"x-hooks-vendor\": {\"k\": 1.0}"
        "}, ";

static void install_hooks_keeps_foreign(void **state)
{
        struct fx *f = *state;
        static const char *const keys[] = { "prestart", "createRuntime", "x-hooks-vendor", "poststart", "poststop",
                                            NULL };
        char *text = insert_after(f, g_spec, "{", FOREIGN_HOOKS);
        struct json_value *orig = parse(f, text), *cfg = parse(f, text);
        const struct json_value *a, *oh = json_get(orig, "hooks");
        char *once;

        install(cfg, DIR);
        assert_keys(json_get(cfg, "hooks"), keys);
        /* prestart untouched */
        assert_json_eq(json_get(oh, "prestart"), stage_arr(cfg, "prestart"), NULL);
        assert_json_eq(json_get(oh, "x-hooks-vendor"), json_get(json_get(cfg, "hooks"), "x-hooks-vendor"), NULL);
        /* the foreign createRuntime entry first, then ours */
        a = stage_arr(cfg, "createRuntime");
        assert_int_equal(a->n, 2);
        assert_json_eq(json_get(oh, "createRuntime")->items[0], a->items[0], NULL);
        assert_our_entry(a->items[1], DIR, "createRuntime");
        a = stage_arr(cfg, "poststart");
        assert_int_equal(a->n, 1);
        assert_our_entry(a->items[0], DIR, "poststart");
        a = stage_arr(cfg, "poststop");
        assert_int_equal(a->n, 1);
        assert_our_entry(a->items[0], DIR, "poststop");
        /* the number text inside the foreign part */
        once = write_json(f, cfg, false);
        assert_non_null(strstr(once, "\"x-hooks-vendor\":{\"k\":1.0}"));

        /* twice: byte-identical */
        install(cfg, DIR);
        assert_string_equal(write_json(f, cfg, false), once);

        /* another state dir: our entries are replaced in place, nothing added */
        install(cfg, "/var/lib/ocilink");
        assert_keys(json_get(cfg, "hooks"), keys);
        a = stage_arr(cfg, "createRuntime");
        assert_int_equal(a->n, 2);
        assert_json_eq(json_get(oh, "createRuntime")->items[0], a->items[0], NULL);
        assert_our_entry(a->items[1], "/var/lib/ocilink", "createRuntime");
        assert_int_equal(stage_arr(cfg, "poststop")->n, 1);
        assert_our_entry(stage_arr(cfg, "poststop")->items[0], "/var/lib/ocilink", "poststop");
}

static void install_hooks_collapses_duplicates(void **state)
{
        struct fx *f = *state;
        const char *text =
                "{\"hooks\": {\"poststop\": ["
                "{\"path\": \"" EXE "\", \"args\": [\"" EXE "\", \"poststop\"]},"
                "{\"path\": \"/bin/foreign\"},"
                "{\"path\": \"" EXE "\", \"args\": [\"old\"]}"
                "]}}";
        struct json_value *cfg = parse(f, text);
        const struct json_value *a;

        install(cfg, DIR);
        a = stage_arr(cfg, "poststop");
        assert_int_equal(a->n, 2);
        assert_our_entry(a->items[0], DIR, "poststop");
        assert_string_equal(json_get_str(a->items[1], "path"), "/bin/foreign");
}

static void install_hooks_refusals(void **state)
{
        struct fx *f = *state;
        static const char *const bad[] = {
                "{\"hooks\": []}",
                "{\"hooks\": \"createRuntime\"}",
                "{\"hooks\": null}",
                "{\"hooks\": 1}",
                "{\"hooks\": {\"createRuntime\": {}}}",
                "{\"hooks\": {\"poststart\": \"x\"}}",
                "{\"hooks\": {\"poststop\": null}}",
                NULL,
        };

        for (size_t i = 0; bad[i]; i++) {
                struct json_value *cfg = parse(f, bad[i]);
                char *err = NULL;
                int r = config_install_hooks(cfg, EXE, DIR, &err);
                bool empty = !err || !err[0];

                if (r >= 0)
                        print_message("# accepted %s\n", bad[i]);
                free(err);
                assert_int_equal(r, -EBADMSG);
                assert_false(empty);
        }
        /* hooks a non-object on the real document: the value is left as it was */
        {
                char *text = insert_after(f, g_spec, "{", "\"hooks\": [{\"path\": \"/x\"}], ");
                struct json_value *cfg = parse(f, text), *orig = parse(f, text);
                char *err = NULL;
                int r = config_install_hooks(cfg, EXE, DIR, &err);
                free(err);
                assert_int_equal(r, -EBADMSG);
                assert_json_eq(orig, cfg, NULL);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(runc_spec_accepted, setup, teardown),
                cmocka_unit_test_setup_teardown(check_refuses_bad_shapes, setup, teardown),
                cmocka_unit_test_setup_teardown(check_accepts_good_shapes, setup, teardown),
                cmocka_unit_test_setup_teardown(hosts_mount_source, setup, teardown),
                cmocka_unit_test_setup_teardown(set_env_keeps_everything_else, setup, teardown),
                cmocka_unit_test_setup_teardown(set_env_without_process, setup, teardown),
                cmocka_unit_test_setup_teardown(set_annotation_set_replace_remove, setup, teardown),
                cmocka_unit_test_setup_teardown(install_hooks_fresh, setup, teardown),
                cmocka_unit_test_setup_teardown(install_hooks_keeps_foreign, setup, teardown),
                cmocka_unit_test_setup_teardown(install_hooks_collapses_duplicates, setup, teardown),
                cmocka_unit_test_setup_teardown(install_hooks_refusals, setup, teardown),
        };

        return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

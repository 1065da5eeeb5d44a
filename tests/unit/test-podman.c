/* Podman's container names from containers/storage's containers.json (read-only). */
#include "tests/unit/helpers.h"

#include <sys/stat.h>

#include "hook/podman.h"
#include "oci/json.h"

static char dir[64];

static void write_file(const char *path, const char *text)
{
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

static int setup(void **state)
{
        char p[256];

        snprintf(dir, sizeof dir, "/tmp/ocilink-podman-XXXXXX");
        if (!mkdtemp(dir))
                return -1;
        const char *dirs[] = { "graph", "graph/vfs-containers", "graph/vfs-containers/aaa111", "graph/vfs-containers/aaa111/userdata",
                               "graph/overlay-containers", "run", "run/vfs-containers", "run/vfs-containers/aaa111",
                               "run/vfs-containers/aaa111/userdata" };
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                snprintf(p, sizeof p, "%s/%s", dir, dirs[i]);
                if (mkdir(p, 0755) < 0)
                        return -1;
        }
        snprintf(p, sizeof p, "%s/graph/vfs-containers/containers.json", dir);
        write_file(p, "[{\"id\":\"zzz999\",\"names\":[\"other\"],\"layer\":\"l0\"},"
                      "{\"id\":\"aaa111\",\"names\":[\"db\",\"alias2\"],\"layer\":\"l1\",\"metadata\":\"{}\"},"
                      "{\"id\":\"bad222\",\"names\":[\"bad/name\"]},{\"id\":\"none333\",\"names\":[]}]");
        snprintf(p, sizeof p, "%s/graph/overlay-containers/containers.json", dir);
        write_file(p, "[{\"id\":\"ccc444\",\"names\":[\"cache\"]}]");
        return 0;
}

static int teardown(void **state)
{
        test_rm_rf(dir);
        return 0;
}

static void from_bundle(void **state)
{
        char b[256];
        char *name = NULL;

        snprintf(b, sizeof b, "%s/graph/vfs-containers/aaa111/userdata", dir);
        assert_int_equal(podman_name_from_bundle(b, "aaa111", &name), 0);
        assert_string_equal(name, "db");
        free(name);
        /* the id must match the bundle's folder */
        assert_int_equal(podman_name_from_bundle(b, "zzz999", &name), -ENOENT);
        /* a name that is not a valid ocilink name, no names, an unknown id */
        snprintf(b, sizeof b, "%s/graph/vfs-containers/bad222/userdata", dir);
        assert_int_equal(podman_name_from_bundle(b, "bad222", &name), -ENOENT);
        snprintf(b, sizeof b, "%s/graph/vfs-containers/none333/userdata", dir);
        assert_int_equal(podman_name_from_bundle(b, "none333", &name), -ENOENT);
        snprintf(b, sizeof b, "%s/graph/vfs-containers/nope/userdata", dir);
        assert_int_equal(podman_name_from_bundle(b, "nope", &name), -ENOENT);
        /* not podman's layout (a runc bundle) */
        assert_int_equal(podman_name_from_bundle("/srv/bundles/web", "web", &name), -ENOENT);
        assert_int_equal(podman_name_from_bundle("/x/userdata", "x", &name), -ENOENT);
}

static struct json_value *config(const char *hosts, const char *root)
{
        char buf[1024];
        char err[JSON_ERR_MAX];
        struct json_value *v = NULL;

        snprintf(buf, sizeof buf,
                 "{\"root\":{\"path\":\"%s\"},\"mounts\":[{\"destination\":\"/etc/hosts\",\"source\":\"%s\"}],"
                 "\"annotations\":{\"io.container.manager\":\"libpod\"}}",
                 root, hosts);
        assert_int_equal(json_parse(buf, strlen(buf), &v, err), 0);
        return v;
}

static void from_config(void **state)
{
        char hosts[256], root[256];
        char *name = NULL;
        struct json_value *cfg;

        snprintf(hosts, sizeof hosts, "%s/run/vfs-containers/aaa111/userdata/hosts", dir);
        snprintf(root, sizeof root, "%s/graph/vfs/dir/l1", dir);
        cfg = config(hosts, root);
        assert_true(podman_made(json_get(cfg, "annotations")));
        assert_int_equal(podman_name_from_config(cfg, &name), 0);
        assert_string_equal(name, "db");
        free(name);
        json_free(cfg);

        /* overlay: <graphroot>/overlay/<layer>/merged */
        snprintf(hosts, sizeof hosts, "%s/run/overlay-containers/ccc444/userdata/hosts", dir);
        snprintf(root, sizeof root, "%s/graph/overlay/l9/merged", dir);
        cfg = config(hosts, root);
        assert_int_equal(podman_name_from_config(cfg, &name), 0);
        assert_string_equal(name, "cache");
        free(name);
        json_free(cfg);

        /* a hosts mount that is not podman's (a user's -v file) */
        cfg = config("/srv/hosts", root);
        assert_int_equal(podman_name_from_config(cfg, &name), -ENOENT);
        json_free(cfg);
        snprintf(hosts, sizeof hosts, "%s/run/vfs-containers/aaa111/userdata/hosts", dir);
        cfg = config(hosts, "/somewhere/else");
        assert_int_equal(podman_name_from_config(cfg, &name), -ENOENT);
        json_free(cfg);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(from_bundle),
                cmocka_unit_test(from_config),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}

#include "hook/podman.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "hook/fileio.h"
#include "links/limits.h"
#include "links/macro.h"
#include "links/names.h"
#include "oci/config.h"

bool podman_made(const struct json_value *annotations)
{
        const char *m = annotation_get(annotations, "io.container.manager");
        return m && STREQ(m, "libpod");
}

/* The name of id in a containers.json: the first of its "names". */
static int lookup(const char *file, const char *id, char **ret)
{
        _cleanup_free_ char *buf = NULL;
        _cleanup_json_ struct json_value *arr = NULL;
        char err[JSON_ERR_MAX];
        size_t len;
        int r;

        r = read_file_at(AT_FDCWD, file, OCILINK_MAX_JSON_BYTES, &buf, &len);
        if (r < 0)
                return r;
        r = json_parse(buf, len, &arr, err);
        if (r < 0)
                return r;
        if (arr->type != JSON_ARRAY)
                return -EBADMSG;
        for (size_t i = 0; i < arr->n; i++) {
                const char *cid = json_get_str(arr->items[i], "id");
                const struct json_value *names;

                if (!cid || !STREQ(cid, id))
                        continue;
                names = json_get(arr->items[i], "names");
                if (!names || names->type != JSON_ARRAY || names->n == 0 || names->items[0]->type != JSON_STRING ||
                    !name_is_valid(names->items[0]->str, names->items[0]->len))
                        return -ENOENT;
                *ret = xstrdup(names->items[0]->str);
                return 0;
        }
        return -ENOENT;
}

/* Splits ".../<a>/<b>" at its last '/': *ret_base points into path, the dirname is returned. */
static char *split_last(const char *path, const char **ret_base)
{
        const char *slash = strrchr(path, '/');

        if (!slash || slash == path)
                return NULL;
        *ret_base = slash + 1;
        return xstrndup(path, (size_t) (slash - path));
}

/* "<store>/<driver>-containers/<id>/userdata" -> "<store>/<driver>-containers" and the id (which
 * must equal want_id when that is given). */
static char *containers_dir(const char *userdata, const char *want_id, char **ret_id)
{
        _cleanup_free_ char *ctr = NULL;
        const char *base, *cid;
        char *dir;
        size_t l, sl = strlen("-containers");

        ctr = split_last(userdata, &base);
        if (!ctr || !STREQ(base, "userdata"))
                return NULL;
        dir = split_last(ctr, &cid);
        if (!dir || !id_is_valid(cid) || (want_id && !STREQ(cid, want_id))) {
                free(dir);
                return NULL;
        }
        l = strlen(dir);
        if (l < sl || !STREQ(dir + l - sl, "-containers")) {
                free(dir);
                return NULL;
        }
        if (ret_id)
                *ret_id = xstrdup(cid);
        return dir;
}

int podman_name_from_bundle(const char *bundle, const char *id, char **ret)
{
        _cleanup_free_ char *dir = containers_dir(bundle, id, NULL);
        _cleanup_free_ char *file = NULL;

        if (!dir)
                return -ENOENT;
        file = xasprintf("%s/containers.json", dir);
        return lookup(file, id, ret);
}

int podman_name_from_config(const struct json_value *cfg, char **ret)
{
        const char *hosts = config_hosts_mount_source(cfg), *root = config_root_path(cfg);
        _cleanup_free_ char *userdata = NULL, *rundir = NULL, *id = NULL, *driver = NULL, *needle = NULL,
                            *file = NULL;
        const char *base, *drv, *at;

        if (!hosts || !root || root[0] != '/')
                return -ENOENT;
        userdata = split_last(hosts, &base);
        if (!userdata || !STREQ(base, "hosts"))
                return -ENOENT;
        /* the hosts file is in the run root; the name is recorded in the graph root */
        rundir = containers_dir(userdata, NULL, &id);
        if (!rundir || !(drv = strrchr(rundir, '/')))
                return -ENOENT;
        driver = xstrndup(drv + 1, strlen(drv + 1) - strlen("-containers"));
        if (!*driver)
                return -ENOENT;
        /* root.path is <graphroot>/<driver>/...: vfs/dir/<layer>, overlay/<layer>/merged */
        needle = xasprintf("/%s/", driver);
        at = strstr(root, needle);
        if (!at)
                return -ENOENT;
        file = xasprintf("%.*s/%s-containers/containers.json", (int) (at - root), root, driver);
        return lookup(file, id, ret);
}

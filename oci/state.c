#include "oci/state.h"

#include <errno.h>
#include <stdlib.h>

#include "links/escape.h"
#include "links/macro.h"
#include "links/names.h"

int oci_state_parse(const char *buf, size_t len, struct oci_state *ret, char **reterr)
{
        _cleanup_json_ struct json_value *tree = NULL;
        char err[JSON_ERR_MAX];
        struct oci_state s = { 0 };
        const struct json_value *pid;
        int r;

        r = json_parse(buf, len, &tree, err);
        if (r < 0) {
                *reterr = xasprintf("bad OCI state on stdin: %s", err);
                return r;
        }
        if (tree->type != JSON_OBJECT) {
                *reterr = xstrdup("bad OCI state on stdin: not a JSON object");
                return -EBADMSG;
        }
        s.id = json_get_str(tree, "id");
        if (!s.id) {
                *reterr = xstrdup("bad OCI state on stdin: no container id (a string \"id\")");
                return -EBADMSG;
        }
        if (!id_is_valid(s.id)) {
                _cleanup_free_ char *q = escape_str(s.id);
                *reterr = xasprintf("bad OCI state on stdin: missing or unusable container id `%s`", q);
                return -EBADMSG;
        }
        s.status = json_get_str(tree, "status");
        s.bundle = json_get_str(tree, "bundle");
        if (!s.bundle)
                s.bundle = json_get_str(tree, "bundlePath");
        if (!s.bundle || s.bundle[0] != '/') {
                *reterr = xstrdup("bad OCI state on stdin: missing or relative bundle path");
                return -EBADMSG;
        }
        pid = json_get(tree, "pid");
        if (pid) {
                long long v;
                if (pid->type != JSON_NUMBER || json_number_to_ll(pid, 0, 4194304, &v) < 0) {
                        *reterr = xstrdup("bad OCI state on stdin: pid is not a process id");
                        return -EBADMSG;
                }
                s.pid = v;
        }
        s.annotations = json_get(tree, "annotations");
        if (s.annotations && s.annotations->type != JSON_OBJECT) {
                *reterr = xstrdup("bad OCI state on stdin: annotations is not an object");
                return -EBADMSG;
        }
        s.tree = TAKE_PTR(tree);
        *ret = s;
        return 0;
}

void oci_state_done(struct oci_state *s)
{
        json_free(s->tree);
        *s = (struct oci_state) { 0 };
}

#include "hook/bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "hook/fileio.h"
#include "hook/log.h"
#include "links/escape.h"
#include "links/limits.h"
#include "links/macro.h"

int bundle_load_config(const char *dir, int *ret_dirfd, char **ret_text, size_t *ret_len, struct json_value **ret)
{
        _cleanup_close_ int dirfd = -EBADF;
        _cleanup_free_ char *buf = NULL, *q = escape_str(dir);
        char err[JSON_ERR_MAX];
        size_t len;
        int r;

        dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return log_error(-errno, "cannot open bundle `%s`: %s", q, strerror(errno));
        r = read_file_at(dirfd, "config.json", OCILINK_MAX_JSON_BYTES, &buf, &len);
        if (r == -EFBIG)
                return log_error(r, "%s/config.json is larger than %u bytes", q, OCILINK_MAX_JSON_BYTES);
        if (r == -ELOOP || r == -EBADFD)
                return log_error(r, "refusing %s/config.json: not a regular file", q);
        if (r < 0)
                return log_error(r, "cannot read %s/config.json: %s", q, strerror(-r));
        r = json_parse(buf, len, ret, err);
        if (r < 0)
                return log_error(r, "bad %s/config.json: %s", q, err);
        if (ret_dirfd)
                *ret_dirfd = TAKE_FD(dirfd);
        if (ret_text)
                *ret_text = TAKE_PTR(buf);
        *ret_len = len;
        return 0;
}

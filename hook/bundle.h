#pragma once

#include <stddef.h>

#include "oci/json.h"

/* Loading a bundle's config.json: a logging step shared by prepare, explain and the hook stages.
 * Opens dir, reads config.json (a regular file, not a symlink, at most OCILINK_MAX_JSON_BYTES) and
 * parses it. ret_dirfd and ret_text may be NULL; on failure the reason has been logged. */
int bundle_load_config(const char *dir, int *ret_dirfd, char **ret_text, size_t *ret_len, struct json_value **ret);

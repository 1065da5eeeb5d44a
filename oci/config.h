#pragma once

#include <stdbool.h>

#include "links/strv.h"
#include "oci/json.h"

/* Reading and rewriting an OCI runtime config (config.json) tree. Every rewrite goes through the
 * json tree, so unknown keys, key order and number text are kept. Non-logging. */

/* -EBADMSG with *reterr unless the document is an object whose process.env (when present) is an
 * array of strings and whose annotations (when present) is an object of strings. */
int config_check(const struct json_value *cfg, char **reterr);
const struct json_value *config_annotations(const struct json_value *cfg);
/* An annotation's string value from a map, or NULL. */
const char *annotation_get(const struct json_value *annotations, const char *key);
const char *config_hostname(const struct json_value *cfg);
const char *config_root_path(const struct json_value *cfg);
/* The source of the mount whose destination is /etc/hosts (the last one, as mounts stack), or NULL. */
const char *config_hosts_mount_source(const struct json_value *cfg);
/* process.env entries (copies). */
void config_env(const struct json_value *cfg, struct strv *ret);
void config_set_env(struct json_value *cfg, const struct strv *env);
/* Sets (value != NULL) or removes an annotation. */
void config_set_annotation(struct json_value *cfg, const char *key, const char *value);
/* Adds ocilink's hook entries (createRuntime, poststart, poststop) calling exe with --state-dir:
 * an entry of ours already there (same path) is replaced in place, so it is idempotent. */
int config_install_hooks(struct json_value *cfg, const char *exe, const char *state_dir, char **reterr);

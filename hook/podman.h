#pragma once

#include "oci/json.h"

/* Podman's own name for a container (`podman run --name db`). Podman does not put it in the OCI
 * config, but containers/storage records it in <graphroot>/<driver>-containers/containers.json,
 * which we read (never write). The hook never calls podman: a hook that does deadlocks. */

/* True when the annotations say podman (libpod) made the container. */
bool podman_made(const struct json_value *annotations);
/* From a hook stage's bundle, <graphroot>/<driver>-containers/<id>/userdata. -ENOENT when the
 * layout is not podman's or the id is not recorded. */
int podman_name_from_bundle(const char *bundle, const char *id, char **ret);
/* From a precreate config: the id from the /etc/hosts mount source
 * (<runroot>/<driver>-containers/<id>/userdata/hosts), the graphroot from root.path
 * (<graphroot>/<driver>/...). -ENOENT when either is not podman's layout. */
int podman_name_from_config(const struct json_value *cfg, char **ret);

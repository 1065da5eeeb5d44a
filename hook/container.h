#pragma once

#include <stdbool.h>

#include "links/addrs.h"
#include "links/annotations.h"
#include "links/ports.h"
#include "links/strv.h"
#include "oci/json.h"

/* Every io.ocilink.* annotation of one container, parsed and checked together. */
struct container_ann {
        bool any;  /* at least one io.ocilink.* annotation */
        char *name; /* io.ocilink.name, or NULL */
        bool has_links;
        struct link_list links;
        struct port_list ports;
        bool has_ip;
        struct addr_list ip;
        struct env_export exp;
        enum flavor flavor;
        struct strv injected; /* keys ocilink injected into this config before */
};

/* Parses the annotation map (NULL: none). Self-links are checked once the name is known
 * (container_check_self). -EINVAL with *reterr. */
int container_ann_parse(const struct json_value *annotations, struct container_ann *ret, char **reterr);
int container_check_self(const struct container_ann *a, const char *name, char **reterr);
void container_ann_done(struct container_ann *a);

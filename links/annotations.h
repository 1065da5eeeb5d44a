#pragma once

#include <stdbool.h>

#include "links/addrs.h"
#include "links/limits.h"
#include "links/strv.h"

/* The user's interface: io.ocilink.* annotations (spec "Annotations"). Pure, non-logging:
 * every parser returns 0 or -EINVAL with a message in *reterr (malloc'd) naming the bad item. */

#define ANN_NAME "io.ocilink.name"
#define ANN_LINKS "io.ocilink.links"
#define ANN_EXPOSE "io.ocilink.expose"
#define ANN_IP "io.ocilink.ip"
#define ANN_ENV_EXPORT "io.ocilink.env-export"
#define ANN_FLAVOR "io.ocilink.flavor"
/* Written by ocilink itself into a config it rewrites: the keys it injected, one per line,
 * so a rerun replaces exactly those and a source's injected variables are never re-exported. */
#define ANN_INJECTED "io.ocilink.injected-env"
/* Set by precreate --fail-in-runtime on a config whose links failed: createRuntime stands aside. */
#define ANN_ERROR "io.ocilink.error"
#define ANN_PREFIX "io.ocilink."

struct link {
        char name[OCILINK_MAX_NAME + 1];
        char alias[OCILINK_MAX_NAME + 1];
};

struct link_list {
        struct link *v;
        size_t n;
};

enum flavor {
        FLAVOR_DOCKER,        /* Docker 28 and later */
        FLAVOR_DOCKER_LEGACY, /* Docker 27 and earlier, quirks included */
};

enum export_mode {
        EXPORT_ALL,
        EXPORT_NONE,
        EXPORT_LIST,
};

struct env_export {
        enum export_mode mode;
        struct strv names;
};

/* Refuses a value holding any control character (newline, CR, tab is a separator and allowed). */
int ann_check_value(const char *key, const char *value, char **reterr);
/* Splits a list on ';', ',', space and tab in any mix; empty items are dropped. */
int ann_split(const char *key, const char *value, struct strv *ret, char **reterr);

int ann_parse_name(const char *value, char **ret, char **reterr);
/* self: the recipient's own name (a link to it is refused); may be NULL when unknown. */
int ann_parse_links(const char *value, const char *self, struct link_list *ret, char **reterr);
int ann_parse_ip(const char *value, struct addr_list *ret, char **reterr);
int ann_parse_flavor(const char *value, enum flavor *ret, char **reterr);
int ann_parse_env_export(const char *value, struct env_export *ret, char **reterr);

void link_list_done(struct link_list *l);
void env_export_done(struct env_export *e);
const char *flavor_name(enum flavor f);

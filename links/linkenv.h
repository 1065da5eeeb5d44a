#pragma once

#include "links/annotations.h"
#include "links/ports.h"
#include "links/strv.h"

/* The variables one link produces (docker-links.md §3), pure. */

struct link_source {
        const char *ipv4;              /* the source's first IPv4 address */
        const struct port_list *ports; /* exposed ports, any order */
        const struct strv *env;        /* exportable KEY=VALUE entries, in the source's order */
};

/* Prefix for alias: ASCII upper case, '-' -> '_', nothing else changed. */
char *linkenv_prefix(const char *alias);
/* Appends the link's variables to out in Docker's order: P_PORT, port variables, P_NAME, P_ENV_*.
 * Duplicates the rules produce (legacy _ADDR/_PROTO) are kept here; envmerge keeps the first. */
void linkenv_build(enum flavor flavor, const char *recipient, const char *alias, const struct link_source *src,
                   struct strv *out);
/* Which of a source's process.env entries recipients receive as ALIAS_ENV_*: entries with '=', whose
 * key is not HOME, PATH, HOSTNAME, TERM or container, not one ocilink injected (injected), holds no
 * control character, and passes env-export. */
void linkenv_exportable(char *const *env, size_t n, const struct strv *injected, const struct env_export *exp,
                        struct strv *out);

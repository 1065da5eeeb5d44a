#pragma once

#include <stdbool.h>

#include "hook/registry.h"
#include "links/annotations.h"
#include "links/strv.h"

/* Turns a recipient's links into what it receives, from the registry. Logging-free: failures come
 * back as one message naming the link, the source and the reason. */

/* Where one link's share of a plan came from (for explain). */
struct link_part {
        char *link;       /* "name:alias" */
        char *source;     /* the source's registered name */
        char *id;         /* the source's container id */
        char *ipv4;       /* the address its variables use */
        char *ipv6;       /* its first global IPv6 address (hosts lines only), or NULL */
        size_t vars_end;  /* its variables: vars.v[previous part's vars_end .. vars_end) */
        size_t hosts_end; /* its hosts lines: hosts.data[previous part's hosts_end .. hosts_end) */
};

struct link_plan {
        struct strv vars; /* every link's variables, in link order (duplicates possible) */
        struct buf hosts; /* every link's hosts lines, in link order */
        struct link_part *parts; /* per link, in link order */
        size_t n_parts;
};

/* What a plan holds: everything (prepare, precreate, explain), or only the hosts lines and the
 * parts, with no variables (a registration: the variables went into config.json before the start,
 * and building them was a tenth of a 100-link createRuntime). */
enum plan_scope {
        PLAN_VARS_AND_HOSTS,
        PLAN_HOSTS,
};

int plan_links(struct registry *reg, const char *recipient, enum flavor flavor, const struct link_list *links,
               enum plan_scope scope, struct link_plan *ret, char **reterr);
void link_plan_done(struct link_plan *p);
/* The hosts lines of one running source for one alias. */
void source_hosts_lines(const struct record *src, const char *alias, struct buf *out);

/* What each link of a plan brings, for explain, pure: per link a line
 *     link NAME:ALIAS (source NAME, id ID, IPV4[, IPV6])
 * then its variables and its hosts lines, indented. injected holds the keys the merge adds (see
 * envmerge); a variable it does not add is marked, with the reason: the container sets the key
 * itself, or an earlier variable of the plan has the same key. Variables are escaped (escape_str). */
void link_plan_describe(const struct link_plan *p, const struct strv *injected, struct buf *out);

/* The links between running containers as Graphviz DOT (`list --graph`), pure. running[i] tells
 * whether v[i] runs. One box per running container, labelled with its name and first IPv4 and
 * IPv6 addresses; one edge per link of a running container, recipient -> source, labelled with the
 * alias. A link whose source is not running (stopped, or not registered at all) ends in a dashed
 * box labelled "(not running)", by a dashed edge: the recipient still names it, and Docker kept such
 * a link too, but nothing answers there. Stopped containers' own links are left out. Every string
 * is quoted and escaped for DOT: '"' and '\' get a backslash, bytes outside printable ASCII become
 * the text \xNN, so no name can end a string or add attributes. Returns a new string. */
char *links_graph_dot(const struct record *v, const bool *running, size_t n);

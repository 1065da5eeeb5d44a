#pragma once

#include "hook/registry.h"
#include "links/annotations.h"
#include "links/strv.h"

/* Turns a recipient's links into what it receives, from the registry. Logging-free: failures come
 * back as one message naming the link, the source and the reason. */

struct link_plan {
        struct strv vars;   /* every link's variables, in link order (duplicates possible) */
        struct buf hosts;   /* every link's hosts lines, in link order */
        struct strv origin; /* per link: "alias <- name (id)" for explain */
};

int plan_links(struct registry *reg, const char *recipient, enum flavor flavor, const struct link_list *links,
               struct link_plan *ret, char **reterr);
void link_plan_done(struct link_plan *p);
/* The hosts lines of one running source for one alias. */
void source_hosts_lines(const struct record *src, const char *alias, struct buf *out);

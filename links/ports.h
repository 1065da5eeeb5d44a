#pragma once

#include <stddef.h>
#include <stdint.h>

#include "links/strv.h"

/* Exposed ports (Docker's ExposedPorts), from io.ocilink.expose or a registry record. Pure. */

enum proto {
        PROTO_TCP,
        PROTO_SCTP,
        PROTO_UDP,
};

struct port {
        uint16_t num;
        enum proto proto;
};

struct port_list {
        struct port *v;
        size_t n;
};

const char *proto_name(enum proto p);
/* Parses items `PORT[/PROTO]` or `START-END[/PROTO]` (PROTO tcp, udp or sctp; default tcp; ports
 * 1..65535), expands ranges and drops duplicates, keeping first-seen order. At most OCILINK_MAX_PORTS
 * ports. -EINVAL with *reterr naming the bad item. */
int ports_parse(const struct strv *items, struct port_list *ret, char **reterr);
/* "80/tcp" strings, in list order. */
void ports_format(const struct port_list *l, struct strv *out);
/* Docker 28+: all tcp ascending, then the other protocols grouped by name (sctp < udp), ascending. */
void ports_sort_modern(struct port_list *l);
/* Docker <= 27: ascending by number; on equal numbers tcp, then sctp, then udp (our fixed tie-break
 * for what Docker leaves unspecified). */
void ports_sort_legacy(struct port_list *l);
void port_list_done(struct port_list *l);

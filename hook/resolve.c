#include "hook/resolve.h"

#include <string.h>

#include "links/hosts.h"
#include "links/linkenv.h"
#include "links/escape.h"
#include "links/macro.h"
#include "links/ports.h"

void source_hosts_lines(const struct record *src, const char *alias, struct buf *out)
{
        hosts_link_lines(alias, src->hostname, src->name, src->addrs.n4 ? src->addrs.v4[0] : NULL,
                         src->addrs.n6 ? src->addrs.v6[0] : NULL, out);
}

int plan_links(struct registry *reg, const char *recipient, enum flavor flavor, const struct link_list *links,
               struct link_plan *ret, char **reterr)
{
        struct link_plan p = { 0 };
        int r;

        buf_append(&p.hosts, "", 0);
        for (size_t i = 0; i < links->n; i++) {
                const struct link *l = &links->v[i];
                struct record src;
                struct port_list ports = { 0 };
                struct link_source ls;
                char *perr = NULL;

                r = registry_get_name(reg, l->name, &src);
                if (r == -ENOENT) {
                        _cleanup_free_ char *q = escape_str(reg->path);
                        *reterr = xasprintf("link `%s:%s`: source `%s` not found (no running container "
                                            "registered under that name in %s)",
                                            l->name, l->alias, l->name, q);
                        goto fail;
                }
                if (r < 0) {
                        *reterr = xasprintf("link `%s:%s`: the registry record of source `%s` is unreadable: %s",
                                            l->name, l->alias, l->name, strerror(-r));
                        goto fail;
                }
                if (!record_is_running(&src)) {
                        *reterr = xasprintf("link `%s:%s`: source `%s` is not running", l->name, l->alias,
                                            l->name);
                        record_done(&src);
                        r = -ESRCH;
                        goto fail;
                }
                if (src.addrs.n4 == 0) {
                        *reterr = xasprintf("link `%s:%s`: source `%s` has no IPv4 address (give it a network "
                                            "namespace with one, or set %s on it)",
                                            l->name, l->alias, l->name, ANN_IP);
                        record_done(&src);
                        r = -EADDRNOTAVAIL;
                        goto fail;
                }
                r = ports_parse(&src.ports, &ports, &perr);
                if (r < 0) {
                        *reterr = xasprintf("link `%s:%s`: source `%s` has a bad record: %s", l->name, l->alias,
                                            l->name, perr);
                        free(perr);
                        record_done(&src);
                        goto fail;
                }
                ls = (struct link_source) { .ipv4 = src.addrs.v4[0], .ports = &ports, .env = &src.env };
                linkenv_build(flavor, recipient, l->alias, &ls, &p.vars);
                source_hosts_lines(&src, l->alias, &p.hosts);
                strv_pushf(&p.origin, "%s <- %s (%s)", l->alias, src.name, src.id);
                port_list_done(&ports);
                record_done(&src);
        }
        *ret = p;
        return 0;
fail:
        link_plan_done(&p);
        return r;
}

void link_plan_done(struct link_plan *p)
{
        strv_done(&p->vars);
        buf_done(&p->hosts);
        strv_done(&p->origin);
}

#include "hook/resolve.h"

#include <stdlib.h>
#include <string.h>

#include "links/envmerge.h"
#include "links/escape.h"
#include "links/hosts.h"
#include "links/linkenv.h"
#include "links/macro.h"
#include "links/ports.h"

void source_hosts_lines(const struct record *src, const char *alias, struct buf *out)
{
        hosts_link_lines(alias, src->hostname, src->name, src->addrs.n4 ? src->addrs.v4[0] : NULL,
                         src->addrs.n6 ? src->addrs.v6[0] : NULL, out);
}

int plan_links(struct registry *reg, const char *recipient, enum flavor flavor, const struct link_list *links,
               enum plan_scope scope, struct link_plan *ret, char **reterr)
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
                if (scope == PLAN_VARS_AND_HOSTS)
                        linkenv_build(flavor, recipient, l->alias, &ls, &p.vars);
                source_hosts_lines(&src, l->alias, &p.hosts);
                p.parts = xrealloc(p.parts, (p.n_parts + 1) * sizeof *p.parts);
                p.parts[p.n_parts++] = (struct link_part) {
                        .link = xasprintf("%s:%s", l->name, l->alias),
                        .source = xstrdup(src.name),
                        .id = xstrdup(src.id),
                        .ipv4 = xstrdup(src.addrs.v4[0]),
                        .ipv6 = src.addrs.n6 ? xstrdup(src.addrs.v6[0]) : NULL,
                        .vars_end = p.vars.n,
                        .hosts_end = p.hosts.len,
                };
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
        for (size_t i = 0; i < p->n_parts; i++) {
                free(p->parts[i].link);
                free(p->parts[i].source);
                free(p->parts[i].id);
                free(p->parts[i].ipv4);
                free(p->parts[i].ipv6);
        }
        free(p->parts);
        p->parts = NULL;
        p->n_parts = 0;
}

/* A plan can hold 256 links of thousands of variables each: the duplicate and membership checks
 * below sort instead of comparing every pair. */
struct keyed {
        const char *s;
        size_t len; /* of the key: the bytes before the first '=' */
        size_t idx;
};

static size_t key_len(const char *entry)
{
        const char *eq = strchr(entry, '=');
        return eq ? (size_t) (eq - entry) : strlen(entry);
}

static int keyed_cmp(const void *a, const void *b)
{
        const struct keyed *x = a, *y = b;
        int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);

        if (c == 0)
                c = x->len < y->len ? -1 : x->len > y->len;
        if (c == 0)
                c = x->idx < y->idx ? -1 : x->idx > y->idx;
        return c;
}

static int str_cmp(const void *a, const void *b)
{
        return strcmp(*(char *const *) a, *(char *const *) b);
}

void link_plan_describe(const struct link_plan *p, const struct strv *injected, struct buf *out)
{
        size_t n = p->vars.n, v0 = 0, h0 = 0;
        struct keyed *sorted = xcalloc(n, sizeof *sorted);
        size_t *first = xcalloc(n, sizeof *first), *part_of = xcalloc(n, sizeof *part_of);
        char **inj = xcalloc(injected->n, sizeof *inj);

        /* first[i]: the index of the first variable with the key of variable i */
        for (size_t i = 0; i < n; i++)
                sorted[i] = (struct keyed) { .s = p->vars.v[i], .len = key_len(p->vars.v[i]), .idx = i };
        qsort(sorted, n, sizeof *sorted, keyed_cmp);
        for (size_t i = 0; i < n; i++)
                first[sorted[i].idx] = (i > 0 && sorted[i].len == sorted[i - 1].len &&
                                        memcmp(sorted[i].s, sorted[i - 1].s, sorted[i].len) == 0)
                                               ? first[sorted[i - 1].idx]
                                               : sorted[i].idx;
        for (size_t k = 0, i = 0; k < p->n_parts; k++)
                for (; i < p->parts[k].vars_end && i < n; i++)
                        part_of[i] = k;
        if (injected->n) {
                memcpy(inj, injected->v, injected->n * sizeof *inj);
                qsort(inj, injected->n, sizeof *inj, str_cmp);
        }

        buf_append(out, "", 0);
        for (size_t k = 0; k < p->n_parts; k++) {
                const struct link_part *lp = &p->parts[k];
                _cleanup_free_ char *link = escape_str(lp->link), *src = escape_str(lp->source),
                                    *id = escape_str(lp->id);

                buf_printf(out, "link %s (source %s, id %s, %s%s%s)\n", link, src, id, lp->ipv4,
                           lp->ipv6 ? ", " : "", lp->ipv6 ? lp->ipv6 : "");
                buf_puts(out, "  variables:\n");
                for (size_t i = v0; i < lp->vars_end && i < n; i++) {
                        _cleanup_free_ char *q = escape_str(p->vars.v[i]), *key = env_key(p->vars.v[i]);
                        _cleanup_free_ char *qk = escape_str(key), *why = NULL;

                        if (first[i] != i && part_of[first[i]] == k)
                                why = xasprintf("this link gives %s twice, the first counts", qk);
                        else if (first[i] != i) {
                                _cleanup_free_ char *ql = escape_str(p->parts[part_of[first[i]]].link);
                                why = xasprintf("link %s gives %s first", ql, qk);
                        } else if (!bsearch(&key, inj, injected->n, sizeof *inj, str_cmp))
                                why = xasprintf("the container sets %s itself", qk);
                        if (why)
                                buf_printf(out, "    %s  (not injected: %s)\n", q, why);
                        else
                                buf_printf(out, "    %s\n", q);
                }
                buf_puts(out, "  hosts lines:\n");
                for (size_t i = h0; i < lp->hosts_end && i < p->hosts.len;) {
                        const char *nl = memchr(p->hosts.data + i, '\n', lp->hosts_end - i);
                        size_t end = nl ? (size_t) (nl - p->hosts.data) + 1 : lp->hosts_end;

                        buf_puts(out, "    ");
                        buf_append(out, p->hosts.data + i, end - i);
                        if (!nl)
                                buf_puts(out, "\n");
                        i = end;
                }
                v0 = lp->vars_end;
                h0 = lp->hosts_end;
        }
        free(sorted);
        free(first);
        free(part_of);
        free(inj);
}

/* A DOT string: '"' and '\' escaped, and anything outside printable ASCII as the text \xNN (a raw
 * newline would be kept by dot, and invalid UTF-8 refused). */
static void dot_str(struct buf *b, const char *s)
{
        buf_puts(b, "\"");
        for (; *s; s++) {
                unsigned char c = (unsigned char) *s;
                if (c == '"' || c == '\\')
                        buf_printf(b, "\\%c", c);
                else if (c < 0x20 || c >= 0x7f)
                        buf_printf(b, "\\\\x%02x", c);
                else
                        buf_append(b, s, 1);
        }
        buf_puts(b, "\"");
}

/* A DOT label of lines: each escaped as a string, joined by DOT's line break "\n". */
static void dot_label(struct buf *b, const char *const *lines, size_t n)
{
        struct buf tmp = { 0 };

        buf_append(&tmp, "", 0);
        for (size_t i = 0; i < n; i++) {
                struct buf one = { 0 };
                dot_str(&one, lines[i]);
                if (i)
                        buf_puts(&tmp, "\\n");
                buf_append(&tmp, one.data + 1, one.len - 2); /* without its quotes */
                buf_done(&one);
        }
        buf_printf(b, "label=\"%s\"", tmp.data);
        buf_done(&tmp);
}

/* The name and alias of a recorded link "name:alias" (a bare name is its own alias). */
static void split_link(const char *l, char **ret_name, const char **ret_alias)
{
        const char *colon = strchr(l, ':');

        *ret_name = colon ? xstrndup(l, (size_t) (colon - l)) : xstrdup(l);
        *ret_alias = colon ? colon + 1 : l;
}

char *links_graph_dot(const struct record *v, const bool *running, size_t n)
{
        struct buf b = { 0 };
        char **up = xcalloc(n, sizeof *up);
        struct strv missing = { 0 };
        size_t n_up = 0;

        for (size_t i = 0; i < n; i++)
                if (running[i])
                        up[n_up++] = v[i].name;
        qsort(up, n_up, sizeof *up, str_cmp);
        for (size_t i = 0; i < n; i++)
                for (size_t k = 0; running[i] && k < v[i].links.n; k++) {
                        char *name;
                        const char *alias;

                        split_link(v[i].links.v[k], &name, &alias);
                        if (!bsearch(&name, up, n_up, sizeof *up, str_cmp))
                                strv_push(&missing, TAKE_PTR(name));
                        free(name);
                }
        if (missing.n)
                qsort(missing.v, missing.n, sizeof *missing.v, str_cmp);

        buf_puts(&b, "digraph ocilink {\n  rankdir=LR;\n  node [shape=box];\n");
        for (size_t i = 0; i < n; i++) {
                const char *lines[3] = { v[i].name };
                size_t nl = 1;

                if (!running[i])
                        continue;
                if (v[i].addrs.n4)
                        lines[nl++] = v[i].addrs.v4[0];
                if (v[i].addrs.n6)
                        lines[nl++] = v[i].addrs.v6[0];
                if (nl == 1)
                        lines[nl++] = "(no address)";
                buf_puts(&b, "  ");
                dot_str(&b, v[i].name);
                buf_puts(&b, " [");
                dot_label(&b, lines, nl);
                buf_puts(&b, "];\n");
        }
        for (size_t i = 0; i < missing.n; i++) {
                const char *lines[2] = { missing.v[i], "(not running)" };

                if (i > 0 && STREQ(missing.v[i], missing.v[i - 1]))
                        continue;
                buf_puts(&b, "  ");
                dot_str(&b, missing.v[i]);
                buf_puts(&b, " [");
                dot_label(&b, lines, 2);
                buf_puts(&b, ", style=dashed];\n");
        }
        for (size_t i = 0; i < n; i++)
                for (size_t k = 0; running[i] && k < v[i].links.n; k++) {
                        _cleanup_free_ char *name = NULL;
                        const char *alias;
                        bool up_src;

                        split_link(v[i].links.v[k], &name, &alias);
                        buf_puts(&b, "  ");
                        dot_str(&b, v[i].name);
                        buf_puts(&b, " -> ");
                        dot_str(&b, name);
                        buf_puts(&b, " [");
                        dot_label(&b, &alias, 1);
                        up_src = bsearch(&name, up, n_up, sizeof *up, str_cmp) != NULL;
                        buf_puts(&b, up_src ? "];\n" : ", style=dashed];\n");
                }
        buf_puts(&b, "}\n");
        free(up);
        strv_done(&missing);
        return b.data;
}

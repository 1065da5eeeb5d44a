#include "links/linkenv.h"

#include <stdlib.h>
#include <string.h>

#include "links/keyset.h"
#include "links/macro.h"

char *linkenv_prefix(const char *alias)
{
        char *p = xstrdup(alias);

        for (char *c = p; *c; c++) {
                if (*c >= 'a' && *c <= 'z')
                        *c = (char) (*c - 'a' + 'A');
                else if (*c == '-')
                        *c = '_';
        }
        return p;
}

static void upper(char *dst, const char *src)
{
        for (; *src; src++, dst++)
                *dst = (*src >= 'a' && *src <= 'z') ? (char) (*src - 'a' + 'A') : *src;
        *dst = '\0';
}

static void emit_group(struct strv *out, const char *P, const char *ip, struct port p)
{
        const char *proto = proto_name(p.proto);
        char PROTO[8];

        upper(PROTO, proto);
        strv_pushf(out, "%s_PORT_%u_%s=%s://%s:%u", P, p.num, PROTO, proto, ip, p.num);
        strv_pushf(out, "%s_PORT_%u_%s_ADDR=%s", P, p.num, PROTO, ip);
        strv_pushf(out, "%s_PORT_%u_%s_PORT=%u", P, p.num, PROTO, p.num);
        strv_pushf(out, "%s_PORT_%u_%s_PROTO=%s", P, p.num, PROTO, proto);
}

/* Docker 28+ range variables, named after the start port (§3.2 rule 4). */
static void emit_modern_range(struct strv *out, const char *P, const char *ip, struct port s, struct port e)
{
        const char *proto = proto_name(s.proto);
        char PROTO[8];

        upper(PROTO, proto);
        strv_pushf(out, "%s_PORT_%u_%s_START=%s://%s:%u", P, s.num, PROTO, proto, ip, s.num);
        strv_pushf(out, "%s_PORT_%u_%s_PORT_START=%u", P, s.num, PROTO, s.num);
        strv_pushf(out, "%s_PORT_%u_%s_END=%s://%s:%u", P, s.num, PROTO, proto, ip, e.num);
        strv_pushf(out, "%s_PORT_%u_%s_PORT_END=%u", P, s.num, PROTO, e.num);
}

static void build_modern(struct strv *out, const char *P, const char *ip, const struct port_list *l)
{
        size_t run_start = 0;
        bool pending = false;
        struct port ps = { 0 }, pe = { 0 };

        for (size_t i = 0; i < l->n; i++) {
                bool run_ends;

                emit_group(out, P, ip, l->v[i]);
                if (pending) {
                        emit_modern_range(out, P, ip, ps, pe);
                        pending = false;
                }
                if (i > 0 && !(l->v[i].proto == l->v[i - 1].proto && l->v[i].num == l->v[i - 1].num + 1))
                        run_start = i;
                run_ends = i + 1 == l->n ||
                           !(l->v[i + 1].proto == l->v[i].proto && l->v[i + 1].num == l->v[i].num + 1);
                if (run_ends && i > run_start) {
                        if (i + 1 == l->n)
                                emit_modern_range(out, P, ip, l->v[run_start], l->v[i]);
                        else {
                                ps = l->v[run_start];
                                pe = l->v[i];
                                pending = true;
                        }
                }
        }
}

/* Docker <= 27 (§3.3): the range scan ignores protocols and steps on duplicate numbers, reports
 * runs of three or more entries, and emits them before the groups with duplicate _ADDR/_PROTO. */
static void build_legacy(struct strv *out, const char *P, const char *ip, const struct port_list *l)
{
        for (size_t i = 0; i < l->n;) {
                unsigned v = l->v[i].num;
                size_t j = i;

                for (size_t k = i + 1; k < l->n && l->v[k].num <= v + 1; k++) {
                        v++;
                        j = k;
                }
                if (j >= i + 2) {
                        struct port s = l->v[i], e = l->v[j];
                        const char *sp = proto_name(s.proto), *ep = proto_name(e.proto);
                        char SP[8], EP[8];

                        upper(SP, sp);
                        upper(EP, ep);
                        strv_pushf(out, "%s_PORT_%u_%s_START=%s://%s:%u", P, s.num, SP, sp, ip, s.num);
                        strv_pushf(out, "%s_PORT_%u_%s_ADDR=%s", P, s.num, SP, ip);
                        strv_pushf(out, "%s_PORT_%u_%s_PROTO=%s", P, s.num, SP, sp);
                        strv_pushf(out, "%s_PORT_%u_%s_PORT_START=%u", P, s.num, SP, s.num);
                        strv_pushf(out, "%s_PORT_%u_%s_END=%s://%s:%u", P, s.num, EP, ep, ip, e.num);
                        strv_pushf(out, "%s_PORT_%u_%s_PORT_END=%u", P, s.num, EP, e.num);
                        i = j + 1;
                } else
                        i++;
        }
        for (size_t i = 0; i < l->n; i++)
                emit_group(out, P, ip, l->v[i]);
}

void linkenv_build(enum flavor flavor, const char *recipient, const char *alias, const struct link_source *src,
                   struct strv *out)
{
        _cleanup_free_ char *P = linkenv_prefix(alias);
        struct port_list sorted = { 0 };
        const char *ip = src->ipv4 ? src->ipv4 : "";

        if (src->ports && src->ports->n) {
                sorted.n = src->ports->n;
                sorted.v = xmalloc(sorted.n * sizeof(struct port));
                memcpy(sorted.v, src->ports->v, sorted.n * sizeof(struct port));
                if (flavor == FLAVOR_DOCKER_LEGACY)
                        ports_sort_legacy(&sorted);
                else
                        ports_sort_modern(&sorted);
                strv_pushf(out, "%s_PORT=%s://%s:%u", P, proto_name(sorted.v[0].proto), ip, sorted.v[0].num);
                if (flavor == FLAVOR_DOCKER_LEGACY)
                        build_legacy(out, P, ip, &sorted);
                else
                        build_modern(out, P, ip, &sorted);
        }
        strv_pushf(out, "%s_NAME=/%s/%s", P, recipient, alias);
        if (src->env)
                for (size_t i = 0; i < src->env->n; i++)
                        strv_pushf(out, "%s_ENV_%s", P, src->env->v[i]);
        port_list_done(&sorted);
}

void linkenv_exportable(char *const *env, size_t n, const struct strv *injected, const struct env_export *exp,
                        struct strv *out)
{
        static const char *const never[] = { "HOME", "PATH", "HOSTNAME", "TERM", "container" };

        struct keyset skip_keys, names;

        if (exp && exp->mode == EXPORT_NONE)
                return;
        keyset_init(&skip_keys, ELEMENTSOF(never) + (injected ? injected->n : 0));
        for (size_t k = 0; k < ELEMENTSOF(never); k++)
                keyset_add(&skip_keys, never[k]);
        for (size_t k = 0; injected && k < injected->n; k++)
                keyset_add(&skip_keys, injected->v[k]);
        keyset_init(&names, exp && exp->mode == EXPORT_LIST ? exp->names.n : 0);
        for (size_t k = 0; exp && exp->mode == EXPORT_LIST && k < exp->names.n; k++)
                keyset_add(&names, exp->names.v[k]);
        for (size_t i = 0; i < n; i++) {
                const char *e = env[i];
                const char *eq = strchr(e, '=');
                size_t klen;
                bool skip = false;

                if (!eq)
                        continue;
                klen = (size_t) (eq - e);
                skip = keyset_hasn(&skip_keys, e, klen);
                for (size_t k = 0; k < klen && !skip; k++)
                        skip = (unsigned char) e[k] < 0x20 || (unsigned char) e[k] == 0x7f;
                if (!skip && exp && exp->mode == EXPORT_LIST)
                        skip = !keyset_hasn(&names, e, klen);
                if (!skip)
                        strv_push(out, xstrdup(e));
        }
        keyset_done(&skip_keys);
        keyset_done(&names);
}

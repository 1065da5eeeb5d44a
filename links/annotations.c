#include "links/annotations.h"

#include <string.h>

#include "links/escape.h"
#include "links/macro.h"
#include "links/names.h"

static int fail(char **reterr, char *msg)
{
        if (reterr)
                *reterr = msg;
        else
                free(msg);
        return -EINVAL;
}

int ann_check_value(const char *key, const char *value, char **reterr)
{
        for (const char *p = value; *p; p++) {
                unsigned char c = (unsigned char) *p;
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                        _cleanup_free_ char *q = escape_str(value);
                        return fail(reterr, xasprintf("annotation %s holds a control character: `%s`", key, q));
                }
        }
        return 0;
}

static bool is_sep(char c)
{
        return c == ';' || c == ',' || c == ' ' || c == '\t';
}

int ann_split(const char *key, const char *value, struct strv *ret, char **reterr)
{
        struct strv items = { 0 };
        int r;

        r = ann_check_value(key, value, reterr);
        if (r < 0)
                return r;
        for (const char *p = value; *p;) {
                const char *start;

                while (*p && is_sep(*p))
                        p++;
                if (!*p)
                        break;
                start = p;
                while (*p && !is_sep(*p))
                        p++;
                strv_push(&items, xstrndup(start, (size_t) (p - start)));
        }
        *ret = items;
        return 0;
}

static char *quote(const char *s)
{
        return escape_str(s);
}

int ann_parse_name(const char *value, char **ret, char **reterr)
{
        int r = ann_check_value(ANN_NAME, value, reterr);
        if (r < 0)
                return r;
        if (!name_is_valid(value, strlen(value))) {
                _cleanup_free_ char *q = quote(value);
                return fail(reterr, xasprintf("bad name `%s` in %s: names are [A-Za-z0-9][A-Za-z0-9_.-]*, "
                                              "at most %d bytes",
                                              q, ANN_NAME, OCILINK_MAX_NAME));
        }
        *ret = xstrdup(value);
        return 0;
}

int ann_parse_links(const char *value, const char *self, struct link_list *ret, char **reterr)
{
        struct strv items = { 0 };
        struct link_list l = { 0 };
        int r;

        r = ann_split(ANN_LINKS, value, &items, reterr);
        if (r < 0)
                return r;
        if (items.n > OCILINK_MAX_LINKS) {
                size_t n = items.n;
                strv_done(&items);
                return fail(reterr, xasprintf("%zu links in %s: at most %d are allowed", n, ANN_LINKS,
                                              OCILINK_MAX_LINKS));
        }
        l.v = xcalloc(items.n, sizeof(struct link));
        for (size_t i = 0; i < items.n; i++) {
                const char *item = items.v[i];
                const char *colon = strchr(item, ':');
                size_t nlen = colon ? (size_t) (colon - item) : strlen(item);
                const char *alias = colon ? colon + 1 : item;
                _cleanup_free_ char *q = quote(item);

                if (colon && strchr(alias, ':')) {
                        r = fail(reterr, xasprintf("bad link `%s`: use NAME or NAME:ALIAS", q));
                        goto out;
                }
                if (!name_is_valid(item, nlen)) {
                        r = fail(reterr, xasprintf("bad link `%s`: the source name must match "
                                                   "[A-Za-z0-9][A-Za-z0-9_.-]* (at most %d bytes)",
                                                   q, OCILINK_MAX_NAME));
                        goto out;
                }
                if (!name_is_valid(alias, strlen(alias))) {
                        r = fail(reterr, xasprintf("bad alias in link `%s`: aliases must match "
                                                   "[A-Za-z0-9][A-Za-z0-9_.-]* (at most %d bytes)",
                                                   q, OCILINK_MAX_NAME));
                        goto out;
                }
                memcpy(l.v[i].name, item, nlen);
                strcpy(l.v[i].alias, alias);
                if (self && STREQ(l.v[i].name, self)) {
                        r = fail(reterr, xasprintf("bad link `%s`: a container cannot link to itself", q));
                        goto out;
                }
                for (size_t j = 0; j < i; j++)
                        if (STREQ(l.v[j].alias, l.v[i].alias)) {
                                r = fail(reterr, xasprintf("bad link `%s`: alias `%s` is used twice", q,
                                                           l.v[i].alias));
                                goto out;
                        }
                l.n++;
        }
        r = 0;
        *ret = l;
        l = (struct link_list) { 0 };
out:
        if (r < 0 && reterr && *reterr) {
                char *m = xasprintf("%s: %s", ANN_LINKS, *reterr);
                free(*reterr);
                *reterr = m;
        }
        link_list_done(&l);
        strv_done(&items);
        return r;
}

int ann_parse_ip(const char *value, struct addr_list *ret, char **reterr)
{
        struct strv items = { 0 };
        struct addr_list a = { 0 };
        int r;

        r = ann_split(ANN_IP, value, &items, reterr);
        if (r < 0)
                return r;
        for (size_t i = 0; i < items.n; i++) {
                char text[INET6_ADDRSTRLEN];
                int family;
                _cleanup_free_ char *q = quote(items.v[i]);

                if (addr_parse(items.v[i], &family, text) < 0) {
                        r = fail(reterr, xasprintf("bad address `%s` in %s", q, ANN_IP));
                        goto out;
                }
                if (addr_list_add(&a, family, text) < 0) {
                        r = fail(reterr, xasprintf("too many addresses in %s: at most %d per family", ANN_IP,
                                                   OCILINK_MAX_ADDRS));
                        goto out;
                }
        }
        *ret = a;
        r = 0;
out:
        strv_done(&items);
        return r;
}

int ann_parse_flavor(const char *value, enum flavor *ret, char **reterr)
{
        if (STREQ(value, "docker")) {
                *ret = FLAVOR_DOCKER;
                return 0;
        }
        if (STREQ(value, "docker-legacy")) {
                *ret = FLAVOR_DOCKER_LEGACY;
                return 0;
        }
        _cleanup_free_ char *q = quote(value);
        return fail(reterr, xasprintf("bad %s `%s`: use docker or docker-legacy", ANN_FLAVOR, q));
}

static bool env_key_is_valid(const char *s)
{
        if (!*s)
                return false;
        for (; *s; s++)
                if (*s == '=' || (unsigned char) *s <= 0x20 || (unsigned char) *s >= 0x7f)
                        return false;
        return true;
}

int ann_parse_env_export(const char *value, struct env_export *ret, char **reterr)
{
        struct strv items = { 0 };
        int r;

        r = ann_split(ANN_ENV_EXPORT, value, &items, reterr);
        if (r < 0)
                return r;
        if (items.n == 1 && STREQ(items.v[0], "all")) {
                strv_done(&items);
                *ret = (struct env_export) { .mode = EXPORT_ALL };
                return 0;
        }
        if (items.n == 1 && STREQ(items.v[0], "none")) {
                strv_done(&items);
                *ret = (struct env_export) { .mode = EXPORT_NONE };
                return 0;
        }
        if (items.n == 0 || items.n > OCILINK_MAX_ENV) {
                strv_done(&items);
                return fail(reterr, xasprintf("bad %s: use all, none, or a list of variable names",
                                              ANN_ENV_EXPORT));
        }
        for (size_t i = 0; i < items.n; i++)
                if (!env_key_is_valid(items.v[i]) || STREQ(items.v[i], "all") || STREQ(items.v[i], "none")) {
                        _cleanup_free_ char *q = quote(items.v[i]);
                        strv_done(&items);
                        return fail(reterr, xasprintf("bad variable name `%s` in %s", q, ANN_ENV_EXPORT));
                }
        *ret = (struct env_export) { .mode = EXPORT_LIST, .names = items };
        return 0;
}

void link_list_done(struct link_list *l)
{
        free(l->v);
        *l = (struct link_list) { 0 };
}

void env_export_done(struct env_export *e)
{
        strv_done(&e->names);
}

const char *flavor_name(enum flavor f)
{
        return f == FLAVOR_DOCKER_LEGACY ? "docker-legacy" : "docker";
}

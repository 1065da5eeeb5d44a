#include "hook/container.h"

#include <string.h>

#include "links/escape.h"
#include "links/macro.h"
#include "oci/config.h"

int container_ann_parse(const struct json_value *annotations, struct container_ann *ret, char **reterr)
{
        struct container_ann a = { .exp.mode = EXPORT_ALL, .flavor = FLAVOR_DOCKER };
        const char *v;
        int r = 0;

        static const char *const known[] = { ANN_NAME, ANN_LINKS, ANN_EXPOSE, ANN_IP, ANN_ENV_EXPORT, ANN_FLAVOR,
                                             ANN_INJECTED, ANN_ERROR };

        for (size_t i = 0; annotations && i < annotations->n; i++) {
                const char *k = annotations->keys[i];
                bool ok = false;

                if (strncmp(k, ANN_PREFIX, strlen(ANN_PREFIX)) != 0)
                        continue;
                a.any = true;
                for (size_t j = 0; j < ELEMENTSOF(known) && !ok; j++)
                        ok = STREQ(k, known[j]);
                if (!ok) {
                        /* a misspelt key (io.ocilink.link) would silently mean "no links" */
                        _cleanup_free_ char *q = escape_str(k);
                        *reterr = xasprintf("unknown annotation `%s`: ocilink knows %s, %s, %s, %s, %s and %s", q,
                                            ANN_NAME, ANN_LINKS, ANN_EXPOSE, ANN_IP, ANN_ENV_EXPORT, ANN_FLAVOR);
                        return -EINVAL;
                }
        }
        if (!a.any) {
                *ret = a;
                return 0;
        }
        if ((v = annotation_get(annotations, ANN_NAME)) && (r = ann_parse_name(v, &a.name, reterr)) < 0)
                goto fail;
        if ((v = annotation_get(annotations, ANN_LINKS))) {
                r = ann_parse_links(v, NULL, &a.links, reterr);
                if (r < 0)
                        goto fail;
                a.has_links = a.links.n > 0;
        }
        if ((v = annotation_get(annotations, ANN_EXPOSE))) {
                struct strv items = { 0 };
                r = ann_split(ANN_EXPOSE, v, &items, reterr);
                if (r >= 0)
                        r = ports_parse(&items, &a.ports, reterr);
                strv_done(&items);
                if (r < 0)
                        goto fail;
        }
        if ((v = annotation_get(annotations, ANN_IP))) {
                r = ann_parse_ip(v, &a.ip, reterr);
                if (r < 0)
                        goto fail;
                a.has_ip = a.ip.n4 + a.ip.n6 > 0;
        }
        if ((v = annotation_get(annotations, ANN_ENV_EXPORT)) && (r = ann_parse_env_export(v, &a.exp, reterr)) < 0)
                goto fail;
        if ((v = annotation_get(annotations, ANN_FLAVOR)) && (r = ann_parse_flavor(v, &a.flavor, reterr)) < 0)
                goto fail;
        if ((v = annotation_get(annotations, ANN_INJECTED))) {
                /* Our own bookkeeping: keys separated by newlines. */
                const char *p = v;
                while (*p) {
                        const char *nl = strchr(p, '\n');
                        size_t l = nl ? (size_t) (nl - p) : strlen(p);
                        if (l)
                                strv_push(&a.injected, xstrndup(p, l));
                        p += l + (nl ? 1 : 0);
                }
        }
        *ret = a;
        return 0;
fail:
        container_ann_done(&a);
        return r;
}

int container_check_self(const struct container_ann *a, const char *name, char **reterr)
{
        for (size_t i = 0; i < a->links.n; i++)
                if (STREQ(a->links.v[i].name, name)) {
                        *reterr = xasprintf("bad link `%s:%s`: a container cannot link to itself",
                                            a->links.v[i].name, a->links.v[i].alias);
                        return -EINVAL;
                }
        return 0;
}

void container_ann_done(struct container_ann *a)
{
        free(a->name);
        link_list_done(&a->links);
        port_list_done(&a->ports);
        env_export_done(&a->exp);
        strv_done(&a->injected);
        *a = (struct container_ann) { 0 };
}

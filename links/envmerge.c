#include "links/envmerge.h"

#include <stdlib.h>
#include <string.h>

#include "links/keyset.h"
#include "links/macro.h"

char *env_key(const char *entry)
{
        const char *eq = strchr(entry, '=');
        return eq ? xstrndup(entry, (size_t) (eq - entry)) : xstrdup(entry);
}

void envmerge(char *const *env, size_t n_env, const struct strv *injected_before, const struct strv *link_vars,
              struct strv *ret_env, struct strv *ret_injected)
{
        struct keyset old, present;
        struct strv out = { 0 }, added = { 0 };

        keyset_init(&old, injected_before ? injected_before->n : 0);
        for (size_t i = 0; injected_before && i < injected_before->n; i++)
                keyset_add(&old, injected_before->v[i]);
        keyset_init(&present, n_env + (link_vars ? link_vars->n : 0));

        for (size_t i = 0; i < n_env; i++) {
                size_t kl = strcspn(env[i], "=");
                if (keyset_hasn(&old, env[i], kl))
                        continue;
                keyset_addn(&present, env[i], kl);
                strv_push(&out, xstrdup(env[i]));
        }
        for (size_t i = 0; link_vars && i < link_vars->n; i++) {
                const char *v = link_vars->v[i];
                size_t kl = strcspn(v, "=");
                if (!keyset_addn(&present, v, kl))
                        continue;
                strv_push(&added, xstrndup(v, kl));
                strv_push(&out, xstrdup(v));
        }
        keyset_done(&old);
        keyset_done(&present);
        *ret_env = out;
        *ret_injected = added;
}

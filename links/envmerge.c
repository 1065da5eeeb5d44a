#include "links/envmerge.h"

#include <stdlib.h>
#include <string.h>

#include "links/macro.h"

char *env_key(const char *entry)
{
        const char *eq = strchr(entry, '=');
        return eq ? xstrndup(entry, (size_t) (eq - entry)) : xstrdup(entry);
}

/* A small open-addressing set of keys: merging 256 links with thousands of variables each must not
 * be quadratic. */
struct keyset {
        char **slots;
        size_t cap;
};

static size_t hash(const char *s)
{
        size_t h = 1469598103934665603ull;
        for (; *s; s++)
                h = (h ^ (unsigned char) *s) * 1099511628211ull;
        return h;
}

static void keyset_init(struct keyset *ks, size_t n)
{
        ks->cap = 16;
        while (ks->cap < n * 2 + 16)
                ks->cap *= 2;
        ks->slots = xcalloc(ks->cap, sizeof(char *));
}

static bool keyset_has(const struct keyset *ks, const char *k)
{
        for (size_t i = hash(k) & (ks->cap - 1);; i = (i + 1) & (ks->cap - 1)) {
                if (!ks->slots[i])
                        return false;
                if (STREQ(ks->slots[i], k))
                        return true;
        }
}

/* Takes ownership of k; the set must have been sized for every insertion. */
static void keyset_add(struct keyset *ks, char *k)
{
        size_t i = hash(k) & (ks->cap - 1);

        while (ks->slots[i]) {
                if (STREQ(ks->slots[i], k)) {
                        free(k);
                        return;
                }
                i = (i + 1) & (ks->cap - 1);
        }
        ks->slots[i] = k;
}

static void keyset_done(struct keyset *ks)
{
        for (size_t i = 0; i < ks->cap; i++)
                free(ks->slots[i]);
        free(ks->slots);
}

void envmerge(char *const *env, size_t n_env, const struct strv *injected_before, const struct strv *link_vars,
              struct strv *ret_env, struct strv *ret_injected)
{
        struct keyset old, present;
        struct strv out = { 0 }, added = { 0 };

        keyset_init(&old, injected_before ? injected_before->n : 0);
        for (size_t i = 0; injected_before && i < injected_before->n; i++)
                keyset_add(&old, xstrdup(injected_before->v[i]));
        keyset_init(&present, n_env + (link_vars ? link_vars->n : 0));

        for (size_t i = 0; i < n_env; i++) {
                char *k = env_key(env[i]);
                if (keyset_has(&old, k)) {
                        free(k);
                        continue;
                }
                keyset_add(&present, k);
                strv_push(&out, xstrdup(env[i]));
        }
        for (size_t i = 0; link_vars && i < link_vars->n; i++) {
                char *k = env_key(link_vars->v[i]);
                if (keyset_has(&present, k)) {
                        free(k);
                        continue;
                }
                strv_push(&added, xstrdup(k));
                keyset_add(&present, k);
                strv_push(&out, xstrdup(link_vars->v[i]));
        }
        keyset_done(&old);
        keyset_done(&present);
        *ret_env = out;
        *ret_injected = added;
}

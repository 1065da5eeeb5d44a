#include "links/keyset.h"

#include <stdlib.h>
#include <string.h>

#include "links/macro.h"

static size_t hashn(const char *s, size_t len)
{
        size_t h = 1469598103934665603ull;
        for (size_t i = 0; i < len; i++)
                h = (h ^ (unsigned char) s[i]) * 1099511628211ull;
        return h;
}

void keyset_init(struct keyset *ks, size_t n)
{
        ks->cap = 16;
        while (ks->cap < n * 2 + 16)
                ks->cap *= 2;
        ks->slots = xcalloc(ks->cap, sizeof(char *));
}

static bool slot_is(const char *slot, const char *k, size_t len)
{
        return strncmp(slot, k, len) == 0 && slot[len] == '\0';
}

/* The slot holding k, or the empty slot where it would go. */
static size_t find(const struct keyset *ks, const char *k, size_t len)
{
        size_t i = hashn(k, len) & (ks->cap - 1);

        while (ks->slots[i] && !slot_is(ks->slots[i], k, len))
                i = (i + 1) & (ks->cap - 1);
        return i;
}

bool keyset_hasn(const struct keyset *ks, const char *k, size_t len)
{
        return ks->slots[find(ks, k, len)] != NULL;
}

bool keyset_has(const struct keyset *ks, const char *k)
{
        return keyset_hasn(ks, k, strlen(k));
}

bool keyset_addn(struct keyset *ks, const char *k, size_t len)
{
        size_t i = find(ks, k, len);

        if (ks->slots[i])
                return false;
        ks->slots[i] = xstrndup(k, len);
        return true;
}

bool keyset_add(struct keyset *ks, const char *k)
{
        return keyset_addn(ks, k, strlen(k));
}

void keyset_done(struct keyset *ks)
{
        for (size_t i = 0; ks->slots && i < ks->cap; i++)
                free(ks->slots[i]);
        free(ks->slots);
        ks->slots = NULL;
        ks->cap = 0;
}

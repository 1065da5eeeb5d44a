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

static size_t cap_for(size_t n)
{
        size_t cap = 16;
        while (cap < n * 2 + 16)
                cap *= 2;
        return cap;
}

void keyset_init(struct keyset *ks, size_t n)
{
        ks->cap = cap_for(n);
        ks->n = 0;
        ks->slots = xcalloc(ks->cap, sizeof(struct keyset_slot));
}

/* The slot holding the key, or the empty slot where it would go. */
static size_t find(const struct keyset *ks, const char *k, size_t len)
{
        size_t i = hashn(k, len) & (ks->cap - 1);

        while (ks->slots[i].key && (ks->slots[i].len != len || memcmp(ks->slots[i].key, k, len) != 0))
                i = (i + 1) & (ks->cap - 1);
        return i;
}

bool keyset_hasn(const struct keyset *ks, const char *k, size_t len)
{
        return ks->slots[find(ks, k, len)].key != NULL;
}

bool keyset_has(const struct keyset *ks, const char *k)
{
        return keyset_hasn(ks, k, strlen(k));
}

/* Keeps at least half the slots empty, so a probe always ends. */
static void grow(struct keyset *ks)
{
        struct keyset bigger = { .cap = ks->cap * 2, .n = ks->n };

        bigger.slots = xcalloc(bigger.cap, sizeof(struct keyset_slot));
        for (size_t i = 0; i < ks->cap; i++)
                if (ks->slots[i].key)
                        bigger.slots[find(&bigger, ks->slots[i].key, ks->slots[i].len)] = ks->slots[i];
        free(ks->slots);
        *ks = bigger;
}

bool keyset_addn(struct keyset *ks, const char *k, size_t len)
{
        size_t i;

        if ((ks->n + 1) * 2 > ks->cap)
                grow(ks);
        i = find(ks, k, len);
        if (ks->slots[i].key)
                return false;
        /* an empty key still needs a non-NULL pointer to mark its slot taken */
        ks->slots[i] = (struct keyset_slot) { .key = k ? k : "", .len = len };
        ks->n++;
        return true;
}

bool keyset_add(struct keyset *ks, const char *k)
{
        return keyset_addn(ks, k, strlen(k));
}

void keyset_done(struct keyset *ks)
{
        free(ks->slots);
        *ks = (struct keyset) { 0 };
}

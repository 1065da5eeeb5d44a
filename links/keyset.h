#pragma once

#include <stdbool.h>
#include <stddef.h>

/* A set of strings (env keys, names) with open addressing, sized up front: the env merge, the
 * export filter and the prepared check run over thousands of variables with 256 links, and must
 * not be quadratic. */
struct keyset {
        char **slots;
        size_t cap;
};

/* Room for n insertions. */
void keyset_init(struct keyset *ks, size_t n);
bool keyset_has(const struct keyset *ks, const char *k);
/* The same for the first len bytes of k (an env entry's key, before its '='). */
bool keyset_hasn(const struct keyset *ks, const char *k, size_t len);
/* Adds a copy of the first len bytes of k; false when it was there already. At most the n
 * insertions the set was made for. */
bool keyset_addn(struct keyset *ks, const char *k, size_t len);
bool keyset_add(struct keyset *ks, const char *k);
void keyset_done(struct keyset *ks);

#pragma once

#include <stdbool.h>
#include <stddef.h>

/* A set of strings (env keys, names) with open addressing: the env merge, the export filter and
 * the prepared check run over thousands of variables with 256 links, and must not be quadratic.
 * The set borrows its keys: each is a pointer and a length into a string that must outlive the
 * set (an env entry's key is the bytes before its '='), so filling it allocates nothing. */
struct keyset_slot {
        const char *key;
        size_t len;
};

struct keyset {
        struct keyset_slot *slots;
        size_t cap;
        size_t n;
};

/* Room for n keys before the first growth. */
void keyset_init(struct keyset *ks, size_t n);
bool keyset_has(const struct keyset *ks, const char *k);
/* The same for the first len bytes of k. */
bool keyset_hasn(const struct keyset *ks, const char *k, size_t len);
/* Adds the first len bytes of k (borrowed); false when they were there already. */
bool keyset_addn(struct keyset *ks, const char *k, size_t len);
bool keyset_add(struct keyset *ks, const char *k);
void keyset_done(struct keyset *ks);

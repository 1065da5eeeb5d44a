#pragma once

#include <stdbool.h>
#include <stddef.h>

/* A JSON tree that keeps everything a rewrite must preserve: object key order, duplicate-free keys,
 * the raw text of every number, and string bytes (UTF-8 as given). Parsed with yajl's callback
 * API under the caps of limits.h; written back with yajl_gen. Non-logging module. */

enum json_type {
        JSON_NULL,
        JSON_TRUE,
        JSON_FALSE,
        JSON_NUMBER, /* str/len hold the number's text exactly as it appeared in the input */
        JSON_STRING, /* str/len hold the decoded bytes; never an embedded NUL; str is NUL-terminated */
        JSON_ARRAY,  /* items[0..n) */
        JSON_OBJECT, /* keys[0..n) with values items[0..n), in input order, keys unique */
};

struct json_value {
        enum json_type type;
        char *str;
        size_t len;
        struct json_value **items;
        char **keys;
        size_t n;
        size_t cap;
};

#define JSON_ERR_MAX 192

/* Parses len bytes. Refuses (each with a message in reterr, which is written only on failure):
 *  - more than OCILINK_MAX_JSON_BYTES bytes                    -> -EFBIG
 *  - a raw NUL byte anywhere, or \u0000 in a string or key      -> -EBADMSG
 *  - nesting deeper than OCILINK_MAX_JSON_DEPTH                 -> -ELOOP
 *  - a duplicate key in any object                             -> -EBADMSG
 *  - comments, trailing garbage, invalid UTF-8, any syntax error -> -EBADMSG
 * On success *ret owns the tree (free with json_free). */
int json_parse(const char *buf, size_t len, struct json_value **ret, char reterr[JSON_ERR_MAX]);

void json_free(struct json_value *v);
static inline void json_freep(struct json_value **v)
{
        json_free(*v);
}
#define _cleanup_json_ __attribute__((cleanup(json_freep)))

/* Serialises v; pretty selects yajl's beautify (tab-free, 4-space indent). *ret is NUL-terminated. */
int json_write(const struct json_value *v, bool pretty, char **ret, size_t *ret_len);

/* Object access. Lookups return NULL when absent or when obj is NULL or not an object. */
struct json_value *json_get(const struct json_value *obj, const char *key);
/* The string value of key, or NULL if absent or not a string. */
const char *json_get_str(const struct json_value *obj, const char *key);
/* Sets key to value (taking ownership): replaces an existing member in place, else appends. */
void json_set(struct json_value *obj, const char *key, struct json_value *value);
/* Removes key if present; returns true if it was there. */
bool json_remove(struct json_value *obj, const char *key);
/* Returns the object member key, creating it as an empty object (or array) when absent.
 * Returns NULL if it exists with another type. */
struct json_value *json_get_or_add_object(struct json_value *obj, const char *key);
struct json_value *json_get_or_add_array(struct json_value *obj, const char *key);

/* Array access. */
void json_append(struct json_value *arr, struct json_value *value);
/* Removes and frees item i, keeping order. */
void json_remove_at(struct json_value *arr, size_t i);

/* Constructors. */
struct json_value *json_new(enum json_type type);
struct json_value *json_new_string(const char *s);
struct json_value *json_new_stringn(const char *s, size_t len);
/* A number from its text, which must be a valid JSON number (no check). */
struct json_value *json_new_number(const char *text);
struct json_value *json_new_int(long long v);

/* Strict UTF-8 (RFC 3629): no overlong forms, no UTF-16 surrogates, nothing past U+10FFFF. */
bool json_utf8_valid(const unsigned char *s, size_t len);

/* Parses a JSON_NUMBER that must be an integer in [min, max] (no fraction, no exponent). */
int json_number_to_ll(const struct json_value *v, long long min, long long max, long long *ret);

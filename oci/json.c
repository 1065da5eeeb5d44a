#include "oci/json.h"

#include "oci/yajl-strict.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "links/escape.h"
#include "links/limits.h"
#include "links/macro.h"
#include "oci/yajl-strict.h"

/* Objects with at most this many keys are checked for duplicates pairwise; larger ones are
 * checked by sorting a copy of the key pointers (O(n log n)). */
#define DUP_CHECK_PAIRWISE_MAX 8

struct parse_ctx {
        struct json_value *root;
        /* Open containers, innermost last. Every one of them is already linked into root, so
         * freeing root frees whatever was built so far. */
        struct json_value *stack[OCILINK_MAX_JSON_DEPTH];
        size_t depth;
        /* Set by a callback that cancels the parse. */
        int error;
        char msg[JSON_ERR_MAX];
};

static void yajl_handle_freep(yajl_handle *h)
{
        if (*h)
                yajl_free(*h);
}

static void yajl_gen_freep(yajl_gen *g)
{
        if (*g)
                yajl_gen_free(*g);
}

static void set_err(char *reterr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(char *reterr, const char *fmt, ...)
{
        va_list ap;

        if (!reterr)
                return;
        va_start(ap, fmt);
        vsnprintf(reterr, JSON_ERR_MAX, fmt, ap);
        va_end(ap);
}

/* Records why a callback cancels the parse; returns 0 so the callback can return it to yajl. */
static int ctx_fail(struct parse_ctx *ctx, int error, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static int ctx_fail(struct parse_ctx *ctx, int error, const char *fmt, ...)
{
        va_list ap;

        if (ctx->error)
                return 0;
        ctx->error = error;
        va_start(ap, fmt);
        vsnprintf(ctx->msg, sizeof(ctx->msg), fmt, ap);
        va_end(ap);
        return 0;
}

/* A string or number node made by the parser or json_new_stringn holds its text right after the
 * node, one allocation instead of two (a parse makes thousands of them). */
static char *inline_str(struct json_value *v)
{
        return (char *) (v + 1);
}

static struct json_value *new_with_text(enum json_type type, const char *s, size_t len)
{
        struct json_value *v;

        if (len > SIZE_MAX - sizeof(*v) - 1)
                abort();
        v = xmalloc(sizeof(*v) + len + 1);
        *v = (struct json_value) { .type = type, .str = inline_str(v), .len = len };
        if (len > 0)
                memcpy(v->str, s, len);
        v->str[len] = '\0';
        return v;
}

void json_free(struct json_value *v)
{
        if (!v)
                return;
        for (size_t i = 0; i < v->n; i++) {
                if (v->items)
                        json_free(v->items[i]);
                if (v->keys)
                        free(v->keys[i]);
        }
        free(v->items);
        free(v->keys);
        if (v->str != inline_str(v))
                free(v->str);
        free(v);
}

/* Makes room for one more member of an array or object. */
static void json_grow(struct json_value *v)
{
        size_t cap;

        if (v->n < v->cap)
                return;
        cap = v->cap ? v->cap * 2 : 4;
        if (cap < v->cap || cap > SIZE_MAX / sizeof(void *))
                abort();
        v->items = xrealloc(v->items, cap * sizeof(*v->items));
        if (v->type == JSON_OBJECT)
                v->keys = xrealloc(v->keys, cap * sizeof(*v->keys));
        v->cap = cap;
}

static ssize_t json_find(const struct json_value *obj, const char *key)
{
        if (!obj || obj->type != JSON_OBJECT || !key)
                return -1;
        for (size_t i = 0; i < obj->n; i++)
                if (STREQ(obj->keys[i], key))
                        return (ssize_t) i;
        return -1;
}

/* ---- parsing ---- */

/* Links a finished scalar, or a container just opened, into the tree. Takes ownership of v. */
static int ctx_add(struct parse_ctx *ctx, struct json_value *v)
{
        struct json_value *top;

        if (ctx->depth == 0) {
                if (ctx->root) {
                        /* yajl_allow_multiple_values is off, so this cannot happen. */
                        json_free(v);
                        return ctx_fail(ctx, -EBADMSG, "more than one JSON value in the input");
                }
                ctx->root = v;
                return 1;
        }

        top = ctx->stack[ctx->depth - 1];
        if (top->type == JSON_ARRAY) {
                json_grow(top);
                top->items[top->n++] = v;
                return 1;
        }

        /* An object: map_key left a slot whose value is still NULL. */
        if (top->n == 0 || top->items[top->n - 1]) {
                json_free(v);
                return ctx_fail(ctx, -EBADMSG, "JSON object member without a key");
        }
        top->items[top->n - 1] = v;
        return 1;
}

static int cb_null(void *p)
{
        return ctx_add(p, json_new(JSON_NULL));
}

static int cb_boolean(void *p, int b)
{
        return ctx_add(p, json_new(b ? JSON_TRUE : JSON_FALSE));
}

static int cb_number(void *p, const char *s, size_t len)
{
        return ctx_add(p, new_with_text(JSON_NUMBER, s, len));
}

/* Strict UTF-8 (RFC 3629): yajl's own check accepts overlong forms, UTF-16 surrogates and code
 * points past U+10FFFF, and decodes a lone \udc00 escape into a surrogate. A runtime's JSON
 * decoder would read such bytes differently from us, so they are refused. */
bool json_utf8_valid(const unsigned char *s, size_t len)
{
        size_t i = 0;

        while (i < len) {
                unsigned char c = s[i];
                size_t n;
                unsigned char lo = 0x80, hi = 0xbf;

                if (c < 0x80) {
                        uint64_t w;
                        i++;
                        /* ASCII, the usual case: eight bytes a step while none has its high bit */
                        while (i + 8 <= len && (memcpy(&w, s + i, 8), (w & 0x8080808080808080ull) == 0))
                                i += 8;
                        continue;
                }
                if (c >= 0xc2 && c <= 0xdf) {
                        n = 1;
                } else if (c >= 0xe0 && c <= 0xef) {
                        n = 2;
                        if (c == 0xe0)
                                lo = 0xa0; /* overlong */
                        else if (c == 0xed)
                                hi = 0x9f; /* surrogates */
                } else if (c >= 0xf0 && c <= 0xf4) {
                        n = 3;
                        if (c == 0xf0)
                                lo = 0x90; /* overlong */
                        else if (c == 0xf4)
                                hi = 0x8f; /* past U+10FFFF */
                } else {
                        return false;
                }

                if (len - i - 1 < n)
                        return false;
                if (s[i + 1] < lo || s[i + 1] > hi)
                        return false;
                for (size_t k = 2; k <= n; k++)
                        if (s[i + k] < 0x80 || s[i + k] > 0xbf)
                                return false;
                i += n + 1;
        }
        return true;
}

static int cb_string(void *p, const unsigned char *s, size_t len)
{
        if (memchr(s, '\0', len))
                return ctx_fail(p, -EBADMSG, "NUL byte in a JSON string");
        if (!json_utf8_valid(s, len))
                return ctx_fail(p, -EBADMSG, "invalid UTF-8 in a JSON string");
        return ctx_add(p, json_new_stringn((const char *) s, len));
}

static int cb_map_key(void *p, const unsigned char *s, size_t len)
{
        struct parse_ctx *ctx = p;
        struct json_value *top;

        if (memchr(s, '\0', len))
                return ctx_fail(ctx, -EBADMSG, "NUL byte in a JSON object key");
        if (!json_utf8_valid(s, len))
                return ctx_fail(ctx, -EBADMSG, "invalid UTF-8 in a JSON object key");
        if (ctx->depth == 0 || ctx->stack[ctx->depth - 1]->type != JSON_OBJECT)
                return ctx_fail(ctx, -EBADMSG, "JSON object key outside an object");

        top = ctx->stack[ctx->depth - 1];
        json_grow(top);
        top->keys[top->n] = xstrndup((const char *) s, len);
        top->items[top->n] = NULL;
        top->n++;
        return 1;
}

static int ctx_open(struct parse_ctx *ctx, enum json_type type)
{
        struct json_value *v;

        if (ctx->depth >= OCILINK_MAX_JSON_DEPTH)
                return ctx_fail(ctx, -ELOOP, "JSON nesting deeper than %d levels",
                                OCILINK_MAX_JSON_DEPTH);
        v = json_new(type);
        if (!ctx_add(ctx, v))
                return 0;
        ctx->stack[ctx->depth++] = v;
        return 1;
}

static int cb_start_map(void *p)
{
        return ctx_open(p, JSON_OBJECT);
}

static int cb_start_array(void *p)
{
        return ctx_open(p, JSON_ARRAY);
}

static int cmp_key_slot(const void *a, const void *b)
{
        char *const *x = *(char *const *const *) a;
        char *const *y = *(char *const *const *) b;
        int r = strcmp(*x, *y);

        if (r != 0)
                return r;
        /* Equal keys: order by position in keys[], i.e. input order. */
        return (x > y) - (x < y);
}

/* Returns the index of the earliest key (in input order) that repeats an earlier one, or -1. */
static ssize_t find_duplicate_key(const struct json_value *obj)
{
        _cleanup_free_ char ***slots = NULL;
        ssize_t found = -1;

        if (obj->n < 2)
                return -1;

        if (obj->n <= DUP_CHECK_PAIRWISE_MAX) {
                for (size_t i = 1; i < obj->n; i++)
                        for (size_t j = 0; j < i; j++)
                                if (STREQ(obj->keys[i], obj->keys[j]))
                                        return (ssize_t) i;
                return -1;
        }

        /* Sort pointers to the key slots, so each key's position in keys[] stays known. */
        slots = xmalloc(obj->n * sizeof(*slots));
        for (size_t i = 0; i < obj->n; i++)
                slots[i] = &obj->keys[i];
        qsort(slots, obj->n, sizeof(*slots), cmp_key_slot);

        for (size_t i = 1; i < obj->n; i++)
                if (STREQ(*slots[i - 1], *slots[i])) {
                        /* The later slot of an equal pair is a repeat. */
                        ssize_t idx = slots[i] - obj->keys;
                        if (found < 0 || idx < found)
                                found = idx;
                }
        return found;
}

static int cb_end_map(void *p)
{
        struct parse_ctx *ctx = p;
        struct json_value *top;
        ssize_t dup;

        if (ctx->depth == 0)
                return ctx_fail(ctx, -EBADMSG, "unbalanced JSON object");
        top = ctx->stack[ctx->depth - 1];
        dup = find_duplicate_key(top);
        if (dup >= 0) {
                _cleanup_free_ char *q = escape_str(top->keys[dup]);
                return ctx_fail(ctx, -EBADMSG, "duplicate key `%s` in an object", q);
        }
        ctx->depth--;
        return 1;
}

static int cb_end_array(void *p)
{
        struct parse_ctx *ctx = p;

        if (ctx->depth == 0)
                return ctx_fail(ctx, -EBADMSG, "unbalanced JSON array");
        ctx->depth--;
        return 1;
}

static const yajl_callbacks parse_callbacks = {
        .yajl_null = cb_null,
        .yajl_boolean = cb_boolean,
        .yajl_integer = NULL,
        .yajl_double = NULL,
        .yajl_number = cb_number,
        .yajl_string = cb_string,
        .yajl_start_map = cb_start_map,
        .yajl_map_key = cb_map_key,
        .yajl_end_map = cb_end_map,
        .yajl_start_array = cb_start_array,
        .yajl_end_array = cb_end_array,
};

/* A syntax error: where, plus yajl's short reason (never its verbose text, which quotes input). */
static void syntax_error(yajl_handle h, size_t offset, char *reterr)
{
        unsigned char *e = yajl_get_error(h, 0, NULL, 0);
        _cleanup_free_ char *why = NULL;
        size_t n;

        if (e) {
                n = strlen((const char *) e);
                while (n > 0 && (e[n - 1] == '\n' || e[n - 1] == ' ' || e[n - 1] == '.'))
                        n--;
                why = escape_for_log((const char *) e, n);
                yajl_free_error(h, e);
        }
        if (why && why[0])
                set_err(reterr, "JSON syntax error at byte %zu: %s", offset, why);
        else
                set_err(reterr, "JSON syntax error at byte %zu", offset);
}

int json_parse(const char *buf, size_t len, struct json_value **ret, char reterr[JSON_ERR_MAX])
{
        _cleanup_(yajl_handle_freep) yajl_handle h = NULL;
        _cleanup_free_ struct parse_ctx *ctx = NULL;
        const char *nul;
        yajl_status st;
        size_t offset;

        if (len > OCILINK_MAX_JSON_BYTES) {
                set_err(reterr, "JSON input is larger than %u bytes", OCILINK_MAX_JSON_BYTES);
                return -EFBIG;
        }
        if (len == 0 || !buf) {
                set_err(reterr, "empty JSON input");
                return -EBADMSG;
        }
        nul = memchr(buf, '\0', len);
        if (nul) {
                set_err(reterr, "NUL byte at byte %zu of the JSON input", (size_t) (nul - buf));
                return -EBADMSG;
        }

        ctx = xcalloc(1, sizeof(*ctx));
        h = yajl_strict_alloc(&parse_callbacks, ctx);

        st = yajl_parse(h, (const unsigned char *) buf, len);
        offset = yajl_get_bytes_consumed(h);
        if (st == yajl_status_ok) {
                st = yajl_complete_parse(h);
                /* The final flush does not count bytes of the input: point at its end. */
                offset = len;
        }

        if (st != yajl_status_ok || ctx->error) {
                int r = ctx->error;

                if (r < 0) {
                        set_err(reterr, "%s", ctx->msg);
                } else {
                        r = -EBADMSG;
                        syntax_error(h, offset, reterr);
                }
                json_free(ctx->root);
                return r;
        }

        if (!ctx->root || ctx->depth != 0) {
                /* Cannot happen with partial values off; never hand out a half-built tree. */
                json_free(ctx->root);
                set_err(reterr, "incomplete JSON input");
                return -EBADMSG;
        }

        *ret = ctx->root;
        return 0;
}

/* ---- writing ---- */

static int gen_status(yajl_gen_status s)
{
        switch (s) {
        case yajl_gen_status_ok:
                return 0;
        case yajl_max_depth_exceeded:
                return -ELOOP;
        default:
                return -EINVAL;
        }
}

static int gen_value(yajl_gen g, const struct json_value *v, size_t depth)
{
        int r;

        if (!v)
                return -EINVAL;

        switch (v->type) {
        case JSON_NULL:
                return gen_status(yajl_gen_null(g));
        case JSON_TRUE:
                return gen_status(yajl_gen_bool(g, 1));
        case JSON_FALSE:
                return gen_status(yajl_gen_bool(g, 0));
        case JSON_NUMBER:
                if (!v->str || v->len == 0)
                        return -EINVAL;
                return gen_status(yajl_gen_number(g, v->str, v->len));
        case JSON_STRING:
                if (!v->str && v->len > 0)
                        return -EINVAL;
                /* What we write must parse back: json_parse refuses NUL in strings. */
                if (v->len > 0 && memchr(v->str, '\0', v->len))
                        return -EINVAL;
                return gen_status(yajl_gen_string(g, (const unsigned char *) (v->str ? v->str : ""),
                                                  v->len));
        case JSON_ARRAY:
                if (depth >= OCILINK_MAX_JSON_DEPTH)
                        return -ELOOP;
                r = gen_status(yajl_gen_array_open(g));
                if (r < 0)
                        return r;
                for (size_t i = 0; i < v->n; i++) {
                        r = gen_value(g, v->items[i], depth + 1);
                        if (r < 0)
                                return r;
                }
                return gen_status(yajl_gen_array_close(g));
        case JSON_OBJECT:
                if (depth >= OCILINK_MAX_JSON_DEPTH)
                        return -ELOOP;
                r = gen_status(yajl_gen_map_open(g));
                if (r < 0)
                        return r;
                for (size_t i = 0; i < v->n; i++) {
                        if (!v->keys[i])
                                return -EINVAL;
                        r = gen_status(yajl_gen_string(g, (const unsigned char *) v->keys[i],
                                                       strlen(v->keys[i])));
                        if (r < 0)
                                return r;
                        r = gen_value(g, v->items[i], depth + 1);
                        if (r < 0)
                                return r;
                }
                return gen_status(yajl_gen_map_close(g));
        default:
                return -EINVAL;
        }
}

int json_write(const struct json_value *v, bool pretty, char **ret, size_t *ret_len)
{
        _cleanup_(yajl_gen_freep) yajl_gen g = NULL;
        const unsigned char *out;
        size_t out_len;
        char *copy;
        int r;

        if (!v || !ret)
                return -EINVAL;

        g = yajl_gen_alloc(NULL);
        if (!g)
                abort();
        if (pretty) {
                yajl_gen_config(g, yajl_gen_beautify, 1);
                yajl_gen_config(g, yajl_gen_indent_string, "    ");
        }
        yajl_gen_config(g, yajl_gen_validate_utf8, 0);
        yajl_gen_config(g, yajl_gen_escape_solidus, 0);

        r = gen_value(g, v, 0);
        if (r < 0)
                return r;
        if (yajl_gen_get_buf(g, &out, &out_len) != yajl_gen_status_ok)
                return -EINVAL;

        copy = xmalloc(out_len + 2);
        memcpy(copy, out, out_len);
        if (pretty && (out_len == 0 || copy[out_len - 1] != '\n'))
                copy[out_len++] = '\n';
        copy[out_len] = '\0';

        *ret = copy;
        if (ret_len)
                *ret_len = out_len;
        return 0;
}

/* ---- access ---- */

struct json_value *json_get(const struct json_value *obj, const char *key)
{
        ssize_t i = json_find(obj, key);

        return i < 0 ? NULL : obj->items[i];
}

const char *json_get_str(const struct json_value *obj, const char *key)
{
        const struct json_value *v = json_get(obj, key);

        return v && v->type == JSON_STRING ? v->str : NULL;
}

/* When obj is not an object, value is freed: the caller gave up ownership either way. */
void json_set(struct json_value *obj, const char *key, struct json_value *value)
{
        ssize_t i;

        if (!obj || obj->type != JSON_OBJECT || !key) {
                json_free(value);
                return;
        }

        i = json_find(obj, key);
        if (i >= 0) {
                if (obj->items[i] != value)
                        json_free(obj->items[i]);
                obj->items[i] = value;
                return;
        }

        json_grow(obj);
        obj->keys[obj->n] = xstrdup(key);
        obj->items[obj->n] = value;
        obj->n++;
}

bool json_remove(struct json_value *obj, const char *key)
{
        ssize_t i = json_find(obj, key);

        if (i < 0)
                return false;
        json_remove_at(obj, (size_t) i);
        return true;
}

static struct json_value *json_get_or_add(struct json_value *obj, const char *key,
                                          enum json_type type)
{
        struct json_value *v;

        if (!obj || obj->type != JSON_OBJECT || !key)
                return NULL;
        v = json_get(obj, key);
        if (v)
                return v->type == type ? v : NULL;
        v = json_new(type);
        json_set(obj, key, v);
        return v;
}

struct json_value *json_get_or_add_object(struct json_value *obj, const char *key)
{
        return json_get_or_add(obj, key, JSON_OBJECT);
}

struct json_value *json_get_or_add_array(struct json_value *obj, const char *key)
{
        return json_get_or_add(obj, key, JSON_ARRAY);
}

/* When arr is not an array, value is freed: the caller gave up ownership either way. */
void json_append(struct json_value *arr, struct json_value *value)
{
        if (!arr || arr->type != JSON_ARRAY) {
                json_free(value);
                return;
        }
        json_grow(arr);
        arr->items[arr->n++] = value;
}

/* Also works on an object (the key goes with its value). Out of range: nothing happens. */
void json_remove_at(struct json_value *arr, size_t i)
{
        if (!arr || (arr->type != JSON_ARRAY && arr->type != JSON_OBJECT) || i >= arr->n)
                return;

        json_free(arr->items[i]);
        memmove(&arr->items[i], &arr->items[i + 1], (arr->n - i - 1) * sizeof(*arr->items));
        if (arr->type == JSON_OBJECT) {
                free(arr->keys[i]);
                memmove(&arr->keys[i], &arr->keys[i + 1], (arr->n - i - 1) * sizeof(*arr->keys));
        }
        arr->n--;
}

/* ---- constructors ---- */

/* A JSON_STRING starts as "" and a JSON_NUMBER as 0, so every value can be written. */
struct json_value *json_new(enum json_type type)
{
        struct json_value *v = xcalloc(1, sizeof(*v));

        v->type = type;
        if (type == JSON_STRING) {
                v->str = xstrdup("");
        } else if (type == JSON_NUMBER) {
                v->str = xstrdup("0");
                v->len = 1;
        }
        return v;
}

struct json_value *json_new_string(const char *s)
{
        return json_new_stringn(s, s ? strlen(s) : 0);
}

struct json_value *json_new_stringn(const char *s, size_t len)
{
        return new_with_text(JSON_STRING, s, len);
}

struct json_value *json_new_number(const char *text)
{
        struct json_value *v = xcalloc(1, sizeof(*v));

        v->type = JSON_NUMBER;
        v->str = xstrdup(text ? text : "0");
        v->len = strlen(v->str);
        return v;
}

struct json_value *json_new_int(long long n)
{
        struct json_value *v = xcalloc(1, sizeof(*v));

        v->type = JSON_NUMBER;
        v->str = xasprintf("%lld", n);
        v->len = strlen(v->str);
        return v;
}

/* The text must be a JSON integer: -?(0|[1-9][0-9]*), all of it. */
int json_number_to_ll(const struct json_value *v, long long min, long long max, long long *ret)
{
        const char *s, *digits;
        unsigned long long limit, acc = 0;
        bool negative;
        long long result;

        if (!v || v->type != JSON_NUMBER || !v->str || v->len == 0 || strlen(v->str) != v->len)
                return -EINVAL;

        s = v->str;
        negative = s[0] == '-';
        digits = negative ? s + 1 : s;
        if (digits[0] == '\0')
                return -EINVAL;
        if (digits[0] == '0' && digits[1] != '\0')
                return -EINVAL;
        for (const char *c = digits; *c; c++)
                if (*c < '0' || *c > '9')
                        return -EINVAL;

        /* The magnitude of LLONG_MIN is LLONG_MAX + 1. */
        limit = negative ? (unsigned long long) LLONG_MAX + 1 : (unsigned long long) LLONG_MAX;
        for (const char *c = digits; *c; c++) {
                unsigned d = (unsigned) (*c - '0');
                if (acc > (limit - d) / 10)
                        return -ERANGE;
                acc = acc * 10 + d;
        }

        if (negative)
                result = acc == (unsigned long long) LLONG_MAX + 1 ? LLONG_MIN : -(long long) acc;
        else
                result = (long long) acc;

        if (result < min || result > max)
                return -ERANGE;
        *ret = result;
        return 0;
}

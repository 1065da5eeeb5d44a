#include "oci/jscan.h"

#include <errno.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "links/keyset.h"
#include "links/limits.h"
#include "links/macro.h"
#include "links/strv.h"
#include "oci/yajl-strict.h"

struct level {
        bool object;
        struct strv keys;   /* owned copies: yajl's key bytes are transient */
        struct keyset seen; /* borrows from keys */
};

struct scan {
        jscan_fn fn;
        void *userdata;
        struct level levels[OCILINK_MAX_JSON_DEPTH];
        unsigned depth;
        char *top_key; /* the current key of the top object */
        int error;
};

static int fail(struct scan *sc, int error)
{
        if (sc->error == 0)
                sc->error = error;
        return 0;
}

static int emit(struct scan *sc, enum json_type type, bool end, const char *text, size_t len, unsigned depth)
{
        struct jscan_event ev = {
                .type = type,
                .end = end,
                .text = text,
                .len = len,
                .depth = depth,
                .key = depth >= 1 && sc->levels[0].object ? sc->top_key : NULL,
        };
        int r = sc->fn(sc->userdata, &ev);
        return r < 0 ? fail(sc, r) : 1;
}

static int scalar(void *p, enum json_type type, const char *text, size_t len)
{
        struct scan *sc = p;
        return emit(sc, type, false, text, len, sc->depth);
}

static int cb_null(void *p)
{
        return scalar(p, JSON_NULL, NULL, 0);
}

static int cb_boolean(void *p, int b)
{
        return scalar(p, b ? JSON_TRUE : JSON_FALSE, NULL, 0);
}

static int cb_number(void *p, const char *s, size_t len)
{
        return scalar(p, JSON_NUMBER, s, len);
}

static int cb_string(void *p, const unsigned char *s, size_t len)
{
        if (memchr(s, '\0', len) || !json_utf8_valid(s, len))
                return fail(p, -EBADMSG);
        return scalar(p, JSON_STRING, (const char *) s, len);
}

static int open_level(struct scan *sc, bool object)
{
        struct level *l;
        int r;

        if (sc->depth >= OCILINK_MAX_JSON_DEPTH)
                return fail(sc, -ELOOP);
        r = emit(sc, object ? JSON_OBJECT : JSON_ARRAY, false, NULL, 0, sc->depth);
        if (!r)
                return 0;
        l = &sc->levels[sc->depth++];
        *l = (struct level) { .object = object };
        if (object)
                keyset_init(&l->seen, 8);
        return 1;
}

static int close_level(struct scan *sc, bool object)
{
        struct level *l;

        if (sc->depth == 0 || sc->levels[sc->depth - 1].object != object)
                return fail(sc, -EBADMSG);
        l = &sc->levels[--sc->depth];
        keyset_done(&l->seen);
        strv_done(&l->keys);
        return emit(sc, object ? JSON_OBJECT : JSON_ARRAY, true, NULL, 0, sc->depth);
}

static int cb_start_map(void *p)
{
        return open_level(p, true);
}

static int cb_end_map(void *p)
{
        return close_level(p, true);
}

static int cb_start_array(void *p)
{
        return open_level(p, false);
}

static int cb_end_array(void *p)
{
        return close_level(p, false);
}

static int cb_map_key(void *p, const unsigned char *s, size_t len)
{
        struct scan *sc = p;
        struct level *l;
        char *k;

        if (sc->depth == 0 || !sc->levels[sc->depth - 1].object)
                return fail(sc, -EBADMSG);
        if (memchr(s, '\0', len) || !json_utf8_valid(s, len))
                return fail(sc, -EBADMSG);
        l = &sc->levels[sc->depth - 1];
        k = xstrndup((const char *) s, len);
        strv_push(&l->keys, k);
        if (!keyset_addn(&l->seen, k, len))
                return fail(sc, -EBADMSG); /* a duplicate key */
        if (sc->depth == 1)
                sc->top_key = k;
        return 1;
}

static const yajl_callbacks scan_callbacks = {
        .yajl_null = cb_null,
        .yajl_boolean = cb_boolean,
        .yajl_number = cb_number,
        .yajl_string = cb_string,
        .yajl_start_map = cb_start_map,
        .yajl_map_key = cb_map_key,
        .yajl_end_map = cb_end_map,
        .yajl_start_array = cb_start_array,
        .yajl_end_array = cb_end_array,
};

int jscan(const char *buf, size_t len, jscan_fn fn, void *userdata)
{
        struct scan sc = { .fn = fn, .userdata = userdata };
        yajl_handle h;
        yajl_status st;
        int r = 0;

        if (len > OCILINK_MAX_JSON_BYTES)
                return -EFBIG;
        if (len == 0 || !buf || memchr(buf, '\0', len))
                return -EBADMSG;
        h = yajl_strict_alloc(&scan_callbacks, &sc);
        st = yajl_parse(h, (const unsigned char *) buf, len);
        if (st == yajl_status_ok)
                st = yajl_complete_parse(h);
        yajl_free(h);
        if (sc.error)
                r = sc.error;
        else if (st != yajl_status_ok || sc.depth != 0)
                r = -EBADMSG;
        while (sc.depth > 0) {
                struct level *l = &sc.levels[--sc.depth];
                keyset_done(&l->seen);
                strv_done(&l->keys);
        }
        return r;
}

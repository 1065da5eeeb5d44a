#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "oci/json.h"

/* A streaming walk over a JSON document, for reading small known files (registry records) without
 * building a tree. It refuses what json_parse refuses, under the same caps: more than
 * OCILINK_MAX_JSON_BYTES, a NUL byte or \u0000, nesting past OCILINK_MAX_JSON_DEPTH, a duplicate
 * key in any object, invalid UTF-8, any syntax error. Non-logging module. */

struct jscan_event {
        enum json_type type; /* the value's type: a scalar, or the start of an array or object */
        bool end;            /* the end of the array or object of this type */
        const char *text;    /* a string's decoded bytes or a number's text (not NUL-terminated) */
        size_t len;
        unsigned depth;      /* 0: the document itself; 1: a member of the top object or array */
        const char *key;     /* for depth >= 1 inside the top object: the top-level key (NUL-terminated) */
};

/* Called for every value (and every container's end); a negative return stops the walk with that
 * value. */
typedef int (*jscan_fn)(void *userdata, const struct jscan_event *ev);

/* 0, or the first negative value fn returned, or -EFBIG, -ELOOP, -EBADMSG. */
int jscan(const char *buf, size_t len, jscan_fn fn, void *userdata);

#pragma once

#include <stdlib.h>
#include <yajl/yajl_parse.h>

/* A yajl parser with every leniency off: no comments, strings validated, no trailing garbage, one
 * value, no partial values. These are yajl's defaults, set explicitly because ocilink's caps (see
 * json.h) depend on them. Shared by the tree parser (json.c) and the streaming walk (jscan.c). */
static inline yajl_handle yajl_strict_alloc(const yajl_callbacks *callbacks, void *ctx)
{
        yajl_handle h = yajl_alloc(callbacks, NULL, ctx);

        if (!h)
                abort();
        yajl_config(h, yajl_allow_comments, 0);
        yajl_config(h, yajl_dont_validate_strings, 0);
        yajl_config(h, yajl_allow_trailing_garbage, 0);
        yajl_config(h, yajl_allow_multiple_values, 0);
        yajl_config(h, yajl_allow_partial_values, 0);
        return h;
}

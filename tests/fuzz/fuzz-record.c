/* Input: a registry record file (names/<name>.json), as read back by every start.
 *
 * Two readers must agree: the streaming walk (oci/jscan.c), which reads records, accepts exactly
 * the documents the tree parser (oci/json.c) accepts. A record
 * that record_from_json accepts is a document both accept, and it survives a round trip: written
 * by record_to_json and read again, it gives the same text. */

#include "tests/fuzz/fuzz.h"

#include <errno.h>

#include "hook/registry.h"
#include "links/limits.h"
#include "links/macro.h"
#include "oci/jscan.h"
#include "oci/json.h"

static int count_event(void *userdata, const struct jscan_event *ev)
{
        size_t *n = userdata;

        FUZZ_CHECK(ev->depth <= OCILINK_MAX_JSON_DEPTH); /* scalars inside the deepest container */
        FUZZ_CHECK(ev->type != JSON_STRING || !memchr(ev->text, '\0', ev->len));
        (*n)++;
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        _cleanup_json_ struct json_value *tree = NULL;
        char err[JSON_ERR_MAX];
        struct record rec, again;
        size_t events = 0;
        int rt, rs, rr;

        rt = json_parse((const char *) data, size, &tree, err);
        rs = jscan((const char *) data, size, count_event, &events);
        FUZZ_CHECK(rs == 0 || rs == -EBADMSG || rs == -EFBIG || rs == -ELOOP);
        /* the same verdict; the error may differ for a document with two faults (the walk sees a
         * repeated key at once, the tree parser when the object ends) */
        FUZZ_CHECK((rt == 0) == (rs == 0));
        FUZZ_CHECK(rs != 0 || events > 0);

        rr = record_from_json((const char *) data, size, &rec);
        FUZZ_CHECK(rr == 0 || rr == -EBADMSG);
        if (rr == 0) {
                _cleanup_free_ char *text = record_to_json(&rec, false), *text2 = NULL;

                FUZZ_CHECK(rt == 0);
                FUZZ_CHECK(record_from_json(text, strlen(text), &again) == 0);
                text2 = record_to_json(&again, false);
                FUZZ_CHECK(strcmp(text, text2) == 0);
                record_done(&again);
                record_done(&rec);
        }
        return 0;
}

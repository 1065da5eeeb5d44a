#pragma once

#include <stddef.h>

#include "oci/json.h"

/* The OCI state a runtime gives a hook on stdin (runtime-spec "State"), as runc 1.1 and crun 1.8
 * send it: crun's extra "root" and the legacy "bundlePath" are accepted. Non-logging. */
struct oci_state {
        struct json_value *tree;
        const char *id;
        const char *status;
        long long pid; /* 0 when absent */
        const char *bundle;
        const struct json_value *annotations; /* may be NULL */
};

/* -EBADMSG with *reterr for anything but an object with a valid string id and an absolute bundle. */
int oci_state_parse(const char *buf, size_t len, struct oci_state *ret, char **reterr);
void oci_state_done(struct oci_state *s);

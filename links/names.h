#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Container names and link aliases: [A-Za-z0-9][A-Za-z0-9_.-]*, 1..OCILINK_MAX_NAME bytes.
 * The rule keeps them safe as hosts-file names, variable prefixes, marker lines and file names. */
bool name_is_valid(const char *s, size_t len);
/* An OCI container id we can use as a registry file name: 1..OCILINK_MAX_ID printable ASCII bytes,
 * no '/', no space, not "." or "..". */
bool id_is_valid(const char *s);
/* A hostname we write into hosts files: 1..253 bytes of [A-Za-z0-9._-], starting with a letter or
 * digit. Anything else (spaces, '#', control bytes) could add names or lines to a recipient's file. */
bool hostname_is_valid(const char *s);

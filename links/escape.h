#pragma once

#include <stddef.h>

/* Text safe for a log line: bytes outside printable ASCII become \xNN, a backslash becomes \\,
 * and input longer than OCILINK_MAX_QUOTE bytes is cut (marked with "..."). Returns a new string. */
char *escape_for_log(const char *s, size_t len);
/* The same for a NUL-terminated string. */
char *escape_str(const char *s);

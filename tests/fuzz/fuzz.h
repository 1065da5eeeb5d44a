#pragma once

/* Shared by the fuzz targets and fuzz-main.c. Each target defines LLVMFuzzerTestOneInput, returns 0
 * for every input (libFuzzer reserves other values), and calls abort() through FUZZ_CHECK when an
 * invariant breaks, so libFuzzer (or the replay test) reports the input as a crash. */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                              \
        do {                                                                                          \
                if (!(cond)) {                                                                        \
                        fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
                        abort();                                                                      \
                }                                                                                     \
        } while (0)

/* Messages may quote input: they must stay one printable line (style rule 17). */
static inline void fuzz_check_message(const char *msg)
{
        FUZZ_CHECK(msg);
        FUZZ_CHECK(msg[0] != '\0');
        for (const char *p = msg; *p; p++)
                FUZZ_CHECK((unsigned char) *p >= 0x20 && (unsigned char) *p < 0x7f);
}

/* Cuts the input at NUL bytes into at most n fields, each a malloc'd NUL-terminated copy (missing
 * fields are ""). When rest is set, the last field takes everything after the (n-1)th NUL, NULs
 * included, and its length goes to *rest. Free with fuzz_fields_free. */
static inline void fuzz_fields(const uint8_t *data, size_t size, char **f, size_t n, size_t *rest)
{
        size_t pos = 0;

        for (size_t i = 0; i < n; i++) {
                size_t end, len;

                if (rest && i + 1 == n) {
                        len = size - pos;
                        end = size;
                        *rest = len;
                } else {
                        const uint8_t *nul = pos < size ? memchr(data + pos, '\0', size - pos) : NULL;
                        end = nul ? (size_t) (nul - data) : size;
                        len = end - pos;
                }
                f[i] = malloc(len + 1);
                if (!f[i])
                        abort();
                if (len)
                        memcpy(f[i], data + pos, len);
                f[i][len] = '\0';
                pos = end < size ? end + 1 : size;
        }
}

static inline void fuzz_fields_free(char **f, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(f[i]);
}

#pragma once

/* Shared by the unit tests: cmocka needs these includes in this order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "links/macro.h"
#include "links/strv.h"

/* Asserts that got holds exactly the NULL-terminated list want, in order, printing both on a
 * mismatch. */
static inline void assert_strv_eq(const struct strv *got, const char *const *want)
{
        size_t n = 0;
        while (want[n])
                n++;
        if (got->n != n) {
                for (size_t i = 0; i < got->n; i++)
                        print_message("# got[%zu]  %s\n", i, got->v[i]);
                for (size_t i = 0; i < n; i++)
                        print_message("# want[%zu] %s\n", i, want[i]);
        }
        assert_int_equal(got->n, n);
        for (size_t i = 0; i < n; i++)
                assert_string_equal(got->v[i], want[i]);
}

#pragma once

/* Shared by the unit tests: cmocka needs these includes in this order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* The whole of a file (NUL-terminated; its length in *ret_len when not NULL), or NULL. O_NONBLOCK
 * so a FIFO planted by a test cannot block the reader. */
static inline char *test_read_file(const char *path, size_t *ret_len)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        struct buf b = { 0 };
        char tmp[8192];
        ssize_t n;

        if (fd < 0)
                return NULL;
        buf_append(&b, "", 0);
        while ((n = read(fd, tmp, sizeof tmp)) > 0)
                buf_append(&b, tmp, (size_t) n);
        close(fd);
        if (ret_len)
                *ret_len = b.len;
        return b.data;
}

static inline int test_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void) st;
        (void) flag;
        (void) ftw;
        (void) remove(path);
        return 0;
}

/* rm -rf of a test's temp dir, never following symlinks out of it. */
static inline void test_rm_rf(const char *path)
{
        (void) nftw(path, test_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

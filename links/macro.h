#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Cleanup helpers (systemd/crun style). Destructors accept NULL and negative fds. */

static inline void freep(void *p)
{
        free(*(void **) p);
}

static inline void closep(int *fd)
{
        if (*fd >= 0) {
                int saved = errno;
                close(*fd);
                errno = saved;
        }
}

static inline void fclosep(FILE **f)
{
        if (*f)
                fclose(*f);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

#define TAKE_PTR(p)                        \
        ({                                 \
                __typeof__(p) _tp_ = (p);  \
                (p) = NULL;                \
                _tp_;                      \
        })

#define TAKE_FD(fd)                        \
        ({                                 \
                int _tf_ = (fd);           \
                (fd) = -EBADF;             \
                _tf_;                      \
        })

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

#define STREQ(a, b) (strcmp((a), (b)) == 0)

/* Allocation failure aborts the hook: it is short-lived and has nothing to roll back in memory.
 * Sizes that come from input are checked against limits.h before anything is allocated. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

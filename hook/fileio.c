#include "hook/fileio.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "links/macro.h"

/* hint: the expected size (a regular file's st_size), so a small file takes one small buffer and
 * two reads; 0 when unknown (a pipe). */
static int read_bounded(int fd, size_t max, size_t hint, char **ret, size_t *ret_len)
{
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, cap = 0;

        for (;;) {
                ssize_t n;

                if (len == cap) {
                        if (cap > max)
                                return -EFBIG;
                        cap = cap ? cap * 2 : hint ? hint + 1 : 16384;
                        if (cap > max + 1)
                                cap = max + 1;
                        buf = xrealloc(buf, cap + 1);
                }
                n = read(fd, buf + len, cap - len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
                if (len > max)
                        return -EFBIG;
                /* A regular file gives a short read only at its end: no second read for the EOF. */
                if (hint && (size_t) n < cap - (len - (size_t) n))
                        break;
        }
        if (!buf)
                buf = xmalloc(1);
        buf[len] = '\0';
        *ret = TAKE_PTR(buf);
        *ret_len = len;
        return 0;
}

int read_fd_bounded(int fd, size_t max, char **ret, size_t *ret_len)
{
        return read_bounded(fd, max, 0, ret, ret_len);
}

int read_file_at(int dirfd, const char *name, size_t max, char **ret, size_t *ret_len)
{
        _cleanup_close_ int fd = -EBADF;
        struct stat st;

        fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        return read_bounded(fd, max, st.st_size > 0 && (size_t) st.st_size <= max ? (size_t) st.st_size : 0, ret,
                            ret_len);
}

int write_all(int fd, const char *data, size_t len)
{
        while (len) {
                ssize_t n = write(fd, data, len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                data += n;
                len -= (size_t) n;
        }
        return 0;
}

int write_fd_inplace(int fd, const char *data, size_t len)
{
        size_t off = 0;

        while (off < len) {
                ssize_t n = pwrite(fd, data + off, len - off, (off_t) off);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                off += (size_t) n;
        }
        if (ftruncate(fd, (off_t) len) < 0)
                return -errno;
        return 0;
}

static int write_atomic(int tmpdirfd, int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                        bool durable)
{
        char tmp[64];
        unsigned long long rnd;
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (getrandom(&rnd, sizeof rnd, 0) != sizeof rnd)
                return -EIO;
        snprintf(tmp, sizeof tmp, ".tmp-%016llx", rnd);
        fd = openat(tmpdirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd < 0)
                return -errno;
        r = write_all(fd, data, len);
        /* the registry's 0600 survives main()'s umask 022 as given: no fchmod needed */
        if (r >= 0 && mode != 0600 && fchmod(fd, mode) < 0)
                r = -errno;
        if (r >= 0 && durable && fsync(fd) < 0)
                r = -errno;
        test_delay_point("temp file written");
        if (r >= 0 && renameat(tmpdirfd, tmp, dirfd, name) < 0)
                r = -errno;
        if (r < 0) {
                (void) unlinkat(tmpdirfd, tmp, 0);
                return r;
        }
        if (durable)
                (void) fsync(dirfd);
        return 0;
}

int write_file_atomic_via(int tmpdirfd, int dirfd, const char *name, const char *data, size_t len, mode_t mode)
{
        return write_atomic(tmpdirfd, dirfd, name, data, len, mode, false);
}

int write_file_atomic_at(int dirfd, const char *name, const char *data, size_t len, mode_t mode)
{
        return write_atomic(dirfd, dirfd, name, data, len, mode, true);
}

void test_delay_point(const char *where)
{
        const char *v = secure_getenv("OCILINK_TEST_DELAY_MS");
        unsigned long ms = 0;

        if (!v || !*v)
                return;
        for (; *v >= '0' && *v <= '9' && ms < 100000; v++)
                ms = ms * 10 + (unsigned long) (*v - '0');
        (void) where;
        (void) nanosleep(&(struct timespec) { .tv_sec = (time_t) (ms / 1000), .tv_nsec = (long) (ms % 1000) * 1000000 },
                         NULL);
}

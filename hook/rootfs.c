#include "hook/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "links/escape.h"
#include "links/limits.h"
#include "links/macro.h"

static int fail(char **reterr, int r, char *msg)
{
        *reterr = msg;
        return r;
}

static bool openat2_disabled(void)
{
        /* Test knob: exercise the fallback walk on kernels that do have openat2. */
        const char *e = secure_getenv("OCILINK_TEST_NO_OPENAT2");
        return e && STREQ(e, "1");
}

/* Resolves path beneath rootfd as if rootfd were "/". The final component is never followed
 * (O_NOFOLLOW with O_PATH yields the symlink itself, which the type check then refuses). */
static int open_in_root(int rootfd, const char *path, int flags)
{
        if (!openat2_disabled()) {
                struct open_how how = {
                        .flags = (unsigned long long) (flags | O_NOFOLLOW | O_CLOEXEC),
                        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
                };
                for (int i = 0; i < OCILINK_OPENAT2_RETRIES; i++) {
                        int fd = (int) syscall(SYS_openat2, rootfd, path, &how, sizeof how);
                        if (fd >= 0)
                                return fd;
                        if (errno == EAGAIN)
                                continue;
                        if (errno != ENOSYS && errno != EPERM)
                                return -errno;
                        break;
                }
                if (errno == EAGAIN)
                        return -EAGAIN;
        }
        /* No openat2 (kernel < 5.6, or a seccomp profile around the runtime): walk the components
         * ourselves without following any symlink. The path is a constant without "..", so this
         * cannot leave the root; it refuses an in-root symlinked etc/ that openat2 would follow. */
        _cleanup_close_ int dirfd = -EBADF;
        _cleanup_free_ char *copy = xstrdup(path);
        char *save = NULL, *comp, *next;
        int cur = rootfd;

        comp = strtok_r(copy, "/", &save);
        while (comp) {
                int fd;

                next = strtok_r(NULL, "/", &save);
                fd = openat(cur, comp, next ? (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : (flags | O_NOFOLLOW | O_CLOEXEC));
                if (fd < 0)
                        return errno == ENOTDIR ? -ELOOP : -errno;
                closep(&dirfd);
                dirfd = fd;
                cur = fd;
                comp = next;
        }
        return TAKE_FD(dirfd);
}

static int host_hosts_stat(struct stat *st)
{
        return stat("/etc/hosts", st) < 0 ? -errno : 0;
}

/* Type checks on an O_PATH fd, then a reopen for I/O through /proc/self/fd (which cannot be
 * swapped under us), then the same checks on the new fd. An image may ship etc/hosts as a FIFO
 * (opening it would block the hook) or a device node (opening has side effects): never open for
 * I/O before the type is known. */
static int check_and_reopen(int pathfd, const char *what, int *ret_fd, char **reterr)
{
        struct stat st, st2, host;
        char proc[64];
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *q = escape_str(what);

        if (fstat(pathfd, &st) < 0)
                return fail(reterr, -errno, xasprintf("cannot stat %s: %s", q, strerror(errno)));
        if (S_ISLNK(st.st_mode))
                return fail(reterr, -ELOOP, xasprintf("refusing %s: it is a symlink", q));
        if (!S_ISREG(st.st_mode))
                return fail(reterr, -EBADFD, xasprintf("refusing %s: not a regular file", q));
        if (st.st_nlink != 1)
                return fail(reterr, -EMLINK,
                            xasprintf("refusing %s: it has %ju hard links", q, (uintmax_t) st.st_nlink));
        if ((unsigned long long) st.st_size > OCILINK_MAX_HOSTS_BYTES)
                return fail(reterr, -EFBIG,
                            xasprintf("refusing %s: larger than %u bytes", q, OCILINK_MAX_HOSTS_BYTES));
        if (host_hosts_stat(&host) == 0 && host.st_dev == st.st_dev && host.st_ino == st.st_ino)
                return fail(reterr, -EPERM, xasprintf("refusing %s: it is the host's /etc/hosts", q));

        snprintf(proc, sizeof proc, "/proc/self/fd/%d", pathfd);
        fd = open(proc, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                return fail(reterr, -errno, xasprintf("cannot open %s: %s", q, strerror(errno)));
        if (fstat(fd, &st2) < 0)
                return fail(reterr, -errno, xasprintf("cannot stat %s: %s", q, strerror(errno)));
        if (!S_ISREG(st2.st_mode) || st2.st_dev != st.st_dev || st2.st_ino != st.st_ino)
                return fail(reterr, -EBADFD, xasprintf("refusing %s: it changed while being opened", q));
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int rootfs_open_hosts(const char *rootfs, int *ret_fd, char **reterr)
{
        _cleanup_close_ int rootfd = -EBADF, pathfd = -EBADF;
        struct stat st, hostroot;
        _cleanup_free_ char *q = escape_str(rootfs);
        _cleanup_free_ char *what = xasprintf("%s/etc/hosts", q);
        _cleanup_free_ char *raw = xasprintf("%s/etc/hosts", rootfs);

        if (rootfs[0] != '/')
                return fail(reterr, -EINVAL, xasprintf("rootfs `%s` is not an absolute path", q));
        rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return fail(reterr, -errno, xasprintf("cannot open rootfs `%s`: %s", q, strerror(errno)));
        if (fstat(rootfd, &st) < 0 || stat("/", &hostroot) < 0)
                return fail(reterr, -errno, xasprintf("cannot stat rootfs `%s`: %s", q, strerror(errno)));
        if (st.st_dev == hostroot.st_dev && st.st_ino == hostroot.st_ino)
                return fail(reterr, -EPERM, xasprintf("refusing rootfs `%s`: it is the host's /", q));

        pathfd = open_in_root(rootfd, "etc/hosts", O_PATH);
        if (pathfd == -ENOENT) {
                _cleanup_close_ int etcfd = -EBADF;
                int fd;

                etcfd = open_in_root(rootfd, "etc", O_PATH | O_DIRECTORY);
                if (etcfd == -ENOENT) {
                        if (mkdirat(rootfd, "etc", 0755) < 0 && errno != EEXIST)
                                return fail(reterr, -errno, xasprintf("cannot create etc/ in rootfs `%s`: %s",
                                                                      q, strerror(errno)));
                        etcfd = open_in_root(rootfd, "etc", O_PATH | O_DIRECTORY);
                }
                if (etcfd < 0)
                        return fail(reterr, etcfd, xasprintf("cannot open etc/ in rootfs `%s`: %s", q,
                                                             strerror(-etcfd)));
                /* The directory fd pins etc/ in the root; O_EXCL|O_NOFOLLOW refuses anything planted. */
                fd = openat(etcfd, "hosts", O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
                if (fd < 0 && errno != EEXIST)
                        return fail(reterr, -errno, xasprintf("cannot create etc/hosts in rootfs `%s`: %s", q,
                                                              strerror(errno)));
                if (fd >= 0)
                        close(fd);
                pathfd = open_in_root(rootfd, "etc/hosts", O_PATH);
        }
        if (pathfd == -ELOOP || pathfd == -ENOTDIR)
                return fail(reterr, pathfd, xasprintf("refusing %s: a symlink or non-directory on the way", what));
        if (pathfd < 0)
                return fail(reterr, pathfd, xasprintf("cannot open %s: %s", what, strerror(-pathfd)));
        return check_and_reopen(pathfd, raw, ret_fd, reterr);
}

int engine_open_hosts(const char *path, int *ret_fd, char **reterr)
{
        _cleanup_close_ int pathfd = -EBADF;
        _cleanup_free_ char *q = escape_str(path);

        if (path[0] != '/')
                return fail(reterr, -EINVAL, xasprintf("hosts file `%s` is not an absolute path", q));
        if (STREQ(path, "/etc/hosts"))
                return fail(reterr, -EPERM, xasprintf("refusing the host's /etc/hosts"));
        pathfd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (pathfd < 0)
                return fail(reterr, -errno, xasprintf("cannot open hosts file `%s`: %s", q, strerror(errno)));
        return check_and_reopen(pathfd, path, ret_fd, reterr);
}

#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Bounded reads and careful writes. Non-logging. */

/* Reads fd to EOF; -EFBIG past max bytes (it reads at most max + 1). *ret is NUL-terminated. */
int read_fd_bounded(int fd, size_t max, char **ret, size_t *ret_len);
/* Opens dirfd/name (O_NOFOLLOW: a symlink is refused) and reads it with the bound. */
int read_file_at(int dirfd, const char *name, size_t max, char **ret, size_t *ret_len);
/* Writes all of data at offset 0 of fd and truncates to len: an in-place rewrite that keeps the
 * inode (a bind-mounted file cannot be replaced by rename), owner, mode and labels. No fsync: a
 * hosts file matters while its container runs, and every start writes it again. */
int write_fd_inplace(int fd, const char *data, size_t len);
/* Replaces dirfd/name atomically: a temp file in the same directory, fsync, rename, fsync of the
 * directory. mode applies to a new file. */
int write_file_atomic_at(int dirfd, const char *name, const char *data, size_t len, mode_t mode);
/* The same with the temp file made in tmpdirfd (same filesystem), so a crash leaves its debris in
 * one known place, and without the fsyncs: for the registry, whose records describe running
 * processes and mean nothing after the power loss that fsync guards against (a killed hook still
 * leaves the old or the new file: rename is atomic in the page cache). */
int write_file_atomic_via(int tmpdirfd, int dirfd, const char *name, const char *data, size_t len, mode_t mode);
/* Reliability tests only: with OCILINK_TEST_DELAY_MS=N in the environment, sleeps N ms here, so a
 * test can kill the hook between two steps of its work. */
void test_delay_point(const char *where);
/* Writes all of data to fd (a pipe or stdout). */
int write_all(int fd, const char *data, size_t len);

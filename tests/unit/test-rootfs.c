/* Opening a container's hosts file safely (hook/rootfs.c): in-root resolution, the fallback walk
 * (OCILINK_TEST_NO_OPENAT2=1), type/nlink/size checks, creation of a missing etc/hosts, and the
 * engine-managed variant. Every case runs twice: with openat2 and with the fallback walk. */
#include "tests/unit/helpers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <unistd.h>

#include "hook/rootfs.h"
#include "links/limits.h"

/* ---- fixture ---- */

struct mode {
        const char *name;
        bool no_openat2;
};

static const struct mode M_OPENAT2 = { "openat2", false };
static const struct mode M_WALK = { "walk", true };

struct fx {
        const struct mode *mode;
        char base[256];   /* /tmp/ocilink-rootfs-XXXXXX */
        char root[512];   /* base/rootfs: the container's root */
        char out[512];    /* base/outside: must never change */
        char canary[768]; /* base/outside/canary */
};

static const char CANARY[] = "CANARY: must never change\n";

static void xwrite_file(const char *path, const void *data, size_t len, mode_t mode)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, data, len), (ssize_t) len);
        assert_int_equal(close(fd), 0);
}

/* Whole file (following symlinks), NUL-terminated; *ret_len its size. NULL if it cannot be read. */
static char *read_fd_all(int fd, size_t *ret_len)
{
        struct buf b = { 0 };
        char tmp[8192];
        ssize_t n;
        off_t off = 0;

        buf_append(&b, "", 0);
        while ((n = pread(fd, tmp, sizeof tmp, off)) > 0) {
                buf_append(&b, tmp, (size_t) n);
                off += n;
        }
        if (ret_len)
                *ret_len = b.len;
        return b.data;
}

/* A description of everything under dir (names, types, modes, sizes, link targets, contents),
 * in sorted order, so two snapshots compare equal iff nothing changed. */
static void snapshot_into(const char *dir, struct buf *b)
{
        struct dirent **ents = NULL;
        int n = scandir(dir, &ents, NULL, alphasort);

        if (n < 0) {
                buf_printf(b, "<cannot list %s: %d>\n", dir, errno);
                return;
        }
        for (int i = 0; i < n; i++) {
                char p[PATH_MAX];
                struct stat st;

                if (STREQ(ents[i]->d_name, ".") || STREQ(ents[i]->d_name, "..")) {
                        free(ents[i]);
                        continue;
                }
                snprintf(p, sizeof p, "%s/%s", dir, ents[i]->d_name);
                free(ents[i]);
                if (lstat(p, &st) < 0) {
                        buf_printf(b, "%s <gone>\n", p);
                        continue;
                }
                buf_printf(b, "%s mode=%o size=%lld nlink=%ju ino=%ju\n", p, (unsigned) st.st_mode,
                           (long long) st.st_size, (uintmax_t) st.st_nlink, (uintmax_t) st.st_ino);
                if (S_ISLNK(st.st_mode)) {
                        char t[PATH_MAX];
                        ssize_t l = readlink(p, t, sizeof t - 1);
                        t[l < 0 ? 0 : l] = '\0';
                        buf_printf(b, "  -> %s\n", t);
                } else if (S_ISREG(st.st_mode)) {
                        size_t len = 0;
                        char *c = test_read_file(p, &len);
                        buf_puts(b, "  [");
                        if (c)
                                buf_append(b, c, len);
                        buf_puts(b, "]\n");
                        free(c);
                } else if (S_ISDIR(st.st_mode)) {
                        snapshot_into(p, b);
                }
        }
        free(ents);
}

static char *snapshot(const char *dir)
{
        struct buf b = { 0 };
        buf_append(&b, "", 0);
        snapshot_into(dir, &b);
        return b.data;
}

static int setup(void **state)
{
        const struct mode *m = *state;
        struct fx *f = calloc(1, sizeof *f);

        if (!f)
                return -1;
        f->mode = m;
        snprintf(f->base, sizeof f->base, "/tmp/ocilink-rootfs-XXXXXX");
        if (!mkdtemp(f->base)) {
                free(f);
                return -1;
        }
        snprintf(f->root, sizeof f->root, "%s/rootfs", f->base);
        snprintf(f->out, sizeof f->out, "%s/outside", f->base);
        snprintf(f->canary, sizeof f->canary, "%s/canary", f->out);
        if (mkdir(f->root, 0755) < 0 || mkdir(f->out, 0755) < 0) {
                test_rm_rf(f->base);
                free(f);
                return -1;
        }
        {
                int fd = open(f->canary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
                if (fd < 0 || write(fd, CANARY, sizeof CANARY - 1) != (ssize_t) (sizeof CANARY - 1)) {
                        if (fd >= 0)
                                close(fd);
                        test_rm_rf(f->base);
                        free(f);
                        return -1;
                }
                close(fd);
        }
        if (m->no_openat2)
                setenv("OCILINK_TEST_NO_OPENAT2", "1", 1);
        else
                unsetenv("OCILINK_TEST_NO_OPENAT2");
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fx *f = *state;

        alarm(0);
        unsetenv("OCILINK_TEST_NO_OPENAT2");
        if (f) {
                test_rm_rf(f->base);
                free(f);
        }
        *state = NULL;
        return 0;
}

/* ---- helpers ---- */

#define FD_UNTOUCHED (-4242)

static char *P(const struct fx *f, const char *rel)
{
        static char bufs[8][PATH_MAX];
        static unsigned next;
        char *p = bufs[next++ % 8];
        snprintf(p, PATH_MAX, "%s/%s", f->root, rel);
        return p;
}

static bool have_openat2(void)
{
        struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
        int fd = (int) syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof how);
        if (fd < 0)
                return false;
        close(fd);
        return true;
}

/* A refusal: negative result, a non-empty message (without raw control bytes), fd untouched. */
static void check_refused(int r, char *err, int fd)
{
        bool empty = !err || err[0] == '\0', raw = false;

        for (const char *c = err; c && *c; c++)
                if ((unsigned char) *c < 0x20 || (unsigned char) *c == 0x7f)
                        raw = true;
        if (r >= 0 || empty || raw)
                print_message("# r=%d, message: %s\n", r, err ? err : "(none)");
        free(err); /* before any assertion, so a failure leaks nothing */
        assert_true(r < 0);
        assert_false(empty);
        assert_false(raw); /* messages never carry raw control bytes */
        assert_int_equal(fd, FD_UNTOUCHED);
}

static void expect_refused(const char *rootfs, int want_r)
{
        int fd = FD_UNTOUCHED;
        char *err = NULL;
        int r = rootfs_open_hosts(rootfs, &fd, &err);
        if (r >= 0 && fd >= 0)
                close(fd);
        if (want_r)
                assert_int_equal(r, want_r);
        check_refused(r, err, fd);
}

static void expect_engine_refused(const char *path, int want_r)
{
        int fd = FD_UNTOUCHED;
        char *err = NULL;
        int r = engine_open_hosts(path, &fd, &err);
        if (r >= 0 && fd >= 0)
                close(fd);
        if (want_r)
                assert_int_equal(r, want_r);
        check_refused(r, err, fd);
}

/* Success: r == 0, no message, an fd open read-write on the inode at path. */
static void check_opened(int r, char *err, int fd, const char *path)
{
        struct stat a, b;
        int fl;

        if (r < 0) {
                print_message("# unexpected refusal %d: %s\n", r, err ? err : "(no message)");
                free(err);
                fail();
        }
        assert_int_equal(r, 0);
        assert_null(err);
        assert_true(fd >= 0);
        assert_int_equal(fstat(fd, &a), 0);
        assert_int_equal(lstat(path, &b), 0);
        assert_true(S_ISREG(a.st_mode));
        assert_true(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
        fl = fcntl(fd, F_GETFL);
        assert_true(fl >= 0);
        assert_int_equal(fl & O_ACCMODE, O_RDWR);
        assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

/* mkdir -p, for the components of path past its first skip bytes. */
static void mkdir_p(const char *path, size_t skip)
{
        char tmp[PATH_MAX];

        snprintf(tmp, sizeof tmp, "%s", path);
        for (char *s = tmp + skip + 1; *s; s++)
                if (*s == '/') {
                        *s = '\0';
                        assert_true(mkdir(tmp, 0755) == 0 || errno == EEXIST);
                        *s = '/';
                }
        assert_true(mkdir(tmp, 0755) == 0 || errno == EEXIST);
}

static void etc(const struct fx *f)
{
        assert_int_equal(mkdir(P(f, "etc"), 0755), 0);
}

/* ---- rootfs_open_hosts ---- */

static void regular_opens_rw(void **state)
{
        struct fx *f = *state;
        const char content[] = "127.0.0.1\tlocalhost\n";
        char *err = NULL, *got;
        int fd = FD_UNTOUCHED, r;
        size_t len;

        etc(f);
        xwrite_file(P(f, "etc/hosts"), content, sizeof content - 1, 0644);
        r = rootfs_open_hosts(f->root, &fd, &err);
        check_opened(r, err, fd, P(f, "etc/hosts"));
        got = read_fd_all(fd, &len);
        assert_int_equal(len, sizeof content - 1);
        assert_memory_equal(got, content, len);
        free(got);
        /* writable through the fd, and it is the very file */
        assert_int_equal(pwrite(fd, "10", 2, 0), 2);
        close(fd);
        got = test_read_file(P(f, "etc/hosts"), &len);
        assert_string_equal(got, "107.0.0.1\tlocalhost\n");
        free(got);
}

static void missing_hosts_created(void **state)
{
        struct fx *f = *state;
        char *err = NULL, *before = snapshot(f->out), *after;
        int fd = FD_UNTOUCHED, r;
        struct stat st;

        etc(f);
        r = rootfs_open_hosts(f->root, &fd, &err);
        check_opened(r, err, fd, P(f, "etc/hosts"));
        close(fd);
        assert_int_equal(lstat(P(f, "etc/hosts"), &st), 0);
        assert_true(S_ISREG(st.st_mode));
        assert_int_equal(st.st_mode & 07777, 0644);
        assert_int_equal(st.st_size, 0);
        assert_int_equal(st.st_nlink, 1);
        after = snapshot(f->out);
        assert_string_equal(before, after);
        free(before);
        free(after);
}

static void missing_etc_created(void **state)
{
        struct fx *f = *state;
        char *err = NULL;
        int fd = FD_UNTOUCHED, r;
        struct stat st;

        r = rootfs_open_hosts(f->root, &fd, &err);
        check_opened(r, err, fd, P(f, "etc/hosts"));
        close(fd);
        assert_int_equal(lstat(P(f, "etc"), &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        assert_int_equal(st.st_mode & 07777, 0755);
        assert_int_equal(lstat(P(f, "etc/hosts"), &st), 0);
        assert_true(S_ISREG(st.st_mode));
        assert_int_equal(st.st_mode & 07777, 0644);
        /* and again: now it exists, the same file opens */
        fd = FD_UNTOUCHED;
        r = rootfs_open_hosts(f->root, &fd, &err);
        check_opened(r, err, fd, P(f, "etc/hosts"));
        close(fd);
}

static void abs_symlink_to_host_hosts_refused(void **state)
{
        struct fx *f = *state;
        size_t l1 = 0, l2 = 0;
        char *before = test_read_file("/etc/hosts", &l1), *after;
        struct stat s1, s2, st;

        assert_non_null(before);
        assert_int_equal(stat("/etc/hosts", &s1), 0);
        etc(f);
        assert_int_equal(symlink("/etc/hosts", P(f, "etc/hosts")), 0);
        expect_refused(f->root, -ELOOP);
        after = test_read_file("/etc/hosts", &l2);
        assert_non_null(after);
        assert_int_equal(l1, l2);
        assert_memory_equal(before, after, l1);
        assert_int_equal(stat("/etc/hosts", &s2), 0);
        assert_true(s1.st_mtim.tv_sec == s2.st_mtim.tv_sec && s1.st_mtim.tv_nsec == s2.st_mtim.tv_nsec);
        assert_int_equal(s1.st_size, s2.st_size);
        /* the symlink itself is left alone */
        assert_int_equal(lstat(P(f, "etc/hosts"), &st), 0);
        assert_true(S_ISLNK(st.st_mode));
        free(before);
        free(after);
}

/* "../" as many times as root/etc has components (enough to reach / from root/etc), then target. */
static void dotdot_target(const struct fx *f, const char *target, char *out, size_t size)
{
        struct buf b = { 0 };
        const char *p = P(f, "etc");

        buf_append(&b, "", 0);
        for (; *p; p++)
                if (*p == '/')
                        buf_puts(&b, "../");
        buf_puts(&b, target[0] == '/' ? target + 1 : target);
        snprintf(out, size, "%s", b.data);
        buf_done(&b);
}

static void rel_symlink_to_canary_refused(void **state)
{
        struct fx *f = *state;
        char target[PATH_MAX], *before = snapshot(f->out), *after, *c;
        struct stat a, b;
        size_t len;

        etc(f);
        dotdot_target(f, f->canary, target, sizeof target);
        assert_int_equal(strncmp(target, "../../../../", 12), 0);
        assert_int_equal(symlink(target, P(f, "etc/hosts")), 0);
        /* sanity: followed from the host, this link does reach the canary */
        assert_int_equal(stat(P(f, "etc/hosts"), &a), 0);
        assert_int_equal(stat(f->canary, &b), 0);
        assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);

        expect_refused(f->root, -ELOOP);
        c = test_read_file(f->canary, &len);
        assert_int_equal(len, sizeof CANARY - 1);
        assert_memory_equal(c, CANARY, len);
        after = snapshot(f->out);
        assert_string_equal(before, after);
        free(c);
        free(before);
        free(after);
}

static void rel_symlink_dangling_outside_refused(void **state)
{
        struct fx *f = *state;
        char target[PATH_MAX], victim[PATH_MAX], *before = snapshot(f->out), *after;

        snprintf(victim, sizeof victim, "%s/planted", f->out);
        etc(f);
        dotdot_target(f, victim, target, sizeof target);
        assert_int_equal(symlink(target, P(f, "etc/hosts")), 0);
        expect_refused(f->root, -ELOOP);
        assert_int_equal(access(victim, F_OK), -1);
        after = snapshot(f->out);
        assert_string_equal(before, after);
        free(before);
        free(after);
}

/* etc -> (absolute) the outside dir, which holds a hosts file; the rootfs has a decoy at the same
 * path inside. With openat2 (RESOLVE_IN_ROOT) the decoy opens; the walk refuses the symlinked etc/. */
static void symlinked_etc_abs_resolves_inside(void **state)
{
        struct fx *f = *state;
        char outside_hosts[PATH_MAX], inroot_dir[2048], inroot_hosts[PATH_MAX];
        char *before, *after, *got, *err = NULL;
        int fd = FD_UNTOUCHED, r;
        size_t len;

        snprintf(outside_hosts, sizeof outside_hosts, "%s/hosts", f->out);
        xwrite_file(outside_hosts, "OUTSIDE\n", 8, 0644);
        snprintf(inroot_dir, sizeof inroot_dir, "%s%s", f->root, f->out);
        mkdir_p(inroot_dir, strlen(f->root));
        snprintf(inroot_hosts, sizeof inroot_hosts, "%s/hosts", inroot_dir);
        xwrite_file(inroot_hosts, "INSIDE\n", 7, 0644);
        assert_int_equal(symlink(f->out, P(f, "etc")), 0);
        before = snapshot(f->out);

        if (f->mode->no_openat2) {
                expect_refused(f->root, 0);
        } else {
                if (!have_openat2()) {
                        free(before);
                        skip();
                }
                r = rootfs_open_hosts(f->root, &fd, &err);
                check_opened(r, err, fd, inroot_hosts);
                got = read_fd_all(fd, &len);
                assert_string_equal(got, "INSIDE\n");
                free(got);
                close(fd);
        }
        after = snapshot(f->out);
        assert_string_equal(before, after);
        free(before);
        free(after);
}

/* etc -> the outside dir, which has no hosts, and nothing at that path in the rootfs: whatever
 * the outcome, nothing is created or opened outside; a file created must be inside the rootfs. */
static void symlinked_etc_abs_nothing_created_outside(void **state)
{
        struct fx *f = *state;
        char *before, *after, *err = NULL;
        int fd = FD_UNTOUCHED, r;

        assert_int_equal(symlink(f->out, P(f, "etc")), 0);
        before = snapshot(f->out);
        r = rootfs_open_hosts(f->root, &fd, &err);
        if (f->mode->no_openat2 || r < 0) {
                check_refused(r, err, fd);
        } else {
                struct stat st, cst;
                char inroot_hosts[PATH_MAX];
                snprintf(inroot_hosts, sizeof inroot_hosts, "%s%s/hosts", f->root, f->out);
                assert_null(err);
                assert_int_equal(fstat(fd, &st), 0);
                assert_int_equal(stat(inroot_hosts, &cst), 0);
                assert_true(st.st_ino == cst.st_ino);
                close(fd);
        }
        after = snapshot(f->out);
        assert_string_equal(before, after);
        /* followed from the host, etc/hosts is <outside>/hosts: it must not have appeared */
        assert_int_equal(access(P(f, "etc/hosts"), F_OK), -1);
        free(before);
        free(after);
}

/* etc -> ../outside (relative: from the host it reaches base/outside; inside the root, ".." at
 * the root stays there, so it means <root>/outside). */
static void symlinked_etc_rel_resolves_inside(void **state)
{
        struct fx *f = *state;
        char outside_hosts[PATH_MAX], *before, *after, *got, *err = NULL;
        int fd = FD_UNTOUCHED, r;
        size_t len;

        snprintf(outside_hosts, sizeof outside_hosts, "%s/hosts", f->out);
        xwrite_file(outside_hosts, "OUTSIDE\n", 8, 0644);
        assert_int_equal(mkdir(P(f, "outside"), 0755), 0);
        xwrite_file(P(f, "outside/hosts"), "INSIDE\n", 7, 0644);
        assert_int_equal(symlink("../outside", P(f, "etc")), 0);
        before = snapshot(f->out);
        if (f->mode->no_openat2) {
                expect_refused(f->root, 0);
        } else {
                if (!have_openat2()) {
                        free(before);
                        skip();
                }
                r = rootfs_open_hosts(f->root, &fd, &err);
                check_opened(r, err, fd, P(f, "outside/hosts"));
                got = read_fd_all(fd, &len);
                assert_string_equal(got, "INSIDE\n");
                free(got);
                close(fd);
        }
        after = snapshot(f->out);
        assert_string_equal(before, after);
        free(before);
        free(after);
}

static void fifo_refused_without_blocking(void **state)
{
        struct fx *f = *state;
        struct stat st;

        etc(f);
        assert_int_equal(mkfifo(P(f, "etc/hosts"), 0644), 0);
        alarm(5); /* a blocking open would kill the test run here */
        expect_refused(f->root, 0);
        alarm(0);
        assert_int_equal(lstat(P(f, "etc/hosts"), &st), 0);
        assert_true(S_ISFIFO(st.st_mode));
}

static void chardev_refused(void **state)
{
        struct fx *f = *state;

        etc(f);
        if (mknod(P(f, "etc/hosts"), S_IFCHR | 0666, makedev(1, 3)) < 0) {
                print_message("# mknod: %s; skipping\n", strerror(errno));
                skip();
        }
        alarm(5);
        expect_refused(f->root, 0);
        alarm(0);
}

static void directory_refused(void **state)
{
        struct fx *f = *state;

        etc(f);
        assert_int_equal(mkdir(P(f, "etc/hosts"), 0755), 0);
        expect_refused(f->root, 0);
}

static void etc_not_a_directory_refused(void **state)
{
        struct fx *f = *state;

        xwrite_file(P(f, "etc"), "not a dir\n", 10, 0644);
        expect_refused(f->root, 0);
}

static void hard_link_refused(void **state)
{
        struct fx *f = *state;
        struct stat st;

        etc(f);
        xwrite_file(P(f, "etc/hosts"), "127.0.0.1\tlocalhost\n", 20, 0644);
        assert_int_equal(link(P(f, "etc/hosts"), P(f, "etc/hosts.bak")), 0);
        assert_int_equal(lstat(P(f, "etc/hosts"), &st), 0);
        assert_int_equal(st.st_nlink, 2);
        expect_refused(f->root, 0);
}

static void hard_link_to_outside_refused(void **state)
{
        struct fx *f = *state;
        char *c;
        size_t len;

        etc(f);
        if (link(f->canary, P(f, "etc/hosts")) < 0) {
                print_message("# link: %s; skipping\n", strerror(errno));
                skip();
        }
        expect_refused(f->root, 0);
        c = test_read_file(f->canary, &len);
        assert_int_equal(len, sizeof CANARY - 1);
        assert_memory_equal(c, CANARY, len);
        free(c);
}

static void too_big_refused(void **state)
{
        struct fx *f = *state;
        int fd;

        etc(f);
        fd = open(P(f, "etc/hosts"), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, (off_t) OCILINK_MAX_HOSTS_BYTES + 1), 0);
        close(fd);
        expect_refused(f->root, -EFBIG);
}

static void exactly_max_size_accepted(void **state)
{
        struct fx *f = *state;
        char *err = NULL;
        int fd, r;

        etc(f);
        fd = open(P(f, "etc/hosts"), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, (off_t) OCILINK_MAX_HOSTS_BYTES), 0);
        close(fd);
        fd = FD_UNTOUCHED;
        r = rootfs_open_hosts(f->root, &fd, &err);
        check_opened(r, err, fd, P(f, "etc/hosts"));
        close(fd);
}

static void host_root_refused(void **state)
{
        struct fx *f = *state;
        char dotdot[PATH_MAX];

        (void) f;
        expect_refused("/", 0);
        expect_refused("//", 0);
        expect_refused("/.", 0);
        snprintf(dotdot, sizeof dotdot, "%s/../../..", f->base); /* /tmp/x/../../.. == / */
        expect_refused(dotdot, 0);
}

static void relative_rootfs_refused(void **state)
{
        struct fx *f = *state;
        char cwd[PATH_MAX];

        assert_non_null(getcwd(cwd, sizeof cwd));
        /* even when the relative path would name a good rootfs */
        etc(f);
        xwrite_file(P(f, "etc/hosts"), "x\n", 2, 0644);
        assert_int_equal(chdir(f->base), 0);
        expect_refused("rootfs", 0);
        expect_refused("./rootfs", 0);
        expect_refused("", 0);
        assert_int_equal(chdir(cwd), 0);
}

static void missing_rootfs_refused(void **state)
{
        struct fx *f = *state;
        char p[PATH_MAX];

        snprintf(p, sizeof p, "%s/nope", f->base);
        expect_refused(p, 0);
        assert_int_equal(access(p, F_OK), -1);
}

/* Refusal messages name the rootfs, which comes from config.json: its bytes must be escaped. */
static void messages_escape_rootfs_path(void **state)
{
        struct fx *f = *state;
        char odd[1024], p[PATH_MAX];

        snprintf(odd, sizeof odd, "%s/root\nfs\x1b[31m", f->base);
        assert_int_equal(mkdir(odd, 0755), 0);
        snprintf(p, sizeof p, "%s/etc", odd);
        /* etc a regular file: a non-directory on the way */
        /* BUG: hook/rootfs.c formats "refusing %s: a symlink or non-directory on the way" and
         * "cannot open %s: %s" with the raw `what` (rootfs + "/etc/hosts"), not an escaped copy,
         * so a newline / ESC in root.path reaches the log line unescaped. */
        xwrite_file(p, "x\n", 2, 0644);
        expect_refused(odd, 0);
}

/* ---- engine_open_hosts ---- */

static void engine_regular_accepted(void **state)
{
        struct fx *f = *state;
        char p[PATH_MAX], *err = NULL;
        int fd = FD_UNTOUCHED, r;

        snprintf(p, sizeof p, "%s/engine-hosts", f->base);
        xwrite_file(p, "127.0.0.1\tlocalhost\n", 20, 0644);
        r = engine_open_hosts(p, &fd, &err);
        check_opened(r, err, fd, p);
        close(fd);
}

static void engine_host_hosts_refused(void **state)
{
        struct fx *f = *state;
        size_t l1 = 0, l2 = 0;
        char *before = test_read_file("/etc/hosts", &l1), *after, link_dir[1024], via[PATH_MAX];

        assert_non_null(before);
        expect_engine_refused("/etc/hosts", 0);
        /* other spellings of the same file */
        expect_engine_refused("/etc//hosts", 0);
        expect_engine_refused("/etc/./hosts", 0);
        expect_engine_refused("/tmp/../etc/hosts", 0);
        snprintf(link_dir, sizeof link_dir, "%s/etcdir", f->base);
        assert_int_equal(symlink("/etc", link_dir), 0);
        snprintf(via, sizeof via, "%s/hosts", link_dir);
        expect_engine_refused(via, 0);
        after = test_read_file("/etc/hosts", &l2);
        assert_int_equal(l1, l2);
        assert_memory_equal(before, after, l1);
        free(before);
        free(after);
}

static void engine_symlink_refused(void **state)
{
        struct fx *f = *state;
        char p[PATH_MAX], l[PATH_MAX], l2[PATH_MAX], *c;
        size_t len;

        snprintf(p, sizeof p, "%s/engine-hosts", f->base);
        xwrite_file(p, "x\n", 2, 0644);
        snprintf(l, sizeof l, "%s/hosts-link", f->base);
        assert_int_equal(symlink(p, l), 0);
        expect_engine_refused(l, -ELOOP);
        snprintf(l2, sizeof l2, "%s/hosts-link-host", f->base);
        assert_int_equal(symlink("/etc/hosts", l2), 0);
        expect_engine_refused(l2, 0);
        /* a symlink to the canary */
        snprintf(l2, sizeof l2, "%s/hosts-link-canary", f->base);
        assert_int_equal(symlink(f->canary, l2), 0);
        expect_engine_refused(l2, -ELOOP);
        c = test_read_file(f->canary, &len);
        assert_int_equal(len, sizeof CANARY - 1);
        assert_memory_equal(c, CANARY, len);
        free(c);
}

static void engine_other_types_refused(void **state)
{
        struct fx *f = *state;
        char p[PATH_MAX], q[PATH_MAX];
        int fd;

        snprintf(p, sizeof p, "%s/fifo", f->base);
        assert_int_equal(mkfifo(p, 0644), 0);
        alarm(5);
        expect_engine_refused(p, 0);
        alarm(0);

        snprintf(p, sizeof p, "%s/dir", f->base);
        assert_int_equal(mkdir(p, 0755), 0);
        expect_engine_refused(p, 0);

        snprintf(p, sizeof p, "%s/null", f->base);
        if (mknod(p, S_IFCHR | 0666, makedev(1, 3)) == 0) {
                alarm(5);
                expect_engine_refused(p, 0);
                alarm(0);
        } else {
                print_message("# mknod: %s; device case skipped\n", strerror(errno));
        }

        snprintf(p, sizeof p, "%s/linked", f->base);
        snprintf(q, sizeof q, "%s/linked2", f->base);
        xwrite_file(p, "x\n", 2, 0644);
        assert_int_equal(link(p, q), 0);
        expect_engine_refused(p, 0);

        snprintf(p, sizeof p, "%s/big", f->base);
        fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, (off_t) OCILINK_MAX_HOSTS_BYTES + 1), 0);
        close(fd);
        expect_engine_refused(p, -EFBIG);
}

static void engine_relative_or_missing_refused(void **state)
{
        struct fx *f = *state;
        char p[PATH_MAX], cwd[PATH_MAX];

        assert_non_null(getcwd(cwd, sizeof cwd));
        snprintf(p, sizeof p, "%s/rel-hosts", f->base);
        xwrite_file(p, "x\n", 2, 0644);
        assert_int_equal(chdir(f->base), 0);
        expect_engine_refused("rel-hosts", 0);
        expect_engine_refused("", 0);
        assert_int_equal(chdir(cwd), 0);
        /* never created */
        snprintf(p, sizeof p, "%s/absent-hosts", f->base);
        expect_engine_refused(p, 0);
        assert_int_equal(access(p, F_OK), -1);
}

/* ---- registration: every case in both modes ---- */

#define BOTH(fn)                                                                   \
        { #fn " [openat2]", fn, setup, teardown, (void *) &M_OPENAT2 },            \
        { #fn " [walk]", fn, setup, teardown, (void *) &M_WALK }

int main(void)
{
        const struct CMUnitTest tests[] = {
                BOTH(regular_opens_rw),
                BOTH(missing_hosts_created),
                BOTH(missing_etc_created),
                BOTH(abs_symlink_to_host_hosts_refused),
                BOTH(rel_symlink_to_canary_refused),
                BOTH(rel_symlink_dangling_outside_refused),
                BOTH(symlinked_etc_abs_resolves_inside),
                BOTH(symlinked_etc_abs_nothing_created_outside),
                BOTH(symlinked_etc_rel_resolves_inside),
                BOTH(fifo_refused_without_blocking),
                BOTH(chardev_refused),
                BOTH(directory_refused),
                BOTH(etc_not_a_directory_refused),
                BOTH(hard_link_refused),
                BOTH(hard_link_to_outside_refused),
                BOTH(too_big_refused),
                BOTH(exactly_max_size_accepted),
                BOTH(host_root_refused),
                BOTH(relative_rootfs_refused),
                BOTH(missing_rootfs_refused),
                BOTH(messages_escape_rootfs_path),
                BOTH(engine_regular_accepted),
                BOTH(engine_host_hosts_refused),
                BOTH(engine_symlink_refused),
                BOTH(engine_other_types_refused),
                BOTH(engine_relative_or_missing_refused),
        };

        umask(022);
        return cmocka_run_group_tests(tests, NULL, NULL);
}

#include "hook/registry.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hook/fileio.h"
#include "hook/procinfo.h"
#include "links/escape.h"
#include "links/keyset.h"
#include "links/limits.h"
#include "links/macro.h"
#include "links/names.h"
#include "oci/jscan.h"
#include "oci/json.h"

/* A record is small; this bounds what a corrupt or planted file can make us read. */
#define RECORD_MAX_BYTES (4u * 1024u * 1024u)

static int open_subdir(int dirfd, const char *name, bool create, bool *ret_made)
{
        int fd;

        /* open first: the directory is there on every run but the first */
        fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0 || errno != ENOENT || !create)
                return fd < 0 ? -errno : fd;
        if (mkdirat(dirfd, name, 0700) == 0) {
                if (ret_made)
                        *ret_made = true;
        } else if (errno != EEXIST)
                return -errno;
        fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

static int check_dir(int fd)
{
        struct stat st;

        if (fstat(fd, &st) < 0)
                return -errno;
        if (st.st_uid != geteuid() || (st.st_mode & 0022))
                return -EPERM;
        return 0;
}

/* Made once the index holds an entry for every link of every record: an index that lacks it was
 * begun by a registry that an ocilink before the index (0.1.0) had filled. */
#define INDEX_COMPLETE ".complete"

static int mark_index_complete(struct registry *reg)
{
        int fd = openat(reg->linksfd, INDEX_COMPLETE, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
                        0600);

        if (fd < 0)
                return errno == EEXIST ? 0 : -errno;
        close(fd);
        return 0;
}

int registry_open(const char *path, bool create, struct registry *ret, char **reterr)
{
        struct registry reg = REGISTRY_INIT;
        bool names_made = false;
        _cleanup_free_ char *q = escape_str(path);
        int r;

        if (path[0] != '/') {
                *reterr = xasprintf("state directory `%s` is not an absolute path", q);
                return -EINVAL;
        }
        reg.dirfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (reg.dirfd < 0 && errno == ENOENT && create) {
                if (mkdir(path, 0700) < 0 && errno != EEXIST) {
                        r = -errno;
                        *reterr = xasprintf("cannot create state directory `%s`: %s", q, strerror(errno));
                        return r;
                }
                reg.dirfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (reg.dirfd < 0 && errno == ENOENT && !create) {
                reg.path = xstrdup(path);
                *ret = reg;
                return 0;
        }
        if (reg.dirfd < 0) {
                r = -errno;
                *reterr = xasprintf("cannot open state directory `%s`: %s", q, strerror(errno));
                return r;
        }
        r = check_dir(reg.dirfd);
        if (r < 0) {
                *reterr = xasprintf("refusing state directory `%s`: not owned by us or writable by others", q);
                goto fail;
        }
        reg.namesfd = open_subdir(reg.dirfd, "names", create, &names_made);
        reg.idsfd = open_subdir(reg.dirfd, "ids", create, NULL);
        reg.tmpfd = create ? open_subdir(reg.dirfd, "tmp", true, NULL) : -EBADF;
        reg.linksfd = create ? open_subdir(reg.dirfd, "links", true, NULL) : -EBADF;
        /* A registry made now has no record that lacks index entries: its index is complete. */
        if (names_made && reg.linksfd >= 0)
                (void) mark_index_complete(&reg);
        if (!create && (reg.namesfd == -ENOENT || reg.idsfd == -ENOENT)) {
                /* a directory nothing has registered in yet */
                closep(&reg.namesfd);
                closep(&reg.idsfd);
                reg.namesfd = reg.idsfd = -EBADF;
                reg.path = xstrdup(path);
                *ret = reg;
                return 0;
        }
        if (reg.namesfd < 0 || reg.idsfd < 0 || (create && (reg.tmpfd < 0 || reg.linksfd < 0))) {
                r = reg.namesfd < 0 ? reg.namesfd : reg.idsfd < 0 ? reg.idsfd : reg.tmpfd < 0 ? reg.tmpfd : reg.linksfd;
                *reterr = xasprintf("cannot open the registry in `%s`: %s", q, strerror(-r));
                goto fail;
        }
        reg.lockfd = openat(reg.dirfd, "lock", O_RDWR | (create ? O_CREAT : 0) | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (reg.lockfd < 0 && errno == ENOENT && !create)
                reg.lockfd = -EBADF; /* read-only use takes no lock */
        else if (reg.lockfd < 0) {
                r = -errno;
                *reterr = xasprintf("cannot open the registry lock in `%s`: %s", q, strerror(errno));
                goto fail;
        }
        reg.path = xstrdup(path);
        *ret = reg;
        return 0;
fail:
        registry_close(&reg);
        return r;
}

void registry_close(struct registry *reg)
{
        closep(&reg->dirfd);
        closep(&reg->namesfd);
        closep(&reg->idsfd);
        closep(&reg->tmpfd);
        closep(&reg->linksfd);
        closep(&reg->lockfd);
        free(reg->path);
        *reg = (struct registry) REGISTRY_INIT;
}

/* Every writer holds the lock while its temp file exists: whatever is in tmp/ when we hold the
 * lock belongs to a hook that was killed mid-write. */
static void sweep_tmp(struct registry *reg)
{
        _cleanup_close_ int fd = -EBADF;
        struct dirent *de;
        DIR *d;

        if (reg->tmpfd < 0)
                return;
        fd = openat(reg->tmpfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 || !(d = fdopendir(fd)))
                return;
        TAKE_FD(fd);
        while ((de = readdir(d)))
                if (strncmp(de->d_name, ".tmp-", 5) == 0)
                        (void) unlinkat(reg->tmpfd, de->d_name, 0);
        closedir(d);
}

int registry_lock(struct registry *reg, char **reterr)
{
        struct timespec start, now;

        clock_gettime(CLOCK_MONOTONIC, &start);
        for (;;) {
                long elapsed_ms;

                if (flock(reg->lockfd, LOCK_EX | LOCK_NB) == 0) {
                        sweep_tmp(reg);
                        test_delay_point("registry locked");
                        return 0;
                }
                if (errno != EWOULDBLOCK && errno != EINTR) {
                        int r = -errno;
                        *reterr = xasprintf("cannot lock the registry: %s", strerror(errno));
                        return r;
                }
                clock_gettime(CLOCK_MONOTONIC, &now);
                elapsed_ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
                if (elapsed_ms >= OCILINK_LOCK_TIMEOUT_MS) {
                        *reterr = xasprintf("the registry lock is busy: gave up after %d ms",
                                            OCILINK_LOCK_TIMEOUT_MS);
                        return -ETIMEDOUT;
                }
                (void) nanosleep(&(struct timespec) { .tv_nsec = 2 * 1000 * 1000 }, NULL);
        }
}

void registry_unlock(struct registry *reg)
{
        (void) flock(reg->lockfd, LOCK_UN);
}

static struct json_value *str_array(const struct strv *s)
{
        struct json_value *a = json_new(JSON_ARRAY);
        for (size_t i = 0; i < s->n; i++)
                json_append(a, json_new_string(s->v[i]));
        return a;
}

static struct json_value *opt_string(const char *s)
{
        return s ? json_new_string(s) : json_new(JSON_NULL);
}

struct json_value *record_to_tree(const struct record *rec, enum record_view view)
{
        struct json_value *o = json_new(JSON_OBJECT);
        struct json_value *v4 = json_new(JSON_ARRAY), *v6 = json_new(JSON_ARRAY);
        char num[32];

        json_set(o, "name", json_new_string(rec->name));
        json_set(o, "id", json_new_string(rec->id));
        json_set(o, "pid", json_new_int(rec->pid));
        if (view == RECORD_VIEW_LIST)
                json_set(o, "status", json_new_string(record_is_running(rec) ? "running" : "stopped"));
        else {
                snprintf(num, sizeof num, "%llu", rec->start_time);
                json_set(o, "start_time", json_new_number(num));
        }
        json_set(o, "bundle", opt_string(rec->bundle));
        json_set(o, "hostname", opt_string(rec->hostname));
        for (size_t i = 0; i < rec->addrs.n4; i++)
                json_append(v4, json_new_string(rec->addrs.v4[i]));
        for (size_t i = 0; i < rec->addrs.n6; i++)
                json_append(v6, json_new_string(rec->addrs.v6[i]));
        json_set(o, "ipv4", v4);
        json_set(o, "ipv6", v6);
        if (view == RECORD_VIEW_FILE)
                json_set(o, "ip_fixed", json_new(rec->ip_fixed ? JSON_TRUE : JSON_FALSE));
        json_set(o, "ports", str_array(&rec->ports));
        json_set(o, "links", str_array(&rec->links));
        if (view == RECORD_VIEW_FILE) {
                json_set(o, "env", str_array(&rec->env));
                json_set(o, "hosts_file", opt_string(rec->hosts_file));
                json_set(o, "rootfs", opt_string(rec->rootfs));
        }
        return o;
}

char *record_to_json(const struct record *rec, bool pretty)
{
        _cleanup_json_ struct json_value *o = record_to_tree(rec, RECORD_VIEW_FILE);
        char *out = NULL;
        size_t len;

        if (json_write(o, pretty, &out, &len) < 0)
                abort();
        return out;
}

/* The source's name in a "name:alias" link. */
static char *link_source(const char *link)
{
        return xstrndup(link, strcspn(link, ":"));
}

/* "name:alias" with both halves valid names: a record's links become path components of the
 * index, so one read back from a (planted or damaged) record is checked before any use. */
static bool link_is_valid(const char *link)
{
        const char *colon = strchr(link, ':');

        return colon && name_is_valid(link, (size_t) (colon - link)) && name_is_valid(colon + 1, strlen(colon + 1));
}

/* Reading a record: a streaming walk (oci/jscan.c) straight into struct record, no tree. A record
 * is read for every link of every start, and the tree cost two thirds of it (bench/run). The
 * rules are those of the tree reader before it: id and name are strings and valid, pid and
 * start_time integers in range; bundle, hostname, hosts_file and rootfs are strings or absent (a
 * value of another type reads as absent); ip_fixed is true or not; ipv4, ipv6, ports, links and
 * env are absent or arrays of strings (addresses valid and of their family); other keys are
 * ignored; anything else is -EBADMSG. */
enum record_field {
        F_OTHER,
        F_ID,
        F_NAME,
        F_PID,
        F_START_TIME,
        F_BUNDLE,
        F_HOSTNAME,
        F_HOSTS_FILE,
        F_ROOTFS,
        F_IP_FIXED,
        F_IPV4,
        F_IPV6,
        F_PORTS,
        F_LINKS,
        F_ENV,
};

static const char *const record_keys[] = {
        [F_ID] = "id",
        [F_NAME] = "name",
        [F_PID] = "pid",
        [F_START_TIME] = "start_time",
        [F_BUNDLE] = "bundle",
        [F_HOSTNAME] = "hostname",
        [F_HOSTS_FILE] = "hosts_file",
        [F_ROOTFS] = "rootfs",
        [F_IP_FIXED] = "ip_fixed",
        [F_IPV4] = "ipv4",
        [F_IPV6] = "ipv6",
        [F_PORTS] = "ports",
        [F_LINKS] = "links",
        [F_ENV] = "env",
};

struct record_reader {
        struct record rec;
        bool has_pid, has_start_time;
        const char *key;        /* the top-level key field was found for */
        enum record_field field;
};

static enum record_field field_of(const char *key)
{
        for (size_t f = F_ID; key && f < ELEMENTSOF(record_keys); f++)
                if (STREQ(key, record_keys[f]))
                        return (enum record_field) f;
        return F_OTHER;
}

static int number_in(const struct jscan_event *ev, long long max, long long *ret)
{
        char text[32];
        struct json_value v = { .type = JSON_NUMBER, .str = text, .len = ev->len };

        if (ev->len == 0 || ev->len >= sizeof text)
                return -EBADMSG;
        memcpy(text, ev->text, ev->len);
        text[ev->len] = '\0';
        return json_number_to_ll(&v, 0, max, ret) < 0 ? -EBADMSG : 0;
}

static char **string_slot(struct record *rec, enum record_field f)
{
        switch (f) {
        case F_ID:
                return &rec->id;
        case F_NAME:
                return &rec->name;
        case F_BUNDLE:
                return &rec->bundle;
        case F_HOSTNAME:
                return &rec->hostname;
        case F_HOSTS_FILE:
                return &rec->hosts_file;
        case F_ROOTFS:
                return &rec->rootfs;
        default:
                return NULL;
        }
}

static struct strv *list_slot(struct record *rec, enum record_field f)
{
        return f == F_PORTS ? &rec->ports : f == F_LINKS ? &rec->links : f == F_ENV ? &rec->env : NULL;
}

static int record_event(void *userdata, const struct jscan_event *ev)
{
        struct record_reader *rd = userdata;
        struct record *rec = &rd->rec;
        enum record_field f;
        long long n;

        if (ev->depth == 0)
                return ev->type == JSON_OBJECT ? 0 : -EBADMSG;
        if (ev->key != rd->key) { /* each member's key is a string of its own: a new pointer */
                rd->key = ev->key;
                rd->field = field_of(ev->key);
        }
        f = rd->field;
        if (f == F_OTHER)
                return 0; /* an unknown member: walked (and checked), not kept */
        if (ev->depth == 1) {
                if (ev->end)
                        return 0;
                if ((f == F_ID || f == F_NAME) && ev->type != JSON_STRING)
                        return -EBADMSG; /* the other string fields read another type as absent */
                if (f == F_PID || f == F_START_TIME) {
                        if (ev->type != JSON_NUMBER ||
                            number_in(ev, f == F_PID ? 4194304 : 0x7fffffffffffffffLL, &n) < 0)
                                return -EBADMSG;
                        if (f == F_PID) {
                                rec->pid = (pid_t) n;
                                rd->has_pid = true;
                        } else {
                                rec->start_time = (unsigned long long) n;
                                rd->has_start_time = true;
                        }
                        return 0;
                }
                if (string_slot(rec, f)) {
                        if (ev->type == JSON_STRING)
                                *string_slot(rec, f) = xstrndup(ev->text, ev->len);
                        return 0; /* another type reads as absent */
                }
                if (f == F_IP_FIXED) {
                        rec->ip_fixed = ev->type == JSON_TRUE;
                        return 0;
                }
                /* the lists */
                return ev->type == JSON_ARRAY ? 0 : -EBADMSG;
        }
        /* depth 2 and deeper: inside a known member's value (id, name, pid and start_time refused a
         * container at depth 1) */
        if (string_slot(rec, f) || f == F_IP_FIXED)
                return 0; /* inside a string field's non-string value: ignored, as absent */
        if (ev->depth != 2 || ev->type != JSON_STRING)
                return -EBADMSG; /* a list item that is not a string */
        if (f == F_IPV4 || f == F_IPV6) {
                char text[INET6_ADDRSTRLEN];
                _cleanup_free_ char *a = xstrndup(ev->text, ev->len);
                int family;
                if (addr_parse(a, &family, text) < 0 || family != (f == F_IPV4 ? AF_INET : AF_INET6) ||
                    addr_list_add(&rec->addrs, family, text) < 0)
                        return -EBADMSG;
                return 0;
        }
        strv_push(list_slot(rec, f), xstrndup(ev->text, ev->len));
        if (f == F_LINKS && !link_is_valid(rec->links.v[rec->links.n - 1]))
                return -EBADMSG;
        return 0;
}

int record_from_json(const char *buf, size_t len, struct record *ret)
{
        struct record_reader rd = { 0 };
        struct record *rec = &rd.rec;

        if (jscan(buf, len, record_event, &rd) < 0)
                goto bad;
        if (!rec->id || !rec->name || !id_is_valid(rec->id) || !name_is_valid(rec->name, strlen(rec->name)) ||
            !rd.has_pid || !rd.has_start_time)
                goto bad;
        if (rec->hostname && !hostname_is_valid(rec->hostname))
                goto bad;
        *ret = rd.rec;
        return 0;
bad:
        record_done(rec);
        return -EBADMSG;
}

static int read_record_at(int dirfd, const char *file, struct record *ret)
{
        _cleanup_free_ char *buf = NULL;
        size_t len;
        int r;

        if (dirfd < 0)
                return -ENOENT;
        r = read_file_at(dirfd, file, RECORD_MAX_BYTES, &buf, &len);
        if (r < 0)
                return r == -EFBIG || r == -EBADFD || r == -ELOOP ? -EBADMSG : r;
        return record_from_json(buf, len, ret);
}

int registry_get_name(struct registry *reg, const char *name, struct record *ret)
{
        _cleanup_free_ char *file = NULL;

        if (!name_is_valid(name, strlen(name)))
                return -EINVAL;
        file = xasprintf("%s.json", name);
        return read_record_at(reg->namesfd, file, ret);
}

static int read_id_name(struct registry *reg, const char *id, char **ret)
{
        _cleanup_free_ char *buf = NULL;
        size_t len;
        int r;

        if (!id_is_valid(id))
                return -EINVAL;
        if (reg->idsfd < 0)
                return -ENOENT;
        r = read_file_at(reg->idsfd, id, OCILINK_MAX_NAME + 1, &buf, &len);
        if (r < 0)
                return r;
        if (!name_is_valid(buf, len))
                return -EBADMSG;
        *ret = TAKE_PTR(buf);
        return 0;
}

int registry_get_id(struct registry *reg, const char *id, struct record *ret)
{
        _cleanup_free_ char *name = NULL;
        struct record rec;
        int r;

        r = read_id_name(reg, id, &name);
        if (r < 0)
                return r;
        r = registry_get_name(reg, name, &rec);
        if (r < 0)
                return r;
        if (!STREQ(rec.id, id)) {
                record_done(&rec);
                return -ENOENT;
        }
        *ret = rec;
        return 0;
}


/* links/<source>, opened without following a symlink; with create, made when missing. */
static int open_index_dir(struct registry *reg, const char *source, bool create)
{
        int fd;

        if (!name_is_valid(source, strlen(source)))
                return -EINVAL;
        fd = openat(reg->linksfd, source, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT && create) {
                if (mkdirat(reg->linksfd, source, 0700) < 0 && errno != EEXIST)
                        return -errno;
                fd = openat(reg->linksfd, source, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        return fd < 0 ? -errno : fd;
}

/* links/<source>/<recipient>: an empty file. O_EXCL never opens what is there already (a FIFO
 * would block, a symlink would be followed): an existing entry of any type counts as present. */
static int index_add(struct registry *reg, const char *source, const char *recipient)
{
        _cleanup_close_ int dfd = open_index_dir(reg, source, true);
        int fd;

        if (dfd < 0)
                return dfd;
        fd = openat(dfd, recipient, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
        if (fd < 0)
                return errno == EEXIST ? 0 : -errno;
        close(fd);
        return 0;
}

void registry_unindex(struct registry *reg, const char *source, const char *recipient)
{
        _cleanup_close_ int dfd = open_index_dir(reg, source, false);

        if (dfd < 0 || !name_is_valid(recipient, strlen(recipient)))
                return;
        if (unlinkat(dfd, recipient, 0) == 0)
                (void) unlinkat(reg->linksfd, source, AT_REMOVEDIR); /* fails while others link to it */
}


/* Calls fn for every readable record, one at a time (fn takes it over); corrupt files go to
 * *ret_bad. */
static int registry_each(struct registry *reg, int (*fn)(struct record *rec, void *userdata), void *userdata,
                         struct strv *ret_bad)
{
        _cleanup_close_ int fd = -EBADF;
        DIR *d;
        struct dirent *de;
        int r = 0;

        if (reg->namesfd < 0)
                return 0;
        fd = openat(reg->namesfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d)
                return -errno;
        TAKE_FD(fd);
        while (r == 0 && (de = readdir(d))) {
                size_t l = strlen(de->d_name);
                struct record rec;

                if (de->d_name[0] == '.' || l < 6 || !STREQ(de->d_name + l - 5, ".json"))
                        continue;
                if (read_record_at(reg->namesfd, de->d_name, &rec) < 0) {
                        if (ret_bad)
                                strv_push(ret_bad, xstrdup(de->d_name));
                        continue;
                }
                r = fn(&rec, userdata);
        }
        closedir(d);
        return r;
}

static int index_record(struct record *rec, void *userdata)
{
        struct registry *reg = userdata;
        int r = 0;

        for (size_t k = 0; r == 0 && k < rec->links.n; k++) {
                _cleanup_free_ char *src = link_source(rec->links.v[k]);
                r = index_add(reg, src, rec->name);
        }
        record_done(rec);
        return r;
}


/* One record at a time: completing the index of 10,000 records takes no more memory than one. */
static int index_complete(struct registry *reg)
{
        struct stat st;
        int r;

        /* fstatat, not faccessat: that is faccessat2 with flags, which the sandbox does not allow */
        if (fstatat(reg->linksfd, INDEX_COMPLETE, &st, AT_SYMLINK_NOFOLLOW) == 0)
                return 0;
        r = registry_each(reg, index_record, reg, NULL);
        return r < 0 ? r : mark_index_complete(reg);
}

int registry_recipients_of(struct registry *reg, const char *source, struct strv *ret)
{
        struct strv out = { 0 };
        struct dirent *de;
        DIR *d;
        int fd;

        *ret = out;
        fd = index_complete(reg);
        if (fd < 0)
                return fd;
        fd = open_index_dir(reg, source, false);
        if (fd < 0)
                return fd == -ENOENT ? 0 : fd;
        d = fdopendir(fd);
        if (!d) {
                int r = -errno;
                close(fd);
                return r;
        }
        while ((de = readdir(d)))
                if (de->d_name[0] != '.' && name_is_valid(de->d_name, strlen(de->d_name)))
                        strv_push(&out, xstrdup(de->d_name));
        closedir(d);
        strv_sort(&out);
        *ret = out;
        return 0;
}

int registry_put_known(struct registry *reg, const struct record *rec, const struct record *prev)
{
        _cleanup_free_ char *json = record_to_json(rec, false);
        _cleanup_free_ char *file = xasprintf("%s.json", rec->name);
        _cleanup_free_ char *old = NULL;
        struct keyset known;
        bool id_same = false;
        int r = 0;

        /* A container that registers again under another name gives up its old one. */
        if (read_id_name(reg, rec->id, &old) == 0) {
                id_same = STREQ(old, rec->name);
                if (!id_same) {
                        struct record p;
                        if (registry_get_name(reg, old, &p) == 0) {
                                if (STREQ(p.id, rec->id)) {
                                        _cleanup_free_ char *oldfile = xasprintf("%s.json", old);
                                        (void) unlinkat(reg->namesfd, oldfile, 0);
                                }
                                record_done(&p);
                        }
                }
        }
        /* The index entries first: a record is never without them (a source's poststart finds every
         * running recipient). The links of this name's record before this write have theirs. */
        keyset_init(&known, prev ? prev->links.n : 0);
        for (size_t i = 0; prev && STREQ(prev->name, rec->name) && i < prev->links.n; i++)
                keyset_add(&known, prev->links.v[i]);
        for (size_t i = 0; i < rec->links.n && r == 0; i++) {
                _cleanup_free_ char *src = NULL;
                if (keyset_has(&known, rec->links.v[i]))
                        continue;
                src = link_source(rec->links.v[i]);
                r = index_add(reg, src, rec->name);
        }
        keyset_done(&known);
        if (r < 0)
                return r;
        if (id_same)
                goto record;
        /* The id entry next: killed between the two, there is an id without a record (read as
         * absent, replaced by the next write), never a record that poststop cannot find. */
        r = write_file_atomic_via(reg->tmpfd, reg->idsfd, rec->id, rec->name, strlen(rec->name), 0600);
        if (r < 0)
                return r;
        test_delay_point("id entry written");
record:
        return write_file_atomic_via(reg->tmpfd, reg->namesfd, file, json, strlen(json), 0600);
}

int registry_put(struct registry *reg, const struct record *rec)
{
        return registry_put_known(reg, rec, NULL);
}

int registry_remove_id(struct registry *reg, const char *id)
{
        _cleanup_free_ char *name = NULL;
        struct record rec;
        int r;

        r = read_id_name(reg, id, &name);
        if (r == -ENOENT)
                return 0;
        if (r < 0 && r != -EBADMSG)
                return r;
        if (r == 0 && registry_get_name(reg, name, &rec) == 0) {
                if (STREQ(rec.id, id)) {
                        _cleanup_free_ char *file = xasprintf("%s.json", name);
                        if (unlinkat(reg->namesfd, file, 0) < 0 && errno != ENOENT) {
                                record_done(&rec);
                                return -errno;
                        }
                        /* after the record: killed in between, the entries are stale, and dropped
                         * by the source's next poststart */
                        for (size_t i = 0; i < rec.links.n; i++) {
                                _cleanup_free_ char *src = link_source(rec.links.v[i]);
                                registry_unindex(reg, src, name);
                        }
                }
                record_done(&rec);
        }
        if (unlinkat(reg->idsfd, id, 0) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

static int cmp_record(const void *a, const void *b)
{
        return strcmp(((const struct record *) a)->name, ((const struct record *) b)->name);
}

struct collected {
        struct record *v;
        size_t n, cap;
};

static int collect(struct record *rec, void *userdata)
{
        struct collected *c = userdata;

        if (c->n == c->cap) {
                c->cap = c->cap ? c->cap * 2 : 16;
                c->v = xrealloc(c->v, c->cap * sizeof(struct record));
        }
        c->v[c->n++] = *rec;
        return 0;
}

int registry_list(struct registry *reg, struct record **ret, size_t *ret_n, struct strv *ret_bad)
{
        struct collected c = { 0 };
        int r = registry_each(reg, collect, &c, ret_bad);

        if (r < 0) {
                records_free(c.v, c.n);
                return r;
        }
        if (c.n > 1)
                qsort(c.v, c.n, sizeof(struct record), cmp_record);
        *ret = c.v;
        *ret_n = c.n;
        return 0;
}

bool record_is_running(const struct record *rec)
{
        return rec->pid > 0 && proc_is_alive(rec->pid, rec->start_time);
}

void record_done(struct record *rec)
{
        free(rec->id);
        free(rec->name);
        free(rec->bundle);
        free(rec->hostname);
        free(rec->hosts_file);
        free(rec->rootfs);
        strv_done(&rec->ports);
        strv_done(&rec->env);
        strv_done(&rec->links);
        *rec = (struct record) { 0 };
}

void records_free(struct record *v, size_t n)
{
        for (size_t i = 0; i < n; i++)
                record_done(&v[i]);
        free(v);
}

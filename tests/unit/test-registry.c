/* The state directory (hook/registry.c): layout and modes, records round-tripping every field,
 * liveness by pid + start time, renames, removal, listing with corrupt files, atomic writes
 * leaving no temp files, and the bounded registry lock. */
#include "tests/unit/helpers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hook/procinfo.h"
#include "hook/registry.h"
#include "links/addrs.h"
#include "links/limits.h"

/* ---- fixture ---- */

struct fx {
        char base[256];  /* /tmp/ocilink-registry-XXXXXX */
        char state[512]; /* base/state (not created by setup) */
        struct registry reg;
        bool open;
        pid_t child; /* a forked child to reap in teardown, or 0 */
};

static int setup(void **state)
{
        struct fx *f = calloc(1, sizeof *f);

        if (!f)
                return -1;
        snprintf(f->base, sizeof f->base, "/tmp/ocilink-registry-XXXXXX");
        if (!mkdtemp(f->base)) {
                free(f);
                return -1;
        }
        snprintf(f->state, sizeof f->state, "%s/state", f->base);
        f->reg = (struct registry) REGISTRY_INIT;
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fx *f = *state;

        if (!f)
                return 0;
        if (f->child > 0) {
                (void) kill(f->child, SIGKILL);
                (void) waitpid(f->child, NULL, 0);
        }
        if (f->open)
                registry_close(&f->reg);
        test_rm_rf(f->base);
        free(f);
        *state = NULL;
        return 0;
}

/* Opens f->state into f->reg, asserting success. */
static struct registry *reg_open(struct fx *f)
{
        char *err = NULL;
        int r = registry_open(f->state, true, &f->reg, &err);

        if (r < 0) {
                print_message("# registry_open: %d %s\n", r, err ? err : "");
                free(err);
                fail();
        }
        assert_null(err);
        f->open = true;
        return &f->reg;
}

static void check_refused_open(const char *path, int want)
{
        struct registry reg = REGISTRY_INIT;
        char *err = NULL;
        int r = registry_open(path, true, &reg, &err);
        bool empty = !err || !err[0];

        if (r == 0)
                registry_close(&reg);
        free(err);
        assert_true(r < 0);
        if (want)
                assert_int_equal(r, want);
        assert_false(empty);
}

static void assert_mode(const char *path, mode_t type, mode_t perm)
{
        struct stat st;

        assert_int_equal(lstat(path, &st), 0);
        assert_int_equal(st.st_mode & S_IFMT, type);
        if ((st.st_mode & 07777) != perm)
                print_message("# %s: mode %o, want %o\n", path, (unsigned) (st.st_mode & 07777), (unsigned) perm);
        assert_int_equal(st.st_mode & 07777, perm);
}

static char *sub(const struct fx *f, const char *rel)
{
        static char bufs[8][PATH_MAX];
        static unsigned next;
        char *p = bufs[next++ % 8];
        snprintf(p, PATH_MAX, "%s/%s", f->state, rel);
        return p;
}

static void xwrite_file(const char *path, const char *data)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, data, strlen(data)), (ssize_t) strlen(data));
        assert_int_equal(close(fd), 0);
}

static bool exists(const char *path)
{
        struct stat st;
        return lstat(path, &st) == 0;
}

static void sv(struct strv *s, const char *const *items)
{
        for (; *items; items++)
                strv_push(s, xstrdup(*items));
}

/* A record with every field set: strings owned (free with record_done). */
static void full_record(struct record *r, const char *id, const char *name)
{
        static const char *const ports[] = { "80/tcp", "8080/tcp", "53/udp", NULL };
        static const char *const env[] = {
                "BOOK=Learning Docker",
                "EQ=a=b==c=",
                "MULTI=line one\nline two\r\n\tindented",
                "UTF8=h\xc3\xa9llo \xe2\x80\x94 \xe2\x9c\x93 \xf0\x9f\x90\xb3",
                "EMPTY=",
                "QUOTE=\"quoted\" \\back\\slash",
                NULL,
        };
        static const char *const links[] = { "db:db", "cache:redis", NULL };

        *r = (struct record) { 0 };
        r->id = xstrdup(id);
        r->name = xstrdup(name);
        r->pid = 4194304; /* the largest pid_max */
        r->start_time = 123456789012345ULL;
        r->bundle = xstrdup("/run/containers/bundles/web \xc3\xa9");
        r->hostname = xstrdup("web-host.example");
        assert_int_equal(addr_list_add(&r->addrs, AF_INET, "10.0.0.2"), 0);
        assert_int_equal(addr_list_add(&r->addrs, AF_INET, "172.17.0.5"), 0);
        assert_int_equal(addr_list_add(&r->addrs, AF_INET6, "2001:db8::2"), 0);
        assert_int_equal(addr_list_add(&r->addrs, AF_INET6, "fd00:dead:beef::5"), 0);
        r->ip_fixed = true;
        sv(&r->ports, ports);
        sv(&r->env, env);
        sv(&r->links, links);
        r->hosts_file = xstrdup("/var/lib/containers/storage/overlay-containers/abc/userdata/hosts");
        r->rootfs = xstrdup("/var/lib/runc/web/rootfs");
}

/* A minimal record: optional strings NULL, lists empty. */
static void min_record(struct record *r, const char *id, const char *name)
{
        *r = (struct record) { 0 };
        r->id = xstrdup(id);
        r->name = xstrdup(name);
}

static void assert_str_or_null(const char *got, const char *want)
{
        if (!want) {
                assert_null(got);
                return;
        }
        assert_non_null(got);
        assert_string_equal(got, want);
}

static void assert_strv_same(const struct strv *got, const struct strv *want)
{
        static const char *const none[] = { NULL };
        assert_strv_eq(got, want->n ? (const char *const *) want->v : none);
}

static void assert_record_eq(const struct record *got, const struct record *want)
{
        assert_string_equal(got->id, want->id);
        assert_string_equal(got->name, want->name);
        assert_int_equal(got->pid, want->pid);
        assert_true(got->start_time == want->start_time);
        assert_str_or_null(got->bundle, want->bundle);
        assert_str_or_null(got->hostname, want->hostname);
        assert_int_equal(got->addrs.n4, want->addrs.n4);
        for (size_t i = 0; i < want->addrs.n4; i++)
                assert_string_equal(got->addrs.v4[i], want->addrs.v4[i]);
        assert_int_equal(got->addrs.n6, want->addrs.n6);
        for (size_t i = 0; i < want->addrs.n6; i++)
                assert_string_equal(got->addrs.v6[i], want->addrs.v6[i]);
        assert_int_equal(got->ip_fixed, want->ip_fixed);
        assert_strv_same(&got->ports, &want->ports);
        assert_strv_same(&got->env, &want->env);
        assert_strv_same(&got->links, &want->links);
        assert_str_or_null(got->hosts_file, want->hosts_file);
        assert_str_or_null(got->rootfs, want->rootfs);
}

/* Names of entries starting with ".tmp-" anywhere in the state directory. */
static size_t count_temp_files(const char *dir)
{
        DIR *d = opendir(dir);
        struct dirent *de;
        size_t n = 0;

        if (!d)
                return 0;
        while ((de = readdir(d))) {
                char p[PATH_MAX];
                if (STREQ(de->d_name, ".") || STREQ(de->d_name, ".."))
                        continue;
                if (strncmp(de->d_name, ".tmp-", 5) == 0) {
                        print_message("# leftover temp file %s/%s\n", dir, de->d_name);
                        n++;
                }
                snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
                if (de->d_type == DT_DIR)
                        n += count_temp_files(p);
        }
        closedir(d);
        return n;
}

static long now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* ---- opening ---- */

static void open_creates_layout(void **state)
{
        struct fx *f = *state;

        reg_open(f);
        assert_mode(f->state, S_IFDIR, 0700);
        assert_mode(sub(f, "names"), S_IFDIR, 0700);
        assert_mode(sub(f, "ids"), S_IFDIR, 0700);
        assert_mode(sub(f, "lock"), S_IFREG, 0600);
        assert_non_null(f->reg.path);
        assert_string_equal(f->reg.path, f->state);
        registry_close(&f->reg);
        f->open = false;
        /* opening again is fine and changes nothing */
        reg_open(f);
        assert_mode(f->state, S_IFDIR, 0700);
        assert_mode(sub(f, "names"), S_IFDIR, 0700);
}

static void open_refuses_world_writable(void **state)
{
        struct fx *f = *state;

        assert_int_equal(mkdir(f->state, 0700), 0);
        assert_int_equal(chmod(f->state, 0777), 0);
        check_refused_open(f->state, -EPERM);
        /* nothing was planted in the refused directory */
        assert_false(exists(sub(f, "names")));
        assert_false(exists(sub(f, "lock")));
        assert_int_equal(chmod(f->state, 0770), 0); /* group-writable as well */
        check_refused_open(f->state, -EPERM);
        assert_int_equal(chmod(f->state, 0755), 0); /* readable by others is fine */
        reg_open(f);
}

static void open_refuses_foreign_owner(void **state)
{
        struct fx *f = *state;

        assert_int_equal(mkdir(f->state, 0700), 0);
        if (geteuid() != 0)
                skip();
        assert_int_equal(chown(f->state, 65534, 65534), 0);
        check_refused_open(f->state, -EPERM);
}

static void open_refuses_symlink_and_relative(void **state)
{
        struct fx *f = *state;
        char real[PATH_MAX];

        snprintf(real, sizeof real, "%s/real", f->base);
        assert_int_equal(mkdir(real, 0700), 0);
        assert_int_equal(symlink(real, f->state), 0);
        check_refused_open(f->state, 0);
        check_refused_open("relative/state", -EINVAL);
        assert_false(exists("relative"));
}

/* ---- records ---- */

static void put_get_round_trip(void **state)
{
        struct fx *f = *state;
        struct registry *reg = reg_open(f);
        struct record rec, got;
        char *ids;

        full_record(&rec, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "web");
        assert_int_equal(registry_put(reg, &rec), 0);

        assert_int_equal(registry_get_name(reg, "web", &got), 0);
        assert_record_eq(&got, &rec);
        record_done(&got);

        assert_int_equal(registry_get_id(reg, rec.id, &got), 0);
        assert_record_eq(&got, &rec);
        record_done(&got);

        /* the files: names/web.json and ids/<id> holding the name */
        assert_mode(sub(f, "names/web.json"), S_IFREG, 0600);
        ids = test_read_file(sub(f, "ids/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"), NULL);
        assert_non_null(ids);
        assert_string_equal(ids, "web");
        free(ids);

        /* replacing the record of a name */
        free(rec.hostname);
        rec.hostname = xstrdup("changed");
        rec.ip_fixed = false;
        assert_int_equal(registry_put(reg, &rec), 0);
        assert_int_equal(registry_get_name(reg, "web", &got), 0);
        assert_record_eq(&got, &rec);
        record_done(&got);
        record_done(&rec);
}

static void put_get_minimal_record(void **state)
{
        struct fx *f = *state;
        struct registry *reg = reg_open(f);
        struct record rec, got;

        min_record(&rec, "min-id", "min");
        assert_int_equal(registry_put(reg, &rec), 0);
        assert_int_equal(registry_get_id(reg, "min-id", &got), 0);
        assert_record_eq(&got, &rec);
        assert_null(got.bundle);
        assert_null(got.hosts_file);
        assert_null(got.rootfs);
        assert_false(got.ip_fixed);
        assert_int_equal(got.pid, 0);
        record_done(&got);
        record_done(&rec);
}

static void json_round_trip(void **state)
{
        struct record rec, got;
        char *json;

        (void) state;
        full_record(&rec, "abc", "web");
        json = record_to_json(&rec, true);
        assert_non_null(json);
        assert_int_equal(record_from_json(json, strlen(json), &got), 0);
        assert_record_eq(&got, &rec);
        record_done(&got);
        free(json);
        json = record_to_json(&rec, false);
        assert_int_equal(record_from_json(json, strlen(json), &got), 0);
        assert_record_eq(&got, &rec);
        record_done(&got);
        /* a truncated record is corrupt */
        assert_int_equal(record_from_json(json, strlen(json) / 2, &got), -EBADMSG);
        free(json);
        record_done(&rec);
}

static void get_missing_and_corrupt(void **state)
{
        struct fx *f = *state;
        struct registry *reg = reg_open(f);
        struct record got;

        assert_int_equal(registry_get_name(reg, "nobody", &got), -ENOENT);
        assert_int_equal(registry_get_id(reg, "no-such-id", &got), -ENOENT);
        xwrite_file(sub(f, "names/bad.json"), "{\"name\": \"bad\", \"id\": ");
        assert_int_equal(registry_get_name(reg, "bad", &got), -EBADMSG);
        /* a planted symlink is not followed */
        assert_int_equal(symlink("/etc/passwd", sub(f, "names/evil.json")), 0);
        assert_int_equal(registry_get_name(reg, "evil", &got), -EBADMSG);
}

static void running_by_pid_and_start_time(void **state)
{
        struct record rec = { 0 };
        unsigned long long st;

        (void) state;
        assert_int_equal(proc_start_time(getpid(), &st), 0);
        rec.pid = getpid();
        rec.start_time = st;
        assert_true(record_is_running(&rec));
        rec.start_time = st + 1;
        assert_false(record_is_running(&rec));
        rec.start_time = st ? st - 1 : 1;
        assert_false(record_is_running(&rec));
        rec.pid = 0;
        rec.start_time = st;
        assert_false(record_is_running(&rec));
        rec.start_time = 0;
        assert_false(record_is_running(&rec));
}

static void running_false_for_exited_child(void **state)
{
        struct fx *f = *state;
        struct record rec = { 0 };
        unsigned long long st;
        int ws;
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0) {
                pause();
                _exit(0);
        }
        f->child = pid;
        assert_int_equal(proc_start_time(pid, &st), 0);
        rec.pid = pid;
        rec.start_time = st;
        assert_true(record_is_running(&rec));
        assert_int_equal(kill(pid, SIGKILL), 0);
        assert_int_equal(waitpid(pid, &ws, 0), pid);
        f->child = 0;
        assert_false(record_is_running(&rec));
}

static void new_name_for_same_id_drops_old(void **state)
{
        struct fx *f = *state;
        struct registry *reg = reg_open(f);
        struct record rec, got;
        char *ids;

        full_record(&rec, "id-1", "old");
        assert_int_equal(registry_put(reg, &rec), 0);
        assert_true(exists(sub(f, "names/old.json")));
        free(rec.name);
        rec.name = xstrdup("new");
        assert_int_equal(registry_put(reg, &rec), 0);

        assert_false(exists(sub(f, "names/old.json")));
        assert_int_equal(registry_get_name(reg, "old", &got), -ENOENT);
        assert_int_equal(registry_get_name(reg, "new", &got), 0);
        assert_record_eq(&got, &rec);
        record_done(&got);
        assert_int_equal(registry_get_id(reg, "id-1", &got), 0);
        assert_string_equal(got.name, "new");
        record_done(&got);
        ids = test_read_file(sub(f, "ids/id-1"), NULL);
        assert_string_equal(ids, "new");
        free(ids);
        record_done(&rec);
}

static void new_name_keeps_old_name_of_other_id(void **state)
{
        struct fx *f = *state;
        struct registry *reg = reg_open(f);
        struct record a, b, got;

        /* id-1 was "shared", then id-2 took "shared"; id-1 now registers as "mine" */
        min_record(&a, "id-1", "shared");
        assert_int_equal(registry_put(reg, &a), 0);
        min_record(&b, "id-2", "shared");
        assert_int_equal(registry_put(reg, &b), 0);
        free(a.name);
        a.name = xstrdup("mine");
        assert_int_equal(registry_put(reg, &a), 0);
        assert_int_equal(registry_get_name(reg, "shared", &got), 0);
        assert_string_equal(got.id, "id-2");
        record_done(&got);
        assert_int_equal(registry_get_id(reg, "id-1", &got), 0);
        assert_string_equal(got.name, "mine");
        record_done(&got);
        record_done(&a);
        record_done(&b);
}

static void remove_id_removes_both(void **state)
{
        struct fx *f = *state;
        struct registry *reg = reg_open(f);
        struct record rec, got;

        full_record(&rec, "id-rm", "gone");
        assert_int_equal(registry_put(reg, &rec), 0);
        assert_int_equal(registry_remove_id(reg, "id-rm"), 0);
        assert_false(exists(sub(f, "names/gone.json")));
        assert_false(exists(sub(f, "ids/id-rm")));
        assert_int_equal(registry_get_id(reg, "id-rm", &got), -ENOENT);
        assert_int_equal(registry_get_name(reg, "gone", &got), -ENOENT);
        /* again: nothing to do */
        assert_int_equal(registry_remove_id(reg, "id-rm"), 0);
        record_done(&rec);
}

static void assert_recipients(struct registry *reg, const char *source, const char *const *want)
{
        struct strv got = { 0 };

        assert_int_equal(registry_recipients_of(reg, source, &got), 0);
        assert_strv_eq(&got, want);
        strv_done(&got);
}

/* links/<source>/<recipient>: written with the record, gone with it, dropped when stale. */
static void reverse_index(void **state)
{
        struct fx *f = *state;
        struct registry *reg = reg_open(f);
        struct record web, api;

        full_record(&web, "id-web", "web"); /* links db:db, cache:redis */
        full_record(&api, "id-api", "api");
        strv_done(&api.links);
        strv_push(&api.links, xstrdup("db:database"));
        assert_int_equal(registry_put(reg, &web), 0);
        assert_int_equal(registry_put(reg, &api), 0);
        assert_mode(sub(f, "links/db"), S_IFDIR, 0700);
        assert_mode(sub(f, "links/db/web"), S_IFREG, 0600);
        assert_recipients(reg, "db", (const char *const[]) { "api", "web", NULL });
        assert_recipients(reg, "cache", (const char *const[]) { "web", NULL });
        assert_recipients(reg, "nobody", (const char *const[]) { NULL });
        /* writing again changes nothing */
        assert_int_equal(registry_put(reg, &web), 0);
        assert_recipients(reg, "db", (const char *const[]) { "api", "web", NULL });

        assert_int_equal(registry_remove_id(reg, "id-web"), 0);
        assert_recipients(reg, "db", (const char *const[]) { "api", NULL });
        assert_false(exists(sub(f, "links/cache"))); /* its last entry went: so did the directory */
        registry_unindex(reg, "db", "api");
        assert_false(exists(sub(f, "links/db")));
        registry_unindex(reg, "db", "api"); /* again: nothing to do */
        /* a planted entry that is no name is not reported */
        assert_int_equal(mkdir(sub(f, "links/db"), 0700), 0);
        xwrite_file(sub(f, "links/db/.hidden"), "");
        assert_recipients(reg, "db", (const char *const[]) { NULL });
        record_done(&web);
        record_done(&api);
}

/* Writing again knowing the previous record: entries of new links are made, the rest are there. */
static void put_known_adds_new_links(void **state)
{
        struct fx *f = *state;
        struct registry *reg = reg_open(f);
        struct record v1, v2;

        full_record(&v1, "id-web", "web"); /* links db:db, cache:redis */
        assert_int_equal(registry_put(reg, &v1), 0);
        full_record(&v2, "id-web", "web");
        strv_push(&v2.links, xstrdup("queue:q"));
        assert_int_equal(registry_put_known(reg, &v2, &v1), 0);
        assert_recipients(reg, "queue", (const char *const[]) { "web", NULL });
        assert_recipients(reg, "db", (const char *const[]) { "web", NULL });
        assert_true(exists(sub(f, "ids/id-web")));
        record_done(&v1);
        record_done(&v2);
}

/* A registry filled before the index existed: the first lookup indexes every record. */
static void reverse_index_rebuilt(void **state)
{
        struct fx *f = *state;
        struct registry *reg = reg_open(f);
        struct record web;
        char cmd[PATH_MAX + 64];

        full_record(&web, "id-web", "web"); /* links db:db, cache:redis */
        assert_int_equal(registry_put(reg, &web), 0);
        snprintf(cmd, sizeof cmd, "rm -rf '%s'/* '%s'/.complete", sub(f, "links"), sub(f, "links"));
        assert_int_equal(system(cmd), 0);
        assert_false(exists(sub(f, "links/db/web")));
        assert_recipients(reg, "db", (const char *const[]) { "web", NULL });
        assert_true(exists(sub(f, "links/cache/web")));
        assert_true(exists(sub(f, "links/.complete")));
        record_done(&web);
}

/* Planted or damaged entries: a FIFO does not block, a symlinked source directory is not followed. */
static void reverse_index_hostile_entries(void **state)
{
        struct fx *f = *state;
        struct registry *reg = reg_open(f);
        struct record web;
        char outside[PATH_MAX];

        full_record(&web, "id-web", "web");
        assert_int_equal(mkdir(sub(f, "links/db"), 0700), 0);
        assert_int_equal(mkfifo(sub(f, "links/db/web"), 0600), 0);
        assert_int_equal(registry_put(reg, &web), 0); /* returns: the entry is there */
        snprintf(outside, sizeof outside, "%s.outside", f->state);
        assert_int_equal(mkdir(outside, 0700), 0);
        assert_int_equal(unlink(sub(f, "links/cache/web")), 0); /* made by the first put */
        assert_int_equal(rmdir(sub(f, "links/cache")), 0);
        assert_int_equal(symlink(outside, sub(f, "links/cache")), 0);
        assert_int_not_equal(registry_put(reg, &web), 0); /* refused, not followed */
        assert_int_equal(rmdir(outside), 0);                 /* empty: nothing was made there */
        record_done(&web);
}

static void remove_id_leaves_name_of_other_id(void **state)
{
        struct fx *f = *state;
        struct registry *reg = reg_open(f);
        struct record a, b, got;

        min_record(&a, "id-old", "web");
        assert_int_equal(registry_put(reg, &a), 0);
        full_record(&b, "id-new", "web"); /* a new container took the name */
        assert_int_equal(registry_put(reg, &b), 0);
        /* the old container's poststop */
        assert_int_equal(registry_remove_id(reg, "id-old"), 0);
        assert_false(exists(sub(f, "ids/id-old")));
        assert_true(exists(sub(f, "names/web.json")));
        assert_true(exists(sub(f, "ids/id-new")));
        assert_int_equal(registry_get_id(reg, "id-new", &got), 0);
        assert_record_eq(&got, &b);
        record_done(&got);
        record_done(&a);
        record_done(&b);
}

static void remove_unknown_id(void **state)
{
        struct fx *f = *state;
        struct registry *reg = reg_open(f);

        assert_int_equal(registry_remove_id(reg, "never-seen"), 0);
}

static void remove_id_with_corrupt_id_file(void **state)
{
        struct fx *f = *state;
        struct registry *reg = reg_open(f);

        /* an id entry holding garbage (not a valid name) is still removed */
        xwrite_file(sub(f, "ids/broken"), "not a name/..\n");
        assert_int_equal(registry_remove_id(reg, "broken"), 0);
        assert_false(exists(sub(f, "ids/broken")));
}

static void list_sorted_with_bad_files(void **state)
{
        struct fx *f = *state;
        struct registry *reg = reg_open(f);
        static const char *const names[] = { "zeta", "alpha", "Mid", "beta", "alpha2" };
        const char *sorted[] = { "Mid", "alpha", "alpha2", "beta", "zeta" }; /* strcmp order */
        struct record rec, *v = NULL;
        struct strv bad = { 0 };
        size_t n = 0;
        char *json, id[32];

        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                snprintf(id, sizeof id, "id-%zu", i);
                full_record(&rec, id, names[i]);
                assert_int_equal(registry_put(reg, &rec), 0);
                record_done(&rec);
        }
        /* garbage, and a record cut in half */
        xwrite_file(sub(f, "names/x.json"), "\x01garbage{{{");
        full_record(&rec, "id-y", "y");
        json = record_to_json(&rec, false);
        json[strlen(json) / 2] = '\0';
        xwrite_file(sub(f, "names/y.json"), json);
        free(json);
        record_done(&rec);
        /* not records at all: ignored, not reported */
        xwrite_file(sub(f, "names/README"), "hello");

        assert_int_equal(registry_list(reg, &v, &n, &bad), 0);
        assert_int_equal(n, ELEMENTSOF(sorted));
        for (size_t i = 0; i < n; i++)
                assert_string_equal(v[i].name, sorted[i]);
        records_free(v, n);

        assert_int_equal(bad.n, 2);
        for (size_t i = 0; i < bad.n; i++)
                assert_true(STREQ(bad.v[i], "x.json") || STREQ(bad.v[i], "y.json") || STREQ(bad.v[i], "x") ||
                            STREQ(bad.v[i], "y"));
        assert_true(!STREQ(bad.v[0], bad.v[1]));
        strv_done(&bad);

        /* ret_bad may be NULL */
        v = NULL;
        n = 0;
        assert_int_equal(registry_list(reg, &v, &n, NULL), 0);
        assert_int_equal(n, ELEMENTSOF(sorted));
        records_free(v, n);
}

static void list_empty(void **state)
{
        struct fx *f = *state;
        struct registry *reg = reg_open(f);
        struct record *v = NULL;
        struct strv bad = { 0 };
        size_t n = 99;

        assert_int_equal(registry_list(reg, &v, &n, &bad), 0);
        assert_int_equal(n, 0);
        assert_int_equal(bad.n, 0);
        records_free(v, n);
        strv_done(&bad);
}

static void no_temp_files_after_puts(void **state)
{
        struct fx *f = *state;
        struct registry *reg = reg_open(f);
        struct record rec;
        char id[32], name[32];

        for (int i = 0; i < 20; i++) {
                snprintf(id, sizeof id, "id-%d", i % 7);
                snprintf(name, sizeof name, "name-%d", i % 5);
                full_record(&rec, id, name);
                assert_int_equal(registry_put(reg, &rec), 0);
                record_done(&rec);
        }
        assert_int_equal(count_temp_files(f->state), 0);
        for (int i = 0; i < 7; i++) {
                snprintf(id, sizeof id, "id-%d", i);
                assert_int_equal(registry_remove_id(reg, id), 0);
        }
        assert_int_equal(count_temp_files(f->state), 0);
}

/* ---- lock ---- */

struct lock_report {
        int r;
        long elapsed_ms;
        int msg_ok;
};

/* In a child: a second registry handle (its own open file description) tries to lock. */
static void child_try_lock(struct fx *f, struct lock_report *out)
{
        int p[2];
        pid_t pid;
        ssize_t n;

        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                struct registry reg2;
                struct lock_report rep = { .r = -9999 };
                char *err = NULL;
                long t0;

                close(p[0]);
                if (registry_open(f->state, true, &reg2, &err) < 0) {
                        rep.r = -10000;
                } else {
                        t0 = now_ms();
                        rep.r = registry_lock(&reg2, &err);
                        rep.elapsed_ms = now_ms() - t0;
                        rep.msg_ok = rep.r < 0 ? (err && err[0]) : (err == NULL);
                        if (rep.r == 0)
                                registry_unlock(&reg2);
                        registry_close(&reg2);
                }
                free(err);
                if (write(p[1], &rep, sizeof rep) != (ssize_t) sizeof rep)
                        _exit(2);
                _exit(0);
        }
        f->child = pid;
        close(p[1]);
        n = read(p[0], out, sizeof *out);
        close(p[0]);
        assert_int_equal(waitpid(pid, NULL, 0), pid);
        f->child = 0;
        assert_int_equal(n, (ssize_t) sizeof *out);
}

static void lock_and_contention(void **state)
{
        struct fx *f = *state;
        struct registry *reg = reg_open(f);
        struct lock_report rep;
        char *err = NULL;
        long lo = OCILINK_LOCK_TIMEOUT_MS * 9L / 10L, hi = OCILINK_LOCK_TIMEOUT_MS * 2L;

        /* free lock: a child takes it at once */
        child_try_lock(f, &rep);
        assert_int_equal(rep.r, 0);
        assert_true(rep.msg_ok);
        assert_true(rep.elapsed_ms < 500);

        assert_int_equal(registry_lock(reg, &err), 0);
        assert_null(err);

        /* held: the child's handle gives up after about OCILINK_LOCK_TIMEOUT_MS */
        child_try_lock(f, &rep);
        print_message("# contended lock: r=%d after %ld ms (timeout %d ms)\n", rep.r, rep.elapsed_ms,
                      OCILINK_LOCK_TIMEOUT_MS);
        assert_int_equal(rep.r, -ETIMEDOUT);
        assert_true(rep.msg_ok);
        assert_true(rep.elapsed_ms >= lo);
        assert_true(rep.elapsed_ms <= hi);

        /* released: available again */
        registry_unlock(reg);
        child_try_lock(f, &rep);
        assert_int_equal(rep.r, 0);
        assert_true(rep.elapsed_ms < 500);

        /* a second handle in this very process is its own open file description too */
        {
                struct registry reg2;
                char *e2 = NULL;
                assert_int_equal(registry_lock(reg, &err), 0);
                assert_int_equal(registry_open(f->state, true, &reg2, &e2), 0);
                registry_unlock(reg);
                assert_int_equal(registry_lock(&reg2, &e2), 0);
                assert_null(e2);
                registry_unlock(&reg2);
                registry_close(&reg2);
        }
}

/* list and explain must not create the state directory: an absent one reads as empty. */
static void absent_registry_reads_empty(void **state)
{
        struct fx *f = *state;
        struct registry reg;
        struct record *v = (struct record *) 1, rec;
        size_t n = 99;
        struct stat st;
        char *err = NULL;

        assert_int_equal(registry_open(f->state, false, &reg, &err), 0);
        assert_int_equal(stat(f->state, &st), -1);
        assert_int_equal(registry_list(&reg, &v, &n, NULL), 0);
        assert_int_equal(n, 0);
        assert_int_equal(registry_get_name(&reg, "db", &rec), -ENOENT);
        assert_int_equal(registry_get_id(&reg, "db", &rec), -ENOENT);
        registry_close(&reg);
        assert_int_equal(stat(f->state, &st), -1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(open_creates_layout, setup, teardown),
                cmocka_unit_test_setup_teardown(absent_registry_reads_empty, setup, teardown),
                cmocka_unit_test_setup_teardown(open_refuses_world_writable, setup, teardown),
                cmocka_unit_test_setup_teardown(open_refuses_foreign_owner, setup, teardown),
                cmocka_unit_test_setup_teardown(open_refuses_symlink_and_relative, setup, teardown),
                cmocka_unit_test_setup_teardown(put_get_round_trip, setup, teardown),
                cmocka_unit_test_setup_teardown(put_get_minimal_record, setup, teardown),
                cmocka_unit_test_setup_teardown(json_round_trip, setup, teardown),
                cmocka_unit_test_setup_teardown(get_missing_and_corrupt, setup, teardown),
                cmocka_unit_test_setup_teardown(running_by_pid_and_start_time, setup, teardown),
                cmocka_unit_test_setup_teardown(running_false_for_exited_child, setup, teardown),
                cmocka_unit_test_setup_teardown(new_name_for_same_id_drops_old, setup, teardown),
                cmocka_unit_test_setup_teardown(new_name_keeps_old_name_of_other_id, setup, teardown),
                cmocka_unit_test_setup_teardown(reverse_index, setup, teardown),
                cmocka_unit_test_setup_teardown(reverse_index_rebuilt, setup, teardown),
                cmocka_unit_test_setup_teardown(put_known_adds_new_links, setup, teardown),
                cmocka_unit_test_setup_teardown(reverse_index_hostile_entries, setup, teardown),
                cmocka_unit_test_setup_teardown(remove_id_removes_both, setup, teardown),
                cmocka_unit_test_setup_teardown(remove_id_leaves_name_of_other_id, setup, teardown),
                cmocka_unit_test_setup_teardown(remove_unknown_id, setup, teardown),
                cmocka_unit_test_setup_teardown(remove_id_with_corrupt_id_file, setup, teardown),
                cmocka_unit_test_setup_teardown(list_sorted_with_bad_files, setup, teardown),
                cmocka_unit_test_setup_teardown(list_empty, setup, teardown),
                cmocka_unit_test_setup_teardown(no_temp_files_after_puts, setup, teardown),
                cmocka_unit_test_setup_teardown(lock_and_contention, setup, teardown),
        };

        umask(022);
        return cmocka_run_group_tests(tests, NULL, NULL);
}

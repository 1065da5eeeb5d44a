#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "hook/netaddr.h"
#include "links/addrs.h"

/* ---- addr_parse / addr_list_add / addr_is_global_v6 ---- */

static void check_parse(const char *in, int family, const char *canon)
{
        char text[INET6_ADDRSTRLEN];
        int f = -1;

        memset(text, 'x', sizeof(text));
        assert_int_equal(addr_parse(in, &f, text), 0);
        assert_int_equal(f, family);
        assert_string_equal(text, canon);
}

static void check_refused(const char *in)
{
        char text[INET6_ADDRSTRLEN];
        int f = 12345;

        memset(text, 'x', sizeof(text));
        assert_int_equal(addr_parse(in, &f, text), -EINVAL);
        /* Out parameters are written only on success. */
        assert_int_equal(f, 12345);
        assert_int_equal(text[0], 'x');
        assert_int_equal(text[INET6_ADDRSTRLEN - 1], 'x');
}

static void test_parse_v4(void **state)
{
        (void) state;
        check_parse("10.0.0.1", AF_INET, "10.0.0.1");
        check_parse("0.0.0.0", AF_INET, "0.0.0.0");
        check_parse("255.255.255.255", AF_INET, "255.255.255.255");
        check_parse("127.0.0.1", AF_INET, "127.0.0.1");
}

static void test_parse_v6(void **state)
{
        (void) state;
        check_parse("2001:DB8:0:0:0:0:0:1", AF_INET6, "2001:db8::1");
        check_parse("2001:0db8:0000:0000:0001:0000:0000:0001", AF_INET6, "2001:db8::1:0:0:1");
        check_parse("FD00:77:0:0:0:0:0:5", AF_INET6, "fd00:77::5");
        check_parse("0:0:0:0:0:0:0:0", AF_INET6, "::");
        check_parse("::1", AF_INET6, "::1");
        check_parse("fe80::ABCD", AF_INET6, "fe80::abcd");
}

static void test_parse_mapped(void **state)
{
        (void) state;
        check_parse("::ffff:10.0.0.1", AF_INET, "10.0.0.1");
        check_parse("::FFFF:10.0.0.1", AF_INET, "10.0.0.1");
        check_parse("::ffff:0a00:0001", AF_INET, "10.0.0.1");
        check_parse("0:0:0:0:0:ffff:c0a8:0101", AF_INET, "192.168.1.1");
        /* Not mapped: left as IPv6. */
        check_parse("::fffe:10.0.0.1", AF_INET6, "::fffe:a00:1");
        check_parse("64:ff9b::10.0.0.1", AF_INET6, "64:ff9b::a00:1");
}

static void test_parse_refusals(void **state)
{
        static const char *const bad[] = {
                "", " ", "10.0.0.1 ", " 10.0.0.1", "\t::1", "::1\n", "10.0.0.1\n",
                "fe80::1%eth0", "fe80::1%1", "10.0.0.0/8", "fd00::/64", "2001:db8::1/128",
                "10.0.0", "10.0.0.256", "010.0.0.1", "0x0a.0.0.1", "1.2.3.4.5", "10..0.1",
                "1::2::3", ":::", "2001:db8::g", "localhost", "example.com", "[::1]",
                "::1:", "12345::", "1:2:3:4:5:6:7:8:9", "::ffff:10.0.0.1%eth0",
        };

        (void) state;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                check_refused(bad[i]);
        check_refused(NULL);
}

static void test_list_add(void **state)
{
        struct addr_list l = { 0 };
        char text[32];

        (void) state;
        assert_int_equal(addr_list_add(&l, AF_INET, "10.0.0.1"), 0);
        assert_int_equal(addr_list_add(&l, AF_INET, "10.0.0.2"), 0);
        assert_int_equal(addr_list_add(&l, AF_INET, "10.0.0.1"), 0); /* duplicate: ignored */
        assert_int_equal(l.n4, 2);
        assert_string_equal(l.v4[0], "10.0.0.1");
        assert_string_equal(l.v4[1], "10.0.0.2");

        assert_int_equal(addr_list_add(&l, AF_INET6, "fd00::1"), 0);
        assert_int_equal(addr_list_add(&l, AF_INET6, "fd00::1"), 0);
        assert_int_equal(l.n6, 1);
        assert_string_equal(l.v6[0], "fd00::1");

        /* Wrong family or not an address. */
        assert_int_equal(addr_list_add(&l, AF_INET, "fd00::2"), -EINVAL);
        assert_int_equal(addr_list_add(&l, AF_INET6, "10.0.0.3"), -EINVAL);
        assert_int_equal(addr_list_add(&l, AF_INET, "nope"), -EINVAL);
        assert_int_equal(addr_list_add(&l, AF_UNIX, "10.0.0.3"), -EINVAL);
        assert_int_equal(l.n4, 2);
        assert_int_equal(l.n6, 1);

        /* Fill up to the cap, then -E2BIG; a duplicate of a listed one is still fine. */
        for (unsigned i = 3; l.n4 < OCILINK_MAX_ADDRS; i++) {
                snprintf(text, sizeof(text), "10.0.0.%u", i);
                assert_int_equal(addr_list_add(&l, AF_INET, text), 0);
        }
        assert_int_equal(addr_list_add(&l, AF_INET, "10.0.1.1"), -E2BIG);
        assert_int_equal(addr_list_add(&l, AF_INET, "10.0.0.1"), 0);
        assert_int_equal(l.n4, OCILINK_MAX_ADDRS);

        for (unsigned i = 2; l.n6 < OCILINK_MAX_ADDRS; i++) {
                snprintf(text, sizeof(text), "fd00::%x", i);
                assert_int_equal(addr_list_add(&l, AF_INET6, text), 0);
        }
        assert_int_equal(addr_list_add(&l, AF_INET6, "fd00::1:1"), -E2BIG);
        assert_int_equal(l.n6, OCILINK_MAX_ADDRS);
        assert_int_equal(l.n4, OCILINK_MAX_ADDRS);
}

static bool global6(const char *s)
{
        struct in6_addr a;

        assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
        return addr_is_global_v6(&a);
}

static void test_global_v6(void **state)
{
        (void) state;
        assert_false(global6("::"));
        assert_false(global6("::1"));
        assert_false(global6("fe80::1"));
        assert_false(global6("fe80::77"));
        assert_false(global6("febf:ffff::1")); /* still fe80::/10 */
        assert_false(global6("ff02::1"));
        assert_false(global6("ff00::"));
        assert_false(global6("ff05::2"));
        assert_false(global6("::ffff:10.0.0.1"));

        assert_true(global6("fec0::1")); /* just past fe80::/10 */
        assert_true(global6("fd00::1"));
        assert_true(global6("fd00:77::5"));
        assert_true(global6("fc00::1"));
        assert_true(global6("2001:db8::1"));
        assert_true(global6("2a00:1450::1"));
        assert_true(global6("::2"));
}

/* ---- discovery in network namespaces this test creates (and only those) ---- */

struct ns_fixture {
        bool root;
        bool created;
        char name[64];
        pid_t child; /* a process parked in the namespace, 0 when none */
};

static const char *ip_path(void)
{
        static const char *const candidates[] = { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip" };

        for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
                if (access(candidates[i], X_OK) == 0)
                        return candidates[i];
        return "ip";
}

/* Runs ip with the given arguments (NULL-terminated); returns its exit status, or a
 * negative errno. Callers only ever name their own namespaces (netns add/del NAME, -n NAME). */
static int run_ip(const char *arg, ...)
{
        const char *argv[32];
        size_t n = 0;
        va_list ap;
        pid_t pid;
        int status;

        argv[n++] = "ip";
        va_start(ap, arg);
        for (const char *a = arg; a; a = va_arg(ap, const char *)) {
                if (n >= sizeof(argv) / sizeof(argv[0]) - 1) {
                        va_end(ap);
                        return -E2BIG;
                }
                argv[n++] = a;
        }
        va_end(ap);
        argv[n] = NULL;

        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                const char *path = ip_path();

                if (path[0] == '/')
                        execv(path, (char *const *) argv);
                else
                        execvp(path, (char *const *) argv);
                _exit(127);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}


/* Runs "ip -n <ns> ARGS..." and asserts success. */
#define IP_NS(f, ...) assert_int_equal(run_ip("-n", (f)->name, __VA_ARGS__, NULL), 0)

/* An interface named name (index: "" for any) that is up, with its peer "<name>p" up too.
 * A veth pair with both ends inside the namespace rather than a dummy link: veth is built into
 * every kernel that runs containers, dummy is often a module (and absent on this VM). */
static void add_link(struct ns_fixture *f, const char *name, const char *index)
{
        char peer[32];

        snprintf(peer, sizeof(peer), "%sp", name);
        if (index[0])
                IP_NS(f, "link", "add", name, "index", index, "type", "veth", "peer", "name", peer);
        else
                IP_NS(f, "link", "add", name, "type", "veth", "peer", "name", peer);
        IP_NS(f, "link", "set", peer, "up");
        IP_NS(f, "link", "set", name, "up");
}

static int setup_ns(void **state)
{
        static unsigned counter;
        struct ns_fixture *f = calloc(1, sizeof(*f));

        if (!f)
                return -1;
        *state = f;
        f->root = geteuid() == 0;
        if (!f->root)
                return 0;

        snprintf(f->name, sizeof(f->name), "ocilink-ut-%d-%u", (int) getpid(), counter++);
        if (run_ip("netns", "add", f->name, NULL) != 0) {
                fprintf(stderr, "ip netns add %s failed\n", f->name);
                return -1;
        }
        f->created = true;
        if (run_ip("-n", f->name, "link", "set", "lo", "up", NULL) != 0) {
                /* cmocka runs no teardown after a failed setup: clean up here. */
                (void) run_ip("netns", "del", f->name, NULL);
                f->created = false;
                return -1;
        }
        return 0;
}

static int teardown_ns(void **state)
{
        struct ns_fixture *f = *state;
        int r = 0;

        if (!f)
                return 0;
        if (f->child > 0) {
                (void) kill(f->child, SIGKILL);
                (void) waitpid(f->child, NULL, 0);
                f->child = 0;
        }
        if (f->created && run_ip("netns", "del", f->name, NULL) != 0) {
                fprintf(stderr, "ip netns del %s failed\n", f->name);
                r = -1;
        }
        free(f);
        *state = NULL;
        return r;
}

static int join_ns(const char *name)
{
        char path[128];
        int fd, r;

        snprintf(path, sizeof(path), "/run/netns/%s", name);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        r = setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
        close(fd);
        return r;
}

/* Parks a child in the namespace (setns, then pause) and returns once it is in there. */
static void spawn_in_ns(struct ns_fixture *f)
{
        int p[2];
        int r = 0;

        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        f->child = fork();
        assert_true(f->child >= 0);
        if (f->child == 0) {
                close(p[0]);
                (void) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
                r = join_ns(f->name);
                if (write(p[1], &r, sizeof(r)) != (ssize_t) sizeof(r) || r < 0)
                        _exit(1);
                for (;;)
                        pause();
        }
        close(p[1]);
        assert_int_equal(read(p[0], &r, sizeof(r)), (ssize_t) sizeof(r));
        close(p[0]);
        assert_int_equal(r, 0);
}

static void netns_id(char *buf, size_t size)
{
        ssize_t n = readlink("/proc/thread-self/ns/net", buf, size - 1);

        assert_true(n > 0);
        buf[n] = '\0';
}

static unsigned count_fds(void)
{
        DIR *d = opendir("/proc/self/fd");
        unsigned n = 0;

        assert_non_null(d);
        while (readdir(d))
                n++;
        closedir(d);
        return n;
}

/* netaddr_discover(pid) that also checks we came back to our namespace and leaked no fd. */
static int discover(pid_t pid, struct addr_list *l)
{
        char before[64], after[64];
        unsigned fds;
        int r;

        netns_id(before, sizeof(before));
        fds = count_fds();
        r = netaddr_discover(pid, l);
        netns_id(after, sizeof(after));
        assert_string_equal(before, after);
        assert_int_equal(count_fds(), fds);
        return r;
}

/* Whether s is one of rows [from, to) of a v4 or v6 text array. */
static bool in_rows(const char *rows, size_t stride, size_t from, size_t to, const char *s)
{
        for (size_t i = from; i < to; i++)
                if (strcmp(rows + i * stride, s) == 0)
                        return true;
        return false;
}

#define in_list(arr, from, to, s) in_rows(&(arr)[0][0], sizeof((arr)[0]), (from), (to), (s))

static void print_list(const struct addr_list *l)
{
        for (size_t i = 0; i < l->n4; i++)
                fprintf(stderr, "# v4[%zu] %s\n", i, l->v4[i]);
        for (size_t i = 0; i < l->n6; i++)
                fprintf(stderr, "# v6[%zu] %s\n", i, l->v6[i]);
}

static void test_discover_basic(void **state)
{
        struct ns_fixture *f = *state;
        struct addr_list l;

        if (!f->root)
                skip();

        add_link(f, "d0", "");
        IP_NS(f, "addr", "add", "10.77.0.5/24", "dev", "d0");
        IP_NS(f, "addr", "add", "10.77.0.6/24", "dev", "d0");
        IP_NS(f, "addr", "add", "fd00:77::5/64", "dev", "d0", "nodad");
        spawn_in_ns(f);

        memset(&l, 0xaa, sizeof(l));
        assert_int_equal(discover(f->child, &l), 0);
        print_list(&l);
        assert_int_equal(l.n4, 2);
        assert_string_equal(l.v4[0], "10.77.0.5");
        assert_string_equal(l.v4[1], "10.77.0.6");
        assert_int_equal(l.n6, 1);
        assert_string_equal(l.v6[0], "fd00:77::5");
}

static void test_discover_filters(void **state)
{
        struct ns_fixture *f = *state;
        struct addr_list l;

        if (!f->root)
                skip();

        /* Global-scope addresses on lo: skipped because lo is a loopback interface. */
        IP_NS(f, "addr", "add", "10.99.0.1/32", "dev", "lo");
        IP_NS(f, "addr", "add", "fd00:99::1/128", "dev", "lo");

        /* d1 has the lower index although created second: it comes first. */
        add_link(f, "d0", "50");
        add_link(f, "d1", "20");

        IP_NS(f, "addr", "add", "10.77.1.5/24", "dev", "d1");
        IP_NS(f, "addr", "add", "10.77.9.9/32", "dev", "d1");
        IP_NS(f, "addr", "add", "fd00:78::1", "peer", "fd00:78::2", "dev", "d1", "nodad");

        IP_NS(f, "addr", "add", "10.77.0.5/24", "dev", "d0");
        IP_NS(f, "addr", "add", "10.77.9.9/32", "dev", "d0"); /* same as on d1: listed once */
        IP_NS(f, "addr", "add", "10.77.2.1", "peer", "10.77.2.2", "dev", "d0");
        IP_NS(f, "addr", "add", "10.88.0.1/32", "dev", "d0", "scope", "host");
        IP_NS(f, "addr", "add", "fe80::77/64", "dev", "d0", "nodad");
        IP_NS(f, "addr", "add", "fd00:77::5/64", "dev", "d0", "nodad");
        IP_NS(f, "addr", "add", "2001:db8::5/64", "dev", "d0", "nodad");
        spawn_in_ns(f);

        assert_int_equal(discover(f->child, &l), 0);
        print_list(&l);

        /* d1 (index 20) first, then d0 (index 50); inside one interface, the kernel's order. */
        assert_int_equal(l.n4, 4);
        assert_true(in_list(l.v4, 0, 2, "10.77.1.5"));
        assert_true(in_list(l.v4, 0, 2, "10.77.9.9"));
        assert_true(in_list(l.v4, 2, 4, "10.77.0.5"));
        assert_true(in_list(l.v4, 2, 4, "10.77.2.1")); /* IFA_LOCAL, not the peer */

        assert_int_equal(l.n6, 3);
        assert_string_equal(l.v6[0], "fd00:78::1");
        assert_true(in_list(l.v6, 1, 3, "fd00:77::5"));
        assert_true(in_list(l.v6, 1, 3, "2001:db8::5"));
}

static void test_discover_lo_only(void **state)
{
        struct ns_fixture *f = *state;
        struct addr_list l;

        if (!f->root)
                skip();

        /* lo is up (setup): 127.0.0.1 and ::1 are there, and nothing else. */
        spawn_in_ns(f);
        memset(&l, 0xaa, sizeof(l));
        assert_int_equal(discover(f->child, &l), 0);
        print_list(&l);
        assert_int_equal(l.n4, 0);
        assert_int_equal(l.n6, 0);
}

static void test_discover_cap(void **state)
{
        struct ns_fixture *f = *state;
        struct addr_list l;
        char a[64];

        if (!f->root)
                skip();

        add_link(f, "d0", "");
        for (unsigned i = 1; i <= OCILINK_MAX_ADDRS + 4; i++) {
                snprintf(a, sizeof(a), "10.77.3.%u/32", i);
                IP_NS(f, "addr", "add", a, "dev", "d0");
                snprintf(a, sizeof(a), "fd00:79::%x/128", i);
                IP_NS(f, "addr", "add", a, "dev", "d0", "nodad");
        }
        spawn_in_ns(f);

        /* More than the cap: the first OCILINK_MAX_ADDRS per family, no error. */
        assert_int_equal(discover(f->child, &l), 0);
        assert_int_equal(l.n4, OCILINK_MAX_ADDRS);
        assert_int_equal(l.n6, OCILINK_MAX_ADDRS);
        for (size_t i = 0; i < l.n4; i++) {
                assert_int_equal(strncmp(l.v4[i], "10.77.3.", 8), 0);
                assert_false(in_list(l.v4, 0, i, l.v4[i]));
        }
        for (size_t i = 0; i < l.n6; i++) {
                assert_int_equal(strncmp(l.v6[i], "fd00:79::", 9), 0);
                assert_false(in_list(l.v6, 0, i, l.v6[i]));
        }
}

/* pid 0 (the caller's own namespace) and our own pid (same namespace, no setns), run by a
 * child that joined the test namespace; it sends both results back over a pipe. */
struct own_result {
        int r0, rself;
        struct addr_list l0, lself;
};

static void test_discover_own_namespace(void **state)
{
        struct ns_fixture *f = *state;
        struct own_result res;
        int p[2], status;
        pid_t pid;
        size_t got = 0;

        if (!f->root)
                skip();

        add_link(f, "d0", "");
        IP_NS(f, "addr", "add", "10.77.0.5/24", "dev", "d0");
        IP_NS(f, "addr", "add", "fd00:77::5/64", "dev", "d0", "nodad");

        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                struct own_result out;

                close(p[0]);
                (void) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
                memset(&out, 0, sizeof(out));
                if (join_ns(f->name) < 0)
                        _exit(2);
                out.r0 = netaddr_discover(0, &out.l0);
                out.rself = netaddr_discover(getpid(), &out.lself);
                _exit(write(p[1], &out, sizeof(out)) == (ssize_t) sizeof(out) ? 0 : 3);
        }
        f->child = pid; /* teardown kills it if an assertion below fails */
        close(p[1]);
        while (got < sizeof(res)) {
                ssize_t n = read(p[0], (char *) &res + got, sizeof(res) - got);

                if (n <= 0)
                        break;
                got += (size_t) n;
        }
        close(p[0]);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        f->child = 0;
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        assert_int_equal(got, sizeof(res));

        assert_int_equal(res.r0, 0);
        assert_int_equal(res.l0.n4, 1);
        assert_string_equal(res.l0.v4[0], "10.77.0.5");
        assert_int_equal(res.l0.n6, 1);
        assert_string_equal(res.l0.v6[0], "fd00:77::5");

        assert_int_equal(res.rself, 0);
        assert_int_equal(res.lself.n4, 1);
        assert_string_equal(res.lself.v4[0], "10.77.0.5");
        assert_int_equal(res.lself.n6, 1);
        assert_string_equal(res.lself.v6[0], "fd00:77::5");
}

static void test_discover_no_such_pid(void **state)
{
        struct addr_list l;
        siginfo_t si;
        pid_t pid;

        (void) state;
        memset(&l, 0xaa, sizeof(l));
        assert_int_equal(netaddr_discover(INT_MAX, &l), -ESRCH);
        assert_int_equal(netaddr_discover(-1, &l), -ESRCH);

        /* A zombie has no namespaces left; a reaped child has no /proc entry. */
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
                _exit(0);
        memset(&si, 0, sizeof(si));
        assert_int_equal(waitid(P_PID, (id_t) pid, &si, WEXITED | WNOWAIT), 0);
        assert_int_equal(netaddr_discover(pid, &l), -ESRCH);
        assert_int_equal(waitpid(pid, NULL, 0), pid);
        assert_int_equal(netaddr_discover(pid, &l), -ESRCH);

        /* Nothing written on failure. */
        assert_int_equal(l.n4, (size_t) 0xaaaaaaaaaaaaaaaaull);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_v4),
                cmocka_unit_test(test_parse_v6),
                cmocka_unit_test(test_parse_mapped),
                cmocka_unit_test(test_parse_refusals),
                cmocka_unit_test(test_list_add),
                cmocka_unit_test(test_global_v6),
                cmocka_unit_test_setup_teardown(test_discover_basic, setup_ns, teardown_ns),
                cmocka_unit_test_setup_teardown(test_discover_filters, setup_ns, teardown_ns),
                cmocka_unit_test_setup_teardown(test_discover_lo_only, setup_ns, teardown_ns),
                cmocka_unit_test_setup_teardown(test_discover_cap, setup_ns, teardown_ns),
                cmocka_unit_test_setup_teardown(test_discover_own_namespace, setup_ns, teardown_ns),
                cmocka_unit_test(test_discover_no_such_pid),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "hook/procinfo.h"

/* A child that waits (blocked on a pipe) until the parent lets it go; used so the parent can
 * read its start time before it exits. */
struct child {
        pid_t pid; /* 0 once reaped */
        int go;    /* write end: closing it lets the child exit */
};

/* The child of the running test, so teardown can clean up after a failed assertion. */
static struct child g_child = { .pid = 0, .go = -1 };

static int teardown_child(void **state)
{
        (void) state;
        if (g_child.go >= 0) {
                close(g_child.go);
                g_child.go = -1;
        }
        if (g_child.pid > 0) {
                (void) kill(g_child.pid, SIGKILL);
                (void) waitpid(g_child.pid, NULL, 0);
                g_child.pid = 0;
        }
        return 0;
}

static void child_start(struct child *c, const char *comm)
{
        int ready[2], go[2];
        char b;

        assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
        assert_int_equal(pipe2(go, O_CLOEXEC), 0);

        c->pid = fork();
        assert_true(c->pid >= 0);
        if (c->pid == 0) {
                close(ready[0]);
                close(go[1]);
                if (comm)
                        (void) prctl(PR_SET_NAME, (unsigned long) comm, 0, 0, 0);
                (void) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
                if (write(ready[1], "r", 1) != 1)
                        _exit(1);
                /* EOF when the parent closes its end. */
                while (read(go[0], &b, 1) > 0)
                        ;
                _exit(0);
        }
        close(ready[1]);
        close(go[0]);
        assert_int_equal(read(ready[0], &b, 1), 1);
        close(ready[0]);
        c->go = go[1];
        g_child = *c;
}

/* Lets the child exit and waits until it is a zombie, without reaping it. */
static void child_exit_unreaped(struct child *c)
{
        siginfo_t si;

        close(c->go);
        c->go = -1;
        g_child.go = -1;
        memset(&si, 0, sizeof(si));
        assert_int_equal(waitid(P_PID, (id_t) c->pid, &si, WEXITED | WNOWAIT), 0);
        assert_int_equal(si.si_pid, c->pid);
}

static void child_reap(struct child *c)
{
        int status;

        assert_int_equal(waitpid(c->pid, &status, 0), c->pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        c->pid = 0;
        g_child.pid = 0;
}

static void test_self(void **state)
{
        unsigned long long a = 0, b = 0;
        pid_t ppid = 0;

        (void) state;
        assert_int_equal(proc_start_time(getpid(), &a), 0);
        assert_true(a > 0);
        assert_int_equal(proc_start_time(getpid(), &b), 0);
        assert_true(a == b);

        assert_int_equal(proc_parent_pid(getpid(), &ppid), 0);
        assert_int_equal(ppid, getppid());

        assert_true(proc_is_alive(getpid(), a));
}

static void test_wrong_start_time(void **state)
{
        unsigned long long start = 0;

        (void) state;
        assert_int_equal(proc_start_time(getpid(), &start), 0);
        assert_false(proc_is_alive(getpid(), start + 1));
        if (start > 0)
                assert_false(proc_is_alive(getpid(), start - 1));
}

static void test_bad_pids(void **state)
{
        unsigned long long start = 12345;
        pid_t ppid = 12345;

        (void) state;
        assert_false(proc_is_alive(0, 0));
        assert_false(proc_is_alive(-1, 0));
        assert_false(proc_is_alive(INT_MIN, 0));

        assert_int_equal(proc_start_time(0, &start), -ESRCH);
        assert_int_equal(proc_start_time(-1, &start), -ESRCH);
        assert_int_equal(proc_parent_pid(0, &ppid), -ESRCH);
        assert_int_equal(proc_parent_pid(-5, &ppid), -ESRCH);
        /* Above any pid_max (at most 2^22). */
        assert_int_equal(proc_start_time(INT_MAX, &start), -ESRCH);
        assert_int_equal(proc_parent_pid(INT_MAX, &ppid), -ESRCH);
        assert_false(proc_is_alive(INT_MAX, 0));

        /* Out parameters are written only on success. */
        assert_true(start == 12345);
        assert_int_equal(ppid, 12345);
}

static void test_child_reaped(void **state)
{
        struct child c;
        unsigned long long start = 0, again = 0, self_start = 0;
        pid_t ppid = 0;

        (void) state;
        child_start(&c, NULL);

        assert_int_equal(proc_start_time(c.pid, &start), 0);
        assert_int_equal(proc_start_time(getpid(), &self_start), 0);
        assert_true(start >= self_start);
        assert_int_equal(proc_parent_pid(c.pid, &ppid), 0);
        assert_int_equal(ppid, getpid());
        assert_true(proc_is_alive(c.pid, start));

        child_exit_unreaped(&c);
        {
                pid_t pid = c.pid;

                child_reap(&c);
                assert_false(proc_is_alive(pid, start));
                assert_int_equal(proc_start_time(pid, &again), -ESRCH);
                assert_int_equal(proc_parent_pid(pid, &ppid), -ESRCH);
                assert_true(again == 0);
        }
}

static void test_zombie(void **state)
{
        struct child c;
        unsigned long long start = 0, zstart = 0;

        (void) state;
        child_start(&c, NULL);
        assert_int_equal(proc_start_time(c.pid, &start), 0);
        assert_true(proc_is_alive(c.pid, start));

        child_exit_unreaped(&c);
        /* The stat file is still there with the same start time: only the state says "dead". */
        assert_int_equal(proc_start_time(c.pid, &zstart), 0);
        assert_true(zstart == start);
        assert_false(proc_is_alive(c.pid, start));

        {
                pid_t pid = c.pid;

                child_reap(&c);
                assert_false(proc_is_alive(pid, start));
                assert_int_equal(proc_start_time(pid, &zstart), -ESRCH);
        }
}

static void test_hostile_comm(void **state)
{
        /* comm holds spaces and ')' and '(': only parsing from the last ')' gets field 4. */
        static const char *const names[] = { "a) S 1 2 (b", ") ) )", "x (y) z)", " ", "((((" };

        (void) state;
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                struct child c;
                unsigned long long start = 0;
                pid_t ppid = 0;

                child_start(&c, names[i]);
                assert_int_equal(proc_parent_pid(c.pid, &ppid), 0);
                assert_int_equal(ppid, getpid());
                assert_int_equal(proc_start_time(c.pid, &start), 0);
                assert_true(proc_is_alive(c.pid, start));
                child_exit_unreaped(&c);
                child_reap(&c);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_self),
                cmocka_unit_test(test_wrong_start_time),
                cmocka_unit_test(test_bad_pids),
                cmocka_unit_test_teardown(test_child_reaped, teardown_child),
                cmocka_unit_test_teardown(test_zombie, teardown_child),
                cmocka_unit_test_teardown(test_hostile_comm, teardown_child),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The seccomp sandbox stops what the hook never needs (execve, inet sockets, executable memory,
 * other namespaces) and lets the hook's own work through. Each case runs in a child. */
#include "tests/unit/helpers.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hook/sandbox.h"

enum probe {
        PROBE_NOTHING,
        PROBE_EXECVE,
        PROBE_SOCKET_INET,
        PROBE_SOCKET_NETLINK,
        PROBE_SOCKET_UNIX,
        PROBE_MMAP_EXEC,
        PROBE_SETNS_MNT,
        PROBE_FILES,
        PROBE_MPROTECT_EXEC,
        PROBE_SETNS_NET,
        PROBE_IOCTL,
        PROBE_X32,
        PROBE_FORK,
};

/* Returns the child's wait status. */
static int run_probe(enum probe p)
{
        pid_t pid = fork();
        int status;

        assert_true(pid >= 0);
        if (pid == 0) {
                char *err = NULL;
                if (sandbox_enter(&err) < 0)
                        _exit(90);
                switch (p) {
                case PROBE_EXECVE: {
                        char *argv[] = { "/bin/true", NULL };
                        execve("/bin/true", argv, argv + 1);
                        _exit(91);
                }
                case PROBE_SOCKET_INET:
                        _exit(socket(AF_INET, SOCK_STREAM, 0) >= 0 ? 92 : 93);
                case PROBE_SOCKET_NETLINK:
                        _exit(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0) >= 0 ? 0 : 94);
                case PROBE_SOCKET_UNIX:
                        _exit(socket(AF_UNIX, SOCK_DGRAM, 0) < 0 && errno == EACCES ? 0 : 95);
                case PROBE_MMAP_EXEC:
                        _exit(mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
                                              MAP_FAILED
                                      ? 96
                                      : 97);
                case PROBE_SETNS_MNT: {
                        int fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
                        _exit(setns(fd, CLONE_NEWNS) == 0 ? 98 : 99);
                }
                case PROBE_FILES: {
                        char path[] = "/tmp/ocilink-sandbox-XXXXXX";
                        int fd = mkstemp(path);
                        char buf[4];
                        if (fd < 0 || write(fd, "abc", 3) != 3 || pread(fd, buf, 3, 0) != 3 || fsync(fd) < 0 ||
                            unlink(path) < 0)
                                _exit(100);
                        void *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                        _exit(m == MAP_FAILED ? 101 : 0);
                }
                case PROBE_MPROTECT_EXEC: {
                        void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                        _exit(m == MAP_FAILED ? 102 : mprotect(m, 4096, PROT_READ | PROT_EXEC) == 0 ? 103 : 104);
                }
                case PROBE_SETNS_NET: {
                        /* into our own network namespace: what address discovery does */
                        int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
                        _exit(fd >= 0 && setns(fd, CLONE_NEWNET) == 0 ? 0 : 105);
                }
                case PROBE_IOCTL:
                        _exit(isatty(0) == 0 && errno == ENOTTY ? 0 : 106);
                case PROBE_X32:
                        /* getpid through the x32 ABI: another architecture for the filter */
                        _exit(syscall(39 | 0x40000000) >= 0 ? 107 : 108);
                case PROBE_FORK:
                        _exit(fork() >= 0 ? 109 : 110);
                case PROBE_NOTHING:
                default:
                        _exit(0);
                }
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        return status;
}

static void assert_killed(int status)
{
        if (!WIFSIGNALED(status))
                print_message("# exited %d instead of being killed\n", WEXITSTATUS(status));
        assert_true(WIFSIGNALED(status));
        assert_int_equal(WTERMSIG(status), SIGSYS);
}

static void assert_exit0(int status)
{
        if (!WIFEXITED(status))
                print_message("# killed by signal %d\n", WTERMSIG(status));
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
}

static void enters(void **state)
{
        assert_exit0(run_probe(PROBE_NOTHING));
}

static void execve_killed(void **state)
{
        assert_killed(run_probe(PROBE_EXECVE));
}

static void inet_socket_killed(void **state)
{
        assert_killed(run_probe(PROBE_SOCKET_INET));
}

static void netlink_socket_allowed(void **state)
{
        assert_exit0(run_probe(PROBE_SOCKET_NETLINK));
}

static void unix_socket_refused_softly(void **state)
{
        assert_exit0(run_probe(PROBE_SOCKET_UNIX));
}

static void exec_mapping_killed(void **state)
{
        assert_killed(run_probe(PROBE_MMAP_EXEC));
}

static void mount_namespace_killed(void **state)
{
        assert_killed(run_probe(PROBE_SETNS_MNT));
}

static void file_work_allowed(void **state)
{
        assert_exit0(run_probe(PROBE_FILES));
}

static void exec_protection_killed(void **state)
{
        assert_killed(run_probe(PROBE_MPROTECT_EXEC));
}

static void network_namespace_allowed(void **state)
{
        assert_exit0(run_probe(PROBE_SETNS_NET));
}

static void ioctl_refused_softly(void **state)
{
        assert_exit0(run_probe(PROBE_IOCTL));
}

static void other_abi_killed(void **state)
{
#if defined(__x86_64__)
        assert_killed(run_probe(PROBE_X32));
#else
        skip();
#endif
}

static void fork_killed(void **state)
{
        assert_killed(run_probe(PROBE_FORK));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(enters),
                cmocka_unit_test(execve_killed),
                cmocka_unit_test(inet_socket_killed),
                cmocka_unit_test(netlink_socket_allowed),
                cmocka_unit_test(unix_socket_refused_softly),
                cmocka_unit_test(exec_mapping_killed),
                cmocka_unit_test(mount_namespace_killed),
                cmocka_unit_test(file_work_allowed),
                cmocka_unit_test(exec_protection_killed),
                cmocka_unit_test(network_namespace_allowed),
                cmocka_unit_test(ioctl_refused_softly),
                cmocka_unit_test(other_abi_killed),
                cmocka_unit_test(fork_killed),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

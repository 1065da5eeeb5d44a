#include "hook/sandbox-rules.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "links/macro.h"

/* Syscalls the hook makes after start-up, measured with strace over every command and stage on
 * runc, crun and podman, plus what glibc may use on the same paths (e.g. statx for stat,
 * clock_nanosleep for nanosleep, futex for stdio's locks). */
static const int allowed[] = {
        SCMP_SYS(read),          SCMP_SYS(write),          SCMP_SYS(pread64),       SCMP_SYS(pwrite64),
        SCMP_SYS(readv),         SCMP_SYS(writev),         SCMP_SYS(open),          SCMP_SYS(openat),
        SCMP_SYS(openat2),       SCMP_SYS(close),          SCMP_SYS(fstat),         SCMP_SYS(newfstatat),
        SCMP_SYS(stat),          SCMP_SYS(lstat),          SCMP_SYS(statx),         SCMP_SYS(lseek),
        SCMP_SYS(getdents64),    SCMP_SYS(readlink),       SCMP_SYS(readlinkat),    SCMP_SYS(mkdir),
        SCMP_SYS(mkdirat),       SCMP_SYS(rename),         SCMP_SYS(renameat),      SCMP_SYS(renameat2),
        SCMP_SYS(unlink),        SCMP_SYS(unlinkat),       SCMP_SYS(fchmod),        SCMP_SYS(ftruncate),
        SCMP_SYS(fsync),         SCMP_SYS(fdatasync),      SCMP_SYS(fcntl),         SCMP_SYS(flock),
        SCMP_SYS(umask),         SCMP_SYS(getrandom),      SCMP_SYS(brk),           SCMP_SYS(munmap),
        SCMP_SYS(mremap),        SCMP_SYS(madvise),        SCMP_SYS(getpid),        SCMP_SYS(gettid),
        SCMP_SYS(getuid),        SCMP_SYS(geteuid),        SCMP_SYS(getgid),        SCMP_SYS(getegid),
        SCMP_SYS(sysinfo),       SCMP_SYS(clock_gettime),  SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
        SCMP_SYS(futex),         SCMP_SYS(rt_sigreturn),   SCMP_SYS(rt_sigprocmask), SCMP_SYS(restart_syscall),
        SCMP_SYS(exit),          SCMP_SYS(exit_group),
        /* abort(): die of SIGABRT, not SIGSYS, so a crash reads as one */
        SCMP_SYS(tgkill),        SCMP_SYS(rt_sigaction),
        /* netlink: address discovery; connect/sendto: syslog's socket, opened before entering */
        SCMP_SYS(bind),          SCMP_SYS(connect),        SCMP_SYS(getsockname),   SCMP_SYS(setsockopt),
        SCMP_SYS(sendto),        SCMP_SYS(sendmsg),        SCMP_SYS(recvfrom),      SCMP_SYS(recvmsg),
};

scmp_filter_ctx sandbox_rules_build(void)
{
        scmp_filter_ctx ctx;
        int r = 0;

        ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
        if (!ctx)
                return NULL;
        /* A binary tree of syscall numbers rather than a list: the kernel runs the filter for every
         * syscall number when it loads it (its action cache), and a list made that cost 0.1 ms. */
        r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
        /* a call through another ABI (x32, int 0x80) ends the process too, not only its thread */
        if (r == 0)
                r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
        for (size_t i = 0; i < ELEMENTSOF(allowed) && r == 0; i++)
                r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
        /* Sockets: netlink only (address discovery). syslog() retries an AF_UNIX socket when the log
         * daemon went away: that gets an error, not a kill, so logging fails softly. */
        if (r == 0)
                r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, AF_NETLINK, 0));
        if (r == 0)
                r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, AF_UNIX, 0));
        /* Namespaces: only into a network namespace (and back), never mount, pid or user ones. */
        if (r == 0)
                r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(setns), 1, SCMP_A1(SCMP_CMP_EQ, CLONE_NEWNET, 0));
        /* Memory: never executable, so no code can be mapped in after start-up. */
        if (r == 0)
                r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
                                     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
        if (r == 0)
                r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
                                     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
        /* isatty() on stdio: a harmless refusal */
        if (r == 0)
                r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOTTY), SCMP_SYS(ioctl), 0);
        if (r < 0) {
                seccomp_release(ctx);
                return NULL;
        }
        return ctx;
}

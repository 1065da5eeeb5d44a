#include "hook/sandbox.h"

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "links/macro.h"

int sandbox_enter(char **reterr)
{
        struct sock_fprog prog = {
                .len = sandbox_filter_len,
                .filter = (struct sock_filter *) sandbox_filter,
        };

        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
            syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
                int r = -errno;
                *reterr = xasprintf("cannot enter the seccomp sandbox: %s", strerror(-r));
                return r;
        }
        return 0;
}

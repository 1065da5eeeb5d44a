#include "hook/procinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "links/macro.h"

/* /proc/<pid>/stat is one line of ~52 numeric fields and a comm of at most 64 bytes: a few
 * hundred bytes in practice. Anything longer is not a stat line we understand. */
#define STAT_MAX_BYTES 4096

struct proc_stat {
        char state;                  /* field 3 */
        pid_t ppid;                  /* field 4 */
        unsigned long long start;    /* field 22 */
};

/* Decimal digits only (no sign, no spaces, no base prefix), the whole span, at most max. */
static int parse_decimal(const char *s, size_t len, unsigned long long max, unsigned long long *ret)
{
        unsigned long long v = 0;

        if (len == 0)
                return -EBADMSG;
        for (size_t i = 0; i < len; i++) {
                unsigned d;

                if (s[i] < '0' || s[i] > '9')
                        return -EBADMSG;
                d = (unsigned) (s[i] - '0');
                if (v > (max - d) / 10)
                        return -EBADMSG;
                v = v * 10 + d;
        }
        *ret = v;
        return 0;
}

static int read_stat_line(pid_t pid, char *buf, size_t size, size_t *ret_len)
{
        _cleanup_close_ int fd = -EBADF;
        char path[sizeof("/proc//stat") + 3 * sizeof(pid_t)];
        size_t len = 0;

        if (pid <= 0)
                return -ESRCH;

        snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return errno == ENOENT ? -ESRCH : -errno;

        /* Bounded: read at most size - 1 bytes, keep room for the NUL. */
        while (len < size - 1) {
                ssize_t n = read(fd, buf + len, size - 1 - len);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        /* The process went away between open() and read(). */
                        return -errno;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
                if (buf[len - 1] == '\n')
                        break; /* the whole line: one read, not a second one for the EOF */
        }
        if (len == size - 1)
                return -EBADMSG; /* longer than any real stat line */

        buf[len] = '\0';
        *ret_len = len;
        return 0;
}

static int parse_stat_line(const char *buf, size_t len, struct proc_stat *ret)
{
        struct proc_stat st = { 0 };
        const char *p, *end = buf + len;
        unsigned field;

        /* comm (field 2) is "(...)" and may itself hold spaces and ')': everything after the
         * LAST ')' is well-formed. memrchr, not strrchr, so an embedded NUL cannot hide it. */
        p = memrchr(buf, ')', len);
        if (!p)
                return -EBADMSG;
        p++;

        if (end > p && end[-1] == '\n')
                end--;

        /* Fields 3.. are separated by exactly one space. */
        for (field = 3; p < end; field++) {
                const char *tok, *sp;
                size_t tlen;
                unsigned long long v;
                int r;

                if (*p != ' ')
                        return -EBADMSG;
                tok = p + 1;
                sp = memchr(tok, ' ', (size_t) (end - tok));
                tlen = sp ? (size_t) (sp - tok) : (size_t) (end - tok);
                p = tok + tlen;
                if (tlen == 0)
                        return -EBADMSG;

                switch (field) {
                case 3:
                        if (tlen != 1)
                                return -EBADMSG;
                        st.state = tok[0];
                        break;
                case 4:
                        r = parse_decimal(tok, tlen, INT_MAX, &v);
                        if (r < 0)
                                return r;
                        st.ppid = (pid_t) v;
                        break;
                case 22:
                        r = parse_decimal(tok, tlen, ULLONG_MAX, &v);
                        if (r < 0)
                                return r;
                        st.start = v;
                        /* Nothing we need lies past field 22. */
                        *ret = st;
                        return 0;
                default:
                        break;
                }
        }
        return -EBADMSG;
}

static int proc_stat_read(pid_t pid, struct proc_stat *ret)
{
        char buf[STAT_MAX_BYTES + 1];
        size_t len = 0;
        int r;

        r = read_stat_line(pid, buf, sizeof(buf), &len);
        if (r < 0)
                return r;
        return parse_stat_line(buf, len, ret);
}

int proc_start_time(pid_t pid, unsigned long long *ret)
{
        struct proc_stat st = { 0 };
        int r;

        r = proc_stat_read(pid, &st);
        if (r < 0)
                return r;
        *ret = st.start;
        return 0;
}

int proc_parent_pid(pid_t pid, pid_t *ret)
{
        struct proc_stat st = { 0 };
        int r;

        r = proc_stat_read(pid, &st);
        if (r < 0)
                return r;
        *ret = st.ppid;
        return 0;
}

bool proc_is_alive(pid_t pid, unsigned long long start)
{
        struct proc_stat st = { 0 };

        if (pid <= 0)
                return false;
        if (proc_stat_read(pid, &st) < 0)
                return false;
        /* A zombie (Z) or dead (X; 'x' on kernels before 3.13) task has exited: its pid only
         * waits to be reaped. A different start time means the pid was reused. */
        if (st.state == 'Z' || st.state == 'X' || st.state == 'x')
                return false;
        return st.start == start;
}

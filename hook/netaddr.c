#include "hook/netaddr.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "links/limits.h"
#include "links/macro.h"

/* The kernel never sends a dump datagram larger than 32 KiB (netlink caps its dump
 * allocation there); MSG_TRUNC is still checked. */
#define NL_BUF_BYTES (32u * 1024u)
/* Messages (and datagrams) read per dump: a namespace we do not trust cannot keep us looping. */
#define NL_MAX_MESSAGES 100000u
/* Each recv waits at most this long: a dump that stalls fails instead of hanging the hook. */
#define NL_RCV_TIMEOUT_SEC 1

struct nl_sock {
        int fd;
        uint32_t portid;
        uint32_t seq;
        unsigned budget;
        char *buf;
};

typedef int (*nl_handler_t)(const struct nlmsghdr *h, void *userdata);

struct loopbacks {
        int *index;
        size_t n;
        size_t cap;
};

struct found {
        int ifindex;
        char text[INET6_ADDRSTRLEN];
};

struct collect {
        const struct loopbacks *lo;
        struct found v4[OCILINK_MAX_ADDRS];
        size_t n4;
        struct found v6[OCILINK_MAX_ADDRS];
        size_t n6;
};

static int same_inode(int a, int b, bool *ret)
{
        struct stat sa, sb;

        if (fstat(a, &sa) < 0 || fstat(b, &sb) < 0)
                return -errno;
        *ret = sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
        return 0;
}

/* A NETLINK_ROUTE socket that belongs to the network namespace of pid (0: ours). */
static int route_socket_for(pid_t pid, int *ret_fd)
{
        _cleanup_close_ int target = -EBADF, self = -EBADF, fd = -EBADF;
        int socket_errno = 0;

        if (pid < 0)
                return -ESRCH;

        if (pid > 0) {
                char path[sizeof("/proc//ns/net") + 3 * sizeof(pid_t)];
                bool same = false;
                int r;

                snprintf(path, sizeof(path), "/proc/%d/ns/net", (int) pid);
                target = open(path, O_RDONLY | O_CLOEXEC);
                if (target < 0)
                        /* ENOENT: no such pid, or a zombie that no longer has namespaces. */
                        return errno == ENOENT ? -ESRCH : -errno;

                /* thread-self, not self: setns() moves only the calling thread, so that is
                 * the namespace we must return to. */
                self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
                if (self < 0)
                        return -errno;

                /* Already there (e.g. a host-network container): no setns, no privilege needed. */
                r = same_inode(target, self, &same);
                if (r < 0)
                        return r;
                if (same)
                        close(TAKE_FD(target));
        }

        if (target >= 0 && setns(target, CLONE_NEWNET) < 0)
                return -errno;

        /* A socket stays bound to the namespace it was created in, so this one socket is all we
         * need from the target: go back at once, so that nothing else (no other socket, no
         * error path, no log write) ever runs inside a namespace the container controls. */
        fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0)
                socket_errno = errno;

        if (target >= 0 && setns(self, CLONE_NEWNET) < 0)
                /* Fatal: this thread is stranded in the container's namespace. */
                return -errno;

        if (fd < 0)
                return -socket_errno;

        *ret_fd = TAKE_FD(fd);
        return 0;
}

static int nl_setup(struct nl_sock *s)
{
        struct timeval tv = { .tv_sec = NL_RCV_TIMEOUT_SEC };
        struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
        socklen_t salen = sizeof(sa);

        if (setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
                return -errno;
        /* Bind to learn our port id: replies to our requests carry it in nlmsg_pid. */
        if (bind(s->fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
                return -errno;
        if (getsockname(s->fd, (struct sockaddr *) &sa, &salen) < 0)
                return -errno;
        if (salen < sizeof(sa) || sa.nl_family != AF_NETLINK)
                return -EPROTO;
        s->portid = sa.nl_pid;
        return 0;
}

static int nl_request_dump(struct nl_sock *s, uint16_t type, size_t payload_len)
{
        struct {
                struct nlmsghdr h;
                union {
                        struct ifinfomsg ifi;
                        struct ifaddrmsg ifa;
                } u;
        } req;
        struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
        ssize_t n;

        memset(&req, 0, sizeof(req)); /* family AF_UNSPEC: every family */
        req.h.nlmsg_len = NLMSG_LENGTH(payload_len);
        req.h.nlmsg_type = type;
        req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        req.h.nlmsg_seq = ++s->seq;
        req.h.nlmsg_pid = s->portid;

        do
                n = sendto(s->fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *) &kernel,
                           sizeof(kernel));
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if ((size_t) n != req.h.nlmsg_len)
                return -EIO;
        return 0;
}

/* Sends one dump request and hands each reply message to handler until NLMSG_DONE. */
static int nl_dump(struct nl_sock *s, uint16_t type, size_t payload_len, nl_handler_t handler,
                   void *userdata)
{
        int r;

        r = nl_request_dump(s, type, payload_len);
        if (r < 0)
                return r;

        s->budget = NL_MAX_MESSAGES;
        for (;;) {
                struct sockaddr_nl from = { 0 };
                struct iovec iov = { .iov_base = s->buf, .iov_len = NL_BUF_BYTES };
                struct msghdr mh = {
                        .msg_name = &from,
                        .msg_namelen = sizeof(from),
                        .msg_iov = &iov,
                        .msg_iovlen = 1,
                };
                size_t len, off = 0;
                ssize_t n;

                n = recvmsg(s->fd, &mh, 0);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN || errno == EWOULDBLOCK)
                                return -ETIMEDOUT; /* SO_RCVTIMEO expired */
                        return -errno;
                }
                if (mh.msg_flags & MSG_TRUNC)
                        return -EMSGSIZE;

                /* Every datagram costs, even an empty or foreign one. */
                if (s->budget == 0)
                        return -E2BIG;
                s->budget--;

                if (mh.msg_namelen < sizeof(from) || from.nl_pid != 0)
                        continue; /* not from the kernel */

                len = (size_t) n;
                while (len - off >= sizeof(struct nlmsghdr)) {
                        const struct nlmsghdr *h = (const struct nlmsghdr *) (s->buf + off);
                        size_t step;

                        if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len - off)
                                return -EBADMSG;
                        step = NLMSG_ALIGN(h->nlmsg_len);
                        off = step > len - off ? len : off + step;

                        if (s->budget == 0)
                                return -E2BIG;
                        s->budget--;

                        if (h->nlmsg_seq != s->seq || h->nlmsg_pid != s->portid)
                                continue; /* a stale or foreign reply */

                        /* NLM_F_DUMP_INTR (the table changed during the dump) is not an error
                         * here: the result is a snapshot either way. */
                        switch (h->nlmsg_type) {
                        case NLMSG_DONE: {
                                int err = 0;

                                /* The kernel may append the dump's error code. */
                                if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
                                        memcpy(&err, (const char *) h + NLMSG_HDRLEN, sizeof(err));
                                return err < 0 ? err : 0;
                        }
                        case NLMSG_ERROR: {
                                struct nlmsgerr e;

                                if (h->nlmsg_len < NLMSG_LENGTH(sizeof(e)))
                                        return -EBADMSG;
                                memcpy(&e, (const char *) h + NLMSG_HDRLEN, sizeof(e));
                                if (e.error < 0)
                                        return e.error;
                                return 0; /* an ACK ends the exchange too */
                        }
                        case NLMSG_NOOP:
                        case NLMSG_OVERRUN:
                                break;
                        default:
                                r = handler(h, userdata);
                                if (r < 0)
                                        return r;
                                break;
                        }
                }
        }
}

static int on_link(const struct nlmsghdr *h, void *userdata)
{
        struct loopbacks *lo = userdata;
        struct ifinfomsg ifi;

        if (h->nlmsg_type != RTM_NEWLINK)
                return 0;
        if (h->nlmsg_len < NLMSG_LENGTH(sizeof(ifi)))
                return -EBADMSG;
        memcpy(&ifi, (const char *) h + NLMSG_HDRLEN, sizeof(ifi));

        if (!(ifi.ifi_flags & IFF_LOOPBACK))
                return 0;
        /* Normally just "lo"; the dump's message budget bounds this list. */
        if (lo->n == lo->cap) {
                lo->cap = lo->cap ? lo->cap * 2 : 4;
                lo->index = xrealloc(lo->index, lo->cap * sizeof(*lo->index));
        }
        lo->index[lo->n++] = ifi.ifi_index;
        return 0;
}

static void loopbacks_done(struct loopbacks *lo)
{
        free(lo->index);
}

static bool is_loopback(const struct loopbacks *lo, int ifindex)
{
        for (size_t i = 0; i < lo->n; i++)
                if (lo->index[i] == ifindex)
                        return true;
        return false;
}

/* Keeps v sorted by interface index, stable (dump order within an index), without
 * duplicates, and at most OCILINK_MAX_ADDRS long: the first addresses in that order win. */
static void found_insert(struct found *v, size_t *n, int ifindex, const char *text)
{
        size_t pos, i, moved;

        for (pos = 0; pos < *n && v[pos].ifindex <= ifindex; pos++)
                ;
        for (i = 0; i < *n; i++)
                if (STREQ(v[i].text, text))
                        break;
        if (i < *n) {
                if (i < pos)
                        return; /* already listed at an earlier place */
                /* Listed on a higher index: it moves up to this one. */
                memmove(&v[i], &v[i + 1], (*n - i - 1) * sizeof(*v));
                (*n)--;
        }
        if (pos >= OCILINK_MAX_ADDRS)
                return;

        moved = (*n < OCILINK_MAX_ADDRS ? *n : OCILINK_MAX_ADDRS - 1) - pos;
        memmove(&v[pos + 1], &v[pos], moved * sizeof(*v));
        v[pos].ifindex = ifindex;
        memcpy(v[pos].text, text, sizeof(v[pos].text));
        if (*n < OCILINK_MAX_ADDRS)
                (*n)++;
}

static int on_addr(const struct nlmsghdr *h, void *userdata)
{
        struct collect *c = userdata;
        const size_t attr_off = NLMSG_SPACE(sizeof(struct ifaddrmsg));
        const void *local = NULL, *address = NULL;
        const struct rtattr *rta;
        struct ifaddrmsg ifa;
        union {
                struct in_addr v4;
                struct in6_addr v6;
        } a;
        char text[INET6_ADDRSTRLEN] = { 0 };
        size_t rem, alen;

        if (h->nlmsg_type != RTM_NEWADDR)
                return 0;
        if (h->nlmsg_len < NLMSG_LENGTH(sizeof(ifa)))
                return -EBADMSG;
        memcpy(&ifa, (const char *) h + NLMSG_HDRLEN, sizeof(ifa));

        if (ifa.ifa_family == AF_INET)
                alen = sizeof(a.v4);
        else if (ifa.ifa_family == AF_INET6)
                alen = sizeof(a.v6);
        else
                return 0;
        /* Host (and "nowhere") scope addresses are not reachable from another container. */
        if (ifa.ifa_scope >= RT_SCOPE_HOST)
                return 0;
        if (ifa.ifa_index > INT32_MAX || is_loopback(c->lo, (int) ifa.ifa_index))
                return 0;

        rem = h->nlmsg_len > attr_off ? h->nlmsg_len - attr_off : 0;
        rta = (const struct rtattr *) ((const char *) h + attr_off);
        while (rem >= sizeof(*rta)) {
                size_t step;

                if (rta->rta_len < sizeof(*rta) || rta->rta_len > rem)
                        return -EBADMSG;
                if (rta->rta_len - RTA_LENGTH(0) == alen) {
                        if (rta->rta_type == IFA_LOCAL)
                                local = (const char *) rta + RTA_LENGTH(0);
                        else if (rta->rta_type == IFA_ADDRESS)
                                address = (const char *) rta + RTA_LENGTH(0);
                }
                step = RTA_ALIGN(rta->rta_len);
                if (step >= rem)
                        break;
                rem -= step;
                rta = (const struct rtattr *) ((const char *) rta + step);
        }

        /* On a point-to-point address IFA_ADDRESS is the peer and IFA_LOCAL is ours (the kernel
         * does this for both families); without a peer both hold the local address. */
        if (!local)
                local = address;
        if (!local)
                return 0;
        memcpy(&a, local, alen);

        if (ifa.ifa_family == AF_INET6 && !addr_is_global_v6(&a.v6))
                return 0;
        if (!inet_ntop(ifa.ifa_family, &a, text, sizeof(text)))
                return -errno;

        if (ifa.ifa_family == AF_INET)
                found_insert(c->v4, &c->n4, (int) ifa.ifa_index, text);
        else
                found_insert(c->v6, &c->n6, (int) ifa.ifa_index, text);
        return 0;
}

int netaddr_discover(pid_t pid, struct addr_list *ret)
{
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *buf = NULL;
        _cleanup_(loopbacks_done) struct loopbacks lo = { 0 };
        struct collect c = { 0 };
        struct addr_list list = { 0 };
        struct nl_sock s;
        int r;

        r = route_socket_for(pid, &fd);
        if (r < 0)
                return r;

        buf = xmalloc(NL_BUF_BYTES);
        s = (struct nl_sock) { .fd = fd, .buf = buf };
        r = nl_setup(&s);
        if (r < 0)
                return r;

        /* Which interfaces are loopback: an address on "lo" is never the container's own,
         * whatever its scope. */
        r = nl_dump(&s, RTM_GETLINK, sizeof(struct ifinfomsg), on_link, &lo);
        if (r < 0)
                return r;

        c.lo = &lo;
        r = nl_dump(&s, RTM_GETADDR, sizeof(struct ifaddrmsg), on_addr, &c);
        if (r < 0)
                return r;

        for (size_t i = 0; i < c.n4; i++) {
                r = addr_list_add(&list, AF_INET, c.v4[i].text);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < c.n6; i++) {
                r = addr_list_add(&list, AF_INET6, c.v6[i].text);
                if (r < 0)
                        return r;
        }

        *ret = list;
        return 0;
}

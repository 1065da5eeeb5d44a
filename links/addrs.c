#include "links/addrs.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "links/macro.h"

static bool has_space(const char *s)
{
        for (; *s; s++)
                if (strchr(" \t\n\v\f\r", *s))
                        return true;
        return false;
}

int addr_parse(const char *s, int *ret_family, char ret_text[INET6_ADDRSTRLEN])
{
        struct in6_addr a6;
        struct in_addr a4;
        char text[INET6_ADDRSTRLEN] = { 0 };
        int family;

        /* inet_pton already refuses most of these; the explicit checks keep the contract
         * independent of libc leniency (a zone id is not part of a portable address). */
        if (!s || !*s || strchr(s, '%') || strchr(s, '/') || has_space(s))
                return -EINVAL;

        if (inet_pton(AF_INET, s, &a4) == 1) {
                family = AF_INET;
        } else if (inet_pton(AF_INET6, s, &a6) == 1) {
                if (IN6_IS_ADDR_V4MAPPED(&a6)) {
                        /* ::ffff:a.b.c.d is an IPv4 peer seen through an IPv6 socket. */
                        memcpy(&a4.s_addr, &a6.s6_addr[12], sizeof(a4.s_addr));
                        family = AF_INET;
                } else {
                        family = AF_INET6;
                }
        } else {
                return -EINVAL;
        }

        if (!inet_ntop(family, family == AF_INET ? (const void *) &a4 : (const void *) &a6,
                       text, sizeof(text)))
                return -errno;

        *ret_family = family;
        memcpy(ret_text, text, sizeof(text));
        return 0;
}

int addr_list_add(struct addr_list *l, int family, const char *text)
{
        char canon[INET6_ADDRSTRLEN] = { 0 };
        int parsed_family, r;

        /* Re-parse so only canonical text of the right family lands in the fixed-size
         * slots: an exact-duplicate check is then a real duplicate check. */
        r = addr_parse(text, &parsed_family, canon);
        if (r < 0)
                return r;
        if (parsed_family != family)
                return -EINVAL;

        if (family == AF_INET) {
                for (size_t i = 0; i < l->n4; i++)
                        if (STREQ(l->v4[i], canon))
                                return 0;
                if (l->n4 >= OCILINK_MAX_ADDRS)
                        return -E2BIG;
                /* canon is zero-padded and an IPv4 text fits INET_ADDRSTRLEN: rows are
                 * fully defined, so two lists with the same addresses compare equal. */
                memcpy(l->v4[l->n4++], canon, INET_ADDRSTRLEN);
        } else {
                for (size_t i = 0; i < l->n6; i++)
                        if (STREQ(l->v6[i], canon))
                                return 0;
                if (l->n6 >= OCILINK_MAX_ADDRS)
                        return -E2BIG;
                memcpy(l->v6[l->n6++], canon, INET6_ADDRSTRLEN);
        }
        return 0;
}

bool addr_is_global_v6(const struct in6_addr *a)
{
        /* Unique-local fd00::/8 counts as global, as Docker does: it is what a user-defined
         * IPv6 network usually hands out. */
        if (IN6_IS_ADDR_UNSPECIFIED(a) || IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_LINKLOCAL(a) ||
            IN6_IS_ADDR_MULTICAST(a) || IN6_IS_ADDR_V4MAPPED(a))
                return false;
        return true;
}

#include "links/ports.h"

#include <stdlib.h>
#include <string.h>

#include "links/escape.h"
#include "links/limits.h"
#include "links/macro.h"

const char *proto_name(enum proto p)
{
        switch (p) {
        case PROTO_UDP:
                return "udp";
        case PROTO_SCTP:
                return "sctp";
        case PROTO_TCP:
        default:
                return "tcp";
        }
}

static int parse_num(const char *s, size_t len, uint16_t *ret)
{
        unsigned v = 0;

        if (len == 0 || len > 5)
                return -EINVAL;
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
                v = v * 10 + (unsigned) (s[i] - '0');
        }
        if (v < 1 || v > 65535 || (len > 1 && s[0] == '0'))
                return -EINVAL;
        *ret = (uint16_t) v;
        return 0;
}

/* Which (proto, number) pairs are already in the list: a scan of the list while it is short (the
 * usual few ports), then a bitmap, so repeated ranges in a 4 MiB annotation cannot make the
 * duplicate check quadratic, and a list of two ports does not clear 24 KiB. */
#define SEEN_SCAN_MAX 32

struct seen {
        unsigned char bits[3][65536 / 8];
};

static bool seen_bit(struct seen *s, struct port p)
{
        unsigned char *byte = &s->bits[p.proto][p.num / 8];
        unsigned char bit = (unsigned char) (1u << (p.num % 8));
        bool was = *byte & bit;

        *byte |= bit;
        return was;
}

/* Whether p is in l already; records it in *seen once the list is long. */
static bool seen_test_and_set(struct seen **seen, const struct port_list *l, struct port p)
{
        if (!*seen && l->n < SEEN_SCAN_MAX) {
                for (size_t i = 0; i < l->n; i++)
                        if (l->v[i].num == p.num && l->v[i].proto == p.proto)
                                return true;
                return false;
        }
        if (!*seen) {
                *seen = xcalloc(1, sizeof(struct seen));
                for (size_t i = 0; i < l->n; i++)
                        (void) seen_bit(*seen, l->v[i]);
        }
        return seen_bit(*seen, p);
}

int ports_parse(const struct strv *items, struct port_list *ret, char **reterr)
{
        struct port_list l = { 0 };
        _cleanup_free_ struct seen *seen = NULL;
        size_t cap = 0;

        if (items->n > OCILINK_MAX_PORTS) {
                /* more items than ports may be exposed: refuse before expanding any range */
                *reterr = xasprintf("too many items in io.ocilink.expose: %zu, at most %d ports", items->n,
                                    OCILINK_MAX_PORTS);
                return -EINVAL;
        }
        for (size_t i = 0; i < items->n; i++) {
                const char *item = items->v[i];
                const char *slash = strchr(item, '/');
                size_t numlen = slash ? (size_t) (slash - item) : strlen(item);
                const char *dash = memchr(item, '-', numlen);
                enum proto proto = PROTO_TCP;
                uint16_t lo, hi;

                if (slash) {
                        if (STREQ(slash + 1, "tcp"))
                                proto = PROTO_TCP;
                        else if (STREQ(slash + 1, "udp"))
                                proto = PROTO_UDP;
                        else if (STREQ(slash + 1, "sctp"))
                                proto = PROTO_SCTP;
                        else
                                goto bad;
                }
                if (dash) {
                        if (parse_num(item, (size_t) (dash - item), &lo) < 0 ||
                            parse_num(dash + 1, numlen - (size_t) (dash - item) - 1, &hi) < 0 || hi < lo)
                                goto bad;
                } else {
                        if (parse_num(item, numlen, &lo) < 0)
                                goto bad;
                        hi = lo;
                }
                for (unsigned n = lo; n <= hi; n++) {
                        struct port p = { .num = (uint16_t) n, .proto = proto };
                        if (seen_test_and_set(&seen, &l, p))
                                continue;
                        if (l.n >= OCILINK_MAX_PORTS) {
                                port_list_done(&l);
                                *reterr = xasprintf("too many exposed ports: at most %d", OCILINK_MAX_PORTS);
                                return -EINVAL;
                        }
                        if (l.n == cap) {
                                cap = cap ? cap * 2 : 16;
                                l.v = xrealloc(l.v, cap * sizeof(struct port));
                        }
                        l.v[l.n++] = p;
                }
                continue;
        bad:
                port_list_done(&l);
                _cleanup_free_ char *q = escape_str(item);
                *reterr = xasprintf("bad port `%s` in io.ocilink.expose: use PORT[/PROTO] or START-END[/PROTO], "
                                    "PROTO tcp, udp or sctp, ports 1-65535",
                                    q);
                return -EINVAL;
        }
        *ret = l;
        return 0;
}

void ports_format(const struct port_list *l, struct strv *out)
{
        for (size_t i = 0; i < l->n; i++)
                strv_pushf(out, "%u/%s", l->v[i].num, proto_name(l->v[i].proto));
}

static int cmp_modern(const void *a, const void *b)
{
        const struct port *x = a, *y = b;
        bool xt = x->proto == PROTO_TCP, yt = y->proto == PROTO_TCP;

        if (xt != yt)
                return xt ? -1 : 1;
        if (x->proto != y->proto)
                return strcmp(proto_name(x->proto), proto_name(y->proto));
        return (int) x->num - (int) y->num;
}

static int cmp_legacy(const void *a, const void *b)
{
        const struct port *x = a, *y = b;

        if (x->num != y->num)
                return (int) x->num - (int) y->num;
        /* enum order is tcp, sctp, udp */
        return (int) x->proto - (int) y->proto;
}

void ports_sort_modern(struct port_list *l)
{
        if (l->n > 1)
                qsort(l->v, l->n, sizeof(struct port), cmp_modern);
}

void ports_sort_legacy(struct port_list *l)
{
        if (l->n > 1)
                qsort(l->v, l->n, sizeof(struct port), cmp_legacy);
}

void port_list_done(struct port_list *l)
{
        free(l->v);
        *l = (struct port_list) { 0 };
}

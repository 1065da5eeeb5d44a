/* Input: the io.ocilink.* annotation values of one container plus the environments the variables
 * are built from, as NUL-separated fields (a value can never hold a NUL: JSON refuses \u0000):
 *
 *   name \0 links \0 expose \0 ip \0 env-export \0 flavor \0 source env \0 recipient env \0 injected
 *
 * The three environments hold one entry per line (injected: one key per line, as the hook keeps
 * io.ocilink.injected-env). Every parser runs and is compared with a small reference; when links
 * and ports parse, the variables of the first links are built for both flavors and merged into the
 * recipient's env, and the results are checked: every variable is KEY=VALUE, its key has no control
 * byte and starts with the alias's prefix, the merge keeps the recipient's entries, never adds a
 * key twice, and a rerun with the keys it reported gives the same env. */

#include "tests/fuzz/fuzz.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "links/addrs.h"
#include "links/annotations.h"
#include "links/envmerge.h"
#include "links/limits.h"
#include "links/linkenv.h"
#include "links/names.h"
#include "links/ports.h"
#include "links/strv.h"

enum {
        F_NAME,
        F_LINKS,
        F_EXPOSE,
        F_IP,
        F_ENV_EXPORT,
        F_FLAVOR,
        F_SOURCE_ENV,
        F_RECIPIENT_ENV,
        F_INJECTED,
        F_MAX,
};

/* Variables are built for this many links: each one is checked the same way, more only costs. */
#define BUILD_LINKS_MAX 4

/* ---- small references ---- */

static bool ref_sep(char c)
{
        return c == ';' || c == ',' || c == ' ' || c == '\t';
}

static bool ref_value_ok(const char *v)
{
        for (; *v; v++)
                if (((unsigned char) *v < 0x20 && *v != '\t') || (unsigned char) *v == 0x7f)
                        return false;
        return true;
}

/* The items ann_split must give: maximal runs of non-separator bytes. */
static void ref_split(const char *v, struct strv *out)
{
        const char *p = v;

        while (*p) {
                size_t n;

                while (*p && ref_sep(*p))
                        p++;
                n = 0;
                while (p[n] && !ref_sep(p[n]))
                        n++;
                if (n) {
                        char *s = malloc(n + 1);
                        FUZZ_CHECK(s);
                        memcpy(s, p, n);
                        s[n] = '\0';
                        strv_push(out, s);
                }
                p += n;
        }
}

static bool ref_alnum(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool ref_name(const char *s, size_t len)
{
        if (len == 0 || len > OCILINK_MAX_NAME || !ref_alnum(s[0]))
                return false;
        for (size_t i = 1; i < len; i++)
                if (!ref_alnum(s[i]) && !strchr("_.-", s[i]))
                        return false;
        return true;
}

static bool ref_env_name(const char *s)
{
        if (!*s)
                return false;
        for (; *s; s++)
                if (*s == '=' || (unsigned char) *s <= 0x20 || (unsigned char) *s >= 0x7f)
                        return false;
        return true;
}

static bool has_control(const char *s, size_t len)
{
        for (size_t i = 0; i < len; i++)
                if ((unsigned char) s[i] < 0x20 || (unsigned char) s[i] == 0x7f)
                        return true;
        return false;
}

static size_t key_len(const char *entry)
{
        const char *eq = strchr(entry, '=');
        return eq ? (size_t) (eq - entry) : strlen(entry);
}

static bool same_key(const char *a, const char *b)
{
        size_t la = key_len(a), lb = key_len(b);
        return la == lb && memcmp(a, b, la) == 0;
}

/* Entries sorted by key (then position): the lists here reach tens of thousands of variables (1024
 * ports, several links, two flavors), too many for pairwise checks. */
struct kent {
        const char *s;
        size_t kl;
        size_t idx;
};

struct kindex {
        struct kent *v;
        size_t n;
};

static int kent_cmp_key(const struct kent *a, const char *s, size_t kl)
{
        size_t m = a->kl < kl ? a->kl : kl;
        int r = memcmp(a->s, s, m);

        if (r)
                return r;
        return (a->kl > kl) - (a->kl < kl);
}

static int kent_cmp(const void *x, const void *y)
{
        const struct kent *a = x, *b = y;
        int r = kent_cmp_key(a, b->s, b->kl);

        return r ? r : (a->idx > b->idx) - (a->idx < b->idx);
}

static void kindex_build(struct kindex *ki, char *const *v, size_t n)
{
        ki->n = n;
        ki->v = malloc((n ? n : 1) * sizeof(struct kent));
        FUZZ_CHECK(ki->v);
        for (size_t i = 0; i < n; i++)
                ki->v[i] = (struct kent) { .s = v[i], .kl = key_len(v[i]), .idx = i };
        qsort(ki->v, n, sizeof(struct kent), kent_cmp);
}

/* The position of the first entry with entry's key, or SIZE_MAX. */
static size_t kindex_first(const struct kindex *ki, const char *entry)
{
        size_t lo = 0, hi = ki->n, kl = key_len(entry);

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (kent_cmp_key(&ki->v[mid], entry, kl) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        if (lo < ki->n && kent_cmp_key(&ki->v[lo], entry, kl) == 0)
                return ki->v[lo].idx;
        return SIZE_MAX;
}

static bool kindex_unique(const struct kindex *ki)
{
        for (size_t i = 1; i < ki->n; i++)
                if (kent_cmp_key(&ki->v[i - 1], ki->v[i].s, ki->v[i].kl) == 0)
                        return false;
        return true;
}

static void kindex_done(struct kindex *ki)
{
        free(ki->v);
        ki->v = NULL;
        ki->n = 0;
}

static bool keys_unique(char *const *v, size_t n)
{
        struct kindex ki;
        bool r;

        kindex_build(&ki, v, n);
        r = kindex_unique(&ki);
        kindex_done(&ki);
        return r;
}

static void lines_to_strv(const char *s, struct strv *out, bool drop_empty)
{
        while (*s) {
                const char *nl = strchr(s, '\n');
                size_t n = nl ? (size_t) (nl - s) : strlen(s);
                char *e;

                if (n || !drop_empty) {
                        e = malloc(n + 1);
                        FUZZ_CHECK(e);
                        memcpy(e, s, n);
                        e[n] = '\0';
                        strv_push(out, e);
                }
                s += n + (nl ? 1 : 0);
        }
}

static void check_err(int r, char *err)
{
        FUZZ_CHECK(r == -EINVAL);
        fuzz_check_message(err);
        free(err);
}

/* ---- parsers ---- */

static void check_split(const char *key, const char *v)
{
        struct strv got = { 0 }, want = { 0 };
        char *err = NULL;
        int r;

        r = ann_check_value(key, v, &err);
        FUZZ_CHECK((r == 0) == ref_value_ok(v));
        if (r < 0)
                check_err(r, err);

        r = ann_split(key, v, &got, &err);
        FUZZ_CHECK((r == 0) == ref_value_ok(v));
        if (r < 0) {
                check_err(r, err);
                return;
        }
        ref_split(v, &want);
        FUZZ_CHECK(got.n == want.n);
        for (size_t i = 0; i < got.n; i++)
                FUZZ_CHECK(strcmp(got.v[i], want.v[i]) == 0);
        FUZZ_CHECK(!got.v || !got.v[got.n]);
        strv_done(&got);
        strv_done(&want);
}

static char *check_name(const char *v)
{
        char *name = NULL, *err = NULL;
        int r;

        r = ann_parse_name(v, &name, &err);
        FUZZ_CHECK((r == 0) == (ref_value_ok(v) && ref_name(v, strlen(v))));
        FUZZ_CHECK((r == 0) == name_is_valid(v, strlen(v)));
        if (r < 0) {
                check_err(r, err);
                return NULL;
        }
        FUZZ_CHECK(strcmp(name, v) == 0);
        return name;
}

static bool ref_links(const char *v, const char *self, struct link_list *want)
{
        struct strv items = { 0 };
        bool ok = ref_value_ok(v);

        ref_split(v, &items);
        if (items.n > OCILINK_MAX_LINKS)
                ok = false;
        want->v = calloc(items.n ? items.n : 1, sizeof(struct link));
        FUZZ_CHECK(want->v);
        for (size_t i = 0; ok && i < items.n; i++) {
                const char *it = items.v[i], *colon = strchr(it, ':');
                size_t nl = colon ? (size_t) (colon - it) : strlen(it);
                const char *alias = colon ? colon + 1 : it;

                if ((colon && strchr(alias, ':')) || !ref_name(it, nl) || !ref_name(alias, strlen(alias))) {
                        ok = false;
                        break;
                }
                memcpy(want->v[i].name, it, nl);
                strcpy(want->v[i].alias, alias);
                if (self && strcmp(want->v[i].name, self) == 0)
                        ok = false;
                for (size_t j = 0; j < i; j++)
                        if (strcmp(want->v[j].alias, want->v[i].alias) == 0)
                                ok = false;
                want->n++;
        }
        strv_done(&items);
        return ok;
}

static bool check_links(const char *v, const char *self, struct link_list *ret)
{
        struct link_list got = { 0 }, want = { 0 }, anon = { 0 };
        char *err = NULL;
        bool ok;
        int r;

        ok = ref_links(v, self, &want);
        r = ann_parse_links(v, self, &got, &err);
        FUZZ_CHECK((r == 0) == ok);
        if (r < 0) {
                check_err(r, err);
                link_list_done(&want);
                return false;
        }
        FUZZ_CHECK(got.n == want.n && got.n <= OCILINK_MAX_LINKS);
        for (size_t i = 0; i < got.n; i++) {
                FUZZ_CHECK(strcmp(got.v[i].name, want.v[i].name) == 0);
                FUZZ_CHECK(strcmp(got.v[i].alias, want.v[i].alias) == 0);
        }
        /* Without a known self, the same list parses. */
        FUZZ_CHECK(ann_parse_links(v, NULL, &anon, &err) == 0);
        FUZZ_CHECK(anon.n == got.n);
        link_list_done(&anon);
        link_list_done(&want);
        *ret = got;
        return true;
}

/* One address the reference way: inet_pton, IPv4-mapped IPv6 unmapped, inet_ntop. */
static bool ref_addr(const char *s, int *family, char text[INET6_ADDRSTRLEN])
{
        struct in6_addr a6;
        struct in_addr a4;

        if (strpbrk(s, "%/ \t\n\v\f\r"))
                return false;
        if (inet_pton(AF_INET, s, &a4) == 1) {
                *family = AF_INET;
        } else if (inet_pton(AF_INET6, s, &a6) == 1) {
                *family = AF_INET6;
                if (IN6_IS_ADDR_V4MAPPED(&a6)) {
                        memcpy(&a4.s_addr, &a6.s6_addr[12], 4);
                        *family = AF_INET;
                }
        } else {
                return false;
        }
        FUZZ_CHECK(inet_ntop(*family, *family == AF_INET ? (void *) &a4 : (void *) &a6, text, INET6_ADDRSTRLEN));
        return true;
}

static bool in_list(char (*v)[INET6_ADDRSTRLEN], size_t n, const char *s)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(v[i], s) == 0)
                        return true;
        return false;
}

static bool check_ip(const char *v, struct addr_list *ret)
{
        struct strv items = { 0 };
        struct addr_list got = { 0 };
        static char v4[OCILINK_MAX_ADDRS + 1][INET6_ADDRSTRLEN], v6[OCILINK_MAX_ADDRS + 1][INET6_ADDRSTRLEN];
        size_t n4 = 0, n6 = 0;
        bool ok = ref_value_ok(v);
        char *err = NULL;
        int r;

        ref_split(v, &items);
        for (size_t i = 0; ok && i < items.n; i++) {
                char text[INET6_ADDRSTRLEN];
                int family;

                if (!ref_addr(items.v[i], &family, text)) {
                        ok = false;
                } else if (family == AF_INET && !in_list(v4, n4, text)) {
                        if (n4 == OCILINK_MAX_ADDRS)
                                ok = false;
                        else
                                strcpy(v4[n4++], text);
                } else if (family == AF_INET6 && !in_list(v6, n6, text)) {
                        if (n6 == OCILINK_MAX_ADDRS)
                                ok = false;
                        else
                                strcpy(v6[n6++], text);
                }
        }
        strv_done(&items);

        r = ann_parse_ip(v, &got, &err);
        FUZZ_CHECK((r == 0) == ok);
        if (r < 0) {
                check_err(r, err);
                return false;
        }
        FUZZ_CHECK(got.n4 == n4 && got.n6 == n6);
        for (size_t i = 0; i < n4; i++) {
                int family;
                char text[INET6_ADDRSTRLEN];

                FUZZ_CHECK(strcmp(got.v4[i], v4[i]) == 0);
                /* Canonical: it parses back to itself. */
                FUZZ_CHECK(addr_parse(got.v4[i], &family, text) == 0 && family == AF_INET);
                FUZZ_CHECK(strcmp(text, got.v4[i]) == 0);
        }
        for (size_t i = 0; i < n6; i++) {
                int family;
                char text[INET6_ADDRSTRLEN];

                FUZZ_CHECK(strcmp(got.v6[i], v6[i]) == 0);
                FUZZ_CHECK(addr_parse(got.v6[i], &family, text) == 0 && family == AF_INET6);
                FUZZ_CHECK(strcmp(text, got.v6[i]) == 0);
        }
        *ret = got;
        return true;
}

static enum flavor check_flavor(const char *v)
{
        enum flavor f = FLAVOR_DOCKER;
        char *err = NULL;
        int r;

        r = ann_parse_flavor(v, &f, &err);
        FUZZ_CHECK((r == 0) == (strcmp(v, "docker") == 0 || strcmp(v, "docker-legacy") == 0));
        if (r < 0) {
                check_err(r, err);
                return FLAVOR_DOCKER;
        }
        FUZZ_CHECK(strcmp(flavor_name(f), v) == 0);
        return f;
}

static bool check_env_export(const char *v, struct env_export *ret)
{
        struct strv items = { 0 };
        struct env_export got = { 0 };
        enum export_mode mode = EXPORT_LIST;
        bool ok = ref_value_ok(v);
        char *err = NULL;
        int r;

        ref_split(v, &items);
        if (items.n == 1 && strcmp(items.v[0], "all") == 0)
                mode = EXPORT_ALL;
        else if (items.n == 1 && strcmp(items.v[0], "none") == 0)
                mode = EXPORT_NONE;
        else if (items.n == 0 || items.n > OCILINK_MAX_ENV)
                ok = false;
        else
                for (size_t i = 0; i < items.n; i++)
                        if (!ref_env_name(items.v[i]) || strcmp(items.v[i], "all") == 0 ||
                            strcmp(items.v[i], "none") == 0)
                                ok = false;

        r = ann_parse_env_export(v, &got, &err);
        FUZZ_CHECK((r == 0) == ok);
        if (r < 0) {
                check_err(r, err);
                strv_done(&items);
                return false;
        }
        FUZZ_CHECK(got.mode == mode);
        if (mode == EXPORT_LIST) {
                FUZZ_CHECK(got.names.n == items.n);
                for (size_t i = 0; i < items.n; i++)
                        FUZZ_CHECK(strcmp(got.names.v[i], items.v[i]) == 0);
        } else {
                FUZZ_CHECK(got.names.n == 0);
        }
        strv_done(&items);
        *ret = got;
        return true;
}

/* ---- ports ---- */

static bool ref_port_num(const char *s, size_t len, unsigned *ret)
{
        unsigned v = 0;

        if (len == 0 || len > 5 || (len > 1 && s[0] == '0'))
                return false;
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return false;
                v = v * 10 + (unsigned) (s[i] - '0');
        }
        if (v < 1 || v > 65535)
                return false;
        *ret = v;
        return true;
}

/* Whether ports_parse must accept items: at most OCILINK_MAX_PORTS items, every one well-formed, at
 * most OCILINK_MAX_PORTS distinct ports. Counting stops past the cap, so a hostile list costs the
 * reference little. */
static bool ref_ports(const struct strv *items)
{
        static uint8_t seen[3][65536 / 8];
        size_t distinct = 0;
        bool ok = true;

        /* More items than ports is refused before any range is expanded. */
        if (items->n > OCILINK_MAX_PORTS)
                return false;
        memset(seen, 0, sizeof(seen));
        for (size_t i = 0; ok && i < items->n; i++) {
                const char *it = items->v[i], *slash = strchr(it, '/'), *dash;
                size_t nl = slash ? (size_t) (slash - it) : strlen(it);
                unsigned lo, hi;
                int proto = PROTO_TCP;

                if (slash) {
                        if (strcmp(slash + 1, "tcp") == 0)
                                proto = PROTO_TCP;
                        else if (strcmp(slash + 1, "udp") == 0)
                                proto = PROTO_UDP;
                        else if (strcmp(slash + 1, "sctp") == 0)
                                proto = PROTO_SCTP;
                        else
                                return false;
                }
                dash = memchr(it, '-', nl);
                if (dash) {
                        if (!ref_port_num(it, (size_t) (dash - it), &lo) ||
                            !ref_port_num(dash + 1, nl - (size_t) (dash - it) - 1, &hi) || hi < lo)
                                return false;
                } else {
                        if (!ref_port_num(it, nl, &lo))
                                return false;
                        hi = lo;
                }
                for (unsigned n = lo; n <= hi; n++) {
                        if (seen[proto][n / 8] & (1u << (n % 8)))
                                continue;
                        seen[proto][n / 8] |= (uint8_t) (1u << (n % 8));
                        if (++distinct > OCILINK_MAX_PORTS) {
                                /* Too many; later items must still be well-formed for the
                                 * answer to be "refused" either way, so stop here. */
                                ok = false;
                                break;
                        }
                }
        }
        return ok;
}

/* A sorted copy holds the same ports, and each pair is in the flavor's order. */
static void check_sorted(const struct port_list *orig, bool legacy)
{
        static uint8_t in_orig[3][65536 / 8];
        struct port_list s = { 0 };

        memset(in_orig, 0, sizeof(in_orig));
        for (size_t i = 0; i < orig->n; i++)
                in_orig[orig->v[i].proto][orig->v[i].num / 8] |= (uint8_t) (1u << (orig->v[i].num % 8));

        s.n = orig->n;
        s.v = malloc((s.n ? s.n : 1) * sizeof(struct port));
        FUZZ_CHECK(s.v);
        if (s.n)
                memcpy(s.v, orig->v, s.n * sizeof(struct port));
        if (legacy)
                ports_sort_legacy(&s);
        else
                ports_sort_modern(&s);
        for (size_t i = 0; i < s.n; i++) {
                /* With the strict order below, the same n ports, each once. */
                FUZZ_CHECK(in_orig[s.v[i].proto][s.v[i].num / 8] & (1u << (s.v[i].num % 8)));
                if (i == 0)
                        continue;
                struct port a = s.v[i - 1], b = s.v[i];
                if (legacy) {
                        FUZZ_CHECK(a.num < b.num || (a.num == b.num && a.proto < b.proto));
                } else {
                        bool at = a.proto == PROTO_TCP, bt = b.proto == PROTO_TCP;
                        int pc = strcmp(proto_name(a.proto), proto_name(b.proto));
                        FUZZ_CHECK((at && !bt) || (at == bt && (pc < 0 || (pc == 0 && a.num < b.num))));
                }
        }
        port_list_done(&s);
}

static bool check_ports(const char *v, struct port_list *ret)
{
        struct strv items = { 0 }, formatted = { 0 };
        struct port_list got = { 0 }, again = { 0 };
        static uint8_t seen[3][65536 / 8];
        char *err = NULL;
        int r;

        r = ann_split(ANN_EXPOSE, v, &items, &err);
        if (r < 0) {
                check_err(r, err);
                return false;
        }
        r = ports_parse(&items, &got, &err);
        FUZZ_CHECK((r == 0) == ref_ports(&items));
        strv_done(&items);
        if (r < 0) {
                check_err(r, err);
                return false;
        }
        FUZZ_CHECK(got.n <= OCILINK_MAX_PORTS);
        memset(seen, 0, sizeof(seen));
        for (size_t i = 0; i < got.n; i++) {
                struct port p = got.v[i];

                FUZZ_CHECK(p.num >= 1);
                FUZZ_CHECK(p.proto == PROTO_TCP || p.proto == PROTO_UDP || p.proto == PROTO_SCTP);
                /* No port twice. */
                FUZZ_CHECK(!(seen[p.proto][p.num / 8] & (1u << (p.num % 8))));
                seen[p.proto][p.num / 8] |= (uint8_t) (1u << (p.num % 8));
        }
        /* What a registry record stores (ports_format) parses back to the same list. */
        ports_format(&got, &formatted);
        FUZZ_CHECK(formatted.n == got.n);
        FUZZ_CHECK(ports_parse(&formatted, &again, &err) == 0);
        FUZZ_CHECK(again.n == got.n);
        for (size_t i = 0; i < got.n; i++)
                FUZZ_CHECK(again.v[i].num == got.v[i].num && again.v[i].proto == got.v[i].proto);
        port_list_done(&again);
        strv_done(&formatted);
        check_sorted(&got, false);
        check_sorted(&got, true);
        *ret = got;
        return true;
}

/* ---- variables ---- */

static void check_exportable(const struct strv *src_env, const struct strv *injected, const struct env_export *exp,
                             struct strv *out)
{
        static const char *const never[] = { "HOME", "PATH", "HOSTNAME", "TERM", "container" };
        size_t k = 0;

        linkenv_exportable(src_env->v, src_env->n, injected, exp, out);
        if (exp->mode == EXPORT_NONE)
                FUZZ_CHECK(out->n == 0);
        for (size_t i = 0; i < out->n; i++) {
                const char *e = out->v[i];
                size_t kl = key_len(e);

                FUZZ_CHECK(strchr(e, '='));
                FUZZ_CHECK(!has_control(e, kl));
                for (size_t j = 0; j < sizeof(never) / sizeof(never[0]); j++)
                        FUZZ_CHECK(!same_key(e, never[j]));
                for (size_t j = 0; j < injected->n; j++)
                        FUZZ_CHECK(strlen(injected->v[j]) != kl || memcmp(e, injected->v[j], kl) != 0);
                if (exp->mode == EXPORT_LIST) {
                        bool listed = false;
                        for (size_t j = 0; j < exp->names.n && !listed; j++)
                                listed = strlen(exp->names.v[j]) == kl && memcmp(e, exp->names.v[j], kl) == 0;
                        FUZZ_CHECK(listed);
                }
                /* A subsequence of the source's env, in its order. */
                while (k < src_env->n && strcmp(src_env->v[k], e) != 0)
                        k++;
                FUZZ_CHECK(k < src_env->n);
                k++;
        }
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
        size_t sl = strlen(suffix);
        return len >= sl && memcmp(s + len - sl, suffix, sl) == 0;
}

static void check_vars(enum flavor flavor, const char *recipient, const char *alias, const struct link_source *src,
                       const struct strv *vars, size_t first)
{
        char *P = linkenv_prefix(alias);
        size_t pl = strlen(P), n_name = 0;
        bool env_unique = keys_unique(src->env->v, src->env->n);
        char *name_var;

        /* The prefix: the alias upper-cased, '-' made '_'. */
        FUZZ_CHECK(pl == strlen(alias));
        for (size_t i = 0; i < pl; i++) {
                FUZZ_CHECK(!(P[i] >= 'a' && P[i] <= 'z') && P[i] != '-');
                FUZZ_CHECK(P[i] == alias[i] || P[i] == alias[i] - 'a' + 'A' || (alias[i] == '-' && P[i] == '_'));
        }
        if (asprintf(&name_var, "%s_NAME=/%s/%s", P, recipient, alias) < 0)
                abort();

        for (size_t i = first; i < vars->n; i++) {
                const char *v = vars->v[i];
                const char *eq = strchr(v, '=');
                size_t kl;

                FUZZ_CHECK(eq);
                kl = (size_t) (eq - v);
                FUZZ_CHECK(kl > pl + 1);
                FUZZ_CHECK(memcmp(v, P, pl) == 0 && v[pl] == '_');
                FUZZ_CHECK(!has_control(v, kl));
                if (strcmp(v, name_var) == 0)
                        n_name++;
        }
        if (env_unique) {
                struct kindex ki;

                kindex_build(&ki, vars->v + first, vars->n - first);
                for (size_t i = 1; i < ki.n; i++)
                        if (kent_cmp_key(&ki.v[i - 1], ki.v[i].s, ki.v[i].kl) == 0) {
                                /* Only the legacy flavor repeats keys, and only these. */
                                FUZZ_CHECK(flavor == FLAVOR_DOCKER_LEGACY);
                                FUZZ_CHECK(ends_with(ki.v[i].s, ki.v[i].kl, "_ADDR") ||
                                           ends_with(ki.v[i].s, ki.v[i].kl, "_PROTO"));
                        }
                kindex_done(&ki);
        }
        FUZZ_CHECK(n_name == 1);
        if (src->ports && src->ports->n) {
                FUZZ_CHECK(vars->n > first);
                FUZZ_CHECK(strncmp(vars->v[first], P, pl) == 0 && strncmp(vars->v[first] + pl, "_PORT=", 6) == 0);
        }
        free(name_var);
        free(P);
}

static void check_merge(const struct strv *env, const struct strv *injected, const struct strv *vars)
{
        struct strv out = { 0 }, added = { 0 }, out2 = { 0 }, added2 = { 0 };
        struct kindex out_idx, vars_idx;
        size_t kept = 0;

        envmerge(env->v, env->n, injected, vars, &out, &added);

        /* The recipient's entries come first, in order, less the keys injected before. */
        for (size_t i = 0; i < env->n; i++) {
                bool old = false;
                for (size_t j = 0; j < injected->n && !old; j++)
                        old = key_len(env->v[i]) == strlen(injected->v[j]) &&
                              memcmp(env->v[i], injected->v[j], strlen(injected->v[j])) == 0;
                if (old)
                        continue;
                FUZZ_CHECK(kept < out.n && strcmp(out.v[kept], env->v[i]) == 0);
                kept++;
        }
        /* Then the added variables: each a link variable, the first of its key, a key the kept
         * entries do not have, never twice; added lists their keys. */
        FUZZ_CHECK(out.n - kept == added.n);
        kindex_build(&out_idx, out.v, out.n);
        kindex_build(&vars_idx, vars->v, vars->n);
        for (size_t i = kept; i < out.n; i++) {
                const char *e = out.v[i];
                size_t first = kindex_first(&vars_idx, e);

                FUZZ_CHECK(first < vars->n && strcmp(vars->v[first], e) == 0);
                /* Neither a kept entry nor an earlier added one has this key. */
                FUZZ_CHECK(kindex_first(&out_idx, e) == i);
                FUZZ_CHECK(key_len(e) == strlen(added.v[i - kept]) && memcmp(e, added.v[i - kept], key_len(e)) == 0);
        }
        /* Nothing is lost: every link variable's key is now present. */
        for (size_t i = 0; i < vars->n; i++)
                FUZZ_CHECK(kindex_first(&out_idx, vars->v[i]) != SIZE_MAX);
        if (keys_unique(out.v, kept))
                FUZZ_CHECK(kindex_unique(&out_idx));
        kindex_done(&out_idx);
        kindex_done(&vars_idx);

        /* A rerun with the keys reported gives the same env and the same keys. */
        envmerge(out.v, out.n, &added, vars, &out2, &added2);
        FUZZ_CHECK(out2.n == out.n && added2.n == added.n);
        for (size_t i = 0; i < out.n; i++)
                FUZZ_CHECK(strcmp(out.v[i], out2.v[i]) == 0);
        for (size_t i = 0; i < added.n; i++)
                FUZZ_CHECK(strcmp(added.v[i], added2.v[i]) == 0);

        strv_done(&out);
        strv_done(&added);
        strv_done(&out2);
        strv_done(&added2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char *const keys[] = { ANN_NAME, ANN_LINKS, ANN_EXPOSE, ANN_IP, ANN_ENV_EXPORT, ANN_FLAVOR };
        char *f[F_MAX];
        struct strv src_env = { 0 }, rcp_env = { 0 }, injected = { 0 }, exported = { 0 };
        struct link_list links = { 0 };
        struct port_list ports = { 0 };
        struct addr_list ip = { 0 };
        struct env_export exp = { .mode = EXPORT_ALL };
        bool links_ok, ports_ok, ip_ok;
        enum flavor flavor;
        char *name;

        fuzz_fields(data, size, f, F_MAX, NULL);
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
                check_split(keys[i], f[i]);

        name = check_name(f[F_NAME]);
        links_ok = check_links(f[F_LINKS], name, &links);
        ports_ok = check_ports(f[F_EXPOSE], &ports);
        ip_ok = check_ip(f[F_IP], &ip);
        if (!check_env_export(f[F_ENV_EXPORT], &exp))
                exp = (struct env_export) { .mode = EXPORT_ALL };
        flavor = check_flavor(f[F_FLAVOR]);
        (void) flavor;

        lines_to_strv(f[F_SOURCE_ENV], &src_env, false);
        lines_to_strv(f[F_RECIPIENT_ENV], &rcp_env, false);
        lines_to_strv(f[F_INJECTED], &injected, true);
        check_exportable(&src_env, &injected, &exp, &exported);

        if (links_ok && ports_ok) {
                const char *recipient = name ? name : "recipient";
                struct link_source src = {
                        .ipv4 = ip_ok && ip.n4 ? ip.v4[0] : NULL,
                        .ports = &ports,
                        .env = &exported,
                };

                for (int fl = FLAVOR_DOCKER; fl <= FLAVOR_DOCKER_LEGACY; fl++) {
                        struct strv vars = { 0 };

                        for (size_t i = 0; i < links.n && i < BUILD_LINKS_MAX; i++) {
                                size_t first = vars.n;
                                linkenv_build((enum flavor) fl, recipient, links.v[i].alias, &src, &vars);
                                check_vars((enum flavor) fl, recipient, links.v[i].alias, &src, &vars, first);
                        }
                        check_merge(&rcp_env, &injected, &vars);
                        strv_done(&vars);
                }
        }

        strv_done(&exported);
        strv_done(&injected);
        strv_done(&rcp_env);
        strv_done(&src_env);
        env_export_done(&exp);
        port_list_done(&ports);
        link_list_done(&links);
        free(name);
        fuzz_fields_free(f, F_MAX);
        return 0;
}

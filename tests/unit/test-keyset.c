/* The key set (links/keyset.c) and the formatting fast path of xasprintf and strv_pushf. */
#include "tests/unit/helpers.h"

#include "links/keyset.h"
#include "links/macro.h"
#include "links/strv.h"

static void keyset_basics(void **state)
{
        struct keyset ks;

        keyset_init(&ks, 3);
        assert_true(keyset_add(&ks, "PATH"));
        assert_false(keyset_add(&ks, "PATH"));
        assert_true(keyset_addn(&ks, "EX_PORT=tcp://1.2.3.4:80", 7));
        assert_true(keyset_has(&ks, "EX_PORT"));
        assert_true(keyset_hasn(&ks, "EX_PORT_80_TCP", 7));
        assert_false(keyset_hasn(&ks, "EX_PORT_80_TCP", 8));
        assert_false(keyset_has(&ks, "EX_POR"));
        assert_false(keyset_has(&ks, ""));
        assert_true(keyset_add(&ks, ""));
        assert_true(keyset_has(&ks, ""));
        keyset_done(&ks);
}

/* Thousands of keys, in a set made for 4 (it grows): every one is found, and none that was not
 * added. The set borrows its keys, so they live in a strv. */
static void keyset_many(void **state)
{
        struct keyset ks;
        struct strv keys = { 0 };
        char k[32];

        for (int i = 0; i < 5000; i++)
                strv_pushf(&keys, "K%d", i);
        keyset_init(&ks, 4);
        for (size_t i = 0; i < keys.n; i++)
                assert_true(keyset_add(&ks, keys.v[i]));
        for (size_t i = 0; i < keys.n; i++)
                assert_false(keyset_add(&ks, keys.v[i]));
        for (int i = 0; i < 10000; i++) {
                snprintf(k, sizeof k, "K%d", i);
                assert_int_equal(keyset_has(&ks, k), i < 5000);
        }
        keyset_done(&ks);
        strv_done(&keys);
}

static void format_fast_path(void **state)
{
        char buf[256];
#define FMT0 "%s_PORT_%u_%s=%s://%s:%u"
        _cleanup_free_ char *a = xasprintf(FMT0, "EX", 8080u, "TCP", "tcp", "10.0.0.2", 8080u);
        _cleanup_free_ char *b = xasprintf("%d|%d|%d", 0, -2147483647 - 1, 2147483647);
        _cleanup_free_ char *c = xasprintf("%zu%%", (size_t) 18446744073709551615ull);
        _cleanup_free_ char *d = xasprintf("plain");
        _cleanup_free_ char *e = xasprintf("%s=%.3s %llu", "K", "abcdef", 12ull); /* not fast: vasprintf */
        struct strv v = { 0 };
        struct buf out = { 0 };

        snprintf(buf, sizeof buf, FMT0, "EX", 8080u, "TCP", "tcp", "10.0.0.2", 8080u);
        assert_string_equal(a, buf);
        assert_string_equal(a, "EX_PORT_8080_TCP=tcp://10.0.0.2:8080");
        assert_string_equal(b, "0|-2147483648|2147483647");
        assert_string_equal(c, "18446744073709551615%");
        assert_string_equal(d, "plain");
        assert_string_equal(e, "K=abc 12");
        strv_pushf(&v, "%s_NAME=/%s/%s", "EX", "recipient", "ex");
        assert_string_equal(v.v[0], "EX_NAME=/recipient/ex");
        buf_printf(&out, "%u:%s", 0u, "");
        buf_printf(&out, "|%d", -7);
        assert_string_equal(out.data, "0:|-7");
        strv_done(&v);
        buf_done(&out);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(keyset_basics),
                cmocka_unit_test(keyset_many),
                cmocka_unit_test(format_fast_path),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Names, aliases and ids; message escaping. */
#include "tests/unit/helpers.h"

#include "links/escape.h"
#include "links/names.h"

static bool valid(const char *s)
{
        return name_is_valid(s, strlen(s));
}

static void names(void **state)
{
        char long_name[130];

        assert_true(valid("a"));
        assert_true(valid("example"));
        assert_true(valid("my-redis.Main_1"));
        assert_true(valid("0db"));
        assert_false(valid(""));
        assert_false(valid("-db"));
        assert_false(valid("_db"));
        assert_false(valid(".db"));
        assert_false(valid("d b"));
        assert_false(valid("d#b"));
        assert_false(valid("d/b"));
        assert_false(valid("d:b"));
        assert_false(valid("caf\xc3\xa9"));
        assert_false(name_is_valid("a\0b", 3));
        memset(long_name, 'x', 128);
        long_name[128] = '\0';
        assert_true(valid(long_name));
        long_name[128] = 'x';
        long_name[129] = '\0';
        assert_false(valid(long_name));
}

static void ids(void **state)
{
        assert_true(id_is_valid("4f3c2a1b0d9e"));
        assert_true(id_is_valid("my_ctr-1.x+y"));
        assert_false(id_is_valid(""));
        assert_false(id_is_valid("."));
        assert_false(id_is_valid(".."));
        assert_false(id_is_valid("a/b"));
        assert_false(id_is_valid("a b"));
        assert_false(id_is_valid("a\nb"));
        assert_false(id_is_valid(NULL));
}

static void hostnames(void **state)
{
        char big[300];

        assert_true(hostname_is_valid("example-host"));
        assert_true(hostname_is_valid("4f3c2a1b0d9e"));
        assert_true(hostname_is_valid("db.example.com"));
        assert_true(hostname_is_valid("my_host"));
        assert_false(hostname_is_valid(""));
        assert_false(hostname_is_valid(NULL));
        assert_false(hostname_is_valid("-x"));
        assert_false(hostname_is_valid("x y"));
        assert_false(hostname_is_valid("x\n10.0.0.66 db"));
        assert_false(hostname_is_valid("x#y"));
        assert_false(hostname_is_valid("x\ty"));
        memset(big, 'a', 253);
        big[253] = '\0';
        assert_true(hostname_is_valid(big));
        big[253] = 'a';
        big[254] = '\0';
        assert_false(hostname_is_valid(big));
}

static void escaping(void **state)
{
        char big[300];
        char *s;

        s = escape_for_log("a\nb\\c\x01\xff", 7);
        assert_string_equal(s, "a\\x0ab\\\\c\\x01\\xff");
        free(s);
        s = escape_for_log("a\0b", 3);
        assert_string_equal(s, "a\\x00b");
        free(s);
        memset(big, 'q', sizeof big);
        s = escape_for_log(big, sizeof big);
        assert_int_equal(strlen(s), 128 + 3);
        assert_string_equal(s + 128, "...");
        free(s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(names),
                cmocka_unit_test(ids),
                cmocka_unit_test(hostnames),
                cmocka_unit_test(escaping),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

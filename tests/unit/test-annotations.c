/* The io.ocilink.* annotations: list separators, links (E16, E18), ip, flavor, env-export, caps. */
#include "tests/unit/helpers.h"

#include "links/annotations.h"

static void split_any_separator(void **state)
{
        struct strv s = { 0 };
        char *err = NULL;

        assert_int_equal(ann_split("k", " a;b,c d\tE ;; ,\t", &s, &err), 0);
        assert_strv_eq(&s, (const char *const[]) { "a", "b", "c", "d", "E", NULL });
        strv_done(&s);
        assert_int_equal(ann_split("k", "", &s, &err), 0);
        assert_int_equal(s.n, 0);
        strv_done(&s);
}

static void control_characters_refused(void **state)
{
        const char *bad[] = { "a\nb", "a\rb", "a\x01", "a\x7f", "ex:ex\n10.0.0.66 db" };
        struct strv s = { 0 };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char *err = NULL;
                assert_int_equal(ann_split("io.ocilink.links", bad[i], &s, &err), -EINVAL);
                assert_non_null(strstr(err, "control character"));
                /* messages never carry raw input */
                for (const char *p = err; *p; p++)
                        assert_true((unsigned char) *p >= 0x20 && (unsigned char) *p < 0x7f);
                free(err);
        }
}

static void links_parse(void **state)
{
        struct link_list l = { 0 };
        char *err = NULL;

        assert_int_equal(ann_parse_links("example:ex; db, my-redis:cache\tx.y_z", "web", &l, &err), 0);
        assert_int_equal(l.n, 4);
        assert_string_equal(l.v[0].name, "example");
        assert_string_equal(l.v[0].alias, "ex");
        assert_string_equal(l.v[1].name, "db");
        assert_string_equal(l.v[1].alias, "db");
        assert_string_equal(l.v[2].name, "my-redis");
        assert_string_equal(l.v[2].alias, "cache");
        assert_string_equal(l.v[3].alias, "x.y_z");
        link_list_done(&l);
}

static void expect_link_error(const char *value, const char *self, const char *needle)
{
        struct link_list l = { 0 };
        char *err = NULL;

        assert_int_equal(ann_parse_links(value, self, &l, &err), -EINVAL);
        assert_non_null(err);
        if (!strstr(err, needle))
                print_message("# message: %s\n", err);
        assert_non_null(strstr(err, needle));
        free(err);
}

static void links_refused(void **state)
{
        expect_link_error("db:", NULL, "bad alias in link `db:`");        /* E18: empty alias */
        expect_link_error("a:b:c", NULL, "bad link `a:b:c`");            /* E18: bad format */
        expect_link_error("db:x/y", NULL, "bad alias in link `db:x/y`"); /* E16: slash */
        expect_link_error("db:#x", NULL, "bad alias");
        expect_link_error(":x", NULL, "the source name");
        expect_link_error("-db", NULL, "the source name");
        expect_link_error("a:x b:x", NULL, "alias `x` is used twice"); /* E18: Docker ignores, we refuse */
        expect_link_error("web:me", "web", "cannot link to itself");
        expect_link_error("db:.hidden", NULL, "bad alias");
        expect_link_error("db:caf\xc3\xa9", NULL, "bad alias in link `db:caf\\xc3\\xa9`");
}

static void links_caps(void **state)
{
        struct buf b = { 0 };
        struct link_list l = { 0 };
        char name[200];
        char *err = NULL;

        for (int i = 0; i < 256; i++)
                buf_printf(&b, "s%d ", i);
        assert_int_equal(ann_parse_links(b.data, NULL, &l, &err), 0);
        assert_int_equal(l.n, 256);
        link_list_done(&l);
        buf_puts(&b, "s256");
        expect_link_error(b.data, NULL, "257 links");
        buf_done(&b);

        memset(name, 'a', 128);
        name[128] = '\0';
        assert_int_equal(ann_parse_links(name, NULL, &l, &err), 0);
        link_list_done(&l);
        name[128] = 'a';
        name[129] = '\0';
        expect_link_error(name, NULL, "at most 128 bytes");
}

static void name_parse(void **state)
{
        char *n = NULL, *err = NULL;

        assert_int_equal(ann_parse_name("example", &n, &err), 0);
        assert_string_equal(n, "example");
        free(n);
        assert_int_equal(ann_parse_name("bad/name", &n, &err), -EINVAL);
        assert_non_null(strstr(err, "bad name `bad/name`"));
        free(err);
        assert_int_equal(ann_parse_name("", &n, &err), -EINVAL);
        free(err);
}

static void ip_parse(void **state)
{
        struct addr_list a = { 0 };
        char *err = NULL;

        assert_int_equal(ann_parse_ip("10.0.0.2, FD00:DEAD:BEEF:0:0:0:0:2;10.0.0.3", &a, &err), 0);
        assert_int_equal(a.n4, 2);
        assert_string_equal(a.v4[0], "10.0.0.2");
        assert_string_equal(a.v4[1], "10.0.0.3");
        assert_int_equal(a.n6, 1);
        assert_string_equal(a.v6[0], "fd00:dead:beef::2");
        assert_int_equal(ann_parse_ip("10.0.0.300", &a, &err), -EINVAL);
        assert_non_null(strstr(err, "bad address `10.0.0.300`"));
        free(err);
        assert_int_equal(ann_parse_ip("fe80::1%eth0", &a, &err), -EINVAL);
        free(err);
}

static void flavor_and_export(void **state)
{
        enum flavor f;
        struct env_export e = { 0 };
        char *err = NULL;

        assert_int_equal(ann_parse_flavor("docker", &f, &err), 0);
        assert_int_equal(f, FLAVOR_DOCKER);
        assert_int_equal(ann_parse_flavor("docker-legacy", &f, &err), 0);
        assert_int_equal(f, FLAVOR_DOCKER_LEGACY);
        assert_int_equal(ann_parse_flavor("podman", &f, &err), -EINVAL);
        free(err);

        assert_int_equal(ann_parse_env_export("all", &e, &err), 0);
        assert_int_equal(e.mode, EXPORT_ALL);
        assert_int_equal(ann_parse_env_export("none", &e, &err), 0);
        assert_int_equal(e.mode, EXPORT_NONE);
        assert_int_equal(ann_parse_env_export("BOOK;CHAPTER", &e, &err), 0);
        assert_int_equal(e.mode, EXPORT_LIST);
        assert_strv_eq(&e.names, (const char *const[]) { "BOOK", "CHAPTER", NULL });
        env_export_done(&e);
        assert_int_equal(ann_parse_env_export("A=B", &e, &err), -EINVAL);
        free(err);
        assert_int_equal(ann_parse_env_export("", &e, &err), -EINVAL);
        free(err);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(split_any_separator),
                cmocka_unit_test(control_characters_refused),
                cmocka_unit_test(links_parse),
                cmocka_unit_test(links_refused),
                cmocka_unit_test(links_caps),
                cmocka_unit_test(name_parse),
                cmocka_unit_test(ip_parse),
                cmocka_unit_test(flavor_and_export),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

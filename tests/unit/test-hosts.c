/* Hosts lines (E1, E2, E4, E12, E14, E15) and the block that holds them in a hosts file. */
#include "tests/unit/helpers.h"

#include "links/hosts.h"

static char *lines(const char *alias, const char *hostname, const char *name, const char *v4, const char *v6)
{
        struct buf b = { 0 };
        buf_append(&b, "", 0);
        hosts_link_lines(alias, hostname, name, v4, v6, &b);
        return b.data;
}

static void link_lines(void **state)
{
        char *s;

        s = lines("db", "4f3c2a1b0d9e", "db", "172.17.0.2", NULL); /* E1: name left out */
        assert_string_equal(s, "172.17.0.2\tdb 4f3c2a1b0d9e\n");
        free(s);
        s = lines("webdb", "4f3c2a1b0d9e", "db", "172.17.0.2", NULL); /* E2 */
        assert_string_equal(s, "172.17.0.2\twebdb 4f3c2a1b0d9e db\n");
        free(s);
        s = lines("Redis.Main", "cache01", "cache", "172.17.0.3", NULL); /* E4: case kept */
        assert_string_equal(s, "172.17.0.3\tRedis.Main cache01 cache\n");
        free(s);
        s = lines("db", "4f3c2a1b0d9e", "db", "172.17.0.2", "fd00:dead:beef::2"); /* E12 */
        assert_string_equal(s, "172.17.0.2\tdb 4f3c2a1b0d9e\nfd00:dead:beef::2\tdb 4f3c2a1b0d9e\n");
        free(s);
        s = lines("db", "db", "db", "172.17.0.2", NULL); /* E14 */
        assert_string_equal(s, "172.17.0.2\tdb db\n");
        free(s);
        s = lines("x", "db", "db", "172.17.0.2", NULL);
        assert_string_equal(s, "172.17.0.2\tx db db\n");
        free(s);
        s = lines("x", NULL, "db", "172.17.0.2", NULL); /* an unusable hostname is left out */
        assert_string_equal(s, "172.17.0.2\tx db\n");
        free(s);
        s = lines("myapp_db_1", "9f8e7d6c5b4a", "myapp_db_1", "172.17.0.2", NULL); /* E15 */
        assert_string_equal(s, "172.17.0.2\tmyapp_db_1 9f8e7d6c5b4a\n");
        free(s);
}

static char *set_block(const char *content, const char *owner, const char *l, int *ret_r)
{
        struct buf out = { 0 };
        *ret_r = hosts_set_block(content, strlen(content), owner, l, strlen(l), &out);
        return out.data;
}

static void block_append_replace_remove(void **state)
{
        const char *base = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n";
        char *a, *b, *c, *d;
        int r;

        a = set_block(base, "web", "10.0.0.2\tex h example\n", &r);
        assert_int_equal(r, 0);
        assert_string_equal(a, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n"
                               "# ocilink begin web\n10.0.0.2\tex h example\n# ocilink end web\n");
        /* a rerun with a new address replaces, never duplicates */
        b = set_block(a, "web", "10.0.0.9\tex h example\n", &r);
        assert_int_equal(r, 0);
        assert_string_equal(b, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n"
                               "# ocilink begin web\n10.0.0.9\tex h example\n# ocilink end web\n");
        /* the same lines again: the same bytes */
        c = set_block(b, "web", "10.0.0.9\tex h example\n", &r);
        assert_string_equal(c, b);
        /* no links any more: the block goes, everything else stays */
        d = set_block(c, "web", "", &r);
        assert_int_equal(r, 0);
        assert_string_equal(d, base);
        free(a);
        free(b);
        free(c);
        free(d);
}

static void block_keeps_other_bytes(void **state)
{
        /* no final newline, a user line after the block, another recipient's block (a pod's shared
         * file), CRLF and odd spacing elsewhere: all kept byte for byte */
        const char *base = "127.0.0.1 localhost\r\n# ocilink begin other\n10.1.1.1\tx y\n# ocilink end other\n"
                           "# ocilink begin web\n10.0.0.2\tex h example\n# ocilink end web\n10.9.9.9   user-line";
        char *a;
        int r;

        a = set_block(base, "web", "10.0.0.3\tex h example\n", &r);
        assert_int_equal(r, 0);
        assert_string_equal(a, "127.0.0.1 localhost\r\n# ocilink begin other\n10.1.1.1\tx y\n# ocilink end other\n"
                               "# ocilink begin web\n10.0.0.3\tex h example\n# ocilink end web\n10.9.9.9   user-line");
        free(a);
        a = set_block("10.9.9.9 no-newline", "web", "10.0.0.3\tex h\n", &r);
        assert_string_equal(a, "10.9.9.9 no-newline\n# ocilink begin web\n10.0.0.3\tex h\n# ocilink end web\n");
        free(a);
        a = set_block("", "web", "10.0.0.3\tex h\n", &r);
        assert_string_equal(a, "# ocilink begin web\n10.0.0.3\tex h\n# ocilink end web\n");
        free(a);
}

static void block_refuses_broken_markers(void **state)
{
        struct buf out = { 0 };
        const char *bad[] = {
                "# ocilink begin web\n10.0.0.2\tex h\n",                                   /* no end */
                "10.0.0.2\tex h\n# ocilink end web\n",                                     /* no begin */
                "# ocilink begin web\n# ocilink begin web\n# ocilink end web\n",           /* nested */
                "# ocilink begin web\n# ocilink end web\n# ocilink begin web\n# ocilink end web\n", /* two */
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                assert_int_equal(hosts_set_block(bad[i], strlen(bad[i]), "web", "x\n", 2, &out), -EBADMSG);
        /* a NUL byte in the file */
        assert_int_equal(hosts_set_block("a\0b\n", 4, "web", "x\n", 2, &out), -EBADMSG);
        /* markers of a name that merely starts with ours are not ours */
        const char *s = "# ocilink begin web2\n10.0.0.2\tex h\n# ocilink end web2\n";
        assert_int_equal(hosts_set_block(s, strlen(s), "web", "1.2.3.4\tq h\n", 12, &out), 0);
        assert_string_equal(out.data, "# ocilink begin web2\n10.0.0.2\tex h\n# ocilink end web2\n"
                                      "# ocilink begin web\n1.2.3.4\tq h\n# ocilink end web\n");
        buf_done(&out);
}

/* E13, as ocilink does it: only the alias's own lines inside the recipient's block change; a
 * user's db.local line and the dbadmin link stay (Docker's regex rewrote db.local too). */
static void restart_replaces_alias_lines(void **state)
{
        const char *before = "127.0.0.1\tlocalhost\n10.0.0.9\tdb.local\n# ocilink begin web\n"
                             "172.17.0.2\tdb 4f3c2a1b0d9e\n172.17.0.8\tdbadmin 77aa88bb99cc\n"
                             "# ocilink end web\n172.17.0.3\ta1b2c3d4e5f6\n";
        struct buf out = { 0 };
        bool found;

        assert_int_equal(hosts_replace_alias(before, strlen(before), "web", "db", "172.17.0.5\tdb 4f3c2a1b0d9e\n",
                                             strlen("172.17.0.5\tdb 4f3c2a1b0d9e\n"), &out, &found),
                         0);
        assert_true(found);
        assert_string_equal(out.data, "127.0.0.1\tlocalhost\n10.0.0.9\tdb.local\n# ocilink begin web\n"
                                      "172.17.0.5\tdb 4f3c2a1b0d9e\n172.17.0.8\tdbadmin 77aa88bb99cc\n"
                                      "# ocilink end web\n172.17.0.3\ta1b2c3d4e5f6\n");
        buf_done(&out);

        /* dual stack: both old lines go, the new pair takes the first one's place (Docker lost the
         * IPv4 line here) */
        const char *dual = "# ocilink begin web\n172.17.0.2\tdb h\nfd00::2\tdb h\n10.0.0.1\tz h\n# ocilink end web\n";
        const char *nl = "172.17.0.5\tdb h\nfd00::5\tdb h\n";
        assert_int_equal(hosts_replace_alias(dual, strlen(dual), "web", "db", nl, strlen(nl), &out, &found), 0);
        assert_true(found);
        assert_string_equal(out.data,
                            "# ocilink begin web\n172.17.0.5\tdb h\nfd00::5\tdb h\n10.0.0.1\tz h\n# ocilink end web\n");
        buf_done(&out);

        /* no line for the alias: nothing is added (as Docker) */
        assert_int_equal(hosts_replace_alias(dual, strlen(dual), "web", "nope", nl, strlen(nl), &out, &found), 0);
        assert_false(found);
        assert_string_equal(out.data, dual);
        buf_done(&out);
        /* no block at all */
        assert_int_equal(hosts_replace_alias("a b\n", 4, "web", "db", nl, strlen(nl), &out, &found), 0);
        assert_false(found);
        assert_string_equal(out.data, "a b\n");
        buf_done(&out);
}

/* A shrinking rewrite is padded inside the block to the old length: one write, no truncate. */
static void pad_block(void **state)
{
        const char *old = "a b\n# ocilink begin web\n10.0.0.100\tex h example\n# ocilink end web\nz y\n";
        struct buf out = { 0 };
        bool found;

        assert_int_equal(hosts_replace_alias(old, strlen(old), "web", "ex", "10.0.0.2\tex h example\n",
                                             strlen("10.0.0.2\tex h example\n"), &out, &found),
                         0);
        assert_int_equal(out.len, strlen(old) - 2);
        assert_int_equal(hosts_pad_block(&out, "web", 2), 0);
        assert_int_equal(out.len, strlen(old));
        assert_string_equal(out.data, "a b\n# ocilink begin web\n10.0.0.2\tex h example\n#\n# ocilink end web\nz y\n");
        assert_int_equal(hosts_pad_block(&out, "web", 1), 0);
        assert_string_equal(out.data, "a b\n# ocilink begin web\n10.0.0.2\tex h example\n#\n\n# ocilink end web\nz y\n");
        assert_int_equal(hosts_pad_block(&out, "web", 5), 0);
        assert_non_null(strstr(out.data, "\n#   \n# ocilink end web\n"));
        /* the padding is inside the block: the next rewrite replaces it, and the alias still matches */
        struct buf again = { 0 };
        assert_int_equal(hosts_set_block(out.data, out.len, "web", "10.0.0.3\tex h example\n",
                                         strlen("10.0.0.3\tex h example\n"), &again),
                         0);
        assert_string_equal(again.data, "a b\n# ocilink begin web\n10.0.0.3\tex h example\n# ocilink end web\nz y\n");
        buf_done(&again);
        assert_int_equal(hosts_pad_block(&out, "other", 3), -ENOENT);
        /* an alias rewrite drops earlier padding: restarts cannot make the block grow */
        struct buf grown = { 0 };
        bool f2;
        assert_int_equal(hosts_replace_alias(out.data, out.len, "web", "ex", "10.0.0.200\tex h example\n",
                                             strlen("10.0.0.200\tex h example\n"), &grown, &f2),
                         0);
        assert_true(f2);
        assert_string_equal(grown.data, "a b\n# ocilink begin web\n10.0.0.200\tex h example\n# ocilink end web\nz y\n");
        buf_done(&grown);
        buf_done(&out);
}

static void get_block(void **state)
{
        const char *s = "x\n# ocilink begin web\n1.2.3.4\ta b\n# ocilink end web\n";
        struct buf out = { 0 };
        bool found;

        assert_int_equal(hosts_get_block(s, strlen(s), "web", &out, &found), 0);
        assert_true(found);
        assert_string_equal(out.data, "1.2.3.4\ta b\n");
        buf_done(&out);
        assert_int_equal(hosts_get_block(s, strlen(s), "other", &out, &found), 0);
        assert_false(found);
        buf_done(&out);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(link_lines),
                cmocka_unit_test(block_append_replace_remove),
                cmocka_unit_test(block_keeps_other_bytes),
                cmocka_unit_test(block_refuses_broken_markers),
                cmocka_unit_test(restart_replaces_alias_lines),
                cmocka_unit_test(pad_block),
                cmocka_unit_test(get_block),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

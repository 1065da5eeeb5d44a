/* io.ocilink.expose parsing and Docker's two port orders. */
#include "tests/unit/helpers.h"

#include "links/annotations.h"
#include "links/ports.h"

static void parse(const char *value, struct port_list *l, int want)
{
        struct strv items = { 0 };
        char *err = NULL;

        assert_int_equal(ann_split("io.ocilink.expose", value, &items, &err), 0);
        assert_int_equal(ports_parse(&items, l, &err), want);
        if (want < 0) {
                assert_non_null(err);
                free(err);
        }
        strv_done(&items);
}

static void formats(const struct port_list *l, const char *const *want)
{
        struct strv s = { 0 };
        ports_format(l, &s);
        assert_strv_eq(&s, want);
        strv_done(&s);
}

static void parse_items(void **state)
{
        struct port_list l = { 0 };

        parse("8080 80/tcp 53/udp 7000-7002/sctp 80", &l, 0); /* 80 twice: once */
        formats(&l, (const char *const[]) { "8080/tcp", "80/tcp", "53/udp", "7000/sctp", "7001/sctp", "7002/sctp",
                                            NULL });
        port_list_done(&l);
}

/* Duplicates are found both while the list is scanned (short) and once the bitmap takes over. */
static void parse_duplicates_long(void **state)
{
        struct port_list l = { 0 };

        parse("1-40 5 40 1-40/udp 7/udp 1-3 41", &l, 0);
        assert_int_equal(l.n, 81);
        assert_int_equal(l.v[0].num, 1);
        assert_int_equal(l.v[39].num, 40);
        assert_int_equal(l.v[40].num, 1);
        assert_int_equal(l.v[40].proto, PROTO_UDP);
        assert_int_equal(l.v[80].num, 41);
        assert_int_equal(l.v[80].proto, PROTO_TCP);
        port_list_done(&l);
        parse("9 9 9", &l, 0);
        assert_int_equal(l.n, 1);
        port_list_done(&l);
}

static void parse_refusals(void **state)
{
        const char *bad[] = { "0", "65536", "80/icmp", "80/TCP", "x", "-80", "90-80", "1-", "080", "80/", "8o" };
        struct port_list l = { 0 };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                parse(bad[i], &l, -EINVAL);
        parse("1-1024", &l, 0);
        assert_int_equal(l.n, 1024);
        port_list_done(&l);
        parse("1-1025", &l, -EINVAL); /* over OCILINK_MAX_PORTS */
}

static void orders(void **state)
{
        struct port_list l = { 0 };

        parse("6300/udp 6379/tcp 6380/tcp 6381/tcp 6382/udp 5060/sctp", &l, 0);
        ports_sort_modern(&l);
        formats(&l, (const char *const[]) { "6379/tcp", "6380/tcp", "6381/tcp", "5060/sctp", "6300/udp", "6382/udp",
                                            NULL });
        ports_sort_legacy(&l);
        formats(&l, (const char *const[]) { "5060/sctp", "6300/udp", "6379/tcp", "6380/tcp", "6381/tcp", "6382/udp",
                                            NULL });
        port_list_done(&l);
        parse("5060/udp 5060/sctp 5060/tcp", &l, 0);
        ports_sort_legacy(&l);
        formats(&l, (const char *const[]) { "5060/tcp", "5060/sctp", "5060/udp", NULL });
        port_list_done(&l);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(parse_items),
                cmocka_unit_test(parse_duplicates_long),
                cmocka_unit_test(parse_refusals),
                cmocka_unit_test(orders),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

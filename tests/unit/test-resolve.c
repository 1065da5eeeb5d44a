/* explain's view of a plan: what each link brings and what the merge keeps out (link_plan_describe). */
#include "tests/unit/helpers.h"

#include "hook/resolve.h"
#include "links/envmerge.h"

static void add_part(struct link_plan *p, const char *link, const char *source, const char *v4,
                     const char *v6, const char *const *vars, const char *hosts)
{
        for (size_t i = 0; vars[i]; i++)
                strv_push(&p->vars, xstrdup(vars[i]));
        buf_puts(&p->hosts, hosts);
        p->parts = xrealloc(p->parts, (p->n_parts + 1) * sizeof *p->parts);
        p->parts[p->n_parts++] = (struct link_part) {
                .link = xstrdup(link),
                .source = xstrdup(source),
                .id = xasprintf("id-%s", source),
                .ipv4 = xstrdup(v4),
                .ipv6 = v6 ? xstrdup(v6) : NULL,
                .vars_end = p->vars.n,
                .hosts_end = p->hosts.len,
        };
}

/* Two links, merged into a recipient env by envmerge as explain does: a variable the recipient
 * sets itself, one that an earlier link gives first, and one a link gives twice (legacy). */
static void describe_two_links(void **state)
{
        struct link_plan p = { 0 };
        struct strv env = { 0 }, injected = { 0 };
        struct buf out = { 0 };
        char *own[] = { "PATH=/bin", "DB_ENV_USER=mine" };

        buf_append(&p.hosts, "", 0);
        add_part(&p, "db:db", "db", "10.0.0.2", "fd00::2",
                 (const char *const[]) { "DB_PORT=tcp://10.0.0.2:5432", "DB_PORT_5432_TCP_ADDR=10.0.0.2",
                                         "DB_PORT_5432_TCP_ADDR=10.0.0.2", "DB_NAME=/web/db",
                                         "DB_ENV_USER=app", "DB_ENV_NOTE=a\tb", NULL },
                 "10.0.0.2\tdb db-host\nfd00::2\tdb db-host\n");
        add_part(&p, "db-2:db_", "db-2", "10.0.0.3", NULL,
                 (const char *const[]) { "DB__NAME=/web/db_", "DB_NAME=/web/db-", NULL },
                 "10.0.0.3\tdb_ db2 db-2\n");
        envmerge(own, ELEMENTSOF(own), NULL, &p.vars, &env, &injected);
        link_plan_describe(&p, &injected, &out);
        assert_string_equal(out.data,
                            "link db:db (source db, id id-db, 10.0.0.2, fd00::2)\n"
                            "  variables:\n"
                            "    DB_PORT=tcp://10.0.0.2:5432\n"
                            "    DB_PORT_5432_TCP_ADDR=10.0.0.2\n"
                            "    DB_PORT_5432_TCP_ADDR=10.0.0.2  (not injected: this link gives "
                            "DB_PORT_5432_TCP_ADDR twice, the first counts)\n"
                            "    DB_NAME=/web/db\n"
                            "    DB_ENV_USER=app  (not injected: the container sets DB_ENV_USER itself)\n"
                            "    DB_ENV_NOTE=a\\x09b\n"
                            "  hosts lines:\n"
                            "    10.0.0.2\tdb db-host\n"
                            "    fd00::2\tdb db-host\n"
                            "link db-2:db_ (source db-2, id id-db-2, 10.0.0.3)\n"
                            "  variables:\n"
                            "    DB__NAME=/web/db_\n"
                            "    DB_NAME=/web/db-  (not injected: link db:db gives DB_NAME first)\n"
                            "  hosts lines:\n"
                            "    10.0.0.3\tdb_ db2 db-2\n");
        buf_done(&out);
        strv_done(&env);
        strv_done(&injected);
        link_plan_done(&p);
}

static void describe_nothing(void **state)
{
        struct link_plan p = { 0 };
        struct strv injected = { 0 };
        struct buf out = { 0 };

        link_plan_describe(&p, &injected, &out);
        assert_string_equal(out.data, "");
        buf_done(&out);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(describe_two_links),
                cmocka_unit_test(describe_nothing),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

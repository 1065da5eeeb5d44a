/* Merging link variables into a recipient's env (E11, reruns, duplicates). */
#include "tests/unit/helpers.h"

#include "links/envmerge.h"

static void to_strv(const char *const *v, struct strv *out)
{
        for (size_t i = 0; v[i]; i++)
                strv_push(out, xstrdup(v[i]));
}

/* E11: the recipient's own variables win; a bare K keeps the link's K out (Docker's unset). */
static void e11_own_env_wins(void **state)
{
        const char *const env[] = { "PATH=/usr/local/bin:/usr/bin:/bin", "DB_PORT=5432", "DB_NAME", "APP_ENV=prod",
                                    NULL };
        const char *const link[] = { "DB_PORT=tcp://172.17.0.2:5432", "DB_PORT_5432_TCP=tcp://172.17.0.2:5432",
                                     "DB_PORT_5432_TCP_ADDR=172.17.0.2", "DB_PORT_5432_TCP_PORT=5432",
                                     "DB_PORT_5432_TCP_PROTO=tcp", "DB_NAME=/web/db", NULL };
        struct strv e = { 0 }, l = { 0 }, out = { 0 }, inj = { 0 };

        to_strv(env, &e);
        to_strv(link, &l);
        envmerge(e.v, e.n, NULL, &l, &out, &inj);
        assert_strv_eq(&out, (const char *const[]) { "PATH=/usr/local/bin:/usr/bin:/bin", "DB_PORT=5432", "DB_NAME",
                                                     "APP_ENV=prod", "DB_PORT_5432_TCP=tcp://172.17.0.2:5432",
                                                     "DB_PORT_5432_TCP_ADDR=172.17.0.2", "DB_PORT_5432_TCP_PORT=5432",
                                                     "DB_PORT_5432_TCP_PROTO=tcp", NULL });
        assert_strv_eq(&inj, (const char *const[]) { "DB_PORT_5432_TCP", "DB_PORT_5432_TCP_ADDR",
                                                     "DB_PORT_5432_TCP_PORT", "DB_PORT_5432_TCP_PROTO", NULL });
        strv_done(&e);
        strv_done(&l);
        strv_done(&out);
        strv_done(&inj);
}

/* A rerun replaces what was injected before (new address) and drops the variables of links that are
 * gone, without touching the recipient's own; it never duplicates. */
static void rerun_replaces(void **state)
{
        const char *const env1[] = { "PATH=/bin", "EX_PORT=keepme", NULL };
        const char *const link1[] = { "EX_PORT=tcp://10.0.0.2:80", "EX_NAME=/r/ex", "OLD_NAME=/r/old", NULL };
        const char *const link2[] = { "EX_PORT=tcp://10.0.0.9:80", "EX_NAME=/r/ex", NULL };
        struct strv e = { 0 }, l1 = { 0 }, l2 = { 0 }, out1 = { 0 }, inj1 = { 0 }, out2 = { 0 }, inj2 = { 0 },
                    out3 = { 0 }, inj3 = { 0 };

        to_strv(env1, &e);
        to_strv(link1, &l1);
        to_strv(link2, &l2);
        envmerge(e.v, e.n, NULL, &l1, &out1, &inj1);
        assert_strv_eq(&out1, (const char *const[]) { "PATH=/bin", "EX_PORT=keepme", "EX_NAME=/r/ex",
                                                      "OLD_NAME=/r/old", NULL });
        assert_strv_eq(&inj1, (const char *const[]) { "EX_NAME", "OLD_NAME", NULL });
        envmerge(out1.v, out1.n, &inj1, &l2, &out2, &inj2);
        assert_strv_eq(&out2, (const char *const[]) { "PATH=/bin", "EX_PORT=keepme", "EX_NAME=/r/ex", NULL });
        assert_strv_eq(&inj2, (const char *const[]) { "EX_NAME", NULL });
        /* and again: the same result */
        envmerge(out2.v, out2.n, &inj2, &l2, &out3, &inj3);
        assert_strv_eq(&out3, (const char *const[]) { "PATH=/bin", "EX_PORT=keepme", "EX_NAME=/r/ex", NULL });
        strv_done(&e);
        strv_done(&l1);
        strv_done(&l2);
        strv_done(&out1);
        strv_done(&inj1);
        strv_done(&out2);
        strv_done(&inj2);
        strv_done(&out3);
        strv_done(&inj3);
}

/* Two aliases with one prefix (db-1 and db_1), or legacy duplicates: the first occurrence only. */
static void first_occurrence_wins(void **state)
{
        const char *const link[] = { "DB_1_NAME=/w/db-1", "DB_1_PORT=tcp://1.1.1.1:1", "DB_1_NAME=/w/db_1",
                                     "DB_1_PORT=tcp://2.2.2.2:2", NULL };
        struct strv l = { 0 }, out = { 0 }, inj = { 0 };

        to_strv(link, &l);
        envmerge(NULL, 0, NULL, &l, &out, &inj);
        assert_strv_eq(&out, (const char *const[]) { "DB_1_NAME=/w/db-1", "DB_1_PORT=tcp://1.1.1.1:1", NULL });
        strv_done(&l);
        strv_done(&out);
        strv_done(&inj);
}

static void many_variables(void **state)
{
        struct strv l = { 0 }, out = { 0 }, inj = { 0 };

        /* 256 links x 400 variables: linear, not quadratic */
        for (int i = 0; i < 256 * 400; i++)
                strv_pushf(&l, "L%d_V%d=x", i / 400, i % 400);
        strv_pushf(&l, "L0_V0=dup");
        envmerge(NULL, 0, NULL, &l, &out, &inj);
        assert_int_equal(out.n, 256 * 400);
        assert_int_equal(inj.n, 256 * 400);
        strv_done(&l);
        strv_done(&out);
        strv_done(&inj);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(e11_own_env_wins),
                cmocka_unit_test(rerun_replaces),
                cmocka_unit_test(first_occurrence_wins),
                cmocka_unit_test(many_variables),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

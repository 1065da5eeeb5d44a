/* The variables of docker-links.md's worked examples (E1-E17), both flavors. */
#include "tests/unit/helpers.h"

#include "links/envmerge.h"
#include "links/linkenv.h"
#include "links/ports.h"

struct src {
        const char *ip;
        const char *ports; /* space-separated expose items */
        const char *const *env;
};

/* The variables a recipient receives: the rules' list, then the merge into an empty env (only the
 * first occurrence of a key is injected). */
static void link_vars(enum flavor f, const char *recipient, const char *alias, const struct src *s, bool raw,
                      struct strv *out)
{
        struct strv items = { 0 }, env = { 0 }, exported = { 0 }, vars = { 0 }, injected = { 0 };
        struct port_list ports = { 0 };
        char *err = NULL;

        if (s->ports)
                assert_int_equal(ann_split("io.ocilink.expose", s->ports, &items, &err), 0);
        assert_int_equal(ports_parse(&items, &ports, &err), 0);
        for (size_t i = 0; s->env && s->env[i]; i++)
                strv_push(&env, xstrdup(s->env[i]));
        linkenv_exportable(env.v, env.n, NULL, NULL, &exported);
        struct link_source ls = { .ipv4 = s->ip, .ports = &ports, .env = &exported };
        linkenv_build(f, recipient, alias, &ls, &vars);
        if (raw)
                *out = vars;
        else {
                envmerge(NULL, 0, NULL, &vars, out, &injected);
                strv_done(&vars);
        }
        strv_done(&items);
        strv_done(&env);
        strv_done(&exported);
        strv_done(&injected);
        port_list_done(&ports);
}

static void check(enum flavor f, const char *recipient, const char *alias, const struct src *s,
                  const char *const *want)
{
        struct strv got = { 0 };
        link_vars(f, recipient, alias, s, false, &got);
        assert_strv_eq(&got, want);
        strv_done(&got);
}

static void check_raw(enum flavor f, const char *recipient, const char *alias, const struct src *s,
                      const char *const *want)
{
        struct strv got = { 0 };
        link_vars(f, recipient, alias, s, true, &got);
        assert_strv_eq(&got, want);
        strv_done(&got);
}

static const char *const e1_env[] = { "POSTGRES_PASSWORD=s3cret", "PATH=/usr/lib/postgresql/16/bin:/usr/bin",
                                      "PG_MAJOR=16", NULL };

static void e1_alias_equals_name(void **state)
{
        struct src s = { "172.17.0.2", "5432/tcp", e1_env };
        const char *const want[] = {
                "DB_PORT=tcp://172.17.0.2:5432",  "DB_PORT_5432_TCP=tcp://172.17.0.2:5432",
                "DB_PORT_5432_TCP_ADDR=172.17.0.2", "DB_PORT_5432_TCP_PORT=5432",
                "DB_PORT_5432_TCP_PROTO=tcp",     "DB_NAME=/web/db",
                "DB_ENV_POSTGRES_PASSWORD=s3cret", "DB_ENV_PG_MAJOR=16",
                NULL,
        };
        check(FLAVOR_DOCKER, "web", "db", &s, want);
        check(FLAVOR_DOCKER_LEGACY, "web", "db", &s, want);
}

static void e2_alias_differs(void **state)
{
        struct src s = { "172.17.0.2", "5432", NULL };
        const char *const want[] = {
                "WEBDB_PORT=tcp://172.17.0.2:5432",   "WEBDB_PORT_5432_TCP=tcp://172.17.0.2:5432",
                "WEBDB_PORT_5432_TCP_ADDR=172.17.0.2", "WEBDB_PORT_5432_TCP_PORT=5432",
                "WEBDB_PORT_5432_TCP_PROTO=tcp",     "WEBDB_NAME=/web/webdb",
                NULL,
        };
        check(FLAVOR_DOCKER, "web", "webdb", &s, want);
}

static void e3_hyphenated_name(void **state)
{
        const char *const env[] = { "REDIS_VERSION=7.2.4", NULL };
        struct src s = { "172.17.0.3", "6379/tcp", env };
        const char *const want[] = {
                "MY_REDIS_PORT=tcp://172.17.0.3:6379",   "MY_REDIS_PORT_6379_TCP=tcp://172.17.0.3:6379",
                "MY_REDIS_PORT_6379_TCP_ADDR=172.17.0.3", "MY_REDIS_PORT_6379_TCP_PORT=6379",
                "MY_REDIS_PORT_6379_TCP_PROTO=tcp",     "MY_REDIS_NAME=/app/my-redis",
                "MY_REDIS_ENV_REDIS_VERSION=7.2.4",     NULL,
        };
        check(FLAVOR_DOCKER, "app", "my-redis", &s, want);
}

static void e4_dot_and_case(void **state)
{
        struct src s = { "172.17.0.3", "6379/tcp", NULL };
        const char *const want[] = {
                "REDIS.MAIN_PORT=tcp://172.17.0.3:6379",   "REDIS.MAIN_PORT_6379_TCP=tcp://172.17.0.3:6379",
                "REDIS.MAIN_PORT_6379_TCP_ADDR=172.17.0.3", "REDIS.MAIN_PORT_6379_TCP_PORT=6379",
                "REDIS.MAIN_PORT_6379_TCP_PROTO=tcp",     "REDIS.MAIN_NAME=/app/Redis.Main",
                NULL,
        };
        check(FLAVOR_DOCKER, "app", "Redis.Main", &s, want);
}

static void e5_no_ports(void **state)
{
        const char *const env[] = { "QUEUE=jobs", NULL };
        struct src s = { "172.17.0.4", NULL, env };
        const char *const want[] = { "WORKER_NAME=/client/worker", "WORKER_ENV_QUEUE=jobs", NULL };
        check(FLAVOR_DOCKER, "client", "worker", &s, want);
        check(FLAVOR_DOCKER_LEGACY, "client", "worker", &s, want);
}

static void e6_two_adjacent_ports(void **state)
{
        struct src s = { "172.17.0.5", "8080/tcp 8081/tcp", NULL };
        const char *const modern[] = {
                "API_PORT=tcp://172.17.0.5:8080",
                "API_PORT_8080_TCP=tcp://172.17.0.5:8080",
                "API_PORT_8080_TCP_ADDR=172.17.0.5",
                "API_PORT_8080_TCP_PORT=8080",
                "API_PORT_8080_TCP_PROTO=tcp",
                "API_PORT_8081_TCP=tcp://172.17.0.5:8081",
                "API_PORT_8081_TCP_ADDR=172.17.0.5",
                "API_PORT_8081_TCP_PORT=8081",
                "API_PORT_8081_TCP_PROTO=tcp",
                "API_PORT_8080_TCP_START=tcp://172.17.0.5:8080",
                "API_PORT_8080_TCP_PORT_START=8080",
                "API_PORT_8080_TCP_END=tcp://172.17.0.5:8081",
                "API_PORT_8080_TCP_PORT_END=8081",
                "API_NAME=/web/api",
                NULL,
        };
        const char *const legacy[] = {
                "API_PORT=tcp://172.17.0.5:8080",
                "API_PORT_8080_TCP=tcp://172.17.0.5:8080",
                "API_PORT_8080_TCP_ADDR=172.17.0.5",
                "API_PORT_8080_TCP_PORT=8080",
                "API_PORT_8080_TCP_PROTO=tcp",
                "API_PORT_8081_TCP=tcp://172.17.0.5:8081",
                "API_PORT_8081_TCP_ADDR=172.17.0.5",
                "API_PORT_8081_TCP_PORT=8081",
                "API_PORT_8081_TCP_PROTO=tcp",
                "API_NAME=/web/api",
                NULL,
        };
        check(FLAVOR_DOCKER, "web", "api", &s, modern);
        check(FLAVOR_DOCKER_LEGACY, "web", "api", &s, legacy);
}

#define GROUP(P, n, PROTO, proto, ip) \
        P "_PORT_" #n "_" PROTO "=" proto "://" ip ":" #n, P "_PORT_" #n "_" PROTO "_ADDR=" ip, \
                P "_PORT_" #n "_" PROTO "_PORT=" #n, P "_PORT_" #n "_" PROTO "_PROTO=" proto

static void e7_mixed_protocols(void **state)
{
        struct src s = { "172.17.0.2", "6300/udp 6379/tcp 6380/tcp 6381/tcp 6382/udp", NULL };
        const char *const modern[] = {
                "DOCKER_PORT=tcp://172.17.0.2:6379",
                GROUP("DOCKER", 6379, "TCP", "tcp", "172.17.0.2"),
                GROUP("DOCKER", 6380, "TCP", "tcp", "172.17.0.2"),
                GROUP("DOCKER", 6381, "TCP", "tcp", "172.17.0.2"),
                GROUP("DOCKER", 6300, "UDP", "udp", "172.17.0.2"),
                "DOCKER_PORT_6379_TCP_START=tcp://172.17.0.2:6379",
                "DOCKER_PORT_6379_TCP_PORT_START=6379",
                "DOCKER_PORT_6379_TCP_END=tcp://172.17.0.2:6381",
                "DOCKER_PORT_6379_TCP_PORT_END=6381",
                GROUP("DOCKER", 6382, "UDP", "udp", "172.17.0.2"),
                "DOCKER_NAME=/web/docker",
                NULL,
        };
        /* Legacy, raw (before the merge drops the duplicate _ADDR/_PROTO): lowest number first, one
         * bogus range 6379/tcp .. 6382/udp emitted before the groups. */
        const char *const legacy_raw[] = {
                "DOCKER_PORT=udp://172.17.0.2:6300",
                "DOCKER_PORT_6379_TCP_START=tcp://172.17.0.2:6379",
                "DOCKER_PORT_6379_TCP_ADDR=172.17.0.2",
                "DOCKER_PORT_6379_TCP_PROTO=tcp",
                "DOCKER_PORT_6379_TCP_PORT_START=6379",
                "DOCKER_PORT_6379_UDP_END=udp://172.17.0.2:6382",
                "DOCKER_PORT_6379_UDP_PORT_END=6382",
                GROUP("DOCKER", 6300, "UDP", "udp", "172.17.0.2"),
                GROUP("DOCKER", 6379, "TCP", "tcp", "172.17.0.2"),
                GROUP("DOCKER", 6380, "TCP", "tcp", "172.17.0.2"),
                GROUP("DOCKER", 6381, "TCP", "tcp", "172.17.0.2"),
                GROUP("DOCKER", 6382, "UDP", "udp", "172.17.0.2"),
                "DOCKER_NAME=/web/docker",
                NULL,
        };
        /* Merged: the duplicates appear once, at their first place. */
        const char *const legacy[] = {
                "DOCKER_PORT=udp://172.17.0.2:6300",
                "DOCKER_PORT_6379_TCP_START=tcp://172.17.0.2:6379",
                "DOCKER_PORT_6379_TCP_ADDR=172.17.0.2",
                "DOCKER_PORT_6379_TCP_PROTO=tcp",
                "DOCKER_PORT_6379_TCP_PORT_START=6379",
                "DOCKER_PORT_6379_UDP_END=udp://172.17.0.2:6382",
                "DOCKER_PORT_6379_UDP_PORT_END=6382",
                GROUP("DOCKER", 6300, "UDP", "udp", "172.17.0.2"),
                "DOCKER_PORT_6379_TCP=tcp://172.17.0.2:6379",
                "DOCKER_PORT_6379_TCP_PORT=6379",
                GROUP("DOCKER", 6380, "TCP", "tcp", "172.17.0.2"),
                GROUP("DOCKER", 6381, "TCP", "tcp", "172.17.0.2"),
                GROUP("DOCKER", 6382, "UDP", "udp", "172.17.0.2"),
                "DOCKER_NAME=/web/docker",
                NULL,
        };
        struct strv got = { 0 };

        check(FLAVOR_DOCKER, "web", "docker", &s, modern);
        link_vars(FLAVOR_DOCKER, "web", "docker", &s, false, &got);
        assert_int_equal(got.n, 26); /* the set moby's TestLinkMultipleEnv asserts, less its env var */
        strv_done(&got);
        check_raw(FLAVOR_DOCKER_LEGACY, "web", "docker", &s, legacy_raw);
        check(FLAVOR_DOCKER_LEGACY, "web", "docker", &s, legacy);
}

static void e8_same_number_two_protocols(void **state)
{
        struct src s = { "172.17.0.6", "53/udp 53/tcp", NULL };
        const char *const want[] = {
                "DNS_PORT=tcp://172.17.0.6:53",
                GROUP("DNS", 53, "TCP", "tcp", "172.17.0.6"),
                GROUP("DNS", 53, "UDP", "udp", "172.17.0.6"),
                "DNS_NAME=/client/dns",
                NULL,
        };
        check(FLAVOR_DOCKER, "client", "dns", &s, want);
        check(FLAVOR_DOCKER_LEGACY, "client", "dns", &s, want);
}

static void e9_legacy_gap_quirk(void **state)
{
        struct src s = { "172.17.0.7", "80/tcp 80/udp 82/tcp", NULL };
        const char *const modern[] = {
                "SVC_PORT=tcp://172.17.0.7:80",
                GROUP("SVC", 80, "TCP", "tcp", "172.17.0.7"),
                GROUP("SVC", 82, "TCP", "tcp", "172.17.0.7"),
                GROUP("SVC", 80, "UDP", "udp", "172.17.0.7"),
                "SVC_NAME=/x/svc",
                NULL,
        };
        const char *const legacy_raw[] = {
                "SVC_PORT=tcp://172.17.0.7:80",
                "SVC_PORT_80_TCP_START=tcp://172.17.0.7:80",
                "SVC_PORT_80_TCP_ADDR=172.17.0.7",
                "SVC_PORT_80_TCP_PROTO=tcp",
                "SVC_PORT_80_TCP_PORT_START=80",
                "SVC_PORT_80_TCP_END=tcp://172.17.0.7:82",
                "SVC_PORT_80_TCP_PORT_END=82",
                GROUP("SVC", 80, "TCP", "tcp", "172.17.0.7"),
                GROUP("SVC", 80, "UDP", "udp", "172.17.0.7"),
                GROUP("SVC", 82, "TCP", "tcp", "172.17.0.7"),
                "SVC_NAME=/x/svc",
                NULL,
        };
        check(FLAVOR_DOCKER, "x", "svc", &s, modern);
        check_raw(FLAVOR_DOCKER_LEGACY, "x", "svc", &s, legacy_raw);
}

static void e10_env_copy_edge_cases(void **state)
{
        const char *const env[] = { "e1=",           "e2=v2",           "e3=v3=v3", "NOVALUE", "HOME=/root",
                                    "PATH=/bin",     "HOSTNAME=custom", "path=lower", "TERM=xterm",
                                    "container=oci", NULL };
        struct src s = { "172.17.0.2", NULL, env };
        /* As Docker, less HOSTNAME, TERM and container: engines add those to an OCI config, Docker never
         * stored them (spec "What a link produces"). */
        const char *const want[] = {
                "FIRST_NAME=/second/first", "FIRST_ENV_e1=", "FIRST_ENV_e2=v2", "FIRST_ENV_e3=v3=v3",
                "FIRST_ENV_path=lower",     NULL,
        };
        check(FLAVOR_DOCKER, "second", "first", &s, want);
}

static void e16_port_range_expose(void **state)
{
        /* io.ocilink.expose 7000-7002 is Docker's CLI expansion of --expose 7000-7002. */
        struct src s = { "10.0.0.2", "7000-7002", NULL };
        const char *const want[] = {
                "R_PORT=tcp://10.0.0.2:7000",
                GROUP("R", 7000, "TCP", "tcp", "10.0.0.2"),
                GROUP("R", 7001, "TCP", "tcp", "10.0.0.2"),
                GROUP("R", 7002, "TCP", "tcp", "10.0.0.2"),
                "R_PORT_7000_TCP_START=tcp://10.0.0.2:7000",
                "R_PORT_7000_TCP_PORT_START=7000",
                "R_PORT_7000_TCP_END=tcp://10.0.0.2:7002",
                "R_PORT_7000_TCP_PORT_END=7002",
                "R_NAME=/c/r",
                NULL,
        };
        check(FLAVOR_DOCKER, "c", "r", &s, want);
}

static void e17_sctp_before_udp(void **state)
{
        struct src s = { "172.17.0.10", "5060/udp 5060/sctp 5061/udp", NULL };
        const char *const modern[] = {
                "VOIP_PORT=sctp://172.17.0.10:5060",
                GROUP("VOIP", 5060, "SCTP", "sctp", "172.17.0.10"),
                GROUP("VOIP", 5060, "UDP", "udp", "172.17.0.10"),
                GROUP("VOIP", 5061, "UDP", "udp", "172.17.0.10"),
                "VOIP_PORT_5060_UDP_START=udp://172.17.0.10:5060",
                "VOIP_PORT_5060_UDP_PORT_START=5060",
                "VOIP_PORT_5060_UDP_END=udp://172.17.0.10:5061",
                "VOIP_PORT_5060_UDP_PORT_END=5061",
                "VOIP_NAME=/c/voip",
                NULL,
        };
        /* Legacy with our fixed tie-break (sctp before udp on equal numbers): START names carry SCTP,
         * END names UDP, as the example's "sctp first" variant says. */
        const char *const legacy_raw[] = {
                "VOIP_PORT=sctp://172.17.0.10:5060",
                "VOIP_PORT_5060_SCTP_START=sctp://172.17.0.10:5060",
                "VOIP_PORT_5060_SCTP_ADDR=172.17.0.10",
                "VOIP_PORT_5060_SCTP_PROTO=sctp",
                "VOIP_PORT_5060_SCTP_PORT_START=5060",
                "VOIP_PORT_5060_UDP_END=udp://172.17.0.10:5061",
                "VOIP_PORT_5060_UDP_PORT_END=5061",
                GROUP("VOIP", 5060, "SCTP", "sctp", "172.17.0.10"),
                GROUP("VOIP", 5060, "UDP", "udp", "172.17.0.10"),
                GROUP("VOIP", 5061, "UDP", "udp", "172.17.0.10"),
                "VOIP_NAME=/c/voip",
                NULL,
        };
        check(FLAVOR_DOCKER, "c", "voip", &s, modern);
        check_raw(FLAVOR_DOCKER_LEGACY, "c", "voip", &s, legacy_raw);
}

static void seed_example(void **state)
{
        const char *const env[] = { "PATH=/bin", "BOOK=Learning Docker", "CHAPTER=Orchestrating Containers",
                                    NULL };
        struct src s = { "10.0.0.2", "8080 80", env };
        const char *const want[] = {
                "EX_PORT=tcp://10.0.0.2:80",
                "EX_PORT_80_TCP=tcp://10.0.0.2:80",
                "EX_PORT_80_TCP_ADDR=10.0.0.2",
                "EX_PORT_80_TCP_PORT=80",
                "EX_PORT_80_TCP_PROTO=tcp",
                "EX_PORT_8080_TCP=tcp://10.0.0.2:8080",
                "EX_PORT_8080_TCP_ADDR=10.0.0.2",
                "EX_PORT_8080_TCP_PORT=8080",
                "EX_PORT_8080_TCP_PROTO=tcp",
                "EX_NAME=/recipient/ex",
                "EX_ENV_BOOK=Learning Docker",
                "EX_ENV_CHAPTER=Orchestrating Containers",
                NULL,
        };
        check(FLAVOR_DOCKER, "recipient", "ex", &s, want);
        check(FLAVOR_DOCKER_LEGACY, "recipient", "ex", &s, want);
}

static void prefix_rules(void **state)
{
        char *p = linkenv_prefix("my-redis.Main_x");
        assert_string_equal(p, "MY_REDIS.MAIN_X");
        free(p);
}

static void exportable_filters(void **state)
{
        char *env[] = { "A=1", "B=2", "EX_PORT=tcp://x", "C=3", "HOME=/root" };
        struct strv injected = { 0 }, out = { 0 };
        struct env_export exp = { 0 };
        char *err = NULL;

        strv_push(&injected, xstrdup("EX_PORT"));
        /* injected variables are not re-exported: links are not transitive */
        linkenv_exportable(env, 5, &injected, NULL, &out);
        assert_strv_eq(&out, (const char *const[]) { "A=1", "B=2", "C=3", NULL });
        strv_done(&out);
        assert_int_equal(ann_parse_env_export("none", &exp, &err), 0);
        linkenv_exportable(env, 5, &injected, &exp, &out);
        assert_int_equal(out.n, 0);
        env_export_done(&exp);
        assert_int_equal(ann_parse_env_export("C; A,HOME", &exp, &err), 0);
        linkenv_exportable(env, 5, &injected, &exp, &out);
        assert_strv_eq(&out, (const char *const[]) { "A=1", "C=3", NULL });
        strv_done(&out);
        env_export_done(&exp);
        strv_done(&injected);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(e1_alias_equals_name),
                cmocka_unit_test(e2_alias_differs),
                cmocka_unit_test(e3_hyphenated_name),
                cmocka_unit_test(e4_dot_and_case),
                cmocka_unit_test(e5_no_ports),
                cmocka_unit_test(e6_two_adjacent_ports),
                cmocka_unit_test(e7_mixed_protocols),
                cmocka_unit_test(e8_same_number_two_protocols),
                cmocka_unit_test(e9_legacy_gap_quirk),
                cmocka_unit_test(e10_env_copy_edge_cases),
                cmocka_unit_test(e16_port_range_expose),
                cmocka_unit_test(e17_sctp_before_udp),
                cmocka_unit_test(seed_example),
                cmocka_unit_test(prefix_rules),
                cmocka_unit_test(exportable_filters),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

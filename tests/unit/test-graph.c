/* list --graph: the links between running containers as Graphviz DOT (links_graph_dot). */
#include "tests/unit/helpers.h"

#include "hook/registry.h"
#include "hook/resolve.h"

/* A record as the registry holds it: name, first IPv4 and IPv6 (NULL: none), links "name:alias". */
static struct record rec(const char *name, const char *v4, const char *v6, const char *const *links)
{
        struct record r = { .id = xasprintf("id-%s", name), .name = xstrdup(name) };

        if (v4)
                assert_int_equal(addr_list_add(&r.addrs, AF_INET, v4), 0);
        if (v6)
                assert_int_equal(addr_list_add(&r.addrs, AF_INET6, v6), 0);
        for (size_t i = 0; links && links[i]; i++)
                strv_push(&r.links, xstrdup(links[i]));
        return r;
}

static void check(struct record *v, const bool *running, size_t n, const char *want)
{
        char *got = links_graph_dot(v, running, n);

        if (!STREQ(got, want))
                print_message("# got:\n%s# want:\n%s", got, want);
        assert_string_equal(got, want);
        free(got);
        for (size_t i = 0; i < n; i++)
                record_done(&v[i]);
}

static void empty_registry(void **state)
{
        check(NULL, NULL, 0, "digraph ocilink {\n  rankdir=LR;\n  node [shape=box];\n}\n");
}

/* The seed and a three-tier set, as the registry lists them (sorted by name), with a stopped
 * recipient (its links left out) and a running one whose sources are a stopped record and a name
 * nobody registered (dashed). */
static void seed_and_three_tier(void **state)
{
        struct record v[] = {
                rec("app", "10.231.0.4", NULL, (const char *const[]) { "db:db", NULL }),
                rec("db", "10.231.0.3", "fd00:231::3", NULL),
                rec("example", "10.231.0.2", NULL, NULL),
                rec("old", "10.231.0.9", NULL, (const char *const[]) { "db:db", NULL }),
                rec("orphan", "10.231.0.8", NULL,
                    (const char *const[]) { "old:o", "gone:g", "old:o2", NULL }),
                rec("recipient", "10.231.0.6", NULL, (const char *const[]) { "example:ex", NULL }),
                rec("web", "10.231.0.5", NULL, (const char *const[]) { "app:app", "db:database", NULL }),
        };
        const bool running[] = { true, true, true, false, true, true, true };

        check(v, running, ELEMENTSOF(v),
              "digraph ocilink {\n"
              "  rankdir=LR;\n"
              "  node [shape=box];\n"
              "  \"app\" [label=\"app\\n10.231.0.4\"];\n"
              "  \"db\" [label=\"db\\n10.231.0.3\\nfd00:231::3\"];\n"
              "  \"example\" [label=\"example\\n10.231.0.2\"];\n"
              "  \"orphan\" [label=\"orphan\\n10.231.0.8\"];\n"
              "  \"recipient\" [label=\"recipient\\n10.231.0.6\"];\n"
              "  \"web\" [label=\"web\\n10.231.0.5\"];\n"
              "  \"gone\" [label=\"gone\\n(not running)\", style=dashed];\n"
              "  \"old\" [label=\"old\\n(not running)\", style=dashed];\n"
              "  \"app\" -> \"db\" [label=\"db\"];\n"
              "  \"orphan\" -> \"old\" [label=\"o\", style=dashed];\n"
              "  \"orphan\" -> \"gone\" [label=\"g\", style=dashed];\n"
              "  \"orphan\" -> \"old\" [label=\"o2\", style=dashed];\n"
              "  \"recipient\" -> \"example\" [label=\"ex\"];\n"
              "  \"web\" -> \"app\" [label=\"app\"];\n"
              "  \"web\" -> \"db\" [label=\"database\"];\n"
              "}\n");
}

/* Only running containers are nodes, whatever the input order; no address is said so. */
static void unsorted_and_without_address(void **state)
{
        struct record v[] = {
                rec("z", NULL, NULL, (const char *const[]) { "a", NULL }),
                rec("a", NULL, "fd00::1", NULL),
                rec("m", "10.0.0.1", NULL, NULL),
        };
        const bool running[] = { true, true, false };

        check(v, running, ELEMENTSOF(v),
              "digraph ocilink {\n"
              "  rankdir=LR;\n"
              "  node [shape=box];\n"
              "  \"z\" [label=\"z\\n(no address)\"];\n"
              "  \"a\" [label=\"a\\nfd00::1\"];\n"
              "  \"z\" -> \"a\" [label=\"a\"];\n"
              "}\n");
}

/* Names the registry would never hold: a quote, a backslash (also before the closing quote), DOT's
 * own escapes (\n, \N, \l), a newline, a control byte, a non-ASCII byte. None may end a string,
 * start a line or reach dot as a raw byte. */
static void escaping(void **state)
{
        struct record v[] = {
                rec("a\"b", "10.0.0.1", NULL, (const char *const[]) { "c\\:x\"] [color=red", NULL }),
                rec("n\\N\\l\\", "10.0.0.2", NULL, (const char *const[]) { "l\nf\x01\xff:al\\n", NULL }),
        };
        const bool running[] = { true, true };
        char *got;

        got = links_graph_dot(v, running, 2);
        for (const unsigned char *p = (const unsigned char *) got; *p; p++)
                assert_true(*p == '\n' || (*p >= 0x20 && *p < 0x7f));
        free(got);
        check(v, running, ELEMENTSOF(v),
              "digraph ocilink {\n"
              "  rankdir=LR;\n"
              "  node [shape=box];\n"
              "  \"a\\\"b\" [label=\"a\\\"b\\n10.0.0.1\"];\n"
              "  \"n\\\\N\\\\l\\\\\" [label=\"n\\\\N\\\\l\\\\\\n10.0.0.2\"];\n"
              "  \"c\\\\\" [label=\"c\\\\\\n(not running)\", style=dashed];\n"
              "  \"l\\\\x0af\\\\x01\\\\xff\" "
              "[label=\"l\\\\x0af\\\\x01\\\\xff\\n(not running)\", style=dashed];\n"
              "  \"a\\\"b\" -> \"c\\\\\" [label=\"x\\\"] [color=red\", style=dashed];\n"
              "  \"n\\\\N\\\\l\\\\\" -> \"l\\\\x0af\\\\x01\\\\xff\" [label=\"al\\\\n\", style=dashed];\n"
              "}\n");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(empty_registry),
                cmocka_unit_test(seed_and_three_tier),
                cmocka_unit_test(unsorted_and_without_address),
                cmocka_unit_test(escaping),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

/* list: the registry as a table, as JSON, or its links as a Graphviz graph. */
#include "hook/commands.h"

#include <stdio.h>
#include <string.h>

#include "hook/fileio.h"
#include "hook/log.h"
#include "hook/registry.h"
#include "hook/resolve.h"
#include "links/escape.h"
#include "links/macro.h"
#include "oci/json.h"

static void print_json(const struct record *v, size_t n)
{
        _cleanup_json_ struct json_value *arr = json_new(JSON_ARRAY);
        _cleanup_free_ char *out = NULL;
        size_t len;

        for (size_t i = 0; i < n; i++)
                json_append(arr, record_to_tree(&v[i], RECORD_VIEW_LIST));
        if (json_write(arr, true, &out, &len) == 0)
                (void) write_all(STDOUT_FILENO, out, len);
}

static char *joined(char *const *v, size_t n)
{
        struct buf b = { 0 };

        buf_append(&b, "", 0);
        for (size_t i = 0; i < n; i++)
                buf_printf(&b, "%s%s", i ? "," : "", v[i]);
        if (n == 0)
                buf_puts(&b, "-");
        return b.data;
}

static void print_table(const struct record *v, size_t n)
{
        printf("%-20s %-14s %-8s %-8s %-16s %-24s %-16s %s\n", "NAME", "ID", "PID", "STATUS", "IPV4", "IPV6",
               "PORTS", "LINKS");
        for (size_t i = 0; i < n; i++) {
                const struct record *r = &v[i];
                _cleanup_free_ char *id = escape_for_log(r->id, strlen(r->id) > 12 ? 12 : strlen(r->id));
                _cleanup_free_ char *ports = joined(r->ports.v, r->ports.n);
                _cleanup_free_ char *links = joined(r->links.v, r->links.n);

                printf("%-20s %-14s %-8d %-8s %-16s %-24s %-16s %s\n", r->name, id, (int) r->pid,
                       record_is_running(r) ? "running" : "stopped", r->addrs.n4 ? r->addrs.v4[0] : "-",
                       r->addrs.n6 ? r->addrs.v6[0] : "-", ports, links);
        }
}

static void print_graph(const struct record *v, size_t n)
{
        _cleanup_free_ bool *running = xcalloc(n, sizeof *running);
        _cleanup_free_ char *dot = NULL;

        for (size_t i = 0; i < n; i++)
                running[i] = record_is_running(&v[i]);
        dot = links_graph_dot(v, running, n);
        (void) write_all(STDOUT_FILENO, dot, strlen(dot));
}

int cmd_list(const struct hook_ctx *ctx, enum list_format format)
{
        struct registry reg;
        struct record *v = NULL;
        struct strv bad = { 0 };
        _cleanup_free_ char *err = NULL;
        size_t n = 0;
        int r;

        r = registry_open(ctx->state_dir, false, &reg, &err);
        if (r < 0)
                return log_error(1, "%s", err);
        r = registry_list(&reg, &v, &n, &bad);
        registry_close(&reg);
        if (r < 0)
                return log_error(1, "cannot read the registry: %s", strerror(-r));
        for (size_t i = 0; i < bad.n; i++) {
                _cleanup_free_ char *q = escape_str(bad.v[i]);
                log_warn("registry record `%s` is corrupt, ignoring", q);
        }
        switch (format) {
        case LIST_JSON:
                print_json(v, n);
                break;
        case LIST_GRAPH:
                print_graph(v, n);
                break;
        case LIST_TABLE:
        default:
                print_table(v, n);
                break;
        }
        fflush(stdout);
        records_free(v, n);
        strv_done(&bad);
        return 0;
}

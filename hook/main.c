/* ocilink-hook: Docker's container links for runc, crun and podman.
 *
 * Exit status: 0 done (or nothing to do); 1 a link cannot be made or an input is bad (the runtime
 * then aborts the container's creation); 2 a usage error. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hook/commands.h"
#include "hook/ctx.h"
#include "hook/log.h"
#include "hook/sandbox.h"
#include "links/macro.h"

static const char usage_text[] =
        "Usage: ocilink-hook [--state-dir DIR] [--debug] COMMAND [OPTIONS]\n"
        "\n"
        "Docker's container links (--link source:alias) for runc, crun and podman, as an OCI hook.\n"
        "\n"
        "Commands:\n"
        "  precreate [--fail-in-runtime]\n"
        "                        config.json on stdin -> the same config with link variables on stdout\n"
        "                        (podman's precreate hook stage); --fail-in-runtime: when a link fails,\n"
        "                        exit 0 with a config the runtime refuses to start, naming the reason\n"
        "                        (podman shows the runtime's error, not the hook's)\n"
        "  prepare [-b DIR] [--install-hooks]\n"
        "                        add the link variables to DIR/config.json (default: .); with\n"
        "                        --install-hooks also add ocilink's hook entries (idempotent)\n"
        "  createRuntime | prestart | createContainer\n"
        "                        OCI state on stdin: register the container, write its link lines\n"
        "                        into the hosts file it will see\n"
        "  poststart             OCI state on stdin: refresh its addresses, rewrite its lines in the\n"
        "                        hosts files of running recipients\n"
        "  poststop              OCI state on stdin: remove it from the registry\n"
        "  list [--json|--graph] the registry (--json: an array of objects; --graph: Graphviz DOT)\n"
        "  explain [-b DIR]      what a start of DIR would inject, changing nothing\n"
        "\n"
        "Options:\n"
        "  --state-dir DIR       the registry (default $OCILINK_STATE_DIR, else /run/ocilink)\n"
        "  --debug               more messages on stderr and syslog\n"
        "  --no-sandbox          do not enter the seccomp sandbox (for debugging, e.g. under strace\n"
        "                        or valgrind)\n"
        "  --version, --help\n"
        "\n"
        "Annotations: io.ocilink.name, io.ocilink.links (\"example:ex; db\"), io.ocilink.expose\n"
        "(\"8080 80/tcp 7000-7002/udp\"), io.ocilink.ip, io.ocilink.env-export (all|none|NAMES),\n"
        "io.ocilink.flavor (docker|docker-legacy).\n"
        "\n"
        "Example (runc):\n"
        "  ocilink-hook prepare -b ./web --install-hooks && runc run -b ./web web\n";

static int usage_error(const char *fmt, const char *arg) __attribute__((format(printf, 1, 0)));

static int usage_error(const char *fmt, const char *arg)
{
        fprintf(stderr, "ocilink-hook: ");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        fprintf(stderr, fmt, arg);
#pragma GCC diagnostic pop
        fprintf(stderr, "\nTry 'ocilink-hook --help'.\n");
        return 2;
}

/* Start-up hygiene for a root process that reads container-controlled files. */
static void harden(void)
{
        (void) prctl(PR_SET_DUMPABLE, 0);
        umask(022);
}

static char *self_exe(void)
{
        char buf[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);

        if (n <= 0)
                return NULL;
        buf[n] = '\0';
        return xstrdup(buf);
}

/* Options of prepare, explain and list: [-b DIR] [--install-hooks] [--json|--graph]. */
struct cmd_opts {
        const char *dir;
        bool install_hooks;
        bool json;
        bool graph;
};

static int parse_cmd_opts(int argc, char **argv, int i, bool allow_b, bool allow_install, bool allow_json,
                          struct cmd_opts *o)
{
        for (; i < argc; i++) {
                const char *a = argv[i];
                if (allow_b && (STREQ(a, "-b") || STREQ(a, "--bundle"))) {
                        if (i + 1 >= argc)
                                return usage_error("%s needs a directory", a);
                        o->dir = argv[++i];
                } else if (allow_b && strncmp(a, "--bundle=", 9) == 0)
                        o->dir = a + 9;
                else if (allow_install && STREQ(a, "--install-hooks"))
                        o->install_hooks = true;
                else if (allow_json && STREQ(a, "--json"))
                        o->json = true;
                else if (allow_json && STREQ(a, "--graph"))
                        o->graph = true;
                else
                        return usage_error("unexpected argument '%s'", a);
        }
        return 0;
}

int main(int argc, char **argv)
{
        struct hook_ctx ctx = { 0 };
        _cleanup_free_ char *exe = NULL;
        struct cmd_opts o = { .dir = "." };
        const char *cmd;
        bool no_sandbox = false;
        int i, r;

        harden();
        ctx.state_dir = secure_getenv("OCILINK_STATE_DIR");
        for (i = 1; i < argc; i++) {
                const char *a = argv[i];
                if (STREQ(a, "--state-dir")) {
                        if (i + 1 >= argc)
                                return usage_error("%s needs a directory", a);
                        ctx.state_dir = argv[++i];
                } else if (strncmp(a, "--state-dir=", 12) == 0)
                        ctx.state_dir = a + 12;
                else if (STREQ(a, "--debug"))
                        ctx.debug = true;
                else if (STREQ(a, "--no-sandbox"))
                        no_sandbox = true;
                else if (STREQ(a, "--version")) {
                        printf("ocilink-hook %s\n", OCILINK_VERSION);
                        return 0;
                } else if (STREQ(a, "--help") || STREQ(a, "-h")) {
                        fputs(usage_text, stdout);
                        return 0;
                } else if (a[0] == '-')
                        return usage_error("unknown option '%s'", a);
                else
                        break;
        }
        if (i >= argc)
                return usage_error("%s", "no command given");
        if (!ctx.state_dir || !*ctx.state_dir)
                ctx.state_dir = OCILINK_DEFAULT_STATE_DIR;
        if (ctx.state_dir[0] != '/')
                return usage_error("the state directory '%s' must be an absolute path", ctx.state_dir);
        exe = self_exe();
        ctx.exe = exe;
        log_open(ctx.debug);
        if (!no_sandbox) {
                _cleanup_free_ char *err = NULL;
                if (sandbox_enter(&err) < 0)
                        return log_error(1, "%s", err);
                log_debug("entered the seccomp sandbox");
        }
        cmd = argv[i++];
        if (i < argc && (STREQ(argv[i], "--help") || STREQ(argv[i], "-h"))) {
                fputs(usage_text, stdout);
                return 0;
        }

        if (STREQ(cmd, "precreate") && i < argc && STREQ(argv[i], "--fail-in-runtime")) {
                if (i + 1 < argc)
                        return usage_error("unexpected argument '%s'", argv[i + 1]);
                return cmd_precreate(&ctx, true);
        }
        if (STREQ(cmd, "precreate") || STREQ(cmd, "createRuntime") || STREQ(cmd, "prestart") ||
            STREQ(cmd, "createContainer") || STREQ(cmd, "poststart") || STREQ(cmd, "poststop")) {
                if (i < argc)
                        return usage_error("unexpected argument '%s'", argv[i]);
                if (STREQ(cmd, "precreate"))
                        return cmd_precreate(&ctx, false);
                if (STREQ(cmd, "createRuntime"))
                        return cmd_stage(&ctx, STAGE_CREATE_RUNTIME);
                if (STREQ(cmd, "prestart"))
                        return cmd_stage(&ctx, STAGE_PRESTART);
                if (STREQ(cmd, "createContainer"))
                        return cmd_stage(&ctx, STAGE_CREATE_CONTAINER);
                if (STREQ(cmd, "poststart"))
                        return cmd_stage(&ctx, STAGE_POSTSTART);
                return cmd_stage(&ctx, STAGE_POSTSTOP);
        }
        if (STREQ(cmd, "prepare")) {
                r = parse_cmd_opts(argc, argv, i, true, true, false, &o);
                if (r)
                        return r;
                if (o.install_hooks && !ctx.exe)
                        return log_error(1, "cannot find this program's own path for the hook entries");
                return cmd_prepare(&ctx, o.dir, o.install_hooks);
        }
        if (STREQ(cmd, "explain")) {
                r = parse_cmd_opts(argc, argv, i, true, false, false, &o);
                return r ? r : cmd_explain(&ctx, o.dir);
        }
        if (STREQ(cmd, "list")) {
                r = parse_cmd_opts(argc, argv, i, false, false, true, &o);
                if (!r && o.json && o.graph)
                        return usage_error("%s and --graph exclude each other", "--json");
                return r ? r : cmd_list(&ctx, o.graph ? LIST_GRAPH : o.json ? LIST_JSON : LIST_TABLE);
        }
        return usage_error("unknown command '%s'", cmd);
}

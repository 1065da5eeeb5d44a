/* ocilink-hook: Docker's container links for runc, crun and podman.
 *
 * Exit status: 0 done (or nothing to do); 1 a link cannot be made or an input is bad (the runtime
 * then aborts the container's creation); 2 a usage error. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
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
        "Usage: ocilink-hook [--state-dir DIR] [--debug] [--no-sandbox] COMMAND [OPTIONS]\n"
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
        "  list [--json|--graph]\n"
        "                        the registry (--json: an array of objects; --graph: the links\n"
        "                        between running containers as Graphviz DOT)\n"
        "  explain [-b DIR]      what a start of DIR would inject, changing nothing\n"
        "\n"
        "Options:\n"
        "  --state-dir DIR       the registry (default $OCILINK_STATE_DIR, else /run/ocilink)\n"
        "  --debug               more messages on stderr and syslog\n"
        "  --no-sandbox          do not enter the seccomp sandbox (for debugging, e.g. under strace\n"
        "                        or valgrind)\n"
        "  --version, -h, --help\n"
        "\n"
        "Annotations: io.ocilink.name, io.ocilink.links (\"example:ex; db\"), io.ocilink.expose\n"
        "(\"8080 80/tcp 7000-7002/udp\"), io.ocilink.ip, io.ocilink.env-export (all|none|NAMES),\n"
        "io.ocilink.flavor (docker|docker-legacy).\n"
        "\n"
        "Example (runc):\n"
        "  ocilink-hook prepare -b ./web --install-hooks && runc run -b ./web web\n"
        "\n"
        "'ocilink-hook COMMAND --help' shows a command's options, what it reads and writes, and an\n"
        "example. Manual pages: ocilink-hook(1), ocilink(7).\n";

/* The options a command takes: bits of struct command.opts. */
enum {
        OPT_BUNDLE = 1 << 0,          /* -b DIR, --bundle DIR, --bundle=DIR */
        OPT_INSTALL_HOOKS = 1 << 1,   /* --install-hooks */
        OPT_JSON = 1 << 2,            /* --json */
        OPT_FAIL_IN_RUNTIME = 1 << 3, /* --fail-in-runtime */
        OPT_GRAPH = 1 << 4,           /* --graph */
};

struct cmd_opts {
        const char *dir;
        bool install_hooks;
        bool json;
        bool graph;
        bool fail_in_runtime;
        bool help;
};

struct command {
        const char *name;
        int (*run)(const struct hook_ctx *ctx, const struct command *c, const struct cmd_opts *o);
        enum stage stage; /* for run_stage */
        unsigned opts;
        const char *help; /* what COMMAND --help prints */
};

static int run_precreate(const struct hook_ctx *ctx, const struct command *c, const struct cmd_opts *o)
{
        return cmd_precreate(ctx, o->fail_in_runtime);
}

static int run_prepare(const struct hook_ctx *ctx, const struct command *c, const struct cmd_opts *o)
{
        if (o->install_hooks && !ctx->exe)
                return log_error(1, "cannot find this program's own path for the hook entries");
        return cmd_prepare(ctx, o->dir, o->install_hooks);
}

static int run_stage(const struct hook_ctx *ctx, const struct command *c, const struct cmd_opts *o)
{
        return cmd_stage(ctx, c->stage);
}

static int run_list(const struct hook_ctx *ctx, const struct command *c, const struct cmd_opts *o)
{
        return cmd_list(ctx, o->graph ? LIST_GRAPH : o->json ? LIST_JSON : LIST_TABLE);
}

static int run_explain(const struct hook_ctx *ctx, const struct command *c, const struct cmd_opts *o)
{
        return cmd_explain(ctx, o->dir);
}

/* What COMMAND --help prints. */
static const char help_precreate[] =
        "Usage: ocilink-hook [GLOBAL OPTIONS] precreate [--fail-in-runtime]\n"
        "\n"
        "podman's precreate hook stage: a container's config.json on stdin, the same\n"
        "config on stdout with the link variables of its io.ocilink.links annotation\n"
        "added to process.env (ALIAS_PORT*, ALIAS_NAME, ALIAS_ENV_*). A config that\n"
        "needs no change leaves byte for byte as it came.\n"
        "\n"
        "Options:\n"
        "  --fail-in-runtime     when a link fails, exit 0 with a config whose process\n"
        "                        cannot start and is named after the reason (podman\n"
        "                        shows the runtime's error, not the hook's); without it,\n"
        "                        exit 1\n"
        "  -h, --help            this text\n"
        "\n"
        "Reads:  the config on stdin; the registry, read-only (the linked sources)\n"
        "Writes: the config on stdout; errors on stderr and syslog\n"
        "\n"
        "Example (what the installed hooks.d file runs):\n"
        "  ocilink-hook --state-dir /run/ocilink precreate --fail-in-runtime <config.json\n";

static const char help_prepare[] =
        "Usage: ocilink-hook [GLOBAL OPTIONS] prepare [-b DIR] [--install-hooks]\n"
        "\n"
        "For runc and crun: add the link variables of the io.ocilink.links annotation in\n"
        "DIR/config.json to its process.env, before the runtime reads it. A rerun\n"
        "replaces the values it injected before (a source restarted at a new address)\n"
        "and removes those of links that are gone; the recipient's own variables are\n"
        "never overwritten.\n"
        "\n"
        "Options:\n"
        "  -b, --bundle DIR      the bundle directory (default: the current directory);\n"
        "                        also --bundle=DIR\n"
        "  --install-hooks       also add ocilink's createRuntime, poststart and\n"
        "                        poststop hook entries (this binary by absolute path,\n"
        "                        the same --state-dir); idempotent\n"
        "  -h, --help            this text\n"
        "\n"
        "Reads:  DIR/config.json; the registry, read-only (the linked sources)\n"
        "Writes: DIR/config.json, pretty-printed, by temp file and rename, keeping its\n"
        "        mode (unless that gives the same bytes); the annotation\n"
        "        io.ocilink.injected-env lists the keys injected\n"
        "\n"
        "Example:\n"
        "  ocilink-hook prepare -b ./web --install-hooks && runc run -b ./web web\n";

/* What the three registering stages read and write (their help texts share it). */
#define REGISTER_IO \
        "Reads:  the OCI state on stdin; BUNDLE/config.json; the registry; the addresses\n" \
        "        in the container's network namespace\n" \
        "Writes: STATE_DIR/names/NAME.json and STATE_DIR/ids/ID; a recipient's hosts\n" \
        "        file (the source of its /etc/hosts mount, else ROOTFS/etc/hosts)\n"

static const char help_createRuntime[] =
        "Usage: ocilink-hook [GLOBAL OPTIONS] createRuntime\n"
        "\n"
        "OCI hook, createRuntime stage (on the host, once the container's namespaces and\n"
        "mounts exist, before pivot_root): registers the container under its name\n"
        "(io.ocilink.name, else podman's --name, else the container id) and, for a\n"
        "recipient, writes its link lines into the hosts file it will see, between\n"
        "'# ocilink begin NAME' and '# ocilink end NAME'. Exit 1, and the container does\n"
        "not start, when a link cannot be made, a running container holds the name, or\n"
        "config.json lacks a link's variables (run prepare first).\n"
        "\n"
        "Options:\n"
        "  -h, --help            this text\n"
        "\n"
        REGISTER_IO
        "\n"
        "Example (a hook entry in config.json):\n"
        "  \"createRuntime\": [{\"path\": \"/usr/libexec/oci/hooks.d/ocilink-hook\",\n"
        "    \"args\": [\"ocilink-hook\", \"--state-dir\", \"/run/ocilink\", \"createRuntime\"],\n"
        "    \"timeout\": 10}]\n";

static const char help_prestart[] =
        "Usage: ocilink-hook [GLOBAL OPTIONS] prestart\n"
        "\n"
        "OCI hook, prestart stage (deprecated by the OCI runtime spec; runc and crun run\n"
        "it on the host at the same moment as createRuntime): does what createRuntime\n"
        "does, for a runtime without that stage.\n"
        "\n"
        "Options:\n"
        "  -h, --help            this text\n"
        "\n"
        REGISTER_IO
        "\n"
        "Example (a hook entry in config.json):\n"
        "  \"prestart\": [{\"path\": \"/usr/libexec/oci/hooks.d/ocilink-hook\",\n"
        "    \"args\": [\"ocilink-hook\", \"--state-dir\", \"/run/ocilink\", \"prestart\"],\n"
        "    \"timeout\": 10}]\n";

static const char help_createContainer[] =
        "Usage: ocilink-hook [GLOBAL OPTIONS] createContainer\n"
        "\n"
        "OCI hook, createContainer stage (in the container's mount and pid namespaces,\n"
        "before pivot_root): registers the container and writes its link lines as\n"
        "createRuntime does. The state's pid names no host process there, so the record\n"
        "has no pid until poststart: the container can be linked to once its poststart\n"
        "has run.\n"
        "\n"
        "Options:\n"
        "  -h, --help            this text\n"
        "\n"
        REGISTER_IO
        "\n"
        "Example (a hook entry in config.json):\n"
        "  \"createContainer\": [{\"path\": \"/usr/libexec/oci/hooks.d/ocilink-hook\",\n"
        "    \"args\": [\"ocilink-hook\", \"--state-dir\", \"/run/ocilink\", \"createContainer\"],\n"
        "    \"timeout\": 10}]\n";

static const char help_poststart[] =
        "Usage: ocilink-hook [GLOBAL OPTIONS] poststart\n"
        "\n"
        "OCI hook, poststart stage: refreshes the container's pid and addresses in the\n"
        "registry (unless io.ocilink.ip fixes them), then rewrites its lines in the\n"
        "hosts files of the running recipients that link to its name, so a restarted\n"
        "source is reached at its new address. A container the registry does not hold:\n"
        "nothing to do. A recipient that cannot be updated is a warning, not a failure.\n"
        "\n"
        "Options:\n"
        "  -h, --help            this text\n"
        "\n"
        "Reads:  the OCI state on stdin; the registry; the container's network namespace\n"
        "Writes: STATE_DIR/names/NAME.json; the hosts files of running recipients\n"
        "\n"
        "Example (a hook entry in config.json):\n"
        "  \"poststart\": [{\"path\": \"/usr/libexec/oci/hooks.d/ocilink-hook\",\n"
        "    \"args\": [\"ocilink-hook\", \"--state-dir\", \"/run/ocilink\", \"poststart\"],\n"
        "    \"timeout\": 10}]\n";

static const char help_poststop[] =
        "Usage: ocilink-hook [GLOBAL OPTIONS] poststop\n"
        "\n"
        "OCI hook, poststop stage: removes the container from the registry; nothing is\n"
        "kept for it. An id the registry does not hold: nothing to do. Recipients keep\n"
        "their hosts lines; a link to the stopped source fails at a recipient's next\n"
        "start.\n"
        "\n"
        "Options:\n"
        "  -h, --help            this text\n"
        "\n"
        "Reads:  the OCI state on stdin (its id); STATE_DIR/ids/ID\n"
        "Writes: removes STATE_DIR/ids/ID and STATE_DIR/names/NAME.json\n"
        "\n"
        "Example (a hook entry in config.json):\n"
        "  \"poststop\": [{\"path\": \"/usr/libexec/oci/hooks.d/ocilink-hook\",\n"
        "    \"args\": [\"ocilink-hook\", \"--state-dir\", \"/run/ocilink\", \"poststop\"],\n"
        "    \"timeout\": 10}]\n";

static const char help_list[] =
        "Usage: ocilink-hook [GLOBAL OPTIONS] list [--json|--graph]\n"
        "\n"
        "The registry: a line per recorded container with NAME, ID (its first 12\n"
        "characters), PID, STATUS (running, or stopped: its process is gone), IPV4,\n"
        "IPV6, PORTS and LINKS. A state directory nothing has registered in lists no\n"
        "container.\n"
        "\n"
        "Options:\n"
        "  --json                an array of objects with the keys name, id, pid,\n"
        "                        status, bundle, hostname, ipv4, ipv6, ports, links\n"
        "  --graph               print the links between running containers as Graphviz\n"
        "                        DOT\n"
        "  -h, --help            this text\n"
        "\n"
        "Reads:  STATE_DIR/names/*.json, without taking the lock; /proc, for liveness\n"
        "Writes: stdout only\n"
        "\n"
        "Example:\n"
        "  ocilink-hook list --json | jq -r '.[] | select(.status == \"running\") | .name'\n";

static const char help_explain[] =
        "Usage: ocilink-hook [GLOBAL OPTIONS] explain [-b DIR]\n"
        "\n"
        "What a start of the bundle DIR would inject, changing nothing: each link as\n"
        "'link NAME:ALIAS (source NAME, id ID, ADDRESS)' with the variables it gives and\n"
        "its hosts lines; a variable the start would not inject says why ('not injected:\n"
        "the container sets KEY itself', or an earlier link gives it). When a link\n"
        "cannot be made: 'a start would fail: REASON' on stdout, and exit 1.\n"
        "\n"
        "Options:\n"
        "  -b, --bundle DIR      the bundle directory (default: the current directory);\n"
        "                        also --bundle=DIR\n"
        "  -h, --help            this text\n"
        "\n"
        "Reads:  DIR/config.json; the registry, read-only\n"
        "Writes: stdout only\n"
        "\n"
        "Example:\n"
        "  ocilink-hook explain -b ./web\n";

static const struct command commands[] = {
        /* name, run, stage (for run_stage), opts, help */
        { "precreate", run_precreate, 0, OPT_FAIL_IN_RUNTIME, help_precreate },
        { "prepare", run_prepare, 0, OPT_BUNDLE | OPT_INSTALL_HOOKS, help_prepare },
        { "createRuntime", run_stage, STAGE_CREATE_RUNTIME, 0, help_createRuntime },
        { "prestart", run_stage, STAGE_PRESTART, 0, help_prestart },
        { "createContainer", run_stage, STAGE_CREATE_CONTAINER, 0, help_createContainer },
        { "poststart", run_stage, STAGE_POSTSTART, 0, help_poststart },
        { "poststop", run_stage, STAGE_POSTSTOP, 0, help_poststop },
        { "list", run_list, 0, OPT_JSON | OPT_GRAPH, help_list },
        { "explain", run_explain, 0, OPT_BUNDLE, help_explain },
};

static const char command_help_tail[] =
        "\n"
        "Global options, before COMMAND: --state-dir DIR (default $OCILINK_STATE_DIR,\n"
        "else /run/ocilink), --debug, --no-sandbox; see 'ocilink-hook --help' and\n"
        "ocilink-hook(1).\n";

static int usage_error(const struct command *c, const char *fmt, const char *arg)
        __attribute__((format(printf, 2, 0)));

static int usage_error(const struct command *c, const char *fmt, const char *arg)
{
        fprintf(stderr, "ocilink-hook: ");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        fprintf(stderr, fmt, arg);
#pragma GCC diagnostic pop
        fprintf(stderr, "\nTry 'ocilink-hook%s%s --help'.\n", c ? " " : "", c ? c->name : "");
        return 2;
}

static const struct command *find_command(const char *name)
{
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                if (STREQ(commands[i].name, name))
                        return &commands[i];
        return NULL;
}

/* Parses the options after COMMAND, argv[i..]; -h or --help ends the parsing. Returns 0, or 2 (usage). */
static int parse_cmd_opts(const struct command *c, int argc, char **argv, int i, struct cmd_opts *o)
{
        for (; i < argc; i++) {
                const char *a = argv[i];
                if (STREQ(a, "--help") || STREQ(a, "-h")) {
                        o->help = true;
                        return 0;
                } else if ((c->opts & OPT_BUNDLE) && (STREQ(a, "-b") || STREQ(a, "--bundle"))) {
                        if (i + 1 >= argc)
                                return usage_error(c, "%s needs a directory", a);
                        o->dir = argv[++i];
                } else if ((c->opts & OPT_BUNDLE) && strncmp(a, "--bundle=", 9) == 0)
                        o->dir = a + 9;
                else if ((c->opts & OPT_INSTALL_HOOKS) && STREQ(a, "--install-hooks"))
                        o->install_hooks = true;
                else if ((c->opts & OPT_JSON) && STREQ(a, "--json"))
                        o->json = true;
                else if ((c->opts & OPT_GRAPH) && STREQ(a, "--graph"))
                        o->graph = true;
                else if ((c->opts & OPT_FAIL_IN_RUNTIME) && STREQ(a, "--fail-in-runtime"))
                        o->fail_in_runtime = true;
                else
                        return usage_error(c, "unexpected argument '%s'", a);
        }
        if (o->json && o->graph)
                return usage_error(c, "%s", "--json and --graph exclude each other");
        return 0;
}

/* Start-up hygiene for a root process that reads container-controlled files. */
static void harden(void)
{
        (void) prctl(PR_SET_DUMPABLE, 0);
        umask(022);
        /* grow the heap in one step, not five brk calls (untouched pages cost no memory) */
        (void) mallopt(M_TOP_PAD, 1024 * 1024);
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

int main(int argc, char **argv)
{
        struct hook_ctx ctx = { 0 };
        _cleanup_free_ char *exe = NULL;
        struct cmd_opts o = { .dir = "." };
        const struct command *c;
        bool no_sandbox = false;
        int i, r;

        harden();
        ctx.state_dir = secure_getenv("OCILINK_STATE_DIR");
        for (i = 1; i < argc; i++) {
                const char *a = argv[i];
                if (STREQ(a, "--state-dir")) {
                        if (i + 1 >= argc)
                                return usage_error(NULL, "%s needs a directory", a);
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
                        return usage_error(NULL, "unknown option '%s'", a);
                else
                        break;
        }
        if (i >= argc)
                return usage_error(NULL, "%s", "no command given");
        c = find_command(argv[i]);
        if (!c)
                return usage_error(NULL, "unknown command '%s'", argv[i]);
        r = parse_cmd_opts(c, argc, argv, i + 1, &o);
        if (r)
                return r;
        if (o.help) {
                fputs(c->help, stdout);
                fputs(command_help_tail, stdout);
                return 0;
        }
        if (!ctx.state_dir || !*ctx.state_dir)
                ctx.state_dir = OCILINK_DEFAULT_STATE_DIR;
        if (ctx.state_dir[0] != '/')
                return usage_error(NULL, "the state directory '%s' must be an absolute path", ctx.state_dir);
        if (o.install_hooks)
                ctx.exe = exe = self_exe(); /* only for prepare --install-hooks: two readlinks cost 50 us */
        log_open(ctx.debug);
        if (!no_sandbox) {
                _cleanup_free_ char *err = NULL;
                if (sandbox_enter(&err) < 0)
                        return log_error(1, "%s", err);
                log_debug("entered the seccomp sandbox");
        }
        return c->run(&ctx, c, &o);
}

#pragma once

#include <stdbool.h>

#include "hook/ctx.h"

/* The commands of ocilink-hook. Each is a logging function: it reports its own failure on stderr
 * and syslog and returns the exit status (0 done, 1 a link cannot be made or bad input). */

enum stage {
        STAGE_PRESTART,
        STAGE_CREATE_RUNTIME,
        STAGE_CREATE_CONTAINER,
        STAGE_POSTSTART,
        STAGE_POSTSTOP,
};

int cmd_precreate(const struct hook_ctx *ctx, bool fail_in_runtime);
int cmd_prepare(const struct hook_ctx *ctx, const char *dir, bool install_hooks);
int cmd_explain(const struct hook_ctx *ctx, const char *dir);
int cmd_stage(const struct hook_ctx *ctx, enum stage stage);
enum list_format {
        LIST_TABLE,
        LIST_JSON,
        LIST_GRAPH, /* the links between running containers as Graphviz DOT */
};

int cmd_list(const struct hook_ctx *ctx, enum list_format format);

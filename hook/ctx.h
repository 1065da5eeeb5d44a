#pragma once

#include <stdbool.h>

/* What main() learned from argv and the environment, passed down explicitly (no globals). */
struct hook_ctx {
        const char *state_dir;
        bool debug;
        const char *exe; /* absolute path of this binary, for hook entries we install */
};

#define OCILINK_DEFAULT_STATE_DIR "/run/ocilink"

#pragma once

#include <seccomp.h>

/* The rules of the hook's seccomp sandbox, with libseccomp: kill by default, the syscalls the hook
 * needs allowed (some only with given arguments). Used at build time by sandbox-gen, which turns
 * them into the BPF program the hook loads (hook/sandbox.c), so the hook does not compile a
 * filter on every start. NULL on failure. */
scmp_filter_ctx sandbox_rules_build(void);

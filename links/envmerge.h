#pragma once

#include "links/strv.h"

/* Merges link variables into a recipient's process.env (spec "Merging"), pure:
 *  - entries whose key ocilink injected before (injected_before) are removed first, so a rerun
 *    replaces old values and drops the variables of links that are gone;
 *  - a link variable whose key the recipient's env already has (K=V, or a bare K) is not added:
 *    the recipient's own variables win;
 *  - of a key the links give twice, only the first is added.
 * ret_env receives the new env (recipient's entries in their order, then the added variables),
 * ret_injected the keys added now. */
void envmerge(char *const *env, size_t n_env, const struct strv *injected_before, const struct strv *link_vars,
              struct strv *ret_env, struct strv *ret_injected);
/* The key of an env entry: the bytes before the first '=', or the whole entry. */
char *env_key(const char *entry);

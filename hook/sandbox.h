#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>

/* The hook's own seccomp sandbox. Entered by main() before any input is read: from then on the
 * process can only do what the hook needs (files, a netlink socket, setns into a network
 * namespace, flock, syslog's already-open socket); anything else, execve and socket(AF_INET)
 * included, kills it with SIGSYS. Native architecture only; no_new_privs is set. The rules are in
 * sandbox-rules.c; libseccomp compiles them at build time (sandbox-gen) into sandbox_filter.
 * -errno with *reterr when the filter cannot be loaded. */
int sandbox_enter(char **reterr);

extern const struct sock_filter sandbox_filter[];
extern const unsigned short sandbox_filter_len;

#pragma once

/* The hook's own seccomp sandbox (libseccomp). Entered by main() before any input is read: from
 * then on the process can only do what the hook needs (files, a netlink socket, setns into a
 * network namespace, flock, syslog's already-open socket); anything else, execve and
 * socket(AF_INET) included, kills it with SIGSYS. Native architecture only; no_new_privs is set.
 * -errno with *reterr when the filter cannot be loaded. */
int sandbox_enter(char **reterr);

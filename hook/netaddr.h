#pragma once

#include <sys/types.h>

#include "links/addrs.h"

/* Addresses held by the network namespace of pid (pid 0: the caller's own), read with an
 * RTM_GETADDR netlink dump from a socket opened inside that namespace (setns into
 * /proc/<pid>/ns/net, socket, setns back). Loopback interfaces and host-scope addresses are
 * skipped; IPv4 addresses and global IPv6 addresses are listed in interface index order, then
 * dump order. Creates no process. Errors: -ESRCH (no such pid), -errno of setns/socket/recv. */
int netaddr_discover(pid_t pid, struct addr_list *ret);

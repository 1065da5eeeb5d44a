#pragma once

#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>

#include "links/limits.h"

/* A container's addresses, canonical text (inet_ntop), in preference order. */
struct addr_list {
        char v4[OCILINK_MAX_ADDRS][INET_ADDRSTRLEN];
        size_t n4;
        char v6[OCILINK_MAX_ADDRS][INET6_ADDRSTRLEN]; /* global IPv6 only */
        size_t n6;
};

/* Parses one IPv4 or IPv6 address (no zone id, no prefix) into canonical text.
 * An IPv4-mapped IPv6 address is unmapped to IPv4. -EINVAL if it is not an address. */
int addr_parse(const char *s, int *ret_family, char ret_text[INET6_ADDRSTRLEN]);
/* Adds a canonical address to the list (family from addr_parse); duplicates are ignored.
 * -E2BIG past OCILINK_MAX_ADDRS. */
int addr_list_add(struct addr_list *l, int family, const char *text);
/* "Global" IPv6: not loopback, link-local, multicast or unspecified. */
bool addr_is_global_v6(const struct in6_addr *a);

#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "links/strv.h"

/* Hosts lines of links and the in-file block that holds them (spec "Hosts lines"), pure.
 *
 * ocilink keeps a recipient's lines between two marker lines that carry only a fixed text and the
 * recipient's validated name, so a pod's shared hosts file can hold several recipients' blocks:
 *     # ocilink begin <owner>
 *     <IPv4>\t<alias> <hostname>[ <name>]
 *     <IPv6>\t<alias> <hostname>[ <name>]
 *     # ocilink end <owner>
 * Every byte outside the owner's block is kept. */

/* Appends the lines of one link: the IPv4 line, then the IPv6 line when ipv6 is set. The source
 * name is left out when it equals the alias; hostname may be NULL (then left out too). */
void hosts_link_lines(const char *alias, const char *hostname, const char *name, const char *ipv4,
                      const char *ipv6, struct buf *out);
/* Replaces owner's block in content by lines (appending a block where there is none; removing it
 * when lines is empty). -EBADMSG when the file holds a NUL byte or owner's markers are unbalanced
 * or repeated: then nothing is to be written. */
int hosts_set_block(const char *content, size_t len, const char *owner, const char *lines, size_t lines_len,
                    struct buf *ret);
/* In owner's block, replaces the lines whose first name is alias by lines (at the place of the
 * first) and drops padding lines (see hosts_pad_block). *ret_found tells whether there was such a
 * line; without one, ret is content unchanged. */
int hosts_replace_alias(const char *content, size_t len, const char *owner, const char *alias, const char *lines,
                        size_t lines_len, struct buf *ret, bool *ret_found);
/* Grows owner's block in content by exactly pad bytes (a comment line of spaces before its end
 * marker, or a blank line for pad 1), so that an in-place rewrite that would shrink the file can
 * be one write of the old length: a hook killed between a write and a truncate would otherwise
 * leave the new content followed by the old tail. -ENOENT when content has no such block. */
int hosts_pad_block(struct buf *content, const char *owner, size_t pad);
/* Parses owner's block: the link lines it holds (without markers), or an empty buf. */
int hosts_get_block(const char *content, size_t len, const char *owner, struct buf *ret, bool *ret_found);

#pragma once

/* Opening the hosts file a container will see, safely. The rootfs is container-controlled: every
 * step here assumes a hostile image (symlinks, FIFOs, devices, hard links, huge files). */

/* Opens <rootfs>/etc/hosts for reading and writing, resolving it inside rootfs as if it were "/"
 * (openat2 RESOLVE_IN_ROOT; without openat2, a component-by-component O_NOFOLLOW walk), refusing a
 * final symlink, anything but a regular file, a file with more than one hard link, one over
 * OCILINK_MAX_HOSTS_BYTES, and the host's own /etc/hosts. Creates etc/ and etc/hosts inside the
 * rootfs when missing (mode 0755 / 0644). Returns 0 and an fd, or -errno with *reterr set. */
int rootfs_open_hosts(const char *rootfs, int *ret_fd, char **reterr);
/* The same checks for an engine-managed file (the source of a recipient's /etc/hosts mount):
 * an absolute path whose last component must not be a symlink; never created. */
int engine_open_hosts(const char *path, int *ret_fd, char **reterr);

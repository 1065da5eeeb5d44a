#!/bin/sh
# install-deps.sh: the Debian 12 packages ocilink needs to build, test and demo, and to build and
# check its Debian package (git, dpkg-dev, debhelper, lintian: tests/package/test-deb.sh); scdoc
# builds the manual pages; man-db, groff-base and bsdextrautils (col) render them in the docs
# tests; systemd-tmpfiles, from systemd, checks the installed tmpfiles.d entry.
set -eu
[ "$(id -u)" = 0 ] || { echo "install-deps.sh: run as root (sudo)" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
PKGS="build-essential meson ninja-build pkg-config libyajl-dev libseccomp-dev libcmocka-dev
      runc crun podman netavark aardvark-dns conmon uidmap busybox-static iproute2 jq
      util-linux procps valgrind clang libclang-rt-14-dev fuse-overlayfs slirp4netns iptables
      git scdoc dpkg-dev debhelper lintian man-db groff-base bsdextrautils systemd graphviz"
missing=$(for p in $PKGS; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"; done)
if [ -n "$missing" ]; then
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq $missing
fi

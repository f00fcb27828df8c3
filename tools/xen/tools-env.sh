# SPDX-License-Identifier: GPL-2.0
# Sourced by the scripts that build Xen's toolstack (build-tools.sh, and
# tools/series/check-bisect.sh for each patch): what the lab's dom0 runs,
# and how a tree is configured for it.

# libxenctrl, libxenlight, xl, xenstored, xenconsoled, helpers, hotplug
# scripts, misc tools.
TOOLS_SUBDIRS=(tools/include tools/libs tools/xl tools/xenstore tools/console
	tools/helpers tools/hotplug tools/misc)

# tools_configure TREE: configure TREE's toolstack once (config/Tools.mk).
tools_configure() {
	[ -f "$1/config/Tools.mk" ] && return 0
	# The Debian-patched tree ships no configure script.
	cp /usr/share/autoconf/build-aux/config.guess \
		/usr/share/autoconf/build-aux/config.sub "$1"
	(cd "$1" && ./autogen.sh >/dev/null &&
		./configure --quiet --prefix=/usr --sysconfdir=/etc \
			--localstatedir=/var --disable-docs --disable-stubdom \
			--disable-qemu-traditional \
			--with-system-qemu=/usr/bin/qemu-system-x86_64 \
			--disable-seabios --disable-rombios --disable-ipxe \
			--disable-ovmf --disable-ocamltools --disable-golang \
			--disable-xsmpolicy --disable-monitors --disable-pvshim \
			--disable-werror CC="ccache gcc")
}

# tools_make TREE JOBS: build every subdir of TOOLS_SUBDIRS in TREE.
tools_make() {
	local d
	for d in "${TOOLS_SUBDIRS[@]}"; do
		make -s -j"$2" -C "$1/$d" CC="ccache gcc"
	done
}

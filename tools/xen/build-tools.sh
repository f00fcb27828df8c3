#!/usr/bin/env bash
# Build the parts of the Xen toolstack the lab's dom0 runs (libxenctrl,
# libxenlight, xl, xenstored, xenconsoled, helpers, hotplug scripts) from a
# prepared tree, and install them into DESTDIR.
#
# usage: build-tools.sh TREE DESTDIR
set -euo pipefail

tree=$(cd "$1" && pwd)
mkdir -p "$2"
destdir=$(cd "$2" && pwd)
jobs=${JOBS:-2}

cd "$tree"
if [ ! -f config/Tools.mk ]; then
	# The Debian-patched tree ships no configure script.
	cp /usr/share/autoconf/build-aux/config.guess /usr/share/autoconf/build-aux/config.sub .
	./autogen.sh >/dev/null
	./configure --quiet --prefix=/usr --sysconfdir=/etc --localstatedir=/var \
		--disable-docs --disable-stubdom --disable-qemu-traditional \
		--with-system-qemu=/usr/bin/qemu-system-x86_64 --disable-seabios \
		--disable-rombios --disable-ipxe --disable-ovmf --disable-ocamltools \
		--disable-golang --disable-xsmpolicy --disable-monitors --disable-pvshim \
		--disable-werror CC="ccache gcc"
fi

subdirs=(tools/include tools/libs tools/xl tools/xenstore tools/console tools/helpers tools/hotplug tools/misc)
for d in "${subdirs[@]}"; do
	make -s -j"$jobs" -C "$d" CC="ccache gcc"
done
rm -rf "$destdir"
for d in "${subdirs[@]}"; do
	make -s -C "$d" install DESTDIR="$destdir" CC="ccache gcc" >/dev/null
done
echo "build-tools: installed into $destdir"

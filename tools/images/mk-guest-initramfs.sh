#!/usr/bin/env bash
# Build the lab guests' initramfs: static busybox, the project's static test
# workloads and the guest-side scenario scripts; the .ko files of each
# MODULE_DIR in /lab/modules; with GUEST_KMOD_DIR set, that tree (one
# directory of modules per stock kernel release) as /lab/kmod.
#
# usage: [GUEST_KMOD_DIR=DIR] mk-guest-initramfs.sh TOP OUT_CPIO [MODULE_DIR...]
set -euo pipefail

top=$(realpath "$1")
out=$(realpath -m "$2")
shift 2
root="$out.root"

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,mnt,root,lab/bin,lab/run}
cp /bin/busybox "$root/bin/busybox"
for app in $("$root/bin/busybox" --list); do
	[ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"
done
for src in "$top"/tests/e2e/workloads/*.c; do
	gcc -static -O2 -Wall -Wextra -Werror -o "$root/lab/bin/$(basename "$src" .c)" "$src"
done
cp "$top"/tests/e2e/guest/*.sh "$root/lab/run/"
mkdir -p "$root/lab/modules"
for d in "$@"; do
	for ko in "$d"/*.ko; do
		[ -f "$ko" ] && cp "$ko" "$root/lab/modules/"
	done
done
if [ -n "${GUEST_KMOD_DIR:-}" ]; then
	cp -a "$GUEST_KMOD_DIR" "$root/lab/kmod"
fi
cp "$top/tools/lab/guest-init.sh" "$root/init"
chmod 755 "$root/init"
# Same inputs, same bytes (fixed times and inode numbers): the dom0 image
# that carries this one is then remade only when something really changed.
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet --reproducible) > "$out.tmp"
rm -rf "$root"
if cmp -s "$out.tmp" "$out"; then
	rm -f "$out.tmp"
else
	mv "$out.tmp" "$out"
fi
echo "mk-guest-initramfs: $(du -h "$out" | cut -f1) at $out"

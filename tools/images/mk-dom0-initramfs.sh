#!/usr/bin/env bash
# Build the lab's dom0 initramfs: static busybox, the self-built Xen
# toolstack and every shared library it needs (taken from this Debian
# machine), bash and flock for the hotplug scripts, the Xen driver modules of
# the Debian dom0 kernel, the lab's dom0 scripts and the guest artefacts.
#
# usage: mk-dom0-initramfs.sh DOM0_PKG TOOLS_DIST GUEST_DIR TOP OUT_CPIO
set -euo pipefail

dom0_pkg=$(realpath "$1")
dist=$(realpath "$2")
guest_dir=$(realpath "$3")
top=$(realpath "$4")
out=$(realpath -m "$5")

# Host programs that replace busybox's applets in the image: one list for
# the copy below and for the up-to-date hash.
host_tools=(/bin/bash /usr/bin/flock /sbin/losetup /usr/bin/stat /usr/bin/readlink)

# Up to date when nothing that goes into the image changed: a hash over
# the contents of every input (under a second, instead of rebuilding 40 MB).
# The pinned dom0 kernel's 100 MB of modules are named and sized, not read
# (and depmod's index beside them, rewritten by every build, is left out).
inputs_hash() {
	{
		find "$dist" "$guest_dir" "$top/tools/lab" "$top/tests/e2e" \
			"$top/tools/bench" "$top/tools/policy" "$0" -type f -print0 |
			LC_ALL=C sort -z | xargs -0 sha1sum
		find "$dom0_pkg/usr/lib/modules" -type f -name '*.ko*' -printf '%P %s\n' |
			LC_ALL=C sort
		for b in /bin/busybox "${host_tools[@]}"; do
			sha1sum "$(realpath "$b")"
		done
	} | sha1sum | cut -d' ' -f1
}
hash=$(inputs_hash)
if [ -f "$out" ] && [ "$(cat "$out.inputs" 2>/dev/null)" = "$hash" ]; then
	echo "mk-dom0-initramfs: up to date ($out)"
	exit 0
fi
rm -f "$out.inputs"

root="$out.root"
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,run,tmp,var/log,var/lib,root,lab,lib64,usr/lib}
ln -s ../run "$root/var/run"

# --- busybox, and the host tools busybox lacks --------------------------
cp /bin/busybox "$root/bin/busybox"
for app in $("$root/bin/busybox" --list); do
	[ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"
done

copy_host_binary() {
	# Replace any busybox applet of the same name with the real program.
	local src=$1 dst="$root/bin/$(basename "$1")"
	rm -f "$dst"
	cp -L "$src" "$dst"
}
for b in "${host_tools[@]}"; do
	copy_host_binary "$b"
done

# --- the toolstack ------------------------------------------------------
cp -a "$dist/." "$root/"
# Debian-style paths the hotplug scripts and libxl expect.
mkdir -p "$root/var/lib/xen" "$root/var/log/xen"

# --- shared libraries ---------------------------------------------------
# Every dynamic ELF in the image, resolved against the toolstack's own
# libraries first, then the host's.
libpath="$dist/usr/lib:$dist/usr/lib64"
declare -A seen=()
while IFS= read -r -d '' f; do
	case "$(file -b "$f")" in *'dynamically linked'*) ;; *) continue ;; esac
	while read -r lib; do
		[ -n "$lib" ] || continue
		case "$lib" in "$dist"/*) continue ;; esac
		[ -n "${seen[$lib]:-}" ] && continue
		seen[$lib]=1
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done < <(LD_LIBRARY_PATH=$libpath ldd "$f" 2>/dev/null |
		awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }')
done < <(find "$root/bin" "$root/usr" -type f -print0)
# xl needs libgcc_s for pthread_cancel, which is dlopen()ed, not linked.
gcc_s=$(gcc -print-file-name=libgcc_s.so.1)
cp -L "$gcc_s" "$root/usr/lib/libgcc_s.so.1"
if [ -d "$root/lib/x86_64-linux-gnu" ]; then
	cp -L /lib/x86_64-linux-gnu/libgcc_s.so.1 "$root/lib/x86_64-linux-gnu/" 2>/dev/null || true
fi
cat > "$root/etc/ld.so.conf" <<EOF
/usr/lib
/usr/lib64
/lib/x86_64-linux-gnu
/usr/lib/x86_64-linux-gnu
EOF
/sbin/ldconfig -r "$root" 2>/dev/null || true

# --- dom0 kernel modules ------------------------------------------------
kver=$(ls "$dom0_pkg/usr/lib/modules")
depmod -b "$dom0_pkg/usr" "$kver"
mods=(xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc xen-blkback loop virtio_blk)
mkdir -p "$root/lib/modules"
: > "$root/lib/modules/load-order"
for m in "${mods[@]}"; do
	while read -r cmd path _; do
		[ "$cmd" = insmod ] || continue
		name=$(basename "$path")
		name=${name%.xz}
		name=${name%.zst}
		[ -e "$root/lib/modules/$name" ] && continue
		case "$path" in
		*.xz) xz -dc "$path" > "$root/lib/modules/$name" ;;
		*.zst) zstd -qdc "$path" > "$root/lib/modules/$name" ;;
		*) cp "$path" "$root/lib/modules/$name" ;;
		esac
		echo "$name" >> "$root/lib/modules/load-order"
	done < <(modprobe -d "$dom0_pkg/usr" -S "$kver" --show-depends "$m")
done

# --- the lab: init, scenario library, scenarios, guest artefacts ---------
cp "$top/tools/lab/dom0-init.sh" "$root/init"
chmod 755 "$root/init"
cp "$top/tools/lab/dom0-lib.sh" "$root/lab/"
mkdir -p "$root/lab/scenarios" "$root/lab/guest"
cp "$top"/tests/e2e/*.sh "$top"/tools/bench/*.sh "$root/lab/scenarios/"
cp -a "$guest_dir/." "$root/lab/guest/"
# the host-side policy tools, as a host would have them
mkdir -p "$root/usr/sbin"
install -m 755 "$top/tools/policy/tmem-maxmem.sh" "$root/usr/sbin/tmem-maxmem"

# dom0's memory is fixed by dom0_mem: xl must not balloon it down.
mkdir -p "$root/etc/xen"
echo 'autoballoon="off"' > "$root/etc/xen/xl.conf"
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"

(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) > "$out"
rm -rf "$root"
echo "$hash" > "$out.inputs"
echo "mk-dom0-initramfs: $(du -h "$out" | cut -f1) at $out"

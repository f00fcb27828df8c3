#!/usr/bin/env bash
# Build virtswap-dkms_VERSION_all.deb: virtswap's source as DKMS wants it
# in /usr/src/virtswap-VERSION (the in-tree driver, its compatibility
# header, the external Kbuild, dkms.conf and the build helper), its
# documentation, and maintainer scripts that add it to DKMS and build it
# for the installed kernels that have headers.
#
# usage: mk-dkms-deb.sh TOP OUT_DIR VERSION
set -euo pipefail

top=$(realpath "$1")
out=$(realpath -m "$2")
ver=$3
stage="$out/virtswap-dkms.root"
src="$stage/usr/src/virtswap-$ver"
rm -rf "$stage"
mkdir -p "$src" "$stage/DEBIAN" "$stage/usr/share/doc/virtswap-dkms"

cp "$top/drivers/block/virtswap.c" "$top/drivers/block/virtswap_compat.h" \
	"$top/tools/virtswap/Kbuild" "$src/"
cp "$top/tools/kernel/build-external-module.sh" "$src/virtswap-make"
sed "s/@VERSION@/$ver/" "$top/tools/virtswap/dkms.conf.in" > "$src/dkms.conf"
cp "$top/Documentation/admin-guide/blockdev/virtswap.rst" "$stage/usr/share/doc/virtswap-dkms/"
cat > "$stage/usr/share/doc/virtswap-dkms/copyright" <<EOC
virtswap: a swap disk in Xen transcendent memory.
License: GPL-2.0 (see /usr/share/common-licenses/GPL-2).
EOC

cat > "$stage/DEBIAN/control" <<EOC
Package: virtswap-dkms
Version: $ver
Architecture: all
Section: kernel
Priority: optional
Depends: dkms (>= 2.8)
Maintainer: tmem-xen developers <tmem-xen@example.invalid>
Description: swap disk in Xen transcendent memory (DKMS source)
 virtswap gives a Xen guest /dev/virtswapN block devices for swap whose
 pages the hypervisor keeps in a persistent tmem pool (hypercall 38), with
 an optional backing device for the pages tmem refuses. It needs no kernel
 patch: DKMS builds it for the guest's own distribution kernel.
EOC
cat > "$stage/DEBIAN/postinst" <<EOC
#!/bin/sh
set -e
if [ "\$1" = configure ]; then
	dkms add -m virtswap -v $ver >/dev/null 2>&1 || true
	# Every installed kernel with headers; one without is skipped.
	for k in /lib/modules/*; do
		r=\$(basename "\$k")
		[ -e "\$k/build/Makefile" ] || continue
		dkms install -m virtswap -v $ver -k "\$r" ||
			echo "virtswap-dkms: could not build for \$r" >&2
	done
fi
exit 0
EOC
cat > "$stage/DEBIAN/prerm" <<EOC
#!/bin/sh
set -e
dkms remove -m virtswap -v $ver --all >/dev/null 2>&1 || true
exit 0
EOC
chmod 755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm" "$src/virtswap-make"
deb="$out/virtswap-dkms_${ver}_all.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
rm -rf "$stage"
echo "mk-dkms-deb: $deb"

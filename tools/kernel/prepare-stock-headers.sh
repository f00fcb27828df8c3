#!/usr/bin/env bash
# Unpack a Debian kernel's packaged headers (linux-headers-*-amd64, -common
# and linux-kbuild-*) into ROOT so that external modules build against them
# without installing anything: the Makefile's absolute include of the
# -common tree is pointed into ROOT, and every kbuild host program that
# cannot run on this machine (built against a newer C library: trixie's on
# a bookworm host) is replaced by the same program from HOST_OBJ, an object
# tree of the same kernel source built here.
#
# usage: prepare-stock-headers.sh ROOT HOST_OBJ DEB...
set -euo pipefail

root=$(realpath -m "$1")
host_obj=$(realpath "$2")
shift 2
start=$(date +%s)

rm -rf "$root"
mkdir -p "$root"
for deb in "$@"; do
	dpkg -x "$deb" "$root"
done
hdr=$(echo "$root"/usr/src/linux-headers-*-amd64)
[ -f "$hdr/Makefile" ] || { echo "prepare-stock-headers: no headers tree in $root" >&2; exit 1; }
sed -i "s|^include /usr/src/|include $root/usr/src/|" "$hdr/Makefile"

kbuild=$(echo "$root"/usr/lib/linux-kbuild-*)
replaced=0
while IFS= read -r -d '' f; do
	# Whole outputs first: with pipefail, `ldd | grep -q` fails whenever
	# grep's early exit kills ldd with SIGPIPE, which skipped programs at
	# random.
	kind=$(file -b "$f")
	case "$kind" in ELF*) ;; *) continue ;; esac
	libs=$(ldd "$f" 2>&1 || true)
	case "$libs" in *"not found"*) ;; *) continue ;; esac
	rel=${f#"$kbuild"/}
	# Debian's wrappers exec NAME.real-*; ours is the program itself.
	base=${rel%%.real-*}
	if [ -x "$host_obj/$base" ]; then
		cp "$host_obj/$base" "$f"
		replaced=$((replaced + 1))
	else
		echo "prepare-stock-headers: $rel cannot run here and $host_obj has no $base" >&2
		rm -f "$f"
	fi
done < <(find "$kbuild" -type f -perm -u+x -print0)
echo "prepare-stock-headers: $(basename "$hdr") in $root, $replaced host programs" \
	"replaced from $host_obj ($(($(date +%s) - start)) s)"

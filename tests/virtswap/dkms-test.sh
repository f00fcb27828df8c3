#!/usr/bin/env bash
# The virtswap-dkms package as a Debian user meets it: dpkg -i, DKMS builds
# the module against Debian's packaged headers of each stock kernel
# (trixie's 6.12, bookworm's 6.1: HDR trees from prepare-stock-headers.sh),
# each result is a module for that exact kernel, dpkg -r leaves nothing.
# The package is removed again whatever happens. TAP output.
#
# usage: dkms-test.sh DEB VERSION KREL:HDR...
set -euo pipefail

deb=$(realpath "$1")
ver=$2
shift 2
n=0 failed=0
ok() {
	n=$((n + 1))
	if "${@:2}"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		failed=$((failed + 1))
	fi
}
cleanup() {
	dpkg -r virtswap-dkms >/dev/null 2>&1 || true
}
trap cleanup EXIT

command -v dkms >/dev/null || { echo "dkms-test: dkms is not installed (make deps)" >&2; exit 1; }
echo "1..$((3 + 3 * $#))"
ok "dpkg -i $(basename "$deb")" dpkg -i "$deb"
ok "DKMS knows virtswap $ver" sh -c "dkms status -m virtswap -v $ver | grep -q virtswap"
for kh in "$@"; do
	k=${kh%%:*}
	hdr=${kh#*:}
	t0=$(date +%s)
	ok "dkms build for $k against its packaged headers" \
		dkms build -m virtswap -v "$ver" -k "$k" --kernelsourcedir "$hdr"
	ko=/var/lib/dkms/virtswap/$ver/$k/x86_64/module/virtswap.ko
	[ -f "$ko" ] || ko=$ko.xz
	ok "the module DKMS built is there ($ko)" test -f "$ko"
	vm=$(/sbin/modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)
	ok "its vermagic is $k's ($vm)" test "$vm" = "$k"
	echo "# $k: $(($(date +%s) - t0)) s"
done
ok "dpkg -r virtswap-dkms leaves no source and no DKMS entry" sh -c \
	"dpkg -r virtswap-dkms >/dev/null && ! test -e /usr/src/virtswap-$ver && ! dkms status -m virtswap | grep -q ."
echo "# dkms-test: $failed of $n checks failed"
[ "$failed" -eq 0 ]

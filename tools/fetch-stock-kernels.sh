#!/usr/bin/env bash
# Fetch the stock Debian kernels virtswap is built and tested against: the
# packaged headers (and the kbuild tools they need) of trixie's 6.12 and
# bookworm's 6.1, and bookworm's 6.1 kernel image (trixie's 6.12 image is
# already the lab's dom0 kernel). Through the private apt state that
# tools/fetch-sources.sh set up (run that first); the machine's /etc/apt is
# never touched.
#
# usage: fetch-stock-kernels.sh APT_DIR CACHE_DIR
set -euo pipefail

apt_dir=$(cd "$1" && pwd)
mkdir -p "$2"
cache=$(cd "$2" && pwd)
start=$(date +%s)

# package=version, each checked after download.
PINNED=(
	"linux-headers-6.12.117+deb13-amd64=6.12.117-1"
	"linux-headers-6.12.117+deb13-common=6.12.117-1"
	"linux-kbuild-6.12.117+deb13=6.12.117-1"
	"linux-headers-6.1.0-50-amd64=6.1.176-1"
	"linux-headers-6.1.0-50-common=6.1.176-1"
	"linux-kbuild-6.1=6.1.176-1"
	"linux-image-6.1.0-50-amd64-unsigned=6.1.176-1"
)

# The private apt state (sources.list) is fetch-sources.sh's.
[ -r "$apt_dir/sources.list" ] || "$(dirname "$0")/fetch-sources.sh" "$1" "$2"
. "$(dirname "$0")/apt-private.sh"
updated=0

cd "$cache"
for pv in "${PINNED[@]}"; do
	pkg=${pv%%=*}
	ver=${pv#*=}
	if ! ls "${pkg}_${ver}_"*.deb >/dev/null 2>&1 && [ "$updated" = 0 ] &&
		[ -z "$(find "$apt_dir/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null)" ]; then
		echo "fetch-stock-kernels: updating the private package lists"
		apt-get "${apt_opts[@]}" update || {
			echo "fetch-stock-kernels: 'apt-get update' on the private state failed" >&2
			exit 1
		}
		updated=1
	fi
	if ! ls "${pkg}_${ver}_"*.deb >/dev/null 2>&1; then
		echo "fetch-stock-kernels: downloading $pkg $ver"
		apt-get "${apt_opts[@]}" download "$pkg=$ver" || {
			echo "fetch-stock-kernels: failed to download $pkg version $ver;" \
				"check the network, then run 'make stock-kernels' again" >&2
			exit 1
		}
	fi
	deb=$(ls "${pkg}_${ver}_"*.deb | head -n 1)
	got=$(dpkg-deb -f "$deb" Version)
	[ "$got" = "$ver" ] || {
		echo "fetch-stock-kernels: $deb has version $got, expected $ver" >&2
		exit 1
	}
done
echo "fetch-stock-kernels: stock kernel packages present in $cache ($(($(date +%s) - start)) s)"

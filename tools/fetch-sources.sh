#!/usr/bin/env bash
# Fetch the pinned inputs from Debian's archive through a private apt state.
#
# The machine's own apt configuration is only read (for the mirror it already
# uses); lists and downloads live under $APT_DIR and $CACHE, never in /etc/apt
# or /var/lib/apt.
#
# usage: fetch-sources.sh APT_DIR CACHE_DIR
set -euo pipefail

mkdir -p "$1" "$2"
apt_dir=$(cd "$1" && pwd)
cache=$(cd "$2" && pwd)

XEN_VERSION=4.17.5+72-g01140da4e8-1
LINUX_SOURCE_PKG=linux-source-6.12
LINUX_SOURCE_VERSION=6.12.117-1
# Dom0 runs a stock Debian kernel of the same upload as the guest's source.
DOM0_IMAGE_PKG=linux-image-6.12.117+deb13-amd64-unsigned
DOM0_IMAGE_VERSION=$LINUX_SOURCE_VERSION

start=$(date +%s)
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$cache"

# The archive the machine already uses (first URI of its debian.sources or
# sources.list), so this works behind whatever mirror the machine is set up for.
mirror=""
if [ -r /etc/apt/sources.list.d/debian.sources ]; then
	mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)
fi
if [ -z "$mirror" ] && [ -r /etc/apt/sources.list ]; then
	mirror=$(awk '$1 == "deb" && $2 !~ /^\[/ { print $2; exit }' /etc/apt/sources.list)
fi
if [ -z "$mirror" ]; then
	echo "fetch-sources: cannot find the machine's Debian mirror in /etc/apt" >&2
	exit 1
fi

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cat > "$apt_dir/sources.list" <<EOF
deb [signed-by=$keyring] $mirror bookworm main
deb-src [signed-by=$keyring] $mirror bookworm main
deb [signed-by=$keyring] $mirror trixie main
EOF

. "$(dirname "$0")/apt-private.sh"
mkdir -p "$apt_dir/sources.list.d"

retry_hint() {
	echo "fetch-sources: failed to download $1 version $2." >&2
	echo "  Check the network and the archive, then run 'make sources' again." >&2
	exit 1
}

need_update=1
if [ -n "$(find "$apt_dir/lists" -maxdepth 1 -name '*Sources*' -mmin -1440 2>/dev/null)" ]; then
	need_update=0
fi

have() { [ -e "$cache/$1" ]; }

xen_dsc="xen_${XEN_VERSION}.dsc"
linux_deb="${LINUX_SOURCE_PKG}_${LINUX_SOURCE_VERSION}_all.deb"
dom0_deb="${DOM0_IMAGE_PKG}_${DOM0_IMAGE_VERSION}_amd64.deb"

if ! have "$xen_dsc" || ! have "$linux_deb" || ! have "$dom0_deb"; then
	if [ "$need_update" = 1 ]; then
		echo "fetch-sources: updating the private package lists"
		apt-get "${apt_opts[@]}" update || {
			echo "fetch-sources: 'apt-get update' on the private state failed" >&2
			exit 1
		}
	fi
fi

cd "$cache"
if ! have "$xen_dsc"; then
	echo "fetch-sources: downloading source package xen $XEN_VERSION"
	apt-get "${apt_opts[@]}" source --download-only "xen=$XEN_VERSION" ||
		retry_hint "source package xen" "$XEN_VERSION"
fi

if ! have "$linux_deb"; then
	echo "fetch-sources: downloading $LINUX_SOURCE_PKG $LINUX_SOURCE_VERSION"
	apt-get "${apt_opts[@]}" download "$LINUX_SOURCE_PKG=$LINUX_SOURCE_VERSION" ||
		retry_hint "$LINUX_SOURCE_PKG" "$LINUX_SOURCE_VERSION"
fi

if ! have "$dom0_deb"; then
	echo "fetch-sources: downloading $DOM0_IMAGE_PKG $DOM0_IMAGE_VERSION (dom0 kernel)"
	apt-get "${apt_opts[@]}" download "$DOM0_IMAGE_PKG=$DOM0_IMAGE_VERSION" ||
		retry_hint "$DOM0_IMAGE_PKG" "$DOM0_IMAGE_VERSION"
fi

# Verify what we hold is what we pinned.
dsc_version=$(awk '/^Version:/ { print $2; exit }' "$xen_dsc")
[ "$dsc_version" = "$XEN_VERSION" ] || {
	echo "fetch-sources: $xen_dsc says version $dsc_version, expected $XEN_VERSION" >&2
	exit 1
}
for deb in "$linux_deb" "$dom0_deb"; do
	v=$(dpkg-deb -f "$deb" Version)
	[ "$v" = "$LINUX_SOURCE_VERSION" ] || {
		echo "fetch-sources: $deb has version $v, expected $LINUX_SOURCE_VERSION" >&2
		exit 1
	}
done
echo "fetch-sources: pinned inputs present in $cache ($(($(date +%s) - start)) s)"

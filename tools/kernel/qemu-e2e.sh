#!/usr/bin/env bash
# End-to-end test of the frontswap and cleancache hooks without Xen.
#
# usage: qemu-e2e.sh BZIMAGE MODULE_DIR WORKDIR
#
# Boots the guest kernel under bare QEMU (TCG) with two virtio disks (swap,
# ext4), an initramfs with busybox and tmem_ramback.ko (a RAM backend for
# frontswap and cleancache), and runs real workloads through the real
# hooks: swap out/in with the backend filling up (stores refused -> disk),
# slot frees, swapoff with pages in the backend, frontswap + zswap together,
# and cleancache puts/gets, truncation and O_DIRECT writes that must never
# return stale data, unmount.  Every check prints "E2E: PASS|FAIL name";
# exits non-zero on any FAIL or if the guest did not finish.
set -euo pipefail

bzimage=$1 moddir=$2 work=$3
mkdir -p "$work"
root=$work/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,mnt,data}
cp /bin/busybox "$root"/bin/busybox
cp "$moddir"/tmem_ramback.ko "$root"/
cat >"$root"/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t debugfs debugfs /sys/kernel/debug
D=/sys/kernel/debug
fails=0
check() {
	name=$1
	shift
	if "$@"; then
		echo "E2E: PASS $name"
	else
		echo "E2E: FAIL $name"
		fails=$((fails + 1))
	fi
}
v() { cat $D/$1; }
gt0() { [ "$(v "$1")" -gt 0 ]; }
same() { [ "$1" = "$2" ]; }
sum() { md5sum "$1" | cut -d' ' -f1; }
show() { for f in "$@"; do echo "E2E: $f=$(v "$f")"; done; }
pool_made() { dmesg | grep 'tmem_ramback: cleancache: pool' >/dev/null; }

check no_backend_no_stores same "$(v frontswap/succ_stores)" 0
insmod /tmem_ramback.ko max_pages=8192
check ramback_loaded grep -q tmem_ramback /proc/modules

# --- frontswap: swap ~120 MiB through a 256 MiB guest ----------------------
mkswap /dev/vda >/dev/null
swapon /dev/vda
check swapon grep -q /dev/vda /proc/swaps
mount -t tmpfs -o size=600M tmpfs /data
dd if=/dev/urandom bs=1M count=150 2>/dev/null | tee /data/a | md5sum | cut -d' ' -f1 >/tmp/a.sum
dd if=/dev/urandom bs=1M count=120 2>/dev/null | tee /data/b | md5sum | cut -d' ' -f1 >/tmp/b.sum
grep -E 'Swap(Total|Free)' /proc/meminfo
show frontswap/succ_stores frontswap/failed_stores frontswap/stored_pages
check fs_stores gt0 frontswap/succ_stores
check fs_backend_full_goes_to_disk gt0 frontswap/failed_stores
check fs_data_b_intact same "$(sum /data/b)" "$(cat /tmp/b.sum)"
check fs_loads gt0 frontswap/loads
check fs_no_load_errors same "$(v frontswap/load_errors)" 0
# /data/a went out first, into the backend: freeing its slots drops them
inv=$(v frontswap/invalidates)
rm /data/a
check fs_slot_free_invalidates [ "$(v frontswap/invalidates)" -gt "$inv" ]
rm /data/b
# swapoff with pages in the backend and on disk
dd if=/dev/urandom bs=1M count=170 2>/dev/null | tee /data/e | md5sum | cut -d' ' -f1 >/tmp/e.sum
show frontswap/stored_pages
check fs_backend_holds_pages gt0 frontswap/stored_pages
swapoff /dev/vda
check swapoff_ok same "$(grep -c /dev/vda /proc/swaps)" 0
check swapoff_backend_empty same "$(v frontswap/stored_pages)" 0
check fs_data_e_intact_after_swapoff same "$(sum /data/e)" "$(cat /tmp/e.sum)"
rm /data/e

# --- frontswap and zswap together: compressible, non-zero data --------------
swapon /dev/vda
echo 1 >/sys/module/zswap/parameters/enabled
fs0=$(v frontswap/succ_stores)
yes "frontswap then zswap $RANDOM" | dd bs=1M count=150 iflag=fullblock 2>/dev/null | tee /data/c | md5sum | cut -d' ' -f1 >/tmp/c.sum
yes "and then the disk $RANDOM" | dd bs=1M count=120 iflag=fullblock 2>/dev/null | tee /data/d | md5sum | cut -d' ' -f1 >/tmp/d.sum
show frontswap/succ_stores frontswap/failed_stores frontswap/stored_pages
echo "E2E: zswap stored_pages=$(cat $D/zswap/stored_pages)"
check zswap_fs_first [ "$(v frontswap/succ_stores)" -gt "$fs0" ]
check zswap_takes_refused [ "$(cat $D/zswap/stored_pages)" -gt 0 ]
check zswap_data_c_intact same "$(sum /data/c)" "$(cat /tmp/c.sum)"
check zswap_data_d_intact same "$(sum /data/d)" "$(cat /tmp/d.sum)"
rm /data/c /data/d
swapoff /dev/vda
check zswap_swapoff_backend_empty same "$(v frontswap/stored_pages)" 0
echo 0 >/sys/module/zswap/parameters/enabled
umount /data

# --- cleancache on ext4 ------------------------------------------------------
mount -t ext4 /dev/vdb /mnt
check cc_pool pool_made
dd if=/dev/urandom of=/mnt/f bs=1M count=24 2>/dev/null
sync
s1=$(sum /mnt/f)
echo 3 >/proc/sys/vm/drop_caches
show cleancache/puts cleancache/succ_gets cleancache/failed_gets
check cc_puts gt0 cleancache/puts
g=$(v cleancache/succ_gets)
check cc_read_back_intact same "$(sum /mnt/f)" "$s1"
check cc_gets [ "$(v cleancache/succ_gets)" -gt "$g" ]
# truncate + rewrite: the old pages must not come back
echo 3 >/proc/sys/vm/drop_caches
dd if=/dev/urandom of=/mnt/f bs=1M count=24 2>/dev/null
sync
s2=$(sum /mnt/f)
echo 3 >/proc/sys/vm/drop_caches
check cc_no_stale_after_truncate same "$(sum /mnt/f)" "$s2"
# O_DIRECT write behind the page cache: the old pages must not come back
echo 3 >/proc/sys/vm/drop_caches
dd if=/dev/urandom of=/tmp/patch bs=1M count=1 2>/dev/null
dd if=/tmp/patch of=/mnt/f bs=1M seek=3 count=1 conv=notrunc oflag=direct 2>/dev/null
check cc_no_stale_after_dio same \
	"$(dd if=/mnt/f bs=1M skip=3 count=1 2>/dev/null | md5sum | cut -d' ' -f1)" \
	"$(sum /tmp/patch)"
s3=$(sum /mnt/f)
echo 3 >/proc/sys/vm/drop_caches
fsinv=$(v cleancache/fs_invalidates)
umount /mnt
check cc_umount_destroys_pool [ "$(v cleancache/fs_invalidates)" -gt "$fsinv" ]
mount -t ext4 /dev/vdb /mnt
check cc_remount_intact same "$(sum /mnt/f)" "$s3"
umount /mnt
show cleancache/puts cleancache/succ_gets cleancache/failed_gets \
	cleancache/failed_puts cleancache/invalidates \
	cleancache/inode_invalidates cleancache/fs_invalidates
show frontswap/loads frontswap/succ_stores frontswap/failed_stores \
	frontswap/invalidates frontswap/load_errors

echo "E2E: DONE fails=$fails"
poweroff -f
INIT
chmod +x "$root"/init
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work"/initramfs.gz

truncate -s 512M "$work"/swap.img
rm -f "$work"/ext4.img
truncate -s 128M "$work"/ext4.img
mkfs.ext4 -q -F "$work"/ext4.img

log=$work/console.log
echo "[qemu-e2e] booting, console in $log"
start=$(date +%s)
qemu-system-x86_64 -accel tcg -cpu qemu64 -m 256 -smp 1 -nographic \
	-no-reboot -kernel "$bzimage" -initrd "$work"/initramfs.gz \
	-drive file="$work"/swap.img,if=virtio,format=raw \
	-drive file="$work"/ext4.img,if=virtio,format=raw \
	-append "console=ttyS0 panic=-1 quiet loglevel=4 kunit.enable=0" \
	>"$log" 2>&1 &
qpid=$!
# the QEMU we started, by its pid, if it overruns
( sleep "${E2E_TIMEOUT:-900}"; kill "$qpid" 2>/dev/null ) &
wpid=$!
wait "$qpid" || true
kill "$wpid" 2>/dev/null || true
echo "[qemu-e2e] guest ran $(($(date +%s) - start)) s"
grep '^E2E:' "$log" | tr -d '\r' || true
if ! grep -q '^E2E: DONE fails=0' "$log"; then
	echo "[qemu-e2e] FAILED" >&2
	exit 1
fi
echo "[qemu-e2e] all checks passed"

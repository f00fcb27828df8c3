# The demo: Xen booted with tmem; a 128 MiB guest booted with tmem=1 swaps
# 256 MiB of mixed pages (frontswap) and reads a 256 MiB file set twice
# (cleancache). dom0 reads `xl tmem-list` while the pages are held, and the
# guest's debugfs counters are shown beside it.
# lab-xen: tmem
# lab-timeout: 240
# lab-disks: swap:512M data:@data-fileset
. /lab/dom0-lib.sh
lab_plan 5
if tmem_available; then
	lab_note "this Xen has tmem"
else
	lab_note "this Xen answers no tmem control operation"
fi
lab_ok "guest 'demo' starts" guest_start demo 128 "tmem=1 lab.run=demo lab.inspect=1" /dev/vda /dev/vdb
guest_wait_for demo counters_done 200
xl tmem-list -t -a > /tmp/tmem-table 2>&1 || echo "(xl tmem-list -t failed: exit $?)" >> /tmp/tmem-table
xl tmem-list -a > /tmp/tmem-raw 2>&1 || echo "(xl tmem-list failed: exit $?)" >> /tmp/tmem-raw
guest_signal demo released
guest_wait demo 60
r() { guest_result demo "$1"; }
{
	echo "In the guest (debugfs, /proc/vmstat, block stats)"
	echo "  swap 256 MiB through 128 MiB of RAM:"
	echo "    frontswap stores        $(r frontswap_succ_stores) pages into Xen"
	echo "    frontswap loads         $(r frontswap_loads) pages back from Xen"
	echo "    pswpout (to disk)       $(r vmstat_pswpout) pages"
	echo "    pages checked / bad     $(r checked) / $(r mismatches)"
	echo "  256 MiB of files read twice:"
	echo "    pass 1 from disk        $(r pass1_disk_read_mib) MiB in $(r pass1_verify_seconds) s"
	echo "    pass 2 from disk        $(r pass2_disk_read_mib) MiB in $(r pass2_verify_seconds) s"
	echo "    cleancache puts / hits  $(r cleancache_puts) / $(r cleancache_succ_gets)"
	echo "    bad pages               $(r pass2_file_mismatches)"
} > /tmp/guest-side
echo "DEMO: xl tmem-list -t -a (dom0, while the guest held its pages)"
sed 's/^/DEMO:   /' /tmp/tmem-table
echo "DEMO:"
sed 's/^/DEMO: /' /tmp/guest-side
echo "DEMO:"
echo "DEMO: the same, as the historic records scripts parse (xl tmem-list -a):"
sed 's/^/DEMO:   /' /tmp/tmem-raw
lab_cmp "swapped pages verified" "$(r mismatches)" -eq 0
lab_cmp "file pages verified" "$(r pass2_file_mismatches)" -eq 0
lab_cmp "frontswap stored pages in Xen" "$(r frontswap_succ_stores)" -gt 0
lab_cmp "guest workload exit status" "$(r guest_rc)" -eq 0
lab_finish

# The refusal path: the save file that save-restore made (a guest with its
# swapped-out pages in tmem, restored there with every page intact) is
# restored on the patched Xen booted without `tmem`. The restore must fail
# with a message that names tmem, before any guest runs, and leave the save
# file as it was. Needs save-restore's disk: run-all runs scenarios in name
# order, and this name sorts after it.
# lab-timeout: 300
# lab-disks: swap:512M save:@../lab/disks/save-restore-save
. /lab/dom0-lib.sh
lab_plan 6
lab_ok "tmem is off on this Xen" sh -c '! xl tmem-freeable > /dev/null 2>&1'
# The stream (128 MiB of RAM, about 150 MiB of tmem pages) ends well
# inside the first 384 MiB of the disk.
size_mib=384
disk_sum() {
	dd if=/dev/vdb bs=1M count="$size_mib" 2>/dev/null | md5sum | cut -d' ' -f1
}
sum_before=$(disk_sum)
# An empty read would make the comparison below vacuous.
lab_cmp "the save file was read" "$(dd if=/dev/vdb bs=1M count="$size_mib" 2>/dev/null | wc -c)" -eq $((size_mib << 20))
s=$(date +%s)
xl restore /dev/vdb > /tmp/restore.log 2>&1
rc=$?
lab_note "xl restore took $(($(date +%s) - s)) s, exit $rc"
sed 's/^/LAB: # restore: /' /tmp/restore.log | tail -n 12
lab_cmp "xl restore fails" "$rc" -ne 0
lab_ok "the error names tmem and refuses the stream" \
	grep -q "this Xen has no tmem or it is off.*refusing the stream" /tmp/restore.log
lab_ok "no domain was left behind" sh -c '! xl domid g1 > /dev/null 2>&1'
lab_cmp "the save file is unchanged" "$(disk_sum)" = "$sum_before"
lab_finish

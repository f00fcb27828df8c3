# The demo: a 128 MiB guest booted with tmem=1 swaps 256 MiB of mixed pages;
# dom0 reads `xl tmem-list` while the pages are out, and the guest's debugfs
# counters are shown beside it.
# lab-timeout: 150
# lab-disks: swap:512M
. /lab/dom0-lib.sh
lab_plan 3
if tmem_available; then
	lab_note "this Xen has tmem"
else
	lab_note "this Xen answers no tmem control operation"
fi
guest_start demo 128 "tmem=1 lab.run=swap lab.mib=256" /dev/vda
guest_wait_for demo counters_done 120
{
	echo "xl tmem-list -a  (dom0)"
	echo "---------------------"
	xl tmem-list -a 2>&1 || echo "(xl tmem-list failed: exit $?)"
} > /tmp/left
guest_wait demo 60
{
	echo "guest debugfs and vmstat"
	echo "------------------------"
	sed -n 's/^RESULT \(frontswap_\|cleancache_\|tmem_\|vmstat_\)/\1/p' \
		/var/log/xen/console/guest-demo.log | tr -d '\r'
	echo
	echo "workload"
	echo "--------"
	sed -n 's/^RESULT \(pages\|mismatches\|memstress_seconds\)=/\1=/p' \
		/var/log/xen/console/guest-demo.log | tr -d '\r'
} > /tmp/right
# Side by side, folding long tmem-list records to the left column's width.
fold -w 58 /tmp/left > /tmp/left.folded
awk 'NR == FNR { l[FNR] = $0; nl = FNR; next }
     { r[FNR] = $0; nr = FNR }
     END { n = nl > nr ? nl : nr
           for (i = 1; i <= n; i++) printf "DEMO: %-60s %s\n", l[i], r[i] }' \
	/tmp/left.folded /tmp/right
lab_cmp "guest pages verified" "$(guest_result demo mismatches)" -eq 0
lab_cmp "guest swapped" "$(guest_result demo vmstat_pswpout)" -gt 0
lab_cmp "guest workload exit status" "$(guest_result demo guest_rc)" -eq 0
lab_finish

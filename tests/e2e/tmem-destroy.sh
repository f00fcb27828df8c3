# xl destroy of a guest holding tmem pages mid-storm gives every page back:
# Xen's free memory returns to its baseline within 1 MiB and the client is
# gone from xl tmem-list.
# lab-xen: tmem
# lab-timeout: 150
# lab-disks: swap:512M
. /lab/dom0-lib.sh
lab_plan 6
base=$(free_mib)
lab_note "free memory before the guest: $base MiB"
lab_ok "guest g1 starts" guest_start g1 128 "tmem=1 lab.run=swap" /dev/vda
id=$(xl domid g1)
lab_ok "the guest holds 20000+ pages in tmem" wait_tmem_field P Pc "$id" 20000 120
lab_note "free memory with the guest and its tmem pages: $(free_mib) MiB"
lab_ok "xl destroy g1" xl destroy g1
i=0
now=$(free_mib)
while [ $((base - now)) -gt 1 ] && [ "$i" -lt 20 ]; do
	sleep 1
	i=$((i + 1))
	now=$(free_mib)
done
lab_cmp "free memory back to baseline within 1 MiB (MiB short)" $((base - now)) -le 1
lab_cmp "and not above it either (MiB over)" $((now - base)) -le 1
lab_ok "the client is gone from xl tmem-list (which answered)" tmem_client_gone "$id" 10
lab_finish

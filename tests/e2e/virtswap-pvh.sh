# virtswap built into the project's kernel, in a PVH guest: the device is
# set up through sysfs (disksize), its pages reach tmem as guest frames, and
# the same workload and exact checks as virtswap-6.1 hold; at the end the
# device is reset through sysfs, which destroys its pool.
# lab-xen: tmem
# lab-timeout: 900
. /lab/dom0-lib.sh
lab_plan 23
lab_ok "tmem answers control operations" tmem_available
GUEST_TYPE=pvh
export GUEST_TYPE
virtswap_start project 6.12.117-tmem ""
lab_cmp "sysfs disksize took 512 MiB" "$(guest_result g1 virtswap_sysfs_disksize)" -eq 536870912
virtswap_fill_checks "$vs_id"
virtswap_finish "$vs_id"
lab_finish

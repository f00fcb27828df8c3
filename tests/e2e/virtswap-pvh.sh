# virtswap in PVH guests, where its pages reach tmem as guest frames: first
# built into the project's kernel, the device set up through sysfs
# (disksize); then Debian's stock 6.12 kernel, unpatched, with the module
# built outside the tree. Each runs the workload and exact checks of
# virtswap-6.1. At the end the built-in device is reset through sysfs and
# the module removed, and either destroys its pool.
# lab-xen: tmem
# lab-timeout: 1200
. /lab/dom0-lib.sh

# guest_type NAME: the domain type libxl built (pv, pvh or hvm).
guest_type() {
	xl list -l "$1" | sed -n 's/^ *"type": "\([a-z]*\)".*/\1/p' | head -n 1
}

lab_plan 47
lab_ok "tmem answers control operations" tmem_available
GUEST_TYPE=pvh
export GUEST_TYPE
virtswap_start project 6.12.117-tmem ""
lab_ok "g1 is a PVH domain" same_text pvh "$(guest_type g1)"
lab_cmp "sysfs disksize took 512 MiB" "$(guest_result g1 virtswap_sysfs_disksize)" -eq 536870912
virtswap_fill_checks "$vs_id"
virtswap_finish "$vs_id"

guest_relays_stop
VS_LATE_MAXMEM=640 virtswap_start 6.12 6.12.117+deb13-amd64 ""
lab_ok "the stock kernel's g1 is a PVH domain" same_text pvh "$(guest_type g1)"
virtswap_fill_checks "$vs_id"
virtswap_finish "$vs_id"
lab_finish

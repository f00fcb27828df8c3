# Two guests fill tmem with persistent and ephemeral pages at once; their
# eviction weights are set with xl tmem-set -w (g1 light, g2 heavy); then
# dom0 starts a domain that needs more memory than Xen has free. Xen evicts
# ephemeral pages, mostly the lighter-weighted guest's; no persistent page
# is lost and every file page verifies.
# lab-xen: tmem
# lab-memory: 2048
# lab-timeout: 300
# lab-disks: swap1:512M data1:@data-fileset swap2:512M data2:@data-fileset
. /lab/dom0-lib.sh
lab_plan 17
lab_ok "g1 starts" guest_start g1 128 "tmem=1 lab.run=pressure lab.mib=200" /dev/vda /dev/vdb
lab_ok "g2 starts" guest_start g2 128 "tmem=1 lab.run=pressure lab.mib=200" /dev/vdc /dev/vdd
id1=$(xl domid g1)
id2=$(xl domid g2)
wait_tmem_field C Pp "$id1" 1 120 >/dev/null
wait_tmem_field C Pp "$id2" 1 120 >/dev/null
# weights: "g1's:g2's" as xl tmem-list shows them now.
weights() {
	echo "$(TMEM_LIST= tmem_field C ww "$id1"):$(TMEM_LIST= tmem_field C ww "$id2")"
}
# -a first (libxl sets every client in turn), then each on its own.
lab_ok "xl tmem-set -a -w 7 (every client)" xl tmem-set -a -w 7
w=$(weights)
lab_ok "tmem-list shows weight 7 for both ($w)" [ "$w" = 7:7 ]
lab_ok "xl tmem-set -w 1 g1" xl tmem-set -w 1 g1
lab_ok "xl tmem-set -w 30 g2" xl tmem-set -w 30 g2
w=$(weights)
lab_ok "tmem-list shows the weights g1:g2 = $w" [ "$w" = 1:30 ]
guest_wait_for g1 ready 200
guest_wait_for g2 ready 200
e1=$(TMEM_LIST= tmem_field C Ec "$id1")
e2=$(TMEM_LIST= tmem_field C Ec "$id2")
free=$(free_mib)
freeable=$(xl tmem-freeable)
evicted0=$(TMEM_LIST= tmem_field G Et)
need=$((free + ${freeable:-0} * 2 / 3))
lab_note "free $free MiB, freeable $freeable MiB; ephemeral pages g1 $e1, g2 $e2; g3 gets $need MiB"
GUEST_MAXMEM=$need lab_ok "g3 starts with more memory than was free" guest_start g3 "$need" "lab.run=idle"
f1=$(TMEM_LIST= tmem_field C Ec "$id1")
f2=$(TMEM_LIST= tmem_field C Ec "$id2")
lab_note "after: ephemeral pages g1 $f1, g2 $f2; evicted $(TMEM_LIST= tmem_field G Et) (before $evicted0)"
lab_cmp "Xen evicted ephemeral pages" "$(TMEM_LIST= tmem_field G Et)" -gt "${evicted0:-0}"
lab_cmp "the light guest lost more ephemeral pages than the heavy one" $((${e1:-0} - ${f1:-0})) -gt $((${e2:-0} - ${f2:-0}))
# Eviction takes from the owner furthest over its weighted share, so what
# is left follows the weights 1:30: at least half that ratio, measured.
lab_cmp "the heavy guest kept over 15 times the light one's pages (weights 1:30)" "${f2:-0}" -gt $((${f1:-0} * 15))
guest_signal g1 squeezed
guest_signal g2 squeezed
guest_wait g3 90
guest_wait g1 200
guest_wait g2 200
lab_cmp "g1's persistent pages verified" "$(guest_result g1 mismatches)" -eq 0
lab_cmp "g2's persistent pages verified" "$(guest_result g2 mismatches)" -eq 0
lab_cmp "g1's files verified after the squeeze" "$(guest_result g1 pass2_file_mismatches)" -eq 0
lab_cmp "g2's files verified after the squeeze" "$(guest_result g2 pass2_file_mismatches)" -eq 0
lab_cmp "g3 booted and ran" "$(guest_result g3 guest_rc)" -eq 0
lab_cmp "both guests exit status" $(($(guest_result g1 guest_rc) + $(guest_result g2 guest_rc))) -eq 0
lab_finish

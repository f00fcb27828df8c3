# Lab smoke test: Xen and dom0 are up, the control plane answers.
# lab-timeout: 90
. /lab/dom0-lib.sh
lab_plan 4
lab_ok "xl info answers" xl info
lab_ok "Domain-0 is listed" sh -c 'xl list | grep -q "^Domain-0 "'
free_mb=$(xl info | sed -n 's/^free_memory *: *//p')
lab_cmp "Xen has free memory for guests (MiB)" "$free_mb" -gt 256
lab_ok "xenstore holds dom0's name" sh -c '[ "$(xenstore-read /local/domain/0/name)" = Domain-0 ]'
lab_finish

# Shared ephemeral pools: two guests ask for the same UUID. Without
# xl tmem-shared-auth each gets a private pool and sees nothing of the
# other's pages; once dom0 authorises the UUID for both, they share one pool
# and pages one puts the other finds intact; de-authorised, a guest is back
# to a private pool.
# lab-xen: tmem
# lab-timeout: 240
. /lab/dom0-lib.sh
lab_plan 14
U1=11111111-2222-3333-4444-555555555555
U2=66666666-7777-8888-9999-aaaaaaaaaaaa

# pair PUT_NAME GET_NAME UUID AUTH(0|1): the put side holds while the get
# side reads; authorisation, if any, is given before either asks for a pool.
pair() {
	GUEST_PAUSED=1 guest_start "$1" 128 "lab.run=shared lab.uuid=$3 lab.mode=put lab.hold=30" || return 1
	GUEST_PAUSED=1 guest_start "$2" 128 "lab.run=shared lab.uuid=$3 lab.mode=get" || return 1
	if [ "$4" = 1 ]; then
		xl tmem-shared-auth -u "$3" -A 1 "$1" && xl tmem-shared-auth -u "$3" -A 1 "$2" || return 1
	fi
	xl unpause "$1"
	guest_wait_for "$1" shared_done 60 || return 1
	xl tmem-list -a > "/tmp/pair-$1.txt" 2>&1
	xl unpause "$2"
	guest_wait "$2" 60
	xl tmem-list -a >> "/tmp/pair-$1.txt" 2>&1
	xl destroy "$1"
}

lab_ok "unauthorised pair ran" pair a1 b1 "$U1" 0
sed 's/^/LAB: # /' /tmp/pair-a1.txt
lab_cmp "unauthorised: put side stored its pages" "$(guest_result a1 shared_puts_ok)" -eq 64
lab_cmp "unauthorised: the other guest finds none of them" "$(guest_result b1 shared_gets_missing)" -eq 64
lab_cmp "unauthorised: and nothing corrupt" "$(guest_result b1 shared_gets_corrupt)" -eq 0
lab_ok "unauthorised: no shared pool exists (tmem-list answered, no S= record)" \
	sh -c 'grep -q "^G=" /tmp/pair-a1.txt && ! grep -q "^S=" /tmp/pair-a1.txt'

lab_ok "authorised pair ran" pair a2 b2 "$U2" 1
sed 's/^/LAB: # /' /tmp/pair-a2.txt
lab_cmp "authorised: put side stored its pages" "$(guest_result a2 shared_puts_ok)" -eq 64
lab_cmp "authorised: the other guest finds all of them" "$(guest_result b2 shared_gets_found)" -eq 64
lab_cmp "authorised: all intact" "$(guest_result b2 shared_gets_corrupt)" -eq 0
lab_ok "authorised: a shared pool is listed (S= record, PT:ES)" sh -c 'grep -q "^S=" /tmp/pair-a2.txt && grep -q "PT:ES" /tmp/pair-a2.txt'

# De-authorising b cuts it: its next pool for U2 is private again.
GUEST_PAUSED=1 guest_start a3 128 "lab.run=shared lab.uuid=$U2 lab.mode=put lab.hold=30"
GUEST_PAUSED=1 guest_start b3 128 "lab.run=shared lab.uuid=$U2 lab.mode=get lab.hold=20"
xl tmem-shared-auth -u "$U2" -A 1 a3
xl tmem-shared-auth -u "$U2" -A 1 b3
lab_ok "de-authorising b3 succeeds" xl tmem-shared-auth -u "$U2" -A 0 b3
xl unpause a3
guest_wait_for a3 shared_done 60
xl unpause b3
guest_wait_for b3 shared_done 60
# While both hold their pools: a3's is the shared one, b3's a private one.
xl tmem-list -a > /tmp/deauth.txt 2>&1
sed 's/^/LAB: # /' /tmp/deauth.txt
a3=$(xl domid a3)
b3=$(xl domid b3)
# b3 reported before its hold: no need to wait it out.
xl destroy b3
xl destroy a3
lab_cmp "de-authorised: the put side stored its 64 pages first" "$(guest_result a3 shared_puts_ok)" -eq 64
lab_ok "de-authorised: b3's pool is private (PT:EP), a3's shared (PT:ES)" \
	sh -c "grep -q '^G=' /tmp/deauth.txt && grep '^P=CI:$b3,' /tmp/deauth.txt | grep -q 'PT:EP' && grep '^P=CI:$a3,' /tmp/deauth.txt | grep -q 'PT:ES'"
lab_cmp "de-authorised: the other guest finds none" "$(guest_result b3 shared_gets_missing)" -eq 64
lab_finish

# Library for lab scenarios, sourced by the scenario scripts in dom0.
#
# Results go to the serial console as TAP lines prefixed with "LAB: ", which
# the host-side parser (tools/lab/parse-log.py) turns into one verdict per
# scenario. Guest consoles are relayed to the serial console with a "[name] "
# prefix and kept in /var/log/xen/console/guest-NAME.log for assertions.

LAB_TESTS=0
LAB_FAILED=0
LAB_RELAYS=""
LAB_GUEST_DIR=/lab/guest

lab_plan() {
	echo "LAB: 1..$1"
}

# lab_ok DESCRIPTION COMMAND...: passes when COMMAND succeeds.
lab_ok() {
	desc=$1
	shift
	LAB_TESTS=$((LAB_TESTS + 1))
	if "$@"; then
		echo "LAB: ok $LAB_TESTS - $desc"
	else
		LAB_FAILED=$((LAB_FAILED + 1))
		echo "LAB: not ok $LAB_TESTS - $desc"
	fi
}

# lab_cmp DESCRIPTION A OP B: numeric comparison with both values shown.
lab_cmp() {
	desc=$1
	a=$2
	op=$3
	b=$4
	LAB_TESTS=$((LAB_TESTS + 1))
	if [ -n "$a" ] && [ -n "$b" ] && [ "$a" "$op" "$b" ] 2>/dev/null; then
		echo "LAB: ok $LAB_TESTS - $desc ($a $op $b)"
	else
		LAB_FAILED=$((LAB_FAILED + 1))
		echo "LAB: not ok $LAB_TESTS - $desc (got '$a', wanted $op '$b')"
	fi
}

lab_note() {
	echo "LAB: # $*"
}

lab_now() {
	cut -d' ' -f1 /proc/uptime
}

# guest_start NAME MEMORY_MB EXTRA_CMDLINE [DISK_DEV...]
# Starts a guest (PV, or PVH with GUEST_TYPE=pvh) with the project's kernel
# (or GUEST_KERNEL, e.g. $LAB_GUEST_DIR/vmlinuz-stock-6.12) and the guest
# initramfs; each disk device of dom0 becomes xvda, xvdb, ... in
# the guest. Persistent tmem pages are charged to the guest and refused
# beyond its maximum, and libxl sets a PV guest's hypervisor maximum to its
# target; so the maximum is raised to GUEST_MAXMEM (default 640 MiB) with
# xl mem-max, as a self-ballooning guest would make room for itself.
# GUEST_VCPUS (default 1) sets its vCPUs.
# A PVH guest gets that maximum from its configuration (maxmem), as RAM
# populated on demand above MEMORY_MB that its balloon driver hands back at
# boot. Raised with xl mem-max after creation instead, static-max exceeds
# the guest's RAM when its balloon driver starts, and that driver subtracts
# the difference from its first target: it gives nearly all memory away.
guest_start() {
	name=$1
	mem=$2
	extra=$3
	shift 3
	disks=""
	letter=a
	for dev in "$@"; do
		disks="$disks'format=raw, vdev=xvd$letter, access=rw, target=$dev',"
		letter=$(echo "$letter" | tr 'a-y' 'b-z')
	done
	# Self-ballooning and self-shrinking change a guest's memory and its
	# frontswap pages on their own, which counts the other scenarios
	# compare exactly cannot allow: off unless a scenario sets
	# GUEST_TMEM_POLICY (empty: the kernel's defaults).
	cat > "/run/$name.cfg" <<EOF
name = "$name"
type = "${GUEST_TYPE:-pv}"
kernel = "${GUEST_KERNEL:-$LAB_GUEST_DIR/vmlinux}"
ramdisk = "$LAB_GUEST_DIR/initramfs.cpio"
extra = "console=hvc0 quiet loglevel=4 ${GUEST_TMEM_POLICY-tmem.selfballooning=0 tmem.selfshrinking=0} $extra"
memory = $mem
maxmem = ${GUEST_MAXMEM:-640}
vcpus = ${GUEST_VCPUS:-1}
on_poweroff = "destroy"
on_crash = "destroy"
disk = [ ${disks%,} ]
EOF
	log=/var/log/xen/console/guest-$name.log
	: > "$log"
	# GUEST_PAUSED=1: created paused, for dom0 to set it up before it runs.
	if ! xl create ${GUEST_PAUSED:+-p} "/run/$name.cfg" > "/run/$name.create.log" 2>&1; then
		sed "s/^/LAB: # xl create $name: /" "/run/$name.create.log"
		return 1
	fi
	if ! xl mem-max "$name" "${GUEST_MAXMEM:-640}m"; then
		echo "LAB: # xl mem-max $name failed"
		return 1
	fi
	tail -n +1 -F "$log" 2>/dev/null | awk -v p="[$name] " '{ print p $0; fflush() }' &
	LAB_RELAYS="$LAB_RELAYS $!"
	return 0
}

# guest_wait NAME TIMEOUT_S: wait for the guest to power off; destroys it
# and fails on timeout.
guest_wait() {
	name=$1
	limit=$2
	start=$(date +%s)
	while xl domid "$name" >/dev/null 2>&1; do
		if [ $(($(date +%s) - start)) -ge "$limit" ]; then
			echo "LAB: # guest $name still running after $limit s: destroying it"
			xl destroy "$name"
			return 1
		fi
		sleep 1
	done
	return 0
}

# guest_result NAME KEY: the value of the guest's last "RESULT KEY=VALUE" line.
# xenconsoled names a log after the domain when it first connects its
# console, so what a guest prints after an incoming migration goes on in
# guest-NAME--incoming.log: that log is read last.
guest_result() {
	cat "/var/log/xen/console/guest-$1.log" \
		"/var/log/xen/console/guest-$1--incoming.log" 2>/dev/null |
		sed -n "s/^RESULT $2=\([^ ]*\).*/\1/p" |
		tr -d '\r' | tail -n 1
}

# guest_relays_stop: end the console relays guest_start started.
guest_relays_stop() {
	for pid in $LAB_RELAYS; do
		kill "$pid" 2>/dev/null
	done
	LAB_RELAYS=""
}

lab_finish() {
	# On a failure the relays get a second to copy the guests' last lines.
	[ "$LAB_FAILED" -eq 0 ] || sleep 1
	guest_relays_stop
	echo "LAB: # $LAB_FAILED of $LAB_TESTS checks failed"
	[ "$LAB_FAILED" -eq 0 ]
}

# guest_wait_for NAME KEY TIMEOUT_S: wait until the guest reports RESULT KEY=.
# A guest that reports it and then ends at once may be gone before the
# loop looks again: its report is then looked for once more. With
# GUEST_WAIT_EACH set, that command runs at each poll (a sampler, say).
guest_wait_for() {
	start=$(date +%s)
	until [ -n "$(guest_result "$1" "$2")" ]; do
		${GUEST_WAIT_EACH:+$GUEST_WAIT_EACH}
		if ! xl domid "$1" >/dev/null 2>&1; then
			[ -n "$(guest_result "$1" "$2")" ]
			return
		fi
		[ $(($(date +%s) - start)) -lt "$3" ] || return 1
		sleep 1
	done
}

# guest_inspect NAME TIMEOUT_S: for a guest started with lab.inspect=1, wait
# until it has dumped its counters (it then holds its state), save
# `xl tmem-list -l -a` in /tmp/tl, which tmem_field then reads, show it in
# the log, release the guest and wait for it to end.
guest_inspect() {
	guest_wait_for "$1" counters_done "$2"
	xl tmem-list -l -a > /tmp/tl 2>&1
	guest_signal "$1" released
	TMEM_LIST=/tmp/tl
	sed 's/^/LAB: # /' /tmp/tl
	guest_wait "$1" 60
}

# tmem_available: does this hypervisor answer tmem control operations?
tmem_available() {
	xl tmem-freeable >/dev/null 2>&1
}

# tmem_field TYPE KEY [CI [PI]]: the value of KEY in the first TYPE= record
# (G, S, C or P) of `xl tmem-list -l -a`, optionally of client CI and pool PI.
# Reads the saved listing in $TMEM_LIST when set, else asks xl.
tmem_field() {
	{ if [ -n "${TMEM_LIST:-}" ]; then cat "$TMEM_LIST"; else xl tmem-list -l -a 2>/dev/null; fi; } |
	awk -v t="$1" -v k="$2" -v ci="${3:-}" -v pi="${4:-}" '
	index($0, t "=") == 1 {
		n = split(substr($0, length(t) + 2), kv, ",")
		v = ""; c = ""; p = ""
		for (i = 1; i <= n; i++) {
			j = index(kv[i], ":")
			key = substr(kv[i], 1, j - 1); val = substr(kv[i], j + 1)
			if (key == "CI") c = val
			if (key == "PI") p = val
			if (key == k) v = val
		}
		if ((ci == "" || c == ci) && (pi == "" || p == pi) && v != "") { print v; exit }
	}'
}

# wait_tmem_field TYPE KEY CI MIN TIMEOUT_S: wait until KEY of client CI's
# TYPE record reaches MIN; prints the value reached.
wait_tmem_field() {
	start=$(date +%s)
	while :; do
		v=$(TMEM_LIST= tmem_field "$1" "$2" "$3")
		if [ -n "$v" ] && [ "$v" -ge "$4" ]; then
			echo "$v"
			return 0
		fi
		[ $(($(date +%s) - start)) -lt "$5" ] || { echo "${v:-none}"; return 1; }
		sleep 1
	done
}

# guest_error_count NAME CODE: how many tmem hypercalls of the guest's driver
# failed with CODE (e.g. EFROZEN), from its tmem/errors debugfs file.
guest_error_count() {
	guest_result "$1" tmem_errors | sed -n "s/.*$2_\([0-9]*\).*/\1/p"
}

# guest_mem_mib NAME: the guest's memory in MiB as xl list shows it (its
# RAM and the persistent tmem pages charged to it).
guest_mem_mib() {
	xl list "$1" 2>/dev/null | awk 'NR == 2 { print $3 }'
}

# free_mib: Xen's free memory in MiB, as xl info reports it.
free_mib() {
	xl info | sed -n 's/^free_memory *: *//p'
}

# guest_signal NAME KEY: write data/KEY=1 into the guest's xenstore
# directory, where its `labwait KEY` is polling, and let the guest read it.
guest_signal() {
	id=$(xl domid "$1") || return 1
	xenstore-write "/local/domain/$id/data/$2" 1 &&
		xenstore-chmod "/local/domain/$id/data/$2" "b$id"
}

# --- save, restore and migration ------------------------------------------

# lab_elapsed T0: seconds since lab_now printed T0, with two decimals.
lab_elapsed() {
	awk -v a="$1" -v b="$(lab_now)" 'BEGIN { printf "%.2f\n", b - a }'
}

# tmem_list_save FILE: `xl tmem-list -l -a` into FILE; fails when xl does.
tmem_list_save() {
	xl tmem-list -l -a > "$1" 2>&1
}

# tmem_pools FILE CI: client CI's pools in the listing FILE, one word
# PI:PT:U1:U0 each, in pool order (empty when the client is not listed).
tmem_pools() {
	awk -v ci="$2" '
	index($0, "P=") == 1 {
		n = split(substr($0, 3), kv, ",")
		delete f
		for (i = 1; i <= n; i++) {
			j = index(kv[i], ":")
			f[substr(kv[i], 1, j - 1)] = substr(kv[i], j + 1)
		}
		if (f["CI"] == ci) {
			printf "%s%s:%s:%s:%s", sep, f["PI"], f["PT"], f["U1"], f["U0"]
			sep = " "
		}
	}
	END { print "" }' "$1"
}

# tmem_pp_pool FILE CI: the id of client CI's persistent private pool.
tmem_pp_pool() {
	tmem_pools "$1" "$2" | tr ' ' '\n' | awk -F: '$2 == "PP" { print $1; exit }'
}

# tmem_client_gone ID TIMEOUT_S: wait until xl tmem-list (which must answer)
# no longer lists client ID: a dead domain's pages are given back.
tmem_client_gone() {
	i=0
	while :; do
		if xl tmem-list -a > /tmp/tl.gone 2>&1 && ! grep -q "^C=CI:$1," /tmp/tl.gone; then
			return 0
		fi
		[ "$i" -lt "$2" ] || return 1
		i=$((i + 1))
		sleep 1
	done
}

# domid_gone ID TIMEOUT_S: wait until no domain, not even a dying one, has
# id ID in xl list.
domid_gone() {
	i=0
	while xl list | awk -v d="$1" 'NR > 1 && $2 == d { f = 1 } END { exit !f }'; do
		[ "$i" -lt "$2" ] || return 1
		i=$((i + 1))
		sleep 1
	done
	return 0
}

# new_domid OLD NEW: NEW is a domain id, and not OLD.
new_domid() {
	[ -n "$2" ] && [ -n "$1" ] && [ "$1" != "$2" ]
}

# same_text A B: A is not empty and B is the same.
same_text() {
	[ -n "$1" ] && [ "$1" = "$2" ]
}

# no_domain NAME: no domain is called NAME.
no_domain() {
	! xl domid "$1" >/dev/null 2>&1
}

# domain_runs NAME [DOMID]: domain NAME exists (with id DOMID if given) and
# is neither paused, shut down, crashed nor dying.
domain_runs() {
	st=$(xl list "$1" 2>/dev/null | awk 'NR == 2 { print $2, $5 }')
	[ -n "$st" ] || return 1
	[ -z "${2:-}" ] || [ "${st%% *}" = "$2" ] || return 1
	! echo "${st#* }" | grep -q '[pscd]'
}

# domain_paused NAME [DOMID]: domain NAME exists (with id DOMID if given),
# is paused, and is neither shut down, crashed nor dying.
domain_paused() {
	st=$(xl list "$1" 2>/dev/null | awk 'NR == 2 { print $2, $5 }')
	[ -n "$st" ] || return 1
	[ -z "${2:-}" ] || [ "${st%% *}" = "$2" ] || return 1
	echo "${st#* }" | grep -q p && ! echo "${st#* }" | grep -q '[scd]'
}

# guest_relay NAME LOGNAME: relay console log guest-LOGNAME.log (which may
# not exist yet) to the serial console with the prefix "[NAME] ".
guest_relay() {
	tail -n +1 -F "/var/log/xen/console/guest-$2.log" 2>/dev/null |
		awk -v p="[$1] " '{ print p $0; fflush() }' &
	LAB_RELAYS="$LAB_RELAYS $!"
}

# guest_log_reset NAME: empty the guest's console log, so that guest_result
# sees only what a restored copy of it prints from now on.
guest_log_reset() {
	: > "/var/log/xen/console/guest-$1.log"
}

# tmem_pages_sent LOG: the tmem pages a save or migration stream carried,
# from libxc's summary line in xl's output ("tmem: dN: P pages, I
# invalidations, R resets"); empty when there is none.
tmem_pages_sent() {
	sed -n 's/.*tmem: d[0-9]*: \([0-9]*\) pages, .*/\1/p' "$1" | tail -n 1
}

# disk_sectors_written DEV: 512-byte sectors written to /dev/DEV so far.
disk_sectors_written() {
	awk '{ print $7 }' "/sys/block/$1/stat"
}

# migrate NAME: live-migrate NAME to this host; sets MIG_RC, MIG_S (wall
# seconds), MIG_OLD and MIG_NEW (domain ids before and after). xl migrate
# -s '' makes its host argument the whole receiving command (xl_migrate.c:
# rune = host when the ssh command is empty), so no ssh.
migrate() {
	MIG_OLD=$(xl domid "$1")
	# The incoming domain's console goes to guest-NAME--incoming.log
	# (guest_result reads it too).
	guest_relay "$1>" "$1--incoming"
	t0=$(lab_now)
	xl migrate -s '' "$1" 'xl migrate-receive' > "/run/$1.migrate.log" 2>&1
	MIG_RC=$?
	MIG_S=$(lab_elapsed "$t0")
	MIG_NEW=$(xl domid "$1" 2>/dev/null)
	sed "s/^/LAB: # xl migrate $1: /" "/run/$1.migrate.log" | tail -n 25
	lab_note "$1 migrated in $MIG_S s: domain $MIG_OLD -> ${MIG_NEW:-none}"
}

# migration_checks NAME: the common checks of one migration (4 of them).
migration_checks() {
	lab_cmp "xl migrate $1 exit status" "$MIG_RC" -eq 0
	lab_ok "$1 runs on, as a new domain" new_domid "$MIG_OLD" "$MIG_NEW"
	lab_ok "the source domain $MIG_OLD is gone" domid_gone "$MIG_OLD" 30
	lab_ok "no $1--incoming or $1--migratedaway is left" \
		sh -c "! xl list | grep -q -e '^$1--incoming ' -e '^$1--migratedaway '"
}

# downtime_note NAME: a note of how long the migswap guest NAME stood still
# (its heartbeat's longest gap, by both clocks) and its loop's rounds.
downtime_note() {
	lab_note "$1 downtime $(guest_result "$1" heartbeat_max_gap_ms) ms (monotonic clock:" \
		"$(guest_result "$1" heartbeat_max_gap_mono_ms) ms, next longest gap" \
		"$(guest_result "$1" heartbeat_second_gap_ms) ms), loop rounds $(guest_result "$1" loop_rounds)"
}

# restore_checked WHAT OLD POOLS0 PC0 XL_RESTORE_ARGS...: xl restore of g1
# (from now on its console log is the restored guest's) and the checks
# every restore of a saved g1 makes (7 of them): exit status, a new domain,
# xl tmem-list answers, the same pools (POOLS0, as tmem_pools lists them),
# PC0 pages in the persistent pool, not frozen, running once unpaused. The
# domain is restored paused and listed before it runs: what its resume
# makes it swap out would otherwise be in the count. WHAT names the saved
# state in the checks. Sets new (the domain id), pp1 (its persistent pool)
# and restore_s; the listing stays in /tmp/tl.after.
restore_checked() {
	what=$1
	r_old=$2
	r_pools0=$3
	r_pc0=$4
	shift 4
	guest_log_reset g1
	t0=$(lab_now)
	xl restore -p "$@" > /run/restore.log 2>&1
	rc=$?
	restore_s=$(lab_elapsed "$t0")
	sed 's/^/LAB: # xl restore: /' /run/restore.log | tail -n 20
	lab_cmp "xl restore of $what exit status" "$rc" -eq 0
	new=$(xl domid g1 2>/dev/null)
	lab_ok "g1 runs again, as a new domain" new_domid "$r_old" "$new"
	lab_note "restore: $restore_s s; g1 is domain ${new:-none} (was $r_old)"
	lab_ok "xl tmem-list after the restore" tmem_list_save /tmp/tl.after
	pp1=$(tmem_pp_pool /tmp/tl.after "${new:-x}")
	sed 's/^/LAB: # after restore: /' /tmp/tl.after
	lab_ok "the restored client has $what's pools ('$r_pools0')" \
		same_text "$r_pools0" "$(tmem_pools /tmp/tl.after "${new:-x}")"
	lab_cmp "the restored persistent pool holds $what's pages" \
		"$(TMEM_LIST=/tmp/tl.after tmem_field P Pc "${new:-x}" "${pp1:-x}")" -eq "${r_pc0:-x}"
	lab_ok "the restored client is not frozen (fr:0)" \
		[ "$(TMEM_LIST=/tmp/tl.after tmem_field C fr "${new:-x}")" = 0 ]
	xl unpause g1
	lab_ok "the restored g1 runs once unpaused" domain_runs g1 "${new:-x}"
}

# --- virtswap -------------------------------------------------------------

# virtswap_pool_field LISTING DOMID KEY: KEY of DOMID's persistent pool in a
# saved `xl tmem-list -l -a`.
virtswap_pool_field() {
	TMEM_LIST=$1 tmem_field P "$3" "$2" "$(tmem_pp_pool "$1" "$2")"
}

# virtswap_fill_checks DOMID: g1 filled its pages through virtswap, all of
# them accepted by tmem (3 checks), then virtswap_filled (5 in all).
virtswap_fill_checks() {
	lab_ok "g1 filled 384 MiB through virtswap" guest_wait_for g1 filled 600
	lab_cmp "the device put pages into tmem" "$(guest_result g1 fill_vs_stored_tmem)" -gt 50000
	lab_cmp "tmem refused none of them" "$(guest_result g1 fill_vs_write_failed)" -eq 0
	virtswap_filled "$1"
}

# virtswap_filled DOMID [MIN]: at the hold after the fill, xl tmem-list shows
# the device's persistent pool holding more than MIN (default 50000) of the
# swapped-out pages (2 checks). The
# guest's own counters are noted, not compared: processes that touch
# swapped-out pages go on swapping in while it holds.
virtswap_filled() {
	lab_ok "xl tmem-list after the fill" tmem_list_save /tmp/tl.vs.fill
	sed 's/^/LAB: # tmem-list: /' /tmp/tl.vs.fill | grep "CI:$1,"
	lab_cmp "Xen's persistent pool for the device holds the swapped-out pages" \
		"$(virtswap_pool_field /tmp/tl.vs.fill "$1" Pc)" -gt "${2:-50000}"
	lab_note "the device counted $(guest_result g1 fill_vs_pages_in_tmem) pages in tmem," \
		"$(guest_result g1 fill_vs_stored_tmem) stores; Xen $(virtswap_pool_field /tmp/tl.vs.fill "$1" Pc)" \
		"pages, $(virtswap_pool_field /tmp/tl.vs.fill "$1" ps) good puts"
}

# virtswap_exact DOMID [restored]: after swapoff, when nothing uses the
# device any more, Xen's count of its pool and the device's counters
# (reported with end_) agree exactly, and both hold just the swap header
# mkswap wrote (block 0, which no swapoff frees) (6 checks). With
# "restored" (a domain restored from a save or migrated: Xen's pool counts
# its operations since it arrived, the device since it was set up) only
# the pages held are compared (3 checks).
virtswap_exact() {
	lab_ok "xl tmem-list after swapoff" tmem_list_save /tmp/tl.vs.end
	l=/tmp/tl.vs.end
	sed 's/^/LAB: # tmem-list: /' "$l" | grep "CI:$1,"
	lab_cmp "after swapoff Xen's pool holds one page, the swap header" \
		"$(virtswap_pool_field "$l" "$1" Pc)" -eq 1
	lab_cmp "and the device counts that one in tmem" "$(guest_result g1 end_vs_pages_in_tmem)" -eq 1
	[ "${2:-}" != restored ] || return 0
	lab_cmp "Xen's good puts are the device's stores to tmem" \
		"$(virtswap_pool_field "$l" "$1" ps)" -eq "$(guest_result g1 end_vs_stored_tmem)"
	lab_cmp "Xen's good gets are the device's loads from tmem" \
		"$(virtswap_pool_field "$l" "$1" gs)" -eq "$(guest_result g1 end_vs_loaded_tmem)"
	lab_cmp "Xen's flushes are the device's" \
		"$(virtswap_pool_field "$l" "$1" ft)" -eq "$(guest_result g1 end_vs_flushed)"
}

# virtswap_start VERSION RELEASE EXTRA [DISK]: g1 (128 MiB) boots Debian's
# stock kernel VERSION (6.12 or 6.1; "project": the project's own, which has
# virtswap built in) and runs tests/e2e/guest/virtswap.sh (EXTRA: more
# lab.* arguments); checks (4) that it runs kernel RELEASE, set virtswap
# up, swapped on it and filled its pages. Sets vs_id.
# With VS_LATE_MAXMEM=MIB, g1 is created with its maximum at its RAM and
# that maximum is raised to MIB only once its kernel runs (one check more):
# Debian's balloon driver in a PVH guest created with maxmem above memory
# waits at boot to give the difference back and stalls there.
virtswap_start() {
	if [ -n "${VS_LATE_MAXMEM:-}" ]; then
		GUEST_MAXMEM=128
		export GUEST_MAXMEM
		set -- "$1" "$2" "lab.latemax=1 $3" ${4:-}
	fi
	if [ "$1" = project ]; then
		lab_ok "g1 starts with the project's kernel" guest_start g1 128 "lab.run=virtswap $3" ${4:-}
	else
		GUEST_KERNEL="$LAB_GUEST_DIR/vmlinuz-stock-$1"
		export GUEST_KERNEL
		lab_ok "g1 starts with Debian's own $1 kernel" guest_start g1 128 "lab.run=virtswap $3" ${4:-}
		unset GUEST_KERNEL
	fi
	vs_id=$(xl domid g1)
	guest_wait_for g1 kernel 120
	lab_ok "g1 runs the kernel $2 ($(guest_result g1 kernel))" same_text "$2" "$(guest_result g1 kernel)"
	if [ -n "${VS_LATE_MAXMEM:-}" ]; then
		unset GUEST_MAXMEM
		lab_ok "g1's maximum raised to $VS_LATE_MAXMEM MiB once it runs" \
			xl mem-max g1 "${VS_LATE_MAXMEM}m"
		guest_signal g1 maxmem
	fi
	guest_wait_for g1 swapon 120
	lab_cmp "virtswap set up (insmod, or sysfs when built in)" "$(guest_result g1 virtswap_insmod_rc)" -eq 0
	lab_ok "swapon /dev/virtswap0" same_text ok "$(guest_result g1 swapon)"
}

# virtswap_finish DOMID [restored]: after the fill (checks of the caller at
# "filled"), the verification, swapoff, Xen's counts against the device's
# (virtswap_exact), and the end (12 checks; 9 with "restored").
virtswap_finish() {
	guest_signal g1 listed
	lab_ok "g1 verified its pages and swapped off" guest_wait_for g1 verified 900
	lab_cmp "every page read back intact" "$(guest_result g1 mismatches)" -eq 0
	lab_cmp "memstress exit status" "$(guest_result g1 memstress_rc)" -eq 0
	lab_ok "swapoff /dev/virtswap0" same_text ok "$(guest_result g1 swapoff)"
	virtswap_exact "$1" "${2:-}"
	guest_signal g1 verified_listed
	guest_wait g1 120
	lab_cmp "rmmod virtswap (or its reset, built in)" "$(guest_result g1 rmmod_rc)" -eq 0
	lab_cmp "guest workload exit status" "$(guest_result g1 guest_rc)" -eq 0
}

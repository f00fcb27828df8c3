# make bench-density, dom0 side (issue 14): how many guests one host runs,
# with tmem (self-ballooning and frontswap self-shrinking, the kernel's
# defaults but a 1 s interval) and without (static guests swapping to
# disk), in one boot. Every guest has 256 MiB and runs
# tests/e2e/guest/density.sh: busy phases of a 160 MiB checksummed working
# set between quiet phases of next to nothing, out of step with the others.
#
# Part 1: the same 3 guests in both configurations, started 20 s apart.
# Part 2: guests started 25 s apart, each idle for its first 30 s, until xl
# create fails (or 8 run), in both configurations; a guest completed when
# its workload finished every phase with every page intact.
# Every second dom0 prints a DSAMPLE line: Xen's free memory, each guest's
# memory (xl list: its RAM and the persistent tmem pages charged to it),
# the persistent and ephemeral pages tmem holds. One BENCH line per run and
# per guest; tools/bench/density-report.py makes the CSV, the plot and the
# summary line.
# lab-xen: tmem
# lab-memory: 2048
# lab-timeout: 3600
# lab-disks: s1:320M s2:320M s3:320M s4:320M s5:320M s6:320M s7:320M s8:320M
. /lab/dom0-lib.sh
MEM=256
PHASES=3
MIB=160
QUIET=40
MAX_GUESTS=8
DISKS="a b c d e f g h"

# sampler RUN: one DSAMPLE line a second until /run/sampler.stop exists.
sampler() {
	t0=$(date +%s)
	while [ ! -e /run/sampler.stop ]; do
		xl tmem-list -l -a > /run/sampler.tl 2>/dev/null
		pers=$(awk -F'[,:]' '/^P=/ { for (i = 2; i < NF; i++) if ($i == "PT" && $(i + 1) ~ /^P/) p = 1;
			for (i = 2; i < NF; i++) if ($i == "Pc" && p) s += $(i + 1); p = 0 } END { print s + 0 }' /run/sampler.tl)
		eph=$(TMEM_LIST=/run/sampler.tl tmem_field G Ec)
		mems=$(xl list | awk '$1 ~ /^d[0-9]+$/ { printf " %s=%s", $1, $3 }')
		echo "DSAMPLE: run=$1 t=$(($(date +%s) - t0)) free=$(free_mib) pers=$pers eph=${eph:-0}$mems"
		sleep 1
	done
}

# start_guest RUN I DELAY: guest dI on disk I for RUN (static or tmem).
start_guest() {
	disk=/dev/vd$(echo "$DISKS" | cut -d' ' -f"$2")
	args="lab.run=density lab.phases=$PHASES lab.mib=$MIB lab.quiet=$QUIET lab.delay=$3"
	case $1 in
	static*)
		GUEST_MAXMEM=$MEM guest_start "d$2" "$MEM" "$args" "$disk" ;;
	tmem*)
		GUEST_TMEM_POLICY="" GUEST_MAXMEM=$((MEM + 128)) guest_start "d$2" "$MEM" \
			"tmem=1 lab.selfballoon=1 $args" "$disk" ;;
	esac
}

# finish RUN N: wait for guests d1..dN (at most 1200 s in all), one BENCH
# line each; sets completed and all_mismatches.
finish() {
	completed=0 all_mismatches=0
	start=$(date +%s)
	for i in $(seq 1 "$2"); do
		left=$((1200 - ($(date +%s) - start)))
		[ "$left" -gt 10 ] || left=10
		guest_wait "d$i" "$left" || true
		done_=$(guest_result "d$i" density_done)
		mm=$(guest_result "d$i" mismatches)
		fp=$(guest_result "d$i" failed_phases)
		all_mismatches=$((all_mismatches + ${mm:-0}))
		if [ "$done_" = 1 ] && [ "${mm:-x}" = 0 ] && [ "${fp:-x}" = 0 ]; then
			completed=$((completed + 1))
		fi
		echo "BENCH: guest run=$1 name=d$i done=${done_:-0} busy_seconds=$(guest_result "d$i" busy_seconds) mismatches=${mm:-NA} failed_phases=${fp:-NA} frontswap_stores=$(guest_result "d$i" frontswap_succ_stores) pswpout=$(guest_result "d$i" vmstat_pswpout)"
	done
	# the next run's guests of the same names start relays of their own
	guest_relays_stop
}

# run RUN N STAGGER: start N guests STAGGER s apart (N = 0: until xl
# create fails or MAX_GUESTS run), sample until all end; one BENCH line.
run() {
	rm -f /run/sampler.stop
	sampler "$1" &
	sp=$!
	t0=$(date +%s)
	n=0 limit=$2
	[ "$limit" -gt 0 ] || limit=$MAX_GUESTS
	while [ "$n" -lt "$limit" ]; do
		if [ "$2" -gt 0 ]; then
			start_guest "$1" $((n + 1)) $((n * $3)) || break
		else
			# idle first, as a guest that just booted is
			start_guest "$1" $((n + 1)) 30 || break
		fi
		n=$((n + 1))
		[ "$2" -gt 0 ] || sleep "$3"
	done
	[ "$2" -gt 0 ] || lab_note "$1: $n guests started (create failed or $MAX_GUESTS reached)"
	finish "$1" "$n"
	touch /run/sampler.stop
	wait "$sp"
	echo "BENCH: run=$1 started=$n completed=$completed mismatches=$all_mismatches seconds=$(($(date +%s) - t0))"
}

lab_plan 6
lab_ok "tmem answers control operations" tmem_available
lab_note "Xen's free memory with no guest: $(free_mib) MiB"
run static 3 20
lab_cmp "static: 3 guests completed" "$completed" -eq 3
run tmem 3 20
lab_cmp "tmem: 3 guests completed" "$completed" -eq 3
run static-max 0 25
static_max=$completed
run tmem-max 0 25
lab_cmp "static-max: guests completed" "$static_max" -gt 0
lab_cmp "tmem-max: guests completed" "$completed" -gt 0
lab_ok "Xen is still up" xl info
lab_finish

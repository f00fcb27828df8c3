// SPDX-License-Identifier: GPL-2.0
/*
 * heartbeat: measure, from inside a guest, how long it stopped running.
 * It wakes up about every millisecond and keeps the longest gap between two
 * wake-ups; while the guest is paused for the last phase of a migration (or
 * a save), no wake-up happens, so that gap is the downtime as the guest's
 * programs saw it.
 *
 * Gaps are measured on CLOCK_BOOTTIME: Linux stops CLOCK_MONOTONIC while a
 * Xen guest is suspended (timekeeping_resume() adds the suspended time,
 * read from Xen's wallclock, to the real-time and boot-time clocks only),
 * so a monotonic gap misses the time the guest spent suspended. The largest
 * monotonic gap is reported too, for comparison. The process locks itself
 * in memory, so its own page faults on a swapping guest add no gaps.
 *
 * usage: heartbeat STOPFILE [MAX_SECONDS]
 * Runs until STOPFILE exists (or MAX_SECONDS, default 3600, have passed),
 * then prints "RESULT key=value" lines: heartbeat_max_gap_ms,
 * heartbeat_second_gap_ms (the largest gap apart from the longest one: what
 * the guest's own scheduling costs), heartbeat_max_gap_mono_ms,
 * heartbeat_gaps_over_100ms, heartbeat_samples, heartbeat_seconds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static long long ms(int64_t ns)
{
	return (long long)((ns + 500000) / 1000000);
}

int main(int argc, char **argv)
{
	const struct timespec tick = { 0, 1000 * 1000 };
	int64_t boot0, boot, mono, last_boot, last_mono, gap, limit;
	int64_t max_gap = 0, second_gap = 0, max_mono = 0;
	unsigned long long samples = 0, over_100ms = 0;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: heartbeat STOPFILE [MAX_SECONDS]\n");
		return 2;
	}
	limit = (argc == 3 ? atoll(argv[2]) : 3600) * (int64_t)1000000000;
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		perror("heartbeat: mlockall (gaps may include page faults)");

	boot0 = clock_ns(CLOCK_BOOTTIME);
	last_boot = boot0;
	last_mono = clock_ns(CLOCK_MONOTONIC);
	for (;;) {
		nanosleep(&tick, NULL);
		boot = clock_ns(CLOCK_BOOTTIME);
		mono = clock_ns(CLOCK_MONOTONIC);
		gap = boot - last_boot;
		if (gap > max_gap) {
			second_gap = max_gap;
			max_gap = gap;
		} else if (gap > second_gap) {
			second_gap = gap;
		}
		if (gap > 100 * 1000000)
			over_100ms++;
		if (mono - last_mono > max_mono)
			max_mono = mono - last_mono;
		last_boot = boot;
		last_mono = mono;
		samples++;
		if (access(argv[1], F_OK) == 0 || boot - boot0 >= limit)
			break;
	}
	printf("RESULT heartbeat_max_gap_ms=%lld\n", ms(max_gap));
	printf("RESULT heartbeat_second_gap_ms=%lld\n", ms(second_gap));
	printf("RESULT heartbeat_max_gap_mono_ms=%lld\n", ms(max_mono));
	printf("RESULT heartbeat_gaps_over_100ms=%llu\n", over_100ms);
	printf("RESULT heartbeat_samples=%llu\n", samples);
	printf("RESULT heartbeat_seconds=%.1f\n", (boot - boot0) / 1e9);
	return 0;
}

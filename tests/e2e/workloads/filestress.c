// SPDX-License-Identifier: GPL-2.0
/*
 * filestress: a file set whose every page is a pure function of
 * (seed, file, page, version), for checking that the page cache and
 * cleancache never return stale or foreign data.
 *
 *   filestress create DIR MIB      write the set: 1 MiB files, version 0
 *   filestress verify DIR          read every file, compare every page
 *   filestress rewrite DIR N       rewrite every Nth file with version+1
 *   filestress truncate DIR N      truncate every Nth file to half, then
 *                                  extend it back with a new version
 *
 * Versions are kept in DIR/.versions (one byte per file). The host runs
 * it to build the lab's data disk; guests run it on that disk.
 * Prints "RESULT key=value" lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096
#define FILE_PAGES 256	/* 1 MiB files */
#define SEED 0x7e3e3ULL

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Half the pages compress well, half do not; each is stamped with its
 * identity so a page from another file or version never matches. */
static void fill(uint8_t *p, unsigned int file, unsigned int page,
		 unsigned int version)
{
	uint64_t key = mix(SEED ^ ((uint64_t)file << 32) ^ ((uint64_t)page << 8) ^ version);
	uint64_t *w = (uint64_t *)p;
	unsigned int i;

	if (key & 1) {
		for (i = 0; i < PAGE / 8; i++) {
			key = mix(key);
			w[i] = key;
		}
	} else {
		for (i = 0; i < PAGE; i++)
			p[i] = "cleancache page "[(i + page) % 16];
	}
	w[0] = file;
	w[1] = page;
	w[2] = version;
}

static char path[4096];

static const char *file_path(const char *dir, unsigned int f)
{
	snprintf(path, sizeof(path), "%s/f%05u", dir, f);
	return path;
}

static int load_versions(const char *dir, uint8_t **v, unsigned int *n)
{
	char vp[4096];
	struct stat st;
	int fd;

	snprintf(vp, sizeof(vp), "%s/.versions", dir);
	fd = open(vp, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "filestress: %s: %s\n", vp, strerror(errno));
		return -1;
	}
	*n = st.st_size;
	*v = malloc(*n ? *n : 1);
	if (!*v || read(fd, *v, *n) != (ssize_t)*n) {
		fprintf(stderr, "filestress: cannot read %s\n", vp);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int save_versions(const char *dir, const uint8_t *v, unsigned int n)
{
	char vp[4096];
	int fd;

	snprintf(vp, sizeof(vp), "%s/.versions", dir);
	fd = open(vp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, v, n) != (ssize_t)n) {
		fprintf(stderr, "filestress: cannot write %s\n", vp);
		return -1;
	}
	return close(fd);
}

static int write_file(const char *dir, unsigned int f, unsigned int from_page,
		      unsigned int version, int flags)
{
	uint8_t buf[PAGE];
	unsigned int pg;
	int fd = open(file_path(dir, f), O_WRONLY | O_CREAT | flags, 0644);

	if (fd < 0) {
		fprintf(stderr, "filestress: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (pg = from_page; pg < FILE_PAGES; pg++) {
		fill(buf, f, pg, version);
		if (pwrite(fd, buf, PAGE, (off_t)pg * PAGE) != PAGE) {
			fprintf(stderr, "filestress: write %s: %s\n", path, strerror(errno));
			close(fd);
			return -1;
		}
	}
	return close(fd);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int verify(const char *dir)
{
	uint8_t buf[PAGE], want[PAGE], *v;
	unsigned long mismatches = 0, pages = 0;
	unsigned int n, f, pg;
	double t0 = now();

	if (load_versions(dir, &v, &n))
		return 1;
	for (f = 0; f < n; f++) {
		int fd = open(file_path(dir, f), O_RDONLY);

		if (fd < 0) {
			fprintf(stderr, "filestress: %s: %s\n", path, strerror(errno));
			return 1;
		}
		for (pg = 0; pg < FILE_PAGES; pg++) {
			ssize_t got = read(fd, buf, PAGE);

			fill(want, f, pg, v[f]);
			pages++;
			if (got != PAGE || memcmp(buf, want, PAGE)) {
				if (mismatches < 10) {
					uint64_t *w = (uint64_t *)buf;

					printf("filestress: MISMATCH file %u page %u: holds file %llu page %llu version %llu, want version %u\n",
					       f, pg, (unsigned long long)w[0],
					       (unsigned long long)w[1],
					       (unsigned long long)w[2], v[f]);
				}
				mismatches++;
			}
		}
		close(fd);
	}
	printf("RESULT verified_pages=%lu\n", pages);
	printf("RESULT file_mismatches=%lu\n", mismatches);
	printf("RESULT verify_seconds=%.1f\n", now() - t0);
	return mismatches ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *cmd, *dir;
	unsigned int n, f, every;
	uint8_t *v;

	if (argc < 3) {
		fprintf(stderr, "usage: %s create DIR MIB | verify DIR | rewrite DIR N | truncate DIR N\n",
			argv[0]);
		return 2;
	}
	cmd = argv[1];
	dir = argv[2];
	if (!strcmp(cmd, "verify"))
		return verify(dir);
	if (argc < 4 || (every = strtoul(argv[3], NULL, 0)) == 0) {
		fprintf(stderr, "filestress: %s needs a positive number\n", cmd);
		return 2;
	}
	if (!strcmp(cmd, "create")) {
		n = every;
		v = calloc(n, 1);
		if (!v || (mkdir(dir, 0755) && errno != EEXIST))
			return 1;
		for (f = 0; f < n; f++)
			if (write_file(dir, f, 0, 0, O_TRUNC))
				return 1;
		printf("RESULT created_files=%u\n", n);
		return save_versions(dir, v, n) ? 1 : 0;
	}
	if (load_versions(dir, &v, &n))
		return 1;
	for (f = 0; f < n; f += every) {
		v[f]++;
		if (!strcmp(cmd, "rewrite")) {
			if (write_file(dir, f, 0, v[f], 0))
				return 1;
		} else if (!strcmp(cmd, "truncate")) {
			/* The old second half must never come back. */
			if (truncate(file_path(dir, f), (off_t)FILE_PAGES / 2 * PAGE) ||
			    write_file(dir, f, 0, v[f], 0))
				return 1;
		} else {
			fprintf(stderr, "filestress: unknown command %s\n", cmd);
			return 2;
		}
	}
	printf("RESULT %s_files=%u\n", cmd, (n + every - 1) / every);
	return save_versions(dir, v, n) ? 1 : 0;
}

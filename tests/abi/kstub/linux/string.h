/* Minimal stand-in for a kernel header: checks that abi_suite.c builds
 * freestanding, with only what a kernel module has (no libc). */
void *memset(void *, int, size_t); void *memcpy(void *, const void *, size_t); int memcmp(const void *, const void *, size_t);

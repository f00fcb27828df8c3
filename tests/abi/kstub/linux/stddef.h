/* Minimal stand-in for a kernel header: checks that abi_suite.c builds
 * freestanding, with only what a kernel module has (no libc). */
#define offsetof(t, m) __builtin_offsetof(t, m)

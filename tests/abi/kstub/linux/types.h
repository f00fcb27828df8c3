/* Minimal stand-in for a kernel header: checks that abi_suite.c builds
 * freestanding, with only what a kernel module has (no libc). */
typedef unsigned char uint8_t; typedef unsigned short uint16_t; typedef unsigned int uint32_t;
typedef unsigned long long uint64_t; typedef int int32_t; typedef long long int64_t; typedef unsigned long size_t;

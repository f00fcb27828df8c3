/* check.h: minimal assertion counting for the engine tests. */
#ifndef TMEM_TEST_CHECK_H
#define TMEM_TEST_CHECK_H
#include <stdio.h>
#include <stdlib.h>

static long check_passed, check_failed;

#define CHECK(cond, ...)                                                  \
    do {                                                                  \
        if ( cond )                                                       \
            check_passed++;                                               \
        else                                                              \
        {                                                                 \
            check_failed++;                                               \
            if ( check_failed <= 50 )                                     \
            {                                                             \
                fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__,   \
                        #cond);                                           \
                fprintf(stderr, __VA_ARGS__);                             \
                fputc('\n', stderr);                                      \
            }                                                             \
        }                                                                 \
    } while ( 0 )

#define CHECK_EQ(a, b)                                                    \
    do {                                                                  \
        long long a_ = (long long)(a), b_ = (long long)(b);               \
        CHECK(a_ == b_, "%s = %lld, expected %s = %lld", #a, a_, #b, b_); \
    } while ( 0 )

static inline int check_summary(const char *name)
{
    printf("%s: %ld passed, %ld failed\n", name, check_passed, check_failed);
    return check_failed ? 1 : 0;
}
#endif

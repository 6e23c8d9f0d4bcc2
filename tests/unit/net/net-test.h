/* net-test.h: tiny assertion helpers for the net unit tests. */
#ifndef LOOM_NET_TEST_H
#define LOOM_NET_TEST_H 1

#include <stdio.h>
#include <stdlib.h>

static int net_test_failures;

#define CHECK(cond) do {                                                \
        if (!(cond)) {                                                  \
            fprintf(stderr, "%s:%d: check failed: %s\n",                \
                    __FILE__, __LINE__, #cond);                         \
            net_test_failures++;                                        \
        }                                                               \
    } while (0)

#define CHECK_INT(a, b) do {                                            \
        long long a_ = (a), b_ = (b);                                   \
        if (a_ != b_) {                                                 \
            fprintf(stderr, "%s:%d: check failed: %s == %s "            \
                    "(%lld != %lld)\n", __FILE__, __LINE__, #a, #b,     \
                    a_, b_);                                            \
            net_test_failures++;                                        \
        }                                                               \
    } while (0)

#define CHECK_STR(a, b) do {                                            \
        const char *a_ = (a), *b_ = (b);                                \
        if (!a_ || !b_ || strcmp(a_, b_)) {                             \
            fprintf(stderr, "%s:%d: check failed: %s == %s "            \
                    "(\"%s\" != \"%s\")\n", __FILE__, __LINE__, #a, #b, \
                    a_ ? a_ : "(null)", b_ ? b_ : "(null)");            \
            net_test_failures++;                                        \
        }                                                               \
    } while (0)

#define TEST_DONE() do {                                                \
        if (net_test_failures) {                                        \
            fprintf(stderr, "%d check(s) failed\n", net_test_failures); \
            return 1;                                                   \
        }                                                               \
        printf("all checks passed\n");                                  \
        return 0;                                                       \
    } while (0)

#endif

/* test-util.c: x* allocators and struct ds. */
#include <string.h>

#include "lib/util.h"
#include "net-test.h"

int
main(void)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    CHECK_STR(ds_cstr(&ds), "");
    ds_put_cstr(&ds, "abc");
    ds_put_char(&ds, '-');
    ds_put_format(&ds, "%d:%s", 42, "x");
    CHECK_STR(ds_cstr(&ds), "abc-42:x");
    CHECK_INT(ds.length, 8);

    /* Growth across many appends, and long formats. */
    ds_clear(&ds);
    for (int i = 0; i < 1000; i++) {
        ds_put_format(&ds, "%04d", i);
    }
    CHECK_INT(ds.length, 4000);
    CHECK(!memcmp(ds_cstr(&ds) + 3996, "0999", 4));
    char big[5000];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ds_clear(&ds);
    ds_put_format(&ds, "<%s>", big);
    CHECK_INT(ds.length, 5001);
    CHECK(ds_cstr(&ds)[5000] == '>');

    ds_truncate(&ds, 3);
    CHECK_STR(ds_cstr(&ds), "<zz");
    CHECK(ds_chomp(&ds, 'z'));
    CHECK(!ds_chomp(&ds, 'q'));
    CHECK_STR(ds_cstr(&ds), "<z");
    ds_put_buffer(&ds, "a\0b", 3);
    CHECK_INT(ds.length, 5);
    char *s = ds_steal_cstr(&ds);
    CHECK(!memcmp(s, "<za\0b", 6));
    free(s);
    CHECK(ds.string == NULL && ds.length == 0);
    s = ds_steal_cstr(&ds);
    CHECK_STR(s, "");
    free(s);
    ds_destroy(&ds);

    char *p = xasprintf("%s=%d", "k", 7);
    CHECK_STR(p, "k=7");
    free(p);
    p = xstrndup("abcdef", 3);
    CHECK_STR(p, "abc");
    free(p);
    CHECK(xstrdup(NULL) == NULL);
    free(xmalloc(0));
    free(xcalloc(0, 8));
    CHECK(str_starts_with("tcp:1.2.3.4", "tcp:"));
    CHECK(!str_starts_with("tc", "tcp:"));
    CHECK(str_ends_with("a.ovsschema", ".ovsschema"));
    CHECK(!str_ends_with("a", "ab"));
    TEST_DONE();
}

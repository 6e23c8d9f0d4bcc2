/* test-ctl-value: the ovn-nbctl value syntax (utilities/db-value.c) and the
 * address checks (utilities/ctl-addr.c), without a database.  Expected
 * strings are what Debian's ovn-nbctl prints for the same values. */
#include <assert.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utilities/ctl-addr.h"
#include "utilities/db-ctl.h"
#include "utilities/db-value.h"

static int failures;

#define CHECK(COND) do {                                                \
        if (!(COND)) {                                                  \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,      \
                    __LINE__, #COND);                                   \
            failures++;                                                 \
        }                                                               \
    } while (0)

static struct ovsdb_base_type base(enum ovsdb_atomic_type t)
{
    struct ovsdb_base_type b;
    memset(&b, 0, sizeof b);
    b.type = t;
    b.min_integer = INT64_MIN;
    b.max_integer = INT64_MAX;
    b.min_real = -DBL_MAX;
    b.max_real = DBL_MAX;
    b.min_length = 0;
    b.max_length = UINT_MAX;
    return b;
}

static struct ovsdb_type type(enum ovsdb_atomic_type k,
                              enum ovsdb_atomic_type v, unsigned n_min,
                              unsigned n_max)
{
    struct ovsdb_type t;
    t.key = base(k);
    t.value = base(v);
    t.n_min = n_min;
    t.n_max = n_max;
    return t;
}

/* Parses TEXT as TYPE and prints it back; compares with WANT (NULL: must
 * fail, and the error must contain ERR_PART). */
static void roundtrip(const struct ovsdb_type *t, const char *text,
                      const char *want, const char *err_part)
{
    char *err = NULL;
    json_t *symtab = json_object();
    json_t *d = ctl_datum_from_string(t, text, symtab, &err);
    if (!want) {
        if (d) {
            fprintf(stderr, "'%s': parsed but should fail\n", text);
            failures++;
        } else if (err_part && !strstr(err, err_part)) {
            fprintf(stderr, "'%s': error '%s' lacks '%s'\n", text, err,
                    err_part);
            failures++;
        }
    } else if (!d) {
        fprintf(stderr, "'%s': unexpected error: %s\n", text, err);
        failures++;
    } else {
        struct ds out = {0};
        ctl_datum_to_string(t, d, false, &out);
        if (strcmp(ds_cstr(&out), want)) {
            fprintf(stderr, "'%s': printed '%s', want '%s'\n", text,
                    ds_cstr(&out), want);
            failures++;
        }
        /* What we print must parse back to the same datum. */
        json_t *again = ctl_datum_from_string(t, ds_cstr(&out), symtab,
                                              NULL);
        CHECK(again && ctl_datum_equal(again, d));
        json_decref(again);
        ds_destroy(&out);
    }
    json_decref(d);
    json_decref(symtab);
    free(err);
}

static void test_strings(void)
{
    struct ovsdb_type str = type(OVSDB_TYPE_STRING, OVSDB_TYPE_VOID, 1, 1);
    roundtrip(&str, "p1", "p1", NULL);
    roundtrip(&str, "\"\"", "\"\"", NULL);
    roundtrip(&str, "\"true\"", "\"true\"", NULL);
    roundtrip(&str, "True", "True", NULL);
    roundtrip(&str, "a.b-c_d", "a.b-c_d", NULL);
    roundtrip(&str, "\"a:b\"", "\"a:b\"", NULL);
    roundtrip(&str, "\"a\\\"b\"", "\"a\\\"b\"", NULL);
    roundtrip(&str, "\"d28b3d67-0eaf-4321-940a-da29d3533a8a\"",
              "\"d28b3d67-0eaf-4321-940a-da29d3533a8a\"", NULL);
    roundtrip(&str, "a b", NULL, "maximum number is 1");
    roundtrip(&str, "a:b", NULL, "unexpected \":\"");
    roundtrip(&str, "", NULL, "minimum number is 1");
}

static void test_sets_and_maps(void)
{
    struct ovsdb_type set = type(OVSDB_TYPE_STRING, OVSDB_TYPE_VOID, 0,
                                 OVSDB_UNLIMITED);
    roundtrip(&set, "[]", "[]", NULL);
    roundtrip(&set, "a,b", "[a, b]", NULL);
    roundtrip(&set, "[c d]", "[c, d]", NULL);
    roundtrip(&set, "router", "[router]", NULL);
    roundtrip(&set, "[\"c d\", e]", "[\"c d\", e]", NULL);
    roundtrip(&set, "b a b", "[a, b]", NULL);
    roundtrip(&set, "[a", NULL, "missing \"]\"");

    struct ovsdb_type map = type(OVSDB_TYPE_STRING, OVSDB_TYPE_STRING, 0,
                                 OVSDB_UNLIMITED);
    roundtrip(&map, "{}", "{}", NULL);
    roundtrip(&map, "{x=1,y=2}", "{x=\"1\", y=\"2\"}", NULL);
    roundtrip(&map, "x=1,y=2", "{x=\"1\", y=\"2\"}", NULL);
    roundtrip(&map, "{b=a, A=Ab}", "{A=Ab, b=a}", NULL);
    roundtrip(&map, "{\"x y\"=\"1\"}", "{\"x y\"=\"1\"}", NULL);
    roundtrip(&map, "{k=a:b}", NULL, "unexpected \":\"");
    roundtrip(&map, "{k=a b}", NULL, "expecting \"=\"");
    roundtrip(&map, "{k=1, k=2}", NULL, "duplicate key");

    struct ovsdb_type opt_int = type(OVSDB_TYPE_INTEGER, OVSDB_TYPE_VOID, 0,
                                     1);
    opt_int.key.min_integer = 1;
    opt_int.key.max_integer = 4095;
    roundtrip(&opt_int, "[]", "[]", NULL);
    roundtrip(&opt_int, "50", "50", NULL);
    roundtrip(&opt_int, "5000", NULL,
              "5000 is not in the valid range 1 to 4095 (inclusive)");
    roundtrip(&opt_int, "abc", NULL, "\"abc\" is not a valid integer");

    struct ovsdb_type boolean = type(OVSDB_TYPE_BOOLEAN, OVSDB_TYPE_VOID, 1,
                                     1);
    roundtrip(&boolean, "true", "true", NULL);
    roundtrip(&boolean, "maybe", NULL, "not a valid boolean");

    struct ovsdb_type real = type(OVSDB_TYPE_REAL, OVSDB_TYPE_VOID, 1, 1);
    roundtrip(&real, "1.5", "1.5", NULL);
    roundtrip(&real, "0.1", "0.1", NULL);

    struct ovsdb_type enumed = type(OVSDB_TYPE_STRING, OVSDB_TYPE_VOID, 1, 1);
    enumed.key.enum_ = json_pack("[s[sss]]", "set", "allow", "drop",
                                 "reject");
    roundtrip(&enumed, "drop", "drop", NULL);
    roundtrip(&enumed, "pass", NULL, "is not one of the allowed values "
              "([allow, drop, reject])");
    json_decref(enumed.key.enum_);
}

static void test_uuids_and_symbols(void)
{
    struct ovsdb_type refs = type(OVSDB_TYPE_UUID, OVSDB_TYPE_VOID, 0,
                                  OVSDB_UNLIMITED);
    char *err = NULL;
    json_t *symtab = json_object();
    json_t *d = ctl_datum_from_string(
        &refs, "[D28B3D67-0EAF-4321-940A-DA29D3533A8A, @p, @p]", symtab,
        &err);
    CHECK(d && json_array_size(d) == 2);
    CHECK(json_object_get(symtab, "@p") != NULL);
    struct ds out = {0};
    ctl_datum_to_string(&refs, d, false, &out);
    /* Named uuids print as <name>; real ones lowercased. */
    CHECK(strstr(ds_cstr(&out), "d28b3d67-0eaf-4321-940a-da29d3533a8a"));
    ds_destroy(&out);
    json_decref(d);
    d = ctl_datum_from_string(&refs, "not-a-uuid", symtab, &err);
    CHECK(!d && strstr(err, "is not a valid UUID"));
    free(err);
    json_decref(symtab);
}

static void test_wire_and_algebra(void)
{
    struct ovsdb_type set = type(OVSDB_TYPE_STRING, OVSDB_TYPE_VOID, 0,
                                 OVSDB_UNLIMITED);
    json_t *w = json_pack("[s[sss]]", "set", "c", "a", "b");
    json_t *d = ctl_datum_from_wire(&set, w, NULL);
    CHECK(d && !strcmp(json_string_value(json_array_get(d, 0)), "a"));
    json_t *single = json_pack("[s]", "x");
    json_t *w2 = ctl_datum_to_wire(&set, single);
    CHECK(json_is_string(w2));                  /* 1 element: bare atom */
    json_t *two = json_pack("[ss]", "b", "z");
    json_t *u = ctl_datum_union(d, two, false);
    CHECK(json_array_size(u) == 4);
    json_t *s = ctl_datum_subtract(u, two, false);
    json_t *want = json_pack("[ss]", "a", "c");
    CHECK(ctl_datum_equal(s, want));
    json_decref(want);
    CHECK(json_array_size(s) == 2);
    json_t *key = json_string("c");
    CHECK(ctl_datum_find(s, key, false) == 1);
    json_decref(key);

    struct ovsdb_type map = type(OVSDB_TYPE_STRING, OVSDB_TYPE_STRING, 0,
                                 OVSDB_UNLIMITED);
    json_t *m = json_pack("[[ss][ss]]", "a", "1", "b", "2");
    json_t *add = json_pack("[[ss][ss]]", "a", "9", "c", "3");
    json_t *mu = ctl_datum_union(m, add, true);   /* existing key wins */
    CHECK(json_array_size(mu) == 3);
    CHECK(!strcmp(json_string_value(json_array_get(json_array_get(mu, 0), 1)),
                  "1"));
    json_t *keys = json_pack("[s]", "b");
    json_t *mr = ctl_datum_remove_keys(mu, keys);
    CHECK(json_array_size(mr) == 2);
    (void) map;
    json_decref(w); json_decref(d); json_decref(single); json_decref(w2);
    json_decref(two); json_decref(u); json_decref(s); json_decref(m);
    json_decref(add); json_decref(mu); json_decref(keys); json_decref(mr);
}

static void test_addresses(void)
{
    uint8_t mac[6];
    CHECK(ctl_parse_mac("00:0a:FF:00:00:01", mac) && mac[1] == 0x0a
          && mac[2] == 0xff);
    CHECK(!ctl_parse_mac("00:00:00:00:00:01_10.0.0.1", mac));
    CHECK(!ctl_parse_mac("zz:00:00:00:00:01", mac));
    CHECK(!ctl_parse_mac("00:00:00:00:00", mac));

    struct ctl_ip ip;
    CHECK(ctl_parse_ip_prefix("10.0.0.5/24", &ip) && ip.plen == 24
          && ip.has_plen);
    ctl_ip_mask(&ip);
    char buf[64];
    ctl_ip_format(&ip, true, buf);
    CHECK(!strcmp(buf, "10.0.0.0/24"));
    CHECK(!ctl_parse_ip_prefix("10.0.0.0/33", &ip));
    CHECK(!ctl_parse_ip_prefix("10.0.0.300/24", &ip));
    CHECK(ctl_parse_ip_prefix("fd00::1/64", &ip) && ip.family == AF_INET6);
    CHECK(!ctl_parse_ip_prefix("fd00::1/129", &ip));

    const char *bad;
    CHECK(ctl_valid_lsp_address("router", &bad));
    CHECK(ctl_valid_lsp_address("00:00:00:00:00:01 10.0.0.1 fd00::1", &bad));
    CHECK(ctl_valid_lsp_address("00:00:00:00:00:01 dynamic", &bad));
    CHECK(!ctl_valid_lsp_address("00:00:00:00:00:01 10.0.0.300", &bad)
          && !strcmp(bad, "10.0.0.300"));
    CHECK(!ctl_valid_lsp_address("zz", &bad) && !strcmp(bad, "zz"));
    CHECK(ctl_valid_port_security("00:00:00:00:00:01 10.0.0.0/24", &bad));
    CHECK(!ctl_valid_port_security("00:00:00:00:00:01 x", &bad)
          && !strcmp(bad, "x"));
}

/* The hash-table mask ovn-nbctl's table walk follows (observed on Debian's
 * 23.03 with 2, 8, 32 and 35 switches). */
static void test_idl_mask(void)
{
    CHECK(ctl_idl_mask(0) == 0);
    CHECK(ctl_idl_mask(1) == 0);
    CHECK(ctl_idl_mask(2) == 3);
    CHECK(ctl_idl_mask(7) == 3);
    CHECK(ctl_idl_mask(8) == 7);
    CHECK(ctl_idl_mask(15) == 7);
    CHECK(ctl_idl_mask(16) == 15);
    CHECK(ctl_idl_mask(32) == 31);
    CHECK(ctl_idl_mask(35) == 31);
    CHECK(ctl_idl_mask(64) == 63);
}

int main(void)
{
    test_idl_mask();
    test_strings();
    test_sets_and_maps();
    test_uuids_and_symbols();
    test_wire_and_algebra();
    test_addresses();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("test-ctl-value: all checks passed\n");
    return 0;
}

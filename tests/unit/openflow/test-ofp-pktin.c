/* test-ofp-pktin.c: Loom's packet-in userdata (openflow/ofp-pktin.h):
 * encode -> decode round trips, the exact bytes of one case, OVN's layout
 * kept when there is neither result nor data, and every truncation or
 * corruption refused with an error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openflow/ofp-fields.h"
#include "openflow/ofp-pktin.h"

static int failures, checks;
#define CHECK(C) do { checks++; if (!(C)) { failures++; \
    fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #C); } } while (0)

/* Encodes, decodes, and checks every decoded part against the inputs. */
static void
round_trip(int line, uint32_t opcode, const char *result, const char *data,
           const uint8_t *acts, size_t acts_len)
{
    struct mf_subfield sf;
    struct ofpbuf ud = OFPBUF_INIT;
    struct ofp_pktin_userdata d;
    char *err = NULL;
    checks++;
    if (result && (err = ofp_pktin_parse_subfield(result, &sf))) {
        goto fail;
    }
    if ((err = ofp_pktin_userdata_encode(&ud, opcode, result ? &sf : NULL, data,
                                         data ? strlen(data) : 0, acts, acts_len))) {
        goto fail;
    }
    if (ud.size % 8) {
        err = ofp_xasprintf("userdata of %zu bytes is not 8-aligned", ud.size);
        goto fail;
    }
    if ((err = ofp_pktin_userdata_decode(ud.data, ud.size, &d))) {
        goto fail;
    }
    if (d.opcode != opcode || d.has_result != !!result
        || (result && (d.result.field != sf.field || d.result.ofs != sf.ofs
                       || d.result.n_bits != sf.n_bits))
        || !d.data != !data
        || (data && (d.data_len != strlen(data) || memcmp(d.data, data, d.data_len)))
        || d.actions_len != acts_len || (acts_len && memcmp(d.actions, acts, acts_len))) {
        err = ofp_xasprintf("decoded parts differ from the encoded ones");
        goto fail;
    }
    /* Every shorter prefix that cuts into a block is refused. */
    size_t blocks = ud.size - acts_len;
    for (size_t n = 0; n < blocks; n++) {
        char *e = ofp_pktin_userdata_decode(ud.data, n, &d);
        if (!e) {
            err = ofp_xasprintf("truncation to %zu of %zu bytes accepted", n, ud.size);
            goto fail;
        }
        free(e);
    }
    ofpbuf_uninit(&ud);
    return;
fail:
    failures++;
    fprintf(stderr, "%s:%d: %s\n", __FILE__, line, err);
    free(err);
    ofpbuf_uninit(&ud);
}

static void
check_refused(int line, const uint8_t *p, size_t n, const char *needle)
{
    struct ofp_pktin_userdata d;
    char *err = ofp_pktin_userdata_decode(p, n, &d);
    checks++;
    if (!err || !strstr(err, needle)) {
        failures++;
        fprintf(stderr, "%s:%d: expected an error with '%s', got %s\n", __FILE__,
                line, needle, err ? err : "success");
    }
    free(err);
}

int
main(void)
{
    static const uint8_t resubmit9[] = {
        0xff, 0xff, 0x00, 0x10, 0x00, 0x00, 0x23, 0x20,
        0x00, 0x0e, 0xff, 0xf8, 0x09, 0x00, 0x00, 0x00,
    };
    round_trip(__LINE__, 2, "NXM_NX_XXREG0[99]", "offerip = 10.0.0.4", NULL, 0);
    round_trip(__LINE__, 7, NULL, "name=a\"b,severity=info", resubmit9, sizeof resubmit9);
    round_trip(__LINE__, 1, "reg0[]", NULL, resubmit9, sizeof resubmit9);
    round_trip(__LINE__, 3, "reg9[2..4]", "", NULL, 0);
    round_trip(__LINE__, 4, NULL, "1234", NULL, 0);          /* 4 + 4: no pad */
    round_trip(__LINE__, 5, NULL, NULL, resubmit9, sizeof resubmit9);
    round_trip(__LINE__, 6, NULL, NULL, NULL, 0);

    /* Exact bytes: put_dhcp_opts-like, result reg0[3], data "ab". */
    struct mf_subfield sf;
    char *err = ofp_pktin_parse_subfield("NXM_NX_REG0[3]", &sf);
    CHECK(!err);
    free(err);
    struct ofpbuf ud = OFPBUF_INIT;
    err = ofp_pktin_userdata_encode(&ud, 2, &sf, "ab", 2, resubmit9, sizeof resubmit9);
    CHECK(!err);
    free(err);
    static const uint8_t expect[] = {
        0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03,     /* opcode, flags */
        0x00, 0x01, 0x00, 0x04, 0x00, 0x03, 0x00, 0x01,     /* NXM_NX_REG0, 3, 1 */
        0x00, 0x00, 0x00, 0x02, 'a', 'b', 0x00, 0x00,       /* len 2, "ab", pad */
        0xff, 0xff, 0x00, 0x10, 0x00, 0x00, 0x23, 0x20,     /* resubmit(,9) */
        0x00, 0x0e, 0xff, 0xf8, 0x09, 0x00, 0x00, 0x00,
    };
    CHECK(ud.size == sizeof expect && !memcmp(ud.data, expect, sizeof expect));

    /* No result, no data: OVN's layout, byte for byte. */
    ofpbuf_clear(&ud);
    err = ofp_pktin_userdata_encode(&ud, 0x0a, NULL, NULL, 0, resubmit9, sizeof resubmit9);
    CHECK(!err);
    free(err);
    CHECK(ud.size == 24 && !memcmp(ud.data, "\0\0\0\x0a\0\0\0\0", 8)
          && !memcmp((uint8_t *) ud.data + 8, resubmit9, sizeof resubmit9));
    ofpbuf_uninit(&ud);

    /* Corruptions. */
    uint8_t bad[sizeof expect];
    check_refused(__LINE__, expect, 7, "shorter than");
    check_refused(__LINE__, expect, 12, "result block");
    check_refused(__LINE__, expect, 18, "data length");
    check_refused(__LINE__, expect, 22, "does not fit");
    memcpy(bad, expect, sizeof bad);
    bad[7] = 0x07;
    check_refused(__LINE__, bad, sizeof bad, "unknown bits");
    memcpy(bad, expect, sizeof bad);
    bad[23] = 0x01;
    check_refused(__LINE__, bad, sizeof bad, "padding");
    memcpy(bad, expect, sizeof bad);
    bad[9] = 0x05;                                      /* no such OXM class */
    check_refused(__LINE__, bad, sizeof bad, "is unknown");
    memcpy(bad, expect, sizeof bad);
    bad[13] = 32;                                       /* reg0[32] */
    check_refused(__LINE__, bad, sizeof bad, "outside the field");
    memcpy(bad, expect, sizeof bad);
    bad[19] = 0xff;                                     /* data length 255 */
    check_refused(__LINE__, bad, sizeof bad, "does not fit");

    /* Result subfield text. */
    static const char *const bad_refs[] = {
        "reg0", "reg0[", "[3]", "nosuch[1]", "reg0[32]", "reg0[4..2]", "reg0[x]",
        "reg0[1..]", "reg0[1]x",
    };
    for (size_t i = 0; i < sizeof bad_refs / sizeof *bad_refs; i++) {
        err = ofp_pktin_parse_subfield(bad_refs[i], &sf);
        CHECK(err && strstr(err, bad_refs[i]));
        if (err && !strstr(err, bad_refs[i])) {
            fprintf(stderr, "  error for '%s' does not quote it: %s\n", bad_refs[i], err);
        }
        free(err);
    }
    err = ofp_pktin_parse_subfield("NXM_NX_XXREG0[96..127]", &sf);
    CHECK(!err && sf.ofs == 96 && sf.n_bits == 32 && !strcmp(sf.field->name, "xxreg0"));
    free(err);

    printf("test-ofp-pktin: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}

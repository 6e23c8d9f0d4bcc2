/* fuzz-ctl-value: the ovn-nbctl value parser must never crash, and what it
 * prints must parse back to the same value.  The first input byte picks the
 * column type; the rest is the text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <float.h>

#include "utilities/ctl-addr.h"
#include "utilities/db-value.h"

static struct ovsdb_base_type base(enum ovsdb_atomic_type t)
{
    struct ovsdb_base_type b;
    memset(&b, 0, sizeof b);
    b.type = t;
    b.min_integer = INT64_MIN;
    b.max_integer = INT64_MAX;
    b.min_real = -DBL_MAX;
    b.max_real = DBL_MAX;
    b.max_length = UINT_MAX;
    return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    static const enum ovsdb_atomic_type types[] = {
        OVSDB_TYPE_INTEGER, OVSDB_TYPE_REAL, OVSDB_TYPE_BOOLEAN,
        OVSDB_TYPE_STRING, OVSDB_TYPE_UUID,
    };
    unsigned sel = data[0];
    struct ovsdb_type t;
    t.key = base(types[sel % 5]);
    bool map = (sel / 5) % 2;
    t.value = base(map ? types[(sel / 10) % 4] : OVSDB_TYPE_VOID);
    t.n_min = 0;
    t.n_max = (sel & 0x80) ? 1 : OVSDB_UNLIMITED;

    char *text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';

    /* Address checks must not crash either. */
    const char *bad;
    (void) ctl_valid_lsp_address(text, &bad);
    (void) ctl_valid_port_security(text, &bad);
    struct ctl_ip ip;
    if (ctl_parse_ip_prefix(text, &ip)) {
        char buf[64];
        ctl_ip_mask(&ip);
        ctl_ip_format(&ip, true, buf);
    }

    char *err = NULL;
    json_t *symtab = json_object();
    json_t *d = ctl_datum_from_string(&t, text, symtab, &err);
    if (d && json_object_size(symtab) == 0) {
        struct ds out = {0};
        ctl_datum_to_string(&t, d, false, &out);
        char *err2 = NULL;
        json_t *again = ctl_datum_from_string(&t, ds_cstr(&out), symtab,
                                              &err2);
        if (!again || !ctl_datum_equal(again, d)) {
            abort();
        }
        json_decref(again);
        free(err2);
        ds_destroy(&out);
    }
    json_decref(d);
    json_decref(symtab);
    free(err);
    free(text);
    return 0;
}

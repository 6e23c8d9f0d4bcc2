/* fuzz-ovsdb-schema: arbitrary bytes as a schema (what get_schema returns
 * from an untrusted server) and as column values of the parsed schema.
 * Parsing must succeed or return an error: no crash, no leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/ovsdb-data.h"
#include "lib/ovsdb-schema.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *j = json_loadb((const char *) data, size, JSON_DECODE_ANY, &jerr);
    if (!j) {
        return 0;
    }
    char *err = NULL;
    struct ovsdb_schema *s = ovsdb_schema_from_json(j, &err);
    free(err);
    if (s) {
        /* Every column of the schema parses the schema JSON itself as a
         * value, then prints and re-parses what it accepted. */
        for (size_t i = 0; i < s->n_tables; i++) {
            const struct ovsdb_table_schema *t = &s->tables[i];
            for (size_t k = 0; k < t->n_columns; k++) {
                const struct ovsdb_type *type = &t->columns[k].type;
                struct ovsdb_datum d;
                err = ovsdb_datum_from_json(&d, type, j);
                free(err);
                if (!err) {
                    json_t *back = ovsdb_datum_to_json(&d, type);
                    struct ovsdb_datum d2;
                    err = ovsdb_datum_from_json(&d2, type, back);
                    if (err || !ovsdb_datum_equals(&d, &d2, type)) {
                        abort();
                    }
                    ovsdb_datum_destroy(&d2, type);
                    json_decref(back);
                    ovsdb_datum_destroy(&d, type);
                }
            }
        }
        ovsdb_schema_destroy(s);
    }
    json_decref(j);
    return 0;
}

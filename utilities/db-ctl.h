/* db-ctl.h: the engine shared by loom-nbctl and loom-sbctl.
 *
 * One run of a ctl program is: parse the command line into a batch of
 * commands separated by "--", run each command against a client-side row
 * cache, then send everything the batch changed as ONE OVSDB "transact", and
 * print each command's output only once that transaction committed.  A
 * command that fails calls ctl_fatal(): the process exits with status 1
 * before anything was sent, so a failing command rolls back the whole batch.
 *
 * Why a row cache and not a replica: ovn-nbctl monitors (copies) the whole
 * database before running a command, which costs O(database) per call: with
 * 50,000 ports, about 2 s of its time.  Here each command asks the server
 * only for what it needs and the answers are cached for the rest of the
 * batch:
 *   - a name lookup is a "select where name == X" (ovsdb-server scans the
 *     table: ~25 ms on 50,000 ports); a question once answered is not asked
 *     again; after 16 lookups in one column the whole column is loaded
 *     (~0.6 s) and then answered from a hash index;
 *   - the rows a set references (a switch's ports) come in one transaction
 *     of "select _uuid == U" operations, which the server answers by hash;
 *   - whole tables (show, list, find) come through "monitor_cond", whose
 *     reply leaves out default values, cancelled right away.
 * Writes go out as insert/update/mutate/delete operations, so "lsp-add" on a
 * switch with 50,000 ports sends a "mutate ports insert" of one uuid instead
 * of reading and rewriting the whole set; consecutive mutations of a column
 * merge into one.  Result (bench/nbctl): lsp-add on a 50,000-port database
 * 30-55x faster than ovn-nbctl, a 500-port batch 3.5x, a full show about
 * even (0.6-0.9x).
 *
 * Concurrency: a row that was read and then changed gets a "wait" operation
 * asserting it still exists, and a name found absent gets a "wait" asserting
 * it is still absent (unless a unique index on the column already guards
 * it), so a concurrent writer makes the transaction fail instead of
 * silently interleaving; OVSDB answers "timed out" for a failed wait with
 * timeout 0 and the whole batch is then re-run from scratch (up to 20
 * times), as ovn-nbctl does.
 *
 * Errors: every ctl_* function that can fail ends the process through
 * ctl_fatal() with a message naming the bad argument; nothing returns an
 * error code to check, which keeps command code linear. */
#ifndef LOOM_DB_CTL_H
#define LOOM_DB_CTL_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/ovsdb-schema.h"
#include "utilities/db-value.h"

struct ctl_ctx;

/* One row known to this run. */
struct ctl_row {
    const struct ovsdb_table_schema *table;
    char uuid[37];          /* real uuid; "" until commit for inserted rows */
    char *named;            /* "rowN" for rows inserted by this run */
    char *want_uuid;        /* create --id=UUID: the UUID asked for */
    json_t *cols;           /* column -> canonical datum (loaded or written) */
    json_t *written;        /* column -> true: send the full value
                             * (NULL until this run changes the row) */
    json_t *muts;           /* column -> [[op, datum, keys_only]...], the
                             * pending "mutate"s of an unread column
                             * (NULL until this run mutates the row) */
    bool inserted, deleted, verify, touched;
    size_t index;           /* position in the cache (creation order) */
};

/* One command of the batch. */
struct ctl_command {
    const struct ctl_command_spec *spec;
    int argc;               /* argv[0] is the command name */
    char **argv;
    json_t *options;        /* "--name" -> string value or true */
    struct ds output;
    struct ctl_row *created;    /* create: print its uuid after commit */
};

struct ctl_command_spec {
    const char *name;
    int min_args, max_args;     /* not counting the name; -1 = unlimited */
    const char *options;        /* accepted: "--may-exist,--if-exists,--id=" */
    void (*run)(struct ctl_ctx *, struct ctl_command *);
    const char *usage;          /* "SWITCH PORT [PARENT TAG]" */
};

/* How a record of TABLE may be named besides its UUID: by the value of
 * COLUMN (a string column), or, with COLUMN NULL, "." for the only row. */
struct ctl_row_id {
    const char *table;
    const char *column;
};

/* What a program (nbctl, sbctl) plugs into the engine. */
struct ctl_program {
    const char *name;               /* "loom-nbctl" */
    const char *db_name;            /* "OVN_Northbound" */
    const char *default_db;         /* "unix:/var/run/ovn/ovnnb_db.sock" */
    const char *db_env;             /* "OVN_NB_DB" */
    const char *options_env;        /* "OVN_NBCTL_OPTIONS": more options */
    const struct ctl_command_spec *commands;   /* ends with name NULL */
    const struct ctl_row_id *row_ids;          /* ends with table NULL */
    const char *global_table;       /* table bumped by --wait ("NB_Global") */
    const char *global_row_table;   /* NB_Global/SB_Global: connections, ssl */
    void (*usage)(void);
};

struct ctl_ctx {
    const struct ctl_program *prog;
    struct ovsdb_schema *schema;
    struct rpc_sync *rpc;
    char *remote;
    int timeout_ms;

    /* Row cache. */
    struct ctl_row **rows;
    size_t n_rows, allocated_rows;
    json_t *by_uuid;            /* uuid or "rowN" -> index */
    json_t *loaded_tables;      /* table -> true (all rows, all columns)
                                 * or [columns] (all rows, those columns) */
    json_t *symtab;             /* "@name" -> uuid atom */
    json_t *defined_syms;       /* "@name" -> true once created/bound */
    json_t *verify_ops;         /* extra "wait" operations */
    json_t *queried;            /* "table\ncolumn\natom" already asked */
    json_t *lookup_counts;      /* "table\ncolumn" -> server lookups */
    json_t *indexes;            /* see lookup_indexed() in db-ctl.c */
    json_t *touched;            /* indexes of rows this run changed */
    bool force_wait;            /* "sync": bump nb_cfg even if unchanged */

    /* Output options. */
    const char *format;         /* "list", "table", "csv", "json" */
    bool bare, no_headings, oneline;
    const char *wait;           /* NULL, "sb" or "hv" */
    bool dry_run;
    char *comment;
};

/* ---- fatal errors ---- */
void ctl_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* ---- main ---- */
/* Runs a whole ctl program: parses ARGV, connects, runs the batch, commits,
 * waits if asked, prints.  Returns the exit status (0); errors exit 1. */
int ctl_main(const struct ctl_program *, int argc, char *argv[]);

/* ---- schema ---- */
/* Finds a table by name (case-insensitive, '-' == '_', unique prefixes). */
const struct ovsdb_table_schema *ctl_table(struct ctl_ctx *, const char *);
const struct ovsdb_table_schema *ctl_table_exact(struct ctl_ctx *,
                                                  const char *);
const struct ovsdb_column_schema *ctl_column(
    const struct ovsdb_table_schema *, const char *name);

/* ---- rows ---- */
/* The row with UUID (text) in TABLE, or NULL if there is none. */
struct ctl_row *ctl_row_by_uuid(struct ctl_ctx *,
                                const struct ovsdb_table_schema *,
                                const char *uuid);
/* Rows of TABLE whose COLUMN contains ATOM (scalar column: equals ATOM),
 * live rows of this run included, deleted ones excluded.  Returns a JSON
 * array of row indexes (caller decrefs). */
json_t *ctl_rows_where(struct ctl_ctx *, const struct ovsdb_table_schema *,
                       const char *column, const json_t *atom);
/* The single row whose name column is NAME, or NULL; fatal if several. */
struct ctl_row *ctl_row_by_name(struct ctl_ctx *,
                                const struct ovsdb_table_schema *,
                                const char *column, const char *name);
/* Generic record lookup per the program's row ids (uuid, abbreviated uuid,
 * name, "."); NULL if not found and !MUST_EXIST, else fatal
 * 'no row "X" in table T'. */
struct ctl_row *ctl_lookup(struct ctl_ctx *, const struct ovsdb_table_schema *,
                           const char *id, bool must_exist);
/* Loads every row of TABLE (all columns) into the cache, once. */
void ctl_load_table(struct ctl_ctx *, const struct ovsdb_table_schema *);
/* Loads every row of TABLE with only COLUMNS (NULL-terminated); cheaper on
 * the server for wide tables (show needs 7 of 17 port columns). */
void ctl_load_columns(struct ctl_ctx *, const struct ovsdb_table_schema *,
                      const char *const *columns);
/* Caches the rows of TABLE named by uuid ATOMS (a JSON array; named-uuids
 * and cached rows skipped) with COLUMNS (NULL-terminated; NULL = all), in
 * one transaction of per-uuid selects. */
void ctl_prefetch(struct ctl_ctx *, const struct ovsdb_table_schema *,
                  const json_t *atoms, const char *const *columns);
/* Row I of the cache. */
static inline struct ctl_row *ctl_row_at(struct ctl_ctx *ctx, size_t i)
{ return ctx->rows[i]; }
/* Live rows of TABLE in the cache (call ctl_load_table first for all of
 * them); returns a new JSON array of indexes in cache order. */
json_t *ctl_table_rows(struct ctl_ctx *, const struct ovsdb_table_schema *);

/* Value of COLUMN of ROW (canonical datum, borrowed), fetched if needed. */
const json_t *ctl_get(struct ctl_ctx *, struct ctl_row *, const char *column);
/* Convenience accessors for common column shapes. */
const char *ctl_get_string(struct ctl_ctx *, struct ctl_row *, const char *);
long long ctl_get_int(struct ctl_ctx *, struct ctl_row *, const char *);
/* Map COLUMN's value for string KEY, or NULL. */
const json_t *ctl_get_map_value(struct ctl_ctx *, struct ctl_row *,
                                const char *column, const char *key);

/* Writes: DATUM is stolen. */
void ctl_set(struct ctl_ctx *, struct ctl_row *, const char *column,
             json_t *datum);
void ctl_set_string(struct ctl_ctx *, struct ctl_row *, const char *column,
                    const char *value);
/* Adds DATUM's elements (pairs) to COLUMN / removes them (for maps, DATUM
 * may be a set of keys when KEYS_ONLY).  Uses a "mutate" unless the column
 * is already being rewritten. */
void ctl_insert_elems(struct ctl_ctx *, struct ctl_row *, const char *column,
                      json_t *datum);
void ctl_delete_elems(struct ctl_ctx *, struct ctl_row *, const char *column,
                      json_t *datum, bool keys_only);
/* Inserts a new row into TABLE (columns at their defaults). */
struct ctl_row *ctl_insert(struct ctl_ctx *, const struct ovsdb_table_schema *);
void ctl_delete(struct ctl_ctx *, struct ctl_row *);
/* Adds a "wait" that no row of TABLE has COLUMN == ATOM at commit. */
void ctl_verify_absent(struct ctl_ctx *, const struct ovsdb_table_schema *,
                       const char *column, const json_t *atom);

/* A uuid atom for ROW (["uuid", U] or ["named-uuid", N]), new reference. */
json_t *ctl_row_ref(const struct ctl_row *);
/* The row a uuid atom refers to (loaded on demand), or NULL. */
struct ctl_row *ctl_deref(struct ctl_ctx *, const struct ovsdb_table_schema *,
                          const json_t *atom);
/* "name" column text, or the uuid. */
const char *ctl_row_uuid_text(const struct ctl_row *);

/* Sorts row INDEXES into the order ovn-nbctl walks a table (its IDL hash
 * table order; see the comment in db-ctl.c). */
void ctl_sort_idl_order(struct ctl_ctx *, json_t *indexes);
size_t ctl_idl_mask(size_t n_rows);

/* "sync": with --wait, bump and wait even if the batch changed nothing. */
void ctl_force_wait(struct ctl_ctx *);

/* ---- commands ---- */
/* Option VALUE of "--name" for this command, NULL if not given; for flags
 * use ctl_has_option. */
const char *ctl_option(const struct ctl_command *, const char *name);
bool ctl_has_option(const struct ctl_command *, const char *name);

/* Prints rows the way "list"/"find" do (honours --columns and formats). */
void ctl_print_rows(struct ctl_ctx *, struct ctl_command *,
                    const struct ovsdb_table_schema *, json_t *row_indexes);

/* Generic database commands (get, set, list, ...), to put into a program's
 * command table. */
extern const struct ctl_command_spec ctl_db_commands[];
/* set/get/del-connection and set/get/del-ssl on the global row. */
extern const struct ctl_command_spec ctl_conn_commands[];

#endif

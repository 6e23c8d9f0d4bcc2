#!/usr/bin/python3
"""test-schema-compare: Loom's NB/SB schemas say what Debian's OVN 23.03 says.

Loom writes its own schemas/ovn-nb.ovsschema and schemas/ovn-sb.ovsschema
(from ovn-nb(5) and ovn-sb(5)); OVN's tools and ovsdbapp only work against
them if every fact matches OVN's NB 7.0.0 and SB 20.27.0.  This test parses
both Loom's and Debian's files (/usr/share/ovn/) into a normal form and
compares, for each database:

  - name and version;
  - the set of tables; per table: isRoot, maxRows, indexes (a set of column
    sets: order inside an index or among indexes means nothing to OVSDB);
  - the set of columns; per column: key and value base types with every
    constraint (enum as a set, min/max Integer/Real/Length, refTable,
    refType with "strong" as the default), min and max ("unlimited" = inf),
    ephemeral (default false) and mutable (default true).

Every difference is listed, one per line, "Loom vs Debian", e.g.
    SB table Port_Binding column tunnel_key: key maxInteger 32767 vs 32768
and the test fails if there is any.

It also checks, for Loom's files only:
  - strict JSON: a member given twice in one object (easy to do by hand in a
    600-line file, and silently "last one wins" for most parsers) fails;
    unknown members (a typo such as "maxrows") fail too;
  - the "cksum" member, when present, is what OVS's build check computes:
    POSIX `cksum` of the file text with the cksum line removed.  It is over
    the TEXT, so ours differs from OVN's ("94023179 33468" for NB) -- that is
    expected; RFC 7047 says clients ignore it and ovsdb-tool only prints it;
  - `ovsdb-tool create` accepts each file, and `ovsdb-tool schema-name`,
    `schema-version`, `db-name`, `db-version` report the right answers.

Exit 0 pass, 1 fail, 77 skip (Debian's OVN schemas or ovsdb-tool missing).
"""
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

LOOM_SRC = os.environ.get("LOOM_SRC") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEBIAN_DIR = "/usr/share/ovn"
SKIP = 77

DATABASES = [
    # (label, file name, schema name, version)
    ("NB", "ovn-nb.ovsschema", "OVN_Northbound", "7.0.0"),
    ("SB", "ovn-sb.ovsschema", "OVN_Southbound", "20.27.0"),
]

# Members RFC 7047 (plus OVS's extensions: indexes, ephemeral, mutable, cksum)
# allows at each level.
SCHEMA_MEMBERS = {"name", "version", "cksum", "tables"}
TABLE_MEMBERS = {"columns", "maxRows", "isRoot", "indexes"}
COLUMN_MEMBERS = {"type", "ephemeral", "mutable"}
TYPE_MEMBERS = {"key", "value", "min", "max"}
BASE_MEMBERS = {"type", "enum", "minInteger", "maxInteger", "minReal",
                "maxReal", "minLength", "maxLength", "refTable", "refType"}
ATOMIC_TYPES = {"integer", "real", "boolean", "string", "uuid"}


class SchemaError(Exception):
    pass


def strict_pairs(pairs):
    """object_pairs_hook that refuses duplicate members."""
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise SchemaError("member %r given twice in one object" % k)
        obj[k] = v
    return obj


def load(path, strict):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        if strict:
            return text, json.loads(text, object_pairs_hook=strict_pairs)
        return text, json.loads(text)
    except (ValueError, SchemaError) as e:
        raise SchemaError("%s: %s" % (path, e))


def check_members(where, obj, allowed, problems):
    if not isinstance(obj, dict):
        return
    for k in sorted(set(obj) - allowed):
        problems.append("%s: unknown member %r" % (where, k))


def parse_enum(value):
    """An enum is an atom or ["set", [atoms]]: returns a frozenset of atoms."""
    if isinstance(value, list) and len(value) == 2 and value[0] == "set":
        return frozenset(value[1])
    return frozenset([value])


def norm_base(where, base, problems, strict):
    """A base type -> a dict of its facts with defaults made explicit."""
    if isinstance(base, str):
        base = {"type": base}
    if not isinstance(base, dict) or "type" not in base:
        problems.append("%s: bad base type %r" % (where, base))
        return {}
    if strict:
        check_members(where, base, BASE_MEMBERS, problems)
        if base["type"] not in ATOMIC_TYPES:
            problems.append("%s: unknown atomic type %r" % (where, base["type"]))
        if "refType" in base and "refTable" not in base:
            problems.append("%s: refType without refTable" % where)
    out = {"type": base["type"]}
    if "enum" in base:
        out["enum"] = parse_enum(base["enum"])
    for k in ("minInteger", "maxInteger", "minReal", "maxReal",
              "minLength", "maxLength"):
        if k in base:
            out[k] = base[k]
    if "refTable" in base:
        out["refTable"] = base["refTable"]
        out["refType"] = base.get("refType", "strong")
    return out


def norm_type(where, t, problems, strict):
    if isinstance(t, str):
        t = {"key": t}
    if not isinstance(t, dict) or "key" not in t:
        problems.append("%s: bad type %r" % (where, t))
        return {}
    if strict:
        check_members(where, t, TYPE_MEMBERS, problems)
    out = {"key": norm_base(where + " key", t["key"], problems, strict),
           "value": (norm_base(where + " value", t["value"], problems, strict)
                     if "value" in t else None),
           "min": t.get("min", 1)}
    n_max = t.get("max", 1)
    out["max"] = math.inf if n_max == "unlimited" else n_max
    return out


def normalize(label, schema, strict):
    """Whole schema -> (normal form, problems found while normalizing)."""
    problems = []
    if strict:
        check_members(label, schema, SCHEMA_MEMBERS, problems)
    norm = {"name": schema.get("name"), "version": schema.get("version"),
            "tables": {}}
    for tname, table in schema.get("tables", {}).items():
        where = "%s table %s" % (label, tname)
        if strict:
            check_members(where, table, TABLE_MEMBERS, problems)
        cols = {}
        for cname, col in table.get("columns", {}).items():
            cwhere = "%s column %s" % (where, cname)
            if strict:
                check_members(cwhere, col, COLUMN_MEMBERS, problems)
            cols[cname] = {
                "type": norm_type(cwhere, col.get("type"), problems, strict),
                "ephemeral": col.get("ephemeral", False),
                "mutable": col.get("mutable", True),
            }
        indexes = frozenset(frozenset(ix) for ix in table.get("indexes", []))
        if strict:
            for ix in table.get("indexes", []):
                for c in ix:
                    if c not in cols and c not in ("_uuid", "_version"):
                        problems.append("%s: index names unknown column %r"
                                        % (where, c))
        norm["tables"][tname] = {
            "isRoot": table.get("isRoot", False),
            "maxRows": table.get("maxRows", math.inf),
            "indexes": indexes,
            "columns": cols,
        }
    return norm, problems


def show(value):
    """Prints a normalized value readably (sets sorted, inf as unlimited)."""
    if value is math.inf:
        return "unlimited"
    if isinstance(value, frozenset):
        items = sorted((show(v) for v in value))
        return "{" + ", ".join(items) + "}"
    if value is None:
        return "(none)"
    return json.dumps(value) if isinstance(value, str) else str(value)


def diff_base(where, ours, theirs, diffs):
    for k in sorted(set(ours) | set(theirs)):
        a, b = ours.get(k), theirs.get(k)
        if a != b:
            diffs.append("%s %s %s vs %s" % (where, k, show(a), show(b)))


def diff_column(where, ours, theirs, diffs):
    a_t, b_t = ours["type"], theirs["type"]
    diff_base(where + ": key", a_t.get("key", {}), b_t.get("key", {}), diffs)
    a_v, b_v = a_t.get("value"), b_t.get("value")
    if (a_v is None) != (b_v is None):
        diffs.append("%s: value %s vs %s" % (
            where, "map" if a_v else "(none: set)", "map" if b_v else "(none: set)"))
    elif a_v is not None:
        diff_base(where + ": value", a_v, b_v, diffs)
    for k in ("min", "max"):
        if a_t.get(k) != b_t.get(k):
            diffs.append("%s: %s %s vs %s" % (where, k, show(a_t.get(k)),
                                               show(b_t.get(k))))
    for k in ("ephemeral", "mutable"):
        if ours[k] != theirs[k]:
            diffs.append("%s: %s %s vs %s" % (where, k, show(ours[k]),
                                               show(theirs[k])))


def diff_schema(label, ours, theirs):
    diffs = []
    for k in ("name", "version"):
        if ours[k] != theirs[k]:
            diffs.append("%s: %s %s vs %s" % (label, k, show(ours[k]),
                                              show(theirs[k])))
    a_tables, b_tables = ours["tables"], theirs["tables"]
    for t in sorted(set(a_tables) - set(b_tables)):
        diffs.append("%s table %s: only in Loom" % (label, t))
    for t in sorted(set(b_tables) - set(a_tables)):
        diffs.append("%s table %s: missing from Loom" % (label, t))
    for t in sorted(set(a_tables) & set(b_tables)):
        a, b = a_tables[t], b_tables[t]
        where = "%s table %s" % (label, t)
        for k in ("isRoot", "maxRows"):
            if a[k] != b[k]:
                diffs.append("%s: %s %s vs %s" % (where, k, show(a[k]), show(b[k])))
        for ix in sorted(a["indexes"] - b["indexes"], key=sorted):
            diffs.append("%s: index %s only in Loom" % (where, show(ix)))
        for ix in sorted(b["indexes"] - a["indexes"], key=sorted):
            diffs.append("%s: index %s missing from Loom" % (where, show(ix)))
        for c in sorted(set(a["columns"]) - set(b["columns"])):
            diffs.append("%s column %s: only in Loom" % (where, c))
        for c in sorted(set(b["columns"]) - set(a["columns"])):
            diffs.append("%s column %s: missing from Loom" % (where, c))
        for c in sorted(set(a["columns"]) & set(b["columns"])):
            diff_column("%s column %s" % (where, c), a["columns"][c],
                        b["columns"][c], diffs)
    return diffs


def posix_cksum_of(text):
    """OVS's schema checksum: `cksum` of the text minus the cksum line."""
    lines = text.splitlines(keepends=True)
    kept = "".join(l for l in lines if not l.lstrip().startswith('"cksum"'))
    out = subprocess.run(["cksum"], input=kept.encode(), capture_output=True,
                         check=True).stdout.decode().split()
    return "%s %s" % (out[0], out[1])


def tool(*args):
    r = subprocess.run(["ovsdb-tool"] + list(args), capture_output=True,
                       text=True)
    if r.returncode != 0:
        raise SchemaError("ovsdb-tool %s failed: %s" % (" ".join(args),
                                                        r.stderr.strip()))
    return r.stdout.strip()


def check_tools(label, path, name, version, tmp):
    """ovsdb-tool's view of Loom's file.  Returns a list of problems."""
    problems = []
    try:
        db = os.path.join(tmp, label.lower() + ".db")
        tool("create", db, path)
        for cmd, target, want in (("schema-name", path, name),
                                  ("schema-version", path, version),
                                  ("db-name", db, name),
                                  ("db-version", db, version)):
            got = tool(cmd, target)
            if got != want:
                problems.append("%s: ovsdb-tool %s says %r, want %r"
                                % (label, cmd, got, want))
        # The checksum ovsdb-tool reads back must be the one in the file.
        with open(path) as f:
            declared = json.load(f).get("cksum", "")
        got = tool("db-cksum", db)
        if got != declared:
            problems.append("%s: ovsdb-tool db-cksum says %r, file says %r"
                            % (label, got, declared))
    except SchemaError as e:
        problems.append("%s: %s" % (label, e))
    return problems


def self_check(label, theirs):
    """The comparator must see small changes: mutate a copy of Debian's
    schema in five ways and expect each to be reported.  Returns problems."""
    import copy
    problems = []
    tables = theirs["tables"]

    def first(pred):
        for tname, t in sorted(tables.items()):
            for cname, c in sorted(t["columns"].items()):
                if pred(c["type"]):
                    return tname, cname
        return None

    def key_of(t):
        return {"type": t} if isinstance(t, str) else t

    def base(t):
        t = {"key": t} if isinstance(t, str) else t
        return key_of(t["key"])

    mutations = []
    hit = first(lambda t: "maxInteger" in base(t))
    if hit:
        mutations.append(("maxInteger", hit, lambda b: b.__setitem__(
            "maxInteger", b["maxInteger"] + 1)))
    hit = first(lambda t: isinstance(base(t).get("enum"), list))
    if hit:
        mutations.append(("enum", hit, lambda b: b["enum"][1].pop()))
    hit = first(lambda t: base(t).get("refType") == "weak")
    if hit:
        mutations.append(("refType", hit, lambda b: b.pop("refType")))
    expected = len(mutations) + 2
    mutated = []
    for what, (tname, cname), fn in mutations:
        m = copy.deepcopy(theirs)
        col = m["tables"][tname]["columns"][cname]
        t = col["type"]
        t = {"key": t} if isinstance(t, str) else t
        t["key"] = key_of(t["key"])
        fn(t["key"])
        col["type"] = t
        mutated.append((what, m))
    m = copy.deepcopy(theirs)
    tname = sorted(m["tables"])[0]
    m["tables"][tname]["isRoot"] = not m["tables"][tname].get("isRoot", False)
    mutated.append(("isRoot", m))
    m = copy.deepcopy(theirs)
    for t in m["tables"].values():
        if t.get("indexes"):
            t["indexes"].pop()
            break
    mutated.append(("indexes", m))
    b, _ = normalize(label, theirs, strict=False)
    for what, m in mutated:
        a, _ = normalize(label, m, strict=False)
        if len(diff_schema(label, a, b)) != 1:
            problems.append("%s: self-check: the comparator missed or "
                            "over-reported a changed %s" % (label, what))
    if len(mutated) != expected:
        problems.append("%s: self-check built %d mutations, want %d"
                        % (label, len(mutated), expected))
    return problems


def main():
    if shutil.which("ovsdb-tool") is None:
        print("SKIP: ovsdb-tool not installed")
        return SKIP
    for _, fname, _, _ in DATABASES:
        if not os.path.exists(os.path.join(DEBIAN_DIR, fname)):
            print("SKIP: %s missing (install ovn-common)"
                  % os.path.join(DEBIAN_DIR, fname))
            return SKIP

    problems = []
    tmp = tempfile.mkdtemp(prefix="loom-schema-compare-")
    try:
        for label, fname, name, version in DATABASES:
            ours_path = os.path.join(LOOM_SRC, "schemas", fname)
            theirs_path = os.path.join(DEBIAN_DIR, fname)
            try:
                ours_text, ours = load(ours_path, strict=True)
                _, theirs = load(theirs_path, strict=False)
            except (OSError, SchemaError) as e:
                problems.append("%s: %s" % (label, e))
                continue
            a, p = normalize(label, ours, strict=True)
            problems += p
            b, _ = normalize(label, theirs, strict=False)
            if b["name"] != name or b["version"] != version:
                print("SKIP: Debian's %s is %s %s, this test expects %s %s"
                      % (fname, b["name"], b["version"], name, version))
                return SKIP
            problems += self_check(label, theirs)
            diffs = diff_schema(label, a, b)
            problems += diffs
            n_cols = sum(len(t["columns"]) for t in b["tables"].values())
            print("%s: compared %d tables, %d columns: %d difference(s)"
                  % (label, len(b["tables"]), n_cols, len(diffs)))
            if "cksum" in ours:
                want = posix_cksum_of(ours_text)
                if ours["cksum"] != want:
                    problems.append("%s: cksum %r does not match the text "
                                    "(cksum of the file minus that line is %r)"
                                    % (label, ours["cksum"], want))
            problems += check_tools(label, ours_path, name, version, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    if problems:
        print("FAIL: %d problem(s) (values are Loom vs Debian):" % len(problems))
        for p in problems:
            print("  " + p)
        return 1
    print("PASS: Loom's NB and SB schemas match Debian's OVN 23.03")
    return 0


if __name__ == "__main__":
    sys.exit(main())

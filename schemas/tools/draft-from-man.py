#!/usr/bin/python3
"""Draft an OVSDB schema from an ovsdb-doc style man page (ovn-nb(5), ovn-sb(5)).

This produced the first draft of schemas/ovn-nb.ovsschema and
schemas/ovn-sb.ovsschema.  It is NOT a build step: the committed files were
then edited by hand, guided by tests/interop/test-schema-compare.py, to add
the facts a man page does not state (isRoot, maxRows, multi-column indexes,
"mutable": false, "ephemeral": true).  Kept for provenance and for drafting a
future schema version.

What the man page gives, per column, in its "Details" section, is a line
    .IP "\\fBcolumn\\fR: <type in English>"
whose English follows a small grammar:
    scalar:   string | integer | real | boolean | uuid | TABLE | weak reference to TABLE
    optional: "optional X" | "optional K-V pair"
    set:      "set of [N or more | up to M | N to M ]Xs"
    map:      "map of [quantity ]K-V pairs"
    then ", " constraints (for maps "key C, value C"), then
    " (must be unique within table)" for a one-column index.
Constraints: "must be A", "either A or B", "one of A, B, or C",
"in range A to B", "at least A", "at most B", "... characters long".

Usage: draft-from-man.py MANPAGE.5[.gz] NAME VERSION > out.ovsschema
Fails (exit 1, message quoting the text) on any type string it cannot parse.
"""
import gzip
import json
import re
import subprocess
import sys


def die(msg):
    sys.stderr.write("draft-from-man: %s\n" % msg)
    sys.exit(1)


def unescape(s):
    s = re.sub(r'\\f[BIRL]', '', s)
    s = s.replace('\\-', '-').replace('\\[char46]', '.').replace('\\(cq', "'")
    return s


def parse_number(text, atomic):
    text = text.replace(',', '')
    try:
        return int(text) if atomic == 'integer' else float(text)
    except ValueError:
        die("bad number %r" % text)


def parse_enum_list(text):
    """'must be A' | 'either A or B' | 'one of A, B, or C' -> list or None."""
    if text.startswith('must be '):
        return [text[len('must be '):]]
    m = re.fullmatch(r'either (\S+) or (\S+)', text)
    if m:
        return [m.group(1), m.group(2)]
    m = re.fullmatch(r'one of (.*), or (\S+)', text)
    if m:
        return [v.strip() for v in m.group(1).split(',')] + [m.group(2)]
    return None


def apply_constraints(base, text):
    """Adds the constraints in English 'text' to base type dict 'base'."""
    atomic = base['type']
    enum = parse_enum_list(text)
    if enum is not None:
        if atomic == 'integer':
            enum = [parse_number(v, atomic) for v in enum]
        base['enum'] = enum[0] if len(enum) == 1 else ['set', enum]
        return
    m = re.fullmatch(r'(at least|at most) ([\d,]+) characters long', text)
    if m and atomic == 'string':
        key = 'minLength' if m.group(1) == 'at least' else 'maxLength'
        base[key] = int(m.group(2).replace(',', ''))
        return
    m = re.fullmatch(r'between ([\d,]+) and ([\d,]+) characters long', text)
    if m and atomic == 'string':
        base['minLength'] = int(m.group(1).replace(',', ''))
        base['maxLength'] = int(m.group(2).replace(',', ''))
        return
    suffix = 'Integer' if atomic == 'integer' else 'Real'
    m = re.fullmatch(r'in range (\S+) to (\S+)', text)
    if m:
        base['min' + suffix] = parse_number(m.group(1), atomic)
        base['max' + suffix] = parse_number(m.group(2), atomic)
        return
    m = re.fullmatch(r'(at least|at most) (\S+)', text)
    if m:
        key = ('min' if m.group(1) == 'at least' else 'max') + suffix
        base[key] = parse_number(m.group(2), atomic)
        return
    die("cannot parse constraint %r" % text)


def parse_base(text, tables):
    """One base type in English, singular -> dict."""
    if text in ('string', 'integer', 'real', 'boolean', 'uuid'):
        return {'type': text}
    weak = text.startswith('weak reference to ')
    if weak:
        text = text[len('weak reference to '):]
    if text not in tables:
        die("unknown base type %r" % text)
    base = {'type': 'uuid', 'refTable': text}
    if weak:
        base['refType'] = 'weak'
    return base


def singular(text, tables):
    for atomic in ('string', 'integer', 'real', 'boolean', 'uuid'):
        if text == atomic + 's':
            return atomic
    for t in tables:
        for prefix in ('', 'weak reference to '):
            if text in (prefix + t, prefix + t + 's', prefix + t + 'es'):
                return prefix + t
    die("cannot singularize %r" % text)


def parse_type(text, tables):
    """A whole column type in English -> (type dict, unique flag)."""
    unique = text.endswith(' (must be unique within table)')
    if unique:
        text = text[:-len(' (must be unique within table)')]
    n_min, n_max = 1, 1
    m = re.fullmatch(r'(optional |set of |map of )?(.*)', text)
    kind, rest = m.group(1), m.group(2)
    if kind == 'optional ':
        n_min = 0
    elif kind in ('set of ', 'map of '):
        n_min, n_max = 0, 'unlimited'
        q = re.match(r'([\d,]+) or more |up to ([\d,]+) |([\d,]+) to ([\d,]+) ',
                     rest)
        if q:
            if q.group(1):
                n_min = int(q.group(1).replace(',', ''))
            elif q.group(2):
                n_max = int(q.group(2).replace(',', ''))
            else:
                n_min = int(q.group(3).replace(',', ''))
                n_max = int(q.group(4).replace(',', ''))
            rest = rest[q.end():]
    is_map = kind == 'map of ' or (kind == 'optional ' and ' pair' in rest)
    if is_map:
        m = re.fullmatch(r'(.*?) pairs?(?:, (.*))?', rest)
        if not m:
            die("cannot parse map %r" % text)
        key_text, value_text = m.group(1).split('-', 1)
        key = parse_base(key_text, tables)
        value = parse_base(value_text, tables)
        constraints = m.group(2) or ''
        if constraints:
            parts = re.split(r', (?=value )', constraints)
            for part in parts:
                if part.startswith('key '):
                    apply_constraints(key, part[4:])
                elif part.startswith('value '):
                    apply_constraints(value, part[6:])
                else:
                    die("bad map constraint %r" % part)
        result = {'key': key, 'value': value}
    else:
        body, _, constraints = rest.partition(', ')
        if kind == 'set of ':
            body = singular(body, tables)
        key = parse_base(body, tables)
        if constraints:
            apply_constraints(key, constraints)
        result = {'key': key}
    if n_min != 1:
        result['min'] = n_min
    if n_max != 1:
        result['max'] = n_max
    return result, unique


def compact_base(base):
    """A base type with no constraints is written as its bare atomic name."""
    if isinstance(base, str):
        return base
    return base['type'] if list(base) == ['type'] else base


def compact_type(t):
    """Compact form of a column type; accepts compact or full input."""
    if isinstance(t, str):
        return t
    key = compact_base(t['key'])
    if list(t) == ['key'] and isinstance(key, str):
        return key
    out = {'key': key}
    if 'value' in t:
        out['value'] = compact_base(t['value'])
    for bound in ('min', 'max'):
        if bound in t:
            out[bound] = t[bound]
    return out


def one_line(value):
    return json.dumps(value, separators=(', ', ': '))


def format_schema(schema):
    """Loom's layout: tables in man-page order, table flags first, one column
    per line with its type in compact form.  Returns the text, ending in the
    "cksum" line computed like OVS's build check (POSIX cksum of the text
    without that line)."""
    out = ['{', '  "name": %s,' % one_line(schema['name']),
           '  "version": %s,' % one_line(schema['version']),
           '  "cksum": "@CKSUM@",', '  "tables": {']
    tables = list(schema['tables'].items())
    for ti, (tname, table) in enumerate(tables):
        out.append('    %s: {' % one_line(tname))
        for flag in ('isRoot', 'maxRows'):
            if flag in table:
                out.append('      "%s": %s,' % (flag, one_line(table[flag])))
        if table.get('indexes'):
            out.append('      "indexes": %s,' % one_line(table['indexes']))
        out.append('      "columns": {')
        cols = list(table['columns'].items())
        width = max(len(one_line(c)) for c, _ in cols) + 1
        for ci, (cname, col) in enumerate(cols):
            body = {'type': compact_type(col['type'])}
            for flag in ('ephemeral', 'mutable'):
                if flag in col:
                    body[flag] = col[flag]
            sep = ',' if ci + 1 < len(cols) else ''
            out.append('        %s %s%s' % ((one_line(cname) + ':').ljust(width),
                                            one_line(body), sep))
        out.append('      }')
        out.append('    }' + (',' if ti + 1 < len(tables) else ''))
    out += ['  }', '}', '']
    text = '\n'.join(out)
    without = ''.join(l + '\n' for l in text.split('\n')[:-1] if '@CKSUM@' not in l)
    cksum = subprocess.run(['cksum'], input=without.encode(), check=True,
                           capture_output=True).stdout.decode().split()
    return text.replace('@CKSUM@', '%s %s' % (cksum[0], cksum[1]))


def main():
    if len(sys.argv) != 4:
        die("usage: draft-from-man.py MANPAGE NAME VERSION")
    path, name, version = sys.argv[1:]
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rt') as f:
        lines = f.read().split('\n')
    tables = [m.group(1) for m in
              (re.fullmatch(r'\.SH "(\w+) TABLE"', l) for l in lines) if m]
    schema = {'name': name, 'version': version, 'tables': {}}
    current = None
    for line in lines:
        m = re.fullmatch(r'\.SH "(\w+) TABLE"', line)
        if m:
            current = {'columns': {}, 'indexes': [], 'key_docs': {}}
            schema['tables'][m.group(1)] = current
            continue
        m = re.fullmatch(r'\.IP "\\fB([a-z_0-9]+) : ([^\\]+)\\fR: (.*)"', line)
        if m and current is not None:
            # A documented key of a map column.  Some map columns are
            # documented only through their keys: remember the first key's
            # value type ("optional string[, ...]" -> string) to infer them.
            column, text = m.group(1), unescape(m.group(3))
            value = re.match(r'optional (\w+)', text)
            if not value:
                die("key %s : %s has type %r" % (column, m.group(2), text))
            current['key_docs'].setdefault(column, value.group(1))
            continue
        m = re.fullmatch(r'\.IP "\\fB([a-z_0-9]+)\\fR: (.*)"', line)
        if m and current is not None:
            column, text = m.group(1), unescape(m.group(2))
            t, unique = parse_type(text, tables)
            if column in current['columns'] and current['columns'][column] != {'type': t}:
                die("column %s documented twice, differently" % column)
            current['columns'][column] = {'type': t}
            if unique and [column] not in current['indexes']:
                current['indexes'].append([column])
    for table in schema['tables'].values():
        for column, value in table.pop('key_docs').items():
            if column not in table['columns']:
                table['columns'][column] = {'type': {
                    'key': {'type': 'string'}, 'value': {'type': value},
                    'min': 0, 'max': 'unlimited'}}
    sys.stdout.write(format_schema(schema))


if __name__ == '__main__':
    main()

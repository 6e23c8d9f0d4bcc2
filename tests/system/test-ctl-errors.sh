#!/bin/bash
# loom-nbctl: error messages and exit codes, --may-exist/--if-exists, batches
# with "--" committed as one transaction (a failing command rolls back the
# whole batch), the generic database commands and their value syntax.
set -u
. "${LOOM_SRC:-$(dirname "$0")/../..}/tests/interop/test-ctl-lib.sh"
ctl_init ctl-errors
L() { "${LNB[@]}" "$@" || sb_fail "loom-nbctl $* failed"; }
F() { ctl_expect_fail 1 "$@"; }

L init
L ls-add ls1 -- lsp-add ls1 p1 -- lsp-add ls1 p2 -- lr-add lr1

echo "== remotes and global options"
[ "$(OVN_NB_DB=$NBDB "$LOOM_BUILD/bin/loom-nbctl" ls-list | wc -l)" = 1 ] || sb_fail "OVN_NB_DB not honoured"
[ "$(OVN_NB_DB=unix:/nonexistent "${LNB[@]}" ls-list | wc -l)" = 1 ] || sb_fail "--db does not override OVN_NB_DB"
L --no-leader-only -t 5 --timeout=5 ls-list >/dev/null
[ "$(OVN_NBCTL_OPTIONS="--db=$NBDB --format=csv" "$LOOM_BUILD/bin/loom-nbctl" --columns=name list Logical_Switch)" = "$(printf 'name\nls1')" ] \
    || sb_fail "OVN_NBCTL_OPTIONS not honoured"

echo "== usage errors"
F "unknown command 'frob'" "${LNB[@]}" frob
F "unrecognized option|has no '--frob' option" "${LNB[@]}" --frob ls-list
F "requires at least 2 arguments" "${LNB[@]}" lsp-add ls1
F "has no '--if-exists' option" "${LNB[@]}" --if-exists ls-add x
F "connection failed|No such file|cannot connect" "$LOOM_BUILD/bin/loom-nbctl" --db=unix:$SB_DIR/nonexistent.sock ls-list
# An ssl: remote without -p/-c/-C is a clear error, not a crash (it was a
# segfault: exit 139).
F "TLS is not configured" "$LOOM_BUILD/bin/loom-nbctl" --db=ssl:127.0.0.1:1 ls-list
F "TLS is not configured" "$LOOM_BUILD/bin/loom-sbctl" --db=ssl:127.0.0.1:1 show

echo "== lookups"
F "nosw: switch name not found" "${LNB[@]}" lsp-add nosw p9
F "nosuch: port name not found" "${LNB[@]}" lsp-del nosuch
F "nosuch: router name not found" "${LNB[@]}" lr-del nosuch
F "no row \"nosuch\" in table Logical_Switch" "${LNB[@]}" get Logical_Switch nosuch name
L --if-exists lsp-del nosuch
L --if-exists ls-del nosuch

echo "== duplicates"
F "ls1: a switch with this name already exists" "${LNB[@]}" ls-add ls1
L --may-exist ls-add ls1
[ "$("${LNB[@]}" ls-list | wc -l)" = 1 ] || sb_fail "--may-exist ls-add created a second switch"
F "p1: a port with this name already exists" "${LNB[@]}" lsp-add ls1 p1
L --may-exist lsp-add ls1 p1
L ls-add ls2
F "p1: port already exists but in switch ls1" "${LNB[@]}" --may-exist lsp-add ls2 p1
F "duplicate prefix" "${LNB[@]}" lr-route-add lr1 10.0.0.0/24 1.1.1.1 -- lr-route-add lr1 10.0.0.0/24 1.1.1.2

echo "== validation"
F "invalid address 'zz:00:00:00:00:01'" "${LNB[@]}" lsp-set-addresses p1 "zz:00:00:00:00:01 10.0.0.1"
F "invalid address '10.0.0.300'" "${LNB[@]}" lsp-set-addresses p1 "00:00:00:00:00:01 10.0.0.300"
F "invalid address '00:00:00:00:00:01_10.0.0.1'" "${LNB[@]}" lsp-set-addresses p1 "00:00:00:00:00:01_10.0.0.1"
F "invalid port security entry.*'zz'" "${LNB[@]}" lsp-set-port-security p1 zz
F "invalid mac address 00:00:00:00:zz:01" "${LNB[@]}" lrp-add lr1 lrp1 00:00:00:00:zz:01 10.0.0.1/24
F "invalid network address '10.0.0.1'" "${LNB[@]}" lrp-add lr1 lrp1 00:00:00:00:00:01 10.0.0.1
F "invalid network address '10.0.0.1/33'" "${LNB[@]}" lrp-add lr1 lrp1 00:00:00:00:00:01 10.0.0.1/33
F "bad prefix argument: 10.0.0.0/40" "${LNB[@]}" lr-route-add lr1 10.0.0.0/40 1.1.1.1
F "bad IPv4 nexthop argument: fd00::1" "${LNB[@]}" lr-route-add lr1 10.9.0.0/24 fd00::1
F "type must be one of" "${LNB[@]}" lr-nat-add lr1 foo 1.1.1.1 2.2.2.2
F "Logical switch port type 'frob' is unrecognized" "${LNB[@]}" lsp-set-type p1 frob
F "maybe: state must be \"enabled\" or \"disabled\"" "${LNB[@]}" lsp-set-enabled p1 maybe
F "99999: priority must be in range 0...32767" "${LNB[@]}" acl-add ls1 from-lport 99999 ip drop
F "frob: action must be one of" "${LNB[@]}" acl-add ls1 from-lport 1 ip frob
F "5000: invalid tag" "${LNB[@]}" lsp-add ls1 c1 p1 5000
F "\"maybe\" is not a valid boolean" "${LNB[@]}" set Logical_Switch_Port p1 enabled=maybe
F "5000 is not in the valid range 0 to 4095|5000 is not in the valid range 1 to 4095" "${LNB[@]}" set Logical_Switch_Port p1 tag_request=5000
F "does not contain a column whose name matches \"bogus\"" "${LNB[@]}" set Logical_Switch ls1 bogus=1
echo "-- port group names must be @name tokens of the logical flow language"
F "pg-web: invalid port group name" "${LNB[@]}" pg-add pg-web p1
F "1pg: invalid port group name" "${LNB[@]}" pg-add 1pg
L pg-add pg_web p1
F "pg_web: a port group with this name already exists" "${LNB[@]}" pg-add pg_web

echo "== batches are one transaction"
F "nosw: switch name not found" "${LNB[@]}" ls-add ls9 -- lsp-add ls9 p9 -- lsp-add nosw p10
"${LNB[@]}" --if-exists get Logical_Switch ls9 name | grep -q . && sb_fail "ls9 was created by a failed batch"
"${LNB[@]}" --if-exists get Logical_Switch_Port p9 name | grep -q . && sb_fail "p9 was created by a failed batch"
L ls-add ls9 -- lsp-add ls9 p9 -- lsp-set-addresses p9 "00:00:00:00:00:09 10.0.0.9"
[ "$("${LNB[@]}" lsp-get-addresses p9)" = "00:00:00:00:00:09 10.0.0.9" ] || sb_fail "batch lost an update"
# A failure on the last command undoes the first ones, including deletes.
F "nosw: switch name not found" "${LNB[@]}" lsp-del p9 -- ls-del ls1 -- lsp-add nosw p2
L get Logical_Switch_Port p9 name >/dev/null
L get Logical_Switch ls1 name >/dev/null
# Later commands see what earlier ones of the same batch did.
L lsp-add ls1 tmp -- lsp-del tmp -- lsp-add ls1 tmp2 -- lsp-set-type tmp2 localport
"${LNB[@]}" --if-exists get Logical_Switch_Port tmp name | grep -q . && sb_fail "tmp survived lsp-del in the same batch"
[ "$("${LNB[@]}" lsp-get-type tmp2)" = localport ] || sb_fail "lsp-set-type on a port added in the same batch"
L ls-add tmpls -- ls-del tmpls
"${LNB[@]}" --if-exists get Logical_Switch tmpls name | grep -q . && sb_fail "tmpls survived ls-del in the same batch"
F "ls1: a switch with this name already exists" "${LNB[@]}" ls-add ls8 -- set Logical_Switch ls8 name=ls8 -- ls-add ls1
F "dup1: a switch with this name already exists" "${LNB[@]}" ls-add dup1 -- ls-add dup1

echo "== generic database commands"
uuid=$("${LNB[@]}" -- --id=@p create Logical_Switch_Port name=p7 'addresses="00:00:00:00:00:07 10.0.0.7"' \
       -- add Logical_Switch ls2 ports @p) || sb_fail "create with --id failed"
echo "$uuid" | grep -Eq '^[0-9a-f]{8}-' || sb_fail "create printed '$uuid', not a uuid"
[ "$("${LNB[@]}" get Logical_Switch_Port "$uuid" name)" = p7 ] || sb_fail "created row not found by uuid"
[ "$("${LNB[@]}" get Logical_Switch_Port "${uuid:0:8}" name)" = p7 ] || sb_fail "uuid abbreviation lookup failed"
F "Error on switch ls2: duplicate IPv4 address '10.0.0.7' found on logical switch port 'p7'" \
  "${LNB[@]}" lsp-add ls2 p77 -- lsp-set-addresses p77 "00:00:00:00:00:77 10.0.0.7"
L lsp-add ls1 p78 -- lsp-set-addresses p78 "00:00:00:00:00:78 10.0.0.7"   # other switch: fine
L set Logical_Switch ls2 external_ids:a=b 'external_ids:"x y"="1 2"' other_config:mcast_snoop=true
[ "$("${LNB[@]}" get Logical_Switch ls2 external_ids)" = '{a=b, "x y"="1 2"}' ] || sb_fail "map printing: $("${LNB[@]}" get Logical_Switch ls2 external_ids)"
[ "$("${LNB[@]}" get Logical_Switch ls2 external_ids:a)" = b ] || sb_fail "get col:key"
L remove Logical_Switch ls2 external_ids a
L add Logical_Switch ls2 external_ids c=d
[ "$("${LNB[@]}" get Logical_Switch ls2 external_ids)" = '{c=d, "x y"="1 2"}' ] || sb_fail "add/remove map"
L clear Logical_Switch ls2 external_ids
[ "$("${LNB[@]}" get Logical_Switch ls2 external_ids)" = '{}' ] || sb_fail "clear"
F "no key \"zz\" in Logical_Switch record \"ls2\" column external_ids" "${LNB[@]}" get Logical_Switch ls2 external_ids:zz
[ "$("${LNB[@]}" --bare --columns=name find Logical_Switch_Port 'addresses{>=}"00:00:00:00:00:07 10.0.0.7"')" = p7 ] || sb_fail "find with {>=}"
"${LNB[@]}" destroy Address_Set nosuch 2>/dev/null && sb_fail "destroy of a missing row succeeded"
L --if-exists destroy Address_Set nosuch
L wait-until Logical_Switch ls2 other_config:mcast_snoop=true
L -- --id=01234567-89ab-cdef-0123-456789abcdef create Address_Set name=as_fixed >/dev/null
[ "$("${LNB[@]}" get Address_Set as_fixed _uuid)" = 01234567-89ab-cdef-0123-456789abcdef ] || sb_fail "create --id=UUID"
F "referenced but never created" "${LNB[@]}" add Logical_Switch ls2 ports @nowhere
echo PASS

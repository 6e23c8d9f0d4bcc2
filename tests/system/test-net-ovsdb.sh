#!/bin/bash
# test-net-ovsdb.sh: Loom's streams, JSON-RPC and rpc-sync against a real
# ovsdb-server listening on punix, ptcp and pssl (certificates from ovs-pki):
#  - list_dbs over unix:, tcp: and ssl: returns ["Open_vSwitch"];
#  - a remote list with dead entries first still connects;
#  - a server error object ("unknown database") comes back as a clear error;
#  - a "monitor" call followed by an "update" notification after a change;
#  - a client whose CA does not match the server's certificate is refused,
#    with an error saying the certificate did not verify;
#  - a client whose certificate the server does not trust is refused too.
set -u
. "$LOOM_SRC/tests/lib/sandbox.sh"
CLIENT=$LOOM_BUILD/bin/test-net-client
[ -x "$CLIENT" ] || sb_skip "no $CLIENT (build the test-net-client target)"
command -v ovsdb-server >/dev/null || sb_skip "ovsdb-server not installed"
command -v ovs-pki >/dev/null || sb_skip "ovs-pki not installed"

sb_init net-ovsdb
D=$SB_DIR/db
mkdir -p "$D"

# Two independent PKIs: the real one, and an impostor one.
(cd "$SB_DIR" &&
 ovs-pki --dir="$SB_DIR/pki" --log="$SB_DIR/pki.log" init &&
 ovs-pki --dir="$SB_DIR/pki" --log="$SB_DIR/pki.log" req+sign server switch &&
 ovs-pki --dir="$SB_DIR/pki" --log="$SB_DIR/pki.log" req+sign client switch &&
 ovs-pki --dir="$SB_DIR/pki2" --log="$SB_DIR/pki.log" init &&
 ovs-pki --dir="$SB_DIR/pki2" --log="$SB_DIR/pki.log" req+sign rogue switch) \
    >"$SB_DIR/pki.out" 2>&1 || sb_fail "ovs-pki failed: $(tail -5 "$SB_DIR/pki.out")"
CA=$SB_DIR/pki/switchca/cacert.pem
CA2=$SB_DIR/pki2/switchca/cacert.pem
P=$SB_DIR

ovsdb-tool create "$D/db" "$(sb_schema vswitch)" || sb_fail "ovsdb-tool create"
env OVS_RUNDIR="$D" OVS_LOGDIR="$D" OVS_DBDIR="$D" \
    ovsdb-server --detach --no-chdir --pidfile="$D/ovsdb-server.pid" \
    -vconsole:off --log-file="$D/ovsdb-server.log" --unixctl="$D/ovsdb-server.ctl" \
    --private-key="$P/server-privkey.pem" --certificate="$P/server-cert.pem" \
    --ca-cert="$CA" \
    --remote="punix:$D/db.sock" --remote=ptcp:0:127.0.0.1 --remote=pssl:0:127.0.0.1 \
    "$D/db" || sb_fail "ovsdb-server did not start"
sb_wait_for 10 test -S "$D/db.sock" || sb_fail "no unix socket"

# The bound ports, from the log ("...: listening on port N", one line per
# remote, in no documented order): the one that answers plain TCP is ptcp.
ports() {
    sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$D/ovsdb-server.log"
}
sb_wait_for 10 sh -c "[ \$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' '$D/ovsdb-server.log' | wc -l) -ge 2 ]" ||
    sb_fail "ovsdb-server did not log two listening ports"
TCP_PORT= SSL_PORT=
for port in $(ports); do
    if "$CLIENT" -t 2000 call "tcp:127.0.0.1:$port" list_dbs >/dev/null 2>&1; then
        TCP_PORT=$port
    else
        SSL_PORT=$port
    fi
done
[ -n "$TCP_PORT" ] && [ -n "$SSL_PORT" ] ||
    sb_fail "could not tell the ptcp and pssl ports apart: $(ports | tr '\n' ' ')"
echo "tcp port $TCP_PORT, ssl port $SSL_PORT"

GOOD_TLS=(-p "$P/client-privkey.pem" -c "$P/client-cert.pem" -C "$CA")
fails=0
check() {   # check DESCRIPTION EXPECTED-SUBSTRING ACTUAL
    if [[ $3 == *"$2"* ]]; then
        echo "ok: $1"
    else
        echo "FAILED: $1: expected '$2' in: $3"
        fails=$((fails + 1))
    fi
}

for proto in TLSv1.2 TLSv1.3; do
    out=$("$CLIENT" "${GOOD_TLS[@]}" -v -P $proto call "ssl:127.0.0.1:$SSL_PORT" list_dbs 2>&1)
    check "list_dbs over ssl limited to $proto" '"Open_vSwitch"' "$out"
    check "handshake used $proto" "TLS handshake done ($proto)" "$out"
done
out=$("$CLIENT" call "unix:$D/db.sock" list_dbs 2>&1)
check "list_dbs over unix" '"Open_vSwitch"' "$out"
out=$("$CLIENT" call "tcp:127.0.0.1:$TCP_PORT" list_dbs 2>&1)
check "list_dbs over tcp" '"Open_vSwitch"' "$out"
out=$("$CLIENT" "${GOOD_TLS[@]}" call "ssl:127.0.0.1:$SSL_PORT" list_dbs 2>&1)
check "list_dbs over ssl" '"Open_vSwitch"' "$out"
out=$("$CLIENT" call "unix:$SB_DIR/nobody.sock,tcp:127.0.0.1:1,unix:$D/db.sock" list_dbs 2>&1)
check "remote list with dead entries first" '"Open_vSwitch"' "$out"
out=$("$CLIENT" call "unix:$D/db.sock" echo '["x",1]' 2>&1)
check "echo round trip" '["x",1]' "$out"
out=$("$CLIENT" call "unix:$D/db.sock" get_schema '["Nope"]' 2>&1)
check "server error object is reported" 'server returned error' "$out"
check "server error object names the problem" 'unknown database' "$out"
out=$("$CLIENT" -t 2000 call "unix:$SB_DIR/nobody.sock" list_dbs 2>&1)
check "missing socket is a clear error" 'No such file or directory' "$out"

# A reconnecting session (not just rpc_sync) over TLS, through a remote list.
out=$("$CLIENT" "${GOOD_TLS[@]}" watch "ssl:127.0.0.1:1,ssl:127.0.0.1:$SSL_PORT" 2 2>&1)
check "jsonrpc_session over ssl" "connected ssl:127.0.0.1:$SSL_PORT" "$out"

# Monitor + update notification.
env OVS_RUNDIR="$D" ovs-vsctl --db="unix:$D/db.sock" --no-wait init
"$CLIENT" -t 10000 notify "tcp:127.0.0.1:$TCP_PORT" Open_vSwitch Open_vSwitch external_ids \
    >"$SB_DIR/notify.out" 2>&1 &
notify_pid=$!
sb_wait_for 10 grep -q monitoring "$SB_DIR/notify.out" || true
env OVS_RUNDIR="$D" ovs-vsctl --db="unix:$D/db.sock" --no-wait \
    set Open_vSwitch . external_ids:net-test=hello
wait $notify_pid
check "update notification after a change" 'net-test' "$(cat "$SB_DIR/notify.out")"
check "update notification carries the new value" 'hello' "$(cat "$SB_DIR/notify.out")"

# Wrong CA on the client: the server's certificate does not verify.
out=$("$CLIENT" -t 5000 -p "$P/client-privkey.pem" -c "$P/client-cert.pem" -C "$CA2" \
      call "ssl:127.0.0.1:$SSL_PORT" list_dbs 2>&1); rc=$?
[ $rc -ne 0 ] || { echo "FAILED: client with the wrong CA connected: $out"; fails=$((fails + 1)); }
check "wrong CA is refused with a verification error" 'certificate verification failed' "$out"

# Client certificate from another CA: the server refuses it.
out=$("$CLIENT" -t 5000 -p "$P/rogue-privkey.pem" -c "$P/rogue-cert.pem" -C "$CA" \
      call "ssl:127.0.0.1:$SSL_PORT" list_dbs 2>&1); rc=$?
[ $rc -ne 0 ] || { echo "FAILED: client with an untrusted certificate got an answer: $out"; fails=$((fails + 1)); }
check "untrusted client certificate is refused with a TLS error" 'TLS error' "$out"

# Missing TLS files: a clear error naming the file.
out=$("$CLIENT" -t 2000 -p "$P/nope.pem" -c "$P/client-cert.pem" -C "$CA" \
      call "ssl:127.0.0.1:$SSL_PORT" list_dbs 2>&1)
check "missing key file is named" 'nope.pem' "$out"

# ovsdb-server is still healthy after all that.
out=$("$CLIENT" call "unix:$D/db.sock" list_dbs 2>&1)
check "server still serves" '"Open_vSwitch"' "$out"

# Loom as the TLS server: Debian's ovsdb-client talks to it over pssl.
"$CLIENT" -p "$P/server-privkey.pem" -c "$P/server-cert.pem" -C "$CA" \
    serve pssl:0:127.0.0.1 30 >"$SB_DIR/serve.out" 2>"$SB_DIR/serve.err" &
serve_pid=$!
sb_wait_for 10 grep -q '^listening' "$SB_DIR/serve.out" || sb_fail "serve did not start"
LPORT=$(sed -n 's/^listening //p' "$SB_DIR/serve.out")
out=$(timeout 10 ovsdb-client -p "$P/client-privkey.pem" -c "$P/client-cert.pem" -C "$CA" \
      list-dbs "ssl:127.0.0.1:$LPORT" 2>&1)
check "ovsdb-client lists dbs from Loom's pssl server" 'Loom' "$out"
out=$("$CLIENT" "${GOOD_TLS[@]}" call "ssl:127.0.0.1:$LPORT" echo '["ping"]' 2>&1)
check "echo answered by Loom's pssl server" '["ping"]' "$out"
out=$("$CLIENT" "${GOOD_TLS[@]}" call "ssl:127.0.0.1:$LPORT" transact '[]' 2>&1)
check "unknown method gets an error" 'unknown method' "$out"
out=$(timeout 10 ovsdb-client -p "$P/rogue-privkey.pem" -c "$P/rogue-cert.pem" -C "$CA" \
      list-dbs "ssl:127.0.0.1:$LPORT" 2>&1); rc=$?
[ $rc -ne 0 ] || { echo "FAILED: Loom's server accepted an untrusted client: $out"; fails=$((fails + 1)); }
kill $serve_pid 2>/dev/null
wait $serve_pid 2>/dev/null

[ $fails -eq 0 ] || sb_fail "$fails check(s) failed"
echo "PASS"

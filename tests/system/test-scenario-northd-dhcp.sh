#!/bin/bash
# test-scenario-northd-dhcp: OVN's native DHCPv4 with loom-northd and
# Debian's ovn-controller.  northd turns NB DHCP_Options into logical flows
# (put_dhcp_opts, the reply path); ovn-controller answers from them.  A
# small raw-socket DHCP client (Python, no dhclient needed) in each VM:
#
#   hv1: vm1 on port p1 (dhcpv4_options set)    hv2: vm2 on port p2 (none)
#        switch ls1 10.0.5.0/24, DHCP_Options server 10.0.5.1
#
#   - vm1's DISCOVER gets an OFFER for its NB address 10.0.5.21 from
#     server_id 10.0.5.1 / server_mac, with the router, lease time and DNS
#     server of the DHCP_Options row; its REQUEST gets an ACK for the same.
#   - vm2 (no dhcpv4_options) gets no answer.
#   - the options changed in the NB (lease_time) show in the next OFFER.
#   - with a port group ACL dropping everything sent to vm1, DHCP replies
#     still reach it (northd's egress allowance for DHCP replies).
#   - vm1 configured with the offered address pings vm2.
#
# SCENARIO_NORTHD=ovn runs the same body with Debian's ovn-northd.
set -euo pipefail
LOOM_SRC=${LOOM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
export LOOM_SRC
NORTHD=${SCENARIO_NORTHD:-loom}
if [[ $NORTHD == loom && ! -x ${LOOM_BUILD:-}/bin/loom-northd ]]; then
    echo "SKIP: ${LOOM_BUILD:-\$LOOM_BUILD}/bin/loom-northd is not built"
    exit 77
fi
# shellcheck source=../lib/lab.sh
source "$LOOM_SRC/tests/lib/lab.sh"
lab_require ovn-northd ovn-controller ethtool /usr/bin/python3
export LAB_NORTHD=$NORTHD LAB_CONTROLLER=ovn LAB_NBCTL=ovn LAB_SBCTL=ovn
FAILS=0

# step MSG: a progress line with the lab's clock.
step() { printf '[%6ss] %s\n' "$(lab_elapsed)" "$*"; }

# check DESC CMD...: runs CMD; PASS or FAIL with DESC and CMD's output.
check() {
    local desc=$1 out
    shift
    if out=$("$@" 2>&1); then
        printf '  PASS  %s (%s)\n' "$desc" "${out//$'\n'/ }"
    else
        printf '  FAIL  %s (%s)\n' "$desc" "${out//$'\n'/ }"
        FAILS=$(( FAILS + 1 ))
    fi
}

# The client: sends one DHCP message (DISCOVER, or REQUEST for an address)
# from eth0 and prints the answer as "TYPE yiaddr=... opt=..." lines, or
# "none" after 2 s.  Raw AF_PACKET frames: eth0 needs no address.
DHCP_CLIENT=$(cat <<'PY'
import os, random, socket, struct, sys, time
mac = bytes.fromhex(sys.argv[1].replace(":", ""))
kind = sys.argv[2]                      # discover | request
want = sys.argv[3] if len(sys.argv) > 3 else None
xid = random.getrandbits(32)

def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

opts = bytes([53, 1, 1 if kind == "discover" else 3])
if want:
    opts += bytes([50, 4]) + socket.inet_aton(want)
opts += bytes([55, 5, 1, 3, 6, 51, 54, 255])
bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000,
                    bytes(4), bytes(4), bytes(4), bytes(4), mac + bytes(10),
                    bytes(64), bytes(128)) + b"\x63\x82\x53\x63" + opts
udp = struct.pack("!HHHH", 68, 67, 8 + len(bootp), 0) + bootp
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                 bytes(4), b"\xff\xff\xff\xff")
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
frame = b"\xff" * 6 + mac + b"\x08\x00" + ip + udp

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind(("eth0", 0))
s.settimeout(0.2)
s.send(frame)
deadline = time.time() + 2
while time.time() < deadline:
    try:
        pkt = s.recv(2048)
    except socket.timeout:
        continue
    if len(pkt) < 14 + 20 + 8 + 240 or pkt[23] != 17:
        continue
    ihl = (pkt[14] & 15) * 4
    u = 14 + ihl
    if struct.unpack("!H", pkt[u + 2:u + 4])[0] != 68:
        continue
    b = pkt[u + 8:]
    if struct.unpack("!I", b[4:8])[0] != xid:
        continue
    yiaddr = socket.inet_ntoa(b[16:20])
    i, out, mtype = 240, [], None
    while i < len(b) and b[i] != 255:
        if b[i] == 0:
            i += 1
            continue
        code, n = b[i], b[i + 1]
        v = b[i + 2:i + 2 + n]
        if code == 53:
            mtype = v[0]
        elif code in (1, 3, 6, 54):
            out.append("%d=%s" % (code, ",".join(socket.inet_ntoa(v[k:k + 4]) for k in range(0, n, 4))))
        elif code == 51:
            out.append("51=%d" % struct.unpack("!I", v)[0])
        i += 2 + n
    print({2: "OFFER", 5: "ACK", 6: "NAK"}.get(mtype, "type%s" % mtype),
          "yiaddr=" + yiaddr, "src_mac=" + pkt[6:12].hex(":"), " ".join(sorted(out)))
    sys.exit(0)
print("none")
sys.exit(1)
PY
)

# dhcp VM discover|request [ADDR]: runs the client in VM; prints the answer.
dhcp() {
    local vm=$1
    shift
    lab_exec "$vm" /usr/bin/python3 -c "$DHCP_CLIENT" "${LAB_VM_MAC[$vm]}" "$@"
}

# answer_is VM KIND WANT... [-- ARG]: the answer to KIND contains every
# WANT word.
answer_is() {
    local vm=$1 kind=$2 out w args=()
    shift 2
    local wants=()
    while (( $# )); do
        if [[ $1 == -- ]]; then shift; args=("$@"); break; fi
        wants+=("$1"); shift
    done
    out=$(dhcp "$vm" "$kind" "${args[@]}") || { echo "$out"; return 1; }
    echo "$out"
    for w in "${wants[@]}"; do [[ " $out " == *" $w "* ]] || return 1; done
}

lab_init "${SCENARIO_PREFIX:-scn-dhcp}"
lab_start_central
lab_add_chassis hv1 192.0.2.1
lab_add_chassis hv2 192.0.2.2
lab_wait_chassis
M1=0a:00:00:00:05:21 M2=0a:00:00:00:05:22 SMAC=0a:00:00:00:05:01
lab_nbctl ls-add ls1 \
    -- lsp-add ls1 p1 -- lsp-set-addresses p1 "$M1 10.0.5.21" \
    -- lsp-add ls1 p2 -- lsp-set-addresses p2 "$M2 10.0.5.22"
dhcp_uuid=$(lab_nbctl create DHCP_Options cidr=10.0.5.0/24 \
    options="\"server_id\"=\"10.0.5.1\" \"server_mac\"=\"$SMAC\" \"lease_time\"=\"3600\" \"router\"=\"10.0.5.1\" \"dns_server\"=\"10.0.5.53\"")
lab_nbctl lsp-set-dhcpv4-options p1 "$dhcp_uuid"
# vm1 starts with no address: DHCP gives it one.
lab_add_vm hv1 vm1 p1 $M1 10.0.5.21/24
lab_exec vm1 ip addr flush dev eth0
lab_add_vm hv2 vm2 p2 $M2 10.0.5.22/24
lab_wait_port_up p1
lab_wait_port_up p2
lab_sync
step "lab up (northd: $LAB_NORTHD)"

check "vm1's DISCOVER: an OFFER of 10.0.5.21 from 10.0.5.1 ($SMAC) with router, lease, DNS" \
    answer_is vm1 discover OFFER yiaddr=10.0.5.21 "src_mac=$SMAC" 54=10.0.5.1 3=10.0.5.1 51=3600 6=10.0.5.53 1=255.255.255.0
check "vm1's REQUEST for 10.0.5.21: an ACK" \
    answer_is vm1 request ACK yiaddr=10.0.5.21 54=10.0.5.1 -- 10.0.5.21
# no_answer VM: VM's DISCOVER goes unanswered.
no_answer() { ! dhcp "$1" discover; }
check "vm2 (no dhcpv4_options): no answer" no_answer vm2
lab_nbctl set DHCP_Options "$dhcp_uuid" options:lease_time=600
lab_sync
check "lease_time changed in the NB: the next OFFER says 600" answer_is vm1 discover OFFER yiaddr=10.0.5.21 51=600
lab_exec vm1 ip addr add 10.0.5.21/24 dev eth0
lab_nbctl pg-add pgd p1 \
    -- acl-add pgd to-lport 1001 'outport == @pgd && ip4' drop \
    -- acl-add pgd from-lport 1001 'inport == @pgd && ip4' allow-related
lab_sync
# pinged_from_vm2_dropped: vm2 gets no ping reply from vm1.
pinged_from_vm2_dropped() { ! lab_ping vm2 10.0.5.21 2; }
check "a to-lport default drop on vm1 (port group pgd) drops vm2's pings" pinged_from_vm2_dropped
check "with that drop, vm1's DISCOVER is still answered" \
    answer_is vm1 discover OFFER yiaddr=10.0.5.21
check "and its REQUEST" answer_is vm1 request ACK yiaddr=10.0.5.21 -- 10.0.5.21
lab_nbctl pg-del pgd
lab_sync
check "vm1, configured as offered, pings vm2" lab_wait_ping vm1 10.0.5.22 10

# northd_errors: ERR/EMER lines in every northd log of the run (bad input
# is a WARN; an ERR means northd itself failed somewhere).
northd_errors() {
    local hits
    hits=$(grep -hE '\|(ERR|EMER)\|' "$LAB_DIR"/central/northd*.log || true)
    echo "${hits:-no errors in $(find "$LAB_DIR/central" -name 'northd*.log' | wc -l) northd log(s)}"
    [[ -z $hits ]]
}
check "northd logged no errors" northd_errors

if (( FAILS )); then
    echo "FAILED: $FAILS check(s)"
    exit 1
fi
echo "all checks passed in $(lab_elapsed) s (northd: $LAB_NORTHD)"

#!/bin/bash
# test-lab-wire: what OVN's tunnels look like on the underlay, read off the
# wire with tcpdump on Debian's OVN -- the format loom-controller must speak
# to interoperate (man ovn-architecture, "Tunnel Encapsulations"):
#   - Geneve to UDP port 6081 with a valid UDP checksum, from the sender's
#     encap IP to the receiver's;
#   - VNI = the SB Datapath_Binding tunnel_key of the destination switch;
#   - one critical option, class 0x0102 (OVN) type 0x80, 4 bytes: 1 bit 0,
#     15 bits logical ingress port key, 16 bits logical egress port key;
#   - routing happens on the sender's chassis: a routed packet leaves it with
#     the router port's MAC as source, the destination VM's MAC and TTL-1,
#     ingress port = the switch's router-type port.
# LAB_SCENARIO_CONTROLLER=loom runs it against loom-controller.
set -euo pipefail
LOOM_SRC=${LOOM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
export LOOM_SRC
# shellcheck source=../lib/lab.sh
source "$LOOM_SRC/tests/lib/lab.sh"
lab_require ovn-northd ovn-controller ethtool tcpdump

export LAB_NORTHD=${LAB_SCENARIO_NORTHD:-ovn} LAB_CONTROLLER=${LAB_SCENARIO_CONTROLLER:-ovn}
export LAB_NBCTL=ovn LAB_SBCTL=ovn LAB_TCPDUMP_FLAGS="-e -vvv"
FAILS=0

# ok / bad DESC: one verdict.
ok()  { printf '  PASS  %s\n' "$*"; }
bad() { printf '  FAIL  %s\n' "$*"; FAILS=$(( FAILS + 1 )); }

# dp_key NAME / port_key LSP: SB tunnel keys.
dp_key()   { lab__ref_sbctl --bare --columns=tunnel_key find Datapath_Binding external_ids:name="$1"; }
port_key() { lab__ref_sbctl --bare --columns=tunnel_key find Port_Binding logical_port="$1"; }

# first_request CHASSIS: the first ICMP echo request of CHASSIS's capture,
# its lines joined into one.
first_request() {
    lab_capture_text "$1" | awk '
        /^[0-9]/ { if (blk ~ /echo request/) { print blk; found = 1; exit } blk = $0; next }
        { blk = blk " " $0 }
        END { if (!found && blk ~ /echo request/) print blk }'
}

# expect_tunnel DESC PKT SRC DST VNI INGRESS EGRESS SMAC DMAC TTL: checks one
# captured packet against the expected encapsulation and inner header.
expect_tunnel() {
    local desc=$1 pkt=$2 src=$3 dst=$4 vni=$5 in=$6 out=$7 smac=$8 dmac=$9 ttl=${10}
    local want_data
    if [[ -z $pkt ]]; then bad "$desc: no echo request captured"; return; fi
    [[ $pkt =~ ${src//./\\.}\.[0-9]+\ \>\ ${dst//./\\.}\.6081: ]] \
        && ok "$desc: Geneve $src -> $dst:6081" || bad "$desc: not Geneve $src -> $dst:6081: $pkt"
    [[ $pkt == *"udp sum ok"* ]] && ok "$desc: UDP checksum present and valid" || bad "$desc: no valid UDP checksum"
    [[ $pkt =~ vni\ 0x([0-9a-f]+) ]] && (( 16#${BASH_REMATCH[1]} == vni )) \
        && ok "$desc: VNI $vni (destination switch's tunnel key)" || bad "$desc: VNI ${BASH_REMATCH[1]:-none}, want $vni"
    printf -v want_data '%04x%04x' "$in" "$out"
    if [[ $pkt =~ class\ Open\ Virtual\ Networking\ \(OVN\)\ \(0x102\)\ type\ 0x80\(C\)\ len\ 8\ data\ ([0-9a-f]{8}) ]]; then
        [[ ${BASH_REMATCH[1]} == "$want_data" ]] \
            && ok "$desc: OVN option 0x102/0x80 carries ingress $in, egress $out" \
            || bad "$desc: OVN option data ${BASH_REMATCH[1]}, want $want_data (ingress $in, egress $out)"
    else
        bad "$desc: no critical OVN option class 0x102 type 0x80 len 8: $pkt"
    fi
    if [[ $pkt =~ ${smac}\ \>\ ${dmac},\ [^:]*:\ \(tos\ [^,]*,\ ttl\ ([0-9]+) ]]; then
        ok "$desc: inner frame $smac > $dmac"
        (( BASH_REMATCH[1] == ttl )) && ok "$desc: inner TTL $ttl" || bad "$desc: inner TTL ${BASH_REMATCH[1]}, want $ttl"
    else
        bad "$desc: inner frame is not $smac > $dmac: $pkt"
    fi
}

lab_init "${LAB_SCENARIO_PREFIX:-lab-wire}"
lab_start_central
lab_add_chassis hv1 192.0.2.1
lab_add_chassis hv2 192.0.2.2
lab_wait_chassis
lab_nbctl \
    -- ls-add ls1 -- ls-add ls2 \
    -- lsp-add ls1 vm1 -- lsp-set-addresses vm1 "0a:00:00:00:01:11 10.0.1.11" \
    -- lsp-add ls1 vm2 -- lsp-set-addresses vm2 "0a:00:00:00:01:12 10.0.1.12" \
    -- lsp-add ls2 vm3 -- lsp-set-addresses vm3 "0a:00:00:00:02:13 10.0.2.13" \
    -- lr-add lr1 \
    -- lrp-add lr1 lr1-ls1 0a:00:00:00:ff:01 10.0.1.1/24 \
    -- lrp-add lr1 lr1-ls2 0a:00:00:00:ff:02 10.0.2.1/24 \
    -- lsp-add ls1 ls1-lr1 -- lsp-set-type ls1-lr1 router \
    -- lsp-set-options ls1-lr1 router-port=lr1-ls1 -- lsp-set-addresses ls1-lr1 router \
    -- lsp-add ls2 ls2-lr1 -- lsp-set-type ls2-lr1 router \
    -- lsp-set-options ls2-lr1 router-port=lr1-ls2 -- lsp-set-addresses ls2-lr1 router
lab_add_vm hv1 vm1 vm1 0a:00:00:00:01:11 10.0.1.11/24 10.0.1.1
lab_add_vm hv2 vm2 vm2 0a:00:00:00:01:12 10.0.1.12/24 10.0.1.1
lab_add_vm hv2 vm3 vm3 0a:00:00:00:02:13 10.0.2.13/24 10.0.2.1
for p in vm1 vm2 vm3; do lab_wait_port_bound "$p"; done
lab_sync
lab_wait_ping vm1 10.0.1.12 >/dev/null
lab_wait_ping vm1 10.0.2.13 >/dev/null

echo "L2: vm1 (hv1) -> vm2 (hv2) on ls1"
lab_capture hv1 'udp dst port 6081 and src host 192.0.2.1' lab_ping vm1 10.0.1.12 1 >/dev/null 2>&1
expect_tunnel "L2" "$(first_request hv1)" 192.0.2.1 192.0.2.2 \
    "$(dp_key ls1)" "$(port_key vm1)" "$(port_key vm2)" 0a:00:00:00:01:11 0a:00:00:00:01:12 64

echo "L3: vm1 (hv1, ls1) -> vm3 (hv2, ls2) through lr1"
lab_capture hv1 'udp dst port 6081 and src host 192.0.2.1' lab_ping vm1 10.0.2.13 1 >/dev/null 2>&1
expect_tunnel "L3" "$(first_request hv1)" 192.0.2.1 192.0.2.2 \
    "$(dp_key ls2)" "$(port_key ls2-lr1)" "$(port_key vm3)" 0a:00:00:00:ff:02 0a:00:00:00:02:13 63

if (( FAILS )); then
    echo "FAILED: $FAILS check(s); last capture:"
    lab_capture_text hv1
    exit 1
fi
echo "all checks passed in $(lab_elapsed) s"

#!/bin/bash
# test-logical-lflow-cli: loom-lflow compile end to end.
#  - prints flows in ovs-ofctl syntax, exit 0;
#  - bad matches/actions/options: exit 1, message on stderr naming the token;
#  - every flow it prints for a set of typical ovn-northd logical flows is
#    accepted by Open vSwitch's own parser (ovs-ofctl parse-flow), which
#    checks field prerequisites (no nw_src without dl_type=0x0800, ...).
set -u
LOOM_SRC=${LOOM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
LOOM_BUILD=${LOOM_BUILD:-$LOOM_SRC/build}
L=$LOOM_BUILD/bin/loom-lflow
[ -x "$L" ] || { echo "SKIP: $L not built"; exit 77; }
command -v ovs-ofctl >/dev/null || { echo "SKIP: ovs-ofctl not installed"; exit 77; }

T=$(mktemp -d /tmp/loom-test-logical-lflow-cli-XXXX)
trap 'rm -rf "$T"' EXIT
fail=0
check() {   # check NAME CONDITION-RESULT
    if [ "$2" = 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi
}

# 1. The example from the issue.
out=$("$L" compile --port p1=1 --port p2=2 --datapath 1 --table 0 \
      'inport == "p2" && eth.src == 00:00:00:00:00:01' 'next;')
rc=$?
[ $rc = 0 ] && [ "$out" = "table=8, priority=100, reg14=0x2,metadata=0x1,dl_src=00:00:00:00:00:01 actions=resubmit(,9)" ]
check "compile prints the flow" $?

# 2. Errors: exit 1, token position in the message, nothing on stdout.
err_case() {   # err_case NAME EXPECTED-SUBSTRING ARGS...
    local name=$1 want=$2
    shift 2
    "$L" "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    [ $rc = 1 ] && [ ! -s "$T/out" ] && grep -qF -- "$want" "$T/err"
    local r=$?
    [ $r = 0 ] || { echo "  rc=$rc stderr: $(cat "$T/err")"; }
    check "$name" $r
}
err_case "type mismatch names the token" \
    "match: at byte 11 ('1.2.3.4'): field 'eth.src' is 48 bits wide but '1.2.3.4' is an IPv4 address" \
    compile 'eth.src == 1.2.3.4' 'next;'
err_case "unknown field" "at byte 7 ('ip4.sorce'): unknown field 'ip4.sorce'" \
    compile 'ip4 && ip4.sorce == 10.0.0.1' 'next;'
err_case "bad CIDR" "('10.0.0.0/40'): prefix length 40 is out of range 0..32" \
    compile 'ip4.dst == 10.0.0.0/40' 'next;'
err_case "unbalanced parenthesis" "expecting ')' to match '(' at byte 0" \
    compile '(ip4 && tcp' 'next;'
err_case "unbalanced braces in actions" "missing '}' to close action block" \
    compile 'ip4' 'clone { next; '
err_case "bad action" "actions: at byte 0 ('frobnicate'): unknown or unsupported action 'frobnicate'" \
    compile 'ip4' 'frobnicate;'
err_case "unknown address set" "unknown address set '\$nope'" compile 'ip4.src == $nope' 'next;'
err_case "bad --port value" "--port: '12x' is not an integer" compile --port p1=12x 1 'next;'
err_case "bad --table" "--table: '99' is not an integer in 0..28" compile --table 99 1 'next;'
err_case "missing arguments" "compile needs 'MATCH' and 'ACTIONS'" compile 'ip4'
err_case "unknown command" "unknown command 'frob'" frob
"$L" --help | grep -q -- "--addrset NAME=A,B" ; check "--help lists the options" $?

# 3. Address sets, port groups, conjunctions.
out=$("$L" compile --port p1=1 --port p2=2 --portgroup pg=p1,p2 --addrset as=10.0.0.1,10.0.0.2 \
      --conj-id 7 'inport == @pg && ip4.src == $as' 'next;')
[ "$(echo "$out" | grep -c 'conjunction(7,')" = 4 ] && echo "$out" | grep -q '^table=8, priority=100, conj_id=7,ip,metadata=0x1 actions=resubmit(,9)$'
check "port group x address set becomes a conjunctive match" $?

# 4. OVS accepts every flow (prerequisites, field names, action syntax).
cat > "$T/cases" <<'CASES'
0~ingress~switch~inport == "p1" && eth.src == 00:00:00:00:00:01 && vlan.present~drop;
0~ingress~switch~eth.mcast~drop;
1~ingress~switch~inport == "p1" && eth.src == 00:00:00:00:00:01 && ip4.src == {10.0.0.1, 10.0.0.2}~next;
1~ingress~switch~inport == "p1" && nd_ns && nd.sll == 00:00:00:00:00:01~next;
1~ingress~switch~inport == "p1" && nd_na && nd.target == fd00::1 && nd.tll == 00:00:00:00:00:01~next;
1~ingress~switch~inport == "p1" && arp.sha == 00:00:00:00:00:01 && arp.spa == 10.0.0.1~next;
4~ingress~switch~ip && tcp.dst == 80~reg0[0] = 1; next;
6~ingress~switch~reg0[0] == 1~ct_next;
8~ingress~switch~ct.new && !ct.est && (inport == @pg1 && ip4.src == $as1 && tcp.dst == {80, 443})~reg0[1] = 1; next;
8~ingress~switch~ct.est && !ct.rel && !ct.new && !ct.inv && ct.rpl && ct_mark.blocked == 0~next;
8~ingress~switch~udp.dst >= 100 && udp.dst <= 200 && ip6~drop;
8~ingress~switch~tcp.src != 22 && ip4~next;
8~ingress~switch~icmp6.type == 128 && icmp6.code == 0~next;
8~ingress~switch~sctp.dst == 5000 && ip4~next;
8~ingress~switch~ip.ttl == {0, 1} && !ip.later_frag && ip4~drop;
8~ingress~switch~ip4.mcast && ip.dscp == 46~next;
8~ingress~switch~ip6.mcast_flood~next;
8~ingress~switch~igmp~next;
8~ingress~switch~mldv1 || mldv2~next;
8~ingress~switch~tcp.flags == 0x2 && ip4~next;
8~ingress~switch~ip6.label == 5 && ip.ecn == 1~next;
12~ingress~switch~ct.new && ip4.dst == 10.0.0.100 && tcp.dst == 80~reg0[1] = 0; ct_lb_mark(backends=10.0.0.1:8080,10.0.0.2:8080);
14~ingress~switch~ip && ct.trk~reg0[6] = chk_lb_hairpin(); reg0[12] = chk_lb_hairpin_reply(); next;
15~ingress~switch~ip && ct.new && ct.trk && reg0[6] == 1~ct_snat_to_vip; next;
18~ingress~switch~reg0[1] == 1 && reg0[13] == 0~ct_commit { ct_mark.blocked = 0; ct_label.label = reg3; }; next;
19~ingress~switch~arp.tpa == 10.0.0.1 && arp.op == 1~eth.dst = eth.src; eth.src = 00:00:00:00:00:01; arp.op = 2; arp.tha = arp.sha; arp.sha = 00:00:00:00:00:01; arp.tpa = arp.spa; arp.spa = 10.0.0.1; outport = inport; flags.loopback = 1; output;
25~ingress~switch~eth.dst == 00:00:00:00:00:02~outport = "p2"; output;
25~ingress~switch~eth.mcast~outport = "_MC_flood"; output;
0~egress~switch~ip4 && outport == "p2"~ct_clear; next;
9~egress~switch~outport == "p2" && eth.dst == {00:00:00:00:00:02}~output;
1~ingress~router~arp.op == 2~reg9[2] = lookup_arp(inport, arp.spa, arp.sha); next;
2~ingress~router~arp~put_arp(inport, arp.spa, arp.sha); next;
3~ingress~router~ip4.dst == 10.0.0.254 && icmp4.type == 8 && icmp4.code == 0~ip4.dst <-> ip4.src; ip.ttl = 255; icmp4.type = 0; flags.loopback = 1; next;
4~ingress~router~ip && ip4.dst == 172.16.0.10~ct_dnat(10.0.0.2);
13~ingress~router~ip4.dst == 10.0.0.0/24~ip.ttl--; reg8[0..15] = 0; reg0 = ip4.dst; reg1 = 10.0.0.254; eth.src = 00:00:00:00:ff:01; outport = "r0-sw0"; flags.loopback = 1; next;
13~ingress~router~ip6.dst == fd00::/64~ip.ttl--; xxreg0 = ip6.dst; xxreg1 = fd00::1; eth.src = 00:00:00:00:ff:01; outport = "r0-sw0"; next;
17~ingress~router~ip4~get_arp(outport, reg0); next;
17~ingress~router~ip6~get_nd(outport, xxreg0); next;
3~egress~router~ip && ip4.src == 10.0.0.0/24~ct_snat(172.16.0.1);
3~egress~router~ip && ip4.src == 10.0.0.0/24 && udp.src == 1000~udp.src = 2000; ct_snat(172.16.0.1, 1000-2000);
CASES
n=0
bad=0
while IFS='~' read -r table pipe kind match actions; do
    args=(compile --table "$table" --port p1=1 --port p2=2 --port r0-sw0=1 --port _MC_flood=0x8000
          --portgroup pg1=p1,p2 --addrset as1=10.0.0.1,10.0.0.2,10.1.0.0/16)
    [ "$pipe" = egress ] && args+=(--egress)
    [ "$kind" = router ] && args+=(--router)
    if ! "$L" "${args[@]}" "$match" "$actions" > "$T/flows" 2> "$T/err"; then
        echo "  loom-lflow rejected: $match / $actions: $(cat "$T/err")"
        bad=1
        continue
    fi
    while read -r flow; do
        case "$flow" in group_id=*) continue ;; esac
        n=$((n + 1))
        if ! ovs-ofctl parse-flow "$flow" > "$T/parsed" 2>&1; then
            echo "  ovs-ofctl rejected: $flow"
            sed 's/^/    /' "$T/parsed" | head -3
            bad=1
        fi
    done < "$T/flows"
done < "$T/cases"
[ $bad = 0 ] && [ $n -gt 40 ]
check "ovs-ofctl parse-flow accepts all $n flows" $?

# 5. Every symbol, matched and (when writable) assigned: OVS must accept the
#    flows, which proves each field's prerequisites are in the match.
n=0
bad=0
while read -r name kind width rest; do
    case $kind in
        predicate) match=$name; actions='next;' ;;
        string) match="$name == \"p1\""; actions="$name = \"p2\"; next;" ;;
        *)  if [ "$width" = 1 ]; then match=$name; else match="$name == 1"; fi
            case $rest in *" rw"*) actions="$name = 1; next;" ;; *) actions='next;' ;; esac
            case $name in ct_mark*|ct_label*) actions="ct_commit { $name = 1; }; next;" ;; esac ;;
    esac
    if ! "$L" compile --port p1=1 --port p2=2 "$match" "$actions" > "$T/flows" 2> "$T/err"; then
        echo "  loom-lflow rejected: $match / $actions: $(cat "$T/err")"
        bad=1
        continue
    fi
    while read -r flow; do
        n=$((n + 1))
        if ! ovs-ofctl parse-flow "$flow" > "$T/parsed" 2>&1; then
            echo "  ovs-ofctl rejected: $flow"
            sed 's/^/    /' "$T/parsed" | head -3
            bad=1
        fi
    done < "$T/flows"
done < <("$L" symbols)
[ $bad = 0 ] && [ $n -gt 150 ]
check "every symbol: OVS accepts all $n flows (match and assignment)" $?

exit $fail

#!/bin/bash
# loom-nbctl and Debian's ovn-nbctl must agree, byte for byte, on show and
# the *-list commands:
#  (a) a topology built with loom-nbctl -- two switches, ports with
#      addresses and port security, a router with two ports and a static
#      route, a port group with ACLs, an address set -- listed by both;
#  (b) a topology built with ovn-nbctl, listed by both.
# The NB database is a real ovsdb-server on Loom's schema (Debian's if
# schemas/ovn-nb.ovsschema is absent).
set -u
. "${LOOM_SRC:-$(dirname "$0")/../..}/tests/interop/test-ctl-lib.sh"
ctl_init ctl-nb-show

echo "== (a) topology built by loom-nbctl"
L() { "${LNB[@]}" "$@" || sb_fail "loom-nbctl $* failed"; }
L init
L ls-add ls1 -- ls-add ls2
L lsp-add ls1 vm1 -- lsp-set-addresses vm1 "00:00:00:00:01:01 10.0.1.1" \
  -- lsp-set-port-security vm1 "00:00:00:00:01:01 10.0.1.1/32"
L lsp-add ls1 vm2 -- lsp-set-addresses vm2 "00:00:00:00:01:02 10.0.1.2" "00:00:00:00:01:12 10.0.1.12"
L lsp-add ls2 vm3 -- lsp-set-addresses vm3 "00:00:00:00:02:01 10.0.2.1 fd00::1" \
  -- lsp-set-port-security vm3 "00:00:00:00:02:01 10.0.2.1 fd00::1"
L lsp-add ls2 ln -- lsp-set-type ln localnet -- lsp-set-addresses ln unknown \
  -- lsp-set-options ln network_name=phys
L lsp-add ls2 c1 vm3 7 -- lsp-set-addresses c1 dynamic
L lr-add lr1 -- lrp-add lr1 lrp1 00:00:00:00:ff:01 10.0.1.254/24 \
  -- lrp-add lr1 lrp2 00:00:00:00:ff:02 10.0.2.254/24 fd00::fe/64
L lsp-add ls1 ls1-lr1 -- lsp-set-type ls1-lr1 router \
  -- lsp-set-addresses ls1-lr1 router -- lsp-set-options ls1-lr1 router-port=lrp1
L lsp-add ls2 ls2-lr1 -- lsp-set-type ls2-lr1 router \
  -- lsp-set-addresses ls2-lr1 "00:00:00:00:ff:02" -- lsp-set-options ls2-lr1 router-port=lrp2
L lr-route-add lr1 0.0.0.0/0 10.0.2.100
L lrp-set-gateway-chassis lrp2 gw1 10 -- lrp-set-gateway-chassis lrp2 gw2 20 \
  -- lrp-set-gateway-chassis lrp2 gw3 15
L lr-route-add lr1 192.168.7.0/24 10.0.1.7 lrp1
L --policy=src-ip lr-route-add lr1 10.0.1.0/24 10.0.2.200
L --ecmp lr-route-add lr1 172.16.0.0/16 10.0.2.101 -- --ecmp lr-route-add lr1 172.16.0.0/16 10.0.2.102
L lr-route-add lr1 fd01::/64 fd00::5
L --bfd lr-route-add lr1 192.168.8.0/24 10.0.1.8 lrp1
L lr-nat-add lr1 snat 10.0.2.254 10.0.1.0/24
L lr-policy-add lr1 100 'ip4.src == 10.0.1.0/24 && ip4.dst == 8.8.8.8' reroute 10.0.2.100 \
  -- lr-policy-add lr1 100 'ip4.src == 10.0.1.5' drop \
  -- lr-policy-add lr1 50 'ip6' reroute fd00::5,fd00::6 pkt_mark=4 \
  -- lr-policy-add lr1 200 'ip4.dst == 10.0.2.0/24' allow pkt_mark=7
L lr-nat-add lr1 dnat_and_snat 10.0.2.50 10.0.1.1 vm1 00:00:00:00:aa:01
L pg-add pg_web vm1 vm2
L acl-add pg_web to-lport 1000 'outport == @pg_web && ip4 && tcp.dst == 80' allow-related
L --log --name=dropall --severity=warning acl-add pg_web to-lport 900 'outport == @pg_web && ip' drop
L --log --meter=m1 acl-add pg_web from-lport 900 'inport == @pg_web && ip6' reject
L --apply-after-lb acl-add pg_web from-lport 500 'inport == @pg_web' allow
L --label=42 acl-add ls1 from-lport 100 'ip4' allow
L create Address_Set name=as_web 'addresses="10.0.1.1","10.0.1.2"' >/dev/null
L acl-add ls2 from-lport 100 'ip4.src == $as_web' allow
L lb-add lb_web 10.0.1.100:80 10.0.1.1:8080,10.0.1.2:8080 -- lb-add lb_web 10.0.1.100:443 10.0.1.1:8443 \
  -- lb-add lb_dns 10.0.1.53 10.0.1.1,10.0.1.2 -- lb-add lb_v6 [fd00::100]:80 [fd00::1]:80 udp \
  -- ls-lb-add ls1 lb_web lb_dns -- lr-lb-add lr1 lb_v6 lb_web
L --inactivity-probe=30000 set-connection ptcp:6641:127.0.0.1 punix:/tmp/nb-unused.sock \
  -- set-ssl /etc/ovn/key.pem /etc/ovn/cert.pem /etc/ovn/ca.pem
L qos-add ls1 from-lport 100 'inport == "vm1"' rate=1000 burst=100 \
  -- qos-add ls1 to-lport 200 ip4 dscp=10 -- qos-add ls1 from-lport 100 ip6 dscp=12 rate=500
L static-mac-binding-add lrp1 10.0.1.77 00:00:00:00:77:01 -- static-mac-binding-add lrp2 fd00::77 00:00:00:00:77:02 \
  -- lrp-set-redirect-type lrp2 bridged
L fwd-group-add fg_web ls1 10.0.1.200 00:00:00:00:aa:c8 vm1 vm2 -- --liveness fwd-group-add fg2 ls2 10.0.2.200 00:00:00:00:aa:c9 vm3
L meter-add acl_meter drop 100 pktps 10 -- --fair meter-add m_fair drop 2000 kbps
L copp-add copp1 arp acl_meter -- copp-add copp1 icmp4-error acl_meter -- ls-copp-add copp1 ls1
L mirror-add mir_a gre 5 to-lport 192.168.100.1 -- mirror-add mir_b erspan 7 from-lport fd00::100 \
  -- lsp-attach-mirror vm1 mir_a -- lsp-attach-mirror vm1 mir_b
L ha-chassis-group-add hcg1 -- ha-chassis-group-add-chassis hcg1 hv1 30 \
  -- ha-chassis-group-add-chassis hcg1 hv2 20
L dhcp-options-create 10.0.1.0/24 subnet=ls1 -- dhcp-options-create 10.0.2.0/24 -- dhcp-options-create fd00::/64
dhcp1=$("${LNB[@]}" --bare --columns=_uuid find DHCP_Options 'cidr="10.0.1.0/24"')
L dhcp-options-set-options "$dhcp1" lease_time=3600 -- lsp-set-dhcpv4-options vm1 "$dhcp1"

ctl_same show
ctl_same show ls2
ctl_same show lr1
ctl_same acl-list pg_web
ctl_same acl-list ls1
ctl_same acl-list ls2
ctl_same ls-list
ctl_same lr-list
ctl_same lsp-list ls1
ctl_same lsp-list ls2
ctl_same lrp-list lr1
ctl_same lr-route-list lr1
ctl_same lr-nat-list lr1
ctl_same lr-policy-list lr1
ctl_same lrp-get-gateway-chassis lrp2
ctl_same lsp-get-tag c1
ctl_same lsp-get-parent c1
ctl_same lsp-get-ls vm3
ctl_same lsp-get-up vm3
ctl_same dhcp-options-list
ctl_same lb-list
ctl_same ha-chassis-group-list
ctl_same meter-list
ctl_same mirror-list
ctl_same copp-list copp1
ctl_same fwd-group-list ls1
ctl_same fwd-group-list ls2
ctl_same static-mac-binding-list
ctl_same lrp-get-redirect-type lrp2
ctl_same qos-list ls1
ctl_same get-connection
ctl_same get-ssl
ctl_same lb-list lb_web
ctl_same ls-lb-list ls1
ctl_same lr-lb-list lr1
ctl_same dhcp-options-get-options "$dhcp1"
ctl_same lsp-get-dhcpv4-options vm1
ctl_same list Address_Set as_web
ctl_same --columns=name,addresses,port_security list Logical_Switch_Port vm3
ctl_same get Logical_Switch_Port vm2 addresses
ctl_same --bare --columns=name find Logical_Switch_Port type=localnet
ctl_same lsp-get-addresses vm2
echo "-- output formats and find operators"
ctl_same --format=csv --columns=name,addresses,tag_request list Logical_Switch_Port vm1 c1
ctl_same --format=json --columns=name,addresses,options,tag_request list Logical_Switch_Port vm1 ls2-lr1
ctl_same --format=table --columns=name,addresses list Logical_Switch_Port vm1 vm2
ctl_same --no-headings --format=table --columns=name,type list Logical_Switch_Port ln vm3
ctl_same --format=csv --bare --columns=name,external_ids,ports list Logical_Switch ls1
ctl_same --oneline lsp-list ls1 -- get Logical_Switch_Port vm2 addresses -- ls-list
ctl_same --bare --columns=name find Logical_Switch_Port 'addresses{>=}"00:00:00:00:01:02 10.0.1.2"'
ctl_same --bare --columns=name find Logical_Switch_Port 'tag_request>5'
ctl_same --sorted --bare --columns=name find Logical_Switch_Port type!=router 'addresses!=[]' 'name!=vm1'
ctl_same --bare --columns=name find Logical_Switch_Port 'options:router-port=lrp2'
ctl_same --sorted --bare --columns=name find Logical_Switch_Port 'options:router-port{!=}lrp2' 'type{=}router'
ctl_same --sorted --bare --columns=priority,match find ACL 'priority>=900' direction=to-lport
ctl_same get NB_Global . nb_cfg

echo "== (b) topology built by ovn-nbctl"
D() { "${DNB[@]}" "$@" || sb_fail "ovn-nbctl $* failed"; }
D ls-add dls1 -- ls-add dls2 -- lr-add dlr
D lsp-add dls1 dp1 -- lsp-set-addresses dp1 "0a:00:00:00:00:01 192.168.1.1" \
  -- lsp-set-port-security dp1 "0a:00:00:00:00:01 192.168.1.1"
D lsp-add dls1 dp2 -- lsp-set-addresses dp2 "0a:00:00:00:00:02 192.168.1.2"
D lsp-add dls2 dp3 -- lsp-set-addresses dp3 unknown
D lrp-add dlr dlrp1 0a:00:00:00:00:fe 192.168.1.254/24
D lrp-add dlr dlrp2 0a:00:00:00:01:fe 192.168.2.254/24 2001:db8::1/64
D lr-route-add dlr 0.0.0.0/0 192.168.2.1
D lrp-set-gateway-chassis dlrp2 chA 1 -- lrp-set-gateway-chassis dlrp2 chB 2
D set Logical_Switch dls1 external_ids:neutron\\:network_name=tenant-net
D set Logical_Switch_Port dp1 external_ids:neutron\\:port_name=web0
D pg-add dpg dp1 dp2
D acl-add dpg from-lport 1002 'inport == @dpg && ip4' allow-related
D acl-add dls2 to-lport 1001 'outport == "dp3" && udp' drop
D lr-nat-add dlr dnat 192.168.2.10 192.168.1.1
ctl_same show
ctl_same show dls1
ctl_same show dlr
ctl_same acl-list dpg
ctl_same acl-list dls2
ctl_same lr-route-list dlr
ctl_same lr-nat-list dlr
ctl_same lsp-list dls1
ctl_same list Port_Group dpg
echo PASS

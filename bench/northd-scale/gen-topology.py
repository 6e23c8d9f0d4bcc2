#!/usr/bin/python3
"""gen-topology.py: a large, realistic, deterministic OVN Northbound topology.

    gen-topology.py --ports N [--seed S] [--out FILE] [--meta FILE]

Writes OVSDB transactions (RFC 7047 "transact" params, one JSON array per
line: ["OVN_Northbound", op, op, ...]) that build the NB of a cloud the way
OpenStack Neutron would lay it out:

  * N VIF ports, 50 per logical switch (the last switch takes the remainder),
    each with "MAC IP" addresses and the same port_security, a DHCPv4 option
    row per switch (so every VIF gets its DHCP flows, as in Neutron).
  * One logical router per 8 switches: a router port per switch (subnet
    10.a.b.1/24) and, on each switch, its "router"-type port with addresses
    "router".  Each router has a gateway port on the shared "public" switch
    (172.24.0.0/16, a localnet port, one Gateway_Chassis "gw1"), a default
    route 0.0.0.0/0 via 172.24.0.1 and one SNAT per attached subnet; router
    options as Neutron sets them (dynamic_neigh_routers=true,
    always_learn_from_arp_request=false).
  * Security groups as port groups: one per 40 VIFs (at least 2); every VIF
    is in one, every tenth VIF in two.  Each group has 6 ACLs (priority 1002):
    egress allow-related ip4 and ip6, ingress allow-related from the group's
    own $pg_X_ip4, from an address set on tcp 22, icmp4, and a tcp port range.
    The "neutron_pg_drop" group holds every VIF with its two drop ACLs
    (priority 1001, from-lport and to-lport).
  * Address sets: one per 100 VIFs (at least 2), 16 addresses each.

Why this shape: 50 ports per network and 8 networks per router are typical
of a tenant; the drop group plus per-group allow-related ACLs is exactly what
Neutron's OVN driver writes, so the ACL and conntrack stages of northd see
the load a real deployment gives them.  At N = 20,000 that is 400 tenant
switches plus the public one, 50 routers, 501 port groups (3,002 ACLs),
200 address sets, 20,451 switch ports and 450 router ports; Debian's
ovn-northd turns it into about 180,000 logical flows.

Why many transactions: `ovsdb-client transact` takes the transaction as one
command-line argument and Linux caps one argument at 128 KiB, so every line
is kept under --max-bytes (default 100,000).  Rows carry their own UUIDs
(the insert operation's "uuid" member, accepted by ovsdb-server 2.13 and
later) so that later transactions can refer to earlier rows; rows of
non-root tables (ports, ACLs, NAT, routes) are inserted in the same
transaction as the row that holds them, or they would be garbage-collected.

Load it with:  while read -r t; do ovsdb-client transact unix:nb.sock "$t"; done <nb.jsonl

--meta FILE writes a JSON summary (row counts, switch and port group names,
free addresses for benchmark ports) that bench/northd-scale/run uses.
The output depends only on --ports, --seed and the layout constants: the
same arguments give byte-identical files.
"""

import argparse
import json
import random
import sys
import uuid

PORTS_PER_SWITCH = 50
SWITCHES_PER_ROUTER = 8
PORTS_PER_SG = 40
PORTS_PER_ADDRESS_SET = 100
ADDRESSES_PER_SET = 16
SG_ACL_COUNT = 6
PUBLIC_NEXTHOP = "172.24.0.1"


def parse_ports(text):
    """parse_ports: the --ports value as a positive integer, or exit 2 with
    an error quoting the bad value."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("'%s' is not an integer" % text)
    if n < 1 or n > 2000000:
        raise argparse.ArgumentTypeError("'%s' is out of range 1..2000000" % text)
    return n


class Gen:
    """Holds the seeded RNG and the transaction being filled."""

    def __init__(self, seed, max_bytes):
        self.rng = random.Random(seed)
        self.max_bytes = max_bytes
        self.txns = []          # finished transactions (lists of ops)
        self.cur = []           # ops of the transaction being filled
        self.cur_bytes = 0
        self.mac_counter = 0

    def new_uuid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def new_mac(self):
        """A unique MAC in Neutron's fa:16:3e OUI."""
        self.mac_counter += 1
        c = self.mac_counter
        assert c < (1 << 24)
        return "fa:16:3e:%02x:%02x:%02x" % ((c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff)

    def group(self, ops):
        """Adds OPS, which must commit together, to the current transaction,
        starting a new one first when they would push it past max_bytes."""
        size = sum(len(json.dumps(op, separators=(",", ":"))) + 1 for op in ops)
        if size + 20 > self.max_bytes:
            sys.exit("gen-topology: one group of %d ops is %d bytes, over --max-bytes %d"
                     % (len(ops), size, self.max_bytes))
        if self.cur and self.cur_bytes + size + 20 > self.max_bytes:
            self.flush()
        self.cur.extend(ops)
        self.cur_bytes += size

    def flush(self):
        if self.cur:
            self.txns.append(self.cur)
        self.cur, self.cur_bytes = [], 0


def uref(u):
    return ["uuid", u]


def oset(items):
    return ["set", list(items)]


def omap(d):
    return ["map", [[k, v] for k, v in sorted(d.items())]]


def insert(table, u, row):
    return {"op": "insert", "table": table, "uuid": u, "row": row}


def subnet_of(sw):
    """Switch SW's /24 inside 10.0.0.0/8 (so at most 65,536 switches)."""
    assert 0 <= sw < 65536
    return "10.%d.%d" % (sw >> 8, sw & 0xff)


def pg_name(u):
    return "pg_" + u.replace("-", "_")


def build(nports, seed, max_bytes):
    g = Gen(seed, max_bytes)
    nsw = (nports + PORTS_PER_SWITCH - 1) // PORTS_PER_SWITCH
    nrt = (nsw + SWITCHES_PER_ROUTER - 1) // SWITCHES_PER_ROUTER
    nsg = max(2, nports // PORTS_PER_SG)
    nas = max(2, nports // PORTS_PER_ADDRESS_SET)
    assert nrt < 60000, "router gateway addresses come from one /16"

    # Identities first, so every later reference is known.
    sw_uuids = [g.new_uuid() for _ in range(nsw)]
    rt_uuids = [g.new_uuid() for _ in range(nrt)]
    sg_uuids = [g.new_uuid() for _ in range(nsg)]
    vif_uuids = [g.new_uuid() for _ in range(nports)]
    # Security-group membership: every VIF in one group, every tenth in two.
    sg_members = [[] for _ in range(nsg)]
    for i in range(nports):
        a = g.rng.randrange(nsg)
        sg_members[a].append(vif_uuids[i])
        if i % 10 == 9:
            b = (a + 1 + g.rng.randrange(nsg - 1)) % nsg
            sg_members[b].append(vif_uuids[i])

    nb_global = g.new_uuid()
    g.group([insert("NB_Global", nb_global, {"nb_cfg": 0})])

    # Switches with their VIFs, DHCP options and the router's port.
    switch_meta = []
    router_lrps = [[] for _ in range(nrt)]   # (lrp uuid, name, mac, network)
    for s in range(nsw):
        net = subnet_of(s)
        r = s // SWITCHES_PER_ROUTER
        ops = []
        dhcp = g.new_uuid()
        server_mac = g.new_mac()
        ops.append(insert("DHCP_Options", dhcp, {
            "cidr": net + ".0/24",
            "options": omap({"lease_time": "43200", "mtu": "1442",
                             "router": net + ".1", "server_id": net + ".1",
                             "server_mac": server_mac, "dns_server": "{10.255.255.53}"}),
            "external_ids": omap({"subnet_id": g.new_uuid()})}))
        ports = []
        first = s * PORTS_PER_SWITCH
        last = min(nports, first + PORTS_PER_SWITCH)
        for k, i in enumerate(range(first, last)):
            u = vif_uuids[i]
            ip = "%s.%d" % (net, 10 + k)
            addr = "%s %s" % (g.new_mac(), ip)
            ops.append(insert("Logical_Switch_Port", u, {
                "name": u,
                "addresses": oset([addr]),
                "port_security": oset([addr]),
                "dhcpv4_options": uref(dhcp),
                "external_ids": omap({"neutron:cidrs": ip + "/24",
                                      "neutron:device_owner": "compute:nova",
                                      "neutron:project_id": "p%d" % r})}))
            ports.append(u)
        # The router's leg on this switch.
        lrp_u = g.new_uuid()
        lrp_name = "lrp-" + lrp_u
        lrp_mac = g.new_mac()
        router_lrps[r].append((lrp_u, lrp_name, lrp_mac, net + ".1/24"))
        rsp = g.new_uuid()
        ops.append(insert("Logical_Switch_Port", rsp, {
            "name": rsp, "type": "router",
            "addresses": oset(["router"]),
            "options": omap({"router-port": lrp_name}),
            "external_ids": omap({"neutron:device_owner": "network:router_interface"})}))
        ports.append(rsp)
        name = "neutron-" + sw_uuids[s]
        ops.append(insert("Logical_Switch", sw_uuids[s], {
            "name": name,
            "ports": oset(uref(p) for p in ports),
            "other_config": omap({"mcast_snoop": "false", "mcast_flood_unregistered": "false",
                                  "vlan-passthru": "false"}),
            "external_ids": omap({"neutron:network_name": "net-%d" % s})}))
        g.group(ops)
        switch_meta.append({"name": name, "uuid": sw_uuids[s], "subnet": net,
                            "dhcp": dhcp, "used": last - first})

    # Routers: legs, gateway port, default route, SNAT per subnet.
    public_ports = []
    for r in range(nrt):
        ops = []
        lrps = []
        for (u, name, mac, network) in router_lrps[r]:
            ops.append(insert("Logical_Router_Port", u, {
                "name": name, "mac": mac, "networks": oset([network])}))
            lrps.append(u)
        gw_u = g.new_uuid()
        gw_name = "lrp-" + gw_u
        k = r + 10
        gw_ip = "172.24.%d.%d" % (k >> 8, k & 0xff)
        gwc = g.new_uuid()
        ops.append(insert("Gateway_Chassis", gwc, {
            "name": gw_name + "_gw1", "chassis_name": "gw1", "priority": 1}))
        ops.append(insert("Logical_Router_Port", gw_u, {
            "name": gw_name, "mac": g.new_mac(), "networks": oset([gw_ip + "/16"]),
            "gateway_chassis": oset([uref(gwc)])}))
        lrps.append(gw_u)
        route = g.new_uuid()
        ops.append(insert("Logical_Router_Static_Route", route, {
            "ip_prefix": "0.0.0.0/0", "nexthop": PUBLIC_NEXTHOP}))
        nats = []
        for (u, name, mac, network) in router_lrps[r]:
            n = g.new_uuid()
            ops.append(insert("NAT", n, {
                "type": "snat", "external_ip": gw_ip,
                "logical_ip": network.rsplit(".", 1)[0] + ".0/24"}))
            nats.append(n)
        ops.append(insert("Logical_Router", rt_uuids[r], {
            "name": "neutron-" + rt_uuids[r],
            "ports": oset(uref(p) for p in lrps),
            "static_routes": oset([uref(route)]),
            "nat": oset(uref(n) for n in nats),
            "options": omap({"always_learn_from_arp_request": "false",
                             "dynamic_neigh_routers": "true"})}))
        g.group(ops)
        public_ports.append(gw_name)

    # The public (provider) network: localnet port plus every gateway's leg.
    ops = []
    pub_ports = []
    ln = g.new_uuid()
    ops.append(insert("Logical_Switch_Port", ln, {
        "name": "provnet-" + ln, "type": "localnet", "addresses": oset(["unknown"]),
        "options": omap({"network_name": "physnet1"})}))
    pub_ports.append(ln)
    for gw_name in public_ports:
        u = g.new_uuid()
        ops.append(insert("Logical_Switch_Port", u, {
            "name": u, "type": "router", "addresses": oset(["router"]),
            "options": omap({"router-port": gw_name}),
            "external_ids": omap({"neutron:device_owner": "network:router_gateway"})}))
        pub_ports.append(u)
    ops.append(insert("Logical_Switch", g.new_uuid(), {
        "name": "neutron-public", "ports": oset(uref(p) for p in pub_ports)}))
    g.group(ops)

    # Address sets.
    as_names = []
    for a in range(nas):
        u = g.new_uuid()
        name = "as_ip4_" + u.replace("-", "_")
        addrs = set()
        while len(addrs) < ADDRESSES_PER_SET - 2:
            addrs.add("192.168.%d.%d" % (g.rng.randrange(256), g.rng.randrange(1, 255)))
        addrs.add("198.51.%d.0/24" % (a & 0xff))
        addrs.add("203.0.113.%d" % (a % 250 + 1))
        g.group([insert("Address_Set", u, {"name": name, "addresses": oset(sorted(addrs))})])
        as_names.append(name)

    # Port groups with ACLs; membership split over several transactions.
    def acl(direction, priority, match, action):
        u = g.new_uuid()
        return u, insert("ACL", u, {
            "direction": direction, "priority": priority, "match": match, "action": action,
            "external_ids": omap({"neutron:security_group_rule_id": g.new_uuid()})})

    def port_group(u, name, acls, members):
        ops = [op for (_, op) in acls]
        chunk = 1200   # ~51 bytes per member: ~61 KB per transaction
        ops.append(insert("Port_Group", u, {
            "name": name, "acls": oset(uref(a) for (a, _) in acls),
            "ports": oset(uref(m) for m in members[:chunk]),
            "external_ids": omap({"neutron:security_group_id": u})}))
        g.group(ops)
        for i in range(chunk, len(members), chunk):
            g.group([{"op": "mutate", "table": "Port_Group", "where": [["_uuid", "==", uref(u)]],
                      "mutations": [["ports", "insert",
                                     oset(uref(m) for m in members[i:i + chunk])]]}])

    drop_u = g.new_uuid()
    port_group(drop_u, "neutron_pg_drop", [
        acl("from-lport", 1001, "inport == @neutron_pg_drop && ip", "drop"),
        acl("to-lport", 1001, "outport == @neutron_pg_drop && ip", "drop")], vif_uuids)
    sg_names = []
    for s in range(nsg):
        name = pg_name(sg_uuids[s])
        ssh_from = as_names[g.rng.randrange(nas)]
        lo = 8000 + g.rng.randrange(100)
        acls = [
            acl("from-lport", 1002, "inport == @%s && ip4" % name, "allow-related"),
            acl("from-lport", 1002, "inport == @%s && ip6" % name, "allow-related"),
            acl("to-lport", 1002, "outport == @%s && ip4 && ip4.src == $%s_ip4" % (name, name),
                "allow-related"),
            acl("to-lport", 1002, "outport == @%s && ip4 && ip4.src == $%s && tcp && tcp.dst == 22"
                % (name, ssh_from), "allow-related"),
            acl("to-lport", 1002, "outport == @%s && ip4 && icmp4" % name, "allow-related"),
            acl("to-lport", 1002, "outport == @%s && ip4 && tcp && tcp.dst >= %d && tcp.dst <= %d"
                % (name, lo, lo + 80), "allow-related"),
        ]
        assert len(acls) == SG_ACL_COUNT
        port_group(sg_uuids[s], name, acls, sg_members[s])
        sg_names.append(name)
    g.flush()

    meta = {
        "ports": nports, "seed": seed,
        "switches": nsw + 1, "routers": nrt, "port_groups": nsg + 1,
        "acls": nsg * SG_ACL_COUNT + 2, "address_sets": nas,
        "switch_ports": nports + nsw + 1 + nrt,    # VIFs + router legs + public
        "router_ports": nsw + nrt,
        "transactions": len(g.txns),
        "nb_global": nb_global,
        "tenant_switches": switch_meta,
        "security_groups": sg_names,
        "drop_group": "neutron_pg_drop",
    }
    return g.txns, meta


def main():
    ap = argparse.ArgumentParser(description="Write a large OVN NB topology as OVSDB transactions.")
    ap.add_argument("--ports", type=parse_ports, required=True, help="number of VIF ports")
    ap.add_argument("--seed", type=int, default=1, help="RNG seed (default 1)")
    ap.add_argument("--out", default="-", help="output file, one transaction per line (default stdout)")
    ap.add_argument("--meta", help="also write a JSON summary here")
    ap.add_argument("--max-bytes", type=int, default=100000,
                    help="largest transaction line (default 100000; ovsdb-client's argv limit is 131072)")
    args = ap.parse_args()

    txns, meta = build(args.ports, args.seed, args.max_bytes)
    out = sys.stdout if args.out == "-" else open(args.out, "w")
    try:
        for ops in txns:
            line = json.dumps(["OVN_Northbound"] + ops, separators=(",", ":"))
            assert len(line) < 131072, "transaction line over the argv limit"
            out.write(line + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    if args.meta:
        with open(args.meta, "w") as f:
            json.dump(meta, f, indent=1, sort_keys=True)
            f.write("\n")
    print("gen-topology: %d VIFs, %d switches, %d routers, %d port groups, %d ACLs, "
          "%d address sets in %d transactions"
          % (args.ports, meta["switches"], meta["routers"], meta["port_groups"], meta["acls"],
             meta["address_sets"], meta["transactions"]), file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""python3-ovsdbapp (the library Neutron's OVN driver uses) against an NB
database created from Loom's schema: build a topology through
OvnNbApiIdlImpl, read it back through ovsdbapp, through loom-nbctl and through
Debian's ovn-nbctl; then change it with loom-nbctl and watch ovsdbapp's
replica see the change."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get("LOOM_SRC", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")), "tests", "lib"))
from sandbox import Sandbox, LOOM_BUILD, SKIP  # noqa: E402

try:
    from ovsdbapp.backend.ovs_idl import connection, idlutils
    from ovsdbapp.schema.ovn_northbound import impl_idl
except ImportError as e:
    print("SKIP: python3-ovsdbapp not importable: %s" % e)
    sys.exit(SKIP)

LNBCTL = os.path.join(LOOM_BUILD, "bin", "loom-nbctl")
if not os.access(LNBCTL, os.X_OK):
    print("SKIP: loom-nbctl not built in %s" % LOOM_BUILD)
    sys.exit(SKIP)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)
    print("ok: " + msg)


def run(argv):
    r = subprocess.run(argv, capture_output=True, text=True)
    if r.returncode:
        fail("%s exited %d: %s" % (" ".join(argv), r.returncode, r.stderr))
    return r.stdout


def main():
    with Sandbox("ctl-ovsdbapp") as sb:
        schema = sb.schema("nb")
        print("schema: " + schema)
        remote = sb.start_ovsdb("nb", schema)
        loom = [LNBCTL, "--db=" + remote]
        deb = ["ovn-nbctl", "--db=" + remote]
        run(loom + ["init"])

        helper = idlutils.get_schema_helper(remote, "OVN_Northbound")
        helper.register_all()
        idl = connection.OvsdbIdl(remote, helper)
        conn = connection.Connection(idl, timeout=10)
        api = impl_idl.OvnNbApiIdlImpl(conn)
        try:
            with api.transaction(check_error=True) as txn:
                txn.add(api.ls_add("net1"))
                txn.add(api.ls_add("net2"))
            with api.transaction(check_error=True) as txn:
                txn.add(api.lsp_add("net1", "vm1"))
                txn.add(api.lsp_add("net1", "vm2"))
                txn.add(api.lsp_add("net2", "vm3"))
            with api.transaction(check_error=True) as txn:
                txn.add(api.lsp_set_addresses(
                    "vm1", ["fa:16:3e:00:00:01 10.1.0.11"]))
                txn.add(api.lsp_set_port_security(
                    "vm1", ["fa:16:3e:00:00:01 10.1.0.11"]))
                txn.add(api.lsp_set_addresses(
                    "vm2", ["fa:16:3e:00:00:02 10.1.0.12"]))
                txn.add(api.lsp_set_addresses(
                    "vm3", ["fa:16:3e:00:00:03 10.2.0.13"]))
                txn.add(api.lr_add("router1"))
            with api.transaction(check_error=True) as txn:
                txn.add(api.lrp_add("router1", "rp1", "fa:16:3e:00:01:01",
                                    ["10.1.0.1/24"]))
                txn.add(api.lrp_add("router1", "rp2", "fa:16:3e:00:01:02",
                                    ["10.2.0.1/24"]))
                txn.add(api.lr_route_add("router1", "0.0.0.0/0", "10.2.0.254"))
                txn.add(api.pg_add("pg_sg1"))
                txn.add(api.address_set_add("as_sg1",
                                            ["10.1.0.11", "10.1.0.12"]))
            # pg_add_ports takes port uuids (or rows), not names.
            vm_uuids = [api.lookup("Logical_Switch_Port", n).uuid
                        for n in ("vm1", "vm2")]
            with api.transaction(check_error=True) as txn:
                txn.add(api.pg_add_ports("pg_sg1", vm_uuids))
                txn.add(api.pg_acl_add("pg_sg1", "to-lport", 1002,
                                       "outport == @pg_sg1 && ip4 && "
                                       "ip4.src == $as_sg1", "allow-related"))
                txn.add(api.pg_acl_add("pg_sg1", "from-lport", 1001,
                                       "inport == @pg_sg1 && ip4",
                                       "allow-related"))

            # Read back through ovsdbapp itself.
            ls = api.ls_get("net1").execute(check_error=True)
            names = sorted(p.name for p in ls.ports)
            check(names == ["vm1", "vm2"], "ovsdbapp reads back net1's ports")
            check(api.lsp_get_addresses("vm1").execute(check_error=True)
                  == ["fa:16:3e:00:00:01 10.1.0.11"],
                  "ovsdbapp reads back vm1's addresses")
            routes = api.lr_route_list("router1").execute(check_error=True)
            check([r.ip_prefix for r in routes] == ["0.0.0.0/0"],
                  "ovsdbapp reads back the static route")
            pg = api.pg_get("pg_sg1").execute(check_error=True)
            print("pg_sg1: %d acls, %d ports" % (len(pg.acls), len(pg.ports)))
            check(len(pg.acls) == 2 and len(pg.ports) == 2,
                  "ovsdbapp reads back the port group's ACLs and ports")
            aset = api.address_set_get("as_sg1").execute(check_error=True)
            check(sorted(aset.addresses) == ["10.1.0.11", "10.1.0.12"],
                  "ovsdbapp reads back the address set")

            # loom-nbctl and ovn-nbctl see the same topology.
            for args in (["lsp-list", "net1"], ["acl-list", "pg_sg1"],
                         ["lr-route-list", "router1"], ["lrp-list", "router1"],
                         ["show", "net1"], ["show", "router1"],
                         ["get", "Address_Set", "as_sg1", "addresses"]):
                a, b = run(loom + args), run(deb + args)
                if a != b:
                    fail("loom-nbctl and ovn-nbctl differ on %s:\n%s---\n%s"
                         % (" ".join(args), a, b))
                print("ok: same output for " + " ".join(args))
            check("fa:16:3e:00:00:01 10.1.0.11" in run(loom + ["show"]),
                  "loom-nbctl show lists vm1's addresses")

            # A change made by loom-nbctl reaches ovsdbapp's replica.
            run(loom + ["lsp-add", "net2", "vm4", "--",
                        "lsp-set-addresses", "vm4", "fa:16:3e:00:00:04 10.2.0.14",
                        "--", "pg-set-ports", "pg_sg1", "vm1", "vm4"])
            deadline = time.time() + 10
            while time.time() < deadline:
                ports = api.lsp_list("net2").execute(check_error=True)
                if "vm4" in [p.name for p in ports]:
                    break
                time.sleep(0.1)
            else:
                fail("ovsdbapp never saw vm4 added by loom-nbctl")
            print("ok: ovsdbapp sees vm4 added by loom-nbctl")
            pg = api.pg_get("pg_sg1").execute(check_error=True)
            check(sorted(p.name for p in pg.ports) == ["vm1", "vm4"],
                  "ovsdbapp sees pg-set-ports by loom-nbctl")
        finally:
            conn.stop()
    print("PASS")


if __name__ == "__main__":
    main()

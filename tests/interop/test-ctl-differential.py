#!/usr/bin/python3
"""Differential test: the same random sequence of ovn-nbctl commands (a fixed
seed, so every run is the same) is applied with loom-nbctl to one NB database
and with Debian's ovn-nbctl to another.  Each command must succeed or fail
alike, and after the sequence both databases must list the same topology
(switches, ports and their addresses, routers, ports, routes, NATs, ACLs,
port groups), compared without UUIDs, which differ between the two."""
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.join(os.environ.get("LOOM_SRC", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")), "tests", "lib"))
from sandbox import Sandbox, LOOM_BUILD, SKIP  # noqa: E402

LNBCTL = os.path.join(LOOM_BUILD, "bin", "loom-nbctl")
if not os.access(LNBCTL, os.X_OK):
    print("SKIP: loom-nbctl not built in %s" % LOOM_BUILD)
    sys.exit(SKIP)

SEED = int(os.environ.get("CTL_DIFF_SEED", "1234"))
STEPS = int(os.environ.get("CTL_DIFF_STEPS", "300"))


def gen(rng, n):
    """Yields N commands (argument lists) over a small name space, so that
    duplicates, missing names and deletions of used things happen often."""
    sw = ["s%d" % i for i in range(4)]
    rt = ["r%d" % i for i in range(3)]
    lsp = ["p%d" % i for i in range(8)]
    lrp = ["rp%d" % i for i in range(5)]
    pg = ["pg%d" % i for i in range(3)]
    for _ in range(n):
        k = rng.randrange(42)
        mac = "00:00:00:00:%02x:%02x" % (rng.randrange(4), rng.randrange(256))
        ip = "10.%d.%d.%d" % (rng.randrange(3), rng.randrange(3),
                              rng.randrange(1, 250))
        may = ["--may-exist"] if rng.random() < 0.3 else []
        ife = ["--if-exists"] if rng.random() < 0.3 else []
        if k == 0:
            yield may + ["ls-add", rng.choice(sw)]
        elif k == 1:
            yield ife + ["ls-del", rng.choice(sw)]
        elif k in (2, 3):
            yield may + ["lsp-add", rng.choice(sw), rng.choice(lsp)]
        elif k == 4:
            yield ife + ["lsp-del", rng.choice(lsp)]
        elif k == 5:
            yield ["lsp-set-addresses", rng.choice(lsp), "%s %s" % (mac, ip)]
        elif k == 6:
            yield ["lsp-set-port-security", rng.choice(lsp), "%s %s" % (mac, ip)]
        elif k == 7:
            yield ["lsp-set-type", rng.choice(lsp),
                   rng.choice(["", "router", "localnet", "localport"])]
        elif k == 8:
            yield ["lsp-set-options", rng.choice(lsp), "a=%d" % rng.randrange(3)]
        elif k == 9:
            yield ["lsp-set-enabled", rng.choice(lsp),
                   rng.choice(["enabled", "disabled"])]
        elif k == 10:
            yield may + ["lr-add", rng.choice(rt)]
        elif k == 11:
            yield ife + ["lr-del", rng.choice(rt)]
        elif k == 12:
            yield may + ["lrp-add", rng.choice(rt), rng.choice(lrp), mac,
                         "%s/24" % ip]
        elif k == 13:
            yield ife + ["lrp-del", rng.choice(lrp)]
        elif k == 14:
            yield may + ["lr-route-add", rng.choice(rt),
                         "192.168.%d.0/24" % rng.randrange(4), ip]
        elif k == 15:
            yield ["lr-route-del", rng.choice(rt)] + (
                ["192.168.%d.0/24" % rng.randrange(4)] if rng.random() < 0.7
                else [])
        elif k == 16:
            yield may + ["lr-nat-add", rng.choice(rt), "snat",
                         "172.16.0.%d" % rng.randrange(1, 4),
                         "10.%d.0.0/16" % rng.randrange(3)]
        elif k == 17:
            yield ["lr-nat-del", rng.choice(rt)] + (["snat"] if rng.random() < 0.5 else [])
        elif k == 18:
            yield ["pg-add", rng.choice(pg)] + rng.sample(lsp, rng.randrange(3))
        elif k == 19:
            yield ["pg-del", rng.choice(pg)]
        elif k == 20:
            yield may + ["acl-add", rng.choice(sw + pg),
                         rng.choice(["from-lport", "to-lport"]),
                         str(rng.choice([100, 200, 1000])),
                         rng.choice(["ip4", "ip6", "tcp.dst == 80"]),
                         rng.choice(["allow", "drop", "allow-related"])]
        elif k == 21:
            yield ["acl-del", rng.choice(sw + pg)] + (
                [rng.choice(["from-lport", "to-lport"])] if rng.random() < 0.5 else [])
        elif k == 22:
            yield may + ["lb-add", rng.choice(["lb0", "lb1"]),
                         "30.0.0.%d:80" % rng.randrange(1, 4),
                         "%s:8080" % ip] + ([rng.choice(["tcp", "udp"])]
                                            if rng.random() < 0.5 else [])
        elif k == 23:
            yield ife + ["lb-del", rng.choice(["lb0", "lb1"])] + (
                ["30.0.0.%d:80" % rng.randrange(1, 4)] if rng.random() < 0.5 else [])
        elif k == 24:
            yield may + ["ls-lb-add", rng.choice(sw), rng.choice(["lb0", "lb1"])]
        elif k == 25:
            yield may + ["lr-policy-add", rng.choice(rt),
                         str(rng.choice([10, 20])),
                         rng.choice(["ip4", "ip4.src == 10.0.0.0/8"]),
                         rng.choice(["allow", "drop"])]
        elif k == 26:
            yield ["lr-policy-del", rng.choice(rt)] + (
                [str(rng.choice([10, 20]))] if rng.random() < 0.5 else [])
        elif k == 27:
            yield may + ["qos-add", rng.choice(sw), "from-lport",
                         str(rng.choice([10, 20])), rng.choice(["ip4", "ip6"]),
                         "rate=%d" % rng.randrange(1, 1000)]
        elif k == 28:
            yield may + ["lr-nat-add", rng.choice(rt),
                         rng.choice(["dnat", "dnat_and_snat"]),
                         "172.17.0.%d" % rng.randrange(1, 4), ip]
        elif k == 29:
            yield ["pg-set-ports", rng.choice(pg)] + rng.sample(lsp, rng.randrange(1, 3))
        elif k == 30:
            yield may + ["lsp-add", rng.choice(sw), rng.choice(lsp),
                         rng.choice(lsp), str(rng.randrange(1, 5))]
        elif k == 31:
            yield ["--ecmp"] + ["lr-route-add", rng.choice(rt),
                                "192.168.%d.0/24" % rng.randrange(4), ip]
        elif k == 32:
            yield ["lsp-set-addresses", rng.choice(lsp)] + rng.sample(
                ["router", "unknown", "dynamic", "%s %s" % (mac, ip),
                 "%s %s fd00::%x" % (mac, ip, rng.randrange(1, 99))],
                rng.randrange(0, 3))
        elif k == 33:
            yield (["--log", "--severity=" + rng.choice(["info", "alert"]),
                    "--name=n%d" % rng.randrange(3)] if rng.random() < 0.5
                   else []) + may + [
                "acl-add", rng.choice(sw), rng.choice(["from-lport", "to-lport"]),
                str(rng.choice([300, 400])), "ip4.src == %s" % ip,
                rng.choice(["drop", "reject", "allow-stateless"])]
        elif k == 34:
            yield ["--policy=src-ip", "lr-route-add", rng.choice(rt),
                   "10.%d.0.0/16" % rng.randrange(3), ip]
        elif k == 35:
            yield ife + ["lr-route-del", rng.choice(rt),
                         "192.168.%d.0/24" % rng.randrange(4), ip]
        elif k == 36:
            yield ife + ["lr-nat-del", rng.choice(rt), "snat",
                         "10.%d.0.0/16" % rng.randrange(3)]
        elif k == 37:
            yield ["set", "Logical_Switch", rng.choice(sw),
                   "external_ids:k%d=v%d" % (rng.randrange(3), rng.randrange(3))]
        elif k == 38:
            yield ["remove", "Logical_Switch", rng.choice(sw), "external_ids",
                   "k%d" % rng.randrange(3)]
        elif k == 39:
            yield may + ["lrp-add", rng.choice(rt), rng.choice(lrp), mac,
                         "%s/24" % ip, "peer=" + rng.choice(lrp)]
        elif k == 40:
            yield ["ls-add", rng.choice(sw), "--", "lsp-add", rng.choice(sw),
                   rng.choice(lsp)]
        else:
            yield ["lsp-del", rng.choice(lsp), "--", "lsp-add",
                   rng.choice(sw), rng.choice(lsp)]


def strip_uuids(text):
    """Drops the UUID column of "UUID (NAME)" list lines."""
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and len(parts[0]) == 36 and parts[1].startswith("("):
            out.append(parts[1])
        else:
            out.append(line)
    return "\n".join(out)


def no_uuid_col(text):
    """Drops lb-list's UUID column (the first 40 characters)."""
    return "\n".join(line[40:] for line in text.splitlines())


def snapshot(tool):
    """Everything the two databases must agree on, without UUIDs."""
    def run(*args):
        r = subprocess.run(tool + list(args), capture_output=True, text=True)
        return r.stdout if r.returncode == 0 else "ERR"
    snap = ["ls-list:\n" + strip_uuids(run("ls-list"))]
    snap.append("lr-list:\n" + strip_uuids(run("lr-list")))
    for line in run("ls-list").splitlines():
        name = line.split()[1].strip("()")
        snap.append("lsp-list %s:\n%s" % (name, strip_uuids(run("lsp-list", name))))
        snap.append("acl-list %s:\n%s" % (name, run("--type=switch", "acl-list", name)))
        snap.append("qos-list %s:\n%s" % (name, run("qos-list", name)))
        snap.append("ls-lb-list %s:\n%s" % (name, no_uuid_col(run("ls-lb-list", name))))
    for line in run("lr-list").splitlines():
        name = line.split()[1].strip("()")
        snap.append("lrp-list %s:\n%s" % (name, strip_uuids(run("lrp-list", name))))
        snap.append("routes %s:\n%s" % (name, run("lr-route-list", name)))
        snap.append("nats %s:\n%s" % (name, run("lr-nat-list", name)))
        snap.append("policies %s:\n%s" % (name, run("lr-policy-list", name)))
    rows = run("--format=csv", "--no-headings",
               "--columns=name,addresses,port_security,type,options,enabled",
               "list", "Logical_Switch_Port")
    snap.append("ports:\n" + "\n".join(sorted(rows.splitlines())))
    snap.append("lb-list:\n" + no_uuid_col(run("lb-list")))
    rows = run("--format=csv", "--no-headings", "--columns=name,external_ids",
               "list", "Logical_Switch")
    snap.append("switch ids:\n" + "\n".join(sorted(rows.splitlines())))
    rows = run("--format=csv", "--no-headings",
               "--columns=name,mac,networks,peer", "list",
               "Logical_Router_Port")
    snap.append("router ports:\n" + "\n".join(sorted(rows.splitlines())))
    rows = run("--format=csv", "--no-headings",
               "--columns=name,parent_name,tag_request", "list",
               "Logical_Switch_Port")
    snap.append("parents:\n" + "\n".join(sorted(rows.splitlines())))
    rows = run("--bare", "--columns=name", "list", "Port_Group")
    for name in sorted(rows.split()):
        snap.append("pg %s:\n%s" % (name, run("--type=port-group", "acl-list", name)))
    return "\n".join(snap)


def main():
    with Sandbox("ctl-diff") as sb:
        dbs = [sb.start_ovsdb("nbL", sb.schema("nb")),
               sb.start_ovsdb("nbD", sb.schema("nb"))]
        loom = [LNBCTL, "--db=" + dbs[0]]
        deb = ["ovn-nbctl", "--db=" + dbs[1]]
        for tool in (loom, deb):
            subprocess.run(tool + ["init"], check=True)
        rng = random.Random(SEED)
        mismatches = 0
        n_ok = 0
        for i, cmd in enumerate(gen(rng, STEPS)):
            rl = subprocess.run(loom + cmd, capture_output=True, text=True)
            rd = subprocess.run(deb + cmd, capture_output=True, text=True)
            if (rl.returncode == 0) != (rd.returncode == 0):
                mismatches += 1
                print("step %d: %s\n  loom-nbctl exit %d: %s\n  ovn-nbctl exit %d: %s"
                      % (i, " ".join(cmd), rl.returncode, rl.stderr.strip(),
                         rd.returncode, rd.stderr.strip()))
                if mismatches >= 5:
                    break
            n_ok += rl.returncode == 0
        if mismatches:
            print("FAIL: %d command(s) succeeded with one tool and failed "
                  "with the other" % mismatches)
            sys.exit(1)
        a, b = snapshot(loom), snapshot(deb)
        if a != b:
            import difflib
            print("\n".join(difflib.unified_diff(a.splitlines(), b.splitlines(),
                                                 "loom-nbctl's DB", "ovn-nbctl's DB",
                                                 lineterm="")))
            print("FAIL: the two databases differ after %d steps" % STEPS)
            sys.exit(1)
        print("%d steps (%d succeeded), both databases list the same" % (STEPS, n_ok))
    print("PASS")


if __name__ == "__main__":
    main()

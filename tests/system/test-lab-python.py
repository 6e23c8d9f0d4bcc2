#!/usr/bin/python3
"""test-lab-python: the Python flavour of the lab (tests/lib/lab.py) on
Debian's OVN: two chassis, one switch, ping and TCP across them, Geneve on
the underlay, LabError on bad input, and nothing left behind after close()."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.environ.get(
    "LOOM_SRC", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")),
    "tests", "lib"))
from lab import Lab, LabError  # noqa: E402

FAILS = []


def check(desc, ok, detail=""):
    print("  %s  %s%s" % ("PASS" if ok else "FAIL", desc, " (%s)" % detail if detail else ""))
    if not ok:
        FAILS.append(desc)


def main():
    if os.geteuid() != 0:
        print("SKIP: the lab needs root")
        return 77
    for prog in ("ovn-northd", "ovn-controller", "ovs-vswitchd", "ethtool", "nc", "tcpdump"):
        if subprocess.run(["sh", "-c", "command -v " + prog], stdout=subprocess.DEVNULL).returncode:
            print("SKIP: %s is not installed" % prog)
            return 77
    with Lab("lab-py", northd="ovn", controller="ovn", nbctl="ovn", sbctl="ovn") as lab:
        run_dir, nsp = lab.dir, os.path.basename(lab.dir)[len("loom-"):]
        try:
            lab.start_central()
            lab.add_chassis("hv1", "192.0.2.1")
            lab.add_chassis("hv2", "192.0.2.2")
            lab.wait_chassis()
            lab.nbctl("ls-add", "ls1",
                      "--", "lsp-add", "ls1", "p1", "--", "lsp-set-addresses", "p1", "0a:00:00:00:00:01 10.0.0.1",
                      "--", "lsp-add", "ls1", "p2", "--", "lsp-set-addresses", "p2", "0a:00:00:00:00:02 10.0.0.2")
            lab.add_vm("hv1", "vm1", "p1", "0a:00:00:00:00:01", "10.0.0.1/24")
            lab.add_vm("hv2", "vm2", "p2", "0a:00:00:00:00:02", "10.0.0.2/24")
            lab.wait_port_up("p1")
            lab.wait_port_up("p2")
            ms = lab.wait_ping("vm1", "10.0.0.2")
            check("first ping vm1 -> vm2 answered", ms >= 0, "%d ms" % ms)
            n = lab.ping("vm2", "10.0.0.1", 3)
            check("ping vm2 -> vm1", n == 3, "%d/3" % n)
            n = lab.ping("vm1", "10.0.0.99", 2)
            check("no reply from an unused address", n == 0, "%d/2" % n)
            check("TCP vm1 -> vm2:7000", lab.tcp("vm1", "10.0.0.2", 7000))
            check("TCP to a closed port fails", not lab.tcp("vm1", "10.0.0.77", 7000, 1))
            n = lab.capture("hv2", "udp dst port 6081", lab.ping, "vm1", "10.0.0.2", 3)
            check("Geneve on hv2's underlay", n >= 3, "%d packets" % n)
            try:
                lab.add_vm("hv1", "vm3", "p3", "zz:00:00:00:00:03", "10.0.0.3/24")
                check("bad MAC refused", False)
            except LabError as e:
                check("bad MAC refused with the value quoted", "zz:00:00:00:00:03" in str(e), str(e))
            chassis = lab.sbctl("--bare", "--columns=name", "list", "Chassis").split()
            check("SB lists both chassis", sorted(chassis) == ["hv1", "hv2"], " ".join(chassis))
            check("nb_remote names the lab's NB socket",
                  lab.nb_remote == "unix:%s/central/nb.sock" % run_dir, lab.nb_remote)
            lab.stop("hv2/controller", kill=True)
            lab.start("hv2/controller")
            ms = lab.wait_ping("vm1", "10.0.0.2")
            check("traffic after hv2's controller was killed and restarted", ms >= 0, "%d ms" % ms)
        except LabError as e:
            check("lab operation", False, str(e))
            print(lab.dump_logs())
    left = subprocess.run(["ip", "netns", "list"], stdout=subprocess.PIPE,
                          universal_newlines=True).stdout
    left_ns = [l.split()[0] for l in left.splitlines() if l.startswith(nsp + "-")]
    check("close() removed the namespaces", not left_ns, " ".join(left_ns))
    check("close() removed the run directory", not os.path.exists(run_dir), run_dir)
    if FAILS:
        print("FAILED: %d check(s)" % len(FAILS))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""lab.py: the multi-chassis lab of tests/lib/lab.sh, driven from Python.

Design: the shell library stays the one implementation.  A Lab object owns
a run directory /tmp/loom-PREFIX-XXXX made as a *persistent* lab (the
daemons outlive each bash call); every method runs one short bash that
sources lab.sh, re-attaches to the run directory (lab_attach reads
state.sh) and calls one lab_* function.  A call costs one bash start-up
(~5 ms), small next to what the calls do.  Cleanup happens in close(), on
leaving a `with` block, and at interpreter exit; a run whose Python process
died by SIGKILL is reaped by the next Lab (or lab_init) with the same
prefix, through the owner file written here.

Use from tests run by /usr/bin/python3:

    sys.path.insert(0, os.path.join(os.environ["LOOM_SRC"], "tests", "lib"))
    from lab import Lab, LabError
    with Lab("my-test") as lab:          # northd="loom" etc. swap in Loom
        lab.start_central()
        lab.add_chassis("hv1", "192.0.2.1")
        lab.nbctl("ls-add", "ls1")
        ...
        assert lab.ping("vm1", "10.0.0.2") > 0

Each method raises LabError carrying lab.sh's one-line reason when the
underlying function fails; predicates (ping, tcp) return values instead.
"""

import atexit
import os
import random
import string
import subprocess
import time

LIB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lab.sh")


class LabError(Exception):
    """A lab.sh function failed; str() is its error output."""


def _starttime(pid):
    """Start time of PID in clock ticks since boot (field 22 of its stat)."""
    with open("/proc/%d/stat" % pid) as f:
        stat = f.read()
    return stat[stat.rindex(")") + 2:].split()[19]


class Lab:
    """One lab run.  northd/controller/nbctl/sbctl: "ovn" or "loom"
    (None: take LAB_* from the environment, default ovn)."""

    def __init__(self, prefix, northd=None, controller=None, nbctl=None,
                 sbctl=None, northds=None, db_cluster=None, verbose=False):
        """northds: number of northds (LAB_NORTHDS, one active); db_cluster:
        Raft cluster size for NB and SB (LAB_DB_CLUSTER, 0 standalone)."""
        self.env = dict(os.environ)
        for knob, val in (("LAB_NORTHD", northd), ("LAB_CONTROLLER", controller),
                          ("LAB_NBCTL", nbctl), ("LAB_SBCTL", sbctl),
                          ("LAB_NORTHDS", northds), ("LAB_DB_CLUSTER", db_cluster)):
            if val is not None:
                self.env[knob] = str(val)
        if verbose:
            self.env["LAB_VERBOSE"] = "1"
        self.env.setdefault("LOOM_SRC", os.path.dirname(os.path.dirname(os.path.dirname(LIB))))
        self.dir = None
        self._bash("lab__reap_stale " + _q(prefix), attach=False)
        for _ in range(100):
            suffix = "".join(random.choice(string.ascii_lowercase + string.digits)
                             for _ in range(4))
            d = "/tmp/loom-%s-%s" % (prefix, suffix)
            if not os.path.exists(d):
                break
        else:
            raise LabError("no free run directory for prefix %r" % prefix)
        env = dict(self.env, LAB_DIR=d, LAB_PERSIST="1")
        self._bash("lab_init %s" % _q("%s-%s" % (prefix, suffix)), attach=False, env=env)
        self.dir = d
        with open(os.path.join(d, "owner"), "w") as f:
            f.write("%d %s\n" % (os.getpid(), _starttime(os.getpid())))
        atexit.register(self.close)

    # -- plumbing ---------------------------------------------------------
    def _bash(self, script, attach=True, env=None):
        """Runs SCRIPT after sourcing lab.sh (and attaching to the run);
        returns its stdout stripped; raises LabError on failure."""
        pre = "set -eu; source %s; " % _q(LIB)
        if attach:
            if self.dir is None:
                raise LabError("the lab is closed")
            pre += "lab_attach %s; " % _q(self.dir)
        p = subprocess.run(["bash", "-c", pre + script], env=env or self.env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True)
        if p.returncode != 0:
            raise LabError((p.stderr.strip() or p.stdout.strip()
                            or "%s: exit %d" % (script, p.returncode)))
        return p.stdout.strip()

    def call(self, fn, *args):
        """Runs lab.sh function FN with ARGS; returns its stdout."""
        return self._bash(" ".join([fn] + [_q(str(a)) for a in args]))

    # -- life cycle ---------------------------------------------------------
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        """Stops every daemon, deletes the namespaces and the run directory
        (lab_cleanup).  Idempotent."""
        if self.dir is not None and os.path.isdir(self.dir):
            try:
                self._bash("lab_cleanup")
            finally:
                self.dir = None
        self.dir = None

    def dump_logs(self, lines=8):
        """Warnings, errors and tails of every daemon log, as one string."""
        return self.call("lab_dump_logs", lines)

    # -- building -----------------------------------------------------------
    @property
    def nb_remote(self):
        """The NB database's remote(s), e.g. for ovsdbapp (a comma-separated
        list with db_cluster)."""
        return self._bash('echo "$LAB_NB_REMOTE"')

    @property
    def sb_remote(self):
        return self._bash('echo "$LAB_SB_REMOTE"')

    def db_leader(self, db):
        """The Raft leader member ("nb2", ...) of "nb" or "sb" (db_cluster)."""
        return self.call("lab_db_leader", db)

    def stop(self, what, kill=False):
        """Stops one daemon: northd[N], nb, sb, nbI, sbI, CHASSIS/controller,
        CHASSIS/vswitchd, CHASSIS/ovsdb-server; kill=True sends SIGKILL."""
        self.call("lab_stop", what, *(["--kill"] if kill else []))

    def start(self, what):
        self.call("lab_start", what)

    def start_central(self):
        self.call("lab_start_central")

    def add_chassis(self, name, ip, encap="geneve"):
        self.call("lab_add_chassis", name, ip, "encap=" + encap)

    def wait_chassis(self, seconds=20):
        self.call("lab_wait_chassis", seconds)

    def add_vm(self, chassis, vm, lsp, mac, cidr, gateway=None, cidr6=None, gateway6=None):
        """A VM namespace plugged into CHASSIS's br-int as LSP; IPv6 only
        when CIDR6 is given."""
        args = [chassis, vm, lsp, mac, cidr, gateway or ""]
        if cidr6:
            args += [cidr6] + ([gateway6] if gateway6 else [])
        self.call("lab_add_vm", *args)

    def add_external(self, chassis, name, mac, cidr, gateway=None, physnet=None):
        """A host outside the overlay on CHASSIS's provider bridge
        br-PHYSNET (default "public"), reached through a localnet port."""
        args = [chassis, name, mac, cidr, gateway or ""] + ([physnet] if physnet else [])
        self.call("lab_add_external", *args)

    def connect_physnet(self, chassis, physnet="public"):
        """Wires CHASSIS's br-PHYSNET to the shared physical network
        PHYSNET (capture on it as "pn-PHYSNET")."""
        self.call("lab_connect_physnet", chassis, physnet)

    def set_encap(self, chassis, encap):
        self.call("lab_set_encap", chassis, encap)

    def nbctl(self, *args):
        return self.call("lab_nbctl", *args)

    def sbctl(self, *args):
        return self.call("lab_sbctl", *args)

    def vsctl(self, chassis, *args):
        return self.call("lab_vsctl", chassis, *args)

    def appctl(self, chassis, *args):
        return self.call("lab_appctl", chassis, *args)

    def sync(self, seconds=30):
        self.call("lab_sync", seconds)

    def wait_port_up(self, lsp, seconds=30):
        self.call("lab_wait_port_up", lsp, seconds)

    def exec(self, name, *cmd):
        """Runs CMD in the namespace of chassis/VM NAME; returns stdout."""
        return self.call("lab_exec", name, *cmd)

    # -- traffic --------------------------------------------------------------
    def ping(self, vm, ip, count=3):
        """Number of echo replies VM got from IP out of COUNT."""
        try:
            out = self.call("lab_ping", vm, ip, count)
        except LabError as e:
            out = str(e)
        head = out.split("/")[0].strip()
        return int(head) if head.isdigit() else 0

    def wait_ping(self, vm, ip, seconds=20):
        """Milliseconds until the first reply; raises LabError if none."""
        out = self.call("lab_wait_ping", vm, ip, seconds)
        return int(out.split()[2])

    def tcp(self, vm, ip, port, seconds=3, listener=None):
        """True if a TCP connection from VM to IP:PORT carried a token (the
        listener runs in the VM owning IP, or in LISTENER)."""
        try:
            return self.call("lab_tcp", vm, ip, port, seconds,
                             *([listener] if listener else [])) == "ok"
        except LabError:
            return False

    def capture_start(self, chassis, pcap_filter):
        self.call("lab_capture_start", chassis, pcap_filter)

    def capture_stop(self, chassis):
        """Stops the capture; returns the number of matching packets."""
        return int(self.call("lab_capture_stop", chassis) or 0)

    def capture_text(self, chassis):
        """The decoded packets of CHASSIS's last capture (more detail when
        the Lab's env has LAB_TCPDUMP_FLAGS, e.g. "-e -vvv")."""
        return self.call("lab_capture_text", chassis)

    def capture(self, chassis, pcap_filter, fn, *args):
        """Packets matching PCAP_FILTER on CHASSIS's underlay while
        FN(*ARGS) runs (FN's exceptions propagate after the capture stops)."""
        self.capture_start(chassis, pcap_filter)
        try:
            fn(*args)
        finally:
            time.sleep(0.1)     # let the last packets reach tcpdump
            n = self.capture_stop(chassis)
        return n


def _q(s):
    """Quotes S for bash."""
    return "'" + s.replace("'", "'\\''") + "'"

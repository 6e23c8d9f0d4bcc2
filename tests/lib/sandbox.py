"""sandbox.py: real ovsdb-server / ovs-vswitchd instances for one Python test.

    import sys, os; sys.path.insert(0, os.path.join(os.environ["LOOM_SRC"], "tests/lib"))
    from sandbox import Sandbox
    with Sandbox("mytest") as sb:
        nb = sb.start_ovsdb("nb", sb.schema("nb"))      # -> "unix:/tmp/loom-mytest-XXXX/nb/db.sock"
        sb.run(["ovn-nbctl", "--db=" + nb, "init"])
        sb.kill("nb"); sb.start_ovsdb("nb", sb.schema("nb"))   # restart keeps the data

Same layout and rules as sandbox.sh: every daemon NAME in DIR/NAME with its own
OVS_RUNDIR/OVS_LOGDIR/OVS_DBDIR, stopped by pid file (never pkill), the whole
directory removed on exit unless LOOM_KEEP_TEST_DIR=1.
"""
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

LOOM_SRC = os.environ.get("LOOM_SRC") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
LOOM_BUILD = os.environ.get("LOOM_BUILD") or os.path.join(LOOM_SRC, "build")

SKIP = 77


class Sandbox:
    def __init__(self, name):
        self.dir = tempfile.mkdtemp(prefix="loom-%s-" % name, dir="/tmp")
        self.netns = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()
        return False

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    @staticmethod
    def schema(which):
        """Loom's schema for 'nb'/'sb' when present, else Debian's; 'vswitch'."""
        if which in ("nb", "sb"):
            ours = os.path.join(LOOM_SRC, "schemas", "ovn-%s.ovsschema" % which)
            return ours if os.path.exists(ours) else "/usr/share/ovn/ovn-%s.ovsschema" % which
        if which == "vswitch":
            return "/usr/share/openvswitch/vswitch.ovsschema"
        raise ValueError("unknown schema %r" % which)

    def env(self, name):
        d = self.path(name)
        e = dict(os.environ)
        e.update(OVS_RUNDIR=d, OVS_LOGDIR=d, OVS_DBDIR=d)
        return e

    def run(self, argv, check=True, name=None, **kw):
        """Runs argv, returns CompletedProcess with text stdout/stderr."""
        env = self.env(name) if name else None
        return subprocess.run(argv, check=check, capture_output=True, text=True,
                              env=env, **kw)

    def remote(self, name):
        return "unix:" + self.path(name, "db.sock")

    def start_ovsdb(self, name, schema, *remotes):
        """Creates NAME's db from SCHEMA unless it exists; starts ovsdb-server.
        Returns the unix: remote.  Raises on failure."""
        d = self.path(name)
        os.makedirs(d, exist_ok=True)
        db = os.path.join(d, "db")
        if not os.path.exists(db):
            self.run(["ovsdb-tool", "create", db, schema])
        argv = ["ovsdb-server", "--detach", "--no-chdir",
                "--pidfile=" + os.path.join(d, "ovsdb-server.pid"),
                "-vconsole:off", "--log-file=" + os.path.join(d, "ovsdb-server.log"),
                "--unixctl=" + os.path.join(d, "ovsdb-server.ctl"),
                "--remote=punix:" + os.path.join(d, "db.sock")]
        argv += ["--remote=" + r for r in remotes]
        self.run(argv + [db], name=name)
        self.wait_for(lambda: os.path.exists(os.path.join(d, "db.sock")), 10,
                      "ovsdb-server %s socket" % name)
        return self.remote(name)

    def tcp_port(self, name):
        """The port ovsdb-server NAME bound for a ptcp:0 remote."""
        with open(self.path(name, "ovsdb-server.log")) as f:
            ports = re.findall(r"listening on port (\d+)", f.read())
        return int(ports[-1]) if ports else None

    def start_vswitchd(self, name):
        d = self.path(name)
        self.start_ovsdb(name, self.schema("vswitch"))
        self.run(["ovs-vsctl", "--db=" + self.remote(name), "--no-wait", "init"], name=name)
        # One userspace-datapath vswitchd per network namespace (its
        # "ovs-netdev" tap device is per namespace): give each its own.
        ns = self.netns_name(name)
        self.run(["ip", "netns", "add", ns])
        self.track_netns(ns)
        self.run(["ip", "-n", ns, "link", "set", "lo", "up"])
        self.run(["ip", "netns", "exec", ns, "ovs-vswitchd", "--detach", "--no-chdir",
                  "--pidfile=" + os.path.join(d, "ovs-vswitchd.pid"),
                  "-vconsole:off", "--log-file=" + os.path.join(d, "ovs-vswitchd.log"),
                  "--unixctl=" + os.path.join(d, "ovs-vswitchd.ctl"),
                  self.remote(name)], name=name)
        self.wait_for(lambda: os.path.exists(os.path.join(d, "ovs-vswitchd.ctl")), 10,
                      "ovs-vswitchd %s" % name)
        return self.remote(name)

    def netns_name(self, name):
        """The network namespace of NAME's ovs-vswitchd."""
        return "%s-%s" % (os.path.basename(self.dir), name)

    @staticmethod
    def wait_for(pred, timeout, what):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if pred():
                return
            time.sleep(0.05)
        raise TimeoutError("timed out after %ss waiting for %s" % (timeout, what))

    @staticmethod
    def kill_pidfile(path, sig=signal.SIGTERM):
        """Signals the pid in PATH; waits up to 10 s (a zombie counts as gone)."""
        try:
            pid = int(open(path).read().strip())
        except (OSError, ValueError):
            return
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                state = open("/proc/%d/stat" % pid).read().split()[2]
            except OSError:
                break
            if state == "Z":
                break
            time.sleep(0.05)
        try:
            os.unlink(path)
        except OSError:
            pass

    def stop(self, name):
        for f in glob.glob(self.path(name, "*.pid")):
            self.kill_pidfile(f)

    def kill(self, name):
        for f in glob.glob(self.path(name, "*.pid")):
            self.kill_pidfile(f, signal.SIGKILL)

    def track_netns(self, ns):
        self.netns.append(ns)

    def cleanup(self):
        if not os.path.isdir(self.dir):
            return
        for f in glob.glob(os.path.join(self.dir, "**", "*.pid"), recursive=True):
            self.kill_pidfile(f)
        for ns in self.netns:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        if os.environ.get("LOOM_KEEP_TEST_DIR") == "1":
            print("sandbox: kept", self.dir, file=sys.stderr)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

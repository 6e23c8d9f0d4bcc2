#!/usr/bin/python3
"""test-db-fallback: the client falls back from monitor_cond_since to
monitor_cond to RFC 7047 monitor when a server does not know the newer
methods, and still keeps its replica right.

A fake OVSDB server (this script, on a private unix socket) refuses
_Server, monitor_cond_since and monitor_cond, answers "monitor" with two Seq
rows, then sends an "update" notification adding a third and modifying the
first.  loom-db-tool seq-read must see n = 1, 2, 3 each exactly once, using
method "monitor"."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading

build = os.environ.get("LOOM_BUILD", "build")
tool = os.path.join(build, "bin", "loom-db-tool")
if not os.access(tool, os.X_OK):
    print("SKIP: loom-db-tool not built")
    sys.exit(77)

SCHEMA = {"name": "LoomSeq", "version": "1.0.0",
          "tables": {"Seq": {"columns": {"n": {"type": "integer"}},
                             "isRoot": True}}}
U = ["11111111-1111-4111-8111-11111111111%d" % i for i in range(4)]

tmp = tempfile.mkdtemp(prefix="loom-db-fallback-")
sock_path = os.path.join(tmp, "fake.sock")
schema_path = os.path.join(tmp, "seq.ovsschema")
with open(schema_path, "w") as f:
    json.dump(SCHEMA, f)

methods_seen = []
errors = []


def serve(listener):
    conn, _ = listener.accept()
    conn.settimeout(20)
    buf = ""
    dec = json.JSONDecoder()

    def send(obj):
        conn.sendall(json.dumps(obj).encode())

    try:
        while True:
            data = conn.recv(65536)
            if not data:
                return
            buf += data.decode()
            while buf.strip():
                buf = buf.lstrip()
                try:
                    msg, end = dec.raw_decode(buf)
                except ValueError:
                    break
                buf = buf[end:]
                method = msg.get("method")
                mid = msg.get("id")
                if method is None:
                    continue
                methods_seen.append(method)
                if method == "echo":
                    send({"id": mid, "result": msg["params"], "error": None})
                elif method == "monitor_cond" and msg["params"][0] == "_Server":
                    send({"id": mid, "result": None,
                          "error": {"error": "unknown database"}})
                elif method == "get_schema":
                    send({"id": mid, "result": SCHEMA, "error": None})
                elif method in ("monitor_cond_since", "monitor_cond"):
                    send({"id": mid, "result": None,
                          "error": {"error": "unknown method"}})
                elif method == "monitor":
                    params = msg["params"]
                    if "where" in json.dumps(params[2]):
                        errors.append("plain monitor carried a condition")
                    send({"id": mid, "error": None, "result": {"Seq": {
                        U[1]: {"new": {"n": 1}},
                        U[2]: {"new": {"n": 2}}}}})
                    send({"id": None, "method": "update", "params": [
                        params[1], {"Seq": {
                            U[3]: {"new": {"n": 3}},
                            U[1]: {"old": {"n": 1}, "new": {"n": 1}}}}]})
                else:
                    send({"id": mid, "result": None,
                          "error": {"error": "unexpected " + method}})
    except (socket.timeout, OSError):
        return
    finally:
        conn.close()


listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind(sock_path)
listener.listen(1)
t = threading.Thread(target=serve, args=(listener,), daemon=True)
t.start()
try:
    p = subprocess.run([tool, "seq-read", "unix:" + sock_path, schema_path,
                        "3", "10000"], capture_output=True, text=True,
                       timeout=30)
    print(p.stdout.strip())
    print(p.stderr.strip())
    print("methods:", methods_seen)
    ok = (p.returncode == 0 and "method=monitor" in p.stdout.split()
          and "seen=3 dups=0" in p.stdout and not errors
          and methods_seen[:1] == ["monitor_cond"]
          and "monitor_cond_since" in methods_seen
          and methods_seen.index("monitor_cond_since")
          < methods_seen.index("monitor"))
    if errors:
        print("errors:", errors)
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)
finally:
    listener.close()
    for name in os.listdir(tmp):
        os.unlink(os.path.join(tmp, name))
    os.rmdir(tmp)

#!/usr/bin/python3
"""test-db-txn-dropped: a transaction in flight when the connection drops is
reported as "try again" (it may or may not have committed; the caller
re-reads and retries), never as success or a hang.

A fake OVSDB server (this script) accepts the client, refuses _Server, and
closes the connection as soon as it receives "transact"."""
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

tmp = tempfile.mkdtemp(prefix="loom-db-txn-dropped-")
sock_path = os.path.join(tmp, "fake.sock")
seen = []


def serve(listener):
    listener.settimeout(20)
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        conn.settimeout(20)
        buf = ""
        dec = json.JSONDecoder()
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                buf += data.decode()
                closed = False
                while buf.strip():
                    buf = buf.lstrip()
                    try:
                        msg, end = dec.raw_decode(buf)
                    except ValueError:
                        break
                    buf = buf[end:]
                    method = msg.get("method")
                    seen.append(method)
                    if method == "transact":
                        conn.close()
                        closed = True
                        break
                    if method == "echo":
                        reply = {"id": msg["id"], "result": msg["params"],
                                 "error": None}
                    else:
                        reply = {"id": msg["id"], "result": None,
                                 "error": {"error": "unknown database"}}
                    conn.sendall(json.dumps(reply).encode())
                if closed:
                    break
        except OSError:
            pass
        finally:
            conn.close()


listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind(sock_path)
listener.listen(4)
threading.Thread(target=serve, args=(listener,), daemon=True).start()
try:
    p = subprocess.run([tool, "txn-once", "unix:" + sock_path, "X"],
                       capture_output=True, text=True, timeout=30)
    print(p.stdout.strip(), p.stderr.strip())
    print("methods:", seen)
    ok = (p.returncode == 0 and "status=try again" in p.stdout
          and "connection dropped" in p.stdout and "transact" in seen)
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)
finally:
    listener.close()
    for name in os.listdir(tmp):
        os.unlink(os.path.join(tmp, name))
    os.rmdir(tmp)

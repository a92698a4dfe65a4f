#!/usr/bin/env python3
"""The report server of the provisioning tests: serves files (GET) and records what netplant
POSTs to done_url= and progress_url=, over http or https, throttled or silent when asked.
provision_test.py uses it in-process on 127.0.0.1 (the guest's 10.0.2.2).

Run as a program (inside a test's network namespace), it is the PXE lab's provisioning server:
it serves a folder, appends every POST to a JSON-lines file, and on a done_url= report with
"result":"ok" moves that machine (by the JSON's "mac") to "boot from disk": it writes
HOSTSDIR/MAC holding the dnsmasq dhcp-host line "MAC,set:installed", which dnsmasq
(dhcp-hostsdir=HOSTSDIR) reads at once, so the next PXE boot of that MAC gets no boot file and
the firmware boots the disk.

    report_server.py --bind IP --port N --root DIR --posts FILE --hostsdir DIR [--rate BYTES_PER_S]
"""
import argparse
import http.server
import json
import os
import re
import ssl
import sys
import threading
import time


class Server:
    """Serves files from a dict on GET; records every POST (path, JSON body, time, Content-Type),
    and its header fields apart (post_headers, in the same order). hang=True:
    POSTs are never answered (the connection is held open until the server closes). rate:
    GET bodies go out at that many bytes per second (in 32 KiB pieces). tls=(cert, key): the
    server speaks https."""

    def __init__(self, files, hang=False, rate=None, tls=None, bind="127.0.0.1", port=0, on_post=None):
        self.files, self.posts, self.hang, self.rate = files, [], hang, rate
        self.post_headers = []
        self.stop = threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                body = outer.files.get(self.path) if isinstance(outer.files, dict) else outer.read_file(self.path)
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not outer.rate:
                    self.wfile.write(body)
                    return
                piece = 32 * 1024
                t0 = time.monotonic()
                for off in range(0, len(body), piece):
                    self.wfile.write(body[off:off + piece])
                    late = t0 + (off + piece) / outer.rate - time.monotonic()
                    if late > 0:
                        time.sleep(late)

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(n)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = {"unparsable": raw.decode("latin-1")}
                outer.post_headers.append(dict(self.headers.items()))
                outer.posts.append((self.path, body, time.monotonic(), self.headers.get("Content-Type")))
                if on_post:
                    on_post(self.path, body)     # before the answer: the client's next step sees it
                if outer.hang:
                    outer.stop.wait(60)
                    return
                self.send_response(204)
                self.end_headers()

        self.httpd = http.server.ThreadingHTTPServer((bind, port), Handler)
        self.httpd.daemon_threads = True
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            # The handshake in the handler's thread: one slow client does not stall accept().
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True, do_handshake_on_connect=False)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def read_file(self, path):
        """files is a folder: its file at path (no way out of it), or None."""
        full = os.path.realpath(os.path.join(self.files, path.split("?")[0].lstrip("/")))
        if not full.startswith(os.path.realpath(self.files) + os.sep) or not os.path.isfile(full):
            return None
        with open(full, "rb") as f:
            return f.read()

    def close(self):
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def mark_installed(hostsdir, body):
    """The dnsmasq line for a machine whose install is done: written aside, then moved in
    whole, so dnsmasq (inotify on dhcp-hostsdir) never reads half a file."""
    mac = str(body.get("mac", "")).lower()
    if body.get("result") != "ok" or not re.fullmatch(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", mac):
        return
    tmp = os.path.join(hostsdir, f".{mac}.tmp")
    with open(tmp, "w") as f:
        f.write(f"{mac},set:installed\n")
    os.rename(tmp, os.path.join(hostsdir, mac))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bind", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--posts", required=True)
    ap.add_argument("--hostsdir", required=True)
    ap.add_argument("--rate", type=int, help="bytes per second for GET bodies")
    a = ap.parse_args()
    lock = threading.Lock()

    def on_post(path, body):
        with lock:
            with open(a.posts, "a") as f:
                f.write(json.dumps({"path": path, "body": body}) + "\n")
            if path.startswith("/done/"):
                mark_installed(a.hostsdir, body)

    srv = Server(a.root, rate=a.rate, bind=a.bind, port=a.port, on_post=on_post)
    print("report_server: ready", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    srv.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""An HTTP/1.1 server for netplant's install tests that misbehaves on purpose: it serves one
image from memory (with ETag and Last-Modified) on 127.0.0.1, breaks the first few responses
in the way its mode says, then serves normally; every request is recorded so that a test can
check what netplant asked for (Range, If-Range) and what it was answered.

Modes (the faulty responses are the first `count` ones for the image; later ones are normal):
    normal        Content-Length; Range honoured with 206 and Content-Range when If-Range
                  (if sent) matches the ETag or Last-Modified, else 200 with the whole image
    chunked       Transfer-Encoding: chunked, no length, seeded random chunk sizes
    cut           closes the connection after `at` bytes of the body; honours Range
    ignore-range  cuts like `cut` but always answers 200 with the whole image
    redirect      any other path is answered 302 to the image's path
    status:CODE   the first `count` requests are answered CODE (count huge: always)
    stall         stops sending after `at` bytes of the body, without closing
    no-validator  cuts like `cut`, and no response carries ETag or Last-Modified
    changed       the image changed on the server during the download: the faulty responses
                  serve an older version (its own ETag and Last-Modified) cut like `cut`;
                  later ones serve IMAGE with its validators and honour Range whatever
                  If-Range says (a broken server or cache)
    stale-keepalive  like `redirect`, but a request for the image that arrives on a kept-alive
                  connection is not answered: the server closes that connection, as one whose
                  idle timeout runs out just as the request arrives
    silent        accepts the connection, reads the request and never answers
    hangup        accepts the connection, reads the request and closes without answering
    cut-busy      the first response is cut like `cut`; the next count-1 requests for the image
                  (the resumes) are answered 503

    dup-length    sends Content-Length twice, the same value (RFC 9112 6.3: one length)
    length-list   sends "Content-Length: N, N" (RFC 9112 6.3: one length)
    length-differ sends Content-Length N and N + 1 (RFC 9112 6.3: an unrecoverable error)
    te-and-length chunked body with a Content-Length that is wrong (Transfer-Encoding wins)
    big-headers:N about N bytes of extra header lines, one of them 100 KiB, before the image

Options (keyword arguments of FaultServer; the command line offers the first three):
    validators    False: no ETag or Last-Modified in any response (--no-validators)
    location      what a redirect's Location says ({mirror}: the mirror's port); default: PATH
    auth          "user:password": requests without that Basic Authorization get 401 (and a
                  WWW-Authenticate challenge); the mirror never asks
    mirror        also listen on a second port that serves the image normally (redirects to
                  another server; requests record the port they came to)
    files         {path: bytes} served besides the image (a config file), with the same auth

    fault_server.py IMAGE [--mode MODE] [--count N] [--at BYTES]    (prints the port)
"""
import argparse
import base64
import email.utils
import hashlib
import random
import select
import socket
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = "/img.raw"
SEND = 64 << 10         # bytes per write of a body
STALL_MAX = 300         # seconds a stalled response is held open at most
MODES = ("normal", "chunked", "cut", "ignore-range", "redirect", "status", "stall", "no-validator", "changed",
         "stale-keepalive", "silent", "hangup", "cut-busy",
         "dup-length", "length-list", "length-differ", "te-and-length", "big-headers")
ARG_MODES = ("status", "big-headers")     # MODE:N
HEADER_MODES = ("dup-length", "length-list", "length-differ", "te-and-length", "big-headers")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.server.fault.serve(self, True)

    def do_HEAD(self):
        self.server.fault.serve(self, False)

    def log_message(self, fmt, *args):
        pass    # the request log is FaultServer.requests


def reason(code):
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Fault"


def parse_range(value):
    """(start, end or None) for 'bytes=N-' and 'bytes=N-M'; None for anything else."""
    if not value or not value.startswith("bytes=") or "," in value:
        return None
    first, _, last = value[6:].strip().partition("-")
    if not first.isdigit() or (last and not last.isdigit()):
        return None
    return int(first), int(last) if last else None


class FaultServer:
    """The server, running in threads from start() to close(); also a context manager."""

    def __init__(self, image, mode="normal", count=1, at=None, path=PATH, seed=1, validators=True,
                 location=None, auth=None, mirror=False, files=None, tls=None, tls_max=None):
        self.image = image
        self.mode, _, code = mode.partition(":")
        if self.mode not in MODES or (self.mode in ARG_MODES) != bool(code):
            raise ValueError(f"unknown mode {mode!r}")
        self.code = int(code) if code else 0
        self.location = location
        self.auth = auth
        self.files = dict(files or {})
        self.count = count
        self.at = len(image) // 3 if at is None else at
        self.path = path
        self.rng = random.Random(seed)
        self.etag = '"' + hashlib.sha256(image).hexdigest()[:16] + '"'
        self.last_modified = email.utils.formatdate(1700000000, usegmt=True)
        self.with_validators = validators and self.mode != "no-validator"
        # `changed`: the version served before the change, of the same length, different in
        # every byte, with validators of its own.
        self.old = image.translate(bytes(i ^ 0x5A for i in range(256))) if self.mode == "changed" else None
        self.old_etag = '"' + hashlib.sha256(self.old).hexdigest()[:16] + '"' if self.old else None
        self.old_last_modified = email.utils.formatdate(1600000000, usegmt=True)
        self.requests = []      # one dict per request: method path range if_range status sent how
                                # authorization port
        self.faults = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.fault = self
        if tls:     # (certificate, key): https; a client that fails the handshake is just dropped
            import ssl
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            if tls_max == "1.2":    # Python's default speaks TLS 1.3; this one stops at 1.2
                ctx.maximum_version = ssl.TLSVersion.TLSv1_2
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.mirror = None
        if mirror:
            self.mirror = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
            self.mirror.daemon_threads = True
            self.mirror.fault = self
            self.mirror_port = self.mirror.server_address[1]
            self.mirror_thread = threading.Thread(target=self.mirror.serve_forever, args=(0.05,), daemon=True)

    def start(self):
        self.thread.start()
        if self.mirror:
            self.mirror_thread.start()
        return self

    def close(self):
        self.stopping.set()     # stalled responses give up
        for httpd, thread in ((self.httpd, self.thread),) + (
                ((self.mirror, self.mirror_thread),) if self.mirror else ()):
            httpd.shutdown()
            httpd.server_close()
            thread.join()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def serve(self, h, body):
        on_mirror = h.server is self.mirror
        rec = dict(method=h.command, path=h.path, range=h.headers.get("Range"),
                   if_range=h.headers.get("If-Range"), status=None, sent=0, how="",
                   authorization=h.headers.get("Authorization"), port=h.server.server_address[1])
        reused = getattr(h, "answered", 0) > 0      # a request on a kept-alive connection
        h.answered = getattr(h, "answered", 0) + 1
        if on_mirror:
            with self.lock:
                self.requests.append(rec)
            return self.guarded(h, rec, lambda: self.serve_mirror(h, rec, body))
        with self.lock:
            self.requests.append(rec)
            faulty = self.faults < self.count and self.mode not in ("normal", "chunked", "redirect")
            if self.mode == "stale-keepalive":
                faulty = faulty and reused
            nth_fault = self.faults
            if faulty and (h.path == self.path or self.mode in ("status", "silent", "hangup")):
                self.faults += 1
            else:
                faulty = False
        self.guarded(h, rec, lambda: self.serve_main(h, rec, body, faulty, nth_fault))

    def guarded(self, h, rec, fn):
        try:
            fn()
        except (BrokenPipeError, ConnectionResetError):
            rec["how"] = rec["how"] or "client went away"
            h.close_connection = True

    def serve_mirror(self, h, rec, body):
        if h.path != self.path:
            return self.short(h, rec, 404, "Not Found")
        self.image_response(h, rec, body, False)

    def authorized(self, h):
        want = "Basic " + base64.b64encode(self.auth.encode()).decode() if self.auth else None
        return want is None or h.headers.get("Authorization") == want

    def serve_main(self, h, rec, body, faulty, nth_fault):
        if not self.authorized(h):
            return self.short(h, rec, 401, "Unauthorized", {"WWW-Authenticate": 'Basic realm="netplant"'})
        if h.path in self.files:
            return self.file_response(h, rec, self.files[h.path])
        if self.mode in ("redirect", "stale-keepalive") and h.path != self.path:
            where = (self.location or self.path).replace("{mirror}", str(getattr(self, "mirror_port", 0)))
            return self.short(h, rec, 302, "Found", {"Location": where})
        if faulty and self.mode == "status":
            return self.short(h, rec, self.code, reason(self.code))
        if faulty and self.mode == "cut-busy" and nth_fault > 0:
            return self.short(h, rec, 503, "Service Unavailable")
        if faulty and self.mode in ("stale-keepalive", "hangup"):
            rec["how"] = "closed the connection unanswered"
            h.close_connection = True
            h.connection.shutdown(socket.SHUT_RDWR)
            return
        if faulty and self.mode == "silent":
            return self.stall(h, rec, "no answer")
        if h.path != self.path:
            return self.short(h, rec, 404, "Not Found")
        if self.mode == "chunked":
            return self.chunked(h, rec, body)
        if self.mode in HEADER_MODES:
            return self.header_fault(h, rec, body, faulty)
        self.image_response(h, rec, body, faulty)

    def file_response(self, h, rec, data):
        rec["status"] = 200
        h.send_response(200)
        h.send_header("Content-Type", "text/plain")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(data)
        rec["how"] = "file"

    def header_fault(self, h, rec, body, faulty):
        """The whole image with 200, its head faulty as the mode says (when faulty)."""
        size = len(self.image)
        rec["status"] = 200
        h.send_response(200)
        self.validators(h)
        mode = self.mode if faulty else "normal"
        if mode == "dup-length":
            h.send_header("Content-Length", str(size))
            h.send_header("Content-Length", str(size))
        elif mode == "length-list":
            h.send_header("Content-Length", f"{size}, {size}")
        elif mode == "length-differ":
            h.send_header("Content-Length", str(size))
            h.send_header("Content-Length", str(size + 1))
        elif mode == "te-and-length":
            h.send_header("Content-Length", str(size // 2))
            h.send_header("Transfer-Encoding", "chunked")
        else:
            if mode == "big-headers":
                h.send_header("X-Big", "b" * (100 << 10))     # one line of 100 KiB, as curl takes
                for i in range(max(0, self.code - (100 << 10)) // 4000):
                    h.send_header(f"X-Filler-{i}", "f" * 3980)
            h.send_header("Content-Length", str(size))
        h.end_headers()
        if not body:
            return
        if mode == "te-and-length":
            for i in range(0, size, SEND):
                h.wfile.write(b"%x\r\n" % len(self.image[i:i + SEND]) + self.image[i:i + SEND] + b"\r\n")
            h.wfile.write(b"0\r\n\r\n")
            h.close_connection = True
        else:
            self.send_body(h, rec, memoryview(self.image))
        rec["sent"] = size
        rec["how"] = f"whole, {mode}"

    def short(self, h, rec, code, reason, headers=None):
        """A response with a small text body: errors and redirects."""
        text = f"{code} {reason}\n".encode()
        rec["status"] = code
        h.send_response(code, reason)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Type", "text/plain")
        h.send_header("Content-Length", str(len(text)))
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(text)

    def validators(self, h, old=False):
        if self.with_validators:
            h.send_header("ETag", self.old_etag if old else self.etag)
            h.send_header("Last-Modified", self.old_last_modified if old else self.last_modified)
        h.send_header("Accept-Ranges", "bytes")
        h.send_header("Content-Type", "application/octet-stream")

    def image_response(self, h, rec, body, faulty):
        size = len(self.image)
        start, end, code = 0, size - 1, 200
        want = parse_range(h.headers.get("Range"))
        if_range = h.headers.get("If-Range")
        honour = self.mode != "ignore-range" and (if_range is None or if_range in (self.etag, self.last_modified)
                                                  or self.mode == "changed")
        if want and honour:
            if want[0] >= size:
                rec["status"] = 416
                h.send_response(416)
                h.send_header("Content-Range", f"bytes */{size}")
                h.send_header("Content-Length", "0")
                h.end_headers()
                return
            start, end, code = want[0], min(size - 1, want[1] if want[1] is not None else size - 1), 206
        rec["status"] = code
        h.send_response(code)
        self.validators(h, old=faulty and self.mode == "changed")
        if code == 206:
            h.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        h.send_header("Content-Length", str(end + 1 - start))
        h.end_headers()
        if not body:
            return
        limit = end + 1 - start
        if faulty:
            limit = min(limit, self.at)
        image = self.old if faulty and self.mode == "changed" else self.image
        self.send_body(h, rec, memoryview(image)[start:start + limit])
        if not faulty:
            rec["how"] = "whole"
        elif self.mode == "stall":
            self.stall(h, rec)
        else:
            rec["how"] = f"cut after {rec['sent']}"
            h.close_connection = True
            h.connection.shutdown(socket.SHUT_RDWR)

    def send_body(self, h, rec, data):
        for i in range(0, len(data), SEND):
            h.wfile.write(data[i:i + SEND])
            rec["sent"] += len(data[i:i + SEND])

    def stall(self, h, rec, how=None):
        """Sends nothing more and keeps the connection open until the client closes it."""
        rec["how"] = how or f"stalled after {rec['sent']}"
        end = time.monotonic() + STALL_MAX
        while not self.stopping.is_set() and time.monotonic() < end:
            r, _, _ = select.select([h.connection], [], [], 0.1)
            if r and not h.connection.recv(4096):
                rec["how"] += ", closed by the client"
                break
        h.close_connection = True

    def chunked(self, h, rec, body):
        rec["status"] = 200
        h.send_response(200)
        self.validators(h)
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        if not body:
            return
        pos, data = 0, memoryview(self.image)
        while pos < len(data):
            n = min(len(data) - pos, self.rng.choice((1, 7, 512, 1000, 4096, 65536, 100000)))
            h.wfile.write(b"%x\r\n" % n + data[pos:pos + n] + b"\r\n")
            pos += n
            rec["sent"] = pos
        h.wfile.write(b"0\r\n\r\n")
        rec["how"] = "whole, chunked"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("image")
    ap.add_argument("--mode", default="normal")
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--at", type=int)
    ap.add_argument("--no-validators", action="store_true", help="no ETag or Last-Modified")
    args = ap.parse_args()
    with open(args.image, "rb") as f:
        image = f.read()
    with FaultServer(image, args.mode, args.count, args.at, validators=not args.no_validators) as s:
        print(f"serving {args.image} on http://127.0.0.1:{s.port}{PATH} (mode {args.mode})", flush=True)
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        for r in s.requests:
            print(r)


if __name__ == "__main__":
    sys.exit(main())

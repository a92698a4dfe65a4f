#!/usr/bin/env python3
"""Writes the seed corpora of the HTTP fuzz targets (tests/fuzz_http/corpus/<name>/).

The seeds are committed; this script only says how they were made. Rerun it after changing
an input format (see the comment at the top of each fuzz_*.c).
"""
import pathlib
import struct

HERE = pathlib.Path(__file__).resolve().parent


def write(name, seed, data):
    d = HERE / "corpus" / name
    d.mkdir(parents=True, exist_ok=True)
    (d / seed).write_bytes(bytes(data))


# ---- fuzz_http_resp: cut count, flags, cuts (u16 LE each), then the response. ----

NGINX = b"Server: nginx/1.24.0\r\nDate: Thu, 21 Nov 2024 12:00:00 GMT\r\n"
BODY = bytes((i * 7 + 3) & 0xFF for i in range(1000))


def resp(seed, msg, cuts=(), eof=False):
    head = bytes([len(cuts), 1 if eof else 0]) + b"".join(struct.pack("<H", c) for c in cuts)
    write("http_resp", seed, head + msg)


OK_200 = (b"HTTP/1.1 200 OK\r\n" + NGINX +
          b"Content-Type: application/octet-stream\r\nContent-Length: 1000\r\n"
          b"Last-Modified: Tue, 05 Mar 2024 10:00:00 GMT\r\nConnection: keep-alive\r\n"
          b'ETag: "65e6ed60-3e8"\r\nAccept-Ranges: bytes\r\n\r\n' + BODY)
PARTIAL_206 = (b"HTTP/1.1 206 Partial Content\r\n" + NGINX +
               b"Content-Type: application/octet-stream\r\nContent-Length: 400\r\n"
               b"Last-Modified: Tue, 05 Mar 2024 10:00:00 GMT\r\nConnection: keep-alive\r\n"
               b'ETag: "65e6ed60-3e8"\r\nContent-Range: bytes 600-999/1000\r\n\r\n' + BODY[600:])
CHUNKED = (b"HTTP/1.1 200 OK\r\n" + NGINX +
           b"Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n"
           b"Connection: keep-alive\r\n\r\n"
           b"4\r\nWiki\r\n5;name=value\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n"
           b"10\r\n And a last one.\r\n0\r\nX-Trailer: ignored\r\n\r\n")
PAGE = (b"<html>\r\n<head><title>302 Found</title></head>\r\n<body>\r\n"
        b"<center><h1>302 Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
FOUND_302 = (b"HTTP/1.1 302 Moved Temporarily\r\n" + NGINX +
             b"Content-Type: text/html\r\nContent-Length: %d\r\nConnection: keep-alive\r\n"
             b"Location: http://mirror.example.com/images/disk.img\r\n\r\n" % len(PAGE) + PAGE)
CLOSE = (b"HTTP/1.1 200 OK\r\n" + NGINX + b"Connection: close\r\n\r\n"
         b"the body runs until the connection closes")
NOT_FOUND = (b"HTTP/1.1 404 Not Found\r\n" + NGINX +
             b"Content-Type: text/html\r\nContent-Length: 9\r\nConnection: keep-alive\r\n\r\nnot found")
UNAVAILABLE = (b"HTTP/1.1 503 Service Temporarily Unavailable\r\n" + NGINX +
               b"Content-Length: 0\r\nRetry-After: 1\r\nConnection: close\r\n\r\n")

resp("nginx_200", OK_200)
resp("nginx_200_cut", OK_200, cuts=(5, 17, 60, 61, 190, 250, 400))
resp("nginx_200_pipelined", OK_200 + b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
resp("nginx_206", PARTIAL_206, cuts=(100, 230, 300))
resp("nginx_206_unknown_total", PARTIAL_206.replace(b"/1000", b"/*"))
resp("chunked", CHUNKED)
resp("chunked_cut", CHUNKED, cuts=tuple(range(150, 260, 7)))
resp("chunked_truncated_eof", CHUNKED[:-30], eof=True)
resp("nginx_302", FOUND_302, cuts=(120, 140))
resp("close_delimited_eof", CLOSE, cuts=(100,), eof=True)
resp("http10_eof", b"HTTP/1.0 200 OK\r\n\r\nold style", eof=True)
resp("nginx_404", NOT_FOUND)
resp("nginx_503", UNAVAILABLE)
resp("interim_100", b"HTTP/1.1 100 Continue\r\n\r\n" + OK_200)
resp("no_content_204", b"HTTP/1.1 204 No Content\r\n" + NGINX + b"\r\n")
resp("long_location", b"HTTP/1.1 301 Moved Permanently\r\nLocation: /" + b"a" * 1100 + b"\r\n\r\n")
resp("garbage", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
# RFC 9112 6.3 framing (issue 9, case 2): repeated and listed lengths, Transfer-Encoding
resp("length_twice", b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", cuts=(30, 40))
resp("length_list", b"HTTP/1.1 200 OK\r\nContent-Length: 3, 3 ,\t3\r\n\r\nabc")
resp("length_differ", b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd")
resp("te_and_length", b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"3\r\nabc\r\n0\r\n\r\n")
resp("te_gzip", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
resp("te_http10", b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
resp("te_name_prefix", b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\nTransfer-Encodingbc: chunked\r\n\r\n"
     b";\r\nabc\r\n0\r\n\r\n", eof=True)     # found by this fuzzer
resp("trailers", CHUNKED[:-2] + b"Location: /x\r\nContent-Length: 1\r\n\r\n")
# issue 9, case 1: long values and a big header block (over http-parser's 80 KiB default
# does not fit max_len; the unit tests take those)
resp("presigned_302", b"HTTP/1.1 302 Found\r\nLocation: http://s3.example/d.raw?X-Amz-Signature="
     + b"f" * 9000 + b"\r\nContent-Length: 0\r\n\r\n", cuts=(100, 5000))
resp("long_etag", b"HTTP/1.1 200 OK\r\nETag: \"" + b"e" * 3000 + b"\"\r\nContent-Length: 1\r\n\r\nx")


# ---- fuzz_url: a base URL, a NUL, a Location. ----

def url(seed, base, loc=None):
    write("url", seed, base + (b"\0" + loc if loc is not None else b""))


url("plain", b"http://10.0.2.2:8080/images/disk.img")
url("host_only", b"http://example.com")
url("query_fragment", b"http://example.com/get?file=disk.img&v=2#part")
url("https", b"https://example.com/disk.img")
url("credentials", b"http://user:pw@example.com/")
url("ipv6", b"http://[::1]:8080/x")
url("bad_port", b"http://example.com:65536/x")
url("redirect_absolute", b"http://example.com/a/b", b"http://mirror.example.com:81/images/disk.img")
url("redirect_path", b"http://example.com/a/b?x=1", b"/pub/disk.img")
url("redirect_relative", b"http://example.com/a/b?x=/y/z", b"c/d.img?e=f")
url("redirect_scheme_relative", b"http://example.com/a", b"//cdn.example.com/x")
url("redirect_https", b"http://example.com/a", b"https://example.com/a")
url("redirect_url_in_query", b"http://example.com/a", b"/get?u=http://m.example.com/x")
url("redirect_fragment", b"http://example.com/a", b"/d.img#part")
url("redirect_long", b"http://example.com/" + b"d" * 1000 + b"/f", b"x" * 40)
# issue 9, cases 1 and 6: long URLs, credentials, IPv6, scheme-relative Locations
url("presigned", b"http://s3.example:9000/d.raw?X-Amz-Credential=AK%2F1&X-Amz-Signature=" + b"f" * 1400)
url("userinfo", b"http://user:s%40cret@10.0.2.2:8080/disk.raw", b"/other")
url("userinfo_other_host", b"http://user:pw@h:8080/a", b"http://cdn.example:8080/x")
url("userinfo_same_host", b"http://user:pw@h:8080/a", b"//H:8080/x")
url("userinfo_own", b"http://user:pw@h/a", b"http://other:pw2@cdn.example/x")
url("userinfo_bad", b"http://u%3a:p%0a@h/")
url("ipv6_literal", b"http://[fd00::2]/x", b"http://[::1]:8080/y")


# ---- fuzz_proxy_resp: a piece size, then a proxy's answer to CONNECT. ----

def proxy(seed, step, msg):
    write("proxy_resp", seed, bytes([step]) + msg)


proxy("200", 1, b"HTTP/1.1 200 Connection established\r\nProxy-Agent: tinyproxy/1.11.1\r\n\r\n")
proxy("200-tls", 9, b"HTTP/1.0 200 OK\r\n\r\n\x16\x03\x03\x00\x05hello")
proxy("407", 7, b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"p\"\r\n"
      b"Content-Length: 5\r\n\r\nabcde")
proxy("403-lf", 3, b"HTTP/1.1 403 Forbidden\n\n")
proxy("100-200", 5, b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n")
proxy("bad", 100, b"SSH-2.0-OpenSSH_9.2\r\n\r\n")

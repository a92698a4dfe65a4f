/*
 * HTTP/1.1 responses as nginx sends them, for the unit tests of net/http (the fuzz seeds in
 * tests/fuzz_http/corpus/http_resp were written from the same text).
 */
#ifndef TESTS_UNIT_HTTP_SAMPLES_H
#define TESTS_UNIT_HTTP_SAMPLES_H

#define NGINX_HEAD "Server: nginx/1.24.0\r\nDate: Thu, 21 Nov 2024 12:00:00 GMT\r\n"

/* 200 with Content-Length: the body (1000 bytes) is appended by the test. */
#define RESP_200_HEAD \
    "HTTP/1.1 200 OK\r\n" NGINX_HEAD \
    "Content-Type: application/octet-stream\r\n" \
    "Content-Length: 1000\r\n" \
    "Last-Modified: Tue, 05 Mar 2024 10:00:00 GMT\r\n" \
    "Connection: keep-alive\r\n" \
    "ETag: \"65e6ed60-3e8\"\r\n" \
    "Accept-Ranges: bytes\r\n" \
    "\r\n"

/* 206 for Range: bytes=600-: the last 400 bytes of the same image. */
#define RESP_206_HEAD \
    "HTTP/1.1 206 Partial Content\r\n" NGINX_HEAD \
    "Content-Type: application/octet-stream\r\n" \
    "Content-Length: 400\r\n" \
    "Last-Modified: Tue, 05 Mar 2024 10:00:00 GMT\r\n" \
    "Connection: keep-alive\r\n" \
    "ETag: \"65e6ed60-3e8\"\r\n" \
    "Content-Range: bytes 600-999/1000\r\n" \
    "\r\n"

/* Chunked (gzip off, proxied): decodes to "Wikipedia in\r\n\r\nchunks. And a last one." */
#define RESP_CHUNKED \
    "HTTP/1.1 200 OK\r\n" NGINX_HEAD \
    "Content-Type: application/octet-stream\r\n" \
    "Transfer-Encoding: chunked\r\n" \
    "Connection: keep-alive\r\n" \
    "\r\n" \
    "4\r\nWiki\r\n" \
    "5;name=value\r\npedia\r\n" \
    "E\r\n in\r\n\r\nchunks.\r\n" \
    "10\r\n And a last one.\r\n" \
    "0\r\n" \
    "X-Trailer: ignored\r\n" \
    "\r\n"
#define RESP_CHUNKED_BODY "Wikipedia in\r\n\r\nchunks. And a last one."

#define RESP_302 \
    "HTTP/1.1 302 Moved Temporarily\r\n" NGINX_HEAD \
    "Content-Type: text/html\r\n" \
    "Content-Length: 138\r\n" \
    "Connection: keep-alive\r\n" \
    "Location: http://mirror.example.com/images/disk.img\r\n" \
    "\r\n" \
    "<html>\r\n<head><title>302 Found</title></head>\r\n<body>\r\n" \
    "<center><h1>302 Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

/* HTTP/1.0-style: no length, the close ends the body. */
#define RESP_CLOSE \
    "HTTP/1.1 200 OK\r\n" NGINX_HEAD \
    "Content-Type: application/octet-stream\r\n" \
    "Connection: close\r\n" \
    "\r\n" \
    "the body runs until the connection closes"

#endif

#!/usr/bin/env python3
"""Writes the seed corpora of the network fuzz targets (tests/fuzz_net/corpus/<name>/).

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


# ---- fuzz_dhcp_ack: a BOOTP/DHCP packet, as a boot loader passes it on. ----

CLIENT = bytes.fromhex("525400123456")


def bootp_reply(yiaddr, siaddr=bytes([10, 0, 2, 2]), op=2, cookie=True):
    """The fixed part (RFC 2131 figure 1) of a reply to CLIENT, then the magic cookie."""
    p = bytearray(240)
    p[0:4] = bytes([op, 1, 6, 0])
    p[4:8] = bytes.fromhex("12345678")          # xid
    p[16:20] = bytes(yiaddr)
    p[20:24] = bytes(siaddr)
    p[28:34] = CLIENT
    if cookie:
        p[236:240] = bytes([0x63, 0x82, 0x53, 0x63])
    return p


def opt(code, value):
    return bytes([code, len(value)]) + bytes(value)


def ip(a, b, c, d):
    return bytes([a, b, c, d])


def slirp_ack():
    """QEMU's slirp (src/bootp.c): type, server id, lease, mask, router, DNS, end; 548 bytes."""
    p = bootp_reply(ip(10, 0, 2, 15))
    p += opt(53, [5]) + opt(54, ip(10, 0, 2, 2)) + opt(51, struct.pack(">I", 86400))
    p += opt(1, ip(255, 255, 255, 0)) + opt(3, ip(10, 0, 2, 2)) + opt(6, ip(10, 0, 2, 3))
    p += bytes([255])
    return p + bytes(548 - len(p))


def dnsmasq_ack():
    """dnsmasq: T1/T2, broadcast, router, DNS, domain and host name; padded to 300 bytes."""
    p = bootp_reply(ip(192, 168, 122, 57), siaddr=ip(192, 168, 122, 1))
    p += opt(53, [5]) + opt(54, ip(192, 168, 122, 1)) + opt(51, struct.pack(">I", 3600))
    p += opt(58, struct.pack(">I", 1800)) + opt(59, struct.pack(">I", 3150))
    p += opt(1, ip(255, 255, 255, 0)) + opt(28, ip(192, 168, 122, 255))
    p += opt(3, ip(192, 168, 122, 1)) + opt(6, ip(192, 168, 122, 1) + ip(1, 1, 1, 1) + ip(9, 9, 9, 9))
    p += opt(15, b"lan") + opt(12, b"netplant") + bytes([255])
    return p + bytes(max(0, 300 - len(p)))


def dhcp_seeds():
    write("dhcp_ack", "slirp_ack", slirp_ack())
    write("dhcp_ack", "dnsmasq_ack", dnsmasq_ack())
    # The smallest ACK there is: type and mask, no end option, the packet just stops.
    write("dhcp_ack", "minimal_ack", bootp_reply(ip(10, 1, 2, 3)) + opt(53, [5]) + opt(1, ip(255, 0, 0, 0)))
    # Not ACKs: an OFFER, a NAK (no address), plain BOOTP (no cookie), a request.
    write("dhcp_ack", "offer", bootp_reply(ip(10, 0, 2, 15)) + opt(53, [2]) + opt(1, ip(255, 255, 255, 0)) + bytes([255]))
    write("dhcp_ack", "nak", bootp_reply(ip(0, 0, 0, 0)) + opt(53, [6]) + opt(56, b"wrong network") + bytes([255]))
    write("dhcp_ack", "bootp", bootp_reply(ip(10, 0, 2, 15), cookie=False) + bytes(64))
    write("dhcp_ack", "request", bootp_reply(ip(0, 0, 0, 0), op=1) + opt(53, [3]) + opt(50, ip(10, 0, 2, 15)) + bytes([255]))
    # Malformed: a mask too short, an option running past the end, pads and a tail after END.
    write("dhcp_ack", "short_mask", bootp_reply(ip(10, 0, 2, 15)) + opt(53, [5]) + opt(1, [255, 255, 255]) + bytes([255]))
    write("dhcp_ack", "overrun", bootp_reply(ip(10, 0, 2, 15)) + opt(53, [5]) + opt(1, ip(255, 255, 255, 0)) + bytes([6, 8, 1, 1, 1, 1]))
    write("dhcp_ack", "pads_and_tail", bootp_reply(ip(10, 0, 2, 15)) + bytes(7) + opt(53, [5]) + bytes(3)
          + opt(1, ip(255, 255, 0, 0)) + opt(51, b"\xff\xff\xff\xff") + bytes([255]) + opt(3, ip(1, 2, 3, 4)))


# ---- fuzz_inet_csum: one mode byte (see fuzz_inet_csum.c), then an Ethernet frame. ----

PEER_MAC, SELF_MAC = bytes.fromhex("52550a000202"), bytes.fromhex("525400123456")
PEER_IP, SELF_IP = ip(10, 0, 2, 2), ip(10, 0, 2, 15)


def csum(data):
    """The RFC 1071 checksum: the complement of the folded one's-complement sum."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(">%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(ethertype, payload, dst=SELF_MAC, src=PEER_MAC):
    f = dst + src + struct.pack(">H", ethertype) + payload
    return f + bytes(max(0, 60 - len(f)))


def ipv4(proto, l4, options=b"", flags_frag=0x4000, src=PEER_IP, dst=SELF_IP):
    ihl = 5 + len(options) // 4
    h = bytearray(struct.pack(">BBHHHBBH4s4s", 0x40 | ihl, 0, 4 * ihl + len(l4), 0x1234, flags_frag,
                              64, proto, 0, src, dst)) + options
    h[10:12] = struct.pack(">H", csum(bytes(h)))
    return bytes(h) + l4


def pseudo(proto, n, src=PEER_IP, dst=SELF_IP):
    return src + dst + struct.pack(">BBH", 0, proto, n)


def udp(sport, dport, data, zero_csum=False):
    u = bytearray(struct.pack(">HHHH", sport, dport, 8 + len(data), 0)) + data
    if not zero_csum:
        c = csum(pseudo(17, len(u)) + bytes(u)) or 0xFFFF
        u[6:8] = struct.pack(">H", c)
    return bytes(u)


def tcp(sport, dport, seq, ack, flags, data=b"", options=b""):
    hlen = 20 + len(options)
    t = bytearray(struct.pack(">HHIIBBHHH", sport, dport, seq, ack, (hlen // 4) << 4, flags, 8192, 0, 0))
    t += options + data
    t[16:18] = struct.pack(">H", csum(pseudo(6, len(t)) + bytes(t)))
    return bytes(t)


def icmp_echo(ident, seq, data):
    m = bytearray(struct.pack(">BBHHH", 8, 0, 0, ident, seq)) + data
    m[2:4] = struct.pack(">H", csum(bytes(m)))
    return bytes(m)


def arp_request():
    a = struct.pack(">HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, PEER_MAC, PEER_IP, bytes(6), SELF_IP)
    return eth(0x0806, a, dst=b"\xff" * 6)


def csum_seeds():
    dns_query = bytes.fromhex("abcd01000001000000000000076578616d706c6503636f6d0000010001")
    seeds = {
        "arp": (0, arp_request()),
        "icmp_echo": (0, eth(0x0800, ipv4(1, icmp_echo(0x77, 1, bytes(range(56)))))),
        "tcp_syn": (0, eth(0x0800, ipv4(6, tcp(40000, 80, 1000, 0, 0x02, options=bytes.fromhex("020405b4"))))),
        "tcp_data_odd": (0, eth(0x0800, ipv4(6, tcp(80, 40000, 5000, 1001, 0x18, b"HTTP/1.1 200 OK\r\n\r\nx")))),
        "udp_dns": (0, eth(0x0800, ipv4(17, udp(40001, 53, dns_query)))),
        "udp_no_csum": (0, eth(0x0800, ipv4(17, udp(67, 68, bytes(40), zero_csum=True)))),
        "udp_one_byte_padded": (0, eth(0x0800, ipv4(17, udp(1, 2, b"\x7f"))) [:-3] + b"\xff\xff\xff"),
        "fragment_mf": (0, eth(0x0800, ipv4(17, bytes(64), flags_frag=0x2000))),
        "fragment_offset": (0, eth(0x0800, ipv4(6, bytes(48), flags_frag=0x00B9))),
        "ip_options": (0, eth(0x0800, ipv4(17, udp(5, 6, b"opt"), options=bytes([1, 1, 1, 0]) * 2))),
        "gre": (0, eth(0x0800, ipv4(47, bytes(8)))),
        "tcp_truncated": (0, eth(0x0800, ipv4(6, tcp(1, 2, 3, 4, 0x10)))[:40]),
        "tcp_to_fix": (1, eth(0x0800, ipv4(6, tcp(80, 40000, 1, 1, 0x10, bytes(300))))),
        "udp_fix_flip": (3, eth(0x0800, ipv4(17, udp(9, 9, bytes(range(100)))))),
        "forced_ipv4": (5, bytes(range(14)) + bytes(range(100, 180))),
        "vlan": (0, SELF_MAC + PEER_MAC + b"\x81\x00\x00\x05" + eth(0x0800, ipv4(17, udp(1, 2, b"v")))[12:]),
    }
    for name, (mode, frame) in seeds.items():
        write("inet_csum", name, bytes([mode]) + frame)


if __name__ == "__main__":
    dhcp_seeds()
    csum_seeds()

#!/usr/bin/env python3
"""A small DHCP server of the tests' own (RFC 2131/2132), for what dnsmasq will not do: leases
shorter than two minutes, no router option, T1/T2 options, and a server that ignores or refuses
(DHCPNAK) renewals. One client address per MAC from a pool. It runs inside a network namespace
the test made (netlab.py starts it there) and logs every message it gets, with what it did, as
one JSON line each, with time.monotonic() so the test can time renewals.

    dhcp_server.py --iface br0 --server 192.0.2.1 --pool 192.0.2.50 --lease 12 --log FILE
                   [--t1 S --t2 S] [--no-router] [--dns IP] [--renew ack|ignore|nak-once]
                   [--rebind ack|ignore]
"""
import argparse
import ipaddress
import json
import socket
import struct
import sys
import time

MAGIC = b"\x63\x82\x53\x63"
DISCOVER, OFFER, REQUEST, DECLINE, ACK, NAK, RELEASE, INFORM = 1, 2, 3, 4, 5, 6, 7, 8
NAMES = {1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 4: "DECLINE", 5: "ACK", 6: "NAK", 7: "RELEASE",
         8: "INFORM"}
IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)
SO_BINDTODEVICE = getattr(socket, "SO_BINDTODEVICE", 25)
BOOTP_FMT = "!BBBBIHH4s4s4s4s16s64s128s"     # RFC 2131 figure 1, up to the options
BOOTP_LEN = struct.calcsize(BOOTP_FMT)


def parse(pkt):
    """The fixed fields and the options of a BOOTREQUEST; None when it is not one."""
    if len(pkt) < BOOTP_LEN + 4 or pkt[BOOTP_LEN:BOOTP_LEN + 4] != MAGIC:
        return None
    f = struct.unpack(BOOTP_FMT, pkt[:BOOTP_LEN])
    if f[0] != 1:
        return None
    opts, i = {}, BOOTP_LEN + 4
    while i < len(pkt) and pkt[i] != 255:
        if pkt[i] == 0:
            i += 1
            continue
        if i + 1 >= len(pkt):
            break
        code, n = pkt[i], pkt[i + 1]
        opts[code] = pkt[i + 2:i + 2 + n]
        i += 2 + n
    return dict(xid=f[4], flags=f[6], ciaddr=socket.inet_ntoa(f[7]), giaddr=f[10], chaddr=f[11],
                mac=":".join(f"{b:02x}" for b in f[11][:6]), opts=opts)


def option(code, data):
    return bytes([code, len(data)]) + data


def build(req, mtype, yiaddr, server, o):
    """A BOOTREPLY to req: message type, server id and, for OFFER/ACK, the lease's options."""
    head = struct.pack(BOOTP_FMT, 2, 1, 6, 0, req["xid"], 0, req["flags"],
                       socket.inet_aton(req["ciaddr"] if mtype == ACK else "0.0.0.0"),
                       socket.inet_aton(yiaddr if mtype != NAK else "0.0.0.0"),
                       socket.inet_aton("0.0.0.0"), req["giaddr"], req["chaddr"], b"", b"")
    opts = option(53, bytes([mtype])) + option(54, socket.inet_aton(server))
    if mtype != NAK:
        opts += option(51, struct.pack("!I", o.lease))
        if o.t1 is not None:
            opts += option(58, struct.pack("!I", o.t1))
        if o.t2 is not None:
            opts += option(59, struct.pack("!I", o.t2))
        opts += option(1, socket.inet_aton(str(o.net.netmask)))
        if not o.no_router:
            opts += option(3, socket.inet_aton(server))
        if o.dns:
            opts += option(6, socket.inet_aton(o.dns))
    return head + MAGIC + opts + b"\xff"


class Server:
    def __init__(self, o):
        self.o = o
        self.leases = {}            # mac -> address
        self.naks_left = 1 if o.renew == "nak-once" else 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        self.sock.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, o.iface.encode())
        self.sock.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
        self.sock.bind(("0.0.0.0", 67))
        self.log = open(o.log, "a", buffering=1)

    def address_for(self, mac):
        if mac not in self.leases:
            self.leases[mac] = str(ipaddress.ip_address(self.o.pool) + len(self.leases))
        return self.leases[mac]

    def request_kind(self, req, dst):
        """RFC 2131 4.3.2: which client state a DHCPREQUEST comes from."""
        if 54 in req["opts"]:
            return "selecting"
        if req["ciaddr"] == "0.0.0.0":
            return "init-reboot"
        return "renewing" if dst != "255.255.255.255" else "rebinding"

    def answer(self, req, dst):
        """(what the server did, the reply's type or None)."""
        mtype = req["opts"].get(53, b"\0")[0]
        addr = self.address_for(req["mac"])
        if mtype == DISCOVER:
            return "offer", OFFER
        if mtype != REQUEST:
            return "noted", None
        kind = self.request_kind(req, dst)
        if kind == "selecting" and socket.inet_ntoa(req["opts"][54]) != self.o.server:
            return "for another server", None
        wanted = req["ciaddr"] if kind in ("renewing", "rebinding") else \
            socket.inet_ntoa(req["opts"].get(50, b"\0\0\0\0"))
        if wanted != addr:
            return "wrong address", NAK
        policy = self.o.renew if kind == "renewing" else self.o.rebind if kind == "rebinding" else "ack"
        if policy == "ignore":
            return "ignored", None
        if policy == "nak-once" and self.naks_left:
            self.naks_left -= 1
            return "refused", NAK
        return "ack", ACK

    def serve(self):
        while True:
            pkt, anc, _, peer = self.sock.recvmsg(2048, socket.CMSG_SPACE(12))
            dst = next((socket.inet_ntoa(d[8:12]) for lvl, typ, d in anc
                        if lvl == socket.IPPROTO_IP and typ == IP_PKTINFO), "?")
            req = parse(pkt)
            if not req:
                continue
            did, reply = self.answer(req, dst)
            mtype = req["opts"].get(53, b"\0")[0]
            kind = self.request_kind(req, dst) if mtype == REQUEST else None
            self.log.write(json.dumps(dict(t=time.monotonic(), msg=NAMES.get(mtype, str(mtype)), kind=kind,
                                           mac=req["mac"], ciaddr=req["ciaddr"], dst=dst, did=did,
                                           reply=NAMES.get(reply))) + "\n")
            if reply is None:
                continue
            out = build(req, reply, self.address_for(req["mac"]), self.o.server, self.o)
            # A client with an address gets the answer there; one without, by broadcast.
            to = req["ciaddr"] if req["ciaddr"] != "0.0.0.0" and reply == ACK else "255.255.255.255"
            self.sock.sendto(out, (to, 68))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--iface", required=True)
    ap.add_argument("--server", required=True)
    ap.add_argument("--prefix", type=int, default=24)
    ap.add_argument("--pool", required=True)
    ap.add_argument("--lease", type=int, required=True)
    ap.add_argument("--t1", type=int)
    ap.add_argument("--t2", type=int)
    ap.add_argument("--no-router", action="store_true")
    ap.add_argument("--dns")
    ap.add_argument("--renew", choices=("ack", "ignore", "nak-once"), default="ack")
    ap.add_argument("--rebind", choices=("ack", "ignore"), default="ack")
    ap.add_argument("--log", required=True)
    o = ap.parse_args()
    o.net = ipaddress.ip_network(f"{o.server}/{o.prefix}", strict=False)
    srv = Server(o)
    print("dhcp_server: ready", flush=True)
    srv.serve()


if __name__ == "__main__":
    sys.exit(main())

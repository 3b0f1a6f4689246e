# SPDX-License-Identifier: GPL-2.0-only
"""The kernel's MPTCP path-manager events, read from generic netlink (the
"mptcp_pm" family's "mptcp_pm_events" group) in the network namespace it
runs in: what `ip mptcp monitor` shows, with the attributes it does not
print (iproute2 6.1 prints no MPTCP_ATTR_RESET_REASON). Prints "ready" on
stderr once subscribed, then one JSON object per event on stdout until
SIGTERM or SIGINT. Standard library only.

Event and attribute numbers: include/uapi/linux/mptcp.h (enum
mptcp_event_type, enum mptcp_event_attr); the kernel adds
MPTCP_ATTR_RESET_REASON and _FLAGS to MPTCP_EVENT_SUB_CLOSED when the
subflow received an MP_TCPRST (RFC 8684 section 3.6)."""
import json
import signal
import socket
import struct
import sys

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2
NLM_F_REQUEST = 1
NLMSG_ERROR = 2

EVENTS = {1: "created", 2: "established", 3: "closed", 6: "announced", 7: "removed",
          10: "sub_established", 11: "sub_closed", 13: "sub_priority",
          15: "listener_created", 16: "listener_closed"}
# attribute: (name, struct format); addresses and ports are big-endian
ATTRS = {1: ("token", "=I"), 2: ("family", "=H"), 3: ("loc_id", "=B"), 4: ("rem_id", "=B"),
         5: ("saddr4", None), 6: ("saddr6", None), 7: ("daddr4", None), 8: ("daddr6", None),
         9: ("sport", ">H"), 10: ("dport", ">H"), 11: ("backup", "=B"), 12: ("error", "=B"),
         13: ("flags", "=H"), 14: ("timeout", "=I"), 15: ("if_idx", "=i"),
         16: ("reset_reason", "=I"), 17: ("reset_flags", "=I"), 18: ("server_side", "=B")}


def attrs(data):
    """(type, payload) of each netlink attribute in data."""
    out = []
    off = 0
    while off + 4 <= len(data):
        length, kind = struct.unpack_from("=HH", data, off)
        if length < 4:
            break
        out.append((kind & 0x3FFF, data[off + 4:off + length]))
        off += (length + 3) & ~3
    return out


def resolve(sock):
    """The family id and the events group id of "mptcp_pm"."""
    name = b"mptcp_pm\0"
    attr = struct.pack("=HH", 4 + len(name), CTRL_ATTR_FAMILY_NAME) + name
    attr += b"\0" * ((4 - len(attr) % 4) % 4)
    body = struct.pack("=BBH", CTRL_CMD_GETFAMILY, 1, 0) + attr
    sock.send(struct.pack("=IHHII", 16 + len(body), GENL_ID_CTRL, NLM_F_REQUEST, 1, 0) + body)
    data = sock.recv(65536)
    length, kind = struct.unpack_from("=IH", data, 0)
    if kind == NLMSG_ERROR:
        raise OSError("generic netlink has no mptcp_pm family (kernel without MPTCP?)")
    family = group = None
    for t, v in attrs(data[20:length]):
        if t == CTRL_ATTR_FAMILY_ID:
            family = struct.unpack("=H", v[:2])[0]
        elif t == CTRL_ATTR_MCAST_GROUPS:
            for _, grp in attrs(v):
                fields = dict(attrs(grp))
                if fields.get(CTRL_ATTR_MCAST_GRP_NAME, b"").rstrip(b"\0") == b"mptcp_pm_events":
                    group = struct.unpack("=I", fields[CTRL_ATTR_MCAST_GRP_ID][:4])[0]
    if family is None or group is None:
        raise OSError("mptcp_pm has no mptcp_pm_events group")
    return family, group


def decode(payload):
    cmd = payload[0]
    ev = {"event": EVENTS.get(cmd, cmd)}
    for t, v in attrs(payload[4:]):
        name, fmt = ATTRS.get(t, (str(t), None))
        if name in ("saddr4", "daddr4"):
            ev[name] = socket.inet_ntop(socket.AF_INET, v[:4])
        elif name in ("saddr6", "daddr6"):
            ev[name] = socket.inet_ntop(socket.AF_INET6, v[:16])
        elif fmt and len(v) >= struct.calcsize(fmt):
            ev[name] = struct.unpack(fmt, v[:struct.calcsize(fmt)])[0]
        else:
            ev[name] = v.hex()
    return ev


def main():
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    signal.signal(signal.SIGINT, lambda *a: stop.append(1))
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.bind((0, 0))
    try:
        family, group = resolve(sock)
    except OSError as e:
        print("mptcp_events: %s" % e, file=sys.stderr, flush=True)
        return 2
    sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group)
    sock.settimeout(0.1)
    print("ready", file=sys.stderr, flush=True)
    while not stop:
        try:
            data = sock.recv(65536)
        except (socket.timeout, InterruptedError):
            continue
        off = 0
        while off + 16 <= len(data):
            length, kind = struct.unpack_from("=IH", data, off)
            if length < 16:
                break
            if kind == family:
                print(json.dumps(decode(data[off + 16:off + length])), flush=True)
            off += (length + 3) & ~3
    return 0


if __name__ == "__main__":
    sys.exit(main())

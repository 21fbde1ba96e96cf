#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Talks to midway-helper over the system bus, independently of midwayctl,
so that scenarios check what the helper itself says.

  probe.py tunnels                    JSON list of tunnels and their properties
  probe.py get PROFILE-NAME PROP      one property of the (only) tunnel of that profile
  probe.py call PATH METHOD           Tunnel1.METHOD on PATH; prints the result or
                                      "ERROR <dbus error name>" and exits 1
  probe.py path PROFILE-NAME          the tunnel's object path
  probe.py connect PROFILE-JSON [CREDENTIALS-JSON]
                                      Connect with a raw a{sv} (values typed by
                                      "type:value" strings, e.g. "u:22"); prints
                                      the path or "ERROR <name> <message>"
"""
import json
import sys

from gi.repository import Gio, GLib

BUS_NAME = "io.github.midway_vpn.Midway.Helper"
ROOT = "/io/github/midway_vpn/Midway"
TUNNEL = "io.github.midway_vpn.Midway.Tunnel1"


def bus():
    return Gio.bus_get_sync(Gio.BusType.SYSTEM, None)


def managed_objects():
    try:
        reply = bus().call_sync(BUS_NAME, ROOT, "org.freedesktop.DBus.ObjectManager",
                                "GetManagedObjects", None, None,
                                Gio.DBusCallFlags.NO_AUTO_START, 5000, None)
    except GLib.Error as e:
        if "ServiceUnknown" in e.message or "NameHasNoOwner" in e.message:
            return []
        raise
    tunnels = []
    for path, ifaces in reply.unpack()[0].items():
        if TUNNEL in ifaces:
            props = dict(ifaces[TUNNEL])
            props["path"] = path
            tunnels.append(props)
    return sorted(tunnels, key=lambda t: t["path"])


def tunnel_of(name):
    found = [t for t in managed_objects() if t["ProfileName"] == name]
    if len(found) != 1:
        sys.exit(f"probe: {len(found)} tunnels for profile {name!r}")
    return found[0]


def typed(value):
    kind, _, text = value.partition(":")
    if kind == "s":
        return GLib.Variant("s", text)
    if kind == "u":
        return GLib.Variant("u", int(text))
    if kind == "i":
        return GLib.Variant("i", int(text))
    if kind == "b":
        return GLib.Variant("b", text == "true")
    if kind == "ay":
        return GLib.Variant("ay", text.encode())
    raise SystemExit(f"probe: unknown type in {value!r}")


def main(argv):
    if argv[1] == "tunnels":
        print(json.dumps(managed_objects(), indent=1))
    elif argv[1] == "get":
        print(tunnel_of(argv[2])[argv[3]])
    elif argv[1] == "path":
        print(tunnel_of(argv[2])["path"])
    elif argv[1] == "call":
        try:
            reply = bus().call_sync(BUS_NAME, argv[2], TUNNEL, argv[3], None, None,
                                    Gio.DBusCallFlags.NONE, 10000, None)
        except GLib.Error as e:
            print("ERROR", Gio.DBusError.get_remote_error(e), e.message)
            return 1
        print(json.dumps(reply.unpack()))
    elif argv[1] == "connect":
        profile = {k: typed(v) for k, v in json.loads(argv[2]).items()}
        creds = {k: typed(v) for k, v in json.loads(argv[3] if len(argv) > 3 else "{}").items()}
        try:
            reply = bus().call_sync(BUS_NAME, ROOT, "io.github.midway_vpn.Midway.Helper1",
                                    "Connect", GLib.Variant("(a{sv}a{sv})", (profile, creds)),
                                    None, Gio.DBusCallFlags.NONE, 20000, None)
        except GLib.Error as e:
            print("ERROR", Gio.DBusError.get_remote_error(e), e.message)
            return 1
        print(reply.unpack()[0])
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Waits for a Midway tunnel to leave the "up" state and prints when.

  watch-state.py PROFILE-NAME

Prints "ready" once it listens for the tunnel's PropertiesChanged signals,
then, when State is no longer "up", the wall-clock time of that moment
(seconds since the epoch, the clock of bash's EPOCHREALTIME) and the new
state, and exits 0.  Event-driven rather than polled, so that the figure
measures the helper, not the latency of starting a D-Bus client in a loop.
Exits 1 when the tunnel is not found or nothing happens within 60 s.
"""
import sys
import time

from gi.repository import Gio, GLib

BUS_NAME = "io.github.midway_vpn.Midway.Helper"
ROOT = "/io/github/midway_vpn/Midway"
TUNNEL = "io.github.midway_vpn.Midway.Tunnel1"


def main(name):
    bus = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)
    loop = GLib.MainLoop()
    result = {}

    def report(state):
        if "time" not in result:
            result["time"] = time.time()
            print(f"{result['time']:.6f} {state}", flush=True)
            loop.quit()

    def on_changed(_bus, _sender, _path, _iface, _signal, params, _data):
        iface, changed, _invalidated = params.unpack()
        if iface == TUNNEL and "State" in changed and changed["State"] != "up":
            report(changed["State"])

    # Subscribed before reading the current state: a change between the
    # two is then seen by one or the other.
    paths = []
    reply = bus.call_sync(BUS_NAME, ROOT, "org.freedesktop.DBus.ObjectManager",
                          "GetManagedObjects", None, None,
                          Gio.DBusCallFlags.NO_AUTO_START, 5000, None)
    for path, ifaces in reply.unpack()[0].items():
        if TUNNEL in ifaces and ifaces[TUNNEL].get("ProfileName") == name:
            paths.append(path)
    if len(paths) != 1:
        sys.exit(f"watch-state: {len(paths)} tunnels for profile {name!r}")
    bus.signal_subscribe(BUS_NAME, "org.freedesktop.DBus.Properties",
                         "PropertiesChanged", paths[0], None,
                         Gio.DBusSignalFlags.NONE, on_changed, None)
    state = bus.call_sync(BUS_NAME, paths[0], "org.freedesktop.DBus.Properties", "Get",
                          GLib.Variant("(ss)", (TUNNEL, "State")), None,
                          Gio.DBusCallFlags.NO_AUTO_START, 5000, None).unpack()[0]
    print("ready", flush=True)
    if state != "up":
        report(state)
    else:
        GLib.timeout_add_seconds(60, loop.quit)
        loop.run()
    if "time" not in result:
        sys.exit("watch-state: no change within 60 s")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: watch-state.py PROFILE-NAME")
    sys.exit(main(sys.argv[1]))

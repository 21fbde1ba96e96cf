#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turns linkup-trace.sh's time-sorted log into milestones per round.

Reads lines "EPOCH-SECONDS SOURCE TEXT" (SOURCE: MARK, SYSLOG, DBUS with
dbus-monitor --profile fields) and prints, for each round,
  MIDWAY-TRACE: round N MILESTONE SECONDS-SINCE-START
in the order of the link-up.  A milestone not seen is left out.
"""
import re
import sys

MILESTONES = [
    "midwayctl exec",
    "midwayctl on the bus",
    "Connect called",
    "polkit asked",
    "polkit answered",
    "client pppd started",
    "server sudo runs pppd",
    "server pppd started",
    "first LCP Configure-Request",
    "LCP up (both acked)",
    "client ip-pre-up started",
    "client ip-pre-up finished",
    "last state signal (up)",
    "State property (up)",
    "midwayctl exited",
    "midwayctl returned",
]


def rounds(lines):
    current = None
    for line in lines:
        parts = line.rstrip("\n").split(" ", 2)
        if len(parts) < 3:
            continue
        t, source, text = float(parts[0]), parts[1], parts[2]
        if source == "MARK" and text.startswith("start "):
            if current:
                yield current
            current = {"n": text.split()[1], "t0": t, "events": []}
        elif current is not None:
            current["events"].append((t, source, text))
    if current:
        yield current


def milestones(r):
    seen = {}
    pppd = []            # pids: the client's first, then the server's
    polkit = None        # (destination, serial) of the CheckAuthorization call
    acks = 0
    last_state = None
    last_props = None    # the tunnel's first PropertiesChanged after it

    def at(name, t):
        seen.setdefault(name, t)

    for t, source, text in r["events"]:
        if source == "MARK" and text.startswith("returned"):
            at("midwayctl returned", t)
            break
        if source == "MARK" and text == "exec":
            at("midwayctl exec", t)
        elif source == "MARK" and text == "exited":
            at("midwayctl exited", t)
        if source == "DBUS":
            f = text.split("\t")
            kind = f[0].split()[-1]
            if kind == "mc" and f[-1] == "Hello":
                at("midwayctl on the bus", t)
            elif kind == "mc" and f[-1] == "Connect":
                at("Connect called", t)
            elif kind == "mc" and f[-1] == "CheckAuthorization" and polkit is None:
                polkit = (f[4], f[2])
                at("polkit asked", t)
            elif kind == "mr" and polkit and f[3] == polkit[0] and f[5] == polkit[1]:
                at("polkit answered", t)
            elif kind == "sig" and f[-1] == "StateChanged":
                # --profile prints no arguments: the last change before
                # midwayctl returns is the one to "up".
                last_state = t
                last_props = None
            elif (kind == "sig" and f[-1] == "PropertiesChanged" and "/Tunnel/" in text
                  and last_state is not None and last_props is None):
                last_props = t
            continue
        if source != "SYSLOG":
            continue
        m = re.search(r"pppd\[(\d+)\]: (.*)", text)
        if m:
            pid, msg = m.groups()
            if msg.startswith("pppd ") and "started by" in msg and pid not in pppd:
                pppd.append(pid)
                at("client pppd started" if len(pppd) == 1 else "server pppd started", t)
            elif msg.startswith("sent [LCP ConfReq"):
                at("first LCP Configure-Request", t)
            elif msg.startswith("rcvd [LCP ConfAck"):
                acks += 1
                if acks == 2:
                    at("LCP up (both acked)", t)
            elif pppd and pid == pppd[0]:
                if msg.startswith("Script /etc/ppp/ip-pre-up started"):
                    at("client ip-pre-up started", t)
                elif msg.startswith("Script /etc/ppp/ip-pre-up finished"):
                    at("client ip-pre-up finished", t)
        elif "sudo:" in text and "COMMAND=/usr/sbin/pppd" in text:
            at("server sudo runs pppd", t)
    if last_state is not None:
        at("last state signal (up)", last_state)
    if last_props is not None:
        at("State property (up)", last_props)
    return seen


def main():
    for r in rounds(sys.stdin):
        seen = milestones(r)
        for name in MILESTONES:
            if name in seen:
                print("MIDWAY-TRACE: round %s %s %.3f" % (r["n"], name.replace(" ", "_"), seen[name] - r["t0"]))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Hostile D-Bus clients of midway-helper, for the security and dbus suites.

Every sub-command prints one line per case, "ok<TAB>case<TAB>detail" or
"FAIL<TAB>case<TAB>detail", so that a scenario records one check per case.

  hostile.py profiles BOB_KEY LINK_TO_BOB_KEY BOB_SOCK LINK_TO_BOB_SOCK OWN_SOCK
        the hostile profiles and credentials, each sent to Connect
  hostile.py raw-utf8     invalid UTF-8 written into the message by hand
  hostile.py connect-base [ID]   the valid base profile (a positive control)
  hostile.py unauthorized PATH   Connect, and Disconnect/GetLog on PATH
  hostile.py vanish N SECONDS PREFIX
        N callers that leave the bus SECONDS after Connect (profiles PREFIX-i)
  hostile.py flood N STOP_FILE CONNECTIONS
        at least N Connect calls (until STOP_FILE exists), pipelined on
        CONNECTIONS bus connections, 100 at a time (the system bus allows 128 pending replies per connection)
  hostile.py prompt       Version and one Connect, each timed
  hostile.py paths KEY_FILE... -- AGENT_SOCKET...
        Connect with each key file (key-file auth) and each agent socket
        (agent auth), none of them usable: one message per field
  hostile.py steady SECONDS
        GetManagedObjects and Connect (one profile, refused port) twice a
        second for SECONDS, each answered within 1 s
  hostile.py flood-method PATH METHOD N CONNECTIONS ALLOWED
                          N pipelined calls of a tunnel's METHOD
  hostile.py oversized    Connect calls of 1 MiB (as a caller polkit refuses)
  hostile.py introspect XML  the live API against the XML description
  hostile.py errors PATH  error names of failed calls
The base profile reaches the guest's server (MIDWAY_SRV_ADDR) as mwsrv with
the caller's key and MIDWAY_SRV_HOST_KEY.
"""
import os
import socket
import sys
import time
import uuid

from gi.repository import Gio, GLib

BUS_NAME = "io.github.midway_vpn.Midway.Helper"
ROOT = "/io/github/midway_vpn/Midway"
HELPER = "io.github.midway_vpn.Midway.Helper1"
TUNNEL = "io.github.midway_vpn.Midway.Tunnel1"
ERR = "io.github.midway_vpn.Midway.Error."
SYSTEM_SOCKET = "/run/dbus/system_bus_socket"
MIB = 1024 * 1024

failures = 0


def report(ok, case, detail=""):
    global failures
    if not ok:
        failures += 1
    detail = detail.replace("\n", "\\n").replace("\t", " ")[:300]
    print(f"{'ok' if ok else 'FAIL'}\t{case}\t{detail}", flush=True)


def bus():
    return Gio.bus_get_sync(Gio.BusType.SYSTEM, None)


def S(v):
    return GLib.Variant("s", v)


def U(v):
    return GLib.Variant("u", v)


def base_profile(**over):
    home = os.path.expanduser("~")
    p = {
        "id": S(str(uuid.uuid4())),
        "name": S("hostile"),
        "host": S(os.environ.get("MIDWAY_SRV_ADDR", "192.0.2.2")),
        "port": U(22),
        "user": S("mwsrv"),
        "auth": S("key-file"),
        "key-file": S(f"{home}/.ssh/id_ed25519"),
        "host-key": S(os.environ["MIDWAY_SRV_HOST_KEY"]),
        "remote-command": S("sudo -n pppd"),
        "local-address": S("10.66.0.1"),
        "remote-address": S("10.66.0.2"),
        "mtu": U(1400),
        "echo-interval": U(2),
        "echo-failures": U(3),
        "reconnect": GLib.Variant("b", False),
    }
    for k, v in over.items():
        k = k.replace("_", "-")
        if v is None:
            p.pop(k, None)
        else:
            p[k] = v
    return p


def asv(entries):
    """An a{sv} from (key, variant) pairs; keeps duplicates and order."""
    return GLib.Variant.new_array(
        GLib.VariantType("{sv}"),
        [GLib.Variant.new_dict_entry(S(k), GLib.Variant("v", v)) for k, v in entries])


def remote_error(e):
    """(D-Bus error name, message without the "GDBus.Error:NAME: " prefix)."""
    name = Gio.DBusError.get_remote_error(e)
    message = e.message
    if name is not None and message.startswith(f"GDBus.Error:{name}: "):
        message = message[len(f"GDBus.Error:{name}: "):]
    return name or f"local:{message}", message


def call(method, params, path=ROOT, iface=HELPER, timeout=20000, conn=None):
    """Returns (error name or None, message or result)."""
    try:
        reply = (conn or bus()).call_sync(BUS_NAME, path, iface, method, params, None,
                                          Gio.DBusCallFlags.NONE, timeout, None)
    except GLib.Error as e:
        return remote_error(e)
    return None, reply.unpack()


def connect(profile, creds=None):
    entries = list(profile.items()) if isinstance(profile, dict) else profile
    params = GLib.Variant.new_tuple(asv(entries), asv(list((creds or {}).items())))
    return call("Connect", params)


def expect(case, result, error_name, prefix):
    """The call was refused with @error_name, the message starts with @prefix
    (or contains it when it starts with '~'), and it is short and one line."""
    name, message = result
    if name is None:
        report(False, case, f"ACCEPTED: {message}")
        return
    ok = name == error_name
    if prefix.startswith("~"):
        ok = ok and prefix[1:] in message
    else:
        ok = ok and message.startswith(prefix)
    # Never echoes the hostile value whole, never a raw control character.
    ok = ok and len(message) < 512 and not any(ord(c) < 0x20 for c in message)
    report(ok, case, f"{name}: {message}")


def profile_cases(bob_key, link_bob_key, bob_sock, link_bob_sock, own_sock):
    home = os.path.expanduser("~")
    IP = ERR + "InvalidProfile"
    IA = ERR + "InvalidArgument"
    big = "a" * MIB
    evil = "plugin /tmp/x.so"
    cases = []

    def field(key, value, label, prefix=None):
        cases.append((f"{key} {label}", base_profile(**{key: value}), None, IP,
                      prefix or f"{key}: "))

    # The pppd option names that run code or read files as root.
    pppd_options = ["plugin", "pty", "connect", "disconnect", "file", "call", "init",
                    "welcome", "ip-up-script", "set", "ktune"]

    for o in pppd_options[:6]:
        field("id", S(o), f"is the pppd option {o!r}")
    field("id", S(str(uuid.uuid4()) + "\n"), "ends in a newline")
    field("id", S(str(uuid.uuid4()).upper()), "in upper case")
    field("id", S("-oProxyCommand=sh"), "starts with '-o'")
    field("id", S(big), "is 1 MiB")
    field("id", U(1), "has type u")

    field("name", S("office\nplugin /tmp/x.so"), "has a newline and a pppd option")
    field("name", S("office\r"), "has a carriage return")
    field("name", S("a\x1b[31mred"), "has an escape sequence")
    field("name", S("\u202eevil"), "has a bidi override")
    field("name", S("a\u009b31mred"), "has a C1 CSI")
    field("name", S(" office"), "starts with a space")
    field("name", S("n" * 65), "is 65 characters")
    field("name", S(big), "is 1 MiB")
    field("name", S(""), "is empty")
    field("name", GLib.Variant("ay", b"office"), "has type ay")

    for value, label in [
            ("-oProxyCommand=touch /tmp/pwned", "is '-oProxyCommand=...'"),
            ("-p", "is '-p'"),
            ("192.0.2.2\n-oProxyCommand=x", "has a newline and '-o'"),
            ("192.0.2.2 -oProxyCommand=x", "has an embedded ' -o'"),
            ("my host", "has a space"),
            ("'192.0.2.2'", "has single quotes"),
            ('"192.0.2.2"', "has double quotes"),
            ("192.0.2.2;id", "has ';'"),
            ("$(id)", "has '$(...)'"),
            ("`id`", "has backquotes"),
            ("a|b", "has '|'"),
            ("a&b", "has '&'"),
            ("mwsrv@192.0.2.2", "has a user part"),
            (evil, "is a pppd option with its value"),
            ("fe80::1%eth0", "has an IPv6 zone"),
            ("127.1", "is a short numeric address"),
            ("0x7f.1", "is a hex address"),
            ("a..b", "has an empty label"),
            ("", "is empty"),
            (big, "is 1 MiB")]:
        field("host", S(value), label)
    field("host", U(22), "has type u")
    field("host", GLib.Variant("as", ["192.0.2.2"]), "has type as")

    for value, label in [(0, "is 0"), (65536, "is 65536"), (4294967295, "is 2^32-1")]:
        field("port", U(value), label)
    field("port", S("22"), "is the string '22'")
    field("port", S("22 -oProxyCommand=x"), "is a string with '-o'")
    field("port", S("1400 " + evil), "is '1400 plugin /tmp/x.so' as a string")
    field("port", GLib.Variant("i", -1), "has type i")
    field("port", GLib.Variant("q", 22), "has type q")
    field("port", GLib.Variant("t", 22), "has type t")

    for value, label in [
            ("-oProxyCommand=x", "is '-oProxyCommand=x'"),
            ("-l", "is '-l'"),
            ("mw srv", "has a space"),
            ("'mwsrv'", "has single quotes"),
            ('mw"srv', "has a double quote"),
            ("mwsrv\n", "has a newline"),
            ("mwsrv;id", "has ';'"),
            ("$(id)", "has '$(...)'"),
            ("root@evil", "has '@'"),
            (evil, "is a pppd option with its value"),
            ("u" * 33, "is 33 characters"),
            (big, "is 1 MiB")]:
        field("user", S(value), label)
    field("user", U(0), "has type u")

    for value, label in [("none", "is 'none'"), ("plugin", "is the pppd option 'plugin'"),
                         ("agent\n", "has a newline"), ("AGENT", "in upper case"),
                         (" agent", "starts with a space"), (big, "is 1 MiB")]:
        field("auth", S(value), label)
    field("auth", U(1), "has type u")

    for value, label in [
            ("relative/id_ed25519", "is relative"),
            ("plugin", "is the pppd option 'plugin'"),
            ("-i/tmp/x", "starts with '-i'"),
            (f"{home}/.ssh/id%d", "has an ssh %-token"),
            ("/home/${USER}/.ssh/id_ed25519", "has ${VAR}"),
            (f"{home}/../bob/.ssh/id_ed25519", "has '..'"),
            ("/home//bob/.ssh/id_ed25519", "has '//'"),
            (f"{home}/.ssh/id_ed25519\nplugin /tmp/x.so", "has a newline and a pppd option"),
            ("/" + "k" * 4096, "is longer than 4096 bytes"),
            (big, "is 1 MiB")]:
        field("key-file", S(value), label)
    field("key-file", GLib.Variant("ay", b"/tmp/x"), "has type ay")

    key_type, blob = os.environ["MIDWAY_SRV_HOST_KEY"].split(" ")
    for value, label in [
            ("plugin", "is the pppd option 'plugin'"),
            (f"{key_type} {blob}\n-oProxyCommand=x", "has a newline and '-o'"),
            (f"{key_type} {blob} root@host", "has a comment"),
            (f"ssh-dss {blob}", "has an unsupported type"),
            (f"ssh-rsa {blob}", "has a key of another type"),
            (f"{key_type} {blob[:-1]}*", "has a character outside base64"),
            (f"{key_type} {blob[:8]}={blob[9:]}", "has padding inside the base64"),
            (f"{key_type} -oProxyCommand=x", "has '-o' as its key"),
            (f"{key_type} " + "A" * MIB, "is 1 MiB")]:
        field("host-key", S(value), label)

    for value, label in [
            ("sudo -n pppd; rm -rf /", "has ';'"),
            ("pppd $(id)", "has '$(...)'"),
            ("pppd `id`", "has backquotes"),
            ("pppd | tee /tmp/x", "has '|'"),
            ("pppd > /tmp/x", "has '>'"),
            ("pppd & id", "has '&'"),
            ("pppd\nplugin /tmp/x.so", "has a newline and a pppd option"),
            ("-oProxyCommand=x", "starts with '-o'"),
            ("pppd  nodetach", "has two spaces"),
            (" pppd", "starts with a space"),
            ("pppd 'x'", "has quotes"),
            ("pppd ~/x", "has '~'"),
            ("pppd *", "has a glob"),
            ("", "is empty"),
            ("p" * 257, "is 257 bytes"),
            (big, "is 1 MiB")]:
        field("remote-command", S(value), label)

    for key, peer in [("local-address", "10.66.0.1"), ("remote-address", "10.66.0.2")]:
        for value, label in [
                (f"{peer} {evil}", "has a pppd option after it"),
                ("plugin", "is the pppd option 'plugin'"),
                ("10.1", "is short"),
                ("010.66.0.1", "has a leading zero"),
                ("0x0a.66.0.1", "is hex"),
                ("127.0.0.1", "is loopback"),
                ("224.0.0.1", "is multicast"),
                ("0.0.0.0", "is 0.0.0.0"),
                ("10.66.0.256", "has an octet > 255"),
                (f"{peer}\n", "has a newline"),
                ("10.66.0.1:10.66.0.2", "is an address pair"),
                ("-" + peer, "starts with '-'"),
                (big, "is 1 MiB")]:
            field(key, S(value), label)
        field(key, U(1), "has type u")

    for key, bad in [("mtu", [0, 575, 1501, 4294967295]),
                     ("echo-interval", [0, 301, 4294967295]),
                     ("echo-failures", [0, 1, 31, 4294967295])]:
        for n in bad:
            field(key, U(n), f"is {n}")
        field(key, S("1400"), "is the string '1400'")
        field(key, S("1400 " + evil), "is '1400 plugin /tmp/x.so' as a string")
        field(key, S("plugin"), "is the pppd option 'plugin' as a string")
        field(key, GLib.Variant("i", 10), "has type i")
        field(key, GLib.Variant("t", 10), "has type t")
        field(key, GLib.Variant("v", U(10)), "is a variant in a variant")

    field("reconnect", S("true"), "is the string 'true'")
    field("reconnect", S("plugin"), "is the pppd option 'plugin' as a string")
    field("reconnect", U(1), "has type u")

    # Issue 4's fields: networks, DNS servers and domains reach the kernel
    # and resolv.conf, so each gets the same treatment.
    for value, label in [
            ("10.77.0.0/24 " + evil, "has a pppd option after it"),
            ("10.77.0.0/24\nplugin", "has a newline"),
            ("10.77.0.0/24,-oProxyCommand=x", "has an ssh option as a network"),
            ("10.77.0.1/24", "has host bits set"),
            ("10.77.0.0/33", "has a prefix > 32"),
            ("10.77.0.0", "has no prefix"),
            ("010.77.0.0/24", "has a leading zero"),
            ("10.77.0.0/24, 10.78.0.0/24", "has a space"),
            ("fd00:77::/64", "is IPv6 without ipv6"),
            ("plugin", "is the pppd option 'plugin'"),
            (",".join(f"10.{i}.0.0/16" for i in range(40)), "lists 40 networks"),
            (big, "is 1 MiB")]:
        field("routes", S(value), label)
    field("routes", U(24), "has type u")
    for key in ["full-tunnel", "ipv6", "peer-dns", "fail-closed"]:
        field(key, S("true"), "is the string 'true'")
        field(key, S("plugin"), "is the pppd option 'plugin' as a string")
        field(key, U(1), "has type u")
    for value, label in [
            ("10.66.0.2\nnameserver 10.0.0.1", "has a newline and a resolv.conf line"),
            ("10.66.0.2 " + evil, "has a pppd option after it"),
            ("10.66.0.2;10.66.0.3", "uses ';'"),
            ("010.66.0.2", "has a leading zero"),
            ("0.0.0.0", "is 0.0.0.0"),
            ("224.0.0.1", "is multicast"),
            ("fd00::53", "is IPv6 without ipv6"),
            ("10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4", "lists 4 servers"),
            ("10.0.0.1,10.0.0.1", "lists a server twice"),
            ("-10.0.0.1", "starts with '-'"),
            ("resolver.example", "is a name"),
            (big, "is 1 MiB")]:
        field("dns-servers", S(value), label)
    for value, label in [
            ("corp.example\nnameserver 10.0.0.1", "has a newline and a resolv.conf line"),
            ("corp.example options ndots:15", "has a resolv.conf option after it"),
            ("-corp.example", "starts with '-'"),
            ("corp..example", "has an empty label"),
            ("corp_example", "has an underscore"),
            ("../etc/passwd", "is a path"),
            ("a,b,c,d,e,f,g", "lists 7 domains"),
            (big, "is 1 MiB")]:
        field("dns-search", S(value), label)

    # Keys the helper does not know, however tempting.
    for key in ["plugin", "extra-options", "pppd-options", "ssh-options", "options",
                "Host", "host\n", "", "k" * MIB]:
        shown = key if len(key) < 20 else "1 MiB key"
        cases.append((f"unknown key {shown!r}",
                      list(base_profile().items()) + [(key, S(evil))], None, IP,
                      "~unknown field" if len(key) > 60 or key == "host\n"
                      else f"~unknown field “{key}”"))
    dup = list(base_profile().items()) + [("host", S("-oProxyCommand=x"))]
    cases.append(("host given twice", dup, None, IP, "host: "))
    for key in ["id", "name", "host"]:
        cases.append((f"required {key} missing", base_profile(**{key: None}), None, IP,
                      f"{key}: "))

    # Credentials.
    agent = dict(auth=S("agent"), key_file=S(""))
    cases += [
        ("ssh-auth-sock is relative", base_profile(**agent),
         {"ssh-auth-sock": S("agent.sock")}, IA, "ssh-auth-sock: "),
        ("ssh-auth-sock has '/../'", base_profile(**agent),
         {"ssh-auth-sock": S(f"{home}/../bob/agent.sock")}, IA, "ssh-auth-sock: "),
        ("ssh-auth-sock has a newline", base_profile(**agent),
         {"ssh-auth-sock": S(own_sock + "\nplugin")}, IA, "ssh-auth-sock: "),
        ("ssh-auth-sock is 1 MiB", base_profile(**agent),
         {"ssh-auth-sock": S("/" + big)}, IA, "ssh-auth-sock: "),
        ("ssh-auth-sock has type ay", base_profile(**agent),
         {"ssh-auth-sock": GLib.Variant("ay", own_sock.encode())}, IA, "ssh-auth-sock: "),
        ("ssh-auth-sock with key-file authentication", base_profile(),
         {"ssh-auth-sock": S(own_sock)}, IA, "credentials: "),
        ("unknown credential 'plugin'", base_profile(), {"plugin": S("/tmp/x.so")}, IA,
         "credentials: "),
        ("password with a newline", base_profile(auth=S("password"), key_file=S("")),
         {"password": S("secret\nplugin /tmp/x.so")}, IA, "password: "),
        # C1 controls (CSI, NEL) act on a terminal as ESC does; the
        # profile's name check already refused them, the secrets did not.
        ("password with a C1 CSI", base_profile(auth=S("password"), key_file=S("")),
         {"password": S("secret\u009b31mred")}, IA, "password: must not contain control"),
        ("password with a C1 NEL", base_profile(auth=S("password"), key_file=S("")),
         {"password": S("secret\u0085plugin /tmp/x.so")}, IA, "password: must not contain control"),
        ("passphrase with a C1 CSI", base_profile(), {"passphrase": S("pass\u009b2J")}, IA,
         "passphrase: must not contain control"),
        ("password with a line separator", base_profile(auth=S("password"), key_file=S("")),
         {"password": S("secret\u2028plugin")}, IA, "password: must not contain control"),
        ("ssh-auth-sock has a C1 control", base_profile(**agent),
         {"ssh-auth-sock": S(own_sock + "\u009b")}, IA,
         "ssh-auth-sock: must be an absolute socket path"),
        ("password of 1 MiB", base_profile(auth=S("password"), key_file=S("")),
         {"password": S(big)}, IA, "password: "),
        ("password missing", base_profile(auth=S("password"), key_file=S("")), {}, IA,
         "password: "),
        ("passphrase has type u", base_profile(), {"passphrase": U(1)}, IA, "passphrase: "),
        ("private-key is not PEM", base_profile(auth=S("keyring-key"), key_file=S("")),
         {"private-key": GLib.Variant("ay", b"plugin /tmp/x.so\n")}, IA, "private-key: "),
        ("private-key has type s", base_profile(auth=S("keyring-key"), key_file=S("")),
         {"private-key": S("-----BEGIN OPENSSH PRIVATE KEY-----")}, IA, "private-key: "),
    ]

    for case, profile, creds, error_name, prefix in cases:
        expect(case, connect(profile, creds), error_name, prefix)

    # Not an a{sv} at all: GDBus refuses the signature before the helper sees it.
    expect("Connect with signature (ss)",
           call("Connect", GLib.Variant("(ss)", ("plugin", "/tmp/x.so"))),
           "org.freedesktop.DBus.Error.InvalidArgs", "~")
    expect("Connect with one a{sv} only",
           call("Connect", GLib.Variant.new_tuple(asv(base_profile().items()))),
           "org.freedesktop.DBus.Error.InvalidArgs", "~")


# --- Raw messages ----------------------------------------------------------


def read_message(sock, buf, deadline):
    while True:
        if len(buf) >= 16:
            need = Gio.DBusMessage.bytes_needed(bytes(buf[:16]))
            if len(buf) >= need:
                msg = Gio.DBusMessage.new_from_blob(bytes(buf[:need]),
                                                    Gio.DBusCapabilityFlags.NONE)
                del buf[:need]
                return msg
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            data = sock.recv(65536)
        except socket.timeout:
            return "timeout"
        if not data:
            return None
        buf += data


def raw_call(message_blob):
    """Sends a hand-made blob (serial 2) after Hello on a raw connection.
    Returns "disconnected", "timeout", "accepted" or the error name."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(SYSTEM_SOCKET)
    sock.sendall(b"\0AUTH EXTERNAL " + str(os.getuid()).encode().hex().encode() + b"\r\n")
    line = sock.recv(4096)
    if not line.startswith(b"OK"):
        raise SystemExit(f"hostile.py: bus authentication failed: {line!r}")
    sock.sendall(b"BEGIN\r\n")
    hello = Gio.DBusMessage.new_method_call("org.freedesktop.DBus", "/org/freedesktop/DBus",
                                            "org.freedesktop.DBus", "Hello")
    hello.set_serial(1)
    sock.sendall(hello.to_blob(Gio.DBusCapabilityFlags.NONE) + message_blob)
    buf = bytearray()
    deadline = time.monotonic() + 20
    while True:
        msg = read_message(sock, buf, deadline)
        if msg is None:
            return "disconnected"
        if msg == "timeout":
            return "timeout"
        if msg.get_reply_serial() != 2:
            continue
        if msg.get_message_type() == Gio.DBusMessageType.ERROR:
            return msg.get_error_name()
        return "accepted"


def raw_utf8():
    placeholder = "Q" * 12
    bad = b"\xff\xfe\xc0\xaf" + b"plugin\x80\xff"  # 12 bytes, invalid UTF-8
    assert len(bad) == 12
    for key in ["name", "host", "user", "key-file", "remote-command", "auth",
                "local-address", "host-key", "<key>", "<credential key>",
                "<password>"]:
        creds = {}
        if key == "<key>":
            entries = list(base_profile().items()) + [(placeholder, S("x"))]
        elif key == "<credential key>":
            entries = list(base_profile().items())
            creds = {placeholder: S("x")}
        elif key == "<password>":
            entries = list(base_profile(auth=S("password"), key_file=S("")).items())
            creds = {"password": S(placeholder)}
        else:
            entries = list(base_profile(**{key: S(placeholder)}).items())
        msg = Gio.DBusMessage.new_method_call(BUS_NAME, ROOT, HELPER, "Connect")
        msg.set_body(GLib.Variant.new_tuple(asv(entries), asv(list(creds.items()))))
        msg.set_serial(2)
        blob = msg.to_blob(Gio.DBusCapabilityFlags.NONE)
        assert blob.count(placeholder.encode()) == 1
        blob = blob.replace(placeholder.encode(), bad)
        outcome = raw_call(blob)
        # The bus validates every message and drops a client that sends
        # invalid UTF-8; if it ever let one through, the helper must refuse.
        report(outcome == "disconnected" or outcome.startswith(ERR + "Invalid"),
               f"invalid UTF-8 in {key}", outcome)


# --- Authorisation ----------------------------------------------------------


def unauthorized(path):
    expect("Connect by a user polkit gives nothing", connect(base_profile()),
           ERR + "NotAuthorized", "~")
    # Unauthorised: told nothing about the profile, even an invalid one.
    expect("Connect of an invalid profile by that user", connect(base_profile(host=S("-x"))),
           ERR + "NotAuthorized", "~")
    for method in ["Disconnect", "GetLog"]:
        result = call(method, None, path, TUNNEL)
        expect(f"{method} on another user's tunnel", result, ERR + "NotAuthorized", "~")


def vanish(n, stay, prefix):
    """@n callers that send Connect and leave the bus after @stay seconds."""
    address = Gio.dbus_address_get_for_bus_sync(Gio.BusType.SYSTEM, None)
    conns = []
    for i in range(n):
        conn = Gio.DBusConnection.new_for_address_sync(
            address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
            Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
        msg = Gio.DBusMessage.new_method_call(BUS_NAME, ROOT, HELPER, "Connect")
        profile = base_profile(name=S(f"{prefix}-{i}"), port=U(9))
        msg.set_body(GLib.Variant.new_tuple(asv(profile.items()), asv([])))
        conn.send_message(msg, Gio.DBusSendMessageFlags.NONE)
        conn.flush_sync(None)
        if stay == 0:
            conn.close_sync(None)
        else:
            conns.append(conn)
    time.sleep(stay)
    for conn in conns:
        conn.close_sync(None)
    report(True, f"{n} callers sent Connect and left the bus after {stay} s")


# --- Flood ------------------------------------------------------------------


def flood(n, stop_file, n_conns):
    loop = GLib.MainLoop()
    address = Gio.dbus_address_get_for_bus_sync(Gio.BusType.SYSTEM, None)
    conns = [Gio.DBusConnection.new_for_address_sync(
        address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
        Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None) for _ in range(n_conns)]
    results = {}
    state = {"sent": 0, "done": 0}
    paths = set()

    def on_reply(conn, res, _):
        try:
            reply = conn.call_finish(res)
            paths.add(reply.unpack()[0])
            key = "ok"
        except GLib.Error as e:
            key = Gio.DBusError.get_remote_error(e) or e.message
        results[key] = results.get(key, 0) + 1
        state["done"] += 1
        # The helper has refused a first hundred: the flood is in full swing.
        if state["done"] == 100:
            with open(stop_file + ".busy", "w"):
                pass
        refill()

    def send(conn):
        p = base_profile(name=S(f"flood-{state['sent']}"), port=U(9))
        conn.call(BUS_NAME, ROOT, HELPER, "Connect",
                  GLib.Variant.new_tuple(asv(p.items()), asv([])), None,
                  Gio.DBusCallFlags.NONE, 60000, None, on_reply, None)
        state["sent"] += 1

    def refill():
        more = state["sent"] < n or not os.path.exists(stop_file)
        if more and state["sent"] - state["done"] < 100:
            for _ in range(min(50, 100 - (state["sent"] - state["done"]))):
                send(conns[state["sent"] % len(conns)])
        if not more and state["done"] == state["sent"]:
            loop.quit()

    refill()
    with open(stop_file + ".started", "w"):
        pass
    loop.run()
    total = state["done"]
    print(f"# flood: {total} calls, results {results}", flush=True)
    other = {k: v for k, v in results.items() if k not in ("ok", ERR + "LimitExceeded")}
    report(total >= n, f"the flood made at least {n} Connect calls", str(total))
    report(not other, "every call got a path or LimitExceeded", str(other))
    report(1 <= len(paths) <= 8, "at most 8 of them got a tunnel", str(len(paths)))
    report(results.get(ERR + "LimitExceeded", 0) >= total - 8,
           "all the others got LimitExceeded", str(results))


def flood_method(path, method, n, n_conns, allowed):
    """n pipelined calls of a tunnel's method over n_conns connections, at
    most 100 unanswered at a time: the helper's limits on checks under way
    (4 per connection, 8 per user) must answer some with LimitExceeded, and
    everything else with @allowed (an error name, or "ok")."""
    loop = GLib.MainLoop()
    address = Gio.dbus_address_get_for_bus_sync(Gio.BusType.SYSTEM, None)
    conns = [Gio.DBusConnection.new_for_address_sync(
        address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
        Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None) for _ in range(n_conns)]
    results = {}
    state = {"sent": 0, "done": 0}

    def on_reply(conn, res, _):
        try:
            conn.call_finish(res)
            key = "ok"
        except GLib.Error as e:
            key = Gio.DBusError.get_remote_error(e) or e.message
        results[key] = results.get(key, 0) + 1
        state["done"] += 1
        refill()

    def refill():
        while state["sent"] < n and state["sent"] - state["done"] < 100:
            conns[state["sent"] % n_conns].call(BUS_NAME, path, TUNNEL, method, None, None,
                                                Gio.DBusCallFlags.NONE, 60000, None,
                                                on_reply, None)
            state["sent"] += 1
        if state["done"] == n:
            loop.quit()

    refill()
    loop.run()
    print(f"# {method} flood: {n} calls, results {results}", flush=True)
    other = {k: v for k, v in results.items() if k not in (allowed, ERR + "LimitExceeded")}
    report(not other, f"every {method} got {allowed} or LimitExceeded", str(other))
    report(results.get(ERR + "LimitExceeded", 0) > 0,
           f"the limit on checks under way held back some of the {n} {method} calls",
           str(results))


def oversized():
    """A Connect of 1 MiB is refused at once, before polkit decides, still
    with the field named: run as mallory, whom polkit refuses, the answer
    is the field's error, not NotAuthorized."""
    name, result = connect(base_profile(name=S("n" * MIB)))
    report(name == ERR + "InvalidProfile" and str(result).startswith("name: "),
           "a Connect with a 1 MiB name is refused for the name, before polkit",
           f"{name} {result}"[:200])
    name, result = connect(base_profile(auth=S("password"), key_file=S("")),
                           {"password": S("p" * MIB)})
    report(name == ERR + "InvalidArgument" and str(result).startswith("password: "),
           "a Connect with a 1 MiB password is refused for the password, before polkit",
           f"{name} {result}"[:200])
    pieces = {key: S("y" * (40 * 1024)) for key in ("a", "b", "c", "d")}
    name, result = connect(base_profile(), pieces)
    report(name == ERR + "LimitExceeded" and "larger than any valid profile" in str(result),
           "a Connect of 160 KiB in pieces is refused for its size, before polkit",
           f"{name} {result}"[:200])


def prompt():
    t = time.monotonic()
    name, result = call("Get", GLib.Variant("(ss)", (HELPER, "Version")),
                        iface="org.freedesktop.DBus.Properties", timeout=5000)
    report(name is None and time.monotonic() - t < 5, "Version answered within 5 s",
           f"{time.monotonic() - t:.2f} s {name} {result}")
    t = time.monotonic()
    name, result = connect(base_profile(name=S("bob-during-flood"), port=U(9)))
    report(name is None and time.monotonic() - t < 10, "Connect answered within 10 s",
           f"{time.monotonic() - t:.2f} s {name} {result}")


def tunnel_prop(path, prop):
    name, result = call("Get", GLib.Variant("(ss)", (TUNNEL, prop)), path=path,
                        iface="org.freedesktop.DBus.Properties", timeout=5000)
    return None if name is not None else result[0]


def outcome(profile, creds=None):
    """The message a Connect ends with: its error's, or the tunnel's
    LastMessage once it has failed.  None when it came up or never ended."""
    name, result = connect(profile, creds)
    if name is not None:
        return result
    path = result[0]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        state = tunnel_prop(path, "State")
        if state == "up":
            call("Disconnect", None, path=path, iface=TUNNEL)
            return None
        if state in ("failed", "stopped"):
            return f"{tunnel_prop(path, 'LastReason')}: {tunnel_prop(path, 'LastMessage')}"
        time.sleep(0.1)
    call("Disconnect", None, path=path, iface=TUNNEL)
    return None


def paths(args):
    """Issue 10 (M1): whatever is wrong with a path of the caller's, and
    whether the caller could see it or not, the answer is the same."""
    split = args.index("--")
    # One profile id: each failed tunnel is replaced by the next, so the
    # per-user limit never answers instead.
    same = S(str(uuid.uuid4()))
    for field, values in [("key-file", args[:split]), ("ssh-auth-sock", args[split + 1:])]:
        messages = {}
        for value in values:
            if field == "key-file":
                profile = base_profile(id=same, key_file=S(value), name=S("paths"))
                creds = None
            else:
                profile = base_profile(id=same, auth=S("agent"), key_file=S(""), name=S("paths"))
                creds = {"ssh-auth-sock": S(value)}
            message = outcome(profile, creds)
            print(f"# {field} {value}: {message}", flush=True)
            report(message is not None, f"{field} {value} is refused", message or "ACCEPTED")
            messages[value] = message
        distinct = set(messages.values())
        report(len(values) >= 4 and len(distinct) == 1 and None not in distinct,
               f"{field}: one message for all {len(values)} paths", " | ".join(map(str, distinct)))


def steady(seconds):
    """Issue 10 (H1): the helper answers every call promptly, whatever the
    other users' children do.  A stalled call is cut off after 5 s."""
    profile = base_profile(name=S("bob-steady"), port=U(9))
    slow = []
    n = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        tick = time.monotonic()
        for what, method, params, iface, path in [
                ("GetManagedObjects", "GetManagedObjects", None,
                 "org.freedesktop.DBus.ObjectManager", ROOT),
                ("Connect", "Connect",
                 GLib.Variant.new_tuple(asv(list(profile.items())), asv([])), HELPER, ROOT)]:
            t = time.monotonic()
            name, result = call(method, params, path=path, iface=iface, timeout=5000)
            took = time.monotonic() - t
            n += 1
            print(f"# {what} {took:.3f} s {name or 'ok'}", flush=True)
            if name is not None or took >= 1.0:
                slow.append(f"{what} {took:.2f} s {name or ''}")
        time.sleep(max(0.0, 0.5 - (time.monotonic() - tick)))
    report(n >= 2 * int(seconds), f"bob made his calls ({n})", "")
    report(not slow, "every call answered within 1 s",
           "; ".join(slow[:6]) + (f" (+{len(slow) - 6})" if len(slow) > 6 else ""))


# --- The API ----------------------------------------------------------------


def describe(iface):
    out = {}
    for m in iface.methods:
        out[f"method {m.name}"] = [(a.name, a.signature, "in") for a in m.in_args] + \
                                  [(a.name, a.signature, "out") for a in m.out_args]
    for s in iface.signals:
        out[f"signal {s.name}"] = [(a.name, a.signature) for a in s.args]
    for p in iface.properties:
        out[f"property {p.name}"] = (p.signature, int(p.flags))
    return out


def introspect(xml_path):
    with open(xml_path) as f:
        spec = Gio.DBusNodeInfo.new_for_xml(f.read())
    _, (root_xml,) = call("Introspect", None, ROOT, "org.freedesktop.DBus.Introspectable")
    live_root = Gio.DBusNodeInfo.new_for_xml(root_xml)
    tunnels = [p for p, i in call("GetManagedObjects", None, ROOT,
                                  "org.freedesktop.DBus.ObjectManager")[1][0].items()
               if TUNNEL in i]
    report(len(tunnels) >= 1, "a tunnel object exists to introspect", str(tunnels))
    _, (tunnel_xml,) = call("Introspect", None, tunnels[0], "org.freedesktop.DBus.Introspectable")
    live_tunnel = Gio.DBusNodeInfo.new_for_xml(tunnel_xml)
    live = {HELPER: live_root, TUNNEL: live_tunnel}
    for iface in spec.interfaces:
        found = live[iface.name].lookup_interface(iface.name)
        if found is None:
            report(False, f"{iface.name} is exported", "missing")
            continue
        want, got = describe(iface), describe(found)
        for member in sorted(set(want) | set(got)):
            report(want.get(member) == got.get(member), f"{iface.name} {member}",
                   f"xml {want.get(member)} live {got.get(member)}")
    for name in ["org.freedesktop.DBus.ObjectManager", "org.freedesktop.DBus.Properties",
                 "org.freedesktop.DBus.Introspectable"]:
        report(live_root.lookup_interface(name) is not None, f"{ROOT} has {name}")
    report(live_tunnel.lookup_interface("org.freedesktop.DBus.Properties") is not None,
           f"{tunnels[0]} has org.freedesktop.DBus.Properties")
    report(any(n.path.startswith("Tunnel") for n in live_root.nodes) or
           any(n.path == "Tunnel" for n in live_root.nodes),
           "the root node lists the Tunnel subtree", str([n.path for n in live_root.nodes]))


def errors(path):
    """Each error a client can provoke has its registered name."""
    result = connect(base_profile(host=S("-oProxyCommand=x")))
    expect("an invalid profile: InvalidProfile", result, ERR + "InvalidProfile", "host: ")
    result = connect(base_profile(), {"plugin": S("x")})
    expect("an invalid credential: InvalidArgument", result, ERR + "InvalidArgument",
           "credentials: ")
    result = call("GetLog", None, path, TUNNEL)
    expect("another user's log: NotAuthorized", result, ERR + "NotAuthorized", "~")
    result = call("Disconnect", None, path, TUNNEL)
    expect("another user's tunnel: NotAuthorized", result, ERR + "NotAuthorized", "~")
    result = call("Disconnect", None, ROOT + "/Tunnel/999999", TUNNEL)
    expect("an unknown tunnel: UnknownObject/UnknownMethod", result,
           result[0] if result[0] in ("org.freedesktop.DBus.Error.UnknownObject",
                                      "org.freedesktop.DBus.Error.UnknownMethod")
           else "org.freedesktop.DBus.Error.UnknownObject", "~")
    result = call("Connect", GLib.Variant("(ss)", ("a", "b")))
    expect("a wrong signature: InvalidArgs", result, "org.freedesktop.DBus.Error.InvalidArgs", "~")


def monitor(out_path):
    """Writes the ObjectManager and StateChanged signals it sees, one a line."""
    out = open(out_path, "a", buffering=1)
    conn = bus()

    def on_signal(conn, sender, path, iface, member, params, _):
        args = params.unpack()
        if member == "InterfacesAdded":
            props = args[1].get(TUNNEL, {})
            out.write(f"added {args[0]} {' '.join(sorted(args[1]))} "
                      f"name={props.get('ProfileName')} state={props.get('State')}\n")
        elif member == "InterfacesRemoved":
            out.write(f"removed {args[0]} {' '.join(sorted(args[1]))}\n")
        elif member == "StateChanged":
            out.write(f"state {path} {args[0]} {args[1]}\n")

    for iface, member in [("org.freedesktop.DBus.ObjectManager", "InterfacesAdded"),
                          ("org.freedesktop.DBus.ObjectManager", "InterfacesRemoved"),
                          (TUNNEL, "StateChanged")]:
        conn.signal_subscribe(BUS_NAME, iface, member, None, None,
                              Gio.DBusSignalFlags.NONE, on_signal, None)
    # Subscribed: tell the scenario it may start.
    conn.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                   "GetId", None, None, Gio.DBusCallFlags.NONE, -1, None)
    out.write("ready\n")
    GLib.MainLoop().run()


def main(argv):
    cmd = argv[1]
    if cmd == "profiles":
        profile_cases(*argv[2:7])
    elif cmd == "raw-utf8":
        raw_utf8()
    elif cmd == "connect-base":
        over = {"id": S(argv[2])} if len(argv) > 2 else {}
        name, result = connect(base_profile(**over))
        report(name is None, "the unmodified base profile is accepted", f"{name} {result}")
        if name is None:
            print(f"# path {result[0]}")
    elif cmd == "unauthorized":
        unauthorized(argv[2])
    elif cmd == "vanish":
        vanish(int(argv[2]), float(argv[3]), argv[4])
    elif cmd == "flood":
        flood(int(argv[2]), argv[3], int(argv[4]))
    elif cmd == "flood-method":
        flood_method(argv[2], argv[3], int(argv[4]), int(argv[5]), argv[6])
    elif cmd == "oversized":
        oversized()
    elif cmd == "prompt":
        prompt()
    elif cmd == "paths":
        paths(argv[2:])
    elif cmd == "steady":
        steady(float(argv[2]))
    elif cmd == "introspect":
        introspect(argv[2])
    elif cmd == "monitor":
        monitor(argv[2])
    elif cmd == "errors":
        errors(argv[2])
    else:
        sys.exit(__doc__)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

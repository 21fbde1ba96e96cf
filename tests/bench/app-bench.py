#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The app benchmark's measurements, inside a run-session.sh --tray session.

  app-bench.py ROUNDS MIDWAY MIDWAYCTL BASELINE-GTK BASELINE-ADW

Prints one "MIDWAY-APPBENCH: KIND NAME VALUE..." line per figure for
run-app-benchmark to gather; progress goes to stderr.  Each round starts
midway with 0 and then 100 profiles in $XDG_CONFIG_HOME/midway/profiles,
then with 100 and --hidden (no window, as at login), then the two
baseline programs, one at a time:

  - start -> tray item registered: from just before exec until the
    watcher's StatusNotifierItemRegistered signal for the item, as
    timestamped by dbus-monitor (started and listening beforehand);
  - start -> window mapped: until xdotool finds a viewable window of the
    process (polled every 10 ms);
  - memory: VmRSS and Pss (smaps_rollup) 5 s after the start;
  - wakeups: voluntary + involuntary context switches of each thread,
    from /proc/PID/task/*/status, over the next 30 s.  A thread that
    sleeps in poll() and is woken switches once per wakeup, so the delta
    is the number of times it ran.

Exits 1 when a measurement could not be taken.
"""
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

IDLE_AFTER_S = 5
IDLE_WINDOW_S = 30
APP_ID = "io.github.midway_vpn.Midway"
APP_PATH = "/io/github/midway_vpn/Midway"

HOSTS = ["vpn.example.org", "gw.example.net", "203.0.113.7", "2001:db8::1"]


def say(kind, name, *values):
    print("MIDWAY-APPBENCH: %s %s %s" % (kind, name, " ".join(str(v) for v in values)), flush=True)


def progress(text):
    print("  " + text, file=sys.stderr, flush=True)


def fail(text):
    print("app-bench: FAIL: " + text, file=sys.stderr, flush=True)
    sys.exit(1)


def write_profiles(midwayctl, count, store):
    """COUNT valid profiles, stored by midwayctl import (which checks them)."""
    shutil.rmtree(store, ignore_errors=True)
    if count == 0:
        return
    with tempfile.TemporaryDirectory() as scratch:
        for i in range(count):
            path = os.path.join(scratch, "p%03d.midway" % i)
            with open(path, "w") as f:
                f.write("[Midway Profile]\n"
                        "name=Site %03d\n"
                        "host=%s\n"
                        "port=%d\n"
                        "user=user%d\n"
                        "auth=agent\n"
                        "local-address=10.%d.%d.1\n"
                        "remote-address=10.%d.%d.2\n"
                        "echo-interval=10\n"
                        "echo-failures=3\n"
                        "reconnect=%s\n"
                        % (i, HOSTS[i % len(HOSTS)], 22 + i % 3, i, 66 + i // 200, i % 200,
                           66 + i // 200, i % 200, "true" if i % 2 else "false"))
            r = subprocess.run([midwayctl, "import", path], capture_output=True, text=True)
            if r.returncode != 0:
                fail("midwayctl import %s: %s" % (path, r.stderr.strip()))
    stored = len([n for n in os.listdir(store) if n.endswith(".midway")])
    if stored != count:
        fail("%d profiles stored, %d expected" % (stored, count))


def window_mapped(pid):
    r = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid)],
                       capture_output=True, text=True)
    return r.returncode == 0 and r.stdout.strip() != ""


def memory_kb(pid):
    rss = pss = None
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
    return rss, pss


def thread_row(comm, is_main):
    """The row of a thread: names that GLib and Mesa derive from the
    program's name are made the same for every program."""
    if is_main:
        return "main"
    if comm.startswith("pool-"):
        return "pool-PROG"  # GLib's thread pool
    if re.match(r"[^:]*:disk\$\d+$", comm):
        return "PROG:disk$N"  # Mesa's shader cache
    if comm in ("midway", "baseline-gtk", "baseline-adw"):
        return "PROG"  # named after the program, as threads are by default
    return comm


def thread_switches(pid):
    """{tid: (comm, switches)} for every thread alive now."""
    threads = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                comm = f.read().strip()
            comm = thread_row(comm, int(tid) == pid)
            n = 0
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                        n += int(line.split()[1])
            threads[int(tid)] = (comm, n)
        except FileNotFoundError:
            pass  # the thread ended while we looked
    return threads


def idle_wakeups(pid):
    """Switches per thread name over IDLE_WINDOW_S; threads that came or
    went meanwhile count from 0 or up to their last reading."""
    before = thread_switches(pid)
    time.sleep(IDLE_WINDOW_S)
    after = thread_switches(pid)
    per_name = {}
    for tid in set(before) | set(after):
        comm = (after.get(tid) or before.get(tid))[0]
        delta = after.get(tid, before.get(tid))[1] - before.get(tid, (comm, 0))[1]
        per_name[comm] = per_name.get(comm, 0) + delta
    return per_name


def stop(proc, quit_action):
    if quit_action:
        subprocess.run(["gdbus", "call", "--session", "--dest", APP_ID, "--object-path", APP_PATH,
                        "--method", "org.gtk.Actions.Activate", "quit", "[]", "{}"],
                       capture_output=True, timeout=10)
    else:
        proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        fail("%s did not exit within 10 s" % proc.args[0])


def measure(label, argv, log, tray, window=True):
    monitor = None
    if tray:
        # --profile: one line per message, "sig TIME SERIAL SENDER DEST PATH IFACE MEMBER".
        monitor = subprocess.Popen(["dbus-monitor", "--session", "--profile",
                                    "type='signal',interface='org.kde.StatusNotifierWatcher',"
                                    "member='StatusNotifierItemRegistered'"],
                                   stdout=subprocess.PIPE)
        time.sleep(0.5)  # until it listens: a signal sent before is lost
        if monitor.poll() is not None:
            fail("dbus-monitor did not start")
    start = time.time()
    proc = subprocess.Popen(argv, stdout=log, stderr=log)
    mapped_s = None
    while window and mapped_s is None:
        if proc.poll() is not None:
            fail("%s exited (status %d) before its window was mapped" % (label, proc.returncode))
        if window_mapped(proc.pid):
            mapped_s = time.time() - start
        elif time.time() - start > 30:
            fail("%s: no window mapped within 30 s" % label)
        else:
            time.sleep(0.01)
    if tray:
        registered_s = None
        fd = monitor.stdout.fileno()
        pending = b""
        deadline = start + 30
        # Raw reads: select() knows nothing of what a buffered reader holds.
        while registered_s is None:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.time()))
            if not ready:
                fail("%s: the tray item was not registered within 30 s" % label)
            data = os.read(fd, 65536)
            if not data:
                fail("dbus-monitor ended")
            pending += data
            *lines, pending = pending.split(b"\n")
            for line in lines:
                fields = line.decode(errors="replace").split("\t")
                if len(fields) >= 8 and fields[0] == "sig" and fields[7] == "StatusNotifierItemRegistered":
                    registered_s = float(fields[1]) - start
                    break
        monitor.terminate()
        monitor.wait()
        say("sample", label + "_registered_ms", "%.1f" % (registered_s * 1000))
    if window:
        say("sample", label + "_mapped_ms", "%.1f" % (mapped_s * 1000))

    time.sleep(max(0.0, start + IDLE_AFTER_S - time.time()))
    rss, pss = memory_kb(proc.pid)
    say("sample", label + "_rss_kb", rss)
    say("sample", label + "_pss_kb", pss)
    per_name = idle_wakeups(proc.pid)
    if proc.poll() is not None:
        fail("%s exited while idle" % label)
    for comm, n in sorted(per_name.items()):
        say("wakeups", label, comm.replace(" ", "_"), n)
    say("wakeups", label, "TOTAL", sum(per_name.values()))
    stop(proc, quit_action=tray)


def main():
    rounds = int(sys.argv[1])
    midway, midwayctl, baseline_gtk, baseline_adw = sys.argv[2:6]
    store = os.path.join(os.environ["XDG_CONFIG_HOME"], "midway", "profiles")
    log = open(os.path.join(os.environ["MIDWAY_TEST_TMPDIR"], "midway.log"), "a")
    log_copy = os.environ.get("MIDWAY_APPBENCH_LOG")

    say("meta", "gtk", subprocess.run(["pkg-config", "--modversion", "gtk4"],
                                      capture_output=True, text=True).stdout.strip())
    say("meta", "adw", subprocess.run(["pkg-config", "--modversion", "libadwaita-1"],
                                      capture_output=True, text=True).stdout.strip())
    try:
        for r in range(1, rounds + 1):
            for count in (0, 100):
                progress("round %d/%d: midway, %d profiles" % (r, rounds, count))
                write_profiles(midwayctl, count, store)
                measure("midway%d" % count, [midway], log, tray=True)
            # The login start: the tray item only, no window.
            progress("round %d/%d: midway --hidden, 100 profiles" % (r, rounds))
            measure("hidden100", [midway, "--hidden"], log, tray=True, window=False)
            progress("round %d/%d: baselines" % (r, rounds))
            measure("gtk", [baseline_gtk], log, tray=False)
            measure("adw", [baseline_adw], log, tray=False)
    finally:
        log.close()
        if log_copy:
            shutil.copy(log.name, log_copy)


if __name__ == "__main__":
    main()

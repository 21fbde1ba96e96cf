# shellcheck shell=bash
# Helpers for scenario scripts that midway-uml-run runs inside its UML guest.
# A scenario starts with
#     . "$MIDWAY_UML_LIB"
# records its checks with check / check_fails / fail, and ends with finish.
# See tests/uml/README.md for the guest's users, network and environment.
#
# Every check is appended to a file that guest-init.sh reads after the
# scenario ends; the verdict comes from there, so a scenario's own exit
# status (or a check in a subshell) cannot turn a failed check into a pass.

[ -n "${MIDWAY_UML_LIB_LOADED:-}" ] && return 0
MIDWAY_UML_LIB_LOADED=1

if [ -z "${MIDWAY_UML_STATE:-}" ] || [ ! -d "$MIDWAY_UML_STATE" ]; then
    echo "lib.sh: not inside the Midway UML guest (run the scenario with tests/uml/midway-uml-run)" >&2
    exit 1
fi

# _mw_record PASS|FAIL DESCRIPTION
_mw_record() {
    local desc=${2//$'\n'/ }
    printf '%s %s\n' "$1" "$desc" >>"$MIDWAY_UML_STATE/checks"
    printf 'MIDWAY-CHECK: %s: %s\n' "$1" "$desc"
}

# check DESCRIPTION CMD...: run CMD (a command or shell function); the check
# passes when it exits 0.  Returns CMD's status, so `if check ...` works.
check() {
    local desc=$1 rc=0
    shift
    "$@" || rc=$?
    if [ "$rc" -eq 0 ]; then
        _mw_record PASS "$desc"
    else
        _mw_record FAIL "$desc (exit $rc: $*)"
    fi
    return "$rc"
}

# check_fails DESCRIPTION CMD...: passes when CMD exits non-zero.  Exit 126
# and 127 (could not run CMD at all) still count as failures of the check.
# Returns 0 when the check passed.
check_fails() {
    local desc=$1 rc=0
    shift
    "$@" || rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 126 ] && [ "$rc" -ne 127 ]; then
        _mw_record PASS "$desc"
        return 0
    fi
    _mw_record FAIL "$desc (exit $rc, expected a failure: $*)"
    return 1
}

# fail DESCRIPTION: record a failed check (for conditions that are not a
# command's exit status).
fail() {
    _mw_record FAIL "$1"
    return 1
}

# wait_for SECS CMD...: run CMD (output discarded) every 0.1 s until it
# succeeds; returns 1 when SECS (whole seconds) pass first.
wait_for() {
    local secs=$1 now deadline
    shift
    now=${EPOCHREALTIME//[!0-9]/}
    deadline=$(( now + secs * 1000000 ))
    until "$@" >/dev/null 2>&1; do
        now=${EPOCHREALTIME//[!0-9]/}
        [ "$now" -ge "$deadline" ] && return 1
        sleep 0.1
    done
    return 0
}

# srv CMD...: run CMD in the server's network namespace (same file system).
srv() {
    ip netns exec srv "$@"
}

# as_user USER CMD...: run CMD as USER with a clean environment, as if USER
# had logged in: HOME, USER, LOGNAME, SHELL, a user's PATH,
# XDG_CONFIG_HOME=$HOME/.config, XDG_RUNTIME_DIR=/run/user/UID, cwd $HOME, and
# no DBUS_SYSTEM_BUS_ADDRESS (the default system bus socket).  Add variables
# with `as_user USER env NAME=VALUE CMD...`.
as_user() {
    local user=$1 home uid
    shift
    home=$(getent passwd "$user" | cut -d: -f6) || {
        echo "as_user: no user $user" >&2
        return 127
    }
    uid=$(id -u "$user")
    if [ ! -d "/run/user/$uid" ]; then
        install -d -m 0755 /run/user
        install -d -m 0700 -o "$user" -g "$(id -g "$user")" "/run/user/$uid"
    fi
    runuser -u "$user" -- env -i -C "$home" \
        HOME="$home" USER="$user" LOGNAME="$user" SHELL=/bin/bash \
        PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
        XDG_CONFIG_HOME="$home/.config" XDG_RUNTIME_DIR="/run/user/$uid" \
        "$@"
}

# finish: print the verdict of the checks so far and end the scenario:
# PASS only when at least one check ran and none failed.
finish() {
    local passes fails
    passes=$(grep -c '^PASS ' "$MIDWAY_UML_STATE/checks")
    fails=$(grep -c '^FAIL ' "$MIDWAY_UML_STATE/checks")
    if [ "$fails" -eq 0 ] && [ "$passes" -gt 0 ]; then
        echo PASS >"$MIDWAY_UML_STATE/finished"
        printf 'MIDWAY-RESULT: PASS (%d checks)\n' "$passes"
        exit 0
    fi
    echo FAIL >"$MIDWAY_UML_STATE/finished"
    if [ "$passes" -eq 0 ] && [ "$fails" -eq 0 ]; then
        printf 'MIDWAY-RESULT: FAIL (the scenario ran no check)\n'
    else
        printf 'MIDWAY-RESULT: FAIL (%d of %d checks failed)\n' "$fails" $((passes + fails))
    fi
    exit 1
}

#!/bin/bash
# test-bash-completion.sh COMPLETION: what bash completes for midwayctl,
# against profile files in a scratch $XDG_CONFIG_HOME.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
completion=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME=$work
mkdir -p "$work/midway/profiles"
printf '[Midway Profile]\nname=Office\nhost=vpn.example.org\n' >"$work/midway/profiles/a.midway"
printf '[Midway Profile]\nname=Home lab\nhost=lab.example.net\n' >"$work/midway/profiles/b.midway"
touch "$work/exported.midway"
export MIDWAY_SYSTEM_PROFILES_DIR=$work/system
mkdir -p "$MIDWAY_SYSTEM_PROFILES_DIR"
printf '[Midway Profile]\nname=Head office\nhost=vpn.example.org\n' >"$MIDWAY_SYSTEM_PROFILES_DIR/head.midway"
# shellcheck source=/dev/null
source "$completion"

n=0
failed=0
# check DESCRIPTION EXPECTED WORD...: completes the last WORD.
check() {
    local description=$1 expected=$2
    shift 2
    COMP_WORDS=(midwayctl "$@")
    COMP_CWORD=$#
    COMPREPLY=()
    _midwayctl 2>/dev/null
    local got
    got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | paste -sd ' ')
    n=$((n + 1))
    if [ "$got" = "$expected" ]; then
        echo "ok $n - $description"
    else
        echo "not ok $n - $description"
        echo "# expected: $expected"
        echo "# got:      $got"
        failed=1
    fi
}

check "the commands" "down" d
check "every command" "--help --version down export import key list log monitor remove status up" ""
check "profile names for up, quoted" "Home\\ lab Office" up ""
check "names by their start" "Office" down O
check "nothing after the name" "" log Office ""
check "export: a name, then a file" "Home\\ lab Office" export ""
check "export's options" "--force" export --f
check "export's file" "$work/exported.midway" export Office "$work/exp"
check "key's subcommands" "generate show" key ""
check "key generate's option" "--replace" key generate --r
check "key show's name" "Office" key show Of
check "list's options" "--help --json" list --
check "up's options" "--help --system" up --
check "system profile names after --system, quoted" "Head\\ office" up --system ""
check "down --system by their start" "Head\\ office" down --system H
check "no system profile without --system" "Home\\ lab" down H
echo "1..$n"
exit $failed

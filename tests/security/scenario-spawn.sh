# shellcheck shell=bash
# Issue 5: what the helper spawns.  pppd (root) gets a fixed argv with no
# option file and a generated ipparam, and a one-variable environment; ssh
# runs as the caller with a minimal environment and "--" before the host.
# Read from /proc, exactly.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/security/common.sh"

alice_uid=$(id -u alice)
alice_gid=$(id -g alice)
alice_shell=$(getent passwd alice | cut -d: -f7)
plugin=$(find /usr/lib/pppd -name midway-helper-pppd-plugin.so | head -n 1)

# pppd runs as root, so a ~/.ppprc of the caller's must not reach it: an
# unknown option there would stop pppd from starting at all.
echo "no-such-pppd-option-from-alice" >/home/alice/.ppprc
chown alice: /home/alice/.ppprc

# proc_words FILE: a NUL-separated /proc file, one word a line.
proc_words() {
    tr '\0' '\n' <"$1"
}

# same DESCRIPTION EXPECTED ACTUAL: an exact comparison, with a diff if not.
same() {
    if [ "$2" != "$3" ]; then
        diff <(echo "$2") <(echo "$3")
    fi
    check "$1" test "$2" = "$3"
}

# The profile's name is a pppd option: a name is free text, and the
# exact vectors below show it reaches neither program.
check "alice imports a profile named plugin" write_profile alice plugin
check "the tunnel comes up despite alice's ~/.ppprc" as_user alice midwayctl up plugin --timeout 60
path=$(as_user alice python3 "$PROBE" path plugin)
serial=${path##*/}
id=$(tunnel_prop alice plugin ProfileId)
hp=$(helper_pid)
pppd_pid=$(local_pppd_pid)
ssh_pid=$(pgrep -x -P "$hp" ssh)
check "the helper's pppd runs ($pppd_pid)" test -n "$pppd_pid"
check "the helper's ssh runs ($ssh_pid)" test -n "$ssh_pid"

pppd_argv=$(proc_words "/proc/$pppd_pid/cmdline")
tty=$(sed -n 2p <<<"$pppd_argv")
check "pppd's tty is a pty ($tty)" grep -qE '^/dev/pts/[0-9]+$' <<<"$tty"
expected=$(printf '%s\n' /usr/sbin/pppd "$tty" nodetach noauth \
    refuse-pap refuse-chap refuse-mschap refuse-mschap-v2 refuse-eap local nocrtscts silent \
    noccp nodefaultroute noreplacedefaultroute noproxyarp hide-password \
    mtu 1400 mru 1400 lcp-echo-interval 2 lcp-echo-adaptive lcp-echo-failure 1 \
    ipparam "midway-$serial" linkname "midway-$serial" plugin "$plugin" \
    midway-report-fd 3 10.66.0.1:10.66.0.2 noipv6)
same "pppd's argv is exactly the fixed vector" "$expected" "$pppd_argv"
check "pppd's argv has no option file (file, call)" bash -c "! grep -qxE 'file|call|init|connect|pty' <<<'$pppd_argv'"
check "pppd's ipparam is generated from the tunnel's number" grep -qx "midway-$serial" <<<"$pppd_argv"
same "pppd's environment is exactly PATH" "PATH=/usr/sbin:/usr/bin:/sbin:/bin" \
    "$(proc_words "/proc/$pppd_pid/environ")"
check "pppd runs as root" test "$(awk '/^Uid:/ { print $2 $3 $4 $5 }' "/proc/$pppd_pid/status")" = 0000
check "pppd has no file of alice's open" \
    bash -c "! ls -l /proc/$pppd_pid/fd | grep -q /home/alice"

ssh_argv=$(proc_words "/proc/$ssh_pid/cmdline")
expected=$(printf '%s\n' /usr/bin/ssh -T -x -a \
    -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=15 \
    -o ServerAliveInterval=15 -o ServerAliveCountMax=3 -o ExitOnForwardFailure=yes \
    -o ClearAllForwardings=yes -o ControlMaster=no -o ControlPath=none \
    -o PermitLocalCommand=no -o RemoteCommand=none -o SessionType=default \
    -o StdinNull=no -o ForkAfterAuthentication=no -o Compression=no -o IPQoS=cs0 -o LogLevel=ERROR \
    -o Ciphers=^aes128-gcm@openssh.com,aes256-gcm@openssh.com \
    -o "HostKeyAlias=midway-$id" -o "UserKnownHostsFile=/run/midway/tunnel-$serial/known_hosts" \
    -o GlobalKnownHostsFile=/dev/null -o UpdateHostKeys=no -o CheckHostIP=no \
    -o KnownHostsCommand=none -o VerifyHostKeyDNS=no \
    -o PreferredAuthentications=publickey -o IdentitiesOnly=yes -o IdentityAgent=none \
    -i /home/alice/.ssh/id_ed25519 -p 22 -l mwsrv -- "$MIDWAY_SRV_ADDR" \
    sudo -n pppd nodetach notty noauth)
same "ssh's argv is exactly the expected vector" "$expected" "$ssh_argv"
check "ssh's argv has -- right before the host" \
    test "$(grep -x -A1 -- -- <<<"$ssh_argv" | tail -n 1)" = "$MIDWAY_SRV_ADDR"
expected=$(printf '%s\n' HOME=/home/alice USER=alice LOGNAME=alice "SHELL=$alice_shell" \
    PATH=/usr/local/bin:/usr/bin:/bin LC_ALL=C)
same "ssh's environment is exactly the minimal one" "$expected" \
    "$(proc_words "/proc/$ssh_pid/environ")"
check "ssh runs as alice (real, effective, saved, fs uid)" \
    test "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$ssh_pid/status")" = \
    "$alice_uid $alice_uid $alice_uid $alice_uid"
check "ssh runs with alice's gid" \
    test "$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "/proc/$ssh_pid/status")" = \
    "$alice_gid $alice_gid $alice_gid $alice_gid"
same "ssh has alice's groups only" "$(id -G alice | tr ' ' '\n' | sort -n)" \
    "$(awk '/^Groups:/ { for (i = 2; i <= NF; i++) print $i }' "/proc/$ssh_pid/status" | sort -n)"
check "ssh has no capabilities" \
    test "$(awk '/^CapEff:/ { print $2 }' "/proc/$ssh_pid/status")" = 0000000000000000

# Issue 10 (L2): the runtime directory cannot be listed, and the pinned
# host key is alice's to read, nobody else's.
dir=/run/midway/tunnel-$serial
check "/run/midway is root's, 0711" test "$(stat -c '%U %a' /run/midway)" = "root 711"
check "$dir is root's, 0711" test "$(stat -c '%U %a' "$dir")" = "root 711"
check "known_hosts is alice's, 0400" test "$(stat -c '%U %a' "$dir/known_hosts")" = "alice 400"
check_fails "bob cannot list /run/midway" as_user bob ls /run/midway
check_fails "bob cannot read alice's known_hosts" as_user bob cat "$dir/known_hosts"

# The server's pppd runs in the same guest, started by sudo from the
# remote command: exactly the words of the profile's command after sudo -n,
# then the fixed ones.
srv_pppd=$(pgrep -x pppd | grep -vx "$pppd_pid" | head -n 1)
check "the server's pppd runs ($srv_pppd)" test -n "$srv_pppd"
same "the server's pppd argv is exactly pppd nodetach notty noauth" \
    "$(printf '%s\n' pppd nodetach notty noauth)" "$(proc_words "/proc/$srv_pppd/cmdline")"
check "alice's tunnel goes down" as_user alice midwayctl down plugin
check "pppd and ssh are gone" wait_for 10 no_tunnel_processes

# Agent authentication: the caller's own agent socket is the one addition.
sock=/run/user/$alice_uid/agent.sock
as_user alice ssh-agent -a "$sock" >/dev/null
check "alice's agent holds her key" as_user alice env SSH_AUTH_SOCK="$sock" ssh-add -q /home/alice/.ssh/id_ed25519
check "alice imports an agent profile" write_profile alice agentic auth=agent key-file=
check "the agent tunnel comes up" as_user alice env SSH_AUTH_SOCK="$sock" midwayctl up agentic --timeout 60
hp=$(helper_pid)
ssh_pid=$(pgrep -x -P "$hp" ssh)
expected=$(printf '%s\n' HOME=/home/alice USER=alice LOGNAME=alice "SHELL=$alice_shell" \
    PATH=/usr/local/bin:/usr/bin:/bin LC_ALL=C "SSH_AUTH_SOCK=$sock")
same "ssh's environment is the minimal one plus alice's agent socket" "$expected" \
    "$(proc_words "/proc/$ssh_pid/environ")"
ssh_argv=$(proc_words "/proc/$ssh_pid/cmdline")
check "ssh is not given a key file with the agent" bash -c "! grep -qx -- -i <<<'$ssh_argv'"
check "ssh's argv ends in -- host and the remote command" \
    test "$(tail -n 10 <<<"$ssh_argv" | tr '\n' ' ')" = "-l mwsrv -- $MIDWAY_SRV_ADDR sudo -n pppd nodetach notty noauth "
check "the agent tunnel goes down" as_user alice midwayctl down agentic
finish

# shellcheck shell=bash
# Issue 5: hostile profiles and credentials over D-Bus.  Every one is
# refused with an error naming the field, and no pppd or ssh ever starts.
. "$MIDWAY_UML_LIB"
. "$MIDWAY_SOURCE_ROOT/tests/e2e/common.sh"
. "$MIDWAY_SOURCE_ROOT/tests/security/common.sh"

alice_uid=$(id -u alice)

# What alice will point at: bob's key, bob's agent socket, and her own
# symlinks to both.
bob_key=/home/bob/.ssh/id_ed25519
check "bob's key exists" test -f "$bob_key"
ln -s "$bob_key" /home/alice/bob-key && chown -h alice: /home/alice/bob-key
bob_sock=/tmp/bob-agent.sock
as_user bob ssh-agent -a "$bob_sock" >/dev/null
check "bob's agent socket is bob's" test -S "$bob_sock" -a "$(stat -c %U "$bob_sock")" = bob
ln -s "$bob_sock" /home/alice/bob-sock && chown -h alice: /home/alice/bob-sock
alice_sock=/run/user/$alice_uid/agent.sock
as_user alice ssh-agent -a "$alice_sock" >/dev/null
check "alice has an agent socket of her own" test -S "$alice_sock"

watch_start
hostile alice profiles "$bob_key" /home/alice/bob-key "$bob_sock" /home/alice/bob-sock \
    "$alice_sock" >/tmp/profiles.out 2>&1
hostile alice raw-utf8 >>/tmp/profiles.out 2>&1
check "the watcher looked on after the last answer" watch_settle 50
watch_stop
grep -v $'^ok\t' /tmp/profiles.out
record_cases /tmp/profiles.out
n=$(grep -c $'^ok\t' /tmp/profiles.out)
check "at least 60 hostile inputs were refused ($n)" test "$n" -ge 60
check "the process table was sampled ($(watch_samples) samples)" test "$(watch_samples)" -ge 50
check_fails "no pppd started during the hostile calls" watch_saw pppd
check_fails "no ssh started during the hostile calls" watch_saw ssh
check "no tunnel directory was created" no_tunnel_dirs
check "the helper has no tunnel" test "$(probe tunnels | grep -c '"path"')" -eq 0
check "the helper logged no tunnel start" bash -c "! grep -q 'started tunnel' $MIDWAY_LOG_DIR/dbus.log"
check "the helper survived" test -n "$(helper_pid)"

# The control: the base profile all the cases were derived from is valid,
# and a tunnel of it is seen by every one of the probes above.
watch_start
hostile alice connect-base >/tmp/control.out 2>&1
cat /tmp/control.out
record_cases /tmp/control.out
# Every tunnel object takes the next number, even one that fails to start.
check "the control is the helper's first tunnel: no hostile call got that far" \
    grep -qx '# path /io/github/midway_vpn/Midway/Tunnel/1' /tmp/control.out
check "the control tunnel comes up" wait_for 60 state_is alice hostile up
watch_stop
check "the sampler sees the control's pppd" watch_saw pppd
check "the sampler sees the control's ssh" watch_saw ssh
check_fails "the control has a tunnel directory" no_tunnel_dirs
check "the helper logged the control's start" grep -q 'started tunnel' "$MIDWAY_LOG_DIR/dbus.log"
finish

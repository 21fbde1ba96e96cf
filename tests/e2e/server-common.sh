# shellcheck shell=bash
# Issue 11 scenarios (midwayctl server): server accounts that start bare,
# a LAN behind the server with no route back to any client, and an
# "internet" host beyond it.  Sourced after common.sh.

LAN_NET=10.99.0.0/24
LAN_HOST=10.99.0.5
INET_HOST=203.0.113.5
SUDO_PW=midway-admin-pw

# make_server_account NAME CLIENT: an account on the server with a
# password, full sudo with that password (an administrator's account), and
# CLIENT's personal key (~/.ssh/id_ed25519) in its authorized_keys.
# Nothing of Midway's.
make_server_account() {
    local name=$1 client=$2 home
    useradd --create-home --user-group --shell /bin/bash "$name" &&
    echo "$name:$SUDO_PW" | chpasswd &&
    echo "$name ALL=(ALL:ALL) ALL" >"/etc/sudoers.d/test-$name" &&
    chmod 0440 "/etc/sudoers.d/test-$name" &&
    home=$(getent passwd "$name" | cut -d: -f6) &&
    install -d -m 0700 -o "$name" -g "$name" "$home/.ssh" &&
    install -m 0600 -o "$name" -g "$name" "/home/$client/.ssh/id_ed25519.pub" "$home/.ssh/authorized_keys"
}

# make_vpn_key CLIENT: the key the client's profile signs in with; the
# server learns it from setup.
make_vpn_key() {
    as_user "$1" ssh-keygen -q -t ed25519 -N '' -C "$1-vpn" -f "/home/$1/.ssh/id_vpn"
}

# vpn_peer CLIENT ACCOUNT: the name of the files and the pppd call setup
# gives the client's VPN key on ACCOUNT, worked out here independently of
# Midway's code: the first 8 hex digits of the SHA-256 of the key's blob.
vpn_peer() {
    echo "midway-$2-$(cut -d' ' -f2 "/home/$1/.ssh/id_vpn.pub" | base64 -d | sha256sum | cut -c1-8)"
}

# server_profile CLIENT NAME ACCOUNT [KEY=VALUE...]: a profile with no
# addresses and the default remote command, as a user would start.
server_profile() {
    local client=$1 name=$2 account=$3
    shift 3
    write_profile "$client" "$name" user="$account" key-file="/home/$client/.ssh/id_vpn" \
        local-address= remote-address= "$@"
}

# server_cmd CLIENT ACTION PROFILE [ARGS...]: midwayctl server, signing in
# with the client's personal key and the sudo password on stdin.
server_cmd() {
    local client=$1
    shift
    echo "$SUDO_PW" | as_user "$client" midwayctl server "$@" \
        --identity "/home/$client/.ssh/id_ed25519" --password-stdin
}

# lan and inet namespaces behind srv.  Neither has a route to the
# tunnel addresses: only masquerading on the server gets replies back.
setup_server_networks() {
    ip netns add lan &&
    ip link add vlan0 type veth peer name vlan1 &&
    ip link set vlan0 netns srv && ip link set vlan1 netns lan &&
    srv ip addr add 10.99.0.1/24 dev vlan0 && srv ip link set vlan0 up &&
    ip netns exec lan ip addr add "$LAN_HOST/24" dev vlan1 &&
    ip netns exec lan ip link set vlan1 up && ip netns exec lan ip link set lo up &&
    ip netns add inet &&
    ip link add vinet0 type veth peer name vinet1 &&
    ip link set vinet0 netns srv && ip link set vinet1 netns inet &&
    srv ip addr add 203.0.113.1/24 dev vinet0 && srv ip link set vinet0 up &&
    ip netns exec inet ip addr add "$INET_HOST/24" dev vinet1 &&
    ip netns exec inet ip link set vinet1 up && ip netns exec inet ip link set lo up
}

# Every file, directory and link under /etc with its mode, owner and
# content, for comparisons before and after.
etc_state() {
    find /etc -xdev -printf '%p %y %m %U %G %l\n' | sort
    find /etc -xdev -type f -print0 | sort -z | xargs -0 sha256sum
}

# The server's forwarding and Midway's iptables chains.
srv_forwarding() {
    srv cat /proc/sys/net/ipv4/ip_forward
}
srv_midway_chains() {
    srv iptables-legacy -t nat -S MIDWAY-POSTROUTING 2>/dev/null
}

profile_field() { # CLIENT PROFILE KEY
    as_user "$1" midwayctl export "$2" | sed -n "s/^$3=//p"
}

# lacks REGEX TEXT: TEXT has no line matching REGEX.
lacks() {
    ! grep -Eq -- "$1" <<<"$2"
}

# A second bare server: a network namespace (srv2) of its own on its own
# link to the client, and a mount namespace of its own in which /etc is a
# copy of the guest's as it is now and /home an empty tmpfs, so that what
# happens there leaves the first server's /etc and homes alone.  Its sshd
# has a host key of its own; behind it sits LAN2.
SRV2_ADDR=198.51.100.2
SRV2_DIR=/run/midway-srv2
LAN2_NET=10.98.0.0/24
LAN2_HOST=10.98.0.5

srv2() {
    nsenter --mount="$SRV2_DIR/mnt" --net=/run/netns/srv2 "$@"
}

make_second_server() {
    # unshare --mount=FILE needs FILE on a mount that does not propagate.
    mkdir -p "$SRV2_DIR" && mount --bind "$SRV2_DIR" "$SRV2_DIR" &&
    mount --make-private "$SRV2_DIR" && touch "$SRV2_DIR/mnt" &&
    mkdir -p "$SRV2_DIR/etc" "$SRV2_DIR/sshd" && cp -a /etc/. "$SRV2_DIR/etc/" &&
    unshare --mount="$SRV2_DIR/mnt" --propagation private \
        sh -c 'mount --bind "$1/etc" /etc && mount -t tmpfs -o mode=0755 tmpfs /home' sh "$SRV2_DIR" &&
    ip netns add srv2 &&
    ip link add veth2 type veth peer name veth3 netns srv2 &&
    ip addr add 198.51.100.1/24 dev veth2 && ip link set veth2 up &&
    ip -n srv2 link set lo up && ip -n srv2 addr add "$SRV2_ADDR/24" dev veth3 &&
    ip -n srv2 link set veth3 up &&
    ip netns add lan2 &&
    ip link add vlan2 type veth peer name vlan3 &&
    ip link set vlan2 netns srv2 && ip link set vlan3 netns lan2 &&
    ip -n srv2 addr add 10.98.0.1/24 dev vlan2 && ip -n srv2 link set vlan2 up &&
    ip -n lan2 addr add "$LAN2_HOST/24" dev vlan3 &&
    ip -n lan2 link set vlan3 up && ip -n lan2 link set lo up &&
    ssh-keygen -q -t ed25519 -N '' -C '' -f "$SRV2_DIR/sshd/ssh_host_ed25519_key" &&
    sed -e "s|^ListenAddress .*|ListenAddress $SRV2_ADDR|" \
        -e "s|^HostKey .*|HostKey $SRV2_DIR/sshd/ssh_host_ed25519_key|" \
        -e "s|^PidFile .*|PidFile $SRV2_DIR/sshd/sshd.pid|" \
        "$SSHD_DIR/sshd_config" >"$SRV2_DIR/sshd/sshd_config" &&
    srv2 /usr/sbin/sshd -f "$SRV2_DIR/sshd/sshd_config" -E "$MIDWAY_LOG_DIR/sshd-srv2.log" &&
    wait_for 20 bash -c "ip netns exec srv2 ss -Hltn 'sport = :22' | grep -q ."
}

srv2_host_key() {
    cut -d' ' -f1,2 "$SRV2_DIR/sshd/ssh_host_ed25519_key.pub"
}

# An account's ~/.ssh: every entry with mode and owner, and the files'
# contents (nothing when there is no ~/.ssh).
ssh_state() { # HOME
    [ -e "$1/.ssh" ] || return 0
    find "$1/.ssh" -printf '%p %y %m %U %G %l\n' | sort
    find "$1/.ssh" -type f -print0 | sort -z | xargs -0 -r sha256sum
}

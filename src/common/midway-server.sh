# The body of the script `midwayctl server` runs on the server as root
# (through sudo over ssh, or by an administrator with --print).  The
# parameters above it were written by midway-server-script.c from checked
# values only; they are checked here again, as this file may be read and
# run on its own.
#
# POSIX sh: it runs under whatever /bin/sh the server has.  What it prints
# on standard output is data for the client, one record a line:
#   midway-server begin 1                 the protocol version
#   midway-server step NAME STATUS        ok, changed, removed, missing, wrong, failed, skipped
#   midway-server pool CIDR
#   midway-server address SERVER CLIENT   this client's pair
#   midway-server firewall BACKEND        nft, iptables or none
#   midway-server end ok|failed
# Explanations for a person go to standard error.

set -u
umask 022
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
LC_ALL=C
export LC_ALL

MW_DIR=/etc/midway
MW_CLIENTS=$MW_DIR/clients
MW_POOL_FILE=$MW_DIR/pool
MW_FIREWALL=$MW_DIR/firewall
MW_SYSCTL=/etc/sysctl.d/60-midway.conf
MW_UNIT=/etc/systemd/system/midway-firewall.service
MW_UNIT_LINK=/etc/systemd/system/multi-user.target.wants/midway-firewall.service

status=0

say() { printf 'midway-server %s\n' "$*"; }
tell() { printf 'midway-server: %s\n' "$*" >&2; }
step() { say "step $1 $2"; }
# A failed step: the run ends failed, and says why on stderr.
failed() { step "$1" failed; tell "$2"; status=1; }
# What check finds absent or different: the run ends failed.
missing() { step "$1" missing; tell "$2"; status=1; }
wrong() { step "$1" wrong; tell "$2"; status=1; }
finish() {
    if [ "$status" -eq 0 ]; then say "end ok"; else say "end failed"; fi
    exit "$status"
}
stop_here() { failed "$1" "$2"; finish; }

say "begin 1"

# ------------------------------------------------------------ parameters
case $MW_ACTION in setup|check|remove) ;; *) stop_here parameters "unknown action" ;; esac
case $MW_USER in
    ''|-*|*[!a-z0-9_-]*) stop_here parameters "bad account name" ;;
esac
[ ${#MW_USER} -le 32 ] || stop_here parameters "account name too long"

# valid_ipv4 TEXT: canonical dotted quad.
valid_ipv4() {
    case $1 in
        *[!0-9.]*|.*|*.|*..*) return 1 ;;
    esac
    _vi_ifs=$IFS; IFS=.
    # shellcheck disable=SC2086
    set -- $1
    IFS=$_vi_ifs
    [ $# -eq 4 ] || return 1
    for _vi_o in "$@"; do
        case $_vi_o in 0) ;; 0*|'') return 1 ;; esac
        [ "$_vi_o" -le 255 ] || return 1
    done
    return 0
}

# ip2int A.B.C.D
ip2int() {
    _ii_ifs=$IFS; IFS=.
    # shellcheck disable=SC2086
    set -- $1
    IFS=$_ii_ifs
    echo $(( ($1 << 24) + ($2 << 16) + ($3 << 8) + $4 ))
}

int2ip() {
    echo "$(( ($1 >> 24) & 255 )).$(( ($1 >> 16) & 255 )).$(( ($1 >> 8) & 255 )).$(( $1 & 255 ))"
}

mask_of() { # prefix length
    if [ "$1" -eq 0 ]; then echo 0; else echo $(( (0xffffffff << (32 - $1)) & 0xffffffff )); fi
}

# valid_cidr A.B.C.D/N with no host bits set.
valid_cidr() {
    case $1 in */*) ;; *) return 1 ;; esac
    _vc_a=${1%/*}; _vc_n=${1#*/}
    valid_ipv4 "$_vc_a" || return 1
    case $_vc_n in ''|*[!0-9]*|0?*) return 1 ;; esac
    [ "$_vc_n" -le 32 ] || return 1
    [ $(( $(ip2int "$_vc_a") & ~$(mask_of "$_vc_n") & 0xffffffff )) -eq 0 ]
}

# overlap CIDR CIDR
overlap() {
    _ov_a=$(ip2int "${1%/*}"); _ov_an=${1#*/}
    _ov_b=$(ip2int "${2%/*}"); _ov_bn=${2#*/}
    _ov_n=$_ov_an; [ "$_ov_bn" -lt "$_ov_n" ] && _ov_n=$_ov_bn
    _ov_m=$(mask_of "$_ov_n")
    [ $(( _ov_a & _ov_m )) -eq $(( _ov_b & _ov_m )) ]
}

for _lan in $MW_LANS; do
    valid_cidr "$_lan" || stop_here parameters "bad network $_lan"
done
for _dns in $MW_DNS; do
    valid_ipv4 "$_dns" || stop_here parameters "bad DNS server $_dns"
done
case $MW_GATEWAY in yes|no) ;; *) stop_here parameters "bad gateway setting" ;; esac
case $MW_IPV6 in yes|no) ;; *) stop_here parameters "bad ipv6 setting" ;; esac
case $MW_VIA_SUDO in yes|no) ;; *) stop_here parameters "bad sudo setting" ;; esac
case $MW_KEY in
    '') ;;
    *[!A-Za-z0-9+/=@.\ -]*) stop_here parameters "bad public key" ;;
esac
case $MW_KEY_ID in
    '') [ -z "$MW_KEY" ] || stop_here parameters "a public key without its id" ;;
    *[!0-9a-f]*) stop_here parameters "bad key id" ;;
    ????????) ;;
    *) stop_here parameters "bad key id" ;;
esac

# Each client key of an account has a pair and files of its own, named
# after the key; an account whose key is unknown (agent sign-in) has one.
MW_NAME=$MW_USER${MW_KEY_ID:+-$MW_KEY_ID}
MW_PEERS=/etc/ppp/peers/midway-$MW_NAME
# sudo reads the drop-ins in name order and the last matching rule wins:
# "zz-" keeps an account's broader rule with a password (a drop-in of an
# administrator's) from overriding this one.
MW_SUDOERS=/etc/sudoers.d/zz-midway-$MW_NAME
MW_CLIENT_FILE=$MW_CLIENTS/$MW_NAME
MW_PPPD_ARGS="call midway-$MW_NAME nodetach notty noauth"
[ "$MW_IPV6" = yes ] && MW_PPPD_ARGS="$MW_PPPD_ARGS +ipv6"
MW_KEY_OPTIONS="restrict,command=\"sudo -n pppd $MW_PPPD_ARGS\""

header() { # WHAT
    printf '# Written by Midway (midwayctl server setup) %s.\n' "$1"
    printf '# Remove with "midwayctl server remove PROFILE" on the client, or the\n'
    printf '# script of "midwayctl server remove --print PROFILE" run as root here.\n'
}

# put_file STEP PATH MODE: standard input becomes PATH with MODE, through a
# file beside it and a rename, and only when content or mode differ.
put_file() {
    _tmp=$2.midway-new
    if ! cat >"$_tmp"; then rm -f "$_tmp"; failed "$1" "cannot write $_tmp"; return 1; fi
    if [ -f "$2" ] && [ ! -L "$2" ] && cmp -s "$_tmp" "$2" &&
       [ "$(stat -c %a "$2")" = "$3" ] && [ "$(stat -c %u "$2")" = 0 ]; then
        rm -f "$_tmp"
        step "$1" ok
        return 0
    fi
    if ! chmod "$3" "$_tmp" || ! mv -f "$_tmp" "$2"; then
        rm -f "$_tmp"; failed "$1" "cannot put $2 in place"; return 1
    fi
    step "$1" changed
}

# same_file PATH MODE: standard input is exactly PATH with MODE.
same_file() {
    [ -f "$1" ] && [ ! -L "$1" ] || { cat >/dev/null; return 1; }
    [ "$(stat -c %a "$1")" = "$2" ] || { cat >/dev/null; return 1; }
    cmp -s - "$1"
}

drop_file() { # STEP PATH
    if [ -e "$2" ] || [ -L "$2" ]; then
        if rm -f "$2"; then step "$1" removed; else failed "$1" "cannot remove $2"; fi
    else
        step "$1" ok
    fi
}

# --------------------------------------------------------- 1. the server
PPPD=$(command -v pppd 2>/dev/null)
case $PPPD in
    /*) step pppd ok ;;
    *) PPPD=
       if [ "$MW_ACTION" != remove ]; then
           missing pppd "pppd is not installed: install the package ppp (apt install ppp)"
       fi ;;
esac

if [ "$MW_ACTION" != remove ]; then
    if [ -c /dev/ppp ] || grep -q ' ppp$' /proc/devices 2>/dev/null ||
       modinfo ppp_generic >/dev/null 2>&1 || modinfo ppp_async >/dev/null 2>&1; then
        step kernel-ppp ok
    else
        missing kernel-ppp "this kernel has no PPP (no /dev/ppp, no ppp_generic module); a container may need /dev/ppp from its host"
    fi
    if command -v sudo >/dev/null 2>&1 && command -v visudo >/dev/null 2>&1; then
        step sudo ok
    else
        missing sudo "sudo is not installed: install the package sudo"
    fi
fi

MW_HOME=$(getent passwd "$MW_USER" 2>/dev/null | cut -d: -f6)
if [ -z "$MW_HOME" ]; then
    stop_here account "there is no account $MW_USER on this server"
fi
# Through sudo the script must run for the profile's own account: a
# profile that signs in as someone else would set up the wrong one.
if [ "$MW_VIA_SUDO" = yes ] && [ "${SUDO_USER:-}" != "$MW_USER" ]; then
    stop_here account "signed in as ${SUDO_USER:-root}, not as the profile's account $MW_USER"
fi
step account ok
[ "$status" -eq 0 ] || finish

# ------------------------------------------------------ the client files
# read_client FILE: sets c_index, c_local, c_remote, c_lans, c_gateway,
# c_made_dir and c_made_keys; fails on anything but the lines this script
# writes.
read_client() {
    c_index=; c_local=; c_remote=; c_lans=; c_gateway=no; c_made_dir=no; c_made_keys=no
    while IFS= read -r _line; do
        case $_line in
            '#'*|'') ;;
            index=*) c_index=${_line#index=} ;;
            local=*) c_local=${_line#local=} ;;
            remote=*) c_remote=${_line#remote=} ;;
            lan=*) c_lans="$c_lans ${_line#lan=}" ;;
            gateway=*) c_gateway=${_line#gateway=} ;;
            dns=*) ;;
            created=ssh-dir) c_made_dir=yes ;;
            created=authorized-keys) c_made_keys=yes ;;
            *) return 1 ;;
        esac
    done <"$1"
    case $c_index in ''|*[!0-9]*|0*) return 1 ;; esac
    [ "$c_index" -le 126 ] && valid_ipv4 "$c_local" && valid_ipv4 "$c_remote" || return 1
    for _l in $c_lans; do valid_cidr "$_l" || return 1; done
    case $c_gateway in yes|no) ;; *) return 1 ;; esac
}

read_pool() {
    pool=
    [ -f "$MW_POOL_FILE" ] || return 1
    pool=$(sed -n 's/^pool=//p' "$MW_POOL_FILE" | head -n 1)
    valid_cidr "$pool" && [ "${pool#*/}" = 24 ]
}

# The server's own networks: addresses and routes, every table.
server_networks() {
    ip -4 -o addr show 2>/dev/null | awk '{ print $4 }'
    ip -4 route show table all 2>/dev/null | awk '
        $1 == "default" { next }
        $1 ~ /^(local|broadcast|unicast|unreachable|blackhole|prohibit|throw|multicast|anycast|nat)$/ { print $2; next }
        { print $1 }'
}

choose_pool() {
    _cp_nets=$(server_networks | while read -r _cp_n; do
        case $_cp_n in */*) echo "$_cp_n" ;; *) echo "$_cp_n/32" ;; esac
    done)
    _cp_third=0
    while [ "$_cp_third" -le 255 ]; do
        _cp_cand=10.77.$_cp_third.0/24
        _cp_clash=no
        for _cp_n in $_cp_nets $MW_LANS; do
            case $_cp_n in default*) continue ;; esac
            if valid_cidr "$(int2ip $(( $(ip2int "${_cp_n%/*}") & $(mask_of "${_cp_n#*/}") )))/${_cp_n#*/}" &&
               overlap "$_cp_cand" "$_cp_n"; then
                _cp_clash=yes; break
            fi
        done
        if [ "$_cp_clash" = no ]; then echo "$_cp_cand"; return 0; fi
        _cp_third=$((_cp_third + 1))
    done
    return 1
}

# Clients that need forwarding (a LAN or the gateway), other than $1.
others_forward() {
    for _f in "$MW_CLIENTS"/*; do
        [ -f "$_f" ] || continue
        [ "${_f##*/}" = "$1" ] && continue
        read_client "$_f" || continue
        if [ -n "$c_lans" ] || [ "$c_gateway" = yes ]; then return 0; fi
    done
    return 1
}

other_clients() {
    for _f in "$MW_CLIENTS"/*; do
        [ -f "$_f" ] || continue
        [ "${_f##*/}" = "$1" ] && continue
        return 0
    done
    return 1
}

peers_content() {
    header "for the account $MW_USER"
    printf '# pppd reads it for "pppd call midway-%s", the one command line\n' "$MW_NAME"
    printf '# %s allows.  The addresses are this client'"'"'s pair from\n' "$MW_SUDOERS"
    printf '# the pool in %s; the client cannot choose others.\n' "$MW_POOL_FILE"
    printf '%s:%s\n' "$c_local" "$c_remote"
    printf 'noproxyarp\nnodefaultroute\n'
    for _dns in $MW_DNS; do printf 'ms-dns %s\n' "$_dns"; done
}

sudoers_content() {
    header "for the account $MW_USER"
    printf '%s ALL=(root) NOPASSWD: %s %s\n' "$MW_USER" "$PPPD" "$MW_PPPD_ARGS"
}

client_content() {
    header "for the account $MW_USER"
    printf 'index=%s\nlocal=%s\nremote=%s\n' "$c_index" "$c_local" "$c_remote"
    for _l in $MW_LANS; do printf 'lan=%s\n' "$_l"; done
    printf 'gateway=%s\n' "$MW_GATEWAY"
    for _dns in $MW_DNS; do printf 'dns=%s\n' "$_dns"; done
    # What setup made in the account's home, for remove to take away.
    [ "$c_made_dir" = yes ] && printf 'created=ssh-dir\n'
    [ "$c_made_keys" = yes ] && printf 'created=authorized-keys\n'
    return 0
}

sysctl_content() {
    header "for every Midway account with a network behind this server"
    printf 'net.ipv4.ip_forward = 1\n'
}

unit_content() {
    header "to restore its forwarding rules at boot"
    cat <<'EOF'
[Unit]
Description=Midway VPN: masquerading and MSS clamping for PPP clients
Wants=network-pre.target
Before=network-pre.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh /etc/midway/firewall start
ExecStop=/bin/sh /etc/midway/firewall stop

[Install]
WantedBy=multi-user.target
EOF
}

MW_KEY_LINE=
[ -n "$MW_KEY" ] && MW_KEY_LINE="$MW_KEY_OPTIONS $MW_KEY"

# as_account CMD...: the user's own files are edited as the user, so that
# a link in their home cannot turn root's write into someone else's file.
as_account() {
    if command -v runuser >/dev/null 2>&1; then
        runuser -u "$MW_USER" -- "$@"
    else
        su -s /bin/sh "$MW_USER" -c '"$0" "$@"' -- "$@"
    fi
}

# The authorized_keys edit, run as the account: ours goes first, so that
# sshd meets it before any other line of the same key.  Prints ok, changed,
# removed or missing.
KEY_EDIT='
set -u
mode=$1 home=$2 prefix=$3 line=$4
f=$home/.ssh/authorized_keys
have() { [ -f "$f" ] && awk -v l="$line" "\$0 == l { found = 1 } END { exit !found }" "$f"; }
ours() { [ -f "$f" ] && awk -v p="$prefix" "index(\$0, p) == 1 { found = 1 } END { exit !found }" "$f"; }
case $mode in
check) if [ -n "$line" ]; then have && echo ok || echo missing; else ours && echo ok || echo missing; fi ;;
setup)
    if have && [ "$(awk -v p="$prefix" "index(\$0, p) == 1" "$f" | wc -l)" -eq 1 ]; then echo ok; exit 0; fi
    mkdir -p "$home/.ssh" && chmod 0700 "$home/.ssh" || exit 1
    { printf "%s\n" "$line"; if [ -f "$f" ]; then awk -v p="$prefix" "index(\$0, p) != 1" "$f"; fi; } >"$f.midway-new" &&
        chmod 0600 "$f.midway-new" && mv -f "$f.midway-new" "$f" && echo changed ;;
remove)
    if ! ours; then echo ok; exit 0; fi
    awk -v p="$prefix" "index(\$0, p) != 1" "$f" >"$f.midway-new" &&
        chmod --reference="$f" "$f.midway-new" && mv -f "$f.midway-new" "$f" && echo removed ;;
esac
'

# The account's ~/.ssh and authorized_keys, if setup made them and they
# hold nothing else now, go again; run as the account like the edit.
# Prints what it removed.
SSH_CLEAN='
set -u
home=$1 made_keys=$2 made_dir=$3
f=$home/.ssh/authorized_keys
if [ "$made_keys" = yes ] && [ -f "$f" ] && [ ! -L "$f" ] && [ ! -s "$f" ]; then
    rm -f "$f" || exit 1
    echo authorized-keys
fi
if [ "$made_dir" = yes ] && [ -d "$home/.ssh" ] && [ ! -L "$home/.ssh" ] &&
   [ -z "$(ls -A "$home/.ssh")" ]; then
    rmdir "$home/.ssh" || exit 1
    echo ssh-dir
fi
'

# Another client (key) of the same account, if any: its client file.
other_key_of_account() {
    for _f in "$MW_CLIENTS/$MW_USER" "$MW_CLIENTS/$MW_USER"-????????; do
        [ -f "$_f" ] && [ "$_f" != "$MW_CLIENT_FILE" ] || continue
        # The header names the account: "bob-1a2b3c4d" may be an account.
        grep -qxF "# Written by Midway (midwayctl server setup) for the account $MW_USER." "$_f" || continue
        echo "$_f"; return 0
    done
    return 1
}

ssh_files_down() {
    if [ "$c_made_keys" = no ] && [ "$c_made_dir" = no ]; then
        step ssh-files ok; return
    fi
    # Still in use by another key of the account: the record goes to that
    # client's file, for the last remove to act on.
    if _other=$(other_key_of_account); then
        grep -qx created=ssh-dir "$_other" && c_made_dir=yes
        grep -qx created=authorized-keys "$_other" && c_made_keys=yes
        # In the order client_content writes them, so that the other
        # client's next setup finds its file unchanged.
        { grep -v '^created=' "$_other"
          [ "$c_made_dir" = yes ] && echo created=ssh-dir
          [ "$c_made_keys" = yes ] && echo created=authorized-keys
          true; } | put_file ssh-files "$_other" 644
        return
    fi
    if _r=$(as_account sh -c "$SSH_CLEAN" sh "$MW_HOME" "$c_made_keys" "$c_made_dir" 2>/dev/null); then
        if [ -n "$_r" ]; then step ssh-files removed; else step ssh-files ok; fi
    else
        failed ssh-files "cannot remove the $MW_HOME/.ssh setup made"
    fi
}

key_step() { # MODE
    _r=$(as_account sh -c "$KEY_EDIT" sh "$1" "$MW_HOME" "$MW_KEY_OPTIONS " "$MW_KEY_LINE" 2>/dev/null)
    case $_r in
        ok|changed|removed) step authorized-key "$_r" ;;
        missing) missing authorized-key "$MW_HOME/.ssh/authorized_keys has no Midway line for this key" ;;
        *) failed authorized-key "cannot edit $MW_HOME/.ssh/authorized_keys as $MW_USER" ;;
    esac
}

forward_now() { cat /proc/sys/net/ipv4/ip_forward 2>/dev/null; }

# The firewall script is the same text on every server; it reads the
# client files when it runs, so a re-run finds it unchanged.
firewall_content() {
    header "for its forwarding rules (run by midway-firewall.service)"
    cat <<'EOF'
# Usage: firewall start|stop|status.  Rules live in a table of their own:
# nftables "inet midway", or the chains MIDWAY-POSTROUTING (nat) and
# MIDWAY-FORWARD (mangle) of iptables where nftables cannot run.
set -u
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
dir=${0%/*}
rules() { # BACKEND: one rule a line, from the client files
    for f in "$dir"/clients/*; do
        [ -f "$f" ] || continue
        remote=$(sed -n 's/^remote=\([0-9.]*\)$/\1/p' "$f" | head -n 1)
        [ -n "$remote" ] || continue
        for lan in $(sed -n 's/^lan=\([0-9./]*\)$/\1/p' "$f"); do
            case $1 in
            nft) echo "add rule inet midway postrouting ip saddr $remote ip daddr $lan masquerade" ;;
            iptables) echo "-t nat -A MIDWAY-POSTROUTING -s $remote/32 -d $lan -j MASQUERADE" ;;
            esac
        done
        if grep -qx 'gateway=yes' "$f"; then
            case $1 in
            nft) echo "add rule inet midway postrouting ip saddr $remote oifname != \"ppp*\" masquerade"
                 echo "add rule inet midway forward ip saddr $remote tcp flags & (syn | rst) == syn tcp option maxseg size set rt mtu"
                 echo "add rule inet midway forward ip daddr $remote tcp flags & (syn | rst) == syn tcp option maxseg size set rt mtu" ;;
            iptables) echo "-t nat -A MIDWAY-POSTROUTING -s $remote/32 ! -o ppp+ -j MASQUERADE"
                 echo "-t mangle -A MIDWAY-FORWARD -s $remote/32 -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu"
                 echo "-t mangle -A MIDWAY-FORWARD -d $remote/32 -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu" ;;
            esac
        fi
    done
}
# nftables with the inet family, else iptables (legacy where the nf_tables
# variant cannot run either).
backend() {
    if command -v nft >/dev/null 2>&1 && nft add table inet midway-probe 2>/dev/null; then
        nft delete table inet midway-probe
        echo nft; return
    fi
    for ipt in iptables iptables-legacy; do
        # Listing works even where adding cannot (iptables-nft without
        # the nf_tables ip family): only making a chain tells.
        command -v $ipt >/dev/null 2>&1 || continue
        if $ipt -t nat -N MIDWAY-PROBE 2>/dev/null; then
            $ipt -t nat -X MIDWAY-PROBE
            echo "$ipt"; return
        fi
    done
    echo none
}
ipt_stop() {
    for ipt in iptables iptables-legacy; do
        command -v $ipt >/dev/null 2>&1 || continue
        $ipt -t nat -S MIDWAY-POSTROUTING >/dev/null 2>&1 || $ipt -t mangle -S MIDWAY-FORWARD >/dev/null 2>&1 || continue
        while $ipt -t nat -D POSTROUTING -j MIDWAY-POSTROUTING 2>/dev/null; do :; done
        while $ipt -t mangle -D FORWARD -j MIDWAY-FORWARD 2>/dev/null; do :; done
        $ipt -t nat -F MIDWAY-POSTROUTING 2>/dev/null; $ipt -t nat -X MIDWAY-POSTROUTING 2>/dev/null
        $ipt -t mangle -F MIDWAY-FORWARD 2>/dev/null; $ipt -t mangle -X MIDWAY-FORWARD 2>/dev/null
    done
}
nft_stop() {
    command -v nft >/dev/null 2>&1 || return 0
    if nft list table inet midway >/dev/null 2>&1; then nft delete table inet midway; fi
}
case ${1:-} in
start)
    b=$(backend)
    case $b in
    nft)
        ipt_stop
        { echo "table inet midway"
          echo "delete table inet midway"
          echo "table inet midway {"
          echo "  chain postrouting { type nat hook postrouting priority srcnat; policy accept; }"
          echo "  chain forward { type filter hook forward priority mangle; policy accept; }"
          echo "}"
          rules nft; } | nft -f - || exit 1 ;;
    iptables*)
        nft_stop; ipt_stop
        $b -t nat -N MIDWAY-POSTROUTING && $b -t nat -A POSTROUTING -j MIDWAY-POSTROUTING &&
            $b -t mangle -N MIDWAY-FORWARD && $b -t mangle -A FORWARD -j MIDWAY-FORWARD || exit 1
        rules iptables | while read -r rule; do
            # shellcheck disable=SC2086
            $b $rule || exit 1
        done || exit 1 ;;
    *) echo "neither nftables nor iptables can run here" >&2; exit 1 ;;
    esac
    echo "$b" ;;
stop)
    nft_stop; ipt_stop ;;
status)
    if command -v nft >/dev/null 2>&1 && nft list table inet midway 2>/dev/null; then exit 0; fi
    for ipt in iptables iptables-legacy; do
        command -v $ipt >/dev/null 2>&1 || continue
        if $ipt -t nat -S MIDWAY-POSTROUTING 2>/dev/null; then
            $ipt -t mangle -S MIDWAY-FORWARD 2>/dev/null; exit 0
        fi
    done
    exit 1 ;;
*) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
EOF
}

# Forwarding, the firewall and its boot service, once no account needs
# them: forwarding goes back to what it was before the first setup.
forwarding_down() {
    if [ -f "$MW_SYSCTL" ]; then
        _before=$(sed -n 's/^forwarding-before=\([01]\)$/\1/p' "$MW_POOL_FILE" 2>/dev/null)
        drop_file forwarding-file "$MW_SYSCTL"
        if [ "${_before:-0}" = 0 ] && [ "$(forward_now)" = 1 ]; then
            if echo 0 >/proc/sys/net/ipv4/ip_forward; then step forwarding removed
            else failed forwarding "cannot turn IPv4 forwarding off"; fi
        fi
    fi
    if [ -f "$MW_FIREWALL" ]; then
        sh "$MW_FIREWALL" stop
        step firewall removed
    fi
    drop_file firewall-boot-link "$MW_UNIT_LINK"
    drop_file firewall-boot "$MW_UNIT"
    drop_file firewall-script "$MW_FIREWALL"
}

# ---------------------------------------------------------------- check
if [ "$MW_ACTION" = check ]; then
    if read_pool; then say "pool $pool"; step pool ok; else missing pool "no address pool in $MW_POOL_FILE"; fi
    if [ -f "$MW_CLIENT_FILE" ] && read_client "$MW_CLIENT_FILE"; then
        say "address $c_local $c_remote"
        step address ok
    else
        missing address "no address pair for $MW_NAME in $MW_CLIENT_FILE"
        finish
    fi
    if peers_content | same_file "$MW_PEERS" 644; then step peers ok
    elif [ -e "$MW_PEERS" ]; then wrong peers "$MW_PEERS differs from what setup writes"
    else missing peers "$MW_PEERS is missing"; fi
    if sudoers_content | same_file "$MW_SUDOERS" 440; then step sudoers ok
    elif [ -e "$MW_SUDOERS" ]; then wrong sudoers "$MW_SUDOERS differs from what setup writes"
    else missing sudoers "$MW_SUDOERS is missing"; fi
    if [ -n "$MW_KEY" ]; then key_step check; else step authorized-key skipped; fi
    if [ -n "$c_lans" ] || [ "$c_gateway" = yes ]; then
        if sysctl_content | same_file "$MW_SYSCTL" 644; then step forwarding-file ok
        else missing forwarding-file "$MW_SYSCTL is missing or differs"; fi
        if [ "$(forward_now)" = 1 ]; then step forwarding ok
        else missing forwarding "IPv4 forwarding is off (net.ipv4.ip_forward)"; fi
        if firewall_content | same_file "$MW_FIREWALL" 755 && unit_content | same_file "$MW_UNIT" 644 &&
           [ -L "$MW_UNIT_LINK" ]; then step firewall-boot ok
        else missing firewall-boot "$MW_FIREWALL, $MW_UNIT or its link is missing or differs"; fi
        _rules=$(sh "$MW_FIREWALL" status 2>/dev/null)
        case $_rules in
            *" $c_remote "*|*" $c_remote/32 "*) step firewall ok ;;
            *) missing firewall "the firewall has no Midway rule for $c_remote" ;;
        esac
    fi
    finish
fi

# --------------------------------------------------------------- remove
if [ "$MW_ACTION" = remove ]; then
    c_made_dir=no; c_made_keys=no
    [ -f "$MW_CLIENT_FILE" ] && read_client "$MW_CLIENT_FILE"
    key_step remove
    ssh_files_down
    drop_file sudoers "$MW_SUDOERS"
    drop_file peers "$MW_PEERS"
    drop_file address "$MW_CLIENT_FILE"
    if ! others_forward "$MW_NAME"; then
        forwarding_down
    elif [ -f "$MW_FIREWALL" ]; then
        if _b=$(sh "$MW_FIREWALL" start); then step firewall changed; say "firewall $_b"
        else failed firewall "the firewall rules of the other accounts could not be loaded"; fi
    fi
    if ! other_clients "$MW_NAME"; then
        drop_file pool "$MW_POOL_FILE"
        rmdir "$MW_CLIENTS" 2>/dev/null
        rmdir "$MW_DIR" 2>/dev/null
    fi
    finish
fi

# ---------------------------------------------------------------- setup
[ -n "$PPPD" ] || finish
[ "$status" -eq 0 ] || finish

for _d in "$MW_DIR" "$MW_CLIENTS" /etc/ppp/peers /etc/sudoers.d; do
    if [ ! -d "$_d" ]; then
        mkdir -p "$_d" || stop_here pool "cannot make $_d"
        chmod 0755 "$_d"
    fi
done
[ "$(stat -c %a /etc/sudoers.d)" = 750 ] || [ "$(stat -c %a /etc/sudoers.d)" = 755 ] || true

# 2. the pool and this account's pair
if read_pool; then
    step pool ok
elif [ -e "$MW_POOL_FILE" ]; then
    stop_here pool "$MW_POOL_FILE is not Midway's"
else
    pool=$(choose_pool) || stop_here pool "no 10.77.N.0/24 is free of this server's networks"
    { header "for every Midway account"
      printf '# Tunnel addresses are given out from this /24 in pairs, one pair a\n'
      printf '# file in %s.\n' "$MW_CLIENTS"
      printf 'pool=%s\nforwarding-before=%s\n' "$pool" "$(forward_now)"
    } | put_file pool "$MW_POOL_FILE" 644 || finish
fi
say "pool $pool"
_base=$(ip2int "${pool%/*}")

if [ -f "$MW_CLIENT_FILE" ]; then
    read_client "$MW_CLIENT_FILE" || stop_here address "$MW_CLIENT_FILE is not Midway's"
else
    _used=" "
    for _f in "$MW_CLIENTS"/*; do
        [ -f "$_f" ] || continue
        read_client "$_f" || stop_here address "$_f is not Midway's"
        _used="$_used$c_index "
    done
    c_index=1
    while case $_used in *" $c_index "*) true ;; *) false ;; esac; do
        c_index=$((c_index + 1))
    done
    [ "$c_index" -le 126 ] || stop_here address "the pool $pool has no free pair left"
    c_made_dir=no; c_made_keys=no
fi
# Kept from the first run, which is the one that made them.
if [ -n "$MW_KEY" ]; then
    [ -e "$MW_HOME/.ssh" ] || [ -L "$MW_HOME/.ssh" ] || c_made_dir=yes
    [ -e "$MW_HOME/.ssh/authorized_keys" ] || [ -L "$MW_HOME/.ssh/authorized_keys" ] || c_made_keys=yes
fi
c_local=$(int2ip $((_base + 2 * c_index)))
c_remote=$(int2ip $((_base + 2 * c_index + 1)))
client_content | put_file address "$MW_CLIENT_FILE" 644 || finish
say "address $c_local $c_remote"

# 3. pppd's peers file and the sudoers drop-in
peers_content | put_file peers "$MW_PEERS" 644 || finish

if sudoers_content | same_file "$MW_SUDOERS" 440; then
    step sudoers ok
else
    sudoers_content >"$MW_SUDOERS.midway-new" && chmod 0440 "$MW_SUDOERS.midway-new" ||
        { rm -f "$MW_SUDOERS.midway-new"; stop_here sudoers "cannot write $MW_SUDOERS.midway-new"; }
    # sudo ignores names with a dot, so the temporary file is never read
    # before visudo has passed it.
    if ! visudo -cqf "$MW_SUDOERS.midway-new" >/dev/null 2>&1; then
        rm -f "$MW_SUDOERS.midway-new"
        stop_here sudoers "visudo refuses the drop-in for $MW_USER"
    fi
    mv -f "$MW_SUDOERS.midway-new" "$MW_SUDOERS" || stop_here sudoers "cannot put $MW_SUDOERS in place"
    step sudoers changed
fi

# 4. the key, restricted to that pppd command line
if [ -n "$MW_KEY" ]; then
    key_step setup
    [ "$status" -eq 0 ] || finish
else
    step authorized-key skipped
fi

# 5. forwarding and the firewall
if [ -n "$MW_LANS" ] || [ "$MW_GATEWAY" = yes ] || others_forward "$MW_NAME"; then
    sysctl_content | put_file forwarding-file "$MW_SYSCTL" 644 || finish
    if [ "$(forward_now)" = 1 ]; then step forwarding ok
    elif echo 1 >/proc/sys/net/ipv4/ip_forward; then step forwarding changed
    else stop_here forwarding "cannot turn IPv4 forwarding on"; fi
    firewall_content | put_file firewall-script "$MW_FIREWALL" 755 || finish
    unit_content | put_file firewall-boot "$MW_UNIT" 644 || finish
    if [ -L "$MW_UNIT_LINK" ]; then
        step firewall-boot-link ok
    else
        mkdir -p "${MW_UNIT_LINK%/*}" && ln -sf "$MW_UNIT" "$MW_UNIT_LINK" ||
            stop_here firewall-boot-link "cannot enable $MW_UNIT"
        step firewall-boot-link changed
    fi
    # Rebuilt from the client files each time: the same files give the
    # same rules, and the table holds nothing else.
    if _b=$(sh "$MW_FIREWALL" start); then
        step firewall ok
        say "firewall $_b"
    else
        stop_here firewall "the firewall rules could not be loaded (nftables or iptables with NAT)"
    fi
else
    # A re-run without --lan or --gateway takes back what an earlier run
    # of this account's set up.
    if [ -f "$MW_SYSCTL" ] || [ -f "$MW_FIREWALL" ]; then
        forwarding_down
    else
        step forwarding skipped
    fi
fi
finish

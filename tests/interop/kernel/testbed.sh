#!/usr/bin/env bash
# Kernel interop testbed: the ovlperf sender (DPDK, net_af_packet) in namespace A, the Linux
# kernel answering ICMP echo in namespace B, one veth pair between them.
#
#   A: veth-a, no IP address (the af_packet PMD owns it), MAC 02:00:00:00:00:01
#   B: veth-b 192.0.2.2/24, MAC 02:00:00:00:00:02, and per mode:
#      raw      nothing more
#      vxlan    vxlan0: VNI 42, dstport 4789, learning, 198.51.100.2/24, MAC 02:00:00:00:01:02,
#               plus the all-zeros fdb entry -> 192.0.2.1 (the kernel's ARP requests for
#               198.51.100.1 need it; see README.md)
#      ipip     tunnel_endpoint.py --mode ipip, TUN ovltun0 198.51.100.2/24
#      flannel  tunnel_endpoint.py --mode flannel (UDP 8285), TUN ovltun0 198.51.100.2/24
#      geneve   the kernel's geneve device ovlgnv0 (VNI 42, dstport 6081, remote 192.0.2.1) where
#               the kernel has one, else tunnel_endpoint.py --mode geneve, TAP ovltap0;
#               198.51.100.2/24, MAC 02:00:00:00:01:02 either way
#      gretap   the kernel's gretap device ovlgtap0 (remote 192.0.2.1, key $TB_GRE_KEY if set)
#               where the kernel has one, else tunnel_endpoint.py --mode gretap, TAP ovltap0;
#               198.51.100.2/24, MAC 02:00:00:00:01:02 either way
# The MACs are ovlperf's defaults. No static neighbour entries: B resolves 192.0.2.1 (and, for
# vxlan, geneve and gretap, 198.51.100.1 inside the tunnel) by ARP, which the sender must answer.
# One line on stderr says what carries the tunnel: the kernel's device or the userspace endpoint
# (TB_ENDPOINT afterwards: kernel or userspace; empty for raw).
#
# As a command:
#   testbed.sh up MODE          build it; prints `export TB_...=...` lines to eval
#   testbed.sh down [STATE]     tear it down (STATE: the TB_STATE file, default $TB_STATE)
#   testbed.sh run MODE -- CMD  build it, run CMD with the TB_* variables exported, tear it
#                               down (also on failure, SIGINT, SIGTERM); exits with CMD's status
# Sourced: tb_up MODE / tb_down (set your own trap: trap tb_down EXIT).
#
# Environment: TB_ID (name suffix, default the shell's pid $$), TB_MTU (underlay MTU, default
# 1500), TB_RP_FILTER (B's rp_filter, default 1 = strict), TB_OFFLOADS (off | keep, default off),
# TB_VXLAN_DEFAULT_FDB (1 | 0, default 1), TB_STATE_DIR (default /tmp), TB_INNER_MAC (the inner
# device's MAC for vxlan, geneve, gretap; default 02:00:00:00:01:02), TB_GRE_KEY (gretap: a
# 32-bit key, default none), TB_USERSPACE (1: geneve and gretap use the userspace endpoint even
# where the kernel has the device; default 0).
# Names: namespaces ovlA-MODE-ID and ovlB-MODE-ID; interfaces inside them are fixed.

# shellcheck disable=SC2034  # the TB_* variables are written out through ${!v}
TB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TB_VARS="TB_MODE TB_ID TB_NS_A TB_NS_B TB_IF_A TB_IF_B TB_MAC_A TB_MAC_B TB_IP_A TB_IP_B
	TB_INNER_IP_A TB_INNER_IP_B TB_INNER_MAC_A TB_INNER_MAC_B TB_VNI TB_VXLAN_PORT
	TB_FLANNEL_PORT TB_GENEVE_PORT TB_GRE_KEY TB_ENDPOINT TB_TUNNEL_DEV TB_MTU TB_PID TB_STATE
	TB_LOG"

_tb_step() { "$@" || { echo "testbed: failed: $*" >&2; return 1; }; }
_tb_in() { local ns=$1; shift; _tb_step ip netns exec "$ns" "$@"; }

_tb_save() {
	local v
	for v in $TB_VARS; do printf 'export %s=%q\n' "$v" "${!v-}"; done > "$TB_STATE"
}

# True while $1 is our endpoint (guards against a recycled pid).
_tb_endpoint_alive() {
	[ -n "$1" ] && grep -qa tunnel_endpoint.py "/proc/$1/cmdline" 2>/dev/null
}

# TERM the given pids, wait up to 2 s, then KILL what is left.
_tb_kill() {
	local pid i
	[ $# -eq 0 ] && return 0
	kill -TERM "$@" 2>/dev/null
	for i in $(seq 20); do
		for pid in "$@"; do kill -0 "$pid" 2>/dev/null && break; pid=; done
		[ -z "$pid" ] && return 0
		sleep 0.1
	done
	kill -KILL "$@" 2>/dev/null
	return 0
}

tb_up() {
	case ${1-} in raw|vxlan|ipip|flannel|geneve|gretap) ;;
	*) echo "tb_up: MODE is raw|vxlan|ipip|flannel|geneve|gretap" >&2; return 2;; esac
	TB_MODE=$1
	TB_ID=${TB_ID:-$$}
	TB_NS_A=ovlA-$TB_MODE-$TB_ID TB_NS_B=ovlB-$TB_MODE-$TB_ID
	TB_IF_A=veth-a TB_IF_B=veth-b
	TB_MAC_A=02:00:00:00:00:01 TB_MAC_B=02:00:00:00:00:02
	TB_IP_A=192.0.2.1 TB_IP_B=192.0.2.2
	TB_INNER_IP_A=198.51.100.1 TB_INNER_IP_B=198.51.100.2
	TB_INNER_MAC_A=02:00:00:00:01:01 TB_INNER_MAC_B=''
	TB_VNI=42 TB_VXLAN_PORT=4789 TB_FLANNEL_PORT=8285 TB_GENEVE_PORT=6081
	TB_GRE_KEY=${TB_GRE_KEY-} TB_ENDPOINT='' TB_TUNNEL_DEV=''
	TB_MTU=${TB_MTU:-1500} TB_PID=''
	if [ "$TB_MODE" != gretap ]; then
		TB_GRE_KEY=''
	elif [ -n "$TB_GRE_KEY" ] && { ! [[ $TB_GRE_KEY =~ ^[0-9]{1,10}$ ]] ||
			[ "$TB_GRE_KEY" -gt 4294967295 ]; }; then
		echo "testbed: TB_GRE_KEY is a decimal 0..4294967295" >&2
		return 2
	fi
	TB_STATE=${TB_STATE_DIR:-/tmp}/ovlperf-testbed.$TB_ID.$TB_MODE.env
	TB_LOG=${TB_STATE%.env}.log
	if [ -e "/run/netns/$TB_NS_A" ] || [ -e "/run/netns/$TB_NS_B" ]; then
		echo "testbed: $TB_NS_A or $TB_NS_B exists already (set TB_ID)" >&2
		TB_NS_A='' TB_NS_B=''
		return 1
	fi
	_tb_save || return 1   # before creating anything, so that down can undo a partial build
	_tb_build || { tb_down; return 1; }
	_tb_save
}

_tb_build() {
	local ns off=(tx off rx off gro off gso off tso off) TB_ENDPOINT_WHY=''
	_tb_step ip netns add "$TB_NS_A" || return 1
	_tb_step ip netns add "$TB_NS_B" || return 1
	for ns in "$TB_NS_A" "$TB_NS_B"; do
		# No IPv6 anywhere (router solicitations, MLD, DAD would reach the sender); rp_filter
		# explicit: new namespaces inherit the host's IPv4 defaults.
		_tb_in "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
			"net.ipv4.conf.all.rp_filter=${TB_RP_FILTER:-1}" \
			"net.ipv4.conf.default.rp_filter=${TB_RP_FILTER:-1}" || return 1
		_tb_in "$ns" ip link set lo up || return 1
	done
	_tb_step ip link add "$TB_IF_A" netns "$TB_NS_A" address "$TB_MAC_A" mtu "$TB_MTU" type veth \
		peer name "$TB_IF_B" netns "$TB_NS_B" address "$TB_MAC_B" mtu "$TB_MTU" || return 1
	if [ "${TB_OFFLOADS:-off}" = off ]; then
		# B's tx checksum offload is the one that matters: with it, the kernel hands veth
		# CHECKSUM_PARTIAL skbs and af_packet on A reads UDP checksums not filled in.
		# The rest is off so every frame crosses the veth as it is on a wire.
		_tb_in "$TB_NS_A" ethtool -K "$TB_IF_A" "${off[@]}" > /dev/null || return 1
		_tb_in "$TB_NS_B" ethtool -K "$TB_IF_B" "${off[@]}" > /dev/null || return 1
	fi
	_tb_in "$TB_NS_A" ip link set "$TB_IF_A" up || return 1
	_tb_in "$TB_NS_B" ip addr add "$TB_IP_B/24" dev "$TB_IF_B" || return 1
	_tb_in "$TB_NS_B" ip link set "$TB_IF_B" up || return 1
	# The end that came up first gets its carrier (and its qdisc: until then frames are
	# dropped) from the kernel's linkwatch, up to a second later: wait for both to be up.
	local _
	for _ in $(seq 50); do
		[ "$(ip netns exec "$TB_NS_A" cat "/sys/class/net/$TB_IF_A/operstate")" = up ] &&
			[ "$(ip netns exec "$TB_NS_B" cat "/sys/class/net/$TB_IF_B/operstate")" = up ] && break
		sleep 0.1
	done
	case $TB_MODE in
	vxlan)
		TB_INNER_MAC_B=${TB_INNER_MAC:-02:00:00:00:01:02} TB_ENDPOINT=kernel TB_TUNNEL_DEV=vxlan0
		_tb_in "$TB_NS_B" ip link add vxlan0 address "$TB_INNER_MAC_B" mtu $((TB_MTU - 50)) \
			type vxlan id "$TB_VNI" dstport "$TB_VXLAN_PORT" local "$TB_IP_B" dev "$TB_IF_B" \
			learning || return 1
		if [ "${TB_VXLAN_DEFAULT_FDB:-1}" = 1 ]; then
			_tb_in "$TB_NS_B" bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst "$TB_IP_A" || return 1
		fi
		_tb_in "$TB_NS_B" ip addr add "$TB_INNER_IP_B/24" dev vxlan0 || return 1
		_tb_in "$TB_NS_B" ip link set vxlan0 up || return 1
		echo "testbed: vxlan: the kernel's vxlan device vxlan0" >&2
		;;
	geneve|gretap)
		TB_INNER_MAC_B=${TB_INNER_MAC:-02:00:00:00:01:02}
		_tb_kernel_l2 && return 0
		[ $? -eq 1 ] || return 1
		_tb_endpoint --mac "$TB_INNER_MAC_B" --vni "$TB_VNI" --port "$TB_GENEVE_PORT" \
			${TB_GRE_KEY:+--key "$TB_GRE_KEY"}
		;;
	ipip|flannel)
		_tb_endpoint --port "$TB_FLANNEL_PORT"
		;;
	esac
}

# geneve, gretap: the kernel's own device. Returns 0 when it is up, 1 when this kernel has no
# such device type (or TB_USERSPACE=1): use the userspace endpoint; 2 on any other failure.
_tb_kernel_l2() {
	local err dev kind args
	if [ "$TB_MODE" = geneve ]; then
		dev=ovlgnv0 kind="geneve device"
		args=(mtu $((TB_MTU - 50)) type geneve id "$TB_VNI" remote "$TB_IP_A"
			dstport "$TB_GENEVE_PORT")
	else
		# Not gretap0: that name is the fallback device ip_gre makes in every namespace.
		dev=ovlgtap0 kind="gretap device"
		args=(mtu $((TB_MTU - 38)) type gretap local "$TB_IP_B" remote "$TB_IP_A" dev "$TB_IF_B")
		if [ -n "$TB_GRE_KEY" ]; then   # 4 more bytes of GRE header
			args=(mtu $((TB_MTU - 42)) "${args[@]:2}" key "$TB_GRE_KEY")
		fi
	fi
	if [ "${TB_USERSPACE:-0}" = 1 ]; then
		TB_ENDPOINT_WHY="TB_USERSPACE=1"
		return 1
	fi
	if ! err=$(ip netns exec "$TB_NS_B" ip link add "$dev" address "$TB_INNER_MAC_B" \
			"${args[@]}" 2>&1); then
		case $err in
		*"Unknown device type"*)
			TB_ENDPOINT_WHY="this kernel has no $TB_MODE device: ip link add says '${err%.}'"
			return 1 ;;
		esac
		echo "testbed: failed: ip link add $dev ... type $TB_MODE: $err" >&2
		return 2
	fi
	TB_ENDPOINT=kernel TB_TUNNEL_DEV=$dev
	_tb_in "$TB_NS_B" ip addr add "$TB_INNER_IP_B/24" dev "$dev" || return 2
	_tb_in "$TB_NS_B" ip link set "$dev" up || return 2
	echo "testbed: $TB_MODE: the kernel's $kind $dev" >&2
	return 0
}

# tunnel_endpoint.py for TB_MODE with the common options and "$@"; waits until it is ready.
_tb_endpoint() {
	local _ kind=TUN
	TB_ENDPOINT=userspace TB_TUNNEL_DEV=ovltun0
	case $TB_MODE in geneve|gretap) TB_TUNNEL_DEV=ovltap0 kind=TAP ;; esac
	: > "$TB_LOG"
	ip netns exec "$TB_NS_B" /usr/bin/python3 "$TB_DIR/tunnel_endpoint.py" --mode "$TB_MODE" \
		--dev "$TB_TUNNEL_DEV" --local "$TB_IP_B" --inner "$TB_INNER_IP_B/24" \
		--mtu "$TB_MTU" "$@" < /dev/null >> "$TB_LOG" 2>&1 &
	TB_PID=$!   # ip netns exec execs the command: this is the endpoint's pid
	_tb_save
	for _ in $(seq 50); do
		if grep -qx ready "$TB_LOG"; then
			echo "testbed: $TB_MODE: the userspace endpoint tunnel_endpoint.py (pid $TB_PID)" \
				"on $kind $TB_TUNNEL_DEV${TB_ENDPOINT_WHY:+ (${TB_ENDPOINT_WHY})}" >&2
			return 0
		fi
		kill -0 "$TB_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "testbed: tunnel endpoint not ready; its log:" >&2
	cat "$TB_LOG" >&2
	return 1
}

tb_down() {
	local ns pids
	if _tb_endpoint_alive "${TB_PID-}"; then
		_tb_kill "$TB_PID"
	fi
	for ns in ${TB_NS_A-} ${TB_NS_B-}; do
		[ -e "/run/netns/$ns" ] || continue
		# Whatever else still runs in our namespaces (e.g. a sender left behind) would keep
		# them, and the veth, alive after `ip netns del`.
		pids=$(ip netns pids "$ns" 2>/dev/null)
		# shellcheck disable=SC2086
		_tb_kill $pids
		ip netns del "$ns" || echo "testbed: could not delete namespace $ns" >&2
	done
	[ -n "${TB_STATE-}" ] && rm -f "$TB_STATE"
	[ -n "${TB_LOG-}" ] && rm -f "$TB_LOG"
	TB_NS_A='' TB_NS_B='' TB_PID=''
	return 0
}

_tb_main() {
	local cmd=${1-}
	shift || true
	case $cmd in
	up)
		trap 'tb_down; exit 130' INT
		trap 'tb_down; exit 143' TERM
		tb_up "$@" >&2 || exit 1   # stdout carries only the variables
		cat "$TB_STATE"
		;;
	down)
		TB_STATE=${1:-${TB_STATE-}}
		[ -f "$TB_STATE" ] || { echo "testbed: no state file '$TB_STATE'" >&2; exit 1; }
		# shellcheck disable=SC1090
		. "$TB_STATE"
		tb_down
		;;
	run)
		local mode=${1-} child='' rc
		shift
		[ "${1-}" = -- ] && shift
		[ $# -gt 0 ] || { echo "usage: testbed.sh run MODE -- CMD [ARGS...]" >&2; exit 2; }
		# bash runs traps only between commands: CMD runs in the background and we wait for
		# it, so a signal reaches the trap at once.
		trap 'tb_down' EXIT
		trap '[ -n "$child" ] && _tb_kill "$child"; exit 130' INT
		trap '[ -n "$child" ] && _tb_kill "$child"; exit 143' TERM
		tb_up "$mode" || exit 1
		# shellcheck disable=SC1090
		. "$TB_STATE"   # exports the TB_* variables for CMD
		"$@" &
		child=$!
		wait "$child"
		rc=$?
		child=''
		exit $rc
		;;
	*)
		sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
		exit 2
		;;
	esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	_tb_main "$@"
fi

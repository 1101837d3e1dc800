#!/bin/sh
# SPDX-License-Identifier: MIT
# remote_setup.sh up BUILD_DIR | down - two test hosts for the remote-path
# benchmark: network namespaces mslbench-a and mslbench-b on a veth pair,
# each running mailslotd.  `up` prints "mslbench-a,mslbench-b,10.254.77.2"
# for msl_bench --remote.  Needs root and iproute2; touches nothing else.
set -eu
A=mslbench-a B=mslbench-b IPA=10.254.77.1 IPB=10.254.77.2

down() {
	for ns in $A $B; do
		if ip netns list 2>/dev/null | grep -qw "$ns"; then
			ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
			ip netns del "$ns" 2>/dev/null || true
		fi
	done
}

case "${1:-}" in
down)
	down
	;;
up)
	build=$2
	daemon=$build/src/daemon/mailslotd
	cli=$build/src/tools/mailslot
	[ "$(id -u)" -eq 0 ] || { echo "remote_setup.sh: needs root" >&2; exit 77; }
	command -v ip >/dev/null || { echo "remote_setup.sh: needs iproute2" >&2; exit 77; }
	[ -x "$daemon" ] && [ -x "$cli" ] || { echo "remote_setup.sh: no mailslotd in $build" >&2; exit 66; }
	down
	ip netns add $A
	ip netns add $B
	ip link add mslb-a type veth peer name mslb-b
	ip link set mslb-a netns $A
	ip link set mslb-b netns $B
	ip -n $A addr add $IPA/24 brd + dev mslb-a
	ip -n $B addr add $IPB/24 brd + dev mslb-b
	for ns in $A $B; do
		ip -n $ns link set lo up
	done
	ip -n $A link set mslb-a up
	ip -n $B link set mslb-b up
	# The test hosts have no mailslotd user: the daemons run as nobody.
	ip netns exec $A "$daemon" -o 'netbios name=BENCHA' -o workgroup=BENCH \
	    -o 'log level=warn' -o 'user=nobody' </dev/null >/dev/null 2>&1 &
	ip netns exec $B "$daemon" -o 'netbios name=BENCHB' -o workgroup=BENCH \
	    -o 'log level=warn' -o 'user=nobody' </dev/null >/dev/null 2>&1 &
	# Ready when each daemon answers on its control socket (bounded).
	for ns in $A $B; do
		i=0
		until ip netns exec $ns "$cli" stats >/dev/null 2>&1; do
			i=$((i + 1))
			[ $i -lt 100 ] || { echo "remote_setup.sh: mailslotd in $ns did not start" >&2; down; exit 70; }
			sleep 0.05
		done
	done
	echo "$A,$B,$IPB"
	;;
*)
	echo "usage: remote_setup.sh up BUILD_DIR | down" >&2
	exit 64
	;;
esac

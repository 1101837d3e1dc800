#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# routed_test.sh MAILSLOTD MAILSLOT NBTOOL: remote broadcast targets and
# the duplicate window across a router (docs/network.md).
#
# Subnet A holds A (mailslotd HOSTA) and D (no daemon); subnet B holds B
# and C (mailslotd HOSTB, HOSTC); router R forwards between them,
# directed broadcasts included.  A lists subnet B's broadcast as a
# "remote broadcast" target.  Checked: without the key nothing crosses
# the router; with it \\* and \\WG writes from A reach B and C; D,
# sending itself, reaches B through its own configuration (a host as the
# target); B delivers two identical copies of one datagram from A once
# within the duplicate timeout, and both once "duplicate timeout = 0" is
# reloaded.
set -u
. "$(dirname "$0")/netlib.sh" # reads MAILSLOTD MAILSLOT NBTOOL from "$@"
export MAILSLOT_NAMESPACE=routedtest

nl_init
nl_conf
nl_routed R
nl_host_on A A 1
nl_host_on A D 2
nl_host_on B B 1
nl_host_on B C 2
nl_router_forward_bcast


bconf="$NL_TMP/hostb.conf"
echo "duplicate timeout = 2" >"$bconf"
chmod 644 "$bconf"
check "mailslotd starts on A (remote broadcast = $NL_BCAST_B)" \
  start_daemon A HOSTA -o "remote broadcast = $NL_BCAST_B"
check "mailslotd starts on B" start_daemon B HOSTB -c "$bconf"
check "mailslotd starts on C" start_daemon C HOSTC
check "reader on B" start_recv B x "$NL_TMP/b.out"
check "reader on C" start_recv C x "$NL_TMP/c.out"

# count FILE DATA: how many messages DATA FILE holds.
count() { grep -cF "\"data\":\"$2\"}" "$1"; }

nl_log "D without remote broadcast, then with"
dconf="$NL_TMP/hostd.conf"
printf 'netbios name = HOSTD\nworkgroup = WG\n' >"$dconf"
chmod 644 "$dconf"
check "D sends \\\\*\\mailslot\\x without the key" \
  env MAILSLOT_CONFIG="$dconf" ip netns exec "$(nl_ns D)" "$MAILSLOT" send '\\*\mailslot\x' local-only
echo "remote broadcast = $IP_B" >>"$dconf"
check "D sends \\\\*\\mailslot\\x with remote broadcast = B's address" \
  env MAILSLOT_CONFIG="$dconf" ip netns exec "$(nl_ns D)" "$MAILSLOT" send '\\*\mailslot\x' via-d
check "  it reaches B (D's own socket, not port 138)" wait_until 10 has_msg "$NL_TMP/b.out" via-d
check "  from D's address" grep -F '"data":"via-d"}' "$NL_TMP/b.out" -q
check "  the write without the key never crossed the router" bash -c "! grep -qF local-only '$NL_TMP/b.out' '$NL_TMP/c.out'"

nl_log "A's writes cross the router"
check "send \\\\*\\mailslot\\x from A" nl_run A "$MAILSLOT" send '\\*\mailslot\x' star-a
check "send \\\\WG\\mailslot\\x from A" nl_run A "$MAILSLOT" send '\\WG\mailslot\x' wg-a
for m in star-a wg-a; do
  check "  '$m' reaches B on subnet B" wait_until 10 has_msg "$NL_TMP/b.out" "$m"
  check "  '$m' reaches C on subnet B (the subnet's broadcast)" wait_until 10 has_msg "$NL_TMP/c.out" "$m"
done
check "  from HOSTA at A's address, port 138" \
  grep -qF "\"sender\":{\"remote\":true,\"ip\":\"$IP_A\",\"port\":138,\"name\":\"HOSTA\"," "$NL_TMP/c.out"

nl_log "duplicates: two identical copies from A"
# dup DATA: two identical copies of one datagram from A to HOSTB, for x.
dup() { NBTOOL_REPEAT=2 nl_run A "$NBTOOL" send "$IP_B" 138 unique HOSTB '\MAILSLOT\X' "$1" >/dev/null; }
check "A sends one datagram twice to B" dup dup-1
# A unicast write after it is a barrier: once it is in, both copies are.
check "A's barrier to \\\\$IP_B" nl_run A "$MAILSLOT" send "\\\\$IP_B\\mailslot\\x" barrier1
check "  (in)" wait_until 10 has_msg "$NL_TMP/b.out" barrier1
check "B delivered it once (duplicate timeout = 2)" test "$(count "$NL_TMP/b.out" dup-1)" -eq 1
check "  and counted the other copy as a duplicate" test "$(counter B drop_duplicate)" -eq 1
echo "duplicate timeout = 0" >"$bconf"
pv=DPID_B
kill -HUP "${!pv}"
check "B reloads duplicate timeout = 0" wait_until 10 grep -q "event=reload result=ok" "$NL_TMP/mailslotd-B.log"
check "A sends another datagram twice" dup dup-2
check "  B now delivers both copies" wait_until 10 bash -c "[ \$(grep -cF '\"data\":\"dup-2\"}' '$NL_TMP/b.out') -eq 2 ]"
check "  and counted no more duplicates" test "$(counter B drop_duplicate)" -eq 1

finish_daemons A B C
nl_summary

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# iface_test.sh MAILSLOTD MAILSLOT NBTOOL SCALETOOL: mailslotd following
# address changes without a restart (netlink), with "interfaces" given
# as a subnet.
#
# A and B share a LAN, 10.R.0.0/24.  B's daemon is told `interfaces =
# 10.R.1.0/24`, a subnet none of its addresses is in yet: a datagram
# from A is refused (drop_wrong_interface) and a broadcast write on B has
# nowhere to go.  Then 10.R.1.2/24 is added to B's eth0 (and 10.R.1.1/24
# to A's): without a restart or a reload, A's datagram is delivered and
# B's broadcast leaves from 10.R.1.2 port 138 to 10.R.1.255.  Removing the
# address again makes B refuse once more.
set -u
SCALETOOL=$4
. "$(dirname "$0")/netlib.sh"
export MAILSLOT_NAMESPACE=ifacetest

nl_lan A B
NET1="10.$NL_R.1"

check "mailslotd starts on B with interfaces = $NET1.0/24" \
  start_daemon B HOSTB -o "interfaces = $NET1.0/24"
check "a reader of box on B" start_recv B box "$NL_TMP/box.out"
send_a() { nl_run A "$NBTOOL" send "$1" 138 valid WG '\MAILSLOT\BOX' "$2" >/dev/null; }
grew() { [ "$(counter B "$1")" -ge $(( $2 + ${3:-1} )) ]; }

w0=$(counter B drop_wrong_interface)
send_a "$IP_B" before-address
check "before: a datagram on eth0 (no address in the subnet) is refused" \
  wait_until 10 grew drop_wrong_interface "$w0"
check "before: B logged that no interface is selected" \
  grep -q 'event=interfaces selected=none' "$NL_TMP/mailslotd-B.log"

nl_log "adding $NET1.2/24 to B's eth0 and $NET1.1/24 to A's"
ip -n "$(nl_ns A)" addr add "$NET1.1/24" brd + dev eth0
ip -n "$(nl_ns B)" addr add "$NET1.2/24" brd + dev eth0
check "B logged the new address as selected, without a restart" \
  wait_until 10 grep -q "event=interfaces selected=eth0=$NET1.2" "$NL_TMP/mailslotd-B.log"
send_a "$NET1.2" after-address
check "after: A's datagram to the new address is delivered" \
  wait_until 10 has_msg "$NL_TMP/box.out" after-address
send_a "$IP_B" after-address-old
check "after: one to the old address, on the same interface, too" \
  wait_until 10 has_msg "$NL_TMP/box.out" after-address-old

# B's broadcast write goes out through the daemon on the selected address.
nl_bg A "$NL_TMP/listen.txt" "$NBTOOL" listen 138 10000
listen_pid=$NL_LAST_PID
wait_until 10 bash -c "ip netns exec $(nl_ns A) ss -lun | grep -q ':138 '"
nl_run B "$MAILSLOT" send '\\*\mailslot\box' broadcast-after
wait "$listen_pid"
check "after: B's broadcast leaves from $NET1.2 port 138" grep -q "^FROM $NET1.2:138 " "$NL_TMP/listen.txt"
tx=$(counter B tx_datagrams)
check "  and is counted as sent" test "${tx:-0}" -ge 1

nl_log "removing $NET1.2/24 from B"
ip -n "$(nl_ns B)" addr del "$NET1.2/24" dev eth0
check "B logged that no interface is selected again" \
  wait_until 10 bash -c "tail -n 1 <(grep 'event=interfaces' '$NL_TMP/mailslotd-B.log') | grep -q 'selected=none'"
w0=$(counter B drop_wrong_interface)
send_a "$IP_B" after-removal
check "after removal: datagrams are refused again" wait_until 10 grew drop_wrong_interface "$w0"
check "  and not delivered" bash -c "! grep -qF '\"data\":\"after-removal\"}' '$NL_TMP/box.out'"
check "before-address was never delivered" bash -c "! grep -qF '\"data\":\"before-address\"}' '$NL_TMP/box.out'"

finish_daemons B
nl_summary

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# broadcast_test.sh MAILSLOTD MAILSLOT NBTOOL BROADCAST_SEND: the broadcast
# example on a LAN of network namespaces that this test creates (the
# daemon tests' netlib.sh), never on a real network.  Host A runs no
# daemon and sends \\*\mailslot\news with the example; B and C run
# mailslotd and `mailslot recv news`, and both must get every message,
# named as coming from A.  Without root it is skipped (exit 77).
set -u
. "$(dirname "$0")/../../src/daemon/tests/netlib.sh" # reads $1..$3
BROADCAST=${4:?usage: broadcast_test.sh MAILSLOTD MAILSLOT NBTOOL BROADCAST_SEND}
export MAILSLOT_NAMESPACE=bcastexample

nl_init
nl_conf
nl_host A 1
nl_host B 2
nl_host C 3

# A has no daemon: the library takes its NetBIOS name from this file.
aconf="$NL_TMP/hosta.conf"
printf 'netbios name = HOSTA\nworkgroup = WG\n' >"$aconf"
chmod 644 "$aconf"
send_a() { env MAILSLOT_CONFIG="$aconf" ip netns exec "$(nl_ns A)" "$BROADCAST" "$@"; }

check "mailslotd starts on B" start_daemon B HOSTB
check "mailslotd starts on C" start_daemon C HOSTC
check "reader on B" start_recv B news "$NL_TMP/b.out"
check "reader on C" start_recv C news "$NL_TMP/c.out"

nl_log "broadcast_send news from A"
check "broadcast_send exits 0" send_a news hello-lan second-message
for h in b c; do
  check "$h got the first message" wait_until 10 has_msg "$NL_TMP/$h.out" hello-lan
  check "$h got the second message" wait_until 10 has_msg "$NL_TMP/$h.out" second-message
  check "$h: the message names HOSTA at A's address" \
    bash -c "grep -F '\"data\":\"hello-lan\"}' '$NL_TMP/$h.out' | grep -qF '\"ip\":\"$IP_A\"' &&
             grep -F '\"data\":\"hello-lan\"}' '$NL_TMP/$h.out' | grep -qF '\"name\":\"HOSTA\"'"
done

# The same example with a whole name: the workgroup, also a broadcast.
check "broadcast_send to \\\\WG\\mailslot\\news exits 0" send_a '\\WG\mailslot\news' to-the-group
check "B got the workgroup message" wait_until 10 has_msg "$NL_TMP/b.out" to-the-group
check "C got the workgroup message" wait_until 10 has_msg "$NL_TMP/c.out" to-the-group

# One datagram holds at most 424 bytes of data: 425 fails, and says so.
m425=$(printf 'y%.0s' $(seq 1 425))
send_a news "$m425" 2>"$NL_TMP/err425"
rc=$?
check "425 bytes fail (status $rc)" test $rc -ne 0
check "the error is ERROR_BAD_NETPATH" grep -qF ERROR_BAD_NETPATH "$NL_TMP/err425"

finish_daemons B C
nl_summary

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# nmbd_link_test.sh MAILSLOTD MAILSLOT NBTOOL: mailslotd's side of nmbd's
# unexpected packet socket against a hostile peer (fakenmbd, built beside
# nbtool), with no Samba needed.
#
# fakenmbd holds UDP 138 and serves the socket: a good frame and then a
# frame of 2^40 bytes; a good frame and then one of an unknown type; a
# wrong acknowledgement; a good frame.  mailslotd ("auto") must find the
# port taken and the socket there, subscribe with the query nmbd
# expects, deliver the three good datagrams, drop the connection at each
# bad step, connect again, and keep running.
set -u
. "$(dirname "$0")/netlib.sh" # reads MAILSLOTD MAILSLOT NBTOOL from "$@"
export MAILSLOT_NAMESPACE=nmbdlink
FAKE=$(dirname "$NBTOOL")/fakenmbd

nl_init
nl_conf
nl_host S 1
dir="$NL_TMP/sock"
nl_bg S "$NL_TMP/fake.log" "$FAKE" "$dir" 138
check "fakenmbd listens" wait_until 10 grep -q listening "$NL_TMP/fake.log"
# The reader first: fakenmbd sends as soon as mailslotd connects.
check "reader on S" start_recv S news "$NL_TMP/news.out" --count 3 --timeout 60000
rpid=$NL_LAST_PID
check "mailslotd starts beside it" start_daemon S HOSTS -o "nmbd socket dir = $dir"
check "  in nmbd coexistence mode" grep -q "mode=nmbd-coexistence" "$NL_TMP/mailslotd-S.log"
check "the query is the one nmbd expects (every datagram)" grep -q "query ok" "$NL_TMP/fake.log"
check "a 2^40-byte frame ends the connection" wait_until 10 grep -q "step 1: client hung up" "$NL_TMP/fake.log"
check "an unknown packet type ends it" wait_until 10 grep -q "step 2: client hung up" "$NL_TMP/fake.log"
check "a wrong acknowledgement ends it" wait_until 10 grep -q "step 3: client hung up" "$NL_TMP/fake.log"
check "every reconnection subscribes the same way" \
  wait_until 10 bash -c "[ \$(grep -c 'query ok' '$NL_TMP/fake.log') -eq 4 ]"
for m in first second third; do
  check "  '$m' delivered" wait_until 10 has_msg "$NL_TMP/news.out" "$m"
done
check "  from SENDER at 10.9.9.9:138, as nmbd said" \
  grep -qF '"sender":{"remote":true,"ip":"10.9.9.9","port":138,"name":"SENDER",' "$NL_TMP/news.out"
check "mailslotd logged each lost connection" \
  bash -c "[ \$(grep -c 'event=nmbd state=lost' '$NL_TMP/mailslotd-S.log') -ge 3 ]"
check "  counted three datagrams from nmbd" test "$(counter S rx_nmbd)" -eq 3
wait "$rpid"
check "the reader got its three messages (rc $?)" test "$(grep -c '"data"' "$NL_TMP/news.out")" -eq 3
finish_daemons S
nl_summary

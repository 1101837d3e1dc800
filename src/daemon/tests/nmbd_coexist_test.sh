#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# nmbd_coexist_test.sh MAILSLOTD MAILSLOT NBTOOL: mailslotd beside Samba's
# nmbd on one host (the "nmbd coexistence" mode, docs/network.md).
#
# Host S runs nmbd (SAMBAS, workgroup WG, local master browser) and then
# mailslotd with the same netbios name, which finds UDP 138 taken and
# nmbd's unexpected packet socket present, and so receives through that
# socket.  Host B runs mailslotd (HOSTB).  Checked: B's writes to
# \\SAMBAS, \\WG and \\* reach S's reader whatever the mailslot name's
# case; S's writes reach B and B's answers come back; nmbd still answers
# name queries, still becomes the master browser, and still keeps the
# BROWSE mailslot to itself; mailslotd follows nmbd through a restart;
# "nmbd coexistence = no" keeps the old refusal.
set -u
. "$(dirname "$0")/netlib.sh" # reads MAILSLOTD MAILSLOT NBTOOL from "$@"
export MAILSLOT_NAMESPACE=nmbdcoexist

nl_samba_lan

nl_samba_conf "$sd" SAMBAS "local master = yes" "preferred master = yes" "os level = 65" \
  "wins support = no"

nl_nmbd_bg S "$sd" "$NL_TMP/nmbd.log"
npid=$NL_LAST_PID
check "nmbd starts (its unexpected socket appears)" wait_until 10 test -S "$sd/sock/unexpected"

# ---- mailslotd on S picks the mode itself (auto) ---------------------------
check "mailslotd starts on S beside nmbd" start_daemon S SAMBAS -o "nmbd socket dir = $sd/sock"
check "  in nmbd coexistence mode (auto)" grep -q "mode=nmbd-coexistence" "$NL_TMP/mailslotd-S.log"
check "  connected to nmbd's socket" wait_until 10 grep -q "event=nmbd state=connected" "$NL_TMP/mailslotd-S.log"
check "nmbd still owns UDP 138 and 137" \
  bash -c "ip netns exec $(nl_ns S) ss -lunp | grep -E ':138 |:137 ' | grep -q nmbd"
check "mailslotd starts on B" start_daemon B HOSTB

check "reader for \\\\.\\mailslot\\test on S" start_recv S test "$NL_TMP/s.out" --count 4 --timeout 120000
check "nmbd answers for SAMBAS (nmblookup from B)" \
  wait_until 60 nl_run B nmblookup -s "$sd/smb.conf" -B "$bcast" SAMBAS

nl_log "B writes to S through nmbd"
check "send \\\\SAMBAS\\mailslot\\test from B" nl_run B "$MAILSLOT" send '\\SAMBAS\mailslot\test' to-sambas
check "send \\\\WG\\mailslot\\test from B" nl_run B "$MAILSLOT" send '\\WG\mailslot\test' to-wg
check "send \\\\*\\mailslot\\test from B" nl_run B "$MAILSLOT" send '\\*\mailslot\test' to-star
check "send \\\\SAMBAS\\MailSlot\\TEST from B (another case)" \
  nl_run B "$MAILSLOT" send '\\SAMBAS\MailSlot\TEST' to-upper
for m in to-sambas to-wg to-star to-upper; do
  check "  '$m' arrives on S" wait_until 10 has_msg "$NL_TMP/s.out" "$m"
done
check "  from HOSTB at B's address, port 138" \
  grep -qF "\"sender\":{\"remote\":true,\"ip\":\"$IP_B\",\"port\":138,\"name\":\"HOSTB\"," "$NL_TMP/s.out"
check "  each through nmbd (rx_nmbd >= 4)" test "$(counter S rx_nmbd)" -ge 4
check "  each once (delivered 4)" test "$(counter S delivered)" -eq 4

nl_log "S writes to B, B answers"
check "reader for \\\\.\\mailslot\\back on B" start_recv B back "$NL_TMP/b.out" --count 1 --timeout 60000
check "reader for \\\\.\\mailslot\\reply on S" start_recv S reply "$NL_TMP/reply.out" --count 1 --timeout 60000
check "send \\\\HOSTB\\mailslot\\back from S" \
  nl_run S "$MAILSLOT" send '\\HOSTB\mailslot\back' from-s
check "  arrives on B from SAMBAS at S's address" \
  wait_until 10 bash -c "grep -qF '\"ip\":\"$IP_S\"' '$NL_TMP/b.out' && grep -qF '\"name\":\"SAMBAS\"' '$NL_TMP/b.out'"
check "  sent from an ephemeral port (nmbd holds 138)" bash -c "! grep -qF '\"port\":138,' '$NL_TMP/b.out'"
check "B's answer to the sender's name comes back through nmbd" \
  nl_run B "$MAILSLOT" send '\\SAMBAS\mailslot\reply' answer
check "  arrives on S" wait_until 10 has_msg "$NL_TMP/reply.out" answer

nl_log "nmbd's own work"
check "nmbd becomes the local master browser of WG" \
  wait_until 90 grep -q "is now a local master browser for workgroup WG" "$NL_TMP/nmbd.log"
check "nmblookup -M WG from B finds S" \
  wait_until 30 bash -c "ip netns exec $(nl_ns B) nmblookup -s '$sd/smb.conf' -B '$bcast' -M WG | grep -qF '$IP_S WG<1d>'"
# An AnnouncementRequest ([MS-BRWS] §2.2.2, opcode 2) to \MAILSLOT\BROWSE:
# nmbd answers it itself, and mailslotd must not see it.
printf '\002\000HOSTB\000' >"$NL_TMP/annreq.bin"
check "reader for \\\\.\\mailslot\\browse on S" start_recv S browse "$NL_TMP/browse.out"
before=$(counter S rx_nmbd)
check "send an AnnouncementRequest to \\\\SAMBAS\\mailslot\\browse from B" \
  nl_run B "$MAILSLOT" send '\\SAMBAS\mailslot\browse' -f "$NL_TMP/annreq.bin"
check "  nmbd takes it (its log)" \
  wait_until 10 grep -q "process_announce_request: Announce request from HOSTB" "$NL_TMP/nmbd.log"
# A user mailslot's datagram sent after it is a barrier: once it is in,
# anything nmbd handed over before it is counted too.
check "reader for \\\\.\\mailslot\\barrier on S" start_recv S barrier "$NL_TMP/barrier.out" --count 1 --timeout 60000
check "  a datagram for a user mailslot after it arrives" \
  nl_run B "$MAILSLOT" send '\\SAMBAS\mailslot\barrier' after-browse
check "  (the barrier is in)" wait_until 10 has_msg "$NL_TMP/barrier.out" after-browse
check "  mailslotd was handed that one only" test "$(counter S rx_nmbd)" -eq $((before + 1))
check "  and the browse reader on S got nothing" test ! -s "$NL_TMP/browse.out"

nl_log "nmbd restarts"
nl_kill "$npid"
check "mailslotd notices nmbd is gone" wait_until 10 grep -q "event=nmbd state=lost" "$NL_TMP/mailslotd-S.log"
nl_nmbd_bg S "$sd" "$NL_TMP/nmbd2.log"
npid=$NL_LAST_PID
check "  and connects again" \
  wait_until 20 bash -c "[ \$(grep -c 'event=nmbd state=connected' '$NL_TMP/mailslotd-S.log') -ge 2 ]"
check "reader for \\\\.\\mailslot\\again on S" start_recv S again "$NL_TMP/again.out" --count 1 --timeout 60000
check "  a write from B arrives again" \
  wait_until 30 bash -c "ip netns exec $(nl_ns B) '$MAILSLOT' send '\\\\SAMBAS\\mailslot\\again' once-more && grep -qF once-more '$NL_TMP/again.out'"

nl_log "nmbd coexistence = no"
timeout 10 ip netns exec "$(nl_ns S)" "$MAILSLOTD" -c "$NL_CONF" -o "netbios name = OTHER" \
  -o "workgroup = WG" -o "user = $NL_USER" -o "nmbd coexistence = no" \
  -o "nmbd socket dir = $sd/sock" >"$NL_TMP/conflict.log" 2>&1
rc=$?
check "mailslotd exits 69 beside nmbd when told not to share (rc $rc)" test $rc -eq 69
finish_daemons S B
nl_summary

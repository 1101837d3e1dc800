#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# samba_test.sh MAILSLOTD MAILSLOT NBTOOL: interoperability with Samba's nmbd.
#
# Host S runs nmbd (netbios name SAMBAS, workgroup WG) with a private
# smb.conf whose `remote announce` points at host B; host B runs mailslotd
# (HOSTB, workgroup WG).  nmbd sends its first remote announce as soon as
# it starts (measured with nmbd 4.17: within a second; then every 180 s),
# a HostAnnouncement ([MS-BRWS] §2.2.1) unicast to WG<1D> on
# \MAILSLOT\BROWSE, which B must deliver to its `browse` mailslot.
# Then both directions of the name service and of datagrams are checked
# against Samba's own implementation, and mailslotd must refuse to start
# where nmbd already owns UDP 138.
set -u
. "$(dirname "$0")/netlib.sh" # reads MAILSLOTD MAILSLOT NBTOOL from "$@"
export MAILSLOT_NAMESPACE=sambatest

nl_samba_lan

# ---- Samba's private configuration ---------------------------------------
nl_samba_conf "$sd" SAMBAS "remote announce = $IP_B/WG" "local master = no" "wins support = no"

# ---- B receives nmbd's HostAnnouncement ----------------------------------
check "mailslotd starts on B" start_daemon B HOSTB
check "reader for \\\\.\\mailslot\\browse on B" \
  start_recv B browse "$NL_TMP/browse.out" --count 1 --timeout 120000
rpid=$NL_LAST_PID

t0=$(date +%s)
nl_nmbd_bg S "$sd" "$NL_TMP/nmbd.log"
npid=$NL_LAST_PID
check "nmbd starts" wait_until 10 test -S "$sd/sock/unexpected"
nl_log "waiting for nmbd's remote announce (up to 100 s)"
if wait_until 100 bash -c "! kill -0 $rpid"; then
  check "a browse message reaches B" true
  wait "$rpid"
  rc=$?
else
  check "a browse message reaches B" false
  nl_kill "$rpid"
  rc=124
fi
nl_log "announce after $(( $(date +%s) - t0 )) s"
check "mailslot recv --count 1 exits 0 (rc $rc)" test $rc -eq 0
cat "$NL_TMP/browse.out"
check "the message is remote, from SAMBAS at S's address, port 138" \
  grep -qF "\"sender\":{\"remote\":true,\"ip\":\"$IP_S\",\"port\":138,\"name\":\"SAMBAS\"," "$NL_TMP/browse.out"
hex=$("$NBTOOL" jsonhex <"$NL_TMP/browse.out" | head -n 1)
echo "data: $hex"
# HostAnnouncement: Opcode(1) UpdateCount(1) Periodicity(4) ServerName(16)
# OsVersionMajor(1) OsVersionMinor(1) ServerType(4) BrowserVersionMajor(1)
# BrowserVersionMinor(1) Signature(2) Comment (NUL-terminated).
check "first data byte is 0x01 (HostAnnouncement)" test "${hex:0:2}" = 01
sambas_hex=$(printf 'SAMBAS' | od -An -tx1 | tr -d ' \n')00000000000000000000
check "ServerName at offset 6 is SAMBAS, NUL-padded to 16 bytes" test "${hex:12:32}" = "$sambas_hex"
check "signature 0xAA55 at offset 30" test "${hex:60:4}" = 55aa
check "the size field matches the data" \
  test "$(sed -n 's/^{"size":\([0-9]*\),.*/\1/p' "$NL_TMP/browse.out")" -eq $(( ${#hex} / 2 ))
check "B delivered it (counter delivered)" test "$(counter B delivered)" -ge 1

# ---- name service, both ways ----------------------------------------------
nl_log "name queries"
check "nmbd registered SAMBAS (nmblookup from B)" \
  wait_until 60 nl_run B nmblookup -s "$sd/smb.conf" -B "$bcast" SAMBAS
nl_run S nmblookup -s "$sd/smb.conf" -B "$bcast" HOSTB >"$NL_TMP/lookup.txt" 2>&1
cat "$NL_TMP/lookup.txt"
check "Samba's nmblookup resolves HOSTB to B (mailslotd answers)" \
  grep -qF "$IP_B HOSTB<00>" "$NL_TMP/lookup.txt"

# ---- B writes to nmbd ------------------------------------------------------
nl_log "datagrams from B to nmbd"
check "SAMBAS is in no hosts file or DNS" bash -c "! ip netns exec $(nl_ns B) getent ahostsv4 SAMBAS"
check "send \\\\SAMBAS\\mailslot\\test from B exits 0 (resolved by NetBIOS)" \
  nl_run B "$MAILSLOT" send '\\SAMBAS\mailslot\test' hello-samba
check "nmbd parsed it: HOSTB<00> -> SAMBAS<00>, \\MAILSLOT\\test (prefix upper-cased, name as sent)" \
  wait_until 10 grep -qF "process_dgram: datagram from HOSTB<00> to SAMBAS<00> IP $IP_B for \\MAILSLOT\\test of type" "$NL_TMP/nmbd.log"
check "  with len=11" bash -c "grep -F 'process_dgram: datagram from HOSTB<00> to SAMBAS<00>' '$NL_TMP/nmbd.log' | grep -q 'len=11$'"
check "send \\\\WG\\mailslot\\test from B exits 0" nl_run B "$MAILSLOT" send '\\WG\mailslot\test' hello-wg
check "nmbd parsed it: HOSTB<00> -> WG<00>" \
  wait_until 10 grep -qF "process_dgram: datagram from HOSTB<00> to WG<00> IP $IP_B for \\MAILSLOT\\test of type" "$NL_TMP/nmbd.log"
grep -F "process_dgram: datagram from HOSTB" "$NL_TMP/nmbd.log"

# ---- UDP 138 owned by nmbd -------------------------------------------------
nl_log "mailslotd where nmbd runs"
check "nmbd still running" kill -0 "$npid"
timeout 10 ip netns exec "$(nl_ns S)" "$MAILSLOTD" -c "$NL_CONF" -o "netbios name = OTHER" \
  -o "workgroup = WG" -o "user = $NL_USER" >"$NL_TMP/conflict.log" 2>&1
rc=$?
echo "  mailslotd said: $(head -c 300 "$NL_TMP/conflict.log")"
check "mailslotd exits 69 (EX_UNAVAILABLE) beside nmbd (rc $rc)" test $rc -eq 69
check "  naming port 138" grep -q 138 "$NL_TMP/conflict.log"
check "nmbd unaffected" kill -0 "$npid"
finish_daemons B
nl_summary

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# names_samba_test.sh MAILSLOTD MAILSLOT NBTOOL: name conflicts with
# Samba's nmbd follow RFC 1001/1002 both ways (names, issue 13).
#
#   B  mailslotd HOSTB, started first   S  nmbd HOSTB, started second
#   T  nmbd HOSTT, started first        D  mailslotd HOSTT, started second
#   C  the observer: nmblookup, mailslot lookup, writes
#
# The first owner defends, the second backs off, queries from C are
# answered by the first owner alone and writes from C reach it.  Then
# `nmblookup -A` reads mailslotd's node status, and `mailslot lookup`
# finds and lists the names nmbd and mailslotd hold.
set -u
. "$(dirname "$0")/netlib.sh" # reads MAILSLOTD MAILSLOT NBTOOL from "$@"
export MAILSLOT_NAMESPACE=namessamba

if ! command -v nmbd >/dev/null 2>&1 || ! command -v nmblookup >/dev/null 2>&1; then
  # CI installs samba (scripts/deps.sh --net): there, a missing nmbd is a failure.
  [ -n "${CI:-}" ] && [ "$(id -u)" = 0 ] && { echo "nmbd/nmblookup missing (samba not installed)"; exit 1; }
  nl_skip "samba (nmbd, nmblookup) is not installed: scripts/deps.sh --net"
fi

nl_init
nl_conf
for h in B:2 S:3 T:4 D:5 C:6; do nl_host "${h%:*}" "${h#*:}"; done
bcast="10.$NL_R.0.255"
json_ok() { if command -v jq >/dev/null 2>&1; then jq -e "$1" >/dev/null; else python3 -m json.tool >/dev/null; fi; }
# nmb_lookup HOST NAME: Samba's answer lines ("IP NAME<00>") for NAME,
# asked by broadcast from HOST with nmbd S's configuration.
nmb_lookup() { nl_run "$1" nmblookup -s "$NMBD_CONF_S" -B "$bcast" "$2" 2>/dev/null | grep -E "^[0-9.]+ $2<00>\$"; }

# ---- mailslotd first: it defends, nmbd backs off ---------------------------
nl_log "mailslotd first (B), then nmbd with the same name (S)"
check "mailslotd starts on B" start_daemon B HOSTB
check "B holds HOSTB and WG" wait_until 5 counter_is B names_held 2
check "nmbd starts on S as HOSTB" nl_nmbd S HOSTB
check "B defends HOSTB against nmbd's registration" wait_until 30 counter_ge B name_defended 1
grep "event=name" "$NL_TMP/mailslotd-B.log"
check "  and logs it, naming S" grep -q "event=name name=HOSTB<00> type=unique result=defended against=$IP_S" "$NL_TMP/mailslotd-B.log"
check "nmbd logs that it failed to register HOSTB" \
  wait_until 20 grep -qF "my_name_register_failed: Failed to register my name HOSTB<00> on subnet $IP_S" "$NMBD_LOG_S"
grep -E "name_register_failed|fail_register" "$NMBD_LOG_S" | head -n 5
check "B kept HOSTB" counter_is B names_held 2
out=$(nmb_lookup C HOSTB)
echo "nmblookup HOSTB from C: $out"
check "nmblookup from C answers only with B's address" test "$out" = "$IP_B HOSTB<00>"
check "reader on B" start_recv B box "$NL_TMP/box-B.out"
check "C writes \\\\HOSTB\\mailslot\\box" nl_run C "$MAILSLOT" send '\\HOSTB\mailslot\box' to-hostb
check "  it reaches B" wait_until 10 has_msg "$NL_TMP/box-B.out" to-hostb
check "  and not nmbd on S" bash -c "! grep -qF 'for \\MAILSLOT\\box' '$NMBD_LOG_S'"

# ---- nmbd first: mailslotd backs off ----------------------------------------
nl_log "nmbd first (T), then mailslotd with the same name (D)"
check "nmbd starts on T as HOSTT" nl_nmbd T HOSTT
check "nmbd holds HOSTT (nmblookup from C)" wait_until 60 nmb_lookup C HOSTT
check "mailslotd starts on D as HOSTT" start_daemon D HOSTT
check "D gives HOSTT up with one log line naming T" \
  wait_until 5 grep -q "event=name name=HOSTT<00> type=unique result=given_up owner=$IP_T rcode=" "$NL_TMP/mailslotd-D.log"
grep "event=name" "$NL_TMP/mailslotd-D.log"
check "  exactly one such line" test "$(grep -c 'result=given_up' "$NL_TMP/mailslotd-D.log")" -eq 1
check "D holds only WG" wait_until 5 counter_is D names_held 1
check "D still runs" kill -0 "$DPID_D"
out=$(nmb_lookup C HOSTT)
echo "nmblookup HOSTT from C: $out"
check "nmblookup from C answers only with T's address" test "$out" = "$IP_T HOSTT<00>"
check "mailslot lookup HOSTT from C: only T" \
  test "$(nl_run C "$MAILSLOT" lookup HOSTT)" = "$IP_T HOSTT<00> unique B-node"
check "C writes \\\\HOSTT\\mailslot\\test" nl_run C "$MAILSLOT" send '\\HOSTT\mailslot\test' to-hostt
check "  nmbd on T receives it" \
  wait_until 10 grep -qF "to HOSTT<00> IP $IP_C for \\MAILSLOT\\test" "$NMBD_LOG_T"
check "  and D does not" test "$(counter D rx_datagrams)" = 0

# ---- nmblookup -A reads mailslotd's node status -----------------------------
nl_log "node status"
nl_run C nmblookup -s "$NMBD_CONF_S" -A "$IP_B" >"$NL_TMP/status-B.txt" 2>&1
cat "$NL_TMP/status-B.txt"
check "nmblookup -A lists HOSTB <00>, unique, active" \
  grep -qE '^\s+HOSTB\s+<00> -\s+B <ACTIVE>' "$NL_TMP/status-B.txt"
check "  WG <00>, group, active" grep -qE '^\s+WG\s+<00> - <GROUP> B <ACTIVE>' "$NL_TMP/status-B.txt"
check "  and B's MAC address" grep -qiF "MAC Address = $(nl_run B cat /sys/class/net/eth0/address | tr : -)" "$NL_TMP/status-B.txt"
nl_run C nmblookup -s "$NMBD_CONF_S" -A "$IP_D" >"$NL_TMP/status-D.txt" 2>&1
cat "$NL_TMP/status-D.txt"
check "nmblookup -A of D shows HOSTT in conflict" grep -qE '^\s+HOSTT\s+<00> -\s+B <CONFLICT>' "$NL_TMP/status-D.txt"

# ---- mailslot lookup of nmbd's and mailslotd's names ------------------------
nl_log "mailslot lookup"
check "lookup HOSTT#20 (nmbd's server name) finds T" \
  bash -c "ip netns exec $(nl_ns C) '$MAILSLOT' lookup 'HOSTT#20' | grep -qx '$IP_T HOSTT<20> unique B-node'"
check "lookup HOSTB finds mailslotd on B" \
  test "$(nl_run C "$MAILSLOT" lookup HOSTB)" = "$IP_B HOSTB<00> unique B-node"
nl_run C "$MAILSLOT" lookup -A "$IP_T" >"$NL_TMP/lookup-T.txt"
cat "$NL_TMP/lookup-T.txt"
check "lookup -A lists nmbd's names" grep -qE '^  HOSTT +<20> unique B-node active$' "$NL_TMP/lookup-T.txt"
check "  and its workgroup" grep -qE '^  WG +<00> group  B-node active$' "$NL_TMP/lookup-T.txt"
nl_run C "$MAILSLOT" lookup --status HOSTT --json >"$NL_TMP/lookup-T.json"
check "--status --json of nmbd parses and lists HOSTT<00>" \
  json_ok "[.status[0].names[] | select(.name == \"HOSTT\" and .suffix == \"00\")] | length == 1" <"$NL_TMP/lookup-T.json"
nl_run C "$MAILSLOT" lookup -A "$IP_B" --json >"$NL_TMP/lookup-B.json"
check "lookup -A --json of mailslotd lists HOSTB and WG" \
  json_ok "[.status[0].names[].name] == [\"HOSTB\", \"WG\"]" <"$NL_TMP/lookup-B.json"
check "nmbd on S still runs" kill -0 "$NMBD_PID_S"
check "nmbd on T still runs" kill -0 "$NMBD_PID_T"
finish_daemons B D
nl_summary

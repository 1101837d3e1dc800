#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# names_test.sh MAILSLOTD MAILSLOT NBTOOL: mailslotd as an RFC 1001/1002
# B-node (names, issue 13), between mailslotd instances.
#
# Host C watches UDP 137 (nbtool nswatch) and asks (mailslot lookup,
# nbtool nssend).  A registers HOSTA, an alias and WG; B, started second
# with the name HOSTA, must back off while A defends it; crafted claims
# (a registration, an overwrite demand) are refused, a NAME CONFLICT DEMAND
# takes the alias away; stopping A releases its names.  D and E share the
# scope corp.example and F is in the scope lab: datagrams and name
# queries pass inside a scope and are dropped and counted across.  When
# tshark is there, Wireshark's NBNS dissector decodes the capture of it all
# on C without a malformed packet.
set -u
. "$(dirname "$0")/netlib.sh" # reads MAILSLOTD MAILSLOT NBTOOL from "$@"
export MAILSLOT_NAMESPACE=namestest

nl_lan A B C D E F
watch="$NL_TMP/watch.log"
json_ok() { if command -v jq >/dev/null 2>&1; then jq -e "$1" >/dev/null; else python3 -m json.tool >/dev/null; fi; }
lookup() { local h=$1; shift; nl_run "$h" "$MAILSLOT" lookup "$@"; }

nl_bg C "$watch" "$NBTOOL" nswatch 137 300000
check "C watches UDP 137" wait_until 5 grep -q READY "$watch"

# Wireshark's NBNS dissector judges the packets too, when tshark is there
# (CI installs it: there, a missing tshark is a failure).
pcap="$NL_TMP/names.pcap"
tpid=""
if command -v tshark >/dev/null 2>&1; then
  nl_bg C "$NL_TMP/tshark.log" tshark -n -q -l -P -T fields -e nbns.name -i eth0 \
    -f 'udp port 137' -w "$pcap" -a duration:150
  tpid=$NL_LAST_PID
  probe() { nl_run C "$NBTOOL" nssend "$bcast" 137 register PROBE 50 >/dev/null; grep -q 'PROBE<00>' "$NL_TMP/tshark.log"; }
  check "tshark captures on C" wait_until 30 probe
elif [ -n "${CI:-}" ] && [ "$(id -u)" = 0 ]; then
  check "tshark is installed" false
fi

# ---- A registers its names ------------------------------------------------
nl_log "registration"
check "mailslotd starts on A" start_daemon A HOSTA -o "netbios aliases = ALIASA"
check "A holds HOSTA, ALIASA and WG (names_held 3)" wait_until 5 counter_is A names_held 3
check "registrations for HOSTA<00> carry A's address, unique, B-node" \
  wait_until 5 grep -qF "FROM $IP_A register HOSTA<00> RCODE 0 ADDR $IP_A FLAGS 0000" "$watch"
check "  sent three times (BCAST_REQ_RETRY_COUNT)" \
  test "$(grep -cF "FROM $IP_A register HOSTA<00> " "$watch")" -eq 3
check "  then a NAME OVERWRITE DEMAND" grep -qF "FROM $IP_A overwrite HOSTA<00> " "$watch"
check "WG<00> is registered as a group" grep -qF "FROM $IP_A register WG<00> RCODE 0 ADDR $IP_A FLAGS 8000" "$watch"
check "the alias too" grep -qF "FROM $IP_A register ALIASA<00> " "$watch"
check "A logged each name held" test "$(grep -c 'event=name .*result=held' "$NL_TMP/mailslotd-A.log")" -eq 3

# ---- mailslot lookup -------------------------------------------------------
nl_log "mailslot lookup"
out=$(lookup C HOSTA)
echo "$out"
check "lookup HOSTA finds A, unique B-node" test "$out" = "$IP_A HOSTA<00> unique B-node"
check "lookup of the alias" bash -c "ip netns exec $(nl_ns C) '$MAILSLOT' lookup aliasa | grep -qx '$IP_A ALIASA<00> unique B-node'"
check "lookup WG#00 says group" bash -c "ip netns exec $(nl_ns C) '$MAILSLOT' lookup 'WG#00' | grep -qx '$IP_A WG<00> group B-node'"
lookup C HOSTA#20 >/dev/null 2>&1
check "lookup HOSTA#20 (not registered) exits 68" test $? -eq 68
lookup C NOBODY -t 300 >/dev/null 2>&1
check "lookup of a name nobody holds exits 68" test $? -eq 68
lookup C HOSTA --json >"$NL_TMP/l.json"
cat "$NL_TMP/l.json"
check "--json parses, with A's address" json_ok ".answers[0].ip == \"$IP_A\" and .answers[0].group == false and .name == \"HOSTA<00>\"" <"$NL_TMP/l.json"
check "unicast to a server (-U): A answers directly" \
  bash -c "ip netns exec $(nl_ns C) '$MAILSLOT' lookup -U $IP_A HOSTA | grep -qx '$IP_A HOSTA<00> unique B-node'"

# ---- node status ----------------------------------------------------------
nl_log "node status"
lookup C -A "$IP_A" >"$NL_TMP/status.txt"
cat "$NL_TMP/status.txt"
check "node status lists HOSTA <00> unique active" grep -qE '^  HOSTA +<00> unique B-node active$' "$NL_TMP/status.txt"
check "  ALIASA <00> unique active" grep -qE '^  ALIASA +<00> unique B-node active$' "$NL_TMP/status.txt"
check "  WG <00> group active" grep -qE '^  WG +<00> group  B-node active$' "$NL_TMP/status.txt"
check "  and A's MAC address" grep -qF "MAC address $(nl_run A cat /sys/class/net/eth0/address)" "$NL_TMP/status.txt"
lookup C --status HOSTA --json >"$NL_TMP/s.json"
cat "$NL_TMP/s.json"
check "--status NAME --json: three names from A" \
  json_ok ".status[0].ip == \"$IP_A\" and (.status[0].names | length) == 3 and .status[0].names[0].active == true" <"$NL_TMP/s.json"
check "A counted the status answers" test "$(counter A nbns_status_answered)" -ge 2

# ---- B, second with the same name, backs off --------------------------------
nl_log "conflict: B claims HOSTA"
check "mailslotd starts on B as HOSTA" start_daemon B HOSTA
check "B gives HOSTA up with one log line" \
  wait_until 5 grep -q "event=name name=HOSTA<00> type=unique result=given_up owner=$IP_A" "$NL_TMP/mailslotd-B.log"
grep "event=name" "$NL_TMP/mailslotd-B.log"
check "  exactly one" test "$(grep -c 'result=given_up' "$NL_TMP/mailslotd-B.log")" -eq 1
check "A defended HOSTA (name_defended)" counter_ge A name_defended 1
check "B holds only WG (names_held 1)" wait_until 5 counter_is B names_held 1
check "  name_conflicts 1" test "$(counter B name_conflicts)" = 1
check "B still runs" kill -0 "$DPID_B"
out=$(lookup C HOSTA)
echo "$out"
check "lookup from C answers only with A's address" test "$out" = "$IP_A HOSTA<00> unique B-node"
check "WG has both owners" test "$(lookup C WG | grep -c ' WG<00> group B-node')" -eq 2
check "reader on A" start_recv A box "$NL_TMP/box-A.out"
check "reader on B" start_recv B box "$NL_TMP/box-B.out"
check "C writes \\\\HOSTA\\mailslot\\box" nl_run C "$MAILSLOT" send '\\HOSTA\mailslot\box' to-hosta
check "  it reaches A" wait_until 10 has_msg "$NL_TMP/box-A.out" to-hosta
check "  and not B" bash -c "! grep -q to-hosta '$NL_TMP/box-B.out'"

# ---- crafted claims ---------------------------------------------------------
nl_log "claims"
before=$(counter A name_defended)
out=$(nl_run C "$NBTOOL" nssend "$bcast" 137 register HOSTA 2000)
echo "$out"
check "a registration of HOSTA gets ACT_ERR from A, echoing the request" \
  test "$out" = "FROM $IP_A reg_negative HOSTA<00> RCODE 6 ADDR 10.255.0.1 FLAGS 0000"
out=$(nl_run C "$NBTOOL" nssend "$IP_A" 137 overwrite HOSTA 2000)
check "an overwrite demand of HOSTA is refused too" test "${out%% ADDR*}" = "FROM $IP_A reg_negative HOSTA<00> RCODE 6"
out=$(nl_run C "$NBTOOL" nssend "$IP_A" 137 register WG 2000)
check "a unique claim on the group WG is refused" test "${out%% ADDR*}" = "FROM $IP_A reg_negative WG<00> RCODE 6"
check "name_defended counts them" test "$(counter A name_defended)" -eq $((before + 3))
nl_run C "$NBTOOL" nssend "$IP_A" 137 register OTHER 500 >/dev/null
check "a name that is not ours gets no answer" test $? -eq 1
nl_run C "$NBTOOL" nssend "$IP_A" 137 conflict ALIASA 300 >/dev/null
check "a NAME CONFLICT DEMAND takes ALIASA away" \
  wait_until 5 grep -q "event=name name=ALIASA<00> type=unique result=given_up from=$IP_C" "$NL_TMP/mailslotd-A.log"
lookup C ALIASA -t 500 >/dev/null 2>&1
check "  ALIASA is no longer answered for" test $? -eq 68
lookup C -A "$IP_A" --json >"$NL_TMP/s2.json"
check "  node status shows it in conflict, not active" \
  json_ok '[.status[0].names[] | select(.name == "ALIASA")][0] | .conflict == true and .active == false' <"$NL_TMP/s2.json"
check "A holds two names now" test "$(counter A names_held)" = 2

# ---- release on stop ---------------------------------------------------------
nl_log "release"
check "A stops on SIGTERM with status 0" stop_daemon A
check "A broadcast a NAME RELEASE REQUEST for HOSTA<00>" \
  wait_until 5 grep -qF "FROM $IP_A release HOSTA<00> RCODE 0 ADDR $IP_A" "$watch"
check "  and for WG<00>" grep -qF "FROM $IP_A release WG<00> " "$watch"
check "  but not for ALIASA, which it gave up" bash -c "! grep -qF 'FROM $IP_A release ALIASA<00>' '$watch'"
check "A logged no sanitizer report" bash -c "! grep -qE 'Sanitizer|runtime error:' '$NL_TMP/mailslotd-A.log'"

# ---- scopes ------------------------------------------------------------------
nl_log "scopes"
printf 'netbios scope = corp.example\n' >"$NL_TMP/corp.conf"
printf 'netbios scope = lab\n' >"$NL_TMP/lab.conf"
chmod 644 "$NL_TMP"/corp.conf "$NL_TMP"/lab.conf
check "mailslotd on D in corp.example" start_daemon D HOSTD -o "netbios scope = corp.example"
check "mailslotd on E in corp.example" start_daemon E HOSTE -o "netbios scope = corp.example"
check "mailslotd on F in lab" start_daemon F HOSTF -o "netbios scope = lab"
check "E registers HOSTE<00> in its scope" \
  wait_until 5 grep -qF "FROM $IP_E register HOSTE<00>.corp.example RCODE 0" "$watch"
check "E holds its names" wait_until 5 counter_is E names_held 2
check "reader on E" start_recv E box "$NL_TMP/box-E.out"
check "D resolves and writes \\\\HOSTE\\mailslot\\box in the scope" \
  env MAILSLOT_CONFIG="$NL_TMP/corp.conf" ip netns exec "$(nl_ns D)" "$MAILSLOT" send '\\HOSTE\mailslot\box' scoped-unicast
check "  E delivers it" wait_until 10 has_msg "$NL_TMP/box-E.out" scoped-unicast
check "D's workgroup broadcast in the scope" \
  env MAILSLOT_CONFIG="$NL_TMP/corp.conf" ip netns exec "$(nl_ns D)" "$MAILSLOT" send '\\WG\mailslot\box' scoped-bcast
check "  reaches E" wait_until 10 has_msg "$NL_TMP/box-E.out" scoped-bcast
drops=$(counter E drop_other_scope)
check "F's workgroup broadcast in the scope lab" \
  env MAILSLOT_CONFIG="$NL_TMP/lab.conf" ip netns exec "$(nl_ns F)" "$MAILSLOT" send '\\WG\mailslot\box' lab-bcast
check "  is dropped and counted by E (drop_other_scope)" wait_until 10 counter_ge E drop_other_scope $((drops + 1))
check "  and not delivered" bash -c "! grep -q lab-bcast '$NL_TMP/box-E.out'"
env MAILSLOT_CONFIG="$NL_TMP/lab.conf" ip netns exec "$(nl_ns F)" "$MAILSLOT" send '\\HOSTE\mailslot\box' x >/dev/null 2>&1
check "F cannot resolve HOSTE from the scope lab (exit 68)" test $? -eq 68
other=$(counter E nbns_other_scope)
check "E counted F's queries (nbns_other_scope)" test "$other" -ge 1
check "lookup HOSTE in corp.example from F" \
  bash -c "ip netns exec $(nl_ns F) '$MAILSLOT' lookup -s corp.example HOSTE | grep -qx '$IP_E HOSTE<00>.corp.example unique B-node'"
lookup F -s lab HOSTE -t 500 >/dev/null 2>&1
check "lookup HOSTE in the scope lab gets no answer" test $? -eq 68
check "  and E counted it" test "$(counter E nbns_other_scope)" -gt "$other"
lookup F -A "$IP_E" -t 500 >/dev/null 2>&1
check "node status of E from the scope lab: no answer" test $? -eq 68
check "node status of E in corp.example lists HOSTE" \
  bash -c "ip netns exec $(nl_ns F) '$MAILSLOT' lookup -s corp.example -A $IP_E | grep -qE '^  HOSTE +<00> unique'"

# ---- what Wireshark makes of it ---------------------------------------------
if [ -n "$tpid" ]; then
  nl_log "tshark"
  kill -INT "$tpid" 2>/dev/null
  check "tshark stops" wait_until 20 bash -c "! kill -0 $tpid"
  tshark -n -r "$pcap" -T fields -E separator='|' -E occurrence=f -e ip.src -e nbns.flags.opcode \
    -e nbns.flags.response -e nbns.flags.rcode -e nbns.name -e nbns.addr -e nbns.nb_flags \
    -e nbns.netbios_name -e nbns.unit_id -e _ws.malformed >"$NL_TMP/nbns.txt" 2>"$NL_TMP/tshark-decode.log"
  ws() { grep -cE "$1" "$NL_TMP/nbns.txt"; }
  check "no malformed packet" test "$(cut -d'|' -f10 "$NL_TMP/nbns.txt" | grep -c .)" -eq 0
  check "A's registrations of HOSTA<00>: opcode 5, A's address, unique" \
    test "$(ws "^$IP_A\|5\|0\|\|HOSTA<00>[^|]*\|$IP_A\|0x0000\|")" -ge 4
  check "  WG<00> as a group" test "$(ws "^$IP_A\|5\|0\|\|WG<00>[^|]*\|$IP_A\|0x8000\|")" -ge 4
  check "A's defence: a registration response, RCODE 6" test "$(ws "^$IP_A\|5\|1\|6\|HOSTA<00>")" -ge 2
  check "A's node status answer decodes, with HOSTA first and A's MAC" \
    grep -qF "|HOSTA|$(nl_run A cat /sys/class/net/eth0/address)|" "$NL_TMP/nbns.txt"
  check "A's releases: opcode 6" test "$(ws "^$IP_A\|6\|0\|\|HOSTA<00>")" -eq 1
  check "E's registration is scoped" grep -qE "^$IP_E\|5\|0\|\|HOSTE<00>\.corp\.example" "$NL_TMP/nbns.txt"
fi

finish_daemons B D E F
nl_summary

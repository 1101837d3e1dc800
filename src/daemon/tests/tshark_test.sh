#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tshark_test.sh MAILSLOTD MAILSLOT NBTOOL: Wireshark's dissectors as an
# independent judge of what goes on the wire.
#
# A runs mailslotd (HOSTA), D runs none (its writes leave from an
# ephemeral port), B runs mailslotd (HOSTB) and reads `news`; all in
# workgroup WG.  tshark captures UDP 137 and 138 on B's interface while A
# and D each write to \\HOSTB\mailslot\News and \\*\mailslot\News.  The
# capture must decode as nbdgm -> smb -> mailslot with the right names,
# types, addresses and lengths, and without a malformed packet or any
# expert info above chat level.
set -u
. "$(dirname "$0")/netlib.sh" # reads MAILSLOTD MAILSLOT NBTOOL from "$@"
export MAILSLOT_NAMESPACE=tsharktest

if ! command -v tshark >/dev/null 2>&1; then
  [ -n "${CI:-}" ] && [ "$(id -u)" = 0 ] && { echo "tshark missing"; exit 1; }
  nl_skip "tshark is not installed: scripts/deps.sh --net"
fi

nl_init
nl_conf
nl_host A 1
nl_host B 2
nl_host D 4
bcast="10.$NL_R.0.255"
dconf="$NL_TMP/hostd.conf"
printf 'netbios name = HOSTD\nworkgroup = WG\n' >"$dconf"
chmod 644 "$dconf"

check "mailslotd starts on A" start_daemon A HOSTA
check "mailslotd starts on B" start_daemon B HOSTB
check "reader on B" start_recv B news "$NL_TMP/b.out"

pcap="$NL_TMP/cap.pcap"
# -P -T fields prints each captured datagram's destination name as well,
# so that the test can tell when packets really are being captured.
nl_bg B "$NL_TMP/tshark-capture.log" tshark -n -q -l -P -T fields -e nbdgm.destination_name \
  -i eth0 -f 'udp port 138 or udp port 137' -w "$pcap" -a duration:90
tpid=$NL_LAST_PID
check "tshark started" wait_until 30 grep -q "Capturing on" "$NL_TMP/tshark-capture.log"
# "Capturing on" comes before the first packet is surely seen: send probes
# (to a name nobody has; B drops them) until tshark shows one.
probe() {
  nl_run A "$NBTOOL" send "$IP_B" 138 valid PROBE >/dev/null
  grep -q 'PROBE<00>' "$NL_TMP/tshark-capture.log"
}
check "tshark is capturing" wait_until 30 probe

nl_log "sending"
check "A: \\\\HOSTB\\mailslot\\News" nl_run A "$MAILSLOT" send '\\HOSTB\mailslot\News' a-unique
check "A: \\\\*\\mailslot\\News" nl_run A "$MAILSLOT" send '\\*\mailslot\News' a-bcast
check "D: \\\\HOSTB\\mailslot\\News" \
  env MAILSLOT_CONFIG="$dconf" ip netns exec "$(nl_ns D)" "$MAILSLOT" send '\\HOSTB\mailslot\News' d-unique
check "D: \\\\*\\mailslot\\News" \
  env MAILSLOT_CONFIG="$dconf" ip netns exec "$(nl_ns D)" "$MAILSLOT" send '\\*\mailslot\News' d-bcast
check "B got all four" wait_until 10 bash -c "grep -q d-bcast '$NL_TMP/b.out' && [ \$(wc -l <'$NL_TMP/b.out') -eq 4 ]"
# tshark has seen them all (two to WG<00>, two to HOSTB<00>) before it stops.
seen() { [ "$(grep -cxF "$1" "$NL_TMP/tshark-capture.log")" -ge "$2" ]; }
check "tshark saw the four datagrams" wait_until 20 bash -c \
  "$(declare -f seen); NL_TMP='$NL_TMP'; seen 'WG<00>' 2 && seen 'HOSTB<00>' 2"
kill -INT "$tpid" 2>/dev/null
check "tshark stops" wait_until 20 bash -c "! kill -0 $tpid"
check "the capture is not empty" test -s "$pcap"
check "tshark reported no error" \
  bash -c "! grep -qi 'error' '$NL_TMP/tshark-capture.log'"

fields=(frame.number ip.src udp.srcport ip.dst udp.length nbdgm.type nbdgm.first nbdgm.next
  nbdgm.src.ip nbdgm.src.port nbdgm.dgram_len nbdgm.pkt_offset nbdgm.source_name
  nbdgm.destination_name smb.cmd smb.trans_name mailslot.opcode mailslot.class mailslot.name
  data.data _ws.malformed _ws.expert)
args=()
for f in "${fields[@]}"; do args+=(-e "$f"); done
tshark -n -r "$pcap" -Y 'udp.port == 138 && nbdgm.destination_name != "PROBE<00>"' -T fields -E separator='|' -E occurrence=f \
  "${args[@]}" >"$NL_TMP/dgm.txt" 2>"$NL_TMP/tshark-decode.log"
echo "decoded datagrams (${fields[*]}):"
sed 's/^/  /' "$NL_TMP/dgm.txt"
check "four datagrams on UDP 138" test "$(wc -l <"$NL_TMP/dgm.txt")" -eq 4

# field ROW NAME: one field of the decoded row.
field() {
  local i
  for i in "${!fields[@]}"; do
    [ "${fields[$i]}" = "$2" ] && { cut -d'|' -f$((i + 1)) <<<"$1"; return; }
  done
  echo "no field $2" >&2
}
# row DATA: the decoded row whose payload is DATA.
row() { grep -F "|$(printf '%s' "$1" | od -An -tx1 | tr -d ' \n')|" "$NL_TMP/dgm.txt"; }
is() { [ "$(field "$1" "$2")" = "$3" ] || { echo "    $2 is '$(field "$1" "$2")', want '$3'"; return 1; }; }

# check_dgm DATA SRC_IP PORT(138|eph) DST_IP TYPE SRC_NAME DST_NAME
check_dgm() {
  local r what="$1"
  r=$(row "$1")
  check "$what: captured" test -n "$r"
  [ -n "$r" ] || return
  check "$what: IP $2 -> $4" bash -c "[ '$(field "$r" ip.src)' = '$2' ] && [ '$(field "$r" ip.dst)' = '$4' ]"
  if [ "$3" = 138 ]; then
    check "$what: from UDP port 138" is "$r" udp.srcport 138
  else
    check "$what: from an ephemeral port" bash -c "[ '$(field "$r" udp.srcport)' -gt 1023 ]"
  fi
  check "$what: nbdgm.type $5" is "$r" nbdgm.type "$5"
  check "$what: FIRST set" is "$r" nbdgm.first 1
  check "$what: MORE clear" is "$r" nbdgm.next 0
  check "$what: header SOURCE_IP is the sender's" is "$r" nbdgm.src.ip "$2"
  check "$what: header SOURCE_PORT is the UDP source port" is "$r" nbdgm.src.port "$(field "$r" udp.srcport)"
  check "$what: DGM_LENGTH = UDP payload - 14" is "$r" nbdgm.dgram_len $(( $(field "$r" udp.length) - 8 - 14 ))
  check "$what: PACKET_OFFSET 0" is "$r" nbdgm.pkt_offset 0
  check "$what: source name $6" is "$r" nbdgm.source_name "$6"
  check "$what: destination name $7" is "$r" nbdgm.destination_name "$7"
  check "$what: SMB command 0x25" is "$r" smb.cmd 0x25
  check "$what: SMB transaction name" is "$r" smb.trans_name '\MAILSLOT\News'
  check "$what: mailslot layer: opcode write" is "$r" mailslot.opcode 1
  check "$what: mailslot layer: class 2" is "$r" mailslot.class 2
  check "$what: mailslot layer: name" is "$r" mailslot.name '\MAILSLOT\News'
  check "$what: not malformed" is "$r" _ws.malformed ""
  check "$what: no expert info above chat level" bash -c \
    "[ -z \"\$(tshark -n -r '$pcap' -Y 'frame.number == $(field "$r" frame.number) && ($problem)' 2>/dev/null)\" ]"
}
# Expert info of "chat" level is Wireshark's guesswork, not a fault: an
# ephemeral source port between 33434 and 33534 reads as "possible
# traceroute".  Notes, warnings and errors are faults.
problem='_ws.malformed || _ws.expert.severity >= 0x00400000'
check_dgm a-unique "$IP_A" 138 "$IP_B" 16 'HOSTA<00>' 'HOSTB<00>'
check_dgm a-bcast "$IP_A" 138 "$bcast" 17 'HOSTA<00>' 'WG<00>'
check_dgm d-unique "$IP_D" eph "$IP_B" 16 'HOSTD<00>' 'HOSTB<00>'
check_dgm d-bcast "$IP_D" eph "$bcast" 17 'HOSTD<00>' 'WG<00>'

n=$(tshark -n -r "$pcap" -Y "$problem" 2>/dev/null | wc -l)
check "no frame in the capture is malformed or has expert info above chat level ($n)" test "$n" -eq 0
[ "$n" -eq 0 ] || tshark -n -r "$pcap" -Y "$problem" -V 2>/dev/null | head -80

# The name service: A and D asked for HOSTB<00>, B answered with its address.
tshark -n -r "$pcap" -Y 'udp.port == 137' -T fields -E separator='|' \
  -e ip.src -e ip.dst -e nbns.flags.response -e nbns.name -e nbns.addr -e _ws.malformed \
  >"$NL_TMP/ns.txt" 2>/dev/null
echo "decoded name service packets (ip.src ip.dst response name addr malformed):"
sed 's/^/  /' "$NL_TMP/ns.txt"
check "A broadcast a name query for HOSTB<00>" \
  grep -qE "^$IP_A\|$bcast\|(0|False)\|HOSTB<00>\|" "$NL_TMP/ns.txt"
check "D broadcast a name query for HOSTB<00>" \
  grep -qE "^$IP_D\|$bcast\|(0|False)\|HOSTB<00>\|" "$NL_TMP/ns.txt"
check "B answered A with its address" \
  grep -qE "^$IP_B\|$IP_A\|(1|True)\|HOSTB<00>( \([^)]*\))?\|$IP_B\|$" "$NL_TMP/ns.txt"
check "B answered D with its address" \
  grep -qE "^$IP_B\|$IP_D\|(1|True)\|HOSTB<00>( \([^)]*\))?\|$IP_B\|$" "$NL_TMP/ns.txt"
finish_daemons A B
nl_summary
